"""Validate the whole dataset: every file against ``datapackage.json``, then the cross-table rules.

``check_dataset`` returns every problem at once together with the converted columns, which the
loaders turn into DataFrames; ``validate`` returns just the problems.
"""

from __future__ import annotations

import difflib
import gc
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .csvfile import FAST_PARSE_BYTES, read_raw
from .fieldcheck import check_column, suggest
from .paths import data_dir as _data_dir
from .problems import Problem
from .rules import cross_table_rules
from .schema import PACKAGE_FILE, Package, Resource, SchemaError, read_package


@dataclass
class Table:
    """Converted columns of one file; ``ok`` is False when the file could not be read as a table
    or some of its rows could not be split into fields (the columns then miss those rows)."""

    resource: Resource
    columns: dict[str, list] = field(default_factory=dict)
    lines: list[int] = field(default_factory=list)
    bad: dict[str, set[int]] = field(default_factory=dict)
    ok: bool = False

    def __len__(self) -> int:
        return len(self.lines)

    def rows(self, *names: str):
        """Yield ``(line, value, ...)`` for the named columns, skipping rows where one of them was
        already reported as bad (so a rule does not repeat a complaint about the same cell)."""
        skip = set().union(*(self.bad.get(n, ()) for n in names))
        cols = [self.columns[n] for n in names]
        if not skip:
            return zip(self.lines, *cols)
        return ((line, *vals) for i, (line, *vals) in enumerate(zip(self.lines, *cols)) if i not in skip)


@dataclass
class Checked:
    package: Package | None
    tables: dict[str, Table]
    problems: list[Problem]
    data_dir: Path
    cross_table: tuple[Problem, ...] = ()  # those of ``problems`` from foreign keys and cross-table rules

    @property
    def file_problems(self) -> list[Problem]:
        """Problems within single files: unreadable files, headers and cells."""
        cross = set(self.cross_table)
        return [p for p in self.problems if p not in cross]


def _check_header(res: Resource, header: list[str], label: str, problems: list[Problem]) -> bool:
    expected = res.field_names
    if header == expected:
        return True
    before = len(problems)

    def p(msg: str, fld: str = "-") -> None:
        problems.append(Problem(label, 1, fld, msg))

    if not any(h.strip() for h in header):
        p("the header line is blank: the first line must name the columns")
        return False
    if len(header) == 1 and any(d in header[0] for d in (";", "\t", "|")):
        sep = next(d for d in (";", "\t", "|") if d in header[0])
        p(f"the header is separated by {sep!r}, not commas: save the file as comma-separated CSV")
        return False
    counts = Counter(header)
    for name, n in counts.items():
        if n > 1:
            p(f"column {name!r} appears {n} times", name if name in expected else "-")
    missing = [n for n in expected if n not in counts]
    unknown = [h for h in header if h not in expected]
    for h in unknown:
        if h.strip() in expected:
            p(f"column name {h!r} has leading or trailing whitespace", h.strip())
            missing = [m for m in missing if m != h.strip()]
            continue
        hit = difflib.get_close_matches(h, missing, n=1, cutoff=0.6)
        if hit:
            p(f"unknown column {h!r}; did you mean {hit[0]!r}?", hit[0])
            missing.remove(hit[0])
        else:
            p(f"unknown column {h!r} (the schema has no such field)")
    for m in missing:
        p("column is missing from the header", m)
    if len(problems) == before:
        p("columns are not in the schema's order: " + ", ".join(expected))
    return False


def _read_table(res: Resource, directory: Path, today: date, problems: list[Problem]) -> Table:
    label = res.path
    table = Table(res)
    raw = read_raw(directory / res.path, label)
    problems.extend(raw.problems)
    if raw.problems or raw.header is None:
        return table
    if not _check_header(res, raw.header, label, problems):
        return table
    n = len(res.fields)
    if raw.columns is not None:  # a large regular file, already split into columns
        good, lines, dropped = None, raw.lines, False
    elif set(map(len, raw.records)) <= {n}:  # the usual case: every row has the header's width
        good, lines, dropped = raw.records, raw.lines, False
    else:
        good, lines, dropped = [], [], False
        for rec, line in zip(raw.records, raw.lines):
            if len(rec) == n:
                good.append(rec)
                lines.append(line)
            elif not rec or not any(v.strip() for v in rec):
                problems.append(Problem(label, line, "-", "empty row: delete it"))
            else:
                dropped = True
                hint = " (a comma inside a text field needs the field in double quotes)" if len(rec) > n else ""
                problems.append(Problem(label, line, "-", f"row has {len(rec)} fields, the header has {n}{hint}"))
    cols = raw.columns if good is None else list(zip(*good)) if good else [()] * n
    missing = frozenset(res.missing_values)
    for fld, col in zip(res.fields, cols):
        table.columns[fld.name], table.bad[fld.name] = check_column(
            fld, list(col), lines, label, missing, today, problems
        )
    table.lines = lines
    table.ok = not dropped
    # keys: a set of the keys settles the usual case; only duplicates need the row-by-row pass
    if res.primary_key:
        pk = res.primary_key
        keycols = [table.columns[k] for k in pk]
        keys = keycols[0] if len(pk) == 1 else list(zip(*keycols))
        if len(set(keys)) != len(keys):
            _report_duplicate_keys(pk, keycols, lines, label, problems)
    for f in res.fields:
        if f.descriptor.get("constraints", {}).get("unique") and (f.name,) != res.primary_key:
            col = [v for v in table.columns[f.name] if v is not None]
            if len(set(col)) == len(col):
                continue
            seen1: dict = {}
            for line, v in table.rows(f.name):
                if v is None:
                    continue
                if v in seen1:
                    problems.append(Problem(label, line, f.name, f"duplicate value {v!r} (first at line {seen1[v]})"))
                else:
                    seen1[v] = line
    return table


