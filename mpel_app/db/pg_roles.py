"""PostgreSQL as the security boundary: group roles, grants, row-level security, the append-only audit log.

PostgreSQL only (migration 0019 applies it; SQLite's desk is single-user).
Every statement here is idempotent, so ``apply()`` may be re-run by any later
migration that adds a table: add the table to ``TABLE_GRANTS`` (and, if it holds
personal data of a region or a restricted letter, to ``POLICIES``) and call
``apply(conn)`` again.

Who is who: a person's database login is named exactly as their MPEL Desk
username (with Windows single sign-on, ``include_realm=0`` in pg_hba.conf makes
``jsmith@CORP.EXAMPLE`` log in as ``jsmith``).  ``mpel_user_id()`` maps
``session_user`` -- which a client cannot change without being a superuser --
to the ``users`` row; what MPEL role a login holds is its membership of the
group roles below, which only the provisioning functions (``pg_provision``)
change.  Nothing a client says about itself is trusted.

Subject data of a locked enquiry: the subject columns of ``enquiries``
(``SUBJECT_COLUMNS``) are not granted to any desk role; they are read through
the security-barrier view ``enquiry_subjects``, which returns a row only while
the enquiry's passcode is verified (``passcode_verified_at IS NOT NULL``; the
service re-locks a record by clearing it) and, for account managers, only for
their own region's items (or items not yet sent to a region, or logged by
them).  Chosen over a policy (RLS filters rows, not columns: hiding the whole
row would hide the reference and status the desk needs to verify the passcode)
and over a new table (the name search, its triggers and the ORM all read these
columns from ``enquiries`` today).  Writers keep INSERT/UPDATE on the columns:
writing them needs no SELECT.
"""
from __future__ import annotations

from sqlalchemy import Connection, text

from ..domain.data_rights import NOT_SWEPT
from ..domain.inbox_rules import DESK_INTAKE_LEASE
from ..domain.records import Role

DESK = "mpel_desk"  # every person's login is a member; reference data and their own work
PROVISIONER = "mpel_provisioner"  # owns the SECURITY DEFINER functions that create and change logins
CTI_SERVICE = "mpel_cti_service"  # `mpel cti serve`
INBOX_SERVICE = "mpel_inbox_service"  # `mpel inbox serve`
PURGE_SERVICE = "mpel_purge_service"  # a scheduled `mpel purge`
MAIL_SERVICE = "mpel_mail_service"  # `mpel outbox serve`: the one login that reads whole outgoing messages


def group_of(role: Role) -> str:
    """The NOLOGIN group role standing for an MPEL role: mpel_call_agent, mpel_team_leader, mpel_administrator…"""
    return "mpel_" + role.value.removeprefix("mpel_")


GROUPS: dict[Role, str] = {role: group_of(role) for role in Role}
ALL_GROUPS = (DESK, *GROUPS.values(), CTI_SERVICE, INBOX_SERVICE, PURGE_SERVICE, MAIL_SERVICE)

_R = Role
_LOGGING = [GROUPS[r] for r in (_R.CALL_AGENT, _R.MPEL_TEAM_LEADER, _R.ACCOUNT_MANAGER,
                                _R.SUPPORT_ACCOUNT_MANAGER, _R.DUTY_MANAGER, _R.ADMINISTRATOR)]
_QUEUE = [GROUPS[r] for r in (_R.ACCOUNT_MANAGER, _R.SUPPORT_ACCOUNT_MANAGER, _R.DUTY_MANAGER,
                              _R.MPEL_TEAM_LEADER, _R.ADMINISTRATOR)]
_OVERSIGHT = [GROUPS[r] for r in (_R.DUTY_MANAGER, _R.MPEL_TEAM_LEADER, _R.ADMINISTRATOR)]
_REGION_BOUND = [GROUPS[r] for r in (_R.ACCOUNT_MANAGER, _R.SUPPORT_ACCOUNT_MANAGER)]
_CORRESPONDENCE = [GROUPS[r] for r in (_R.MPCS_ALLOCATOR, _R.WORKFLOW_MANAGER, _R.CASE_OWNER,
                                       _R.SENIOR_CASEWORKER, _R.UNIT_TEAM_LEADER, _R.PRIVATE_OFFICE,
                                       _R.ADMINISTRATOR)]
