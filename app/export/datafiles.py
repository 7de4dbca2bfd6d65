"""Data files of the current view: CSV, XLSX, GeoJSON, GeoPackage.

The rows are :func:`app.core.mapdata.shown_table` of the app's MapData (what the table under the map
shows), plus each region's class and colour; codes stay text. Spreadsheet files neutralise text
cells that a spreadsheet would run as a formula (OWASP CSV injection: a leading ``= + - @``, tab or
CR gets a ``'`` in front); numbers stay numbers.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import geopandas as gpd
import pandas as pd
import pyogrio

from app.core.i18n import t
from app.core.mapdata import MapData, format_number, legend_entries, normalisation_text, shown_table, table_notes
from app.core.regionnames import region_name
from app.core.spreadsheet import neutral_frame, neutralise
from app.core.viewstate import area_label, to_query_params
from app.export.titles import default_title
from layers.classify import SCHEMES

FORMATS = ("csv", "xlsx", "geojson", "gpkg")


def class_labels(data: MapData) -> pd.Series:
    """Each region's legend label (the class it is drawn in), keyed by row of ``data.table``."""
    if data.categories:
        return data.table["value"].where(data.table["status"] != "no_data")
    labels: dict[int, str] = {}
    if data.classification is not None:
        fills = [label for _, label, style in legend_entries(data) if style == "fill"]
        labels = dict(enumerate(fills[: data.classification.k]))
    return pd.Series([labels.get(int(c)) if pd.notna(c) else None for c in data.table["cls"]], index=data.table.index)


def view_table(data: MapData) -> pd.DataFrame:
    """The table under the map (labels in the view's language) with each region's class and colour."""
    lang = data.view.lang
    out = shown_table(data)
    # By code, not by position: the table is keyed by code.
    codes = data.table["adcode"].to_numpy()
    classes = dict(zip(codes, class_labels(data), strict=True))
    colours = dict(zip(codes, data.table["colour"], strict=True))
    shown_codes = out[t("code", lang)]
    out[t("export_class", lang)] = [
        c if (c := classes.get(code)) is not None and pd.notna(c) else None for code in shown_codes
    ]
    out[t("export_colour", lang)] = [colours.get(code) for code in shown_codes]
    return out


def csv_bytes(data: MapData) -> bytes:
    """UTF-8 with a BOM (Excel in a Chinese locale reads it as UTF-8), codes as written (text); unit, year
    and source once below the table, after an empty line, as on the page's CSV."""
    buf = io.StringIO()
    neutral_frame(view_table(data)).to_csv(buf, index=False, lineterminator="\r\n")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([])
    for label, text in table_notes(data):
        writer.writerow([neutralise(label), neutralise(text)])
    return buf.getvalue().encode("utf-8-sig")


def _range_text(data: MapData) -> str:
    vmin, vmax = data.view.vmin, data.view.vmax
    if vmin is None and vmax is None:
        return ""
    lo = "" if vmin is None else format_number(vmin, data.layer)
    hi = "" if vmax is None else format_number(vmax, data.layer)
    return f"{lo} – {hi}".strip()


def _classification_text(data: MapData) -> str:
    """The classification in words of the view's language: "分位数，5 级" / "Quantiles, 5 classes"."""
    lang, c = data.view.lang, data.classification
    if data.categories:
        return t("category", lang)
    scheme = SCHEMES[data.view.scheme][1 if lang == "en" else 0]
    k = c.k if c else data.view.k
    return f"{scheme}，{k} 级" if lang == "zh" else f"{scheme}, {k} classes"


