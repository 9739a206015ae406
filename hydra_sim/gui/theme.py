"""Look and feel: the calm light theme, the high-contrast theme, zoom, and focus outlines.

One function builds the whole stylesheet from a base point size, so the text scales with
the system font and the trainee's zoom setting. Status colours always come with a text
label and a symbol elsewhere: nothing here carries meaning by colour alone.

Every colour the GUI paints lives here, including what Qt's stylesheet cannot reach (the
Author map, the review charts, status words in rich text): widgets ask ``current()`` (the
palette last applied) or ``map_colours()``. ``text_pairs(high_contrast)`` lists every text
colour with the background it is drawn on, and a test holds each pair to WCAG AA (4.5:1).
Must not import the engine, the records package or any screen.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

# the horizontal padding of a list entry; widgets.PaddedItemDelegate wraps text to the width
# left inside it (Qt's style sheet measures wrapped entries without it)
LIST_ITEM_PAD_X = 6
ZOOM_STEPS = (0.8, 0.9, 1.0, 1.1, 1.25, 1.4, 1.6, 1.8, 2.0)
MIN_BASE_POINTS = 11.0


@dataclass(frozen=True)
class Palette:
    window: str
    surface: str
    text: str
    muted: str
    accent: str
    accent_text: str
    border: str
    focus: str
    banner: str
    banner_text: str
    good: str
    warn: str
    bad: str
    neutral: str
    selection: str


LIGHT = Palette(window="#f4f5f7", surface="#ffffff", text="#1d2433", muted="#4a5468", accent="#1f5fa8",
                accent_text="#ffffff", border="#c9ced8", focus="#a85a00", banner="#fff4d6",
                banner_text="#3d2e00", good="#1e7b46", warn="#9a5b00", bad="#b3261e", neutral="#5d6675",
                selection="#dbe7f6")
HIGH_CONTRAST = Palette(window="#000000", surface="#000000", text="#ffffff", muted="#ffffff", accent="#ffff00",
                        accent_text="#000000", border="#ffffff", focus="#00ffff", banner="#ffff00",
                        banner_text="#000000", good="#7CFC00", warn="#ffd700", bad="#ff6b6b", neutral="#ffffff",
                        selection="#003a80")

@dataclass(frozen=True)
class MapColours:
    """The Author map (a QGraphicsView the stylesheet does not reach)."""
    background: str
    title: str          # a node's title
    text: str           # a node's other lines
    critical: str       # "\u2605 critical" lines
    problem: str        # "\u26a0" lines, the error border and badge
    warn_badge: str     # the warning badge
    badge_text: str     # the "!" on a badge
    halo: str           # a search match
    selected: str
    edge: str
    redirect: str       # an inject's dashed redirect
    label_bg: str       # an edge label's box
    label_border: str
    label_text: str
    node_fill: str | None     # None: each kind's own light fill (engine/graph.py, shared with exports)
    node_stroke: str | None


MAP_LIGHT = MapColours(background="#ffffff", title="#1d2433", text="#4a5468", critical="#8a1010",
                       problem="#b3261e", warn_badge="#9a5b00", badge_text="#ffffff", halo="#f0a500",
                       selected="#1f5fa8", edge="#5d6675", redirect="#9a6b00", label_bg="#ffffff",
                       label_border="#c9ced8", label_text="#1d2433", node_fill=None, node_stroke=None)
MAP_HIGH_CONTRAST = MapColours(background="#000000", title="#ffffff", text="#ffffff", critical="#ffd700",
                               problem="#ff6b6b", warn_badge="#ffd700", badge_text="#000000", halo="#00ffff",
                               selected="#ffff00", edge="#ffffff", redirect="#ffd700", label_bg="#000000",
                               label_border="#ffffff", label_text="#ffffff", node_fill="#000000",
                               node_stroke="#ffffff")
# the light fills the map paints text on (engine/graph.py OUTCOME_COLOURS, SCENE_COLOURS, INJECT_COLOURS)
LIGHT_NODE_FILLS = ("#d7f0d2", "#fff1c2", "#f8d0cc", "#e3d7f3", "#fbd9b8", "#eef3fb", "#f4f4f4")

STATUS_SYMBOLS = {"on_time": "\u2714", "late": "\u25d1", "missed": "\u2716", "contravened": "\u26a0",
                  "not_reached": "\u2298", "not_applicable": "\u2013", "awaiting_marking": "\u25cc"}


_current = {"high_contrast": False}


def palette(high_contrast: bool) -> Palette:
    return HIGH_CONTRAST if high_contrast else LIGHT


def current() -> Palette:
    """The palette ``apply`` set last (the light one before any window applied a theme)."""
    return palette(_current["high_contrast"])


def is_high_contrast() -> bool:
    return _current["high_contrast"]


def map_colours(high_contrast: bool | None = None) -> MapColours:
    on = is_high_contrast() if high_contrast is None else high_contrast
    return MAP_HIGH_CONTRAST if on else MAP_LIGHT


def text_pairs(high_contrast: bool) -> list[tuple[str, str, str]]:
    """(what, text colour, background) for every text the GUI draws in this theme."""
    p, m = palette(high_contrast), map_colours(high_contrast)
    pairs = []
    for bg_name in ("window", "surface", "selection"):
        bg = getattr(p, bg_name)
        for fg_name in ("text", "muted", "good", "warn", "bad", "neutral"):
            if bg_name == "selection" and fg_name != "text":
                continue          # only plain text is drawn on a selected row
            pairs.append((f"{fg_name} on {bg_name}", getattr(p, fg_name), bg))
    pairs += [("primary button and paused banner", p.accent_text, p.accent),
              ("update banner", p.banner_text, p.banner),
              ("disabled button", p.muted, p.window)]
    fills = [m.node_fill] if m.node_fill else list(LIGHT_NODE_FILLS)
    for fill in fills:
        for fg_name in ("title", "text", "critical", "problem"):
            pairs.append((f"map {fg_name} on node {fill}", getattr(m, fg_name), fill))
    pairs += [("map edge label", m.label_text, m.label_bg),
              ("map error badge", m.badge_text, m.problem),
              ("map warning badge", m.badge_text, m.warn_badge)]
    return pairs


def status_colour(status: str, high_contrast: bool) -> str:
    p = palette(high_contrast)
    return {"on_time": p.good, "late": p.warn, "missed": p.bad, "contravened": p.bad}.get(status, p.neutral)


def base_points(system_points: float, zoom: float) -> float:
    return max(MIN_BASE_POINTS, system_points) * zoom


def stylesheet(points: float, high_contrast: bool) -> str:
    p = palette(high_contrast)
    big = points * 1.6
    h2 = points * 1.3
    small = points * 0.92
    border_w = 2 if high_contrast else 1
    # Radio and check indicators are drawn here, not by the platform style: at least 20 px
    # (readable on a projector, growing with zoom) and in the theme's own colours, so they
    # stay visible on the high-contrast theme's black. A checked box is filled inside its
    # border (background-clip), a chosen radio has a filled dot.
    ind = max(20, round(points * 1.8))
    radius = ind // 2 + 2
    dot = f"qradialgradient(cx:0.5, cy:0.5, radius:0.5, fx:0.5, fy:0.5, stop:0 {p.accent}, stop:0.52 {p.accent}, " \
          f"stop:0.6 {p.surface}, stop:1 {p.surface})"
    return f"""
