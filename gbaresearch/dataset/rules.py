"""Rules that span tables: counts that must agree, provenance that must exist, links that must make sense.

Each rule runs only when the tables it needs were read cleanly, so one broken file does not
bury the real problem under follow-on complaints.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from .policy_rules import policy_rules
from .problems import Problem

if TYPE_CHECKING:
    from .table import Table

Tables = Mapping[str, "Table"]


def _problem(code: str, file: str, line: int, field: str, message: str) -> Problem:
    return Problem(file, line, field, message, code)


def _ok(tables: Tables, *names: str) -> bool:
    return all(n in tables and tables[n].ok for n in names)


def _unsure(table: Table, key: str, *names: str) -> set[Any] | None:
    """Values of ``key`` in the rows where one of ``names`` was reported bad: totals over those keys
    are incomplete, so a rule must not judge them. None when such a row's own key is unreadable."""
    rows = set().union(*(table.bad.get(n, ()) for n in (key, *names)))
    keys = {table.columns[key][i] for i in rows}
    return None if None in keys else keys


def _batches(tables: Tables, problems: list[Problem]) -> None:
    if not _ok(tables, "batches"):
        return
    t = tables["batches"]
    numbers = sorted((b, line) for line, b in t.rows("batch") if b is not None)
    for k, (b, line) in enumerate(numbers if not t.bad["batch"] else []):
        if b != k + 1:
            problems.append(
                _problem(
                    "batch-sequence",
                    "batches.csv",
                    line,
                    "batch",
                    f"batches must be numbered 1, 2, 3, ... without gaps: expected {k + 1}, found {b}",
                )
            )
            break
    rows = sorted((b, line, d) for line, b, d in t.rows("batch", "announced") if b is not None and d is not None)
    for (b0, _, d0), (b1, line, d1) in zip(rows, rows[1:]):
        if d1 <= d0:
            problems.append(
                _problem(
                    "batch-sequence",
                    "batches.csv",
                    line,
                    "announced",
                    f"batch {b1} is dated {d1}, not after batch {b0} ({d0})",
                )
            )


def _category_totals(tables: Tables, problems: list[Problem]) -> None:
    if not _ok(tables, "batches", "batch_categories"):
        return
    unsure = _unsure(tables["batch_categories"], "batch", "n_cases")
    if unsure is None:
        return
    sums: dict[int, int] = defaultdict(int)
    seen = set()
    for _, b, n in tables["batch_categories"].rows("batch", "n_cases"):
        if b is not None:
            seen.add(b)
            if n is not None:
                sums[b] += n
    for line, b, n in tables["batches"].rows("batch", "n_cases"):
        if b is None or n is None or b in unsure:
            continue
        if b not in seen:
            problems.append(
                _problem(
                    "category-totals", "batches.csv", line, "n_cases", f"batch {b} has no rows in batch_categories.csv"
                )
            )
        elif sums[b] != n:
            problems.append(
                _problem(
                    "category-totals",
                    "batches.csv",
                    line,
                    "n_cases",
                    f"batch {b} has {n} cases, but its category counts in batch_categories.csv add up to {sums[b]}",
                )
            )


