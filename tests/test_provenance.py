"""The share of case facts resting on an official or original page: the measure and the shipped numbers."""

import pandas as pd
import pytest

import gbaresearch as gba
from gbaresearch.analysis import provenance as P


def _tiny(rows, kinds):
    """A dataset with only the two tables the measure reads; ``sources`` carries the schema's
    metadata as a loaded table does (which kinds count as original or copies)."""
    sources = pd.DataFrame({"source_id": list(kinds), "kind": pd.Categorical(list(kinds.values()))})
    sources.attrs = gba.load_dataset().sources.attrs
    return {"sources": sources, "case_sources": pd.DataFrame(rows, columns=["case_id", "source_id", "fact"])}


KINDS = {"S1": "official", "S2": "press", "S3": "mirror", "S4": "machine_translation", "S5": "reference"}


def test_a_fact_counts_once_whatever_the_number_of_rows():
    ds = _tiny([("A", "S1", "listed"), ("A", "S2", "listed"), ("A", "S3", "listed")], KINDS)
    assert P.original_share(ds) == P.OriginalShare(facts=1, original=1, share=1.0)


def test_only_official_and_press_count():
    rows = [("A", "S3", "listed"), ("B", "S4", "listed"), ("C", "S5", "detail"), ("D", "S2", "title")]
    got = P.original_share(_tiny(rows, KINDS))
    assert (got.facts, got.original, got.share, got.copies_only) == (4, 1, 0.25, 3)


def test_a_copy_beside_an_original_page_does_not_lower_the_count():
    rows = [("A", "S3", "detail"), ("A", "S1", "detail"), ("A", "S3", "lead")]
    assert P.original_share(_tiny(rows, KINDS)) == P.OriginalShare(facts=2, original=1, share=0.5)


def test_no_facts_gives_zero_not_an_error():
    assert P.original_share(_tiny([], KINDS)) == P.OriginalShare(facts=0, original=0, share=0.0)


def test_copies_only_lists_the_cited_sources_sorted():
    rows = [("B", "S4", "listed"), ("B", "S3", "listed"), ("A", "S3", "lead"), ("A", "S2", "title")]
    got = P.facts_on_copies_only(_tiny(rows, KINDS))
    assert got.to_dict("list") == {"case_id": ["A", "B"], "fact": ["lead", "listed"], "sources": ["S3", "S3, S4"]}


@pytest.fixture(scope="module")
def ds():
    return gba.load_dataset()


def test_shipped_share(ds):
    got = P.original_share(ds)
    # data 0.3.0: reposts no longer count as originals (0.2.0 counted them: 122 of 159)
    assert (got.facts, got.original, got.copies_only) == (160, 114, 46)
    assert got.share == 114 / 160
    gov = P.original_share(ds, P.OFFICIAL_KINDS)
    assert (gov.facts, gov.original) == (160, 18)


def test_single_page_facts(ds):
    t = P.single_page_facts(ds)
    assert t.iloc[0].to_dict() == {"source_id": "S75", "kind": "press", "facts_alone": 66}
    assert int(t["facts_alone"].sum()) == 136


def test_shipped_share_by_fact(ds):
    t = P.original_share_by_fact(ds)
    assert t["fact"].tolist() == [
        "listed",
        "title",
        "order",
        "category",
        "lead",
        "rule_maker",
        "counterpart",
        "date_in_force",
        "detail",
    ]
    assert t["facts"].tolist() == [34, 16, 16, 6, 21, 1, 29, 12, 25]
    assert t["original"].tolist() == [23, 16, 16, 3, 10, 1, 20, 10, 15]
    assert t["share"].tolist() == [o / f for o, f in zip(t["original"], t["facts"])]


def test_shipped_facts_on_copies_only(ds):
    t = P.facts_on_copies_only(ds)
    assert len(t) == 46
    # batch 1's categories rest on the copy of the press-conference report; batch 3's cases on copies and a translation
    assert t.loc[t["fact"] == "category", "case_id"].tolist() == ["B1-a", "B1-b", "B1-c"]
    assert set(t.loc[t["sources"] == "S35", "case_id"]) == {"B3-e", "B3-f", "B3-g", "B3-h", "B3-i", "B3-j", "B3-k"}
    # B3-e's detail and counterpart rest on copies since S76 was withdrawn; its date in force on a press page
    assert t.loc[t["case_id"] == "B3-e", "fact"].tolist() == ["counterpart", "detail", "lead", "listed"]
    # reposts of B2 reports (S27, S29, S61, S72, S73 and others) are copies since 0.3.0
    assert set(t.loc[t["case_id"].str.startswith("B2-"), "case_id"]) == {
        "B2-04",
        "B2-05",
        "B2-07",
        "B2-08",
        "B2-12",
        "B2-13",
        "B2-14",
    }


def test_support_follows_the_codebook_rule(ds):
    """fallback = a mirror row whose case and fact are also cited from an official or press page;
    inferred = B1-g's listing rows and B2-12's date on S88 (day and month only); every other row is stated."""
    kind = dict(zip(ds.sources["source_id"], ds.sources["kind"].astype(str)))
    cs = ds.case_sources.assign(
        kind=ds.case_sources["source_id"].map(kind), support=ds.case_sources["support"].astype(str)
    )
    better = set(
        map(
            tuple,
            cs.loc[cs["kind"].isin(P.source_kinds(ds, P.ORIGINAL_KINDS)), ["case_id", "fact"]].astype(str).to_numpy(),
        )
    )
    for r in cs.itertuples():
        if (r.case_id, r.fact) == ("B1-g", "listed") or (r.case_id, r.source_id, r.fact) == (
            "B2-12",
            "S88",
            "date_in_force",
        ):
            expected = "inferred"
        elif r.kind == "mirror" and (r.case_id, str(r.fact)) in better:
            expected = "fallback"
        else:
            expected = "stated"
        assert r.support == expected, (r.case_id, r.source_id, r.fact)
    assert cs["support"].value_counts().to_dict() == {"stated": 188, "fallback": 104, "inferred": 3}