QWidget {{ color: {p.text}; background: {p.window}; font-size: {points:.1f}pt; }}
/* plain containers (exactly QWidget: pages, columns, rows) show what they sit on: each filled
   the window's colour over its parent's, so a repaint filled the screen several times over
   (issue 14), and a row inside a white card or bar showed a grey patch */
.QWidget, QStackedWidget, QSplitter {{ background: transparent; }}
QMainWindow, QDialog {{ background: {p.window}; }}
QMenuBar, QMenu {{ background: {p.surface}; color: {p.text}; }}
QMenu::item:selected, QMenuBar::item:selected {{ background: {p.accent}; color: {p.accent_text}; }}
QLabel {{ background: transparent; }}
QLabel[role="title"] {{ font-size: {big:.1f}pt; font-weight: 600; }}
QLabel[role="heading"] {{ font-size: {h2:.1f}pt; font-weight: 600; margin-top: 6px; }}
QLabel[role="muted"] {{ color: {p.muted}; }}
QLabel[role="small"] {{ color: {p.muted}; font-size: {small:.1f}pt; }}
QLabel[role="clock"] {{ font-size: {big:.1f}pt; font-weight: 700; font-family: monospace; }}
QLabel[role="error"] {{ color: {p.bad}; font-weight: 600; }}
QFrame[role="card"] {{ background: {p.surface}; border: {border_w}px solid {p.border}; border-radius: 8px; }}
QFrame[role="card"] QLabel, QFrame[role="card"] QRadioButton, QFrame[role="card"] QCheckBox {{ background: {p.surface}; }}
QFrame[role="topbar"] {{ background: {p.surface}; border-bottom: {border_w}px solid {p.border}; }}
QFrame[role="topbar"] QLabel {{ background: {p.surface}; }}
QFrame[role="banner"] {{ background: {p.banner}; border: 2px solid {p.focus}; border-radius: 8px; }}
QFrame[role="banner"] QLabel {{ color: {p.banner_text}; background: {p.banner}; }}
QFrame[role="paused"] {{ background: {p.accent}; border-radius: 8px; }}
QFrame[role="paused"] QLabel {{ color: {p.accent_text}; background: {p.accent}; font-weight: 700; }}
QFrame[role="option"] {{ background: {p.surface}; border: {border_w}px solid {p.border}; border-radius: 6px; }}
QFrame[role="option"] QLabel {{ background: transparent; }}
QFrame[role="option"] QRadioButton, QFrame[role="option"] QCheckBox {{ padding: 2px; }}
QFrame[role="option"] QRadioButton:focus, QFrame[role="option"] QCheckBox:focus {{
    border: 2px solid transparent; background: transparent; }}
