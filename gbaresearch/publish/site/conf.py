"""Sphinx configuration of the reader's site (myst-nb with execution off, sphinx-book-theme).

:mod:`gbaresearch.publish.report` runs Sphinx with this folder as the configuration directory and
overrides ``project``, ``release`` and ``html_static_path`` for each build. Notebooks arrive
already executed, so ``nb_execution_mode`` is ``"off"``. Nothing here fetches from the network:
no CDN scripts, fonts or launch buttons, and math is not rendered with MathJax.
"""

from pathlib import Path
from typing import Any

_HERE = Path(__file__).resolve().parent

project = "Greater Bay Area rule-connection typical cases"
author = "gbaresearch maintainers"
copyright = "gbaresearch maintainers; data CC-BY-4.0"
release = ""
language = "en"

extensions = ["myst_nb"]
exclude_patterns = ["_build", "**.ipynb_checkpoints", "jupyter_execute"]
source_suffix = {".md": "myst-nb", ".ipynb": "myst-nb"}
root_doc = "index"
# Text from the data is shown as written: no curly quotes or dashes substituted for ' " -- ...
smartquotes = False

# Notebooks are executed once per build by gbaresearch.publish.notebooks before Sphinx runs.
nb_execution_mode = "off"
nb_merge_streams = True
# Cell tags: setup cells "hide-input" (folded, click to show), answer cells "remove-input" (their
# Markdown output reads as prose); myst-nb honours both, plus remove-cell/remove-output/hide-output.
nb_render_markdown_format = "myst"
myst_enable_extensions: list[str] = []
myst_heading_anchors = 3
suppress_warnings = ["myst.header", "mystnb.unknown_mime_type", "misc.highlighting_failure"]

html_theme = "sphinx_book_theme"
html_title = "GBA rule-connection cases · 大湾区规则衔接案例"
html_static_path = [str(_HERE / "_static")]
html_css_files = ["site.css"]
html_last_updated_fmt = None
html_show_sourcelink = False
html_copy_source = False
html_show_sphinx = False
html_theme_options = {
    "use_download_button": False,
    "use_fullscreen_button": False,
    "use_repository_button": False,
    "use_issues_button": False,
    "use_edit_page_button": False,
    "use_source_button": False,
    "show_toc_level": 2,
    "home_page_in_toc": True,
    "navigation_with_keys": False,
    "launch_buttons": {},
    "search_bar_text": "Search · 搜索",
}
html_context = {"default_mode": "light"}
# One search box: the header's search button (on every page, small screens too); the theme's
# second one, a search field in the left sidebar, is left out.
html_sidebars = {"**": ["navbar-logo.html", "icon-links.html", "sbt-sidebar-nav.html"]}
# MathJax would come from a CDN; a local no-op script stands in, so formulas show as their source text.
mathjax_path = "nomath.js"


# Plain-text values the themes print without escaping: ``pagetitle`` (sphinx-book-theme's print
# header) and ``root_title`` (its sidebar: the home page's title, from the data's title).
PLAIN_TEXT_CONTEXT = ("pagetitle", "root_title")


def _escape_plain_text(app: Any, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """Escape every plain-text value the templates print raw, so a title from the data can
    never become markup."""
    import html

    for key in PLAIN_TEXT_CONTEXT:
        if isinstance(context.get(key), str):
            context[key] = html.escape(context[key], quote=True)


def setup(app: Any) -> dict[str, bool]:
    app.connect("html-page-context", _escape_plain_text, priority=900)  # after the theme's own handler
    return {"parallel_read_safe": True, "parallel_write_safe": True}
