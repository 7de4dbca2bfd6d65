"""Statistics behind compare mode: bivariate 3×3 classes, quadrant membership and correlation.

Pure functions of two value series keyed alike (region codes); missing values stay missing: a region
lacking either value is in no class, no quadrant and not in the correlation (the caller lists it).
"""

from __future__ import annotations

import math
import re
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from layers.classify import Classification, ClassificationError, classify

N_CLASSES = 3  # a 3×3 grid: more cells cannot be told apart on a map

# 3×3 palettes as colour[a_class][b_class], class 0 = low. After two schemes in the palette collection of the R
# package `pals` (bivariate section): Joshua Stevens' pink–blue from his "Bivariate choropleth maps: a how-to
# guide", and ColorBrewer's sequential×sequential blue–orange (brewer.seqseq2), whose two hues vary on the
# blue–yellow axis that red–green colour-vision deficiencies keep. Both published schemes start from a near-white
# grey (#e8e8e8, #f3f3f3) and blue–orange has a grey middle (#b3b3b3): on the map they read as "no data"
# (#d9d9d9), "outside the range" (#f2f2f2), the map's grey background (#dddddd) or the print's white context.
# Changed cells (published → here), each the nearest colour (CIEDE2000) that stands ΔE00 ≥ 12 from those four
# greys under normal vision and simulated protanopia and deuteranopia, keeps the lightness order of the grid and,
# for blue–orange, keeps every cell apart under the simulations (tests/test_bivariate.py checks all of this):
#   stevens      low/low #e8e8e8 → #d9dafd (a pale lavender: the light end of the grid's blue–purple diagonal),
#                low A/mid B #ace4e4 → #8de6fe, low A/high B #5ac8c8 → #3ebdc5, mid A/low B #dfb0d6 → #dcaed7;
#   blue_orange  low/low #f3f3f3 → #dbdcfd, low A/mid B #b4d3e1 → #9dc2d8, mid A/low B #f3e6b3 → #e9dca9,
#                mid/mid #b3b3b3 → #aaaaaa.
BIVARIATE_PALETTES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "stevens": (
        ("#d9dafd", "#8de6fe", "#3ebdc5"),
        ("#dcaed7", "#a5add3", "#5698b9"),
        ("#be64ac", "#8c62aa", "#3b4994"),
    ),
    "blue_orange": (
        ("#dbdcfd", "#9dc2d8", "#509dc2"),
        ("#e9dca9", "#aaaaaa", "#376387"),
        ("#f3b300", "#b36600", "#000000"),
    ),
}
PALETTE_NAMES: dict[str, tuple[str, str]] = {
    "stevens": ("Stevens 粉–蓝", "Stevens pink–blue"),
    "blue_orange": ("蓝–橙（色盲友好）", "Blue–orange (colour-blind safe)"),
}
LEVEL_WORDS = {"zh": ("低", "中", "高"), "en": ("low", "mid", "high")}


def axis_classes(values: pd.Series, breaks: tuple[float, ...] = ()) -> Classification:
    """Three classes of one axis: terciles (quantiles, k=3) by default, or two manual breaks."""
    if breaks:
        if len(breaks) != N_CLASSES - 1:
            raise ClassificationError(f"a bivariate axis needs exactly {N_CLASSES - 1} breaks, not {len(breaks)}")
        return classify(values, "manual", N_CLASSES, tuple(sorted(breaks)))
    return classify(values, "quantiles", N_CLASSES)


@dataclass(frozen=True)
class Bivariate:
    a: Classification
    b: Classification
    palette: str
    table: pd.DataFrame  # index as the inputs; cls_a, cls_b (Int64, <NA> when either value is missing), colour

    def colour(self, cls_a: int, cls_b: int) -> str:
        return BIVARIATE_PALETTES[self.palette][cls_a][cls_b]

    def counts(self) -> dict[tuple[int, int], int]:
        """Regions per cell (a_class, b_class)."""
        known = self.table.dropna(subset=["cls_a", "cls_b"])
        pairs = zip(known["cls_a"].astype(int), known["cls_b"].astype(int), strict=True)
        out = dict.fromkeys(((i, j) for i in range(N_CLASSES) for j in range(N_CLASSES)), 0)
        for pair in pairs:
            out[pair] += 1
        return out


