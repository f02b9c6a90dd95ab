"""One label API: the metadata a loaded table carries is the schema's, in both languages."""

import pandas as pd
import pytest

import gbaresearch as gba
from gbaresearch.dataset.labels import label_pairs, labels, title, unit, values_where
from gbaresearch.dataset.schema import read_package


@pytest.fixture(scope="module")
def ds():
    return gba.load_dataset()


def test_labels_are_the_schema_categories_in_both_languages(ds):
    package = read_package(ds.data_dir)
    for res in package.resources:
        for f in res.fields:
            if f.categories is None:
                continue
            assert labels(ds[res.name], f.name, "en") == f.labels("en")
            assert labels(ds[res.name], f.name, "zh") == f.labels("zh")
            assert list(label_pairs(ds[res.name], f.name)) == list(f.enum or ())


def test_titles_and_units_come_from_the_schema(ds):
    for res in ds.package.resources:
        assert title(ds[res.name]) == res.title
        for f in res.fields:
            assert title(ds[res.name], f.name) == f.title
            assert title(ds[res.name], f.name, "zh") == (f.title_zh or f.title)
            assert unit(ds[res.name], f.name) == f.unit


def test_keys_of_labelled_tables_are_labelled_from_the_data(ds):
    doms = ds.vocab_domains
    expected = dict(zip(doms["domain"], doms["label_zh"]))
    assert labels(ds.case_domains, "domain", "zh") == expected
    assert labels(ds.vocab_domains, "domain", "zh") == expected
    places = ds.places
    assert labels(ds.cases, "lead_place") == dict(zip(places["place_id"], places["name_en"]))


def test_site_text_labels_through_the_one_api(ds):
    from gbaresearch.publish.site.text import field_pair, place_pair, value_both, value_pair

    assert value_pair(ds, "cases", "category", "livelihood") == label_pairs(ds.cases, "category")["livelihood"]
    assert value_both(ds, "indicators", "unit", "yuan") == "yuan · 元"
    assert value_pair(ds, "cases", "category", "no_such_value") == ("no_such_value", "no_such_value")
    assert field_pair(ds, "cases", "lead_place") == (title(ds.cases, "lead_place"), title(ds.cases, "lead_place", "zh"))
    pid = str(ds.places["place_id"].iloc[0])
    assert place_pair(ds, pid) == label_pairs(ds.places, "place_id")[pid]


def test_metadata_survives_loading_copies_and_selections(ds):
    warm = gba.load_dataset()  # from the in-process cache
    for frame in (ds.cases, warm.cases, ds.cases.copy(), ds.cases[ds.cases["batch"] == 2], ds.cases[["category"]]):
        assert frame.attrs["gba"]["table"] == "cases"
        assert labels(frame, "category") == labels(ds.cases, "category")
    assert labels(ds.cases["category"]) == labels(ds.cases, "category")


def test_category_properties_name_the_source_kinds(ds):
    kind = ds.package.resource("sources").field("kind")
    assert values_where(ds.sources, "kind", "counts_as", "original") == kind.values_where("counts_as", "original")
    assert set(values_where(ds.sources, "kind", "counts_as", "copy")).isdisjoint(
        values_where(ds.sources, "kind", "counts_as", "original")
    )


def test_a_frame_without_metadata_is_refused():
    with pytest.raises(ValueError, match="load_dataset"):
        labels(pd.DataFrame({"a": [1]}), "a")
    with pytest.raises(ValueError, match="lang"):
        labels(gba.load_dataset().cases, "category", "fr")


def test_metadata_is_shared_read_only_and_survives_pickling(ds):
    import copy
    import pickle

    meta = ds.cases.attrs["gba"]
    derived = ds.cases[ds.cases["batch"] == "1"][["case_id", "category"]].copy()
    # pandas deep-copies attrs on every operation: the metadata object is shared, not copied
    assert derived.attrs["gba"] is meta and copy.deepcopy(meta) is meta
    with pytest.raises(TypeError):
        meta["fields"]["category"]["labels"]["livelihood"] = ("x", "y")  # type: ignore[index]
    back = pickle.loads(pickle.dumps(derived))
    assert back.attrs["gba"] == meta and labels(back, "category", "zh") == labels(ds.cases, "category", "zh")
