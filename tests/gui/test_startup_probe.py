"""The start-up benchmark's probe (gui/startup_probe.py): it reports only once the start screen
has been painted with its scenario list filled, and only when its variable says so."""

from PySide6.QtWidgets import QApplication

from hydra_sim import paths
from hydra_sim.gui import startup_probe


def test_the_probe_is_off_unless_its_variable_is_one(monkeypatch):
    monkeypatch.delenv(startup_probe.VARIABLE, raising=False)
    assert not startup_probe.wanted()
    monkeypatch.setenv(startup_probe.VARIABLE, "0")
    assert not startup_probe.wanted()
    monkeypatch.setenv(startup_probe.VARIABLE, "1")
    assert startup_probe.wanted()


def _settled_without_index(qtbot, window) -> None:
    """The window's first scan has arrived, and the library index it wrote is gone again."""
    qtbot.waitUntil(lambda: not window._library_scans and not window.library_loading, timeout=30_000)
    paths.library_index_file().unlink()


def test_the_probe_reports_at_the_first_paint_with_the_list_filled(window, qtbot, monkeypatch, capsys):
    quits = []
    monkeypatch.setattr(QApplication, "quit", lambda *args: quits.append(True))
    _settled_without_index(qtbot, window)
    window.load_library_in_background()           # no index: the list shows "Loading scenarios..." again
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


def test_with_the_library_index_the_probe_reports_before_the_scan(window, qtbot, monkeypatch, capsys):
    quits = []       # at each report: was the list still the index's (the scan not yet arrived)?
    monkeypatch.setattr(QApplication, "quit",
                        lambda *args: quits.append(all(e.indexed for e in window.start_screen.entries)))
    qtbot.waitUntil(lambda: not window._library_scans and not window.library_loading, timeout=30_000)
    window.load_library_in_background()           # the index matches: filled at once, the scan waits
    assert not window.library_loading and all(e.indexed for e in window.start_screen.entries)
    startup_probe.install(window)
    window.start_screen.library_list.viewport().repaint()
    assert window._startup_probe.done
    qtbot.waitUntil(lambda: quits == [True], timeout=5000)
    assert len(capsys.readouterr().out.split()) == 1
