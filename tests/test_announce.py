"""Announcement files: gbaresearch template, add and release on copies of the data."""

import os
import shutil
from datetime import date
from pathlib import Path

import pytest

import gbaresearch as gba
from gbaresearch import cli
from gbaresearch.dataset import announce
from gbaresearch.dataset.csvfile import read_records
from gbaresearch.dataset.paths import REPO_DIR
from gbaresearch.dataset.release import release
from gbaresearch.dataset.schema import read_package
from gbaresearch.dataset.template import template
from gbaresearch.dataset.yamlfile import read_yaml

EXAMPLE = REPO_DIR / "docs" / "examples" / "batch4.yaml"

BAD = """\
sources:
  release:
    publisher: X
    title: T
    language: zh
    date_accessed: 2026-03-05
    url: example.org
    kind: press
batch:
  batch: 4
  announced: 2026-03-02
  announced_by_en: Office
  announced_by_zh: 办
  n_cases: 3
  source_id: relase
  categories:
    factor_flow: 2
    livelihood: 2
cases:
  - order_in_batch: 1
    title_zh: 标题
    title_status: offical
    title_en: A case
    category_status: unknown
    counterpart: Hong Kong
    summary_en: Something.
    colour: red
    sources:
      listed: release
      title: S999
    case_domains:
      - domain: aviation
        is_primary: yes
        basis: x
"""

BAD_LINES = [
    "bad.yaml:5: language: 'zh' is not one of the allowed values (zh-Hans, zh-Hant, en, fr)",
    "bad.yaml:7: url: 'example.org' does not match the pattern ^https?://\\S+$",
    "bad.yaml:14: n_cases: batch 4 has 3 cases, but its category counts in batch_categories.csv add up to 4",
    "bad.yaml:15: source_id: 'relase' is neither a source key of this file nor a source_id in sources.csv;"
    " did you mean 'release'?",
    "bad.yaml:20: order_in_batch: no row in case_sources.csv supports its official order (add one with fact 'order')",
    "bad.yaml:22: title_status: 'offical' is not one of the allowed values (official, descriptive);"
    " did you mean 'official'?",
    "bad.yaml:25: counterpart: 'Hong Kong' is not one of the allowed values (hong_kong, macao, both);"
    " did you mean 'hong_kong'?",
    "bad.yaml:27: colour: cases.csv has no field 'colour'",
    "bad.yaml:30: source_id: 'S999' is neither a source key of this file nor a source_id in sources.csv; did you mean 'S199'?",
    "bad.yaml:32: domain: 'aviation' is not a domain in vocab_domains.csv",
    "bad.yaml:33: is_primary: 'yes' is not true or false",
]


def snapshot(d: Path) -> dict[str, bytes]:
    """Every file under ``d`` (hidden ones too), by relative path."""
    return {str(p.relative_to(d)): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()}


def rows(d: Path, table: str) -> list[dict[str, str]]:
    return read_records(d / read_package(d).resource(table).path)[1]


def _next_ids(prefix: str, table: str, column: str, n: int = 2) -> list[str]:
    """The next ``n`` ids the codebook's rules give after the shipped data's largest one."""
    d = REPO_DIR / "data"
    top = max(int(r[column][len(prefix) :]) for r in rows(d, table))
    return [f"{prefix}{top + i:0{2 if prefix == 'S' else 3}d}" for i in range(1, n + 1)]


SHIPPED_VERSION = read_package(REPO_DIR / "data").descriptor["version"]
_major, _minor, _patch = (int(x) for x in SHIPPED_VERSION.split("."))
NEXT_MINOR = f"{_major}.{_minor + 1}.0"
NEXT_PATCH = f"{_major}.{_minor + 1}.1"


def test_example_adds_a_batch_with_two_cases(data_copy):
    before = {t: len(rows(data_copy, t)) for t in read_package(data_copy).names}
    result = announce.add(EXAMPLE, data_copy)
    assert result.problems == [] and result.written
    assert result.plan.case_ids == ["B4-01", "B4-a"]
    s1, s2 = _next_ids("S", "sources", "source_id")
    (i1,) = _next_ids("I", "indicators", "indicator_id", 1)
    assert result.plan.source_ids == {"release": s1, "report": s2}
    assert gba.validate(data_copy) == []
    added = {t: len(rows(data_copy, t)) - n for t, n in before.items() if len(rows(data_copy, t)) != n}
    assert added == {
        "sources": 2,
        "batches": 1,
        "batch_categories": 4,
        "batch_new_fields": 1,
        "coding_new_fields": 1,
        "cases": 2,
        "case_sources": 11,
        "indicators": 1,
        "case_domains": 2,
        "case_mechanisms": 2,
        "case_links": 1,
    }
    cases = {r["case_id"]: r for r in rows(data_copy, "cases")}
    assert cases["B4-01"]["order_in_batch"] == "1" and cases["B4-01"]["date_in_force"] == "2025-06"
    assert cases["B4-a"]["order_in_batch"] == "NA" and cases["B4-a"]["category"] == "NA"
    assert rows(data_copy, "batch_new_fields")[-1]["field_id"] == "B4-low-altitude"
    assert rows(data_copy, "coding_new_fields")[-1]["field_id"] == "B4-low-altitude"
    assert rows(data_copy, "indicators")[-1]["indicator_id"] == i1
    assert rows(data_copy, "indicators")[-1]["source_id"] == s2
    link = rows(data_copy, "case_links")[-1]
    assert (link["from_case_id"], link["to_case_id"], link["source_id"]) == ("B4-a", "B2-04", s1)
    facts = [(r["source_id"], r["fact"]) for r in rows(data_copy, "case_sources") if r["case_id"] == "B4-01"]
    assert (s1, "counterpart") in facts and (s2, "counterpart") in facts and (s2, "date_in_force") in facts
    assert not [p for p in data_copy.iterdir() if p.name.startswith(".")]


