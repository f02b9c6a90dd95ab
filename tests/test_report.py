"""Report rendering: pages, figures and an index with each notebook's question and answer.

Execution itself is covered by nbval and the extension tests; here the committed (already
executed) notebooks stand in for freshly executed copies, so the test stays fast."""

import shutil

import nbformat

from gbaresearch import report
from gbaresearch.notebooks import notebook_paths


def fake_execute(path, out_dir):
    out = out_dir / path.name
    shutil.copy(path, out)
    return out, 0.0, ""


def test_report_pages_figures_and_index(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(report, "_execute_copy", fake_execute)
    assert report.build_report(out_dir=tmp_path, jobs=1) == 0
    paths = notebook_paths()
    for p in paths:
        assert (tmp_path / f"{p.stem}.html").stat().st_size > 10_000
    figs = sorted(f.name for f in (tmp_path / "figures").glob("*.png"))
    assert "06-deepening-and-timing-fig1.png" in figs and len(figs) >= 8
    assert all((tmp_path / "figures" / f).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for f in figs)
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    for p in paths:
        nb = nbformat.read(p, as_version=4)
        assert f'href="{p.stem}.html"' in index
        assert report.html.escape(report.notebook_question(nb)) in index
        assert report.html.escape(report.notebook_answer(nb)) in index
    assert "data version 0.1.0 · 3 batches, 52 official cases, 34 identified" in index
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "[1/4] validating data" and "[4/4] writing index.html" in out


def test_report_stops_on_a_failing_notebook(tmp_path, monkeypatch):
    monkeypatch.setattr(report, "_execute_copy", lambda p, d: (d / p.name, 0.0, "NameError: x"))
    assert report.build_report(out_dir=tmp_path, jobs=1) == 1
    assert not (tmp_path / "index.html").exists()


def test_report_refuses_invalid_data(tmp_path, monkeypatch, data_copy, capsys):
    (data_copy / "batches.csv").write_text("batch\n", encoding="utf-8")
    monkeypatch.setenv("GBARESEARCH_DATA", str(data_copy))
    assert report.build_report(out_dir=tmp_path, jobs=1) == 1
    assert "batches.csv:1: announced: column is missing from the header" in capsys.readouterr().err


def test_question_and_answer_extraction():
    nb = nbformat.read(notebook_paths()[0], as_version=4)
    assert report.notebook_title(nb) == "01 · A tour of the dataset"
    assert report.notebook_question(nb).startswith("What does the dataset hold")
    assert report.notebook_answer(nb).startswith("34 of 52 announced cases are identified")