def metadata_rows(data: MapData, date: dt.date) -> list[tuple[str, str]]:
    view, layer, lang = data.view, data.layer, data.view.lang
    c = data.classification
    rows = [
        (t("export_title", lang), default_title(data)),
        (t("export_layer_id", lang), layer.id),
        (t("unit", lang), layer.unit(lang)),
        (t("year", lang), layer.year_label(lang)),
        (t("source", lang), layer.source_text(lang=lang)),
        (t("licence", lang), layer.licence),
        (t("level", lang), t(view.level, lang)),
        (t("area", lang), area_label(view.area, lang)),
        (t("normalisation", lang), normalisation_text(layer.siblings, view.norm, lang)),
        (t("classification", lang), _classification_text(data)),
        (
            t("export_breaks", lang),
            ", ".join(format_number(b, layer) for b in (c.lower, *c.upper_bounds)) if c is not None else "",
        ),
        (t("palette", lang), (view.palette or layer.palette) + (t("reversed", lang) if view.reverse else "")),
        (t("export_value_filter", lang), _range_text(data)),
        (t("export_date", lang), date.isoformat()),
        (t("export_view", lang), "&".join(f"{k}={v}" for k, v in to_query_params(view).items())),
        (t("notes", lang), layer.notes(lang)),
    ]
    if not data.unmapped.empty:
        rows.append(
            (
                t("export_unmapped", lang),
                ", ".join(f"{code} {region_name(str(code), lang)}" for code in data.unmapped["adcode"]),
            )
        )
    return rows


def xlsx_bytes(data: MapData, date: dt.date | None = None) -> bytes:
    """A data sheet and a metadata sheet (title, unit, year, source, classification, export date)."""
    lang = data.view.lang
    date = date or dt.date.today()
    meta = pd.DataFrame(metadata_rows(data, date), columns=[t("export_field", lang), t("value", lang)])
    buf = io.BytesIO()
    # Text stays text: without these options xlsxwriter turns "=…" into a live formula and "510100" into a number.
    options = {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}
    with pd.ExcelWriter(buf, engine="xlsxwriter", engine_kwargs={"options": options}) as writer:
        neutral_frame(view_table(data)).to_excel(writer, sheet_name=t("export_data_sheet", lang), index=False)
        neutral_frame(meta).to_excel(writer, sheet_name=t("export_meta_sheet", lang), index=False)
        writer.sheets[t("export_data_sheet", lang)].set_column(0, 0, 18)
        writer.sheets[t("export_meta_sheet", lang)].set_column(0, 1, 28)
    return buf.getvalue()


def regions_frame(boundaries: gpd.GeoDataFrame, data: MapData) -> gpd.GeoDataFrame:
    """The shown regions with their values, ranks, classes and colours, plus layer metadata fields."""
    layer, lang = data.layer, data.view.lang
    table = data.table.assign(cls_label=class_labels(data))
    out = boundaries[["adcode", "geometry"]].merge(table, on="adcode", how="inner")
    value = out["value"] if layer.is_categorical else out["value"].astype(float)
    return gpd.GeoDataFrame(
        {
            "adcode": out["adcode"].astype(str),
            "name": out["label"].astype(str),  # 市中区（内江）: a name used twice carries its prefecture
            "parent_adcode": out["parent_adcode"].astype(str),
            "value": value.astype(object) if layer.is_categorical else value,
            "unit": layer.unit(lang),
            "rank": out["rank"].astype("float64"),
            "status": out["status"].astype(str),
            "class": out["cls_label"].astype(object),
            "colour": out["colour"].astype(str),
            "layer": layer.title(lang),
            "year": layer.year_label(lang),
            "source": layer.source_text(lang=lang),
        },
        geometry=out.geometry.values,
        crs="EPSG:4326",
    )


def geo_bytes(boundaries: gpd.GeoDataFrame, data: MapData, fmt: str) -> bytes:
    """GeoJSON or GeoPackage of the shown regions, in the datum of ``boundaries`` (WGS84 or GCJ-02)."""
    driver = {"geojson": "GeoJSON", "gpkg": "GPKG"}[fmt]
    # ~0.1 m: the web boundaries are simplified far more coarsely than that, so nothing is lost.
    options = {"COORDINATE_PRECISION": 6} if fmt == "geojson" else {}
    buf = io.BytesIO()
    name = f"{data.layer.id}_{data.view.level}"
    pyogrio.write_dataframe(regions_frame(boundaries, data), buf, driver=driver, layer=name, layer_options=options)
    return buf.getvalue()
