"""``coverage-atlas`` / ``python -m app``: command-line entry point."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _serve(args: argparse.Namespace) -> int:
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(ROOT / "streamlit_app.py"),
        "--server.port",
        str(args.port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
    ]
    return subprocess.call(cmd)


def _resolve(args: argparse.Namespace) -> int:
    from geodata import RegionLookupError, gazetteer

    status = 0
    for query in args.names:
        try:
            code = gazetteer().resolve(query, args.level)
            print(f"{query}\t{code}\t{gazetteer().full_label(code)}")
        except RegionLookupError as exc:
            print(f"{query}\terror: {exc}", file=sys.stderr)
            status = 1
    return status


def _build_cache(args: argparse.Namespace) -> int:
    from geodata import load_boundaries

    for level in ("province", "prefecture", "county"):
        for detail in ("web", "full"):
            for datum in ("wgs84", "gcj02"):
                gdf = load_boundaries(level, detail=detail, datum=datum)
                print(f"{level:<10} {detail:<4} {datum:<5} {len(gdf):>3} regions")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="coverage-atlas", description="Sichuan Coverage Atlas")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("serve", help="start the web app")
    p.add_argument("--port", type=int, default=8501)
    p.set_defaults(func=_serve)
    p = sub.add_parser("resolve", help="resolve region names or codes to current six-digit codes")
    p.add_argument("names", nargs="+")
    p.add_argument("--level", choices=["province", "prefecture", "county"])
    p.set_defaults(func=_resolve)
    p = sub.add_parser("build-cache", help="precompute the processed boundaries on disk")
    p.set_defaults(func=_build_cache)
    from app.export.cli import add_subcommands  # export, atlas

    add_subcommands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)
