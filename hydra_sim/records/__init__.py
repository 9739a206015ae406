"""The Qt-free records package: the durable session store and the trainer's review data.

``SessionStore`` persists every trainee input and event the moment it happens, so a
session survives a crash and can be resumed or reviewed, each event hash-chained for
tamper evidence (``verify``), with trainer annotations, grade overrides, rescores and the
UK GDPR tools; ``bundles`` moves sessions between machines; see docs/records.md.
Import from here in the GUI. Must not import Qt or any GUI code (a test checks it).

Importing the package is cheap: ``StoreError`` and ``TraineeInfo`` are loaded at once, the
rest (the store, SQLite, hashing) on first use of its name (PEP 562), so the trainee app
can paint its start screen before it opens the store (app.run_app).
"""

from importlib import import_module

from .errors import StoreError
from .trainee import TraineeInfo

# name -> the module (in this package) that defines it, loaded when the name is first used
_LAZY = {
    "EVENT_KINDS": "store", "INPUT_KINDS": "store", "SessionStore": "store", "SessionSummary": "store",
    "default_store_path": "store", "SCHEMA_VERSION": "schema", "VerifyIssue": "integrity",
    "integrity": None, "keys": None, "trainers": None,
}

__all__ = [
    "EVENT_KINDS", "INPUT_KINDS", "SCHEMA_VERSION", "SessionStore", "SessionSummary", "StoreError", "TraineeInfo",
    "VerifyIssue", "default_store_path",
]


def __getattr__(name: str):
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module_name = _LAZY[name]
    value = import_module(f".{module_name or name}", __name__)
    if module_name is not None:
        value = getattr(value, name)
    globals()[name] = value          # looked up once; later uses are plain attribute reads
    return value


def __dir__():
    return sorted(set(globals()) | set(_LAZY))
