"""Apply Alembic migrations at start-up or from `mpel db upgrade`, from absolute paths."""
from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from ..domain.errors import MpelError
from ..paths import migrations_dir


class SchemaTooNew(MpelError):
    """The database was migrated by a newer MPEL Desk than this one."""


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    cfg.attributes["engine"] = engine
    return cfg


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision(engine: Engine) -> str:
    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def check_not_newer(engine: Engine) -> None:
    """Refuse a database migrated by a newer MPEL Desk: writing to it could corrupt it."""
    current = current_revision(engine)
    if current is None:
        return
    script = ScriptDirectory.from_config(alembic_config(engine))
    try:
        known = script.get_revision(current) is not None
    except Exception:
        known = False
    if not known:
        raise SchemaTooNew(
            f"this database is at schema {current}, newer than this MPEL Desk knows; "
            "install the newer version of MPEL Desk"
        )


def upgrade(engine: Engine) -> None:
    check_not_newer(engine)
    command.upgrade(alembic_config(engine), "head")
