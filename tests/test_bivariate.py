"""Bivariate classes, quadrants and correlation (layers/bivariate.py) on small hand-computed fixtures."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd
import pytest
from coloraide import Color
from scipy import stats

from app.core.palettes import FILTERED_COLOUR, MAP_BACKGROUND, NO_DATA_COLOUR, PRINT_BACKGROUND
from layers.bivariate import (
    BIVARIATE_PALETTES,
    bivariate_classes,
    cell_label,
    correlation,
    parse_threshold,
    quadrant_members,
    threshold_value,
)
from layers.classify import ClassificationError

ROOT = Path(__file__).resolve().parents[1]


def test_terciles_of_one_to_nine_split_three_three_three():
    a = pd.Series([1, 2, 3, 4, 5, 6, 7, 8, 9], dtype=float)
    b = pd.Series([9, 8, 7, 6, 5, 4, 3, 2, 1], dtype=float)
    biv = bivariate_classes(a, b)
    # 33⅓ and 66⅔ percentiles of 1..9 with linear interpolation: 1 + 8/3 and 1 + 16/3
    assert biv.a.upper_bounds == pytest.approx((1 + 8 / 3, 1 + 16 / 3, 9))
    assert list(biv.table["cls_a"]) == [0, 0, 0, 1, 1, 1, 2, 2, 2]
    assert list(biv.table["cls_b"]) == [2, 2, 2, 1, 1, 1, 0, 0, 0]
    assert biv.table["colour"].iloc[0] == BIVARIATE_PALETTES["stevens"][0][2]  # low A, high B
    assert biv.counts()[(0, 2)] == 3 and biv.counts()[(1, 1)] == 3 and biv.counts()[(0, 0)] == 0


def test_a_region_missing_either_value_is_in_no_cell_and_does_not_shift_the_terciles():
    a = pd.Series([1, 2, 3, 4, 5, 6, 7, 8, 9, 1000], dtype=float)
    b = pd.Series([1, 2, 3, 4, 5, 6, 7, 8, 9, None], dtype=float)
    biv = bivariate_classes(a, b, palette="blue_orange", no_data_colour="#d9d9d9")
    assert biv.a.upper_bounds[-1] == 9  # 1000 has no B value, so it is left out of A's classes too
    assert pd.isna(biv.table["cls_a"].iloc[-1]) and pd.isna(biv.table["cls_b"].iloc[-1])
    assert biv.table["colour"].iloc[-1] == "#d9d9d9"
    assert sum(biv.counts().values()) == 9


def test_manual_axis_breaks():
    a = pd.Series([1, 2, 3, 4, 5, 6], dtype=float)
    biv = bivariate_classes(a, a, breaks_a=(2, 5), breaks_b=(1.5, 3.5))
    assert list(biv.table["cls_a"]) == [0, 0, 1, 1, 1, 2]  # upper bounds inclusive: 2 → class 0, 5 → class 1
    assert list(biv.table["cls_b"]) == [0, 1, 1, 2, 2, 2]
    with pytest.raises(ClassificationError, match="exactly 2 breaks"):
        bivariate_classes(a, a, breaks_a=(2,))


def test_cell_labels_in_both_languages():
    assert cell_label(2, 0, "zh", "老人", "站点") == "高老人 / 低站点"
    assert cell_label(2, 0, "en") == "high A / low B"


def test_quadrant_default_is_a_above_and_b_below_the_median():
    a = pd.Series([1, 2, 3, 4, 5, None], index=list("uvwxyz"), dtype=float)
    b = pd.Series([5, 4, 3, 2, 1, 1], index=list("uvwxyz"), dtype=float)
    thr_a, thr_b = threshold_value(a, "p50"), threshold_value(b, "p50")
    assert (thr_a, thr_b) == (3, 2.5)  # the median of the known values: 1..5 → 3; 1,1,2,3,4,5 → 2.5
    members = quadrant_members(a, b, thr_a, thr_b)
    assert list(members[members].index) == ["x", "y"]  # w (3) sits on the threshold: in no quadrant
    assert not members["z"]  # A missing: never a member
    assert list(quadrant_members(a, b, thr_a, thr_b, "lo_hi")[lambda s: s].index) == ["u", "v"]


def test_thresholds_by_value_or_percentile():
    assert parse_threshold("p25") == ("percentile", 25)
    assert parse_threshold("1200.5") == ("value", 1200.5)
    assert threshold_value(pd.Series([0.0, 10.0]), "p25") == 2.5
    for bad in ("p101", "abc", "inf", "nan"):
        with pytest.raises(ValueError):
            parse_threshold(bad)


def test_known_correlation():
    # by hand: dx = -2..2, dy = -2,0,1,0,1 → Σdxdy = 6, Σdx² = 10, Σdy² = 6 → r = 6/√60; slope 0.6, intercept 2.2
    x = pd.Series([1, 2, 3, 4, 5], dtype=float)
    y = pd.Series([2, 4, 5, 4, 5], dtype=float)
    c = correlation(x, y)
    r = 6 / math.sqrt(60)
    assert c.n == 5
    assert c.pearson_r == pytest.approx(r)
    t_stat = r * math.sqrt(3) / math.sqrt(1 - r * r)
    assert c.pearson_p == pytest.approx(2 * stats.t.sf(t_stat, 3))
    # ranks of y: 1, 2.5, 4.5, 2.5, 4.5 → Σ = 7 over √(10·9)
    assert c.spearman_rho == pytest.approx(7 / math.sqrt(90))
    assert (c.slope, c.intercept) == pytest.approx((0.6, 2.2))


def test_correlation_leaves_out_missing_pairs_and_reports_too_few():
    x = pd.Series([1, 2, 3, 4, 5, None], dtype=float)
    y = pd.Series([2, 4, 5, 4, 5, 100], dtype=float)
    assert correlation(x, y).n == 5
    assert correlation(x, y).pearson_r == pytest.approx(6 / math.sqrt(60))
    few = correlation(pd.Series([1.0, 2.0]), pd.Series([3.0, 1.0]))
    assert few.n == 2 and math.isnan(few.pearson_r) and math.isnan(few.spearman_p)


# --- colours that never read as "no data", and the colour-blind-safe palette, checked by simulation ----------
# coloraide: CIEDE2000 (as published by Sharma, Wu & Dalal 2005) and the colour-vision simulations of Machado,
# Oliveira & Fernandes (2009) for full protanopia and deuteranopia, on linear sRGB.
VISIONS = (None, "protan", "deutan")
# Every style a region's colour could be confused with: no data, outside the value range, the web map's
# background where no tile is drawn, the print's page and context fill.
NOT_A_CLASS = {
    "no data": NO_DATA_COLOUR,
    "outside the range": FILTERED_COLOUR,
    "map background": MAP_BACKGROUND,
    "print page": PRINT_BACKGROUND,
}


def _seen(colour: str, vision: str | None) -> Color:
    c = Color(colour)
    return c if vision is None else c.filter(vision, method="machado").clip()


def _de2000(a: str, b: str, vision: str | None = None) -> float:
    return _seen(a, vision).delta_e(_seen(b, vision), method="2000")


@pytest.mark.parametrize(
    ("lab_1", "lab_2", "published"),
    [  # pairs 1, 7, 17 and 25 of Sharma, Wu & Dalal (2005), Table 1
        ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
        ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
        ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
        ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    ],
)
def test_ciede2000_as_called_here_gives_the_published_differences(lab_1, lab_2, published):
    assert Color("lab-d65", list(lab_1)).delta_e(Color("lab-d65", list(lab_2)), method="2000") == pytest.approx(
        published, abs=5e-5
    )


def test_the_map_background_is_leaflets():
    css = (ROOT / "static/vendor/leaflet-1.9.3/dist/leaflet.css").read_text(encoding="utf-8")
    backgrounds = [
        m.group(1)
        for rule in re.findall(r"(?m)^\.leaflet-container\s*\{([^}]*)\}", css)
        if (m := re.search(r"background:\s*(#[0-9a-fA-F]{3,6})", rule))
    ]
    assert [Color(c).to_string(hex=True) for c in backgrounds] == [MAP_BACKGROUND]


@pytest.mark.parametrize("palette", list(BIVARIATE_PALETTES))
@pytest.mark.parametrize("vision", VISIONS)
def test_no_cell_reads_as_no_data_outside_the_range_or_background(palette, vision):
    """Low/low was near-white grey in both published schemes and read as "no data" on the map (issue 23)."""
    close = [
        (cell, style, round(_de2000(cell, grey, vision), 1))
        for row in BIVARIATE_PALETTES[palette]
        for cell in row
        for style, grey in NOT_A_CLASS.items()
        if _de2000(cell, grey, vision) < 10
    ]
    assert close == []


def test_the_published_low_low_greys_would_fail_the_check():
    assert _de2000("#e8e8e8", NO_DATA_COLOUR) < 10 and _de2000("#f3f3f3", FILTERED_COLOUR) < 10


def _min_distance(palette: str, vision: str) -> float:
    """The smallest ΔE*ab between two cells as seen with ``vision``."""
    cells = [_seen(c, vision) for row in BIVARIATE_PALETTES[palette] for c in row]
    return min(p.delta_e(q, method="76") for i, p in enumerate(cells) for q in cells[i + 1 :])


@pytest.mark.parametrize("cvd", ["protan", "deutan"])
def test_the_colour_blind_safe_palette_keeps_every_cell_apart_and_stevens_does_not(cvd):
    # ΔE*ab ≥ 10: two cells still clearly distinct; Stevens' pink–blue merges cells under the simulation
    assert _min_distance("blue_orange", cvd) >= 10
    assert _min_distance("stevens", cvd) < _min_distance("blue_orange", cvd)


@pytest.mark.parametrize("palette", list(BIVARIATE_PALETTES))
def test_cells_darken_from_low_low_to_high_high(palette):
    """Lightness falls along both axes, so "more" reads as "darker" whatever the hue."""
    lightness = [[Color(c).convert("lab-d65")["lightness"] for c in row] for row in BIVARIATE_PALETTES[palette]]
    for i in range(3):
        for j in range(3):
            if i < 2:
                assert lightness[i][j] > lightness[i + 1][j], (i, j)
            if j < 2:
                assert lightness[i][j] > lightness[i][j + 1], (i, j)
