"""The legacy import when things go wrong, through ``mpel legacy import``: killed half-way, and files that
are not a readable Access database; each a clear message and nothing written (SQLite and PostgreSQL)."""
from __future__ import annotations

import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from mpel_app.__main__ import main
from mpel_app.app import open_database
from mpel_app.db.models import Enquiry, LegacyPerson, LegacyRecord, LegacySource, ReferenceCounter, User
from tests.services.test_legacy_import_indexes import indexes
from tests.support.legacy import FILES, unpack

ROOT = Path(__file__).resolve().parents[2]


def _migrated(url: str) -> str:
    open_database(url).close()  # the CLI never migrates a shared database itself
    return url


def _nothing_written(url: str) -> None:
    services = open_database(url)
    try:
        with services.uow.read() as s:
            for model in (Enquiry, LegacyRecord, LegacyPerson, LegacySource):
                assert s.scalar(select(func.count()).select_from(model)) == 0, model.__tablename__
            assert s.scalar(select(func.count()).select_from(User).where(User.username == "legacy-import")) == 0
            assert set(s.scalars(select(ReferenceCounter.last_number))) == {0}
            if s.get_bind().dialect.name == "sqlite":  # the FTS5 triggers the import sets aside are back
                assert s.scalar(text("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
                                     "AND tbl_name = 'subject_name_tokens'")) == 3
    finally:
        services.close()


def _indexes(url: str) -> list[tuple]:
    services = open_database(url)
    try:
        return indexes(services)
    finally:
        services.close()


def _cli(url: str, path: Path, *extra: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring", "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen([sys.executable, "-m", "mpel_app", "--database", url, "legacy", "import", str(path),
                             *extra], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_an_import_killed_half_way_leaves_nothing_and_a_rerun_completes(db_url, tmp_path):
    url = _migrated(db_url)
    migrated = _indexes(url)
    path = unpack(FILES[0], tmp_path)
    proc = _cli(url, path)
    seen = []
    for line in proc.stderr:
        seen.append(line)
        if "Importing: 1,000 of 3,000" in line:
            proc.kill()  # SIGKILL: no clean-up of any kind, as when the power goes
            break
    proc.wait(timeout=60)
    assert proc.returncode == -9, "".join(seen)
    _nothing_written(url)
    assert _indexes(url) == migrated  # the indexes a switchover import drops are back with the rollback
    rerun = _cli(url, path)
    out, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err
    assert "Enquiries imported: 3,000; already present: 0; not imported: 0" in out
    assert "Building the search indexes again (" in err and "desks using this database wait" in err
    assert _indexes(url) == migrated
    services = open_database(url)
    try:
        with services.uow.read() as s:
            assert s.scalar(select(func.count()).select_from(Enquiry)) == 3000
    finally:
        services.close()


def _run(url: str, path: Path, capsys) -> tuple[int, str]:
    code = main(["--database", url, "legacy", "import", str(path)])
    captured = capsys.readouterr()
    return code, " ".join(captured.err.split())


def _garbled(source: Path, target: Path, keep: int) -> Path:
    """The file with everything after its first ``keep`` bytes replaced by noise: pages no reader can
    make sense of (damaged, or encrypted in a way the header does not show)."""
    data = bytearray(source.read_bytes())
    noise = random.Random(7)
    data[keep:] = bytes(noise.randrange(256) for _ in range(len(data) - keep))
    target.write_bytes(bytes(data))
    return target


def _password_protected(source: Path, target: Path) -> Path:
    """The .accdb as Access 2007 and later leave it after "Encrypt with Password": every page but the
    header is ciphertext, and the header holds a non-zero encoding key at 0x3E, masked like the rest of
    the header from 0x18 (an unencrypted file holds the mask itself there, fb 8a bc 4e).  The check was
    tried on real encrypted files (Jackcess Encrypt's test databases of Access 2007, 2010 and 2013)."""
    _garbled(source, target, 4096)
    data = bytearray(target.read_bytes())
    data[0x3E:0x42] = bytes(k ^ m for k, m in zip(bytes.fromhex("3c7e0ba1"), bytes.fromhex("fb8abc4e")))
    target.write_bytes(bytes(data))
    return target


@pytest.mark.parametrize("case, message", [
    ("text", "is not a Microsoft Access database"),
    ("empty", "is empty (0 bytes): not an Access database"),
    ("truncated", "is truncated: 300000 bytes is not a whole number of 4096-byte Access pages"),
    ("cut_on_a_page", "cannot be read"),
    ("garbled", "it is password-protected (encrypted) or damaged. Remove the database password in Access"),
    ("password_protected", "is password-protected (encrypted with a database password), which this import "
                           "cannot open: open it in Microsoft Access with the password, remove the password"),
    ("missing", "no such file"),
])
def test_bad_files_get_a_clear_message_and_nothing_is_written(db_url, tmp_path, capsys, case, message):
    url = _migrated(db_url)
    good = unpack(FILES[1], tmp_path)
    path = tmp_path / f"{case}.accdb"
    if case == "text":
        path.write_text("ID,Hotline Ref\n1,MPH000001\n", encoding="utf-8")
    elif case == "empty":
        path.write_bytes(b"")
    elif case == "truncated":
        path.write_bytes(good.read_bytes()[:300_000])
    elif case == "cut_on_a_page":
        path.write_bytes(good.read_bytes()[:256 * 4096])
    elif case == "garbled":
        _garbled(good, path, 4096)
    elif case == "password_protected":
        _password_protected(good, path)
    code, err = _run(url, path, capsys)
    assert code == 1
    assert message in err and str(path) in err and "nothing was imported" in err
    _nothing_written(url)


def test_a_path_with_spaces_and_non_ascii_characters_imports(sqlite_url, tmp_path, capsys):
    folder = tmp_path / "Données MPEL – Zoë’s copy"
    folder.mkdir()
    path = folder / "base d’accès 2010 Ŵ.accdb"
    path.write_bytes(unpack(FILES[1], tmp_path).read_bytes())
    code = main(["--database", sqlite_url, "legacy", "import", str(path), "--json", str(folder / "rapport é.json")])
    out = capsys.readouterr().out
    assert code == 0 and "Enquiries imported: 3,000" in out
    assert (folder / "rapport é.json").read_text(encoding="utf-8").count('"imported": 3000') == 1


def test_without_mdbtools_the_message_names_what_to_install(db_url, tmp_path, capsys, monkeypatch):
    url = _migrated(db_url)
    path = unpack(FILES[0], tmp_path)
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))  # mdb-export and mdb-tables are nowhere on it
    code, err = _run(url, path, capsys)
    assert code == 1
    assert "no program to read Access files is installed: install mdbtools" in err
    assert "sudo apt-get install mdbtools" in err and "Microsoft Access Database Engine" in err
    _nothing_written(url)


