"""A child process for the SIGKILL fault test (run as a script, never collected by pytest).

It starts the real app the way ``hydra-sim --home DIR --scenario FLAGSHIP --no-err-windows``
does (``hydra_sim.cli.main``, offscreen) and, from inside the app's event loop, plays the
flagship through the GUI by a seeded random policy. If the home folder holds an unfinished
session it resumes the newest one through the start screen instead of starting anew.

It talks to the test one line at a time on stdout (flushed), so the test can kill it at
chosen moments and check what was recorded:

  RESUMED <session> <decisions so far>   or   STARTED <session>
  WRITE <n>                  about to write runner call n to the store (the kill may land in it)
  SHOWN <n> <scene> <clock> <selection as JSON>
                             decision n is shown as recorded: in the incident log and, with
                             an app that writes off the GUI thread, once the screen says
                             "recorded" (the controller's ``recorded`` signal)
  DONE <session> <ending>    the session ended; the app then quits (exit code 0)
  ERROR <text>               something unexpected; exit code 3

Usage: fault_child.py HOME SEED
"""

from __future__ import annotations

import json
import os
import random
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

FLAGSHIP = REPO / "scenarios" / "brackenford-services.yaml"
BEST = REPO / "scenarios" / "brackenford-services.best.plan.yaml"
RATIONALES = ["", "", "risk to life first", "scene preservation", "the driver controls the vehicle"]


def say(*parts) -> None:
    print(*parts, flush=True)


