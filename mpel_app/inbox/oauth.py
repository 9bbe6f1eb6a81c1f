"""OAuth2 for Microsoft 365 mailboxes: the SASL XOAUTH2 string, and a token from Entra ID through ``msal``.

Microsoft 365 accepts IMAP only with OAuth2 (basic authentication is off).
Two ways to get a token:

* app-only (a service process, ``mpel inbox serve``): client credentials of an
  app registration granted ``IMAP.AccessAsApp``, scope
  ``https://outlook.office365.com/.default``;
* delegated (a person's desk): device-code sign-in with the scope
  ``https://outlook.office365.com/IMAP.AccessAsUser.All``, then renewed
  from the refresh token kept in the keyring (oauth_delegated.py).

The client secret, like every password, comes from the system keyring or is
typed; never from a file.  ``msal`` is imported only when a token is wanted.

A token lasts about an hour; a watching service outlives it.  ``TokenSource``
keeps one msal application (and so its token cache) for the life of the
service: each log-in asks it for a token, msal answers from its cache while
the token is fresh and asks Entra ID for a new one when it is near expiry, and
the token's expiry tells the IMAP session when to log out and in again
(``ImapSession.renew_at``, a margin before the server would stop accepting
it).  IMAP cannot swap the token of a logged-in session, so renewal is a new
log-in.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from ..domain.errors import MpelError

APP_SCOPE = "https://outlook.office365.com/.default"
DELEGATED_SCOPE = "https://outlook.office365.com/IMAP.AccessAsUser.All"
AUTHORITY = "https://login.microsoftonline.com/{tenant}"


class OAuthError(MpelError):
    pass


class NeedsSignIn(OAuthError):
    """A person's desk has no usable sign-in for the mailbox (oauth_delegated.py): the person signs in again."""

    def __init__(self, account: str, reason: str = ""):
        super().__init__(f"sign in to Microsoft 365 for the mailbox {account}" + (f" ({reason})" if reason else ""))
        self.account = account


def xoauth2_string(user: str, access_token: str) -> bytes:
    """The XOAUTH2 initial response, before base64 (imaplib encodes it): ``user=…^Aauth=Bearer …^A^A``."""
    if not user or any(c in user for c in "\x01\r\n"):
        raise OAuthError("XOAUTH2 needs the mailbox's user name, without control characters")
    if not access_token or any(c in access_token for c in "\x01\r\n "):
        raise OAuthError("XOAUTH2 needs an access token without spaces or control characters")
    return f"user={user}\x01auth=Bearer {access_token}\x01\x01".encode("ascii")


def app_token(tenant: str, client_id: str, client_secret: str, *, app_factory: Callable | None = None) -> str:
    """An app-only access token for IMAP (client credentials flow)."""
    if app_factory is None:
        import msal  # imported here: only Microsoft 365 sites need it, and it is slow to import
        app_factory = msal.ConfidentialClientApplication
    app = app_factory(client_id, authority=AUTHORITY.format(tenant=tenant), client_credential=client_secret)
    result = app.acquire_token_for_client(scopes=[APP_SCOPE])
    return _token(result)


def _token(result: dict) -> str:
    token = (result or {}).get("access_token")
    if not token:
        reason = (result or {}).get("error_description") or (result or {}).get("error") or "no token returned"
        raise OAuthError(f"Microsoft Entra ID gave no access token for the mailbox: {reason}")
    return token


RENEW_MARGIN = 300.0  # log in afresh this long before the token expires (msal refreshes within 5 minutes too)


@dataclass(frozen=True)
class Token:
    access_token: str
    renew_at: float  # time.monotonic() by which a session using it must log in again


class TokenSource:
    """App-only tokens for one mailbox, from one msal application and its token cache, for as long as it runs.

    ``oidc_authority`` (instead of the tenant's Entra ID) and ``verify`` (a CA file) point it at another
    OpenID provider: a site's own, or a test's on loopback.
    """

    def __init__(self, tenant: str, client_id: str, client_secret: str, *, app_factory: Callable | None = None,
                 oidc_authority: str | None = None, verify: str | bool = True, margin: float = RENEW_MARGIN):
        if app_factory is None:
            import msal  # imported here: only Microsoft 365 sites need it, and it is slow to import
            app_factory = msal.ConfidentialClientApplication
        options = {"client_credential": client_secret}
        if oidc_authority:
            options["oidc_authority"] = oidc_authority
        else:
            options["authority"] = AUTHORITY.format(tenant=tenant)
        if verify is not True:
            options["http_client"] = _session_trusting(verify)
        self._app = app_factory(client_id, **options)
        self._margin = margin
        self._lock = threading.Lock()

    def token(self) -> Token:
        """A token fresh enough to log in with now (from msal's cache while it lasts), and when to renew it."""
        with self._lock:
            asked_at = time.monotonic()
            result = self._app.acquire_token_for_client(scopes=[APP_SCOPE])
            access = _token(result)
            lifetime = float(result.get("expires_in") or 3600)
            # A short-lived token (tests; some tenants) still gets a useful session: renew at half its life at least.
            return Token(access, asked_at + max(lifetime - self._margin, lifetime / 2))


def _session_trusting(verify: str | bool):
    """An HTTP session that checks certificates against ``verify`` (a CA file) whatever the environment says.

    ``requests`` lets REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE override a session's own ``verify``; a
    site's CA given on the command line must win.  Proxies from the environment still apply.
    """
    import functools

    import requests

    session = requests.Session()
    session.request = functools.partial(session.request, verify=verify, timeout=30)
    return session
