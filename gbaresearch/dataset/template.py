"""The annotated announcement file that ``gbaresearch template`` prints: every section and field
of an announcement (:mod:`gbaresearch.dataset.announce`), each explained by the schema's own description
with its type and allowed values, so the template follows ``datapackage.json`` as it changes."""

from __future__ import annotations

import os
import textwrap

from .announce import BATCH_KEY, CASE_SOURCES_SHORT, CASES_KEY, CATEGORIES_SHORT, SOURCES_KEY, children, source_fields
from .paths import data_dir as _data_dir
from .schema import Field, Package, Resource, read_package


def _describe(fld: Field, package: Package, source_field: bool = False) -> str:
    """A field's description from the schema, with its type and allowed values."""
    text = fld.description or fld.title
    notes = []
    if fld.required:
        notes.append("required")
    if fld.type not in ("string", "any"):
        notes.append(fld.type + (" YYYY-MM-DD" if fld.type == "date" else ""))
    if fld.partial_date:
        notes.append("YYYY, YYYY-MM or YYYY-MM-DD")
    if fld.categories:
        notes.append(
            "one of: "
            + "; ".join(f"{c.value} = {c.label}" if c.label != str(c.value) else str(c.value) for c in fld.categories)
        )
    if fld.categories_from and fld.name != package.resource(fld.categories_from[0]).primary_key[0]:
        notes.append(f"a {fld.categories_from[1]} of {package.resource(fld.categories_from[0]).path}")
    if source_field:
        notes.append("a source key of this file, or a source_id in sources.csv")
    return text + (f" [{'; '.join(notes)}]" if notes else "")


def _comment(text: str, indent: str, width: int = 96) -> list[str]:
    return [indent + "# " + line for line in textwrap.wrap(text, width - len(indent) - 2)]


def _fields(res: Resource, package: Package, indent: str, skip: set[str], first: str = "") -> list[str]:
    out: list[str] = []
    lead = first
    for fld in res.fields:
        if fld.name in skip:
            continue
        out += _comment(_describe(fld, package, fld.name in source_fields(package).get(res.name, ())), indent)
        out.append(f"{indent}{lead}{fld.name}:")
        if lead:
            indent, lead = indent + "  ", ""
    return out


def _nested_template(package: Package, parent: str, indent: str, skip: set[str]) -> list[str]:
    out: list[str] = []
    for child, fk in children(package, parent).items():
        if child in skip:
            continue
        res = package.resource(child)
        kind = package.provenance_label(res.provenance)
        out += _comment(f"{child} ({kind}): {res.title}. A list; each row:", indent)
        out.append(f"{indent}{child}:")
        own = _fields(res, package, indent + "  ", {fk}, first="- ")
        own_indent = indent + "    "
        grand = _nested_template(package, child, own_indent, set()) if len(res.primary_key) == 1 else []
        out += own + grand
    return out


def template(data_dir: str | os.PathLike[str] | None = None) -> str:
    """An annotated announcement file: every section and field, each explained by the schema's
    description with its allowed values. Fill it in and run ``gbaresearch add``."""
    package = read_package(_data_dir(data_dir))
    out = [
        "# An announcement for gbaresearch: one batch (or cases added to a batch) in one file.",
        f"# Generated from datapackage.json (data version {package.version}). Fill in what the sources",
        "# say; leave a value empty when it is not known (it is written as NA); delete rows and",
        "# sections you do not need. Check and write it with: gbaresearch add THIS_FILE.yaml",
        "# Rules for every value: data/CODEBOOK.md. Write values as in the CSV files (codes in",
        "# lower case, dates YYYY-MM-DD, true/false).",
        "",
        "# New sources: a short key of your choice (used below to cite it) and the source's fields.",
        "# The source_id is assigned. Cite an existing source by its id (S12) instead.",
        f"{SOURCES_KEY}:",
        "  announcement:",
    ]
    out += _fields(package.resource("sources"), package, "    ", {"source_id"})
    out += [
        "",
        "# The batch. To add cases to a batch that exists already, give only its number.",
        f"{BATCH_KEY}:",
    ]
    out += _fields(package.resource("batches"), package, "  ", set())
    cat = package.resource("batch_categories").field("category")
    out += _comment(
        "categories: the official number of cases in each category (0 when not used); cited to the "
        "batch's source_id. " + _describe(cat, package),
        "  ",
    )
    out.append(f"  {CATEGORIES_SHORT}:")
    for c in cat.categories or ():
        out.append(f"    {c.value}:")
    out += _nested_template(package, "batches", "  ", {"cases", "batch_categories"})
    out += [
        "",
        "# The cases you can identify, one list item each. case_id and batch are filled in:",
        "# B<batch>-<order as two digits> when order_in_batch is known, else the next free letter.",
        f"{CASES_KEY}:",
    ]
    case_fields = _fields(package.resource("cases"), package, "  ", {"case_id", "batch"}, first="- ")
    out += case_fields
    fact = package.resource("case_sources").field("fact")
    membership = str(fact.values_where("membership", True)[0])  # the fact that lists a case in its batch
    out += _comment(
        "sources: the facts each source supports, fact: source key or id (or a list of them, or of "
        f"{{source: KEY, support: fallback, notes: ...}}). Every case needs '{membership}', and one row for each "
        "fact filled above. " + _describe(fact, package),
        "    ",
    )
    out += [f"    {CASE_SOURCES_SHORT}:", f"      {membership}: announcement"]
    out += _nested_template(package, "cases", "    ", {"case_sources"})
    return "\n".join(out) + "\n"
