"""Cross-table rules for the plan links and the outcome series (run by :mod:`gbaresearch.dataset.rules`).

- ``plan-link``: in ``case_plan_links`` and ``coding_second_plan_links``, a row whose section
  belongs to another plan than its ``plan_id``, a section without a plan, the same case, plan and
  section twice, or a case's no-plan row (plan and section ``NA``) beside rows that name a plan.
- ``outcome-used``: in ``outcome_observations``, two values marked ``used`` for the same series
  and date, or a series with no value marked ``used``.
- ``foreign-key``: an id in a field that lists sources (``"gba:sourceList": true``, such as
  ``other_source_ids``) that is not a ``source_id`` in ``sources.csv``.

Each rule runs only on tables that were read cleanly and is silent when a table is absent.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .problems import Problem

if TYPE_CHECKING:
    from .table import Table

Tables = Mapping[str, "Table"]
LINK_TABLES = ("case_plan_links", "coding_second_plan_links")


def _ok(tables: Tables, *names: str) -> bool:
    return all(n in tables and tables[n].ok for n in names)


def _plan_links(tables: Tables, problems: list[Problem]) -> None:
    if not _ok(tables, "plan_sections"):
        return
    secs = tables["plan_sections"]
    plan_of = dict(zip(secs.columns["section_id"], secs.columns["plan_id"]))
    for name in LINK_TABLES:
        if not _ok(tables, name):
            continue
        t = tables[name]
        file = t.resource.path
        rows = list(t.rows("case_id", "plan_id", "section_id"))
        seen: dict[tuple[Any, ...], int] = {}
        named: Counter[Any] = Counter(c for _, c, p, _s in rows if p is not None)
        for line, case, plan, section in rows:
            key = (case, plan, section)
            if key in seen:
                problems.append(
                    Problem(
                        file,
                        line,
                        "section_id",
                        f"{case} is linked to the same plan section twice (first at line {seen[key]})",
                        "plan-link",
                    )
                )
            else:
                seen[key] = line
            if section is not None and plan is None:
                problems.append(
                    Problem(file, line, "plan_id", f"section {section} is given without its plan", "plan-link")
                )
            elif section is not None and section in plan_of and plan_of[section] != plan:
                problems.append(
                    Problem(
                        file,
                        line,
                        "plan_id",
                        f"section {section} belongs to plan {plan_of[section]}, not {plan}",
                        "plan-link",
                    )
                )
            if plan is None and section is None and named[case]:
                problems.append(
                    Problem(
                        file,
                        line,
                        "plan_id",
                        f"{case} has a row saying it carries out no plan beside rows that name a plan",
                        "plan-link",
                    )
                )


def _outcomes(tables: Tables, problems: list[Problem]) -> None:
    if not _ok(tables, "outcome_series", "outcome_observations"):
        return
    obs = tables["outcome_observations"]
    file = obs.resource.path
    first: dict[tuple[Any, Any], int] = {}
    used_series: set[Any] = set()
    for line, series, as_of, used in obs.rows("series_id", "as_of", "used"):
        if used is not True:
            continue
        used_series.add(series)
        key = (series, as_of)
        if key in first:
            problems.append(
                Problem(
                    file,
                    line,
                    "used",
                    f"a second value of {series} as of {as_of} is marked used (first at line {first[key]}); mark one false",
                    "outcome-used",
                )
            )
        else:
            first[key] = line
    if obs.bad.get("used") or obs.bad.get("series_id"):
        return
    ser = tables["outcome_series"]
    for line, series in ser.rows("series_id"):
        if series is not None and series not in used_series:
            problems.append(
                Problem(
                    ser.resource.path,
                    line,
                    "series_id",
                    f"series {series} has no observation marked used",
                    "outcome-used",
                )
            )


def _source_lists(tables: Tables, problems: list[Problem]) -> None:
    if not _ok(tables, "sources") or tables["sources"].bad.get("source_id"):
        return
    known = {v for v in tables["sources"].columns["source_id"] if v is not None}
    for t in tables.values():
        if not t.ok:
            continue
        for f in t.resource.fields:
            if not f.source_list:
                continue
            for line, value in t.rows(f.name):
                for sid in str(value).split() if value is not None else []:
                    if sid not in known:
                        problems.append(
                            Problem(
                                t.resource.path, line, f.name, f"{sid} is not a source_id in sources.csv", "foreign-key"
                            )
                        )


def policy_rules(tables: Tables, problems: list[Problem]) -> None:
    """Apply the plan-link, outcome and source-list rules, appending problems."""
    _plan_links(tables, problems)
    _outcomes(tables, problems)
    _source_lists(tables, problems)
