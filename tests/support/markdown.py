"""What a Markdown string would render as, parsed by markdown-it-py the way Streamlit's renderer reads it
(CommonMark + GFM autolink literals, tables, strikethrough, ``$`` LaTeX) plus Streamlit's shortcodes,
and every Markdown-rendering string on an AppTest page."""

from __future__ import annotations

import re
from collections.abc import Iterator

from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin
from streamlit.testing.v1 import AppTest

_MD = (
    MarkdownIt("commonmark", {"linkify": True, "html": True})
    .enable(["linkify", "table", "strikethrough"])
    .use(dollarmath_plugin, allow_space=True, allow_digits=True, double_inline=True)
)
_MD.linkify.set({"fuzzy_link": False})  # GFM links www. and scheme:// literals only
# Markup a page element may contain on purpose: paragraphs, lists, bold, inline code (notice values).
ALLOWED = {
    "paragraph_open",
    "paragraph_close",
    "inline",
    "text",
    "softbreak",
    "bullet_list_open",
    "bullet_list_close",
    "list_item_open",
    "list_item_close",
    "strong_open",
    "strong_close",
    "code_inline",
}
# :smile:, :material/home: and :red[text] are Streamlit's own shortcodes, found in plain text.
_SHORTCODE = re.compile(r":[\w/+-]+:|:[a-z]+\[")


def constructs(markdown: str, allowed: set[str] = ALLOWED) -> list[str]:
    """Token types (and shortcodes) in ``markdown`` beyond ``allowed``; [] for plain, escaped text."""
    found = []
    for token in _MD.parse(markdown):
        for t in (token, *(token.children or ())):
            if t.type not in allowed:
                found.append(t.type)
            elif t.type == "text" and _SHORTCODE.search(t.content):
                found.append(f"shortcode {_SHORTCODE.search(t.content).group()}")
    return found


def _walk(node) -> Iterator:
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            yield child
            yield from _walk(child)


def markdown_strings(at: AppTest) -> Iterator[tuple[str, str]]:
    """(element type, text) for every string on the page that Streamlit renders as Markdown."""
    for node in _walk(at._tree):
        kind = type(node).__name__
        if kind in ("Markdown", "Caption", "Warning", "Error", "Info", "Success", "Title", "Subheader", "Header"):
            yield kind, node.value
        if kind in ("Metric", "Expander", "Button", "Checkbox", "Radio", "Selectbox", "Slider", "TextInput"):
            label = getattr(node, "label", None)
            if label:
                yield f"{kind} label", label
        if kind in ("Metric", "Button", "Selectbox", "Slider", "Radio", "TextInput", "Checkbox"):
            help_text = getattr(node, "help", None)
            if help_text:
                yield f"{kind} help", help_text
        if kind == "Radio":
            for option in node.options:
                yield "Radio option", option


# The parameters every crafted address sets (tests/test_url_hardening.py, tests/test_url_fuzz.py).
PARAMS = ("lang", "layer", "level", "area", "min", "max", "norm", "scheme", "k", "breaks", "palette", "rev")
PARAMS += ("basemap", "sel")


def page_problems(at: AppTest) -> list[tuple[str, str, list[str]]]:
    """Every Markdown-rendering string on the page that renders more than plain text, lists, bold, code."""
    out = []
    for kind, text in markdown_strings(at):
        found = constructs(text)
        if kind == "Markdown" and text.startswith("### "):  # the details panel's heading is meant
            found = [c for c in found if c not in ("heading_open", "heading_close")]
        if kind == "Markdown" and text.startswith("**A** · "):  # the compare page's two layer lines are meant
            found = [c for c in found if c != "hardbreak"]
        if found:
            out.append((kind, text[:300], found))
    return out
