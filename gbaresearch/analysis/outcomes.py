"""Outcome series: did the schemes the cases showcase keep growing after the case was selected?

Reads ``outcome_series`` (one measure of one scheme in one unit, tied to the case that showcases
it), ``outcome_observations`` (dated values with their bound) and ``sibling_series``. A case's
*selection date* is the announcement date of its batch. Only observations with ``used = true``
enter the comparisons; the others are kept for the record (pages that disagree).

Dates are partial (YYYY, YYYY-MM, YYYY-MM-DD). An observation is placed at the **end** of its
period (a figure "as of 2024-01" counts up to 31 January), so it is *before selection* only when
its whole period ended on or before the announcement day.

Bounds are read as the sources give them (their meaning is the schema's: ``gba:atLeast`` and
``gba:rough`` of ``outcome_observations.bound``): a lower bound ("over") may be higher, so a
multiple whose latest value is a lower bound is *at least* that multiple, and one whose baseline
is a lower bound is *at most* that multiple; approximate values make it *about* that multiple. A
series whose ``measure_kind`` counts within a period (``gba:withinPeriod``) compares the same
month of two years.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..dataset.labels import values_where
from ..dataset.load import Dataset

GREW, FELL, FLAT = "grew", "fell", "flat"
UNSETTLED = "not settled by the bounds"
NO_AFTER = "no figure after selection"
ONE_AFTER = "one figure only"


def has_series(ds: Dataset) -> bool:
    """True when the dataset holds the outcome series tables."""
    return "outcome_series" in ds and "outcome_observations" in ds


def period_end(values: pd.Series) -> pd.Series:
    """The last day of each partial date's period (YYYY → 31 Dec, YYYY-MM → month end)."""
    from . import date_precision, partial_date_start

    start = partial_date_start(values)
    prec = date_precision(values)
    end = start.copy()
    month = prec == "month"
    year = prec == "year"
    end[month] = start[month] + pd.offsets.MonthEnd(0)
    end[year] = start[year] + pd.offsets.YearEnd(0)
    return end


def selection_dates(ds: Dataset) -> dict[str, pd.Timestamp]:
    """Case id → the announcement date of its batch."""
    ann = {int(b): a for b, a in zip(ds.batches["batch"], ds.batches["announced"])}
    return {str(c): pd.Timestamp(ann[int(b)]) for c, b in zip(ds.cases["case_id"], ds.cases["batch"])}


def series_table(ds: Dataset) -> pd.DataFrame:
    """The series whose case is identified, in table order: ``series_id``, ``case_id``,
    ``batch``, ``selected`` (announcement date), ``scheme_en``, ``measure_en``, ``unit``,
    ``measure_kind``, ``n_used`` and ``n_kept_out`` (observations used / not used)."""
    s = ds.outcome_series
    sel = selection_dates(ds)
    batch = dict(zip(ds.cases["case_id"].astype(str), ds.cases["batch"]))
    s = s[s["case_id"].isin(list(sel))].copy()
    obs = ds.outcome_observations
    used = obs[obs["used"].fillna(False).astype(bool)].groupby("series_id").size()
    out_ = obs[~obs["used"].fillna(False).astype(bool)].groupby("series_id").size()
    # built from the table itself, so its metadata (labels, category properties) travels along
    out = s.assign(
        batch=s["case_id"].map(batch).astype("Int64"),
        selected=pd.to_datetime(s["case_id"].map(sel)),
        n_used=s["series_id"].map(used).fillna(0).astype(int),
        n_kept_out=s["series_id"].map(out_).fillna(0).astype(int),
    )
    cols = ["series_id", "case_id", "batch", "selected", "scheme_en", "measure_en", "unit", "measure_kind"]
    out = out[cols + ["n_used", "n_kept_out"]].astype({"unit": str, "measure_kind": str})
    return out.reset_index(drop=True)


def observations(ds: Dataset, used_only: bool = True) -> pd.DataFrame:
    """Observations of the series in :func:`series_table` with ``date`` (end of the period),
    ``selected`` and ``after`` (True when the period ended after the selection date), sorted by
    series (table order) and date."""
    st = series_table(ds)
    o = ds.outcome_observations.copy()
    if used_only:
        o = o[o["used"].fillna(False).astype(bool)]
    o = o[o["series_id"].isin(list(st["series_id"]))].copy()
    o["date"] = period_end(o["as_of"])
    sel = dict(zip(st["series_id"], st["selected"]))
    o["selected"] = pd.to_datetime(o["series_id"].map(sel))
    o["after"] = o["date"] > o["selected"]
    order = {s: i for i, s in enumerate(st["series_id"])}
    o["_o"] = o["series_id"].map(order)
    return o.sort_values(["_o", "date", "observation_id"]).drop(columns="_o").reset_index(drop=True)


