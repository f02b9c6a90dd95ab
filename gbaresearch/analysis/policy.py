"""The policy frame: which plans the cases carry out, and whose act each case required.

Reads the official plan tables (``plans``, ``plan_sections``) and this project's two codings
(``case_plan_links``, ``case_authority``), with their independent second coding
(``coding_second_plan_links``, ``coding_second_authority``) and reconciliation log
(``coding_reconciliation_policy``) where the dataset holds them. Every function takes a loaded
:class:`~gbaresearch.dataset.load.Dataset` and returns plain pandas objects or text; nothing here
draws.

Coverage is partial, so every share per batch is given with its denominators: ``k of n`` of
the identified cases coded, and bounds over the announced cases, from *all unidentified (and
uncoded) cases out* (low) to *all in* (high). A case that is identified but not coded yet (a
new batch) is neither linked nor unlinked: it is counted as uncoded and falls inside the
bounds.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..dataset.load import Dataset
from ..dataset.schema import Category, Field
from .reliability import coders, log_problems
from .sensitivity import like_frame

NOT_CODED = "(not coded)"
NO_SECTION = "(no section)"
UNKNOWN = "(unknown)"
LINKED = "linked"

RECONCILIATION = "coding_reconciliation_policy"

AS_CODED = "as coded"
WITHOUT_MT = "without machine-translation-only cases"
FIRST_CODING = "first coding, before reconciliation"
SECOND_CODING = "second coding"


def has_plans(ds: Dataset) -> bool:
    """True when the dataset holds the plan tables and the plan-link coding."""
    return all(t in ds for t in ("plans", "plan_sections", "case_plan_links"))


def has_authority(ds: Dataset) -> bool:
    """True when the dataset holds the authority coding."""
    return "case_authority" in ds


def has_second_coding(ds: Dataset) -> bool:
    """True when both second-coding tables of plan links and authority are present."""
    second = coders(ds)[1]
    return all(t in ds for t in (link_table(ds, second), authority_table(ds, second)))


# --- codings and the tables that hold them ----------------------------------------------------


def _role(ds: Dataset, coding: str | None) -> str:
    """``coding``, or the first coder's role when None."""
    return coding if coding is not None else coders(ds)[0]


def _variables(ds: Dataset) -> tuple[Category, ...]:
    """The policy coding variables of the reconciliation log in schema order, each with its
    tables (``gba:tables``: coder role → table) and its unit: a case and one value of the field
    ``gba:item`` (present or absent), or a case and its value of the field ``gba:field``."""
    return ds.field(RECONCILIATION, "variable").categories or ()


def _table(ds: Dataset, field: str, coding: str | None) -> str:
    """The table holding ``coding`` (default: the first) of the variable that codes ``field``."""
    var = next(c for c in _variables(ds) if field in (c.get("item"), c.get("field")))
    return str(var.get("tables")[_role(ds, coding)])


def link_table(ds: Dataset, coding: str | None = None) -> str:
    """The name of the table of plan links of ``coding`` (default: the first, the final coding)."""
    return _table(ds, "section_id", coding)


def authority_table(ds: Dataset, coding: str | None = None) -> str:
    """The name of the table of authority levels of ``coding`` (default: the first, the final coding)."""
    return _table(ds, "authority_level", coding)


# --- shares with their denominators ----------------------------------------------------------


@dataclass(frozen=True)
class Share:
    """A count ``k`` among ``n`` coded cases, with bounds over the ``announced`` cases: ``low``
    (every case not coded or not identified lacks the trait) and ``high`` (every one has it)."""

    k: int
    n: int
    announced: int

    @property
    def share(self) -> float:
        return self.k / self.n if self.n else float("nan")

    @property
    def low(self) -> float:
        return self.k / self.announced if self.announced else float("nan")

    @property
    def high(self) -> float:
        return (self.k + self.announced - self.n) / self.announced if self.announced else float("nan")

    def text(self) -> str:
        """'k of n coded (p%); bounds lo–hi% of announced' with the denominators."""
        if not self.n:
            return f"0 of 0 coded; bounds {self.low:.0%}–{self.high:.0%} of {self.announced} announced"
        return (
            f"{self.k} of {self.n} coded ({self.share:.0%}); "
            f"bounds {self.low:.0%}–{self.high:.0%} of {self.announced} announced"
        )

    def text_zh(self) -> str:
        if not self.n:
            return f"已编码 0 个；占公布 {self.announced} 个的 {self.low:.0%}–{self.high:.0%}"
        return (
            f"已编码 {self.n} 个中 {self.k} 个（{self.share:.0%}）；"
            f"占公布 {self.announced} 个的 {self.low:.0%}–{self.high:.0%}"
        )


def _announced(ds: Dataset) -> dict[int, int]:
    return {int(b): int(n) for b, n in zip(ds.batches["batch"], ds.batches["n_cases"])}


def _batch_of(ds: Dataset) -> dict[str, int]:
    return {str(c): int(b) for c, b in zip(ds.cases["case_id"], ds.cases["batch"])}


def _batches(ds: Dataset) -> list[int]:
    return sorted(int(b) for b in ds.batches["batch"])


# --- plans and sections ----------------------------------------------------------------------


def plan_table(ds: Dataset) -> pd.DataFrame:
    """The plans in table order with ``issued`` (start of the period of ``date_issued``)."""
    from . import partial_date_start

    p = ds.plans.copy()
    p["issued"] = partial_date_start(p["date_issued"])
    return p.reset_index(drop=True)


