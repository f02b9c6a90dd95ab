"""Open, read and write files beneath a directory without ever leaving it.

Every file the package reads or writes under the data directory goes through :func:`read_beneath`
or :func:`write_beneath`. The directory is opened once; each component of the relative path is
then looked up with ``lstat`` and opened relative to its folder's descriptor with ``O_NOFOLLOW``,
so a symbolic link is never followed by the operating system. A link is followed only by this
module, and only while its target stays beneath the directory (a link from ``places.csv`` to
``copy/places.csv`` is fine, one to ``/etc/passwd`` or ``../outside`` is refused); more than
:data:`MAX_LINKS` links on one path are a loop. The file finally opened is checked with ``fstat``
on the open descriptor, and its bytes are the ones returned: what is checked is what is used.

FIFOs, sockets, devices and directories are refused from ``lstat`` without being opened; a file
swapped in between the look-up and the open is refused too (``O_NOFOLLOW`` fails on a link,
``O_NONBLOCK`` keeps a FIFO from blocking, ``fstat`` sees anything that is not a regular file).
"""

from __future__ import annotations

import errno
import os
import re
import secrets
import stat
from collections import deque
from pathlib import Path, PurePosixPath

MAX_LINKS = 40  # as Linux's own limit on symbolic links in one path
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
SIZE_ENV = "GBARESEARCH_MAX_FILE_BYTES"


class Refused(Exception):
    """A file that is not read or written: ``code`` (a problem code) and ``reason`` say why."""

    def __init__(self, code: str, reason: str):
        super().__init__(reason)
        self.code = code
        self.reason = reason


OUTSIDE = "the path resolves outside the data directory (through a symbolic link); the file is not opened"
LOOP = f"the path is a loop of symbolic links (more than {MAX_LINKS}); the file is not opened"


def file_kind(mode: int) -> str:
    """A reader's word for a non-regular file's type."""
    for test, word in (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a named pipe (FIFO)"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
    ):
        if test(mode):
            return word
    return "not a regular file"


def _unreadable(exc: OSError) -> Refused:
    if exc.errno == errno.ELOOP:
        return Refused("file-unreadable", "the file changed into a symbolic link while it was opened: it is not read")
    return Refused("file-unreadable", f"file cannot be read ({exc.strerror})")


def open_root(directory: str | os.PathLike[str]) -> int:
    """A descriptor of ``directory`` itself (chosen by whoever runs the command, so links in it
    are followed). Raise :class:`Refused` when it is not an openable directory."""
    try:
        return os.open(os.fspath(directory), os.O_RDONLY | _DIRECTORY | _CLOEXEC)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise Refused("path-loop", f"the data directory is a loop of symbolic links: {exc.strerror}") from None
        raise Refused("data-dir-missing", f"data directory cannot be opened ({exc.strerror})") from None


def _real_path(fd: int) -> str | None:
    """The resolved path of an open directory, None where /proc cannot say."""
    return os.path.realpath(f"/proc/self/fd/{fd}") if os.path.isdir("/proc/self/fd") else None


