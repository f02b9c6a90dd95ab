"""MyST page sources for the site, generated from a loaded dataset.

:func:`write_pages` writes, under a source folder: ``index.md`` (questions, answers, thumbnails,
coverage, citation, data version), ``cases/index.md`` (the case browser and the unidentified
counts), ``cases/<case_id>.md`` (one per identified case), ``places/index.md`` and
``places/<place_id>.md``, ``codebook.md`` and ``downloads.md``. Every text that comes from the
data goes through :func:`~gbaresearch.publish.site.text.md` or :func:`~gbaresearch.publish.site.text.h`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ... import analysis as A
from ...analysis import as_int as _int
from ...dataset.atomic import write_text
from . import policy_pages
from .coding_notes import coding_notes
from .html import render
from .text import (
    SEP,
    field_both,
    is_missing,
    join,
    md,
    md_heading,
    md_link,
    md_table,
    place_both,
    place_names,
    plain,
    safe_url,
    slug,
    value_both,
)

# Case and place pages are reached from the browser and the places table, not from the sidebar
# (49 more sidebar entries would make every page slower to render and harder to scan).
ORPHAN = "---\norphan: true\n---\n"


@dataclass(frozen=True)
class NotebookEntry:
    """What the landing page shows for one executed notebook."""

    docname: str  # e.g. "notebooks/01-tour-of-the-dataset"
    title: str
    question: str
    answer: str
    thumbnail: str | None  # path under the source folder, e.g. "_static/figures/01-….png"
    question_zh: str = ""  # the Chinese question and answer ("" when the notebook has none)
    answer_zh: str = ""


@dataclass(frozen=True)
class Download:
    """One file on the downloads page."""

    path: str  # relative to the site root, e.g. "downloads/gbaresearch-cases-0.1.0.csv"
    label_en: str
    label_zh: str
    reader: str
    size: int


def _num(value: Any) -> float:
    return float(value)


def _raw(html_text: str) -> str:
    return "```{raw} html\n" + html_text + "\n```\n"


def _date(value: Any) -> str:
    return plain(value)


def _case_link(case_id: Any, prefix: str = "") -> str:
    cid = plain(case_id)
    return md_link(cid, f"{prefix}{slug(cid)}.md") if cid else "—"


def _place_link(ds: Any, place_id: Any, prefix: str) -> str:
    if is_missing(place_id):
        return "—"
    pid = str(place_id)
    if pid not in place_names(ds):
        return md(pid)
    return md_link(place_both(ds, pid), f"{prefix}{slug(pid)}.md")


def _counterpart_places(ds: Any, value: Any) -> list[str]:
    """The places a ``cases.counterpart`` value stands for (:func:`gbaresearch.analysis.counterpart_places`)."""
    if is_missing(value):
        return []
    return A.counterpart_places(ds).get(str(value), [str(value)])


def _counterparts_of(ds: Any, place_id: str) -> list[str]:
    """The ``cases.counterpart`` values that include ``place_id``."""
    return [v for v, places in A.counterpart_places(ds).items() if place_id in places] or [place_id]


# --- landing page ---------------------------------------------------------------------------

CASES_INTRO_EN = (
    "**What the cases are.** Each *typical case* is a reform that connects Guangdong's rules or mechanisms "
    "with those of Hong Kong or Macao (rule connection and mechanism alignment), such as a joint border check "
    "in one lane or research funds that may be spent across the border. The Guangdong Provincial Greater Bay "
    "Area Office selects them from the cases submitted to it and announces them in batches at press "
    "conferences of the provincial government; this project records what public sources say about each."
)
CASES_INTRO_ZH = (
    "**案例是什么。** 每个“典型案例”都是广东与港澳在规则衔接、机制对接方面的一项改革，例如“合作查验、一次放行”"
    "的通关模式、财政科研资金跨境使用。案例由广东省推进粤港澳大湾区建设领导小组办公室（省大湾区办）从申报案例中"
    "评选，并在省政府新闻发布会上分批发布；本项目整理公开来源对每个案例的记载。"
)


def index_page(ds: Any, entries: Sequence[NotebookEntry], citation: str) -> str:
    title_zh = plain(ds.package.title_zh)
    title_en = plain(ds.package.title) or "Greater Bay Area rule-connection typical cases"
    cov = A.coverage_by_batch(ds)
    out = [f"# {md(title_en)}\n", f"**{md(title_zh)}**\n"] if title_zh else [f"# {md(title_en)}\n"]
    out.append(
        f"Data version · 数据版本 **{md(ds.version)}** · "
        f"{len(ds.cases)} identified cases of {int(cov['n_cases'].sum())} announced in {len(cov)} batches · "
        f"已识别 {len(ds.cases)} 个案例（共公布 {int(cov['n_cases'].sum())} 个，{len(cov)} 批）\n"
    )
    out.append(CASES_INTRO_EN + "\n\n" + CASES_INTRO_ZH + "\n")
    out.append(
        "Each notebook answers one question from the data; the one-line answers below are computed "
        "by the notebooks in this build. 每个笔记本用数据回答一个问题；下列一句话答案由本次构建中的笔记本计算得出。\n"
    )
    out.append(md_heading("Questions and answers", "问题与答案"))
    # no thumbnail: a figure scaled to card size cannot be read; the notebook page shows it in full
    out.append(_raw(render("cards.html", entries=entries)))
    out.append(md_heading("Coverage at a glance", "覆盖概况"))
    rows = []
    bars = []
    for r in cov.itertuples(index=False):
        share = _num(r.identified) / _num(r.n_cases) if r.n_cases else 0.0
        rows.append(
            [
                md(r.batch),
                md(_date(r.announced)),
                md(f"{_int(r.identified)} / {_int(r.n_cases)}"),
                md(_int(r.official_titles)),
            ]
        )
        bars.append(
            {
                "label": f"Batch {r.batch} · 第{r.batch}批",
                "percent": f"{share * 100:.0f}",
                "value": f"{_int(r.identified)} / {_int(r.n_cases)}",
            }
        )
    out.append(_raw(render("coverage.html", bars=bars)))
    out.append(
        md_table(
            [
                md(field_both(ds, "batches", "batch")),
                md(field_both(ds, "batches", "announced")),
                md("Identified of announced · 已识别/公布"),
                md("With official title · 官方标题"),
            ],
            rows,
        )
    )
    out.append(
        "Browse the cases in the [case browser · 案例浏览](<cases/index.md>); unidentified cases are counted there "
        "by batch and category. 未识别的案例按批次和分类计数。\n"
    )
    out.append(policy_pages.landing_section(ds))
    out.append(md_heading("How to cite", "引用方式"))
    out.append(f"> {md(citation)}\n")
    out.append("From Python: `gbaresearch.cite()`. Python 中调用 `gbaresearch.cite()`。\n")
    out.append(
        "```{toctree}\n:hidden:\n:caption: Notebooks · 笔记本\n\n" + "\n".join(e.docname for e in entries) + "\n```\n"
    )
    data_pages = ["cases/index", "places/index", *policy_pages.toc_entries(ds), "codebook", "downloads"]
    out.append("```{toctree}\n:hidden:\n:caption: Data · 数据\n\n" + "\n".join(data_pages) + "\n```\n")
    return "\n".join(out)


# --- case browser ---------------------------------------------------------------------------


def _coding(ds: Any) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    doms: dict[str, list[str]] = {}
    for r in ds.case_domains.itertuples(index=False):
        doms.setdefault(str(r.case_id), []).append(value_both(ds, "case_domains", "domain", r.domain))
    mechs: dict[str, list[str]] = {}
    for r in ds.case_mechanisms.itertuples(index=False):
        mechs.setdefault(str(r.case_id), []).append(value_both(ds, "case_mechanisms", "mechanism", r.mechanism))
    return doms, mechs


BROWSER_COLUMNS: list[tuple[str, str, str]] = [
    # (key: a field or table of the schema, English, Chinese). Filter kind per column, read by
    # cases.js: "whole" (the cell equals the choice), "contains" (one of its "; " parts does),
    # "year" (the cell starts with it); a column not in FILTERS has no filter.
    ("case_id", "Case", "案例"),
    ("title_zh", "Chinese title", "中文标题"),
    ("title_en", "English title", "英文标题"),
    ("batch", "Batch", "批次"),
    ("order_in_batch", "Order", "序号"),
    ("category", "Category", "分类"),
    ("category_status", "Category status", "分类依据"),
    ("lead_place", "Lead", "牵头"),
    ("counterpart", "Counterpart", "对接方"),
    ("date_in_force", "Date in force", "施行日期"),
    ("case_domains", "Domains", "领域"),
    ("case_mechanisms", "Mechanisms", "机制"),
    ("title_status", "Title status", "标题状态"),
]
CHINESE_COLUMNS = ("title_zh",)  # cells marked lang="zh"
FILTERS = {
    "batch": "whole",
    "order_in_batch": "whole",
    "category": "whole",
    "category_status": "whole",
    "lead_place": "whole",
    "counterpart": "whole",
    "title_status": "whole",
    "date_in_force": "year",
    "case_domains": "contains",
    "case_mechanisms": "contains",
}


def browser_rows(ds: Any) -> list[dict[str, str]]:
    """One dict per identified case with the browser's columns as plain text."""
    doms, mechs = _coding(ds)
    rows = []
    for r in ds.cases.itertuples(index=False):
        cid = str(r.case_id)
        lead = place_both(ds, r.lead_place) or value_both(ds, "cases", "lead_level", r.lead_level)
        rows.append(
            {
                "case_id": cid,
                "title_zh": plain(r.title_zh),
                "title_en": plain(r.title_en),
                "batch": plain(r.batch),
                "order_in_batch": plain(r.order_in_batch),
                "category": value_both(ds, "cases", "category", r.category),
                "category_status": value_both(ds, "cases", "category_status", r.category_status),
                "lead_place": lead,
                "counterpart": _counterpart_text(ds, r.counterpart),
                "date_in_force": plain(r.date_in_force),
                "case_domains": join(doms.get(cid, [])),
                "case_mechanisms": join(mechs.get(cid, [])),
                "title_status": value_both(ds, "cases", "title_status", r.title_status),
            }
        )
    return rows


