"""``mpel db …``: an administrator sets up, upgrades and checks the database, with no window.

    mpel db configure --url URL [--password-stdin] [--no-check]
        asks for the database password (never on the command line, where it
        would stay in the shell's history), checks that it can connect, keeps
        the password in the OS keyring and saves the URL, without it, as this
        user's database setting
    mpel db upgrade [--database URL]
        applies the schema migrations and prints the revision
    mpel db status [--database URL]
        the database's schema revision against this MPEL Desk's

A URL given to ``upgrade`` or ``status`` (or the saved one) gets its password
from the keyring, as the desk does; when the server refuses and there is a
terminal, the password is asked for once, for that command only.

Exit status: 0 done (``status``: schema current), 1 could not open the
database or bad URL, 2 (``status``) the schema needs ``mpel db upgrade``,
3 (``status``) the schema is newer than this MPEL Desk.
"""
from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from .db import migrate
from .db.engine import make_engine
from .db.single_sign_on import sso_url
from .notify import credentials

EXIT_OK, EXIT_FAILED, EXIT_NEEDS_UPGRADE, EXIT_TOO_NEW = 0, 1, 2, 3


def open_for_command(url: str | None, err):
    """The services for a command-line command (``url`` None: the desk's configured database), or None
    after saying on ``err`` why the database could not be opened.  A shared database is not migrated here:
    only ``mpel db upgrade`` does that."""
    if url is None:
        from .config import Settings  # Qt settings: only when no URL was given

        url = Settings().database_url
    from .app import open_database

    try:
        return open_database(url, upgrade=None)
    except Exception as exc:  # noqa: BLE001 - any failure to open is reported the same way
        print(f"mpel: cannot open the database: {' '.join(str(exc).split())}", file=err)
        return None


def run_signed_in(args, act: Callable, err, password: Callable[[str], str] | None = None) -> int:
    """A command that acts as a person: open the database (``args.database``), sign ``args.username`` in
    with the password asked for, and return ``act(services, actor)``.  A refusal (``MpelError``: wrong
    password, no permission, bad input) is said on ``err`` and exits 1; the database is closed after."""
    from .domain.errors import MpelError

    password = password or getpass.getpass  # looked up now, so a test or wrapper can replace it
    services = open_for_command(getattr(args, "database", None), err)
    if services is None:
        return EXIT_FAILED
    try:
        actor = services.users.authenticate(args.username, password(f"Password for {args.username}: "))
        return act(services, actor)
    except MpelError as exc:
        print(f"mpel: {exc}", file=err)
        return EXIT_FAILED
    finally:
        services.close()


def safe_url(url: str | URL) -> str:
    """The URL with any password masked, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return str(url)


def problem(exc: BaseException) -> str:
    """The driver's own words ("connection refused", "password authentication failed"), capitalised."""
    from sqlalchemy.exc import DBAPIError

    if isinstance(exc, DBAPIError) and exc.orig is not None:
        exc = exc.orig
    text = " ".join(str(exc).split()) or exc.__class__.__name__
    return text[0].upper() + text[1:]


def password_refused(exc: BaseException) -> bool:
    """True when the server wants a password it was not given, or refused the one it got."""
    from sqlalchemy.exc import DBAPIError

    orig = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    text = str(orig)
    return (getattr(orig, "sqlstate", None) == "28P01" or "no password supplied" in text
            or "password authentication failed" in text)


def _say(message: str) -> None:
    print(f"mpel: {message}", file=sys.stderr)


def _engine(url: str | URL) -> Engine | None:
    try:
        return make_engine(url)
    except (ArgumentError, ValueError) as exc:
        _say(f"{safe_url(url)!r} is not a database URL: {problem(exc)}")
    except ImportError as exc:
        _say(f"the driver for {safe_url(url)} is not installed: {problem(exc)}")
    return None


def _with_database(url: str, work: Callable[[Engine, str], int]) -> int:
    """Run ``work(engine, shown_url)`` on the database, with the stored password; report failures."""
    shown = safe_url(url)
    try:
        target = credentials.with_database_password(url)
    except (ArgumentError, ValueError) as exc:
        _say(f"{shown!r} is not a database URL: {problem(exc)}")
        return EXIT_FAILED
    asked = False
    while True:
        engine = _engine(target)
        if engine is None:
            return EXIT_FAILED
        try:
            return work(engine, shown)
        except (SQLAlchemyError, OSError) as exc:
            account = credentials.database_account(url)
            if password_refused(exc) and account and not asked and sys.stdin.isatty():
                asked = True
                answer = getpass.getpass(f"Password for {account} (not stored): ")
                if answer:
                    target = make_url(url).set(password=answer)
                    continue
            hint = (f" (store the password with `mpel db configure --url {credentials.without_password(url)}`)"
                    if password_refused(exc) else "")
            _say(f"cannot open the database {shown}: {problem(exc)}{hint}")
            return EXIT_FAILED
        finally:
            engine.dispose()


