"""Read ``datapackage.json``: the single description of every table, field and rule."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

PACKAGE_FILE = "datapackage.json"


@dataclass(frozen=True)
class Field:
    """One column as the Table Schema describes it."""

    name: str
    type: str
    title: str
    required: bool
    enum: tuple[str, ...] | None
    pattern: str | None
    minimum: float | None
    maximum: float | None
    partial_date: bool
    descriptor: dict
    ordered: bool = False
    labels: tuple[tuple[str, str, str], ...] = ()


@dataclass(frozen=True)
class ForeignKey:
    field: str
    resource: str
    ref_field: str


@dataclass(frozen=True)
class Resource:
    """One table: its file, fields, keys and whether it holds official facts or project coding."""

    name: str
    path: str
    title: str
    provenance: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...]
    missing_values: tuple[str, ...]
    descriptor: dict

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)


@dataclass(frozen=True)
class Package:
    version: str
    resources: tuple[Resource, ...]
    descriptor: dict

    def resource(self, name: str) -> Resource:
        for r in self.resources:
            if r.name == name:
                return r
        raise KeyError(name)

    @property
    def names(self) -> list[str]:
        return [r.name for r in self.resources]


class SchemaError(Exception):
    """``datapackage.json`` itself is missing or malformed."""


def _field(d: dict) -> Field:
    c = d.get("constraints", {})
    enum = c.get("enum")
    cats = d.get("categories")
    labels: tuple[tuple[str, str, str], ...] = ()
    if cats is not None:
        values = [v["value"] if isinstance(v, dict) else v for v in cats]
        labels = tuple(
            (v["value"], v.get("label", v["value"]), v.get("label_zh", v.get("label", v["value"])))
            if isinstance(v, dict)
            else (v, v, v)
            for v in cats
        )
        enum = values if enum is None else [v for v in values if v in enum]
    return Field(
        name=d["name"],
        type=d.get("type", "string"),
        title=d.get("title", d["name"]),
        required=bool(c.get("required", False)),
        enum=tuple(enum) if enum is not None else None,
        pattern=c.get("pattern"),
        minimum=c.get("minimum"),
        maximum=c.get("maximum"),
        partial_date=bool(d.get("gba:partialDate", False)),
        descriptor=d,
        ordered=bool(d.get("categoriesOrdered", False)),
        labels=labels,
    )


def _resource(d: dict) -> Resource:
    s = d["schema"]
    pk = s.get("primaryKey", [])
    fks = []
    for fk in s.get("foreignKeys", []):
        fields = fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]]
        ref = fk["reference"]
        ref_fields = ref["fields"] if isinstance(ref["fields"], list) else [ref["fields"]]
        for a, b in zip(fields, ref_fields):
            fks.append(ForeignKey(a, ref.get("resource") or d["name"], b))
    return Resource(
        name=d["name"],
        path=d["path"],
        title=d.get("title", d["name"]),
        provenance=d.get("gba:provenance", "official"),
        fields=tuple(_field(f) for f in s["fields"]),
        primary_key=tuple([pk] if isinstance(pk, str) else pk),
        foreign_keys=tuple(fks),
        missing_values=tuple(s.get("missingValues", [""])),
        descriptor=d,
    )


SUPPORTED_TYPES = {"string", "integer", "number", "date", "boolean", "any"}  # "any" is kept as text


def _check_schema(package: Package) -> None:
    """Refuse a schema the validator cannot apply, naming the resource and field."""
    import re

    names = {r.name: set(r.field_names) for r in package.resources}
    for r in package.resources:
        for f in r.fields:
            where = f"resource {r.name!r}, field {f.name!r}"
            if f.type not in SUPPORTED_TYPES:
                raise SchemaError(f"{PACKAGE_FILE}: {where}: unsupported type {f.type!r}")
            if f.pattern is not None:
                try:
                    re.compile(f.pattern)
                except (re.error, TypeError) as exc:
                    raise SchemaError(
                        f"{PACKAGE_FILE}: {where}: pattern {f.pattern!r} is not a valid regular expression ({exc})"
                    ) from None
            for bound in (f.minimum, f.maximum):
                if bound is not None and (isinstance(bound, bool) or not isinstance(bound, (int, float))):
                    raise SchemaError(f"{PACKAGE_FILE}: {where}: minimum and maximum must be numbers, not {bound!r}")
            if f.enum is not None and not all(isinstance(v, str) for v in f.enum):
                raise SchemaError(f"{PACKAGE_FILE}: {where}: enum values must be strings")
        for k in r.primary_key:
            if k not in names[r.name]:
                raise SchemaError(f"{PACKAGE_FILE}: resource {r.name!r}: primary key field {k!r} is not a field")
        for fk in r.foreign_keys:
            if fk.field not in names[r.name] or fk.ref_field not in names.get(fk.resource, ()):
                raise SchemaError(
                    f"{PACKAGE_FILE}: resource {r.name!r}: foreign key {fk.field!r} -> "
                    f"{fk.resource}.{fk.ref_field} does not name existing fields"
                )


def read_package(directory: Path) -> Package:
    """Parse ``directory/datapackage.json`` into a :class:`Package`; raise :class:`SchemaError`."""
    path = Path(directory) / PACKAGE_FILE
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8"))
        resources = tuple(_resource(r) for r in descriptor["resources"])
        package = Package(version=str(descriptor.get("version", "")), resources=resources, descriptor=descriptor)
        _check_schema(package)
        return package
    except FileNotFoundError:
        raise SchemaError(f"{PACKAGE_FILE} not found in {directory}") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise SchemaError(f"{PACKAGE_FILE} is malformed: {exc!r}") from None