_ADMIN = [GROUPS[_R.ADMINISTRATOR]]
_MEMBERS = [GROUPS[_R.MPEL_TEAM_LEADER], GROUPS[_R.ADMINISTRATOR]]
_ROTA = _OVERSIGHT
_DISSOLUTION = [GROUPS[_R.MPCS_ALLOCATOR], GROUPS[_R.ADMINISTRATOR]]
_ERASERS = [GROUPS[_R.DATA_PROTECTION_OFFICER], GROUPS[_R.ADMINISTRATOR]]

SUBJECT_COLUMNS = ("subject_name", "subject_dob", "nationality", "nationality_folded", "ho_reference",
                   "cts_reference", "question", "answer", "response")

R, RW, RWU = "SELECT", "SELECT, INSERT", "SELECT, INSERT, UPDATE"

# Columns no login reads directly, whatever TABLE_GRANTS says of the table (issue 19): SELECT is granted
# column by column, all but these.  A person reads their own password hash through
# mpel_own_password_hash(); a passcode is checked by the database itself (db/pg_secrets.py).
SECRET_COLUMNS: dict[str, tuple[str, ...]] = {
    "members": ("passcode_hash", "passcode_verifier"),
    "users": ("password_hash",),
    # Written by every desk, read back only through db/pg_private.py (the audit view, the outbox document).
    "audit_log": ("changes",),
    "outbox_messages": ("body_text", "attachment", "attachment_snapshot"),
}
# (table, group) that read the table's SECRET_COLUMNS all the same: the mail sender sends the messages.
SECRET_READERS = frozenset({("outbox_messages", MAIL_SERVICE)})


def _to(groups: list[str], privileges: str) -> dict[str, str]:
    return {group: privileges for group in groups}


