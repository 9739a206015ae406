"""The session controller holds a large scenario's model out of full collections for the
session and gives it back when the next session starts (engine/collector.py, issue 14)."""

from __future__ import annotations

import gc
import sys
from pathlib import Path

from hydra_sim.engine import load_scenario
from hydra_sim.gui.persistence import TraineeInfo
from hydra_sim.gui.session_controller import SessionController

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from benchmarks.synthetic import make_scenario  # noqa: E402


def test_a_large_scenario_is_held_for_its_session_and_released_for_the_next(qtbot, window, tmp_path, fake_time):
    large = load_scenario(make_scenario(1_000, tmp_path)).raise_for_errors()
    controller = SessionController(window.store, now=fake_time, real_time=False)
    try:
        controller.start(large, TraineeInfo("t-large"))
        assert gc.get_freeze_count() > 0
        small = load_scenario(Path(__file__).resolve().parents[1] / "fixtures" / "mini" / "mini.yaml").scenario
        controller.start(small, TraineeInfo("t-small"))
        assert gc.get_freeze_count() == 0          # released, and the small one is not held
    finally:
        gc.unfreeze()
