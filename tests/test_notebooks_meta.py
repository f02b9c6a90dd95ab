"""Structure the notebooks promise: a question, data version, caveats, an answer shown as prose;
setup cells folded; figures drawn in the package style; sensitivity variants in 03–07; no paths,
no hard-coded batches; executed, clean outputs."""

import json
import re

import pytest
from nbjson import read_notebook

from gbaresearch.publish.notebooks import notebook_paths

PATHS = notebook_paths()
# notebooks 01–09 and 11: the analysis notebooks held to the conventions below (later ones are added by
# their own tests as they adopt them)
ANALYSIS = [p for p in PATHS if "01" <= p.name[:2] <= "09" or p.name[:2] == "11"]
SENSITIVITY = {"03", "04", "05", "06", "07"}


def _answer_cell(nb):
    cells = [c for c in nb.cells if c.cell_type == "code" and "answer" in c.metadata.get("tags", [])]
    assert len(cells) == 1, "exactly one code cell is tagged 'answer'"
    return cells[0]


def test_numbered_notebooks_from_01_without_gaps():
    assert [p.name[:2] for p in PATHS] == [f"{i:02d}" for i in range(1, len(PATHS) + 1)]
    assert len(ANALYSIS) == 10


@pytest.mark.parametrize("path", ANALYSIS, ids=lambda p: p.name)
def test_notebook_structure(path):
    nb = read_notebook(path)
    first = nb.cells[0].source
    assert first.startswith("# ") and "**Question:**" in first and "**Data:**" in first and "Caveats" in first
    assert any(c.cell_type == "markdown" and c.source.startswith("## What this shows") for c in nb.cells)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    # figures must not depend on a MPLBACKEND set in the reader's environment
    assert code.startswith("%matplotlib inline\n")
    assert "gba.load_dataset()" in code and "ds.version" in code
    assert not re.search(r"(data/|\.csv|/work/|/home/|/tmp/)", code), "notebooks reach data only through the library"
    assert not re.search(r"batch\"?\]? ?== ?[0-9]|\b(batch|Batch) [0-9]\b", code), "no hard-coded batch numbers"
    # the style is scoped: figures are drawn inside plotting.style(), never set globally
    assert "use_style" not in code and "rcParams" not in code and "sns.set" not in code
    for c in nb.cells:
        if c.cell_type == "code" and ("plt.subplots" in c.source or "plt.figure(" in c.source):
            assert "with P.style():" in c.source


@pytest.mark.parametrize("path", ANALYSIS, ids=lambda p: p.name)
def test_setup_folded_and_answer_reads_as_prose(path):
    nb = read_notebook(path)
    setup = next(c for c in nb.cells if c.cell_type == "code")
    assert "hide-input" in setup.metadata.get("tags", [])
    cell = _answer_cell(nb)
    assert "remove-input" in cell.metadata["tags"]
    assert "print(" not in cell.source and "display(say(" in cell.source
    outs = [o for o in cell.outputs if "text/markdown" in o.get("data", {})]
    assert len(outs) == 1 and not [o for o in cell.outputs if o.output_type == "stream"]
    text = outs[0]["data"]["text/markdown"]
    plain = outs[0]["data"]["text/plain"]
    assert text.strip() and "\n" not in text.strip() and "<IPython" not in plain
    assert "\\" not in plain, "the plain-text form of the answer carries no Markdown escapes"


