"""The upload section: a planner's own figures (tables or facility lists) → match report → saved user layers.

Every string from an upload is data: Markdown text goes through ``escape``, tables through st.dataframe
(plain text cells), the map's tooltips through app/webmap (HTML-escaped). The steps (read → match → report →
save) are in layers/upload/.
"""

from __future__ import annotations

import os
from typing import Any

import pandas as pd
import streamlit as st

from app.core import mapdata
from app.core.i18n import t
from app.core.markup import escape
from app.core.regionnames import region_label, region_name
from app.core.spreadsheet import neutral_frame
from app.ui import auth
from app.ui.plan import facility_upload
from app.ui.sidebar import show_layer_next
from app.webmap.facilities import with_facilities
from layers.facilities import DATUMS, PER_CAPITA, FacilityColumns, guess_columns, locate_facilities
from layers.registry import Registry
from layers.upload.match import LEAVE_OUT, guess_region_column, match_choices
from layers.upload.read import (
    DEFAULT_MAX_MB,
    ENCODINGS,
    MAX_MB_ENV,
    UploadedTable,
    UploadError,
    list_sheets,
    max_upload_bytes,
    max_upload_mb,
    read_table,
    upload_limit_problem,
)
from layers.upload.report import issue_rows, location_rows, report_rows, value_problem_rows
from layers.upload.save import LayerMeta, SaveProblem, facility_layers, finite_count, table_layers
from layers.userstore import USER_KINDS, StoreError, StoreUnavailable, UserStore, open_store

MARKERS_KEY = "atlas_facility_markers"  # the last located facility list, drawn on the map in this session
SHOW_MARKERS_KEY = "atlas_show_facility_markers"  # not a widget key: it outlives the facility form


def _t(key: str, lang: str, **kwargs: Any) -> str:
    return t(f"upload_{key}", lang, **kwargs)  # the strings are in app/i18n.py, under "upload_"


FILE_TYPES = ("csv", "xlsx", "xlsm", "txt")


def upload_limit_mb() -> float:
    """The real limit in megabytes: the reader's (``COVERAGE_ATLAS_UPLOAD_MAX_MB``, 20 by default); the widget is
    given it rounded up, so the browser refuses a larger file before sending it."""
    return max_upload_bytes() / 1024 / 1024


def uploader_css(lang: str) -> str:
    """Streamlit's file uploader writes its button ("Upload") and its limit line in English whatever the page's
    language; on the Chinese page both are hidden and said in Chinese by CSS (Streamlit offers no API for them).
    The limit is the real one (:func:`upload_limit_mb`)."""
    if lang == "en":
        return ""
    kinds = "、".join(k.upper() for k in FILE_TYPES)
    limit = f"每个文件不超过 {upload_limit_mb():g} MB · {kinds}"
    return f"""
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p,
[data-testid="stFileUploaderDropzoneInstructions"] span {{ display: none; }}
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"]::after {{ content: "选择文件"; }}
[data-testid="stFileUploaderDropzoneInstructions"] > div::after {{ content: "{limit}"; font-size: 0.875rem; }}
"""


def map_frame(frame: Any, view: Any) -> Any:
    """The page's map frame, with this session's facility markers when there are any to show."""
    facilities = st.session_state.get(MARKERS_KEY)
    if facilities is None or not st.session_state.get(SHOW_MARKERS_KEY, True):
        return frame
    if not (facilities.located["located_by"] == "point").any():
        return frame
    return with_facilities(frame, facilities, mapdata.datum_for(view), view.lang)


def _show_markers_changed() -> None:
    st.session_state[SHOW_MARKERS_KEY] = st.session_state["uf_show_markers"]


def upload_section(registry: Registry, lang: str) -> None:
    with st.expander(_t("header", lang), expanded=bool(st.session_state.get("atlas_upload_notice"))):
        _section(registry, lang)


def _section(registry: Registry, lang: str) -> None:
    editable = auth.auth_panel(lang)
    try:
        store = open_store()
        records = store.list_layers()
    except StoreUnavailable as exc:  # names the store and what to do, in the page's language
        st.error(escape(exc.text(lang)))
        return
    except Exception as exc:  # the atlas works without a store; say why there is none
        st.error(escape(_t("store_error", lang, e=exc)))
        return
    saved_layers(store, records, editable, lang)
    if editable:
        upload_flow(store, records, registry, lang)


