"""Scenario text never makes Qt's rich-text engine read a file, follow a link or open a URL.

A copy of the mini scenario has every text field (titles, scene text, prompts, labels, names,
feedback, alt text, reference text) replaced by markup that would load a local image by an
absolute ``file:`` URL, by a relative ``../`` path and by CSS, link to ``javascript:`` and
``file:`` targets, and run a script. The scenario is played through every screen of the real
app; on each, no label or tooltip may be non-inert rich text and no label may hold an image,
and any attempt to open a URL or connect a socket fails the test.
"""

from __future__ import annotations

import re
import shutil
import socket

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QColor, QImage, QPainter, QTextDocument
from PySide6.QtWidgets import QApplication, QLabel, QTextBrowser

from hydra_sim import paths
from hydra_sim.engine.text import markdown_to_html
from hydra_sim.gui.safe_text import (
    SafeTextBrowser,
    SafeTextDocument,
    inert_html_problem,
    plain_tooltip,
    unsafe_rich_text,
)

REPO = paths.bundled_root()
FIXTURES = REPO / "tests" / "fixtures"
TEXT_KEYS = ("title", "text", "label", "prompt", "name", "summary", "alt", "feedback", "role", "situation")


def red_png(path, size=120):
    image = QImage(size, size, QImage.Format.Format_RGB32)
    image.fill(QColor("red"))
    assert image.save(str(path))
    return path


