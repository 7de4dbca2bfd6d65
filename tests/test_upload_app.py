"""The upload section driven through Streamlit's AppTest (its file_uploader support): a real GBK file and a
real XLSX go through reading, the match report, the planner's answers and the store (SQLite in tmp_path)."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import Workbook
from streamlit.testing.v1 import AppTest

from app.webmap.pagemap import PAGE_MAP_URL, PREFETCH_URL
from layers.userstore import UserStore


def _page():
    # AppTest runs this function's source alone: it imports what it uses.
    from app.ui.cache import registry
    from app.ui.upload import upload_section

    lang = __import__("streamlit").session_state.get("test_lang", "zh")
    upload_section(registry(), lang)


@pytest.fixture
def store_url(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    monkeypatch.setenv("COVERAGE_ATLAS_STORE", url)
    monkeypatch.delenv("COVERAGE_ATLAS_EDITOR_PASSWORD", raising=False)
    return url


def _app() -> AppTest:
    at = AppTest.from_function(_page, default_timeout=120)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _frame(at: AppTest, column: str):
    """The first table on the page with this column (AppTest does not keep st.dataframe keys)."""
    for df in at.dataframe:
        if column in df.value.columns:
            return df.value
    raise AssertionError(f"no table with a column {column!r}: {[list(d.value.columns) for d in at.dataframe]}")


def _fill(at: AppTest, prefix: str, title: str | None, unit: str, year: str, source: str) -> None:
    if title is not None:
        at.text_input(key=f"{prefix}_title").set_value(title)
    at.text_input(key=f"{prefix}_unit").set_value(unit)
    at.text_input(key=f"{prefix}_year").set_value(year)
    at.text_input(key=f"{prefix}_source").set_value(source)


TABLE = "区划代码,地区,养老床位\n510104,锦江区,1200\n,内江市市中区,80\n,市中区,5\n510112,龙泉驿区,abc\n,火星县,3\n"


def test_table_upload_report_answer_and_save(store_url):
    at = _app()
    assert "未配置登录" in " ".join(i.value for i in at.info)  # everyone is an editor, and the page says so
    at.file_uploader(key="atlas_upload_file").set_value(("床位.csv", TABLE.encode("gbk"), "text/csv"))
    _run(at)
    assert "gb18030" in " ".join(c.value for c in at.caption)
    assert list(_frame(at, "区划代码").columns) == ["区划代码", "地区", "养老床位"]
    at.selectbox(key="ut_region").set_value("地区")
    at.multiselect(key="ut_values").set_value(["养老床位"])
    _run(at)
    summary = " ".join(i.value for i in at.info)
    assert "5 行：3 行匹配，1 行未匹配，1 行有歧义" in summary and "1 个数值问题" in summary
    report = _frame(at, "候选")
    assert report.iloc[:, 0].tolist() == [4, 6]  # row numbers as the spreadsheet shows them
    assert "511002 市中区（内江）; 511102 市中区（乐山）" in report.iloc[0, 3]
    assert _frame(at, "单元格").iloc[0].tolist()[:3] == [5, "养老床位", "abc"]
    # The ambiguous 市中区 is answered with 乐山's.
    ask = next(s for s in at.selectbox if s.key and s.key.startswith("ut_ask_") and "市中区" in s.key)
    ask.set_value("511102")
    _run(at)
    assert "4 行匹配" in " ".join(i.value for i in at.info)
    # Title, unit, year, source are required; the report is not clean, so the planner must accept it.
    assert at.button(key="ut_save").disabled
    at.checkbox(key="ut_accept").check()
    _run(at)
    at.button(key="ut_save").click()
    _run(at)
    assert "请为每个新图层填写标题、单位、年份和来源" in " ".join(e.value for e in at.error)
    assert UserStore(store_url).list_layers() == []
    _fill(at, "ut_meta_0", "养老床位 <script>alert(1)</script>", "张", "2023", "市民政局内部统计")
    _run(at)
    at.button(key="ut_save").click()
    _run(at)
    store = UserStore(store_url)
    [record] = store.list_layers()
    assert at.session_state["atlas_show_layer"] == (record.layer_id, "county")  # the next run's map shows it
    assert (record.title, record.unit, record.year, record.level) == (
        "养老床位 <script>alert(1)</script>",
        "张",
        "2023",
        "county",
    )
    values = store.load(record.id)
    assert values.dropna().to_dict() == {"510104": 1200.0, "511002": 80.0, "511102": 5.0}
    assert "510112" not in values.dropna().index  # "abc" is no data, never 0
    # listed as a user layer; the title is shown as text
    listing = _frame(at, "更新时间（UTC）")
    assert listing.iloc[0, 1] == "养老床位 <script>alert(1)</script> (用户图层)"


def _xlsx() -> bytes:
    book = Workbook()
    book.active.title = "说明"
    book.active.append(["内部资料"])
    sheet = book.create_sheet("机构")
    sheet.append(["机构名称", "床位", "经度", "纬度", "所在县"])
    sheet.append(["<img src=x onerror=alert(1)>敬老院", 120, 104.122303, 30.56226, None])  # 锦江区, near 双流
    sheet.append(["乙敬老院", 40, None, None, "西昌市"])
    sheet.append(["丙敬老院", 30, 30.6, 104.1, None])  # swapped
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_facility_list_from_xlsx_makes_count_capacity_and_per_capita_layers(store_url):
    at = _app()
    at.radio(key="atlas_upload_mode").set_value("facilities")
    _run(at)
    at.file_uploader(key="atlas_upload_file").set_value(("机构.xlsx", _xlsx(), "application/octet-stream"))
    _run(at)
    at.selectbox(key="atlas_upload_sheet").set_value("机构")
    _run(at)
    for key, col in [
        ("name", "机构名称"),
        ("capacity", "床位"),
        ("lon", "经度"),
        ("lat", "纬度"),
        ("region", "所在县"),
    ]:
        at.selectbox(key=f"uf_{key}").set_value(col)
    _run(at)
    assert "请选择坐标系" in " ".join(i.value for i in at.info)  # the planner must say which datum
    at.radio(key="uf_datum").set_value("gcj02")
    _run(at)
    assert "3 个机构：2 个已定位到县，1 个问题" in " ".join(i.value for i in at.info)
    issues = _frame(at, "单元格")
    assert issues.iloc[0, :2].tolist() == [4, "经纬度疑似填反"]
    at.selectbox(key="uf_per_capita").set_value("pop_60plus")
    _fill(at, "uf_meta", "养老机构", "个", "2023", "县民政局名单")
    at.text_input(key="uf_capacity_unit").set_value("张")
    _run(at)
    planned = _frame(at, "有数值的地区数")
    assert len(planned) == 8  # count, capacity, and per 1,000 aged 60+ of each, at two levels
    at.checkbox(key="uf_accept").check()
    _run(at)
    at.button(key="uf_save").click()
    _run(at)
    store = UserStore(store_url)
    records = {r.title: r for r in store.list_layers()}
    assert len(records) == 8
    beds = store.load(records["养老机构：容量（县级）"].id)
    assert beds["510104"] == 120 and beds["513401"] == 40 and beds["510116"] == 0  # 双流区: covered, none
    per = store.load(records["养老机构：容量（县级），每千名60岁及以上老人"].id)
    from layers import default_registry

    pop = default_registry().get("pop_60plus").frame("county").set_index("adcode")["value"]
    assert per["510104"] == pytest.approx(120 / pop["510104"] * 1000)
    assert records["养老机构：容量（县级），每千名60岁及以上老人"].kind == "rate"


def test_read_only_without_sign_in(store_url, monkeypatch):
    monkeypatch.setenv("COVERAGE_ATLAS_EDITOR_PASSWORD", "s3cret")
    at = _app()
    assert "只读" in " ".join(i.value for i in at.info)
    assert not at.get("file_uploader")


def test_bad_file_message_names_the_file(store_url):
    at = _app()
    at.file_uploader(key="atlas_upload_file").set_value(("空.csv", b"", "text/csv"))
    _run(at)
    # shown as escaped Markdown: the text read back without the escapes
    assert any("空.csv：文件为空" in e.value.replace("\\", "").replace("\u200b", "") for e in at.error)


def test_a_bad_year_or_the_region_column_as_a_value_column_is_refused(store_url):
    """As in the CLI (issue 25): the year is a year or a range, and a column is regions or figures, not both."""
    at = _app()
    at.file_uploader(key="atlas_upload_file").set_value(("t.csv", "代码,床位\n510104,10\n".encode(), "text/csv"))
    _run(at)
    at.selectbox(key="ut_region").set_value("代码")
    at.multiselect(key="ut_values").set_value(["床位"])
    _run(at)
    _fill(at, "ut_meta_0", "床位", "张", "@SUM(1)", "内部统计")
    _run(at)
    at.button(key="ut_save").click()
    _run(at)
    errors = " ".join(e.value.replace("\\", "").replace("\u200b", "") for e in at.error)
    assert "年份 @SUM(1) 不是年份" in errors and "2018–2021" in errors
    assert UserStore(store_url).list_layers() == []
    _fill(at, "ut_meta_0", "床位", "张", "2018-2021", "内部统计")
    _run(at)
    at.button(key="ut_save").click()
    _run(at)
    assert UserStore(store_url).list_layers()[0].year == "2018–2021"
    # the value column chosen first, then made the region column: it is no longer a value column, so nothing can
    # be saved until a value column is chosen again
    at.selectbox(key="ut_region").set_value("床位")
    _run(at)
    assert at.multiselect(key="ut_values").value == [] and "床位" not in at.multiselect(key="ut_values").options
    assert "ut_save" not in [b.key for b in at.button]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_unusable_store_is_named_with_what_to_do_in_the_page_language(tmp_path, monkeypatch, lang):
    monkeypatch.delenv("COVERAGE_ATLAS_EDITOR_PASSWORD", raising=False)
    monkeypatch.setenv("COVERAGE_ATLAS_STORE", f"sqlite:///{tmp_path / 'missing' / 'store.sqlite'}")
    at = AppTest.from_function(_page, default_timeout=120)
    at.session_state["test_lang"] = lang
    _run(at)
    (error,) = at.error
    text = error.value.replace("\\", "").replace("\u200b", "")
    assert str(tmp_path / "missing") in text
    if lang == "zh":
        assert "文件夹" in text and "请创建该文件夹" in text and "OperationalError" not in text
    else:
        assert "does not exist; create it" in text and not any("\u4e00" <= c <= "\u9fff" for c in text)


@pytest.mark.parametrize(("lang", "words"), [("zh", "无效"), ("en", "is not usable")])
def test_a_bad_upload_limit_setting_is_named_on_the_page(store_url, monkeypatch, lang, words):
    monkeypatch.setenv("COVERAGE_ATLAS_UPLOAD_MAX_MB", "20MB")
    at = AppTest.from_function(_page, default_timeout=120)
    at.session_state["test_lang"] = lang
    _run(at)
    (warning,) = at.warning
    text = warning.value.replace("\\", "").replace("\u200b", "")
    assert "COVERAGE_ATLAS_UPLOAD_MAX_MB='20MB'" in text and words in text and "20 MB" in text
    assert at.get("file_uploader")[0].proto.max_upload_size_mb == 20  # the default applies


def test_the_file_widget_tells_the_browser_the_limit(store_url, monkeypatch):
    """The browser refuses a file over the limit before sending it (issue 25: a 22 MB file gave no answer for
    55 s); a file that still arrives over the app's own limit is refused by name."""
    monkeypatch.delenv("COVERAGE_ATLAS_UPLOAD_MAX_MB", raising=False)
    (widget,) = _app().get("file_uploader")
    assert widget.proto.max_upload_size_mb == 20
    monkeypatch.setenv("COVERAGE_ATLAS_UPLOAD_MAX_MB", "0.001")
    at = _app()
    assert at.get("file_uploader")[0].proto.max_upload_size_mb == 1  # whole megabytes, rounded up
    at.file_uploader(key="atlas_upload_file").set_value(("大.csv", TABLE.encode() * 20, "text/csv"))
    _run(at)
    errors = [e.value.replace("\\", "").replace("\u200b", "") for e in at.error]
    assert any(e.startswith("大.csv：文件超过") and "上传上限" in e for e in errors), errors  # the page's language


