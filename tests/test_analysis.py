"""The numbers the notebooks state, asserted on the library functions that compute them."""

import pandas as pd
import pytest

import gbaresearch as gba
from gbaresearch import analysis as A
from gbaresearch.dataset import labels as gl


@pytest.fixture(scope="module")
def ds():
    return gba.load_dataset()


# 01 · tour
def test_coverage_by_batch(ds):
    cov = A.coverage_by_batch(ds)
    assert cov.columns.tolist() == ["batch", "announced", "n_cases", "identified", "official_titles", "share"]
    assert cov["n_cases"].tolist() == [20, 16, 16]
    assert cov["identified"].tolist() == [7, 16, 11]
    assert cov["official_titles"].tolist() == [0, 16, 0]
    assert cov["share"].tolist() == [0.35, 1.0, 0.688]


def test_coverage_by_category(ds):
    cov = A.coverage_by_category(ds).set_index(["batch", "category"])
    assert cov.loc[(1, "factor_flow")].tolist() == [8, 3, 0, 5]
    assert cov.loc[(1, "business_environment")].tolist() == [7, 0, 1, 6]
    assert cov.loc[(3, "major_platforms")].tolist() == [5, 0, 0, 5]
    assert int(cov["not_placed"].sum()) == 45
    assert A.uncategorised_by_batch(ds)["n_cases"].tolist() == [0, 16, 11]


def test_source_profile_and_case_provenance(ds):
    prof = A.source_profile(ds).set_index("kind")
    assert prof["sources"].to_dict() == {
        "official": 24,
        "press": 41,
        "repost": 19,
        "mirror": 62,
        "machine_translation": 4,
        "reference": 5,
    }
    assert prof["facts_supported"].to_dict() == {
        "official": 53,
        "press": 175,
        "repost": 63,
        "mirror": 238,
        "machine_translation": 33,
        "reference": 15,
    }
    assert round(238 / prof["facts_supported"].sum(), 2) == 0.41
    assert A.case_provenance(ds)["best_kind"].value_counts().to_dict() == {
        "press": 20,
        "official": 7,
        "machine_translation": 5,
        "mirror": 2,
    }


def test_table_overview_kinds(ds):
    ov = A.table_overview(ds).set_index("table")
    assert ov.loc["cases", "kind"] == "official"
    assert ov.loc["case_domains", "kind"] == "project_coding"
    assert ov.loc["cases", "rows"] == 34


# 02 · composition
def test_category_shares(ds):
    s = A.category_shares(ds).set_index(["category", "batch"])["share"]
    assert s[("factor_flow", 1)] == 0.4 and s[("factor_flow", 3)] == 0.1875
    assert s[("major_platforms", 1)] == 0 and s[("major_platforms", 3)] == 0.3125
    shift = A.share_shift(ds).set_index(["category", "batch"])["change"]
    assert shift[("factor_flow", 2)] == -8.8 and shift[("major_platforms", 2)] == 18.8
    assert pd.isna(shift[("factor_flow", 1)])


@pytest.mark.slow  # 20,000 Monte Carlo draws; the notebook 02 numbers are checked by nbval too
def test_composition_test_all_categories(ds):
    r = A.composition_test(ds)
    assert r == {
        "chi2": 8.479,
        "dof": 6,
        "p_asymptotic": 0.2051,
        "p_monte_carlo": 0.2134,
        "n_draws": 20000,
        "min_expected": 2.46,
        "categories": ["factor_flow", "livelihood", "business_environment", "major_platforms"],
        "n": 52,
    }


def test_composition_test_categories_used_in_every_batch(ds):
    r = A.composition_test(ds, categories_subset=["factor_flow", "livelihood", "business_environment"])
    assert (r["chi2"], r["dof"], r["p_asymptotic"], r["p_monte_carlo"], r["n"]) == (1.731, 4, 0.785, 0.8058, 44)


