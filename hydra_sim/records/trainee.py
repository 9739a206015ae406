"""Who played a session: ``TraineeInfo``, a pseudonymous id and optional details.

Kept in a module of its own, with no other imports, so the GUI can name a trainee before the
store is open (the start screen is painted first; app.run_app opens the store just after).
Must not import Qt or any GUI code, nor the rest of the records package.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class TraineeInfo:
    """Who played: a pseudonymous id (required) and optional details. This is personal data."""
    trainee_id: str
    display_name: str = ""
    force: str = ""
    role: str = ""          # call_handler | first_responder | incident_manager | investigator | other
