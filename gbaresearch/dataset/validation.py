"""Validate the whole dataset: the descriptor, every file against it, then the cross-table rules.

``check_dataset`` returns every problem at once together with the converted columns, which the
loaders turn into DataFrames; ``validate`` returns just the problems. The order is fixed:

1. ``datapackage.json`` is checked as a descriptor (:func:`gbaresearch.dataset.schema.load_package`);
   when it has problems, they are all reported and no CSV file is opened.
2. Each resource's file is read only when it resolves inside the data directory and is a
   regular file under the size limit (:mod:`gbaresearch.dataset.confined`, :mod:`gbaresearch.dataset.limits`),
   through one descriptor of the data directory; the bytes read are kept in
   :attr:`Checked.files` (the snapshot that exports, the site and the loaders use, so nothing is
   read twice), together with ``datapackage.json``, ``CODEBOOK.md``, ``CHANGELOG.md`` and any
   dialect file. Then its header, rows, cells
   (:mod:`gbaresearch.dataset.fieldcheck`), primary key and unique fields are checked.
3. Foreign keys and the cross-table rules (:mod:`gbaresearch.dataset.rules`) run on the tables that
   were read cleanly.
"""

from __future__ import annotations

import difflib
import os
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from .confined import Refused, open_root, read_beneath
from .csvfile import parse_raw
from .fieldcheck import check_column, suggest
from .limits import max_file_bytes
from .paths import data_dir as _data_dir
from .problems import Problem, escape, excerpt
from .rules import cross_table_rules
from .schema import PACKAGE_FILE, Package, Resource, load_package
from .table import Table

EXTRA_FILES = ("CODEBOOK.md", "CHANGELOG.md")  # read into the snapshot when present
MAX_HEADER_PROBLEMS = 20  # a header this wrong is not the right file: say so once, not per column
SUGGESTIONS_PER_COLUMN = 20  # "did you mean" for the first references that resolve nowhere


@dataclass
class Checked:
    """What :func:`check_dataset` found: the package (None when the descriptor is unusable),
    the tables read, every problem (sorted) and the data directory."""

    package: Package | None
    tables: dict[str, Table]
    problems: list[Problem]
    data_dir: Path
    cross_table: tuple[Problem, ...] = ()  # those of ``problems`` from foreign keys and cross-table rules
    files: dict[str, bytes] = field(default_factory=dict)  # the snapshot: every file read, by relative path

    @property
    def file_problems(self) -> list[Problem]:
        """Problems within single files (and the descriptor): unreadable files, headers and cells."""
        cross = set(self.cross_table)
        return [p for p in self.problems if p not in cross]


def _check_header(res: Resource, header: list[str], label: str, problems: list[Problem]) -> bool:
    expected = res.field_names
    if header == expected:
        return True
    found: list[Problem] = []

    def p(msg: str, code: str, fld: str = "-") -> None:
        found.append(Problem(label, 1, fld, msg, code))

    if not any(h.strip() for h in header):
        p("the header line is blank: the first line must name the columns", "blank-header")
    elif len(header) == 1 and any(d in header[0] for d in (";", "\t", "|")):
        sep = next(d for d in (";", "\t", "|") if d in header[0])
        p(f"the header is separated by {sep!r}, not commas: save the file as comma-separated CSV", "wrong-delimiter")
    elif len(header) > 2 * len(expected) + MAX_HEADER_PROBLEMS:
        p(
            f"the header has {len(header)} columns, the schema {len(expected)}: is this the right file?",
            "too-many-columns",
        )
    else:
        counts = Counter(header)
        for name, n in counts.items():
            if n > 1:
                p(f"column {excerpt(name)} appears {n} times", "duplicate-column", name if name in expected else "-")
        missing = [n for n in expected if n not in counts]
        unknown = [h for h in header if h not in expected]
        for h in unknown:
            if h.strip() in expected:
                p(f"column name {excerpt(h)} has leading or trailing whitespace", "header-whitespace", h.strip())
                missing = [m for m in missing if m != h.strip()]
                continue
            hit = difflib.get_close_matches(h, missing, n=1, cutoff=0.6) if len(h) <= 100 else []
            if hit:
                p(f"unknown column {excerpt(h)}; did you mean {hit[0]!r}?", "unknown-column", hit[0])
                missing.remove(hit[0])
            else:
                p(f"unknown column {excerpt(h)} (the schema has no such field)", "unknown-column")
        for m in missing:
            p("column is missing from the header", "missing-column", m)
        if not found:
            p("columns are not in the schema's order: " + ", ".join(expected), "column-order")
    problems.extend(found)
    return False


