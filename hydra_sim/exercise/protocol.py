"""The exercise wire protocol: JSON text messages between the facilitator's server and stations.

One message is one JSON object with a ``type``; every inbound message is checked here
(type known, fields present with the right types, sizes bounded) before anyone acts on
it, because the network is untrusted. ``decode`` raises ``ProtocolError`` with a message
that can be sent back to the peer; it never lets a bad message crash the receiver.
Also the join code (random, short, typable) and the proofs that stand for it on the wire: the
code itself is never sent; each side proves it knows the code with an HMAC bound to the TLS
certificate the station sees (tls.py), so the link is encrypted and neither side can be
impersonated by someone who lacks the code. Each hello carries a fresh nonce (the server refuses
one it has seen: a replay); across sites the code is long (new_long_code, ~124 bits) so a captured
hello cannot be searched offline.
Pods (a seated scenario, one station per seat, docs/facilitation.md "Seats and pods"): a hello may
name its ``seat``; a seat station receives only ``seat_view`` (its own seat's stream and turn) and
sends ``seat_decision`` for its own seat's current scene; the server relays it to the syndicate's
recording station as ``seat_relay``, which runs the one shared runner. These messages travel on the
same authenticated connection, so the join proof, the replay check and the size limits cover them.
Plenary contributions: any joined station may send a ``contribution`` (a line of text for the
facilitator to show on the shared screen); it carries no name, and the server stores none.
Must not import Qt, the GUI, or the network library (this module is pure data).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import secrets
from typing import Any

from ..engine.model import REQUEST_URGENCIES as URGENCIES
from ..engine.requests import MAX_QUESTION
from ..records.store import EVENT_KINDS, INPUT_KINDS
from ..records.validation import MAX_CLOCK, MAX_DEPTH, too_deep

PROTOCOL_VERSION = 2                # 2: TLS, and the join code proven (join_proof), never sent
DEFAULT_PORT = 8765
MAX_MESSAGE_BYTES = 1_000_000       # a whole session record fits with room to spare; more is refused
MAX_TEXT = 4000                     # free-text inject, member name, reason ...
MAX_NAME = 64                       # syndicate, station and member names
MAX_MEMBERS = 12
MAX_CONTRIBUTION = 300              # one anonymous contribution to the plenary: a line or two, read from the back
MAX_EVENTS_PER_SYNC = 2000
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"     # no 0/O, 1/I/L: read aloud and typed without doubt
CODE_LENGTH = 6                     # the training-room code: one room, one exercise, guessing slowed (server.py)
# Across sites (pods in different buildings): a code long enough that a hello captured by someone in
# the middle cannot be tried against every code offline. 25 characters of 31: ~124 bits, read aloud
# and typed as 5 groups of 5 (e.g. K7QM2-XH4PA-...).
ACROSS_SITES_GROUPS = 5
CODE_GROUP = 5
ACROSS_SITES_MIN_BITS = 100
FINGERPRINT_SHORT = 16              # hex digits of the certificate fingerprint a trainer compares by phone

# WebSocket close codes (4000-4999 are free for applications); the reason text says what to do.
CLOSE_BAD_CODE = 4001
CLOSE_BAD_VERSION = 4002
CLOSE_REFUSED = 4003               # e.g. the syndicate already has another recording station
CLOSE_PROTOCOL = 4004              # the first message was not a valid hello
# Not fatal: the station tries again after its backoff.
CLOSE_TRY_LATER = 4005             # too many wrong join codes from this address: wait, then the right code joins
CLOSE_REPLACED = 4006              # this station's newer connection (same seat token) took over from this one
MAX_TOKEN = 100
CLOSE_SERVER_STOPPING = 1001

ROLES = ("recording", "follower")
# answer: a request for information; set_condition: a run condition changed live; stand_in / hand_back:
# a pod seat taken by its stand-in, or given back to its station
ACTIONS = ("inject", "pause", "resume", "timer", "end", "answer", "set_condition", "stand_in", "hand_back")
ALL = "all"

# Client -> server
HELLO = "hello"              # first message: proof of the join code, syndicate, station, members, role, scenario
SYNC = "sync"                # the session row and the stored events after the last acknowledged seq
COMMAND_FAILED = "command_failed"   # an intervention (or a relayed seat decision) could not be applied
SEAT_DECISION = "seat_decision"     # a seat station's answer to its own seat's current scene (pods)
SEAT_REQUEST = "seat_request"       # a seat station's request for information to a partner (pods)
CONTRIBUTION = "contribution"       # any station: an anonymous line for the plenary's shared screen
# Server -> client
WELCOME = "welcome"          # joined: the role granted, what the facilitator already holds, the order seed
ACK = "ack"                  # the facilitator holds this session up to seq
COMMAND = "command"          # a facilitator intervention to apply (each with an id, applied once)
VIEW = "view"                # followers: the syndicate as the console sees it
ERROR = "error"              # the last message was refused (the connection stays open)
SEAT_VIEW = "seat_view"      # a seat station: what its seat has seen so far, and its turn if it has one
SEAT_RELAY = "seat_relay"    # the recording station of a pod: a seat station's decision to apply
SEAT_REQUEST_RELAY = "seat_request_relay"   # the recording station of a pod: a seat station's request

CLIENT_TYPES = (HELLO, SYNC, COMMAND_FAILED, SEAT_DECISION, SEAT_REQUEST, CONTRIBUTION)
SERVER_TYPES = (WELCOME, ACK, COMMAND, VIEW, ERROR, SEAT_VIEW, SEAT_RELAY, SEAT_REQUEST_RELAY)

MAX_PICKS = 64               # option ids in one selection (choose_many, rank)
MAX_BOXES = 24               # boxes (and parts) in one NDM selection


class ProtocolError(ValueError):
    """A message that does not follow the protocol; ``str(exc)`` is safe to send back."""


def new_join_code(length: int = CODE_LENGTH) -> str:
    """A random join code, e.g. ``K7QM2X``: 6 characters of 31 give ~ 887 million codes."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def new_long_code() -> str:
    """An across-sites join code: 5 groups of 5, e.g. ``K7QM2-XH4PA-RT9WE-3NMJC-PQ8ZD`` (~124 bits)."""
    return format_code(new_join_code(ACROSS_SITES_GROUPS * CODE_GROUP))


