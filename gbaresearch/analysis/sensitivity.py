"""Sensitivity variants: the same analysis on the data as coded and on reasonable alternatives.

A finding that rests on identified cases or on this project's coding should not hinge on a few
weak cases or on one coder's judgement. :func:`variants` returns the dataset in up to three
forms, built from the data (nothing is hard-coded):

- ``"as coded"``: the dataset as loaded;
- ``"without machine-translation-only cases"``: every identified case whose ``case_sources`` rows
  all cite sources of kind ``machine_translation`` is removed, with every row that refers to it in
  the case-level tables (see :func:`machine_translation_only_cases`);
- ``"without weakly evidenced cases"``: cases whose batch membership is this project's
  inference (``cases.batch_status``) or whose listing rests only on copies (every ``listed``
  source a mirror or a repost) removed (see :func:`weak_evidence_cases`);
- ``"alternative classing"``: mechanism directions as the alternative the codebook set aside
  (``vocab_mechanisms.direction_alt``, e.g. joint organisation as two-sided);
- ``"first coder, before reconciliation"`` and ``"second coder"``: the project coding as each of
  the two independent codings had it (present when the dataset holds the second coding).

:func:`compare` runs one analysis function on every variant and returns the results side by side;
:func:`assess` also says, for each finding, whether a variant could have changed it (its basis
moved) or whether no variant touched it ("not testable by these variants").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pandas as pd

from ..dataset.labels import rows_where, values_where
from ..dataset.load import Dataset
from .provenance import Kinds, source_kinds

AS_CODED = "as coded"
WITHOUT_MT = "without machine-translation-only cases"
WITHOUT_WEAK = "without weakly evidenced cases"
ALT_CLASSING = "alternative classing"
FIRST_CODER = "first coder, before reconciliation"
SECOND_CODER = "second coder"

#: Columns that hold a key of ``cases``: a row with one of the dropped cases in any of them is dropped.
CASE_KEY_COLUMNS = ("case_id", "from_case_id", "to_case_id")

#: First-coding table → second-coding table with the same kind of rows.
SECOND_CODING_TABLES = {
    "case_domains": "coding_second_domains",
    "case_mechanisms": "coding_second_mechanisms",
    "case_links": "coding_second_links",
    "cases": "coding_second_counterparts",
}


def _new_dataset(ds: Dataset, frames: dict[str, pd.DataFrame]) -> Dataset:
    """A :class:`Dataset` holding ``frames`` with the attributes of ``ds`` (version, data
    directory, parsed package: none of them a DataFrame)."""
    out = Dataset.__new__(type(ds))
    dict.update(out, frames)
    out.__dict__.update(ds.__dict__)
    return out


def copy_dataset(ds: Dataset) -> Dataset:
    """A deep copy of ``ds``: every frame copied, same ``version`` and ``data_dir``."""
    return _new_dataset(ds, {name: df.copy(deep=True) for name, df in ds.items()})


def machine_translation_only_cases(ds: Dataset) -> list[str]:
    """Identified cases known only from machine translations: every ``case_sources`` row of the
    case cites a source of a kind the schema marks ``gba:translation`` (cases with no row are not counted).
    Returns the case ids in the order of ``cases``."""
    kind = dict(zip(ds.sources["source_id"], ds.sources["kind"].astype(str)))
    cs = ds.case_sources
    is_mt = cs["source_id"].map(kind).isin(source_kinds(ds, TRANSLATION_KINDS))
    all_mt = is_mt.groupby(cs["case_id"].astype(str)).all()
    only = set(all_mt[all_mt].index)
    return [c for c in ds.cases["case_id"] if c in only]


#: Source kinds that are copies of another outlet's page, not translations (a listing resting
#: only on these is weak).
COPY_KINDS = Kinds("counts_as", "copy", excluding="translation")

#: Source kinds that are automatic translations (``gba:translation``).
TRANSLATION_KINDS = Kinds("translation", True)


def inferred_membership_cases(ds: Dataset) -> list[str]:
    """Identified cases whose batch membership is this project's inference
    (a ``cases.batch_status`` whose ``gba:byProject`` is true), in the order of ``cases``; []
    when the column is absent."""
    if "batch_status" not in ds.cases.columns:
        return []
    c = ds.cases
    return [str(x) for x in c.loc[rows_where(c, "batch_status", "byProject"), "case_id"]]


def copy_listed_cases(ds: Dataset) -> list[str]:
    """Identified cases whose every ``listed`` row in ``case_sources`` cites a copy (a source of
    a kind in :data:`COPY_KINDS`), in the order of ``cases``."""
    kind = dict(zip(ds.sources["source_id"], ds.sources["kind"].astype(str)))
    cs = ds.case_sources[rows_where(ds.case_sources, "fact", "membership")]
    is_copy = cs["source_id"].map(kind).isin(source_kinds(ds, COPY_KINDS))
    all_copy = is_copy.groupby(cs["case_id"].astype(str)).all()
    only = set(all_copy[all_copy].index)
    return [c for c in ds.cases["case_id"] if c in only]


def weak_evidence_cases(ds: Dataset) -> list[str]:
    """:func:`inferred_membership_cases` and :func:`copy_listed_cases` together, in the order of
    ``cases``."""
    weak = set(inferred_membership_cases(ds)) | set(copy_listed_cases(ds))
    return [c for c in ds.cases["case_id"] if c in weak]


def alternative_classing(ds: Dataset) -> Dataset:
    """A copy of ``ds`` whose ``vocab_mechanisms.direction`` takes ``direction_alt`` wherever
    that is given (the alternative the codebook considered and set aside); a copy unchanged when
    the column is absent."""
    out = copy_dataset(ds)
    v = out["vocab_mechanisms"]
    if "direction_alt" in v.columns:
        alt = v["direction_alt"].astype(object)
        v["direction"] = v["direction"].astype(object).where(alt.isna(), alt).astype(v["direction"].dtype)
    return out


def has_alternative_classing(ds: Dataset) -> bool:
    """True when some mechanism has an alternative direction (``vocab_mechanisms.direction_alt``)."""
    v = ds.vocab_mechanisms
    return "direction_alt" in v.columns and bool(v["direction_alt"].notna().any())


def drop_cases(ds: Dataset, case_ids: Iterable[str]) -> Dataset:
    """A copy of ``ds`` without the cases ``case_ids`` and without every row of any table that
    refers to one of them in a case-key column (``case_id``, ``from_case_id``, ``to_case_id``).
    Rows whose case key is missing (batch-level corrections) are kept. Indexes are reset."""
    drop = set(case_ids)
    frames = {}
    for name, df in ds.items():
        keep = pd.Series(True, index=df.index)
        for col in CASE_KEY_COLUMNS:
            if col in df.columns:
                keep &= ~df[col].isin(drop).fillna(False).astype(bool)
        frames[name] = df[keep].reset_index(drop=True).copy(deep=True)
    return _new_dataset(ds, frames)


def has_second_coding(ds: Dataset) -> bool:
    """True when the dataset holds all four second-coding tables."""
    return all(t in ds for t in SECOND_CODING_TABLES.values())


def like_frame(template: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """``new``'s rows in ``template``'s columns, dtypes and metadata (``attrs``); columns ``new``
    lacks are missing."""
    cols: dict[str, Any] = {}
    for col in template.columns:
        dtype = template[col].dtype
        if col in new.columns:
            values = new[col].astype(object).where(new[col].notna(), None).tolist()
        else:
            values = [None] * len(new)
        if isinstance(dtype, pd.CategoricalDtype):
            cols[col] = pd.Categorical(values, categories=dtype.categories, ordered=dtype.ordered)
        else:
            cols[col] = pd.array(values, dtype=dtype)  # type: ignore[arg-type]
    out = pd.DataFrame(cols, index=pd.RangeIndex(len(new)))
    out.attrs.update(template.attrs)  # the template's metadata (labels, category properties) too
    return out


def second_coding(ds: Dataset) -> Dataset:
    """A copy of ``ds`` with the project coding replaced by the second coding:

    - ``case_domains``, ``case_mechanisms``, ``case_links``: the rows of ``coding_second_domains``,
      ``coding_second_mechanisms``, ``coding_second_links`` (columns the second coding lacks, such
      as a link's ``source_id``, are missing);
    - ``cases.counterpart`` of cases whose ``counterpart_status`` is ``inferred`` or missing: the
      second coder's value from ``coding_second_counterparts`` (status ``inferred`` when a value
      is given, missing otherwise). Stated counterparts are official facts and stay.

    Raises ``KeyError`` when a second-coding table is missing."""
    missing = [t for t in SECOND_CODING_TABLES.values() if t not in ds]
    if missing:
        raise KeyError(f"second-coding tables missing: {', '.join(missing)}")
    out = copy_dataset(ds)
    for first in ("case_domains", "case_mechanisms", "case_links"):
        out[first] = like_frame(ds[first], ds[SECOND_CODING_TABLES[first]])
    cases = out["cases"]
    second = ds["coding_second_counterparts"]
    value = dict(zip(second["case_id"], second["counterpart"].astype(object).where(second["counterpart"].notna())))
    coded = cases["counterpart_status"].isna() | rows_where(cases, "counterpart_status", "byProject")
    recode = coded & cases["case_id"].isin(list(value))
    new = cases.loc[recode, "case_id"].map(value)
    cases.loc[recode, "counterpart"] = new.where(new.notna(), None).tolist()
    inferred = values_where(cases, "counterpart_status", "byProject", True)[0]
    status = [inferred if pd.notna(v) else None for v in new]
    cases.loc[recode, "counterpart_status"] = status
    return out


def first_coding(ds: Dataset) -> Dataset:
    """A copy of ``ds`` with the project coding set back to the first coder's values before
    reconciliation (:func:`gbaresearch.analysis.reliability.first_coding`: the final tables with every unit
    of ``coding_reconciliation`` given its ``first_value``).

    Rebuilt rows keep the final row's ``basis``, ``link_status`` and ``source_id`` where the same
    row exists in the final coding; rows only the first coder had get those missing (links:
    ``link_status`` ``inferred``, as every project link is)."""
    from .reliability import first_coding as coding_before

    c = coding_before(ds)
    out = copy_dataset(ds)
    dom = ds["case_domains"].set_index(["case_id", "domain"])["basis"].to_dict()
    rows = [
        {"case_id": cid, "domain": d, "is_primary": d == c.primary.get(cid), "basis": dom.get((cid, d))}
        for cid in c.cases
        for d in sorted(c.domains.get(cid, set()), key=lambda d: (d != c.primary.get(cid), d))
    ]
    out["case_domains"] = like_frame(
        ds["case_domains"], pd.DataFrame(rows, columns=["case_id", "domain", "is_primary", "basis"])
    )
    mech = ds["case_mechanisms"].set_index(["case_id", "mechanism"])["basis"].to_dict()
    rows = [
        {"case_id": cid, "mechanism": m, "basis": mech.get((cid, m))}
        for cid in c.cases
        for m in sorted(c.mechanisms.get(cid, set()))
    ]
    out["case_mechanisms"] = like_frame(
        ds["case_mechanisms"], pd.DataFrame(rows, columns=["case_id", "mechanism", "basis"])
    )
    final_links = ds["case_links"].set_index(["from_case_id", "to_case_id"])
    inferred_link = values_where(ds["case_links"], "link_status", "byProject", True)[0]
    rows = []
    for (a, b), relation in sorted(c.links.items()):
        known = (a, b) in final_links.index
        rows.append(
            {
                "from_case_id": a,
                "to_case_id": b,
                "relation": relation,
                "link_status": final_links.loc[(a, b), "link_status"] if known else inferred_link,
                "basis": final_links.loc[(a, b), "basis"] if known else None,
                "source_id": final_links.loc[(a, b), "source_id"] if known else None,
            }
        )
    out["case_links"] = like_frame(ds["case_links"], pd.DataFrame(rows, columns=list(ds["case_links"].columns)))
    cases = out["cases"]
    recode = cases["case_id"].isin(list(c.counterparts))
    values = cases.loc[recode, "case_id"].map(c.counterparts)
    cases.loc[recode, "counterpart"] = values.where(values.notna(), None).tolist()
    inferred = values_where(cases, "counterpart_status", "byProject", True)[0]
    cases.loc[recode, "counterpart_status"] = [inferred if pd.notna(v) else None for v in values]
    return out


def variants(ds: Dataset) -> dict[str, Dataset]:
    """The dataset as coded and its sensitivity variants, in this order:
    ``"as coded"`` (``ds`` itself), ``"without machine-translation-only cases"``
    (:func:`drop_cases` of :func:`machine_translation_only_cases`), ``"without weakly evidenced
    cases"`` (:func:`weak_evidence_cases`), ``"alternative classing"`` (when the vocabulary
    records an alternative: :func:`alternative_classing`) and, when the dataset holds the
    second-coding tables and the reconciliation log, ``"first coder, before reconciliation"``
    (:func:`first_coding`) and ``"second coder"`` (:func:`second_coding`), the two independent
    codings the final one was reconciled from. The variants are copies: changing them never
    changes ``ds``."""
    out = {AS_CODED: ds, WITHOUT_MT: drop_cases(ds, machine_translation_only_cases(ds))}
    out[WITHOUT_WEAK] = drop_cases(ds, weak_evidence_cases(ds))
    if has_alternative_classing(ds):
        out[ALT_CLASSING] = alternative_classing(ds)
    if has_second_coding(ds):
        if "coding_reconciliation" in ds:
            out[FIRST_CODER] = first_coding(ds)
        out[SECOND_CODER] = second_coding(ds)
    return out


def describe(ds: Dataset) -> pd.DataFrame:
    """One row per variant: ``variant``, ``identified`` (cases), ``dropped`` (case ids removed,
    comma-separated), ``domain_rows``, ``mechanism_rows``, ``link_rows``, ``counterparts``
    (cases with a counterpart), ``what`` (one line on how the variant is made)."""
    what = {
        AS_CODED: "The data as stored.",
        WITHOUT_MT: "Cases whose every source is a machine translation removed, with all their rows.",
        WITHOUT_WEAK: "Cases whose batch membership is inferred, or whose listing rests only on mirrors or reposts, removed.",
        ALT_CLASSING: "Mechanism directions as the alternative the codebook set aside (vocab_mechanisms.direction_alt).",
        FIRST_CODER: "Domains, mechanisms, links and non-stated counterparts as the first coder had them, before reconciliation.",
        SECOND_CODER: "Domains, mechanisms, links and non-stated counterparts from the independent second coding.",
    }
    base = set(ds.cases["case_id"])
    rows = []
    for name, v in variants(ds).items():
        rows.append(
            {
                "variant": name,
                "identified": len(v.cases),
                "dropped": ", ".join(c for c in ds.cases["case_id"] if c in base - set(v.cases["case_id"])),
                "domain_rows": len(v.case_domains),
                "mechanism_rows": len(v.case_mechanisms),
                "link_rows": len(v.case_links),
                "counterparts": int(v.cases["counterpart"].notna().sum()),
                "what": what[name],
            }
        )
    return pd.DataFrame(rows)


def _as_series(result: Any, index: str | list[str] | None, columns: list[str] | None) -> pd.Series:
    if isinstance(result, pd.DataFrame):
        df = result.set_index(index) if index is not None else result
        if columns is not None:
            df = df[columns]
        stacked: pd.Series = df.stack(future_stack=True)  # type: ignore[assignment]
        return stacked
    if isinstance(result, pd.Series):
        return result
    if isinstance(result, dict):
        return pd.Series(result, dtype=object)
    return pd.Series([result], index=["value"], dtype=object)


def compare(
    ds: Dataset,
    fn: Callable[[Dataset], Any],
    *,
    index: str | list[str] | None = None,
    columns: list[str] | None = None,
) -> pd.DataFrame:
    """Run ``fn`` on every variant of :func:`variants` and put the results side by side.

    Returns a DataFrame with one column per variant (in the order of :func:`variants`; the
    columns' name is ``variant``). Rows: the index of ``fn``'s result when it is a Series or a
    dict; one row per cell when it is a DataFrame (row label × column label, a MultiIndex; with
    ``index`` the frame is first indexed by those columns, with ``columns`` only those columns
    are kept); a single row ``value`` when it is a scalar. A row that a variant does not produce
    is missing in that variant's column; rows keep the order in which they first appear, as
    coded first."""
    results = {name: _as_series(fn(v), index, columns) for name, v in variants(ds).items()}
    order: pd.Index | None = None
    for s in results.values():
        order = s.index if order is None else order.append(s.index[~s.index.isin(order)])
    out = pd.DataFrame({name: s.reindex(order) for name, s in results.items()}, index=order)
    out.columns.name = "variant"
    return out


def _same(a: Any, b: Any) -> bool:
    a_na, b_na = bool(pd.isna(a)), bool(pd.isna(b))
    if a_na or b_na:
        return a_na and b_na
    return bool(a == b)


def differs(table: pd.DataFrame) -> pd.Series:
    """For a :func:`compare` table: a boolean Series, True on rows where any variant differs from
    ``"as coded"`` (missing in one and present in the other counts as a difference)."""
    others = [c for c in table.columns if c != AS_CODED]
    flags = [any(not _same(row[AS_CODED], row[c]) for c in others) for _, row in table.astype(object).iterrows()]
    return pd.Series(flags, index=table.index, dtype=bool)


#: Statuses :func:`assess` gives a finding.
CHANGED = "changed"
HELD = "held under a variant that moved its basis"
UNTESTED = "not testable by these variants"


def assess(
    ds: Dataset,
    fn: Callable[[Dataset], pd.DataFrame],
    variants_of: Callable[[Dataset], dict[str, Dataset]] | None = None,
) -> pd.DataFrame:
    """Run a findings function (a DataFrame indexed by finding, columns ``value`` and ``basis``,
    as in :mod:`gbaresearch.analysis.findings`) on every variant of :func:`variants`, or of
    ``variants_of`` (a function returning the variants by name, the data as coded first under
    :data:`AS_CODED`, as :func:`gbaresearch.analysis.policy.variants` does).

    Returns one row per finding (in the order of the data as coded, then rows only a variant
    produces) with one column per variant holding the finding's ``value`` (missing where the
    variant does not produce it), then ``status``: :data:`CHANGED` when any variant's value
    differs from the data as coded; :data:`HELD` when every value is the same but at least one
    variant moved the basis (so it could have changed the finding); :data:`UNTESTED` when no
    variant moved the basis (sameness then says nothing about robustness). ``tested_by`` lists
    the variants that moved the basis (or changed the value), comma-separated."""
    results = {name: fn(v) for name, v in (variants_of or variants)(ds).items()}
    order: pd.Index | None = None
    for r in results.values():
        order = r.index if order is None else order.append(r.index[~r.index.isin(order)])
    assert order is not None
    values = pd.DataFrame({name: r["value"].reindex(order) for name, r in results.items()}, index=order)
    bases = pd.DataFrame({name: r["basis"].reindex(order) for name, r in results.items()}, index=order)
    others = [c for c in values.columns if c != AS_CODED]
    status, tested = [], []
    for idx in order:
        moved = [c for c in others if not _same(bases.loc[idx, AS_CODED], bases.loc[idx, c])]
        changed = [c for c in others if not _same(values.loc[idx, AS_CODED], values.loc[idx, c])]
        status.append(CHANGED if changed else HELD if moved else UNTESTED)
        tested.append(", ".join(c for c in others if c in moved or c in changed))
    out = values.copy()
    out.columns.name = "variant"
    out["status"] = status
    out["tested_by"] = tested
    return out


def assessment_sentence(table: pd.DataFrame, lang: str = "en") -> str:
    """Markdown for an :func:`assess` table: how many findings changed in some variant (each
    with its values), how many held under a variant that could have changed them (and which),
    and how many no variant touched. Data text escaped. With ``lang="zh"``: the same counts in
    Chinese, pointing to the English list for the findings one by one."""
    from . import md_escape as esc

    variants_ = [c for c in table.columns if c not in ("status", "tested_by")]
    n = len(table)
    ch = table[table["status"] == CHANGED]
    held = table[table["status"] == HELD]
    untested = table[table["status"] == UNTESTED]
    if lang == "zh":
        return (
            f"{n} 项结论中，**{len(held)} 项在可能改变它的变体下依然成立**，**{len(ch)} 项至少在一种变体下有所变化**，"
            f"**{len(untested)} 项无法由这些变体检验**（没有哪种变体改动了它们所依据的数据，结果不变并不能说明什么）。"
            "逐项的结论与取值见上面的列表。"
        )
    if lang != "en":
        raise ValueError(f"lang must be 'en' or 'zh', not {lang!r}")
    parts = [
        f"Of {n} findings, **{len(held)} held under a variant that could have changed them**, "
        f"**{len(ch)} changed** in at least one variant, and **{len(untested)} are not testable by these "
        f"variants** (no variant moved what they rest on, so their sameness shows nothing)."
    ]
    items = []
    for idx, row in ch.iterrows():
        vals = "; ".join(f"{esc(v)}: {esc(row[v])}" for v in variants_ if not _same(row[v], row[AS_CODED]))
        items.append(f"- changed: {esc(idx)} (as coded: {esc(row[AS_CODED])}; {vals})")
    for idx, row in held.iterrows():
        items.append(f"- held: {esc(idx)} = {esc(row[AS_CODED])} (tested by {esc(row['tested_by'])})")
    for idx, row in untested.iterrows():
        items.append(f"- not testable: {esc(idx)} = {esc(row[AS_CODED])}")
    return parts[0] + "\n\n" + "\n".join(items)


def tally(table: pd.DataFrame, lang: str = "en") -> str:
    """One plain sentence for an :func:`assess` table: across how many variants, how many
    findings held under a variant that could have changed them, changed, or were not testable
    (``lang`` "en" or "zh", the same counts in either language)."""
    n_var = len([c for c in table.columns if c not in ("status", "tested_by")])
    counts = table["status"].value_counts()
    if lang == "zh":
        return (
            f"在 {n_var} 种数据变体下，{len(table)} 项结论中有 {int(counts.get(HELD, 0))} 项在可能改变它的变体下"
            f"依然成立，{int(counts.get(CHANGED, 0))} 项有所变化，{int(counts.get(UNTESTED, 0))} 项无法由这些变体检验"
        )
    if lang != "en":
        raise ValueError(f"lang must be 'en' or 'zh', not {lang!r}")
    return (
        f"across {n_var} data variants, {int(counts.get(HELD, 0))} of {len(table)} findings held under a variant "
        f"that could have changed them, {int(counts.get(CHANGED, 0))} changed and {int(counts.get(UNTESTED, 0))} "
        "are not testable by these variants"
    )
