"""Text that looks like markup, typed into the desk, prints literally: reportlab's paragraph markup
(``<b>``, ``<font>``, ``<a href>``, ``<img>``, entities, a lone ``&``) is never interpreted, never
breaks printing, and makes no link or image.

Through the services end to end: the call record PDF that goes to the region
with the call note (reports/call_record.py), and a reply letter generated from
a template (reports/letters.py, which escapes through call_record's ``_safe``).
"""
from __future__ import annotations

import io
import re
from dataclasses import replace

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from mpel_app.db.models import OutboxMessage
from mpel_app.domain.records import CallerKind, Channel
from mpel_app.notify.attachments import attachment_data
from mpel_app.reports.call_record import render_call_record
from tests.support.world import PASSCODE

from .world import SUBJECT

MARKUP = {
    "bold-unclosed": "<b>Ali Rezaei",
    "closing-tags": "Ali</b></para></font> Rezaei",
    "font": '<font color="red" size="40" face="Courier">Ali</font>',
    "link": '<a href="https://evil.example/steal">click here</a>',
    "image": '<img src="/etc/hostname" width="300" height="300"/>',
    "lone-ampersand": "Smith & Sons",
    "entities": "&amp; &lt;b&gt; &#65; &nbsp; &unknown;",
    "cdata": "<![CDATA[<b>x</b>]]>",
    "comment": "<!-- hidden --> shown",
    "line-break": "first<br/>second<br>third",
    "reportlab-tags": '<seq id="n"/><onDraw name="boom"/><index item="x"/>',
    "greater-than": "a > b < c >> d",
}


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    for page in reader.pages:
        # Markup was not interpreted: no link annotation and no image on any page.
        assert "/Annots" not in page, "a link was made from typed text"
        xobjects = page.get("/Resources", {}).get("/XObject", {})
        assert not [x for x in xobjects.values() if x.get_object().get("/Subtype") == "/Image"]
    return _flat("".join(page.extract_text() for page in reader.pages))


@pytest.mark.parametrize("text", MARKUP.values(), ids=MARKUP.keys())
def test_markup_in_a_call_prints_literally_on_the_call_record_sent_to_the_region(bad_sqlite, text):
    services, world = bad_sqlite.services, bad_sqlite.base
    e = services.enquiries
    rec = e.start(world.agent, Channel.TELEPHONE)
    e.set_caller(world.agent, rec.id, member_id=world.mp.id, caller_kind=CallerKind.CASEWORKER,
                 caller_name=f"Sam {text}")
    e.verify_passcode(world.agent, rec.id, PASSCODE)
    e.update_details(world.agent, rec.id, subject=replace(SUBJECT, name=text, nationality=f"Iranian {text}"),
                     question=f"Question: {text}\n\nAnd again: {text}", answer=f"Answer: {text}",
                     written_confirmation=False)
    e.mark_further_action(world.agent, rec.id)
    sent = e.send_to_region(world.leader, rec.id)
    with services.uow.read() as s:
        note = s.scalar(select(OutboxMessage).where(OutboxMessage.entity_id == sent.id,
                                                    OutboxMessage.kind == "call_note"))
        pdf = attachment_data(note)  # the PDF the sender attaches: made from the facts the row keeps
    printed = _pdf_text(pdf)
    for typed in (text, f"Sam {text}", f"Iranian {text}", f"Question: {text}", f"Answer: {text}"):
        assert _flat(typed) in printed
    done = e.complete_with_response(world.am_lse, rec.id, f"Response: {text}")
    printed = _pdf_text(render_call_record(done, printed_by=f"Lena {text}", printed_at=done.completed_at))
    assert _flat(f"Response: {text}") in printed and _flat(f"Lena {text}") in printed


@pytest.mark.parametrize("text", MARKUP.values(), ids=MARKUP.keys())
def test_markup_in_a_letter_prints_literally_on_the_reply(bad_sqlite, text):
    lw, letters = bad_sqlite.lw, bad_sqlite.services.letters
    rec = lw.drafting(subject_name=text, issue=f"his claim {text}", ho_reference="")
    reply = letters.generate_reply(lw.co, rec.id, template="third_party",
                                   body=f"Thank you. {text}\n\nSecond paragraph {text}",
                                   signatory_name=f"Tariq {text}", signatory_title="Team leader")
    [pdf] = [d for d in reply.documents if d.filename.endswith(".pdf")]
    printed = _pdf_text(pdf.data)
    for typed in (text, f"Thank you. {text}", f"Second paragraph {text}", f"Tariq {text}"):
        assert _flat(typed) in printed
