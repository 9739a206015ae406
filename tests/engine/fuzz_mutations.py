"""Mutations for the fuzz tests (imported by them, never collected): YAML trees and raw bytes.

Two families, both driven by a hypothesis ``draw`` so examples are deterministic and shrink:

- tree mutations work on the parsed YAML of a real file (delete, duplicate, retype, rename
  keys, swap in another id from the same file, inject unicode and control characters,
  huge strings, deep nesting) and are re-serialised with ``yaml.safe_dump``;
- byte mutations work on the file as written (truncate at any byte, insert BOMs, NULs,
  control characters, invalid UTF-8, tabs, deep flow nesting; flip, drop or repeat bytes
  and lines).

Every mutation keeps the result bounded (``MAX_BYTES``), so a hang can only be a bug of the
reader, never of the input's size. Also holds the random walk that plays a loaded scenario
through ``ScenarioRunner``. Imports no Qt.
"""

from __future__ import annotations

import copy
import math
import os
import random
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st

from hydra_sim.engine.runner import RunnerError, ScenarioRunner

REPO = Path(__file__).resolve().parents[2]
SCENARIOS = REPO / "scenarios"
MAX_BYTES = 2 * 1024 * 1024          # mutated files stay far below the reader's 16 MB limit
WATCHDOG_SECONDS = 120               # a load that takes longer than this is a hang (never a timing check)
WALK_STEPS = 200

# -- hypothesis profiles ----------------------------------------------------------------
# derandomize: the same examples on every run (CI is reproducible); database=None: no
# .hypothesis folder is written. HYDRA_FUZZ_EXAMPLES raises the count for a long run.
settings.register_profile("hydra-fuzz", derandomize=True, deadline=None, database=None, print_blob=True,
                          phases=(Phase.explicit, Phase.generate, Phase.shrink),   # "explain" reruns for minutes
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                 HealthCheck.function_scoped_fixture])


def fuzz_settings(examples: int, limit: int | None = None) -> settings:
    """The profile with ``examples`` examples, or HYDRA_FUZZ_EXAMPLES (at most ``limit``) when set."""
    override = os.environ.get("HYDRA_FUZZ_EXAMPLES")
    count = min(int(override), limit or int(override)) if override else examples
    return settings(settings.get_profile("hydra-fuzz"), max_examples=count)


# -- the bundled files ------------------------------------------------------------------
SCENARIO_FILES = sorted(p for p in SCENARIOS.glob("*.yaml")
                        if not p.name.endswith((".plan.yaml", ".catalogue.yaml")))
CATALOGUE_FILE = SCENARIOS / "nrp-core.catalogue.yaml"
PLAN_FILES = sorted(SCENARIOS.glob("*.plan.yaml"))
_TREES: dict[Path, Any] = {}


def tree_of(path: Path) -> Any:
    """The parsed YAML of a bundled file (plain data; a fresh deep copy each call)."""
    if path not in _TREES:
        _TREES[path] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return copy.deepcopy(_TREES[path])


def dump(tree: Any) -> bytes:
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)       # safe_dump, in C when libyaml is there
    return yaml.dump(tree, Dumper=dumper, allow_unicode=True, sort_keys=False, width=100).encode("utf-8")


# -- nasty values -----------------------------------------------------------------------
NASTY_TEXT = [
    "", " ", "\t", "\n", "\r\n", "\x00", "\x01", "\x07", "\x1b[31m", "\x7f", "\x85", "\u2028", "\u2029", "\ufeff",
    "\u202e", "\u200b", "e\u0301\u0301\u0301", "🚑🚓", "\U0010fffd", "ﬀ", "İ", "ß", "Ω", "汉字", "العربية",
    "null", "~", "true", "no", "0x1F", "1e999", "-0", "NaN", ".inf", "<b>x</b>", "[x](http://e.org)",
    "TODO", "{{x}}", "${HOME}", "%s%n", "../../etc/passwd", "/etc/passwd", "C:\\x", "a" * 300,
    "*alias", "&anchor", "!!python/object:os.system", "- item", "key: value", "# comment", "'", '"', "\\",
]
NASTY_NUMBERS = [0, -1, 1, 2, 59, 60, 61, 100, 101, 1440, 1441, 10**6, 2**31, 2**63, -(2**63), 10**30,
                 0.5, -0.5, 1e-300, 1e308, math.inf, -math.inf, math.nan]


