"""The reader's site: pages, contents, escaping, offline assets, failure handling.

Execution itself is covered by nbval and tests/test_notebooks_exec.py; here the committed
(already executed) notebooks stand in for freshly executed copies, so the site is rendered once
per module in a few seconds."""

from __future__ import annotations

import copy
import html
import re
from pathlib import Path

import pytest
from nbjson import Node, read_notebook
from site_fixtures import copy_executor

from gbaresearch import load_dataset
from gbaresearch.dataset import atomic
from gbaresearch.dataset.problems import DataValidationError
from gbaresearch.publish import report
from gbaresearch.publish.notebooks import notebook_paths
from gbaresearch.publish.site import output
from gbaresearch.publish.site.pages import case_page, cases_page, place_page
from gbaresearch.publish.site.text import h, md

pytestmark = pytest.mark.filterwarnings("ignore:.*is deprecated. Check CHANGES")

pytest.importorskip("sphinx")
pytest.importorskip("myst_nb")


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


def read(site: Path, rel: str) -> str:
    return (site / rel).read_text(encoding="utf-8")


@pytest.mark.slow
def test_every_notebook_case_and_place_has_its_page(site, ds):
    for p in notebook_paths():
        page = read(site, f"notebooks/{p.stem}.html")
        title = report.notebook_title(read_notebook(p))
        shown = html.unescape(re.search(r"<title>(.*?)</title>", page).group(1)).replace("\u2019", "'")
        assert shown.startswith(f"{title} \u2014 "), shown
    for cid in ds.cases["case_id"]:
        assert (site / "cases" / f"{cid}.html").is_file(), cid
    for pid in ds.places["place_id"]:
        assert (site / "places" / f"{pid}.html").is_file(), pid
    for rel in ("cases/index.html", "places/index.html", "codebook.html", "downloads.html", "search.html"):
        assert (site / rel).is_file(), rel


@pytest.mark.slow
def test_landing_page_intro_questions_answers_coverage_citation(site, ds):
    index = read(site, "index.html")
    for p in notebook_paths():
        nb = read_notebook(p)
        assert f'href="notebooks/{p.stem}.html"' in index
        assert h(report.notebook_question(nb)) in index
        answer = report.notebook_answer(nb)
        if any("answer" in c.metadata.get("tags", []) for c in nb.cells):
            assert answer and h(answer) in index
        # the Chinese question and answer, where the notebook has them, are shown in Chinese too
        question_zh, answer_zh = report.notebook_question(nb, "zh"), report.notebook_answer(nb, "zh")
        if question_zh:
            assert f'<p class="gba-question" lang="zh">{h(question_zh)}</p>' in index
        if any("answer-zh" in c.metadata.get("tags", []) for c in nb.cells):
            assert answer_zh and f'<p class="gba-answer gba-answer-zh" lang="zh">{h(answer_zh)}</p>' in index
    assert "gba-thumb" not in index and not (site / "_static" / "figures").exists()  # no unreadable thumbnails
    n_announced = int(ds.batches["n_cases"].sum())
    assert f"{len(ds.cases)} identified cases of {n_announced} announced in {len(ds.batches)} batches" in index
    for b, n in zip(ds.batches["batch"], ds.batches["n_cases"]):
        k = int((ds.cases["batch"] == b).sum())
        assert f"{k} / {int(n)}" in index
    assert f"<strong>{ds.version}</strong>" in index
    assert "gbaresearch.cite()" in index and "How to cite · 引用方式" in index


@pytest.mark.slow
def test_case_page_carries_both_languages_sources_and_links(site, ds):
    page = read(site, "cases/B1-d.html")
    case = ds.cases.set_index("case_id").loc["B1-d"]
    assert h(case["title_zh"]) in page and h(case["title_en"]) in page
    assert h(case["summary_en"]) in page
    if "summary_zh" in ds.cases.columns and isinstance(case["summary_zh"], str):
        assert h(case["summary_zh"]) in page
    for sid in ds.case_sources.loc[ds.case_sources["case_id"] == "B1-d", "source_id"]:
        url = ds.sources.set_index("source_id").loc[sid, "url"]
        assert f'href="{h(url)}"' in page, sid
    assert "Livelihood integration · 民生融合" in page
    for later in ds.case_links.loc[ds.case_links["to_case_id"] == "B1-d", "from_case_id"]:
        assert f'href="{later}.html"' in page
    assert "Sources · 来源" in page and "Corrections · 更正" in page and "Indicators · 指标" in page
    primary = ds.case_domains[(ds.case_domains["case_id"] == "B1-d") & ds.case_domains["is_primary"].fillna(False)]
    assert len(primary) == 1 and page.count("yes · 是") == 1


