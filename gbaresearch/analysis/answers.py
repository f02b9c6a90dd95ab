"""The notebooks' computed answers and "What this shows" sentences, in English and Chinese.

Each analysis notebook ends with a one-line answer to its question. The sentence is built here,
not in the notebook, so that the English and the Chinese version come from the same computed
numbers: ``answer_NN(ds, lang)`` returns Markdown (data escaped with
:func:`gbaresearch.analysis.md_escape`) for ``lang`` "en" or "zh". Where a notebook computes
something expensive or something that exists only in its own run (the sensitivity table
``held`` of :func:`gbaresearch.analysis.sensitivity.assess`, the problems found in notebook 09), it is
passed in as a keyword argument; otherwise it is computed from ``ds``.

How a notebook uses it (the convention read by :mod:`gbaresearch.publish.report` and checked by
``tests/test_notebooks_meta.py``):

- the first Markdown cell has ``**Question:** …`` and, on its own line below,
  ``**问题：** …`` (the same question in Chinese);
- the code cell tagged ``answer`` (and ``remove-input``) shows the English sentence,
  ``display(say(ANS.answer_NN(ds, …)))``, one Markdown line;
- the next code cell, tagged ``answer-zh`` (and ``remove-input``), shows the Chinese one,
  ``display(say(ANS.answer_NN(ds, "zh", …)))``;
- the heading reads ``## What this shows · 本分析说明``; its static English prose is followed by
  a Chinese paragraph written for Chinese readers (not a word-for-word rendering); computed
  "what this shows" sentences come from ``shows_NN(ds, lang)`` and are displayed in both
  languages, English first; the sensitivity summary likewise
  (``sensitivity.assessment_sentence(held)`` then ``sensitivity.assessment_sentence(held, "zh")``);
- section headings read ``## English · 中文``; figure titles carry a Chinese line or suffix where
  the figure stays readable, and labels that come from the schema use its Chinese labels
  (``gbaresearch.dataset.labels.labels(ds.<table>, field, "zh")``).

The landing page (:func:`gbaresearch.publish.report.notebook_question` and
:func:`~gbaresearch.publish.report.notebook_answer` with ``lang="zh"``) shows the Chinese question and
answer under the English ones; a notebook without them simply shows the English only.

A new notebook adopts the scheme by adding its ``answer_NN`` (and, if it has one, ``shows_NN``)
here, with a test pinning both sentences for the shipped data in ``tests/test_answers.py``.
:data:`ANSWERS` maps a notebook number to its answer function.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pandas as pd

from .. import analysis as A
from ..dataset.labels import label_pairs, properties, rows_where
from ..dataset.labels import labels as label_of
from . import findings as F
from . import md_escape as esc
from . import sensitivity as S

if TYPE_CHECKING:
    from ..dataset.load import Dataset

__all__ = [
    "ANSWERS",
    "of",
    "tidy_zh",
    "answer_01",
    "answer_02",
    "answer_03",
    "answer_04",
    "shows_04",
    "answer_05",
    "shows_05",
    "answer_06",
    "answer_08",
    "answer_09",
    "answer_10",
    "answer_07",
    "answer_11",
]


def _bilingual(fn: Callable[..., str]) -> Callable[..., str]:
    """Apply :func:`tidy_zh` to the Chinese output of ``fn``."""

    @functools.wraps(fn)
    def wrapper(ds: Any, lang: str = "en", **kw: Any) -> str:
        out = fn(ds, lang, **kw)
        return tidy_zh(out) if lang == "zh" else out

    return wrapper


def _lang(lang: str) -> str:
    if lang not in ("en", "zh"):
        raise ValueError(f"lang must be 'en' or 'zh', not {lang!r}")
    return lang


def of(k: Any, n: Any, lang: str = "en") -> str:
    """A count with its denominator: 'k of n (p%)' in English, 'k/n（p%）' in Chinese."""
    if _lang(lang) == "en":
        return A.of(k, n)
    k, n = int(k), int(n)
    return f"{k}/{n}（{k / n:.0%}）" if n else f"{k}/0"


_ZH_GAP = re.compile(r"(?<=[）」”])[ ]+(?=[\u4e00-\u9fff])|[ ]+(?=（)")


def _and(items: list[str]) -> str:
    """English list: "a", "a and b", "a, b and c"."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1] if items else ""


