"""Queries that return domain records, and the counters references come from; shared by services and benchmarks."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Select, and_, exists, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ..domain.records import Channel, EnquiryStatus, EnquirySummary, SearchKey
from ..domain.text import fold, name_tokens, normalise_reference
from .models import ClosureDay, CtsCounter, Enquiry, Member, ReferenceCounter, SubjectNameToken

SEARCH_LIMIT = 200


def reserve_numbers(session: Session, counter: type, key: dict[str, object], count: int = 1, *,
                    create: bool = False) -> range:
    """Take the next `count` numbers of one counter row inside the caller's transaction.

    `counter` is a model with a `last_number` column; `key` picks its row.  The
    UPDATE locks the row until commit (PostgreSQL) or holds the database write
    lock (SQLite), so two desks can never get the same number; a rolled-back
    transaction gives its numbers back, so failures leave no gaps.  With
    `create`, a missing row is first inserted at 0 (INSERT ... ON CONFLICT DO
    NOTHING, so two desks starting a new year at once do not collide).
    """
    if count < 0:
        raise ValueError(f"count must be 0 or more, got {count}")
    if create:
        insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        session.execute(insert(counter).values(**key, last_number=0).on_conflict_do_nothing())
    last = session.execute(
        update(counter).where(*(getattr(counter, k) == v for k, v in key.items()))
        .values(last_number=counter.last_number + count)
        .returning(counter.last_number)
    ).scalar_one_or_none()
    if last is None:
        raise ValueError(f"no {counter.__tablename__} row for {key}")
    return range(last - count + 1, last + 1)


def reserve_reference_numbers(session: Session, prefix: str, count: int = 1) -> range:
    """Take the next `count` hotline numbers for a prefix (see `reserve_numbers`)."""
    try:
        return reserve_numbers(session, ReferenceCounter, {"prefix": prefix}, count)
    except ValueError:
        raise ValueError(f"no reference counter for prefix {prefix}") from None


def reserve_cts_number(session: Session, letter: str, year: int) -> int:
    """The next CTS sequence number for reference letter M or B in `year` (four digits)."""
    return reserve_numbers(session, CtsCounter, {"letter": letter, "year": year}, create=True)[0]


def next_reference_number(session: Session, prefix: str) -> int:
    return reserve_reference_numbers(session, prefix)[0]


def replace_name_tokens(session: Session, enquiry: Enquiry) -> None:
    session.query(SubjectNameToken).filter(SubjectNameToken.enquiry_id == enquiry.id).delete()
    for token in name_tokens(enquiry.subject_name):
        session.add(SubjectNameToken(enquiry_id=enquiry.id, token=token[:80]))


def closures_for(session: Session, nation: str) -> list[date]:
    return list(session.scalars(select(ClosureDay.day).where(ClosureDay.nation.in_((nation, "ALL")))))


def _prefix_range(column, prefix: str):
    """column starts with prefix, as an index range scan on both databases."""
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return and_(column >= prefix, column < upper)


_SUMMARY_COLUMNS = (
    Enquiry.id, Enquiry.reference, Enquiry.channel, Enquiry.status, Enquiry.received_at, Member.name,
    Enquiry.subject_name, Enquiry.nationality, Enquiry.ho_reference, Enquiry.cts_reference,
    Enquiry.region_code, Enquiry.due_date, Enquiry.acknowledged_at, Enquiry.file_needed, Enquiry.urgent,
)


def summary_select() -> Select:
    return (select(*_SUMMARY_COLUMNS).select_from(Enquiry)
            .outerjoin(Member, Member.id == Enquiry.member_id)
            .where(Enquiry.deleted_at.is_(None)))


def summaries(session: Session, stmt: Select) -> list[EnquirySummary]:
    return [
        EnquirySummary(id=r[0], reference=r[1], channel=Channel(r[2]), status=EnquiryStatus(r[3]),
                       received_at=r[4], member_name=r[5] or "", subject_name=r[6], nationality=r[7],
                       ho_reference=r[8], cts_reference=r[9], region_code=r[10], due_date=r[11],
                       acknowledged=r[12] is not None, file_needed=r[13], urgent=r[14])
        for r in session.execute(stmt)
    ]


def search_statement(key: SearchKey, text: str, limit: int = SEARCH_LIMIT) -> Select | None:
    """The query for one search key, or None when the text cannot match anything."""
    stmt = summary_select()
    if key is SearchKey.REFERENCE:
        return stmt.where(Enquiry.reference == normalise_reference(text)).limit(limit)
    if key is SearchKey.HO_REFERENCE:
        value = normalise_reference(text)
        return stmt.where(Enquiry.ho_reference == value).order_by(Enquiry.received_at.desc(), Enquiry.id.desc()).limit(limit) if value else None
    if key is SearchKey.CTS_REFERENCE:
        value = normalise_reference(text)
        return stmt.where(Enquiry.cts_reference == value).order_by(Enquiry.received_at.desc(), Enquiry.id.desc()).limit(limit) if value else None
    if key is SearchKey.NATIONALITY:
        value = fold(text)
        return stmt.where(Enquiry.nationality_folded == value).order_by(Enquiry.received_at.desc(), Enquiry.id.desc()).limit(limit) if value else None
    if key is SearchKey.SUBJECT_NAME:
        tokens = name_tokens(text)
        if not tokens:
            return None
        # Every word typed must begin some word of the name: "zoe nun" finds "Zoë Núñez".
        for token in tokens:
            stmt = stmt.where(exists().where(
                SubjectNameToken.enquiry_id == Enquiry.id, _prefix_range(SubjectNameToken.token, token)))
        return stmt.order_by(Enquiry.received_at.desc(), Enquiry.id.desc()).limit(limit)
    raise ValueError(f"unknown search key {key!r}")


def region_queue_statement(region_code: str) -> Select:
    return (summary_select()
            .where(Enquiry.region_code == region_code, Enquiry.status == EnquiryStatus.WITH_REGION.value)
            .order_by(Enquiry.due_date, Enquiry.id))


def further_action_statement() -> Select:
    return (summary_select().where(Enquiry.status == EnquiryStatus.FURTHER_ACTION.value)
            .order_by(Enquiry.received_at, Enquiry.id))