def red_pixels(document: QTextDocument) -> int:
    image = QImage(400, 400, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    document.drawContents(painter)
    painter.end()
    return sum(1 for x in range(0, 400, 5) for y in range(0, 400, 5)
               if image.pixelColor(x, y).red() > 200 and image.pixelColor(x, y).green() < 60)


def payload(secret_png) -> str:
    return (f"<img src='file://{secret_png}'><img src='../secret.png'><img src='{secret_png}'>"
            "<a href='javascript:alert(1)'>js</a><a href='file:///etc/passwd'>file</a>"
            "<script>alert(1)</script><link rel='stylesheet' href='file:///etc/passwd'>"
            "<p style='background-image:url(../secret.png)'>css</p>")


@pytest.fixture
def secret_png(tmp_path):
    return red_png(tmp_path / "secret.png")


# -- the mechanisms ----------------------------------------------------------------------------
def test_qt_labels_would_load_local_images_which_is_why_labels_only_get_plain_or_inert_text(qapp, secret_png):
    label = QLabel()
    label.setText(f"<img src='file://{secret_png}'>")          # QLabel's default format is AutoText
    assert label.sizeHint().height() >= 120                    # the file was read: the threat is real
    plain = QLabel()
    plain.setTextFormat(plain.textFormat().PlainText)
    plain.setText(f"<img src='file://{secret_png}'>")
    assert plain.sizeHint().height() < 60


@pytest.mark.parametrize("source", ["file://{png}", "{png}", "../secret.png", "secret.png"])
def test_safe_document_loads_no_image(qapp, secret_png, source, monkeypatch):
    monkeypatch.chdir(secret_png.parent)              # so a relative path would resolve to the secret
    document = SafeTextDocument()
    document.setHtml(f"<p>x</p><img src='{source.format(png=secret_png)}'>")
    assert red_pixels(document) == 0
    assert document.refused


def test_plain_qt_document_would_have_drawn_it(qapp, secret_png):
    document = QTextDocument()
    document.setHtml(f"<img src='file://{secret_png}'>")
    assert red_pixels(document) > 0                   # the control case: the check above can fail


def test_safe_document_refuses_style_sheets_and_css_urls(qapp, tmp_path):
    css = tmp_path / "evil.css"
    css.write_text("p { color: red }", encoding="utf-8")
    document = SafeTextDocument()
    document.setHtml(f"<html><head><link rel='stylesheet' href='file://{css}'></head>"
                     f"<body><p style='background-image:url(file://{css})'>x</p></body></html>")
    document.size()
    assert any("evil.css" in url for url in document.refused)


def test_safe_browser_shows_non_inert_html_as_text_and_follows_no_link(qapp, secret_png, monkeypatch):
    opened = []
    monkeypatch.setattr("PySide6.QtGui.QDesktopServices.openUrl", lambda url: opened.append(url) or True)
    browser = SafeTextBrowser()
    assert not browser.openLinks() and not browser.openExternalLinks() and browser.searchPaths() == []
    browser.setHtml(payload(secret_png))
    assert "<script>" in browser.toPlainText()                 # shown, not interpreted
    assert red_pixels(browser.document()) == 0
    browser.setSource(QUrl.fromLocalFile("/etc/passwd"))
    browser.setSource(QUrl("javascript:alert(1)"))
    assert "root:" not in browser.toPlainText() and browser.source().isEmpty()
    browser.anchorClicked.emit(QUrl("file:///etc/passwd"))
    assert opened == []


def test_plain_qt_browser_would_have_opened_the_file(qapp, tmp_path):
    target = tmp_path / "page.html"
    target.write_text("<p>SECRET-PAGE</p>", encoding="utf-8")
    browser = QTextBrowser()
    browser.setSource(QUrl.fromLocalFile(str(target)))
    assert "SECRET-PAGE" in browser.toPlainText()             # the control case


def test_markdown_renderer_output_is_always_inert(secret_png):
    hostile = payload(secret_png) + "\n\n- <img src=x>\n- **<b onclick=x>**\n\n> <iframe src=x>\n\n### <style>"
    html = markdown_to_html(hostile)
    assert inert_html_problem(html) is None
    assert "<img" not in html and "<script" not in html and "&lt;img" in html


@pytest.mark.parametrize("html, bad", [
    ("<img src=x>", True), ("<a href='javascript:x'>a</a>", True), ("<a href='#top'>a</a>", False),
    ("<p style='color:red'>a</p>", False), ("<p style='background:url(x)'>a</p>", True),
    ("<link rel=stylesheet href=x>", True), ("<object data=x>", True), ("<p onclick='x'>a</p>", True),
    ("<table cellpadding='4'><tr><td>a</td></tr></table>", False), ("&lt;img src=x&gt;", False),
])
def test_inert_check(html, bad):
    assert (inert_html_problem(html) is not None) is bad


def test_tooltips_show_markup_as_text():
    tip = plain_tooltip("<img src='file:///etc/passwd'>")
    assert inert_html_problem(tip) is None and "&lt;img" in tip
    assert plain_tooltip("just words") == "just words"


# -- the whole app on a hostile scenario --------------------------------------------------------
@pytest.fixture
def hostile(tmp_path, secret_png):
    folder = tmp_path / "shared"
    shutil.copytree(FIXTURES, folder)
    path = folder / "mini" / "mini.yaml"
    text = path.read_text(encoding="utf-8")
    bad = payload(secret_png).replace('"', "'")
    pattern = re.compile(r'(\b(?:' + "|".join(TEXT_KEYS) + r')): "([^"]*)"')
    text, count = pattern.subn(lambda m: f'{m.group(1)}: "{bad} {m.group(2)}"', text)
    assert count > 20
    text = text.replace('expectations: ["Life first."]', f'expectations: ["{bad}"]')
    path.write_text(text, encoding="utf-8")
    # M004 (markup in text) may be lowered by a project file, so lint is not the wall: the GUI is.
    (folder / "hydra-project.yaml").write_text("lint:\n  severity:\n    M004: 'off'\n", encoding="utf-8")
    from hydra_sim.engine import load_scenario
    result = load_scenario(path)
    assert result.ok, [str(p) for p in result.problems if p.severity == "error"]
    return path


@pytest.fixture
def no_network_no_urls(monkeypatch):
    def refuse_connect(self, address, *args):
        raise AssertionError(f"a network connection was attempted: {address}")
    monkeypatch.setattr(socket.socket, "connect", refuse_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse_connect)

    def refuse_open(url):
        raise AssertionError(f"a URL was opened: {url.toString()}")
    monkeypatch.setattr("PySide6.QtGui.QDesktopServices.openUrl", refuse_open)


@pytest.fixture
def app_window(qtbot, tmp_path, monkeypatch):
    from hydra_sim.gui import dialogs
    monkeypatch.setattr(dialogs.ConfirmQuitDialog, "ask", classmethod(lambda cls, parent: True))
    paths.set_home(tmp_path / "home")
    from hydra_sim.app import build_main_window
    win = build_main_window(show_error_windows=False, real_time=False, now=lambda: 1000.0, system_points=11)
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    yield win
    win.controller.suspend() if win.controller.running else None
    paths.set_home(None)


def label_images(root) -> list[str]:
    """Labels whose rendered document holds an image (what a loaded <img> becomes)."""
    found = []
    for label in root.findChildren(QLabel):
        for document in label.findChildren(QTextDocument):
            block = document.begin()
            while block.isValid():
                it = block.begin()
                while not it.atEnd():
                    if it.fragment().charFormat().isImageFormat():
                        found.append(label.text()[:80])
                    it += 1
                block = block.next()
    return found


def assert_screen_is_inert(*roots):
    QApplication.processEvents()
    for root in roots:
        assert unsafe_rich_text(root) == []
        assert label_images(root) == []
        for browser in root.findChildren(QTextBrowser):
            assert red_pixels(browser.document()) == 0
            assert isinstance(browser, SafeTextBrowser), f"{browser.objectName()} is a plain QTextBrowser"


def test_hostile_scenario_through_every_screen(qtbot, app_window, hostile, no_network_no_urls, monkeypatch):
    win = app_window
    monkeypatch.chdir(hostile.parent)        # so relative image paths would find ../secret.png
    assert win.open_scenario_file(hostile)
    assert_screen_is_inert(win)                                          # briefing
    qtbot.mouseClick(win.briefing_screen.start_button, qtbot_left())
    screen = win.incident_screen
    assert_screen_is_inert(win)                                          # first scene
    controller = win.controller
    controller.open_reference("card")
    for button in list(screen.media_buttons.values()):
        qtbot.mouseClick(button, qtbot_left())
    viewers = list(screen.viewers)
    assert viewers
    assert_screen_is_inert(win, *viewers)
    for viewer in viewers:
        viewer.close()
    controller.choose("ambulance", "<img src='../secret.png'> because")
    assert_screen_is_inert(win)
    controller.choose(["doors", "bwv"])
    controller.choose(["medical", "lorry", "forms"])
    controller.choose({"threat_risk": "<script>x</script>"})
    assert_screen_is_inert(win)
    controller.choose("arrest", "<a href='file:///etc/passwd'>he controls the vehicle</a>")
    if controller.running and controller.decision is None:
        controller.continue_()
    qtbot.waitUntil(lambda: win.stack.currentWidget() is win.debrief_screen, timeout=5000)
    assert_screen_is_inert(win)                                          # debrief

    from hydra_sim.gui.review.window import open_review_window
    review = open_review_window(win.store, points=11.0)
    qtbot.addWidget(review)
    review.show()
    sessions = win.store.sessions()
    assert sessions
    review.select_sessions([sessions[0].session_id])
    qtbot.waitUntil(lambda: review.timeline_tree.topLevelItemCount() > 0, timeout=5000)
    assert_screen_is_inert(review)
    header = review.detail_header       # bold names, and the hostile title only as escaped text
    assert header.textFormat() == Qt.TextFormat.RichText and header.text().startswith("<b>")
    assert "&lt;" in header.text() and "<img" not in header.text()


def qtbot_left():
    from PySide6.QtCore import Qt
    return Qt.MouseButton.LeftButton