# table -> {group role: privileges}.  SELECT on "enquiries" is granted column by column (all but
# SUBJECT_COLUMNS) by apply(), whatever is written here.  A new table is one entry.  Tables a
# desk never deletes from get no DELETE; the audit log gets no UPDATE or DELETE for anyone.
TABLE_GRANTS: dict[str, dict[str, str]] = {
    "alembic_version": {DESK: R, CTI_SERVICE: R, INBOX_SERVICE: R, PURGE_SERVICE: R, MAIL_SERVICE: R},
    "regions": {DESK: R, CTI_SERVICE: R, INBOX_SERVICE: R, **_to(_ADMIN, "SELECT, INSERT, UPDATE")},
    "members": {DESK: R, CTI_SERVICE: R, INBOX_SERVICE: R, **_to(_MEMBERS, RWU)},
    # Everyone reads users (names on records, sign-in); only its own row, or an administrator, writes:
    # see POLICIES and the column grant in COLUMN_GRANTS.
    "users": {DESK: R, CTI_SERVICE: R, INBOX_SERVICE: R, **_to(_ADMIN, RWU)},
    "reference_counters": {**_to(_LOGGING, RWU), INBOX_SERVICE: RWU},
    "closure_days": {DESK: R, INBOX_SERVICE: R, **_to(_ADMIN, "SELECT, INSERT, UPDATE, DELETE")},
    # The queues' "UPDATE" first: listed after the logging roles it took INSERT away from every role in both
    # (the team leader, account managers, administrators), who log calls and release quarantined e-mail too.
    "enquiries": {**_to(_QUEUE, "UPDATE"), **_to(_LOGGING, "INSERT, UPDATE"),
                  INBOX_SERVICE: "INSERT, UPDATE"},  # the intake allocates what it took in to the region
    "subject_name_tokens": {DESK: R, **_to(_LOGGING + _QUEUE, "SELECT, INSERT, UPDATE, DELETE"),
                            INBOX_SERVICE: RW},
    "subject_name_words": {DESK: R, **_to(_LOGGING + _QUEUE, "SELECT, INSERT, UPDATE, DELETE"),
                           INBOX_SERVICE: "SELECT, INSERT, DELETE"},
    "subject_name_pairs": {DESK: R, **_to(_LOGGING + _QUEUE, "SELECT, INSERT, UPDATE, DELETE"),
                           INBOX_SERVICE: "SELECT, INSERT, DELETE"},
    "audit_log": {DESK: RW, CTI_SERVICE: "INSERT", INBOX_SERVICE: "INSERT", PURGE_SERVICE: "INSERT"},
    "outbox_messages": {DESK: RW, INBOX_SERVICE: RW, PURGE_SERVICE: R, MAIL_SERVICE: R},  # UPDATE: COLUMN_GRANTS
    "urgent_contacts": {DESK: R, **_to(_LOGGING + _QUEUE, RW)},
    "duty_rota": {DESK: R, **_to(_ROTA, RWU)},
    "drafting_units": {DESK: R, **_to(_ADMIN, RWU)},
    "unit_members": {DESK: R, **_to(_ADMIN, "SELECT, INSERT, DELETE")},
    # The Home Secretary's list [CORR 1.8]: read when MPCS registers a letter, kept by administrators.
    "home_secretary_list": {DESK: R, **_to(_ADMIN, "SELECT, INSERT, DELETE")},
    "cts_counters": {**_to(_CORRESPONDENCE + _MEMBERS, RWU), INBOX_SERVICE: RWU},
    # The inbox: the fax gateway.  The MPEL team leader's desk takes the central inbox in by itself where no
    # `mpel inbox serve` runs, one desk at a time by a lease kept here: that one row only (POLICIES).
    "settings": {DESK: R, INBOX_SERVICE: R, **_to(_DISSOLUTION, RWU), GROUPS[_R.MPEL_TEAM_LEADER]: RWU},
    "letters": {**_to(_CORRESPONDENCE, RWU)},
    "letter_handlers": {**_to(_CORRESPONDENCE, "SELECT, INSERT, DELETE")},
    "letter_rejections": {**_to(_CORRESPONDENCE, RW)},
    "letter_documents": {**_to(_CORRESPONDENCE, RWU), PURGE_SERVICE: "SELECT, UPDATE"},
    "calls": {DESK: RWU, CTI_SERVICE: RWU},
    "call_events_seen": {DESK: RW, CTI_SERVICE: RW},
    # Call backs: queued by a desk, placed by the CTI bridge (issue 9).
    "call_backs": {DESK: RWU, CTI_SERVICE: "SELECT, UPDATE"},
    # The guidance at the agent's hand (issue 13): everyone reads; the MPEL team leader keeps it.
    # The inbox service opens the database like any desk, which looks whether the guidance is loaded.
    "guidance_contacts": {DESK: R, INBOX_SERVICE: R, **_to(_MEMBERS, "SELECT, INSERT, UPDATE, DELETE")},
    "guidance_answers": {DESK: R, INBOX_SERVICE: R, **_to(_MEMBERS, "SELECT, INSERT, UPDATE, DELETE")},
    # Wrong passcodes counted per office (issue 19, finding 4): written by whoever checks a passcode.
    "passcode_failures": {**_to(_LOGGING + _QUEUE, RW), **_to(_MEMBERS, R)},
    # The legacy import (issue 10): administrators write; every desk reads an imported record's origin.
    "legacy_sources": {DESK: R, **_to(_ADMIN, RWU)},
    "legacy_people": {DESK: R, **_to(_ADMIN, RWU)},
    "legacy_records": {DESK: R, **_to(_ADMIN, RWU)},
    # The central inbox (issue 18): the intake service writes; the queues work the e-mail cases.
    # The MPEL team leader (and an administrator) releases a quarantined message: taken in as the intake would.
    "inbox_messages": {**_to(_LOGGING + _QUEUE, R), **_to(_MEMBERS, RWU), INBOX_SERVICE: RWU},
    "inbox_deliveries": {**_to(_LOGGING + _QUEUE, R), **_to(_MEMBERS, RWU), INBOX_SERVICE: RWU},
    "inbox_attachments": {**_to(_LOGGING + _QUEUE, R), **_to(_MEMBERS, RWU), INBOX_SERVICE: RWU},
    "email_cases": {**_to(_LOGGING + _QUEUE, RWU), INBOX_SERVICE: RWU},
    # The letters' special cases (issue 15).
    "letter_facts": {**_to(_CORRESPONDENCE, RWU)},
    "member_status": {DESK: R, **_to(_DISSOLUTION, RWU)},
    "letter_contributions": {**_to(_CORRESPONDENCE, RWU)},
    "offline_units": {DESK: R, **_to(_ADMIN + _CORRESPONDENCE, RWU)},
    "workstack_cover": {**_to(_CORRESPONDENCE, "SELECT, INSERT, UPDATE, DELETE")},
    # The people in the records (issue 17): holds and the record of what was anonymised.
    "legal_holds": {**_to(_ERASERS, RWU), **_to(_ADMIN, RWU), DESK: R},
    "anonymised_records": {**_to(_ERASERS, RW), **_to(_ADMIN, RW), DESK: R},
}

