"""Our verdict and frictionless's on the shared corpus (tests/corpus.py): the same data, valid or
not. Every case where they differ is listed in :data:`EXPLAINED` with the reason, and the test
fails both on a new disagreement and on an explained one that no longer happens.

frictionless runs offline (:func:`gbaresearch.dataset.crosscheck.offline`), with a deadline, on the
resources a case changes and those that refer to them (a whole package when the descriptor
changes), so the comparison takes seconds."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from corpus import CASES

import gbaresearch
from gbaresearch.dataset.crosscheck import deadline, offline
from gbaresearch.dataset.paths import REPO_DIR

frictionless = pytest.importorskip("frictionless")
pytestmark = pytest.mark.slow

DATA = REPO_DIR / "data"

_CATEGORIES = "frictionless 5 does not check Table Schema categories (nor gba:categoriesFrom)"
_ROWS = "a cross-table rule of this package (counts, coverage, links, provenance) that frictionless does not know"
_BLANK = "a blank cell is not a value here (missing is NA); frictionless takes it as an empty string"
_DIALECT = "frictionless guesses the dialect; this package requires comma-separated CSV"
_HOLD = "a value the loaders cannot hold (Int64, datetime64[ns], finite floats); valid for frictionless"
EXPLAINED: dict[str, str] = {
    "header_with_whitespace": "frictionless compares header names after stripping spaces; a padded name is a problem here",
    "semicolon_delimiter": _DIALECT,
    "tab_delimiter": _DIALECT,
    "nul_byte": "frictionless reads NUL bytes as text; a file with NUL bytes is not a text CSV file here",
    "nul_byte_in_cr_file": "frictionless reads NUL bytes as text; a file with NUL bytes is not a text CSV file here",
    "blank_first_line": "frictionless skips blank lines before the header; the header must be the first line here",
    "leading_whitespace": "frictionless keeps padded values; leading or trailing whitespace is a problem here",
    "unknown_category": _CATEGORIES,
    "near_miss_enum": _CATEGORIES,
    "near_miss_category": _CATEGORIES,
    "near_miss_fact": _CATEGORIES,
    "blank_required": _BLANK,
    "blank_optional": _BLANK,
    "future_date": "no date may lie after today here; frictionless has no such rule",
    "future_partial_date": "no date may lie after today here; frictionless has no such rule",
    "ancient_date": _HOLD,
    "huge_integer": _HOLD,
    "infinite_number": _HOLD,
    "category_totals_do_not_add_up": _ROWS,
    "more_identified_cases_than_official": _ROWS,
    "more_cases_in_category_than_official": _ROWS,
    "link_to_itself": _ROWS,
    "link_to_later_batch": _ROWS,
    "batches_not_consecutive": _ROWS,
    "two_primary_domains": _ROWS,
    "platform_without_host_city": _ROWS,
    "fact_without_case_source": _ROWS,
    "unused_source": _ROWS,
}


def frictionless_valid(d: Path) -> bool:
    """frictionless's verdict on the copy ``d``: the resources whose files differ from ``data/``
    and those with a foreign key to them, or the whole package when the descriptor differs."""
    changed = {
        p.name for p in DATA.iterdir() if not (d / p.name).is_file() or (d / p.name).read_bytes() != p.read_bytes()
    }
    with offline(), deadline(120):
        if "datapackage.json" in changed:
            return bool(frictionless.validate(str(d / "datapackage.json")).valid)
        package = frictionless.Package(str(d / "datapackage.json"))
        names = {r.name for r in package.resources if r.path in changed}
        for r in package.resources:
            if any(fk["reference"]["resource"] in names for fk in r.schema.to_descriptor().get("foreignKeys", [])):
                names.add(r.name)
        return all(r.validate().valid for r in package.resources if r.name in names)


def test_verdicts_agree_or_the_difference_is_explained(tmp_path):
    differ: dict[str, tuple[bool, bool]] = {}
    for case in CASES:
        d = tmp_path / case.name
        shutil.copytree(DATA, d)
        try:
            case.mutate(d)
        except AssertionError:  # the shipped data moved under this case: test_corpus reports it
            continue
        ours, theirs = not gbaresearch.validate(d), frictionless_valid(d)
        if ours != theirs:
            differ[case.name] = (ours, theirs)
    assert sorted(differ) == sorted(EXPLAINED), {k: differ.get(k) for k in set(differ) ^ set(EXPLAINED)}
    assert all(theirs and not ours for ours, theirs in differ.values()), "frictionless refuses what we accept"


def test_validate_frictionless_reports_what_only_frictionless_finds(tmp_path, capsys):
    """A composite key with a missing part: this package skips such a row (a partly missing key
    refers to nothing), frictionless 5 reports it. ``validate --frictionless`` shows both verdicts."""
    import json

    from gbaresearch import cli

    d = tmp_path / "data"
    shutil.copytree(DATA, d)
    desc = json.loads((d / "datapackage.json").read_text(encoding="utf-8"))
    cases = next(r for r in desc["resources"] if r["name"] == "cases")
    cases["schema"]["foreignKeys"].append(
        {
            "fields": ["batch", "category"],
            "reference": {"resource": "batch_categories", "fields": ["batch", "category"]},
        }
    )
    (d / "datapackage.json").write_text(json.dumps(desc, ensure_ascii=False), encoding="utf-8")
    assert gbaresearch.validate(d) == []
    assert cli.main(["validate", "--frictionless", str(d)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == (
        'cases.csv:9: -: frictionless: Row at position "9" violates the foreign key: for "batch, category": '
        'values "2, None" not found in the lookup table "batch_categories" as "batch, category"'
    )
    assert all(ln.startswith("cases.csv:") and ": -: frictionless: " in ln for ln in lines)


# The validator faults fixed in the security corpus, compared with frictionless too: a bound on a
# field without an order of numbers, and a composite reference whose pair is missing.
SECURITY_CASES = {
    "minimum_on_a_string_field": False,
    "composite_key_pair_missing": False,
    # frictionless 5 compares the date values with the integer bound and stops with a TypeError;
    # this package refuses the bound as a descriptor problem before reading any row
    "maximum_on_a_date_field": TypeError,
}


@pytest.mark.parametrize("name", sorted(SECURITY_CASES))
def test_the_security_corpus_schema_cases_against_frictionless(tmp_path, name):
    from security_corpus import ATTACKS

    attack = next(a for a in ATTACKS if a.name == name)
    d = tmp_path / name
    shutil.copytree(DATA, d)
    attack.mutate(d)
    assert gbaresearch.validate(d) != []
    expected = SECURITY_CASES[name]
    if expected is TypeError:
        with pytest.raises(TypeError):
            frictionless_valid(d)
    else:
        assert frictionless_valid(d) is expected
