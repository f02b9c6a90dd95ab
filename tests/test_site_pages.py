"""Generated pages read without a build: downloads notes, landing page wording, case flags, alt text."""

from __future__ import annotations

from gbaresearch.publish.site.pages import Download, downloads_page


def test_downloads_page_tells_excel_stata_and_r_users_how_to_open_the_files():
    page = downloads_page([Download("downloads/x.csv", "Flat", "平面", "Excel", 2048)], "9.9")
    assert "byte-order mark" in page and "带 BOM" in page
    assert "leading apostrophe" in page  # formula neutralisation is said
    assert "haven::read_dta" in page and "readr::read_csv" in page and 'fileEncoding = "UTF-8-BOM"' in page
    assert "label set has its variable's name" in page
    assert "a leading digit gets `v_`" in page  # the name mapping is documented


def test_landing_page_opens_with_what_the_cases_are_and_who_selects_them():
    from gbaresearch import load_dataset
    from gbaresearch.publish.site.pages import index_page

    ds = load_dataset()
    page = index_page(ds, [], "cite")
    assert page.index("What the cases are") < page.index("Questions and answers")
    assert "Greater Bay Area Office selects them" in page and "省大湾区办）从申报案例中评选" in page
    assert "gba-thumb" not in page


def test_summary_based_codings_are_those_the_data_marks():
    from gbaresearch import load_dataset
    from gbaresearch.analysis.reliability import summary_based

    ds = load_dataset()
    marked = summary_based(ds)
    assert len(marked) == sum(
        str(b).endswith("(summary)")
        for t in ("coding_second_domains", "coding_second_mechanisms")
        for b in ds[t]["basis"]
    )
    assert set(marked["case_id"]) <= {
        "B2-02",
        "B2-03",
        "B2-10",
        "B2-11",
        "B2-15",
        "B3-f",
        "B3-g",
        "B3-h",
        "B3-i",
        "B3-j",
    }
    assert "B3-f" in set(marked["case_id"])


def test_coding_notes_list_every_reconciled_unit_of_a_case_with_its_reason():
    from gbaresearch import load_dataset
    from gbaresearch.publish.site.coding_notes import coding_notes
    from gbaresearch.publish.site.text import md

    ds = load_dataset()
    log = ds["coding_reconciliation"]
    for cid in ("B1-b", "B3-f"):
        text = coding_notes(ds, cid)
        rows = log[log["case_id"] == cid]
        assert len(rows) and "Contested in the reliability study" in text
        for reason in rows["reason"]:
            assert md(reason) in text
    quiet = [c for c in ds.cases["case_id"] if c not in set(log["case_id"])]
    if quiet:
        assert "No coding of this case was contested" in coding_notes(ds, quiet[0])


def test_every_figure_cell_gets_an_alt_text_from_its_section_title():
    from nbjson import Node

    from gbaresearch.publish.report import add_figure_alt_text

    def cell(kind, source, outputs=None):
        return Node(cell_type=kind, source=source, metadata=Node(), **({} if outputs is None else {"outputs": outputs}))

    figure = [{"output_type": "display_data", "data": {"image/png": "x"}, "metadata": {}}]
    nb = Node(
        cells=[
            cell("markdown", "# 01 · A tour\n\nText"),
            cell("code", "plot()", figure),
            cell("markdown", "## Coverage *per* batch"),
            cell("code", "print(1)", []),
            cell("code", "plot()", figure),
        ]
    )
    assert add_figure_alt_text(nb) == 2
    assert nb.cells[1].metadata["mystnb"]["image"]["alt"] == "Figure: 01 · A tour"
    assert nb.cells[4].metadata["mystnb"]["image"]["alt"] == "Figure: Coverage per batch (01 · A tour)"
    assert "mystnb" not in nb.cells[3].metadata


def test_case_page_shows_batch_status_rule_maker_and_codings_not_made_from_sources():
    from gbaresearch import load_dataset
    from gbaresearch.publish.site.coding_notes import coding_notes
    from gbaresearch.publish.site.pages import case_page

    ds = load_dataset()
    cases = ds.cases.set_index("case_id", drop=False)
    b3a = case_page(ds, next(cases.loc[["B3-a"]].itertuples(index=False)))
    assert "National Immigration Administration" in b3a and "Rule maker" in b3a
    b1g = case_page(ds, next(cases.loc[["B1-g"]].itertuples(index=False)))
    assert "Batch membership status" in b1g and "Inferred" in b1g
    notes = coding_notes(ds, "B2-03")  # coded from the summary (second) and the titles (third)
    assert "Second coding" in notes and "Summary and titles only" in notes
    assert "Third coding" in notes and "Titles only" in notes
    assert "Not coded from the sources' text" not in coding_notes(ds, "B1-b")


def test_page_html_comes_from_templates_that_escape_every_value():
    import jinja2
    import pytest

    from gbaresearch.publish.site import pages
    from gbaresearch.publish.site.html import TEMPLATES, render

    hostile = "<script>alert('x')</script> & \"q\""
    html = render("zh_title.html", title=hostile)
    assert html == (
        '<p class="gba-zh-title" lang="zh">&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &quot;q&quot;</p>'
    )
    files = [pages.Download('d/"a".csv', hostile, "中", "pandas", 2048)]
    table = render("downloads.html", head=["File"], files=files)
    assert "<script>" not in table and '<a href="d/&quot;a&quot;.csv" download>' in table and "2 KB" in table
    with pytest.raises(jinja2.UndefinedError):
        render("zh_title.html")
    assert sorted(p.name for p in TEMPLATES.glob("*.html")) == [
        "browser.html",
        "cards.html",
        "coverage.html",
        "downloads.html",
        "zh_title.html",
    ]
    source = (TEMPLATES.parent / "pages.py").read_text(encoding="utf-8")
    assert "f'<" not in source and 'f"<' not in source, "page HTML belongs in templates/"
