"""The figures every output shows, as pure functions of (layer, view state): the shown regions with values,
ranks, classes and colours (:class:`MapData`), the legend's entries, and the shown table with its notes.

No Streamlit and no folium: the page, the web map, the print maps and the data files all start here.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from app.core.basemaps import BASEMAPS
from app.core.i18n import t
from app.core.palettes import FILTERED_COLOUR, NO_DATA_COLOUR, PALETTES
from app.core.regionnames import parent_name, region_labels
from app.core.viewstate import ViewState
from geodata.codes import gazetteer
from geodata.regions import ECONOMIC_REGIONS
from layers.builders import category_text
from layers.classify import Classification, ClassificationError, classify
from layers.groups import GROUPS
from layers.model import Layer, rank_descending
from layers.registry import Registry
from layers.zones import with_zone_column, zone_column_title


@dataclass(frozen=True)
class MapData:
    """The shown regions with values, ranks and colours: the single source for map, legend, chart and CSV."""

    layer: Layer
    view: ViewState
    table: pd.DataFrame  # adcode, name, label, parent_adcode, parent_name, value, rank, in_range, cls, colour, status
    classification: Classification | None
    categories: tuple[tuple[str, str], ...]  # (category, colour) for categorical layers
    unmapped: pd.DataFrame
    error: str | None = None


def effective_layer(registry: Registry, view: ViewState) -> Layer:
    layer = registry.get(view.layer)
    if layer.years and view.year in layer.years:
        layer = registry.get(f"{layer.id}@{view.year}")  # one year of a time series
    return layer if view.norm == "absolute" else layer.normalised(view.norm)


def shown_codes(view: ViewState) -> list[str]:
    gaz = gazetteer()
    regions = gaz.current(view.level)
    if view.prefecture_filter:
        return [
            d.adcode for d in regions if d.parent_adcode == view.prefecture_filter or d.adcode == view.prefecture_filter
        ]
    if view.region_filter:
        prefs = set(ECONOMIC_REGIONS[view.region_filter].prefecture_codes)
        return [d.adcode for d in regions if (d.adcode if view.level == "prefecture" else d.parent_adcode) in prefs]
    if view.group_filter:
        members = GROUPS[view.group_filter].members(view.level)
        return [d.adcode for d in regions if d.adcode in members]
    return [d.adcode for d in regions]


def _palette(layer: Layer, view: ViewState):
    return PALETTES.get(view.palette) or PALETTES.get(layer.palette) or PALETTES["YlGnBu"]


def map_data(layer: Layer, view: ViewState) -> MapData:
    frame = layer.frame(view.level)
    table = frame[frame["adcode"].isin(shown_codes(view))].reset_index(drop=True)
    # Unique labels (市中区（内江）, 市中区（乐山）): charts and tables must never merge regions by name.
    table.insert(2, "label", region_labels(table["adcode"], view.lang))
    after_parent = list(table.columns).index("parent_adcode") + 1
    table.insert(after_parent, "parent_name", [parent_name(c, view.lang) for c in table["adcode"]])
    unmapped = layer.unmapped(view.level)
    if view.prefecture_filter and not unmapped.empty:
        unmapped = unmapped[unmapped["parent_adcode"] == view.prefecture_filter]
    if layer.is_categorical:
        return _categorical(layer, view, table, unmapped)

    values = table["value"].astype(float)
    table["rank"] = rank_descending(values, layer.decimals)  # ranks of the shown (rounded) values
    in_range = pd.Series(True, index=table.index)
    if view.vmin is not None:
        in_range &= values >= view.vmin
    if view.vmax is not None:
        in_range &= values <= view.vmax
    table["in_range"] = in_range.where(values.notna(), other=False)
    error = None
    classification = None
    try:
        classification = classify(values, view.scheme, view.k, view.breaks)
    except ClassificationError as exc:
        error = str(exc)
    if classification is not None:
        colours = _palette(layer, view).colours(classification.k, view.reverse)
        cls = classification.classes(values)
        table["cls"] = cls
        table["colour"] = [colours[int(c)] if pd.notna(c) else NO_DATA_COLOUR for c in cls]
    else:
        table["cls"] = pd.Series([pd.NA] * len(table), dtype="Int64")
        table["colour"] = NO_DATA_COLOUR
    table["status"] = np.where(values.isna(), "no_data", np.where(table["in_range"], "shown", "filtered"))
    table.loc[table["status"] == "filtered", "colour"] = FILTERED_COLOUR
    return MapData(layer, view, table, classification, (), unmapped, error)


def _categorical(layer: Layer, view: ViewState, table: pd.DataFrame, unmapped: pd.DataFrame) -> MapData:
    cats = sorted(c for c in table["value"].dropna().unique())
    base = _palette(layer, view)
    if base.kind != "qualitative":
        base = PALETTES["Set2"]
    colours = base.colours(max(len(cats), 3), view.reverse)
    while len(colours) < len(cats):  # more categories than the palette has: extend with a second one
        colours += PALETTES["Paired"].colours(12)
    mapping = dict(zip(cats, colours, strict=False))  # the palette may hold more colours than needed
    table["rank"] = pd.Series([pd.NA] * len(table), dtype="Int64")
    table["in_range"] = table["value"].notna()
    table["cls"] = pd.Series([cats.index(v) if pd.notna(v) else pd.NA for v in table["value"]], dtype="Int64")
    table["colour"] = [mapping.get(v, NO_DATA_COLOUR) if pd.notna(v) else NO_DATA_COLOUR for v in table["value"]]
    table["status"] = np.where(table["value"].isna(), "no_data", "shown")
    return MapData(layer, view, table, None, tuple(mapping.items()), unmapped)


@dataclass(frozen=True)
class RegionFigure:
    """One layer's figure for a region, as the details beside the map give it."""

    layer: Layer
    value: object  # the figure (NaN: no data); a category's value as stored
    rank: int | None  # among the regions the view shows (equal figures as shown share the better rank)
    ranked: int  # how many of them have a figure

    def text(self, lang: str) -> str:
        return format_value(self.value, self.layer, lang)


