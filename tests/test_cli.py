import os
import subprocess
import sys

import pytest

from app.cli.main import main


def test_resolve_prints_codes_and_labels(capsys):
    assert main(["resolve", "会理县", "市中区(乐山)"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split("\t")[:2] == ["会理县", "513402"]
    assert out[1].split("\t")[1] == "511102"


def test_resolve_reports_ambiguous_and_unknown_names_with_exit_1(capsys):
    assert main(["resolve", "市中区", "火星县"]) == 1
    err = capsys.readouterr().err
    assert "511002" in err and "511102" in err and "火星县" in err


def test_resolve_names_a_zones_district_with_its_code(capsys):
    assert main(["resolve", "511071"]) == 1
    err = capsys.readouterr().err
    assert "市中区（内江） 511002" in err and "CONTAINING_DISTRICT" not in err


def test_python_dash_m_app_and_console_script_run():
    out = subprocess.run([sys.executable, "-m", "app", "resolve", "凉山"], capture_output=True, text=True, check=True)
    assert "513400" in out.stdout
    exe = f"{sys.prefix}/bin/coverage-atlas"
    out = subprocess.run([exe, "--help"], capture_output=True, text=True, check=True)
    assert "serve" in out.stdout and "resolve" in out.stdout


def test_build_cache_builds_every_detail_the_app_draws(monkeypatch, capsys):
    from app.webmap import geometry
    from geodata import boundaries

    built = []
    monkeypatch.setattr(
        boundaries, "load_boundaries", lambda level, detail, datum: built.append((detail, datum)) or [0]
    )
    monkeypatch.setattr(boundaries, "is_cached", lambda *args: True)
    monkeypatch.setattr(geometry, "publish_all", lambda: [])
    assert main(["build-cache"]) == 0
    # The app's default province-wide views draw "overview" (mapbuild.boundary_detail).
    assert {d for d, _ in built} == {"overview", "web", "full"} and len(built) == 18


def test_build_cache_says_when_it_cannot_write(monkeypatch, capsys):
    import geodata
    from geodata import boundaries

    monkeypatch.setattr(geodata, "load_boundaries", lambda level, detail, datum: [1])
    monkeypatch.setattr(boundaries, "is_cached", lambda *args: False)
    assert main(["build-cache"]) == 1
    assert "not writable" in capsys.readouterr().err


def test_serve_rejects_an_impossible_port_in_one_line():
    out = subprocess.run(
        [sys.executable, "-m", "app", "serve", "--port", "70000"], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 2
    assert "70000 is not a port number (1-65535)" in out.stderr and "Traceback" not in out.stderr
    assert out.stderr.strip().splitlines()[-1].startswith("coverage-atlas serve: error: argument --port")


def test_resolve_escapes_control_characters_in_echoed_input(capsys):
    assert main(["resolve", "\x1b[31m凉山\tx", "凉山"]) == 1
    captured = capsys.readouterr()
    assert "\x1b" not in captured.err and "\\x1b[31m凉山\\tx\terror:" in captured.err
    assert captured.out.split("\t")[:2] == ["凉山", "513400"]


def test_a_space_inside_a_name_is_ignored_on_purpose(capsys):
    # Documented in the README: names are matched with spaces removed (成 都 is 成都).
    assert main(["resolve", "成 都"]) == 0
    assert capsys.readouterr().out.split("\t")[1] == "510100"


def test_serve_checks_its_settings_before_starting(monkeypatch, capsys, tmp_path):
    """A bad upload limit, store URL or sign-in setting stops `serve` with one line each (issue 25 item 8): the
    server process (which `serve` becomes) checks them before Streamlit starts."""
    from app.ui import serving

    started = []
    monkeypatch.setattr(serving, "run_server", lambda *a, **k: started.append(a) or 0)
    monkeypatch.setattr(serving.threading, "Thread", lambda *a, **k: pytest.fail("nothing may start"))
    monkeypatch.setenv("COVERAGE_ATLAS_UPLOAD_MAX_MB", "20MB")
    monkeypatch.setenv("COVERAGE_ATLAS_STORE", "mysql://atlas:s3cret@db/atlas")
    monkeypatch.setenv("COVERAGE_ATLAS_EDITOR_PASSWORD", "  ")
    assert serving.main(["streamlit_app.py"]) == 2 and started == []
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 3 and all(line.startswith("coverage-atlas serve: error: ") for line in err)
    assert "COVERAGE_ATLAS_UPLOAD_MAX_MB='20MB'" in err[0]
    assert "mysql://atlas:***@db/atlas" in err[1] and "not installed" in err[1] and "s3cret" not in err[1]
    assert "COVERAGE_ATLAS_EDITOR_PASSWORD is set but empty" in err[2]
    (tmp_path / "file").write_text("x")
    monkeypatch.setenv("COVERAGE_ATLAS_UPLOAD_MAX_MB", "20")
    monkeypatch.setenv("COVERAGE_ATLAS_STORE", str(tmp_path / "file" / "layers.sqlite"))
    monkeypatch.setenv("COVERAGE_ATLAS_EDITOR_PASSWORD", "correct horse")
    assert serving.config_problems() == [
        f"store sqlite:///{tmp_path / 'file' / 'layers.sqlite'}: {tmp_path / 'file'} is a file, not a folder; "
        "point COVERAGE_ATLAS_STORE or COVERAGE_ATLAS_CACHE at a folder"
    ]
    monkeypatch.setenv("COVERAGE_ATLAS_STORE", str(tmp_path / "layers.sqlite"))
    assert serving.config_problems() == []


def test_the_serve_command_stops_on_a_bad_setting(tmp_path):
    env = {**os.environ, "COVERAGE_ATLAS_UPLOAD_MAX_MB": "twenty"}
    out = subprocess.run([sys.executable, "-m", "app", "serve", "--port", "9"], capture_output=True, text=True, env=env)
    assert out.returncode == 2
    assert out.stderr.strip() == "coverage-atlas serve: error: " + out.stderr.strip().split(": error: ", 1)[1]
    assert "COVERAGE_ATLAS_UPLOAD_MAX_MB='twenty'" in out.stderr
