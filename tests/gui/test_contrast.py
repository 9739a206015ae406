"""Measured colour contrast (WCAG 2.x) of every text/background pair, in both themes.

The pairs come from the theme (theme.text_pairs), which is where every colour the GUI paints
lives: a source scan proves no screen hard-codes one, and the debrief shows that rich text
coloured for one theme is coloured again when the theme is switched."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import MINI, click, shoot

from hydra_sim.gui import theme

AA = 4.5
GUI = Path(theme.__file__).resolve().parent


def _linear(channel: int) -> float:
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    h = colour.lstrip("#")
    r, g, b = (_linear(int(h[i:i + 2], 16)) for i in (0, 2, 4))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_formula_matches_known_values():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#1e7b46", "#000000") == pytest.approx(3.98, abs=0.01)    # the 4.0:1


@pytest.mark.parametrize("high_contrast", [False, True], ids=["light", "high-contrast"])
def test_every_text_pair_meets_aa(high_contrast):
    pairs = theme.text_pairs(high_contrast)
    assert len(pairs) > 20
    low = [(what, fg, bg, round(contrast(fg, bg), 2)) for what, fg, bg in pairs if contrast(fg, bg) < AA]
    assert low == []


@pytest.mark.parametrize("high_contrast", [False, True], ids=["light", "high-contrast"])
def test_status_words_meet_aa_on_their_theme(high_contrast):
    p = theme.palette(high_contrast)
    for status in ("on_time", "late", "missed", "contravened", "not_reached", "not_applicable"):
        colour = theme.status_colour(status, high_contrast)
        for background in (p.surface, p.window):
            assert contrast(colour, background) >= AA, (status, colour, background)


def test_no_screen_hard_codes_a_colour():
    hexes = re.compile(r"#[0-9a-fA-F]{6}\b|QColor\(\s*\d")
    found = []
    for path in GUI.rglob("*.py"):
        if path.name == "theme.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if hexes.search(line):
                found.append(f"{path.relative_to(GUI)}:{number}: {line.strip()}")
    assert found == []


def test_the_debrief_recolours_when_the_theme_changes(qtbot, window):
    assert window.open_scenario_file(MINI)
    click(qtbot, window.briefing_screen.start_button)
    controller = window.controller
    controller.choose("ambulance")
    controller.choose(["doors", "bwv"])
    controller.choose(window.incident_screen.panel.order())
    controller.choose({"threat_risk": "Twelve people in a sealed trailer, at risk of suffocating."})
    controller.choose("arrest", "He may be the organiser.")
    window.incident_screen.decide_now()
    assert window.stack.currentWidget() is window.debrief_screen
    view = window.debrief_screen.actions_view
    assert theme.LIGHT.good in view.toHtml()
    try:
        window.set_high_contrast(True)
        html = view.toHtml()
        assert theme.HIGH_CONTRAST.good.lower() in html.lower() and theme.LIGHT.good not in html
        assert theme.current() is theme.HIGH_CONTRAST
        assert theme.map_colours().background == theme.HIGH_CONTRAST.window
        shoot(window, "debrief-high-contrast")
    finally:
        window.set_high_contrast(False)
    assert theme.LIGHT.good in view.toHtml()
