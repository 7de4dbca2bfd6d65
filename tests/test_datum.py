import numpy as np
import prcoords
import pytest
import shapely

from geodata import boundaries, datum

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


def _prcoords_points(coords: np.ndarray, func) -> np.ndarray:
    out = [func(prcoords.Coords(lat, lon)) for lon, lat in coords]
    return np.array([(p.lon, p.lat) for p in out])


def _real_vertices() -> np.ndarray:
    """Every 40th vertex of the full-detail county polygons (GCJ-02), plus the control points."""
    src = boundaries._source("county")
    pts = shapely.get_coordinates(np.asarray(src.geometry.values))[::40]
    control = np.array([[glon, glat] for _, _, glat, glon in CONTROL])
    return np.vstack([pts, control])


def test_vectorised_conversion_is_prcoords_to_the_last_bit():
    # The arrays are converted in one go (the cold boundary build waited ~50 s for a per-point loop);
    # the numbers must stay prcoords' exactly, so no area or vertex changes.
    pts = _real_vertices()
    assert np.array_equal(datum.gcj02_to_wgs84_points(pts), _prcoords_points(pts, prcoords.gcj_wgs_bored))
    assert np.array_equal(datum.wgs84_to_gcj02_points(pts), _prcoords_points(pts, prcoords.wgs_gcj))


def test_conversion_does_not_go_point_by_point(monkeypatch):
    def per_point(*args, **kwargs):
        raise AssertionError("per-point prcoords call")

    for name in ("gcj_wgs_bored", "gcj_wgs", "wgs_gcj"):
        monkeypatch.setattr(prcoords, name, per_point)
    moved = datum.gcj02_to_wgs84(shapely.box(104.0, 30.6, 104.1, 30.7))
    assert not shapely.equals(moved, shapely.box(104.0, 30.6, 104.1, 30.7))


def test_points_outside_china_stay_as_they_are_with_a_warning():
    paris = np.array([[2.35, 48.85]])
    with pytest.warns(UserWarning, match="non-Chinese"):
        assert np.array_equal(datum.wgs84_to_gcj02_points(paris), paris)
    with pytest.warns(UserWarning, match="non-Chinese"):
        out = datum.gcj02_to_wgs84_points(paris)
    assert np.array_equal(out, _prcoords_points_quiet(paris))


def _prcoords_points_quiet(coords: np.ndarray) -> np.ndarray:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _prcoords_points(coords, prcoords.gcj_wgs_bored)


def test_vectorised_point_conversion_matches_prcoords_point_by_point():
    import numpy as np
    import prcoords

    from geodata.datum import gcj02_to_wgs84_lonlat, wgs84_to_gcj02_lonlat

    rng = np.random.default_rng(7)
    lon, lat = rng.uniform(97.3, 108.6, 300), rng.uniform(26.0, 34.4, 300)
    g_lon, g_lat = wgs84_to_gcj02_lonlat(lon, lat)
    w_lon, w_lat = gcj02_to_wgs84_lonlat(lon, lat)
    for i in range(len(lon)):
        fwd = prcoords.wgs_gcj(prcoords.Coords(lat[i], lon[i]))
        back = prcoords.gcj_wgs_bored(prcoords.Coords(lat[i], lon[i]))
        assert abs(fwd.lon - g_lon[i]) < 1e-12 and abs(fwd.lat - g_lat[i]) < 1e-12
        assert abs(back.lon - w_lon[i]) < 1e-7 and abs(back.lat - w_lat[i]) < 1e-7  # ~1 cm
    # round trip
    r_lon, r_lat = wgs84_to_gcj02_lonlat(w_lon, w_lat)
    assert np.abs(r_lon - lon).max() < 1e-7 and np.abs(r_lat - lat).max() < 1e-7  # prcoords' stopping rule: ~1 cm
    # outside China nothing moves (as prcoords); NaN stays NaN
    assert wgs84_to_gcj02_lonlat(np.array([2.35]), np.array([48.85])) == (np.array([2.35]), np.array([48.85]))
    assert np.isnan(gcj02_to_wgs84_lonlat(np.array([np.nan]), np.array([30.0]))[0][0])
