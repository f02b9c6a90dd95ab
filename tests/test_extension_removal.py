"""Removing a case and emptying a category also flows through every notebook."""

import pytest
from extension_data import remove_case_and_empty_category
from notebook_runner import run_all

import gbaresearch as gba
from gbaresearch.analysis import category_shares
from gbaresearch.publish.notebooks import notebook_paths


def test_removal_is_valid(data_copy):
    remove_case_and_empty_category(data_copy)
    assert gba.validate(data_copy) == []
    ds = gba.load_dataset(data_copy)
    assert "B3-b" not in set(ds.cases["case_id"]) and len(ds.cases) == 33
    s = category_shares(ds).set_index(["batch", "category"])["n_cases"]
    assert s[(3, "major_platforms")] == 0


@pytest.mark.slow
def test_every_notebook_runs_with_a_case_removed_and_a_category_emptied(data_copy, monkeypatch):
    remove_case_and_empty_category(data_copy)
    texts = run_all(monkeypatch, data_copy)
    assert len(texts) == len(notebook_paths()) >= 9
    assert "33 of 52 announced cases are identified" in texts["01-tour-of-the-dataset.ipynb"]
    assert "B3-b" not in texts["07-reported-outcomes.ipynb"]
