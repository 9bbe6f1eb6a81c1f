"""Unit of work: one transaction per use case, committed whole or not at all."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from ..domain.errors import StaleRecord


class UnitOfWork:
    def __init__(self, session_factory: sessionmaker[Session]):
        self._factory = session_factory
        engine = session_factory.kw["bind"]
        self._read_bind = engine.execution_options(mpel_read_only=True)

    @property
    def dialect(self) -> str:
        return self._read_bind.dialect.name

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A transaction that only reads: on SQLite it does not take the write lock."""
        session = self._factory(bind=self._read_bind)
        try:
            yield session
        finally:
            session.rollback()
            session.close()

    @contextmanager
    def __call__(self) -> Iterator[Session]:
        session = self._factory()
        try:
            yield session
            session.commit()
        except StaleDataError as exc:
            session.rollback()
            raise StaleRecord("someone else changed this record since you opened it; reopen it to see their change") from exc
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()
