"""Named groups of regions for the area filter, from the context layers (poverty list, ethnic areas)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from geodata.codes import gazetteer
from layers.builders import ethnic_autonomy, poverty_counties


@dataclass(frozen=True)
class RegionGroup:
    id: str
    name_zh: str
    name_en: str
    members: Callable[[str], set[str]]  # level -> adcodes

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_zh


def _poverty(categories: tuple[str, ...]) -> Callable[[str], set[str]]:
    def members(level: str) -> set[str]:
        df = poverty_counties()
        counties = set(df.loc[df["category"].isin(categories), "adcode"])
        if level == "county":
            return counties
        gaz = gazetteer()
        return {gaz.by_code[c].parent_adcode for c in counties}  # prefectures with at least one

    return members


def _ethnic(level: str) -> set[str]:
    labels = ethnic_autonomy(level)
    return set(labels[labels != "非民族自治地方"].index)


GROUPS: dict[str, RegionGroup] = {
    g.id: g
    for g in (
        # The labels say exactly what the lists hold (data/context/: 66 national, 22 provincial).
        RegionGroup("poverty", "国家级贫困县（66）", "National poverty counties (66)", _poverty(("national",))),
        RegionGroup(
            "poverty_all",
            "贫困县（含省定，88）",
            "Poverty counties incl. provincial (88)",
            _poverty(("national", "provincial")),
        ),
        RegionGroup("ethnic", "民族自治地方（自治州、自治县及州内县市）", "Ethnic autonomous areas", _ethnic),
    )
}