def _counterpart_text(ds: Any, value: Any) -> str:
    if is_missing(value):
        return ""
    return " + ".join(place_both(ds, p) for p in _counterpart_places(ds, value))


def _options(values: list[str], kind: str) -> list[str]:
    if kind == "contains":
        seen = sorted({v for cell in values for v in cell.split("; ") if v})
    elif kind == "year":
        seen = sorted({v[:4] for v in values if v})
    else:
        seen = list(dict.fromkeys(v for v in values if v))
        if all(v.isdigit() for v in seen):
            seen.sort(key=int)
        else:
            seen.sort()
    return seen


def _browser_table(rows: list[dict[str, Any]]) -> str:
    """The case browser: filters and the table of every identified case (raw HTML, from
    ``templates/browser.html``)."""
    columns = [{"key": k, "en": en, "zh": zh} for k, en, zh in BROWSER_COLUMNS]
    filters = [
        {"col": i, "en": en, "zh": zh, "kind": FILTERS[k], "options": _options([r[k] for r in rows], FILTERS[k])}
        for i, (k, en, zh) in enumerate(BROWSER_COLUMNS)
        if FILTERS.get(k)
    ]
    html = render(
        "browser.html",
        columns=columns,
        filters=filters,
        rows=rows,
        link_column=BROWSER_COLUMNS[0][0],
        chinese_columns=CHINESE_COLUMNS,
    )
    return _raw(html)


