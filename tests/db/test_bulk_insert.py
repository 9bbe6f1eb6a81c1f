"""db.bulk.insert_rows stores exactly what SQLAlchemy's own insert stores, on both databases."""
from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import insert, select, text

from mpel_app.db.bulk import insert_rows
from mpel_app.db.models import Enquiry, LegacyRecord, LegacySource, SubjectNameToken
from tests.support.world import build_world

E = Enquiry.__table__


def _enquiry(world, reference: str, **more) -> dict:
    received = datetime(2026, 6, 30, 23, 30, 15, 123456, tzinfo=timezone.utc)  # BST: 1 July in London
    return {"reference": reference, "channel": "telephone", "status": "with_region", "received_at": received,
            "created_by_id": world.agent.id, "member_id": None, "subject_name": "Zoë O'Brien-Nguyễn",
            "subject_dob": date(1980, 2, 29), "urgent": True, "region_code": "LSE", "due_date": date(2026, 7, 8),
            "completed_at": None, "passcode_verified_at": received, **more}


def test_rows_read_back_the_same_as_through_sqlalchemy_defaults_included(services):
    world = build_world(services)
    with services.uow() as s:
        conn = s.connection()
        conn.execute(insert(E), [_enquiry(world, "MPH900001")])
        assert insert_rows(conn, E, [_enquiry(world, "MPH900002"), _enquiry(world, "MPH900003", urgent=False)]) == 2
    with services.uow.reading() as conn:
        rows = {r.reference: r._asdict() for r in conn.execute(select(E).where(E.c.reference.like("MPH9000%")))}
    one, two, three = (dict(rows[f"MPH90000{n}"]) for n in (1, 2, 3))
    for row in (one, two, three):
        del row["id"], row["reference"]
    assert two == one  # datetimes (UTC, microseconds), dates, booleans, text, and the left-out defaults
    assert two["received_at"] == datetime(2026, 6, 30, 23, 30, 15, 123456, tzinfo=timezone.utc)
    assert two["version"] == 1 and two["question"] == "" and two["passcode_failures"] == 0
    assert three["urgent"] is False and three["subject_dob"] == date(1980, 2, 29)


def test_a_json_text_column_and_a_table_of_few_columns(services):
    world = build_world(services)
    with services.uow() as s:
        s.add(LegacySource(id=7, identity="x" * 64, file_name="mpel.mdb",
                           first_imported_at=datetime(2026, 1, 1, tzinfo=timezone.utc)))
        s.flush()
        conn = s.connection()
        (enquiry_id,) = conn.execute(insert(E).returning(E.c.id), [_enquiry(world, "MPH900010")]).scalars()
        insert_rows(conn, LegacyRecord.__table__, [
            {"enquiry_id": enquiry_id, "source_id": 7, "access_id": 42, "decisions": '[{"field": "Hotline Ref"}]'}])
        assert insert_rows(conn, LegacyRecord.__table__, []) == 0
    with services.uow.reading() as conn:
        record = conn.execute(select(LegacyRecord.__table__)).one()
    assert (record.access_id, record.decisions, record.mp_name, record.passcode_given) == (
        42, '[{"field": "Hotline Ref"}]', "", False)


def test_name_tokens_through_copy_read_back_as_written(services):
    """PostgreSQL takes the rows by COPY (SQLite by executemany): keys of the search index, accents folded."""
    world = build_world(services)
    tokens = SubjectNameToken.__table__
    with services.uow() as s:
        conn = s.connection()
        (enquiry_id,) = conn.execute(insert(E).returning(E.c.id), [_enquiry(world, "MPH900030")]).scalars()
        assert insert_rows(conn, tokens, [{"enquiry_id": enquiry_id, "token": t}
                                          for t in ("zoe", "o", "brien", "nguyen", "tab\there", "back\\slash")]) == 6
    with services.uow.reading() as conn:
        stored = set(conn.scalars(select(tokens.c.token).where(tokens.c.enquiry_id == enquiry_id)))
    assert stored == {"zoe", "o", "brien", "nguyen", "tab\there", "back\\slash"}


