"""The real entry's main window (``keys_after_paint``, app.run_app) sets up the key
filters once its first frame is painted, not before (no key press can come earlier); after
it, Ctrl+= zooms as in every other window."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from hydra_sim.gui import keyboard


def test_the_key_filters_arrive_with_the_first_frame_and_then_work(qtbot, home, fake_time, monkeypatch):
    from hydra_sim.app import build_main_window
    win = build_main_window(show_error_windows=False, real_time=False, now=fake_time, system_points=11,
                            keys_after_paint=True)
    qtbot.addWidget(win)
    assert win.zoom_keys is None                     # not before the window has been painted
    win.resize(1440, 900)
    win.show()
    qtbot.waitExposed(win)
    qtbot.waitUntil(lambda: win.zoom_keys is not None, timeout=10_000)
    assert id(QApplication.instance()) in keyboard._installed       # Enter on a focused button, too
    monkeypatch.setattr(win, "apply_view", lambda: None)            # the keys are tested, not restyling
    before = win.zoom
    qtbot.keyClick(QApplication.focusWidget() or win, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert win.zoom > before
    keys = win.zoom_keys
    win.install_keys()                               # once only
    assert win.zoom_keys is keys
    win.controller.timer.stop()


def test_windows_built_for_tests_have_their_keys_at_once(window):
    assert window.zoom_keys is not None
