"""The page through Streamlit's AppTest: running it as a browser would, and reading back what it shows.

What the map shows is read back from what st_folium would send to the browser: the component's ``script``
argument is the map frame, ``feature_group`` the view's style table (app/webmap/pagemap.py: the geometry file, the
bounds to fit, and per pane the styles, tooltips and legend). The table is the last dataframe on the page.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

from app.webmap.site import static_dir
from tests.support import topology as topology_support

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "streamlit_app.py")
FOLIUM_COMPONENT = "streamlit_folium.st_folium"
LIANGSHAN = "513400"
LIANGSHAN_COUNTIES = {
    "西昌市",
    "会理市",
    "木里藏族自治县",
    "盐源县",
    "德昌县",
    "会东县",
    "宁南县",
    "普格县",
    "布拖县",
    "金阳县",
    "昭觉县",
    "喜德县",
    "冕宁县",
    "越西县",
    "甘洛县",
    "美姑县",
    "雷波县",
}
NO_DATA, FILTERED = "#d9d9d9", "#f2f2f2"


# --- helpers -----------------------------------------------------------------------------------
def first_visit(at: AppTest) -> AppTest:
    """A new session as a browser sees it: the first run stops below the map, and the map's first report
    (st_folium returns a value once drawn) reruns the whole page. AppTest runs no component, so that
    rerun is made here."""
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def run_app(params: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    if params:
        at.query_params.update(params)
    return first_visit(at)


def rerun(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _walk(node):
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            yield child
            yield from _walk(child)


def unknown_elements(at: AppTest, kind: str) -> list:
    return [e for e in _walk(at._tree) if type(e).__name__ == "UnknownElement" and e.type == kind]


def map_component(at: AppTest):
    """The st_folium component instance's proto (AppTest has no class for custom components)."""
    found = [e.proto for e in unknown_elements(at, "component_instance") if e.proto.component_name == FOLIUM_COMPONENT]
    assert len(found) == 1, f"expected one st_folium component, found {len(found)}"
    return found[0]


def map_args(at: AppTest) -> dict:
    return json.loads(map_component(at).json_args)


def map_payload(at: AppTest) -> dict:
    """The view's style table the map frame applies (app/webmap/pagemap.py), from feature_group_to_add."""
    script = map_args(at)["feature_group"]
    found = re.search(r"window\.atlasView = ", script)
    assert found, "expected the view's style table in feature_group_to_add"
    data, _ = json.JSONDecoder().raw_decode(script, found.end())
    return data


def view_table(at: AppTest, pane: int = 0) -> dict:
    """One pane's colours, tooltips and legend (the single map has one pane; side by side two)."""
    return map_payload(at)["panes"][pane]


def map_features(at: AppTest, pane: int = 0) -> list[dict]:
    """The GeoJSON features a pane draws: the shapes from the static file the style table names (the file the
    browser gets at that URL), each with the tooltip and style the view gives its code."""
    url = map_payload(at)["geometry"]
    assert url.startswith("/app/static/geo/"), url
    # the site folder the server serves
    topology = json.loads((static_dir() / url.removeprefix("/app/static/")).read_text(encoding="utf-8"))
    shapes = topology_support.features(topology, "regions")
    view = view_table(at, pane)
    assert set(view["styles"]) == set(view["tips"]) == {props["adcode"] for props, _ in shapes}
    return [
        {
            "type": "Feature",
            "geometry": {"type": "MultiPolygon", "coordinates": polygons},
            "properties": {"adcode": code, "tip": view["tips"][code], "style": view["styles"][code]},
        }
        for code, polygons in ((props["adcode"], polygons) for props, polygons in shapes)
    ]


def fills(at: AppTest) -> dict[str, str]:
    return {f["properties"]["adcode"]: f["properties"]["style"]["fillColor"] for f in map_features(at)}


def class_colours(at: AppTest) -> set[str]:
    return set(fills(at).values()) - {NO_DATA, FILTERED}


def table(at: AppTest) -> pd.DataFrame:
    """The data table under the map: name, code, value (its short header "数值" / "Value"), rank, … (the zones'
    table in the notes and the upload section's list of saved user layers follow it)."""
    frames = [d.value.rename(columns={"区划代码": "adcode", "Code": "adcode"}) for d in at.main.dataframe]
    shown = [df for df in frames if list(df.columns[1:3]) in (["adcode", "数值"], ["adcode", "Value"])]
    assert len(shown) == 1, [list(df.columns) for df in frames]
    return shown[0]


def table_heading(at: AppTest) -> str:
    """The layer the data table shows, from its heading ("数据表: <title>"; Markdown escapes removed)."""
    (heading,) = [m.value for m in at.main.markdown if m.value.startswith(("**数据表: ", "**Table: "))]
    return re.sub(r"\\(.)", r"\1", heading.strip("*").split(": ", 1)[1]).replace("\u200b", "")


def value_column(df: pd.DataFrame) -> str:
    return df.columns[2]  # name, adcode, value, rank, ...


def values(at: AppTest) -> pd.Series:
    df = table(at)
    return df.set_index("adcode")[value_column(df)].astype(float)


def sidebar_widget(at: AppTest, kind: str, key: str):
    return getattr(at.sidebar, kind)(key=key)


def range_slider(at: AppTest):
    sliders = [s for s in at.sidebar.slider if s.key and s.key.startswith("w_range::")]
    assert len(sliders) == 1, [s.key for s in at.sidebar.slider]
    return sliders[0]


def params(at: AppTest) -> dict[str, str]:
    return {k: (v[-1] if isinstance(v, list) else v) for k, v in at.query_params.items()}


def markdown_texts(at: AppTest) -> list[str]:
    return [m.value for m in at.main.markdown]


# --- start-up ----------------------------------------------------------------------------------
