"""The plan view's caches at the UI edge: the norm catalogue and the saved facility lists (rebuilt when the store
changes, like the registry), and each view's plan (keyed by the view and the store's revision)."""

from __future__ import annotations

import logging
from collections.abc import Mapping

import streamlit as st

from app.core.plan import PlanData, plan_data
from app.core.viewstate import ViewState
from app.ui import cache
from app.ui.cache import Revision
from layers.norms import NormCatalogue, shipped_norms
from layers.planstore import FacilitySet, facility_sets_of, planner_norms
from layers.userstore import open_store

log = logging.getLogger(__name__)


@st.cache_resource(show_spinner=False, max_entries=4)
def _catalogue(revision: Revision) -> NormCatalogue:
    if revision is None:
        return shipped_norms()
    try:
        return shipped_norms().with_planner_norms(planner_norms(open_store(revision[0])))
    except Exception as exc:  # the store's norms cannot be read: the shipped norms still work
        log.warning("planners' norms unavailable: %s", exc)
        return shipped_norms()


def catalogue() -> NormCatalogue:
    """Shipped and planners' norms."""
    return _catalogue(cache.store_revision())


@st.cache_resource(show_spinner=False, max_entries=4)
def _facility_sets(revision: Revision) -> Mapping[int, FacilitySet]:
    if revision is None:
        return {}
    try:
        return facility_sets_of(open_store(revision[0]))
    except Exception as exc:
        log.warning("facility lists unavailable: %s", exc)
        return {}


def facility_sets() -> Mapping[int, FacilitySet]:
    """Saved facility lists by their county layer's store id (read-only)."""
    return _facility_sets(cache.store_revision())


@st.cache_resource(show_spinner=False, max_entries=32)
def _plan(view: ViewState, revision: Revision) -> PlanData:
    return plan_data(view, cache.registry(), _catalogue(revision), _facility_sets(revision))


def plan(view: ViewState) -> PlanData:
    """The plan of one view (read-only: shared by every session)."""
    return _plan(view, cache.store_revision())
