"""Computed sentences shown as prose in the notebooks.

``say(text)`` returns an ``IPython.display.Markdown`` object whose plain-text form is the
sentence itself (not the object's repr), so a notebook page renders the Markdown and tools
that read ``text/plain`` (such as the report's answer line) get the same sentence. Pieces of
text that come from the data must be escaped with :func:`gbaresearch.analysis.md_escape`
before they are put into the Markdown.
"""

from __future__ import annotations

import re

from IPython.display import Markdown

_ESCAPED = re.compile(r"\\([\\`*_{}\[\]<>()#+\-.!|$~])")


def unescape(text: str) -> str:
    """Plain text of escaped Markdown: backslash escapes removed, ``**`` and ``*`` emphasis
    markers dropped."""
    out = re.sub(r"(?<!\\)\*{1,2}", "", text)
    return _ESCAPED.sub(r"\1", out)


class Prose(Markdown):
    """Markdown whose ``text/plain`` representation is the unescaped sentence."""

    def __repr__(self) -> str:
        return unescape(self.data or "")


def say(text: str) -> Prose:
    """The Markdown ``text`` as a displayable object (``display(say(...))``)."""
    return Prose(text)  # type: ignore[no-untyped-call]