def _not_identified(ds: Any) -> list[str]:
    """The section on announced cases not yet identified, by batch and by category."""
    out: list[str] = []
    out.append(md_heading("Cases not yet identified", "尚未识别的案例"))
    out.append(
        "Announced cases that no public source names are counted here, so the gap stays visible. "
        "没有公开来源点名的已公布案例在此计数。\n"
    )
    cov = A.coverage_by_batch(ds)
    out.append(
        md_table(
            [md("Batch · 批次"), md("Announced · 公布"), md("Identified · 已识别"), md("Unidentified · 未识别")],
            [
                [md(r.batch), md(_int(r.n_cases)), md(_int(r.identified)), md(_int(r.n_cases) - _int(r.identified))]
                for r in cov.itertuples(index=False)
            ],
        )
    )
    cat = A.coverage_by_category(ds)
    out.append(
        "By official category (a case counts as placed when a source or this project's marked inference puts it "
        "in the category; identified cases whose category is unknown stay among the not placed). "
        "按官方分类：来源或本项目标注的推断将案例归入该类即视为已归类。\n"
    )
    out.append(
        md_table(
            [
                md("Batch · 批次"),
                md(field_both(ds, "batch_categories", "category")),
                md("Announced · 公布"),
                md("Placed (source) · 已归类（来源）"),
                md("Placed (inferred) · 已归类（推断）"),
                md("Not placed · 未归类"),
            ],
            [
                [
                    md(r.batch),
                    md(value_both(ds, "batch_categories", "category", r.category)),
                    md(_int(r.n_cases)),
                    md(_int(r.identified_official)),
                    md(_int(r.identified_inferred)),
                    md(_int(r.not_placed)),
                ]
                for r in cat.itertuples(index=False)
            ],
        )
    )
    unc = A.uncategorised_by_batch(ds)
    out.append(
        "Identified cases whose category is unknown · 已识别但分类未知的案例: "
        + md(", ".join(f"batch {r.batch}: {_int(r.n_cases)}" for r in unc.itertuples(index=False)) or "none")
        + "\n"
    )
    return out


