"""The order a trainee sees a decision's options in: shuffled per session, so position is no cue.

``presentation_order(seed, decision_id, options)`` is a pure function of the session's
seed and the decision's id (the scene id: one decision per scene), so nothing per decision
is stored: resume, review, replay, re-scoring and exports recompute exactly what the
trainee saw from the one seed in the session record. ``seed=None`` (records made before
seeds existed, and play scripts or tools that ask for it) means the file order.
An option with ``pin: first`` or ``pin: last`` keeps that end (several pinned to one end
keep their file order), e.g. "none of these" last; the rest are shuffled between them.
The shuffle uses its own ``random.Random`` seeded from a SHA-256 of (seed, decision id), so
it is the same on every machine (``random.Random`` with an int seed is reproducible across
CPython 3 releases) and never touches the global RNG.
Must not import Qt or any GUI code.
"""

from __future__ import annotations

import hashlib
import random
import secrets
from collections.abc import Sequence
from typing import TypeVar

PINS = ("first", "last")
SEED_BITS = 48          # fits exactly in JSON numbers and SQLite integers everywhere

T = TypeVar("T")


def new_seed() -> int:
    """A fresh random session seed (not secret: it is stored with the session and exported)."""
    return secrets.randbits(SEED_BITS)


def derived_seed(*parts: object) -> int:
    """A seed computed from text parts (e.g. an exercise seed and a syndicate name), stable everywhere."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % (1 << SEED_BITS)


def presentation_order(seed: int | None, decision_id: str, options: Sequence[T]) -> list[T]:
    """``options`` (objects with ``pin`` or not) in the order this session shows them."""
    items = list(options)
    if seed is None:
        return items
    first = [o for o in items if getattr(o, "pin", None) == "first"]
    last = [o for o in items if getattr(o, "pin", None) == "last"]
    middle = [o for o in items if getattr(o, "pin", None) not in PINS]
    random.Random(derived_seed(int(seed), decision_id)).shuffle(middle)
    return first + middle + last
