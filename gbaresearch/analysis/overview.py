"""What the dataset holds: its batches, categories and tables, the identified cases in one
table, the markers for missing values, and small text helpers the notebooks share.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from ..dataset import labels as _lab
from .markdown import escape

if TYPE_CHECKING:
    from ..dataset.load import Dataset


NOT_CODED = "(not coded)"


UNKNOWN = "(unknown)"


NOT_STATED = "(not stated)"


def categories(ds: Dataset) -> list[str]:
    """Official categories in their schema order."""
    return list(ds.batch_categories["category"].cat.categories)


def batches(ds: Dataset) -> list[int]:
    """Batch numbers in order."""
    return list(ds.batches["batch"].cat.categories)


def table_overview(ds: Dataset) -> pd.DataFrame:
    """One row per table: ``table``, ``kind`` (official / reference / project_coding), ``rows``,
    ``columns``, ``title``, ``description``; in the package's order."""
    rows = []
    for res in ds.package.resources:
        df = ds[res.name]
        rows.append(
            {
                "table": res.name,
                "kind": res.provenance,
                "rows": len(df),
                "columns": df.shape[1],
                "title": res.title,
                "description": res.description,
            }
        )
    return pd.DataFrame(rows)


def md_escape(text: object) -> str:
    """``text`` escaped for the notebooks' Markdown (``IPython.display.Markdown``):
    :func:`gbaresearch.analysis.markdown.escape`, so data never becomes markup, links, HTML or
    mathematics."""
    return escape(text)


def of(k: Any, n: Any) -> str:
    """'k of n (p%)': a count with its denominator; 'k of 0' when n is 0."""
    k, n = int(k), int(n)
    return f"{k} of {n} ({k / n:.0%})" if n else f"{k} of 0"


def as_int(value: Any) -> int:
    """``int(value)`` for a table cell (typed loosely by pandas)."""
    return int(value)


def identified_cases(ds: Dataset) -> pd.DataFrame:
    """One row per identified case, for reading: ``case_id``, ``batch``, ``title_zh``,
    ``title_en``, ``title_status``, ``category`` (English label, with "(inferred)" when this
    project's inference, NA when unknown), ``lead_level`` (English label), ``lead_place``
    (English name), ``counterpart``; in batch and id order."""
    c = ds.cases
    labels = _lab.labels(c, "category")
    cat = c["category"].astype(object).map(labels)
    cat = cat.where(~_lab.rows_where(c, "category_status", "byProject"), cat + " (inferred)")
    place = _lab.labels(c, "lead_place")
    out = pd.DataFrame(
        {
            "case_id": c["case_id"],
            "batch": c["batch"],
            "title_zh": c["title_zh"],
            "title_en": c["title_en"],
            "title_status": c["title_status"],
            "category": cat.astype("string"),
            "lead_level": c["lead_level"].astype(object).map(_lab.labels(c, "lead_level")).astype("string"),
            "lead_place": c["lead_place"].astype(object).map(place).astype("string"),
            "counterpart": c["counterpart"].astype("string"),
        }
    )
    return out.sort_values(["batch", "case_id"]).reset_index(drop=True)


def coded_per_batch(ds: Dataset) -> pd.Series:
    """Identified cases with at least one mechanism coded, per batch (index: batches)."""
    coded = ds.cases[ds.cases["case_id"].isin(ds.case_mechanisms["case_id"])]
    return coded.groupby("batch", observed=False).size().reindex(batches(ds), fill_value=0)