def _walk(root_fd: int, rel: str) -> tuple[int, str, os.stat_result]:
    """Resolve ``rel`` beneath ``root_fd``: return a descriptor of the folder that holds the last
    component (the caller closes it), that component's name, and its ``lstat`` (never a link).
    Raise :class:`Refused` when the path leaves the directory, loops or does not exist."""
    parts: deque[str] = deque(rel.split("/"))
    stack = [os.dup(root_fd)]
    links = 0
    try:
        while parts:
            name = parts.popleft()
            if name in ("", "."):
                continue
            if name == "..":
                if len(stack) == 1:
                    raise Refused("path-outside", OUTSIDE)
                os.close(stack.pop())
                continue
            try:
                st = os.stat(name, dir_fd=stack[-1], follow_symlinks=False)
            except FileNotFoundError:
                raise Refused("file-missing", "file is missing (datapackage.json lists it)") from None
            except OSError as exc:
                raise _unreadable(exc) from None
            if stat.S_ISLNK(st.st_mode):
                links += 1
                if links > MAX_LINKS:
                    raise Refused("path-loop", LOOP)
                try:
                    target = os.readlink(name, dir_fd=stack[-1])
                except OSError as exc:  # replaced by something else since the look-up
                    raise _unreadable(exc) from None
                if target.startswith("/"):
                    root_real = _real_path(root_fd)
                    real = os.path.realpath(target)
                    if root_real is None or (real != root_real and not real.startswith(root_real.rstrip("/") + "/")):
                        raise Refused("path-outside", OUTSIDE)
                    target = real[len(root_real) :]
                    while len(stack) > 1:
                        os.close(stack.pop())
                parts.extendleft(reversed(target.split("/")))
                continue
            if not parts or all(p in ("", ".") for p in parts):
                folder = stack.pop()
                return folder, name, st
            if not stat.S_ISDIR(st.st_mode):
                raise Refused("file-missing", "file is missing (a folder on its path is not a directory)")
            try:
                stack.append(os.open(name, os.O_RDONLY | _DIRECTORY | _NOFOLLOW | _CLOEXEC, dir_fd=stack[-1]))
            except OSError as exc:
                raise _unreadable(exc) from None
        raise Refused("path-invalid", "the path names the data directory itself, not a file")
    finally:
        for fd in stack:
            os.close(fd)


def _open_folder(root_fd: int, rel: str) -> int:
    """A descriptor of the folder ``rel`` beneath ``root_fd`` (the root itself when empty)."""
    if not rel:
        return os.dup(root_fd)
    folder, name, st = _walk(root_fd, rel)
    try:
        if not stat.S_ISDIR(st.st_mode):
            raise Refused("file-missing", "file is missing (a folder on its path is not a directory)")
        try:
            return os.open(name, os.O_RDONLY | _DIRECTORY | _NOFOLLOW | _CLOEXEC, dir_fd=folder)
        except OSError as exc:
            raise _unreadable(exc) from None
    finally:
        os.close(folder)


def _too_large(size: int, limit: int) -> Refused:
    return Refused(
        "file-too-large", f"file is {size} bytes, more than the limit of {limit} (set {SIZE_ENV} to raise it)"
    )


