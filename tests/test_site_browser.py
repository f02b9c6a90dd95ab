"""The built site in a real browser: headless Chromium driven by Playwright, over file:// only.

The browser is Debian's ``chromium`` (``$GBARESEARCH_CHROMIUM`` overrides). Without it these
tests are skipped with the reason shown; with ``GBARESEARCH_REQUIRE_BROWSER=1`` (CI) they fail
instead. The site is built once for the module, from the committed notebook outputs.
Screenshots of the main pages go to ``build/screenshots/``, outside the site folder."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from gbaresearch import load_dataset
from gbaresearch.dataset.paths import REPO_DIR

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore:.*is deprecated. Check CHANGES")]

SCREENSHOTS = REPO_DIR / "build" / "screenshots"  # never inside build/report, which only a build writes
CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")


def find_browser() -> tuple[str | None, str]:
    """(path of a Chromium binary, or None; the reason when None)."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return None, "playwright is not installed (pip install playwright)"
    env = os.environ.get("GBARESEARCH_CHROMIUM")
    for c in [env] if env else [shutil.which("chromium"), shutil.which("chromium-browser"), *CANDIDATES]:
        if c and Path(c).is_file() and os.access(c, os.X_OK):
            return c, ""
    return None, "no Chromium found (apt-get install chromium, or set GBARESEARCH_CHROMIUM)"


BROWSER, WHY_NOT = find_browser()
if BROWSER is None:
    if os.environ.get("GBARESEARCH_REQUIRE_BROWSER") == "1":
        pytest.fail(f"GBARESEARCH_REQUIRE_BROWSER=1 but {WHY_NOT}", pytrace=False)
    pytest.skip(f"browser tests skipped: {WHY_NOT}", allow_module_level=True)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=BROWSER, args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


class Visit:
    """A page that records console errors, page errors and every request not to file://."""

    def __init__(self, browser):
        self.page = browser.new_page(viewport={"width": 1280, "height": 860})
        self.errors: list[str] = []
        self.external: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", self._request)

    def _request(self, req) -> None:
        if not req.url.startswith(("file://", "data:", "blob:", "about:")):
            self.external.append(req.url)

    def open(self, path: Path):
        self.page.goto(path.as_uri())
        self.page.wait_for_load_state("load")
        return self.page

    def shot(self, name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))

    def assert_clean(self) -> None:
        assert self.errors == [], self.errors
        assert self.external == [], self.external
        self.page.close()


def test_index(site, browser):
    v = Visit(browser)
    page = v.open(site / "index.html")
    assert "Greater Bay Area" in page.title()
    assert page.locator(".gba-card").count() == len(list((REPO_DIR / "notebooks").glob("[0-9][0-9]-*.ipynb")))
    assert page.locator("img.gba-thumb").count() == 0  # no thumbnail a reader could not read at card size
    intro = page.locator("article p").filter(has_text="What the cases are").first.inner_text()
    assert "Greater Bay Area Office selects them" in intro
    assert "省大湾区办）从申报案例中评选" in page.locator("article p").filter(has_text="案例是什么").first.inner_text()
    # the intro comes before the questions
    article = page.locator("article").first.inner_text()
    assert article.index("What the cases are") < article.index("Questions and answers")
    # each bilingual notebook's card shows its Chinese answer under the English one
    import nbformat

    from gbaresearch.publish import report

    for nb_path in sorted((REPO_DIR / "notebooks").glob("[0-9][0-9]-*.ipynb")):
        answer_zh = report.notebook_answer(nbformat.read(nb_path, as_version=4), "zh")
        if answer_zh:
            card = page.locator(".gba-card", has=page.locator(f'a[href="notebooks/{nb_path.stem}.html"]'))
            shown = card.locator(".gba-answer-zh")
            assert shown.count() == 1 and shown.is_visible()
            assert " ".join(shown.inner_text().split()) == answer_zh
    v.shot("index")
    v.assert_clean()


def test_notebook_page(site, browser):
    v = Visit(browser)
    page = v.open(site / "notebooks" / "01-tour-of-the-dataset.html")
    assert page.title().startswith("01 · A tour of the dataset")
    assert page.locator("img").count() >= 1
    assert page.locator("nav.bd-links a", has_text="Case browser").count() == 1  # navigation back to the site
    v.shot("notebook")
    v.assert_clean()


def test_case_browser_filters_and_searches(site, browser):
    ds = load_dataset()
    v = Visit(browser)
    page = v.open(site / "cases" / "index.html")
    page.wait_for_selector("html.gba-cases-ready", timeout=15000)
    rows = page.locator("#gba-cases tbody tr")
    assert rows.count() == len(ds.cases)
    page.select_option("select[data-col='3']", "2")
    assert rows.count() == int((ds.cases["batch"] == 2).sum()) == 16
    assert all(t.startswith("B2-") for t in rows.locator("td:first-child").all_inner_texts())
    page.click("#gba-reset")
    assert rows.count() == len(ds.cases)
    page.fill("#gba-cases_wrapper .dt-search input", "药械通")
    assert rows.count() == 1 and rows.first.locator("td").first.inner_text() == "B1-d"
    page.fill("#gba-cases_wrapper .dt-search input", "Medicine and Device")
    assert rows.count() == 1 and rows.first.locator("td").first.inner_text() == "B1-d"
    page.fill("#gba-cases_wrapper .dt-search input", "")
    v.shot("case-browser")
    rows.first.locator("a").click()
    page.wait_for_load_state("load")
    assert page.url.endswith("/cases/B1-a.html")
    v.assert_clean()


