"""Windows single sign-on to the shared PostgreSQL: the one set of libpq settings for SSPI and GSSAPI alike.

A desk signs in with the person's Windows session instead of a password: libpq
speaks Kerberos to the server, through SSPI on Windows and through GSSAPI (the
ticket ``kinit`` left) on Linux and macOS.  The server cannot tell the two
apart, so one URL serves both (``sso_url``), and the tested GSSAPI path
(tests/db/test_pg_gssapi.py, a real KDC on loopback) runs the very settings a
Windows desk uses:

* no password (nothing in the keyring);
* ``krbsrvname``: the service part of the server's principal,
  ``postgres/dbhost.corp.example@CORP.EXAMPLE`` (PostgreSQL's default, written
  out so that a site with another name changes one option);
* ``gssencmode=prefer``, never ``require``: a libpq built with SSPI but without
  GSSAPI (as some Windows builds are) refuses ``require`` outright, and
  ``prefer`` uses GSSAPI encryption wherever libpq has it.  Encryption on the
  wire is TLS's job (``sslmode=verify-full`` and a ``hostssl`` line), as for
  password sign-in.
"""
from __future__ import annotations

from sqlalchemy.engine import URL, make_url

SERVICE = "postgres"


def sso_url(url: str | URL, *, service: str = SERVICE) -> URL:
    """``url`` (a PostgreSQL URL naming the person's username) set up for single sign-on: see the module doc."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        raise ValueError("single sign-on is for the shared PostgreSQL database, not an embedded SQLite file")
    if not parsed.username:
        raise ValueError("name the person's username in the URL (their Windows account name, lower case): "
                         "postgresql+psycopg://ada@dbhost/mpel")
    return parsed._replace(password=None).update_query_dict({"krbsrvname": service, "gssencmode": "prefer"})
