"""How many case facts rest on an official or original page rather than on a copy.

A *case fact* is a distinct ``(case_id, fact)`` pair in ``case_sources`` (for example
``("B2-09", "date_in_force")``). It *rests on an original page* when at least one
``case_sources`` row for that pair cites a source whose ``kind`` the schema marks
``"gba:counts_as": "original"`` (a government body's own page or a news outlet's own article).
Rows citing copies (reposts, mirrors, machine translations) or reference pages never count,
whatever their ``support``; a row whose
``support`` is ``inferred`` counts by the page it cites, like any other row. The measure is
defined in ``CODEBOOK.md`` (section 4, Sources).

Everything here works on a loaded :class:`~gbaresearch.dataset.load.Dataset` (or any mapping of table
name to DataFrame holding ``sources``, with the metadata a loaded table carries, and
``case_sources``) and never reads files.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from ..dataset.labels import rows_where, values_where

#: What the functions read: a :class:`~gbaresearch.dataset.load.Dataset` or any mapping of table name to
#: DataFrame with ``sources`` and ``case_sources``.
Tables = Mapping[str, pd.DataFrame]


@dataclass(frozen=True)
class Kinds:
    """A set of source kinds named by a property of the ``sources.kind`` categories in the
    schema: the kinds whose ``gba:<key>`` is ``wanted``. :func:`source_kinds` lists them."""

    key: str
    wanted: object
    excluding: str | None = None  # also leave out kinds whose gba:<excluding> is true


#: Source kinds that count as an official or original page (``gba:counts_as`` "original").
ORIGINAL_KINDS = Kinds("counts_as", "original")

#: Source kinds that count as a government body's own page (``gba:government_page``).
OFFICIAL_KINDS = Kinds("government_page", True)

#: Source kinds that are copies of another outlet's page or a translation of it (``gba:counts_as`` "copy").
COPY_KINDS = Kinds("counts_as", "copy")


def source_kinds(ds: Tables, kinds: Kinds | tuple[str, ...]) -> tuple[str, ...]:
    """The source kinds ``kinds`` stands for, in schema order, read from the metadata of the
    loaded ``sources`` table (a tuple of kinds is returned as given)."""
    if not isinstance(kinds, Kinds):
        return tuple(kinds)
    chosen = values_where(ds["sources"], "kind", kinds.key, kinds.wanted)
    if kinds.excluding is not None:
        chosen = tuple(k for k in chosen if k not in values_where(ds["sources"], "kind", kinds.excluding, True))
    return tuple(str(k) for k in chosen)


@dataclass(frozen=True)
class OriginalShare:
    """Counts behind the share of case facts that rest on an official or original page.

    ``facts``: distinct ``(case_id, fact)`` pairs in ``case_sources``; ``original``: those with at
    least one row citing an ``official`` or ``press`` source; ``share``: ``original / facts``
    (0.0 when there are no facts)."""

    facts: int
    original: int
    share: float

    @property
    def copies_only(self) -> int:
        """Facts resting only on mirrors, machine translations or reference pages."""
        return self.facts - self.original


def _fact_table(ds: Tables, kinds: Kinds | tuple[str, ...] = ORIGINAL_KINDS) -> pd.DataFrame:
    """One row per distinct (case_id, fact): ``case_id``, ``fact`` (str), ``rows`` (int),
    ``original`` (bool: some row cites a source whose kind is in ``kinds``)."""
    kind = dict(zip(ds["sources"]["source_id"].astype(str), ds["sources"]["kind"].astype(str)))
    cs = pd.DataFrame(
        {
            "case_id": ds["case_sources"]["case_id"].astype(str),
            "fact": ds["case_sources"]["fact"].astype(str),
            "original": ds["case_sources"]["source_id"].astype(str).map(kind).isin(source_kinds(ds, kinds)),
        }
    )
    out = cs.groupby(["case_id", "fact"], sort=True).agg(rows=("original", "size"), original=("original", "any"))
    out["rows"] = out["rows"].astype(int)
    out["original"] = out["original"].astype(bool)
    return out.reset_index()


def original_share(ds: Tables, kinds: Kinds | tuple[str, ...] = ORIGINAL_KINDS) -> OriginalShare:
    """The share of case facts resting on an official or original page.

    Returns an :class:`OriginalShare` with ``facts`` (distinct ``(case_id, fact)`` pairs in
    ``case_sources``), ``original`` (pairs with at least one row citing a source whose kind is in
    ``kinds``: by default the kinds the schema counts as original; copies never count) and ``share``
    (``original / facts``, unrounded; 0.0 when there are no facts). With
    ``kinds=OFFICIAL_KINDS`` it is the share resting on a government body's own page."""
    t = _fact_table(ds, kinds)
    facts = len(t)
    original = int(t["original"].sum())
    return OriginalShare(facts=facts, original=original, share=original / facts if facts else 0.0)


