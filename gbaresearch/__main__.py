"""``python -m gbaresearch``: the command line (:mod:`gbaresearch.cli`)."""

from .cli import main

raise SystemExit(main())
