"""Helpers for the authoring tests: CLI runner, YAML-1.2 data view, a small JSON Schema
validator, and a writer for large synthetic scenarios.

The validator covers exactly the JSON Schema keywords hydra_sim's exported schemas use, so
the agreement tests run on a fresh machine without the ``jsonschema`` package (it is not a
project dependency). ``SUPPORTED_KEYWORDS`` is checked against the schemas, so a keyword
added to the export without support here fails loudly instead of being ignored.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from hydra_sim.engine.yamlsource import YList, YMap, YNode, YScalar, read_yaml_file

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures"
MINI = FIXTURES / "mini" / "mini.yaml"
FLAGSHIP = REPO / "scenarios" / "brackenford-services.yaml"
TIMEOUT = 180


def hydra(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    """Run ``python -m hydra_sim ARGS`` as a user would, from the repository root."""
    env = dict(os.environ, PYTHONPATH=str(REPO))
    done = subprocess.run([sys.executable, "-m", "hydra_sim", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=TIMEOUT)
    assert "Traceback" not in done.stdout + done.stderr, done.stdout + done.stderr
    return done


def copy_fixtures(tmp_path: Path) -> Path:
    """A private copy of tests/fixtures (mini scenario, its catalogue and assets)."""
    shutil.copytree(FIXTURES, tmp_path / "fixtures")
    return tmp_path / "fixtures" / "mini" / "mini.yaml"


# -- YAML as an editor sees it --------------------------------------------------------------
_NULL = {"", "~", "null", "Null", "NULL"}
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"^[-+]?[0-9]+$|^0o[0-7]+$|^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$|^[-+]?\.(inf|Inf|INF)$|^\.(nan|NaN|NAN)$")


def yaml12_data(node: YNode | None):
    """Plain data as a YAML 1.2 (core schema) tool such as VS Code's YAML extension reads it:
    only true/false are booleans, so 'no' and 'off' stay text, unlike PyYAML's YAML 1.1."""
    if node is None:
        return None
    if isinstance(node, YMap):
        return {key: yaml12_data(value) for key, value in node.items.items()}
    if isinstance(node, YList):
        return [yaml12_data(item) for item in node.items]
    assert isinstance(node, YScalar)
    value = node.value
    if not node.plain:
        return value
    if value in _NULL:
        return None
    if value in _BOOL:
        return _BOOL[value]
    if _INT.match(value):
        return int(value, 0) if value[:2] in ("0o", "0x") else int(value)
    if _FLOAT.match(value):
        return float(value.replace("inf", "Infinity").replace("Inf", "Infinity").replace("INF", "Infinity"))
    return value


def load_data(path: Path):
    root, problems = read_yaml_file(path)
    assert root is not None, [p.format() for p in problems]
    return yaml12_data(root)


# -- a small JSON Schema validator -------------------------------------------------------------
ANNOTATIONS = {"$schema", "$id", "title", "description", "default", "examples", "markdownDescription", "$defs"}
SUPPORTED_KEYWORDS = ANNOTATIONS | {
    "type", "required", "properties", "additionalProperties", "propertyNames", "enum", "const", "pattern",
    "minLength", "maxLength", "items", "minItems", "minProperties", "maxProperties", "minimum", "maximum",
    "oneOf", "anyOf", "allOf", "not", "if", "then", "else", "$ref",
}


def schema_keywords(schema, found: set | None = None) -> set:
    """Every keyword used anywhere in a schema (property names under 'properties' excluded)."""
    found = set() if found is None else found
    if isinstance(schema, dict):
        for key, value in schema.items():
            found.add(key)
            if key in ("properties", "$defs"):
                for sub in value.values():
                    schema_keywords(sub, found)
            elif key in ("enum", "const", "required", "examples", "default"):
                continue
            else:
                schema_keywords(value, found)
    elif isinstance(schema, list):
        for item in schema:
            schema_keywords(item, found)
    return found


def _is_type(value, name: str) -> bool:
    if name == "null":
        return value is None
    if name == "boolean":
        return isinstance(value, bool)
    if name == "integer":
        return isinstance(value, int) and not isinstance(value, bool) or (isinstance(value, float)
                                                                           and value.is_integer())
    if name == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if name == "string":
        return isinstance(value, str)
    if name == "array":
        return isinstance(value, list)
    if name == "object":
        return isinstance(value, dict)
    raise AssertionError(f"unknown type {name}")


def _equal(a, b) -> bool:
    return type(a) is type(b) and a == b if isinstance(a, bool) or isinstance(b, bool) else a == b


