"""Rich text that can never reach outside the app: an inert-HTML check, and text views that load nothing.

Scenario files are shared between forces, so their text is untrusted. Qt's rich-text engine
will, if given the chance, read local files: ``<img src="file:///...">`` or a relative
``<img src="../x.png">`` in a QLabel, QTextDocument or QTextBrowser is loaded through
``QTextDocument.loadResource`` (QLabel resolves relative paths against the current folder),
``<link rel=stylesheet href=...>`` and CSS ``url(...)`` are fetched the same way, and a
QTextBrowser follows clicked links to files. Scenario text only ever reaches the screen as
``engine.text.markdown_to_html`` output (everything escaped, our own few tags) or as plain
text; this module is the second wall:

- ``inert_html_problem`` says why a piece of HTML is not inert (an element or attribute that
  could load, link or script), or None;
- ``SafeTextBrowser`` and ``SafeTextDocument`` refuse every resource request (and record it in
  ``refused``), never follow or open links, and show non-inert HTML as escaped text;
- ``plain_label`` and ``plain_tooltip`` put untrusted text on a QLabel or a tooltip as text;
- ``unsafe_rich_text`` walks a widget tree and lists every label or tooltip that Qt would
  render as rich text and that is not inert (the security tests run it on every screen).

Must not import the engine, the records package or any screen.
"""

from __future__ import annotations

import html
import logging
from html.parser import HTMLParser

from PySide6 import QtGui
from PySide6.QtCore import QByteArray, Qt, QUrl
from PySide6.QtGui import QImage, QTextDocument
from PySide6.QtWidgets import QLabel, QTextBrowser, QWidget

log = logging.getLogger(__name__)

# Tags our own HTML uses; none of them loads anything.
ALLOWED_TAGS = frozenset({
    "html", "body", "qt", "p", "br", "b", "i", "u", "em", "strong", "small", "sub", "sup", "code", "pre",
    "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "hr", "span", "div",
    "table", "thead", "tbody", "tr", "td", "th", "caption", "a",
})
ALLOWED_ATTRIBUTES = frozenset({"style", "align", "valign", "colspan", "rowspan", "cellpadding", "cellspacing",
                                "border", "width", "class", "name", "id", "href"})
# CSS that can fetch: url(...), @import, and Qt's image properties.
_CSS_LOADERS = ("url(", "@import", "image", "expression", "\\")


