"""Data strings inside Streamlit elements that render Markdown (markdown, caption, warning, info, error,
metric labels and help, expander and button labels, radio options).

Streamlit renders CommonMark + GFM (autolink literals, tables, strikethrough), LaTeX between ``$``,
emoji and icon shortcodes (``:smile:``, ``:material/home:``) and coloured text (``:red[…]``). A value
from the address, an upload or a data file is text, never markup: :func:`escape` makes it literal, and
:func:`code` shows it verbatim as inline code. ``html.escape`` is no substitute (``[a](b)`` has no HTML
special character).
"""

from __future__ import annotations

import re

from layers.text import strip_format_controls

# CommonMark lets a backslash escape any ASCII punctuation character; escaping all of them leaves no
# construct (link, image, emphasis, heading, list marker, HTML, table pipe, ``~``, ``$`` …) to start.
_PUNCTUATION = re.compile(r"""([!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])""")
# Newlines would start blocks (headings, lists, quotes); control characters have no business on screen.
_BREAKS = re.compile(r"[\s\x00-\x1f\x7f-\x9f\u2028\u2029]+")
# GFM autolink literals (www., http://, a@b.c) and Streamlit's shortcodes are found in the text *after*
# escapes are resolved, so backslashes do not stop them: a zero-width space after ":" and "@", inside
# "//" and after "www" breaks each pattern without changing what is seen.
_ZWSP = "\u200b"
_DEFUSE = re.compile(r"(?<=[:@])|(?<=/)(?=/)|(?i:(?<=www)(?=\.))")

MAX_LENGTH = 80  # characters of a value shown in a notice; the rest is cut with "…"


def one_line(value: object) -> str:
    """``value`` as text on one line: runs of whitespace and control characters become one space, format
    characters (bidi overrides …) are dropped."""
    return _BREAKS.sub(" ", strip_format_controls(str(value))).strip()


def shorten(value: object, limit: int | None = MAX_LENGTH) -> str:
    text = one_line(value)
    return text if limit is None or len(text) <= limit else text[:limit] + "…"


def escape(value: object, limit: int | None = None) -> str:
    """``value`` as literal text in Markdown, on one line, cut to ``limit`` characters if given."""
    text = _DEFUSE.sub(_ZWSP, shorten(value, limit))
    return _PUNCTUATION.sub(r"\\\1", text)


def code(value: object, limit: int | None = MAX_LENGTH) -> str:
    """``value`` verbatim as an inline code span (nothing inside a code span is parsed)."""
    text = shorten(value, limit)
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    if not text or text.startswith("`") or text.endswith("`"):
        text = f" {text} "  # CommonMark strips one space on each side of such a span
    return f"{fence}{text}{fence}"