# Extra privileges granted on top of TABLE_GRANTS (GRANT adds): (table, group, privileges).  The data
# protection officer reads and anonymises every table holding a person's data (issue 17); the
# administrator's retention run needs the same where it has less.  Audit values are replaced only
# through mpel_erase_audit_values() (db/pg_erasure.py): no UPDATE on audit_log for anyone.
_ERASE_TABLES = {
    # The name index's triggers refresh the word and pair tables as whoever changed the tokens.
    "enquiries": "SELECT, UPDATE", "subject_name_tokens": "SELECT, INSERT, UPDATE, DELETE",
    "subject_name_words": "SELECT, INSERT, UPDATE, DELETE", "subject_name_pairs": "SELECT, INSERT, UPDATE, DELETE",
    "outbox_messages": "SELECT, UPDATE", "urgent_contacts": "SELECT, UPDATE", "letters": "SELECT, UPDATE",
    "letter_documents": "SELECT, UPDATE", "letter_rejections": "SELECT, UPDATE",
    "letter_contributions": "SELECT, UPDATE", "letter_facts": "SELECT", "letter_handlers": "SELECT",
    "email_cases": "SELECT, UPDATE", "inbox_messages": "SELECT, UPDATE", "inbox_attachments": "SELECT, UPDATE",
    "legacy_records": "SELECT, UPDATE", "legacy_sources": "SELECT", "legacy_people": "SELECT",
    "calls": "SELECT", "audit_log": "SELECT, INSERT", "settings": "SELECT, INSERT, UPDATE",
    "drafting_units": "SELECT", "members": "SELECT", "users": "SELECT",
}
# Administrators (the retention run) update enquiries but do not read a locked record's subject columns by raw
# SQL (the boundary of issue 19); their subject-access requests read them, as the officer's do, only through
# the audited opening of db/pg_subject_access.py.
# The sweep of free text (services/anonymise.sweep) reads and rewrites every table not in NOT_SWEPT.
_ERASE_TABLES.update({table: "SELECT, UPDATE" for table in TABLE_GRANTS
                      if table not in _ERASE_TABLES and table not in NOT_SWEPT})
EXTRA_GRANTS: list[tuple[str, str, str]] = [
    (table, group, "UPDATE" if (table, group) == ("enquiries", GROUPS[_R.ADMINISTRATOR]) else privileges)
    for table, privileges in _ERASE_TABLES.items() for group in _ERASERS]

# (table, group): the only columns that group may UPDATE (instead of the whole row).
COLUMN_GRANTS: dict[tuple[str, str], tuple[str, tuple[str, ...]]] = {
    # A person's own sign-in state; roles, region, active and names are the administrator's.
    ("users", DESK): ("UPDATE", ("password_hash", "failed_logins", "must_change_password")),
    # Whoever checks a passcode may lock the office's passcode after too many wrong ones (finding 4).
    **{("members", group): ("UPDATE", ("passcode_locked_at",)) for group in _LOGGING + _QUEUE
       if group not in _MEMBERS},
    # The intake writes the audit through the ORM, which reads back the new entry's id (INSERT ... RETURNING id).
    ("audit_log", INBOX_SERVICE): ("SELECT", ("id",)),
    # A desk retries a message or records it sent by hand: its state, never what it says or to whom.
    ("outbox_messages", DESK): ("UPDATE", ("status", "next_attempt_at", "sent_at", "version")),
    # The mail sender records how a delivery went, and changes nothing of what a message says.
    ("outbox_messages", MAIL_SERVICE): ("UPDATE", ("status", "attempts", "next_attempt_at", "last_error", "sent_at",
                                                   "claimed_by", "claimed_at", "version")),
}