# -------------------------------------------------------------------- upgrade

def db_upgrade(url: str) -> int:
    """``mpel db upgrade``: migrate to the latest schema and print the revision."""
    def work(engine: Engine, shown: str) -> int:
        before = migrate.current_revision(engine)
        try:
            migrate.upgrade(engine)
        except migrate.SchemaTooNew as exc:
            _say(f"cannot upgrade {shown}: {exc}")
            return EXIT_FAILED
        after = migrate.current_revision(engine)
        if before == after:
            print(f"{shown}: schema already at revision {after} (the latest)")
        else:
            print(f"{shown}: schema upgraded from {before or 'empty'} to revision {after} (the latest)")
        return EXIT_OK

    return _with_database(url, work)


# --------------------------------------------------------------------- status

def describe_status(status: migrate.SchemaStatus, *, embedded: bool) -> str:
    """One line on where the schema stands and what to do about it."""
    action = ("desks upgrade it themselves at start-up, or run `mpel db upgrade`" if embedded
              else f"an administrator must run `{migrate.UPGRADE_COMMAND}` before desks can use it")
    if status.state == "current":
        return f"schema at revision {status.current}, the one this MPEL Desk needs: ready for desks"
    if status.state == "empty":
        return f"no MPEL Desk schema yet (this version needs revision {status.head}); {action}"
    if status.state == "older":
        return f"schema at revision {status.current}, older than this MPEL Desk needs ({status.head}); {action}"
    return (f"schema at revision {status.current}, newer than this MPEL Desk knows (it has {status.head}); "
            "install the newer MPEL Desk")


def db_status(url: str) -> int:
    """``mpel db status``: the schema revision against this MPEL Desk's, and what to do."""
    def work(engine: Engine, shown: str) -> int:
        status = migrate.schema_status(engine)
        print(f"{shown}: {describe_status(status, embedded=migrate.migrates_at_start(engine))}")
        if status.state == "newer":
            return EXIT_TOO_NEW
        return EXIT_OK if status.usable else EXIT_NEEDS_UPGRADE

    return _with_database(url, work)


# ------------------------------------------------------------------ configure

def _absolute(parsed: URL) -> URL:
    """A SQLite file named relative to the current folder, made absolute: settings outlive the folder."""
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:" \
            and not parsed.database.startswith("file:"):
        return parsed.set(database=str(Path(parsed.database).expanduser().resolve()))
    return parsed


def db_configure(url: str, *, password_stdin: bool = False, check: bool = True, single_sign_on: bool = False) -> int:
    """``mpel db configure``: password to the keyring, URL (without it) to this user's settings.
    ``single_sign_on``: no password at all; the URL gets the settings of db/single_sign_on.py."""
    from .config import DATABASE_URL_ENV, Settings  # Qt settings: only for this command

    try:
        parsed = _absolute(make_url(url.strip()))
        if single_sign_on:
            parsed = sso_url(parsed)
            url = parsed.render_as_string(hide_password=False)
    except (ArgumentError, ValueError) as exc:
        _say(f"{url!r} is not a database URL for this: {problem(exc)}")
        return EXIT_FAILED
    account = credentials.database_account(parsed)
    password = parsed.password or None
    if account is not None and password is None and not single_sign_on:
        if password_stdin:
            password = sys.stdin.readline().rstrip("\r\n") or None
        else:
            password = getpass.getpass(f"Password for {account} (Enter for none, where the server "
                                       "identifies you otherwise): ") or None
    # As the administrator wrote it, unless a relative SQLite path had to be made absolute.
    saved = credentials.without_password(url.strip() if parsed == make_url(url.strip()) else parsed)
    status, embedded = None, False
    if check:
        engine = _engine(parsed._replace(password=password))
        if engine is None:
            return EXIT_FAILED
        try:
            status, embedded = migrate.schema_status(engine), migrate.migrates_at_start(engine)
        except (SQLAlchemyError, OSError) as exc:
            _say(f"cannot connect to {safe_url(saved)}: {problem(exc)}; nothing was saved")
            return EXIT_FAILED
        finally:
            engine.dispose()
    if account is not None:
        if password is None:
            credentials.forget_password(account, service=credentials.DATABASE_SERVICE)
        elif credentials.set_password(account, password, service=credentials.DATABASE_SERVICE):
            print(f"The password for {account} is in this user's system keyring.")
        else:
            print(f"There is no system keyring for this user, so the password for {account} was not stored: "
                  "MPEL Desk will ask for it once each session.")
    Settings().database_url = saved
    print(f"Saved: MPEL Desk started by this user opens {saved}")
    if os.environ.get(DATABASE_URL_ENV, "").strip():
        print(f"Note: {DATABASE_URL_ENV} is set in this environment and wins over the saved setting.")
    if status is not None:
        print(f"{safe_url(saved)}: {describe_status(status, embedded=embedded)}")
    return EXIT_OK