@pytest.mark.parametrize("path", [p for p in PATHS if p.name[:2] in SENSITIVITY], ids=lambda p: p.name)
def test_sensitivity_variants_side_by_side(path):
    nb = read_notebook(path)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "S.assess(ds, F." in code and "S.assessment_sentence(held)" in code
    # the tally is part of the answer, built by gbaresearch.analysis.answers from the notebook's own table
    assert re.search(r"S\.tally\(held\)|ANS\.answer_\d\d\(ds, held=held\)", code)
    # the sentence on which findings a variant could change is computed after "What this shows"
    idx = next(
        i for i, c in enumerate(nb.cells) if c.cell_type == "markdown" and c.source.startswith("## What this shows")
    )
    after = [c for c in nb.cells[idx:] if c.cell_type == "code" and "S.assessment_sentence" in c.source]
    assert after and "remove-input" in after[0].metadata.get("tags", [])
    md = "".join(o["data"]["text/markdown"] for o in after[0].outputs if "text/markdown" in o.get("data", {}))
    assert re.search(r"Of \d+ findings, \*\*\d+ held under a variant that could have changed them\*\*", md)
    assert "not testable by these variants" in md
    compared = [
        c
        for c in nb.cells
        if c.cell_type == "code"
        and c.source.strip().startswith(("held = S.assess(ds, F.", "held = pd.concat([S.assess("))
    ][0]
    html = "".join(o.get("data", {}).get("text/html", "") for o in compared.outputs)
    for variant in ("as coded", "without machine-translation-only cases", "without weakly evidenced cases", "status"):
        assert variant in html


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.name)
def test_executed_and_clean(path):
    nb = read_notebook(path)
    for c in nb.cells:
        if c.cell_type == "code":
            assert c.execution_count is not None
            for o in c.outputs:
                assert o.output_type != "error"
                assert not (o.output_type == "stream" and o.name == "stderr"), f"warning in output: {o.text[:200]}"
    assert not re.search(r"/(root|home|tmp|work)/", json.dumps(nb))


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.name)
def test_stored_outputs_have_no_timing_metadata(path):
    nb = read_notebook(path)
    assert all("execution" not in c.metadata for c in nb.cells)


# Notebooks read in Chinese too (the scheme is described in gbaresearch.analysis.answers): a Chinese
# question, a Chinese answer in a cell tagged "answer-zh", and a Chinese "what this shows".
# Notebook 07 adopts it with its rewrite.
BILINGUAL = [p for p in PATHS if p.name[:2] in {"01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11"}]
_CJK = re.compile(r"[\u4e00-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")


def cjk_share(text):
    """Share of CJK ideographs among the ideographs and Latin letters of ``text``."""
    cjk, latin = len(_CJK.findall(text)), len(_LATIN.findall(text))
    return cjk / (cjk + latin) if cjk + latin else 0.0


def test_the_bilingual_notebooks_are_the_ones_expected():
    assert [p.name[:2] for p in BILINGUAL] == ["01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11"]


@pytest.mark.parametrize("path", BILINGUAL, ids=lambda p: p.name)
def test_chinese_question_answer_and_what_this_shows(path):
    from gbaresearch.publish import report

    nb = read_notebook(path)
    assert "\n**问题：** " in nb.cells[0].source
    question = report.notebook_question(nb, "zh")
    assert question.endswith("？") and cjk_share(question) > 0.9, question
    zh_cells = [c for c in nb.cells if c.cell_type == "code" and "answer-zh" in c.metadata.get("tags", [])]
    assert len(zh_cells) == 1 and "remove-input" in zh_cells[0].metadata["tags"]
    cell = zh_cells[0]
    assert f"display(say(ANS.answer_{path.name[:2]}(ds, " in cell.source and '"zh"' in cell.source
    outs = [o for o in cell.outputs if "text/markdown" in o.get("data", {})]
    assert len(outs) == 1 and "\n" not in outs[0]["data"]["text/markdown"].strip()
    answer_zh, answer_en = report.notebook_answer(nb, "zh"), report.notebook_answer(nb)
    assert cjk_share(answer_zh) > 0.5, answer_zh
    assert answer_en and not _CJK.search(answer_en), "the English answer stays English"
    # the Chinese answer follows the English one
    idx = [
        i
        for i, c in enumerate(nb.cells)
        if c.cell_type == "code" and {"answer", "answer-zh"} & set(c.metadata.get("tags", []))
    ]
    assert idx[1] == idx[0] + 1 and "answer" in nb.cells[idx[0]].metadata["tags"]
    # "What this shows": a Chinese paragraph, or a computed sentence in Chinese right after it
    w = next(
        i for i, c in enumerate(nb.cells) if c.cell_type == "markdown" and c.source.startswith("## What this shows")
    )
    heading, _, body = nb.cells[w].source.partition("\n")
    assert heading == "## What this shows · 本分析说明"
    if not _CJK.search(body):
        after = nb.cells[w + 1]
        body = "\n\n".join(o["data"]["text/markdown"] for o in after.outputs if "text/markdown" in o.get("data", {}))
        assert '(ds, "zh")' in after.source
    paragraphs = [p for p in body.split("\n\n") if _CJK.search(p)]
    assert paragraphs and cjk_share(paragraphs[-1]) > 0.8, body[-200:]