def _coverage(tables: Tables, problems: list[Problem]) -> None:
    if not _ok(tables, "batches", "batch_categories", "cases"):
        return
    official = {b: n for _, b, n in tables["batches"].rows("batch", "n_cases")}
    by_cat = {(b, c): n for _, b, c, n in tables["batch_categories"].rows("batch", "category", "n_cases")}
    with_rows = {b for b, _ in by_cat}
    cases = tables["cases"]
    per_batch = Counter(b for b in cases.columns["batch"] if b is not None)
    per_cat = Counter(
        (b, c) for b, c in zip(cases.columns["batch"], cases.columns["category"]) if b is not None and c is not None
    )
    unsure = _unsure(tables["batch_categories"], "batch", "category", "n_cases")
    for b, n in sorted(per_batch.items()):
        if official.get(b) is not None and n > official[b]:
            problems.append(
                _problem(
                    "coverage",
                    "cases.csv",
                    0,
                    "batch",
                    f"batch {b} has {n} identified cases, more than its official {official[b]}",
                )
            )
    for (b, c), n in sorted(per_cat.items()):
        # a category missing from a batch's complete set of rows was not used in that batch
        complete = unsure is not None and b not in unsure and b in with_rows
        cap = by_cat.get((b, c), 0 if complete else None)
        if cap is not None and n > cap:
            problems.append(
                _problem(
                    "coverage",
                    "cases.csv",
                    0,
                    "category",
                    f"batch {b} has {n} cases coded {c} (official or inferred), more than the official {cap}",
                )
            )
    seen_order: dict[tuple[Any, Any], int] = {}
    for line, b, o in cases.rows("batch", "order_in_batch"):
        if b is None or o is None:
            continue
        if official.get(b) is not None and o > official[b]:
            problems.append(
                _problem(
                    "coverage",
                    "cases.csv",
                    line,
                    "order_in_batch",
                    f"order {o} is beyond batch {b}'s {official[b]} cases",
                )
            )
        if (b, o) in seen_order:
            problems.append(
                _problem(
                    "coverage",
                    "cases.csv",
                    line,
                    "order_in_batch",
                    f"order {o} in batch {b} is already taken (line {seen_order[(b, o)]})",
                )
            )
        else:
            seen_order[(b, o)] = line


def _case_consistency(tables: Tables, problems: list[Problem]) -> None:
    if not _ok(tables, "cases"):
        return
    t = tables["cases"]
    known = t.resource.field("category_status").values_where("known", True)
    for line, cat, status, cp, cps in t.rows("category", "category_status", "counterpart", "counterpart_status"):
        if status is not None and status not in known and cat is not None:
            problems.append(
                _problem(
                    "case-consistency",
                    "cases.csv",
                    line,
                    "category_status",
                    "is 'unknown' but a category is given: use 'official' or 'inferred'",
                )
            )
        if status in known and cat is None:
            problems.append(
                _problem("case-consistency", "cases.csv", line, "category", f"is NA but category_status is {status!r}")
            )
        if cp is None and cps is not None:
            problems.append(
                _problem(
                    "case-consistency", "cases.csv", line, "counterpart_status", "must be NA when counterpart is NA"
                )
            )
        if cp is not None and cps is None and "counterpart_status" in t.columns:
            problems.append(
                _problem(
                    "case-consistency",
                    "cases.csv",
                    line,
                    "counterpart_status",
                    "is missing: say whether the counterpart is 'stated' or 'inferred'",
                )
            )
    if _ok(tables, "places"):
        _lead_places(t, tables["places"], problems)


def _lead_places(t: Table, places: Table, problems: list[Problem]) -> None:
    """A lead level whose category names a place kind (``gba:placeKind``) needs a lead place of
    that kind; a level that names none (national, provincial) takes no place."""
    kind = dict(zip(places.columns["place_id"], places.columns["kind"]))
    levels = t.resource.field("lead_level")
    want = {c.value: c.get("placeKind") for c in levels.categories or ()}
    for line, level, place in t.rows("lead_level", "lead_place"):
        if level not in want:
            continue
        if want[level] is None:
            if place is not None:
                problems.append(
                    _problem("lead-place", "cases.csv", line, "lead_place", f"must be NA for a {level} lead")
                )
        elif place is None:
            problems.append(_problem("lead-place", "cases.csv", line, "lead_place", f"is missing for a {level} lead"))
        elif kind.get(place) not in (want[level], None):
            problems.append(
                _problem(
                    "lead-place",
                    "cases.csv",
                    line,
                    "lead_place",
                    f"{place!r} is a {kind[place]}, but lead_level is {level!r}",
                )
            )