def test_monte_carlo_p_is_reproducible_and_seed_dependent(ds):
    assert A.composition_test(ds, n_draws=2000, seed=1) == A.composition_test(ds, n_draws=2000, seed=1)
    assert (
        A.composition_test(ds, n_draws=2000, seed=1)["p_monte_carlo"]
        != A.composition_test(ds, n_draws=2000, seed=2)["p_monte_carlo"]
    )


# 03 · expanding fields
def test_domain_first_appearance(ds):
    first = A.domain_first_appearance(ds).set_index("domain")
    assert first.loc["culture_sports", "first_batch"] == 3
    assert first.loc["data", "first_batch"] == 2
    assert first.loc["dispute_resolution", "first_cases"] == "B1-g"
    assert first.loc["environment_carbon", "first_cases"] == "B2-08"


def test_new_fields_check_later_and_secondary_only(data_copy):
    from gbaresearch.dataset.extend import append_rows

    append_rows(
        data_copy,
        "batch_new_fields",
        [
            dict(field_id="B1-sport", batch=1, field_zh="体育", field_en="sport", source_id="S02"),
            dict(field_id="B2-green", batch=2, field_zh="绿色", field_en="green", source_id="S07"),
        ],
    )
    append_rows(
        data_copy,
        "coding_new_fields",
        [
            dict(field_id="B1-sport", domain="culture_sports", basis="test"),
            dict(field_id="B2-green", domain="environment_carbon", basis="test"),
        ],
    )
    chk = A.new_fields_check(gba.load_dataset(data_copy)).set_index("field_en")
    assert chk.loc["sport", "verdict"] == "later"
    assert chk.loc["green", "verdict"] == "agrees (secondary only)"


def test_new_fields_check(ds):
    chk = A.new_fields_check(ds)
    assert chk["verdict"].tolist() == ["agrees", "agrees", "earlier", "earlier as secondary", "agrees", "earlier"]
    assert chk["first_primary"].tolist() == [2, 2, 1, 3, 3, 2]


# 04 · leads
def test_lead_and_counterpart_tables(ds):
    leads = A.lead_level_by_batch(ds)
    assert leads.drop(index=A.UNKNOWN).sum(axis=1).to_dict() == {
        "national": 0,
        "provincial": 6,
        "city": 6,
        "platform": 9,
    }
    assert leads.loc[A.UNKNOWN].tolist() == [6, 6, 1]
    cps = A.counterpart_by_batch(ds)
    assert cps.sum(axis=1).to_dict() == {"hong_kong": 6, "macao": 6, "both": 19, A.NOT_STATED: 3}
    assert A.counterpart_inferred(ds) == 2


def test_cases_by_place(ds):
    p = A.cases_by_place(ds).set_index("place_id")
    assert p.loc["qianhai", "case_ids"] == "B1-g, B2-14, B3-i"
    assert p["cases"].sum() == 15  # provincial leads have no place


# 05 · mechanisms
def test_mechanisms(ds):
    m = A.mechanisms_by_batch(ds)
    assert m.loc["unilateral_opening"].tolist() == [4, 5, 4]
    assert m.loc[A.NOT_CODED].tolist() == [0, 2, 0]
    sh = A.mechanism_shares(ds)
    assert sh.loc["unilateral_opening"].tolist() == [0.571, 0.357, 0.364]
    absent_first = [k for k, row in m.drop(index=A.NOT_CODED).iterrows() if row[1] == 0 and row.sum() > 0]
    assert absent_first == [
        "mutual_recognition",
        "shared_standards",
        "rule_adoption",
        "judicial_guidance",
        "joint_organisation",
    ]


# 06 · deepening
def test_links_and_time_to_selection(ds):
    links = A.link_table(ds)
    assert len(links) == 6 and (links["link_status"] == "inferred").all()
    assert (links["from_batch"] > links["to_batch"]).all()
    t = A.time_to_selection(ds)
    assert len(t) == 12
    # exact day counts (first-of-month for month dates), rounded only for display
    by = t.set_index("case_id")
    assert by.loc["B1-d", "days"] == 735 and by.loc["B2-16", "days"] == 743
    assert not by.loc["B1-d", "within_two_years"] and not by.loc["B2-16", "within_two_years"]
    assert int(t["within_two_years"].sum()) == 10
    assert f"{t['years'].median():.2f}" == "0.74" and t["days"].median() == 271.0
    assert by.loc["B2-09", "days"] == 230
    assert A.undated_cases(ds)["case_id"].tolist()[:2] == ["B1-a", "B1-b"] and len(A.undated_cases(ds)) == 22