def opened(alias: str, kind: str) -> str:
    """Records opened to this login for subject access in this transaction (``pg_subject_access``); a scalar
    sub-select, so evaluated once a query, and only when a row's other rule has already said no."""
    return f"{alias}.id = ANY((SELECT mpel_opened('{kind}'))::integer[])"


def subject_visible(alias: str) -> str:
    """``mpel_may_see_subject`` written out over a row of enquiries (``alias``), for views and policies.

    The same rule (passcode verified; a region-bound role's own region, an item with no region, or one
    they logged; or opened to a subject-access request in this transaction), but with what depends only on the session in scalar sub-selects, which PostgreSQL
    evaluates once per query (InitPlans), instead of a SECURITY DEFINER function called per row and per
    column: 50,000 enquiries searched by Home Office reference took 7 s through the function, per query.
    """
    return (f"(({alias}.passcode_verified_at IS NOT NULL AND ((SELECT NOT mpel_region_bound()) "
            f"OR {alias}.region_code IS NULL OR {alias}.created_by_id = (SELECT mpel_user_id()) "
            f"OR {alias}.region_code = (SELECT mpel_user_region()))) OR {opened(alias, 'enquiry')})")


# A scalar sub-select, not EXISTS: the planner may turn an EXISTS into a hashed sub-plan, which reads every
# enquiry the login may see to answer a name search that wants 50 rows; this is one primary-key probe per row
# the search's own index range reads (benchmarks.rls_latency).
_SEES_SUBJECT = (f"coalesce((SELECT {subject_visible('e')} FROM public.enquiries e WHERE e.id = enquiry_id), "
                 "false)")

# Which rows a login sees (USING) and writes (WITH CHECK): table -> {command: predicate}.
# A table listed here gets ENABLE ROW LEVEL SECURITY; commands not listed are open (true).
_SEES_LETTER = "mpel_may_see_letter(letter_id)"
POLICIES: dict[str, dict[str, str]] = {
    # Region-bound roles change only their own region's items (and what they logged themselves).
    "enquiries": {"SELECT": "true", "UPDATE": "mpel_works_region(region_code, created_by_id)"},
    "subject_name_tokens": {"SELECT": _SEES_SUBJECT},
    "subject_name_words": {"SELECT": _SEES_SUBJECT},
    "subject_name_pairs": {"SELECT": _SEES_SUBJECT},
    # A person changes their own row; an administrator anyone's.
    "users": {"SELECT": "true", "UPDATE": f"id = mpel_user_id() OR pg_has_role(session_user, "
                                          f"'{GROUPS[_R.ADMINISTRATOR]}', 'MEMBER')"},
    # Restricted letters [CORR 2.5]: their named handlers only.
    "letters": {"ALL": "NOT restricted OR EXISTS (SELECT 1 FROM letter_handlers h "
                       "WHERE h.letter_id = letters.id AND h.user_id = mpel_user_id()) "
                       f"OR pg_has_role(session_user, '{GROUPS[_R.DATA_PROTECTION_OFFICER]}', 'MEMBER') "
                       f"OR {opened('letters', 'letter')}"},
    "letter_rejections": {"ALL": _SEES_LETTER},
    "letter_documents": {"ALL": _SEES_LETTER},
}


def _member_of_any(groups: list[str]) -> str:
    return " OR ".join(f"pg_has_role(session_user, '{g}', 'MEMBER')" for g in groups)


# Settings: the groups writing them for their own sake (TABLE_GRANTS, EXTRA_GRANTS) write any; a group
# granted writing only for the desk intake's lease writes that row alone.
_LEASE_ONLY = [GROUPS[_R.MPEL_TEAM_LEADER]]
_SETTINGS_WRITERS = sorted({group for group, privileges in TABLE_GRANTS["settings"].items() if "INSERT" in privileges}
                           .union(group for table, group, privileges in EXTRA_GRANTS
                                  if table == "settings" and "INSERT" in privileges)
                           .difference(_LEASE_ONLY))
