"""Read ``datapackage.json``: the single description of every table, field, category and rule.

:func:`load_package` checks the descriptor *as a descriptor* before any CSV file is opened and
reports every mistake at once, each as one ``schema-error`` (or ``path-invalid`` /
``path-outside``) :class:`~gbaresearch.dataset.problems.Problem` naming ``datapackage.json``: duplicate
resource names or paths, a resource path that could leave the data directory, a table the
library needs (:data:`REQUIRED`) that is missing, a field listed twice, an unknown type or
constraint, a ``missingValues``/``trueValues``/``falseValues`` that is not a list of strings,
a non-finite or non-numeric bound, an invalid or unsafe pattern (see :mod:`gbaresearch.dataset.limits`),
keys that name no field.

Categorical fields use Table Schema's ``categories`` (a list of values, or of objects with
``value``, ``label`` and this package's extra ``label_zh``) and ``categoriesOrdered``. A field
whose categories are the values of another table's column (``batch``: the batch numbers in
``batches.csv``, so a new batch needs no schema change) says so with
``"gba:categoriesFrom": {"resource": ..., "field": ...}``; its categories are that column's
distinct values in ascending order.
"""

from __future__ import annotations

import json
import math
import os
import re
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .confined import read_beneath
from .limits import MAX_PACKAGE_BYTES, Refused, compile_pattern, path_problem
from .paths import PACKAGE_FILE as PACKAGE_FILE
from .problems import Problem, escape

# The tables the library provides (one ``load_*`` function each, relied on by the notebooks) and
# the fields its cross-table rules read. A descriptor without one of them is not valid.
REQUIRED: dict[str, tuple[str, ...]] = {
    "sources": ("source_id",),
    "batches": ("batch", "announced", "n_cases"),
    "batch_categories": ("batch", "category", "n_cases"),
    "batch_new_fields": ("field_id", "batch"),
    "cases": (
        "case_id",
        "batch",
        "order_in_batch",
        "title_status",
        "category",
        "category_status",
        "lead_level",
        "lead_place",
        "lead_body_en",
        "counterpart",
        "counterpart_status",
        "date_in_force",
    ),
    "case_sources": ("case_id", "fact"),
    "indicators": (),
    "places": ("place_id", "kind", "host_city"),
    "corrections": (),
    "vocab_domains": (),
    "vocab_mechanisms": (),
    "case_domains": ("case_id", "is_primary"),
    "case_mechanisms": (),
    "case_links": ("from_case_id", "to_case_id"),
    "coding_new_fields": (),
}

SUPPORTED_TYPES = frozenset({"string", "integer", "number", "date", "boolean", "any"})  # "any" is kept as text
SUPPORTED_CONSTRAINTS = frozenset({"required", "unique", "pattern", "minimum", "maximum", "enum"})
_RESOURCE_NAME = re.compile(r"[a-z0-9][a-z0-9._-]*", re.ASCII)
COUNTS_KEY = "gba:rowCounts"  # rows per table at the last release (gbaresearch.dataset.release)
COUNTS_VERSION_KEY = "gba:rowCountsVersion"

Value = str | int


class _Described:
    """The titles and descriptions every schema object carries in its descriptor, in English and
    Chinese ("" where the descriptor gives none)."""

    descriptor: dict[str, Any]

    @property
    def title_zh(self) -> str:
        """The Chinese title (``gba:title_zh``), or ""."""
        return str(self.descriptor.get("gba:title_zh", ""))

    @property
    def description(self) -> str:
        """The English description, or ""."""
        return str(self.descriptor.get("description", ""))

    @property
    def description_zh(self) -> str:
        """The Chinese description (``gba:description_zh``), or ""."""
        return str(self.descriptor.get("gba:description_zh", ""))


@dataclass(frozen=True)
class Category:
    """One allowed value of a categorical field, with its English and Chinese labels (the value
    itself when the schema gives no label)."""

    value: Value
    label: str
    label_zh: str
    properties: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)  # the category's gba: keys

    def get(self, key: str, default: Any = None) -> Any:
        """The category's property ``gba:<key>`` (e.g. ``counts_as``), or ``default``."""
        return self.properties.get(f"gba:{key}", default)


