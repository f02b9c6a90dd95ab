"""The report's execution cache: an executed notebook is reused while nothing that determines
its outputs has changed, as Jupyter Book's execution cache does.

A notebook's key is a SHA-256 over its own bytes, the data's content (every file of the data
directory), the lock file (``requirements.txt`` in a checkout, else the installed distributions
and their versions), the package's own code and style files, and the Python version. The site's
key combines every notebook's key with the output directory: when it equals the last build's
and that build's files are all still there, :func:`gbaresearch.publish.report.build` has nothing to do.

The cache lives in ``build/notebook-cache`` in a checkout (outside ``data/``), else in the
system's temporary directory; deleting it only costs time.
"""

from __future__ import annotations

import hashlib
import shutil
import sys
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from ..dataset.paths import PACKAGE_DIR, REPO_DIR, _in_checkout

CODE_SUFFIXES = {".py", ".mplstyle", ".css", ".js"}


def _digest(parts: Iterable[bytes]) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(len(part).to_bytes(8, "big"))
        h.update(part)
    return h.hexdigest()


def files_hash(files: Iterable[Path], root: Path) -> str:
    """SHA-256 over the relative names and bytes of ``files`` (in sorted order)."""
    parts: list[bytes] = []
    for path in sorted(files):
        parts += [path.relative_to(root).as_posix().encode(), path.read_bytes()]
    return _digest(parts)


def data_hash(data_dir: Path) -> str:
    """Content hash of the data directory: every file in it, names and bytes."""
    d = Path(data_dir)
    return files_hash((p for p in d.iterdir() if p.is_file()), d)


@lru_cache(maxsize=1)
def code_hash() -> str:
    """Content hash of the package's code and style files."""
    return files_hash((p for p in PACKAGE_DIR.rglob("*") if p.suffix in CODE_SUFFIXES and p.is_file()), PACKAGE_DIR)


@lru_cache(maxsize=1)
def lock_hash() -> str:
    """Hash of the pinned environment: ``requirements.txt`` in a checkout, else the name and
    version of every installed distribution; with the Python version."""
    lock = REPO_DIR / "requirements.txt"
    if _in_checkout() and lock.is_file():
        text = lock.read_bytes()
    else:
        from importlib.metadata import distributions

        text = "\n".join(sorted(f"{d.metadata['Name']}=={d.version}" for d in distributions())).encode()
    return _digest([text, sys.version.encode()])


def notebook_key(path: Path, data: str) -> str:
    """The cache key of the notebook at ``path`` run on data whose :func:`data_hash` is ``data``."""
    return _digest([Path(path).read_bytes(), data.encode(), lock_hash().encode(), code_hash().encode()])


def default_dir() -> Path:
    """``build/notebook-cache`` in a checkout, else a folder in the system's temporary directory."""
    if _in_checkout():
        return REPO_DIR / "build" / "notebook-cache"
    import tempfile

    return Path(tempfile.gettempdir()) / "gbaresearch-notebook-cache"


class NotebookCache:
    """Executed notebooks stored by key in ``directory`` (one entry per notebook name)."""

    def __init__(self, directory: Path | None = None):
        self.directory = Path(directory) if directory is not None else default_dir()

    def _entry(self, name: str, key: str) -> Path:
        return self.directory / f"{Path(name).stem}-{key[:32]}.ipynb"

    def get(self, name: str, key: str) -> Path | None:
        """The cached executed notebook for ``name`` under ``key``, or None."""
        p = self._entry(name, key)
        return p if p.is_file() else None

    def put(self, name: str, key: str, executed: Path) -> None:
        """Store ``executed`` as ``name``'s entry under ``key``, replacing older entries of ``name``."""
        self.directory.mkdir(parents=True, exist_ok=True)
        target = self._entry(name, key)
        for old in self.directory.glob(f"{Path(name).stem}-*.ipynb"):
            if old != target:
                old.unlink(missing_ok=True)
        tmp = target.with_suffix(".tmp")
        shutil.copyfile(executed, tmp)
        tmp.replace(target)

    def _site_file(self, out_dir: Path) -> Path:
        return self.directory / f"site-{hashlib.sha256(str(Path(out_dir).resolve()).encode()).hexdigest()[:16]}.key"

    def site_key(self, out_dir: Path) -> str | None:
        """The key recorded by the last complete build into ``out_dir``, or None."""
        p = self._site_file(out_dir)
        return p.read_text(encoding="utf-8").strip() if p.is_file() else None

    def record_site(self, out_dir: Path, key: str) -> None:
        """Record ``key`` as that of the build just installed into ``out_dir``."""
        self.directory.mkdir(parents=True, exist_ok=True)
        self._site_file(out_dir).write_text(key + "\n", encoding="utf-8")

    def forget_site(self, out_dir: Path) -> None:
        """Forget the key of ``out_dir`` (before a build that may fail half-way)."""
        self._site_file(out_dir).unlink(missing_ok=True)


def site_key(notebook_keys: Iterable[str], data: str) -> str:
    """The key of a whole site: every notebook's key, the data, the code and the lock file."""
    return _digest([k.encode() for k in notebook_keys] + [data.encode(), code_hash().encode(), lock_hash().encode()])