def sections(ds: Dataset) -> pd.DataFrame:
    """Every plan section in plan order then number: ``section_id``, ``plan_id``, ``kind``,
    ``number``, ``title_zh``, ``title_en``, ``plan_kind``, ``plan_title_en``, ``issued``,
    ``label`` (short English label: "Outline ch. 5" or "<plan id> task 2")."""
    plans = plan_table(ds)
    order = {p: i for i, p in enumerate(plans["plan_id"])}
    s = ds.plan_sections.merge(
        plans[["plan_id", "kind", "title_en", "issued"]].rename(
            columns={"kind": "plan_kind", "title_en": "plan_title_en"}
        ),
        on="plan_id",
        how="left",
    )
    s["_o"] = s["plan_id"].map(order)
    s["_r"] = range(len(s))
    s = s.sort_values(["_o", "_r"]).drop(columns=["_o", "_r"]).reset_index(drop=True)
    s["label"] = [
        section_label(ds, str(p), str(k), None if pd.isna(n) else int(n), str(i))
        for p, k, n, i in zip(s["plan_id"], s["kind"], s["number"], s["section_id"])
    ]
    return s[
        [
            "section_id",
            "plan_id",
            "kind",
            "number",
            "title_zh",
            "title_en",
            "plan_kind",
            "plan_title_en",
            "issued",
            "label",
        ]
    ]


def plan_short(plan_id: str) -> str:
    """A short English name from the plan id: 'Outline', 'Hengqin 2021', 'Cepa services 2019'."""
    return " ".join(plan_id.split("_")).capitalize()


def framing_kind(ds: Dataset) -> str:
    """The kind of plan that frames the others (``gba:frames``): the Outline's."""
    return str(ds.field("plans", "kind").values_where("frames", True)[0])


def platform_kinds(ds: Dataset) -> tuple[str, ...]:
    """The kinds of plan made for one cooperation platform (``gba:forPlatform``)."""
    return tuple(str(v) for v in ds.field("plans", "kind").values_where("forPlatform", True))


def _short(f: Field, value: str, lang: str) -> str | None:
    """The short form of category ``value`` of ``f`` (``gba:short``; ``gba:short_zh`` for any
    ``lang`` but "en"), or None when it has none."""
    try:
        short = f.category(value).get("short" if lang == "en" else "short_zh")
    except KeyError:
        return None
    return None if short is None else str(short)


def section_label(
    ds: Dataset, plan_id: str, kind: str, number: int | None, section_id: str = "", lang: str = "en"
) -> str:
    """'Outline ch. 5', 'Hengqin 2021 part 2', 'Nansha 2022 task 4' (``lang`` "zh": 纲要 or the
    plan id, then 第5章 / 第2部分 / 任务4): the plan's kind's short form or :func:`plan_short`,
    then the section kind's short form. Without a published number, the section id's code
    stands in ('Qianhai 2021 task t1')."""
    shown: Any = number if number is not None else section_id.split("-", 1)[-1]
    kinds = dict(zip(ds.plans["plan_id"].astype(str), ds.plans["kind"].astype(str)))
    head = _short(ds.field("plans", "kind"), kinds.get(plan_id, ""), lang) or plan_short(plan_id)
    form = _short(ds.field("plan_sections", "kind"), kind, lang)
    if lang == "en":
        return f"{head} {(form or kind + ' {n}').format(n=shown)}"
    return head + (form or "{n}").format(n=shown)


def links(ds: Dataset, coding: str | None = None, sections_only: bool = False) -> pd.DataFrame:
    """The plan-link coding (a coder role of :func:`coders`; default the first:
    ``case_plan_links``, the final coding) restricted to identified cases, with ``batch``: every
    row naming a plan (a section, or the plan as a whole), or with ``sections_only`` the rows
    naming a section."""
    t = ds[link_table(ds, coding)]
    t = t[(t["section_id"] if sections_only else t["plan_id"]).notna()].copy()
    batch = _batch_of(ds)
    t = t[t["case_id"].isin(list(batch))]
    t["batch"] = t["case_id"].map(batch).astype("Int64")
    return t.reset_index(drop=True)


def link_status(ds: Dataset, coding: str | None = None) -> pd.Series:
    """Per identified case (index ``case_id``, cases order): ``linked`` (carries out at least one
    plan, by a section or as a whole), ``(no section)`` (coded, no plan fits) or ``(not coded)``
    (no row)."""
    t = ds[link_table(ds, coding)]
    linked = set(t.loc[t["plan_id"].notna(), "case_id"])
    coded = set(t["case_id"])
    out = [LINKED if c in linked else NO_SECTION if c in coded else NOT_CODED for c in ds.cases["case_id"]]
    return pd.Series(out, index=pd.Index(ds.cases["case_id"], name="case_id"), name="status", dtype="string")


def cases_by_section(ds: Dataset, coding: str | None = None) -> pd.DataFrame:
    """One row per plan section (order of :func:`sections`): ``section_id``, ``label``,
    ``title_en``, one column per batch (identified cases of that batch that carry the section
    out), ``total`` and ``cases`` (their ids, space-separated; "" when none)."""
    s = sections(ds)
    lk = links(ds, coding, sections_only=True)
    out = s[["section_id", "plan_id", "label", "title_en"]].copy()
    for b in _batches(ds):
        sub = lk[lk["batch"] == b]
        n = sub.groupby("section_id")["case_id"].nunique()
        out[f"batch {b}"] = out["section_id"].map(n).fillna(0).astype(int)
    order = {c: i for i, c in enumerate(ds.cases["case_id"])}
    ids = lk.groupby("section_id")["case_id"].agg(lambda x: " ".join(sorted(set(x), key=lambda c: order.get(c, 0))))
    out["total"] = out["section_id"].map(lk.groupby("section_id")["case_id"].nunique()).fillna(0).astype(int)
    out["cases"] = out["section_id"].map(ids).fillna("").astype(str)
    return out.reset_index(drop=True)


