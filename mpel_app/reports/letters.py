"""Replies to Members from the standard templates, as PDF (to send) and .docx (to draft in Word).

The wording lives in plain-text templates under ``resources/letters/`` (one
file per letter, ``$placeholders`` filled from the case, ``#`` lines are notes
for reviewers); the rules and the layout live here.  The templates are the
ones in the MPs' correspondence guidance (domain-rules §5 and §6):

* ``third_party``: the standard third-party reply (guidance 3.6);
* ``in_confidence``: the "in confidence" reply to the Member (3.3, 3.7), always
  sent with ``in_confidence_forwardable``, a separate reply the Member can send
  on to the constituent (:data:`COMPANIONS` says so);
* ``mdl``: the reply to a Member of a devolved legislature on an individual
  case (4.1, 4.4): no substantive reply.

Beside them, :data:`COVERING_NOTES`: ``copy_covering_note``, the short note an
MP gets with a copy of the reply to another MP who wrote about the same person
(2.6).  It names that Member (``LetterContext.copy_of``).  The reply they were
copied into lists them under "cc" (``LetterContext.cc``); the CTS service fills
both from the letters' group and its reply plan.

Public API::

    ctx = LetterContext(cts_reference="M12345/26", kind="ministerial", date=date(2026, 3, 9),
                        addressee=Addressee("Jane Doe", courtesy_title="Ms", title="Rt Hon",
                                            address_lines=("House of Commons", "London", "SW1A 0AA")),
                        subject_name="Bola Adeyemi", constituent_name="Mrs Ada Obi",
                        member_letter_date=date(2026, 3, 2), issue="his application for leave to remain",
                        signatory_name="A N Minister", signatory_title="Minister of State")
    pdf = render_letter_pdf("third_party", ctx)       # bytes, A4
    docx = render_letter_docx("third_party", ctx)     # bytes, editable in Word
    letter = compose_letter("third_party", ctx)       # the same text as plain data, e.g. for a preview

Rules kept here, whatever a template or a drafter writes:

* No letter prints an applicant's address.  :class:`LetterContext` has no
  field for one (the only address is the Member's own, ``Addressee.
  address_lines``), a template that asks for any other ``$...address...`` is
  refused, and a postcode in the letter that is not the Member's or the
  letterhead's is refused as an address typed into the text.
* The Home Office reference is printed only on the "in confidence" letter.
  The third-party letter, the forwardable reply and the MDL letter are refused
  (:class:`ValidationError`, a ValueError) if the text would carry it, or
  anything shaped like one, rather than printing it silently.
* After dissolution (``dissolved=True``) no one is an MP: "MP" is left off the
  name of every MP addressed or copied, and the letter does not call anyone
  their "constituent".
* The MDL reply goes only to an MDL and carries no drafted text; the "in
  confidence" letter goes to one Member only (no "cc") and needs the
  substantive reply; the forwardable reply needs its own text.
* A Welsh reply requested adds a line that a Welsh version will follow (the
  translation is not done here).
* Text typed by people is printed literally: ``<b>`` stays ``<b>`` and ``$x``
  stays ``$x``.

Both renderers lay out the same :class:`ComposedLetter`, and the guard
:func:`assert_no_forbidden_content` runs on its full text before either writes
a byte.  Document metadata carries the CTS reference only.  The PDF layout
lives in ``letter_pdf``, imported when a PDF is first made: reportlab is too
slow to import at every start of the desk (issue 5).
"""
from __future__ import annotations

import datetime as dt
import io
import re
import string
from collections.abc import Sequence
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path

from mpel_app.domain.correspondence.elections import addressee_name
from mpel_app.domain.errors import ValidationError
from mpel_app.domain.references import parse_cts_reference
from mpel_app.domain.text import xml_safe
from mpel_app.paths import resources_dir
from mpel_app.reports.record_sections import format_date

__all__ = [
    "APOLOGIES", "COMPANIONS", "COVERING_NOTES", "LETTERHEADS", "TEMPLATES", "Addressee", "ComposedLetter", "LetterContext",
    "assert_no_forbidden_content", "compose_letter", "render_letter_docx", "render_letter_pdf",
    "template_path",
]

