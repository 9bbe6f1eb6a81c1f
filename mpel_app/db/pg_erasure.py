"""PostgreSQL: the one narrow way to erase a person's values from the append-only audit log (issue 17).

The audit log refuses every UPDATE and DELETE, even the owner's (``pg_roles``).  An erasure must still
replace the erased person's name, references and case text in it.  ``mpel_erase_audit_values(ids, vals)``
is that path and nothing wider:

* it changes only the ``changes`` text of the rows named by ``ids``, and only by replacing each of
  ``vals`` (case-insensitively, as plain text, not a pattern) with ``[erased]``: it cannot write a value
  of its own, move a row in time, change who wrote it or delete it;
* values shorter than four characters are refused (a sweep of "a" would blank the trail);
* it is SECURITY DEFINER, owned by the schema owner, and EXECUTE is granted only to the data protection
  officer's and the administrator's groups; inside, it checks the caller's membership again, so a
  grant made by mistake is not enough;
* the append-only trigger is opened for this statement only (``mpel.migrating`` set locally, and set
  back before the function returns), so nothing else in the caller's transaction can rewrite the trail.

The erasure itself is then written to the trail as an ordinary (appended) row, without the values.
"""
from __future__ import annotations

from sqlalchemy import Connection, text

from ..domain.records import Role
from .pg_roles import GROUPS

ERASERS = (GROUPS[Role.DATA_PROTECTION_OFFICER], GROUPS[Role.ADMINISTRATOR])
SIGNATURE = "mpel_erase_audit_values(bigint[], text[])"

FUNCTION = f"""CREATE OR REPLACE FUNCTION mpel_erase_audit_values(ids bigint[], vals text[]) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_catalog AS $$
DECLARE
  v text;
  changed integer := 0;
  n integer;
BEGIN
  IF session_user <> (SELECT tableowner FROM pg_tables WHERE schemaname = current_schema()
                      AND tablename = 'audit_log')
     AND NOT ({" OR ".join(f"pg_has_role(session_user, '{g}', 'MEMBER')" for g in ERASERS)}) THEN
    RAISE EXCEPTION 'only the data protection officer or an administrator erases audit values'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  PERFORM set_config('mpel.migrating', 'on', true);
  FOREACH v IN ARRAY vals LOOP
    IF length(v) < 4 THEN
      PERFORM set_config('mpel.migrating', '', true);
      RAISE EXCEPTION 'a value to erase must have at least 4 characters' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    UPDATE audit_log SET changes = regexp_replace(
        changes, regexp_replace(v, '([.^$*+?()\\[\\]{{}}|\\\\-])', '\\\\\\1', 'g'), '[erased]', 'gi')
      WHERE id = ANY(ids) AND strpos(lower(changes), lower(v)) > 0;
    GET DIAGNOSTICS n = ROW_COUNT;
    changed := changed + n;
  END LOOP;
  PERFORM set_config('mpel.migrating', '', true);
  RETURN changed;
END $$"""


def apply(conn: Connection) -> None:
    conn.execute(text(FUNCTION))
    conn.execute(text(f"REVOKE ALL ON FUNCTION {SIGNATURE} FROM PUBLIC"))
    conn.execute(text(f"GRANT EXECUTE ON FUNCTION {SIGNATURE} TO {', '.join(ERASERS)}"))


def remove(conn: Connection) -> None:
    conn.execute(text(f"DROP FUNCTION IF EXISTS {SIGNATURE}"))
