"""Check and convert one column of raw CSV strings against its Table Schema field.

Every check exists once, in :func:`value_checker`, which turns one text value into its
converted value or a :class:`Bad` verdict. :func:`check_column` applies it to each *distinct*
value of a column once (ids are distinct, but most columns repeat a few values), so validation
stays linear in the number of rows. Converted values are plain Python objects; ``None`` marks a
missing or invalid value (invalid ones are reported, so later rules can skip them without
repeating the complaint).
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any, NamedTuple

from .limits import MAX_PATTERN_VALUE
from .problems import Problem, excerpt
from .schema import Field

_INT = re.compile(r"-?[0-9]+")
_NUM = re.compile(r"-?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_PARTIAL = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")
_OTHER_DATE = re.compile(r"([0-9]{4})\s*[/.年]\s*([0-9]{1,2})\s*[/.月]\s*([0-9]{1,2})\s*日?")
_GROUPED = re.compile(r"-?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?")
# Invisible or direction-changing characters: controls (not tab or line breaks), bidirectional
# marks and overrides, zero-width characters, variation selectors, tags and the byte-order mark.
HIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064"
    "\u2066-\u206f\ufe00-\ufe0f\ufeff\U000e0000-\U000e007f\U000e0100-\U000e01ef]"
)
# What the loaders can hold: Int64 columns and datetime64[ns] dates (pandas.Timestamp.min is 1677-09-21).
_INT_LIMIT = 2**63 - 1
_EARLIEST = date(1677, 9, 22)


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


SUGGEST_MAX_CHOICES = 5000
SUGGEST_MAX_CHARS = 100


def suggest(value: str, choices: Iterable[Any]) -> str | None:
    """Closest allowed value to ``value`` (case and spacing forgiven), or None. Long values and
    long lists of choices get no suggestion, so that the search stays cheap."""
    options = [str(c) for c in choices]
    if len(value) > SUGGEST_MAX_CHARS or len(options) > SUGGEST_MAX_CHOICES:
        return None
    norm = value.strip().lower().replace(" ", "_").replace("-", "_")
    lowered: dict[str, str] = {c.lower(): c for c in options}
    if norm in lowered:
        return lowered[norm]
    hits = difflib.get_close_matches(norm, list(lowered), n=3, cutoff=0.6)
    same_length = [h for h in hits if len(h) == len(norm)]  # a mistyped id keeps its length
    best = same_length or hits
    return lowered[best[0]] if best else None


def _date_hint(v: str) -> str:
    if len(v) > 40:
        return ""
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


class Bad(NamedTuple):
    """Why a value is refused: a stable problem code and a message."""

    code: str
    message: str


def _converter(fld: Field, today: date) -> Callable[[str], Any]:
    """The type check and conversion of one non-missing, non-blank, trimmed value."""
    t = fld.type
    if fld.partial_date:

        def partial(v: str) -> Any:
            m = _PARTIAL.fullmatch(v)
            if not m:
                return Bad("bad-date", f"{excerpt(v)} is not a date in YYYY, YYYY-MM or YYYY-MM-DD form{_date_hint(v)}")
            start = _real_date(int(m[1]), int(m[2] or 1), int(m[3] or 1))
            if start is None:
                return Bad("bad-date", f"{v!r} is not a real date")
            if start > today:
                return Bad("future-date", f"{v} is in the future")
            return v

        return partial
    if t == "integer":

        def integer(v: str) -> Any:
            if _INT.fullmatch(v):
                if len(v) <= 20 and abs(int(v)) <= _INT_LIMIT:
                    return int(v)
                return Bad(
                    "out-of-range",
                    f"{v if len(v) <= 60 else excerpt(v)} is out of range for a whole number (the limit is ±{_INT_LIMIT})",
                )
            if _GROUPED.fullmatch(v):
                return Bad("bad-integer", f"{v!r} is not a whole number: write it without thousands separators")
            return Bad("bad-integer", f"{excerpt(v)} is not a whole number")

        return integer
    if t == "number":

        def number(v: str) -> Any:
            if _NUM.fullmatch(v):
                x = float(v)
                return x if math.isfinite(x) else Bad("out-of-range", f"{excerpt(v)} is too large for a number")
            if _GROUPED.fullmatch(v):
                return Bad("bad-number", f"{v!r} is not a number: write it without thousands separators")
            return Bad("bad-number", f"{excerpt(v)} is not a number")

        return number
    if t == "date":

        def a_date(v: str) -> Any:
            if not _DATE.fullmatch(v):
                return Bad("bad-date", f"{excerpt(v)} is not a date in YYYY-MM-DD form{_date_hint(v)}")
            d = _real_date(int(v[:4]), int(v[5:7]), int(v[8:]))
            if d is None:
                return Bad("bad-date", f"{v!r} is not a real date")
            if d > today:
                return Bad("future-date", f"{v} is in the future")
            if d < _EARLIEST:
                return Bad("out-of-range", f"{v} is too far in the past (dates before {_EARLIEST} cannot be loaded)")
            return d

        return a_date
    if t == "boolean":
        table = {v: True for v in fld.true_values}
        table.update({v: False for v in fld.false_values})

        def boolean(v: str) -> Any:
            x = table.get(v)
            return Bad("bad-boolean", f"{excerpt(v)} is not true or false") if x is None else x

        return boolean
    return lambda v: v  # string and any: the text itself


def value_checker(fld: Field, missing: frozenset[str], today: date) -> Callable[[str], Any]:
    """The whole check of one cell of ``fld``: a function from its text to the converted value
    (None for a missing value) or a :class:`Bad` verdict. Checks, in order: missing, blank,
    surrounding whitespace, type, categories, pattern, minimum and maximum."""
    convert = _converter(fld, today)
    allowed = set(fld.enum) if fld.enum is not None else None
    listing = ", ".join(map(str, fld.enum or ()))
    regex = fld.regex if not fld.partial_date else None
    lo, hi = fld.minimum, fld.maximum
    required = fld.required

    def check(v: str) -> Any:
        if v in missing:
            return Bad("missing-value", f"required value is missing ({v})") if required else None
        if v == "":
            if required:
                return Bad("missing-value", "required value is blank")
            return Bad("blank-value", "value is blank: write NA when it is not known")
        if v != v.strip():
            return Bad("whitespace", f"{excerpt(v)} has leading or trailing whitespace")
        x = convert(v)
        if type(x) is Bad:
            return x
        if allowed is not None and x not in allowed:
            s = suggest(str(x), fld.enum or ())
            hint = f"; did you mean {s!r}?" if s else ""
            return Bad("not-allowed", f"{excerpt(x)} is not one of the allowed values ({listing}){hint}")
        if regex is not None:
            text = str(x)
            if len(text) > MAX_PATTERN_VALUE:
                return Bad(
                    "pattern-mismatch",
                    f"{excerpt(text)} is too long to match the pattern {fld.pattern} (at most {MAX_PATTERN_VALUE} characters are matched)",
                )
            if not regex.fullmatch(text):
                return Bad("pattern-mismatch", f"{excerpt(text)} does not match the pattern {fld.pattern}")
        if lo is not None and x < lo:
            return Bad("below-minimum", f"{_fmt(x)} is below the minimum {_fmt(lo)}")
        if hi is not None and x > hi:
            return Bad("above-maximum", f"{_fmt(x)} is above the maximum {_fmt(hi)}")
        if type(x) is str and (m := HIDDEN.search(x)):
            return Bad(
                "invisible-character",
                f"{excerpt(x)} contains an invisible or direction-changing character (U+{ord(m[0]):04X}): remove it",
            )
        return x

    return check


def _is_text(fld: Field) -> bool:
    """True when :func:`value_checker` returns every present, non-blank, trimmed value of
    ``fld`` unchanged (free text: no type to convert, no categories, pattern or bounds)."""
    return (
        fld.type in ("string", "any")
        and not fld.partial_date
        and fld.categories is None
        and fld.regex is None
        and fld.minimum is None
        and fld.maximum is None
    )


def check_column(
    fld: Field,
    values: Sequence[str],
    lines: list[int],
    label: str,
    missing: frozenset[str],
    today: date,
    problems: list[Problem],
) -> tuple[list[Any], set[int]]:
    """Return the converted column and the positions of bad cells; append one problem per bad cell.

    Each distinct value is checked once by :func:`value_checker`. For free text (see
    :func:`_is_text`) only the values that are missing, blank or padded need the call: every
    other value is its own verdict."""
    check = value_checker(fld, missing, today)
    distinct = set(values)
    if _is_text(fld):
        odd = [v for v in distinct if v in missing or not v or v != v.strip() or HIDDEN.search(v)]
        verdict = {v: check(v) for v in odd}
        if not verdict:
            return list(values), set()
        full: dict[str, Any] = dict(zip(distinct, distinct))
        full.update(verdict)
    else:
        verdict = full = {v: check(v) for v in distinct}
    get = full.__getitem__
    if not any(type(r) is Bad for r in verdict.values()):
        return list(map(get, values)), set()
    out: list[Any] = []
    bad_rows: set[int] = set()
    name = fld.name
    for i, v in enumerate(values):
        r = get(v)
        if type(r) is Bad:
            bad_rows.add(i)
            problems.append(Problem(label, lines[i], name, r.message, r.code))
            out.append(None)
        else:
            out.append(r)
    return out, bad_rows
