"""The sidebar: widgets in, one frozen :class:`ViewState` out. The URL is read once per session.

Streamlit sends a selectbox's or radio's value between browser and server as its *displayed label*, not as
the option behind it. When the language changes, the browser keeps sending the old-language label until the
server tells it the new one; a stale label is not an option, so it reaches callbacks and the script as a raw
string (this crashed the page, issue 8). Hence: no on_change callbacks (layer changes are detected in the
script by comparing with the previous run), every labelled widget's value is mapped back to its option before
the widget is drawn (from a label in either language), and a language change re-sends every labelled value
so that the browser adopts the new labels at once.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any, cast

import streamlit as st

from app.core import markup
from app.core.basemaps import BASEMAPS
from app.core.compareviews import VIEWS
from app.core.i18n import t
from app.core.mapdata import effective_layer, normalisation_text
from app.core.palettes import PALETTES
from app.core.regionnames import search_label
from app.core.viewstate import (
    CHANGE_KINDS,
    DEFAULT,
    HOTSPOT_KINDS,
    HOTSPOT_THRESHOLDS,
    LANGS,
    MODES,
    Notice,
    ViewState,
    area_label,
    compare_layer_ids,
    compare_view_ids,
    from_query_params,
    sanitise,
    to_query_params,
)
from app.ui import cache
from app.ui.streamlit_internals import is_history_navigation
from geodata.codes import gazetteer
from geodata.regions import ECONOMIC_REGIONS
from layers import Registry
from layers.bivariate import BIVARIATE_PALETTES, PALETTE_NAMES, QUADRANTS, parse_threshold
from layers.classify import MAX_CLASSES, MIN_CLASSES, SCHEMES
from layers.groups import GROUPS
from layers.model import Layer
from layers.registry import THEMES

# Widgets whose option labels depend on the language (see the module docstring).
LABELLED_KEYS = (
    "w_mode",
    "w_cview",
    "w_theme",
    "w_layer",
    "w_level",
    "w_area",
    "w_norm",
    "w_layer_b",
    "w_norm_b",
    "w_bpal",
    "w_quad",
    "w_hs",
    "w_chg",
    "w_scheme",
    "w_palette",
    "w_basemap",
    "w_pnorm",
    "w_psupply",
    "w_pyear",
    "w_pshow",
)
# The page's other choices whose options are shown in the page's language (exports, uploads, the plan's forms):
# selectboxes and radios made without a default (Streamlit warns when a widget given a default also has its value
# assigned); a button's or uploader's value cannot be assigned at all.
PAGE_LABELLED_KEYS = (
    "atlas_upload_encoding",
    "atlas_upload_mode",
    "compare_export_dpi",
    "compare_export_format",
    "compare_export_paper",
    "export_datum",
    "export_dpi",
    "export_format",
    "export_paper",
    "pn_age",
    "pn_per",
    "pn_type",
    "uf_facility_type",
    "uf_per_capita",
    "ut_kind",
    "ut_level",
    "ut_target",
)
Label = Callable[[str, str], str]  # (option, lang) -> label
ValueRange = Callable[[ViewState], tuple[float | None, float | None]]  # (min, max) of the data shown


SHOW_LAYER = "atlas_show_layer"  # a layer the next run's sidebar shows: one a planner has just saved
PENDING_SUPPLY = "atlas_pending_supply"  # in the plan view, a facility list just saved becomes the plan's supply


def show_layer_next(layer_id: str, level: str) -> None:
    """After saving a layer: the next run's sidebar (drawn before anything else) switches the map to it."""
    st.session_state[SHOW_LAYER] = (layer_id, level)


def _apply_show_layer(registry: Registry) -> None:
    shown = st.session_state.pop(SHOW_LAYER, None)
    if shown is None or shown[0] not in registry:
        return
    layer = registry.get(shown[0])
    if st.session_state.get("w_mode") == "plan":  # the planner stays in the plan view, on the list just saved
        st.session_state[PENDING_SUPPLY] = layer.id
        return
    st.session_state.update(w_theme=layer.theme, w_layer=layer.id, w_level=shown[1], w_area="all", w_mode="single")


