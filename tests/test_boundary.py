"""The boundary of issue 20 beyond the corpus lines: one snapshot, confined writes, the
codebook command, a looping data directory, escaped output, frictionless offline, the pattern
parser fallback and the validator's side effects."""

from __future__ import annotations

import gc
import importlib
import os
import shutil
import socket
import sys
import zipfile
from pathlib import Path

import pytest
from test_security import BUDGET_S, Budget

import gbaresearch
from gbaresearch import cli
from gbaresearch.dataset import confined, extend, limits, load
from gbaresearch.dataset.confined import Refused, read_beneath, write_beneath
from gbaresearch.dataset.paths import REPO_DIR
from gbaresearch.dataset.validation import check_dataset

DATA = REPO_DIR / "data"


@pytest.fixture
def d(tmp_path) -> Path:
    out = tmp_path / "data"
    shutil.copytree(DATA, out)
    load._LOADED.clear()
    return out


@pytest.fixture
def outside(tmp_path) -> Path:
    out = tmp_path / "outside"
    out.mkdir()
    return out


# --- one snapshot: what is checked is what is used ------------------------------------------------


def test_swapping_a_file_for_an_outside_link_between_lookup_and_open_is_refused(d, outside, monkeypatch):
    (outside / "cases.csv").write_bytes(b"case_id\nFORGED\n")
    real_walk = confined._walk

    def walk_then_swap(root_fd, rel):
        found = real_walk(root_fd, rel)
        if rel == "cases.csv":
            (d / "cases.csv").unlink()
            (d / "cases.csv").symlink_to(outside / "cases.csv")
        return found

    monkeypatch.setattr(confined, "_walk", walk_then_swap)
    problems = gbaresearch.validate(d)
    assert [(str(p), p.code) for p in problems] == [
        (
            "cases.csv:0: -: the file changed into a symbolic link while it was opened: it is not read",
            "file-unreadable",
        )
    ]


def test_the_zip_is_written_from_the_validated_snapshot(d, tmp_path):
    from gbaresearch.publish.exports import write_zip

    ds = gbaresearch.load_dataset(d)
    validated = (d / "cases.csv").read_bytes()
    (d / "cases.csv").write_bytes(validated.replace(b"B1-a", b"FORGED", 1))
    (d / "CHANGELOG.md").unlink()
    (d / "CHANGELOG.md").symlink_to("/etc/passwd")
    write_zip(ds, ds.package, tmp_path / "out.zip")
    with zipfile.ZipFile(tmp_path / "out.zip") as zf:
        top = zf.namelist()[0].split("/")[0]
        assert zf.read(f"{top}/cases.csv") == validated
        assert zf.read(f"{top}/CHANGELOG.md") == (DATA / "CHANGELOG.md").read_bytes()
        assert b"root:" not in b"".join(zf.read(n) for n in zf.namelist())


def test_export_refuses_a_changelog_linked_to_the_password_file(d, tmp_path, capsys):
    (d / "CHANGELOG.md").unlink()
    (d / "CHANGELOG.md").symlink_to("/etc/passwd")
    assert cli.main(["export", str(d), "--format", "zip", "--out", str(tmp_path / "out")]) == 1
    out = capsys.readouterr().out
    assert out.splitlines() == [
        "CHANGELOG.md:0: -: the path resolves outside the data directory (through a symbolic link); "
        "the file is not opened"
    ]
    assert not (tmp_path / "out").exists()


def test_loaders_carry_the_snapshot(d):
    ds = gbaresearch.load_dataset(d)
    assert ds.files["cases.csv"] == (d / "cases.csv").read_bytes()
    assert ds.files["datapackage.json"] == (d / "datapackage.json").read_bytes()
    assert set(ds.files) == {r.path for r in ds.package.resources} | {"datapackage.json", "CODEBOOK.md", "CHANGELOG.md"}


# --- the codebook command --------------------------------------------------------------------------


def test_codebook_check_on_a_fifo_reports_instead_of_hanging(d, capsys):
    (d / "CODEBOOK.md").unlink()
    os.mkfifo(d / "CODEBOOK.md")
    with Budget(BUDGET_S):
        code = cli.main(["codebook", "--check", str(d)])
    assert code == 1
    assert capsys.readouterr().out.splitlines() == [
        "CODEBOOK.md:0: -: is a named pipe (FIFO), not a regular file: it is not read"
    ]