class _InertCheck(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problem: str | None = None

    def handle_starttag(self, tag, attrs):
        self._check(tag, attrs)

    def handle_startendtag(self, tag, attrs):
        self._check(tag, attrs)

    def _check(self, tag, attrs):
        if self.problem:
            return
        if tag not in ALLOWED_TAGS:
            self.problem = f"<{tag}> is not allowed"
            return
        for name, value in attrs:
            value = (value or "").strip().lower()
            if name not in ALLOWED_ATTRIBUTES:
                self.problem = f"the attribute {name}= on <{tag}> is not allowed"
            elif name == "href" and not value.startswith("#"):
                self.problem = f"a link to '{value}' is not allowed (only #anchors inside the page)"
            elif name == "style" and any(word in value for word in _CSS_LOADERS):
                self.problem = f"the style '{value}' could load a resource"
            if self.problem:
                return

    def handle_decl(self, decl):
        if not decl.lower().startswith("doctype"):
            self.problem = self.problem or f"<!{decl}> is not allowed"

    def handle_pi(self, data):
        self.problem = self.problem or "processing instructions are not allowed"

    def unknown_decl(self, data):
        self.problem = self.problem or f"<![{data}> is not allowed"


def inert_html_problem(text: str) -> str | None:
    """Why this HTML could load, link or run something; None when it is inert."""
    checker = _InertCheck()
    checker.feed(text or "")
    checker.close()
    return checker.problem


def inert(text: str) -> str:
    """``text`` if it is inert HTML, else the same characters escaped (shown, never interpreted)."""
    problem = inert_html_problem(text)
    if problem:
        log.warning("showing HTML as text: %s", problem)
        return escaped(text)
    return text


def escaped(text: str) -> str:
    """Untrusted text as inert rich text that shows exactly the characters written."""
    return "<p style='white-space:pre-wrap'>" + html.escape(text or "", quote=True) + "</p>"


def _refuse(owner, resource_type: int, url: QUrl):
    """Record the request and answer with nothing to show.

    For images the answer must be a real (blank) image: when loadResource returns nothing,
    Qt's image handler falls back to reading the file itself (checked with Qt 6.11).
    """
    owner.refused.append(url.toString())
    log.info("refused to load %s (rich text in hydra_sim loads no resources)", url.toString())
    if resource_type == QTextDocument.ResourceType.ImageResource.value:
        blank = QImage(1, 1, QImage.Format.Format_ARGB32)
        blank.fill(0)
        return blank
    return QByteArray()


class SafeTextDocument(QTextDocument):
    """A QTextDocument that loads no images, style sheets or other resources (used to print reports)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.refused: list[str] = []

    def loadResource(self, resource_type: int, url: QUrl):  # noqa: N802 (Qt's name)
        return _refuse(self, resource_type, url)


class SafeTextBrowser(QTextBrowser):
    """A read-only rich-text view for scenario text: loads no resources and never follows links."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.refused: list[str] = []
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setSearchPaths([])

    def loadResource(self, resource_type: int, url: QUrl):  # noqa: N802 (Qt's name)
        return _refuse(self, resource_type, url)

    def doSetSource(self, url: QUrl, resource_type=None):  # noqa: N802 (Qt's name)
        # Reached by a clicked link, backward() or setSource(): never load another page.
        log.warning("refused to open %s in a text view", url.toString())

    def setHtml(self, text: str) -> None:  # noqa: N802 (Qt's name)
        super().setHtml(inert(text))


def plain_label(text: str = "", parent: QWidget | None = None) -> QLabel:
    """A QLabel that shows untrusted text as text (QLabel's default, AutoText, would render tags)."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    return label


def plain_tooltip(text: str) -> str:
    """Tooltip text that Qt shows as written (tooltips render rich text when it looks like HTML)."""
    return escaped(text) if QtGui.Qt.mightBeRichText(text or "") else (text or "")


def _is_rich(text: str, text_format) -> bool:
    if text_format == Qt.TextFormat.PlainText:
        return False
    if text_format in (Qt.TextFormat.RichText, Qt.TextFormat.MarkdownText):
        return True
    return QtGui.Qt.mightBeRichText(text)


def unsafe_rich_text(root: QWidget) -> list[str]:
    """Every label, tooltip or item tooltip under ``root`` that Qt would render as non-inert rich text."""
    found: list[str] = []

    def check(where: str, text: str, text_format=Qt.TextFormat.AutoText) -> None:
        if text and _is_rich(text, text_format):
            problem = inert_html_problem(text)
            if problem:
                found.append(f"{where}: {problem}: {text[:120]!r}")

    widgets = [root] + root.findChildren(QWidget)
    for widget in widgets:
        name = f"{type(widget).__name__}({widget.objectName() or hex(id(widget))})"
        if isinstance(widget, QLabel):
            check(name, widget.text(), widget.textFormat())
        check(f"{name} tooltip", widget.toolTip())
        for item in _items(widget):
            for column in range(max(1, item.columnCount() if hasattr(item, "columnCount") else 1)):
                tip = item.toolTip(column) if hasattr(item, "columnCount") else item.toolTip()
                check(f"{name} item tooltip", tip)
    return found


def _items(widget: QWidget):
    from PySide6.QtWidgets import QListWidget, QTableWidget, QTreeWidget, QTreeWidgetItemIterator

    if isinstance(widget, QListWidget):
        return [widget.item(i) for i in range(widget.count())]
    if isinstance(widget, QTableWidget):
        return [widget.item(r, c) for r in range(widget.rowCount()) for c in range(widget.columnCount())
                if widget.item(r, c) is not None]
    if isinstance(widget, QTreeWidget):
        items, iterator = [], QTreeWidgetItemIterator(widget)
        while iterator.value():
            items.append(iterator.value())
            iterator += 1
        return items
    return []