def empty_sections(ds: Dataset, plan_kind: str | None = None, coding: str | None = None) -> pd.DataFrame:
    """Sections of the plans of ``plan_kind`` (default: :func:`framing_kind`, the Outline's) that
    no identified case carries out yet."""
    t = cases_by_section(ds, coding)
    kinds = dict(zip(ds.plans["plan_id"], ds.plans["kind"].astype(str)))
    t = t[t["plan_id"].map(kinds) == (plan_kind if plan_kind is not None else framing_kind(ds))]
    return t[t["total"] == 0][["section_id", "label", "title_en"]].reset_index(drop=True)


def plan_shares_by_batch(ds: Dataset, coding: str | None = None) -> pd.DataFrame:
    """Per batch and plan: ``batch``, ``plan_id``, ``k`` (identified cases carrying out at least
    one section of the plan), ``n`` (identified cases coded), ``announced``, ``share`` (k / n),
    ``low`` and ``high`` (bounds over announced cases: uncoded and unidentified cases all out /
    all in), ``text``."""
    lk = links(ds, coding)
    status = link_status(ds, coding)
    batch = _batch_of(ds)
    coded = [str(c) for c, st in status.items() if st != NOT_CODED]
    announced = _announced(ds)
    rows = []
    for plan in ds.plans["plan_id"]:
        for b in _batches(ds):
            k = lk[(lk["batch"] == b) & (lk["plan_id"] == plan)]["case_id"].nunique()
            n = sum(1 for c in coded if batch[c] == b)
            sh = Share(int(k), n, announced[b])
            rows.append((b, str(plan), sh.k, sh.n, sh.announced, sh.share, sh.low, sh.high, sh.text()))
    return pd.DataFrame(rows, columns=["batch", "plan_id", "k", "n", "announced", "share", "low", "high", "text"])


def coverage(ds: Dataset, coding: str | None = None) -> pd.DataFrame:
    """Per batch: ``batch``, ``announced``, ``identified``, ``linked``, ``no_section``,
    ``not_coded`` (identified cases by :func:`link_status`) and ``any_plan`` (the
    :class:`Share` text of cases carrying out at least one section of any plan)."""
    status = link_status(ds, coding)
    batch = _batch_of(ds)
    announced = _announced(ds)
    rows = []
    for b in _batches(ds):
        st = [str(s) for c, s in status.items() if batch[str(c)] == b]
        linked, none, nc = st.count(LINKED), st.count(NO_SECTION), st.count(NOT_CODED)
        sh = Share(linked, linked + none, announced[b])
        rows.append((b, announced[b], len(st), linked, none, nc, sh.text()))
    return pd.DataFrame(
        rows, columns=["batch", "announced", "identified", "linked", "no_section", "not_coded", "any_plan"]
    )


# --- time from plan to case ------------------------------------------------------------------


def plan_lag(ds: Dataset, coding: str | None = None) -> pd.DataFrame:
    """One row per case and plan it carries out: ``case_id``, ``batch``, ``plan_id``,
    ``issued`` (plan), ``announced`` (the case's batch), ``years_to_selection`` (plan issued →
    batch announced, 1 decimal), ``date_in_force`` (as recorded), ``years_to_force`` (plan
    issued → measure in force, 1 decimal; negative when the measure came first; NA when the
    date in force is unknown)."""
    from . import partial_date_start

    lk = links(ds, coding)
    pairs = lk[["case_id", "batch", "plan_id"]].drop_duplicates()
    issued = dict(zip(plan_table(ds)["plan_id"], plan_table(ds)["issued"]))
    ann = {int(b): a for b, a in zip(ds.batches["batch"], ds.batches["announced"])}
    force = dict(zip(ds.cases["case_id"], ds.cases["date_in_force"]))
    out = pairs.copy()
    out["issued"] = pd.to_datetime(out["plan_id"].map(issued))
    out["announced"] = pd.to_datetime(out["batch"].astype(int).map(ann))
    out["years_to_selection"] = ((out["announced"] - out["issued"]).dt.days / 365.25).round(1)
    out["date_in_force"] = out["case_id"].map(force).astype("string")
    in_force = partial_date_start(out["date_in_force"])
    out["years_to_force"] = ((in_force - out["issued"]).dt.days / 365.25).round(1)
    order = {c: i for i, c in enumerate(ds.cases["case_id"])}
    porder = {p: i for i, p in enumerate(ds.plans["plan_id"])}
    out = out.assign(_c=out["case_id"].map(order), _p=out["plan_id"].map(porder))
    return out.sort_values(["_c", "_p"]).drop(columns=["_c", "_p"]).reset_index(drop=True)


def lag_by_plan(ds: Dataset, coding: str | None = None) -> pd.DataFrame:
    """Per plan with at least one case: ``plan_id``, ``issued``, ``cases``, ``median_years``,
    ``min_years``, ``max_years`` (plan issued → batch announced), ``in_force_before_plan``
    (cases whose measure was in force before the plan was issued, of those with a date)."""
    lag = plan_lag(ds, coding)
    rows = []
    for plan in ds.plans["plan_id"]:
        sub = lag[lag["plan_id"] == plan]
        if sub.empty:
            continue
        dated = sub["years_to_force"].dropna()
        rows.append(
            (
                str(plan),
                sub["issued"].iloc[0],
                len(sub),
                round(float(sub["years_to_selection"].median()), 1),
                float(sub["years_to_selection"].min()),
                float(sub["years_to_selection"].max()),
                f"{int((dated < 0).sum())} of {len(dated)}",
            )
        )
    return pd.DataFrame(
        rows,
        columns=["plan_id", "issued", "cases", "median_years", "min_years", "max_years", "in_force_before_plan"],
    )


