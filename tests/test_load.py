"""Loaders: dtypes from datapackage.json, missing values, where the data is found."""

import os
import subprocess
import sys

import pandas as pd
import pytest
from pandas.api.types import is_datetime64_any_dtype

import gbaresearch as gba
from gbaresearch.dataset import labels as gl
from gbaresearch.dataset.paths import REPO_DIR

LOADERS = {name[5:]: getattr(gba, name) for name in gba.__all__ if name.startswith("load_") and name != "load_dataset"}


@pytest.fixture(scope="module")
def ds():
    return gba.load_dataset()


def test_every_required_table_has_a_loader(ds):
    from gbaresearch.dataset.schema import REQUIRED

    assert sorted(LOADERS) == sorted(REQUIRED)
    assert set(REQUIRED) <= set(ds)


@pytest.mark.parametrize("name", sorted(LOADERS))
def test_each_loader_returns_the_table_of_load_dataset(ds, name):
    pd.testing.assert_frame_equal(LOADERS[name](), ds[name])


def test_batch_is_ordered_categorical_of_the_batch_numbers(ds):
    for name in ("batches", "batch_categories", "cases", "batch_new_fields"):
        col = ds[name]["batch"]
        assert isinstance(col.dtype, pd.CategoricalDtype) and col.cat.ordered, name
        assert col.cat.categories.tolist() == [1, 2, 3], name


def test_category_is_ordered_in_schema_order(ds):
    for name in ("batch_categories", "cases"):
        col = ds[name]["category"]
        assert col.cat.ordered
        assert col.cat.categories.tolist() == ["factor_flow", "livelihood", "business_environment", "major_platforms"]


def test_other_dtypes(ds):
    b, c, i, p = ds.batches, ds.cases, ds.indicators, ds.places
    assert is_datetime64_any_dtype(b["announced"]) and is_datetime64_any_dtype(ds.sources["date_accessed"])
    assert str(b["n_cases"].dtype) == "Int64" and str(c["order_in_batch"].dtype) == "Int64"
    assert str(i["value"].dtype) == "Float64" and str(p["lat"].dtype) == "Float64"
    assert str(ds.case_domains["is_primary"].dtype) == "boolean"
    assert str(c["title_zh"].dtype) == "string" and str(c["date_in_force"].dtype) == "string"
    assert isinstance(c["counterpart"].dtype, pd.CategoricalDtype) and not c["counterpart"].cat.ordered
    assert c["counterpart"].cat.categories.tolist() == ["hong_kong", "macao", "both"]


def test_missing_values_become_na_never_zero_or_empty(ds):
    b = ds.batches
    assert b.loc[b["batch"] == 1, "applications"].isna().all()
    assert not (ds.cases["notes"] == "").any() and not (ds.cases["lead_place"] == "NA").any()
    assert ds.cases["order_in_batch"].isna().sum() == 18
    assert ds.sources["date_published"].isna().sum() > 0


def test_dataset_attributes(ds):
    import json

    assert ds.version == json.loads((REPO_DIR / "data" / "datapackage.json").read_text(encoding="utf-8"))["version"]
    assert ds.data_dir == REPO_DIR / "data"
    assert ds.cases is ds["cases"]
    with pytest.raises(AttributeError):
        _ = ds.no_such_table


def test_data_dir_resolution(monkeypatch, tmp_path):
    monkeypatch.delenv("GBARESEARCH_DATA", raising=False)
    assert gba.data_dir() == REPO_DIR / "data"
    monkeypatch.setenv("GBARESEARCH_DATA", str(tmp_path))
    assert gba.data_dir() == tmp_path.resolve()
    assert gba.data_dir(REPO_DIR / "data") == REPO_DIR / "data"


@pytest.mark.slow  # fresh interpreters, end to end
def test_loading_from_another_directory_and_another_cwd(data_copy, tmp_path):
    script = "import gbaresearch as g; ds = g.load_dataset(); print(ds.data_dir, len(ds.cases))"
    env = dict(os.environ, GBARESEARCH_DATA=str(data_copy))
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == [str(data_copy), "34"]
    env.pop("GBARESEARCH_DATA")
    out = subprocess.run([sys.executable, "-c", script], cwd="/", env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == [str(REPO_DIR / "data"), "34"]


@pytest.mark.slow  # a fresh interpreter
def test_import_does_not_load_plotting_libraries():
    code = "import sys, gbaresearch; print('matplotlib' in sys.modules, 'seaborn' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_cite_has_title_and_data_version():
    text = gba.cite()
    assert text == (
        "gbaresearch contributors (2026). gbaresearch: Greater Bay Area rule-connection typical cases "
        f"(粤港澳大湾区规则衔接机制对接典型案例) (Version {gba.load_dataset().version}) [Data set]."
    )


def test_dataset_keeps_the_parsed_package(ds):
    assert ds.package.version == ds.version
    assert ds.package.title == "Greater Bay Area rule-connection typical cases"
    assert ds.package.title_zh == "粤港澳大湾区规则衔接机制对接典型案例数据集"
    assert ds.resource("cases").title == "Cases"
    assert gl.labels(ds.batch_categories, "category") == {
        "factor_flow": "Cross-border flow of factors",
        "livelihood": "Livelihood integration",
        "business_environment": "Business environment",
        "major_platforms": "Major cooperation platforms",
    }
    assert list(gl.labels(ds.cases, "category", "zh").values()) == [
        "要素跨境流动",
        "民生融合",
        "营商环境",
        "重大平台建设",
    ]
    assert gl.labels(ds.cases, "counterpart") == {
        "hong_kong": "Hong Kong",
        "macao": "Macao",
        "both": "Hong Kong and Macao",
    }
    assert gl.labels(ds.cases, "counterpart", "zh") == {"hong_kong": "香港", "macao": "澳门", "both": "港澳"}
    assert gl.labels(ds.case_sources, "fact")["listed"] == "Listed in its batch"
    assert gl.labels(ds.case_sources, "fact", "zh")["rule_maker"] == "规则制定机构"
    units = gl.labels(ds.indicators, "unit")
    assert units["person_times"] == "person-times" and gl.labels(ds.indicators, "unit", "zh")["yuan"] == "元"
    # no labels in the schema: the values label themselves
    assert gl.labels(ds.sources, "language")["zh-Hans"] == "zh-Hans"
    assert gl.labels(ds.cases, "batch") == {1: "1", 2: "2", 3: "3"}
    with pytest.raises(ValueError):
        gl.labels(ds.cases, "category", "fr")


def test_no_dtype_rule_tests_a_column_name():
    import re

    src = (REPO_DIR / "gbaresearch" / "dataset" / "load.py").read_text(encoding="utf-8")
    assert not re.search(r"""\.name\s*==\s*["']""", src)
    for name in ("factor_flow", "要素跨境流动", "Livelihood integration"):
        for mod in (
            "gbaresearch/dataset/load",
            "gbaresearch/dataset/validation",
            "gbaresearch/dataset/fieldcheck",
            "gbaresearch/dataset/schema",
            "gbaresearch/publish/codebook",
            "benchmarks/synthetic",
        ):
            assert name not in (REPO_DIR / f"{mod}.py").read_text(encoding="utf-8"), (name, mod)
