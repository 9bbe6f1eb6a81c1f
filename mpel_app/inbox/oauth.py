"""OAuth2 for Microsoft 365 mailboxes: the SASL XOAUTH2 string, and a token from Entra ID through ``msal``.

Microsoft 365 accepts IMAP only with OAuth2 (basic authentication is off).
Two ways to get a token:

* app-only (a service process, ``mpel inbox serve``): client credentials of an
  app registration granted ``IMAP.AccessAsApp``, scope
  ``https://outlook.office365.com/.default``;
* delegated (a person's desk): device-code sign-in with the scope
  ``https://outlook.office365.com/IMAP.AccessAsUser.All``.

The client secret, like every password, comes from the system keyring or is
typed; never from a file.  ``msal`` is imported only when a token is wanted.
"""
from __future__ import annotations

from collections.abc import Callable

from ..domain.errors import MpelError

APP_SCOPE = "https://outlook.office365.com/.default"
DELEGATED_SCOPE = "https://outlook.office365.com/IMAP.AccessAsUser.All"
AUTHORITY = "https://login.microsoftonline.com/{tenant}"


class OAuthError(MpelError):
    pass


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