# --- authority -------------------------------------------------------------------------------


def _levels_field(ds: Dataset) -> Field:
    return ds.field(authority_table(ds), "authority_level")


def levels(ds: Dataset) -> tuple[str, ...]:
    """The authority levels by reach, in the schema's order (highest first)."""
    return tuple(str(v) for v in _levels_field(ds).enum or ())


def level_groups(ds: Dataset) -> dict[str, str]:
    """Authority level → the group it is counted in (``gba:group``: central acts, mainland acts
    below the centre, SAR acts), levels in schema order."""
    return {str(c.value): str(c.get("group")) for c in _levels_field(ds).categories or ()}


def central_group(ds: Dataset) -> str:
    """The group of the levels whose act is a central (national) one (``gba:centralAct``): the
    measure was centrally authorised."""
    f = _levels_field(ds)
    return str(f.category(f.values_where("centralAct", True)[0]).get("group"))


def authority(ds: Dataset, coding: str | None = None) -> pd.DataFrame:
    """Per identified case (cases order): ``case_id``, ``batch``, ``authority_level`` (the code,
    or ``(unknown)`` when coded NA, or ``(not coded)``), ``group`` (the level's group, see
    :func:`level_groups`, or ``(unknown)`` or ``(not coded)``), ``both_sides`` (boolean, NA when
    unknown or not coded)."""
    t = ds[authority_table(ds, coding)]
    lvl = {str(c): (None if pd.isna(v) else str(v)) for c, v in zip(t["case_id"], t["authority_level"])}
    both = dict(zip(t["case_id"].astype(str), t["both_sides"]))
    groups = level_groups(ds)
    rows = []
    for c, b in zip(ds.cases["case_id"], ds.cases["batch"]):
        c = str(c)
        if c not in lvl:
            level = group = NOT_CODED
        elif lvl[c] is None:
            level = group = UNKNOWN
        else:
            level = str(lvl[c])
            group = groups[level]
        rows.append((c, int(b), level, group, both.get(c, pd.NA)))
    out = pd.DataFrame(rows, columns=["case_id", "batch", "authority_level", "group", "both_sides"])
    out["both_sides"] = out["both_sides"].astype("boolean")
    return out


def authority_by_batch(ds: Dataset, coding: str | None = None) -> pd.DataFrame:
    """Batch × level counts of identified cases (levels in schema order, then ``(unknown)``,
    ``(not coded)``), with ``identified`` and ``announced``; index ``batch``."""
    a = authority(ds, coding)
    cols = list(levels(ds)) + [UNKNOWN, NOT_CODED]
    t = pd.crosstab(a["batch"], a["authority_level"]).reindex(index=_batches(ds), columns=cols, fill_value=0).fillna(0)
    t = t.astype(int)
    t["identified"] = t[cols].sum(axis=1)
    t["announced"] = pd.Series(_announced(ds))
    t.index.name, t.columns.name = "batch", None
    return t


def central_by_batch(ds: Dataset, coding: str | None = None) -> pd.DataFrame:
    """Per batch: ``batch``, one column per group of levels (:func:`level_groups`, in schema
    order: ``central``, ``local``, ``sar``), ``unknown_level``, ``not_coded``, ``n`` (cases of
    known level), ``announced``, ``share`` (the central group, :func:`central_group`, / n),
    ``low``, ``high`` (central over announced cases with every case of unknown level, uncoded or
    unidentified out / in), ``text``."""
    a = authority(ds, coding)
    announced = _announced(ds)
    groups = list(dict.fromkeys(level_groups(ds).values()))
    central = central_group(ds)
    rows = []
    for b in _batches(ds):
        g = a.loc[a["batch"] == b, "group"].tolist()
        counts = [g.count(x) for x in groups]
        sh = Share(g.count(central), sum(counts), announced[b])
        rows.append((b, *counts, g.count(UNKNOWN), g.count(NOT_CODED), sh.n, sh.announced, sh.share, sh.low, sh.high))
    out = pd.DataFrame(
        rows,
        columns=["batch", *groups, "unknown_level", "not_coded", "n", "announced", "share", "low", "high"],
    )
    out["text"] = [Share(int(k), int(n), int(m)).text() for k, n, m in zip(out[central], out["n"], out["announced"])]
    return out


def _tau_b(sx: np.ndarray, sy: np.ndarray) -> np.ndarray:
    """Kendall's tau-b from pairwise sign matrices; ``sy`` may carry leading batch axes."""
    num = (sx * sy).sum(axis=(-2, -1))
    den = np.sqrt((sx != 0).sum() * (sy != 0).sum(axis=(-2, -1)))
    return np.asarray(num / den)


