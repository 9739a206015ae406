"""Saved Learning Record Store settings: endpoint and user in settings.ini, the password in the OS keyring.

The endpoint and user are not secret and go in the ``[lrs]`` section of ``<home>/settings.ini``
(the app's QSettings file; we read and rewrite only that section, with ``configparser``, so this
module stays Qt-free). The password never goes in any file we write: it is kept by the
operating system's keyring (Windows Credential Manager, macOS Keychain, Secret Service on
Linux desktops) through the ``keyring`` library. Where no secure keyring is available
(keyring's ``fail`` or ``null`` backend, or a plain-text backend such as keyrings.alt's
``PlaintextKeyring``) nothing is saved: ``KeyringUnavailable`` says so, and ``hydra-sim push``
uses the environment variable or asks. Must not import Qt or any GUI code.
"""

from __future__ import annotations

import configparser
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .. import paths

log = logging.getLogger(__name__)

SECTION = "lrs"
SERVICE_PREFIX = "hydra-sim LRS "
# Backends that store secrets in readable files, or not at all: never used for the password.
_INSECURE_BACKENDS = ("keyring.backends.fail", "keyring.backends.null", "keyrings.alt.file",
                      "keyrings.alt.Google", "keyrings.alt.pyfs")


class KeyringUnavailable(Exception):
    """There is no secure keyring on this computer, so the password cannot be saved."""


@dataclass(frozen=True)
class LrsSettings:
    endpoint: str
    user: str


def settings_path() -> Path:
    return paths.home_dir() / "settings.ini"


def _service(endpoint: str) -> str:
    return SERVICE_PREFIX + endpoint.strip().rstrip("/")


# -- endpoint and user (settings.ini) ---------------------------------------------------------
def _read(path: Path) -> configparser.RawConfigParser:
    parser = configparser.RawConfigParser(strict=False, interpolation=None)
    parser.optionxform = str          # QSettings keys are case-sensitive: keep them as written
    if path.exists():
        try:
            parser.read(path, encoding="utf-8")
        except (configparser.Error, UnicodeDecodeError) as exc:
            raise ValueError(f"cannot read the settings file {path}: {exc}. Fix or remove the file.") from exc
    return parser


def _write(parser: configparser.RawConfigParser, path: Path) -> None:
    """Replace the file atomically, readable by its owner only (it names the LRS account)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=".settings-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            parser.write(out, space_around_delimiters=False)
        if os.name == "posix":
            os.chmod(temp, 0o600)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def load_settings(path: Path | None = None) -> LrsSettings | None:
    """The saved endpoint and user, or None when none are saved."""
    parser = _read(path or settings_path())
    if not parser.has_section(SECTION):
        return None
    endpoint = parser.get(SECTION, "endpoint", fallback="").strip()
    user = parser.get(SECTION, "user", fallback="").strip()
    return LrsSettings(endpoint, user) if endpoint and user else None


def save_settings(settings: LrsSettings, path: Path | None = None) -> Path:
    """Save the endpoint and user (never a password) in the [lrs] section; returns the file."""
    if not settings.endpoint.startswith(("https://", "http://")):
        raise ValueError(f"the LRS endpoint must start with https:// (or http:// for a local test LRS), "
                         f"not '{settings.endpoint}'")
    if not settings.user.strip() or "\n" in settings.user or "\n" in settings.endpoint:
        raise ValueError("the LRS user must be one line of text")
    path = path or settings_path()
    parser = _read(path)
    if not parser.has_section(SECTION):
        parser.add_section(SECTION)
    parser.set(SECTION, "endpoint", settings.endpoint.strip().rstrip("/"))
    parser.set(SECTION, "user", settings.user.strip())
    _write(parser, path)
    return path


def forget(path: Path | None = None) -> bool:
    """Remove the saved endpoint and user and the keyring password; True if anything was saved."""
    path = path or settings_path()
    saved = load_settings(path)
    if saved is not None:
        try:
            delete_password(saved)
        except KeyringUnavailable:
            pass                       # nothing can have been saved there
    parser = _read(path)
    if parser.remove_section(SECTION):
        _write(parser, path)
        return True
    return saved is not None


# -- the password (OS keyring) ----------------------------------------------------------------
def secure_backend():
    """The keyring backend, or raise KeyringUnavailable naming why."""
    try:
        import keyring
    except ImportError as exc:        # a trimmed install: say so instead of falling back to a file
        raise KeyringUnavailable("the 'keyring' library is not installed") from exc
    backend = keyring.get_keyring()
    name = f"{type(backend).__module__}.{type(backend).__name__}"
    if name.startswith(_INSECURE_BACKENDS) or "plaintext" in name.lower() or getattr(backend, "priority", 1) <= 0:
        raise KeyringUnavailable(
            f"no secure keyring is available on this computer (keyring backend: {name}). "
            "The password is not saved anywhere: set HYDRA_SIM_LRS_PASSWORD or type it when asked. "
            "On Linux, a desktop session with a Secret Service (GNOME Keyring, KWallet) provides one.")
    return backend


def keyring_description() -> str:
    """Which keyring holds saved passwords, or why none can, in one line."""
    try:
        backend = secure_backend()
    except KeyringUnavailable as exc:
        return str(exc)
    return f"{type(backend).__module__}.{type(backend).__name__}"


def save_password(settings: LrsSettings, password: str) -> None:
    if not password:
        raise ValueError("the password is empty")
    backend = secure_backend()
    from keyring.errors import KeyringError
    try:
        backend.set_password(_service(settings.endpoint), settings.user, password)
    except KeyringError as exc:
        raise KeyringUnavailable(f"the keyring refused the password: {exc}") from exc


def get_password(settings: LrsSettings) -> str | None:
    """The saved password, or None (nothing saved, or no secure keyring)."""
    try:
        backend = secure_backend()
    except KeyringUnavailable:
        return None
    from keyring.errors import KeyringError
    try:
        return backend.get_password(_service(settings.endpoint), settings.user)
    except KeyringError:
        log.warning("the keyring could not be read", exc_info=True)
        return None


def delete_password(settings: LrsSettings) -> bool:
    backend = secure_backend()
    from keyring.errors import KeyringError, PasswordDeleteError
    try:
        backend.delete_password(_service(settings.endpoint), settings.user)
    except PasswordDeleteError:
        return False
    except KeyringError as exc:
        raise KeyringUnavailable(f"the keyring refused to delete the password: {exc}") from exc
    return True


def password_from(settings: LrsSettings, env_var: str, ask=None) -> tuple[str | None, str]:
    """The password and where it came from: the environment variable, the keyring, or ``ask()``."""
    value = os.environ.get(env_var)
    if value:
        return value, f"${env_var}"
    value = get_password(settings)
    if value:
        return value, "keyring"
    if ask is not None:
        value = ask()
        if value:
            return value, "prompt"
    return None, ""