def cases_page(ds: Any) -> str:
    """The case browser page (MyST): every identified case, then the announced cases not yet identified."""
    rows = browser_rows(ds)
    out = ["---\nhtml_theme.sidebar_secondary.remove: true\n---\n", md_heading("Case browser", "案例浏览", 1)]
    out.append(
        f"All {len(rows)} identified cases. Filter by any column or search in Chinese or English; "
        f"select a case for its page. 全部 {len(rows)} 个已识别案例：可按各列筛选，或用中文、英文搜索；点击案例编号查看详情。\n"
    )
    out.append(_browser_table(rows))
    out += _not_identified(ds)
    return "\n".join(out)


# --- one case -------------------------------------------------------------------------------


def _case_facts(ds: Any, case: Any) -> list[str]:
    """The Facts section of a case page."""
    out: list[str] = []
    out.append(md_heading("Facts", "基本事实"))
    cp = " + ".join(_place_link(ds, p, "../places/") for p in _counterpart_places(ds, case.counterpart)) or "—"
    facts = [
        ("batch", md(case.batch)),
        ("batch_status", md(value_both(ds, "cases", "batch_status", getattr(case, "batch_status", None)))),
        ("order_in_batch", md(case.order_in_batch)),
        ("title_zh", md(case.title_zh)),
        ("title_en", md(case.title_en)),
        ("category", md(value_both(ds, "cases", "category", case.category), "—")),
        ("category_status", md(value_both(ds, "cases", "category_status", case.category_status))),
        ("lead_level", md(value_both(ds, "cases", "lead_level", case.lead_level))),
        ("lead_place", _place_link(ds, case.lead_place, "../places/")),
        ("lead_body_en", md(case.lead_body_en)),
        ("rule_level", md(value_both(ds, "cases", "rule_level", getattr(case, "rule_level", None)))),
        ("rule_body_en", md(getattr(case, "rule_body_en", None))),
        ("counterpart", cp),
        ("counterpart_status", md(value_both(ds, "cases", "counterpart_status", case.counterpart_status))),
        ("date_in_force", md(case.date_in_force)),
        ("notes", md(case.notes)),
    ]
    batch_row = ds.batches[ds.batches["batch"].astype(str) == str(case.batch)]
    if len(batch_row):
        facts.insert(1, ("__announced", md(_date(batch_row["announced"].iloc[0]))))
    rows = []
    for key, value in facts:
        label = "Batch announced · 批次发布日期" if key == "__announced" else field_both(ds, "cases", key)
        rows.append([md(label), value])
    out.append(md_table([md("Field · 字段"), md("Value · 内容")], rows))

    return out


