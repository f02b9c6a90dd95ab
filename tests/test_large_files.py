"""Large files go through the one reader and the one set of checks: a synthetic dataset of
3,000 cases (cases.csv over 1 MB) is valid, and each kind of damage gives exactly its problem."""

import shutil

import pytest
from synthetic import describe, make_dataset  # benchmarks/synthetic.py (see conftest.py)

import gbaresearch as gba
from gbaresearch.dataset import csvfile, validation

pytestmark = pytest.mark.slow  # a 3,000-case dataset: left out of `make test-fast`


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    d = make_dataset(tmp_path_factory.mktemp("synth"), 3000)
    assert (d / "cases.csv").stat().st_size > 1_000_000
    return d


def test_synthetic_dataset_is_valid_and_deterministic(big, tmp_path):
    assert gba.validate(big) == []
    again = make_dataset(tmp_path / "again", 3000)
    for p in sorted(big.glob("*.csv")):
        assert (again / p.name).read_bytes() == p.read_bytes(), p.name
    rows = describe(big)["rows"]
    assert rows["cases"] == 3000 and rows["batches"] == 30


def test_synthetic_categories_come_from_the_schema(big):
    ds = gba.load_dataset(big)
    assert ds.categories("cases", "category") == list(ds.field("cases", "category").enum or ())
    assert ds.categories("cases", "batch") == list(range(1, 31))


def test_each_file_is_read_once_through_the_one_reader(big, monkeypatch):
    calls = []
    real = csvfile.parse_raw
    monkeypatch.setattr(validation, "parse_raw", lambda data, label: calls.append(label) or real(data, label))
    assert gba.validate(big) == []
    assert sorted(calls) == sorted(r.path for r in gba.load_dataset(big).package.resources)


def _damage(d, line_no, change):
    path = d / "cases.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[line_no - 1] = change(lines[line_no - 1])
    path.write_text("\n".join(lines), encoding="utf-8")


@pytest.mark.parametrize(
    "change, expected",
    [
        (lambda line: line.rsplit(",", 1)[0], [("row-width", 1501)]),
        (lambda line: "", [("empty-row", 1501)]),
        (lambda line: line.replace(",", " ,", 1), [("whitespace", 1501)]),
        (lambda line: '"x"y' + line[line.index(",") :], [("bad-quoting", 1501)]),
        (lambda line: line + ",extra", [("row-width", 1501)]),
        (lambda line: line.replace("B15-", "B16-", 1), [("case-id-batch", 1501)]),
        (lambda line: line.replace("B15-", "B\u0661\u0665-", 1), [("pattern-mismatch", 1501)]),
    ],
    ids=["short-row", "blank-line", "space-before-comma", "text-after-quote", "long-row", "id-batch", "arabic-digits"],
)
def test_damage_in_a_large_file_gives_exactly_its_problem(big, tmp_path, change, expected):
    d = tmp_path / "data"
    shutil.copytree(big, d)
    _damage(d, 1501, change)
    got = [(p.code, p.line) for p in gba.validate(d) if p.file == "cases.csv"]
    assert got[: len(expected)] == expected
