"""The Qt-free records package: the durable session store and the trainer's review data.

``SessionStore`` persists every trainee input and event the moment it happens, so a
session survives a crash and can be resumed or reviewed, each event hash-chained for
tamper evidence (``verify``), with trainer annotations, grade overrides, rescores and the
UK GDPR tools; ``bundles`` moves sessions between machines; see docs/records.md.
Import from here in the GUI. Must not import Qt or any GUI code (a test checks it).
"""

from .errors import StoreError
from . import integrity, keys, trainers
from .integrity import VerifyIssue
from .schema import SCHEMA_VERSION
from .store import EVENT_KINDS, INPUT_KINDS, SessionStore, SessionSummary, TraineeInfo, default_store_path

__all__ = [
    "EVENT_KINDS", "INPUT_KINDS", "SCHEMA_VERSION", "SessionStore", "SessionSummary", "StoreError", "TraineeInfo",
    "VerifyIssue", "default_store_path",
]
