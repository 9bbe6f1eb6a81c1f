"""The list of Members from a CSV file, and what importing it would change (issue 14).

After a general election some 650 offices change at once.  The list comes as a
CSV file (from a spreadsheet, often saved by Excel): one row a Member with the
name, constituency, office telephone, fax and e-mail, Privy Council, party and
House (optionally the region, which a new Member needs).

Reading is forgiving of how the file was saved and strict about what it says:

- a UTF-8 byte-order mark, a semicolon or tab delimiter (sniffed), blank lines
  and headers in any order or case are accepted;
- every cell is checked as if typed at the desk (clean names, real non-premium
  telephone numbers, e-mail addresses), and each problem is reported with its
  line number in the file;
- two rows for the same constituency are a problem, never merged silently.

``plan_import`` compares the rows with the Members held and says what would be
added, which fields of whom would change, who would be deactivated (Members of
a House the file lists who are not in it) and who comes back.  Nothing here
touches a passcode: an office keeps its passcode through an import.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass, field

from .calendar import REGION_CODES
from .errors import ValidationError
from .phones import normalise_phone
from .text import clean_email, clean_name, fold

MAX_ROWS = 5000
MAX_NAME_LENGTH = 120
MAX_PARTY_LENGTH = 60
# A CSV cell names the House; the desk keeps the kind of Member.
HOUSES = {"commons": "MP", "house of commons": "MP", "mp": "MP", "lords": "Peer", "house of lords": "Peer",
          "peer": "Peer", "mep": "MEP", "european parliament": "MEP", "mdl": "MDL", "devolved": "MDL",
          "ppc": "PPC"}
_YES = {"yes", "y", "true", "1", "rt hon", "pc", "x"}
_NO = {"", "no", "n", "false", "0"}
_HEADERS = {
    "name": ("name", "member", "member name", "full name"),
    "constituency": ("constituency", "seat"),
    "phone": ("office telephone", "telephone", "phone", "office phone", "tel"),
    "fax": ("office fax", "fax"),
    "email": ("office e-mail", "office email", "e-mail", "email"),
    "privy_counsellor": ("privy council", "privy counsellor", "rt hon", "pc"),
    "party": ("party",),
    "house": ("house", "kind"),
    "region": ("region", "region code"),
}
_REQUIRED = ("name", "constituency")
# The fields a row sets on a Member, in the order a report lists them.
FIELDS = ("name", "kind", "constituency", "region_code", "privy_counsellor", "office_phone", "office_fax",
          "office_email", "party")
FIELD_LABELS = {"name": "name", "kind": "House", "constituency": "constituency", "region_code": "region",
                "privy_counsellor": "Privy Council", "office_phone": "office telephone",
                "office_fax": "office fax", "office_email": "office e-mail", "party": "party"}


@dataclass(frozen=True)
class ImportProblem:
    line: int  # in the file, counting blank lines; 0 for the file as a whole
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


@dataclass(frozen=True)
class MemberValues:
    """What the list says about a Member (phones in E.164); region "" when the file has none."""

    name: str
    kind: str
    constituency: str
    region_code: str
    privy_counsellor: bool
    office_phone: str
    office_fax: str
    office_email: str
    party: str


@dataclass(frozen=True)
class MemberRow(MemberValues):
    """One checked row of the file."""

    line: int = 0


@dataclass(frozen=True)
class HeldMember(MemberValues):
    """A Member as held, for comparing with the file."""

    id: int = 0
    active: bool = True


@dataclass(frozen=True)
class MemberChange:
    """One change an import makes: ``what`` is added, changed, deactivated or reactivated."""

    what: str
    name: str
    line: int = 0  # the file's line; 0 for a Member deactivated because the file does not list them
    member_id: int | None = None
    fields: tuple[tuple[str, object, object], ...] = ()  # (field, old, new)
    row: MemberRow | None = None


@dataclass(frozen=True)
class ImportPlan:
    rows: int
    changes: tuple[MemberChange, ...] = ()
    problems: tuple[ImportProblem, ...] = ()
    unchanged: int = 0

    def of(self, what: str) -> list[MemberChange]:
        return [c for c in self.changes if c.what == what]

    @property
    def summary(self) -> dict[str, int]:
        return {"rows": self.rows, "added": len(self.of("added")), "changed": len(self.of("changed")),
                "deactivated": len(self.of("deactivated")), "reactivated": len(self.of("reactivated")),
                "unchanged": self.unchanged, "problems": len(self.problems)}


@dataclass
class _Read:
    rows: list[MemberRow] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)


def read_csv_table(text: str, headers: dict[str, tuple[str, ...]], required: tuple[str, ...], *,
                   what: str, max_rows: int) -> tuple[list[tuple[int, dict[str, str]]], list[ImportProblem]]:
    """A spreadsheet's CSV as (line, {key: cell}) rows, keys from ``headers`` (key -> the names a header
    may give it), or the problem that stops it being read at all.  Forgiving of how it was saved: a
    byte-order mark, ',' ';' or tab, blank lines, headers in any order or case; lines are the file's own."""
    if not isinstance(text, str):
        raise ValidationError(f"{what} must be text (CSV), not {type(text).__name__}")
    text = text.lstrip("\ufeff")
    lines = text.splitlines()
    numbered = [(n, line) for n, line in enumerate(lines, start=1) if line.strip(" \t,;")]
    if not numbered:
        return [], [ImportProblem(0, "the file is empty")]
    if len(numbered) > max_rows:
        return [], [ImportProblem(0, f"more than {max_rows} rows: is this {what}?")]
    delimiter = _delimiter(numbered[0][1])
    try:
        parsed = list(csv.reader([line for _n, line in numbered], delimiter=delimiter))
    except csv.Error as exc:
        return [], [ImportProblem(0, f"not a readable CSV file ({exc})")]
    header_line, header = numbered[0][0], parsed[0]
    columns = _columns(header, headers)
    missing = [key for key in required if key not in columns]
    if missing:
        return [], [ImportProblem(header_line, "the first row must name the columns; missing: "
                                               + ", ".join(missing) + f" (read with delimiter {delimiter!r})")]
    return [(line, {key: cells[i].strip() if i < len(cells) else "" for key, i in columns.items()})
            for (line, _raw), cells in zip(numbered[1:], parsed[1:])], []


