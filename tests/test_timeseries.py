"""Time-series layers (townships_by_year, villages_by_year), the change between two years, the year URL parameter."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest

from app.core.mapdata import effective_layer
from app.core.viewstate import DEFAULT, ViewState, from_query_params, to_query_params
from geodata.nbs_tables import VERSIONS
from layers import default_registry
from layers.timeseries import change_layer, change_table

ROOT = Path(__file__).resolve().parents[1]
YEARS = (2018, 2019, 2020, 2021, 2023)
# Counties whose code changed: today's code carries the whole series.
RENAMED = {"510981": "510922", "510118": "510132", "513402": "513425"}  # 射洪, 新津, 会理


def _csv_counts(indicator: str) -> dict[tuple[str, int], float]:
    """division_counts.csv read with the csv module, not through the layer code."""
    with (ROOT / "data/townships/division_counts.csv").open(encoding="utf-8") as fh:
        return {
            (r["adcode"], int(r["year"])): float(r["value"])
            for r in csv.DictReader(fh)
            if r["indicator"] == indicator and r["level"] == "county"
        }


@pytest.mark.parametrize(
    "series, indicator", [("townships_by_year", "townships_total"), ("villages_by_year", "villages_total")]
)
def test_every_year_is_a_layer_with_its_own_figures(series: str, indicator: str) -> None:
    registry = default_registry()
    layer = registry.get(series)
    assert layer.years == YEARS
    counts = _csv_counts(indicator)
    for year in YEARS:
        one = registry.get(f"{series}@{year}")
        assert one.series == series and one.hidden
        assert str(year) in one.title_zh and str(year) in one.title_en
        assert one.year_label("zh").startswith(str(year))
        assert VERSIONS[year].reference_date in one.year_label("en")  # the date the code list describes
        values = one.frame("county").set_index("adcode")["value"]
        assert values.notna().all()
        for code in RENAMED:
            assert values[code] == counts[(code, year)]
            assert RENAMED[code] not in values.index  # never under the old code
    assert not any(x.id.startswith(f"{series}@") for x in registry.list_layers(include_hidden=True))


def test_renamed_counties_run_on_through_the_crosswalk() -> None:
    registry = default_registry()
    series = [registry.get(f"townships_by_year@{y}").frame("county").set_index("adcode")["value"] for y in YEARS]
    # 射洪 (510922 → 510981 in 2019), 新津 (510132 → 510118 in 2020), 会理 (513425 → 513402 in 2021): from the
    # NBS lists of each year (data/townships/township_units.csv counts them under today's code).
    assert [s["510981"] for s in series] == [32, 23, 23, 23, 23]
    assert [s["510118"] for s in series] == [12, 12, 8, 8, 8]
    assert [s["513402"] for s in series] == [27, 27, 20, 20, 20]


def test_year_dates_match_the_code_lists() -> None:
    layer = default_registry().get("townships_by_year")
    assert dict(zip(layer.years, layer.year_dates, strict=True)) == {y: v.reference_date for y, v in VERSIONS.items()}


def test_an_unknown_year_is_not_a_layer() -> None:
    registry = default_registry()
    for bad in ("townships_by_year@2022", "townships_by_year@", "pop_total@2020", "townships_by_year@２０１９"):
        with pytest.raises(KeyError):
            registry.get(bad)


def test_change_between_two_years() -> None:
    series = default_registry().get("townships_by_year")
    absolute = change_layer(series, 2018, 2021, "abs").frame("county").set_index("adcode")["value"]
    pct = change_layer(series, 2018, 2021, "pct").frame("county").set_index("adcode")["value"]
    assert absolute["510981"] == 23 - 32
    assert pct["510981"] == pytest.approx((23 - 32) / 32 * 100)
    assert absolute["513402"] == 20 - 27
    assert absolute.sum() == 3101 - 4607  # the province totals of the two lists
    table = change_table(series, "county", 2018, 2021).set_index("adcode")
    assert table.loc["510118"].tolist() == pytest.approx([12, 8, -4, -100 / 3])
    with pytest.raises(ValueError, match="two different years"):
        change_layer(series, 2021, 2021)
    with pytest.raises(ValueError, match="no year 2022"):
        change_layer(series, 2018, 2022)


def test_a_change_credits_the_editions_of_both_years() -> None:
    series = default_registry().get("villages_by_year")
    change = change_layer(series, 2018, 2021)
    assert {s.year for s in change.sources} == {"2018", "2021"}, change.sources
    assert "统计用区划代码（2018、2021）" in change.source_text(lang="zh")
    assert "statistical division codes (2018, 2021)" in change.source_text(lang="en")


def test_per_cent_change_from_zero_is_missing_not_infinite() -> None:
    series = default_registry().get("townships_by_year")
    counts = _csv_counts("townships_total")
    # Any region with 0 in the first year has no per-cent change (there is none in the shipped data: checked).
    table = change_table(series, "county", 2018, 2023)
    assert all(math.isfinite(v) for v in table["change_pct"].dropna())
    zeros = [c for (c, y), v in counts.items() if y == 2018 and v == 0]
    assert table.set_index("adcode").loc[zeros, "change_pct"].isna().all()


def test_effective_layer_takes_the_views_year_and_normalisation() -> None:
    registry = default_registry()
    layer = effective_layer(registry, ViewState(layer="townships_by_year", year=2019, norm="area_km2"))
    assert layer.id == "townships_by_year@2019__per_1000_area_km2"
    values = layer.frame("county").set_index("adcode")["value"]
    area = registry.get("area_km2").frame("county").set_index("adcode")["value"]
    assert values["510981"] == pytest.approx(23 / area["510981"] * 1000)


@pytest.mark.parametrize(
    "value",
    ["2022", "２０１９", "+2019", " 2019", "2019.0", "1e3", "20190", "", "<b>2019</b>", "2019\n"],
)
def test_a_bad_year_falls_back_with_a_notice(value: str) -> None:
    view, notices = from_query_params({"layer": "townships_by_year", "year": value}, default_registry())
    assert view.year == 2023
    assert len(notices) == 1 and "year" in notices[0].text("en")


def test_year_round_trips_and_is_dropped_for_single_year_layers() -> None:
    registry = default_registry()
    view, notices = from_query_params({"layer": "townships_by_year", "year": "2020"}, registry)
    assert view.year == 2020 and not notices
    assert to_query_params(view) == {"layer": "townships_by_year", "year": "2020"}
    assert from_query_params(to_query_params(view), registry)[0] == view
    view, notices = from_query_params({"layer": "pop_total", "year": "2020"}, registry)
    assert view.year is None and [n.kind for n in notices] == ["year_unused"]
    assert "year" not in to_query_params(view)
    assert DEFAULT.year is None


def test_compare_year_parameters_round_trip() -> None:
    registry = default_registry()
    params = {
        "layer": "villages_by_year",
        "year": "2021",
        "mode": "compare",
        "cview": "year_change",
        "year_from": "2019",
        "chg": "pct",
    }
    view, notices = from_query_params(params, registry)
    assert not notices
    assert (view.year_from, view.year, view.change) == (2019, 2021, "pct")
    assert to_query_params(view) == params
    bad, notices = from_query_params({**params, "year_from": "2022", "chg": "ratio"}, registry)
    assert (bad.year_from, bad.change) == (2018, "abs")
    assert sorted(n.kind for n in notices) == ["bad_value", "year_missing"]


def test_export_cli_takes_a_year_and_names_the_years_of_the_layer(capsys, tmp_path: Path) -> None:
    from app.cli.main import main

    out = tmp_path / "t.csv"
    status = main(["export", "--layer", "townships_by_year", "--year", "2019", "--format", "csv", "--out", str(out)])
    assert status == 0, capsys.readouterr().err
    rows = {r["区划代码"]: r for r in csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines())}
    value_col = next(c for c in next(iter(rows.values())) if "2019" in c)
    assert float(rows["510981"][value_col]) == 23  # 射洪 in the 2019 list
    bad = tmp_path / "bad.csv"
    status = main(["export", "--layer", "townships_by_year", "--year", "2022", "--format", "csv", "--out", str(bad)])
    err = capsys.readouterr().err
    assert status == 2 and "2018, 2019, 2020, 2021, 2023" in err and not bad.exists()