def _multiple(base: Any, last: Any, at_least: tuple[Any, ...], rough: tuple[Any, ...]) -> tuple[float, str, str]:
    """(multiple, qualifier, verdict) of ``last`` over ``base`` (rows with value and bound);
    ``at_least`` and ``rough`` are the bounds that mark a lower bound and an approximate value."""
    v0, v1 = float(base["value"]), float(last["value"])
    m = v1 / v0 if v0 else float("inf")
    low0, low1 = base["bound"] in at_least, last["bound"] in at_least
    if low0 and low1:
        qual = "both lower bounds"
    elif low0:
        qual = "at most"
    elif low1:
        qual = "at least"
    elif base["bound"] in rough or last["bound"] in rough:
        qual = "about"
    else:
        qual = "exactly"
    if qual in ("at most", "both lower bounds"):
        verdict = UNSETTLED if m > 1 else FELL if qual == "at most" and m < 1 else UNSETTLED
    elif m > 1:
        verdict = GREW
    elif m < 1 and qual != "at least":
        verdict = FELL
    elif m < 1:
        verdict = UNSETTLED
    else:
        verdict = FLAT
    return round(m, 2), qual, verdict


def growth_after_selection(ds: Dataset) -> pd.DataFrame:
    """Per series: did it keep growing after its case was selected?

    Columns: ``series_id``, ``case_id``, ``unit``, ``measure_kind``, ``selected``,
    ``baseline_as_of``, ``baseline`` (value), ``baseline_bound``, ``latest_as_of``, ``latest``,
    ``latest_bound``, ``multiple`` (latest / baseline, 2 decimals), ``qualifier`` (exactly,
    about, at least, at most, both lower bounds), ``verdict`` (grew, fell, flat, not settled by
    the bounds, one figure only, no figure after selection), ``compared`` (how the two points were
    chosen).

    The baseline is the last figure whose period ended on or before the selection date, or, when
    there is none, the first figure after it; the latest is the last figure. For a flow (a count
    within a month), the two points are the same calendar month in two years, the later one
    after selection, when such a pair exists."""
    st = series_table(ds)
    obs = observations(ds)
    at_least = values_where(ds.outcome_observations, "bound", "atLeast", True)
    rough = values_where(ds.outcome_observations, "bound", "rough", True)
    within = values_where(ds.outcome_series, "measure_kind", "withinPeriod", True)
    rows = []
    for s in st.itertuples(index=False):
        o = obs[obs["series_id"] == s.series_id]
        after = o[o["after"]]
        before = o[~o["after"]]
        base: Any = None
        last: Any = None
        compared = ""
        if after.empty:
            verdict, m, qual = NO_AFTER, float("nan"), ""
            if len(before):
                base = before.iloc[-1]
        else:
            if s.measure_kind in within:
                month = o["as_of"].str.slice(5, 7)
                year = o["as_of"].str.slice(0, 4)
                for i in range(len(o) - 1, -1, -1):
                    if not o["after"].iloc[i] or len(o["as_of"].iloc[i]) != 7:
                        continue
                    same = o[(month == month.iloc[i]) & (year < year.iloc[i])]
                    if len(same):
                        base, last = same.iloc[-1], o.iloc[i]
                        compared = "same month, earlier year"
                        break
            if last is None:
                last = after.iloc[-1]
                if len(before):
                    base, compared = before.iloc[-1], "last figure before selection"
                elif len(after) > 1:
                    base, compared = after.iloc[0], "first figure after selection"
            if base is None:
                verdict, m, qual = ONE_AFTER, float("nan"), ""
            else:
                m, qual, verdict = _multiple(base, last, at_least, rough)
        rows.append(
            {
                "series_id": s.series_id,
                "case_id": s.case_id,
                "unit": s.unit,
                "measure_kind": s.measure_kind,
                "selected": s.selected,
                "baseline_as_of": None if base is None else base["as_of"],
                "baseline": float("nan") if base is None else float(base["value"]),
                "baseline_bound": None if base is None else str(base["bound"]),
                "latest_as_of": None if last is None else last["as_of"],
                "latest": float("nan") if last is None else float(last["value"]),
                "latest_bound": None if last is None else str(last["bound"]),
                "multiple": m,
                "qualifier": qual,
                "verdict": verdict,
                "compared": compared,
            }
        )
    out = pd.DataFrame(rows)
    for c in ("baseline_as_of", "baseline_bound", "latest_as_of", "latest_bound"):
        out[c] = out[c].astype("string")
    return out