# --- saved layers ---------------------------------------------------------------------------------
def saved_layers(store: UserStore, records: list, editable: bool, lang: str) -> None:
    st.markdown(f"**{_t('saved', lang)}**")
    if not records:
        st.caption(_t("none_saved", lang))
        return
    st.dataframe(
        pd.DataFrame(
            {
                _t("layer_id", lang): [r.layer_id for r in records],
                _t("title", lang): [f"{r.title} ({_t('user_mark', lang)})" for r in records],
                _t("level", lang): [_t(r.level, lang) for r in records],
                _t("unit", lang): [r.unit for r in records],
                _t("year", lang): [r.year for r in records],
                _t("source", lang): [r.source for r in records],
                _t("version", lang): [r.version for r in records],
                _t("updated", lang): [f"{r.updated:%Y-%m-%d %H:%M}" for r in records],
            }
        ),
        hide_index=True,
        key="atlas_user_layers_table",
    )
    if not editable:
        return
    with st.expander(_t("manage", lang)):
        by_id = {r.id: r for r in records}
        chosen = st.selectbox(
            _t("layer", lang),
            list(by_id),
            format_func=lambda i: f"{by_id[i].layer_id} · {by_id[i].title}",
            key="um_layer",
        )
        record = by_id[chosen]
        who = auth.current_editor() or "anonymous"
        new_title = st.text_input(_t("new_title", lang), value=record.title, key=f"um_title_{chosen}")
        if st.button(_t("rename", lang), key="um_rename") and new_title.strip() != record.title:
            _guarded(lambda: store.rename(chosen, new_title, who), _t("renamed", lang), lang)
        confirm = st.checkbox(_t("confirm_delete", lang), key=f"um_confirm_{chosen}")
        if st.button(_t("delete", lang), key="um_delete", disabled=not confirm, type="primary"):
            _guarded(lambda: store.delete(chosen, who), _t("deleted", lang), lang)


def _guarded(action: Any, done: str, lang: str) -> None:
    try:
        action()
    except StoreError as exc:
        st.error(escape(exc.text(lang) if isinstance(exc, StoreUnavailable) else str(exc)))
        return
    st.session_state["atlas_upload_notice"] = done
    st.rerun()


# --- upload ---------------------------------------------------------------------------------------
def _read(lang: str) -> UploadedTable | None:
    limit = max_upload_bytes()
    if upload_limit_problem():
        raw = os.environ.get(MAX_MB_ENV, "").strip()
        st.warning(escape(_t("bad_limit", lang, var=MAX_MB_ENV, value=repr(raw[:40]), mb=f"{DEFAULT_MAX_MB:g}")))
    # The widget's own limit makes the browser refuse a larger file at once, before sending it.
    file = st.file_uploader(
        _t("file", lang), type=list(FILE_TYPES), key="atlas_upload_file", max_upload_size=max_upload_mb()
    )
    if file is None:
        return None
    data = file.getvalue()
    name = file.name
    try:
        sheets = list_sheets(data, name=name, max_bytes=limit)
        sheet = encoding = None
        if sheets:
            sheet = st.selectbox(_t("sheet", lang), sheets, key="atlas_upload_sheet")
        else:
            options = ["auto", *ENCODINGS]
            choice = st.selectbox(
                _t("encoding", lang),
                options,
                format_func=lambda e: _t("auto", lang) if e == "auto" else e,
                key="atlas_upload_encoding",
            )
            encoding = None if choice == "auto" else choice
        table = read_table(data, name=name, encoding=encoding, sheet=sheet, max_bytes=limit)
    except UploadError as exc:
        st.error(escape(exc.text(lang)))
        return None
    if table.encoding and table.encoding_detected:
        st.caption(escape(_t("detected", lang, enc=table.encoding)))
    if table.blank_rows:
        st.caption(escape(_t("blank_rows", lang, rows=", ".join(map(str, table.blank_rows[:50])))))
    if table.formulas_without_value:
        cells = ", ".join(f"{c.column}{c.row}" for c in table.formulas_without_value[:50])
        st.warning(escape(_t("formulas", lang, cells=cells)))
    st.markdown(f"**{_t('preview', lang)}**")
    st.dataframe(table.preview(10).rename_axis(_t("row", lang)), key="atlas_upload_preview")
    return table


