"""Charts of a view as Vega-Lite specs: pure functions of the app's MapData (no Streamlit), so the page can
build each once per view and the tests can read them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.core.i18n import t
from app.core.mapdata import MapData, format_value

if TYPE_CHECKING:
    import altair as alt

BAR_PX = 18  # one bar and its label per 18 px, so every region is labelled


def ranking_chart_spec(data: MapData) -> alt.Chart | None:
    """Bars keyed by code, labelled with unique names (市中区（内江）), longest first; None when nothing to rank."""
    import altair as alt  # ~0.5 s to import: not before a new session's map, which needs no chart

    lang, layer = data.view.lang, data.layer
    if layer.is_categorical:
        return None
    df = data.table.dropna(subset=["value"])[["adcode", "label", "parent_name", "value", "rank"]].copy()
    if df.empty:
        return None
    df["selected"] = df["adcode"] == data.view.selected
    df["rank"] = df["rank"].astype(int)
    # What a screen reader says for each bar, in the page's language (Vega's own would name the data's columns in
    # English and give the unrounded figures).
    sep = ": " if lang == "en" else "："
    df["description"] = [
        f"{label}{sep}{format_value(v, layer, lang)}, {t('rank', lang)} {r}"
        for label, v, r in zip(df["label"], df["value"], df["rank"], strict=True)
    ]
    axis_x = f"{layer.unit(lang)} ({layer.year_label(lang)})"
    return (
        alt.Chart(df, description=f"{t('ranking', lang)}{sep}{layer.title(lang)}")
        .mark_bar()
        .encode(
            x=alt.X("value:Q", title=axis_x, axis=alt.Axis(description=axis_x)),
            # The label is unique per code (region_labels), so no two regions share a bar.
            y=alt.Y(
                "label:N",
                sort=alt.EncodingSortField(field="value", order="descending"),
                title=None,
                axis=alt.Axis(labelOverlap=False, labelLimit=220, description=t("regions", lang)),
            ),
            detail="adcode:N",
            description="description:N",
            color=alt.condition(alt.datum.selected, alt.value("#d62728"), alt.value("#4c78a8")),
            tooltip=[
                alt.Tooltip("label:N", title=t("name", lang)),
                alt.Tooltip("adcode:N", title=t("code", lang)),
                alt.Tooltip("value:Q", title=f"{t('value', lang)} ({layer.unit(lang)})", format=f",.{layer.decimals}f"),
                alt.Tooltip("rank:Q", title=t("rank", lang)),
            ],
        )
        # A step per bar, not a total height: Streamlit fits a total height to its frame with the axes inside it,
        # which squeezed Liangshan's 17 names into ~230 px, their labels over each other.
        .properties(height=alt.Step(BAR_PX))
    )


def ranking_spec(data: MapData) -> dict[str, Any] | None:
    """The ranking chart as a Vega-Lite dict (its rows inline as a named dataset); None when nothing to rank."""
    chart = ranking_chart_spec(data)
    return None if chart is None else chart.to_dict()