def test_deepening_findings_are_exact(ds):
    from gbaresearch.analysis import findings as F

    f = F.deepening(ds)
    assert f.loc["every dated case selected within two years"].tolist() == ["no", "10 of 12 (83%)"]
    assert f.loc["median time to selection under one year", "value"] == "yes"
    assert F.deepening_counts(ds)["median years from taking effect to selection"] == "0.74"


def test_composition_like_for_like(ds):
    from gbaresearch.analysis import findings as F

    cc = F.composition_change(ds).set_index("category")
    # business environment rose among the three categories used in every batch: 7 of 20 -> 5 of 11
    assert cc.loc["business_environment", ["k_first", "n_first", "k_last", "n_last"]].tolist() == [7, 20, 5, 11]
    assert cc["change"].idxmax() == "business_environment" and cc["change"].idxmin() == "factor_flow"
    assert F.unused_categories(ds) == ["major_platforms"]


def test_earlier_verdict_firm_only_without_inferred_membership(ds):
    from gbaresearch.analysis import findings as F

    t = F.earlier_verdicts_firm(ds).set_index("field_en")
    assert t.loc["diversified resolution of commercial disputes", "firm"] == False  # noqa: E712 - rests on B1-g
    assert t["firm"].sum() == 2


def test_coverage_bounds():
    assert A.share_bounds(1, 7, 20) == (0.05, 14 / 20)
    assert A.coverage_robust(0, 10, 10, 10, 10, 10) is True
    assert A.coverage_robust(1, 7, 20, 3, 11, 16) is False


def test_partial_dates():
    s = pd.Series(["2024", "2024-03", "2024-03-18", None], dtype="string")
    assert A.partial_date_start(s).dt.strftime("%Y-%m-%d").tolist()[:3] == ["2024-01-01", "2024-03-01", "2024-03-18"]
    assert A.date_precision(s).tolist()[:3] == ["year", "month", "day"]


# 07 · outcomes
def test_indicator_summary(ds):
    ind = A.indicator_table(ds)
    assert len(ind) == 44 and ind["case_id"].nunique() == 20
    u = A.indicator_units(ds).set_index("unit")
    assert len(u) == 17
    assert (int(u["lower"].sum()), int(u["approximate"].sum()), int(u.loc["person_times", "total"])) == (8, 4, 5)
    counts = ind.groupby(["case_id", "unit"], observed=True).size()
    assert counts.idxmax() == ("B1-f", "persons") and counts.max() == 5
    assert A.series(ds, "B1-f", "persons")["value"].tolist() == [5092, 35600, 43600, 59000, 164600]


@pytest.mark.parametrize(
    "value,unit,bound,text",
    [
        (2300000, "vehicle_trips", "lower", "over 2.3 million vehicle-trips"),
        (1759000, "person_times", "approximate", "about 1.759 million person-times"),
        (1e9, "yuan", "exact", "RMB 1 billion"),
        (35500, "persons", "exact", "35,500 persons"),
    ],
)
def test_format_value(value, unit, bound, text):
    assert A.format_value(value, unit, bound) == text


# 08 · corrections
def test_corrections_and_machine_translation_dependence(ds):
    corr = A.corrections_table(ds)
    assert len(corr) == 7 and corr["source_id"].nunique() == 4
    assert sorted(corr["error_kind"].astype(str).unique()) == ["missing_date", "translation", "unit"]
    mt = ds.sources.loc[ds.sources["kind"] == "machine_translation", "source_id"].tolist()
    assert mt == ["S35", "S43", "S164", "S165"]  # S164, S165: outcome figures only
    sole = A.sole_source_facts(ds, mt)
    assert (len(sole), sole["case_id"].nunique()) == (18, 7)
    assert A.facts_resting_on(ds, mt).set_index("table")["rows"].to_dict() == {
        "case_sources": 18,
        "indicators": 4,
        "corrections": 5,
        "case_links": 2,
        "outcome_observations": 4,
    }


