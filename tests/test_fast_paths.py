"""Large files take fast paths (pandas' C parser, column-level checks); they must reach exactly
the same verdicts, values and messages as the cell-by-cell path."""

import sys

import pandas as pd
import pytest

import gbaresearch as gba
from gbaresearch import csvfile
from gbaresearch.paths import REPO_DIR

sys.path.insert(0, str(REPO_DIR / "benchmarks"))
from synth import make_dataset  # noqa: E402


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    d = make_dataset(tmp_path_factory.mktemp("synth"), 3000)
    assert (d / "cases.csv").stat().st_size > csvfile.FAST_PARSE_BYTES
    return d


def slow(monkeypatch):
    monkeypatch.setattr(csvfile, "FAST_PARSE_BYTES", 10**12)


def test_large_file_is_parsed_by_the_fast_path(big, monkeypatch):
    calls = []
    real = csvfile._fast_parse
    monkeypatch.setattr(csvfile, "_fast_parse", lambda *a: calls.append(1) or real(*a))
    assert gba.validate(big) == []
    assert calls


def test_fast_and_slow_paths_load_identical_tables(big, monkeypatch):
    fast = gba.load_dataset(big)
    slow(monkeypatch)
    reference = gba.load_dataset(big)
    for name in reference:
        pd.testing.assert_frame_equal(fast[name], reference[name], obj=name)


def _mutate(path, line_no, new_line):
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[line_no - 1] = new_line
    path.write_text("\n".join(lines), encoding="utf-8")


@pytest.mark.parametrize(
    "change",
    [
        lambda line: line.rsplit(",", 1)[0],  # a short row
        lambda line: "",  # a blank line
        lambda line: line.replace(",", " ,", 1),  # whitespace before a separator
        lambda line: '"x"y' + line[line.index(",") :],  # text after a closing quote
        lambda line: line[: line.index(",") + 1] + '"open' + line[line.index(",") + 1 :],  # an unterminated quote
        lambda line: line + ",extra",  # a long row
        lambda line: (
            line[: line.index(",") + 1] + '"a\nb"' + line[line.index(",", line.index(",") + 1) :]
        ),  # a quoted line break
    ],
)
def test_damaged_large_file_gets_the_same_problems_on_both_paths(big, tmp_path, monkeypatch, change):
    import shutil

    d = tmp_path / "data"
    shutil.copytree(big, d)
    path = d / "cases.csv"
    line = path.read_text(encoding="utf-8").split("\n")[1500]
    _mutate(path, 1501, change(line))
    fast = [str(p) for p in gba.validate(d)]
    slow(monkeypatch)
    assert fast == [str(p) for p in gba.validate(d)]
