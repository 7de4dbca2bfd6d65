"""The brief (PDF) on the plan page: a prefecture, a theme, and the plan's norm and supply; built when pressed."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from app.core.i18n import t
from app.core.plan import PlanData
from app.core.regionnames import search_label
from app.core.viewstate import ViewState
from app.export.briefrequest import BRIEF_THEMES, BriefRequest
from app.ui import cache
from app.ui.plan import cache as plan_cache
from geodata.codes import gazetteer
from layers.registry import THEMES

PREPARED = "plan_brief_prepared"  # session_state: (request, PDF bytes)


def default_area(view: ViewState) -> str:
    """The prefecture the view is about: its area, the selected region's, else the first."""
    gaz = gazetteer()
    if view.prefecture_filter:
        return view.prefecture_filter
    if view.selected and view.selected in gaz.by_code:
        d = gaz.by_code[view.selected]
        return d.adcode if d.level == "prefecture" else d.parent_adcode
    return gaz.current("prefecture")[0].adcode


def brief_section(view: ViewState, plan: PlanData) -> None:
    lang = view.lang
    with st.expander(t("plan_brief", lang)):
        st.caption(t("plan_brief_hint", lang))
        prefectures = [d.adcode for d in gazetteer().current("prefecture")]
        left, right = st.columns(2)
        area = left.selectbox(
            t("plan_brief_area", lang),
            prefectures,
            index=prefectures.index(default_area(view)),
            format_func=lambda c: search_label(c, lang),
            key="plan_brief_area",
        )
        theme_default = plan.norm.theme if plan.norm.theme in BRIEF_THEMES else BRIEF_THEMES[0]
        theme = right.selectbox(
            t("theme", lang),
            BRIEF_THEMES,
            index=BRIEF_THEMES.index(theme_default),
            format_func=lambda th: THEMES[th][1 if lang == "en" else 0],
            key="plan_brief_theme",
        )
        request = BriefRequest(
            area=str(area),
            lang=lang,
            theme=str(theme),
            plan=view if plan.supply is not None else None,
            date=dt.date.today(),
        )
        if plan.supply is None:
            st.caption(t("brief_no_plan", lang))
        prepared = st.session_state.get(PREPARED)
        if prepared is not None and prepared[0] != request:
            st.session_state.pop(PREPARED)  # another prefecture, theme or plan: the file no longer belongs
            prepared = None
        if st.button(t("plan_brief_prepare", lang), key="plan_brief_prepare"):
            with st.spinner(t("plan_brief_prepare", lang)):
                # Loaded when a brief is made: matplotlib and the PDF backend would add ~1.5 s of CPU to every
                # page's start-up for a button few sessions press.
                from app.export.brief import build_brief

                pdf = build_brief(
                    request,
                    cache.registry(),
                    plan_cache.catalogue(),
                    plan_cache.facility_sets(),
                    cache.boundaries("county", "web", "wgs84"),
                )
            prepared = (request, pdf)
            st.session_state[PREPARED] = prepared
        if prepared is not None:
            st.download_button(
                t("plan_brief_download", lang),
                prepared[1],
                file_name=f"brief_{request.area}_{request.theme}_{lang}.pdf",
                mime="application/pdf",
                key="plan_brief_download",
                on_click="ignore",  # a download changes nothing on the page: no rerun
            )
