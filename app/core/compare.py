"""What every compare view starts from: layer A and layer B of one view, each as the single view's MapData,
and one table joining them by region code. Pure (no Streamlit), so exports and the benchmark use it too."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from app.core.i18n import t
from app.core.mapdata import MapData, effective_layer, fmt_bound, map_data
from app.core.palettes import NO_DATA_COLOUR
from app.core.viewstate import ViewState, view_a, view_b
from layers.bivariate import Bivariate, bivariate_classes, cell_label
from layers.model import Layer
from layers.registry import Registry


@dataclass(frozen=True)
class CompareData:
    view: ViewState  # the compare view (mode "compare")
    a: MapData  # layer A exactly as the single view shows it
    b: MapData  # layer B with its own normalisation and default palette
    # adcode, name, label, parent_adcode, parent_name, value_a, value_b, rank_a, rank_b, status_a, status_b;
    # every shown region, in map order; a missing value stays missing (NaN), never 0.
    table: pd.DataFrame

    @property
    def layer_a(self) -> Layer:
        return self.a.layer

    @property
    def layer_b(self) -> Layer:
        return self.b.layer

    @property
    def numeric(self) -> bool:
        """Both layers are numbers (a categorical layer A cannot be correlated or classed as a tercile)."""
        return not (self.a.layer.is_categorical or self.b.layer.is_categorical)

    def complete(self) -> pd.DataFrame:
        """Rows with both values."""
        return self.table[self.table["value_a"].notna() & self.table["value_b"].notna()]

    def missing(self) -> pd.DataFrame:
        """Rows missing either value: listed, never dropped silently."""
        return self.table[self.table["value_a"].isna() | self.table["value_b"].isna()]


def join(a: MapData, b: MapData) -> pd.DataFrame:
    keep = ["adcode", "name", "label", "parent_adcode", "parent_name"]
    left = a.table[keep].copy()
    numeric_a = not a.layer.is_categorical
    left["value_a"] = a.table["value"].astype(float) if numeric_a else a.table["value"]
    left["rank_a"] = a.table["rank"].astype("Int64") if numeric_a else pd.Series([pd.NA] * len(left), dtype="Int64")
    left["status_a"] = a.table["status"].to_numpy()
    right = pd.DataFrame(
        {
            "adcode": b.table["adcode"],
            "value_b": b.table["value"].astype(float),
            "rank_b": b.table["rank"].astype("Int64"),
            "status_b": b.table["status"],
        }
    )
    out = left.merge(right, on="adcode", how="left", validate="one_to_one")
    out["status_b"] = out["status_b"].fillna("no_data")
    return out


def compare_data(
    registry: Registry, view: ViewState, a: MapData | None = None, b: MapData | None = None
) -> CompareData:
    """Both layers of ``view``; ``a``/``b`` may be passed in when the caller has them cached."""
    va, vb = view_a(view), view_b(view)
    a = a if a is not None else map_data(effective_layer(registry, va), va)
    b = b if b is not None else map_data(effective_layer(registry, vb), vb)
    return CompareData(view, a, b, join(a, b))


# --- bivariate ---------------------------------------------------------------------------------------
def bivariate(data: CompareData, palette: str | None = None) -> Bivariate:
    """The 3×3 classes of the view (the same for screen and export). Raises ClassificationError."""
    view = data.view
    return bivariate_classes(
        data.table["value_a"],
        data.table["value_b"],
        breaks_a=view.biv_breaks_a,
        breaks_b=view.biv_breaks_b,
        palette=palette or view.biv_palette,
        no_data_colour=NO_DATA_COLOUR,
    )


def _cuts(layer: Layer, bounds: tuple[float, ...], lower: float) -> str:
    return " – ".join(fmt_bound(x, layer) for x in (lower, *bounds))


def axis_breaks(layer: Layer, bounds: tuple[float, ...], lower: float, lang: str) -> str:
    """ "unit: lo – b1 – b2 – hi", the class breaks of a legend axis named elsewhere."""
    unit = layer.unit(lang)
    return f"{unit}: {_cuts(layer, bounds, lower)}" if unit else _cuts(layer, bounds, lower)


def axis_text(layer: Layer, bounds: tuple[float, ...], lower: float, lang: str) -> str:
    """ "title (unit): lo – b1 – b2 – hi" for a legend axis."""
    unit = layer.unit(lang)
    return f"{layer.title(lang)}{f' ({unit})' if unit else ''}: {_cuts(layer, bounds, lower)}"


def cell_names(data: CompareData, biv: Bivariate) -> list[str]:
    """The cell of each table row in words ("高 A / 低 B"), or "no data"."""
    lang = data.view.lang
    return [
        cell_label(int(i), int(j), lang) if pd.notna(i) and pd.notna(j) else t("no_data", lang)
        for i, j in zip(biv.table["cls_a"], biv.table["cls_b"], strict=True)
    ]
