"""Who leads and with whom: lead levels, counterparts and places by batch, and the evidence a
lead level rests on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from ..dataset import labels as _lab
from .overview import NOT_STATED, UNKNOWN, batches

if TYPE_CHECKING:
    from ..dataset.load import Dataset


def _by_batch_with_missing(ds: Dataset, column: str, missing: str) -> pd.DataFrame:
    """Identified cases by the levels of a categorical ``column`` and batch, missing values
    labelled ``missing``; rows in the column's level order, then ``missing``; columns: batches."""
    c = ds.cases
    values = c[column].astype(object).where(c[column].notna(), missing)
    order = list(c[column].cat.categories) + [missing]
    t = pd.crosstab(values, c["batch"]).reindex(index=order, columns=batches(ds), fill_value=0)
    t.index.name, t.columns.name = column, "batch"
    return t


def lead_level_by_batch(ds: Dataset) -> pd.DataFrame:
    """Identified cases by lead level and batch; rows: national, provincial, city, platform,
    (unknown); columns: batches."""
    return _by_batch_with_missing(ds, "lead_level", UNKNOWN)


def counterpart_by_batch(ds: Dataset) -> pd.DataFrame:
    """Identified cases by counterpart and batch; rows: hong_kong, macao, both, (not stated);
    columns: batches. Inferred counterparts are included (see :func:`counterpart_inferred`).
    "(not stated)" also holds cases framed around international rules, not Hong Kong or Macao."""
    return _by_batch_with_missing(ds, "counterpart", NOT_STATED)


def counterpart_inferred(ds: Dataset) -> int:
    """Number of identified cases whose counterpart is this project's inference."""
    return int(_lab.rows_where(ds.cases, "counterpart_status", "byProject").sum())


def cases_by_place(ds: Dataset) -> pd.DataFrame:
    """Cases led from each place: every place with ``place_id``, ``name_en``, ``name_zh``,
    ``kind``, ``lat``, ``lon``, ``cases`` (identified cases with that lead_place), ``case_ids``."""
    p = ds.places[["place_id", "name_en", "name_zh", "kind", "host_city", "lat", "lon"]].copy()
    led = ds.cases.dropna(subset=["lead_place"]).groupby("lead_place")["case_id"].agg(lambda s: ", ".join(sorted(s)))
    p["case_ids"] = p["place_id"].map(led).fillna("")
    p["cases"] = p["case_ids"].map(lambda s: len(s.split(", ")) if s else 0)
    return p


def platform_levels(ds: Dataset) -> list[str]:
    """The lead levels that are cooperation platforms: those whose place kind
    (``cases.lead_level``'s ``gba:placeKind``) is hosted by a mainland city
    (``places.kind``'s ``gba:hosted``), in schema order."""
    hosted = set(_lab.values_where(ds.places, "kind", "hosted", True))
    levels = _lab.properties(ds.cases, "lead_level")
    return [str(v) for v, p in levels.items() if p.get("gba:placeKind") in hosted]


#: Evidence a lead level rests on: a submitting body named in a source, or a place in the title.
LEAD_BASES = ("named body", "place in title")


def lead_basis_table(ds: Dataset) -> pd.DataFrame:
    """Identified cases with a known lead level, by level (rows, as stored) and by the evidence
    it rests on (columns :data:`LEAD_BASES`: a named leading body in ``lead_body_en``, else a
    place named in the title); integer counts, levels with no case dropped."""
    c = ds.cases[ds.cases["lead_level"].notna()]
    basis = c["lead_body_en"].notna().map({True: LEAD_BASES[0], False: LEAD_BASES[1]})
    out = pd.crosstab(c["lead_level"].astype(str), basis).reindex(columns=list(LEAD_BASES), fill_value=0)
    out.index.name, out.columns.name = "lead_level", "basis"
    return out.astype(int)


def counterpart_places(ds: Dataset) -> dict[str, list[str]]:
    """``cases.counterpart`` value → the places it stands for (its ``gba:places``; the value
    itself when it has none), in schema order."""
    props = _lab.properties(ds.cases, "counterpart")
    return {str(v): [str(x) for x in p.get("gba:places", [v])] for v, p in props.items()}


def both_sars(ds: Dataset) -> list[str]:
    """The ``cases.counterpart`` values that stand for more than one place (Hong Kong and Macao
    together)."""
    return [v for v, places in counterpart_places(ds).items() if len(places) > 1]


def count_of(counts: pd.Series, values: list[str]) -> int:
    """The sum of ``counts`` (a Series indexed by category value) over ``values``; 0 for a value
    it does not hold."""
    return int(counts.reindex(values, fill_value=0).sum())
