"""A facility list's type and townships in the user store (layers/planstore.py): saved with its layers in one
transaction, gone with its layer, and no longer used once a new version replaces the layer's figures."""

from __future__ import annotations

import pandas as pd
import pytest
import sqlalchemy as sa

from app.core.plan import plan_data
from app.core.viewstate import ViewState
from layers.norms import shipped_norms
from layers.planstore import facility_sets_of, facility_townships
from layers.userlayers import with_user_layers
from layers.userstore import NewLayer, UserStore
from tests.support.plan import save_supply

SITES = [("甲", "西昌市", "川兴镇"), ("乙", "西昌市", "礼州镇"), ("丙", "西昌市", "")]


@pytest.fixture
def store(tmp_path):
    s = UserStore(f"sqlite:///{tmp_path / 's.sqlite'}")
    yield s
    s.engine.dispose()


def test_type_and_townships_are_saved_with_the_layers(store):
    layer_id, _, sets = save_supply(store, SITES, year=2023)
    record = sets[int(layer_id.removeprefix("user_"))]
    assert (record.facility_type, record.township_year, record.sites, record.placed) == (
        "child_protection_station",
        2023,
        3,
        2,
    )
    assert record.unplaced().to_dict() == {"513401": 1}
    assert set(record.townships["township"]) == {"513401101", "513401103", ""}


def test_a_failure_in_the_facility_part_saves_no_layer(store):
    def broken(conn, ids):
        raise RuntimeError("disk full")

    layer = NewLayer("站", "个", "2024", "测试", "county", "count")
    with pytest.raises(RuntimeError):
        store.save_many([(layer, {"513401": 1.0})], "t", also=broken)
    assert store.list_layers() == []


def test_deleting_the_layer_deletes_its_townships(store):
    layer_id, _, _ = save_supply(store, SITES)
    store.delete(int(layer_id.removeprefix("user_")), "t")
    assert facility_sets_of(store) == {}
    with store.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(facility_townships)).scalar_one() == 0


def test_a_replaced_layer_keeps_its_new_counts_and_drops_the_old_townships(store):
    layer_id, _, _ = save_supply(store, SITES)
    figures = pd.Series(0.0, index=list(with_user_layers(store).get(layer_id).frame("county")["adcode"]))
    figures["513401"] = 9.0
    store.replace(int(layer_id.removeprefix("user_")), figures, "t")
    registry, sets = with_user_layers(store), facility_sets_of(store)
    plan = plan_data(ViewState(mode="plan", plan_supply=layer_id), registry, shipped_norms(), sets)
    assert plan.counties.at["513401", "existing"] == 9
    assert plan.townships is None and plan.township_note == "plan_township_stale"
