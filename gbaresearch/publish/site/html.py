"""The site's raw HTML fragments (landing-page cards and coverage bars, the case browser, the
downloads table), rendered from the Jinja templates in ``templates/`` with every value escaped."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import jinja2
import markupsafe

from .text import h, slug

TEMPLATES = Path(__file__).resolve().parent / "templates"


def _text(value: Any, missing: str = "—") -> markupsafe.Markup:
    """A value as one line of HTML-escaped text (:func:`~gbaresearch.publish.site.text.h`), or
    ``missing``. Values put in a template without this filter are escaped by the environment."""
    return markupsafe.Markup(h(value, missing))


def _size(n: int) -> str:
    return f"{n / 1024:.0f} KB" if n >= 1024 else f"{n} B"


@functools.cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters.update(text=_text, slug=lambda v: slug(str(v)), size=_size)
    return env


def render(template: str, **context: Any) -> str:
    """The HTML of ``templates/<template>`` with ``context``: a string without a final newline."""
    return _environment().get_template(template).render(**context)
