"""Helpers for browser tests: a real Streamlit server in its own process group, and a Playwright
page whose requests to any host other than this machine are recorded and aborted."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

from app.webmap.site import prepare_site, static_dir

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
FIRST_LOAD_TIMEOUT = 150_000  # ms: the first map of a fresh process builds its caches
TIMEOUT = 60_000
FOLIUM_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
# Every URL except http(s) to this machine. Routing only these keeps the page's own requests out of the Python
# client: a "**/*" route sends each local request there and back too, which slowed a page load by about a third.
NOT_LOOPBACK = re.compile(r"^(?!https?://(?:127\.0\.0\.1|localhost|\[::1\])(?:[:/]|$))")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def page_script(folder: Path, name: str, source: str) -> Path:
    """Write a throwaway Streamlit page to ``folder/name`` with the site folder's static/ linked beside it.

    Streamlit serves <folder of the main script>/static at /app/static, so the vendored files and the
    geometry files app/webmap points at are found there (app/webmap/site.py). Do not name it app.py: the
    script's folder goes first on sys.path and would shadow the ``app`` package.
    """
    script = folder / name
    script.write_text(source, encoding="utf-8")
    prepare_site()
    (folder / "static").symlink_to(static_dir(), target_is_directory=True)
    return script


@contextlib.contextmanager
def atlas_server(*, log_path: Path, timeout: float = 90) -> Iterator[str]:
    """The atlas as ``coverage-atlas serve`` runs it (app/ui/serving.py on the site folder's page script), bound
    to this machine, on a free port; yields the base URL once it answers."""
    with _server(
        ["-m", "app.ui.serving", str(prepare_site())], [], cwd=ROOT, log_path=log_path, timeout=timeout
    ) as url:
        yield url


@contextlib.contextmanager
def streamlit_server(
    script: Path, *, cwd: Path = ROOT, log_path: Path, timeout: float = 90, config_flags: bool = True
) -> Iterator[str]:
    """``streamlit run script`` on a free port; yields the base URL once /_stcore/health answers.

    With ``config_flags=False`` headless mode and usage stats are not set on the command line, so
    they must come from the project config (.streamlit/config.toml under ``cwd``), which a test can
    thereby check. The server gets its own process group, which is ended (TERM, then KILL) on exit.
    """
    flags = ["--server.headless", "true", "--browser.gatherUsageStats", "false"] if config_flags else []
    with _server(["-m", "streamlit", "run", str(script)], flags, cwd=cwd, log_path=log_path, timeout=timeout) as url:
        yield url


@contextlib.contextmanager
def _server(
    command: list[str],
    flags: list[str],
    *,
    cwd: Path,
    log_path: Path,
    timeout: float,
    python: str = sys.executable,
    env: dict[str, str] | None = None,
) -> Iterator[str]:
    """``python command… flags…`` in its own process group, bound to this machine on a free port; yields the base
    URL once /_stcore/health answers. By default the checkout comes first on the server's path."""
    port = free_port()
    flags = ["--server.port", str(port), "--server.address", "127.0.0.1", "--server.fileWatcherType", "none", *flags]
    log = log_path.open("wb")
    proc = subprocess.Popen(
        [python, *command, *flags],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT)} if env is None else env,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(url, proc, log_path, timeout)
        yield url
    finally:
        for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
            try:
                os.killpg(proc.pid, sig)
                proc.wait(wait)
                break
            except ProcessLookupError:
                break
            except subprocess.TimeoutExpired:
                continue
        log.close()


def wait_for_health(url: str, proc: subprocess.Popen, log_path: Path, timeout: float) -> None:
    """Until ``url``/_stcore/health answers; the process's log in the error if it exits or never answers."""
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode}:\n{log_path.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"server not healthy after {timeout:.0f} s:\n{log_path.read_text()}")
        time.sleep(0.3)  # a starting server: nothing to wait on but its answer