def upload_flow(store: UserStore, records: list, registry: Registry, lang: str) -> None:
    notice = st.session_state.pop("atlas_upload_notice", None)
    if notice:
        st.success(escape(notice))
    mode = st.radio(
        _t("mode", lang),
        ["table", "facilities"],
        format_func=lambda m: _t(f"mode_{m}", lang),
        horizontal=True,
        key="atlas_upload_mode",
    )
    table = _read(lang)
    if table is None:
        return
    if mode == "table":
        table_flow(store, records, table, lang)
    else:
        facility_flow(store, table, registry, lang)


def _meta_inputs(key: str, default_title: str, lang: str) -> LayerMeta:
    c1, c2, c3, c4 = st.columns([3, 1, 1, 3])
    return LayerMeta(
        c1.text_input(_t("title", lang), value=default_title, key=f"{key}_title"),
        c2.text_input(_t("unit", lang), key=f"{key}_unit"),
        c3.text_input(_t("year", lang), key=f"{key}_year"),
        c4.text_input(_t("source", lang), key=f"{key}_source"),
    )


def table_flow(store: UserStore, records: list, table: UploadedTable, lang: str) -> None:
    columns = table.columns
    level = st.radio(
        _t("level", lang), ["county", "prefecture"], format_func=lambda v: _t(v, lang), horizontal=True, key="ut_level"
    )
    guess = guess_region_column(columns)
    region_column = st.selectbox(
        _t("region_col", lang), columns, index=columns.index(guess) if guess else 0, key="ut_region"
    )
    value_columns = st.multiselect(_t("value_cols", lang), [c for c in columns if c != region_column], key="ut_values")
    if region_column in value_columns:  # the choices are kept when the region column changes afterwards
        st.error(escape(_t("region_is_value", lang, col=region_column)))
        return
    if not value_columns:
        return
    kind = st.selectbox(_t("kind", lang), list(USER_KINDS), format_func=lambda k: _t(f"kind_{k}", lang), key="ut_kind")
    same_level = [r for r in records if r.level == level and r.kind == kind]
    target: int | None = None
    if len(value_columns) == 1 and same_level:
        by_id = {r.id: r for r in same_level}
        target = st.selectbox(
            _t("target", lang),
            [None, *by_id],
            format_func=lambda i: (
                _t("new_layer", lang) if i is None else _t("replace_layer", lang, title=by_id[i].title)
            ),
            key="ut_target",
        )
    metas = {}
    for i, col in enumerate(value_columns):
        st.caption(escape(_t("meta_for", lang, col=col)))
        metas[col] = _meta_inputs(f"ut_meta_{i}", col, lang)

    # The planner's answers belong to this file, column and level only; another upload starts afresh.
    scope = (table.name, table.sheet, region_column, level)
    saved_choices = st.session_state.get("ut_choices")
    choices: dict[str, str] = dict(saved_choices[1]) if saved_choices and saved_choices[0] == scope else {}
    report = match_choices(table.frame, region_column, value_columns, level, choices)
    st.markdown(f"**{_t('report', lang)}**")
    c = report.counts()
    st.info(
        escape(
            _t(
                "summary",
                lang,
                n=len(report.rows),
                matched=c["matched"],
                unmatched=c["unmatched"],
                ambiguous=c["ambiguous"],
                other=c["other_level"],
                zone=c["no_boundary"],
                empty=c["empty"],
                dups=len(report.duplicates),
                values=len(report.value_problems),
            )
        )
    )
    if choices:
        answered = "; ".join(f"{q} → {c}" for q, c in choices.items())
        st.caption(escape(_t("answers", lang, answers=answered)))
        if st.button(_t("clear_answers", lang), key="ut_clear_answers"):
            st.session_state.pop("ut_choices", None)
            st.rerun()
    if report.not_matched:
        st.dataframe(report_rows(report, lang, _name(lang)), hide_index=True, key="ut_report_rows")
        _ask(report, choices, scope, lang)
    if report.duplicates:
        st.warning(_t("duplicates", lang))
        st.dataframe(
            pd.DataFrame(
                {
                    _t("code", lang): [d.code for d in report.duplicates],
                    _t("region", lang): [region_name(d.code, lang) for d in report.duplicates],
                    _t("rows", lang): [", ".join(map(str, d.rows)) for d in report.duplicates],
                }
            ),
            hide_index=True,
            key="ut_duplicates",
        )
    if report.value_problems:
        st.caption(_t("values", lang))
        st.dataframe(value_problem_rows(report, lang), hide_index=True, key="ut_value_problems")
    accepted = report.ok or st.checkbox(_t("accept", lang), key="ut_accept")
    if st.button(_t("save", lang), key="ut_save", disabled=not accepted or bool(report.duplicates), type="primary"):
        who = auth.current_editor() or "anonymous"
        bracket = " ({})" if lang == "en" else "（{}）"
        incomplete = [col + bracket.format(meta.missing_text(lang)) for col, meta in metas.items() if meta.missing()]
        if incomplete:
            st.error(escape(_t("meta_required", lang, cols=", ".join(incomplete))))
            return
        bad_years = [col for col, meta in metas.items() if meta.bad_year()]
        if bad_years:
            value = metas[bad_years[0]].year
            st.error(escape(_t("bad_year", lang, value=value, cols=", ".join(bad_years))))
            return
        try:
            layers = table_layers(report, metas, kind)
            if target is not None:
                new, values = layers[0]
                saved = [store.replace(target, values, who, unit=new.unit, year=new.year, source=new.source)]
            else:
                saved = store.save_many(layers, who)
        except SaveProblem as exc:
            st.error(escape(exc.text(lang)))
            return
        except (ValueError, StoreError) as exc:
            st.error(escape(exc.text(lang) if isinstance(exc, StoreUnavailable) else str(exc)))
            return
        _saved(saved, lang)
        st.session_state.pop("ut_choices", None)
        st.rerun()


