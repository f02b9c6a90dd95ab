"""Stored script from the data never runs on the site: every page template, built from a copy of
the data with a script payload in each value a page shows, opened in headless Chromium.

Slow (a full site build and a browser); skipped without Chromium like tests/test_site_browser.py."""

from __future__ import annotations

import json
import shutil

import pytest
from corpus import set_cell
from test_site_browser import BROWSER, Visit  # noqa: F401  (skips the module without a browser)

from gbaresearch.dataset.paths import REPO_DIR

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore:.*is deprecated. Check CHANGES")]

MARK = "__gba_pwned"
PAYLOAD = f'</title><script>window.{MARK}=1</script><img src=x onerror="window.{MARK}=1">'
CODEBOOK_PAYLOAD = (
    f"\n```{{raw}} html\n<script>window.{MARK}=1</script>\n```\n\n"
    "``` {include} ../../../../../etc/passwd\n```\n\n"
    "> ```{literalinclude} /etc/passwd\n> ```\n\n"
    "- ```{raw} html\n  :file: /etc/passwd\n  ```\n\n"
    f"<script>window.{MARK}=1</script>\n"
)
PAGES = (
    "index.html",
    "cases/index.html",
    "cases/B1-a.html",
    "places/index.html",
    "places/guangzhou.html",
    "codebook.html",
    "downloads.html",
    "notebooks/01-tour-of-the-dataset.html",
    "search.html",
    "genindex.html",
)


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    from site_fixtures import copy_executor

    from gbaresearch.publish import report

    d = tmp_path_factory.mktemp("hostile") / "data"
    shutil.copytree(REPO_DIR / "data", d)
    desc = json.loads((d / "datapackage.json").read_text(encoding="utf-8"))
    desc["title"] = "GBA " + PAYLOAD
    desc["gba:title_zh"] = "大湾区 " + PAYLOAD
    (d / "datapackage.json").write_text(json.dumps(desc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    for column in ("title_en", "summary_en"):
        set_cell(d, "cases.csv", 2, column, f"{column} {PAYLOAD}")
    set_cell(d, "places.csv", 2, "name_en", f"Guangzhou {PAYLOAD}")
    set_cell(d, "indicators.csv", 2, "indicator_en", f"Investors {PAYLOAD}")
    with open(d / "CODEBOOK.md", "a", encoding="utf-8") as fh:
        fh.write(CODEBOOK_PAYLOAD)
    out = tmp_path_factory.mktemp("hostile-site") / "report"
    report.build(out, data_dir=d, executor=copy_executor, log=lambda s: None)
    return out


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=BROWSER, args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


@pytest.mark.parametrize("page_path", PAGES)
def test_no_script_from_the_data_runs(hostile_site, browser, page_path):
    v = Visit(browser)
    dialogs: list[str] = []
    v.page.on("dialog", lambda dlg: (dialogs.append(dlg.message), dlg.dismiss()))
    page = v.open(hostile_site / page_path)
    assert page.evaluate(f"typeof window.{MARK}") == "undefined"
    assert dialogs == []
    assert page.locator("script", has_text=MARK).count() == 0
    assert page.locator(f"img[onerror*='{MARK}']").count() == 0
    assert "/bin/bash" not in page.content() and "root:x:0:0" not in page.content()
    v.page.close()


def test_the_payload_is_shown_as_text(hostile_site, browser):
    v = Visit(browser)
    page = v.open(hostile_site / "index.html")
    assert "</title><script>" in page.inner_text("body")
    page = v.open(hostile_site / "cases" / "B1-a.html")
    assert PAYLOAD in page.inner_text("h1")
    v.page.close()
