"""Moving sessions between machines: session bundles, written and read through the session store.

A bundle is one JSON-lines file (gzip-compressed when its name ends in ``.gz``). The first
line is a header ``{"format": "hydra-sim-bundle", "version": 1, "created_at", "sessions"}``;
each further line is one whole session as ``SessionStore.session_record`` gives it: the
session row, every input and event with its hashes, annotations, grade overrides and
rescores, with its hash chains and seal. The header names the exporting installation's records
key by its fingerprint (never the key itself): a receiver checks each session's chains
(consistency); only an installation holding that key can also check the seals (authenticity),
``check_bundle`` does both, as far as it can.

Importing is idempotent by session id (a session already in the store is skipped, never
merged or overwritten), checks each session's hash chain first and rejects a session that
does not verify, with the reason. Each record is first checked by validation.py (ids by
pattern, field types, notes on events the session has, overrides only of a scored session),
because a forger can recompute every hash. Each session goes in whole, in its own
transaction, or not at all; a line that cannot be read (not JSON, nested thousands deep,
too long) is rejected alone and the other sessions still import, so one damaged line never
costs the rest. A bundle holds personal data: treat the file like the store itself.
Must not import Qt or any GUI code.
"""

from __future__ import annotations

import gzip
import json
import logging
import os
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from . import filemodes, validation
from .store import SessionStore, _utc_now

log = logging.getLogger(__name__)

BUNDLE_FORMAT = "hydra-sim-bundle"
BUNDLE_VERSION = 1
MAX_LINE_CHARS = 64_000_000      # one session record; the flagship's are about 100 kB


INTEGRITY_NOTE = ("Each session carries its hash chains (events, trainer review) and its seal, an HMAC-SHA256 "
                  "under the records key with the fingerprint above. Anyone can check the chains are "
                  "consistent; only an installation holding that key can check the seals, i.e. that the "
                  "records are authentic ('hydra-sim check-bundle FILE').")


@dataclass
class ImportResult:
    """What an import did: sessions added, sessions already in the store, and rejections with reasons."""
    added: int = 0
    skipped_existing: int = 0
    rejected: list[str] = field(default_factory=list)


class BundleError(ValueError):
    """The file is not a readable hydra_sim bundle (nothing was imported from it)."""


@contextmanager
def _open(path: Path, mode: str, compressed: bool) -> Iterator[IO[str]]:
    if compressed:
        with gzip.open(path, mode + "t", encoding="utf-8", newline="\n") as handle:
            yield handle
    else:
        with path.open(mode, encoding="utf-8", newline="\n") as handle:
            yield handle


def export_bundle(store: SessionStore, path: str | os.PathLike, session_ids=None,
                  trainee_id: str | None = None) -> int:
    """Write the chosen sessions (default: all; or these ids; or one trainee's) to ``path``.

    Written to a temporary file beside it and renamed, so a failed export never leaves
    half a bundle. Returns how many sessions were written.
    """
    path = Path(path)
    if session_ids is None:
        ids = [s.session_id for s in store.sessions(trainee_id=trainee_id)]
        ids.reverse()                                    # oldest first
    else:
        ids = [str(i) for i in session_ids]
        if trainee_id is not None:
            ids = [i for i in ids if store.session(i).trainee.trainee_id == trainee_id]
    partial = path.with_name(path.name + ".partial")
    try:
        with _open(partial, "w", path.name.endswith(".gz")) as out:
            header = {"format": BUNDLE_FORMAT, "version": BUNDLE_VERSION, "created_at": _utc_now(),
                      "sessions": len(ids), "key_fingerprint": store.key.fingerprint,
                      "integrity": INTEGRITY_NOTE}
            out.write(json.dumps(header, ensure_ascii=False) + "\n")
            for session_id in ids:
                out.write(json.dumps(store.session_record(session_id), ensure_ascii=False, allow_nan=False,
                                     separators=(",", ":")) + "\n")
        filemodes.restrict(partial)                  # 0600: a bundle holds trainees' records
        os.replace(partial, path)
    finally:
        if partial.exists():
            partial.unlink()
    from . import export_register                     # erasure and access requests find it
    export_register.note(path, "bundle", {store.session(i).trainee.trainee_id for i in ids})
    log.info("exported %d sessions to %s", len(ids), path)
    return len(ids)