def test_facility_markers_reach_the_page_map_in_the_basemaps_datum(store_url):
    """The whole page: after a facility upload the map frame st_folium gets carries the markers (clustered
    from 50 points, with the vendored plugin), in GCJ-02 for the default Amap basemap."""
    from tests.support.apptest import APP, first_visit, map_args

    rows = "\n".join(f"院{i},{104.05 + i * 0.001:.6f},30.65" for i in range(60))
    data = f"名称,经度,纬度\n{rows}\n".encode()
    at = AppTest.from_file(APP, default_timeout=180)
    first_visit(at)  # a new session's first run stops below the map; the upload section follows
    assert "leaflet.markercluster" not in map_args(at)["script"]
    at.radio(key="atlas_upload_mode").set_value("facilities")
    _run(at)
    at.file_uploader(key="atlas_upload_file").set_value(("sites.csv", data, "text/csv"))
    _run(at)
    for key, col in [("name", "名称"), ("lon", "经度"), ("lat", "纬度")]:
        at.selectbox(key=f"uf_{key}").set_value(col)
    _run(at)
    at.radio(key="uf_datum").set_value("gcj02")
    _run(at)
    args = map_args(at)
    assert "L.markerClusterGroup" in args["script"]
    assert any("leaflet.markercluster-1.1.0" in url for url in args["js_links"])
    # Vendored copies, and the page map's own scripts
    served = ("/app/static/vendor/", f"{PREFETCH_URL}?", f"{PAGE_MAP_URL}?")
    assert all(url.startswith(served) for url in args["js_links"] + args["css_links"]), args["js_links"]
    first = re.search(r"circleMarker\(\s*\[([\d.]+), ([\d.]+)\]", args["script"])
    assert (float(first[1]), float(first[2])) == pytest.approx((30.65, 104.05), abs=1e-7)  # GCJ-02, for Amap
    at.checkbox(key="uf_show_markers").uncheck()
    _run(at)
    assert "L.markerClusterGroup" not in map_args(at)["script"]


