"""Local Moran's I on a hand-computed 3×3 grid and on the real counties (layers/hotspots.py)."""

from __future__ import annotations

import importlib.util

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from geodata import load_boundaries
from layers.hotspots import CLASSES, local_moran
from layers.registry import get_layer

GRID = [[1.0, 2.0, 3.0], [4.0, 5.0, 9.0], [7.0, 8.0, 6.0]]


def _grid(extra: list[tuple[str, float, float]] = ()) -> gpd.GeoDataFrame:
    """Nine unit squares, code 'r<row>c<col>', plus optional extra squares (code, x, y)."""
    rows = [(f"r{r}c{c}", box(c, -r, c + 1, -r + 1)) for r in range(3) for c in range(3)]
    rows += [(code, box(x, y, x + 1, y + 1)) for code, x, y in extra]
    return gpd.GeoDataFrame({"adcode": [r[0] for r in rows]}, geometry=[r[1] for r in rows], crs="EPSG:3857")


def _grid_values() -> pd.Series:
    return pd.Series({f"r{r}c{c}": GRID[r][c] for r in range(3) for c in range(3)})


def _hand_moran(values: dict[tuple[int, int], float]) -> tuple[float, dict[tuple[int, int], float]]:
    """Moran's I from the formula, queen neighbours of a grid cell = the cells at Chebyshev distance 1,
    row-standardised weights w_ij = 1/|N(i)|:  I = n/S0 · Σ_i Σ_j w_ij z_i z_j / Σ_i z_i²  (S0 = n), and the
    local I_i = (n − 1) · z_i · Σ_j w_ij z_j / Σ_k z_k²  (esda's scaling)."""
    cells = list(values)
    n = len(cells)
    mean = sum(values.values()) / n
    z = {c: values[c] - mean for c in cells}
    m2 = sum(v * v for v in z.values())
    lag = {}
    for i in cells:
        nbrs = [j for j in cells if j != i and max(abs(i[0] - j[0]), abs(i[1] - j[1])) == 1]
        lag[i] = sum(z[j] for j in nbrs) / len(nbrs)
    s0 = float(n)  # each row of a row-standardised matrix sums to 1
    global_i = n / s0 * sum(z[i] * lag[i] for i in cells) / m2
    local = {i: (n - 1) * z[i] * lag[i] / m2 for i in cells}
    return global_i, local


def test_global_and_local_moran_match_the_formula_on_a_3x3_grid() -> None:
    expected_global, expected_local = _hand_moran({(r, c): GRID[r][c] for r in range(3) for c in range(3)})
    result = local_moran(_grid(), _grid_values(), permutations=999, seed=1)
    assert result.n == 9
    assert result.problem is None
    assert result.global_i == pytest.approx(expected_global, rel=1e-12)
    assert result.expected_i == pytest.approx(-1 / 8)
    local = result.table.set_index("adcode")["local_i"]
    for (r, c), value in expected_local.items():
        assert local[f"r{r}c{c}"] == pytest.approx(value, rel=1e-12, abs=1e-12)
    assert set(result.table["cls"]) <= set(CLASSES)
    assert result.no_data == () and result.islands == ()


def test_a_checkerboard_is_negative_and_a_gradient_positive() -> None:
    gradient = pd.Series({f"r{r}c{c}": float(r + c) for r in range(3) for c in range(3)})
    checker = pd.Series({f"r{r}c{c}": float((r + c) % 2) for r in range(3) for c in range(3)})
    g = local_moran(_grid(), gradient).global_i
    k = local_moran(_grid(), checker).global_i
    assert g is not None and k is not None
    assert g > 0 > k
    hand_g, _ = _hand_moran({(r, c): float(r + c) for r in range(3) for c in range(3)})
    assert g == pytest.approx(hand_g)


def test_missing_values_and_islands_are_reported_not_tested() -> None:
    geoms = _grid(extra=[("far", 10.0, 10.0)])
    values = _grid_values()
    values["far"] = 4.0
    values["r0c0"] = np.nan
    result = local_moran(geoms, values.drop("r2c2"))  # r2c2 has no entry at all
    cls = result.table.set_index("adcode")["cls"]
    assert result.no_data == ("r0c0", "r2c2")
    assert result.islands == ("far",)
    assert cls["r0c0"] == cls["r2c2"] == "no_data"
    assert cls["far"] == "island"
    assert result.n == 7
    assert result.table.set_index("adcode").loc[["r0c0", "r2c2", "far"], "p"].isna().all()


