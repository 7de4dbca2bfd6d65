"""The server process of ``coverage-atlas serve``: Streamlit, and beside it a thread that readies the default page.

A new session's first script run used to import the page's modules (pandas, folium, geopandas, scipy, mapclassify,
sqlalchemy …: most of a cold start) and then build the default view (boundaries, geometry file, map frame, figures).
Here a thread does both while the server starts and the first browser loads Streamlit's frontend: the session's run
finds the modules imported and the default view in the process's caches (app/cache.py). Where it comes early, it
waits for the thread rather than doing the work twice (Python's import locks, Streamlit's per-key cache locks).

    python -m app.serving [streamlit run options]   (``coverage-atlas serve`` starts this)
"""

from __future__ import annotations

import ast
import importlib
import logging
import sys
import threading
import time
from pathlib import Path

PAGE = Path(__file__).resolve().parents[1] / "streamlit_app.py"
# A module that declares a Streamlit component registers it with the server only when it is first imported inside
# a script run; imported here first, the page's map would have no component. Left to the first session (light once
# folium & co. are loaded): streamlit_folium, and the compare page, which imports it through its widgets.
DECLARES_COMPONENTS = ("streamlit_folium", "app.compare.page")
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
    components. ``from app import cache`` imports the submodule ``app.cache``. Returns the modules imported."""
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


def ready_default_page() -> None:
    """The page's modules, then the default view in the process's caches (``app.cache.warm_first``)."""
    try:
        start = time.perf_counter()
        import_page_modules()
        imported = time.perf_counter()
        from app.cache import warm_first

        warm_first()
        from streamlit.logger import get_logger  # configured by Streamlit, unlike this module's logger

        get_logger(__name__).info(
            "default page ready: modules imported in %.1f s, default view built in %.1f s",
            imported - start,
            time.perf_counter() - imported,
        )
    except Exception:  # a session builds whatever it needs itself; this is only a head start
        log.exception("readying the default page failed")


def server_options() -> list[str]:
    """Streamlit options taken from the atlas's own settings: the upload limit (COVERAGE_ATLAS_UPLOAD_MAX_MB), so
    that the browser refuses a file over it before sending it rather than the page after receiving it."""
    from layers.uploads import max_upload_mb

    return ["--server.maxUploadSize", str(max_upload_mb())]


def main(argv: list[str] | None = None) -> int:
    """``streamlit run streamlit_app.py`` with ``argv`` as its options, in this process, beside the thread."""
    from streamlit.web import bootstrap, cli  # the server's own modules first: the thread imports the page's

    del bootstrap
    threading.Thread(target=ready_default_page, name="ready-default-page", daemon=True).start()
    args = ["run", str(PAGE), *server_options(), *(sys.argv[1:] if argv is None else argv)]
    try:
        cli.main(args=args, prog_name="streamlit")
    except SystemExit as exc:  # click ends with sys.exit
        return exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