def trend_test(ds: Dataset, coding: str | None = None, draws: int = 20000, seed: int = 20261203) -> dict[str, Any]:
    """Does the level of authority move with the batch? Kendall's tau-b between batch number
    and the level's reach (SAR 0 … NPC Standing Committee 5) over cases of known level, with a
    two-sided permutation p-value (``draws`` shuffles of the levels, fixed ``seed``; the
    observed ordering counts as one draw). Returns ``n``, ``tau`` (positive: later batches
    needed higher acts) and ``p``, rounded to 3 decimals; NaN when there is nothing to test."""
    a = authority(ds, coding)
    order = levels(ds)
    known = a[a["authority_level"].isin(order)]
    reach = {lvl: len(order) - 1 - i for i, lvl in enumerate(order)}
    x = known["batch"].to_numpy(dtype=float)
    y = known["authority_level"].map(reach).to_numpy(dtype=float)
    n = len(known)
    if n < 3 or len(set(x)) < 2 or len(set(y)) < 2:
        return {"n": n, "tau": float("nan"), "p": float("nan")}
    sx = np.sign(x[:, None] - x[None, :])
    sy = np.sign(y[:, None] - y[None, :])
    tau = float(_tau_b(sx, sy))
    # each pair once (upper triangle): the same tau-b as the full matrices, which count every
    # pair twice in the numerator and in both factors under the root
    i, j = np.triu_indices(n, 1)
    px = sx[i, j]
    nx = np.count_nonzero(px)
    rng = np.random.default_rng(seed)
    hits, done = 0, 0
    while done < draws:
        k = min(2000, draws - done)
        perm = np.argsort(rng.random((k, n)), axis=1)
        yp = y[perm]
        py = np.sign(yp[:, i] - yp[:, j])
        taus = (py @ px) / np.sqrt(nx * np.count_nonzero(py, axis=1))
        hits += int((np.abs(taus) >= abs(tau) - 1e-12).sum())
        done += k
    return {"n": n, "tau": round(tau, 3), "p": round((hits + 1) / (draws + 1), 3)}


def direction(ds: Dataset, coding: str | None = None, alpha: float = 0.05) -> str:
    """``toward central acts``, ``toward local acts`` or ``no clear change``: the sign of
    :func:`trend_test`'s tau when its p-value is below ``alpha`` and the bounds of the first and
    last batch's central share do not overlap in the opposite direction; else no clear change."""
    t = trend_test(ds, coding)
    if not (t["p"] == t["p"]) or t["p"] >= alpha:
        return "no clear change"
    c = central_by_batch(ds, coding)
    first, last = c.iloc[0], c.iloc[-1]
    if t["tau"] > 0 and last["high"] >= first["low"]:
        return "toward central acts"
    if t["tau"] < 0 and last["low"] <= first["high"]:
        return "toward local acts"
    return "no clear change"


# --- answers -----------------------------------------------------------------------------------


def _plan_names(ds: Dataset, lang: str) -> dict[str, str]:
    col = "title_en" if lang == "en" else "title_zh"
    return {str(p): str(t) for p, t in zip(ds.plans["plan_id"], ds.plans[col])}


def plans_answer(ds: Dataset, lang: str = "en", coding: str | None = None) -> str:
    """One-sentence answer to 'Which plans do the cases carry out?' (``lang`` "en" or "zh"):
    cases linked of coded, the most carried Outline chapter, the Outline chapters with no case
    yet, and the median time from a plan to the batch that showcased a case carrying it out.
    Plain text (no Markdown)."""
    status = link_status(ds, coding)
    coded = int((status != NOT_CODED).sum())
    linked = int((status == LINKED).sum())
    t = cases_by_section(ds, coding)
    kinds = dict(zip(ds.plans["plan_id"], ds.plans["kind"].astype(str)))
    outline = t[t["plan_id"].map(kinds) == framing_kind(ds)]
    empty = outline[outline["total"] == 0]
    lag = plan_lag(ds, coding)
    med = float(lag["years_to_selection"].median()) if len(lag) else float("nan")
    s = sections(ds).set_index("section_id")
    if lang == "zh":
        parts = [
            f"已识别的 {len(status)} 个案例中已编码 {coded} 个，其中 {linked} 个落实了至少一项规划（某一章节或任务，或规划整体）"
        ]
        if len(outline) and outline["total"].max() > 0:
            top = outline.sort_values("total", ascending=False, kind="stable").iloc[0]
            parts.append(f"落实最多的是纲要第{int(s.loc[top['section_id'], 'number'])}章（{top['total']} 个案例）")
        nums = "、".join(str(int(s.loc[i, "number"])) for i in empty["section_id"])
        parts.append(f"纲要 {len(outline)} 章中有 {len(empty)} 章尚无案例" + (f"（第{nums}章）" if nums else ""))
        if med == med:
            parts.append(f"从规划印发到展示其落实案例的批次发布，中位数为 {med:.1f} 年")
        return "；".join(parts) + "。"
    parts = [
        f"{linked} of {coded} coded cases ({len(status)} identified) carry out at least one plan (a section of it or the plan as a whole)"
    ]
    if len(outline) and outline["total"].max() > 0:
        top = outline.sort_values("total", ascending=False, kind="stable").iloc[0]
        parts.append(
            f"the Outline chapter carried out most often is chapter {int(s.loc[top['section_id'], 'number'])}, "
            f"{s.loc[top['section_id'], 'title_en']} ({top['total']} cases)"
        )
    nums = ", ".join(str(int(s.loc[i, "number"])) for i in empty["section_id"])
    parts.append(
        f"{len(empty)} of the Outline's {len(outline)} chapters have no case yet"
        + (f" (chapters {nums})" if nums else "")
    )
    if med == med:
        parts.append(f"a case reached its batch a median {med:.1f} years after the plan it carries out was issued")
    return "; ".join(parts) + "."