@pytest.mark.slow
def test_place_page_lists_led_and_counterpart_cases(site, ds):
    page = read(site, "places/hengqin.html")
    for cid in ds.cases.loc[ds.cases["lead_place"] == "hengqin", "case_id"]:
        assert f'href="../cases/{cid}.html"' in page
    hk = read(site, "places/hong_kong.html")
    named = ds.cases.loc[ds.cases["counterpart"].isin(["hong_kong", "both"]), "case_id"]
    assert len(named) and all(f'href="../cases/{cid}.html"' in hk for cid in named)


@pytest.mark.slow
def test_case_browser_table_and_unidentified_counts(site, ds):
    page = read(site, "cases/index.html")
    body = page.split('<table id="gba-cases"', 1)[1].split("</table>", 1)[0]
    assert body.count("<tr>") == len(ds.cases) + 1
    assert '<script src="../_static/datatables.js"></script>' in page
    assert (site / "_static" / "datatables.js").read_text(encoding="utf-8").rstrip().endswith("})();")
    assert "Cases not yet identified · 尚未识别的案例" in page


@pytest.mark.slow
def test_downloads_are_linked_and_present(site):
    page = read(site, "downloads.html")
    files = sorted(p.name for p in (site / "downloads").iterdir())
    assert len(files) == 4 and {Path(f).suffix for f in files} == {".zip", ".xlsx", ".csv", ".dta"}
    for f in files:
        assert f'href="downloads/{f}"' in page


@pytest.mark.slow
def test_codebook_page_renders_the_codebook(site, ds):
    page = read(site, "codebook.html")
    assert "<h1>Codebook · 编码手册" in page
    assert page.count("<h3>") >= 10


ASSET = re.compile(
    r"<(?:script|link|img|iframe|source|embed|object)\b[^>]*\b(?:src|href|data)=[\"'](?:https?:)?//", re.I
)


@pytest.mark.slow
def test_no_page_loads_anything_from_the_network(site):
    pages = list(site.rglob("*.html"))
    assert len(pages) > 60
    for p in pages:
        assert not ASSET.search(p.read_text(encoding="utf-8")), p
    for css in (site / "_static").rglob("*.css"):
        text = css.read_text(encoding="utf-8", errors="replace")
        assert not re.search(r"url\(\s*[\"']?(?:https?:)?//", text), css
        assert not re.search(r"@import\s+(?:url\()?[\"']?(?:https?:)?//", text), css


def test_text_from_the_data_is_escaped(ds):
    hostile = "<script>alert(1)</script> {eval-rst}`x` $x$ [a](javascript:alert(1)) **b** | ```"
    cases = ds.cases.copy()
    for col in ("title_zh", "title_en", "summary_en", "notes"):
        cases[col] = cases[col].astype("object")
        cases.loc[0, col] = hostile
    tampered = copy.copy(ds)
    tampered["cases"] = cases
    case = next(cases.itertuples(index=False))
    for text in (
        case_page(tampered, case),
        cases_page(tampered),
        place_page(tampered, next(ds.places.itertuples(index=False))),
    ):
        assert "<script>alert" not in text
        markdown = re.sub(r"```\{raw\} html\n.*?\n```", "", text, flags=re.S)  # raw HTML: escaped with html.escape
        assert "](javascript:" not in markdown and "{eval-rst}`" not in markdown
    page = case_page(tampered, case)
    assert md(hostile) in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert md("a*b_c`d{e}$f") == r"a\*b\_c\`d\{e\}\$f"
    assert md("line\nbreak") == "line break"


def _markdown(source):
    return Node(cell_type="markdown", source=source, metadata=Node())


def test_answer_extraction_reads_markdown_and_printed_answers():
    nb = Node(cells=[], metadata=Node())
    cell = Node(cell_type="code", source="x", metadata={"tags": ["answer", "remove-input"]}, outputs=[])
    cell.outputs = [
        Node(output_type="display_data", data={"text/markdown": "**34** of 52 \\- cases", "text/plain": "<Markdown>"})
    ]
    nb.cells = [_markdown("# 01 · T\n\n**Question:** What?"), cell]
    assert report.notebook_answer(nb) == "34 of 52 - cases"
    assert report.notebook_question(nb) == "What?" and report.notebook_title(nb) == "01 · T"
    cell.outputs = [Node(output_type="stream", name="stdout", text="Printed answer.\n")]
    assert report.notebook_answer(nb) == "Printed answer."
    assert report.notebook_answer(nb, "zh") == "" and report.notebook_question(nb, "zh") == ""


def test_chinese_question_and_answer_extraction():
    nb = Node(cells=[], metadata=Node())
    en = Node(cell_type="code", source="x", metadata={"tags": ["answer", "remove-input"]}, outputs=[])
    en.outputs = [Node(output_type="display_data", data={"text/markdown": "**34** of 52", "text/plain": "34 of 52"})]
    zh = Node(cell_type="code", source="y", metadata={"tags": ["answer-zh", "remove-input"]}, outputs=[])
    zh.outputs = [
        Node(output_type="display_data", data={"text/markdown": "已识别 **34/52**（65%）", "text/plain": "."})
    ]
    first = "# 01 · T\n\n**Question:** What?\n\n**问题：** 什么？\n\n**Data:** x"
    nb.cells = [_markdown(first), en, zh]
    assert report.notebook_question(nb) == "What?" and report.notebook_question(nb, "zh") == "什么？"
    assert report.notebook_answer(nb) == "34 of 52"
    assert report.notebook_answer(nb, "zh") == "已识别 34/52（65%）"


