"""The embedded SQLite desk's files are its owner's alone (issue 19): 0600 files in a 0700 folder, on POSIX."""
from __future__ import annotations

import os
import stat

import pytest

from mpel_app import paths
from mpel_app.app import open_database
from tests.support.world import build_world

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX permissions (Windows: see db/sqlite_files.py)")


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def open_umask():
    old = os.umask(0o022)  # the usual desktop umask: files 0644 unless the desk says otherwise
    try:
        yield
    finally:
        os.umask(old)


def test_a_new_database_and_its_wal_files_are_owner_only(tmp_path, open_umask):
    db = tmp_path / "desk.sqlite3"
    services = open_database(f"sqlite:///{db}")
    try:
        build_world(services)  # writes: the -wal and -shm files exist now
        for suffix in ("", "-wal", "-shm"):
            assert os.path.exists(f"{db}{suffix}"), suffix
            assert mode(f"{db}{suffix}") == 0o600, suffix
    finally:
        services.close()


def test_an_existing_readable_database_is_tightened(tmp_path, open_umask):
    db = tmp_path / "old.sqlite3"
    services = open_database(f"sqlite:///{db}")
    services.close()
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(f"{db}{suffix}"):
            os.chmod(f"{db}{suffix}", 0o644)
    services = open_database(f"sqlite:///{db}")
    try:
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(f"{db}{suffix}"):
                assert mode(f"{db}{suffix}") == 0o600, suffix
    finally:
        services.close()


def test_the_user_data_folder_is_owner_only(tmp_path, monkeypatch, open_umask):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))
    folder = paths.user_data()
    assert folder.is_relative_to(tmp_path) and mode(folder) == 0o700
    folder.chmod(0o755)  # made by an older desk
    assert mode(paths.user_data()) == 0o700
