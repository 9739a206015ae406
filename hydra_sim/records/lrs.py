"""Send queued xAPI statements to a Learning Record Store (stdlib ``urllib`` only: no extra dependency).

``LrsClient.flush(queue)`` posts the queue in batches (default 50) to
``{endpoint}/statements`` with HTTP basic auth and ``X-Experience-API-Version: 1.0.3``:

- 200 with a JSON array of ids: each id in the array is acknowledged and leaves the queue.
  A statement counts as sent only when the LRS confirms its id: ids missing from the array
  (or every id, after a 204, which Ralph answers when it held them all) are looked up with
  ``GET {endpoint}/statements?statementId=ID`` (the write user needs read access to its own
  statements for that); the ones the LRS holds are "already there",
  the others stay queued. A 200 whose body is not a JSON array of strings acknowledges
  nothing: the batch stays queued and the push stops (that is not an LRS answering xAPI);
- 409, or a 400 that says the ids already exist: already stored, also acknowledged, but
  only for a batch of one: an LRS answers so for a whole batch when one of its ids
  conflicts and then stores none of them (xAPI 1.0.3, and Ralph does), so a larger batch
  is split in halves and sent again until every statement has its own answer;
- 401/403: the credentials are wrong or lack write access: stop at once, keep everything
  queued, and say so (``LrsAuthError``);
- connection errors, timeouts, 429 and 5xx: retried with exponential backoff a bounded
  number of times (at least as long as a ``Retry-After`` asks, up to ``max_delay``),
  then the rest stays queued for the next push. A request that timed out or lost its
  connection may have been stored all the same: sending it again is safe, because the
  statement ids are fixed (uuid5) and an LRS keeps one statement per id;
- 3xx: a redirect is never followed (it would carry the password to another address, and
  its answer would speak for a server we did not choose): the push stops and everything
  stays queued, with the address it pointed to in the message;
- any other answer (a statement the LRS rejects): a batch is split the same way, so
  only the statements at fault stay queued, with the error.

Every push has an overall ``deadline`` (seconds, default 600): a server that trickles a
byte every few seconds never trips the per-read ``timeout``, so a watchdog closes the
connection in flight when the deadline passes, and whatever is unsent stays queued. An
answer is read only up to ``max_answer`` bytes (default 1 MiB; a batch's ids take a few
KB): a larger one is refused unread and acknowledges nothing.

The backoff's ``sleep`` is injectable so tests never sleep, and ``timeout`` (seconds per
network read) is a parameter. Passwords are held only in memory. Must not import Qt.
"""

from __future__ import annotations

import base64
import http.client
import json
import logging
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field

from .queue import XapiQueue, normalise_endpoint

log = logging.getLogger(__name__)

XAPI_VERSION = "1.0.3"
DEFAULT_BATCH = 50
DEFAULT_ATTEMPTS = 4
DEFAULT_DEADLINE = 600.0     # seconds for a whole push
MAX_ANSWER = 1 << 20         # bytes read from one answer at most
_sleep = time.sleep          # the default backoff wait (tests replace it)
_EXISTS_WORDS = ("already exist", "already stored", "same id", "duplicate", "conflict")


class LrsError(Exception):
    """The LRS could not take the statements; they stay queued."""


class LrsAuthError(LrsError):
    """401/403: wrong user or password, or no permission to write statements."""


class LrsUnavailable(LrsError):
    """The LRS could not be reached, kept failing (5xx) after every retry, or the push's deadline passed."""


class LrsRejected(LrsError):
    """The LRS refused a batch (e.g. 400 for a statement it considers invalid)."""


class LrsProtocolError(LrsError):
    """The server did not answer as an xAPI LRS does (a redirect, a 200 without the ids, an oversized
    answer): nothing is counted as sent and the push stops."""


class _DeadlinePassed(Exception):
    pass


class _TooLarge(Exception):
    pass


@dataclass
class BatchResult:
    stored: list[str]
    already: list[str]
    rejected: dict[str, str] = field(default_factory=dict)    # statement id -> why it stays queued


@dataclass
class FlushResult:
    sent: int = 0
    already: int = 0
    queued: int = 0
    errors: list[str] = field(default_factory=list)
    auth_failed: bool = False

    @property
    def ok(self) -> bool:
        return self.queued == 0 and not self.errors


