"""Analyses the notebooks share. Every function takes a :class:`~gbaresearch.load.Dataset`
(``load_dataset()``) and returns a plain DataFrame whose columns are listed in its docstring.

Nothing here hard-codes batches, categories or vocabularies: they come from the data, so a new
batch flows through unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import labels as _lab
from .markdown import escape

NOT_CODED = "(not coded)"
UNKNOWN = "(unknown)"
NOT_STATED = "(not stated)"

if TYPE_CHECKING:
    from .load import Dataset


# --- basic lookups -------------------------------------------------------------------------


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


# --- coverage ------------------------------------------------------------------------------


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


def source_profile(ds: Dataset) -> pd.DataFrame:
    """Sources by kind: ``kind``, ``sources``, ``languages`` (e.g. "en 12, zh-Hans 20"),
    ``facts_supported`` (rows in every table that cite a source of this kind)."""
    s = ds.sources
    used = pd.concat([ds[t][col] for t, col in _source_columns(ds)], ignore_index=True).dropna()
    kind_of = dict(zip(s["source_id"], s["kind"]))
    facts = used.map(kind_of).value_counts()
    rows = []
    for kind in s["kind"].cat.categories:
        sub = s[s["kind"] == kind]
        if sub.empty:
            continue
        langs = sub["language"].value_counts().sort_index()
        rows.append(
            {
                "kind": kind,
                "sources": len(sub),
                "languages": ", ".join(f"{k} {v}" for k, v in langs.items() if v),
                "facts_supported": int(facts.get(kind, 0)),
            }
        )
    return pd.DataFrame(rows)


def _source_columns(ds: Dataset) -> Iterator[tuple[str, str]]:
    for res in ds.package.resources:
        for fk in res.foreign_keys:
            if fk.resource == "sources":
                yield res.name, fk.field


def case_provenance(ds: Dataset) -> pd.DataFrame:
    """Per case: ``case_id``, ``batch``, ``sources`` (distinct sources), ``best_kind`` (the most
    authoritative kind among them, in the schema's order of ``sources.kind``: official, press,
    repost, mirror, machine translation, reference)."""
    rank = {str(k): i for i, k in enumerate(ds.sources["kind"].cat.categories)}
    cs = ds.case_sources.merge(ds.sources[["source_id", "kind"]], on="source_id")
    cs["rank"] = cs["kind"].astype(str).map(rank)
    g = cs.groupby("case_id", observed=True).agg(sources=("source_id", "nunique"), rank=("rank", "min"))
    inv = {v: k for k, v in rank.items()}
    g["best_kind"] = g["rank"].map(inv)
    out = ds.cases[["case_id", "batch"]].merge(
        g[["sources", "best_kind"]], left_on="case_id", right_index=True, how="left"
    )
    return out.reset_index(drop=True)


# --- composition ---------------------------------------------------------------------------


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


# --- domains and fields --------------------------------------------------------------------


def domains_by_batch(ds: Dataset, primary_only: bool = False) -> pd.DataFrame:
    """Cases per project domain and batch: rows = domains (vocabulary order), columns = batches,
    values = number of identified cases coded with the domain."""
    cd = ds.case_domains
    if primary_only:
        cd = cd[cd["is_primary"].fillna(False)]
    m = cd.merge(ds.cases[["case_id", "batch"]], on="case_id")
    t = pd.crosstab(m["domain"], m["batch"]).reindex(
        index=list(ds.vocab_domains["domain"]), columns=batches(ds), fill_value=0
    )
    t.index.name, t.columns.name = "domain", "batch"
    return t


def domain_first_appearance(ds: Dataset, primary_only: bool = False) -> pd.DataFrame:
    """First batch in which each domain appears among identified cases: ``domain``, ``label``,
    ``first_batch`` (NA if never), ``cases`` (total coded), ``first_cases`` (case ids in that
    batch, comma-separated)."""
    t = domains_by_batch(ds, primary_only)
    cd = ds.case_domains if not primary_only else ds.case_domains[ds.case_domains["is_primary"].fillna(False)]
    m = cd.merge(ds.cases[["case_id", "batch"]], on="case_id")
    labels = dict(zip(ds.vocab_domains["domain"], ds.vocab_domains["label_en"]))
    ids_by: dict[tuple[Any, Any], list[str]] = {}
    for dom, b, cid in zip(m["domain"], m["batch"], m["case_id"]):
        ids_by.setdefault((dom, b), []).append(cid)
    rows = []
    for dom, counts in t.iterrows():
        present = [b for b, n in counts.items() if n > 0]
        first = present[0] if present else pd.NA
        ids = sorted(ids_by.get((dom, first), [])) if present else []
        rows.append(
            {
                "domain": dom,
                "label": labels[dom],
                "first_batch": first,
                "cases": int(counts.sum()),
                "first_cases": ", ".join(ids),
            }
        )
    out = pd.DataFrame(rows)
    out["first_batch"] = out["first_batch"].astype("Int64")
    return out


def new_fields_check(ds: Dataset) -> pd.DataFrame:
    """Fields the announcements called new, against the domain coding: ``batch`` (announcing
    batch), ``field_en``, ``domain``, ``first_any`` (first batch with the domain among all coded
    domains), ``first_primary`` (first batch with it as a primary domain), ``verdict``:
    "agrees" when the domain first appears as primary in the announcing batch; "agrees
    (secondary only)" when it first appears there but only as a secondary domain; "earlier as
    secondary" when it appears earlier only as a secondary domain; "earlier" when it was
    already a primary domain before; "later" when no identified case of the announcing batch
    or before carries it, but a later one does; "not coded" when no case carries it."""
    nf = ds.batch_new_fields.merge(ds.coding_new_fields, on="field_id")
    fa = domain_first_appearance(ds).set_index("domain")["first_batch"]
    fp = domain_first_appearance(ds, primary_only=True).set_index("domain")["first_batch"]
    rows = []
    for _, r in nf.iterrows():
        b, d = int(r["batch"]), r["domain"]
        a, p = fa.get(d, pd.NA), fp.get(d, pd.NA)
        if pd.isna(a):
            verdict = "not coded"
        elif not pd.isna(p) and p < b:
            verdict = "earlier"
        elif a < b:
            verdict = "earlier as secondary"
        elif a > b:
            verdict = "later"
        elif not pd.isna(p) and p == b:
            verdict = "agrees"
        else:
            verdict = "agrees (secondary only)"
        rows.append(
            {"batch": b, "field_en": r["field_en"], "domain": d, "first_any": a, "first_primary": p, "verdict": verdict}
        )
    out = pd.DataFrame(rows)
    for c in ("first_any", "first_primary"):
        out[c] = out[c].astype("Int64")
    return out


# --- leads and counterparts ----------------------------------------------------------------


def _by_batch_with_missing(ds: Dataset, column: str, missing: str) -> pd.DataFrame:
    """Identified cases by the levels of a categorical ``column`` and batch, missing values
    labelled ``missing``; rows in the column's level order, then ``missing``; columns: batches."""
    c = ds.cases
    values = c[column].astype(object).where(c[column].notna(), missing)
    order = list(c[column].cat.categories) + [missing]
    t = pd.crosstab(values, c["batch"]).reindex(index=order, columns=batches(ds), fill_value=0)
    t.index.name, t.columns.name = column, "batch"
    return t


