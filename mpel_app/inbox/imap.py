"""The IMAP conversation with the central mailbox (standard library ``imaplib``), bounded and explicit.

* Connection security: ``ssl`` (implicit TLS, port 993), ``starttls`` (port
  143 upgraded before login) or ``plain`` (loopback and test servers only);
  certificates are checked, with an extra CA file for a private CA.
* Login with a password, or SASL XOAUTH2 with a bearer token (Microsoft 365
  accepts nothing else; see ``oauth.py``).
* Messages are read with ``BODY.PEEK[]``: reading never sets ``\\Seen``, so the
  mailbox looks to an administrator exactly as it did until a message is
  filed.
* ``move`` uses ``UID MOVE`` when the server offers MOVE, and otherwise
  ``UID COPY`` + ``\\Deleted`` + ``UID EXPUNGE`` (UIDPLUS), or a plain
  ``EXPUNGE`` as the last resort (it also removes other messages already
  marked deleted, which is what any client's expunge does).
* ``idle`` waits for new mail with IDLE (RFC 2177) when the server offers
  it: the watching service hears of a message as it arrives instead of
  polling.  imaplib (before Python 3.14) has no IDLE, so the command is
  spoken here over imaplib's own connection.
* Every failure comes out as ``ImapError``, whose text can be shown as it is;
  ``auth`` tells a refused login (retrying will not help) from a dropped
  connection (it will).
"""
from __future__ import annotations

import imaplib
import logging
import re
import select
import ssl
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..domain.errors import MpelError

SECURITY = ("ssl", "starttls", "plain")
DEFAULT_PORTS = {"ssl": 993, "starttls": 143, "plain": 143}
FETCH_BATCH = 25
log = logging.getLogger(__name__)


class ImapError(MpelError):
    def __init__(self, message: str, *, auth: bool = False):
        super().__init__(message)
        self.auth = auth


@dataclass(frozen=True)
class ImapSettings:
    host: str
    port: int = 993
    user: str = ""
    security: str = "ssl"
    mailbox: str = "INBOX"
    processed_folder: str = "Processed"
    quarantine_folder: str = "Quarantine"
    timeout: float = 30.0
    ca_file: str | None = None

    def __post_init__(self) -> None:
        if self.security not in SECURITY:
            raise ValueError(f"security must be one of {', '.join(SECURITY)}, not {self.security!r}")

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"


def quote(mailbox: str) -> str:
    """A mailbox name as an IMAP quoted string (names with spaces, quotes or backslashes)."""
    return '"' + mailbox.replace("\\", "\\\\").replace('"', '\\"') + '"'


