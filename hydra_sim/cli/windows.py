"""``hydra-sim author`` and ``review``: commands that open one window (Qt imported in the handler).

Imported only when one of its commands runs (hydra_sim/cli/__init__.py lists them); it may import
the engine and records; Qt only inside a handler that opens a window or draws.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_author(sub) -> None:
    # author mode hook: the scenario map, live preview and file watching (Qt imported in the handler)
    author = sub.add_parser("author", help="open a scenario in Author mode (map, live preview, re-check on save)")
    author.add_argument("scenario", metavar="SCENARIO")
    author.set_defaults(handler=_cmd_author)


def add_review(sub) -> None:
    # review window hook: the trainer review window alone (Qt imported inside the handler)
    review = sub.add_parser("review", help="open the trainer review window on the sessions under --home")
    review.add_argument("--home", metavar="DIR", default=argparse.SUPPRESS, help="keep all user data under DIR")
    review.set_defaults(handler=_cmd_review)


def _cmd_author(args) -> int:
    """author mode hook: ``hydra-sim author SCENARIO`` opens Author mode on that file."""
    if not Path(args.scenario).is_file():
        print(f"hydra-sim author: no such file: {args.scenario}", file=sys.stderr)
        return 2
    try:
        from ..gui.author import run_author
    except ImportError as exc:
        print(f"hydra-sim: cannot start Author mode: {exc}", file=sys.stderr)
        return 1
    return run_author(args.scenario)


def _cmd_review(args) -> int:  # review window hook
    try:
        from ..gui.review.window import run_review
    except ImportError as exc:
        print(f"hydra-sim review: cannot start the review window: {exc}", file=sys.stderr)
        return 1
    return run_review(args)
