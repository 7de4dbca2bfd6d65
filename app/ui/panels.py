"""Page sections around the map: summary strip, details panel, ranking chart and table."""

from __future__ import annotations

import copy
import html
import time
from dataclasses import replace

import pandas as pd
import streamlit as st

from app.core.i18n import english_only, figure_text, report_indicator, t
from app.core.mapdata import (
    MapData,
    RegionFigure,
    format_value,
    region_figure,
    table_csv,
    table_notes,
    theme_profile,
    value_column,
)
from app.core.markup import escape
from app.core.regionnames import region_label, region_name, short_name
from app.core.viewstate import ViewState
from app.ui import cache
from app.ui.streamlit_internals import wait_for_rerun_request
from geodata.codes import gazetteer
from layers import Registry
from layers.annotations import local_reports, reports_for, township_changes
from layers.registry import THEMES
from layers.tables import read_datapackage
from layers.zones import contained_zones, zone_column_title, zone_figures, zone_heading

SUMMARY_IDS = (
    "township_count_before",
    "township_count_after",
    "township_reduction_pct",
    "community_elderly_complexes",
    "rural_public_care_homes",
    "children_homes",
    "child_protection_bodies",
    "social_workers",
)


# Map first (issue 22): the page's own top padding, a one-line title and a map as tall as the window allows put the
# map's top within ~150 px of a 720 px window. The map iframe's height follows the window (its content is
# 100 % of the iframe: app/webmap/choropleth.py); on a phone it leaves room to scroll past it.
# Streamlit cuts metric labels and figures with an ellipsis; at 1280 px that hid "（改革前）" and "余".
# Let them wrap, and size the figures so four fit side by side.
PAGE_CSS = """
[data-testid="stMainBlockContainer"] { padding-top: 3rem !important; padding-bottom: 3rem !important; }
[data-testid="stMain"] h1 { font-size: 1.6rem !important; line-height: 1.25 !important; padding: 0 !important; }
.atlas-caption { margin: 0; font-size: 0.875rem; line-height: 1.4; }
iframe[title="streamlit_folium.st_folium"] {
  height: clamp(420px, calc(100vh - 170px), 1100px) !important;
  height: clamp(420px, calc(100dvh - 170px), 1100px) !important;
}
@media (max-width: 640px) {
  [data-testid="stMainBlockContainer"] { padding-top: 3.9rem !important; }
  [data-testid="stMain"] h1 { font-size: 1.35rem !important; }
  .atlas-wide-only { display: none !important; }
  iframe[title="streamlit_folium.st_folium"] { height: 68vh !important; height: 68dvh !important; }
}
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] *,
[data-testid="stMetricValue"], [data-testid="stMetricValue"] *,
[data-testid="stMetricDelta"], [data-testid="stMetricDelta"] * {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
  overflow-wrap: anywhere;
}
[data-testid="stMetricValue"] { font-size: 1.6rem !important; line-height: 1.25 !important; }
/* Captions carry units, years and sources: Streamlit's grey (3.9:1 on white) is below WCAG AA's 4.5:1. */
[data-testid="stCaptionContainer"], .atlas-caption { color: #5c5b5a !important; opacity: 1 !important; }
/* The layer list: every title whole, wrapped. */
[data-testid="stSidebar"] [data-testid="stRadio"] label p { white-space: normal !important; }

/* The browser's print (Ctrl+P): title and map with its legend on one landscape page, nothing else. */
@media print {
  @page { size: A4 landscape; margin: 8mm; }
  [data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stDecoration"],
  [data-testid="stStatusWidget"], [data-testid="stToolbar"] { display: none !important; }
  [data-testid="stMain"] [data-testid="stElementContainer"]:not(:has(h1)):not(:has(iframe)),
  [data-testid="stMain"] [data-testid="stExpander"],
  [data-testid="stMain"] [data-testid="stLayoutWrapper"]:not(:has(iframe)):not(:has(h1)),
  [data-testid="stMain"] [data-testid="stHorizontalBlock"]:not(:has(iframe)),
  [data-testid="stMain"] [data-testid="stColumn"]:not(:has(iframe)) { display: none !important; }
  /* the caption under the title stays */
  [data-testid="stMain"] [data-testid="stElementContainer"]:has(h1) + [data-testid="stElementContainer"] {
    display: block !important; }
  [data-testid="stMainBlockContainer"] { padding: 0 !important; max-width: none !important; }
  [data-testid="stMain"] h1 { padding: 0 0 4px 0 !important; font-size: 1.6rem !important; }
  [data-testid="stMain"] [data-testid="stVerticalBlock"] { gap: 4px !important; }
  iframe { break-inside: avoid; height: 160mm !important; }
}
"""


