"""SMTP delivery: build the email for an outbox row and hand it to a real mail server.

``build_message`` turns a stored outbox row into an :class:`EmailMessage`
(readable text body, the PDF attached, the Message-ID and Subject exactly as
stored).  ``SmtpTransport.send`` delivers one message over SMTP with STARTTLS
and a login, every network step bounded by a timeout so that a dead or
misconfigured server gives an error within seconds instead of a hung desk.

Every failure comes out as a :class:`MailError` whose text can be shown to a
person as it is, and which says whether the problem is the server (so the rest
of a batch need not be tried now) and whether retrying could ever help.
"""
from __future__ import annotations

import json
import smtplib
import socket
import ssl
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any, Protocol

from ..domain.errors import MpelError
from .attachments import attachment_data

DEFAULT_TIMEOUT = 15.0


class MailError(MpelError):
    """A message could not be delivered; ``str()`` is fit to show a person.

    ``server_wide``: the server (or our settings for it) is the problem, not
    this message, so other messages would fail the same way right now.
    ``permanent``: the server refused this message for good (5xx); trying it
    again unchanged will not help, so it waits for a person.
    """

    def __init__(self, message: str, *, server_wide: bool = True, permanent: bool = False):
        super().__init__(message)
        self.server_wide = server_wide
        self.permanent = permanent


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 587
    username: str = ""
    starttls: bool = True
    from_address: str = ""
    timeout: float = DEFAULT_TIMEOUT  # seconds, for each network step
    ca_file: str | None = None  # extra CA bundle (a private CA; the tests' self-signed cert)

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"


class Transport(Protocol):
    """What the outbox sender needs from a mail transport (SmtpTransport, or a fake)."""

    from_address: str

    def send(self, msg: EmailMessage) -> None: ...


def build_message(outbox_row: Any, from_address: str) -> EmailMessage:
    """The email for one outbox row (an OutboxMessage or anything with the same attributes)."""
    msg = EmailMessage()
    msg["From"] = from_address
    msg["To"] = Address(display_name=outbox_row.to_name or "", addr_spec=outbox_row.to_address)
    msg["Subject"] = outbox_row.subject
    # The time the note was written, not the time of this attempt: every retry
    # is then the same message as far as the recipient can tell (a PDF made
    # at sending differs only in its file's own creation time and id).
    msg["Date"] = format_datetime(outbox_row.created_at)
    msg["Message-ID"] = outbox_row.message_id
    msg["X-Mailer"] = "MPEL Desk"
    for name, value in extra_headers(outbox_row).items():
        msg[name] = value
    msg.set_content(outbox_row.body_text)
    # Stored, or made now from the facts the sending transaction stored (a call record: notify/attachments.py).
    data = attachment_data(outbox_row)
    if data is not None:
        maintype, _, subtype = (outbox_row.attachment_mime or "application/octet-stream").partition("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype or "octet-stream",
                           filename=outbox_row.attachment_name or "attachment")
    return msg


# Only these may be set from a stored row: never From, To or Message-ID, which the outbox owns.
ALLOWED_EXTRA_HEADERS = frozenset({"In-Reply-To", "References", "Importance", "X-Priority", "Priority"})


def extra_headers(outbox_row: Any) -> dict[str, str]:
    """The row's extra headers (JSON in ``headers``), line breaks folded away, unknown names dropped."""
    text = getattr(outbox_row, "headers", "") or ""
    if not text:
        return {}
    try:
        values = json.loads(text)
    except ValueError:
        return {}
    return {name: " ".join(str(value).split()) for name, value in values.items()
            if name in ALLOWED_EXTRA_HEADERS and str(value).strip()}


