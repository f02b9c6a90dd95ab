"""Dates: the start of partial dates, their precision, and the time from a rule taking effect
to its selection as a case.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from ..dataset.load import Dataset


def partial_date_start(values: pd.Series) -> pd.Series:
    """Turn partial dates (YYYY, YYYY-MM, YYYY-MM-DD strings) into the first day of the period."""
    s = values.astype("string")
    full = s.str.pad(10, side="right", fillchar="_").str.replace(r"^(\d{4})_{6}$", r"\1-01-01", regex=True)
    full = full.str.replace(r"^(\d{4}-\d{2})_{3}$", r"\1-01", regex=True)
    return pd.to_datetime(full, format="%Y-%m-%d", errors="coerce")


def date_precision(values: pd.Series) -> pd.Series:
    """'day', 'month' or 'year' for each partial date; NA where missing."""
    n = values.astype("string").str.len()
    return n.map({10: "day", 7: "month", 4: "year"}).astype("string")


def time_to_selection(ds: Dataset) -> pd.DataFrame:
    """Cases with a known date in force: ``case_id``, ``batch``, ``title_en``, ``date_in_force``
    (as recorded), ``precision``, ``in_force`` (start of the period: a month-precision date is
    taken as the first of the month), ``announced``, ``days`` (exact days from ``in_force`` to
    the batch's announcement), ``years`` (``days / 365.25``, unrounded: round only for display)
    and ``within_two_years`` (True when the announcement falls on or before the second
    anniversary of ``in_force``, a calendar comparison, never a rounded one)."""
    c = ds.cases.dropna(subset=["date_in_force"])[["case_id", "batch", "title_en", "date_in_force"]].copy()
    c["precision"] = date_precision(c["date_in_force"])
    c["in_force"] = partial_date_start(c["date_in_force"])
    ann = dict(zip(ds.batches["batch"], ds.batches["announced"]))
    c["announced"] = pd.to_datetime(c["batch"].map(ann).astype("datetime64[ns]"))
    c["days"] = (c["announced"] - c["in_force"]).dt.days.astype("Int64")
    c["years"] = c["days"].astype("Float64") / 365.25
    c["within_two_years"] = (c["announced"] <= c["in_force"] + pd.DateOffset(years=2)).astype("boolean")
    return c.sort_values(["batch", "in_force"]).reset_index(drop=True)


def undated_cases(ds: Dataset) -> pd.DataFrame:
    """Identified cases with no date in force (the dated sample of :func:`time_to_selection` is
    what is left): ``case_id``, ``batch``, ``title_en``; in batch and id order."""
    c = ds.cases[ds.cases["date_in_force"].isna()][["case_id", "batch", "title_en"]]
    return c.sort_values(["batch", "case_id"]).reset_index(drop=True)
