"""Plain-Python computations behind the trainer review window: rows, rates, histograms, timelines.

Everything here works on plain values (dicts from the store, small dataclasses) so it is
tested without a GUI. The review window's Qt models and charts only display what these
functions return. Must not import Qt or any GUI code.

Definitions (docs/trainer-guide.md):
 - an action's *miss rate* is (missed + contravened) / sessions that reached it (every
   status except "not applicable" and "not reached": a session whose path never offered
   the action had no chance to miss it), sorted highest first; "not reached" is counted
   beside it (docs/scoring.md#not-reached);
 - the score histogram has ten 10 % bins, 0-10 ... 90-100 (100 % falls in the last bin);
 - the median time to a critical action is over the sessions that achieved it (on time or
   late), from ``achieved_at`` (simulated seconds from the incident start).
"""

from __future__ import annotations

import json
import logging
import sqlite3
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...engine.rationale import boxes_of
from ...records import outcomes

log = logging.getLogger(__name__)

ON_TIME, LATE, MISSED, CONTRAVENED, NOT_APPLICABLE = "on_time", "late", "missed", "contravened", "not_applicable"
NOT_REACHED = "not_reached"
STATUS_WORDS = {ON_TIME: "Achieved on time", LATE: "Achieved late", MISSED: "Missed",
                CONTRAVENED: "Contravened", NOT_REACHED: "Not reached", NOT_APPLICABLE: "Not applicable",
                "awaiting_marking": "Awaiting marking"}
SESSION_STATUS_WORDS = {"finished": "Finished", "in_progress": "In progress", "abandoned": "Abandoned"}


def humanise(ident: str | None) -> str:
    """'not_yet_competent' -> 'Not yet competent' (for ids shown before a label is known)."""
    if not ident:
        return ""
    text = str(ident).replace("_", " ").replace("-", " ").strip()
    return text[:1].upper() + text[1:]


def format_seconds(seconds: float | int | None) -> str:
    """Simulated seconds as 'T+1h05m' / 'T+12m' / 'T+0m' (time from the incident start)."""
    if seconds is None:
        return ""
    minutes = int(round(float(seconds) / 60))
    hours, minutes = divmod(minutes, 60)
    return f"T+{hours}h{minutes:02d}m" if hours else f"T+{minutes}m"


def format_duration(seconds: float | int | None) -> str:
    """Real seconds a trainee took, as '42 s' or '2 min 05 s'."""
    if seconds is None:
        return ""
    seconds = float(seconds)
    if seconds < 60:
        return f"{seconds:.0f} s"
    minutes, rest = divmod(int(round(seconds)), 60)
    return f"{minutes} min {rest:02d} s"


# -- the sessions table ---------------------------------------------------------------------
@dataclass
class SessionRow:
    """One line of the sessions table, read without touching the (large) stored report."""
    session_id: str
    trainee_id: str
    display_name: str
    force: str
    role: str
    scenario_id: str
    scenario_version: str
    scenario_title: str
    started_at: str
    ended_at: str | None
    status: str
    percent: float | None
    grade_id: str | None
    ending_id: str | None
    critical_misses: int
    grade_label: str = ""           # from the report index when known, else the humanised id
    outcome: str | None = None
    override: dict | None = None    # the store's grade_override(), when there is one
    integrity: bool | None = None   # True OK, False FAILED, None not checked

    @property
    def scenario_text(self) -> str:
        return f"{self.scenario_title} (v{self.scenario_version})"

    @property
    def grade_text(self) -> str:
        if self.override:
            label = self.override.get("grade_label") or humanise(self.override.get("grade_id"))
            return f"{label} (override)"
        return self.grade_label or humanise(self.grade_id)

    @property
    def effective_grade_id(self) -> str | None:
        return (self.override or {}).get("grade_id") or self.grade_id

    @property
    def ending_text(self) -> str:
        if not self.ending_id:
            return ""
        return f"{humanise(self.ending_id)} ({humanise(self.outcome)})" if self.outcome else humanise(self.ending_id)

    @property
    def integrity_text(self) -> str:
        return {True: "OK", False: "FAILED", None: "Not checked"}[self.integrity]


