"""``coverage-atlas export`` and ``coverage-atlas atlas``: the export subcommands of the CLI.

A view comes from flags, from the app's shareable address (``--url``), or both (flags win); it goes
through :func:`app.core.viewstate.from_query_params` like the page's address does, so the file equals the
view on screen. Unlike the page, which falls back to defaults with a notice, the CLI refuses a bad
value: one line on stderr naming the valid choices, exit status 2, nothing written.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import sys
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn
from urllib.parse import parse_qs, urlsplit

from app.cli.text import printable
from app.export.paper import MAP_USE_NOTE, MAX_DPI, MIN_DPI, PAPERS
from geodata.files import write_bytes_atomically

if TYPE_CHECKING:
    import geopandas as gpd

    from app.core.viewstate import ViewState
    from app.export.paper import PrintOptions
    from layers import Registry

FORMATS = ("png", "svg", "pdf", "html", "csv", "xlsx", "geojson", "gpkg")  # app.export.build.FORMATS
ERROR_STATUS = 2
# flag -> URL parameter of app.core.viewstate
VIEW_FLAGS = {
    "layer": "layer",
    "year": "year",
    "level": "level",
    "area": "area",
    "norm": "norm",
    "scheme": "scheme",
    "k": "k",
    "breaks": "breaks",
    "palette": "palette",
    "reverse": "rev",
    "min": "min",
    "max": "max",
    "lang": "lang",
    "basemap": "basemap",
}


LAYER_KEYS = ("layer", "layer_b")  # the URL parameters that name a layer


class UsageError(ValueError):
    """A bad argument; the message is the one line the user sees."""


def one_line_errors(parser: argparse.ArgumentParser) -> None:
    """argparse prints the usage and then the error; a script's log should get one line instead."""

    def error(message: str) -> NoReturn:
        print(f"{parser.prog}: error: {printable(message)}", file=sys.stderr)
        raise SystemExit(ERROR_STATUS)

    parser.error = error  # type: ignore[method-assign]


def add_subcommands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export", help="export the current view: print map, HTML or data file")
    one_line_errors(p)
    p.add_argument("--url", help="the app's shareable address (http://…/?layer=…&level=…); flags override it")
    p.add_argument("--layer")
    p.add_argument("--level")
    p.add_argument("--year", help="the year of a time-series layer (townships_by_year, villages_by_year)")
    p.add_argument("--area", help="all, region:ID, group:ID or a prefecture code")
    p.add_argument("--norm")
    p.add_argument("--scheme")
    p.add_argument("--k")
    p.add_argument("--breaks", help="comma-separated numbers (with --scheme manual)")
    p.add_argument("--palette")
    p.add_argument("--reverse", choices=["0", "1"], help="reverse the palette")
    p.add_argument("--min", help="value filter: lower bound (regions outside are greyed)")
    p.add_argument("--max", help="value filter: upper bound")
    p.add_argument("--lang")
    p.add_argument("--basemap", help="for --format html")
    p.add_argument("--format", required=True, choices=FORMATS)
    p.add_argument("--out", required=True, help="file to write (written to a temporary file, then renamed)")
    p.add_argument("--dpi", type=int, default=150, help=f"{MIN_DPI}–{MAX_DPI}: 150 screen, 300 print, 600 poster")
    p.add_argument("--paper", default="a4-landscape", choices=list(PAPERS))
    p.add_argument("--title", help="default: the layer title")
    p.add_argument("--subtitle", help="default: year · level · area")
    p.add_argument("--note", help=f"map-use note (default: {MAP_USE_NOTE['zh']})")
    p.add_argument("--no-labels", action="store_true", help="no region names on the print map")
    p.add_argument("--datum", default="wgs84", choices=["wgs84", "gcj02"], help="for GeoJSON / GeoPackage")
    p.set_defaults(func=_export)

    p = sub.add_parser("atlas", help="every layer at every level: one multi-page PDF, PNGs and an index.html")
    one_line_errors(p)
    p.add_argument("--out", required=True, help="directory to write into (created if missing)")
    p.add_argument("--formats", default="pdf,png", help="comma-separated: pdf, png")
    p.add_argument("--lang", default="zh", choices=["zh", "en"])
    p.add_argument("--dpi", type=int, default=150)
    p.add_argument("--paper", default="a4-landscape", choices=list(PAPERS))
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="processes drawing maps (default: CPUs)")
    p.set_defaults(func=_atlas)


def _choices(values: Iterable[object]) -> str:
    return ", ".join(str(v) for v in values)