def _case_coding(ds: Any, cid: str) -> list[str]:
    """The Domains and Mechanisms sections of a case page."""
    out: list[str] = []
    out.append(md_heading("Domains", "政策领域"))
    d = ds.case_domains[ds.case_domains["case_id"] == cid]
    out.append(
        md_table(
            [
                md("Domain · 领域"),
                md(field_both(ds, "case_domains", "is_primary")),
                md(field_both(ds, "case_domains", "basis")),
            ],
            [
                [
                    md(value_both(ds, "case_domains", "domain", r.domain)),
                    md("—" if is_missing(r.is_primary) else "yes · 是" if bool(r.is_primary) else "no · 否"),
                    md(r.basis),
                ]
                for r in d.itertuples(index=False)
            ],
        )
    )
    out.append(md_heading("Mechanisms", "衔接机制"))
    m = ds.case_mechanisms[ds.case_mechanisms["case_id"] == cid]
    out.append(
        md_table(
            [md("Mechanism · 机制"), md(field_both(ds, "case_mechanisms", "basis"))],
            [
                [md(value_both(ds, "case_mechanisms", "mechanism", r.mechanism)), md(r.basis)]
                for r in m.itertuples(index=False)
            ],
        )
    )
    return out


def _case_links(ds: Any, cid: str) -> list[str]:
    """The Earlier and later cases section of a case page."""
    out: list[str] = []
    out.append(md_heading("Earlier and later cases", "前后关联案例"))
    links = ds.case_links
    rows = []
    for r in links[links["from_case_id"] == cid].itertuples(index=False):
        rows.append(
            [
                md("earlier · 较早"),
                _case_link(r.to_case_id),
                md(value_both(ds, "case_links", "relation", r.relation)),
                md(value_both(ds, "case_links", "link_status", r.link_status)),
                md(r.basis),
                md(r.source_id),
            ]
        )
    for r in links[links["to_case_id"] == cid].itertuples(index=False):
        rows.append(
            [
                md("later · 较晚"),
                _case_link(r.from_case_id),
                md(value_both(ds, "case_links", "relation", r.relation)),
                md(value_both(ds, "case_links", "link_status", r.link_status)),
                md(r.basis),
                md(r.source_id),
            ]
        )
    out.append(
        md_table(
            [
                md("Direction · 方向"),
                md("Case · 案例"),
                md(field_both(ds, "case_links", "relation")),
                md(field_both(ds, "case_links", "link_status")),
                md(field_both(ds, "case_links", "basis")),
                md(field_both(ds, "case_links", "source_id")),
            ],
            rows,
        )
    )
    return out


def _case_sources(ds: Any, cid: str) -> list[str]:
    """The Sources section of a case page."""
    out: list[str] = []
    links = ds.case_links
    out.append(md_heading("Sources", "来源"))
    cs = ds.case_sources[ds.case_sources["case_id"] == cid]
    facts_by_source: dict[str, list[str]] = {}
    for r in cs.itertuples(index=False):
        facts_by_source.setdefault(str(r.source_id), []).append(value_both(ds, "case_sources", "fact", r.fact))
    for ind in ds.indicators[ds.indicators["case_id"] == cid].itertuples(index=False):
        facts_by_source.setdefault(str(ind.source_id), []).append("indicator · 指标")
    for lk in links[(links["from_case_id"] == cid) & links["source_id"].notna()].itertuples(index=False):
        facts_by_source.setdefault(str(lk.source_id), []).append("link · 关联")
    out.append(_source_table(ds, facts_by_source))
    return out


