"""Engine set-up for the embedded SQLite default and a shared PostgreSQL server.

The URL may be text or a SQLAlchemy ``URL`` (the composition root passes one
with the password from the keyring added, so that it never sits in settings).
"""
from __future__ import annotations

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

from .sqlite_files import database_path, make_owner_only

APPLICATION_NAME = "MPEL Desk"


def make_engine(url: str | URL, *, echo: bool = False) -> Engine:
    url = make_url(url)
    if url.get_backend_name() == "sqlite":
        path = database_path(url)
        if path is not None:
            make_owner_only(path)  # before SQLite creates it with the umask's permissions
        engine = create_engine(url, echo=echo, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            # Python's sqlite3 opens transactions lazily; take over so that
            # BEGIN IMMEDIATE can serialise writers instead of failing on upgrade.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):
            # A unit of work that may write takes the write lock up front: two
            # deferred transactions upgrading to writers would fail with
            # SQLITE_BUSY at once instead of waiting their turn.
            if conn.get_execution_options().get("mpel_read_only"):
                conn.exec_driver_sql("BEGIN")
            else:
                conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    # The server's pg_stat_activity then names the desks' sessions, for the administrator.
    connect_args = ({"application_name": APPLICATION_NAME}
                    if url.get_backend_name() == "postgresql" and "application_name" not in url.query else {})
    return create_engine(url, echo=echo, pool_pre_ping=True, pool_size=5, max_overflow=10,
                         connect_args=connect_args)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False, autoflush=True)
