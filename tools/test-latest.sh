#!/usr/bin/env bash
# Install the newest release of every dependency that pyproject.toml allows (ignoring
# constraints.txt) in a fresh virtual environment and run the whole suite: the early warning
# that a new PyYAML, PySide6 or transitions release breaks something. Run: bash tools/test-latest.sh
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"     # some tests run a child as an unprivileged user, who must reach the venv
python3 -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --upgrade --upgrade-strategy eager ".[test]"
"$work/venv/bin/python" -m pip list --format=freeze
"$work/venv/bin/python" -m pytest -p no:cacheprovider