def test_bad_file_gives_every_problem_with_its_line_and_leaves_data_untouched(data_copy, tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD, encoding="utf-8")
    before = snapshot(data_copy)
    assert [str(p) for p in announce.add(bad, data_copy).problems] == BAD_LINES
    assert cli.main(["add", str(bad), str(data_copy)]) == 1
    out = capsys.readouterr()
    assert out.out.splitlines() == BAD_LINES
    assert out.err.strip() == f"{len(BAD_LINES)} problems found in {bad}"
    assert snapshot(data_copy) == before


def test_cases_added_to_an_existing_batch_take_the_next_free_letter(data_copy, tmp_path):
    f = tmp_path / "late.yaml"
    f.write_text(
        "batch:\n  batch: 3\ncases:\n"
        "  - title_zh: 后来识别的案例\n    title_status: descriptive\n    title_en: A case found later\n"
        "    category_status: unknown\n    summary_en: Found later.\n    sources: {listed: S33}\n",
        encoding="utf-8",
    )
    result = announce.add(f, data_copy)
    assert result.problems == [] and result.plan.case_ids == ["B3-l"]
    assert rows(data_copy, "cases")[-1]["case_id"] == "B3-l"
    # the same case again is a different case: the next letter
    assert announce.add(f, data_copy).plan.case_ids == ["B3-m"]


def test_facts_for_an_existing_batch_are_refused(data_copy, tmp_path):
    f = tmp_path / "again.yaml"
    f.write_text("batch:\n  batch: 2\n  n_cases: 17\n", encoding="utf-8")
    assert [str(p) for p in announce.add(f, data_copy).problems] == [
        "again.yaml:3: n_cases: batch 2 exists already: give only its number to add cases to it"
    ]


def test_an_explicit_case_id_that_exists_is_refused(data_copy, tmp_path):
    f = tmp_path / "dup.yaml"
    f.write_text(
        "batch: {batch: 2}\ncases:\n  - order_in_batch: 4\n    title_zh: x\n    title_status: official\n"
        "    title_en: x\n    category_status: unknown\n    summary_en: x.\n"
        "    sources: {listed: S07, title: S07, order: S07}\n",
        encoding="utf-8",
    )
    lines = [str(p) for p in announce.add(f, data_copy).problems]
    assert "dup.yaml:3: case_id: case B2-04 exists already" in lines


def test_interrupted_add_leaves_the_data_as_it_was(data_copy, monkeypatch):
    before = snapshot(data_copy)
    real = os.replace
    calls = []

    def replace(a, b):
        calls.append(b)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(a, b)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(KeyboardInterrupt):
        announce.add(EXAMPLE, data_copy)
    monkeypatch.setattr(os, "replace", real)
    assert snapshot(data_copy) == before
    assert gba.validate(data_copy) == []


def test_data_with_problems_is_not_added_to(data_copy):
    (data_copy / "cases.csv").write_text(
        (data_copy / "cases.csv").read_text(encoding="utf-8").replace("B1-a,1,", "B1-a,x,", 1), encoding="utf-8"
    )
    before = snapshot(data_copy)
    problems = announce.add(EXAMPLE, data_copy).problems
    assert [str(p) for p in problems] == [str(p) for p in gba.validate(data_copy)] and problems
    assert snapshot(data_copy) == before


def test_check_only_writes_nothing(data_copy, capsys):
    before = snapshot(data_copy)
    assert cli.main(["add", "--check", str(EXAMPLE), str(data_copy)]) == 0
    assert capsys.readouterr().out.startswith(f"would add to {data_copy}: B4-01, B4-a (sources +2, batches +1,")
    assert snapshot(data_copy) == before


def test_add_usage_errors_exit_2(tmp_path, data_copy):
    assert cli.main(["add", str(tmp_path / "missing.yaml"), str(data_copy)]) == 2
    assert cli.main(["add", str(EXAMPLE), str(tmp_path / "no-such-dir")]) == 2


