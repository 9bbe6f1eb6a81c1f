"""A real SMTP server on loopback for the mail tests: aiosmtpd with STARTTLS and AUTH required.

``tls_files`` makes a self-signed certificate for ``localhost``/``127.0.0.1``
once per session.  ``smtp_server`` starts a server on a free port (aiosmtpd's
``Controller(port=0)`` does not work) whose handler keeps every message it
accepts; ``stop()`` and ``start()`` take it down and bring it back on the same
port, as a mail server outage would.  ``settings()`` gives client settings
that trust the test certificate.
"""
from __future__ import annotations

import datetime as dt
import email
import ipaddress
import socket
import ssl
import subprocess
import threading
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from mpel_app.notify.smtp import SmtpSettings

SMTP_USER = "mpel-desk"
SMTP_PASSWORD = "s3cret-smtp-pass"
FROM_ADDRESS = "mpel-desk@enquiryline.example"
REFUSED_DOMAIN = "refused.example"  # the server answers 550 for recipients here


@dataclass(frozen=True)
class TlsFiles:
    cert: Path
    key: Path


def _make_cert_with_cryptography(cert: Path, key: Path) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.timezone.utc)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(private.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=2))
        # The client checks the name it connected to against the SAN, never the CN.
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                    x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                       critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(private, hashes.SHA256())
    )
    key.write_bytes(private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> TlsFiles:
    folder = tmp_path_factory.mktemp("smtp-tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    try:
        _make_cert_with_cryptography(cert, key)
    except ImportError:
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
                        "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                        "-keyout", str(key), "-out", str(cert), "-days", "2"],
                       check=True, capture_output=True, timeout=60)
    return TlsFiles(cert=cert, key=key)


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        return email.message_from_bytes(self.data, policy=policy.default)

    @property
    def message_id(self) -> str:
        return str(self.message["Message-ID"])


class _Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.messages: list[Received] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower().endswith("@" + REFUSED_DOMAIN):
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos),
                                          envelope.original_content or envelope.content))
        return "250 Message accepted for delivery"


def _authenticator(server, session, envelope, mechanism, auth_data):
    if (isinstance(auth_data, LoginPassword) and auth_data.login == SMTP_USER.encode()
            and auth_data.password == SMTP_PASSWORD.encode()):
        return AuthResult(success=True)
    # handled=False makes aiosmtpd answer 535 at once; success=False alone leaves the client hanging.
    return AuthResult(success=False, handled=False)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LoopbackSmtp:
    tls: TlsFiles
    host: str = "127.0.0.1"
    port: int = field(default_factory=_free_port)
    recorder: _Recorder = field(default_factory=_Recorder)
    _controller: Controller | None = None

    @property
    def messages(self) -> list[Received]:
        with self.recorder.lock:
            return list(self.recorder.messages)

    @property
    def running(self) -> bool:
        return self._controller is not None

    def start(self) -> None:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.tls.cert, self.tls.key)
        self._controller = Controller(
            self.recorder, hostname=self.host, port=self.port,
            tls_context=context, require_starttls=True,
            authenticator=_authenticator, auth_required=True,
        )
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def settings(self, **overrides) -> SmtpSettings:
        values = dict(host=self.host, port=self.port, username=SMTP_USER, starttls=True,
                      from_address=FROM_ADDRESS, timeout=5.0, ca_file=str(self.tls.cert))
        values.update(overrides)
        return SmtpSettings(**values)


@pytest.fixture
def smtp_server(tls_files: TlsFiles):
    server = LoopbackSmtp(tls_files)
    server.start()
    yield server
    server.stop()
