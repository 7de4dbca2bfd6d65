"""How each compare view of :data:`app.core.compareviews.VIEWS` is drawn: view id → render function.

A view is added by listing it in the catalogue and writing ``render(data: CompareData, view: ViewState) -> None``
here; a test checks that both have the same ids.
"""

from __future__ import annotations

from collections.abc import Callable

from app.core.compare import CompareData
from app.core.viewstate import ViewState
from app.ui.compare import bivariate_view, gaps_view, hotspots_view, scatter_view, sidebyside_view, years_view

Render = Callable[[CompareData, ViewState], None]

RENDER: dict[str, Render] = {
    "side_by_side": sidebyside_view.render,
    "bivariate": bivariate_view.render,
    "scatter": scatter_view.render,
    "gaps": gaps_view.render,
    "hotspots": hotspots_view.render,
    "year_change": years_view.render,
}
