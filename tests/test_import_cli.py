"""``coverage-atlas import``: match report on stdout, exit 1 when rows stop the import, 2 for unusable input."""

import csv

import pytest

from app.cli.main import main
from layers.userstore import UserStore


@pytest.fixture
def store(tmp_path):
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    s = UserStore(url)
    yield url, s
    s.engine.dispose()


def _csv(path, rows, encoding="utf-8"):
    with open(path, "w", encoding=encoding, newline="") as f:
        csv.writer(f).writerows(rows)
    return str(path)


def _import(path, store_url, *extra):
    args = ["import", path, "--region-column", "地区", "--value-column", "床位", "--title", "养老床位"]
    return main([*args, "--unit", "张", "--year", "2024", "--source", "内部统计", "--store", store_url, *extra])


def test_unmatched_rows_exit_1_with_row_numbers_and_save_nothing(tmp_path, store, capsys):
    url, s = store
    path = _csv(tmp_path / "t.csv", [["地区", "床位"], ["锦江区", "10"], ["市中区", "5"], ["火星县", "3"]])
    assert _import(path, url) == 1
    out, err = capsys.readouterr()
    assert f"{path}: row 3: '市中区' matches 2 regions" in out and f"{path}: row 4:" in out
    assert "nothing saved" in err and "--allow-unmatched" in err
    assert s.list_layers() == []


def test_allow_unmatched_saves_the_matched_rows_and_records_the_user(tmp_path, store, capsys):
    url, s = store
    path = _csv(tmp_path / "t.csv", [["地区", "床位"], ["锦江区", "10"], ["510922", "7"], ["火星县", "3"]])
    assert _import(path, url, "--allow-unmatched") == 0
    assert "saved user_1 养老床位 (county, version 1): 2 regions" in capsys.readouterr().out
    (rec,) = s.list_layers()
    assert (rec.unit, rec.year, rec.source) == ("张", "2024", "内部统计")
    assert s.load(rec.id).to_dict() == {"510104": 10.0, "510981": 7.0}  # 射洪县's old code → 射洪市
    (entry,) = s.audit()
    assert entry.action == "create" and entry.who.startswith("cli")


def test_gbk_file_with_chinese_headers(tmp_path, store, capsys):
    url, s = store
    path = _csv(tmp_path / "gbk.csv", [["地区", "床位"], ["内江市市中区", "12"], ["市中区(乐山)", "9"]], "gbk")
    assert _import(path, url) == 0
    assert s.load(1).to_dict() == {"511002": 12.0, "511102": 9.0}


def test_duplicates_and_non_numeric_values_stop_the_import_even_with_allow_unmatched(tmp_path, store, capsys):
    url, s = store
    path = _csv(tmp_path / "d.csv", [["地区", "床位"], ["锦江区", "10"], ["510104", "11"]])
    assert _import(path, url, "--allow-unmatched") == 1
    assert "rows 2, 3: 510104 成都市锦江区 appears 2 times" in capsys.readouterr().out
    path = _csv(tmp_path / "n.csv", [["地区", "床位"], ["锦江区", "约10"], ["青羊区", "-2"]])
    assert _import(path, url, "--allow-unmatched") == 1
    out, err = capsys.readouterr()
    assert "row 2, column '床位': '约10' is not a number" in out and "row 3, column '床位': '-2' is negative" in out
    assert "not numbers" in err and "--allow-negative" in err
    assert s.list_layers() == []