def test_a_failing_notebook_installs_nothing(tmp_path):
    def failing(paths, out_dir, data_dir, **kw):
        raise report.ReportError("notebook failed: 03-expanding-fields.ipynb: NameError: x")

    out = tmp_path / "report"
    with pytest.raises(report.ReportError, match="03-expanding-fields.ipynb: NameError"):
        report.build(out, executor=failing, log=lambda s: None)
    assert not out.exists()


def test_invalid_data_is_refused_before_execution(tmp_path, data_copy):
    (data_copy / "batches.csv").write_text("batch\n", encoding="utf-8")
    calls = []
    with pytest.raises(DataValidationError):
        report.build(
            tmp_path / "report", data_dir=data_copy, executor=lambda *a, **k: calls.append(1), log=lambda s: None
        )
    assert calls == []


def test_a_directory_holding_other_files_is_refused_and_untouched(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.docx").write_bytes(b"precious")
    calls = []
    with pytest.raises(output.OutputDirError, match="holds files this command did not write"):
        report.build(out, executor=lambda *a, **k: calls.append(1), log=lambda s: None)
    assert calls == [] and sorted(p.name for p in out.iterdir()) == ["thesis.docx"]
    assert (out / "thesis.docx").read_bytes() == b"precious"


def test_a_rebuild_removes_only_files_it_wrote(tmp_path):
    staged = tmp_path / "staged"
    staged.mkdir()
    for name in ("a.html", "b.html"):
        (staged / name).write_text(name, encoding="utf-8")
    out = tmp_path / "out"
    output.install({"a.html": staged / "a.html", "sub/b.html": staged / "b.html"}, out)
    (out / "notes.txt").write_text("mine", encoding="utf-8")  # added by the user after the build
    output.install({"a.html": staged / "a.html"}, out)  # b.html no longer produced
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == [
        output.MANIFEST,
        "a.html",
        "notes.txt",
    ]
    assert not (out / "sub").exists() and (out / "notes.txt").read_text(encoding="utf-8") == "mine"
    (out / "c.html").write_text("user's page", encoding="utf-8")
    (staged / "c.html").write_text("ours", encoding="utf-8")
    with pytest.raises(output.OutputDirError, match="not written by this command"):
        output.install({"a.html": staged / "a.html", "c.html": staged / "c.html"}, out)
    assert (out / "c.html").read_text(encoding="utf-8") == "user's page"


def test_output_paths_that_are_not_directories_are_refused(tmp_path):
    f = tmp_path / "file"
    f.write_text("x", encoding="utf-8")
    with pytest.raises(output.OutputDirError, match="not a directory"):
        output.check(f)
    with pytest.raises(output.OutputDirError, match="outside the output directory"):
        output.install({"../escape.html": f}, tmp_path / "out")
    assert not (tmp_path / "escape.html").exists()


def test_an_interrupted_write_leaves_the_old_page_whole(tmp_path, monkeypatch):
    dest = tmp_path / "page.html"
    dest.write_text("old page", encoding="utf-8")
    src = tmp_path / "new.html"
    src.write_text("new page " * 1000, encoding="utf-8")

    def broken_copy(a, b):
        Path(b).write_text("new pa", encoding="utf-8")
        raise OSError("disk full")

    monkeypatch.setattr(atomic.shutil, "copyfile", broken_copy)
    with pytest.raises(OSError, match="disk full"):
        atomic.copy(src, dest)
    assert dest.read_text(encoding="utf-8") == "old page"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.html", "page.html"]


HOSTILE = "<script>alert(1)</script> {eval-rst}`.. raw:: html` $x$ [a](javascript:alert(1)) | **b** &amp; <!-- c"


@pytest.mark.slow
def test_hostile_text_in_the_data_renders_as_text(tmp_path, data_copy):
    import csv

    with open(data_copy / "cases.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    head = rows[0]
    for col in ("title_en", "summary_en", "notes"):
        rows[1][head.index(col)] = HOSTILE
    with open(data_copy / "cases.csv", "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    cid = rows[1][0]
    out = tmp_path / "site"
    report.build(out, data_dir=data_copy, executor=copy_executor, log=lambda s: None)
    for rel in (f"cases/{cid}.html", "cases/index.html"):
        page = read(out, rel)
        assert "<script>alert(1)" not in page and 'href="javascript:' not in page, rel
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page, rel
    page = read(out, f"cases/{cid}.html")
    body = html.unescape(re.sub(r"<[^>]+>", "", page))
    assert body.count(HOSTILE) >= 3  # title, summary, notes: shown exactly as written
