"""A throwaway MIT Kerberos KDC on loopback, for signing in to PostgreSQL with a ticket (GSSAPI).

Debian's ``krb5-kdc`` and ``krb5-admin-server`` (``kdb5_util``, ``krb5kdc``,
``kadmin.local``) and ``krb5-user`` (``kinit``): a realm in a temporary
directory, its KDC listening on a free 127.0.0.1 port, principals and keytabs
made with ``kadmin.local``.  Everything reads the files here through
``KRB5_CONFIG`` / ``KRB5_KDC_PROFILE`` (``env``); nothing in /etc is touched.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

REALM = "MPEL.TEST"
TOOLS = ("kdb5_util", "krb5kdc", "kadmin.local", "kinit")


def available() -> str:
    """"" when the MIT Kerberos tools are installed, else what is missing."""
    missing = [t for t in TOOLS if shutil.which(t) is None and not Path("/usr/sbin", t).exists()]
    return f"MIT Kerberos tools missing: {', '.join(missing)} (apt-get install krb5-kdc krb5-admin-server " \
           "krb5-user)" if missing else ""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tool(name: str) -> str:
    return shutil.which(name) or str(Path("/usr/sbin", name))


class LoopbackKdc:
    """The realm's files live in a new directory under ``base_dir``, readable by all (krb5.conf must be
    readable by the PostgreSQL server's OS user); the KDC's database and stash stay root's (0600)."""

    def __init__(self, base_dir: Path = Path("/tmp"), realm: str = REALM):
        self.root, self.realm = Path(tempfile.mkdtemp(prefix="krb5-", dir=base_dir)), realm
        self.root.chmod(0o755)
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.env = {**os.environ, "KRB5_CONFIG": str(self.root / "krb5.conf"),
                    "KRB5_KDC_PROFILE": str(self.root / "kdc.conf")}

    def start(self) -> LoopbackKdc:
        (self.root / "krb5.conf").write_text(f"""[libdefaults]
  default_realm = {self.realm}
  dns_lookup_kdc = false
  dns_lookup_realm = false
  rdns = false
  udp_preference_limit = 1
[realms]
  {self.realm} = {{
    kdc = 127.0.0.1:{self.port}
  }}
[domain_realm]
  localhost = {self.realm}
""")
        (self.root / "kdc.conf").write_text(f"""[kdcdefaults]
  kdc_ports = {self.port}
  kdc_tcp_ports = {self.port}
[realms]
  {self.realm} = {{
    database_name = {self.root}/principal
    key_stash_file = {self.root}/stash
    acl_file = {self.root}/kadm5.acl
    supported_enctypes = aes256-cts-hmac-sha1-96:normal
  }}
[logging]
  kdc = FILE:{self.root}/kdc.log
""")
        (self.root / "kadm5.acl").write_text("")
        for name in ("krb5.conf", "kdc.conf", "kadm5.acl"):
            (self.root / name).chmod(0o644)
        self._run(_tool("kdb5_util"), "-r", self.realm, "-P", "master-key-for-tests", "create", "-s")
        self.process = subprocess.Popen([_tool("krb5kdc"), "-n", "-r", self.realm], env=self.env,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return self
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"the KDC did not start: {(self.root / 'kdc.log').read_text() if (self.root / 'kdc.log').exists() else ''}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None
        shutil.rmtree(self.root, ignore_errors=True)

    def add_principal(self, name: str, password: str | None = None) -> str:
        """A principal with this password, or a random key (a service's); returns its full name."""
        option = f"-pw {password}" if password is not None else "-randkey"
        self._run(_tool("kadmin.local"), "-r", self.realm, "-q", f"addprinc {option} {name}")
        return f"{name}@{self.realm}"

    def keytab(self, principal: str, path: Path) -> Path:
        self._run(_tool("kadmin.local"), "-r", self.realm, "-q", f"ktadd -k {path} {principal}")
        return path

    def kinit(self, principal: str, password: str, ccache: Path) -> None:
        """A ticket-granting ticket for ``principal`` in the credential cache file ``ccache``."""
        result = subprocess.run([_tool("kinit"), "-c", f"FILE:{ccache}", principal], input=password + "\n",
                                text=True, env=self.env, capture_output=True, timeout=30)
        if result.returncode != 0:
            raise RuntimeError(f"kinit {principal} failed: {result.stderr.strip()} {result.stdout.strip()}")

    def _run(self, *argv: str) -> None:
        result = subprocess.run(list(argv), env=self.env, capture_output=True, text=True, timeout=60)
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)} failed: {result.stderr.strip()} {result.stdout.strip()}")
