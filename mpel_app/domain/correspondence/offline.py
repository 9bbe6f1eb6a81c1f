"""What a drafting unit without CTS ("off-line") sends back to MPCS, and in what form [ASY].

The asylum teams' guidance: for a reply the Minister approves and signs, "the
locally approved draft response (Word document) must be emailed by the
Workflow Manager to the POISE email box 'MPCS CTS Offline Management' for MPCS
to check the format, load the draft response onto CTS and forward it to
Private Office"; for a Treat Official reply "the locally signed and issued
letter must be scanned and sent" for MPCS to update CTS and close the case.

So a Ministerial letter's off-line return is a Word file (.docx) and an
Official one a scanned PDF; anything else is refused, saying what to ask the
unit for.  The service tells the rule what the file is (``file_format``:
"docx", "pdf" or anything else it could not recognise).
"""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import ValidationError
from .states import LetterKind

WORD = "docx"
PDF = "pdf"
# Where off-line units send what they return; MPCS checks it in from there.
OFFLINE_ROUTE = "MPCS CTS Offline Management"


@dataclass(frozen=True)
class OfflineReturn:
    """What an off-line unit returns for one kind of letter."""

    file_format: str  # WORD or PDF
    what: str  # "approved draft" / "signed reply", as the audit trail and the screen say it
    described: str  # for the person checking it in: the file they should have

    @property
    def suffix(self) -> str:
        return "." + self.file_format


def offline_return(kind: LetterKind | str) -> OfflineReturn:
    """What comes back from an off-line unit for a letter of this kind [ASY]."""
    if LetterKind(kind) is LetterKind.MINISTERIAL:
        return OfflineReturn(WORD, "approved draft", "the approved draft as a Word document (.docx)")
    return OfflineReturn(PDF, "signed reply", "the signed and issued reply, scanned as a PDF")


def check_offline_return(kind: LetterKind | str, file_format: str) -> OfflineReturn:
    """The file an off-line unit sent back is the one the guidance asks for, or ValidationError saying why not."""
    wanted = offline_return(kind)
    if file_format == wanted.file_format:
        return wanted
    found = {WORD: "a Word document", PDF: "a PDF",
             "doc": "an older Word file (.doc), which the desk cannot read; a .docx is needed"}.get(
        file_format, "neither a Word document (.docx) nor a PDF")
    if LetterKind(kind) is LetterKind.MINISTERIAL:
        why = ("a Ministerial reply comes back from an off-line unit as the approved draft in Word (.docx), which "
               f"MPCS loads onto CTS for Private Office [ASY]; this file is {found}: ask the unit's workflow "
               f"manager to send the Word file to {OFFLINE_ROUTE}")
    else:
        why = ("an Official reply comes back from an off-line unit signed and issued, scanned as a PDF [ASY]; this "
               f"file is {found}: ask the unit's workflow manager for the scan of the signed letter")
    raise ValidationError(why)