def parse_member_csv(text: str) -> tuple[list[MemberRow], list[ImportProblem]]:
    """Every row checked; line numbers are the file's own (blank lines counted)."""
    table, problems = read_csv_table(text, _HEADERS, _REQUIRED, what="the list of Members",
                                       max_rows=MAX_ROWS)
    if problems:
        return [], problems
    out = _Read()
    seats: dict[tuple[str, str], int] = {}
    for line, values in table:
        try:
            row = _row(line, values)
        except ValidationError as exc:
            out.problems.append(ImportProblem(line, str(exc)))
            continue
        if row.constituency:
            seat = (row.kind, fold(row.constituency))
            if seat in seats:
                out.problems.append(ImportProblem(
                    line, f"{row.constituency} is already on line {seats[seat]}: one {row.kind} a constituency "
                          "(correct the file; the two rows are not merged)"))
                continue
            seats[seat] = line
        out.rows.append(row)
    return out.rows, out.problems


def plan_import(rows: list[MemberRow], held: list[HeldMember],
                problems: list[ImportProblem] | tuple[ImportProblem, ...] = ()) -> ImportPlan:
    """What importing ``rows`` would change; Members of a House in the file but not listed are deactivated."""
    problems = list(problems)
    by_seat = {(m.kind, fold(m.name), fold(m.constituency)): m for m in held}
    by_name: dict[tuple[str, str], list[HeldMember]] = {}
    for m in held:
        by_name.setdefault((m.kind, fold(m.name)), []).append(m)
    changes: list[MemberChange] = []
    matched: set[int] = set()
    unchanged = 0
    for row in rows:
        member = by_seat.get((row.kind, fold(row.name), fold(row.constituency)))
        if member is None:
            # The same person in a renamed seat: matched by name when only one Member has it.
            same = [m for m in by_name.get((row.kind, fold(row.name)), []) if m.id not in matched]
            member = same[0] if len(same) == 1 else None
        if member is None or member.id in matched:
            if not row.region_code:
                problems.append(ImportProblem(row.line, f"{row.name} is a new Member: give their region "
                                                        f"(a Region column: {', '.join(REGION_CODES)})"))
                continue
            changes.append(MemberChange("added", row.name, row.line, row=row))
            continue
        matched.add(member.id)
        diff = tuple((f, getattr(member, f), getattr(row, f)) for f in FIELDS
                     if getattr(row, f) != getattr(member, f) and not (f == "region_code" and not row.region_code))
        if not member.active:
            changes.append(MemberChange("reactivated", row.name, row.line, member.id, diff, row))
        elif diff:
            changes.append(MemberChange("changed", row.name, row.line, member.id, diff, row))
        else:
            unchanged += 1
    kinds = {row.kind for row in rows}
    for m in held:
        if m.active and m.kind in kinds and m.id not in matched:
            changes.append(MemberChange("deactivated", m.name, 0, m.id))
    problems.sort(key=lambda p: p.line)
    return ImportPlan(rows=len(rows), changes=tuple(changes), problems=tuple(problems), unchanged=unchanged)