def lead_level_by_batch(ds: Dataset) -> pd.DataFrame:
    """Identified cases by lead level and batch; rows: national, provincial, city, platform,
    (unknown); columns: batches."""
    return _by_batch_with_missing(ds, "lead_level", UNKNOWN)


def counterpart_by_batch(ds: Dataset) -> pd.DataFrame:
    """Identified cases by counterpart and batch; rows: hong_kong, macao, both, (not stated);
    columns: batches. Inferred counterparts are included (see :func:`counterpart_inferred`).
    "(not stated)" also holds cases framed around international rules, not Hong Kong or Macao."""
    return _by_batch_with_missing(ds, "counterpart", NOT_STATED)


def counterpart_inferred(ds: Dataset) -> int:
    """Number of identified cases whose counterpart is this project's inference."""
    return int(_lab.rows_where(ds.cases, "counterpart_status", "byProject").sum())


def cases_by_place(ds: Dataset) -> pd.DataFrame:
    """Cases led from each place: every place with ``place_id``, ``name_en``, ``name_zh``,
    ``kind``, ``lat``, ``lon``, ``cases`` (identified cases with that lead_place), ``case_ids``."""
    p = ds.places[["place_id", "name_en", "name_zh", "kind", "host_city", "lat", "lon"]].copy()
    led = ds.cases.dropna(subset=["lead_place"]).groupby("lead_place")["case_id"].agg(lambda s: ", ".join(sorted(s)))
    p["case_ids"] = p["place_id"].map(led).fillna("")
    p["cases"] = p["case_ids"].map(lambda s: len(s.split(", ")) if s else 0)
    return p


