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