def house_kind(text: str) -> str:
    """The kind of Member a House cell names ("Commons" -> "MP"); an empty cell is the Commons."""
    value = fold(text or "").strip()
    if not value:
        return "MP"
    kind = HOUSES.get(value)
    if kind is None:
        raise ValidationError(f"House {text!r} is not one of Commons, Lords, MEP, MDL, PPC")
    return kind


def privy_council(text: str) -> bool:
    value = fold(text or "").strip().rstrip(".")
    if value in _YES:
        return True
    if value in _NO:
        return False
    raise ValidationError(f"Privy Council {text!r}: write yes or no")


def _row(line: int, v: dict[str, str]) -> MemberRow:
    name = clean_name(v.get("name", ""), field="name", max_length=MAX_NAME_LENGTH)
    if not name:
        raise ValidationError("the Member's name is missing")
    region = v.get("region", "").strip().upper()
    if region and region not in REGION_CODES:
        raise ValidationError(f"region {v['region']!r} is not one of {', '.join(REGION_CODES)}")
    return MemberRow(
        line=line, name=name, kind=house_kind(v.get("house", "")),
        constituency=clean_name(v.get("constituency", ""), field="constituency", max_length=MAX_NAME_LENGTH),
        region_code=region, privy_counsellor=privy_council(v.get("privy_counsellor", "")),
        office_phone=normalise_phone(v.get("phone", ""), field="office telephone"),
        office_fax=normalise_phone(v.get("fax", ""), field="office fax"),
        office_email=clean_email(v.get("email", ""), field="office e-mail"),
        party=clean_name(v.get("party", ""), field="party", max_length=MAX_PARTY_LENGTH))


def _delimiter(header: str) -> str:
    """Excel saves CSV with the list separator of the machine's locale: ',' here, ';' across Europe."""
    try:
        return csv.Sniffer().sniff(header, delimiters=",;\t").delimiter
    except csv.Error:
        return ","


def _columns(header: list[str], headers: dict[str, tuple[str, ...]]) -> dict[str, int]:
    """Column positions by key; other columns (notes, a constituency number) are left out."""
    found: dict[str, int] = {}
    for i, cell in enumerate(header):
        name = " ".join(fold(cell).replace("_", " ").split())
        key = next((k for k, aliases in headers.items() if name in aliases), None)
        if key is not None and key not in found:
            found[key] = i
    return found
