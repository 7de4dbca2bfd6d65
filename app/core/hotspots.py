"""Hot spots of a compare view (pure): what the LISA depends on, its computation over the shown regions, and
the summary in words. The statistics themselves are in :mod:`layers.hotspots`.
"""

from __future__ import annotations

import geopandas as gpd

from app.core.compare import CompareData
from app.core.i18n import t
from app.core.markup import escape
from app.core.palettes import NO_DATA_COLOUR
from app.core.viewstate import ViewState
from layers.hotspots import CLASSES, MIN_REGIONS, Hotspots, local_moran

# GeoDa's LISA cluster colours.
COLOURS = {
    "HH": "#e31a1c",
    "LL": "#1f4fd8",
    "HL": "#f4a6a0",
    "LH": "#a6b4f4",
    "ns": "#eeeeee",
    "island": "#bdbdbd",
    "no_data": NO_DATA_COLOUR,
}


LEGEND_ORDER = (*CLASSES, "island", "no_data")


PERMUTATIONS_WORD = {"zh": "次置换", "en": "permutations"}


def figures_key(view: ViewState) -> ViewState:
    """The part of a view the LISA depends on: both layers' figures over the shown regions and the test."""
    return ViewState(
        layer=view.layer,
        level=view.level,
        area=view.area,
        norm=view.norm,
        year=view.year,
        mode="compare",
        compare_view="hotspots",
        layer_b=view.layer_b,
        norm_b=view.norm_b,
        hs_kind=view.hs_kind,
        hs_p=view.hs_p,
    )


def compute(data: CompareData, weights_shapes: gpd.GeoDataFrame) -> Hotspots:
    """LISA of the shown regions: A alone, or A against B (``view.hs_kind == "ab"``)."""
    view = data.view
    geoms = weights_shapes.set_index("adcode").loc[data.table["adcode"]].reset_index()
    table = data.table.set_index("adcode")
    b = table["value_b"] if view.hs_kind == "ab" else None
    return local_moran(geoms, table["value_a"], b, threshold=view.hs_p)


def title(data: CompareData, hs: Hotspots) -> str:
    lang = data.view.lang
    if hs.bivariate:
        return t("hs_title_bv", lang, a=data.layer_a.title(lang), b=data.layer_b.title(lang))
    return t("hs_title", lang, layer=data.layer_a.title(lang))


def fmt_stat(x: float | None, digits: int = 3) -> str:
    return "—" if x is None or x != x else f"{x:.{digits}f}"


def summary_lines(data: CompareData, hs: Hotspots) -> list[str]:
    """Global I (or why there is none), what was left out and why, and the caveat; Markdown-escaped."""
    lang = data.view.lang
    out = []
    if hs.problem == "too_few":
        out.append(escape(t("hs_too_few", lang, n=hs.n, min=MIN_REGIONS)))
    elif hs.problem == "no_variation":
        out.append(escape(t("hs_no_variation", lang)))
    else:
        key = "hs_global_bv" if hs.bivariate else "hs_global"
        out.append(
            escape(
                t(
                    key,
                    lang,
                    i=fmt_stat(hs.global_i),
                    e=fmt_stat(hs.expected_i),
                    p=fmt_stat(hs.global_p),
                    n=hs.n,
                    perm=hs.permutations,
                    thr=f"{hs.threshold:g}",
                    seed=hs.seed,
                )
            )
        )
    labels = data.table.set_index("adcode")["label"]
    excluded = [(c, "hs_no_data") for c in hs.no_data] + [(c, "hs_island") for c in hs.islands]
    if excluded:
        items = "; ".join(f"{labels[c]}（{c}）: {t(reason, lang)}" for c, reason in excluded)
        out.append(escape(t("hs_excluded", lang, items=items)))
    out.append(escape(t("hs_caveat", lang, thr=f"{hs.threshold:.0%}")))
    return out
