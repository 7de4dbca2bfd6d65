"""The sidebar shows the address's view from the first moment it is drawn (issue 22 item 9).

Once, on a loaded machine, ``?lang=en`` showed the sidebar with 中文 selected, the theme's first layer and
"Prefectures" while the map showed the default layer at county level, and it settled later. Here a script in the
page records every state of the sidebar's widgets from the moment the first widget appears until the page is quiet;
each recorded state must show the address's values for the widgets it has. The expected labels are written out
by hand from the address. The same script records when the map was drawn and when the sidebar was usable (its
widgets there and no script run going): test-artifacts/sidebar_timing.json (a figure, not a pass mark: speed is
measured by bench/, never asserted in tests).
"""

from __future__ import annotations

import json

import pytest

from tests.support.browser import ARTIFACTS, FOLIUM_IFRAME, LocalOnlyPage, wait_for_run

pytestmark = pytest.mark.browser

FIRST_LOAD = 150_000

# The page records each new state of the sidebar (radio groups: the checked option; select boxes: the shown value;
# sliders: the thumbs' values), with its time.
RECORDER = """
(() => {
  const now = () => performance.timeOrigin + performance.now();
  if (window !== window.top) return;
  window.__states = [];
  const label = w => (w.querySelector('[data-testid="stWidgetLabel"]') || {innerText: ''}).innerText.trim();
  const snap = () => {
    const bar = document.querySelector('[data-testid="stSidebar"]');
    if (!bar || !bar.querySelector('[data-testid="stWidgetLabel"]')) return null;
    const out = {};
    for (const w of bar.querySelectorAll('[data-testid="stRadio"]')) {
      const on = w.querySelector('input:checked');
      out[label(w)] = on ? on.closest('[data-testid="stRadioOption"]').innerText.trim() : null;
    }
    for (const w of bar.querySelectorAll('[data-testid="stSelectbox"]')) {
      const input = w.querySelector('input');
      out[label(w)] = input ? input.value : null;
    }
    for (const w of bar.querySelectorAll('[data-testid="stSlider"]')) {
      out[label(w)] = [...w.querySelectorAll('[data-testid="stSliderThumbValue"]')].map(e => e.innerText.trim());
    }
    return out;
  };
  const record = () => {
    const state = snap();
    if (!state) return;
    const last = window.__states[window.__states.length - 1];
    if (!last || JSON.stringify(last.state) !== JSON.stringify(state)) window.__states.push({at: now(), state});
  };
  new MutationObserver(record).observe(document, {subtree: true, childList: true, attributes: true,
                                                  characterData: true});
})();
"""

ADDRESSES = {
    "en": (
        "?lang=en",
        {
            "Language": "English",
            "Mode": "Single",
            "Theme": "Elderly care",
            "Layer": "People aged 60+ per township (after the merger)",
            "Level": "Counties",
            "Area": "Whole province",
            "Classification": "Quantiles",
            "Basemap": "Amap / Gaode (GCJ-02)",
        },
    ),
    "zh_many": (
        "?layer=pop_65plus_share&level=prefecture&area=region:panxi&scheme=equal_interval&k=4&palette=Blues"
        "&basemap=none",
        {
            "语言 / Language": "中文",
            "模式": "单图",
            "主题": "人口",
            "图层": "65岁及以上人口占比",
            "行政层级": "市（州）",
            "范围": "攀西经济区",
            "分级方法": "等间距",
            "分级数": ["4"],
            "配色": "Blues（顺序色带，色盲友好）",
            "底图": "无底图",
        },
    ),
    "en_year_prefecture": (
        "?lang=en&layer=townships_by_year&year=2019&area=513400&basemap=none",
        {
            "Language": "English",
            "Theme": "Township merger",
            "Layer": "Townships and sub-districts by year (2018–2023)",
            "Level": "Counties",
            "Area": "Liangshan Yi Autonomous Prefecture (513400)",
            "Year": ["2019"],
            "Basemap": "No basemap",
        },
    ),
    "en_compare": (
        "?lang=en&mode=compare&cview=scatter&layer_b=pop_65plus_share&level=prefecture&basemap=none",
        {
            "Language": "English",
            "Mode": "Compare",
            "Compare view": "Scatter (linked to the map)",
            "Layer": "People aged 60+ per township (after the merger)",
            "Layer B": "Share of population aged 65+",
            "Level": "Prefectures",
        },
    ),
}


@pytest.mark.parametrize("name", list(ADDRESSES))
def test_the_sidebar_shows_the_address_from_the_first_moment_it_is_drawn(browser, atlas_url, name):
    query, expected = ADDRESSES[name]
    tab = LocalOnlyPage(browser, viewport=(1366, 768))
    page = tab.page
    try:
        page.add_init_script(RECORDER)
        page.goto(f"{atlas_url}/{query}", wait_until="domcontentloaded")
        drawn = None
        if "mode=compare" not in query:  # a first visit's map comes before the sidebar (streamlit_app.py)
            frame = page.wait_for_selector(FOLIUM_IFRAME, timeout=FIRST_LOAD).content_frame()
            drawn = frame.wait_for_function(
                "() => !!document.querySelector('path.leaflet-interactive')"
                " && performance.timeOrigin + performance.now()",
                polling=50,
                timeout=FIRST_LOAD,
            ).json_value()
        page.locator('[data-testid="stSidebar"] [data-testid="stWidgetLabel"]').first.wait_for(timeout=FIRST_LOAD)
        # Every widget of the address drawn (Streamlit loads a widget's code when it is first needed), then quiet.
        page.wait_for_function(
            "labels => { const s = window.__states;"
            " return s.length && labels.every(l => l in s[s.length - 1].state); }",
            arg=list(expected),
            timeout=FIRST_LOAD,
        )
        wait_for_run(page, timeout_s=240, quiet_ms=2500)
        states = page.evaluate("() => window.__states")
        assert states, "no state of the sidebar was recorded"
        wrong = [
            (round(s["at"] - states[0]["at"]), label, s["state"][label], want)
            for s in states
            for label, want in expected.items()
            if label in s["state"] and s["state"][label] != want
        ]
        assert wrong == [], f"the sidebar showed other values than the address's (ms after it was drawn): {wrong}"
        final = states[-1]["state"]
        missing = [label for label in expected if label not in final]
        assert missing == [], f"widgets never drawn: {missing}; the sidebar has {sorted(final)}"
        # Usable: the first state with every widget of the address in it (all of them showing its values).
        usable = next(st["at"] for st in states if all(label in st["state"] for label in expected))
        ARTIFACTS.mkdir(exist_ok=True)
        record = ARTIFACTS / "sidebar_timing.json"
        figures = json.loads(record.read_text()) if record.exists() else {}
        after = None if drawn is None else round((usable - drawn) / 1000, 2)
        figures[name] = {"sidebar_usable_after_map_drawn_s": after}
        record.write_text(json.dumps(figures, indent=2))
        assert not tab.page_errors
    finally:
        tab.close()
