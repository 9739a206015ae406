"""The facilitator's exercise server: stations join with the code, records flow in, interventions flow out.

``ExerciseServer`` listens for WebSocket connections over TLS (python-websockets, threading
API: one thread per connection; a certificate made at start, tls.py), checks each station's
proof of the join code and its scenario, gives each syndicate's first recording station a
secret seat token (only it records for the syndicate after that), checks every record a
station sends against the scenario before the mirror checks it as a bundle's, mirrors every
recording station's session into the facilitator's SessionStore (records/mirror.py), keeps one
``SyndicateView`` per syndicate for the console, and sends facilitator interventions to
recording stations (``answer`` answers a syndicate's request for information as its partner,
with a canned reply of the scenario or free text): queued while a station is offline, resent on reconnect until the
station's log shows them applied (each has an id; the runner applies an id once).

Thread-safe: every public method may be called from any thread. Subscriber callbacks run
on a network thread (a GUI marshals them to its own thread); a callback that raises is
logged and ignored. Bad messages get an ``error`` reply and never stop the server.
The facilitator chooses the order options are shown in (``order``): ``per_syndicate``
(default: each syndicate its own shuffle, so neighbours cannot copy a position) or
``shared`` (every syndicate sees the same order, for a plenary that compares them); the
seed goes to each station in its welcome and is stored as its session's first input.
Pods (a seated scenario, one station per seat, pods.py): a station's hello may name its seat; the
server keeps the shared runner in step with the mirror (each sync replays only its new inputs; a
diverged history is rebuilt whole), sends every seat station only its own
seat's view, checks a seat station's decision (its own seat's current scene, else an error) and
relays it to the recording station, which applies and records it once, with its seat.
Plenary contributions (``contribution``, from any joined station): kept in memory for this exercise,
in order, with the time received and nothing that says who sent them (``contributions()``).
Must not import Qt or any GUI code.
"""

from __future__ import annotations

import copy
import hmac
import logging
import math
import queue
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import ServerConnection, serve

from ..engine.clock import format_clock
from ..engine.loader import load_scenario
from ..engine.presentation import derived_seed, new_seed
from ..engine.run_conditions import ConditionError, check
from ..engine.runner import FACILITATOR_ENDING, FACILITATOR_OUTCOME, RunnerError, ScenarioRunner
from ..records.errors import StoreError
from ..records.mirror import MirrorError, SessionMirror
from ..records.store import SessionStore
from . import pods
from . import protocol as p
from . import tls
from .views import (
    Contribution,
    ContributionReceived,
    DecisionReceived,
    DecisionView,
    ExerciseEnded,
    InterventionApplied,
    InterventionFailed,
    InterventionView,
    StationJoined,
    StationLeft,
    SyndicateUpdated,
    SyndicateView,
)

log = logging.getLogger(__name__)

HELLO_TIMEOUT = 10.0
MAX_TIMER_SECONDS = 3600
MAX_CONTRIBUTIONS = 500             # anonymous plenary contributions kept per exercise (in memory)
_CLOSE_REASON_BYTES = 120           # a WebSocket close reason must fit in 123 bytes


class ExerciseError(Exception):
    """The exercise cannot start or an intervention cannot be made; the message says what to do."""


@dataclass
class _Peer:
    """One connected station, with its own writer thread.

    ``send`` only queues, so a stalled station (a laptop asleep with its connection still
    open) never holds up the console, another syndicate or a recording station's records;
    ``send_view`` keeps just the newest view for a follower that falls behind.
    """
    conn: ServerConnection
    station_id: str
    role: str
    syndicate: str
    synced: bool = False             # the recording station has sent its session on this connection
    seat: str | None = None          # the scenario seat this station plays in a pod (None: every seat)
    lock: threading.Lock = field(default_factory=threading.Lock)
    _queue: queue.SimpleQueue = field(default_factory=queue.SimpleQueue)
    _view: dict | None = None
    _writer: threading.Thread | None = None
    _closed: bool = False

    def send(self, message: dict) -> None:
        self._put(message)

    def send_view(self, message: dict) -> None:
        with self.lock:
            waiting, self._view = self._view is not None, message
        if not waiting:
            self._put(_VIEW)

    def close(self) -> None:
        with self.lock:
            self._closed = True
        self._queue.put(None)

    def _put(self, item) -> None:
        with self.lock:
            if self._closed:
                return
            if self._writer is None:
                self._writer = threading.Thread(target=self._write, daemon=True,
                                                name=f"exercise-send-{self.station_id}")
                self._writer.start()
        self._queue.put(item)

    def _write(self) -> None:
        while True:
            message = self._queue.get()
            if message is None:
                return
            if message is _VIEW:
                with self.lock:
                    message, self._view = self._view, None
                if message is None:
                    continue
            try:
                self.conn.send(p.encode(message))
            except (ConnectionClosed, OSError, p.ProtocolError) as exc:
                log.info("could not send %s to station %s: %s", message.get("type"), self.station_id, exc)
                if isinstance(exc, (ConnectionClosed, OSError)):
                    return


_VIEW = object()       # queue marker: send the follower's newest view here
_STILL_OPEN = "this station's earlier connection"


@dataclass
class _Syndicate:
    view: SyndicateView
    recording: _Peer | None = None
    followers: dict[str, _Peer] = field(default_factory=dict)
    commands: dict[str, dict] = field(default_factory=dict)   # command id -> message, in the order made
    token: str | None = None     # the recording seat's secret: only the station it was given to records
    # Pods: seat id -> the seat station playing it (followers that name a seat; never sent VIEWs, which
    # show every seat's decisions); the seat the recording station plays itself; the shared runner as
    # rebuilt from the mirror; relayed decision id -> the seat station that sent it (for its failure).
    seats: dict[str, _Peer] = field(default_factory=dict)
    seat_tokens: dict[str, str] = field(default_factory=dict)   # seat -> the secret of the station playing it
    recording_seat: str | None = None
    runner: ScenarioRunner | None = None
    relayed: dict[str, str] = field(default_factory=dict)
    relayed_requests: set[str] = field(default_factory=set)   # which of the relayed ids are requests
    # What the kept runner has replayed: the session, how many of its inputs, and the last of them (a
    # sync replays only the inputs after it; a stored history that no longer ends so is rebuilt whole).
    runner_session: str | None = None
    runner_inputs: int = 0
    runner_last: dict | None = None