@contextlib.contextmanager
def chromium() -> Iterator:
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} missing: run scripts/ensure_system_deps.sh (make test does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class LocalOnlyPage:
    """A fresh browser context; every request to a foreign host is recorded and aborted."""

    def __init__(self, browser, *, viewport=(1400, 1000)):
        self.context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
        self.page = self.context.new_page()
        self.blocked: list[tuple[str, str]] = []  # (resource type, url)
        self.local_errors: list[tuple[int, str]] = []  # local responses >= 400
        self.error_responses: list[tuple[int, str]] = []  # responses >= 400 from any host
        self.page_errors: list[str] = []  # uncaught exceptions, in the page and in its iframes
        self.in_flight: set = set()  # requests sent and not yet answered or failed
        self.network_changed = time.monotonic()
        self.context.add_init_script(RUN_WATCH_JS)  # for wait_for_idle
        self.page.route(NOT_LOOPBACK, self._route)  # covers the component iframes too
        self.page.on("response", self._response)
        self.page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        self.page.on("request", self._sent)
        self.page.on("requestfinished", self._settled)
        self.page.on("requestfailed", self._settled)

    def _sent(self, request):
        self.in_flight.add(request)
        self.network_changed = time.monotonic()

    def _settled(self, request):
        self.in_flight.discard(request)
        self.network_changed = time.monotonic()

    def wait_network_quiet(self, quiet_ms: int = 500, timeout_ms: int = 90_000):
        """Wait until no request has been in flight for ``quiet_ms``, so the request log is complete.

        Playwright's "networkidle" load state does the same but gives up after its own timeout
        without saying which request kept the page busy; this names them."""
        try:
            wait_until(
                self.page,
                lambda: not self.in_flight and time.monotonic() - self.network_changed >= quiet_ms / 1000,
                f"no request in flight for {quiet_ms} ms",
                timeout_ms,
            )
        except AssertionError as error:
            raise AssertionError(f"{error}; still in flight: {[r.url for r in self.in_flight][:5]}") from None

    def _route(self, route):
        request = route.request
        if (urlsplit(request.url).hostname or "") in LOCAL_HOSTS:
            route.continue_()
        else:
            self.blocked.append((request.resource_type, request.url))
            route.abort("blockedbyclient")

    def _response(self, response):
        if response.status >= 400:
            self.error_responses.append((response.status, response.url))
            if (urlsplit(response.url).hostname or "") in LOCAL_HOSTS:
                self.local_errors.append((response.status, response.url))

    def close(self):
        self.context.close()


def wait_until(page, condition, what: str, timeout_ms: int = TIMEOUT, every_ms: int = 200):
    """Poll ``condition`` (Python, over several frames: what one ``expect`` cannot state) until it holds."""
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_ms / 1000:.0f} s waiting for {what}")
        page.wait_for_timeout(every_ms)


# Counts the page's script runs as Streamlit marks them on its app element (data-test-script-state), from the
# first moment: install with page.add_init_script(RUN_WATCH_JS) before goto. wait_for_idle reads it.
RUN_WATCH_JS = """(() => {
  const runs = {started: 0, finished: 0, changed: performance.now(), state: null};
  window.__atlasRuns = runs;
  new MutationObserver(() => {
    const app = document.querySelector('[data-testid="stApp"]');
    const state = app && app.getAttribute('data-test-script-state');
    if (state === runs.state) return;
    if (state === 'running') runs.started += 1;
    else if (runs.state === 'running') runs.finished += 1;
    runs.state = state;
    runs.changed = performance.now();
  }).observe(document, {attributes: true, subtree: true, childList: true,
                        attributeFilter: ['data-test-script-state']});
})();"""
_IDLE_JS = """([startedBefore, sinceMs, quietMs, mapSelector]) => {
  const runs = window.__atlasRuns, now = performance.now();
  if (!runs || runs.state === 'running' || runs.state === 'rerunRequested') return false;
  if (document.querySelectorAll(mapSelector).length > 1) return false;  // an old map iframe not yet removed
  if (startedBefore !== null && runs.started === startedBefore && now - sinceMs < 1000) return false;
  return now - runs.changed >= quietMs;
}"""