def _case_corrections(ds: Any, cid: str) -> list[str]:
    """The Corrections section of a case page."""
    out: list[str] = []
    out.append(md_heading("Corrections", "更正"))
    corr = ds.corrections[ds.corrections["case_id"] == cid]
    out.append(
        md_table(
            [
                md(field_both(ds, "corrections", k))
                for k in ("correction_id", "source_id", "claim_en", "correction_en", "error_kind", "basis_source_id")
            ],
            [
                [
                    md(r.correction_id),
                    md(r.source_id),
                    md(r.claim_en),
                    md(r.correction_en),
                    md(value_both(ds, "corrections", "error_kind", r.error_kind)),
                    md(r.basis_source_id),
                ]
                for r in corr.itertuples(index=False)
            ],
        )
    )
    return out


def case_page(ds: Any, case: Any) -> str:
    cid = str(case.case_id)
    status = value_both(ds, "cases", "title_status", case.title_status)
    out = [ORPHAN, f"# {md(cid)} · {md(case.title_en)}\n"]
    out.append(_raw(render("zh_title.html", title=case.title_zh)))
    out.append(f"*{md(field_both(ds, 'cases', 'title_status'))}: {md(status)}*\n")
    out.append(md_heading("Summary", "摘要"))
    out.append(f"**English.** {md(case.summary_en)}\n")
    zh = getattr(case, "summary_zh", None)
    out.append(f"**中文。** {md(zh) if not is_missing(zh) else md('（暂无中文摘要 · no Chinese summary yet）')}\n")
    out += _case_facts(ds, case)
    out += _case_coding(ds, cid)
    out.append(coding_notes(ds, cid))  # contested and summary-only codings (site/coding_notes.py)
    out += _case_links(ds, cid)
    out.append(policy_pages.case_section(ds, cid))
    out.append(md_heading("Indicators", "指标"))
    out.append(policy_pages.case_series(ds, cid))
    out.append(_indicator_table(ds, ds.indicators[ds.indicators["case_id"] == cid], with_case=False))
    out += _case_sources(ds, cid)
    out += _case_corrections(ds, cid)
    out.append("[← Case browser · 案例浏览](<index.md>)\n")
    return "\n".join(out)


def _indicator_table(ds: Any, ind: pd.DataFrame, with_case: bool) -> str:
    head = [
        md(field_both(ds, "indicators", k))
        for k in ("indicator_id", "indicator_en", "value", "unit", "bound", "as_of", "source_id")
    ]
    rows = []
    marks, units = A.bound_marks(ds.indicators), A.unit_words(ds.indicators)
    for r in ind.itertuples(index=False):
        value = (
            A.format_value(_num(r.value), str(r.unit), str(r.bound), marks, units) if not is_missing(r.value) else "—"
        )
        row = [
            md(r.indicator_id),
            md(r.indicator_en),
            md(value),
            md(value_both(ds, "indicators", "unit", r.unit)),
            md(value_both(ds, "indicators", "bound", r.bound)),
            md(r.as_of),
            md(r.source_id),
        ]
        if with_case:
            row.insert(1, _case_link(r.case_id, "../cases/"))
        rows.append(row)
    if with_case:
        head.insert(1, md(field_both(ds, "indicators", "case_id")))
    return md_table(head, rows)


def _source_link(ds: Any, source_id: Any) -> str:
    """The source id linked to its page (title as the link text), or the bare id."""
    if is_missing(source_id):
        return "—"
    s = ds.sources[ds.sources["source_id"] == str(source_id)]
    url = safe_url(s["url"].iloc[0]) if len(s) else None
    return f"{md(source_id)}: {md_link(s['title'].iloc[0], url)}" if url else md(source_id)


def _source_table(ds: Any, facts_by_source: dict[str, list[str]]) -> str:
    s = ds.sources.set_index(ds.sources["source_id"].astype(str))
    rows = []
    for sid, facts in facts_by_source.items():
        if sid not in s.index:
            continue
        r = s.loc[sid]
        url = safe_url(r["url"])
        title = md_link(r["title"], url) if url else md(r["title"])
        rows.append(
            [
                md(sid),
                md(value_both(ds, "sources", "kind", r["kind"])),
                md(r["publisher"]),
                title,
                md(r["language"]),
                md(r["date_published"]),
                md(join(dict.fromkeys(facts), ", ")),
            ]
        )
    head = [
        md(field_both(ds, "sources", k))
        for k in ("source_id", "kind", "publisher", "title", "language", "date_published")
    ]
    return md_table(head + [md("Supports · 支持的事实")], rows)


