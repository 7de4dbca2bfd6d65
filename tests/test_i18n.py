import pytest

from app.i18n import TEXT, UNITS_EN, t, unit_text
from layers.summary import province_summary


@pytest.mark.parametrize("key", sorted(TEXT))
def test_every_string_exists_in_both_languages(key):
    zh, en = TEXT[key]
    assert zh.strip() and en.strip()
    if "{" not in zh:
        assert (t(key, "zh"), t(key, "en")) == (zh, en)


def test_every_unit_of_the_summary_has_an_english_rendering():
    units = set(province_summary()["unit"])
    assert units <= set(UNITS_EN), units - set(UNITS_EN)
    assert unit_text("万人", "en") == "× 10,000 persons"
    assert unit_text("万人", "zh") == "万人"


def test_placeholders_match_between_languages():
    import re

    for key, (zh, en) in TEXT.items():
        assert set(re.findall(r"{(\w+)}", zh)) == set(re.findall(r"{(\w+)}", en)), key