def _unique(res: Resource, table: Table, label: str, problems: list[Problem]) -> None:
    """Primary key and ``unique`` fields: a set settles the usual case; only duplicates need a pass over the rows."""
    if res.primary_key:
        pk = res.primary_key
        keycols = [table.columns[k] for k in pk]
        keys: list[Any] = keycols[0] if len(pk) == 1 else list(zip(*keycols))
        if len(set(keys)) != len(keys):
            seen: dict[tuple[Any, ...], int] = {}
            fld = pk[0] if len(pk) == 1 else "-"
            for line, *key in zip(table.lines, *keycols):
                k = tuple(key)
                # a composite key may hold a missing part (a case-level unit of the reconciliation
                # log has no item); only a key missing throughout is left to the required check
                if all(x is None for x in k):
                    continue
                if k in seen:
                    shown = (
                        excerpt(k[0])
                        if len(k) == 1
                        else "(" + ", ".join("NA" if x is None else str(x) for x in k) + ")"
                    )
                    problems.append(
                        Problem(label, line, fld, f"duplicate key {shown} (first at line {seen[k]})", "duplicate-key")
                    )
                else:
                    seen[k] = line
    for f in res.fields:
        if f.unique and (f.name,) != res.primary_key:
            col = [v for v in table.columns[f.name] if v is not None]
            if len(set(col)) == len(col):
                continue
            first: dict[Any, int] = {}
            for line, v in table.rows(f.name):
                if v is None:
                    continue
                if v in first:
                    problems.append(
                        Problem(
                            label,
                            line,
                            f.name,
                            f"duplicate value {excerpt(v)} (first at line {first[v]})",
                            "duplicate-value",
                        )
                    )
                else:
                    first[v] = line


def _snap(root: int, rel: str, limit: int, files: dict[str, bytes]) -> bytes:
    """Read ``rel`` beneath the open data directory ``root`` into the snapshot ``files``."""
    if rel not in files:
        files[rel] = read_beneath(root, rel, limit)
    return files[rel]


def _refusal(label: str, owner: str, exc: Refused) -> Problem:
    prefix = f"{owner}: " if exc.code in ("path-outside", "path-loop") and owner else ""
    return Problem(label, 0, "-", prefix + exc.reason, exc.code)


def _read_table(res: Resource, root: int, today: date, problems: list[Problem], files: dict[str, bytes]) -> Table:
    label = res.path
    table = Table(res)
    try:
        data = _snap(root, res.path, max_file_bytes(), files)
    except Refused as exc:
        problems.append(_refusal(label, f"resource {res.name!r}", exc))
        return table
    raw = parse_raw(data, label)
    problems.extend(raw.problems)
    if raw.problems or raw.header is None:
        return table
    if not _check_header(res, raw.header, label, problems):
        return table
    n = len(res.fields)
    good: list[list[str]] = []
    lines: list[int] = []
    dropped = False
    if set(map(len, raw.records)) <= {n}:  # the usual case: every row has the header's width
        good, lines = raw.records, raw.lines
    else:
        for rec, line in zip(raw.records, raw.lines):
            if len(rec) == n:
                good.append(rec)
                lines.append(line)
            elif not rec or not any(v.strip() for v in rec):
                problems.append(Problem(label, line, "-", "empty row: delete it", "empty-row"))
            else:
                dropped = True
                hint = " (a comma inside a text field needs the field in double quotes)" if len(rec) > n else ""
                problems.append(
                    Problem(label, line, "-", f"row has {len(rec)} fields, the header has {n}{hint}", "row-width")
                )
    cols: list[tuple[str, ...]] = list(zip(*good)) if good else [() for _ in range(n)]
    missing = frozenset(res.missing_values)
    for fld, col in zip(res.fields, cols):
        table.columns[fld.name], table.bad[fld.name] = check_column(fld, col, lines, label, missing, today, problems)
    table.lines = lines
    table.ok = not dropped
    _unique(res, table, label, problems)
    return table


