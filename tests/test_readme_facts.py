"""Every number README.md states about the data is computed from the data."""

from __future__ import annotations

import re

import pytest

import gbaresearch as gba
from gbaresearch.dataset.paths import REPO_DIR
from gbaresearch.publish import readme as RM


@pytest.fixture(scope="module")
def ds():
    return gba.load_dataset()


def test_readme_data_block_is_computed_from_the_data(ds):
    text = (REPO_DIR / "README.md").read_text(encoding="utf-8")
    block = RM.readme_block(text)
    expected = RM.data_facts(ds)
    assert block == expected, "README.md's data block is stale; replace it with:\n\n" + expected


def test_readme_citation_names_the_data_version(ds):
    text = (REPO_DIR / "README.md").read_text(encoding="utf-8")
    versions = set(re.findall(r"\(Version (\d+\.\d+\.\d+)\)", text))
    assert versions == {ds.version}


def test_block_values_follow_the_data(ds):
    block = RM.data_facts(ds)
    assert f"Version {ds.version}: {len(ds.package.resources)} tables" in block
    assert f"{len(ds.cases)} of the {int(ds.batches['n_cases'].sum())} announced cases" in block
