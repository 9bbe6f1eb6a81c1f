"""Malformed input to urgent calls (services/urgent.py): removal times, the calls MPEL makes and the
numbers it rang, and the duty manager's reassignment."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone


from tests.support.world import MONDAY_MORNING

from .cases import NUL, Bad, refusal_tests, text_cases


def _flag(removal_at=MONDAY_MORNING + timedelta(hours=30), compassionate=False):
    return lambda w: w.services.urgent.flag(w.base.agent, w.open_call.id, removal_at=removal_at,
                                            compassionate=compassionate)


FLAGS = [
    *[Bad(f"removal-{name}", _flag(removal_at=value), "removal", pg=name in ("naive", "year-9999"))
      for name, value in {
          "naive": datetime(2026, 11, 24, 10, 0), "before-the-call": MONDAY_MORNING - timedelta(days=1),
          "text": "tomorrow at ten", "date-only": date(2026, 11, 24), "int": 1764000000,
          "year-9999": datetime(9999, 12, 31, tzinfo=timezone.utc),
          "two-years-ahead": MONDAY_MORNING + timedelta(days=730)}.items()],
    *[Bad(f"compassionate-{name}", _flag(removal_at=None, compassionate=value), "compassionate")
      for name, value in {"text": "yes", "none": None, "int": 1}.items()],
]


def _contact(**kw):
    values = dict(kind="region", spoken_to="Lena South", phone="020 7946 0000")
    values.update(kw)
    return lambda w: w.services.urgent.record_contact(w.base.agent, w.urgent_call.id, **values)


CONTACTS = [
    *[Bad(f"contact-kind-{name}", _contact(kind=value), "kind") for name, value in
      {"unknown": "police", "none": None, "list": ["region"], "nul": "region" + NUL}.items()],
    Bad("contact-spoken-to-empty", _contact(spoken_to=""), "whom you spoke to"),
    *text_cases("contact-spoken-to", "spoken to", lambda w, v: _contact(spoken_to=v)(w), good="Lena South"),
    Bad("contact-spoken-to-formula", _contact(spoken_to="=HYPERLINK(1)"), "spoken to.*formula"),
    *[Bad(f"contact-phone-{name}", _contact(phone=value), "number called", pg=name in ("nul", "premium"))
      for name, value in {"letters": "call me", "too-short": "0207", "premium": "0906 123 4567",
                          "foreign-without-plus": "49 30 1234567", "nul": "020 7946" + NUL + "0000",
                          "int": 2079460000}.items()],
    *text_cases("contact-note", "note", lambda w, v: _contact(note=v)(w), good="Rang at ten"),
    *[Bad(f"contact-at-{name}", _contact(at=value), "time of the call", pg=name == "naive")
      for name, value in {"naive": datetime(2026, 11, 23, 10, 0), "text": "now",
                          "future": MONDAY_MORNING + timedelta(hours=2),
                          "before-the-enquiry": datetime(1900, 1, 1, tzinfo=timezone.utc),
                          "date-only": date(2026, 11, 23)}.items()],
]

REASSIGN = [Bad(f"reassign-region-{name}", (lambda w, v=value: w.services.urgent.reassign(
    w.base.leader, w.with_region.id, v)), "region", pg=name == "nul")
    for name, value in {"unknown": "XYZ", "int": 5, "nul": "NW" + NUL}.items()]

CASES = FLAGS + CONTACTS + REASSIGN

test_refused_on_sqlite, test_refused_on_postgresql = refusal_tests(CASES)
