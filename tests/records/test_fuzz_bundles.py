"""Property-based fuzzing of session bundle import (issue 6): refuse cleanly, change nothing refused.

A real bundle (three recorded sessions of the mini scenario, with a note, an override and a
rescore) is mutated: JSON fields deleted, retyped, given huge or unicode strings, hashes
replaced, sessions and events duplicated or reordered, the header changed; or its bytes
flipped, truncated, padded with garbage, gzip-compressed and then damaged. It is imported
into a copy of a store that already holds sessions. Properties:

- ``import_bundle`` returns an ``ImportResult`` or raises ``BundleError`` with a message
  naming the file; nothing else escapes;
- sessions it refuses leave no row behind, sessions already there are untouched (every
  table's rows are as before, plus exactly the sessions it says it added);
- what it accepts verifies (``SessionStore.verify``) and can be exported again.

Deterministic (``derandomize``), bounded; HYDRA_FUZZ_EXAMPLES raises the count. No sleeps.
"""

from __future__ import annotations

import copy
import gzip
import itertools
import json
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from hypothesis import event, given, note
from hypothesis import strategies as st
from records_support import fuzz_settings, play

from hydra_sim.records import SessionStore, TraineeInfo
from hydra_sim.records import keys
from hydra_sim.records.bundles import BundleError, ImportResult, export_bundle, import_bundle

pytestmark = pytest.mark.usefixtures("forget_home")

FUZZ = fuzz_settings("hydra-fuzz-bundles", examples=300)
TABLES = ("sessions", "events", "annotations", "grade_overrides", "rescores")
_counter = itertools.count()


@pytest.fixture(scope="module")
def world(tmp_path_factory, mini):
    """(bundle lines, a target store file holding one session of its own and one also in the bundle, work dir)."""
    base = tmp_path_factory.mktemp("fuzz-bundles")
    with SessionStore(base / "source.sqlite3") as source:
        ids = [play(source, mini, TraineeInfo("t-1")), play(source, mini, TraineeInfo("t-2")),
               play(source, mini, TraineeInfo("t-1"), steps=[("choose", "ambulance")], finish=False)]
        source.annotate(ids[0], 2, "Sgt", "note")
        source.override_grade(ids[0], "competent", "reason", "Sgt")
        source.rescore(ids[1], mini)
        export_bundle(source, base / "all.jsonl")
        export_bundle(source, base / "first.jsonl", session_ids=[ids[0]])
    target = base / "target.sqlite3"
    with SessionStore(target) as store:
        play(store, mini, TraineeInfo("t-own"))
        import_bundle(store, base / "first.jsonl")
    lines = Lines((base / "all.jsonl").read_text(encoding="utf-8").splitlines())
    return lines, target, base


class Lines(list):
    """The bundle's lines; a short repr, since hypothesis prints strategy arguments in its reports."""

    def __repr__(self) -> str:
        return f"<{len(self)} bundle lines>"


def rows(path: Path) -> dict[str, set]:
    with closing(sqlite3.connect(path)) as conn:
        out = {}
        for table in TABLES:
            columns = [c[1] for c in conn.execute(f"PRAGMA table_info({table})") if c[1] != "id"]
            out[table] = set(conn.execute(f"SELECT {', '.join(columns)} FROM {table}").fetchall())
        return out


# -- mutations --------------------------------------------------------------------------
NASTY = ["", "\x00", "\u202e\u200b", "🚑" * 3, "<huge>", "ﬀİß", "\ud7ff", "\ud800", None, 0, -1, 2**63, 2**64, -(2**70),
         1e308, 1.5, True, [], {}, [1, "a"], {"a": {"b": []}}, "0" * 64, "deadbeef", "2026-13-45T99:99:99Z",
         "not json", '{"a":', "NaN"]


def _nasty(value):
    """A fresh copy (never share the list's own dicts), with "<huge>" made huge here: hypothesis
    would print a 100 kB value in every report."""
    return "x" * 100_000 + "é" if value == "<huge>" else copy.deepcopy(value)


def _paths(value, path=()):
    yield path
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, path + (key,))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _paths(child, path + (index,))


def _get(value, path):
    for key in path:
        value = value[key]
    return value