def test_codebook_write_never_writes_through_a_link(d, outside, capsys):
    target = outside / "CODEBOOK.md"
    target.write_bytes((d / "CODEBOOK.md").read_bytes() + b"\nstale")
    (d / "CODEBOOK.md").unlink()
    (d / "CODEBOOK.md").symlink_to(target)
    before = target.read_bytes()
    assert cli.main(["codebook", "--write", str(d)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "CODEBOOK.md:0: -: the path resolves outside the data directory (through a symbolic link); "
        "the file is not opened"
    ]
    assert target.read_bytes() == before


def test_codebook_render_escapes_line_breaks_and_terminal_codes(d, capsys):
    import json

    desc = json.loads((d / "datapackage.json").read_text(encoding="utf-8"))
    desc["resources"][0]["description"] = "one\nsources.csv:2: url: FORGED\x1b[2J"
    (d / "datapackage.json").write_text(json.dumps(desc, ensure_ascii=False), encoding="utf-8")
    assert cli.main(["codebook", str(d)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\nsources.csv:2" not in out
    assert "one\\nsources.csv:2: url: FORGED\\x1b[2J" in out


# --- the data directory and printed values ------------------------------------------------------


def test_a_looping_data_directory_is_a_usage_error(tmp_path, capsys):
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    with Budget(BUDGET_S):
        assert cli.main(["validate", str(loop)]) == 2
    err = capsys.readouterr().err
    assert err.splitlines()[-1] == f"gbaresearch validate: error: data directory not found: {loop}"


def test_a_newline_in_the_version_cannot_forge_a_problem_line(d, capsys):
    import json

    desc = json.loads((d / "datapackage.json").read_text(encoding="utf-8"))
    desc["version"] = "0.2.0\nsources.csv:2: url: FORGED problem line\x1b[2J"
    (d / "datapackage.json").write_text(json.dumps(desc, ensure_ascii=False), encoding="utf-8")
    assert cli.main(["validate", str(d)]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"valid: {d} (version 0.2.0\\nsources.csv:2: url: FORGED problem line\\x1b[2J, ")
    assert lines[0].endswith(" rows)")


def test_summary_escapes_the_version(d, capsys):
    import json

    desc = json.loads((d / "datapackage.json").read_text(encoding="utf-8"))
    desc["version"] = "0.2.0\x1b]0;title\x07"
    (d / "datapackage.json").write_text(json.dumps(desc, ensure_ascii=False), encoding="utf-8")
    assert cli.main(["summary", str(d)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("gbaresearch data 0.2.0\\x1b]0;title\\x07: ")
    assert "\x1b" not in out and "\x07" not in out


# --- writes obey the boundary and the schema's spellings -------------------------------------------


def test_append_rows_never_writes_through_a_link_out(d, outside):
    target = outside / "case_links.csv"
    target.write_bytes((d / "case_links.csv").read_bytes())
    (d / "case_links.csv").unlink()
    (d / "case_links.csv").symlink_to(target)
    before = target.read_bytes()
    with pytest.raises(Refused) as exc:
        extend.append_rows(d, "case_links", [{"from_case_id": "B2-01", "to_case_id": "B1-a"}])
    assert exc.value.code == "path-outside"
    assert target.read_bytes() == before


@pytest.mark.parametrize("edit", ["append", "drop", "edit"])
def test_extend_never_writes_through_a_linked_folder_out(d, outside, edit):
    import json

    # vocab_domains.csv moves into a folder that is a link out of the data directory
    (outside / "vocab").mkdir()
    target = outside / "vocab" / "vocab_domains.csv"
    target.write_bytes((d / "vocab_domains.csv").read_bytes())
    (d / "vocab_domains.csv").unlink()
    (d / "sub").symlink_to(outside / "vocab", target_is_directory=True)
    desc = json.loads((d / "datapackage.json").read_text(encoding="utf-8"))
    next(r for r in desc["resources"] if r["name"] == "vocab_domains")["path"] = "sub/vocab_domains.csv"
    (d / "datapackage.json").write_text(json.dumps(desc, ensure_ascii=False), encoding="utf-8")
    before = target.read_bytes()
    with pytest.raises(Refused) as exc:
        if edit == "append":
            extend.append_rows(d, "vocab_domains", [{"domain": "x", "label_en": "X", "label_zh": "X"}])
        elif edit == "drop":
            extend.drop_rows(d, "vocab_domains", lambda r: True)
        else:
            extend.edit_rows(d, "vocab_domains", lambda r: True, label_en="changed")
    assert exc.value.code == "path-outside"
    assert target.read_bytes() == before


def test_append_rows_uses_the_schemas_missing_and_boolean_spellings(d):
    import json

    desc = json.loads((d / "datapackage.json").read_text(encoding="utf-8"))
    res = next(r for r in desc["resources"] if r["name"] == "case_domains")
    res["schema"]["missingValues"] = ["n/a"]
    fld = next(f for f in res["schema"]["fields"] if f["name"] == "is_primary")
    fld["trueValues"], fld["falseValues"] = ["yes"], ["no"]
    (d / "datapackage.json").write_text(json.dumps(desc, ensure_ascii=False), encoding="utf-8")
    extend.append_rows(d, "case_domains", [{"case_id": "B1-a", "domain": "trade_goods", "is_primary": False}])
    assert (d / "case_domains.csv").read_text(encoding="utf-8").endswith("\nB1-a,trade_goods,no,n/a\n")


def test_writes_never_follow_a_link_out(tmp_path, outside):
    root = tmp_path / "root"
    root.mkdir()
    (outside / "x.txt").write_bytes(b"keep")
    (root / "x.txt").symlink_to(outside / "x.txt")
    for append in (True, False):
        with pytest.raises(Refused) as exc:
            write_beneath(root, "x.txt", b"new", append=append)
        assert exc.value.code == "path-outside"
    write_beneath(root, "new.txt", b"new")
    assert (root / "new.txt").read_bytes() == b"new"
    assert (outside / "x.txt").read_bytes() == b"keep"


def test_reading_an_inside_link_with_dotdot_is_allowed_but_not_above_the_root(tmp_path, outside):
    root = tmp_path / "root"
    (root / "a").mkdir(parents=True)
    (root / "b.txt").write_bytes(b"b")
    (outside / "x").write_bytes(b"x")
    (root / "a" / "link").symlink_to("../b.txt")
    assert read_beneath(root, "a/link", 10) == b"b"
    (root / "a" / "up").symlink_to("../../outside/x")
    (root / "abs").symlink_to(outside / "x")
    for rel in ("a/up", "abs"):
        with pytest.raises(Refused) as exc:
            read_beneath(root, rel, 10)
        assert exc.value.code == "path-outside"


# --- patterns: the parser is optional, the matcher bounds the work ---------------------------------


def test_the_standard_library_parser_is_the_one_pinned():
    assert limits._sre_parse is importlib.import_module("re._parser")
    assert limits._sre_c is importlib.import_module("re._constants")


def test_without_the_private_parser_the_linear_matcher_still_refuses_and_matches(monkeypatch):
    monkeypatch.setattr(limits, "_sre_parse", None)
    rx = limits.compile_pattern("^C[0-9]{2}$")
    assert rx.fullmatch("C01") and not rx.fullmatch("C\u0660\u0661") and not rx.fullmatch("C01\n")
    with pytest.raises(ValueError, match=r"cannot be matched in linear time \(invalid escape sequence: \\1\)"):
        limits.compile_pattern(r"^([a-z])\1*$")
    with pytest.raises(ValueError, match=r"cannot be matched in linear time \(invalid perl operator: \(\?=\)"):
        limits.compile_pattern("^(?=a)a$")


# --- frictionless: offline, on the snapshot, only after our own verdict -----------------------------


def test_offline_refuses_connections():
    from gbaresearch.dataset.crosscheck import offline

    with offline(), pytest.raises(PermissionError, match="network access refused"):
        socket.create_connection(("127.0.0.1", 9), timeout=1)


def test_frictionless_is_not_run_on_invalid_data(d, monkeypatch, capsys):
    import gbaresearch.dataset.crosscheck as crosscheck

    monkeypatch.setattr(crosscheck, "frictionless_problems", lambda files: pytest.fail("frictionless was run"))
    (d / "places.csv").unlink()
    (d / "places.csv").symlink_to("/etc/passwd")
    assert cli.main(["validate", "--frictionless", str(d)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "places.csv:0: -: resource 'places': the path resolves outside the data directory "
        "(through a symbolic link); the file is not opened"
    ]


# --- the validator leaves the process as it found it -------------------------------------------------


def test_check_dataset_never_switches_off_the_garbage_collector(monkeypatch):
    monkeypatch.setattr(gc, "disable", lambda: pytest.fail("gc.disable was called"))
    assert gc.isenabled()
    assert check_dataset(DATA).problems == []
    assert gc.isenabled()


def test_the_default_problem_code_is_documented():
    from gbaresearch.dataset.problems import CODES, Problem

    assert Problem("f", 0, "-", "m").code in CODES


if sys.platform != "linux":  # pragma: no cover
    pytestmark = pytest.mark.skip("the boundary tests use FIFOs and /etc/passwd")


# --- site output and the codebook page ---------------------------------------------------------------


def test_the_output_writer_never_writes_through_a_linked_folder(tmp_path):
    from gbaresearch.publish.site.output import OutputDirError, install

    staged = tmp_path / "staged"
    (staged / "places").mkdir(parents=True)
    files = {}
    for rel in ("index.html", "places/a.html", "places/b.html"):
        (staged / rel).write_text(rel, encoding="utf-8")
        files[rel] = staged / rel
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    install(files, out)
    elsewhere.mkdir()
    shutil.rmtree(out / "places")
    (out / "places").symlink_to(elsewhere)
    with pytest.raises(
        OutputDirError, match=r"refusing to write into .*/out/places: it is a symbolic link or not a folder"
    ):
        install(files, out)
    assert list(elsewhere.iterdir()) == []


CODEBOOK_ATTACKS = {
    "fence_with_space": "``` {include} ../../../../etc/passwd\n```\n",
    "literalinclude_in_quote": "> ```{literalinclude} /etc/passwd\n> ```\n",
    "raw_file_in_list": "- ```{raw} html\n  :file: /etc/passwd\n  ```\n",
    "raw_script_on_a_data_file": "```{raw} html\n<script>window.__gba_pwned = 1</script>\n```\n",
    "inline_html": '<img src=x onerror="window.__gba_pwned = 1">\n\n<script>window.__gba_pwned = 1</script>\n',
    "role": "{eval-rst}`.. include:: /etc/passwd`\n",
    "remote_image": "![x](https://example.org/x.png)\n",
}


@pytest.mark.parametrize("name", CODEBOOK_ATTACKS)
def test_the_codebook_page_has_no_directive_and_no_markup_from_the_codebook(name):
    from gbaresearch.publish.site.pages import codebook_page

    page = codebook_page("# Codebook\n\n" + CODEBOOK_ATTACKS[name])
    title, blank, opening, rest = page.split("\n", 3)
    assert (title, blank) == ("# Codebook", "")
    fence = opening.removesuffix("{raw} html")
    assert set(fence) == {"`"} and len(fence) >= 3
    body, closing = rest.rsplit("\n" + fence + "\n", 1)
    assert closing == ""
    assert fence not in body  # the block cannot be closed early
    assert "<script" not in body and "<img" not in body and "<iframe" not in body
    assert "```{" not in body.replace("language-{", "")  # no directive reaches MyST


def test_json_output_keeps_the_values_but_sends_nothing_raw_to_the_terminal(tmp_path, capsys):
    import json

    odd = tmp_path / "data\u202e\x9b2J\ufe0f"
    shutil.copytree(DATA, odd)
    (odd / "corrections.csv").write_text("correction_id\n", encoding="utf-8")
    assert cli.main(["validate", "--format", "json", str(odd)]) == 1
    out = capsys.readouterr().out
    assert out.rstrip("\n").replace("\n", "").isprintable()
    assert '"data_dir": "' + str(tmp_path) + '/data\\u202e\\u009b2J\\ufe0f"' in out
    assert json.loads(out)["data_dir"] == str(odd)


def test_the_report_runs_the_notebooks_on_the_validated_snapshot(d, tmp_path):
    from gbaresearch.publish import report

    seen: dict[str, bytes] = {}
    where: list[Path] = []

    def capture(paths, out_dir, data_dir, **kw):
        where.append(Path(data_dir))
        seen.update({p.name: p.read_bytes() for p in Path(data_dir).iterdir()})
        raise report.ReportError("stopped after the snapshot was seen")

    with pytest.raises(report.ReportError, match="stopped"):
        report.build(tmp_path / "report", data_dir=d, executor=capture, log=lambda s: None)
    assert where[0] != d and not where[0].is_relative_to(d)
    assert seen == {p.name: p.read_bytes() for p in d.iterdir()}
    assert not (tmp_path / "report").exists()


def test_copy_data_keeps_a_link_out_as_a_link(d, tmp_path):
    (d / "CHANGELOG.md").unlink()
    (d / "CHANGELOG.md").symlink_to("/etc/passwd")
    copy = extend.copy_data(tmp_path / "copy", d)
    assert (copy / "CHANGELOG.md").is_symlink()
    assert [p.code for p in gbaresearch.validate(copy)] == ["path-outside"]


def test_a_file_flipping_to_an_outside_link_during_validation_is_never_read(d, outside):
    import threading
    import time

    (outside / "cases.csv").write_bytes(b"case_id\nFORGED\n")
    keep = d.parent / "cases.real"
    shutil.copy(d / "cases.csv", keep)
    stop = threading.Event()
    errors: list[BaseException] = []

    def flip() -> None:
        n = 0
        try:
            while not stop.is_set():
                tmp = d / f".flip{n % 2}"
                if n % 2:
                    os.symlink(outside / "cases.csv", tmp)
                else:
                    os.link(keep, tmp)
                os.replace(tmp, d / "cases.csv")
                n += 1
                time.sleep(0.0005)
        except BaseException as exc:  # shown by the assertion below
            errors.append(exc)

    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-4)
    t = threading.Thread(target=flip, daemon=True)
    t.start()
    seen: set[str] = set()
    valid = 0
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not ("path-outside" in seen and valid):
            problems = gbaresearch.validate(d)
            valid += not problems
            seen |= {p.code for p in problems}
            assert not any("FORGED" in p.message for p in problems)
            assert not any(p.code in ("missing-column", "unknown-column") for p in problems)
    finally:
        stop.set()
        t.join()
        sys.setswitchinterval(old)
    assert errors == []
    assert seen <= {"path-outside", "file-unreadable", "not-regular-file", "file-missing"}, seen
    assert "path-outside" in seen and valid  # both states were met while validating


@pytest.mark.parametrize("name", ["bounded_repeats_8_times", "optional_then_required_34", "alternation_pairs_34"])
def test_the_linear_matcher_alone_bounds_the_slow_families(name, monkeypatch):
    from security_corpus import SLOW_PATTERNS

    pattern, value, _ = SLOW_PATTERNS[name]
    monkeypatch.setattr(limits, "_sre_parse", None)  # no syntactic first line: RE2 alone
    rx = limits.compile_pattern(pattern)
    with Budget(2):
        for _ in range(100):
            result = rx.fullmatch(value)
    assert bool(result) == (name == "optional_then_required_34")


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
@pytest.mark.parametrize(
    ("args", "env", "expected"),
    [
        (["DATA=/tmp/pr data"], {}, '"/tmp/pr data"'),
        ([], {"GBARESEARCH_DATA": "/tmp/from-env"}, '"/tmp/from-env"'),
        ([], {}, '"data"'),
    ],
)
def test_make_validate_checks_the_chosen_data_in_all_three_steps(args, env, expected):
    import subprocess

    environ = {k: v for k, v in os.environ.items() if k not in ("GBARESEARCH_DATA", "DATA")} | env
    r = subprocess.run(
        ["make", "-n", "-C", str(REPO_DIR), "validate", *args], capture_output=True, text=True, env=environ, check=True
    )
    steps = [ln for ln in r.stdout.splitlines() if "-m gbaresearch" in ln]
    assert [s.split("-m gbaresearch ", 1)[1] for s in steps] == [
        f"validate {expected}",
        f"codebook --check {expected}",
        f"validate --frictionless {expected}",
    ]
    assert "frictionless validate" not in r.stdout


def test_report_progress_lines_are_escaped(d, tmp_path, capsys):
    import json

    from gbaresearch.publish import report

    desc = json.loads((d / "datapackage.json").read_text(encoding="utf-8"))
    desc["version"] = "0.2.0\x1b[2J\nforged"
    (d / "datapackage.json").write_text(json.dumps(desc, ensure_ascii=False), encoding="utf-8")

    def stop(paths, out_dir, data_dir, **kw):
        raise report.ReportError("stopped")

    with pytest.raises(report.ReportError):
        report.build(tmp_path / "report", data_dir=d, executor=stop)
    out = capsys.readouterr().out
    n = len(gbaresearch.load_dataset(d).cases)
    assert f"      valid: version 0.2.0\\x1b[2J\\nforged, {n} identified cases" in out.splitlines()
    assert "\x1b" not in out
