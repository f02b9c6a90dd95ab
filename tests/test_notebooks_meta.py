"""Structure the notebooks promise: a question, data version, caveats, an answer; no paths,
no hard-coded batches; executed, clean outputs."""

import json
import re

import nbformat
import pytest

from gbaresearch.notebooks import notebook_paths
from gbaresearch.report import notebook_answer, notebook_question, notebook_title

PATHS = notebook_paths()


def test_nine_numbered_notebooks():
    assert [p.name[:2] for p in PATHS] == [f"{i:02d}" for i in range(1, 10)]


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.name)
def test_notebook_structure(path):
    nb = nbformat.read(path, as_version=4)
    first = nb.cells[0].source
    assert first.startswith("# ") and "**Question:**" in first and "**Data:**" in first and "Caveats" in first
    assert notebook_title(nb) and notebook_question(nb)
    assert notebook_answer(nb), "a code cell tagged 'answer' must print the one-line answer"
    assert any(c.cell_type == "markdown" and c.source.startswith("## What this shows") for c in nb.cells)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    # figures must not depend on a MPLBACKEND set in the reader's environment
    assert code.startswith("%matplotlib inline\n")
    assert "gba.load_dataset()" in code and "ds.version" in code
    assert not re.search(r"(data/|\.csv|/work/|/home/|/tmp/)", code), "notebooks reach data only through the library"
    assert not re.search(r"batch\"?\]? ?== ?[0-9]|\b(batch|Batch) [0-9]\b", code), "no hard-coded batch numbers"
    for c in nb.cells:
        if c.cell_type == "code":
            assert c.execution_count is not None
            for o in c.outputs:
                assert o.output_type != "error"
                assert not (o.output_type == "stream" and o.name == "stderr"), f"warning in output: {o.text[:200]}"
    assert not re.search(r"/(root|home|tmp|work)/", json.dumps(nb))


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.name)
def test_stored_outputs_have_no_timing_metadata(path):
    nb = nbformat.read(path, as_version=4)
    assert all("execution" not in c.metadata for c in nb.cells)
