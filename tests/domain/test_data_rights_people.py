"""Telling people apart (issue 17): a record with no date of birth is never joined to a dated person by a guess."""
from __future__ import annotations

from datetime import date

import pytest

from mpel_app.domain.data_rights import Found, combine, people

DOB = date(1980, 1, 2)


def enquiry(i: int, name: str, dob: date | None, ho: str = "R7654321") -> Found:
    return Found("enquiry", i, f"MPH{i:06d}", name, dob, ho, "")


def letter(i: int, name: str, ho: str = "R7654321") -> Found:
    return Found("letter", i, f"M{i:05d}/26", name, None, ho, f"M{i:05d}/26")


def test_two_namesakes_one_dated_nothing_undated_is_attached():
    found = [enquiry(1, "Ali Rezaei", DOB), enquiry(2, "ALI  rezaei", None), letter(7, "Ali Rezaei"),
             enquiry(3, "Ali Rezaei", DOB), enquiry(4, "Sara Rezaei", date(2004, 5, 6))]
    rows = people(found)
    assert [(m.date_of_birth, [(r.entity, r.id) for r in m.records]) for m in rows] == [
        (DOB, [("enquiry", 1), ("enquiry", 3)]),  # one name, one date of birth: one person
        (None, [("letter", 7)]),  # each undated record alone, in label order
        (None, [("enquiry", 2)]),
        (date(2004, 5, 6), [("enquiry", 4)]),
    ]


def test_the_officer_combines_rows_of_one_person_only():
    dated, undated_letter, undated_enquiry, sister = people(
        [enquiry(1, "Ali Rezaei", DOB), enquiry(2, "Ali Rezaei", None), letter(7, "Ali Rezaei"),
         enquiry(4, "Sara Rezaei", date(2004, 5, 6))])
    him = combine([dated, undated_letter])
    assert (him.name, him.date_of_birth, him.ids("enquiry"), him.ids("letter")) == ("Ali Rezaei", DOB, [1], [7])
    assert combine([undated_enquiry, undated_letter]).date_of_birth is None
    with pytest.raises(ValueError, match="more than one person"):
        combine([dated, sister])
    other = people([enquiry(9, "Ali Rezaei", date(1999, 9, 9))])[0]
    with pytest.raises(ValueError, match="more than one person"):
        combine([dated, other])
    with pytest.raises(ValueError, match="first"):
        combine([])
