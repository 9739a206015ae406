"""What every hydra_sim window process sets up the same way: Qt's own messages routed into
logging, and the QSettings file under the home folder.

``app.py`` (the trainee app) and ``gui/exercise/console.py`` (the facilitator console, its
own process) both use these, so they live here in ``gui``, below ``app``: the console never
imports ``app`` (the layering test in tests/engine/test_layering.py keeps it so). Must not
import ``hydra_sim.app`` or ``hydra_sim.cli``.
"""

from __future__ import annotations

import logging

from .. import paths


def install_qt_message_handler() -> None:
    """Route Qt's warnings and errors into the ``qt`` logger (so strict tests see them)."""
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler

    qt_log = logging.getLogger("qt")
    levels = {QtMsgType.QtDebugMsg: logging.DEBUG, QtMsgType.QtInfoMsg: logging.INFO,
              QtMsgType.QtWarningMsg: logging.WARNING, QtMsgType.QtCriticalMsg: logging.ERROR,
              QtMsgType.QtFatalMsg: logging.CRITICAL}

    def handler(mode, context, message):
        qt_log.log(levels.get(mode, logging.WARNING), "%s", message)

    qInstallMessageHandler(handler)


def settings_for_home():
    """QSettings in INI format at <home>/settings.ini (nothing outside the home folder)."""
    from PySide6.QtCore import QSettings
    home = paths.home_dir()
    home.mkdir(parents=True, exist_ok=True)
    return QSettings(str(home / "settings.ini"), QSettings.Format.IniFormat)
