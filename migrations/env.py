"""Alembic environment: runs on the engine MPEL Desk hands over (or a URL from -x url=...)."""
from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from mpel_app.db.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    engine = config.attributes.get("engine")
    if engine is None:
        url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option("sqlalchemy.url")
        engine = create_engine(url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


if context.is_offline_mode():
    raise SystemExit("MPEL Desk migrations run online only: use `mpel db upgrade`")
run_migrations_online()
