"""Agreement between two independent codings of the project-coding variables.

The first coding is the one in ``case_domains``, ``case_mechanisms``, ``case_links`` and the
non-stated counterparts of ``cases``, as it stood before reconciliation; the second is the
independent second coding (``coding_second_*`` tables). Five variables are compared, each on its
own units:

========================  ===================================================================
variable                  unit and value
========================  ===================================================================
``primary_domain``        a case; its primary domain (nominal)
``domains``               a case × a domain of the vocabulary; present or absent (any role)
``mechanisms``            a case × a mechanism of the vocabulary; present or absent
``counterpart``           a case whose counterpart is project coding (status inferred or NA);
                          ``hong_kong``, ``macao``, ``both`` or none
``links``                 a candidate pair (later case, earlier case); linked or not
``link_relation``         a pair both coders link; ``deepens`` or ``extends``
========================  ===================================================================

Set-valued variables (domains, mechanisms) are split into presence/absence units, one per case
and vocabulary term, so Krippendorff's alpha (nominal) applies unchanged and every disagreement
is one unit. A case left without mechanisms counts as "absent" for every mechanism. Candidate
link pairs are every ordered pair of cases whose earlier case is in an earlier batch, plus any
pair either coder links.

With the reconciliation log (``coding_reconciliation``), the first coding is recovered from the
final tables: every logged unit is set back to the log's ``first_value``.

The variables, the shape of their units, their vocabularies and the table holding each coder's
coding are the schema's: properties of the categories of ``coding_reconciliation.variable``
(:func:`coding_variables`). The coders are the values of ``coding_coders.coder``, in order
(:func:`coders`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..dataset.labels import rows_where
from ..dataset.load import Dataset

NONE = "(none)"
PRESENT, ABSENT = "present", "absent"
RECONCILIATION = "coding_reconciliation"
CODERS = "coding_coders"
#: The shapes of a coding variable's unit (``gba:shape`` of ``coding_reconciliation.variable``): one code per
#: coded case; a code or none per case listed for the variable; the terms of a vocabulary a case has; a link
#: or none per pair of cases.
VALUE, VALUE_OR_NONE, SET, PAIR = "value", "valueOrNone", "set", "pair"
#: The vocabularies of the set-valued variables.
DOMAINS, MECHANISMS = "vocab_domains", "vocab_mechanisms"
#: The relation of the links both coders draw: compared as a variable of its own, after the schema's.
LINK_RELATION = "link_relation"
LINK_RELATION_UNIT = "pair linked by both coders"


@dataclass(frozen=True)
class Variable:
    """A coding variable as the schema describes it (a category of ``coding_reconciliation.variable``):
    ``name``; ``shape`` (``gba:shape``: :data:`VALUE`, :data:`VALUE_OR_NONE`, :data:`SET` or :data:`PAIR`);
    ``unit`` (``gba:agreementUnit``); ``tables`` (coder → the table holding that coder's coding,
    ``gba:tables``; the first coding as reconciled, in the final tables); ``vocabulary`` (the vocabulary
    table its codes come from, ``gba:vocabulary``, or None)."""

    name: str
    shape: str
    unit: str
    tables: dict[str, str]
    vocabulary: str | None


def coding_variables(ds: Dataset) -> tuple[Variable, ...]:
    """The coding variables, in schema order (the values of ``coding_reconciliation.variable``)."""
    return tuple(
        Variable(
            str(c.value),
            str(c.get("shape")),
            str(c.get("agreementUnit")),
            dict(c.get("tables", {})),
            c.get("vocabulary"),
        )
        for c in ds.field(RECONCILIATION, "variable").categories or ()
    )


def coding_variable(ds: Dataset, shape: str, vocabulary: str | None = None) -> Variable:
    """The one coding variable of ``shape`` (and, for :data:`SET`, of ``vocabulary``); ``ValueError``
    when the schema has none or several."""
    found = [v for v in coding_variables(ds) if v.shape == shape and vocabulary in (None, v.vocabulary)]
    if len(found) != 1:
        raise ValueError(f"the schema needs one coding variable of shape {shape!r}, not {len(found)}")
    return found[0]


def coders(ds: Dataset) -> tuple[str, ...]:
    """The codings in schema order (``coding_coders.coder``): the first, second and third coder."""
    return tuple(str(v) for v in ds.field(CODERS, "coder").enum or ())


def variables(ds: Dataset) -> tuple[str, ...]:
    """Every variable agreement is measured on, in order: the coding variables, then :data:`LINK_RELATION`."""
    return (*(v.name for v in coding_variables(ds)), LINK_RELATION)


def agreement_units(ds: Dataset) -> dict[str, str]:
    """Variable → its unit of agreement, for :func:`variables`."""
    return {**{v.name: v.unit for v in coding_variables(ds)}, LINK_RELATION: LINK_RELATION_UNIT}


def coder_tables(ds: Dataset, coder: str) -> list[str]:
    """The tables holding ``coder``'s coding, each once, in the order of the variables."""
    return list(dict.fromkeys(v.tables[coder] for v in coding_variables(ds)))


