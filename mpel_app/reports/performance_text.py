"""The league table as plain text, for ``mpel report league-table`` without ``--json``."""
from __future__ import annotations

from ..domain.calendar import LONDON
from .performance_table import COLUMNS, definitions_text, row_cells, sections, target_line


def league_text(table) -> str:
    lines = [f"League table: received {table.period.title}",
             f"Made {table.made_at.astimezone(LONDON):%d %b %Y %H:%M} (London); items counted as they stand now.", ""]
    for title, target, rows in sections(table):
        cells = [[c.text for c in row_cells(i, r, target)] for i, r in enumerate(rows, start=1)]
        widths = [max([len(h)] + [len(c[k]) for c in cells]) for k, h in enumerate(COLUMNS)]
        lines.append(title)
        lines.append("  ".join(h.ljust(w) for h, w in zip(COLUMNS, widths)))
        lines.extend("  ".join(c.ljust(w) for c, w in zip(row, widths)) for row in cells)
        if not rows:
            lines.append("(nothing received in the period)")
        lines.append(target_line(target))
        lines.append("")
    for figure in table.more:
        lines.extend([figure.title, *(f"  {line}" for line in figure.lines), ""])
    lines.extend(definitions_text())
    return "\n".join(lines) + "\n"
