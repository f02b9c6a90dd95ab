"""Sensitivity variants: which cases they drop, what they replace, and that they never touch the original."""

import pandas as pd
import pytest

import gbaresearch as gba
from gbaresearch import analysis as A
from gbaresearch.analysis import sensitivity as S


@pytest.fixture(scope="module")
def ds():
    return gba.load_dataset()


def _with_second_coding(ds):
    """A copy of ``ds`` with made-up second-coding tables that differ from the first coding in
    known ways (only for testing the machinery)."""
    out = S.copy_dataset(ds)
    for t in S.SECOND_CODING_TABLES.values():
        out.pop(t, None)
    d = ds.case_domains[["case_id", "domain", "is_primary", "basis"]].copy()
    d = d[d["case_id"] != "B1-a"]  # B1-a: primary domain changed below
    extra = pd.DataFrame(
        {"case_id": ["B1-a"], "domain": ["transport_vehicles"], "is_primary": [True], "basis": ["test"]}
    )
    out["coding_second_domains"] = pd.concat([d, extra], ignore_index=True)
    m = ds.case_mechanisms[["case_id", "mechanism", "basis"]].copy()
    out["coding_second_mechanisms"] = m[m["case_id"] != "B1-b"].reset_index(drop=True)  # B1-b left uncoded
    out["coding_second_links"] = pd.DataFrame(
        {"from_case_id": ["B2-09"], "to_case_id": ["B1-a"], "relation": ["deepens"], "basis": ["test"]}
    )
    out["coding_second_counterparts"] = pd.DataFrame(
        {
            "case_id": ["B2-10", "B2-16", "B2-01"],
            "counterpart": ["both", pd.NA, "macao"],  # B2-01 is stated: must be ignored
            "basis": ["test", "test", "test"],
        }
    )
    return out


def test_machine_translation_only_cases(ds):
    assert S.machine_translation_only_cases(ds) == ["B3-f", "B3-g", "B3-h", "B3-i", "B3-j"]


def test_variants_order_and_names(ds):
    v = S.variants(ds)
    assert list(v) == [
        "as coded",
        "without machine-translation-only cases",
        "without weakly evidenced cases",
        "alternative classing",
        "first coder, before reconciliation",
        "second coder",
    ]
    assert v["as coded"] is ds
    assert S.has_second_coding(ds)


def test_without_machine_translation_drops_cases_and_their_rows(ds):
    w = S.variants(ds)[S.WITHOUT_MT]
    dropped = {"B3-f", "B3-g", "B3-h", "B3-i", "B3-j"}
    assert len(w.cases) == 29 and not set(w.cases["case_id"]) & dropped
    sizes = {n: (len(ds[n]), len(w[n])) for n in ds}
    assert sizes["case_domains"] == (46, 39)
    assert sizes["case_mechanisms"] == (50, 42)
    assert sizes["case_links"] == (6, 4)
    assert sizes["coding_second_domains"] == (46, 39)
    assert sizes["coding_second_links"] == (9, 5)
    # every table with a case key loses exactly the rows of the dropped cases
    for n in ("case_sources", "indicators", "coding_reconciliation"):
        assert sizes[n][1] == sizes[n][0] - int(ds[n]["case_id"].isin(dropped).sum()) < sizes[n][0], n
    # tables without case keys, and batch-level corrections, are untouched
    for n in ("sources", "batches", "batch_categories", "places", "vocab_domains", "vocab_mechanisms", "corrections"):
        assert sizes[n][0] == sizes[n][1], n
    for col in ("from_case_id", "to_case_id"):
        assert not set(w.case_links[col]) & dropped
    assert w.version == ds.version and w.data_dir == ds.data_dir
    # categories (batches, vocabularies) stay complete
    assert list(w.cases["batch"].cat.categories) == [1, 2, 3]


def test_second_coder_variant_on_stored_data(ds):
    sc = S.variants(ds)[S.SECOND_CODER]
    assert len(sc.case_domains) == 46 and len(sc.case_mechanisms) == 51 and len(sc.case_links) == 9
    pd.testing.assert_frame_equal(
        sc.case_mechanisms[["case_id", "mechanism"]], ds.coding_second_mechanisms[["case_id", "mechanism"]]
    )
    # the second coder agrees with every counterpart that is still project coding
    pd.testing.assert_frame_equal(sc.cases, ds.cases)
    # official tables are untouched
    pd.testing.assert_frame_equal(sc.indicators, ds.indicators)


