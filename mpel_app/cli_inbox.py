"""``mpel inbox serve``: take the central MPEL mailbox into the desk over IMAP (one per site).

    mpel --database URL inbox serve --imap HOST[:PORT] --user NAME [--password-stdin]
         [--starttls | --ssl | --plain] [--mailbox INBOX] [--once] [--ca-file PEM] [--poll-seconds N]
         [--idle-seconds N] [--no-idle]
         [--processed-folder NAME] [--quarantine-folder NAME] [--xoauth2-tenant T --xoauth2-client-id C]

* ``--once``: take in what is waiting, print a JSON summary on standard output
  (``fetched``, ``enquiries_created``, ``already_taken_in``, ``quarantined``;
  the last three add up to the first; ``replies_checked_in`` is the part of
  ``already_taken_in`` that was a reply checked in) and exit.
* Without it: keep watching until SIGTERM or Ctrl+C, then print the summary
  of everything taken in.  It waits with IDLE when the server offers it (new
  mail is taken in as it arrives; the mailbox is looked at again at least
  every ``--idle-seconds``), and otherwise, or with ``--no-idle``, polls every
  ``--poll-seconds``; a dropped connection is made again.
* The password: with ``--password-stdin`` the first line of standard input;
  otherwise from the system keyring (service ``MPEL Desk IMAP``, name
  ``USER@HOST``); otherwise asked for at a terminal.  Never on the command line.
* ``--ssl`` (implicit TLS, port 993, the default), ``--starttls`` (port 143),
  ``--plain`` (no encryption: loopback or a test server only).
* Microsoft 365 (no passwords over IMAP): ``--xoauth2-tenant T --xoauth2-client-id C``
  logs in with SASL XOAUTH2 using an app-only token (inbox/oauth.py); the secret
  read as above is then the app's client secret.  While watching, the token is
  renewed before it expires (msal's token cache) and the IMAP session logs in
  again with the new one.

``mpel inbox configure --imap HOST:PORT --user NAME [--password-stdin] [...]``
keeps the mailbox in the database for the desks that take the inbox in by
themselves (inbox/desk_intake.py), and the password in this computer's keyring;
with ``--xoauth2-client-id C [--xoauth2-tenant T]`` (Microsoft 365) there is no
password: each person signs in on their desk with a device code.

Exit status: 0 done; 1 the database or the IMAP server could not be reached (or
the connection was lost); 2 bad arguments; 3 the IMAP server refused the login.
"""
from __future__ import annotations

import argparse
import getpass
import json
import logging
import signal
import sys
import threading
from typing import TextIO

from .cli_db import open_for_command
from .domain.errors import MpelError

KEYRING_SERVICE = "MPEL Desk IMAP"
log = logging.getLogger(__name__)


def _mailbox_options(parser, password_help: str) -> None:
    """The options naming the mailbox, shared by ``serve`` and ``configure``."""
    parser.add_argument("--imap", required=True, metavar="HOST:PORT", help="the IMAP server (port optional)")
    parser.add_argument("--user", required=True, metavar="NAME", help="the mailbox's user name")
    parser.add_argument("--password-stdin", action="store_true", help=password_help)
    security = parser.add_mutually_exclusive_group()
    security.add_argument("--ssl", dest="security", action="store_const", const="ssl",
                          help="implicit TLS (default; port 993)")
    security.add_argument("--starttls", dest="security", action="store_const", const="starttls",
                          help="upgrade to TLS before logging in (port 143)")
    security.add_argument("--plain", dest="security", action="store_const", const="plain",
                          help="no encryption (loopback or test servers only)")
    parser.add_argument("--mailbox", default="INBOX", help="the mailbox to take in (default INBOX)")
    parser.add_argument("--processed-folder", default="Processed", metavar="NAME",
                        help="where taken-in messages are filed (default Processed; e.g. INBOX/Processed)")
    parser.add_argument("--quarantine-folder", default="Quarantine", metavar="NAME",
                        help="where unreadable messages are filed (default Quarantine)")
    parser.add_argument("--database", metavar="URL", default=argparse.SUPPRESS,
                        help="database URL (default as for the desk)")


def add_parser(commands) -> None:
    inbox = commands.add_parser("inbox", help="the central inbox: take e-mails and faxes in over IMAP")
    actions = inbox.add_subparsers(dest="inbox_command", metavar="ACTION", required=True)
    serve = actions.add_parser("serve", help="take in the central mailbox (once, or watching until SIGTERM)")
    _mailbox_options(serve, "read the password from the first line of standard input")
    serve.add_argument("--once", action="store_true", help="take in what is waiting, print a JSON summary, exit")
    serve.add_argument("--ca-file", metavar="PEM", default=None, help="extra CA certificates to trust")
    serve.add_argument("--poll-seconds", type=float, default=30.0,
                       help="how often to look while watching a server without IDLE")
    serve.add_argument("--idle-seconds", type=float, default=600.0,
                       help="with IDLE, look again at least this often (default 600)")
    serve.add_argument("--no-idle", action="store_true", help="poll even when the server offers IDLE")
    _oauth_options(serve, "Microsoft 365: log in with OAuth2 (XOAUTH2) as the app registered in this Entra ID "
                          "tenant; the secret read (stdin or keyring) is then the app's client secret")
    configure = actions.add_parser("configure", help="the mailbox a desk takes in by itself (no service running)")
    _mailbox_options(configure, "read the password from standard input and keep it in this computer's keyring")
    _oauth_options(configure, "Microsoft 365: each person taking the mailbox in signs in on their desk (a device "
                              "code) as the app (a public client) registered in this Entra ID tenant")


