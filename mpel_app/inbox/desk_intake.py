"""The central inbox taken in by a desk itself: one desk on its own database, no `mpel inbox serve` running.

Where MPEL Desk runs on its own (the embedded SQLite file, or a small site
with no service process), the desk that shows the Central inbox takes the
mail in too.  Pieces:

* The mailbox to read (host, port, security, user, folders) is kept in the
  database's ``settings`` (``mpel inbox configure`` writes it), so every desk
  on the same file reads the same mailbox; the password is in the OS keyring
  (service ``MPEL Desk IMAP``, name ``USER@HOST``, as ``mpel inbox serve``
  reads it), or asked for and kept for the session only where there is none.
* One intake at a time across every desk sharing the database: a lease in
  ``settings`` (``inbox.desk_lease``) taken by compare-and-set in one
  statement, so two desks never read the mailbox at once; a lease left by a
  desk that died expires after ``LEASE_SECONDS``.  Exactly once holds even
  without it (services/inbox.py), the lease only saves double work.
* A Microsoft 365 mailbox (no passwords over IMAP) is read with the person's
  own delegated OAuth2 sign-in: a device code shown on the desk
  (``begin_sign_in`` / ``poll_sign_in``), then tokens renewed from the refresh
  token in this computer's keyring, before they expire and when the server
  refuses one (inbox/oauth_delegated.py).
* ``take_in_now`` is blocking (IMAP and database): the view runs it through
  the TaskRunner, never on the UI thread.
"""
from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ..db.models import Setting
from ..db.uow import UnitOfWork
from ..domain import permissions as perm
from ..domain.clock import Clock
from ..domain.errors import MpelError, ValidationError
from ..domain.inbox_rules import DESK_INTAKE_LEASE
from ..domain.permissions import Action
from ..domain.records import UserRecord
from ..notify import credentials
from ..services.inbox import InboxService
from .imap import DEFAULT_PORTS, ImapError, ImapSettings, connect
from .intake import Summary, run_once
from .oauth_delegated import DelegatedTokens, DeviceCode

KEYRING_SERVICE = "MPEL Desk IMAP"  # as `mpel inbox serve` (cli_inbox.py)
LEASE_KEY = DESK_INTAKE_LEASE
LEASE_SECONDS = 15 * 60  # longer than any pass; a desk that died frees the mailbox after this
_KEYS = {"host": "inbox.imap_host", "port": "inbox.imap_port", "security": "inbox.imap_security",
         "user": "inbox.imap_user", "mailbox": "inbox.mailbox", "processed": "inbox.processed_folder",
         "quarantine": "inbox.quarantine_folder", "oauth_client_id": "inbox.oauth_client_id",
         "oauth_tenant": "inbox.oauth_tenant", "oauth_authority": "inbox.oauth_authority"}
log = logging.getLogger(__name__)


class IntakeBusy(MpelError):
    """Another desk is taking the mail in right now."""


class NotConfigured(MpelError):
    """No mailbox has been set up for the desks to take in."""


class NeedsPassword(NotConfigured):
    """Neither the keyring nor this session knows the mailbox's password: ask the person, then try again."""

    def __init__(self, account: str):
        super().__init__(f"the password for {account} is needed")
        self.account = account


@dataclass(frozen=True)
class DeskMailbox:
    host: str
    port: int
    security: str
    user: str
    mailbox: str = "INBOX"
    processed: str = "Processed"
    quarantine: str = "Quarantine"
    # Microsoft 365: each person signs in with a device code (delegated OAuth2, inbox/oauth_delegated.py)
    # as this app registration, in this tenant (or at another OpenID provider's issuer URL).
    oauth_client_id: str = ""
    oauth_tenant: str = ""
    oauth_authority: str = ""

    @property
    def account(self) -> str:
        return f"{self.user}@{self.host}"

    @property
    def uses_oauth(self) -> bool:
        return bool(self.oauth_client_id)

    def imap_settings(self) -> ImapSettings:
        return ImapSettings(host=self.host, port=self.port, user=self.user, security=self.security,
                            mailbox=self.mailbox, processed_folder=self.processed, quarantine_folder=self.quarantine)


