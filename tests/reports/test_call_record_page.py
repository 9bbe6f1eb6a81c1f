"""The call record as text first (``CallRecordPage``), kept as JSON in an outbox row and set on the page later:
the PDF made from the JSON says exactly what the PDF made from the record says, and JSON of any other shape
(a desk writes these rows, the mail sender reads them) is refused rather than rendered (issue 16)."""
from __future__ import annotations

import dataclasses
import io
import json
from datetime import datetime, timezone

import pytest
from pypdf import PdfReader

from mpel_app.domain.records import AuditEntry
from mpel_app.reports.call_record import CallRecordPage, call_record_page, render_call_record, render_page
from tests.reports.test_call_record import PRINTED_AT, make_record

UTC = timezone.utc
TRAIL = [
    AuditEntry(at=datetime(2026, 7, 1, 13, 20, tzinfo=UTC), username="leader", action="send to region",
               entity="enquiry", entity_id=101, changes={"region_code": "LSE"}),
    AuditEntry(at=datetime(2026, 7, 1, 13, 5, tzinfo=UTC), username="agent.smith", action="logged", entity="enquiry",
               entity_id=101, changes={}),
]


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.mark.parametrize("changes", [{}, {"passcode_verified": False, "subject": None}, {"deleted": True}],
                         ids=["verified", "withheld", "deleted"])
def test_the_page_through_json_prints_what_the_record_prints(changes):
    record = dataclasses.replace(make_record(), **changes)
    kwargs = dict(audit=TRAIL, printed_by="Tom Leader", printed_at=PRINTED_AT, region_name="London and South East")
    page = call_record_page(record, **kwargs)
    again = CallRecordPage.from_json(json.loads(json.dumps(page.to_json())))
    assert again == page
    assert _text(render_page(again)) == _text(render_call_record(record, **kwargs))


def test_the_history_is_kept_in_time_order_without_the_changed_values():
    page = call_record_page(make_record(), audit=TRAIL, printed_by="Tom Leader", printed_at=PRINTED_AT)
    assert [action for _, _, action in page.history] == ["logged", "send to region"]
    assert "region_code" not in json.dumps(page.to_json())


@pytest.mark.parametrize("spoil", [
    lambda d: d.pop("sections"),
    lambda d: d.update(reference=7),
    lambda d: d.update(urgent="yes"),
    lambda d: d["sections"][0]["rows"][0].__setitem__(1, {"nested": "object"}),
    lambda d: d["history"].append(["only", "two"]),
], ids=["missing", "number-for-text", "text-for-flag", "object-for-text", "short-history-row"])
def test_facts_of_any_other_shape_are_refused(spoil):
    data = call_record_page(make_record(), audit=TRAIL, printed_by="Tom Leader", printed_at=PRINTED_AT).to_json()
    spoil(data)
    with pytest.raises(ValueError, match="not a call record page"):
        CallRecordPage.from_json(data)