def _key(ds: Dataset, vocabulary: str | None) -> str:
    """The key column of a vocabulary table: the column naming a term wherever the term is coded."""
    return ds.resource(str(vocabulary)).primary_key[0]


def _vocabulary(ds: Dataset, table: str | None) -> list[str]:
    """The terms of a vocabulary table (its key), in table order."""
    return [str(t) for t in ds[str(table)][_key(ds, table)]]


# --- Krippendorff's alpha ------------------------------------------------------------------


def _missing(v: Any) -> bool:
    return v is None or (not isinstance(v, str) and bool(pd.isna(v)))


def alpha_nominal(data: Sequence[Sequence[Any]]) -> float:
    """Krippendorff's alpha for nominal values.

    ``data`` is coders × units (one sequence per coder, all of the same length); missing values
    are ``None``, ``NaN`` or ``pd.NA``. Units with fewer than two values are not pairable and
    are ignored. Returns ``1 - D_o / D_e`` computed from the coincidence matrix (Krippendorff
    2011, "Computing Krippendorff's alpha-reliability"); NaN when fewer than two pairable
    values exist or all pairable values are the same (expected disagreement 0)."""
    rows = [list(r) for r in data]
    if not rows:
        return float("nan")
    n_units = len(rows[0])
    if any(len(r) != n_units for r in rows):
        raise ValueError("every coder needs one value per unit")
    values = sorted({v for r in rows for v in r if not _missing(v)}, key=str)
    index = {v: i for i, v in enumerate(values)}
    k = len(values)
    o = np.zeros((k, k))
    for u in range(n_units):
        vals = [index[r[u]] for r in rows if not _missing(r[u])]
        m = len(vals)
        if m < 2:
            continue
        counts = np.bincount(vals, minlength=k).astype(float)
        o += (np.outer(counts, counts) - np.diag(counts)) / (m - 1)
    n_c = o.sum(axis=1)
    n = n_c.sum()
    if n < 2:
        return float("nan")
    d_o = n - np.trace(o)
    d_e = (n * n - (n_c**2).sum()) / (n - 1)
    if d_e == 0:
        return float("nan")
    return float(1 - d_o / d_e)


# --- codings -------------------------------------------------------------------------------


@dataclass
class Coding:
    """One coder's project coding, in plain Python form.

    ``cases``: the cases this coder coded (those with a primary domain), in order;
    ``primary``: case → primary domain; ``domains``: case → set of domains (primary included);
    ``mechanisms``: case → set of mechanisms (empty set: left uncoded); ``counterparts``: case →
    counterpart code or None, for the cases whose counterpart this coder coded; ``links``:
    (later case, earlier case) → relation."""

    cases: list[str] = field(default_factory=list)
    primary: dict[str, str] = field(default_factory=dict)
    domains: dict[str, set[str]] = field(default_factory=dict)
    mechanisms: dict[str, set[str]] = field(default_factory=dict)
    counterparts: dict[str, str | None] = field(default_factory=dict)
    links: dict[tuple[str, str], str] = field(default_factory=dict)


def _sets(c: Coding, vocabulary: str | None) -> dict[str, set[str]]:
    """The coder's terms of ``vocabulary`` (:data:`DOMAINS` or :data:`MECHANISMS`) by case."""
    return {DOMAINS: c.domains, MECHANISMS: c.mechanisms}[str(vocabulary)]


def _text(v: Any) -> str | None:
    return None if _missing(v) else str(v)


def coding_from_tables(
    domains: pd.DataFrame, mechanisms: pd.DataFrame, counterparts: pd.DataFrame, links: pd.DataFrame
) -> Coding:
    """A :class:`Coding` from tables shaped like ``case_domains`` (``case_id``, ``domain``,
    ``is_primary``), ``case_mechanisms`` (``case_id``, ``mechanism``), a counterpart table
    (``case_id``, ``counterpart``; missing = none) and ``case_links`` (``from_case_id``,
    ``to_case_id``, ``relation``)."""
    c = Coding()
    for case, dom, prim in zip(domains["case_id"], domains["domain"], domains["is_primary"]):
        case, dom = str(case), str(dom)
        if case not in c.domains:
            c.cases.append(case)
            c.domains[case] = set()
            c.mechanisms[case] = set()
        c.domains[case].add(dom)
        if bool(prim):
            c.primary[case] = dom
    for case, mech in zip(mechanisms["case_id"], mechanisms["mechanism"]):
        c.mechanisms.setdefault(str(case), set()).add(str(mech))
    for case, cp in zip(counterparts["case_id"], counterparts["counterpart"]):
        c.counterparts[str(case)] = _text(cp)
    for a, b, rel in zip(links["from_case_id"], links["to_case_id"], links["relation"]):
        c.links[(str(a), str(b))] = str(rel)
    return c


def _coding_tables(ds: Dataset, coder: str) -> list[pd.DataFrame]:
    """``coder``'s tables as :func:`coding_from_tables` takes them: domains, mechanisms, counterparts, links."""
    kinds = (
        coding_variable(ds, SET, DOMAINS),
        coding_variable(ds, SET, MECHANISMS),
        coding_variable(ds, VALUE_OR_NONE),
        coding_variable(ds, PAIR),
    )
    return [ds[v.tables[coder]] for v in kinds]