def verdict_counts(ds: Dataset) -> pd.Series:
    """Number of series per verdict of :func:`growth_after_selection`, in a fixed order."""
    g = growth_after_selection(ds)
    order = [GREW, FLAT, FELL, UNSETTLED, ONE_AFTER, NO_AFTER]
    return g["verdict"].value_counts().reindex(order, fill_value=0).rename("series")


def format_number(value: float) -> str:
    """A value with thousands separators, up to two decimals, without trailing zeros."""
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


_QUAL = {"exactly": "", "about": "about ", "at least": "at least ", "at most": "at most ", "both lower bounds": ""}
_QUAL_ZH = {"exactly": "", "about": "约", "at least": "至少", "at most": "至多", "both lower bounds": ""}


def outcomes_answer(ds: Dataset, lang: str = "en") -> str:
    """One sentence answering 'Did the schemes the cases showcase keep growing after
    selection?': series that grew of those comparable, those the bounds do not settle, those
    without a later figure, and the largest settled multiple. Plain text."""
    g = growth_after_selection(ds)
    n = len(g)
    counts = g["verdict"].value_counts()
    grew = int(counts.get(GREW, 0))
    comparable = int(sum(counts.get(v, 0) for v in (GREW, FLAT, FELL, UNSETTLED)))
    uns = int(counts.get(UNSETTLED, 0))
    none = int(counts.get(NO_AFTER, 0) + counts.get(ONE_AFTER, 0))
    fell = int(counts.get(FELL, 0))
    cases = g["case_id"].nunique()
    settled = g[g["verdict"] == GREW]
    top = settled.sort_values("multiple", ascending=False, kind="stable").iloc[0] if len(settled) else None
    if lang == "zh":
        s = (
            f"{cases} 个案例的 {n} 个成效序列中，可比较的 {comparable} 个里有 {grew} 个在案例入选后继续增长，"
            f"{fell} 个下降，{uns} 个因数据为下限而无法判定；{none} 个在入选后没有可比较的数据"
        )
        if top is not None:
            s += (
                f"；增幅最大的是 {top['series_id']}（{top['baseline_as_of']} 至 {top['latest_as_of']}，"
                f"{_QUAL_ZH[str(top['qualifier'])]}{top['multiple']:.1f} 倍）"
            )
        return s + "。"
    s = (
        f"Of {n} outcome series on {cases} cases, {grew} of the {comparable} that can be compared kept growing after "
        f"their case was selected, {fell} fell and {uns} cannot be settled because a figure is only a lower bound; "
        f"{none} {'has' if none == 1 else 'have'} no comparable figure after selection"
    )
    if top is not None:
        s += (
            f"; the largest settled rise is {top['series_id']}, {_QUAL[str(top['qualifier'])]}×{top['multiple']:.1f} "
            f"from {top['baseline_as_of']} to {top['latest_as_of']}"
        )
    return s + "."


def outcomes_findings(ds: Dataset) -> pd.DataFrame:
    """Notebook 07 findings on the series, in the form of :mod:`gbaresearch.analysis.findings` (index
    ``finding``; ``value``, the finding; ``basis``, the series and verdicts it rests on): the
    verdict counts and the largest settled rise."""
    g = growth_after_selection(ds)
    vc = verdict_counts(ds)
    settled = g[g["verdict"] == GREW].sort_values("multiple", ascending=False, kind="stable")
    basis = "; ".join(f"{sid}: {v}" for sid, v in zip(g["series_id"], g["verdict"])) or "no series"
    rows = {
        "series that kept growing after selection": f"{int(vc[GREW])} of {len(g)}",
        "series not settled by their bounds": f"{int(vc[UNSETTLED])} of {len(g)}",
        "series with no comparable figure after selection": f"{int(vc[NO_AFTER] + vc[ONE_AFTER])} of {len(g)}",
        "largest settled rise": "—" if settled.empty else str(settled.iloc[0]["series_id"]),
    }
    return pd.DataFrame(
        {"value": list(rows.values()), "basis": [basis] * len(rows)},
        index=pd.Index(list(rows), name="finding"),
        dtype=object,
    )


def sibling_table(ds: Dataset) -> pd.DataFrame:
    """The other official case series with ``date`` (end of the period), in table order."""
    s = ds.sibling_series.copy()
    s["date"] = period_end(s["as_of"])
    return s.reset_index(drop=True)
