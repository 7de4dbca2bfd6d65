"""app.markup: data strings stay text in Streamlit's Markdown, checked with an independent parser."""

from __future__ import annotations

import pytest

from app.core import markup
from tests.support.markdown import constructs

PAYLOADS = [
    "[新地址](https://evil.example/atlas)",
    "![](https://evil.example/beacon.png)",
    "![t](https://evil.example/track.png)",
    "x\n\n# 系统通知：本站已迁移\n\n请前往 [新地址](https://evil.example/atlas)",
    "# heading",
    "Heading\n===",
    "<img src=https://evil.example/x.png>",
    "<script>alert(1)</script>",
    "<https://evil.example>",
    "https://evil.example/a",
    "www.evil.example",
    "someone@evil.example",
    "$\\href{https://evil.example}{x}$",
    "$$x^2$$",
    "~~gone~~",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "> quoted",
    "1. item",
    "- item",
    "    indented code",
    "```\nfence\n```",
    "***",
    "[ref]: https://evil.example",
    ":red[alarm] :material/home: :smile:",
    "&lt;b&gt; &#x3C;",
    "\x1b[31mred\x1b[0m\ttab",
    "`back`tick``",
    "*emph* __strong__ _u_",
    "a\\",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_escape_leaves_no_markup(payload):
    text = markup.escape(payload)
    assert constructs(text, {"paragraph_open", "paragraph_close", "inline", "text"}) == []
    assert "\n" not in text


@pytest.mark.parametrize("payload", PAYLOADS)
def test_code_span_shows_the_value_verbatim(payload):
    span = markup.code(payload, limit=None)
    assert constructs(span) == []
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").parseInline(span)[0].children
    assert [t.type for t in tokens] == ["code_inline"]
    assert tokens[0].content.strip() == markup.one_line(payload)


def test_the_audit_catches_unescaped_markup():
    # The checker itself must fail on what the escaping prevents.
    assert "link_open" in constructs("[a](https://evil.example)")
    assert "image" in constructs("![](https://evil.example/b.png)")
    assert "link_open" in constructs("see https://evil.example")
    assert "math_inline" in constructs("$x$")
    assert "html_inline" in constructs("a <img src=x>")
    assert any(c.startswith("shortcode") for c in constructs("hi :smile:"))


def test_long_values_are_cut():
    assert markup.shorten("x" * 100_000) == "x" * 80 + "…"
    assert len(markup.code("y" * 100_000)) < 90
    assert markup.escape("a" * 10, limit=4) == "aaaa…"


def test_plain_text_stays_readable():
    assert markup.escape("凉山彝族自治州") == "凉山彝族自治州"
    assert markup.one_line("a\n\n b\t\x1bc") == "a b c"


@pytest.mark.parametrize("control", ["\u202e", "\u202d", "\u2066", "\u2069", "\u200b", "\u200f", "\u00ad", "\ufeff"])
def test_bidi_and_other_format_characters_are_dropped_from_echoed_values(control):
    """U+202E (right-to-left override) passed into notices while other control characters were stripped (issue 25)."""
    value = f"abc{control}gpj.exe"
    for shown in (markup.one_line(value), markup.shorten(value), markup.code(value)):
        assert control not in shown and "abcgpj.exe" in shown
    assert control not in markup.escape(value).replace("\u200b", "") or control == "\u200b"
    assert markup.strip_format_controls("四川\u202e省") == "四川省" and markup.strip_format_controls("plain") == "plain"