# --- functions for the honest-figures and sensitivity sections, on a small made-up dataset ---


class _Fake(dict):
    """A minimal stand-in for a Dataset: tables by name and as attributes."""

    def __getattr__(self, name):
        return self[name]


def _cat(values, cats, ordered=False):
    return pd.Categorical(values, categories=cats, ordered=ordered)


@pytest.fixture
def tiny():
    b = [1, 2]
    ds = _Fake(
        batches=pd.DataFrame(
            {
                "batch": _cat(b, b, True),
                "announced": pd.to_datetime(["2023-01-01", "2024-01-01"]),
                "n_cases": pd.array([4, 3], dtype="Int64"),
            }
        ),
        cases=pd.DataFrame(
            {
                "case_id": ["a1", "a2", "a3", "b1", "b2"],
                "batch": _cat([1, 1, 1, 2, 2], b, True),
                "title_status": ["official"] * 5,
            }
        ),
        case_mechanisms=pd.DataFrame(
            {
                "case_id": ["a1", "a1", "a2", "b1", "b2", "b2"],
                "mechanism": [
                    "unilateral_opening",
                    "mutual_recognition",
                    "pilot",
                    "joint_inspection",
                    "rule_adoption",
                    "unilateral_opening",
                ],
            }
        ),
        case_domains=pd.DataFrame(
            {
                "case_id": ["a1", "b1", "b2"],
                "domain": ["finance", "data", "finance"],
                "is_primary": pd.array([True, True, False], dtype="boolean"),
            }
        ),
        vocab_domains=pd.DataFrame(
            {
                "domain": ["finance", "data", "education"],
                "label_en": ["Finance", "Data", "Education"],
                "label_zh": ["金融", "数据", "教育"],
            }
        ),
        # directions are read from the vocabulary: "pilot" is two-sided here (unlike the real
        # vocabulary) so the counts show the classification comes from the data
        vocab_mechanisms=pd.DataFrame(
            {
                "mechanism": ["unilateral_opening", "mutual_recognition", "pilot", "joint_inspection", "rule_adoption"],
                "direction": ["one_sided", "two_sided", "two_sided", "two_sided", "one_sided"],
            }
        ),
    )
    # what each direction means (gba:sides) is the schema's: the tables carry the real metadata
    # (a code the real vocabulary lacks is labelled by itself)
    real = gba.load_dataset()
    for name in ("vocab_mechanisms", "vocab_domains", "cases"):
        ds[name].attrs.update(real[name].attrs)
    return ds


def test_mechanism_direction_counts_cases_not_rows(tiny):
    d = A.mechanism_direction_by_batch(tiny)
    assert d.to_dict("list") == {
        "batch": [1, 2],
        "announced": [4, 3],
        "identified": [3, 2],
        "coded": [2, 2],
        "two_sided": [2, 1],  # a1 (mutual recognition) and a2 (pilot, two-sided in this vocabulary)
        "one_sided": [1, 1],  # b2 uses two one-sided mechanisms: one case
    }
    assert A.coded_per_batch(tiny).tolist() == [2, 2]


def test_unidentified_before_and_firm_first_appearance(tiny):
    assert A.unidentified_before(tiny) == {1: 0, 2: 1}
    t = A.first_appearance_table(tiny).set_index("domain")
    assert t.loc["finance", ["first_batch", "unidentified_before", "firm"]].tolist() == [1, 0, True]
    assert t.loc["data", ["first_batch", "unidentified_before", "firm"]].tolist() == [2, 1, False]
    assert pd.isna(t.loc["education", "first_batch"]) and pd.isna(t.loc["education", "unidentified_before"])