def has_second_coding(ds: Dataset) -> bool:
    """True when the dataset holds the four second-coding tables."""
    return all(t in ds for t in coder_tables(ds, coders(ds)[1]))


def second_coding(ds: Dataset) -> Coding:
    """The independent second coding (``coding_second_*`` tables)."""
    return coding_from_tables(*_coding_tables(ds, coders(ds)[1]))


def final_coding(ds: Dataset, counterpart_cases: Iterable[str] | None = None) -> Coding:
    """The coding in the final tables. Counterparts are taken for ``counterpart_cases`` (default:
    the cases the second coding recodes, else those whose status is inferred or NA)."""
    cases = ds.cases
    if counterpart_cases is None:
        second = coding_variable(ds, VALUE_OR_NONE).tables[coders(ds)[1]]
        if second in ds:
            counterpart_cases = list(ds[second]["case_id"])
        else:
            st = cases["counterpart_status"]
            counterpart_cases = list(
                cases.loc[st.isna() | rows_where(cases, "counterpart_status", "byProject"), "case_id"]
            )
    wanted = set(counterpart_cases)
    cp = cases.loc[cases["case_id"].isin(wanted), ["case_id", "counterpart"]]
    return coding_from_tables(ds.case_domains, ds.case_mechanisms, cp, ds.case_links)


def _set_unit(out: Coding, v: Variable, case: str, item: str | None, value: str | None) -> None:
    """Set one unit of ``out`` (in place) to ``value``, as the shape of its variable ``v`` says."""
    if v.shape == VALUE:
        if value is None:
            out.primary.pop(case, None)
        else:
            out.primary[case] = value
    elif v.shape == SET:
        s = _sets(out, v.vocabulary).setdefault(case, set())
        if value == PRESENT:
            s.add(str(item))
        elif value == ABSENT:
            s.discard(str(item))
        else:
            raise ValueError(f"{v.name} value must be {PRESENT!r} or {ABSENT!r}, not {value!r}")
    elif v.shape == VALUE_OR_NONE:
        out.counterparts[case] = value
    elif v.shape == PAIR:
        key = (case, str(item))
        if value is None or value == ABSENT:
            out.links.pop(key, None)
        else:
            out.links[key] = value
    else:
        raise ValueError(f"coding variable {v.name!r} has no known shape: {v.shape!r}")


def _apply_log(c: Coding, log: pd.DataFrame, column: str, variables: Sequence[Variable]) -> Coding:
    """A copy of ``c`` with every logged unit set to the log's ``column`` value; ``variables``:
    :func:`coding_variables`."""
    out = Coding(
        list(c.cases),
        dict(c.primary),
        {k: set(v) for k, v in c.domains.items()},
        {k: set(v) for k, v in c.mechanisms.items()},
        dict(c.counterparts),
        dict(c.links),
    )
    by_name = {v.name: v for v in variables}
    for var, case, item, value in zip(log["variable"], log["case_id"], log["item"], log[column]):
        if str(var) not in by_name:
            raise ValueError(f"unknown variable in the reconciliation log: {str(var)!r}")
        _set_unit(out, by_name[str(var)], str(case), _text(item), _text(value))
    primary = [v for v in variables if v.shape == VALUE]
    for case in out.primary:
        _sets(out, primary[0].vocabulary).setdefault(case, set()).add(out.primary[case])
        if case not in out.cases:
            out.cases.append(case)
    return out


def first_coding(ds: Dataset) -> Coding:
    """The first coding as it stood before reconciliation: the final tables
    (:func:`final_coding`) with every unit in the reconciliation log set back to its
    ``first_value``. Without a log, the final coding."""
    final = final_coding(ds)
    if RECONCILIATION not in ds:
        return final
    return _apply_log(final, ds[RECONCILIATION], "first_value", coding_variables(ds))


# --- units ---------------------------------------------------------------------------------


def _batch_of(ds: Dataset) -> dict[str, int]:
    return {str(c): int(b) for c, b in zip(ds.cases["case_id"], ds.cases["batch"])}


Row = tuple[Any, ...]
Codings = tuple[Coding, Coding]


def _value_units(ds: Dataset, v: Variable, codings: Codings, order: list[str], cases: list[str]) -> list[Row]:
    """One unit per case either coder coded: each coder's code (None where it has none)."""
    return [(v.name, case, None, *(c.primary.get(case) for c in codings)) for case in cases]


def _set_units(ds: Dataset, v: Variable, codings: Codings, order: list[str], cases: list[str]) -> list[Row]:
    """One unit per case either coder coded and term of the vocabulary: present or absent (None
    for a coder who did not code the case)."""
    rows: list[Row] = []
    vocabulary = _vocabulary(ds, v.vocabulary)
    for case in cases:
        for term in vocabulary:
            pv = [PRESENT if term in _sets(c, v.vocabulary).get(case, set()) else ABSENT for c in codings]
            rows.append((v.name, case, term, *(p if case in c.domains else None for p, c in zip(pv, codings))))
    return rows


