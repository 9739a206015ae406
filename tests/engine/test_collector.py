"""A large scenario's session holds its objects out of full collections, and gives them back
(engine/collector.py, issue 14): cycles made before the hold are not freed while held, and
are freed once released; a small scenario is never held."""

from __future__ import annotations

import gc
import weakref
from types import SimpleNamespace

from hydra_sim.engine.collector import LARGE_SCENARIO, hold_session_objects, release_session_objects


class _Node:
    pass


def _cycle() -> weakref.ref:
    a, b = _Node(), _Node()
    a.other, b.other = b, a
    return weakref.ref(a)


def _scenario(scenes: int):
    return SimpleNamespace(scenes=dict.fromkeys(range(scenes)), endings={"end": None})


def test_a_large_sessions_objects_are_held_then_released():
    gc.collect()
    garbage = _cycle()                       # unreachable already, but only the collector can free a cycle
    assert hold_session_objects(_scenario(LARGE_SCENARIO))
    try:
        assert gc.get_freeze_count() > 0
        gc.collect()
        assert garbage() is not None         # held: a full collection does not walk it
    finally:
        release_session_objects()
    assert gc.get_freeze_count() == 0
    gc.collect()
    assert garbage() is None                 # released: the next collection frees it


def test_a_small_scenario_is_not_held():
    gc.collect()
    garbage = _cycle()
    assert not hold_session_objects(_scenario(LARGE_SCENARIO - 2))
    assert gc.get_freeze_count() == 0
    gc.collect()
    assert garbage() is None
