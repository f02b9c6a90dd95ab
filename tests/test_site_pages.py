"""Generated pages read without a build: downloads notes, landing page wording, case flags, alt text."""

from __future__ import annotations

from gbaresearch.site.pages import Download, downloads_page


def test_downloads_page_tells_excel_stata_and_r_users_how_to_open_the_files():
    page = downloads_page([Download("downloads/x.csv", "Flat", "平面", "Excel", 2048)], "9.9")
    assert "byte-order mark" in page and "带 BOM" in page
    assert "leading apostrophe" in page  # formula neutralisation is said
    assert "haven::read_dta" in page and "readr::read_csv" in page and 'fileEncoding = "UTF-8-BOM"' in page
    assert "label set has its variable's name" in page
    assert "a leading digit gets `v_`" in page  # the name mapping is documented
