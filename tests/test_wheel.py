"""The atlas installed from its wheel (not editable) into a new virtualenv, used from a folder outside the
repository: the wheel carries the shipped files, exports write files, and the served page draws its map.

The new virtualenv takes the third-party libraries of this one through a .pth file (the project itself is
installed only from the wheel), so the test costs seconds, not a full download of the dependencies.
"""

from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.support.browser import FOLIUM_IFRAME, LocalOnlyPage, _server

ROOT = Path(__file__).resolve().parents[1]
pytestmark = [pytest.mark.network, pytest.mark.slow, pytest.mark.xdist_group("wheel")]  # one build, one worker


@pytest.fixture(scope="session")  # once per worker: its tests may not run one after another
def installed(tmp_path_factory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("wheel")
    dist = base / "dist"
    # Built from a copy of the sources: setuptools writes build/ and *.egg-info next to them, and the other worker
    # may be building at the same moment (the checkout stays as it was, too).
    source = base / "source"
    top = {".venv", ".git", "build", "dist", "test-artifacts", ".pytest_cache"}  # at the top only: static/ has dist/

    def left_out(folder: str, names: list[str]) -> set[str]:
        here = {n for n in names if n.endswith(".egg-info") or n == "__pycache__"}
        return here | (top & set(names) if Path(folder) == ROOT else set())

    shutil.copytree(ROOT, source, ignore=left_out)
    # Build isolation fetches the build backend from the package index, as any `pip install .` does.
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "-w", str(dist), "-q"],
        check=True,
        timeout=600,
        capture_output=True,
    )
    (wheel,) = dist.glob("*.whl")
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    target = subprocess.run(
        [str(python), "-c", "import site; print(site.getsitepackages()[0])"], capture_output=True, text=True, check=True
    ).stdout.strip()
    (Path(target) / "borrowed_dependencies.pth").write_text(site.getsitepackages()[0] + "\n")
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", str(wheel)], check=True, timeout=300)
    outside = base / "elsewhere"
    outside.mkdir()
    return {"wheel": wheel, "python": python, "bin": venv / "bin", "cwd": outside, "cache": base / "cache"}


def env(installed: dict[str, Path]) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
    return {**clean, "COVERAGE_ATLAS_CACHE": str(installed["cache"])}


def test_the_wheel_carries_the_shipped_files(installed):
    names = set(zipfile.ZipFile(installed["wheel"]).namelist())
    for required in (
        "atlas_files/streamlit_app.py",
        "atlas_files/.streamlit/config.toml",
        "atlas_files/data/datapackage.json",
        "atlas_files/data/layers.toml",
        "atlas_files/data/gazetteer/sichuan_divisions.csv",
        "atlas_files/static/vendor/MANIFEST.json",
        "atlas_files/static/atlas/regions-prefetch.js",
        "app/ui/serving.py",
        "app/cli/main.py",
        "layers/upload/read.py",
    ):
        assert required in names, required
    assert not [n for n in names if n.startswith(("tests/", "bench/", "scripts/")) or "/geo/" in n]


def test_the_installed_atlas_runs_from_the_wheel_not_the_checkout(installed):
    out = subprocess.run(
        [
            str(installed["python"]),
            "-c",
            "import app, geodata.resources as r; print(app.__file__); print(r.shipped_root())",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=installed["cwd"],
        env=env(installed),
    ).stdout.split()
    assert all(str(ROOT) not in line for line in out), out
    assert out[1].endswith("atlas_files")


def test_an_export_from_outside_the_repository(installed):
    out = installed["cwd"] / "凉山.png"
    result = subprocess.run(
        [
            str(installed["bin"] / "coverage-atlas"),
            "export",
            "--layer",
            "pop_60plus",
            "--area",
            "513400",
            "--format",
            "png",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        cwd=installed["cwd"],
        env=env(installed),
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert oct(out.stat().st_mode & 0o777) == oct(0o666 & ~_umask())


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def test_the_installed_server_draws_the_map(installed, browser, tmp_path):
    # What `coverage-atlas serve` runs, with the installed interpreter and a cache of its own: nothing is written
    # into the installed package (its site folder and geometry files are in the cache).
    script = subprocess.run(
        [str(installed["python"]), "-c", "from app.webmap.site import prepare_site; print(prepare_site())"],
        capture_output=True,
        text=True,
        check=True,
        cwd=installed["cwd"],
        env=env(installed),
    ).stdout.strip()
    assert script.startswith(str(installed["cache"]))
    with _server(
        ["-m", "app.ui.serving", script],
        [],
        cwd=installed["cwd"],
        log_path=tmp_path / "server.log",
        timeout=120,
        python=str(installed["python"]),
        env=env(installed),
    ) as url:
        tab = LocalOnlyPage(browser)
        try:
            tab.page.goto(f"{url}/?level=prefecture&basemap=none")
            paths = tab.page.frame_locator(FOLIUM_IFRAME).locator("path.leaflet-interactive")
            expect(paths).to_have_count(21, timeout=150_000)
            assert tab.blocked == [] and tab.local_errors == [] and tab.page_errors == []
        finally:
            tab.close()
    package = Path(
        subprocess.run(
            [str(installed["python"]), "-c", "import atlas_files; print(atlas_files.__path__[0])"],
            capture_output=True,
            text=True,
            check=True,
            cwd=installed["cwd"],
            env=env(installed),
        ).stdout.strip()
    )
    assert not (package / "static" / "geo").exists()
