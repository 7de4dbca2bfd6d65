"""Bivariate classes, quadrants and correlation (layers/bivariate.py) on small hand-computed fixtures."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

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


def test_terciles_of_one_to_nine_split_three_three_three():
    a = pd.Series([1, 2, 3, 4, 5, 6, 7, 8, 9], dtype=float)
    b = pd.Series([9, 8, 7, 6, 5, 4, 3, 2, 1], dtype=float)
    biv = bivariate_classes(a, b)
    # 33⅓ and 66⅔ percentiles of 1..9 with linear interpolation: 1 + 8/3 and 1 + 16/3
    assert biv.a.upper_bounds == pytest.approx((1 + 8 / 3, 1 + 16 / 3, 9))
    assert list(biv.table["cls_a"]) == [0, 0, 0, 1, 1, 1, 2, 2, 2]
    assert list(biv.table["cls_b"]) == [2, 2, 2, 1, 1, 1, 0, 0, 0]
    assert biv.table["colour"].iloc[0] == "#5ac8c8"  # low A, high B in Stevens' pink–blue
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


# --- the colour-blind-safe palette, checked by simulation -----------------------------------------
# Machado, Oliveira & Fernandes (2009) matrices for full protanopia and deuteranopia, on linear RGB.
_CVD = {
    "protan": np.array(
        [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]]
    ),
    "deutan": np.array(
        [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]]
    ),
}


def _lab(rgb_linear: np.ndarray) -> np.ndarray:
    m = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
    xyz = (m @ np.clip(rgb_linear, 0, 1)) / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def _linear(hex_colour: str) -> np.ndarray:
    c = np.array([int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)])
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def _min_distance(palette: str, cvd: str) -> float:
    colours = [c for row in BIVARIATE_PALETTES[palette] for c in row]
    labs = [_lab(_CVD[cvd] @ _linear(c)) for c in colours]
    return min(float(np.linalg.norm(p - q)) for i, p in enumerate(labs) for q in labs[i + 1 :])


@pytest.mark.parametrize("cvd", ["protan", "deutan"])
def test_the_colour_blind_safe_palette_keeps_every_cell_apart_and_stevens_does_not(cvd):
    # ΔE*ab ≥ 10: two cells still clearly distinct; Stevens' pink–blue merges cells under the simulation
    assert _min_distance("blue_orange", cvd) >= 10
    assert _min_distance("stevens", cvd) < _min_distance("blue_orange", cvd)