_ROW_SQL = ("SELECT session_id, trainee_id, display_name, force, role, scenario_id, scenario_version,"
            " scenario_title, started_at, ended_at, status, percent, grade, ending_id, critical_failures_json"
            " FROM sessions ORDER BY started_at DESC, rowid DESC")   # from an index: records/schema.READING_INDEXES


def load_rows(store) -> list[SessionRow]:
    """Every session as a table row, in one narrow query (``RowReader`` read to its end)."""
    reader = RowReader(store)
    try:
        return reader.read()
    finally:
        reader.close()


class RowReader:
    """The sessions table's rows read in pieces, in the table's first order (newest first), all from
    one snapshot of the store: the review window shows the first screenful at once and reads the
    rest in batches after its first paint (100,000 rows take about 0.7 s to read and build, which
    grew the wait for the window with the size of the store; issue 14).

    ``SessionStore.sessions()`` selects every column, including each finished session's score
    report (about 45 KB for the flagship scenario), which is several hundred MB for 10,000
    sessions. So this reads only the columns the table shows, from the store's reading index,
    through a separate read-only connection to the store's file, in one read transaction kept
    until the last row is read (the store is in WAL mode: it holds up no writer), so ``total`` and
    the rows agree however the store changes meanwhile. If that fails it falls back to
    ``sessions()``, read whole at once.
    """

    def __init__(self, store):
        self._conn: sqlite3.Connection | None = None
        self._cursor = None
        self._pending: list[SessionRow] = []          # the fallback's rows, handed out in pieces
        self.read_so_far = 0
        try:
            conn = sqlite3.connect(readonly_uri(store.path), uri=True, timeout=5)
            try:
                conn.execute("BEGIN")
                self.total = conn.execute("SELECT COUNT(*) FROM sessions").fetchone()[0]
                self._overrides = _latest_overrides(conn)
                self._cursor = conn.execute(_ROW_SQL)
            except BaseException:
                conn.close()
                raise
            self._conn = conn
        except (sqlite3.Error, AttributeError, TypeError) as exc:
            log.info("narrow session query unavailable (%s); using store.sessions()", exc)
            self._pending = [row_from_summary(s) for s in store.sessions()]
            if hasattr(store, "grade_override"):
                for row in self._pending:
                    row.override = store.grade_override(row.session_id)
            self.total = len(self._pending)
        if not self.total:
            self.close()

    @property
    def done(self) -> bool:
        """True once every row has been handed out (the connection is then closed)."""
        return self._cursor is None and not self._pending

    def read(self, count: int | None = None) -> list[SessionRow]:
        """The next ``count`` rows (every row left, given None); an empty list once done."""
        if self._pending:
            end = len(self._pending) if count is None else count
            out, self._pending = self._pending[:end], self._pending[end:]
        elif self._cursor is not None:
            found = self._cursor.fetchall() if count is None else self._cursor.fetchmany(count)
            overrides = self._overrides
            out = [SessionRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12],
                              r[13], _misses(r[14]), override=overrides.get(r[0])) for r in found]
            if count is None or len(found) < count:
                self.close()
        else:
            out = []
        self.read_so_far += len(out)
        if self.read_so_far >= self.total and not self._pending:
            self.close()
        return out

    def close(self) -> None:
        """Ends the read (rows not read yet are never read)."""
        self._cursor = None
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def _misses(failures) -> int:
    """How many critical failures a stored list holds; 0 when the column is damaged (``verify`` names it)."""
    if failures in (None, "[]"):
        return 0
    try:
        value = json.loads(failures)
    except (TypeError, ValueError, RecursionError):
        return 0
    return len(value) if isinstance(value, list) else 0


