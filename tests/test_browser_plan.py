"""The plan view in a real browser (Chromium, nothing leaving this machine), in both languages after switching
language: every plan control of the sidebar, the township list and its download, the brief, a planner's norm, and
a facility list with a township column uploaded through the page.

Each step waits on a condition (the address it writes, a heading or element it shows, the script state), never on a
fixed time, and then checks that neither the page, its scripts nor the server log holds an exception.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from app.core.i18n import t
from layers.userstore import UserStore
from tests.support.browser import (
    ARTIFACTS,
    FOLIUM_IFRAME,
    LocalOnlyPage,
    atlas_server,
    runs_started,
    wait_for_idle,
)
from tests.support.plan import save_supply

pytestmark = pytest.mark.browser

TIMEOUT = 150_000  # ms: a busy 2-core machine
SERVER_FAILURE = re.compile(r"Traceback|Uncaught app exception|Error:")
SITES = [("甲站", "西昌市", "川兴镇"), ("乙站", "西昌市", "普诗乡"), ("丙站", "昭觉县", "四开镇")]
UPLOAD = "名称,区县,乡镇\n甲站,西昌市,川兴镇\n乙站,长宁县,下长镇\n丙站,锦江区,龙舟路街道办事处\n"


@pytest.fixture(scope="module")
def plan_atlas(tmp_path_factory):
    """An atlas server of its own, on a store holding one facility list (the shared server's store stays as the
    other browser tests expect it)."""
    folder = tmp_path_factory.mktemp("plan_browser")
    store = UserStore(f"sqlite:///{folder / 'store.sqlite'}")
    layer_id, _, _ = save_supply(store, SITES, covered_prefectures={"513400"})
    store.engine.dispose()
    before = os.environ.get("COVERAGE_ATLAS_STORE")
    os.environ["COVERAGE_ATLAS_STORE"] = str(folder / "store.sqlite")
    try:
        with atlas_server(log_path=folder / "streamlit.log") as url:
            yield url, folder / "streamlit.log", layer_id
    finally:
        if before is None:
            os.environ.pop("COVERAGE_ATLAS_STORE", None)
        else:
            os.environ["COVERAGE_ATLAS_STORE"] = before


class PlanPage:
    def __init__(self, browser, url: str, log: Path, query: str):
        self.tab = LocalOnlyPage(browser, viewport=(1400, 1100))
        self.page = self.tab.page
        self.page.set_default_timeout(TIMEOUT)
        self.log, self.log_seen = log, len(log.read_text(errors="replace"))
        self.lang = "en" if "lang=en" in query else "zh"
        self.steps: list[str] = []
        self.page.goto(f"{url}/?{query}", wait_until="domcontentloaded")
        self.page.frame_locator(FOLIUM_IFRAME).locator("path.leaflet-interactive").first.wait_for()
        self.idle()
        self.check()

    @property
    def sidebar(self):
        return self.page.locator('[data-testid="stSidebar"]')

    def params(self) -> dict[str, str]:
        return {k: v[-1] for k, v in parse_qs(urlsplit(self.page.url).query).items()}

    def idle(self, mark: tuple[int, float] | None = None) -> None:
        wait_for_idle(self.page, mark, timeout=TIMEOUT)

    def check(self) -> None:
        failure = f"after: {self.steps}"
        expect(self.page.locator('[data-testid="stException"]')).to_have_count(0)
        assert not self.tab.page_errors, (self.tab.page_errors, failure)
        text = self.log.read_text(errors="replace")
        new, self.log_seen = text[self.log_seen :], len(text)
        assert not SERVER_FAILURE.search(new), (new[-3000:], failure)

    def step(self, description: str, action, *, param: tuple[str, str | None] | None = None, shows=None) -> None:
        """Do ``action``; wait until the address has ``param`` (value None: not in it) and/or ``shows`` is visible,
        then until the run is done; check."""
        self.steps.append(description)
        mark = runs_started(self.page)  # so that the run the action starts is waited for, not the one before it
        action()
        if param is not None:
            key, value = param
            want = "null" if value is None else repr(value)
            self.page.wait_for_function(f"() => new URL(location.href).searchParams.get({key!r}) === {want}")
        if shows is not None:
            shows.first.wait_for()
        self.idle(mark)
        self.check()

    def download(self, button_key: str) -> bytes:
        """Press a download button and return the file's bytes.

        Streamlit builds a deferred download (data given as a function) through a message on the session's
        websocket; on a loaded CI machine one such answer was seen never to arrive (the button spun for
        150 s). A planner would press again: so does this, once, and then fails."""
        button = self.page.get_by_role("button", name=t(button_key, self.lang))

        def press(timeout: int) -> bytes:
            expect(button).to_be_enabled()
            with self.page.expect_download(timeout=timeout) as download:
                button.click()
            return Path(download.value.path()).read_bytes()

        try:
            return press(60_000)
        except PlaywrightTimeoutError:
            self.steps.append(f"{button_key}: no file after 60 s, pressed again")
        return press(TIMEOUT)

    def choose(self, label_key: str, option: str, *, in_sidebar: bool = True) -> None:
        """Type ``option`` into the selectbox labelled ``t(label_key)`` and click the first option holding it."""
        where = self.sidebar if in_sidebar else self.page.locator('[data-testid="stMain"]')
        self.pick(where.get_by_role("combobox", name=t(label_key, self.lang), exact=True), option)

    def pick(self, box, option: str) -> None:
        box.click()
        box.fill(option)
        self.page.get_by_role("option").filter(has_text=option).first.click()
        expect(self.page.get_by_role("option")).to_have_count(0)

    def radio(self, label_key: str, option: str) -> None:
        group = self.sidebar.locator('[data-testid="stRadio"]').filter(has_text=t(label_key, self.lang))
        group.get_by_text(option, exact=True).click()

    def heading(self, text: str):
        return self.page.get_by_role("heading").filter(has_text=text)

    def close(self) -> None:
        """Close the tab; after a failure, keep a screenshot in test-artifacts/ first."""
        if sys.exc_info()[0] is not None:
            ARTIFACTS.mkdir(exist_ok=True)
            self.page.screenshot(path=ARTIFACTS / "plan_browser_failure.png", full_page=True)
        self.tab.close()

    def switch_language(self) -> None:
        target = "en" if self.lang == "zh" else "zh"
        self.step(
            f"language → {target}",
            lambda: self.sidebar.get_by_text({"zh": "中文", "en": "English"}[target], exact=True).click(),
            shows=self.heading(t("plan_heading", target, norm="")[:4]),
        )
        self.lang = target


def plan_controls(p: PlanPage, layer_id: str) -> None:
    """Every control of the plan sidebar once, in the page's language."""
    lang = p.lang
    home = "“一家”" if lang == "zh" else "“One home”"
    station = "“一站”" if lang == "zh" else "“One station”"
    p.step("norm → one home", lambda: p.choose("plan_norm", home), param=("pnorm", "cp_home_per_village"))
    assert "psupply" not in p.params()  # a list of workstations is no supply of children's homes
    p.step("norm → one station", lambda: p.choose("plan_norm", station), param=("pnorm", None))
    p.step("supply → the list", lambda: p.choose("plan_supply", layer_id), param=("psupply", layer_id))
    p.step(
        "year → 2021",
        lambda: p.radio("plan_year", t("plan_year_option", lang, year="2021", date="2021-10-31")),
        param=("pyear", "2021"),
    )
    p.step("show → coverage", lambda: p.radio("plan_show", t("plan_show_coverage", lang)), param=("pshow", "coverage"))
    p.step("show → shortfall", lambda: p.radio("plan_show", t("plan_show_shortfall", lang)), param=("pshow", None))
    p.step("area → province", lambda: p.choose("area", t("whole_province", lang)), param=("area", None))
    p.step("level → prefectures", lambda: p.radio("level", t("prefecture", lang)), param=("level", "prefecture"))
    p.step(
        "classification → equal interval",
        lambda: p.choose("classification", "等间距" if lang == "zh" else "Equal interval"),
        param=("scheme", "equal_interval"),
    )
    p.step("basemap → OpenStreetMap", lambda: p.choose("basemap", "OpenStreetMap"), param=("basemap", "openstreetmap"))
    p.step("area → Liangshan", lambda: p.choose("area", "513400"), param=("area", "513400"))
    assert "level" not in p.params()  # a prefecture's area shows its counties
    expect(p.heading(station)).to_be_visible()