def _foreign_keys(tables: dict[str, Table], problems: list[Problem]) -> None:
    target_sets: dict[tuple[str, str], set[Any]] = {}
    for t in tables.values():
        if not t.ok:
            continue
        for fk in t.resource.foreign_keys:
            ref = tables.get(fk.resource)
            if ref is None or not ref.ok or ref.bad[fk.ref_field]:
                continue  # an unreadable key there is already reported; references to it would only echo it
            key = (fk.resource, fk.ref_field)
            if key not in target_sets:
                target_sets[key] = set(ref.columns[fk.ref_field])
                target_sets[key].discard(None)
            targets = target_sets[key]
            if ref.lines and set(t.columns[fk.field]) - targets <= {None}:
                continue  # every reference resolves
            refs = [(line, v) for line, v in t.rows(fk.field) if v is not None]
            where = escape(ref.resource.path)
            if not ref.lines and refs:
                line, v = refs[0]
                problems.append(
                    Problem(
                        t.resource.path,
                        line,
                        fk.field,
                        f"{excerpt(v)} is not a {fk.ref_field} in {where}, "
                        f"which has no rows ({len(refs)} row{'s' if len(refs) != 1 else ''} here refer to it)",
                        "foreign-key",
                    )
                )
                continue
            choices = sorted(map(str, targets)) if len(targets) <= 5000 else []
            suggested = 0
            for line, v in refs:
                if v not in targets:
                    s = suggest(str(v), choices) if suggested < SUGGESTIONS_PER_COLUMN and choices else None
                    suggested += 1
                    hint = f"; did you mean {s!r}?" if s else ""
                    problems.append(
                        Problem(
                            t.resource.path,
                            line,
                            fk.field,
                            f"{excerpt(v)} is not a {fk.ref_field} in {where}{hint}",
                            "foreign-key",
                        )
                    )


def _composite_keys(tables: dict[str, Table], problems: list[Problem]) -> None:
    for t in tables.values():
        if not t.ok:
            continue
        for ck in t.resource.composite_keys:
            ref = tables.get(ck.resource)
            if ref is None or not ref.ok or any(ref.bad[f] for f in ck.ref_fields):
                continue
            targets = set(zip(*(ref.columns[f] for f in ck.ref_fields)))
            where = escape(ref.resource.path)
            names = ", ".join(ck.ref_fields)
            for line, *key in t.rows(*ck.fields):
                if any(v is None for v in key) or tuple(key) in targets:
                    continue
                shown = "(" + ", ".join(excerpt(v) for v in key) + ")"
                problems.append(
                    Problem(
                        t.resource.path,
                        line,
                        ck.fields[0],
                        f"{shown} is not a ({names}) pair in {where}",
                        "foreign-key",
                    )
                )


def _extra_files(package: Package, root: int, problems: list[Problem], files: dict[str, bytes]) -> None:
    """CODEBOOK.md and CHANGELOG.md when present, and every dialect file, into the snapshot."""
    for name in EXTRA_FILES:
        try:
            _snap(root, name, max_file_bytes(), files)
        except Refused as exc:
            if exc.code != "file-missing":
                problems.append(_refusal(name, "", exc))
    for res in package.resources:
        dialect = res.dialect
        if isinstance(dialect, str):
            try:
                _snap(root, dialect, max_file_bytes(), files)
            except Refused as exc:
                problems.append(_refusal(dialect, f"resource {res.name!r}, dialect", exc))


def check_dataset(directory: str | os.PathLike[str] | None = None, today: date | None = None) -> Checked:
    """Read and check every table. Returns the converted tables and all problems, sorted."""
    directory = _data_dir(directory)
    today = today or date.today()
    problems: list[Problem] = []
    if not directory.is_dir():
        return Checked(
            None,
            {},
            [Problem(PACKAGE_FILE, 0, "-", f"data directory not found: {directory}", "data-dir-missing")],
            directory,
        )
    try:
        root = open_root(directory)
    except Refused as exc:
        return Checked(None, {}, [Problem(PACKAGE_FILE, 0, "-", exc.reason, exc.code)], directory)
    try:
        package, schema_problems = load_package(directory, root)
        if package is None:
            return Checked(None, {}, schema_problems, directory)
        files: dict[str, bytes] = {PACKAGE_FILE: package.source}
        tables = {res.name: _read_table(res, root, today, problems, files) for res in package.resources}
        _extra_files(package, root, problems, files)
    finally:
        os.close(root)
    n_file = len(problems)
    _foreign_keys(tables, problems)
    _composite_keys(tables, problems)
    cross_table_rules(tables, problems)
    cross = tuple(problems[n_file:])
    order = {res.path: i for i, res in enumerate(package.resources)}
    forder = {res.path: {f.name: j for j, f in enumerate(res.fields)} for res in package.resources}
    problems.sort(key=lambda p: (order.get(p.file, -1), p.line, forder.get(p.file, {}).get(p.field, -1), p.message))
    return Checked(package, tables, problems, directory, cross, files)


def validate(directory: str | os.PathLike[str] | None = None, today: date | None = None) -> list[Problem]:
    """Return every problem in the dataset (an empty list when it is valid)."""
    return check_dataset(directory, today).problems
