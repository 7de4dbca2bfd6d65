"""Shared helpers for the plan tests: a small facility list saved as the plan's supply, as the upload page saves
it (locate → townships → layers and facility set in one transaction), and the township tables read by hand."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from layers import default_registry
from layers.facilities import FacilityColumns, locate_facilities
from layers.planstore import facility_sets_of, facility_writer
from layers.townshiplists import TownshipPlacement, place_in_townships
from layers.upload.save import LayerMeta, facility_layers
from layers.userlayers import with_user_layers
from layers.userstore import UserStore

ROOT = Path(__file__).resolve().parents[2]
TOWNSHIPS = ROOT / "data" / "townships"


def read(name: str) -> list[dict[str, str]]:
    with (TOWNSHIPS / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def facility_frame(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    """(name, county, township) per site; index = the row numbers a spreadsheet shows (header = row 1)."""
    return pd.DataFrame(
        [list(r) for r in rows],
        columns=["名称", "区县", "乡镇"],
        index=pd.Index(range(2, len(rows) + 2), name="row"),
        dtype=object,
    )


def place(rows: list[tuple[str, str, str]], year: int) -> TownshipPlacement:
    frame = facility_frame(rows)
    located = locate_facilities(frame, FacilityColumns(name="名称", region="区县"), datum="wgs84")
    return place_in_townships(located, frame["乡镇"].to_dict(), year)


def save_supply(
    store: UserStore,
    rows: list[tuple[str, str, str]],
    *,
    year: int = 2023,
    facility_type: str = "child_protection_station",
    covered_prefectures: set[str] | None = None,
):
    """Save ``rows`` as a facility list; returns (its county layer's registry id, registry, facility sets)."""
    placement = place(rows, year)
    layers = facility_layers(
        placement.facilities,
        LayerMeta("未成年人保护工作站", "个", "2024", "测试名单"),
        capacity_unit="",
        population=None,
        registry=default_registry(),
        covered_prefectures=covered_prefectures,
    )
    saved = store.save_many(layers, "test", also=facility_writer(facility_type, year, placement.counts()))
    return saved[0].layer_id, with_user_layers(store), facility_sets_of(store)
