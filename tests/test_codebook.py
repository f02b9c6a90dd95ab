"""The codebook documents every field and value level, and its generated part is current."""

from gbaresearch.dataset.paths import data_dir
from gbaresearch.dataset.schema import read_package
from gbaresearch.publish import codebook


def test_generated_field_reference_is_up_to_date():
    text = (data_dir() / "CODEBOOK.md").read_text(encoding="utf-8")
    assert codebook.render() in text, "run `gbaresearch codebook --write` after changing datapackage.json"


def test_every_field_and_allowed_value_is_documented():
    text = (data_dir() / "CODEBOOK.md").read_text(encoding="utf-8")
    pkg = read_package(data_dir())
    for res in pkg.resources:
        section = text.split(f"### `{res.path}`", 1)[1].split("### ", 1)[0]
        for f in res.fields:
            assert f"| `{f.name}` |" in section, f"{res.path}: {f.name}"
            assert f.descriptor.get("description") and f.descriptor.get("gba:description_zh"), f"{res.path}: {f.name}"
            for v in f.enum or ():
                assert f"`{v}`" in section


def test_vocabularies_are_listed():
    text = (data_dir() / "CODEBOOK.md").read_text(encoding="utf-8")
    assert "| `mutual_recognition` | Mutual recognition | 互认 |" in text
    assert "| `culture_sports` | Culture and sports | 文化体育 |" in text


def test_codebook_records_accepted_variations_and_missing_values():
    text = (data_dir() / "CODEBOOK.md").read_text(encoding="utf-8")
    assert "Accepted harmless variations" in text and "Missing values are written `NA`" in text


def test_a_codebook_with_the_earlier_marker_is_rewritten_in_place(tmp_path):

    text = (data_dir() / "CODEBOOK.md").read_text(encoding="utf-8")
    old = tmp_path / "CODEBOOK.md"
    # the marker exactly as version 0.1 wrote it
    marker = "<!-- field reference: generated from datapackage.json by `python -m gbaresearch.codebook`; do not edit by hand -->"
    assert marker in codebook.OLD_STARTS
    old.write_text(text.replace(codebook.START, marker), encoding="utf-8")
    assert codebook.update(old, directory=data_dir()) is True
    assert old.read_text(encoding="utf-8") == text


def test_table_kinds_are_labelled_by_the_descriptor():
    pkg = read_package(data_dir())
    assert [pkg.provenance_label(k) for k in ("official", "reference", "project_coding")] == [
        "official facts",
        "reference material",
        "this project's own coding",
    ]
    assert pkg.provenance_label("project_coding", "zh") == "本项目的编码"
    text = codebook.render()
    assert "### `cases.csv`" in text and "*official facts.*" in text.split("### `cases.csv`", 1)[1][:400]


def test_a_table_kind_the_descriptor_does_not_label_is_refused():
    import copy

    from gbaresearch.dataset.schema import parse_package

    desc = copy.deepcopy(read_package(data_dir()).descriptor)
    desc["resources"][0]["gba:provenance"] = "hearsay"
    package, problems = parse_package(desc)
    assert package is None
    assert [(p.file, p.field, p.code, p.message) for p in problems] == [
        (
            "datapackage.json",
            "-",
            "schema-error",
            "resource 'sources': gba:provenance 'hearsay' is not one of gba:provenanceKinds",
        )
    ]
    desc["gba:provenanceKinds"] = ["official"]
    assert [p.message for p in parse_package(desc)[1]] == [
        "gba:provenanceKinds must map each kind to an object with a string 'label' (and 'label_zh')"
    ]
