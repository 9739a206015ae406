"""A station's link to the facilitator: joins, sends the session's records, receives interventions.

``StationLink`` runs in background threads (python-websockets, threading API): one keeps
the connection (connects over TLS, says hello with a proof of the join code, checks the
facilitator's proof before anything is sent, reconnects with backoff when the network
drops), one sends. A recording station keeps the seat token of its first welcome and
sends it in every later hello: only it takes the syndicate's recording seat again. The session itself is run and recorded at the station by
the same runner and SessionStore as a self-paced session, so the station keeps working
offline; the store is the outbox. Each send carries the session row and the stored
events after the last ``seq`` the facilitator acknowledged; after a crash or a dropped
connection the facilitator says what it holds (``welcome``), and the link sends the rest,
so nothing is lost or duplicated.

Callbacks run on the link's thread (a GUI marshals them): ``on_command(Command)`` for a
facilitator intervention (apply it with ``ScenarioRunner.apply_intervention(action,
**command.params())``, persist, then ``notify()``; if it cannot be applied, call
``command_failed``), ``on_update(SyndicateView)`` for follower stations, and
``on_status(connected, message)``. Pods (pods.py): a station made with ``seat=`` names its seat in
every hello; a seat follower gets ``on_seat_view(dict)`` (its seat's view only) and answers with
``send_decision``; the recording station of a pod gets ``on_relay(dict)`` for each seat station's
decision (apply it with ``pods.apply_relay``, persist, ``notify()``; if it cannot be applied, call
``command_failed`` with its ``decision_id``). ``on_error(text)`` reports each refusal the facilitator
sends. Must not import Qt or any GUI code.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Sequence

from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI
from websockets.sync.client import ClientConnection, connect

from . import protocol as p
from . import tls
from .views import Command, SyndicateView

log = logging.getLogger(__name__)

DEFAULT_BACKOFF = (0.5, 1.0, 2.0, 4.0, 8.0)      # seconds between reconnect attempts; the last repeats
# Refusals a retry cannot mend. CLOSE_TRY_LATER (a lockout of guessed codes) and CLOSE_REPLACED (this
# station's own newer connection took over) are not among them: the station tries again.
FATAL_CLOSES = (p.CLOSE_BAD_CODE, p.CLOSE_BAD_VERSION, p.CLOSE_REFUSED, p.CLOSE_PROTOCOL)


class StationLink:
    """The link of one station (recording or follower) of one syndicate. ``start()``, then ``attach_session``."""

    def __init__(self, host: str, port: int, code: str, syndicate: str, station_id: str, members: Sequence[str], *,
                 role: str = "recording", store=None, scenario_id: str = "", scenario_hash: str = "",
                 on_command: Callable[[Command], None] | None = None,
                 on_update: Callable[[SyndicateView], None] | None = None,
                 on_status: Callable[[bool, str], None] | None = None,
                 backoff: Sequence[float] = DEFAULT_BACKOFF, open_timeout: float = 5.0,
                 token: str | None = None, on_token: Callable[[str], None] | None = None,
                 seat: str | None = None, on_seat_view: Callable[[dict], None] | None = None,
                 on_relay: Callable[[dict], None] | None = None, on_error: Callable[[str], None] | None = None):
        if role not in p.ROLES:
            raise ValueError(f"role must be one of {p.ROLES}, not {role!r}")
        if role == "recording" and store is None:
            raise ValueError("a recording station needs its SessionStore (the outbox)")
        self.host, self.port, self.code = host, int(port), code
        self.syndicate, self.station_id, self.members, self.role = syndicate, station_id, list(members), role
        self.store = store
        self.scenario_id, self.scenario_hash = scenario_id, scenario_hash
        self.on_command, self.on_update, self.on_status = on_command, on_update, on_status
        self.backoff = tuple(backoff) or DEFAULT_BACKOFF
        # The recording seat's secret, from the facilitator's first welcome: sent in every later hello,
        # it alone reclaims the seat (the station id is public). ``on_token`` lets the caller keep it
        # across a restart of the station (headless.py writes it beside the store).
        self.token, self.on_token = token, on_token
        self.seat = seat or None
        self.on_seat_view, self.on_relay, self.on_error = on_seat_view, on_relay, on_error
        self.seat_view: dict | None = None          # a seat station: its seat's latest view
        self._refusals = 0           # refusals in a row: each waits longer before the resend
        self.open_timeout = open_timeout
        self.session_id: str | None = None
        self.last_error: str = ""           # the latest refusal or error from the facilitator
        self.failed = False                 # refused for good (wrong code, other scenario ...): no retries
        self.view: SyndicateView | None = None
        self._lock = threading.Lock()
        self._send_lock = threading.Lock()
        self._conn: ClientConnection | None = None
        self._acked: dict[str, int] = {}    # session id -> highest seq the facilitator holds
        self._sent: dict[str, int] = {}     # ... sent on this connection (not yet acknowledged)
        self._sent_row: tuple = ()          # the session row (head, status, result) last sent
        self._acked_row: tuple = ()         # ... and last acknowledged
        self._inflight: deque = deque()     # row keys of the syncs sent and not acknowledged yet, in order
        self._generation = 0                # +1 per connection: the sender never updates a newer one's state
        self._welcomed = threading.Event()
        self.seed: int | None = None        # the presentation seed the facilitator's welcome gave, if any
        self.fingerprint: str = ""          # the facilitator's certificate, once it proved it knows the code
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._acked_changed = threading.Condition(self._lock)
        self._threads: list[threading.Thread] = []

    # -- public ----------------------------------------------------------------------------------
    @property
    def connected(self) -> bool:
        return self._welcomed.is_set()

    @property
    def short_fingerprint(self) -> str:
        """The facilitator's certificate as the trainer compares it with the console's by phone ('' before joining)."""
        return p.short_fingerprint(self.fingerprint)

    def start(self) -> None:
        if self._threads:
            return
        for target, name in ((self._run_connection, "link"), (self._run_sender, "send")):
            thread = threading.Thread(target=target, name=f"station-{self.station_id}-{name}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def wait_for_seed(self, timeout: float) -> int | None:
        """Wait up to ``timeout`` s for the facilitator's welcome; the presentation seed it gave, or None.

        A station asks before it starts a new session, so the facilitator's choice (one order
        for every syndicate, or one per syndicate) decides what the trainees see. None (no
        facilitator reachable yet, or an older one) means the station draws its own."""
        deadline = time.monotonic() + timeout
        while not self._welcomed.is_set() and not self.failed and not self._stop.is_set():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            self._welcomed.wait(min(remaining, 0.05))      # a refusal (wrong code ...) ends the wait early
        return self.seed

    def attach_session(self, session_id: str) -> None:
        """The session this station records for its syndicate; its records start flowing."""
        self.session_id = session_id
        self.notify()

    def notify(self) -> None:
        """New records are in the store: send them (returns at once; the sender thread does it)."""
        self._wake.set()

    def command_failed(self, command_id: str, reason: str) -> None:
        """Tell the facilitator an intervention could not be applied (it is not sent again)."""
        self._send(p.command_failed(command_id, reason))

    def send_decision(self, scene_id: str, index: int, selection=None, rationale=None, entered_by: str = "") -> str | None:
        """A seat station's decision at its seat's current scene (``index``: the view's turn index).
        Returns its id, or None when there is no connection (send it again once reconnected).
        A refusal comes back as an error (``on_error``); success shows in the next seat view."""
        decision_id = uuid.uuid4().hex[:12]
        message = p.seat_decision(decision_id, scene_id, index, selection, rationale, entered_by)
        return decision_id if self._send(message) else None

    def send_request(self, partner: str, question: str, urgency: str = "routine", topic: str | None = None,
                     entered_by: str = "", request_id: str | None = None) -> str | None:
        """A seat station's request for information, for its seat. Returns its id (pass it again as
        ``request_id`` to resend it: it is applied once), or None when there is no connection.
        A refusal comes back as an error (``on_error``); success shows in the next seat view."""
        request_id = request_id or uuid.uuid4().hex[:12]
        message = p.seat_request(request_id, partner, question, urgency, topic, entered_by)
        return request_id if self._send(message) else None

    def contribute(self, text: str) -> bool:
        """An anonymous contribution to the plenary (the text only; no name is sent). False when there
        is no connection; a refusal (empty, too long) comes back as an error (``on_error``)."""
        return self._send(p.contribution(text))

    def acked(self, session_id: str | None = None) -> int:
        with self._lock:
            return self._acked.get(session_id or self.session_id or "", 0)

    def wait_synced(self, timeout: float) -> bool:
        """Wait until the facilitator holds every stored record of the session (False on timeout)."""
        deadline = time.monotonic() + timeout
        while not self._stop.is_set():
            target = self._stored_head()
            with self._lock:
                if target is not None and self._acked.get(self.session_id, 0) >= target[0] and \
                        self._acked_row == target[1] and self._welcomed.is_set():
                    return True
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._acked_changed.wait(min(remaining, 0.5))
            self.notify()
        return False

    def close(self) -> None:
        self._stop.set()
        self._wake.set()
        with self._lock:
            conn = self._conn
        if conn is not None:
            try:
                conn.close()
            except (ConnectionClosed, OSError):
                pass
        for thread in self._threads:
            thread.join(timeout=5)
        self._threads.clear()

    # -- the connection thread -------------------------------------------------------------------
    def _status(self, connected: bool, message: str) -> None:
        if self.on_status is not None:
            try:
                self.on_status(connected, message)
            except Exception:
                log.exception("a station status callback failed")

    def _run_connection(self) -> None:
        attempt = 0
        while not self._stop.is_set():
            uri = f"wss://{self.host}:{self.port}/"
            welcomed = False
            try:
                with connect(uri, open_timeout=self.open_timeout, max_size=p.MAX_MESSAGE_BYTES, compression=None,
                             proxy=None, ssl=tls.client_context(), ping_interval=10, ping_timeout=20, close_timeout=2) as conn:
                    with self._lock:
                        self._conn = conn
                        self._generation += 1
                    try:
                        welcomed = self._session(conn)
                    finally:
                        with self._lock:
                            self._conn = None
                            self._generation += 1
                            self._sent.clear()
                            self._sent_row = ()
                            self._inflight.clear()
                            self._welcomed.clear()
                            self._acked_changed.notify_all()
            except (OSError, InvalidHandshake, InvalidURI, TimeoutError) as exc:
                self._status(False, f"cannot reach the facilitator at {self.host}:{self.port} ({exc}); "
                                    "recording locally, retrying")
            except Exception:          # never let the link thread die: log, wait, retry
                log.exception("station %s: unexpected error in the link", self.station_id)
            if self.failed:
                self._status(False, self.last_error)
                return
            if self._stop.is_set():
                return
            if welcomed:
                attempt = 0
                self._status(False, "lost the facilitator; recording locally, reconnecting")
            self._stop.wait(self.backoff[min(attempt, len(self.backoff) - 1)])
            attempt += 1

    def _session(self, conn: ClientConnection) -> bool:
        """One connection's life: hello, welcome, then messages until it closes. True if welcomed."""
        welcomed = False
        try:
            fingerprint = tls.peer_fingerprint(conn)
            hello = p.seal_hello(p.hello(self.code, self.syndicate, self.station_id, self.members, self.role,
                                         self.scenario_id, self.scenario_hash,
                                         self.token if self.role == "recording" or self.seat else None,
                                         self.seat),
                                 fingerprint)
            conn.send(p.encode(hello))
            for raw in conn:
                try:
                    message = p.decode(raw, p.SERVER_TYPES)
                except p.ProtocolError as exc:
                    log.warning("station %s: ignored a message from the facilitator: %s", self.station_id, exc)
                    continue
                kind = message["type"]
                if kind == p.WELCOME:
                    expected = p.facilitator_proof(self.code, fingerprint, hello["nonce"])
                    if not p.proofs_match(message["proof"], expected):
                        # Not the facilitator showing this code (someone in the middle, or another
                        # program on the port): nothing of the session is sent to it.
                        self.failed = True
                        self.last_error = (f"the computer at {self.host}:{self.port} could not prove it runs this "
                                           "exercise (it does not know the join code); check the address and "
                                           "the code on the facilitator's screen")
                        conn.close(p.CLOSE_PROTOCOL, "the facilitator's proof of the join code did not match")
                        break
                    self.seed = message.get("seed")
                    token = message.get("token")
                    if token and token != self.token and (self.role == "recording" or self.seat):
                        self.token = token
                        if self.on_token is not None:
                            try:
                                self.on_token(token)
                            except Exception:
                                log.exception("station %s: could not keep the seat token", self.station_id)
                    with self._lock:
                        for session_id, seq in message["acked"].items():
                            self._acked[session_id] = seq
                        self._acked_changed.notify_all()
                    self.fingerprint = fingerprint
                    welcomed = True
                    self._welcomed.set()
                    self._status(True, f"joined the exercise as syndicate {self.syndicate} ({message['role']}); "
                                       f"facilitator's certificate {self.short_fingerprint}")
                    self.notify()
                elif kind == p.ACK:
                    with self._lock:
                        self._acked[message["session_id"]] = message["seq"]
                        if self._inflight:
                            self._acked_row = self._inflight.popleft()
                        sent = self._sent.get(message["session_id"], 0)
                        refused = message["seq"] < sent and not self._inflight
                        if sent < message["seq"] or not self._inflight:
                            # Every sync is answered: below what was sent means the facilitator
                            # refused some (or lost its copy), so send again from what it holds.
                            self._sent[message["session_id"]] = message["seq"]
                        self._acked_changed.notify_all()
                    self._resend(refused)
                elif kind == p.COMMAND:
                    self._deliver(Command.from_message(message))
                elif kind == p.VIEW:
                    self._update(message["syndicate"])
                elif kind == p.SEAT_VIEW:
                    self.seat_view = message["view"]
                    self._callback(self.on_seat_view, message["view"])
                elif kind in (p.SEAT_RELAY, p.SEAT_REQUEST_RELAY):
                    if self.role != "recording" or self.on_relay is None:
                        which = message["decision_id"] if kind == p.SEAT_RELAY else message["request_id"]
                        self.command_failed(which, "this station does not record the pod's session")
                    else:
                        self._callback(self.on_relay, message)
                elif kind == p.ERROR:
                    self.last_error = message["message"]
                    log.warning("station %s: the facilitator says: %s", self.station_id, self.last_error)
                    self._callback(self.on_error, self.last_error)
        except ConnectionClosed as exc:
            received = exc.rcvd
            if received is not None and received.code in FATAL_CLOSES:
                self.failed = True
                self.last_error = received.reason or self.last_error or "the facilitator refused this station"
            elif received is not None and received.code == p.CLOSE_TRY_LATER:
                self.last_error = received.reason or "the facilitator asks this station to wait"
                self._status(False, f"{self.last_error}; recording locally meanwhile")
            log.info("station %s: connection closed (%s)", self.station_id, exc)
        except OSError as exc:
            log.info("station %s: connection lost (%s)", self.station_id, exc)
        return welcomed

    def _resend(self, refused: bool) -> None:
        """Send what is not acknowledged: at once, or after the backoff when the facilitator has
        just refused it (its store full, say), so a refusal never becomes a tight resend loop."""
        if not refused:
            self._refusals = 0
            self.notify()
            return
        self._refusals += 1
        delay = self.backoff[min(self._refusals - 1, len(self.backoff) - 1)]
        timer = threading.Timer(delay, self.notify)
        timer.daemon = True
        timer.start()

    def _deliver(self, command: Command) -> None:
        if self.on_command is None:
            self.command_failed(command.command_id, "this station does not take interventions")
            return
        try:
            self.on_command(command)
        except Exception as exc:
            log.exception("station %s: applying intervention %s failed", self.station_id, command.command_id)
            self.command_failed(command.command_id, f"the station could not apply it: {exc}")

    def _callback(self, callback, value) -> None:
        if callback is None:
            return
        try:
            callback(value)
        except Exception:
            log.exception("station %s: a callback failed", self.station_id)

    def _update(self, data: dict) -> None:
        try:
            view = SyndicateView.from_dict(data)
        except (TypeError, ValueError) as exc:
            log.warning("station %s: unreadable syndicate view: %s", self.station_id, exc)
            return
        self.view = view
        if self.on_update is not None:
            try:
                self.on_update(view)
            except Exception:
                log.exception("a station update callback failed")

    # -- the sender thread -----------------------------------------------------------------------
    def _stored_head(self) -> tuple[int, tuple] | None:
        if self.session_id is None or self.store is None:
            return None
        record = self.store.session_record(self.session_id)
        events = record["events"]
        return (events[-1]["seq"] if events else 0), _row_key(record["session"])

    def _run_sender(self) -> None:
        while not self._stop.is_set():
            self._wake.wait()
            self._wake.clear()
            if self._stop.is_set():
                return
            if self.role != "recording" or self.session_id is None or not self._welcomed.is_set():
                continue
            try:
                self._send_pending()
            except Exception:          # a store error must not kill the link: the next notify retries
                log.exception("station %s: could not send records", self.station_id)

    def _send_pending(self) -> None:
        """Send what the facilitator lacks on the current connection; stale state is never written
        into a newer connection's (``_generation``), so a reconnect always resends what it must."""
        session_id = self.session_id
        with self._lock:
            generation, conn = self._generation, self._conn
        if conn is None:
            return
        record = self.store.session_record(session_id)
        row_key = _row_key(record["session"])
        with self._lock:
            if generation != self._generation:
                return
            start = max(self._acked.get(session_id, 0), self._sent.get(session_id, 0))
            if self._sent_row == row_key and not any(e["seq"] > start for e in record["events"]):
                return
        pending = [e for e in record["events"] if e["seq"] > start]
        size = p.MAX_EVENTS_PER_SYNC // 4
        for chunk in [pending[i:i + size] for i in range(0, len(pending), size)] or [[]]:
            with self._lock:                  # before sending: the ack may come back at once
                if generation != self._generation:
                    return
                self._inflight.append(row_key)
            if not self._send(p.sync(session_id, record["session"], chunk, time.time()), conn):
                return
            with self._lock:
                if generation != self._generation:
                    return
                if chunk:
                    self._sent[session_id] = chunk[-1]["seq"]
        with self._lock:
            if generation == self._generation:
                self._sent_row = row_key

    def _send(self, message: dict, conn: ClientConnection | None = None) -> bool:
        if conn is None:
            with self._lock:
                conn = self._conn
        if conn is None:
            return False
        try:
            text = p.encode(message)
            with self._send_lock:
                conn.send(text)
            return True
        except (ConnectionClosed, OSError) as exc:
            log.info("station %s: send failed (%s); resent after reconnecting", self.station_id, exc)
            return False


def _row_key(row: dict) -> tuple:
    return row.get("head_hash"), row.get("status"), row.get("result_hash")