def page_controls(p: PlanPage) -> None:
    """The township list (all, and its download) and the brief, in the page's language."""
    lang = p.lang
    table = p.page.locator('[data-testid="stDataFrame"]')
    p.step(
        "every township",
        lambda: p.page.get_by_text(t("plan_township_all", lang), exact=True).click(),
        shows=p.page.get_by_role("checkbox", name=t("plan_township_all", lang), checked=True),
    )
    data = p.download("plan_download_townships")
    assert data.startswith(b"\xef\xbb\xbf") and b"513401" in data and b"513401103" not in data.split(b"\r\n\r\n")[0]
    assert table.count() >= 3
    p.step(
        "open the brief",
        lambda: p.page.get_by_text(t("plan_brief", lang), exact=True).click(),
        shows=p.page.get_by_role("button", name=t("plan_brief_prepare", lang)),
    )
    p.step(
        "prepare the brief",
        lambda: p.page.get_by_role("button", name=t("plan_brief_prepare", lang)).click(),
        shows=p.page.get_by_role("button", name=t("plan_brief_download", lang)),
    )
    pdf = p.download("plan_brief_download")
    assert pdf.startswith(b"%PDF") and len(pdf) > 100_000


@pytest.mark.parametrize("start", ["zh", "en"])
def test_plan_controls_after_switching_language(plan_atlas, browser, start):
    url, log, layer_id = plan_atlas
    p = PlanPage(browser, url, log, f"mode=plan&psupply={layer_id}&area=513400&basemap=none&lang={start}")
    try:
        expect(p.heading("“一站”" if start == "zh" else "“One station”")).to_be_visible()
        p.switch_language()
        plan_controls(p, layer_id)
        page_controls(p)
        p.switch_language()  # and back
        p.step(
            "show → existing",
            lambda: p.radio("plan_show", t("plan_show_existing", p.lang)),
            param=("pshow", "existing"),
        )
    finally:
        p.close()


