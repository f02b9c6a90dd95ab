"""Render the field reference of ``data/CODEBOOK.md`` from ``datapackage.json``.

The codebook's prose (coding rules, edge cases) is written by hand; the part between the
markers below is generated, so every field and every allowed value is documented exactly as
the schema defines it. ``gbaresearch codebook --write`` rewrites that part in place;
the tests fail when it is out of date.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..dataset.confined import write_beneath
from ..dataset.limits import read_bounded
from ..dataset.paths import data_dir
from ..dataset.problems import escape
from ..dataset.schema import Field, read_package

MAX_CODEBOOK_BYTES = 16 * 1024 * 1024


def _e(value: object) -> str:
    """A value from the data on one line: line breaks, terminal escapes and invisible characters
    written as escapes, ``|`` escaped for the Markdown table."""
    return escape(str(value)).replace("|", "\\|")


START = (
    "<!-- field reference: generated from datapackage.json by `gbaresearch codebook --write`; do not edit by hand -->"
)
# The marker as earlier versions wrote it: a codebook that still has it is rewritten in place.
OLD_STARTS = (
    "<!-- field reference: generated from datapackage.json by `python -m gbaresearch.codebook`; do not edit by hand -->",  # noqa: E501
)
END = "<!-- end of field reference -->"


def _type(f: Field) -> str:
    if f.partial_date:
        return "partial date"
    return str(f.type)


def _property(value: object) -> str:
    """A category property as codebook text: lists joined by commas, objects as ``key → value``
    pairs, true and false as "yes" and "no"."""
    if isinstance(value, dict):
        return ", ".join(f"{_e(k)} → {_property(v)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(f"`{_e(v)}`" for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return f"`{_e(value)}`"


def _constraints(f: Field) -> str:
    parts = []
    if f.required:
        parts.append("required")
    if f.unique:
        parts.append("unique")
    if f.minimum is not None:
        parts.append(f"≥ {f.minimum:g}")
    if f.maximum is not None:
        parts.append(f"≤ {f.maximum:g}")
    if f.pattern and not f.partial_date:
        parts.append(f"pattern `{_e(f.pattern)}`")
    if f.categories:
        shown = [
            f"`{_e(c.value)}`"
            + (f" ({_e(c.label)} / {_e(c.label_zh)})" if c.label != str(c.value) else "")
            + "".join(f" [{_e(k.removeprefix('gba:'))}: {_property(v)}]" for k, v in c.properties.items())
            for c in f.categories
        ]
        parts.append(("one of, in order: " if f.ordered else "one of ") + ", ".join(shown))
    if f.categories_from:
        res, fld = f.categories_from
        parts.append(f"categories: the values of `{_e(res)}.{_e(fld)}`" + (", ordered" if f.ordered else ""))
    return "; ".join(parts) or "optional"


def render(directory: str | os.PathLike[str] | None = None) -> str:
    """The generated markdown: one section per table, one row per field."""
    pkg = read_package(data_dir(directory))
    out = [START, ""]
    for res in pkg.resources:
        out.append(f"### `{_e(res.path)}` · {_e(res.title)} / {_e(res.title_zh)}")
        out.append("")
        out.append(f"*{_e(pkg.provenance_label(res.provenance))}.* {_e(res.description)}  ")
        out.append(f"{_e(res.description_zh)}  ")
        keys = ", ".join(f"`{_e(k)}`" for k in res.primary_key)
        fks = "; ".join(
            [f"`{_e(fk.field)}` → `{_e(fk.resource)}.{_e(fk.ref_field)}`" for fk in res.foreign_keys]
            + [
                f"`({_e(', '.join(ck.fields))})` → `{_e(ck.resource)}.({_e(', '.join(ck.ref_fields))})`"
                for ck in res.composite_keys
            ]
        )
        key_text = f"Primary key: {keys}." if keys else "No primary key (rows may repeat a case)."
        out.append(key_text + (f" Foreign keys: {fks}." if fks else ""))
        out.append("")
        out.append("| field | type | constraints | meaning | 说明 |")
        out.append("|---|---|---|---|---|")
        for f in res.fields:
            desc = _e(f.description)
            zh = _e(f.description_zh)
            out.append(f"| `{_e(f.name)}` | {_type(f)} | {_constraints(f)} | **{_e(f.title)}.** {desc} | {zh} |")
        out.append("")
    out += _vocabularies(data_dir(directory))
    out.append(END)
    return "\n".join(out)


def _vocabularies(directory: Path) -> list[str]:
    """The project's coding vocabularies, listed from their tables."""
    from ..dataset.csvfile import read_records

    out = []
    for name, key, title in (
        ("vocab_domains", "domain", "Policy domains"),
        ("vocab_mechanisms", "mechanism", "Connection mechanisms"),
    ):
        rows = read_records(directory / f"{name}.csv")[1]
        out += [
            f"### Vocabulary: {title.lower()} (`{name}.csv`)",
            "",
            f"| {key} | label | 中文 | definition |",
            "|---|---|---|---|",
        ]
        out += [
            f"| `{_e(r[key])}` | {_e(r['label_en'])} | {_e(r['label_zh'])} | {_e(r['definition_en'])} |" for r in rows
        ]
        out.append("")
    return out


def update(
    path: str | os.PathLike[str] | None = None, directory: str | os.PathLike[str] | None = None, write: bool = True
) -> bool:
    """Rewrite the generated part of the codebook at ``path`` (default ``<data>/CODEBOOK.md``) from
    the ``datapackage.json`` of ``directory`` (default: the folder of ``path``); return True when
    it changed (with ``write=False`` only say whether it would change).

    The codebook is read and written without following a symbolic link out of its folder, and
    only when it is a regular file of at most 16 MiB (:mod:`gbaresearch.dataset.confined`); otherwise
    :class:`~gbaresearch.dataset.limits.Refused` says why."""
    path = Path(path) if path is not None else data_dir() / "CODEBOOK.md"
    directory = directory if directory is not None else path.parent
    text = read_bounded(path, MAX_CODEBOOK_BYTES).decode("utf-8", "replace")
    start = next((m for m in (START, *OLD_STARTS) if m in text), START)
    head, _, rest = text.partition(start)
    _, _, tail = rest.partition(END)
    new = head + render(directory) + tail
    if new != text:
        if write:
            write_beneath(path.parent, path.name, new.encode("utf-8"))
        return True
    return False
