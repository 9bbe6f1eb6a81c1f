"""The acting user re-checked against the database's own login (issue 19), not trusted as handed in.

On a person's own PostgreSQL login the services would otherwise believe the
``UserRecord`` a desk passes them: a process that does
``dataclasses.replace(agent, roles={ADMINISTRATOR})`` could then get a service
to do for it what only the claimed role may, wherever the database's grants
happen to allow it (a call agent may UPDATE enquiries, so could "send one to
a region").  So every transaction that writes (each is audited: ``audit``
calls ``require_signed_in_as``), and every change to an enquiry before it
starts, compares the record with the ``users`` row of ``session_user``: the
same account, the same roles and region, still active.  An account changed
since its person signed in (an administrator moved them to another region)
is told to sign in again.  SQLite and a shared-role deployment: nothing to
compare, no check (the services' own checks stand alone there).

Reads are checked too (``read``, ``reading``: the unit of work's two ways to
read, with the check first): a record claiming the administrator's roles must
not get a service to show what the login's own roles may not see, even where
the database's grants happen to allow the raw rows.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from ..db.uow import PERSON_LOGIN, UnitOfWork
from ..domain.errors import PermissionDenied
from ..domain.records import UserRecord

_CHECKED = "mpel_actor_checked"  # session.info: the actor ids already compared in this transaction


_LOGIN_ROW = text("SELECT id, username, roles, region_code, active FROM users WHERE username = session_user")


@contextmanager
def read(uow: UnitOfWork, actor: UserRecord | None) -> Iterator[Session]:
    """``uow.read()``, refused first unless ``actor`` is the login's own account."""
    with uow.read() as session:
        require_signed_in_as(session, actor)
        yield session


@contextmanager
def reading(uow: UnitOfWork, actor: UserRecord | None) -> Iterator[Connection]:
    """``uow.reading()`` (a Core connection), refused first unless ``actor`` is the login's own account."""
    with uow.reading() as conn:
        if actor is not None and uow.person_login:
            _compare(conn.execute(_LOGIN_ROW).first(), actor)
        yield conn


def require_signed_in_as(session: Session, actor: UserRecord | None) -> None:
    """Refuse ``actor`` unless it is the account of the database login this session runs as."""
    if actor is None or not session.info.get(PERSON_LOGIN):
        return
    checked = session.info.setdefault(_CHECKED, {})
    key = (actor.id, actor.username, actor.roles, actor.region_code)
    if key in checked:
        return
    with session.no_autoflush:  # nothing of the change may reach the database before the check
        row = session.execute(_LOGIN_ROW).first()
    _compare(row, actor)
    checked[key] = True


def _compare(row, actor: UserRecord) -> None:
    if row is None or row.id != actor.id or row.username != actor.username:
        raise PermissionDenied(f"this desk is signed in to the database as {row.username if row else 'someone'}"
                               f", not as {actor.username}: it cannot act for another account")
    roles = frozenset(r.value for r in actor.roles)
    if not row.active or frozenset(filter(None, row.roles.split(","))) != roles or row.region_code != actor.region_code:
        raise PermissionDenied("your account was changed by an administrator since you signed in (roles, region "
                               "or deactivation): sign in again")
