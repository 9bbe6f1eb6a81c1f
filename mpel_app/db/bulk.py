"""Many rows into one table at driver speed: for the legacy import's hundreds of thousands of rows.

``conn.execute(insert(table), rows)`` builds and converts a parameter set per row in Python
(SQLAlchemy's ``construct_params`` and each column type's bind processor, looked up per row):
on the Access import that was about a third of writing a row (issue 10).  ``insert_rows`` looks
each column's bind processor up once -- the same processor SQLAlchemy would apply, so what is
stored is identical (a UTC datetime in SQLite's text format, JSON, booleans) -- converts the
values in one pass and hands the lot to the driver:

* SQLite: one INSERT through the driver's ``executemany``;
* PostgreSQL: ``COPY ... FROM STDIN`` through psycopg's ``cursor.copy()`` in the same transaction,
  which sends the rows as one stream instead of statements of bound parameters.  PostgreSQL refuses
  COPY FROM into a table whose row-level security applies to the current role (a desk's login on
  the shared database, pg_roles.POLICIES); there the rows go as SQLAlchemy's multi-row INSERT, so
  the policies still check every row.

The rows must all have the same keys (the first row's); keys are column names.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from itertools import repeat
from operator import itemgetter

from sqlalchemy import Connection, Table, insert, text

_ROW_SECURITY = text("SELECT row_security_active(CAST(:table AS regclass))")


def insert_rows(conn: Connection, table: Table, rows: Sequence[Mapping[str, object]],
                same: Mapping[str, object] | None = None, *, meanwhile: Callable[[], None] | None = None) -> int:
    """Insert ``rows`` into ``table`` on ``conn`` (in its transaction); the number inserted.

    ``same``: values that are the same on every row (a loader's constants), converted once.
    ``meanwhile``: work that needs no database, called once the rows are sent and before waiting for
    PostgreSQL to have taken them all (COPY's end), so the client's work and the server's overlap;
    elsewhere after the insert.  An exception it raises is raised as it was.
    A column left out takes its default as SQLAlchemy would give it: a constant default is
    sent with every row (converted once); a default computed per row (a callable or SQL) is
    not something this can give, so such a table goes through ``conn.execute``."""
    if not rows:
        return 0
    dialect = conn.dialect
    same = dict(same or {})
    keys = list(rows[0])
    left_out = [c for c in table.c if c.key not in rows[0] and c.key not in same and c.default is not None]
    if any(not c.default.is_scalar for c in left_out) or (
            dialect.name == "postgresql" and conn.scalar(_ROW_SECURITY, {"table": table.name})):
        conn.execute(insert(table), [{**row, **same} for row in rows])
        if meanwhile is not None:
            meanwhile()
        return len(rows)
    same.update((c.key, c.default.arg) for c in left_out)

    def processor(name: str):
        return table.c[name].type.dialect_impl(dialect).bind_processor(dialect)

    # Column by column: each column's processor mapped over its values, the rows taken apart and put
    # together again by itemgetter and zip, in C, rather than a Python step per value.
    columns: list = list(zip(*map(itemgetter(*keys), rows))) if len(keys) > 1 else [[r[keys[0]] for r in rows]]
    for i, name in enumerate(keys):
        process = processor(name)
        if process is not None:
            columns[i] = list(map(process, columns[i]))
    for name, value in same.items():
        process = processor(name)
        columns.append(repeat(process(value) if process else value, len(rows)))
    names = keys + list(same)
    params = list(zip(*columns))
    if dialect.name == "postgresql":
        _copy(conn, table, names, params, meanwhile)
    else:
        _execute_many(conn, table, names, params)
        if meanwhile is not None:
            meanwhile()
    return len(rows)


def _execute_many(conn: Connection, table: Table, names: list[str], params: list[tuple]) -> None:
    """SQLite: one INSERT naming the columns in the order of ``params`` (qmark style), for executemany."""
    quote = conn.dialect.identifier_preparer.quote
    statement = (f"INSERT INTO {quote(table.name)} ({', '.join(quote(n) for n in names)}) "
                 f"VALUES ({', '.join('?' * len(names))})")
    conn.exec_driver_sql(statement, params)


def _copy(conn: Connection, table: Table, names: list[str], params: list[tuple],
          meanwhile: Callable[[], None] | None) -> None:
    quote = conn.dialect.identifier_preparer.quote
    statement = f"COPY {quote(table.name)} ({', '.join(quote(n) for n in names)}) FROM STDIN"
    # The DBAPI connection under this Connection: the COPY runs inside the same transaction.  An
    # exception inside the block ends the COPY as failed (psycopg) and is raised as it was.
    with conn.connection.driver_connection.cursor() as cursor, cursor.copy(statement) as copy:
        for row in params:
            copy.write_row(row)
        if meanwhile is not None:
            meanwhile()