def test_a_norm_and_a_facility_list_with_townships_through_the_page(plan_atlas, browser, tmp_path):
    url, log, _ = plan_atlas
    p = PlanPage(browser, url, log, "mode=plan&basemap=none&lang=en")
    try:
        p.switch_language()  # Chinese, after a switch
        lang = p.lang
        p.step(
            "open the norms",
            lambda: p.page.get_by_text(t("plan_norms_heading", lang), exact=True).click(),
            shows=p.page.get_by_label(t("plan_norm_title", lang)),
        )
        p.page.get_by_label(t("plan_norm_title", lang)).fill("每个乡镇1个区域性养老服务中心")
        p.page.get_by_label(t("plan_norm_source_line", lang)).fill("某市“十四五”养老服务体系规划（2022）")
        p.step(
            "save the norm",
            lambda: p.page.get_by_role("button", name=t("plan_norm_save", lang)).click(),
            param=("pnorm", "user_norm_1"),
            shows=p.heading("每个乡镇1个区域性养老服务中心"),
        )

        p.switch_language()  # the upload in English
        lang = p.lang
        p.step(
            "open my data",
            lambda: p.page.get_by_text(t("upload_header", lang)).first.click(),
            shows=p.page.get_by_text(t("upload_mode_facilities", lang), exact=True),
        )
        p.step("a facility list", lambda: p.page.get_by_text(t("upload_mode_facilities", lang), exact=True).click())
        csv_file = tmp_path / "sites.csv"
        csv_file.write_bytes(UPLOAD.encode("gbk"))
        uploader = p.page.locator('[data-testid="stFileUploader"]').filter(has_text=t("upload_file", lang))
        p.step(
            "upload",
            lambda: uploader.locator('input[type="file"]').set_input_files(str(csv_file)),
            shows=p.page.get_by_role("combobox", name=t("upload_col_township", lang)),
        )
        for key, column in (  # each picker starts at the column its header names
            ("upload_col_name", "名称"),
            ("upload_col_region", "区县"),
            ("upload_col_township", "乡镇"),
        ):
            expect(p.page.get_by_role("combobox", name=t(key, lang), exact=True)).to_have_value(column)
        p.step(
            "type → station",
            lambda: p.choose("upload_facility_type", "Child-protection workstation", in_sidebar=False),
            shows=p.page.get_by_text(re.compile(r"Of 3 located sites\W+2 placed in a township \W+1 through")),
        )
        year = p.page.locator('[data-testid="stRadio"]').filter(has_text=t("upload_township_year", lang))
        p.step("list → 2021", lambda: year.get_by_text("2021", exact=True).click())
        expect(year.get_by_role("radio", name="2021")).to_be_checked()
        expect(p.page.get_by_text(re.compile(r"Row 3\W+下长镇 moved to Jiang\W+an County 511523"))).to_have_count(1)
        ask = p.page.get_by_role("combobox", name=re.compile(r"Rows 4 “龙舟路街道办事处”"))
        p.step(
            "answer: Niushikou",
            lambda: p.pick(ask, "510104026"),
            shows=p.page.get_by_text(re.compile(r"Of 3 located sites\W+3 placed")),
        )
        main = p.page.locator('[data-testid="stExpander"]').filter(has_text=t("upload_header", lang))
        for key, value in (
            ("upload_title", "Stations"),
            ("upload_unit", "sites"),
            ("upload_year", "2024"),
            ("upload_source", "county list"),
        ):
            main.get_by_label(t(key, lang), exact=True).fill(value)
            main.get_by_label(t(key, lang), exact=True).press("Enter")
            p.idle()
        p.step(
            "save the list",
            lambda: main.get_by_role("button", name=t("upload_save", lang)).click(),
            shows=p.page.get_by_text(re.compile(r"Saved\W+Stations\W+count")),
        )
        station = "“One station”"
        p.step("norm → one station", lambda: p.choose("plan_norm", station), param=("pnorm", None))
        p.step("supply → the new list", lambda: p.choose("plan_supply", "user_3"), param=("psupply", "user_3"))
        listed = p.page.locator('[data-testid="stDataFrame"]').filter(has_text="Township code")
        expect(listed).to_have_count(1)
    finally:
        p.close()
