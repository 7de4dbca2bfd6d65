"""The brief per prefecture: a multi-page A4 PDF for a report's annex.

Pages: a cover with the prefecture's key figures (and its rank among the 21) and the article's province figures
for reference; the county maps of the theme's layers in the print maps' style (:func:`app.export.printmap.figure`);
rankings of the prefecture's counties; the township merger before and after per county; with a plan (a norm and a
supply), the shortfall map, the shortfall table and the townships without a site. Every page names its sources and
carries the map-use note and its page number; the CJK glyphs are embedded (Type 3), once for the whole file.

Every figure comes from the route the page takes: one :class:`~app.core.viewstate.ViewState` per map or table,
through :func:`app.core.mapdata.map_data` (and :func:`app.core.plan.plan_data` for the plan), so the brief shows
the page's figures, classes and colours.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import geopandas as gpd
import matplotlib
import pandas as pd
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from app.core import mapdata
from app.core.i18n import figure_text, t
from app.core.mapdata import MapData, format_value
from app.core.names_en import english_short
from app.core.plan import PlanData, plan_data, sanitise_plan, site_unit
from app.core.plantables import region_table, township_list
from app.core.regionnames import region_label
from app.core.viewstate import ViewState
from app.export import printmap
from app.export.briefrequest import BRIEF_THEMES, BriefError, BriefRequest
from app.export.paper import MAP_USE_NOTE, MM_PER_INCH, PAPERS
from app.export.printmap import PrintOptions, font
from geodata.codes import gazetteer
from layers import Registry
from layers.norms import NormCatalogue
from layers.planstore import FacilitySet
from layers.registry import THEMES
from layers.summary import province_summary

PAPER = "a4-portrait"
# The cover's key figures: the census, the township lists, and each theme's catchments.
KEY_LAYERS = ("pop_total", "pop_60plus", "pop_60plus_share", "pop_0_14", "pop_0_14_share")
MERGER_KEY_LAYERS = ("townships_2018", "townships_2021", "townships_reduction_pct", "villages_2018", "villages_2021")
THEME_KEY_LAYERS = {
    "child_protection": ("children_per_township_2021", "children_per_village_2021"),
    "elderly_care": ("elderly_per_township_2021", "households_65plus_share"),
}
MERGER_LAYERS = (
    "townships_2018",
    "townships_2021",
    "townships_reduction",
    "townships_reduction_pct",
    "townships_reduction_mergers_pct",
    "villages_2018",
    "villages_2021",
    "villages_reduction_pct",
)
ROWS_PER_PAGE = 48
LINE_SPACING = 1.6  # of the font size, for every table row
TOP, BOTTOM = 0.93, 0.12  # the table area of a text page (figure fractions)


@dataclass
class _Page:
    figure: Figure
    sources: list[str]  # drawn in the footer; a map page draws its own (printmap.figure)
    footer_drawn: bool = False


class _Brief:
    """The pages as they are drawn, with what every page carries: sources, the note, the page number."""

    def __init__(self, request: BriefRequest):
        self.request = request
        self.lang = request.lang
        self.options = PrintOptions(paper=PAPER, dpi=150, date=request.date, note=request.note)
        self.pages: list[_Page] = []
        self.width_mm, self.height_mm = PAPERS[PAPER]

    @property
    def note(self) -> str:
        return MAP_USE_NOTE["en" if self.lang == "en" else "zh"] if self.request.note is None else self.request.note

    def text_page(self, title: str, sources: Sequence[str]) -> Figure:
        fig, scale, _ = printmap.page(self.options)
        size = 13 if len(title) <= 40 else 10.5  # a long norm title stays on one line
        fig.text(0.06, 0.965, title, ha="left", va="center", fontproperties=font(size * scale))
        self.pages.append(_Page(fig, list(dict.fromkeys(sources))))
        return fig

    def map_page(self, fig: Figure) -> None:
        self.pages.append(_Page(fig, [], footer_drawn=True))

    def finish(self) -> list[Figure]:
        total = len(self.pages)
        for n, page in enumerate(self.pages, start=1):
            if not page.footer_drawn:
                self._footer(page)
            page.figure.text(
                0.97,
                0.008,
                t("brief_page", self.lang, n=n, total=total),
                ha="right",
                va="bottom",
                color="#555555",
                fontproperties=font(6.5),
            )
        return [p.figure for p in self.pages]

    def _footer(self, page: _Page) -> None:
        size = 6.5
        lines = [f"{t('source', self.lang)}: {s}" for s in page.sources]
        lines.append(f"{t('print_date', self.lang)}: {self.request.date.isoformat()}")
        wrapped = [w for line in lines for w in printmap._wrap(line, self.width_mm * 0.88, size)]
        wrapped += printmap._wrap(self.note, self.width_mm * 0.88, size)
        line_h = size * 1.45 / 72 * MM_PER_INCH / self.height_mm
        for i, line in enumerate(reversed(wrapped)):
            page.figure.text(
                0.06, 0.022 + i * line_h, line, ha="left", va="bottom", color="#333333", fontproperties=font(size)
            )


def _view(layer: str, level: str, area: str, lang: str, registry: Registry) -> MapData:
    view = ViewState(lang=lang, layer=layer, level=level, area=area)
    return mapdata.map_data(mapdata.effective_layer(registry, view), view)


def _row(data: MapData, code: str) -> pd.Series | None:
    rows = data.table[data.table["adcode"] == code]
    return None if rows.empty else rows.iloc[0]


def _table(
    fig: Figure, top: float, columns: Sequence[tuple[str, float, str]], rows: Sequence[Sequence[str]], size: float = 8.0
) -> float:
    """Rows of text under a header at ``top``; columns are (heading, x, "l" or "r"). Returns the next free y.

    Each column is one multi-line text: a PDF page of 50 rows × 7 cells as 350 text objects took seconds to write,
    as 7 it takes milliseconds, and the lines of every column share one spacing."""
    line = size * LINE_SPACING / 72 * MM_PER_INCH / PAPERS[PAPER][1]
    for heading, x, align in columns:
        fig.text(
            x,
            top,
            heading,
            ha="left" if align == "l" else "right",
            va="top",
            color="#555555",
            fontproperties=font(size),
        )
    if not rows:
        return top - line
    for i, (_, x, align) in enumerate(columns):
        fig.text(
            x,
            top - line * 1.3,
            "\n".join(row[i] for row in rows),
            ha="left" if align == "l" else "right",
            va="top",
            multialignment="left" if align == "l" else "right",
            linespacing=LINE_SPACING,
            fontproperties=font(size),
        )
    return top - line * (1.3 + len(rows))


def _sources(lang: str, *data: MapData) -> list[str]:
    return list(dict.fromkeys(s.name(lang) for d in data for s in d.layer.sources))


def _cover(brief: _Brief, registry: Registry, plan: PlanData | None) -> None:
    req, lang = brief.request, brief.lang
    name = region_label(req.area, lang)
    keys = [*KEY_LAYERS, *MERGER_KEY_LAYERS, *THEME_KEY_LAYERS[req.theme]]
    datas = [_view(layer, "prefecture", "all", lang, registry) for layer in keys]
    fig = brief.text_page(t("brief_title", lang, area=name), _sources(lang, *datas))
    theme = THEMES[req.theme][1 if lang == "en" else 0]
    fig.text(0.06, 0.935, t("brief_theme_line", lang, theme=theme), fontproperties=font(10))
    fig.text(0.06, 0.915, t("brief_made", lang, date=req.date.isoformat()), color="#555555", fontproperties=font(8))
    counties = len([d for d in gazetteer().current("county") if d.parent_adcode == req.area])
    rows = [[t("plan_counties", lang), f"{counties}", "", "2023"]]
    for data in datas:
        row = _row(data, req.area)
        if row is None:
            continue
        rank = "" if pd.isna(row["rank"]) else f"{int(row['rank'])}"
        value = format_value(row["value"], data.layer, lang)
        rows.append([_cut(data.layer.title(lang), 46), value, rank, _cut(data.layer.year_label(lang), 26)])
    fig.text(0.06, 0.88, t("brief_key_figures", lang), fontproperties=font(11), color="#1f3b63")
    columns = [
        (t("name", lang), 0.06, "l"),
        (t("figure", lang), 0.66, "r"),
        (t("brief_rank_of_prefectures", lang), 0.75, "r"),
        (t("year", lang), 0.77, "l"),
    ]
    y = _table(fig, 0.855, columns, rows, size=7.5)
    if plan is not None and plan.supply is not None:
        total = plan.totals.iloc[-1]
        unit = site_unit(plan.supply, lang)
        fig.text(
            0.06, y - 0.015, _cut(t("brief_plan_summary", lang, norm=plan.norm.title(lang)), 90), fontproperties=font(8)
        )
        plan_rows = [
            [
                t(f"plan_show_{key}", lang),
                t("no_data", lang) if pd.isna(total[key]) else f"{float(total[key]):,.0f} {unit}",
                "",
                _cut(plan.layer.year_label(lang), 26),
            ]
            for key in ("required", "existing", "shortfall")
        ]
        y = _table(
            fig, y - 0.035, [(c[0] if i else "", c[1], c[2]) for i, c in enumerate(columns)], plan_rows, size=7.5
        )
    summary = province_summary()
    ours = summary[summary["theme"].isin([req.theme, "township_merger"])]
    fig.text(0.06, y - 0.03, t("brief_article_figures", lang), fontproperties=font(11), color="#1f3b63")
    article = [
        [
            _cut(str(r["indicator_en"] if lang == "en" else r["indicator_zh"]), 52),
            figure_text(float(r["value"]), str(r["unit"]), lang),
            str(r["year"]),
        ]
        for _, r in ours.iterrows()
    ]
    columns = [(t("name", lang), 0.06, "l"), (t("figure", lang), 0.62, "r"), (t("year", lang), 0.74, "l")]
    _table(fig, y - 0.055, columns, article, size=7.5)
    brief.pages[-1].sources.append(str(summary[f"source_{lang}"].iloc[0]))


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _map_page(brief: _Brief, shapes: gpd.GeoDataFrame, data: MapData) -> None:
    """A print map of the prefecture's counties, subtitled (and, in English, labelled) in the brief's language."""
    lang = brief.lang
    subtitle = " · ".join(
        [f"{t('year', lang)}: {data.layer.year_label(lang)}", t("county", lang), region_label(brief.request.area, lang)]
    )
    options = replace(brief.options, subtitle=subtitle)
    brief.map_page(printmap.figure(shapes, data, options))


def labelled(shapes: gpd.GeoDataFrame, lang: str) -> gpd.GeoDataFrame:
    """The boundaries with the map labels (``short_name``) in ``lang``: English pages name counties in English."""
    if lang != "en":
        return shapes
    return shapes.assign(
        short_name=[english_short(c) or n for c, n in zip(shapes["adcode"], shapes["short_name"], strict=True)]
    )


def _maps(brief: _Brief, registry: Registry, shapes: gpd.GeoDataFrame) -> list[MapData]:
    req = brief.request
    drawn = []
    for layer in registry.list_layers(theme=req.theme, level="county"):
        data = _view(layer.id, "county", req.area, brief.lang, registry)
        if data.error or data.table["value"].notna().sum() == 0:
            continue
        _map_page(brief, shapes, data)
        drawn.append(data)
    return drawn


def _rankings(brief: _Brief, registry: Registry, datas: list[MapData]) -> None:
    lang = brief.lang
    for start in range(0, len(datas), 2):
        pair = datas[start : start + 2]
        fig = brief.text_page(t("brief_rankings", lang), _sources(lang, *pair))
        top = 0.92
        for data in pair:
            province = _view(data.layer.id, "county", "all", lang, registry).table.set_index("adcode")["rank"]
            table = data.table.sort_values(["rank", "adcode"], na_position="last")
            unit = data.layer.unit(lang)
            fig.text(
                0.06,
                top,
                f"{data.layer.title(lang)}（{unit}）" if lang == "zh" else f"{data.layer.title(lang)} ({unit})",
                fontproperties=font(9),
                color="#1f3b63",
            )
            rows = [
                [
                    "" if pd.isna(r["rank"]) else str(int(r["rank"])),
                    str(r["label"]),
                    r["adcode"],
                    _number(r["value"], data, lang),
                    "" if pd.isna(province.get(r["adcode"])) else str(int(province[r["adcode"]])),
                ]
                for _, r in table.iterrows()
            ]
            columns = [
                (t("rank", lang), 0.10, "r"),
                (t("name", lang), 0.13, "l"),
                (t("code", lang), 0.45, "l"),
                (t("figure", lang), 0.78, "r"),
                (t("brief_rank_in_province", lang), 0.94, "r"),
            ]
            top = _table(fig, top - 0.02, columns, rows, size=7.5) - 0.03


def _merger(brief: _Brief, registry: Registry) -> None:
    lang, area = brief.lang, brief.request.area
    counties = [_view(layer, "county", area, lang, registry) for layer in MERGER_LAYERS]
    prefecture = [_view(layer, "prefecture", "all", lang, registry) for layer in MERGER_LAYERS]
    fig = brief.text_page(t("brief_merger", lang), _sources(lang, *counties))
    short = {
        "zh": ["乡镇2018", "乡镇2021", "净减少", "净减幅%", "合并减幅%", "村2018", "村2021", "村减幅%"],
        "en": ["Tsp 2018", "Tsp 2021", "Net cut", "Net cut %", "Mergers %", "Vil 2018", "Vil 2021", "Vil cut %"],
    }["en" if lang == "en" else "zh"]
    columns = [(t("name", lang), 0.06, "l")] + [(h, 0.40 + 0.075 * i, "r") for i, h in enumerate(short)]
    first = counties[0].table
    rows = []
    for code, label in zip(first["adcode"], first["label"], strict=True):
        cells = [str(label)]
        for data in counties:
            row = _row(data, code)
            cells.append(_number(row["value"] if row is not None else None, data, lang))
        rows.append(cells)
    total = [region_label(area, lang)]
    for data in prefecture:
        row = _row(data, area)
        total.append(_number(row["value"] if row is not None else None, data, lang))
    rows.append(total)
    y = _table(fig, 0.92, columns, rows, size=7.5)
    legend = "; ".join(f"{s}: {d.layer.title(lang)}" for s, d in zip(short, counties, strict=True))
    for i, line in enumerate(printmap._wrap(legend, brief.width_mm * 0.88, 7)):
        fig.text(0.06, y - 0.02 - i * 0.016, line, fontproperties=font(7), color="#333333")


def _number(value: Any, data: MapData, lang: str) -> str:
    if value is None or pd.isna(value):
        return t("no_data", lang)
    return f"{float(value):,.{data.layer.decimals}f}"


def _plan_pages(brief: _Brief, plan: PlanData, shapes: gpd.GeoDataFrame) -> None:
    lang = brief.lang
    _map_page(brief, shapes, plan.map)
    sources = [s.name(lang) for s in plan.layer.sources]
    table = region_table(plan)
    figures = list(table.columns[4:])
    rows = [[str(r.iloc[0]), str(r.iloc[1]), *(_cell(r[c], lang) for c in figures)] for _, r in table.iterrows()]
    for _, r in plan.totals.iterrows():
        rows.append([str(r["label"]), str(r["adcode"]), *(_cell(v, lang) for v in _total_cells(r, len(figures)))])
    short = [t(f"plan_show_{k}", lang) for k in ("required", "existing", "shortfall", "surplus", "coverage")]
    short = [*short[:4], f"{short[4]} %", t("brief_without", lang)][: len(figures)]
    columns = [(t("name", lang), 0.06, "l"), (t("code", lang), 0.33, "l")]
    columns += [(c, 0.50 + 0.08 * i, "r") for i, c in enumerate(short)]
    fig = brief.text_page(t("brief_plan", lang, norm=plan.norm.title(lang)), sources)
    fig.text(0.06, 0.94, _cut(f"{plan.norm.rule(lang)} · {plan.norm.source(lang)}", 110), fontproperties=font(7.5))
    y = _table(fig, 0.915, columns, [[_cut(r[0], 30), *r[1:]] for r in rows], size=7)
    notes = [t("plan_rules", lang), t("plan_totals_note", lang)]
    if len(figures) > 5:
        notes.append(f"{short[5]}: {t('plan_without_site', lang)}")
    lines = [w for note in notes for w in printmap._wrap(note, brief.width_mm * 0.88, 7)]
    for i, line in enumerate(lines):
        fig.text(0.06, y - 0.02 - i * 0.016, line, fontproperties=font(7), color="#333333")
    if plan.townships is None:
        return
    listed = township_list(plan)
    # County, township, township code (its first six digits are the county's); per village also the figures.
    keep = [listed.columns[0], listed.columns[2], listed.columns[3]]
    xs, aligns = [0.06, 0.33, 0.66], ["l", "l", "l"]
    if plan.norm.per == "village":
        keep += list(listed.columns[-4:-1])
        xs, aligns = [0.06, 0.30, 0.58, 0.80, 0.88, 0.96], ["l", "l", "l", "r", "r", "r"]
    for start in range(0, max(len(listed), 1), ROWS_PER_PAGE):
        chunk = listed.iloc[start : start + ROWS_PER_PAGE]
        title = t("plan_township_list", lang) + (t("brief_continued", lang) if start else "")
        fig = brief.text_page(title, sources)
        columns = [(str(c), x, a) for c, x, a in zip(keep, xs, aligns, strict=True)]
        cells = [
            [_cut(str(v), 30) if pd.notna(v) else t("no_data", lang) for v in row]
            for row in chunk[keep].itertuples(index=False)
        ]
        _table(fig, 0.93, columns, cells, size=7)


def _total_cells(row: pd.Series, n: int) -> list[object]:
    values = [
        row["required"],
        row["existing"],
        row["shortfall"],
        row["surplus"],
        row["coverage"],
        row.get("without_site"),
    ]
    return values[:n]


def _cell(value: Any, lang: str) -> str:
    if value is None or pd.isna(value):
        return t("no_data", lang)
    number = float(value)
    return f"{number:,.1f}" if not number.is_integer() else f"{number:,.0f}"


def build_brief(
    request: BriefRequest,
    registry: Registry,
    catalogue: NormCatalogue,
    facility_sets: Mapping[int, FacilitySet],
    counties: gpd.GeoDataFrame,
) -> bytes:
    """The brief as PDF bytes. ``counties``: the county boundaries (web detail, WGS84), as the print maps use."""
    request.check()
    brief = _Brief(request)
    plan = None
    if request.plan is not None:
        view = replace(request.plan, lang=request.lang, level="county", area=request.area, selected=None, mode="plan")
        view = sanitise_plan(view, catalogue, registry, facility_sets)
        plan = plan_data(view, registry, catalogue, facility_sets)
        if not plan.computable or plan.supply is None:
            plan = None
    shapes = labelled(counties, request.lang)
    _cover(brief, registry, plan)
    drawn = _maps(brief, registry, shapes)
    _rankings(brief, registry, drawn)
    _merger(brief, registry)
    if plan is not None:
        _plan_pages(brief, plan, shapes)
    figures = brief.finish()
    buf = io.BytesIO()
    with matplotlib.rc_context({"pdf.fonttype": 3}), PdfPages(buf, metadata=_metadata(request)) as pdf:
        for fig in figures:
            pdf.savefig(fig, facecolor="white")
    return buf.getvalue()


def _metadata(request: BriefRequest) -> dict[str, str]:
    return {
        "Title": t("brief_title", request.lang, area=region_label(request.area, request.lang)),
        "Creator": "Sichuan Coverage Atlas",
    }


__all__ = ["BRIEF_THEMES", "BriefError", "BriefRequest", "build_brief"]