_DIRECTION_ZH = {
    "toward central acts": "趋向中央层级行为",
    "toward local acts": "趋向地方层级行为",
    "no clear change": "无明显变化",
}


def authority_answer(ds: Dataset, lang: str = "en", coding: str | None = None) -> str:
    """One-sentence answer to 'Is rule connection moving from local pilots to centrally
    authorised measures, or the reverse?': the central share of the first and last batch with
    their denominators and bounds, the trend test and the direction. Plain text."""
    c = central_by_batch(ds, coding)
    t = trend_test(ds, coding)
    d = direction(ds, coding)
    first, last = c.iloc[0], c.iloc[-1]
    ptxt = "n/a" if t["p"] != t["p"] else f"{t['p']:.3f}"
    tau = "n/a" if t["tau"] != t["tau"] else f"{t['tau']:+.2f}"
    central = central_group(ds)
    s1 = Share(int(first[central]), int(first["n"]), int(first["announced"]))
    s2 = Share(int(last[central]), int(last["n"]), int(last["announced"]))
    if lang == "zh":
        return (
            f"需中央层级行为（全国人大常委会、党中央国务院或国家部委）的案例：第{int(first['batch'])}批{s1.text_zh()}；"
            f"第{int(last['batch'])}批{s2.text_zh()}；Kendall tau {tau}（{t['n']} 个已知层级案例，p = {ptxt}）："
            f"{_DIRECTION_ZH[d]}。"
        )
    return (
        f"Cases that needed a central act (NPC Standing Committee, Central Committee or State Council, or a ministry): "
        f"batch {int(first['batch'])}: {s1.text()}; batch {int(last['batch'])}: {s2.text()}; "
        f"Kendall's tau {tau} over {t['n']} cases of known level (p = {ptxt}): {d}."
    )


# --- findings and variants ------------------------------------------------------------------


def findings(ds: Dataset) -> pd.DataFrame:
    """Notebook 11 findings (index ``finding``; ``value`` and ``basis``, as text, the form
    :func:`gbaresearch.analysis.sensitivity.assess` reads): the most carried Outline chapter and
    the Outline chapters with no case (basis: cases per chapter), whether every platform plan has
    a case (basis: cases per platform plan), the median years from plan to selection (basis: every
    case–plan lag), and the direction of authority (basis: central cases of coded, by batch)."""
    t = cases_by_section(ds)
    kinds = dict(zip(ds.plans["plan_id"], ds.plans["kind"].astype(str)))
    outline = t[t["plan_id"].map(kinds) == framing_kind(ds)]
    top = outline.sort_values("total", ascending=False, kind="stable").iloc[0] if len(outline) else None
    per_chapter = "; ".join(f"{label}: {int(n)}" for label, n in zip(outline["label"], outline["total"])) or "none"
    lag = plan_lag(ds)
    platform = [p for p, k in kinds.items() if k in platform_kinds(ds)]
    per_plan = links(ds).groupby("plan_id")["case_id"].nunique()
    per_platform = "; ".join(f"{p}: {int(per_plan.get(p, 0))}" for p in platform) or "none"
    lags = sorted(round(float(x), 2) for x in lag["years_to_selection"]) if not lag.empty else []
    central = central_by_batch(ds)
    rows = {
        "most carried Outline chapter": (
            "—" if top is None or top["total"] == 0 else str(top["label"]),
            per_chapter,
        ),
        "Outline chapters with no case": (
            ", ".join(str(x) for x in outline.loc[outline["total"] == 0, "label"]) or "none",
            per_chapter,
        ),
        "platform plans with no case": (
            ", ".join(p for p in platform if per_plan.get(p, 0) == 0) or "none",
            per_platform,
        ),
        "median years, plan to selection": (
            "—" if lag.empty else f"{float(lag['years_to_selection'].median()):.1f}",
            f"{len(lags)} case–plan lags: " + ", ".join(f"{x:g}" for x in lags),
        ),
        "direction of authority": (
            direction(ds),
            "; ".join(
                f"batch {b}: {int(k)} of {int(n)}"
                for b, k, n in zip(central["batch"], central[central_group(ds)], central["n"])
            ),
        ),
    }
    return pd.DataFrame(
        {"value": [v for v, _ in rows.values()], "basis": [b for _, b in rows.values()]},
        index=pd.Index(list(rows), name="finding"),
        dtype=object,
    )


def _replace(ds: Dataset, frames: dict[str, pd.DataFrame]) -> Dataset:
    from .sensitivity import copy_dataset

    out = copy_dataset(ds)
    for name, df in frames.items():
        out[name] = df
    return out


def second_coding(ds: Dataset) -> Dataset:
    """A copy of ``ds`` whose ``case_plan_links`` and ``case_authority`` are the second coding."""
    second = coders(ds)[1]
    tables = {t(ds): t(ds, second) for t in (link_table, authority_table)}
    return _replace(ds, {final: like_frame(ds[final], ds[other]) for final, other in tables.items()})


def _restore_link(lk: pd.DataFrame, case: str, col: str, item: Any, value: str | None, plan: Any) -> pd.DataFrame:
    """``lk`` with the link of ``case`` to the ``col`` value ``item`` (of plan ``plan``) added
    when ``value`` is present, removed when absent."""
    here = (lk["case_id"] == case) & (lk[col] == item)
    if value == "present" and not here.fillna(False).any():
        row = {c: None for c in lk.columns} | {"case_id": case, "plan_id": plan, col: item, "basis": "(first coding)"}
        return pd.concat([lk, like_frame(lk, pd.DataFrame([row]))], ignore_index=True)
    if value == "absent":
        kept: pd.DataFrame = lk[~here.fillna(False)].reset_index(drop=True)
        return kept
    return lk