def _text(draw) -> str:
    return draw(st.one_of(st.sampled_from(NASTY_TEXT), st.text(max_size=40),
                          st.text(st.characters(codec="utf-8"), max_size=20)))


def _scalar(draw) -> Any:
    return draw(st.one_of(st.sampled_from(NASTY_NUMBERS), st.booleans(), st.none(), st.just(_text(draw)),
                          st.integers(), st.floats()))


def _value(draw, ids: list[str]) -> Any:
    kind = draw(st.integers(0, 5))
    if kind == 0:
        return _scalar(draw)
    if kind == 1:
        return [] if draw(st.booleans()) else {}
    if kind == 2:
        return [_scalar(draw) for _ in range(draw(st.integers(1, 3)))]
    if kind == 3:
        return {_text(draw) or "k": _scalar(draw)}
    if kind == 4 and ids:
        return draw(st.sampled_from(ids))
    return _text(draw)


# -- tree mutations ---------------------------------------------------------------------
def _paths(tree: Any) -> list[tuple]:
    """Every node's path (keys and indices) in a tree, breadth-first, the root first."""
    out: list[tuple] = [()]
    queue = [((), tree)]
    while queue:
        path, node = queue.pop(0)
        children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for key, child in children:
            out.append(path + (key,))
            queue.append((path + (key,), child))
    return out


def _get(tree: Any, path: tuple) -> Any:
    for key in path:
        tree = tree[key]
    return tree


def _ids(tree: Any) -> list[str]:
    """Strings that look like ids somewhere in the tree: keys and short values (for cross-wiring)."""
    found: set[str] = set()
    for path in _paths(tree)[1:]:
        if isinstance(path[-1], str) and len(path[-1]) < 40:
            found.add(path[-1])
        value = _get(tree, path)
        if isinstance(value, str) and len(value) < 40 and " " not in value:
            found.add(value)
    return sorted(found)


def _nest(value: Any, depth: int, as_list: bool) -> Any:
    for _ in range(depth):
        value = [value] if as_list else {"n": value}
    return value


TREE_OPERATIONS = ("delete", "duplicate", "retype", "rename", "swap_id", "inject", "huge", "nest", "empty")


def mutate_tree(draw, tree: Any, max_mutations: int = 4) -> tuple[Any, list[str]]:
    """Apply 1..max_mutations tree mutations; returns (new tree, what was done, for messages)."""
    ids = _ids(tree)
    done = []
    for _ in range(draw(st.integers(1, max_mutations))):
        paths = _paths(tree)
        path = draw(st.sampled_from(paths))
        operation = draw(st.sampled_from(TREE_OPERATIONS))
        done.append(f"{operation} at {list(path)}")
        if path == ():
            if operation in ("delete", "retype", "empty"):
                tree = _value(draw, ids)
            elif operation == "nest":
                tree = _nest(tree, draw(st.integers(1, 80)), draw(st.booleans()))
            continue
        parent, key = _get(tree, path[:-1]), path[-1]
        node = parent[key]
        if operation == "delete":
            del parent[key]
        elif operation == "duplicate":
            if isinstance(parent, list):
                parent.insert(key, copy.deepcopy(node))
            else:
                parent[draw(st.sampled_from(ids or ["copy"])) if draw(st.booleans()) else f"{key}_copy"] = \
                    copy.deepcopy(node)
        elif operation == "retype":
            parent[key] = _value(draw, ids)
        elif operation == "rename":
            if isinstance(parent, dict):
                new = draw(st.one_of(st.sampled_from(ids or ["x"]), st.just(_text(draw))))
                items = list(parent.items())
                parent.clear()
                parent.update((new if k == key else k, v) for k, v in items)
            else:
                parent[key], parent[-1] = parent[-1], parent[key]      # reorder a list instead
        elif operation == "swap_id":
            parent[key] = draw(st.sampled_from(ids)) if ids else _text(draw)
        elif operation == "inject":
            extra = _text(draw)
            if isinstance(node, str):
                at = draw(st.integers(0, len(node)))
                parent[key] = node[:at] + extra + node[at:]
            else:
                parent[key] = extra
        elif operation == "huge":
            # "[", "![", "<a", " *a": runs that made the markup and italic patterns quadratic
            parent[key] = draw(st.sampled_from(["x", "é", "🚑", "a\n", "<", "\x1f", "[", "![", "<a", " *a"])) * draw(
                st.sampled_from([1_000, 20_000, 200_000]))
        elif operation == "nest":
            parent[key] = _nest(node, draw(st.integers(1, 80)), draw(st.booleans()))
        elif operation == "empty":
            parent[key] = type(node)() if isinstance(node, (dict, list, str)) else None
    return tree, done


