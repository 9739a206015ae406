"""Run by test_screen_fit.py in its own process: the real app on an offscreen screen scaled by
a device pixel ratio (150%), which a running QApplication cannot change. Opens the main
window as the app does (window_geometry.place on the real screen), goes from the start screen
to the scene with three documents, opens the document viewer and the review window, and
prints one JSON line: the screen's logical size, each window's geometry, and every clipped
label or button and horizontal scroll bar found (test_screen_fit.clipped)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from hydra_sim import paths  # noqa: E402


class Bot:
    """The part of pytest-qt's qtbot that helpers.play_step uses."""

    def mouseClick(self, widget, button, *args):  # noqa: N802 - qtbot's name
        QTest.mouseClick(widget, button)

    def keyClick(self, widget, key, modifier=Qt.KeyboardModifier.NoModifier):  # noqa: N802
        QTest.keyClick(widget, key, modifier)

    def keyClicks(self, widget, text):  # noqa: N802
        QTest.keyClicks(widget, text)


def main() -> int:
    paths.set_home(Path(sys.argv[1]))
    app = QApplication(sys.argv[:1])
    import helpers
    from test_screen_fit import clipped, settle

    from hydra_sim.app import build_main_window
    from hydra_sim.engine import load_plan
    from hydra_sim.gui import dialogs
    from hydra_sim.gui.review.window import open_review_window
    dialogs.ConfirmQuitDialog.ask = classmethod(lambda cls, parent: True)
    out = {"screen": list(app.primaryScreen().availableGeometry().getRect()),
           "dpr": app.primaryScreen().devicePixelRatio(), "windows": {}, "clipped": {}}
    win = build_main_window(show_error_windows=False, real_time=False)
    win.show()
    while win.library_loading:
        app.processEvents()
    settle()
    bot = Bot()

    def look(name, window):
        out["windows"][name] = list(window.frameGeometry().getRect())
        out["clipped"][name] = clipped(window)
    look("start", win)
    helpers.identify_and_open(bot, win, "Brackenford Services: banging")
    helpers.start_scenario(bot, win)
    steps, _ = load_plan(helpers.FLAGSHIP.parent / "brackenford-services.best.plan.yaml")
    for step in steps:
        if win.controller.runner.scene_id == "driver_account":
            break
        helpers.play_step(bot, win, step, None)
    look("three documents", win)
    screen = win.incident_screen
    viewer = screen.open_media(next(iter(screen.media_buttons.values())).property("media"))
    settle()
    look("document viewer", viewer)
    viewer.close()
    review = open_review_window(win.store)
    review.show()
    settle()
    look("review", review)
    review.close()
    win.controller.timer.stop()
    win.request_start_screen()
    settle()
    look("start, unfinished session", win)
    print(json.dumps(out), flush=True)
    win.debrief_screen.stop_worker() if win._debrief is not None else None
    return 0


if __name__ == "__main__":
    sys.exit(main())
