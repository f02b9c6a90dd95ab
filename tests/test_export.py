"""Exports: every file opens in its reader, text never becomes a formula, outputs never destroy."""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from gbaresearch import load_dataset
from gbaresearch.dataset.problems import DataValidationError
from gbaresearch.dataset.schema import read_package
from gbaresearch.publish.exports import (
    FORMATS,
    ExportError,
    case_table,
    export,
    file_names,
    neutralise_formula,
    stata_names,
)
from gbaresearch.publish.site.output import MANIFEST, OutputDirError

pytestmark = pytest.mark.slow  # writes every format: left out of `make test-fast`


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("export")
    paths = export(None, out)
    return {p.suffix.lstrip("."): p for p in paths}


def test_all_formats_are_written_with_versioned_names(exported, ds):
    names = file_names(ds.version)
    assert list(exported) == list(FORMATS)
    assert {f: p.name for f, p in exported.items()} == names
    assert sorted(p.name for p in exported["zip"].parent.iterdir()) == sorted([*names.values(), MANIFEST])


def test_zip_is_a_valid_frictionless_package(exported, ds, tmp_path):
    frictionless = pytest.importorskip("frictionless")
    with zipfile.ZipFile(exported["zip"]) as zf:
        assert zf.testzip() is None
        zf.extractall(tmp_path)
    top = tmp_path / Path(exported["zip"]).stem
    pkg = read_package(ds.data_dir)
    for res in pkg.resources:
        assert (top / res.path).read_bytes() == (Path(ds.data_dir) / res.path).read_bytes()
    assert (top / "CODEBOOK.md").is_file() and (top / "CITATION.cff").is_file()
    report = frictionless.validate(str(top / "datapackage.json"))
    assert report.valid, report.flatten(["type", "note"])[:5]


def test_zip_bytes_depend_only_on_the_data(exported, tmp_path):
    again = export(["zip"], tmp_path)[0]
    assert again.read_bytes() == exported["zip"].read_bytes()


def test_workbook_has_a_sheet_per_table_plus_readme_and_codebook(exported, ds):
    sheets = pd.read_excel(exported["xlsx"], sheet_name=None)
    pkg = read_package(ds.data_dir)
    assert list(sheets) == ["README", *[r.name[:31] for r in pkg.resources], "codebook"]
    for res in pkg.resources:
        got = sheets[res.name[:31]]
        assert list(got.columns) == list(ds[res.name].columns)
        assert len(got) == len(ds[res.name])
    cases = sheets["cases"].set_index("case_id")
    assert cases.loc["B1-d", "title_zh"] == ds.cases.set_index("case_id").loc["B1-d", "title_zh"]
    assert len(sheets["codebook"]) == sum(len(r.fields) for r in pkg.resources)
    assert ds.version in sheets["README"].astype(str).to_string()


def test_csv_is_one_row_per_case(exported, ds):
    assert exported["csv"].read_bytes().startswith(b"\xef\xbb\xbfcase_id,")  # UTF-8 with BOM: Excel reads it right
    df = pd.read_csv(exported["csv"], keep_default_na=False, na_values=["NA"], encoding="utf-8-sig")
    assert list(df["case_id"]) == list(ds.cases["case_id"])
    assert list(df.columns[: ds.cases.shape[1]]) == list(ds.cases.columns)
    flat = case_table(ds).set_index("case_id")
    b1d = df.set_index("case_id").loc["B1-d"]
    assert b1d["mechanisms"] == flat.loc["B1-d", "mechanisms"]
    assert b1d["n_sources"] == ds.case_sources.loc[ds.case_sources["case_id"] == "B1-d", "source_id"].nunique()
    assert b1d["batch_announced"] == "2023-04-06"


def test_stata_file_has_variable_and_value_labels(exported, ds):
    pyreadstat = pytest.importorskip("pyreadstat")
    df, meta = pyreadstat.read_dta(str(exported["dta"]))
    assert list(df["case_id"]) == list(ds.cases["case_id"])
    labels = dict(zip(meta.column_names, meta.column_labels))
    assert labels["category"].startswith("Official category")
    assert all(labels[c] for c in meta.column_names)
    cats = meta.variable_value_labels["category"]
    assert cats[1.0].startswith("factor_flow")
    coded = df.set_index("case_id")["category"]
    want = ds.cases.set_index("case_id")["category"]
    for cid in ds.cases["case_id"]:
        if pd.isna(want[cid]):
            assert pd.isna(coded[cid])
        else:
            assert cats[coded[cid]].split(":")[0] == want[cid]
    assert df.loc[df["case_id"] == "B1-d", "batch"].iloc[0] == 1
    # label sets are named after their variables; counts and codes are integers; dates are dates
    assert meta.variable_to_label == {v: v for v in meta.variable_value_labels}
    types = meta.readstat_variable_types
    assert {types[v] for v in ("batch", "order_in_batch", "n_sources", "n_indicators", "category")} <= {
        "int8",
        "int16",
        "int32",
    }
    assert meta.original_variable_types["batch_announced"] == "%td"
    assert labels["title_zh"] == "Title (Chinese) / 标题" and "/ 来源数" in labels["n_sources"]