TEMPLATES: dict[str, str] = {
    "third_party": "Standard third-party reply",
    "in_confidence": "\u2018In confidence\u2019 reply to the Member",
    "in_confidence_forwardable": "Reply the Member can forward (goes with the \u2018in confidence\u2019 reply)",
    "mdl": "Reply to a Member of a devolved legislature (individual case)",
    "full_reply": "Full reply to the Member",
    "support": "Reply to a support letter",
    "allegation": "Reply to an allegation letter",
    "election_third_party": "Reply during a general election (no substantive reply)",
    "late_member_constituent": "Reply to the constituent of a late Member",
}

# A letter that must always go out with another, separate one.
COMPANIONS: dict[str, str] = {"in_confidence": "in_confidence_forwardable"}

# Not a reply of its own: what goes with a copy of another Member's reply (guidance 2.6).
COVERING_NOTES: dict[str, str] = {
    "copy_covering_note": "Covering note sent with a copy of the reply to another Member",
}
# Not replies to a Member: the written apologies after an error found on an OPHSO enquiry (asylum teams'
# guidance), to the applicant and to their representative.  The case's Member is named, never written to.
APOLOGIES: dict[str, str] = {
    "ophso_apology_applicant": "Written apology to the applicant (OPHSO)",
    "ophso_apology_representative": "Written apology to the applicant's representative (OPHSO)",
}
_TITLES = {**TEMPLATES, **COVERING_NOTES, **APOLOGIES}

KINDS = ("ministerial", "official")
MEMBER_KINDS = ("MP", "Peer", "MEP", "MDL", "Public")  # Public: a constituent written to directly (5.1)

# (name, address lines) printed at the top.  Ministerial replies come from the
# Home Office (Private Office); Official replies from the Agency's drafting units.
LETTERHEADS: dict[str, tuple[str, tuple[str, ...]]] = {
    "ministerial": ("Home Office", ("2 Marsham Street", "London SW1P 4DF", "www.gov.uk/home-office")),
    "official": ("UK Border Agency", ("Lunar House", "40 Wellesley Road", "Croydon CR9 2BY")),
}

# Rules, not wording, so that editing a template cannot switch them off.
_SHOWS_HO_REFERENCE = frozenset({"in_confidence"})
_HEADINGS = {"in_confidence": "IN CONFIDENCE"}
_ENCLOSURES = {"in_confidence": "Enc: reply for forwarding"}
_BODY_PLACEHOLDER = {
    "copy_covering_note": "body",  # optional: the covering note is complete without it
    "third_party": "body",
    "in_confidence": "body",
    "in_confidence_forwardable": "forwardable_body",
    "mdl": None,  # an MDL gets no substantive reply on an individual case
    "full_reply": "body",
    "support": "body",
    "allegation": "body",
    "election_third_party": "body",
    "late_member_constituent": "body",
    "ophso_apology_applicant": "body",
    "ophso_apology_representative": "body",
}
# Replies that open with who wrote before, rather than "Thank you for your letter".
_OPENING_TEMPLATES = frozenset({"late_member_constituent"})
_COMMON_PLACEHOLDERS = frozenset({
    "cts_reference", "your_reference", "date", "member_letter_date", "member_name", "constituency",
    "constituent", "constituent_name", "subject_name", "issue", "signatory_name", "signatory_title",
})

WELSH_LINE = "As you asked, a Welsh language version of this letter will follow."

# UK postcode shape (outward code, space optional, inward code), e.g. "LS1 4AB", "SW1A0AA".
_POSTCODE = re.compile(r"\b([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})\b", re.IGNORECASE)
# A Home Office reference as caseworkers write it: one letter and seven digits, maybe "/001".
_HO_REFERENCE_SHAPE = re.compile(r"\b[A-Z][0-9]{7}(?:/[0-9]{1,4})?\b", re.IGNORECASE)
# Control characters only come from broken pastes; python-docx cannot store them anyway.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# Input ------------------------------------------------------------------------