def _none_units(ds: Dataset, v: Variable, codings: Codings, order: list[str], cases: list[str]) -> list[Row]:
    """One unit per case either coder was given: its code or :data:`NONE` (None for a coder not given it)."""
    listed = [c for c in order if any(c in x.counterparts for x in codings)]
    return [
        (v.name, case, None, *((c.counterparts[case] or NONE) if case in c.counterparts else None for c in codings))
        for case in listed
    ]


def _pair_units(ds: Dataset, v: Variable, codings: Codings, order: list[str], cases: list[str]) -> list[Row]:
    """One unit per candidate pair (later, earlier case): the relation or :data:`ABSENT`."""
    batch = _batch_of(ds)
    pos = {c: i for i, c in enumerate(order)}
    pairs = {(a, b) for a in cases for b in cases if batch[b] < batch[a]}
    pairs |= set(codings[0].links) | set(codings[1].links)
    rows: list[Row] = []
    for a, b in sorted(pairs, key=lambda p: (pos.get(p[0], len(pos)), pos.get(p[1], len(pos)))):
        rows.append((v.name, a, b, *(c.links.get((a, b), ABSENT) if a in c.domains else None for c in codings)))
    return rows


_UNITS: dict[str, Callable[[Dataset, Variable, Codings, list[str], list[str]], list[Row]]] = {
    VALUE: _value_units,
    SET: _set_units,
    VALUE_OR_NONE: _none_units,
    PAIR: _pair_units,
}


def unit_values(ds: Dataset, first: Coding, second: Coding) -> pd.DataFrame:
    """Every unit of every variable with both coders' values: ``variable``, ``case_id``,
    ``item`` (domain, mechanism or earlier case; NA for case-level variables), then one column per
    coding named after the first two coders (``first``, ``second``: NA where that coder did not
    code the unit; counterparts coded as none are ``(none)``). Rows in variable order, then case
    order, then vocabulary order."""
    order = [str(c) for c in ds.cases["case_id"]]
    cases = [c for c in order if c in first.domains or c in second.domains]
    rows: list[Row] = []
    for v in coding_variables(ds):
        rows += _UNITS[v.shape](ds, v, (first, second), order, cases)
    out = pd.DataFrame(rows, columns=["variable", "case_id", "item", *coders(ds)[:2]])
    return out.astype("string")


def _pair_columns(ds: Dataset) -> tuple[str, str]:
    """The two codings' value columns of a :func:`unit_values` table."""
    first, second = coders(ds)[:2]
    return first, second


def _pairable(t: pd.DataFrame, cols: tuple[str, str]) -> pd.DataFrame:
    """The units of ``t`` both codings (value columns ``cols``) coded."""
    return t[t[cols[0]].notna() & t[cols[1]].notna()]


def _units_of(ds: Dataset, units: pd.DataFrame, var: str, cols: tuple[str, str]) -> pd.DataFrame:
    """The units of ``var`` in ``units`` (a :func:`unit_values` table, value columns ``cols``); for
    :data:`LINK_RELATION`, the pairs of the pair variable both codings link."""
    if var != LINK_RELATION:
        return units[units["variable"] == var]
    t = units[units["variable"] == coding_variable(ds, PAIR).name]
    return t[(t[cols[0]] != ABSENT) & (t[cols[1]] != ABSENT)]


def agreement_row(variable: str, first: list[Any], second: list[Any], presence: bool) -> dict[str, Any]:
    """Agreement of two codings on the same units (``first``, ``second``: one value each per
    unit): ``variable``, ``n_units``, ``alpha`` (Krippendorff's alpha, nominal; NaN when there
    is no unit), ``raw_agreement``, ``disagreements``, and for presence units (``presence``:
    values "absent" or a code) ``first_present``, ``second_present`` and ``positive_agreement``
    (2 × both present / (first present + second present)); NA elsewhere. Rounded to 3 decimals."""
    n = len(first)
    agree = sum(a == b for a, b in zip(first, second))
    row: dict[str, Any] = {
        "variable": variable,
        "n_units": n,
        "alpha": round(alpha_nominal([first, second]), 3) if n else float("nan"),
        "raw_agreement": round(agree / n, 3) if n else float("nan"),
        "disagreements": n - agree,
        "first_present": pd.NA,
        "second_present": pd.NA,
        "positive_agreement": float("nan"),
    }
    if presence:
        fp = [a != ABSENT for a in first]
        sp = [b != ABSENT for b in second]
        both = sum(a and b for a, b in zip(fp, sp))
        row["first_present"], row["second_present"] = sum(fp), sum(sp)
        denom = sum(fp) + sum(sp)
        row["positive_agreement"] = round(2 * both / denom, 3) if denom else float("nan")
    return row


