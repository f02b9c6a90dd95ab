"""Whether the mix of official categories moved across batches: shares, a Monte Carlo
chi-square test with its effect size and the smallest effect it could detect.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from ..dataset.load import Dataset


def category_shares(ds: Dataset) -> pd.DataFrame:
    """Official counts and shares: ``batch``, ``category``, ``n_cases``, ``share`` (0–1 within batch)."""
    bc = ds.batch_categories[["batch", "category", "n_cases"]].copy()
    bc["n_cases"] = bc["n_cases"].astype(int)
    totals = bc.groupby("batch", observed=True)["n_cases"].transform("sum")
    bc["share"] = (bc["n_cases"] / totals).round(4)
    return bc.sort_values(["batch", "category"]).reset_index(drop=True)


def composition_table(ds: Dataset) -> pd.DataFrame:
    """Official counts as a batch × category table of ints (index ``batch``)."""
    t = ds.batch_categories.pivot_table(
        index="batch", columns="category", values="n_cases", aggfunc="sum", observed=False
    )
    return t.fillna(0).astype(int)


def composition_test(
    ds: Dataset, categories_subset: Iterable[str] | None = None, n_draws: int = 20000, seed: int = 0
) -> dict[str, Any]:
    """Test whether the category mix differs between batches more than chance would give.

    Chi-square test of homogeneity on the official batch × category counts, with a Monte Carlo
    p-value (tables with the same margins drawn at random; ``seed`` fixed so the result is
    reproducible) because expected counts are small. Categories with zero cases in every
    included batch are dropped. Returns ``chi2``, ``dof``, ``p_asymptotic``, ``p_monte_carlo``,
    ``n_draws``, ``min_expected``, ``categories`` and ``n`` (cases)."""
    from scipy.stats import chi2_contingency

    t = composition_table(ds)
    if categories_subset is not None:
        t = t[[c for c in t.columns if c in set(categories_subset)]]
    t = t.loc[:, t.sum(axis=0) > 0]
    obs = t.to_numpy()
    chi2, p, dof, expected = chi2_contingency(obs, correction=False)
    p_mc = _monte_carlo_p(obs, chi2, n_draws, seed)
    return {
        "chi2": round(float(chi2), 3),
        "dof": int(dof),
        "p_asymptotic": round(float(p), 4),
        "p_monte_carlo": round(p_mc, 4),
        "n_draws": n_draws,
        "min_expected": round(float(expected.min()), 2),
        "categories": list(t.columns),
        "n": int(obs.sum()),
    }


def _monte_carlo_p(obs: np.ndarray, chi2: float, n_draws: int, seed: int) -> float:
    """Share of random tables with the observed margins whose statistic is at least ``chi2``
    (each draw shuffles the cases' categories across batches)."""
    rng = np.random.default_rng(seed)
    rows, cols = obs.sum(axis=1), obs.sum(axis=0)
    expected = np.outer(rows, cols) / obs.sum()
    labels = np.repeat(np.arange(len(cols)), cols)
    draws = rng.permuted(np.tile(labels, (n_draws, 1)), axis=1)
    g, k = len(rows), len(cols)
    group = np.repeat(np.arange(g), rows)
    flat = (np.arange(n_draws)[:, None] * (g * k) + group[None, :] * k + draws).ravel()
    tables = np.bincount(flat, minlength=n_draws * g * k).reshape(n_draws, g, k)
    with np.errstate(divide="ignore", invalid="ignore"):
        stats = np.nansum((tables - expected) ** 2 / expected, axis=(1, 2))
    hits = int((stats >= chi2 - 1e-9).sum())
    return (hits + 1) / (n_draws + 1)


def share_shift(ds: Dataset) -> pd.DataFrame:
    """Change in each category's share between consecutive batches: ``batch``, ``category``,
    ``share``, ``change`` (percentage points versus the previous batch; NA for the first)."""
    s = category_shares(ds)
    s["change"] = (s.groupby("category", observed=True)["share"].diff() * 100).round(1)
    return s[["batch", "category", "share", "change"]]


def detectable_effect(n: int, dof: int, alpha: float = 0.05, power: float = 0.8) -> float:
    """Smallest effect size (Cohen's w) that a chi-square test with ``dof`` degrees of freedom
    on ``n`` cases detects with probability ``power`` at level ``alpha`` (noncentral chi-square;
    w = sqrt(noncentrality / n)), rounded to 2 decimals."""
    from scipy.optimize import brentq
    from scipy.stats import chi2, ncx2

    crit = chi2.ppf(1 - alpha, dof)
    lam = brentq(lambda nc: ncx2.sf(crit, dof, nc) - power, 1e-6, 1000.0)
    return round(float(np.sqrt(lam / n)), 2)


def effect_size(test: dict[str, Any]) -> float:
    """Cohen's w of a :func:`composition_test` result: sqrt(chi2 / n), 2 decimals."""
    return round(float(np.sqrt(test["chi2"] / test["n"])), 2)
