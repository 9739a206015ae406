"""The incident screen: the scene, its media, the decision panel, the clock, the countdown,
update banners, the incident log, the reference material and, when the scenario declares
partner agencies, the request form (request_form.py).

Layout: the top bar (scene title, countdown, clock, pause) and the action bar at the foot of
the left column (the validation message and Decide / Continue) never scroll; only the scene
text and the decision's options between them do. So deciding never needs scrolling, even
at 1280x720 with long options. The scene title is shown once, in the top bar.

It renders what the session controller exposes and forwards the trainee's answers to it;
every rule (what is offered, what an answer does, when time runs out) stays in the engine.
Update banners never take keyboard focus and sit over the incident log, so they never take
the scene column's height. Pausing keeps everything readable but blocks
deciding. Keyboard (keyboard.py has the model): Ctrl+Enter decides or continues from anywhere
on the screen, Tab follows the reading order (scene text, documents, options, rationale,
Decide, Pause, then the log). A new scene is shown from the top of its text, with the focus on
its first control; that control is scrolled into view by the first key it gets, and whatever
the focus moves to in the scrolling column is scrolled into view. Must not import the runner
or the store.
"""

from __future__ import annotations

import html
import logging

import shiboken6
from PySide6.QtCore import QEvent, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..engine import RunnerError
from ..engine.text import markdown_to_html
from .collector_hold import hold_until_painted
from .decision_panels import ContinuePanel, OptionRow, add_decide_shortcuts, make_panel
from .eliding_button import ElidingButton
from .errors import describe
from .incident_log import IncidentLogModel, IncidentLogView
from .media_viewer import MediaViewer
from .request_form import RequestForm
from .safe_text import SafeTextBrowser, plain_tooltip
from .session_controller import LogEntry, PausedError
from .widgets import FlowLayout, WrapLabel, banner, held_layouts, reveal

log = logging.getLogger(__name__)
MEDIA_VERBS = {"image": "View picture", "document": "Open document", "audio": "Listen"}
MEDIA_SYMBOLS = {"image": "\u25a3", "document": "\u2261", "audio": "\u266a"}


def recorded_text(kind: str, time_label: str) -> str:
    """The status beside Decide once an answer (or a countdown running out) is on disk."""
    if kind == "expired":
        return f"\u2713 Time ran out at {time_label}: saved"      # what happened, not a decision made
    return f"\u2713 Decision at {time_label} recorded"


def _label(text: str = "", role: str | None = None, wrap: bool = True) -> QLabel:
    if wrap:
        return WrapLabel(text, role=role)
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)     # scenario titles are untrusted: never rich text
    if role:
        label.setProperty("role", role)
    return label


