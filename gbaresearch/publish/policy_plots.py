"""Figures for the policy frame (notebook 11) and the outcome series (notebook 07).

Plain charts: one message per figure, direct labels instead of legends where possible, units in
every panel title, never two units on one axis. Importing this module imports matplotlib; the
package itself does not.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from ..dataset.labels import labels, properties, values_where
from .plotting import GREY, PALETTE, plain, thousands


def share_bounds(ax: Axes, table: pd.DataFrame, what: str, color: str = PALETTE[0], noun: str = "coded") -> None:
    """One row per batch: a dot at ``share`` (of the cases coded) and a bar from ``low`` to
    ``high`` (bounds over the announced cases: every case not coded or not identified out / in),
    labelled 'k of n coded · bounds lo–hi%' (``noun`` names what n counts). ``table`` has ``batch``, ``k`` (or the column named
    by ``what``), ``n``, ``announced``, ``share``, ``low``, ``high``."""
    rows = list(range(len(table)))
    k_col = "k" if "k" in table.columns else what
    r: Any
    for y, r in zip(rows, table.itertuples(index=False)):
        low, high, share = float(r.low), float(r.high), float(r.share)
        ax.plot([low, high], [y, y], color=GREY, linewidth=6, solid_capstyle="butt", zorder=1)
        if share == share:
            ax.scatter([share], [y], color=color, s=60, zorder=3)
        k, n, m = int(getattr(r, k_col)), int(r.n), int(r.announced)
        ax.text(
            1.02,
            y,
            plain(f"{k} of {n} {noun} · bounds {low:.0%}–{high:.0%} of {m} announced"),
            va="center",
            fontsize=8.5,
            transform=ax.get_yaxis_transform(),
        )
    ax.set_yticks(rows, [f"Batch {b}" for b in table["batch"]])
    ax.set_xlim(0, 1)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.grid(axis="y", visible=False)
    ax.set_xlabel(plain(f"Share of cases {what}"))


def lag_dots(ax: Axes, lag: pd.DataFrame, plan_labels: dict[str, str]) -> None:
    """Years from a plan's issue to the announcement of the batch that showcased a case carrying
    it out: one row per plan, one dot per case (jittered by batch), median marked."""
    plans = [p for p in plan_labels if p in set(lag["plan_id"])]
    for y, p in enumerate(plans):
        sub = lag[lag["plan_id"] == p]
        ax.scatter(sub["years_to_selection"], [y] * len(sub), color=PALETTE[0], alpha=0.7, s=40, zorder=3)
        med = float(sub["years_to_selection"].median())
        ax.plot([med, med], [y - 0.3, y + 0.3], color="0.2", linewidth=2, zorder=4)
        ax.text(med, y - 0.35, f"median {med:.1f} (n = {len(sub)})", fontsize=8, ha="center", va="bottom", color="0.25")
    ax.set_yticks(range(len(plans)), [plain(plan_labels[p]) for p in plans])
    ax.set_ylim(len(plans) - 0.4, -0.8)
    ax.set_xlim(left=min(0.0, float(lag["years_to_selection"].min()) - 0.2) if len(lag) else 0.0)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel("Years from the plan's issue to the announcement of the case's batch")


def _bound_points(
    ax: Axes, dates: Sequence[Any], values: Sequence[float], bounds: Sequence[Any], color: str, meaning: _Bounds
) -> None:
    for d, v, b in zip(dates, values, bounds):
        ax.scatter(
            [d],
            [v],
            marker="^" if b in meaning.at_least else "o",
            s=42,
            zorder=4,
            facecolors="white" if b in meaning.rough else color,
            edgecolors=color,
            linewidths=1.4,
        )
        if b in meaning.at_least:
            ax.annotate(
                "",
                xy=(d, v * 1.12 if v else 1),
                xytext=(d, v),
                arrowprops={"arrowstyle": "->", "color": color, "lw": 1},
                zorder=3,
            )


class _Bounds(NamedTuple):
    """What the schema says the bounds of ``outcome_observations`` mean: the values that are
    lower bounds, those that are approximate, and each value's mark before a number."""

    at_least: tuple[Any, ...]
    rough: tuple[Any, ...]
    mark: dict[Any, str]