def _sourced_fields(t: Table) -> Iterator[tuple[str, Callable[[Any], bool], str, str]]:
    """A case fact that is filled in must be backed by a case_sources row for that fact: per field
    of ``cases`` with ``gba:sourcedAs``, (field, whether a value needs a source, fact, how it is
    named). A field whose categories say ``gba:needsSource`` needs one for the values where it is
    true; any other field for every filled-in value."""
    for f in t.resource.fields:
        fact = f.sourced_as
        if fact is None:
            continue
        if any(c.get("needsSource") is not None for c in f.categories or ()):
            needs = set(f.values_where("needsSource", True))
            yield f.name, needs.__contains__, fact, f.source_note
        else:
            yield f.name, _filled, fact, f.source_note


def _filled(v: Any) -> bool:
    return v is not None


def _provenance(tables: Tables, problems: list[Problem]) -> None:
    if not _ok(tables, "cases", "case_sources"):
        return
    unsure = _unsure(tables["case_sources"], "case_id", "fact")
    if unsure is None:
        return
    cs = tables["case_sources"]
    supported = defaultdict(set)  # fact -> cases with a source for it
    for c, f in zip(cs.columns["case_id"], cs.columns["fact"]):
        supported[f].add(c)
    t = tables["cases"]
    ids = t.columns["case_id"]
    membership = cs.resource.field("fact").values_where("membership", True)[0]
    listed = supported[membership]
    if not set(ids) - listed - unsure <= {None}:
        for line, cid, _b in t.rows("case_id", "batch"):
            if cid is not None and cid not in unsure and cid not in listed:
                problems.append(
                    _problem(
                        "provenance",
                        "cases.csv",
                        line,
                        "case_id",
                        f"no row in case_sources.csv says where case {cid} is reported (add one with fact '{membership}')",
                    )
                )
    for col, filled, fact, what in _sourced_fields(t):
        if col == "counterpart_status":  # a status without a counterpart is its own problem
            needed = {
                cid
                for cid, v, cp in zip(ids, t.columns[col], t.columns["counterpart"])
                if cid is not None and cp is not None and filled(v)
            }
        else:
            needed = {cid for cid, v in zip(ids, t.columns[col]) if cid is not None and filled(v)}
        if needed - supported[fact] - unsure:
            for line, cid, _v in t.rows("case_id", col):
                if cid in needed and cid not in unsure and cid not in supported[fact]:
                    problems.append(
                        _problem(
                            "provenance",
                            "cases.csv",
                            line,
                            col,
                            f"no row in case_sources.csv supports {what} (add one with fact {fact!r})",
                        )
                    )


_ID_BATCH = re.compile(r"B([0-9]+)-", re.ASCII)


def _id_batches(tables: Tables, problems: list[Problem]) -> None:
    """An id that starts with ``B<n>-`` (case ids, announced-field ids) names the batch in its
    ``batch`` column."""
    for table, key in (("cases", "case_id"), ("batch_new_fields", "field_id")):
        if not _ok(tables, table):
            continue
        t = tables[table]
        for line, ident, b in t.rows(key, "batch"):
            if ident is None or b is None:
                continue
            m = _ID_BATCH.match(ident)
            if m and int(m[1]) != b:
                problems.append(
                    _problem(
                        "case-id-batch",
                        t.resource.path,
                        line,
                        key,
                        f"{ident!r} names batch {int(m[1])}, but its batch column says {b}",
                    )
                )


def _places(tables: Tables, problems: list[Problem]) -> None:
    if not _ok(tables, "places"):
        return
    t = tables["places"]
    kind = dict(zip(t.columns["place_id"], t.columns["kind"]))
    kinds = t.resource.field("kind")
    hosted, hosts = kinds.values_where("hosted", True), kinds.values_where("hosts", True)
    for line, _pid, k, host in t.rows("place_id", "kind", "host_city"):
        if k in hosted and host is None:
            problems.append(
                _problem(
                    "host-city",
                    "places.csv",
                    line,
                    "host_city",
                    "is missing: a platform needs the mainland city that hosts it",
                )
            )
        elif k is not None and k not in hosted and host is not None:
            problems.append(_problem("host-city", "places.csv", line, "host_city", f"must be NA for a {k}"))
        elif host is not None and kind.get(host) is not None and kind.get(host) not in hosts:
            problems.append(_problem("host-city", "places.csv", line, "host_city", f"{host!r} is not a mainland city"))