def test_case_page(site, browser):
    v = Visit(browser)
    page = v.open(site / "cases" / "B1-d.html")
    assert page.locator("h1").first.inner_text().startswith("B1-d · Hong Kong and Macao Medicine and Device Connect")
    assert page.locator(".gba-zh-title").inner_text() == "港澳药械通"
    assert page.locator("a[href^='http']").count() >= 1  # sources link out; nothing loads from there
    v.shot("case")
    v.assert_clean()


def test_downloads(site, browser):
    v = Visit(browser)
    page = v.open(site / "downloads.html")
    links = page.locator("table.gba-downloads a[download]")
    assert links.count() == 4
    for i in range(links.count()):
        href = links.nth(i).get_attribute("href")
        assert (site / href).is_file() and (site / href).stat().st_size > 1000, href
    v.assert_clean()


def test_case_browser_fits_a_1280_pixel_window_and_every_column_is_reachable(site, browser):
    v = Visit(browser)
    page = v.open(site / "cases" / "index.html")
    page.wait_for_selector("html.gba-cases-ready", timeout=15000)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280  # the page itself never scrolls sideways
    frame = page.locator("#gba-cases_wrapper .dt-scroll-body")
    box = frame.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 1280
    frame.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
    page.wait_for_timeout(200)
    heads = page.locator("#gba-cases_wrapper .dt-scroll-head th")
    for name in ("Mechanisms", "Title status"):  # the last columns, cut off before
        th = heads.filter(has_text=name).first.bounding_box()
        assert th is not None and th["x"] >= box["x"] - 1 and th["x"] + th["width"] <= box["x"] + box["width"] + 1, name
    v.assert_clean()


def test_one_search_box(site, browser):
    v = Visit(browser)
    page = v.open(site / "notebooks" / "01-tour-of-the-dataset.html")
    boxes = page.locator(".search-button-field, .search-button, .bd-search input")
    assert sum(boxes.nth(i).is_visible() for i in range(boxes.count())) == 1
    v.assert_clean()


def test_every_figure_has_an_alt_text_from_its_title(site, browser):
    import re

    v = Visit(browser)
    for path in sorted((site / "notebooks").glob("*.html")):
        page = v.open(path)
        for alt in page.evaluate("[...document.querySelectorAll('article img')].map(i => i.alt)"):
            assert alt.startswith("Figure: ") and not re.search(r"[0-9a-f]{32}", alt), (path.name, alt)
    v.assert_clean()


def test_case_page_flags_contested_and_summary_only_codings(site, browser):
    v = Visit(browser)
    page = v.open(site / "cases" / "B3-f.html")
    section = page.locator("section").filter(has=page.locator("h2", has_text="Codings to read with care")).first
    text = section.inner_text()
    assert "Contested in the reliability study" in text and "First coding kept." in text
    assert "Coded from the summary only" in text
    page = v.open(site / "cases" / "B1-d.html")
    text = (
        page.locator("section").filter(has=page.locator("h2", has_text="Codings to read with care")).first.inner_text()
    )
    assert "Coded from the summary only" not in text


def test_plan_page_lists_sections_and_the_cases_carrying_them_out(site, browser):
    ds = load_dataset()
    v = Visit(browser)
    page = v.open(site / "plans" / "index.html")
    assert page.locator("table tbody tr").count() >= len(ds.plans)
    page.locator("a", has_text="Outline Development Plan for the Guangdong").first.click()
    page.wait_for_load_state("load")
    assert page.url.endswith("/plans/outline.html")
    assert page.locator(".gba-zh-title, strong", has_text="粤港澳大湾区发展规划纲要").count() >= 1
    body = page.locator("main").inner_text()
    assert "Outline ch. 11" in body and "规划实施" in body
    carried = ds.case_plan_links[ds.case_plan_links["plan_id"] == "outline"]["case_id"].iloc[0]
    page.locator("main a", has_text=carried).first.click()
    page.wait_for_load_state("load")
    assert page.url.endswith(f"/cases/{carried}.html")
    v.shot("plan")
    v.assert_clean()


def test_series_page_shows_observations_and_the_selection_date(site, browser):
    ds = load_dataset()
    v = Visit(browser)
    page = v.open(site / "series" / "WMC-INV.html")
    body = page.locator("main").inner_text()
    obs = ds.outcome_observations[ds.outcome_observations["series_id"] == "WMC-INV"]
    assert page.locator("main table").nth(1).locator("tbody tr").count() == len(obs)
    announced = ds.batches.set_index("batch").loc[1, "announced"]
    assert f"{announced:%Y-%m-%d}" in body and "After selection" in body
    v.shot("series")
    v.assert_clean()


def test_case_page_shows_plan_links_and_authority(site, browser):
    v = Visit(browser)
    page = v.open(site / "cases" / "B1-b.html")
    body = page.locator("main").inner_text()
    assert "Plans carried out" in body and "Authority needed" in body
    assert "NPC Standing Committee" in body
    assert page.locator("main a[href$='../plans/outline.html'], main a[href*='plans/outline']").count() >= 1
    v.assert_clean()


def test_landing_page_answers_the_policy_questions(site, browser):
    from gbaresearch.analysis import policy

    ds = load_dataset()
    v = Visit(browser)
    page = v.open(site / "index.html")
    body = page.locator("main").inner_text()
    assert policy.plans_answer(ds) in body and policy.authority_answer(ds) in body
    assert policy.plans_answer(ds, "zh") in body
    v.assert_clean()