def code_bits(code: str) -> float:
    """How many bits of chance a code of this length carries (random from CODE_ALPHABET)."""
    return len(normalise_code(code)) * math.log2(len(CODE_ALPHABET))


def format_code(code: str) -> str:
    """A code as shown and read aloud: a short one as it is; a long one in dash-separated groups of 5."""
    plain = normalise_code(code)
    if len(plain) <= 8:
        return plain
    return "-".join(plain[i:i + CODE_GROUP] for i in range(0, len(plain), CODE_GROUP))


def normalise_code(code: str) -> str:
    """What the trainee typed, as the server compares it: upper case; spaces, dashes and dots dropped
    (``k7qm2 xh4pa`` and ``K7QM2-XH4PA`` are the same code)."""
    return "".join(ch for ch in str(code).upper() if not ch.isspace() and ch not in "-\u2010\u2011\u2013._")


def short_fingerprint(fingerprint: str) -> str:
    """The first 16 hex digits of a certificate fingerprint in groups of 4 (``3F2A 91C0 5B7E D412``):
    what the facilitator and a station show, so a trainer can compare them by phone. 64 bits: making a
    certificate that matches them would take far longer than any exercise lasts."""
    head = str(fingerprint)[:FINGERPRINT_SHORT].upper()
    return " ".join(head[i:i + 4] for i in range(0, len(head), 4))


def join_proof(code: str, fingerprint: str, nonce: str) -> str:
    """What a station sends instead of the join code: an HMAC keyed with the code over the facilitator's
    TLS certificate fingerprint (as the station saw it) and a fresh nonce. A listener learns nothing it
    can replay, and someone in the middle (their own certificate) cannot pass it on (tls.py)."""
    return _proof("station", code, fingerprint, nonce)


def facilitator_proof(code: str, fingerprint: str, nonce: str) -> str:
    """The facilitator's answer in its welcome: the same, for the other side, so a station knows it
    reached the facilitator who shows this code before it sends any trainee's records."""
    return _proof("facilitator", code, fingerprint, nonce)


def proofs_match(given: Any, expected: str) -> bool:
    """Constant-time comparison of a proof."""
    return isinstance(given, str) and len(given) <= 128 and hmac.compare_digest(given.encode(), expected.encode())


