"""Drive the real GUI the way a trainee does: clicks and keys on the incident screen."""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from hydra_sim import paths
from hydra_sim.gui.decision_panels import ChooseManyPanel, ChooseOnePanel, ContinuePanel, NdmPanel, RankPanel

REPO = paths.bundled_root()
FLAGSHIP = REPO / "scenarios" / "brackenford-services.yaml"
MINI = REPO / "tests" / "fixtures" / "mini" / "mini.yaml"
# Tests never write tracked files: screenshots go to build/screenshots (ignored by git) unless
# HYDRA_SIM_SCREENSHOTS names another folder. Refreshing the documentation's pictures is an
# explicit command: bash tools/refresh-screenshots.sh (docs/screenshots/README.md).
SCREENSHOTS = Path(os.environ.get("HYDRA_SIM_SCREENSHOTS")
                   or Path(__file__).resolve().parents[2] / "build" / "screenshots")


class FakeTime:
    """Stands in for time.monotonic: tests move it, then fire the timer."""

    def __init__(self):
        self.value = 1000.0

    def __call__(self) -> float:
        return self.value


#: The screen the documentation's pictures show: a common force laptop (issue 16). A window is
#: photographed at the size the app gives it there (``window_geometry.fitted_rect``), not at the
#: larger size a test may use for room, so the pictures show what a trainee on a laptop sees.
LAPTOP_SCREEN = (1366, 768)
TASK_BAR = 32


def _settle() -> None:
    for _ in range(3):      # let pending layout requests settle before grabbing
        QApplication.processEvents()


def shoot(widget, name: str, laptop: bool = True) -> None:
    """Save a screenshot into SCREENSHOTS (QWidget.grab works offscreen). A top-level window
    larger than the laptop screen allows is grabbed at the laptop size, then given its size back
    (``laptop=False``: as it is, for a picture made tall on purpose to show a whole page)."""
    from PySide6.QtCore import QRect

    from hydra_sim.gui.window_geometry import fitted_rect

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    _settle()
    screen = QRect(0, 0, LAPTOP_SCREEN[0], LAPTOP_SCREEN[1] - TASK_BAR)
    size = widget.size()
    # the size only (no move, no remembered geometry): what place() would give on the laptop
    fitted = fitted_rect(size, screen).size() if laptop and widget.isWindow() else size
    if fitted != size:
        widget.resize(fitted)
        _settle()
    try:
        assert widget.grab().save(str(SCREENSHOTS / f"{name}.png"))
    finally:
        if fitted != size:
            widget.resize(size)
            _settle()


def identify_and_open(qtbot, win, title_part: str, trainee_id: str = "t-test") -> None:
    start = win.start_screen
    start.trainee_id.clear()
    qtbot.keyClicks(start.trainee_id, trainee_id)
    rows = [i for i, e in enumerate(start.entries) if e.ok and title_part in e.title]
    assert rows, f"no scenario titled '{title_part}' in the library"
    start.library_list.setCurrentRow(rows[0])
    qtbot.mouseClick(start.start_button, Qt.MouseButton.LeftButton)
    assert win.stack.currentWidget() is win.briefing_screen


def start_scenario(qtbot, win) -> None:
    qtbot.mouseClick(win.briefing_screen.start_button, Qt.MouseButton.LeftButton)
    assert win.stack.currentWidget() is win.incident_screen


@contextlib.contextmanager
def running_server(tmp_path, scenario=FLAGSHIP):
    """A facilitator server for ``scenario`` on a free loopback port, stopped on leaving."""
    from hydra_sim.exercise.server import ExerciseServer
    srv = ExerciseServer(scenario, tmp_path / "facilitator.sqlite3", host="127.0.0.1", port=0)
    srv.start()
    try:
        yield srv
    finally:
        srv.stop()


def open_console(qtbot, server, confirm=lambda question: True):
    """The facilitator console on ``server``, themed as the app and `hydra-sim facilitate` do, at 1440x900."""
    from hydra_sim.gui.exercise.console import ExerciseConsole
    from hydra_sim.gui.theme import apply as apply_theme
    apply_theme(QApplication.instance(), 11.0, 1.0, False)
    win = ExerciseConsole(server, confirm=confirm)
    qtbot.addWidget(win)
    win.resize(1440, 900)
    win.show()
    qtbot.waitExposed(win)
    return win


