"""How many of the announced cases are identified or coded, by batch and by category, and the
range a share over identified cases could take over all announced cases.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from ..dataset import labels as _lab
from .overview import as_int, batches, of

if TYPE_CHECKING:
    from ..dataset.load import Dataset


def coverage_by_batch(ds: Dataset) -> pd.DataFrame:
    """One row per batch: ``batch``, ``announced`` (date), ``n_cases`` (cases announced, as in
    ``batches.csv``), ``identified`` (rows in cases), ``official_titles`` (identified with the
    official title), ``share`` (identified / n_cases, 0–1)."""
    b = ds.batches[["batch", "announced", "n_cases"]]
    c = ds.cases
    ident = c.groupby("batch", observed=False).size().rename("identified")
    titles = c[_lab.rows_where(c, "title_status", "announced")].groupby("batch", observed=False).size()
    titles = titles.rename("official_titles")
    out = b.merge(ident, left_on="batch", right_index=True).merge(titles, left_on="batch", right_index=True)
    out["n_cases"] = out["n_cases"].astype(int)
    out["share"] = (out["identified"] / out["n_cases"]).round(3)
    return out.reset_index(drop=True)


def coverage_by_category(ds: Dataset) -> pd.DataFrame:
    """Batch × official category: ``batch``, ``category``, ``n_cases`` (official count, as in
    ``batch_categories.csv``),
    ``identified_official`` (cases a source places there), ``identified_inferred`` (this
    project's inference), ``not_placed`` (official − both: cases of the category that are
    unidentified, or identified without a known category). Identified cases with unknown
    category are counted by :func:`uncategorised_by_batch`."""
    out = ds.batch_categories[["batch", "category", "n_cases"]].copy()
    out["n_cases"] = out["n_cases"].astype(int)
    keys = pd.MultiIndex.from_frame(out[["batch", "category"]].astype(object))
    c = ds.cases.dropna(subset=["category"])
    placed = [f"identified_{status}" for status in _placing(c)]
    for status, col in zip(_placing(c), placed):
        sub = c[c["category_status"] == status]
        n = sub.groupby([sub["batch"].astype(object), sub["category"].astype(object)]).size()
        out[col] = n.reindex(keys, fill_value=0).to_numpy()
    out["not_placed"] = out["n_cases"] - out[placed].sum(axis=1)
    return out.sort_values(["batch", "category"]).reset_index(drop=True)


def _placing(cases: pd.DataFrame) -> tuple[Any, ...]:
    """The ``category_status`` values that place a case in a category: announced first, then
    this project's inference."""
    return _lab.values_where(cases, "category_status", "announced", True) + _lab.values_where(
        cases, "category_status", "byProject", True
    )


def uncategorised_by_batch(ds: Dataset) -> pd.DataFrame:
    """Identified cases whose category is unknown: ``batch``, ``n_cases``."""
    c = ds.cases
    out = c[_lab.rows_where(c, "category_status", "known", False)].groupby("batch", observed=False).size()
    out = out.rename("n_cases")
    return out.reset_index()


def share_bounds(k: int, identified: int, announced: int) -> tuple[float, float]:
    """The range a share over identified (or coded) cases could take over all announced cases:
    ``(k / announced, (k + announced - identified) / announced)``, the cases not identified (or
    not coded) all without the property, then all with it. ``(0.0, 1.0)`` when nothing is announced."""
    if announced <= 0:
        return (0.0, 1.0)
    return (k / announced, (k + announced - identified) / announced)


def coverage_robust(k1: int, i1: int, a1: int, k2: int, i2: int, a2: int) -> bool:
    """True when the direction of a change from ``k1`` of ``i1`` to ``k2`` of ``i2`` (shares of
    identified or coded cases) survives any filling-in of the unknown cases: for a rise, the
    first batch's highest possible share (:func:`share_bounds` over ``a1`` announced cases) is
    below the last batch's lowest; for a fall, the reverse. False when the shares are level."""
    lo1, hi1 = share_bounds(k1, i1, a1)
    lo2, hi2 = share_bounds(k2, i2, a2)
    s1, s2 = (k1 / i1 if i1 else 0.0), (k2 / i2 if i2 else 0.0)
    if s2 > s1:
        return hi1 < lo2
    if s2 < s1:
        return hi2 < lo1
    return False


def unidentified_before(ds: Dataset) -> dict[int, int]:
    """For each batch, the number of announced cases of all earlier batches that are not
    identified (where a domain may have appeared unseen)."""
    cov = coverage_by_batch(ds)
    missing = (cov["n_cases"] - cov["identified"]).to_list()
    out, total = {}, 0
    for b, m in zip(cov["batch"], missing):
        out[int(b)] = total
        total += int(m)
    return out


def coverage_bounds(ds: Dataset, counts: Any, label: str) -> pd.DataFrame:
    """A per-batch count of identified cases with some property, with the range its share could
    take over the announced cases (:func:`share_bounds`). ``counts`` maps batch → cases (a dict
    or Series; missing batches count 0). One row per batch: ``batch``, ``what`` (``label``),
    ``cases``, ``identified``, ``announced``, ``share_of_identified``, ``low``, ``high`` (0–1,
    unrounded)."""
    cov = coverage_by_batch(ds).set_index("batch")
    rows = []
    for b in batches(ds):
        k = int(counts.get(b, 0)) if hasattr(counts, "get") else 0
        i, a = as_int(cov.at[b, "identified"]), as_int(cov.at[b, "n_cases"])
        lo, hi = share_bounds(k, i, a)
        rows.append(
            {
                "batch": int(b),
                "what": label,
                "cases": k,
                "identified": i,
                "announced": a,
                "share_of_identified": k / i if i else float("nan"),
                "low": lo,
                "high": hi,
            }
        )
    return pd.DataFrame(rows)


def bounds_display(t: pd.DataFrame) -> pd.DataFrame:
    """A :func:`coverage_bounds` or :func:`mechanism_direction_bounds` table for reading:
    ``batch``, the count "k of n (p%)" and the range over announced cases "low–high"."""
    den = "identified" if "identified" in t.columns and "coded" not in t.columns else "coded"
    return pd.DataFrame(
        {
            "batch": t["batch"],
            "what": t["what"] if "what" in t.columns else t["direction"],
            f"of {den}": [of(k, n) for k, n in zip(t["cases"], t[den])],
            "announced": t["announced"],
            "range over announced": [f"{lo:.0%}–{hi:.0%}" for lo, hi in zip(t["low"], t["high"])],
        }
    )