def test_template_explains_every_field_and_lists_allowed_values(tmp_path):
    text = template()
    package = read_package(REPO_DIR / "data")
    for table, skip in (("sources", {"source_id"}), ("batches", set()), ("cases", {"case_id", "batch"})):
        for f in package.resource(table).fields:
            if f.name not in skip:
                assert f"{f.name}:" in text, (table, f.name)
                first_words = " ".join(f.descriptor["description"].split()[:4])
                assert first_words in " ".join(line.strip("# ") for line in text.splitlines()), (table, f.name)
    for c in package.resource("cases").field("counterpart").categories:
        assert f"{c.value} = {c.label}" in text
    for name in ("case_domains", "case_mechanisms", "case_links", "coding_second_domains", "coding_new_fields"):
        assert f"{name}:" in text
    f = tmp_path / "t.yaml"
    f.write_text(text, encoding="utf-8")
    item, problems = read_yaml(f)
    assert problems == [] and set(item.value) == {"sources", "batch", "cases"}


def test_template_command_prints_the_template(capsys):
    assert cli.main(["template"]) == 0
    assert capsys.readouterr().out == template()


# --- release ---------------------------------------------------------------------------------


def test_release_sets_the_version_and_lists_the_changes(data_copy):
    (data_copy / "CITATION.cff").write_bytes((REPO_DIR / "CITATION.cff").read_bytes())
    before = {t: len(rows(data_copy, t)) for t in read_package(data_copy).names}
    announce.add(EXAMPLE, data_copy)
    result = release(NEXT_MINOR, data_copy, today=date(2026, 3, 9))
    assert result.problems == []
    assert [p.name for p in result.written] == ["datapackage.json", "CHANGELOG.md", "CITATION.cff"]
    assert gba.load_dataset(data_copy).version == NEXT_MINOR
    cff = (data_copy / "CITATION.cff").read_text(encoding="utf-8")
    assert f"\nversion: {NEXT_MINOR}\n" in cff and "\ndate-released: 2026-03-09\n" in cff
    log = (data_copy / "CHANGELOG.md").read_text(encoding="utf-8")
    entry = log[log.index(f"## {NEXT_MINOR}") : log.index(f"## {SHIPPED_VERSION}")]
    n_src, n_cs = before["sources"], before["case_sources"]
    assert entry.splitlines()[:6] == [
        f"## {NEXT_MINOR} — 2026-03-09",
        "",
        f"### Rows added or removed since {SHIPPED_VERSION}",
        "",
        f"- `sources`: {n_src} → {n_src + 2} rows (+2)",
        "- `batches`: 3 → 4 rows (+1)",
    ]
    assert f"- `case_sources`: {n_cs} → {n_cs + 11} rows (+11)" in entry and "coding_reconciliation" not in entry
    assert gba.validate(data_copy) == []
    # the next release compares with this one
    again = release(NEXT_PATCH, data_copy, today=date(2026, 3, 10))
    log = (data_copy / "CHANGELOG.md").read_text(encoding="utf-8")
    assert again.problems == [] and f"- No table gained or lost rows since {NEXT_MINOR}." in log


def test_release_refuses_a_version_not_greater(data_copy, capsys):
    before = snapshot(data_copy)
    assert cli.main(["release", SHIPPED_VERSION, str(data_copy)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"datapackage.json:0: version: {SHIPPED_VERSION} is not greater than the current version {SHIPPED_VERSION}"
    ]
    assert cli.main(["release", "0.1.9", str(data_copy)]) == 1
    assert cli.main(["release", "v0.3", str(data_copy)]) == 2
    assert snapshot(data_copy) == before


def test_release_of_a_copy_writes_no_citation_outside_it(data_copy):
    cff = (REPO_DIR / "CITATION.cff").read_bytes()
    result = release(NEXT_MINOR, data_copy)
    assert [p.name for p in result.written] == ["datapackage.json", "CHANGELOG.md"]
    assert (REPO_DIR / "CITATION.cff").read_bytes() == cff
    assert not (data_copy / "CITATION.cff").exists()


def test_shipped_data_records_its_row_counts():
    d = REPO_DIR / "data"
    desc = read_package(d).descriptor
    assert desc["gba:rowCountsVersion"] == desc["version"]
    assert desc["gba:rowCounts"] == {t: len(rows(d, t)) for t in read_package(d).names}


def test_nothing_is_written_beside_the_data(tmp_path):
    d = tmp_path / "data"
    shutil.copytree(REPO_DIR / "data", d)
    ann = tmp_path / "in" / "a.yaml"
    ann.parent.mkdir()
    ann.write_bytes(EXAMPLE.read_bytes())
    outside = {p for p in tmp_path.rglob("*") if d not in p.parents}
    assert announce.add(ann, d).written
    assert {p for p in tmp_path.rglob("*") if d not in p.parents} == outside
