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

    def __init__(self, message: str, path: Path | None = None):
        super().__init__(message)
        self.message = message
        self.path = path
