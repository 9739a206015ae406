"""The media viewer never makes Qt read a file other than the media file itself (issue 18,
item 3). Qt SVG reads what an ``<image href>`` names and draws every ``<use>`` copy, and Qt's
image reader picks its decoder from the content; the viewer reads the file itself (a regular
file only), makes an SVG safe first (``engine.safe_svg``) and decodes pictures in the format
their suffix names. Each case is looked at through the real ``MediaViewer``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hostile_files import SVG, FifoWatch, nested_use_bomb
from PySide6.QtGui import QColor, QImage

from hydra_sim.engine.model import Location, Media
from hydra_sim.gui.media_viewer import MediaViewer


def red_png(path: Path) -> Path:
    image = QImage(40, 40, QImage.Format.Format_RGB32)
    image.fill(QColor("red"))
    assert image.save(str(path))
    return path


def red_pixels(image: QImage) -> int:
    step = max(1, min(image.width(), image.height()) // 40)
    return sum(image.pixelColor(x, y).red() > 200 and image.pixelColor(x, y).green() < 80
               for x in range(0, image.width(), step) for y in range(0, image.height(), step))


def open_viewer(qtbot, path: Path, kind: str = "image") -> MediaViewer:
    media = Media("drawing", kind, "A drawing", path.name, Location("s.yaml", 1, 1),
                  alt="A plan of the lay-by.", resolved_path=path)
    viewer = MediaViewer(media)
    qtbot.addWidget(viewer)
    return viewer


@pytest.fixture
def folders(tmp_path):
    """A scenario folder, and a secret red picture outside it."""
    (tmp_path / "scenario").mkdir()
    (tmp_path / "secret").mkdir()
    red_png(tmp_path / "secret" / "red.png")
    return tmp_path / "scenario", tmp_path / "secret" / "red.png"


def test_qt_svg_itself_reads_an_image_href(folders, qtbot):
    """The control case: without the viewer's defences, Qt shows the file outside the folder."""
    from PySide6.QtGui import QImageReader
    scenario, secret = folders
    path = scenario / "plan.svg"
    path.write_text(SVG.format(f'<image width="100" height="100" xlink:href="{secret}"/>'), encoding="utf-8")
    assert red_pixels(QImageReader(str(path)).read()) > 0


@pytest.mark.parametrize("href", ["{secret}", "../secret/red.png", "file://{secret}"])
def test_an_svg_image_href_outside_the_folder_is_not_read(folders, qtbot, href):
    scenario, secret = folders
    path = scenario / "plan.svg"
    body = ('<rect width="100" height="100" fill="white"/>'
            f'<image width="100" height="100" xlink:href="{href.format(secret=secret)}"/>'
            '<rect x="0" y="0" width="20" height="20" fill="blue"/>')
    path.write_text(SVG.format(body), encoding="utf-8")
    viewer = open_viewer(qtbot, path)
    picture = viewer.image.item.pixmap().toImage()
    assert viewer.image.loaded and not picture.isNull() and red_pixels(picture) == 0
    assert picture.pixelColor(2, 2) == QColor("blue")          # the rest of the drawing is shown


def test_an_svg_href_to_a_fifo_never_opens_it(folders, qtbot):
    scenario, _secret = folders
    watch = FifoWatch(scenario / "pipe.png")
    path = scenario / "plan.svg"
    path.write_text(SVG.format('<image width="100" height="100" xlink:href="pipe.png"/>'), encoding="utf-8")
    viewer = open_viewer(qtbot, path)
    assert not watch.close()
    assert viewer.image.loaded


def test_nested_use_copies_are_refused_with_a_message_not_a_frozen_window(folders, qtbot):
    scenario, _secret = folders
    path = scenario / "bomb.svg"
    path.write_text(nested_use_bomb(7), encoding="utf-8")       # 10 million rectangles
    viewer = open_viewer(qtbot, path)
    assert not viewer.image.loaded
    assert "would draw more than 100,000 elements" in viewer.note.text()
    assert "Its description is below" in viewer.note.text()
    assert "lay-by" in viewer.description.toPlainText()


def test_a_media_file_swapped_for_a_fifo_is_not_opened(folders, qtbot):
    scenario, _secret = folders
    for name in ("late.png", "late.svg"):
        watch = FifoWatch(scenario / name)
        viewer = open_viewer(qtbot, scenario / name)
        assert not watch.close()
        assert not viewer.image.loaded and "not a regular file" in viewer.note.text()


def test_a_png_holding_svg_is_not_handed_to_the_svg_reader(folders, qtbot):
    scenario, secret = folders
    path = scenario / "note.png"
    path.write_text(SVG.format(f'<image width="100" height="100" xlink:href="{secret}"/>'), encoding="utf-8")
    viewer = open_viewer(qtbot, path)
    assert not viewer.image.loaded and "damaged" in viewer.note.text()


def test_an_ordinary_svg_and_png_are_shown(folders, qtbot, tmp_path):
    scenario, _secret = folders
    svg = scenario / "plan.svg"
    svg.write_text(SVG.format('<rect width="100" height="100" fill="red"/>'), encoding="utf-8")
    viewer = open_viewer(qtbot, svg)
    picture = viewer.image.item.pixmap().toImage()
    assert viewer.image.loaded and viewer.note is None and picture.width() >= 1600 and red_pixels(picture) > 0
    png = open_viewer(qtbot, red_png(scenario / "photo.png"))
    assert png.image.loaded and png.image.item.pixmap().width() == 40