def _latest_overrides(conn: sqlite3.Connection) -> dict[str, dict]:
    """The latest grade override of every session, in one query (empty if the store has none)."""
    try:
        rows = conn.execute("SELECT session_id, grade_id, reason, author, created_at FROM grade_overrides"
                            " ORDER BY created_at, rowid").fetchall()
    except sqlite3.Error:          # an older store without overrides
        return {}
    return {r[0]: {"grade_id": r[1], "reason": r[2], "author": r[3], "created_at": r[4]} for r in rows}


def readonly_uri(path) -> str:
    return Path(path).absolute().as_uri() + "?mode=ro"


def row_from_summary(summary) -> SessionRow:
    t = summary.trainee
    return SessionRow(summary.session_id, t.trainee_id, t.display_name, t.force, t.role, summary.scenario_id,
                      summary.scenario_version, summary.scenario_title, summary.started_at, summary.ended_at,
                      summary.status, summary.percent, summary.grade, summary.ending_id,
                      len(summary.critical_failures or []))


@dataclass
class RowFilter:
    """What the trainer narrowed the table to; empty fields match everything."""
    text: str = ""
    scenario_id: str = ""
    force: str = ""
    date_from: str = ""     # ISO date 'YYYY-MM-DD', inclusive
    date_to: str = ""       # inclusive
    grade_id: str = ""
    critical_only: bool = False

    def is_empty(self) -> bool:
        """True when it narrows nothing: every row is accepted."""
        return self == RowFilter()

    def accepts(self, row: SessionRow) -> bool:
        if self.text:
            needle = self.text.casefold()
            hay = " ".join((row.trainee_id, row.display_name, row.force, row.scenario_title,
                            row.scenario_id)).casefold()
            if needle not in hay:
                return False
        if self.scenario_id and row.scenario_id != self.scenario_id:
            return False
        if self.force and row.force != self.force:
            return False
        day = (row.started_at or "")[:10]
        if self.date_from and day < self.date_from:
            return False
        if self.date_to and day > self.date_to:
            return False
        if self.grade_id and row.effective_grade_id != self.grade_id:
            return False
        return not (self.critical_only and row.critical_misses <= 0)


# -- cohort statistics ------------------------------------------------------------------------
@dataclass
class CompactReport:
    """The part of a stored score report the dashboard needs (records/outcomes.py keeps it in the store)."""
    session_id: str
    scenario_id: str
    percent: float | None
    grade_label: str
    outcome: str | None
    actions: list[tuple[str, str, bool, int | None]] = field(default_factory=list)  # id, status, critical, at


#: A team action's id in the compact report (never a catalogue id: those have no colon).
TEAM_PREFIX = outcomes.TEAM_PREFIX
TEAM_AS_ACTION = outcomes.TEAM_AS_ACTION


def compact_report(session_id: str, report: dict) -> tuple[CompactReport, dict[str, str]]:
    """(compact report, {action_id: title}) from a ``ScoreReport.to_dict()``: what the store's
    outcome tables hold for it (records/outcomes.derive, the one derivation)."""
    fields, actions, titles = outcomes.derive(report)
    return (CompactReport(session_id, fields["scenario_id"], fields["percent"], fields["grade_label"],
                          fields["outcome"], actions), titles)


@dataclass
class MissRate:
    action_id: str
    title: str
    critical: bool
    missed: int          # missed or contravened
    contravened: int
    assessed: int        # sessions that reached the action (not "not applicable", not "not reached")
    not_reached: int = 0  # sessions whose path ended before any decision offered it

    @property
    def rate(self) -> float:
        return self.missed / self.assessed if self.assessed else 0.0