def test_of_counts_with_denominators():
    assert A.of(3, 7) == "3 of 7 (43%)"
    assert A.of(0, 0) == "0 of 0"


@pytest.mark.parametrize(
    "text,escaped",
    [
        ("plain words", "plain words"),
        ("[link](x) <b>$1</b>", r"\[link\](x) \<b\>\$1\</b\>"),
        ("a_b*c*`d`|e~#f", r"a\_b\*c\*\`d\`\|e\~\#f"),
        ("- starts a list", r"\- starts a list"),
        ("Cross-border 1.5", "Cross-border 1.5"),
    ],
)
def test_md_escape(text, escaped):
    assert A.md_escape(text) == escaped


def test_prose_plain_text_is_the_unescaped_sentence():
    from gbaresearch.analysis.prose import say, unescape

    p = say("**3 of 6** fields: " + A.md_escape("a_b [c] $5"))
    assert p._repr_markdown_() == r"**3 of 6** fields: a\_b \[c\] \$5"
    assert repr(p) == "3 of 6 fields: a_b [c] $5"
    assert unescape(r"\(x\) \- y") == "(x) - y"


def test_power_of_the_composition_test():
    # Cohen's w detectable with 80% power at the 5% level
    assert A.detectable_effect(52, 6) == 0.51
    assert A.detectable_effect(44, 4) == 0.52
    assert A.detectable_effect(520, 6) == 0.16
    assert A.effect_size({"chi2": 8.479, "n": 52}) == 0.4


def test_value_labels_come_from_the_schema(ds):
    labels = gl.label_pairs(ds.cases, "category")
    assert labels["factor_flow"] == ("Cross-border flow of factors", "要素跨境流动")
    assert gl.labels(ds.cases, "category", "both")["major_platforms"] == "Major cooperation platforms / 重大平台建设"
    assert gl.labels(ds.cases, "category", "zh")["livelihood"] == "民生融合"
    assert gl.labels(ds.vocab_mechanisms, "mechanism", "both")["mutual_recognition"] == "Mutual recognition / 互认"


def test_identified_cases_table(ds):
    t = A.identified_cases(ds)
    assert t.columns.tolist() == [
        "case_id",
        "batch",
        "title_zh",
        "title_en",
        "title_status",
        "category",
        "lead_level",
        "lead_place",
        "counterpart",
    ]
    assert len(t) == len(ds.cases) and t["case_id"].is_unique
    assert t["title_zh"].notna().all() and t["title_en"].notna().all()
    inferred = ds.cases.loc[ds.cases["category_status"] == "inferred", "case_id"]
    assert t.set_index("case_id").loc[list(inferred), "category"].str.endswith("(inferred)").all()


def test_indicator_dots_one_unit_per_panel(ds):
    d = A.indicator_dots(ds)
    assert len(d) == len(ds.indicators)
    # grouped by unit, units with most figures first, values descending within a unit
    assert d["n_in_unit"].is_monotonic_decreasing
    for _, g in d.groupby("unit", sort=False):
        assert g["value"].is_monotonic_decreasing
        assert g.index.to_series().diff().dropna().eq(1).all()
    assert (d["unit_label"] == d["unit"].str.replace("_", "-")).all()
    assert d["shown"].str.contains(r"\d,\d{3}|million|billion|^\D*\d{1,3}\D", regex=True).all()


# --- findings recomputed on the sensitivity variants ----------------------------------------


def test_direction():
    from gbaresearch.analysis.findings import _direction

    assert (_direction(0.1, 0.2), _direction(0.2, 0.1), _direction(0.2, 0.2)) == ("up", "down", "unchanged")


