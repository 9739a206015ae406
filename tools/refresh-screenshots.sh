#!/usr/bin/env bash
# Refresh the pictures in docs/screenshots from the GUI tests (offscreen), on purpose. The test
# suite itself writes its screenshots to build/screenshots and never touches tracked files.
# Look at every changed picture before you commit it: git status docs/screenshots
# Run from a virtual environment with the test extras: bash tools/refresh-screenshots.sh [.venv/bin/python]
set -euo pipefail
cd "$(dirname "$0")/.."
python=${1:-.venv/bin/python}
HYDRA_SIM_SCREENSHOTS="$PWD/docs/screenshots" "$python" -m pytest -q -p no:cacheprovider tests/gui
git status --short docs/screenshots