def tidy_zh(text: str) -> str:
    """Chinese text without the spaces that English-style formatting leaves next to full-width
    brackets (``4/7（57%） 变为`` becomes ``4/7（57%）变为``)."""
    return _ZH_GAP.sub("", text)


def _n(value: Any) -> int:
    """``int(value)`` for a table cell (typed loosely by pandas)."""
    return int(value)


def _batches_zh(batches: list[str]) -> str:
    return "、".join(batches)


# --- 01 · a tour of the dataset ---------------------------------------------------------------


@_bilingual
def answer_01(ds: Dataset, lang: str = "en") -> str:
    """Coverage of the announced cases and where the case facts come from."""
    from .provenance import OFFICIAL_KINDS, original_share, single_page_facts
    from .sensitivity import machine_translation_only_cases

    cov = A.coverage_by_batch(ds)
    orig, gov = original_share(ds), original_share(ds, OFFICIAL_KINDS)
    alone = int(single_page_facts(ds)["facts_alone"].sum())
    mt_only = machine_translation_only_cases(ds)
    tot_off, tot_id = int(cov["n_cases"].sum()), int(cov["identified"].sum())
    full = [str(b) for b, i, o in zip(cov["batch"], cov["identified"], cov["n_cases"]) if i == o]
    if _lang(lang) == "en":
        return (
            f"{tot_id} of {tot_off} announced cases are identified ({tot_id / tot_off:.0%}); "
            f"complete for batch {', '.join(full) or 'none'}; "
            f"{A.of(orig.original, orig.facts)} case facts rest on an official or original page (reposts excluded), "
            f"{A.of(gov.original, gov.facts)} on a government page, {A.of(alone, orig.facts)} on a single page; "
            f"{len(mt_only)} cases are known only from a machine translation."
        )
    complete = f"第 {_batches_zh(full)} 批已全部识别" if full else "没有一批已全部识别"
    return (
        f"已公布的 {tot_off} 个案例中已识别 {tot_id} 个（{tot_id / tot_off:.0%}），{complete}；"
        f"案例事实中有 {of(orig.original, orig.facts, lang)} 以官方页面或原发媒体页面为依据（不计转载），"
        f"{of(gov.original, gov.facts, lang)} 以政府页面为依据，{of(alone, orig.facts, lang)} 只有一个页面支持；"
        f"{len(mt_only)} 个案例只见于机器翻译。"
    )


# --- 02 · composition across batches ----------------------------------------------------------


