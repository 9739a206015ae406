"""Names of a package loaded on first use (PEP 562), for the packages whose import must stay
cheap: ``hydra_sim.engine`` (the explorer, the runner and ``transitions`` stay off the GUI
thread until needed), ``hydra_sim.records`` (SQLite and the store load only when the store
opens, after the start screen's first paint) and ``hydra_sim.cli`` (names moved out of the old
one-file cli.py). Imports nothing of hydra_sim; must not import Qt.

    __getattr__, __dir__ = lazy_names(__name__, {"SessionStore": "store", "keys": "keys"}, globals())

A name mapped to itself is that submodule (``records.keys``); any other name is looked up in
the submodule it maps to. A name looked up once is kept in the package, so later uses are
plain attribute reads. An unknown name raises AttributeError, which lets
``from package import submodule`` import a submodule that is not listed.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable


def lazy_names(package: str, where: dict[str, str], namespace: dict) -> tuple[Callable, Callable]:
    """The package's ``__getattr__`` and ``__dir__`` for the names in ``where`` (name -> submodule)."""
    def __getattr__(name: str):  # noqa: N807 - the module hook's name
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        loaded = importlib.import_module(f"{package}.{module}")
        value = loaded if module == name else getattr(loaded, name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:  # noqa: N807 - the module hook's name
        return sorted(set(namespace) | set(where))

    return __getattr__, __dir__
