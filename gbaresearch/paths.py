"""Where the data lives.

The data directory is ``$GBARESEARCH_DATA`` when that variable is set, otherwise the ``data/``
folder of the repository this package was installed from. Nothing depends on the current
working directory.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent
ENV_VAR = "GBARESEARCH_DATA"


def data_dir(path: str | os.PathLike | None = None) -> Path:
    """Return the data directory: ``path`` if given, else ``$GBARESEARCH_DATA``, else ``<repo>/data``."""
    if path is not None:
        return Path(path).expanduser().resolve()
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser().resolve()
    return REPO_DIR / "data"


def notebooks_dir() -> Path:
    """Return the repository's ``notebooks/`` folder."""
    return REPO_DIR / "notebooks"
