"""Coding reliability: Krippendorff's alpha against textbook values and the ``krippendorff``
package, the units of each variable, disagreements, and recovery of the first coding."""

import krippendorff
import numpy as np
import pandas as pd
import pytest

import gbaresearch as gba
from gbaresearch.analysis import reliability as R

N = None


@pytest.fixture(scope="module")
def ds():
    return gba.load_dataset()


# --- alpha ---------------------------------------------------------------------------------

# Krippendorff (2011), "Computing Krippendorff's alpha-reliability", section C: four coders,
# twelve units, nominal values with missing data; alpha = 0.743.
TEXTBOOK_4 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
    [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
]
# Same source, section A: two coders, ten binary units; alpha = 0.095.
TEXTBOOK_2 = [[0, 1, 0, 0, 0, 0, 0, 0, 1, 0], [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]]


def _package(data):
    return float(krippendorff.alpha(np.array(data, dtype=float), level_of_measurement="nominal"))


def test_alpha_textbook_examples():
    assert round(R.alpha_nominal(TEXTBOOK_4), 3) == 0.743
    assert round(R.alpha_nominal(TEXTBOOK_2), 3) == 0.095
    assert R.alpha_nominal(TEXTBOOK_4) == pytest.approx(_package(TEXTBOOK_4), abs=1e-12)
    assert R.alpha_nominal(TEXTBOOK_2) == pytest.approx(_package(TEXTBOOK_2), abs=1e-12)


def test_alpha_by_hand_and_edge_cases():
    # coincidences: a-a 4, b-b 2, a-b 1, b-a 1; n = 8, n_a = 5, n_b = 3: 1 - 7 * 2 / (64 - 25 - 9)
    assert R.alpha_nominal([["a", "a", "b", "b"], ["a", "a", "b", "a"]]) == pytest.approx(8 / 15)
    assert R.alpha_nominal([["x", "y", "z"], ["x", "y", "z"]]) == 1.0
    # string labels, pd.NA and NaN as missing; unpairable units are ignored
    assert R.alpha_nominal([["a", pd.NA, "b", "a"], ["a", "b", "b", float("nan")]]) == 1.0
    assert np.isnan(R.alpha_nominal([["a", "a"], ["a", "a"]]))  # no variation: undefined
    assert np.isnan(R.alpha_nominal([["a", N], [N, "b"]]))  # nothing pairable
    with pytest.raises(ValueError):
        R.alpha_nominal([["a", "b"], ["a"]])


# --- a made-up second coding with known differences ----------------------------------------


def _second(first: R.Coding) -> R.Coding:
    s = R.Coding(
        list(first.cases),
        dict(first.primary),
        {k: set(v) for k, v in first.domains.items()},
        {k: set(v) for k, v in first.mechanisms.items()},
        dict(first.counterparts),
        dict(first.links),
    )
    s.primary["B1-a"] = "transport_vehicles"  # primary changed: 1 primary + 2 domain units
    s.domains["B1-a"] = {"transport_vehicles"}
    s.mechanisms["B1-b"] = set()  # left uncoded: 2 mechanism units
    s.counterparts["B2-16"] = None  # hong_kong -> none
    s.links[("B2-13", "B1-d")] = "extends"  # relation differs
    del s.links[("B2-10", "B1-c")]  # link dropped
    s.links[("B3-a", "B2-05")] = "extends"  # link added
    return s


def test_unit_counts(ds):
    first = R.first_coding(ds)
    u = R.unit_values(ds, first, _second(first))
    n_cases, n_dom, n_mech = len(ds.cases), len(ds.vocab_domains), len(ds.vocab_mechanisms)
    by = u["variable"].value_counts().to_dict()
    assert by["primary_domain"] == n_cases == 34
    assert by["domains"] == n_cases * n_dom == 34 * 17
    assert by["mechanisms"] == n_cases * n_mech == 34 * 11
    assert by["counterpart"] == 6  # the cases the second coder was asked to code
    # ordered pairs with the earlier case in an earlier batch: 16 * 7 + 11 * 23
    assert by["links"] == 16 * 7 + 11 * 23 == 365
    assert u["first"].notna().all() and u["second"].notna().all()


