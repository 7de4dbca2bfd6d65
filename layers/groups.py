"""Named groups of regions for the area filter, from the context layers (poverty list, ethnic areas)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from geodata.codes import gazetteer
from layers.builders import ethnic_autonomy, poverty_exit_year


@dataclass(frozen=True)
class RegionGroup:
    id: str
    name_zh: str
    name_en: str
    members: Callable[[str], set[str]]  # level -> adcodes

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_zh


def _poverty(level: str) -> set[str]:
    counties = set(poverty_exit_year("county").dropna().index)
    if level == "county":
        return counties
    gaz = gazetteer()
    return {gaz.by_code[c].parent_adcode for c in counties}  # prefectures with at least one


def _ethnic(level: str) -> set[str]:
    labels = ethnic_autonomy(level)
    return set(labels[labels != "非民族自治地方"].index)


GROUPS: dict[str, RegionGroup] = {
    g.id: g
    for g in (
        RegionGroup(
            "poverty",
            "原国家级贫困县（及其所在市州）",
            "Former national poverty counties (and their prefectures)",
            _poverty,
        ),
        RegionGroup("ethnic", "民族自治地方（自治州、自治县及州内县市）", "Ethnic autonomous areas", _ethnic),
    )
}
