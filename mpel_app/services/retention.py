"""Retention for call records (issue 17): closed enquiries past the administrator's limit are anonymised.

The rule is ``domain.data_rights`` (default: the rest of the year the enquiry closed and two full years
after, as the CTS period [CORR 1.9]); enquiries imported from the Access database follow it like any
other.  ``due`` lists what a run would anonymise (a dry run), ``purge`` anonymises it as an erasure
does (``anonymise``), except that nothing is swept from other records: a retention run touches only the
records that are due and what hangs off them, and the trail's rows about them.  Records under a legal
hold, still open, or already anonymised are left.  Each run is audited with its counts and references.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..db import repositories as repo
from ..db.models import AnonymisedRecord, Enquiry, LegacyRecord, LegalHold, Setting
from ..db.uow import UnitOfWork
from ..domain import permissions as perm
from ..domain.audit_actions import ANONYMISED_PAST_RETENTION, RETENTION
from ..domain.calendar import LONDON
from ..domain.clock import Clock
from ..domain.data_rights import (RETENTION_YEARS_KEY, check_retention_years, enquiry_closed_at, past_retention,
                                  retention_cutoff, retention_cutoff_at, retention_years)
from ..domain.errors import ValidationError
from ..domain.permissions import Action
from ..domain.records import UserRecord
from . import anonymise, audit, people
from .desk_settings import save_setting

PURGED_ACTION = ANONYMISED_PAST_RETENTION


@dataclass(frozen=True)
class DueRecord:
    id: int
    reference: str
    channel: str
    status: str
    closed_at: datetime
    legacy: bool


@dataclass(frozen=True)
class RetentionReport:
    years: int
    cutoff: date  # records that closed before this London day are due
    records: tuple[DueRecord, ...]
    dry_run: bool

    def lines(self) -> list[str]:
        head = (f"Call records closed before {self.cutoff:%d %B %Y} (kept {self.years} years after the year "
                f"they closed): {len(self.records)} {'due' if self.dry_run else 'anonymised'}.")
        return [head] + [f"{r.reference}\t{r.channel}\t{r.status}\tclosed {r.closed_at.astimezone(LONDON):%Y-%m-%d}"
                         f"{chr(9) + 'legacy import' if r.legacy else ''}" for r in self.records]


def current_years(s: Session) -> int:
    row = s.get(Setting, RETENTION_YEARS_KEY)
    return retention_years(row.value if row else None)


def due(s: Session, today: date) -> tuple[int, date, list[DueRecord]]:
    years = current_years(s)
    cutoff = retention_cutoff(today, years)
    before = retention_cutoff_at(today, years)
    held = select(LegalHold.entity_id).where(LegalHold.entity == "enquiry", LegalHold.lifted_at.is_(None))
    done = select(AnonymisedRecord.entity_id).where(AnonymisedRecord.entity == "enquiry")
    # A record closes at one of these instants (domain.data_rights.enquiry_closed_at): none before the
    # cut-off, it cannot be due.  The query only narrows the candidates; the rule itself decides, below.
    maybe = or_(Enquiry.deleted_at < before, Enquiry.completed_at < before, Enquiry.received_at < before)
    rows = s.execute(select(Enquiry.id, Enquiry.reference, Enquiry.channel, Enquiry.status, Enquiry.deleted_at,
                            Enquiry.completed_at, Enquiry.received_at, LegacyRecord.enquiry_id)
                     .outerjoin(LegacyRecord, LegacyRecord.enquiry_id == Enquiry.id)
                     .where(maybe, Enquiry.id.not_in(held), Enquiry.id.not_in(done)).order_by(Enquiry.id)).all()
    records = []
    for id_, reference, channel, status, deleted_at, completed_at, received_at, legacy in rows:
        closed_at = enquiry_closed_at(status, completed_at, received_at, deleted_at)
        if past_retention(closed_at, before):
            records.append(DueRecord(id_, reference, channel, status, closed_at, legacy is not None))
    return years, cutoff, records


class RetentionService:
    def __init__(self, uow: UnitOfWork, clock: Clock):
        self._uow = uow
        self._clock = clock

    def _today(self) -> date:
        return self._clock.now().astimezone(LONDON).date()

    def years(self, actor: UserRecord) -> int:
        perm.require(actor, Action.PURGE_RECORDS)
        with self._uow.read() as s:
            return current_years(s)

    def set_years(self, actor: UserRecord, years: int) -> None:
        perm.require(actor, Action.PURGE_RECORDS)
        try:
            years = check_retention_years(years)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None
        with self._uow() as s:
            save_setting(s, actor, self._clock.now(), RETENTION_YEARS_KEY, str(years), "call record retention set",
                         "years")

    def due(self, actor: UserRecord) -> RetentionReport:
        perm.require(actor, Action.PURGE_RECORDS)
        with self._uow.read() as s:
            years, cutoff, records = due(s, self._today())
        return RetentionReport(years, cutoff, tuple(records), dry_run=True)

    def purge(self, actor: UserRecord) -> RetentionReport:
        perm.require(actor, Action.PURGE_RECORDS)
        now = self._clock.now()
        with self._uow() as s:
            repo.lock_key(s, "erasure")  # one run (or erasure) at a time
            years, cutoff, records = due(s, self._today())
            ids = [r.id for r in records]
            if ids:
                # On the shared database a locked record's name-index rows are hidden from the login: opened,
                # the anonymiser removes them too.
                people.open_records(s, ids, [])
                rows, values = anonymise.own_audit_values(s, "enquiry", ids)
                audited_rows = anonymise.scrub_audit(s, rows, values)
                anonymise.anonymise_enquiries(s, ids, now, "retention")
                anonymise.compact_name_index(s)
            else:
                audited_rows = 0
            audit.record(s, actor, now, RETENTION, None, PURGED_ACTION, {
                "years": years, "closed before": cutoff.isoformat(), "rows": len(ids),
                "records": [r.reference for r in records], "audit_rows": audited_rows})
        return RetentionReport(years, cutoff, tuple(records), dry_run=False)
