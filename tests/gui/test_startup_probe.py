"""The start-up benchmark's probe (gui/startup_probe.py): it reports only once the start screen
has been painted with its scenario list filled, and only when its variable says so."""

from PySide6.QtWidgets import QApplication

from hydra_sim.gui import startup_probe


def test_the_probe_is_off_unless_its_variable_is_one(monkeypatch):
    monkeypatch.delenv(startup_probe.VARIABLE, raising=False)
    assert not startup_probe.wanted()
    monkeypatch.setenv(startup_probe.VARIABLE, "0")
    assert not startup_probe.wanted()
    monkeypatch.setenv(startup_probe.VARIABLE, "1")
    assert startup_probe.wanted()


def test_the_probe_reports_at_the_first_paint_with_the_list_filled(window, qtbot, monkeypatch, capsys):
    quits = []
    monkeypatch.setattr(QApplication, "quit", lambda *args: quits.append(True))
    window.load_library_in_background()           # the list shows "Loading scenarios..." again
    assert window.library_loading
    startup_probe.install(window)
    window.start_screen.library_list.viewport().repaint()      # painted while loading: not yet
    assert not window._startup_probe.done and quits == []
    with qtbot.waitSignal(window.library_loaded, timeout=20000):
        pass
    qtbot.waitUntil(lambda: quits == [True], timeout=5000)    # the filled list's paint, then the report
    assert window.start_screen.library_list.count() > 0 and not window.library_loading
    printed = capsys.readouterr().out.split()
    assert len(printed) == 1 and float(printed[0]) > 0
    window.start_screen.library_list.viewport().repaint()     # later paints report nothing more
    QApplication.processEvents()
    assert quits == [True] and capsys.readouterr().out == ""