@dataclass(frozen=True)
class Field(_Described):
    """One column as the Table Schema describes it."""

    name: str
    type: str
    title: str
    required: bool
    unique: bool
    categories: tuple[Category, ...] | None
    ordered: bool
    categories_from: tuple[str, str] | None
    pattern: str | None
    minimum: float | None
    maximum: float | None
    partial_date: bool
    true_values: tuple[str, ...]
    false_values: tuple[str, ...]
    descriptor: dict[str, Any] = field(compare=False, repr=False)
    regex: Any = field(default=None, compare=False, repr=False)  # compiled by limits.compile_pattern (RE2)

    @property
    def enum(self) -> tuple[Value, ...] | None:
        """The allowed values in schema order, or None when any value is allowed."""
        return None if self.categories is None else tuple(c.value for c in self.categories)

    def labels(self, lang: str = "en") -> dict[Value, str]:
        """Value → label (``lang`` "en" or "zh") of a field with listed categories; {} otherwise."""
        if lang not in ("en", "zh"):
            raise ValueError(f"lang must be 'en' or 'zh', not {lang!r}")
        return {c.value: (c.label if lang == "en" else c.label_zh) for c in self.categories or ()}

    @property
    def sourced_as(self) -> str | None:
        """The ``case_sources`` fact that must back a filled-in value of this field
        (``gba:sourcedAs``), or None. For a field with categories, only the values whose
        ``gba:needsSource`` is true need it."""
        v = self.descriptor.get("gba:sourcedAs")
        return v if isinstance(v, str) else None

    @property
    def source_note(self) -> str:
        """How a missing source for this field is named in a problem (``gba:sourceNote``)."""
        return str(self.descriptor.get("gba:sourceNote", f"its {self.name}"))

    @property
    def source_list(self) -> bool:
        """True when the field holds a list of source ids (``gba:sourceList``)."""
        return bool(self.descriptor.get("gba:sourceList", False))

    @property
    def unit(self) -> str:
        """The unit of a numeric field (``gba:unit``), or "" when it has none."""
        return str(self.descriptor.get("gba:unit", ""))

    def category(self, value: Value) -> Category:
        """The listed category ``value`` (KeyError when the field has no such category)."""
        for c in self.categories or ():
            if c.value == value:
                return c
        raise KeyError(value)

    def values_where(self, key: str, wanted: Any) -> tuple[Value, ...]:
        """The category values, in schema order, whose property ``gba:<key>`` equals ``wanted``."""
        return tuple(c.value for c in self.categories or () if c.get(key) == wanted)

    @property
    def pandas_dtype(self) -> str:
        """The pandas dtype a column of this field is loaded as: ``"category"`` for listed or
        derived categories, ``"datetime64[ns]"`` for full dates, ``"Int64"``, ``"Float64"``,
        ``"boolean"``, else ``"string"`` (partial dates and text)."""
        if self.categories is not None or self.categories_from is not None:
            return "category"
        return _PANDAS_DTYPES.get(self.type, "string")


_PANDAS_DTYPES = {"integer": "Int64", "number": "Float64", "boolean": "boolean", "date": "datetime64[ns]"}


@dataclass(frozen=True)
class ForeignKey:
    """A one-column reference: ``field`` holds values of ``resource``'s ``ref_field``."""

    field: str
    resource: str
    ref_field: str


@dataclass(frozen=True)
class CompositeKey:
    """A reference of several columns: each row's tuple of ``fields`` must be a row's tuple of
    ``ref_fields`` in ``resource`` (checked as tuples, not column by column)."""

    fields: tuple[str, ...]
    resource: str
    ref_fields: tuple[str, ...]


