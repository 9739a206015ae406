"""The package's layers, enforced by reading every module's imports with ``ast``.

From the top: cli -> app -> gui -> exercise -> records -> engine -> base. A module may import
its own layer and any layer below it, never one above. Imports inside functions count too:
a lazy import is still a dependency (it only moves the cost), and an upward one is the kind
of cycle issue 14 found between ``app.py`` and the facilitator console. ``base`` is the
package's few leaf helpers (version, paths, logging set-up, terminal escaping, lazy names) that every
layer may use. Below ``gui`` nothing imports Qt (tests/engine/test_architecture.py also proves
it for the engine and records by importing them).

A new top-level module must be placed in ``LAYERS`` here, or the test fails and asks.
"""

import ast

from engine_helpers import REPO

PACKAGE = REPO / "hydra_sim"
# highest first; a module's layer is the first entry its dotted name equals or starts with
LAYERS = [
    ("cli", ["hydra_sim.cli", "hydra_sim.__main__", "hydra_sim.console", "hydra_sim.trainer_cli"]),
    ("app", ["hydra_sim.app"]),
    ("gui", ["hydra_sim.gui"]),
    ("exercise", ["hydra_sim.exercise"]),
    ("records", ["hydra_sim.records"]),
    ("engine", ["hydra_sim.engine"]),
    ("base", ["hydra_sim.paths", "hydra_sim.logs", "hydra_sim.terminal", "hydra_sim.lazy", "hydra_sim"]),
]
QT = ("PySide6", "shiboken6")


def layer_of(module: str) -> int | None:
    for rank, (_name, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if module == prefix or (prefix != "hydra_sim" and module.startswith(prefix + ".")):
                return rank
    return None


def module_name(path) -> tuple[str, list[str]]:
    """The dotted name of a file, and the package its relative imports start from."""
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
        return ".".join(parts), parts
    return ".".join(parts), parts[:-1]


def imports_of(path):
    """(line, imported module) for every import in the file, at any depth (functions included)."""
    return imports_in(path.read_text(encoding="utf-8"), module_name(path)[1])


def imports_in(source: str, package: list[str]):
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                yield node.lineno, node.module
                continue
            base = package[:len(package) - node.level + 1]
            if node.module:
                yield node.lineno, ".".join(base + [node.module])
            else:                                   # from . import paths: each name may be a module
                for alias in node.names:
                    yield node.lineno, ".".join(base + [alias.name])


def _modules():
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def test_every_module_has_a_layer():
    unplaced = [module_name(p)[0] for p in _modules() if layer_of(module_name(p)[0]) is None]
    assert unplaced == [], "place these modules in LAYERS (tests/engine/test_layering.py)"


def test_no_module_imports_a_layer_above_its_own():
    upward = []
    for path in _modules():
        name = module_name(path)[0]
        own = layer_of(name)
        for line, target in imports_of(path):
            if not target.startswith("hydra_sim"):
                continue
            other = layer_of(target)
            if other is not None and other < own:
                upward.append(f"{path.relative_to(REPO)}:{line}: {name} ({LAYERS[own][0]}) imports "
                              f"{target} ({LAYERS[other][0]})")
    assert upward == []


def test_nothing_below_the_gui_imports_qt():
    gui = layer_of("hydra_sim.gui")
    found = [f"{path.relative_to(REPO)}:{line}: {target}" for path in _modules()
             if layer_of(module_name(path)[0]) > gui
             for line, target in imports_of(path) if target.split(".")[0] in QT]
    assert found == []


def test_the_walker_sees_an_upward_lazy_import():
    """The check itself can fail: a function-level relative import upward is found and placed."""
    name, package = module_name(PACKAGE / "gui" / "exercise" / "console.py")
    source = "import json\n\ndef run():\n    from ...app import build_main_window\n    from .. import theme\n"
    targets = [target for _line, target in imports_in(source, package)]
    assert targets == ["json", "hydra_sim.app", "hydra_sim.gui.theme"]
    assert layer_of("hydra_sim.app") < layer_of(name) == layer_of("hydra_sim.gui.theme")