MAX_WRONG_CODES = 10           # wrong join codes from one address within WRONG_CODE_WINDOW ...
WRONG_CODE_WINDOW = 60.0       # ... seconds lock that address out until the window has passed


class WrongCodeGuard:
    """Slows down guessing the join code: an address that sends ``limit`` wrong codes within
    ``window`` seconds is refused until its oldest failure is that old. A typo or two never
    trips it; a guesser gets ten tries a minute, which makes the 887 million codes useless."""

    def __init__(self, limit: int = MAX_WRONG_CODES, window: float = WRONG_CODE_WINDOW,
                 clock: Callable[[], float] = time.monotonic):
        self.limit, self.window, self.clock = limit, window, clock
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, address: str) -> list[float]:
        now = self.clock()
        recent = [t for t in self._failures.get(address, []) if now - t < self.window]
        if recent:
            self._failures[address] = recent
        else:
            self._failures.pop(address, None)
        return recent

    def locked_out(self, address: str) -> bool:
        with self._lock:
            return len(self._recent(address)) >= self.limit

    def failed(self, address: str) -> None:
        with self._lock:
            self._recent(address)
            self._failures.setdefault(address, []).append(self.clock())


def _address_of(conn: ServerConnection) -> str:
    try:
        return str(conn.remote_address[0])
    except (TypeError, IndexError, OSError):
        return "unknown"


ORDERS = ("per_syndicate", "shared")


