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

The rows must all have the same keys (the first row's); keys are column names.  ``schema`` names
the table's schema on PostgreSQL, for a loader that must reach the table itself where a person's
login would reach the desk's view of it (db/pg_desk_view.py).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from itertools import repeat
from operator import itemgetter

from sqlalchemy import Connection, Table, insert, text

_ROW_SECURITY = text("SELECT row_security_active(CAST(:table AS regclass))")


def insert_rows(conn: Connection, table: Table, rows: Sequence[Mapping[str, object]],
                same: Mapping[str, object] | None = None, *, meanwhile: Callable[[], None] | None = None,
                schema: str | None = None) -> int:
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
    keys = list(rows[0])
    # The rows taken apart column by column by itemgetter and zip, in C, rather than a Python step per value.
    columns = list(zip(*map(itemgetter(*keys), rows))) if len(keys) > 1 else [[r[keys[0]] for r in rows]]
    return insert_columns(conn, table, dict(zip(keys, columns)), same, meanwhile=meanwhile, schema=schema)


def insert_columns(conn: Connection, table: Table, columns: Mapping[str, Sequence[object]],
                   same: Mapping[str, object] | None = None, *, meanwhile: Callable[[], None] | None = None,
                   schema: str | None = None) -> int:
    """``insert_rows`` for rows given column by column (``columns``: name -> the rows' values, all as long):
    a loader that has its values by column saves building a dict per row."""
    n = len(next(iter(columns.values()))) if columns else 0
    if not n:
        return 0
    dialect = conn.dialect
    same = dict(same or {})
    keys = list(columns)
    quote = dialect.identifier_preparer.quote
    postgresql = dialect.name == "postgresql"
    target = f"{quote(schema)}.{quote(table.name)}" if schema and postgresql else quote(table.name)
    left_out = [c for c in table.c if c.key not in columns and c.key not in same and c.default is not None]
    if any(not c.default.is_scalar for c in left_out) or (
            postgresql and conn.scalar(_ROW_SECURITY, {"table": target})):
        conn.execute(insert(table), [{**dict(zip(keys, row)), **same} for row in zip(*columns.values())],
                     execution_options={"schema_translate_map": {None: schema}} if schema and postgresql else None)
        if meanwhile is not None:
            meanwhile()
        return n
    same.update((c.key, c.default.arg) for c in left_out)

    def processor(name: str):
        return table.c[name].type.dialect_impl(dialect).bind_processor(dialect)

    # Each column's processor applied once per distinct value.  Dates and instants repeat within a batch (a
    # row's time of receipt is its passcode time too, completions fall at the start of a day), flags take
    # two values: converted once each, shared by the columns of one type.
    memos: dict[tuple, dict] = {}
    converted: list = []
    for name in keys:
        values, process = columns[name], processor(name)
        if process is None:
            converted.append(values)
            continue
        # One memo per column type as written (its processor) and per Python type of the values: a value
        # that equals one of another type (True and 1, 1 and Decimal("1.00")) must not take its result.
        kinds = set(map(type, values))
        kinds.discard(type(None))
        if len(kinds) > 1:
            converted.append(list(map(process, values)))
        else:
            converted.append(_memoised(values, process, memos.setdefault((repr(table.c[name].type), *kinds), {})))
    constants = {}
    for name, value in same.items():
        process = processor(name)
        constants[name] = process(value) if process else value
    if postgresql:
        converted += [repeat(value, n) for value in constants.values()]
        _copy(conn, target, keys + list(constants), list(zip(*converted)), meanwhile)
    else:
        _execute_many(conn, table, keys, list(zip(*converted)), constants)
        if meanwhile is not None:
            meanwhile()
    return n


def _memoised(values: Sequence, process: Callable, memo: dict) -> list:
    """``process`` mapped over ``values``, called once per distinct value (kept in ``memo``); the values
    looked up in C (``map``) rather than a Python step each: 5 time and 6 flag columns of every row."""
    try:
        fresh = set(values).difference(memo)
    except TypeError:  # a value that cannot be a key: each converted on its own
        return list(map(process, values))
    for value in fresh:
        memo[value] = process(value)
    return list(map(memo.__getitem__, values))


def _execute_many(conn: Connection, table: Table, names: list[str], params: list[tuple],
                  constants: Mapping[str, object]) -> None:
    """SQLite: one INSERT naming the columns in the order of ``params`` (qmark style), for executemany; the
    constants (NULL, numbers) written into the statement once rather than bound on every row."""
    quote = conn.dialect.identifier_preparer.quote
    inline = {name: _literal(value) for name, value in constants.items()}
    bound = {name: value for name, value in constants.items() if inline[name] is None}
    if bound:
        params = [row + tuple(bound.values()) for row in params]
    values = ["?"] * len(names) + [inline[n] or "?" for n in inline if n not in bound] + ["?"] * len(bound)
    columns = names + [n for n in inline if n not in bound] + list(bound)
    statement = (f"INSERT INTO {quote(table.name)} ({', '.join(quote(n) for n in columns)}) "
                 f"VALUES ({', '.join(values)})")
    conn.exec_driver_sql(statement, params)


def _literal(value: object) -> str | None:
    """A constant as SQL text, or None when it is bound instead (text: no quoting to get wrong)."""
    if value is None:
        return "NULL"
    if isinstance(value, (bool, int)):
        return str(int(value))
    return None


def _copy(conn: Connection, target: str, names: list[str], params: list[tuple],
          meanwhile: Callable[[], None] | None) -> None:
    """COPY into ``target`` (the table's name, quoted and qualified as needed)."""
    quote = conn.dialect.identifier_preparer.quote
    statement = f"COPY {target} ({', '.join(quote(n) for n in names)}) FROM STDIN"
    # The DBAPI connection under this Connection: the COPY runs inside the same transaction.  An
    # exception inside the block ends the COPY as failed (psycopg) and is raised as it was.
    with conn.connection.driver_connection.cursor() as cursor, cursor.copy(statement) as copy:
        for row in params:
            copy.write_row(row)
        if meanwhile is not None:
            meanwhile()
