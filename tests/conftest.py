"""Test-wide setup: Qt runs offscreen (set before anything imports Qt) on one 1920x1080 screen,
and trainer credentials.

The offscreen platform's own screen is 800x800; windows open within their screen
(hydra_sim/gui/window_geometry.py), so without a configured screen every window would open
at 776x736 and the documentation's screenshots would shrink. Tests of other screen sizes
place windows on a given rectangle (tests/gui/test_screen_fit.py).

Trainer commands (export, push, trainee, retention, rescore, bundles, LRS settings, review) need a
trainer login. ``trainer_credentials`` gives every test the scripted credentials the CLI reads
($HYDRA_SIM_TRAINER and $HYDRA_SIM_TRAINER_PASSPHRASE), so the first trainer command in a test's
home sets up that trainer account (first use) and later ones log in with it. A test of the login
itself removes them with ``monkeypatch.delenv``.
"""

import os
from pathlib import Path

import pytest

os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={Path(__file__).with_name('offscreen-screen.json')}"

from trainer_support import TEST_PASSPHRASE, TEST_TRAINER


@pytest.fixture(autouse=True)
def trainer_credentials(monkeypatch):
    monkeypatch.setenv("HYDRA_SIM_TRAINER", TEST_TRAINER)
    monkeypatch.setenv("HYDRA_SIM_TRAINER_PASSPHRASE", TEST_PASSPHRASE)
    return TEST_TRAINER, TEST_PASSPHRASE
