"""Scene titles carry no fixed time: the screens show the clock of the path taken instead."""

from __future__ import annotations

from hydra_sim import paths
from hydra_sim.engine import load_scenario
from hydra_sim.engine.text import strip_time_prefix

FLAGSHIP = paths.bundled_root() / "scenarios" / "brackenford-services.yaml"


def test_a_leading_time_is_dropped_from_titles():
    assert strip_time_prefix("04:31: Stopped on the hard shoulder") == "Stopped on the hard shoulder"
    assert strip_time_prefix("04:20 \u2013 Arrival") == "Arrival"
    assert strip_time_prefix("4:20. Arrival") == "Arrival"
    assert strip_time_prefix("Arrival at 04:20") == "Arrival at 04:20"     # a time inside is the author's words
    assert strip_time_prefix("04:20: ") == "04:20: "                       # never an empty title


def test_loaded_scenes_have_no_fixed_time_in_their_titles():
    raw = FLAGSHIP.read_text(encoding="utf-8")
    assert 'title: "04:31: Stopped on the hard shoulder"' in raw      # the file still writes one
    result = load_scenario(FLAGSHIP)
    assert result.ok
    titles = [scene.title for scene in result.scenario.scenes.values()]
    assert "Stopped on the hard shoulder" in titles
    assert all(strip_time_prefix(title) == title for title in titles)
