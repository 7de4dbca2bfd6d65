from geodata import ECONOMIC_REGIONS, economic_region_of, gazetteer


def test_five_regions_partition_the_21_prefectures():
    assert len(ECONOMIC_REGIONS) == 5
    codes = [c for r in ECONOMIC_REGIONS.values() for c in r.prefecture_codes]
    assert len(codes) == len(set(codes)) == 21
    assert set(codes) == {d.adcode for d in gazetteer().current("prefecture")}


def test_named_memberships():
    assert economic_region_of("513400").name_zh == "攀西经济区"
    assert economic_region_of("510100").name_zh == "成都平原经济区"
    assert economic_region_of("513300").name_zh == "川西北生态示范区"
    assert len(ECONOMIC_REGIONS["northeast"].prefecture_codes) == 5
