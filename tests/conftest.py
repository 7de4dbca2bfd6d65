import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# The suite never reads or writes a developer's own store of user layers (layers/userstore.py): every run
# gets an empty SQLite store of its own (servers started by browser tests inherit it).
import atexit  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402

_STORE_DIR = tempfile.mkdtemp(prefix="atlas-test-store-")
atexit.register(shutil.rmtree, _STORE_DIR, ignore_errors=True)  # one per run, gone with it
os.environ["COVERAGE_ATLAS_STORE"] = os.path.join(_STORE_DIR, "user_layers.sqlite")


import pytest  # noqa: E402

from tests.support.browser import atlas_server, chromium  # noqa: E402


def pytest_collection_modifyitems(config, items):
    """Tiers by what a test uses: a browser (on its worker's shared server and Chromium), the real page through
    AppTest. The xdist_group marks ask `--dist loadgroup` to keep a group on one worker; with pytest 9.2 xdist 3.8
    ignores them (pytest-xdist#1386), so every test that shares state across workers (the PostgreSQL store, the
    wheel, the NBS lists) keeps its own per worker or writes atomically."""
    for item in items:
        if "browser" in item.fixturenames or item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.browser)
            if not item.get_closest_marker("xdist_group"):  # a module may keep its tests together itself
                item.add_marker(pytest.mark.xdist_group("browser"))
        module = getattr(item, "module", None)
        if module is not None and "AppTest" in vars(module):
            item.add_marker(pytest.mark.apptest)


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole run; each test opens its own context (LocalOnlyPage)."""
    with chromium() as b:
        yield b


@pytest.fixture(scope="session")
def atlas(tmp_path_factory):
    """One atlas server for the whole run, started as ``coverage-atlas serve`` starts it: (base URL, log path).
    A test that needs a fresh process (a cold start) starts its own with tests.support.browser.atlas_server."""
    log = tmp_path_factory.mktemp("atlas") / "streamlit.log"
    with atlas_server(log_path=log) as url:
        yield url, log


@pytest.fixture(scope="session")
def atlas_url(atlas):
    return atlas[0]