def _restore_value(t: pd.DataFrame, case: str, f: Field, value: str | None) -> pd.DataFrame:
    """``t`` (changed in place) with ``case``'s value of field ``f`` set to ``value`` as logged
    (a boolean field's text read by its true values)."""
    val: Any = value if f.type != "boolean" or value is None else value in f.true_values
    t.loc[t["case_id"] == case, f.name] = val
    return t


def _no_plan_rows(before: pd.DataFrame, lk: pd.DataFrame) -> pd.DataFrame:
    """``lk`` with a no-plan row for each case of ``before`` whose every link the log took back."""
    gone = [c for c in dict.fromkeys(before["case_id"]) if c not in set(lk["case_id"])]
    if not gone:
        return lk
    rows = [{c: None for c in lk.columns} | {"case_id": c, "basis": "(first coding: no plan)"} for c in gone]
    return pd.concat([lk, like_frame(lk, pd.DataFrame(rows))], ignore_index=True)


def first_coding(ds: Dataset) -> Dataset:
    """A copy of ``ds`` with plan links and authority set back to the first coding: every unit of
    the reconciliation log given its ``first_value`` (links added or removed, levels and
    both_sides restored). Without a log, a plain copy."""
    if RECONCILIATION not in ds:
        return _replace(ds, {})
    log = ds[RECONCILIATION]
    first = coders(ds)[0]
    frames = {t: ds[t].copy() for t in (link_table(ds), authority_table(ds))}
    variables = {str(c.value): c for c in _variables(ds)}
    secs = dict(zip(ds.plan_sections["section_id"], ds.plan_sections["plan_id"]))
    for var, case, item, value in zip(log["variable"], log["case_id"], log["item"], log["first_value"]):
        c = variables[str(var)]
        table = str(c.get("tables")[first])
        t = frames.setdefault(table, ds[table].copy())
        v = None if pd.isna(value) else str(value)
        if c.get("item") is not None:
            frames[table] = _restore_link(t, str(case), str(c.get("item")), item, v, secs.get(item))
        else:
            frames[table] = _restore_value(t, str(case), ds.field(table, str(c.get("field"))), v)
    links_first = link_table(ds)
    frames[links_first] = _no_plan_rows(ds[links_first], frames[links_first])
    return _replace(ds, frames)


def variants(ds: Dataset) -> dict[str, Dataset]:
    """The dataset as coded; without the cases known only from machine translations; and, when
    the second coding is stored, the first coding before reconciliation (when a log exists) and
    the second coding."""
    from .sensitivity import drop_cases, machine_translation_only_cases

    out = {AS_CODED: ds, WITHOUT_MT: drop_cases(ds, machine_translation_only_cases(ds))}
    if has_second_coding(ds):
        if RECONCILIATION in ds and len(ds[RECONCILIATION]):
            out[FIRST_CODING] = first_coding(ds)
        out[SECOND_CODING] = second_coding(ds)
    return out


# --- agreement between the two codings ---------------------------------------------------------


def _unit_value(v: Any) -> str:
    """A coded value as unit text: the code, ``true``/``false``, or ``(unknown)`` when NA."""
    if v is None or pd.isna(v):
        return UNKNOWN
    return str(v).lower() if isinstance(v, (bool, np.bool_)) else str(v)


def _presence_units(
    var: str, cases: list[str], items: list[str], col: str, t1: pd.DataFrame, t2: pd.DataFrame
) -> list[tuple[Any, ...]]:
    """One unit per case both codings coded (``cases`` order) and item: ``present`` or ``absent``
    in each coding (``t1``, ``t2``: rows naming an item in ``col``)."""

    def present(t: pd.DataFrame) -> set[tuple[str, str]]:
        t = t[t[col].notna()]
        return set(zip(t["case_id"].astype(str), t[col].astype(str)))

    coded1, coded2 = set(t1["case_id"].astype(str)), set(t2["case_id"].astype(str))
    p1, p2 = present(t1), present(t2)
    return [
        (var, c, s, "present" if (c, s) in p1 else "absent", "present" if (c, s) in p2 else "absent")
        for c in cases
        if c in coded1 and c in coded2
        for s in items
    ]


def _value_units(var: str, cases: list[str], col: str, t1: pd.DataFrame, t2: pd.DataFrame) -> list[tuple[Any, ...]]:
    """One unit per case both codings coded (``cases`` order): each coding's value of ``col``."""
    v1 = dict(zip(t1["case_id"].astype(str), t1[col]))
    v2 = dict(zip(t2["case_id"].astype(str), t2[col]))
    return [(var, c, None, _unit_value(v1[c]), _unit_value(v2[c])) for c in cases if c in v1 and c in v2]


def unit_values(ds: Dataset, first: Dataset | None = None) -> pd.DataFrame:
    """Every unit of the three variables with both codings' values: ``variable``
    (``plan_links``: case × section, present or absent; ``authority``: case, level code or
    ``(unknown)``; ``both_sides``: case, true, false or ``(unknown)``), ``case_id``, ``item``
    (section for plan_links, else NA), then one column per coding named by its coder role
    (``first``, ``second``). Only cases both codings coded. ``first`` defaults to the first
    coding before reconciliation."""
    first = first if first is not None else first_coding(ds)
    r1, r2 = coders(ds)[:2]
    rows: list[tuple[Any, ...]] = []
    for v in _variables(ds):
        t1, t2 = first[v.get("tables")[r1]], ds[v.get("tables")[r2]]
        if v.get("item") is not None:
            col = str(v.get("item"))
            cases = [str(c) for c in first.cases["case_id"]]
            rows += _presence_units(str(v.value), cases, list(sections(ds)[col]), col, t1, t2)
        else:
            cases = [str(c) for c in ds.cases["case_id"]]
            rows += _value_units(str(v.value), cases, str(v.get("field")), t1, t2)
    return pd.DataFrame(rows, columns=["variable", "case_id", "item", r1, r2]).astype("string")