def _ask(report: Any, choices: dict[str, str], scope: tuple[object, ...], lang: str) -> None:
    """Ask the planner about each ambiguous or unmatched reference that has candidates (once per reference)."""
    asked: dict[str, tuple[str, ...]] = {}
    for r in report.not_matched:
        if r.status in ("ambiguous", "unmatched") and r.candidates and r.query not in asked:
            asked[r.query] = tuple(c.code for c in r.candidates)
    labels = {c.code: f"{c.code} {c.label}" for r in report.not_matched for c in r.candidates}
    changed = False
    for n, (query, codes) in enumerate(asked.items()):
        pick = st.selectbox(
            escape(_t("choose_for", lang, q=query), limit=80),
            [LEAVE_OUT, *codes],
            format_func=lambda c: _t("leave_out", lang) if c == LEAVE_OUT else labels[c],
            key=f"ut_ask_{n}_{query}",
        )
        if pick != LEAVE_OUT and choices.get(query) != pick:
            choices[query] = pick
            changed = True
    if changed:
        st.session_state["ut_choices"] = (scope, choices)
        st.rerun()


def _name(lang: str):
    """A region code's name as reports give it: unique (市中区（内江）, 市中区（乐山）), in the page's language."""
    return lambda code: region_label(code, lang)


def _saved(saved: list, lang: str) -> None:
    """Say what was saved, and show the first of it on the map (the next run's sidebar switches to it)."""
    st.session_state["atlas_upload_notice"] = _t("saved_ok", lang, titles="; ".join(s.title for s in saved))
    if saved:
        show_layer_next(saved[0].layer_id, saved[0].level)


def _column_choices(table: UploadedTable, lang: str) -> tuple[FacilityColumns, str | None] | None:
    """The column pickers, each starting at the column its header names (名称/name, 经度/lng …), and the township
    column the plan view uses."""
    none = _t("no_column", lang)
    options = [none, *table.columns]
    guessed = guess_columns(table.columns)

    def pick(key: str) -> str | None:
        index = options.index(guessed[key]) if key in guessed else 0
        value = st.selectbox(_t(f"col_{key}", lang), options, index=index, key=f"uf_{key}")
        return None if value == none else value

    c1, c2, c3 = st.columns(3)
    with c1:
        name, kind = pick("name"), pick("type")
    with c2:
        lon, lat = pick("lon"), pick("lat")
    with c3:
        capacity, region = pick("capacity"), pick("region")
    township = pick("township")  # for the plan view's townships without a site (app/ui/plan/facility_upload.py)
    if (lon is None) != (lat is None):
        st.info(_t("need_both_coordinates", lang))
        return None
    if lon is None and region is None:
        st.info(_t("need_location", lang))
        return None
    return FacilityColumns(name=name, type=kind, capacity=capacity, lon=lon, lat=lat, region=region), township


