"""Site pages for the policy frame and the outcome series.

``plans/index.md`` and ``plans/<plan_id>.md`` (a plan's facts, its sections and the cases that
carry each out), ``series/index.md`` and ``series/<series_id>.md`` (a series' observations with
the case's selection date and the growth verdict), the plan-and-authority part of each case page
and the landing page's answers to the two questions. Every text from the data goes through
:func:`~gbaresearch.publish.site.text.md`; the tables are optional, so a dataset without them gets no
pages and no sections.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from .text import (
    both,
    field_both,
    is_missing,
    md,
    md_heading,
    md_link,
    md_table,
    place_both,
    plain,
    safe_url,
    slug,
    value_both,
)

ORPHAN = "---\norphan: true\n---\n"


def has_plans(ds: Any) -> bool:
    return all(t in ds for t in ("plans", "plan_sections", "case_plan_links", "case_authority"))


def has_series(ds: Any) -> bool:
    return all(t in ds for t in ("outcome_series", "outcome_observations"))


def _source(ds: Any, source_id: Any) -> str:
    if is_missing(source_id):
        return "—"
    s = ds.sources[ds.sources["source_id"] == str(source_id)]
    url = safe_url(s["url"].iloc[0]) if len(s) else None
    return f"{md(source_id)}: {md_link(s['title'].iloc[0], url)}" if url else md(source_id)


def _case(case_id: Any, prefix: str) -> str:
    cid = plain(case_id)
    return md_link(cid, f"{prefix}{slug(cid)}.md") if cid else "—"


def _plan(plan_id: Any, prefix: str, ds: Any) -> str:
    if is_missing(plan_id):
        return "—"
    p = ds.plans[ds.plans["plan_id"] == str(plan_id)]
    text = both(p["title_en"].iloc[0], p["title_zh"].iloc[0]) if len(p) else str(plan_id)
    return md_link(text, f"{prefix}{slug(str(plan_id))}.md")


def _facts(ds: Any, table: str, pairs: Sequence[tuple[str, str]]) -> str:
    return md_table([md("Field · 字段"), md("Value · 内容")], [[md(field_both(ds, table, k)), v] for k, v in pairs])


# --- plans -----------------------------------------------------------------------------------


def plans_index_page(ds: Any) -> str:
    from ...analysis import policy as PO

    out = [md_heading("Plans", "规划与方案", 1)]
    out.append(
        "The policy frame the cases carry out: the Outline Development Plan, the platform plans and the agreements "
        "they rest on (official facts), with the number of identified cases this project links to each. "
        "案例所落实的政策框架（官方事实），及本项目编码的落实案例数。\n"
    )
    lk = PO.links(ds)
    n = lk.groupby("plan_id")["case_id"].nunique()
    rows = []
    for p in ds.plans.itertuples(index=False):
        rows.append(
            [
                _plan(p.plan_id, "", ds),
                md(value_both(ds, "plans", "kind", p.kind)),
                md(p.date_issued),
                md(p.doc_number),
                md(p.issuer_en),
                md(int(n.get(p.plan_id, 0))),
            ]
        )
    head = [md(field_both(ds, "plans", k)) for k in ("title_en", "kind", "date_issued", "doc_number", "issuer_en")]
    out.append(md_table(head + [md("Cases carrying it out · 落实案例")], rows))
    out.append(md_heading("Answer", "答案"))
    out.append(f"{md(PO.plans_answer(ds))}\n")
    out.append(f"{md(PO.plans_answer(ds, 'zh'))}\n")
    out.append("[← Home · 首页](<../index.md>)\n")
    return "\n".join(out)


def _whole_plan_cases(ds: Any, lk: Any, pid: str) -> list[str]:
    """The section of a plan page listing the cases that carry out the plan as a whole."""
    out: list[str] = []
    whole = lk[(lk["plan_id"] == pid) & lk["section_id"].isna()]
    out.append(md_heading("Cases carrying out the plan as a whole", "整体落实该规划的案例"))
    out.append(
        md_table(
            [
                md("Case · 案例"),
                md(field_both(ds, "case_plan_links", "basis")),
                md(field_both(ds, "case_plan_links", "source_id")),
            ],
            [
                [_case(r.case_id, "../cases/"), md(r.basis), _source(ds, r.source_id)]
                for r in whole.itertuples(index=False)
            ],
        )
    )
    out.append(
        "Links are this project's coding (`case_plan_links`), each with the wording that supports it on the case's page. "
        "对应关系为本项目编码，依据原文见各案例页。\n"
    )
    return out


def plan_page(ds: Any, plan: Any) -> str:
    from ...analysis import policy as PO

    pid = str(plan.plan_id)
    out = [ORPHAN, f"# {md(plan.title_en)}\n"]
    out.append(f"**{md(plan.title_zh)}**\n")
    place = "—"
    if not is_missing(plan.place_id):
        place = md_link(place_both(ds, plan.place_id), f"../places/{slug(str(plan.place_id))}.md")
    out.append(
        _facts(
            ds,
            "plans",
            [
                ("kind", md(value_both(ds, "plans", "kind", plan.kind))),
                ("place_id", place),
                ("issuer_en", md(plan.issuer_en)),
                ("issuer_zh", md(plan.issuer_zh)),
                ("doc_number", md(plan.doc_number)),
                ("date_issued", md(plan.date_issued)),
                ("source_id", _source(ds, plan.source_id)),
                ("title_en_source_id", _source(ds, plan.title_en_source_id)),
                ("notes", md(plan.notes)),
            ],
        )
    )
    out.append(md_heading("Sections and the cases carrying them out", "章节与落实案例"))
    secs = PO.sections(ds)
    secs = secs[secs["plan_id"] == pid]
    lk = PO.links(ds)
    rows = []
    for s in secs.itertuples(index=False):
        sub = lk[lk["section_id"] == s.section_id]
        cases = ", ".join(_case(c, "../cases/") for c in dict.fromkeys(sub["case_id"])) or "—"
        rows.append(
            [
                md(s.label),
                md(s.title_zh),
                md(s.title_en),
                md(
                    value_both(
                        ds,
                        "plan_sections",
                        "title_en_status",
                        ds.plan_sections.set_index("section_id").loc[s.section_id, "title_en_status"],
                    )
                ),
                cases,
            ]
        )
    out.append(
        md_table(
            [
                md("Section · 章节"),
                md(field_both(ds, "plan_sections", "title_zh")),
                md(field_both(ds, "plan_sections", "title_en")),
                md(field_both(ds, "plan_sections", "title_en_status")),
                md("Cases · 案例"),
            ],
            rows,
        )
    )
    out += _whole_plan_cases(ds, lk, pid)
    out.append("[← Plans · 规划](<index.md>)\n")
    return "\n".join(out)


# --- series ----------------------------------------------------------------------------------


def series_index_page(ds: Any) -> str:
    from ...analysis import outcomes as O

    out = [md_heading("Outcome series", "成效数据序列", 1)]
    out.append(
        "Schemes the cases showcase, counted over time (official or press figures, one unit per series), and "
        "whether each kept growing after its case was selected. 案例所展示计划的成效数据序列，以及案例入选后是否继续增长。\n"
    )
    g = O.growth_after_selection(ds).set_index("series_id")
    rows = []
    s: Any
    for s in O.series_table(ds).itertuples(index=False):
        v: Any = g.loc[s.series_id]
        rows.append(
            [
                md_link(str(s.series_id), f"{slug(str(s.series_id))}.md"),
                _case(s.case_id, "../cases/"),
                md(s.scheme_en),
                md(value_both(ds, "outcome_series", "unit", s.unit)),
                md(f"{s.selected:%Y-%m-%d}"),
                md(int(s.n_used)),
                md(v["verdict"]),
            ]
        )
    out.append(
        md_table(
            [
                md(field_both(ds, "outcome_series", "series_id")),
                md(field_both(ds, "outcome_series", "case_id")),
                md(field_both(ds, "outcome_series", "scheme_en")),
                md(field_both(ds, "outcome_series", "unit")),
                md("Selected · 入选日期"),
                md("Figures used · 采用数"),
                md("After selection · 入选后"),
            ],
            rows,
        )
    )
    out.append(md_heading("Answer", "答案"))
    out.append(f"{md(O.outcomes_answer(ds))}\n")
    out.append(f"{md(O.outcomes_answer(ds, 'zh'))}\n")
    if "sibling_series" in ds:
        out.append(md_heading("Other official case series", "其他官方案例系列"))
        out.append(
            md_table(
                [
                    md(field_both(ds, "sibling_series", k))
                    for k in ("series_en", "series_zh", "issuer", "batches", "cases", "as_of", "source_id")
                ],
                [
                    [
                        md(r.series_en),
                        md(r.series_zh),
                        md(r.issuer),
                        md(r.batches),
                        md(r.cases),
                        md(r.as_of),
                        _source(ds, r.source_id),
                    ]
                    for r in ds.sibling_series.itertuples(index=False)
                ],
            )
        )
    out.append("[← Home · 首页](<../index.md>)\n")
    return "\n".join(out)


def series_page(ds: Any, series: Any) -> str:
    from ...analysis import outcomes as O

    sid = str(series.series_id)
    out = [ORPHAN, f"# {md(sid)} · {md(series.scheme_en)}\n"]
    out.append(f"**{md(series.scheme_zh)}** · {md(series.measure_zh)}\n")
    sel = O.selection_dates(ds).get(str(series.case_id))
    out.append(
        _facts(
            ds,
            "outcome_series",
            [
                ("case_id", _case(series.case_id, "../cases/")),
                ("measure_en", md(series.measure_en)),
                ("unit", md(value_both(ds, "outcome_series", "unit", series.unit))),
                ("measure_kind", md(value_both(ds, "outcome_series", "measure_kind", series.measure_kind))),
                ("notes", md(series.notes)),
            ],
        )
    )
    if sel is not None:
        out.append(f"Case selected (batch announced) · 案例入选（批次发布）: **{md(f'{sel:%Y-%m-%d}')}**\n")
    out.append(md_heading("Observations", "观测值"))
    obs = ds.outcome_observations[ds.outcome_observations["series_id"] == sid]
    rows = []
    for r in obs.itertuples(index=False):
        rows.append(
            [
                md(r.observation_id),
                md(r.as_of),
                md(O.format_number(float(r.value))),
                md(value_both(ds, "outcome_observations", "bound", r.bound)),
                md("yes · 是" if bool(r.used) else "no · 否"),
                _source(ds, r.source_id),
                md(r.notes),
            ]
        )
    out.append(
        md_table(
            [
                md(field_both(ds, "outcome_observations", k))
                for k in ("observation_id", "as_of", "value", "bound", "used", "source_id", "notes")
            ],
            rows,
        )
    )
    g = O.growth_after_selection(ds)
    g = g[g["series_id"] == sid]
    if len(g):
        v = g.iloc[0]
        out.append(md_heading("After selection", "入选之后"))
        if pd.isna(v["multiple"]):
            out.append(f"{md(v['verdict'])}.\n")
        else:
            out.append(
                md(
                    f"{v['baseline_as_of']}: {O.format_number(float(v['baseline']))} ({v['baseline_bound']}) → "
                    f"{v['latest_as_of']}: {O.format_number(float(v['latest']))} ({v['latest_bound']}); "
                    f"×{v['multiple']:.2f} ({v['qualifier']}): {v['verdict']}."
                )
                + "\n"
            )
    out.append("[← Outcome series · 成效数据序列](<index.md>)\n")
    return "\n".join(out)


# --- case pages and the landing page ---------------------------------------------------------


def case_section(ds: Any, case_id: str) -> str:
    """The 'Plans carried out' and 'Authority needed' part of a case page ("" without the tables)."""
    if not has_plans(ds):
        return ""
    from ...analysis import policy as PO

    lk, au = PO.case_rows(ds, case_id)
    secs = PO.sections(ds).set_index("section_id")
    out = [md_heading("Plans carried out", "所落实的规划")]
    if lk.empty:
        out.append("*Not coded yet · 尚未编码*\n")
    else:
        rows = []
        for r in lk.itertuples(index=False):
            section = "—"
            if not is_missing(r.section_id) and str(r.section_id) in secs.index:
                s = secs.loc[str(r.section_id)]
                section = md(both(f"{s['label']}: {s['title_en']}", s["title_zh"]))
            rows.append([_plan(r.plan_id, "../plans/", ds), section, md(r.basis), _source(ds, r.source_id)])
        out.append(
            md_table(
                [
                    md(field_both(ds, "case_plan_links", "plan_id")),
                    md(field_both(ds, "case_plan_links", "section_id")),
                    md(field_both(ds, "case_plan_links", "basis")),
                    md(field_both(ds, "case_plan_links", "source_id")),
                ],
                rows,
            )
        )
    out.append(md_heading("Authority needed", "所需授权层级"))
    if au.empty:
        out.append("*Not coded yet · 尚未编码*\n")
    else:
        a: Any = au.iloc[0]
        both_sides = "—" if is_missing(a["both_sides"]) else ("yes · 是" if bool(a["both_sides"]) else "no · 否")
        out.append(
            _facts(
                ds,
                "case_authority",
                [
                    (
                        "authority_level",
                        md(value_both(ds, "case_authority", "authority_level", a["authority_level"], "unknown · 未知")),
                    ),
                    ("both_sides", md(both_sides)),
                    ("act_zh", md(a["act_zh"])),
                    ("act_en", md(a["act_en"])),
                    ("act_source_id", _source(ds, a["act_source_id"])),
                    ("basis", md(a["basis"])),
                ],
            )
        )
    out.append("*Project coding · 本项目编码.*\n")
    return "\n".join(out)


def case_series(ds: Any, case_id: str) -> str:
    """Links to the outcome series a case showcases ("" when none)."""
    if not has_series(ds):
        return ""
    s = ds.outcome_series[ds.outcome_series["case_id"] == case_id]
    if s.empty:
        return ""
    links = ", ".join(
        md_link(f"{r.series_id} ({r.measure_en})", f"../series/{slug(str(r.series_id))}.md")
        for r in s.itertuples(index=False)
    )
    return f"Outcome series · 成效数据序列: {links}\n"


def landing_section(ds: Any) -> str:
    """The landing page's answers to the two policy questions, in both languages ("" without the tables)."""
    if not has_plans(ds):
        return ""
    from ...analysis import outcomes as O
    from ...analysis import policy as PO

    out = [md_heading("Plans, authority and outcomes", "规划、授权与成效")]
    out.append(f"**Which plans do the cases carry out?** {md(PO.plans_answer(ds))}\n")
    out.append(f"**案例落实了哪些规划？** {md(PO.plans_answer(ds, 'zh'))}\n")
    out.append(
        f"**Is rule connection moving from local pilots to centrally authorised measures?** {md(PO.authority_answer(ds))}\n"
    )
    out.append(f"**规则衔接是否由地方试点转向中央授权？** {md(PO.authority_answer(ds, 'zh'))}\n")
    if has_series(ds):
        out.append(
            f"**Did the schemes keep growing after selection?** {md(O.outcomes_answer(ds))} "
            f"{md(O.outcomes_answer(ds, 'zh'))}\n"
        )
    out.append("See the [plans · 规划](<plans/index.md>) and the [outcome series · 成效数据序列](<series/index.md>).\n")
    return "\n".join(out)


def pages(ds: Any) -> dict[str, str]:
    """Every plan and series page by path under the source folder (empty without the tables)."""
    out: dict[str, str] = {}
    if has_plans(ds):
        out["plans/index.md"] = plans_index_page(ds)
        for p in ds.plans.itertuples(index=False):
            out[f"plans/{slug(str(p.plan_id))}.md"] = plan_page(ds, p)
    if has_series(ds):
        out["series/index.md"] = series_index_page(ds)
        for s in ds.outcome_series.itertuples(index=False):
            out[f"series/{slug(str(s.series_id))}.md"] = series_page(ds, s)
    return out


def toc_entries(ds: Any) -> list[str]:
    """Extra entries for the site's data table of contents."""
    return (["plans/index"] if has_plans(ds) else []) + (["series/index"] if has_series(ds) else [])
