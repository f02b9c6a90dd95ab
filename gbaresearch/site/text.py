"""Text from the data made safe for pages: MyST/Markdown and HTML escaping, link targets, and
bilingual labels read from the dataset's metadata (``datapackage.json`` ``categories`` and the
vocabulary and place tables)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, urlsplit

import pandas as pd

_MD_SPECIAL = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation character (CommonMark escapable)
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
    if not text:
        return missing
    return _MD_SPECIAL.sub(r"\\\1", text)


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


def field_labels(field: Any) -> list[tuple[str, str, str]]:
    """(value, English label, Chinese label) for each category of a schema field, read from its
    Table Schema ``categories`` (values, or objects with ``value``, ``label``, ``label_zh``);
    a missing label is the value itself. Empty for a field without listed categories."""
    cats = (getattr(field, "descriptor", None) or {}).get("categories")
    out = []
    for c in cats if isinstance(cats, list) else []:
        if isinstance(c, dict) and "value" in c:
            v = str(c["value"])
            en = str(c.get("label") or v)
            out.append((v, en, str(c.get("label_zh") or c.get("gba:label_zh") or en)))
        elif isinstance(c, (str, int)):
            out.append((str(c), str(c), str(c)))
    return out


class Labels:
    """Bilingual labels from the dataset's metadata: field titles, category values, vocabulary
    terms and place names. Missing labels fall back to the code itself."""

    def __init__(self, ds: Any, package: Any) -> None:
        self.package = package
        self.values: dict[tuple[str, str], dict[str, tuple[str, str]]] = {}
        for res in package.resources:
            for f in res.fields:
                labels = field_labels(f)
                if labels:
                    self.values[(res.name, f.name)] = {v: (en, zh) for v, en, zh in labels}
        self.domains = _vocab(ds["vocab_domains"], "domain")
        self.mechanisms = _vocab(ds["vocab_mechanisms"], "mechanism")
        places = ds["places"]
        self.places = {str(r.place_id): (plain(r.name_en), plain(r.name_zh)) for r in places.itertuples(index=False)}

    def field(self, resource: str, name: str) -> tuple[str, str]:
        """(English title, Chinese title) of a field."""
        try:
            f = self.package.resource(resource).field(name)
        except KeyError:
            return name, ""
        return plain(f.title) or name, plain(f.descriptor.get("gba:title_zh"))

    def field_both(self, resource: str, name: str) -> str:
        return both(*self.field(resource, name))

    def table(self, resource: str) -> tuple[str, str]:
        """(English title, Chinese title) of a table."""
        try:
            d = self.package.resource(resource).descriptor
        except KeyError:
            return resource, ""
        return plain(d.get("title")) or resource, plain(d.get("gba:title_zh"))

    def value(self, resource: str, name: str, value: Any) -> tuple[str, str]:
        """(English, Chinese) label of a category value; the value itself when no label exists."""
        if is_missing(value):
            return "", ""
        v = str(value)
        en, zh = self.values.get((resource, name), {}).get(v, (v, v))
        return plain(en) or v, plain(zh) or plain(en) or v

    def value_both(self, resource: str, name: str, value: Any, missing: str = "") -> str:
        if is_missing(value):
            return missing
        return both(*self.value(resource, name, value))

    def place(self, place_id: Any) -> tuple[str, str]:
        if is_missing(place_id):
            return "", ""
        return self.places.get(str(place_id), (str(place_id), ""))

    def place_both(self, place_id: Any, missing: str = "") -> str:
        if is_missing(place_id):
            return missing
        return both(*self.place(place_id))


def _vocab(df: pd.DataFrame, key: str) -> dict[str, tuple[str, str]]:
    return {str(k): (plain(en), plain(zh)) for k, en, zh in zip(df[key], df["label_en"], df["label_zh"])}


def join(items: Iterable[str], sep: str = "; ") -> str:
    return sep.join(i for i in items if i)
