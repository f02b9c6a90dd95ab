"""Release a data version: set it in ``datapackage.json`` and ``CITATION.cff`` and open a
``CHANGELOG.md`` entry that lists what changed since the previous release.

What changed is found without git: at every release the number of rows of each table is
recorded in ``datapackage.json`` (``gba:rowCounts``, with the version in ``gba:rowCountsVersion``),
and the next release compares the tables with that record.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .atomic import write_text
from .csvfile import read_file_bytes
from .paths import CITATION_FILE, REPO_DIR, _in_checkout
from .paths import data_dir as _data_dir
from .problems import Problem
from .schema import PACKAGE_FILE, SchemaError, released_text
from .validation import check_dataset

CHANGELOG_FILE = "CHANGELOG.md"
VERSION = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$")


class VersionError(ValueError):
    """A version that is not of the form MAJOR.MINOR.PATCH."""


def parse_version(text: str) -> tuple[int, int, int]:
    """``"1.2.3"`` → ``(1, 2, 3)``; raise :class:`VersionError` for anything else."""
    m = VERSION.match(text)
    if not m:
        raise VersionError(f"version {text!r} is not of the form MAJOR.MINOR.PATCH (like 0.3.0)")
    return int(m[1]), int(m[2]), int(m[3])


@dataclass
class Released:
    """What :func:`release` did: problems (nothing written when there are any), the files written,
    and the row counts before (the last release's record) and now."""

    problems: list[Problem]
    written: list[Path] = field(default_factory=list)
    before: dict[str, int] = field(default_factory=dict)
    after: dict[str, int] = field(default_factory=dict)


def citation_for(d: Path) -> Path | None:
    """The ``CITATION.cff`` that goes with data directory ``d``: the repository's for the
    repository's own ``data/``, else one inside ``d`` when there is one; None otherwise."""
    if _in_checkout() and d.resolve() == (REPO_DIR / "data").resolve():
        return REPO_DIR / CITATION_FILE
    own = d / CITATION_FILE
    return own if own.is_file() else None


def changes(before: dict[str, int], after: dict[str, int]) -> list[str]:
    """One Markdown list line per table whose row count changed (new and removed tables too)."""
    out = []
    for name in list(after) + [n for n in before if n not in after]:
        old, new = before.get(name), after.get(name)
        if old == new:
            continue
        if old is None:
            out.append(f"- `{name}`: new table, {new} rows")
        elif new is None:
            out.append(f"- `{name}`: table removed (had {old} rows)")
        else:
            out.append(f"- `{name}`: {old} → {new} rows ({new - old:+d})")
    return out


def _entry(version: str, day: date, previous: str, recorded: str | None, lines: list[str]) -> str:
    head = f"## {version} — {day.isoformat()}\n\n"
    if recorded is None:
        body = f"### Tables\n\n- No row counts were recorded at {previous}: describe the changes by hand.\n"
    elif lines:
        body = f"### Rows added or removed since {recorded}\n\n" + "\n".join(lines) + "\n"
    else:
        body = f"### Tables\n\n- No table gained or lost rows since {recorded}.\n"
    return head + body + "\n- Describe what changed and why: new sources, cases, corrections.\n\n"


_write = write_text


def release(version: str, data_dir: str | os.PathLike[str] | None = None, today: date | None = None) -> Released:
    """Set the data version to ``version`` and record it.

    ``today`` is the release date (default: today). Refuses (returns problems, writes nothing)
    when the data has problems or ``version`` is not
    greater than the current one; raises :class:`VersionError` for a malformed version. Writes
    ``datapackage.json`` (version and row counts), ``CHANGELOG.md`` (a new entry at the top) and
    the ``CITATION.cff`` of :func:`citation_for` (version and date)."""
    new = parse_version(version)
    day = today or date.today()
    d = _data_dir(data_dir)
    checked = check_dataset(d)
    if checked.problems or checked.package is None:
        return Released(list(checked.problems))
    package = checked.package
    current = package.version or "0.0.0"
    try:
        old = parse_version(current)
    except VersionError:
        old = (0, 0, 0)
    if new <= old:
        msg = f"{version} is not greater than the current version {current}"
        return Released([Problem(PACKAGE_FILE, 0, "version", msg, "version-order")])
    after = {name: len(t) for name, t in checked.tables.items()}
    recorded = package.row_counts
    before, rec_version = recorded if recorded is not None else ({}, None)
    written = []
    log = d / CHANGELOG_FILE
    if log.is_file():
        text = read_file_bytes(log).decode("utf-8")
        entry = _entry(version, day, current, rec_version, changes(before, after))
        at = text.find("\n## ")
        text = text + "\n" + entry if at < 0 else text[: at + 1] + entry + text[at + 1 :]
        _write(log, text)
        written.append(log)
    cff = citation_for(d)
    if cff is not None:
        text = read_file_bytes(cff).decode("utf-8")
        text = re.sub(r"(?m)^version: .*$", f"version: {version}", text, count=1)
        text = re.sub(r"(?m)^date-released: .*$", f"date-released: {day.isoformat()}", text, count=1)
        _write(cff, text)
        written.append(cff)
    _write(d / PACKAGE_FILE, released_text(package, version, after))
    written.insert(0, d / PACKAGE_FILE)
    return Released([], written, before, after)


def record_counts(data_dir: str | os.PathLike[str] | None = None) -> dict[str, int]:
    """Record the current row counts as those of the current version (for data released before
    counts were recorded); return them."""
    d = _data_dir(data_dir)
    checked = check_dataset(d)
    if checked.problems or checked.package is None:
        raise SchemaError(list(checked.problems))
    counts = {name: len(t) for name, t in checked.tables.items()}
    _write(d / PACKAGE_FILE, released_text(checked.package, checked.package.version, counts))
    return counts
