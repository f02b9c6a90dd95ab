"""Exports of the validated dataset for readers who work outside Python.

:func:`export` writes any of these into an output directory (default names carry the data
version ``V``):

- ``zip``: ``gbaresearch-data-V.zip``, the Frictionless data package (``datapackage.json``, every
  CSV, ``CODEBOOK.md``, ``CHANGELOG.md``, ``CITATION.cff``) in a folder ``gbaresearch-data-V/``;
  it passes ``frictionless validate`` once unzipped;
- ``xlsx``: ``gbaresearch-V.xlsx``, one sheet per table plus ``README`` and ``codebook`` sheets.
  Text is always stored as text: a cell beginning with ``=``, ``+``, ``-`` or ``@`` never becomes
  a formula;
- ``csv``: ``gbaresearch-cases-V.csv``, one row per identified case (:func:`case_table`);
- ``dta``: ``gbaresearch-cases-V.dta``, the same table for Stata with variable labels and value
  labels for every categorical variable.

Output directories follow :mod:`gbaresearch.site.output`: only files this function wrote are
ever replaced; other files in the directory are left untouched and never overwritten.
"""

from __future__ import annotations

import io
import os
import tempfile
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from .site.text import field_labels

FORMATS = ("zip", "xlsx", "csv", "dta")
FORMULA_START = ("=", "+", "-", "@")
EXTRA_FILES = ("CODEBOOK.md", "CHANGELOG.md")


class ExportError(ValueError):
    """An unknown format was asked for."""


def file_names(version: str) -> dict[str, str]:
    """File name per format for data version ``version``."""
    v = "".join(ch if ch.isalnum() or ch in ".-_" else "_" for ch in version) or "unversioned"
    return {
        "zip": f"gbaresearch-data-{v}.zip",
        "xlsx": f"gbaresearch-{v}.xlsx",
        "csv": f"gbaresearch-cases-{v}.csv",
        "dta": f"gbaresearch-cases-{v}.dta",
    }


def export(
    formats: Iterable[str] | None,
    out_dir: Path,
    data_dir: str | os.PathLike[str] | None = None,
    dataset: Any = None,
) -> list[Path]:
    """Validate the data in ``data_dir`` (default: as :func:`gbaresearch.load_dataset`) and write
    the requested ``formats`` (default all of :data:`FORMATS`) into ``out_dir``; return the
    written paths in the order asked. With ``dataset`` (a loaded
    :class:`~gbaresearch.load.Dataset`), write that validated snapshot instead of loading again.

    Raises :class:`~gbaresearch.problems.DataValidationError` for invalid data,
    :class:`ExportError` for an unknown format and
    :class:`~gbaresearch.site.output.OutputDirError` when a file would overwrite one this
    function did not write."""
    from .load import load_dataset
    from .site.output import install

    wanted = list(dict.fromkeys(formats)) if formats is not None else list(FORMATS)
    unknown = [f for f in wanted if f not in FORMATS]
    if unknown:
        raise ExportError(f"unknown export format {unknown[0]!r}; choose from {', '.join(FORMATS)}")
    ds = dataset if dataset is not None else load_dataset(data_dir)
    package = ds.package
    names = file_names(ds.version)
    writers = {"zip": write_zip, "xlsx": write_xlsx, "csv": write_case_csv, "dta": write_dta}
    with tempfile.TemporaryDirectory(prefix="gbaresearch-export-") as tmp:
        staged: dict[str, Path] = {}
        for fmt in wanted:
            path = Path(tmp) / names[fmt]
            writers[fmt](ds, package, path)
            staged[names[fmt]] = path
        return install(staged, Path(out_dir), allow_other_files=True)


# --- data package zip -----------------------------------------------------------------------


def write_zip(ds: Any, package: Any, path: Path) -> None:
    """The data package as a zip with a top folder ``gbaresearch-data-V/``; entries are stored
    with a fixed date, so the same data gives the same bytes. Every data file comes from the
    validated snapshot ``ds.files``: nothing under the data directory is read again."""
    from .paths import citation_file

    top = Path(file_names(ds.version)["zip"]).stem
    snapshot: dict[str, bytes] = ds.files
    entries: list[tuple[str, bytes]] = [("datapackage.json", snapshot["datapackage.json"])]
    for res in package.resources:
        entries.append((res.path, snapshot[res.path]))
    for name in EXTRA_FILES:
        if name in snapshot:
            entries.append((name, snapshot[name]))
    cff = citation_file()
    if cff.is_file():
        entries.append(("CITATION.cff", cff.read_bytes()))
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for rel, data in entries:
            info = zipfile.ZipInfo(f"{top}/{rel}", date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)


