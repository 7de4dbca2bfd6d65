"""Validation of shipped tables: a bad file names file, row and column, and never reaches the map."""

import shutil

import pytest

from layers.tables import DataValidationError, long_table, read_datapackage, read_resource

CENSUS_HEADER = "adcode,name,level,year,indicator,value,unit,source_repo,source_path\n"
GOOD = "510100,成都市,prefecture,2020,pop_total,20937757,persons,leiii/census,x.xlsx\n"


def _resource(tmp_path, body: str, name: str = "census2020"):
    from dataclasses import replace

    res = read_datapackage()[name]
    path = tmp_path / "broken.csv"
    path.write_text(body, encoding="utf-8")
    return replace(res, path=path)


@pytest.mark.parametrize(
    "row,column,message",
    [
        (
            "510100,成都市,prefecture,2020,pop_total,lots,persons,leiii/census,x.xlsx\n",
            "value",
            "'lots' is not a number",
        ),
        (
            "519999,某县,county,2020,pop_total,1,persons,leiii/census,x.xlsx\n",
            "adcode",
            "519999 is not a Sichuan division code",
        ),
        ("510100,成都市,prefecture,,pop_total,1,persons,leiii/census,x.xlsx\n", "year", "is empty but required"),
        ("510100,成都市,prefecture,2020,pop_total,1,persons,,x.xlsx\n", "source_repo", "is empty but required"),
        (
            "510100,成都市,county,2020,pop_total,1,persons,leiii/census,x.xlsx\n",
            "adcode",
            "is a prefecture, not a county",
        ),
        (
            "5101,成都市,prefecture,2020,pop_total,1,persons,leiii/census,x.xlsx\n",
            "adcode",
            "not a six-digit division code",
        ),
    ],
)
def test_bad_rows_are_reported_with_file_row_and_column(tmp_path, row, column, message):
    res = _resource(tmp_path, CENSUS_HEADER + GOOD + row)
    with pytest.raises(DataValidationError) as err:
        read_resource(res)
    text = str(err.value)
    assert "broken.csv, row 2 (line 3)" in text
    assert f"column {column!r}" in text
    assert message in text


def test_duplicate_region_names_both_rows(tmp_path):
    res = _resource(tmp_path, CENSUS_HEADER + GOOD + GOOD)
    with pytest.raises(
        DataValidationError, match=r"row 2 .*duplicate region: 510100 pop_total 2020 already given in row 1"
    ):
        read_resource(res)


def test_old_and_new_code_of_one_county_are_duplicates(tmp_path):
    rows = "513425,会理县,county,2020,pop_total,1,persons,r,p\n513402,会理市,county,2020,pop_total,2,persons,r,p\n"
    with pytest.raises(DataValidationError, match="duplicate region"):
        read_resource(_resource(tmp_path, CENSUS_HEADER + rows))


def test_every_problem_is_reported_not_just_the_first(tmp_path):
    rows = (
        "510100,成都市,prefecture,2020,pop_total,x,persons,r,p\n510300,自贡市,prefecture,20x0,pop_total,1,persons,r,p\n"
    )
    with pytest.raises(DataValidationError) as err:
        read_resource(_resource(tmp_path, CENSUS_HEADER + rows))
    assert len(err.value.problems) == 2


def test_missing_column_and_missing_source_metadata(tmp_path):
    from dataclasses import replace

    with pytest.raises(DataValidationError, match=r"missing column\(s\) \['source_path'\]"):
        read_resource(_resource(tmp_path, "adcode,name,level,year,indicator,value,unit,source_repo\n"))
    res = replace(_resource(tmp_path, CENSUS_HEADER + GOOD), sources=())
    with pytest.raises(DataValidationError, match="names no source"):
        read_resource(res)


def test_long_table_maps_old_codes_and_marks_zones():
    table = long_table(read_datapackage()["census2020"])
    huili = table[(table["source_adcode"] == "513425") & (table["indicator"] == "pop_total")]
    assert huili["adcode"].tolist() == ["513402"]
    assert set(table.loc[table["level"] == "zone", "adcode"]) == {"511071", "511771", "511971"}


@pytest.mark.parametrize("name", [r.name for r in read_datapackage().values()])
def test_every_shipped_resource_validates(name):
    df = read_resource(read_datapackage()[name])
    assert len(df) > 0


def test_a_broken_copy_of_a_shipped_file_fails(tmp_path):
    from dataclasses import replace

    res = read_datapackage()["census2020"]
    copy = tmp_path / "census.csv"
    shutil.copy(res.path, copy)
    lines = copy.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[10] = lines[10].replace(",2020,", ",,", 1)
    copy.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(DataValidationError, match=r"row 10 \(line 11\), column 'year'"):
        read_resource(replace(res, path=copy))


# --- malformed copies of the real files (issue 9) -----------------------------------------------
def _copy(tmp_path, name: str, edit, encoding: str = "utf-8"):
    """A copy of shipped resource ``name`` with ``edit(lines) -> lines`` applied, as a Resource."""
    from dataclasses import replace

    res = read_datapackage()[name]
    lines = res.path.read_text(encoding="utf-8").splitlines(keepends=True)
    path = tmp_path / res.path.name
    path.write_text("".join(edit(lines)), encoding=encoding)
    return replace(res, path=path)


def _problems(res) -> list[str]:
    with pytest.raises(DataValidationError) as info:
        read_resource(res)
    return [str(p) for p in info.value.problems]


def _census_line(lines, code="510104", indicator="pop_total"):
    return next(i for i, line in enumerate(lines) if line.startswith(f"{code},") and f",{indicator}," in line)