def test_on_postgresql_rows_go_as_inserts_where_row_security_applies(pg_cluster, clock):
    """PostgreSQL refuses COPY FROM into a table whose row-level security applies to the current role
    (an administrator's own login on the shared database): there the rows go as INSERTs, checked by
    the policies, in the same transaction."""
    from mpel_app.app import open_database
    from mpel_app.db import pg_roles
    from mpel_app.domain.records import Role

    tokens = SubjectNameToken.__table__
    with pg_cluster.temporary_database(prefix="mpel_bulk_rls") as url:
        services = open_database(url, clock=clock)
        try:
            world = build_world(services)
            with services.uow() as s:
                conn = s.connection()
                (enquiry_id,) = conn.execute(insert(E).returning(E.c.id), [_enquiry(world, "MPH900040")]).scalars()
                conn.execute(text(f"SET LOCAL ROLE {pg_roles.GROUPS[Role.ADMINISTRATOR]}"))
                assert conn.scalar(text("SELECT row_security_active('subject_name_tokens')")) is True
                assert insert_rows(conn, tokens, [{"enquiry_id": enquiry_id, "token": "zzrls"},
                                                  {"enquiry_id": enquiry_id, "token": "zzrlt"}]) == 2
                conn.execute(text("RESET ROLE"))
            with services.uow.reading() as conn:
                assert set(conn.scalars(select(tokens.c.token).where(tokens.c.enquiry_id == enquiry_id))) == {
                    "zzrls", "zzrlt"}
        finally:
            services.close()


def test_columns_with_constants_and_repeated_instants_read_back_as_through_sqlalchemy(services):
    """insert_columns: values by column, constants of every kind (written into SQLite's statement or bound),
    and instants repeated across rows and columns (converted once each) read back as SQLAlchemy's insert."""
    from mpel_app.db.bulk import insert_columns

    world = build_world(services)
    at = datetime(2026, 10, 25, 0, 30, tzinfo=timezone.utc)  # the night the clocks go back
    later = datetime(2026, 10, 25, 1, 30, tzinfo=timezone.utc)
    same = {"created_by_id": world.agent.id, "member_id": None, "urgent": True, "caller_name": "O'Hara",
            "escalated_at": later, "version": 3}
    with services.uow() as s:
        conn = s.connection()
        conn.execute(insert(E), [{**_enquiry(world, f"MPH90002{i}", received_at=t, passcode_verified_at=t,
                                             completed_at=at), **same} for i, t in enumerate((at, later, at))])
        insert_columns(conn, E, {
            "reference": ["MPH900030", "MPH900031", "MPH900032"], "channel": ["telephone"] * 3,
            "status": ["with_region"] * 3, "received_at": [at, later, at], "passcode_verified_at": [at, later, at],
            "completed_at": [at] * 3, "subject_name": ["Zoë O'Brien-Nguyễn"] * 3, "subject_dob": [date(1980, 2, 29)] * 3,
            "region_code": ["LSE"] * 3, "due_date": [date(2026, 7, 8)] * 3}, same=same)
    with services.uow.reading() as conn:
        rows = {r.reference: r._asdict() for r in conn.execute(select(E).where(E.c.reference.like("MPH9000%")))}
    for n in range(3):
        mine, theirs = dict(rows[f"MPH90003{n}"]), dict(rows[f"MPH90002{n}"])
        for row in (mine, theirs):
            del row["id"], row["reference"]
        assert mine == theirs
    assert rows["MPH900031"]["received_at"] == later and rows["MPH900030"]["caller_name"] == "O'Hara"
    assert rows["MPH900030"]["version"] == 3 and rows["MPH900030"]["member_id"] is None


def test_flags_and_dates_converted_once_per_value_whatever_their_python_type(services):
    """insert_columns converts each distinct value once: flags given as bool and as 0/1 in one column (1 equals
    True, but is another Python type), and dates repeated across rows, read back as SQLAlchemy's insert."""
    from mpel_app.db.bulk import insert_columns

    world = build_world(services)
    flags = [True, 1, False, 0, True]
    dobs = [date(1980, 2, 29), None, date(1980, 2, 29), date(1975, 1, 1), None]
    with services.uow() as s:
        conn = s.connection()
        conn.execute(insert(E), [_enquiry(world, f"MPH90005{i}", urgent=f, file_needed=f, subject_dob=d)
                                 for i, (f, d) in enumerate(zip(flags, dobs))])
        insert_columns(conn, E, {
            "reference": [f"MPH90006{i}" for i in range(5)], "channel": ["telephone"] * 5,
            "status": ["with_region"] * 5, "received_at": [_enquiry(world, "")["received_at"]] * 5,
            "urgent": flags, "file_needed": [bool(f) for f in flags], "subject_dob": dobs,
        }, same={"created_by_id": world.agent.id})
    with services.uow.reading() as conn:
        rows = {r.reference: r for r in conn.execute(select(E).where(E.c.reference.like("MPH9000%")))}
    for i, flag in enumerate(flags):
        mine, theirs = rows[f"MPH90006{i}"], rows[f"MPH90005{i}"]
        expected = (bool(flag), bool(flag), dobs[i])
        assert (mine.urgent, mine.file_needed, mine.subject_dob) == expected
        assert (theirs.urgent, theirs.file_needed, theirs.subject_dob) == expected
