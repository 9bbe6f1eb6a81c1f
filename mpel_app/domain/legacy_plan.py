"""The import of the Access call records as a plan: what each row becomes, and the report's counts.

All pure.  The survey (``SurveyBuilder``, row by row) keeps only what deciding
a row needs from the others (which row keeps a duplicated reference, the
plausible dates of the rows around a mistyped date, the database's identity)
and the report's counts; read in Access ID order, most rows can be decided
as they are read and the few others after the last row, so the table is read
once.  ``RowPlanner.plan`` turns one row into a ``LegacyRow``, the values of
one enquiry, with the decisions it took, or into the reason it is not
imported.  The rules themselves are in ``domain/legacy``.
"""
from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from . import legacy as L
from .records import Channel, EnquiryStatus
from .text import fold

NO_DATE = "no usable date of call"


@dataclass
class Survey:
    """What the survey learnt about the whole table."""

    read: dict[str, int]
    identity: str
    service_end: date
    keepers: dict[str, int]  # duplicated reference -> the Access ID that keeps it
    duplicate_rows: dict[str, list[int]]  # duplicated reference -> its rows' Access IDs
    highest: dict[str, int]  # prefix -> the highest valid reference number read
    call_dates: set[int]  # the Access IDs whose Date of Call needs correcting
    plausible: tuple[array, array]  # every row's Access ID and Date of Call (ordinal, 0 if none), in ID order
    counts: dict = field(default_factory=dict)  # the report's counts over the rows read

    def neighbours(self, access_id: int) -> tuple[date | None, date | None]:
        """The plausible dates of the rows keyed just before and just after this one."""
        ids, days = self.plausible
        wrong = self.call_dates
        i = bisect_left(ids, access_id) - 1
        while i >= 0 and ids[i] in wrong:
            i -= 1
        j = bisect_right(ids, access_id)
        while j < len(ids) and ids[j] in wrong:
            j += 1
        return (date.fromordinal(days[i]) if i >= 0 else None,
                date.fromordinal(days[j]) if j < len(ids) else None)


class ReadOutOfOrder(Exception):
    """A row came with an Access ID not above the one read before it: deciding rows as they are read relies
    on reading them in ID order (see SurveyBuilder), so the import surveys the table first instead."""


_SENT, _COMPLETED = "Date Sent to Region", "Date Completed"


