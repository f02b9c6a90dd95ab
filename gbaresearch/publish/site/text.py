"""Text from the data made safe for pages: MyST/Markdown and HTML escaping, link targets, and
and bilingual titles and labels as page text (each read through :mod:`gbaresearch.dataset.labels`)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import quote, urlsplit

import pandas as pd

from ...analysis.markdown import escape
from ...dataset.labels import label_pairs, title

_SPACE = re.compile(r"\s+")

SEP = " · "


def is_missing(value: Any) -> bool:
    """True for None, pandas NA/NaT and float NaN."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def plain(value: Any, missing: str = "") -> str:
    """``value`` as one line of text (whitespace, newlines and control characters become one space)."""
    if is_missing(value):
        return missing
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    text = str(value)
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    return _SPACE.sub(" ", text).strip()


def md(value: Any, missing: str = "—") -> str:
    """``value`` escaped for MyST Markdown: one line, every ASCII punctuation character
    backslash-escaped, so nothing in it can become markup, a role, a directive, math, a
    substitution or raw HTML."""
    text = plain(value)
    return escape(text, strict=True) if text else missing


def h(value: Any, missing: str = "—") -> str:
    """``value`` escaped for HTML text and attribute values (one line)."""
    text = plain(value)
    return html.escape(text, quote=True) if text else html.escape(missing)


def safe_url(url: Any) -> str | None:
    """An http(s) URL percent-encoded so it cannot break out of a link, or None for anything else."""
    text = plain(url)
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return quote(text, safe=":/?#[]@!$&'*+,;=%~")


def md_link(text: Any, target: str) -> str:
    """A Markdown link with escaped text; ``target`` must be a project-made path or a
    :func:`safe_url` result."""
    return f"[{md(text)}](<{target}>)"


def slug(value: str) -> str:
    """A file-name-safe form of an identifier (ASCII letters, digits, ``-`` and ``_``)."""
    out = re.sub(r"[^A-Za-z0-9_-]", "_", value)
    return out or "_"


def both(en: Any, zh: Any) -> str:
    """``English · 中文`` as plain text, one side only when the other is missing or equal."""
    a, b = plain(en), plain(zh)
    if a and b and a != b:
        return f"{a}{SEP}{b}"
    return a or b


def field_pair(ds: Any, table: str, field: str) -> tuple[str, str]:
    """(English title, Chinese title) of a field, as plain text (:func:`gbaresearch.dataset.labels.title`);
    the field's name when the table or field is unknown."""
    try:
        return plain(title(ds[table], field, "en")) or field, plain(title(ds[table], field, "zh"))
    except (KeyError, ValueError):
        return field, ""


def field_both(ds: Any, table: str, field: str) -> str:
    """A field's title as ``English · 中文`` (:func:`both`)."""
    return both(*field_pair(ds, table, field))


def value_pair(ds: Any, table: str, field: str, value: Any) -> tuple[str, str]:
    """(English, Chinese) label of a value, as plain text (:func:`gbaresearch.dataset.labels.label_pairs`);
    the value itself when no label exists, ("", "") when it is missing."""
    if is_missing(value):
        return "", ""
    try:
        pairs = label_pairs(ds[table], field)
    except (KeyError, ValueError):
        pairs = {}
    v = str(value)
    en, zh = next((p for k, p in pairs.items() if str(k) == v), (v, v))
    en, zh = plain(en), plain(zh)
    return en or v, zh or en or v


def value_both(ds: Any, table: str, field: str, value: Any, missing: str = "") -> str:
    """A value's label as ``English · 中文``; ``missing`` when the value is missing."""
    if is_missing(value):
        return missing
    return both(*value_pair(ds, table, field, value))


def place_names(ds: Any) -> dict[str, tuple[str, str]]:
    """Place id → (English name, Chinese name), as plain text: the labels of ``places``' key."""
    key = ds.package.resource("places").primary_key[0]
    return {str(k): (plain(en), plain(zh)) for k, (en, zh) in label_pairs(ds.places, key).items()}


def place_pair(ds: Any, place_id: Any) -> tuple[str, str]:
    """(English name, Chinese name) of a place; the id itself when it is not a known place."""
    if is_missing(place_id):
        return "", ""
    return place_names(ds).get(str(place_id), (str(place_id), ""))


def place_both(ds: Any, place_id: Any, missing: str = "") -> str:
    """A place's name as ``English · 中文``; ``missing`` when the id is missing."""
    if is_missing(place_id):
        return missing
    return both(*place_pair(ds, place_id))


def md_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A GFM table; ``header`` and cells must already be escaped Markdown (an empty cell shows
    "—"); "*None · 无*" when there are no rows."""
    if not rows:
        return "*None · 无*\n"
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(c if c else "—" for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def md_heading(en: str, zh: str, level: int = 2) -> str:
    """A Markdown heading ``English · 中文`` at ``level``."""
    return "#" * level + " " + md(both(en, zh)) + "\n"


def join(items: Iterable[str], sep: str = "; ") -> str:
    return sep.join(i for i in items if i)
