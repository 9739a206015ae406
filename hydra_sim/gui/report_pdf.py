"""Print an HTML report (hydra_sim.records.exports, the debrief, the plenary) to an A4 PDF with Qt.

QTextDocument lays the HTML out on the QPdfWriter itself (so a 10pt font prints at 10 points)
and this module paints it page by page, with a footer on every page: an optional line of
text on the left (what the report is and whom it is about, so a loose page can be put back)
and "Page N of M" on the right. Qt's own ``QTextDocument.print_`` cannot do that: it numbers
pages only when it also adds its own 2 cm margins, and never says how many pages there are.

The only Qt piece of the exports; the command line imports it lazily for ``--format pdf``.
Works headless: without a display it uses Qt's offscreen platform. Must not import any screen.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

FOOTER_POINTS = 8
FOOTER_GAP_MM = 4            # between the text and the footer line


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


def page_label(page: int, pages: int) -> str:
    return f"Page {page} of {pages}"


def html_to_pdf(html: str, path: str | os.PathLike, title: str = "hydra_sim report", *, resolution: int = 600,
                style_sheet: str = "", footer: str = "") -> Path:
    """Write ``html`` as an A4 PDF at ``path``; returns the path.

    ``style_sheet`` is the document's default CSS; ``footer`` is printed at the bottom left of
    every page, beside "Page N of M". ``resolution`` is only the precision of positions in the
    (vector) file: at 150 or 300 dots per inch glyphs sit on a coarse grid, and PDF readers'
    text search and copy then break words into letters ("P a g e"); 600 keeps them words.
    """
    from PySide6.QtCore import QMarginsF, QPointF, QRectF, QSizeF, Qt
    from PySide6.QtGui import (QAbstractTextDocumentLayout, QFont, QFontMetricsF, QPageLayout, QPageSize,
                               QPainter, QPalette, QPdfWriter)

    from .safe_text import SafeTextDocument  # loads no images, style sheets or files named in the HTML

    _application()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = QPdfWriter(str(path))
    writer.setTitle(title)
    writer.setCreator("hydra_sim")
    writer.setResolution(resolution)
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                     QMarginsF(15, 12, 15, 12), QPageLayout.Unit.Millimeter))
    document = SafeTextDocument()
    document.documentLayout().setPaintDevice(writer)      # points are the printer's points
    if style_sheet:
        document.setDefaultStyleSheet(style_sheet)
    document.setDocumentMargin(0)                         # the page layout's margins are the margins
    document.setHtml(html)
    footer_font = QFont(document.defaultFont())
    footer_font.setPointSizeF(FOOTER_POINTS)
    metrics = QFontMetricsF(footer_font, writer)
    width, height = writer.width(), writer.height()       # the printable area, in device pixels
    footer_height = metrics.height() + FOOTER_GAP_MM / 25.4 * resolution
    body_height = height - footer_height
    document.setPageSize(QSizeF(width, body_height))
    pages = max(1, document.pageCount())
    # cut short rather than run into the page number
    left = metrics.elidedText(footer, Qt.TextElideMode.ElideRight,
                              width - metrics.horizontalAdvance(page_label(pages, pages) + "      ")) if footer else ""

    painter = QPainter(writer)
    painter.setFont(footer_font)
    painter.setPen(Qt.GlobalColor.black)
    baseline = height - metrics.descent()
    context = QAbstractTextDocumentLayout.PaintContext()
    context.palette.setColor(QPalette.ColorRole.Text, Qt.GlobalColor.black)
    for index in range(pages):
        if index:
            writer.newPage()
        painter.save()
        painter.translate(0, -index * body_height)
        view = QRectF(0, index * body_height, width, body_height)
        context.clip = view
        painter.setClipRect(view)
        document.documentLayout().draw(painter, context)
        painter.restore()
        number = page_label(index + 1, pages)
        painter.drawText(QPointF(width - metrics.horizontalAdvance(number), baseline), number)
        if left:
            painter.drawText(QPointF(0, baseline), left)
    painter.end()
    del document
    del writer          # finishes the file
    from ..records.filemodes import restrict
    restrict(path)      # 0600: reports name a trainee and their decisions
    return path
