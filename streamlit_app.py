"""Sichuan Coverage Atlas — the page script (placeholder until the map-app issue lands)."""

import streamlit as st

from geodata import load_boundaries

st.set_page_config(page_title="四川民政服务覆盖图集 Sichuan Coverage Atlas", layout="wide")
st.title("四川民政服务覆盖图集")
st.caption(f"{len(load_boundaries('county'))} 个县级行政区")
