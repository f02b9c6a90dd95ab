"""The boundary of what validation reads: which paths, which files, how large, which patterns.

A contributor's pull request is untrusted input, so validating it must be safe:

- **Paths stay inside the data directory.** A resource ``path`` must be a non-empty, relative,
  POSIX-style file name (Data Package rules: no leading ``/``, no ``..`` segment, no URL, no
  backslash, not ``.`` or a name ending in ``/``), and the file it names is opened by
  :mod:`gbaresearch.dataset.confined`, which never follows a symbolic link out of the data directory.
  Anything else is refused before the file is opened.
- **Only regular files of sane size.** FIFOs, sockets, devices and directories are refused from
  ``lstat`` alone, without opening them; the file is then opened with ``O_NOFOLLOW`` and
  ``O_NONBLOCK`` and checked again with ``fstat`` (same file, still regular). A file larger than
  :func:`max_file_bytes` (default 256 MiB, environment variable ``GBARESEARCH_MAX_FILE_BYTES``)
  is refused before it is read; ``datapackage.json`` has its own limit of 16 MiB.
- **Patterns cannot hang.** Values are matched by RE2 (``google-re2``), whose time is linear
  in the value's length for every pattern it accepts. As a first line, and because other tools
  (``frictionless``) match the same patterns with Python's backtracking ``re``, a schema pattern
  is also refused when it could take more than polynomial time there: a repeated group (``*``, ``+``, ``{m,n}`` with n > 1)
  that itself contains a repetition or an alternation (``(a+)+``, ``(a|ab)*``), a
  backreference, more than two long repetitions (``+``, ``*`` or a count above 100), or more
  than six places to choose (optional or variable repetitions and alternatives: ``a?`` 34
  times, ``(?:a.|.a)`` 34 times, ``[a-z]{0,100}`` 8 times). Values
  longer than :data:`MAX_PATTERN_VALUE` characters are not matched at all (they fail the
  pattern), which bounds the remaining quadratic cases. Patterns are compiled with
  ``re.ASCII``, so ``\\d``, ``\\w`` and ``\\s`` mean ASCII digits, letters and spaces only.
"""

from __future__ import annotations

import functools
import importlib
import os
import re
from pathlib import Path
from typing import Any

from .confined import Refused, file_kind, path_problem, read_file

__all__ = ["Refused", "file_kind", "read_bounded", "path_problem", "compile_pattern", "max_file_bytes"]

DEFAULT_MAX_FILE_BYTES = 256 * 1024 * 1024
MAX_PACKAGE_BYTES = 16 * 1024 * 1024
MAX_FILE_ENV = "GBARESEARCH_MAX_FILE_BYTES"
MAX_PATTERN_VALUE = 1000
MAX_LONG_REPEATS = 2
MAX_CHOICES = 6  # optional or variable repetitions plus alternatives, in the whole pattern
_LONG = 100


def _stdlib_parser() -> tuple[Any, Any]:
    """The standard library's private regular expression parser and its constants
    (``re._parser`` from Python 3.11, ``sre_parse`` before), or ``(None, None)`` when neither
    exists: the syntactic refusals are then skipped and the linear-time matcher alone bounds
    the work."""
    for parser, constants in (("re._parser", "re._constants"), ("sre_parse", "sre_constants")):
        try:
            return importlib.import_module(constants), importlib.import_module(parser)
        except ImportError:
            continue
    return None, None


_sre_c, _sre_parse = _stdlib_parser()


def max_file_bytes() -> int:
    """The size limit for one CSV file: ``$GBARESEARCH_MAX_FILE_BYTES`` when it is a positive
    whole number, else 256 MiB."""
    raw = os.environ.get(MAX_FILE_ENV, "")
    try:
        n = int(raw)
    except ValueError:
        return DEFAULT_MAX_FILE_BYTES
    return n if n > 0 else DEFAULT_MAX_FILE_BYTES


def read_bounded(path: Path, limit: int) -> bytes:
    """The bytes of the regular file ``path``, refused (:class:`Refused`) when it is missing, not
    a regular file, larger than ``limit`` bytes, or reached through a symbolic link that leaves
    its folder (see :mod:`gbaresearch.dataset.confined`). A FIFO or device is never opened."""
    return read_file(path, limit)