class _Watchdog:
    """Shuts the connection of the request in flight when the push's deadline passes
    (a per-read timeout never fires against a server that sends a byte every few seconds)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._connection: http.client.HTTPConnection | None = None
        self.expired = False

    def track(self, connection: http.client.HTTPConnection) -> None:
        with self._lock:
            self._connection = connection

    def fire(self) -> None:
        with self._lock:
            self.expired = True
            sock = getattr(self._connection, "sock", None)
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)     # unblocks the read in the pushing thread
            except OSError:
                pass


def _tracked(connection_class, track):
    def make(*args, **kwargs):
        connection = connection_class(*args, **kwargs)
        track(connection)
        return connection
    return make


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Never follow a redirect: urllib then raises the 3xx as an HTTPError, which we answer."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class _HttpHandler(urllib.request.HTTPHandler):
    def __init__(self, track) -> None:
        super().__init__()
        self._track = track

    def http_open(self, req):
        return self.do_open(_tracked(http.client.HTTPConnection, self._track), req)


class _HttpsHandler(urllib.request.HTTPSHandler):
    def __init__(self, track) -> None:
        super().__init__()
        self._track = track

    def https_open(self, req):
        options = {"context": self._context}
        if getattr(self, "_check_hostname", None) is not None:      # Python < 3.12 only
            options["check_hostname"] = self._check_hostname
        return self.do_open(_tracked(http.client.HTTPSConnection, self._track), req, **options)


class LrsClient:
    def __init__(self, endpoint: str, user: str, password: str, *, batch_size: int = DEFAULT_BATCH,
                 attempts: int = DEFAULT_ATTEMPTS, base_delay: float = 1.0, max_delay: float = 30.0,
                 timeout: float = 30.0, deadline: float = DEFAULT_DEADLINE, max_answer: int = MAX_ANSWER,
                 sleep: Callable[[float], None] | None = None):
        if not endpoint.startswith(("http://", "https://")):
            raise ValueError(f"the LRS endpoint must be an http(s) address, not {endpoint!r}")
        if batch_size < 1 or attempts < 1:
            raise ValueError("batch_size and attempts must be at least 1")
        if deadline <= 0 or max_answer < 1:
            raise ValueError("deadline and max_answer must be positive")
        self.endpoint = normalise_endpoint(endpoint)
        self._auth = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        self.batch_size = batch_size
        self.attempts = attempts
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.timeout = timeout
        self.deadline = deadline
        self.max_answer = max_answer
        self.sleep = sleep if sleep is not None else (lambda seconds: _sleep(seconds))
        self._deadline_at: float | None = None      # set for the length of one flush

    def __repr__(self) -> str:          # never show the credentials
        return f"LrsClient({self.endpoint!r})"

    # -- one HTTP exchange, bounded in time and size -------------------------------------
    def _remaining(self) -> float:
        return self._deadline_at - time.monotonic() if self._deadline_at is not None else self.deadline

    def _deadline_message(self) -> str:
        return (f"no complete answer from {self.endpoint} within the push's deadline of {self.deadline:g} s; "
                "the statements stay queued; run hydra-sim push again later.")

    def _exchange(self, method: str, url: str, body: bytes | None = None) -> tuple[int, bytes, object]:
        remaining = self._remaining()
        if remaining <= 0:
            raise _DeadlinePassed
        headers = {"Authorization": self._auth, "X-Experience-API-Version": XAPI_VERSION,
                   "Accept": "application/json"}
        if body is not None:
            headers["Content-Type"] = "application/json; charset=utf-8"
        request = urllib.request.Request(url, data=body, method=method, headers=headers)
        watchdog = _Watchdog()
        opener = urllib.request.build_opener(_NoRedirect, _HttpHandler(watchdog.track),
                                             _HttpsHandler(watchdog.track))
        timer = threading.Timer(remaining, watchdog.fire)
        timer.daemon = True
        timer.start()
        try:
            try:
                response = opener.open(request, timeout=min(self.timeout, remaining))   # noqa: S310 (http/https only)
            except urllib.error.HTTPError as exc:
                response = exc
            try:
                status = response.code
                data = self._read(response) if getattr(response, "fp", None) is not None else b""
                headers_in = response.headers
            finally:
                response.close()
            if watchdog.expired:       # a body cut short by the watchdog is not an answer
                raise _DeadlinePassed
            return status, data, headers_in
        except (urllib.error.URLError, OSError, http.client.HTTPException):
            if watchdog.expired:
                raise _DeadlinePassed from None
            raise
        finally:
            timer.cancel()

    def _read(self, response) -> bytes:
        length = response.headers.get("Content-Length") if response.headers else None
        if length and length.strip().isdigit() and int(length) > self.max_answer:
            raise _TooLarge(int(length))
        chunks: list[bytes] = []
        size = 0
        while True:
            chunk = response.read(min(65536, self.max_answer + 1 - size))
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
            size += len(chunk)
            if size > self.max_answer:
                raise _TooLarge(size)

    def _request(self, method: str, url: str, body: bytes | None = None) -> tuple[int, bytes, object]:
        """``_exchange`` with its internal signals turned into the errors a caller handles."""
        try:
            return self._exchange(method, url, body)
        except _DeadlinePassed:
            raise LrsUnavailable(self._deadline_message()) from None
        except _TooLarge:
            raise LrsProtocolError(
                f"The LRS at {self.endpoint} sent an answer larger than {self.max_answer} bytes; it was not "
                "read and acknowledges nothing. The statements stay queued.") from None

    # -- posting ---------------------------------------------------------------------------
    def post_batch(self, statements: list[dict]) -> BatchResult:
        """Post one batch; retries transient failures; raises LrsError subclasses when it cannot.

        A batch of one that the LRS refuses raises ``LrsRejected``; a larger one is split
        (see the module docstring) and the statements refused alone are in ``rejected``;
        statements the LRS did not confirm are in ``rejected`` too."""
        if self._deadline_at is None:          # called on its own, not from flush: its own deadline
            self._deadline_at = time.monotonic() + self.deadline
            try:
                return self.post_batch(statements)
            finally:
                self._deadline_at = None
        ids = [s["id"] for s in statements]
        body = json.dumps(statements, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        last = ""
        wait = 0.0
        for attempt in range(self.attempts):
            if attempt:
                delay = min(self.max_delay, max(wait, self.base_delay * 2 ** (attempt - 1)))
                if delay >= self._remaining():
                    raise LrsUnavailable(f"{last}; the push's deadline of {self.deadline:g} s leaves no time "
                                         "to retry. The statements stay queued; run hydra-sim push again later.")
                log.info("LRS %s: retrying in %.1f s (%s)", self.endpoint, delay, last)
                self.sleep(delay)
            try:
                status, answer, headers = self._request("POST", f"{self.endpoint}/statements", body)
            except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
                reason = getattr(exc, "reason", exc)
                last = f"cannot reach {self.endpoint} ({reason or type(exc).__name__})"
                wait = 0.0
                continue
            text = answer.decode("utf-8", "replace")[:500]
            if status in (200, 201):
                listed = _returned_ids(answer)
                if listed is None:
                    raise LrsProtocolError(
                        f"The LRS at {self.endpoint} answered HTTP {status} without the JSON list of statement "
                        f"ids that xAPI asks for ({text[:80]!r}); nothing is counted as sent and the "
                        "statements stay queued. Check that the endpoint is the LRS's xAPI address.")
                stored = [i for i in ids if i in listed]
                return self._confirm(stored, [i for i in ids if i not in listed])
            if status == 204:
                return self._confirm([], ids)
            if 300 <= status < 400:
                where = headers.get("Location", "?") if headers else "?"
                raise LrsProtocolError(
                    f"The LRS at {self.endpoint} answered HTTP {status}, a redirect to {where}: hydra-sim never "
                    "follows a redirect (it would send the password there). Nothing was sent and everything "
                    "stays queued: if the LRS really moved, save its new address with 'hydra-sim lrs set'.")
            if status in (401, 403):
                raise LrsAuthError(
                    f"The LRS at {self.endpoint} refused the credentials (HTTP {status}): check the user name "
                    "and the password (and that this user may write statements). Nothing was lost: every "
                    "statement is still queued.")
            if status == 429 or status >= 500:
                last = f"HTTP {status} from {self.endpoint}: {text}"
                wait = _seconds(headers.get("Retry-After") if headers else None)
                continue
            if len(statements) > 1:
                log.info("LRS %s: HTTP %d for a batch of %d; sending it in halves", self.endpoint, status, len(ids))
                return self._split(statements)
            if status == 409 or (status == 400 and any(w in text.lower() for w in _EXISTS_WORDS)):
                log.info("LRS %s: statement already stored (%d): %s", self.endpoint, status, text)
                return BatchResult([], ids)
            raise LrsRejected(f"The LRS at {self.endpoint} refused statement {ids[0]} (HTTP {status}): {text}")
        raise LrsUnavailable(f"{last}; gave up after {self.attempts} attempts. The statements stay queued; "
                             "run hydra-sim push again later.")

    def _confirm(self, stored: list[str], unlisted: list[str]) -> BatchResult:
        """Ask the LRS for each statement it did not list as stored: the ones it holds were
        already there; the others stay queued."""
        result = BatchResult(stored, [])
        for statement_id in unlisted:
            if statement_id in result.rejected:
                continue
            url = f"{self.endpoint}/statements?statementId={urllib.parse.quote(statement_id, safe='')}"
            try:
                status, answer, _headers = self._request("GET", url)
            except LrsUnavailable as exc:      # the deadline: the rest cannot be asked about now
                for rest in unlisted[unlisted.index(statement_id):]:
                    result.rejected[rest] = str(exc)
                break
            except (LrsError, urllib.error.URLError, OSError, http.client.HTTPException) as exc:
                result.rejected[statement_id] = f"could not ask {self.endpoint} whether it holds {statement_id}: {exc}"
                continue
            if status == 200 and _holds(answer, statement_id):
                result.already.append(statement_id)
            else:
                result.rejected[statement_id] = (
                    f"The LRS at {self.endpoint} did not confirm statement {statement_id} (not in its answer, "
                    f"and asking for it gave HTTP {status}); it stays queued.")
        return result

    def _split(self, statements: list[dict]) -> BatchResult:
        half = len(statements) // 2
        result = BatchResult([], [])
        for part in (statements[:half], statements[half:]):
            try:
                outcome = self.post_batch(part)
            except LrsRejected as exc:          # a batch of one
                outcome = BatchResult([], [], {part[0]["id"]: str(exc)})
            result.stored += outcome.stored
            result.already += outcome.already
            result.rejected.update(outcome.rejected)
        return result

    def flush(self, queue: XapiQueue) -> FlushResult:
        """Send everything queued for this endpoint, within the deadline; confirmed statements leave the queue."""
        self._deadline_at = time.monotonic() + self.deadline
        try:
            return self._flush(queue)
        finally:
            self._deadline_at = None

    def _flush(self, queue: XapiQueue) -> FlushResult:
        result = FlushResult()
        after = 0
        while True:
            batch = queue.pending(self.endpoint, self.batch_size, after)
            if not batch:
                break
            if self._remaining() <= 0:
                result.errors.append(self._deadline_message())
                break
            after = batch[-1][0]
            statements = [s for _, s in batch]
            ids = [s["id"] for s in statements]
            try:
                outcome = self.post_batch(statements)
            except LrsAuthError as exc:
                result.errors.append(str(exc))
                result.auth_failed = True
                break
            except (LrsUnavailable, LrsProtocolError) as exc:
                queue.note_failure(self.endpoint, ids, str(exc))
                result.errors.append(str(exc))
                break                # down, out of time or not an LRS: later batches would fare the same
            except LrsRejected as exc:
                queue.note_failure(self.endpoint, ids, str(exc))
                result.errors.append(str(exc))
                continue             # keep this statement, try the next batch
            for statement_id, reason in outcome.rejected.items():
                queue.note_failure(self.endpoint, [statement_id], reason)
                result.errors.append(reason)
            confirmed = set(outcome.stored) | set(outcome.already)
            queue.remove(self.endpoint, [i for i in ids if i in confirmed and i not in outcome.rejected])
            result.sent += len(outcome.stored)
            result.already += len(outcome.already)
        result.queued = queue.count(self.endpoint)
        return result


def _returned_ids(body: bytes) -> set[str] | None:
    """The ids in an xAPI POST answer (a JSON array of strings), or None for anything else."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return None
    if isinstance(data, list) and all(isinstance(i, str) for i in data):
        return set(data)
    return None


def _holds(body: bytes, statement_id: str) -> bool:
    """Whether an answer to ``GET /statements?statementId=`` is that statement: xAPI answers the
    statement itself; Ralph wraps it in a statement result (``{"statements": [...]}``)."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return False
    if isinstance(data, dict) and isinstance(data.get("statements"), list):
        return any(isinstance(s, dict) and s.get("id") == statement_id for s in data["statements"])
    return isinstance(data, dict) and data.get("id") == statement_id


def _seconds(retry_after: str | None) -> float:
    """A ``Retry-After`` in seconds (its HTTP-date form counts as no hint)."""
    try:
        return max(0.0, float(retry_after)) if retry_after else 0.0
    except ValueError:
        return 0.0