def read_bundle(path: str | os.PathLike) -> Iterator[tuple[int, dict | None, str]]:
    """The session records of a bundle: ``(line number, record or None, why it cannot be read)``.

    Raises ``BundleError`` when the file is not a bundle at all.
    """
    path = Path(path)
    try:
        with _open(path, "r", path.name.endswith(".gz")) as handle:
            first = handle.readline(MAX_LINE_CHARS)
            try:
                header = json.loads(first)
            except (ValueError, RecursionError):
                header = None
            if not isinstance(header, dict) or header.get("format") != BUNDLE_FORMAT:
                raise BundleError(f"{path} is not a hydra_sim session bundle")
            if header.get("version") != BUNDLE_VERSION:
                raise BundleError(f"{path} is a bundle of version {header.get('version')}; this hydra_sim "
                                  f"reads version {BUNDLE_VERSION}. Update hydra_sim to import it.")
            for number, line in enumerate(_bounded_lines(handle), start=2):
                if line is None:
                    yield number, None, (f"line {number} is longer than {MAX_LINE_CHARS // 1_000_000} million "
                                         "characters; no session is that large (damaged or hostile file)")
                    continue
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except RecursionError:       # e.g. 100,000 '[': refused alone, the other lines still import
                    yield number, None, (f"line {number} nests lists or objects thousands of levels deep; no "
                                         "session record does (damaged or hostile file)")
                    continue
                except ValueError as exc:    # JSONDecodeError, or a number of more than 4,300 digits
                    yield number, None, (f"line {number} is not valid JSON ({str(exc)[:200]}); truncated or "
                                         "damaged")
                    continue
                if not isinstance(record, dict) or not isinstance(record.get("session"), dict):
                    yield number, None, f"line {number} is not a session record"
                    continue
                yield number, record, ""
    # gzip.BadGzipFile is an OSError; a damaged deflate stream inside a good gzip header raises zlib.error
    except (OSError, EOFError, UnicodeDecodeError, zlib.error) as exc:
        raise BundleError(f"cannot read the bundle {path} ({exc})") from exc


def _bounded_lines(handle) -> Iterator[str | None]:
    """The file's lines, each read with a size cap (None for a line over it), so a bundle that
    decompresses to one endless line cannot exhaust memory."""
    while True:
        line = handle.readline(MAX_LINE_CHARS)
        if not line:
            return
        if len(line) >= MAX_LINE_CHARS and not line.endswith("\n"):
            while True:                      # skip the rest of the over-long line, a chunk at a time
                rest = handle.readline(1_000_000)
                if not rest or rest.endswith("\n"):
                    break
            yield None
            continue
        yield line


def import_bundle(store: SessionStore, path: str | os.PathLike) -> ImportResult:
    """Add the bundle's sessions that the store does not have yet; see the module docstring."""
    result = ImportResult()
    for _number, record, problem in read_bundle(path):
        if record is None:
            result.rejected.append(problem)
            continue
        invalid = validation.check_record(record)
        outcome, reason = ("rejected", invalid) if invalid else store._import_record(record)
        session_id = record["session"].get("session_id", "?")
        if outcome == "added":
            result.added += 1
        elif outcome == "exists":
            result.skipped_existing += 1
        else:
            result.rejected.append(f"session {session_id}: {reason}")
            log.warning("rejected session %s from %s: %s", session_id, path, reason)
    log.info("imported %s: %d added, %d already present, %d rejected", path, result.added,
             result.skipped_existing, len(result.rejected))
    return result


@dataclass
class BundleCheck:
    """What ``check_bundle`` found: the exporter's key fingerprint, whether this installation holds
    that key (so seals were checked), how many sessions, and every problem."""
    fingerprint: str | None
    seals_checked: bool
    sessions: int = 0
    problems: list[str] = field(default_factory=list)


def check_bundle(path: str | os.PathLike, key=None) -> BundleCheck:
    """Check a bundle without importing it: every session's chains, and its seal when ``key``
    (a ``keys.RecordsKey``) is the one the header names. Raises ``BundleError`` for a non-bundle."""
    from . import integrity
    path = Path(path)
    with _open(path, "r", path.name.endswith(".gz")) as handle:
        try:
            header = json.loads(handle.readline(MAX_LINE_CHARS))
        except ValueError:
            header = {}
    fingerprint = header.get("key_fingerprint") if isinstance(header, dict) else None
    result = BundleCheck(fingerprint, key is not None and fingerprint == key.fingerprint)
    for _number, record, problem in read_bundle(path):
        if record is None:
            result.problems.append(problem)
            continue
        result.sessions += 1
        try:
            session = record["session"]
            issues = integrity.check_session(session, record["events"])
            review = [(t, r) for t in integrity.REVIEW_TABLES for r in record.get(t, [])]
            if session.get("review_head") is not None or any(r.get("hash") for _t, r in review):
                issues += integrity.check_review(session, review)
            if not issues and result.seals_checked:
                sealed = integrity.check_seal(session, key)
                issues += [sealed] if sealed else []
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            result.problems.append(f"a session record is incomplete ({exc!r})")
            continue
        result.problems += [str(i) for i in issues]
    return result
