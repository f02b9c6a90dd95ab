"""One announcement, one file: turn a YAML description of a batch (or of cases added to a batch)
into rows of every table, check them, and write them all at once.

The file's layout follows the schema (``datapackage.json``), so a table added there can be
filled from an announcement without changing this module:

``batch``
    The row of ``batches.csv`` (fields by their schema names). For a batch that exists already
    only ``batch`` (its number) is given, and the cases below are added to it. Any table that
    refers to ``batches.batch`` may be given under its own name as a list of rows
    (``batch_new_fields``, ``batch_categories``); ``categories`` is a short form of
    ``batch_categories``: ``category: number of cases``, cited to the batch's ``source_id``.
``sources``
    New sources: ``key: {publisher: ..., url: ..., kind: ...}``. The key is a short name used in
    this file wherever a source is cited; each new source gets the next unused ``source_id``.
    Existing sources are cited by their id (``S12``).
``cases``
    A list of rows of ``cases.csv``. ``case_id`` and ``batch`` are filled in (``B<batch>-<order
    as two digits>`` when ``order_in_batch`` is given, else the next free letter). ``sources``
    is a short form of ``case_sources``: ``fact: source`` (or a list of sources, or of
    ``{source:, support:, notes:}``). Every other table that refers to ``cases.case_id`` (the
    project coding: ``case_domains``, ``case_mechanisms``, ``case_links``, the second coding;
    ``indicators``; tables added later) is given under its own name as a list of rows, without
    the case's id.
any other table
    Its name, and a list of rows to append (``places``, ``vocab_domains``).

Rows nested under a row of a table with a one-field key (a new field under ``batch_new_fields``,
for example ``coding_new_fields``) work the same way. Identifiers of the form letter + digits
(``I045``, ``C08``) are assigned when left out.

:func:`add` checks everything before it writes: the file, then the whole dataset with the new
rows in a staging copy inside the data directory (schema and cross-table rules), and reports
every problem as ``FILE.yaml:LINE: FIELD: MESSAGE``. Only a clean result replaces the tables.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .csvfile import copy_file, read_raw, write_records
from .fieldcheck import suggest
from .paths import data_dir as _data_dir
from .problems import Problem
from .schema import PACKAGE_FILE, Package, Resource
from .validation import check_dataset
from .yamlfile import Item, read_yaml

SOURCES_KEY, BATCH_KEY, CASES_KEY = "sources", "batch", "cases"
CATEGORIES_SHORT, CASE_SOURCES_SHORT = "categories", "sources"
_ID_PATTERN = re.compile(r"^\^([A-Z])\[0-9\]\{(\d+)(?:,\d*)?\}\$$")


@dataclass
class Row:
    """A row to append: ``values`` by column, the YAML line of the row and of each value."""

    table: str
    values: dict[str, str]
    line: int
    lines: dict[str, int] = field(default_factory=dict)


@dataclass
class Plan:
    """What an announcement adds: rows per table, and the ids assigned to cases and sources."""

    rows: list[Row] = field(default_factory=list)
    case_ids: list[str] = field(default_factory=list)
    source_ids: dict[str, str] = field(default_factory=dict)
    batch: int | None = None
    new_batch: bool = False

    def count(self) -> dict[str, int]:
        """Rows added per table."""
        out: dict[str, int] = {}
        for r in self.rows:
            out[r.table] = out.get(r.table, 0) + 1
        return out


@dataclass
class Added:
    """The result of :func:`add`: the problems (empty when the data was written), the plan, the
    data directory, and whether the tables were replaced."""

    problems: list[Problem]
    plan: Plan
    data_dir: Path
    written: bool = False


def children(package: Package, parent: str) -> dict[str, str]:
    """Tables that refer to ``parent``'s one-field key: table name → the referring field."""
    res = package.resource(parent)
    if len(res.primary_key) != 1:
        return {}
    key = res.primary_key[0]
    out: dict[str, str] = {}
    for r in package.resources:
        if r.name == parent:
            continue
        for fk in r.foreign_keys:
            if fk.resource == parent and fk.ref_field == key and r.name not in out:
                out[r.name] = fk.field
    return out


def source_fields(package: Package) -> dict[str, set[str]]:
    """For each table, the fields that hold a ``sources.source_id``."""
    out: dict[str, set[str]] = {}
    for r in package.resources:
        for fk in r.foreign_keys:
            if fk.resource == "sources" and fk.ref_field == "source_id":
                out.setdefault(r.name, set()).add(fk.field)
    return out