def reliability_table(ds: Dataset, first: Coding | None = None, second: Coding | None = None) -> pd.DataFrame:
    """Agreement per variable, one row each in :func:`variables` order: ``variable``, ``unit``,
    ``n_units`` (units both coders coded), ``alpha`` (Krippendorff's alpha, nominal; NaN when
    undefined), ``raw_agreement`` (share of units with the same value, 0–1),
    ``disagreements`` (units that differ), and for presence variables (domains, mechanisms,
    links) ``first_present``, ``second_present`` and ``positive_agreement`` (2 × both present /
    (first present + second present): agreement on the units either coder marks, blind to the
    many units both leave empty); NA elsewhere. Defaults: :func:`first_coding` and
    :func:`second_coding` of ``ds``. Values rounded to 3 decimals."""
    first = first if first is not None else first_coding(ds)
    second = second if second is not None else second_coding(ds)
    cols = _pair_columns(ds)
    units = _pairable(unit_values(ds, first, second), cols)
    presence = {v.name for v in coding_variables(ds) if v.shape in (SET, PAIR)}
    unit = agreement_units(ds)
    rows = []
    for var in variables(ds):
        t = _units_of(ds, units, var, cols)
        row = agreement_row(var, t[cols[0]].tolist(), t[cols[1]].tolist(), var in presence)
        row = {"variable": var, "unit": unit[var], **{k: v for k, v in row.items() if k != "variable"}}
        rows.append(row)
    out = pd.DataFrame(rows)
    for c in ("n_units", "disagreements", "first_present", "second_present"):
        out[c] = out[c].astype("Int64")
    return out


def disagreements(ds: Dataset, first: Coding | None = None, second: Coding | None = None) -> pd.DataFrame:
    """Every unit the two codings code differently: ``variable``, ``case_id``, ``item``,
    ``first``, ``second``, in the order of :func:`unit_values`. A link whose relation differs is
    one row (variable ``links``), as is a link one coder draws and the other does not."""
    first = first if first is not None else first_coding(ds)
    second = second if second is not None else second_coding(ds)
    cols = _pair_columns(ds)
    t = _pairable(unit_values(ds, first, second), cols)
    return t[t[cols[0]] != t[cols[1]]].reset_index(drop=True)


def disagreements_by_case(ds: Dataset, first: Coding | None = None, second: Coding | None = None) -> pd.DataFrame:
    """Disagreements counted per case and variable: rows = cases with at least one
    disagreement (case order), columns = variables with any, plus ``total``."""
    d = disagreements(ds, first, second)
    order = [c for c in ds.cases["case_id"] if c in set(d["case_id"])]
    t = pd.crosstab(d["case_id"], d["variable"]).reindex(index=order)
    t = t[[v for v in variables(ds) if v in t.columns]]
    t["total"] = t.sum(axis=1)
    t.index.name, t.columns.name = "case_id", None
    return t


def _log_value(v: Any) -> str:
    """A log cell as a unit value: NA → ``(none)``."""
    return NONE if _missing(v) else str(v)


def reconciliation_problems(ds: Dataset) -> list[str]:
    """Ways the reconciliation log disagrees with the tables; empty when it is complete.

    Checks that (1) every unit on which the final tables differ from the second coding is in
    the log, (2) each logged unit's ``second_value`` is the second coding's value and its
    ``final_value`` the final tables' value, (3) each logged unit is a disagreement
    (``first_value`` differs from ``second_value``) and appears once. Returns one sentence per
    problem."""
    if RECONCILIATION not in ds or not has_second_coding(ds):
        return []
    log = ds[RECONCILIATION]
    final = unit_values(ds, final_coding(ds), second_coding(ds))
    final = final.assign(item=final["item"].fillna(""))
    by_key = {(v, c, i): (f, s) for v, c, i, f, s in final.itertuples(index=False)}
    return log_problems(log, by_key, _log_value, lambda f, s: not _missing(f) and not _missing(s) and f != s)


def log_problems(
    log: pd.DataFrame,
    units: dict[tuple[str, str, str], tuple[Any, Any]],
    value_of: Callable[[Any], str],
    must_log: Callable[[Any, Any], bool],
) -> list[str]:
    """Ways a reconciliation log (columns of ``coding_reconciliation``) disagrees with the
    codings' units: ``units`` maps (variable, case, item or "") to (final value, second value);
    ``value_of`` turns a log cell into a unit value; ``must_log(final, second)`` says which units
    the log has to hold. Returns one sentence per problem: a unit logged twice or not a unit, a
    second or final value that is not the tables', a logged unit that is no disagreement, and a
    unit that must be logged but is not."""
    problems: list[str] = []
    seen: set[tuple[str, str, str]] = set()
    for v, c, i, fv, sv, zv in zip(
        log["variable"], log["case_id"], log["item"], log["first_value"], log["second_value"], log["final_value"]
    ):
        key = (str(v), str(c), "" if _missing(i) else str(i))
        where = " ".join(x for x in key if x)
        if key in seen:
            problems.append(f"{where}: logged more than once")
        seen.add(key)
        if key not in units:
            problems.append(f"{where}: not a unit of the coding")
            continue
        f, s = units[key]
        if value_of(sv) != s:
            problems.append(f"{where}: second_value {value_of(sv)!r} but the second coding has {s!r}")
        if value_of(zv) != f:
            problems.append(f"{where}: final_value {value_of(zv)!r} but the final tables have {f!r}")
        if value_of(fv) == value_of(sv):
            problems.append(f"{where}: first and second value agree; only disagreements are logged")
    for key, (f, s) in units.items():
        if must_log(f, s) and key not in seen:
            problems.append(
                f"{' '.join(x for x in key if x)}: final {f!r} differs from the second coding {s!r} but is not logged"
            )
    return problems