def click(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def rank_by_keyboard(qtbot, panel: RankPanel, order: list[str]) -> None:
    """Reorder with Alt+Up only, as a keyboard user would."""
    for target, option_id in enumerate(order):
        row = panel.order().index(option_id)
        panel.list.setCurrentRow(row)
        for _ in range(row - target):
            qtbot.keyClick(panel.list, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert panel.order() == list(order)


def play_step(qtbot, win, step, fake_time=None) -> None:
    controller = win.controller
    screen = win.incident_screen
    if step.kind in ("expect", "mark"):     # checks are for headless plans; marking happens in review
        return
    if step.kind == "wait":
        fake_time.value += step.minutes * 60 / max(controller.scenario.clock_speed, 1e-9)
        controller.timer.timeout.emit()
        return
    if step.kind == "expire":
        controller.tick(controller.remaining_seconds() + 0.1)
        return
    if step.kind == "request":      # an 'ask' step: filled in and sent on the Partners tab, as a trainee would
        form = screen.request_form
        screen.side.setCurrentIndex(screen.partners_tab)
        ask = step.selection
        form.partner.setCurrentIndex(form.partner.findData(ask["partner"]))
        form.topic.setCurrentIndex(form.topic.findData(ask["topic"]))
        form.urgency.setCurrentIndex(form.urgency.findData(ask["urgency"]))
        form.question.setPlainText(ask["question"])
        before = len(controller.requests)
        click(qtbot, form.send_button)
        assert len(controller.requests) == before + 1, form.status.text()
        return
    assert controller.runner.scene_id == step.scene, f"expected scene {step.scene}, at {controller.runner.scene_id}"
    panel = screen.panel
    if step.kind == "continue":
        assert isinstance(panel, ContinuePanel)
        click(qtbot, panel.decide_button)
        return
    if isinstance(panel, ChooseOnePanel):
        click(qtbot, panel.option_button(step.selection))
        assert panel.option_button(step.selection).isChecked()
    elif isinstance(panel, ChooseManyPanel):
        for option_id in step.selection:
            click(qtbot, panel.option_button(option_id))
    elif isinstance(panel, RankPanel):
        rank_by_keyboard(qtbot, panel, step.selection)
    elif isinstance(panel, NdmPanel):
        for field_id, text in step.selection.items():
            if field_id == "parts":         # the structured parts: pick each answer from its list
                for part_id, option_id in text.items():
                    combo = panel.parts[part_id]
                    combo.setCurrentIndex(combo.findData(option_id))
                    assert combo.currentData() == option_id
            else:
                panel.boxes[field_id].setPlainText(str(text).strip())
    if step.rationale:
        qtbot.keyClicks(panel.rationale_box, step.rationale)
    click(qtbot, panel.decide_button)
    assert not panel.error.isVisible() or not panel.error.text(), panel.error.text()


class StationThread(threading.Thread):
    """A headless exercise station (hydra_sim.exercise.headless) playing in a thread;
    ``finish()`` waits for it and re-raises what went wrong there."""

    def __init__(self, station):
        super().__init__(daemon=True, name=f"station-{station.syndicate}")
        self.station, self.result, self.error = station, None, None

    def run(self) -> None:
        try:
            self.result = self.station.run(timeout=60)
        except BaseException as exc:        # reported by finish()
            self.error = exc

    def finish(self) -> dict:
        self.join(60)
        assert not self.is_alive(), f"station {self.station.syndicate} did not finish"
        if self.error is not None:
            raise self.error
        return self.result


def shown_review(qtbot, store, author: str = "Sgt Trainer"):
    """The trainer's review window over ``store``, shown at the desktop size (no background verify)."""
    from hydra_sim.gui.review.window import open_review_window

    win = open_review_window(store, verify_in_background=False, author=author)
    qtbot.addWidget(win)
    win.resize(1440, 900)
    win.show()
    qtbot.waitExposed(win)
    return win


def save_like_an_editor(win, path, text: str, qtbot) -> None:
    """Author mode: write ``path`` as an editor that replaces the file does, then let the
    window's watcher slot run and wait (bounded) for its re-check."""
    import os
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    with qtbot.waitSignal(win.reloaded, timeout=3000):
        win.file_changed(str(path))
