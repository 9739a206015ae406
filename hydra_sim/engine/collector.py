"""Keeping a large scenario's model out of the garbage collector's full sweeps during a session.

A loaded scenario and its runner's state machine live as long as the session; at 10,000 scenes
they are millions of objects. Python's full collection walks every object it tracks, so one
decision could stall for a second or more (up to 2.8 s measured, issue 14) while the collector
walked a model that cannot become garbage before the session ends. ``hold_session_objects``
moves every object that exists now into the collector's permanent generation (``gc.freeze``):
such objects are still freed by reference counting, only not walked; cycles among them wait
for ``release_session_objects`` (``gc.unfreeze``), called when the session ends or another
starts. A scenario under ``LARGE_SCENARIO`` scenes and endings is not held: a full sweep of its
model costs little (a 2,000-scene chain's slowest decision was about 1 ms) and holding would
only keep garbage longer. One session at a time per process. Must not import Qt.
"""

from __future__ import annotations

import gc

LARGE_SCENARIO = 1_000        # scenes and endings together


def is_large(scenario) -> bool:
    return len(scenario.scenes) + len(scenario.endings) >= LARGE_SCENARIO


def hold_session_objects(scenario) -> bool:
    """Once a session's runner is built: keep what exists now out of full collections, if the
    scenario is large. True when held (then call ``release_session_objects`` at its end)."""
    if not is_large(scenario):
        return False
    gc.freeze()
    return True


def release_session_objects() -> None:
    """When the held session ends or another starts: let the collector see those objects again."""
    gc.unfreeze()