def _read_tables(package: Package, directory: Path, today: date, problems: list[Problem]) -> dict[str, Table]:
    """Read every table; large datasets are read two files at a time (the CSV parsing of big
    files runs largely outside the interpreter lock)."""
    sizes = {}
    for res in package.resources:
        try:
            sizes[res.name] = (directory / res.path).stat().st_size
        except OSError:
            sizes[res.name] = 0
    found: dict[str, tuple[Table, list[Problem]]] = {}

    def one(res: Resource) -> None:
        own: list[Problem] = []
        found[res.name] = (_read_table(res, directory, today, own), own)

    if sum(sizes.values()) < 4 * FAST_PARSE_BYTES:
        for res in package.resources:
            one(res)
    else:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=2) as pool:
            list(pool.map(one, sorted(package.resources, key=lambda r: -sizes[r.name])))
    for res in package.resources:
        problems.extend(found[res.name][1])
    return {res.name: found[res.name][0] for res in package.resources}


def _report_duplicate_keys(pk, keycols, lines, label, problems) -> None:
    seen: dict[tuple, int] = {}
    fld = pk[0] if len(pk) == 1 else "-"
    for line, *key in zip(lines, *keycols):
        key = tuple(key)
        if any(k is None for k in key):
            continue
        if key in seen:
            shown = key[0] if len(key) == 1 else "(" + ", ".join(map(str, key)) + ")"
            problems.append(
                Problem(
                    label,
                    line,
                    fld,
                    f"duplicate key {shown!r} (first at line {seen[key]})"
                    if len(key) == 1
                    else f"duplicate key {shown} (first at line {seen[key]})",
                )
            )
        else:
            seen[key] = line


def _foreign_keys(tables: dict[str, Table], problems: list[Problem]) -> None:
    target_sets: dict[tuple[str, str], set] = {}
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
            if not ref.lines and refs:
                line, v = refs[0]
                problems.append(
                    Problem(
                        t.resource.path,
                        line,
                        fk.field,
                        f"{v!r} is not a {fk.ref_field} in {ref.resource.path}, "
                        f"which has no rows ({len(refs)} row{'s' if len(refs) != 1 else ''} here refer to it)",
                    )
                )
                continue
            for line, v in refs:
                if v not in targets:
                    s = suggest(str(v), sorted(map(str, targets)))
                    hint = f"; did you mean {s!r}?" if s else ""
                    problems.append(
                        Problem(
                            t.resource.path,
                            line,
                            fk.field,
                            f"{v!r} is not a {fk.ref_field} in {ref.resource.path}{hint}",
                        )
                    )


def check_dataset(directory=None, today: date | None = None) -> Checked:
    """Read and check every table. Returns the converted tables and all problems, sorted."""
    directory = _data_dir(directory)
    today = today or date.today()
    problems: list[Problem] = []
    if not directory.is_dir():
        return Checked(None, {}, [Problem(PACKAGE_FILE, 0, "-", f"data directory not found: {directory}")], directory)
    try:
        package = read_package(directory)
    except SchemaError as exc:
        return Checked(None, {}, [Problem(PACKAGE_FILE, 0, "-", str(exc))], directory)
    except AttributeError as exc:  # a JSON value of the wrong kind (a list where an object belongs, ...)
        return Checked(None, {}, [Problem(PACKAGE_FILE, 0, "-", f"{PACKAGE_FILE} is malformed: {exc!r}")], directory)
    except OSError as exc:
        return Checked(
            None, {}, [Problem(PACKAGE_FILE, 0, "-", f"{PACKAGE_FILE} cannot be read ({exc.strerror})")], directory
        )
    # Millions of small lists and tuples would set off the cyclic garbage collector again and
    # again although none of them form cycles; pausing it keeps validation linear.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        tables = _read_tables(package, directory, today, problems)
        n_file = len(problems)
        _foreign_keys(tables, problems)
        cross_table_rules(tables, problems)
    finally:
        if gc_was_enabled:
            gc.enable()
    cross = tuple(problems[n_file:])
    order = {res.path: i for i, res in enumerate(package.resources)}
    forder = {res.path: {f.name: j for j, f in enumerate(res.fields)} for res in package.resources}
    problems.sort(key=lambda p: (order.get(p.file, -1), p.line, forder.get(p.file, {}).get(p.field, -1), p.message))
    return Checked(package, tables, problems, directory, cross)


def validate(directory=None, today: date | None = None) -> list[Problem]:
    """Return every problem in the dataset (an empty list when it is valid)."""
    return check_dataset(directory, today).problems
