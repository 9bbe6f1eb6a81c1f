"""What a call record says, section by section: one source for the printed PDF and the record window.

``record_sections(record, region_name, printed=...)`` turns an
:class:`EnquiryRecord` into ordered :class:`Section` s (Member and caller,
Disclosure checks, Subject, Enquiry, Regional action) of :class:`Row` s: a
label and a plain-text value.  The PDF (``call_record``) sets them as
paragraphs and the record window (``ui.record_dialog``) as read-only fields;
neither spells out a label or a value itself.  Plain Python: no Qt, no
reportlab.

Rules kept here, once:

* The withheld rule: a record whose passcode was not verified
  (``record.subject is None`` or ``record.locked``) shows "Withheld: passcode
  not verified" in place of the subject, the enquiry and the response, even
  if the record happens to carry some of them.
* Instants are shown in UK local time (Europe/London, so BST in summer),
  ``23 Nov 2026 14:05``; calendar dates read ``4 March 1981``.  A naive
  datetime is taken to be UTC.  A blank value shows as a dash.

Where the page and the screen say things differently, it is decided here,
under ``printed``: the page lists every field (Office phone; Caller and Caller
kind; Completed; a dash where nothing is recorded; the Response row even when
withheld), while the screen reads as a person would say it (Office telephone;
"Peter Clerk (caseworker)"; "Not yet" acknowledged; "Mon 30 Nov 2026" due;
"Not sent to a region." in place of empty regional rows; no Response row when
withheld).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone

from mpel_app.domain.calendar import LONDON
from mpel_app.domain.records import CallerKind, EnquiryRecord

__all__ = [
    "LEGACY_TITLE", "NOT_RECORDED", "NOT_SENT_TEXT", "WITHHELD_TEXT", "Row", "Section", "format_date", "format_datetime",
    "format_weekday_date", "is_withheld", "or_dash", "record_sections", "to_london", "yes_no",
]

NOT_RECORDED = "—"
WITHHELD_TEXT = "Withheld: passcode not verified"
NOT_SENT_TEXT = "Not sent to a region."

# English names on purpose: strftime's %a/%b follow the C library locale, which
# Qt sets from the desktop's language.
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


# Formatting ------------------------------------------------------------------

def to_london(moment: datetime) -> datetime:
    """Europe/London wall-clock time; a naive datetime is taken to be UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(LONDON)


def format_datetime(moment: datetime | None) -> str:
    """``23 Nov 2026 14:05`` in Europe/London, or a dash."""
    if moment is None:
        return NOT_RECORDED
    local = to_london(moment)
    return f"{local.day} {_MONTHS[local.month - 1][:3]} {local.year} {local:%H:%M}"


def format_date(day: date | None) -> str:
    """``4 March 1981``, or a dash."""
    if day is None:
        return NOT_RECORDED
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def format_weekday_date(day: date | None, *, year: bool = True) -> str:
    """``Mon 30 Nov 2026`` (``Mon 30 Nov`` without the year), as due dates are read out; or a dash."""
    if day is None:
        return NOT_RECORDED
    text = f"{_DAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1][:3]}"
    return f"{text} {day.year}" if year else text


def or_dash(text: str | None) -> str:
    return text if text and str(text).strip() else NOT_RECORDED


def yes_no(flag: bool) -> str:
    return "Yes" if flag else "No"


def is_withheld(record: EnquiryRecord) -> bool:
    """True when nothing personal of this record may be shown: its passcode was not verified."""
    return record.subject is None or record.locked


# Sections --------------------------------------------------------------------

@dataclass(frozen=True)
class Row:
    label: str
    value: str
    long: bool = False  # free text (question, answer, response): wraps, may run to many lines
    withheld: bool = False  # the value is WITHHELD_TEXT, standing in for what may not be shown


@dataclass(frozen=True)
class Section:
    title: str
    rows: tuple[Row, ...] = ()
    note: str = ""  # said in place of rows: WITHHELD_TEXT, or NOT_SENT_TEXT
    withheld: bool = False

    @classmethod
    def withheld_section(cls, title: str) -> Section:
        return cls(title, note=WITHHELD_TEXT, withheld=True)


def record_sections(record: EnquiryRecord, region_name: str | None = None, *,
                    printed: bool) -> list[Section]:
    """The record's sections in reading order; ``printed`` for the PDF, else the record window."""
    withheld = is_withheld(record)
    sections = [
        _member_and_caller(record, printed),
        _disclosure(record),
        Section.withheld_section("Subject") if withheld else _subject(record),
        Section.withheld_section("Enquiry") if withheld else _enquiry(record),
        _regional_action(record, region_name, withheld, printed),
    ]
    if record.legacy is not None:
        sections.append(_legacy(record))
    return sections


