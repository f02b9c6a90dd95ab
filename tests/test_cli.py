"""Command line: output and exit codes, no tracebacks."""

import subprocess
import sys

from gbaresearch import cli
from gbaresearch.extend import edit_rows


def run(*args, **kw):
    return subprocess.run([sys.executable, "-m", "gbaresearch", *args], capture_output=True, text=True, **kw)


def test_validate_valid_data_exits_0(capsys):
    assert cli.main(["validate"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("valid: ") and "(version 0.1.0, 15 tables," in out


def test_validate_problems_exit_1_one_line_each(data_copy, capsys):
    edit_rows(data_copy, "cases", lambda r: r["case_id"] == "B2-03", counterpart="Macau")
    edit_rows(data_copy, "batches", lambda r: r["batch"] == "1", announced="06/04/2023")
    assert cli.main(["validate", str(data_copy)]) == 1
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [
        "batches.csv:2: announced: '06/04/2023' is not a date in YYYY-MM-DD form",
        "cases.csv:11: counterpart: 'Macau' is not one of the allowed values (hong_kong, macao, both); did you mean 'macao'?",
    ]
    assert captured.err.strip() == f"2 problems found in {data_copy}"


def test_validate_missing_directory_exits_2_with_usage(tmp_path):
    r = run("validate", str(tmp_path / "nowhere"))
    assert r.returncode == 2
    assert r.stdout == ""
    assert "data directory not found" in r.stderr and "usage: python -m gbaresearch validate [DATA_DIR]" in r.stderr
    assert "Traceback" not in r.stderr


def test_subprocess_exit_codes_and_no_traceback(data_copy):
    assert run("validate").returncode == 0
    (data_copy / "cases.csv").write_bytes(b"\xff\xfe junk")
    r = run("validate", str(data_copy))
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert r.stdout.splitlines()[0].startswith("cases.csv:1: -: file is not UTF-8")


def test_summary(capsys):
    assert cli.main(["summary"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "gbaresearch data 0.1.0: 3 batches, 52 official cases, 34 identified, 42 indicators, 63 sources"
    assert out[1].split() == ["batch", "announced", "official", "identified", "official_titles", "share"]
    assert out[2].split() == ["1", "2023-04-06", "20", "7", "0", "0.350"]


def test_summary_of_invalid_data_exits_1(data_copy, capsys):
    edit_rows(data_copy, "batches", lambda r: r["batch"] == "2", n_cases="17")
    assert cli.main(["summary", str(data_copy)]) == 1
    err = capsys.readouterr().err
    assert (
        "batches.csv:3: n_cases: batch 2 has 17 cases, but its category counts in batch_categories.csv add up to 16"
        in err
    )


def test_usage_error_exits_2():
    r = run("frobnicate")
    assert r.returncode == 2 and "usage:" in r.stderr and "Traceback" not in r.stderr


def test_summary_missing_directory_shows_its_own_usage(tmp_path):
    r = run("summary", str(tmp_path / "nowhere"))
    assert r.returncode == 2 and "usage: python -m gbaresearch summary [DATA_DIR]" in r.stderr


def test_library_reports_a_missing_data_directory(tmp_path):
    import gbaresearch as gba

    assert [str(p) for p in gba.validate(tmp_path / "nowhere")] == [
        f"datapackage.json:0: -: data directory not found: {tmp_path / 'nowhere'}"
    ]


def test_cite_uses_the_version_of_the_data_in_use(data_copy):
    import json

    import gbaresearch as gba

    p = data_copy / "datapackage.json"
    desc = json.loads(p.read_text(encoding="utf-8"))
    desc["version"] = "0.2.0"
    p.write_text(json.dumps(desc, ensure_ascii=False), encoding="utf-8")
    assert "(Version 0.2.0)" in gba.cite(data_copy) and "(Version 0.1.0)" in gba.cite()
