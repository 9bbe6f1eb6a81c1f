"""The Home Secretary's list from a CSV file, and what importing it would change (issue 14) [CORR 1.8].

The list is published on the MPCS web page and changes with each reshuffle:
an administrator saves it as a CSV file (a name column, and a constituency
column where two Members share a name) and imports it, instead of adding and
removing Members one by one.  The file is the whole list: a Member on the list
held but not in the file comes off it.

Read as the list of Members is (``member_list.read_csv_table``: a byte-order
mark, ';' or tab, blank lines, headers in any order).  Each row must name one
active Member: "Rt Hon" and "MP" around a name are ignored, a name two Members
share needs the constituency, and a name nobody has is a problem with its line,
never skipped silently.  A file with any problem changes nothing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .member_list import ImportProblem, read_csv_table
from .text import fold

MAX_ROWS = 400  # the list is the Cabinet and Shadow Cabinet: tens, not hundreds
_HEADERS = {
    "name": ("name", "member", "member name", "full name"),
    "constituency": ("constituency", "seat"),
}
_TITLES = re.compile(r"^(the\s+)?(rt\.?\s+hon\.?\s+|right\s+honourable\s+)", re.IGNORECASE)
_POSTNOMINAL = re.compile(r"\s+mp$", re.IGNORECASE)


@dataclass(frozen=True)
class ListedMember:
    """A Member as held, for matching a row of the file."""

    id: int
    name: str
    constituency: str
    active: bool
    on_list: bool


@dataclass(frozen=True)
class ListChange:
    what: str  # "added" or "removed"
    member_id: int
    name: str
    line: int = 0  # the file's line; 0 for a Member taken off because the file does not list them


@dataclass(frozen=True)
class ListImportPlan:
    rows: int
    changes: tuple[ListChange, ...] = ()
    problems: tuple[ImportProblem, ...] = ()
    unchanged: int = 0

    def of(self, what: str) -> list[ListChange]:
        return [c for c in self.changes if c.what == what]

    @property
    def summary(self) -> dict[str, int]:
        return {"rows": self.rows, "added": len(self.of("added")), "removed": len(self.of("removed")),
                "unchanged": self.unchanged, "problems": len(self.problems)}


def bare_name(text: str) -> str:
    """A name as the desk keys it: "Rt Hon Jane Smith MP" -> "jane smith" (folded)."""
    name = _POSTNOMINAL.sub("", _TITLES.sub("", " ".join((text or "").split())))
    return fold(name).strip()


def plan_list_import(text: str, members: list[ListedMember]) -> ListImportPlan:
    """What importing the file ``text`` would change to the list held (``members``' ``on_list``)."""
    table, problems = read_csv_table(text, _HEADERS, ("name",), what="the Home Secretary's list",
                                     max_rows=MAX_ROWS)
    if problems:
        return ListImportPlan(rows=0, problems=tuple(problems))
    by_name: dict[str, list[ListedMember]] = {}
    for m in members:
        by_name.setdefault(bare_name(m.name), []).append(m)
    problems = []
    found: dict[int, int] = {}  # member id -> the line naming them
    rows = 0
    for line, values in table:
        name, seat = values.get("name", ""), values.get("constituency", "")
        if not name.strip():
            problems.append(ImportProblem(line, "the Member's name is missing"))
            continue
        rows += 1
        member, problem = _match(name, seat, by_name.get(bare_name(name), []))
        if problem:
            problems.append(ImportProblem(line, problem))
        elif member.id in found:
            problems.append(ImportProblem(line, f"{member.name} is already on line {found[member.id]}"))
        else:
            found[member.id] = line
    if problems:
        return ListImportPlan(rows=rows, problems=tuple(sorted(problems, key=lambda p: p.line)))
    held = {m.id: m for m in members}
    changes = [ListChange("added", mid, held[mid].name, line) for mid, line in found.items()
               if not held[mid].on_list]
    changes += [ListChange("removed", m.id, m.name) for m in members if m.on_list and m.id not in found]
    added = sum(1 for c in changes if c.what == "added")
    return ListImportPlan(rows=rows, changes=tuple(changes), unchanged=len(found) - added)


def _match(name: str, seat: str, same_name: list[ListedMember]) -> tuple[ListedMember | None, str | None]:
    """The one active Member a row names, or why it names none (a problem for the report)."""
    active = [m for m in same_name if m.active]
    if seat.strip():
        active = [m for m in active if fold(m.constituency) == fold(seat)]
    if len(active) == 1:
        return active[0], None
    where = f" for {seat.strip()}" if seat.strip() else ""
    if not active:
        if same_name and not seat.strip() and not any(m.active for m in same_name):
            return None, f"{name.strip()} is not an active Member: only an active Member can be on the list"
        return None, f"no active Member named {name.strip()}{where}: check the spelling (Administration → Members)"
    return None, (f"{len(active)} active Members are named {name.strip()}: add a Constituency column to say "
                  "which")
