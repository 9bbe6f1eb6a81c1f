"""The generic CTI webhook endpoint: PBXs and cloud telephony POST ``newCall`` / ``answer`` / ``hangup`` here.

The format is Zammad's generic CTI API, which PBX connectors already speak:

    POST /api/v1/cti/TOKEN                         (Zammad's own URL form)
    POST /api/v1/cti   Authorization: Bearer TOKEN
    POST /api/v1/cti?token=TOKEN                   (for PBXs that can only be given a URL)

with a form-encoded body (``event=newCall&from=…&to=…&direction=in&callId=…
&user[]=Alice&user[]=Bob&queue=…``) or the same fields as a JSON object.
Fields: ``event``, ``callId`` (both required), ``from``, ``to``, ``direction``
(``in``/``out``), ``user`` / ``user[]``, ``queue``, ``cause``,
``answeringNumber`` (Zammad's answer field, taken as the user when none is
given) and an optional ``time`` (ISO 8601, or epoch seconds); a call posted
without times is timed on receipt.

Refusals: no or empty token 401, wrong token 403 (compared in constant time
with ``hmac.compare_digest``), no ``Content-Length`` 411, a body over
``max_body`` 413 (decided from ``Content-Length`` before reading anything),
an unknown event, a missing ``callId`` or an unreadable body 400.  Each refusal
is logged as one line, without the token (the URL form carries it, so the
standard request log is switched off).  Accepted events are handed to
``deliver`` (a ``DeliveryQueue`` in ``mpel cti serve``) and answered ``200 {}``;
their ``event_key`` (``http:<callId>:<event>``; a ``newCall`` adds a digest of
its users, since PBXs that ring a group post one ``newCall`` per extension)
lets a retried post be recognised without losing the second extension rung.  The server listens only on the address it is given.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import socket
import threading
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

from . import events as ev
from .events import CtiEvent

log = logging.getLogger(__name__)

PATH = "/api/v1/cti"
MAX_BODY = 64 * 1024
MAX_FIELD = 256
DIRECTION_WORDS = {"in": ev.INBOUND, "inbound": ev.INBOUND, "out": ev.OUTBOUND, "outbound": ev.OUTBOUND}


class Refused(Exception):
    def __init__(self, status: HTTPStatus, reason: str) -> None:
        super().__init__(reason)
        self.status, self.reason = status, reason


def _one(fields: Mapping[str, list[str]], *names: str) -> str:
    for name in names:
        values = fields.get(name)
        if values:
            value = str(values[0]).strip()
            if len(value) > MAX_FIELD:
                raise Refused(HTTPStatus.BAD_REQUEST, f"field {name!r} is longer than {MAX_FIELD} characters")
            return value
    return ""


def _time(text: str) -> datetime | None:
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        pass
    else:
        return datetime.fromtimestamp(seconds, tz=UTC)
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise Refused(HTTPStatus.BAD_REQUEST, "field 'time' is neither ISO 8601 nor epoch seconds") from None
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def parse_event(fields: Mapping[str, list[str]], received: datetime) -> CtiEvent:
    """A webhook's fields (each a list of values) as a ``CtiEvent``; ``Refused`` (400) when it is not one."""
    name = _one(fields, "event")
    if name not in ev.EVENTS:
        raise Refused(HTTPStatus.BAD_REQUEST, f"unknown event {name[:40]!r}: expected newCall, answer or hangup")
    call_id = _one(fields, "callId", "call_id")
    if not call_id:
        raise Refused(HTTPStatus.BAD_REQUEST, "no callId")
    direction_word = _one(fields, "direction").lower() or "in"
    if direction_word not in DIRECTION_WORDS:
        raise Refused(HTTPStatus.BAD_REQUEST, f"unknown direction {direction_word[:20]!r}: expected in or out")
    users = [str(u).strip() for u in fields.get("user[]", []) + fields.get("user", []) if str(u).strip()]
    if not users and name == ev.ANSWER:
        users = [u for u in [_one(fields, "answeringNumber")] if u]
    if any(len(u) > MAX_FIELD for u in users) or len(users) > 100:
        raise Refused(HTTPStatus.BAD_REQUEST, "too many or too long users")
    cause = _one(fields, "cause") or None
    if cause is not None and cause not in ev.CAUSES:
        log.info("webhook hangup cause %r is not a generic CTI cause: stored without a cause", cause[:40])
        cause = None
    return CtiEvent(event=name, call_id=call_id, at=_time(_one(fields, "time", "timestamp")) or received,
                    direction=DIRECTION_WORDS[direction_word], from_number=_one(fields, "from"),
                    to_number=_one(fields, "to"), users=tuple(dict.fromkeys(users)),
                    queue=_one(fields, "queue") or None, cause=cause if name == ev.HANGUP else None,
                    source="http", event_key=_event_key(call_id, name, users))


def _event_key(call_id: str, name: str, users: list[str]) -> str:
    key = f"http:{call_id}:{name}"
    if name == ev.NEW_CALL and users:
        # A digest, not the names: the key must stay short whatever the users posted.
        key += ":" + hashlib.sha256("\n".join(sorted(set(users))).encode()).hexdigest()[:16]
    return key


