"""The one Markdown escaper: text from the data shown inside Markdown never becomes markup.

Two strengths of one rule. The default escapes the characters that make inline markup in the
notebooks' Markdown (``IPython.display.Markdown``): ``\\ ` * _ { } [ ] < > # | $ ~``, and ``-``,
``+`` or ``.`` at the very start, where they could open a list. ``strict=True``, for the site's
MyST pages (which also have roles, directives and substitutions), escapes every ASCII
punctuation character.
"""

from __future__ import annotations

import re

INLINE_SPECIAL = "\\`*_{}[]<>#|$~"
_EVERY_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")  # CommonMark's escapable characters


def escape(text: object, strict: bool = False) -> str:
    """``text`` (as ``str``) with Markdown's special characters backslash-escaped (see the
    module docstring for which ones ``strict`` adds)."""
    s = str(text)
    if strict:
        return _EVERY_PUNCTUATION.sub(r"\\\1", s)
    s = "".join("\\" + ch if ch in INLINE_SPECIAL else ch for ch in s)
    return "\\" + s if s[:1] in ("-", "+", ".") else s
