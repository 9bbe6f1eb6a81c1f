"""A search reads and writes its audit row on one connection (issue 16), on SQLite and PostgreSQL.

``EnquiryService.find`` used to read the results, read which of them were locked in a second
statement, then write the search's audit row in a second, ORM, transaction.  Now the lock comes
with the rows and the audit row is one INSERT on the connection that read, committed before the
results leave the service.  These tests hold it to that, and to the rules it must keep: every
search audited and gated, whichever way the reference was found, and (SQLite) the audit row
written even when another desk wrote between the read and the insert.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from sqlalchemy import event, insert

from mpel_app.db.models import AuditLog, LegacyRecord, LegacySource
from mpel_app.domain.audit_actions import SEARCHED
from mpel_app.domain.records import SearchKey
from tests.services.test_audit_views import detailed_call, rows
from tests.services.test_locked_record_disclosure import relocked

_TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK")


class Statements:
    """The statements (BEGIN/COMMIT aside) and the pool checkouts on an engine while it is listened to."""

    def __init__(self, engine):
        self.engine, self.sent, self.checkouts = engine, [], 0

    def _sent(self, _conn, _cursor, statement, *_args):
        if not statement.lstrip().upper().startswith(_TRANSACTION_CONTROL):
            self.sent.append(" ".join(statement.split())[:60])

    def _checkout(self, *_args):
        self.checkouts += 1

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._sent)
        event.listen(self.engine.pool, "checkout", self._checkout)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._sent)
        event.remove(self.engine.pool, "checkout", self._checkout)


@pytest.mark.parametrize("key, text", [
    (SearchKey.REFERENCE, None), (SearchKey.HO_REFERENCE, "N1234567"), (SearchKey.CTS_REFERENCE, "B00042/26"),
    (SearchKey.NATIONALITY, "colombian")])
def test_a_search_is_one_select_and_one_insert_on_one_connection(world, key, text):
    e = world.services.enquiries
    rec = detailed_call(world)
    if key is SearchKey.CTS_REFERENCE:
        from mpel_app.domain.records import SubjectDetails
        e.update_details(world.agent, rec.id, subject=SubjectDetails(name="Zoë Núñez", cts_reference=text),
                         question="q", answer="", written_confirmation=False)
    before = len(rows(world.services, action=SEARCHED))
    with Statements(world.services.engine) as seen:
        found = e.find(world.leader, key, text or rec.reference)
    assert [f.id for f in found] == [rec.id]
    assert seen.checkouts == 1
    assert len(seen.sent) == 2, seen.sent
    assert seen.sent[0].startswith("SELECT enquiries.id") and seen.sent[1].startswith("INSERT INTO audit_log")
    # Committed by the time find returns: another connection sees it.
    assert len(rows(world.services, action=SEARCHED)) == before + 1


def test_a_legacy_reference_is_gated_and_audited_like_any_search(world):
    """An invalid reference the Access database held ('TBC') is still found, but through the same gate and
    onto the same trail as every search: a locked record shows no subject data, and the search is a row."""
    services = world.services
    rec = relocked(world)
    with services.uow() as s:
        source = LegacySource(identity="test-source", file_name="mpel.mdb",
                              first_imported_at=datetime(2026, 1, 5, tzinfo=timezone.utc))
        s.add(source)
        s.flush()
        s.add(LegacyRecord(enquiry_id=rec.id, source_id=source.id, access_id=7, reference_as_stored="TBC",
                           reference_key="TBC"))
    [found] = services.enquiries.find(world.leader, SearchKey.REFERENCE, "tbc")
    assert found.id == rec.id
    assert (found.subject_name, found.nationality, found.ho_reference) == ("", "", "")
    [row] = rows(services, action=SEARCHED)
    changes = json.loads(row.changes)
    assert (row.username, changes["by"], changes["text"], changes["records"]) == (
        "leader", "hotline reference", "tbc", [rec.reference])


def test_the_audit_row_is_written_when_another_desk_wrote_after_the_read(world):
    """SQLite: a read transaction that then writes fails at once (SQLITE_BUSY) if another connection
    committed meanwhile; the search's insert must start a writing transaction of its own instead."""
    services = world.services
    rec = detailed_call(world)
    engine = services.engine
    wrote = []

    def another_desk_writes(conn, _cursor, statement, *_args):
        if statement.lstrip().startswith("SELECT enquiries.id") and not wrote:
            with engine.connect() as other:  # its own pooled connection: another desk
                other.execute(insert(AuditLog.__table__).values(
                    at=datetime(2026, 1, 5, tzinfo=timezone.utc), username="system", entity="enquiry",
                    entity_id=rec.id, action="printed", changes="{}"))
                other.commit()
            wrote.append(True)

    event.listen(engine, "after_cursor_execute", another_desk_writes)
    try:
        found = services.enquiries.find(world.leader, SearchKey.HO_REFERENCE, "N1234567")
    finally:
        event.remove(engine, "after_cursor_execute", another_desk_writes)
    assert wrote and [f.id for f in found] == [rec.id]
    assert [json.loads(r.changes)["records"] for r in rows(services, action=SEARCHED)] == [[rec.reference]]