def holder_name() -> str:
    """Who holds the lease, as a person would recognise it: this computer and process."""
    return f"{socket.gethostname()}:{os.getpid()}"


class DeskIntake:
    def __init__(self, uow: UnitOfWork, clock: Clock, inbox: InboxService, *, holder: str | None = None,
                 token_factory: Callable[[DeskMailbox], DelegatedTokens] | None = None):
        self._uow = uow
        self._clock = clock
        self._inbox = inbox
        self.holder = holder or holder_name()
        self._token_factory = token_factory or self._delegated_tokens
        self._tokens: dict[DeskMailbox, DelegatedTokens] = {}  # one per mailbox for the desk's life
        self._tokens_lock = threading.Lock()

    # ------------------------------------------------------------------ the mailbox

    def mailbox(self) -> DeskMailbox | None:
        with self._uow.read() as s:
            rows = dict(s.execute(select(Setting.key, Setting.value).where(Setting.key.in_(_KEYS.values()))).all())
        text = {name: rows.get(key) or "" for name, key in _KEYS.items()}
        if not text["host"] or not text["user"]:
            return None
        security = text["security"] or "ssl"
        return DeskMailbox(host=text["host"], port=int(text["port"] or DEFAULT_PORTS[security]), security=security,
                           user=text["user"], mailbox=text["mailbox"] or "INBOX",
                           processed=text["processed"] or "Processed", quarantine=text["quarantine"] or "Quarantine",
                           oauth_client_id=text["oauth_client_id"], oauth_tenant=text["oauth_tenant"],
                           oauth_authority=text["oauth_authority"])

    def configure(self, actor: UserRecord | None, mailbox: DeskMailbox, password: str | None = None) -> bool:
        """Keep the mailbox for every desk (and its password in this computer's keyring: True when stored
        there, False when only for this session).  ``actor`` None: the command line, run by the owner."""
        if actor is not None:
            perm.require(actor, Action.FILTER_FURTHER_ACTION)
        ImapSettings(host=mailbox.host, security=mailbox.security)  # refuses a wrong security at once
        if not mailbox.host or not mailbox.user:
            raise ValidationError("the mailbox needs a server and a user name")
        now = self._clock.now()
        with self._uow() as s:
            for name, key in _KEYS.items():
                value = str(getattr(mailbox, name))
                row = s.get(Setting, key)
                if row is None:
                    s.add(Setting(key=key, value=value, updated_at=now, updated_by_id=actor.id if actor else None))
                else:
                    row.value, row.updated_at = value, now
                    row.updated_by_id = actor.id if actor else None
        if password:
            return credentials.set_password(mailbox.account, password, service=KEYRING_SERVICE)
        return False

    # ------------------------------------------------------------------ one intake at a time

    def _lease(self, now: datetime) -> str:
        return f"{self.holder}|{(now + timedelta(seconds=LEASE_SECONDS)).isoformat()}"

    def acquire(self) -> None:
        """Take the lease, or ``IntakeBusy`` naming the desk that holds it."""
        now = self._clock.now()
        try:
            with self._uow() as s:
                if s.get(Setting, LEASE_KEY) is None:
                    s.add(Setting(key=LEASE_KEY, value="", updated_at=now))
        except IntegrityError:
            pass  # another desk made the row this instant: the compare-and-set below decides
        with self._uow() as s:
            row = s.get(Setting, LEASE_KEY)
            current = row.value if row else ""
            holder, _, until = current.partition("|")
            free = not current or holder == self.holder or _expired(until, now)
            if not free:
                raise IntakeBusy(f"another desk ({holder}) is taking the central inbox in; try again shortly")
            # Compare-and-set: only if nobody changed it since it was read (one statement, atomic on both DBs).
            done = s.execute(update(Setting).where(Setting.key == LEASE_KEY, Setting.value == current)
                             .values(value=self._lease(now), updated_at=now))
            if done.rowcount != 1:
                raise IntakeBusy("another desk started taking the central inbox in at the same moment")

    def release(self) -> None:
        with self._uow() as s:
            s.execute(update(Setting).where(Setting.key == LEASE_KEY, Setting.value.like(f"{self.holder}|%"))
                      .values(value="", updated_at=self._clock.now()))

    # ------------------------------------------------------------------ taking in

    def _delegated_tokens(self, mailbox: DeskMailbox) -> DelegatedTokens:
        # The desk's injected clock decides when a token is near its expiry (as every rule's time).
        return DelegatedTokens(mailbox.oauth_client_id, mailbox.account, tenant=mailbox.oauth_tenant or "organizations",
                               oidc_authority=mailbox.oauth_authority or None,
                               clock=lambda: self._clock.now().timestamp())

    def tokens(self, mailbox: DeskMailbox) -> DelegatedTokens:
        """The delegated tokens of a Microsoft 365 mailbox on this desk, kept for the desk's life."""
        with self._tokens_lock:  # passes and sign-in polls run on the runner's threads
            if mailbox not in self._tokens:
                self._tokens[mailbox] = self._token_factory(mailbox)
            return self._tokens[mailbox]

    def begin_sign_in(self, actor: UserRecord) -> DeviceCode:
        """Start the person's Microsoft 365 sign-in for the mailbox (blocking: one HTTPS request)."""
        perm.require(actor, Action.FILTER_FURTHER_ACTION)
        return self.tokens(self._oauth_mailbox()).begin_sign_in()

    def poll_sign_in(self, actor: UserRecord, code: DeviceCode) -> bool:
        """One look whether the person has entered the code (True: signed in, the refresh token kept)."""
        perm.require(actor, Action.FILTER_FURTHER_ACTION)
        return self.tokens(self._oauth_mailbox()).poll_sign_in(code)

    def _oauth_mailbox(self) -> DeskMailbox:
        mailbox = self._configured()
        if not mailbox.uses_oauth:
            raise ValidationError(f"{mailbox.account} is read with a password, not a Microsoft 365 sign-in")
        return mailbox

    def _configured(self) -> DeskMailbox:
        mailbox = self.mailbox()
        if mailbox is None:
            raise NotConfigured("no central mailbox is set up for the desks: an administrator runs "
                                "`mpel inbox configure` (or `mpel inbox serve` runs for the site)")
        return mailbox

    def take_in_now(self, actor: UserRecord, *, password: str | None = None,
                    connector: Callable = connect) -> Summary:
        """One pass over the mailbox from this desk (blocking: run it off the UI thread).

        The password comes from the keyring (or this session's memory); ``NeedsPassword`` when neither
        has it: the desk asks the person and calls again with ``password``, which is then remembered.
        A Microsoft 365 mailbox logs in with the person's delegated token instead, renewed as it nears
        expiry or when the server refuses it; ``NeedsSignIn`` when the person must sign in (again).
        """
        perm.require(actor, Action.FILTER_FURTHER_ACTION)
        mailbox = self._configured()
        if mailbox.uses_oauth:
            return self._pass(actor, mailbox, connector, tokens=self.tokens(mailbox))
        if password:
            credentials.set_password(mailbox.account, password, service=KEYRING_SERVICE)
        else:
            password = credentials.get_password(mailbox.account, service=KEYRING_SERVICE)
        if not password:
            raise NeedsPassword(mailbox.account)
        try:
            return self._pass(actor, mailbox, connector, password=password)
        except ImapError as exc:
            if exc.auth:  # a stale password in the keyring: forget it, so the next try asks afresh
                credentials.forget_password(mailbox.account, service=KEYRING_SERVICE)
            raise

    def _pass(self, actor: UserRecord, mailbox: DeskMailbox, connector: Callable, **login) -> Summary:
        self.acquire()
        try:
            settings = mailbox.imap_settings()
            with connector(settings, **login) as imap:
                # Taken in by the person at this desk: on a shared PostgreSQL with per-person logins the
                # database signs every change with that login, and refuses one claiming another account.
                summary = run_once(imap, self._inbox, settings, actor=actor)
        finally:
            self.release()
        log.info("inbox: taken in from the desk by %s: %s", actor.username, summary.as_dict())
        return summary


def _expired(until: str, now: datetime) -> bool:
    try:
        return datetime.fromisoformat(until) <= now
    except ValueError:
        return True  # unreadable: treat as free rather than lock the mailbox for ever