def tree_bytes(draw, path: Path, max_mutations: int = 4) -> tuple[bytes, list[str]]:
    tree, done = mutate_tree(draw, tree_of(path), max_mutations)
    try:
        data = dump(tree)
    except (yaml.YAMLError, RecursionError) as exc:       # PyYAML's own limits, not ours
        data = f"# could not dump: {type(exc).__name__}\n".encode()
    return data[:MAX_BYTES], done


# -- byte mutations ---------------------------------------------------------------------
NASTY_BYTES = [b"\xef\xbb\xbf", b"\x00", b"\x01", b"\x08", b"\x0b", b"\x0c", b"\x1b", b"\x7f", b"\r", b"\t",
               b"\xc2\x85", b"\xe2\x80\xa8", b"\xe2\x80\xae", b"\xf0\x9f\x9a\x91", b"\xff", b"\xfe\xff",
               b"\xc0\xaf", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\x80", b"\xe2\x82", b"\"", b"'", b":",
               b": ", b"- ", b"? ", b"&a ", b"*a", b"!!binary ", b"!tag ", b"%YAML 1.2\n", b"---\n", b"...\n",
               b"{", b"}", b"[", b"]", b"|", b">", b"#", b"@", b"`", b"\\", b"<<: *a\n"]
BYTE_OPERATIONS = ("truncate", "insert", "flip", "drop", "repeat_line", "drop_line", "deep_flow", "deep_block",
                   "tabs", "anchor_bomb")


def mutate_bytes(draw, data: bytes, max_mutations: int = 3) -> tuple[bytes, list[str]]:
    done = []
    for _ in range(draw(st.integers(1, max_mutations))):
        operation = draw(st.sampled_from(BYTE_OPERATIONS))
        at = draw(st.integers(0, len(data)))
        done.append(f"{operation} at byte {at}")
        if operation == "truncate":
            data = data[:at]
        elif operation == "insert":
            data = data[:at] + draw(st.one_of(st.sampled_from(NASTY_BYTES), st.binary(min_size=1, max_size=8))) \
                + data[at:]
        elif operation == "flip" and data:
            at = min(at, len(data) - 1)
            data = data[:at] + bytes([data[at] ^ (1 << draw(st.integers(0, 7)))]) + data[at + 1:]
        elif operation == "drop":
            data = data[:at] + data[at + draw(st.integers(1, 64)):]
        elif operation in ("repeat_line", "drop_line"):
            lines = data.split(b"\n")
            index = draw(st.integers(0, len(lines) - 1))
            if operation == "repeat_line":
                lines.insert(index, lines[index])
            else:
                del lines[index]
            data = b"\n".join(lines)
        elif operation == "deep_flow":
            depth = draw(st.sampled_from([10, 63, 64, 65, 200, 5_000]))
            data = data[:at] + b"[" * depth + b"x" + b"]" * depth + data[at:]
        elif operation == "deep_block":
            depth = draw(st.sampled_from([10, 40, 70, 300]))
            block = b"".join(b"  " * i + b"k%d:\n" % i for i in range(depth)) + b"  " * depth + b"v\n"
            data = data + b"\n" + block if draw(st.booleans()) else block + data
        elif operation == "tabs":
            data = data.replace(b"\n  ", b"\n\t", draw(st.integers(1, 5)))
        elif operation == "anchor_bomb":
            levels = draw(st.integers(2, 12))
            lines = [b"bomb:", b"  - &a0 [x]"] + [b"  - &a%d [%s]" % (i, b", ".join([b"*a%d" % (i - 1)] * 9))
                                                 for i in range(1, levels)]
            data = data + b"\n" + b"\n".join(lines) + b"\n"
    return data[:MAX_BYTES], done


def mutated_file(draw, path: Path, max_mutations: int = 4) -> tuple[bytes, list[str]]:
    """A tree mutation or a byte mutation (or both) of one bundled file."""
    how = draw(st.sampled_from(("tree", "bytes", "both")))
    if how == "tree":
        return tree_bytes(draw, path, max_mutations)
    data, done = (tree_bytes(draw, path, 2) if how == "both" else (path.read_bytes(), []))
    data, more = mutate_bytes(draw, data, max_mutations)
    return data, done + more