def test_unusable_input_is_one_line_and_exit_2(tmp_path, store, capsys):
    url, _ = store
    path = _csv(tmp_path / "t.csv", [["地区", "床位"], ["锦江区", "10"]])
    args = ["import", path, "--region-column", "县", "--value-column", "床位", "--title", "t", "--unit", "u"]
    assert main([*args, "--year", "2024", "--source", "s", "--store", url]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and path in err and "'县'" in err and "'地区'" in err
    assert _import(str(tmp_path / "missing.csv"), url) == 2
    assert "missing.csv" in capsys.readouterr().err
    (tmp_path / "empty.csv").write_bytes(b"")
    assert _import(str(tmp_path / "empty.csv"), url) == 2
    assert "empty" in capsys.readouterr().err


def test_an_unreachable_store_names_it_without_its_password(tmp_path, capsys):
    path = _csv(tmp_path / "t.csv", [["地区", "床位"], ["锦江区", "10"]])
    assert _import(path, "postgresql://atlas:s3cret@127.0.0.1:1/none") == 2
    err = capsys.readouterr().err
    assert "s3cret" not in err and "127.0.0.1:1" in err and "nothing was saved" in err


def test_two_value_columns_become_two_layers_in_one_go(tmp_path, store, capsys):
    url, s = store
    path = _csv(tmp_path / "t.csv", [["地区", "床位", "机构"], ["凉山州", "100", "4"], ["成都市", "900", "30"]])
    args = ["import", path, "--region-column", "地区", "--value-column", "床位", "--value-column", "机构"]
    args += ["--title", "养老", "--unit", "张", "--unit", "个", "--year", "2024", "--source", "s", "--store", url]
    assert main([*args, "--level", "prefecture"]) == 0
    titles = [(r.title, r.unit, r.level) for r in s.list_layers()]
    assert titles == [("养老（床位）", "张", "prefecture"), ("养老（机构）", "个", "prefecture")]
    assert s.load(2).to_dict() == {"510100": 30.0, "513400": 4.0}


def test_an_imported_layer_exports_like_a_shipped_one(tmp_path, store, monkeypatch, capsys):
    url, _ = store
    monkeypatch.setenv("COVERAGE_ATLAS_STORE", url)
    path = _csv(tmp_path / "t.csv", [["地区", "床位"], ["锦江区", "10"], ["<img src=x onerror=alert(1)>", "1"]])
    assert _import(path, url, "--allow-unmatched") == 0
    out = tmp_path / "beds.csv"
    assert main(["export", "--layer", "user_1", "--level", "county", "--format", "csv", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8-sig")
    assert "510104" in text and "养老床位" in text and "内部统计" in text


def test_the_atlas_command_draws_imported_layers_too(tmp_path, store, monkeypatch, capsys):
    """``coverage-atlas atlas`` gets the registry with the saved layers (the drawing itself is tested in
    test_export_atlas.py; here the whole atlas would take minutes, so build_atlas records what it is given)."""
    import app.export.atlas
    from app.export.atlas import AtlasReport, atlas_views

    url, _ = store
    monkeypatch.setenv("COVERAGE_ATLAS_STORE", url)
    path = _csv(tmp_path / "t.csv", [["地区", "床位"], ["锦江区", "10"], ["青羊区", "4"]])
    assert _import(path, url) == 0
    given = {}

    def build_atlas(out, **kwargs):
        given.update(kwargs)
        return AtlasReport(pages=0, skipped=[])

    monkeypatch.setattr(app.export.atlas, "build_atlas", build_atlas)
    assert main(["atlas", "--out", str(tmp_path / "atlas")]) == 0
    views = atlas_views(given["registry"], "zh")
    assert ("user_1", "county") in {(v.layer, v.level) for v in views}


def test_xlsx_sheet_and_a_size_limit(tmp_path, store, capsys, monkeypatch):
    from openpyxl import Workbook

    url, s = store
    wb = Workbook()
    wb.active.title = "说明"
    wb.active.append(["这一页不是数据"])
    ws = wb.create_sheet("2024")
    ws.append(["地区", "床位"])
    ws.append([510104, 10])  # a code stored as a number
    ws.append(["市中区（内江）", 4.5])
    path = str(tmp_path / "beds.xlsx")
    wb.save(path)
    assert _import(path, url, "--sheet", "2024") == 0
    assert s.load(1).to_dict() == {"510104": 10.0, "511002": 4.5}
    monkeypatch.setenv("COVERAGE_ATLAS_UPLOAD_MAX_MB", "0.001")
    assert _import(path, url, "--sheet", "2024") == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "beds.xlsx" in err[0] and "limit" in err[0]


# --- reading is bounded (issue 25 item 1) ---------------------------------------------------------------------------
# Runs the CLI in a child of a small wrapper that reports the child's peak memory (RUSAGE_CHILDREN of a fresh process
# counts that child only).
PEAK = """
import resource, subprocess, sys
proc = subprocess.run(sys.argv[1:], stdin=sys.stdin, capture_output=True, text=True)
sys.stderr.write(proc.stderr)
print(proc.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)
"""
IMPORT = ["-m", "app", "import", "--region-column", "地区", "--value-column", "床位", "--title", "t", "--unit", "u"]
IMPORT += ["--year", "2024", "--source", "s", "--dry-run"]


def _bounded_import(path: str, stdin=None) -> tuple[int, int, str]:
    """(exit status, peak MB, stderr) of ``coverage-atlas import PATH`` in its own process."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root)}
    env.pop("COVERAGE_ATLAS_UPLOAD_MAX_MB", None)
    cmd = [sys.executable, "-c", PEAK, sys.executable, *IMPORT[:3], path, *IMPORT[3:]]
    done = subprocess.run(cmd, stdin=stdin, capture_output=True, text=True, cwd=root, env=env, timeout=600)
    status, peak = map(int, done.stdout.split())
    return status, peak, done.stderr


@pytest.mark.parametrize("source", ["/dev/zero", "pipe", "newlines"])
def test_an_endless_or_huge_input_stops_at_the_limit_with_one_line_and_bounded_memory(source, tmp_path):
    import subprocess
    import sys

    if source == "pipe":  # an endless pipe, as `coverage-atlas import <(yes …)` or `… /dev/stdin` gives
        writer = subprocess.Popen(
            [sys.executable, "-c", "import sys\nwhile True: sys.stdout.write('锦江区,1\\n' * 1000)"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        try:
            status, peak, err = _bounded_import("/dev/stdin", stdin=writer.stdout)
        finally:
            writer.kill()
            writer.wait()
        name = "/dev/stdin"
    elif source == "newlines":  # within the size limit, but 20 million (blank) rows
        path = tmp_path / "blank.csv"
        path.write_bytes(b"\xe5\x9c\xb0\xe5\x8c\xba,\xe5\xba\x8a\xe4\xbd\x8d\n" + b"\n" * (19 * 1024 * 1024))
        status, peak, err = _bounded_import(str(path))
        name = str(path)
    else:
        status, peak, err = _bounded_import(source)
        name = source
    lines = err.strip().splitlines()
    assert status == 2 and len(lines) == 1, err
    assert name in lines[0]
    assert "20 MB" in lines[0] or "1,048,576 rows" in lines[0]
    assert peak < 300, f"{peak} MB"


# --- options (issue 25 items 3 and 8) -------------------------------------------------------------------------------
def test_the_region_column_cannot_also_be_a_value_column(tmp_path, store, capsys):
    url, s = store
    path = _csv(tmp_path / "t.csv", [["code", "床位"], ["510104", "10"], ["510105", "4"]])
    args = ["import", path, "--region-column", "code", "--value-column", "code", "--title", "t", "--unit", "u"]
    assert main([*args, "--year", "2024", "--source", "s", "--store", url]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "'code'" in err and "--region-column" in err and "--value-column" in err
    assert s.list_layers() == []


@pytest.mark.parametrize(
    ("given", "stored"),
    [("2024", "2024"), ("2018–2021", "2018–2021"), ("2018-2021", "2018–2021"), (" 2018 至 2021 ", "2018–2021")],
)
def test_year_is_a_year_or_a_range(tmp_path, store, capsys, given, stored):
    url, s = store
    path = _csv(tmp_path / "t.csv", [["地区", "床位"], ["锦江区", "10"]])
    args = ["import", path, "--region-column", "地区", "--value-column", "床位", "--title", "t", "--unit", "u"]
    assert main([*args, "--year", given, "--source", "s", "--store", url]) == 0
    assert s.list_layers()[0].year == stored


@pytest.mark.parametrize("year", ["abc", "@SUM(1)", "２０２４", "24", "2021-2018", "1066", "=2024", "-2024"])
def test_a_year_that_is_not_one_is_refused_in_one_line(tmp_path, store, capsys, year):
    url, s = store
    path = _csv(tmp_path / "t.csv", [["地区", "床位"], ["锦江区", "10"]])
    args = ["import", path, "--region-column", "地区", "--value-column", "床位", "--title", "t", "--unit", "u"]
    with pytest.raises(SystemExit) as exit_:
        main([*args, "--year", year, "--source", "s", "--store", url])
    assert exit_.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "--year" in err and "2018–2021" in err, err
    assert s.list_layers() == []


def test_free_text_may_begin_with_a_dash(tmp_path, store, capsys):
    url, s = store
    path = _csv(tmp_path / "t.csv", [["-地区", "-床位"], ["锦江区", "10"]])
    args = ["import", path, "--region-column", "-地区", "--value-column", "-床位", "--title", "-2+3", "--unit", "-"]
    assert main([*args, "--year", "2024", "--source", "-2+3", "--store", url]) == 0
    (rec,) = s.list_layers()
    assert (rec.title, rec.unit, rec.source) == ("-2+3", "-", "-2+3")
    # an option without its value still says so, in one line
    with pytest.raises(SystemExit) as exit_:
        main([*args, "--year", "2024", "--source", "--store", url])
    assert exit_.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "--source" in err and "expected one argument" in err


@pytest.mark.parametrize("value", ["abc", "0", "-1", "nan", "inf", "２０", "1e9"])
def test_a_bad_upload_limit_setting_is_named(tmp_path, store, capsys, monkeypatch, value):
    url, s = store
    monkeypatch.setenv("COVERAGE_ATLAS_UPLOAD_MAX_MB", value)
    path = _csv(tmp_path / "t.csv", [["地区", "床位"], ["锦江区", "10"]])
    assert _import(path, url) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "COVERAGE_ATLAS_UPLOAD_MAX_MB" in err and repr(value) in err
    assert s.list_layers() == []


def test_format_characters_never_reach_the_terminal_or_the_store(tmp_path, store, capsys):
    """U+202E passed into echoed values (issue 25 item 5): the report, messages and stored text are free of it."""
    url, s = store
    path = _csv(tmp_path / "t\u202ecsv.csv", [["地区", "床位"], ["锦江\u202e区", "10"], ["火星\u202e县", "1"]])
    args = ["import", path, "--region-column", "地区", "--value-column", "床位", "--title", "床位\u202e", "--unit"]
    assert main([*args, "张", "--year", "2024", "--source", "内部\u2066统计", "--store", url]) == 1
    out, err = capsys.readouterr()
    assert "\u202e" not in out + err and "\u2066" not in out + err
    assert "'火星县'" in out and "t\\u202ecsv.csv" in out  # the cell's override dropped; the file name escaped
    assert main([*args, "张", "--year", "2024", "--source", "内部\u2066统计", "--store", url, "--allow-unmatched"]) == 0
    (rec,) = s.list_layers()
    assert (rec.title, rec.source) == ("床位", "内部统计")
    assert "\u202e" not in capsys.readouterr().out