def test_variants_share_no_frames_with_the_original(ds):
    before = {n: df.copy() for n, df in ds.items()}
    for name, v in S.variants(_with_second_coding(ds)).items():
        if name == S.AS_CODED:
            continue
        for df in v.values():
            assert not any(df is o for o in ds.values())
            if len(df):
                df.iloc[0, 0] = df.iloc[-1, 0]  # mutate the variant
            df["extra"] = 1
    for n, df in ds.items():
        pd.testing.assert_frame_equal(df, before[n])


def test_second_coder_variant_replaces_project_coding(ds):
    ds2 = _with_second_coding(ds)
    v = S.variants(ds2)
    assert list(v) == [
        "as coded",
        "without machine-translation-only cases",
        "without weakly evidenced cases",
        "alternative classing",
        "first coder, before reconciliation",
        "second coder",
    ]
    sc = v[S.SECOND_CODER]
    prim = sc.case_domains[sc.case_domains["is_primary"]].set_index("case_id")["domain"]
    assert prim["B1-a"] == "transport_vehicles"
    assert len(sc.case_domains) == len(ds.case_domains)
    assert sc.case_domains["domain"].dtype == ds.case_domains["domain"].dtype
    n_b1b = int((ds.case_mechanisms["case_id"] == "B1-b").sum())
    assert (
        "B1-b" not in set(sc.case_mechanisms["case_id"]) and len(sc.case_mechanisms) == len(ds.case_mechanisms) - n_b1b
    )
    assert sc.case_links[["from_case_id", "to_case_id", "relation"]].values.tolist() == [["B2-09", "B1-a", "deepens"]]
    assert sc.case_links["source_id"].isna().all() and sc.case_links["link_status"].isna().all()
    cp = sc.cases.set_index("case_id")
    assert cp.loc["B2-10", "counterpart"] == "both" and cp.loc["B2-10", "counterpart_status"] == "inferred"
    assert pd.isna(cp.loc["B2-16", "counterpart"]) and pd.isna(cp.loc["B2-16", "counterpart_status"])
    assert cp.loc["B2-01", "counterpart"] == "both" and cp.loc["B2-01", "counterpart_status"] == "stated"
    # untouched cases keep their counterpart; official facts stay
    assert cp.loc["B3-c", "counterpart"] == "macao"
    pd.testing.assert_frame_equal(sc.indicators, ds.indicators)
    assert ds.cases.set_index("case_id").loc["B2-16", "counterpart"] == "hong_kong"
    # analyses run on the variant
    assert A.domains_by_batch(sc, primary_only=True).loc["transport_vehicles", 1] == 1
    assert A.mechanisms_by_batch(sc).loc[A.NOT_CODED, 1] == 1


def test_second_coding_needs_all_tables(ds):
    ds2 = _with_second_coding(ds)
    del ds2["coding_second_links"]
    assert not S.has_second_coding(ds2)
    assert list(S.variants(ds2)) == [
        "as coded",
        "without machine-translation-only cases",
        "without weakly evidenced cases",
        "alternative classing",
    ]
    with pytest.raises(KeyError, match="coding_second_links"):
        S.second_coding(ds2)


def test_compare_scalar_series_and_frame(ds):
    t = S.compare(ds, lambda d: len(d.cases))
    assert t.columns.tolist() == [
        "as coded",
        "without machine-translation-only cases",
        "without weakly evidenced cases",
        "alternative classing",
        "first coder, before reconciliation",
        "second coder",
    ]
    assert t.columns.name == "variant"
    assert t.loc["value"].tolist() == [34, 29, 28, 34, 34, 34]
    t = S.compare(ds, A.coverage_by_batch, index="batch", columns=["identified"])
    assert t["as coded"].tolist() == [7, 16, 11]
    assert t[S.WITHOUT_MT].tolist() == [7, 16, 6]
    assert t[S.SECOND_CODER].tolist() == [7, 16, 11]
    assert t[S.FIRST_CODER].tolist() == [7, 16, 11]
    assert t[S.WITHOUT_WEAK].tolist() == [5, 16, 7]
    assert S.differs(t).tolist() == [True, False, True]
    t = S.compare(ds, A.mechanisms_by_batch)
    changed = t[S.differs(t)]
    cols = list(t.columns)
    rows = {k: tuple(v[c] for c in cols) for k, v in changed.to_dict("index").items()}
    # columns: as coded, without MT, without weak evidence, alternative classing, first coder, second coder
    assert rows == {
        ("mutual_recognition", 2): (0, 0, 0, 0, 1, 0),
        ("mutual_recognition", 3): (1, 1, 0, 1, 2, 1),
        ("joint_inspection", 3): (0, 0, 0, 0, 1, 0),
        ("unilateral_opening", 1): (4, 4, 2, 4, 4, 4),
        ("unilateral_opening", 2): (5, 5, 5, 5, 2, 5),
        ("unilateral_opening", 3): (4, 2, 2, 4, 2, 4),
        ("shared_standards", 2): (1, 1, 1, 1, 2, 1),
        ("shared_standards", 3): (2, 0, 2, 2, 2, 2),
        ("rule_adoption", 1): (0, 0, 0, 0, 1, 0),
        ("rule_adoption", 2): (4, 4, 4, 4, 2, 4),
        ("rule_adoption", 3): (2, 1, 2, 2, 2, 2),
        ("targeted_legislation", 1): (1, 1, 0, 1, 0, 1),
        ("pilot", 1): (4, 4, 3, 4, 2, 4),
        ("pilot", 2): (3, 3, 3, 3, 2, 3),
        ("pilot", 3): (3, 1, 2, 3, 1, 3),
        ("joint_organisation", 1): (0, 0, 0, 0, 0, 1),  # B1-g: the firms were not set up by the case
        ("joint_organisation", 2): (2, 2, 2, 2, 0, 2),
        ("joint_organisation", 3): (3, 2, 2, 3, 3, 3),
        ("(not coded)", 2): (2, 2, 2, 2, 3, 2),
    }