@_bilingual
def answer_02(ds: Dataset, lang: str = "en") -> str:
    """How the official category mix moved between the first and the last batch, and whether
    the shift exceeds chance (like for like, then over all categories)."""
    _lang(lang)
    first, last = A.batches(ds)[0], A.batches(ds)[-1]
    full = A.composition_test(ds)
    always = [c for c in A.categories(ds) if (A.composition_table(ds)[c] > 0).all()]
    stable = A.composition_test(ds, categories_subset=always)
    cc = F.composition_change(ds)
    lab = label_of(ds.cases, "category", lang)
    i_up: Any = cc["change"].idxmax()
    i_down: Any = cc["change"].idxmin()
    up, down = cc.loc[i_up], cc.loc[i_down]
    unused = F.unused_categories(ds)
    w, w_min = A.effect_size(stable), A.detectable_effect(stable["n"], stable["dof"])
    if lang == "en":

        def moved(r: Any) -> str:
            return (
                f"from {A.of(r['k_first'], r['n_first'])} cases of batch {first} "
                f"to {A.of(r['k_last'], r['n_last'])} of batch {last}"
            )

        def verdict(t: Any) -> str:
            return (
                "within what chance produces among so few cases, which does not show the mix is stable"
                if t["p_monte_carlo"] >= 0.05
                else "larger than chance would give"
            )

        return (
            f"Like for like, among the {len(cc)} categories used in every batch, {esc(lab[up['category']])} rose most, "
            f"{moved(up)}, and {esc(lab[down['category']])} fell most, {moved(down)}; across those categories the shift "
            f"is {verdict(stable)} (Monte Carlo p = {stable['p_monte_carlo']:.2f}, n = {stable['n']}; w = {w:.2f}, "
            f"detectable from w = {w_min:.2f}). "
            + "".join(
                f"{esc(lab[c])} was not in use in every batch, so its share cannot be compared across batches. "
                for c in unused
            )
            + f"Over all categories the shift is {verdict(full)} "
            f"(Monte Carlo p = {full['p_monte_carlo']:.2f}, n = {full['n']})."
        )

    def moved_zh(r: Any, verb: str) -> str:
        return f"由第 {first} 批的 {of(r['k_first'], r['n_first'], lang)}{verb}第 {last} 批的 {of(r['k_last'], r['n_last'], lang)}"

    def verdict_zh(t: Any) -> str:
        return (
            "仍在案例这么少时偶然分配就会出现的范围内，但这并不说明构成保持稳定"
            if t["p_monte_carlo"] >= 0.05
            else "大于偶然分配所能产生的幅度"
        )

    return (
        f"按同一口径，在每批都使用的 {len(cc)} 个类别中，“{esc(lab[up['category']])}”占比升幅最大，"
        f"{moved_zh(up, '升至')}；“{esc(lab[down['category']])}”降幅最大，{moved_zh(down, '降至')}；"
        f"这几个类别之间的变化{verdict_zh(stable)}（蒙特卡洛 p = {stable['p_monte_carlo']:.2f}，n = {stable['n']}；"
        f"w = {w:.2f}，可检出的 w 下限为 {w_min:.2f}）。"
        + "".join(f"“{esc(lab[c])}”并非每批都在使用，其占比不能跨批比较。" for c in unused)
        + f"就全部类别而言，变化{verdict_zh(full)}（蒙特卡洛 p = {full['p_monte_carlo']:.2f}，n = {full['n']}）。"
    )


# --- 03 · expanding fields --------------------------------------------------------------------


def _held(ds: Dataset, held: pd.DataFrame | None, finding: Callable[[Dataset], pd.DataFrame]) -> pd.DataFrame:
    return S.assess(ds, finding) if held is None else held


@_bilingual
def answer_03(ds: Dataset, lang: str = "en", *, held: pd.DataFrame | None = None) -> str:
    """How many fields announced as new first appear in the announcing batch; ``held`` is
    ``sensitivity.assess(ds, findings.expanding_fields)`` (computed when not given)."""
    _lang(lang)
    held = _held(ds, held, F.expanding_fields)
    check = A.new_fields_check(ds)
    firmness = F.earlier_verdicts_firm(ds)
    n = len(check)
    agree = int((check["verdict"] == "agrees").sum())
    firm = firmness[firmness["firm"]]
    soft = firmness[~firmness["firm"]]
    if lang == "en":
        return (
            f"{A.of(agree, n)} fields announced as new first appear in the announcing batch in this coding; "
            f"{len(firmness)} appear earlier, of which {len(firm)} firmly ({esc('; '.join(firm['field_en'])) or 'none'})"
            + (
                f" and {len(soft)} only through a case whose batch membership is inferred "
                f"({esc('; '.join(soft['field_en']))})"
                if len(soft)
                else ""
            )
            + "; "
            + S.tally(held)
            + "."
        )
    names = {
        (int(b), str(en)): str(zh)
        for b, en, zh in zip(
            ds.batch_new_fields["batch"], ds.batch_new_fields["field_en"], ds.batch_new_fields["field_zh"]
        )
    }

    def zh_names(rows: pd.DataFrame) -> str:
        return esc("；".join(names.get((int(b), str(f)), str(f)) for b, f in zip(rows["batch"], rows["field_en"])))

    return (
        f"公告列为新领域的各个领域中，有 {of(agree, n, lang)} 在本项目的编码里首次出现于公布它的那一批；"
        f"{len(firmness)} 个更早就已出现，其中 {len(firm)} 个结论确定（{zh_names(firm) or '无'}）"
        + (f"，{len(soft)} 个只是经由批次归属系推断的案例才更早出现（{zh_names(soft)}）" if len(soft) else "")
        + "；"
        + S.tally(held, "zh")
        + "。"
    )


