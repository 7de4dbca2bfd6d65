"""Sichuan's five economic regions (五大经济区), as groupings of prefectures for filters."""

from __future__ import annotations

from dataclasses import dataclass

from geodata.codes import resolve


@dataclass(frozen=True)
class EconomicRegion:
    id: str
    name_zh: str
    name_en: str
    prefecture_names: tuple[str, ...]

    @property
    def prefecture_codes(self) -> tuple[str, ...]:
        return tuple(resolve(n, "prefecture") for n in self.prefecture_names)


# Source: 四川省"十四五"规划纲要 (five economic regions); listed in the foundation issue.
ECONOMIC_REGIONS: dict[str, EconomicRegion] = {
    r.id: r
    for r in (
        EconomicRegion(
            "chengdu_plain",
            "成都平原经济区",
            "Chengdu Plain Economic Region",
            ("成都", "德阳", "绵阳", "遂宁", "乐山", "雅安", "眉山", "资阳"),
        ),
        EconomicRegion("south", "川南经济区", "South Sichuan Economic Region", ("自贡", "泸州", "内江", "宜宾")),
        EconomicRegion(
            "northeast", "川东北经济区", "Northeast Sichuan Economic Region", ("广元", "南充", "广安", "达州", "巴中")
        ),
        EconomicRegion("panxi", "攀西经济区", "Panxi Economic Region", ("攀枝花", "凉山")),
        EconomicRegion(
            "northwest", "川西北生态示范区", "Northwest Sichuan Ecological Demonstration Zone", ("阿坝", "甘孜")
        ),
    )
}


def economic_region_of(prefecture_code: str) -> EconomicRegion:
    for region in ECONOMIC_REGIONS.values():
        if prefecture_code in region.prefecture_codes:
            return region
    raise KeyError(f"{prefecture_code} is in no economic region")