# --- mechanisms ----------------------------------------------------------------------------


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


# --- deepening and timing ------------------------------------------------------------------


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


# --- indicators ----------------------------------------------------------------------------


def bound_marks(indicators: pd.DataFrame | None = None) -> dict[str, str]:
    """Bound → the words put before a value (``gba:prefix`` of ``indicators.bound``, e.g.
    "over "), from the metadata of a loaded ``indicators`` table, or of the installed data
    when none is given."""
    if indicators is None:
        from .load import load_dataset

        indicators = load_dataset().indicators
    return {str(v): str(p.get("gba:prefix", "")) for v, p in _lab.properties(indicators, "bound").items()}


def unit_words(indicators: pd.DataFrame | None = None) -> dict[str, tuple[str, str]]:
    """Unit → (its English label, the currency written before the number or "") of
    ``indicators.unit`` (``gba:currency``), from a loaded ``indicators`` table, or of the
    installed data when none is given."""
    if indicators is None:
        from .load import load_dataset

        indicators = load_dataset().indicators
    props = _lab.properties(indicators, "unit")
    return {
        str(v): (label, str(props.get(v, {}).get("gba:currency", "")))
        for v, label in _lab.labels(indicators, "unit").items()
    }


def format_value(
    value: float,
    unit: str,
    bound: str,
    marks: dict[str, str] | None = None,
    units: dict[str, tuple[str, str]] | None = None,
) -> str:
    """Human form of an indicator, e.g. ``over 2.3 million vehicle-trips`` or ``RMB 1 billion``;
    ``marks`` is :func:`bound_marks` and ``units`` :func:`unit_words` (each of the installed
    data when not given)."""
    mark = (marks if marks is not None else bound_marks()).get(bound, "")
    label, currency = (units if units is not None else unit_words()).get(unit, (unit, ""))
    v = float(value)
    if v >= 1e9:
        num = f"{v / 1e9:.4g} billion"
    elif v >= 1e6:
        num = f"{v / 1e6:.4g} million"
    else:
        num = f"{v:,.0f}"
    if currency:
        return f"{mark}{currency} {num}"
    return f"{mark}{num} {label}"


def indicator_table(ds: Dataset) -> pd.DataFrame:
    """Indicators with context: ``indicator_id``, ``case_id``, ``batch``, ``case_title``,
    ``indicator_en``, ``value``, ``unit``, ``bound``, ``as_of``, ``as_of_start``, ``shown``
    (formatted value with bound and unit), ``source_kind``."""
    i = ds.indicators.merge(ds.cases[["case_id", "batch", "title_en"]], on="case_id").rename(
        columns={"title_en": "case_title"}
    )
    i = i.merge(ds.sources[["source_id", "kind"]].rename(columns={"kind": "source_kind"}), on="source_id")
    i["as_of_start"] = partial_date_start(i["as_of"])
    marks, units = bound_marks(ds.indicators), unit_words(ds.indicators)
    i["shown"] = [format_value(v, str(u), str(b), marks, units) for v, u, b in zip(i["value"], i["unit"], i["bound"])]
    cols = [
        "indicator_id",
        "case_id",
        "batch",
        "case_title",
        "indicator_en",
        "value",
        "unit",
        "bound",
        "as_of",
        "as_of_start",
        "shown",
        "source_kind",
    ]
    out = i[cols].sort_values("indicator_id").reset_index(drop=True)
    out.attrs.update(ds.indicators.attrs)  # the rows are indicators: their metadata travels along
    return out


def indicator_units(ds: Dataset) -> pd.DataFrame:
    """How indicators split by unit and bound: ``unit``, ``exact``, ``lower``, ``approximate``, ``total``."""
    t = pd.crosstab(ds.indicators["unit"].astype(str), ds.indicators["bound"].astype(str))
    for b in ds.indicators["bound"].cat.categories:
        if b not in t:
            t[b] = 0
    t = t[list(ds.indicators["bound"].cat.categories)]
    t["total"] = t.sum(axis=1)
    t.index.name, t.columns.name = "unit", None
    return t.sort_values(["total"], ascending=False, kind="stable").reset_index()


def series(ds: Dataset, case_id: str, unit: str) -> pd.DataFrame:
    """Time series of one case's indicators in one unit: ``as_of_start``, ``value``, ``bound``,
    ``indicator_en``; sorted by date."""
    t = indicator_table(ds)
    t = t[(t["case_id"] == case_id) & (t["unit"] == unit)]
    return (
        t[["as_of_start", "as_of", "value", "bound", "indicator_en"]].sort_values("as_of_start").reset_index(drop=True)
    )


