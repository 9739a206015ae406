"""Problems found in scenario, catalogue and plan files, and the error that carries them.

Every check in the engine reports a ``Problem`` (code, severity, file, line, column,
message, hint) instead of raising on the first fault, so an author sees the whole list at
once. Must not import Qt or any GUI code.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

ERROR = "error"
WARNING = "warning"
INFO = "info"
_SEVERITY_ORDER = {ERROR: 0, WARNING: 1, INFO: 2}


@dataclass(frozen=True)
class Location:
    """Where something is: file, 1-based line and 1-based column (0 when unknown)."""

    file: str = ""
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Problem:
    code: str
    severity: str
    message: str
    location: Location = field(default_factory=Location)
    hint: str | None = None

    def format(self) -> str:
        """The one-line form the CLI prints: ``file:line:col: severity CODE message``."""
        text = f"{self.location}: {self.severity} {self.code} {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        # one problem, one line: a line break quoted from the file must not forge another line
        return text.replace("\r", "\\r").replace("\n", "\\n")

    def to_dict(self) -> dict:
        return {
            "file": self.location.file,
            "line": self.location.line,
            "column": self.location.column,
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
            "hint": self.hint,
        }


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    return sorted(
        problems,
        key=lambda p: (p.location.file, p.location.line, p.location.column,
                       _SEVERITY_ORDER.get(p.severity, 3), p.code),
    )


def has_errors(problems: Iterable[Problem]) -> bool:
    return any(p.severity == ERROR for p in problems)


class ScenarioError(Exception):
    """Raised when a file cannot be used; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = sort_problems(problems)
        first = self.problems[0].format() if self.problems else "unknown problem"
        more = f" (and {len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
        super().__init__(first + more)


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """A hint naming the closest known word, or None when nothing is close."""
    import difflib      # here, not at the top: the start screen's library index imports this module
    matches = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean '{matches[0]}'?" if matches else None