def init_from_url(registry: Registry) -> ViewState | None:
    """Seed every widget from the address, remembering what was invalid: on the first run of a session, and
    after Back/Forward. Streamlit pushes a browser history entry for every view the sidebar writes to the
    address; Back/Forward rerun the script with an older address, and re-reading it here is what makes them
    step through the views (issue 8 item 7). Only a history navigation counts: a rerun requested while the
    previous run is still under way also carries an older address, and must not undo the newer view.

    Returns the address's view when it seeded the widgets (the view the sidebar is about to show), else None."""
    address = st.query_params.to_dict()
    if st.session_state.get("_initialised") and (
        not is_history_navigation() or address == st.session_state.get("_written_params", address)
    ):
        return None
    # Every value of a repeated parameter, so that the notice can say which one counts (to_dict keeps the last).
    view, notices = from_query_params({key: st.query_params.get_all(key) for key in address}, registry)
    layer = registry.get(view.layer)
    for key in [k for k in st.session_state if str(k).startswith("w_range::")]:
        del st.session_state[key]  # so that the address's min/max apply (see _initial_range)
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
            "w_year": view.year,
            "_layer": view.layer,
            "_palettes": {view.layer: view.palette or layer.palette},
            "w_mode": view.mode,
            "w_layer_b": view.layer_b,
            "w_norm_b": view.norm_b,
            "w_cview": view.compare_view,
            "w_bpal": view.biv_palette,
            "w_bbreaks_a": ",".join(f"{b:g}" for b in view.biv_breaks_a),
            "w_bbreaks_b": ",".join(f"{b:g}" for b in view.biv_breaks_b),
            "w_quad": view.quadrant,
            "w_thr_a": view.thr_a,
            "w_thr_b": view.thr_b,
            "w_log_x": "x" in view.log_axes,
            "w_log_y": "y" in view.log_axes,
            "w_hs": view.hs_kind,
            "w_hs_p": view.hs_p,
            "w_year_from": view.year_from,
            "w_chg": view.change,
            "w_pnorm": view.plan_norm,
            "w_psupply": view.plan_supply,
            "w_pyear": str(view.plan_year),
            "w_pshow": view.plan_show,
            "_plan_from_url": True,  # the plan sidebar checks the address's norm and supply once (app/ui/plan)
        }
    )
    return view


# --- option labels, one function per labelled widget --------------------------------------------
def _theme_label(th: str, lang: str) -> str:
    return THEMES[th][1 if lang == "en" else 0]


def _level_label(level: str, lang: str) -> str:
    return t(level, lang)


def _area_label(a: str, lang: str) -> str:
    return area_label(a, lang, search_label)


def _mode_label(mode: str, lang: str) -> str:
    return t(f"mode_{mode}", lang)


def _cview_label(view_id: str, lang: str) -> str:
    return VIEWS[view_id].title(lang)


def _scheme_label(s: str, lang: str) -> str:
    return SCHEMES[s][1 if lang == "en" else 0]


def _palette_label(n: str, lang: str) -> str:
    p = PALETTES[n]
    kind = t(f"palette_{p.kind}", lang)
    if lang == "zh":
        return f"{n}（{kind}{'，' + t('cb_safe', lang) if p.colourblind_safe else ''}）"
    return f"{n} ({kind}{', ' + t('cb_safe', lang) if p.colourblind_safe else ''})"


def _basemap_label(b: str, lang: str) -> str:
    return BASEMAPS[b].label(lang)


def _layer_label(registry: Registry) -> Label:
    return lambda i, lang: registry.get(i).title(lang)


def _layer_option(registry: Registry) -> Label:
    """The layer list's options: whole titles (radio options wrap; a selectbox cuts them, and 合并前 / 合并后 /
    合并后增加 differ only at the end), as literal text (radio options render Markdown; a title may be a
    planner's)."""
    return lambda i, lang: markup.escape(registry.get(i).title(lang))


def _norm_label(registry: Registry) -> Label:
    """Radio options render Markdown, and a layer title is data (an uploaded layer's title is the user's)."""

    def label(n: str, lang: str) -> str:
        return markup.escape(normalisation_text(registry, n, lang))

    return label


