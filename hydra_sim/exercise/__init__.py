"""Facilitated exercises: several syndicates on several machines, one facilitator (docs/facilitation.md).

``protocol`` (the wire messages), ``server`` (the facilitator's ``ExerciseServer``),
``station`` (a station's ``StationLink``), ``mirror`` (the facilitator's copy of each
session), ``recorder`` (runner -> store), ``headless`` (a scripted station), ``views``
(what the console shows), ``plenary`` (the debrief's side-by-side data and report),
``commands`` (the ``facilitate`` and ``station`` commands), ``tls`` (the link's certificate and
contexts), ``seats`` (a station's seat token kept beside its store), ``pods`` (one station per
seat of a seated scenario: seat views, checks, relays) and ``seatstation`` (a scripted seat
station). All Qt-free and
thread-safe; the GUI lives in hydra_sim.gui.
Must not import Qt or any GUI code.
"""

from .protocol import ALL, DEFAULT_PORT, PROTOCOL_VERSION, ProtocolError, new_join_code
from .views import (
                    Command,
                    DecisionReceived,
                    DecisionView,
                    ExerciseEnded,
                    InterventionApplied,
                    InterventionFailed,
                    InterventionView,
                    StationJoined,
                    StationLeft,
                    SyndicateUpdated,
                    SyndicateView,
)

__all__ = [
    "ALL", "DEFAULT_PORT", "PROTOCOL_VERSION", "Command", "DecisionReceived", "DecisionView", "ExerciseEnded",
    "InterventionApplied", "InterventionFailed", "InterventionView", "ProtocolError", "StationJoined", "StationLeft",
    "SyndicateUpdated", "SyndicateView", "new_join_code",
]
