"""Check and convert one column of raw CSV strings against its Table Schema field.

Each check runs over the whole column at once, so validation stays linear in the number of
rows. Converted values are plain Python objects; ``None`` marks a missing or invalid value
(invalid ones are reported, so later rules can skip them without repeating the complaint).
"""

from __future__ import annotations

import difflib
import math
import re
from datetime import date

from .problems import Problem
from .schema import Field

_INT = re.compile(r"-?[0-9]+")
_NUM = re.compile(r"-?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_PARTIAL = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")
_OTHER_DATE = re.compile(r"([0-9]{4})\s*[/.年]\s*([0-9]{1,2})\s*[/.月]\s*([0-9]{1,2})\s*日?")
_GROUPED = re.compile(r"-?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?")
# What the loaders can hold: Int64 columns and datetime64[ns] dates (pandas.Timestamp.min is 1677-09-21).
_INT_LIMIT = 2**63 - 1
_EARLIEST = date(1677, 9, 22)


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def suggest(value: str, choices) -> str | None:
    """Closest allowed value to ``value`` (case and spacing forgiven), or None."""
    choices = list(choices)
    norm = value.strip().lower().replace(" ", "_").replace("-", "_")
    lowered = {c.lower(): c for c in choices}
    if norm in lowered:
        return lowered[norm]
    hits = difflib.get_close_matches(norm, list(lowered), n=3, cutoff=0.6)
    same_length = [h for h in hits if len(h) == len(norm)]  # a mistyped id keeps its length
    hit = (same_length or hits or [None])[0]
    return lowered[hit] if hit else None


def _date_hint(v: str) -> str:
    m = _OTHER_DATE.fullmatch(v.strip())
    if m:
        y, mo, d = m.groups()
        return f" (write {y}-{int(mo):02d}-{int(d):02d})"
    return ""


def _real_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


# --- fast path -------------------------------------------------------------------------------
# A clean column is checked with a few C-level passes (regexes over the joined column, set and
# min/max operations). Any doubt sends the column to the cell-by-cell path below, which alone
# writes the messages, so both paths agree on what is valid and only the slow one explains.
_SEP = "\x00"  # cannot occur in a value: files with NUL bytes are refused before this point
_FAST = {
    "integer": r"-?[0-9]{1,18}",
    "number": r"-?(?:[0-9]{1,15}(?:\.[0-9]*)?|\.[0-9]+)",
    "date": r"[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}",
    "partial": r"[1-9][0-9]{3}(?:-(?:0[1-9]|1[0-2])(?:-[0-9]{2})?)?",
}
_FAST_COLUMN = {k: re.compile(f"(?:{v})(?:\x00(?:{v}))*") for k, v in _FAST.items()}
_PATTERNS: dict[str, re.Pattern] = {}


def _all_match(kind: str, vals: list[str]) -> bool:
    return not vals or _FAST_COLUMN[kind].fullmatch(_SEP.join(vals)) is not None


def fast_column(fld: Field, values: list[str], missing: frozenset[str], today: date) -> list | None:
    """The converted column when every cell is valid, else None (without saying why)."""
    if not values:
        return []
    if "" in values:
        return None
    # the type checks below refuse surrounding whitespace themselves; free text needs a look
    # (strip() returns the very same object when there is nothing to strip)
    if (
        fld.type in ("string", "any")
        and not fld.partial_date
        and fld.enum is None
        and list(map(str.strip, values)) != values
    ):
        return None
    has_missing = any(m in values for m in missing)
    if has_missing and fld.required:
        return None
    t = fld.type
    if t in ("string", "any") and not fld.partial_date and fld.pattern is None:
        # plain text: nothing to convert, so skip the split into values and missing markers
        if fld.enum is not None and not set(values) - missing <= set(fld.enum):
            return None
        return [None if v in missing else v for v in values] if has_missing else values
    vals = [v for v in values if v not in missing] if has_missing else values
    if fld.partial_date:
        if not _all_match("partial", vals):
            return None
        try:
            [date.fromisoformat(v) for v in vals if len(v) == 10]
        except ValueError:
            return None
        if vals and max(vals) > today.isoformat():  # ISO strings compare like the periods' first days
            return None
        conv = vals
    elif t in ("string", "any"):
        conv = vals
    elif t == "integer":
        if not _all_match("integer", vals):
            return None
        conv = list(map(int, vals))
    elif t == "number":
        if not _all_match("number", vals):
            return None
        conv = list(map(float, vals))
    elif t == "date":
        if not _all_match("date", vals):
            return None
        try:
            conv = list(map(date.fromisoformat, vals))
        except ValueError:
            return None
        if conv and (max(conv) > today or min(conv) < _EARLIEST):
            return None
    elif t == "boolean":
        table = {v: True for v in fld.descriptor.get("trueValues", ["true"])}
        table.update({v: False for v in fld.descriptor.get("falseValues", ["false"])})
        if not set(vals) <= table.keys():
            return None
        conv = [table[v] for v in vals]
    else:
        return None
    if fld.enum is not None and not set(conv) <= set(fld.enum):
        return None
    if fld.pattern is not None and not fld.partial_date:
        rx = _PATTERNS.get(fld.pattern) or _PATTERNS.setdefault(fld.pattern, re.compile(fld.pattern))
        if not all(map(rx.search, conv)):
            return None
    if conv and (
        (fld.minimum is not None and min(conv) < fld.minimum) or (fld.maximum is not None and max(conv) > fld.maximum)
    ):
        return None
    if not has_missing:
        return conv
    it = iter(conv)
    return [None if v in missing else next(it) for v in values]


