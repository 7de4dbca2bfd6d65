"""The server process of ``coverage-atlas serve``: Streamlit, and beside it a thread that readies the default page.

A new session's first script run used to import the page's modules (pandas, folium, geopandas, scipy, mapclassify,
sqlalchemy …: most of a cold start) and then build the default view (boundaries, geometry file, map frame, figures).
Here a thread does both while the server starts and the first browser loads Streamlit's frontend: the session's run
finds the modules imported and the default view in the process's caches (app/ui/cache.py). Where it comes early, it
waits for the thread rather than doing the work twice (Python's import locks, Streamlit's per-key cache locks).

    python -m app.ui.serving SCRIPT [streamlit run options]   (``coverage-atlas serve`` becomes this)
"""

from __future__ import annotations

import ast
import importlib
import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from app.ui.streamlit_internals import run_server, server_logger
from geodata.resources import shipped

PAGE = shipped("streamlit_app.py")
# A module that declares a Streamlit component registers it with the server only when it is first imported inside
# a script run; imported here first, the page's map would have no component. Left to the first session (light once
# folium & co. are loaded): streamlit_folium, and the modules that import it: the live map (app/ui/livemap.py) and
# the compare page, through its widgets.
DECLARES_COMPONENTS = ("streamlit_folium", "app.ui.livemap", "app.ui.compare.page")
log = logging.getLogger(__name__)


def page_imports(script: Path = PAGE) -> list[tuple[str, tuple[str, ...]]]:
    """The page script's top-level imports in its order: (module, names imported from it)."""
    out: list[tuple[str, tuple[str, ...]]] = []
    for node in ast.parse(script.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Import):
            out += [(alias.name, ()) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            out.append((node.module, tuple(alias.name for alias in node.names)))
    return out


def import_page_modules(script: Path = PAGE) -> list[str]:
    """Import what the page imports, in the same order (so the session's run, importing alongside, only ever waits
    for this thread: no two threads each holding a module the other needs), except the modules that declare
    components. ``from app.ui import cache`` imports the submodule ``app.ui.cache``. Returns the modules imported."""
    done: list[str] = []
    for module, names in page_imports(script):
        if module in DECLARES_COMPONENTS:
            continue
        package = importlib.import_module(module)
        done.append(module)
        for name in names:
            submodule = f"{module}.{name}"
            if hasattr(package, "__path__") and not hasattr(package, name) and submodule not in DECLARES_COMPONENTS:
                importlib.import_module(submodule)
                done.append(submodule)
    return done


# The server's settings, on its command line so that an installed atlas needs no config file in the working folder
# (.streamlit/config.toml says the same for ``streamlit run streamlit_app.py``; a test keeps the two equal).
SERVER_OPTIONS = {
    "server.headless": "true",
    "server.enableStaticServing": "true",  # the site folder's static/: vendored assets and geometry files
    "server.enableWebsocketCompression": "true",  # a style table is repetitive JSON: deflated to a fraction
    "browser.gatherUsageStats": "false",  # no request to a foreign host (tests/test_offline_browser.py)
    "client.toolbarMode": "minimal",  # a planner's page: no Deploy button, no developer menu
}


def server_flags(extra: Sequence[str] = ()) -> list[str]:
    """SERVER_OPTIONS as ``--key value`` flags; options in ``extra`` (given later) win."""
    return [part for key, value in SERVER_OPTIONS.items() for part in (f"--{key}", value)] + list(extra)


def _background() -> None:
    """Run this process only when a core is otherwise idle (Linux SCHED_IDLE; elsewhere nice 10)."""
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    except (AttributeError, OSError):
        os.nice(10)


def warm_the_rest() -> subprocess.Popen[bytes]:
    """Every other level, detail, datum and geometry file, in a child process at idle priority that exits when
    done (the server keeps only what sessions ask for)."""
    child = subprocess.Popen(
        [sys.executable, "-m", "app", "build-cache", "--quiet"],
        stdin=subprocess.DEVNULL,
        preexec_fn=_background,  # runs in the child before exec, where no thread has started yet
    )
    threading.Thread(target=child.wait, name="warm-the-rest", daemon=True).start()  # reaped when it ends
    return child


def ready_default_page() -> None:
    """The page's modules, then the default view in the process's caches (``app.ui.cache.warm_first``), then the
    rest in a child process."""
    try:
        start = time.perf_counter()
        import_page_modules()
        imported = time.perf_counter()
        from app.ui.cache import warm_first

        warm_first()
        server_logger(__name__).info(
            "default page ready: modules imported in %.1f s, default view built in %.1f s",
            imported - start,
            time.perf_counter() - imported,
        )
        warm_the_rest()
    except Exception:  # a session builds whatever it needs itself; this is only a head start
        log.exception("readying the default page failed")


def main(argv: list[str] | None = None) -> int:
    """``streamlit run SCRIPT`` with the rest of ``argv`` as options, in this process, beside the thread."""
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0].startswith("-"):
        print("usage: python -m app.ui.serving SCRIPT [streamlit run options]", file=sys.stderr)
        return 2
    threading.Thread(target=ready_default_page, name="ready-default-page", daemon=True).start()
    return run_server(args[0], server_flags(args[1:]))


if __name__ == "__main__":
    raise SystemExit(main())