def page_style(*more_css: str) -> None:
    """Page-wide CSS: the map first and as tall as the window, summary figures that wrap, print layout; and
    ``more_css`` (the uploader's words in the page's language: app/ui/upload.py)."""
    st.html(f"<style>{PAGE_CSS}{''.join(more_css)}</style>")


def lazy_expander(label: str, key: str):
    """A collapsed expander whose content is built only once it is opened (a rerun): a data grid in a closed
    expander is still sent and rendered, which held a new session's first map up."""
    return st.expander(label, key=key, on_change="rerun")


# How long the page waits after writing its map and sidebar before writing the rest (bench/page_speed.py). In
# Chromium here the browser hands a lone map message to the map's iframe and repaints within ~60 ms, but when the
# ~80 messages of the rest of the page arrive right behind it, it works through those first: a switch's new colours
# showed 0.3-0.7 s later (0.05 s of pause was not always enough, 0.15 s was).
MAP_HEAD_START_S = 0.15
# A session's first run waits at most this long for its map to be drawn before it writes the sidebar and the
# rest (bench/page_speed.py's first map): the widgets' code (~2.9 MB) loaded beside the map's held it up ~2 s.
FIRST_MAP_WAIT_S = 4.0


def map_head_start(view: ViewState) -> None:
    """After the map: on a run whose view changed (a layer switch, another palette, a click), pause so that the
    browser draws the map before the figures and tables follow. Runs that leave the view as it was (typing in
    the upload form, an export button) do not wait, nor does a session without a browser (AppTest: no request
    headers)."""
    previous = st.session_state.get("_map_view")
    st.session_state["_map_view"] = view
    if previous in (None, view) or not st.context.headers:
        return
    time.sleep(MAP_HEAD_START_S)


def await_first_map(view: ViewState) -> None:
    """A session's first run, right after its map: wait until the browser has drawn the map, at most
    :data:`FIRST_MAP_WAIT_S`. Once drawn, the map reports (st_folium returns a value), which requests a rerun;
    Streamlit stops this run for it at the next access to session state, so the loop ends there and the rerun
    writes the whole page. No wait without a browser (AppTest)."""
    st.session_state["_map_view"] = view
    if not st.context.headers:
        return
    wait_for_rerun_request(FIRST_MAP_WAIT_S, lambda: st.session_state.get("_map_view"))


def title(lang: str) -> None:
    """The page's title on one line, a one-line caption (left out on a phone), and what the address asked for that
    could not be shown."""
    st.title(t("app_title", lang), anchor=False)
    st.html(f'<p class="atlas-caption atlas-wide-only">{html.escape(t("app_caption", lang))}</p>')
    notices(lang)


def summary_strip(lang: str) -> None:
    df = cache.province_summary().set_index("id")
    # Where a layer sums the same figure from the regions, show that sum beside the published one.
    rec = cache.reconciliation()
    rec = rec[rec["published_resource"] == "seed_figures"].set_index("published_key")
    st.markdown(f"**{t('summary', lang)}**")
    cols = st.columns(4) + st.columns(4)
    for col, fid in zip(cols, SUMMARY_IDS, strict=True):
        row = df.loc[fid]
        label = english_only(str(row["indicator_en"])) if lang == "en" else str(row["indicator_zh"])
        value = figure_text(float(str(row["value"])), str(row["unit"]), lang)
        help_text = f"{escape(row['year'])} · {t('source', lang)}: {escape(row['source_' + lang])}"
        if lang == "zh":  # the article's words, quoted as printed
            help_text += f" — “{escape(row['quote'])}”"
        delta = None
        if fid in rec.index:
            r = rec.loc[fid]
            help_text += (
                f"\n\n{t('regions_sum', lang)}: {r['sum_of_regions']:,.0f} "
                f"({r['year']}, {r['layer_source_' + lang]}); {t('gap', lang)} {r['gap']:+,.0f}"
            )
            delta = f"{t('regions_sum', lang)} {r['sum_of_regions']:,.0f}"
        col.metric(label, value, delta=delta, delta_color="off", delta_arrow="off", help=help_text)
    expander = lazy_expander(t("all_figures", lang, n=len(df)), "all_figures")
    with expander:
        if not expander.open:
            return
        table = pd.DataFrame(
            {
                t("theme", lang): df["theme_en" if lang == "en" else "theme_zh"],
                t("name", lang): df["indicator_en"].map(english_only) if lang == "en" else df["indicator_zh"],
                t("figure", lang): [figure_text(v, u, lang) for v, u in zip(df["value"], df["unit"], strict=True)],
                t("year", lang): df["year"],
                t("quote", lang): df["quote"],
            }
        ).sort_values(t("theme", lang), kind="stable")
        st.dataframe(table, hide_index=True, width="stretch")
        st.caption(f"{t('source', lang)}: {escape(df['source_' + lang].iloc[0])}")


