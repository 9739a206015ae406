"""The start screen: who the trainee is, the scenario library, and sessions to resume.

It shows what it is given (library entries, unfinished-session summaries) and emits the
trainee's intent; the main window loads, stores and starts. A scenario that fails
validation is listed with its problems (file:line: message), never hidden.
Must not import the runner, the controller or the store.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QSize, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from .errors import problem_line
from .persistence import SessionSummary, TraineeInfo
from .safe_text import SafeTextBrowser, plain_tooltip
from .theme import LIST_ITEM_PAD_X
from .widgets import FitScrollArea, PaddedItemDelegate, give_viewport

ROLE_LABELS = {"call_handler": "Call handler", "first_responder": "First responder",
               "incident_manager": "Incident manager", "investigator": "Investigator"}
# the engine's TRAINEE_ROLES, in its order (a test checks they match): importing the engine
# here would load it on the GUI thread before the start screen could be shown
TRAINEE_ROLES = tuple(ROLE_LABELS)


def role_label(role: str) -> str:
    return ROLE_LABELS.get(role, role.replace("_", " ").capitalize())


class SessionList(QListWidget):
    """The unfinished sessions: never shorter than its first entry at the width it has now.

    An entry's wrapped height depends on the list's width, which is only known once the list
    is shown and laid out; a height measured while it was hidden (as set_sessions runs) cut
    the entry off. So the minimum is asked of the list each time and re-asked when its width
    changes."""

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        if self.count() == 0:
            return QSize(hint.width(), 48)
        row = max(self.sizeHintForRow(0), self.visualItemRect(self.item(0)).height())
        return QSize(hint.width(), max(48, row + 2 * self.frameWidth()))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            # the items are laid out again at the new width after this event: ask again then
            QTimer.singleShot(0, self.updateGeometry)


def card(title: str) -> tuple[QFrame, QVBoxLayout]:
    frame = QFrame()
    frame.setProperty("role", "card")
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(20, 12, 20, 12)
    layout.setSpacing(8)
    heading = QLabel(title)
    heading.setProperty("role", "heading")
    layout.addWidget(heading)
    return frame, layout


class StartScreen(QWidget):
    scenario_chosen = Signal(object, object)   # LibraryEntry, TraineeInfo
    resume_requested = Signal(object, object)  # SessionSummary, TraineeInfo
    discard_requested = Signal(object)         # SessionSummary
    trainee_changed = Signal(object)           # TraineeInfo (or None when the id is empty)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.entries: list = []
        self.library_loading = False
        self.sessions: list[SessionSummary] = []
        # The content scrolls vertically (never sideways) only when the window is smaller than
        # it: at 1280x720 and above everything fits without scrolling (tests/gui/test_screen_fit.py).
        page = QWidget()
        scroll = FitScrollArea(page)
        self.scroll = scroll
        holder = QVBoxLayout(self)
        holder.setContentsMargins(0, 0, 0, 0)
        holder.addWidget(scroll)
        outer = QVBoxLayout(page)
        outer.setContentsMargins(32, 16, 32, 16)
        outer.setSpacing(12)
        title = QLabel("Clandestine lorry drop: response training")
        title.setProperty("role", "title")
        subtitle = QLabel("Identify yourself, choose a scenario, and read the briefing before you start.")
        subtitle.setProperty("role", "muted")
        outer.addWidget(title)
        outer.addWidget(subtitle)
        grid = QGridLayout()
        grid.setSpacing(16)
        outer.addLayout(grid, 1)

        # -- trainee -------------------------------------------------------------------------
        you, you_layout = card("1. You")
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)   # labels beside the boxes when they fit
        form.setVerticalSpacing(6)
        self.trainee_id = QLineEdit()
        # short enough to show whole in the narrow box at 1280x720 (the note below says more)
        self.trainee_id.setPlaceholderText("e.g. PC 4127")
        self.trainee_id.setAccessibleName("Trainee ID (required)")
        self.name = QLineEdit()
        self.name.setAccessibleName("Name (optional)")
        self.force = QLineEdit()
        self.force.setAccessibleName("Force (optional)")
        self.role = QComboBox()
        self.role.setAccessibleName("Your usual role")
        # narrow enough to sit beside its label in the left column (the list opens wider)
        self.role.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.role.setMinimumContentsLength(10)
        self.role.addItem("Not stated", "")
        for role in TRAINEE_ROLES:
            self.role.addItem(role_label(role), role)
        # Alt+T/N/O/R reach the boxes from anywhere on the screen: after a session the focus
        # waits on "Read the briefing", and a new trainee needs the ID box (the walkthrough)
        form.addRow("&Trainee ID (required)", self.trainee_id)
        form.addRow("&Name (optional)", self.name)
        form.addRow("F&orce (optional)", self.force)
        form.addRow("Usual &role (optional)", self.role)
        you_layout.addLayout(form)
        note = QLabel("Your trainer's code or collar number, never your name: scores stay on this computer.")
        note.setProperty("role", "small")
        note.setWordWrap(True)
        you_layout.addWidget(note)
        self.trainee_id.editingFinished.connect(self._emit_trainee)
        grid.addWidget(you, 0, 0)

        # -- resume ----------------------------------------------------------------------------
        resume, resume_layout = card("Unfinished sessions")
        self.session_list = SessionList()
        self.session_list.setObjectName("sessions")     # slimmer entries (theme): the card fits 1280x720
        self.session_list.setAccessibleName("Unfinished sessions you can resume")
        self.session_list.setWordWrap(True)          # a long scenario title wraps, never cut off
        # lay the entries out again when the width changes: wrapped heights measured at the
        # width the list had while hidden cut the entry off once shown (issue 16)
        self.session_list.setResizeMode(QListView.ResizeMode.Adjust)
        self.session_list.setItemDelegate(PaddedItemDelegate(LIST_ITEM_PAD_X, self.session_list))
        self.session_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.session_list.itemActivated.connect(lambda _item: self._resume())
        # grows with the window; never shorter than its first entry (SessionList.minimumSizeHint)
        resume_layout.addWidget(self.session_list, 1)
        self.no_sessions = QLabel("None: every session you started has finished.")
        self.no_sessions.setProperty("role", "muted")
        self.no_sessions.setWordWrap(True)
        # no spacer below: with no sessions the note takes the room (its text at the top);
        # a spacer would cost a layout gap the card cannot spare at 1280x720
        self.no_sessions.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        resume_layout.addWidget(self.no_sessions, 1)
        self.resume_layout = resume_layout
        buttons = QHBoxLayout()
        self.resume_button = QPushButton("Resume")
        self.resume_button.setAccessibleName("Resume the selected session")
        self.resume_button.clicked.connect(self._resume)
        self.discard_button = QPushButton("Discard")
        self.discard_button.setAccessibleName("Discard the selected unfinished session")
        self.discard_button.clicked.connect(self._discard)
        buttons.addWidget(self.resume_button)
        buttons.addWidget(self.discard_button)
        buttons.addStretch(1)
        resume_layout.addLayout(buttons)
        grid.addWidget(resume, 1, 0)

        # -- library ---------------------------------------------------------------------------
        library, library_layout = card("2. Scenario")
        row = QHBoxLayout()
        row.setSpacing(12)
        self.library_list = QListWidget()
        give_viewport(self.library_list)        # watched for the first paint (see give_viewport)
        self.library_list.setAccessibleName("Scenario library")
        self.library_list.setWordWrap(True)
        self.library_list.setResizeMode(QListView.ResizeMode.Adjust)    # as the sessions list
        self.library_list.setItemDelegate(PaddedItemDelegate(LIST_ITEM_PAD_X, self.library_list))
        self.library_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.library_list.currentRowChanged.connect(self._show_details)
        self.library_list.itemActivated.connect(lambda _item: self._choose())
        row.addWidget(self.library_list, 2)
        self.details = SafeTextBrowser()
        self.details.setOpenLinks(False)
        self.details.setAccessibleName("About the selected scenario")
        row.addWidget(self.details, 3)
        library_layout.addLayout(row, 1)
        self.error = QLabel("")
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        self.error.setVisible(False)
        library_layout.addWidget(self.error)
        go = QHBoxLayout()
        go.addStretch(1)
        self.start_button = QPushButton("Read the briefing \u2192")
        self.start_button.setProperty("role", "primary")
        self.start_button.setAccessibleName("Open the briefing for the selected scenario")
        self.start_button.clicked.connect(self._choose)
        # Enter in a "You" box opens the briefing, as the primary button would: a keyboard
        # user types the ID and presses Enter (the walkthrough found Enter did nothing).
        for edit in (self.trainee_id, self.name, self.force):
            edit.returnPressed.connect(self._choose)
        go.addWidget(self.start_button)
        library_layout.addLayout(go)
        grid.addWidget(library, 0, 1, 2, 1)
        grid.setColumnStretch(0, 2)
        grid.setColumnStretch(1, 5)
        grid.setRowStretch(0, 0)       # the trainee card as tall as its form; the sessions list takes the rest
        grid.setRowStretch(1, 1)
        self._update_buttons()

    # -- filling -----------------------------------------------------------------------------
    def set_trainee(self, trainee: TraineeInfo | None) -> None:
        if trainee is None:
            return
        self.trainee_id.setText(trainee.trainee_id)
        self.name.setText(trainee.display_name)
        self.force.setText(trainee.force)
        index = self.role.findData(trainee.role)
        self.role.setCurrentIndex(max(0, index))

    def trainee(self) -> TraineeInfo | None:
        trainee_id = self.trainee_id.text().strip()
        if not trainee_id:
            return None
        return TraineeInfo(trainee_id, self.name.text().strip(), self.force.text().strip(),
                           self.role.currentData() or "")

    def set_library_loading(self) -> None:
        """Show that the library is being scanned: a placeholder row, nothing to start yet."""
        self.library_loading = True
        self.entries = []
        self.library_list.clear()
        item = QListWidgetItem("Loading scenarios\u2026")
        item.setFlags(Qt.ItemFlag.NoItemFlags)       # not selectable, not a scenario
        self.library_list.addItem(item)
        self.library_list.setAccessibleDescription("Loading scenarios")
        self.details.setHtml("<p>Loading the scenario library\u2026</p>")
        self._update_buttons()

    def set_library(self, entries: list) -> None:
        """Show ``entries`` (from the scan, or from the library index: both have ``card``). The
        scenario selected before stays selected when it is still listed and usable (the scan
        replaces the index's list a moment after start-up, perhaps after a click)."""
        row = self.library_list.currentRow()
        selected = self.entries[row].path if not self.library_loading and 0 <= row < len(self.entries) else None
        self.library_loading = False
        self.library_list.setAccessibleDescription("")
        # by title, as a trainee looks for a scenario (file names are the author's; bundled first)
        self.entries = sorted(entries, key=lambda e: (not getattr(e, "bundled", False), e.title.casefold(), str(e.path)))
        self.library_list.clear()
        for entry in self.entries:
            self.library_list.addItem(self._library_item(entry))
        first_ok = next((i for i, e in enumerate(self.entries) if e.ok), 0)
        row = next((i for i, e in enumerate(self.entries) if e.ok and e.path == selected), first_ok)
        if self.entries:
            self.library_list.setCurrentRow(row)
        else:
            self.details.setHtml("<p>No scenarios found. Put scenario files in your scenario folder.</p>")
        self._update_buttons()

    def set_sessions(self, sessions: list[SessionSummary]) -> None:
        self.sessions = list(sessions)
        self.session_list.clear()
        for session in self.sessions:
            when = session.started_at.replace("T", " ")[:16]
            title = session.scenario_title or session.scenario_id
            item = QListWidgetItem(f"{title} \u00b7 started {when}")     # one line fewer: the card fits 1280x720
            item.setToolTip(f"Session {session.session_id}")
            self.session_list.addItem(item)
        if self.sessions:
            self.session_list.setCurrentRow(0)
        self.session_list.setVisible(bool(self.sessions))
        self.no_sessions.setVisible(not self.sessions)
        self.session_list.updateGeometry()     # room for the first entry (more rows scroll)
        self.resume_layout.setStretchFactor(self.no_sessions, 0 if self.sessions else 1)
        self._update_buttons()

    def _library_item(self, entry) -> QListWidgetItem:
        if entry.ok:
            s = entry.card
            text = f"{entry.title}\n{s.duration_minutes} min \u00b7 {s.difficulty.capitalize()}"
            if not entry.bundled:
                text += " \u00b7 your folder"
        else:
            errors = entry.errors or entry.problems
            first = problem_line(errors[0], short=True) if errors else "it could not be read"
            count = len(errors)
            text = (f"\u26a0 {entry.path.name}: cannot be used ({count} problem{'s' if count != 1 else ''})\n"
                    f"{first}")
        item = QListWidgetItem(text)
        item.setToolTip(plain_tooltip(text))     # scenario titles and problems are untrusted text
        return item

    # -- reacting ----------------------------------------------------------------------------
    @Slot(int)
    def _show_details(self, row: int) -> None:
        self._update_buttons()
        if not 0 <= row < len(self.entries):
            self.details.clear()
            return
        entry = self.entries[row]
        if not entry.ok:
            items = "".join(f"<li>{html.escape(problem_line(p))}</li>" for p in (entry.errors or entry.problems))
            self.details.setHtml(
                f"<h3>\u26a0 {html.escape(entry.path.name)} cannot be used</h3>"
                f"<p>{html.escape(str(entry.path))}</p><p>Problems found (file:line: message):</p><ul>{items}</ul>"
                "<p>Ask the scenario's author to fix these; <i>hydra-sim lint</i> lists them too.</p>")
            return
        from ..engine.text import markdown_to_html  # small: the engine package loads its parts on use
        s = entry.card
        roles = ", ".join(role_label(r) for r in s.roles) or "Any"
        self.details.setHtml(
            f"<h2>{html.escape(s.title)}</h2>{markdown_to_html(s.summary)}"
            f"<p><b>Duration:</b> about {s.duration_minutes} minutes<br>"
            f"<b>Difficulty:</b> {html.escape(s.difficulty.capitalize())}<br>"
            f"<b>Roles you play:</b> {html.escape(roles)}<br>"
            f"<b>Version:</b> {html.escape(s.version)}{'' if entry.bundled else ' (from your scenario folder)'}</p>")

    def _update_buttons(self) -> None:
        row = self.library_list.currentRow()
        self.start_button.setEnabled(0 <= row < len(self.entries) and self.entries[row].ok)
        has_session = self.session_list.currentRow() >= 0 and bool(self.sessions)
        self.resume_button.setEnabled(has_session)
        self.discard_button.setEnabled(has_session)

    def show_error(self, text: str) -> None:
        self.error.setText(f"\u26a0 {text}" if text else "")
        self.error.setVisible(bool(text))

    def _require_trainee(self) -> TraineeInfo | None:
        trainee = self.trainee()
        if trainee is None:
            self.show_error("Enter your trainee ID first (box 1).")
            self.trainee_id.setFocus(Qt.FocusReason.OtherFocusReason)
        return trainee

    @Slot()
    def _emit_trainee(self) -> None:
        self.trainee_changed.emit(self.trainee())

    @Slot()
    def _choose(self) -> None:
        row = self.library_list.currentRow()
        if not 0 <= row < len(self.entries) or not self.entries[row].ok:
            return
        trainee = self._require_trainee()
        if trainee is not None:
            self.show_error("")
            self.scenario_chosen.emit(self.entries[row], trainee)

    @Slot()
    def _resume(self) -> None:
        row = self.session_list.currentRow()
        if not 0 <= row < len(self.sessions):
            return
        trainee = self._require_trainee()
        if trainee is not None:
            self.show_error("")
            self.resume_requested.emit(self.sessions[row], trainee)

    @Slot()
    def _discard(self) -> None:
        row = self.session_list.currentRow()
        if 0 <= row < len(self.sessions):
            self.discard_requested.emit(self.sessions[row])
