"""Property tests: whatever is written into a CSV file, loading either succeeds completely or raises
DataValidationError with well-formed problems; never another exception, never a partial result.

One copy of the data serves each test; every example rewrites one file and puts it back.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import gbaresearch
from gbaresearch.dataset.paths import REPO_DIR
from gbaresearch.dataset.problems import CODES, Problem

pytestmark = pytest.mark.slow  # property-based fuzzing (hypothesis): left out of `make test-fast`

DATA = REPO_DIR / "data"
FILES = sorted(p.name for p in DATA.glob("*.csv"))
ORIGINAL = {name: (DATA / name).read_bytes() for name in FILES}
RECORDS = {name: list(csv.reader(io.StringIO(ORIGINAL[name].decode("utf-8"), newline=""))) for name in FILES}
KNOWN_FILES = set(FILES) | {"datapackage.json"}
LINE = re.compile(r"(?P<file>[^:\n\r]+):(?P<line>[0-9]+): (?P<field>[^\n\r]+): (?P<message>[^\n\r]+)")

SETTINGS = settings(
    max_examples=500,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("properties") / "data"
    shutil.copytree(DATA, d)
    return d


@pytest.fixture(scope="module")
def clean():
    return gbaresearch.load_dataset(DATA)


def _records(data: bytes) -> int:
    text = data.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    return sum(1 for _ in csv.reader(io.StringIO(text, newline=""))) - 1


def check_outcome(d: Path, name: str, data: bytes, clean) -> str:
    """Write ``data`` over ``name`` in ``d``, load, restore; assert the outcome is whole. Returns which one."""
    path = d / name
    path.write_bytes(data)
    try:
        try:
            ds = gbaresearch.load_dataset(d)
        except gbaresearch.DataValidationError as exc:
            assert exc.problems, "DataValidationError without problems"
            for p in exc.problems:
                assert isinstance(p, Problem)
                assert isinstance(p.line, int) and p.line >= 0
                assert p.file in KNOWN_FILES and p.field and p.message
                assert p.code in CODES, p
                m = LINE.fullmatch(str(p))
                assert m, f"not one FILE:LINE: FIELD: MESSAGE line: {str(p)!r}"
                assert (m["file"], int(m["line"])) == (p.file, p.line)
            return "invalid"
    finally:
        path.write_bytes(ORIGINAL[name])
    # a successful load is complete: every table, every column, every row
    assert sorted(ds) == sorted(clean)
    table = name.removesuffix(".csv")
    for other, frame in clean.items():
        if other != table:
            assert ds[other].equals(frame), other  # same dtypes and values
    got = ds[table]
    assert list(got.columns) == list(clean[table].columns)
    assert (got.dtypes == clean[table].dtypes).all(), table
    assert len(got) == _records(data)
    return "valid"


# --- (a) arbitrary bytes ------------------------------------------------------------------------


@pytest.mark.slow
@SETTINGS
@given(
    name=st.sampled_from(FILES),
    data=st.one_of(
        st.binary(max_size=400),
        st.sampled_from(FILES).flatmap(lambda n: st.binary(max_size=60).map(lambda b, n=n: ORIGINAL[n][:200] + b)),
    ),
)
def test_arbitrary_bytes_over_one_file(work, clean, name, data):
    event(check_outcome(work, name, data, clean))


# --- (b) arbitrary edits of a valid file -------------------------------------------------------


def _write(records: list[list[str]]) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(records)
    return buf.getvalue().encode("utf-8")


@st.composite
def cell_edit(draw, name):
    recs = [list(r) for r in RECORDS[name]]
    i = draw(st.integers(0, len(recs) - 1))
    j = draw(st.integers(0, len(recs[0]) - 1))
    column = [r[j] for r in recs[1:]]
    recs[i][j] = draw(
        st.one_of(
            st.text(max_size=30),
            # a value from elsewhere in the column: duplicates, other references (none in a table without rows)
            *([st.sampled_from(column)] if column else []),
            st.sampled_from(
                [
                    "",
                    "NA",
                    " NA",
                    "0",
                    "-1",
                    "1e999",
                    "99999999999999999999",
                    "1,000",
                    "true",
                    "TRUE",
                    "2023-02-30",
                    "2999-01-01",
                    "1600-01-01",
                    "2023/04/06",
                    "2023-04",
                    "2023",
                    "S01",
                    "B1-a",
                    "shenzhen",
                    "factor_flow",
                    '"',
                    "a,b",
                    "a\nb",
                ]
            ),
        )
    )
    return _write(recs)


@st.composite
def line_edit(draw, name):
    lines = ORIGINAL[name].decode("utf-8").splitlines(keepends=True)
    i = draw(st.integers(0, len(lines) - 1))
    if draw(st.booleans()):
        del lines[i]
    else:
        lines.insert(i, lines[i])
    return "".join(lines).encode("utf-8")


@st.composite
def insertion(draw, name):
    text = ORIGINAL[name].decode("utf-8")
    at = draw(st.integers(0, len(text)))
    extra = draw(
        st.one_of(st.text(min_size=1, max_size=10), st.text(alphabet=',"\n\r\t ;\x00\ufeff', min_size=1, max_size=4))
    )
    return (text[:at] + extra + text[at:]).encode("utf-8")


@st.composite
def truncation(draw, name):
    data = ORIGINAL[name]
    return data[: draw(st.integers(0, len(data) - 1))]


EDITS = {"cell": cell_edit, "line": line_edit, "insert": insertion, "truncate": truncation}


@pytest.mark.slow
@settings(SETTINGS, max_examples=1000)
@given(name=st.sampled_from(FILES), kind=st.sampled_from(sorted(EDITS)), draw=st.data())
def test_arbitrary_edits_of_a_valid_file(work, clean, name, kind, draw):
    data = draw.draw(EDITS[kind](name), label="data")
    event(f"{kind}: {check_outcome(work, name, data, clean)}")


# --- the checker itself ----------------------------------------------------------------------


def test_checker_accepts_the_clean_file_and_restores_it(work, clean):
    assert check_outcome(work, "cases.csv", ORIGINAL["cases.csv"], clean) == "valid"
    assert check_outcome(work, "cases.csv", b"\x00", clean) == "invalid"
    assert (work / "cases.csv").read_bytes() == ORIGINAL["cases.csv"]


def test_checker_catches_a_partial_load(work, clean, monkeypatch):
    real = gbaresearch.load_dataset

    def lossy(d):
        ds = real(d)
        ds["cases"] = ds["cases"].iloc[:-1]
        return ds

    monkeypatch.setattr(gbaresearch, "load_dataset", lossy)
    with pytest.raises(AssertionError):
        check_outcome(work, "cases.csv", ORIGINAL["cases.csv"], clean)


@pytest.mark.parametrize(
    "bad",
    [
        [],
        [Problem("cases.csv", -1, "batch", "negative line", "bad-integer")],
        [Problem("elsewhere.csv", 2, "batch", "unknown file", "bad-integer")],
        [Problem("cases.csv", 2, "batch", "undocumented code", "no-such-code")],
        [Problem("cases.csv", 2, "", "no field", "bad-integer")],
    ],
)
def test_checker_catches_a_malformed_error(work, clean, monkeypatch, bad):
    def failing(d):
        raise gbaresearch.DataValidationError(bad)

    monkeypatch.setattr(gbaresearch, "load_dataset", failing)
    with pytest.raises(AssertionError):
        check_outcome(work, "cases.csv", ORIGINAL["cases.csv"], clean)
    assert (work / "cases.csv").read_bytes() == ORIGINAL["cases.csv"]


def test_a_problem_is_always_one_line():
    p = Problem("cases\n.csv", 2, "batch\r", "two\nlines \x1b[2J\u202e\u2028", "bad-integer")
    assert str(p) == "cases\\n.csv:2: batch\\r: two\\nlines \\x1b[2J\\u202e\\u2028"
    assert LINE.fullmatch(str(p))