class IncidentScreen(QWidget):
    pause_toggled = Signal()

    def __init__(self, controller, parent: QWidget | None = None):
        super().__init__(parent)
        self.controller = controller
        self.panel = None
        self._panels: dict[str, QWidget] = {}      # one panel per decision kind, reused scene to scene
        self.viewers: list[MediaViewer] = []
        self.media_buttons: dict[str, QPushButton] = {}
        self._media_pool: list[QPushButton] = []      # media buttons, reused scene to scene
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)

        # -- top bar: where, countdown, clock, pause ------------------------------------------------
        self.top_bar = bar = QFrame()
        bar.setProperty("role", "topbar")
        top = QHBoxLayout(bar)
        top.setContentsMargins(24, 10, 24, 10)
        top.setSpacing(16)
        where = QVBoxLayout()
        self.scenario_label = _label("", "small")      # wraps: a long title at a big zoom never widens the window
        self.scene_heading = _label("", "heading")
        self.scene_heading.setAccessibleName("Scene title")
        where.addWidget(self.scenario_label)
        where.addWidget(self.scene_heading)
        top.addLayout(where, 1)
        countdown = QVBoxLayout()
        self.countdown_label = _label("", None, wrap=False)
        self.countdown_label.setAccessibleName("Time left to decide")
        self.countdown_bar = QProgressBar()
        self.countdown_bar.setTextVisible(False)
        self.countdown_bar.setAccessibleName("Time left to decide")
        self.countdown_bar.setMinimumWidth(220)
        countdown.addWidget(self.countdown_label)
        countdown.addWidget(self.countdown_bar)
        self.countdown_box = QWidget()
        self.countdown_box.setLayout(countdown)
        # its room is kept while no countdown runs: a countdown appearing then narrows nothing
        # (the scene title would re-wrap, and the whole screen be laid out and painted again)
        policy = self.countdown_box.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.countdown_box.setSizePolicy(policy)
        top.addWidget(self.countdown_box)
        clock = QVBoxLayout()
        clock.addWidget(_label("Incident time", "small", wrap=False))
        self.clock_label = _label("--:--", "clock", wrap=False)
        self.clock_label.setAccessibleName("Incident time")
        clock.addWidget(self.clock_label)
        top.addLayout(clock)
        # facilitated exercises: the link to the facilitator (hidden in a self-paced session)
        self.link_label = _label("", "small", wrap=False)
        self.link_label.setAccessibleName("Connection to the facilitator")
        self.link_label.setVisible(False)
        top.addWidget(self.link_label)
        self.pause_button = QPushButton("\u2016 Pause")
        self.pause_button.setAccessibleName("Pause the scenario (Ctrl+P)")
        self.pause_button.setToolTip("Ctrl+P")
        self.pause_button.clicked.connect(self.pause_toggled)
        top.addWidget(self.pause_button)
        outer.addWidget(bar)

        # -- banners --------------------------------------------------------------------------
        banners = QVBoxLayout()
        banners.setContentsMargins(24, 10, 24, 0)
        banners.setSpacing(6)
        self.paused_banner, self.paused_text = banner(
            "paused", "\u2016 PAUSED: the clock and any countdown are stopped. You can still read everything. "
            "Press Resume (Ctrl+P) to carry on.")
        banners.addWidget(self.paused_banner)
        self.banner = QFrame()
        self.banner.setProperty("role", "banner")
        self.banner.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        banner_row = QHBoxLayout(self.banner)
        banner_row.setContentsMargins(16, 10, 10, 10)
        self.banner_text = _label("")
        self.banner_text.setAccessibleName("New update")
        self.banner_text.setTextFormat(Qt.TextFormat.PlainText)
        banner_row.addWidget(self.banner_text, 1)
        self.banner_close = QPushButton("Dismiss")
        self.banner_close.setAccessibleName("Dismiss the update banner (it stays in the incident log)")
        self.banner_close.clicked.connect(self.hide_banner)
        banner_row.addWidget(self.banner_close, 0, Qt.AlignmentFlag.AlignTop)
        self.banner.setVisible(False)
        # The update banner sits over the incident log (below), not above the scene: there it
        # took the scene column's height, and at 1280x720 the column scrolled the top of the
        # scene text out of view to keep the first option in view (issue 16).
        outer.addLayout(banners)
        self._banner_entries: list[LogEntry] = []

        # -- scene + decision (left), log + reference (right) ------------------------------------
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        holder = QWidget()
        holder_row = QHBoxLayout(holder)
        holder_row.setContentsMargins(24, 16, 16, 24)
        column = QWidget()
        self.column_widget = column
        self.column = QVBoxLayout(column)
        self.column.setSpacing(16)
        holder_row.addWidget(column, 100)
        holder_row.addStretch(1)
        self.scroll.setWidget(holder)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.setSpacing(0)
        left_layout.addWidget(self.scroll, 1)
        self.action_area = QFrame()
        self.action_area.setProperty("role", "actionbar")
        action_row = QHBoxLayout(self.action_area)
        action_row.setContentsMargins(24, 10, 16, 10)
        self.action_slot = QWidget()
        self.action_slot.setObjectName("actionSlot")
        self.action_slot_layout = QVBoxLayout(self.action_slot)
        self.action_slot_layout.setContentsMargins(0, 0, 0, 0)
        action_row.addWidget(self.action_slot, 100)
        action_row.addStretch(1)
        # facilitated exercises: which syndicate member enters the decision (hidden otherwise)
        self.entered_by_label = _label("Entered by", "small", wrap=False)
        self.entered_by_box = QComboBox()
        self.entered_by_box.setAccessibleName("Entered by: the syndicate member entering this decision")
        self.entered_by_label.setBuddy(self.entered_by_box)
        self.entered_by_box.currentTextChanged.connect(self._on_entered_by)
        for widget in (self.entered_by_label, self.entered_by_box):
            widget.setVisible(False)
            action_row.addWidget(widget, 0, Qt.AlignmentFlag.AlignVCenter)
        # Says a decision is recorded only once the store has it on disk (store_writer.py). A
        # fixed width, so the text changing never re-lays out the scene.
        self.record_status = _label("", "muted", wrap=False)
        self.record_status.setAccessibleName("Recording status")
        self.record_status.setFixedWidth(max(self.record_status.fontMetrics().horizontalAdvance(text) for text in (
            recorded_text("decision", "00:00"), recorded_text("expired", "00:00"))) + 24)
        action_row.addWidget(self.record_status, 0, Qt.AlignmentFlag.AlignVCenter)
        left_layout.addWidget(self.action_area)
        self.action_bar: QWidget | None = None

        self.scene_card = QFrame()
        self.scene_card.setProperty("role", "card")
        scene_layout = QVBoxLayout(self.scene_card)
        scene_layout.setContentsMargins(24, 18, 24, 18)
        scene_layout.setSpacing(10)
        self.speaker_label = _label("", "muted")
        self.speaker_label.setAccessibleName("Speaker")
        self.narrative = WrapLabel("", rich=True)
        # a Tab stop (the first in reading order), so a keyboard user can select and copy it too
        self.narrative.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse |
                                               Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.narrative.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.narrative.setProperty("focusable", True)        # gets the theme's focus outline
        self.narrative.setAccessibleName("Scene")
        scene_layout.addWidget(self.speaker_label)
        scene_layout.addWidget(self.narrative)
        # the scene's documents wrap into rows: three long titles never widen the column
        self.media_row = FlowLayout(spacing=8)
        scene_layout.addLayout(self.media_row)
        self.column.addWidget(self.scene_card)

        self.decision_card = QFrame()
        self.decision_card.setProperty("role", "card")
        self.decision_layout = QVBoxLayout(self.decision_card)
        self.decision_layout.setContentsMargins(24, 18, 24, 18)
        self.column.addWidget(self.decision_card)
        self.column.addStretch(1)
        splitter.addWidget(left)

        self.side = QTabWidget()
        self.side.setAccessibleName("Incident log and reference material")
        self.log_model = IncidentLogModel(controller.history, self)
        self.log_view = IncidentLogView()
        self.log_view.setModel(self.log_model)
        self.side.addTab(self.log_view, "Incident log")
        reference = QWidget()
        ref_layout = QVBoxLayout(reference)
        ref_layout.setContentsMargins(10, 10, 10, 10)
        ref_intro = _label("Optional reading. What you open is noted in your log (it is not marked down).",
                           "small")
        ref_layout.addWidget(ref_intro)
        self.reference_list = QListWidget()
        self.reference_list.setAccessibleName("Reference material")
        self.reference_list.setWordWrap(True)
        self.reference_list.setMaximumHeight(180)
        self.reference_list.itemActivated.connect(self._open_reference)
        self.reference_list.itemClicked.connect(self._open_reference)
        ref_layout.addWidget(self.reference_list)
        self.reference_text = SafeTextBrowser()
        self.reference_text.setOpenLinks(False)
        self.reference_text.setAccessibleName("Reference text")
        ref_layout.addWidget(self.reference_text, 1)
        self.reference_media_button = QPushButton("View the picture")
        self.reference_media_button.setAccessibleName("View this reference item's picture or document")
        self.reference_media_button.setVisible(False)
        self.reference_media_button.clicked.connect(self._view_reference_media)
        ref_layout.addWidget(self.reference_media_button)
        self.side.addTab(reference, "Reference")
        # requests for information to partner agencies (only when the scenario declares partners)
        self.request_form = RequestForm(controller)
        self.partners_tab = self.side.addTab(self.request_form.in_scroll_area(), "Partners")
        side_column = QWidget()
        side_layout = QVBoxLayout(side_column)
        side_layout.setContentsMargins(0, 10, 10, 0)
        side_layout.setSpacing(6)
        side_layout.addWidget(self.banner)
        side_layout.addWidget(self.side, 1)
        splitter.addWidget(side_column)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([760, 460])
        outer.addWidget(splitter, 1)
        self._reference_media = None
        self._fit_column()
        # one Ctrl+Enter for the whole screen: decide, or continue, wherever the focus is
        self.shortcuts = add_decide_shortcuts(self, self.decide_now)
        self._placing_focus = False
        self._unrevealed: QWidget | None = None     # the start-of-scene control, until it is acted on
        QApplication.instance().focusChanged.connect(self._on_focus_changed)

        controller.session_started.connect(self._on_session_started)
        controller.scene_changed.connect(self.show_scene)
        controller.clock_changed.connect(self.clock_label.setText)
        controller.countdown_changed.connect(self._on_countdown)
        controller.paused_changed.connect(self._on_paused)
        controller.log_entry_added.connect(self.log_model.refresh)
        controller.inject_arrived.connect(self._on_inject)
        controller.recorded.connect(self._on_recorded)
        controller.store_failed.connect(self._on_store_failed)
        controller.store_recovered.connect(self._on_store_recovered)
        controller.intervention_applied.connect(self._on_intervention)

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit_column()

    def _fit_column(self) -> None:
        """Keep narrative lines to about 95 characters at the current text size."""
        width = self.fontMetrics().averageCharWidth() * 95 + 100
        self.column_widget.setMaximumWidth(width)
        self.action_slot.setMaximumWidth(width)

    # -- session ------------------------------------------------------------------------------
    @Slot()
    def _on_session_started(self) -> None:
        self.log_model.set_source(self.controller.history)
        self.hide_banner()
        self._on_paused(False)
        self.record_status.setText("")
        scenario = self.controller.scenario
        self.scenario_label.setText(scenario.title)
        self.reference_list.clear()
        self.reference_text.setHtml("<p>Choose an item above to read it.</p>")
        self.reference_media_button.setVisible(False)
        for ref_id, item in scenario.reference.items():
            row = QListWidgetItem(item.title)
            row.setData(Qt.ItemDataRole.UserRole, ref_id)
            self.reference_list.addItem(row)
        self.side.setTabVisible(1, bool(scenario.reference))
        self.side.setTabVisible(self.partners_tab, bool(scenario.partners))
        self._prepare_panels(scenario)

    @Slot()
    def show_scene(self) -> None:
        scene = self.controller.scene
        if scene is None or self.controller.runner.ended:
            return
        # one layout and one paint for the new scene, not one per widget swapped in; only the
        # scene column and the Decide bar (the log and top bar repaint just what changes there)
        changing = (self.scroll, self.action_area)
        for widget in changing:
            widget.setUpdatesEnabled(False)
        # and the layouts that hold what the scene shows and hides laid out once, after it
        holding = (self.top_bar, self.scene_card, self.decision_card, self.action_slot, *self._panels.values())
        try:
            with held_layouts(self, *holding):
                self._build_scene(scene)
        finally:
            for widget in changing:
                widget.setUpdatesEnabled(True)

    def _build_scene(self, scene) -> None:
        # Where the keyboard user was: anywhere in the scene column (the scene text, a document
        # button, the decision) or its Decide bar. Those widgets are reused by the next scene,
        # so a focus left where it was would sit on, say, the next scene's second document
        # button (issue 16): it moves to the new scene's start instead. Focus in the log or
        # reference tabs stays where the trainee put it.
        focus = QApplication.focusWidget()
        had_focus = self.panel is None or focus is None or focus is self.narrative or \
            self.scroll.isAncestorOf(focus) or \
            (self.action_bar is not None and (focus is self.action_bar or self.action_bar.isAncestorOf(focus)))
        self.scene_heading.setText(scene.title)
        speaker = self.controller.speaker_text(scene.speaker)
        self.speaker_label.setText(f"Speaking: {speaker}" if speaker else "")
        self.speaker_label.setVisible(bool(speaker))
        self.narrative.setText(markdown_to_html(self.controller.scene_text()))
        self._show_media(scene.media)
        decision = self.controller.decision
        kind = "continue" if decision is None else decision.kind
        panel = self._panels.get(kind) or self._add_panel(kind, decision, self.controller.available_options())
        if decision is not None:
            if hasattr(panel, "part_order"):
                panel.part_order = self.controller.part_options     # a rationale's parts, in session order
            panel.load(decision, self.controller.available_options())     # same widgets, new texts
        if self.panel is not None and self.panel is not panel:
            self.panel.hide()
            self.panel.action_bar.hide()
        self.panel = panel
        self.action_bar = panel.action_bar
        if panel.isHidden():
            panel.show()     # a child added to a visible parent is otherwise shown only later
            self.action_bar.show()
        self.panel.set_blocked(self.controller.paused, self.controller.facilitator_paused)
        self.scroll.verticalScrollBar().setValue(0)
        self._on_countdown(self.controller.remaining_seconds(), self.controller.time_limit())
        self._set_tab_order()
        if had_focus and self.isVisible():
            self.focus_first()

    def first_focus(self) -> QWidget:
        """Where a keyboard user starts a scene: its decision's first control (an option, the
        first box of a rationale form), or the scene text when there is nothing to decide."""
        if self.panel is None or isinstance(self.panel, ContinuePanel):
            return self.narrative
        return self.panel.first_focus()

    def focus_first(self) -> None:
        """A scene starts, or a session starts or resumes: the focus goes to ``first_focus``,
        and the scene is shown from the top of its text, since the trainee reads it first
        (issue 16: at 1280x720, scrolling to the first option put the scene's first lines
        above the fold). The focused control is brought into view as soon as the trainee acts
        on it: the first key it gets (Space, typing) scrolls it in, and moving the focus to
        another control scrolls that one in (``_on_focus_changed``)."""
        if self.panel is None:
            return
        target = self.first_focus()
        self._placing_focus = True
        try:
            target.setFocus(Qt.FocusReason.OtherFocusReason)
        finally:
            self._placing_focus = False
        self._release_unrevealed()
        if target is not self.narrative:
            self._unrevealed = target
            target.installEventFilter(self)
        self.scroll.verticalScrollBar().setValue(0)
        QTimer.singleShot(0, self._show_scene_top)      # again once the new scene is laid out

    def _show_scene_top(self) -> None:
        if shiboken6.isValid(self):
            self.scroll.verticalScrollBar().setValue(0)

    def _release_unrevealed(self) -> None:
        target, self._unrevealed = self._unrevealed, None
        if target is not None and shiboken6.isValid(target):
            target.removeEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt override
        # the first key the start-of-scene control gets brings it into view, then it acts as usual
        if watched is self._unrevealed and event.type() == QEvent.Type.KeyPress:
            self._release_unrevealed()
            if shiboken6.isValid(watched) and watched.hasFocus():
                parent = watched.parentWidget()
                reveal(parent if isinstance(parent, OptionRow) else watched)
        return super().eventFilter(watched, event)

    def tab_chain(self) -> list[QWidget]:
        """The screen's Tab stops in reading order (hidden or non-Tab widgets are skipped by Qt)."""
        media = [button for button in self._media_pool if not button.isHidden()]
        panel = self.panel.tab_chain() if self.panel is not None else []
        return [self.narrative, *media, *panel, self.pause_button, self.side]

    def _set_tab_order(self) -> None:
        chain = self.tab_chain()
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    @Slot(QWidget, QWidget)
    def _on_focus_changed(self, old, new) -> None:
        """Scroll what takes the focus into view (an option below the fold, a box under the text)."""
        if new is None or self._placing_focus or not shiboken6.isValid(self):
            return
        if new is not self._unrevealed:
            self._release_unrevealed()
        holder = self.scroll.widget()
        if holder is None or not holder.isAncestorOf(new):
            return
        parent = new.parentWidget()
        target = parent if isinstance(parent, OptionRow) else new      # the whole option, not just its dot
        # the whole widget (ensureWidgetVisible shows only a text box's cursor line)
        # and its left edge, so a wide row never scrolls sideways
        left = target.mapTo(holder, target.rect().center()).y(), target.mapTo(holder, target.rect().topLeft()).x()
        self.scroll.ensureVisible(left[1], left[0], 0, target.height() // 2 + 24)

    @Slot()
    def decide_now(self) -> None:
        """Ctrl+Enter: what the Decide (or Continue) button would do; nothing while paused."""
        if self.panel is not None and self.panel.isVisible():
            self.panel.submit()

    def _add_panel(self, kind: str, decision, options):
        if decision is None:
            panel = ContinuePanel()
            panel.continued.connect(self._continue)
        else:
            panel = make_panel(decision, options)
            panel.submitted.connect(self._submit)
            panel.rationale_started.connect(self.controller.note_rationale_started)
        self.decision_layout.addWidget(panel)
        self.action_slot_layout.addWidget(panel.take_action_bar())
        self._panels[kind] = panel
        return panel

    def _prepare_panels(self, scenario) -> None:
        """Make, in advance, one panel per decision kind the scenario uses, with as many option
        rows as its longest decision, and style them: a Decide click then only swaps texts."""
        self._grow_media_pool(max((len(getattr(scene, "media", ()) or ()) for scene in scenario.scenes.values()),
                                  default=0))
        widest: dict[str, object] = {}
        for scene in scenario.scenes.values():
            decision = getattr(scene, "decision", None)
            kind = "continue" if decision is None else decision.kind
            if kind not in widest or (decision is not None and len(decision.options) > len(widest[kind].options)):
                widest[kind] = decision
        for kind, decision in widest.items():
            options = () if decision is None else decision.options
            panel = self._panels.get(kind) or self._add_panel(kind, decision, options)
            if decision is not None:
                panel.load(decision, options)
            if panel is not self.panel:
                panel.hide()
                panel.action_bar.hide()
            panel.ensurePolished()
            panel.action_bar.ensurePolished()

    def _grow_media_pool(self, count: int) -> None:
        while len(self._media_pool) < count:
            button = ElidingButton()
            button.clicked.connect(lambda _=False, b=button: self.open_media(b.property("media")) if
                                   b.property("media") is not None else None)
            self.media_row.insertWidget(len(self._media_pool), button)
            button.hide()
            button.ensurePolished()
            self._media_pool.append(button)

    def _show_media(self, media_ids) -> None:
        """Show one button per medium, reusing the buttons of earlier scenes (a pool that only grows)."""
        scenario = self.controller.scenario
        shown = [(media_id, scenario.media[media_id]) for media_id in media_ids if media_id in scenario.media]
        self._grow_media_pool(len(shown))
        self.media_buttons = {}
        for index, button in enumerate(self._media_pool):
            if index >= len(shown):
                if not button.isHidden():
                    button.hide()
                button.setProperty("media", None)
                continue
            media_id, media = shown[index]
            verb = MEDIA_VERBS.get(media.kind, "Open")
            button.setText(f"{MEDIA_SYMBOLS.get(media.kind, '')} {verb}: {media.title}")
            button.setAccessibleName(f"{verb}: {media.title}")
            button.setProperty("media", media)
            self.media_buttons[media_id] = button
            if button.isHidden():
                button.show()

    def open_media(self, media) -> MediaViewer:
        """Open a medium beside the incident; the opening is logged, and the countdown may hold
        while the trainee reads it (the scenario's ``pause_while_reading``)."""
        self.controller.open_document(media.id)
        viewer = MediaViewer(media, self)
        viewer.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        viewer.reading_changed.connect(self.controller.set_reading)
        viewer.show()
        self.viewers = [v for v in self.viewers if shiboken6.isValid(v)] + [viewer]
        return viewer

    # -- answers --------------------------------------------------------------------------------
    @Slot(object, object)
    def _submit(self, selection, rationale) -> None:
        self._hold_collector()
        self.hide_banner()
        try:
            self.controller.choose(selection, rationale)
        except (RunnerError, PausedError) as exc:
            if self.panel is not None:
                self.panel.show_error(describe(exc).message if isinstance(exc, RunnerError) else str(exc) + ".")

    @Slot()
    def _continue(self) -> None:
        self._hold_collector()
        self.hide_banner()
        try:
            self.controller.continue_()
        except (RunnerError, PausedError) as exc:
            log.warning("continue refused: %s", exc)

    def _hold_collector(self) -> None:
        # From the click to the next scene on screen, Python's collector would run a young-
        # generation sweep or two (2-5 ms each on the 2-CPU VM) in the middle of the turn; held
        # off, it runs once the scene is painted, while the trainee reads (collector_hold.py).
        hold_until_painted(self.scene_heading, self.narrative)

    # -- clock, countdown, pause, banners -------------------------------------------------------------
    @Slot(float, int)
    def _on_countdown(self, remaining: float, limit: int) -> None:
        self.countdown_box.setVisible(bool(limit))
        if not limit:
            return
        seconds = int(remaining + 0.999)
        held = self.controller.reading and getattr(self.controller.scenario, "pause_while_reading", False)
        self.countdown_label.setText(f"Time left to decide: {seconds // 60}:{seconds % 60:02d}"
                                     + (" (held while you read)" if held else ""))
        self.countdown_bar.setRange(0, limit * 10)
        self.countdown_bar.setValue(int(remaining * 10))
        self.countdown_bar.setAccessibleDescription(f"{seconds} seconds left of {limit}")

    @Slot(bool)
    def _on_paused(self, paused: bool) -> None:
        self._show_pause_owner(paused)
        self.paused_banner.setVisible(paused)
        self.pause_button.setText("\u25b6 Resume" if paused else "\u2016 Pause")
        self.pause_button.setAccessibleName("Resume the scenario (Ctrl+P)" if paused else
                                            "Pause the scenario (Ctrl+P)")
        if self.panel is not None:
            self.panel.set_blocked(paused, paused and self.controller.facilitator_paused)

    @Slot(object)
    def _on_inject(self, entry: LogEntry) -> None:
        self._banner_entries = (self._banner_entries + [entry])[-3:]
        lines = []
        for item in self._banner_entries:
            lines.append(f"\u2709 {item.title} at {item.time_label}:\n{item.detail}")
        self.banner_text.setText("\n\n".join(lines))
        self.banner.setVisible(True)      # shown, never focused: the trainee keeps typing

    @Slot()
    def hide_banner(self) -> None:
        self._banner_entries = []
        self.banner.setVisible(False)

    # -- recording status ---------------------------------------------------------------------------
    @Slot(object)
    def _on_recorded(self, entry: LogEntry) -> None:
        if not self.controller.writer.failing:
            self.record_status.setText(recorded_text(entry.kind, entry.time_label))
            self.record_status.setToolTip("Your decision is saved on this computer.")

    @Slot(object)
    def _on_store_failed(self, exc) -> None:
        self.record_status.setText("\u26a0 Not saved yet: retrying")
        self.record_status.setToolTip("The score store cannot be written just now. Your decisions are kept "
                                      "and will be written, in order, as soon as it can be.")

    @Slot()
    def _on_store_recovered(self) -> None:
        last = self.controller.last_recorded
        self.record_status.setText(recorded_text(last.kind, last.time_label) if last else "\u2713 Saved")
        self.record_status.setToolTip("Every decision so far is saved on this computer.")

    # -- reference --------------------------------------------------------------------------------
    @Slot(QListWidgetItem)
    def _open_reference(self, row: QListWidgetItem) -> None:
        ref_id = row.data(Qt.ItemDataRole.UserRole)
        item = self.controller.scenario.reference.get(ref_id)
        if item is None:
            return
        self.show_reference(ref_id)

    def show_reference(self, ref_id: str) -> None:
        scenario = self.controller.scenario
        item = scenario.reference[ref_id]
        self.side.setCurrentIndex(1)
        body = markdown_to_html(item.text) if item.text else ""
        media = scenario.media.get(item.media) if item.media else None
        if media is not None and not body:
            body = markdown_to_html(media.alt or "")
        self.reference_text.setHtml(f"<h3>{html.escape(item.title)}</h3>{body}")
        self._reference_media = media
        self.reference_media_button.setVisible(media is not None)
        if media is not None:
            self.reference_media_button.setText(f"{MEDIA_VERBS.get(media.kind, 'Open')}: {media.title}")
        self.controller.open_reference(ref_id)

    @Slot()
    def _view_reference_media(self) -> None:
        if self._reference_media is not None:
            self.open_media(self._reference_media)

    # -- facilitated exercises (hydra_sim/gui/exercise/station.py sets these) -----------------------
    def set_exercise(self, syndicate: str, members: list[str]) -> None:
        """Show the exercise widgets: the 'Entered by' selector and the connection indicator."""
        self.entered_by_box.blockSignals(True)
        self.entered_by_box.clear()
        self.entered_by_box.addItems(list(members))
        self.entered_by_box.blockSignals(False)
        self.entered_by_box.setToolTip(f"Syndicate {syndicate}: choose who is entering the decision")
        for widget in (self.entered_by_label, self.entered_by_box, self.link_label):
            widget.setVisible(True)
        self._on_entered_by(self.entered_by_box.currentText())

    def clear_exercise(self) -> None:
        for widget in (self.entered_by_label, self.entered_by_box, self.link_label):
            widget.setVisible(False)
        self.controller.entered_by = None

    @Slot(str)
    def _on_entered_by(self, member: str) -> None:
        self.controller.entered_by = member or None

    def set_link_state(self, connected: bool, message: str = "", fingerprint: str = "") -> None:
        """``fingerprint``: the facilitator's certificate (short form), shown once joined so the
        trainer can compare it with the console's by phone (docs/facilitation.md)."""
        if connected:
            self.link_label.setText("\u25cf Connected to the facilitator"
                                    + (f" (certificate {fingerprint})" if fingerprint else ""))
        else:
            self.link_label.setText("\u25cb Working offline: will catch up")
        self.link_label.setToolTip(plain_tooltip(message) if message else ("Your decisions reach the facilitator as you make them." if connected
                                               else "Decisions are saved on this computer and sent when the "
                                                    "connection comes back."))

    def _show_pause_owner(self, paused: bool) -> None:
        by_facilitator = paused and self.controller.facilitator_paused
        self.paused_text.setText(
            "\u2016 PAUSED BY THE FACILITATOR: the clock and any countdown are stopped. You can still read "
            "everything; the facilitator will resume the exercise." if by_facilitator else
            "\u2016 PAUSED: the clock and any countdown are stopped. You can still read everything. Press "
            "Resume (Ctrl+P) to carry on.")
        self.pause_button.setEnabled(not by_facilitator)

    @Slot(object)
    def _on_intervention(self, entry: dict) -> None:
        if entry.get("action") == "timer":
            seconds = int(entry.get("seconds") or 0)
            change = f"{abs(seconds)} s {'more' if seconds > 0 else 'less'}"
            self._on_inject(LogEntry(int(entry.get("clock") or 0), self.controller.clock_label(entry.get("clock")),
                                     "note", "Timer changed by the facilitator", f"You have {change} to decide."))
