"""Test-wide setup: Qt runs offscreen (set before anything imports Qt), and trainer credentials.

Trainer commands (export, push, trainee, retention, rescore, bundles, LRS settings, review) need a
trainer login. ``trainer_credentials`` gives every test the scripted credentials the CLI reads
($HYDRA_SIM_TRAINER and $HYDRA_SIM_TRAINER_PASSPHRASE), so the first trainer command in a test's
home sets up that trainer account (first use) and later ones log in with it. A test of the login
itself removes them with ``monkeypatch.delenv``.
"""

import os

import pytest

os.environ["QT_QPA_PLATFORM"] = "offscreen"

from trainer_support import TEST_PASSPHRASE, TEST_TRAINER


@pytest.fixture(autouse=True)
def trainer_credentials(monkeypatch):
    monkeypatch.setenv("HYDRA_SIM_TRAINER", TEST_TRAINER)
    monkeypatch.setenv("HYDRA_SIM_TRAINER_PASSPHRASE", TEST_PASSPHRASE)
    return TEST_TRAINER, TEST_PASSPHRASE
