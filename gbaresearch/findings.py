"""The findings of notebooks 03–07 as small Series, so each can be recomputed on every
sensitivity variant (:func:`gbaresearch.sensitivity.compare`) and reported as holding or not.

Every function takes a :class:`~gbaresearch.load.Dataset` and returns a ``pd.Series`` of
strings indexed by a short description of the finding. Findings are statements (a label,
"yes"/"no", "up"/"down"), so two variants agree exactly when the finding is the same; the
``*_counts`` functions give the counts behind them with their denominators ("4 of 7 (57%)"),
which naturally move when cases are dropped. Rows that compare batches are given twice: against
identified (or coded) cases and against the official denominators (announced cases per batch).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from . import analysis as A

if TYPE_CHECKING:
    from .load import Dataset


def _direction(a: Any, b: Any) -> str:
    return "up" if b > a else "down" if b < a else "level"


#: Two-sided p-value below which a change in a share between two batches is called "up" or "down".
CHANGE_ALPHA = 0.05


def fisher_p(k1: int, n1: int, k2: int, n2: int) -> float:
    """Two-sided Fisher's exact test p-value for ``k1`` of ``n1`` against ``k2`` of ``n2``
    (1.0 when either denominator is 0)."""
    from scipy.stats import fisher_exact

    if n1 <= 0 or n2 <= 0:
        return 1.0
    return float(fisher_exact([[k1, n1 - k1], [k2, n2 - k2]]).pvalue)


def _change(k1: int, n1: int, k2: int, n2: int) -> str:
    """ "up" or "down" when the share moves from ``k1/n1`` to ``k2/n2`` and Fisher's exact test
    gives p < :data:`CHANGE_ALPHA`; otherwise "no clear change"."""
    if fisher_p(k1, n1, k2, n2) >= CHANGE_ALPHA:
        return "no clear change"
    return _direction(k1 / n1, k2 / n2)


def expanding_fields(ds: Dataset) -> pd.Series:
    """Notebook 03: the verdict for each field an announcement called new, the number that
    agree, and the domains first seen after the first batch."""
    check = A.new_fields_check(ds)
    out = {f"batch {r['batch']} '{r['field_en']}': verdict": str(r["verdict"]) for _, r in check.iterrows()}
    out["fields first appearing in the announcing batch"] = A.of((check["verdict"] == "agrees").sum(), len(check))
    first = A.first_appearance_table(ds)
    seen = first.dropna(subset=["first_batch"])
    later = seen[seen["first_batch"] > min(A.batches(ds))]
    out["domains first seen after the first batch"] = ", ".join(sorted(later["domain"])) or "none"
    return pd.Series(out, dtype="object")


def _top_pair(counts: pd.Series) -> tuple[str, str]:
    """The (case, unit) index of the largest count, or ("none", "none")."""
    if not len(counts):
        return ("none", "none")
    top: Any = counts.idxmax()
    return str(top[0]), str(top[1])


def _yes(flag: Any) -> str:
    return "yes" if bool(flag) else "no"


def _share(k: Any, n: Any) -> float:
    return float(k) / float(n) if n else 0.0


def _top_title_level(ds: Dataset) -> str:
    """The lead level most often read from a place in the title ("none" when there is none)."""
    col = A.lead_basis_table(ds)["place in title"]
    return str(col.idxmax()) if col.sum() else "none"


def leads_and_counterparts(ds: Dataset) -> pd.Series:
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
    out = {
        "most common level among leads read from a place in the title": _top_title_level(ds),
        "most common known counterpart": str(cps.idxmax()) if cps.sum() else "none",
        "'both' is a majority of known counterparts": _yes(cps.get("both", 0) > cps.sum() / 2),
    }
    for den, label in (("identified", "identified"), ("official", "announced")):
        a = _share(known[first].sum(), cov.loc[first, den])
        b = _share(known[last].sum(), cov.loc[last, den])
        out[f"coverage, not a finding: share with a known lead, of {label} cases, batch {first} to {last}"] = (
            _direction(a, b)
        )
    return pd.Series(out, dtype="object")


def leads_and_counterparts_counts(ds: Dataset) -> pd.Series:
    """Notebook 04 counts behind the findings, with their denominators."""
    known = A.lead_level_by_batch(ds).drop(index=A.UNKNOWN)
    per_level = known.sum(axis=1)
    cps = A.counterpart_by_batch(ds).drop(index=A.NOT_STATED).sum(axis=1)
    cov = A.coverage_by_batch(ds).set_index("batch")
    out = {
        "platform-led, of cases with a known lead": A.of(per_level.get("platform", 0), per_level.sum()),
        "platform-led, of all announced cases": A.of(per_level.get("platform", 0), cov["official"].sum()),
        "counterpart both, of cases with a known counterpart": A.of(cps.get("both", 0), cps.sum()),
    }
    for b in A.batches(ds):
        k = int(known[b].sum())
        out[f"batch {b}: known lead, of identified"] = A.of(k, cov.loc[b, "identified"])
        out[f"batch {b}: known lead, of announced"] = A.of(k, cov.loc[b, "official"])
    return pd.Series(out, dtype="object")


def mechanisms(ds: Dataset) -> pd.Series:
    """Notebook 05 findings: the most used mechanism, whether one-sided mechanisms are used by
    most coded cases of the first batch, and the change from the first to the last batch of the
    two-sided and the one-sided share, against coded and against announced cases ("up"/"down"
    only when Fisher's exact test gives p < :data:`CHANGE_ALPHA`, else "no clear change").
    Directions come from ``vocab_mechanisms.direction``."""
    mech = A.mechanisms_by_batch(ds).drop(index=A.NOT_CODED)
    labels = A.vocab_labels(ds, "mechanisms")
    totals = mech.sum(axis=1)
    d = A.mechanism_direction_by_batch(ds).set_index("batch")
    first, last = d.index[0], d.index[-1]
    top = str(totals.idxmax())
    out = {
        "most used mechanism": labels.get(top, top) if totals.sum() else "none",
        f"most coded cases of batch {first} use a one-sided mechanism": _yes(
            d.loc[first, "one_sided"] > d.loc[first, "coded"] / 2
        ),
    }
    for side in ("two_sided", "one_sided"):
        name = side.replace("_", "-")
        for den in ("coded", "announced"):
            out[f"{name} share of {den} cases, batch {first} to {last}"] = _change(
                int(d.loc[first, side]), int(d.loc[first, den]), int(d.loc[last, side]), int(d.loc[last, den])
            )
    return pd.Series(out, dtype="object")


def mechanisms_counts(ds: Dataset) -> pd.Series:
    """Notebook 05 counts: per batch, cases with a two-sided and with a one-sided mechanism, of
    coded and of announced cases."""
    out = {}
    for b, r in A.mechanism_direction_by_batch(ds).set_index("batch").iterrows():
        for side in ("two_sided", "one_sided"):
            name = side.replace("_", "-")
            out[f"batch {b}: {name}, of coded"] = A.of(r[side], r["coded"])
            out[f"batch {b}: {name}, of announced"] = A.of(r[side], r["announced"])
    return pd.Series(out, dtype="object")


def deepening(ds: Dataset) -> pd.Series:
    """Notebook 06 findings: which later batches link back to earlier cases, whether more links
    extend than deepen, whether the median time to selection is under one year and whether every
    dated case was selected within two years."""
    links = A.link_table(ds)
    tts = A.time_to_selection(ds)
    out = {
        "later batches with a link back": ", ".join(str(b) for b in sorted(links["from_batch"].dropna().unique()))
        or "none",
        "more links extend than deepen": _yes(
            (links["relation"] == "extends").sum() > (links["relation"] == "deepens").sum()
        ),
        "median time to selection under one year": _yes(len(tts) and tts["years"].median() < 1),
        "every dated case selected within two years": _yes(len(tts) and (tts["years"] <= 2).all()),
    }
    return pd.Series(out, dtype="object")


def deepening_counts(ds: Dataset) -> pd.Series:
    """Notebook 06 counts: links, deepening links, dated cases, median years to selection."""
    links = A.link_table(ds)
    tts = A.time_to_selection(ds)
    return pd.Series(
        {
            "links between identified cases": str(len(links)),
            "links that deepen": A.of((links["relation"] == "deepens").sum(), len(links)),
            "cases with a date in force": str(len(tts)),
            "median years from taking effect to selection": f"{tts['years'].median():.1f}" if len(tts) else "NA",
            "selected within two years": A.of((tts["years"] <= 2).sum(), len(tts)),
        },
        dtype="object",
    )


def outcomes(ds: Dataset) -> pd.Series:
    """Notebook 07 findings: the case with the longest series in one unit, whether some figures
    count person-times, and whether lower bounds outnumber approximate values."""
    ind = A.indicator_table(ds)
    counts = ind.groupby(["case_id", "unit"], observed=True).size()
    case_id, unit = _top_pair(counts)
    return pd.Series(
        {
            "longest series": f"{case_id} in {str(unit).replace('_', '-')}",
            "some figures count person-times, not persons": _yes((ind["unit"] == "person_times").any()),
            "lower bounds outnumber approximate values": _yes(
                (ind["bound"] == "lower").sum() > (ind["bound"] == "approximate").sum()
            ),
        },
        dtype="object",
    )


def outcomes_counts(ds: Dataset) -> pd.Series:
    """Notebook 07 counts: figures, cases, units, lower bounds, person-time figures."""
    ind = A.indicator_table(ds)
    return pd.Series(
        {
            "figures reported": str(len(ind)),
            "cases with a figure": str(ind["case_id"].nunique()),
            "units": str(ind["unit"].nunique()),
            "lower bounds": A.of((ind["bound"] == "lower").sum(), len(ind)),
            "approximate values": A.of((ind["bound"] == "approximate").sum(), len(ind)),
            "person-time figures": A.of((ind["unit"] == "person_times").sum(), len(ind)),
        },
        dtype="object",
    )


def holds_sentence(table: pd.DataFrame, differs: pd.Series) -> str:
    """Markdown: how many findings of a :func:`gbaresearch.sensitivity.compare` table hold in
    every variant, and for each that changes, its value in every variant. Data text escaped."""
    variants = list(table.columns)
    changed = table[differs]
    n, k = len(table), int(differs.sum())
    names = ", ".join(f"*{A.md_escape(v)}*" for v in variants[1:]) or "no other variant"
    head = f"Variants compared: {names}. **{n - k} of {n} findings hold in every variant.**"
    if not k:
        return head + " None changes."
    items = []
    for idx, row in changed.astype(object).iterrows():
        label = " · ".join(map(str, idx)) if isinstance(idx, tuple) else str(idx)
        vals = "; ".join(f"{A.md_escape(v)}: {A.md_escape(row[v])}" for v in variants)
        items.append(f"- {A.md_escape(label)} changes ({vals})")
    return head + f" {k} change{'s' if k > 1 else ''}:\n\n" + "\n".join(items)