MAX_NOTICES = 20  # a crafted address can carry hundreds of unknown parameters


def notices(lang: str) -> None:
    items = st.session_state.get("notices") or []
    if items:
        lines = [f"- {n.markdown(lang)}" for n in items[:MAX_NOTICES]]
        if len(items) > MAX_NOTICES:
            lines.append(f"- … {t('more_notices', lang, n=len(items) - MAX_NOTICES)}")
        st.warning(t("notices", lang) + "\n" + "\n".join(lines))


def classification_note(data: MapData) -> None:
    """Say why the map has fewer classes than asked for (breaks outside the data, std_mean bounds beyond it)."""
    c = data.classification
    if c is None or c.k >= c.requested_k:
        return
    lang, n, k = data.view.lang, c.k, c.requested_k
    if c.dropped:
        breaks = ", ".join(f"{b:,.10g}" for b in c.dropped)
        text = t("breaks_outside", lang, breaks=escape(breaks), lo=f"{c.lower:,.6g}", hi=f"{c.upper_bounds[-1]:,.6g}")
    elif c.scheme == "std_mean":
        text = t("std_mean_fewer", lang)
    else:
        text = t("fewer_values", lang)
    st.info(t("fewer_classes", lang, n=n, k=k) + text)


def map_click(returned: dict | None) -> tuple[str, int, str] | None:
    """(adcode, click count, position) of st_folium's last click on a region, or None."""
    returned = returned or {}
    code = ((returned.get("last_active_drawing") or {}).get("properties") or {}).get("adcode")
    if not code:
        return None
    return code, int(returned.get("last_object_clicked_count") or 0), str(returned.get("last_object_clicked"))


def details_panel(registry: Registry, data: MapData, on_drill) -> None:
    """Beside the map: the clicked region's figure on the shown layer (value with unit, rank among the shown
    regions, the province's figure for reference), its profile on the theme's other layers, its parent and
    children, and the drill-down. Every layer's figure follows below the map."""
    lang, view = data.view.lang, data.view
    code = view.selected
    if not code:
        st.subheader(t("details", lang), anchor=False)
        st.caption(t("click_hint", lang))
        _province_line(data)
        return
    gaz = gazetteer()
    div = gaz.get(code)
    if div.level == "zone":
        _zone_details(registry, div, lang)
        return
    st.markdown(f"### {escape(region_name(div.adcode, lang))}")
    parent = region_name(div.parent_adcode, lang) if div.parent_adcode else "—"
    st.caption(f"{div.adcode} · {t('parent', lang)}: {escape(parent)}")
    shown = data.table[data.table["adcode"] == div.adcode]
    # A region of another level or outside the area is not ranked in this view: its figures at its own level.
    own = view if not shown.empty else replace(view, level=div.level, area="all", norm="absolute", year=None)
    layer = data.layer if not shown.empty else registry.get(view.layer)
    if div.level in layer.levels:
        _figure_beside_map(region_figure(layer, own, div.adcode), own)
    else:  # a county selected on a layer of prefectures only
        st.caption(t("no_figure_at_level", lang, level=_shown_regions(own)))
    if div.level == "prefecture" and view.level == "prefecture":
        st.button(
            t("drill_down", lang, name=short_name(div.adcode, lang)),  # a button's label: it must fit
            on_click=on_drill,
            args=(div.adcode,),
            key="drill",
            type="primary",
        )
    profile = theme_profile(registry, own, div.adcode)
    if profile:
        theme = THEMES[layer.theme][1 if lang == "en" else 0] if layer.theme in THEMES else ""
        st.markdown(f"**{escape(t('theme_profile', lang, theme=theme))}**")
        st.markdown("\n".join(f"- {escape(_profile_line(f, lang))}" for f in profile))
    if div.level == "prefecture":
        children = gaz.children(div.adcode)
        sep = ", " if lang == "en" else "、"
        st.caption(
            f"{t('children', lang)} ({len(children)}): "
            + sep.join(escape(region_name(c.adcode, lang)) for c in children)
        )
    st.button(
        t("clear_selection", lang), key="clear_selection", on_click=st.session_state.update, kwargs={"selected": None}
    )


