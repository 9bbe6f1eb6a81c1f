"""Secondary indexes set aside for a bulk load and built again after it, inside the load's transaction.

A load of many rows into a table that holds few pays for each row's entry in every
secondary index, one by one in no one order (the legacy import: ``enquiries`` has
fifteen; issue 10).  Building an index once over the loaded table is a sort and a
sequential write instead.  So a loader that brings in more rows than a table holds
drops the table's secondary indexes at its start and creates them again at its end,
in the same transaction: both databases' DDL is transactional, so a failed or killed
load leaves every index as it was.

The definitions come from the database's own catalogue, read just before the drop
(SQLite's ``sqlite_master.sql``, PostgreSQL's ``pg_get_indexdef``): what is created
again is exactly what the migrations made, with no second list to keep in step.
Unique indexes and primary keys stay: they check the rows as they come in.  On
PostgreSQL the tables' foreign keys go too (each row's check is a query of its own,
fired per row; added again, each is checked once over the whole table, so a row
that breaks one still fails the load) and so do their own (user) triggers, which
the loader stands in for (``set_aside(..., stand_in_for=tables)``).

While the indexes are away, PostgreSQL holds the table locked against other
sessions (DROP INDEX takes its exclusive lock until the commit): desks wait for the
load and the rebuild.  It is for a switchover (the first import into a new
database), which is why ``worth_setting_aside`` asks that the load be larger than the
table.  Only the table's owner may drop its indexes on PostgreSQL; for anyone else
the indexes stay and are filled row by row as before.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import Connection, func, select, table, text

_SQLITE_INDEXES = text(
    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = :table AND sql IS NOT NULL "
    "ORDER BY name")
# Not unique, not a primary key, not backing a constraint; the name as PostgreSQL would have it
# written (qualified and quoted where the search path needs it).
_PG_INDEXES = text("""
    SELECT CAST(CAST(x.indexrelid AS regclass) AS text), pg_get_indexdef(x.indexrelid)
    FROM pg_index x
    WHERE x.indrelid = CAST(:table AS regclass) AND NOT x.indisunique AND NOT x.indisprimary
      AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid)
    ORDER BY 1""")
_PG_FOREIGN_KEYS = text("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                        "WHERE conrelid = CAST(:table AS regclass) AND contype = 'f' ORDER BY conname")
_PG_TRIGGERS = text("SELECT tgname FROM pg_trigger WHERE tgrelid = CAST(:table AS regclass) AND NOT tgisinternal "
                    "AND tgenabled <> 'D' ORDER BY tgname")
_PG_OWNS = text("SELECT pg_has_role(current_user, c.relowner, 'USAGE') FROM pg_class c "
                "WHERE c.oid = CAST(:table AS regclass)")
# Index builds sort; PostgreSQL's default 64 MB sorts a million rows' keys on disk.  For this
# transaction only.  1 GB, not 256 MB: a build in parallel shares it among its workers, and the word pairs
# of a million names (3 million rows) went to disk at 256 MB -- at 100,000 rows a tenth of the memory (the
# same shortfall) made the rebuild 22 % slower (issue 10).  A sort takes only what it needs of it.
_PG_BUILD_MEMORY = text("SELECT set_config('maintenance_work_mem', '1GB', true)")


@dataclass(frozen=True)
class SetAside:
    """One dropped index (or, on PostgreSQL, foreign key or disabled trigger): its table, its name and
    what makes it again."""

    table: str
    name: str
    definition: str
    kind: str = "index"  # or "foreign key", "trigger"

    def drop(self, conn: Connection) -> None:
        quote = conn.dialect.identifier_preparer.quote
        if self.kind == "foreign key":
            conn.exec_driver_sql(f"ALTER TABLE {quote(self.table)} DROP CONSTRAINT {quote(self.name)}")
        elif self.kind == "trigger":
            conn.exec_driver_sql(f"ALTER TABLE {quote(self.table)} DISABLE TRIGGER {quote(self.name)}")
        else:  # PostgreSQL's name comes already quoted as needed (regclass text); SQLite's is bare
            conn.exec_driver_sql(f"DROP INDEX {self.name if conn.dialect.name == 'postgresql' else quote(self.name)}")

    def make_again(self, conn: Connection) -> None:
        quote = conn.dialect.identifier_preparer.quote
        if self.kind == "foreign key":
            conn.exec_driver_sql(f"ALTER TABLE {quote(self.table)} ADD CONSTRAINT {quote(self.name)} {self.definition}")
        elif self.kind == "trigger":
            conn.exec_driver_sql(f"ALTER TABLE {quote(self.table)} ENABLE TRIGGER {quote(self.name)}")
        else:
            conn.exec_driver_sql(self.definition)


def secondary_indexes(conn: Connection, table_name: str) -> list[SetAside]:
    """The indexes of ``table_name`` a loader may drop: neither unique nor a primary key."""
    if conn.dialect.name == "postgresql":
        return [SetAside(table_name, name, sql) for name, sql in conn.execute(_PG_INDEXES, {"table": table_name})]
    return [SetAside(table_name, name, sql) for name, sql in conn.execute(_SQLITE_INDEXES, {"table": table_name})
            if not sql.lstrip().upper().startswith("CREATE UNIQUE")]


def worth_setting_aside(conn: Connection, table_name: str, incoming: int) -> bool:
    """Whether a load of ``incoming`` rows should set ``table_name``'s indexes aside: more rows coming than
    the table holds (a switchover, not a live system's top-up), and, on PostgreSQL, the login owns it."""
    if incoming <= 0:
        return False
    if conn.dialect.name == "postgresql" and not conn.scalar(_PG_OWNS, {"table": table_name}):
        return False
    held = conn.scalar(select(func.count()).select_from(table(table_name)))
    return incoming > held


def set_aside(conn: Connection, table_names: Iterable[str], *, stand_in_for: Iterable[str] = ()) -> list[SetAside]:
    """Drop the secondary indexes of the tables (and on PostgreSQL their foreign keys, and disable the own
    triggers of those in ``stand_in_for``: the caller does their work), in ``conn``'s transaction; what
    ``put_back`` needs."""
    stand_in_for = set(stand_in_for)
    dropped: list[SetAside] = []
    postgresql = conn.dialect.name == "postgresql"
    for name in table_names:
        found = secondary_indexes(conn, name)
        if postgresql:
            found += [SetAside(name, key, sql, "foreign key") for key, sql in conn.execute(
                _PG_FOREIGN_KEYS, {"table": name})]
            if name in stand_in_for:
                found += [SetAside(name, t, "", "trigger") for t in conn.scalars(_PG_TRIGGERS, {"table": name})]
        for item in found:
            item.drop(conn)
        dropped += found
    if dropped and postgresql:
        conn.execute(_PG_BUILD_MEMORY)
    return dropped


def put_back(conn: Connection, dropped: Iterable[SetAside], progress: Callable[[int, int], None] | None = None) -> None:
    """Create the dropped indexes again, as they were, then the foreign keys (checked over the whole table,
    using the indexes) and the triggers (``progress(done, total)`` after each)."""
    order = {"index": 0, "foreign key": 1, "trigger": 2}
    dropped = sorted(dropped, key=lambda item: order[item.kind])
    for done, item in enumerate(dropped, 1):
        item.make_again(conn)
        if progress is not None:
            progress(done, len(dropped))