def reliability(ds: Dataset, first: Dataset | None = None) -> pd.DataFrame:
    """Agreement per variable (``plan_links``, ``authority``, ``both_sides``): ``n_units``,
    ``alpha`` (Krippendorff's alpha, nominal, as in :mod:`gbaresearch.analysis.reliability`),
    ``raw_agreement``, ``disagreements``, and for plan links ``first_present``,
    ``second_present`` and ``positive_agreement``. Rounded to 3 decimals."""
    from .reliability import agreement_row

    u = unit_values(ds, first)
    r1, r2 = coders(ds)[:2]
    rows = []
    for v in _variables(ds):
        t = u[u["variable"] == v.value]
        rows.append(agreement_row(str(v.value), t[r1].tolist(), t[r2].tolist(), v.get("item") is not None))
    out = pd.DataFrame(rows)
    for col in ("n_units", "disagreements", "first_present", "second_present"):
        out[col] = out[col].astype("Int64")
    return out


def disagreements(ds: Dataset, first: Dataset | None = None) -> pd.DataFrame:
    """The units the two codings code differently (rows of :func:`unit_values`)."""
    u = unit_values(ds, first)
    r1, r2 = coders(ds)[:2]
    return u[u[r1] != u[r2]].reset_index(drop=True)


def reconciled_variables(ds: Dataset) -> list[str]:
    """The variables the reconciliation log covers (those with at least one logged unit)."""
    if RECONCILIATION not in ds:
        return []
    have = set(ds[RECONCILIATION]["variable"].astype(str))
    return [str(v.value) for v in _variables(ds) if v.value in have]


def reconciliation_problems(ds: Dataset, variables: Iterable[str] | None = None) -> list[str]:
    """Ways the reconciliation log disagrees with the codings; empty when complete: for each of
    ``variables`` (default: :func:`reconciled_variables`), every unit on which the final tables
    differ from the second coding is logged; each logged unit's ``second_value`` and
    ``final_value`` match the tables; and each is a real disagreement. A variable not yet
    reconciled keeps the first coding as final and is left out of the check."""
    if RECONCILIATION not in ds or not has_second_coding(ds):
        return []
    checked = set(variables if variables is not None else reconciled_variables(ds))
    final = unit_values(ds, first=ds)
    final = final[final["variable"].isin(list(checked))]
    key = {(v, c, "" if pd.isna(i) else i): (f, s) for v, c, i, f, s in final.itertuples(index=False)}
    log = ds[RECONCILIATION]

    def lv(v: Any) -> str:
        return UNKNOWN if pd.isna(v) else str(v)

    return log_problems(log, key, lv, lambda f, s: f != s)


def case_rows(ds: Dataset, case_id: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The plan-link rows and the authority row of one case (empty frames when not coded)."""
    lt, at = link_table(ds), authority_table(ds)
    lk = ds[lt] if lt in ds else pd.DataFrame(columns=["case_id"])
    au = ds[at] if at in ds else pd.DataFrame(columns=["case_id"])
    return lk[lk["case_id"] == case_id].reset_index(drop=True), au[au["case_id"] == case_id].reset_index(drop=True)


def cases_carrying(ds: Dataset, section_ids: Iterable[str]) -> pd.DataFrame:
    """Link rows (with ``batch``) of the cases that carry out any of ``section_ids``."""
    lk = links(ds)
    return lk[lk["section_id"].isin(list(section_ids))].reset_index(drop=True)


def plan_level_links(ds: Dataset, coding: str | None = None) -> pd.DataFrame:
    """Links to a plan as a whole (no section): ``case_id``, ``batch``, ``plan_id``, ``basis``."""
    lk = links(ds, coding)
    return lk[lk["section_id"].isna()][["case_id", "batch", "plan_id", "basis"]].reset_index(drop=True)


def reconciliation_summary(ds: Dataset) -> pd.DataFrame:
    """How the logged disagreements were settled, per variable: ``variable``, ``disagreements``
    (units the two codings code differently), ``logged``, ``kept_first``, ``took_second``,
    ``other`` (neither coder's value) and ``pending`` (disagreements not yet reconciled: the first
    coding stays final)."""
    d = disagreements(ds, first_coding(ds))
    log = ds[RECONCILIATION] if RECONCILIATION in ds else pd.DataFrame(columns=["variable"])

    def val(v: Any) -> str:
        return UNKNOWN if pd.isna(v) else str(v)

    rows = []
    for var in (str(v.value) for v in _variables(ds)):
        lg = log[log["variable"].astype(str) == var]
        fv, sv, zv = (
            lg[c].map(val) if len(lg) else pd.Series(dtype=str) for c in ("first_value", "second_value", "final_value")
        )
        kept, took = int((zv == fv).sum()), int((zv == sv).sum())
        n = int((d["variable"] == var).sum())
        rows.append((var, n, len(lg), kept, took, len(lg) - kept - took, n - len(lg)))
    return pd.DataFrame(
        rows, columns=["variable", "disagreements", "logged", "kept_first", "took_second", "other", "pending"]
    )