def test_the_odbc_reader_reads_the_call_records_as_mdbtools_does(tmp_path):
    """The pyodbc reader (used on Windows with Microsoft's driver) through the MDBTools ODBC driver: the
    same call records, value for value, once NULL and '' are taken alike as the rules take them."""
    from datetime import date, datetime

    from mpel_app.legacy.mdbtools import MdbToolsReader
    from mpel_app.legacy.odbc import MDBTOOLS_DRIVER, OdbcReader

    path = unpack(FILES[0], tmp_path)
    assert MDBTOOLS_DRIVER in __import__("pyodbc").drivers(), "unixodbc and odbc-mdbtools: scripts/bootstrap.sh test"

    def plain(value):
        if value == "":
            return None
        if isinstance(value, date) and not isinstance(value, datetime):  # the driver's date-only values
            return datetime(value.year, value.month, value.day)
        return value

    cli = {r["ID"]: r for r in MdbToolsReader(path).rows("tblCallRecord")}
    odbc = {r["ID"]: r for r in OdbcReader(path, MDBTOOLS_DRIVER).rows("tblCallRecord")}
    assert len(cli) == len(odbc) == 3000
    assert {k: {c: plain(v) for c, v in r.items()} for k, r in odbc.items()} == \
        {k: {c: plain(v) for c, v in r.items()} for k, r in cli.items()}


def test_an_import_that_would_run_a_reference_counter_past_six_digits_is_refused_whole(db_url, tmp_path, capsys):
    """Rows without a usable reference get new ones after the highest in use; where a prefix's counter would pass
    999999 (a reference has six digits) the import says so and writes nothing, counters included."""
    from sqlalchemy import update

    from mpel_app.domain.references import HOTLINE_MAX

    url = _migrated(db_url)
    services = open_database(url)
    try:
        with services.uow() as s:
            s.execute(update(ReferenceCounter).values(last_number=HOTLINE_MAX - 1))
    finally:
        services.close()
    path = unpack(FILES[0], tmp_path)
    code, err = _run(url, path, capsys)
    assert code == 1
    assert "records without a usable reference need new" in err
    assert re.search(r"only [0-9,]+ are left before [A-Z]{3}999999", err), err
    assert "a hotline reference has six digits, so nothing was imported" in err
    services = open_database(url)
    try:
        with services.uow.read() as s:
            for model in (Enquiry, LegacyRecord, LegacySource):
                assert s.scalar(select(func.count()).select_from(model)) == 0, model.__tablename__
            assert set(s.scalars(select(ReferenceCounter.last_number))) == {HOTLINE_MAX - 1}
    finally:
        services.close()
