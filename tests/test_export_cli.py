"""``coverage-atlas export``: --url gives the app's view; bad arguments give one line and no file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from urllib.parse import urlencode

import pytest

from app.cli.export import write_atomically
from app.cli.main import build_parser, main
from app.core.viewstate import ViewState, from_query_params, to_query_params
from app.export import datafiles
from tests.support.exports import data_for, registry

APP = "http://localhost:8501/"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        status = main(list(argv))
    except SystemExit as exc:  # argparse's own errors
        status = exc.code
    out, err = capsys.readouterr()
    return status, out, err


def test_url_reproduces_the_view_the_app_shows(capsys, tmp_path):
    query = {
        "layer": "children_per_village_2021",
        "level": "county",
        "area": "region:panxi",
        "min": "300",
        "scheme": "fisher_jenks",
        "k": "4",
        "palette": "PuBu",
        "rev": "1",
        "lang": "en",
    }
    url = APP + "?" + urlencode(query)
    app_view, notices = from_query_params(query, registry())  # what the page does with the same address
    assert notices == []
    out = tmp_path / "view.csv"
    status, stdout, err = run(capsys, "export", "--url", url, "--format", "csv", "--out", str(out))
    assert (status, err) == (0, "")
    assert out.read_bytes() == datafiles.csv_bytes(data_for(app_view))
    assert "wrote" in stdout


def test_flags_override_the_url_and_round_trip_a_shared_address(capsys, tmp_path):
    view = ViewState(layer="pop_60plus", level="prefecture", norm="pop_total", scheme="manual", breaks=(150.0, 200.0))
    url = APP + "?" + urlencode(to_query_params(view))
    args = build_parser().parse_args(["export", "--url", url, "--format", "csv", "--out", "x", "--lang", "en"])
    from app.cli.export import view_from_args

    assert view_from_args(args, registry()) == ViewState(**{**view.__dict__, "lang": "en"})


BAD = [
    (["--layer", "no_such_layer"], "choose from: pop_total"),
    (["--level", "township"], "choose from: prefecture, county"),
    (
        ["--layer", "poverty_exit_year", "--level", "prefecture"],
        "choose from: county (the levels of poverty_exit_year)",
    ),
    (["--area", "region:nowhere"], "region:chengdu_plain"),
    (["--norm", "pop_total"], "choose from: absolute"),
    (["--scheme", "jenks"], "quantiles"),
    (["--k", "12"], "2–9"),
    (["--scheme", "manual"], "needs --breaks"),
    (["--breaks", "1,x"], "comma-separated numbers"),
    (["--palette", "rainbow"], "YlGnBu"),
    (["--lang", "fr"], "zh, en"),
    (["--min", "abc"], "a number"),
    (["--min", "9", "--max", "1"], "min is above max"),
    (["--dpi", "5000"], "50–600"),
    (["--paper", "letter"], "a4-landscape"),
    (["--url", "localhost:8501?layer=x"], "not an http(s) address"),
    (["--url", APP + "?layer=nope"], "choose from: pop_total"),
    (["--url", APP + "?zoom=3"], "unknown parameter"),
]


@pytest.mark.parametrize(("extra", "needle"), BAD, ids=[" ".join(a) for a, _ in BAD])
def test_every_bad_argument_gives_one_line_naming_the_choices_and_writes_nothing(capsys, tmp_path, extra, needle):
    out = tmp_path / "map.png"
    dpi = [] if "--dpi" in extra else ["--dpi", "50"]
    status, _, err = run(capsys, "export", *extra, *dpi, "--format", "png", "--out", str(out))
    assert status == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("coverage-atlas export: error: "), err
    assert needle in lines[0]
    assert list(tmp_path.iterdir()) == []


def test_bad_format_names_the_formats(capsys, tmp_path):
    status, _, err = run(capsys, "export", "--format", "tiff", "--out", str(tmp_path / "x"))
    assert status == 2 and len(err.strip().splitlines()) == 1
    assert "png" in err and "gpkg" in err


def test_missing_directory_is_reported(capsys, tmp_path):
    status, _, err = run(capsys, "export", "--format", "csv", "--out", str(tmp_path / "no" / "x.csv"))
    assert status == 2 and "does not exist" in err


def test_a_failing_export_leaves_no_file_and_keeps_an_existing_one(capsys, tmp_path, monkeypatch):
    from app.export import printmap

    def broken(*args, **kwargs):
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr(printmap, "render", broken)
    out = tmp_path / "map.pdf"
    with pytest.raises(RuntimeError):
        main(["export", "--format", "pdf", "--out", str(out)])
    assert list(tmp_path.iterdir()) == []
    out.write_bytes(b"previous export")
    with pytest.raises(RuntimeError):
        main(["export", "--format", "pdf", "--out", str(out)])
    assert list(tmp_path.iterdir()) == [out] and out.read_bytes() == b"previous export"


def test_write_atomically_removes_its_temporary_file_when_production_fails(tmp_path):
    def produce() -> bytes:
        raise OSError("disk full")

    with pytest.raises(OSError):
        write_atomically(tmp_path / "x.bin", produce)
    assert list(tmp_path.iterdir()) == []
    assert write_atomically(tmp_path / "x.bin", lambda: b"abc") == 3


def test_the_installed_command_writes_a_png(tmp_path):
    out = tmp_path / "map.png"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "app",
            "export",
            "--layer",
            "pop_total",
            "--level",
            "prefecture",
            "--format",
            "png",
            "--dpi",
            "50",
            "--paper",
            "a4-portrait",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_compare_address_exports_the_compare_view(capsys, tmp_path):
    """An address copied from the compare page gives what its Export section gives: the gap list's CSV and
    the bivariate print map, not layer A alone; a format the view does not have is named with the valid ones."""
    from app.core.compare import compare_data
    from app.export import compare as compare_export

    query = {"mode": "compare", "layer": "pop_60plus", "layer_b": "pop_0_14", "level": "prefecture", "cview": "gaps"}
    url = APP + "?" + urlencode(query)
    view, notices = from_query_params(query, registry())
    assert notices == [] and view.is_compare
    out = tmp_path / "gaps.csv"
    status, _, err = run(capsys, "export", "--url", url, "--format", "csv", "--out", str(out))
    assert status == 0 and "export: error" not in err, err  # (Streamlit may log "no runtime" notes here)
    assert out.read_bytes() == compare_export.data_file(compare_data(registry(), view), "gaps")
    png = tmp_path / "bivariate.png"
    biv = url.replace("cview=gaps", "cview=bivariate")
    status, _, err = run(capsys, "export", "--url", biv, "--format", "png", "--out", str(png))
    assert status == 0 and "export: error" not in err and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    status, _, err = run(capsys, "export", "--url", url, "--format", "png", "--out", str(tmp_path / "x.png"))
    assert status == 2 and "not available for the compare view 'gaps'; choose from: csv" in err
    assert not (tmp_path / "x.png").exists()