# --- places ---------------------------------------------------------------------------------


def places_page(ds: Any) -> str:
    out = [md_heading("Places", "地点", 1)]
    out.append("Cities, special administrative regions and cooperation platforms. 城市、特别行政区与合作平台。\n")
    rows = []
    c = ds.cases
    for r in ds.places.itertuples(index=False):
        pid = str(r.place_id)
        n_lead = int((c["lead_place"] == pid).sum())
        n_cp = int(c["counterpart"].isin(_counterparts_of(ds, pid)).sum())
        rows.append(
            [
                md_link(place_both(ds, pid), f"{slug(pid)}.md"),
                md(value_both(ds, "places", "kind", r.kind)),
                md(place_both(ds, r.host_city)),
                md(n_lead),
                md(n_cp),
            ]
        )
    out.append(
        md_table(
            [
                md("Place · 地点"),
                md(field_both(ds, "places", "kind")),
                md(field_both(ds, "places", "host_city")),
                md("Cases led · 牵头案例"),
                md("As counterpart · 作为对接方"),
            ],
            rows,
        )
    )
    return "\n".join(out)


def place_page(ds: Any, place: Any) -> str:
    pid = str(place.place_id)
    out = [ORPHAN, f"# {md(place_both(ds, pid))}\n"]
    facts = [
        ("kind", md(value_both(ds, "places", "kind", place.kind))),
        ("host_city", _place_link(ds, place.host_city, "")),
        ("lat", md(place.lat)),
        ("lon", md(place.lon)),
        ("source_id", _source_link(ds, place.source_id)),
        ("notes", md(place.notes)),
    ]
    out.append(
        md_table([md("Field · 字段"), md("Value · 内容")], [[md(field_both(ds, "places", k)), v] for k, v in facts])
    )
    hosted = ds.places[ds.places["host_city"] == pid]
    if len(hosted):
        out.append(
            "Platforms in this city · 本市合作平台: "
            + ", ".join(_place_link(ds, p, "") for p in hosted["place_id"])
            + "\n"
        )
    c = ds.cases

    def case_rows(sub: pd.DataFrame) -> str:
        return md_table(
            [
                md("Case · 案例"),
                md(field_both(ds, "cases", "title_zh")),
                md(field_both(ds, "cases", "title_en")),
                md(field_both(ds, "cases", "batch")),
                md(field_both(ds, "cases", "category")),
            ],
            [
                [
                    _case_link(r.case_id, "../cases/"),
                    md(r.title_zh),
                    md(r.title_en),
                    md(r.batch),
                    md(value_both(ds, "cases", "category", r.category)),
                ]
                for r in sub.itertuples(index=False)
            ],
        )

    led = c[c["lead_place"] == pid]
    out.append(md_heading("Cases it leads", "牵头的案例"))
    out.append(case_rows(led))
    out.append(md_heading("Cases naming it as counterpart", "以其为对接方的案例"))
    cp = c[c["counterpart"].isin(_counterparts_of(ds, pid))]
    out.append(case_rows(cp))
    out.append(md_heading("Indicators", "指标"))
    out.append("Figures reported for the cases this place leads. 本地牵头案例的指标。\n")
    ind = ds.indicators[ds.indicators["case_id"].isin(list(led["case_id"]))]
    out.append(_indicator_table(ds, ind, with_case=True))
    out.append("[← Places · 地点](<index.md>)\n")
    return "\n".join(out)


# --- codebook and downloads -----------------------------------------------------------------