def reconciliation_summary(ds: Dataset) -> pd.DataFrame:
    """How the disagreements were settled, per variable of the log: ``variable``,
    ``disagreements``, ``kept_first`` (final value = first coding's), ``took_second`` (final
    value = second coding's), ``other`` (neither); in :func:`variables` order, variables
    without disagreements left out."""
    log = ds[RECONCILIATION]
    final = log["final_value"].map(_log_value)
    first = log["first_value"].map(_log_value)
    second = log["second_value"].map(_log_value)
    var = log["variable"].astype(str)
    rows = []
    for v in variables(ds):
        m = var == v
        if not m.any():
            continue
        kept, took = int((final[m] == first[m]).sum()), int((final[m] == second[m]).sum())
        rows.append(
            {
                "variable": v,
                "disagreements": int(m.sum()),
                "kept_first": kept,
                "took_second": took,
                "other": int(m.sum()) - kept - took,
            }
        )
    return pd.DataFrame(rows)


def coding_summary(ds: Dataset) -> pd.DataFrame:
    """Size of each coding: rows ``domain rows``, ``secondary domains``, ``mechanism rows``,
    ``cases with a mechanism``, ``links`` (named after the pair variable), ``counterparts coded as
    none``; columns ``first`` (before reconciliation), ``second`` (named after the first two
    coders), ``final`` (the tables as they stand)."""
    first, second = coders(ds)[:2]
    cols = {first: first_coding(ds), second: second_coding(ds), "final": final_coding(ds)}
    links = coding_variable(ds, PAIR).name
    out = {}
    for name, c in cols.items():
        out[name] = {
            "domain rows": sum(len(v) for v in c.domains.values()),
            "secondary domains": sum(len(v) for v in c.domains.values()) - len(c.primary),
            "mechanism rows": sum(len(v) for v in c.mechanisms.values()),
            "cases with a mechanism": sum(1 for v in c.mechanisms.values() if v),
            links: len(c.links),
            "counterparts coded as none": sum(1 for v in c.counterparts.values() if v is None),
        }
    t = pd.DataFrame(out)
    t.index.name = "count"
    return t


def alpha_crosscheck(ds: Dataset, first: Coding | None = None, second: Coding | None = None) -> pd.DataFrame:
    """Alpha per variable from :func:`alpha_nominal` and from the ``krippendorff`` package, on the same units.

    Returns one row per coding variable (:func:`coding_variables`) with columns ``variable``, ``n_units``,
    ``alpha (gbaresearch)`` and ``alpha (krippendorff package)``. A unit one coder left
    uncoded (missing) counts as missing for both functions; a variable with no pairable unit
    gives NaN for both."""
    import krippendorff

    first = first if first is not None else first_coding(ds)
    second = second if second is not None else second_coding(ds)
    units = unit_values(ds, first, second)
    cols = _pair_columns(ds)
    rows = []
    for var in (v.name for v in coding_variables(ds)):
        sub = units[units["variable"] == var]
        values = [v for v in pd.concat([sub[cols[0]], sub[cols[1]]]) if not _missing(v)]
        codes = {v: float(i) for i, v in enumerate(sorted(set(map(str, values))))}

        data = np.array([[np.nan if _missing(v) else codes[str(v)] for v in sub[col]] for col in cols], dtype=float)
        pairable = int(np.sum(~np.isnan(data).any(axis=0)))
        package = float(krippendorff.alpha(data, level_of_measurement="nominal")) if len(codes) > 1 else np.nan
        rows.append(
            {
                "variable": var,
                "n_units": pairable,
                "alpha (gbaresearch)": alpha_nominal([list(sub[cols[0]]), list(sub[cols[1]])]),
                "alpha (krippendorff package)": package,
            }
        )
    return pd.DataFrame(rows)


# --- the published coding against an independent third coding ------------------------------

#: Below this many pairable units alpha is not reported (only raw agreement and the count).
MIN_UNITS = 10
#: Bootstrap draws for the intervals of :func:`final_vs_third` (seeded: the same every run).
N_BOOT = 2000


def has_third_coding(ds: Dataset) -> bool:
    """True when the dataset holds the four third-coding tables."""
    return all(t in ds for t in coder_tables(ds, coders(ds)[2]))


def project_counterpart_cases(ds: Dataset) -> list[str]:
    """Cases whose final counterpart is project coding (``counterpart_status`` inferred or NA),
    in the order of ``cases``: the units of the counterpart variable against the third coding."""
    st = ds.cases["counterpart_status"]
    return [
        str(c) for c in ds.cases.loc[st.isna() | rows_where(ds.cases, "counterpart_status", "byProject"), "case_id"]
    ]


def third_coding(ds: Dataset) -> Coding:
    """The independent third coding (``coding_third_*`` tables), its counterparts restricted to
    :func:`project_counterpart_cases` (stated counterparts are official facts, not coding)."""
    c = coding_from_tables(*_coding_tables(ds, coders(ds)[2]))
    keep = set(project_counterpart_cases(ds))
    c.counterparts = {k: v for k, v in c.counterparts.items() if k in keep}
    return c


