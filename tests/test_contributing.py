"""CONTRIBUTING.md is followed literally: its commands, run in a sandbox that stands for the
repository (a copy of data/, the example announcement, the Makefile), add the made-up batch of
docs/examples/batch4.yaml to the tables, validate it, release it and (slow) build every
notebook and the site from the copy."""

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import gbaresearch as gba
from gbaresearch.dataset import announce
from gbaresearch.dataset.paths import REPO_DIR

DOC = (REPO_DIR / "CONTRIBUTING.md").read_text(encoding="utf-8")
EXAMPLE = REPO_DIR / "docs" / "examples" / "batch4.yaml"


def block(heading: str) -> list[str]:
    """The command lines of the first ```sh block after ``heading``."""
    after = DOC[DOC.index(heading) :]
    body = re.search(r"```sh\n(.*?)```", after, re.S)
    assert body, heading
    return [line for line in body[1].splitlines() if line.strip()]


def sandbox(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    (repo / "docs" / "examples").mkdir(parents=True)
    shutil.copytree(REPO_DIR / "data", repo / "data")
    shutil.copy(EXAMPLE, repo / "docs" / "examples" / "batch4.yaml")
    shutil.copy(REPO_DIR / "Makefile", repo / "Makefile")
    return repo


def env(**extra: str) -> dict[str, str]:
    e = {k: v for k, v in os.environ.items() if k not in ("GBARESEARCH_DATA", "MAKEFLAGS", "MAKELEVEL")}
    e["PYTHONPATH"] = str(REPO_DIR)
    e.update(extra)
    return e


def run_line(line: str, cwd: Path, environ: dict[str, str], site: Path | None = None) -> str:
    """Run one documented command line in ``cwd``; return its output. ``gbaresearch`` is this
    interpreter's module; ``make TARGET`` runs the sandbox's Makefile with this interpreter;
    ``make report`` builds the site into ``site``."""
    words = shlex.split(line)
    if words[0] == "gbaresearch":
        cmd = [sys.executable, "-m", "gbaresearch", *words[1:]]
    elif words[:2] == ["make", "report"]:
        assert site is not None
        data = [w.split("=", 1)[1] for w in words[2:] if w.startswith("DATA=")]
        cmd = [sys.executable, "-m", "gbaresearch", "report", *data, "--out", str(site), "--jobs", "1"]
    elif words[0] == "make":
        cmd = [*words, f"PY={sys.executable}", "STAMP="]
    else:
        cmd = ["bash", "-c", line]
    r = subprocess.run(cmd, cwd=cwd, env=environ, capture_output=True, text=True, timeout=1800)
    assert r.returncode == 0, (line, r.stdout[-2000:], r.stderr[-2000:])
    return r.stdout


def test_the_example_is_the_file_contributing_walks_through():
    assert "[`docs/examples/batch4.yaml`](docs/examples/batch4.yaml)" in DOC
    assert block("### 1. Describe the announcement") == ["gbaresearch template > batch4.yaml"]
    assert "gbaresearch add docs/examples/batch4.yaml ../try/data" in block("### 2. Try it on a copy")


def test_the_documented_problem_line_is_what_add_prints(data_copy, tmp_path):
    shown = re.search(r"for example `(batch4\.yaml:\d+: counterpart: [^`]*)`", DOC)[1]
    f = tmp_path / "batch4.yaml"
    f.write_text(EXAMPLE.read_text(encoding="utf-8").replace("counterpart: hong_kong", "counterpart: Hong Kong"))
    assert [str(p) for p in announce.add(f, data_copy).problems] == [shown]


def _check_batch4(d: Path) -> None:
    ds = gba.load_dataset(d)
    assert ds.batches["batch"].tolist() == [1, 2, 3, 4]
    assert {"B4-01", "B4-a"} <= set(ds.cases["case_id"])
    assert ds.version == "0.4.0"
    assert "## 0.4.0" in (d / "CHANGELOG.md").read_text(encoding="utf-8")


@pytest.mark.slow  # runs the documented shell and make lines as subprocesses
def test_try_it_on_a_copy(tmp_path):
    repo = sandbox(tmp_path)
    before = {p.name: p.read_bytes() for p in (repo / "data").iterdir()}
    lines = block("### 2. Try it on a copy")
    assert lines[-1] == "make report DATA=../try/data"
    out = [run_line(line, repo, env()) for line in lines[:-1]]
    assert "valid: " in out[2] and "field reference up to date" in out[2]
    _check_batch4(tmp_path / "try" / "data")
    assert {p.name: p.read_bytes() for p in (repo / "data").iterdir()} == before
    assert not (tmp_path / "try" / "CITATION.cff").exists()


@pytest.mark.slow  # runs the documented shell and make lines as subprocesses
def test_add_it_in_place_and_release(tmp_path):
    repo = sandbox(tmp_path)
    shutil.copy(EXAMPLE, repo / "batch4.yaml")  # step 1's file, filled in
    lines = block("### 3. Add it in place and release")
    assert lines[-2:] == ["make notebooks", "make test"]  # run by the notebook and wheel tests, not here
    for line in lines[:-2]:
        run_line(line, repo, env(GBARESEARCH_DATA=str(repo / "data")))
    _check_batch4(repo / "data")


@pytest.mark.slow
def test_the_copy_reaches_every_notebook_and_the_site(tmp_path):
    repo = sandbox(tmp_path)
    site = tmp_path / "site"
    for line in block("### 2. Try it on a copy"):
        run_line(line, repo, env(), site=site)
    pages = {p.name: p.read_text(encoding="utf-8") for p in (site / "notebooks").glob("*.html")}
    assert len(pages) >= 10
    assert "2026-03-02" in pages["01-tour-of-the-dataset.html"]
    assert "batch 4" in pages["02-composition-across-batches.html"]
    assert "low-altitude economy" in pages["03-expanding-fields.html"]
    assert (
        "Shenzhen Transport Bureau" in pages["04-who-leads-and-with-whom.html"]
        or "B4-01" in pages["04-who-leads-and-with-whom.html"]
    )
    assert "B4-a" in pages["06-deepening-and-timing.html"]
    assert "4 batches" in pages["07-reported-outcomes.html"]
    assert "0.4.0" in (site / "index.html").read_text(encoding="utf-8")
    assert any("B4-01" in p.read_text(encoding="utf-8", errors="replace") for p in site.rglob("*.html"))