# --- corrections ---------------------------------------------------------------------------


def corrections_table(ds: Dataset) -> pd.DataFrame:
    """Corrections with the erring source and the basis: ``correction_id``, ``error_kind``,
    ``source_id``, ``source_kind``, ``source_title``, ``claim_en``, ``correction_en``,
    ``basis_source_id``, ``basis_kind``, ``case_id``."""
    s = ds.sources.set_index("source_id")
    c = ds.corrections.copy()
    c["source_kind"] = c["source_id"].map(s["kind"].astype(str))
    c["source_title"] = c["source_id"].map(s["title"])
    c["basis_kind"] = c["basis_source_id"].map(s["kind"].astype(str))
    cols = [
        "correction_id",
        "error_kind",
        "source_id",
        "source_kind",
        "source_title",
        "claim_en",
        "correction_en",
        "basis_source_id",
        "basis_kind",
        "case_id",
    ]
    return c[cols]


def facts_resting_on(ds: Dataset, source_ids: Iterable[str]) -> pd.DataFrame:
    """Rows in every table that cite any of ``source_ids``: ``table``, ``column``, ``rows``."""
    ids = set(source_ids)
    rows = []
    for table, col in _source_columns(ds):
        n = int(ds[table][col].isin(ids).sum())
        if n:
            rows.append({"table": table, "column": col, "rows": n})
    return pd.DataFrame(rows, columns=["table", "column", "rows"])


def sole_source_facts(ds: Dataset, source_ids: Iterable[str]) -> pd.DataFrame:
    """Case facts supported only by ``source_ids`` (no other source backs the same case and
    fact): ``case_id``, ``fact``, ``sources``."""
    ids = set(source_ids)
    cs = ds.case_sources
    g = cs.groupby(["case_id", "fact"], observed=True)["source_id"].agg(lambda s: sorted(set(s)))
    only = g[g.map(lambda s: set(s) <= ids)]
    out = only.reset_index().rename(columns={"source_id": "sources"})
    out["fact"] = out["fact"].astype(str)
    out["sources"] = out["sources"].map(", ".join)
    return out.sort_values(["case_id", "fact"]).reset_index(drop=True)


# --- labels and text -----------------------------------------------------------------------


def value_labels(ds: Dataset, table: str, field: str) -> dict[str, tuple[str, str]]:
    """Value → (English label, Chinese label) of a field, as text: :func:`gbaresearch.labels.label_pairs`."""
    return {str(v): p for v, p in _lab.label_pairs(ds[table], field).items()}


def category_labels(ds: Dataset, lang: str = "en") -> dict[str, str]:
    """Official category → label in ``lang`` ("en", "zh" or "both"): :func:`gbaresearch.labels.labels`
    of ``cases.category``."""
    return {str(v): t for v, t in _lab.labels(ds.cases, "category", lang).items()}


def vocab_labels(ds: Dataset, vocab: str, lang: str = "en") -> dict[str, str]:
    """Code → label in ``lang`` of a project vocabulary (``"domains"`` or ``"mechanisms"``):
    :func:`gbaresearch.labels.labels` of its key."""
    table = ds[f"vocab_{vocab}"]
    return {str(v): t for v, t in _lab.labels(table, ds.resource(f"vocab_{vocab}").primary_key[0], lang).items()}


def md_escape(text: object) -> str:
    """``text`` escaped for the notebooks' Markdown (``IPython.display.Markdown``):
    :func:`gbaresearch.markdown.escape`, so data never becomes markup, links, HTML or
    mathematics."""
    return escape(text)


def of(k: Any, n: Any) -> str:
    """'k of n (p%)': a count with its denominator; 'k of 0' when n is 0."""
    k, n = int(k), int(n)
    return f"{k} of {n} ({k / n:.0%})" if n else f"{k} of 0"


def as_int(value: Any) -> int:
    """``int(value)`` for a table cell (typed loosely by pandas)."""
    return int(value)


_int = as_int


# --- cases and provenance ------------------------------------------------------------------


def identified_cases(ds: Dataset) -> pd.DataFrame:
    """One row per identified case, for reading: ``case_id``, ``batch``, ``title_zh``,
    ``title_en``, ``title_status``, ``category`` (English label, with "(inferred)" when this
    project's inference, NA when unknown), ``lead_level`` (English label), ``lead_place``
    (English name), ``counterpart``; in batch and id order."""
    c = ds.cases
    labels = category_labels(ds)
    cat = c["category"].astype(object).map(labels)
    cat = cat.where(~_lab.rows_where(c, "category_status", "byProject"), cat + " (inferred)")
    place = dict(zip(ds.places["place_id"], ds.places["name_en"]))
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


