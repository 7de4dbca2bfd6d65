"""The compare page's Export section in a real browser (issue 23): format, paper and orientation, resolution and
title chosen as a planner clicks them, in Chinese and, after switching the language in the sidebar, in English;
the downloaded file has the chosen paper, resolution and language."""

from __future__ import annotations

import io

import pypdf
import pytest
from PIL import Image
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from app.core.i18n import t
from tests.support.browser import ARTIFACTS, LocalOnlyPage

pytestmark = pytest.mark.browser

FIRST_LOAD = 150_000  # ms
RERUN = 60_000
BUILD = 120_000  # a print map on the busy shared machine
LAYER_A, LAYER_B = "elderly_per_township_2021", "children_per_village_2021"
FORMATS = {
    "zh": ["PNG 图片", "PDF 文档", "SVG 矢量图", "CSV 表格"],
    "en": ["PNG image", "PDF document", "SVG vector graphic", "CSV table"],
}


RUNNING = '[data-testid="stStatusWidgetRunningIcon"], [data-testid="stStatusWidgetRunningManIcon"]'


def _idle(page) -> None:
    """Wait for the page's run to end: a list opened while Streamlit re-renders may close under the pointer."""
    expect(page.locator(RUNNING)).to_have_count(0, timeout=BUILD)


def _choose(page, section, label: str, option: str) -> list[str]:
    """Open the selectbox ``label`` in ``section``, read its options, click ``option``; returns the options."""
    box = section.get_by_role("combobox", name=label, exact=True)
    options = page.get_by_role("option")
    labels: list[str] = []
    for attempt in range(4):  # a click that lands while the page re-renders may not open the list, or close it
        _idle(page)
        box.evaluate("e => e.scrollIntoView({block: 'center'})")  # room for the list below it
        box.click()
        try:
            options.first.wait_for(timeout=5_000)
            labels = options.all_inner_texts()
            page.get_by_role("option", name=option, exact=True).click(timeout=5_000)
            break
        except PlaywrightError:
            if attempt == 3:
                raise
            page.keyboard.press("Escape")
    expect(box).to_have_value(option, timeout=RERUN)
    return labels


def _export(page, lang: str, fmt: str, paper: str, title: str | None = None) -> tuple[list[str], bytes]:
    section = page.locator('[data-testid="stExpander"]').filter(has_text=t("compare_export_format", lang))
    summary = page.get_by_text(t("compare_export", lang), exact=True)
    _idle(page)
    if not section.get_by_role("combobox", name=t("compare_export_format", lang)).is_visible():
        summary.click()
    formats = _choose(page, section, t("compare_export_format", lang), fmt)
    _choose(page, section, t("export_paper", lang), paper)
    if title is not None:
        box = section.get_by_label(t("export_title", lang), exact=True)
        box.fill(title)
        box.press("Enter")
    _idle(page)
    section.get_by_role("button", name=t("compare_export_prepare", lang)).click()
    download = section.locator('[data-testid="stDownloadButton"] button')
    expect(download).to_be_visible(timeout=BUILD)
    with page.expect_download(timeout=RERUN) as info:
        download.click()
    with open(info.value.path(), "rb") as f:
        return formats, f.read()


def _open(browser, atlas_url: str, lang: str) -> LocalOnlyPage:
    """The 凉山 bivariate view at a laptop's size, in ``lang``, once its export section is on the page."""
    tab = LocalOnlyPage(browser, viewport=(1366, 768))
    tab.context.set_default_timeout(RERUN)
    tab.page.goto(
        f"{atlas_url}/?mode=compare&cview=bivariate&layer={LAYER_A}&layer_b={LAYER_B}&area=513400"
        f"&basemap=none&lang={lang}",
        timeout=FIRST_LOAD,
    )
    expect(tab.page.get_by_text(t("compare_export", lang), exact=True)).to_be_visible(timeout=FIRST_LOAD)
    return tab


def test_compare_export_options_reach_the_file_in_both_languages(atlas_url, browser):
    tab = _open(browser, atlas_url, "zh")
    page = tab.page
    try:
        formats, pdf = _export(page, "zh", "PDF 文档", "A4 纵向", title="凉山州 老人与儿童")
        assert formats == FORMATS["zh"]
        reader = pypdf.PdfReader(io.BytesIO(pdf))
        box = reader.pages[0].mediabox
        assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 portrait in points
        text = reader.pages[0].extract_text()
        assert "凉山州 老人与儿童" in text and "凉山彝族自治州" in text and "内部工作用图" in text

        page.locator('[data-testid="stSidebar"]').get_by_text("English", exact=True).click()
        expect(page.get_by_text(t("compare_export", "en"), exact=True)).to_be_visible(timeout=RERUN)
        formats, png = _export(page, "en", "PNG image", "A4 landscape")
        assert formats == FORMATS["en"]
        assert Image.open(io.BytesIO(png)).size == (1754, 1240)  # A4 landscape at the default 150 dpi
        page.screenshot(path=str(ARTIFACTS / "compare_export_en.png"))
        assert tab.blocked == [] and tab.local_errors == [] and tab.page_errors == []
    finally:
        tab.close()


def test_an_english_compare_export_is_titled_in_english(atlas_url, browser):
    """The default title and subtitle follow the page's language (the subtitle named 凉山彝族自治州 in English)."""
    tab = _open(browser, atlas_url, "en")
    page = tab.page
    try:
        _, pdf = _export(page, "en", "PDF document", "A4 landscape")
        text = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
        assert "People aged 60+ per township" in text and "Liangshan Yi Autonomous Prefecture" in text
        assert "凉山" not in text
        assert tab.blocked == [] and tab.local_errors == [] and tab.page_errors == []
    finally:
        tab.close()
