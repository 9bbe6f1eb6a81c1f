"""``mpel cti serve``: the CTI bridge service, PBX events in, call events to the call store.

    mpel --database URL cti serve --ami HOST:PORT --ami-user NAME [--ami-secret-stdin] [--ami-tls]
                                  [--queue NAME]...
    mpel --database URL cti serve --http HOST:PORT [--token-stdin] [--queue NAME]...

``--ami`` keeps a session to the Asterisk Manager Interface (reconnecting with
back-off); ``--http`` listens for generic CTI webhooks on that address only
(port 0 picks a free one; the address is logged).  The AMI secret or webhook
token is read from the first line of standard input with ``--ami-secret-stdin``
/ ``--token-stdin`` (never from the command line, where ``ps`` and the shell's
history would show it), otherwise from the OS keyring under the service
``MPEL Desk AMI`` (account ``USER@HOST:PORT``) or ``MPEL Desk CTI webhook``
(account ``HOST:PORT``).  ``--queue`` (repeatable) names the Enquiry Line's
queues: calls in other queues are ignored; calls ringing an extension directly
are always kept.

Runs in the foreground until SIGTERM or SIGINT, then stops taking events,
delivers every event already received to the call store (``services.calls``: one
row per call in the database) and exits 0.  Logs go to stderr and the desk's log
file.  Exit status: 0 stopped cleanly, 1 the database or the address cannot be
opened, 2 bad arguments or no secret.
"""
from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from typing import Any, TextIO

log = logging.getLogger("mpel_app.cti")

AMI_SERVICE = "MPEL Desk AMI"
WEBHOOK_SERVICE = "MPEL Desk CTI webhook"


def add_parser(commands: Any) -> None:
    cti = commands.add_parser("cti", help="telephony: the CTI bridge service (Asterisk AMI or CTI webhooks)")
    actions = cti.add_subparsers(dest="cti_command", metavar="ACTION", required=True)
    serve = actions.add_parser("serve", help="run the CTI bridge in the foreground until SIGTERM/SIGINT")
    source = serve.add_mutually_exclusive_group(required=True)
    source.add_argument("--ami", metavar="HOST:PORT", help="the Asterisk Manager Interface to log in to")
    source.add_argument("--http", metavar="HOST:PORT", help="the address to take CTI webhooks on")
    serve.add_argument("--ami-user", metavar="NAME", help="the manager user (manager.conf)")
    serve.add_argument("--ami-secret-stdin", action="store_true",
                       help="read the AMI secret from the first line of standard input "
                            f"(default: the OS keyring, service {AMI_SERVICE!r}, account USER@HOST:PORT)")
    serve.add_argument("--ami-tls", action="store_true", help="connect to the AMI over TLS")
    serve.add_argument("--ami-cafile", metavar="PATH", help="CA certificates to check the AMI's TLS certificate")
    serve.add_argument("--token-stdin", action="store_true",
                       help="read the webhook token from the first line of standard input "
                            f"(default: the OS keyring, service {WEBHOOK_SERVICE!r}, account HOST:PORT)")
    serve.add_argument("--queue", action="append", default=[], metavar="NAME",
                       help="a PBX queue of the Enquiry Line (repeatable); calls in other queues are ignored")
    serve.add_argument("--originate-context", metavar="CONTEXT", default="from-internal",
                       help="the dial plan context a Call back dials out from (AMI Originate; default %(default)s)")
    serve.add_argument("--outside-line-prefix", metavar="DIGITS", default="9",
                       help="what the PBX dials first for an outside line, and leaves on some caller IDs "
                            "(default %(default)s; '' for none)")
    serve.add_argument("--database", metavar="URL", default=argparse.SUPPRESS,
                       help="database URL (default as for the desk)")


class StoreSink:
    """Hands each call event to the call store (``services.calls``), logging it without numbers (they
    are personal data); ``close()`` closes the services once the last event is stored."""

    def __init__(self, services: Any) -> None:
        self._services = services

    @property
    def services(self) -> Any:
        return self._services

    def handle(self, event: Any) -> None:
        log.info("%s for call %s (%s, queue %s, users %s)", event.event, event.call_id, event.direction,
                 event.queue or "none", ", ".join(event.users) or "none")
        self._services.calls.handle(event)

    def close(self) -> None:
        self._services.close()


def make_sink(args: argparse.Namespace, err: TextIO) -> StoreSink | None:
    """The ``CallEventSink`` events are delivered to, one at a time, in order: the call store of the
    database given (``--database``, else the desk's configured one); None after saying why it cannot
    be opened.  A shared database is not migrated here: ``mpel db upgrade`` does that."""
    from .cli_db import open_for_command

    services = open_for_command(getattr(args, "database", None), err)
    if services is None:
        return None
    services.calls.outside_line_prefix = args.outside_line_prefix
    return StoreSink(services)


def split_address(text: str, option: str) -> tuple[str, int]:
    host, sep, port = text.rpartition(":")
    host = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    if not sep or not host or not port.isdigit() or int(port) > 65535:
        raise ValueError(f"{option} wants HOST:PORT (e.g. 127.0.0.1:5038), not {text!r}")
    return host, int(port)


