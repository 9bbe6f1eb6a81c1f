"""`mpel purge-documents` reaches the purge command through the main entry point."""
from __future__ import annotations

import getpass

from mpel_app import __main__ as entry
from tests.support.world import PASSWORD, build_world


def test_purge_documents_dry_run_through_mpel(sqlite_url, sqlite_services, monkeypatch, capsys):
    build_world(sqlite_services)
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": PASSWORD)
    assert entry.main(["purge-documents", "--as", "admin", "--database", sqlite_url, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert out.strip(), "the dry run reports what it would remove (or that nothing is due)"


def test_purge_documents_refuses_a_wrong_password(sqlite_url, sqlite_services, monkeypatch, capsys):
    build_world(sqlite_services)
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": "not the password")
    assert entry.main(["purge-documents", "--as", "admin", "--database", sqlite_url]) != 0
    assert "password" in capsys.readouterr().err.lower()