def check_column(
    fld: Field,
    values: list[str],
    lines: list[int],
    label: str,
    missing: frozenset[str],
    today: date,
    problems: list[Problem],
) -> tuple[list, set[int]]:
    """Return the converted column and the positions of bad cells; append one problem per bad cell."""
    quick = fast_column(fld, values, missing, today)
    if quick is not None:
        return quick, set()
    name = fld.name
    out: list = [None] * len(values)
    bad_rows: set[int] = set()

    def bad(i: int, msg: str) -> None:
        bad_rows.add(i)
        problems.append(Problem(label, lines[i], name, msg))

    todo = []
    for i, v in enumerate(values):
        if v in missing:
            if fld.required:
                bad(i, f"required value is missing ({v})")
        elif v == "":
            bad(i, "required value is blank" if fld.required else "value is blank: write NA when it is not known")
        elif v != v.strip():
            bad(i, f"{v!r} has leading or trailing whitespace")
        else:
            todo.append(i)

    t = fld.type
    if t == "string" and fld.partial_date:
        for i in todo:
            v = values[i]
            m = _PARTIAL.fullmatch(v)
            if not m:
                bad(i, f"{v!r} is not a date in YYYY, YYYY-MM or YYYY-MM-DD form{_date_hint(v)}")
                continue
            y, mo, d = int(m[1]), int(m[2] or 1), int(m[3] or 1)
            start = _real_date(y, mo, d)
            if start is None:
                bad(i, f"{v!r} is not a real date")
            elif start > today:
                bad(i, f"{v} is in the future")
            else:
                out[i] = v
    elif t == "string":
        for i in todo:
            out[i] = values[i]
    elif t == "integer":
        for i in todo:
            v = values[i]
            if _INT.fullmatch(v):
                if len(v) <= 20 and abs(int(v)) <= _INT_LIMIT:
                    out[i] = int(v)
                else:
                    bad(i, f"{v} is out of range for a whole number (the limit is ±{_INT_LIMIT})")
            elif _GROUPED.fullmatch(v):
                bad(i, f"{v!r} is not a whole number: write it without thousands separators")
            else:
                bad(i, f"{v!r} is not a whole number")
    elif t == "number":
        for i in todo:
            v = values[i]
            if _NUM.fullmatch(v):
                if math.isfinite(float(v)):
                    out[i] = float(v)
                else:
                    bad(i, f"{v!r} is too large for a number")
            elif _GROUPED.fullmatch(v):
                bad(i, f"{v!r} is not a number: write it without thousands separators")
            else:
                bad(i, f"{v!r} is not a number")
    elif t == "date":
        for i in todo:
            v = values[i]
            d = (
                date.fromisoformat(v)
                if _DATE.fullmatch(v) and _real_date(int(v[:4]), int(v[5:7]), int(v[8:]))
                else None
            )
            if d is None:
                if _DATE.fullmatch(v):
                    bad(i, f"{v!r} is not a real date")
                else:
                    bad(i, f"{v!r} is not a date in YYYY-MM-DD form{_date_hint(v)}")
            elif d > today:
                bad(i, f"{v} is in the future")
            elif d < _EARLIEST:
                bad(i, f"{v} is too far in the past (dates before {_EARLIEST} cannot be loaded)")
            else:
                out[i] = d
    elif t == "boolean":
        tv = set(fld.descriptor.get("trueValues", ["true"]))
        fv = set(fld.descriptor.get("falseValues", ["false"]))
        for i in todo:
            v = values[i]
            if v in tv:
                out[i] = True
            elif v in fv:
                out[i] = False
            else:
                bad(i, f"{v!r} is not true or false")
    else:  # an unsupported type is a schema mistake; keep the text
        for i in todo:
            out[i] = values[i]

    if fld.enum is not None:
        allowed = set(fld.enum)
        listing = ", ".join(fld.enum)
        for i, v in enumerate(out):
            if v is not None and v not in allowed:
                s = suggest(str(v), fld.enum)
                hint = f"; did you mean {s!r}?" if s else ""
                bad(i, f"{v!r} is not one of the allowed values ({listing}){hint}")
                out[i] = None
    if fld.pattern is not None and not fld.partial_date:
        rx = re.compile(fld.pattern)
        for i, v in enumerate(out):
            if v is not None and not rx.search(str(v)):
                bad(i, f"{v!r} does not match the pattern {fld.pattern}")
                out[i] = None
    if fld.minimum is not None or fld.maximum is not None:
        lo, hi = fld.minimum, fld.maximum
        for i, v in enumerate(out):
            if v is None:
                continue
            if lo is not None and v < lo:
                bad(i, f"{_fmt(v)} is below the minimum {_fmt(lo)}")
                out[i] = None
            elif hi is not None and v > hi:
                bad(i, f"{_fmt(v)} is above the maximum {_fmt(hi)}")
                out[i] = None
    return out, bad_rows