class ImapSession:
    """One logged-in connection.  Use as a context manager; ``close`` logs out."""

    def __init__(self, imap: imaplib.IMAP4, settings: ImapSettings, *, renew_at: float | None = None):
        self._imap = imap
        self.settings = settings
        self.capabilities = self._capabilities()
        # time.monotonic() by which this session must log out and log in again (its OAuth2 token expires).
        self.renew_at = renew_at

    def __enter__(self) -> ImapSession:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _capabilities(self) -> frozenset[str]:
        typ, data = self._call("CAPABILITY", lambda: self._imap.capability())
        words = b" ".join(d for d in data if isinstance(d, bytes)).decode("ascii", "replace").upper().split()
        return frozenset(words)

    @property
    def has_move(self) -> bool:
        return "MOVE" in self.capabilities

    @property
    def has_uidplus(self) -> bool:
        return "UIDPLUS" in self.capabilities

    @property
    def has_idle(self) -> bool:
        return "IDLE" in self.capabilities

    def seconds_left(self) -> float | None:
        """How long this session may still be used before it must log in again (None: no limit)."""
        return None if self.renew_at is None else self.renew_at - time.monotonic()

    def _call(self, what: str, call: Callable[[], tuple[str, list]], *, ok: bool = True) -> tuple[str, list]:
        try:
            typ, data = call()
        except (imaplib.IMAP4.abort, OSError, EOFError) as exc:
            raise ImapError(f"the connection to the IMAP server {self.settings.where} was lost during {what}: "
                            f"{exc or type(exc).__name__}") from exc
        except imaplib.IMAP4.error as exc:
            raise ImapError(f"the IMAP server refused {what}: {exc}") from exc
        if ok and typ != "OK":
            raise ImapError(f"the IMAP server refused {what}: {_text(data)}")
        return typ, data

    def ensure_folder(self, name: str) -> bool:
        """Create ``name`` if it does not exist; True when it was created."""
        typ, data = self._call("LIST", lambda: self._imap.list('""', quote(name)))
        if any(isinstance(d, bytes) and d for d in data):
            return False
        self._call(f"CREATE {name}", lambda: self._imap.create(quote(name)))
        self._call(f"SUBSCRIBE {name}", lambda: self._imap.subscribe(quote(name)), ok=False)
        return True

    def select(self, mailbox: str) -> int:
        """Open ``mailbox`` for reading and writing; its UIDVALIDITY."""
        self._call(f"SELECT {mailbox}", lambda: self._imap.select(quote(mailbox)))
        _, data = self._imap.response("UIDVALIDITY")
        try:
            return int(data[0])
        except (TypeError, ValueError, IndexError):
            raise ImapError(f"the IMAP server gave no UIDVALIDITY for {mailbox}") from None

    def uids(self) -> list[int]:
        """UIDs of the messages waiting (not already marked deleted), oldest first."""
        _, data = self._call("UID SEARCH", lambda: self._imap.uid("SEARCH", "UNDELETED"))
        return sorted(int(x) for x in (data[0] or b"").split())

    def search_message_id(self, message_id: str) -> list[int]:
        """UIDs in the selected mailbox whose Message-ID header holds ``message_id``."""
        needle = quote(message_id.strip("<>"))
        _, data = self._call("UID SEARCH HEADER", lambda: self._imap.uid("SEARCH", "HEADER", "Message-ID", needle))
        return sorted(int(x) for x in (data[0] or b"").split())

    def fetch(self, uids: Iterable[int]) -> dict[int, bytes]:
        """The raw bytes of each message, read with BODY.PEEK[] (never marks them \\Seen)."""
        wanted = list(uids)
        found: dict[int, bytes] = {}
        for start in range(0, len(wanted), FETCH_BATCH):
            batch = wanted[start:start + FETCH_BATCH]
            spec = ",".join(str(u) for u in batch)
            _, data = self._call("UID FETCH", lambda: self._imap.uid("FETCH", spec, "(UID BODY.PEEK[])"))
            for item in data:
                if isinstance(item, tuple) and len(item) == 2:
                    match = re.search(rb"UID (\d+)", item[0])
                    if match:
                        found[int(match.group(1))] = item[1]
        return found

    def move(self, uid: int, folder: str) -> None:
        if self.has_move:
            self._call(f"UID MOVE to {folder}", lambda: self._imap.uid("MOVE", str(uid), quote(folder)))
            return
        self._call(f"UID COPY to {folder}", lambda: self._imap.uid("COPY", str(uid), quote(folder)))
        self._call("UID STORE \\Deleted", lambda: self._imap.uid("STORE", str(uid), "+FLAGS.SILENT", "(\\Deleted)"))
        if self.has_uidplus:
            self._call("UID EXPUNGE", lambda: self._imap.uid("EXPUNGE", str(uid)))
        else:
            self._call("EXPUNGE", lambda: self._imap.expunge())

    def noop(self) -> None:
        self._call("NOOP", lambda: self._imap.noop())

    def idle(self, seconds: float, stop: threading.Event | None = None) -> bool:
        """IDLE in the selected mailbox until the mailbox changes (True), ``seconds`` pass or ``stop`` is set.

        The wait looks at the socket once a second, so ``stop`` (SIGTERM) ends it promptly.
        """
        imap, where = self._imap, self.settings.where
        try:
            tag = imap._new_tag()
            imap.send(tag + b" IDLE\r\n")
            arrived = False
            while True:
                line = imap.readline()
                if not line:
                    raise EOFError("the server closed the connection")
                if line.startswith(b"+"):
                    break
                if line.startswith(tag):  # refused (e.g. IDLE not really there)
                    raise imaplib.IMAP4.error(line.decode("utf-8", "replace").strip())
                # A message that came since the last look is announced as IDLE begins (Dovecot syncs
                # first): the wait is over before it starts.
                arrived = arrived or _news(line)
            deadline = time.monotonic() + max(0.0, seconds)
            while not arrived and time.monotonic() < deadline and not (stop is not None and stop.is_set()):
                if not self._readable(min(1.0, max(0.0, deadline - time.monotonic()))):
                    continue
                line = imap.readline()
                if not line:
                    raise EOFError("the server closed the connection")
                if line.startswith(b"* BYE"):
                    raise imaplib.IMAP4.abort(line.decode("utf-8", "replace").strip())
                if line.startswith(tag):  # the server ended the IDLE itself: no DONE to send
                    if not line[len(tag):].lstrip().upper().startswith(b"OK"):
                        raise imaplib.IMAP4.error(line.decode("utf-8", "replace").strip())
                    return True
                # Any news but the server's keep-alive ends the wait: the mailbox is looked at again.
                arrived = _news(line)
            imap.send(b"DONE\r\n")
            while True:
                line = imap.readline()
                if not line:
                    raise EOFError("the server closed the connection")
                if line.startswith(tag):
                    if not line[len(tag):].lstrip().upper().startswith(b"OK"):
                        raise imaplib.IMAP4.error(line.decode("utf-8", "replace").strip())
                    return arrived
                arrived = arrived or bool(re.match(rb"\* \d+ EXISTS", line))
        except (imaplib.IMAP4.abort, OSError, EOFError) as exc:
            raise ImapError(f"the connection to the IMAP server {where} was lost during IDLE: "
                            f"{exc or type(exc).__name__}") from exc
        except imaplib.IMAP4.error as exc:
            raise ImapError(f"the IMAP server refused IDLE: {exc}") from exc

    def _readable(self, timeout: float) -> bool:
        sock = self._imap.sock
        # Bytes already read off the socket are invisible to select(): imaplib's buffered reader may hold
        # the line that came in the same packet as the one before it ("+ idling" and "* 1 EXISTS" together,
        # the rule under load), and TLS may hold decrypted bytes.  Waiting on the socket for those would
        # wait until the server's next keep-alive, minutes away.
        if self._buffered() or (isinstance(sock, ssl.SSLSocket) and sock.pending()):
            return True
        return bool(select.select([sock], [], [], timeout)[0])

    def _buffered(self) -> bool:
        """Whether imaplib's reader holds unread bytes (found without blocking: the socket is non-blocking
        while its buffer is peeked at, so an empty buffer costs one refused read)."""
        sock, reader = self._imap.sock, self._imap.file
        timeout = sock.gettimeout()
        sock.settimeout(0.0)
        try:
            return bool(reader.peek(1))
        except (BlockingIOError, ssl.SSLWantReadError):
            return False
        finally:
            sock.settimeout(timeout)

    def close(self) -> None:
        try:
            self._imap.logout()
        except Exception:  # already gone: nothing to tidy
            pass