class SmtpTransport:
    """Sends over SMTP: connect, EHLO, STARTTLS, login, send; one connection per message.

    A connection per message keeps failures independent and the code simple;
    the desk sends a few messages an hour, so the extra handshakes cost nothing.
    """

    def __init__(self, settings: SmtpSettings, password: str | None = None):
        self.settings = settings
        self.from_address = settings.from_address
        self._password = password

    def tls_context(self) -> ssl.SSLContext:
        # The default context verifies the certificate and the host name; a
        # private CA is added to the system ones rather than switching checks off.
        return ssl.create_default_context(cafile=self.settings.ca_file) if self.settings.ca_file \
            else ssl.create_default_context()

    def send(self, msg: EmailMessage) -> None:
        s = self.settings
        if s.username and not s.starttls:
            raise MailError("refusing to send the mail password over an unencrypted connection: "
                            f"turn on STARTTLS for {s.where}")
        if s.username and not self._password:
            raise MailError(f"the password for the mail account {s.username} is not known in this session: "
                            "enter it from the Outbox window (Mail password…)")
        step = "connect"
        try:
            # gethostname() rather than smtplib's default getfqdn(): a reverse DNS
            # lookup is not covered by the timeout and can stall on a bad network.
            with smtplib.SMTP(s.host, s.port, timeout=s.timeout, local_hostname=socket.gethostname()) as smtp:
                step = "greet"
                smtp.ehlo()
                if s.starttls:
                    step = "starttls"
                    smtp.starttls(context=self.tls_context())
                    smtp.ehlo()
                if s.username:
                    step = "login"
                    smtp.login(s.username, self._password or "")
                step = "send"
                refused = smtp.send_message(msg)
                if refused:
                    raise smtplib.SMTPRecipientsRefused(refused)
        except MailError:
            raise
        except Exception as exc:
            raise self._explain(exc, step) from exc

    # ------------------------------------------------------------- errors

    def _explain(self, exc: Exception, step: str) -> MailError:
        where = self.settings.where
        if isinstance(exc, smtplib.SMTPAuthenticationError):
            return MailError(f"the mail server refused the user name or password for {self.settings.username} "
                             f"({_reply(exc)})")
        if isinstance(exc, smtplib.SMTPNotSupportedError):
            if step == "starttls":
                return MailError(f"secure connection (TLS) to the mail server {where} failed: "
                                 "the server does not offer STARTTLS")
            if step == "login":
                return MailError(f"the mail server {where} does not accept a login (no AUTH offered)")
            return MailError(f"the mail server {where} does not support what was asked: {exc}")
        if isinstance(exc, smtplib.SMTPRecipientsRefused):
            codes = [code for code, _ in exc.recipients.values()]
            who = ", ".join(exc.recipients)
            detail = "; ".join(f"{code} {_text(text)}" for code, text in exc.recipients.values())
            return MailError(f"the mail server refused the recipient {who}: {detail}",
                             server_wide=False, permanent=all(c >= 500 for c in codes))
        if isinstance(exc, smtplib.SMTPSenderRefused):
            # Our from address is a setting: every message would be refused alike.
            return MailError(f"the mail server refused the sender address {exc.sender} ({_reply(exc)})")
        if isinstance(exc, smtplib.SMTPDataError):
            return MailError(f"the mail server refused the message ({_reply(exc)})",
                             server_wide=False, permanent=exc.smtp_code >= 500)
        if isinstance(exc, smtplib.SMTPServerDisconnected):
            if step == "connect":
                return MailError(f"cannot reach the mail server {where}: {exc}")
            return MailError(f"the mail server {where} closed the connection during {_STEP[step]}")
        if isinstance(exc, smtplib.SMTPConnectError):
            return MailError(f"cannot reach the mail server {where}: {_reply(exc)}")
        if isinstance(exc, smtplib.SMTPResponseException):
            return MailError(f"the mail server {where} answered {_reply(exc)} during {_STEP[step]}")
        if isinstance(exc, ssl.SSLCertVerificationError):
            return MailError(f"secure connection (TLS) to the mail server {where} failed: "
                             f"its certificate is not trusted ({exc.verify_message or exc.reason})")
        if isinstance(exc, ssl.SSLError):
            return MailError(f"secure connection (TLS) to the mail server {where} failed: {exc.reason or exc}")
        if isinstance(exc, TimeoutError):
            if step == "connect":
                return MailError(f"cannot reach the mail server {where}: no answer within "
                                 f"{self.settings.timeout:g} seconds")
            return MailError(f"the mail server {where} did not answer within {self.settings.timeout:g} seconds "
                             f"during {_STEP[step]}")
        if isinstance(exc, ConnectionRefusedError):
            return MailError(f"cannot reach the mail server {where}: connection refused")
        if isinstance(exc, socket.gaierror):
            return MailError(f"cannot reach the mail server {where}: unknown host name")
        if isinstance(exc, OSError):
            if step == "connect":
                return MailError(f"cannot reach the mail server {where}: {exc.strerror or exc}")
            return MailError(f"the connection to the mail server {where} failed during {_STEP[step]}: "
                             f"{exc.strerror or exc}")
        # A bug or an unforeseen error: still a clear message, and the message keeps waiting.
        return MailError(f"unexpected error while sending mail through {where}: {type(exc).__name__}: {exc}")


_STEP = {"connect": "connecting", "greet": "the greeting", "starttls": "STARTTLS",
         "login": "the login", "send": "sending"}


def _text(raw: bytes | str) -> str:
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)


def _reply(exc: smtplib.SMTPResponseException) -> str:
    return f"{exc.smtp_code} {_text(exc.smtp_error)}".strip()