QFrame[role="option"][checked="true"] {{ background: {p.selection}; border: 2px solid {p.accent}; }}
QFrame[role="option"][focused="true"] {{ border: 3px solid {p.focus}; }}
QTextBrowser, QPlainTextEdit, QLineEdit, QListWidget, QTreeWidget, QTableWidget, QTableView, QComboBox {{
    background: {p.surface}; color: {p.text}; border: {border_w}px solid {p.border}; border-radius: 6px;
    padding: 6px; selection-background-color: {p.selection}; selection-color: {p.text}; }}
QListWidget#sessions::item {{ padding: 3px {LIST_ITEM_PAD_X}px; }}
QListWidget::item {{ padding: 8px {LIST_ITEM_PAD_X}px; border-bottom: 1px solid {p.border}; }}
QListWidget::item:selected {{ background: {p.selection}; color: {p.text}; }}
QPushButton {{ background: {p.surface}; color: {p.text}; border: {border_w + 1}px solid {p.border};
    border-radius: 6px; padding: 8px 18px; min-height: 1.6em; }}
QPushButton:hover {{ border-color: {p.accent}; }}
QPushButton[compact="true"] {{ padding: 3px 14px; min-height: 1.2em; }}
QPushButton[role="primary"] {{ background: {p.accent}; color: {p.accent_text}; border-color: {p.accent};
    font-weight: 600; }}
QPushButton:disabled {{ color: {p.muted}; background: {p.window}; border-style: dashed; }}
QPushButton[role="primary"]:disabled {{ background: {p.window}; color: {p.muted}; border-color: {p.border}; }}
QPushButton:focus, QToolButton:focus {{ border: 3px solid {p.focus}; }}
QLineEdit:focus, QPlainTextEdit:focus, QTextBrowser:focus, QAbstractItemView:focus, QComboBox:focus,
QAbstractSpinBox:focus, QGraphicsView:focus {{ border: 3px solid {p.focus}; }}
QLabel[focusable="true"] {{ border: 3px solid transparent; border-radius: 4px; }}
QLabel[focusable="true"]:focus {{ border-color: {p.focus}; }}
QRadioButton, QCheckBox {{ padding: 6px; border: 2px solid transparent; border-radius: 6px; spacing: 10px; }}
QRadioButton:focus, QCheckBox:focus {{ border: 3px solid {p.focus}; background: {p.selection}; }}
QRadioButton::indicator, QCheckBox::indicator {{ width: {ind}px; height: {ind}px; border: 2px solid {p.text};
    background: {p.surface}; }}
