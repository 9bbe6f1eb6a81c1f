"""Secrets a desk's login may use but never read: passwords and office passcodes (PostgreSQL, issue 19).

``pg_roles.SECRET_COLUMNS`` keeps ``users.password_hash`` and the members'
passcode columns out of every login's SELECT.  What a desk legitimately needs
goes through three narrow SECURITY DEFINER functions instead:

* ``mpel_own_password_hash()``: the argon2 hash of the signed-in login's own
  account only (``session_user``), so the desk can check a password and
  change it; no one can fetch another person's hash to crack it offline.
* ``mpel_check_passcode(enquiry, passcode, at)``: the database checks an
  office's passcode against a bcrypt verifier (pgcrypto's ``crypt``; argon2 is
  not available inside PostgreSQL) that no login can read.  Every wrong
  passcode is counted by the function itself in ``passcode_failures`` (which
  no login may update or delete), and it refuses outright when the call has
  used its tries or the office its limit (domain.enquiry_flow,
  domain.office_passcode: the limits are written in from there), so raw SQL
  is no faster an oracle than the desk.  It alone sets
  ``passcode_verified_at``: the trigger ``mpel_enquiry_gate`` refuses a
  person's login that sets it directly, which would otherwise open the
  subject columns (``pg_desk_view``) with no passcode at all.
* The verifier is written by the members service (``verifier_statement``)
  with ``crypt(passcode, gen_salt('bf'))``: the passcode reaches the server as
  a bound parameter (keep ``log_statement`` off ``all`` on the server).

Offices whose passcode was set before schema 0024 have no verifier: the
function answers NULL and the desk asks for the passcode to be set again.
SQLite's single-user desk keeps checking argon2 hashes in the service.
"""
from __future__ import annotations

from sqlalchemy import Connection, bindparam, text

from .types import UTCDateTime

from ..domain.enquiry_flow import MAX_PASSCODE_ATTEMPTS
from ..domain.office_passcode import OFFICE_FAILURE_LIMIT, OFFICE_WINDOW
from ..domain.records import Role
from .pg_roles import DESK, GROUPS

# Who checks a passcode: the roles that log enquiries (pg_roles' _LOGGING and _QUEUE alike).
_CHECKERS = sorted({GROUPS[r] for r in (Role.CALL_AGENT, Role.MPEL_TEAM_LEADER, Role.ACCOUNT_MANAGER,
                                         Role.SUPPORT_ACCOUNT_MANAGER, Role.DUTY_MANAGER, Role.ADMINISTRATOR)})
BCRYPT_COST = 8  # ~20 ms on a desk-class core: the limits above, not the cost, are what stops guessing
DEMO_BCRYPT_COST = 4  # demo data sets hundreds of passcodes at first start

# A person's own login acting as itself (not inside a SECURITY DEFINER function run for it).
IS_PERSON = ("current_user = session_user AND EXISTS (SELECT 1 FROM pg_auth_members m "
             "JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles me ON me.oid = m.member "
             "WHERE g.rolname = 'mpel_person' AND me.rolname = session_user)")