@dataclass(frozen=True)
class Resource(_Described):
    """One table: its file, fields, keys and whether it holds official facts or project coding."""

    name: str
    path: str
    title: str
    provenance: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...]
    missing_values: tuple[str, ...]
    descriptor: dict[str, Any] = field(compare=False, repr=False)
    composite_keys: tuple[CompositeKey, ...] = ()

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    def field(self, name: str) -> Field:
        """The field ``name`` (KeyError when the table has none)."""
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    @property
    def dialect(self) -> object:
        """The CSV dialect as the descriptor gives it (an object, or None)."""
        return self.descriptor.get("dialect")

    @property
    def label_columns(self) -> tuple[str, str] | None:
        """The (English, Chinese) columns that label this table's rows by its one-column primary
        key (``gba:labels``: places, vocabularies), or None."""
        d = self.descriptor.get("gba:labels")
        return (str(d["en"]), str(d["zh"])) if isinstance(d, dict) else None


@dataclass(frozen=True)
class Package(_Described):
    """The parsed descriptor: version, titles and every resource."""

    version: str
    resources: tuple[Resource, ...]
    descriptor: dict[str, Any] = field(compare=False, repr=False)
    source: bytes = field(default=b"", compare=False, repr=False)  # the bytes of datapackage.json that were parsed

    @property
    def title(self) -> str:
        return str(self.descriptor.get("title", ""))

    @property
    def name(self) -> str:
        return str(self.descriptor.get("name", ""))

    @property
    def licences(self) -> list[str]:
        """The names of the dataset's licences, in descriptor order."""
        return [str(x.get("name", "")) for x in self.descriptor.get("licenses", []) if isinstance(x, dict)]

    def labelled_by(self, resource: str, field: str) -> tuple[str, str, str, str] | None:
        """Where the values of ``resource.field`` get their labels from the data: ``(table, key,
        English column, Chinese column)`` when the field is the key of a table with
        ``gba:labels`` or a foreign key to one; None otherwise."""
        res = self.resource(resource)
        if res.label_columns is not None and res.primary_key == (field,):
            return (res.name, field, *res.label_columns)
        for fk in res.foreign_keys:
            target = self.resource(fk.resource)
            if fk.field == field and target.label_columns is not None and target.primary_key == (fk.ref_field,):
                return (target.name, fk.ref_field, *target.label_columns)
        return None

    @property
    def row_counts(self) -> tuple[dict[str, int], str] | None:
        """The rows of each table recorded at the last release (``gba:rowCounts``) and the version
        they were recorded for (``gba:rowCountsVersion``, else the package's version); None when
        no counts are recorded."""
        recorded = self.descriptor.get(COUNTS_KEY)
        if not isinstance(recorded, dict):
            return None
        try:
            counts = {str(k): int(v) for k, v in recorded.items()}
        except (TypeError, ValueError):
            return None
        return counts, str(self.descriptor.get(COUNTS_VERSION_KEY, self.version))

    def provenance_label(self, kind: str, lang: str = "en") -> str:
        """The label in ``lang`` ("en" or "zh") of a table kind (a resource's ``gba:provenance``,
        e.g. "official facts"), from the package's ``gba:provenanceKinds``; the kind itself
        when the descriptor does not label it."""
        entry = (self.descriptor.get("gba:provenanceKinds") or {}).get(kind, {})
        label = entry.get("label_zh" if lang == "zh" else "label") or entry.get("label")
        return str(label) if label else kind

    def resource(self, name: str) -> Resource:
        """The table ``name`` (KeyError when the package has none)."""
        for r in self.resources:
            if r.name == name:
                return r
        raise KeyError(name)

    @property
    def names(self) -> list[str]:
        return [r.name for r in self.resources]


