"""A real IMAP server on loopback for the inbox tests: Debian's Dovecot with its own configuration.

``DovecotServer`` writes a private configuration (base_dir, state_dir, log,
passwd file, Maildir) in a fresh directory, listens on 127.0.0.1 on free
ports (plain/STARTTLS and implicit TLS), and hands mail to a non-root uid
(``nobody``): Dovecot refuses to handle mail as root, and CI runs as root
(shared/infrastructure-notes.md, "IMAP").  ``move=False`` advertises a
capability list without MOVE, as Exchange 2013/2016 effectively do, so the
client's COPY + EXPUNGE fallback runs; ``idle=False`` leaves IDLE out, so a watching client polls.  ``stop()``/``start()`` take it down and
bring it back on the same ports, as an outage would.

Messages are put in with a real IMAP APPEND (``deliver``), so the tests speak
the wire protocol from both sides.
"""
from __future__ import annotations

import imaplib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
SKIP_MESSAGE = ("Dovecot is not installed (apt-get install --no-install-recommends dovecot-imapd, "
                "or bash scripts/bootstrap.sh test): skipping the IMAP tests")
IMAP_USER = "mpel-inbox"
IMAP_PASSWORD = "imap-s3cret"
MAIL_OWNER = "nobody"  # any non-root account; Dovecot refuses uid 0 for mail
# Dovecot 2.3's list less MOVE (what `CAPABILITY` answers after login, trimmed of extensions we don't need).
_CAPABILITIES_WITHOUT_MOVE = ("IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE SORT LITERAL+ UIDPLUS "
                              "NAMESPACE CHILDREN UNSELECT ESEARCH SEARCHRES LIST-EXTENDED LIST-STATUS "
                              "SPECIAL-USE BINARY CONDSTORE")


def available() -> bool:
    return os.path.exists(DOVECOT) and os.access(DOVECOT, os.X_OK)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


_CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
instance_name = mpel-test-{port}
protocols = imap
listen = 127.0.0.1
log_path = {root}/dovecot.log
ssl = {ssl}
{ssl_files}
disable_plaintext_auth = no
auth_mechanisms = plain login{oauth_mechanisms}
# A wrong password is answered at once (the default waits 2 s to slow guessing; the tests guess on purpose).
auth_failure_delay = 0
mail_location = maildir:{root}/mail/%u
mail_uid = {uid}
mail_gid = {gid}
first_valid_uid = 1
first_valid_gid = 1
default_internal_user = {internal}
default_login_user = {login}
mail_privileged_group =
mail_access_groups =
verbose_proctitle = no
{capability}
{oauth}passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/mail/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {ssl_port}
    ssl = yes
  }}
}}
service imap {{
  chroot =
}}
service anvil {{
  chroot =
}}
service stats {{
  chroot =
}}
namespace inbox {{
  inbox = yes
  separator = /
}}
"""


@dataclass
class DovecotServer:
    """One Dovecot instance; ``start()`` it, ``stop()`` it, ``close()`` removes its files."""

    cert: Path | None = None
    key: Path | None = None
    move: bool = True
    uidplus: bool = True  # False (with move=False): the client's last resort, a plain EXPUNGE
    idle: bool = True  # False: a server without IDLE, so a watching client has to poll
    # Dovecot's oauth2 passdb: XOAUTH2/OAUTHBEARER logins checked against this token-info URL (oauthserver.py).
    oauth_tokeninfo: str | None = None
    host: str = "127.0.0.1"
    port: int = field(default_factory=free_port)
    ssl_port: int = field(default_factory=free_port)
    user: str = IMAP_USER
    password: str = IMAP_PASSWORD
    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="mpel-dovecot-")))

    def __post_init__(self) -> None:
        # The mail processes run as `nobody`: every directory on the way to the Maildir must let it through
        # (pytest's own tmp_path is 0700 root, so the server lives in its own /tmp directory).
        os.chmod(self.root, 0o755)
        owner = pwd.getpwnam(MAIL_OWNER)
        self._uid, self._gid = owner.pw_uid, owner.pw_gid
        for sub in ("run", "state", "mail"):
            (self.root / sub).mkdir(exist_ok=True)
        os.chown(self.root / "mail", self._uid, self._gid)
        (self.root / "passwd").write_text(f"{self.user}:{{PLAIN}}{self.password}::::::\n")
        os.chmod(self.root / "passwd", 0o644)
        internal = "dovecot" if _has_user("dovecot") else MAIL_OWNER
        login = "dovenull" if _has_user("dovenull") else MAIL_OWNER
        ssl_files = (f"ssl_cert = <{self.cert}\nssl_key = <{self.key}\nssl_dh = </usr/share/dovecot/dh.pem"
                     if self.cert else "")
        (self.root / "dovecot.conf").write_text(_CONFIG.format(
            root=self.root, port=self.port, ssl_port=self.ssl_port, uid=self._uid, gid=self._gid,
            ssl="yes" if self.cert else "no", ssl_files=ssl_files, internal=internal, login=login,
            capability=self._capability_line(), oauth=self._oauth_passdb(),
            oauth_mechanisms=" xoauth2 oauthbearer" if self.oauth_tokeninfo else ""))
        if not self.cert:
            # No TLS at all: drop the imaps listener, which needs a certificate.
            conf = (self.root / "dovecot.conf").read_text()
            conf = conf.replace(f"  inet_listener imaps {{\n    address = 127.0.0.1\n    port = {self.ssl_port}\n"
                                "    ssl = yes\n  }\n", "")
            (self.root / "dovecot.conf").write_text(conf)

    def _oauth_passdb(self) -> str:
        if not self.oauth_tokeninfo:
            return ""
        conf = self.root / "dovecot-oauth2.conf.ext"
        conf.write_text(f"tokeninfo_url = {self.oauth_tokeninfo}\nusername_attribute = username\n"
                        "active_attribute = active\nactive_value = true\n")
        os.chmod(conf, 0o644)
        return ("passdb {\n  driver = oauth2\n  mechanisms = xoauth2 oauthbearer\n"
                f"  args = {conf}\n}}\n")

    def _capability_line(self) -> str:
        if self.move and self.uidplus and self.idle:
            return ""  # Dovecot's own list
        words = _CAPABILITIES_WITHOUT_MOVE.split() + (["MOVE"] if self.move else [])
        drop = ({"UIDPLUS"} if not self.uidplus else set()) | ({"IDLE"} if not self.idle else set())
        return "imap_capability = " + " ".join(w for w in words if w not in drop)

    @property
    def config(self) -> Path:
        return self.root / "dovecot.conf"

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def running(self) -> bool:
        return self._master_pid() is not None

    def _master_pid(self) -> int | None:
        pidfile = self.root / "run" / "master.pid"
        try:
            pid = int(pidfile.read_text().strip())
            os.kill(pid, 0)
        except (OSError, ValueError):
            return None
        return pid

    def start(self) -> None:
        # The master forks into the background: its output goes to a file, not a pipe the daemon would hold open.
        with open(self.root / "start.err", "w") as err:
            result = subprocess.run([DOVECOT, "-c", str(self.config)], stdin=subprocess.DEVNULL,
                                    stdout=subprocess.DEVNULL, stderr=err, timeout=30)
        if result.returncode != 0:
            raise RuntimeError(f"dovecot did not start: {(self.root / 'start.err').read_text().strip()}\n{self.log()}")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection((self.host, self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.02)
        raise RuntimeError(f"dovecot is not listening on {self.address}\n{self.log()}")

    def stop(self) -> None:
        pid = self._master_pid()
        if pid is None:
            return
        # The master's children (imap, imap-login, auth, ...) by id: an outage cuts open connections too.
        children = _children(pid)
        os.kill(pid, signal.SIGTERM)
        for child in children:
            try:
                os.kill(child, signal.SIGKILL)
            except OSError:
                pass
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and self._master_pid() is not None:
            time.sleep(0.02)
        # Wait until the port is free again, so start() binds the same one.
        while time.monotonic() < deadline:
            try:
                with socket.create_connection((self.host, self.port), timeout=0.2):
                    time.sleep(0.02)
            except OSError:
                return

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def log(self) -> str:
        try:
            return (self.root / "dovecot.log").read_text()[-4000:]
        except OSError:
            return ""

    # ---------------------------------------------------------------- the tests' own client

    def client(self) -> imaplib.IMAP4:
        imap = imaplib.IMAP4(self.host, self.port, timeout=10)
        imap.login(self.user, self.password)
        return imap

    def deliver(self, *messages: bytes, mailbox: str = "INBOX") -> None:
        """APPEND each message (unseen) to ``mailbox``, creating it if needed."""
        imap = self.client()
        try:
            imap.create(mailbox)  # NO when it exists: fine
            for raw in messages:
                typ, data = imap.append(mailbox, "", imaplib.Time2Internaldate(time.time()), raw)
                if typ != "OK":
                    raise RuntimeError(f"APPEND failed: {data}")
        finally:
            imap.logout()

    def uids(self, mailbox: str = "INBOX") -> list[int]:
        imap = self.client()
        try:
            typ, _ = imap.select(_quoted(mailbox), readonly=True)
            if typ != "OK":
                return []
            typ, data = imap.uid("SEARCH", "ALL")
            return [int(x) for x in data[0].split()]
        finally:
            imap.logout()

    def flags(self, mailbox: str = "INBOX") -> list[str]:
        """The flags of every message in ``mailbox``, in UID order."""
        imap = self.client()
        try:
            imap.select(_quoted(mailbox), readonly=True)
            typ, data = imap.uid("FETCH", "1:*", "(FLAGS)")
            return [item.decode() for item in data if isinstance(item, bytes)]
        finally:
            imap.logout()

    def fetch_all(self, mailbox: str) -> list[bytes]:
        imap = self.client()
        try:
            imap.select(_quoted(mailbox), readonly=True)
            typ, data = imap.uid("FETCH", "1:*", "(BODY.PEEK[])")
            return [part[1] for part in data if isinstance(part, tuple)]
        finally:
            imap.logout()


def _quoted(mailbox: str) -> str:
    return '"' + mailbox.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces, so split after its closing parenthesis.
        fields = stat.rsplit(")", 1)[-1].split()
        if len(fields) > 1 and fields[1] == str(pid):
            found.append(int(entry.name))
    return found


def _has_user(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True