def _settle(key: str, options: list[str], label: Label, default: str | None = None) -> str:
    """Make the widget's stored value one of ``options`` before the widget is drawn and return it.

    A stale label (in either language) maps back to its option; anything else falls back to ``default``.
    """
    value = st.session_state.get(key)
    if value not in options:
        by_label = {label(o, lang): o for o in options for lang in LANGS}
        value = by_label.get(value) if isinstance(value, str) else None
        if value is None:
            value = default if default in options else options[0]
        st.session_state[key] = value
    return value


def _choice(
    kind: str, key: str, text: str, options: Sequence[str], label: Label, lang: str, default: str | None, **widget: Any
) -> str:
    """A selectbox or radio (``kind``) over ``options`` shown by ``label`` in ``lang``: its stored value settled
    first (:func:`_settle`), so the widget returns one of ``options``."""
    _settle(key, list(options), label, default)
    return str(getattr(st.sidebar, kind)(text, options, key=key, format_func=lambda o: label(o, lang), **widget))


def _resend_labels() -> None:
    """After a language change: assign every labelled widget its own value, which makes Streamlit send the
    value (as its new label) to the browser, so the browser stops holding the old-language label."""
    for key in list(st.session_state):
        if key in LABELLED_KEYS or key in PAGE_LABELLED_KEYS:
            st.session_state[key] = st.session_state[key]


def _parse_breaks(text: str, lang: str) -> tuple[tuple[float, ...], str | None]:
    out = []
    for part in text.replace("，", ",").split(","):
        part = part.strip()
        if not part:
            continue
        try:
            value = float(part)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            msg = (
                f"手动断点中的 {markup.code(part)} 不是数字；请用逗号分隔数字，例如 1000,5000"
                if lang == "zh"
                else f"manual break {markup.code(part)} is not a number; separate numbers with commas, e.g. 1000,5000"
            )
            return (), msg
        out.append(value)
    return tuple(sorted(set(out))), None


def _fmt(x: float) -> str:
    return f"{x:,.10g}"


PlanControls = Callable[[Registry, str], ViewState]  # (registry, lang) -> the plan view (app/ui/plan/sidebar.py)


