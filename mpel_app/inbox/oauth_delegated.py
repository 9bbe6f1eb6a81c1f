"""Delegated OAuth2 for a person's desk: sign in once with a device code, then tokens renewed from the keyring.

Where a desk takes a Microsoft 365 mailbox in by itself (inbox/desk_intake.py)
there is no app secret to hold: the person signs in as themselves (scope
``IMAP.AccessAsUser.All``) with Entra ID's device-code flow: the desk shows
a code and a web address, the person enters the code in any browser.  The
sign-in yields an access token (about an hour) and a refresh token (months,
and renewed at each use).  ``DelegatedTokens``:

* keeps only the **refresh token**, in the OS keyring (service
  ``KEYRING_SERVICE``, name ``USER@HOST`` of the mailbox, in parts where it is
  longer than Windows Credential Manager holds), never in a file;
  where there is no keyring, in this process's memory (notify/credentials.py),
  so the person signs in again next session.  The access token stays in memory.
* renews **before expiry**: ``token()`` answers from memory while the access
  token has more than ``margin`` to live, and otherwise redeems the refresh
  token (msal, ``acquire_token_by_refresh_token``) for a new pair, keeping the
  new refresh token (Entra ID rotates them: the old one may not work again).
* renews **on an auth failure**: ``renew()`` redeems the refresh token whatever
  the access token's expiry says; imap.connect calls it once when the server
  refuses a token (revoked early, a clock out of step), then logs in again.
* ``NeedsSignIn`` when there is no refresh token, or the provider refused it
  (expired, revoked, password changed): the refresh token is forgotten and the
  person signs in again (``begin_sign_in`` / ``poll_sign_in``).

The sign-in is polled one request at a time (``poll_sign_in`` returns False
while the person has not yet entered the code), so a desk can poll from a
timer without holding a worker thread for minutes.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ..notify import credentials
from .oauth import AUTHORITY, DELEGATED_SCOPE, RENEW_MARGIN, NeedsSignIn, OAuthError, Token, _session_trusting

KEYRING_SERVICE = "MPEL Desk IMAP OAuth"
# Characters per keyring entry.  Windows Credential Manager holds at most 2,560 bytes a credential (1,280
# characters as it stores them, UTF-16) and Entra ID's refresh tokens can be longer: a longer one is kept in
# several entries, ``USER@HOST`` (holding "N:" and the first part) and ``USER@HOST#1`` … ``#N-1``.
KEYRING_PART = 1000
_SIGN_IN_AGAIN = frozenset({"invalid_grant", "interaction_required"})


@dataclass(frozen=True)
class DeviceCode:
    """What the person is shown: enter ``user_code`` at ``verification_uri`` (``message`` says it all)."""

    user_code: str
    verification_uri: str
    message: str
    interval: float  # seconds between polls, as the provider asks
    flow: dict = field(repr=False, compare=False)  # msal's device flow, updated by each poll


class DelegatedTokens:
    """Delegated tokens for one mailbox ``account`` on this desk (see the module docstring)."""

    def __init__(self, client_id: str, account: str, *, tenant: str = "organizations",
                 oidc_authority: str | None = None, verify: str | bool = True, app_factory: Callable | None = None,
                 margin: float = RENEW_MARGIN, clock: Callable[[], float] = time.monotonic):
        if app_factory is None:
            import msal  # imported here: only Microsoft 365 sites need it, and it is slow to import
            app_factory = msal.PublicClientApplication
        options = {"oidc_authority": oidc_authority} if oidc_authority else {"authority": AUTHORITY.format(tenant=tenant)}
        if verify is not True:
            options["http_client"] = _session_trusting(verify)
        self._app = app_factory(client_id, **options)
        self.account = account
        self._margin = margin
        self._clock = clock
        self._lock = threading.Lock()
        self._current: Token | None = None
        self._renew_by = 0.0  # by ``clock``: when the current access token is to be renewed

    # ------------------------------------------------------------------ signing in

    def begin_sign_in(self) -> DeviceCode:
        flow = _reaching(lambda: self._app.initiate_device_flow(scopes=[DELEGATED_SCOPE]))
        if "user_code" not in flow:
            raise OAuthError(f"the sign-in could not start: {_reason(flow)}")
        return DeviceCode(flow["user_code"], flow["verification_uri"], flow.get("message") or
                          f"Open {flow['verification_uri']} and enter the code {flow['user_code']}.",
                          float(flow.get("interval", 5)), flow)

    def poll_sign_in(self, code: DeviceCode) -> bool:
        """One look whether the person has entered the code: True once signed in (the refresh token kept),
        False while still waiting; ``OAuthError`` when the code expired or the sign-in was refused."""
        result = _reaching(lambda: self._app.acquire_token_by_device_flow(code.flow, exit_condition=lambda _f: True))
        if result.get("error") in ("authorization_pending", "slow_down"):
            return False
        with self._lock:
            self._keep(result, self._clock(), time.monotonic())
        return True

    def signed_in(self) -> bool:
        return self._current is not None or bool(self._refresh_token())

    def sign_out(self) -> None:
        with self._lock:
            self._current = None
            forget_refresh_token(self.account)

    # ------------------------------------------------------------------ tokens

    def token(self) -> Token:
        """An access token with more than ``margin`` to live: from memory, or renewed now."""
        with self._lock:
            if self._current is not None and self._renew_by > self._clock():
                return self._current
            return self._redeem()

    def renew(self) -> Token:
        """A new access token whatever the old one's expiry (the server refused it)."""
        with self._lock:
            return self._redeem()

    def _redeem(self) -> Token:
        self._current = None
        refresh = self._refresh_token()
        if not refresh:
            raise NeedsSignIn(self.account)
        asked_at, asked_monotonic = self._clock(), time.monotonic()
        result = self._app.acquire_token_by_refresh_token(refresh, scopes=[DELEGATED_SCOPE])
        if "access_token" not in result and result.get("error") in _SIGN_IN_AGAIN:
            forget_refresh_token(self.account)
            raise NeedsSignIn(self.account, _reason(result))
        return self._keep(result, asked_at, asked_monotonic)

    def _keep(self, result: dict, asked_at: float, asked_monotonic: float) -> Token:
        if "access_token" not in (result or {}):
            raise OAuthError(f"Microsoft Entra ID gave no access token for the mailbox: {_reason(result)}")
        if result.get("refresh_token"):
            keep_refresh_token(self.account, result["refresh_token"])
        lifetime = float(result.get("expires_in") or 3600)
        # As for the service's tokens (oauth.TokenSource): a short-lived one still serves half its life.
        life = max(lifetime - self._margin, lifetime / 2)
        self._renew_by = asked_at + life
        # The session's own deadline is on the monotonic clock, as ImapSession.seconds_left reads it.
        self._current = Token(result["access_token"], asked_monotonic + life)
        return self._current

    def _refresh_token(self) -> str | None:
        return load_refresh_token(self.account)