def _proof(side: str, code: str, fingerprint: str, nonce: str) -> str:
    message = f"hydra-sim exercise v{PROTOCOL_VERSION}|{side}|{fingerprint}|{nonce}".encode()
    return hmac.new(normalise_code(code).encode(), message, hashlib.sha256).hexdigest()


def seal_hello(message: dict, fingerprint: str) -> dict:
    """The hello as sent: its ``code`` replaced by a fresh ``nonce`` and the ``proof`` of the code."""
    sealed = {k: v for k, v in message.items() if k != "code"}
    sealed["nonce"] = secrets.token_hex(16)
    sealed["proof"] = join_proof(message["code"], fingerprint, sealed["nonce"])
    return sealed


def encode(message: dict) -> str:
    """One message as JSON text (compact, UTF-8 safe). Raises ProtocolError if too big."""
    text = json.dumps(message, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    if len(text.encode("utf-8")) > MAX_MESSAGE_BYTES:
        raise ProtocolError(f"message of type {message.get('type')!r} is larger than {MAX_MESSAGE_BYTES} bytes")
    return text


def decode(raw: Any, allowed: tuple[str, ...]) -> dict:
    """Parse and validate one inbound message whose type must be in ``allowed``."""
    if isinstance(raw, (bytes, bytearray)):
        raise ProtocolError("binary messages are not part of the protocol; send JSON text")
    if not isinstance(raw, str):
        raise ProtocolError("a message must be JSON text")
    if len(raw.encode("utf-8")) > MAX_MESSAGE_BYTES:
        raise ProtocolError(f"message larger than {MAX_MESSAGE_BYTES} bytes")
    try:
        message = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ProtocolError(f"not valid JSON ({exc.msg} at character {exc.pos})") from None
    except RecursionError:
        raise ProtocolError("not valid here: JSON nested thousands of levels deep") from None
    except ValueError as exc:          # e.g. a number of more than 4,300 digits
        raise ProtocolError(f"not valid JSON ({str(exc)[:120]})") from None
    if too_deep(message, MAX_DEPTH + 8):   # a sync's event data sits 5 levels down; the records allow MAX_DEPTH
        raise ProtocolError(f"a message may nest lists and objects at most {MAX_DEPTH + 8} levels deep")
    if not isinstance(message, dict):
        raise ProtocolError("a message must be a JSON object with a 'type'")
    kind = message.get("type")
    if kind not in allowed:
        raise ProtocolError(f"unknown message type {kind!r} here (expected one of: {', '.join(allowed)})")
    _CHECKS[kind](message)
    return message


# -- builders (what each side sends) ----------------------------------------------------------
def hello(code: str, syndicate: str, station_id: str, members: list[str], role: str,
          scenario_id: str, scenario_hash: str, token: str | None = None, seat: str | None = None) -> dict:
    """``token``: the seat token the facilitator gave this recording station when it first joined
    (None the first time); it alone lets a station take its syndicate's recording seat again.
    ``seat``: the scenario seat this station plays in a pod (None: the station plays every seat)."""
    message = {"type": HELLO, "v": PROTOCOL_VERSION, "code": code, "syndicate": syndicate, "station_id": station_id,
               "members": list(members), "role": role, "scenario_id": scenario_id, "scenario_hash": scenario_hash}
    if token:
        message["token"] = token
    if seat:
        message["seat"] = seat
    return message


def sync(session_id: str, session_row: dict, events: list[dict], sent_at: float) -> dict:
    return {"type": SYNC, "session_id": session_id, "session": session_row, "events": events, "sent_at": sent_at}


def command_failed(command_id: str, reason: str) -> dict:
    return {"type": COMMAND_FAILED, "command_id": command_id, "reason": reason[:MAX_TEXT]}


def seat_decision(decision_id: str, scene_id: str, index: int, selection=None, rationale=None,
                  entered_by: str = "") -> dict:
    """A seat station's decision at its seat's current scene: ``index`` is the number of decisions the
    shared session holds before it (so a resent one is applied once); ``selection`` None continues a
    scene that asks no decision."""
    message = {"type": SEAT_DECISION, "decision_id": decision_id, "scene_id": scene_id, "index": index}
    if selection is not None:
        message["selection"] = selection
    if rationale is not None:
        message["rationale"] = rationale
    if entered_by:
        message["entered_by"] = entered_by
    return message


def seat_relay(decision: dict, seat: str, station_id: str) -> dict:
    """The server's relay of a checked ``seat_decision`` to the pod's recording station."""
    return _relayed(SEAT_RELAY, decision, seat, station_id)


def _relayed(kind: str, message: dict, seat: str, station_id: str) -> dict:
    """A seat station's checked message, as relayed: its fields, with the seat and station that sent it."""
    relay = {k: v for k, v in message.items() if k != "type"}
    return {"type": kind, **relay, "seat": seat, "station_id": station_id}


def seat_request(request_id: str, partner: str, question: str, urgency: str = "routine",
                 topic: str | None = None, entered_by: str = "") -> dict:
    """A seat station's request for information to ``partner``, for its own seat; ``request_id``
    names it, so a request sent again (after a lost link) is applied once."""
    message = {"type": SEAT_REQUEST, "request_id": request_id, "partner": partner, "question": question,
               "urgency": urgency}
    if topic is not None:
        message["topic"] = topic
    if entered_by:
        message["entered_by"] = entered_by
    return message


def seat_request_relay(request: dict, seat: str, station_id: str) -> dict:
    """The server's relay of a checked ``seat_request`` to the pod's recording station."""
    return _relayed(SEAT_REQUEST_RELAY, request, seat, station_id)


def contribution(text: str) -> dict:
    """An anonymous contribution to the plenary: the text only (no station, syndicate or member)."""
    return {"type": CONTRIBUTION, "text": text}


def seat_view(syndicate: str, view: dict) -> dict:
    return {"type": SEAT_VIEW, "syndicate": syndicate, "view": view}


def welcome(role: str, syndicate: str, acked: dict[str, int], seed: int | None = None,
            token: str | None = None, proof: str = "", seat: str | None = None) -> dict:
    """``seed``: the presentation seed the facilitator gives this syndicate's new session (optional);
    ``token``: the recording seat's token, sent only to the recording station (never to followers);
    a pod's seat station gets its own seat's token instead (it alone takes that seat over while held)."""
    message = {"type": WELCOME, "v": PROTOCOL_VERSION, "role": role, "syndicate": syndicate, "acked": acked,
               "proof": proof}
    if seed is not None:
        message["seed"] = seed
    if token is not None:
        message["token"] = token
    if seat is not None:
        message["seat"] = seat
    return message


def new_token() -> str:
    """A recording seat's token: 192 random bits, never shown on a screen or sent to a follower."""
    return secrets.token_urlsafe(24)


def ack(session_id: str, seq: int) -> dict:
    return {"type": ACK, "session_id": session_id, "seq": seq}


def command(command_id: str, action: str, **params) -> dict:
    return {"type": COMMAND, "command_id": command_id, "action": action, **params}


def error(message: str) -> dict:
    return {"type": ERROR, "message": message[:MAX_TEXT]}


# -- field checks ----------------------------------------------------------------------------
def _text(message: dict, name: str, limit: int = MAX_NAME, *, optional: bool = False, blank: bool = False) -> None:
    value = message.get(name)
    if value is None and optional:
        return
    if not isinstance(value, str):
        raise ProtocolError(f"'{name}' must be text")
    if not blank and not value.strip():
        raise ProtocolError(f"'{name}' must not be blank")
    if len(value) > limit:
        raise ProtocolError(f"'{name}' is longer than {limit} characters")


def _int(message: dict, name: str, *, optional: bool = False, minimum: int | None = None) -> None:
    value = message.get(name)
    if value is None and optional:
        return
    if isinstance(value, bool) or not isinstance(value, int):
        raise ProtocolError(f"'{name}' must be a whole number")
    if minimum is not None and value < minimum:
        raise ProtocolError(f"'{name}' must be at least {minimum}")


def _check_hello(m: dict) -> None:
    if m.get("v") != PROTOCOL_VERSION:
        raise ProtocolError(f"protocol version {m.get('v')!r} is not supported (this facilitator speaks "
                            f"version {PROTOCOL_VERSION}); install the same hydra_sim version on every machine")
    _text(m, "nonce", 64)
    _text(m, "proof", 128)
    for name in ("syndicate", "station_id"):
        _text(m, name)
    members = m.get("members")
    if not isinstance(members, list) or not members or len(members) > MAX_MEMBERS:
        raise ProtocolError(f"'members' must list 1 to {MAX_MEMBERS} names")
    for member in members:
        if not isinstance(member, str) or not member.strip() or len(member) > MAX_NAME:
            raise ProtocolError(f"each member must be a name of 1 to {MAX_NAME} characters")
    if m.get("role") not in ROLES:
        raise ProtocolError(f"'role' must be one of: {', '.join(ROLES)}")
    _text(m, "scenario_id", 200)
    _text(m, "scenario_hash", 200, blank=True)
    _text(m, "token", MAX_TOKEN, optional=True)
    _text(m, "seat", MAX_NAME, optional=True)


_MAX_INT = 2 ** 53         # JSON numbers beyond this lose precision, and SQLite stores 64 bits at most
_EVENT_FIELDS = {"seq": int, "kind": str, "is_input": bool, "clock": int, "recorded_at": str,
                 "prev_hash": str, "hash": str}


def _check_sync(m: dict) -> None:
    _text(m, "session_id", 100)
    if not isinstance(m.get("session"), dict) or m["session"].get("session_id") != m["session_id"]:
        raise ProtocolError("'session' must be the session row of 'session_id'")
    events = m.get("events")
    if not isinstance(events, list) or len(events) > MAX_EVENTS_PER_SYNC:
        raise ProtocolError(f"'events' must be a list of at most {MAX_EVENTS_PER_SYNC} events")
    for event in events:
        if not isinstance(event, dict) or not isinstance(event.get("data"), dict):
            raise ProtocolError("each event must be an object whose 'data' is an object")
        for name, kind in _EVENT_FIELDS.items():
            value = event.get(name)
            if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
                raise ProtocolError(f"event field '{name}' must be {kind.__name__}")
            if kind is int and not 0 <= value <= (MAX_CLOCK if name == "clock" else _MAX_INT):
                raise ProtocolError(f"event field '{name}' is out of range")
        known = INPUT_KINDS if event["is_input"] else EVENT_KINDS
        if event["kind"] not in known:
            raise ProtocolError(f"unknown event kind '{event['kind'][:40]}'")
    sent_at = m.get("sent_at")
    if isinstance(sent_at, bool) or not isinstance(sent_at, (int, float)) or not 0 <= sent_at <= _MAX_INT:
        raise ProtocolError("'sent_at' must be a number (seconds since the epoch)")


def _check_command_failed(m: dict) -> None:
    _text(m, "command_id", 100)
    _text(m, "reason", MAX_TEXT, blank=True)


def _check_selection(m: dict) -> None:
    """A selection as a decision kind records it: an id, a list of ids, or NDM boxes (text, and one
    level of parts: part id -> option id). Its meaning is checked by the runner that applies it."""
    value = m.get("selection")
    if value is None or isinstance(value, str):
        if isinstance(value, str) and not 0 < len(value) <= 200:
            raise ProtocolError("'selection' must be an option id of 1 to 200 characters")
        return
    if isinstance(value, list):
        if len(value) > MAX_PICKS or not all(isinstance(i, str) and 0 < len(i) <= 200 for i in value):
            raise ProtocolError(f"'selection' must list at most {MAX_PICKS} option ids")
        return
    if isinstance(value, dict) and len(value) <= MAX_BOXES:
        for key, box in value.items():
            if len(key) > 200:
                raise ProtocolError("a box name in 'selection' is longer than 200 characters")
            if isinstance(box, str) and len(box) <= MAX_TEXT:
                continue
            if isinstance(box, dict) and len(box) <= MAX_BOXES and all(
                    isinstance(v, str) and len(k) <= 200 and len(v) <= 200 for k, v in box.items()):
                continue
            raise ProtocolError(f"box '{key[:40]}' of 'selection' must be text of at most {MAX_TEXT} characters")
        return
    raise ProtocolError("'selection' must be an option id, a list of option ids, or an object of boxes")


def _check_seat_decision(m: dict) -> None:
    _text(m, "decision_id", 100)
    _text(m, "scene_id", 200)
    _int(m, "index", minimum=0)
    if m["index"] > _MAX_INT:
        raise ProtocolError("'index' is out of range")
    _check_selection(m)
    _text(m, "rationale", MAX_TEXT, optional=True, blank=True)
    _text(m, "entered_by", MAX_NAME, optional=True, blank=True)


def _check_seat_relay(m: dict) -> None:
    _check_seat_decision(m)
    _text(m, "seat", MAX_NAME)
    _text(m, "station_id", MAX_NAME)


def _check_seat_request(m: dict) -> None:
    _text(m, "request_id", 100)
    _text(m, "partner", 200)
    _text(m, "question", MAX_QUESTION)
    if m.get("urgency") not in URGENCIES:
        raise ProtocolError(f"'urgency' must be one of: {', '.join(URGENCIES)}")
    _text(m, "topic", 200, optional=True)
    _text(m, "entered_by", MAX_NAME, optional=True, blank=True)


def _check_seat_request_relay(m: dict) -> None:
    _check_seat_request(m)
    _text(m, "seat", MAX_NAME)
    _text(m, "station_id", MAX_NAME)


def _check_contribution(m: dict) -> None:
    text = m.get("text")
    if not isinstance(text, str):
        raise ProtocolError("contribution refused: it must be text")
    if not text.strip():
        raise ProtocolError("contribution refused: it is empty; write something to say to the plenary")
    if len(text) > MAX_CONTRIBUTION:
        raise ProtocolError(f"contribution refused: it is {len(text)} characters long; at most {MAX_CONTRIBUTION} "
                            "fit on the shared screen, so shorten it")
    if set(m) != {"type", "text"}:      # nothing that could name the sender rides along
        raise ProtocolError("contribution refused: a contribution carries its text only")


def _check_seat_view(m: dict) -> None:
    _text(m, "syndicate")
    if not isinstance(m.get("view"), dict):
        raise ProtocolError("'view' must be an object")


def _check_welcome(m: dict) -> None:
    if m.get("role") not in ROLES:
        raise ProtocolError("'role' must be recording or follower")
    _text(m, "syndicate")
    acked = m.get("acked")
    if not isinstance(acked, dict) or not all(isinstance(v, int) and not isinstance(v, bool) for v in acked.values()):
        raise ProtocolError("'acked' must map session ids to sequence numbers")
    seed = m.get("seed")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2 ** 63):
        raise ProtocolError("'seed' must be a whole number of 0 or more")
    _text(m, "token", MAX_TOKEN, optional=True)
    _text(m, "proof", 128, blank=True)
    _text(m, "seat", MAX_NAME, optional=True)


