"""The one way to label the data: titles, units and category labels that travel with each table.

:func:`~gbaresearch.dataset.load.load_dataset` calls :func:`describe` on every table it returns, which
stores in ``DataFrame.attrs["gba"]`` what the schema (``datapackage.json``) says of it: the
table's title, each field's title, description and unit, and the English and Chinese label of
each value. Values are labelled by the schema's ``categories``, or, for a field that is the key
of (or a foreign key to) a table with ``gba:labels`` (places, vocabularies), by that table's
label columns. pandas keeps ``attrs`` through copies, column selections and row filters, so a
notebook, the site and the exports all label from the same place. The metadata is a read-only
:class:`TableMeta`, shared (not copied) by every frame derived from a table: pandas deep-copies
``attrs`` on nearly every operation, and a shared object keeps that free::

    from gbaresearch.dataset.labels import labels, title

    labels(ds.cases, "category", "both")  # {"cross_border_flows": "Cross-border flows / 要素跨境流动", ...}
    title(ds.cases, "lead_place", "zh")
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import Any

import pandas as pd

from .schema import Field, Package

LANGS = ("en", "zh", "both")
_KEY = "gba"

Pair = tuple[str, str]


def _pair(en: Any, zh: Any, fallback: str) -> Pair:
    e = "" if en is None or pd.isna(en) else str(en)
    z = "" if zh is None or pd.isna(zh) else str(zh)
    return (e or fallback, z or e or fallback)


def _value_labels(package: Package, table: str, f: Field, tables: Mapping[str, pd.DataFrame]) -> dict[Any, Pair]:
    if f.categories is not None:
        return {c.value: (c.label, c.label_zh) for c in f.categories}
    source = package.labelled_by(table, f.name)
    if source is not None:
        name, key, en, zh = source
        df = tables[name]
        return {k: _pair(a, b, str(k)) for k, a, b in zip(df[key], df[en], df[zh]) if not pd.isna(k)}
    col = tables[table][f.name]
    if isinstance(col.dtype, pd.CategoricalDtype):
        return {v: (str(v), str(v)) for v in col.cat.categories}
    return {}


class TableMeta(Mapping[str, Any]):
    """The read-only metadata of one table (keys ``table``, ``title`` and ``fields``), nested
    mappings all read-only. Copying returns the object itself, so frames derived from a table
    share one metadata object however often pandas copies ``attrs``."""

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, Any]) -> None:
        self._data = _frozen(data)

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __eq__(self, other: object) -> bool:
        return self is other or (isinstance(other, Mapping) and dict(self.items()) == dict(other.items()))

    __hash__ = None  # type: ignore[assignment]

    def __copy__(self) -> TableMeta:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> TableMeta:
        return self

    def __reduce__(self) -> tuple[type[TableMeta], tuple[dict[str, Any]]]:
        return (TableMeta, (_thawed(self._data),))

    def __repr__(self) -> str:
        return f"TableMeta({self._data.get('table')!r})"


def _frozen(value: Any) -> Any:
    if isinstance(value, Mapping):
        return MappingProxyType({k: _frozen(v) for k, v in value.items()})
    return value


def _thawed(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _thawed(v) for k, v in value.items()}
    return value


def describe(package: Package, tables: Mapping[str, pd.DataFrame]) -> None:
    """Store the schema's metadata of every table of ``package`` in its frame's
    ``attrs["gba"]`` as a :class:`TableMeta` (in place); ``tables`` holds every table by name. Returns nothing."""
    for res in package.resources:
        fields = {}
        for f in res.fields:
            fields[f.name] = {
                "title": (f.title, f.title_zh or f.title),
                "description": (f.description, f.description_zh),
                "unit": f.unit,
                "labels": _value_labels(package, res.name, f, tables),
                "properties": {c.value: dict(c.properties) for c in f.categories or ()},
            }
        tables[res.name].attrs[_KEY] = TableMeta(
            {"table": res.name, "title": (res.title, res.title_zh or res.title), "fields": fields}
        )


def _meta(frame: pd.DataFrame | pd.Series) -> Mapping[str, Any]:
    meta = frame.attrs.get(_KEY)
    if not isinstance(meta, TableMeta):
        raise ValueError("this frame carries no dataset metadata: take it from load_dataset()")
    return meta


def _field(frame: pd.DataFrame | pd.Series, field: str | None) -> dict[str, Any]:
    name = field if field is not None else str(getattr(frame, "name", ""))
    fields = _meta(frame)["fields"]
    if name not in fields:
        raise KeyError(f"table {_meta(frame)['table']!r} has no field {name!r}")
    return dict(fields[name])


def _pick(pair: Pair, lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}, not {lang!r}")
    en, zh = pair
    if lang == "en":
        return en
    if lang == "zh":
        return zh
    return en if not zh or zh == en else f"{en} / {zh}"


def label_pairs(frame: pd.DataFrame | pd.Series, field: str | None = None) -> dict[Any, Pair]:
    """Value → (English label, Chinese label) of a field of a loaded table, in category (or
    key) order; ``field`` defaults to the name of a column ``frame``. A field with no labelled
    values gives each distinct value of the column as its own label."""
    labels: Mapping[Any, Pair] = _field(frame, field)["labels"]
    if labels:
        return dict(labels)
    col = frame if isinstance(frame, pd.Series) else frame[field]
    return {v: (str(v), str(v)) for v in sorted(col.dropna().unique())}


def labels(frame: pd.DataFrame | pd.Series, field: str | None = None, lang: str = "en") -> dict[Any, str]:
    """Value → label of a field of a loaded table in ``lang`` ("en", "zh", or "both" for
    ``English / 中文``), in category order (see :func:`label_pairs`)."""
    return {v: _pick(p, lang) for v, p in label_pairs(frame, field).items()}


def title(frame: pd.DataFrame | pd.Series, field: str | None = None, lang: str = "en") -> str:
    """The title of a field of a loaded table (of the table itself when ``frame`` is a
    DataFrame and ``field`` is None) in ``lang``."""
    if field is None and isinstance(frame, pd.DataFrame):
        return _pick(tuple(_meta(frame)["title"]), lang)
    return _pick(tuple(_field(frame, field)["title"]), lang)


def unit(frame: pd.DataFrame | pd.Series, field: str | None = None) -> str:
    """The unit of a numeric field of a loaded table (``gba:unit``), or ""."""
    return str(_field(frame, field)["unit"])


def properties(frame: pd.DataFrame | pd.Series, field: str | None = None) -> dict[Any, dict[str, Any]]:
    """Category value → its ``gba:`` properties (e.g. ``{"gba:marker": "o"}``), in schema order."""
    props: Mapping[Any, Mapping[str, Any]] = _field(frame, field)["properties"]
    return {v: dict(p) for v, p in props.items()}


def values_where(frame: pd.DataFrame | pd.Series, field: str | None, key: str, wanted: Any) -> tuple[Any, ...]:
    """The category values of a field, in schema order, whose property ``gba:<key>`` is
    ``wanted`` (e.g. the source kinds that count as original pages)."""
    props: Mapping[Any, Mapping[str, Any]] = _field(frame, field)["properties"]
    return tuple(v for v, p in props.items() if p.get(f"gba:{key}") == wanted)


def rows_where(frame: pd.DataFrame, field: str, key: str, wanted: Any = True) -> pd.Series:
    """Which rows of ``frame`` hold, in ``field``, a category whose property ``gba:<key>`` is
    ``wanted`` (see :func:`values_where`): a boolean Series on ``frame``'s index, False for a
    missing value."""
    return frame[field].isin(values_where(frame, field, key, wanted))
