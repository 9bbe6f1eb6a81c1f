"""Columns a desk writes but may not read back wholesale: the audit log's values and outgoing mail (issue 19).

``audit_log.changes`` holds old and new names, dates of birth, references and
what people typed into searches; ``outbox_messages.body_text`` and
``attachment`` hold call notes and letters about a case.  Every desk writes
them (each change is audited; call notes go to regions through the outbox),
but a raw ``SELECT`` of them would show any login every subject in the
trail.  So (``pg_roles.SECRET_COLUMNS``) no desk role is granted SELECT on
those columns, and what a desk legitimately reads comes through here:

* ``mpel_desk_view.audit_log``: a person's login (``search_path =
  mpel_desk_view, public``, as for ``pg_desk_view.enquiries``) reads the audit
  log through this view, so the desk's unchanged SQL works.  ``changes`` is
  shown whole where the login may see it, and otherwise with the subject's
  values replaced by a note (``domain.audit_fields``):

  - an entry about an enquiry: whole while the login may see that enquiry's
    subject (``pg_roles.subject_visible``: passcode verified; an account
    manager's own region);
  - an entry about a CTS letter: whole for the letters' roles and the audit's
    overseers, if the letter is not a restricted one kept from them;
  - any other entry (a search, a user, an office...): whole for the audit's
    overseers (``Action.QUERY_AUDIT``), masked for everyone else;
  - the data protection officer and administrators (erasure, retention) read
    the table itself (``pg_roles.EXTRA_GRANTS``) and so the view shows them
    everything.

  Inserts go through an INSTEAD OF trigger into the table as the person (their
  INSERT grant, the ``mpel_audit_who`` trigger signing the row).
* ``mpel_outbox_document(id)``: a message's text and attachment (or the facts
  it is made from, ``attachment_snapshot``), for "export
  as a document" (the offline procedure), to the roles that work the outbox
  and only for a message about a record the login may see.
* ``mpel_hidden_letter_ids()``: which restricted letters' mail and audit
  entries to leave out, for logins that cannot read ``letters`` themselves.
* The mail sender has its own login (``pg_roles.MAIL_SERVICE``, ``mpel outbox
  serve``), the one that reads whole messages; a desk on a person's login
  sends nothing itself.
"""
from __future__ import annotations

from sqlalchemy import Connection, text

from ..domain.audit_fields import (ENQUIRY_PERSONAL_FIELDS, LETTER_PERSONAL_FIELDS, SEARCH_TEXT, WITHHELD,
                                   WITHHELD_PLAIN)
from ..domain.permissions import PERMISSIONS, Action
from ..domain.records import Role
from .pg_roles import DESK, GROUPS, subject_visible

SCHEMA = "mpel_desk_view"
AUDIT_TABLE = "audit_log"


def _groups_of(action: Action) -> list[str]:
    return sorted(GROUPS[r] for r in PERMISSIONS[action])


def _member_of(groups) -> str:
    return "(SELECT " + " OR ".join(f"pg_has_role(session_user, '{g}', 'MEMBER')" for g in groups) + ")"


_OVERSEERS = _groups_of(Action.QUERY_AUDIT)
_ERASERS = sorted({GROUPS[Role.DATA_PROTECTION_OFFICER], GROUPS[Role.ADMINISTRATOR]})
_LETTER_ROLES = sorted({GROUPS[r] for r in (Role.MPCS_ALLOCATOR, Role.WORKFLOW_MANAGER, Role.CASE_OWNER,
                                             Role.SENIOR_CASEWORKER, Role.UNIT_TEAM_LEADER, Role.PRIVATE_OFFICE)})
OUTBOX_WORKERS = _groups_of(Action.WORK_OUTBOX)


def _array(values) -> str:
    return "ARRAY[" + ", ".join(f"'{v}'" for v in sorted(values)) + "]::text[]"


_ENQUIRY_KEYS = _array({*ENQUIRY_PERSONAL_FIELDS, SEARCH_TEXT})
_LETTER_KEYS = _array({*LETTER_PERSONAL_FIELDS, SEARCH_TEXT})
_ANY_KEYS = _array({*ENQUIRY_PERSONAL_FIELDS, *LETTER_PERSONAL_FIELDS, SEARCH_TEXT})

