"""PostgreSQL: the one narrow way subject access reads records the boundary otherwise withholds (issue 17).

On the shared database a person's login does not see a locked enquiry's subject (``pg_roles.subject_visible``:
the desk's view blanks it, the name index hides its tokens) nor a restricted letter [CORR 2.5] it does not
handle.  That is right for the desk, and wrong for a subject-access request: the law gives the person
everything held on them, and an officer's search that silently skipped locked records would hand over an
incomplete answer without saying so.  So the data protection officer and administrators (the roles of
``Action.SUBJECT_ACCESS``) may *open* records for the rest of ONE transaction:

* ``mpel_open_subject_matches(by, val, dob, tokens, folded)`` opens the records a search would find (by
  ``name`` with date of birth: the name-index ``tokens`` and, for letters, the ``folded`` name; by ``ho``
  or ``cts`` reference: ``val``), read as the owner, whatever the caller may read;
* ``mpel_open_for_subject_access(enquiry_ids, letter_ids)`` opens the records an officer chose (the export
  and the erasure re-read them).

Both are SECURITY DEFINER, executable by the two groups only, and check the caller's membership again
inside; each opening writes its own row to the audit trail (``OPENED``, the record ids, no values), so a
raw-SQL call is in the trail as surely as the desk's.  What is opened is listed in a table of a schema no
login may use (``mpel_private.subject_access_openings``), keyed by the transaction's id and the login:
``mpel_opened(kind)`` returns the ids open to the caller in the current transaction, and the view, the
name-index and the letters' policies add ``OR id = ANY(...)`` to their rules (``pg_roles.opened``).  A
transaction id is never reused and a client cannot claim another's, so nothing opened outlives its
transaction; rows of finished transactions are cleared at the caller's next opening.  Nothing here lets anyone write: erasing still
needs the table grants and policies the officer already has.
"""
from __future__ import annotations

from sqlalchemy import Connection, text

from ..domain.records import Role
from .pg_roles import GROUPS

SCHEMA = "mpel_private"
TABLE = f"{SCHEMA}.subject_access_openings"
OFFICERS = (GROUPS[Role.DATA_PROTECTION_OFFICER], GROUPS[Role.ADMINISTRATOR])
OPENED = "opened for subject access"  # the audit trail's action for an opening
BY_NAME, BY_HO, BY_CTS = "name", "ho", "cts"
OPEN_MATCHES = "mpel_open_subject_matches(text, text, date, text[], text)"
OPEN_RECORDS = "mpel_open_for_subject_access(integer[], integer[])"

_CHECK = f"""
  IF session_user <> (SELECT tableowner FROM pg_tables WHERE schemaname = 'public' AND tablename = 'enquiries')
     AND NOT ({" OR ".join(f"pg_has_role(session_user, '{g}', 'MEMBER')" for g in OFFICERS)}) THEN
    RAISE EXCEPTION 'only the data protection officer or an administrator opens records for subject access'
      USING ERRCODE = 'insufficient_privilege';
  END IF;"""

# Made by pg_roles.apply before the policies and the view that call mpel_opened (every migration from 0019
# re-applies them from this code, so the table and the function exist whenever they do).
BASE = (
    f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}",
    f"REVOKE ALL ON SCHEMA {SCHEMA} FROM PUBLIC",
    f"""CREATE TABLE IF NOT EXISTS {TABLE} (xact xid8 NOT NULL, login text NOT NULL, entity text NOT NULL,
        entity_id integer NOT NULL, PRIMARY KEY (xact, login, entity, entity_id))""",
    f"REVOKE ALL ON {TABLE} FROM PUBLIC",
    # pg_current_xact_id_if_assigned(): NULL in a transaction that has written nothing (no id is taken for
    # it), and every opening writes, so only the opening transaction itself can match.
    f"""CREATE OR REPLACE FUNCTION mpel_opened(kind text) RETURNS integer[] LANGUAGE sql STABLE SECURITY DEFINER
        SET search_path = pg_catalog AS
        $$ SELECT coalesce(array_agg(o.entity_id), '{{}}') FROM {TABLE} o
           WHERE o.xact = pg_current_xact_id_if_assigned() AND o.login = session_user AND o.entity = kind $$""",
    f"""CREATE OR REPLACE FUNCTION mpel_open_for_subject_access(enquiry_ids integer[], letter_ids integer[])
        RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_catalog AS $$
        DECLARE n integer;
        BEGIN {_CHECK}
          DELETE FROM {TABLE} WHERE login = session_user AND pg_xact_status(xact) IS DISTINCT FROM 'in progress';
          INSERT INTO {TABLE} (xact, login, entity, entity_id)
            SELECT pg_current_xact_id(), session_user, 'enquiry', e.id FROM enquiries e WHERE e.id = ANY(enquiry_ids)
            UNION SELECT pg_current_xact_id(), session_user, 'letter', l.id FROM letters l WHERE l.id = ANY(letter_ids)
            ON CONFLICT DO NOTHING;
          GET DIAGNOSTICS n = ROW_COUNT;
          -- Who opened what: the trigger mpel_audit_who signs it with the caller's own login.
          INSERT INTO audit_log (at, user_id, username, entity, entity_id, action, changes)
            VALUES (now(), NULL, session_user, 'person', NULL, '{OPENED}', json_build_object(
              'enquiries', coalesce(enquiry_ids, '{{}}'), 'letters', coalesce(letter_ids, '{{}}'))::text);
          RETURN n;
        END $$""",
    f"""CREATE OR REPLACE FUNCTION mpel_open_subject_matches(by_key text, val text, dob date, tokens text[],
                                                           folded text)
        RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_catalog AS $$
        DECLARE e integer[]; l integer[];
        BEGIN {_CHECK}
          IF by_key = '{BY_NAME}' THEN
            SELECT array_agg(q.id) INTO e FROM enquiries q WHERE q.subject_dob = dob AND q.id IN (
              SELECT t.enquiry_id FROM subject_name_tokens t WHERE t.token = ANY(tokens)
              GROUP BY t.enquiry_id HAVING count(*) = cardinality(tokens));
            SELECT array_agg(x.id) INTO l FROM letters x WHERE x.subject_name_folded = folded;
          ELSIF by_key = '{BY_HO}' THEN
            SELECT array_agg(q.id) INTO e FROM enquiries q WHERE q.ho_reference = val;
            SELECT array_agg(x.id) INTO l FROM letters x WHERE x.ho_reference = val;
          ELSIF by_key = '{BY_CTS}' THEN
            SELECT array_agg(q.id) INTO e FROM enquiries q WHERE q.cts_reference = val;
            SELECT array_agg(x.id) INTO l FROM letters x WHERE x.cts_reference = val;
          ELSE
            RAISE EXCEPTION 'search by name, ho or cts' USING ERRCODE = 'invalid_parameter_value';
          END IF;
          RETURN mpel_open_for_subject_access(coalesce(e, '{{}}'), coalesce(l, '{{}}'));
        END $$""",
)


def apply(conn: Connection) -> None:
    for statement in BASE:
        conn.execute(text(statement))
    for signature in (OPEN_RECORDS, OPEN_MATCHES):
        conn.execute(text(f"REVOKE ALL ON FUNCTION {signature} FROM PUBLIC"))
        conn.execute(text(f"GRANT EXECUTE ON FUNCTION {signature} TO {', '.join(OFFICERS)}"))


def remove(conn: Connection) -> None:
    for signature in (OPEN_MATCHES, OPEN_RECORDS, "mpel_opened(text)"):
        conn.execute(text(f"DROP FUNCTION IF EXISTS {signature} CASCADE"))
    conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
