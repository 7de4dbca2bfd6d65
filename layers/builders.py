"""Layers computed from the gazetteer, the boundaries or a plain list rather than a long table."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

import pandas as pd

from geodata.boundaries import areas_km2
from geodata.codes import gazetteer
from geodata.regions import ECONOMIC_REGIONS, economic_region_of
from layers.summary import THEME_NAMES, pilot_places
from layers.tables import read_datapackage, read_resource


def area_km2(level: str) -> pd.Series:
    return areas_km2(level)


def economic_region(level: str) -> pd.Series:
    gaz = gazetteer()
    out = {}
    for d in gaz.current(level):
        pref = d.adcode if level == "prefecture" else d.parent_adcode
        out[d.adcode] = economic_region_of(pref).name_zh
    return pd.Series(out, dtype=object)


def ethnic_autonomy(level: str) -> pd.Series:
    """From the official names: 自治州 / 自治县, and counties inside an autonomous prefecture."""
    gaz = gazetteer()
    out = {}
    for d in gaz.current(level):
        if level == "prefecture":
            out[d.adcode] = "民族自治州" if d.is_ethnic_autonomous else "非民族自治地方"
        elif d.is_ethnic_autonomous:
            out[d.adcode] = "民族自治县"
        elif gaz.by_code[d.parent_adcode].is_ethnic_autonomous:
            out[d.adcode] = "自治州所辖县市"
        else:
            out[d.adcode] = "非民族自治地方"
    return pd.Series(out, dtype=object)


POVERTY_CATEGORIES = {"national": ("国家级贫困县", "national"), "provincial": ("省定贫困县", "provincial")}


def poverty_counties() -> pd.DataFrame:
    """A copy of :func:`_poverty_counties` (read and validated once per process)."""
    return _poverty_counties().copy()


@lru_cache(maxsize=1)
def _poverty_counties() -> pd.DataFrame:
    """Sichuan's 88 former poverty counties: 66 national and 22 provincial, with today's codes and names.

    The raw lists keep the names they were published under (马尔康县, 康定县); ``name`` here is today's
    (马尔康市, 康定市) and ``listed_name`` the one in the list.
    """
    gaz = gazetteer()
    resources = read_datapackage()
    national = read_resource(resources["poverty_counties"]).assign(category="national")
    provincial = read_resource(resources["provincial_poverty_counties"])
    df = pd.concat([national, provincial], ignore_index=True)[["adcode", "name", "exit_year", "category"]]
    df = df.rename(columns={"name": "listed_name"})
    df["adcode"] = df["adcode"].map(gaz.current_code)
    df["name"] = [gaz.by_code[c].name for c in df["adcode"]]
    if df["adcode"].duplicated().any():
        raise ValueError(f"a county is on both poverty lists: {sorted(df.loc[df['adcode'].duplicated(), 'adcode'])}")
    return df


def _poverty_list(category: str | None = None) -> pd.DataFrame:
    df = poverty_counties()
    return df if category is None else df[df["category"] == category]


def poverty_exit_year(level: str) -> pd.Series:
    """County: the year a national poverty county exited poverty (摘帽); others get no category."""
    if level != "county":
        raise ValueError("poverty exit year is a county-level category")
    df = _poverty_list("national")
    return pd.Series({r.adcode: f"{r.exit_year}年摘帽" for r in df.itertuples()}, dtype=object)


def poverty_exit_year_all(level: str) -> pd.Series:
    """County: exit year of each of the 88 poverty counties, national or provincial."""
    if level != "county":
        raise ValueError("poverty exit year is a county-level category")
    df = _poverty_list()
    return pd.Series({r.adcode: f"{r.exit_year}年摘帽" for r in df.itertuples()}, dtype=object)


def poverty_category(level: str) -> pd.Series:
    """County: 国家级贫困县 (66) or 省定贫困县 (22); other counties were on neither list."""
    if level != "county":
        raise ValueError("poverty category is a county-level category")
    df = _poverty_list()
    labels = {
        str(code): POVERTY_CATEGORIES[str(cat)][0] for code, cat in zip(df["adcode"], df["category"], strict=True)
    }
    return pd.Series(labels, dtype="object")


def _count_per_prefecture(df: pd.DataFrame) -> pd.Series:
    gaz = gazetteer()
    counts = df["adcode"].map(lambda c: gaz.by_code[c].parent_adcode).value_counts()
    return counts.reindex([d.adcode for d in gaz.current("prefecture")], fill_value=0).astype(float)


def poverty_county_count(level: str) -> pd.Series:
    """Prefecture: how many of the 66 national poverty counties it has (a complete list, so 0 is real)."""
    if level != "prefecture":
        raise ValueError("poverty county count is a prefecture-level figure")
    return _count_per_prefecture(_poverty_list("national"))


def poverty_county_count_all(level: str) -> pd.Series:
    """Prefecture: how many of the 88 poverty counties (66 national + 22 provincial) it has."""
    if level != "prefecture":
        raise ValueError("poverty county count is a prefecture-level figure")
    return _count_per_prefecture(_poverty_list())


def pilots_2021(level: str) -> pd.Series:
    """Places the 2021 article names, with their theme as the category (several roles joined)."""
    places = pilot_places()
    places = places[places["level"] == level]
    return places.groupby("adcode")["theme_zh"].agg(lambda s: "、".join(dict.fromkeys(s))).astype(object)


BUILDERS: dict[str, Callable[[str], pd.Series]] = {
    "area_km2": area_km2,
    "economic_region": economic_region,
    "ethnic_autonomy": ethnic_autonomy,
    "poverty_exit_year": poverty_exit_year,
    "poverty_exit_year_all": poverty_exit_year_all,
    "poverty_category": poverty_category,
    "poverty_county_count": poverty_county_count,
    "poverty_county_count_all": poverty_county_count_all,
    "pilots_2021": pilots_2021,
}


# The categories above are written in Chinese (they are the layers' values); their English words, for the English
# page and exports. An unknown category (a planner's own) is shown as written.
ETHNIC_EN = {
    "民族自治州": "Ethnic autonomous prefecture",
    "非民族自治地方": "Not an ethnic autonomous area",
    "民族自治县": "Ethnic autonomous county",
    "自治州所辖县市": "County of an autonomous prefecture",
}
POVERTY_EN = {zh: f"{en.capitalize()} poverty county" for zh, en in POVERTY_CATEGORIES.values()}
_EXIT_YEAR = re.compile(r"(\d{4})年摘帽")


def category_text(value: str, lang: str = "zh") -> str:
    """A categorical layer's value in ``lang``: "成都平原经济区" → "Chengdu Plain Economic Region",
    "2019年摘帽" → "Exited poverty in 2019", "养老服务、未成年人保护" → "Elderly care, Child protection"."""
    if lang != "en":
        return value
    regions = {r.name_zh: r.name_en for r in ECONOMIC_REGIONS.values()}
    words = {**ETHNIC_EN, **POVERTY_EN, **regions}
    if value in words:
        return words[value]
    if m := _EXIT_YEAR.fullmatch(value):
        return f"Exited poverty in {m.group(1)}"
    themes = dict(THEME_NAMES.values())
    parts = value.split("、")
    if all(p in themes for p in parts):
        return ", ".join(themes[p] for p in parts)
    return value
