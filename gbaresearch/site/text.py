"""Text from the data made safe for pages: MyST/Markdown and HTML escaping, link targets, and
bilingual labels as pairs for pages (:class:`Labels`, a view of :mod:`gbaresearch.labels`)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, urlsplit

import pandas as pd

from ..labels import label_pairs
from ..markdown import escape
from ..schema import Field, Package

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


def field_labels(field: Field) -> list[tuple[str, str, str]]:
    """(value, English label, Chinese label) for each listed category of a schema field, in
    schema order; empty for a field without listed categories."""
    return [(str(c.value), c.label, c.label_zh) for c in field.categories or ()]


class Labels:
    """Bilingual labels for pages, as (English, Chinese) pairs: a view of
    :mod:`gbaresearch.labels` over the tables of ``ds``. A missing label is the code itself."""

    def __init__(self, ds: Any, package: Package | None = None) -> None:
        self.ds = ds
        self.package = package if package is not None else ds.package
        self._pairs: dict[tuple[str, str], dict[str, tuple[str, str]]] = {}

    def _values(self, resource: str, name: str) -> dict[str, tuple[str, str]]:
        key = (resource, name)
        if key not in self._pairs:
            try:
                pairs = label_pairs(self.ds[resource], name)
            except (KeyError, ValueError):
                pairs = {}
            self._pairs[key] = {str(v): (plain(en), plain(zh)) for v, (en, zh) in pairs.items()}
        return self._pairs[key]

    def field(self, resource: str, name: str) -> tuple[str, str]:
        """(English title, Chinese title) of a field."""
        try:
            f = self.package.resource(resource).field(name)
        except KeyError:
            return name, ""
        return plain(f.title) or name, plain(f.title_zh)

    def field_both(self, resource: str, name: str) -> str:
        return both(*self.field(resource, name))

    def table(self, resource: str) -> tuple[str, str]:
        """(English title, Chinese title) of a table."""
        try:
            r = self.package.resource(resource)
        except KeyError:
            return resource, ""
        return plain(r.title) or resource, plain(r.title_zh)

    def value(self, resource: str, name: str, value: Any) -> tuple[str, str]:
        """(English, Chinese) label of a value; the value itself when no label exists."""
        if is_missing(value):
            return "", ""
        v = str(value)
        en, zh = self._values(resource, name).get(v, (v, v))
        return en or v, zh or en or v

    def value_both(self, resource: str, name: str, value: Any, missing: str = "") -> str:
        if is_missing(value):
            return missing
        return both(*self.value(resource, name, value))

    @property
    def places(self) -> dict[str, tuple[str, str]]:
        """Place id → (English name, Chinese name)."""
        return self._values("places", self.package.resource("places").primary_key[0])

    def place(self, place_id: Any) -> tuple[str, str]:
        if is_missing(place_id):
            return "", ""
        return self.places.get(str(place_id), (str(place_id), ""))

    def place_both(self, place_id: Any, missing: str = "") -> str:
        if is_missing(place_id):
            return missing
        return both(*self.place(place_id))


def join(items: Iterable[str], sep: str = "; ") -> str:
    return sep.join(i for i in items if i)
