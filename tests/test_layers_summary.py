import pytest

from layers import default_registry
from layers.annotations import local_reports, reports_for
from layers.summary import pilot_places, province_summary, reconciliation


def test_province_summary_has_the_article_figures_with_source():
    df = province_summary().set_index("id")
    assert len(df) == 49
    assert df.loc["township_count_after", "value"] == 3101
    assert df.loc["children_homes", "value"] == 35388
    assert df.loc["rural_public_care_beds", "unit"] == "万张"
    assert df["source_zh"].str.startswith("中国社会报 《回望2021").all()
    assert df["source_en"].str.startswith("China Society News, ").all()
    assert df.loc["elderly_care_investment", "theme_zh"] == "养老服务"


def test_pilot_places_resolve_through_the_gazetteer():
    df = pilot_places()
    assert len(df) == 13
    assert df.loc[df["place_name"] == "会理市", "adcode"].item() == "513402"
    assert set(df.loc[df["place_name"] == "绵阳市", "theme"]) == {"township_merger", "disability"}


def test_reconciliation_against_published_totals():
    rec = reconciliation(default_registry()).set_index("layer_id")
    after = rec.loc["townships_2021"]
    assert after["published"] == 3101 and after["sum_of_regions"] == 3101 and after["gap"] == 0
    before = rec.loc["townships_2018"]
    assert before["published"] == 4610
    assert before["gap"] != 0  # the NBS list of 2018-10-31 differs from the published baseline
    elderly = rec.loc["pop_60plus"]
    assert elderly["published"] == 18_163_804 and elderly["gap"] == 0
    assert elderly["development_zones"] > 0


def test_local_reports_are_text_with_sources_and_current_codes():
    df = local_reports()
    assert len(df) == 13
    assert (df["source_url"].str.len() > 0).all()
    yilong = df[df["adcode"] == "511324"]
    assert yilong["value"].tolist() == ["600+"]  # kept as printed, never coerced
    leshan = reports_for("511100")
    assert set(leshan["indicator"]) == {"elderly_beds", "elderly_institutions"}
    neijiang = reports_for("511000")  # prefecture: includes its county 市中区
    assert "511002" in set(neijiang["adcode"])


@pytest.mark.parametrize("layer_id", ["townships_2021", "pop_60plus"])
def test_reconciliation_rows_name_their_source(layer_id):
    rec = reconciliation(default_registry()).set_index("layer_id")
    assert rec.loc[layer_id, "published_source_zh"] and rec.loc[layer_id, "published_source_en"]
