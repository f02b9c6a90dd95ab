"""Figures lay out cleanly for any number of batches: no two labels of a figure overlap, with the
shipped three batches and with four and six (made-up batches added through gbaresearch add)."""

import shutil

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from conftest import DATA  # noqa: E402
from extension_data import add_batches  # noqa: E402
from layout_figures import FIGURES  # noqa: E402

import gbaresearch as gba  # noqa: E402
from gbaresearch.publish import plotting as P  # noqa: E402

pytestmark = pytest.mark.slow  # draws figures (every one with 3, 4 and 6 batches): left out of `make test-fast`


@pytest.fixture(scope="module", params=[3, 4, 6], ids=lambda n: f"{n}-batches")
def ds_n(request, tmp_path_factory):
    n = request.param
    if n == 3:
        return gba.load_dataset(DATA)
    d = tmp_path_factory.mktemp(f"b{n}") / "data"
    shutil.copytree(DATA, d)
    add_batches(d, n)
    ds = gba.load_dataset(d)
    assert len(ds.batches) == n
    return ds


@pytest.mark.parametrize("draw", FIGURES, ids=lambda f: f.__name__)
def test_no_label_overlaps_another(ds_n, draw):
    with P.style():
        fig = draw(ds_n)
        assert P.text_collisions(fig) == []
        plt.close(fig)


def test_collisions_are_detected_from_text_boxes():
    with P.style():
        fig, ax = plt.subplots(figsize=(3, 2))
        ax.bar(range(4), [1, 2, 3, 4])
        ax.set_xticks(range(4), [f"Batch {b}\nannounced 2024-05-1{b}" for b in range(4)])
        pairs = P.text_collisions(fig)
        assert ("Batch 0\nannounced 2024-05-10", "Batch 1\nannounced 2024-05-11") in pairs
        P.fit_labels(fig)
        assert P.text_collisions(fig) == []
        # wrapped at spaces, never inside a word or a date
        assert all("2024-05-1" in t.get_text() for t in ax.get_xticklabels())
        plt.close(fig)


def test_labels_that_fit_are_left_as_they_are():
    with P.style():
        fig, ax = plt.subplots(figsize=(8, 3))
        ax.bar(range(3), [1, 2, 3])
        labels = [P.batch_label(b, 7, 20) for b in (1, 2, 3)]
        ax.set_xticks(range(3), labels)
        P.caption(fig, "0.0.0")
        assert [t.get_text() for t in ax.get_xticklabels()] == labels
        assert ax.xaxis.get_majorticklabels()[0].get_rotation() == 0
        plt.close(fig)


def test_caption_sits_below_the_lowest_label():
    with P.style():
        fig, ax = plt.subplots(figsize=(3, 2))
        ax.bar(range(6), range(6))
        ax.set_xticks(range(6), [P.batch_label(b, 16, 16) for b in range(6)])
        P.caption(fig, "0.0.0", "A long explanation of what the bars count.")
        assert P.text_collisions(fig) == []
        plt.close(fig)


def test_the_shipped_lead_figure_needed_fitting(monkeypatch):
    """With the notebook's legend labels, the three shipped batches already crowd the lead figure:
    without fitting its labels collide (the test above would fail)."""
    from layout_figures import leads

    monkeypatch.setattr(P, "fit_labels", lambda fig: None)
    with P.style():
        fig = leads(gba.load_dataset(DATA))
        assert ("Batch 2\n16 of 16 identified", "Batch 3\n11 of 16 identified") in P.text_collisions(fig)
        plt.close(fig)
