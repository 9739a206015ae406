"""Shared drawing helpers for the tools/make_*_documents.py scenario-document scripts.

Each script draws the fictional documents (maps, forms, logs) of one scenario into PNG
files under assets/<scenario>/. This module holds what they have in common: the
offscreen Qt setup, the font families and ink colour, a font/image/text helper trio, the
end-of-page save, and the run-and-exit wrapper. Import it by plain name
(``from document_drawing import ...``): the scripts are run as files, so tools/ is on
sys.path.

Nothing here may introduce randomness or read the clock: the documents must come out
byte-identical on every run.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QRectF, Qt  # noqa: E402
from PySide6.QtGui import QColor, QFont, QGuiApplication, QImage, QPainter  # noqa: E402

ASSETS = Path(__file__).resolve().parent.parent / "assets"

SANS = "DejaVu Sans"
SANS_COND = "DejaVu Sans Condensed"
MONO = "DejaVu Sans Mono"
SERIF = "DejaVu Serif"

INK = QColor("#1b1b1b")

_app: QGuiApplication | None = None  # kept alive until the process leaves through exit_now()


def font(family: str, px: int, bold: bool = False, italic: bool = False) -> QFont:
    f = QFont(family)
    f.setPixelSize(px)
    f.setBold(bold)
    f.setItalic(italic)
    f.setHintingPreference(QFont.PreferFullHinting)
    return f


def new_image(w: int, h: int, colour: str) -> tuple[QImage, QPainter]:
    img = QImage(w, h, QImage.Format_RGB32)
    img.fill(QColor(colour))
    p = QPainter(img)
    p.setRenderHint(QPainter.Antialiasing, True)
    p.setRenderHint(QPainter.TextAntialiasing, True)
    return img, p


def text(p: QPainter, x: float, y: float, s: str, f: QFont, colour: QColor,
         w: float = 2000, h: float = 400, flags=Qt.AlignLeft | Qt.AlignTop) -> None:
    p.setFont(f)
    p.setPen(colour)
    p.drawText(QRectF(x, y, w, h), int(flags) | int(Qt.TextWordWrap), s)


def save(img: QImage, p: QPainter, path: Path) -> None:
    """Finish painting ``img`` and write it to ``path``."""
    p.end()
    img.save(str(path))


def draw_documents(out: Path, documents: Sequence[tuple[str, Callable[[Path], None]]]) -> int:
    """Draw each ``(file name, drawing function)`` into ``out``, list the folder; 0 on success."""
    global _app
    if _app is None:
        _app = QGuiApplication(sys.argv[:1])  # text drawing needs a GUI application
    out.mkdir(parents=True, exist_ok=True)
    for name, draw in documents:
        draw(out / name)
    for name in sorted(os.listdir(out)):
        print(out / name)
    return 0


def exit_now(status: int) -> None:
    """Flush and leave without running interpreter finalisation.

    With the PySide6 build in this venv, tearing down after a few thousand QPainter
    calls can abort with "none_dealloc: deallocating None" although every file has
    been written.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
