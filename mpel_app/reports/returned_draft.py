"""Reading back a reply an off-line unit drafted in Word on the template MPCS sent it [ASY].

MPCS e-mails an off-line unit the letter and a draft template
(``reports.letters.render_letter_docx`` with :data:`DRAFT_PLACEHOLDER` where
the reply goes); the unit drafts on it and sends back the approved draft, a
Word file, which MPCS "checks the format" of and loads onto CTS.  Here:

* :func:`file_format`: what a file is, from its bytes (a name can lie):
  ``"docx"``, ``"pdf"``, ``"doc"`` (Word 97-2003, which python-docx cannot
  read) or ``""``;
* :func:`read_returned_draft`: the CTS reference the draft names ("Our ref")
  and the paragraphs between "Dear ..." and "Yours sincerely";
* :func:`drafted_part`: of those, what the unit wrote, without the template's
  own paragraphs before and after the placeholder, so that the reply made
  from it on the desk does not say them twice.

python-docx is imported only when a draft is read.
"""
from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass

from mpel_app.domain.errors import ValidationError
from mpel_app.domain.references import parse_cts_reference

DRAFT_PLACEHOLDER = "[Draft the reply here]"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97-2003 (.doc), and other OLE compound files
_OUR_REF = re.compile(r"^\s*Our ref\s*:\s*(\S+)", re.IGNORECASE)


def file_format(data: bytes) -> str:
    """``"docx"``, ``"pdf"``, ``"doc"`` or ``""``, read from the bytes themselves."""
    head = bytes(data[:1024])
    if head.lstrip().startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(_OLE_MAGIC):
        return "doc"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
                return "docx" if "word/document.xml" in archive.namelist() else ""
        except zipfile.BadZipFile:
            return ""
    return ""


@dataclass(frozen=True)
class ReturnedDraft:
    cts_reference: str  # as the draft's "Our ref" gives it; "" when it names none
    paragraphs: tuple[str, ...]  # between the salutation and the sign-off, blank ones dropped


def _fold(text: str) -> str:
    return " ".join(text.split())


def read_returned_draft(data: bytes) -> ReturnedDraft:
    """The draft's reference and its letter paragraphs; ValidationError when it is not a letter on the template."""
    from docx import Document

    try:
        doc = Document(io.BytesIO(bytes(data)))
    except Exception as exc:  # noqa: BLE001 - a damaged file, or not Word at all
        raise ValidationError(f"the Word file cannot be read ({exc}): ask the unit to send it again") from None
    texts = [p.text for p in doc.paragraphs]
    reference = ""
    for text in texts:
        found = _OUR_REF.match(text)
        if found:
            try:
                reference = str(parse_cts_reference(found.group(1)))  # "m00012/26" is M00012/26
            except ValueError:
                reference = found.group(1)  # not a CTS reference: shown as written when refused
            break
    start = next((i for i, t in enumerate(texts) if t.strip().startswith("Dear ")), None)
    end = next((i for i in range(len(texts) - 1, -1, -1) if texts[i].strip().lower().startswith("yours ")), None)
    if start is None or end is None or end <= start:
        raise ValidationError("the Word file is not a reply on the draft template (no 'Dear ...' and 'Yours "
                              "sincerely'): ask the unit for the draft made on the template MPCS sent")
    return ReturnedDraft(reference, tuple(_fold(t) for t in texts[start + 1:end] if t.strip()))


def drafted_part(paragraphs: Sequence[str], template_paragraphs: Sequence[str]) -> tuple[str, ...]:
    """What the unit wrote: ``paragraphs`` less the template's own before and after the placeholder.

    ``template_paragraphs`` is the template as sent, with
    :data:`DRAFT_PLACEHOLDER` in its place.  A template paragraph the unit
    changed is kept as theirs; refuses a draft that still has the placeholder
    or has nothing of its own.
    """
    got = [_fold(p) for p in paragraphs]
    if any(DRAFT_PLACEHOLDER in p for p in got):
        raise ValidationError(f"the draft still says {DRAFT_PLACEHOLDER!r}: it has not been drafted")
    tpl = [_fold(p) for p in template_paragraphs]
    at = tpl.index(DRAFT_PLACEHOLDER) if DRAFT_PLACEHOLDER in tpl else len(tpl)
    before, after = tpl[:at], tpl[at + 1:]
    head = 0
    while head < len(before) and head < len(got) and got[head] == before[head]:
        head += 1
    tail = 0
    while (tail < len(after) and tail < len(got) - head
           and got[len(got) - 1 - tail] == after[len(after) - 1 - tail]):
        tail += 1
    mine = tuple(got[head:len(got) - tail])
    if not mine:
        raise ValidationError("the draft has nothing besides the template's own wording: it has not been drafted")
    return mine
