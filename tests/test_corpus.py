"""Every bad input of the corpus gives exactly the expected problems, through the library and the CLI.

Harmless variations of the encoding and line endings load to the same DataFrames as the clean data.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import sampled
from corpus import CASES, HARMLESS, Case

import gbaresearch
from gbaresearch import cli
from gbaresearch.dataset.paths import REPO_DIR

DATA = REPO_DIR / "data"
BY_NAME = {c.name: c for c in CASES}


def _make(tmp_path: Path, case: Case) -> Path:
    d = tmp_path / "data"
    shutil.copytree(DATA, d)
    case.mutate(d)
    return d.resolve()


def test_corpus_is_big_and_distinct():
    assert len(CASES) >= 35
    assert len(BY_NAME) == len(CASES)
    for c in CASES:
        assert c.expected and c.exit_code == 1, c.name
        assert c.code in gbaresearch.dataset.problems.CODES, c.name


def test_clean_copy_is_valid(data_copy, capsys):
    assert gbaresearch.validate(data_copy) == []
    assert cli.main(["validate", str(data_copy)]) == 0
    out, err = capsys.readouterr()
    assert out.startswith(f"valid: {data_copy.resolve()} (version ")
    resources = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))["resources"]
    paths = [DATA / r["path"] for r in resources]
    rows = sum(sum(1 for _ in csv.reader(p.open(encoding="utf-8", newline=""))) - 1 for p in paths)
    tables = len(resources)
    assert out.endswith(f", {tables} tables, {rows} rows)\n") and err == ""


@pytest.mark.parametrize("case", sampled(CASES, lambda c: c.name, every=10, first_of=lambda c: c.codes))
def test_validate_reports_exactly(case, tmp_path):
    """One damaged copy per case, read by the library's validate()."""
    d = _make(tmp_path, case)
    problems = gbaresearch.validate(d)
    assert [str(p) for p in problems] == case.expected_for(d)
    assert [p.code for p in problems] == list(case.codes)


@pytest.mark.parametrize("case", sampled(CASES, lambda c: c.name))
def test_cli_and_load_report_the_same(case, tmp_path, capsys):
    """The same damaged copy read through the two other ways in: the command line (in-process)
    and load_dataset()."""
    d = _make(tmp_path, case)
    expected = case.expected_for(d)
    assert cli.main(["validate", str(d)]) == case.exit_code
    out, err = capsys.readouterr()
    assert out.splitlines() == expected
    n = len(expected)
    assert err == f"{n} problem{'s' if n != 1 else ''} found in {d}\n"

    with pytest.raises(gbaresearch.DataValidationError) as info:
        gbaresearch.load_dataset(d)
    assert [str(p) for p in info.value.problems] == expected
    assert str(info.value).splitlines()[1:] == expected


def test_cli_summary_on_bad_data_exits_1(tmp_path, capsys):
    case = BY_NAME["two_primary_domains"]
    d = _make(tmp_path, case)
    assert cli.main(["summary", str(d)]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines() == case.expected_for(d)
    assert err == f"1 problem found in {d}\n"


def test_cli_missing_directory_exits_2(tmp_path, capsys):
    missing = tmp_path / "nope"
    assert cli.main(["validate", str(missing)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("usage: ") and err.endswith(f"error: data directory not found: {missing}\n")


# --- a real interpreter, as a user runs it ------------------------------------------------------


def _run(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "GBARESEARCH_DATA"}
    return subprocess.run(
        [sys.executable, "-m", "gbaresearch", *args], capture_output=True, text=True, env=env, cwd="/", timeout=120
    )


@pytest.mark.slow  # end to end in a real interpreter; the in-process tests above cover the same
@pytest.mark.parametrize("name", ["big5_encoded", "header_only_cases", "datapackage_bad_constraints"])
def test_subprocess_bad_data_exits_1(name, tmp_path):
    case = BY_NAME[name]
    d = _make(tmp_path, case)
    r = _run("validate", str(d))
    assert "Traceback" not in r.stderr
    assert r.returncode == 1
    assert r.stdout.splitlines() == case.expected_for(d)


@pytest.mark.slow  # end to end in a real interpreter; the in-process tests above cover the same
def test_subprocess_clean_data_exits_0(data_copy):
    r = _run("validate", str(data_copy))
    assert "Traceback" not in r.stderr
    assert r.returncode == 0 and r.stderr == ""
    assert r.stdout.startswith(f"valid: {data_copy.resolve()} (version ")


@pytest.mark.slow  # end to end in a real interpreter; the in-process tests above cover the same
def test_subprocess_missing_directory_exits_2(tmp_path):
    r = _run("validate", str(tmp_path / "nope"))
    assert "Traceback" not in r.stderr
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.startswith("usage: ") and r.stderr.endswith(
        f"error: data directory not found: {tmp_path / 'nope'}\n"
    )


# --- harmless variants ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def clean():
    return gbaresearch.load_dataset(DATA)


@pytest.mark.parametrize("name", sampled(sorted(HARMLESS), str, every=3))
def test_harmless_variant_loads_identically(name, clean, data_copy):
    before = {p.name: p.read_bytes().replace(b"\r\n", b"\n") for p in data_copy.glob("*.csv")}
    HARMLESS[name](data_copy)
    assert all(p.read_bytes() != before[p.name] for p in data_copy.glob("*.csv")), "the variant changed nothing"
    assert gbaresearch.validate(data_copy) == []
    ds = gbaresearch.load_dataset(data_copy)
    assert sorted(ds) == sorted(clean)
    for table in clean:
        pd.testing.assert_frame_equal(ds[table], clean[table], check_exact=True)
