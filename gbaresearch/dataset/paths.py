"""Where the data lives.

The data directory is, in this order: the ``path`` given to a function, ``$GBARESEARCH_DATA``
when that variable is set, the repository's ``data/`` when the package runs from a checkout
(an editable install, so contributors edit one copy), and otherwise the copy of the dataset
installed inside the package (``gbaresearch/data``, read through :mod:`importlib.resources`).
Nothing depends on the current working directory.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent  # gbaresearch/, above this stage
REPO_DIR = PACKAGE_DIR.parent
ENV_VAR = "GBARESEARCH_DATA"
PACKAGE_FILE = "datapackage.json"
CITATION_FILE = "CITATION.cff"


def _in_checkout() -> bool:
    """True when this package runs from its repository (``pyproject.toml`` and ``data/`` beside it)."""
    return (REPO_DIR / "pyproject.toml").is_file() and (REPO_DIR / "data" / PACKAGE_FILE).is_file()


def _installed(name: str) -> Path:
    """Return the path of a file shipped inside the installed package (wheel or sdist build)."""
    return Path(str(resources.files("gbaresearch").joinpath(name)))


def data_dir(path: str | os.PathLike[str] | None = None) -> Path:
    """Return the data directory as an absolute path.

    ``path`` if given, else ``$GBARESEARCH_DATA``, else ``<repository>/data`` in a checkout,
    else the dataset installed with the package."""
    if path is not None:
        return _resolved(Path(path))
    env = os.environ.get(ENV_VAR)
    if env:
        return _resolved(Path(env))
    if _in_checkout():
        return REPO_DIR / "data"
    return _installed("data")


def _resolved(path: Path) -> Path:
    """``path`` made absolute with links resolved; a loop of links is left unresolved (it is
    then not a directory, and the commands say so)."""
    path = path.expanduser()
    try:
        return path.resolve()
    except (RuntimeError, OSError):
        return Path(os.path.abspath(path))


def citation_file() -> Path:
    """Return the path of ``CITATION.cff``: the repository's in a checkout, else the installed copy."""
    if _in_checkout():
        return REPO_DIR / CITATION_FILE
    return _installed(CITATION_FILE)


def notebooks_dir() -> Path:
    """Return the folder of the numbered notebooks: the repository's ``notebooks/`` in a
    checkout, else the copy installed with the package (``gbaresearch/notebooks``)."""
    if _in_checkout():
        return REPO_DIR / "notebooks"
    return _installed("notebooks")


def example_file(name: str) -> Path:
    """Return the path of an example file (such as the announcement ``batch4.yaml`` that
    CONTRIBUTING walks through): the repository's ``docs/examples/`` in a checkout, else the copy
    installed with the package (``gbaresearch/examples``)."""
    if _in_checkout():
        return REPO_DIR / "docs" / "examples" / name
    return _installed("examples") / name