class Player:
    """Plays the running app: one decision per event-loop turn, so Qt keeps running between them."""

    def __init__(self, app: QApplication, seed: int):
        self.app = app
        self.random = random.Random(seed)
        self.window = None
        self.writes = 0
        self.shown = 0
        self.pending: list = []           # decisions made, not yet shown as recorded
        self.confirmed = 0                # decisions the screen has said are recorded (this run)
        from hydra_sim.engine.plan import load_plan
        steps, _problems = load_plan(BEST)
        self.best = {step.scene: step for step in steps or [] if getattr(step, "scene", None)}

    def fail(self, text: str) -> None:
        say("ERROR", text.replace("\n", " | "))
        self.app.exit(3)

    # -- starting ----------------------------------------------------------------------------
    def begin(self) -> None:
        from hydra_sim.gui.main_window import MainWindow
        windows = [w for w in self.app.topLevelWidgets() if isinstance(w, MainWindow)]
        if not windows:
            return self.fail("no main window")
        win = self.window = windows[0]
        win.controller.real_time = False        # the policy moves the clock itself (deterministic)
        win.controller.timer.stop()
        if not win.store_ready():       # the real entry opens the store after the first paint
            return self.fail("the store could not be opened")
        store = win.store
        real_append = store.append_batch

        def append_batch(*args, **kwargs):
            self.writes += 1
            say("WRITE", self.writes)
            return real_append(*args, **kwargs)
        store.append_batch = append_batch
        win.settings.setValue("privacy/shared_pc", False)   # a personal PC: each launch resumes the last trainee
        trainee = win.remembered_trainee()
        unfinished = store.unfinished_sessions(trainee.trainee_id) if trainee else []
        if unfinished:
            win.show_start()
            start = win.start_screen
            newest = max(range(len(start.sessions)), key=lambda i: start.sessions[i].started_at)
            start.session_list.setCurrentRow(newest)
            start.resume_button.click()
            if win.stack.currentWidget() is not win.incident_screen:
                return self.fail("resume did not reach the incident screen: " + start.error.text())
            self.shown = len(win.controller.runner.decisions)
            say("RESUMED", win.controller.session_id, self.shown)
        else:
            win.briefing_screen.start_button.click()
            if win.stack.currentWidget() is not win.incident_screen:
                return self.fail("the session did not start")
            say("STARTED", win.controller.session_id)
        win.controller.timer.stop()
        if hasattr(win.controller, "recorded"):       # the store is written off the GUI thread
            win.controller.recorded.connect(self._on_recorded)
        QTimer.singleShot(0, self.step)

    def _on_recorded(self, _entry) -> None:
        self.confirmed += 1

    # -- playing -----------------------------------------------------------------------------
    def step(self) -> None:
        try:
            self._step()
        except Exception as exc:  # noqa: BLE001 - reported to the test, which fails with it
            import traceback
            self.fail(f"{type(exc).__name__}: {exc} {traceback.format_exc()}")

    def _step(self) -> None:
        controller = self.window.controller
        if self.pending:
            if hasattr(controller, "recorded") and self.confirmed < len(self.pending):
                QTimer.singleShot(5, self.step)          # the write is still under way
                return
            texts = self.window.incident_screen.log_view.texts()
            if not any(("You decided" in t or "Time ran out" in t) for t in texts):
                return self.fail("a decision is not in the incident log")
            for record in self.pending:
                self.shown += 1
                say("SHOWN", self.shown, record.scene_id, record.clock,
                    json.dumps(record.selection, separators=(",", ":")))
            self.pending, self.confirmed = [], 0
        if not controller.running:
            say("DONE", controller.session_id, getattr(controller.report, "ending_id", None))
            self.window.debrief_screen.stop_worker()      # the debrief's background work, before Qt goes
            self.app.exit(0)
            return
        before = len(controller.runner.decisions)
        roll = self.random.random()
        if roll < 0.15:                                     # read for a while first
            controller.tick(self.random.uniform(1, 40))
        if controller.running and controller.time_limit() and roll > 0.9:
            controller.tick(controller.remaining_seconds() + 0.1)       # let the countdown run out
        elif controller.running:
            self.decide(controller)
        self.pending = list(controller.runner.decisions[before:])
        QTimer.singleShot(0, self.step)

    def decide(self, controller) -> None:
        from hydra_sim.gui.decision_panels import ChooseManyPanel, ChooseOnePanel, ContinuePanel, NdmPanel, RankPanel
        panel = self.window.incident_screen.panel
        if isinstance(panel, ContinuePanel):
            panel.decide_button.click()
            return
        scene = controller.runner.scene_id
        options = [o.id for o in controller.available_options()]
        planned = self.best.get(scene)
        use_plan = planned is not None and self.random.random() < 0.4
        if use_plan and isinstance(planned.selection, (str, list)):
            # a random path may not offer what the best path chose (e.g. paramedics who were never called)
            chosen = [planned.selection] if isinstance(planned.selection, str) else list(planned.selection)
            use_plan = set(chosen) <= set(options)
        if isinstance(panel, ChooseOnePanel):
            choice = planned.selection if use_plan else self.random.choice(options)
            panel.option_button(choice).click()
        elif isinstance(panel, ChooseManyPanel):
            picks = planned.selection if use_plan else self.random.sample(options, self.random.randint(1, len(options)))
            for option_id in picks:
                panel.option_button(option_id).click()
        elif isinstance(panel, RankPanel):
            order = list(planned.selection) if use_plan else self.random.sample(options, len(options))
            for target, option_id in enumerate(order):
                row = panel.order().index(option_id)
                panel.list.setCurrentRow(row)
                for _ in range(row - target):
                    panel.list.move_current(-1)
        elif isinstance(panel, NdmPanel):
            for field_id, box in panel.boxes.items():
                box.setPlainText(f"{field_id} noted at {controller.clock_label()}")
            for combo in panel.parts.values():              # the structured parts: any answer
                combo.setCurrentIndex(self.random.randrange(combo.count()))
        rationale = self.random.choice(RATIONALES)
        if rationale and getattr(panel, "rationale_box", None) is not None:
            panel.rationale_box.setPlainText(rationale)
        decided = len(controller.runner.decisions)
        panel.decide_button.click()
        if len(controller.runner.decisions) == decided and controller.running and planned is not None:
            # the random answer was refused (too few or too many picks): answer as the plan does
            self.window.incident_screen.panel.show_error("")
            self.apply_plan(controller, planned)

    def apply_plan(self, controller, planned) -> None:
        from hydra_sim.gui.decision_panels import ChooseManyPanel
        panel = self.window.incident_screen.panel
        if isinstance(panel, ChooseManyPanel):
            for option_id, row in panel.rows.items():
                if row.button.isChecked() != (option_id in planned.selection):
                    row.button.click()
            panel.decide_button.click()


def main() -> int:
    home, seed = sys.argv[1], int(sys.argv[2])
    app = QApplication.instance() or QApplication(sys.argv[:1])
    player = Player(app, seed)
    QTimer.singleShot(0, player.begin)
    from hydra_sim import cli
    return cli.main(["--home", home, "--scenario", str(FLAGSHIP), "--no-err-windows"])


if __name__ == "__main__":
    sys.exit(main())