def runs_started(page) -> tuple[int, float]:
    """A mark before an action: the runs started so far and the page's clock (for :func:`wait_for_idle`)."""
    mark = page.evaluate("() => [window.__atlasRuns.started, performance.now()]")
    return int(mark[0]), float(mark[1])


def wait_for_idle(
    page, mark: tuple[int, float] | None = None, *, quiet_ms: int = 250, timeout: float = TIMEOUT
) -> None:
    """Until the page's script has finished running and started no new run for ``quiet_ms`` (a map's first report
    starts one right after a run), with one map on the page. With a ``mark`` from :func:`runs_started` taken before
    an action, the run that action starts is waited for too (up to a second for it to begin)."""
    started, since = mark if mark is not None else (None, 0.0)
    page.wait_for_function(_IDLE_JS, arg=[started, since, quiet_ms, FOLIUM_IFRAME], timeout=timeout, polling=50)


def wait_for_run(page, timeout_s: float = 120, quiet_ms: int = 1500) -> None:
    """Until Streamlit's script runs have ended and stayed ended for ``quiet_ms``, with one map on the page: a map's
    first report starts another run a moment after the first ends, and a run fades the elements it will replace
    (their contrast and text change meanwhile)."""
    page.wait_for_function(
        """([selector, quiet]) => {
            const app = document.querySelector('[data-testid="stApp"]');
            const state = app && app.getAttribute('data-test-script-state');
            const idle = state && !['running', 'rerunRequested'].includes(state)
                && document.querySelectorAll(selector).length <= 1
                && !document.querySelector('[data-stale="true"]');
            const now = performance.now();
            if (!idle) { window.__atlasIdleSince = null; return false; }
            window.__atlasIdleSince = window.__atlasIdleSince || now;
            return now - window.__atlasIdleSince >= quiet;
        }""",
        arg=[FOLIUM_IFRAME, quiet_ms],
        timeout=timeout_s * 1000,
        polling=100,
    )


# Text a person reads on the page: visible text nodes (Material icon ligatures such as "keyboard_arrow_down" are
# glyphs, not words), the values shown in text boxes, and the accessible names and tooltips of visible elements.
READABLE_TEXT = """
() => {
  const out = [];
  const shown = el => el && el.checkVisibility({visibilityProperty: true, contentVisibilityAuto: true});
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node; (node = walker.nextNode()); ) {
    const el = node.parentElement;
    if (!el || el.closest('[data-testid="stIconMaterial"], script, style, noscript, template')) continue;
    if (!shown(el)) continue;
    const text = node.textContent.replace(/\\s+/g, ' ').trim();
    if (text) out.push(text);
  }
  for (const el of document.querySelectorAll('input, textarea, [aria-label], [title], [placeholder]')) {
    if (!shown(el) || el.closest('[data-testid="stIconMaterial"]')) continue;
    const typed = (el.tagName === 'INPUT' && ['text', 'search', ''].includes(el.getAttribute('type') || ''))
      || el.tagName === 'TEXTAREA';
    for (const text of [el.getAttribute('aria-label'), el.getAttribute('title'),
                        typed && !el.value ? el.getAttribute('placeholder') : null, typed ? el.value : null]) {
      if (text && text.trim()) out.push(text.trim());
    }
  }
  return out;
}
"""


def readable_text(page) -> list[str]:
    """:data:`READABLE_TEXT` of the page and of every frame in it (the map's legend, tooltips and controls)."""
    texts: list[str] = []
    for frame in page.frames:
        if not frame.is_detached():
            texts += frame.evaluate(READABLE_TEXT)
    return texts
