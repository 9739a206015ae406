"""Logging a user can live with: no per-step library chatter, and a log file with a size cap."""

from __future__ import annotations

import logging

import pytest

from hydra_sim import logs, paths
from hydra_sim.engine.loader import load_scenario
from hydra_sim.engine.plan import load_plan, run_plan

FLAGSHIP = paths.bundled_scenarios_dir() / "brackenford-services.yaml"


@pytest.fixture
def clean_logging():
    root = logging.getLogger()
    saved = (list(root.handlers), root.level, logging.getLogger("transitions").level)
    yield root
    for handler in root.handlers[:]:
        if handler not in saved[0]:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(saved[1])
    logging.getLogger("transitions").setLevel(saved[2])


def test_a_whole_playthrough_logs_no_state_machine_steps(clean_logging, tmp_path, capsys):
    logs.configure_terminal()
    log_path = logs.configure_file(tmp_path / "logs")
    scenario = load_scenario(FLAGSHIP).scenario
    steps, problems = load_plan(FLAGSHIP.with_name("brackenford-services.best.plan.yaml"))
    assert not problems
    result = run_plan(scenario, steps)
    assert result.problem is None and result.steps_done == len(steps) > 10
    for handler in clean_logging.handlers:
        handler.flush()
    text = log_path.read_text(encoding="utf-8")
    assert "transitions" not in text
    assert len(text.splitlines()) < 50
    assert "transitions" not in capsys.readouterr().err


def test_the_log_file_rotates_with_a_cap(clean_logging, tmp_path):
    log_path = logs.configure_file(tmp_path / "logs")
    chatty = logging.getLogger("hydra_sim.test_rotation")
    line = "x" * 1000
    for _ in range(6000):        # about 6 MB written; at most 4 files of about 1 MB are kept
        chatty.info(line)
    files = sorted(log_path.parent.iterdir())
    assert [f.name for f in files] == ["hydra-sim.log", "hydra-sim.log.1", "hydra-sim.log.2", "hydra-sim.log.3"]
    assert all(f.stat().st_size <= logs.LOG_FILE_BYTES + 2000 for f in files)


def test_terminal_shows_warnings_not_info(clean_logging, capsys):
    logs.configure_terminal()
    logging.getLogger("hydra_sim.test_terminal").info("quiet detail")
    logging.getLogger("hydra_sim.test_terminal").warning("the store is read-only")
    err = capsys.readouterr().err
    assert "the store is read-only" in err and "quiet detail" not in err


def test_what_is_logged_before_the_file_opens_is_written_to_it_first(clean_logging, tmp_path):
    """The app opens its log file just after its first paint (app.run_app); what it logged
    before then is kept and written first, and nothing is kept once the file is open."""
    logs.hold_file_records()
    early = logging.getLogger("hydra_sim.test_held")
    early.info("started; data in HOME")
    early.debug("below INFO: not for the file")
    log_path = logs.configure_file(tmp_path / "logs")
    early.info("after the first paint")
    for handler in clean_logging.handlers:
        handler.flush()
    lines = log_path.read_text(encoding="utf-8").splitlines()
    assert [line.split(": ", 1)[1] for line in lines] == ["started; data in HOME", "after the first paint"]
    assert not any(type(h).__name__ == "_HeldRecords" for h in clean_logging.handlers)


def test_the_held_file_opens_once_however_often_it_is_asked(clean_logging, tmp_path):
    """app.run_app asks after the first paint and again as it returns: one file handler, and
    the kept lines written once."""
    logs.hold_file_records()
    logging.getLogger("hydra_sim.test_held").info("kept")
    logs.open_held_file(tmp_path / "logs")
    logs.open_held_file(tmp_path / "logs")
    files = [h for h in clean_logging.handlers if str(tmp_path) in getattr(h, "baseFilename", "")]
    assert len(files) == 1
    files[0].flush()
    assert (tmp_path / "logs" / "hydra-sim.log").read_text(encoding="utf-8").count("kept") == 1