@pytest.mark.parametrize(
    "name",
    [
        "deepening",  # in the edit-test loop; the others, each across six variants, in `make test`
        *(pytest.param(n, marks=pytest.mark.slow) for n in ("expanding_fields", "leads_and_counterparts")),
        *(pytest.param(n, marks=pytest.mark.slow) for n in ("mechanisms", "outcomes")),
    ],
)
def test_findings_are_statements_not_counts(ds, name):
    from gbaresearch.analysis import findings as F
    from gbaresearch.analysis import sensitivity as S

    fn = getattr(F, name)
    table = S.compare(ds, fn, columns=["value"])
    assert list(table.columns) == list(S.variants(ds))
    assert table.index.is_unique and table.notna().all().all()
    # a finding is a label, yes/no or a direction; counts live in the *_counts functions
    assert not table.apply(lambda col: col.astype(str).str.contains(r" of \d+ \(", regex=True)).to_numpy().any() or (
        name == "expanding_fields"
    )


def test_mechanism_findings_as_coded(ds):
    from gbaresearch.analysis import findings as F

    f = F.mechanisms(ds)["value"]
    assert f["most used mechanism"] == "Unilateral opening"
    assert f["most coded cases of batch 1 use a one-sided mechanism"] == "yes"
    assert f.to_dict() == {
        "most used mechanism": "Unilateral opening",
        "most coded cases of batch 1 use a one-sided mechanism": "yes",
        # 1 of 7 -> 3 of 11 and 4 of 7 -> 6 of 11 coded; 1 of 20 -> 3 of 16 and 4 of 20 -> 6 of 16
        # announced: no Fisher p below 0.05
        "two-sided share of coded cases, batch 1 to 3": "no clear change",
        "two-sided share of announced cases, batch 1 to 3": "no clear change",
        "one-sided share of coded cases, batch 1 to 3": "no clear change",
        "one-sided share of announced cases, batch 1 to 3": "no clear change",
        "two-sided share, batch 1 to 3: robust to uncoded and unidentified cases": "no",
        "one-sided share, batch 1 to 3: robust to uncoded and unidentified cases": "no",
    }
    assert A.mechanism_direction(ds)["joint_organisation"] == "neither"
    assert A.mechanism_direction_by_batch(ds)[["two_sided", "one_sided", "coded"]].to_dict("list") == {
        "two_sided": [1, 2, 3],
        "one_sided": [4, 7, 6],
        "coded": [7, 14, 11],
    }
    counts = F.mechanisms_counts(ds)
    d = A.mechanism_direction_by_batch(ds).set_index("batch")
    assert counts["batch 1: one-sided, of coded"] == A.of(d.loc[1, "one_sided"], d.loc[1, "coded"])


def test_change_needs_fisher_p_below_alpha():
    from gbaresearch.analysis import findings as F

    assert F.fisher_p(0, 10, 10, 10) == pytest.approx(1.0825088224469026e-05)
    assert F.change(0, 10, 10, 10) == "up"
    assert F.change(10, 10, 0, 10) == "down"
    assert F.change(1, 7, 3, 11) == "no clear change"  # p = 1.0
    assert F.fisher_p(1, 0, 1, 5) == 1.0


def test_lead_basis_table_splits_named_bodies_from_title_places(ds):
    t = A.lead_basis_table(ds)
    assert list(t.columns) == ["named body", "place in title"]
    assert t.to_dict() == {
        "named body": {"city": 0, "platform": 0, "provincial": 6},
        "place in title": {"city": 6, "platform": 9, "provincial": 0},
    }


def test_coverage_bounds_tables(ds):
    t = A.coverage_bounds(ds, A.counterpart_by_batch(ds).loc["both"], "counterpart both").set_index("batch")
    # batch 1: 7 of 7 identified are 'both', 13 of 20 announced unknown: 35% to 100%
    assert t.loc[1, ["cases", "identified", "announced"]].tolist() == [7, 7, 20]
    assert (t.loc[1, "low"], t.loc[1, "high"]) == (0.35, 1.0)
    assert t.loc[2, "low"] == t.loc[2, "high"] == 7 / 16  # batch 2 is fully identified
    shown = A.bounds_display(A.mechanism_direction_bounds(ds))
    assert shown.iloc[0].tolist() == [1, "two-sided", "1 of 7 (14%)", 20, "5%–70%"]