def _figure_beside_map(figure: RegionFigure, view: ViewState) -> None:
    """The region's figure on the shown layer with unit, its rank among the shown regions, the province's figure,
    year and source."""
    lang = view.lang
    st.metric(figure.layer.title(lang), figure.text(lang))
    lines = []
    if figure.rank is not None:
        lines.append(t("rank_of", lang, rank=figure.rank, n=figure.ranked, regions=_shown_regions(view)))
    province = figure.layer.province_value()
    if province is not None:
        lines.append(f"{t('province_figure', lang)}{_colon(lang)}{format_value(province, figure.layer, lang)}")
    lines.append(
        f"{figure.layer.year_label(lang)} · {t('source', lang)}{_colon(lang)}"
        f"{figure.layer.source_text(short=True, lang=lang)}"
    )
    for line in lines:  # one caption each: no Markdown line breaks around data (tests/test_url_fuzz.py)
        st.caption(escape(line))


def _shown_regions(view: ViewState) -> str:
    """The regions a rank is among, in words: "县（市、区）", "counties of Liangshan"."""
    level = t(view.level, view.lang)
    return level.lower() if view.lang == "en" else level


def _colon(lang: str) -> str:
    return ": " if lang == "en" else "："


def _profile_line(figure: RegionFigure, lang: str) -> str:
    line = f"{figure.layer.title(lang)}{_colon(lang)}{figure.text(lang)}"
    if figure.rank is not None:
        rank = t("rank_short", lang, rank=figure.rank, n=figure.ranked)
        line += f" ({rank})" if lang == "en" else f"（{rank}）"
    return line


def _province_line(data: MapData) -> None:
    """Before a click: the province's figure on the shown layer, for reference."""
    lang = data.view.lang
    province = data.layer.province_value()
    if province is not None:
        st.metric(
            f"{t('province_figure', lang)} · {data.layer.title(lang)}",
            format_value(province, data.layer, lang),
        )
        st.caption(
            escape(
                f"{data.layer.year_label(lang)} · {t('source', lang)}: {data.layer.source_text(short=True, lang=lang)}"
            )
        )


TOWNSHIP_TYPES_EN = {"镇": "town", "乡": "township", "民族乡": "ethnic township", "街道": "sub-district"}


def details_figures(registry: Registry, data: MapData) -> None:
    """Full width below the map, so no column is cut: the selected region on every layer, with sources."""
    lang = data.view.lang
    code = data.view.selected
    if not code:
        return
    div = gazetteer().get(code)
    if div.level == "zone":  # a zone has no outline: its figures are in the panel beside the map
        return
    rows = []
    for layer in registry.list_layers(level=div.level):
        value = layer.frame(div.level).set_index("adcode").loc[div.adcode, "value"]
        rows.append(
            {
                t("layer", lang): layer.title(lang),
                t("value", lang): format_value(value, layer, lang),
                t("year", lang): layer.year_label(lang),
                t("source", lang): layer.source_text(short=True, lang=lang),
            }
        )
    # Keyed: without a key Streamlit would reuse the collapsed expander the previous run had at this position.
    with st.expander(t("all_layers", lang), expanded=True, key="details_figures"):
        st.caption(escape(region_label(div.adcode, lang)))
        st.dataframe(
            pd.DataFrame(rows),
            hide_index=True,
            width="stretch",
            column_config={
                t("layer", lang): st.column_config.TextColumn(width="large"),
                t("value", lang): st.column_config.TextColumn(width="medium"),
                t("year", lang): st.column_config.TextColumn(width="small"),
                t("source", lang): st.column_config.TextColumn(width="large"),
            },
        )
    for zone in contained_zones(div.adcode):  # 含内江经济开发区：the zone's own figures, already in the values above
        with st.expander(zone_heading(zone, lang), expanded=True):
            figures = [
                (lay.title(lang), format_value(v, lay, lang), lay.year_label(lang))
                for lay, v in zone_figures(registry, zone)
            ]
            st.dataframe(
                pd.DataFrame(figures, columns=[t(k, lang) for k in ("layer", "value", "year")]), hide_index=True
            )
    changes = township_changes(div.adcode, lang)
    if not changes.empty:
        shown = changes.assign(
            type=changes["type"].map(lambda x: TOWNSHIP_TYPES_EN.get(x, x)) if lang == "en" else changes["type"]
        )[["county_adcode", "code", "name", "type", "kind_label", "linked"]].rename(
            columns={
                "county_adcode": t("county_code", lang),
                "code": t("township_code", lang),
                "name": t("name", lang),
                "type": t("township_type", lang),
                "kind_label": t("change_kind", lang),  # merger / split / transfer / rename / new
                "linked": t("change_linked", lang),
            }
        )
        removed = shown[changes["change"] == "removed"]
        added = shown[changes["change"] == "added"]
        with st.expander(f"{t('merged_away', lang)}: {len(removed)}"):
            st.dataframe(removed, hide_index=True, width="stretch")
        with st.expander(f"{t('new_units', lang)}: {len(added)}"):
            st.dataframe(added, hide_index=True, width="stretch")
        source = read_datapackage()["township_change_counts"].sources[0].name(lang)  # the 2018 and 2021 lists
        st.caption(f"{t('source', lang)}: {escape(source)}")
    reports = reports_for(div.adcode)
    if not reports.empty:
        with st.expander(t("local_reports", lang)):
            _report_list(reports, lang)
    pilots = cache.pilot_places()
    mine = pilots[pilots["adcode"] == div.adcode]
    if not mine.empty:
        with st.expander(t("pilots", lang)):
            for r in mine.itertuples():
                st.markdown(
                    f"- {escape(r.role_en if lang == 'en' else r.role_zh)} — {escape(getattr(r, 'source_' + lang))}"
                )