LEGACY_TITLE = "Legacy Access database"


def _legacy(record: EnquiryRecord) -> Section:
    """An imported record says where it came from: the Access ID, what Access held, what the import decided."""
    o = record.legacy
    assert o is not None
    return Section(LEGACY_TITLE, (
        Row("Imported from", f"{o.file_name}, Access ID {o.access_id}"),
        Row("Hotline Ref in Access", or_dash(o.reference_as_stored)),
        Row("MP (as typed)", or_dash(" – ".join(p for p in (o.mp_name, o.constituency) if p))),
        Row("Call agent", or_dash(o.call_agent)),
        Row("Completed by", or_dash(o.completed_by)),
        Row("Passcode given", yes_no(o.passcode_given)),
        Row("Import decisions", or_dash("\n".join(o.decisions)), long=True),
    ))


def _member_and_caller(record: EnquiryRecord, printed: bool) -> Section:
    m = record.member
    # An imported Access record names its MP as typed there, not a member of the desk's list.
    typed = f"{record.legacy.mp_name} (as typed in Access)" if record.legacy and record.legacy.mp_name else NOT_RECORDED
    rows = [
        Row("Member", m.display_name if m else typed),
        Row("Constituency", or_dash(m.constituency) if m else NOT_RECORDED),
        Row("Office phone" if printed else "Office telephone", or_dash(m.office_phone) if m else NOT_RECORDED),
    ]
    if printed:
        kind = str(record.caller_kind).capitalize() if record.caller_kind else NOT_RECORDED
        rows += [Row("Caller", or_dash(record.caller_name)), Row("Caller kind", kind)]
    elif record.caller_kind is CallerKind.MEMBER:
        rows.append(Row("Caller", "The member"))
    elif record.caller_kind is CallerKind.CASEWORKER:
        rows.append(Row("Caller", f"{or_dash(record.caller_name)} (caseworker)"))
    else:  # no kind recorded (an imported Access record): the name as typed, if any
        rows.append(Row("Caller", or_dash(record.caller_name)))
    return Section("Member and caller", tuple(rows))


def _disclosure(record: EnquiryRecord) -> Section:
    d = record.disclosure
    return Section("Disclosure checks", (
        Row("Passcode verified", yes_no(record.passcode_verified)),
        Row("Failed passcode attempts", str(record.passcode_failures)),
        Row("Constituency MP", yes_no(d.constituency_mp)),
        Row("Authorised representative", yes_no(d.authorised_representative)),
        Row("Third party", yes_no(d.third_party)),
        Row("Identity confirmed", yes_no(d.identity_confirmed)),
    ))


def _subject(record: EnquiryRecord) -> Section:
    s = record.subject
    assert s is not None
    return Section("Subject", (
        Row("Name", or_dash(s.name)),
        Row("Date of birth", format_date(s.date_of_birth)),
        Row("Nationality", or_dash(s.nationality)),
        Row("Home Office reference", or_dash(s.ho_reference)),
        Row("CTS reference", or_dash(s.cts_reference)),
    ))


def _enquiry(record: EnquiryRecord) -> Section:
    return Section("Enquiry", (
        Row("Question", or_dash(record.question), long=True),
        Row("Answer given", or_dash(record.answer), long=True),
        Row("Written confirmation requested", yes_no(record.written_confirmation)),
    ))


def _regional_action(record: EnquiryRecord, region_name: str | None, withheld: bool, printed: bool) -> Section:
    title = "Regional action"
    if record.region_code is None and not printed:
        return Section(title, note=NOT_SENT_TEXT)
    if record.region_code and region_name:
        region = f"{region_name} ({record.region_code})"
    else:
        region = record.region_code or region_name or NOT_RECORDED
    if record.acknowledged_at is None and not printed:
        acknowledged = "Not yet"
    else:
        acknowledged = format_datetime(record.acknowledged_at)
    if record.acknowledged_by:
        acknowledged += f" by {record.acknowledged_by}"
    rows = [
        Row("Region", region),
        Row("File needed", yes_no(record.file_needed)),
        Row("Response due", format_date(record.due_date) if printed else format_weekday_date(record.due_date)),
        Row("Acknowledged", acknowledged),
    ]
    if printed:
        rows.append(Row("Completed", format_datetime(record.completed_at)))
    if not withheld:
        rows.append(Row("Response", or_dash(record.response), long=True))
    elif printed:
        rows.append(Row("Response", WITHHELD_TEXT, long=True, withheld=True))
    return Section(title, tuple(rows))
