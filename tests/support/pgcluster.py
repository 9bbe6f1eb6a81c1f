"""A throwaway PostgreSQL cluster for the test suite.

`ThrowawayCluster` runs ``initdb`` into a fresh temporary directory and starts
a server that listens only on a unix socket inside that directory (no TCP
port, so it never clashes with a system PostgreSQL), tuned for speed rather
than durability.  `stop()` kills it and deletes the directory.

PostgreSQL refuses to run as root.  When the tests run as root, only the
PostgreSQL binaries are run as the ``postgres`` OS user (via ``runuser``, or
``su`` when ``runuser`` is missing); Python itself stays root and connects to
the socket as the database user ``postgres`` (trust authentication).  Any
other user runs the binaries directly.

Typical use::

    with ThrowawayCluster() as cluster:
        cluster.create_database("app")
        engine = sqlalchemy.create_engine(cluster.url("app"))
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shlex
import shutil
import stat
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import psycopg
from psycopg import sql

SERVER_USER = "postgres"
"""OS user the server runs as when we are root; also the database superuser."""

INITDB_TIMEOUT = 120
PG_CTL_TIMEOUT = 60
SQL_TIMEOUT = 30

_SERVER_SETTINGS = {
    "listen_addresses": "''",  # unix socket only
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "200",
}


class ClusterError(RuntimeError):
    """The throwaway cluster could not be started, used or stopped."""


def _version_key(bindir: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in Path(bindir).parent.name.split("."))
    except ValueError:
        return ()


def find_binaries() -> tuple[Path, Path] | None:
    """Return ``(initdb, pg_ctl)``: highest /usr/lib/postgresql/*/bin, else PATH."""
    for bindir in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version_key, reverse=True):
        initdb, pg_ctl = Path(bindir, "initdb"), Path(bindir, "pg_ctl")
        if os.access(initdb, os.X_OK) and os.access(pg_ctl, os.X_OK):
            return initdb, pg_ctl
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if initdb and pg_ctl:
        return Path(initdb), Path(pg_ctl)
    return None


def _check_traversable(path: Path, user: pwd.struct_passwd) -> None:
    """Raise ClusterError unless `user` may enter `path` and all its parents."""
    groups = set(os.getgrouplist(user.pw_name, user.pw_gid))
    for directory in [path, *path.parents]:
        st = directory.stat()
        if st.st_uid == user.pw_uid:
            allowed = st.st_mode & stat.S_IXUSR
        elif st.st_gid in groups:
            allowed = st.st_mode & stat.S_IXGRP
        else:
            allowed = st.st_mode & stat.S_IXOTH
        if not allowed:
            raise ClusterError(
                f"the {user.pw_name!r} OS user cannot enter {directory}, so the cluster "
                f"cannot live under {path}; choose another base_dir (default /tmp)"
            )


class ThrowawayCluster:
    """A private PostgreSQL server in a temporary directory; see the module docstring."""

    def __init__(self, base_dir: str | os.PathLike[str] = "/tmp", settings: dict[str, str] | None = None) -> None:
        self.base_dir = Path(base_dir)
        # Server settings over the defaults, e.g. a TCP listener and a Kerberos keytab (tests/db/test_pg_gssapi.py).
        self.settings = {**_SERVER_SETTINGS, **(settings or {})}
        self.dir: Path | None = None
        """The temporary directory: data in ``dir/data``, socket in ``dir``."""

    # -- availability -------------------------------------------------------

    @staticmethod
    def available() -> bool:
        """True if the PostgreSQL server binaries (initdb, pg_ctl) were found."""
        return find_binaries() is not None

    @staticmethod
    def why_unavailable() -> str:
        """Why `available()` is false, or "" if it is true."""
        if find_binaries() is not None:
            return ""
        return (
            "PostgreSQL server binaries (initdb, pg_ctl) not found in "
            "/usr/lib/postgresql/*/bin or on PATH (apt-get install postgresql)"
        )

    # -- life cycle ---------------------------------------------------------

    @property
    def running(self) -> bool:
        return self.dir is not None

    @property
    def socket_dir(self) -> Path:
        if self.dir is None:
            raise ClusterError("the cluster is not running")
        return self.dir

    def start(self) -> ThrowawayCluster:
        """Create, initialise and start the cluster; clean up and raise on failure."""
        if self.dir is not None:
            raise ClusterError("the cluster is already running")
        binaries = find_binaries()
        if binaries is None:
            raise ClusterError(self.why_unavailable())
        initdb, pg_ctl = binaries
        server_user = self._server_user()
        if server_user is not None:
            _check_traversable(self.base_dir, server_user)

        self.dir = Path(tempfile.mkdtemp(prefix="pgtest-", dir=self.base_dir))
        try:
            if server_user is not None:
                os.chown(self.dir, server_user.pw_uid, server_user.pw_gid)
            self._run(
                "initdb",
                [str(initdb), "-D", str(self.dir / "data"), "-A", "trust", "-U", SERVER_USER,
                 "--no-sync", "-E", "UTF8", "--locale=C.UTF-8"],
                INITDB_TIMEOUT,
            )
            options = " ".join(f"-c {key}={value}" for key, value in self.settings.items())
            options += f" -k {shlex.quote(str(self.dir))}"
            self._run(
                "pg_ctl start",
                [str(pg_ctl), "start", "-D", str(self.dir / "data"), "-l", str(self._log),
                 "-o", options, "-w", "-t", str(PG_CTL_TIMEOUT)],
                PG_CTL_TIMEOUT + 10,
            )
        except BaseException:
            with contextlib.suppress(Exception):
                self.stop()
            raise
        return self

    def stop(self) -> None:
        """Stop the server (immediate mode) and delete the directory; idempotent."""
        if self.dir is None:
            return
        try:
            if (self.dir / "data" / "postmaster.pid").exists():
                binaries = find_binaries()
                assert binaries is not None
                self._run(
                    "pg_ctl stop",
                    [str(binaries[1]), "stop", "-D", str(self.dir / "data"), "-m", "immediate",
                     "-w", "-t", str(PG_CTL_TIMEOUT)],
                    PG_CTL_TIMEOUT + 10,
                )
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None

    def __enter__(self) -> ThrowawayCluster:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- databases ----------------------------------------------------------

    def url(self, dbname: str) -> str:
        """SQLAlchemy URL (psycopg 3, unix socket) for database `dbname`."""
        host = quote(str(self.socket_dir), safe="/")
        return f"postgresql+psycopg://{SERVER_USER}@/{quote(dbname, safe='')}?host={host}"

    def connect(self, dbname: str = "postgres") -> psycopg.Connection:
        """A psycopg connection (autocommit) as the superuser to `dbname`."""
        return psycopg.connect(
            host=str(self.socket_dir), user=SERVER_USER, dbname=dbname,
            autocommit=True, connect_timeout=SQL_TIMEOUT,
        )

    def create_database(self, name: str) -> str:
        """Create an empty database `name` (from template0); return its URL."""
        with self.connect() as conn:
            conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(name)))
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """Drop database `name` if it exists, terminating its connections (PG 13+)."""
        with self.connect() as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    @contextlib.contextmanager
    def temporary_database(self, prefix: str = "test") -> Iterator[str]:
        """Create a uniquely named empty database, yield its URL, then drop it."""
        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        url = self.create_database(name)
        try:
            yield url
        finally:
            self.drop_database(name)

    # -- internals ----------------------------------------------------------

    @property
    def _log(self) -> Path:
        return self.socket_dir / "server.log"

    @staticmethod
    def _server_user() -> pwd.struct_passwd | None:
        """The OS user to switch to for the binaries, or None to run them directly."""
        if os.geteuid() != 0:
            return None
        try:
            return pwd.getpwnam(SERVER_USER)
        except KeyError:
            raise ClusterError(
                f"running as root, but there is no {SERVER_USER!r} OS user to run "
                "PostgreSQL as (it refuses to run as root)"
            ) from None

    def _command(self, argv: list[str]) -> list[str]:
        if self._server_user() is None:
            return argv
        if shutil.which("runuser"):
            return ["runuser", "-u", SERVER_USER, "--", *argv]
        return ["su", SERVER_USER, "-s", "/bin/sh", "-c", shlex.join(argv)]

    def _run(self, what: str, argv: list[str], timeout: float) -> None:
        """Run a PostgreSQL binary; raise ClusterError with its output on failure."""
        command = self._command(argv)
        try:
            result = subprocess.run(
                command, cwd=self.dir, stdin=subprocess.DEVNULL,
                capture_output=True, text=True, timeout=timeout,
            )
        except subprocess.TimeoutExpired as exc:
            raise ClusterError(f"{what} timed out after {timeout}s: {shlex.join(command)}"
                               f"{self._log_tail()}") from exc
        except OSError as exc:
            raise ClusterError(f"{what} could not be run: {shlex.join(command)}: {exc}") from exc
        if result.returncode != 0:
            raise ClusterError(
                f"{what} failed (exit status {result.returncode}): {shlex.join(command)}\n"
                f"--- stderr ---\n{result.stderr.strip()}\n--- stdout ---\n{result.stdout.strip()}"
                f"{self._log_tail()}"
            )

    def _log_tail(self, lines: int = 30) -> str:
        try:
            text = self._log.read_text(errors="replace").splitlines()[-lines:]
        except (OSError, ClusterError):
            return ""
        return "\n--- server log ---\n" + "\n".join(text) if text else ""
