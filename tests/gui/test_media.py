"""Audio media: the transcript is always shown; without QtMultimedia a clear note says so,
with it a play button is offered. Uses a copy of the mini scenario with a tiny WAV."""

from __future__ import annotations

import shutil
import wave

import shiboken6
from helpers import REPO, click, shoot

from hydra_sim.gui.media_viewer import multimedia_available

TRANSCRIPT = "Caller: there is banging from the back of the lorry."


def _scenario_with_audio(tmp_path):
    fixtures = tmp_path / "fixtures"
    shutil.copytree(REPO / "tests" / "fixtures", fixtures)
    with wave.open(str(fixtures / "assets" / "mini" / "call.wav"), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(8000)
        wav.writeframes(b"\x00\x00" * 800)          # a tenth of a second of silence
    path = fixtures / "mini" / "mini.yaml"
    text = path.read_text(encoding="utf-8")
    media = ('media:\n  call_audio:\n    kind: audio\n    title: "The 999 call"\n    file: mini/call.wav\n'
             f'    transcript: "{TRANSCRIPT}"\n')
    assert "media:\n" in text and "    media: [note]\n" in text
    text = text.replace("media:\n", media, 1).replace("    media: [note]\n", "    media: [note, call_audio]\n", 1)
    path.write_text(text, encoding="utf-8")
    return path


def test_audio_shows_transcript_and_playback_state(qtbot, window, tmp_path):
    assert window.open_scenario_file(_scenario_with_audio(tmp_path))
    click(qtbot, window.briefing_screen.start_button)
    screen = window.incident_screen
    button = screen.media_buttons["call_audio"]
    assert "Listen" in button.text()
    click(qtbot, button)
    viewer = screen.viewers[-1]
    assert shiboken6.isValid(viewer) and viewer.isVisible()
    assert TRANSCRIPT in viewer.description.toPlainText()
    if multimedia_available():
        assert viewer.play_button.isVisible()
    else:
        assert viewer.note is not None
        assert "cannot be played" in viewer.note.text()
        assert "transcript" in viewer.note.text()
    shoot(viewer, "media-audio")
    viewer.close()


def _viewer_for(qtbot, tmp_path, width: int, height: int):
    from PySide6.QtGui import QColor, QImage

    from hydra_sim.gui.media_viewer import ZoomableImage
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    path = tmp_path / f"page-{width}x{height}.png"
    assert image.save(str(path))
    view = ZoomableImage(path)
    qtbot.addWidget(view)
    view.resize(1000, 700)
    view.show()
    qtbot.waitExposed(view)
    return view


def test_a_tall_document_opens_at_full_width_from_the_top(qtbot, tmp_path):
    view = _viewer_for(qtbot, tmp_path, 800, 2400)          # an A4-like printout, three times as tall
    assert abs(view.zoom * 800 - (view.viewport().width() - 4)) < 2     # the page fills the width
    assert view.verticalScrollBar().value() == view.verticalScrollBar().minimum()    # its top is shown
    view.fit()                                               # "Fit to window" (key 0) shows it whole
    assert view.zoom * 2400 <= view.viewport().height() + 1


def test_a_wide_picture_opens_whole(qtbot, tmp_path):
    view = _viewer_for(qtbot, tmp_path, 1600, 900)
    assert view.zoom * 1600 <= view.viewport().width() + 1 and view.zoom * 900 <= view.viewport().height() + 1
