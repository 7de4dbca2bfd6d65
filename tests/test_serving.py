"""``coverage-atlas serve``'s cold path: what the server readies before a first session asks for it."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from app.core import mapdata
from app.ui import cache
from app.webmap import choropleth, pagemap
from tests.support.apptest import APP, map_payload

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def test_the_server_imports_the_page_modules_but_leaves_component_declarations_to_a_session():
    # A component declared outside a script run is never registered with the server: st_folium's map would be
    # missing from every page. Run in a fresh interpreter, as the server's thread does.
    code = (
        "import json, sys\n"
        "from app.ui.serving import import_page_modules\n"
        "done = import_page_modules()\n"
        "print(json.dumps({'done': done, 'loaded': sorted(m for m in sys.modules if '.' not in m)}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=300)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert {"app.ui.cache", "app.ui.panels", "app.ui.sidebar", "app.ui.upload"} <= set(result["done"])
    # the heavy libraries of the default page come with them ...
    assert {"folium", "geopandas", "sqlalchemy", "streamlit"} <= set(result["loaded"])
    # ... but not streamlit_folium, and nothing the default page's first run does not use (issue 26: mapclassify
    # brings matplotlib.pyplot and scikit-learn, scipy.stats a second of its own; the print engine, matplotlib)
    unused = {"streamlit_folium", "altair", "esda", "libpysal", "mapclassify", "sklearn", "scipy", "matplotlib"}
    assert not unused & set(result["loaded"]), unused & set(result["loaded"])


def test_after_warm_first_a_new_sessions_first_run_builds_nothing(monkeypatch):
    st.cache_resource.clear()
    cache.warm_first()

    def built(*args, **kwargs):
        raise AssertionError("the default page built something warm_first should have built")

    for module, name in (
        (cache, "load_boundaries"),
        (cache, "default_registry"),
        (cache, "with_user_layers"),
        (mapdata, "map_data"),
        (pagemap, "page_map"),
        (choropleth, "regions_file"),
        (choropleth, "view_pane"),
    ):
        monkeypatch.setattr(module, name, built)
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()  # a new session's first run: it stops below the map
    assert not at.exception, [e.value for e in at.exception]
    assert map_payload(at)["geometry"].startswith("/app/static/geo/county-")
