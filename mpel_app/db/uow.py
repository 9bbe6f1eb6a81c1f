"""Unit of work: one transaction per use case, committed whole or not at all.

Just before committing, it announces what the transaction changed
(``db.changes``: a PostgreSQL NOTIFY in the same transaction), so other desks
refresh their views; a rolled-back transaction announces nothing.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from sqlalchemy import Connection
from sqlalchemy.sql import Executable
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from ..domain.errors import StaleRecord
from . import changes


PERSON_LOGIN = "mpel_person_login"  # session.info key: True on a person's own PostgreSQL login

# deadlock_detected, serialization_failure: PostgreSQL's "this transaction lost a race; retry it".
_RETRYABLE = frozenset({"40P01", "40001"})


class UnitOfWork:
    def __init__(self, session_factory: sessionmaker[Session], *, person_login: bool = False):
        self._factory = session_factory
        # Connected to PostgreSQL as a person's own login (db_logins.signed_in_as_person): the database then
        # checks passcodes itself, and the acting user must be the login (services/actor_check.py).
        self.person_login = person_login
        changes.install(session_factory)
        engine = session_factory.kw["bind"]
        self._read_bind = engine.execution_options(mpel_read_only=True)

    @property
    def dialect(self) -> str:
        return self._read_bind.dialect.name

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A transaction that only reads: on SQLite it does not take the write lock."""
        session = self._factory(bind=self._read_bind)
        session.info[PERSON_LOGIN] = self.person_login
        try:
            yield session
        finally:
            session.rollback()
            session.close()

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """Like ``read``, on a Core connection without an ORM session: for hot paths that run Core
        statements (searches, queues), about a third of the fixed cost per call.  On PostgreSQL in
        autocommit (no BEGIN and ROLLBACK round trips): under READ COMMITTED each statement sees
        its own snapshot in or out of a transaction, so a read loses nothing by it."""
        with self._read_bind.connect() as conn:
            if conn.dialect.name == "postgresql":
                conn.execution_options(isolation_level="AUTOCOMMIT")
            yield conn

    @contextmanager
    def __call__(self) -> Iterator[Session]:
        session = self._factory()
        session.info[PERSON_LOGIN] = self.person_login
        try:
            yield session
            changes.announce(session)
            session.commit()
        except StaleDataError as exc:
            session.rollback()
            raise StaleRecord("someone else changed this record since you opened it; reopen it to see their change") from exc
        except DBAPIError as exc:
            session.rollback()
            # PostgreSQL ended this transaction to let another desk's go ahead (two desks locking the same
            # rows in different orders): nothing was saved, and doing it again will work.
            if getattr(exc.orig, "sqlstate", None) in _RETRYABLE:
                raise StaleRecord("another desk was changing the same records at the same moment; nothing "
                                  "was saved: try again") from exc
            raise
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()


def write_once(conn: Connection, statement: Executable, params: dict) -> None:
    """Write one statement on a connection from ``UnitOfWork.reading`` and commit it before returning:
    for a row that records a read (the audit row of a search) on the connection that read, with no
    second connection or ORM session.

    PostgreSQL: ``reading`` is in autocommit, so the statement is its own transaction, one round
    trip.  SQLite: the read's snapshot ends first and the write takes the lock up front (BEGIN
    IMMEDIATE, engine.py), waiting its turn: a read transaction upgraded to a write fails at once
    with SQLITE_BUSY when another desk wrote since it began.
    """
    if conn.dialect.name == "sqlite":
        conn.rollback()
        conn.execution_options(mpel_read_only=False)
    conn.execute(statement, params)
    conn.commit()
