"""Keeping a person's PostgreSQL login in step with their MPEL Desk account (per-person deployments only).

Called by the user service inside its own transaction, so an account and its
login are created, changed or disabled together or not at all (PostgreSQL's
role changes are transactional).  Everything goes through the provisioning
functions of ``db/pg_provision.py``, which only an administrator's login may
execute; the password travels as a SCRAM verifier, never as itself.
"""
from __future__ import annotations

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from ..db.pg_provision import PERSON, login_groups, scram_verifier
from ..domain.records import Role


class DbLogins:
    """Per-person logins on (``enabled``) or off (SQLite, or a shared-role PostgreSQL deployment)."""

    def __init__(self, enabled: bool):
        self.enabled = enabled

    def provision(self, s: Session, username: str, password: str | None, roles: set[Role] | frozenset[Role]) -> None:
        if self.enabled:
            s.execute(text("SELECT mpel_provision_login(:login, :verifier, :groups)"),
                      {"login": username, "verifier": None if password is None else scram_verifier(password),
                       "groups": login_groups(roles)})

    def set_roles(self, s: Session, username: str, roles: set[Role] | frozenset[Role]) -> None:
        if self.enabled:
            s.execute(text("SELECT mpel_set_login_roles(:login, :groups)"),
                      {"login": username, "groups": login_groups(roles)})

    def set_password(self, s: Session, username: str, password: str) -> None:
        if self.enabled:
            s.execute(text("SELECT mpel_set_login_password(:login, :verifier)"),
                      {"login": username, "verifier": scram_verifier(password)})

    def change_own_password(self, s: Session, password: str) -> None:
        # Any login may change its own password; no function needed (and none would be granted).
        if self.enabled:
            verifier = scram_verifier(password).replace("'", "''")  # base64 and '$:': no quote, but be sure
            # The driver's own SQL: the verifier's ':' would read as a bind parameter to text().  ALTER ROLE
            # takes no parameters, hence the literal; a verifier is base64 and '$:', never a quote or '%'.
            s.connection().exec_driver_sql(f"ALTER ROLE CURRENT_USER PASSWORD '{verifier}'")

    def enable(self, s: Session, username: str) -> None:
        if self.enabled:
            s.execute(text("SELECT mpel_enable_login(:login)"), {"login": username})

    def disable(self, s: Session, username: str) -> None:
        if self.enabled:
            s.execute(text("SELECT mpel_disable_login(:login)"), {"login": username})


def signed_in_as_person(engine: Engine) -> bool:
    """True when the engine connects to PostgreSQL as a person's own login (a member of ``mpel_person``).

    A shared-role deployment (every desk as the owner ``mpel``) and SQLite say no; so does a database
    migrated before 0019 (no such role).
    """
    if engine.dialect.name != "postgresql":
        return False
    with engine.connect() as conn:
        return bool(conn.execute(text(
            # Made a member directly by mpel_provision_login (a superuser "has" every role: not a person).
            "SELECT EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
            "JOIN pg_roles me ON me.oid = m.member WHERE g.rolname = :person AND me.rolname = session_user)"),
            {"person": PERSON}).scalar())
