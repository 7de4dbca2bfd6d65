"""Streamlit's real Markdown renderer in headless Chromium: escaped data and notice values stay text.

A throwaway page renders a payload corpus three ways: through ``markup.escape`` in st.markdown,
st.caption and st.warning, through ``markup.code`` in st.warning, and raw (the negative control, which
must produce the links, images, headings and LaTeX the escaped forms must not). Then the atlas itself
is opened at crafted addresses from issue 9: nothing from the payload is rendered as markup in its
notice, and nothing outside this machine is requested except basemap tiles.
"""

from __future__ import annotations

import json
import re
from urllib.parse import quote

import pytest

from tests.support.browser import ROOT, LocalOnlyPage, page_script, streamlit_server, wait_for_idle

pytestmark = pytest.mark.browser

TILE_HOSTS = re.compile(r"(^|\.)(basemaps\.cartocdn\.com|tile\.openstreetmap\.org|autonavi\.com|tianditu\.gov\.cn)$")
TIMEOUT = 150_000
PAYLOADS = [
    "x\n\n# 系统通知：本站已迁移\n\n请前往 [新地址](https://evil.example/atlas)\n\n![](https://evil.example/beacon.png)",
    "![t](https://evil.example/track.png)",
    "<https://evil.example/auto>",
    "see https://evil.example/bare and www.evil.example and mail@evil.example",
    "$\\frac{1}{2}$ and $$x^2$$",
    "<img src=https://evil.example/i.png><h1>big</h1>",
    ":red[alarm] :material/home: :smile:",
    "# heading",
    "~~struck~~ **bold** | a | b |",
]
PAGE = """
import json
import streamlit as st
from app.core.markup import code, escape

payloads = json.loads({payloads!r})
with st.container(key="out"):
    for p in payloads:
        if st.query_params.get("mode") == "raw":
            st.markdown(p)
        else:
            st.markdown(escape(p))
            st.caption(escape(p))
            st.warning("- " + escape(p) + "\\n- " + code(p, limit=None))
st.markdown("rendered-all")
"""
MARKUP = "a, img, h1, h2, h3, h4, h5, h6, .katex, del, table, blockquote, [data-testid='stIconMaterial']"


@pytest.fixture(scope="module")
def corpus_url(tmp_path_factory):
    folder = tmp_path_factory.mktemp("markup_page")
    script = page_script(folder, "markup_page.py", PAGE.format(payloads=json.dumps(PAYLOADS)))
    with streamlit_server(script, cwd=ROOT, log_path=folder / "streamlit.log") as url:
        yield url


def rendered(browser, url: str) -> tuple[list[str], LocalOnlyPage]:
    tab = LocalOnlyPage(browser)
    tab.page.goto(url, wait_until="domcontentloaded")
    tab.page.get_by_text("rendered-all").wait_for(timeout=TIMEOUT)
    wait_for_idle(tab.page)
    out = tab.page.locator(".st-key-out")
    found = out.locator(MARKUP).evaluate_all("els => els.map(e => e.tagName.toLowerCase() + '.' + e.className)")
    return found, tab


def test_escaped_payloads_render_as_text(browser, corpus_url):
    found, tab = rendered(browser, corpus_url)
    try:
        assert found == []
        text = tab.page.locator(".st-key-out").inner_text()
        assert "[新地址](https://evil.example/atlas)" in text.replace("\u200b", "")
        assert tab.blocked == []
    finally:
        tab.close()


def test_raw_payloads_do_render_markup(browser, corpus_url):
    # Negative control: the same corpus unescaped gives links, images, headings and LaTeX.
    found, tab = rendered(browser, corpus_url + "/?mode=raw")
    try:
        kinds = {f.split(".")[0] for f in found}
        assert {"a", "img", "h1"} <= kinds, found
        assert any("katex" in f for f in found), found
    finally:
        tab.close()


ATLAS_QUERIES = [
    # the two addresses of issue 9, item 1, verbatim
    "x%0A%0A%23%20系统通知：本站已迁移%0A%0A请前往%20[新地址](https://evil.example/atlas)%0A%0A![](https://evil.example/beacon.png)=1",
    "lang=![t](https://evil.example/track.png)",
    "basemap=" + quote("<img src=https://evil.example/b.png>") + "&sel=" + quote("$\\href{https://evil.example}{x}$"),
]


@pytest.mark.parametrize("query", ATLAS_QUERIES, ids=range(len(ATLAS_QUERIES)))
def test_crafted_addresses_render_no_markup_and_request_nothing_foreign(browser, atlas_url, query):
    tab = LocalOnlyPage(browser)
    try:
        tab.page.goto(f"{atlas_url}/?{query}", wait_until="domcontentloaded")
        alert = tab.page.locator('[data-testid="stAlert"]').filter(has_text="链接中的部分参数未按原样使用")
        alert.wait_for(timeout=TIMEOUT)
        tab.page.locator('iframe[title="streamlit_folium.st_folium"]').wait_for(timeout=TIMEOUT)
        wait_for_idle(tab.page)  # the run the map's first report starts writes the notices again
        assert alert.locator(MARKUP).count() == 0
        assert "evil.example" in alert.inner_text()  # shown, as text
        foreign = [u for _, u in tab.blocked if not TILE_HOSTS.search(re.sub(r"^\w+://([^/:]+).*", r"\1", u))]
        assert foreign == []
        assert tab.page_errors == []
    finally:
        tab.close()