def test_a_region_left_alone_by_missing_neighbours_becomes_an_island() -> None:
    # "tail" touches only r0c2; without r0c2's figure it has no neighbour with data.
    geoms = _grid(extra=[("tail", 3.0, 1.0)])
    values = _grid_values()
    values["tail"] = 3.0
    values["r0c2"] = np.nan
    result = local_moran(geoms, values)
    assert result.no_data == ("r0c2",)
    assert result.islands == ("tail",)


def test_bivariate_uses_the_neighbours_of_b() -> None:
    a = _grid_values()
    b = pd.Series({f"r{r}c{c}": float(10 * r) for r in range(3) for c in range(3)})
    result = local_moran(_grid(), a, b, seed=3)
    assert result.bivariate
    # Hand: I_BV = Σ_i zA_i · (W zB)_i / (n − 1), z standardised with ddof=1 (esda's Moran_BV).
    cells = [(r, c) for r in range(3) for c in range(3)]
    za = np.array([GRID[r][c] for r, c in cells])
    zb = np.array([10.0 * r for r, _ in cells])
    za = (za - za.mean()) / za.std(ddof=1)
    zb = (zb - zb.mean()) / zb.std(ddof=1)
    lag = [
        np.mean([zb[j] for j, q in enumerate(cells) if q != p and max(abs(p[0] - q[0]), abs(p[1] - q[1])) == 1])
        for p in cells
    ]
    assert result.global_i == pytest.approx(float(np.dot(za, lag) / 8), rel=1e-12)
    assert "value_b" in result.table.columns


def test_seeded_and_leaves_the_global_random_state_alone() -> None:
    np.random.seed(7)
    before = np.random.get_state()[1].copy()
    one = local_moran(_grid(), _grid_values(), seed=42)
    assert (np.random.get_state()[1] == before).all()
    two = local_moran(_grid(), _grid_values(), seed=42)
    pd.testing.assert_frame_equal(one.table, two.table)
    assert one.global_p == two.global_p


def test_threshold_decides_significance() -> None:
    loose = local_moran(_grid(), _grid_values(), threshold=0.5, seed=5)
    strict = local_moran(_grid(), _grid_values(), threshold=0.001, seed=5)
    p = loose.table["p"]
    assert (loose.table["cls"] != "ns").sum() == (p < 0.5).sum() > 0
    assert (strict.table["cls"] == "ns").all()  # 999 permutations cannot reach p < 0.001
    with pytest.raises(ValueError, match="threshold"):
        local_moran(_grid(), _grid_values(), threshold=1.5)


def test_too_few_regions_and_no_variation_are_stated() -> None:
    few = local_moran(_grid(), _grid_values().iloc[:3])
    assert few.problem == "too_few" and few.global_i is None
    flat = local_moran(_grid(), pd.Series(1.0, index=_grid_values().index))
    assert flat.problem == "no_variation" and flat.global_i is None


@pytest.fixture(scope="module")
def counties() -> gpd.GeoDataFrame:
    return load_boundaries("county")


def test_real_counties_cluster(counties: gpd.GeoDataFrame) -> None:
    values = get_layer("elderly_per_township_2021").frame("county").set_index("adcode")["value"]
    result = local_moran(counties, values)
    assert result.n == 183 and result.islands == () and result.no_data == ()
    assert result.global_i is not None and result.global_i > 0.3  # catchments grow towards the western plateau
    assert result.global_p is not None and result.global_p < 0.05
    table = result.table.set_index("adcode")
    mean = values.mean()
    hh = table[table["cls"] == "HH"]
    ll = table[table["cls"] == "LL"]
    assert len(hh) > 0 and len(ll) > 0
    assert (hh["value"] > mean).all() and (ll["value"] < mean).all()
    assert (table.loc[table["cls"] != "ns", "p"] < 0.05).all()


def test_real_counties_with_a_gap_and_a_detached_area(counties: gpd.GeoDataFrame) -> None:
    # Chengdu's districts and counties only, one of them without a figure: it is listed, the rest tested.
    values = get_layer("pop_65plus_share").frame("county").set_index("adcode")["value"]
    chengdu = counties[counties["parent_adcode"] == "510100"]
    values = values.copy()
    values["510104"] = np.nan  # 锦江区 without a figure
    result = local_moran(chengdu, values)
    assert result.no_data == ("510104",)
    assert result.n + len(result.islands) == len(chengdu) - 1


def test_numba_stays_out_of_the_environment() -> None:
    # esda/libpysal fall back to plain numpy without it; with it, the first LISA would stall on JIT compilation.
    assert importlib.util.find_spec("numba") is None
