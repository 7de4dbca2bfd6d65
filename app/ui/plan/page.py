"""The page in plan mode: the norm and its source, the supply, the map of the chosen figure with a click for a
region's plan, the totals, the table by region, the townships without a site, the brief and the norms."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from app.core.i18n import t
from app.core.markup import escape
from app.core.plan import PlanData
from app.core.plantables import region_table, regions_csv, totals_table, township_list, townships_csv
from app.core.viewstate import ViewState
from app.ui import cache, livemap, panels
from app.ui.plan import cache as plan_cache
from app.ui.plan.brief_panel import brief_section
from app.ui.plan.norms_panel import norms_section
from app.webmap.plan import plan_pane


def norm_box(plan: PlanData) -> None:
    """The norm: its requirement, the quotation with its source, and how the quotation is read."""
    norm, lang = plan.norm, plan.view.lang
    lines = [f"**{t('plan_rule', lang)}**: {escape(norm.rule(lang))}"]
    if norm.quote:
        label = t("plan_quote_translated" if norm.quotation(lang) != norm.quote else "plan_quote", lang)
        lines.append(f"**{label}**: “{escape(norm.quotation(lang))}” — {escape(norm.source(lang))}")
    else:
        lines.append(f"**{t('plan_norm_source', lang)}**: {escape(norm.source(lang))}")
    if norm.reading(lang):
        lines.append(f"**{t('plan_reading', lang)}**: {escape(norm.reading(lang))}")
    st.markdown("  \n".join(lines))


def supply_line(plan: PlanData) -> None:
    lang, supply = plan.view.lang, plan.supply
    if supply is None:
        st.info(t("plan_choose_supply", lang))
        return
    layer = supply.layer
    text = t(
        "plan_supply_line",
        lang,
        title=escape(layer.title(lang)),
        unit=escape(layer.unit(lang) or "—"),
        year=escape(layer.year_label(lang)),
        source=escape(layer.source_text(short=True, lang=lang)),
    )
    catalogue = plan_cache.catalogue()
    if supply.facility is not None and supply.facility.facility_type:
        text += " · " + t(
            "plan_facility_type", lang, type=escape(catalogue.facility_title(supply.facility.facility_type, lang))
        )
        st.markdown(text)
    else:
        st.markdown(text)
        st.caption(t("plan_untyped", lang, type=escape(catalogue.facility_title(plan.norm.facility_type, lang))))
    if plan.township_note:
        st.caption(t(plan.township_note, lang))


def page(view: ViewState, frame: Any) -> None:
    """The plan page; ``frame`` is the page's map frame (with this session's facility markers, if any)."""
    lang = view.lang
    plan = plan_cache.plan(view)
    st.subheader(t("plan_heading", lang, norm=escape(plan.norm.title(lang))))
    if not plan.computable:
        norm_box(plan)
        st.info(t("plan_cannot", lang, reason=escape(plan.norm.reason(lang))))
        norms_section(lang)
        return
    supply_line(plan)
    map_col, detail_col = st.columns([3, 1.3])
    with map_col:
        # The page's one live map (app/webmap/pagemap.py): the plan's pane restyles it in place.
        livemap.draw(frame, cache.map_payload(view, [plan_pane(plan)]), key="atlas_map", height=560)
    with detail_col:
        details(plan)
    norm_box(plan)  # under the map, which stays in view at 1366×768
    if plan.map.error:
        st.error(escape(plan.map.error))
    panels.classification_note(plan.map)
    st.caption(t("plan_rules", lang))
    st.markdown(f"**{t('plan_totals', lang)}**")
    st.dataframe(totals_table(plan), hide_index=True, width="stretch", key="plan_totals")
    st.caption(t("plan_totals_note", lang))
    st.markdown(f"**{t('plan_regions', lang)}**")
    st.dataframe(region_table(plan), hide_index=True, width="stretch", key="plan_regions")
    st.download_button(
        t("plan_download_regions", lang),
        lambda: regions_csv(plan),
        file_name=f"plan_{plan.norm.id}_{view.level}.csv",
        mime="text/csv",
        key="plan_download_regions",
        on_click="ignore",  # a download changes nothing on the page: no rerun
    )
    townships_section(plan)
    brief_section(view, plan)
    norms_section(lang)


def details(plan: PlanData) -> None:
    """The clicked region's plan: every figure, and for a county the townships without a site."""
    lang = plan.view.lang
    st.subheader(t("details", lang))
    code = plan.view.selected
    rows = plan.regions[plan.regions["adcode"] == code]
    if not code or rows.empty:
        st.caption(t("plan_details_hint", lang))
        return
    row = rows.iloc[0]
    st.markdown(f"**{escape(str(row['label']))}** ({code})")
    record = region_table(plan).iloc[int(rows.index[0])].iloc[4:]
    shown = [t("no_data", lang) if pd.isna(v) else f"{v:,}" for v in record]
    st.dataframe(pd.DataFrame({t("figure", lang): shown}, index=record.index), key="plan_detail")
    if plan.townships is not None and plan.view.level == "county":
        mine = township_list(plan)
        mine = mine[mine.iloc[:, 1] == code]
        if len(mine):
            st.caption(f"{t('plan_without_site', lang)}: {len(mine)}")
            st.dataframe(mine.iloc[:, 2:5], hide_index=True, key="plan_detail_townships")


def townships_section(plan: PlanData) -> None:
    lang = plan.view.lang
    if not plan.norm.by_township:
        return
    st.markdown(f"**{t('plan_township_list', lang)}**")
    if plan.townships is None:
        st.info(t(plan.township_note, lang))
        return
    everything = st.checkbox(t("plan_township_all", lang), key="plan_township_all")
    table = township_list(plan, only_without=not everything)
    without = int((plan.townships["existing"] == 0).sum())
    counties = plan.townships["county"].nunique()
    st.caption(t("plan_township_summary", lang, n=f"{without:,}", total=f"{len(plan.townships):,}", counties=counties))
    unplaced = plan.townships.groupby("county")["unplaced_in_county"].first()
    if (unplaced > 0).any():
        st.caption(t("upload_township_unplaced_note", lang))
    st.dataframe(table, hide_index=True, width="stretch", key="plan_townships")
    left, right = st.columns(2)
    left.download_button(
        t("plan_download_townships", lang),
        lambda: townships_csv(plan),
        file_name=f"plan_{plan.norm.id}_townships_without_site.csv",
        mime="text/csv",
        key="plan_download_townships",
        on_click="ignore",  # a download changes nothing on the page: no rerun
    )
    right.download_button(
        t("plan_download_all_townships", lang),
        lambda: townships_csv(plan, only_without=False),
        file_name=f"plan_{plan.norm.id}_townships.csv",
        mime="text/csv",
        key="plan_download_all_townships",
        on_click="ignore",  # a download changes nothing on the page: no rerun
    )
