"""The one error the records package raises for storage problems: ``StoreError``.

Its message says what is wrong, where (the file), and what the trainee or trainer can do
about it, so the GUI can show it as it is. Caller mistakes (an unknown event kind, data
that is not JSON) raise ``ValueError`` or ``TypeError`` instead.
Must not import Qt or any GUI code.
"""

from __future__ import annotations

from pathlib import Path


class StoreError(Exception):
    """The session store cannot be opened, read or written.

    ``message`` is a complete sentence or two for a person (what, where, what to do);
    ``path`` is the store file (or the folder it should live in) when known.
    """

    #: ``kind`` says what the caller can do: "unreadable" (the file is damaged or not a store:
    #: keep it and start a new one), "session" (that session cannot take the write: it does not
    #: exist, or is finished or abandoned; retrying never helps) or "" (anything else, often
    #: passing: full, locked: retrying later may help). "not_writable": the store's folder or file
    #: cannot be written or created (read-only, no permission): nothing was changed, and trying
    #: again helps once someone with rights to the computer has fixed the folder.
    UNREADABLE, SESSION, NOT_WRITABLE = "unreadable", "session", "not_writable"

    def __init__(self, message: str, path: Path | None = None, kind: str = ""):
        super().__init__(message)
        self.message = message
        self.path = path
        self.kind = kind

    @property
    def folder(self) -> Path | None:
        """The folder the store lives in (where a "not_writable" store could not write), if known."""
        return self.path.parent if self.path is not None else None