class SurveyBuilder:
    """The survey taken row by row as the rows are read, and which rows can be decided at once.

    A row can be decided as soon as it is read unless a row read later may change what it becomes:

    * its reference was read before (which row keeps it is known at the end), or it is the first to hold
      its reference but deleted (a live row read later would keep it: ``keeper_of``);
    * its Date of Call is not yet known to be plausible, i.e. not within the service's years so far (the
      service's end is the latest date sent or completed of the whole table, ``service_end``): it may need
      correcting from its neighbours.

    The caller holds those rows and decides them after ``finish``, with the whole table's facts.  A live
    row first holding its reference keeps it whatever follows only because every later row has a higher
    Access ID: with ``in_order`` a row whose ID is not above the one before raises ReadOutOfOrder.  The
    rows decided at once rely on nothing ``interim`` does not hold (no keepers, no corrected dates).
    """

    def __init__(self, read: dict[str, int], today: date, *, in_order: bool = False):
        self.read, self.today, self.in_order = read, today, in_order
        self.first: dict[str, int] = {}  # reference -> its first row, packed as access_id * 2 + deleted
        self.duplicates: dict[str, list[int]] = {}
        self.highest: dict[str, int] = {}
        self.valid_as_stored = self.valid = self.invalid = self.deleted = 0
        self.call_types: Counter = Counter()
        self.urgent: Counter = Counter()
        self.ids, self.days = array("q"), array("q")  # each row's Access ID and Date of Call, as machine ints
        self.unsure: list[tuple[int, date | None]] = []  # rows whose Date of Call was not known plausible
        self.latest: date | None = None  # the latest recorded date sent or completed so far
        self.oldest: Mapping | None = None
        self.last_id: int | None = None
        self.ordered = True
        self._call_type = _Memo(L.call_type)
        self._urgency = _Memo(lambda value: L.urgency(value)[0])

    def add(self, row: Mapping) -> bool:
        """Count one row: True when it can be decided now (see the class).  Once per row of a million: the
        attributes read once into locals, the rules of a repeating value memoised."""
        get = row.get
        access_id = row["ID"]
        last = self.last_id
        if last is not None and access_id <= last:
            if self.in_order:
                raise ReadOutOfOrder(f"Access ID {access_id} read after {last}")
            self.ordered = False
        self.last_id = access_id
        if self.oldest is None or access_id < self.oldest["ID"]:
            self.oldest = {k: get(k) for k in ("ID", "Hotline Ref", "Date of Call")}
        gone = bool(get("Deleted"))
        now = True
        key, as_stored = L.check_reference(get("Hotline Ref"))
        if key is not None:
            self.valid += 1
            self.valid_as_stored += as_stored
            packed = access_id * 2 + gone
            first = self.first
            held = first.get(key)
            if held is None:
                first[key] = packed
                now = not gone
            else:
                rows = self.duplicates.get(key)
                if rows is None:
                    rows = self.duplicates[key] = [held]
                rows.append(packed)
                now = False
            prefix, number = L.reference_number(key)
            if number > self.highest.get(prefix, 0):
                self.highest[prefix] = number
        else:
            self.invalid += 1
        self.call_types[self._call_type[get("Call Type")]] += 1
        self.urgent[self._urgency[get("Urgent")]] += 1
        self.deleted += gone
        latest = self.latest
        for other in (get(_SENT), get(_COMPLETED)):
            if other is not None:
                other = L.as_date(other)
                if (latest is None or other > latest) and L.within_service(other, self.today):
                    latest = self.latest = other
        day = L.as_date(get("Date of Call"))
        self.ids.append(access_id)
        self.days.append(day.toordinal() if day else 0)
        if day is None or latest is None or not L.plausible_call_date(day, latest):
            # The service's end only moves later: a date plausible now stays so; this one may not be.
            self.unsure.append((access_id, day))
            return False
        return now

    def interim(self, first: Mapping) -> Survey:
        """What deciding rows as they are read relies on, ``first`` being the first row read (in ID order,
        the oldest: the database's identity)."""
        return Survey(read=dict(self.read), identity=L.source_identity(first), service_end=self.today, keepers={},
                      duplicate_rows={}, highest={}, call_dates=set(), plausible=(array("q"), array("q")))

    def finish(self) -> Survey:
        end = L.service_end([self.latest], self.today)
        wrong = {access_id for access_id, day in self.unsure if not L.plausible_call_date(day, end)}
        ids, days = self.ids, self.days
        if not self.ordered:
            order = sorted(range(len(ids)), key=ids.__getitem__)
            ids, days = array("q", (ids[i] for i in order)), array("q", (days[i] for i in order))
        duplicates = self.duplicates
        counts = {
            "references": {"valid_as_stored": self.valid_as_stored, "valid_after_normalisation": self.valid,
                           "invalid": self.invalid, "duplicate_refs": len(duplicates),
                           "rows_with_duplicate_ref": sum(len(r) for r in duplicates.values())},
            "call_type": {k: self.call_types.get(k, 0) for k in ("Telephone", "Fax", "Email", L.UNKNOWN)},
            "urgent": {k: self.urgent.get(k, 0) for k in (L.IMMINENT_REMOVAL, L.COMPASSIONATE, L.NOT_URGENT)},
            "deleted": self.deleted,
        }
        keepers = {key: L.keeper_of([(p % 2 == 1, p // 2) for p in packed]) for key, packed in duplicates.items()}
        return Survey(read={**self.read, L.CALL_TABLE: len(ids)}, identity=L.source_identity(self.oldest or {}),
                      service_end=end, keepers=keepers,
                      duplicate_rows={key: sorted(p // 2 for p in packed) for key, packed in duplicates.items()},
                      highest=dict(self.highest), call_dates=wrong, plausible=(ids, days), counts=counts)


def survey(rows: Iterable[Mapping], read: dict[str, int], today: date) -> Survey:
    """The whole table surveyed before any row is decided (rows in any order).  Kept compact (a million
    rows are a few tens of megabytes): each valid reference's first row as one int, each row's Access ID
    and Date of Call as machine ints."""
    builder = SurveyBuilder(read, today)
    for row in rows:
        builder.add(row)
    return builder.finish()


@dataclass(slots=True)
class LegacyRow:
    """One Access call record as the values of an enquiry (and its legacy_records row)."""

    access_id: int
    reference: str | None  # None: a new reference is issued under substitute_prefix
    substitute_prefix: str
    reference_as_stored: str
    channel: Channel
    status: EnquiryStatus
    received_at: datetime
    caller_name: str
    subject_name: str
    subject_dob: date | None
    nationality: str
    ho_reference: str
    cts_reference: str
    question: str
    answer: str
    response: str
    urgent: bool
    imminent_removal: bool
    compassionate: bool
    removal_at: datetime | None
    region_code: str | None
    file_needed: bool
    sent_to_region_at: datetime | None
    completed_at: datetime | None
    completer: tuple[str, str] | None
    agent_id: int | None
    mp_name: str
    constituency: str
    passcode_given: bool
    deleted: bool
    decisions: list[L.Decision]

    @property
    def nationality_folded(self) -> str:
        return folded_nationality(self.nationality)


def folded_nationality(nationality: str) -> str:
    """A nationality as it is searched (the enquiry's nationality_folded)."""
    return fold(nationality)[:L.MAX_NATIONALITY]


class _Memo(dict):
    """A rule's result per raw value, for the columns whose values repeat (call types, urgency, regions,
    MPs, who completed): worked out once each.  Free text after all: emptied past 10,000 values."""

    def __init__(self, work):
        super().__init__()
        self.work = work

    def __missing__(self, key):
        if len(self) > 10_000:
            self.clear()
        value = self[key] = self.work(key)
        return value


def _call_type(value: str | None) -> tuple[str, Channel]:
    kind = L.call_type(value)
    return kind, L.CHANNELS.get(kind, L.UNKNOWN_CALL_TYPE_CHANNEL)


def _one_line(value: str | None) -> str:
    return L.clipped(L.text(value), 120)


class RowPlanner:
    """Turns rows into LegacyRows with the survey's facts and the lookup tables."""

    def __init__(self, found: Survey, regions: Mapping[int, str], agents: Mapping[int, Mapping]):
        self.survey = found
        self.regions = regions
        self.agents = agents
        # The per-row rules whose answer depends on the raw value alone, memoised (issue 10: a million rows).
        self._call_types = _Memo(_call_type)
        self._urgencies = _Memo(L.urgency)
        self._region_codes = _Memo(lambda value: L.region_code(value, regions))
        self._completers = _Memo(L.completer)
        self._one_line = _Memo(_one_line)

    def plan(self, row: Mapping) -> LegacyRow | str:
        """The row as an enquiry's values, or the reason it is not imported."""
        get = row.get
        access_id = row["ID"]
        decisions: list[L.Decision] = []

        def decide(field_: str, as_stored: object, decided: str, rule: str) -> None:
            decisions.append(L.Decision(access_id, field_, L.shown(as_stored), decided, rule))

        call_day = self._call_date(row, decide)
        if call_day is None:
            return NO_DATE
        raw_time = get("Time of Call")
        if raw_time is None:
            received = L.london_instant(call_day)
            decide("Time of Call", None, "not recorded: taken as the start of the day", "time_missing")
        else:
            received = L.london_instant(call_day, L.time_of_call(raw_time))

        raw_ref = get("Hotline Ref")
        reference, valid_as_stored = L.check_reference(raw_ref)
        keepers = self.survey.keepers
        if reference is None:
            decide("Hotline Ref", raw_ref, "not a hotline reference: a new reference is issued; the text as "
                   "stored stays searchable", "reference_invalid")
        elif reference in keepers and keepers[reference] != access_id:
            keeper = keepers[reference]
            decide("Hotline Ref", raw_ref, f"also held by Access ID {keeper}, which keeps it: a new reference is "
                   "issued; the reference as stored stays searchable", "reference_duplicate")
            reference = None
        elif not valid_as_stored:
            decide("Hotline Ref", raw_ref, f"read as {reference}", "reference_normalised")

        raw_type = get("Call Type")
        kind, channel = self._call_types[raw_type]
        if kind == L.UNKNOWN:
            decide("Call Type", raw_type, f"not recorded or not recognised: taken as {channel.value}",
                   "call_type_unknown")
        raw_urgent = get("Urgent")
        level, recognised = self._urgencies[raw_urgent]
        if not recognised:
            decide("Urgent", raw_urgent, "not recognised: not urgent", "urgent_unknown")

        raw_region = get("Region")
        region, usable = self._region_codes[raw_region]
        if not usable:
            decide("Region", raw_region, "no such region in tblRegion: no region", "region_orphan")
        agent_id = get("Call Agent")
        if agent_id is not None and agent_id not in self.agents:
            decide("Call Agent", agent_id, f"not in tblAgent: recorded as '{L.orphan_agent_name(agent_id)}'",
                   "agent_orphan")

        raw_dob = get("Subject DOB")
        dob, rule = L.subject_dob(L.as_date(raw_dob), call_day) if raw_dob is not None else (None, "")
        if rule:
            decide("Subject DOB", raw_dob,
                   {"dob_placeholder": "Access's 'not known' date: no date of birth",
                    "dob_century": f"after the call, typed 20xx for 19xx: {dob}",
                    "dob_future": "after the call: no date of birth"}[rule], rule)
        raw_completed = get("Date Completed")
        completed, before_call = L.completed_at(L.as_date(raw_completed), received)
        if before_call:
            decide("Date Completed", raw_completed, "before the call: completed when received",
                   "completed_before_call")
        removal = get("Removal Date")
        if removal is not None and L.as_date(removal) < call_day:
            decide("Removal Date", removal, "before the call: kept as stored", "removal_before_call")
        further = bool(get("Further Action"))
        state = L.status(further, completed is not None, region)
        sent = get("Date Sent to Region")
        response = L.memo(get("Response"))
        in_response = L.answer_column(further) == "response"
        text = L.text
        caller_name = text(get("Caller Name"))
        if len(caller_name) > L.MAX_CALLER:
            caller_name = self._fitted(row, "Caller Name", L.MAX_CALLER, decide)
        subject_name = text(get("Subject Name"))
        if len(subject_name) > L.MAX_NAME:
            subject_name = self._fitted(row, "Subject Name", L.MAX_NAME, decide)
        nationality = text(get("Nationality"))
        if len(nationality) > L.MAX_NATIONALITY:
            nationality = self._fitted(row, "Nationality", L.MAX_NATIONALITY, decide)
        return LegacyRow(
            access_id=access_id, reference=reference, substitute_prefix=L.substitute_prefix(raw_ref),
            reference_as_stored=(raw_ref or "")[:40], channel=channel, status=state, received_at=received,
            caller_name=caller_name, subject_name=subject_name, subject_dob=dob, nationality=nationality,
            ho_reference=L.reference_key(get("HO Ref")),
            cts_reference=L.reference_key(get("CTS Ref"))[:L.MAX_CTS_REF], question=L.memo(get("Enquiry")),
            answer="" if in_response else response, response=response if in_response else "",
            urgent=level != L.NOT_URGENT, imminent_removal=level == L.IMMINENT_REMOVAL,
            compassionate=level == L.COMPASSIONATE,
            removal_at=L.london_instant(L.as_date(removal), L.time_of_call(removal)) if removal else None,
            region_code=region, file_needed=bool(get("File Required")),
            sent_to_region_at=L.london_instant(L.as_date(sent)) if sent else None, completed_at=completed,
            completer=self._completers[get("Completed By")], agent_id=agent_id,
            mp_name=self._one_line[get("MP Name")], constituency=self._one_line[get("Constituency")],
            passcode_given=bool(get("Passcode Given")), deleted=bool(get("Deleted")), decisions=decisions)

    def _call_date(self, row: Mapping, decide) -> date | None:
        access_id = row["ID"]
        day = L.as_date(row.get("Date of Call"))
        if access_id not in self.survey.call_dates:
            return day
        before, after = self.survey.neighbours(access_id)
        own = (L.as_date(row.get("Date Sent to Region")), L.as_date(row.get("Date Completed")))
        taken, how = L.corrected_call_date(day, before, after, own, self.survey.service_end)
        if taken is None:
            decide("Date of Call", row.get("Date of Call"), "no usable date: not imported", "no_date")
            return None
        why = "missing" if day is None else "outside the years the database was used"
        how_text = {"year_from_neighbours": "the year of the records keyed around it",
                    "from_own_dates": "its own date sent to region or completed",
                    "from_row_before": "the date of the record keyed before it"}[how]
        decide("Date of Call", row.get("Date of Call"), f"{why}: {taken} from {how_text}", "date_of_call")
        return taken

    @staticmethod
    def _fitted(row: Mapping, column: str, length: int, decide) -> str:
        value = L.text(row.get(column))
        if len(value) > length:
            decide(column, value, f"longer than {length} characters: cut", "text_cut")
        return L.clipped(value, length)
