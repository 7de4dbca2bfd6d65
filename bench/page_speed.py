"""What a planner waits for, in a real browser: the atlas vs the naive app vs a bare Streamlit page, and the
atlas's map alone on a page (bench/map_only_app.py: the floor of a first map with this stack).

Four real servers (the atlas as `coverage-atlas serve` runs it, the others by `streamlit run`), headless Debian
Chromium, every request leaving this machine aborted (tests/support/browser.py). Each server sits behind a small
TCP relay that counts the bytes it sends to the browser, so "bytes" below are bytes on the wire (after gzip /
websocket compression); the websocket payloads (after decompression) are counted separately from Chromium's frame
events.

Measured, in the same run so the ratios hold on a shared machine:

* first map: a new browser context (empty cache) opens the page of a warm server; time until all
  183 county shapes are drawn in the map iframe (the bare page: until its title shows); bytes sent
  to the browser for that load;
* layer switch: in a loaded page, another layer is chosen in the sidebar's layer list; time from the
  click on the option to the new colours drawn in a single map iframe, as the driver sees it (from before
  Playwright's click to the poll that finds the colours) and in the page (the browser's clock: pointer down
  to the animation frame that paints the colours); bytes sent per switch;
* server CPU (user+system) for one load and the switches of that session;
* every kind of change of issue 26's table (`--changes N`): a single map's layer, side by side and bivariate layer
  A or B, the level (county → prefecture and back), the area (凉山 and back), each made through the sidebar in a
  session of its own: pointer down to the painted colours, bytes on the wire, websocket payload, HTTP requests and
  whether the map's iframe was kept; and the side-by-side page's first map beside the single map's.

    python bench/page_speed.py [--runs N] [--only atlas|naive] [--changes N] [--sessions N] [--cold N]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.browser import (  # noqa: E402
    FOLIUM_IFRAME,
    LocalOnlyPage,
    atlas_server,
    chromium,
    free_port,
    page_script,
    streamlit_server,
)

# The layers of the default theme, in turn: Streamlit keeps large messages in the browser for two
# script runs and then sends a reference instead, so switching back and forth between two layers would
# measure that cache; a cycle of five never repeats a message within its lifetime.
LAYERS = (
    "每个乡镇（街道）的60岁及以上人口（合并后）",  # the default
    "有65岁及以上老人的户数",
    "有65岁及以上老人的户占家庭户比例",
    "每个乡镇（街道）的60岁及以上人口（合并前）",
    "每个乡镇（街道）的60岁及以上人口：合并后增加",
)
N_COUNTIES = 183
TIMEOUT = 180.0
BARE_APP = 'import streamlit as st\n\nst.title("Bare page")\nst.write("Nothing else.")\n'
NAIVE_CONFIG = "[server]\nenableStaticServing = true\n"
FILLS_JS = "() => Array.from(document.querySelectorAll('path.leaflet-interactive'), p => p.getAttribute('fill')).join()"
# In a switching tab: the top page notes when the pointer went down (the user's click), and each map iframe
# notes when its shapes last took new colours (in the animation frame before they are painted; a new iframe's
# first full set counts too). Both are the browser's clock, so their difference is what the user waits,
# without the driver's own round trips (Playwright's click and the polling of the colours). Installed from the
# top page when an iframe loads: an init script would run in the iframe's initial about:blank document, whose
# window the component's page then reuses with a new document.
PAINT_CLOCK_JS = """
(() => {
  if (window.top !== window) return;
  window.addEventListener('pointerdown', () => { window.__pointerDownAt = Date.now(); }, true);
  const install = (frame) => {
    const win = frame.contentWindow, doc = frame.contentDocument;
    if (!win || !doc || doc.URL === 'about:blank' || win.__paintClock) return;
    win.__paintClock = true;
    let last = null;
    const look = () => {
      const paths = doc.querySelectorAll('path.leaflet-interactive');
      if (!paths.length) return;
      const fills = Array.from(paths, p => p.getAttribute('fill')).join();
      if (fills !== last) { last = fills; win.__fillsAt = Date.now(); win.__fills = fills; }
    };
    new MutationObserver(() => win.requestAnimationFrame(look))
      .observe(doc, {subtree: true, childList: true, attributes: true, attributeFilter: ['fill']});
    look();
  };
  document.addEventListener('load', e => { if (e.target instanceof HTMLIFrameElement) install(e.target); }, true);
})();
"""


class Relay:
    """A TCP relay on a free local port in front of ``target_port``; counts bytes sent to the client."""

    def __init__(self, target_port: int):
        self.target_port = target_port
        self.port = free_port()
        self.down = 0
        self._loop = asyncio.new_event_loop()
        ready = threading.Event()
        threading.Thread(target=self._run, args=(ready,), daemon=True).start()
        ready.wait(10)

    def _run(self, ready: threading.Event) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(asyncio.start_server(self._handle, "127.0.0.1", self.port))
        ready.set()
        self._loop.run_forever()

    async def _pipe(self, reader, writer, count: bool) -> None:
        try:
            while data := await reader.read(65536):
                if count:
                    self.down += len(data)
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            writer.close()

    async def _handle(self, client_reader, client_writer) -> None:
        server_reader, server_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        await asyncio.gather(
            self._pipe(client_reader, server_writer, False), self._pipe(server_reader, client_writer, True)
        )


def server_process(port: int) -> psutil.Process:
    """The process listening on ``port`` (found through /proc: the socket's inode among its descriptors)."""
    inode = None
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            parts = line.split()
            if int(parts[1].rsplit(":", 1)[1], 16) == port and parts[3] == "0A":
                inode = parts[9]
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if any(os.readlink(f"/proc/{pid}/fd/{fd}") == f"socket:[{inode}]" for fd in os.listdir(f"/proc/{pid}/fd")):
                return psutil.Process(int(pid))
        except OSError:
            continue
    raise RuntimeError(f"no process listens on port {port}")


def server_cpu(port: int) -> float:
    """User+system CPU seconds of the server process (psutil)."""
    times = server_process(port).cpu_times()
    return times.user + times.system


class PeakRSS:
    """Samples a process's resident memory every 0.1 s in a thread; ``peak`` in bytes."""

    def __init__(self, process: psutil.Process):
        self.process, self.peak, self._stop = process, process.memory_info().rss, threading.Event()
        self.start_rss = self.peak
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            self.peak = max(self.peak, self.process.memory_info().rss)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


@dataclass
class Side:
    name: str
    url: str
    relay: Relay
    path: str = "/"  # the page's address (the compare side: side by side)
    shapes: int = N_COUNTIES  # shapes drawn in its map iframe when its first map is there
    first: list[float] = field(default_factory=list)
    first_bytes: list[int] = field(default_factory=list)
    first_parts: list[dict[str, int]] = field(default_factory=list)  # HTTP bytes by kind, see http_kind
    switch: list[float] = field(default_factory=list)
    switch_bytes: list[int] = field(default_factory=list)
    switch_ws: list[int] = field(default_factory=list)
    switch_in_page: list[float] = field(default_factory=list)  # pointer down to new colours, browser clock
    cpu: list[float] = field(default_factory=list)


def wait_for(page, condition, what: str, every_ms: int = 20):
    deadline = time.monotonic() + TIMEOUT
    while True:
        try:
            value = condition()
        except Exception:  # the iframe can be detached between two calls while Streamlit swaps it
            value = None
        if value:
            return value
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        page.wait_for_timeout(every_ms)


def map_fills(page, shapes: int | None = N_COUNTIES) -> str | None:
    """The fill colours of the drawn shapes, when exactly one map iframe shows ``shapes`` of them (None: any)."""
    if page.locator(FOLIUM_IFRAME).count() != 1:
        return None
    fills = page.frame_locator(FOLIUM_IFRAME).locator("body").evaluate(FILLS_JS, timeout=2000)
    if not fills or (shapes is not None and fills.count(",") != shapes - 1):
        return None
    return fills


def settle(page, relay: Relay, quiet_ms: int = 1200) -> None:
    """Until the script run is over and nothing has been sent to the browser for ``quiet_ms``."""
    running = page.locator('[data-testid="stStatusWidgetRunningIcon"], [data-testid="stStatusWidgetRunningManIcon"]')
    wait_for(page, lambda: running.count() == 0, "the script run to finish", every_ms=100)
    while True:
        before = relay.down
        page.wait_for_timeout(quiet_ms)
        if relay.down == before:
            return


def http_kind(url: str) -> str:
    path = urlsplit(url).path
    if path.startswith("/app/static/"):
        return "app static (Leaflet, geometry)"
    if path.startswith("/component/"):
        return "map component"
    if path.startswith("/static/"):
        return "Streamlit frontend"
    return "other HTTP"


def first_load(browser, side: Side, is_map: bool):
    tab = LocalOnlyPage(browser)
    page = tab.page
    # Encoded (on the wire) size of every HTTP response, the same-origin component iframe's included.
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    urls: dict[str, str] = {}
    parts: dict[str, int] = {}
    cdp.on("Network.responseReceived", lambda e: urls.__setitem__(e["requestId"], e["response"]["url"]))

    def finished(e):
        kind = http_kind(urls.get(e["requestId"], ""))
        parts[kind] = parts.get(kind, 0) + int(e["encodedDataLength"])

    cdp.on("Network.loadingFinished", finished)
    start_bytes = side.relay.down
    start = time.perf_counter()
    page.goto(f"http://127.0.0.1:{side.relay.port}{side.path}")
    if is_map:
        wait_for(page, lambda: map_fills(page, side.shapes), "all county shapes in one map")
    else:
        page.get_by_text("Nothing else.").wait_for(timeout=TIMEOUT * 1000)
    elapsed = time.perf_counter() - start
    settle(page, side.relay)
    side.first.append(elapsed)
    side.first_bytes.append(side.relay.down - start_bytes)
    parts["websocket (rest)"] = side.first_bytes[-1] - sum(parts.values())
    side.first_parts.append(parts)
    return tab


def switch_layers(browser, side: Side, runs: int) -> None:
    """One session: load the page, then ``runs`` layer switches; the server's CPU for all of it."""
    port = int(side.url.rsplit(":", 1)[1])
    cpu0 = server_cpu(port)
    tab = LocalOnlyPage(browser)
    page = tab.page
    ws_bytes = [0]

    def on_ws(ws):
        ws.on("framereceived", lambda payload: ws_bytes.__setitem__(0, ws_bytes[0] + len(payload)))

    page.on("websocket", on_ws)
    page.add_init_script(PAINT_CLOCK_JS)
    page.goto(f"http://127.0.0.1:{side.relay.port}/")
    wait_for(page, lambda: map_fills(page), "the first map")
    settle(page, side.relay)
    for i in range(runs):
        target = LAYERS[(i + 1) % len(LAYERS)]
        before = map_fills(page)
        option = choose(page, "radio", "图层", target)  # the layer list is a radio of whole titles, on both sides
        option.wait_for(timeout=TIMEOUT * 1000)
        b0, w0 = side.relay.down, ws_bytes[0]
        start = time.perf_counter()
        option.click()
        after = wait_for(
            page, lambda old=before: (f := map_fills(page)) != old and f, f"the colours of {target}", every_ms=10
        )
        side.switch.append(time.perf_counter() - start)
        clock = page.frame_locator(FOLIUM_IFRAME).locator("body")
        # The frame's clock notes the colours in the animation frame after they changed: the driver's poll can
        # come first.
        painted = wait_for(
            page,
            lambda c=clock, a=after: c.evaluate("(b, f) => window.__fills === f && window.__fillsAt", a),
            f"the map frame's clock for {target}",
        )
        side.switch_in_page.append((painted - page.evaluate("() => window.__pointerDownAt")) / 1000)
        settle(page, side.relay)
        side.switch_bytes.append(side.relay.down - b0)
        side.switch_ws.append(ws_bytes[0] - w0)
    side.cpu.append(server_cpu(port) - cpu0)
    tab.close()


# Every kind of change of issue 26's table, each from the page it starts on, made through the sidebar as a planner
# makes it: (what is measured, the page's address, then the steps in turn: (step name, control, label, option)).
LAYERS_B = (
    "65岁及以上人口占比",  # the default layer B
    "60岁及以上人口占比",
    "0–14岁人口占比",
    "每个村（社区）的0–14岁儿童（合并后）",
    "常住人口",
)
COUNTY, PREFECTURE = "县（市、区）", "市（州）"
PROVINCE, LIANGSHAN = "全省", "凉山彝族自治州（513400）"


@dataclass(frozen=True)
class Change:
    kind: str
    path: str
    steps: tuple[tuple[str, str, str, str], ...]


def layer_steps(name: str, label: str, layers: tuple[str, ...], n: int) -> tuple[tuple[str, str, str, str], ...]:
    # Streamlit keeps a large message two script runs and sends a reference when it comes again: a cycle of
    # five layers never repeats a message within that time.
    control = "radio" if label == "图层" else "combobox"  # layer A is a radio of whole titles, layer B a selectbox
    return tuple((name, control, label, layers[(i + 1) % len(layers)]) for i in range(n))


def changes(n: int) -> list[Change]:
    there_and_back = max(1, n // 2)
    return [
        Change("single map, another layer", "/", layer_steps("single map, another layer", "图层", LAYERS, n)),
        Change("side by side, layer A", "/?mode=compare", layer_steps("side by side, layer A", "图层", LAYERS, n)),
        Change("side by side, layer B", "/?mode=compare", layer_steps("side by side, layer B", "图层 B", LAYERS_B, n)),
        Change(
            "bivariate, layer A",
            "/?mode=compare&cview=bivariate",
            layer_steps("bivariate, layer A", "图层", LAYERS, n),
        ),
        Change(
            "bivariate, layer B",
            "/?mode=compare&cview=bivariate",
            layer_steps("bivariate, layer B", "图层 B", LAYERS_B, n),
        ),
        Change(
            "level",
            "/",
            (
                ("level, county → prefecture", "radio", "行政层级", PREFECTURE),
                ("level, back", "radio", "行政层级", COUNTY),
            )
            * there_and_back,
        ),
        Change(
            "area",
            "/",
            (
                ("area, 凉山 chosen", "combobox", "范围", LIANGSHAN),
                ("area, back to the province", "combobox", "范围", PROVINCE),
            )
            * there_and_back,
        ),
    ]


@dataclass
class Step:
    """One change as measured: seconds from the click to the new colours (driver) and in the page (pointer down to
    the animation frame that paints them), bytes on the wire, websocket payload bytes, HTTP requests, and whether
    the map iframe (element and document) was kept."""

    seconds: float
    in_page: float
    wire: int
    payload: int
    requests: list[str]
    kept: bool


def open_on(browser, side: Side, path: str):
    """A new tab on ``path`` of ``side``, with the paint clock and a count of websocket payload bytes; returns the
    tab, once its map is drawn and the page is quiet, and the payload counter."""
    tab = LocalOnlyPage(browser)
    page = tab.page
    ws_bytes = [0]
    page.on("websocket", lambda ws: ws.on("framereceived", lambda p: ws_bytes.__setitem__(0, ws_bytes[0] + len(p))))
    page.add_init_script(PAINT_CLOCK_JS)
    page.goto(f"http://127.0.0.1:{side.relay.port}{path}")
    wait_for(page, lambda: map_fills(page, None), "the first map")
    settle(page, side.relay)
    return tab, ws_bytes


def choose(page, control: str, label: str, option: str):
    """The sidebar control's option, ready to click (a selectbox is opened and searched first: it lists only the
    options in view)."""
    sidebar = page.locator('[data-testid="stSidebar"]')
    if control == "radio":
        return sidebar.get_by_role("radiogroup", name=label).get_by_text(option, exact=True)
    combo = sidebar.get_by_role("combobox", name=label, exact=True)
    combo.click()
    combo.press_sequentially(option[:4])
    target = page.get_by_role("option", name=option, exact=True)
    target.wait_for(timeout=TIMEOUT * 1000)
    return target


def timed_step(page, side: Side, ws_bytes: list[int], control: str, label: str, option: str) -> Step:
    before = wait_for(page, lambda: map_fills(page, None), "the map before the change")
    target = choose(page, control, label, option)
    iframe = page.locator(FOLIUM_IFRAME)
    iframe.evaluate("e => { e.dataset.benchMark = 'kept'; }")
    page.frame_locator(FOLIUM_IFRAME).locator("body").evaluate("() => { window.benchMark = 'kept'; }")
    requests: list[str] = []
    listener = lambda r: requests.append(r.url)  # noqa: E731
    page.on("request", listener)
    b0, w0 = side.relay.down, ws_bytes[0]
    start = time.perf_counter()
    target.click()
    after = wait_for(page, lambda: (f := map_fills(page, None)) != before and f, f"the colours after {option}", 10)
    seconds = time.perf_counter() - start
    clock = page.frame_locator(FOLIUM_IFRAME).locator("body")
    painted = wait_for(
        page,
        lambda: clock.evaluate("(b, f) => window.__fills === f && window.__fillsAt", after),
        f"the map frame's clock for {option}",
    )
    in_page = (painted - page.evaluate("() => window.__pointerDownAt")) / 1000
    settle(page, side.relay)
    page.remove_listener("request", listener)
    kept = iframe.count() == 1 and iframe.evaluate("e => e.dataset.benchMark") == "kept"
    kept = kept and clock.evaluate("() => window.benchMark") == "kept"
    return Step(seconds, in_page, side.relay.down - b0, ws_bytes[0] - w0, requests, kept)


def measure_changes(browser, side: Side, n: int) -> dict[str, list[Step]]:
    """Every kind of change of :func:`changes`, ``n`` times each (level and area: there and back), in one session
    per kind: step name -> measured steps."""
    out: dict[str, list[Step]] = {}
    for change in changes(n):
        tab, ws_bytes = open_on(browser, side, change.path)
        for name, control, label, option in change.steps:
            out.setdefault(name, []).append(timed_step(tab.page, side, ws_bytes, control, label, option))
        tab.close()
        print(f"{change.kind}: {len(change.steps)} changes done", flush=True)
    return out


def concurrent_sessions(browser, side: Side, n: int) -> dict[str, float]:
    """``n`` browser sessions opened at once and kept open until every one shows its map: the server's
    peak resident memory meanwhile, its memory and CPU before and after, and the time until all maps show."""
    port = int(side.url.rsplit(":", 1)[1])
    process = server_process(port)
    cpu0 = server_cpu(port)
    sampler = PeakRSS(process)
    start = time.perf_counter()
    tabs = [LocalOnlyPage(browser) for _ in range(n)]
    for tab in tabs:
        tab.page.goto(f"http://127.0.0.1:{side.relay.port}/", wait_until="commit")
    waiting = list(tabs)
    deadline = time.monotonic() + TIMEOUT * 4
    while waiting and time.monotonic() < deadline:  # a slow machine: report how many showed their map
        waiting = [tab for tab in waiting if not _quiet(map_fills, tab.page)]
        tabs[0].page.wait_for_timeout(200)
    elapsed = time.perf_counter() - start
    if not waiting:
        settle(tabs[-1].page, side.relay)
    peak = sampler.stop()
    result = {
        "sessions": n,
        "maps shown": n - len(waiting),
        "all maps s": elapsed,
        "rss before MB": sampler.start_rss / 1e6,
        "peak rss MB": peak / 1e6,
        "cpu s": server_cpu(port) - cpu0,
    }
    for tab in tabs:
        tab.close()
    return result


def _quiet(func, *args):
    try:
        return func(*args)
    except Exception:  # an iframe detached while Streamlit swaps it
        return None


def cold_start(
    browser, runs: int, command: list[str] | None = None, shapes: int = N_COUNTIES
) -> list[tuple[float, float]]:
    """``coverage-atlas serve`` with an empty boundaries cache (COVERAGE_ATLAS_CACHE pointing at a new
    folder), or ``command`` (run in the repo, on a port appended as ``--server.port``): seconds from the command
    to a healthy server, and to ``shapes`` shapes drawn in a new browser's map iframe."""
    out = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="cold_cache_") as cache, tempfile.TemporaryFile() as log:
            port = free_port()
            start = time.perf_counter()
            proc = subprocess.Popen(
                [*command, "--server.port", str(port)]
                if command
                else [sys.executable, "-m", "app", "serve", "--port", str(port)],
                cwd=ROOT,
                env={**os.environ, "COVERAGE_ATLAS_CACHE": cache, "PYTHONPATH": str(ROOT)},
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            try:
                url = f"http://127.0.0.1:{port}"
                while True:
                    if proc.poll() is not None:
                        log.seek(0)
                        raise RuntimeError(f"serve exited with {proc.returncode}: {log.read().decode()[-2000:]}")
                    try:
                        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                            if response.status == 200:
                                break
                    except OSError:
                        time.sleep(0.1)
                healthy = time.perf_counter() - start
                tab = LocalOnlyPage(browser)
                tab.page.goto(url + "/")
                wait_for(tab.page, lambda p=tab.page: _drawn(p, shapes), "the first map of a cold server")
                out.append((healthy, time.perf_counter() - start))
                tab.close()
            finally:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(15)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait(5)
    return out


def _drawn(page, shapes: int) -> bool:
    if page.locator(FOLIUM_IFRAME).count() != 1:
        return False
    return page.frame_locator(FOLIUM_IFRAME).locator("path.leaflet-interactive").count() >= shapes


def stack_floor_command(folder: Path) -> list[str]:
    """``streamlit run`` of bench/stack_floor_app.py, written to ``folder`` with the repo's static/ beside it (the
    vendored Leaflet); run in the repo, so the atlas's .streamlit/config.toml applies to it too."""
    source = (ROOT / "bench" / "stack_floor_app.py").read_text(encoding="utf-8")
    script = page_script(folder, "stack_floor_app.py", source)
    return [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless", "true"]


def stats(values: list[float]) -> tuple[float, float]:
    return statistics.median(values), min(values)


def report(sides: dict[str, Side], runs: int, switches: int) -> None:
    print(f"\n{runs} runs each; median / minimum. Bytes are sent to the browser (on the wire, compressed).")
    print(
        f"{'':<8}{'first map s':>18}{'first load KB':>16}{'switch s':>16}{'in page s':>16}"
        f"{'switch KB wire':>18}{'ws payload KB':>16}"
    )
    for s in sides.values():
        row = f"{s.name:<8}" + "{:>10.2f} / {:<5.2f}".format(*stats(s.first))
        row += f"{statistics.median(s.first_bytes) / 1e3:>16.0f}"
        if s.switch:
            row += "{:>8.2f} / {:<5.2f}".format(*stats(s.switch))
            row += "{:>8.2f} / {:<5.2f}".format(*stats(s.switch_in_page))
            row += f"{statistics.median(s.switch_bytes) / 1e3:>18.1f}{statistics.median(s.switch_ws) / 1e3:>16.1f}"
        print(row)
    print("first load, KB on the wire by kind (median):")
    for s in sides.values():
        kinds = sorted({k for p in s.first_parts for k in p})
        cells = [f"{k} {statistics.median(p.get(k, 0) for p in s.first_parts) / 1e3:.0f}" for k in kinds]
        print(f"  {s.name:<6}" + ", ".join(cells))
    for s in sides.values():
        if s.cpu:
            print(
                f"server CPU, one load + {switches} switches ({s.name}): {statistics.median(s.cpu):.2f} s "
                f"({statistics.median(s.cpu) / (1 + switches):.2f} s per load or switch; target not worse than ~1.1)"
            )
    atlas, naive, bare, alone = sides.get("atlas"), sides.get("naive"), sides.get("bare"), sides.get("map")
    if atlas and naive:
        print(
            f"layer switch: atlas {statistics.median(naive.switch) / statistics.median(atlas.switch):.1f}x faster "
            "than naive (median; target >= 10x, and <= 0.4 s on a quiet machine); in page (pointer down to new "
            f"colours): {statistics.median(naive.switch_in_page) / statistics.median(atlas.switch_in_page):.1f}x"
        )
    if atlas and bare:
        print(
            f"first map: atlas {statistics.median(atlas.first) / statistics.median(bare.first):.2f}x a bare page "
            "(median; target <= 1.6x and <= 2 s)"
        )
    if alone and bare:
        print(
            f"first map: the atlas's map alone (bench/map_only_app.py) "
            f"{statistics.median(alone.first) / statistics.median(bare.first):.2f}x a bare page: the stack's floor"
        )
    compare = sides.get("compare")
    if atlas and compare:
        print(
            f"first map: side by side {statistics.median(compare.first) / statistics.median(atlas.first):.2f}x the "
            "single map (median; target <= 1.5x)"
        )
    if atlas:
        page = statistics.median(sum(v for k, v in p.items() if k != "Streamlit frontend") for p in atlas.first_parts)
        print(
            f"atlas bytes: {statistics.median(atlas.switch_bytes) / 1e3:.1f} KB per switch (target <= 50); first load "
            f"{statistics.median(atlas.first_bytes) / 1e3:.0f} KB, of which {page / 1e3:.0f} KB is the page itself "
            "(all but Streamlit's frontend bundle; target <= 200)"
        )


def is_tile(url: str) -> bool:
    """A basemap tile: the only requests that leave this machine (and are blocked here, as the bench runs)."""
    return (urlsplit(url).hostname or "") not in ("127.0.0.1", "localhost")


def report_changes(steps: dict[str, list[Step]], naive: Side | None) -> None:
    """Issue 26's table: every kind of change, median / minimum, and its ratios to the naive app's layer switch
    and to the single map's."""
    print(
        "\nevery kind of change (median / minimum; targets: <= 0.5 s to new colours in the page, <= 60 KB on the wire)"
    )
    print(f"{'change':<30}{'in page s':>15}{'driver s':>15}{'wire KB':>9}{'payload KB':>12}{'requests':>10}{'kept':>6}")
    print("(requests: HTTP requests the page made, basemap tiles left out; kept: the map iframe, element and document)")
    singles = [x.in_page for x in steps.get("single map, another layer", [])]
    single = statistics.median(singles) if singles else None
    for name, done in steps.items():
        in_page, driver = stats([x.in_page for x in done]), stats([x.seconds for x in done])
        wire, payload = (statistics.median(getattr(x, k) for x in done) / 1e3 for k in ("wire", "payload"))
        requests = statistics.median(len([u for u in x.requests if not is_tile(u)]) for x in done)
        kept = all(x.kept for x in done)
        print(
            f"{name:<30}{in_page[0]:>8.2f} / {in_page[1]:<4.2f}{driver[0]:>8.2f} / {driver[1]:<4.2f}"
            f"{wire:>9.1f}{payload:>12.1f}{requests:>10.0f}{'yes' if kept else 'NO':>6}"
        )
    asked = sorted({urlsplit(u).path for done in steps.values() for x in done for u in x.requests if not is_tile(u)})
    print("requests during the changes (basemap tiles left out): " + (", ".join(asked) if asked else "none"))
    for name, done in steps.items():
        median = statistics.median(x.in_page for x in done)
        ratios = [f"{median / single:.2f}x the single map's switch" if single else ""]
        if naive and naive.switch_in_page:
            ratios.append(f"{statistics.median(naive.switch_in_page) / median:.1f}x faster than the naive app's switch")
        print(f"  {name}: " + "; ".join(r for r in ratios if r))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", choices=["atlas", "naive"], help="skip the other map app")
    parser.add_argument("--switches", type=int, default=5, help="layer switches in the timed session (5)")
    parser.add_argument("--sessions", type=int, default=20, help="concurrent atlas sessions for memory (20; 0: skip)")
    parser.add_argument("--cold", type=int, default=2, help="cold starts with an empty boundary cache (2; 0: skip)")
    parser.add_argument(
        "--changes",
        type=int,
        default=5,
        help="changes of each kind of issue 26's table (5; level and area: there and back, half as often; 0: skip)",
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="page_speed_") as tmp, chromium() as browser:
        tmp_path = Path(tmp)
        # The naive app and the bare page run from here: static serving on (the naive map needs the
        # vendored Leaflet), everything else at Streamlit's defaults.
        _mkdir(tmp_path / ".streamlit").joinpath("config.toml").write_text(NAIVE_CONFIG, encoding="utf-8")
        scripts: dict[str, tuple[Path, Path] | None] = {
            "bare": (page_script(_mkdir(tmp_path / "bare"), "bare_app.py", BARE_APP), tmp_path)
        }
        if args.only != "naive":
            scripts["atlas"] = None
            source = (ROOT / "bench" / "map_only_app.py").read_text(encoding="utf-8")
            scripts["map"] = (page_script(_mkdir(tmp_path / "map"), "map_only_app.py", source), tmp_path)
        if args.only != "atlas":
            source = (ROOT / "bench" / "naive_app.py").read_text(encoding="utf-8")
            scripts["naive"] = (page_script(_mkdir(tmp_path / "naive"), "naive_app.py", source), tmp_path)
        sides: dict[str, Side] = {}
        with _servers(scripts, tmp_path) as urls:
            for name, url in urls.items():
                sides[name] = Side(name, url, Relay(int(url.rsplit(":", 1)[1])))
            if "atlas" in sides:  # the same server's side-by-side page: a compare view's first map
                atlas = sides["atlas"]
                sides["compare"] = Side(
                    "compare", atlas.url, Relay(atlas.relay.target_port), "/?mode=compare", 2 * N_COUNTIES
                )
            for name, side in sides.items():  # warm each server: its caches, Python imports
                print(f"warming {name}...", flush=True)
                first_load(browser, side, name != "bare").close()
                side.first.clear()
                side.first_bytes.clear()
                side.first_parts.clear()
            for run in range(args.runs):  # interleaved, so a busy spell hits all sides alike
                for name, side in sides.items():
                    tab = first_load(browser, side, name != "bare")
                    tab.close()
                print(f"first loads, run {run + 1}/{args.runs} done", flush=True)
            for name, side in sides.items():
                if name in ("atlas", "naive"):
                    switch_layers(browser, side, args.switches)
                    print(f"{name}: {args.switches} layer switches done", flush=True)
            steps = measure_changes(browser, sides["atlas"], args.changes) if "atlas" in sides and args.changes else {}
            crowd = (
                concurrent_sessions(browser, sides["atlas"], args.sessions)
                if "atlas" in sides and args.sessions
                else None
            )
        cold = cold_start(browser, args.cold) if args.cold and args.only != "naive" else []
        floor = (
            cold_start(browser, args.cold, stack_floor_command(_mkdir(tmp_path / "floor")), shapes=1)
            if args.cold and args.only != "naive"
            else []
        )
        report(
            {k: sides[k] for k in ("atlas", "compare", "naive", "map", "bare") if k in sides}, args.runs, args.switches
        )
        if steps:
            report_changes(steps, sides.get("naive"))
        if crowd:
            print(
                f"{crowd['sessions']} concurrent atlas sessions: {crowd['maps shown']} maps shown after "
                f"{crowd['all maps s']:.1f} s; server RSS "
                f"{crowd['rss before MB']:.0f} MB before, peak {crowd['peak rss MB']:.0f} MB (target <= ~500); "
                f"server CPU {crowd['cpu s']:.1f} s"
            )
        for i, (healthy, first_map) in enumerate(cold, 1):
            print(
                f"cold start {i} (coverage-atlas serve, empty boundary cache): server healthy after {healthy:.1f} s, "
                f"first map after {first_map:.1f} s (target <= 6 s)"
            )
        for i, (healthy, first_map) in enumerate(floor, 1):
            print(
                f"cold start {i} of the stack's floor (bench/stack_floor_app.py: the stack imported, one shape drawn): "
                f"server healthy after {healthy:.1f} s, map after {first_map:.1f} s"
            )


def _mkdir(path: Path) -> Path:
    path.mkdir()
    return path


class _servers:
    """Start every server at once (they warm up in parallel); yields name -> base URL."""

    def __init__(self, scripts: dict[str, tuple[Path, Path] | None], logs: Path):
        self.scripts, self.logs = scripts, logs
        self.stack: list = []

    def __enter__(self) -> dict[str, str]:
        urls = {}
        for name, spec in self.scripts.items():
            log = self.logs / f"{name}.log"
            # None: the atlas as `coverage-atlas serve` runs it (its page and geometry files in the site folder)
            cm = (
                atlas_server(log_path=log, timeout=TIMEOUT)
                if spec is None
                else streamlit_server(*spec[:1], cwd=spec[1], log_path=log, timeout=TIMEOUT)
            )
            urls[name] = cm.__enter__()
            self.stack.append(cm)
        return urls

    def __exit__(self, *exc) -> None:
        for cm in reversed(self.stack):
            cm.__exit__(*exc)


if __name__ == "__main__":
    main()