def _next_id(pattern: str | None, taken: set[str]) -> str | None:
    """The next identifier ``X`` + digits after the largest taken one, for a pattern like
    ``^S[0-9]{2,3}$``; None when the pattern is not of that form."""
    m = _ID_PATTERN.match(pattern or "")
    if not m:
        return None
    prefix, width = m[1], int(m[2])
    numbers = [int(t[1:]) for t in taken if t.startswith(prefix) and t[1:].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:0{width}d}"


class _Builder:
    """Walks the announcement, collecting rows and problems."""

    def __init__(self, package: Package, existing: dict[str, list[dict[str, str]]], label: str):
        self.package = package
        self.existing = existing
        self.label = label
        self.problems: list[Problem] = []
        self.plan = Plan()
        self.source_keys: dict[str, str] = {}  # key → assigned source_id
        self.source_refs: list[tuple[Row, str]] = []
        self.src_fields = source_fields(package)
        self.taken: dict[str, set[str]] = {}

    def problem(self, line: int, fld: str, message: str, code: str) -> None:
        self.problems.append(Problem(self.label, line, fld, message, code))

    def missing(self, res: Resource) -> str:
        return res.missing_values[0] if res.missing_values else ""

    def taken_ids(self, table: str, column: str) -> set[str]:
        key = f"{table}.{column}"
        if key not in self.taken:
            self.taken[key] = {r[column] for r in self.existing.get(table, [])}
        return self.taken[key]

    # --- one row --------------------------------------------------------------------------

    def row(self, table: str, item: Item, filled: dict[str, str], nested: Collection[str] = ()) -> Row | None:
        """A row of ``table`` from a mapping: checks its keys; ``filled`` are set by this module."""
        res = self.package.resource(table)
        if not item.is_map:
            self.problem(item.line, "-", f"a row of {res.path} must be a mapping of field: value", "announcement-shape")
            return None
        names = res.field_names
        row = Row(table, {}, item.line)
        for key, sub in item.value.items():
            kline = item.key_lines[key]
            if key in nested:
                continue
            if key not in names:
                hint = suggest(key, [n for n in names if n not in filled] + sorted(nested))
                more = f"; did you mean {hint!r}?" if hint else ""
                self.problem(kline, key, f"{res.path} has no field {key!r}{more}", "unknown-key")
                continue
            if key in filled:
                self.problem(kline, key, "is filled in from the announcement: leave it out", "unknown-key")
                continue
            if sub.value is None:
                row.values[key] = self.missing(res)
            elif not sub.is_text:
                self.problem(sub.line, key, "must be a single value, not a list or mapping", "announcement-shape")
                continue
            else:
                row.values[key] = sub.value
            row.lines[key] = sub.line
        for k, v in filled.items():
            row.values[k] = v
        for n in names:
            row.values.setdefault(n, self.missing(res))
        for f in self.src_fields.get(table, ()):
            if f in row.lines:
                self.source_refs.append((row, f))
        self.assign_id(res, row)
        self.plan.rows.append(row)
        return row

    def assign_id(self, res: Resource, row: Row) -> None:
        """Fill a one-field key of the form letter + digits that was left out."""
        if len(res.primary_key) != 1:
            return
        key = res.primary_key[0]
        pattern = res.field(key).pattern or ""
        value = row.values[key]
        prefix = f"B{self.plan.batch}-"
        if res.name != "cases" and pattern.startswith("^B[") and value and not value.startswith(prefix):
            if self.plan.batch is not None and value not in res.missing_values:
                row.values[key] = prefix + value
        if row.values[key] not in res.missing_values and row.values[key] != "":
            self.taken_ids(res.name, key).add(row.values[key])
            return
        new = _next_id(res.field(key).pattern, self.taken_ids(res.name, key))
        if new is not None:
            row.values[key] = new
            self.taken_ids(res.name, key).add(new)

    def nested(self, parent: str, item: Item, key_value: str, skip: set[str]) -> None:
        """Rows of the tables that refer to ``parent``, given under their names in ``item``."""
        for child, fk_field in children(self.package, parent).items():
            if child in skip or not item.is_map or child not in item.value:
                continue
            sub = item.value[child]
            if sub.value is None:
                continue
            if not sub.is_list:
                self.problem(sub.line, child, f"must be a list of rows of {child}", "announcement-shape")
                continue
            for entry in sub.value:
                grand = set(children(self.package, child))
                r = self.row(child, entry, {fk_field: key_value}, grand)
                if r is not None:
                    self.after_child(child, entry, r)

    def after_child(self, child: str, entry: Item, r: Row) -> None:
        res = self.package.resource(child)
        if len(res.primary_key) == 1:
            self.nested(child, entry, r.values[res.primary_key[0]], set())

    # --- sections -------------------------------------------------------------------------

    def sources(self, item: Item) -> None:
        if item.value is None:
            return
        if not item.is_map:
            self.problem(item.line, SOURCES_KEY, "must be a mapping of key: source", "announcement-shape")
            return
        for key, sub in item.value.items():
            if key in self.taken_ids("sources", "source_id"):
                self.problem(
                    item.key_lines[key],
                    SOURCES_KEY,
                    f"{key!r} is a source_id already: cite it, do not add it",
                    "unknown-key",
                )
                continue
            r = self.row("sources", sub, {"source_id": ""})
            if r is None:
                continue
            r.line = item.key_lines[key]
            self.source_keys[key] = r.values["source_id"]
            self.plan.source_ids[key] = r.values["source_id"]

    def batch(self, item: Item) -> str | None:
        if not item.is_map:
            self.problem(item.line, BATCH_KEY, "must be a mapping with at least the batch number", "announcement-shape")
            return None
        number = item.value.get("batch")
        if number is None or not number.is_text:
            self.problem(item.line, "batch", "the batch number is missing", "missing-value")
            return None
        b = str(number.value)
        if not b.isdigit():
            self.problem(number.line, "batch", f"{b!r} is not a whole number", "bad-integer")
            return None
        self.plan.batch = int(b)
        known = {r["batch"] for r in self.existing["batches"]}
        kids = children(self.package, "batches")
        kids.pop("cases", None)
        if b in known:
            extra = [k for k in item.value if k != "batch"]
            for k in extra:
                self.problem(
                    item.key_lines[k],
                    k,
                    f"batch {b} exists already: give only its number to add cases to it",
                    "batch-exists",
                )
            return b
        self.plan.new_batch = True
        short = item.value.get(CATEGORIES_SHORT)
        row = self.row("batches", item, {}, set(kids) | {CATEGORIES_SHORT})
        if row is not None and short is not None and short.value is not None:
            if not short.is_map:
                self.problem(short.line, CATEGORIES_SHORT, "must be a mapping of category: cases", "announcement-shape")
            else:
                fk = kids.get("batch_categories", "batch")
                for cat, n in short.value.items():
                    r = Row(
                        "batch_categories",
                        {"category": cat, "n_cases": n.value if n.is_text else "", fk: b},
                        short.key_lines[cat],
                        {"category": short.key_lines[cat], "n_cases": n.line},
                    )
                    if not n.is_text:
                        self.problem(n.line, "n_cases", f"{cat}: give the official number of cases", "missing-value")
                    self.fill_defaults(
                        r, source=row.values.get("source_id", ""), source_line=row.lines.get("source_id")
                    )
        self.nested("batches", item, b, {"cases"})
        return b

    def fill_defaults(self, r: Row, source: str, source_line: int | None) -> None:
        res = self.package.resource(r.table)
        for n in res.field_names:
            r.values.setdefault(n, self.missing(res))
        if "source_id" in res.field_names:
            r.values["source_id"] = source
            if source_line is not None:
                r.lines["source_id"] = source_line
                self.source_refs.append((r, "source_id"))
        self.plan.rows.append(r)

    def cases(self, item: Item, batch: str) -> None:
        if item.value is None:
            return
        if not item.is_list:
            self.problem(item.line, CASES_KEY, "must be a list of cases", "announcement-shape")
            return
        kids = children(self.package, "cases")
        cs_field = kids.pop("case_sources", None)
        taken = self.taken_ids("cases", "case_id")
        for entry in item.value:
            if not entry.is_map:
                self.problem(entry.line, CASES_KEY, "each case must be a mapping of field: value", "announcement-shape")
                continue
            order = entry.value.get("order_in_batch")
            cid = entry.value.get("case_id")
            if cid is not None and cid.is_text:
                case_id = cid.value
            elif order is not None and order.is_text and order.value.isdigit() and int(order.value) > 0:
                case_id = f"B{batch}-{int(order.value):02d}"
            else:
                letters = [c for c in "abcdefghijklmnopqrstuvwxyz" if f"B{batch}-{c}" not in taken]
                case_id = f"B{batch}-{letters[0]}" if letters else f"B{batch}-?"
            if case_id in taken:
                line = cid.line if cid is not None else (order.line if order is not None else entry.line)
                self.problem(line, "case_id", f"case {case_id} exists already", "duplicate-key")
            taken.add(case_id)
            self.plan.case_ids.append(case_id)
            filled = {"batch": batch} if cid is not None else {"batch": batch, "case_id": case_id}
            row = self.row("cases", entry, filled, set(kids) | {CASE_SOURCES_SHORT})
            if row is None:
                continue
            short = entry.value.get(CASE_SOURCES_SHORT)
            if cs_field is not None and short is not None and short.value is not None:
                self.case_sources(short, cs_field, case_id)
            self.nested("cases", entry, case_id, {"case_sources"})

    def case_sources(self, item: Item, fk_field: str, case_id: str) -> None:
        if not item.is_map:
            self.problem(item.line, CASE_SOURCES_SHORT, "must be a mapping of fact: source(s)", "announcement-shape")
            return
        for fact, sub in item.value.items():
            fline = item.key_lines[fact]
            entries = sub.value if sub.is_list else [sub]
            for e in entries:
                values = {fk_field: case_id, "fact": fact}
                lines = {"fact": fline}
                if e.is_text:
                    values["source_id"], lines["source_id"] = e.value, e.line
                elif e.is_map:
                    for k, v in e.value.items():
                        name = "source_id" if k == "source" else k
                        if name not in ("source_id", "support", "notes"):
                            self.problem(e.key_lines[k], k, "give source, support or notes", "unknown-key")
                            continue
                        values[name] = v.value if v.is_text else self.missing(self.package.resource("case_sources"))
                        lines[name] = v.line
                else:
                    self.problem(e.line, fact, "name the source (a key of this file or a source_id)", "missing-value")
                    continue
                r = Row("case_sources", values, e.line, lines)
                src = values.get("source_id", "")
                res = self.package.resource("case_sources")
                for n in res.field_names:
                    r.values.setdefault(n, self.missing(res))
                r.values["source_id"] = src
                if "source_id" in lines:
                    self.source_refs.append((r, "source_id"))
                self.plan.rows.append(r)

    def resolve_sources(self) -> None:
        """Replace source keys of this file by the assigned ids; report references to nothing."""
        known = self.taken_ids("sources", "source_id")
        choices = sorted(self.source_keys) + sorted(known)
        for row, f in self.source_refs:
            v = row.values[f]
            if v in self.source_keys:
                row.values[f] = self.source_keys[v]
            elif v in known or v in self.package.resource(row.table).missing_values:
                continue
            else:
                hint = suggest(v, choices)
                more = f"; did you mean {hint!r}?" if hint else ""
                self.problem(
                    row.lines.get(f, row.line),
                    f,
                    f"{v!r} is neither a source key of this file nor a source_id in sources.csv{more}",
                    "unknown-source",
                )
                row.values[f] = v


