"""What the service commands (``mpel purge-documents``, ``mpel inbox serve``) share: opening the database."""
from __future__ import annotations

from typing import TextIO


def open_services(url: str | None, err: TextIO):
    """The services over ``url`` (default: the desk's configured database), or None with the reason on ``err``.

    A shared database is never migrated here: only ``mpel db upgrade`` does that.
    """
    if url is None:
        from .config import Settings  # Qt settings: only when no URL was given

        url = Settings().database_url
    from .app import open_database

    try:
        return open_database(url, upgrade=None)
    except Exception as exc:  # noqa: BLE001 - any failure to open is reported the same way
        print(f"mpel: cannot open the database: {' '.join(str(exc).split())}", file=err)
        return None
