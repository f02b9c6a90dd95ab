"""The policy frame: plans, the cases that carry them out, and the authority each case needed.

Exact values are those the notebook ``11-plans-and-authority`` reports."""

import numpy as np
import pandas as pd
import pytest
from extension_data import add_fourth_batch

import gbaresearch as gba
from gbaresearch.analysis import policy as P
from gbaresearch.dataset import labels as gl


@pytest.fixture(scope="module")
def ds():
    return gba.load_dataset()


# --- the official tables ------------------------------------------------------------------------


def test_the_outline_has_eleven_chapters_in_order(ds):
    s = ds.plan_sections[ds.plan_sections["plan_id"] == "outline"]
    assert s["number"].tolist() == list(range(1, 12))
    assert set(s["kind"]) == {"chapter"}
    assert s.set_index("number").loc[8, "title_zh"] == "建设宜居宜业宜游的优质生活圈"


def test_plans_are_official_facts_with_sources(ds):
    assert ds.resource("plans").provenance == "official"
    assert ds.resource("plan_sections").provenance == "official"
    p = ds.plans.set_index("plan_id")
    assert p.loc["outline", "date_issued"] == "2019-02-18" and pd.isna(p.loc["outline", "doc_number"])
    assert p.loc["nansha_2022", "doc_number"] == "国发〔2022〕13号"
    assert p["source_id"].notna().all() and ds.plan_sections["source_id"].notna().all()
    # an English title from a named page has that page; this project's translations have none
    sec = ds.plan_sections
    own = sec["title_en_status"] == "project_translation"
    assert sec.loc[own, "title_en_source_id"].isna().all() and sec.loc[~own, "title_en_source_id"].notna().all()


def test_codings_are_project_coding_and_levels_are_ordered(ds):
    for t in ("case_plan_links", "case_authority", "coding_second_plan_links", "coding_second_authority"):
        assert ds.resource(t).provenance == "project_coding"
    lvl = ds.case_authority["authority_level"]
    assert lvl.cat.ordered and list(lvl.cat.categories) == list(P.levels(ds))
    assert P.levels(ds)[0] == "npc_standing_committee" and P.levels(ds)[-1] == "sar_government"
    assert gl.labels(ds.case_authority, "authority_level", "zh")["npc_standing_committee"] == "全国人大常委会"


def test_every_link_row_is_well_formed(ds):
    lk = ds.case_plan_links
    assert not lk.duplicated(["case_id", "plan_id", "section_id"]).any()
    # a section's plan is the row's plan
    plan_of = dict(zip(ds.plan_sections["section_id"], ds.plan_sections["plan_id"]))
    s = lk[lk["section_id"].notna()]
    assert (s["section_id"].map(plan_of) == s["plan_id"]).all()
    # a case's no-plan row stands alone
    none = lk[lk["plan_id"].isna()]
    assert not none["case_id"].isin(lk.loc[lk["plan_id"].notna(), "case_id"]).any()
    assert lk["basis"].notna().all()


def test_an_act_is_named_only_with_its_source(ds):
    a = ds.case_authority
    named = a["act_zh"].notna() | a["act_en"].notna()
    assert a.loc[named, "act_source_id"].notna().all()
    assert a.loc[a["authority_level"].isna(), "act_source_id"].isna().all()


# --- analyses --------------------------------------------------------------------------------


def test_link_status_counts(ds):
    assert P.link_status(ds).value_counts().to_dict() == {"linked": 22, "(no section)": 12}


def test_coverage_by_batch_with_bounds(ds):
    c = P.coverage(ds)
    assert c[["batch", "announced", "identified", "linked", "no_section", "not_coded"]].values.tolist() == [
        [1, 20, 7, 6, 1, 0],
        [2, 16, 16, 8, 8, 0],
        [3, 16, 11, 8, 3, 0],
    ]
    assert c["any_plan"].tolist()[0] == "6 of 7 coded (86%); bounds 30%–95% of 20 announced"


def test_outline_chapters_without_a_case(ds):
    e = P.empty_sections(ds)
    assert e["label"].tolist() == ["Outline ch. 1", "Outline ch. 2", "Outline ch. 3", "Outline ch. 6", "Outline ch. 11"]


def test_share_bounds():
    s = P.Share(3, 5, 20)
    assert (s.share, s.low, s.high) == (0.6, 0.15, 0.9)
    assert s.text() == "3 of 5 coded (60%); bounds 15%–90% of 20 announced"
    assert P.Share(0, 0, 4).text() == "0 of 0 coded; bounds 0%–100% of 4 announced"


