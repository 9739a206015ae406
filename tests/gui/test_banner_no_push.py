"""An update banner does not push the scene out of view at 1280x720 (issue 16, keyboard walkthrough).

An update arriving as a scene opens was shown above the scene column and took its height:
at 1280x720 the column then scrolled further to keep the first option in view, and the top
of the scene text (what the trainee must read first) went out of view. The banner now sits
over the incident log, where the update is also listed: the scene column keeps its height.
"""

from __future__ import annotations

from helpers import play_step, shoot
from PySide6.QtCore import QPoint, QRect
from test_screen_fit import _flagship_steps, assert_fits, flagship_at, settle


def test_a_banner_leaves_the_scene_column_its_height(qtbot, window, fake_time):
    screen = flagship_at(qtbot, window, "1280x720")
    settle()
    viewport = screen.scroll.viewport().height()       # before any update: no banner
    assert not screen.banner.isVisible()
    for step in _flagship_steps():
        play_step(qtbot, window, step, fake_time)
        settle()
        if screen.banner.isVisible():
            break
    assert screen.banner.isVisible(), "the flagship sends an update by radio"
    top_left = screen.banner.mapTo(window, QPoint(0, 0))
    assert window.rect().contains(QRect(top_left, screen.banner.size())), "the banner is on screen, whole"
    assert screen.scroll.viewport().height() >= viewport, "the banner takes no height from the scene column"
    card_top = screen.scene_card.mapTo(screen.scroll.viewport(), QPoint(0, 0)).y()
    focus = window.focusWidget()
    focus_top = focus.mapTo(screen.scroll.viewport(), QPoint(0, 0)).y()
    assert 0 <= focus_top and focus_top + focus.height() <= screen.scroll.viewport().height(), \
        "the first option is still in view"
    assert card_top + screen.scene_card.height() > 0, "some of the scene text is in view"
    assert_fits(window, "1280x720", "a scene with an update banner")
    shoot(window, "incident-banner-1280x720")
