"""A saved user layer on the page (AppTest): in the layer list, on the map and in the table, escaped, and
replaced figures shown on the next run (the caches are keyed by the store's revision)."""

from __future__ import annotations

import re

import pytest

from layers.userstore import NewLayer, UserStore
from tests.support.apptest import rerun, run_app, table, table_heading, view_table

EVIL_TITLE = "<img src=x onerror=alert(1)>床位"
EVIL_SOURCE = "<script>alert('s')</script>民政局"


@pytest.fixture
def store(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    monkeypatch.setenv("COVERAGE_ATLAS_STORE", url)
    s = UserStore(url)
    yield s
    s.engine.dispose()


def test_a_user_layer_is_an_ordinary_layer_on_the_page(store):
    rec = store.save_new(NewLayer(EVIL_TITLE, "张", "2024", EVIL_SOURCE), {"510104": 120.0, "511002": 15.0}, "t")
    at = run_app({"layer": rec.layer_id, "level": "county"})
    assert {sb.label: sb.value for sb in at.sidebar.selectbox}["主题"] == "user"
    # normalised against the census like a shipped count (beds per 1,000 aged 60+)
    assert "每千60岁及以上人口" in at.radio(key="w_norm").options
    shown = table(at).set_index("adcode")
    column = "数值"  # the layer's title (data) is the table's heading, escaped Markdown
    assert table_heading(at) == EVIL_TITLE
    assert shown.loc["510104", column] == 120 and shown.loc["511002", column] == 15
    assert shown[column].isna().sum() == 181  # no data, never zero

    payload = view_table(at)
    tip = payload["tips"]["510104"]
    assert "&lt;img src=x onerror=alert(1)&gt;床位: <b>120 张</b>" in tip
    assert "来源: &lt;script&gt;alert(&#x27;s&#x27;)&lt;/script&gt;民政局" in tip
    assert "<summary class='atlas-legend-title'>&lt;img src=x onerror=alert(1)&gt;床位</summary>" in payload["legend"]
    assert "<img" not in repr(payload) and "<script" not in repr(payload)
    markdown = [m.value for m in at.markdown] + [c.value for c in at.caption]
    shown_in_markdown = [m for m in markdown if "script" in m or "img src" in m]
    assert len(shown_in_markdown) >= 2  # the sources line and the details panel name it …
    assert not [m for m in shown_in_markdown if re.search(r"(?<!\\)<(script|img)", m)]  # … as text

    store.replace(rec.id, {"510104": 999.0}, "t")
    at = rerun(at)
    shown = table(at).set_index("adcode")
    assert shown.loc["510104", column] == 999 and shown[column].isna().sum() == 182


def test_after_saving_the_map_shows_the_new_layer(store):
    # The upload section sets the layer to show (app/ui/upload.py); the next run's sidebar switches to it.
    rec = store.save_new(NewLayer("养老床位", "张", "2024", "县民政局"), {"510104": 120.0}, "t")
    at = run_app({"layer": "pop_total", "level": "prefecture"})
    at.session_state["atlas_show_layer"] = (rec.layer_id, "county")
    at = rerun(at)
    assert at.sidebar.radio(key="w_layer").value == rec.layer_id
    assert at.sidebar.radio(key="w_level").value == "county"
    assert table_heading(at) == "养老床位" and "atlas_show_layer" not in at.session_state
