"""Files replaced in one step: written to a temporary name in the target's folder, then renamed
over the target, so an interrupted run leaves the old file or the new one, never a part."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path


def write_bytes(dest: Path, data: bytes) -> None:
    """Write ``data`` to ``dest`` (mode 0644, folders made as needed) in one step. Returns nothing."""
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text(dest: Path, text: str) -> None:
    """Write ``text`` as UTF-8 to ``dest`` in one step (:func:`write_bytes`). Returns nothing."""
    write_bytes(dest, text.encode("utf-8"))


def copy(src: Path, dest: Path) -> None:
    """Copy ``src`` to ``dest`` (mode 0644) in one step. Returns nothing."""
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
    os.close(fd)
    try:
        shutil.copyfile(src, tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
