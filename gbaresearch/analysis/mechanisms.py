"""How rules are connected: mechanisms by batch, their direction (one-sided or two-sided),
and the links between cases.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..dataset import labels as _lab
from .coverage import coverage_by_batch, share_bounds
from .overview import NOT_CODED, as_int, batches

if TYPE_CHECKING:
    from ..dataset.load import Dataset


def mechanisms_by_batch(ds: Dataset) -> pd.DataFrame:
    """Cases per mechanism and batch: rows = mechanisms (vocabulary order) plus ``(not coded)``
    for identified cases with no mechanism coding; columns = batches."""
    cm = ds.case_mechanisms.merge(ds.cases[["case_id", "batch"]], on="case_id")
    t = pd.crosstab(cm["mechanism"], cm["batch"]).reindex(
        index=list(ds.vocab_mechanisms["mechanism"]), columns=batches(ds), fill_value=0
    )
    uncoded = ds.cases[~ds.cases["case_id"].isin(ds.case_mechanisms["case_id"])]
    t.loc[NOT_CODED] = uncoded.groupby("batch", observed=False).size().reindex(batches(ds), fill_value=0).to_numpy()
    t.index.name, t.columns.name = "mechanism", "batch"
    return t


def mechanism_shares(ds: Dataset) -> pd.DataFrame:
    """Share of coded cases in each batch that use each mechanism (a case can use several, so
    shares add up to more than 1): rows = mechanisms, columns = batches, values 0–1."""
    t = mechanisms_by_batch(ds).drop(index=NOT_CODED)
    coded = ds.cases[ds.cases["case_id"].isin(ds.case_mechanisms["case_id"])]
    n = coded.groupby("batch", observed=False).size().reindex(batches(ds), fill_value=0)
    out: pd.DataFrame = (t / n.astype(float).replace(0.0, np.nan)).round(3)
    return out


def link_table(ds: Dataset) -> pd.DataFrame:
    """Links between cases with context: ``from_case_id``, ``from_batch``, ``from_title``,
    ``to_case_id``, ``to_batch``, ``to_title``, ``relation``, ``link_status``, ``basis``."""
    c = ds.cases.set_index("case_id")
    l = ds.case_links.copy()
    for side in ("from", "to"):
        ids = l[f"{side}_case_id"]
        l[f"{side}_batch"] = ids.map(c["batch"].astype(int)).astype("Int64")
        l[f"{side}_title"] = ids.map(c["title_en"]).astype("string")
    cols = [
        "from_case_id",
        "from_batch",
        "from_title",
        "to_case_id",
        "to_batch",
        "to_title",
        "relation",
        "link_status",
        "basis",
    ]
    return l[cols].sort_values(["from_batch", "from_case_id", "to_case_id"]).reset_index(drop=True)


def directions(ds: Dataset) -> tuple[Any, Any]:
    """The ``vocab_mechanisms.direction`` values of a two-sided and of a one-sided mechanism
    (the categories whose ``gba:sides`` is 2 and 1), as stored."""
    vm = ds.vocab_mechanisms
    return _lab.values_where(vm, "direction", "sides", 2)[0], _lab.values_where(vm, "direction", "sides", 1)[0]


def direction_name(ds: Dataset, direction: Any, lang: str = "en") -> str:
    """How a direction reads in a sentence: its schema label, lower case in English
    ("two-sided"), as it is in Chinese ("双向")."""
    label = _lab.labels(ds.vocab_mechanisms, "direction", lang)[direction]
    return label.lower() if lang == "en" else label


def mechanism_direction(ds: Dataset) -> dict[str, str]:
    """Direction of each mechanism as stored in ``vocab_mechanisms.direction`` (keys: mechanism
    codes; values: direction codes)."""
    v = ds.vocab_mechanisms
    return dict(zip(v["mechanism"].astype(str), v["direction"].astype(str)))


def mechanism_direction_by_batch(ds: Dataset) -> pd.DataFrame:
    """Cases using at least one two-sided / one-sided mechanism (:func:`directions`), per batch:
    ``batch``, ``announced`` (official cases), ``identified``, ``coded`` (identified with
    mechanism coding), then one column per direction named by its code, two-sided first (cases;
    a case can count in both)."""
    cm = ds.case_mechanisms.merge(ds.cases[["case_id", "batch"]], on="case_id")
    cm["direction"] = cm["mechanism"].astype(str).map(mechanism_direction(ds))
    cov = coverage_by_batch(ds).set_index("batch")
    rows = []
    for b in batches(ds):
        sub = cm[cm["batch"] == b]
        row = {
            "batch": int(b),
            "announced": as_int(cov.loc[b, "n_cases"]),
            "identified": as_int(cov.loc[b, "identified"]),
            "coded": int(sub["case_id"].nunique()),
        }
        for side in directions(ds):
            row[side] = int(sub.loc[sub["direction"] == side, "case_id"].nunique())
        rows.append(row)
    return pd.DataFrame(rows)


def mechanism_direction_bounds(ds: Dataset) -> pd.DataFrame:
    """For each batch and direction, the share of coded cases and the range it could take over
    the announced cases (:func:`share_bounds`: uncoded and unidentified cases all without the
    direction, then all with it): ``batch``, ``direction`` ("two-sided", "one-sided"), ``cases``,
    ``coded``, ``announced``, ``share_of_coded``, ``low``, ``high`` (0–1, unrounded)."""
    rows = []
    for _, r in mechanism_direction_by_batch(ds).iterrows():
        for side in directions(ds):
            k, i, a = int(r[side]), int(r["coded"]), int(r["announced"])
            lo, hi = share_bounds(k, i, a)
            rows.append(
                {
                    "batch": int(r["batch"]),
                    "direction": direction_name(ds, side),
                    "cases": k,
                    "coded": i,
                    "announced": a,
                    "share_of_coded": k / i if i else float("nan"),
                    "low": lo,
                    "high": hi,
                }
            )
    return pd.DataFrame(rows)
