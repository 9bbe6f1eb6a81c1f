"""The civil-service grade scale, lowest first, and the comparisons the QA and signing rules need.

This is the one ordered scale (domain-rules §1): services and screens should
import ``GRADES`` from here rather than keep their own copy.
"""
from __future__ import annotations

GRADES: tuple[str, ...] = ("AO", "EO", "HEO", "SEO", "G7", "G6", "SCS")

_RANK = {grade: rank for rank, grade in enumerate(GRADES)}


def is_grade(value: object) -> bool:
    return isinstance(value, str) and value in _RANK


def grade_rank(grade: str) -> int:
    """0 for AO up to 6 for SCS; ValueError for anything not on the scale."""
    try:
        return _RANK[grade]
    except (KeyError, TypeError):
        raise ValueError(f"unknown grade {grade!r}; expected one of {', '.join(GRADES)}") from None


def at_least(grade: str, floor: str) -> bool:
    """True when ``grade`` is ``floor`` or higher."""
    return grade_rank(grade) >= grade_rank(floor)


def above(grade: str, other: str) -> bool:
    """True when ``grade`` is at least one grade higher than ``other`` [CORR 1.6]."""
    return grade_rank(grade) > grade_rank(other)