def original_share_by_fact(ds: Tables) -> pd.DataFrame:
    """The same measure per kind of fact.

    Returns one row per ``fact`` level that occurs in ``case_sources``, in the schema's order
    (listed, title, order, category, lead, counterpart, date_in_force, detail), with columns
    ``fact`` (str), ``facts`` (int: cases with that fact sourced), ``original`` (int: of which
    resting on an official or original page) and ``share`` (float, unrounded)."""
    t = _fact_table(ds)
    g = t.groupby("fact", sort=True).agg(facts=("case_id", "size"), original=("original", "sum"))
    col = ds["case_sources"]["fact"]
    levels = [str(c) for c in col.cat.categories] if isinstance(col.dtype, pd.CategoricalDtype) else list(g.index)
    g = g.reindex([lv for lv in levels if lv in g.index])
    out = pd.DataFrame(
        {
            "fact": [str(f) for f in g.index],
            "facts": g["facts"].astype(int).to_numpy(),
            "original": g["original"].astype(int).to_numpy(),
        }
    )
    out["share"] = out["original"] / out["facts"]
    return out


def facts_on_copies_only(ds: Tables) -> pd.DataFrame:
    """Case facts that rest only on copies (no row cites an ``official`` or ``press`` source).

    Returns columns ``case_id``, ``fact`` (both str) and ``sources`` (the cited source ids joined
    by ``", "``, sorted), one row per fact, sorted by ``case_id`` then ``fact``."""
    t = _fact_table(ds)
    keep = t.loc[~t["original"], ["case_id", "fact"]]
    cs = pd.DataFrame(
        {
            "case_id": ds["case_sources"]["case_id"].astype(str),
            "fact": ds["case_sources"]["fact"].astype(str),
            "source_id": ds["case_sources"]["source_id"].astype(str),
        }
    )
    srcs = cs.groupby(["case_id", "fact"])["source_id"].agg(lambda s: ", ".join(sorted(set(s))))
    out = keep.merge(srcs.rename("sources").reset_index(), on=["case_id", "fact"], how="left")
    return out.sort_values(["case_id", "fact"]).reset_index(drop=True)


def single_page_facts(ds: Tables) -> pd.DataFrame:
    """How concentrated the evidence is: for each source, the case facts that rest on it alone
    (every ``case_sources`` row for the fact that is not a ``fallback`` cites that one source:
    a fallback copy is kept only in case the page it backs up disappears, so it adds no
    independent evidence).

    Returns one row per source that alone supports at least one fact: ``source_id``, ``kind``
    (str), ``facts_alone`` (int); sorted by ``facts_alone`` (most first), then ``source_id``.
    The total of ``facts_alone`` is the number of facts resting on a single page."""
    rows = ds["case_sources"]
    rows = rows[~rows_where(rows, "support", "backup")]
    cs = pd.DataFrame(
        {
            "case_id": rows["case_id"].astype(str),
            "fact": rows["fact"].astype(str),
            "source_id": rows["source_id"].astype(str),
        }
    )
    per_fact = cs.groupby(["case_id", "fact"])["source_id"].agg(lambda s: sorted(set(s)))
    alone = per_fact[per_fact.map(len) == 1].map(lambda s: s[0])
    counts = alone.value_counts()
    kind = dict(zip(ds["sources"]["source_id"].astype(str), ds["sources"]["kind"].astype(str)))
    out = pd.DataFrame(
        {
            "source_id": [str(s) for s in counts.index],
            "kind": [kind.get(str(s), "") for s in counts.index],
            "facts_alone": counts.astype(int).to_numpy(),
        }
    )
    return out.sort_values(["facts_alone", "source_id"], ascending=[False, True]).reset_index(drop=True)


def batch_facts_on_copies(ds: Tables) -> pd.DataFrame:
    """Batch-level official facts (``batches`` and ``batch_categories`` rows) whose cited source
    is a copy (kind in :data:`COPY_KINDS`): ``table``, ``batch`` (int), ``what`` (the category,
    or "batch" for the batch row), ``source_id``, ``kind``; in table, batch and row order. Such a
    fact is official in content but rests on a copy of the official statement."""
    kind = dict(zip(ds["sources"]["source_id"].astype(str), ds["sources"]["kind"].astype(str)))
    copies = source_kinds(ds, COPY_KINDS)
    rows = []
    for table, what in (("batches", None), ("batch_categories", "category")):
        if table not in ds:
            continue
        t = ds[table]
        for _, r in t.iterrows():
            sid = str(r["source_id"])
            if kind.get(sid) in copies:
                rows.append(
                    {
                        "table": table,
                        "batch": int(r["batch"]),
                        "what": "batch" if what is None else str(r[what]),
                        "source_id": sid,
                        "kind": kind[sid],
                    }
                )
    return pd.DataFrame(rows, columns=["table", "batch", "what", "source_id", "kind"])
