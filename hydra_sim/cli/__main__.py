"""``python -m hydra_sim.cli``: the same as ``hydra-sim``."""

from . import main

raise SystemExit(main())
