"""A fake OpenID provider on loopback speaking real HTTP: tokens for msal, token checks for Dovecot.

* HTTPS (our own certificate, as msal insists): ``/.well-known/openid-configuration``
  and ``/token``, the client-credentials grant msal's ``acquire_token_for_client``
  makes, answered as Entra ID would (``access_token``, ``expires_in``) or with
  ``invalid_client`` for a wrong secret.
* HTTP: ``/tokeninfo?access_token=…``, which Dovecot's oauth2 passdb asks to
  check a token at login: 200 with the user name while the token lives, 401
  once it has expired or was never issued.

Tokens live ``lifetime`` seconds (short in the tests, to watch a renewal
happen).  Everything asked is recorded for the tests to look at.

Delegated sign-in (a person's desk), as Entra ID does it for a public client:
``/devicecode`` starts a device-code sign-in (``authorization_pending`` at the
token endpoint until the test ``approve``s the user code, as the person would
in a browser); the token then comes with a refresh token, and the
``refresh_token`` grant gives a new access token and a new refresh token,
the old one no longer accepted (rotation).  ``revoke`` withdraws an access
token early (the server refuses it before its time, as after a password
change); ``revoke_refresh_tokens`` ends every sign-in.
"""
from __future__ import annotations

import json
import secrets
import ssl
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse


