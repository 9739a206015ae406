"""Every Qt item model in the GUI passes pytest-qt's qtmodeltester (empty, filled, growing)."""

from __future__ import annotations

from helpers import MINI, click

from hydra_sim.gui.incident_log import IncidentLogModel
from hydra_sim.gui.session_controller import LogEntry


def _entries(n: int) -> list[LogEntry]:
    return [LogEntry(60 * i, f"04:{10 + i:02d}", "scene", f"Scene {i}", "detail" if i % 2 else "")
            for i in range(n)]


def test_incident_log_model_empty_and_filled(qtmodeltester):
    qtmodeltester.check(IncidentLogModel())
    source = _entries(5)
    model = IncidentLogModel(source)
    qtmodeltester.check(model)
    source.extend(_entries(3))
    model.refresh()                 # rows appended to the adapted list
    assert model.rowCount() == 8
    qtmodeltester.check(model)
    del source[2:]
    model.refresh()                 # the list shrank: a reset
    assert model.rowCount() == 2
    qtmodeltester.check(model)


def test_incident_log_model_in_a_session(qtbot, qtmodeltester, window):
    assert window.open_scenario_file(MINI)
    click(qtbot, window.briefing_screen.start_button)
    model = window.incident_screen.log_model
    qtmodeltester.check(model, force_py=True)
    screen = window.incident_screen
    click(qtbot, screen.panel.option_button("ambulance"))
    click(qtbot, screen.panel.decide_button)
    assert model.rowCount() >= 3
    qtmodeltester.check(model, force_py=True)


def test_start_screen_roles_match_the_engine():
    from hydra_sim.engine.model import TRAINEE_ROLES
    from hydra_sim.gui.start_screen import TRAINEE_ROLES as SHOWN
    assert SHOWN == TRAINEE_ROLES