class SchemaError(Exception):
    """``datapackage.json`` is missing or not a valid descriptor; ``problems`` says why."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class _Collector:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def __call__(self, where: str, message: str, code: str = "schema-error") -> None:
        prefix = f"{where}: " if where else ""
        self.problems.append(Problem(PACKAGE_FILE, 0, "-", prefix + message, code))


def _show(x: object) -> str:
    try:
        text = repr(x)
    except ValueError:  # an integer with more digits than Python converts to text
        return "a number with too many digits"
    return text if len(text) <= 60 else text[:60] + "…"


def _is_number(x: object) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _finite(x: float) -> bool:
    """True when ``x`` is a number a float can hold (a 4,000-digit integer is not)."""
    try:
        return math.isfinite(float(x))
    except OverflowError:
        return False


def _str_list(x: object) -> bool:
    return isinstance(x, list) and all(isinstance(v, str) for v in x)


def _names(x: object) -> list[str] | None:
    """A key's field names (a string or a list of strings), or None when malformed."""
    if isinstance(x, str):
        return [x]
    if isinstance(x, list) and x and all(isinstance(v, str) for v in x):
        return [str(v) for v in x]
    return None


def _categories(d: dict[str, Any], where: str, err: _Collector) -> tuple[Category, ...] | None:
    cats = d.get("categories")
    enum = d.get("constraints", {}).get("enum") if isinstance(d.get("constraints"), dict) else None
    if cats is not None and enum is not None:
        err(where, "give the allowed values once, as categories or as constraints.enum, not both")
        return None
    if enum is not None:
        if not isinstance(enum, list) or not all(isinstance(v, str) for v in enum):
            err(where, "constraints.enum must be a list of strings")
            return None
        cats = enum
    if cats is None:
        return None
    if not isinstance(cats, list) or not cats:
        err(where, "categories must be a non-empty list")
        return None
    out: list[Category] = []
    for c in cats:
        if isinstance(c, dict):
            v, label, label_zh = c.get("value"), c.get("label"), c.get("label_zh")
        else:
            v, label, label_zh = c, None, None
        if not isinstance(v, (str, int)) or isinstance(v, bool):
            err(where, f"category {_show(c)} has no string or whole-number value")
            return None
        if label is not None and not isinstance(label, str) or label_zh is not None and not isinstance(label_zh, str):
            err(where, f"category {_show(v)}: labels must be strings")
            return None
        en = label if isinstance(label, str) else str(v)
        zh = label_zh if isinstance(label_zh, str) else en
        extra = {k: x for k, x in c.items() if k.startswith("gba:")} if isinstance(c, dict) else {}
        out.append(Category(v, en, zh, extra))
    values = [c.value for c in out]
    if len(set(values)) != len(values):
        err(where, "a category is listed twice")
        return None
    return tuple(out)


def _bounds(c: dict[str, Any], ftype: object, where: str, err: _Collector) -> list[float | None]:
    """The field's [minimum, maximum] (None where absent or invalid, each problem reported)."""
    bounds: list[float | None] = []
    for k in ("minimum", "maximum"):
        b = c.get(k)
        if b is not None and (not _is_number(b) or not _finite(b)):
            err(where, f"constraints.{k} must be a finite number, not {_show(b)}")
            b = None
        elif b is not None and ftype in SUPPORTED_TYPES and ftype not in ("integer", "number"):
            err(where, f"constraints.{k} applies to integer and number fields, not to a {_show(ftype)} field")
            b = None
        bounds.append(b)
    return bounds


def _pattern(pattern: object, where: str, err: _Collector) -> Any:
    """The compiled ``constraints.pattern`` (None when absent or invalid, the problem reported)."""
    if pattern is None:
        return None
    if not isinstance(pattern, str):
        err(where, "constraints.pattern must be a string")
        return None
    try:
        return compile_pattern(pattern)
    except ValueError as exc:
        err(where, f"pattern {_show(pattern)} {exc}")
        return None


