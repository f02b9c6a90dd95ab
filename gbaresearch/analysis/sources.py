"""Where the facts come from: the sources by kind, the provenance of each case, the corrections
made, and which facts rest on given sources.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from ..dataset.load import Dataset


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
