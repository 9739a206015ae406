"""Render an SVG drawing (such as ``engine.graph.to_svg``) to a PNG with Qt's SVG renderer.

Lives in the GUI package because it needs Qt; the engine stays Qt-free and only writes SVG.
"""

from __future__ import annotations

import math
import os


def svg_to_png(svg: str, path, scale: float = 1.0) -> tuple[int, int]:
    """Render our SVG to a PNG with Qt's SVG renderer; returns the image size in pixels."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QByteArray, QRectF
    from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer
    from PySide6.QtWidgets import QApplication

    # a widgets application (one per process: a plain QGuiApplication would rule out windows later)
    app = QGuiApplication.instance() or QApplication([])   # noqa: F841 (kept alive while rendering)
    renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
    if not renderer.isValid():
        raise ValueError("the SVG could not be read")
    size = renderer.defaultSize()
    width, height = max(1, math.ceil(size.width() * scale)), max(1, math.ceil(size.height() * scale))
    image = QImage(width, height, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    renderer.render(painter, QRectF(0, 0, width, height))
    painter.end()
    if not image.save(str(path), "PNG"):
        raise OSError(f"cannot write {path}")
    return width, height
