"""Windows open within the screen: the geometry helper on fake screens, and every window's real
preferred and minimum sizes against 1280x720, 1366x768 and 1920x1080 (issue 16)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, QSettings, QSize
from PySide6.QtWidgets import QWidget

from hydra_sim.gui.window_geometry import MARGIN_HEIGHT, MARGIN_WIDTH, fitted_rect, place, usable_area

# available areas: the screen less a task bar (32 px at the bottom, as on a Windows laptop)
SCREENS = {"1280x720": QRect(0, 0, 1280, 688), "1366x768": QRect(0, 0, 1366, 736),
           "1920x1080": QRect(0, 0, 1920, 1048)}


@pytest.mark.parametrize("name", SCREENS)
@pytest.mark.parametrize("preferred", [(1440, 900), (1500, 950), (1100, 780), (1000, 700)])
def test_fitted_rect_lies_inside_the_screen_with_room_for_the_frame(name, preferred):
    area = SCREENS[name]
    rect = fitted_rect(QSize(*preferred), area)
    assert area.contains(rect)
    assert rect.width() <= area.width() - MARGIN_WIDTH and rect.height() <= area.height() - MARGIN_HEIGHT
    assert rect.top() - area.top() >= MARGIN_HEIGHT // 2              # the title bar is on screen too
    assert rect.width() == min(preferred[0], area.width() - MARGIN_WIDTH)   # as large as allowed
    assert abs(rect.center().x() - area.center().x()) <= 1             # centred


def test_a_small_window_keeps_its_preferred_size_on_a_big_screen():
    rect = fitted_rect(QSize(1100, 780), SCREENS["1920x1080"])
    assert rect.size() == QSize(1100, 780)


def test_a_second_screen_to_the_right_is_used_as_given():
    area = QRect(1920, 0, 1366, 736)
    rect = fitted_rect(QSize(1440, 900), area)
    assert area.contains(rect) and rect.left() >= 1920


def test_saved_geometry_is_restored_only_when_it_still_fits():
    saved = QRect(100, 80, 1200, 620)
    assert fitted_rect(QSize(1440, 900), SCREENS["1366x768"], saved) == saved
    # the same window after moving to a 1280x720 screen: off the right edge, so the fallback
    fallback = fitted_rect(QSize(1440, 900), SCREENS["1280x720"], QRect(200, 80, 1200, 620))
    assert fallback != QRect(200, 80, 1200, 620) and SCREENS["1280x720"].contains(fallback)
    # saved on a big monitor that is gone: too large for the laptop
    assert fitted_rect(QSize(1440, 900), SCREENS["1366x768"], QRect(0, 40, 1800, 1000)).width() <= 1366


def test_place_remembers_the_last_geometry_when_hidden(qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    area = SCREENS["1920x1080"]
    window = QWidget()
    qtbot.addWidget(window)
    first = place(window, (1440, 900), "probe", settings, available=area)
    assert window.geometry() == first
    window.show()
    window.setGeometry(QRect(150, 90, 1000, 700))
    window.hide()                                           # the keeper writes on hide
    assert settings.value("window/probe") == "150,90,1000,700"
    again = QWidget()
    qtbot.addWidget(again)
    assert place(again, (1440, 900), "probe", settings, available=area) == QRect(150, 90, 1000, 700)
    # nonsense in settings.ini is ignored, never fatal
    settings.setValue("window/probe", "wide")
    third = QWidget()
    qtbot.addWidget(third)
    assert place(third, (1440, 900), "probe", settings, available=area) == fitted_rect(QSize(1440, 900), area)


def test_place_caps_a_minimum_size_larger_than_the_screen(qtbot):
    window = QWidget()
    qtbot.addWidget(window)
    window.setMinimumSize(1600, 1000)
    place(window, (1440, 900), available=SCREENS["1280x720"])
    room = usable_area(SCREENS["1280x720"])
    assert window.minimumWidth() <= room.width() and window.minimumHeight() <= room.height()
