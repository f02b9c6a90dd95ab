"""Reported outcome figures: their human form (bound and unit), tables by case and unit, and
one series per case and unit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from ..dataset import labels as _lab
from .timing import partial_date_start

if TYPE_CHECKING:
    from ..dataset.load import Dataset


def bound_marks(indicators: pd.DataFrame | None = None) -> dict[str, str]:
    """Bound → the words put before a value (``gba:prefix`` of ``indicators.bound``, e.g.
    "over "), from the metadata of a loaded ``indicators`` table, or of the installed data
    when none is given."""
    if indicators is None:
        from ..dataset.load import load_dataset

        indicators = load_dataset().indicators
    return {str(v): str(p.get("gba:prefix", "")) for v, p in _lab.properties(indicators, "bound").items()}


def unit_words(indicators: pd.DataFrame | None = None) -> dict[str, tuple[str, str]]:
    """Unit → (its English label, the currency written before the number or "") of
    ``indicators.unit`` (``gba:currency``), from a loaded ``indicators`` table, or of the
    installed data when none is given."""
    if indicators is None:
        from ..dataset.load import load_dataset

        indicators = load_dataset().indicators
    props = _lab.properties(indicators, "unit")
    return {
        str(v): (label, str(props.get(v, {}).get("gba:currency", "")))
        for v, label in _lab.labels(indicators, "unit").items()
    }


def format_value(
    value: float,
    unit: str,
    bound: str,
    marks: dict[str, str] | None = None,
    units: dict[str, tuple[str, str]] | None = None,
) -> str:
    """Human form of an indicator, e.g. ``over 2.3 million vehicle-trips`` or ``RMB 1 billion``;
    ``marks`` is :func:`bound_marks` and ``units`` :func:`unit_words` (each of the installed
    data when not given)."""
    mark = (marks if marks is not None else bound_marks()).get(bound, "")
    label, currency = (units if units is not None else unit_words()).get(unit, (unit, ""))
    v = float(value)
    if v >= 1e9:
        num = f"{v / 1e9:.4g} billion"
    elif v >= 1e6:
        num = f"{v / 1e6:.4g} million"
    else:
        num = f"{v:,.0f}"
    if currency:
        return f"{mark}{currency} {num}"
    return f"{mark}{num} {label}"


def indicator_table(ds: Dataset) -> pd.DataFrame:
    """Indicators with context: ``indicator_id``, ``case_id``, ``batch``, ``case_title``,
    ``indicator_en``, ``value``, ``unit``, ``bound``, ``as_of``, ``as_of_start``, ``shown``
    (formatted value with bound and unit), ``source_kind``."""
    i = ds.indicators.merge(ds.cases[["case_id", "batch", "title_en"]], on="case_id").rename(
        columns={"title_en": "case_title"}
    )
    i = i.merge(ds.sources[["source_id", "kind"]].rename(columns={"kind": "source_kind"}), on="source_id")
    i["as_of_start"] = partial_date_start(i["as_of"])
    marks, units = bound_marks(ds.indicators), unit_words(ds.indicators)
    i["shown"] = [format_value(v, str(u), str(b), marks, units) for v, u, b in zip(i["value"], i["unit"], i["bound"])]
    cols = [
        "indicator_id",
        "case_id",
        "batch",
        "case_title",
        "indicator_en",
        "value",
        "unit",
        "bound",
        "as_of",
        "as_of_start",
        "shown",
        "source_kind",
    ]
    out = i[cols].sort_values("indicator_id").reset_index(drop=True)
    out.attrs.update(ds.indicators.attrs)  # the rows are indicators: their metadata travels along
    return out


def indicator_units(ds: Dataset) -> pd.DataFrame:
    """How indicators split by unit and bound: ``unit``, ``exact``, ``lower``, ``approximate``, ``total``."""
    t = pd.crosstab(ds.indicators["unit"].astype(str), ds.indicators["bound"].astype(str))
    for b in ds.indicators["bound"].cat.categories:
        if b not in t:
            t[b] = 0
    t = t[list(ds.indicators["bound"].cat.categories)]
    t["total"] = t.sum(axis=1)
    t.index.name, t.columns.name = "unit", None
    return t.sort_values(["total"], ascending=False, kind="stable").reset_index()


def series(ds: Dataset, case_id: str, unit: str) -> pd.DataFrame:
    """Time series of one case's indicators in one unit: ``as_of_start``, ``value``, ``bound``,
    ``indicator_en``; sorted by date."""
    t = indicator_table(ds)
    t = t[(t["case_id"] == case_id) & (t["unit"] == unit)]
    return (
        t[["as_of_start", "as_of", "value", "bound", "indicator_en"]].sort_values("as_of_start").reset_index(drop=True)
    )


def indicator_dots(ds: Dataset) -> pd.DataFrame:
    """Indicators for small multiples, one panel per unit: ``unit`` (as stored), ``unit_label``
    (e.g. "person-times"), ``n_in_unit`` (figures in that unit), ``label`` ("case: indicator"),
    ``value``, ``bound``, ``shown`` (formatted with thousands separators, bound and unit),
    ``as_of``; sorted by figures per unit (most first), unit, then value (largest first)."""
    t = indicator_table(ds)
    unit = t["unit"].astype(str)
    out = pd.DataFrame(
        {
            "unit": unit,
            "unit_label": unit.map({str(k): v for k, v in _lab.labels(t, "unit").items()}),
            "n_in_unit": unit.map(unit.value_counts()).astype(int),
            "label": (t["case_id"] + ": " + t["indicator_en"]).astype(str),
            "value": t["value"].astype(float),
            "bound": t["bound"].astype(str),
            "shown": t["shown"].astype(str),
            "as_of": t["as_of"],
        }
    )
    out = out.sort_values(["n_in_unit", "unit", "value"], ascending=[False, True, False], kind="stable")
    out.attrs.update(t.attrs)
    return out.reset_index(drop=True)