@dataclass
class FakeIdentityProvider:
    cert: Path
    key: Path
    client_id: str = "mpel-intake-app"
    client_secret: str = "app-s3cret"
    user: str = "mpel-inbox"
    lifetime: float = 3600.0
    issued: dict[str, float] = field(default_factory=dict)  # token -> monotonic expiry
    token_requests: list[dict] = field(default_factory=list)
    checks: list[tuple[str, bool]] = field(default_factory=list)  # (token, accepted) as Dovecot asked
    public_client_id: str = "mpel-desk-app"  # the desk's own registration: no secret (a public client)
    device_codes: dict[str, dict] = field(default_factory=dict)  # device_code -> {"user_code", "approved"}
    refresh_tokens: set[str] = field(default_factory=set)  # those still accepted
    device_requests: list[dict] = field(default_factory=list)  # each sign-in started, as asked
    refresh_token_length: int = 0  # 0: short; Entra ID's own run to a couple of thousand characters
    _servers: list = field(default_factory=list)

    @property
    def issuer(self) -> str:
        return f"https://127.0.0.1:{self._servers[0].server_port}/mpel-tenant"  # msal wants a path

    @property
    def tokeninfo_url(self) -> str:
        return f"http://127.0.0.1:{self._servers[1].server_port}/tokeninfo?access_token="

    def start(self) -> None:
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet: the tests read the records instead
                pass

            def _answer(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                url = urlparse(self.path)
                if url.path.endswith("/.well-known/openid-configuration"):
                    base = provider.issuer
                    self._answer(200, {"issuer": base, "token_endpoint": f"{base}/token",
                                       "authorization_endpoint": f"{base}/authorize",
                                       "device_authorization_endpoint": f"{base}/devicecode"})
                elif url.path == "/tokeninfo":
                    token = (parse_qs(url.query).get("access_token") or [""])[0]
                    alive = provider.issued.get(token, 0.0) > time.monotonic()
                    provider.checks.append((token, alive))
                    if alive:
                        self._answer(200, {"active": True, "username": provider.user, "scope": "IMAP"})
                    else:
                        self._answer(401, {"error": "invalid_token", "active": False})
                else:
                    self._answer(404, {"error": "not_found"})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                if not urlparse(self.path).path.endswith(("/token", "/devicecode")):
                    self._answer(404, {"error": "not_found"})
                    return
                if urlparse(self.path).path.endswith("/devicecode"):
                    self._answer(*provider._device_code(form))
                    return
                provider.token_requests.append(form)
                if form.get("client_id") == provider.public_client_id:
                    self._answer(*provider._delegated(form))
                    return
                if form.get("client_id") != provider.client_id or form.get("client_secret") != provider.client_secret:
                    self._answer(401, {"error": "invalid_client",
                                       "error_description": "AADSTS7000215: Invalid client secret provided."})
                    return
                token = "tok-" + secrets.token_urlsafe(16)
                provider.issued[token] = time.monotonic() + provider.lifetime
                self._answer(200, {"token_type": "Bearer", "access_token": token,
                                   "expires_in": int(provider.lifetime), "ext_expires_in": int(provider.lifetime)})

        secure = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert, self.key)
        secure.socket = context.wrap_socket(secure.socket, server_side=True)
        plain = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._servers = [secure, plain]
        for server in self._servers:
            threading.Thread(target=server.serve_forever, daemon=True).start()

    # ---------------------------------------------------------------- delegated sign-in

    def _device_code(self, form: dict) -> tuple[int, dict]:
        self.device_requests.append(form)
        if form.get("client_id") != self.public_client_id:
            return 400, {"error": "invalid_client", "error_description": "AADSTS700016: unknown application"}
        device_code, user_code = secrets.token_urlsafe(24), secrets.token_hex(4).upper()
        self.device_codes[device_code] = {"user_code": user_code, "approved": False, "scope": form.get("scope")}
        uri = f"{self.issuer}/device"
        return 200, {"device_code": device_code, "user_code": user_code, "verification_uri": uri,
                     "expires_in": 900, "interval": 1,
                     "message": f"To sign in, use a web browser to open the page {uri} and enter the code "
                                f"{user_code} to authenticate."}

    def approve(self, user_code: str) -> None:
        """The person signs in and enters the code (in a browser, on any device)."""
        for entry in self.device_codes.values():
            if entry["user_code"] == user_code:
                entry["approved"] = True
                return
        raise KeyError(user_code)

    def _delegated(self, form: dict) -> tuple[int, dict]:
        grant = form.get("grant_type", "")
        if grant.endswith(":device_code"):
            entry = self.device_codes.get(form.get("device_code", ""))
            if entry is None:
                return 400, {"error": "expired_token", "error_description": "AADSTS70019: the code has expired"}
            if not entry["approved"]:
                return 400, {"error": "authorization_pending",
                             "error_description": "AADSTS70016: the user has not signed in yet"}
            del self.device_codes[form["device_code"]]
        elif grant == "refresh_token":
            old = form.get("refresh_token", "")
            if old not in self.refresh_tokens:
                return 400, {"error": "invalid_grant",
                             "error_description": "AADSTS700082: The refresh token has expired or been revoked."}
            self.refresh_tokens.discard(old)  # rotation: each refresh token is good once
        else:
            return 400, {"error": "unsupported_grant_type"}
        token, refresh = "tok-" + secrets.token_urlsafe(16), "rt-" + secrets.token_urlsafe(24)
        if self.refresh_token_length:
            refresh = (refresh + secrets.token_urlsafe(self.refresh_token_length))[:self.refresh_token_length]
        self.issued[token] = time.monotonic() + self.lifetime
        self.refresh_tokens.add(refresh)
        return 200, {"token_type": "Bearer", "access_token": token, "refresh_token": refresh,
                     "scope": "https://outlook.office365.com/IMAP.AccessAsUser.All",
                     "expires_in": int(self.lifetime), "ext_expires_in": int(self.lifetime)}

    def revoke(self, access_token: str) -> None:
        self.issued.pop(access_token, None)

    def revoke_refresh_tokens(self) -> None:
        self.refresh_tokens.clear()

    def grants(self) -> list[str]:
        """The grant type of each token request, in order."""
        return [form.get("grant_type", "") for form in self.token_requests]

    def stop(self) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()

    def logins_accepted(self) -> list[str]:
        """The distinct tokens Dovecot accepted, in order."""
        seen: list[str] = []
        for token, ok in self.checks:
            if ok and token not in seen:
                seen.append(token)
        return seen