_SETTINGS_WRITE = f"key = '{DESK_INTAKE_LEASE}' OR {_member_of_any(_SETTINGS_WRITERS)}"
POLICIES["settings"] = {"INSERT": _SETTINGS_WRITE, "UPDATE": _SETTINGS_WRITE}


# SECURITY DEFINER (owned by the migrating role, which bypasses nothing but owns the tables) so that
# the checks read users, enquiries and letter_handlers whatever the caller may read itself.
FUNCTIONS = (
    """CREATE OR REPLACE FUNCTION mpel_user_id() RETURNS integer LANGUAGE sql STABLE SECURITY DEFINER
       SET search_path = public, pg_catalog AS
       $$ SELECT id FROM users WHERE username = session_user AND active $$""",
    f"""CREATE OR REPLACE FUNCTION mpel_region_bound() RETURNS boolean LANGUAGE sql STABLE
       SET search_path = public, pg_catalog AS
       $$ SELECT ({_member_of_any(_REGION_BOUND)}) AND NOT ({_member_of_any(_OVERSIGHT)}) $$""",
    """CREATE OR REPLACE FUNCTION mpel_works_region(region text, created_by integer) RETURNS boolean
       LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_catalog AS
       $$ SELECT NOT mpel_region_bound() OR region IS NULL OR created_by = mpel_user_id()
                 OR region = (SELECT region_code FROM users WHERE id = mpel_user_id()) $$""",
    """CREATE OR REPLACE FUNCTION mpel_user_region() RETURNS text LANGUAGE sql STABLE SECURITY DEFINER
       SET search_path = public, pg_catalog AS
       $$ SELECT region_code FROM users WHERE id = mpel_user_id() $$""",
    """CREATE OR REPLACE FUNCTION mpel_may_see_subject(enquiry integer) RETURNS boolean
       LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_catalog AS
       $$ SELECT EXISTS (SELECT 1 FROM enquiries e WHERE e.id = enquiry AND e.passcode_verified_at IS NOT NULL
                         AND mpel_works_region(e.region_code, e.created_by_id))
                 OR pg_has_role(session_user, 'mpel_data_protection_officer', 'MEMBER') $$""",
    """CREATE OR REPLACE FUNCTION mpel_may_see_letter(letter integer) RETURNS boolean
       LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_catalog AS
       $$ SELECT EXISTS (SELECT 1 FROM letters l WHERE l.id = letter AND (NOT l.restricted OR EXISTS (
                 SELECT 1 FROM letter_handlers h WHERE h.letter_id = l.id AND h.user_id = mpel_user_id())
                 OR pg_has_role(session_user, 'mpel_data_protection_officer', 'MEMBER')
                 OR l.id = ANY(mpel_opened('letter')))) $$""",
    # The audit log is append-only, even for its owner; a migration that must rewrite it says so with
    # SET LOCAL mpel.migrating = 'on' (and could as well drop the trigger: the owner is trusted that far).
    """CREATE OR REPLACE FUNCTION mpel_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS
       $$ BEGIN
            IF coalesce(current_setting('mpel.migrating', true), '') = 'on' THEN
              RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
            END IF;
            RAISE EXCEPTION 'the audit log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
          END $$""",
)
# Who wrote an audit entry is the database's to say when a person's own login writes it: a desk
# handing the service a doctored user record cannot sign the trail with someone else's name.
AUDIT_WHO = """CREATE OR REPLACE FUNCTION mpel_audit_who() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
       SET search_path = public, pg_catalog AS $$
       BEGIN
         IF EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
                    JOIN pg_roles me ON me.oid = m.member WHERE g.rolname = 'mpel_person'
                    AND me.rolname = session_user) THEN
           NEW.user_id := mpel_user_id();
           NEW.username := session_user;
         END IF;
         RETURN NEW;
       END $$"""
