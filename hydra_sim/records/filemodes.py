"""Owner-only permissions for files that hold personal data (POSIX; a no-op elsewhere).

Session stores, the review index, the xAPI queue, bundles and exports name trainees and
hold their decisions and rationale. Folders hydra_sim creates for them are 0700 and the
files 0600, whatever the umask. Folders that already exist are left alone (a store placed
in someone's Documents folder must not change that folder's permissions). On Windows the
files inherit the user profile's access control list, which is already per-user.
Must not import Qt or any GUI code.
"""

from __future__ import annotations

import os
from pathlib import Path

POSIX = os.name == "posix"
FOLDER_MODE = 0o700
FILE_MODE = 0o600


def private_folder(path: str | os.PathLike) -> Path:
    """Create ``path`` and any missing parents as owner-only folders; existing folders are not changed."""
    path = Path(path)
    missing = []
    probe = path
    while not probe.exists() and probe != probe.parent:
        missing.append(probe)
        probe = probe.parent
    path.mkdir(parents=True, exist_ok=True)
    if POSIX:
        for folder in missing:
            try:
                os.chmod(folder, FOLDER_MODE)
            except OSError:
                pass                # created by another process that owns it: leave it
    return path


def private_file(path: str | os.PathLike) -> Path:
    """Create ``path`` if missing, and make it readable and writable by its owner only."""
    path = Path(path)
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, FILE_MODE))
    if POSIX:
        try:
            os.chmod(path, FILE_MODE)
        except PermissionError:
            pass                    # not our file (a shared store): its owner decides
    return path


def restrict(path: str | os.PathLike) -> None:
    """Make an existing file owner-only (after it was written by a library that chose its own mode)."""
    if POSIX:
        os.chmod(path, FILE_MODE)