def test_authority_by_batch(ds):
    c = P.central_by_batch(ds)
    assert c[["batch", "central", "local", "sar", "unknown_level", "not_coded", "n", "announced"]].values.tolist() == [
        [1, 3, 2, 0, 2, 0, 5, 20],
        [2, 2, 8, 0, 6, 0, 10, 16],
        [3, 2, 3, 0, 6, 0, 5, 16],
    ]


def test_trend_test_is_reproducible_and_matches_kendall(ds):
    from scipy.stats import kendalltau

    t = P.trend_test(ds)
    assert t == {"n": 20, "tau": -0.008, "p": 0.975}
    a = P.authority(ds)
    levels = P.levels(ds)
    k = a[a["authority_level"].isin(levels)]
    reach = {lvl: len(levels) - 1 - i for i, lvl in enumerate(levels)}
    assert t["tau"] == round(float(kendalltau(k["batch"], k["authority_level"].map(reach)).statistic), 3)
    assert P.trend_test(ds) == t


def test_tau_b_matches_scipy_with_ties():
    from scipy.stats import kendalltau

    rng = np.random.default_rng(1)
    x, y = rng.integers(1, 4, 30).astype(float), rng.integers(0, 6, 30).astype(float)
    sx, sy = np.sign(x[:, None] - x[None, :]), np.sign(y[:, None] - y[None, :])
    assert float(P._tau_b(sx, sy)) == pytest.approx(kendalltau(x, y).statistic)


def test_answers_are_pinned(ds):
    assert P.plans_answer(ds) == (
        "22 of 34 coded cases (34 identified) carry out at least one plan (a section of it or the plan as a whole); "
        "the Outline chapter carried out most often is chapter 8, Developing a Quality Living Circle for Living, "
        "Working and Travelling (7 cases); 5 of the Outline's 11 chapters have no case yet (chapters 1, 2, 3, 6, 11); "
        "a case reached its batch a median 4.1 years after the plan it carries out was issued."
    )
    assert P.authority_answer(ds) == (
        "Cases that needed a central act (NPC Standing Committee, Central Committee or State Council, or a ministry): "
        "batch 1: 3 of 5 coded (60%); bounds 15%–90% of 20 announced; batch 3: 2 of 5 coded (40%); bounds 12%–81% "
        "of 16 announced; Kendall's tau -0.01 over 20 cases of known level (p = 0.975): no clear change."
    )
    assert P.plans_answer(ds, "zh").startswith("已识别的 34 个案例中已编码 34 个，其中 22 个落实了至少一项规划")
    assert P.authority_answer(ds, "zh").endswith("：无明显变化。")


def test_agreement_between_the_two_codings(ds):
    r = P.reliability(ds).set_index("variable")
    assert r.loc["plan_links", ["n_units", "disagreements", "first_present", "second_present"]].tolist() == [
        1190,
        29,
        30,
        43,
    ]
    assert r["alpha"].tolist() == [0.59, 0.591, 0.604]
    d = P.disagreements(ds)
    assert len(d) == int(r["disagreements"].sum())


def test_second_coding_variant_replaces_only_the_two_codings(ds):
    v = P.second_coding(ds)
    assert len(v.case_plan_links) == len(ds.coding_second_plan_links)
    assert v.case_authority["authority_level"].tolist() == ds.coding_second_authority["authority_level"].tolist()
    assert len(ds.coding_reconciliation_policy) == 49
    assert v.case_domains.equals(ds.case_domains)
    assert len(ds.case_plan_links) == 48  # the original is untouched


def test_first_coding_restores_logged_units(ds):
    log = pd.DataFrame(
        {
            "variable": ["plan_links", "authority", "both_sides"],
            "case_id": ["B1-a", "B1-b", "B1-b"],
            "item": ["outline-ch05", None, None],
            "first_value": ["absent", "central", "false"],
            "second_value": ["present", "npc_standing_committee", "true"],
            "final_value": ["present", "npc_standing_committee", "true"],
            "reason": ["r", "r", "r"],
        }
    )
    d = P._replace(ds, {P.RECONCILIATION: log})
    f = P.first_coding(d)
    assert not ((f.case_plan_links["case_id"] == "B1-a") & (f.case_plan_links["section_id"] == "outline-ch05")).any()
    row = f.case_authority.set_index("case_id").loc["B1-b"]
    assert row["authority_level"] == "central" and not bool(row["both_sides"])


