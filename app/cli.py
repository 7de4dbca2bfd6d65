"""``coverage-atlas`` / ``python -m app``: command-line entry point."""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


# The boundaries of the default page (counties, overview detail, GCJ-02 for the Amap basemap: app.mapbuild decides;
# tests/test_serving.py checks that these are its choice), named here so that ``serve`` builds them without
# importing the UI's modules.
DEFAULT_PAGE_BOUNDARIES = ("county", "overview", "gcj02")


def _background() -> None:
    """Run this process only when a core is otherwise idle (Linux SCHED_IDLE; elsewhere nice 10): at nice 10 the
    rest of the warming still took about a third of a core from a first session's cold start on a busy machine."""
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    except (AttributeError, OSError):
        os.nice(10)


def config_problems() -> list[str]:
    """What is wrong with the settings the server reads at start (upload limit, store, sign-in), one line each."""
    from app.auth import settings_problems
    from app.i18n import t
    from layers.uploads import upload_limit_problem
    from layers.userstore import store_url_problem

    problems = [upload_limit_problem(), str(store_url_problem() or "") or None]
    problems += [t(f"auth_{key}", "en", **kw) for key, kw in settings_problems()]
    return [_printable(p) for p in problems if p]


def _serve(args: argparse.Namespace) -> int:
    problems = config_problems()
    for problem in problems:  # a deployment's typo is fixed before anyone uses the page, not found there
        print(f"coverage-atlas serve: error: {problem}", file=sys.stderr)
    if problems:
        return 2
    # The server starts at once (app/serving.py: it imports the page's modules and readies the default view in its
    # own caches beside the server). Meanwhile this process builds the default page's boundaries on disk, importing
    # only geodata, on the other core; then, at low priority, the other levels, details, datums and geometry
    # files. Builds are locked per cache folder (geodata.boundaries), so whoever comes second reads the first's file.
    cmd = [
        sys.executable,
        "-m",
        "app.serving",
        "--server.port",
        str(args.port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
    ]
    server = subprocess.Popen(cmd)
    try:
        try:
            from geodata import load_boundaries

            level, detail, datum = DEFAULT_PAGE_BOUNDARIES
            load_boundaries(level, detail=detail, datum=datum)
            _background()  # this process only: the server keeps its priority
            from app.cache import warm

            warm()
        except Exception:  # the server builds whatever it needs itself; warming is only a head start
            logging.getLogger(__name__).exception("warming the boundary cache failed")
        return server.wait()
    except KeyboardInterrupt:  # Ctrl+C reaches the server too (same process group); wait for it to stop
        return server.wait()
    finally:
        if server.poll() is None:
            server.terminate()
            server.wait(10)


def _port(text: str) -> int:
    """A TCP port for ``serve --port``: argparse turns the ValueError into a one-line usage error."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port number (1-65535)")
    return port


def _printable(text: str) -> str:
    """Echoed input with control characters (ANSI escapes, tabs, newlines) shown as escapes, not obeyed:
    the output stays one tab-separated line per name and cannot recolour or rewrite the terminal."""
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)


def _resolve(args: argparse.Namespace) -> int:
    from geodata import RegionLookupError, gazetteer

    status = 0
    for query in args.names:
        try:
            code = gazetteer().resolve(query, args.level)
            print(f"{_printable(query)}\t{code}\t{gazetteer().full_label(code)}")
        except RegionLookupError as exc:
            print(f"{_printable(query)}\terror: {_printable(str(exc))}", file=sys.stderr)
            status = 1
    return status


def _build_cache(args: argparse.Namespace) -> int:
    from geodata import load_boundaries
    from geodata.boundaries import DETAILS, is_cached

    status = 0
    for level in ("province", "prefecture", "county"):
        for detail in DETAILS:  # every detail the app draws, "overview" included
            for datum in ("wgs84", "gcj02"):
                gdf = load_boundaries(level, detail=detail, datum=datum)
                if is_cached(level, detail, datum):
                    print(f"{level:<10} {detail:<8} {datum:<5} {len(gdf):>3} regions")
                else:
                    print(f"error: could not write the {level} {detail} {datum} cache", file=sys.stderr)
                    status = 1
    if status:
        print(
            "error: the boundary cache is not writable; set COVERAGE_ATLAS_CACHE to a writable folder", file=sys.stderr
        )
    return status


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="coverage-atlas", description="Sichuan Coverage Atlas")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("serve", help="start the web app")
    p.add_argument("--port", type=_port, default=8501)
    p.set_defaults(func=_serve)
    p = sub.add_parser("resolve", help="resolve region names or codes to current six-digit codes")
    p.add_argument("names", nargs="+")
    p.add_argument("--level", choices=["province", "prefecture", "county"])
    p.set_defaults(func=_resolve)
    p = sub.add_parser("build-cache", help="precompute the processed boundaries on disk")
    p.set_defaults(func=_build_cache)
    from app.export.cli import add_subcommands  # export, atlas
    from app.importer import add_subcommand as add_import

    add_subcommands(sub)
    add_import(sub)
    return parser


def _dash_values(parser: argparse.ArgumentParser, argv: list[str]) -> list[str]:
    """``--source -2+3`` as ``--source=-2+3``: argparse takes a value that begins with "-" for an option unless it
    looks like a plain negative number. An option's next word is its value unless it is one of the command's own
    options (or a prefix of one), so ``--title --unit u`` still says that --title lacks its value."""
    if not argv:
        return argv
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    command = commands.choices.get(argv[0])
    if command is None:
        return argv
    options = [o for a in command._actions for o in a.option_strings]
    takes_value = {o for a in command._actions if a.option_strings and a.nargs != 0 for o in a.option_strings}
    out = [argv[0]]
    words = iter(argv[1:])
    for word in words:
        if word in takes_value:
            value = next(words, None)
            if value is None:
                out.append(word)
            elif value.startswith("-") and value != "-" and not any(o.startswith(value.split("=")[0]) for o in options):
                out.append(f"{word}={value}")
            else:
                out += [word, value]
        else:
            out.append(word)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(_dash_values(parser, list(sys.argv[1:] if argv is None else argv)))
    if args.func is _serve:
        return int(args.func(args))
    # Outside a server, Streamlit's caches and the compare views' modules log "no runtime" notes to stderr,
    # where a command's own errors go: only Streamlit's errors are kept there.
    from streamlit import config, logger

    config.get_option("logger.level")  # parsing the config sets the level, so it comes first
    before = logger._global_log_level
    logger.set_log_level("error")
    try:
        return int(args.func(args))
    finally:
        logger.set_log_level(before)
