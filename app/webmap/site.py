"""The folder the page is served from, in the cache.

Streamlit serves ``<folder of the main script>/static`` at ``/app/static`` and refuses files whose real path
lies outside that folder. The page's geometry files are made at run time and an installed atlas's own folder
may be read-only, so the server runs the page through a folder of the cache: a link to the shipped page
script, copies of the vendored assets (2 MB, copied once and when they change) and the geometry files
(app/webmap/geometry.py).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from geodata.cache_dir import cache_dir
from geodata.resources import shipped, shipped_root

PAGE_SCRIPT = "streamlit_app.py"
# "0": a server process leaves building the rest of the caches to another (one of several instances).
WARM_REST_ENV = "COVERAGE_ATLAS_WARM_REST"
SHIPPED_STATIC = ("vendor", "atlas")  # copied; "geo" is written here at run time


def site_dir() -> Path:
    """One site folder per installation (checkout or wheel): two atlases on one machine never serve each other's
    page script or assets."""
    installation = hashlib.sha256(str(shipped_root()).encode()).hexdigest()[:12]
    path = cache_dir("site") / installation
    path.mkdir(parents=True, exist_ok=True)
    return path


def static_dir() -> Path:
    return site_dir() / "static"


def geo_dir() -> Path:
    path = static_dir() / "geo"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _sync_file(source: Path, target: Path) -> None:
    if target.is_file() and target.read_bytes() == source.read_bytes():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    try:
        shutil.copyfile(source, tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)  # atomic: several server processes may prepare the site at once
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def prepare_site() -> Path:
    """Bring the site folder up to date with the shipped files; return the page script to run."""
    static = static_dir()
    for sub in SHIPPED_STATIC:
        source = shipped("static", sub)
        for path in source.rglob("*"):
            if path.is_file():
                _sync_file(path, static / sub / path.relative_to(source))
    geo_dir()
    script = site_dir() / PAGE_SCRIPT
    target = shipped(PAGE_SCRIPT).resolve()
    if not (script.is_symlink() and script.resolve() == target):
        tmp = site_dir() / f".{PAGE_SCRIPT}.{os.getpid()}.tmp"
        tmp.unlink(missing_ok=True)
        tmp.symlink_to(target)
        os.replace(tmp, script)
    return script
