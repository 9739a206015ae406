"""Project lint settings: ``hydra-project.yaml`` changes the severity of lint codes.

```yaml
lint:
  severity:
    G006: off        # hide loops notes
    S007: error      # unquoted "no", "1.10" must be fixed
    V001: info
```

The file is looked for in the scenario's folder, then each parent folder up to the
filesystem root; the first one found applies. Values are ``error``, ``warning``, ``info``
and ``off`` (hidden). It is read with the project's safe YAML reader and its own problems
are reported with file, line and column (codes L001-L003).

Errors that make a file unsafe or impossible to run (YAML, structure, references,
conditions...) cannot be downgraded: the app would refuse the file anyway. Only the codes
in ``DOWNGRADABLE_ERRORS`` (content and graph-shape errors) and every warning or info may
be lowered. Must not import Qt or any GUI code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from .files import FileCache, display_name
from .problems import ERROR, INFO, WARNING, Problem, did_you_mean
from .reader import NodeReader
from .yamlsource import YMap, read_yaml_file

PROJECT_FILE = "hydra-project.yaml"
OFF = "off"
SEVERITIES = (ERROR, WARNING, INFO, OFF)
_RANK = {ERROR: 0, WARNING: 1, INFO: 2, OFF: 3}
CODE_PATTERN = re.compile(r"^[A-Z][0-9]{3}$")
# Every code lint reports (docs/lint.md); used for did-you-mean on unknown codes.
KNOWN_CODES = (
    "Y001 Y002 Y003 Y004 Y010 Y011 Y012 Y013 Y014 Y015 Y016 Y017 "
    "S001 S002 S003 S004 S005 S006 S007 S008 S009 S010 S011 S012 S014 S015 "
    "R001 R002 R003 R004 R005 R006 R007 R008 R009 R010 R011 R012 R013 R014 "
    "C001 C002 C003 G001 G002 G003 G004 G005 G006 G007 V001 V002 V003 T001 T002 T003 "
    "A001 A002 A003 A004 A005 A006 A007 A101 A102 A110 A111 A112 M001 M002 M003 M004 P001 P002 P003 P004 L001 L002 L003 "
    "N001 N002 V004 H001 H002 H003 H004 H005 H006 H007 H008 H009 H010 H011 H012 H013 H014 H015 Q001 Q002 Q003 Q004"
).split()
# Errors an author may lower: the scenario still runs safely with them (a missing alt text,
# a TODO, a trap the trainer wants to demonstrate). Everything else stays an error.
# A110 (a text-blind strategy passes) may be lowered for a practice or engine-test scenario that
# is never used for assessment; bundled scenarios never lower it (tests/authoring/test_audit.py).
DOWNGRADABLE_ERRORS = frozenset({"M001", "M002", "M004", "G004", "G005", "A110"})
# The codes whose problems are errors (docs/lint.md).
ERROR_CODES = frozenset(
    [c for c in KNOWN_CODES if c[0] in "YP"]
    + "S001 S002 S003 S004 S005 S006 S008 S009 S010 S011 S014 S015 R001 R002 R003 R004 R005 R006 R007 R008 R009 "
      "R011 R012 R013 R014 C001 C002 G003 G004 G005 V002 T001 M001 M002 M004 L001 A110 "
      "V004 H001 H002 H003 H004 H006 H007 H012 H013 Q002 Q004".split())


@dataclass
class LintConfig:
    """Severity overrides from one project file (``path`` is None when there is none)."""
    path: Path | None = None
    severity: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def apply(self, problems: list[Problem]) -> list[Problem]:
        """The problems with their severities changed; ``off`` codes removed."""
        if not self.severity:
            return list(problems)
        result = []
        for problem in problems:
            wanted = self.severity.get(problem.code)
            if wanted is None or wanted == problem.severity:
                result.append(problem)
                continue
            if problem.severity == ERROR and problem.code not in DOWNGRADABLE_ERRORS:
                result.append(problem)      # never hide what would stop the app
                continue
            if wanted != OFF:
                result.append(replace(problem, severity=wanted))
        return result


def find_project_file(start: Path) -> Path | None:
    """``hydra-project.yaml`` in ``start`` (a file's folder, or a folder) or its nearest parent."""
    start = Path(start).resolve()
    folder = start if start.is_dir() else start.parent
    for candidate in [folder, *folder.parents]:
        path = candidate / PROJECT_FILE
        if path.is_file():
            return path
    return None




def config_for(path: Path) -> LintConfig:
    """The lint configuration that applies to the file or folder ``path`` (cached by mtime)."""
    project = find_project_file(path)
    if project is None:
        return LintConfig()
    return _configs.get(project)


def read_config(path: Path) -> LintConfig:
    """Read one project file; problems in it are kept in ``LintConfig.problems``."""
    name = display_name(path)
    config = LintConfig(path)
    root, problems = read_yaml_file(path, name)
    config.problems += problems
    if root is None:
        if problems and problems[0].code == "Y001":     # an empty project file is fine
            config.problems = []
        return config
    r = NodeReader(name)
    m = r.mapping(root, f"the project file {PROJECT_FILE}", (), ("lint",))
    lint = m.items.get("lint") if m is not None else None
    lm = r.mapping(lint, "'lint'", (), ("severity",)) if lint is not None else None
    severity = lm.items.get("severity") if lm is not None else None
    if isinstance(severity, YMap):
        for code, key_node in severity.keys.items():
            value_node = r.scalar(severity.items[code], f"'severity: {code}'")
            if value_node is None:
                continue
            if not CODE_PATTERN.match(code):
                r.error("L001", f"'{code}' is not a lint code", key_node,
                        "codes look like 'G006': a letter and three digits (see docs/lint.md)")
                continue
            if code not in KNOWN_CODES:
                r.warning("L002", f"no lint check has the code '{code}'", key_node,
                          did_you_mean(code, KNOWN_CODES) or "see docs/lint.md for the codes")
            value = value_node.value.lower()
            if value not in SEVERITIES:
                r.error("L001", f"'severity: {code}' cannot be '{value_node.value}'", value_node,
                        did_you_mean(value, SEVERITIES) or "use one of: error, warning, info, off")
                continue
            if code in ERROR_CODES and code not in DOWNGRADABLE_ERRORS and _RANK[value] > _RANK[ERROR]:
                r.warning("L003", f"{code} is an error that stops the app from running the file; it stays "
                          "an error", value_node, "only warnings, notes, content errors and the audit's A110 (M001, M002, M004, "
                          "G004, G005, A110) can be lowered")
            config.severity[code] = value
    elif severity is not None:
        r.mapping(severity, "'severity'")
    config.problems += r.problems
    return config


def apply_config(problems: list[Problem], path: Path) -> list[Problem]:
    """Apply the project file that covers ``path`` (a convenience for callers)."""
    return config_for(path).apply(problems)


_configs = FileCache(read_config)   # project files, re-read only when they change
