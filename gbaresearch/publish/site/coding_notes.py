"""The section of a case page that flags codings to read with care: those contested in the
reliability study (the two codings disagreed; ``coding_reconciliation`` gives the final value
and the reason) and those the second coder made from the case's summary and titles only (the
bases the data marks ``(summary)``, :func:`gbaresearch.analysis.reliability.summary_based`)."""

from __future__ import annotations

from typing import Any

from ...analysis.reliability import RECONCILIATION, summary_based
from ...dataset.labels import label_pairs, rows_where
from .text import both, is_missing, md, value_both


def _variable_names(ds: Any) -> dict[Any, tuple[str, str]]:
    """Coding variable → (English, Chinese) name: the labels of ``coding_reconciliation.variable``."""
    if RECONCILIATION not in ds:
        return {}
    return label_pairs(ds[RECONCILIATION], "variable")


def _value(v: Any) -> str:
    return "—" if is_missing(v) else str(v)


def coding_notes(ds: Any, case_id: str) -> str:
    """Markdown for the section "Codings to read with care" of the case ``case_id``: a table of
    its contested codings (variable, item, first, second, final value, reason), then its
    summary-based second codings; a sentence saying so when there are none. Text from the
    data is escaped by :func:`~gbaresearch.publish.site.text.md`."""
    out = ["## " + md(both("Codings to read with care", "需审慎看待的编码")) + "\n"]
    names = _variable_names(ds)
    log = ds[RECONCILIATION] if RECONCILIATION in ds else None
    rows = log[log["case_id"].astype(str) == case_id] if log is not None else None
    if rows is not None and len(rows):
        out.append(
            "**Contested in the reliability study** · 信度检验中有分歧: the two independent codings differed; "
            "the final value was set at reconciliation for the reason given (notebook 10).\n"
        )
        out.append(
            "| Coding · 编码 | Item · 项 | First · 第一编码 | Second · 第二编码 | Final · 最终 | Reason · 理由 |\n"
            "|---|---|---|---|---|---|\n"
            + "".join(
                "| "
                + " | ".join(
                    md(x)
                    for x in (
                        both(*names.get(str(r.variable), (str(r.variable), ""))),
                        _value(r.item),
                        _value(r.first_value),
                        _value(r.second_value),
                        _value(r.final_value),
                        _value(r.reason),
                    )
                )
                + " |\n"
                for r in rows.itertuples(index=False)
            )
        )
    else:
        out.append("No coding of this case was contested in the reliability study. 本案编码在信度检验中无分歧。\n")
    marked = summary_based(ds)
    marked = marked[marked["case_id"] == case_id]
    if len(marked):
        items = ", ".join(
            md(both(*names.get(str(r.variable), (str(r.variable), ""))) + f" {_value(r.item)}")
            for r in marked.itertuples(index=False)
        )
        out.append(
            "**Coded from the summary only** · 仅据摘要编码: the second coder could not read this case's sources in "
            f"substance and coded it from its summary and titles; the data marks these codings so: {items}.\n"
        )
    if "coding_case_basis" in ds:
        cb = ds["coding_case_basis"]
        cb = cb[(cb["case_id"].astype(str) == str(case_id)) & ~rows_where(cb, "basis", "fromSources")]
        for r in cb.itertuples(index=False):
            coder = value_both(ds, "coding_coders", "coder", r.coder)
            basis = value_both(ds, "coding_case_basis", "basis", r.basis)
            out.append(
                f"**Not coded from the sources' text** · 未依据来源原文编码: {md(coder)} — {md(basis)} "
                "(`coding_case_basis`: the sources could not be read in substance).\n"
            )
    return "\n".join(out)
