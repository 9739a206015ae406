"""Test-wide setup: Qt runs offscreen (set before anything imports Qt), on one 1920x1080 screen.

The offscreen platform's own screen is 800x800; windows open within their screen
(hydra_sim/gui/window_geometry.py), so without a configured screen every window would open
at 776x736 and the documentation's screenshots would shrink. Tests of other screen sizes
place windows on a given rectangle (tests/gui/test_screen_fit.py).
"""

import os
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={Path(__file__).with_name('offscreen-screen.json')}"
