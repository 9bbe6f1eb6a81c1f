"""Apply Alembic migrations at start-up or from `mpel db upgrade`, from absolute paths, and say where a schema stands.

Who migrates (the policy ``migrates_at_start`` states):

* the **embedded SQLite** database belongs to one desk, so the desk upgrades
  it itself at start-up, as before;
* a **shared PostgreSQL** database is never migrated by a desk starting up:
  an administrator runs ``mpel db upgrade`` once, at a time they choose, with
  a role allowed to change the schema.  A desk that finds the schema older than
  it needs refuses with ``SchemaTooOld`` and says so, rather than altering a
  database that desks still running the previous version are using.

Either way a database newer than the code is refused (``SchemaTooNew``):
writing to it could corrupt it.

Most starts find the schema already at this MPEL Desk's head.  That is
checked first with one query and the head named by the migration files
(``expected_head``), without importing Alembic, which costs about a tenth of
a second at every start (issue 5).  Alembic is imported and run only when the
schema is older, newer, empty or otherwise not plainly at the head.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from ..domain.errors import MpelError
from ..paths import migrations_dir

if TYPE_CHECKING:
    from alembic.config import Config

UPGRADE_COMMAND = "mpel db upgrade"


class SchemaError(MpelError):
    """The database's schema does not fit this MPEL Desk; ``status`` says where it stands."""

    def __init__(self, message: str, status: SchemaStatus | None = None):
        super().__init__(message)
        self.status = status


class SchemaTooNew(SchemaError):
    """The database was migrated by a newer MPEL Desk than this one."""


class SchemaTooOld(SchemaError):
    """A shared database whose schema is older than this MPEL Desk needs: an administrator must upgrade it."""


@dataclass(frozen=True)
class SchemaStatus:
    """Where a database's schema stands against this MPEL Desk's migrations."""

    current: str | None  # None: no MPEL Desk schema at all (an empty database)
    head: str
    state: str  # "current", "older", "newer" or "empty"

    @property
    def usable(self) -> bool:
        return self.state == "current"


# A migration file is named ``<revision>_<what it does>.py``, the revision a zero-padded number
# one higher than the one it revises (tests/db/test_fast_schema_check.py holds this).
_MIGRATION_FILE = re.compile(r"(?P<revision>[0-9]+)_[A-Za-z0-9_]+\.py")


def expected_head() -> str | None:
    """This MPEL Desk's schema head read from the migration files' names, without Alembic.

    The highest revision number among ``migrations/versions/*.py``; None when a
    file there breaks the naming convention, so that nothing is assumed and
    Alembic is asked instead.
    """
    revisions = []
    for path in (migrations_dir() / "versions").glob("*.py"):
        found = _MIGRATION_FILE.fullmatch(path.name)
        if found is None:
            if path.name.startswith("__"):  # __init__.py: not a migration
                continue
            return None
        revisions.append(found["revision"])
    return max(revisions, key=int, default=None)


def stored_revisions(engine: Engine) -> list[str] | None:
    """The revisions the database's ``alembic_version`` table holds (one query); None without that table.

    A failure to connect is raised, as Alembic would; only the query's failure
    (no such table: an empty database) means None.
    """
    with engine.connect() as conn:
        conn.execution_options(mpel_read_only=True)  # SQLite: a plain BEGIN, not the writers' lock
        try:
            return [row[0] for row in conn.exec_driver_sql("SELECT version_num FROM alembic_version")]
        except DBAPIError:
            return None


def at_head(engine: Engine) -> bool:
    """True when the database is plainly at this MPEL Desk's head, found without importing Alembic."""
    head = expected_head()
    return head is not None and stored_revisions(engine) == [head]


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    cfg.attributes["engine"] = engine
    return cfg


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision(engine: Engine) -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def migrates_at_start(engine: Engine) -> bool:
    """True where a desk upgrades the schema itself at start-up: the embedded SQLite database only."""
    return engine.dialect.name == "sqlite"


def schema_status(engine: Engine) -> SchemaStatus:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config(engine))
    head = script.get_current_head()
    current = current_revision(engine)
    if current is None:
        return SchemaStatus(None, head, "empty")
    if current == head:
        return SchemaStatus(current, head, "current")
    try:
        known = script.get_revision(current) is not None
    except Exception:
        known = False
    return SchemaStatus(current, head, "older" if known else "newer")


def _too_new(status: SchemaStatus) -> SchemaTooNew:
    return SchemaTooNew(
        f"this database is at schema {status.current}, newer than this MPEL Desk knows; "
        "install the newer version of MPEL Desk", status)


def check_not_newer(engine: Engine) -> None:
    """Refuse a database migrated by a newer MPEL Desk: writing to it could corrupt it."""
    if at_head(engine):
        return
    status = schema_status(engine)
    if status.state == "newer":
        raise _too_new(status)


def check_current(engine: Engine) -> None:
    """Refuse a database this MPEL Desk cannot use as it is: newer than the code, or not yet upgraded."""
    if at_head(engine):
        return
    status = schema_status(engine)
    if status.state == "newer":
        raise _too_new(status)
    if status.state == "empty":
        raise SchemaTooOld(
            f"this database has no MPEL Desk schema yet (this version needs schema {status.head}); "
            f"an administrator must run `{UPGRADE_COMMAND}` before desks can use it", status)
    if status.state == "older":
        raise SchemaTooOld(
            f"this database is at schema {status.current}, older than this MPEL Desk needs ({status.head}); "
            f"an administrator must run `{UPGRADE_COMMAND}` before desks can use it", status)


def upgrade(engine: Engine) -> None:
    """Migrate to this MPEL Desk's head; nothing to do (and no Alembic) when the database is there already."""
    if at_head(engine):
        return
    status = schema_status(engine)
    if status.state == "newer":
        raise _too_new(status)
    from alembic import command

    command.upgrade(alembic_config(engine), "head")