def _oauth_options(parser, tenant_help: str) -> None:
    parser.add_argument("--xoauth2-tenant", metavar="TENANT", default=None, help=tenant_help)
    parser.add_argument("--xoauth2-client-id", metavar="ID", default=None, help="the app's client id (with the above)")
    parser.add_argument("--xoauth2-authority", metavar="URL", default=None,
                        help="another OpenID provider instead of Entra ID (its issuer URL; tests, or a site's own)")


def _host_port(text: str, security: str) -> tuple[str, int]:
    from .inbox.imap import DEFAULT_PORTS

    host, colon, port = text.rpartition(":")
    if not colon or "]" in port:
        return text.strip("[]"), DEFAULT_PORTS[security]
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"--imap: {port!r} is not a port number")
    return host.strip("[]"), int(port)


def _password(args, host: str, stdin: TextIO, err: TextIO) -> str | None:
    if args.password_stdin:
        return stdin.readline().rstrip("\r\n")
    try:
        import keyring
        from keyring.errors import KeyringError

        try:
            stored = keyring.get_password(KEYRING_SERVICE, f"{args.user}@{host}")
        except KeyringError:
            stored = None
    except ImportError:
        stored = None
    if stored:
        return stored
    if stdin.isatty():
        return getpass.getpass(f"IMAP password for {args.user}@{host}: ")
    print("mpel: no IMAP password: give --password-stdin, or keep it in the system keyring "
          f"(service {KEYRING_SERVICE!r}, name '{args.user}@{host}')", file=err)
    return None


def run(args, *, database_url: str | None = None, stdin: TextIO | None = None, out: TextIO | None = None,
        err: TextIO | None = None, oauth_app_factory=None) -> int:
    stdin, out, err = stdin or sys.stdin, out or sys.stdout, err or sys.stderr
    if args.inbox_command == "configure":
        return _configure(args, database_url, stdin, out, err)
    from .inbox.imap import ImapError, ImapSettings, connect
    from .inbox.intake import run_once, watch

    security = args.security or "ssl"
    try:
        host, port = _host_port(args.imap, security)
    except ValueError as exc:
        print(f"mpel: {exc}", file=err)
        return 2
    if bool(args.xoauth2_tenant) != bool(args.xoauth2_client_id):
        print("mpel: --xoauth2-tenant and --xoauth2-client-id go together", file=err)
        return 2
    password = _password(args, host, stdin, err)
    if password is None:
        return 2
    login = {"password": password}
    if args.xoauth2_tenant:
        from .inbox.oauth import TokenSource

        # One token source for the life of the service: msal's cache, renewed before expiry at each log-in.
        login = {"tokens": TokenSource(args.xoauth2_tenant, args.xoauth2_client_id, password,
                                       app_factory=oauth_app_factory, oidc_authority=args.xoauth2_authority,
                                       verify=args.ca_file or True)}
    settings = ImapSettings(host=host, port=port, user=args.user, security=security, mailbox=args.mailbox,
                            processed_folder=args.processed_folder, quarantine_folder=args.quarantine_folder,
                            ca_file=args.ca_file)
    services = open_for_command(database_url or getattr(args, "database", None), err)
    if services is None:
        return 1
    try:
        if args.once:
            with connect(settings, **login) as imap:
                summary = run_once(imap, services.inbox, settings)
        else:
            stop = threading.Event()
            for signum in (signal.SIGTERM, signal.SIGINT):
                signal.signal(signum, lambda *_: stop.set())
            summary = watch(lambda: connect(settings, **login), services.inbox, settings,
                            stop=stop, poll_seconds=args.poll_seconds, idle_seconds=args.idle_seconds,
                            use_idle=not args.no_idle)
    except ImapError as exc:
        print(f"mpel: {exc}", file=err)
        return 3 if exc.auth else 1
    except MpelError as exc:
        print(f"mpel: {exc}", file=err)
        return 1
    finally:
        services.close()
    print(json.dumps(summary.as_dict()), file=out)
    out.flush()
    return 0


def _configure(args, database_url: str | None, stdin: TextIO, out: TextIO, err: TextIO) -> int:
    """``mpel inbox configure``: the mailbox every desk on this database takes in, its password in the keyring."""
    from .inbox.desk_intake import DeskMailbox

    security = args.security or "ssl"
    try:
        host, port = _host_port(args.imap, security)
    except ValueError as exc:
        print(f"mpel: {exc}", file=err)
        return 2
    if bool(args.xoauth2_tenant or args.xoauth2_authority) and not args.xoauth2_client_id:
        print("mpel: --xoauth2-tenant (or --xoauth2-authority) needs --xoauth2-client-id", file=err)
        return 2
    password = stdin.readline().rstrip("\r\n") if args.password_stdin else None
    services = open_for_command(database_url or getattr(args, "database", None), err)
    if services is None:
        return 1
    try:
        mailbox = DeskMailbox(host=host, port=port, security=security, user=args.user, mailbox=args.mailbox,
                              processed=args.processed_folder, quarantine=args.quarantine_folder,
                              oauth_client_id=args.xoauth2_client_id or "", oauth_tenant=args.xoauth2_tenant or "",
                              oauth_authority=args.xoauth2_authority or "")
        in_keyring = services.desk_intake.configure(None, mailbox, password)
    except MpelError as exc:
        print(f"mpel: {exc}", file=err)
        return 2
    finally:
        services.close()
    if mailbox.uses_oauth:
        print(f"The desks take in {mailbox.account} ({mailbox.security}, port {mailbox.port}); each person signs "
              "in to Microsoft 365 on their desk the first time.", file=out)
        return 0
    where = ("kept in the system keyring" if in_keyring else
             "not kept (no keyring here): each desk asks for it" if password else "not given: each desk asks for it")
    print(f"The desks take in {mailbox.account} ({mailbox.security}, port {mailbox.port}); password {where}.",
          file=out)
    return 0