def _field(d: object, where: str, err: _Collector) -> Field | None:
    if not isinstance(d, dict):
        err(where, "a field must be an object")
        return None
    name = d.get("name")
    if not isinstance(name, str) or not name:
        err(where, "a field needs a non-empty string name")
        return None
    where = f"{where}, field {_show(name)}"
    before = len(err.problems)
    ftype = d.get("type", "string")
    if ftype not in SUPPORTED_TYPES:
        err(where, f"unknown type {_show(ftype)} (supported: {', '.join(sorted(SUPPORTED_TYPES))})")
    c = d.get("constraints", {})
    if not isinstance(c, dict):
        err(where, "constraints must be an object")
        c = {}
    for k in c:
        if k not in SUPPORTED_CONSTRAINTS:
            err(where, f"unsupported constraint {_show(k)}")
    for k in ("required", "unique"):
        if k in c and not isinstance(c[k], bool):
            err(where, f"constraints.{k} must be true or false")
    bounds = _bounds(c, ftype, where, err)
    pattern = c.get("pattern")
    regex = _pattern(pattern, where, err)
    cats = _categories(d, where, err)
    ordered = d.get("categoriesOrdered", False)
    if not isinstance(ordered, bool):
        err(where, "categoriesOrdered must be true or false")
    source = d.get("gba:categoriesFrom")
    cfrom = None
    if source is not None:
        if not isinstance(source, dict) or not all(isinstance(source.get(k), str) for k in ("resource", "field")):
            err(where, "gba:categoriesFrom must be an object with string 'resource' and 'field'")
        elif cats is not None:
            err(where, "give categories or gba:categoriesFrom, not both")
        else:
            cfrom = (source["resource"], source["field"])
    tv, fv = d.get("trueValues", ["true"]), d.get("falseValues", ["false"])
    for k, v in (("trueValues", tv), ("falseValues", fv)):
        if not _str_list(v):
            err(where, f"{k} must be a list of strings, not {_show(v)}")
    if _str_list(tv) and _str_list(fv) and set(tv) & set(fv):
        err(where, "trueValues and falseValues overlap")
    partial = d.get("gba:partialDate", False)
    if not isinstance(partial, bool) or (partial and ftype != "string"):
        err(where, "gba:partialDate must be true or false, on a string field")
    for k in ("title", "description"):
        if k in d and not isinstance(d[k], str):
            err(where, f"{k} must be a string")
    if len(err.problems) != before:
        return None
    return Field(
        name=name,
        type=ftype,
        title=d.get("title", name),
        required=bool(c.get("required", False)),
        unique=bool(c.get("unique", False)),
        categories=cats,
        ordered=bool(ordered),
        categories_from=cfrom,
        pattern=pattern,
        minimum=bounds[0],
        maximum=bounds[1],
        partial_date=bool(partial),
        true_values=tuple(tv),
        false_values=tuple(fv),
        descriptor=d,
        regex=regex,
    )


PACKAGE_PROFILES = frozenset({"data-package", "tabular-data-package"})
RESOURCE_PROFILES = frozenset({"data-resource", "tabular-data-resource"})


def _profile(d: dict[str, Any], where: str, allowed: frozenset[str], err: _Collector) -> None:
    """A ``profile`` or ``$schema`` must name a standard profile: one that names a file or a URL
    would be opened or fetched by other tools."""
    for k in ("profile", "$schema"):
        if k in d and d[k] not in allowed:
            err(
                where,
                f"{k} {_show(d[k])} must be one of {', '.join(sorted(allowed))}: "
                "a profile that names a file or URL is not opened",
                "path-invalid",
            )


def _foreign_keys(
    raw_fks: object, name: str, where: str, err: _Collector
) -> tuple[list[ForeignKey], list[CompositeKey]]:
    """The one-column and the composite foreign keys of table ``name`` (each malformed one reported)."""
    fks: list[ForeignKey] = []
    composite: list[CompositeKey] = []
    if not isinstance(raw_fks, list):
        err(where, "schema.foreignKeys must be a list")
        raw_fks = []
    for fk in raw_fks:
        ref = fk.get("reference") if isinstance(fk, dict) else None
        own = _names(fk.get("fields")) if isinstance(fk, dict) else None
        target = _names(ref.get("fields")) if isinstance(ref, dict) else None
        res = ref.get("resource", "") if isinstance(ref, dict) else None
        if own is None or target is None or not isinstance(res, str) or len(own) != len(target):
            err(where, f"foreign key {_show(fk)} needs 'fields' and a 'reference' with 'resource' and as many 'fields'")
            continue
        if len(own) == 1:
            fks.append(ForeignKey(own[0], res or name, target[0]))
        else:
            composite.append(CompositeKey(tuple(own), res or name, tuple(target)))
    return fks, composite