def read_beneath(root: str | os.PathLike[str] | int, rel: str, limit: int) -> bytes:
    """The bytes of the regular file ``rel`` beneath the directory ``root`` (a path or an open
    descriptor), refused (:class:`Refused`) when the path leaves the directory, loops, is
    missing, is not a regular file, or is larger than ``limit`` bytes."""
    root_fd = root if isinstance(root, int) else open_root(root)
    try:
        folder, name, st = _walk(root_fd, rel)
    finally:
        if not isinstance(root, int):
            os.close(root_fd)
    try:
        if not stat.S_ISREG(st.st_mode):
            raise Refused("not-regular-file", f"is {file_kind(st.st_mode)}, not a regular file: it is not read")
        if st.st_size > limit:
            raise _too_large(st.st_size, limit)
        try:
            fd = os.open(name, os.O_RDONLY | _NOFOLLOW | _NONBLOCK | _CLOEXEC, dir_fd=folder)
        except OSError as exc:
            raise _unreadable(exc) from None
    finally:
        os.close(folder)
    try:
        st2 = os.fstat(fd)
        if not stat.S_ISREG(st2.st_mode) or (st2.st_ino, st2.st_dev) != (st.st_ino, st.st_dev):
            raise Refused("not-regular-file", "the file changed while it was opened: it is not read")
        if st2.st_size > limit:
            raise _too_large(st2.st_size, limit)
        chunks = []
        total = 0
        while True:
            chunk = os.read(fd, min(1 << 24, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise Refused("file-too-large", f"file grew beyond the limit of {limit} bytes while it was read")
        return b"".join(chunks)
    except OSError as exc:
        raise _unreadable(exc) from None
    finally:
        os.close(fd)


def read_file(path: str | os.PathLike[str], limit: int) -> bytes:
    """:func:`read_beneath` for ``path`` inside its own folder: a link is followed only to a
    place beneath that folder."""
    p = Path(path)
    if p.name in ("", ".", ".."):
        raise Refused("path-invalid", "the path names a directory, not a file")
    return read_beneath(p.parent, p.name, limit)


def write_beneath(root: str | os.PathLike[str], rel: str, data: bytes, append: bool = False) -> None:
    """Write ``data`` to the file ``rel`` beneath ``root`` without following a link out of it:
    replace the file atomically (a new file renamed over the old entry, so a link there is
    replaced, not written through), or with ``append`` add to the existing regular file."""
    root_fd = open_root(root)
    st: os.stat_result | None
    try:
        try:
            folder, name, st = _walk(root_fd, rel)
        except Refused as exc:
            if exc.code != "file-missing" or append:
                raise
            parent, _, name = rel.strip("/").rpartition("/")
            folder, st = _open_folder(root_fd, parent), None
    finally:
        os.close(root_fd)
    try:
        if st is not None and not stat.S_ISREG(st.st_mode):
            raise Refused("not-regular-file", f"is {file_kind(st.st_mode)}, not a regular file: it is not written")
        if append:
            fd = os.open(name, os.O_WRONLY | os.O_APPEND | _NOFOLLOW | _NONBLOCK | _CLOEXEC, dir_fd=folder)
            try:
                st2 = os.fstat(fd)
                if st is None or not stat.S_ISREG(st2.st_mode) or (st2.st_ino, st2.st_dev) != (st.st_ino, st.st_dev):
                    raise Refused("not-regular-file", "the file changed while it was opened: it is not written")
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view) :]
            finally:
                os.close(fd)
            return
        tmp = f".{name}.{secrets.token_hex(6)}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC, 0o644, dir_fd=folder)
        try:
            os.fchmod(fd, 0o644)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.close(fd)
            fd = -1
            os.rename(tmp, name, src_dir_fd=folder, dst_dir_fd=folder)
        except BaseException:
            if fd >= 0:
                os.close(fd)
            try:
                os.unlink(tmp, dir_fd=folder)
            except OSError:
                pass
            raise
    except OSError as exc:
        raise Refused("file-unreadable", f"file cannot be written ({exc.strerror})") from None
    finally:
        os.close(folder)


def path_problem(path: object) -> tuple[str, str] | None:
    """Why a descriptor's resource ``path`` is refused, as ``(code, reason)``; None when it is a
    plain relative file name. Looks only at the text, never at the file system."""
    if not isinstance(path, str) or not path:
        return "path-invalid", "path must be a non-empty string (a relative file name)"
    if "\x00" in path or "\\" in path or re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", path):
        return "path-invalid", "path must be a relative file name (no URL, drive letter, backslash or NUL)"
    if path.startswith(("/", "~")):
        return "path-outside", "path must be relative to the data directory, not absolute"
    if ".." in path.split("/"):
        return "path-outside", "path must not contain '..'"
    if path.endswith("/") or not PurePosixPath(path).parts or PurePosixPath(path).name in (".", ""):
        return "path-invalid", "path must name a file, not a folder (no trailing '/', not '.')"
    return None


def write_tree(root: str | os.PathLike[str], files: dict[str, bytes]) -> None:
    """Write ``files`` (relative POSIX path → bytes) beneath the existing directory ``root``,
    creating folders as needed, never through a symbolic link (a snapshot laid out as files)."""
    base = Path(root)
    for rel, data in files.items():
        parts = [p for p in rel.split("/") if p not in ("", ".")]
        if path_problem(rel) is not None:
            raise Refused("path-invalid", f"not a relative file name: {rel!r}")
        for i in range(1, len(parts)):
            folder = base.joinpath(*parts[:i])
            if folder.is_symlink():
                raise Refused("path-outside", OUTSIDE)
            folder.mkdir(exist_ok=True)
        write_beneath(base, "/".join(parts), data)