def _pair_matrices(t: pd.DataFrame, cases: list[str], cols: tuple[str, str]) -> tuple[np.ndarray, list[str]]:
    """Per case, a values × values matrix counting its pairable units by (first, second) value
    (the value columns ``cols``)."""
    first, second = cols
    values = sorted(set(t[first]) | set(t[second]))
    index = {v: i for i, v in enumerate(values)}
    k = len(values)
    pos = {c: i for i, c in enumerate(cases)}
    m = np.zeros((len(cases), k, k))
    np.add.at(m, ([pos[c] for c in t["case_id"]], [index[v] for v in t[first]], [index[v] for v in t[second]]), 1)
    return m, values


def _alpha_from_pairs(c: np.ndarray) -> float:
    """Krippendorff's alpha (nominal, two coders, no missing) from a first × second count matrix."""
    o = c + c.T
    n = o.sum()
    if n < 2:
        return float("nan")
    n_c = o.sum(axis=1)
    d_e = n * n - (n_c**2).sum()
    if d_e == 0:
        return float("nan")
    return float(1 - (n - 1) * (n - np.trace(o)) / d_e)


def agreement_table(
    ds: Dataset,
    first: Coding,
    second: Coding,
    *,
    cases: Iterable[str] | None = None,
    n_boot: int = N_BOOT,
    seed: int = 0,
) -> pd.DataFrame:
    """Agreement per variable between two codings, with bootstrap intervals by case.

    One row per variable in :func:`variables` order: ``variable``, ``unit``, ``n_units``
    (pairable units), ``n_cases`` (cases they belong to), ``raw_agreement`` (0–1),
    ``disagreements``, ``alpha`` (Krippendorff's alpha, nominal; NA when fewer than
    :data:`MIN_UNITS` units or undefined), ``alpha_low`` and ``alpha_high`` (the 2.5th and 97.5th
    percentiles of alpha over ``n_boot`` resamples of the cases with replacement, ``seed``
    fixed; NA with alpha) and ``note`` (why alpha is not given, else ""). With ``cases`` only
    units of those cases are counted. Unrounded."""
    cols = _pair_columns(ds)
    units = _pairable(unit_values(ds, first, second), cols)
    if cases is not None:
        units = units[units["case_id"].isin(set(cases))]
    unit = agreement_units(ds)
    rng = np.random.default_rng(seed)
    rows = []
    for var in variables(ds):
        t = _units_of(ds, units, var, cols).astype({cols[0]: str, cols[1]: str, "case_id": str})
        n = len(t)
        agree = int((t[cols[0]] == t[cols[1]]).sum())
        case_list = sorted(set(t["case_id"]))
        row: dict[str, Any] = {
            "variable": var,
            "unit": unit[var],
            "n_units": n,
            "n_cases": len(case_list),
            "raw_agreement": agree / n if n else float("nan"),
            "disagreements": n - agree,
            "alpha": float("nan"),
            "alpha_low": float("nan"),
            "alpha_high": float("nan"),
            "note": "",
        }
        if n < MIN_UNITS:
            row["note"] = f"too few units for alpha ({n} < {MIN_UNITS}): raw agreement only"
        else:
            mats, _ = _pair_matrices(t, case_list, cols)
            row["alpha"] = _alpha_from_pairs(mats.sum(axis=0))
            if np.isnan(row["alpha"]):
                row["note"] = "alpha undefined: every unit has the same value"
            else:
                draws = rng.integers(0, len(case_list), size=(n_boot, len(case_list)))
                weights = np.stack([np.bincount(d, minlength=len(case_list)) for d in draws])
                boot = np.array([_alpha_from_pairs(c) for c in np.tensordot(weights, mats, axes=1)])
                boot = boot[~np.isnan(boot)]
                if len(boot):
                    row["alpha_low"], row["alpha_high"] = (float(x) for x in np.percentile(boot, [2.5, 97.5]))
        rows.append(row)
    out = pd.DataFrame(rows)
    for c in ("n_units", "n_cases", "disagreements"):
        out[c] = out[c].astype("Int64")
    return out


def final_vs_third(ds: Dataset, **kwargs: Any) -> pd.DataFrame:
    """:func:`agreement_table` of the final (published) coding against the third coding
    (counterparts: :func:`project_counterpart_cases`). Raises ``KeyError`` without the third
    coding tables."""
    missing = [t for t in coder_tables(ds, coders(ds)[2]) if t not in ds]
    if missing:
        raise KeyError(f"third-coding tables missing: {', '.join(missing)}")
    final = final_coding(ds, counterpart_cases=project_counterpart_cases(ds))
    return agreement_table(ds, final, third_coding(ds), **kwargs)


def cases_by_basis(ds: Dataset, coder: str) -> dict[str, list[str]]:
    """The cases ``coder`` coded from each kind of material (``coding_case_basis.basis``:
    sources, summary_title, title_only), each list in the order of ``cases``; {} when the table
    is absent."""
    if "coding_case_basis" not in ds:
        return {}
    t = ds["coding_case_basis"]
    t = t[t["coder"].astype(str) == coder]
    kinds = dict(zip(t["case_id"].astype(str), t["basis"].astype(str)))
    out: dict[str, list[str]] = {}
    for c in ds.cases["case_id"].astype(str):
        if c in kinds:
            out.setdefault(kinds[c], []).append(c)
    return out


