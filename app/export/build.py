"""One entry point for every export format: a view and options in, file bytes, name and type out.

The page, the CLI and the atlas all call :func:`export_file`; the boundaries come from a loader the
caller passes (the page's process-wide cache, or ``geodata.load_boundaries`` in the CLI).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import geopandas as gpd

from app.core import mapdata
from app.core.mapdata import MapData
from app.core.viewstate import ViewState
from app.export.paper import FORMATS as PRINT_FORMATS
from app.export.paper import PrintOptions

FORMATS = ("png", "svg", "pdf", "html", "csv", "xlsx", "geojson", "gpkg")
DATUMS = ("wgs84", "gcj02")
MIME = {
    "png": "image/png",
    "svg": "image/svg+xml",
    "pdf": "application/pdf",
    "html": "text/html",
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "geojson": "application/geo+json",
    "gpkg": "application/geopackage+sqlite3",
}
BoundaryLoader = Callable[[str, str, str], gpd.GeoDataFrame]  # (level, detail, datum)


class ExportError(ValueError):
    """An export that cannot be made as asked; the message says why."""


@dataclass(frozen=True)
class ExportOptions:
    print: PrintOptions = field(default_factory=PrintOptions)
    datum: str = "wgs84"  # GeoJSON / GeoPackage only: "gcj02" for Amap-aligned data


@dataclass(frozen=True)
class ExportFile:
    data: bytes
    file_name: str
    mime: str


def file_name(view: ViewState, fmt: str) -> str:
    area = "" if view.area == "all" else "_" + view.area.replace(":", "-")
    norm = "" if view.norm == "absolute" else f"_per_{view.norm}"
    return f"sichuan_{view.layer}{norm}_{view.level}{area}.{fmt}"


def export_data(data: MapData, fmt: str, load: BoundaryLoader, options: ExportOptions | None = None) -> bytes:
    options = options or ExportOptions()
    view = data.view
    if fmt not in FORMATS:
        raise ExportError(f"format {fmt!r} is not one of {', '.join(FORMATS)}")
    if options.datum not in DATUMS:
        raise ExportError(f"datum {options.datum!r} is not one of {', '.join(DATUMS)}")
    # Each format's module when it is asked for: matplotlib (print), pyogrio (GeoPackage) take a second to import,
    # which a page that only shows its export options should not pay.
    if fmt in PRINT_FORMATS:
        from app.export import printmap

        return printmap.render(load(view.level, "web", "wgs84"), data, options.print, fmt)
    if fmt == "html":
        from app.export import htmlexport

        shapes = load(view.level, mapdata.boundary_detail(view), mapdata.datum_for(view))
        return htmlexport.html_bytes(shapes, data, title=options.print.title)
    from app.export import datafiles

    if fmt == "csv":
        return datafiles.csv_bytes(data)
    if fmt == "xlsx":
        return datafiles.xlsx_bytes(data, options.print.date)
    return datafiles.geo_bytes(load(view.level, "web", options.datum), data, fmt)


def export_file(data: MapData, fmt: str, load: BoundaryLoader, options: ExportOptions | None = None) -> ExportFile:
    return ExportFile(export_data(data, fmt, load, options), file_name(data.view, fmt), MIME[fmt])
