"""Shared helpers for engine tests: paths to fixtures and a small scenario writer."""

from __future__ import annotations

import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures"
MINI = FIXTURES / "mini" / "mini.yaml"
FLAGSHIP = REPO / "scenarios" / "brackenford-services.yaml"


def copy_mini(tmp_path: Path) -> Path:
    """A private copy of the mini fixture tree (scenario, catalogue, assets) to mutate."""
    shutil.copytree(FIXTURES, tmp_path / "fixtures")
    return tmp_path / "fixtures" / "mini" / "mini.yaml"


def write_variant(tmp_path: Path, replace: list[tuple[str, str]]) -> Path:
    """Copy the mini scenario and apply text replacements (each must match)."""
    path = copy_mini(tmp_path)
    text = path.read_text(encoding="utf-8")
    for old, new in replace:
        assert old in text, f"fixture text not found: {old!r}"
        text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    return path


def codes(problems) -> set[str]:
    return {p.code for p in problems}