def _links(tables: Tables, problems: list[Problem]) -> None:
    if not _ok(tables, "case_links", "cases"):
        return
    batch = dict(zip(tables["cases"].columns["case_id"], tables["cases"].columns["batch"]))
    for line, a, b in tables["case_links"].rows("from_case_id", "to_case_id"):
        if a is None or b is None:
            continue
        if a == b:
            problems.append(
                _problem("case-link", "case_links.csv", line, "to_case_id", f"case {a} is linked to itself")
            )
        elif batch.get(a) is not None and batch.get(b) is not None and batch[a] < batch[b]:
            problems.append(
                _problem(
                    "case-link",
                    "case_links.csv",
                    line,
                    "to_case_id",
                    f"{b} (batch {batch[b]}) is later than {a} (batch {batch[a]}): a case can only build on an earlier or same-batch case",
                )
            )


def _primary_domains(tables: Tables, problems: list[Problem]) -> None:
    if not _ok(tables, "case_domains"):
        return
    t = tables["case_domains"]
    unsure = _unsure(t, "case_id", "is_primary")
    if unsure is None:
        return
    primaries = Counter(c for c, p in zip(t.columns["case_id"], t.columns["is_primary"]) if c is not None and p)
    first: dict[Any, int] = {}
    for line, c in t.rows("case_id"):
        if c is not None and c not in unsure:
            first.setdefault(c, line)
    for c, line in first.items():
        n = primaries.get(c, 0)
        if n != 1:
            problems.append(
                _problem(
                    "primary-domain",
                    "case_domains.csv",
                    line,
                    "is_primary",
                    f"case {c} has {n} primary domains; it needs exactly one",
                )
            )


def _sources_used(tables: Tables, problems: list[Problem]) -> None:
    if not all(t.ok for t in tables.values()) or "sources" not in tables:
        return
    used: set[Any] = set()
    for t in tables.values():
        for fk in t.resource.foreign_keys:
            if fk.resource == "sources":
                if t.bad[fk.field]:
                    return  # an unreadable citation may be the one that uses a source
                used.update(v for v in t.columns[fk.field] if v is not None)
        for f in t.resource.fields:  # space-separated lists of source ids (checked in policy_rules)
            if f.source_list:
                used.update(s for v in t.columns[f.name] if v is not None for s in str(v).split())
    for line, s in tables["sources"].rows("source_id"):
        if s is not None and s not in used:
            problems.append(
                _problem(
                    "unused-source",
                    "sources.csv",
                    line,
                    "source_id",
                    f"source {s} is not used by any table: cite it or remove it",
                )
            )


def _source_dates(tables: Tables, problems: list[Problem]) -> None:
    """A source cannot have been accessed before the first day it may have been published."""
    if not _ok(tables, "sources") or not {"date_published", "date_accessed"} <= set(tables["sources"].columns):
        return
    for line, published, accessed in tables["sources"].rows("date_published", "date_accessed"):
        if not isinstance(published, str) or accessed is None:
            continue
        earliest = (published + "-01-01")[:10] if len(published) == 4 else (published + "-01")[:10]
        if accessed.isoformat() < earliest:
            problems.append(
                _problem(
                    "source-dates",
                    "sources.csv",
                    line,
                    "date_accessed",
                    f"accessed {accessed.isoformat()}, before it was published ({published})",
                )
            )


RULES = (
    _batches,
    _category_totals,
    _coverage,
    _case_consistency,
    _provenance,
    _id_batches,
    _places,
    _links,
    _primary_domains,
    policy_rules,
    _sources_used,
    _source_dates,
)


def cross_table_rules(tables: Tables, problems: list[Problem]) -> None:
    """Apply every cross-table rule, appending problems."""
    for rule in RULES:
        rule(tables, problems)
