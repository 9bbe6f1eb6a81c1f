"""The league table and the quarterly return as CSV, escaped as the audit export is (``audit_csv``).

Blocking file work: call it off the UI thread.
"""
from __future__ import annotations

from pathlib import Path

from ..domain.performance import LeagueTable
from .audit_csv import escape_cell, write_safe_csv
from .performance_table import (AGEING_COLUMNS, COLUMNS, ageing_cells, definitions_text, extra_cells, extra_columns,
                                row_cells, sections, target_line)

CSV_COLUMNS = ("Table", *COLUMNS, *extra_columns(True), *extra_columns(False), *AGEING_COLUMNS)
RETURN_COLUMNS = ("Quarter", "Letters received", "Target (working days)", "% answered within target",
                  "% answered within 20 working days")


def league_rows(table: LeagueTable) -> list[list[str]]:
    rows = []
    for title, target, items in sections(table):
        for rank, row in enumerate(items, start=1):
            regions = items is table.regions
            blank_regions, blank_units = [""] * len(extra_columns(True)), [""] * len(extra_columns(False))
            extra = [c.text for c in extra_cells(row, regions)]
            cells = [title, *(c.text for c in row_cells(rank, row, target)),
                     *(extra + blank_units if regions else blank_regions + extra), *(c.text for c in ageing_cells(row))]
            rows.append([escape_cell(c) for c in cells])
        rows.append([escape_cell(title), escape_cell(target_line(target))])
    rows.append([escape_cell(f"Period: received {table.period.title}")])
    rows.extend([escape_cell(line)] for line in definitions_text())
    return rows


def write_league_csv(path: Path | str, table: LeagueTable) -> int:
    return write_safe_csv(path, CSV_COLUMNS, league_rows(table))


def return_rows(lines) -> list[list[str]]:
    def pct(v):
        return "" if v is None else f"{v:.1f}"
    return [[escape_cell(c) for c in (q.quarter.label, str(q.letters_received), str(q.target_days),
                                      pct(q.percent_within_target), pct(q.percent_within_20))] for q in lines]


def write_return_csv(path: Path | str, lines) -> int:
    return write_safe_csv(path, RETURN_COLUMNS, return_rows(lines))