def codebook_page(codebook_md: str) -> str:
    """``CODEBOOK.md`` as a page: its first ``# `` heading becomes the page title (escaped); the
    rest is rendered by markdown-it in CommonMark mode with raw HTML disabled (so every tag is
    shown as text) plus tables and without images (nothing loads from elsewhere), and included as
    HTML. No MyST parser ever sees the contributor's
    Markdown, so it has no directive, role or include (``{include}``, ``{raw}``, ...) anywhere:
    a fence like ```` ```{include} ```` is only a code block."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.anchors import anchors_plugin

    lines = codebook_md.split("\n")
    title = "Codebook · 编码手册"
    if lines and lines[0].startswith("# "):
        title, lines = lines[0][2:].strip(), lines[1:]
    parser = MarkdownIt("commonmark", {"html": False}).enable("table").disable("image")  # nothing loads from elsewhere
    parser.use(anchors_plugin, max_level=2)
    body = parser.render("\n".join(lines))
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"# {md(title)}\n\n{fence}{{raw}} html\n{body}\n{fence}\n"


def downloads_page(files: Sequence[Download], version: str) -> str:
    out = [md_heading("Downloads", "下载", 1)]
    out.append(
        f"Data version · 数据版本 **{md(version)}**. Every file is built from the same validated data in this build. 所有文件均由本次构建中经过校验的同一份数据生成。\n"
    )
    head = ["File · 文件", "Contents", "内容", "Open with · 读取方式", "Size · 大小"]
    out.append(_raw(render("downloads.html", head=head, files=files)))
    out.append(md_heading("Excel, Stata and R", "Excel、Stata 与 R", 2))
    out.append(
        "- **Excel**: the flat CSV is UTF-8 with a byte-order mark, so Excel opens it with Chinese text intact "
        "(double-click it). A text cell that begins with `=`, `+`, `-` or `@` is written with a leading apostrophe "
        "(`'`), so no spreadsheet runs it as a formula; the workbook stores such cells as text. "
        "平面 CSV 为带 BOM 的 UTF-8，Excel 可直接打开；以 `=`、`+`、`-`、`@` 开头的文本前加撇号，不会被当作公式执行。\n"
        "- **Stata** (14 or later): `use` the `.dta`. Categorical variables are integer codes with value labels "
        "(each label set has its variable's name), counts are integers, `batch_announced` is a Stata date, "
        "and variable labels are in English and Chinese. A column name Stata cannot carry is mapped to a valid "
        "one (other characters become `_`, a leading digit gets `v_`, at most 32 characters, `_2` for a "
        "repeated name) and the label begins with the original name. "
        "Stata 文件含双语变量标签与取值标签；Stata 不接受的列名会被转换，标签中保留原名。\n"
        '- **R**: `haven::read_dta("file.dta")` keeps the value and variable labels (`haven::as_factor()` turns '
        'codes into labelled factors); for the CSV, `readr::read_csv("file.csv", na = "NA")` or '
        '`read.csv("file.csv", fileEncoding = "UTF-8-BOM", na.strings = "NA")`. '
        "R 用户可用 haven::read_dta 读取 Stata 文件，或用 readr::read_csv 读取 CSV。\n"
    )
    out.append(
        "The same files come from the library: `gbaresearch.export(None, out_dir)` or "
        "`gbaresearch export --out DIR`. 也可在 Python 或命令行中生成同样的文件。\n"
    )
    return "\n".join(out)


def write_pages(
    src: Path,
    ds: Any,
    entries: Sequence[NotebookEntry],
    citation: str,
    codebook_md: str,
    downloads: Sequence[Download],
) -> list[Path]:
    """Write every generated page under ``src``; return the paths written."""
    pages: dict[str, str] = {
        "index.md": index_page(ds, entries, citation),
        "cases/index.md": cases_page(ds),
        "places/index.md": places_page(ds),
        "codebook.md": codebook_page(codebook_md),
        "downloads.md": downloads_page(downloads, ds.version),
    }
    for case in ds.cases.itertuples(index=False):
        pages[f"cases/{slug(str(case.case_id))}.md"] = case_page(ds, case)
    for place in ds.places.itertuples(index=False):
        pages[f"places/{slug(str(place.place_id))}.md"] = place_page(ds, place)
    pages.update(policy_pages.pages(ds))
    written = []
    for rel, text in pages.items():
        path = src / rel
        write_text(path, text)
        written.append(path)
    return written


__all__ = ["NotebookEntry", "Download", "write_pages", "browser_rows", "SEP"]
