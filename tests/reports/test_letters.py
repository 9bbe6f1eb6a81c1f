"""Letters to Members from the templates, read back from the PDF (pypdf) and the .docx (python-docx)."""
from __future__ import annotations

import dataclasses
import io
import re
import shutil
from datetime import date

import pytest
from docx import Document
from pypdf import PdfReader

from mpel_app.domain.errors import ValidationError
from mpel_app.reports import letters
from mpel_app.reports.letters import (
    COMPANIONS,
    TEMPLATES,
    WELSH_LINE,
    Addressee,
    LetterContext,
    assert_no_forbidden_content,
    compose_letter,
    render_letter_docx,
    render_letter_pdf,
)

HO_REF = "A1234567"
CONFIDENTIAL = "Mr Adeyemi has a conviction which the constituent does not know about."
FORWARDABLE = "A decision has been made on the application and served on the applicant."

MP = Addressee(
    "Jane Doe", title="Rt Hon", courtesy_title="Ms", constituency="Exampleton North",
    address_lines=("House of Commons", "London", "SW1A 0AA"),
)
MSP = Addressee(
    "Morag Reid", kind="MDL", post_nominals="MSP", courtesy_title="Ms",
    address_lines=("The Scottish Parliament", "Edinburgh", "EH99 1SP"),
)


def make_ctx(**changes) -> LetterContext:
    values = dict(
        cts_reference="M12345/26",
        kind="ministerial",
        date=date(2026, 3, 9),
        addressee=MP,
        subject_name="Bola Adeyemi",
        constituent_name="Mrs Ada Obi",
        member_letter_date=date(2026, 3, 2),
        issue="the application for leave to remain",
        signatory_name="Anne Minister",
        signatory_title="Minister of State for Borders and Immigration",
        ho_reference=HO_REF,
        your_reference="JD/0042",
        body=(),
        forwardable_body=(FORWARDABLE,),
    )
    values.update(changes)
    return LetterContext(**values)


# What each template needs to be produced at all.
CTX_FOR = {
    "third_party": lambda **kw: make_ctx(**kw),
    "in_confidence": lambda **kw: make_ctx(**{"body": (CONFIDENTIAL,), **kw}),
    "in_confidence_forwardable": lambda **kw: make_ctx(**kw),
    "mdl": lambda **kw: make_ctx(**{"addressee": MSP, **kw}),
    "full_reply": lambda **kw: make_ctx(**{"body": ("The application was granted on 1 March.",), **kw}),
    "support": lambda **kw: make_ctx(**kw),
    "allegation": lambda **kw: make_ctx(**kw),
    "election_third_party": lambda **kw: make_ctx(**kw),
}
# Written to the constituent, not a Member: tests/reports/test_special_letters.py.
TO_MEMBERS = sorted(set(TEMPLATES) - {"late_member_constituent"})


