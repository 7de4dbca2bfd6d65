"""The plan view's tables as shown and downloaded: by region, the totals, the townships without a site.

Headings in the page's language, codes as text, figures rounded as shown (counts whole, coverage to 0.1 %), no
data left empty (never 0). The CSV files are UTF-8 with BOM for Excel, formula-like cells neutralised
(:mod:`app.core.spreadsheet`), and give unit, year, sources and the norm after the table, once.
"""

from __future__ import annotations

import pandas as pd

from app.core.comparetables import _csv as csv_bytes  # the atlas's CSV: BOM, neutralised cells, notes
from app.core.i18n import t
from app.core.plan import PlanData, site_unit
from app.core.regionnames import region_label


def _counts(values: pd.Series) -> pd.Series:
    return values.astype(float).round(0).astype("Int64")


def _share(values: pd.Series) -> pd.Series:
    return values.astype(float).round(1)


def figure_columns(frame: pd.DataFrame, lang: str, *, townships: bool) -> dict[str, pd.Series]:
    out = {
        t("plan_show_required", lang): _counts(frame["required"]),
        t("plan_show_existing", lang): _counts(frame["existing"]),
        t("plan_show_shortfall", lang): _counts(frame["shortfall"]),
        t("plan_show_surplus", lang): _counts(frame["surplus"]),
        f"{t('plan_show_coverage', lang)} (%)": _share(frame["coverage"]),
    }
    if townships:
        out[t("plan_without_site", lang)] = _counts(frame["without_site"])
    return out


def region_table(plan: PlanData) -> pd.DataFrame:
    """One row per shown region: name, code, parent, the figures (and townships without a site, when listed)."""
    lang, df = plan.view.lang, plan.regions
    return pd.DataFrame(
        {
            t("name", lang): df["label"],
            t("code", lang): df["adcode"].astype(str),
            t("parent_code", lang): df["parent_adcode"].astype(str),
            t("parent_name", lang): df["parent_name"],
            **figure_columns(df, lang, townships=plan.townships is not None),
        }
    )


def totals_table(plan: PlanData) -> pd.DataFrame:
    lang, df = plan.view.lang, plan.totals
    return pd.DataFrame(
        {
            t("name", lang): df["label"],
            t("code", lang): df["adcode"].astype(str),
            t("plan_counties", lang): df["counties"],
            t("plan_with_figures", lang): df["with_figures"],
            **figure_columns(df, lang, townships=plan.townships is not None),
        }
    ).drop(columns=[f"{t('plan_show_coverage', lang)} (%)"] if df["coverage"].isna().all() else [])


def township_list(plan: PlanData, *, only_without: bool = True) -> pd.DataFrame:
    """Townships of the shown counties (by default those without a site), by county, with codes."""
    lang = plan.view.lang
    table = plan.townships
    if table is None:
        return pd.DataFrame()
    if only_without:
        table = table[table["existing"] == 0]
    table = table.sort_values(["county", "code"])
    out = pd.DataFrame(
        {
            t("plan_county_name", lang): [region_label(c, lang) for c in table["county"]],
            t("plan_county_code", lang): table["county"].astype(str),
            t("plan_township_name", lang): table["name_en"] if lang == "en" else table["name"],
            t("plan_township_code", lang): table["code"].astype(str),
            t("plan_township_type", lang): [t(f"plan_type_{x}", lang) for x in table["type"]],
        }
    )
    if plan.norm.per == "village":
        out[t("plan_villages", lang)] = table["villages"].to_numpy()
    out[t("plan_show_required", lang)] = _counts(table["required"]).to_numpy()
    out[t("plan_show_existing", lang)] = _counts(table["existing"]).to_numpy()
    out[t("plan_show_shortfall", lang)] = _counts(table["shortfall"]).to_numpy()
    out[t("plan_unplaced_column", lang)] = table["unplaced_in_county"].to_numpy()
    return out.reset_index(drop=True)


def plan_notes(plan: PlanData) -> list[tuple[str, str]]:
    """(label, text) that hold for every row: the norm and its source, unit, year, sources, the rules."""
    lang, layer, norm = plan.view.lang, plan.layer, plan.norm
    notes = [
        (t("plan_norm", lang), f"{norm.title(lang)} · {norm.rule(lang)}"),
        (t("plan_norm_source", lang), norm.source(lang) + (f" — “{norm.quotation(lang)}”" if norm.quote else "")),
        (t("unit", lang), site_unit(plan.supply, lang)),
        (t("year", lang), layer.year_label(lang)),
        (t("source", lang), layer.source_text(lang=lang)),
        (t("notes", lang), t("plan_rules", lang)),
    ]
    if plan.regions["existing"].isna().any() and plan.supply is not None:
        notes.append((t("no_data", lang), t("no_data_note", lang)))
    return notes


def regions_csv(plan: PlanData) -> bytes:
    return csv_bytes(region_table(plan), plan_notes(plan))


def townships_csv(plan: PlanData, *, only_without: bool = True) -> bytes:
    return csv_bytes(township_list(plan, only_without=only_without), plan_notes(plan))
