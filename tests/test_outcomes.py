"""Outcome series: growth after a case's selection, read with bounds. Exact values are those
notebook 07 reports."""

import pandas as pd
import pytest
from extension_data import add_fourth_batch

import gbaresearch as gba
from gbaresearch.analysis import outcomes as O


@pytest.fixture(scope="module")
def ds():
    return gba.load_dataset()


def test_series_are_official_and_keep_one_unit(ds):
    assert ds.resource("outcome_series").provenance == "official"
    assert ds.resource("outcome_observations").provenance == "official"
    assert ds.outcome_series["unit"].notna().all() and ds.outcome_series["series_id"].is_unique
    # person-times and persons are different series, never one
    units = ds.outcome_series.groupby(["scheme_en", "measure_en"])["unit"].nunique()
    assert (units == 1).all()


def test_every_series_has_a_sourced_observation(ds):
    obs = ds.outcome_observations
    assert set(ds.outcome_series["series_id"]) <= set(obs.loc[obs["used"].astype(bool), "series_id"])
    assert obs["source_id"].notna().all()


def test_disagreeing_pages_are_both_kept_and_one_is_used(ds):
    obs = ds.outcome_observations
    out = obs[~obs["used"].astype(bool)]
    assert out[["series_id", "as_of", "value", "source_id"]].astype(str).values.tolist() == [
        ["CERT-PROJ", "2024-06-24", "32.0", "S72"],
        ["CERT-CERTS", "2024-06-24", "17.0", "S72"],
    ]
    assert out["notes"].str.contains("Not used: ").all()
    used = obs[obs["used"].astype(bool) & obs["series_id"].isin(["CERT-PROJ", "CERT-CERTS"])]
    assert used.loc[used["as_of"] == "2024-06-28", "value"].tolist() == [39.0, 39.0]


def test_period_end():
    s = pd.Series(["2024", "2024-02", "2024-02-10"], dtype="string")
    assert [d.strftime("%Y-%m-%d") for d in O.period_end(s)] == ["2024-12-31", "2024-02-29", "2024-02-10"]


def test_an_observation_is_after_selection_only_when_its_period_ended_after():
    sel = pd.Timestamp("2023-04-06")
    ends = O.period_end(pd.Series(["2023-04", "2023-03", "2023-04-06", "2023-04-07"], dtype="string"))
    assert (ends > sel).tolist() == [True, False, False, True]


@pytest.mark.parametrize(
    ("b0", "b1", "v0", "v1", "expected"),
    [
        ("exact", "exact", 10, 20, (2.0, "exactly", O.GREW)),
        ("exact", "lower", 10, 20, (2.0, "at least", O.GREW)),
        ("lower", "exact", 10, 20, (2.0, "at most", O.UNSETTLED)),
        ("lower", "lower", 10, 20, (2.0, "both lower bounds", O.UNSETTLED)),
        ("approximate", "exact", 10, 20, (2.0, "about", O.GREW)),
        ("exact", "exact", 20, 10, (0.5, "exactly", O.FELL)),
        ("exact", "lower", 20, 10, (0.5, "at least", O.UNSETTLED)),
        ("exact", "exact", 10, 10, (1.0, "exactly", O.FLAT)),
    ],
)
def test_multiples_are_qualified_by_the_bounds(ds, b0, b1, v0, v1, expected):
    from gbaresearch.dataset.labels import values_where

    # what the bounds mean is the schema's (gba:atLeast, gba:rough)
    at_least = values_where(ds.outcome_observations, "bound", "atLeast", True)
    rough = values_where(ds.outcome_observations, "bound", "rough", True)
    assert (at_least, rough) == (("lower",), ("approximate",))
    assert O._multiple({"value": v0, "bound": b0}, {"value": v1, "bound": b1}, at_least, rough) == expected


def test_growth_after_selection(ds):
    g = O.growth_after_selection(ds).set_index("series_id")
    assert g.loc[
        "WMC-INV", ["baseline_as_of", "baseline", "latest_as_of", "latest", "multiple", "verdict"]
    ].tolist() == [
        "2023-02",
        43600.0,
        "2025-07",
        164600.0,
        3.78,
        O.GREW,
    ]
    # a monthly flow compares the same month of two years
    assert g.loc["NBT-MO-MONTH", ["baseline_as_of", "latest_as_of", "compared"]].tolist() == [
        "2024-10",
        "2025-10",
        "same month, earlier year",
    ]
    assert g.loc["NBT-HK-TRIPS", "verdict"] == O.UNSETTLED and g.loc["LAW", "qualifier"] == "at least"
    assert O.verdict_counts(ds).to_dict() == {
        O.GREW: 11,
        O.FLAT: 0,
        O.FELL: 0,
        O.UNSETTLED: 4,
        O.ONE_AFTER: 2,
        O.NO_AFTER: 0,
    }


def test_answer_is_pinned(ds):
    assert O.outcomes_answer(ds) == (
        "Of 17 outcome series on 6 cases, 11 of the 15 that can be compared kept growing after their case was "
        "selected, 0 fell and 4 cannot be settled because a figure is only a lower bound; 2 have no comparable "
        "figure after selection; the largest settled rise is WMC-REM, ×83.0 from 2022-09 to 2025-07."
    )
    assert O.outcomes_answer(ds, "zh").startswith(
        "6 个案例的 17 个成效序列中，可比较的 15 个里有 11 个在案例入选后继续增长"
    )


def test_a_new_batch_without_series_changes_nothing(data_copy, ds):
    add_fourth_batch(data_copy)
    d4 = gba.load_dataset(data_copy)
    assert O.outcomes_answer(d4) == O.outcomes_answer(ds)


def test_sibling_series_have_sources_and_dates(ds):
    s = O.sibling_table(ds)
    assert s["source_id"].notna().all() and s["date"].notna().all()
    assert len(s) == 6