def squash(text: str) -> str:
    """Whitespace folded: the PDF wraps lines where it likes."""
    return " ".join(text.split())


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF")
    return squash("\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))


def docx_text(data: bytes, *, header: bool = False) -> str:
    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    if header:
        parts = [p.text for s in doc.sections for p in s.header.paragraphs] + parts
    return squash("\n".join(parts))


RENDERERS = {
    "pdf": lambda template, ctx: pdf_text(render_letter_pdf(template, ctx)),
    "docx": lambda template, ctx: docx_text(render_letter_docx(template, ctx)),
}


@pytest.fixture(params=sorted(RENDERERS))
def read(request):
    """Render a letter and read its text back, once per output format."""
    return RENDERERS[request.param]


# Every template --------------------------------------------------------------------

def test_templates_are_the_ones_in_the_guidance():
    assert set(TEMPLATES) == {"third_party", "in_confidence", "in_confidence_forwardable", "mdl", "full_reply",
                              "support", "allegation", "election_third_party", "late_member_constituent"}
    assert COMPANIONS == {"in_confidence": "in_confidence_forwardable"}
    for name in TEMPLATES:
        assert letters.template_path(name).is_file()


@pytest.mark.parametrize("template", TO_MEMBERS)
def test_each_letter_carries_reference_date_addressee_salutation_and_signature(template, read):
    ctx = CTX_FOR[template]()
    text = read(template, ctx)
    member = "Morag Reid MSP" if template == "mdl" else "Rt Hon Jane Doe MP"
    for expected in (
        "Home Office", "2 Marsham Street",
        "Our ref", "M12345/26", "Your ref", "JD/0042", "9 March 2026",
        member, "Dear Ms Reid" if template == "mdl" else "Dear Ms Doe",
        "Thank you for your letter of 2 March 2026 on behalf of your constituent Mrs Ada Obi",
        "Yours sincerely", "Anne Minister", "Minister of State for Borders and Immigration",
    ):
        assert expected in text, f"{template}: {expected!r} missing"
    # The Member's address, in order, and never "Rt Hon" in the salutation.
    address = "The Scottish Parliament Edinburgh EH99 1SP" if template == "mdl" else "House of Commons London SW1A 0AA"
    assert address in text
    assert "Dear Rt Hon" not in text and "Dear Ms Doe MP" not in text
    # The salutation comes before the body and the signature after it.
    assert text.index("Dear ") < text.index("Thank you for your letter") < text.index("Yours sincerely")


def test_official_letters_come_from_the_agency(read):
    text = read("third_party", make_ctx(kind="official", cts_reference="b00042/26"))
    assert "UK Border Agency" in text and "Our ref B00042/26" in text.replace(":", "")


def test_third_party_letter_names_the_subject_and_asks_for_consent(read):
    text = read("third_party", make_ctx())
    assert "about Bola Adeyemi, concerning the application for leave to remain" in text
    assert "Our records do not show that Bola Adeyemi has given us written consent" in text
    assert "Thank you for your understanding." in text


def test_mdl_reply_gives_no_substantive_reply(read):
    text = read("mdl", CTX_FOR["mdl"](kind="official", cts_reference="B12345/26"))
    assert "reserved to the Westminster Parliament" in text
    assert "I am therefore unable to reply to the points you raise" in text
    assert "direct them to their Westminster Member of Parliament" in text
    assert "Bola Adeyemi" not in text  # not the case's business here
    assert HO_REF not in text


def test_mdl_reply_is_only_for_an_mdl_with_no_drafted_reply():
    with pytest.raises(ValidationError, match="MDL who is also an MP"):
        render_letter_pdf("mdl", make_ctx())  # addressed to an MP: full reply, not this
    with pytest.raises(ValidationError, match="no substantive reply"):
        render_letter_docx("mdl", make_ctx(addressee=MSP, body="Your constituent's application was refused."))


# In confidence, and the reply to forward -------------------------------------------

def test_in_confidence_letter_says_so_and_carries_the_home_office_reference(read):
    text = read("in_confidence", CTX_FOR["in_confidence"]())
    assert text.startswith("IN CONFIDENCE") or "IN CONFIDENCE Dear Ms Doe" in text
    assert HO_REF in text
    assert CONFIDENTIAL in text
    assert "provided to you in confidence and should not be disclosed to Mrs Ada Obi" in text
    assert "I enclose a separate reply which you may wish to send on to Mrs Ada Obi" in text
    assert FORWARDABLE not in text  # the reply to forward is a document of its own


def test_in_confidence_marking_is_on_every_page():
    ctx = CTX_FOR["in_confidence"](body=("A long confidential paragraph. " * 60,) * 4)
    pages = PdfReader(io.BytesIO(render_letter_pdf("in_confidence", ctx))).pages
    assert len(pages) > 1
    assert all(page.extract_text().lstrip().startswith("IN CONFIDENCE") for page in pages)
    header = docx_text(render_letter_docx("in_confidence", ctx), header=True)
    assert header.startswith("IN CONFIDENCE")


def test_forwardable_reply_is_separate_and_has_nothing_confidential(read):
    ctx = CTX_FOR["in_confidence"]()  # the same case: both letters are produced from it
    text = read("in_confidence_forwardable", ctx)
    assert FORWARDABLE in text
    assert "Dear Ms Doe" in text and "M12345/26" in text
    for secret in (CONFIDENTIAL, HO_REF, "IN CONFIDENCE", "in confidence"):
        assert secret not in text


def test_in_confidence_letters_need_their_own_texts():
    with pytest.raises(ValidationError, match="substantive reply"):
        render_letter_pdf("in_confidence", make_ctx(body=()))
    with pytest.raises(ValidationError, match="its own text"):
        render_letter_docx("in_confidence_forwardable", make_ctx(forwardable_body=" \n\n "))


def test_in_confidence_letter_is_not_copied_to_other_members():
    with pytest.raises(ValidationError, match="one Member only"):
        render_letter_pdf("in_confidence", CTX_FOR["in_confidence"](cc=(Addressee("John Roe"),)))


# The Home Office reference ----------------------------------------------------------

@pytest.mark.parametrize("template", ["third_party", "in_confidence_forwardable", "mdl"])
def test_home_office_reference_is_never_printed_where_it_does_not_belong(template, read):
    text = read(template, CTX_FOR[template]())
    assert HO_REF not in text and "Home Office ref" not in text


@pytest.mark.parametrize("typed", [
    f"Your constituent may quote {HO_REF} in future.",
    "Your constituent may quote a1234567 in future.",  # any case
    "Your constituent may quote A 123 4567 in future.",  # any spacing
    "Your constituent may quote A-1234567/001.",
])
@pytest.mark.parametrize("render", [render_letter_pdf, render_letter_docx], ids=["pdf", "docx"])
def test_third_party_letter_refuses_the_home_office_reference_typed_by_the_drafter(typed, render):
    with pytest.raises(ValueError, match="must not carry the Home Office reference"):
        render("third_party", make_ctx(body=typed))


def test_third_party_letter_refuses_the_reference_anywhere_in_the_case_text():
    with pytest.raises(ValidationError, match="Home Office reference"):
        render_letter_pdf("third_party", make_ctx(issue=f"case {HO_REF}"))
    with pytest.raises(ValidationError, match="Home Office reference"):
        render_letter_pdf("in_confidence_forwardable", make_ctx(forwardable_body=f"Reference {HO_REF}."))


def test_a_short_home_office_reference_does_not_match_inside_other_numbers(read):
    # "1234" is inside M12345/26; only the reference standing on its own is refused.
    text = read("third_party", make_ctx(ho_reference="1234"))
    assert "M12345/26" in text
    with pytest.raises(ValidationError, match=r"Home Office reference \(1234\)"):
        read("third_party", make_ctx(ho_reference="1234", body="Quote 1234 when you write."))


def test_anything_shaped_like_a_home_office_reference_is_refused_too():
    # Not the case's own reference (perhaps a relative's): still personal data.
    with pytest.raises(ValidationError, match="'B7654321' looks like one"):
        render_letter_pdf("third_party", make_ctx(body="See also B7654321."))
    with pytest.raises(ValidationError, match="looks like one"):
        render_letter_pdf("third_party", make_ctx(ho_reference="", body="See also B7654321/002."))


def test_the_guard_itself():
    ctx = make_ctx()
    assert_no_forbidden_content("in_confidence", f"ref {HO_REF}", ctx)  # allowed there
    assert_no_forbidden_content("third_party", "Nothing to hide. M12345/26, SW1A 0AA, 2 Marsham Street", ctx)
    with pytest.raises(ValueError, match="standard third-party reply must not carry"):
        assert_no_forbidden_content("third_party", f"ref {HO_REF}", ctx)
    with pytest.raises(ValueError, match="Unknown letter template"):
        assert_no_forbidden_content("covering_note", "", ctx)


# Addresses ----------------------------------------------------------------------------

def test_letter_context_has_no_field_for_an_applicants_address():
    names = {f.name for f in dataclasses.fields(LetterContext)}
    assert not {n for n in names if "address" in n} - {"addressee"}
    with pytest.raises(TypeError):
        make_ctx(applicant_address="12 High Street")


def test_an_address_typed_into_the_text_is_refused(read):
    with pytest.raises(ValidationError, match="postal address .*LS14AB"):
        read("third_party", make_ctx(body="Your constituent lives at 12 High Street, Leeds LS1 4AB."))
    with pytest.raises(ValidationError, match="postal address"):
        read("in_confidence", CTX_FOR["in_confidence"](body="He is held at Colnbrook, Harmondsworth UB7 0FX."))
    # The Member's own address and the letterhead's are fine.
    assert "SW1A 0AA" in read("third_party", make_ctx())


def test_a_template_asking_for_an_address_or_a_forbidden_field_is_refused(tmp_path, monkeypatch):
    folder = tmp_path / "letters"
    shutil.copytree(letters.template_path("third_party").parent, folder)
    monkeypatch.setattr(letters, "resources_dir", lambda: tmp_path)

    def edit(name: str, extra: str) -> None:
        path = folder / f"{name}.txt"
        path.write_text(path.read_text(encoding="utf-8") + "\n" + extra + "\n", encoding="utf-8")

    edit("third_party", "Your constituent lives at $applicant_address.")
    with pytest.raises(ValidationError, match=r"\$applicant_address: no letter may print an address"):
        render_letter_pdf("third_party", make_ctx())
    edit("mdl", "Reference: $ho_reference")
    with pytest.raises(ValidationError, match="ho_reference.*cannot fill"):
        render_letter_pdf("mdl", CTX_FOR["mdl"]())
    edit("in_confidence_forwardable", "$body")  # the confidential reply must never reach the constituent
    with pytest.raises(ValidationError, match=r"\$body"):
        render_letter_docx("in_confidence_forwardable", CTX_FOR["in_confidence"]())


def test_a_template_that_lost_its_body_line_does_not_drop_the_drafters_reply(tmp_path, monkeypatch):
    folder = tmp_path / "letters"
    shutil.copytree(letters.template_path("third_party").parent, folder)
    monkeypatch.setattr(letters, "resources_dir", lambda: tmp_path)
    path = folder / "third_party.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("\n$body\n", "\n"), encoding="utf-8")
    assert "Thank you for your understanding." in pdf_text(render_letter_pdf("third_party", make_ctx()))  # nothing drafted: fine
    with pytest.raises(ValidationError, match=r"no \$body line"):
        render_letter_pdf("third_party", make_ctx(body="We have decided."))


# Dissolution, Welsh, copies, addressing ------------------------------------------------

def test_after_dissolution_no_one_is_an_mp(read):
    ctx = make_ctx(dissolved=True, cc=(Addressee("John Roe", title="Rt Hon"), Addressee("Rhys Evans", kind="MEP")))
    text = read("third_party", ctx)
    assert "Rt Hon Jane Doe" in text and not re.search(r"\bMP\b", text)
    assert "Rt Hon John Roe" in text
    assert "Rhys Evans MEP" in text  # an MEP's mandate is not affected
    assert "your constituent" not in text and "on behalf of Mrs Ada Obi" in text
    assert "Dear Ms Doe" in text


def test_before_dissolution_mps_are_mps(read):
    text = read("third_party", make_ctx(cc=(Addressee("John Roe", title="Rt Hon"),)))
    assert "Rt Hon Jane Doe MP" in text and "Rt Hon John Roe MP" in text


def test_welsh_reply_requested_adds_the_line_and_only_then(read):
    assert WELSH_LINE in read("third_party", make_ctx(welsh_requested=True))
    assert "Welsh" not in read("third_party", make_ctx())
    # It goes before the signature, not after it.
    text = read("mdl", CTX_FOR["mdl"](welsh_requested=True))
    assert text.index(WELSH_LINE) < text.index("Yours sincerely")


def test_copies_to_other_members_are_listed(read):
    cc = (Addressee("John Roe", title="Rt Hon"), Addressee("Sarah Poe"), Addressee("Lord Smith of Finsbury", kind="Peer"))
    text = read("third_party", make_ctx(cc=cc))
    assert "cc" in text
    tail = text[text.index("Anne Minister"):]
    for name in ("Rt Hon John Roe MP", "Sarah Poe MP", "Lord Smith of Finsbury"):
        assert name in tail
    assert "Lord Smith of Finsbury MP" not in text
    assert not re.search(r"\bcc\b", read("third_party", make_ctx()))


def test_salutations():
    assert MP.salutation_line() == "Dear Ms Doe"
    assert Addressee("Ian Duncan Smith", courtesy_title="Sir", surname="Duncan Smith").salutation_line() == "Dear Sir Duncan Smith"
    assert Addressee("Keir Starmer", salutation="Dear Sir Keir").salutation_line() == "Dear Sir Keir"
    assert Addressee("Sam Green").salutation_line() == "Dear Sam Green"
    late = Addressee("Jane Doe", title="Rt Hon", deceased=True)
    assert late.salutation_line() == "Dear Secretary"
    assert late.display_name() == "The Office of the late Rt Hon Jane Doe"


def test_letter_to_a_late_members_office(read):
    text = read("third_party", make_ctx(addressee=Addressee("Jane Doe", deceased=True,
                                                              address_lines=("1 High Street", "Exampleton", "EX1 1AA"))))
    assert "The Office of the late Jane Doe" in text and "Dear Secretary" in text
    assert "Jane Doe MP" not in text and "your constituent" not in text


# Text as typed -------------------------------------------------------------------------

def test_markup_and_dollars_print_literally(read):
    typed = "<b>not bold</b> & <font color='red'>x</font> $subject_name ${issue} $$5"
    text = read("third_party", make_ctx(body=typed, constituent_name="Mr <i>Tom</i> & Co"))
    assert typed in text
    assert "Mr <i>Tom</i> & Co" in text


def test_accented_names_survive(read):
    ctx = make_ctx(
        subject_name="Zoë Núñez-Łukasz", constituent_name="Şahin Öztürk", signatory_name="Siân Dafydd",
        addressee=Addressee("Dafydd ap Gwŷn", courtesy_title="Mr", surname="ap Gwŷn",
                            address_lines=("House of Commons", "London", "SW1A 0AA")),
    )
    text = read("third_party", ctx)
    for name in ("Zoë Núñez-Łukasz", "Şahin Öztürk", "Siân Dafydd", "Dafydd ap Gwŷn MP", "Dear Mr ap Gwŷn"):
        assert name in text


def test_drafted_paragraphs_stay_paragraphs():
    ctx = make_ctx(body="First paragraph.\n\nSecond paragraph,\nwith a line break.\n\n\n")
    assert ctx.body == ("First paragraph.", "Second paragraph,\nwith a line break.")
    paragraphs = [p.text for p in Document(io.BytesIO(render_letter_docx("third_party", ctx))).paragraphs]
    assert "First paragraph." in paragraphs
    assert "Second paragraph,\nwith a line break." in paragraphs


# The page ---------------------------------------------------------------------------------

def test_long_letter_flows_over_pages_with_the_signature_kept_with_the_text():
    ctx = make_ctx(body=("We have reviewed the case carefully. " * 40,) * 5, welsh_requested=True)
    pages = PdfReader(io.BytesIO(render_letter_pdf("third_party", ctx))).pages
    assert len(pages) >= 2
    last = squash(pages[-1].extract_text())
    assert "Yours sincerely" in last and "Anne Minister" in last
    assert "Thank you for your understanding." in last or WELSH_LINE in last
    assert f"M12345/26 Page {len(pages)}" in last  # continuation pages carry the reference and number


def test_metadata_carries_the_reference_only():
    ctx = CTX_FOR["in_confidence"]()
    meta = PdfReader(io.BytesIO(render_letter_pdf("in_confidence", ctx))).metadata
    assert meta.title == "Letter M12345/26"
    core = Document(io.BytesIO(render_letter_docx("in_confidence", ctx))).core_properties
    assert core.title == "Letter M12345/26" and core.author == "MPEL Desk"
    for value in (meta.title, meta.subject, meta.author, core.title, core.subject, core.author, core.comments):
        assert "Adeyemi" not in (value or "") and HO_REF not in (value or "")


def test_compose_letter_is_the_text_both_formats_print():
    ctx = make_ctx(cc=(Addressee("John Roe"),), welsh_requested=True)
    letter = compose_letter("third_party", ctx)
    assert squash(letter.plain_text()).replace(":", "") == squash("\n".join([
        "Home Office", "2 Marsham Street", "London SW1P 4DF", "www.gov.uk/home-office",
        "Our ref M12345/26", "Your ref JD/0042", "Date 9 March 2026",
        "Rt Hon Jane Doe MP", "House of Commons", "London", "SW1A 0AA",
        "Dear Ms Doe", *letter.paragraphs, "Yours sincerely",
        "Anne Minister", "Minister of State for Borders and Immigration", "cc John Roe MP",
    ]))
    docx = docx_text(render_letter_docx("third_party", ctx))
    for paragraph in letter.paragraphs:
        assert squash(paragraph) in docx


# Input checks ---------------------------------------------------------------------------------

def test_bad_input_is_refused_with_a_reason():
    with pytest.raises(ValueError, match="M12345/10"):
        make_ctx(cts_reference="12345/26")
    with pytest.raises(ValidationError, match="ministerial"):
        make_ctx(kind="private office")
    with pytest.raises(ValidationError, match="Subject name is empty"):
        make_ctx(subject_name=" ")
    with pytest.raises(ValidationError, match="control characters"):
        make_ctx(body="pasted\x00text")
    with pytest.raises(ValidationError, match="Member kind"):
        Addressee("Jane Doe", kind="Senator")
    with pytest.raises(ValueError, match="Unknown letter template"):
        render_letter_pdf("covering_note", make_ctx())