def _secret(from_stdin: bool, option: str, account: str, service: str, what: str, stdin: TextIO) -> str:
    if from_stdin:
        secret = stdin.readline().rstrip("\r\n")
        if not secret:
            raise ValueError(f"no {what} on standard input")
        return secret
    from .notify.credentials import get_password

    secret = get_password(account, service=service)
    if not secret:
        raise ValueError(f"no {what} given: pass it on standard input with {option}, "
                         f"or store it in the OS keyring under service {service!r}, account {account!r} "
                         "(this machine may have no keyring: then standard input is the way)")
    return secret


def run(args: argparse.Namespace, *, stdin: TextIO | None = None, err: TextIO | None = None) -> int:
    stdin, err = stdin or sys.stdin, err or sys.stderr
    try:
        if args.ami:
            host, port = split_address(args.ami, "--ami")
            if not args.ami_user:
                raise ValueError("--ami needs --ami-user NAME")
            secret = _secret(args.ami_secret_stdin, "--ami-secret-stdin", f"{args.ami_user}@{host}:{port}", AMI_SERVICE,
                             "AMI secret", stdin)
        else:
            host, port = split_address(args.http, "--http")
            secret = _secret(args.token_stdin, "--token-stdin", f"{host}:{port}", WEBHOOK_SERVICE, "webhook token",
                             stdin)
    except ValueError as exc:
        print(f"mpel: {exc}", file=err)
        return 2

    from .telephony.bridge import Bridge, DeliveryQueue

    sink = make_sink(args, err)
    if sink is None:
        return 1
    delivery = DeliveryQueue(Bridge(sink, queues=args.queue))
    try:
        if args.ami:
            return _serve_ami(args, host, port, secret, delivery, sink.services)
        return _serve_http(host, port, secret, delivery, err)
    finally:
        delivery.close()  # everything received is delivered before we exit
        log.info("CTI bridge stopped: %d events delivered, %d refused by the store",
                 delivery.bridge.delivered, delivery.bridge.failed)
        sink.close()


def _serve_http(host: str, port: int, token: str, delivery: Any, err: TextIO) -> int:
    from .telephony.http_endpoint import CtiWebhookServer

    try:
        server = CtiWebhookServer(host, port, token, delivery.put)
    except OSError as exc:
        print(f"mpel: cannot listen on {host}:{port}: {exc.strerror or exc}", file=err)
        return 1
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        server.start()
        bound_host, bound_port = server.address
        log.info("CTI webhooks: listening on http://%s:%d/api/v1/cti", bound_host, bound_port)
        while not stop.wait(0.5):
            pass
        log.info("CTI webhooks: stopping")
    finally:
        server.shutdown()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0


CALL_BACK_POLL_SECONDS = 1.0


async def place_call_backs(client: Any, services: Any, stop: Any, *, context: str, prefix: str,
                           poll: float = CALL_BACK_POLL_SECONDS) -> None:
    """Place the call backs desks queue (``services.call_backs``) while logged in to the AMI: ring the
    agent's own phone with ``Originate``, then record what the phone system said.  A call back that
    cannot be dialled, or that Asterisk refuses, is recorded as failed, so the desk says so."""
    import asyncio

    from .domain.caller_id import dial_string
    from .telephony.ami_client import AmiError

    queue = services.call_backs
    while not stop.is_set():
        if client.connected.is_set():
            for request in await asyncio.to_thread(queue.pending):
                try:
                    exten = dial_string(request.number, outside_line_prefix=prefix)
                    answer = await client.originate(request.interface, exten, context,
                                                    f"MPEL call back <{request.extension}>")
                    placed = answer.get("Response", "").lower() == "success"
                    message = answer.get("Message", "") or ("queued" if placed else "refused")
                except (ValueError, AmiError, OSError, asyncio.TimeoutError) as exc:
                    placed, message = False, str(exc) or type(exc).__name__
                await asyncio.to_thread(queue.finish, request.id, placed=placed, message=message)
                log.info("call back %s for call %s %s", request.id, request.call_id,
                         "placed" if placed else "failed")
        try:
            await asyncio.wait_for(stop.wait(), poll)
        except asyncio.TimeoutError:
            pass


def _serve_ami(args: argparse.Namespace, host: str, port: int, secret: str, delivery: Any, services: Any) -> int:
    import asyncio
    import ssl

    from .telephony.ami_client import AmiClient
    from .telephony.asterisk import AsteriskTranslator

    context = None
    if args.ami_tls or args.ami_cafile:
        context = ssl.create_default_context(cafile=args.ami_cafile)

    async def serve() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        translator = AsteriskTranslator(delivery.put)
        client = AmiClient(host, port, args.ami_user, secret, on_event=translator.feed,
                           on_login=translator.after_login, ssl=context)
        log.info("CTI bridge: Asterisk Manager Interface at %s:%d as %s%s", host, port, args.ami_user,
                 f", queues {', '.join(args.queue)}" if args.queue else "")
        call_backs = asyncio.create_task(place_call_backs(
            client, services, stop, context=args.originate_context, prefix=args.outside_line_prefix))
        await client.run(stop)
        await call_backs
        log.info("CTI bridge: stopping")

    asyncio.run(serve())
    return 0