@dataclass(frozen=True)
class Addressee:
    """The Member written to (or copied).  Holds the Member's own address only."""

    name: str  # as the Member is known, without "Rt Hon" or "MP": "Jane Doe", "Lord Smith of Finsbury"
    kind: str = "MP"  # MP, Peer, MEP or MDL
    title: str = ""  # style before the name, e.g. "Rt Hon"
    courtesy_title: str = ""  # for "Dear ...": Ms, Mr, Dr, Sir, Lord, Baroness
    surname: str = ""  # for "Dear ...": default the last word of ``name``
    constituency: str = ""
    address_lines: tuple[str, ...] = ()  # parliamentary or constituency office address
    post_nominals: str | None = None  # None: "MP" for an MP, "MEP" for an MEP; for MDLs e.g. "MSP", "MS", "MLA"
    salutation: str = ""  # overrides "Dear <Title> <Surname>", e.g. "Dear Sir Keir"
    deceased: bool = False  # "The Office of the late ...", "Dear Secretary" (guidance 5.1)

    def __post_init__(self) -> None:
        object.__setattr__(self, "address_lines", tuple(self.address_lines))
        if not self.name.strip():
            raise ValidationError("The Member's name is empty")
        if self.kind not in MEMBER_KINDS:
            raise ValidationError(f"Member kind must be one of {', '.join(MEMBER_KINDS)}, not {self.kind!r}")

    def display_name(self, *, dissolved: bool = False) -> str:
        """``Rt Hon Jane Doe MP``; without "MP" once Parliament is dissolved."""
        if self.post_nominals is None and self.title.strip() in ("", "Rt Hon") and self.kind in ("MP", "Peer"):
            # The rule for Members' names, "MP" dropped once Parliament is dissolved, is the domain's (5.4).
            name = addressee_name(self.name, self.kind, privy_counsellor=bool(self.title.strip()),
                                  dissolved=dissolved or self.deceased)
            return f"The Office of the late {name}" if self.deceased else name
        words = [self.title.strip(), self.name.strip()]
        post = self.post_nominals if self.post_nominals is not None else {"MP": "MP", "MEP": "MEP"}.get(self.kind, "")
        post_words = post.split()
        if dissolved or self.deceased:
            # After dissolution no one is an MP (guidance 5.4); a late Member holds no seat.
            post_words = [w for w in post_words if w.upper() != "MP"]
        name = " ".join(w for w in [*words, *post_words] if w)
        return f"The Office of the late {name}" if self.deceased else name

    def salutation_line(self) -> str:
        if self.salutation.strip():
            return self.salutation.strip()
        if self.deceased:
            return "Dear Secretary"
        surname = self.surname.strip() or self.name.split()[-1]
        if self.courtesy_title.strip():
            return f"Dear {self.courtesy_title.strip()} {surname}"
        return f"Dear {self.name.strip()}"

    def has_constituents(self, *, dissolved: bool) -> bool:
        # Peers have none; nor has a former MP after dissolution (an MDL's or MEP's mandate is unaffected).
        if self.kind in ("Peer", "Public") or self.deceased:
            return False
        return not (self.kind == "MP" and dissolved)


def _paragraphs(value: str | Sequence[str]) -> tuple[str, ...]:
    """A drafter's text as paragraphs: a string splits at blank lines; empty ones are dropped."""
    if isinstance(value, str):
        value = re.split(r"\n[ \t]*\n", value.replace("\r\n", "\n").replace("\r", "\n"))
    return tuple(p.strip() for p in value if p and p.strip())


