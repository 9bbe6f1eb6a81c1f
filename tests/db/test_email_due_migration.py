"""0013 gives e-mail enquiries already with a region the e-mail target's due date, on both databases,
and audits each date it changes."""
from __future__ import annotations

from datetime import date, datetime, timezone

from alembic import command
from sqlalchemy import text

from mpel_app.db import migrate
from mpel_app.db.engine import make_engine


def test_email_due_dates_recomputed_and_audited(db_url):
    engine = make_engine(db_url)
    command.upgrade(migrate.alembic_config(engine), "0010")
    received = datetime(2026, 11, 23, 10, tzinfo=timezone.utc)  # Monday
    at = received.replace(tzinfo=None) if engine.dialect.name == "sqlite" else received
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO regions (code, name, inbox_name, inbox_address, fax_number, phone_number) "
                          "VALUES ('LSE', 'London', 'MP INBOX', 'a@b.c', '', ''), "
                          "('SNI', 'Scotland', 'MP INBOX', 'b@b.c', '', '')"))
        conn.execute(text("INSERT INTO users (id, username, full_name, password_hash, roles, phone, active, "
                          "failed_logins, created_at) VALUES (1, 'a', 'A', 'x', 'call_agent', '', true, 0, :at)"),
                     {"at": at})
        for eid, channel, region, file_needed, due in (
                (1, "email", "LSE", False, date(2026, 11, 30)),  # had 5 days; e-mail: 10 -> Mon 7 Dec
                (2, "email", "SNI", True, date(2026, 12, 8)),  # had 10 (file); Scotland, 30 Nov closed -> 8 Dec
                (3, "telephone", "LSE", False, date(2026, 11, 30)),  # telephone: unchanged
                (4, "email", None, False, None)):  # not sent to a region: nothing to do
            conn.execute(text(
                "INSERT INTO enquiries (id, reference, channel, status, received_at, created_by_id, caller_name, "
                "passcode_failures, constituency_mp, authorised_representative, third_party, identity_confirmed, "
                "subject_name, nationality, nationality_folded, ho_reference, cts_reference, question, answer, "
                "written_confirmation, urgent, file_needed, response, deletion_reason, version, region_code, "
                "due_date, compassionate, imminent_removal, barrier_to_removal) VALUES "
                "(:id, :ref, :channel, 'with_region', :at, 1, '', 0, false, false, false, false, '', '', '', '', '', "
                "'', '', false, false, :file, '', '', 1, :region, :due, false, false, false)"),
                {"id": eid, "ref": f"MPH{eid:06d}", "channel": channel, "at": at, "file": file_needed,
                 "region": region, "due": due})
    migrate.upgrade(engine)
    with engine.connect() as conn:
        dues = dict(conn.execute(text("SELECT id, due_date FROM enquiries ORDER BY id")).all())
        versions = dict(conn.execute(text("SELECT id, version FROM enquiries ORDER BY id")).all())
        audited = conn.execute(text("SELECT entity_id, username, changes FROM audit_log ORDER BY entity_id")).all()
    engine.dispose()
    as_date = {k: (date.fromisoformat(v) if isinstance(v, str) else v) for k, v in dues.items()}
    assert as_date == {1: date(2026, 12, 7), 2: date(2026, 12, 8), 3: date(2026, 11, 30), 4: None}
    assert versions == {1: 2, 2: 1, 3: 1, 4: 1}
    assert [(a.entity_id, a.username) for a in audited] == [(1, "system")]
    assert '"2026-11-30", "2026-12-07"' in audited[0].changes
