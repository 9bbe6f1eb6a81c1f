"""Issue #19 finding 9: malformed audit filters, ids no row can have, absurd result limits and dates given as
text are refused with a clear error naming what is wrong, never a raw AttributeError, TypeError, OverflowError
or a driver's error, on either database."""
from __future__ import annotations

from datetime import date

from mpel_app.domain.errors import NotFound
from mpel_app.domain.records import SearchKey
from mpel_app.services.audit import AuditFilter

from .cases import Bad, refusal_tests

HUGE_ID, TEXT_ID = 2**70, "12"
# Limits: far too many, text, a fraction, a yes/no, none at all.
LIMITS = {"10**30": 10**30, "text": "10", "float": 2.5, "bool": True, "zero": 0, "none": None}


def _audit(w, **filters):
    return w.services.audit.search(w.base.admin, AuditFilter(**filters))


AUDIT_FILTERS = [
    Bad("audit-user-int", lambda w: _audit(w, username=5), "user"),
    Bad("audit-action-int", lambda w: _audit(w, action=7), "action"),
    Bad("audit-record-type-int", lambda w: _audit(w, entity=7), "record type"),
    Bad("audit-text-int", lambda w: _audit(w, text=5), "text"),
    Bad("audit-from-text-date", lambda w: _audit(w, date_from="2026-01-01"), "'from' date", pg=True),
    Bad("audit-to-int", lambda w: _audit(w, date_to=5), "'to' date", pg=True),
    Bad("audit-filters-not-a-filter", lambda w: w.services.audit.search(w.base.admin, {"username": "admin"}),
        "filters"),
    Bad("audit-export-from-text-date", lambda w: w.services.audit.export(
        w.base.admin, AuditFilter(date_from="yesterday")), "'from' date"),
    Bad("audit-entry-huge-id", lambda w: w.services.audit.entry(w.base.admin, HUGE_ID), "no audit entry",
        error=NotFound, pg=True),
    Bad("audit-entry-text-id", lambda w: w.services.audit.entry(w.base.admin, TEXT_ID), "no audit entry",
        error=NotFound, pg=True),
]

RESULT_LIMITS = [
    *[Bad(f"find-limit-{name}", (lambda w, v=value: w.services.enquiries.find(w.base.agent, SearchKey.NATIONALITY,
                                                                            "Iranian", limit=v)),
          "number of results", pg=name in ("10**30", "text")) for name, value in LIMITS.items()],
    *[Bad(f"audit-limit-{name}", (lambda w, v=value: w.services.audit.search(w.base.admin, AuditFilter(), v)),
          "number of entries", pg=name in ("10**30", "text")) for name, value in LIMITS.items()],
    *[Bad(f"letter-search-limit-{name}", (lambda w, v=value: w.services.letters.search(w.lw.mpcs, "Rezaei", v)),
          "number of results", pg=name in ("10**30", "text")) for name, value in LIMITS.items()],
    *[Bad(f"member-search-limit-{name}", (lambda w, v=value: w.services.members.search("Smith", v)),
          "number of results", pg=name in ("10**30", "text")) for name, value in LIMITS.items()],
    *[Bad(f"rota-uncovered-days-{name}", (lambda w, v=value: w.services.rota.uncovered(v)), "days ahead")
      for name, value in LIMITS.items()],
]

ROTA_DATES = [
    Bad("rota-entries-text-first", lambda w: w.services.rota.entries("2026-11-01", date(2026, 11, 30)),
        "first evening", pg=True),
    Bad("rota-entries-int-last", lambda w: w.services.rota.entries(date(2026, 11, 1), 20261130), "last evening",
        pg=True),
    Bad("rota-entries-none", lambda w: w.services.rota.entries(None, None), "evening"),
]

IDS = [
    Bad("urgent-contacts-huge-id", lambda w: w.services.urgent.contacts(w.base.agent, HUGE_ID), "no enquiry",
        error=NotFound, pg=True),
    Bad("urgent-contacts-text-id", lambda w: w.services.urgent.contacts(w.base.agent, TEXT_ID), "no enquiry",
        error=NotFound, pg=True),
    Bad("letter-document-huge-id", lambda w: w.services.letters.document(w.lw.mpcs, HUGE_ID), "no document",
        error=NotFound, pg=True),
    Bad("deceased-member-huge-id", lambda w: w.services.letters.letters_of_deceased_member(w.lw.mpcs, HUGE_ID),
        "member", pg=True),
    Bad("deceased-member-text-id", lambda w: w.services.letters.letters_of_deceased_member(w.lw.mpcs, TEXT_ID),
        "member", pg=True),
    Bad("units-of-huge-id", lambda w: w.services.units.units_of(HUGE_ID), "no user", error=NotFound, pg=True),
]

CASES = AUDIT_FILTERS + RESULT_LIMITS + ROTA_DATES + IDS

test_refused_on_sqlite, test_refused_on_postgresql = refusal_tests(CASES)


def test_messages_of_an_id_no_record_can_have_are_none(bad_sqlite):
    assert bad_sqlite.services.outbox.messages_for(bad_sqlite.base.agent, "enquiry", HUGE_ID) == []