def miss_rates(reports: Iterable[CompactReport], titles: dict[str, str] | None = None) -> list[MissRate]:
    """Per NRP action: (missed + contravened) / sessions that reached it, highest first."""
    titles = titles or {}
    acc: dict[str, list] = {}
    for report in reports:
        for aid, status, critical, _at in report.actions:
            if status == NOT_APPLICABLE:
                continue
            entry = acc.get(aid)
            if entry is None:
                entry = acc[aid] = [0, 0, 0, critical, 0]
            if status == NOT_REACHED:
                entry[4] += 1
                continue
            entry[2] += 1
            if status == MISSED:
                entry[0] += 1
            elif status == CONTRAVENED:
                entry[0] += 1
                entry[1] += 1
            entry[3] = entry[3] or critical
    rates = [MissRate(aid, titles.get(aid, humanise(aid)), e[3], e[0], e[1], e[2], e[4]) for aid, e in acc.items()]
    rates.sort(key=lambda m: (-m.rate, -m.missed, m.action_id))
    return rates


def score_histogram(percents: Iterable[float | None]) -> list[int]:
    """Counts in ten 10 % bins: [0,10), [10,20), ... [90,100]; None (unscored) is left out."""
    bins = [0] * 10
    for p in percents:
        if p is None:
            continue
        bins[min(9, max(0, int(float(p) // 10)))] += 1
    return bins


HISTOGRAM_LABELS = [f"{10 * i}\u2013{10 * i + 10}%" for i in range(10)]


@dataclass
class CriticalTime:
    action_id: str
    title: str
    median_seconds: float | None
    achieved: int        # sessions that achieved it (on time or late)
    assessed: int


def median_critical_times(reports: Iterable[CompactReport], titles: dict[str, str] | None = None) -> list[CriticalTime]:
    """Median simulated time (from the incident start) to each critical action, over sessions achieving it."""
    titles = titles or {}
    times: dict[str, list[int]] = {}
    assessed: dict[str, int] = {}
    for report in reports:
        for aid, status, critical, at in report.actions:
            if not critical or status in (NOT_APPLICABLE, NOT_REACHED):
                continue
            assessed[aid] = assessed.get(aid, 0) + 1
            bucket = times.setdefault(aid, [])
            if status in (ON_TIME, LATE) and at is not None:
                bucket.append(at)
    out = [CriticalTime(aid, titles.get(aid, humanise(aid)), statistics.median(v) if v else None, len(v),
                        assessed[aid]) for aid, v in times.items()]
    out.sort(key=lambda c: (c.median_seconds is None, c.median_seconds or 0, c.action_id))
    return out


@dataclass
class CohortSummary:
    sessions: int
    scored: int
    miss_rates: list[MissRate]
    histogram: list[int]
    critical_times: list[CriticalTime]


def cohort_summary(reports: list[CompactReport], titles: dict[str, str]) -> CohortSummary:
    return CohortSummary(len(reports), sum(r.percent is not None for r in reports), miss_rates(reports, titles),
                         score_histogram(r.percent for r in reports), median_critical_times(reports, titles))


def summary_from_counts(sessions: int, actions: Iterable[tuple], percents: Iterable[tuple],
                        titles: dict[str, str]) -> CohortSummary:
    """The same summary as ``cohort_summary``, from counts instead of reports (cohort_counts.py).

    ``actions``: (action id, status, critical, achieved_at, how many) of the counted sessions'
    actions; ``percents``: (percent, how many sessions). One difference only where reports
    disagree on whether an action is critical (one catalogue version against another): here it
    is critical if any counted session's report says so."""
    acc: dict[str, list] = {}
    times: dict[str, dict[int, int]] = {}
    assessed: dict[str, int] = {}
    for aid, status, critical, at, n in actions:
        if status == NOT_APPLICABLE:
            continue
        critical = bool(critical)
        entry = acc.get(aid)
        if entry is None:
            entry = acc[aid] = [0, 0, 0, False, 0]
        entry[3] = entry[3] or critical
        if status == NOT_REACHED:
            entry[4] += n
            continue
        entry[2] += n
        if status == MISSED:
            entry[0] += n
        elif status == CONTRAVENED:
            entry[0] += n
            entry[1] += n
        if critical:
            assessed[aid] = assessed.get(aid, 0) + n
            bucket = times.setdefault(aid, {})
            if status in (ON_TIME, LATE) and at is not None:
                bucket[at] = bucket.get(at, 0) + n
    rates = [MissRate(aid, titles.get(aid, humanise(aid)), e[3], e[0], e[1], e[2], e[4]) for aid, e in acc.items()]
    rates.sort(key=lambda m: (-m.rate, -m.missed, m.action_id))
    critical_times = [CriticalTime(aid, titles.get(aid, humanise(aid)), _median_of_counts(v),
                                   sum(v.values()), assessed[aid]) for aid, v in times.items()]
    critical_times.sort(key=lambda c: (c.median_seconds is None, c.median_seconds or 0, c.action_id))
    bins = [0] * 10
    scored = 0
    for percent, n in percents:
        if percent is None:
            continue
        scored += n
        bins[min(9, max(0, int(float(percent) // 10)))] += n
    return CohortSummary(sessions, scored, rates, bins, critical_times)


def _median_of_counts(counts: dict[int, int]) -> float | None:
    """``statistics.median`` of the values ``counts`` holds (value: how many times), without listing them."""
    total = sum(counts.values())
    if not total:
        return None
    wanted = [total // 2] if total % 2 else [total // 2 - 1, total // 2]
    found, seen = [], 0
    for value in sorted(counts):
        seen += counts[value]
        while wanted and wanted[0] < seen:
            found.append(value)
            wanted.pop(0)
        if not wanted:
            break
    return found[0] if len(found) == 1 else (found[0] + found[1]) / 2


# -- one session: timeline and actions ----------------------------------------------------------
@dataclass
class TimelineItem:
    clock: int
    kind: str                  # scene | inject | decision | reference | document | ended | request | answer
    title: str
    detail: str = ""
    seq: int | None = None     # the stored event's number (decisions can be annotated by it)
    decision_index: int | None = None
    scene_id: str | None = None
    decision_seconds: float | None = None
    rationale: str = ""
    evidenced: list[str] = field(default_factory=list)
    contravened: list[str] = field(default_factory=list)
    shown: list[str] = field(default_factory=list)     # decisions: the option labels top to bottom as shown
    expired: bool = False      # decisions: the countdown ran out (nothing was decided)


TIMELINE_WORDS = {"scene": "Scene", "inject": "Update from", "decision": "Decided", "reference": "Read",
                  "document": "Opened", "ended": "Incident closed", "request": "Asked",
                  "answer": "Answer from"}


def timeline_line(item: TimelineItem) -> str:
    """How the review's timeline words an item: what happened, in the scenario's words.

    An expired countdown says so ("Time ran out: ..."), never "Decided"."""
    if item.kind == "decision" and item.expired:
        return f"Time ran out: {item.title}"
    return f"{TIMELINE_WORDS.get(item.kind, humanise(item.kind))}: {item.title}"


class Labels:
    """Scene titles and option labels from the scenario, when it can be loaded; ids otherwise."""

    def __init__(self, scenario: Any = None):
        self.scenario = scenario

    def scene(self, scene_id: str | None) -> str:
        scene = self.scenario.scenes.get(scene_id) if self.scenario is not None and scene_id else None
        return scene.title if scene is not None else humanise(scene_id)

    def speaker(self, speaker_id: str | None) -> str:
        """The cast member's name, as the trainee saw it ('Radio \u00b7 Westmarch control room')."""
        member = self.scenario.cast.get(speaker_id) if self.scenario is not None and speaker_id else None
        if member is None:
            return humanise(speaker_id) if speaker_id else "the incident"
        from ..wording import speaker_line
        return speaker_line(member.name, member.role)

    def reference(self, reference_id: str | None) -> str:
        item = self.scenario.reference.get(reference_id) if self.scenario is not None and reference_id else None
        return item.title if item is not None else humanise(reference_id)

    def media(self, media_id: str | None) -> str:
        item = self.scenario.media.get(media_id) if self.scenario is not None and media_id else None
        return item.title if item is not None else humanise(media_id)

    def partner(self, partner_id: str | None) -> str:
        partner = self.scenario.partners.get(partner_id) if self.scenario is not None and partner_id else None
        return partner.name if partner is not None else humanise(partner_id)

    def ending(self, ending_id: str | None) -> str:
        ending = self.scenario.endings.get(ending_id) if self.scenario is not None and ending_id else None
        return ending.title if ending is not None else humanise(ending_id)

    def selection(self, scene_id: str | None, kind: str | None, selection: Any) -> str:
        if selection is None:
            return "No answer in time"
        if kind == "ndm_rationale" and isinstance(selection, dict):
            from ...engine.rationale import filled_boxes_words
            return filled_boxes_words(selection)
        scene = self.scenario.scenes.get(scene_id) if self.scenario is not None and scene_id else None
        decision = getattr(scene, "decision", None)
        ids = [selection] if isinstance(selection, str) else list(selection)
        labels = []
        for option_id in ids:
            option = decision.option(option_id) if decision is not None else None
            labels.append(option.label if option is not None else str(option_id))
        return (" > " if kind == "rank" else "; ").join(labels)

    def shown(self, scene_id: str | None, seed: int | None) -> list[str]:
        """A decision's option labels in the order the session showed them (its seed; None: file order)."""
        scene = self.scenario.scenes.get(scene_id) if self.scenario is not None and scene_id else None
        decision = getattr(scene, "decision", None)
        if decision is None or decision.kind == "ndm_rationale":
            return []
        from ...engine.presentation import presentation_order
        return [o.label for o in presentation_order(seed, scene_id, decision.options)]


def box_title(field_id: str) -> str:
    """An NDM box's title as the trainee saw it ("Threat, risk and harm"), never its id."""
    from ...engine.model import ndm_box_title
    return ndm_box_title(field_id)


def rationale_text(rationale: Any, selection: Any = None) -> str:
    if isinstance(rationale, str):
        return rationale
    if isinstance(rationale, dict):
        return "; ".join(f"{box_title(k)}: {v}" for k, v in rationale.items() if v)
    if isinstance(selection, dict):      # an NDM form: the boxes are the rationale
        return "; ".join(f"{box_title(k)}: {v}" for k, v in boxes_of(selection).items() if v)
    return ""


def timeline(events: list[dict], report: dict | None, labels: Labels | None = None,
             seed: int | None = None) -> list[TimelineItem]:
    """The whole run in order: scenes entered, injects, decisions (time taken, rationale, actions), ending.

    ``seed`` is the session's presentation seed, so each decision lists its options in the
    order the trainee saw them (None: the file order, as sessions before seeds were shown).

    The stored decision events do not list the actions each choice evidenced; the score
    report names, per action, the decision that first earned (or cost) its credit
    (``decision_index``), and that is what a decision line shows.
    """
    labels = labels or Labels()
    by_decision: dict[int, tuple[list[str], list[str]]] = {}
    for action in (report or {}).get("actions") or []:
        index = action.get("decision_index")
        if index is None:
            continue
        good, bad = by_decision.setdefault(int(index), ([], []))
        if action.get("status") == CONTRAVENED:
            bad.append(action.get("title") or action.get("action_id"))
        elif action.get("status") in (ON_TIME, LATE):
            good.append(action.get("title") or action.get("action_id"))
    items = []
    for e in events:
        kind, data, clock = e["kind"], e.get("data") or {}, e["clock"]
        if kind == "scene_entered":
            items.append(TimelineItem(clock, "scene", labels.scene(data.get('scene_id')),
                                      seq=e["seq"], scene_id=data.get("scene_id")))
        elif kind == "inject_fired":
            redirect = f" (moved to {labels.scene(data['redirect'])})" if data.get("redirect") else ""
            items.append(TimelineItem(clock, "inject", f"{labels.speaker(data.get('speaker'))}{redirect}",
                                      str(data.get("text") or "").strip(), seq=e["seq"]))
        elif kind == "decision_recorded":
            index = data.get("index")
            meta = data.get("meta") or {}
            seconds = meta.get("decision_seconds")
            chosen = ("no decision was made in time; the incident moved on" if data.get("expired")
                      else labels.selection(data.get("scene_id"), data.get("kind"), data.get("selection")))
            good, bad = by_decision.get(index, ([], [])) if isinstance(index, int) else ([], [])
            items.append(TimelineItem(clock, "decision", chosen, seq=e["seq"], decision_index=index,
                                      expired=bool(data.get("expired")),
                                      scene_id=data.get("scene_id"),
                                      decision_seconds=float(seconds) if isinstance(seconds, (int, float)) else None,
                                      rationale=rationale_text(data.get("rationale"), data.get("selection")),
                                      evidenced=list(good), contravened=list(bad),
                                      shown=labels.shown(data.get("scene_id"), seed)))
        elif kind == "reference_opened":
            items.append(TimelineItem(clock, "reference", labels.reference(data.get('reference_id')),
                                      seq=e["seq"]))
        elif kind == "document_opened":
            items.append(TimelineItem(clock, "document", labels.media(data.get("media_id")), seq=e["seq"]))
        elif kind == "request_made":        # a request for information to a partner agency
            items.append(TimelineItem(clock, "request", f"{labels.partner(data.get('partner'))} "
                                      f"({data.get('urgency')})", str(data.get("question") or ""), seq=e["seq"]))
        elif kind == "request_answered":
            items.append(TimelineItem(clock, "answer", labels.partner(data.get("partner")),
                                      str(data.get("answer") or ""), seq=e["seq"]))
        elif kind == "ended":
            items.append(TimelineItem(clock, "ended", labels.ending(data.get('ending_id')),
                                      seq=e["seq"]))
    return items


def decision_details(item: TimelineItem) -> str:
    """The second line of a decision in the timeline, all in words."""
    parts = []
    if item.decision_seconds is not None:
        parts.append(f"took {format_duration(item.decision_seconds)}")
    if item.rationale:
        parts.append(f"rationale: \u201c{item.rationale}\u201d")
    if item.evidenced:
        parts.append("evidenced: " + ", ".join(item.evidenced))
    if item.contravened:
        parts.append("contravened: " + ", ".join(item.contravened))
    return " \u2022 ".join(parts)


# -- comparing two sessions -------------------------------------------------------------------
@dataclass
class DecisionPair:
    scene_id: str
    scene_title: str
    a: TimelineItem | None
    b: TimelineItem | None


@dataclass
class ActionPair:
    action_id: str
    title: str
    critical: bool
    a: str | None       # status id, None if not in that report
    b: str | None

    @property
    def differs(self) -> bool:
        return self.a != self.b


def compare_decisions(a: list[TimelineItem], b: list[TimelineItem], labels: Labels | None = None) -> list[DecisionPair]:
    """Decision points matched by scene id, in the order first met (A's order, then B's extras)."""
    labels = labels or Labels()
    first_a = {}
    for item in a:
        if item.kind == "decision" and item.scene_id and item.scene_id not in first_a:
            first_a[item.scene_id] = item
    first_b = {}
    for item in b:
        if item.kind == "decision" and item.scene_id and item.scene_id not in first_b:
            first_b[item.scene_id] = item
    order = list(first_a) + [s for s in first_b if s not in first_a]
    return [DecisionPair(s, labels.scene(s), first_a.get(s), first_b.get(s)) for s in order]


def compare_actions(report_a: dict | None, report_b: dict | None) -> list[ActionPair]:
    a = {x["action_id"]: x for x in (report_a or {}).get("actions") or []}
    b = {x["action_id"]: x for x in (report_b or {}).get("actions") or []}
    order = list(a) + [k for k in b if k not in a]
    return [ActionPair(k, (a.get(k) or b.get(k)).get("title", k), bool((a.get(k) or b.get(k)).get("critical")),
                       a[k]["status"] if k in a else None, b[k]["status"] if k in b else None) for k in order]