def _check_ack(m: dict) -> None:
    _text(m, "session_id", 100)
    _int(m, "seq", minimum=0)


def _check_command(m: dict) -> None:
    _text(m, "command_id", 100)
    action = m.get("action")
    if action not in ACTIONS:
        raise ProtocolError(f"unknown intervention {action!r} (expected one of: {', '.join(ACTIONS)})")
    if action == "inject":
        _text(m, "text", MAX_TEXT, optional=True)
        _text(m, "inject_id", 200, optional=True)
        if (m.get("text") is None) == (m.get("inject_id") is None):
            raise ProtocolError("an inject needs either 'text' or 'inject_id'")
    if action == "timer":
        _int(m, "seconds")
    if action == "answer":          # the facilitator answers a request for information as its partner
        _int(m, "request", minimum=0)
        _text(m, "text", MAX_TEXT, optional=True)
        _text(m, "reply", 200, optional=True)
        if (m.get("text") is None) == (m.get("reply") is None):
            raise ProtocolError("an answer needs either 'text' or 'reply'")
    if action == "set_condition":   # the runner checks the name and value against the scenario
        _text(m, "variable", 200)
        value = m.get("value")
        if not isinstance(value, (str, bool)) or (isinstance(value, str) and not 0 < len(value) <= 200):
            raise ProtocolError("'value' must be a run condition's value (a short text, or true or false)")
    if action in ("stand_in", "hand_back"):
        _text(m, "seat", MAX_NAME)
    _text(m, "by", MAX_NAME, optional=True)


def _check_view(m: dict) -> None:
    if not isinstance(m.get("syndicate"), dict):
        raise ProtocolError("'syndicate' must be an object")


def _check_error(m: dict) -> None:
    _text(m, "message", MAX_TEXT, blank=True)


_CHECKS = {HELLO: _check_hello, SYNC: _check_sync, COMMAND_FAILED: _check_command_failed,
           WELCOME: _check_welcome, ACK: _check_ack, COMMAND: _check_command, VIEW: _check_view,
           ERROR: _check_error, SEAT_DECISION: _check_seat_decision, SEAT_RELAY: _check_seat_relay,
           SEAT_VIEW: _check_seat_view, SEAT_REQUEST: _check_seat_request,
           SEAT_REQUEST_RELAY: _check_seat_request_relay, CONTRIBUTION: _check_contribution}