# --- 04 · who leads, and with whom ------------------------------------------------------------


@_bilingual
def answer_04(ds: Dataset, lang: str = "en", *, held: pd.DataFrame | None = None) -> str:
    """Known leads by level, rule makers apart from the lead, and the share of cases whose
    counterpart is both SARs; ``held`` is ``sensitivity.assess(ds, findings.leads_and_counterparts)``."""
    _lang(lang)
    held = _held(ds, held, F.leads_and_counterparts)
    cov = A.coverage_by_batch(ds)
    known = A.lead_level_by_batch(ds).drop(index=A.UNKNOWN).sum(axis=1)
    cp = A.counterpart_by_batch(ds).drop(index=A.NOT_STATED).sum(axis=1)
    rules = ds.cases.loc[ds.cases["rule_level"].notna(), ["case_id", "rule_body_en"]]
    n_rules = int(ds.cases["rule_level"].notna().sum())
    announced = int(cov["n_cases"].sum())
    # most local level first: the reverse of the schema's order (national → platform)
    names = {lvl: (en.lower(), zh) for lvl, (en, zh) in reversed(label_pairs(ds.cases, "lead_level").items())}
    k = {lvl: int(known.get(lvl, 0)) for lvl in names if known.get(lvl, 0)}
    basis = A.lead_basis_table(ds)
    on_title = [lvl for lvl in k if basis.loc[lvl, A.LEAD_BASES[1]] == k[lvl]]
    on_body = [lvl for lvl in k if basis.loc[lvl, A.LEAD_BASES[0]] == k[lvl]]
    if lang == "en":
        levels = [f"{names[lvl][0]} {n}" for lvl, n in k.items()]
        return (
            f"{int(known.sum())} of {announced} announced cases have a known lead; of these, "
            f"{_and([esc(x) for x in levels])}, "
            + (
                f"but {_and([esc(names[lvl][0]) for lvl in on_title])} leads rest on a place named in the title and "
                f"{_and([esc(names[lvl][0]) for lvl in on_body])} leads on a named body, "
                if on_title and on_body and len(on_title) + len(on_body) == len(k)
                else "but the levels rest on different evidence (a place named in the title or a named body), "
            )
            + "so the levels are not ranked; "
            f"{A.of(n_rules, len(ds.cases))} identified cases name a rule maker other than the lead ("
            + esc(", ".join(f"{c}: {b}" for c, b in zip(rules["case_id"], rules["rule_body_en"])))
            + "); the counterpart is both Hong Kong and Macao in "
            f"{A.of(A.count_of(cp, A.both_sars(ds)), cp.sum())} cases with a known counterpart; " + S.tally(held) + "."
        )
    zh = {lvl: esc(names[lvl][1]) for lvl in k}
    return (
        f"已公布的 {announced} 个案例中有 {int(known.sum())} 个牵头层级已知："
        + "、".join(f"{zh[lvl]} {n} 个" for lvl, n in k.items())
        + "；"
        + (
            f"但{'和'.join(zh[lvl] for lvl in on_title)}牵头依据的是标题中出现的地名，"
            f"{'和'.join(zh[lvl] for lvl in on_body)}牵头依据的是来源点名的单位，依据不同，故不对各层级排序；"
            if on_title and on_body and len(on_title) + len(on_body) == len(k)
            else "但各层级依据不同（标题中的地名或点名的单位），故不对各层级排序；"
        )
        + f"已识别案例中有 {of(n_rules, len(ds.cases), lang)} 另有不同于牵头单位的规则制定机构（"
        + esc("，".join(f"{c}：{b}" for c, b in zip(rules["case_id"], rules["rule_body_en"])))
        + f"）；在对接方已知的案例中，{of(A.count_of(cp, A.both_sars(ds)), cp.sum(), lang)} 的对接方同时为香港和澳门；"
        + S.tally(held, "zh")
        + "。"
    )


