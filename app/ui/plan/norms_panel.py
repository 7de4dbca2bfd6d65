"""The norms: every norm with its unit, number, facility type and source; editors add norms of their own (on the
page or from a CSV/XLSX file, each with a source line) and delete them. Nothing is pre-filled."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app.core.i18n import t
from app.core.markup import escape
from app.ui import auth
from app.ui.plan import cache as plan_cache
from layers.norms import AGE_GROUPS, COMPUTABLE_UNITS, PLANNER_PREFIX, PLANNER_TYPE_PREFIX, NormCatalogue, NormError
from layers.planstore import NewNorm, add_norms, delete_norm, norms_from_table
from layers.upload.read import UploadError, read_table
from layers.userstore import StoreError, open_store

OTHER_TYPE = "__other__"
PENDING_NORM = "plan_pending_norm"  # read by app/ui/plan/sidebar.py before it draws the norm


def norms_table(catalogue: NormCatalogue, lang: str) -> pd.DataFrame:
    norms = list(catalogue.norms.values())
    return pd.DataFrame(
        {
            "id": [n.id for n in norms],
            t("plan_norm", lang): [n.title(lang) for n in norms],
            t("plan_norm_unit", lang): [t(f"plan_unit_{n.per}", lang) for n in norms],
            t("plan_rule", lang): [n.rule(lang) if n.computable else n.reason(lang) for n in norms],
            t("plan_norm_type", lang): [
                catalogue.facility_title(n.facility_type, lang) if n.facility_type else "" for n in norms
            ],
            t("plan_norm_source", lang): [n.source(lang) for n in norms],
            t("plan_quote", lang): [n.quotation(lang) for n in norms],
        }
    )


def norms_section(lang: str) -> None:
    catalogue = plan_cache.catalogue()
    with st.expander(t("plan_norms_heading", lang)):
        st.dataframe(norms_table(catalogue, lang), hide_index=True, width="stretch", key="plan_norms")
        notice = st.session_state.pop("plan_norm_notice", None)
        if notice:
            st.success(escape(notice))
        if not auth.can_edit():
            st.caption(t("plan_norms_read_only", lang))
            return
        _add_form(catalogue, lang)
        _import_file(lang)
        _delete(catalogue, lang)


def _add_form(catalogue: NormCatalogue, lang: str) -> None:
    st.markdown(f"**{t('plan_add_norm', lang)}**")
    st.caption(t("plan_add_norm_hint", lang))
    with st.form("plan_add_norm_form"):
        left, right = st.columns(2)
        title = left.text_input(t("plan_norm_title", lang), key="pn_title")
        title_en = right.text_input(t("plan_norm_title_en", lang), key="pn_title_en")
        per = left.selectbox(
            t("plan_norm_per", lang), COMPUTABLE_UNITS, format_func=lambda u: t(f"plan_unit_{u}", lang), key="pn_per"
        )
        required = right.number_input(t("plan_norm_required", lang), min_value=0.0, value=1.0, step=1.0, key="pn_req")
        people = left.number_input(t("plan_norm_people", lang), min_value=1, value=1000, step=100, key="pn_people")
        age = right.selectbox(
            t("plan_norm_age", lang), AGE_GROUPS, format_func=lambda a: t(f"plan_age_{a}", lang), key="pn_age"
        )
        types = [*catalogue.facility_types, OTHER_TYPE]
        kind = left.selectbox(
            t("plan_norm_type", lang),
            types,
            format_func=lambda x: (
                t("plan_norm_new_type", lang) if x == OTHER_TYPE else catalogue.facility_title(x, lang)
            ),
            key="pn_type",
        )
        other = right.text_input(t("plan_norm_new_type", lang), key="pn_type_other")
        source = st.text_input(t("plan_norm_source_line", lang), key="pn_source")
        quote = st.text_input(t("plan_norm_quote", lang), key="pn_quote")
        submitted = st.form_submit_button(t("plan_norm_save", lang))
    if not submitted:
        return
    facility_type = PLANNER_TYPE_PREFIX + other.strip() if kind == OTHER_TYPE and other.strip() else kind
    if kind == OTHER_TYPE and not other.strip():
        facility_type = ""
    theme = catalogue.facility_types[kind].theme if kind in catalogue.facility_types else ""
    new = NewNorm(
        title=title,
        per=per,
        facility_type=facility_type,
        required=float(required),
        source=source,
        theme=theme,
        title_en=title_en,
        people=int(people) if per == "people" else None,
        age_group=age if per == "people" else None,
        quote=quote,
    )
    _save([new], lang)


def _save(norms: list[NewNorm], lang: str) -> None:
    try:
        saved = add_norms(open_store(), norms, auth.current_editor() or "anonymous")
    except (NormError, StoreError) as exc:
        st.error(escape(str(exc)))
        return
    st.session_state["plan_norm_notice"] = t("plan_norm_saved", lang, title="; ".join(n.title_zh for n in saved))
    st.session_state[PENDING_NORM] = saved[-1].id  # the plan turns to the new norm (the sidebar, next run)
    st.rerun()


def _import_file(lang: str) -> None:
    file = st.file_uploader(t("plan_norm_file", lang), type=["csv", "xlsx", "txt"], key="plan_norm_file")
    st.caption(t("plan_norm_file_hint", lang))
    if file is None:
        return
    try:
        table = read_table(file.getvalue(), name=file.name)
    except UploadError as exc:
        st.error(escape(str(exc)))
        return
    norms, problems = norms_from_table(table.frame, file.name)
    for problem in problems:
        st.error(escape(problem))
    if norms and not problems and st.button(t("plan_norm_import", lang, n=len(norms)), key="plan_norm_import"):
        _save(norms, lang)


def _delete(catalogue: NormCatalogue, lang: str) -> None:
    mine = [n for n in catalogue.norms.values() if n.planner]
    if not mine:
        return
    chosen = st.selectbox(
        t("plan_norm_delete", lang),
        [n.id for n in mine],
        format_func=lambda i: f"{i} · {catalogue.get(i).title(lang)}",
        key="plan_norm_delete_choice",
    )
    if st.button(t("plan_norm_delete", lang), key="plan_norm_delete"):
        try:
            delete_norm(open_store(), int(chosen.removeprefix(PLANNER_PREFIX)), auth.current_editor() or "anonymous")
        except StoreError as exc:
            st.error(escape(str(exc)))
            return
        st.session_state["plan_norm_notice"] = t("plan_norm_deleted", lang)
        st.rerun()