@dataclass(frozen=True)
class LetterContext:
    """Everything a letter says, filled from the case.

    Deliberately has no field for the applicant's (or the constituent's)
    address: no letter prints one.  ``body`` is the drafter's substantive
    reply (the confidential part of an "in confidence" letter);
    ``forwardable_body`` the reply the Member can forward.  Either may be a
    string (paragraphs split at blank lines) or a sequence of paragraphs.
    """

    cts_reference: str  # M12345/26 (Ministerial) or B12345/26 (Official)
    kind: str  # "ministerial" or "official"
    date: dt.date  # date of this reply
    addressee: Addressee
    subject_name: str  # the person the case is about
    constituent_name: str  # who wrote to the Member (may be the subject)
    member_letter_date: dt.date
    issue: str  # "his application for leave to remain"
    signatory_name: str
    signatory_title: str
    body: tuple[str, ...] = ()
    forwardable_body: tuple[str, ...] = ()
    ho_reference: str = ""  # printed on the "in confidence" letter only
    your_reference: str = ""  # the Member's own reference, if given
    dissolved: bool = False  # Parliament dissolved: no one is an MP
    welsh_requested: bool = False
    cc: tuple[Addressee, ...] = field(default_factory=tuple)  # other Members sent a copy
    copy_of: Addressee | None = None  # the covering note only: the Member whose reply is copied
    # Sentences the case needs (an FOI request answered separately, the meeting line, a removal review),
    # set after the drafter's text; worded by the domain's rules.
    extra_paragraphs: tuple[str, ...] = ()
    opening: str = ""  # late_member_constituent only: "[Member] previously wrote on [date] about" (5.1)

    def __post_init__(self) -> None:
        object.__setattr__(self, "body", _paragraphs(self.body))
        object.__setattr__(self, "forwardable_body", _paragraphs(self.forwardable_body))
        object.__setattr__(self, "extra_paragraphs", _paragraphs(self.extra_paragraphs))
        object.__setattr__(self, "cc", tuple(self.cc))
        object.__setattr__(self, "cts_reference", str(parse_cts_reference(self.cts_reference)))
        if self.kind not in KINDS:
            raise ValidationError(f"Letter kind must be 'ministerial' or 'official', not {self.kind!r}")
        for name in ("subject_name", "constituent_name", "issue", "signatory_name", "signatory_title"):
            if not str(getattr(self, name)).strip():
                raise ValidationError(f"{name.replace('_', ' ').capitalize()} is empty")
        for text in _all_text(self):
            if _CONTROL.search(text):
                raise ValidationError("The letter contains control characters (pasted from a broken source?)")


def _all_text(value: object) -> list[str]:
    """Every string in a context, however nested, for checks that must see all of it."""
    if isinstance(value, str):
        return [value]
    if is_dataclass(value) and not isinstance(value, type):
        return [t for f in fields(value) for t in _all_text(getattr(value, f.name))]
    if isinstance(value, (tuple, list)):
        return [t for item in value for t in _all_text(item)]
    return []


# Composition -------------------------------------------------------------------

@dataclass(frozen=True)
class ComposedLetter:
    """One letter as text blocks in reading order; both renderers lay out exactly this."""

    template: str
    letterhead: tuple[str, tuple[str, ...]]
    references: tuple[tuple[str, str], ...]  # (label, value), the date last
    addressee: tuple[str, ...]  # name line, then address lines
    heading: str
    salutation: str
    paragraphs: tuple[str, ...]
    sign_off: str
    signatory: tuple[str, str]
    enclosure: str
    cc: tuple[str, ...]

    def plain_text(self) -> str:
        name, lines = self.letterhead
        parts = [name, *lines, ""]
        parts += [f"{label}: {value}" for label, value in self.references]
        parts += ["", *self.addressee, ""]
        if self.heading:
            parts += [self.heading, ""]
        parts += [self.salutation, ""]
        for paragraph in self.paragraphs:
            parts += [paragraph, ""]
        parts += [self.sign_off, "", *self.signatory]
        if self.enclosure:
            parts += ["", self.enclosure]
        if self.cc:
            parts += ["", "cc: " + "; ".join(self.cc)]
        return "\n".join(parts) + "\n"


def template_path(template: str) -> Path:
    _check_template_name(template)
    return resources_dir() / "letters" / f"{template}.txt"


def _check_template_name(template: str) -> None:
    if template not in _TITLES:
        raise ValueError(f"Unknown letter template {template!r}; expected one of {', '.join(_TITLES)}")


def _template_paragraphs(template: str) -> list[str]:
    """The template's paragraphs: ``#`` lines dropped, wrapped lines joined, spacing tidied.

    Read on every call so that a reviewed wording change needs no restart.
    """
    text = template_path(template).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    paragraphs = re.split(r"\n[ \t]*\n", "\n".join(lines))
    return [" ".join(p.split()) for p in paragraphs if p.strip()]