def test_an_unquoted_thousands_separator_is_a_field_count_error(tmp_path):
    def edit(lines):
        i = _census_line(lines)
        lines[i] = lines[i].replace(",902933,", ",902,933,")
        return lines

    res = _copy(tmp_path, "census2020", edit)
    (problem,) = _problems(res)
    assert problem.startswith("data/census/census2020_sichuan.csv") or "census2020_sichuan.csv" in problem
    assert "row 19 (line 20)" in problem and "10 fields but the header has 9" in problem and "902,933" in problem


def test_a_row_with_too_few_fields(tmp_path):
    def edit(lines):
        i = _census_line(lines)
        lines[i] = ",".join(lines[i].split(",")[:5]) + "\n"
        return lines

    (problem,) = _problems(_copy(tmp_path, "census2020", edit))
    assert "row 19" in problem and "column 'value'" in problem and "5 fields but the header has 9" in problem


def test_a_quoted_thousands_separator_is_not_a_number(tmp_path):
    def edit(lines):
        i = _census_line(lines)
        lines[i] = lines[i].replace(",902933,", ',"902,933",')
        return lines

    (problem,) = _problems(_copy(tmp_path, "census2020", edit))
    assert "column 'value'" in problem and "without thousands separators" in problem


def test_negative_counts_are_errors(tmp_path):
    def edit(lines):
        i = _census_line(lines)
        lines[i] = lines[i].replace(",902933,", ",-902933,")
        return lines

    (problem,) = _problems(_copy(tmp_path, "census2020", edit))
    assert "row 19" in problem and "column 'value'" in problem and "-902933 is below 0" in problem


@pytest.mark.parametrize(
    ("name", "row"),
    [
        ("census2020", 5),
        ("division_counts", 3),
        ("poverty_counties", 2),
        ("local_reports_child_protection", 4),
        ("seed_figures", 7),
        ("seed_places", 1),
    ],
)
def test_a_duplicated_row_is_an_error_in_every_table(tmp_path, name, row):
    def edit(lines):
        return [*lines, lines[row]]

    problems = _problems(_copy(tmp_path, name, edit))
    assert len(problems) == 1 and "duplicate" in problems[0] and f"row {row}" in problems[0]


@pytest.mark.parametrize("name", ["census2020", "poverty_counties", "local_reports_child_protection"])
def test_a_name_that_contradicts_its_code(tmp_path, name):
    def edit(lines):
        header = lines[0].split(",")
        fields = lines[1].split(",")
        fields[header.index("name")] = "凉山彝族自治州"
        lines[1] = ",".join(fields)
        return lines

    (problem,) = _problems(_copy(tmp_path, name, edit))
    assert "row 1 " in problem and "column 'name'" in problem and "'凉山彝族自治州' contradicts the code" in problem


def test_a_gbk_file_names_file_and_encoding(tmp_path):
    (problem,) = _problems(_copy(tmp_path, "census2020", lambda lines: lines, encoding="gbk"))
    assert "census2020_sichuan.csv" in problem and "is not UTF-8" in problem and "GBK" in problem


def test_a_header_only_census_is_named_not_an_index_error(tmp_path):
    (problem,) = _problems(_copy(tmp_path, "census2020", lambda lines: lines[:1]))
    assert "census2020_sichuan.csv" in problem and "no data rows" in problem


# --- the gazetteer and the township changes ----------------------------------------------------
@pytest.fixture
def gazetteer_copy(tmp_path, monkeypatch):
    from geodata import codes

    folder = tmp_path / "gazetteer"
    shutil.copytree(codes.DATA_DIR, folder)
    monkeypatch.setattr(codes, "DATA_DIR", folder)
    codes.gazetteer.cache_clear()
    yield folder
    codes.gazetteer.cache_clear()


def test_a_gazetteer_error_is_reported_against_the_gazetteer(gazetteer_copy):
    from geodata import codes

    path = gazetteer_copy / "sichuan_divisions.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join([*lines, lines[3]]), encoding="utf-8")
    with pytest.raises(codes.GazetteerError) as info:
        codes.gazetteer()
    message = str(info.value)
    assert f"data/gazetteer/sichuan_divisions.csv, row {len(lines)}, column 'adcode': duplicate" in message
    assert "census" not in message


def test_a_broken_crosswalk_is_reported_against_the_crosswalk(gazetteer_copy):
    from geodata import codes

    path = gazetteer_copy / "crosswalk.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("510132,新津县,510118", "510132,新津县,519999", 1), encoding="utf-8")
    with pytest.raises(codes.GazetteerError, match=r"crosswalk.csv, row 1, column 'new_adcode': '519999'"):
        codes.gazetteer()


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda lines: [*lines, lines[1]], "township 510104017 added twice (row 1)"),
        (lambda lines: [lines[0], lines[1].replace("510104,", "519999,", 1), *lines[2:]], "'519999' is not a county"),
        (lambda lines: [lines[0], lines[1].replace("added", "merged"), *lines[2:]], "'merged' is not 'removed'"),
        (lambda lines: [lines[0], lines[1].replace("510104017", "5101040"), *lines[2:]], "nine-digit"),
        (lambda lines: [lines[0], lines[1].replace(",merger,", ",fusion,"), *lines[2:]], "'fusion' is not one of"),
    ],
)
def test_township_changes_are_validated(tmp_path, edit, expected):
    from layers.annotations import TOWNSHIP_CHANGES, read_township_changes

    lines = TOWNSHIP_CHANGES.read_text(encoding="utf-8").splitlines(keepends=True)
    path = tmp_path / TOWNSHIP_CHANGES.name
    path.write_text("".join(edit(lines)), encoding="utf-8")
    with pytest.raises(DataValidationError) as info:
        read_township_changes(path)
    assert len(info.value.problems) == 1 and expected in str(info.value.problems[0])
    assert "township_changes_2018_2021.csv" in str(info.value.problems[0])