SITES = (
    "名称,类型,床位数,经度,纬度\n"
    "西昌敬老院,敬老院,60,102.2644,27.8945\n"
    "会东县福利院,福利院,abc,102.5786,26.6341\n"
    "无坐标,敬老院,5,,\n"
)


def test_a_gbk_facility_list_is_read_column_by_column_and_every_site_is_listed_with_its_county(store_url):
    at = _app()
    at.radio(key="atlas_upload_mode").set_value("facilities")
    _run(at)
    at.file_uploader(key="atlas_upload_file").set_value(("机构.csv", SITES.encode("gbk"), "text/csv"))
    _run(at)
    # 名称, 类型, 床位数, 经度, 纬度: each picker starts at its column; no county column in this file
    chosen = {key: at.selectbox(key=f"uf_{key}").value for key in ("name", "type", "capacity", "lon", "lat", "region")}
    assert chosen == {
        "name": "名称",
        "type": "类型",
        "capacity": "床位数",
        "lon": "经度",
        "lat": "纬度",
        "region": "（无）",
    }
    at.radio(key="uf_datum").set_value("wgs84")
    _run(at)
    sites = _frame(at, "定位方式")
    assert sites["行"].tolist() == [2, 3, 4]  # the rows a spreadsheet shows
    assert sites["县级区划代码"].tolist()[:2] == ["513401", "513426"]  # 西昌市, 会东县 (checked on a map)
    assert sites["所在县"].tolist()[:2] == ["西昌市", "会东县"] and sites["所属市州"].iloc[0] == "凉山彝族自治州"
    assert (
        sites["问题"].iloc[1] == "容量不是数字（该地区容量记为无数据）"
        and sites["问题"].iloc[2] == "没有坐标也没有地区"
    )
    assert at.get("download_button")  # the same table as a CSV download
    # the English page: the same table in English, county names in pinyin
    at.session_state["test_lang"] = "en"
    _run(at)
    sites = _frame(at, "Located by")
    assert sites["County"].iloc[0] == "Xichang City" and sites["Problem"].iloc[2] == "no coordinates and no region"
