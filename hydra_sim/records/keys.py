"""The installation's records key: a secret that seals the session store (HMAC-SHA256).

The hash chains (integrity.py) show accidental damage and clumsy edits, but anyone who
can edit the store can recompute a plain SHA-256 chain. The records key closes that gap:
every session row carries a *seal*, an HMAC-SHA256 under this key of the whole row (which
includes the heads of its event chain and of its trainer-review chain), so editing the
store and recomputing the hashes without the key is reported by ``verify``.

The key is 32 random bytes kept **outside the store file**, in the home folder's
``config/records.key`` (beside ``records/``), owner-only (0600, folder 0700). It is made
the first time a store is opened there. Its *fingerprint* (a hash of the key, safe to
show) names it in seals, bundles and ``hydra-sim verify``, so a receiver can tell which
installation sealed a record. The key never leaves this computer: a bundle carries the
fingerprint, never the key.

Must not import Qt or any GUI code.
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from . import filemodes

log = logging.getLogger(__name__)

KEY_FILE = "records.key"
_KEY_BYTES = 32
_FINGERPRINT_TAG = b"hydra-sim records key fingerprint\x00"


@dataclass(frozen=True)
class RecordsKey:
    """A records key: the secret, where it is kept, and its fingerprint (``repr`` never shows the secret)."""
    secret: bytes
    path: Path | None = None

    @property
    def fingerprint(self) -> str:
        """16 hex digits naming the key (a hash of it): shown in verify, written in seals and bundles."""
        return hashlib.sha256(_FINGERPRINT_TAG + self.secret).hexdigest()[:16]

    def __repr__(self) -> str:
        return f"RecordsKey(fingerprint={self.fingerprint!r}, path={str(self.path)!r})"


class RecordsKeyError(Exception):
    """The key file exists but cannot be read or is not a records key."""


def key_path_for(store_path: str | os.PathLike) -> Path:
    """Where the key of the store at ``store_path`` is kept: ``config/records.key`` beside its folder.

    For the app's store (``HOME/records/sessions.sqlite3``) that is ``HOME/config/records.key``.
    """
    return Path(store_path).expanduser().absolute().parent.parent / "config" / KEY_FILE


def load_or_create(path: str | os.PathLike) -> RecordsKey:
    """The key kept at ``path``, made (random, 0600) if there is none yet.

    Two processes making it at once agree on one key: it is written to a temporary file and
    linked into place only if no key is there yet. Raises ``RecordsKeyError`` for a file that is not
    a key (it is never overwritten: it may be the only copy that checks these records).
    """
    path = Path(path)
    existing = _read(path)
    if existing is not None:
        return existing
    filemodes.private_folder(path.parent)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_bytes(_KEY_BYTES).hex() + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        filemodes.restrict(temporary)
        try:
            os.link(temporary, path)         # fails if another process made the key first
            log.info("made a new records key %s", path)
        except FileExistsError:
            pass
        except OSError:                      # no hard links here (some network shares): create-exclusive instead
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                pass
            else:
                with os.fdopen(fd, "w", encoding="ascii") as handle:
                    handle.write(temporary.read_text(encoding="ascii"))
                    handle.flush()
                    os.fsync(handle.fileno())
    finally:
        try:
            temporary.unlink()
        except FileNotFoundError:
            pass
    key = _read(path)
    if key is None:
        raise RecordsKeyError(f"the records key {path} could not be made")
    return key


def read_existing(path: str | os.PathLike) -> RecordsKey | None:
    """The key kept at ``path``, or None when there is none (nothing is made)."""
    return _read(Path(path))


def _read(path: Path) -> RecordsKey | None:
    try:
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise RecordsKeyError(f"cannot read the records key {path} ({exc})") from exc
    try:
        secret = bytes.fromhex(text)
    except ValueError:
        secret = b""
    if len(secret) != _KEY_BYTES:
        raise RecordsKeyError(f"{path} is not a hydra_sim records key (64 hex digits expected); it is left as it is. "
                        "Restore it from a backup, or move it aside to make a new key (then the seals made "
                        "with the old key can no longer be checked here)")
    return RecordsKey(secret, path)