def _placeholders(ctx: LetterContext) -> dict[str, str]:
    member = ctx.addressee
    constituent = ctx.constituent_name.strip()
    return {
        "cts_reference": ctx.cts_reference,
        "your_reference": ctx.your_reference.strip(),
        "date": format_date(ctx.date),
        "member_letter_date": format_date(ctx.member_letter_date),
        "member_name": member.display_name(dissolved=ctx.dissolved),
        "constituency": member.constituency.strip(),
        "constituent": (f"your constituent {constituent}"
                        if member.has_constituents(dissolved=ctx.dissolved) else constituent),
        "constituent_name": constituent,
        "subject_name": ctx.subject_name.strip(),
        "issue": ctx.issue.strip(),
        "signatory_name": ctx.signatory_name.strip(),
        "signatory_title": ctx.signatory_title.strip(),
    }


def _fill(template: str, ctx: LetterContext) -> tuple[str, ...]:
    """The template's paragraphs with the case filled in and the drafter's paragraphs inserted.

    The drafter's text is inserted after substitution, never substituted
    itself, so a "$" typed in a reply stays as typed.
    """
    body_name = _BODY_PLACEHOLDER[template]
    allowed = _COMMON_PLACEHOLDERS | ({body_name} if body_name else set())
    if template in _SHOWS_HO_REFERENCE:
        allowed |= {"ho_reference"}
    if template in COVERING_NOTES:
        allowed |= {"substantive_member"}
    if template in _OPENING_TEMPLATES:
        allowed |= {"opening"}
        if not ctx.opening.strip():
            raise ValidationError("The reply to a late Member's constituent needs its opening (who wrote, and when)")
    values = _placeholders(ctx)
    values["opening"] = ctx.opening.strip()
    if ctx.copy_of is not None:
        values["substantive_member"] = ctx.copy_of.display_name(dissolved=ctx.dissolved)
    values["ho_reference"] = ctx.ho_reference.strip()
    drafted = {"body": ctx.body, "forwardable_body": ctx.forwardable_body}

    out: list[str] = []
    body_used = False
    for paragraph in _template_paragraphs(template):
        tpl = string.Template(paragraph)
        if not tpl.is_valid():
            raise ValidationError(f"Template {template}.txt has a stray '$' in: {paragraph!r} (write $$ for a dollar sign)")
        names = tpl.get_identifiers()
        for name in names:
            if "address" in name.lower():
                raise ValidationError(
                    f"Template {template}.txt asks for ${name}: no letter may print an address other than the Member's"
                )
            if name not in allowed:
                raise ValidationError(
                    f"Template {template}.txt uses ${name}, which this letter cannot fill "
                    f"(it can use: {', '.join('$' + n for n in sorted(allowed))})"
                )
        if body_name and paragraph.strip() in (f"${body_name}", f"${{{body_name}}}"):
            out.extend(drafted[body_name])
            out.extend(ctx.extra_paragraphs)
            body_used = True
            continue
        if body_name and body_name in names:
            raise ValidationError(f"Template {template}.txt: ${body_name} must be on a line of its own")
        out.append(tpl.substitute(values))
    if body_name and not body_used and drafted[body_name]:
        raise ValidationError(f"Template {template}.txt has no ${body_name} line for the drafter's reply")
    if not body_used:
        out.extend(ctx.extra_paragraphs)
    return tuple(out)