SUBJECT_VIEW = (
    "CREATE OR REPLACE VIEW enquiry_subjects WITH (security_barrier) AS SELECT id, "
    + ", ".join(SUBJECT_COLUMNS)
    # Appended (CREATE OR REPLACE keeps the earlier columns): a search orders and fences by them (repositories).
    + ", received_at, deleted_at"
    + " FROM enquiries WHERE " + subject_visible("enquiries")
)
TRIGGERS = (
    "DROP TRIGGER IF EXISTS mpel_audit_who ON audit_log",
    "CREATE TRIGGER mpel_audit_who BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION mpel_audit_who()",
    "DROP TRIGGER IF EXISTS mpel_audit_append_only ON audit_log",
    "CREATE TRIGGER mpel_audit_append_only BEFORE UPDATE OR DELETE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION mpel_audit_append_only()",
    "DROP TRIGGER IF EXISTS mpel_audit_no_truncate ON audit_log",
    "CREATE TRIGGER mpel_audit_no_truncate BEFORE TRUNCATE ON audit_log "
    "FOR EACH STATEMENT EXECUTE FUNCTION mpel_audit_append_only()",
)


def _create_role(name: str, options: str = "NOLOGIN") -> str:
    # Roles are cluster-wide: another database of the same cluster may have made it already.
    return (f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{name}') THEN "
            f"CREATE ROLE {name} {options}; END IF; END $$")