def test_variants_include_the_second_coding_and_drop_machine_translation_cases(ds):
    v = P.variants(ds)
    assert list(v) == [P.AS_CODED, P.WITHOUT_MT, P.FIRST_CODING, P.SECOND_CODING]
    assert "B3-f" not in set(v[P.WITHOUT_MT].case_plan_links["case_id"])
    from gbaresearch.analysis import sensitivity as S

    t = S.assess(ds, P.findings, P.variants)
    assert t.columns.name == "variant" and t.loc["most carried Outline chapter", P.SECOND_CODING] == "Outline ch. 9"
    assert t["status"].to_dict() == {
        "most carried Outline chapter": S.CHANGED,
        "Outline chapters with no case": S.CHANGED,
        "platform plans with no case": S.CHANGED,
        "median years, plan to selection": S.CHANGED,
        "direction of authority": S.HELD,
    }
    assert t.loc["direction of authority", "tested_by"] == f"{P.FIRST_CODING}, {P.SECOND_CODING}"
    assert t.loc["platform plans with no case", P.WITHOUT_MT] == "hetao_2023"


def test_policy_findings_carry_the_counts_they_rest_on(ds):
    f = P.findings(ds)
    assert f.columns.tolist() == ["value", "basis"] and f.index.name == "finding"
    assert f.loc["most carried Outline chapter", "value"] == "Outline ch. 8"
    assert "Outline ch. 8: 7" in f.loc["most carried Outline chapter", "basis"]
    assert f.loc["direction of authority", "basis"] == "batch 1: 3 of 5; batch 2: 2 of 10; batch 3: 2 of 5"
    assert f.loc["median years, plan to selection", "basis"].startswith("34 case–plan lags: ")


def test_a_new_batch_without_codings_is_counted_as_not_coded(data_copy):
    add_fourth_batch(data_copy)
    ds = gba.load_dataset(data_copy)
    st = P.link_status(ds)
    new = ds.cases.loc[ds.cases["batch"] == 4, "case_id"]
    assert set(st[new]) == {P.NOT_CODED}
    c = P.coverage(ds).iloc[-1]
    assert (c["batch"], c["not_coded"], c["linked"]) == (4, len(new), 0)
    assert c["any_plan"] == "0 of 0 coded; bounds 0%–100% of 12 announced"
    a = P.central_by_batch(ds).iloc[-1]
    assert (a["not_coded"], a["n"], a["low"], a["high"]) == (len(new), 0, 0.0, 1.0)
    assert P.plans_answer(ds).startswith("22 of 34 coded cases (37 identified)")
    assert P.authority_answer(ds).startswith("Cases that needed a central act")


def test_section_labels(ds):
    assert P.section_label(ds, "outline", "chapter", 8) == "Outline ch. 8"
    assert P.section_label(ds, "hengqin_2021", "part", 3) == "Hengqin 2021 part 3"
    assert P.section_label(ds, "qianhai_2021", "task", None, "qianhai-t1") == "Qianhai 2021 task t1"
    assert P.section_label(ds, "outline", "chapter", 8, lang="zh") == "纲要第8章"
    assert P.section_label(ds, "hengqin_2021", "part", 3, lang="zh") == "Hengqin 2021第3部分"


def test_notebook_11_compares_its_findings_across_variants():

    from nbjson import read_notebook

    from gbaresearch.dataset.paths import notebooks_dir

    nb = read_notebook(notebooks_dir() / "11-plans-and-authority.ipynb")
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "S.assess(ds, PO.findings, PO.variants)" in code and "S.assessment_sentence(held)" in code
    held = next(c for c in nb.cells if c.cell_type == "code" and c.source.startswith("held = S.assess"))
    html = "".join(o.get("data", {}).get("text/html", "") for o in held.outputs)
    assert "as coded" in html and "without machine-translation-only cases" in html and "second coding" in html
    md = "".join(
        o["data"]["text/markdown"]
        for c in nb.cells
        if c.cell_type == "code" and "S.assessment_sentence" in c.source
        for o in c.outputs
        if "text/markdown" in o.get("data", {})
    )
    assert "Of 5 findings, **1 held under a variant that could have changed them**, **4 changed**" in md
    assert "5 项结论中，**1 项在可能改变它的变体下依然成立**" in md
    answer = next(c for c in nb.cells if "answer" in c.metadata.get("tags", []))
    ds = gba.load_dataset()
    assert answer.outputs[0]["data"]["text/plain"] == (
        P.plans_answer(ds) + " " + P.authority_answer(ds) + " Sensitivity check: across 4 data variants, 1 of 5 "
        "findings held under a variant that could have changed them, 4 changed and 0 are not testable by these variants."
    )