# The JSON object with the values of ``keys`` replaced by ``marker``, keys kept in their order (json, not
# jsonb, which would reorder them).  Anything that is not a JSON object is returned as it is.
WITHHOLD = """CREATE OR REPLACE FUNCTION mpel_audit_withhold(changes text, keys text[], marker text) RETURNS text
   LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
   SELECT CASE WHEN changes IS NULL OR left(ltrim(changes), 1) <> '{' THEN changes ELSE coalesce(
       (SELECT json_object_agg(j.key, CASE WHEN j.key = ANY(keys) THEN to_json(marker) ELSE j.value END
                               ORDER BY j.n)::text
        FROM json_each(changes::json) WITH ORDINALITY AS j(key, value, n)), changes) END $$"""


def _audit_changes(a: str) -> str:
    """The ``changes`` a login reads of audit row ``a`` (see the module's note)."""
    about_enquiry = f"{a}.entity = 'enquiry' AND {a}.entity_id IS NOT NULL"
    about_letter = f"{a}.entity = 'letter' AND {a}.entity_id IS NOT NULL"
    enquiry_seen = f"EXISTS (SELECT 1 FROM public.enquiries e WHERE e.id = {a}.entity_id AND {subject_visible('e')})"
    letter_seen = (f"({_member_of(_LETTER_ROLES + _OVERSEERS)} AND public.mpel_may_see_letter({a}.entity_id))")
    whole = (f"{_member_of(_ERASERS)} OR ({about_enquiry} AND {enquiry_seen}) OR ({about_letter} AND {letter_seen}) "
             f"OR (NOT ({about_enquiry}) AND NOT ({about_letter}) AND {_member_of(_OVERSEERS)})")
    return (f"CASE WHEN {whole} THEN {a}.changes "
            f"WHEN {about_enquiry} THEN public.mpel_audit_withhold({a}.changes, {_ENQUIRY_KEYS}, '{WITHHELD}') "
            f"WHEN {about_letter} THEN public.mpel_audit_withhold({a}.changes, {_LETTER_KEYS}, '{WITHHELD_PLAIN}') "
            f"ELSE public.mpel_audit_withhold({a}.changes, {_ANY_KEYS}, '{WITHHELD_PLAIN}') END")


OUTBOX_SNAPSHOT = "attachment_snapshot"  # schema 0031: the facts a call record PDF is made from (notify/attachments)


def outbox_document(snapshot: bool | None) -> str:
    """The function's text.  ``snapshot``: True from schema 0031 on; False for an earlier migration re-applying
    the grants before the column exists (the same result columns, the snapshot NULL); None for the function as
    it was before 0031 (0031's downgrade puts it back)."""
    columns, returns = "o.body_text, o.attachment", "body_text text, attachment bytea"
    if snapshot is not None:
        columns += f", {'o.' + OUTBOX_SNAPSHOT if snapshot else 'NULL::text'}"
        returns += f", {OUTBOX_SNAPSHOT} text"
    return f"""CREATE FUNCTION mpel_outbox_document(message integer)
   RETURNS TABLE ({returns})
   LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_catalog AS $$
   SELECT {columns} FROM outbox_messages o
   WHERE o.id = message AND {_member_of(OUTBOX_WORKERS)}
     AND CASE o.entity
           WHEN 'enquiry' THEN EXISTS (SELECT 1 FROM enquiries e WHERE e.id = o.entity_id AND {subject_visible('e')})
           WHEN 'letter' THEN mpel_may_see_letter(o.entity_id)
           ELSE true END $$"""


OUTBOX_DOCUMENT_SIGNATURE = "mpel_outbox_document(integer)"

# The restricted letters [CORR 2.5] the login may not see (domain.correspondence.may_see_letter: its named handlers
# only, never the member of staff it is about), for leaving their mail and audit entries out.  Only their ids: a
# login that may not read letters at all (a call agent, the MPEL team leader) still learns which to leave out.
HIDDEN_LETTERS = """CREATE OR REPLACE FUNCTION mpel_hidden_letter_ids() RETURNS SETOF integer
   LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_catalog AS $$
   SELECT l.id FROM letters l WHERE l.restricted AND (
       lower(btrim(coalesce(l.staff_member, ''))) = lower(session_user::text)
       OR NOT EXISTS (SELECT 1 FROM letter_handlers h JOIN users u ON u.id = h.user_id
                      WHERE h.letter_id = l.id AND lower(btrim(u.username)) = lower(session_user::text))) $$"""