@_bilingual
def shows_04(ds: Dataset, lang: str = "en") -> str:
    """What the lead levels rest on, and why their counts are not a ranking."""
    _lang(lang)
    cov = A.coverage_by_batch(ds)
    lead_tab = A.lead_basis_table(ds)
    by_body = {lvl: int(n) for lvl, n in lead_tab["named body"].items() if n}
    by_title = {lvl: int(n) for lvl, n in lead_tab["place in title"].items() if n}
    n_known = int(lead_tab.to_numpy().sum())
    announced = int(cov["n_cases"].sum())
    if lang == "en":
        return (
            f"{n_known} of {len(ds.cases)} identified cases ({announced} announced) have a known lead level. "
            "It rests on two kinds of evidence: a body named in a source for "
            + ", ".join(f"{n} {esc(lvl)}" for lvl, n in by_body.items())
            + " lead(s), and a place named in the title for "
            + ", ".join(f"{n} {esc(lvl)}" for lvl, n in by_title.items())
            + " lead(s). The levels are not measured alike, so their counts are not a ranking of who leads. "
            "The counterpart is read from titles and sources for every level alike (table above). "
            "The unknown share, largest in the first batch, is a limit of the public record, not a finding."
        )
    lv = label_of(ds.cases, "lead_level", "zh")
    return (
        f"{len(ds.cases)} 个已识别案例（共公布 {announced} 个）中有 {n_known} 个牵头层级已知。依据分两类："
        + "、".join(f"{esc(lv.get(lvl, lvl))} {n} 个" for lvl, n in by_body.items())
        + "依据来源中点名的单位；"
        + "、".join(f"{esc(lv.get(lvl, lvl))} {n} 个" for lvl, n in by_title.items())
        + "依据标题中出现的地名。各层级的认定方式不同，其数量不能当作谁牵头更多的排名。"
        "对接方则对所有层级一样，从标题和来源中读取（见上表）。牵头未知的比例以第一批最高，"
        "这是公开资料的局限，而不是一项发现。"
    )


# --- 05 · how rules are connected -------------------------------------------------------------


@_bilingual
def answer_05(ds: Dataset, lang: str = "en", *, held: pd.DataFrame | None = None) -> str:
    """The most used mechanism and the two-sided share, first against last batch; ``held`` is
    ``sensitivity.assess(ds, findings.mechanisms)``."""
    _lang(lang)
    held = _held(ds, held, F.mechanisms)
    first, last = A.batches(ds)[0], A.batches(ds)[-1]
    mech = A.mechanisms_by_batch(ds)
    coded = A.coded_per_batch(ds)
    top: Any = mech.drop(index=A.NOT_CODED).sum(axis=1).idxmax()
    d = A.mechanism_direction_by_batch(ds).set_index("batch")
    two = A.directions(ds)[0]
    label = esc(label_of(ds.vocab_mechanisms, "mechanism", lang)[top])
    if lang == "en":
        return (
            f"Most used overall: {label}, in {A.of(mech.loc[top, first], coded[first])} coded cases of batch {first} "
            f"and {A.of(mech.loc[top, last], coded[last])} of batch {last}; cases with a two-sided mechanism: "
            f"{A.of(d.loc[first, two], d.loc[first, 'coded'])} coded cases in batch {first}, "
            f"{A.of(d.loc[last, two], d.loc[last, 'coded'])} in batch {last}; " + S.tally(held) + "."
        )
    return (
        f"总体上用得最多的机制是“{label}”，见于第 {first} 批已编码案例的 {of(mech.loc[top, first], coded[first], lang)}、"
        f"第 {last} 批的 {of(mech.loc[top, last], coded[last], lang)}；采用双向机制的案例，"
        f"第 {first} 批占已编码案例的 {of(d.loc[first, two], d.loc[first, 'coded'], lang)}，"
        f"第 {last} 批为 {of(d.loc[last, two], d.loc[last, 'coded'], lang)}；" + S.tally(held, "zh") + "。"
    )


