"""The plan view's map: the single map's frame and style table, with tooltips that give a region's whole plan.

The colours and legend are those of the plan's :class:`~app.core.mapdata.MapData` (one figure: the shortfall,
coverage, existing or required numbers); the tooltip of each region gives all of them, escaped like every
tooltip (:func:`app.webmap.choropleth.tooltip_html`).
"""

from __future__ import annotations

import html
import math
from typing import Any

from app.core.i18n import t
from app.core.plan import PlanData, site_unit
from app.webmap.choropleth import view_pane


def _count(value: Any, unit: str, lang: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return t("no_data", lang)
    return f"{float(value):,.0f} {unit}"


def plan_tip(plan: PlanData, row: dict) -> str:
    """One region's tooltip: name, required, existing, shortfall (bold), surplus, coverage, townships without a
    site, the year and the sources; every piece of data escaped."""
    lang, e = plan.view.lang, html.escape
    unit = site_unit(plan.supply, lang)
    coverage = row.get("coverage")
    lines = [
        f"<b>{e(str(row['label']))}</b>",
        f"{e(t('plan_show_required', lang))}: {e(_count(row.get('required'), unit, lang))}",
        f"{e(t('plan_show_existing', lang))}: {e(_count(row.get('existing'), unit, lang))}",
        f"{e(t('plan_show_shortfall', lang))}: <b>{e(_count(row.get('shortfall'), unit, lang))}</b>",
        f"{e(t('plan_show_surplus', lang))}: {e(_count(row.get('surplus'), unit, lang))}",
        f"{e(t('plan_show_coverage', lang))}: "
        + e(t("no_data", lang) if coverage is None or math.isnan(float(coverage)) else f"{float(coverage):.1f}%"),
    ]
    if plan.townships is not None:
        lines.append(f"{e(t('plan_without_site', lang))}: {e(_count(row.get('without_site'), '', lang)).strip()}")
    lines.append(f"{e(t('year', lang))}: {e(plan.layer.year_label(lang))}")
    lines.append(
        f"<span class='atlas-src'>{e(t('source', lang))}: {e(plan.layer.source_text(short=True, lang=lang))}</span>"
    )
    return "<br>".join(lines)


def plan_pane(plan: PlanData) -> dict[str, object]:
    """The plan map's pane of the page's live map: the figure's colours and legend, the plan's tooltips."""
    payload = view_pane(plan.map)
    rows = {str(r["adcode"]): r for r in plan.regions.to_dict("records")}
    payload["tips"] = {code: plan_tip(plan, row) for code, row in rows.items()}
    return payload
