"""Where hydra_sim finds bundled content and keeps user data: one door for all paths.

Bundled scenarios and assets live beside the package in a source checkout (``scenarios/``
and ``assets/`` at the repository root) and inside it once installed
(``hydra_sim/_bundled/``). User data goes under the platform's data folder, or under
``--home`` / ``HYDRA_SIM_HOME`` when given, and nowhere else. Must not import Qt.
"""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent
_home_override: Path | None = None


def bundled_root() -> Path:
    installed = _PACKAGE_DIR / "_bundled"
    if (installed / "scenarios").is_dir():
        return installed
    return _PACKAGE_DIR.parent


def bundled_scenarios_dir() -> Path:
    return bundled_root() / "scenarios"


def bundled_assets_dir() -> Path:
    return bundled_root() / "assets"


def set_home(path: str | os.PathLike | None) -> None:
    """Keep every file the app writes under ``path`` (tests and classroom installs use this)."""
    global _home_override
    _home_override = Path(path).expanduser().resolve() if path else None


def home_dir() -> Path:
    if _home_override is not None:
        return _home_override
    env = os.environ.get("HYDRA_SIM_HOME")
    if env:
        return Path(env).expanduser().resolve()
    import platformdirs
    return Path(platformdirs.user_data_dir("hydra_sim", appauthor=False))


def user_scenarios_dir() -> Path:
    return home_dir() / "scenarios"


def cache_dir() -> Path:
    """Files the app can always rebuild (safe to delete): the library index."""
    return home_dir() / "cache"


def library_index_file() -> Path:
    """The start screen's index of the scenario library (engine/library_index.py)."""
    return cache_dir() / "library-index.json"