def _choices(tree: Any) -> int:
    """How many places a backtracking matcher may choose at: each repetition whose count varies
    (``?``, ``*``, ``+``, ``{m,n}``) and each extra branch of an alternation. Many of them in a
    row (``a?`` 34 times, ``(?:a.|.a)`` 34 times, ``[a-z]{0,100}`` 8 times) multiply."""
    n = 0
    for op, av in tree:
        if op in (_sre_c.MAX_REPEAT, _sre_c.MIN_REPEAT, getattr(_sre_c, "POSSESSIVE_REPEAT", None)):
            lo, hi, body = av
            n += (lo != hi) + _choices(body)
        elif op == _sre_c.BRANCH:
            n += len(av[1]) - 1 + sum(_choices(b) for b in av[1])
        elif op == _sre_c.SUBPATTERN:
            n += _choices(av[-1])
        elif op in (_sre_c.ASSERT, _sre_c.ASSERT_NOT):
            n += _choices(av[1])
        elif op == getattr(_sre_c, "ATOMIC_GROUP", None):
            n += _choices(av)
    return n


def _repeats(tree: Any, inside_repeat: bool, found: list[str]) -> int:
    """Walk a parsed pattern; append what makes it unsafe to ``found``; return the number of long repeats."""
    long_repeats = 0
    for op, av in tree:
        if op in (_sre_c.MAX_REPEAT, _sre_c.MIN_REPEAT, getattr(_sre_c, "POSSESSIVE_REPEAT", None)):
            lo, hi, body = av
            many = hi > 1
            if many and inside_repeat:
                found.append("a repetition inside a repeated group (like (a+)+)")
            if hi == _sre_c.MAXREPEAT or hi > _LONG:
                long_repeats += 1
            long_repeats += _repeats(body, inside_repeat or many, found)
        elif op == _sre_c.BRANCH:
            if inside_repeat:
                found.append("an alternation inside a repeated group (like (a|ab)*): use a character class")
            for branch in av[1]:
                long_repeats += _repeats(branch, inside_repeat, found)
        elif op == _sre_c.SUBPATTERN:
            long_repeats += _repeats(av[-1], inside_repeat, found)
        elif op in (_sre_c.ASSERT, _sre_c.ASSERT_NOT):
            long_repeats += _repeats(av[1], inside_repeat, found)
        elif op in (_sre_c.GROUPREF, getattr(_sre_c, "GROUPREF_EXISTS", None)):
            found.append("a backreference")
        elif op == getattr(_sre_c, "ATOMIC_GROUP", None):
            long_repeats += _repeats(av, inside_repeat, found)
    return long_repeats


def compile_pattern(pattern: str) -> Any:
    """Compile a schema pattern; raise ValueError saying why it is refused.

    The pattern must be valid for Python's ``re`` (with ``re.ASCII``) and pass the syntactic
    refusals above; it is then compiled for RE2 (``google-re2``), which matches in time linear
    in the value's length whatever the pattern, and that compiled pattern is returned (it has
    ``fullmatch`` and ``search`` like :class:`re.Pattern`). RE2's ``\\d``, ``\\w`` and ``\\s``
    are ASCII only, as with ``re.ASCII``."""
    try:
        re.compile(pattern, re.ASCII)
        tree = _sre_parse.parse(pattern, re.ASCII) if _sre_parse is not None else None
    except (re.error, RecursionError, OverflowError) as exc:
        raise ValueError(f"is not a valid regular expression ({exc})") from None
    found: list[str] = []
    if tree is not None:
        long_repeats = _repeats(tree, False, found)
        if long_repeats > MAX_LONG_REPEATS:
            found.append(f"{long_repeats} long or unbounded repetitions (at most {MAX_LONG_REPEATS})")
        choices = _choices(tree)
        if choices > MAX_CHOICES:
            found.append(f"{choices} optional or variable repetitions and alternatives (at most {MAX_CHOICES})")
    if found:
        raise ValueError("could take very long to match: it has " + found[0])
    return linear_pattern(pattern)


@functools.lru_cache(maxsize=1024)
def linear_pattern(pattern: str) -> Any:
    """``pattern`` compiled by RE2 (linear-time matching); ValueError when RE2 cannot compile it
    (backreferences, lookarounds, a repetition count above 1000, a program too large). A pattern
    compiled once is kept by its text."""
    import re2

    options = re2.Options()
    options.log_errors = False
    options.max_mem = 8 << 20
    try:
        return re2.compile(pattern, options)
    except re2.error as exc:
        reason = exc.args[0].decode("utf-8", "replace") if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        raise ValueError(f"cannot be matched in linear time ({reason})") from None
