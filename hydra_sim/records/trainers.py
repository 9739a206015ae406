"""Trainer accounts: who may review, mark, override, rescore, export, push, erase and set retention.

Trainees play and see their own debriefs; the trainer functions need a trainer login. An
account is a name and a passphrase, kept as an scrypt hash (memory-hard: n=2**15, r=8, p=1,
32 MiB per guess; stdlib ``hashlib.scrypt``) with a random salt, never the passphrase.

Accounts live in the home folder's ``config/trainers.json`` (owner-only, 0600), **not in
the session store**: a store or a bundle copied elsewhere must not carry passphrase hashes
for offline guessing, and the store is personal data that retention and erasure delete
from, while accounts are not. Failed logins are counted there too (``failures``): after 5
in a row, logins wait 30 s, doubling with each further failure (up to a day), whatever the
name tried, and the wait survives restarts. A correct passphrase resets the count.

Set-up: the first account is made by whoever first uses a trainer function after
installing (``create`` with no one logged in works only while there is no account);
further accounts need a trainer's login. Recovery: ``reset`` removes every account (and the
lockout), after which the next trainer function sets up a new first account. It needs
write access to the home folder, which is the recovery path the docs give: whoever can
write that folder can already read and change the records directly.

``TrainerLogin`` is what a successful ``login`` returns; its ``name`` is what trainer
actions record as their author. Must not import Qt or any GUI code.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from .. import paths
from . import filemodes

log = logging.getLogger(__name__)

ACCOUNTS_FILE = "trainers.json"
FORMAT = "hydra-sim-trainers"
SCRYPT = {"n": 2 ** 15, "r": 8, "p": 1}        # 32 MiB and about 0.1 s per guess
MIN_PASSPHRASE = 10
FREE_FAILURES = 5                             # failures allowed before the waiting starts
FIRST_WAIT = timedelta(seconds=30)
LONGEST_WAIT = timedelta(days=1)


class TrainerError(ValueError):
    """A trainer account could not be made or used; the message says why in plain words.

    ``detail`` is the technical part (the file, the system's error, the ``--home`` option) for
    the log and the command line, kept out of the message a trainer reads on screen."""

    def __init__(self, message: str, detail: str = ""):
        super().__init__(message)
        self.detail = detail


class WrongPassphrase(TrainerError):
    """The name or passphrase is wrong (which one is not said)."""


class LockedOut(TrainerError):
    """Too many failed logins: ``until`` (UTC) is when the next try is allowed."""

    def __init__(self, message: str, until: datetime):
        super().__init__(message)
        self.until = until


@dataclass(frozen=True)
class TrainerLogin:
    """A trainer who has just given the right passphrase: ``name`` goes in every record they make."""
    name: str
    at: str


def accounts_path() -> Path:
    return paths.home_dir() / "config" / ACCOUNTS_FILE


def _now() -> datetime:
    return datetime.now(UTC)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def check_name(name: str) -> str:
    name = unicodedata.normalize("NFC", name or "").strip()
    if not name or len(name) > 64 or any(unicodedata.category(c).startswith("C") for c in name):
        raise TrainerError("a trainer name is 1 to 64 printable characters (for example 'Sgt A Okafor' or a "
                           "collar number)")
    return name


def check_new_passphrase(passphrase: str) -> str:
    if not isinstance(passphrase, str) or len(passphrase) < MIN_PASSPHRASE:
        raise TrainerError(f"a trainer passphrase needs at least {MIN_PASSPHRASE} characters (a few words "
                           "are easier to remember than symbols)")
    if not passphrase.strip():
        raise TrainerError("a trainer passphrase cannot be only spaces")
    return passphrase


def _derive(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    data = unicodedata.normalize("NFC", passphrase).encode("utf-8")
    return hashlib.scrypt(data, salt=salt, n=n, r=r, p=p, maxmem=256 * 1024 * 1024, dklen=32)


class TrainerAccounts:
    """The trainer accounts and failed-login count of one home folder (``config/trainers.json``)."""

    def __init__(self, path: str | os.PathLike | None = None):
        self.path = Path(path) if path is not None else accounts_path()

    # -- reading and writing the file (atomic, 0600) --------------------------------------
    def _load(self) -> dict:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {"format": FORMAT, "version": 1, "accounts": {}, "failures": {"count": 0}}
        except (OSError, ValueError) as exc:
            raise TrainerError(f"the trainer accounts file {self.path} cannot be read ({exc}). It is left as it "
                               "is; to start again, run 'hydra-sim trainer reset' (see the trainer guide)") from exc
        if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("accounts"), dict):
            raise TrainerError(f"{self.path} is not a hydra_sim trainer accounts file; it is left as it is. To "
                               "start again, run 'hydra-sim trainer reset' (see the trainer guide)")
        data.setdefault("failures", {"count": 0})
        return data

    def _save(self, data: dict) -> None:
        partial = self.path.with_name(f".{self.path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        try:
            filemodes.private_folder(self.path.parent)
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except OSError as exc:
            detail = (f"the trainer accounts file {self.path} cannot be written ({exc.strerror or exc}; the folder "
                      "may be read-only). Make the folder writable, or choose another location with --home or "
                      "HYDRA_SIM_HOME")
            log.warning("%s", detail)
            raise TrainerError("the trainer accounts could not be saved, because this computer does not allow "
                               f"changes in the folder {self.path.parent}. Nothing was changed. Ask the person "
                               "who set up this computer for permission to change that folder, then try again",
                               detail) from exc
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle, indent=1, ensure_ascii=False)
                handle.flush()
                os.fsync(handle.fileno())
            filemodes.restrict(partial)
            os.replace(partial, self.path)
        finally:
            if partial.exists():
                partial.unlink()

    # -- accounts ---------------------------------------------------------------------------
    def names(self) -> list[str]:
        return sorted(self._load()["accounts"])

    def exist(self) -> bool:
        return bool(self.names())

    def create(self, name: str, passphrase: str, *, by: TrainerLogin | None = None) -> TrainerLogin:
        """Add an account and return it logged in. Without ``by`` (a trainer's login) only the first."""
        name, passphrase = check_name(name), check_new_passphrase(passphrase)
        data = self._load()
        if data["accounts"] and by is None:
            raise TrainerError("a trainer account exists already: a trainer must log in to add another")
        if by is not None and by.name not in data["accounts"]:
            raise TrainerError(f"'{by.name}' is not a trainer account here")
        if name in data["accounts"]:
            raise TrainerError(f"there is a trainer account '{name}' already")
        salt = secrets.token_bytes(16)
        digest = _derive(passphrase, salt, **SCRYPT)
        now = _stamp(_now())
        data["accounts"][name] = {"kdf": "scrypt", **SCRYPT, "salt": salt.hex(), "hash": digest.hex(),
                                  "created_at": now, "created_by": by.name if by else None}
        self._save(data)
        log.info("a trainer account was added (%d in all)", len(data["accounts"]))   # no names in the log
        return TrainerLogin(name, now)

    def login(self, name: str, passphrase: str, *, now: datetime | None = None) -> TrainerLogin:
        """The trainer's login if ``passphrase`` is right; ``WrongPassphrase`` or ``LockedOut`` otherwise."""
        now = now or _now()
        data = self._load()
        failures = data["failures"]
        until = failures.get("locked_until")
        if until and _parse(until) > now:
            raise LockedOut(_locked_message(_parse(until), now), _parse(until))
        account = data["accounts"].get(unicodedata.normalize("NFC", name or "").strip())
        if account is None:
            # spend the same time as a real check, so a wrong name cannot be told from a wrong passphrase
            _derive(passphrase or "", b"\0" * 16, **SCRYPT)
            ok = False
        else:
            digest = _derive(passphrase or "", bytes.fromhex(account["salt"]), account["n"], account["r"],
                             account["p"])
            ok = hmac.compare_digest(digest.hex(), account["hash"])
        if ok:
            if failures.get("count"):
                data["failures"] = {"count": 0}
                self._save(data)
            return TrainerLogin(unicodedata.normalize("NFC", name).strip(), _stamp(now))
        count = int(failures.get("count") or 0) + 1
        data["failures"] = {"count": count, "last_at": _stamp(now)}
        message = "wrong trainer name or passphrase"
        if count >= FREE_FAILURES:
            wait = min(FIRST_WAIT * 2 ** (count - FREE_FAILURES), LONGEST_WAIT)
            data["failures"]["locked_until"] = _stamp(now + wait)
            message += f"; after {count} failed tries, the next is allowed in {_duration(wait)}"
        elif count >= FREE_FAILURES - 2:
            message += f" ({FREE_FAILURES - count} more tries before logins must wait)"
        self._save(data)
        log.warning("a trainer login failed (%d in a row)", count)
        raise WrongPassphrase(message)

    def change_passphrase(self, login: TrainerLogin, passphrase: str) -> None:
        passphrase = check_new_passphrase(passphrase)
        data = self._load()
        if login.name not in data["accounts"]:
            raise TrainerError(f"'{login.name}' is not a trainer account here")
        salt = secrets.token_bytes(16)
        data["accounts"][login.name].update({**SCRYPT, "salt": salt.hex(),
                                             "hash": _derive(passphrase, salt, **SCRYPT).hex()})
        self._save(data)

    def remove(self, login: TrainerLogin, name: str) -> None:
        data = self._load()
        if name not in data["accounts"]:
            raise TrainerError(f"there is no trainer account '{name}'")
        if login.name not in data["accounts"]:
            raise TrainerError(f"'{login.name}' is not a trainer account here")
        del data["accounts"][name]
        self._save(data)

    def reset(self) -> bool:
        """Recovery: remove every account and the lockout. True if there was anything to remove."""
        try:
            self.path.unlink()
        except FileNotFoundError:
            return False
        log.warning("the trainer accounts were reset")
        return True


def _duration(wait: timedelta) -> str:
    seconds = max(1, round(wait.total_seconds()))
    if seconds < 120:
        return f"{seconds} seconds"
    if seconds < 7200:
        return f"{seconds // 60} minutes"
    return f"{seconds // 3600} hours"


def _locked_message(until: datetime, now: datetime) -> str:
    return (f"too many failed trainer logins: the next try is allowed in {_duration(until - now)} (at "
            f"{until.strftime('%H:%M:%S')} UTC). A trainer who has forgotten the passphrase: see 'Recovery' in "
            "the trainer guide")