class MiniValidator:
    """Validates data against a schema; ``errors(data)`` lists 'path: message' strings."""

    def __init__(self, root: dict):
        self.root = root

    def errors(self, data) -> list[str]:
        out: list[str] = []
        self._check(self.root, data, "$", out)
        return out

    def is_valid(self, data) -> bool:
        return not self.errors(data)

    def _resolve(self, ref: str) -> dict:
        assert ref.startswith("#/"), ref
        node = self.root
        for part in ref[2:].split("/"):
            node = node[part]
        return node

    def _check(self, schema, data, path: str, out: list[str]) -> None:
        if schema is True:
            return
        if schema is False:
            out.append(f"{path}: not allowed")
            return
        if "$ref" in schema:
            self._check(self._resolve(schema["$ref"]), data, path, out)
        if "type" in schema:
            types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
            if not any(_is_type(data, t) for t in types):
                out.append(f"{path}: {data!r} is not of type {types}")
                return
        if "enum" in schema and not any(_equal(data, v) for v in schema["enum"]):
            out.append(f"{path}: {data!r} is not one of {schema['enum']}")
        if "const" in schema and not _equal(data, schema["const"]):
            out.append(f"{path}: {data!r} is not {schema['const']!r}")
        if isinstance(data, str):
            if "pattern" in schema and not re.search(schema["pattern"], data):
                out.append(f"{path}: {data!r} does not match {schema['pattern']}")
            if "minLength" in schema and len(data) < schema["minLength"]:
                out.append(f"{path}: too short")
            if "maxLength" in schema and len(data) > schema["maxLength"]:
                out.append(f"{path}: too long")
        if _is_type(data, "number"):
            if "minimum" in schema and data < schema["minimum"]:
                out.append(f"{path}: {data} is below {schema['minimum']}")
            if "maximum" in schema and data > schema["maximum"]:
                out.append(f"{path}: {data} is above {schema['maximum']}")
        if isinstance(data, list):
            if "minItems" in schema and len(data) < schema["minItems"]:
                out.append(f"{path}: fewer than {schema['minItems']} items")
            if "items" in schema:
                for index, item in enumerate(data):
                    self._check(schema["items"], item, f"{path}[{index}]", out)
        if isinstance(data, dict):
            for key in schema.get("required", ()):
                if key not in data:
                    out.append(f"{path}: missing required '{key}'")
            if "minProperties" in schema and len(data) < schema["minProperties"]:
                out.append(f"{path}: fewer than {schema['minProperties']} properties")
            if "maxProperties" in schema and len(data) > schema["maxProperties"]:
                out.append(f"{path}: more than {schema['maxProperties']} properties")
            properties = schema.get("properties", {})
            for key, value in data.items():
                if "propertyNames" in schema:
                    self._check(schema["propertyNames"], key, f"{path} key {key!r}", out)
                if key in properties:
                    self._check(properties[key], value, f"{path}.{key}", out)
                elif "additionalProperties" in schema:
                    self._check(schema["additionalProperties"], value, f"{path}.{key}", out)
        for sub in schema.get("allOf", ()):
            self._check(sub, data, path, out)
        if "anyOf" in schema:
            if not any(not self._sub_errors(sub, data, path) for sub in schema["anyOf"]):
                out.append(f"{path}: matches none of anyOf")
        if "oneOf" in schema:
            matches = sum(not self._sub_errors(sub, data, path) for sub in schema["oneOf"])
            if matches != 1:
                out.append(f"{path}: matches {matches} of oneOf, not exactly 1")
        if "not" in schema and not self._sub_errors(schema["not"], data, path):
            out.append(f"{path}: matches a schema it must not match")
        if "if" in schema:
            if not self._sub_errors(schema["if"], data, path):
                if "then" in schema:
                    self._check(schema["then"], data, path, out)
            elif "else" in schema:
                self._check(schema["else"], data, path, out)

    def _sub_errors(self, schema, data, path) -> list[str]:
        out: list[str] = []
        self._check(schema, data, path, out)
        return out


# -- synthetic scenarios -------------------------------------------------------------------------
def write_synthetic_scenario(folder: Path, scenes: int, name: str = "synthetic") -> Path:
    """A valid, lint-clean scenario with ``scenes`` scenes using the bundled nrp-core catalogue.

    Scenes form a braided chain: each choose_one goes one or two scenes on, some back a few
    (loops), every tenth scene is a Continue scene, and the chain ends in three endings.
    """
    lines = [
        "format: 1", f"id: {name}", f'title: "Synthetic scenario with {scenes} scenes"',
        'summary: "Generated for layout tests."', 'version: "1"', 'incident_start: "2026-01-14 04:10"',
        "start: s0", "catalogues: [nrp-core]", "briefing:", '  role: "You."', '  situation: "A test."',
        "variables:", "  flag: {type: bool}", "scenes:",
    ]
    for i in range(scenes):
        lines += [f"  s{i}:", f'    title: "Scene {i}"', f'    text: "Scene number {i}."']
        nxt = f"s{i + 1}" if i + 1 < scenes else "end_good"
        skip = f"s{i + 2}" if i + 2 < scenes else "end_partial"
        if i % 10 == 9:
            lines += ["    next:", "      - if: flag", "        goto: end_harm", f"      - goto: {nxt}"]
            continue
        lines += ["    decision:", "      kind: choose_one", '      prompt: "Which way?"', "      options:",
                  "        - id: onward", '          label: "Onward"', f"          next: {nxt}"]
        if i == 0:
            lines += ["          evidences: [ch_dispatch_ambulance]"]
        lines += ["        - id: skip", '          label: "Skip"', "          set: {flag: true}",
                  f"          next: {skip}"]
        if i % 7 == 3 and i > 5:
            lines += ["        - id: back", '          label: "Back"', f"          next: s{i - 3}"]
    lines += ["endings:",
              '  end_good: {title: "Good", outcome: good, text: "Done."}',
              '  end_partial: {title: "Partial", outcome: partial, text: "Half done."}',
              '  end_harm: {title: "Harm", outcome: harm, text: "Harm done."}']
    path = folder / f"{name}.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
