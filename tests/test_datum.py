import numpy as np
import pytest
import shapely

from geodata import datum

# Published control points from the eviltransform test suite (github.com/googollee/eviltransform,
# python/test.py; MIT): WGS84 lat/lon and the GCJ-02 lat/lon that the official obfuscation gives.
CONTROL = [
    (31.1774276, 121.5272106, 31.17530398364597, 121.531541859215),  # Shanghai
    (22.543847, 113.912316, 22.540796131694766, 113.9171764808363),  # Shenzhen
    (39.911954, 116.377817, 39.91334545536069, 116.38404722455657),  # Beijing
]


@pytest.mark.parametrize("wlat,wlon,glat,glon", CONTROL)
def test_wgs84_to_gcj02_matches_control_points(wlat, wlon, glat, glon):
    out = datum.wgs84_to_gcj02_points(np.array([[wlon, wlat]]))
    assert out[0] == pytest.approx([glon, glat], abs=1e-7)


@pytest.mark.parametrize("wlat,wlon,glat,glon", CONTROL)
def test_gcj02_to_wgs84_inverts_within_a_metre(wlat, wlon, glat, glon):
    out = datum.gcj02_to_wgs84_points(np.array([[glon, glat]]))
    assert out[0] == pytest.approx([wlon, wlat], abs=1e-5)  # 1e-5 degree ≈ 1 m


def test_geometry_conversion_moves_every_vertex_a_few_hundred_metres():
    chengdu = shapely.box(104.0, 30.6, 104.1, 30.7)
    moved = datum.gcj02_to_wgs84(chengdu)
    a = shapely.get_coordinates(chengdu)
    b = shapely.get_coordinates(moved)
    assert len(a) == len(b)
    metres = np.hypot((a[:, 0] - b[:, 0]) * 111_320 * np.cos(np.radians(a[:, 1])), (a[:, 1] - b[:, 1]) * 110_540)
    assert np.all((metres > 100) & (metres < 1000))