def _resource(d: object, index: int, err: _Collector) -> Resource | None:
    where = f"resources[{index}]"
    if not isinstance(d, dict):
        err(where, "a resource must be an object")
        return None
    name = d.get("name")
    if not isinstance(name, str) or not _RESOURCE_NAME.fullmatch(name):
        err(where, f"resource name {_show(name)} must be lower-case letters, digits, '.', '-' or '_'")
        return None
    where = f"resource {name!r}"
    before = len(err.problems)
    path = d.get("path")
    refused = path_problem(path)
    if refused is not None:
        err(where, f"{refused[1]} (path {_show(path)}); the file is not opened", refused[0])
    dialect = d.get("dialect")
    if isinstance(dialect, str):
        refused = path_problem(dialect)
        if refused is not None:
            err(where, f"dialect: {refused[1]} (dialect {_show(dialect)}); the file is not opened", refused[0])
    elif dialect is not None and not isinstance(dialect, dict):
        err(where, "dialect must be an object or a relative file name")
    _profile(d, where, RESOURCE_PROFILES, err)
    s = d.get("schema")
    if not isinstance(s, dict):
        err(where, "schema must be an object with a list of fields")
        return None
    raw_fields = s.get("fields")
    if not isinstance(raw_fields, list) or not raw_fields:
        err(where, "schema.fields must be a non-empty list")
        return None
    fields = [_field(f, where, err) for f in raw_fields]
    names = [f["name"] for f in raw_fields if isinstance(f, dict) and isinstance(f.get("name"), str)]
    for n in sorted({n for n in names if names.count(n) > 1}):
        err(where, f"field {n!r} is listed {names.count(n)} times")
    mv = s.get("missingValues", [""])
    if not _str_list(mv):
        err(where, f"schema.missingValues must be a list of strings, not {_show(mv)}")
    pk = _names(s.get("primaryKey", [])) if s.get("primaryKey", []) != [] else []
    if pk is None:
        err(where, "schema.primaryKey must be a field name or a list of them")
    elif any(k not in names for k in pk) or len(set(pk)) != len(pk):
        err(where, f"primary key {_show(pk)} must name distinct fields of the table")
    fks, composite = _foreign_keys(s.get("foreignKeys", []), name, where, err)
    for k in ("title", "description", "gba:provenance"):
        if k in d and not isinstance(d[k], str):
            err(where, f"{k} must be a string")
    lab = d.get("gba:labels")
    if lab is not None and (
        not isinstance(lab, dict) or set(lab) != {"en", "zh"} or not all(x in names for x in lab.values())
    ):
        err(where, "gba:labels must be an object whose 'en' and 'zh' name fields of the table")
    if len(err.problems) != before or pk is None or not isinstance(path, str):
        return None
    return Resource(
        name=name,
        path=path,
        title=d.get("title", name),
        provenance=d.get("gba:provenance", "official"),
        fields=tuple(f for f in fields if f is not None),
        primary_key=tuple(pk),
        foreign_keys=tuple(fks),
        missing_values=tuple(mv),
        descriptor=d,
        composite_keys=tuple(composite),
    )


def _cross_checks(resources: list[Resource], err: _Collector) -> None:
    names = {r.name: set(r.field_names) for r in resources}
    for r in resources:
        for ck in r.composite_keys:
            if not set(ck.fields) <= names[r.name] or not set(ck.ref_fields) <= names.get(ck.resource, set()):
                err(
                    f"resource {r.name!r}",
                    f"foreign key {list(ck.fields)} -> {ck.resource}.{list(ck.ref_fields)} does not name existing fields",
                )
        for fk in r.foreign_keys:
            if fk.field not in names[r.name] or fk.ref_field not in names.get(fk.resource, ()):
                err(
                    f"resource {r.name!r}",
                    f"foreign key {fk.field!r} -> {fk.resource}.{fk.ref_field} does not name existing fields",
                )
        for f in r.fields:
            if f.categories_from is not None:
                res, fld = f.categories_from
                if fld not in names.get(res, ()):
                    err(f"resource {r.name!r}, field {f.name!r}", f"gba:categoriesFrom names no field {res}.{fld}")
    for name, needed in REQUIRED.items():
        if name not in names:
            err("", f"resource {name!r} is missing: the library needs it")
            continue
        for fld in needed:
            if fld not in names[name]:
                err(f"resource {name!r}", f"field {fld!r} is missing: the library's rules need it")


