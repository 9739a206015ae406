"""The ``hydra-sim`` command: lint, play, explore, and (with no subcommand) the app.

Exit codes: 0 success, 1 problems found (invalid scenario, failing play step), 2 wrong
usage. This module is what runs before the window, so it stays small: it holds the
top-level options and the list of commands, and imports a command's module (which may
import the engine, the records or Qt) only when that command runs. ``hydra-sim`` with no
subcommand therefore reaches the window without importing ``hydra_sim.engine``
(tests/engine/test_cli_layout.py checks it). Must not import the engine, the records, the
exercise package or Qt at module level.

Each command module has an ``add_...(sub)`` function that adds its subparser(s) with every
flag and its handler (``set_defaults(handler=...)``). Only the module of the command being
run adds its flags; the others are added as bare names, so choosing among them, the usage
line and "invalid choice" errors are unchanged. ``--help`` at the top level loads them all
for their one-line help.
"""

from __future__ import annotations

import argparse
import logging
import sys
from importlib import import_module

from .. import __version__, paths
from ..lazy import lazy_names
from ..logs import configure_terminal
from ..terminal import TerminalText

log = logging.getLogger(__name__)

# (module, relative to this package; the function that adds its subparsers; the commands it
# adds), in the order of ``hydra-sim --help``. A command group's commands are contiguous.
COMMANDS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (".lint", "add_parser", ("lint",)),
    (".play", "add_parser", ("play",)),
    (".plans", "add_parser", ("test",)),
    (".audit", "add_parser", ("audit",)),
    (".explore", "add_parser", ("explore",)),
    (".authoring", "add_parsers", ("schema", "new", "graph")),
    (".windows", "add_author", ("author",)),
    (".export", "add_parsers", ("export", "push", "lrs")),
    (".records", "_add_records_commands", ("verify", "rescore", "trainee", "retention", "export-bundle",
                                           "import-bundle", "check-bundle")),
    ("..trainer_cli", "add_trainer_command", ("trainer",)),
    (".exercise", "add_parsers", ("facilitate", "station")),
    (".windows", "add_review", ("review",)),
)

# names that used to live in the one-file cli.py, still importable from here (loaded on use)
_MOVED = {"lint_paths": "lint", "run_test_plans": "plans", "scenario_has_conditions": "common"}


__getattr__, __dir__ = lazy_names(__name__, _MOVED, globals())


def main(argv: list[str] | None = None) -> int:
    """Run one command. Everything it prints passes through ``TerminalText``: control
    characters from scenario text, ids, file names or records are escaped, never sent raw."""
    stdout, stderr = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = TerminalText(stdout), TerminalText(stderr)
    try:
        return _main(argv)
    finally:
        sys.stdout, sys.stderr = stdout, stderr


def _main(argv: list[str] | None) -> int:
    parser = _parser(argv)
    args = parser.parse_args(argv)
    configure_terminal()
    if getattr(args, "home", None):
        paths.set_home(args.home)
    if args.command is None:
        return _launch_gui(args)
    try:
        return args.handler(args)
    except BrokenPipeError:
        return 0


def _top_level(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument("--version", action="version", version=f"hydra-sim {__version__}")
    parser.add_argument("--home", metavar="DIR", help="keep all user data under DIR")
    parser.add_argument("--scenario", metavar="FILE", help="open straight into this scenario (app)")
    parser.add_argument("--no-err-windows", action="store_true", help="log errors instead of showing dialogs (app)")
    # join a facilitated exercise straight away (the app opens the join dialog filled in with these)
    parser.add_argument("--join", metavar="HOST:PORT", help="join the facilitated exercise at HOST:PORT (app)")
    parser.add_argument("--code", dest="join_code", metavar="CODE", help="the exercise's join code (with --join)")
    parser.add_argument("--syndicate", dest="join_syndicate", metavar="NAME", help="your syndicate (with --join)")
    parser.add_argument("--member", dest="join_members", action="append", metavar="NAME",
                        help="a member of the syndicate, repeat for each (with --join)")
    return parser


class _NoExit(argparse.ArgumentParser):
    """The first look at the arguments raises instead of printing: the real parser reports."""

    def error(self, message):
        raise ValueError(message)


def _look_at(argv: list[str]) -> tuple[str | None, bool]:
    """(the subcommand named in ``argv`` or None, whether ``argv`` was understood), read with
    the top-level options only: (None, True) is the app started with no command at all.

    The first word that is not a top-level option is the command; what follows it is left to
    the command's own parser. (A subparser per command name, as the real parser has, costs
    about 2 ms on the way to the window for the same answer; issue 14.)"""
    first = _top_level(_NoExit(prog="hydra-sim", add_help=False))
    first.add_argument("command", nargs="?")
    first.add_argument("arguments", nargs=argparse.REMAINDER)
    try:
        command = first.parse_known_args(argv)[0].command
    except (ValueError, argparse.ArgumentError):
        return None, False
    if command is None or any(command in names for _module, _adder, names in COMMANDS):
        return command, True
    return None, False        # not a command: the real parser says so ("invalid choice")


def _parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    argv = sys.argv[1:] if argv is None else argv
    command, understood = _look_at(argv)
    wants_help = command is None and any(a == "-h" or (len(a) > 3 and "--help".startswith(a)) for a in argv)
    parser = argparse.ArgumentParser(prog="hydra-sim", description="Clandestine lorry drop training simulator.")
    _top_level(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    if command is None and understood and not wants_help:
        # the app, with top-level options only: the subparsers (each a whole ArgumentParser)
        # would be built only to be unused, on the way to the window (issue 14)
        return parser
    for module, adder, commands in COMMANDS:
        if wants_help or command in commands:
            getattr(import_module(module, __name__), adder)(sub)
        else:
            for name in commands:       # named only: this run does not use it
                sub.add_parser(name)
    return parser


def _launch_gui(args) -> int:
    try:
        from ..app import run_app
    except ImportError as exc:
        print(f"hydra-sim: cannot start the app: {exc}. Install it with: pip install hydra-sim", file=sys.stderr)
        return 1
    if getattr(args, "join", None):        # facilitated exercise: the join dialog, filled in
        from ..gui.exercise.station import schedule_join
        try:
            schedule_join(args)
        except ValueError as exc:
            print(f"hydra-sim --join: {exc}", file=sys.stderr)
            return 2
    return run_app(args)

