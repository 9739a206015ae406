#!/usr/bin/env bash
# Re-resolve constraints.txt to the newest releases allowed by pyproject.toml, for every platform
# and Python 3.11+ at once (uv's universal resolver; pip can only resolve for the machine it runs
# on), then install from the new file in a fresh virtual environment and run the whole suite.
# Commit constraints.txt only if the suite passes. Run from anywhere: bash tools/update-constraints.sh
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"     # some tests run a child as an unprivileged user, who must reach the venv
python3 -m venv "$work/lock" && "$work/lock/bin/python" -m pip install -q uv
"$work/lock/bin/uv" pip compile pyproject.toml --extra test --universal --python-version 3.11 \
    --no-header --upgrade -o "$work/constraints.txt"
{ sed -n '1,5p' constraints.txt; cat "$work/constraints.txt"; } > "$work/new.txt" && mv "$work/new.txt" constraints.txt
git --no-pager diff --stat -- constraints.txt || true
python3 -m venv "$work/test" && "$work/test/bin/python" -m pip install -c constraints.txt ".[test]" \
    && "$work/test/bin/python" -m pytest
