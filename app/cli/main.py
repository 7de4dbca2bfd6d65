"""``coverage-atlas`` / ``python -m app``: command-line entry point.

No subcommand imports Streamlit: ``serve`` replaces this process with the server (app/ui/serving.py).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys

from app.cli import brief, export, importing
from app.cli.text import printable
from app.webmap.site import prepare_site, site_dir


def _serve(args: argparse.Namespace) -> int:
    """Replace this process with the Streamlit server (the parent would otherwise stay resident, idle, holding
    what it imported). The server readies the default page itself and warms the rest in a child process.
    With ``--instances N`` (N > 1), N servers run behind nginx (app/cli/instances.py)."""
    script = prepare_site()
    if args.instances > 1:
        from app.cli import instances

        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # so that the servers and nginx are stopped too
        try:
            proxy = site_dir() / "proxy"
            return instances.serve(script, args.port, args.instances, proxy, address=args.address or "0.0.0.0")
        except instances.InstancesError as exc:
            print(f"coverage-atlas serve: error: {exc}", file=sys.stderr)
            return 2
    argv = [sys.executable, "-m", "app.ui.serving", str(script), "--server.port", str(args.port)]
    if args.address:
        argv += ["--server.address", args.address]
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(sys.executable, argv)
    return 0  # not reached


def _port(text: str) -> int:
    """A TCP port for ``serve --port``: argparse turns the ValueError into a one-line usage error."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port number (1-65535)")
    return port


def _instances(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of instances") from None
    if not 1 <= n <= (os.cpu_count() or 1) * 4:
        raise argparse.ArgumentTypeError(f"{n} instances: give 1 to {(os.cpu_count() or 1) * 4}")
    return n


def _resolve(args: argparse.Namespace) -> int:
    from geodata.codes import RegionLookupError, gazetteer  # the gazetteer alone: no boundaries, no geopandas

    status = 0
    for query in args.names:
        try:
            code = gazetteer().resolve(query, args.level)
            print(f"{printable(query)}\t{code}\t{gazetteer().full_label(code)}")
        except RegionLookupError as exc:
            print(f"{printable(query)}\terror: {printable(str(exc))}", file=sys.stderr)
            status = 1
    return status


def _build_cache(args: argparse.Namespace) -> int:
    from app.webmap.geometry import publish_all
    from geodata.boundaries import DETAILS, is_cached, load_boundaries

    status = 0
    for level in ("province", "prefecture", "county"):
        for detail in DETAILS:  # every detail the app draws, "overview" included
            for datum in ("wgs84", "gcj02"):
                gdf = load_boundaries(level, detail=detail, datum=datum)
                if is_cached(level, detail, datum):
                    if not args.quiet:
                        print(f"{level:<10} {detail:<8} {datum:<5} {len(gdf):>3} regions")
                else:
                    print(f"error: could not write the {level} {detail} {datum} cache", file=sys.stderr)
                    status = 1
    if status:
        print(
            "error: the boundary cache is not writable; set COVERAGE_ATLAS_CACHE to a writable folder", file=sys.stderr
        )
        return status
    prepare_site()
    files = publish_all()
    if not args.quiet:
        print(f"page geometry: {len(files)} files")
    return status


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="coverage-atlas", description="Sichuan Coverage Atlas")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("serve", help="start the web app")
    p.add_argument("--port", type=_port, default=8501)
    p.add_argument("--address", help="address to listen on (default: every interface)")
    p.add_argument("--instances", type=_instances, default=1, help="server processes behind nginx (default 1)")
    p.set_defaults(func=_serve)
    p = sub.add_parser("resolve", help="resolve region names or codes to current six-digit codes")
    p.add_argument("names", nargs="+")
    p.add_argument("--level", choices=["province", "prefecture", "county"])
    p.set_defaults(func=_resolve)
    p = sub.add_parser("build-cache", help="precompute the processed boundaries and the page's geometry files")
    p.add_argument("--quiet", action="store_true", help="print errors only")
    p.set_defaults(func=_build_cache)
    export.add_subcommands(sub)
    importing.add_subcommand(sub)
    brief.add_subcommand(sub)
    return parser


# Options that take free text or a number (a title, a source, a bound, breaks …): a value that begins with "-"
# is still their value.
FREE_TEXT_OPTIONS = frozenset(
    {"--title", "--subtitle", "--note", "--unit", "--year", "--source", "--url", "--region-column", "--value-column"}
    | {"--min", "--max", "--breaks"}
)


def _dash_values(argv: list[str]) -> list[str]:
    """``--source -2+3`` as ``--source=-2+3``: argparse reads a word that begins with "-" as the next option unless
    it looks like a plain negative number, so a free-text value such as "-2+3" would be refused."""
    out: list[str] = []
    words = iter(argv)
    for word in words:
        if word in FREE_TEXT_OPTIONS:
            value = next(words, None)
            if value is None:
                out.append(word)
            elif value.startswith("-") and value != "-" and not value.startswith("--"):
                out.append(f"{word}={value}")
            else:
                out += [word, value]
        else:
            out.append(word)
    return out


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(_dash_values(list(sys.argv[1:] if argv is None else argv)))
    return int(args.func(args))