def keep_refresh_token(account: str, token: str) -> None:
    """Keep ``token`` for ``account`` in the keyring, in parts of ``KEYRING_PART`` characters."""
    before = _part_count(account)
    parts = [token[i:i + KEYRING_PART] for i in range(0, len(token), KEYRING_PART)]
    for index, part in enumerate(parts[1:], start=1):  # the tail first: the head names them once all are there
        credentials.set_password(f"{account}#{index}", part, service=KEYRING_SERVICE)
    credentials.set_password(account, f"{len(parts)}:{parts[0]}", service=KEYRING_SERVICE)
    for index in range(len(parts), before):  # a longer token's parts, left over
        credentials.forget_password(f"{account}#{index}", service=KEYRING_SERVICE)


def load_refresh_token(account: str) -> str | None:
    head = credentials.get_password(account, service=KEYRING_SERVICE)
    count, _, first = (head or "").partition(":")
    if not count.isdigit():
        return None
    rest = [credentials.get_password(f"{account}#{i}", service=KEYRING_SERVICE) for i in range(1, int(count))]
    return None if None in rest else first + "".join(rest)


def forget_refresh_token(account: str) -> None:
    for index in range(1, _part_count(account)):
        credentials.forget_password(f"{account}#{index}", service=KEYRING_SERVICE)
    credentials.forget_password(account, service=KEYRING_SERVICE)


def _part_count(account: str) -> int:
    count = (credentials.get_password(account, service=KEYRING_SERVICE) or "").partition(":")[0]
    return int(count) if count.isdigit() else 1


def _reaching(call: Callable[[], dict]) -> dict:
    """``call`` (a request to the provider), its failure to get there told as a sentence for the person."""
    try:
        return call()
    except Exception as exc:  # noqa: BLE001 - requests' or msal's own: the person can only try again later
        raise OAuthError(f"the Microsoft 365 sign-in service cannot be reached ({type(exc).__name__}: {exc})") \
            from exc


def _reason(result: dict | None) -> str:
    return (result or {}).get("error_description") or (result or {}).get("error") or "no reason given"
