"""The plan view: a norm of the layout against a supply, per region — how many sites are required, how many exist,
the shortfall (never negative) and the surplus apart, the coverage share, and where a per-township or per-village
norm is not met, the townships without a site.

Pure functions of one frozen :class:`~app.core.viewstate.ViewState` (its plan fields: norm, supply, township list
year, what the map shows) and the data passed in (registry, norm catalogue, saved facility lists). The map of the
chosen figure is an ordinary :class:`~app.core.mapdata.MapData` of a layer carrying the figures
(:class:`layers.model.FiguresSpec`), so the page map, the print maps and the brief draw it like any layer.

Rules (README "Plan"):
* per county: shortfall = max(required − existing, 0), surplus = max(existing − required, 0),
  coverage = (required − shortfall) / required;
* per prefecture and for the totals: the sums of the counties' figures (a surplus in one county does not fill
  another's shortfall);
* a county whose supply has no figure has no data, never 0; a prefecture with such a county has no data on the
  map, and the totals say over how many counties they are taken;
* per township (norms per township or per village, a facility list matched to townships): the same rules inside
  each township; the townships without a site are listed, with a note where sites of the county are in no
  township (those townships may have one).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from app.core import mapdata
from app.core.i18n import t
from app.core.mapdata import MapData
from app.core.regionnames import parent_name, region_labels
from app.core.viewstate import DEFAULT, Notice, ViewState
from geodata.codes import gazetteer
from layers.classify import MAX_CLASSES, ClassificationError, classify
from layers.model import FiguresSpec, Layer, UserSpec
from layers.norms import LIST_DATES, Norm, NormCatalogue, required_per_county, required_sources
from layers.planstore import FacilitySet
from layers.registry import Registry
from layers.tables import Source
from layers.townshiplists import townships
from layers.townships import name_stem

FIGURES = ("required", "existing", "shortfall", "surplus", "coverage")
PALETTES = {"shortfall": "OrRd", "coverage": "YlGn", "existing": "Blues", "required": "Purples"}


@dataclass(frozen=True)
class Supply:
    """What exists: a county count layer (a facility list's, or any count layer), with the facility list's type
    and townships when it is one."""

    layer: Layer
    facility: FacilitySet | None

    @property
    def townships_current(self) -> bool:
        """Whether the saved townships belong to the layer's figures (a later version replaced the figures)."""
        spec = self.layer.spec
        return (
            self.facility is not None
            and self.facility.township_year is not None
            and isinstance(spec, UserSpec)
            and spec.version == self.facility.version
        )


def supply_ids(registry: Registry, facility_sets: Mapping[int, FacilitySet], norm: Norm | None) -> list[str]:
    """The layers that can be a norm's supply: county count layers from the store, the facility lists of the
    norm's facility type first, then count layers that are no facility list (a facility list of another type is
    not offered: it counts other sites)."""
    typed, untyped = [], []
    for layer in registry.list_layers(level="county"):
        spec = layer.spec
        if not isinstance(spec, UserSpec) or layer.kind != "count":
            continue
        facility = facility_sets.get(spec.store_id)
        if facility is None:
            untyped.append(layer.id)
        elif norm is None or facility.facility_type in ("", norm.facility_type):  # "": a list of no stated type
            typed.append(layer.id)
    return typed + untyped


def supply_of(registry: Registry, facility_sets: Mapping[int, FacilitySet], layer_id: str) -> Supply | None:
    if not layer_id or layer_id not in registry:
        return None
    layer = registry.get(layer_id)
    spec = layer.spec
    return Supply(layer, facility_sets.get(spec.store_id) if isinstance(spec, UserSpec) else None)


def sanitise_plan(
    view: ViewState,
    catalogue: NormCatalogue,
    registry: Registry,
    facility_sets: Mapping[int, FacilitySet],
    notices: list[Notice] | None = None,
) -> ViewState:
    """A plan view whose norm exists and whose supply can serve it; what could not be used gets a notice."""
    notices = notices if notices is not None else []
    if view.plan_norm not in catalogue:
        notices.append(Notice("plan_norm_unknown", (("value", view.plan_norm), ("shown", DEFAULT.plan_norm))))
        view = replace(view, plan_norm=DEFAULT.plan_norm)
    norm = catalogue.get(view.plan_norm)
    if view.plan_supply and view.plan_supply not in supply_ids(registry, facility_sets, norm):
        notices.append(Notice("plan_supply_unknown", (("value", view.plan_supply),)))
        view = replace(view, plan_supply="")
    return view


@dataclass(frozen=True)
class PlanData:
    view: ViewState
    norm: Norm
    supply: Supply | None
    counties: pd.DataFrame  # every county: adcode, parent_adcode, required, existing, shortfall, surplus, coverage,
    #                         townships, without_site (townships without a site; NaN without townships), unplaced
    regions: pd.DataFrame  # the shown regions at the view's level: adcode, label, parent_adcode, parent_name, FIGURES…
    totals: pd.DataFrame  # per prefecture of the shown area, then the area: label, counties, with_figures, FIGURES…
    townships: pd.DataFrame | None  # per township of the shown counties (norms per township or village), or None
    township_note: str  # why there is no township list, or what limits it ("" when nothing does)
    shown: str  # the figure the map shows (PLAN_SHOWS; "required" while no supply is chosen)
    layer: Layer  # that figure as a layer
    map: MapData

    @property
    def computable(self) -> bool:
        return self.norm.computable


def _figures(required: pd.Series, existing: pd.Series) -> pd.DataFrame:
    shortfall = (required - existing).clip(lower=0)
    surplus = (existing - required).clip(lower=0)
    coverage = (required - shortfall) / required.where(required > 0) * 100
    return pd.DataFrame(
        {"required": required, "existing": existing, "shortfall": shortfall, "surplus": surplus, "coverage": coverage}
    )


def _sums(frame: pd.DataFrame, key: pd.Series) -> pd.DataFrame:
    """Per ``key`` (a prefecture code per county): sums of the counties' figures, no data where any county of the
    group lacks a figure; coverage recomputed from the sums."""
    grouped = frame.groupby(key)
    required = grouped["required"].sum(min_count=1)
    complete = grouped["existing"].apply(lambda s: bool(s.notna().all()))
    out = pd.DataFrame({"required": required})
    for column in ("existing", "shortfall", "surplus"):
        out[column] = grouped[column].sum(min_count=1).where(complete)
    out["coverage"] = (out["required"] - out["shortfall"]) / out["required"].where(out["required"] > 0) * 100
    return out


def carried_sites(facility: FacilitySet, year: int) -> pd.Series:
    """A facility list's sites per township of the list of ``year`` (its township codes carried from the list it
    was matched in: 2021 and 2023 hold the same places, some under new codes)."""
    rows = facility.townships[facility.townships["township"] != ""]
    sites = rows.groupby("township")["sites"].sum()
    if facility.township_year in (None, year):
        return sites
    assert facility.township_year is not None
    before = townships(facility.township_year).set_index("code")
    after = townships(year)
    by_place = {
        (c, name_stem(n)): code for code, c, n in zip(after["code"], after["county"], after["name"], strict=True)
    }
    carried = {
        code: by_place.get((str(before.at[code, "county"]), name_stem(str(before.at[code, "name"]))))
        for code in sites.index
        if code in before.index
    }
    out = sites.rename(index=carried)
    return out[out.index.notna()].groupby(level=0).sum()


def township_table(norm: Norm, year: int, supply: Supply, existing: pd.Series) -> pd.DataFrame:
    """Every township of the list of ``year`` with required, existing and shortfall; no data in a county whose
    supply has no figure."""
    assert supply.facility is not None and norm.required is not None
    table = townships(year)
    units = table["villages"] if norm.per == "village" else pd.Series(1, index=table.index)
    sites = carried_sites(supply.facility, year).reindex(table["code"]).fillna(0).to_numpy()
    known = existing.reindex(table["county"]).notna().to_numpy()
    table["required"] = (units * norm.required).astype(float)
    table["existing"] = np.where(known, sites, np.nan)
    table["shortfall"] = (table["required"] - table["existing"]).clip(lower=0)
    unplaced = supply.facility.unplaced()
    table["unplaced_in_county"] = unplaced.reindex(table["county"]).fillna(0).astype(int).to_numpy()
    return table


def plan_data(
    view: ViewState, registry: Registry, catalogue: NormCatalogue, facility_sets: Mapping[int, FacilitySet]
) -> PlanData:
    """Everything the plan view shows for ``view`` (already sanitised by :func:`sanitise_plan`)."""
    norm = catalogue.get(view.plan_norm)
    supply = supply_of(registry, facility_sets, view.plan_supply)
    gaz = gazetteer()
    codes = [d.adcode for d in gaz.current("county")]
    if norm.computable:
        required = required_per_county(norm, view.plan_year, registry).reindex(codes)
    else:
        required = pd.Series(np.nan, index=pd.Index(codes, name="adcode"))
    existing = (
        supply.layer.frame("county").set_index("adcode")["value"].reindex(codes).astype(float)
        if supply is not None
        else pd.Series(np.nan, index=required.index)
    )
    counties = _figures(required.astype(float), existing)
    counties.index.name = "adcode"
    counties.insert(0, "parent_adcode", [gaz.by_code[c].parent_adcode for c in codes])

    table: pd.DataFrame | None = None
    note = ""
    if norm.computable and norm.by_township:
        table, note = _township_part(norm, view.plan_year, supply, existing)
    if table is not None:
        counties["townships"] = table.groupby("county").size().reindex(codes)
        without = table[table["existing"] == 0].groupby("county").size()
        counties["without_site"] = without.reindex(codes).fillna(0).where(existing.notna())
        counties["unplaced"] = table.groupby("county")["unplaced_in_county"].first().reindex(codes)
    else:
        counties["townships"] = counties["without_site"] = counties["unplaced"] = np.nan

    shown_codes = mapdata.shown_codes(view)
    if view.level == "prefecture":
        regions = _sums(counties, counties["parent_adcode"]).reindex(shown_codes)
        regions["without_site"] = (
            counties.groupby("parent_adcode")["without_site"].sum(min_count=1).reindex(shown_codes)
        )
        regions.insert(0, "parent_adcode", "510000")
    else:
        regions = counties.reindex(shown_codes)
    regions.index.name = "adcode"
    regions = regions.reset_index()
    regions.insert(1, "label", region_labels(regions["adcode"], view.lang))
    regions.insert(3, "parent_name", [parent_name(c, view.lang) for c in regions["adcode"]])

    area_counties = counties.loc[[c for c in codes if c in set(_area_counties(view))]]
    totals = _totals(area_counties, view.lang)
    if table is not None:
        table = table[table["county"].isin(area_counties.index)].reset_index(drop=True)

    shown = view.plan_show if supply is not None else "required"
    layer = plan_layer(norm, supply, view, shown, counties, registry, catalogue)
    data = plan_map(layer, view, shown)
    return PlanData(view, norm, supply, counties, regions, totals, table, note, shown, layer, data)


def _township_part(
    norm: Norm, year: int, supply: Supply | None, existing: pd.Series
) -> tuple[pd.DataFrame | None, str]:
    if supply is None:
        return None, "plan_township_no_supply"
    if supply.facility is None:
        return None, "plan_township_count_layer"
    if supply.facility.township_year is None:
        return None, "plan_township_no_column"
    if not supply.townships_current:
        return None, "plan_township_stale"
    return township_table(norm, year, supply, existing), ""


def _area_counties(view: ViewState) -> list[str]:
    """The counties of the view's area (at prefecture level: the counties of the shown prefectures)."""
    county_view = replace(view, level="county")
    return mapdata.shown_codes(county_view)


def _totals(counties: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Per prefecture, then all together: sums over the counties that have figures, and how many those are."""
    rows = []
    groups = [(str(p), part) for p, part in counties.groupby("parent_adcode", sort=True)]
    if len(groups) > 1 or not groups:
        groups.append(("", counties))
    for code, part in groups:
        known = part[part["existing"].notna()]
        base = known if len(known) else part
        required = float(base["required"].sum(min_count=1)) if len(base) else math.nan
        shortfall = float(known["shortfall"].sum()) if len(known) else math.nan
        rows.append(
            {
                "adcode": code or "510000",
                "label": region_labels([code], lang)[0] if code else t("plan_total", lang),
                "counties": len(part),
                "with_figures": len(known),
                "required": required,
                "existing": float(known["existing"].sum()) if len(known) else math.nan,
                "shortfall": shortfall,
                "surplus": float(known["surplus"].sum()) if len(known) else math.nan,
                "coverage": (required - shortfall) / required * 100 if len(known) and required > 0 else math.nan,
                "without_site": float(known["without_site"].sum(min_count=1)) if len(known) else math.nan,
            }
        )
    return pd.DataFrame(rows)


# --- the map: one figure as a layer --------------------------------------------------------------------


def plan_layer(
    norm: Norm,
    supply: Supply | None,
    view: ViewState,
    shown: str,
    counties: pd.DataFrame,
    registry: Registry,
    catalogue: NormCatalogue,
) -> Layer:
    """The figure ``shown`` per county and per prefecture as a layer (prefectures: the counties' sums)."""
    prefectures = _sums(counties, counties["parent_adcode"])
    values = pd.concat([counties[shown], prefectures[shown]])
    figures = tuple((str(code), float(v)) for code, v in values.items())
    facility = catalogue.facility_title(norm.facility_type, "zh") if norm.facility_type else ""
    facility_en = catalogue.facility_title(norm.facility_type, "en") if norm.facility_type else ""
    unit_zh, unit_en = ("%", "%") if shown == "coverage" else (site_unit(supply, "zh"), site_unit(supply, "en"))
    date = LIST_DATES[view.plan_year]
    year_zh = f"{view.plan_year} 乡镇名单（{date}）" + (f" / {supply.layer.year}" if supply is not None else "")
    year_en = f"{view.plan_year} township list (as of {date})" + (f" / {supply.layer.year}" if supply else "")
    if norm.per == "people":
        year_zh = "2020 人口" + (f" / {supply.layer.year}" if supply is not None else "")
        year_en = "2020 census" + (f" / {supply.layer.year}" if supply is not None else "")
    sources: list[Source] = []
    if norm.computable:
        sources += required_sources(norm, view.plan_year, registry)
    if supply is not None:
        sources += supply.layer.sources
    lang = view.lang  # the norm's source line in the view's language (the other sources are the layers')
    sources.append(Source(f"{t('plan_norm', lang)}: {norm.title(lang)} — {norm.source(lang)}", None, norm.source(lang)))
    return Layer(
        id=f"plan:{norm.id}:{shown}",
        title_zh=f"{t(f'plan_show_{shown}', 'zh')}：{facility or norm.title_zh}",
        title_en=f"{t(f'plan_show_{shown}', 'en')}: {facility_en or norm.title_en}",
        theme=norm.theme or "user",
        unit_zh=unit_zh,
        unit_en=unit_en,
        year=year_zh,
        year_en=year_en,
        levels=("prefecture", "county"),
        kind="rate" if shown == "coverage" else "count",
        higher_is_better=shown in ("coverage", "existing"),
        palette=PALETTES[shown],
        sources=tuple(dict.fromkeys(sources)),
        licence="",
        notes_zh=norm.rule("zh"),
        notes_en=norm.rule("en"),
        spec=FiguresSpec(figures),
    )


def site_unit(supply: Supply | None, lang: str) -> str:
    """The unit of required, existing and shortfall: the supply layer's (sites, beds …), else sites."""
    if supply is not None and supply.layer.unit(lang):
        return supply.layer.unit(lang)
    return "sites" if lang == "en" else "个"


def plan_map(layer: Layer, view: ViewState, shown: str) -> MapData:
    """The figure's map through the one route every map takes (``mapdata.map_data``). A shortfall of 0 (the norm
    met) is a class of its own; the other classes split the positive shortfalls by the view's scheme."""
    map_view = replace(view, palette="", reverse=False, vmin=None, vmax=None, norm="absolute", year=None)
    if shown == "shortfall" and view.scheme != "manual":
        frame = layer.frame(view.level)
        values = frame[frame["adcode"].isin(mapdata.shown_codes(view))]["value"]
        breaks = shortfall_breaks(values, view.scheme, view.k)
        if breaks:  # else every shown shortfall is equal (or missing): the view's scheme says so as usual
            map_view = replace(map_view, scheme="manual", breaks=breaks)
    return mapdata.map_data(layer, map_view)


def shortfall_breaks(values: pd.Series, scheme: str, k: int) -> tuple[float, ...]:
    """Manual breaks: where a region meets the norm, 0 is a class of its own (the upper bound 0) and ``k − 1``
    classes split the positive shortfalls by ``scheme``; where none does, ``k`` classes split them."""
    positive = values[values > 0].dropna()
    met = bool((values == 0).any())
    if positive.empty:
        return (0.0,) if met else ()
    try:
        inner = classify(positive, scheme, max(2, min(k - 1 if met else k, MAX_CLASSES - 1))).upper_bounds[:-1]
    except ClassificationError:
        inner = ()
    return ((0.0,) if met else ()) + tuple(b for b in inner if b > 0)