# -- guards -----------------------------------------------------------------------------
def returns(call: Callable[[], Any], seconds: float = WATCHDOG_SECONDS) -> Any:
    """Run ``call`` on a worker thread and return its result; fail if it does not return in time.

    A watchdog, not a timing assertion: the bound is far above any real load time, and only
    a hang can reach it. Exceptions are re-raised here, in the test's thread.
    """
    box: dict[str, Any] = {}
    finished = threading.Event()

    def run() -> None:
        try:
            box["value"] = call()
        except BaseException as exc:  # noqa: BLE001 (handed back to the caller's thread)
            box["error"] = exc
        finally:
            finished.set()

    threading.Thread(target=run, daemon=True, name="fuzz-watchdog").start()
    assert finished.wait(seconds), f"did not return within {seconds} s: a hang"
    if "error" in box:
        raise box["error"]
    return box.get("value")


def check_located(problems, files: set[str]) -> None:
    """Every problem names one of ``files`` and a 1-based line and column, and formats cleanly."""
    for problem in problems:
        where = problem.location
        assert where.file in files, f"problem in an unexpected file: {problem.format()}"
        assert where.line >= 1 and where.column >= 1, f"problem without a line/column: {problem.format()}"
        assert problem.code and problem.message.strip(), problem
        problem.format()
        problem.to_dict()


# -- random walk ------------------------------------------------------------------------
FILLER = ["", "because", "x" * 2_000, "\x00\x1b\u202e", "🚑 first", "  \t ", "line\nbreak", "汉字"]


def _selection(rng: random.Random, runner: ScenarioRunner):
    decision = runner.decision
    available = [o.id for o in runner.available_options()]
    if decision.kind == "choose_one":
        return rng.choice(available) if available else None
    if decision.kind == "choose_many":
        low = decision.min_picks or 0
        high = min(len(available), decision.max_picks if decision.max_picks is not None else len(available))
        if low > high:
            return None
        return rng.sample(available, rng.randint(low, high))
    if decision.kind == "rank":
        order = list(available)
        rng.shuffle(order)
        return order
    boxes = {name: rng.choice(FILLER) for name in decision.fields if rng.random() < 0.7}
    for name in decision.required:
        boxes[name] = "required " + rng.choice(FILLER)
    return boxes


GARBAGE = [None, 0, 3.5, True, "", "no-such-option", [], [None], ["a", "a"], {}, {"nope": "x"}, [[]], {"a": []}]


def random_walk(scenario, seed: int, steps: int = WALK_STEPS) -> tuple[ScenarioRunner, list[str]]:
    """Play ``scenario`` with random but legal inputs (and some illegal ones, which must be refused
    with ``RunnerError`` and change nothing). Returns the runner and the RunnerErrors met on legal
    inputs (a scenario can route into a dead end that only play reveals: a reported error, not a crash)."""
    rng = random.Random(seed)
    runner = ScenarioRunner(scenario)
    runner.start()
    refused: list[str] = []
    references = sorted(scenario.reference)
    for _ in range(steps):
        if runner.ended:
            break
        roll = rng.random()
        if roll < 0.1 and references:
            runner.open_reference(rng.choice(references))
            continue
        if roll < 0.25:
            runner.advance(rng.choice([1, 30, 59, 60, 300, 3600]))
            continue
        decision = runner.decision
        try:
            if decision is None:
                if runner.ended:
                    break
                runner.continue_()
                continue
            if roll < 0.35:
                before = (len(runner.decisions), runner.snapshot())
                try:
                    runner.choose(rng.choice(GARBAGE), rng.choice(FILLER))
                except RunnerError:
                    assert (len(runner.decisions), runner.snapshot()) == before, "a refused input changed state"
                continue            # refused, or (an empty list, say) a legal answer after all
            if decision.on_expiry is not None and decision.time_limit_seconds and (roll < 0.45 or (
                    decision.kind == "choose_one" and not runner.available_options())):
                runner.expire()
                continue
            selection = _selection(rng, runner)
            if selection is None:
                refused.append(f"no legal selection in '{runner.scene_id}'")
                break
            rationale = "because " + rng.choice(FILLER) if rng.random() < 0.8 else None
            if decision.rationale == "required" and not (rationale or "").strip():
                rationale = "because"
            runner.choose(selection, rationale)
        except RunnerError as exc:
            refused.append(f"{runner.scene_id}: {exc}")
            break
    return runner, refused
