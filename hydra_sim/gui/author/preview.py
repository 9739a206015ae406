"""The live preview pane: "Play from here" with chosen variables and time, the trainee's
decision panels, the list of the author's choices and the replay banner.

The pane renders a ``PreviewSession`` (``session.py``) and forwards the author's answers to
it; it holds no scenario rules. Reuses ``decision_panels`` from the trainee app.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...engine.model import Scenario
from ...engine.runner import RunnerError
from ..decision_panels import ContinuePanel, make_panel
from ..safe_text import plain_tooltip
from ..widgets import WrapLabel
from .map_view import OUTCOME_WORDS
from .session import PreviewSession, PreviewStart, Stopped


def reflow(text: str) -> str:
    """YAML block text keeps the author's line breaks; the pane wraps paragraphs itself."""
    return "\n\n".join(" ".join(p.split()) for p in (text or "").strip().split("\n\n"))


class VariableForm(QWidget):
    """One labelled control per scenario variable (check box, spin box, combo box or line edit),
    two to a row when the pane is wide enough and one when it is not, plus the simulated time."""

    COLUMNS = 2

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(10)
        self.grid.setVerticalSpacing(4)
        self.controls: dict[str, QWidget] = {}
        self._cells: list[QWidget] = []          # label, control, label, control, ...
        self._columns = 0
        self._shown: tuple | None = None         # the variables the controls were built for (_shape)
        self.minutes = QSpinBox()
        self.minutes.setRange(0, 24 * 60)
        self.minutes.setSuffix(" min")
        self.minutes.setAccessibleName("Simulated time: minutes since the incident started")
        time_label = QLabel("&Time since incident start")
        time_label.setBuddy(self.minutes)
        self.grid.addWidget(time_label, 0, 0)
        self.grid.addWidget(self.minutes, 0, 1)

    @staticmethod
    def _shape(scenario: Scenario) -> tuple:
        """Everything the controls are built from, per variable."""
        return tuple((name, v.type, v.initial, v.values, v.minimum, v.maximum, v.description)
                     for name, v in scenario.variables.items())

    def set_scenario(self, scenario: Scenario) -> None:
        """Rebuild the controls, keeping the values of variables that are still there. A save
        that did not touch the variables keeps the controls as they are (deleting and building
        some twenty of them again took about 30 ms of each re-check of a 300-scene file)."""
        shape = self._shape(scenario)
        if shape == self._shown:
            return
        self._shown = shape
        kept = self.values()
        for cell in self._cells:
            self.grid.removeWidget(cell)
            cell.setParent(None)
            cell.deleteLater()
        self._cells, self.controls = [], {}
        for index, (name, variable) in enumerate(scenario.variables.items()):
            value = kept.get(name, variable.initial)
            if variable.type == "bool":
                control = QCheckBox()
                control.setChecked(bool(value) if isinstance(value, bool) else bool(variable.initial))
            elif variable.type == "int":
                control = QSpinBox()
                control.setRange(variable.minimum if variable.minimum is not None else -9999,
                                 variable.maximum if variable.maximum is not None else 9999)
                control.setValue(value if isinstance(value, int) else int(variable.initial or 0))
            elif variable.type == "enum":
                control = QComboBox()
                control.addItems(list(variable.values))
                control.setCurrentText(str(value) if value in variable.values else str(variable.initial))
            else:
                control = QLineEdit(str(value if value is not None else ""))
            description = f": {variable.description}" if variable.description else ""
            control.setAccessibleName(f"Variable {name} ({variable.type}){description}")
            control.setToolTip(plain_tooltip(variable.description or name))
            label = QLabel(name)
            label.setBuddy(control)
            label.setToolTip(plain_tooltip(variable.description or name))
            self._cells += [label, control]
            self.controls[name] = control
        self._columns = 0
        self._place_cells(self._columns_for(self.width()))

    def _pair_width(self) -> int:
        """The width of one label column and one control column (the grid aligns them)."""
        labels = [self.grid.itemAtPosition(0, 0).widget()] + self._cells[::2]
        controls = [self.minutes] + self._cells[1::2]
        return (max(label.sizeHint().width() for label in labels) + self.grid.horizontalSpacing()
                + max(control.sizeHint().width() for control in controls))

    def _columns_for(self, width: int) -> int:
        two = 2 * self._pair_width() + self.grid.horizontalSpacing()
        return self.COLUMNS if width >= two else 1

    def _place_cells(self, columns: int) -> None:
        """Lay the (label, control) pairs out ``columns`` to a row: never wider than the pane."""
        if columns == self._columns:
            return
        self._columns = columns
        for cell in self._cells:
            self.grid.removeWidget(cell)
        for index in range(len(self._cells) // 2):
            label, control = self._cells[2 * index], self._cells[2 * index + 1]
            row, column = 1 + index // columns, (index % columns) * 2
            self.grid.addWidget(label, row, column)
            self.grid.addWidget(control, row, column + 1)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        # as narrow as one pair to a row, so the pane can give less width than two pairs need
        # (resizeEvent then moves to one column) instead of growing sideways
        return QSize(self._pair_width(), super().minimumSizeHint().height())

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._place_cells(self._columns_for(event.size().width()))

    def values(self) -> dict:
        out = {}
        for name, control in self.controls.items():
            if isinstance(control, QCheckBox):
                out[name] = control.isChecked()
            elif isinstance(control, QSpinBox):
                out[name] = control.value()
            elif isinstance(control, QComboBox):
                out[name] = control.currentText()
            else:
                out[name] = control.text()
        return out

    def set_values(self, values: dict) -> None:
        for name, value in values.items():
            control = self.controls.get(name)
            if isinstance(control, QCheckBox):
                control.setChecked(bool(value))
            elif isinstance(control, QSpinBox):
                control.setValue(int(value))
            elif isinstance(control, QComboBox):
                control.setCurrentText(str(value))
            elif isinstance(control, QLineEdit):
                control.setText(str(value))


class PreviewPane(QWidget):
    """Start a preview at the selected scene and play it with the trainee's decision panels."""

    changed = Signal()          # the preview moved (a choice, a replay, a restart)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.scenario: Scenario | None = None
        self.scene_id: str | None = None          # the scene selected on the map
        self.session: PreviewSession | None = None
        self.panel = None
        self.paused: str | None = None            # why the preview cannot play (the file has errors)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(8)
        heading = QLabel("Live preview")
        heading.setProperty("role", "heading")
        layout.addWidget(heading)
        self.start_label = WrapLabel("Select a scene on the map, then Play from here.", role="muted")
        layout.addWidget(self.start_label)
        self.values_toggle = QPushButton("Start values \u25be")
        self.values_toggle.setCheckable(True)
        self.values_toggle.setChecked(True)
        self.values_toggle.setAccessibleName("Show or hide the start values: time and variables")
        self.values_toggle.toggled.connect(self._show_values)
        self.variables = VariableForm()
        layout.addWidget(self.values_toggle, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.variables)
        buttons = QHBoxLayout()
        self.play_button = QPushButton("\u25b6 Play from here")
        self.play_button.setProperty("role", "primary")
        self.play_button.setAccessibleName("Play from here: start the preview at the selected scene")
        self.play_button.setToolTip("Start the preview at the selected scene (Ctrl+Shift+P)")
        self.play_button.clicked.connect(self.play_from_here)
        self.undo_button = QPushButton("\u21b6 Take back last choice")
        self.undo_button.setAccessibleName("Take back the last choice in the preview")
        self.undo_button.clicked.connect(self.undo)
        buttons.addWidget(self.play_button)
        buttons.addWidget(self.undo_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.banner = QFrame()
        self.banner.setProperty("role", "banner")
        banner_layout = QVBoxLayout(self.banner)
        self.banner_text = WrapLabel("")
        self.banner_text.setAccessibleName("Replay message")
        banner_layout.addWidget(self.banner_text)
        self.banner.setVisible(False)
        layout.addWidget(self.banner)
        self.card = QFrame()
        self.card.setProperty("role", "card")
        self.card_layout = QVBoxLayout(self.card)
        self.scene_title = WrapLabel("", role="heading")
        self.scene_text = WrapLabel("")
        self.scene_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.events = WrapLabel("", role="muted")
        self.card_layout.addWidget(self.scene_title)
        self.card_layout.addWidget(self.scene_text)
        self.card_layout.addWidget(self.events)
        self.panel_holder = QVBoxLayout()
        self.card_layout.addLayout(self.panel_holder)
        self.card.setVisible(False)
        layout.addWidget(self.card)
        choices_label = QLabel("Your choices (replayed after each save)")
        choices_label.setProperty("role", "heading")
        layout.addWidget(choices_label)
        self.choices = QListWidget()
        self.choices.setAccessibleName("Your choices in the preview, in order")
        self.choices.setMaximumHeight(140)
        choices_label.setBuddy(self.choices)
        layout.addWidget(self.choices)
        layout.addStretch(1)
        self._refresh_buttons()

    # -- inputs from the window ------------------------------------------------------------------
    def set_scenario(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.variables.set_scenario(scenario)
        self._refresh_buttons()

    def set_scene(self, scene_id: str | None) -> None:
        self.scene_id = scene_id
        self._refresh_buttons()

    @Slot(bool)
    def _show_values(self, shown: bool) -> None:
        self.variables.setVisible(shown)
        self.values_toggle.setText("Start values \u25be" if shown else "Start values \u25b8 (time, variables)")

    def set_paused(self, reason: str | None) -> None:
        """The file has errors: show why and refuse to play until it is fixed."""
        self.paused = reason
        if reason:
            self.show_banner(f"\u26a0 Preview paused: {reason}. Your choices are kept and replayed when the "
                             "file is fixed.")
        else:
            self.banner.setVisible(False)
        self._refresh_buttons()

    def _playable(self) -> bool:
        return not self.paused and self.scenario is not None and self.scene_id in self.scenario.scenes

    def _refresh_buttons(self) -> None:
        playable = self._playable()
        self.play_button.setEnabled(playable)
        self.undo_button.setEnabled(bool(self.session and self.session.choices))
        if playable and self.session is None:
            title = self.scenario.scenes[self.scene_id].title
            self.start_label.setText(f"Selected: {self.scene_id} ({title}). Choose variable values and a time, "
                                     "then Play from here.")
        elif self.session is None:
            self.start_label.setText("Select a scene on the map (a scene, not an ending), then Play from here.")

    # -- playing ------------------------------------------------------------------------------------
    @Slot()
    def play_from_here(self, scene_id: str | None = None, minutes: int | None = None,
                       variables: dict | None = None) -> None:
        if self.scenario is None or self.paused:
            return
        scene_id = scene_id or self.scene_id
        if scene_id not in self.scenario.scenes:
            return
        if minutes is not None:
            self.variables.minutes.setValue(minutes)
        if variables:
            self.variables.set_values(variables)
        start = PreviewStart(scene_id, self.variables.minutes.value(), tuple(self.variables.values().items()))
        self.session = PreviewSession.begin(self.scenario, start)
        self.banner.setVisible(False)
        self.values_toggle.setChecked(False)      # make room for the scene; one click brings it back
        self.render()
        if self.panel is not None:
            self.panel.first_focus().setFocus()

    def replay(self, scenario: Scenario) -> Stopped | None:
        """After a save: rebuild the preview on the new scenario and replay the choices."""
        self.set_scenario(scenario)
        if self.session is None:
            return None
        total = len(self.session.choices)
        stopped = self.session.replay(scenario)
        if stopped is not None:
            self.show_banner("\u26a0 " + stopped.message(total))
        else:
            self.banner.setVisible(False)
        self.render()
        return stopped

    def show_banner(self, text: str) -> None:
        self.banner_text.setText(text)
        self.banner.setVisible(True)

    @Slot()
    def undo(self) -> None:
        if self.session and self.session.choices:
            self.session.undo()
            self.banner.setVisible(False)
            self.render()

    @Slot(object, object)
    def _on_submitted(self, selection, rationale) -> None:
        try:
            self.session.choose(selection, rationale)
        except RunnerError as exc:
            self.panel.show_error(str(exc))
            return
        self.banner.setVisible(False)
        self.render()
        if self.panel is not None:
            self.panel.first_focus().setFocus()

    @Slot()
    def _on_continued(self) -> None:
        try:
            self.session.continue_()
        except RunnerError as exc:
            self.panel.show_error(str(exc))
            return
        self.render()

    def choose(self, selection, rationale=None) -> None:
        """Tests and keyboard users: answer the current decision as if through the panel."""
        self._on_submitted(selection, rationale)

    # -- drawing ------------------------------------------------------------------------------------
    def render(self) -> None:
        if self.panel is not None:
            self.panel.setParent(None)
            self.panel.deleteLater()
            self.panel = None
        session = self.session
        self.choices.clear()
        if session is None:
            self.card.setVisible(False)
            self._refresh_buttons()
            return
        start = session.start
        self.start_label.setText(f"Preview from {start.scene_id} at minute {start.minutes} "
                                 f"(injects due before then count as already past).")
        self.choices.addItems(session.describe_choices() or ["(no choices yet)"])
        self.card.setVisible(True)
        runner = session.runner
        if runner is None:
            self.scene_title.setText("The preview cannot start")
            self.scene_text.setText(session.start_error or "")
            self.events.setText("")
        elif runner.ended:
            ending = self.scenario.endings[runner.ended]
            self.scene_title.setText(f"Ending: {ending.title}")
            self.scene_text.setText(f"Outcome: {OUTCOME_WORDS.get(ending.outcome, ending.outcome)}\n\n{reflow(ending.text)}")
            self.events.setText(f"Reached at minute {runner.clock.seconds // 60}.")
        else:
            scene = runner.scene
            self.scene_title.setText(f"{scene.title}  [{scene.id}]")
            self.scene_text.setText(reflow(scene.text))
            fired = [f"Inject {e.inject_id}: {e.text.strip()}" for e in runner.inject_log[-3:]]
            clock = f"Minute {runner.clock.seconds // 60} of the incident."
            self.events.setText("\n".join([clock] + fired))
            if scene.decision is None:
                self.panel = ContinuePanel()
                self.panel.continued.connect(self._on_continued)
            else:
                self.panel = make_panel(scene.decision, runner.available_options())
                self.panel.submitted.connect(self._on_submitted)
            self.panel_holder.addWidget(self.panel)
        self._refresh_buttons()
        self.changed.emit()