def _read_existing(d: Path, package: Package) -> dict[str, list[dict[str, str]]]:
    out: dict[str, list[dict[str, str]]] = {}
    for res in package.resources:
        raw = read_raw(d / res.path, res.path)
        header = raw.header or []
        out[res.name] = [dict(zip(header, rec)) for rec in raw.records]
    return out


def plan(
    announcement: Item, package: Package, existing: dict[str, list[dict[str, str]]], label: str
) -> tuple[Plan, list[Problem]]:
    """The rows an announcement adds (ids assigned, source keys resolved) and the problems found
    in the file itself, before any table is checked."""
    b = _Builder(package, existing, label)
    if not announcement.is_map:
        b.problem(
            announcement.line, "-", "the file must be a mapping with batch, sources and cases", "announcement-shape"
        )
        return b.plan, b.problems
    top = announcement.value
    if BATCH_KEY not in top:
        b.problem(1, BATCH_KEY, "the batch is missing: give at least its number", "missing-value")
    special = {SOURCES_KEY, BATCH_KEY, CASES_KEY}
    if SOURCES_KEY in top:
        b.sources(top[SOURCES_KEY])
    batch = b.batch(top[BATCH_KEY]) if BATCH_KEY in top else None
    if CASES_KEY in top:
        if batch is not None:
            b.cases(top[CASES_KEY], batch)
    names = set(package.names)
    for key, sub in top.items():
        if key in special:
            continue
        if key not in names:
            hint = suggest(key, sorted(special | names))
            more = f"; did you mean {hint!r}?" if hint else ""
            b.problem(announcement.key_lines[key], key, f"unknown section{more}", "unknown-key")
            continue
        if not sub.is_list:
            b.problem(sub.line, key, f"must be a list of rows of {key}", "announcement-shape")
            continue
        for entry in sub.value:
            r = b.row(key, entry, {}, set(children(package, key)))
            if r is not None:
                b.after_child(key, entry, r)
    b.resolve_sources()
    return b.plan, b.problems