class ExerciseServer:
    """One facilitated exercise of one scenario. ``start()``, then share ``address`` and ``code``."""

    def __init__(self, scenario_path: str | Path, store_path: str | Path, *, host: str = "0.0.0.0",
                 port: int = p.DEFAULT_PORT, code: str | None = None, facilitator: str = "facilitator",
                 order: str = "per_syndicate", seed: int | None = None, across_sites: bool = False):
        result = load_scenario(Path(scenario_path))
        if result.scenario is None:
            first = result.problems[0].format() if result.problems else "it could not be read"
            raise ExerciseError(f"cannot run an exercise of {scenario_path}: {first}")
        self.scenario = result.scenario
        self.scenario_path = Path(scenario_path)
        self.store_path = Path(store_path)
        self.host, self.port = host, port
        # Across sites: a long code (>= 100 bits), so a hello captured in the middle cannot be guessed
        # offline; the short code stays the training-room default (docs/facilitation.md).
        self.across_sites = bool(across_sites)
        if code:
            self.code = p.normalise_code(code)
        else:
            self.code = p.normalise_code(p.new_long_code() if self.across_sites else p.new_join_code())
        if len(self.code) < 4:
            raise ExerciseError("a join code needs at least 4 letters or digits")
        if self.across_sites and p.code_bits(self.code) < p.ACROSS_SITES_MIN_BITS:
            needed = math.ceil(p.ACROSS_SITES_MIN_BITS / math.log2(len(p.CODE_ALPHABET)))
            raise ExerciseError(f"across sites, a join code needs at least {needed} letters or digits (about "
                                f"{p.ACROSS_SITES_MIN_BITS} bits), so it cannot be guessed from a captured "
                                "message: leave the code empty to get a new long one")
        self._used_nonces: set[str] = set()   # every accepted hello's nonce: a replayed hello is refused
        self.facilitator = facilitator
        if order not in ORDERS:
            raise ExerciseError(f"the option order must be one of: {', '.join(ORDERS)} (not {order!r})")
        self.order = order
        self.seed = new_seed() if seed is None else int(seed)     # the exercise's; per syndicate it is derived
        self.store: SessionStore | None = None
        self.mirror: SessionMirror | None = None
        self._server = None
        self._thread: threading.Thread | None = None
        self._lock = threading.RLock()
        self._syndicates: dict[str, _Syndicate] = {}
        self._owners: dict[str, str] = {}        # session id -> the syndicate whose station records it
        self._subscribers: list[Callable[[object], None]] = []
        self._ended_reported = False
        # anonymous plenary contributions: text and time only (who sent one is never kept)
        self._contributions: list[Contribution] = []
        self._injects = {i.id: i for i in self.scenario.all_injects()}
        self.wrong_codes = WrongCodeGuard()
        self.fingerprint = ""          # of the TLS certificate made at start (tls.py); stations' proofs bind to it

    @property
    def display_code(self) -> str:
        """The join code as shown and read aloud (a long one in groups of 5)."""
        return p.format_code(self.code)

    @property
    def short_fingerprint(self) -> str:
        """The certificate's fingerprint as a trainer compares it with a station's by phone."""
        return p.short_fingerprint(self.fingerprint)

    def seed_for(self, syndicate: str) -> int:
        """The presentation seed a syndicate's new session uses: the exercise's, or one derived per syndicate."""
        return self.seed if self.order == "shared" else derived_seed(self.seed, syndicate)

    # -- lifecycle -----------------------------------------------------------------------------
    def start(self) -> None:
        """Open the store and listen; raises ExerciseError (port in use, store unusable)."""
        if self._server is not None:
            return
        try:
            self.store = SessionStore(self.store_path)
        except StoreError as exc:
            raise ExerciseError(exc.message) from exc
        self.mirror = SessionMirror(self.store)
        context, self.fingerprint = tls.server_context()     # a new certificate for every exercise
        try:
            self._server = serve(self._handle, self.host, self.port, max_size=p.MAX_MESSAGE_BYTES, ssl=context,
                                 compression=None, ping_interval=10, ping_timeout=20, close_timeout=2)
        except OSError as exc:
            self.store.close()
            raise ExerciseError(f"cannot listen on {self.host}:{self.port} ({exc.strerror or exc}). Another "
                                "program (or exercise) may be using the port: choose another with --port.") from exc
        self._thread = threading.Thread(target=self._server.serve_forever, name="exercise-server", daemon=True)
        self._thread.start()
        log.info("exercise of '%s' listening on %s:%s", self.scenario.id, *self.address)

    def stop(self) -> None:
        """Close every connection and the store. Stations keep recording locally."""
        server, self._server = self._server, None
        if server is not None:
            server.shutdown(reason="the facilitator closed the exercise")
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        if self.store is not None:
            self.store.close()

    def __enter__(self) -> ExerciseServer:
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    @property
    def address(self) -> tuple[str, int]:
        """(host, port) actually listened on (port 0 asks the system for a free one)."""
        if self._server is None:
            return self.host, self.port
        host, port = self._server.socket.getsockname()[:2]
        return host, port

    # -- observing -------------------------------------------------------------------------------
    def subscribe(self, callback: Callable[[object], None]) -> None:
        """``callback(event)`` for StationJoined, StationLeft, SyndicateUpdated, DecisionReceived,
        InterventionApplied, InterventionFailed, ExerciseEnded and ContributionReceived, on a network thread."""
        with self._lock:
            self._subscribers.append(callback)

    def unsubscribe(self, callback: Callable[[object], None]) -> None:
        with self._lock:
            if callback in self._subscribers:
                self._subscribers.remove(callback)

    def snapshot(self) -> list[SyndicateView]:
        """Every syndicate as it stands now (copies), by name."""
        with self._lock:
            return [copy.deepcopy(s.view) for _, s in sorted(self._syndicates.items())]

    def syndicate(self, name: str) -> SyndicateView:
        with self._lock:
            return copy.deepcopy(self._require(name).view)

    def session_ids(self) -> dict[str, str]:
        """Syndicate name -> its session id in the facilitator's store (for the debrief and review)."""
        with self._lock:
            return {n: s.view.session_id for n, s in sorted(self._syndicates.items()) if s.view.session_id}

    def contributions(self) -> list[Contribution]:
        """The exercise's anonymous plenary contributions, oldest first (no sender is stored)."""
        with self._lock:
            return list(self._contributions)

    # -- interventions ---------------------------------------------------------------------------
    def inject(self, target: str, *, text: str | None = None, inject_id: str | None = None) -> list[InterventionView]:
        """Send an inject now: free ``text``, or a prepared ``inject_id`` of the scenario."""
        if (text is None) == (inject_id is None):
            raise ExerciseError("give either the inject's text or a prepared inject id")
        if inject_id is not None and inject_id not in self._injects:
            raise ExerciseError(f"the scenario has no inject '{inject_id}' "
                                f"(prepared injects: {', '.join(sorted(self._injects)) or 'none'})")
        if text is not None:
            text = _free_text(text, "an inject's")
        params = {"text": text} if text is not None else {"inject_id": inject_id}
        return self._intervene(target, "inject", params)

    def pause(self, target: str = p.ALL) -> list[InterventionView]:
        return self._intervene(target, "pause", {})

    def resume(self, target: str = p.ALL) -> list[InterventionView]:
        return self._intervene(target, "resume", {})

    def adjust_timer(self, target: str, seconds: int) -> list[InterventionView]:
        """Extend (seconds > 0) or shorten (< 0) the current timed decision's real-time limit."""
        if isinstance(seconds, bool) or not isinstance(seconds, int) or seconds == 0 \
                or abs(seconds) > MAX_TIMER_SECONDS:
            raise ExerciseError(f"a timer change is a whole number of seconds, not 0, at most {MAX_TIMER_SECONDS}")
        return self._intervene(target, "timer", {"seconds": seconds})

    def answer(self, target: str, request: int, *, text: str | None = None,
               reply: str | None = None) -> list[InterventionView]:
        """Answer request number ``request`` of one syndicate as its partner: a canned ``reply``
        (a topic of that partner in the scenario) or free ``text``."""
        if target == p.ALL:
            raise ExerciseError("an answer is for one syndicate's request: name the syndicate")
        if (text is None) == (reply is None):
            raise ExerciseError("give either the answer's text or a canned reply")
        with self._lock:
            asked = {r.get("index"): r for r in self._require(target).view.requests}
        if isinstance(request, bool) or not isinstance(request, int) or request not in asked:
            raise ExerciseError(f"syndicate {target} has sent no request {request!r} "
                                f"(requests: {', '.join(str(i) for i in sorted(asked)) or 'none yet'})")
        partner = self.scenario.partners.get(asked[request].get("partner"))
        if reply is not None and (partner is None or reply not in partner.replies):
            raise ExerciseError(f"the partner has no canned reply '{reply}' (replies: "
                                f"{', '.join(partner.replies) if partner else 'none'})")
        if text is not None:
            text = _free_text(text, "an answer's")
        params = {"request": request, **({"text": text} if text is not None else {"reply": reply})}
        return self._intervene(target, "answer", params)

    def set_condition(self, target: str, variable: str, value) -> list[InterventionView]:
        """Change a run condition live: from now on ``variable`` has ``value`` (one of its declared values).
        Checked here against the scenario (run_conditions.check) and again by each recording station."""
        try:
            value = check(self.scenario, {variable: value})[variable]
        except ConditionError as exc:
            raise ExerciseError(str(exc)) from None
        return self._intervene(target, "set_condition", {"variable": variable, "value": value})

    def stand_in(self, target: str, seat: str, *, back: bool = False) -> list[InterventionView]:
        """Hand a pod's ``seat`` to its stand-in (no station plays it, or its station dropped out), or,
        with ``back``, give it back to its station. The stand-in's decisions are recorded as the stand-in's."""
        if target == p.ALL:
            raise ExerciseError("a seat belongs to one pod: name the syndicate")
        if seat not in self.scenario.seats:
            raise ExerciseError(f"the scenario has no seat '{str(seat)[:40]}' "
                                f"(seats: {', '.join(self.scenario.seats) or 'none: it is not a seated scenario'})")
        return self._intervene(target, "hand_back" if back else "stand_in", {"seat": seat})

    def end(self, target: str = p.ALL) -> list[InterventionView]:
        """End the session(s) now; each is scored as it stands, outcome "ended by the facilitator"."""
        return self._intervene(target, "end", {})

    def _intervene(self, target: str, action: str, params: dict) -> list[InterventionView]:
        made: list[tuple[_Peer | None, dict]] = []
        views = []
        with self._lock:
            for syn in self._targets(target):
                command_id = uuid.uuid4().hex[:12]
                view = InterventionView(command_id, syn.view.name, action, text=params.get("text"),
                                        inject_id=params.get("inject_id"), seconds=params.get("seconds"),
                                        request=params.get("request"), reply=params.get("reply"),
                                        variable=params.get("variable"), value=params.get("value"),
                                        seat=params.get("seat"))
                message = p.command(command_id, action, by=self.facilitator, **params)
                syn.commands[command_id] = message
                syn.view.interventions.append(view)
                peer = syn.recording if syn.recording is not None and syn.recording.synced else None
                if peer is not None:
                    view.status = "sent"
                made.append((peer, message))
                views.append(copy.deepcopy(view))
        for peer, message in made:
            if peer is not None:
                peer.send(message)
        for name in {v.target for v in views}:
            self._publish_view(name)
        return views

    def _targets(self, target: str) -> list[_Syndicate]:
        if target == p.ALL:
            return [s for _, s in sorted(self._syndicates.items()) if not s.view.ended]
        syn = self._require(target)
        if syn.view.ended:
            raise ExerciseError(f"syndicate {target}'s session has already ended")
        return [syn]

    def _require(self, name: str) -> _Syndicate:
        syn = self._syndicates.get(name)
        if syn is None:          # "alpha" for "Alpha" when that is the only such name
            matches = [s for n, s in self._syndicates.items() if n.casefold() == str(name).casefold()]
            syn = matches[0] if len(matches) == 1 else None
        if syn is None:
            known = ", ".join(sorted(self._syndicates)) or "none has joined yet"
            raise ExerciseError(f"no syndicate '{name}' in this exercise (syndicates: {known})")
        return syn

    # -- connections -----------------------------------------------------------------------------
    def _handle(self, conn: ServerConnection) -> None:
        peer = self._join(conn)
        if peer is None:
            return
        name = peer.syndicate
        reason = ""
        try:
            for raw in conn:
                try:
                    message = p.decode(raw, (p.SYNC, p.COMMAND_FAILED, p.SEAT_DECISION, p.SEAT_REQUEST,
                                             p.CONTRIBUTION))
                except p.ProtocolError as exc:
                    peer.send(p.error(str(exc)))
                    continue
                try:
                    if message["type"] == p.SYNC:
                        if peer.role != "recording":
                            peer.send(p.error("a follower station does not send records; only the recording "
                                              "station of the syndicate does"))
                            continue
                        self._on_sync(name, peer, message)
                    elif message["type"] == p.SEAT_DECISION:
                        self._on_seat_decision(name, peer, message)
                    elif message["type"] == p.SEAT_REQUEST:
                        self._on_seat_request(name, peer, message)
                    elif message["type"] == p.CONTRIBUTION:
                        refused = self._on_contribution(message["text"])     # the text only: no peer, no name
                        if refused:
                            peer.send(p.error(refused))
                    elif peer.role != "recording":
                        peer.send(p.error("only the recording station reports failed interventions"))
                    else:
                        self._on_command_failed(name, message)
                except Exception:      # a bug here must cost one message, never the station's link
                    log.exception("could not handle a %s from station %s", message["type"], peer.station_id)
                    peer.send(p.error(f"the facilitator could not handle this {message['type']}; it was not "
                                      "stored (the station keeps its records and sends them again)"))
        except ConnectionClosed as exc:
            reason = str(exc)
        finally:
            self._leave(name, peer, reason)
            peer.close()

    def _refuse(self, conn: ServerConnection, code: int, message: str) -> None:
        try:
            conn.send(p.encode(p.error(message)))
            conn.close(code, message.encode("utf-8")[:_CLOSE_REASON_BYTES].decode("utf-8", "ignore"))
        except (ConnectionClosed, OSError):
            pass
        log.info("refused a station: %s", message)

    def _join(self, conn: ServerConnection) -> _Peer | None:
        try:
            raw = conn.recv(timeout=HELLO_TIMEOUT)
        except TimeoutError:
            self._refuse(conn, p.CLOSE_PROTOCOL, "no hello within 10 s: this port is for hydra_sim stations")
            return None
        except ConnectionClosed:
            return None
        try:
            hello = p.decode(raw, (p.HELLO,))
        except p.ProtocolError as exc:
            version = isinstance(raw, str) and '"v"' in raw and "version" in str(exc)
            self._refuse(conn, p.CLOSE_BAD_VERSION if version else p.CLOSE_PROTOCOL, str(exc))
            return None
        address = _address_of(conn)
        # A station holding a seat token proves it joined before: the lockout never applies to it, so a
        # guesser behind the same proxy or NAT cannot keep the room's stations from reconnecting.
        if self.wrong_codes.locked_out(address) and not self._holds_a_seat(hello.get("token")):
            self._refuse(conn, p.CLOSE_TRY_LATER, "too many wrong join codes from this network address: this "
                                                  "station tries again in a minute; check the code shown on "
                                                  "the facilitator's screen")
            return None
        if not p.proofs_match(hello["proof"], p.join_proof(self.code, self.fingerprint, hello["nonce"])):
            self.wrong_codes.failed(address)
            self._refuse(conn, p.CLOSE_BAD_CODE, "wrong join code: check the code shown on the facilitator's "
                                                 "screen and type it again")
            return None
        with self._lock:
            # A station makes a fresh nonce for every connection, so a nonce seen before means the same
            # hello sent again (captured and replayed): refused, whatever it claims. Only hellos with a
            # right proof are kept, so someone without the code cannot fill this set.
            replayed = hello["nonce"] in self._used_nonces
            self._used_nonces.add(hello["nonce"])
        if replayed:
            self._refuse(conn, p.CLOSE_PROTOCOL, "this hello was already used on another connection (a "
                                                 "replay): each station makes a new one when it connects")
            return None
        if hello["scenario_id"] != self.scenario.id or (
                hello["scenario_hash"] and hello["scenario_hash"] != self.scenario.content_hash):
            self._refuse(conn, p.CLOSE_REFUSED, f"this exercise runs scenario '{self.scenario.id}' from the "
                                                "facilitator's file; open the same scenario file on this station")
            return None
        name, station_id, role = hello["syndicate"].strip(), hello["station_id"].strip(), hello["role"]
        seat = hello.get("seat")
        if seat is not None and seat not in self.scenario.seats:
            seats = ", ".join(self.scenario.seats) or "none: it is not a seated scenario"
            self._refuse(conn, p.CLOSE_REFUSED, f"this exercise's scenario has no seat '{seat[:40]}' (seats: {seats})")
            return None
        token = None
        with self._lock:
            # "alpha" joins "Alpha": one syndicate whatever the case typed, never a look-alike beside it
            name = next((n for n in self._syndicates if n.casefold() == name.casefold()), name)
            peer = _Peer(conn, station_id, role, name, seat=seat)
            syn = self._syndicates.get(name)
            if syn is None:
                syn = self._syndicates[name] = _Syndicate(SyndicateView(name))
            taken = self._seat_taken(syn, seat, station_id, role, hello.get("token"))
            if taken is not None:
                refusal, old = taken, None
            elif role == "recording":
                given = hello.get("token")
                if syn.token is not None and not (isinstance(given, str) and
                                                  hmac.compare_digest(given.encode(), syn.token.encode())):
                    # The station id is public (followers see it): only the seat's token reclaims it, and
                    # a refused claim leaves the recording station connected and recording.
                    refusal = (f"syndicate {name} already has its recording station "
                               f"('{syn.view.recording_station}'): join as a follower; if that station's "
                               "computer was replaced, ask the facilitator to release the seat")
                else:
                    refusal = None
                    if syn.token is None:      # the first recording station (or one back after a restart)
                        syn.token = given if isinstance(given, str) and len(given) >= 32 else p.new_token()
                    token = syn.token
                    old, syn.recording = syn.recording, peer
                    syn.view.recording_station = station_id
                    syn.view.recording_connected = True
                    syn.view.members = [m.strip() for m in hello["members"]]
                    syn.recording_seat = seat
            elif seat is not None:
                refusal = None
                old = syn.seats.get(seat)
                syn.seats[seat] = peer
                if old is None or seat not in syn.seat_tokens:     # a free seat: a new secret for its new station
                    syn.seat_tokens[seat] = p.new_token()
                token = syn.seat_tokens[seat]
            else:
                refusal = None
                old = syn.followers.get(station_id)
                syn.followers[station_id] = peer
                syn.view.followers = len(syn.followers)
            if refusal is None:
                syn.view.seats = self._seat_stations(syn)
        if refusal is not None:
            # the same station whose earlier connection is not yet seen closed: it tries again shortly
            self._refuse(conn, p.CLOSE_TRY_LATER if refusal.startswith(_STILL_OPEN) else p.CLOSE_REFUSED, refusal)
            return None
        if old is not None and old.conn is not conn:     # the same station reconnected before its old link died
            try:
                old.conn.close(p.CLOSE_REPLACED, "replaced by a new connection from the same station")
            except (ConnectionClosed, OSError):
                pass
        acked = {}
        session_id = syn.view.session_id
        if session_id and role == "recording":
            acked[session_id] = self.mirror.held(session_id)
        peer.send(p.welcome(role, name, acked, self.seed_for(name), token,
                            p.facilitator_proof(self.code, self.fingerprint, hello["nonce"]), seat))
        log.info("station %s joined syndicate %s as %s", station_id, name, role)
        self._emit(StationJoined(name, station_id, role, tuple(hello["members"])))
        if role == "follower" and seat is None:
            peer.send_view({"type": p.VIEW, "syndicate": self.syndicate(name).to_dict()})
        elif role == "follower":
            self._send_seat_view(name, peer)          # catch up: everything its seat has seen so far
        self._publish_view(name, followers=role != "follower")
        return peer

    def _seat_taken(self, syn: _Syndicate, seat: str | None, station_id: str, role: str, token) -> str | None:
        """Why ``seat`` cannot be taken by this station (another station plays it), or None.

        A seat held by a connected seat station is taken over only with that seat's token (given
        in its welcome): the station id is public, so it alone proves nothing. A free seat (its
        station has gone) is anyone's in the syndicate, so a replaced computer simply joins."""
        if seat is None:
            return None
        holder = syn.recording if syn.recording_seat == seat else syn.seats.get(seat)
        if holder is None or (role == "recording" and holder is syn.recording):
            return None     # free, or the recording station's own seat (its seat token decides, below)
        known = syn.seat_tokens.get(seat)
        if holder is not syn.recording and isinstance(token, str) and known and \
                hmac.compare_digest(token.encode(), known.encode()):
            return None
        if holder.station_id == station_id:
            return (f"{_STILL_OPEN} of seat '{seat}' is still open at the facilitator; this station tries again "
                    "in a moment")
        return (f"seat '{seat}' of syndicate {syn.view.name} is already played by station '{holder.station_id}': "
                "choose another seat, or close that station first")

    @staticmethod
    def _seat_stations(syn: _Syndicate) -> dict[str, str]:
        stations = {seat: peer.station_id for seat, peer in syn.seats.items()}
        if syn.recording_seat is not None and syn.recording is not None:
            stations[syn.recording_seat] = syn.recording.station_id
        return dict(sorted(stations.items()))

    def _holds_a_seat(self, token) -> bool:
        if not isinstance(token, str) or not token:
            return False
        with self._lock:
            seats = [s.token for s in self._syndicates.values() if s.token]
        return any(hmac.compare_digest(token.encode(), seat.encode()) for seat in seats)

    def release_station(self, name: str) -> None:
        """Free a syndicate's recording seat (its station's computer was replaced): the next recording
        station to join takes it, with a new token; the old one, if it comes back, is refused."""
        with self._lock:
            syn = self._require(name)
            syn.token, old, syn.recording = None, syn.recording, None
            syn.view.recording_station, syn.view.recording_connected = None, False
            name = syn.view.name
        if old is not None:
            try:
                old.conn.close(p.CLOSE_REFUSED, "the facilitator released this syndicate's recording seat")
            except (ConnectionClosed, OSError):
                pass
        log.info("the recording seat of syndicate %s was released", name)
        self._publish_view(name)

    def _leave(self, name: str, peer: _Peer, reason: str) -> None:
        with self._lock:
            syn = self._syndicates.get(name)
            if syn is None:
                return
            if syn.recording is peer:
                syn.recording = None
                syn.view.recording_connected = False
            elif syn.followers.get(peer.station_id) is peer:
                del syn.followers[peer.station_id]
                syn.view.followers = len(syn.followers)
            elif peer.seat is not None and syn.seats.get(peer.seat) is peer:
                del syn.seats[peer.seat]
            else:
                return                  # already replaced by a newer connection of the same station
            syn.view.seats = self._seat_stations(syn)
        log.info("station %s of syndicate %s left (%s)", peer.station_id, name, reason or "closed")
        self._emit(StationLeft(name, peer.station_id, peer.role, reason))
        self._publish_view(name)

    # -- records in --------------------------------------------------------------------------------
    def _on_sync(self, name: str, peer: _Peer, message: dict) -> None:
        received_at = time.time()
        session_id = message["session_id"]
        row = message["session"]
        if row.get("scenario_id") != self.scenario.id or (
                row.get("scenario_hash") and row.get("scenario_hash") != self.scenario.content_hash):
            peer.send(p.error(f"session {session_id} plays '{str(row.get('scenario_id'))[:80]}' (or another file "
                              f"of it), not this exercise's scenario '{self.scenario.id}'"))
            peer.send(p.ack(session_id, 0))
            return
        problem = self._impossible(message["events"])
        if problem:                   # never stored: the console, review and plenary would show it as played
            peer.send(p.error(f"session {session_id}: {problem}; nothing of this sync was stored"))
            peer.send(p.ack(session_id, self._held(session_id)))
            return
        with self._lock:
            owner = self._owners.setdefault(session_id, name)
        if owner != name:
            peer.send(p.error(f"session {session_id} is syndicate {owner}'s; a station records only its own "
                              "syndicate's session"))
            peer.send(p.ack(session_id, 0))
            return
        try:
            result = self.mirror.apply(row, message["events"])
        except MirrorError as exc:
            peer.send(p.error(str(exc)))
            peer.send(p.ack(session_id, self._held(session_id)))      # resend from what is held
            return
        except (StoreError, KeyError, TypeError, ValueError, OverflowError) as exc:
            log.warning("could not mirror session %s of %s: %s", session_id, name, exc)
            peer.send(p.error(f"the facilitator could not store these records ({exc}); they stay on the "
                              "station and are sent again"))
            peer.send(p.ack(session_id, self._held(session_id)))
            return
        new = result.new
        decisions, applied, resend = [], [], []
        with self._lock:
            syn = self._syndicates[name]
            view = syn.view
            if view.session_id != session_id:
                if view.session_id is not None:
                    log.warning("syndicate %s started a new session %s", name, session_id)
                fresh_view = SyndicateView(name, view.members, view.recording_connected, view.recording_station,
                                           view.followers, session_id, interventions=view.interventions,
                                           seats=view.seats)
                syn.view = view = fresh_view
                # Held from before (the facilitator restarted): rebuild the view quietly from the mirror.
                fresh = {e["seq"] for e in new}
                for event in self.store.session_record(session_id)["events"]:
                    if event["seq"] not in fresh:
                        self._apply_event(syn, event, received_at, [], [])
            for event in new:
                self._apply_event(syn, event, received_at, decisions, applied)
            view.last_seq = result.held
            if row.get("status") == "finished" and result.caught_up:
                view.percent, view.grade = row.get("percent"), row.get("grade")
            first_sync = not peer.synced and syn.recording is peer
            if first_sync:
                peer.synced = True
                for command_id, command in syn.commands.items():
                    intervention = _find(view.interventions, command_id)
                    if intervention is not None and intervention.status in ("queued", "sent"):
                        intervention.status = "sent"
                        resend.append(command)
            held = view.last_seq
            finished_all = (not self._ended_reported and self._syndicates
                            and all(s.view.ended for s in self._syndicates.values() if s.view.session_id))
            if finished_all:
                self._ended_reported = True
            names = tuple(sorted(self._syndicates))
        if (new or first_sync or syn.runner is None) and self.scenario.seats:
            # a pod: the seat views first, then the ack and the console's events (so either means the
            # shared runner holds this sync)
            self._rebuild_pod(name, session_id)
        for decision in decisions:
            self._emit(DecisionReceived(name, decision, float(message["sent_at"]), received_at))
        for intervention in applied:
            self._emit(InterventionApplied(name, intervention))
        peer.send(p.ack(session_id, held))
        for command in resend:
            peer.send(command)
        self._publish_view(name)
        if finished_all:
            self._emit(ExerciseEnded(names))

    def _impossible(self, events: list[dict]) -> str | None:
        """What in these events this exercise's scenario cannot have produced (a scene, ending,
        inject or option it does not have), or None. The records' own checks (validation.py, in
        the mirror) come after: field types, ids, clocks."""
        scenes, endings = self.scenario.scenes, self.scenario.endings
        for event in events:
            data, kind, seq = event["data"], event["kind"], event["seq"]
            scene_id = data.get("scene_id")
            if kind in ("scene_entered", "decision_recorded") or (event["is_input"] and "scene_id" in data):
                if not isinstance(scene_id, str) or scene_id not in scenes:
                    return f"event {seq} names a scene {str(scene_id)[:60]!r} the scenario does not have"
            if kind == "decision_recorded":
                decision = scenes[scene_id].decision
                if decision is None:
                    return f"event {seq} records a decision at scene {scene_id!r}, which asks none"
                selection = data.get("selection")
                ids = [selection] if isinstance(selection, str) else selection if isinstance(selection, list) else []
                unknown = [i for i in ids if not isinstance(i, str) or decision.option(i) is None]
                if unknown and not data.get("expired"):
                    return f"event {seq} chooses an option {str(unknown[0])[:60]!r} scene {scene_id!r} does not offer"
                meta = data.get("meta") if isinstance(data.get("meta"), dict) else {}
                if "seat" in meta and meta["seat"] != scenes[scene_id].seat:
                    return (f"event {seq} says seat {str(meta['seat'])[:40]!r} decided at scene {scene_id!r}, "
                            f"which belongs to seat {scenes[scene_id].seat!r}")
            if kind == "ended":
                ending_id = data.get("ending_id")
                if ending_id != FACILITATOR_ENDING and ending_id not in endings:
                    return f"event {seq} ends at {str(ending_id)[:60]!r}, which is no ending of the scenario"
            if kind in ("request_made", "request_answered") and data.get("partner") not in self.scenario.partners:
                return f"event {seq} is a request to a partner {str(data.get('partner'))[:60]!r} the scenario does not have"
            if kind == "inject_fired":
                inject_id = data.get("inject_id")
                if not isinstance(inject_id, str) or (inject_id not in self._injects
                                                      and not inject_id.startswith("facilitator-")):
                    return f"event {seq} fires an inject {str(inject_id)[:60]!r} the scenario does not have"
        return None

    def _apply_event(self, syn: _Syndicate, event: dict, received_at: float, decisions: list,
                     applied: list) -> None:
        view, data, clock, kind = syn.view, event["data"], event["clock"], event["kind"]
        view.clock = max(view.clock, clock)
        view.clock_label = format_clock(self.scenario.incident_start, view.clock)
        if kind == "scene_entered":
            view.scene_id = data.get("scene_id")
            scene = self.scenario.scenes.get(view.scene_id)
            view.scene_title = scene.title if scene else view.scene_id
        elif kind == "decision_recorded":
            meta = data.get("meta") if isinstance(data.get("meta"), dict) else {}
            if isinstance(meta.get("decision_id"), str):          # a pod's relayed decision, now recorded
                syn.relayed.pop(meta["decision_id"], None)
            decision = self._decision_view(data, clock, received_at)
            decision.recorded_at = str(event.get("recorded_at", ""))
            view.decisions.append(decision)
            decisions.append(copy.deepcopy(decision))
        elif kind == "inject_fired":
            view.injects.append({"inject_id": data.get("inject_id"), "text": data.get("text"), "clock": clock,
                                 "by_facilitator": str(data.get("inject_id", "")).startswith("facilitator-")})
        elif kind in ("request_made", "request_answered") and isinstance(data.get("index"), int):
            meta = data.get("meta") if isinstance(data.get("meta"), dict) else {}
            if kind == "request_made" and isinstance(meta.get("request_id"), str):   # a pod's relayed request
                syn.relayed.pop(meta["request_id"], None)
                syn.relayed_requests.discard(meta["request_id"])
            known = [r for r in view.requests if r.get("index") != data["index"]]
            view.requests = sorted(known + [dict(data)], key=lambda r: r.get("index", 0))
        elif kind == "ended":
            view.ended = True
            view.ending_id = data.get("ending_id")
            ending = self.scenario.endings.get(view.ending_id)
            view.outcome = FACILITATOR_OUTCOME if view.ending_id == FACILITATOR_ENDING else (
                ending.outcome if ending else None)
            view.paused = False
        elif kind == "facilitator" and event["is_input"]:
            action = data.get("action")
            if action == "pause":
                view.paused = True
            elif action == "resume":
                view.paused = False
            intervention = _find(view.interventions, data.get("id"))
            if intervention is None:          # made before a facilitator restart, or by hand at the station
                intervention = InterventionView(str(data.get("id") or f"seq-{event['seq']}"), view.name,
                                                str(action), data.get("text"), data.get("inject_id"),
                                                data.get("seconds"), data.get("request"), data.get("reply"),
                                                data.get("variable"), data.get("value"), data.get("seat"))
                view.interventions.append(intervention)
            intervention.status, intervention.clock = "applied", clock
            applied.append(copy.deepcopy(intervention))

    def _held(self, session_id: str) -> int:
        try:
            return self.mirror.held(session_id)
        except StoreError:               # the store is failing: the station resends everything later
            return 0

    def _decision_view(self, data: dict, clock: int, received_at: float) -> DecisionView:
        scene = self.scenario.scenes.get(str(data.get("scene_id")))
        meta = data.get("meta") if isinstance(data.get("meta"), dict) else {}
        seconds = meta.get("decision_seconds")
        return DecisionView(
            index=int(data.get("index", 0)), scene_id=str(data.get("scene_id")),
            scene_title=scene.title if scene else str(data.get("scene_id")), kind=str(data.get("kind")),
            selection=data.get("selection"), choice_text=_choice_text(scene, data), rationale=data.get("rationale"),
            entered_by=str(meta.get("entered_by") or ""), clock=clock,
            clock_label=format_clock(self.scenario.incident_start, clock),
            decision_seconds=float(seconds) if isinstance(seconds, (int, float)) else None,
            expired=bool(data.get("expired")), received_at=received_at,
            seat=str(meta.get("seat")) if meta.get("seat") else (scene.seat if scene is not None else None),
            station_id=str(meta.get("station_id") or ""), stand_in=bool(meta.get("stand_in")))

    def _on_command_failed(self, name: str, message: dict) -> None:
        with self._lock:
            syn = self._syndicates[name]
            seat_station = syn.relayed.pop(message["command_id"], None)
            what = "request" if message["command_id"] in syn.relayed_requests else "decision"
            syn.relayed_requests.discard(message["command_id"])
            seat_peer = next((s for s in syn.seats.values() if s.station_id == seat_station), None)
        if seat_station is not None:            # a relayed seat decision or request the recording station refused
            log.info("seat %s %s of %s was refused: %s", what, message["command_id"], name, message["reason"])
            if seat_peer is not None:
                seat_peer.send(p.error(f"your {what} was not taken: {message['reason']}"))
            return
        with self._lock:
            view = self._syndicates[name].view
            intervention = _find(view.interventions, message["command_id"])
            if intervention is None or intervention.status == "applied":
                return
            intervention.status, intervention.reason = "failed", message["reason"]
            failed = copy.deepcopy(intervention)
        log.info("intervention %s at %s failed: %s", failed.command_id, name, failed.reason)
        self._emit(InterventionFailed(name, failed))
        self._publish_view(name)

    # -- pods: one station per seat -----------------------------------------------------------------
    def _rebuild_pod(self, name: str, session_id: str) -> None:
        """Bring the shared runner up to the mirrored session, then send each seat station its view.

        Only the inputs new since the last sync are replayed into the kept runner (``runner.replay``,
        one by one as ``restore`` does), so a long exercise costs each sync its own inputs, not the
        whole session again. The runner is rebuilt from the whole log instead when it is another
        session's, when the stored inputs no longer continue what it replayed (the history diverged),
        or when a new input cannot be replayed."""
        try:
            caught_up = self._catch_up(name, session_id)
        except (RunnerError, StoreError, KeyError, TypeError, ValueError) as exc:
            log.info("could not replay syndicate %s's new inputs (%s): rebuilding its shared session", name, exc)
            caught_up = False
        if not caught_up and not self._restore_pod(name, session_id):
            return
        with self._lock:
            peers = list(self._syndicates[name].seats.values())
        for peer in peers:
            self._send_seat_view(name, peer)

    def _catch_up(self, name: str, session_id: str) -> bool:
        """Replay the new inputs into the kept runner; False when there is none to keep, or it diverged."""
        with self._lock:        # seat views and seat decisions read the runner under the lock too
            syn = self._syndicates[name]
            runner, count = syn.runner, syn.runner_inputs
            if runner is None or syn.runner_session != session_id or syn.view.session_id != session_id:
                return False
            entries = self.store.inputs(session_id, start=max(0, count - 1))
            if count and (not entries or entries[0] != syn.runner_last):
                log.warning("syndicate %s's stored session no longer continues the shared runner's: rebuilding", name)
                return False
            new = entries[1:] if count else entries
            try:
                for offset, entry in enumerate(new):
                    runner.replay(count + offset, entry)
            except Exception:
                # half replayed: never shown. Back to what it held before this sync (as a failed rebuild
                # kept the old runner); the caller then tries the whole log, and the next sync goes on.
                try:
                    syn.runner = ScenarioRunner.restore(self.scenario, self.store.inputs(session_id)[:count])
                except (RunnerError, StoreError, KeyError, TypeError, ValueError):
                    syn.runner, syn.runner_session = None, None
                raise
            if new:
                syn.runner_inputs, syn.runner_last = count + len(new), new[-1]
            return True

    def _restore_pod(self, name: str, session_id: str) -> bool:
        """Rebuild the shared runner from the whole mirrored log (the fallback); False if it cannot be yet."""
        try:
            inputs = self.store.inputs(session_id)
            runner = ScenarioRunner.restore(self.scenario, inputs)
        except (RunnerError, StoreError, KeyError, TypeError, ValueError) as exc:
            # e.g. a sync split mid-turn: the next sync completes it; the seat views wait until then
            log.info("could not rebuild syndicate %s's shared session yet: %s", name, exc)
            return False
        with self._lock:
            syn = self._syndicates[name]
            if syn.view.session_id != session_id:
                return False
            syn.runner, syn.runner_session = runner, session_id
            syn.runner_inputs, syn.runner_last = len(inputs), (inputs[-1] if inputs else None)
        return True

    def _send_seat_view(self, name: str, peer: _Peer) -> None:
        with self._lock:
            runner = self._syndicates[name].runner
            view = pods.seat_view(runner, peer.seat) if runner is not None else None
        if view is not None:
            peer.send_view(p.seat_view(name, view))

    def seat_views(self, name: str) -> dict[str, dict]:
        """A pod's every seat as its station sees it now (for the console: each seat's stream), by seat."""
        with self._lock:
            runner = self._require(name).runner
            if runner is None:
                return {}
            return {seat: pods.seat_view(runner, seat) for seat in self.scenario.seats}

    def _on_seat_decision(self, name: str, peer: _Peer, message: dict) -> None:
        if peer.seat is None:
            peer.send(p.error("this station plays no seat: only a seat station of a pod sends seat decisions"))
            return
        if peer.role == "recording":
            peer.send(p.error("the recording station applies its own seat's decisions itself"))
            return
        with self._lock:
            syn = self._syndicates[name]
            runner, recording = syn.runner, syn.recording
            reason = pods.not_its_scene(self.scenario, peer.seat, message["scene_id"])
            if reason is None:
                reason = ("the pod's shared session has not started yet: wait for the recording station"
                          if runner is None else pods.refusal(runner, peer.seat, message["scene_id"], message["index"]))
            if reason is None and (recording is None or not recording.synced):
                reason = ("the pod's recording station is offline, so nothing can be recorded: your decision was "
                          "not taken; send it again when the station is back")
            if reason is None:
                syn.relayed[message["decision_id"]] = peer.station_id
        if reason is not None:
            peer.send(p.error(f"decision refused: {reason}"))
            return
        recording.send(p.seat_relay(message, peer.seat, peer.station_id))

    def _on_seat_request(self, name: str, peer: _Peer, message: dict) -> None:
        """A seat station's request for information: checked here (a seat station of a pod, the
        partner and topic the scenario's, the session running, the recording station online), then
        relayed to the recording station, which applies it for that seat and records it."""
        if peer.seat is None:
            peer.send(p.error("this station plays no seat: only a seat station of a pod sends seat requests"))
            return
        if peer.role == "recording":
            peer.send(p.error("the recording station sends its own seat's requests itself"))
            return
        partner = self.scenario.partners.get(message["partner"])
        with self._lock:
            syn = self._syndicates[name]
            runner, recording = syn.runner, syn.recording
            reason = None
            if partner is None:
                reason = f"the scenario has no partner '{message['partner'][:60]}'"
            elif message.get("topic") is not None and message["topic"] not in partner.replies:
                reason = f"the {partner.name} has no topic '{message['topic'][:60]}'"
            elif runner is None:
                reason = "the pod's shared session has not started yet: wait for the recording station"
            elif runner.ended:
                reason = "the incident has ended"
            elif recording is None or not recording.synced:
                reason = ("the pod's recording station is offline, so nothing can be recorded: your request was "
                          "not sent; send it again when the station is back")
            if reason is None:
                syn.relayed[message["request_id"]] = peer.station_id
                syn.relayed_requests.add(message["request_id"])
        if reason is not None:
            peer.send(p.error(f"request refused: {reason}"))
            return
        recording.send(p.seat_request_relay(message, peer.seat, peer.station_id))

    def _on_contribution(self, text: str) -> str | None:
        """An anonymous plenary contribution (already checked: 1 to MAX_CONTRIBUTION characters); the
        refusal's words when the exercise already holds MAX_CONTRIBUTIONS (memory stays bounded)."""
        with self._lock:
            if len(self._contributions) >= MAX_CONTRIBUTIONS:
                return (f"contribution refused: the facilitator already holds {MAX_CONTRIBUTIONS} contributions "
                        "for this exercise; say it aloud in the plenary instead")
            item = Contribution(len(self._contributions) + 1, text.strip(), time.time())
            self._contributions.append(item)
        self._emit(ContributionReceived(item))
        return None

    # -- out to the console and followers -------------------------------------------------------
    def _publish_view(self, name: str, followers: bool = True) -> None:
        with self._lock:
            syn = self._syndicates.get(name)
            if syn is None:
                return
            view = copy.deepcopy(syn.view)
            peers = list(syn.followers.values()) if followers else []
        self._emit(SyndicateUpdated(view))
        if peers:
            message = {"type": p.VIEW, "syndicate": view.to_dict()}
            for peer in peers:
                peer.send_view(message)

    def _emit(self, event: object) -> None:
        with self._lock:
            subscribers = list(self._subscribers)
        for callback in subscribers:
            try:
                callback(event)
            except Exception:         # a console bug must not stop the records flowing
                log.exception("an exercise subscriber failed on %s", type(event).__name__)


def _free_text(text: str, whose: str) -> str:
    """A facilitator's free text (an inject, an answer), stripped; ExerciseError when empty or too long."""
    text = text.strip()
    if not text or len(text) > p.MAX_TEXT:
        raise ExerciseError(f"{whose} text must be 1 to {p.MAX_TEXT} characters")
    return text


def _find(interventions: list[InterventionView], command_id) -> InterventionView | None:
    return next((i for i in interventions if i.command_id == command_id), None)


def _choice_text(scene, data: dict) -> str:
    selection = data.get("selection")
    if data.get("expired"):
        return "(time ran out)"
    decision = scene.decision if scene is not None else None
    if isinstance(selection, dict):
        from ..engine.rationale import selection_words
        return selection_words(decision, selection)
    ids = [selection] if isinstance(selection, str) else list(selection or [])

    def label(option_id) -> str:
        option = decision.option(option_id) if decision is not None else None
        return option.label if option is not None else str(option_id)
    return "; ".join(label(i) for i in ids)
