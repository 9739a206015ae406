"""Author mode: the scenario map, the live preview and the file watcher (GitHub issue #5).

``AuthorWindow`` opens one scenario file, draws it as a map (``map_view``), lets the author
play from any scene (``preview``), and re-validates and replays on every save. The pieces
that need no Qt (YAML block ranges, the preview's replay) live in ``blocks`` and
``session`` so they can be tested headless. Imports the engine, never the trainee screens
except the reusable decision panels.
"""

from __future__ import annotations


def open_author_window(path, *, show: bool = True, settings=None):
    """Create (and show) an Author mode window on ``path``; a QApplication must exist.
    ``settings`` (the app's settings.ini) lets the window reopen at its last size and place."""
    from .window import AuthorWindow
    window = AuthorWindow(path, settings=settings)
    if show:
        window.show()
    return window


def ask_and_open(parent):
    """The main window's "Author mode…" action: pick a scenario file, open it in a new window."""
    from PySide6.QtWidgets import QFileDialog

    from ... import paths
    folder = str(paths.bundled_scenarios_dir())
    path, _ = QFileDialog.getOpenFileName(parent, "Open a scenario in Author mode", folder,
                                          "Scenario files (*.yaml *.yml)")
    if not path:
        return None
    window = open_author_window(path, settings=getattr(parent, "settings", None))
    windows = getattr(parent, "_author_windows", [])
    windows.append(window)            # kept alive as long as the main window
    parent._author_windows = windows
    return window


def run_author(path) -> int:
    """``hydra-sim author SCENARIO``: a QApplication with the trainee app's theme, one window."""
    import sys

    from PySide6.QtWidgets import QApplication

    from ...app import settings_for_home
    from ..theme import apply
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("hydra_sim")
    apply(app, app.font().pointSizeF() or 10.0, 1.0, False)
    window = open_author_window(path, settings=settings_for_home())
    code = app.exec()
    del window
    return code
