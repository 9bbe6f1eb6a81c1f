"""The league table as cells: the one layout the screen, the PDF, the CSV and the text report share.

Each figure that falls short of its target is marked in words ("below target"), never only by
colour; ``Cell.short`` lets a screen or a PDF colour it as well.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..domain.calendar import LONDON
from ..domain.performance import (AGEING_BUCKETS, DEFINITIONS, MISALLOCATION_LIMIT, REGION_TARGET, TARGETS,
                                  UNIT_TARGET, LeagueRow, LeagueTable, Target, bucket_label, falls_short)

SHORT = "below target"
COLUMNS = ("Rank", "Code", "Name", "Received", "Answered", "Within target", "% within target",
           "Open overdue", "Oldest open", "Average working days")
AGEING_COLUMNS = tuple(f"Open {bucket_label(b)} working days" for b in AGEING_BUCKETS)


@dataclass(frozen=True)
class Cell:
    text: str
    short: bool = False


def percent_text(value: float | None, target: Target | None = None) -> Cell:
    if value is None:
        return Cell("–")
    short = target is not None and falls_short(value, target)
    return Cell(f"{value:.1f} %" + (f" ({SHORT})" if short else ""), short)


def oldest_text(at: datetime | None) -> str:
    return "" if at is None else f"{at.astimezone(LONDON):%d %b %Y}"


def row_cells(rank: int, row: LeagueRow, target: Target) -> list[Cell]:
    avg = "–" if row.average_working_days is None else f"{row.average_working_days:.1f}"
    return [Cell(str(rank)), Cell(row.key), Cell(row.name), Cell(str(row.received)), Cell(str(row.answered)),
            Cell(str(row.answered_within_target)), percent_text(row.percent_within_target, target),
            Cell(str(row.open_overdue), row.open_overdue > 0), Cell(oldest_text(row.oldest_open)), Cell(avg)]


def ageing_cells(row: LeagueRow) -> list[Cell]:
    return [Cell(str(n)) for n in row.ageing]


REGION_EXTRA = (("email_90", "E-mail within 10 days"), ("email_100", "E-mail within 20 days"),
                ("urgent", "Urgent acknowledged in time"))


def region_extra_cells(row: LeagueRow) -> list[Cell]:
    return [percent_text(row.extra_percent(key), TARGETS[key]) for key, _ in REGION_EXTRA]


UNIT_EXTRA = (("allocation", "Allocated within 2 days"), ("misallocation", "Misallocated"),
              ("draft", "Drafted within 12 days"), ("signing", "Signed within 4 days"))


def unit_extra_cells(row: LeagueRow) -> list[Cell]:
    cells = []
    for key, _ in UNIT_EXTRA:
        value = row.extra_percent(key)
        if key == "misallocation":  # a ceiling, not a floor: under 10 % [CORR 1.2]
            short = value is not None and value >= MISALLOCATION_LIMIT
            cells.append(Cell("–" if value is None else f"{value:.1f} %" + (f" ({SHORT})" if short else ""), short))
        else:
            cells.append(percent_text(value, TARGETS[key]))
    return cells


def extra_columns(regions: bool) -> list[str]:
    return [label for _, label in (REGION_EXTRA if regions else UNIT_EXTRA)]


def extra_cells(row: LeagueRow, regions: bool) -> list[Cell]:
    return region_extra_cells(row) if regions else unit_extra_cells(row)


def extra_notes(regions: bool) -> list[str]:
    keys = [k for k, _ in (REGION_EXTRA if regions else UNIT_EXTRA) if k != "misallocation"]
    return [f"{TARGETS[k].work}: {TARGETS[k].text}." for k in keys]


def sections(table: LeagueTable) -> list[tuple[str, Target, tuple[LeagueRow, ...]]]:
    return [("Regions: enquiries", REGION_TARGET, table.regions),
            ("Drafting units: MPs' letters", UNIT_TARGET, table.units)]


def target_line(target: Target) -> str:
    return f"Target line: {target.share:.0f} % ({target.work}: {target.text})."


def definitions_text() -> list[str]:
    return [f"{name}: {text}" for name, text in DEFINITIONS]