def read_sidebar(registry: Registry, value_range: ValueRange, plan_controls: PlanControls | None = None) -> ViewState:
    """Draw the sidebar and return the view it describes. ``value_range(view)`` gives (min, max) of the data;
    ``plan_controls`` draws the rest of the sidebar in plan mode."""
    sb = st.sidebar
    _apply_show_layer(registry)
    lang = sb.radio(
        t("language", st.session_state.get("w_lang", "zh")),
        LANGS,
        key="w_lang",
        horizontal=True,
        format_func=lambda x: {"zh": "中文", "en": "English"}[x],
    )
    if st.session_state.get("_lang") not in (None, lang):
        _resend_labels()
    st.session_state["_lang"] = lang
    mode = _choice("radio", "w_mode", t("mode", lang), MODES, _mode_label, lang, "single", horizontal=True)
    if mode == "plan" and plan_controls is not None:
        return plan_controls(registry, lang)
    compare_view = DEFAULT.compare_view
    if mode == "compare":
        views = list(compare_view_ids())
        compare_view = _choice("radio", "w_cview", t("compare_view", lang), views, _cview_label, lang, compare_view)
        sb.markdown(f"**{t('layer_a', lang)}**")

    themes = [th for th in THEMES if registry.list_layers(theme=th)]
    theme = _choice("selectbox", "w_theme", t("theme", lang), themes, _theme_label, lang, None)

    layer_ids = [layer.id for layer in registry.list_layers(theme=theme)]
    previous = st.session_state.get("_layer")
    # A new theme starts at its first layer; a stale label of the current layer maps back to it.
    layer_id = _choice("radio", "w_layer", t("layer", lang), layer_ids, _layer_option(registry), lang, previous)
    layer = registry.get(layer_id)
    if previous is not None and layer_id != previous:
        _enter_layer(registry, layer)  # before the widgets it settles are drawn
    st.session_state["_layer"] = layer_id

    area_reset = False
    if str(st.session_state.get("w_area", "all")).isdigit():
        if "county" in layer.levels:
            st.session_state.w_level = "county"  # a prefecture's area shows its counties
        else:
            # A prefecture-level-only layer cannot be shown inside one prefecture; the view falls back
            # to the whole province (viewstate.sanitise), and the area widget has to say so too.
            st.session_state.w_area = "all"
            area_reset = True
    levels = list(layer.levels)
    in_prefecture = str(st.session_state.get("w_area", "all")).isdigit()
    level = _choice(
        "radio",
        "w_level",
        t("level", lang),
        levels,
        _level_label,
        lang,
        None,
        horizontal=True,
        disabled=in_prefecture and len(levels) > 1,
    )
    if in_prefecture and len(levels) > 1:
        sb.caption(t("level_fixed_in_prefecture", lang))

    gaz = gazetteer()
    areas = [
        "all",
        *(f"region:{r}" for r in ECONOMIC_REGIONS),
        *(f"group:{g}" for g in GROUPS),
        *(d.adcode for d in gaz.current("prefecture")),
    ]
    area = _choice("selectbox", "w_area", t("area", lang), areas, _area_label, lang, "all")
    if area_reset:
        sb.info(t("area_reset_prefecture_only", lang))

    norm = _norm_control(registry, layer.normalise_by, "w_norm", t("normalisation", lang), lang)

    year = None
    if layer.years:
        years = list(layer.years)
        if st.session_state.get("w_year") not in years:
            st.session_state.w_year = years[-1]
        year = sb.select_slider(t("year", lang), years, key="w_year")
    view = sanitise(ViewState(lang=lang, layer=layer_id, level=level, area=area, norm=norm, year=year), registry)
    if mode == "compare":
        view = _layer_b_controls(registry, replace(view, mode=mode, compare_view=compare_view))

    if not layer.is_categorical:
        view = _numeric_controls(view, value_range, effective_layer(registry, view))

    palettes = [p.name for p in PALETTES.values() if (p.kind == "qualitative") == layer.is_categorical]
    palette = _choice("selectbox", "w_palette", t("palette", lang), palettes, _palette_label, lang, layer.palette)
    st.session_state.setdefault("_palettes", {})[layer_id] = palette
    reverse = sb.checkbox(t("reverse", lang), key="w_reverse")
    basemaps = list(BASEMAPS)
    basemap = _choice("selectbox", "w_basemap", t("basemap", lang), basemaps, _basemap_label, lang, DEFAULT.basemap)
    view = replace(
        view,
        mode=mode,
        compare_view=compare_view,
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
    st.session_state["_written_params"] = params
    return view


def _norm_control(registry: Registry, normalise_by: Sequence[str], key: str, label: str, lang: str) -> str:
    """A layer's normalisation radio (absolute or per each denominator); "absolute" when it has none."""
    options = ["absolute", *normalise_by]
    norm_label = _norm_label(registry)
    _settle(key, options, norm_label, "absolute")
    if len(options) == 1:
        return "absolute"
    return str(st.sidebar.radio(label, options, key=key, format_func=lambda n: norm_label(n, lang)))


def _layer_b_controls(registry: Registry, view: ViewState) -> ViewState:
    """Compare mode: layer B (any numeric layer of the level) and its normalisation."""
    sb, lang = st.sidebar, view.lang
    options = compare_layer_ids(registry, view.level)
    layer_label = _layer_label(registry)
    layer_b = _choice("selectbox", "w_layer_b", t("layer_b", lang), options, layer_label, lang, DEFAULT.layer_b)
    norm_b = _norm_control(registry, registry.get(layer_b).normalise_by, "w_norm_b", t("normalisation_b", lang), lang)
    view = replace(view, layer_b=layer_b, norm_b=norm_b)
    view = _compare_options(view)
    sb.markdown(f"**{t('both_layers', lang)}**")
    return view


def _bivariate_palette_label(name: str, lang: str) -> str:
    return PALETTE_NAMES[name][1 if lang == "en" else 0]


def _quadrant_label(q: str, lang: str) -> str:
    return t(f"quad_{q}", lang)


def _two_breaks(key: str, label: str, lang: str) -> tuple[float, ...]:
    """Two manual breaks of a bivariate axis, or () for terciles; a wrong entry is named and ignored."""
    breaks, problem = _parse_breaks(st.sidebar.text_input(label, key=key, persist_state="session"), lang)
    if problem:
        st.sidebar.error(problem)
        return ()
    if breaks and len(breaks) != 2:
        st.sidebar.error(t("two_breaks_needed", lang, n=len(breaks)))
        return ()
    return breaks


def _threshold(key: str, label: str, lang: str) -> str:
    text = st.sidebar.text_input(label, key=key, persist_state="session").strip()
    try:
        parse_threshold(text)
    except ValueError:
        st.sidebar.error(t("bad_threshold", lang, value=markup.code(text)))
        return DEFAULT.thr_a
    return text


def _compare_options(view: ViewState) -> ViewState:
    """The chosen compare view's own options (drawn only for that view; their values are kept meanwhile)."""
    sb, lang = st.sidebar, view.lang
    if view.compare_view in ("bivariate", "scatter"):
        palettes = list(BIVARIATE_PALETTES)
        palette = _choice(
            "selectbox",
            "w_bpal",
            t("bivariate_palette", lang),
            palettes,
            _bivariate_palette_label,
            lang,
            DEFAULT.biv_palette,
            persist_state="session",
        )
        breaks_a = _two_breaks("w_bbreaks_a", t("bivariate_breaks", lang, axis="A"), lang)
        breaks_b = _two_breaks("w_bbreaks_b", t("bivariate_breaks", lang, axis="B"), lang)
        view = replace(view, biv_palette=palette, biv_breaks_a=breaks_a, biv_breaks_b=breaks_b)
    if view.compare_view == "scatter":
        log_x = sb.checkbox(t("log_x", lang), key="w_log_x", persist_state="session")
        log_y = sb.checkbox(t("log_y", lang), key="w_log_y", persist_state="session")
        view = replace(view, log_axes=("x" if log_x else "") + ("y" if log_y else ""))
    if view.compare_view == "gaps":
        quadrant = _choice(
            "selectbox",
            "w_quad",
            t("quadrant", lang),
            QUADRANTS,
            _quadrant_label,
            lang,
            DEFAULT.quadrant,
            persist_state="session",
        )
        sb.caption(t("threshold_hint", lang))
        thr_a = _threshold("w_thr_a", t("threshold", lang, axis="A"), lang)
        thr_b = _threshold("w_thr_b", t("threshold", lang, axis="B"), lang)
        view = replace(view, quadrant=quadrant, thr_a=thr_a, thr_b=thr_b)
    if view.compare_view in ("hotspots", "year_change"):
        view = _hotspot_and_year_options(view)
    return view


def _enter_layer(registry: Registry, layer: Layer) -> None:
    """The user moved to another layer: its palette (the one last chosen on it, else its own), and a level and
    normalisation it offers. Classification settings are left alone (a categorical layer has none)."""
    st.session_state.w_palette = st.session_state.get("_palettes", {}).get(layer.id, layer.palette)
    if st.session_state.get("w_level") not in layer.levels:
        st.session_state.w_level = layer.levels[0]
    if st.session_state.get("w_norm") not in ("absolute", *layer.normalise_by):
        st.session_state.w_norm = "absolute"


def _numeric_controls(view: ViewState, value_range: ValueRange, shown: Layer) -> ViewState:
    """Value filter, classification, class count and manual breaks of a numeric layer.

    These widgets are not drawn on categorical layers; ``persist_state="session"`` keeps their values meanwhile.
    """
    sb, lang = st.sidebar, view.lang
    lo, hi = value_range(view)
    unit = shown.unit(lang)
    if lo is not None and hi is not None and hi > lo:
        step = _step(lo, hi)
        decimals = 0 if shown.kind == "count" else max(0, min(3, -math.floor(math.log10(step))))
        key = f"w_range::{view.layer}::{view.level}::{view.norm}::{view.area}"
        if key not in st.session_state:
            st.session_state[key] = _initial_range(lo, hi)
        else:  # a kept value from an earlier visit, clamped in case the data changed
            a, b = st.session_state[key]
            st.session_state[key] = (min(max(a, lo), hi), max(min(b, hi), lo))
        label = t("value_filter", lang)
        if unit:
            label += f"（{unit}）" if lang == "zh" else f" ({unit})"
        # sprintf-style, as the browser prints it: thousands separators and the slider's precision. The unit is in the
        # label: after each thumb's figure it was cut at the sidebar's edge ("10,038 persons per tow…"); a % stays.
        number = f"%,.{decimals}f" + ("%%" if unit == "%" else "")
        chosen = cast(  # a range: the value in session state is a pair
            "tuple[float, float]",
            sb.slider(
                label,
                min_value=float(lo),
                max_value=float(hi),
                key=key,
                step=step,
                format=number,
                persist_state="session",
            ),
        )
        view = replace(view, vmin=chosen[0] if chosen[0] > lo else None, vmax=chosen[1] if chosen[1] < hi else None)

    schemes = list(SCHEMES)
    scheme = _choice(
        "selectbox",
        "w_scheme",
        t("classification", lang),
        schemes,
        _scheme_label,
        lang,
        "quantiles",
        persist_state="session",
    )
    breaks: tuple[float, ...] = ()
    if scheme == "manual":
        # The breaks set the classes; the class-count slider would do nothing, so it is not shown.
        k = int(st.session_state.get("w_k", 5))
        sb.caption(t("manual_sets_classes", lang))
        breaks, problem = _parse_breaks(
            sb.text_input(t("manual_breaks", lang), key="w_breaks", persist_state="session"), lang
        )
        if problem:
            sb.error(problem)
        elif not breaks:
            sb.info(t("manual_hint", lang))
        elif lo is not None and hi is not None:
            outside = [b for b in breaks if not lo <= b < hi]
            if outside:
                sb.warning(
                    t(
                        "breaks_outside_input",
                        lang,
                        breaks=", ".join(_fmt(b) for b in outside),
                        lo=_fmt(lo),
                        hi=_fmt(hi),
                    )
                )
    else:
        k = sb.slider(t("classes", lang), MIN_CLASSES, MAX_CLASSES, key="w_k", persist_state="session")
    return replace(view, scheme=scheme, k=k, breaks=breaks)


def _initial_range(lo: float, hi: float) -> tuple[float, float]:
    """The full data range, narrowed by ``min``/``max`` from the address, clamped into the data with a notice."""
    url_lo, url_hi = st.session_state.pop("url_range", (None, None))
    notices: list[Notice] = st.session_state.setdefault("notices", [])
    out = []
    for key, asked, default in (("min", url_lo, lo), ("max", url_hi, hi)):
        if asked is None:
            out.append(default)
            continue
        value = min(max(asked, lo), hi)
        if value != asked:
            notices.append(
                Notice("range_clamped", (("key", key), ("value", _fmt(asked)), ("lo", _fmt(lo)), ("hi", _fmt(hi))))
            )
        out.append(value)
    return out[0], out[1]


def _step(lo: float, hi: float) -> float:
    span = hi - lo
    step = 10 ** (len(str(int(span))) - 3) if span >= 100 else span / 100
    return float(step)


def _hotspot_and_year_options(view: ViewState) -> ViewState:
    """Hot spots: univariate or bivariate, and the significance threshold. Change between years: the first
    year (the year slider above gives the second) and absolute or per-cent change."""
    sb, lang = st.sidebar, view.lang
    if view.compare_view == "hotspots":
        kind = _choice(
            "radio",
            "w_hs",
            t("hs_kind", lang),
            HOTSPOT_KINDS,
            lambda k, lg: t(f"hs_kind_{k}", lg),
            lang,
            DEFAULT.hs_kind,
            persist_state="session",
        )
        if st.session_state.get("w_hs_p") not in HOTSPOT_THRESHOLDS:
            st.session_state.w_hs_p = DEFAULT.hs_p
        threshold = sb.select_slider(
            t("hs_threshold", lang), HOTSPOT_THRESHOLDS, key="w_hs_p", format_func=lambda p: f"p < {p:g}"
        )
        return replace(view, hs_kind=kind, hs_p=float(threshold))
    years = list(_series_years(view))
    if not years:
        return view
    if st.session_state.get("w_year_from") not in years:
        st.session_state.w_year_from = years[0]
    year_from = sb.select_slider(t("year_from", lang), years, key="w_year_from")
    change = _choice(
        "radio",
        "w_chg",
        t("year_change_kind", lang),
        CHANGE_KINDS,
        lambda k, lg: t(f"change_{k}", lg),
        lang,
        DEFAULT.change,
        persist_state="session",
    )
    return replace(view, year_from=int(year_from), change=change)


def _series_years(view: ViewState) -> tuple[int, ...]:
    return cache.registry().get(view.layer).years
