"""Compare view: gaps."""

from __future__ import annotations

import streamlit as st

from app.compare.data import CompareData
from app.viewstate import ViewState


def render(data: CompareData, view: ViewState) -> None:
    st.info("gaps")
