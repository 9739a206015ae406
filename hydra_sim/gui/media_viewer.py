"""The media viewer: zoomable images and documents, PDFs, and audio with its transcript.

PNG/JPG/SVG files are shown in a zoomable view (buttons, Ctrl + mouse wheel, +/-/0 keys),
read and decoded by ``read_picture`` so that a picture never makes Qt read another file;
PDFs through QtPdf when it imports, else opened in the system viewer; audio plays through
QtMultimedia when it imports (it needs the system sound libraries), and its transcript is
always shown. The description (alt text) is always on screen, so no one depends on the
picture. Must not import the runner, the controller or any screen.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt, QUrl, Slot
from PySide6.QtGui import QColor, QDesktopServices, QImage, QImageReader, QKeySequence, QPainter, QPixmap, QShortcut
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGraphicsPixmapItem,
    QGraphicsScene,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ..engine.files import UnreadableFile, read_regular_file
from ..engine.safe_svg import UnsafeSvg, read_safe_svg
from ..engine.text import markdown_to_html
from .safe_text import SafeTextBrowser, plain_label
from .window_geometry import place

log = logging.getLogger(__name__)
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".svg", ".gif", ".bmp"}
_FORMATS = {".png": b"png", ".jpg": b"jpeg", ".jpeg": b"jpeg", ".gif": b"gif", ".bmp": b"bmp"}
MAX_IMAGE_BYTES = 64 * 1024 * 1024
MAX_SVG_PIXELS = 4096            # an SVG is drawn at most this large on its longer side...
MIN_SVG_PIXELS = 1600            # ...and at least this large, so zooming in stays sharp


def multimedia_available() -> bool:
    try:
        from PySide6 import QtMultimedia  # noqa: F401
    except ImportError as exc:
        log.info("audio playback unavailable: %s", exc)
        return False
    return True


def pdf_available() -> bool:
    try:
        from PySide6 import QtPdf, QtPdfWidgets  # noqa: F401
    except ImportError:
        return False
    return True


def read_picture(path: Path) -> tuple[QImage, str | None]:
    """The picture in a media file, or a null image and why it was not shown.

    The file is read by us (a regular file only, so a FIFO is never opened; at most
    ``MAX_IMAGE_BYTES``) and decoded from memory in the format its suffix names, never sniffed
    from its content: a ``.png`` that holds SVG is not handed to the SVG plugin. An SVG is
    first made safe (``engine.safe_svg``: no file, network or entity is ever read, and the work
    of drawing it is bounded), then drawn at most ``MAX_SVG_PIXELS`` on its longer side.
    """
    suffix = path.suffix.lower()
    try:
        if suffix == ".svg":
            return _draw_svg(read_safe_svg(path)), None
        data = read_regular_file(path, MAX_IMAGE_BYTES)
    except UnsafeSvg as exc:
        return QImage(), str(exc)
    except UnreadableFile as exc:
        return QImage(), (f"the file is larger than {MAX_IMAGE_BYTES // 1_048_576} MB" if exc.size is not None
                          else f"the file is {exc.reason}")
    except OSError as exc:
        return QImage(), f"the file cannot be read ({exc.strerror or exc})"
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer, _FORMATS.get(suffix, b""))
    reader.setAutoDetectImageFormat(False)
    reader.setAutoTransform(True)
    image = reader.read()
    return image, (None if not image.isNull() else "the file may be damaged")


def _draw_svg(data: bytes) -> QImage:
    renderer = QSvgRenderer(QByteArray(data))
    if not renderer.isValid():
        raise UnsafeSvg("the drawing could not be read (the file may be damaged)")
    size = renderer.defaultSize()
    longer = max(size.width(), size.height(), 1)
    scale = min(MAX_SVG_PIXELS, max(longer, MIN_SVG_PIXELS)) / longer
    width, height = max(1, round(size.width() * scale)), max(1, round(size.height() * scale))
    image = QImage(width, height, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, width, height))
    painter.end()
    return image


class ZoomableImage(QGraphicsView):
    def __init__(self, path: Path, parent: QWidget | None = None):
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        image, self.problem = read_picture(path)
        self.loaded = not image.isNull()
        self.item = QGraphicsPixmapItem(QPixmap.fromImage(image))
        self.item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self.scene().addItem(self.item)
        self.setSceneRect(QRectF(self.item.boundingRect()))
        self.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.zoom = 1.0
        self._fitted = False

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if not self._fitted:
            self.fit_for_reading()

    def fit(self) -> None:
        """The whole picture in the window."""
        self._fitted = True
        self.fitInView(self.item, Qt.AspectRatioMode.KeepAspectRatio)
        self.zoom = self.transform().m11()

    def fit_for_reading(self) -> None:
        """How a document first opens: a tall page (a CMR note, a printout) fills the width, top
        first, so its text is readable at once; anything else fits whole."""
        rect = self.item.boundingRect()
        viewport = self.viewport().size()
        if rect.width() <= 0 or viewport.width() <= 0 or \
                rect.height() / rect.width() <= 1.3 * viewport.height() / max(1, viewport.width()):
            self.fit()
            return
        self._fitted = True
        self.zoom = min(8.0, (viewport.width() - 4) / rect.width())
        self.resetTransform()
        self.scale(self.zoom, self.zoom)
        self.centerOn(rect.center().x(), rect.top())

    def zoom_by(self, factor: float) -> None:
        self.zoom = max(0.05, min(8.0, self.zoom * factor))
        self.resetTransform()
        self.scale(self.zoom, self.zoom)

    def wheelEvent(self, event) -> None:  # noqa: N802 - Qt override
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.zoom_by(1.15 if event.angleDelta().y() > 0 else 1 / 1.15)
            return
        super().wheelEvent(event)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt override
        key = event.key()
        if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom_by(1.25)
        elif key == Qt.Key.Key_Minus:
            self.zoom_by(0.8)
        elif key == Qt.Key.Key_0:
            self.fit()
        else:
            super().keyPressEvent(event)


class MediaViewer(QDialog):
    """One media item: its view, its description or transcript, and an 'open elsewhere' button."""

    def __init__(self, media, parent: QWidget | None = None):
        super().__init__(parent)
        self.media = media
        self.setWindowTitle(media.title)
        self.setAccessibleName(f"Viewer: {media.title}")
        place(self, (1100, 780))        # within the screen, so Close is never cut off
        self.image: ZoomableImage | None = None
        self.pdf_view = None
        self.player = None
        self.note: QLabel | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 16)
        layout.setSpacing(10)
        title = plain_label(media.title)
        title.setProperty("role", "heading")
        title.setWordWrap(True)
        layout.addWidget(title)
        path = media.resolved_path
        self.controls = QHBoxLayout()
        splitter = QSplitter(Qt.Orientation.Vertical)
        view = self._build_view(path)
        if view is not None:
            splitter.addWidget(view)
        self.description = SafeTextBrowser()
        self.description.setOpenLinks(False)
        self.description.setAccessibleName("Description" if media.kind != "audio" else "Transcript")
        text = media.transcript if media.kind == "audio" else (media.alt or media.transcript)
        heading = "Transcript" if media.kind == "audio" else "Description"
        self.description.setHtml(f"<h3>{heading}</h3>" + (markdown_to_html(text) if text else
                                                          "<p>No description was provided.</p>"))
        # the heading and at least four lines of the description show, however small the screen
        self.description.setMinimumHeight(self.description.fontMetrics().lineSpacing() * 7 + 16)
        splitter.addWidget(self.description)
        splitter.setChildrenCollapsible(False)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        layout.addLayout(self.controls)
        if self.note is not None:
            layout.addWidget(self.note)
        layout.addWidget(splitter, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.open_button = QPushButton("Open in another app")
        self.open_button.setAccessibleName("Open this file in the system viewer")
        self.open_button.setEnabled(path is not None)
        self.open_button.clicked.connect(self.open_externally)
        buttons.addButton(self.open_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        if view is not None:
            view.setFocus(Qt.FocusReason.OtherFocusReason)
        buttons.button(QDialogButtonBox.StandardButton.Close).setAccessibleName("Close the viewer")
        layout.addWidget(buttons)

    def _button(self, text: str, name: str, slot, shortcut: str | None = None) -> QPushButton:
        button = QPushButton(text)
        button.setAccessibleName(name)
        button.clicked.connect(slot)
        if shortcut:
            button.setToolTip(shortcut)
        self.controls.addWidget(button)
        return button

    def _set_note(self, text: str) -> None:
        self.note = plain_label(text)
        self.note.setWordWrap(True)
        self.note.setProperty("role", "muted")

    def _build_view(self, path: Path | None) -> QWidget | None:
        if path is None:
            self._set_note("\u26a0 The file for this item is missing; its description is below.")
            return None
        suffix = path.suffix.lower()
        if self.media.kind == "audio":
            return self._build_audio(path)
        if suffix in IMAGE_SUFFIXES:
            self.image = ZoomableImage(path)
            if not self.image.loaded:       # no empty view and no zoom buttons: the note and the description
                self._set_note(f"\u26a0 This picture was not shown: {self.image.problem}. "
                               "Its description is below.")
                return None
            self.image.setAccessibleName(f"{self.media.title} (picture; description below)")
            self._button("\u2212 Zoom out", "Zoom out", lambda: self.image.zoom_by(0.8), "-")
            self._button("+ Zoom in", "Zoom in", lambda: self.image.zoom_by(1.25), "+")
            self._button("Fit to window", "Fit the picture to the window", self.image.fit, "0")
            self.controls.addStretch(1)
            for key, factor in (("Ctrl+=", 1.25), ("Ctrl++", 1.25), ("Ctrl+-", 0.8)):
                QShortcut(QKeySequence(key), self, activated=lambda f=factor: self.image.zoom_by(f))
            return self.image
        if suffix == ".pdf" and pdf_available():
            from PySide6.QtPdf import QPdfDocument
            from PySide6.QtPdfWidgets import QPdfView
            self.pdf_document = QPdfDocument(self)
            self.pdf_document.load(str(path))
            self.pdf_view = QPdfView()
            self.pdf_view.setDocument(self.pdf_document)
            self.pdf_view.setPageMode(QPdfView.PageMode.MultiPage)
            self.pdf_view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
            self.pdf_view.setAccessibleName(f"{self.media.title} (PDF document)")
            self._button("\u2212 Zoom out", "Zoom out", lambda: self._pdf_zoom(0.8))
            self._button("+ Zoom in", "Zoom in", lambda: self._pdf_zoom(1.25))
            self.controls.addStretch(1)
            return self.pdf_view
        self._set_note("This document opens in another app: press \u201cOpen in another app\u201d.")
        return None

    def _pdf_zoom(self, factor: float) -> None:
        from PySide6.QtPdfWidgets import QPdfView
        self.pdf_view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.pdf_view.setZoomFactor(self.pdf_view.zoomFactor() * factor)

    def _build_audio(self, path: Path) -> QWidget | None:
        if not multimedia_available():
            self._set_note("\u26a0 Audio cannot be played on this computer (its sound libraries are missing). "
                           "Read the transcript below instead.")
            return None
        from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer
        self.player = QMediaPlayer(self)
        self.audio_output = QAudioOutput(self)
        self.player.setAudioOutput(self.audio_output)
        self.player.setSource(QUrl.fromLocalFile(str(path)))
        self.play_button = self._button("\u25b6 Play", "Play or pause the recording", self._toggle_play, "Space")
        self.controls.addStretch(1)
        return None

    @Slot()
    def _toggle_play(self) -> None:
        from PySide6.QtMultimedia import QMediaPlayer
        if self.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState:
            self.player.pause()
            self.play_button.setText("\u25b6 Play")
        else:
            self.player.play()
            self.play_button.setText("\u2016 Pause")

    @Slot()
    def open_externally(self) -> None:
        if self.media.resolved_path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.media.resolved_path)))

    def done(self, result: int) -> None:
        if self.player is not None:
            self.player.stop()
        super().done(result)

    @classmethod
    def show_media(cls, parent: QWidget | None, media) -> MediaViewer:
        """Open the viewer beside the incident (not modal: the clock and log stay visible)."""
        viewer = cls(media, parent)
        viewer.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        viewer.show()
        return viewer
