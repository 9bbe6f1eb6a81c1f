"""Import of the legacy MPEL Access database: a dry run that writes nothing, and the import in one transaction.

``LegacyImportService.import_file(actor, path, dry_run=...)`` reads the file
through one reader (legacy/reader.py), decides every row with the rules in
domain/legacy (through the plan in domain/legacy_plan) and returns the report
as a plain dict (the JSON the CLI writes).  The import is all or nothing:
every enquiry, its name tokens, its legacy_records row, the legacy people, the
moved reference counters and the audit entry are written in one transaction,
so an import killed half-way leaves the database as it was.  A second import
of the same Access database (known by its fingerprint, domain/legacy
.source_identity; .mdb or .accdb alike) finds each record already present
by its Access ID and imports nothing twice.

Who may: administrators (Action.IMPORT_LEGACY); ``actor`` None is the command
line, which holds the database's own credentials (the shared database is the
security boundary) and is audited as such.
"""
from __future__ import annotations

import gc
import getpass
import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain, islice
from operator import attrgetter
from pathlib import Path

from sqlalchemy import case, func, insert, select, text, update
from sqlalchemy.orm import Session

from ..db import repositories as repo
from ..db import bulk_indexes, pg_desk_view, pg_name_index
from ..db.bulk import insert_columns
from ..db.name_search import FTS_TABLE, has_fts
from ..db.models import (Enquiry, LegacyPerson, LegacyRecord, LegacySource, ReferenceCounter,
                         SubjectNameToken, User)
from ..db.uow import UnitOfWork
from ..domain import legacy as L
from ..domain import permissions as perm
from ..domain.calendar import REGION_NATION
from ..domain.clock import Clock
from ..domain.legacy_plan import (LegacyRow, ReadOutOfOrder, RowPlanner, Survey, SurveyBuilder,
                                  folded_nationality, survey)
from ..domain.permissions import Action
from ..domain.records import EnquiryStatus, UserRecord
from ..domain.references import HOTLINE_MAX, HotlineReference
from ..domain.targets import regional_response_due
from ..domain.text import name_tokens
from ..legacy.errors import LegacyFileError
from ..legacy.reader import LegacyReader, open_reader
from . import audit

Progress = Callable[[str, int, int], None]  # (stage, done, total)
BATCH = 1000  # the fewest rows of a batch
MOST_BATCH = 10_000  # under SQLite's 32,766 bound parameters: a batch's references in use are one IN list