def compose_letter(template: str, ctx: LetterContext) -> ComposedLetter:
    """The letter's text, checked: raises ValidationError (a ValueError) rather than print what it must not."""
    _check_template_name(template)
    member = ctx.addressee
    if template == "mdl":
        if member.kind != "MDL":
            raise ValidationError(
                "The MDL reply is only for a Member of a devolved legislature; an MDL who is also an MP "
                "gets a full reply as any MP would"
            )
        if ctx.body:
            raise ValidationError("The MDL reply gives no substantive reply on an individual case: remove the drafted text")
    if template == "in_confidence" and not ctx.body:
        raise ValidationError("The 'in confidence' letter needs the substantive reply for the Member")
    if template == "in_confidence" and ctx.cc:
        # What is confided to one Member is not copied to others; they can have the forwardable reply.
        raise ValidationError(
            "An 'in confidence' letter goes to one Member only: copy the other Members into the reply for forwarding"
        )
    if template == "in_confidence_forwardable" and not ctx.forwardable_body:
        raise ValidationError("The reply for forwarding needs its own text, written for the constituent to read")
    if template in COVERING_NOTES and ctx.copy_of is None:
        raise ValidationError("The covering note goes with a copy of another Member's reply: say whose (copy_of)")
    if template not in COVERING_NOTES and ctx.copy_of is not None:
        raise ValidationError(f"Only the covering note sends a copy of another Member's reply, not the "
                              f"{_in_sentence(template)}")

    references = [("Our ref", ctx.cts_reference)]
    if template in _SHOWS_HO_REFERENCE and ctx.ho_reference.strip():
        references.append(("Home Office ref", ctx.ho_reference.strip()))
    if ctx.your_reference.strip():
        references.append(("Your ref", ctx.your_reference.strip()))
    references.append(("Date", format_date(ctx.date)))

    paragraphs = _fill(template, ctx)
    if ctx.welsh_requested:
        paragraphs += (WELSH_LINE,)

    letter = ComposedLetter(
        template=template,
        letterhead=LETTERHEADS[ctx.kind],
        references=tuple(references),
        addressee=(member.display_name(dissolved=ctx.dissolved), *(l.strip() for l in member.address_lines if l.strip())),
        heading=_HEADINGS.get(template, ""),
        salutation=member.salutation_line(),
        paragraphs=paragraphs,
        sign_off="Yours sincerely",
        signatory=(ctx.signatory_name.strip(), ctx.signatory_title.strip()),
        enclosure=_enclosure(template, ctx),
        cc=tuple(m.display_name(dissolved=ctx.dissolved) for m in ctx.cc),
    )
    assert_no_forbidden_content(template, letter.plain_text(), ctx)
    return letter


def _enclosure(template: str, ctx: LetterContext) -> str:
    if template in COVERING_NOTES and ctx.copy_of is not None:
        return f"Enc: copy of the reply to {ctx.copy_of.display_name(dissolved=ctx.dissolved)}"
    return _ENCLOSURES.get(template, "")


# The guard -------------------------------------------------------------------------

def _reference_pattern(reference: str) -> re.Pattern[str] | None:
    """``reference`` as typed by anyone: any case, with or without spaces, dashes or slashes inside.

    Not inside a longer word or number, so that a short reference does not
    match part of the CTS reference or a date and block every letter.
    """
    chars = re.sub(r"[^0-9A-Za-z]", "", reference)
    if not chars:
        return None
    inner = r"[\s\-/.]*".join(re.escape(c) for c in chars)
    return re.compile(rf"(?<![0-9A-Za-z]){inner}(?![0-9A-Za-z])", re.IGNORECASE)


def _postcodes(text: str) -> set[str]:
    return {(a + b).upper() for a, b in _POSTCODE.findall(text)}


def _in_sentence(template: str) -> str:
    title = _TITLES[template]
    return title[0].lower() + title[1:]


def assert_no_forbidden_content(template: str, text: str, ctx: LetterContext) -> None:
    """Raise ValidationError (a ValueError) if ``text`` of letter ``template`` says what it must not.

    * An applicant's address: ``LetterContext`` may have no address field but
      the Member's (a tripwire for whoever adds one), and no postcode may
      appear other than the Member's and the letterhead's (an address typed
      into the drafter's text).
    * The Home Office reference on any letter but the "in confidence" one: the
      case's own reference however typed, or anything shaped like one.
    """
    _check_template_name(template)
    address_fields = [f.name for f in fields(ctx) if "address" in f.name.lower() and f.name != "addressee"]
    if address_fields:
        raise ValidationError(f"Letters may not carry an applicant's address (field {', '.join(address_fields)})")

    allowed = _postcodes(" ".join(LETTERHEADS[ctx.kind][1])) | _postcodes(" ".join(ctx.addressee.address_lines))
    stray = sorted(_postcodes(text) - allowed)
    if stray:
        raise ValidationError(
            f"The {_in_sentence(template)} contains what looks like a postal address (postcode {stray[0]}). "
            "No letter may print an applicant's address: remove it from the text."
        )

    if template in _SHOWS_HO_REFERENCE:
        return
    title = _in_sentence(template)
    own = _reference_pattern(ctx.ho_reference)
    if own and own.search(text):
        raise ValidationError(
            f"The {title} must not carry the Home Office reference ({ctx.ho_reference.strip()}): "
            "remove it from the text before producing the letter."
        )
    shaped = _HO_REFERENCE_SHAPE.search(text)
    if shaped:
        raise ValidationError(
            f"The {title} must not carry a Home Office reference, and {shaped.group(0)!r} looks like one: "
            "remove it from the text before producing the letter."
        )


