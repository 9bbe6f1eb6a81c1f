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
                if not urlparse(self.path).path.endswith("/token"):
                    self._answer(404, {"error": "not_found"})
                    return
                provider.token_requests.append(form)
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
