"""The shipped data against the official facts it must match, and its provenance rules."""

import pandas as pd
import pytest

import gbaresearch as gba

BATCH2_TITLES = [
    "“港车北上”“澳车北上”政策顺利落地实施",
    "高水平建设“1+12+N”港澳青年创新创业基地",
    "创新实施粤澳货物“一单两报”服务",
    "“湾区认证”推动三地质量认证规则衔接",
    "“湾事通”助力“三地同城、无感跨境”",
    "粤港实现政务服务“跨境通办”",
    "首个大湾区商事纠纷司法规则衔接指引出台",
    "广东省人民政府在澳门首发贴标中欧《可持续金融共同分类目录》绿色债券",
    "横琴口岸创新实施客货车“粤澳联合一站式”查验",
    "广州探索科研用物资跨境自由流动新机制",
    "深圳建立与国际标准衔接的医院评审认证体系",
    "珠海“小切口”立法助力澳门专业人士跨境便利执业",
    "中山率先落地“港药粤产”",
    "前海率先试点推进建设领域规则与港澳衔接",
    "南沙创新与港澳教育衔接机制",
    "河套率先试点数据跨境交易",
]


@pytest.fixture(scope="module")
def ds():
    return gba.load_dataset()


def test_batches_match_official_facts(ds):
    b = ds.batches
    assert b["batch"].tolist() == [1, 2, 3]
    assert [d.date().isoformat() for d in b["announced"]] == ["2023-04-06", "2024-05-13", "2025-01-23"]
    assert b["n_cases"].tolist() == [20, 16, 16]
    assert b["applications"].tolist()[1] == 54
    assert b["applications"].isna().tolist() == [True, False, True]


def test_category_counts_match_official_facts(ds):
    t = ds.batch_categories.pivot(index="batch", columns="category", values="n_cases")
    order = ["factor_flow", "livelihood", "business_environment", "major_platforms"]
    assert t.loc[1, order].tolist() == [8, 5, 7, 0]
    assert t.loc[2, order].tolist() == [5, 5, 3, 3]
    assert t.loc[3, order].tolist() == [3, 3, 5, 5]


def test_batch2_titles_character_for_character_in_order(ds):
    c = ds.cases[ds.cases["batch"] == 2].sort_values("order_in_batch")
    assert c["title_zh"].tolist() == BATCH2_TITLES
    assert c["order_in_batch"].tolist() == list(range(1, 17))
    assert set(c["title_status"]) == {"official"}


def test_batch2_categories_are_never_presented_as_official(ds):
    c = ds.cases[ds.cases["batch"] == 2]
    assert set(c["category_status"]) <= {"unknown", "inferred"}


def test_at_least_33_cases_each_with_a_source(ds):
    assert len(ds.cases) >= 33
    listed = set(ds.case_sources.loc[ds.case_sources["fact"] == "listed", "case_id"])
    assert set(ds.cases["case_id"]) <= listed


def test_every_indicator_link_and_correction_has_a_resolving_source(ds):
    ids = set(ds.sources["source_id"])
    for table, col in [
        ("indicators", "source_id"),
        ("case_links", "source_id"),
        ("corrections", "source_id"),
        ("corrections", "basis_source_id"),
    ]:
        assert ds[table][col].notna().all(), table
        assert set(ds[table][col]) <= ids, table


def test_every_source_is_referenced(ds):
    used = set()
    for table, col in [
        ("batches", "source_id"),
        ("batches", "applications_source_id"),
        ("batch_categories", "source_id"),
        ("batch_new_fields", "source_id"),
        ("case_sources", "source_id"),
        ("indicators", "source_id"),
        ("places", "source_id"),
        ("corrections", "source_id"),
        ("corrections", "basis_source_id"),
        ("case_links", "source_id"),
        ("plans", "source_id"),
        ("plans", "title_en_source_id"),
        ("plan_sections", "source_id"),
        ("plan_sections", "title_en_source_id"),
        ("case_plan_links", "source_id"),
        ("coding_second_plan_links", "source_id"),
        ("case_authority", "act_source_id"),
        ("outcome_observations", "source_id"),
        ("sibling_series", "source_id"),
    ]:
        used |= set(ds[table][col].dropna())
    for table in (
        "plans",
        "plan_sections",
        "case_plan_links",
        "case_authority",
        "outcome_observations",
        "sibling_series",
    ):
        used |= {s for v in ds[table]["other_source_ids"].dropna() for s in v.split()}
    assert set(ds.sources["source_id"]) == used


