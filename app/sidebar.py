"""The sidebar: widgets in, one frozen :class:`ViewState` out. The URL is read once per session."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from app.basemaps import BASEMAPS
from app.i18n import t
from app.palettes import PALETTES
from app.regionnames import search_label
from app.viewstate import LANGS, ViewState, from_query_params, sanitise, to_query_params
from geodata.codes import gazetteer
from geodata.regions import ECONOMIC_REGIONS
from layers import Registry
from layers.classify import MAX_CLASSES, MIN_CLASSES, SCHEMES
from layers.groups import GROUPS
from layers.registry import THEMES


def init_from_url(registry: Registry) -> None:
    """First run of a session: seed every widget from the address, remembering what was invalid."""
    if st.session_state.get("_initialised"):
        return
    view, notices = from_query_params(st.query_params.to_dict(), registry)
    layer = registry.get(view.layer)
    st.session_state.update(
        {
            "_initialised": True,
            "notices": notices,
            "url_range": (view.vmin, view.vmax),
            "w_lang": view.lang,
            "w_theme": layer.theme,
            "w_layer": view.layer,
            "w_level": view.level,
            "w_area": view.area,
            "w_norm": view.norm,
            "w_scheme": view.scheme,
            "w_k": view.k,
            "w_breaks": ",".join(f"{b:g}" for b in view.breaks),
            "w_palette": view.palette or layer.palette,
            "w_reverse": view.reverse,
            "w_basemap": view.basemap,
            "selected": view.selected,
        }
    )


def _on_theme_change(registry: Registry) -> None:
    layers = registry.list_layers(theme=st.session_state.w_theme)
    st.session_state.w_layer = layers[0].id
    _on_layer_change(registry)


def _on_layer_change(registry: Registry) -> None:
    layer = registry.get(st.session_state.w_layer)
    st.session_state.w_palette = layer.palette
    if st.session_state.w_level not in layer.levels:
        st.session_state.w_level = layer.levels[0]
    if st.session_state.w_norm not in ("absolute", *layer.normalise_by):
        st.session_state.w_norm = "absolute"


def _parse_breaks(text: str, lang: str) -> tuple[tuple[float, ...], str | None]:
    out = []
    for part in text.replace("，", ",").split(","):
        part = part.strip()
        if not part:
            continue
        try:
            out.append(float(part))
        except ValueError:
            msg = (
                f"手动断点中的“{part}”不是数字；请用逗号分隔数字，例如 1000,5000"
                if lang == "zh"
                else f"manual break {part!r} is not a number; separate numbers with commas, e.g. 1000,5000"
            )
            return (), msg
    return tuple(sorted(set(out))), None


def read_sidebar(registry: Registry, value_range) -> ViewState:
    """Draw the sidebar and return the view it describes. ``value_range(view)`` gives (min, max) of the data."""
    sb = st.sidebar
    lang = sb.radio(
        t("language", "zh"),
        LANGS,
        key="w_lang",
        horizontal=True,
        format_func=lambda x: {"zh": "中文", "en": "English"}[x],
    )
    themes = [th for th in THEMES if registry.list_layers(theme=th)]
    theme = sb.selectbox(
        t("theme", lang),
        themes,
        key="w_theme",
        on_change=_on_theme_change,
        args=(registry,),
        format_func=lambda th: THEMES[th][1 if lang == "en" else 0],
    )
    layer_ids = [layer.id for layer in registry.list_layers(theme=theme)]
    if st.session_state.get("w_layer") not in layer_ids:
        st.session_state.w_layer = layer_ids[0]
        _on_layer_change(registry)
    layer_id = sb.selectbox(
        t("layer", lang),
        layer_ids,
        key="w_layer",
        on_change=_on_layer_change,
        args=(registry,),
        format_func=lambda i: registry.get(i).title(lang),
    )
    layer = registry.get(layer_id)
    if st.session_state.get("w_area", "all").isdigit():
        if "county" in layer.levels:
            st.session_state.w_level = "county"  # a prefecture's area shows its counties
        else:
            # A prefecture-level-only layer cannot be shown inside one prefecture; the view falls back
            # to the whole province (viewstate.sanitise), and the area widget has to say so too.
            st.session_state.w_area = "all"
    level = sb.radio(t("level", lang), layer.levels, key="w_level", horizontal=True, format_func=lambda x: t(x, lang))

    gaz = gazetteer()
    areas = [
        "all",
        *(f"region:{r}" for r in ECONOMIC_REGIONS),
        *(f"group:{g}" for g in GROUPS),
        *(d.adcode for d in gaz.current("prefecture")),
    ]

    def area_label(a: str) -> str:
        if a == "all":
            return t("whole_province", lang)
        if a.startswith("group:"):
            return GROUPS[a.removeprefix("group:")].name(lang)
        if a.startswith("region:"):
            r = ECONOMIC_REGIONS[a.removeprefix("region:")]
            return r.name_en if lang == "en" else r.name_zh
        return search_label(a, lang)

    area = sb.selectbox(t("area", lang), areas, key="w_area", format_func=area_label)

    norm_options = ["absolute", *layer.normalise_by]
    if st.session_state.get("w_norm") not in norm_options:
        st.session_state.w_norm = "absolute"

    def norm_label(n: str) -> str:
        if n == "absolute":
            return t("absolute", lang)
        if n == "area_km2":
            return "每千平方公里" if lang == "zh" else "per 1,000 km²"
        base = registry.get(n).title(lang)
        return f"每千{base}" if lang == "zh" else f"per 1,000 {base.lower()}"

    norm = (
        sb.radio(t("normalisation", lang), norm_options, key="w_norm", format_func=norm_label)
        if len(norm_options) > 1
        else "absolute"
    )

    view = sanitise(ViewState(lang=lang, layer=layer_id, level=level, area=area, norm=norm), registry)

    if not layer.is_categorical:
        lo, hi = value_range(view)
        if lo is not None and hi is not None and hi > lo:
            key = f"w_range::{view.layer}::{view.level}::{view.norm}::{view.area}"
            if key not in st.session_state:
                url_lo, url_hi = st.session_state.pop("url_range", (None, None))
                st.session_state[key] = (
                    max(lo, url_lo) if url_lo is not None else lo,
                    min(hi, url_hi) if url_hi is not None else hi,
                )
            chosen = sb.slider(
                t("value_filter", lang), min_value=float(lo), max_value=float(hi), key=key, step=_step(lo, hi)
            )
            view = replace(view, vmin=chosen[0] if chosen[0] > lo else None, vmax=chosen[1] if chosen[1] < hi else None)

        scheme = sb.selectbox(
            t("classification", lang),
            list(SCHEMES),
            key="w_scheme",
            format_func=lambda s: SCHEMES[s][1 if lang == "en" else 0],
        )
        k = sb.slider(t("classes", lang), MIN_CLASSES, MAX_CLASSES, key="w_k")
        breaks: tuple[float, ...] = ()
        if scheme == "manual":
            breaks, problem = _parse_breaks(sb.text_input(t("manual_breaks", lang), key="w_breaks"), lang)
            if problem:
                sb.error(problem)
            elif not breaks:
                sb.info(t("manual_hint", lang))
        view = replace(view, scheme=scheme, k=k, breaks=breaks)

    palettes = [p for p in PALETTES.values() if (p.kind == "qualitative") == layer.is_categorical]
    if st.session_state.get("w_palette") not in {p.name for p in palettes}:
        st.session_state.w_palette = palettes[0].name
    palette = sb.selectbox(
        t("palette", lang),
        [p.name for p in palettes],
        key="w_palette",
        format_func=lambda n: (
            f"{n}（{PALETTES[n].kind}{'，' + t('cb_safe', lang) if PALETTES[n].colourblind_safe else ''}）"
            if lang == "zh"
            else f"{n} ({PALETTES[n].kind}{', ' + t('cb_safe', lang) if PALETTES[n].colourblind_safe else ''})"
        ),
    )
    reverse = sb.checkbox(t("reverse", lang), key="w_reverse")
    basemap = sb.selectbox(
        t("basemap", lang), list(BASEMAPS), key="w_basemap", format_func=lambda b: BASEMAPS[b].label(lang)
    )
    view = replace(
        view,
        palette="" if palette == layer.palette else palette,
        reverse=reverse,
        basemap=basemap,
        selected=st.session_state.get("selected"),
    )
    view = sanitise(view, registry)
    sb.caption(t("share_link", lang))
    params = to_query_params(view)
    if params != st.query_params.to_dict():
        st.query_params.from_dict(params)
    return view


def _step(lo: float, hi: float) -> float:
    span = hi - lo
    step = 10 ** (len(str(int(span))) - 3) if span >= 100 else span / 100
    return float(step)
