"""The rooms of app/ (README "Layout"): the command line, the core, the web map and the exports work without
Streamlit, and the contracts in pyproject.toml hold (make lint runs lint-imports too; this names the commands)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
UI_ONLY = ("streamlit", "streamlit_folium")


def loaded_after(code: str, *, cwd: Path = ROOT) -> set[str]:
    """Top-level modules in sys.modules after running ``code`` in a fresh interpreter."""
    probe = code + "\nimport json, sys\nprint(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=cwd, check=True, timeout=300
    )
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize(
    "argv",
    [
        ["resolve", "成都"],
        ["export", "--layer", "pop_60plus", "--level", "prefecture", "--format", "csv", "--out", "{tmp}/x.csv"],
        ["export", "--layer", "pop_60plus", "--level", "prefecture", "--format", "html", "--out", "{tmp}/x.html"],
    ],
    ids=["resolve", "export-csv", "export-html"],
)
def test_commands_leave_streamlit_out(tmp_path, argv):
    args = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    loaded = loaded_after(f"from app.cli.main import main\nassert main({args!r}) == 0")
    assert not set(UI_ONLY) & loaded, set(UI_ONLY) & loaded


def test_import_dry_run_and_atlas_leave_streamlit_out(tmp_path):
    table = tmp_path / "t.csv"
    table.write_text("地区,床位\n成都市,10\n凉山州,5\n", encoding="utf-8")
    store = tmp_path / "store.sqlite"
    code = (
        "from app.cli.main import main\n"
        f"assert main(['import', {str(table)!r}, '--region-column', '地区', '--value-column', '床位', '--title', 't',"
        f" '--unit', '张', '--year', '2021', '--source', 's', '--level', 'prefecture', '--dry-run',"
        f" '--allow-unmatched', '--store', {str(store)!r}]) == 0\n"
        "from app.core.viewstate import ViewState\n"
        "from app.export.atlas import build_atlas\n"
        f"build_atlas(__import__('pathlib').Path({str(tmp_path / 'atlas')!r}), formats=('png',),"
        " views=[ViewState(layer='pop_60plus', level='prefecture')])\n"
    )
    loaded = loaded_after(code)
    assert not set(UI_ONLY) & loaded


def test_resolve_imports_no_heavy_library():
    # The gazetteer alone: `coverage-atlas resolve` answers without geopandas, pandas or the statistics stack.
    loaded = loaded_after("from app.cli.main import main\nassert main(['resolve', '凉山']) == 0")
    heavy = {"geopandas", "pandas", "scipy", "mapclassify", "matplotlib", "sklearn", "folium", "sqlalchemy", "esda"}
    assert not heavy & loaded, heavy & loaded


def test_exporting_a_shipped_layer_leaves_the_store_and_statistics_out(tmp_path):
    # The store is opened for saved layers only (test_import_cli exports one); a shipped layer's print map
    # needs neither sqlalchemy nor the statistics stack.
    args = ["export", "--layer", "pop_60plus", "--level", "prefecture", "--format", "png", "--dpi", "72"]
    args += ["--out", str(tmp_path / "x.png")]
    loaded = loaded_after(f"from app.cli.main import main\nassert main({args!r}) == 0")
    assert not {"sqlalchemy", "scipy", "sklearn", "esda", "folium", "streamlit"} & loaded


def test_the_import_contracts_hold():
    out = subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports")), "--no-cache"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert out.returncode == 0, out.stdout[-3000:]
    assert "Contracts: 4 kept, 0 broken." in out.stdout


def test_the_page_modules_leave_the_print_and_statistics_stacks_out():
    """Every session's first run imports the page's modules: matplotlib (exports, the brief), scipy and esda (one
    compare view each) load when a planner asks for them, not at start-up."""
    loaded = loaded_after(
        "import app.ui.cache, app.ui.panels, app.ui.sidebar, app.ui.upload, app.ui.livemap, app.ui.export_panel, "
        "app.ui.compare.page, app.ui.plan.page"
    )
    assert not {"matplotlib", "scipy", "esda", "sklearn"} & loaded, {"matplotlib", "scipy", "esda", "sklearn"} & loaded
