"""Hot spots: Local Moran's I (LISA) of one layer, and bivariate Local Moran of layer A against layer B.

Queen contiguity of the regions shown, row-standardised; a seeded conditional permutation test (esda) decides
which regions are significant. Regions without a figure and regions left without a neighbour (islands) are
taken out of the computation and reported with the reason, never classed as "not significant".

esda and libpysal run without numba (their pure-numpy fallback): numba is not a dependency, so there is no
minute-long JIT compilation on the first click. 999 permutations over the 183 counties take well under a
second (bench/hotspots.py).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd

if TYPE_CHECKING:  # esda and libpysal are imported where used: the page's first run needs neither (~0.5 s)
    from libpysal.weights import W

PERMUTATIONS = 999
THRESHOLD = 0.05
SEED = 12345
MIN_REGIONS = 5  # below this a permutation test says nothing

# Classes, in legend order. esda's quadrant codes: 1 = HH, 2 = LH, 3 = LL, 4 = HL.
CLASSES = ("HH", "LL", "HL", "LH", "ns")
EXCLUDED = ("no_data", "island")
_QUADRANT = {1: "HH", 2: "LH", 3: "LL", 4: "HL"}


@dataclass(frozen=True)
class Hotspots:
    """What :func:`local_moran` found. ``table`` has one row per region given, in the given order:
    adcode, value (A), value_b (B, bivariate only), local_i, p (pseudo p-value), cls (one of CLASSES or EXCLUDED)."""

    table: pd.DataFrame
    bivariate: bool
    global_i: float | None  # Moran's I (bivariate: Moran_BV) over the regions tested
    global_p: float | None  # its permutation p-value
    expected_i: float | None  # E[I] = -1/(n-1) under no autocorrelation
    n: int  # regions tested
    permutations: int
    threshold: float
    seed: int
    no_data: tuple[str, ...]  # codes without a figure (A, or A or B when bivariate)
    islands: tuple[str, ...]  # codes with a figure but no neighbour among the tested regions
    problem: str | None = None  # "too_few" (fewer than MIN_REGIONS tested) or "no_variation", else None

    def count(self, cls: str) -> int:
        return int((self.table["cls"] == cls).sum())


@contextmanager
def _seeded_global_random(seed: int) -> Iterator[None]:
    """esda's global Moran permutes with numpy's global generator and takes no seed: seed it for the call and
    put the caller's state back, so a result is reproducible without disturbing anyone else's random numbers."""
    state = np.random.get_state()
    np.random.seed(seed)
    try:
        yield
    finally:
        np.random.set_state(state)


def queen_weights(geoms: gpd.GeoDataFrame, ids: list[str]) -> W:
    """Queen contiguity (a shared vertex or edge) between the given regions, keyed by code."""
    from libpysal.weights import Queen

    with warnings.catch_warnings():
        # libpysal warns about islands and disconnected parts; local_moran reports them instead.
        warnings.simplefilter("ignore")
        return Queen.from_dataframe(geoms.reset_index(drop=True), ids=ids, use_index=False)


def local_moran(
    geoms: gpd.GeoDataFrame,
    values: pd.Series,
    values_b: pd.Series | None = None,
    *,
    permutations: int = PERMUTATIONS,
    threshold: float = THRESHOLD,
    seed: int = SEED,
) -> Hotspots:
    """LISA classes of ``values`` (keyed by adcode) over the regions of ``geoms`` (columns adcode, geometry).

    With ``values_b``: bivariate Local Moran, a region's A against the average B of its neighbours
    ("HH" = high A among high B). A region is significant when its pseudo p-value is below ``threshold``.
    """
    if not 0 < threshold < 1:
        raise ValueError(f"threshold must lie between 0 and 1, got {threshold}")
    if permutations < 99:
        raise ValueError(f"at least 99 permutations are needed for a p-value, got {permutations}")
    codes = [str(c) for c in geoms["adcode"]]
    if len(set(codes)) != len(codes):
        raise ValueError(f"regions repeat: {sorted({c for c in codes if codes.count(c) > 1})}")
    a = pd.to_numeric(values.reindex(codes), errors="coerce").astype(float)
    b = None if values_b is None else pd.to_numeric(values_b.reindex(codes), errors="coerce").astype(float)
    has_data = a.notna() & np.isfinite(a)
    from esda.moran import Moran, Moran_BV, Moran_Local, Moran_Local_BV
    from libpysal.weights import w_subset

    if b is not None:
        has_data &= b.notna() & np.isfinite(b)
    no_data = tuple(c for c, ok in zip(codes, has_data, strict=True) if not ok)

    table = pd.DataFrame(
        {"adcode": codes, "value": a.to_numpy(), "local_i": np.nan, "p": np.nan, "cls": "no_data"}, index=codes
    )
    if b is not None:
        table.insert(2, "value_b", b.to_numpy())

    tested = [c for c, ok in zip(codes, has_data, strict=True) if ok]
    # Contiguity among the regions with data: dropping a region without data can leave a neighbour alone.
    sub = geoms.assign(adcode=codes).set_index("adcode").loc[tested].reset_index()
    w = queen_weights(sub, tested) if tested else None
    islands = tuple(str(c) for c in w.islands) if w is not None else ()
    table.loc[list(islands), "cls"] = "island"
    tested = [c for c in tested if c not in islands]
    if w is not None and islands and tested:
        # Taking out an island changes nobody else's neighbours.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            w = w_subset(w, tested)

    def result(problem: str | None, **stats: float | None) -> Hotspots:
        return Hotspots(
            table=table.reset_index(drop=True),
            bivariate=b is not None,
            global_i=stats.get("global_i"),
            global_p=stats.get("global_p"),
            expected_i=stats.get("expected_i"),
            n=len(tested),
            permutations=permutations,
            threshold=threshold,
            seed=seed,
            no_data=no_data,
            islands=islands,
            problem=problem,
        )

    if len(tested) < MIN_REGIONS:
        return result("too_few")
    ya = a.loc[tested].to_numpy()
    yb = None if b is None else b.loc[tested].to_numpy()
    if np.ptp(ya) == 0 or (yb is not None and np.ptp(yb) == 0):
        return result("no_variation")

    assert w is not None
    w.transform = "r"
    lisa: Moran_Local | Moran_Local_BV
    with _seeded_global_random(seed), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if yb is None:
            glob: Moran | Moran_BV = Moran(ya, w, permutations=permutations)
            lisa = Moran_Local(ya, w, permutations=permutations, seed=seed, n_jobs=1)
        else:
            glob = Moran_BV(ya, yb, w, permutations=permutations)
            lisa = Moran_Local_BV(ya, yb, w, permutations=permutations, seed=seed, n_jobs=1)
    p = np.asarray(lisa.p_sim, dtype=float)
    quads = [_QUADRANT[int(q)] for q in lisa.q]
    table.loc[tested, "local_i"] = np.asarray(lisa.Is, dtype=float)
    table.loc[tested, "p"] = p
    table.loc[tested, "cls"] = [q if pi < threshold else "ns" for q, pi in zip(quads, p, strict=True)]
    return result(
        None,
        global_i=float(glob.I),
        global_p=float(glob.p_sim),
        expected_i=-1.0 / (len(tested) - 1),
    )