def region_figure(layer: Layer, view: ViewState, code: str) -> RegionFigure:
    """``layer``'s figure for ``code`` and its rank among the regions ``view`` shows (its level and area)."""
    frame = layer.frame(view.level).set_index("adcode")
    value = frame["value"].get(code, math.nan)
    if layer.is_categorical:
        return RegionFigure(layer, value, None, 0)
    shown = frame.loc[shown_codes(view), "value"].astype(float)
    ranks = rank_descending(shown, layer.decimals)
    rank = ranks.get(code)
    return RegionFigure(layer, value, None if rank is None or pd.isna(rank) else int(rank), int(shown.notna().sum()))


def theme_profile(registry: Registry, view: ViewState, code: str) -> list[RegionFigure]:
    """The region on the other layers of the shown layer's theme (at the view's level, in absolute terms): the
    compact profile beside the map."""
    current = registry.get(view.layer)
    return [
        region_figure(layer, view, code)
        for layer in registry.list_layers(theme=current.theme, level=view.level)
        if layer.id != current.id
    ]


# --- text ------------------------------------------------------------------------------------
def format_value(value, layer: Layer, lang: str = "zh") -> str:
    """A value with its unit; missing shows as "no data", never as 0."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return t("no_data", lang)
    if layer.is_categorical:
        return category_text(str(value), lang)
    text = format_number(float(value), layer)
    unit = layer.unit(lang)
    return f"{text}{unit}" if unit == "%" or not unit else f"{text} {unit}"


def format_number(x: float, layer: Layer) -> str:
    """A figure as every output gives it (tooltip, legend, details, table, CSV, XLSX, print): rounded to the
    layer's precision (:attr:`layers.model.Layer.decimals`: counts whole, rates 0.1, shares 0.01), with
    thousands separators. ``-0.0`` shows as ``0``."""
    text = f"{x:,.{layer.decimals}f}"
    return text[1:] if text.startswith("-") and not text.strip("-0.,") else text


fmt_bound = format_number  # a class bound or value-range end: the same format as the figures


def normalisation_text(registry: Registry, norm: str, lang: str) -> str:
    """A normalisation in words: "绝对值" / "Absolute", "每千常住人口" / "per 1,000 resident population"."""
    if norm == "absolute":
        return t("absolute", lang)
    if norm == "area_km2":
        return "每千平方公里" if lang == "zh" else "per 1,000 km²"
    base = registry.get(norm).title(lang)
    return f"每千{base}" if lang == "zh" else f"per 1,000 {base.lower()}"


def legend_entries(data: MapData) -> list[tuple[str, str, str]]:
    """(colour, label, style) rows of the legend, the no-data entry included when it occurs."""
    lang, layer = data.view.lang, data.layer
    rows: list[tuple[str, str, str]] = []
    if data.categories:
        rows += [(c, category_text(name, lang), "fill") for name, c in data.categories]
    elif data.classification is not None:
        colours = _palette(layer, data.view).colours(data.classification.k, data.view.reverse)
        for i, (lo, hi) in enumerate(data.classification.intervals()):
            # Regions outside the value range are counted under their own entry, not in their class.
            count = int(((data.table["cls"] == i) & (data.table["status"] == "shown")).sum())
            low, high = fmt_bound(lo, layer), fmt_bound(hi, layer)
            span = low if low == high else f"{low} – {high}"  # a class of one value (a shortfall of 0): "0"
            rows.append((colours[i], f"{span} ({count})", "fill"))
    statuses = set(data.table["status"])
    if "filtered" in statuses:
        rows.append(
            (FILTERED_COLOUR, f"{t('filtered_out', lang)} ({int((data.table['status'] == 'filtered').sum())})", "fill")
        )
    if "no_data" in statuses:
        rows.append(
            (NO_DATA_COLOUR, f"{t('no_data', lang)} ({int((data.table['status'] == 'no_data').sum())})", "hatch")
        )
    return rows


REGION_WEIGHT = 0.6  # outline width (CSS px) of a region; the print maps scale theirs in proportion


SELECTED_OUTLINE: dict[str, str | float] = {
    "color": "#000000",
    "weight": 3,
}  # the clicked region, on screen and in every export


def boundary_detail(view: ViewState) -> str:
    """Coarser shapes for province-wide views keep the page small; a prefecture view gets more detail."""
    return "web" if view.prefecture_filter else "overview"


def frame_key(view: ViewState) -> ViewState:
    """The part of a view the map frame depends on; views with the same key share one frame."""
    return ViewState(level=view.level, area=view.area, basemap=view.basemap)


def datum_for(view: ViewState) -> str:
    return BASEMAPS.get(view.basemap, BASEMAPS["none"]).datum


def value_decimals(layer: Layer) -> int:
    """Decimals a layer's figures are given to (the rule is :attr:`layers.model.Layer.decimals`)."""
    return layer.decimals