@pytest.mark.parametrize("text", ["=1+1", "+41 22 000", "-2+3", "@SUM(A1:A2)", '=HYPERLINK("http://x","y")'])
def test_cells_beginning_like_formulas_stay_text(text, data_copy, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    with open(data_copy / "cases.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    col = rows[0].index("notes")  # free text: any value is valid
    rows[1][col] = text
    with open(data_copy / "cases.csv", "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    path = export(["xlsx"], tmp_path, data_dir=data_copy)[0]
    wb = openpyxl.load_workbook(path)
    cell = wb["cases"].cell(row=2, column=col + 1)
    assert cell.value == text and cell.data_type == "s"
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in zf.read(name) and b"<f " not in zf.read(name)
    assert pd.read_excel(path, sheet_name="cases").loc[0, "notes"] == text


def test_export_never_overwrites_files_it_did_not_write(tmp_path, ds):
    name = file_names(ds.version)["csv"]
    (tmp_path / name).write_text("someone else's table", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(OutputDirError, match="not written by this command"):
        export(["csv"], tmp_path)
    assert (tmp_path / name).read_text(encoding="utf-8") == "someone else's table"
    (tmp_path / name).unlink()
    export(["csv"], tmp_path)
    export(["csv", "dta"], tmp_path)  # its own files are replaced
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [MANIFEST, "notes.txt", name, file_names(ds.version)["dta"]]
    )
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_unknown_format_and_invalid_data_are_refused(tmp_path, data_copy):
    with pytest.raises(ExportError, match="unknown export format 'sav'"):
        export(["csv", "sav"], tmp_path)
    (data_copy / "batches.csv").write_text("batch\n", encoding="utf-8")
    with pytest.raises(DataValidationError):
        export(None, tmp_path / "out", data_dir=data_copy)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "@SUM(A1:A2)", "-2+3"])
def test_csv_cells_beginning_like_formulas_get_an_apostrophe(text, data_copy, tmp_path):
    with open(data_copy / "cases.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    col = rows[0].index("notes")
    rows[1][col] = text
    with open(data_copy / "cases.csv", "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    path = export(["csv"], tmp_path, data_dir=data_copy)[0]
    with open(path, encoding="utf-8-sig", newline="") as fh:
        out = list(csv.reader(fh))
    assert out[1][out[0].index("notes")] == "'" + text
    assert all(not cell.startswith(("=", "+", "@", "\t", "\r")) for row in out for cell in row)


def test_neutralise_formula_leaves_ordinary_text_alone():
    assert neutralise_formula("B1-d") == "B1-d" and neutralise_formula("a=b") == "a=b"
    assert neutralise_formula("=1") == "'=1" and neutralise_formula("-1") == "'-1"


def test_stata_names_map_what_stata_cannot_carry():
    got = stata_names(["case_id", "title (alt)", "title_alt", "2nd", "_all", "标题", "x" * 40, "x" * 41])
    assert got == {
        "case_id": "case_id",
        "title (alt)": "title_alt",
        "title_alt": "title_alt_2",
        "2nd": "v_2nd",
        "_all": "v__all",
        "标题": "v",
        "x" * 40: "x" * 32,
        "x" * 41: "x" * 30 + "_2",
    }


def test_a_column_stata_cannot_name_is_mapped_in_the_dta(data_copy, tmp_path):
    import json

    pyreadstat = pytest.importorskip("pyreadstat")
    dp = json.loads((data_copy / "datapackage.json").read_text(encoding="utf-8"))
    cases = next(r for r in dp["resources"] if r["name"] == "cases")
    cases["schema"]["fields"].append({"name": "title (alt)", "type": "string", "title": "Alternative title"})
    (data_copy / "datapackage.json").write_text(json.dumps(dp, ensure_ascii=False, indent=1), encoding="utf-8")
    with open(data_copy / "cases.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    rows[0].append("title (alt)")
    for i, row in enumerate(rows[1:], 1):
        row.append(f"alt {i}")
    with open(data_copy / "cases.csv", "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    assert load_dataset(data_copy).cases["title (alt)"].iloc[0] == "alt 1"  # valid data
    paths = export(["dta", "csv"], tmp_path, data_dir=data_copy)
    df, meta = pyreadstat.read_dta(str(paths[0]))
    assert df["title_alt"].iloc[0] == "alt 1"
    assert dict(zip(meta.column_names, meta.column_labels))["title_alt"] == "title (alt): Alternative title"
    assert "title (alt)" in pd.read_csv(paths[1], encoding="utf-8-sig").columns  # the CSV keeps the name