@_bilingual
def shows_05(ds: Dataset, lang: str = "en") -> str:
    """One-sided and two-sided mechanisms, first against last batch, with Fisher's exact test
    over coded and over announced cases."""
    _lang(lang)
    first, last = A.batches(ds)[0], A.batches(ds)[-1]
    d = A.mechanism_direction_by_batch(ds).set_index("batch")
    parts = []
    for side in reversed(A.directions(ds)):  # one-sided, then two-sided
        name, name_zh = A.direction_name(ds, side), A.direction_name(ds, side, "zh")
        k1, k3 = _n(d.loc[first, side]), _n(d.loc[last, side])
        n1c, n3c = _n(d.loc[first, "coded"]), _n(d.loc[last, "coded"])
        n1a, n3a = _n(d.loc[first, "announced"]), _n(d.loc[last, "announced"])
        pc, pa = F.fisher_p(k1, n1c, k3, n3c), F.fisher_p(k1, n1a, k3, n3a)
        chance = min(pc, pa) >= F.CHANGE_ALPHA
        if lang == "en":
            within = "within chance" if chance else "larger than chance alone would readily give"
            parts.append(
                f"cases with a {name} mechanism go from {A.of(k1, n1c)} coded cases in batch {first} "
                f"to {A.of(k3, n3c)} in batch {last} (of announced cases: {A.of(k1, n1a)} "
                f"to {A.of(k3, n3a)}); the difference is {within} "
                f"(Fisher's exact test, p = {pc:.2f} of coded, {pa:.2f} of announced)"
            )
        else:
            within = "在偶然范围之内" if chance else "大于单凭偶然容易产生的幅度"
            parts.append(
                f"采用{name_zh}机制的案例，由第 {first} 批已编码案例的 {of(k1, n1c, lang)} 变为第 {last} 批的 "
                f"{of(k3, n3c, lang)}（按已公布案例计：{of(k1, n1a, lang)} 变为 {of(k3, n3a, lang)}），差异{within}"
                f"（Fisher 精确检验，按已编码案例 p = {pc:.2f}，按已公布案例 p = {pa:.2f}）"
            )
    ident = of(d.loc[first, "identified"], d.loc[first, "announced"], lang)
    if lang == "en":
        return (
            "C" + "; ".join(parts)[1:] + ". "
            "The counts are a handful of cases per batch, rest on this project's coding of the identified cases only "
            "(and on its classing of each mechanism by direction, `vocab_mechanisms.direction`), and "
            f"batch {first} is only {ident} identified, so a change in the mix of "
            "mechanisms between batches is not shown by these data unless the test says so. Each finding is checked on "
            "every data variant and on both denominators below."
        )
    return (
        "；".join(parts) + "。每批只有寥寥数个案例，这些计数只依据本项目对已识别案例的编码"
        "（以及对各机制方向的归类，`vocab_mechanisms.direction`），"
        f"而第 {first} 批只识别了 {ident}，因此除非检验结果表明差异显著，"
        "这些数据并不能说明各批之间的机制构成发生了变化。下文在每种数据变体和两种分母下逐项检查各结论。"
    )


# --- 06 · deepening and timing ----------------------------------------------------------------


