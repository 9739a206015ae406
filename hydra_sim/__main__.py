"""``python -m hydra_sim``: the same as the ``hydra-sim`` command."""

from .cli import main

raise SystemExit(main())
