"""Class breaks for choropleths: mapclassify's schemes behind one call.

Values that are missing stay out of the classification (they are drawn as "no data").
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

SCHEMES: dict[str, tuple[str, str]] = {
    "quantiles": ("分位数", "Quantiles"),
    "equal_interval": ("等间距", "Equal interval"),
    "fisher_jenks": ("自然断点（Fisher–Jenks）", "Natural breaks (Fisher–Jenks)"),
    "std_mean": ("标准差", "Standard deviation"),
    "manual": ("手动断点", "Manual breaks"),
}
MIN_CLASSES, MAX_CLASSES = 2, 9


# Quantiles, equal intervals and standard deviations are mapclassify's own formulas (classifiers.quantile,
# EqualInterval._set_bins, StdMean._set_bins of mapclassify 2.10), written out because importing mapclassify
# costs about 2 s of CPU (it loads matplotlib.pyplot, scikit-learn and scipy.stats) before a session's first
# map; tests/test_classify.py checks them against mapclassify. Fisher–Jenks, an optimiser, calls mapclassify.
def _quantile_bins(y: np.ndarray, k: int) -> np.ndarray:
    step = 100.0 / k
    percents = np.arange(step, 100 + step, step)
    percents[-1] = min(percents[-1], 100.0)
    return np.unique(np.percentile(y, percents))  # linear, as scipy's scoreatpercentile


def _equal_interval_bins(y: np.ndarray, k: int) -> np.ndarray:
    lo, hi = float(y.min()), float(y.max())
    width = (hi - lo) / k
    cuts = np.arange(lo + width, hi + width, width)[:k]
    cuts[-1] = hi
    return cuts


def _std_mean_bins(y: np.ndarray, k: int) -> np.ndarray:
    # StdMean's class count is set by its multiples; k picks how many standard deviations wide.
    sd, mean = y.std(ddof=1), y.mean()
    cuts = [mean + sd * w for w in _std_multiples(k)]
    if cuts[-1] < y.max():
        cuts.append(float(y.max()))
    return np.array(cuts)


def _fisher_jenks_bins(y: np.ndarray, k: int) -> np.ndarray:
    import mapclassify  # only here: see above

    return np.asarray(mapclassify.FisherJenks(y, k=k).bins)


_BINS = {
    "quantiles": _quantile_bins,
    "equal_interval": _equal_interval_bins,
    "fisher_jenks": _fisher_jenks_bins,
    "std_mean": _std_mean_bins,
}


def _std_multiples(k: int) -> list[float]:
    """k − 1 bounds in standard deviations around the mean, so that k classes result where the data reach
    that far: even k puts a bound at the mean (k=4: −1, 0, 1), odd k centres a class on it (k=3: ±0.5)."""
    return [m - (k - 2) / 2 for m in range(k - 1)]


class ClassificationError(ValueError):
    pass


@dataclass(frozen=True)
class Classification:
    scheme: str
    lower: float  # minimum of the classified values
    upper_bounds: tuple[float, ...]  # upper bound of each class, ascending
    requested_k: int = 0  # classes asked for (k, or manual breaks + 1); more than k when some fell away
    dropped: tuple[float, ...] = ()  # manual breaks outside the data, left out

    @property
    def k(self) -> int:
        return len(self.upper_bounds)

    def classes(self, values: pd.Series) -> pd.Series:
        """Class index 0..k-1 per value; <NA> for missing values."""
        v = pd.to_numeric(values, errors="coerce").astype(float)
        idx = np.searchsorted(np.asarray(self.upper_bounds), v.to_numpy(), side="left")
        idx = np.clip(idx, 0, self.k - 1)
        return pd.Series(idx, index=values.index, dtype="Int64").where(v.notna())

    def intervals(self) -> list[tuple[float, float]]:
        lows = (self.lower, *self.upper_bounds[:-1])
        return list(zip(lows, self.upper_bounds, strict=True))


def classify(
    values: pd.Series, scheme: str = "quantiles", k: int = 5, manual_breaks: tuple[float, ...] = ()
) -> Classification:
    """Classify the non-missing ``values``. ``manual_breaks`` are inner upper bounds for ``scheme="manual"``."""
    if scheme not in SCHEMES:
        raise ClassificationError(f"unknown classification {scheme!r}; choose one of {list(SCHEMES)}")
    y = pd.to_numeric(values, errors="coerce").dropna().to_numpy(dtype=float)
    if len(y) == 0:
        raise ClassificationError("no values to classify (every region shown lacks data)")
    lo, hi = float(y.min()), float(y.max())
    if scheme == "manual":
        breaks = sorted(float(b) for b in manual_breaks)
        if not breaks:
            raise ClassificationError("manual classification needs at least one break")
        if not all(math.isfinite(b) for b in breaks):
            raise ClassificationError(f"manual breaks must be finite numbers, not {manual_breaks}")
        if len(set(breaks)) != len(breaks):
            raise ClassificationError(f"manual breaks repeat a value: {manual_breaks}")
        if len(breaks) > MAX_CLASSES - 1:
            raise ClassificationError(
                f"{len(breaks)} manual breaks make {len(breaks) + 1} classes; "
                f"at most {MAX_CLASSES} classes ({MAX_CLASSES - 1} breaks) can be told apart"
            )
        inner = tuple(b for b in breaks if lo <= b < hi)
        dropped = tuple(b for b in breaks if not lo <= b < hi)
        return Classification(scheme, lo, (*inner, hi), len(breaks) + 1, dropped)
    k = int(min(max(k, MIN_CLASSES), MAX_CLASSES))
    distinct = len(np.unique(y))
    if distinct == 1:
        return Classification(scheme, lo, (hi,), k)
    k_used = min(k, distinct)
    with warnings.catch_warnings():
        # Without numba, FisherJenks warns that it runs pure Python; at 183 values that is instant.
        warnings.filterwarnings("ignore", message="Numba not installed")
        # Ties can leave fewer distinct quantiles than k; the bounds below collapse them anyway.
        warnings.filterwarnings("ignore", message="Not enough unique values")
        bins = _BINS[scheme](y, k_used)
    # The bins may reach beyond the data (StdMean) or repeat (Quantiles on ties).
    bounds = [float(b) for b in np.unique(bins) if lo <= b < hi] + [hi]
    return Classification(scheme, lo, tuple(dict.fromkeys(bounds)), k)