def _zone_details(registry: Registry, zone, lang: str) -> None:
    """A statistical development zone has figures but no boundary: say so, and list the figures it has."""
    parent = gazetteer().by_code[zone.parent_adcode]
    st.markdown(f"### {escape(zone.name)}")
    st.button(
        t("clear_selection", lang), key="clear_selection", on_click=st.session_state.update, kwargs={"selected": None}
    )
    st.caption(f"{zone.adcode} · {t('parent', lang)}: {escape(parent.name)}")
    st.info(t("zone_explained", lang, name=escape(zone.name), parent=escape(parent.name)))
    rows = []
    for layer in registry.list_layers(level="county"):
        figures = layer.unmapped("county")
        mine = figures[figures["adcode"] == zone.adcode]
        if not mine.empty:
            rows.append(
                {
                    t("layer", lang): layer.title(lang),
                    t("value", lang): format_value(mine["value"].iloc[0], layer, lang),
                    t("year", lang): layer.year_label(lang),
                    t("source", lang): layer.source_text(short=True, lang=lang),
                }
            )
    if rows:
        with st.expander(t("all_layers", lang), expanded=True):
            st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def _report_list(reports: pd.DataFrame, lang: str) -> None:
    """Cited local figures as text, value as printed (e.g. "600+"), each with its source."""
    for r in reports.itertuples():
        label, unit = report_indicator(str(r.indicator), str(r.unit), lang)
        where = region_label(str(r.adcode), lang)
        sep = ": " if lang == "en" else "："
        st.markdown(
            f"- **{escape(where)}** {escape(r.year)}{sep}{escape(label)} {escape(r.value)} {escape(unit)} "
            f"— {t('quotation', lang, quote=escape(r.quote))} "
            f"({t('source', lang)}: {escape(r.source_url)})"
        )


def ranking_chart(data: MapData) -> None:
    lang, layer = data.view.lang, data.layer
    if layer.is_categorical:
        return
    spec = cache.ranking_spec(data.view)  # built once per view: Altair validates its spec on every build
    if spec is None:
        st.info(t("no_values", lang))
        return
    st.markdown(
        f"**{t('ranking', lang)}: {escape(layer.title(lang))}** · "
        f"{t('source', lang)}: {escape(layer.source_text(short=True, lang=lang))}"
    )
    st.vega_lite_chart(copy.deepcopy(spec), width="stretch")  # Streamlit moves the data out of the spec it gets