HIDDEN_LETTERS_SIGNATURE = "mpel_hidden_letter_ids()"
HIDDEN_LETTERS_CALL = text("SELECT mpel_hidden_letter_ids()")
OUTBOX_DOCUMENT_CALL = text("SELECT body_text, attachment, attachment_snapshot FROM mpel_outbox_document(:id)")


def _columns(conn: Connection, table: str) -> list[str]:
    return list(conn.scalars(text("SELECT column_name FROM information_schema.columns WHERE table_schema = "
                                  "'public' AND table_name = :t ORDER BY ordinal_position"), {"t": table}))


def statements(conn: Connection) -> list[str]:
    columns = _columns(conn, AUDIT_TABLE)
    shown = [f"{_audit_changes('a')} AS changes" if c == "changes" else f"a.{c}" for c in columns]
    writable = [c for c in columns if c != "id"]
    return [
        WITHHOLD,
        f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}",
        f"DROP VIEW IF EXISTS {SCHEMA}.{AUDIT_TABLE}",
        # No security_barrier: the view filters no rows, and what a user's condition sees is the masked value.
        f"CREATE VIEW {SCHEMA}.{AUDIT_TABLE} AS SELECT {', '.join(shown)} FROM public.{AUDIT_TABLE} a",
        f"""CREATE OR REPLACE FUNCTION {SCHEMA}.audit_log_write() RETURNS trigger LANGUAGE plpgsql
            SET search_path = public, pg_catalog AS $$
            BEGIN
              INSERT INTO public.{AUDIT_TABLE} ({', '.join(writable)})
              VALUES ({', '.join('NEW.' + c for c in writable)})
              RETURNING id, user_id, username INTO NEW.id, NEW.user_id, NEW.username;
              RETURN NEW;
            END $$""",
        f"CREATE TRIGGER audit_log_write INSTEAD OF INSERT ON {SCHEMA}.{AUDIT_TABLE} "
        f"FOR EACH ROW EXECUTE FUNCTION {SCHEMA}.audit_log_write()",
        # Dropped first: its result columns grew with schema 0031, which CREATE OR REPLACE cannot do.
        f"DROP FUNCTION IF EXISTS {OUTBOX_DOCUMENT_SIGNATURE}",
        outbox_document(OUTBOX_SNAPSHOT in _columns(conn, "outbox_messages")),
        HIDDEN_LETTERS,
    ]


def apply(conn: Connection, everyone: str) -> None:
    """(Re)build the audit view and the outbox document function, and grant them; safe to re-run."""
    for statement in statements(conn):
        conn.execute(text(statement))
    conn.execute(text(f"REVOKE ALL ON {SCHEMA}.{AUDIT_TABLE} FROM PUBLIC, {everyone}"))
    conn.execute(text(f"GRANT SELECT, INSERT ON {SCHEMA}.{AUDIT_TABLE} TO {DESK}"))
    conn.execute(text(f"REVOKE ALL ON FUNCTION {OUTBOX_DOCUMENT_SIGNATURE} FROM PUBLIC"))
    conn.execute(text(f"GRANT EXECUTE ON FUNCTION {OUTBOX_DOCUMENT_SIGNATURE} TO {', '.join(OUTBOX_WORKERS)}"))
    conn.execute(text(f"REVOKE ALL ON FUNCTION {HIDDEN_LETTERS_SIGNATURE} FROM PUBLIC"))
    conn.execute(text(f"GRANT EXECUTE ON FUNCTION {HIDDEN_LETTERS_SIGNATURE} TO {DESK}"))


def remove(conn: Connection) -> None:
    conn.execute(text(f"DROP VIEW IF EXISTS {SCHEMA}.{AUDIT_TABLE}"))
    conn.execute(text(f"DROP FUNCTION IF EXISTS {SCHEMA}.audit_log_write()"))
    conn.execute(text(f"DROP FUNCTION IF EXISTS {OUTBOX_DOCUMENT_SIGNATURE}"))
    conn.execute(text(f"DROP FUNCTION IF EXISTS {HIDDEN_LETTERS_SIGNATURE}"))
    conn.execute(text("DROP FUNCTION IF EXISTS mpel_audit_withhold(text, text[], text)"))
