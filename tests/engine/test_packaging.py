"""The wheel contains every package folder and the bundled data (pyproject lists them explicitly)."""

import tomllib

from engine_helpers import REPO


def test_every_package_folder_is_listed_in_pyproject():
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    on_disk = {".".join(p.parent.relative_to(REPO).parts) for p in (REPO / "hydra_sim").rglob("__init__.py")}
    assert on_disk - listed == set(), "add these to [tool.setuptools] packages in pyproject.toml"


def test_bundled_data_is_mapped_into_the_package():
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    mapping = config["tool"]["setuptools"]["package-dir"]
    assert mapping["hydra_sim._bundled.scenarios"] == "scenarios"
    assert mapping["hydra_sim._bundled.assets"] == "assets"
    data = config["tool"]["setuptools"]["package-data"]
    assets = {p.suffix for p in (REPO / "assets").rglob("*") if p.is_file()}
    patterns = {pattern.rsplit(".", 1)[-1] for pattern in data["hydra_sim._bundled.assets"]}
    assert {suffix.lstrip(".") for suffix in assets} <= patterns