def test_disagreements_made_up(ds):
    first = R.first_coding(ds)
    d = R.disagreements(ds, first, _second(first))
    assert d.astype(object).where(d.notna(), None).values.tolist() == [
        ["primary_domain", "B1-a", None, "border_clearance", "transport_vehicles"],
        ["domains", "B1-a", "border_clearance", "present", "absent"],
        ["domains", "B1-a", "transport_vehicles", "absent", "present"],
        ["mechanisms", "B1-b", "unilateral_opening", "present", "absent"],
        ["mechanisms", "B1-b", "pilot", "present", "absent"],
        ["counterpart", "B2-16", None, "hong_kong", "(none)"],
        ["links", "B2-10", "B1-c", "extends", "absent"],
        ["links", "B2-13", "B1-d", "deepens", "extends"],
        ["links", "B3-a", "B2-05", "absent", "extends"],
    ]
    by_case = R.disagreements_by_case(ds, first, _second(first))
    assert by_case["total"].to_dict() == {"B1-a": 3, "B1-b": 2, "B2-10": 1, "B2-13": 1, "B2-16": 1, "B3-a": 1}


def test_reliability_table_made_up(ds):
    first = R.first_coding(ds)
    second = _second(first)
    t = R.reliability_table(ds, first, second).set_index("variable")
    assert t.index.tolist() == list(R.variables(ds))
    assert t["n_units"].tolist() == [34, 578, 374, 6, 365, 7]
    assert t["disagreements"].tolist() == [1, 2, 2, 1, 3, 1]
    assert t.loc["primary_domain", "raw_agreement"] == round(33 / 34, 3)
    assert t.loc["domains", "first_present"] == 55 and t.loc["domains", "second_present"] == 55
    assert t.loc["domains", "positive_agreement"] == round(2 * 54 / 110, 3)
    assert t.loc["mechanisms", "first_present"] == 40 and t.loc["mechanisms", "second_present"] == 38
    assert t.loc["links", "first_present"] == 8 and t.loc["links", "second_present"] == 8
    assert t.loc["links", "positive_agreement"] == round(2 * 7 / 16, 3)
    # link relation: 7 pairs linked by both, one relation differs
    assert t.loc["link_relation", "raw_agreement"] == round(6 / 7, 3)
    assert pd.isna(t.loc["counterpart", "positive_agreement"])
    # every alpha equals the krippendorff package's on the same units
    u = R.unit_values(ds, first, second)
    for var in ("primary_domain", "domains", "mechanisms", "counterpart", "links"):
        sub = u[u["variable"] == var]
        codes = {v: i for i, v in enumerate(sorted(set(sub["first"]) | set(sub["second"])))}
        data = [sub["first"].map(codes).tolist(), sub["second"].map(codes).tolist()]
        assert t.loc[var, "alpha"] == round(_package(data), 3), var


def test_identical_codings_agree_fully(ds):
    first = R.first_coding(ds)
    t = R.reliability_table(ds, first, first)
    assert (t["disagreements"] == 0).all()
    assert (t["raw_agreement"] == 1.0).all()
    assert (t["alpha"] == 1.0).all()
    assert R.disagreements(ds, first, first).empty


def test_uncoded_case_is_missing_not_absent(ds):
    first = R.first_coding(ds)
    second = _second(first)
    second.cases.remove("B3-k")
    for attr in ("primary", "domains", "mechanisms"):
        getattr(second, attr).pop("B3-k")
    u = R.unit_values(ds, first, second)
    k = u[u["case_id"] == "B3-k"]
    assert k["second"].isna().all() and k["first"].notna().all()
    t = R.reliability_table(ds, first, second).set_index("variable")
    assert t.loc["primary_domain", "n_units"] == 33
    assert t.loc["domains", "n_units"] == 33 * 17


def test_log_recovers_first_coding(ds):
    """Setting logged units to their first value undoes reconciliation exactly."""
    first = R.first_coding(ds)
    final = _second(first)  # pretend reconciliation adopted every second value
    d = R.disagreements(ds, first, final)
    log = pd.DataFrame(
        {
            "variable": d["variable"],
            "case_id": d["case_id"],
            "item": d["item"],
            "first_value": d["first"].replace(R.NONE, pd.NA),
            "second_value": d["second"].replace(R.NONE, pd.NA),
            "final_value": d["second"].replace(R.NONE, pd.NA),
        }
    )
    back = R._apply_log(final, log, "first_value", R.coding_variables(ds))
    assert back.primary == first.primary
    assert back.domains == first.domains
    assert back.mechanisms == first.mechanisms
    assert back.counterparts == first.counterparts
    assert back.links == first.links
    with pytest.raises(ValueError, match="unknown variable"):
        R._apply_log(final, log.assign(variable="colour"), "first_value", R.coding_variables(ds))