def parse_body(body: bytes, content_type: str) -> dict[str, list[str]]:
    """Form-encoded or JSON fields, each as a list of strings."""
    text = body.decode("utf-8", errors="replace")
    if "json" in content_type.lower() or text.lstrip().startswith("{"):
        try:
            data = json.loads(text)
        except ValueError:
            raise Refused(HTTPStatus.BAD_REQUEST, "the body is not valid JSON") from None
        if not isinstance(data, dict):
            raise Refused(HTTPStatus.BAD_REQUEST, "the JSON body is not an object")
        fields: dict[str, list[str]] = {}
        for key, value in data.items():
            values = value if isinstance(value, list) else [value]
            fields[str(key)] = ["" if v is None else str(v) for v in values if not isinstance(v, (dict, list))]
        return fields
    try:
        return parse_qs(text, keep_blank_values=True, max_num_fields=200)
    except ValueError:
        raise Refused(HTTPStatus.BAD_REQUEST, "too many form fields") from None


class CtiWebhookServer:
    """The HTTP server; ``serve_forever()`` in the caller's thread, or ``start()`` for a background one."""

    def __init__(self, host: str, port: int, token: str, deliver: Callable[[CtiEvent], object], *,
                 clock: Callable[[], datetime] | None = None, max_body: int = MAX_BODY) -> None:
        if not token:
            raise ValueError("the webhook endpoint needs a token")
        self._token = token.encode("utf-8")
        self.deliver = deliver
        self.clock = clock or (lambda: datetime.now(UTC))
        self.max_body = max_body
        self.accepted = 0
        self.refused = 0
        server_class = _Server6 if ":" in host else _Server
        self.httpd = server_class((host, port), _Handler)
        self.httpd.endpoint = self  # type: ignore[attr-defined]
        self._thread: threading.Thread | None = None

    @property
    def address(self) -> tuple[str, int]:
        host, port = self.httpd.server_address[:2]
        return str(host), int(port)

    def serve_forever(self) -> None:
        self.httpd.serve_forever(poll_interval=0.1)

    def start(self) -> CtiWebhookServer:
        self._thread = threading.Thread(target=self.serve_forever, name="mpel-cti-http", daemon=True)
        self._thread.start()
        return self

    def shutdown(self) -> None:
        """Stop accepting, and wait for the requests already being answered (their events are delivered)."""
        self.httpd.shutdown()
        self.httpd.server_close()  # joins the request threads
        if self._thread is not None:
            self._thread.join()

    # ------------------------------------------------------------- one request

    def token_ok(self, given: str) -> bool:
        return hmac.compare_digest(given.encode("utf-8"), self._token)

    def answer(self, request: _Handler) -> tuple[HTTPStatus, str]:
        url = urlsplit(request.path)
        path = url.path
        if path.rstrip("/") == PATH:
            scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
            token = credentials.strip() if scheme.lower() == "bearer" else ""
            token = token or (parse_qs(url.query).get("token") or [""])[0]
        elif path.startswith(PATH + "/"):
            token = unquote(path[len(PATH) + 1:])
        else:
            raise Refused(HTTPStatus.NOT_FOUND, "not the CTI endpoint")
        if not token:
            raise Refused(HTTPStatus.UNAUTHORIZED, "no token")
        if not self.token_ok(token):
            raise Refused(HTTPStatus.FORBIDDEN, "wrong token")
        length_text = request.headers.get("Content-Length")
        if length_text is None:
            raise Refused(HTTPStatus.LENGTH_REQUIRED, "no Content-Length")
        try:
            length = int(length_text)
        except ValueError:
            raise Refused(HTTPStatus.BAD_REQUEST, "unreadable Content-Length") from None
        if length < 0:
            raise Refused(HTTPStatus.BAD_REQUEST, "unreadable Content-Length")
        if length > self.max_body:
            raise Refused(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"a body of {length} bytes (limit {self.max_body})")
        body = request.rfile.read(length)
        received = self.clock()
        event = parse_event(parse_body(body, request.headers.get("Content-Type", "")), received)
        self.deliver(event)
        self.accepted += 1
        return HTTPStatus.OK, "{}"


class _Handler(BaseHTTPRequestHandler):
    server_version = "MPEL-CTI/1"
    timeout = 15  # a client that stops sending mid-request does not hold a thread for ever

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        endpoint: CtiWebhookServer = self.server.endpoint  # type: ignore[attr-defined]
        try:
            status, body = endpoint.answer(self)
        except Refused as refusal:
            endpoint.refused += 1
            log.warning("CTI webhook from %s refused (%d): %s", self.client_address[0], refusal.status,
                        refusal.reason)
            status, body = refusal.status, json.dumps({"error": refusal.reason})
            self.close_connection = True  # an unread body must not be taken for the next request
        except Exception:  # never a traceback on stderr and a silent hang-up: say so, log once
            log.exception("CTI webhook from %s could not be taken", self.client_address[0])
            status, body = HTTPStatus.INTERNAL_SERVER_ERROR, json.dumps({"error": "not taken; try again"})
            self.close_connection = True
        self._reply(status, body)

    def _refuse_method(self) -> None:
        self._reply(HTTPStatus.METHOD_NOT_ALLOWED, json.dumps({"error": "POST only"}), allow="POST")

    do_GET = do_PUT = do_DELETE = do_PATCH = _refuse_method  # noqa: N815

    def _reply(self, status: HTTPStatus, body: str, **headers: str) -> None:
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        if status == HTTPStatus.UNAUTHORIZED:
            self.send_header("WWW-Authenticate", 'Bearer realm="mpel-cti"')
        for name, value in headers.items():
            self.send_header(name.capitalize(), value)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass  # the request line can carry the token; refusals are logged by do_POST without it


class _Server(ThreadingHTTPServer):
    daemon_threads = False  # so server_close() waits for requests in flight
    allow_reuse_address = True


class _Server6(_Server):
    address_family = socket.AF_INET6
