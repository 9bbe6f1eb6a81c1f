"""The selected enquiry as the agent wrote it up, beside a queue (Further Action, a region's queue).

Its heading says the same as the item's row: an urgent item is URGENT (in red)
until someone acknowledges it; after that it is "urgent case, acknowledged"
and its status is the due date's, in the row's words (``domain.alarms``).
"""
from __future__ import annotations

from html import escape

from PySide6.QtWidgets import QFrame, QTextBrowser, QWidget

from ..domain.alarms import Tone, needs_action_now, tone
from ..domain.records import EnquiryRecord, QueueStatus
from ..domain.targets import target_text
from ..reports.record_sections import format_date as long_date, is_withheld
from .models import QUEUE_LABELS, TONE_COLOURS, format_date, format_received, member_line


def heading_flag(rec: EnquiryRecord, status: QueueStatus | None) -> str:
    """What follows the reference in the heading: the same status as the row, from the same rule."""
    if needs_action_now(rec.urgent, rec.acknowledged_at is not None):
        return " <span style='color:#b00000'>URGENT — acknowledge now</span>"
    parts = []
    if rec.urgent:
        parts.append("<span style='color:#555'>urgent case, acknowledged</span>")
    if status is not None and status is not QueueStatus.URGENT:
        fg = TONE_COLOURS.get(tone(status), ("#1b5e20", ""))[0] if tone(status) is not Tone.QUIET else "#1b5e20"
        parts.append(f"<span style='color:{fg}'>{escape(QUEUE_LABELS[status])}</span>")
    return (" " + " · ".join(parts)) if parts else ""


class CaseDetail(QTextBrowser):
    """The selected enquiry as the agent wrote it up: who called, about whom, what was asked and answered.

    Rich text in a read-only browser rather than a grid of labels: it wraps
    long questions properly, scrolls, and a keyboard or screen-reader user can
    tab into it and read or copy it.
    """

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName("Selected case")
        self.setOpenLinks(False)
        self.setFrameShape(QFrame.NoFrame)
        self.setTabChangesFocus(True)
        self.setStyleSheet("QTextBrowser { background: transparent; }")
        self.show_record(None)

    def show_record(self, rec: EnquiryRecord | None, regions: dict[str, str] | None = None,
                    placeholder: str = "Select a case in the list.", status: QueueStatus | None = None) -> None:
        """Show ``rec``; ``status``: its status in the list it was chosen from (the row's, so both agree)."""
        if rec is None:
            self.setHtml(f"<p style='color:#555; font-size:12pt'>{escape(placeholder)}</p>")
            return
        rows: list[tuple[str, str]] = []
        if rec.member:
            region = (regions or {}).get(rec.member.region_code, rec.member.region_code)
            rows.append(("Member", f"{member_line(rec.member)}\nOffice telephone "
                                   f"{rec.member.office_phone or 'not recorded'}  ·  Region: {region}"))
        caller = "the member" if rec.caller_kind == "member" else f"caseworker {rec.caller_name}".strip()
        rows.append(("Caller", f"{caller}  ·  {rec.channel.value}  ·  received {format_received(rec.received_at)}"
                               f"  ·  logged by {rec.created_by}"))
        s = rec.subject
        if s is None or is_withheld(rec):  # the record window's rule: passcode not verified, nothing personal
            rows.append(("Subject", "Locked: the passcode was never verified"))
        else:
            dob = f", born {long_date(s.date_of_birth)}" if s.date_of_birth else ""
            nat = f", {s.nationality}" if s.nationality else ""
            rows.append(("Subject", f"{s.name or 'not recorded'}{dob}{nat}"))
            rows.append(("References", f"HO ref {s.ho_reference or '—'}  ·  CTS ref {s.cts_reference or '—'}"))
        d = rec.disclosure
        ticked = [text for flag, text in ((d.constituency_mp, "constituency MP"),
                                          (d.authorised_representative, "authorised representative"),
                                          (d.third_party, "third party"),
                                          (d.identity_confirmed, "identity confirmed")) if flag]
        written = "written confirmation requested" if rec.written_confirmation else "no written confirmation asked"
        rows.append(("Checks", f"{', '.join(ticked) if ticked else 'no disclosure checks ticked'}  ·  {written}"))
        rows.append(("Question", rec.question or "—"))
        rows.append(("MPEL's answer", rec.answer or "—"))
        if rec.due_date:
            ack = (f"acknowledged {format_received(rec.acknowledged_at)} by {rec.acknowledged_by}"
                   if rec.acknowledged_at else "not yet acknowledged")
            target = target_text(rec.channel, rec.file_needed)
            rows.append(("Target", f"response due by {format_date(rec.due_date)}  ·  {target}  ·  {ack}"
                                   "  ·  F8: why then?"))
        else:
            rows.append(("Target", "not yet sent to a region"))
        urgent = heading_flag(rec, status)
        body = "".join(
            f"<tr><td style='color:#555; padding:3px 10px 3px 0; white-space:nowrap'>{escape(k)}</td>"
            f"<td style='padding:3px 0'>{escape(v).replace(chr(10), '<br>')}</td></tr>" for k, v in rows)
        self.setHtml(f"<h2 style='margin:0 0 6px 0'>{escape(rec.reference)}{urgent}</h2>"
                     f"<table cellspacing='0'>{body}</table>")
