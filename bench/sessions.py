"""Concurrent sessions making layer switches: one server process against two behind nginx (and gzip on the wire).

    python bench/sessions.py [--sessions 20] [--switches 6]

Each session is a protocol-level client (Streamlit's websocket and protobuf messages, as the browser sends them),
not a browser: 20 Chromiums would eat the cores the servers are measured on. A session opens the page, then
switches the layer ``--switches`` times, all sessions at once; a switch's time is from sending the new layer to
the server's "script finished" (what a browser then paints is measured by bench/page_speed.py). Reported: p50 and
p95 per switch with 1 and with 2 instances, their ratio, and the first visit's bytes with and without the proxy's
compression. Both set-ups run in this one process, one after the other, against the same cache and store.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil
import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.browser import free_port, wait_for_health  # noqa: E402

LAYER_KEY = "w_layer"


class Session:
    def __init__(self, url: str):
        self.url = url.replace("http://", "ws://") + "/_stcore/stream"
        self.layer_id: str | None = None
        self.options: list[str] = []

    async def _run(self, ws, widget: tuple[str, str] | None) -> float:
        msg = BackMsg()
        msg.rerun_script.query_string = ""
        if widget is not None:
            state = msg.rerun_script.widget_states.widgets.add()
            state.id, state.string_value = widget
        started = time.perf_counter()
        await ws.send(msg.SerializeToString())
        while True:
            fwd = ForwardMsg.FromString(await ws.recv())
            element = fwd.delta.new_element
            if fwd.WhichOneof("type") == "delta" and element.radio.id.endswith(LAYER_KEY):  # the layer list
                self.layer_id, self.options = element.radio.id, list(element.radio.options)
            elif (
                fwd.WhichOneof("type") == "script_finished" and fwd.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY
            ):
                return time.perf_counter() - started

    async def run(self, switches: int, offset: int, start: asyncio.Event) -> list[float]:
        async with websockets.connect(self.url, subprotocols=["streamlit"], max_size=None) as ws:
            await self._run(ws, None)  # the first run draws the map and waits for it (none comes: it times out)
            while self.layer_id is None:  # then the sidebar, in this run or the one the map's report would start
                await self._run(ws, None)
            await start.wait()
            times = []
            for i in range(switches):
                label = self.options[(offset + i + 1) % len(self.options)]
                times.append(await self._run(ws, (self.layer_id, label)))
            return times


async def crowd(url: str, sessions: int, switches: int) -> list[float]:
    start = asyncio.Event()
    clients = [Session(url) for _ in range(sessions)]
    tasks = [asyncio.create_task(c.run(switches, i, start)) for i, c in enumerate(clients)]
    while not all(c.layer_id for c in clients):  # every session open before the switching starts
        await asyncio.sleep(0.2)
        if any(t.done() and t.exception() for t in tasks):
            break
    start.set()
    return [x for times in await asyncio.gather(*tasks) for x in times]


def serve(command: list[str], port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    wait_for_health(f"http://127.0.0.1:{port}", process, log, timeout=240)
    return process


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(30)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)


def first_visit_bytes(url: str) -> int:
    """The page and the frontend's scripts and styles it names, as a browser fetches them (gzip and brotli
    accepted): bytes on the wire."""

    def fetch(path: str, encoding: str) -> bytes:
        request = urllib.request.Request(f"{url}/{path}", headers={"Accept-Encoding": encoding})
        with urllib.request.urlopen(request) as response:
            return response.read()

    html = fetch("", "identity").decode(errors="replace")
    assets = re.findall(r'(?:src|href)="\./(static/[^"]+)"', html)
    return sum(len(fetch(path, "gzip, br")) for path in ["", *assets])


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants (the servers, nginx, a warming child)."""
    root = psutil.Process(pid)
    procs = [root, *root.children(recursive=True)]
    return sum(p.memory_info().rss for p in procs if p.is_running()) / 1e6


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1] if len(values) > 1 else values[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--switches", type=int, default=6)
    args = parser.parse_args()
    log_dir = Path(os.environ.get("TMPDIR", "/tmp")) / "atlas-bench-sessions"
    log_dir.mkdir(exist_ok=True)
    results: dict[int, list[float]] = {}
    sizes: dict[str, int] = {}
    memory: dict[int, float] = {}
    for n in (1, 2):
        port = free_port()
        command = [sys.executable, "-m", "app", "serve", "--port", str(port), "--address", "127.0.0.1"]
        if n > 1:
            command += ["--instances", str(n)]
        process = serve(command, port, log_dir / f"serve-{n}.log")
        try:
            results[n] = asyncio.run(crowd(f"http://127.0.0.1:{port}", args.sessions, args.switches))
            memory[n] = tree_rss_mb(process.pid)
            sizes["through nginx, compressed" if n > 1 else "Streamlit alone"] = first_visit_bytes(
                f"http://127.0.0.1:{port}"
            )
        finally:
            stop(process)
    load = os.getloadavg()
    print(f"{args.sessions} sessions x {args.switches} layer switches at once (load {load[0]:.1f} {load[1]:.1f})")
    for n, times in results.items():
        print(
            f"  {n} instance(s): p50 {pct(times, 50):5.2f} s   p95 {pct(times, 95):5.2f} s   ({len(times)} switches); "
            f"`serve` process tree {memory[n]:.0f} MB resident"
        )
    print(
        f"  ratio 1 → 2 instances: p50 {pct(results[1], 50) / pct(results[2], 50):.2f}x, "
        f"p95 {pct(results[1], 95) / pct(results[2], 95):.2f}x"
    )
    for name, size in sizes.items():
        print(f"  first visit, {name}: {size / 1e6:.2f} MB")
    print(f"  compression: {sizes['Streamlit alone'] / sizes['through nginx, compressed']:.1f}x fewer bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