def agreement_by_basis(ds: Dataset, coder: str, first: Coding, second: Coding) -> pd.DataFrame:
    """:func:`agreement_table` split by what ``coder`` coded each case from: one block per kind
    of material, with a first column ``coded_from`` and a column ``cases`` (how many); only
    ``variable``, ``n_units``, ``raw_agreement``, ``alpha``, ``alpha_low``, ``alpha_high``, ``note``."""
    blocks = []
    for kind, cases in cases_by_basis(ds, coder).items():
        t = agreement_table(ds, first, second, cases=cases)
        t.insert(0, "cases", len(cases))
        t.insert(0, "coded_from", kind)
        blocks.append(
            t[
                [
                    "coded_from",
                    "cases",
                    "variable",
                    "n_units",
                    "raw_agreement",
                    "alpha",
                    "alpha_low",
                    "alpha_high",
                    "note",
                ]
            ]
        )
    return pd.concat(blocks, ignore_index=True) if blocks else pd.DataFrame()


def uncoded_by(ds: Dataset, coder: str) -> list[str]:
    """Identified cases that ``coder`` ("second" or "third") did not code (no row in its table of
    the single-valued variable, the primary domain's), in the order of ``cases``: new cases
    waiting for that coding."""
    table = coding_variable(ds, VALUE).tables[coder]
    coded = set(ds[table]["case_id"].astype(str)) if table in ds else set()
    return [str(c) for c in ds.cases["case_id"] if str(c) not in coded]


def cases_without_second_coding(ds: Dataset) -> pd.DataFrame:
    """The coded cases (a row in ``case_domains``) that the second coder has not coded (no row in
    ``coding_second_domains``): their agreement is not measured, so the reliability figures
    cover fewer cases than the final coding. Returns ``case_id`` and ``batch``, in case order;
    every coded case when the dataset has no second coding."""
    coded = list(dict.fromkeys(str(c) for c in ds.case_domains["case_id"]))
    second_table = coding_variable(ds, VALUE).tables[coders(ds)[1]]
    second = {str(c) for c in ds[second_table]["case_id"]} if second_table in ds else set()
    batch = _batch_of(ds)
    order = {str(c): i for i, c in enumerate(ds.cases["case_id"])}
    missing = sorted((c for c in coded if c not in second), key=lambda c: order.get(c, len(order)))
    return pd.DataFrame({"case_id": missing, "batch": [batch.get(c) for c in missing]}, columns=["case_id", "batch"])


def second_coding_coverage(ds: Dataset) -> str:
    """One sentence saying how many coded cases the second coding covers and naming those it
    lacks (for example cases added since the second coding was done)."""
    coded = len(set(map(str, ds.case_domains["case_id"])))
    lacking = cases_without_second_coding(ds)
    if lacking.empty:
        return f"The second coding covers all {coded} coded cases."
    ids = ", ".join(lacking["case_id"])
    n = len(lacking)
    return (
        f"The second coding covers {coded - n} of {coded} coded cases; {n} coded case{'s' if n != 1 else ''} "
        f"without a second coding ({ids}) {'are' if n != 1 else 'is'} left out of the agreement figures."
    )


SUMMARY_MARK = "(summary)"


def summary_mark_tables(ds: Dataset) -> dict[str, tuple[str, str]]:
    """Variable → (second-coding table, the column naming each unit's item or code), for every
    variable with rows of its own: not the single-valued one, whose value is one of the set
    variable's rows (the primary domain is a domain row)."""
    second = coders(ds)[1]
    out = {}
    for v in coding_variables(ds):
        if v.shape == SET:
            out[v.name] = (v.tables[second], _key(ds, v.vocabulary))
        elif v.shape == VALUE_OR_NONE:
            out[v.name] = (v.tables[second], "counterpart")
        elif v.shape == PAIR:
            out[v.name] = (v.tables[second], "to_case_id")
    return out


def summary_based(ds: Dataset) -> pd.DataFrame:
    """Second-coding units whose basis the data marks as coded from the case's summary and
    titles only (basis ending in ``(summary)``, codebook section 6): one row per unit with
    ``variable``, ``case_id``, ``item`` (the code, or NA) and ``basis``. Cases coded from the
    summary whose bases carry no mark are not in the data, so not here."""
    rows = []
    for variable, (table, item_col) in summary_mark_tables(ds).items():
        if table not in ds:
            continue
        t = ds[table]
        if "basis" not in t.columns:
            continue
        case_col = "case_id" if "case_id" in t.columns else t.columns[0]
        for r in t.to_dict("records"):
            basis = r.get("basis")
            if isinstance(basis, str) and basis.rstrip().endswith(SUMMARY_MARK):
                item = r.get(item_col)
                rows.append(
                    {"variable": variable, "case_id": str(r[case_col]), "item": item if item else pd.NA, "basis": basis}
                )
    return pd.DataFrame(rows, columns=["variable", "case_id", "item", "basis"])
