"""The command line is a package of command modules, each imported only when its command runs:
``hydra-sim`` with no subcommand reaches the window without importing the engine (issue 14)."""

import json
import os
from importlib import import_module
import subprocess
import sys

import pytest
from engine_helpers import REPO

# Runs the real entry (hydra_sim.cli.main) in a fresh interpreter with the app launcher
# stubbed: the stub notes which of our modules were loaded at the moment the window would
# be created, and returns 0 instead of opening it.
CHILD = """
import json, sys
import hydra_sim.app

def run_app(args):
    print(json.dumps({"command": args.command, "home": args.home,
                      "loaded": sorted(m for m in sys.modules if m.startswith(("hydra_sim", "PySide6")))}))
    return 0

hydra_sim.app.run_app = run_app
from hydra_sim.cli import main
raise SystemExit(main(sys.argv[1:]))
"""


def _run(*argv):
    result = subprocess.run([sys.executable, "-c", CHILD, *argv], cwd=REPO, capture_output=True, text=True,
                            timeout=60)
    return result


def test_no_subcommand_reaches_the_window_without_the_engine(tmp_path):
    result = _run("--home", str(tmp_path))
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    assert seen["command"] is None and seen["home"] == str(tmp_path)
    loaded = seen["loaded"]
    assert "hydra_sim.cli" in loaded
    offenders = [m for m in loaded if m.startswith(("hydra_sim.engine", "hydra_sim.records", "hydra_sim.exercise",
                                                     "hydra_sim.gui", "PySide6"))
                 or (m.startswith("hydra_sim.cli.") and m != "hydra_sim.cli")]
    assert offenders == []


def test_a_command_loads_its_own_module_only():
    code = ("import sys\nfrom hydra_sim import cli\ncli._parser(['lint', 'x.yaml']).parse_args(['lint', 'x.yaml'])\n"
            "print(sorted(m for m in sys.modules if m.startswith('hydra_sim.cli.')))\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["['hydra_sim.cli.common',", "'hydra_sim.cli.lint']"]


def test_every_command_is_listed_and_adds_exactly_its_names():
    """COMMANDS must name what each module's adder really adds, or the bare placeholders would differ."""
    import argparse

    from hydra_sim import cli

    for module, adder, names in cli.COMMANDS:
        parser = argparse.ArgumentParser()
        sub = parser.add_subparsers(dest="command")
        getattr(import_module(module, "hydra_sim.cli"), adder)(sub)
        assert tuple(sub.choices) == names, module


def test_moved_names_stay_importable_from_hydra_sim_cli():
    from hydra_sim import cli
    from hydra_sim.cli.lint import lint_paths
    from hydra_sim.cli.plans import run_test_plans

    assert cli.lint_paths is lint_paths and cli.run_test_plans is run_test_plans


def test_help_lists_every_command_with_its_help():
    result = subprocess.run([sys.executable, "-m", "hydra_sim", "--help"], cwd=REPO, capture_output=True, text=True,
                            timeout=60, env=dict(os.environ, COLUMNS="200"))
    assert result.returncode == 0, result.stderr
    from hydra_sim import cli
    for _module, _adder, names in cli.COMMANDS:
        for name in names:
            line = next((ln for ln in result.stdout.splitlines() if ln.split()[:1] == [name]), "")
            assert len(line.split()) > 1, f"{name} has no help line: {line!r}"


def test_the_first_look_names_the_command_the_full_parser_runs():
    """``_look_at`` reads only the top-level options; it must name the same command as the real
    parser with every command's flags, and call a line it cannot read (no such command, an option
    without its value) not understood. A command's own flags are its parser's business."""
    import argparse
    import contextlib
    import io

    from hydra_sim import cli

    full = argparse.ArgumentParser(prog="hydra-sim")
    cli._top_level(full)
    sub = full.add_subparsers(dest="command")
    for module, adder, _names in cli.COMMANDS:
        getattr(import_module(module, "hydra_sim.cli"), adder)(sub)
    accepted = [[], ["--home", "h"], ["--no-err-windows", "--scenario", "s.yaml"], ["lint", "a.yaml"],
                ["--home", "h", "verify"], ["review", "--home", "h"],
                ["--join", "h:1", "--code", "c", "--member", "a", "--member", "b"],
                ["--home", "h", "explore", "s.yaml"]]
    for argv in accepted:
        assert cli._look_at(argv) == (full.parse_args(argv).command, True), argv
    for argv in (["bogus"], ["--home"], ["--home", "h", "lintx", "a.yaml"]):
        with contextlib.redirect_stderr(io.StringIO()), pytest.raises(SystemExit):
            full.parse_args(argv)
        assert cli._look_at(argv) == (None, False), argv
    assert cli._look_at(["export-bundle", "--help"]) == ("export-bundle", True)     # its own help
