"""Single sign-on for real (issue 19): a desk connects to PostgreSQL with a Kerberos ticket, no password.

A MIT Kerberos KDC on loopback (tests/support/kdc.py) stands in for Active
Directory; PostgreSQL (Debian's, built ``--with-gssapi``) gets a keytab for
``postgres/localhost`` and the README's ``gss include_realm=0`` line for the
people's logins; the desk's libpq (psycopg's, with GSSAPI) uses the ticket in
``KRB5CCNAME``.  On Windows libpq uses SSPI and the Windows sign-in instead of
a ticket cache: that half is not tried here.
"""
from __future__ import annotations

import os
import pwd

import psycopg
import pytest
from sqlalchemy import text

from mpel_app import __main__ as entry
from mpel_app.app import open_database
from mpel_app.config import Settings
from mpel_app.db.single_sign_on import sso_url
from mpel_app.domain.records import Channel, Role
from tests.support.kdc import LoopbackKdc, free_port
from tests.support.pgcluster import ThrowawayCluster
from tests.support.world import PASSWORD
from tests.test_shared_deployment import keyring_store, settings_dir  # noqa: F401 (fixtures)
from tests.notify.test_credentials import use_keyring  # noqa: F401 (fixture)

KERBEROS_PASSWORD = "Kerberos-pass-phrase-42"  # kadmin.local -q splits at spaces


@pytest.fixture
def sso(tmp_path, monkeypatch):
    kdc = LoopbackKdc().start()
    port = free_port()
    monkeypatch.setenv("PGPORT", str(port))  # the cluster's socket and TCP port alike
    monkeypatch.setenv("KRB5_CONFIG", kdc.env["KRB5_CONFIG"])  # the server (started below) and the client
    cluster = ThrowawayCluster(settings={"listen_addresses": "127.0.0.1", "port": str(port)})
    try:
        cluster.start()
        kdc.add_principal("postgres/localhost")
        keytab = kdc.keytab("postgres/localhost", cluster.dir / "postgres.keytab")
        server = pwd.getpwnam("postgres") if os.geteuid() == 0 else None
        if server is not None:
            os.chown(keytab, server.pw_uid, server.pw_gid)
        keytab.chmod(0o600)
        hba = cluster.dir / "data" / "pg_hba.conf"
        # The README's line (hostgssenc there; host here, so the test also sees plain GSSAPI authentication).
        hba.write_text(f"host all +mpel_person 127.0.0.1/32 gss include_realm=0 krb_realm={kdc.realm}\n"
                       + hba.read_text())
        with cluster.connect() as su:
            su.execute(f"ALTER SYSTEM SET krb_server_keyfile = '{keytab}'")
            su.execute("SELECT pg_reload_conf()")
        cluster.create_database("mpel_sso")
        owner = open_database(cluster.url("mpel_sso"), per_person_logins=True)
        try:
            admin = owner.users.create_first_admin("admin", "Ada Administrator", PASSWORD)
            owner.users.create_user(admin, username="gina", full_name="Gina Agent", password=PASSWORD,
                                    roles={Role.CALL_AGENT}, demo=True)
        finally:
            owner.close()
        kdc.add_principal("gina", KERBEROS_PASSWORD)
        kdc.add_principal("mallory", KERBEROS_PASSWORD)
        yield dict(kdc=kdc, port=port, tmp=tmp_path, cluster=cluster)
    finally:
        cluster.stop()
        kdc.stop()


def _url(port: int, user: str) -> str:
    # The settings a Windows desk signing in through SSPI uses too (db/single_sign_on.py): one code path.
    return sso_url(f"postgresql+psycopg://{user}@localhost:{port}/mpel_sso").render_as_string(hide_password=False)


def _ticket(sso, monkeypatch, principal: str):
    cache = sso["tmp"] / f"{principal}.ccache"
    sso["kdc"].kinit(principal, KERBEROS_PASSWORD, cache)
    monkeypatch.setenv("KRB5CCNAME", f"FILE:{cache}")


def test_a_desk_signs_in_with_a_kerberos_ticket(sso, monkeypatch):
    _ticket(sso, monkeypatch, "gina")
    desk = open_database(_url(sso["port"], "gina"), upgrade=None)
    try:
        with desk.engine.connect() as conn:
            row = conn.execute(text("SELECT session_user, gss_authenticated, principal FROM pg_stat_gssapi "
                                    "WHERE pid = pg_backend_pid()")).one()
        assert tuple(row) == ("gina", True, "gina@MPEL.TEST")
        assert desk.users._logins.enabled  # the desk knows it is on a person's own login
        gina = desk.users.authenticate("gina", PASSWORD)
        assert desk.enquiries.start(gina, Channel.TELEPHONE).reference.startswith("MPH")
    finally:
        desk.close()


def test_no_ticket_or_someone_elses_ticket_is_refused(sso, monkeypatch):
    monkeypatch.setenv("KRB5CCNAME", f"FILE:{sso['tmp'] / 'empty.ccache'}")
    with pytest.raises(psycopg.OperationalError, match="GSSAPI"):
        psycopg.connect(host="localhost", port=sso["port"], user="gina", dbname="mpel_sso", krbsrvname="postgres",
                        gssencmode="disable")
    _ticket(sso, monkeypatch, "mallory")  # a valid ticket, for another person
    with pytest.raises(psycopg.OperationalError, match="GSSAPI authentication failed"):
        psycopg.connect(host="localhost", port=sso["port"], user="gina", dbname="mpel_sso", krbsrvname="postgres",
                        gssencmode="disable")


def test_configured_for_single_sign_on_a_desk_keeps_no_password_and_signs_in(sso, monkeypatch, settings_dir,
                                                                            keyring_store, capsys):
    """``mpel db configure --single-sign-on`` (README's Windows steps): no password asked or kept; the saved URL
    is the one the ticket test above connects with, and a desk started from it signs in as the person."""
    monkeypatch.setattr(entry, "_configure_logging", lambda **kwargs: None)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": pytest.fail("asked for a password"))
    _ticket(sso, monkeypatch, "gina")
    typed = f"postgresql+psycopg://gina:not-kept@localhost:{sso['port']}/mpel_sso"
    assert entry.main(["db", "configure", "--single-sign-on", "--url", typed]) == 0
    saved = Settings().database_url
    assert saved == _url(sso["port"], "gina")
    assert keyring_store == {} and "not-kept" not in saved
    desk = open_database(saved, upgrade=None)
    try:
        with desk.engine.connect() as conn:
            assert conn.execute(text("SELECT session_user")).scalar_one() == "gina"
    finally:
        desk.close()
    assert entry.main(["db", "configure", "--single-sign-on", "--url", "sqlite:///x.db"]) == 1
    assert "not an embedded SQLite file" in capsys.readouterr().err
