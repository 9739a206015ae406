"""Bundled content is found in a checkout and in an installed package; user data stays under home."""

from pathlib import Path

from hydra_sim import paths


def test_checkout_layout_finds_repo_folders():
    assert (paths.bundled_scenarios_dir() / "nrp-core.catalogue.yaml").is_file()
    assert (paths.bundled_assets_dir() / "brackenford-services").is_dir()


def test_installed_layout_is_preferred(tmp_path, monkeypatch):
    package = tmp_path / "hydra_sim"
    (package / "_bundled" / "scenarios").mkdir(parents=True)
    monkeypatch.setattr(paths, "_PACKAGE_DIR", package)
    assert paths.bundled_scenarios_dir() == package / "_bundled" / "scenarios"
    assert paths.bundled_assets_dir() == package / "_bundled" / "assets"


def test_home_override_and_environment(tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "_home_override", None)
    monkeypatch.setenv("HYDRA_SIM_HOME", str(tmp_path / "env-home"))
    assert paths.home_dir() == (tmp_path / "env-home").resolve()
    paths.set_home(tmp_path / "flag-home")
    try:
        assert paths.home_dir() == (tmp_path / "flag-home").resolve()
        assert paths.user_scenarios_dir() == (tmp_path / "flag-home" / "scenarios").resolve()
    finally:
        paths.set_home(None)
    monkeypatch.delenv("HYDRA_SIM_HOME")
    assert isinstance(paths.home_dir(), Path) and "hydra_sim" in str(paths.home_dir())
