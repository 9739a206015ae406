"""``hydra-sim facilitate`` and ``station`` (defined in hydra_sim.exercise.commands), and the
facilitator console hook it calls without ``--headless``.

Imported only when one of its commands runs (hydra_sim/cli/__init__.py lists them); it may import
the engine and records; Qt only inside a handler that opens a window or draws.
"""

from __future__ import annotations

import sys


def add_parsers(sub) -> None:
    from ..exercise.commands import add_exercise_commands  # facilitate / station (network imported lazily)
    add_exercise_commands(sub, open_console=_open_exercise_console)


def _open_exercise_console(args) -> int:  # facilitator console hook (hydra-sim facilitate, no --headless)
    try:
        from ..gui.exercise.console import run
    except ImportError as exc:
        print(f"hydra-sim facilitate: the console window is not available ({exc}); "
              "use --headless to run the exercise from the terminal", file=sys.stderr)
        return 2
    return run(args)
