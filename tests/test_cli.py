import subprocess
import sys

from app.cli import main


def test_resolve_prints_codes_and_labels(capsys):
    assert main(["resolve", "会理县", "市中区(乐山)"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split("\t")[:2] == ["会理县", "513402"]
    assert out[1].split("\t")[1] == "511102"


def test_resolve_reports_ambiguous_and_unknown_names_with_exit_1(capsys):
    assert main(["resolve", "市中区", "火星县"]) == 1
    err = capsys.readouterr().err
    assert "511002" in err and "511102" in err and "火星县" in err


def test_python_dash_m_app_and_console_script_run():
    out = subprocess.run([sys.executable, "-m", "app", "resolve", "凉山"], capture_output=True, text=True, check=True)
    assert "513400" in out.stdout
    exe = f"{sys.prefix}/bin/coverage-atlas"
    out = subprocess.run([exe, "--help"], capture_output=True, text=True, check=True)
    assert "serve" in out.stdout and "resolve" in out.stdout