def value_column(data: MapData) -> str:
    layer, lang = data.layer, data.view.lang
    return f"{layer.title(lang)} ({layer.unit(lang)})"


def shown_table(data: MapData) -> pd.DataFrame:
    """Exactly what is shown, for the table and its CSV download (labels in the UI language).

    Figures are rounded to the layer's precision and stay numbers; codes stay text; year and
    source, the same for every row, are in :func:`table_notes` rather than repeated per row.
    """
    lang, layer = data.view.lang, data.layer
    df = with_zone_column(data.table, data.unmapped, lang)  # a zone's own figure beside its district's, not below

    def shown(column: pd.Series) -> pd.Series:
        if layer.is_categorical:
            return column.map(lambda v: category_text(str(v), lang), na_action="ignore")
        rounded = column.astype(float).round(layer.decimals)
        return rounded.astype("Int64") if layer.decimals == 0 else rounded

    values = shown(df["value"])
    out = pd.DataFrame(
        {
            t("name", lang): df["label"],
            t("code", lang): df["adcode"].astype(str),
            value_column(data): values,
        }
    )
    if not layer.is_categorical:
        out[t("rank", lang)] = df["rank"].astype("Int64")
    out[t("parent_code", lang)] = df["parent_adcode"].astype(str)
    out[t("parent_name", lang)] = df["parent_name"]
    if not layer.is_categorical:
        answer = {"shown": t("yes", lang), "filtered": t("no", lang), "no_data": ""}
        out[t("in_range", lang)] = [answer[s] for s in df["status"]]
    if "zone_value" in df:
        out[zone_column_title(lang)] = shown(df["zone_value"])
    out[t("note", lang)] = df["note"]
    return out


def table_notes(data: MapData) -> list[tuple[str, str]]:
    """(label, text) notes that hold for every row of the table: unit, year, source, filters."""
    lang, layer = data.view.lang, data.layer
    notes = [
        (t("unit", lang), layer.unit(lang)),
        (t("year", lang), layer.year_label(lang)),
        (t("source", lang), layer.source_text(lang=lang)),
    ]
    view = data.view
    if not layer.is_categorical and (view.vmin is not None or view.vmax is not None):
        lo = "" if view.vmin is None else fmt_bound(view.vmin, layer)
        hi = "" if view.vmax is None else fmt_bound(view.vmax, layer)
        notes.append((t("value_filter", lang), f"{lo} – {hi}"))
    if len(data.table) and data.table["status"].eq("no_data").any():
        notes.append((t("no_data", lang), t("no_data_note", lang)))
    return notes


def table_csv(data: MapData) -> bytes:
    """The shown table as CSV for Excel: UTF-8 with BOM (Excel detects the encoding), the table first,
    then, after an empty line, unit, year and source once (as a statistical table gives 资料来源 below it)."""
    buf = io.StringIO()
    shown_table(data).to_csv(buf, index=False, lineterminator="\r\n")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([])
    for label, text in table_notes(data):
        writer.writerow([label, text])
    return buf.getvalue().encode("utf-8-sig")