def test_the_five_known_errors_are_recorded(ds):
    c = ds.corrections
    assert len(c) >= 5
    assert "Qinhuangdao" in " ".join(c["claim_en"])
    assert c.loc[c["error_kind"] == "unit", "case_id"].eq("B1-e").all()


def test_person_times_are_not_persons(ds):
    i = ds.indicators.set_index("indicator_id")
    assert i.loc["I008", "unit"] == "person_times"
    assert i.loc["I008", "value"] == 306200


def test_inferred_counts_never_exceed_official_totals(ds):
    from gbaresearch.analysis import coverage_by_category

    cov = coverage_by_category(ds)
    assert (cov["identified_official"] + cov["identified_inferred"] <= cov["n_cases"]).all()


def test_places_cover_nine_cities_two_sars_four_platforms(ds):
    assert ds.places["kind"].value_counts().to_dict() == {"mainland_city": 9, "platform": 4, "sar": 2}


@pytest.mark.slow  # the reference validator is slow to import and run
def test_frictionless_reference_implementation_reports_the_package_valid():
    from frictionless import Package, system

    with system.use_context(trusted=True):
        report = Package(str(gba.data_dir() / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_csv_files_are_utf8_without_bom_one_header_line():
    for path in sorted(gba.data_dir().glob("*.csv")):
        raw = path.read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf"), path.name
        raw.decode("utf-8")
        assert b"\r\n" not in raw, path.name
        assert raw.endswith(b"\n"), path.name


def test_citation_version_equals_datapackage_version():
    import json

    import yaml

    repo = gba.data_dir().parent
    cff = yaml.safe_load((repo / "CITATION.cff").read_text(encoding="utf-8"))
    pkg = json.loads((repo / "data" / "datapackage.json").read_text(encoding="utf-8"))
    assert cff["type"] == "dataset"
    assert str(cff["version"]) == pkg["version"] == gba.load_dataset().version


# --- data 0.2.0: corrections checked against the sources (CHANGELOG 0.2.0) -----------------------


def _case(ds, cid):
    return ds.cases.set_index("case_id").loc[cid]


def _rows(ds, cid, fact):
    cs = ds.case_sources
    return sorted(cs.loc[(cs["case_id"] == cid) & (cs["fact"] == fact), "source_id"].astype(str))


def test_table_sizes(ds):
    sizes = {t: len(ds[t]) for t in ("cases", "sources", "case_sources", "indicators", "corrections")}
    assert sizes == {"cases": 34, "sources": 155, "case_sources": 295, "indicators": 44, "corrections": 7}


def test_b1a_counterpart_is_stated_both(ds):
    c = _case(ds, "B1-a")
    assert (c["counterpart"], c["counterpart_status"]) == ("both", "stated")
    assert _rows(ds, "B1-a", "counterpart") == ["S01", "S03"]
    assert pd.isna(c["date_in_force"])


def test_b209_date_in_force_is_the_trial_start_and_the_full_opening_a_dated_fact(ds):
    assert _case(ds, "B2-09")["date_in_force"] == "2023-09-26"
    assert _rows(ds, "B2-09", "date_in_force") == ["S64"]
    assert ds.sources.set_index("source_id").loc["S64", "kind"] == "official"
    i = ds.indicators.set_index("indicator_id")
    assert i.loc[["I043", "I044"], ["value", "unit", "as_of"]].astype(str).to_numpy().tolist() == [
        ["15.0", "lanes", "2023-09-26"],
        ["30.0", "lanes", "2024-03-18"],
    ]


def test_no_batch3_category_is_inferred_from_the_platform_list(ds):
    c = ds.cases.set_index("case_id").loc[["B3-c", "B3-g", "B3-i", "B3-k"]]
    assert c["category"].isna().all()
    assert set(c["category_status"]) == {"unknown"}
    b3 = ds.cases[ds.cases["batch"] == 3]
    assert set(b3["category_status"]) == {"unknown"}


def test_b1g_listing_rests_on_the_portal_folder_only(ds):
    cs = ds.case_sources
    row = cs[(cs["case_id"] == "B1-g") & (cs["fact"] == "listed")]
    # S05 is the case's own portal page; S04, a confirmed batch-1 case in the same folder, is the basis
    assert row["source_id"].tolist() == ["S05", "S04"] and row["support"].tolist() == ["inferred", "inferred"]
    assert "folder" in row["notes"].iloc[0]
    assert (cs["support"] == "inferred").sum() == 3  # and B2-12's date on S88
    assert _case(ds, "B1-g")["batch_status"] == "inferred"
    assert set(ds.cases.loc[ds.cases["case_id"] != "B1-g", "batch_status"]) == {"stated"}
    # S04 is about another case: it supports no fact of B1-g's content
    assert _rows(ds, "B1-g", "detail") == ["S05"]


def test_b3a_rule_maker_is_apart_from_the_submitting_unit(ds):
    c = _case(ds, "B3-a")
    assert (c["lead_level"], c["rule_level"], c["rule_body_en"]) == (
        "provincial",
        "national",
        "National Immigration Administration",
    )
    assert _rows(ds, "B3-a", "rule_maker") == ["S37", "S81", "S82"]
    assert ds.sources.set_index("source_id").loc["S82", "kind"] == "official"  # Hong Kong government page
    assert ds.sources.set_index("source_id").loc["S37", "date_published"] == "2024-07-01"


def test_reposts_are_not_originals(ds):
    s = ds.sources.set_index("source_id")
    for sid in ("S13", "S17", "S26", "S27", "S29", "S32", "S61", "S63", "S67", "S72", "S73"):
        assert s.loc[sid, "kind"] == "repost" and pd.notna(s.loc[sid, "outlet"]), sid


def test_c04_is_a_missing_date_not_a_translation_error(ds):
    c = ds.corrections.set_index("correction_id")
    assert c.loc["C04", "error_kind"] == "missing_date"
    assert c["error_kind"].value_counts().to_dict() == {
        "translation": 4,
        "unit": 2,
        "missing_date": 1,
        "wording": 0,
        "date": 0,
    }


def test_portal_pages_have_their_page_address(ds):
    s = ds.sources.set_index("source_id")
    assert (
        s.loc["S04", "url"]
        == "https://www.cnbayarea.org.cn/news/topics/typical%20cases/first/content/post_1246024.html"
    )
    assert (
        s.loc["S05", "url"]
        == "https://www.cnbayarea.org.cn/news/topics/typical%20cases/first/content/post_1246002.html"
    )
    assert not s["url"].str.contains(r"https?:/[^/]", regex=True).any()


def test_mechanisms_recoded_by_the_codebook(ds):
    m = ds.case_mechanisms
    of = lambda cid: sorted(m.loc[m["case_id"] == cid, "mechanism"].astype(str))  # noqa: E731
    assert of("B2-08") == ["financial_instrument", "rule_adoption"]
    assert of("B3-j") == ["unilateral_opening"]
    assert "mutual_recognition" not in of("B3-j") and "shared_standards" not in of("B2-08")


def test_b3b_title_stays_descriptive_with_its_submitting_unit(ds):
    c = _case(ds, "B3-b")
    assert (c["title_status"], c["lead_level"]) == ("descriptive", "provincial")
    assert c["lead_body_en"] == "Guangdong Provincial Department of Transport (submitting unit)"
    assert _rows(ds, "B3-b", "lead") == ["S36"]
    s = ds.sources.set_index("source_id").loc["S36"]
    assert (s["kind"], s["date_published"]) == ("press", "2025-02-15")


def test_batch2_list_on_a_press_page_character_for_character(ds):
    for n in range(1, 17):
        cid = f"B2-{n:02d}"
        for fact in ("listed", "title", "order"):
            assert "S75" in _rows(ds, cid, fact), (cid, fact)
    assert ds.sources.set_index("source_id").loc["S75", "kind"] == "press"


def test_b3a_counterpart_rests_on_the_official_page(ds):
    cs = ds.case_sources
    rows = cs[(cs["case_id"] == "B3-a") & (cs["fact"] == "counterpart")].set_index("source_id")["support"]
    assert rows.astype(str).to_dict() == {"S33": "fallback", "S37": "stated"}
    assert ds.sources.set_index("source_id").loc["S37", "kind"] == "official"


def test_mechanisms_after_the_consistency_review(ds):
    m = ds.case_mechanisms
    of = lambda cid: sorted(m.loc[m["case_id"] == cid, "mechanism"].astype(str))  # noqa: E731
    # B1-e: the case is the service channel; B1-g: the partnership law firms are not what the case introduces
    assert of("B1-e") == ["digital_service"]
    assert of("B1-g") == ["pilot", "targeted_legislation", "unilateral_opening"]
    # pilot = a special regime in one zone, not a port or an estate that is located in one
    assert of("B2-09") == ["joint_inspection"]
    assert of("B3-k") == ["joint_organisation", "rule_adoption"]
    pilots = set(m.loc[m["mechanism"] == "pilot", "case_id"])
    assert pilots == {"B1-b", "B1-d", "B1-f", "B1-g", "B2-12", "B2-14", "B2-16", "B3-c", "B3-g", "B3-i"}
    # unilateral opening covers people and qualifications from anywhere outside the mainland (B3-j)
    v = ds.vocab_mechanisms.set_index("mechanism").loc["unilateral_opening", "definition_en"]
    assert "elsewhere outside the mainland" in v
    assert pd.isna(_case(ds, "B3-j")["counterpart"]) and of("B3-j") == ["unilateral_opening"]


def test_b3e_rests_on_pages_found_after_s76_was_withdrawn(ds):
    """S76, whose stored copy could not be found again, is gone; B3-e keeps a press page for its date."""
    assert "S76" not in set(ds.sources["source_id"]) and "S76" not in set(ds.case_sources["source_id"].astype(str))
    assert _rows(ds, "B3-e", "date_in_force") == ["S40", "S69"]
    assert _rows(ds, "B3-e", "detail") == ["S35"]
    cs = ds.case_sources
    row = cs[(cs["case_id"] == "B3-e") & (cs["fact"] == "counterpart")]
    assert row["source_id"].tolist() == ["S33"] and row["support"].tolist() == ["stated"]
    assert _case(ds, "B3-e")["date_in_force"] == "2024-11-24"


def test_every_case_has_a_chinese_summary(ds):
    zh = ds.cases["summary_zh"]
    assert zh.notna().all()
    assert zh.str.endswith("。").all() and zh.str.len().le(80).all()
    assert zh.str.count(r"[\u4e00-\u9fff]").ge(12).all()
    assert zh.is_unique


def test_better_pages_of_0_3_0(ds):
    assert _rows(ds, "B1-d", "date_in_force") == ["S20", "S77", "S80"]
    assert set(ds.batch_categories.loc[ds.batch_categories["batch"] == 1, "source_id"]) == {"S01"}
    assert set(ds.batch_categories.loc[ds.batch_categories["batch"] == 3, "source_id"]) == {"S33"}
    cities = ds.places[ds.places["kind"].isin(["mainland_city", "sar"])]
    assert set(cities["source_id"]) == {"S79"} and len(cities) == 11
    assert ds.places.set_index("place_id").loc["shenzhen", ["lat", "lon"]].tolist() == [22.54554, 114.0683]
    assert not set(ds.sources["source_id"]) & {f"S{i}" for i in range(46, 57)}  # mirrors no longer cited