def _tables(conn: Connection) -> set[str]:
    return set(conn.scalars(text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")))


def _columns(conn: Connection, table: str) -> list[str]:
    return list(conn.scalars(text("SELECT column_name FROM information_schema.columns "
                                  "WHERE table_schema = current_schema() AND table_name = :t "
                                  "ORDER BY ordinal_position"), {"t": table}))


class NeedsCreateRole(RuntimeError):
    """The role migrating the shared database may not create the group roles of schema 0019."""


def reapply(conn: Connection) -> None:
    """A migration that changes only grants, policies or functions: ``apply()`` on PostgreSQL, nothing on SQLite."""
    if conn.dialect.name == "postgresql":
        apply(conn)


def apply(conn: Connection) -> None:
    """Create the roles if missing and (re)apply every grant, policy and trigger; safe to re-run."""
    from . import pg_desk_view, pg_private, pg_subject_access  # they read from here: imported when used, not in a cycle
    if not conn.scalar(text("SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user")):
        raise NeedsCreateRole(
            f"{conn.scalar(text('SELECT current_user'))} may not create roles: schema 0019 creates the MPEL "
            "group roles once. As the PostgreSQL superuser run ALTER ROLE <this role> CREATEROLE, "
            "or run `mpel db upgrade` once as the superuser (README, Per-person logins)")
    for name in ALL_GROUPS:
        conn.execute(text(_create_role(name)))
    conn.execute(text(_create_role(PROVISIONER, "NOLOGIN CREATEROLE")))
    # Nobody but the owner creates objects (a function or table planted in the schema could be picked up
    # by a search_path); USAGE stays as it was, the table grants below decide what is readable.
    conn.execute(text("REVOKE CREATE ON SCHEMA public FROM PUBLIC"))
    conn.execute(text(f"GRANT USAGE ON SCHEMA public TO {', '.join(ALL_GROUPS)}, {PROVISIONER}"))
    pg_subject_access.apply(conn)  # mpel_opened, which the functions, view and policies below call
    for statement in FUNCTIONS:
        conn.execute(text(statement))
    conn.execute(text(SUBJECT_VIEW))
    conn.execute(text(AUDIT_WHO))
    for statement in TRIGGERS:
        conn.execute(text(statement))
    present = _tables(conn)
    everyone = ", ".join(ALL_GROUPS)
    for table in sorted(present):
        conn.execute(text(f"REVOKE ALL ON {table} FROM PUBLIC, {everyone}"))
    for table, grants in TABLE_GRANTS.items():
        if table not in present:
            continue  # a table of a later migration: that migration re-runs apply()
        for group, privileges in grants.items():
            conn.execute(text(f"GRANT {privileges} ON {table} TO {group}"))
    for table, group, privileges in EXTRA_GRANTS:
        if table in present:
            conn.execute(text(f"GRANT {privileges} ON {table} TO {group}"))
    for (table, group), (privilege, columns) in COLUMN_GRANTS.items():
        if table in present:
            conn.execute(text(f"GRANT {privilege} ({', '.join(columns)}) ON {table} TO {group}"))
    for table, secret in SECRET_COLUMNS.items():
        if table not in present:
            continue
        open_columns = ", ".join(c for c in _columns(conn, table) if c not in secret)
        for group, privileges in TABLE_GRANTS.get(table, {}).items():
            if "SELECT" in privileges and (table, group) not in SECRET_READERS:
                conn.execute(text(f"REVOKE SELECT ON {table} FROM {group}"))
                conn.execute(text(f"GRANT SELECT ({open_columns}) ON {table} TO {group}"))
    readable = [c for c in _columns(conn, "enquiries") if c not in SUBJECT_COLUMNS]
    conn.execute(text(f"GRANT SELECT ({', '.join(readable)}) ON enquiries TO {DESK}, {INBOX_SERVICE}"))
    conn.execute(text(f"REVOKE ALL ON enquiry_subjects FROM PUBLIC, {everyone}"))
    conn.execute(text(f"GRANT SELECT ON enquiry_subjects TO {DESK}"))
    conn.execute(text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {everyone}"))
    for statement in _policies(present):
        conn.execute(text(statement))
    desk_view = {**TABLE_GRANTS["enquiries"], DESK: "SELECT"}
    for group in TABLE_GRANTS["enquiries"]:
        desk_view[group] = "SELECT, " + TABLE_GRANTS["enquiries"][group]
    pg_desk_view.apply(conn, desk_view, everyone)
    pg_private.apply(conn, everyone)
    conn.execute(text(f"GRANT {DESK} TO {', '.join(GROUPS.values())}"))


def _policies(present: set[str]) -> list[str]:
    statements = []
    for table, rules in POLICIES.items():
        if table not in present:
            continue
        # ENABLE, not FORCE: the table owner is the role that migrates (and, until a deployment has moved
        # to per-person logins, the shared role every desk used); the SECURITY DEFINER checks above read
        # as the owner, which FORCE would send back through these same policies.
        statements.append(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        commands = ("SELECT", "INSERT", "UPDATE", "DELETE")
        for command in commands:
            predicate = rules.get(command, rules.get("ALL", "true"))
            name = f"mpel_{table}_{command.lower()}"
            statements.append(f"DROP POLICY IF EXISTS {name} ON {table}")
            if command == "INSERT":
                clause = f"WITH CHECK ({predicate})"
            elif command == "UPDATE":
                clause = f"USING ({predicate}) WITH CHECK ({predicate})"
            else:
                clause = f"USING ({predicate})"
            statements.append(f"CREATE POLICY {name} ON {table} FOR {command} {clause}")
    return statements


def remove(conn: Connection) -> None:
    """Undo apply() in this database; the cluster-wide roles stay (other databases may use them)."""
    present = _tables(conn)
    for table, rules in POLICIES.items():
        if table not in present:
            continue
        for command in ("select", "insert", "update", "delete"):
            conn.execute(text(f"DROP POLICY IF EXISTS mpel_{table}_{command} ON {table}"))
        conn.execute(text(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY"))
    everyone = ", ".join(ALL_GROUPS)
    for table in sorted(present):
        conn.execute(text(f"REVOKE ALL ON {table} FROM {everyone}"))
    conn.execute(text(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {everyone}"))
    conn.execute(text("DROP TRIGGER IF EXISTS mpel_audit_append_only ON audit_log"))
    conn.execute(text("DROP TRIGGER IF EXISTS mpel_audit_no_truncate ON audit_log"))
    conn.execute(text("DROP TRIGGER IF EXISTS mpel_audit_who ON audit_log"))
    conn.execute(text("DROP VIEW IF EXISTS enquiry_subjects"))
    from . import pg_desk_view, pg_private

    pg_private.remove(conn)
    pg_desk_view.remove(conn)
    for name in ("mpel_audit_who()", "mpel_audit_append_only()", "mpel_may_see_letter(integer)", "mpel_may_see_subject(integer)",
                 "mpel_works_region(text, integer)", "mpel_user_region()", "mpel_region_bound()",
                 "mpel_user_id()"):
        conn.execute(text(f"DROP FUNCTION IF EXISTS {name}"))
    from . import pg_subject_access

    pg_subject_access.remove(conn)
    conn.execute(text(f"REVOKE USAGE ON SCHEMA public FROM {everyone}, {PROVISIONER}"))
