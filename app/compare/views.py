"""The registry of compare views: view id → title and render function.

A view is added by writing ``render(data: CompareData, view: ViewState) -> None`` (drawing with Streamlit)
and registering one :class:`CompareView`; the sidebar's view picker, the ``cview`` URL parameter and the
page all read this dict, so nothing else needs to change. The order of registration is the picker's order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app.compare.data import CompareData
from app.viewstate import ViewState

Render = Callable[[CompareData, ViewState], None]


@dataclass(frozen=True)
class CompareView:
    id: str
    title_zh: str
    title_en: str
    render: Render
    needs_numeric_a: bool = True  # a categorical layer A cannot be correlated or classed into terciles

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" else self.title_zh


VIEWS: dict[str, CompareView] = {}


def register(view: CompareView) -> CompareView:
    if view.id in VIEWS:
        raise ValueError(f"compare view {view.id!r} is registered twice")
    VIEWS[view.id] = view
    return view


def _register_builtin() -> None:
    from app.compare import bivariate_view, gaps_view, scatter_view, sidebyside_view

    register(CompareView("side_by_side", "并排对照", "Side by side", sidebyside_view.render, needs_numeric_a=False))
    register(CompareView("bivariate", "双变量地图", "Bivariate map", bivariate_view.render))
    register(CompareView("scatter", "散点图（联动地图）", "Scatter (linked to the map)", scatter_view.render))
    register(CompareView("gaps", "缺口清单", "Gap list", gaps_view.render))


def _register_hotspots_and_years() -> None:
    from app.compare import hotspots_view, years_view

    register(CompareView("hotspots", "热点（局部莫兰指数）", "Hot spots (Local Moran's I)", hotspots_view.render))
    register(CompareView("year_change", "年度变化", "Change between years", years_view.render))


_register_builtin()
_register_hotspots_and_years()