def _bounds(obs: pd.DataFrame) -> _Bounds:
    return _Bounds(
        values_where(obs, "bound", "atLeast", True),
        values_where(obs, "bound", "rough", True),
        {v: str(p.get("gba:mark", "")) for v, p in properties(obs, "bound").items()},
    )


def _short(value: float) -> str:
    a = abs(value)
    if a >= 1e6:
        return f"{value / 1e6:.2f}".rstrip("0").rstrip(".") + " m"
    if a >= 1e4:
        return f"{value / 1e3:.0f}k"
    if a >= 100 or value == int(value):
        return thousands(value)
    return f"{value:.2f}".rstrip("0").rstrip(".")


def series_panels(
    fig: Figure,
    series: pd.DataFrame,
    obs: pd.DataFrame,
    unit_labels: dict[str, str],
    ncols: int = 3,
) -> list[Axes]:
    """Small multiples, one panel per series (``series``: rows of
    :func:`gbaresearch.analysis.outcomes.series_table`; ``obs``: :func:`gbaresearch.analysis.outcomes.observations`).
    Each panel has its own y axis in the series' unit (named in the panel title), a shared date
    axis, the case's selection date as a dashed line, points by bound (filled: exact; hollow:
    approximate; triangle with arrow: lower bound, the true value is higher), a thin line joining
    the points of a cumulative series, and the first and last values labelled."""
    n = len(series)
    meaning = _bounds(obs)
    within = values_where(series, "measure_kind", "withinPeriod", True)
    kinds = labels(series, "measure_kind")
    nrows = max(1, int(np.ceil(n / ncols)))
    axes = fig.subplots(nrows, ncols, sharex=True, squeeze=False).ravel().tolist()
    dmin = min(obs["date"].min(), series["selected"].min()) - pd.Timedelta(days=60)
    dmax = obs["date"].max() + pd.Timedelta(days=60)
    s: Any
    for ax, s in zip(axes, series.itertuples(index=False)):
        o = obs[obs["series_id"] == s.series_id]
        color = PALETTE[0]
        if s.measure_kind not in within and len(o) > 1:
            ax.plot(o["date"], o["value"], color=color, linewidth=0.8, alpha=0.6, zorder=2)
        _bound_points(ax, list(o["date"]), [float(v) for v in o["value"]], list(o["bound"]), color, meaning)
        sel = pd.Timestamp(s.selected)
        ax.axvline(sel, color="0.35", linestyle="--", linewidth=1, zorder=1)
        top = float(o["value"].max()) if len(o) else 1.0
        ax.set_ylim(0, top * 1.35 if top else 1)
        ax.text(
            sel, top * 1.28 if top else 0.9, f" selected {sel:%Y-%m-%d}", fontsize=7, color="0.3", va="top", ha="left"
        )
        for i in sorted({0, len(o) - 1}) if len(o) else []:
            r = o.iloc[i]
            ax.annotate(
                f"{meaning.mark.get(r['bound'], '')}{_short(float(r['value']))}",
                (r["date"], float(r["value"])),
                xytext=(0, -12 if i == 0 and len(o) > 1 and float(r["value"]) > 0.2 * top else 7),
                textcoords="offset points",
                fontsize=7.5,
                ha="center",
            )
        unit = unit_labels.get(str(s.unit), str(s.unit))
        kind = "in the month" if s.measure_kind in within else kinds[s.measure_kind].lower()
        ax.set_title(plain(f"{s.series_id} · {s.case_id}\n{unit}, {kind}"), fontsize=8.5, loc="left")
        ax.yaxis.set_major_formatter(lambda x, _pos: _short(float(x)))
        ax.tick_params(labelsize=7.5, labelbottom=True)
        ax.set_xlim(dmin, dmax)
        ax.xaxis.set_major_locator(mdates.YearLocator())  # type: ignore[no-untyped-call]
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))  # type: ignore[no-untyped-call]
    for ax in axes[n:]:
        ax.set_visible(False)
    return axes[:n]