# --- the stored second coding --------------------------------------------------------------


def test_stored_reliability(ds):
    t = R.reliability_table(ds).set_index("variable")
    assert t.index.tolist() == list(R.variables(ds))
    assert t["n_units"].tolist() == [34, 578, 374, 6, 365, 5]
    assert t["alpha"].tolist() == [0.969, 0.881, 0.713, 0.744, 0.58, 1.0]
    assert t["raw_agreement"].tolist() == [0.971, 0.981, 0.939, 0.833, 0.981, 1.0]
    assert t["disagreements"].tolist() == [1, 11, 23, 1, 7, 0]
    assert t.loc[["domains", "mechanisms", "links"], "first_present"].tolist() == [55, 40, 8]
    assert t.loc[["domains", "mechanisms", "links"], "second_present"].tolist() == [46, 51, 9]
    assert t.loc[["domains", "mechanisms", "links"], "positive_agreement"].tolist() == [0.891, 0.747, 0.588]


def test_stored_alpha_matches_the_package(ds):
    u = R.unit_values(ds, R.first_coding(ds), R.second_coding(ds))
    t = R.reliability_table(ds).set_index("variable")
    for var in ("primary_domain", "domains", "mechanisms", "counterpart", "links"):
        sub = u[u["variable"] == var]
        codes = {v: i for i, v in enumerate(sorted(set(sub["first"]) | set(sub["second"])))}
        data = [sub["first"].map(codes).tolist(), sub["second"].map(codes).tolist()]
        assert t.loc[var, "alpha"] == round(_package(data), 3), var


def test_stored_disagreements_are_the_log(ds):
    d = R.disagreements(ds)
    assert len(d) == 43
    assert d["variable"].value_counts().to_dict() == {
        "mechanisms": 23,
        "domains": 11,
        "links": 7,
        "primary_domain": 1,
        "counterpart": 1,
    }
    log = ds.coding_reconciliation
    keys = lambda v, c, i: list(zip(v.astype(str), c.astype(str), i.astype(object).where(i.notna(), None)))  # noqa: E731
    assert sorted(keys(d["variable"], d["case_id"], d["item"]), key=str) == sorted(
        keys(log["variable"], log["case_id"], log["item"]), key=str
    )
    assert R.reconciliation_problems(ds) == []
    # how reconciliation settled: final value equal to the first coding's, to the second's
    final = log["final_value"].fillna(R.NONE)
    assert int((final == log["first_value"].fillna(R.NONE)).sum()) == 6
    assert int((final == log["second_value"].fillna(R.NONE)).sum()) == 37


def test_reconciliation_problems_are_found(ds):
    log = ds.coding_reconciliation
    assert log.loc[2, ["case_id", "item", "final_value"]].tolist() == ["B1-c", "finance", "present"]
    bad = log.drop(index=2)  # B1-c finance: the final coding keeps the first value, so it differs from the second
    bad.loc[1, "final_value"] = "present"  # B1-b dispute_resolution: the tables say absent
    bad = pd.concat([bad, bad.loc[[1]]], ignore_index=True)  # and logged twice
    ds2 = type(ds).__new__(type(ds))
    dict.update(ds2, ds)
    ds2.__dict__.update(ds.__dict__)
    ds2["coding_reconciliation"] = bad
    assert R.reconciliation_problems(ds2) == [
        "domains B1-b dispute_resolution: final_value 'present' but the final tables have 'absent'",
        "domains B1-b dispute_resolution: logged more than once",
        "domains B1-b dispute_resolution: final_value 'present' but the final tables have 'absent'",
        "domains B1-c finance: final 'present' differs from the second coding 'absent' but is not logged",
    ]


def test_first_coding_is_recovered_from_the_log(ds):
    """The first coding is the final coding with logged units set back: B3-c's primary domain,
    the B1-a counterpart and the links dropped in reconciliation come back."""
    first, final = R.first_coding(ds), R.final_coding(ds)
    assert first.primary["B3-c"] == "border_clearance" and final.primary["B3-c"] == "trade_goods"
    assert first.counterparts["B1-a"] is None and final.counterparts["B1-a"] == "both"
    assert set(first.links) - set(final.links) == {("B2-10", "B1-c"), ("B3-d", "B2-04"), ("B3-g", "B1-c")}
    assert set(final.links) - set(first.links) == {("B2-07", "B1-g")}
    assert sum(len(v) for v in first.domains.values()) == 55
    assert sum(len(v) for v in first.mechanisms.values()) == 40


