"""Carry a branch's edits of the old one-file ``hydra_sim/cli.py`` into the ``hydra_sim/cli/`` package.

When ``git merge BRANCH`` stops with "CONFLICT (modify/delete): hydra_sim/cli.py", the branch
edited the file that became the package. Every command's code moved unchanged (only the
relative imports gained a dot), so each hunk of the branch's diff applies to the one module
that now holds that code. From the repository root, during the merge::

    python tools/port-cli-edits.py                # diff of merge-base..MERGE_HEAD, applied hunk by hunk
    git rm hydra_sim/cli.py && git add hydra_sim/cli

Each hunk is tried (``patch --dry-run``) against every module of the package, with ``from .``
rewritten to ``from ..``; it is applied to the first that accepts it, and the script says
where. A hunk no module accepts (new code between two commands, say) is printed for a person
to place; the exit status is then 1. Uses git and patch; changes nothing else.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OLD = "hydra_sim/cli.py"


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=REPO, check=True, capture_output=True, text=True).stdout


def hunks(diff: str) -> list[str]:
    """The diff's hunks, each from its ``@@`` line on."""
    found: list[list[str]] = []
    for line in diff.splitlines(keepends=True):
        if line.startswith("@@"):
            found.append([line])
        elif found:
            found[-1].append(line)
    return ["".join(hunk) for hunk in found]


def _applies(module: Path, hunk: str, dry: bool) -> bool:
    rel = module.relative_to(REPO).as_posix()
    moved = re.sub(r"^([ +-])(\s*)from \.(?=[a-z])", r"\1\2from ..", hunk, flags=re.M)
    patch = f"--- a/{rel}\n+++ b/{rel}\n" + moved.rstrip("\n") + "\n"
    done = subprocess.run(["patch", "-p1", "--forward", "--silent", *(["--dry-run"] if dry else [])], cwd=REPO,
                          input=patch, text=True, capture_output=True)
    return done.returncode == 0


def main(argv: list[str]) -> int:
    tip = argv[0] if argv else "MERGE_HEAD"
    base = argv[1] if len(argv) > 1 else _git("merge-base", "HEAD", tip).strip()
    diff = _git("diff", base, tip, "--", OLD)
    modules = sorted((REPO / "hydra_sim" / "cli").glob("*.py"))
    left = []
    for hunk in hunks(diff):
        target = next((m for m in modules if _applies(m, hunk, dry=True)), None)
        header = hunk.splitlines()[0]
        if target is None:
            left.append(hunk)
            print(f"NOT PLACED: {header}", file=sys.stderr)
            continue
        _applies(target, hunk, dry=False)
        print(f"applied {header} -> {target.relative_to(REPO)}")
    for hunk in left:
        print("\n" + hunk, file=sys.stderr)
    return 1 if left else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