def test_compare_keeps_rows_a_variant_lacks(ds):
    t = S.compare(ds, lambda d: d.cases.set_index("case_id")["title_en"])
    assert len(t) == 34
    assert t[S.WITHOUT_MT].isna().sum() == 5
    assert S.differs(t).sum() == 11  # 5 machine-translation-only and 6 weakly evidenced cases


def test_describe(ds):
    d = S.describe(_with_second_coding(ds))
    assert d["variant"].tolist() == [
        "as coded",
        "without machine-translation-only cases",
        "without weakly evidenced cases",
        "alternative classing",
        "first coder, before reconciliation",
        "second coder",
    ]
    assert d["identified"].tolist() == [34, 29, 28, 34, 34, 34]
    assert d["dropped"].tolist() == [
        "",
        "B3-f, B3-g, B3-h, B3-i, B3-j",
        "B1-c, B1-g, B3-a, B3-c, B3-d, B3-e",
        "",
        "",
        "",
    ]
    assert d["domain_rows"].tolist() == [46, 39, 36, 46, 55, 46]
    assert d["mechanism_rows"].tolist() == [50, 42, 41, 50, 40, 48]
    assert d["link_rows"].tolist() == [6, 4, 5, 6, 8, 1]
    assert d["counterparts"].tolist() == [31, 27, 25, 31, 30, 31]  # B2-10 gains one, B2-16 loses one


def test_first_coder_variant_is_the_coding_before_reconciliation(ds):
    from gbaresearch.analysis import reliability as R

    fc = S.variants(ds)[S.FIRST_CODER]
    rebuilt, logged = R.final_coding(fc), R.first_coding(ds)
    assert rebuilt.primary == logged.primary
    assert rebuilt.domains == logged.domains
    assert {c: m for c, m in rebuilt.mechanisms.items() if m} == {c: m for c, m in logged.mechanisms.items() if m}
    assert rebuilt.links == logged.links
    assert (len(fc.case_domains), len(fc.case_mechanisms), len(fc.case_links)) == (55, 40, 8)  # as in data 0.1.0
    assert len(ds.case_domains) == 46  # the original is untouched


def test_weak_evidence_and_alternative_classing(ds):
    assert S.inferred_membership_cases(ds) == ["B1-g"]
    assert S.weak_evidence_cases(ds) == ["B1-c", "B1-g", "B3-a", "B3-c", "B3-d", "B3-e"]
    alt = S.alternative_classing(ds)
    assert alt.vocab_mechanisms.set_index("mechanism").loc["joint_organisation", "direction"] == "two_sided"
    assert ds.vocab_mechanisms.set_index("mechanism").loc["joint_organisation", "direction"] == "neither"
    # joint organisation as two-sided: 1 of 20 -> 5 of 16 announced cases, Fisher p about 0.07
    d = A.mechanism_direction_by_batch(alt).set_index("batch")
    assert (d.loc[1, "two_sided"], d.loc[3, "two_sided"]) == (1, 5)


def test_assess_tells_untested_from_held(ds):
    from gbaresearch.analysis import findings as F

    t = S.assess(ds, F.expanding_fields)
    assert t.loc["batch 2 'vehicle clearance': verdict", "status"] == S.UNTESTED
    assert t.loc["batch 2 'diversified resolution of commercial disputes': verdict", "status"] == S.CHANGED
    d = S.assess(ds, F.deepening)
    assert d.loc["every dated case selected within two years", "status"] == S.HELD
    assert "alternative classing" not in d.loc["more links extend than deepen", "tested_by"]