# --- workbook -------------------------------------------------------------------------------


def _cell_value(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime().date()
    if hasattr(value, "item") and not isinstance(value, str):
        return value.item()
    return value


def _put(ws: Any, row: int, col: int, value: Any) -> None:
    """Write one cell; text is stored as text (never a formula), control characters escaped."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    v = _cell_value(value)
    if isinstance(v, str):
        v = ILLEGAL_CHARACTERS_RE.sub(lambda m: f"\\x{ord(m.group(0)):02x}", v)
    cell = ws.cell(row=row, column=col)
    cell.value = v
    if isinstance(v, str):
        cell.data_type = "s"
        if v.startswith(FORMULA_START):
            cell.quotePrefix = True


def _sheet(wb: Any, title: str, header: list[str], rows: Iterable[Iterable[Any]]) -> Any:
    from openpyxl.styles import Font

    ws = wb.create_sheet(title=title[:31])
    for j, name in enumerate(header, 1):
        _put(ws, 1, j, name)
        ws.cell(row=1, column=j).font = Font(bold=True)
    for i, row in enumerate(rows, 2):
        for j, value in enumerate(row, 1):
            _put(ws, i, j, value)
    ws.freeze_panes = "A2"
    for j, name in enumerate(header, 1):
        ws.column_dimensions[ws.cell(row=1, column=j).column_letter].width = min(60, max(10, len(name) + 2))
    return ws


def codebook_rows(package: Any) -> list[list[Any]]:
    """One row per field: table, field, title (en, zh), type, required, values, description (en, zh)."""
    rows = []
    for res in package.resources:
        for f in res.fields:
            labels = field_labels(f)
            values = "; ".join(f"{v} = {en} / {zh}" if (en, zh) != (v, v) else v for v, en, zh in labels)
            d = f.descriptor
            rows.append(
                [
                    res.name,
                    f.name,
                    f.title,
                    d.get("gba:title_zh", ""),
                    f.type + (" (partial date)" if f.partial_date else ""),
                    "yes" if f.required else "no",
                    values,
                    d.get("description", ""),
                    d.get("gba:description_zh", ""),
                ]
            )
    return rows


def write_xlsx(ds: Any, package: Any, path: Path) -> None:
    """Workbook: ``README`` (title, version, citation, one line per table), one sheet per table
    in package order (``NA`` cells left empty), and ``codebook`` (one row per field)."""
    from openpyxl import Workbook

    from .cite import cite

    wb = Workbook()
    wb.remove(wb.active)
    d = package.descriptor
    readme: list[list[Any]] = [
        ["Title", d.get("title", "")],
        ["标题", d.get("gba:title_zh", "")],
        ["Data version", ds.version],
        ["Cite as", cite(ds.data_dir, version=ds.version)],
        ["Licence", "; ".join(str(x.get("name", "")) for x in d.get("licenses", []))],
        ["Description", d.get("description", "")],
        ["Missing values", "Empty cells are missing (NA in the CSV files). 空单元格表示缺失（CSV 中为 NA）。"],
        [],
        ["Sheet", "Rows", "Title", "标题", "Description"],
    ]
    for res in package.resources:
        rd = res.descriptor
        readme.append(
            [res.name[:31], len(ds[res.name]), res.title, rd.get("gba:title_zh", ""), rd.get("description", "")]
        )
    readme.append(["codebook", "", "Field reference", "字段说明", "One row per field of every table."])
    ws = _sheet(wb, "README", ["gbaresearch", ""], readme)
    ws.column_dimensions["B"].width = 60
    for res in package.resources:
        df = ds[res.name]
        _sheet(wb, res.name, list(df.columns), df.astype(object).itertuples(index=False, name=None))
    _sheet(
        wb,
        "codebook",
        ["table", "field", "title", "title_zh", "type", "required", "values", "description", "description_zh"],
        codebook_rows(package),
    )
    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(buf.getvalue())


# --- case-level table -----------------------------------------------------------------------


def case_table(ds: Any) -> pd.DataFrame:
    """One row per identified case: every column of ``cases``, then ``batch_announced`` (date),
    ``primary_domain``, ``domains`` and ``mechanisms`` (codes joined by ``;``), ``earlier_cases``
    and ``later_cases`` (case ids joined by ``;``), ``n_sources`` and ``source_ids`` (distinct
    sources behind the case's facts), ``n_indicators``. Missing values are ``<NA>``."""
    c = ds.cases.copy()
    cid = c["case_id"].astype(str)

    def joined(df: pd.DataFrame, key: str, col: str) -> pd.Series:
        g = df.groupby(df[key].astype(str))[col].agg(lambda s: ";".join(dict.fromkeys(str(x) for x in s)))
        out: pd.Series = cid.map(g).astype("string")
        return out

    announced = dict(zip(ds.batches["batch"].astype(str), ds.batches["announced"]))
    c["batch_announced"] = c["batch"].astype(str).map(announced).astype("datetime64[ns]")
    dom = ds.case_domains
    prim = dom[dom["is_primary"].fillna(False).astype(bool)]
    c["primary_domain"] = joined(prim, "case_id", "domain")
    c["domains"] = joined(dom, "case_id", "domain")
    c["mechanisms"] = joined(ds.case_mechanisms, "case_id", "mechanism")
    c["earlier_cases"] = joined(ds.case_links, "from_case_id", "to_case_id")
    c["later_cases"] = joined(ds.case_links, "to_case_id", "from_case_id")
    cs = ds.case_sources
    c["n_sources"] = cid.map(cs.groupby(cs["case_id"].astype(str))["source_id"].nunique()).fillna(0).astype("Int64")
    c["source_ids"] = joined(cs, "case_id", "source_id")
    ind = ds.indicators
    c["n_indicators"] = cid.map(ind.groupby(ind["case_id"].astype(str)).size()).fillna(0).astype("Int64")
    table: pd.DataFrame = c.reset_index(drop=True)
    return table


CASE_TABLE_LABELS = {
    "batch_announced": "Date the batch was announced",
    "primary_domain": "Primary policy domain (project coding)",
    "domains": "All policy domains, ; separated (project coding)",
    "mechanisms": "Connection mechanisms, ; separated (project coding)",
    "earlier_cases": "Earlier cases this case builds on (project coding)",
    "later_cases": "Later cases building on this case (project coding)",
    "n_sources": "Number of distinct sources behind the case's facts",
    "source_ids": "Sources behind the case's facts, ; separated",
    "n_indicators": "Number of indicators reported for the case",
}


def write_case_csv(ds: Any, package: Any, path: Path) -> None:
    """:func:`case_table` as UTF-8 CSV with ``NA`` for missing values (as the package's files)."""
    df = case_table(ds)
    df["batch_announced"] = df["batch_announced"].dt.strftime("%Y-%m-%d")
    path.write_text(df.to_csv(index=False, na_rep="NA", lineterminator="\n"), encoding="utf-8")


def write_dta(ds: Any, package: Any, path: Path) -> None:
    """:func:`case_table` as a Stata 15 ``.dta``: categorical columns as numbered codes with
    value labels (English / Chinese), every variable labelled from ``datapackage.json``."""
    import pyreadstat

    df = case_table(ds)
    res = package.resource("cases")
    out = pd.DataFrame(index=df.index)
    labels: dict[str, str] = {}
    value_labels: dict[str, dict[int | float, str]] = {}
    for col in df.columns:
        s = df[col]
        try:
            f = res.field(col)
            title = f.title + (f" / {f.descriptor['gba:title_zh']}" if f.descriptor.get("gba:title_zh") else "")
        except KeyError:
            f, title = None, CASE_TABLE_LABELS.get(col, col)
        labels[col] = title[:80]
        if isinstance(s.dtype, pd.CategoricalDtype) and col != "batch":
            cats = [str(x) for x in s.cat.categories]
            names = {v: (en, zh) for v, en, zh in field_labels(f)} if f is not None else {}
            out[col] = pd.Series(s.cat.codes.astype(float) + 1, index=df.index).where(s.notna())
            value_labels[col] = {
                float(i): (f"{v}: {names[v][0]} / {names[v][1]}" if v in names and names[v] != (v, v) else v)[:32000]
                for i, v in enumerate(cats, 1)
            }
        elif col == "batch" or pd.api.types.is_integer_dtype(s.dtype) or pd.api.types.is_float_dtype(s.dtype):
            out[col] = pd.to_numeric(pd.Series(s.astype(object), index=df.index), errors="coerce").astype(float)
        elif pd.api.types.is_datetime64_any_dtype(s.dtype):
            out[col] = s.dt.date.astype(object).where(s.notna(), None)
        else:
            out[col] = s.astype(object).where(s.notna(), "").astype(str)
    pyreadstat.write_dta(
        out,
        str(path),
        file_label=f"gbaresearch cases, data version {ds.version}"[:80],
        column_labels=[labels[c] for c in out.columns],
        variable_value_labels=value_labels,
        version=15,
    )