def batch_size(total: int) -> int:
    """Rows per batch for ``total`` rows: a hundredth of them (a step of the progress bar each), between
    1,000 and 10,000.  Each batch costs half a dozen round trips to the database (ids, references in use,
    three COPYs) whatever its size: a thousand batches of a million rows spent seconds on them (issue 10)."""
    return min(MOST_BATCH, max(BATCH, total // 100))
OVERLAP_SAMPLE = 200  # rows of a new database's first batch compared with the databases imported before
IMPORT_CACHE_KIB = -262_144  # SQLite's page cache during an import: 256 MB (negative: KiB)
SYSTEM_USERNAME = "legacy-import"
SYSTEM_FULL_NAME = "Legacy Access database"
# Decisions a person should look at (the others are routine normalisation).
LOOK_AT = frozenset({"reference_invalid", "reference_duplicate", "reference_in_use", "date_of_call", "no_date",
                     "region_orphan", "agent_orphan", "completed_before_call", "removal_before_call",
                     "dob_century", "dob_future", "urgent_unknown", "text_cut"})
E = Enquiry.__table__
LR = LegacyRecord.__table__
LP = LegacyPerson.__table__
T = SubjectNameToken.__table__
RC = ReferenceCounter.__table__
_TOKEN_TRIGGERS = text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'subject_name_tokens'")
# The FTS5 documents of the enquiries this import wrote, in one statement after the rows.  On SQLite the
# import holds the write lock from its start and gives the ids after the highest (_new_ids): its
# enquiries are exactly those from its first id to its last.
_FTS_DOCUMENTS = text(
    f"INSERT INTO {FTS_TABLE} (rowid, tokens) SELECT enquiry_id, group_concat(token, ' ') FROM subject_name_tokens "
    "WHERE enquiry_id BETWEEN :first AND :last GROUP BY enquiry_id")
# For this transaction only (put_back_triggers): the sample of the import's own ANALYZE, and the memory of
# the name index's fill, whose hash of a million token rows went to disk at the default 4 MB.
_PG_QUICK_STATISTICS = text("SELECT set_config('default_statistics_target', '10', true)")
_PG_FILL_MEMORY = text("SELECT set_config('work_mem', '64MB', true)")
_HAS_PG_NAME_INDEX = text(f"SELECT to_regclass('{pg_name_index.WORDS}') IS NOT NULL")
# As one array: a thousand result rows cost ~7 ms a batch to fetch and convert, one row ~1 ms.
# The table named in its schema (_Writer.base): on a person's own login plain 'enquiries' is the desk's
# view, which has no sequence.
# The sequence is looked up once per import (_new_ids): pg_get_serial_sequence per id was a catalogue
# look-up per row, a third of each batch's 3 ms (issue 10).
_PG_SEQUENCE = text("SELECT CAST(CAST(pg_get_serial_sequence(format('%I.%I', CAST(:schema AS text), 'enquiries'), "
                    "'id') AS regclass) AS oid)")
_PG_IDS = text("SELECT array_agg(nextval(CAST(:sequence AS oid))) FROM generate_series(1, :n)")
# A batch's references already held, as one array parameter: an IN list of a thousand parameters cost
# ~50 ms a batch in compiling and converting the statement alone (issue 10).
_PG_IN_USE = text("SELECT reference FROM enquiries WHERE reference = ANY(CAST(:refs AS varchar[]))")


# The enquiry columns taken from a LegacyRow as they are (the others are worked out in _Writer._insert).
_AS_PLANNED = ("reference", "received_at", "caller_name", "subject_name", "subject_dob", "nationality",
               "ho_reference", "cts_reference", "question", "answer", "urgent", "compassionate", "removal_at",
               "imminent_removal", "region_code", "file_needed", "response", "completed_at")
_as_planned = attrgetter(*_AS_PLANNED)
# A row's decisions as legacy_records.decisions holds them (json.dumps with ensure_ascii=False made an
# encoder per call).
_decisions_json = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode


def _no_progress(stage: str, done: int, total: int) -> None:
    pass


def _nothing() -> None:
    pass


class LegacyImportService:
    def __init__(self, uow: UnitOfWork, clock: Clock, open_file: Callable[[Path], LegacyReader] = open_reader):
        self._uow = uow
        self._clock = clock
        self._open = open_file

    # ------------------------------------------------------------------ the use case

    def import_file(self, actor: UserRecord | None, path: str | Path, *, dry_run: bool,
                    progress: Progress | None = None) -> dict:
        """Read ``path`` and import it (or, with ``dry_run``, only report what importing would do)."""
        if actor is not None:
            perm.require(actor, Action.IMPORT_LEGACY)
        progress = progress or _no_progress
        path = Path(path)
        reader = self._open(path)
        tables = reader.tables()
        missing = [t for t in L.TABLES if t not in tables]
        if missing:
            raise LegacyFileError(f"{path} is an Access database but not the MPEL one: it has no "
                                  f"{', '.join(missing)}")
        regions = list(reader.rows(L.REGION_TABLE))
        agents = list(reader.rows(L.AGENT_TABLE))
        read = {L.REGION_TABLE: len(regions), L.AGENT_TABLE: len(agents)}
        region_codes = L.region_codes(regions)
        agents_by_id = {int(a["ID"]): a for a in agents if a.get("ID") is not None}
        total = reader.count(L.CALL_TABLE)
        if total is not None:
            rows = _checked(reader.rows(L.CALL_TABLE), path)
            try:
                return self.write_as_read(actor, path.name, reader.name, read, region_codes, agents_by_id, rows,
                                          dry_run=dry_run, progress=progress, total=total)
            except ReadOutOfOrder:
                pass  # nothing was written (the transaction rolled back): survey first, then decide and write
            finally:
                rows.close()
        progress("reading", 0, 0)
        found = survey(_checked(reader.rows(L.CALL_TABLE), path), read, self._clock.now().date())
        planner = RowPlanner(found, region_codes, agents_by_id)
        return self.write(actor, path.name, reader.name, found, planner, reader.rows(L.CALL_TABLE),
                          dry_run=dry_run, progress=progress, total=found.read[L.CALL_TABLE])

    def write_as_read(self, actor: UserRecord | None, file_name: str, reader_name: str, read: dict[str, int],
                      regions: Mapping[int, str], agents: Mapping[int, Mapping], rows: Iterable[Mapping], *,
                      dry_run: bool, progress: Progress, total: int) -> dict:
        """The import in one pass over the rows, which must come in Access ID order (ReadOutOfOrder, with
        nothing written, if not): each row is surveyed and, unless a later row may change what it becomes
        (domain/legacy_plan.SurveyBuilder), decided and written as it is read; the few others after the last
        row.  ``total``: the rows expected, for progress and the choice to set the indexes aside.  Public for
        the benchmark, which feeds synthetic rows without a file."""
        rows = iter(rows)
        first = next(rows, None)
        builder = SurveyBuilder(read, self._clock.now().date(), in_order=True)
        interim = builder.interim(first or {})
        planner = RowPlanner(interim, regions, agents)
        if first is not None:
            rows = chain((first,), rows)
        return self._write(actor, file_name, reader_name, interim, planner, rows, dry_run=dry_run, progress=progress,
                           total=total, builder=builder)

    def write(self, actor: UserRecord | None, file_name: str, reader_name: str, found: Survey, planner: RowPlanner,
              rows: Iterable[Mapping], *, dry_run: bool, progress: Progress, total: int) -> dict:
        """After the survey (rows in any order): plan each row and (unless ``dry_run``) write it, all in one
        transaction.  Public for the tests."""
        return self._write(actor, file_name, reader_name, found, planner, rows, dry_run=dry_run, progress=progress,
                           total=total)

    def _write(self, actor: UserRecord | None, file_name: str, reader_name: str, found: Survey,
               planner: RowPlanner, rows: Iterable[Mapping], *, dry_run: bool, progress: Progress, total: int,
               builder: SurveyBuilder | None = None) -> dict:
        with _collector_paused(), self._uow() as s:
            writer = _Writer(s, self._clock, actor, found, planner, file_name, dry_run, incoming=total)
            held: list[Mapping] = []  # rows read that a later row may change (builder): decided after the last

            def decide(batch: list[Mapping]) -> _Planned:
                if builder is not None:
                    now = []
                    for row in batch:
                        (now if builder.add(row) else held).append(row)
                    batch = now
                return writer.plan(batch)

            try:
                done = 0
                progress("importing", 0, total)
                size = batch_size(total)
                batches = _batches(rows, size)
                batch = next(batches, None)
                planned = decide(batch) if batch is not None else None
                while batch is not None:
                    ahead: dict = {}

                    def plan_next() -> None:
                        # Reading and planning the next batch is Python's work alone: it runs while the
                        # database takes this batch's enquiries (PostgreSQL's COPY), on the other core.
                        ahead["batch"] = following = next(batches, None)
                        ahead["planned"] = decide(following) if following is not None else None

                    writer.store(planned, meanwhile=plan_next)
                    done += len(batch)
                    progress("importing", done, max(total, done))
                    batch, planned = ahead["batch"], ahead["planned"]
                if builder is not None:
                    writer.surveyed(builder.finish())
                    for batch in _batches(held, size):
                        writer.store(writer.plan(batch), meanwhile=_nothing)
                report = writer.finish(reader_name)
                writer.put_back_triggers(progress)
            finally:
                writer.restore()
            if dry_run:
                s.rollback()
            return report

    # ------------------------------------------------------------------ the record view

    def origin(self, enquiry_id: int) -> dict | None:
        """Where an enquiry came from, when it was imported: shown on the record and its print."""
        with self._uow.read() as s:
            row = s.execute(select(LegacyRecord, LegacySource.file_name).join(
                LegacySource, LegacySource.id == LegacyRecord.source_id).where(
                LegacyRecord.enquiry_id == enquiry_id)).first()
            if row is None:
                return None
            record, file_name = row
            names = {p.id: p for p in s.scalars(select(LegacyPerson).where(
                LegacyPerson.id.in_([i for i in (record.call_agent_id, record.completed_by_id) if i])))}
            agent = names.get(record.call_agent_id)
            completer = names.get(record.completed_by_id)
            return {"access_id": record.access_id, "file_name": file_name,
                    "reference_as_stored": record.reference_as_stored, "mp_name": record.mp_name,
                    "constituency": record.constituency, "passcode_given": record.passcode_given,
                    "call_agent": agent.name if agent else "", "completed_by": completer.name if completer else "",
                    "decisions": json.loads(record.decisions or "[]")}


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for the import (memory is still freed by reference counting).
    The import keeps every decision for the report: hundreds of thousands of objects that each collection
    went through again, a third of the import's time at 100,000 rows (issue 10)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _batches(rows: Iterable, n: int) -> Iterator[list]:
    it = iter(rows)
    while batch := list(islice(it, n)):
        yield batch


@dataclass
class _Planned:
    """One batch decided by _Writer.plan: the rows to write, those not imported and why, those already here."""

    sample: list[Mapping]  # the first rows, when the batch must be checked against earlier imports
    planned: list[LegacyRow]
    skipped: list[tuple[int, str]]  # (Access ID, reason not imported)
    already: int


class _Once:
    def __init__(self, call: Callable[[], None]):
        self.call: Callable[[], None] | None = call

    def __call__(self) -> None:
        call, self.call = self.call, None
        if call is not None:
            call()


def _checked(rows: Iterator[Mapping], path: Path) -> Iterator[Mapping]:
    """The reader's rows, each checked for the MPEL columns.  Closed before the end (a pass abandoned), it
    closes the reader's rows too: mdb-export is ended and waited for then, not whenever they are collected."""
    try:
        for row in rows:
            missing = L.CALL_COLUMNS.difference(row)
            if missing:
                raise LegacyFileError(f"{path}: tblCallRecord has no column {', '.join(sorted(missing))}: "
                                      "not the MPEL database")
            yield row
    finally:
        close = getattr(rows, "close", None)
        if close is not None:
            close()


class _Writer:
    """One import's writes inside its transaction, batch by batch; counts what it did for the report."""

    def __init__(self, s: Session, clock: Clock, actor: UserRecord | None, found, planner: RowPlanner,
                 file_name: str, dry_run: bool, incoming: int = 0):
        self.s, self.clock, self.actor, self.found, self.planner = s, clock, actor, found, planner
        self.dry_run = dry_run
        self.now = clock.now()
        self.conn = s.connection()
        self.file_name = file_name
        self.source_id = self._source()
        self.present = set(self.conn.scalars(select(LR.c.access_id).where(LR.c.source_id == self.source_id))) \
            if self.source_id else set()
        self.people = {(r.kind, r.key): r.id for r in self.conn.execute(
            select(LP.c.kind, LP.c.key, LP.c.id).where(LP.c.source_id == self.source_id))} if self.source_id else {}
        self.counters = dict(self.conn.execute(select(RC.c.prefix, RC.c.last_number)).all())
        self.counters_before = dict(self.counters)
        self.system_user = None if dry_run else self._system_user()
        self.deferred: list[LegacyRow] = []
        self.cache_size: int | None = None
        self.fts_triggers: list = []
        if s.get_bind().dialect.name == "sqlite" and not dry_run:
            # The write lock now, not at the first insert: the ids given out (_new_ids) stay free.
            self.conn.execute(text("UPDATE legacy_sources SET id = id WHERE 0"))
            # The import inserts into a dozen indexes in no one order: with SQLite's default page cache
            # (2 MB) most inserts read pages back from the file.  A larger cache for this connection, put
            # back when the import ends (the connection returns to the pool).
            self.cache_size = self.conn.exec_driver_sql("PRAGMA cache_size").scalar()
            self.conn.exec_driver_sql(f"PRAGMA cache_size = {IMPORT_CACHE_KIB}")
            if has_fts(self.conn):
                # The FTS5 name index's triggers rewrite an enquiry's document once per token row; the
                # import writes all its documents in one statement after the rows instead, and puts the
                # triggers back before it commits (SQLite's DDL is transactional: a failed import keeps them).
                self.fts_triggers = list(self.conn.execute(_TOKEN_TRIGGERS).all())
                for name, _ in self.fts_triggers:
                    self.conn.exec_driver_sql(f'DROP TRIGGER "{name}"')
        # PostgreSQL: the schema of the tables themselves, which the bulk writes name.  An administrator's own
        # login reaches plain 'enquiries' as the desk's view (db/pg_desk_view), whose INSERT trigger would
        # give the rows other ids than the ones their name tokens and legacy rows carry; the table itself
        # is granted to them (db/pg_roles: INSERT, its row-level policies checking every row).
        self.base = pg_desk_view.base_schema(self.conn, E.name) if self.conn.dialect.name == "postgresql" else None
        self.pg_name_index = False
        if s.get_bind().dialect.name == "postgresql" and not dry_run and self.conn.scalar(_HAS_PG_NAME_INDEX):
            # As for SQLite's FTS5 triggers: the name index's rows in two statements after the rows, not
            # a trigger's re-derivation per token row; for this transaction only.
            self.conn.execute(pg_name_index.BULK_ON)
            self.pg_name_index = True
        # A switchover (more records coming than the desk holds): the secondary indexes are built once after
        # the rows instead of entry by entry (db/bulk_indexes; desks wait meanwhile on PostgreSQL).
        self.indexes_set_aside: list[bulk_indexes.SetAside] = []
        if not dry_run and bulk_indexes.worth_setting_aside(self.conn, E.name, incoming - len(self.present)):
            # On PostgreSQL the name index's token trigger is off too: the import writes its rows after the rows
            # (put_back_triggers), and a trigger call per token row only to return costs as much as the COPY.
            self.indexes_set_aside = bulk_indexes.set_aside(
                self.conn, (E.name, T.name, LR.name, *(pg_name_index.TABLES if self.pg_name_index else ())),
                stand_in_for=(T.name,) if self.pg_name_index else ())
        self.closures: dict[str, list] = {}
        self.imported = self.already = 0
        self.not_imported: Counter = Counter()
        self.statuses: Counter = Counter()
        self.decisions: list[dict] = []
        self.new_people = Counter()
        self.ids: list[int] = []
        self.next_id: int | None = None
        self.sequence: int | None = None  # PostgreSQL: the oid of the enquiries' id sequence, found at the first batch

    def surveyed(self, found: Survey) -> None:
        """The whole table's facts, once the last row is read (one pass): for the rows held until then, the
        counters and the report."""
        self.found = self.planner.survey = found

    # -- set-up

    def _source(self) -> int | None:
        source = self.conn.scalar(select(LegacySource.id).where(LegacySource.identity == self.found.identity))
        # A database not seen before, while others were imported: the first batch is checked against them.
        self.check_overlap = source is None and self.conn.scalar(select(func.count()).select_from(LegacySource)) > 0
        if source is not None or self.dry_run:
            return source
        return self.conn.execute(insert(LegacySource).values(
            identity=self.found.identity, file_name=self.file_name[:260], first_imported_at=self.now
        ).returning(LegacySource.id)).scalar_one()

    def _system_user(self) -> int:
        """The account imported records are logged under: inactive, no roles, a password nothing matches."""
        found = self.conn.scalar(select(User.id).where(User.username == SYSTEM_USERNAME))
        if found is not None:
            return found
        return self.conn.execute(insert(User).values(
            username=SYSTEM_USERNAME, full_name=SYSTEM_FULL_NAME, password_hash="!no sign-in", roles="",
            active=False, failed_logins=0, must_change_password=False, created_at=self.now, phone="", email=""
        ).returning(User.id)).scalar_one()

    def _move_counters(self) -> None:
        """Each prefix's counter moves past the highest number the file holds, so new calls never collide."""
        for prefix, number in sorted(self.found.highest.items()):  # one order: no deadlock with a desk
            if self.dry_run:
                self.counters[prefix] = max(self.counters.get(prefix, 0), number)
                continue
            # Where the counter is now (desks may have logged calls since the import began), moved if behind.
            self.counters[prefix] = self.conn.execute(update(RC).where(RC.c.prefix == prefix).values(
                last_number=case((RC.c.last_number < number, number), else_=RC.c.last_number)
            ).returning(RC.c.last_number)).scalar_one()

    # -- rows

    def plan(self, rows: list[Mapping]) -> _Planned:
        """A batch's rows decided, without a query or a write: what ``store`` then writes."""
        planned: list[LegacyRow] = []
        skipped: list[tuple[int, str]] = []
        already = 0
        for row in rows:
            if row["ID"] in self.present:
                already += 1
                continue
            result = self.planner.plan(row)
            if isinstance(result, str):
                skipped.append((row["ID"], result))
                continue
            self.present.add(row["ID"])
            planned.append(result)
        return _Planned(rows[:OVERLAP_SAMPLE] if self.check_overlap else [], planned, skipped, already)

    def store(self, batch: _Planned, meanwhile: Callable[[], None]) -> None:
        """Count and write a planned batch; ``meanwhile`` is called once, while the database takes the
        batch's enquiries (or at the end, when there are none)."""
        once = _Once(meanwhile)
        if batch.sample:
            self._refuse_if_already_imported(batch.sample)
        self.already += batch.already
        for access_id, reason in batch.skipped:
            self.not_imported[reason] += 1
            self.decisions.extend(d.as_dict() for d in self._decisions_of(access_id, reason))
        if batch.planned:
            in_use = self._references_in_use([r.reference for r in batch.planned if r.reference])
            ready: list[LegacyRow] = []
            for r in batch.planned:
                if r.reference in in_use:
                    r.decisions.append(L.Decision(r.access_id, "Hotline Ref", r.reference_as_stored,
                                                  "already used by another enquiry in MPEL Desk: a new reference "
                                                  "is issued; the reference as stored stays searchable",
                                                  "reference_in_use"))
                    r.reference = None
                # Rows needing a new reference wait for the end, where the counters move: their rows stay
                # locked from then to the commit only, not for the whole import, while other desks log calls.
                (ready if r.reference else self.deferred).append(r)
            self._take(ready, once)
        once()

    def _take(self, rows: list[LegacyRow], meanwhile: Callable[[], None] | None = None) -> None:
        decided = [[d.as_dict() for d in r.decisions] for r in rows]
        self.statuses.update(r.status.value for r in rows)
        for ds in decided:
            self.decisions += ds
        self.imported += len(rows)
        if rows and not self.dry_run:
            self._insert(rows, decided, meanwhile)

    def _issue_deferred(self) -> None:
        """The counters move past the file's highest numbers, then the rows without a usable reference get
        theirs in Access ID order (the order they were keyed), however the file was read."""
        self._move_counters()
        self.deferred.sort(key=attrgetter("access_id"))
        wanted = Counter(r.substitute_prefix for r in self.deferred)
        numbers = {}
        for prefix, n in sorted(wanted.items()):
            taken = self._reserve(prefix, n)
            if taken and taken[-1] > HOTLINE_MAX:  # nothing is written: the import's transaction rolls back
                raise LegacyFileError(
                    f"{n:,} records without a usable reference need new {prefix} references, but only "
                    f"{max(HOTLINE_MAX - taken[0] + 1, 0):,} are left before {HotlineReference(prefix, HOTLINE_MAX)}: "
                    "a hotline reference has six digits, so nothing was imported.")
            numbers[prefix] = iter(taken)
        for r in self.deferred:
            r.reference = str(HotlineReference(r.substitute_prefix, next(numbers[r.substitute_prefix])))
            r.decisions.append(L.Decision(r.access_id, "Hotline Ref", r.reference_as_stored,
                                          f"new reference {r.reference}", "reference_issued"))
        self._take(self.deferred)
        self.deferred = []

    def _refuse_if_already_imported(self, rows: list[Mapping]) -> None:
        """A database already imported whose oldest record was since deleted in Access has a new
        fingerprint; most of its rows (Access ID and reference as stored) are then already here under
        another source.  Refused, rather than every record imported a second time."""
        self.check_overlap = False
        pairs = {(r["ID"], L.reference_key(r.get("Hotline Ref"))) for r in rows}
        held = self.conn.execute(select(LR.c.access_id, LR.c.reference_key, LegacySource.file_name).join(
            LegacySource, LegacySource.id == LR.c.source_id).where(LR.c.access_id.in_([p[0] for p in pairs]))).all()
        same = [h for h in held if (h[0], h[1]) in pairs]
        if pairs and len(same) * 2 > len(pairs):
            raise LegacyFileError(
                f"{self.file_name} looks like the Access database already imported from {same[0][2]}: "
                f"{len(same)} of its first {len(pairs)} records are already here with the same Access ID and "
                "reference, but its oldest record is not (deleted in Access since?). Nothing was imported; "
                "importing it would bring those records in twice")

    def _decisions_of(self, access_id: int, reason: str) -> list[L.Decision]:
        return [L.Decision(access_id, "row", "", f"not imported: {reason}", "not_imported")]

    def _references_in_use(self, references: list[str]) -> set[str]:
        if not references:
            return set()
        if self.conn.dialect.name == "postgresql":
            return set(self.conn.scalars(_PG_IN_USE, {"refs": references}))
        return set(self.conn.scalars(select(E.c.reference).where(E.c.reference.in_(references))))

    def _reserve(self, prefix: str, n: int) -> range:
        """The next ``n`` numbers of a prefix, taken at once (one UPDATE, not one per row)."""
        if self.dry_run:
            numbers = range(self.counters.get(prefix, 0) + 1, self.counters.get(prefix, 0) + n + 1)
        else:
            numbers = repo.reserve_reference_numbers(self.s, prefix, n)
        self.counters[prefix] = numbers[-1]
        return numbers

    def _person(self, kind: str, key: str, name: str, login: str = "", team: str = "") -> int | None:
        found = self.people.get((kind, key))
        if found is None:
            found = self.conn.execute(insert(LP).values(
                source_id=self.source_id, kind=kind, key=key[:120], name=name[:120], login=login[:40], team=team[:20]
            ).returning(LP.c.id)).scalar_one()
            self.people[(kind, key)] = found
            self.new_people[kind] += 1
        return found

    def _agent(self, agent_id: int | None) -> int | None:
        if agent_id is None:
            return None
        agent = self.planner.agents.get(agent_id)
        if agent is None:
            return self._person("agent", str(agent_id), L.orphan_agent_name(agent_id))
        return self._person("agent", str(agent_id), L.text(agent.get("Full Name")) or L.text(agent.get("Login")),
                            L.text(agent.get("Login")), L.text(agent.get("Team")))

    def _completer(self, completer: tuple[str, str] | None) -> int | None:
        if completer is None:
            return None
        name, team = completer
        return self._person("completer", L.person_key(name, team), name, team=team)

    def _due(self, r: LegacyRow):
        if r.status is not EnquiryStatus.WITH_REGION:
            return None
        nation = REGION_NATION[r.region_code]
        if nation not in self.closures:
            self.closures[nation] = repo.closures_for(self.conn, nation)
        return regional_response_due(r.received_at, r.region_code, r.file_needed, self.closures[nation],
                                     channel=r.channel.value)

    def _insert(self, planned: list[LegacyRow], decided: list[list[dict]],
                meanwhile: Callable[[], None] | None = None) -> None:
        """A batch's enquiries, their name tokens and legacy_records rows (``decided``: each row's
        decisions as the report has them; ``meanwhile``: see insert_rows).  Built column by column: a
        dict of forty values per row cost more than writing the row (issue 10)."""
        with_region = EnquiryStatus.WITH_REGION
        ids = self._new_ids(len(planned))
        columns = dict(zip(_AS_PLANNED, zip(*map(_as_planned, planned))))
        deleted = [r.deleted for r in planned]
        # Worked out once per distinct value of the batch, then looked up (issue 10).
        nationalities = columns["nationality"]
        folded = {n: folded_nationality(n) for n in set(nationalities)}
        columns.update(
            id=ids, channel=[r.channel.value for r in planned], status=[r.status.value for r in planned],
            passcode_verified_at=columns["received_at"],
            nationality_folded=list(map(folded.__getitem__, nationalities)),
            due_date=[self._due(r) if r.status is with_region else None for r in planned],
            sent_to_region_at=[r.sent_to_region_at or (r.received_at if r.status is with_region else None)
                               for r in planned],
            deleted_at=[self.now if d else None for d in deleted],
            deleted_by_id=[self.system_user if d else None for d in deleted],
            deletion_reason=[L.DELETED_REASON if d else "" for d in deleted])
        insert_columns(self.conn, E, columns, same={
            "created_by_id": self.system_user, "member_id": None, "caller_kind": None, "passcode_failures": 0,
            "constituency_mp": False, "authorised_representative": False, "third_party": False,
            "identity_confirmed": False, "written_confirmation": False, "barrier_to_removal": False,
            "urgent_destination": None, "escalated_at": None, "acknowledged_at": None, "acknowledged_by_id": None,
            "completed_by_id": None, "version": 1}, meanwhile=meanwhile, schema=self.base)
        self.ids.extend(ids)
        words = list(map(name_tokens, columns["subject_name"]))
        if any(words):
            insert_columns(self.conn, T, {"enquiry_id": [i for i, w in zip(ids, words) for _ in w],
                                          "token": [t[:80] for w in words for t in w]}, schema=self.base)
        # The people in the order they first appear (new ones are numbered in that order, as row by row).
        agents = [r.agent_id for r in planned]
        agent_ids = {a: self._agent(a) for a in dict.fromkeys(agents)}
        completers = [r.completer for r in planned]
        completer_ids = {c: self._completer(c) for c in dict.fromkeys(completers)}
        stored = [r.reference_as_stored for r in planned]
        insert_columns(self.conn, LR, {
            "enquiry_id": ids, "access_id": [r.access_id for r in planned],
            "reference_as_stored": stored, "reference_key": list(map(L.reference_key, stored)),
            "mp_name": [r.mp_name for r in planned], "constituency": [r.constituency for r in planned],
            "call_agent_id": list(map(agent_ids.__getitem__, agents)),
            "completed_by_id": list(map(completer_ids.__getitem__, completers)),
            "passcode_given": [r.passcode_given for r in planned],
            "decisions": [_decisions_json(d) if d else "[]" for d in decided],
        }, same={"source_id": self.source_id}, schema=self.base)

    def _new_ids(self, n: int) -> list[int]:
        """Ids for the next ``n`` enquiries, given here rather than read back from each insert (an
        INSERT ... RETURNING per row on SQLite): PostgreSQL's sequence hands out n at once; on SQLite
        this transaction holds the write lock, so the ids after the highest are free."""
        if self.s.get_bind().dialect.name == "postgresql":
            if self.sequence is None:
                self.sequence = self.conn.scalar(_PG_SEQUENCE, {"schema": self.base})
            return list(self.conn.scalar(_PG_IDS, {"sequence": self.sequence, "n": n}))
        if self.next_id is None:
            self.next_id = (self.conn.scalar(select(func.max(E.c.id))) or 0) + 1
        first, self.next_id = self.next_id, self.next_id + n
        return list(range(first, first + n))

    # -- the end

    def put_back_triggers(self, progress: Progress = _no_progress) -> None:
        """What the name index's triggers would have written, for every enquiry of the import at once, in
        set-based statements after the rows; the indexes set aside, built again; then (SQLite) the triggers."""
        if self.fts_triggers and self.ids:
            self.conn.execute(_FTS_DOCUMENTS, {"first": min(self.ids), "last": max(self.ids)})
        analyse = self.conn.dialect.name == "postgresql" and bool(self.indexes_set_aside)
        if analyse:
            # A switchover filled near-empty tables: PostgreSQL's statistics (still those of empty tables) are
            # brought up to date in the transaction, for the name index's fill below (half its time at 50,000
            # rows) and for the desks' first queries after the commit, before autovacuum would get to it.
            # A tenth of the usual sample (3,000 rows a table, not 30,000): the row counts and the common values
            # are what those plans need, and the commit leaves the rows counted as changed since this
            # ANALYZE, so autovacuum analyses them again with the full sample soon after (issue 10).
            self.conn.execute(_PG_QUICK_STATISTICS)
            self.conn.exec_driver_sql(f"ANALYZE {self._base(E)}, {self._base(T)}")
        if self.pg_name_index and self.ids:
            self.conn.execute(_PG_FILL_MEMORY)
            for fill in pg_name_index.FILL_ENQUIRIES:
                self.conn.execute(fill, {"ids": self.ids})
        if self.indexes_set_aside:
            progress("indexing", 0, len(self.indexes_set_aside))
            bulk_indexes.put_back(self.conn, self.indexes_set_aside,
                                  lambda done, total: progress("indexing", done, total))
            self.indexes_set_aside = []
        if analyse:
            self.conn.exec_driver_sql(
                f"ANALYZE {', '.join((self._base(LR), *(pg_name_index.TABLES if self.pg_name_index else ())))}")
        for _, sql in self.fts_triggers:
            self.conn.exec_driver_sql(sql)
        self.fts_triggers = []

    def _base(self, table) -> str:
        """PostgreSQL: ``table`` named in the schema of the tables themselves (see ``base``)."""
        quote = self.conn.dialect.identifier_preparer.quote
        return f"{quote(self.base)}.{quote(table.name)}" if self.base else quote(table.name)

    def restore(self) -> None:
        if self.cache_size is not None:
            self.conn.exec_driver_sql(f"PRAGMA cache_size = {int(self.cache_size)}")

    def finish(self, reader_name: str) -> dict:
        self._issue_deferred()
        counts = self.found.counts
        not_imported = sum(self.not_imported.values())
        report = {
            "file": self.file_name, "reader": reader_name, "source": self.found.identity,
            "dry_run": self.dry_run,
            "read": self.found.read,
            "references": counts["references"], "call_type": counts["call_type"], "urgent": counts["urgent"],
            "deleted": counts["deleted"],
            "enquiries": {"imported": self.imported, "already_present": self.already,
                          "not_imported": not_imported, "not_imported_reasons": dict(self.not_imported)},
            "statuses": dict(sorted(self.statuses.items())),
            # Secondary indexes dropped for the load and built again after it (db/bulk_indexes), 0 if none.
            "indexes_rebuilt": len(self.indexes_set_aside),
            "counters": {p: {"before": self.counters_before.get(p, 0), "after": n}
                         for p, n in sorted(self.counters.items()) if n != self.counters_before.get(p, 0)},
            "legacy_people_added": dict(self.new_people),
            "decision_counts": dict(sorted(Counter(d["rule"] for d in self.decisions).items())),
            "decisions": [{**d, "look_at": d["rule"] in LOOK_AT} for d in self.decisions],
        }
        if not self.dry_run and (self.imported or self.source_id):
            who = None if self.actor else f"command line ({_os_user()})"
            audit.record(self.s, self.actor, self.now, "enquiry", None, "legacy database imported", {
                "file": self.file_name, "source": self.found.identity, "imported": self.imported,
                "already_present": self.already, "not_imported": not_imported,
                "enquiry_ids": [min(self.ids), max(self.ids)] if self.ids else [],
                "counters": report["counters"], **({"by": who} if who else {})})
        return report


def _os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name in this environment
        return "unknown"

