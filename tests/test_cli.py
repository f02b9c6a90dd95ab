"""Command line: one parser, the same exit codes everywhere, output that scripts can read, no tracebacks."""

import json
import subprocess
import sys

import pytest

from gbaresearch import cli
from gbaresearch.dataset.extend import edit_rows
from gbaresearch.dataset.paths import REPO_DIR

VERSION = json.loads((REPO_DIR / "data" / "datapackage.json").read_text(encoding="utf-8"))["version"]
COMMANDS_WITH_DATA_DIR = ["validate", "summary", "codebook", "export", "report"]


def run(*args, **kw):
    return subprocess.run([sys.executable, "-m", "gbaresearch", *args], capture_output=True, text=True, **kw)


def n_rows(table: str) -> int:
    return len((REPO_DIR / "data" / f"{table}.csv").read_text(encoding="utf-8").splitlines()) - 1


def test_validate_valid_data_exits_0(capsys):
    assert cli.main(["validate"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"valid: {REPO_DIR / 'data'} (version {VERSION}, ")


def test_validate_problems_exit_1_one_line_each(data_copy, capsys):
    edit_rows(data_copy, "cases", lambda r: r["case_id"] == "B2-03", counterpart="Macau")
    edit_rows(data_copy, "batches", lambda r: r["batch"] == "1", announced="06/04/2023")
    assert cli.main(["validate", str(data_copy)]) == 1
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("batches.csv:2: announced: '06/04/2023' is not a date")
    assert lines[1].startswith("cases.csv:11: counterpart: 'Macau' is not one of the allowed values")
    assert captured.err.strip() == f"2 problems found in {data_copy}"


def test_validate_json_lists_every_problem_with_its_code(data_copy, capsys):
    edit_rows(data_copy, "cases", lambda r: r["case_id"] == "B2-03", counterpart="Macau")
    edit_rows(data_copy, "batches", lambda r: r["batch"] == "1", announced="06/04/2023")
    assert cli.main(["validate", "--format", "json", str(data_copy)]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["valid"] is False and doc["data_dir"] == str(data_copy) and doc["version"] == VERSION
    assert [(p["file"], p["line"], p["field"]) for p in doc["problems"]] == [
        ("batches.csv", 2, "announced"),
        ("cases.csv", 11, "counterpart"),
    ]
    assert all(isinstance(p["code"], str) and p["code"] for p in doc["problems"])


def test_validate_json_of_valid_data(capsys):
    assert cli.main(["validate", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc == {"valid": True, "data_dir": str(REPO_DIR / "data"), "version": VERSION, "problems": []}


@pytest.mark.parametrize("command", COMMANDS_WITH_DATA_DIR)
def test_every_command_exits_2_with_its_usage_for_a_missing_data_directory(command, tmp_path, capsys):
    extra = ["--out", str(tmp_path / "out")] if command == "export" else []
    assert cli.main([command, str(tmp_path / "nowhere"), *extra]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(f"usage: gbaresearch {command} ")
    assert captured.err.strip().endswith(
        f"gbaresearch {command}: error: data directory not found: {tmp_path / 'nowhere'}"
    )
    assert "Traceback" not in captured.err
    assert not (tmp_path / "out").exists()


def test_the_data_directory_variable_is_used_and_checked_too(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("GBARESEARCH_DATA", str(tmp_path / "gone"))
    assert cli.main(["validate"]) == 2
    assert f"data directory not found: {tmp_path / 'gone'}" in capsys.readouterr().err


@pytest.mark.slow
def test_subprocess_exit_codes_and_no_traceback(data_copy):
    """End to end, in a real interpreter: 0, 1 and 2 as documented."""
    assert run("validate").returncode == 0
    (data_copy / "cases.csv").write_bytes(b"\xff\xfe junk")
    r = run("validate", str(data_copy))
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert r.stdout.splitlines()[0].startswith("cases.csv:1: -: ")
    r = run("validate", str(data_copy / "nowhere"))
    assert r.returncode == 2 and r.stderr.startswith("usage: gbaresearch validate ") and "Traceback" not in r.stderr


def test_summary(capsys):
    assert cli.main(["summary"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (
        f"gbaresearch data {VERSION}: 3 batches, 52 official cases, 34 identified, "
        f"{n_rows('indicators')} indicators, {n_rows('sources')} sources"
    )
    assert out[1].split() == ["batch", "announced", "n_cases", "identified", "official_titles", "share"]
    assert out[2].split() == ["1", "2023-04-06", "20", "7", "0", "0.350"]


def test_summary_of_invalid_data_exits_1_with_problem_lines(data_copy, capsys):
    edit_rows(data_copy, "batches", lambda r: r["batch"] == "2", n_cases="17")
    assert cli.main(["summary", str(data_copy)]) == 1
    captured = capsys.readouterr()
    assert (
        "batches.csv:3: n_cases: batch 2 has 17 cases, but its category counts in batch_categories.csv add up to 16"
        in captured.out
    )
    assert captured.err.strip().endswith(f"found in {data_copy}")


@pytest.mark.parametrize(
    "argv",
    [["frobnicate"], [], ["validate", "--format", "xml"], ["export"], ["notebooks", "--in-place", "--out", "x.ipynb"]],
)
def test_usage_errors_exit_2_without_traceback(argv, capsys):
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert "usage: gbaresearch" in err and "Traceback" not in err


def test_notebooks_usage_errors(tmp_path, capsys):
    assert cli.main(["notebooks", "--out", str(tmp_path / "x.ipynb"), "a.ipynb", "b.ipynb"]) == 2
    assert "--out takes exactly one notebook" in capsys.readouterr().err
    assert cli.main(["notebooks", str(tmp_path / "missing.ipynb")]) == 2
    assert f"notebook not found: {tmp_path / 'missing.ipynb'}" in capsys.readouterr().err


def test_every_subcommand_and_argument_has_help():
    parser = cli._parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    assert set(sub.choices) == {
        "validate",
        "summary",
        "export",
        "notebooks",
        "lab",
        "codebook",
        "report",
        "template",
        "add",
        "release",
    }
    for name, p in sub.choices.items():
        for action in p._actions:
            assert action.help, f"{name}: {action.dest} has no help"


def test_codebook_check_and_print(data_copy, capsys):
    assert cli.main(["codebook", "--check"]) == 0
    assert cli.main(["codebook"]) == 0
    assert "### `cases.csv`" in capsys.readouterr().out
    text = (data_copy / "CODEBOOK.md").read_text(encoding="utf-8")
    (data_copy / "CODEBOOK.md").write_text(text.replace("### `cases.csv`", "### `cases.csv` (stale)"), encoding="utf-8")
    assert cli.main(["codebook", "--check", str(data_copy)]) == 1
    assert capsys.readouterr().out.startswith("CODEBOOK.md:0: -: the field reference is out of date")
    assert cli.main(["codebook", "--write", str(data_copy)]) == 0
    assert cli.main(["codebook", "--check", str(data_copy)]) == 0


def test_library_reports_a_missing_data_directory(tmp_path):
    import gbaresearch as gba

    problems = gba.validate(tmp_path / "nowhere")
    assert len(problems) == 1
    assert str(problems[0]) == f"datapackage.json:0: -: data directory not found: {tmp_path / 'nowhere'}"


def test_cite_uses_the_version_of_the_data_in_use(data_copy):
    import gbaresearch as gba

    p = data_copy / "datapackage.json"
    desc = json.loads(p.read_text(encoding="utf-8"))
    desc["version"] = "9.9.9"
    p.write_text(json.dumps(desc, ensure_ascii=False), encoding="utf-8")
    assert "(Version 9.9.9)" in gba.cite(data_copy) and f"(Version {VERSION})" in gba.cite()
    assert "(Version 1.2.3)" in gba.cite(version="1.2.3")


def test_export_choices_are_the_library_formats():
    from gbaresearch.publish.exports import FORMATS

    assert cli.EXPORT_FORMATS == FORMATS


def test_export_writes_the_requested_formats(tmp_path, capsys):
    out = tmp_path / "downloads"
    assert cli.main(["export", "--out", str(out), "--format", "csv", "--format", "csv"]) == 0
    written = capsys.readouterr().out.splitlines()
    assert len(written) == 1 and written[0].endswith(".csv") and (out / written[0].rsplit("/", 1)[1]).is_file()


def test_export_leaves_other_files_in_the_output_directory_untouched(tmp_path, capsys):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.docx").write_text("keep me")
    assert cli.main(["export", "--out", str(out), "--format", "csv"]) == 0
    written = capsys.readouterr().out
    assert (out / "thesis.docx").read_text() == "keep me"
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [".gbaresearch-manifest", "thesis.docx", written.strip().rsplit("/", 1)[1]]
    )


@pytest.mark.slow
def test_report_refuses_an_output_directory_it_did_not_write(tmp_path):
    out = tmp_path / "notes"
    out.mkdir()
    (out / "draft.md").write_text("keep me")
    r = run("report", "--out", str(out))
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
    assert r.stderr.startswith("usage: gbaresearch report ")
    assert [p.name for p in out.iterdir()] == ["draft.md"] and (out / "draft.md").read_text() == "keep me"


def test_notebooks_in_place_refuses_other_data(data_copy, monkeypatch, capsys):
    monkeypatch.setenv("GBARESEARCH_DATA", str(data_copy))
    before = {p: p.read_bytes() for p in (REPO_DIR / "notebooks").glob("*.ipynb")}
    assert cli.main(["notebooks", "--in-place"]) == 2
    assert "not the repository's data/" in capsys.readouterr().err
    assert {p: p.read_bytes() for p in (REPO_DIR / "notebooks").glob("*.ipynb")} == before


def test_make_validate_takes_another_data_directory():
    make = (REPO_DIR / "Makefile").read_text(encoding="utf-8")
    assert "DATA ?= $(or $(GBARESEARCH_DATA),data)" in make
    r = subprocess.run(
        ["make", "-n", "validate", "report", "notebooks", "lab", "DATA=/elsewhere/data", "STAMP="],
        capture_output=True,
        text=True,
        cwd=REPO_DIR,
    )
    lines = [line for line in r.stdout.splitlines() if "gbaresearch" in line or "frictionless" in line or "lab" in line]
    assert lines == [
        '.venv/bin/python -m gbaresearch validate "/elsewhere/data"',
        '.venv/bin/python -m gbaresearch codebook --check "/elsewhere/data"',
        '.venv/bin/python -m gbaresearch validate --frictionless "/elsewhere/data"',
        '.venv/bin/python -m gbaresearch report "/elsewhere/data"',
        'GBARESEARCH_DATA="/elsewhere/data" .venv/bin/python -m gbaresearch notebooks ',
        'GBARESEARCH_DATA="/elsewhere/data" .venv/bin/python -m gbaresearch lab',
    ]


def test_version_flag_prints_the_package_version(capsys):
    import gbaresearch

    assert cli.main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"gbaresearch {gbaresearch.__version__}"


@pytest.mark.slow
def test_version_flag_through_python_dash_m():
    import gbaresearch

    r = run("--version")
    assert r.returncode == 0 and r.stdout.strip() == f"gbaresearch {gbaresearch.__version__}"


def test_export_format_takes_a_list_as_the_readme_shows(tmp_path, capsys):
    out = tmp_path / "downloads"
    assert cli.main(["export", "--out", str(out), "--format", "zip", "csv"]) == 0
    written = capsys.readouterr().out.splitlines()
    assert [w.rsplit(".", 1)[1] for w in written] == ["zip", "csv"]
    assert sorted(p.suffix for p in out.iterdir() if not p.name.startswith(".")) == [".csv", ".zip"]


def test_export_with_data_dir_before_a_format_list(data_copy, tmp_path, capsys):
    assert cli.main(["export", str(data_copy), "--out", str(tmp_path / "o"), "--format", "csv", "zip"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 2


def test_a_missing_extra_names_the_extra_and_exits_2(tmp_path, capsys, monkeypatch):
    module, fmt = "openpyxl", "xlsx"
    monkeypatch.setitem(sys.modules, module, None)  # import fails as if the package were not installed
    assert cli.main(["export", "--out", str(tmp_path / "o"), "--format", fmt]) == 2
    err = capsys.readouterr().err.strip()
    assert err == (
        f"gbaresearch export: error: this command needs {module!r}, which is not installed; "
        'install it with: pip install "gbaresearch[export]"'
    )
    assert not (tmp_path / "o" / f"gbaresearch-0.2.0.{fmt}").exists()


def test_notebooks_copy_puts_every_numbered_notebook_in_a_new_folder(tmp_path, capsys):
    from gbaresearch.publish.notebooks import notebook_paths

    dest = tmp_path / "my notebooks"
    assert cli.main(["notebooks", "--copy", str(dest)]) == 0
    names = [p.name for p in notebook_paths()]
    assert capsys.readouterr().out.splitlines() == [str(dest / n) for n in names]
    assert sorted(p.name for p in dest.iterdir()) == names
    assert (dest / names[0]).read_bytes() == notebook_paths()[0].read_bytes()


def test_notebooks_copy_never_overwrites(tmp_path, capsys):
    dest = tmp_path / "nb"
    dest.mkdir()
    (dest / "01-tour-of-the-dataset.ipynb").write_text("my edits")
    assert cli.main(["notebooks", "--copy", str(dest)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert [p.name for p in dest.iterdir()] == ["01-tour-of-the-dataset.ipynb"]
    assert (dest / "01-tour-of-the-dataset.ipynb").read_text() == "my edits"


def test_lab_refuses_a_missing_folder(tmp_path, capsys):
    assert cli.main(["lab", str(tmp_path / "nowhere")]) == 2
    assert "notebook folder not found" in capsys.readouterr().err


def test_report_ends_with_one_line_saying_where_the_site_is(tmp_path, capsys, monkeypatch):
    from gbaresearch.publish import report

    def fake_build(out, data_dir=None, jobs=2, use_cache=True):
        print("[1/4] validating data")
        return tmp_path / "site" / "index.html"

    monkeypatch.setattr(report, "build", fake_build)
    assert cli.main(["report", "--out", str(tmp_path / "site")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1] == f"site written: {tmp_path / 'site' / 'index.html'} (open it in a browser)"
    assert sum(str(tmp_path / "site") in line for line in lines) == 1


def test_make_help_lists_every_documented_target_including_hyphenated_ones():
    import re
    import shutil

    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    makefile = (REPO_DIR / "Makefile").read_text(encoding="utf-8")
    documented = re.findall(r"^([a-z][a-z-]*):.*## ", makefile, flags=re.M)
    assert "test-fast" in documented
    r = subprocess.run(["make", "-s", "-C", str(REPO_DIR), "help"], capture_output=True, text=True, timeout=30)
    listed = [line.split()[1] for line in r.stdout.splitlines()]
    assert listed == documented


def test_no_test_writes_inside_the_site_folder():
    """build/report holds only what a build wrote (screenshots go to build/screenshots)."""
    pattern = '"build" / "report" / '
    for path in (REPO_DIR / "tests").glob("*.py"):
        if path.name != "test_cli.py":
            assert pattern not in path.read_text(encoding="utf-8"), path.name


def test_make_test_checks_the_notebooks_with_nbval_and_test_fast_loads_no_notebook_plugin():
    import re

    makefile = (REPO_DIR / "Makefile").read_text(encoding="utf-8")
    nbval = re.search(r"^NBVAL := (.*)$", makefile, flags=re.M).group(1)
    assert "--nbval " in nbval + " " and "--nbval-sanitize-with=tests/nbval_sanitize.cfg" in nbval
    recipes = dict(re.findall(r"^([a-z-]+):.*\n\t(.*)$", makefile, flags=re.M))
    assert "$(NBVAL)" in recipes["test"] and "-m pytest" in recipes["test"]
    variables = dict(re.findall(r"^([A-Z_]+) :?= (.*)$", makefile, flags=re.M))
    fast = re.sub(r"\$\(([A-Z_]+)\)", lambda m: variables.get(m[1], m[0]), recipes["test-fast"])
    assert '-m "not slow"' in fast and "-p no:nbval" in fast and "PYTEST_DISABLE_PLUGIN_AUTOLOAD=1" in fast


def test_fast_runs_skip_modules_whose_every_test_is_slow(pytestconfig):
    from conftest import _ALL_SLOW

    slow_only = {p.name for p in (REPO_DIR / "tests").glob("test_*.py") if _ALL_SLOW.search(p.read_text("utf-8"))}
    assert {"test_wheel.py", "test_site_browser.py", "test_export.py", "test_large_files.py"} <= slow_only
    assert "test_cli.py" not in slow_only and "test_report.py" not in slow_only