def test_reconciliation_summary(ds):
    t = R.reconciliation_summary(ds).set_index("variable")
    assert t.index.tolist() == ["primary_domain", "domains", "mechanisms", "counterpart", "links"]
    assert t["disagreements"].tolist() == [1, 11, 23, 1, 7]
    assert t["kept_first"].tolist() == [0, 2, 1, 0, 3]
    assert t["took_second"].tolist() == [1, 9, 22, 1, 4]
    assert (t["other"] == 0).all()


def test_coding_summary(ds):
    t = R.coding_summary(ds)
    assert t.columns.tolist() == ["first", "second", "final"]
    assert t.to_dict("index") == {
        "domain rows": {"first": 55, "second": 46, "final": 46},
        "secondary domains": {"first": 21, "second": 12, "final": 12},
        "mechanism rows": {"first": 40, "second": 51, "final": 50},
        "cases with a mechanism": {"first": 31, "second": 32, "final": 32},
        "links": {"first": 8, "second": 9, "final": 6},
        "counterparts coded as none": {"first": 4, "second": 3, "final": 3},
    }


def test_alpha_crosscheck_agrees_with_the_package_on_the_shipped_coding():
    ds = gba.load_dataset()
    t = R.alpha_crosscheck(ds).set_index("variable")
    assert t.index.tolist() == list(R.variables(ds)[:5])
    assert t["n_units"].tolist() == [34, 578, 374, 6, 365]
    assert t["alpha (gbaresearch)"].round(3).tolist() == [0.969, 0.881, 0.713, 0.744, 0.58]
    assert (t["alpha (gbaresearch)"] - t["alpha (krippendorff package)"]).abs().max() < 1e-12


def test_alpha_crosscheck_treats_uncoded_cases_as_missing(data_copy):
    from extension_data import add_fourth_batch

    add_fourth_batch(data_copy)  # new cases have no second coding
    t = R.alpha_crosscheck(gba.load_dataset(data_copy)).set_index("variable")
    assert t.loc["primary_domain", "n_units"] == 34
    assert (t["alpha (gbaresearch)"] - t["alpha (krippendorff package)"]).abs().max() < 1e-12


def test_shipped_second_coding_covers_every_coded_case(ds):
    assert R.cases_without_second_coding(ds).empty
    n = ds.case_domains["case_id"].nunique()
    assert R.second_coding_coverage(ds) == f"The second coding covers all {n} coded cases."


def test_cases_added_without_second_coding_are_named(data_copy):
    from gbaresearch.dataset.announce import add
    from gbaresearch.dataset.paths import REPO_DIR

    assert add(REPO_DIR / "docs" / "examples" / "batch4.yaml", data_copy).written
    ds = gba.load_dataset(data_copy)
    lacking = R.cases_without_second_coding(ds)
    assert lacking.to_dict("list") == {"case_id": ["B4-01", "B4-a"], "batch": [4, 4]}
    n = ds.case_domains["case_id"].nunique()
    assert R.second_coding_coverage(ds) == (
        f"The second coding covers {n - 2} of {n} coded cases; 2 coded cases without a second coding "
        "(B4-01, B4-a) are left out of the agreement figures."
    )


def test_the_schema_describes_each_coding_variable(ds):
    assert R.variables(ds) == ("primary_domain", "domains", "mechanisms", "counterpart", "links", "link_relation")
    assert [v.shape for v in R.coding_variables(ds)] == [R.VALUE, R.SET, R.SET, R.VALUE_OR_NONE, R.PAIR]
    assert R.coders(ds) == ("first", "second", "third")
    for v in R.coding_variables(ds):
        assert set(v.tables) == set(R.coders(ds)) and all(t in ds for t in v.tables.values()), v.name
        assert v.vocabulary is None or v.vocabulary in ds, v.name
    assert R.coding_variable(ds, R.SET, R.MECHANISMS).name == "mechanisms"
    assert R.agreement_units(ds)["domains"] == "case × domain"
    assert R.agreement_units(ds)["link_relation"] == "pair linked by both coders"
    assert R.coder_tables(ds, "third") == [
        "coding_third_domains",
        "coding_third_mechanisms",
        "coding_third_counterparts",
        "coding_third_links",
    ]