def _provenance_kinds(kinds: object, resources: list[Resource], err: _Collector) -> None:
    """``gba:provenanceKinds``, when given, labels every kind of table (``{kind: {"label": …,
    "label_zh": …}}``) and every resource's ``gba:provenance`` is one of them."""
    if kinds is None:
        return
    if not isinstance(kinds, dict) or not all(
        isinstance(v, dict) and isinstance(v.get("label"), str) and isinstance(v.get("label_zh", ""), str)
        for v in kinds.values()
    ):
        err("", "gba:provenanceKinds must map each kind to an object with a string 'label' (and 'label_zh')")
        return
    for r in resources:
        if r.provenance not in kinds:
            err(f"resource {r.name!r}", f"gba:provenance {r.provenance!r} is not one of gba:provenanceKinds")


def parse_package(descriptor: object) -> tuple[Package | None, list[Problem]]:
    """Check a parsed ``datapackage.json`` and build the :class:`Package`; return it (None when
    there are problems) and every problem found."""
    err = _Collector()
    if not isinstance(descriptor, dict):
        err("", "the descriptor must be a JSON object", "package-malformed")
        return None, err.problems
    raw = descriptor.get("resources")
    if not isinstance(raw, list) or not raw:
        err("", "the descriptor needs a non-empty 'resources' list")
        return None, err.problems
    version = descriptor.get("version", "")
    if not isinstance(version, str):
        err("", "version must be a string")
    _profile(descriptor, "", PACKAGE_PROFILES, err)
    seen_names: dict[str, int] = {}
    seen_paths: dict[str, str] = {}
    resources: list[Resource] = []
    for i, r in enumerate(raw):
        if isinstance(r, dict):
            n, p = r.get("name"), r.get("path")
            if isinstance(n, str):
                if n in seen_names:
                    err(f"resources[{i}]", f"resource name {n!r} is already used by resources[{seen_names[n]}]")
                    continue
                seen_names[n] = i
            if isinstance(p, str) and p in seen_paths:
                err(f"resource {n!r}", f"path {p!r} is already used by resource {seen_paths[p]!r}")
                continue
            if isinstance(p, str):
                seen_paths[p] = str(n)
        res = _resource(r, i, err)
        if res is not None:
            resources.append(res)
    _provenance_kinds(descriptor.get("gba:provenanceKinds"), resources, err)
    if not err.problems:
        _cross_checks(resources, err)
    if err.problems:
        return None, err.problems
    return Package(version=str(version), resources=tuple(resources), descriptor=descriptor), []


_CACHE: dict[tuple[str, int, int, int, int], tuple[Package | None, list[Problem]]] = {}