def bivariate_classes(
    a: pd.Series,
    b: pd.Series,
    *,
    breaks_a: tuple[float, ...] = (),
    breaks_b: tuple[float, ...] = (),
    palette: str = "stevens",
    no_data_colour: str = "#d9d9d9",
) -> Bivariate:
    """Classify ``a`` and ``b`` (aligned series) into a 3×3 grid. Each axis is classified over the regions that
    have both values, so every cell of the legend counts the same regions as the map."""
    if palette not in BIVARIATE_PALETTES:
        raise ClassificationError(f"unknown bivariate palette {palette!r}; choose one of {list(BIVARIATE_PALETTES)}")
    va, vb = pd.to_numeric(a, errors="coerce").astype(float), pd.to_numeric(b, errors="coerce").astype(float)
    both = va.notna() & vb.notna()
    ca, cb = axis_classes(va[both], breaks_a), axis_classes(vb[both], breaks_b)
    cls_a = ca.classes(va.where(both))
    cls_b = cb.classes(vb.where(both))
    colours = BIVARIATE_PALETTES[palette]
    colour = [
        colours[int(i)][int(j)] if pd.notna(i) and pd.notna(j) else no_data_colour
        for i, j in zip(cls_a, cls_b, strict=True)
    ]
    table = pd.DataFrame({"cls_a": cls_a, "cls_b": cls_b, "colour": colour}, index=va.index)
    return Bivariate(ca, cb, palette, table)


def cell_label(cls_a: int, cls_b: int, lang: str = "zh", name_a: str = "A", name_b: str = "B") -> str:
    """The cell in words: "高 A / 低 B", "high A / low B"."""
    words = LEVEL_WORDS["en" if lang == "en" else "zh"]
    sep = " " if lang == "en" else ""
    return f"{words[cls_a]}{sep}{name_a} / {words[cls_b]}{sep}{name_b}"


# --- quadrants -----------------------------------------------------------------------------------
QUADRANTS = ("hi_lo", "hi_hi", "lo_hi", "lo_lo")  # A side _ B side; default: A above, B below
_THRESHOLD = re.compile(r"p(\d{1,2}(?:\.\d+)?|100)")


def parse_threshold(spec: str) -> tuple[str, float]:
    """``p50`` → ("percentile", 50); ``1234.5`` → ("value", 1234.5). Raises ValueError otherwise."""
    spec = spec.strip()
    if not spec.isascii():  # float() and \d also take "p５０", "٣": a threshold is written in ASCII digits
        raise ValueError(f"threshold {spec!r} is not p0–p100 or a number in ASCII digits")
    m = _THRESHOLD.fullmatch(spec)
    if m:
        return "percentile", float(m.group(1))
    value = float(spec)
    if not math.isfinite(value):
        raise ValueError(f"threshold {spec!r} is not a finite number")
    return "value", value


def threshold_value(values: pd.Series, spec: str) -> float:
    """The threshold a spec stands for: a percentile (linear interpolation) of the known values, or the value."""
    kind, x = parse_threshold(spec)
    if kind == "value":
        return x
    known = pd.to_numeric(values, errors="coerce").dropna().to_numpy(dtype=float)
    if len(known) == 0:
        return math.nan
    return float(np.percentile(known, x))


def quadrant_members(a: pd.Series, b: pd.Series, thr_a: float, thr_b: float, quadrant: str = "hi_lo") -> pd.Series:
    """True where A and B lie on the quadrant's sides of the thresholds (strictly: a region on a threshold is
    in no quadrant); False where either value is missing."""
    if quadrant not in QUADRANTS:
        raise ValueError(f"unknown quadrant {quadrant!r}; choose one of {list(QUADRANTS)}")
    va, vb = pd.to_numeric(a, errors="coerce").astype(float), pd.to_numeric(b, errors="coerce").astype(float)
    side_a, side_b = quadrant.split("_")
    in_a = va > thr_a if side_a == "hi" else va < thr_a
    in_b = vb > thr_b if side_b == "hi" else vb < thr_b
    return (in_a & in_b & va.notna() & vb.notna()).astype(bool)


# --- correlation ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Correlation:
    n: int
    pearson_r: float
    pearson_p: float
    spearman_rho: float
    spearman_p: float
    slope: float  # least-squares line b = slope · a + intercept
    intercept: float


def correlation(a: pd.Series, b: pd.Series) -> Correlation:
    """n, Pearson r and Spearman ρ (two-sided p-values, scipy) and the least-squares line over the regions with
    both values. Fewer than 3 such regions, or a constant variable, give NaN statistics (not an error)."""
    va, vb = pd.to_numeric(a, errors="coerce").astype(float), pd.to_numeric(b, errors="coerce").astype(float)
    both = va.notna() & vb.notna()
    x, y = va[both].to_numpy(), vb[both].to_numpy()
    n = len(x)
    nan = math.nan
    if n < 3 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return Correlation(n, nan, nan, nan, nan, nan, nan)
    from scipy import stats  # ~1 s to import: only the views that show a correlation pay it

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # scipy warns on near-constant input; the NaN result says enough
        pr = stats.pearsonr(x, y)
        sr = stats.spearmanr(x, y)
        fit = stats.linregress(x, y)
    return Correlation(
        n,
        float(pr.statistic),
        float(pr.pvalue),
        float(sr.statistic),
        float(sr.pvalue),
        float(fit.slope),
        float(fit.intercept),
    )
