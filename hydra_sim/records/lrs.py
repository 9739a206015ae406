"""Send queued xAPI statements to a Learning Record Store (stdlib ``urllib`` only: no extra dependency).

``LrsClient.flush(queue)`` posts the queue in batches (default 50) to
``{endpoint}/statements`` with HTTP basic auth and ``X-Experience-API-Version: 1.0.3``:

- 200 (ids returned) or 204: acknowledged; the batch leaves the queue;
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
- any other answer (a statement the LRS rejects): a batch is split the same way, so
  only the statements at fault stay queued, with the error.

The backoff's ``sleep`` is injectable so tests never sleep, and ``timeout`` (seconds per
request) is a parameter. Passwords are held only in memory. Must not import Qt.
"""

from __future__ import annotations

import base64
import http.client
import json
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field

from .queue import XapiQueue, normalise_endpoint

log = logging.getLogger(__name__)

XAPI_VERSION = "1.0.3"
DEFAULT_BATCH = 50
DEFAULT_ATTEMPTS = 4
_sleep = time.sleep          # the default backoff wait (tests replace it)
_EXISTS_WORDS = ("already exist", "already stored", "same id", "duplicate", "conflict")


class LrsError(Exception):
    """The LRS could not take the statements; they stay queued."""


class LrsAuthError(LrsError):
    """401/403: wrong user or password, or no permission to write statements."""


class LrsUnavailable(LrsError):
    """The LRS could not be reached, or kept failing (5xx) after every retry."""


class LrsRejected(LrsError):
    """The LRS refused a batch (e.g. 400 for a statement it considers invalid)."""


@dataclass
class BatchResult:
    stored: list[str]
    already: list[str]
    rejected: dict[str, str] = field(default_factory=dict)    # statement id -> the LRS's reason


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


class LrsClient:
    def __init__(self, endpoint: str, user: str, password: str, *, batch_size: int = DEFAULT_BATCH,
                 attempts: int = DEFAULT_ATTEMPTS, base_delay: float = 1.0, max_delay: float = 30.0,
                 timeout: float = 30.0, sleep: Callable[[float], None] | None = None):
        if not endpoint.startswith(("http://", "https://")):
            raise ValueError(f"the LRS endpoint must be an http(s) address, not {endpoint!r}")
        if batch_size < 1 or attempts < 1:
            raise ValueError("batch_size and attempts must be at least 1")
        self.endpoint = normalise_endpoint(endpoint)
        self._auth = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        self.batch_size = batch_size
        self.attempts = attempts
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.timeout = timeout
        self.sleep = sleep if sleep is not None else (lambda seconds: _sleep(seconds))

    def __repr__(self) -> str:          # never show the credentials
        return f"LrsClient({self.endpoint!r})"

    def _request(self, statements: list[dict]) -> tuple[int, bytes, str | None]:
        body = json.dumps(statements, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        request = urllib.request.Request(
            f"{self.endpoint}/statements", data=body, method="POST",
            headers={"Content-Type": "application/json; charset=utf-8", "Authorization": self._auth,
                     "X-Experience-API-Version": XAPI_VERSION, "Accept": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:   # noqa: S310 (http/https only)
                return response.status, response.read(), response.headers.get("Retry-After")
        except urllib.error.HTTPError as exc:
            try:
                body = exc.read() or b""
            finally:
                exc.close()
            return exc.code, body, exc.headers.get("Retry-After") if exc.headers else None

    def post_batch(self, statements: list[dict]) -> BatchResult:
        """Post one batch; retries transient failures; raises LrsError subclasses when it cannot.

        A batch of one that the LRS refuses raises ``LrsRejected``; a larger one is split
        (see the module docstring) and the statements refused alone are in ``rejected``."""
        ids = [s["id"] for s in statements]
        last = ""
        wait = 0.0
        for attempt in range(self.attempts):
            if attempt:
                delay = min(self.max_delay, max(wait, self.base_delay * 2 ** (attempt - 1)))
                log.info("LRS %s: retrying in %.1f s (%s)", self.endpoint, delay, last)
                self.sleep(delay)
            try:
                status, body, retry_after = self._request(statements)
            except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
                reason = getattr(exc, "reason", exc)
                last = f"cannot reach {self.endpoint} ({reason or type(exc).__name__})"
                wait = 0.0
                continue
            text = body.decode("utf-8", "replace")[:500]
            if status in (200, 201):
                stored = _returned_ids(body, ids)
                return BatchResult(stored, [i for i in ids if i not in set(stored)])
            if status == 204:
                return BatchResult([], ids)
            if status in (401, 403):
                raise LrsAuthError(
                    f"The LRS at {self.endpoint} refused the credentials (HTTP {status}): check the user name "
                    "and the password (and that this user may write statements). Nothing was lost: every "
                    "statement is still queued.")
            if status == 429 or status >= 500:
                last = f"HTTP {status} from {self.endpoint}: {text}"
                wait = _seconds(retry_after)
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
        """Send everything queued for this endpoint; acknowledged statements leave the queue."""
        result = FlushResult()
        after = 0
        while True:
            batch = queue.pending(self.endpoint, self.batch_size, after)
            if not batch:
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
            except LrsUnavailable as exc:
                queue.note_failure(self.endpoint, ids, str(exc))
                result.errors.append(str(exc))
                break                # the server is down: later batches would fail the same way
            except LrsRejected as exc:
                queue.note_failure(self.endpoint, ids, str(exc))
                result.errors.append(str(exc))
                continue             # keep this statement, try the next batch
            for statement_id, reason in outcome.rejected.items():
                queue.note_failure(self.endpoint, [statement_id], reason)
                result.errors.append(reason)
            queue.remove(self.endpoint, [i for i in ids if i not in outcome.rejected])
            result.sent += len(outcome.stored)
            result.already += len(outcome.already)
        result.queued = queue.count(self.endpoint)
        return result


def _returned_ids(body: bytes, ids: list[str]) -> list[str]:
    try:
        data = json.loads(body or b"null")
    except ValueError:
        return list(ids)
    if isinstance(data, list) and all(isinstance(i, str) for i in data):
        return [i for i in ids if i in set(data)]
    return list(ids)


def _seconds(retry_after: str | None) -> float:
    """A ``Retry-After`` in seconds (its HTTP-date form counts as no hint)."""
    try:
        return max(0.0, float(retry_after)) if retry_after else 0.0
    except ValueError:
        return 0.0