def mutate_records(draw, header: dict, records: list[dict]) -> tuple[dict, list[dict], list[str]]:
    done = []
    for _ in range(draw(st.integers(1, 3))):
        operation = draw(st.sampled_from(("delete", "retype", "nasty_text", "rehash", "duplicate_session",
                                          "duplicate_event", "swap_events", "header", "drop_session")))
        if operation == "header":
            key = draw(st.sampled_from(["format", "version", "sessions", "created_at"]))
            if draw(st.booleans()):
                header.pop(key, None)
            else:
                header[key] = _nasty(draw(st.sampled_from(NASTY)))
            done.append(f"header {key}")
            continue
        if not records:
            continue
        index = draw(st.integers(0, len(records) - 1))
        record = records[index]
        if operation == "duplicate_session":
            records.insert(index, copy.deepcopy(record))
        elif operation == "drop_session":
            del records[index]
        elif operation in ("duplicate_event", "swap_events") and isinstance(record.get("events"), list) \
                and len(record["events"]) > 1:
            events = record["events"]
            at = draw(st.integers(0, len(events) - 2))
            if operation == "duplicate_event":
                events.insert(at, copy.deepcopy(events[at]))
            else:
                events[at], events[at + 1] = events[at + 1], events[at]
        elif operation == "rehash":
            hashes = [p for p in _paths(record) if p and p[-1] in ("hash", "prev_hash", "genesis", "head_hash",
                                                                   "result_hash")]
            if hashes:
                path = draw(st.sampled_from(hashes))
                _get(record, path[:-1])[path[-1]] = draw(st.sampled_from(["0" * 64, "f" * 64, "", None, "x"]))
        else:
            paths = [p for p in _paths(record) if p]
            path = draw(st.sampled_from(paths))
            parent, key = _get(record, path[:-1]), path[-1]
            if operation == "delete":
                del parent[key]
            elif operation == "retype":
                parent[key] = _nasty(draw(st.sampled_from(NASTY)))
            else:
                parent[key] = _nasty(draw(st.one_of(st.sampled_from(NASTY[:6]), st.text(max_size=30))))
        done.append(f"{operation} in record {index}")
    return header, records, done


def mutate_bytes(draw, data: bytes) -> tuple[bytes, list[str]]:
    done = []
    for _ in range(draw(st.integers(1, 3))):
        operation = draw(st.sampled_from(("truncate", "flip", "insert", "drop")))
        at = draw(st.integers(0, max(0, len(data) - 1)))
        if operation == "truncate":
            data = data[:at]
        elif operation == "flip" and data:
            data = data[:at] + bytes([data[at] ^ (1 << draw(st.integers(0, 7)))]) + data[at + 1:]
        elif operation == "insert":
            data = data[:at] + draw(st.sampled_from([b"\x00", b"\xff\xfe", b"\n", b"\xef\xbb\xbf", b"{", b'"',
                                                     b"\xe2\x80\xa8", b"\x1f\x8b"])) + data[at:]
        else:
            data = data[:at] + data[at + draw(st.integers(1, 200)):]
        done.append(f"{operation} at {at}")
    return data, done


@st.composite
def bundles(draw, lines: list[str]) -> tuple[bytes, bool, list[str]]:
    header, records = json.loads(lines[0]), [json.loads(line) for line in lines[1:]]
    how = draw(st.sampled_from(("json", "json", "json", "bytes", "both")))
    done: list[str] = []
    if how in ("json", "both"):
        header, records, done = mutate_records(draw, header, records)
    ascii_only = draw(st.booleans())
    text = "\n".join(json.dumps(r, ensure_ascii=ascii_only) for r in [header, *records]) + "\n"
    data = text.encode("utf-8", "surrogatepass")     # a lone surrogate becomes bytes that are not UTF-8
    compressed = draw(st.booleans())
    if compressed and how != "bytes":
        data = gzip.compress(data, mtime=0)
    if how in ("bytes", "both"):
        if compressed and how == "bytes":
            data = gzip.compress(data, mtime=0)
        data, more = mutate_bytes(draw, data)
        done += more
    return data, compressed, done