QRadioButton::indicator {{ border-radius: {radius}px; }}
QRadioButton::indicator:checked {{ background: {dot}; border-color: {p.accent}; }}
QCheckBox::indicator {{ border-radius: 4px; width: {ind - 8}px; height: {ind - 8}px; padding: 4px; }}
QCheckBox::indicator:checked {{ background: {p.accent}; background-clip: content; border-color: {p.accent}; }}
QRadioButton::indicator:disabled, QCheckBox::indicator:disabled {{ border-style: dashed; border-color: {p.muted}; }}
QFrame[role="actionbar"] {{ background: {p.surface}; border-top: {border_w}px solid {p.border}; }}
QFrame[role="actionbar"] QLabel, QWidget#actionSlot, QWidget#actionBar {{ background: {p.surface}; }}
QTabWidget::pane {{ border: {border_w}px solid {p.border}; border-radius: 6px; background: {p.surface}; }}
QTabBar::tab {{ background: {p.window}; color: {p.text}; padding: 8px 16px; border: {border_w}px solid {p.border};
    border-bottom: none; border-top-left-radius: 6px; border-top-right-radius: 6px; }}
QTabBar::tab:selected {{ background: {p.surface}; font-weight: 600; border-top: 3px solid {p.accent}; }}
QTabBar::tab:focus {{ border: 3px solid {p.focus}; }}
QProgressBar {{ border: {border_w}px solid {p.border}; border-radius: 6px; background: {p.surface};
    text-align: center; color: {p.text}; min-height: 1.2em; }}
QProgressBar::chunk {{ background: {p.accent}; border-radius: 5px; }}
QScrollArea {{ border: none; }}
QScrollArea:focus {{ border: 3px solid {p.focus}; }}
QScrollArea[reading="true"] {{ border: 3px solid transparent; }}
QScrollArea[reading="true"]:focus {{ border-color: {p.focus}; }}
QSplitter::handle {{ background: {p.border}; }}
QToolTip {{ background: {p.surface}; color: {p.text}; border: 1px solid {p.border}; }}
"""


def apply(app: QApplication, system_points: float, zoom: float, high_contrast: bool, keys: bool = True) -> float:
    """Set the application font and stylesheet; returns the base point size used. ``keys``
    False leaves the keyboard model to be installed by the caller (``keyboard.install``):
    the main window does it once its first frame is painted (see MainWindow.install_keys)."""
    _current["high_contrast"] = bool(high_contrast)
    points = base_points(system_points, zoom)
    p = palette(high_contrast)
    qpalette = QPalette()
    for role, colour in ((QPalette.ColorRole.Window, p.window), (QPalette.ColorRole.WindowText, p.text),
                         (QPalette.ColorRole.Base, p.surface), (QPalette.ColorRole.Text, p.text),
                         (QPalette.ColorRole.Button, p.surface), (QPalette.ColorRole.ButtonText, p.text),
                         (QPalette.ColorRole.Highlight, p.accent), (QPalette.ColorRole.HighlightedText, p.accent_text),
                         (QPalette.ColorRole.PlaceholderText, p.muted)):
        qpalette.setColor(role, QColor(colour))
    app.setPalette(qpalette)     # Fusion draws radio and check indicators from the palette
    font = QFont(app.font())
    font.setPointSizeF(points)
    app.setFont(font)
    app.setStyleSheet(stylesheet(points, high_contrast))
    if keys:
        from .keyboard import install
        install(app)      # every window applies the theme: the one keyboard model comes with it
    return points


def next_zoom(zoom: float, step: int) -> float:
    """The zoom one step bigger (+1) or smaller (-1), or 1.0 for step 0."""
    if step == 0:
        return 1.0
    steps = list(ZOOM_STEPS)
    nearest = min(range(len(steps)), key=lambda i: abs(steps[i] - zoom))
    return steps[max(0, min(len(steps) - 1, nearest + step))]
