"""Many rows into one SQLite table at driver speed: for the legacy import's hundreds of thousands of rows.

``conn.execute(insert(table), rows)`` builds and converts a parameter set per row in Python
(SQLAlchemy's ``construct_params`` and each column type's bind processor, looked up per row):
on the Access import that was about a third of writing a row (issue 10).  ``insert_rows`` compiles
the INSERT once, looks each column's bind processor up once -- the same processor SQLAlchemy would
apply, so what is stored is identical (a UTC datetime in SQLite's text format, JSON, booleans) --
converts the values in one pass and hands the lot to the driver's ``executemany``.

The rows must all have the same keys (the first row's); keys are column names.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import Connection, Table, bindparam, insert


def insert_rows(conn: Connection, table: Table, rows: Sequence[Mapping[str, object]]) -> int:
    """Insert ``rows`` into ``table`` on ``conn`` (in its transaction); the number inserted.

    A column left out takes its default as SQLAlchemy would give it: a constant default is
    compiled into the statement's parameters once; a default computed per row (a callable or
    SQL) is not something this can give, so such a table goes through ``conn.execute``."""
    if not rows:
        return 0
    dialect = conn.dialect
    keys = list(rows[0])
    left_out = [c for c in table.c if c.key not in rows[0] and c.default is not None]
    # PostgreSQL: SQLAlchemy's "insertmanyvalues" already sends a batch as one multi-row INSERT;
    # psycopg's executemany would cost a round trip a row (measured: 3x slower).
    if dialect.name != "sqlite" or any(not c.default.is_scalar for c in left_out):
        conn.execute(insert(table), list(rows))
        return len(rows)
    compiled = insert(table).values({k: bindparam(k) for k in keys}).compile(dialect=dialect)
    names = list(compiled.positiontup) if compiled.positional else list(compiled.binds)
    steps = []
    for name in names:
        column = table.c[name]
        process = column.type.dialect_impl(dialect).bind_processor(dialect)
        if name in rows[0]:
            steps.append((name, process, None))
        else:  # a constant default: the same converted value on every row
            value = column.default.arg
            steps.append((None, None, process(value) if process else value))
    if compiled.positional:
        params: list = [tuple((p(row[k]) if p else row[k]) if k else fixed for k, p, fixed in steps)
                        for row in rows]
    else:
        params = [{name: (p(row[k]) if p else row[k]) if k else fixed for name, (k, p, fixed) in zip(names, steps)}
                  for row in rows]
    conn.exec_driver_sql(str(compiled), params)
    return len(rows)