def _map_problem(p: Problem, where: dict[tuple[str, int], Row], label: str, anchor: int) -> Problem:
    row = where.get((p.file, p.line))
    if row is not None:
        return Problem(label, row.lines.get(p.field, row.line), p.field, p.message, p.code)
    at = f" ({p.file} line {p.line})" if p.line else f" ({p.file})"
    return Problem(label, anchor, p.field, p.message + at, p.code)


@dataclass
class _Staging:
    path: Path
    changed: list[str]


def _stage(d: Path, tmp: Path, package: Package, the_plan: Plan) -> tuple[_Staging, dict[tuple[str, int], Row]]:
    """Copy the descriptor and every table of ``d`` into ``tmp`` (a hidden directory inside
    ``d``) and append the planned rows there; return it and where each new row landed."""
    copy_file(d / PACKAGE_FILE, tmp / PACKAGE_FILE)
    by_table: dict[str, list[Row]] = {}
    for r in the_plan.rows:
        by_table.setdefault(r.table, []).append(r)
    where: dict[tuple[str, int], Row] = {}
    changed = []
    for res in package.resources:
        target = tmp / res.path
        target.parent.mkdir(parents=True, exist_ok=True)
        copy_file(d / res.path, target)
        rows = by_table.get(res.name)
        if not rows:
            continue
        before = len(read_raw(target, res.path).records)
        write_records(target, res.field_names, [[r.values[c] for c in res.field_names] for r in rows], append=True)
        lines = read_raw(target, res.path).lines
        for i, r in enumerate(rows):
            if before + i < len(lines):
                where[(res.path, lines[before + i])] = r
        changed.append(res.path)
    return _Staging(tmp, changed), where