def connect(settings: ImapSettings, *, password: str | None = None, oauth_token: str | None = None,
            tokens=None) -> ImapSession:
    """Connect, secure the connection as ``settings.security`` says, and log in.

    ``tokens`` (an ``oauth.TokenSource`` or ``oauth_delegated.DelegatedTokens``): log in with XOAUTH2 using a
    token from it, and have the session say when it must log in again (``renew_at``) because that token is
    about to expire.  A source that can ``renew`` gets one more try when the server refuses its token
    (revoked before its time): a fresh token, a fresh connection.
    """
    if tokens is None:
        return _open(settings, password=password, oauth_token=oauth_token)
    token = _token_from(tokens.token)
    try:
        return _open(settings, oauth_token=token.access_token, renew_at=token.renew_at)
    except ImapError as exc:
        if not exc.auth or not hasattr(tokens, "renew"):
            raise
        log.info("inbox: the IMAP server refused the OAuth2 token of %s: renewing it and logging in again",
                 settings.user)
    token = _token_from(tokens.renew)
    return _open(settings, oauth_token=token.access_token, renew_at=token.renew_at)


def _token_from(ask: Callable):
    from .oauth import NeedsSignIn, OAuthError

    try:
        return ask()
    except NeedsSignIn:
        raise  # the person signs in again: the desk knows how to ask
    except OAuthError as exc:  # the identity provider refused (a wrong secret, say): retrying will not help
        raise ImapError(str(exc), auth=True) from exc
    except Exception as exc:  # noqa: BLE001 - the provider unreachable: like a lost connection, try again later
        raise ImapError(f"no OAuth2 token for the mailbox: {type(exc).__name__}: {exc}") from exc


def _open(settings: ImapSettings, *, password: str | None = None, oauth_token: str | None = None,
          renew_at: float | None = None) -> ImapSession:
    context = ssl.create_default_context(cafile=settings.ca_file) if settings.security != "plain" else None
    try:
        if settings.security == "ssl":
            imap = imaplib.IMAP4_SSL(settings.host, settings.port, ssl_context=context, timeout=settings.timeout)
        else:
            imap = imaplib.IMAP4(settings.host, settings.port, timeout=settings.timeout)
            if settings.security == "starttls":
                imap.starttls(ssl_context=context)
    except ssl.SSLError as exc:
        raise ImapError(f"TLS with the IMAP server {settings.where} failed: {exc.reason or exc}") from exc
    except (OSError, imaplib.IMAP4.error, EOFError) as exc:
        raise ImapError(f"cannot connect to the IMAP server {settings.where}: {exc or type(exc).__name__}") from exc
    try:
        if oauth_token is not None:
            from .oauth import xoauth2_string
            sasl = xoauth2_string(settings.user, oauth_token)
            imap.authenticate("XOAUTH2", lambda _challenge: sasl)
        else:
            imap.login(settings.user, password or "")
    except imaplib.IMAP4.abort as exc:
        raise ImapError(f"the IMAP server {settings.where} closed the connection at login: {exc}") from exc
    except imaplib.IMAP4.error as exc:
        _quietly_close(imap)
        raise ImapError(f"the IMAP server {settings.where} refused the login of {settings.user!r}: "
                        f"{_text([exc.args[0] if exc.args else b''])}", auth=True) from exc
    except OSError as exc:
        raise ImapError(f"the connection to the IMAP server {settings.where} was lost at login: {exc}") from exc
    return ImapSession(imap, settings, renew_at=renew_at)


def _news(line: bytes) -> bool:
    """An untagged line telling of a change (EXISTS, EXPUNGE, FETCH...), not the server's "* OK" keep-alive."""
    return line.startswith(b"* ") and not line[2:].upper().startswith(b"OK")


def _quietly_close(imap: imaplib.IMAP4) -> None:
    try:
        imap.shutdown()
    except (OSError, imaplib.IMAP4.error):
        pass


def _text(data: list) -> str:
    parts = []
    for item in data or ():
        if isinstance(item, bytes):
            parts.append(item.decode("utf-8", "replace"))
        elif item is not None:
            parts.append(str(item))
    return " ".join(parts).strip() or "no reason given"