@_bilingual
def answer_06(ds: Dataset, lang: str = "en", *, held: pd.DataFrame | None = None) -> str:
    """Links between cases and the time from taking effect to selection; ``held`` is
    ``sensitivity.assess(ds, findings.deepening)``."""
    from . import reliability as R

    _lang(lang)
    held = _held(ds, held, F.deepening)
    links = A.link_table(ds)
    tts = A.time_to_selection(ds)
    link_variable = R.coding_variable(ds, R.PAIR).name
    rel = R.final_vs_third(ds).set_index("variable").loc[link_variable] if R.has_third_coding(ds) else None
    month = int((tts["precision"] == "month").sum())
    inferred = int(rows_where(links, "link_status", "byProject").sum())
    within = int(tts["within_two_years"].sum())
    undated = len(A.undated_cases(ds))
    med, lo, hi = tts["years"].median(), tts["years"].min(), tts["years"].max()
    if lang == "en":
        link_caveat = (
            "links are tentative: the published links and an independent third coding agree with alpha "
            f"{rel['alpha']:.2f} (95% interval {rel['alpha_low']:.2f} to {rel['alpha_high']:.2f})"
            if rel is not None
            else "links have not been checked by an independent coding"
        )
        return (
            f"{len(links)} links between identified cases ({inferred} inferred by this project); "
            f"{A.of(len(tts), len(ds.cases))} identified cases have a known date in force ({month} to the month only) "
            f"and were selected a median of {med:.2f} years (range {lo:.2f}–{hi:.2f}) after taking effect, "
            f"{A.of(within, len(tts))} within two years (the {undated} undated cases are not a random remainder); "
            + link_caveat
            + "; "
            + S.tally(held)
            + "."
        )
    link_caveat = (
        "关联只是初步结论：已发布的关联与独立的第三次编码之间的 alpha 为 "
        f"{rel['alpha']:.2f}（95% 区间 {rel['alpha_low']:.2f} 至 {rel['alpha_high']:.2f}）"
        if rel is not None
        else "关联尚未经独立编码核对"
    )
    return (
        f"已识别案例之间有 {len(links)} 条关联（其中 {inferred} 条由本项目推断）；"
        f"已识别案例中有 {of(len(tts), len(ds.cases), lang)} 生效日期已知（{month} 个只知道月份），"
        f"从生效到入选的时间中位数为 {med:.2f} 年（范围 {lo:.2f}–{hi:.2f} 年），"
        f"其中 {of(within, len(tts), lang)} 在两年内入选（另有 {undated} 个案例没有日期，它们并非随机缺失）；"
        + link_caveat
        + "；"
        + S.tally(held, "zh")
        + "。"
    )


# --- 08 · reading the coverage critically ----------------------------------------------------


@_bilingual
def answer_08(ds: Dataset, lang: str = "en") -> str:
    """Corrections by source and kind, and cases resting on a machine translation alone."""
    corr = A.corrections_table(ds)
    mt = ds.sources.loc[rows_where(ds.sources, "kind", "translation"), "source_id"].tolist()
    sole = A.sole_source_facts(ds, mt)
    kinds = sorted(corr["error_kind"].astype(str).unique())
    n_sources, n_cases = corr["source_id"].nunique(), sole["case_id"].nunique()
    if _lang(lang) == "en":
        return (
            f"{len(corr)} corrections across {n_sources} sources ({esc(', '.join(kinds))}); "
            f"{n_cases} identified cases rest on a machine translation alone for at least one fact."
        )
    zh = label_of(ds.corrections, "error_kind", "zh")
    return (
        f"{n_sources} 个来源共有 {len(corr)} 处更正（{esc('、'.join(str(zh.get(k, k)) for k in kinds))}）；"
        f"{n_cases} 个已识别案例至少有一项事实只以机器翻译为依据。"
    )


# --- 09 · extending the data ------------------------------------------------------------------


@_bilingual
def answer_09(ds: Dataset, lang: str = "en", *, tables: int, mistakes: int) -> str:
    """What adding a batch from one announcement file did: ``tables`` is the number of tables
    ``gbaresearch add`` wrote to, ``mistakes`` the number of problems it reported for the
    notebook's deliberate mistakes."""
    if _lang(lang) == "en":
        return (
            f"One announcement file added a batch with two identified cases to {tables} tables in one step; "
            f"the {mistakes} deliberate mistakes were each reported with the file's line and field, "
            "and the data was left as it was."
        )
    return (
        f"一份公告文件一步就把一个含两个已识别案例的新批次写入了 {tables} 张表；故意制造的 {mistakes} 处错误"
        "都逐一报出了文件中的行号和字段，数据保持原样。"
    )


# --- 10 · coding reliability ------------------------------------------------------------------


def _variable_zh(ds: Dataset) -> dict[str, str]:
    """Each agreement variable's short Chinese name for running text: ``gba:shortLabel_zh`` of the
    coding variables (their label where none is given), and the link relation's."""
    from . import reliability as R

    table = ds[R.RECONCILIATION]
    props = properties(table, "variable")
    names = {
        str(v): str(props[v].get("gba:shortLabel_zh", zh)) for v, (_, zh) in label_pairs(table, "variable").items()
    }
    return {**names, R.LINK_RELATION: "关联关系"}


