"""One failing example, with its exact message, for each cross-table rule and field check the corpus
does not already cover; plus suggest(), Problem and DataValidationError formatting, loading with
all problems, and where the data is found ($GBARESEARCH_DATA, other working directories)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from corpus import set_cell

import gbaresearch
from gbaresearch import cli
from gbaresearch.dataset.csvfile import read_raw
from gbaresearch.dataset.extend import drop_rows
from gbaresearch.dataset.fieldcheck import suggest
from gbaresearch.dataset.paths import ENV_VAR, REPO_DIR


def problems(d: Path) -> list[str]:
    return [str(p) for p in gbaresearch.validate(d)]


def edit_package(d: Path, fn) -> None:
    p = d / "datapackage.json"
    desc = json.loads(p.read_text(encoding="utf-8"))
    fn({r["name"]: r for r in desc["resources"]})
    p.write_text(json.dumps(desc, ensure_ascii=False, indent=2), encoding="utf-8")


def field(resources: dict, table: str, name: str) -> dict:
    return next(f for f in resources[table]["schema"]["fields"] if f["name"] == name)


# --- cross-table rules (rules.py) -------------------------------------------------------------


def test_batches_must_be_dated_in_order(data_copy):
    set_cell(data_copy, "batches.csv", 3, "announced", "2023-01-01", "2024-05-13")
    assert problems(data_copy) == [
        "batches.csv:3: announced: batch 2 is dated 2023-01-01, not after batch 1 (2023-04-06)"
    ]


def test_batch_without_category_rows(data_copy):
    assert drop_rows(data_copy, "batch_categories", lambda r: r["batch"] == "3") == 4
    # the cases coded in batch 3 are not then said to exceed an "official 0"
    assert problems(data_copy) == ["batches.csv:4: n_cases: batch 3 has no rows in batch_categories.csv"]


def test_unreadable_batch_in_batch_categories_does_not_unbalance_totals(data_copy):
    set_cell(data_copy, "batch_categories.csv", 2, "batch", "one", "1")
    assert problems(data_copy) == ["batch_categories.csv:2: batch: 'one' is not a whole number"]


def test_order_in_batch_taken_twice(data_copy):
    set_cell(data_copy, "cases.csv", 10, "order_in_batch", "1", "2")
    assert problems(data_copy) == ["cases.csv:10: order_in_batch: order 1 in batch 2 is already taken (line 9)"]


@pytest.mark.parametrize(
    "line, edits, message",
    [
        (
            9,
            {"category": ("NA", "livelihood")},
            "category_status: is 'unknown' but a category is given: use 'official' or 'inferred'",
        ),
        (8, {"category": ("business_environment", "NA")}, "category: is NA but category_status is 'inferred'"),
        (18, {"counterpart_status": ("NA", "stated")}, "counterpart_status: must be NA when counterpart is NA"),
        (
            3,
            {"counterpart_status": ("stated", "NA")},
            "counterpart_status: is missing: say whether the counterpart is 'stated' or 'inferred'",
        ),
        (18, {"lead_place": ("guangzhou", "qianhai")}, "lead_place: 'qianhai' is a platform, but lead_level is 'city'"),
        (
            17,
            {"lead_place": ("hengqin", "zhuhai")},
            "lead_place: 'zhuhai' is a mainland_city, but lead_level is 'platform'",
        ),
        (15, {"lead_place": ("NA", "guangzhou")}, "lead_place: must be NA for a provincial lead"),
        (19, {"lead_place": ("shenzhen", "NA")}, "lead_place: is missing for a city lead"),
    ],
    ids=[
        "unknown_with_category",
        "status_without_category",
        "counterpart_status_without_counterpart",
        "counterpart_without_status",
        "city_lead_at_platform",
        "platform_lead_at_city",
        "provincial_with_place",
        "city_without_place",
    ],
)
def test_case_consistency(data_copy, line, edits, message):
    for column, (old, new) in edits.items():
        set_cell(data_copy, "cases.csv", line, column, new, old)
    assert problems(data_copy) == [f"cases.csv:{line}: {message}"]


def test_case_without_listed_source(data_copy):
    assert drop_rows(data_copy, "case_sources", lambda r: r["case_id"] == "B1-c" and r["fact"] == "listed") == 1
    assert problems(data_copy) == [
        "cases.csv:4: case_id: no row in case_sources.csv says where case B1-c is reported (add one with fact 'listed')"
    ]


@pytest.mark.parametrize(
    "line, edits, column, what, fact",
    [
        (2, {"title_status": ("descriptive", "official")}, "title_status", "its official title", "title"),
        (2, {"order_in_batch": ("NA", "1")}, "order_in_batch", "its official order", "order"),
        (
            25,
            {"category": ("NA", "factor_flow"), "category_status": ("unknown", "official")},
            "category_status",
            "its official category",
            "category",
        ),
        (2, {"lead_body_en": ("NA", "Guangdong Public Security Department")}, "lead_body_en", "its lead body", "lead"),
        (2, {"lead_level": ("NA", "provincial")}, "lead_level", "its lead level", "lead"),
        (
            18,
            {"counterpart": ("NA", "both"), "counterpart_status": ("NA", "stated")},
            "counterpart_status",
            "its stated counterpart",
            "counterpart",
        ),
    ],
)
def test_case_fact_needs_a_source(data_copy, line, edits, column, what, fact):
    for col, (old, new) in edits.items():
        set_cell(data_copy, "cases.csv", line, col, new, old)
    assert problems(data_copy) == [
        f"cases.csv:{line}: {column}: no row in case_sources.csv supports {what} (add one with fact {fact!r})"
    ]


def test_city_with_host_city(data_copy):
    set_cell(data_copy, "places.csv", 2, "host_city", "shenzhen", "NA")
    assert problems(data_copy) == ["places.csv:2: host_city: must be NA for a mainland_city"]


def test_platform_hosted_by_a_sar(data_copy):
    set_cell(data_copy, "places.csv", 13, "host_city", "hong_kong", "shenzhen")
    assert problems(data_copy) == ["places.csv:13: host_city: 'hong_kong' is not a mainland city"]


def test_host_city_is_a_foreign_key_into_the_same_table(data_copy):
    set_cell(data_copy, "places.csv", 13, "host_city", "shenzen", "shenzhen")
    assert problems(data_copy) == [
        "places.csv:13: host_city: 'shenzen' is not a place_id in places.csv; did you mean 'shenzhen'?"
    ]


def test_case_without_primary_domain(data_copy):
    set_cell(data_copy, "case_domains.csv", 2, "is_primary", "false", "true")
    assert problems(data_copy) == [
        "case_domains.csv:2: is_primary: case B1-a has 0 primary domains; it needs exactly one"
    ]


@pytest.mark.parametrize(
    ("published", "accessed", "expected"),
    [
        (
            "2023-04-06",
            "2023-04-05",
            ["sources.csv:3: date_accessed: accessed 2023-04-05, before it was published (2023-04-06)"],
        ),
        ("2023-04-06", "2023-04-06", []),
        (
            "2023-04",
            "2023-03-31",
            ["sources.csv:3: date_accessed: accessed 2023-03-31, before it was published (2023-04)"],
        ),
        ("2023-04", "2023-04-01", []),
        ("2023", "2022-12-31", ["sources.csv:3: date_accessed: accessed 2022-12-31, before it was published (2023)"]),
        ("2023", "2023-01-01", []),
    ],
)
def test_source_accessed_before_it_was_published(data_copy, published, accessed, expected):
    set_cell(
        data_copy, "sources.csv", 3, "date_published", published, "2023-04-06"
    ) if published != "2023-04-06" else None
    set_cell(data_copy, "sources.csv", 3, "date_accessed", accessed, "2026-11-27")
    assert problems(data_copy) == expected
    assert all(p.code == "source-dates" for p in gbaresearch.validate(data_copy))


def test_rules_list_is_what_these_tests_cover():
    from gbaresearch.dataset.rules import RULES

    assert [r.__name__ for r in RULES] == [
        "_batches",
        "_category_totals",
        "_coverage",
        "_case_consistency",
        "_provenance",
        "_id_batches",
        "_places",
        "_links",
        "_primary_domains",
        "policy_rules",  # plan links and outcome flags: tests/test_policy.py
        "_sources_used",
        "_source_dates",
    ]


# --- field checks (fieldcheck.py) -------------------------------------------------------------


@pytest.mark.parametrize(
    "value, message",
    [
        ("2021-4", "'2021-4' is not a date in YYYY, YYYY-MM or YYYY-MM-DD form"),
        ("2021/4/1", "'2021/4/1' is not a date in YYYY, YYYY-MM or YYYY-MM-DD form (write 2021-04-01)"),
        ("2021-02-29", "'2021-02-29' is not a real date"),
        ("2021-13", "'2021-13' is not a real date"),
    ],
)
def test_partial_date(data_copy, value, message):
    set_cell(data_copy, "cases.csv", 5, "date_in_force", value, "2021-04")
    assert problems(data_copy) == [f"cases.csv:5: date_in_force: {message}"]


@pytest.mark.parametrize(
    "value, message",
    [
        ("about 5000", "'about 5000' is not a number"),
        ("-5", "-5 is below the minimum 0"),
        ("nan", "'nan' is not a number"),
    ],
)
def test_number(data_copy, value, message):
    set_cell(data_copy, "indicators.csv", 2, "value", value, "5092")
    assert problems(data_copy) == [f"indicators.csv:2: value: {message}"]


def test_integer_below_minimum_one(data_copy):
    set_cell(data_copy, "batches.csv", 2, "batch", "0", "1")
    assert problems(data_copy) == ["batches.csv:2: batch: 0 is below the minimum 1"]


def test_decimal_in_integer_column(data_copy):
    set_cell(data_copy, "batches.csv", 3, "applications", "54.0", "54")
    assert problems(data_copy) == ["batches.csv:3: applications: '54.0' is not a whole number"]


def test_unique_field_that_is_not_the_key(data_copy):
    edit_package(data_copy, lambda r: field(r, "places", "name_en").setdefault("constraints", {}).update(unique=True))
    set_cell(data_copy, "places.csv", 4, "name_en", "Shenzhen", "Zhuhai")
    assert problems(data_copy) == ["places.csv:4: name_en: duplicate value 'Shenzhen' (first at line 3)"]


def test_unsupported_type_is_kept_as_text(data_copy):
    edit_package(data_copy, lambda r: field(r, "vocab_domains", "label_en").update(type="any"))
    ds = gbaresearch.load_dataset(data_copy)
    assert ds.vocab_domains.label_en.dtype == "string"
    assert ds.vocab_domains.label_en.iloc[0] == "Border clearance and entry"


def test_file_that_cannot_be_read(data_copy):
    (data_copy / "case_links.csv").unlink()
    (data_copy / "case_links.csv").mkdir()
    assert problems(data_copy) == ["case_links.csv:0: -: is a directory, not a regular file: it is not read"]


def test_non_utf8_line_is_counted_with_crlf_endings(tmp_path):
    p = tmp_path / "t.csv"
    p.write_bytes(b"a,b\r\n1,2\r\n3,caf\xe9\r\n")
    assert [str(x) for x in read_raw(p, "t.csv").problems] == [
        "t.csv:3: -: file is not UTF-8 (byte 0xe9 cannot be decoded); it looks like Latin-1/Windows-1252 (Western "
        "European): save it as UTF-8"
    ]


def test_undecodable_bytes_that_are_no_known_encoding(tmp_path):
    p = tmp_path / "t.csv"
    p.write_bytes(b"a,b\n1,\xff\xff\n")
    assert [str(x) for x in read_raw(p, "t.csv").problems] == [
        "t.csv:2: -: file is not UTF-8 (byte 0xff cannot be decoded): save it as UTF-8"
    ]


def test_gbk_and_big5_are_told_apart(tmp_path):
    p = tmp_path / "t.csv"
    for text, label in (
        ("名称,说明\n广州,广东省会\n", "GBK/GB18030 (simplified Chinese)"),
        ("名稱,說明\n廣州,廣東省會\n", "Big5 (traditional Chinese)"),
    ):
        p.write_bytes(text.encode("gbk" if "GBK" in label else "big5"))
        (prob,) = read_raw(p, "t.csv").problems
        assert prob.line == 1 and prob.message.endswith(f"; it looks like {label}: save it as UTF-8")


# --- suggest() --------------------------------------------------------------------------------

CATEGORIES = ["factor_flow", "livelihood", "business_environment", "major_platforms"]


@pytest.mark.parametrize(
    "value, expected",
    [
        ("factor_flow", "factor_flow"),
        ("Factor Flow", "factor_flow"),
        ("factor-flow", "factor_flow"),
        (" LIVELIHOOD ", "livelihood"),
        ("livelyhood", "livelihood"),
        ("business enviroment", "business_environment"),
        ("transport", None),
        ("", None),
    ],
)
def test_suggest(value, expected):
    assert suggest(value, CATEGORIES) == expected


def test_suggest_with_no_choices():
    assert suggest("anything", []) is None


# --- Problem and DataValidationError ----------------------------------------------------------


def test_problem_formats_and_sorts():
    a = gbaresearch.Problem("cases.csv", 12, "batch", "'x' is not a whole number")
    b = gbaresearch.Problem("cases.csv", 0, "-", "something about the table")
    assert str(a) == "cases.csv:12: batch: 'x' is not a whole number"
    assert str(b) == "cases.csv:0: -: something about the table"
    assert sorted([a, b]) == [b, a]
    with pytest.raises(AttributeError):
        a.line = 3  # frozen


def test_data_validation_error_text():
    one = gbaresearch.Problem("a.csv", 2, "x", "bad")
    two = gbaresearch.Problem("b.csv", 0, "-", "worse")
    e = gbaresearch.DataValidationError([one, two], "/some/data")
    assert str(e) == "2 problems in the data at /some/data:\na.csv:2: x: bad\nb.csv:0: -: worse"
    assert e.problems == [one, two] and e.data_dir == "/some/data"
    assert isinstance(e, ValueError)
    assert str(gbaresearch.DataValidationError([one])) == "1 problem in the data:\na.csv:2: x: bad"


def test_load_dataset_raises_with_every_problem_in_file_order(data_copy):
    set_cell(data_copy, "case_domains.csv", 2, "is_primary", "false", "true")
    set_cell(data_copy, "sources.csv", 3, "language", "EN", "zh-Hans")
    set_cell(data_copy, "indicators.csv", 4, "value", "lots", "43600")
    with pytest.raises(gbaresearch.DataValidationError) as info:
        gbaresearch.load_dataset(data_copy)
    assert [str(p) for p in info.value.problems] == [
        "sources.csv:3: language: 'EN' is not one of the allowed values (zh-Hans, zh-Hant, en, fr); did you mean 'en'?",
        "indicators.csv:4: value: 'lots' is not a number",
        "case_domains.csv:2: is_primary: case B1-a has 0 primary domains; it needs exactly one",
    ]
    assert str(info.value).startswith(f"3 problems in the data at {data_copy.resolve()}:\n")
    with pytest.raises(gbaresearch.DataValidationError):
        gbaresearch.load_cases(data_copy)  # each single-table loader validates the whole dataset


def test_load_dataset_without_validation_ignores_cross_table_rules(data_copy):
    set_cell(data_copy, "case_domains.csv", 2, "is_primary", "false", "true")
    ds = gbaresearch.load_dataset(data_copy, validate=False)
    assert not ds.case_domains.is_primary.iloc[0]


def test_load_dataset_without_validation_still_raises_for_unreadable_files(data_copy):
    (data_copy / "places.csv").write_bytes(b"")
    with pytest.raises(gbaresearch.DataValidationError) as info:
        gbaresearch.load_dataset(data_copy, validate=False)
    assert [str(p) for p in info.value.problems] == ["places.csv:0: -: file is empty: it needs at least a header line"]


def test_load_dataset_without_validation_still_raises_for_unreadable_values(data_copy):
    set_cell(data_copy, "indicators.csv", 4, "value", "lots", "43600")
    with pytest.raises(gbaresearch.DataValidationError) as info:
        gbaresearch.load_dataset(data_copy, validate=False)
    assert [str(p) for p in info.value.problems] == ["indicators.csv:4: value: 'lots' is not a number"]


# --- where the data is found ------------------------------------------------------------------


def test_env_var_points_at_the_data(data_copy, monkeypatch, capsys):
    set_cell(data_copy, "places.csv", 13, "host_city", "NA", "shenzhen")
    monkeypatch.setenv(ENV_VAR, str(data_copy))
    expected = ["places.csv:13: host_city: is missing: a platform needs the mainland city that hosts it"]
    assert gbaresearch.data_dir() == data_copy.resolve()
    assert problems(None) == expected
    assert cli.main(["validate"]) == 1
    assert capsys.readouterr().out.splitlines() == expected
    set_cell(data_copy, "places.csv", 13, "host_city", "shenzhen", "NA")
    ds = gbaresearch.load_dataset()
    assert ds.data_dir == data_copy.resolve()
    assert cli.main(["validate"]) == 0
    assert capsys.readouterr().out.startswith(f"valid: {data_copy.resolve()} ")


def test_an_explicit_directory_beats_the_env_var(data_copy, tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "nowhere"))
    assert gbaresearch.load_dataset(data_copy).data_dir == data_copy.resolve()


def test_loading_does_not_depend_on_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.chdir(tmp_path)
    ds = gbaresearch.load_dataset()
    assert ds.data_dir == REPO_DIR / "data"
    clean = gbaresearch.load_dataset(REPO_DIR / "data")
    for name in clean:
        pd.testing.assert_frame_equal(ds[name], clean[name])


def test_a_relative_directory_is_taken_from_the_working_directory(data_copy, monkeypatch):
    set_cell(data_copy, "case_domains.csv", 2, "is_primary", "false", "true")
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.chdir(data_copy.parent)
    assert problems("data") == ["case_domains.csv:2: is_primary: case B1-a has 0 primary domains; it needs exactly one"]
    assert problems(Path("data")) == problems(data_copy)


def test_duplicated_column_that_the_schema_does_not_know(data_copy):
    header, rest = (data_copy / "vocab_mechanisms.csv").read_text(encoding="utf-8").split("\n", 1)
    (data_copy / "vocab_mechanisms.csv").write_text(header + ",,\n" + rest, encoding="utf-8")
    assert problems(data_copy) == [
        "vocab_mechanisms.csv:1: -: column '' appears 2 times",
        "vocab_mechanisms.csv:1: -: unknown column '' (the schema has no such field)",
        "vocab_mechanisms.csv:1: -: unknown column '' (the schema has no such field)",
    ]


# --- a schema the validator cannot apply ------------------------------------------------------


@pytest.mark.parametrize(
    "change,message",
    [
        (
            lambda r: field(r, "places", "lat").update(type="geopoint"),
            "datapackage.json:0: -: resource 'places', field 'lat': unknown type 'geopoint' (supported: any, boolean, date, integer, number, string)",
        ),
        (
            lambda r: field(r, "cases", "case_id")["constraints"].update(pattern="^B(\\d+$"),
            "datapackage.json:0: -: resource 'cases', field 'case_id': pattern '^B(\\\\d+$' is not a valid "
            "regular expression (missing ), unterminated subpattern at position 2)",
        ),
        (
            lambda r: field(r, "batches", "n_cases")["constraints"].update(minimum="one"),
            "datapackage.json:0: -: resource 'batches', field 'n_cases': constraints.minimum must be a finite number, not 'one'",
        ),
        (
            lambda r: r["indicators"]["schema"]["foreignKeys"][0]["reference"].update(fields=["case"]),
            "datapackage.json:0: -: resource 'indicators': foreign key 'case_id' -> cases.case does not name existing fields",
        ),
    ],
)
def test_schema_mistakes_are_reported_not_raised(data_copy, change, message):
    edit_package(data_copy, change)
    assert problems(data_copy) == [message]
