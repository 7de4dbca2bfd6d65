"""The sidebar in plan mode: norm, supply, township list, what the map shows, level, area, classes, basemap.

Drawn by :func:`app.ui.sidebar.read_sidebar` when the mode is 规划 / Plan, with the same helpers (labels in either
language map back to their options; see that module's docstring), and it writes the address like every view.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from app.core.basemaps import BASEMAPS
from app.core.i18n import t
from app.core.plan import sanitise_plan, supply_ids
from app.core.viewstate import DEFAULT, PLAN_SHOWS, Notice, ViewState, to_query_params
from app.ui.plan import cache as plan_cache
from app.ui.plan.norms_panel import PENDING_NORM
from app.ui.sidebar import (
    PENDING_SUPPLY,
    _area_label,
    _basemap_label,
    _choice,
    _level_label,
    _parse_breaks,
    _scheme_label,
)
from geodata.codes import gazetteer
from geodata.regions import ECONOMIC_REGIONS
from layers import Registry
from layers.classify import MAX_CLASSES, MIN_CLASSES, SCHEMES
from layers.groups import GROUPS
from layers.norms import LIST_DATES, PLAN_YEARS, NormCatalogue

# The single view's widgets are not drawn in plan mode; Streamlit drops a widget's value when it is not drawn,
# so they are kept (re-saved each run) and the single view comes back as it was left.
KEPT_KEYS = ("w_theme", "w_layer", "w_norm", "w_year", "w_palette", "w_reverse", "w_cview", "w_layer_b", "w_norm_b")


def norm_label(catalogue: NormCatalogue):
    def label(norm_id: str, lang: str) -> str:
        norm = catalogue.get(norm_id)
        extra = "" if norm.computable else t("plan_not_computable", lang)
        extra += t("plan_planner_norm", lang) if norm.planner else ""
        return norm.title(lang) + extra

    return label


def supply_label(registry: Registry, catalogue: NormCatalogue):
    sets = plan_cache.facility_sets()

    def label(layer_id: str, lang: str) -> str:
        if not layer_id:
            return t("plan_no_supply", lang)
        layer = registry.get(layer_id)
        spec = layer.spec
        facility = sets.get(getattr(spec, "store_id", -1))
        kind = f" · {catalogue.facility_title(facility.facility_type, lang)}" if facility is not None else ""
        return f"{layer.title(lang)}{kind} ({layer_id})"

    return label


def plan_controls(registry: Registry, lang: str) -> ViewState:
    """Draw the plan sidebar (below the language and mode) and return its view; writes the address."""
    sb = st.sidebar
    for key in KEPT_KEYS:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]
    catalogue = plan_cache.catalogue()
    notices: list[Notice] = st.session_state.setdefault("notices", [])
    if st.session_state.pop("_plan_from_url", False):
        # The address's norm and supply, before the widgets settle them: what cannot be used gets a notice.
        asked = replace(
            DEFAULT,
            plan_norm=str(st.session_state.get("w_pnorm", DEFAULT.plan_norm)),
            plan_supply=str(st.session_state.get("w_psupply", "")),
        )
        sanitise_plan(asked, catalogue, registry, plan_cache.facility_sets(), notices)
    norms = list(catalogue.norms)
    if st.session_state.get(PENDING_NORM) in norms:  # a norm just added on the page
        st.session_state.w_pnorm = st.session_state.pop(PENDING_NORM)
    norm_id = _choice(
        "selectbox", "w_pnorm", t("plan_norm", lang), norms, norm_label(catalogue), lang, DEFAULT.plan_norm
    )
    norm = catalogue.get(norm_id)
    supplies = ["", *supply_ids(registry, plan_cache.facility_sets(), norm)]
    if st.session_state.get(PENDING_SUPPLY) in supplies:
        st.session_state.w_psupply = st.session_state.pop(PENDING_SUPPLY)
    supply = _choice(
        "selectbox", "w_psupply", t("plan_supply", lang), supplies, supply_label(registry, catalogue), lang, ""
    )
    if len(supplies) == 1:
        sb.caption(t("plan_none_offered", lang))
    year = int(
        _choice(
            "radio",
            "w_pyear",
            t("plan_year", lang),
            [str(y) for y in PLAN_YEARS],
            lambda y, lg: t("plan_year_option", lg, year=y, date=LIST_DATES[int(y)]),
            lang,
            str(DEFAULT.plan_year),
            horizontal=True,
        )
    )
    show = _choice(
        "radio",
        "w_pshow",
        t("plan_show", lang),
        list(PLAN_SHOWS),
        lambda s, lg: t(f"plan_show_{s}", lg),
        lang,
        DEFAULT.plan_show,
        horizontal=True,
        disabled=not supply,
    )
    in_prefecture = str(st.session_state.get("w_area", "all")).isdigit()
    if in_prefecture:
        st.session_state.w_level = "county"
    level = _choice(
        "radio",
        "w_level",
        t("level", lang),
        ["prefecture", "county"],
        _level_label,
        lang,
        "county",
        horizontal=True,
        disabled=in_prefecture,
    )
    areas = [
        "all",
        *(f"region:{r}" for r in ECONOMIC_REGIONS),
        *(f"group:{g}" for g in GROUPS),
        *(d.adcode for d in gazetteer().current("prefecture")),
    ]
    area = _choice("selectbox", "w_area", t("area", lang), areas, _area_label, lang, "all")
    scheme = _choice(
        "selectbox",
        "w_scheme",
        t("classification", lang),
        list(SCHEMES),
        _scheme_label,
        lang,
        "quantiles",
        persist_state="session",
    )
    k = int(st.session_state.get("w_k", DEFAULT.k))
    breaks: tuple[float, ...] = ()
    if scheme == "manual":
        breaks, problem = _parse_breaks(
            sb.text_input(t("manual_breaks", lang), key="w_breaks", persist_state="session"), lang
        )
        if problem:
            sb.error(problem)
        elif not breaks:
            sb.info(t("manual_hint", lang))
    else:
        k = sb.slider(t("classes", lang), MIN_CLASSES, MAX_CLASSES, key="w_k", persist_state="session")
    basemap = _choice(
        "selectbox", "w_basemap", t("basemap", lang), list(BASEMAPS), _basemap_label, lang, DEFAULT.basemap
    )
    view = ViewState(
        lang=lang,
        mode="plan",
        level=level,
        area=area,
        scheme=scheme if scheme != "manual" or breaks else "quantiles",
        k=k,
        breaks=breaks,
        basemap=basemap,
        selected=st.session_state.get("selected"),
        layer=st.session_state.get("_layer", DEFAULT.layer),
        plan_norm=norm_id,
        plan_supply=supply,
        plan_year=year,
        plan_show=show,
    )
    view = sanitise_plan(view, catalogue, registry, plan_cache.facility_sets())
    sb.caption(t("share_link", lang))
    params = to_query_params(view)
    if params != st.query_params.to_dict():
        st.query_params.from_dict(params)
    st.session_state["_written_params"] = params
    return view
