"""The findings of notebooks 02–07 as small tables, so each can be recomputed on every
sensitivity variant (:func:`gbaresearch.analysis.sensitivity.assess`) and reported as changed, held under
a variant that could have changed it, or not testable by the variants.

Every finding function takes a :class:`~gbaresearch.dataset.load.Dataset` and returns a DataFrame indexed
by a short description of the finding with two string columns: ``value`` (the finding itself: a
label, "yes"/"no", "up"/"down"/"no clear change") and ``basis`` (the counts it was computed from,
with their denominators, e.g. "4 of 7 → 2 of 11; Fisher p = 0.31"). Two variants agree on a
finding when ``value`` is the same; a variant *tested* a finding when it moved the ``basis``.
The ``*_counts`` functions give the counts behind the findings as a Series of strings.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from .. import analysis as A
from ..dataset.labels import labels as label_of
from ..dataset.labels import rows_where, values_where

if TYPE_CHECKING:
    from ..dataset.load import Dataset


#: Two-sided p-value below which a change in a share between two batches is called "up" or "down".
CHANGE_ALPHA = 0.05


def _direction(a: Any, b: Any) -> str:
    return "up" if b > a else "down" if b < a else "unchanged"


def _frame(rows: dict[str, tuple[str, str]]) -> pd.DataFrame:
    """``{finding: (value, basis)}`` as a findings DataFrame (index ``finding``; ``value``, ``basis``)."""
    out = pd.DataFrame(
        {"value": [v for v, _ in rows.values()], "basis": [b for _, b in rows.values()]},
        index=pd.Index(list(rows), name="finding"),
        dtype=object,
    )
    return out


def fisher_p(k1: int, n1: int, k2: int, n2: int) -> float:
    """Two-sided Fisher's exact test p-value for ``k1`` of ``n1`` against ``k2`` of ``n2``
    (1.0 when either denominator is 0)."""
    from scipy.stats import fisher_exact

    if n1 <= 0 or n2 <= 0:
        return 1.0
    return float(fisher_exact([[k1, n1 - k1], [k2, n2 - k2]]).pvalue)


def change(k1: int, n1: int, k2: int, n2: int) -> str:
    """ "up" or "down" when the share moves from ``k1/n1`` to ``k2/n2`` and Fisher's exact test
    gives p < :data:`CHANGE_ALPHA`; otherwise "no clear change"."""
    if fisher_p(k1, n1, k2, n2) >= CHANGE_ALPHA:
        return "no clear change"
    return _direction(k1 / n1, k2 / n2)


def _change_basis(k1: int, n1: int, k2: int, n2: int) -> str:
    return f"{A.of(k1, n1)} → {A.of(k2, n2)}; Fisher p = {fisher_p(k1, n1, k2, n2):.2f}"


def _yes(flag: Any) -> str:
    return "yes" if bool(flag) else "no"


def _share(k: Any, n: Any) -> float:
    return float(k) / float(n) if n else 0.0


# --- notebook 02: composition ---------------------------------------------------------------


def composition_change(ds: Dataset) -> pd.DataFrame:
    """Notebook 02, like for like: the categories used in every batch, with their counts in the
    first and the last batch over the cases of those categories only. One row per such
    category: ``category``, ``k_first`` (cases in the first batch), ``n_first`` (cases of the
    shared categories in the first batch), ``k_last``, ``n_last``, ``change`` (share in the last
    minus share in the first, percentage points, unrounded); in schema order."""
    table = A.composition_table(ds)
    always = [c for c in A.categories(ds) if c in table.columns and (table[c] > 0).all()]
    first, last = A.batches(ds)[0], A.batches(ds)[-1]
    counts = table[always].astype(int)
    n1, n2 = A.as_int(counts.loc[first].sum()), A.as_int(counts.loc[last].sum())
    rows = []
    for c in always:
        k1, k2 = A.as_int(counts.at[first, c]), A.as_int(counts.at[last, c])
        rows.append(
            {
                "category": c,
                "k_first": k1,
                "n_first": n1,
                "k_last": k2,
                "n_last": n2,
                "change": 100 * (_share(k2, n2) - _share(k1, n1)),
            }
        )
    return pd.DataFrame(rows)


def unused_categories(ds: Dataset) -> list[str]:
    """Categories with no case in at least one batch (the scheme did not use them there)."""
    table = A.composition_table(ds)
    return [c for c in A.categories(ds) if c not in table.columns or (table[c] == 0).any()]


# --- notebook 03: expanding fields ----------------------------------------------------------


def earlier_verdicts_firm(ds: Dataset) -> pd.DataFrame:
    """The "earlier" verdicts of :func:`gbaresearch.analysis.new_fields_check`, each checked
    again with every case whose batch membership is inferred dropped
    (:func:`gbaresearch.analysis.sensitivity.inferred_membership_cases`). One row per field with an
    "earlier" verdict (primary or secondary): ``batch``, ``field_en``, ``domain``, ``verdict``,
    ``verdict_without_inferred`` and ``firm`` (True only when the verdict is the same without
    them)."""
    from .sensitivity import drop_cases, inferred_membership_cases

    check = A.new_fields_check(ds)
    lean = A.new_fields_check(drop_cases(ds, inferred_membership_cases(ds)))
    lean_verdict = dict(zip(zip(lean["batch"], lean["field_en"]), lean["verdict"]))
    out = check[check["verdict"].str.startswith("earlier")][["batch", "field_en", "domain", "verdict"]].copy()
    out["verdict_without_inferred"] = [
        lean_verdict.get((b, f), "not coded") for b, f in zip(out["batch"], out["field_en"])
    ]
    out["firm"] = out["verdict"] == out["verdict_without_inferred"]
    return out.reset_index(drop=True)


def expanding_fields(ds: Dataset) -> pd.DataFrame:
    """Notebook 03: the verdict for each field an announcement called new (basis: the first
    batch with the domain, any and primary), the number that agree, and the domains first seen
    after the first batch (basis: the cases that carry them)."""
    check = A.new_fields_check(ds)
    rows: dict[str, tuple[str, str]] = {}
    for _, r in check.iterrows():
        basis = f"first in batch {r['first_any']} (as primary: {r['first_primary']})"
        rows[f"batch {r['batch']} '{r['field_en']}': verdict"] = (str(r["verdict"]), basis)
    agree = int((check["verdict"] == "agrees").sum())
    rows["fields first appearing in the announcing batch"] = (A.of(agree, len(check)), A.of(agree, len(check)))
    first = A.first_appearance_table(ds)
    seen = first.dropna(subset=["first_batch"])
    later = seen[seen["first_batch"] > min(A.batches(ds))]
    basis = "; ".join(f"{d}: {c}" for d, c in zip(later["domain"], later["first_cases"])) or "none"
    rows["domains first seen after the first batch"] = (", ".join(sorted(later["domain"])) or "none", basis)
    return _frame(rows)


# --- notebook 04: leads and counterparts ----------------------------------------------------


def _top_title_level(ds: Dataset) -> str:
    """The lead level most often read from a place in the title ("none" when there is none)."""
    col = A.lead_basis_table(ds)["place in title"]
    return str(col.idxmax()) if col.sum() else "none"


def leads_and_counterparts(ds: Dataset) -> pd.DataFrame:
    """Notebook 04 findings: the most common lead level among leads read from a place in the
    title (levels resting on a named body are a different measurement and are not ranked with
    them), the most common known counterpart, whether 'both' is a majority of known
    counterparts, and, labelled as coverage, the direction from the first to the last batch of
    the share of cases with a known lead, against identified and against announced cases."""
    leads = A.lead_level_by_batch(ds)
    known = leads.drop(index=A.UNKNOWN)
    cps = A.counterpart_by_batch(ds).drop(index=A.NOT_STATED).sum(axis=1)
    cov = A.coverage_by_batch(ds).set_index("batch")
    first, last = A.batches(ds)[0], A.batches(ds)[-1]
    title = A.lead_basis_table(ds)["place in title"]
    cp_basis = ", ".join(f"{k} {int(v)}" for k, v in cps.items())
    rows: dict[str, tuple[str, str]] = {
        "most common level among leads read from a place in the title": (
            _top_title_level(ds),
            ", ".join(f"{k} {int(v)}" for k, v in title.items()),
        ),
        "most common known counterpart": (str(cps.idxmax()) if cps.sum() else "none", cp_basis),
        "'both' is a majority of known counterparts": (
            _yes(A.count_of(cps, A.both_sars(ds)) > cps.sum() / 2),
            A.of(A.count_of(cps, A.both_sars(ds)), cps.sum()),
        ),
    }
    for den, label in (("identified", "identified"), ("n_cases", "announced")):
        k1, n1 = int(known[first].sum()), A.as_int(cov.at[first, den])
        k2, n2 = int(known[last].sum()), A.as_int(cov.at[last, den])
        key = f"coverage, not a finding: share with a known lead, of {label} cases, batch {first} to {last}"
        rows[key] = (_direction(_share(k1, n1), _share(k2, n2)), f"{A.of(k1, n1)} → {A.of(k2, n2)}")
    return _frame(rows)


def leads_and_counterparts_counts(ds: Dataset) -> pd.Series:
    """Notebook 04 counts behind the findings, with their denominators."""
    known = A.lead_level_by_batch(ds).drop(index=A.UNKNOWN)
    per_level = known.sum(axis=1)
    platform_led = int(per_level.reindex(A.platform_levels(ds), fill_value=0).sum())
    cps = A.counterpart_by_batch(ds).drop(index=A.NOT_STATED).sum(axis=1)
    cov = A.coverage_by_batch(ds).set_index("batch")
    out = {
        "platform-led, of cases with a known lead": A.of(platform_led, per_level.sum()),
        "platform-led, of all announced cases": A.of(platform_led, cov["n_cases"].sum()),
        "counterpart both, of cases with a known counterpart": A.of(A.count_of(cps, A.both_sars(ds)), cps.sum()),
    }
    for b in A.batches(ds):
        k = int(known[b].sum())
        out[f"batch {b}: known lead, of identified"] = A.of(k, cov.loc[b, "identified"])
        out[f"batch {b}: known lead, of announced"] = A.of(k, cov.loc[b, "n_cases"])
    return pd.Series(out, dtype="object")


# --- notebook 05: mechanisms ----------------------------------------------------------------


def mechanisms(ds: Dataset) -> pd.DataFrame:
    """Notebook 05 findings: the most used mechanism, whether one-sided mechanisms are used by
    most coded cases of the first batch, the change from the first to the last batch of the
    two-sided and the one-sided share, against coded and against announced cases ("up"/"down"
    only when Fisher's exact test gives p < :data:`CHANGE_ALPHA`, else "no clear change"), and
    whether each change is robust to coverage (:func:`gbaresearch.analysis.coverage_robust`).
    Directions come from ``vocab_mechanisms.direction``."""
    mech = A.mechanisms_by_batch(ds).drop(index=A.NOT_CODED)
    labels = {str(k): v for k, v in label_of(ds.vocab_mechanisms, "mechanism").items()}
    totals = mech.sum(axis=1)
    d = A.mechanism_direction_by_batch(ds).set_index("batch")
    two, one = A.directions(ds)
    first, last = d.index[0], d.index[-1]
    top = str(totals.idxmax())
    rows: dict[str, tuple[str, str]] = {
        "most used mechanism": (
            labels.get(top, top) if totals.sum() else "none",
            ", ".join(f"{m} {int(v)}" for m, v in totals.sort_values(ascending=False).head(3).items()),
        ),
        f"most coded cases of batch {first} use a {A.direction_name(ds, one)} mechanism": (
            _yes(d.loc[first, one] > d.loc[first, "coded"] / 2),
            A.of(d.loc[first, one], d.loc[first, "coded"]),
        ),
    }
    for side in (two, one):
        name = A.direction_name(ds, side)
        k1, k2 = int(d.loc[first, side]), int(d.loc[last, side])
        for den in ("coded", "announced"):
            n1, n2 = int(d.loc[first, den]), int(d.loc[last, den])
            rows[f"{name} share of {den} cases, batch {first} to {last}"] = (
                change(k1, n1, k2, n2),
                _change_basis(k1, n1, k2, n2),
            )
        i1, i2 = int(d.loc[first, "coded"]), int(d.loc[last, "coded"])
        a1, a2 = int(d.loc[first, "announced"]), int(d.loc[last, "announced"])
        lo1, hi1 = A.share_bounds(k1, i1, a1)
        lo2, hi2 = A.share_bounds(k2, i2, a2)
        rows[f"{name} share, batch {first} to {last}: robust to uncoded and unidentified cases"] = (
            _yes(A.coverage_robust(k1, i1, a1, k2, i2, a2)),
            f"batch {first} {lo1:.0%}–{hi1:.0%}, batch {last} {lo2:.0%}–{hi2:.0%} of announced",
        )
    return _frame(rows)


def mechanisms_counts(ds: Dataset) -> pd.Series:
    """Notebook 05 counts: per batch, cases with a two-sided and with a one-sided mechanism, of
    coded and of announced cases."""
    out = {}
    for b, r in A.mechanism_direction_by_batch(ds).set_index("batch").iterrows():
        for side in A.directions(ds):
            name = A.direction_name(ds, side)
            out[f"batch {b}: {name}, of coded"] = A.of(r[side], r["coded"])
            out[f"batch {b}: {name}, of announced"] = A.of(r[side], r["announced"])
    return pd.Series(out, dtype="object")


# --- notebook 06: deepening and timing ------------------------------------------------------


def deepening(ds: Dataset) -> pd.DataFrame:
    """Notebook 06 findings: which later batches link back to earlier cases, whether more links
    extend than deepen, whether the median time to selection is under one year and whether every
    dated case was selected within two years (exact calendar comparison, never rounded)."""
    links = A.link_table(ds)
    tts = A.time_to_selection(ds)
    deep = int(links["relation"].isin(values_where(links, "relation", "deepening", True)).sum())
    ext = int(links["relation"].isin(values_where(links, "relation", "deepening", False)).sum())
    median_days = float(tts["days"].median()) if len(tts) else float("nan")
    within = int(tts["within_two_years"].sum())
    rows: dict[str, tuple[str, str]] = {
        "later batches with a link back": (
            ", ".join(str(b) for b in sorted(links["from_batch"].dropna().unique())) or "none",
            f"{len(links)} links",
        ),
        "more links extend than deepen": (_yes(ext > deep), f"{ext} extend, {deep} deepen"),
        "median time to selection under one year": (
            _yes(len(tts) and median_days < 365.25),
            f"median {median_days:.0f} days of {len(tts)} dated cases" if len(tts) else "no dated case",
        ),
        "every dated case selected within two years": (
            _yes(len(tts) and within == len(tts)),
            A.of(within, len(tts)),
        ),
    }
    return _frame(rows)


def deepening_counts(ds: Dataset) -> pd.Series:
    """Notebook 06 counts: links, deepening links, dated cases, median years to selection
    (rounded for display only), cases selected within two years."""
    links = A.link_table(ds)
    tts = A.time_to_selection(ds)
    return pd.Series(
        {
            "links between identified cases": str(len(links)),
            "links that deepen": A.of(
                links["relation"].isin(values_where(links, "relation", "deepening", True)).sum(), len(links)
            ),
            "cases with a date in force": str(len(tts)),
            "median years from taking effect to selection": f"{tts['years'].median():.2f}" if len(tts) else "NA",
            "selected within two years": A.of(int(tts["within_two_years"].sum()), len(tts)),
        },
        dtype="object",
    )


# --- notebook 07: outcomes ------------------------------------------------------------------


def _top_pair(counts: pd.Series) -> tuple[str, str]:
    """The (case, unit) index of the largest count, or ("none", "none")."""
    if not len(counts):
        return ("none", "none")
    top: Any = counts.idxmax()
    return str(top[0]), str(top[1])


def outcomes(ds: Dataset) -> pd.DataFrame:
    """Notebook 07 findings: the case with the longest series in one unit, whether some figures
    count person-times, and whether lower bounds outnumber approximate values."""
    ind = A.indicator_table(ds)
    counts = ind.groupby(["case_id", "unit"], observed=True).size()
    case_id, unit = _top_pair(counts)
    lower = int(ind["bound"].isin(values_where(ind, "bound", "atLeast", True)).sum())
    approx = int(ind["bound"].isin(values_where(ind, "bound", "rough", True)).sum())
    person_times = int(rows_where(ind, "unit", "repeatsPeople").sum())
    return _frame(
        {
            "longest series": (
                f"{case_id} in {str(unit).replace('_', '-')}",
                f"{int(counts.max()) if len(counts) else 0} figures",
            ),
            "some figures count person-times, not persons": (_yes(person_times), A.of(person_times, len(ind))),
            "lower bounds outnumber approximate values": (_yes(lower > approx), f"{lower} lower, {approx} approximate"),
        }
    )


def outcomes_counts(ds: Dataset) -> pd.Series:
    """Notebook 07 counts: figures, cases, units, lower bounds, person-time figures."""
    ind = A.indicator_table(ds)
    return pd.Series(
        {
            "figures reported": str(len(ind)),
            "cases with a figure": str(ind["case_id"].nunique()),
            "units": str(ind["unit"].nunique()),
            "lower bounds": A.of(ind["bound"].isin(values_where(ind, "bound", "atLeast", True)).sum(), len(ind)),
            "approximate values": A.of(ind["bound"].isin(values_where(ind, "bound", "rough", True)).sum(), len(ind)),
            "person-time figures": A.of(rows_where(ind, "unit", "repeatsPeople").sum(), len(ind)),
        },
        dtype="object",
    )