# PDF (laid out in letter_pdf, with reportlab) ------------------------------------

def render_letter_pdf(template: str, ctx: LetterContext) -> bytes:
    """The letter as A4 PDF bytes, ready to sign and send; ValidationError if it would say what it must not."""
    letter = compose_letter(template, ctx)
    from mpel_app.reports.letter_pdf import build_letter_pdf  # reportlab: imported when a PDF is made

    # The CTS reference only: document metadata must not carry personal data.
    return build_letter_pdf(letter, title=f"Letter {ctx.cts_reference}", subject=_TITLES[template])


# Word ------------------------------------------------------------------------------

def render_letter_docx(template: str, ctx: LetterContext) -> bytes:
    """The same letter as a .docx to finish in Word; ValidationError if it would say what it must not.

    Plain paragraphs (no tables or text boxes) so the drafter can edit any of
    it, and so every word reads back from ``Document.paragraphs``.
    """
    # Imported here: only the Word output needs python-docx, and the PDF should not depend on it.
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt, RGBColor

    letter = compose_letter(template, ctx)
    accent = RGBColor(0x1D, 0x3F, 0x6E)
    grey = RGBColor(0x5F, 0x63, 0x68)

    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Mm(297), Mm(210)
    section.left_margin = section.right_margin = Mm(25)
    section.top_margin, section.bottom_margin = Mm(20), Mm(22)
    normal = doc.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(11)
    normal.paragraph_format.space_after = Pt(0)

    def para(text: str = "", *, bold: bool = False, size: float | None = None, color=None,
             align=None, after: float = 0, keep: bool = False):
        p = doc.add_paragraph()
        if text:
            # python-docx writes "\n" as a line break and escapes the XML, but cannot store what XML cannot hold.
            run = p.add_run(xml_safe(text))
            run.bold = bold
            if size:
                run.font.size = Pt(size)
            if color is not None:
                run.font.color.rgb = color
        if align is not None:
            p.alignment = align
        p.paragraph_format.space_after = Pt(after)
        p.paragraph_format.keep_with_next = keep
        return p

    if letter.heading:
        # On every page, as on the PDF.
        header = section.header.paragraphs[0]
        header.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = header.add_run(xml_safe(letter.heading))
        run.bold = True
        run.font.size = Pt(9)

    name, lines = letter.letterhead
    para(name, bold=True, size=17, color=accent)
    para("\n".join(lines), size=8.5, color=grey, after=18)
    for label, value in letter.references:
        para(f"{label}: {value}", size=9.5, align=WD_ALIGN_PARAGRAPH.RIGHT)
    para()
    para("\n".join(letter.addressee), after=24)
    if letter.heading:
        para(letter.heading, bold=True, after=10)
    para(letter.salutation, after=10)
    for i, text in enumerate(letter.paragraphs):
        # The last paragraph stays with the signature block.
        para(text, after=9, keep=i == len(letter.paragraphs) - 1)
    para(letter.sign_off, after=46, keep=True)
    para(letter.signatory[0], bold=True, keep=True)
    para(letter.signatory[1], after=12)
    if letter.enclosure:
        para(letter.enclosure, size=9.5, after=6)
    if letter.cc:
        # Hanging indent, so each name after the first lines up under the first, as on the PDF.
        cc = para("cc:\t" + "\n".join(letter.cc), size=9.5)
        cc.paragraph_format.left_indent = Mm(12)
        cc.paragraph_format.first_line_indent = Mm(-12)
        cc.paragraph_format.tab_stops.add_tab_stop(Mm(12))

    core = doc.core_properties
    # The CTS reference only: document metadata must not carry personal data.
    core.title = f"Letter {ctx.cts_reference}"
    core.subject = _TITLES[template]
    core.author = core.last_modified_by = "MPEL Desk"
    core.comments = core.keywords = ""
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
