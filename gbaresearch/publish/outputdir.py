"""Output directories that are never destroyed (used by ``report`` and ``export``).

A command that writes into an output directory (``report``, ``export``) keeps a manifest there
(``.gbaresearch-manifest``) listing every file it wrote. On the next run it may replace or remove
only those files. It refuses, before writing anything:

- an output path that exists and is not a directory;
- a non-empty directory without a manifest (a folder the user keeps other things in);
- a file it would write that exists but is not in the manifest (someone else's file).

Files the manifest does not list are left untouched. Every file is written atomically: copied
to a temporary name in the same folder, then renamed over the target, so an interrupted run
leaves either the old file or the new one, never a truncated page.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Mapping
from pathlib import Path

from ..dataset.atomic import write_bytes as atomic_write_bytes
from ..dataset.confined import path_problem

MANIFEST = ".gbaresearch-manifest"
# Folders other tools put beside a build and that never count as "other files": older browser
# tests saved their screenshots in ``build/report/screenshots/`` (now ``build/screenshots/``).
# They are never written or removed here.
KEEP = frozenset({"screenshots"})


class OutputDirError(Exception):
    """The output directory cannot be used without destroying files this tool did not write."""


def _clean(text: str) -> str:
    return "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in text)


def read_manifest(out_dir: Path) -> set[str]:
    """The relative paths (POSIX form) listed in ``out_dir``'s manifest; empty when there is none."""
    path = Path(out_dir) / MANIFEST
    if not path.is_file():
        return set()
    lines = path.read_text(encoding="utf-8").splitlines()
    return {ln for ln in lines if ln and not ln.startswith("#") and _is_relative(ln)}


def _is_relative(rel: str) -> bool:
    """True for a relative file name inside the folder (:func:`~gbaresearch.dataset.confined.path_problem`)
    other than the manifest."""
    return path_problem(rel) is None and rel != MANIFEST


def check(out_dir: Path, new_files: Iterable[str] = (), allow_other_files: bool = False) -> set[str]:
    """Check that ``out_dir`` may receive ``new_files`` (relative POSIX paths); return the files
    the previous run wrote. Raise :class:`OutputDirError` (one line) when it may not.

    With ``allow_other_files`` a non-empty directory is accepted: files not written by this
    command are left untouched (and still never overwritten)."""
    out_dir = Path(out_dir)
    if out_dir.is_symlink() or (out_dir.exists() and not out_dir.is_dir()):
        raise OutputDirError(f"output path is not a directory: {_clean(str(out_dir))}")
    if not out_dir.exists():
        return set()
    previous = read_manifest(out_dir)
    if not previous and not allow_other_files:
        others = sorted(p.name for p in out_dir.iterdir() if not (p.name in KEEP and p.is_dir()))
        if others:
            shown = ", ".join(_clean(n) for n in others[:3]) + (", …" if len(others) > 3 else "")
            raise OutputDirError(
                f"refusing to write into {_clean(str(out_dir))}: it holds files this command did not write "
                f"({shown}); choose an empty or new directory"
            )
        return set()
    for rel in new_files:
        target = out_dir / rel
        if rel not in previous and (target.exists() or target.is_symlink()):
            raise OutputDirError(f"refusing to overwrite {_clean(str(target))}: it was not written by this command")
    return previous


def files_under(root: Path) -> dict[str, Path]:
    """Every regular file under ``root`` by relative POSIX path (symlinks are skipped)."""
    out = {}
    for dirpath, _dirs, names in os.walk(root):
        for name in names:
            p = Path(dirpath) / name
            if p.is_file() and not p.is_symlink():
                out[p.relative_to(root).as_posix()] = p
    return out


def _linked_folder(out_dir: Path, rel: str) -> str | None:
    """The first folder on ``rel``'s way below ``out_dir`` that is a symbolic link or not a
    folder (written through, it would put files elsewhere), or None."""
    parts = rel.split("/")[:-1]
    for i in range(len(parts)):
        folder = out_dir.joinpath(*parts[: i + 1])
        try:
            st = os.lstat(folder)
        except FileNotFoundError:
            return None
        if not stat.S_ISDIR(st.st_mode):
            return "/".join(parts[: i + 1])
    return None


def install(files: Mapping[str, Path], out_dir: Path, allow_other_files: bool = False) -> list[Path]:
    """Place ``files`` (relative path -> staged file) into ``out_dir`` atomically, remove files
    the previous run wrote that this run does not, and record the new manifest. Return the
    installed paths in order. Raises :class:`OutputDirError` before writing when refused.

    Like the reader, the writer never follows a symbolic link: a folder below ``out_dir`` that
    is a link (``places/`` replaced by a link elsewhere) is refused before anything is written,
    and each file is written beneath ``out_dir`` by :func:`gbaresearch.dataset.confined.write_beneath`."""
    from ..dataset.confined import Refused, write_beneath

    out_dir = Path(out_dir)
    for rel in files:
        if not _is_relative(rel) or rel.split("/", 1)[0] in KEEP:
            raise OutputDirError(f"refusing to write outside the output directory: {_clean(rel)}")
    previous = check(out_dir, files, allow_other_files)
    for rel in sorted(set(files) | previous):
        bad = _linked_folder(out_dir, rel)
        if bad is not None:
            raise OutputDirError(
                f"refusing to write into {_clean(str(out_dir / bad))}: it is a symbolic link or not a folder"
            )
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for rel, src in files.items():
        dest = out_dir / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        try:
            write_beneath(out_dir, rel, Path(src).read_bytes())
        except Refused as exc:
            raise OutputDirError(f"refusing to write {_clean(str(dest))}: {exc.reason}") from None
        written.append(dest)
    for rel in sorted(previous - set(files)):
        old = out_dir / rel
        if old.is_file() and not old.is_symlink():
            old.unlink()
            _prune(old.parent, out_dir)
    manifest = "# files written by gbaresearch; only these are replaced or removed on the next run\n"
    atomic_write_bytes(out_dir / MANIFEST, (manifest + "\n".join(sorted(files)) + "\n").encode("utf-8"))
    return written


def _prune(folder: Path, root: Path) -> None:
    """Remove ``folder`` and its parents up to ``root`` while they are empty."""
    while folder != root and root in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
