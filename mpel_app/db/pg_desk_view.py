"""The desk's view of ``enquiries`` for per-person logins: subject data masked while the record is locked.

A person's login has ``search_path = mpel_desk_view, public`` (set when it is
provisioned), so the desk's unchanged SQL -- the ORM's ``SELECT ... FROM
enquiries`` -- reads ``mpel_desk_view.enquiries``: every column of the table,
with the subject columns (``pg_roles.SUBJECT_COLUMNS``) blanked unless
``pg_roles.subject_visible`` allows them (passcode verified; an account manager's
own region).  INSTEAD OF triggers write through to the table as the person,
so their grants and the row-level policies still apply, and a subject column
is written only when the desk changed it (a blank it read back is not a
change).  A client that sets another search_path reaches the table itself,
where the subject columns are not granted: the view is the honest desk's
convenience, the grants are the boundary.
"""
from __future__ import annotations

from sqlalchemy import Connection, text

from .pg_roles import SUBJECT_COLUMNS, subject_visible

SCHEMA = "mpel_desk_view"
# Where a name of the desk's tables leads once this view is out of the way: the first schema of the
# session's search path holding a plain table of that name (``public`` as deployed).
_BASE_SCHEMA = text("SELECT s.name FROM unnest(current_schemas(false)) WITH ORDINALITY AS s(name, i) "
                    "JOIN pg_namespace n ON n.nspname = s.name JOIN pg_class c ON c.relnamespace = n.oid "
                    "WHERE c.relname = :table AND c.relkind IN ('r', 'p') ORDER BY s.i LIMIT 1")
_TEXT_BLANK = "''"
_BLANK = {"subject_dob": "NULL"}  # what a withheld column reads as: '' for text, NULL for a date


def _columns(conn: Connection) -> list[str]:
    return list(conn.scalars(text("SELECT column_name FROM information_schema.columns WHERE table_schema = "
                                  "current_schema() AND table_name = 'enquiries' ORDER BY ordinal_position")))


def statements(conn: Connection) -> list[str]:
    columns = _columns(conn)
    base = [c for c in columns if c not in SUBJECT_COLUMNS]
    visible = subject_visible("public.enquiries")  # not a function per row and column: see subject_visible
    shown = [f"CASE WHEN {visible} THEN {c} ELSE {_BLANK.get(c, _TEXT_BLANK)} END AS {c}"
             if c in SUBJECT_COLUMNS else c for c in columns]
    writable = [c for c in columns if c != "id"]
    insert = (f"INSERT INTO public.enquiries ({', '.join(writable)}) "
              f"VALUES ({', '.join('NEW.' + c for c in writable)}) RETURNING id INTO NEW.id;")
    update_base = ", ".join(f"{c} = NEW.{c}" for c in base if c != "id")
    update_subject = "".join(
        f" IF NEW.{c} IS DISTINCT FROM OLD.{c} THEN UPDATE public.enquiries SET {c} = NEW.{c} WHERE id = OLD.id;"
        f" END IF;" for c in SUBJECT_COLUMNS)
    return [
        f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}",
        f"DROP VIEW IF EXISTS {SCHEMA}.enquiries",
        f"CREATE VIEW {SCHEMA}.enquiries WITH (security_barrier) AS SELECT {', '.join(shown)} FROM public.enquiries",
        f"""CREATE OR REPLACE FUNCTION {SCHEMA}.enquiries_write() RETURNS trigger LANGUAGE plpgsql
            SET search_path = public, pg_catalog AS $$
            BEGIN
              IF TG_OP = 'INSERT' THEN {insert} RETURN NEW; END IF;
              UPDATE public.enquiries SET {update_base} WHERE id = OLD.id;
              IF NOT FOUND THEN RETURN NULL; END IF;  -- a row the policies keep from this person
              {update_subject}
              RETURN NEW;
            END $$""",
        f"CREATE TRIGGER enquiries_write INSTEAD OF INSERT OR UPDATE ON {SCHEMA}.enquiries "
        f"FOR EACH ROW EXECUTE FUNCTION {SCHEMA}.enquiries_write()",
    ]


def base_schema(conn: Connection, table: str = "enquiries") -> str | None:
    """The schema of the table ``table`` itself, which a person's login would otherwise reach as this view.
    For a writer that must name the table (a bulk load writing the ids it gave out: the view's INSERT
    trigger takes new ones, and ``pg_get_serial_sequence`` finds no sequence on a view).  The login's own
    grants and row-level policies on the table apply as ever."""
    return conn.scalar(_BASE_SCHEMA, {"table": table})


def apply(conn: Connection, grants: dict[str, str], everyone: str) -> None:
    """(Re)build the view from the table's columns now and grant it like the table; re-run after a column is added."""
    for statement in statements(conn):
        conn.execute(text(statement))
    conn.execute(text(f"REVOKE CREATE ON SCHEMA {SCHEMA} FROM PUBLIC"))
    conn.execute(text(f"GRANT USAGE ON SCHEMA {SCHEMA} TO {everyone}"))
    for group, privileges in grants.items():
        conn.execute(text(f"GRANT {privileges} ON {SCHEMA}.enquiries TO {group}"))


def remove(conn: Connection) -> None:
    conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