def table_and_download(data: MapData) -> None:
    """The shown table with short headers, so that name, code, value and rank are in view in a half-width column at
    1366 px; the layer, unit, year and source are said once, above and below it. The CSV keeps the long headers
    (a file must say what its columns hold)."""
    lang, layer = data.view.lang, data.layer
    table = cache.shown_table(data.view)  # the same as shown_table(data): data is cache.map_data(view)
    short = {value_column(data): t("value", lang), zone_column_title(lang): t("zone_short", lang)}
    st.markdown(f"**{t('table', lang)}: {escape(layer.title(lang))}**")
    # Figures are rounded to the layer's precision already; "localized" adds the thousands separators and the
    # step keeps the decimals (19,125.0 as in the tooltip, not 19,125).
    step = 10.0**-layer.decimals
    config = {
        t("name", lang): st.column_config.TextColumn(width="medium"),
        t("code", lang): st.column_config.TextColumn(width="small"),
        t("parent_code", lang): st.column_config.TextColumn(width="small"),
        t("zone_short", lang): st.column_config.NumberColumn(
            help=zone_column_title(lang), format="localized", step=step
        ),
    }
    if not layer.is_categorical:
        config[t("value", lang)] = st.column_config.NumberColumn(
            help=f"{layer.title(lang)} ({layer.unit(lang)})", width="small", format="localized", step=step
        )
        config[t("rank", lang)] = st.column_config.NumberColumn(width="small")
    st.dataframe(table.rename(columns=short), hide_index=True, width="stretch", column_config=config)
    st.caption(" · ".join(f"{escape(label)}: {escape(text)}" for label, text in table_notes(data)))
    st.download_button(
        t("download_csv", lang),
        lambda: table_csv(data),  # built when pressed, not sent with every page
        file_name=f"sichuan_{layer.id}_{data.view.level}.csv",
        mime="text/csv",
        key="download",
        on_click="ignore",  # a download changes nothing on the page: no rerun
    )


RECONCILIATION_COLUMNS = (
    "sum_of_counties",
    "development_zones",
    "sum_of_regions",
    "published",
    "gap",
    "gap_pct",
    "year",
    "published_year",
    "layer_source",
    "published_source",
)


def reconciliation_table(lang: str) -> pd.DataFrame:
    """Layer sums against published totals, with headings in the UI language (no raw column ids)."""
    rec = cache.reconciliation()
    out = pd.DataFrame({t("layer", lang): rec["title_en" if lang == "en" else "title_zh"]})
    for col in RECONCILIATION_COLUMNS:
        key = {"sum_of_regions": "regions_sum", "published_year": "year", "year": "year"}.get(col, col)
        heading = t(key, lang)
        if col == "published_year":
            heading = f"{t('published', lang)} · {heading}"
        # The source and year columns come in both languages (layers/summary.py): the page's one.
        values = (
            rec[f"{col}_{lang}"]
            if col.endswith("_source")
            else rec["year_en"]
            if (col, lang) == ("year", "en")
            else rec[col]
        )
        if col in ("sum_of_counties", "development_zones", "sum_of_regions", "published", "gap"):
            values = values.round(0).astype("Int64")
        elif col == "gap_pct":
            values = values.round(2)
        out[heading] = values
    return out


def notes_and_reconciliation(data: MapData) -> None:
    lang, layer = data.view.lang, data.layer
    with st.expander(t("notes", lang)):
        if layer.notes(lang):
            st.markdown(escape(layer.notes(lang)))
        st.markdown(f"{t('source', lang)}: {escape(layer.source_text(lang=lang))}")
        st.caption(f"{t('licence', lang)}: {escape(layer.licence)}")
        if not data.unmapped.empty:
            st.write(t("unmapped", lang))
            unmapped = data.unmapped[["adcode", "name", "parent_adcode", "value"]]
            st.dataframe(
                pd.DataFrame(
                    {
                        t("name", lang): [region_name(c, lang) for c in unmapped["adcode"]],
                        t("code", lang): unmapped["adcode"],
                        t("parent_name", lang): [region_name(c, lang) for c in unmapped["parent_adcode"]],
                        t("value", lang): [format_value(v, layer, lang) for v in unmapped["value"]],
                    }
                ),
                hide_index=True,
            )
    reports = local_reports()
    reports = reports[reports["resource"] == f"local_reports_{layer.theme}"]
    if not reports.empty:
        with st.expander(f"{t('local_reports', lang)}: {len(reports)}"):
            _report_list(reports, lang)
    expander = lazy_expander(t("reconciliation", lang), "reconciliation")
    with expander:
        if expander.open:
            st.dataframe(reconciliation_table(lang), hide_index=True, width="stretch")