def _replace_all(d: Path, staging: _Staging) -> None:
    """Move the staged tables over the real ones; on any interruption put the originals back."""
    backup = staging.path / ".before"
    backup.mkdir()
    saved: list[str] = []
    try:
        for name in staging.changed:
            copy_file(d / name, backup / name.replace("/", "__"))
        for name in staging.changed:
            os.replace(staging.path / name, d / name)
            saved.append(name)
    except BaseException:
        for name in saved:
            os.replace(backup / name.replace("/", "__"), d / name)
        raise


def add(
    announcement: str | os.PathLike[str],
    data_dir: str | os.PathLike[str] | None = None,
    today: date | None = None,
    dry_run: bool = False,
) -> Added:
    """Add the announcement in the YAML file ``announcement`` to the data directory.

    Returns :class:`Added`: with problems (one per mistake, ``FILE.yaml:LINE: FIELD: MESSAGE``;
    problems of the data directory itself are returned as they are, naming its files) nothing is
    written. Otherwise every table gains its rows in one step (``written`` is True), unless
    ``dry_run``."""
    d = _data_dir(data_dir)
    path = Path(announcement)
    label = path.name
    checked = check_dataset(d, today)
    if checked.problems or checked.package is None:
        return Added(list(checked.problems), Plan(), d)
    package = checked.package
    item, problems = read_yaml(path, label)
    if item is None:
        return Added(problems, Plan(), d)
    existing = _read_existing(d, package)
    the_plan, problems = plan(item, package, existing, label)
    tmp = Path(tempfile.mkdtemp(prefix=".add-", dir=d))
    try:
        staging, where = _stage(d, tmp, package, the_plan)
        after = check_dataset(staging.path, today)
        anchor = item.key_lines.get(CASES_KEY) or item.key_lines.get(BATCH_KEY, 1) if item.is_map else 1
        seen = {(p.line, p.field) for p in problems if p.code == "unknown-source"}
        for p in after.problems:
            q = _map_problem(p, where, label, anchor)
            if p.code == "foreign-key" and (q.line, q.field) in seen:
                continue
            problems.append(q)
        problems = sorted(set(problems), key=lambda p: (p.line, p.field, p.message))
        if problems or dry_run:
            return Added(problems, the_plan, d)
        _replace_all(d, staging)
        return Added([], the_plan, d, written=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