def platform_levels(ds: Dataset) -> list[str]:
    """The lead levels that are cooperation platforms: those whose place kind
    (``cases.lead_level``'s ``gba:placeKind``) is hosted by a mainland city
    (``places.kind``'s ``gba:hosted``), in schema order."""
    hosted = set(_lab.values_where(ds.places, "kind", "hosted", True))
    levels = _lab.properties(ds.cases, "lead_level")
    return [str(v) for v, p in levels.items() if p.get("gba:placeKind") in hosted]


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


def first_appearance_table(ds: Dataset) -> pd.DataFrame:
    """:func:`domain_first_appearance` with ``unidentified_before``: announced cases of earlier
    batches that are not identified, so could have carried the domain unseen (0 for batch-1
    firsts: nothing earlier), and ``firm`` (True when nothing earlier is unidentified)."""
    out = domain_first_appearance(ds)
    before = unidentified_before(ds)
    out["unidentified_before"] = out["first_batch"].map(lambda b: before.get(int(b), 0) if pd.notna(b) else pd.NA)
    out["unidentified_before"] = out["unidentified_before"].astype("Int64")
    out["firm"] = (out["unidentified_before"] == 0).astype("boolean")
    return out


# --- mechanisms by direction ----------------------------------------------------------------


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
            "announced": _int(cov.loc[b, "n_cases"]),
            "identified": _int(cov.loc[b, "identified"]),
            "coded": int(sub["case_id"].nunique()),
        }
        for side in directions(ds):
            row[side] = int(sub.loc[sub["direction"] == side, "case_id"].nunique())
        rows.append(row)
    return pd.DataFrame(rows)


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
        i, a = _int(cov.at[b, "identified"]), _int(cov.at[b, "n_cases"])
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


def coded_per_batch(ds: Dataset) -> pd.Series:
    """Identified cases with at least one mechanism coded, per batch (index: batches)."""
    coded = ds.cases[ds.cases["case_id"].isin(ds.case_mechanisms["case_id"])]
    return coded.groupby("batch", observed=False).size().reindex(batches(ds), fill_value=0)


# --- indicators by unit ---------------------------------------------------------------------


def indicator_dots(ds: Dataset) -> pd.DataFrame:
    """Indicators for small multiples, one panel per unit: ``unit`` (as stored), ``unit_label``
    (e.g. "person-times"), ``n_in_unit`` (figures in that unit), ``label`` ("case: indicator"),
    ``value``, ``bound``, ``shown`` (formatted with thousands separators, bound and unit),
    ``as_of``; sorted by figures per unit (most first), unit, then value (largest first)."""
    t = indicator_table(ds)
    unit = t["unit"].astype(str)
    out = pd.DataFrame(
        {
            "unit": unit,
            "unit_label": unit.str.replace("_", "-", regex=False),
            "n_in_unit": unit.map(unit.value_counts()).astype(int),
            "label": (t["case_id"] + ": " + t["indicator_en"]).astype(str),
            "value": t["value"].astype(float),
            "bound": t["bound"].astype(str),
            "shown": t["shown"].astype(str),
            "as_of": t["as_of"],
        }
    )
    out = out.sort_values(["n_in_unit", "unit", "value"], ascending=[False, True, False], kind="stable")
    out.attrs.update(t.attrs)
    return out.reset_index(drop=True)


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


# --- basis of the lead level -----------------------------------------------------------------

#: Evidence a lead level rests on: a submitting body named in a source, or a place in the title.
LEAD_BASES = ("named body", "place in title")


def lead_basis_table(ds: Dataset) -> pd.DataFrame:
    """Identified cases with a known lead level, by level (rows, as stored) and by the evidence
    it rests on (columns :data:`LEAD_BASES`: a named leading body in ``lead_body_en``, else a
    place named in the title); integer counts, levels with no case dropped."""
    c = ds.cases[ds.cases["lead_level"].notna()]
    basis = c["lead_body_en"].notna().map({True: LEAD_BASES[0], False: LEAD_BASES[1]})
    out = pd.crosstab(c["lead_level"].astype(str), basis).reindex(columns=list(LEAD_BASES), fill_value=0)
    out.index.name, out.columns.name = "lead_level", "basis"
    return out.astype(int)
