"""Exports of the validated dataset for readers who work outside Python.

:func:`export` writes any of these into an output directory (default names carry the data
version ``V``):

- ``zip``: ``gbaresearch-data-V.zip``, the Frictionless data package (``datapackage.json``, every
  CSV, ``CODEBOOK.md``, ``CHANGELOG.md``, ``CITATION.cff``) in a folder ``gbaresearch-data-V/``;
  it passes ``frictionless validate`` once unzipped;
- ``xlsx``: ``gbaresearch-V.xlsx``, one sheet per table plus ``README`` and ``codebook`` sheets.
  Text is always stored as text: a cell beginning with ``=``, ``+``, ``-`` or ``@`` never becomes
  a formula;
- ``csv``: ``gbaresearch-cases-V.csv``, one row per identified case (:func:`case_table`), UTF-8
  with a byte-order mark so that Excel opens it with the right encoding; a text cell beginning
  with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading apostrophe
  (:func:`neutralise_formula`), so a spreadsheet never runs it as a formula;
- ``dta``: ``gbaresearch-cases-V.dta``, the same table for Stata 14 or later (format 118, UTF-8):
  categorical variables as integer codes with value labels (each label set named after its
  variable), counts as integers, dates as Stata dates, variable labels in English and Chinese.
  Column names that Stata cannot carry are mapped by :func:`stata_names`.

Output directories follow :mod:`gbaresearch.publish.outputdir`: only files this function wrote are
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

from ..dataset.labels import label_pairs
from ..dataset.paths import PACKAGE_FILE

FORMATS = ("zip", "xlsx", "csv", "dta")
#: Each format's description (English, Chinese) and how to read it, as the site's download list shows them.
FORMAT_TEXTS: dict[str, tuple[str, str, str]] = {
    "zip": (
        "Data package (Frictionless): datapackage.json, every CSV, codebook, changelog",
        "数据包（Frictionless）：全部 CSV、编码手册与更新记录",
        "unzip; frictionless validate datapackage.json",
    ),
    "xlsx": (
        "Excel workbook: one sheet per table, README and codebook sheets",
        "Excel 工作簿：每表一页，另含说明与编码手册",
        "pandas.read_excel(path, sheet_name=None)",
    ),
    "csv": (
        "Flat case-level table: one row per identified case, with coding and source counts; "
        "UTF-8 with BOM (opens in Excel)",
        "案例级平面表：每个已识别案例一行；带 BOM 的 UTF-8，可直接用 Excel 打开",
        "Excel; R: readr::read_csv(path, na = 'NA'); pandas.read_csv(path, keep_default_na=False, na_values=['NA'])",
    ),
    "dta": (
        "Stata file of the case-level table, with variable and value labels",
        "案例级 Stata 数据，含变量与取值标签",
        "Stata 14+: use; R: haven::read_dta(path); pandas.read_stata(path)",
    ),
}
FORMULA_START = ("=", "+", "-", "@")
CSV_FORMULA_START = (*FORMULA_START, "\t", "\r")  # what spreadsheets may run when a CSV is opened
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
    :class:`~gbaresearch.dataset.load.Dataset`), write that validated snapshot instead of loading again.

    Raises :class:`~gbaresearch.dataset.problems.DataValidationError` for invalid data,
    :class:`ExportError` for an unknown format and
    :class:`~gbaresearch.publish.outputdir.OutputDirError` when a file would overwrite one this
    function did not write."""
    from ..dataset.load import load_dataset
    from .outputdir import install

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
    from ..dataset.paths import citation_file

    top = Path(file_names(ds.version)["zip"]).stem
    snapshot: dict[str, bytes] = ds.files
    entries: list[tuple[str, bytes]] = [(PACKAGE_FILE, snapshot[PACKAGE_FILE])]
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
            values = "; ".join(
                f"{c.value} = {c.label} / {c.label_zh}"
                if (c.label, c.label_zh) != (str(c.value),) * 2
                else str(c.value)
                for c in f.categories or ()
            )
            rows.append(
                [
                    res.name,
                    f.name,
                    f.title,
                    f.title_zh,
                    f.type + (" (partial date)" if f.partial_date else ""),
                    "yes" if f.required else "no",
                    values,
                    f.description,
                    f.description_zh,
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
    readme: list[list[Any]] = [
        ["Title", package.title],
        ["标题", package.title_zh],
        ["Data version", ds.version],
        ["Cite as", cite(ds.data_dir, version=ds.version)],
        ["Licence", "; ".join(package.licences)],
        ["Description", package.description],
        ["Missing values", "Empty cells are missing (NA in the CSV files). 空单元格表示缺失（CSV 中为 NA）。"],
        [],
        ["Sheet", "Rows", "Title", "标题", "Description"],
    ]
    for res in package.resources:
        readme.append([res.name[:31], len(ds[res.name]), res.title, res.title_zh, res.description])
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


def coding_columns(ds: Any) -> list[Any]:
    """The coding variables :func:`case_table` lists per case: the categories of
    ``coding_reconciliation.variable`` with a ``gba:caseTableTitle``, in schema order."""
    field = ds.field("coding_reconciliation", "variable")
    return [c for c in field.categories or () if c.get("caseTableTitle")]


def case_table(ds: Any) -> pd.DataFrame:
    """One row per identified case: every column of ``cases``, then ``batch_announced`` (date),
    one column per coding variable of :func:`coding_columns` (``primary_domain``, ``domains`` and
    ``mechanisms``: codes joined by ``;``), ``earlier_cases`` and ``later_cases`` (case ids joined
    by ``;``), ``n_sources`` and ``source_ids`` (distinct sources behind the case's facts),
    ``n_indicators``. Missing values are ``<NA>``."""
    c = ds.cases.copy()
    cid = c["case_id"].astype(str)

    def joined(df: pd.DataFrame, key: str, col: str) -> pd.Series:
        g = df.groupby(df[key].astype(str))[col].agg(lambda s: ";".join(dict.fromkeys(str(x) for x in s)))
        out: pd.Series = cid.map(g).astype("string")
        return out

    announced = dict(zip(ds.batches["batch"].astype(str), ds.batches["announced"]))
    c["batch_announced"] = c["batch"].astype(str).map(announced).astype("datetime64[ns]")
    final = ds.field("coding_coders", "coder").enum[0]  # the first coding, as reconciled: the final tables
    for var in coding_columns(ds):
        coded = ds[var.get("tables")[final]]
        if var.get("shape") == "value":  # one code per case: the row marked primary
            coded = coded[coded["is_primary"].fillna(False).astype(bool)]
        c[str(var.value)] = joined(coded, "case_id", ds.resource(var.get("vocabulary")).primary_key[0])
    c["earlier_cases"] = joined(ds.case_links, "from_case_id", "to_case_id")
    c["later_cases"] = joined(ds.case_links, "to_case_id", "from_case_id")
    cs = ds.case_sources
    c["n_sources"] = cid.map(cs.groupby(cs["case_id"].astype(str))["source_id"].nunique()).fillna(0).astype("Int64")
    c["source_ids"] = joined(cs, "case_id", "source_id")
    ind = ds.indicators
    c["n_indicators"] = cid.map(ind.groupby(ind["case_id"].astype(str)).size()).fillna(0).astype("Int64")
    table: pd.DataFrame = c.reset_index(drop=True)
    return table


#: Labels of the columns :func:`case_table` adds to ``cases``, but for the coding variables' (see :func:`case_table_labels`).
CASE_TABLE_LABELS = {
    "batch_announced": "Date the batch was announced / 批次发布日期",
    "earlier_cases": "Earlier cases it builds on / 所承接的先前案例",
    "later_cases": "Later cases building on it / 承接本案的后续案例",
    "n_sources": "Number of distinct sources / 来源数",
    "source_ids": "Sources behind the facts, ; separated / 来源编号",
    "n_indicators": "Number of indicators / 指标数",
}


def case_table_labels(ds: Any) -> dict[str, str]:
    """Label (``English / 中文``) of each column :func:`case_table` adds to ``cases``: the coding
    variables' from their ``gba:caseTableTitle`` and ``gba:caseTableTitle_zh``, the others from
    :data:`CASE_TABLE_LABELS`."""
    coding = {str(v.value): f"{v.get('caseTableTitle')} / {v.get('caseTableTitle_zh')}" for v in coding_columns(ds)}
    return {**CASE_TABLE_LABELS, **coding}


def neutralise_formula(value: str) -> str:
    """``value`` with a leading apostrophe when it begins like a spreadsheet formula (``=``,
    ``+``, ``-``, ``@``, tab, carriage return); otherwise ``value`` unchanged."""
    return "'" + value if value.startswith(CSV_FORMULA_START) else value


def write_case_csv(ds: Any, package: Any, path: Path) -> None:
    """:func:`case_table` as CSV: UTF-8 with a byte-order mark (Excel reads the encoding from
    it), ``NA`` for missing values (as the package's files), text cells that begin like a
    formula prefixed with an apostrophe (:func:`neutralise_formula`)."""
    df = case_table(ds)
    df["batch_announced"] = df["batch_announced"].dt.strftime("%Y-%m-%d")
    for col in df.columns:
        if pd.api.types.is_string_dtype(df[col].dtype) or isinstance(df[col].dtype, pd.CategoricalDtype):
            df[col] = df[col].astype(object).map(lambda v: neutralise_formula(v) if isinstance(v, str) else v)
    df.columns = [neutralise_formula(str(c)) for c in df.columns]
    path.write_text(df.to_csv(index=False, na_rep="NA", lineterminator="\n"), encoding="utf-8-sig")


STATA_NAME_MAX = 32
# Words Stata reserves for itself (Stata 18 manual, [U] 11.3 Naming conventions).
STATA_RESERVED = frozenset(
    "_all _b byte _coef _cons double float if in int long _n _N _pi _pred _rc _skip strL using with".split()
) | {f"str{i}" for i in range(1, 2046)}


def stata_names(columns: Iterable[str]) -> dict[str, str]:
    """Map each column name to a Stata variable name: characters other than ASCII letters,
    digits and ``_`` become ``_`` (runs collapsed, ends trimmed), a name beginning with a digit
    or reserved by Stata gets the prefix ``v_``, names are cut to 32 characters, and a name
    already taken gets ``_2``, ``_3``, … Names Stata accepts are kept as they are; e.g.
    ``title (alt)`` -> ``title_alt``, ``2nd`` -> ``v_2nd``, ``_all`` -> ``v__all``, ``标题`` -> ``v``."""
    import re

    out: dict[str, str] = {}
    taken: set[str] = set()
    for col in columns:
        if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", col):
            name = col
        else:
            name = re.sub(r"_+", "_", re.sub(r"[^A-Za-z0-9_]", "_", col)).strip("_") or "v"
        if name[0].isdigit() or name in STATA_RESERVED:
            name = "v_" + name
        name = name[:STATA_NAME_MAX]
        base, i = name, 2
        while name in taken:
            suffix = f"_{i}"
            name = base[: STATA_NAME_MAX - len(suffix)] + suffix
            i += 1
        taken.add(name)
        out[col] = name
    return out


def write_dta(ds: Any, package: Any, path: Path) -> None:
    """:func:`case_table` as a Stata ``.dta`` (format 118, UTF-8, Stata 14+): categorical
    columns as integer codes 1..n with a value label set named after the variable (``code:
    English / Chinese``), integer columns as integers, ``batch_announced`` as a Stata date,
    other columns as text; every variable labelled in English and Chinese from
    ``datapackage.json``; names mapped by :func:`stata_names` (a renamed variable's label
    starts with its original name)."""
    df = case_table(ds)
    res = package.resource("cases")
    names = stata_names(df.columns)
    added = case_table_labels(ds)
    out = pd.DataFrame(index=df.index)
    labels: dict[str, str] = {}
    value_labels: dict[str, dict[int, str]] = {}
    strl: list[str] = []
    for col in df.columns:
        s = df[col]
        var = names[col]
        try:
            f = res.field(col)
            title = f.title + (f" / {f.title_zh}" if f.title_zh else "")
        except KeyError:
            f, title = None, added.get(col, col)
        if var != col:
            title = f"{col}: {title}" if title != col else col
        labels[var] = title[:80]
        if isinstance(s.dtype, pd.CategoricalDtype) and col != "batch":
            cats = [str(x) for x in s.cat.categories]
            lab = (
                {str(v): pair for v, pair in label_pairs(ds.cases, col).items()}
                if f is not None and f.categories
                else {}
            )
            out[var] = pd.array([c + 1 if c >= 0 else pd.NA for c in s.cat.codes], dtype="Int32")
            value_labels[var] = {
                i: (f"{v}: {lab[v][0]} / {lab[v][1]}" if v in lab and lab[v] != (v, v) else v)[:32000]
                for i, v in enumerate(cats, 1)
            }
        elif col == "batch" or pd.api.types.is_integer_dtype(s.dtype):
            numbers = pd.to_numeric(pd.Series(s.astype(object), index=df.index), errors="coerce")
            out[var] = numbers.round().astype("Int32") if numbers.dropna().mod(1).eq(0).all() else numbers
        elif pd.api.types.is_float_dtype(s.dtype):
            out[var] = s.astype(float)
        elif pd.api.types.is_datetime64_any_dtype(s.dtype):
            out[var] = s
        else:
            text = s.astype(object).where(s.notna(), "").astype(str)
            if text.map(lambda t: len(t.encode("utf-8"))).max() > 2045:
                strl.append(var)
            out[var] = text
    dates = {names[c]: "td" for c in df.columns if pd.api.types.is_datetime64_any_dtype(df[c].dtype)}
    write: Any = out.to_stata  # pandas-stubs type the label and date arguments too narrowly
    write(
        path,
        write_index=False,
        version=118,
        data_label=f"gbaresearch cases, data version {ds.version}"[:80],
        variable_labels=labels,
        value_labels=value_labels,
        convert_dates=dates,
        convert_strl=strl,
    )
