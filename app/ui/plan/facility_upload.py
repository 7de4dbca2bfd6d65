"""The facility upload's part for the plan view: the facility type, the township column and the list it is matched
against, the township report (by row, as for regions), the planner's answers to names that could not be placed,
and what is saved with the layers (layers/planstore.py), in the same transaction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import streamlit as st
from sqlalchemy.engine import Connection

from app.core.i18n import t
from app.core.markup import escape
from app.core.regionnames import region_label
from app.ui.plan import cache as plan_cache
from layers.facilities import FacilityList
from layers.norms import PLAN_YEARS, PLANNER_TYPE_PREFIX
from layers.planstore import facility_writer
from layers.townshiplists import TownshipPlacement, clean_name, place_in_townships, township_index

UNSPECIFIED = ""
LEAVE_OUT = "__leave__"


@dataclass(frozen=True)
class FacilityPlan:
    """What the plan needs from one facility upload."""

    facility_type: str
    placement: TownshipPlacement | None  # None without a township column

    @property
    def problems(self) -> bool:
        """Township names that were given but could not be placed (the planner accepts them before saving)."""
        return self.placement is not None and any(m.status != "empty" for _, m in self.placement.not_placed)

    @property
    def facilities(self) -> FacilityList | None:
        return None if self.placement is None else self.placement.facilities

    def writer(self) -> Callable[[Connection, list[int]], None]:
        if self.placement is None:
            return facility_writer(self.facility_type, None, pd.DataFrame(columns=["county", "township", "sites"]))
        return facility_writer(self.facility_type, self.placement.year, self.placement.counts())


def facility_type_choice(lang: str) -> str:
    """The facility type of the list (the plan offers it as the supply of the norms asking for that type)."""
    catalogue = plan_cache.catalogue()
    types = [UNSPECIFIED, *catalogue.facility_types]
    types += sorted(
        {n.facility_type for n in catalogue.norms.values() if n.facility_type.startswith(PLANNER_TYPE_PREFIX)}
    )
    return str(
        st.selectbox(
            t("upload_facility_type", lang),
            types,
            format_func=lambda x: "—" if x == UNSPECIFIED else catalogue.facility_title(x, lang),
            key="uf_facility_type",
        )
    )


def township_part(
    table_frame: pd.DataFrame, facilities: FacilityList, township_column: str | None, facility_type: str, lang: str
) -> FacilityPlan:
    """Match the township column (if chosen) and show the report; returns what to save with the layers."""
    if township_column is None:
        return FacilityPlan(facility_type, None)
    year = int(
        st.radio(
            t("upload_township_year", lang),
            PLAN_YEARS,
            index=len(PLAN_YEARS) - 1,
            horizontal=True,
            key="uf_township_year",
        )
    )
    cells = {int(str(r)): str(v) for r, v in table_frame[township_column].items()}
    scope = (township_column, year, len(table_frame))
    saved = st.session_state.get("uf_township_choices")
    choices: dict[tuple[str, str], str] = dict(saved[1]) if saved and saved[0] == scope else {}
    placement = place_in_townships(facilities, cells, year, {k: v for k, v in choices.items() if v != LEAVE_OUT})
    report(placement, lang)
    ask(placement, choices, scope, lang)
    return FacilityPlan(facility_type, placement)


def report(placement: TownshipPlacement, lang: str) -> None:
    st.markdown(f"**{t('upload_township_report', lang)}**")
    matches = placement.matches
    placed = sum(m.placed for m in matches.values())
    reform = len(placement.through_reform)
    st.info(
        escape(
            t(
                "upload_township_summary",
                lang,
                n=len(matches),
                placed=placed,
                reform=reform,
                other=len(matches) - placed,
            )
        )
    )
    for row, (before, after) in sorted(placement.moved.items()):
        m = matches[row]
        st.caption(
            escape(
                t(
                    "upload_township_moved",
                    lang,
                    row=row,
                    township=m.query,
                    to=f"{region_label(after, lang)} {after}",
                    from_=f"{region_label(before, lang)} {before}",
                )
            )
        )
    if placement.through_reform:
        st.caption(t("upload_township_reform_rows", lang))
        st.dataframe(
            pd.DataFrame(
                {
                    t("upload_row", lang): [r for r, _ in placement.through_reform],
                    t("upload_cell", lang): [m.query for _, m in placement.through_reform],
                    t("upload_note", lang): [m.note(lang) for _, m in placement.through_reform],
                }
            ),
            hide_index=True,
            key="uf_township_reform",
        )
    if placement.not_placed:
        st.dataframe(
            pd.DataFrame(
                {
                    t("upload_row", lang): [r for r, _ in placement.not_placed],
                    t("upload_cell", lang): [m.query for _, m in placement.not_placed],
                    t("upload_problem", lang): [m.text(lang) for _, m in placement.not_placed],
                    t("upload_note", lang): [m.note(lang) for _, m in placement.not_placed],
                    t("upload_candidates", lang): [
                        "; ".join(
                            f"{code} {name} ({region_label(county, lang)})" for code, name, county in m.candidates
                        )
                        for _, m in placement.not_placed
                    ],
                }
            ),
            hide_index=True,
            key="uf_township_rows",
        )
        st.caption(t("upload_township_unplaced_note", lang))


def ask(placement: TownshipPlacement, choices: dict[tuple[str, str], str], scope: tuple, lang: str) -> None:
    """For each name not placed (once per county and name), the county's townships to choose from, candidates first."""
    points = placement.facilities.points
    asked: dict[tuple[str, str], list[int]] = {}
    for row, m in placement.not_placed:
        county = points.at[row, "county"]
        if m.status != "empty" and county is not None:
            asked.setdefault((str(county), clean_name(m.query)), []).append(row)
    index = township_index(placement.year)
    changed = False
    for n, ((county, query), rows) in enumerate(asked.items()):
        units = index.current[index.current["county"] == county]
        names = dict(zip(units["code"], units["name_en"] if lang == "en" else units["name"], strict=True))
        first = [c for c, _, where in placement.matches[rows[0]].candidates if where == county]
        options = [LEAVE_OUT, *first, *(c for c in names if c not in first)]
        current = choices.get((county, query), LEAVE_OUT)
        label = t(
            "upload_township_choose",
            lang,
            rows=", ".join(map(str, rows[:10])),
            q=query,
            county=region_label(county, lang),
        )
        pick = st.selectbox(
            escape(label, limit=120),
            options,
            index=options.index(current) if current in options else 0,
            format_func=_township_option(names, lang),
            key=f"uf_township_ask_{n}_{county}_{query}",
        )
        if current != pick:
            choices[county, query] = pick
            changed = True
    if changed:
        st.session_state["uf_township_choices"] = (scope, choices)
        st.rerun()


def _township_option(names: dict[str, str], lang: str) -> Callable[[str], str]:
    return lambda code: t("upload_township_leave", lang) if code == LEAVE_OUT else f"{names.get(code, code)} ({code})"
