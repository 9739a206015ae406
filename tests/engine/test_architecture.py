"""House rules that keep the core safe and Qt-free."""

import re
import subprocess
import sys

from engine_helpers import REPO

CORE = ["hydra_sim.engine", "hydra_sim.cli", "hydra_sim.console", "hydra_sim.paths"]


def test_core_imports_no_qt():
    # every module of the engine and the records, not just the packages: both load their
    # parts on first use (PEP 562), so importing a package alone would prove little
    packages = [folder for folder in ("engine", "records") if (REPO / "hydra_sim" / folder).is_dir()]
    modules = CORE + [f"hydra_sim.{folder}.{path.stem}" for folder in packages
                      for path in sorted((REPO / "hydra_sim" / folder).glob("*.py")) if path.stem != "__init__"]
    assert len(modules) > len(CORE) + 40
    code = ("import sys\n" + "".join(f"import {m}\n" for m in modules) +
            "bad = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6', 'hydra_sim.gui'))]\n"
            "print(bad)\nraise SystemExit(1 if bad else 0)\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_engine_never_evaluates_code_or_loads_yaml_unsafely():
    forbidden = re.compile(r"(?<![.\w`])(eval|exec|compile|__import__)\s*\(|yaml\.(load|unsafe_load|full_load)\s*\(|"
                           r"Loader\s*=\s*yaml\.(Loader|FullLoader|UnsafeLoader)")
    for path in (REPO / "hydra_sim").rglob("*.py"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.lstrip().startswith("#"):
                continue
            assert not forbidden.search(line), f"{path.relative_to(REPO)}:{number}: {line.strip()}"


def test_transitions_gets_callables_not_strings():
    """Conditions are closures over our own parsed expressions, never names transitions resolves."""
    from engine_helpers import MINI

    from hydra_sim.engine import ScenarioRunner, load_scenario
    runner = ScenarioRunner(load_scenario(MINI).raise_for_errors())
    for event in runner.machine.events.values():
        for transitions in event.transitions.values():
            for transition in transitions:
                for condition in transition.conditions:
                    assert callable(condition.func)
                assert not transition.before and not transition.after and not transition.prepare


def test_core_has_no_qt_import_even_inside_functions():
    pattern = re.compile(r"^\s*(from|import)\s+(PySide6|shiboken6|hydra_sim\.gui)")
    for folder in ("engine", "records"):
        for path in (REPO / "hydra_sim" / folder).rglob("*.py"):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                assert not pattern.match(line), f"{path.relative_to(REPO)}:{number}: {line.strip()}"
