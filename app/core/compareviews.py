"""The compare views the atlas offers: id → title and what layer A must be.

The address (``cview``), the sidebar's picker and the exports read this catalogue; the page draws each view
with the render function the UI registers under the same id (app/ui/compare/views.py). The order is the
picker's order.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CompareView:
    id: str
    title_zh: str
    title_en: str
    needs_numeric_a: bool = True  # a categorical layer A cannot be correlated or classed into terciles

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" else self.title_zh


VIEWS: dict[str, CompareView] = {
    v.id: v
    for v in (
        CompareView("side_by_side", "并排对照", "Side by side", needs_numeric_a=False),
        CompareView("bivariate", "双变量地图", "Bivariate map"),
        CompareView("scatter", "散点图（联动地图）", "Scatter (linked to the map)"),
        CompareView("gaps", "缺口清单", "Gap list"),
        CompareView("hotspots", "热点（局部莫兰指数）", "Hot spots (Local Moran's I)"),
        CompareView("year_change", "年度变化", "Change between years"),
    )
}