@pytest.mark.slow
def test_notebooks_07_and_11_run_on_a_new_batch_without_codings(data_copy, monkeypatch):
    from gbaresearch.dataset.paths import notebooks_dir
    from gbaresearch.publish.notebooks import execute

    add_fourth_batch(data_copy)
    monkeypatch.setenv("GBARESEARCH_DATA", str(data_copy))
    texts = {}
    for name in ("07-reported-outcomes.ipynb", "11-plans-and-authority.ipynb"):
        nb = execute(notebooks_dir() / name, timeout=300)
        parts = []
        for cell in nb.cells:
            for o in cell.get("outputs", []):
                assert o.output_type != "error", f"{name}: {o.get('ename')}: {o.get('evalue')}"
                parts.append(o.get("text", "") + o.get("data", {}).get("text/plain", ""))
        texts[name] = "\n".join(parts)
    assert "4 batches" in texts["07-reported-outcomes.ipynb"]
    assert "0 of 0 coded; bounds 0%–100% of 12 announced" in texts["11-plans-and-authority.ipynb"]
    assert "(37 identified)" in texts["11-plans-and-authority.ipynb"]


def test_the_log_covers_every_disagreement_and_rebuilds_the_first_coding(ds):
    assert P.reconciled_variables(ds) == ["plan_links", "authority", "both_sides"]
    assert P.reconciliation_problems(ds) == []
    assert P.reconciliation_summary(ds).values.tolist() == [
        ["plan_links", 29, 29, 25, 4, 0, 0],
        ["authority", 11, 11, 4, 6, 1, 0],
        ["both_sides", 9, 9, 6, 3, 0, 0],
    ]
    # the first coding rebuilt from the log differs from the final coding exactly on the logged units
    f = P.first_coding(ds).case_authority.set_index("case_id")
    final = ds.case_authority.set_index("case_id")
    lvl = f["authority_level"].astype(object).fillna("NA") != final["authority_level"].astype(object).fillna("NA")
    logged = ds.coding_reconciliation_policy
    changed = logged[
        (logged["variable"] == "authority") & (logged["first_value"].fillna("NA") != logged["final_value"].fillna("NA"))
    ]
    assert sorted(lvl[lvl].index) == sorted(changed["case_id"])
    # a unit left out of the log is reported
    keep = ~((logged["variable"] == "authority") & (logged["case_id"] == "B1-d"))
    d = P._replace(ds, {P.RECONCILIATION: logged[keep].reset_index(drop=True)})
    assert P.reconciliation_problems(d) == [
        "authority B1-d: final 'ministry' differs from the second coding 'central' but is not logged"
    ]


def test_validation_reports_malformed_plan_links_and_outcome_flags(data_copy):
    from gbaresearch.dataset.extend import append_rows, edit_rows

    append_rows(
        data_copy,
        "case_plan_links",
        [
            dict(case_id="B1-a", plan_id="outline", section_id="outline-ch05", basis="again", source_id="S157"),
            dict(case_id="B1-a", plan_id="hengqin_2021", section_id="outline-ch04", basis="wrong plan"),
            dict(case_id="B1-c", basis="no plan, beside linked rows"),
        ],
    )
    edit_rows(data_copy, "outcome_observations", lambda r: r["series_id"] == "SI", used="false")
    got = [(p.code, p.message) for p in gba.validate(data_copy)]
    assert got == [
        ("plan-link", "B1-a is linked to the same plan section twice (first at line 2)"),
        ("plan-link", "section outline-ch04 belongs to plan outline, not hengqin_2021"),
        ("plan-link", "B1-c has a row saying it carries out no plan beside rows that name a plan"),
        ("outcome-used", "series SI has no observation marked used"),
    ]


def test_two_used_values_for_one_date_are_reported(data_copy):
    from gbaresearch.dataset.extend import edit_rows

    obs = gba.load_dataset(data_copy).outcome_observations
    kept_out = obs.loc[~obs["used"].astype(bool), "observation_id"].iloc[0]
    edit_rows(
        data_copy, "outcome_observations", lambda r: r["observation_id"] == kept_out, as_of="2024-06-28", used="true"
    )
    codes = [p.code for p in gba.validate(data_copy)]
    assert codes == ["outcome-used"]


def test_other_source_ids_must_name_sources(data_copy):
    from gbaresearch.dataset.extend import edit_rows

    edit_rows(data_copy, "plans", lambda r: r["plan_id"] == "outline", other_source_ids="S124 S999")
    assert [(p.code, p.field, p.message) for p in gba.validate(data_copy)] == [
        ("foreign-key", "other_source_ids", "S999 is not a source_id in sources.csv")
    ]


def test_no_text_names_a_source_that_is_not_in_sources(ds):
    import re

    have = set(ds.sources["source_id"])
    named = {
        f"S{m}"
        for t in ds
        for col in ds[t].columns
        if ds[t][col].dtype == "string"
        for v in ds[t][col].dropna()
        for m in re.findall(r"\bS(\d{2,3})\b", v)
    }
    assert named <= have, sorted(named - have)