# -- the property -----------------------------------------------------------------------
def check_import(world, data: bytes, compressed: bool) -> ImportResult | None:
    _lines, template, base = world
    case = base / f"case{next(_counter)}"
    case.mkdir()
    store_path = case / "sessions.sqlite3"
    shutil.copyfile(template, store_path)
    bundle = case / ("bundle.jsonl.gz" if compressed else "bundle.jsonl")
    bundle.write_bytes(data)
    before = rows(store_path)
    template_key = keys.load_or_create(keys.key_path_for(template))     # the copy keeps the template's key
    with SessionStore(store_path, template_key) as store:
        ids_before = {s.session_id for s in store.sessions()}
        try:
            result = import_bundle(store, bundle)
        except BundleError as exc:
            assert str(exc).strip() and str(bundle) in str(exc), exc
            result = None
        assert store.verify() == [], "an imported session does not verify"
        ids_after = {s.session_id for s in store.sessions()}
        if result is not None:
            assert all(isinstance(r, str) and r.strip() for r in result.rejected)
            assert len(ids_after - ids_before) == result.added, (result, ids_after - ids_before)
            if result.added:
                export_bundle(store, case / "again.jsonl")
    after = rows(store_path)
    added = ids_after - ids_before
    for table in TABLES:
        kept = {row for row in after[table] if row[0] not in added}
        assert kept == before[table], f"{table}: rows of the store changed by an import"
    return result


def test_the_unmutated_bundle_imports_into_the_template(world):
    lines, _template, _base = world
    result = check_import(world, ("\n".join(lines) + "\n").encode("utf-8"), False)
    assert result == ImportResult(added=2, skipped_existing=1, rejected=[])


@FUZZ
@given(st.data())
def test_mutated_bundles_are_refused_cleanly_and_leave_the_store_as_it_was(world, data):
    content, compressed, done = data.draw(bundles(world[0]))
    note(done)
    result = check_import(world, content, compressed)
    event("refused whole (BundleError)" if result is None else
          f"added {result.added}, existing {result.skipped_existing}, rejected {min(len(result.rejected), 3)}")


# -- regressions: crashes the fuzzing found, one test each ------------------------------
def _one_changed(world, change) -> tuple[ImportResult | None, list[str]]:
    lines, _template, _base = world
    records = [json.loads(line) for line in lines[1:]]
    change(records[0]["session"])
    text = "\n".join([lines[0], *(json.dumps(r) for r in records)]) + "\n"
    result = check_import(world, text.encode("utf-8"), False)
    return result, [json.loads(line)["session"]["session_id"] for line in lines[1:]]


def test_regression_a_damaged_deflate_stream_is_a_bundle_error(world):
    """Fuzzing found: a .gz bundle whose gzip header is fine but whose compressed data is damaged
    raised zlib.error out of import_bundle (only OSError and EOFError were turned into BundleError)."""
    import zlib
    lines, _template, _base = world
    packed = gzip.compress(("\n".join(lines) + "\n").encode("utf-8"), mtime=0)
    for at in range(20, len(packed)):
        damaged = packed[:at] + bytes([packed[at] ^ 0xFF]) + packed[at + 1:]
        try:
            gzip.decompress(damaged)
        except zlib.error:
            break
        except (OSError, EOFError):
            continue
    else:
        pytest.fail("no single-byte change made a zlib.error")
    assert check_import(world, damaged, True) is None          # BundleError, checked inside


def test_regression_an_integer_beyond_64_bits_is_rejected_not_an_overflow(world):
    """Fuzzing found: a session's clock (not covered by the hash chain) of 2**64 raised
    OverflowError from SQLite out of import_bundle."""
    result, ids = _one_changed(world, lambda session: session.update(clock=2**64))
    assert result is not None and result.added == 2 and len(result.rejected) == 1
    assert result.rejected[0].startswith(f"session {ids[0]}: field 'clock' of the session cannot hold int")


def test_regression_a_list_where_text_belongs_is_rejected_not_a_store_error(world):
    """Fuzzing found: a list in a text column (scene_id) failed inside SQLite's parameter binding,
    which surfaced as a StoreError saying the store could not be written."""
    result, ids = _one_changed(world, lambda session: session.update(scene_id=["x"]))
    assert result is not None and result.rejected == [f"session {ids[0]}: field 'scene_id' of the session "
                                                      "cannot hold list \"['x']\""]


def test_regression_critical_failures_that_are_not_json_are_rejected(world):
    """Fuzzing found: critical_failures_json (not covered by the hash chain) set to text that is
    not JSON was imported, and then every list of sessions failed with a JSONDecodeError."""
    result, ids = _one_changed(world, lambda session: session.update(critical_failures_json=""))
    assert result is not None and len(result.rejected) == 1 and "critical_failures_json" in result.rejected[0]
