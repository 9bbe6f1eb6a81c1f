"""Migrations build exactly the models' schema on both databases, and a newer schema is refused."""
from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from mpel_app.db import migrate
from mpel_app.db.engine import make_engine
from mpel_app.db.models import Base


def test_migrated_schema_matches_models(db_url):
    engine = make_engine(db_url)
    migrate.upgrade(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    engine.dispose()
    assert diff == []


def test_upgrade_is_idempotent_and_reports_head(db_url):
    engine = make_engine(db_url)
    migrate.upgrade(engine)
    migrate.upgrade(engine)
    assert migrate.current_revision(engine) == migrate.head_revision(engine)
    engine.dispose()


def test_newer_database_refused(sqlite_url):
    engine = make_engine(sqlite_url)
    migrate.upgrade(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
    with pytest.raises(migrate.SchemaTooNew, match="newer"):
        migrate.upgrade(engine)
    engine.dispose()