def load_package(directory: Path, root: int | None = None) -> tuple[Package | None, list[Problem]]:
    """Read and check ``directory/datapackage.json``; return the package (None when it has
    problems) and the problems. Never raises for bad content.

    The result is kept for as long as the file keeps its inode, size and modification time, so
    repeated loads do not parse and check the descriptor again."""
    path = Path(directory) / PACKAGE_FILE
    try:
        st = os.lstat(path)
        key = (str(Path(directory).resolve()), st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    except (OSError, ValueError, RuntimeError):
        key = None
    if key is not None and key in _CACHE:
        package, problems = _CACHE[key]
        return package, list(problems)
    result = _load_package(directory, root)
    if key is not None and stat.S_ISREG(st.st_mode):
        if len(_CACHE) >= 16:
            _CACHE.clear()
        _CACHE[key] = (result[0], list(result[1]))
    return result


def _one(message: str, code: str) -> tuple[None, list[Problem]]:
    return None, [Problem(PACKAGE_FILE, 0, "-", message, code)]


def _load_package(directory: Path, root: int | None) -> tuple[Package | None, list[Problem]]:
    one = _one
    try:
        data = read_beneath(directory if root is None else root, PACKAGE_FILE, MAX_PACKAGE_BYTES)
    except Refused as exc:
        if exc.code == "file-missing":
            return one(f"{PACKAGE_FILE} not found in {escape(str(directory))}", "package-missing")
        if exc.code == "file-too-large":
            return one(f"{PACKAGE_FILE} is larger than {MAX_PACKAGE_BYTES} bytes: it is not read", exc.code)
        if exc.code in ("path-outside", "path-loop", "data-dir-missing"):
            return one(exc.reason, exc.code)
        return one(f"{PACKAGE_FILE} {exc.reason}", exc.code)
    package, problems = _parse_bytes(data)
    return package, list(problems)


# Parsed descriptors by their bytes: copies of a data directory (a new inode each, so the
# file-identity cache above misses) share one parse of the same descriptor.
_PARSED: dict[bytes, tuple[Package | None, list[Problem]]] = {}


def _parse_bytes(data: bytes) -> tuple[Package | None, list[Problem]]:
    """Parse and check the bytes of ``datapackage.json``: the package (None when it has
    problems) and the problems; the same bytes give the same (shared) result."""
    if data in _PARSED:
        return _PARSED[data]
    result = _parse_text(data)
    if len(_PARSED) >= 16:
        _PARSED.clear()
    _PARSED[data] = result
    return result


def _parse_text(data: bytes) -> tuple[Package | None, list[Problem]]:
    one = _one
    duplicates: list[str] = []
    try:
        descriptor = json.loads(data.decode("utf-8"), object_pairs_hook=lambda pairs: _object(pairs, duplicates))
    except UnicodeDecodeError:
        return one(f"{PACKAGE_FILE} is malformed: it is not UTF-8 text", "package-malformed")
    except ValueError as exc:
        return one(f"{PACKAGE_FILE} is malformed: {exc!r}", "package-malformed")
    except RecursionError:
        return one(f"{PACKAGE_FILE} is malformed: it is nested too deeply", "package-malformed")
    if duplicates:
        shown = ", ".join(repr(k) for k in dict.fromkeys(duplicates[:5]))
        return one(
            f"{PACKAGE_FILE} is malformed: a JSON object gives the same key twice ({shown}); "
            "the second would silently replace the first",
            "package-malformed",
        )
    package, problems = parse_package(descriptor)
    if package is not None:
        package = replace(package, source=data)
    return package, problems


def _object(pairs: list[tuple[str, Any]], duplicates: list[str]) -> dict[str, Any]:
    """A JSON object as a dict; keys given twice are noted in ``duplicates``."""
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            duplicates.append(k)
        out[k] = v
    return out


def descriptor_text(descriptor: dict[str, Any]) -> str:
    """``descriptor`` as the text of ``datapackage.json``: two-space indentation, Chinese kept
    as written, a final newline."""
    return json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n"


def released_text(package: Package, version: str, counts: Mapping[str, int]) -> str:
    """The text of ``datapackage.json`` for a release: ``package``'s descriptor as parsed, with
    ``version`` set and ``counts`` (rows per table) recorded as that version's
    (``gba:rowCounts``, ``gba:rowCountsVersion``), read back by :attr:`Package.row_counts`."""
    descriptor = dict(json.loads(package.source.decode("utf-8")))
    descriptor["version"] = version
    descriptor[COUNTS_KEY] = dict(counts)
    descriptor[COUNTS_VERSION_KEY] = version
    return descriptor_text(descriptor)


def read_package(directory: Path) -> Package:
    """Parse ``directory/datapackage.json`` into a :class:`Package`; raise :class:`SchemaError`
    (with every problem) when it is missing or invalid."""
    package, problems = load_package(directory)
    if package is None:
        raise SchemaError(problems)
    return package
