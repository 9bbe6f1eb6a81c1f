"""Reloading a record under a person's unsaved typing: whose value each field keeps (a three-way merge).

When a save is refused because someone else saved first (``StaleRecord``),
the screen reloads the record without losing what the person typed.  Per
field, against the values they started from (``base``):

* they did not touch it: the field takes the other person's value (so saving
  again does not undo their change);
* they changed it and the other person did not: their text stays;
* both changed it to different values: their text stays, and the field is
  named as a clash so the screen can show the other value beside it.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Merged:
    values: dict[str, object]
    kept_mine: tuple[str, ...]  # fields where the person's own text stays (clashes included)
    clashes: tuple[str, ...]  # of those, the fields the other person also changed, differently


def merge_edits(base: Mapping[str, object], mine: Mapping[str, object], theirs: Mapping[str, object]) -> Merged:
    """The values to show after a reload; every key of ``mine`` is in the result."""
    values: dict[str, object] = {}
    kept: list[str] = []
    clashes: list[str] = []
    for key, my_value in mine.items():
        their_value = theirs.get(key)
        if my_value == base.get(key):
            values[key] = their_value
            continue
        values[key] = my_value
        kept.append(key)
        if their_value != base.get(key) and their_value != my_value:
            clashes.append(key)
    return Merged(values, tuple(kept), tuple(clashes))
