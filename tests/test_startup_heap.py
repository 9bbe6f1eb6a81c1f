"""``startup_heap.freeze_startup_heap``: what is alive at start-up leaves the collector's sight, and
what is made afterwards is still collected (a desk must not leak its later garbage)."""
import gc
import weakref

from mpel_app.startup_heap import freeze_startup_heap


class _Cycle:
    pass


def test_what_is_alive_is_frozen_and_later_garbage_is_still_collected():
    try:
        freeze_startup_heap()
        assert gc.get_freeze_count() > 1000  # this test process's modules, classes and fixtures
        later = _Cycle()
        later.me = later  # only the cyclic collector frees it
        gone = weakref.ref(later)
        del later
        gc.collect()
        assert gone() is None
    finally:
        gc.unfreeze()
