"""The narrow path by which Administration creates, changes and disables people's PostgreSQL logins.

Four SECURITY DEFINER functions owned by ``mpel_provisioner`` (NOLOGIN,
CREATEROLE), executable only by the administrator group: no desk holds a role
that can create roles itself.  They act only on logins that are members of
``mpel_person`` (the ones they made), never on a superuser or a role that can
create roles, and grant only the MPEL group roles of ``pg_roles.GROUPS``.

Passwords: the desk sends a SCRAM-SHA-256 verifier computed here
(``scram_verifier``), which PostgreSQL stores as it is; the password itself
never reaches the server (nor its statement log) and the app stores nothing.
A login with no password signs in by Windows single sign-on (GSSAPI/SSPI).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import os

from sqlalchemy import Connection, text

from ..domain.records import Role
from .pg_desk_view import SCHEMA as DESK_VIEW
from .pg_roles import DESK, GROUPS, PROVISIONER

PERSON = "mpel_person"  # marks a login made by mpel_provision_login: the only ones these functions touch
SCRAM_ITERATIONS = 4096  # PostgreSQL's own default (scram_iterations)

_GROUP_LIST = ", ".join(f"'{g}'" for g in GROUPS.values())
_CHECK_PERSON = f"""
    IF NOT EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = login AND NOT r.rolsuper AND NOT r.rolcreaterole
                   AND pg_has_role(r.oid, '{PERSON}', 'MEMBER')) THEN
      RAISE EXCEPTION 'no MPEL Desk login %', login USING ERRCODE = 'insufficient_privilege';
    END IF;"""
_CHECK_VERIFIER = """
    IF verifier IS NOT NULL AND verifier !~ '^SCRAM-SHA-256\\$' THEN
      RAISE EXCEPTION 'a login password is given as a SCRAM-SHA-256 verifier' USING ERRCODE = 'invalid_parameter_value';
    END IF;"""

FUNCTIONS = (
    f"""CREATE OR REPLACE FUNCTION mpel_set_login_roles(login text, groups text[]) RETURNS void
       LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
       DECLARE g text;
       BEGIN {_CHECK_PERSON}
         IF EXISTS (SELECT 1 FROM unnest(groups) x WHERE x NOT IN ({_GROUP_LIST})) THEN
           RAISE EXCEPTION 'only MPEL Desk roles may be granted' USING ERRCODE = 'insufficient_privilege';
         END IF;
         FOREACH g IN ARRAY ARRAY[{_GROUP_LIST}] LOOP
           IF g = ANY(groups) THEN EXECUTE format('GRANT %I TO %I', g, login);
           ELSE EXECUTE format('REVOKE %I FROM %I', g, login); END IF;
         END LOOP;
       END $$""",
    f"""CREATE OR REPLACE FUNCTION mpel_provision_login(login text, verifier text, groups text[]) RETURNS void
       LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
       BEGIN
         IF login !~ '^[a-z0-9._-]{{1,63}}$' THEN
           RAISE EXCEPTION 'not a username: %', login USING ERRCODE = 'invalid_parameter_value';
         END IF;{_CHECK_VERIFIER}
         IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = login) THEN
           RAISE EXCEPTION 'a database role % exists already', login USING ERRCODE = 'duplicate_object';
         END IF;
         EXECUTE format('CREATE ROLE %I LOGIN IN ROLE {PERSON}, {DESK}', login);
         -- The desk's SQL then reads enquiries through the view that masks locked subjects (pg_desk_view).
         EXECUTE format('ALTER ROLE %I SET search_path = {DESK_VIEW}, public', login);
         IF verifier IS NOT NULL THEN EXECUTE format('ALTER ROLE %I PASSWORD %L', login, verifier); END IF;
         PERFORM mpel_set_login_roles(login, groups);
       END $$""",
    f"""CREATE OR REPLACE FUNCTION mpel_set_login_password(login text, verifier text) RETURNS void
       LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
       BEGIN {_CHECK_PERSON}{_CHECK_VERIFIER}
         EXECUTE format('ALTER ROLE %I PASSWORD %L', login, verifier);
       END $$""",
    f"""CREATE OR REPLACE FUNCTION mpel_disable_login(login text) RETURNS void
       LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
       BEGIN {_CHECK_PERSON}
         EXECUTE format('ALTER ROLE %I NOLOGIN', login);
       END $$""",
    f"""CREATE OR REPLACE FUNCTION mpel_enable_login(login text) RETURNS void
       LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
       BEGIN {_CHECK_PERSON}
         EXECUTE format('ALTER ROLE %I LOGIN', login);
       END $$""",
)
# Upgrading a shared-role deployment: a login (no password yet) for every active account that has none,
# in the groups of its MPEL roles.  Run once by the owner (README, "Moving to per-person logins").
PROVISION_EXISTING = """SELECT u.username, mpel_provision_login(u.username, NULL, ARRAY(
    SELECT 'mpel_' || regexp_replace(r, '^mpel_', '') FROM unnest(string_to_array(u.roles, ',')) AS r))
FROM users u WHERE u.active AND NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = u.username)"""
SIGNATURES = ("mpel_set_login_roles(text, text[])", "mpel_provision_login(text, text, text[])",
              "mpel_set_login_password(text, text)", "mpel_disable_login(text)", "mpel_enable_login(text)")


def apply(conn: Connection) -> None:
    """Create the provisioning functions, owned by the provisioner, executable by administrators only."""
    conn.execute(text(f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{PERSON}') THEN "
                      f"CREATE ROLE {PERSON} NOLOGIN; END IF; END $$"))
    # The migrating role must be a member of the provisioner to hand it the functions.
    conn.execute(text(f"GRANT {PROVISIONER} TO CURRENT_USER"))
    for statement in FUNCTIONS:
        conn.execute(text(statement))
    admin = GROUPS[Role.ADMINISTRATOR]
    # A new owner must be allowed to create in the schema at the moment of the change, and no longer.
    conn.execute(text(f"GRANT CREATE ON SCHEMA public TO {PROVISIONER}"))
    for signature in SIGNATURES:
        conn.execute(text(f"ALTER FUNCTION {signature} OWNER TO {PROVISIONER}"))
        conn.execute(text(f"REVOKE ALL ON FUNCTION {signature} FROM PUBLIC"))
        conn.execute(text(f"GRANT EXECUTE ON FUNCTION {signature} TO {admin}"))
    conn.execute(text(f"REVOKE CREATE ON SCHEMA public FROM {PROVISIONER}"))


def remove(conn: Connection) -> None:
    for signature in SIGNATURES:
        conn.execute(text(f"DROP FUNCTION IF EXISTS {signature}"))


def scram_verifier(password: str, *, salt: bytes | None = None, iterations: int = SCRAM_ITERATIONS) -> str:
    """PostgreSQL's stored form of a SCRAM-SHA-256 password (RFC 5802, 7677), so the password never leaves the desk."""
    salt = salt or os.urandom(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()
    b64 = lambda raw: base64.b64encode(raw).decode("ascii")  # noqa: E731
    return f"SCRAM-SHA-256${iterations}:{b64(salt)}${b64(stored_key)}:{b64(server_key)}"


def login_groups(roles: frozenset[Role] | set[Role]) -> list[str]:
    """The group roles a person's login is given for their MPEL roles."""
    return sorted(GROUPS[r] for r in roles)
