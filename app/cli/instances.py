"""``coverage-atlas serve --instances N``: N server processes on one machine behind Debian's nginx.

One Streamlit process runs every session's script on one core (Python's GIL), so a department's planners queue
behind each other on a busy morning; N processes use N cores. nginx is the front door:

* websockets are proxied (Streamlit's page is one websocket per session);
* each browser stays on the process that holds its session (Streamlit keeps a session's state, uploads and
  download files in that process): nginx hashes a cookie it sets on the first request, so every later request
  of the browser reaches the same process (open-source nginx has no ``sticky`` directive);
* static files are compressed (gzip, and brotli where Debian's module is installed): Streamlit sends its 5.6 MB
  frontend uncompressed.

The processes share the user-layer store: on one machine the default SQLite file works; across machines, or for
a team, set ``COVERAGE_ATLAS_STORE`` to a PostgreSQL URL (README "Running for a department").
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from app.webmap.site import WARM_REST_ENV

NGINX = "nginx"
BROTLI_MODULE = Path("/usr/lib/nginx/modules/ngx_http_brotli_filter_module.so")
COMPRESSED_TYPES = "text/css application/javascript text/javascript application/json image/svg+xml text/plain"
ROUTE_COOKIE = "atlas_route"


class InstancesError(RuntimeError):
    """What stops several instances from starting; the message says what to install or change."""


def free_ports(n: int) -> list[int]:
    sockets = [socket.socket() for _ in range(n)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def nginx_config(port: int, upstreams: list[int], prefix: Path, *, address: str = "0.0.0.0") -> str:
    """The proxy's whole configuration (nginx -p PREFIX -c nginx.conf), temporary files under ``prefix``."""
    brotli_module = f"load_module {BROTLI_MODULE};\n" if BROTLI_MODULE.exists() else ""
    brotli = f"        brotli on;\n        brotli_types {COMPRESSED_TYPES};\n" if brotli_module else ""
    servers = "\n".join(f"        server 127.0.0.1:{p} max_fails=0;" for p in upstreams)
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers run as the invoking user (tests, containers)
    return f"""{brotli_module}{user}worker_processes 1;
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    client_max_body_size 50m;
    map $http_upgrade $connection_upgrade {{ default upgrade; "" close; }}
    # A browser's first request gets a random key; the cookie keeps every later request on the same process.
    map $cookie_{ROUTE_COOKIE} $atlas_route {{ "" $request_id; default $cookie_{ROUTE_COOKIE}; }}
    upstream atlas {{
        hash $atlas_route consistent;
{servers}
    }}
    server {{
        listen {address}:{port};
        gzip on;
        gzip_proxied any;
        gzip_min_length 1024;
        gzip_types {COMPRESSED_TYPES};
{brotli}        location / {{
            proxy_pass http://atlas;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header Host $host;
            proxy_read_timeout 1d;
            proxy_buffering off;
            add_header Set-Cookie "{ROUTE_COOKIE}=$atlas_route; Path=/; HttpOnly; SameSite=Lax" always;
            add_header X-Atlas-Instance $upstream_addr always;
        }}
    }}
}}
"""


def _wait_healthy(url: str, process: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise InstancesError(f"{url}: the process exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise InstancesError(f"{url} did not answer within {timeout:.0f} s")
        time.sleep(0.2)  # polling a server that is starting: there is nothing to wait on but its answer


def serve(script: Path, port: int, instances: int, prefix: Path, *, address: str = "0.0.0.0") -> int:
    """Start ``instances`` server processes and nginx on ``port``; run until interrupted; return nginx's status."""
    if shutil.which(NGINX) is None:
        raise InstancesError("nginx is not installed: apt-get install nginx-light (libnginx-mod-http-brotli-filter)")
    prefix.mkdir(parents=True, exist_ok=True)
    ports = free_ports(instances)
    children: list[subprocess.Popen[bytes]] = []
    try:
        for i, p in enumerate(ports):
            env = {**os.environ, WARM_REST_ENV: "1" if i == 0 else "0"}  # one process warms the disk caches
            command = [sys.executable, "-m", "app.ui.serving", str(script)]
            command += ["--server.port", str(p), "--server.address", "127.0.0.1"]
            children.append(subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL))
        for p, child in zip(ports, children, strict=True):
            _wait_healthy(f"http://127.0.0.1:{p}/_stcore/health", child, timeout=120)
        config = prefix / "nginx.conf"
        config.write_text(nginx_config(port, ports, prefix, address=address), encoding="utf-8")
        print(f"coverage-atlas: {instances} instances on ports {', '.join(map(str, ports))} behind nginx on {port}")
        sys.stdout.flush()
        proxy = subprocess.Popen([NGINX, "-p", str(prefix), "-c", str(config)], stdin=subprocess.DEVNULL)
        children.append(proxy)
        return proxy.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        for child in reversed(children):
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for child in children:
            try:
                child.wait(10)
            except subprocess.TimeoutExpired:
                child.kill()
