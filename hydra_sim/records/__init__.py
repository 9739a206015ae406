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

from ..lazy import lazy_names
from .errors import StoreError
from .trainee import TraineeInfo

# name -> the submodule that defines it (a submodule's own name: the submodule), loaded on first use
_WHERE = {
    "EVENT_KINDS": "store", "INPUT_KINDS": "store", "SessionStore": "store", "SessionSummary": "store",
    "default_store_path": "store", "SCHEMA_VERSION": "schema", "VerifyIssue": "integrity",
    "integrity": "integrity", "keys": "keys", "trainers": "trainers",
}

__all__ = [
    "EVENT_KINDS", "INPUT_KINDS", "SCHEMA_VERSION", "SessionStore", "SessionSummary", "StoreError", "TraineeInfo",
    "VerifyIssue", "default_store_path",
]


__getattr__, __dir__ = lazy_names(__name__, _WHERE, globals())
