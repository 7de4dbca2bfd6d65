"""The title and subtitle a print or file gets by default, in the view's language (single and compare views)."""

from __future__ import annotations

from app.core.compare import CompareData
from app.core.i18n import t
from app.core.mapdata import MapData
from app.core.regionnames import region_name
from app.core.viewstate import ViewState, area_label


def default_title(data: MapData) -> str:
    return data.layer.title(data.view.lang)


def default_subtitle(data: MapData) -> str:
    view, lang = data.view, data.view.lang
    return " · ".join(
        [
            f"{t('year', lang)}: {data.layer.year_label(lang)}",
            t(view.level, lang),
            print_area(view),
        ]
    )


def print_area(view: ViewState) -> str:
    """The view's area in the print's language (a prefecture by its English name in English)."""
    return area_label(view.area, view.lang, region_name)


COMPARE_PRINT_VIEWS = ("bivariate", "side_by_side")  # the compare views with a print map


def compare_title(data: CompareData, view: str) -> str:
    """Both layers' titles: "A × B" for the bivariate map, "A | B" side by side."""
    lang = data.view.lang
    join = " × " if view == "bivariate" else " | "
    return f"{data.layer_a.title(lang)}{join}{data.layer_b.title(lang)}"


def compare_subtitle(data: CompareData) -> str:
    lang, view = data.view.lang, data.view
    return " · ".join(
        [
            f"A {t('year', lang)}: {data.layer_a.year_label(lang)}",
            f"B {t('year', lang)}: {data.layer_b.year_label(lang)}",
            t(view.level, lang),
            print_area(view),
        ]
    )
