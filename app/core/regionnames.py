"""Region names as shown: in the UI language, and unique (a name used twice gets its prefecture).

Two counties are named 市中区 (内江 511002, 乐山 511102); anything keyed or labelled by name alone
merges them, so every chart, table and export labels regions through :func:`region_labels`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from functools import cache

from app.core.names_en import english_name, english_short
from geodata.codes import gazetteer


def _stem(name: str) -> str:
    """内江市 → 内江, 凉山州 → 凉山: how a parent is written in brackets."""
    return re.sub(r"(市|州|地区)$", "", name)


def region_name(adcode: str, lang: str = "zh") -> str:
    """The region's name in the UI language (English names come from :mod:`app.names_en` when present)."""
    div = gazetteer().get(adcode)
    if lang == "en":
        return english_name(div.adcode) or div.name
    return div.name


def short_name(adcode: str, lang: str = "zh") -> str:
    """The short name, for tight spaces: 凉山 / Liangshan."""
    div = gazetteer().get(adcode)
    if lang == "en":
        return english_short(div.adcode) or _stem(div.short_name)
    return _stem(div.short_name)


@cache
def _ambiguous_names(level: str) -> frozenset[str]:
    counts = Counter(d.name for d in gazetteer().current(level))
    return frozenset(n for n, c in counts.items() if c > 1)


@cache
def region_label(adcode: str, lang: str = "zh") -> str:
    """The name, with its parent prefecture in brackets where the name alone is not unique."""
    div = gazetteer().get(adcode)
    name = region_name(adcode, lang)
    if div.level in ("county", "zone") and div.name in _ambiguous_names("county") and div.parent_adcode:
        parent = short_name(div.parent_adcode, lang)
        return f"{name}（{parent}）" if lang == "zh" else f"{name} ({parent})"
    return name


def region_labels(codes: Iterable[str], lang: str = "zh") -> list[str]:
    """Labels for ``codes``, guaranteed distinct (a code is appended should two still coincide)."""
    codes = list(codes)
    labels = [region_label(c, lang) for c in codes]
    counts = Counter(labels)
    return [f"{lab} {c}" if counts[lab] > 1 else lab for lab, c in zip(labels, codes, strict=True)]


def parent_name(adcode: str, lang: str = "zh") -> str:
    div = gazetteer().get(adcode)
    return region_name(div.parent_adcode, lang) if div.parent_adcode else ""


def search_label(adcode: str, lang: str = "zh") -> str:
    """A prefecture in the area search: its name in the UI language and its code, so 513400 finds 凉山州
    and "Liangshan" finds it in the English interface."""
    name = region_name(adcode, lang)
    return f"{name}（{adcode}）" if lang == "zh" else f"{name} ({adcode})"