def facility_flow(store: UserStore, table: UploadedTable, registry: Registry, lang: str) -> None:
    chosen = _column_choices(table, lang)
    if chosen is None:
        return
    columns, township = chosen
    datum = None
    if columns.lon is not None:
        datum = st.radio(_t("datum", lang), list(DATUMS), index=None, format_func=lambda d: _t(d, lang), key="uf_datum")
        if datum is None:
            st.info(_t("choose_datum", lang))
            return
    facilities = locate_facilities(table.frame, columns, datum=datum or "wgs84")
    # The map is drawn above this section: a new list reruns the page once so the map shows its markers.
    fingerprint = (datum, int(pd.util.hash_pandas_object(facilities.points.astype(str)).sum()))
    if st.session_state.get(f"{MARKERS_KEY}_fp") != fingerprint:
        st.session_state.update({MARKERS_KEY: facilities, f"{MARKERS_KEY}_fp": fingerprint})
        st.rerun()
    st.info(
        escape(_t("located", lang, n=len(facilities.points), ok=len(facilities.located), bad=len(facilities.issues)))
    )
    # Every site with the county it went to: the planner checks those near a border here or in the download.
    sites = location_rows(facilities, lang, _name(lang))
    st.dataframe(sites, hide_index=True, key="uf_sites")
    st.download_button(
        _t("download_sites", lang),
        lambda: neutral_frame(sites).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig"),
        file_name=f"{table.name.rsplit('.', 1)[0]}_{_t('sites_file', lang)}.csv",
        mime="text/csv",
        key="uf_sites_csv",
        on_click="ignore",  # a download changes nothing on the page: no rerun
    )
    if facilities.issues:
        with st.expander(_t("problems", lang, n=len(facilities.issues))):
            st.dataframe(issue_rows(facilities, lang, _name(lang)), hide_index=True, key="uf_issues")
    plan_part = facility_upload.township_part(
        table.frame, facilities, township, facility_upload.facility_type_choice(lang), lang
    )
    facilities = plan_part.facilities or facilities  # a site whose township moved county counts where it went
    st.checkbox(
        _t("markers", lang),
        value=st.session_state.get(SHOW_MARKERS_KEY, True),
        key="uf_show_markers",
        on_change=_show_markers_changed,
    )
    covers_all = st.checkbox(_t("covers_all", lang), value=True, key="uf_covers_all")
    population = st.selectbox(
        _t("per_capita", lang),
        [None, *PER_CAPITA],
        format_func=lambda p: _t("no_per_capita", lang) if p is None else registry.get(p).title(lang),
        key="uf_per_capita",
    )
    meta = _meta_inputs("uf_meta", "", lang)
    capacity_unit = st.text_input(_t("capacity_unit", lang), key="uf_capacity_unit") if columns.capacity else ""
    if meta.bad_year():
        st.error(escape(_t("bad_year", lang, value=meta.year, cols=meta.title)))
        return
    covered = None if covers_all else set(facilities.located["prefecture"])
    if meta.missing():
        st.caption(escape(_t("meta_missing", lang, fields=meta.missing_text(lang))))
        return
    try:
        layers = facility_layers(
            facilities,
            meta,
            capacity_unit=capacity_unit,
            population=population,
            registry=registry,
            covered_prefectures=covered,
            lang=lang,
        )
    except SaveProblem as exc:
        st.caption(escape(exc.text(lang)))
        return
    st.caption(_t("layers_to_save", lang))
    st.dataframe(
        pd.DataFrame(
            {
                _t("title", lang): [n.title for n, _ in layers],
                _t("unit", lang): [n.unit for n, _ in layers],
                _t("level", lang): [_t(n.level, lang) for n, _ in layers],
                _t("regions_with_figures", lang): [finite_count(v) for _, v in layers],
            }
        ),
        hide_index=True,
        key="uf_layers",
    )
    accepted = not (facilities.issues or plan_part.problems) or st.checkbox(_t("accept", lang), key="uf_accept")
    if st.button(_t("save", lang), key="uf_save", disabled=not accepted, type="primary"):
        try:
            saved = store.save_many(layers, auth.current_editor() or "anonymous", also=plan_part.writer())
        except StoreError as exc:
            st.error(escape(exc.text(lang) if isinstance(exc, StoreUnavailable) else str(exc)))
            return
        _saved(saved, lang)
        st.rerun()