FUNCTIONS = (
    """CREATE OR REPLACE FUNCTION mpel_own_password_hash() RETURNS text LANGUAGE sql STABLE SECURITY DEFINER
       SET search_path = public, pg_catalog AS
       $$ SELECT password_hash FROM users WHERE username = session_user $$""",
    f"""CREATE OR REPLACE FUNCTION mpel_check_passcode(enquiry integer, passcode text, checked_at timestamptz)
       RETURNS boolean LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_catalog AS $$
       DECLARE
         office integer; verifier text; locked timestamptz; cleared timestamptz;
         tries integer; office_tries integer; stamp timestamptz := greatest(checked_at, now());
       BEGIN
         SELECT e.member_id INTO office FROM enquiries e WHERE e.id = enquiry AND e.deleted_at IS NULL;
         IF office IS NULL THEN
           RAISE EXCEPTION 'no enquiry % with a member to check' , enquiry USING ERRCODE = 'no_data_found';
         END IF;
         -- The office's row locked: desks checking the same office at once take turns, so no limit overshoots.
         SELECT m.passcode_verifier, m.passcode_locked_at, m.passcode_cleared_at INTO verifier, locked, cleared
           FROM members m WHERE m.id = office FOR UPDATE;
         SELECT count(*) INTO tries FROM passcode_failures f WHERE f.enquiry_id = enquiry;
         -- Counted from the earlier of the two clocks: a caller's "at" can only make more failures count.
         SELECT count(*) INTO office_tries FROM passcode_failures f WHERE f.member_id = office
           AND f.at > greatest(least(checked_at, now()) - interval '{int(OFFICE_WINDOW.total_seconds())} seconds',
                               coalesce(cleared, '-infinity'));
         IF tries >= {MAX_PASSCODE_ATTEMPTS} OR locked IS NOT NULL OR office_tries >= {OFFICE_FAILURE_LIMIT} THEN
           RAISE EXCEPTION 'passcode checks are locked for this call or office' USING ERRCODE = 'insufficient_privilege';
         END IF;
         IF verifier IS NULL THEN RETURN NULL; END IF;
         IF crypt(passcode, verifier) = verifier THEN
           UPDATE enquiries SET passcode_verified_at = checked_at, version = version + 1 WHERE id = enquiry;
           RETURN true;
         END IF;
         INSERT INTO passcode_failures (member_id, enquiry_id, user_id, at) VALUES (office, enquiry, mpel_user_id(), stamp);
         UPDATE enquiries SET passcode_failures = tries + 1, version = version + 1 WHERE id = enquiry;
         RETURN false;
       END $$""",
    f"""CREATE OR REPLACE FUNCTION mpel_enquiry_gate() RETURNS trigger LANGUAGE plpgsql
       SET search_path = public, pg_catalog AS $$
       BEGIN
         IF NEW.passcode_verified_at IS NOT NULL AND NEW.passcode_verified_at IS DISTINCT FROM OLD.passcode_verified_at
            AND {IS_PERSON} THEN
           RAISE EXCEPTION 'a passcode is verified only by mpel_check_passcode' USING ERRCODE = 'insufficient_privilege';
         END IF;
         -- Another office on the line: what the last one's passcode opened closes again.
         IF NEW.member_id IS DISTINCT FROM OLD.member_id AND {IS_PERSON} THEN
           NEW.passcode_verified_at := NULL;
         END IF;
         RETURN NEW;
       END $$""",
)
TRIGGERS = (
    "DROP TRIGGER IF EXISTS mpel_enquiry_gate ON enquiries",
    "CREATE TRIGGER mpel_enquiry_gate BEFORE UPDATE ON enquiries FOR EACH ROW EXECUTE FUNCTION mpel_enquiry_gate()",
)
SIGNATURES = ("mpel_own_password_hash()", "mpel_check_passcode(integer, text, timestamptz)")


def apply(conn: Connection) -> None:
    """pgcrypto (a trusted extension: the database's owner may create it), the functions and the gate."""
    conn.execute(text("CREATE EXTENSION IF NOT EXISTS pgcrypto"))
    for statement in (*FUNCTIONS, *TRIGGERS):
        conn.execute(text(statement))
    for signature in SIGNATURES:
        conn.execute(text(f"REVOKE ALL ON FUNCTION {signature} FROM PUBLIC"))
    conn.execute(text(f"GRANT EXECUTE ON FUNCTION mpel_own_password_hash() TO {DESK}"))
    conn.execute(text(f"GRANT EXECUTE ON FUNCTION mpel_check_passcode(integer, text, timestamptz) "
                      f"TO {', '.join(_CHECKERS)}"))


def remove(conn: Connection) -> None:
    for statement in ("DROP TRIGGER IF EXISTS mpel_enquiry_gate ON enquiries", "DROP FUNCTION IF EXISTS mpel_enquiry_gate()",
                      *(f"DROP FUNCTION IF EXISTS {s}" for s in SIGNATURES)):
        conn.execute(text(statement))


def verifier_statement(demo: bool = False):
    """The UPDATE that stores an office's passcode verifier (bind ``member`` and ``passcode``)."""
    cost = DEMO_BCRYPT_COST if demo else BCRYPT_COST
    return text(f"UPDATE members SET passcode_verifier = crypt(:passcode, gen_salt('bf', {cost})) WHERE id = :member")


def store_verifier(session, member_id: int, passcode: str, *, demo: bool = False) -> None:
    """On PostgreSQL, have the database keep a verifier of the office's new passcode (nothing on SQLite)."""
    if session.get_bind().dialect.name == "postgresql":
        session.flush()
        session.execute(verifier_statement(demo), {"member": member_id, "passcode": passcode})


def check_passcode_statement():
    """``mpel_check_passcode`` (bind ``enquiry``, ``passcode``, ``at``): true, false, or NULL for no verifier."""
    return text("SELECT mpel_check_passcode(:enquiry, :passcode, :at)").bindparams(
        bindparam("at", type_=UTCDateTime()))