@_bilingual
def answer_10(ds: Dataset, lang: str = "en") -> str:
    """Agreement of the published coding with the independent third coding."""
    from . import reliability as R

    _lang(lang)
    t = R.final_vs_third(ds).set_index("variable")
    to = "to" if lang == "en" else "至"
    primary, domains, mechanisms, links = (
        R.coding_variable(ds, R.VALUE).name,
        R.coding_variable(ds, R.SET, R.DOMAINS).name,
        R.coding_variable(ds, R.SET, R.MECHANISMS).name,
        R.coding_variable(ds, R.PAIR).name,
    )

    def a(v: str) -> str:
        x = t.loc[v]
        op, cl = ("(", ")") if lang == "en" else ("（", "）")
        return f"{x['alpha']:.2f} {op}{x['alpha_low']:.2f} {to} {x['alpha_high']:.2f}{cl}"

    few_vars = [v for v in t.index if pd.isna(t.loc[v, "alpha"])]
    if lang == "en":
        few = [
            f"{v.replace('_', ' ')} ({t.loc[v, 'n_units']} units, raw agreement {t.loc[v, 'raw_agreement']:.2f})"
            for v in few_vars
        ]
        return (
            "Against an independent coding from the sources alone, the published coding agrees with alpha "
            f"{a(primary)} on the primary domain, {a(domains)} on domains, {a(mechanisms)} on mechanisms "
            f"and {a(links)} on links (95% intervals by case); too few units for alpha: {'; '.join(few)}. "
            "Links are tentative."
        )
    zh = _variable_zh(ds)
    few = [
        f"{zh.get(v, v)}（{t.loc[v, 'n_units']} 个单元，原始一致率 {t.loc[v, 'raw_agreement']:.2f}）" for v in few_vars
    ]
    return (
        "与只依据来源独立完成的编码相比，已发布编码的 alpha："
        f"主要领域 {a(primary)}，领域 {a(domains)}，机制 {a(mechanisms)}，关联 {a(links)}"
        f"（按案例重抽样的 95% 区间）；单元太少、不计算 alpha 的有：{'；'.join(few) or '无'}。关联只是初步结论。"
    )


# --- 07 · outcomes over time -------------------------------------------------------------------


@_bilingual
def answer_07(ds: Dataset, lang: str = "en", *, held: pd.DataFrame | None = None) -> str:
    """Did the showcased schemes keep growing after selection (:func:`gbaresearch.analysis.outcomes.outcomes_answer`),
    with the tally of the sensitivity check (``held``: an :func:`gbaresearch.analysis.sensitivity.assess`
    table of notebook 07's findings; computed when not given)."""
    from . import outcomes as O

    if held is None:
        held = pd.concat([S.assess(ds, O.outcomes_findings), S.assess(ds, F.outcomes)])
    tally = S.tally(held, lang)
    text = A.md_escape(O.outcomes_answer(ds, lang))
    if _lang(lang) == "en":
        return f"{text} Sensitivity check: {tally}."
    return f"{text}敏感性检验：{tally}。"


# --- 11 · plans and authority ------------------------------------------------------------------


@_bilingual
def answer_11(ds: Dataset, lang: str = "en", *, held: pd.DataFrame | None = None) -> str:
    """Which plans the cases carry out and whose act they needed
    (:func:`gbaresearch.analysis.policy.plans_answer`, :func:`gbaresearch.analysis.policy.authority_answer`),
    with the tally of the sensitivity check (``held``: ``sensitivity.assess(ds, policy.findings,
    policy.variants)``; computed when not given)."""
    from . import policy as PO

    if held is None:
        held = S.assess(ds, PO.findings, PO.variants)
    tally = S.tally(held, lang)
    text = A.md_escape(PO.plans_answer(ds, lang)) + (" " if _lang(lang) == "en" else "")
    text += A.md_escape(PO.authority_answer(ds, lang))
    if lang == "en":
        return f"{text} Sensitivity check: {tally}."
    return f"{text}敏感性检验：{tally}。"


ANSWERS: dict[str, Callable[..., str]] = {
    "01": answer_01,
    "07": answer_07,
    "11": answer_11,
    "02": answer_02,
    "03": answer_03,
    "04": answer_04,
    "05": answer_05,
    "06": answer_06,
    "08": answer_08,
    "09": answer_09,
    "10": answer_10,
}
