"""The synthetic legacy MPEL Access databases for the import tests (tests/fixtures/legacy-access, a copy
of the shared fixtures: the .mdb and .accdb kept xz-compressed, expected.json as given)."""
from __future__ import annotations

import json
import lzma
import random
from functools import lru_cache
from pathlib import Path

from sqlalchemy import select

from mpel_app.db.models import Enquiry, LegacyPerson, LegacyRecord
from mpel_app.domain import legacy as L
from mpel_app.legacy.reader import open_reader

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "legacy-access"
FILES = ("mpel-legacy.mdb", "mpel-legacy.accdb")


@lru_cache(maxsize=None)
def expected() -> dict:
    return json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))


def unpack(name: str, into: Path) -> Path:
    """The fixture ``name`` (e.g. 'mpel-legacy.mdb') decompressed into the directory ``into``."""
    target = into / name
    if not target.exists():
        target.write_bytes(lzma.decompress((FIXTURES / f"{name}.xz").read_bytes()))
    return target


def dump(services) -> dict[int, dict]:
    """Every imported enquiry by Access ID: its values (not its row id) and its legacy row, for comparing
    two imports."""
    with services.uow.read() as s:
        rows = s.execute(select(Enquiry, LegacyRecord).join(LegacyRecord, LegacyRecord.enquiry_id == Enquiry.id))
        people = {p.id: (p.kind, p.name, p.login, p.team) for p in s.scalars(select(LegacyPerson))}
        out = {}
        for e, lr in rows:
            values = {c.key: getattr(e, c.key) for c in Enquiry.__table__.columns
                      if c.key not in ("id", "created_by_id", "deleted_by_id")}
            values.update(reference_as_stored=lr.reference_as_stored, reference_key=lr.reference_key,
                          mp_name=lr.mp_name, constituency=lr.constituency, passcode_given=lr.passcode_given,
                          decisions=lr.decisions, agent=people.get(lr.call_agent_id),
                          completer=people.get(lr.completed_by_id))
            out[lr.access_id] = values
        return out


class CountingReader:
    """The real reader of a fixture, counting the reads of the call records; ``shuffled`` gives them in
    another order (as a driver reading without an index may), ``countable`` False a reader without mdb-count."""

    def __init__(self, path, *, shuffled: bool = False, countable: bool = True):
        self.real = open_reader(path)
        self.name, self.shuffled, self.countable = self.real.name, shuffled, countable
        self.reads = 0

    def tables(self):
        return self.real.tables()

    def count(self, table):
        return self.real.count(table) if self.countable else None

    def rows(self, table):
        if table != L.CALL_TABLE:
            return self.real.rows(table)
        self.reads += 1
        rows = list(self.real.rows(table))
        if self.shuffled:
            random.Random(self.reads).shuffle(rows)
        return iter(rows)
