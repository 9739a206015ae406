"""Print an HTML report (hydra_sim.records.exports) to PDF with Qt: QTextDocument + QPdfWriter.

The only Qt piece of the exports; the command line imports it lazily for ``--format pdf``.
Works headless: without a display it uses Qt's offscreen platform.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def _application():
    # A widgets application even though no widget is shown: Qt allows one application object per
    # process, and a plain QGuiApplication would stop the app or a test from opening a window later.
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    app = QGuiApplication.instance()
    if app is None:
        if not os.environ.get("QT_QPA_PLATFORM") and not (os.environ.get("DISPLAY") or os.environ.get(
                "WAYLAND_DISPLAY")) and sys.platform.startswith("linux"):
            os.environ["QT_QPA_PLATFORM"] = "offscreen"
        app = QApplication(sys.argv[:1])
    return app


def html_to_pdf(html: str, path: str | os.PathLike, title: str = "hydra_sim report", *, resolution: int = 300,
                style_sheet: str = "", fit_page: bool = False) -> Path:
    """Write ``html`` as an A4 PDF at ``path``; returns the path.

    ``style_sheet`` is the document's default CSS; ``fit_page`` lays the text out on the writer's
    whole printable page instead of letting Qt add its own document margin (the debrief uses both).
    """
    from PySide6.QtCore import QMarginsF, QSizeF
    from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter

    from .safe_text import SafeTextDocument  # loads no images, style sheets or files named in the HTML

    _application()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = QPdfWriter(str(path))
    writer.setTitle(title)
    writer.setCreator("hydra_sim")
    writer.setResolution(resolution)
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                     QMarginsF(15, 15, 15, 15), QPageLayout.Unit.Millimeter))
    document = SafeTextDocument()
    if style_sheet:
        document.setDefaultStyleSheet(style_sheet)
    document.setHtml(html)
    if fit_page:
        document.setPageSize(QSizeF(writer.width(), writer.height()))
    document.print_(writer)
    del writer          # finishes the file
    from ..records.filemodes import restrict
    restrict(path)      # 0600: reports name a trainee and their decisions
    return path
