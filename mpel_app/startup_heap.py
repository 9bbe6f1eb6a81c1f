"""Keep the garbage collector's full passes off what a desk holds for its whole life (issue 16).

After start-up a desk holds ~150,000 objects it never frees: modules, classes, SQLAlchemy's
mappers and compiled statements, Qt's wrappers.  Python's oldest-generation collection walks
all of them whenever enough new objects have survived, and a call that happened to set it off
(a workstack of 400 letters makes thousands) took ~75 ms longer: one call in twenty, the p95.
``gc.freeze`` moves what is alive now out of the collector's sight; everything made later is
collected as before.  Measured by ``benchmarks.letter_calls``.
"""
from __future__ import annotations

import gc


def freeze_startup_heap() -> None:
    """Collect once, then leave everything still alive out of later collections."""
    gc.collect()
    gc.freeze()