def _params(args: argparse.Namespace) -> tuple[dict[str, str], dict[str, str]]:
    """URL parameters of the requested view and, for messages, where each came from."""
    params: dict[str, str] = {}
    origin: dict[str, str] = {}
    if args.url:
        parts = urlsplit(args.url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise UsageError(f"--url {args.url!r} is not an http(s) address such as http://localhost:8501/?layer=…")
        for key, values in parse_qs(parts.query, keep_blank_values=True).items():
            if len(set(values)) > 1:  # the page takes the last one with a notice; a command refuses
                raise UsageError(
                    f"--url parameter {key}= is given {len(values)} times ({', '.join(values)}); give it once"
                )
            params[key] = values[-1]
            origin[key] = f"--url parameter {key}="
    for flag, key in VIEW_FLAGS.items():
        value = getattr(args, flag)
        if value is not None:
            params[key] = value
            origin[key] = f"--{flag}"
    return params, origin


def _check(params: dict[str, str], origin: dict[str, str], registry: Registry) -> None:
    """Every parameter against its valid choices, so the message can name them."""
    from app.core.basemaps import BASEMAPS
    from app.core.palettes import PALETTES
    from app.core.viewstate import _KEYS as URL_KEYS
    from app.core.viewstate import COMPARE_FIELDS, LANGS, _valid_area
    from geodata.codes import gazetteer
    from geodata.regions import ECONOMIC_REGIONS
    from layers.classify import MAX_CLASSES, MIN_CLASSES, SCHEMES
    from layers.groups import GROUPS

    layers = [layer.id for layer in registry.list_layers()]

    def bad(key: str, valid: str) -> NoReturn:
        raise UsageError(f"{origin[key]} {params[key]!r} is not valid; choose from: {valid}")

    def number(text: str) -> bool:
        try:
            return math.isfinite(float(text))
        except ValueError:
            return False

    # A compare page's address carries its own parameters (checked by from_query_params like the page does).
    compare = ["mode", *(URL_KEYS[f] for f in sorted(COMPARE_FIELDS))]
    unknown = sorted(set(params) - set(VIEW_FLAGS.values()) - {"sel", *compare})
    if unknown:
        known = f"{_choices(VIEW_FLAGS.values())}, sel, and from a compare address {_choices(compare)}"
        raise UsageError(f"{origin[unknown[0]]}: unknown parameter; known: {known}")
    simple: dict[str, tuple[Callable[[str], bool], str]] = {
        "layer": (lambda v: v in layers, _choices(layers)),
        "level": (lambda v: v in ("prefecture", "county"), "prefecture, county"),
        "scheme": (lambda v: v in SCHEMES, _choices(SCHEMES)),
        "k": (lambda v: v.isdigit() and MIN_CLASSES <= int(v) <= MAX_CLASSES, f"{MIN_CLASSES}–{MAX_CLASSES}"),
        "breaks": (lambda v: bool(v) and all(number(b) for b in v.split(",")), "comma-separated numbers"),
        "palette": (lambda v: v in PALETTES, _choices(PALETTES)),
        "rev": (lambda v: v in ("0", "1"), "0, 1"),
        "min": (number, "a number"),
        "max": (number, "a number"),
        "lang": (lambda v: v in LANGS, _choices(LANGS)),
        "basemap": (lambda v: v in BASEMAPS, _choices(BASEMAPS)),
        "area": (
            _valid_area,
            "all, "
            + _choices(f"region:{r}" for r in ECONOMIC_REGIONS)
            + ", "
            + _choices(f"group:{g}" for g in GROUPS)
            + ", or a prefecture code: "
            + _choices(d.adcode for d in gazetteer().current("prefecture")),
        ),
    }
    for key, (valid, choices) in simple.items():
        if key in params and not valid(params[key]):
            bad(key, choices)
    layer = registry.get(params.get("layer", "elderly_per_township_2021"))
    if "level" in params and params["level"] not in layer.levels:
        bad("level", f"{_choices(layer.levels)} (the levels of {layer.id})")
    if "year" in params and params["year"] not in [str(y) for y in layer.years]:
        bad(
            "year",
            f"{_choices(layer.years)} (the years of {layer.id})" if layer.years else f"none ({layer.id} has one)",
        )
    if "norm" in params and params["norm"] not in ("absolute", *layer.normalise_by):
        bad("norm", f"{_choices(('absolute', *layer.normalise_by))} (what {layer.id} offers)")
    if params.get("scheme") == "manual" and not params.get("breaks"):
        raise UsageError("--scheme manual needs --breaks (comma-separated numbers)")


def view_from_args(args: argparse.Namespace, registry: Registry) -> ViewState:
    """The ViewState the page would show for the same address; a UsageError for anything invalid."""
    from app.core.viewstate import from_query_params

    params, origin = _params(args)
    _check(params, origin, registry)
    view, notices = from_query_params(dict(params), registry)
    if notices:
        raise UsageError(notices[0].text("en"))
    return view


def write_atomically(path: Path, produce: Callable[[], bytes]) -> int:
    """Write ``produce()`` to ``path`` whole or not at all (never a half-written file)."""
    if not path.parent.is_dir():
        raise UsageError(f"--out {str(path)!r}: directory {str(path.parent)!r} does not exist")
    return write_bytes_atomically(path, produce())


def _fail(prog: str, message: str) -> int:
    print(f"{prog}: error: {printable(message)}", file=sys.stderr)  # echoed values shown, never obeyed
    return ERROR_STATUS


def _load(level: str, detail: str, datum: str) -> gpd.GeoDataFrame:
    from geodata.boundaries import load_boundaries

    return load_boundaries(level, detail=detail, datum=datum)


def _export(args: argparse.Namespace) -> int:
    from app.core import mapdata
    from app.export.build import ExportOptions, export_data
    from app.export.paper import PrintOptionError, PrintOptions

    prog = "coverage-atlas export"
    try:
        registry = export_registry(prog, _params(args)[0])
        view = view_from_args(args, registry)
        options = ExportOptions(
            print=PrintOptions(
                title=args.title,
                subtitle=args.subtitle,
                note=args.note,
                paper=args.paper,
                dpi=args.dpi,
                labels=not args.no_labels,
                date=dt.date.today(),
            ),
            datum=args.datum,
        )
        out = Path(args.out)
        if view.is_compare:  # an address copied from the compare page exports that compare view
            size = write_atomically(out, _compare_export(registry, view, args.format, options.print))
        else:
            data = mapdata.map_data(mapdata.effective_layer(registry, view), view)
            if data.error:
                raise UsageError(data.error)
            size = write_atomically(out, lambda: export_data(data, args.format, _load, options))
    except (UsageError, PrintOptionError) as exc:
        return _fail(prog, str(exc))
    print(f"wrote {printable(str(out))} ({size:,} bytes)")
    return 0


def _compare_export(registry: Registry, view: ViewState, fmt: str, options: PrintOptions) -> Callable[[], bytes]:
    """What the compare page's Export section gives for the same view: the bivariate map or the two panels
    (png/pdf/svg), or the view's table (csv); a UsageError names the formats the view has."""
    from app.core.compare import compare_data
    from app.export import compare as compare_export

    fmts = [*(("png", "pdf", "svg") if view.compare_view in compare_export.PRINT_VIEWS else ()), "csv"]
    if fmt not in fmts:
        raise UsageError(
            f"--format {fmt!r} is not available for the compare view {view.compare_view!r}; "
            f"choose from: {_choices(fmts)}"
        )
    data = compare_data(registry, view)
    if fmt == "csv":
        return lambda: compare_export.data_file(data, view.compare_view)
    shapes = _load(view.level, "web", "wgs84")
    return lambda: compare_export.render(shapes, data, options, fmt, view.compare_view)


def export_registry(prog: str, params: Mapping[str, str]) -> Registry:
    """The shipped layers when the view names only shipped ones, else shipped and saved layers.

    The store (sqlalchemy, ~0.3 s of CPU to import) is opened only for a saved layer: most exports need none."""
    from layers import default_registry

    shipped = default_registry()
    named = [params[key] for key in LAYER_KEYS if params.get(key)]
    return shipped if all(layer_id in shipped for layer_id in named) else user_registry(prog)


def user_registry(prog: str) -> Registry:
    """Shipped and saved layers: user layers export like shipped ones (``--layer user_3``, and in the atlas)."""
    from layers import default_registry
    from layers.userlayers import full_registry

    try:
        return full_registry()
    except Exception as exc:  # the store cannot be read: the shipped layers still export
        print(f"{prog}: warning: user layers unavailable ({exc}); shipped layers only", file=sys.stderr)
        return default_registry()


def _atlas(args: argparse.Namespace) -> int:
    from app.export.atlas import ATLAS_FORMATS, AtlasError, build_atlas
    from app.export.paper import PrintOptionError, PrintOptions

    prog = "coverage-atlas atlas"
    formats = tuple(f.strip() for f in args.formats.split(",") if f.strip())
    bad = [f for f in formats if f not in ATLAS_FORMATS]
    if bad or not formats:
        return _fail(prog, f"--formats {args.formats!r} is not valid; choose from: {_choices(ATLAS_FORMATS)}")
    try:
        options = PrintOptions(paper=args.paper, dpi=args.dpi)
        report = build_atlas(
            Path(args.out),
            formats=formats,
            lang=args.lang,
            options=options,
            progress=True,
            workers=args.workers,
            registry=user_registry(prog),
        )
    except (AtlasError, PrintOptionError) as exc:
        return _fail(prog, str(exc))
    print(f"wrote {report.pages} map pages to {args.out}; {len(report.skipped)} not drawable")
    for layer_id, level, reason in report.skipped:
        print(f"  not drawn: {layer_id} ({level}): {reason}")
    return 0
