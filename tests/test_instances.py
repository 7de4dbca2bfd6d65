"""``coverage-atlas serve --instances 2`` behind Debian's nginx, sharing a PostgreSQL store: both processes serve
sessions, a browser stays on the process that holds its session, a layer saved through one process is seen on the
other, and the proxy compresses Streamlit's frontend.

Needs nginx (scripts/ensure_system_deps.sh installs it) and PostgreSQL (COVERAGE_ATLAS_TEST_PG_URL; .ci/run starts
one). In CI (CI=true) a missing one fails the test instead of skipping it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import urllib.request

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.core.i18n import t
from layers.userstore import open_store
from tests.support.browser import FOLIUM_IFRAME, ROOT, LocalOnlyPage, free_port, wait_for_health

pytestmark = [pytest.mark.network, pytest.mark.slow]
PG_ENV = "COVERAGE_ATLAS_TEST_PG_URL"


def _missing(what: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} (.ci/run and scripts/ensure_system_deps.sh provide it in CI)")
    pytest.skip(what)


@pytest.fixture(scope="module")
def store_url():
    """A database of its own on the test PostgreSQL server (the store tests drop their tables meanwhile)."""
    url = os.environ.get(PG_ENV)
    if not url:
        _missing(f"{PG_ENV} not set (bash scripts/test_postgres.sh start prints one)")
    name = f"atlas_instances_{os.getpid()}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as exc:
        _missing(f"PostgreSQL at {PG_ENV} is unreachable: {exc}")
    yield sa.engine.make_url(url).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="module")
def proxy(store_url, tmp_path_factory):
    if shutil.which("nginx") is None:
        _missing("nginx is not installed (apt-get install nginx-light)")
    port = free_port()
    log = tmp_path_factory.mktemp("instances") / "serve.log"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COVERAGE_ATLAS_STORE": store_url}
    command = [sys.executable, "-m", "app", "serve", "--instances", "2", "--port", str(port), "--address", "127.0.0.1"]
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(url, process, log, timeout=180)
        yield url
    finally:
        process.terminate()  # the command stops its servers and nginx on SIGTERM
        try:
            process.wait(30)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)  # anything left of its process group


def open_session(browser, url: str, query: str = "level=prefecture&basemap=none") -> tuple[LocalOnlyPage, str]:
    """A new browser context (no cookie yet): the proxy picks a process and keeps the browser on it."""
    tab = LocalOnlyPage(browser, viewport=(1366, 900))
    response = tab.page.goto(f"{url}/?{query}")
    assert response is not None and response.ok
    instance = response.header_value("x-atlas-instance")
    assert instance, "the proxy names the process that answered"
    return tab, instance


def test_two_processes_serve_sessions_and_share_the_store(proxy, browser, store_url, tmp_path):
    tabs: dict[str, LocalOnlyPage] = {}
    spare: list[LocalOnlyPage] = []
    for _ in range(12):  # each new browser gets a random route: both processes are reached within a few
        tab, instance = open_session(browser, proxy)
        if instance in tabs:
            spare.append(tab)
        else:
            tabs[instance] = tab
        if len(tabs) == 2:
            break
    assert len(tabs) == 2, f"every session went to {list(tabs)}"
    try:
        (a, tab_a), (_, tab_b) = tabs.items()
        for tab in (tab_a, tab_b):
            expect(tab.page.frame_locator(FOLIUM_IFRAME).locator("path.leaflet-interactive")).to_have_count(
                21, timeout=150_000
            )
        # The browser stays on its process: every later request carries the route cookie.
        again = tab_a.page.goto(f"{proxy}/?level=county&basemap=none")
        assert again is not None and again.header_value("x-atlas-instance") == a

        # Save a layer through process A's upload form.
        table = tmp_path / "beds.csv"
        table.write_text("地区,床位\n成都市,1200\n凉山彝族自治州,300\n", encoding="utf-8")
        page = tab_a.page
        page.get_by_text(t("upload_header", "zh")).click()
        upload = page.locator('[data-testid="stExpander"]').filter(has_text=t("upload_header", "zh"))
        upload.locator('input[type="file"]').set_input_files(str(table))
        upload.get_by_text(t("upload_prefecture", "zh"), exact=True).click()
        upload.get_by_role("combobox", name=t("upload_value_cols", "zh")).click()
        page.get_by_role("option", name="床位", exact=True).click()
        page.keyboard.press("Escape")
        for key, text in (("upload_unit", "张"), ("upload_year", "2024"), ("upload_source", "测试：两进程")):
            field = upload.get_by_label(t(key, "zh"), exact=True)
            field.fill(text)
            field.press("Enter")
        upload.get_by_role("button", name=t("upload_save", "zh"), exact=True).click()
        expect(page.get_by_text("已保存：床位")).to_be_visible(timeout=60_000)

        (saved,) = open_store(store_url).list_layers()
        assert saved.title == "床位" and saved.source == "测试：两进程"
        # Process B has never seen this layer in its caches: it reads the store again and draws it.
        tab_b.page.goto(f"{proxy}/?layer={saved.layer_id}&level=prefecture&basemap=none")
        legend = tab_b.page.frame_locator(FOLIUM_IFRAME).locator(".atlas-legend")
        expect(legend).to_contain_text("床位", timeout=60_000)
        assert tab_b.blocked == [] and tab_b.page_errors == []
    finally:
        for tab in [*tabs.values(), *spare]:
            tab.close()


def test_the_proxy_compresses_streamlits_frontend(proxy):
    with urllib.request.urlopen(f"{proxy}/") as response:
        html = response.read().decode()
    script = html.split('src="./', 1)[1].split('"', 1)[0]
    sizes = {}
    for encoding in ("identity", "gzip"):
        request = urllib.request.Request(f"{proxy}/{script}", headers={"Accept-Encoding": encoding})
        with urllib.request.urlopen(request) as response:
            sizes[encoding] = (len(response.read()), response.headers.get("Content-Encoding"))
    assert sizes["gzip"][1] == "gzip" and sizes["identity"][1] is None
    assert sizes["gzip"][0] < sizes["identity"][0] / 2, sizes


def test_nginx_is_named_when_missing(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PATH": str(tmp_path)}  # no nginx on this PATH
    out = subprocess.run(
        [sys.executable, "-m", "app", "serve", "--instances", "2", "--port", str(free_port())],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert out.returncode == 2
    assert "nginx is not installed" in out.stderr and out.stderr.count("\n") == 1


def test_the_instance_count_is_checked():
    out = subprocess.run(
        [sys.executable, "-m", "app", "serve", "--instances", "0"], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 2 and "instances" in out.stderr
