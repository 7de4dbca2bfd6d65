"""Every use of Streamlit beyond its documented API, in one place.

Each has a test in tests/test_streamlit_internals.py (or the browser test named below) that fails loudly when a
Streamlit release changes it; the pinned range in pyproject.toml is what these were checked against. Where a
public API does the job, it is used instead (``st.context.headers``, ``st.query_params``, ``st.context.ip_address``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from streamlit.runtime.scriptrunner import get_script_run_ctx


def is_history_navigation() -> bool:
    """Whether this run was started by the browser's Back/Forward. Streamlit marks such reruns on the run's
    context (``ScriptRunContext.is_history_navigation``, no public API): the sidebar re-reads the address then."""
    ctx = get_script_run_ctx()
    return bool(ctx is not None and ctx.is_history_navigation)


def wait_for_rerun_request(seconds: float, probe: Callable[[], object]) -> None:
    """Wait up to ``seconds`` for a rerun to be requested (a component's report), touching session state all along:
    Streamlit stops a run that a rerun request overtakes at its next access to session state, so the loop ends
    there. Checked by tests/test_browser_rerun.py (a new session's map comes first, then the sidebar)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        time.sleep(0.05)
        probe()


# ``data-testid`` names the page's CSS selects (print layout, wrapping metric labels). Streamlit gives no stable
# class names; tests/test_browser_presentation.py checks that each of these is on the page.
TESTIDS = (
    "stSidebar",
    "stHeader",
    "stMain",
    "stMainBlockContainer",
    "stElementContainer",
    "stVerticalBlock",
    "stHorizontalBlock",
    "stColumn",
    "stExpander",
    "stMetricLabel",
    "stMetricValue",
    "stRadio",
    "stCaptionContainer",
)
TESTIDS_SOMETIMES = ("stDecoration", "stStatusWidget", "stToolbar", "stLayoutWrapper", "stMetricDelta")
# The file uploader's parts that app/ui/upload.py words in Chinese (its button and limit line); on the page once the
# upload section is open (tests/test_browser_language.py opens it).
TESTIDS_UPLOADER = ("stFileUploaderDropzone", "stFileUploaderDropzoneInstructions", "stMarkdownContainer")


def run_server(script: str, options: Sequence[str]) -> int:
    """``streamlit run script options…`` in this process (Streamlit's command-line entry, ``streamlit.web.cli``);
    returns its exit status. A module that declares a component registers it only when first imported inside a
    script run, so nothing that declares one may be imported in this process before the first session."""
    from streamlit.web import cli  # the server's own modules, loaded with the server

    try:
        cli.main(args=["run", script, *options], prog_name="streamlit")
    except SystemExit as exc:  # click ends with sys.exit
        return exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
    return 0


def server_logger(name: str):  # -> logging.Logger configured by Streamlit (its level and format)
    from streamlit.logger import get_logger

    return get_logger(name)


__all__ = [
    "TESTIDS",
    "TESTIDS_UPLOADER",
    "is_history_navigation",
    "run_server",
    "server_logger",
    "wait_for_rerun_request",
]
