"""app.topology on small hand-made coverages, decoded by the reference decoder in tests/topology_support.py
(the real boundaries: tests/test_mapbuild.py, regions_file)."""

from __future__ import annotations

import pytest

from app.webmap.topology import topology
from tests.support import topology as topology_support


def _square(x0: float, y0: float, x1: float, y1: float, clockwise: bool = False) -> list[list[float]]:
    ring = [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]
    return ring[::-1] if clockwise else ring


def _decode(regions, scale=1000):
    topo = topology(regions, scale)
    return topo, topology_support.features(topo, "regions")


def _assert_round_trip(regions, decoded, tolerance=1e-9):
    assert [props["adcode"] for props, _ in decoded] == [code for code, _ in regions]
    for (code, polygons), (_, got) in zip(regions, decoded, strict=True):
        assert len(got) == len(polygons), code
        for got_rings, rings in zip(got, polygons, strict=True):
            assert len(got_rings) == len(rings), code
            for a, b in zip(got_rings, rings, strict=True):
                assert topology_support.same_ring(a, [tuple(p) for p in b], tolerance), (code, a, b)


def test_two_neighbours_send_their_common_border_once():
    left = [[[[104.0, 30.0], [104.5, 30.0], [104.5, 30.25], [104.5, 30.5], [104.0, 30.5], [104.0, 30.0]]]]
    right = [[[[104.5, 30.0], [105.0, 30.0], [105.0, 30.5], [104.5, 30.5], [104.5, 30.25], [104.5, 30.0]]]]
    regions = [("510001", left), ("510002", right)]
    topo, decoded = _decode(regions)
    _assert_round_trip(regions, decoded)
    assert sum(len(a) for a in topo["arcs"]) == 3 + 4 + 4  # the border's 3 vertices once, each outer side once
    left_refs, right_refs = (g["arcs"][0][0] for g in topo["objects"]["regions"]["geometries"])
    shared = {r if r >= 0 else ~r for r in left_refs} & {r if r >= 0 else ~r for r in right_refs}
    assert len(shared) == 1
    (arc,) = shared
    assert (arc in left_refs) != (arc in right_refs), "one side walks the border backwards"


def test_an_enclave_shares_its_whole_outline_with_the_hole_around_it():
    outer = [[_square(103.0, 29.0, 106.0, 32.0), _square(104.0, 30.0, 105.0, 31.0, clockwise=True)]]
    enclave = [[_square(104.0, 30.0, 105.0, 31.0)]]
    regions = [("510100", outer), ("510200", enclave)]
    topo, decoded = _decode(regions)
    _assert_round_trip(regions, decoded)
    hole, inside = (
        topo["objects"]["regions"]["geometries"][0]["arcs"][0][1],
        topo["objects"]["regions"]["geometries"][1]["arcs"][0][0],
    )
    assert len(topo["arcs"]) == 2 and len(hole) == len(inside) == 1 and hole[0] == ~inside[0]


def test_three_regions_meeting_at_a_point_and_a_multipolygon():
    a = [[_square(0.0, 0.0, 1.0, 1.0)], [_square(5.0, 5.0, 6.0, 6.0)]]  # two parts
    b = [[[[1.0, 0.0], [2.0, 0.0], [2.0, 1.0], [1.0, 1.0], [1.0, 0.0]]]]
    c = [[[[0.0, 1.0], [1.0, 1.0], [2.0, 1.0], [2.0, 2.0], [0.0, 2.0], [0.0, 1.0]]]]
    regions = [("1", a), ("2", b), ("3", c)]
    topo, decoded = _decode(regions)
    _assert_round_trip(regions, decoded)
    refs = [
        r if r >= 0 else ~r
        for g in topo["objects"]["regions"]["geometries"]
        for polygon in g["arcs"]
        for ring in polygon
        for r in ring
    ]
    # the borders 1|2, 1|3 and 2|3 (all ending at (1, 1)), each one arc used from both sides
    assert sorted(refs.count(i) for i in set(refs)) == [1, 1, 1, 1, 2, 2, 2]


def test_coordinates_are_lossless_on_the_grid_and_within_half_a_step_off_it():
    on_grid = [("1", [[_square(104.123, 30.456, 104.789, 31.012)]])]
    _, decoded = _decode(on_grid)
    _assert_round_trip(on_grid, decoded, tolerance=1e-9)
    off_grid = [("1", [[[[104.1234, 30.4566], [104.7891, 30.4566], [104.7891, 31.0129], [104.1234, 30.4566]]]])]
    topo, decoded = _decode(off_grid)
    assert topo["transform"]["scale"] == [0.001, 0.001]
    _assert_round_trip(off_grid, decoded, tolerance=0.0005 + 1e-9)
    with pytest.raises(AssertionError):
        _assert_round_trip(off_grid, decoded, tolerance=0.0003)  # the tolerance is not vacuous


def test_arcs_are_delta_coded_integers_from_the_origin():
    topo, _ = _decode([("1", [[_square(104.0, 30.0, 104.002, 30.001)]])])
    assert topo["transform"]["translate"] == [104.0, 30.0]
    assert topo["arcs"] == [[[0, 0], [2, 0], [0, 1], [-2, 0], [0, -1]]]


def test_no_regions_give_an_empty_topology():
    assert topology([], 1000) == {
        "type": "Topology",
        "objects": {"regions": {"type": "GeometryCollection", "geometries": []}},
        "arcs": [],
    }
