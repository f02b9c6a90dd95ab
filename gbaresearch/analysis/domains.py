"""The policy domains of the coded cases by batch, when each domain first appears, and whether
the fields a batch adds are new.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from ..dataset import labels as _lab
from .coverage import unidentified_before
from .overview import batches

if TYPE_CHECKING:
    from ..dataset.load import Dataset


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
    labels = _lab.labels(ds.vocab_domains, "domain")
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
                "label": labels.get(dom, str(dom)),
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
