"""A plausible fourth batch flows through every notebook without code edits."""

import pytest
from extension_data import NEW_DATE, add_fourth_batch
from notebook_runner import run_all

import gbaresearch as gba
from gbaresearch.analysis import coverage_by_batch
from gbaresearch.publish.notebooks import notebook_paths


def test_fourth_batch_is_valid_and_counted(data_copy):
    add_fourth_batch(data_copy)
    assert gba.validate(data_copy) == []
    ds = gba.load_dataset(data_copy)
    assert ds.cases["batch"].cat.categories.tolist() == [1, 2, 3, 4]
    cov = coverage_by_batch(ds)
    assert cov.iloc[-1][["batch", "n_cases", "identified"]].tolist() == [4, 12, 3]


@pytest.mark.slow
def test_every_notebook_runs_on_a_fourth_batch(data_copy, monkeypatch):
    add_fourth_batch(data_copy)
    texts = run_all(monkeypatch, data_copy)
    assert len(texts) == len(notebook_paths()) >= 9
    assert NEW_DATE in texts["01-tour-of-the-dataset.ipynb"]
    assert "batch 4" in texts["02-composition-across-batches.ipynb"]
    assert (
        "Aviation" in texts["03-expanding-fields.ipynb"]
        and "low-altitude economy" in texts["03-expanding-fields.ipynb"]
    )
    assert "光明" in texts["04-who-leads-and-with-whom.ipynb"]
    assert "batch 4" in texts["05-how-rules-are-connected.ipynb"]
    assert "B4-02" in texts["06-deepening-and-timing.ipynb"] and "B4-01" in texts["06-deepening-and-timing.ipynb"]
    assert "4 batches" in texts["07-reported-outcomes.ipynb"]
    assert "Problems after adding batch 5" in texts["09-extending-the-data.ipynb"]
