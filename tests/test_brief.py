"""The brief per prefecture (app/export/brief.py, coverage-atlas brief): its text read back with pypdf."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pypdf
import pytest

from app.core.plan import plan_data
from app.core.viewstate import ViewState
from app.export.brief import BriefError, BriefRequest, build_brief
from app.export.paper import MAP_USE_NOTE
from layers.norms import shipped_norms
from layers.userstore import UserStore
from tests.support.exports import boundaries
from tests.support.plan import save_supply

# Any missing glyph (a box instead of a character) fails the test that rendered it.
pytestmark = pytest.mark.filterwarnings("error")

ROOT = Path(__file__).resolve().parents[1]
SITES = [("甲", "西昌市", "川兴镇"), ("乙", "西昌市", "礼州镇"), ("丙", "昭觉县", "四开镇"), ("丁", "会理市", "")]


@pytest.fixture(scope="module")
def supply(tmp_path_factory):
    store = UserStore(f"sqlite:///{tmp_path_factory.mktemp('brief') / 's.sqlite'}")
    yield store, *save_supply(store, SITES, covered_prefectures={"513400"})
    store.engine.dispose()


@pytest.fixture(scope="module")
def liangshan_brief(supply):
    """凉山's brief with the list as its supply, per language: built once for the tests that read it."""
    _, layer_id, registry, sets = supply
    built: dict[str, bytes] = {}

    def brief(lang: str) -> bytes:
        if lang not in built:
            plan = ViewState(mode="plan", plan_supply=layer_id, area="513400", lang=lang)
            request = BriefRequest("513400", lang=lang, plan=plan)
            built[lang] = build_brief(request, registry, shipped_norms(), sets, boundaries("county"))
        return built[lang]

    return brief


def pages(pdf: bytes) -> list[str]:
    return [p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_names_its_sources_and_carries_the_note(liangshan_brief, lang):
    texts = pages(liangshan_brief(lang))
    source = "来源" if lang == "zh" else "Source"
    assert len(texts) >= 10
    for n, text in enumerate(texts, start=1):
        assert f"{source}:" in text or f"{source}：" in text, n
        assert MAP_USE_NOTE[lang] in text.replace("\n", ""), n
        assert (f"第 {n} 页，共 {len(texts)} 页" if lang == "zh" else f"Page {n} of {len(texts)}") in text
    whole = "\n".join(texts)
    if lang == "zh":
        assert "凉山彝族自治州民政服务覆盖简报" in texts[0] and "中国社会报" in texts[0]
        assert "乡镇区划调整前后" in whole and "无站点的乡镇" in whole
    else:
        assert "Civil-affairs coverage brief: Liangshan Yi Autonomous Prefecture" in texts[0]
        assert "Xichang" in whole and "Chuanxing Town" not in whole  # 川兴镇 has its site: not listed


def test_the_plan_table_is_the_plan_views(supply, liangshan_brief):
    _, layer_id, registry, sets = supply
    view = ViewState(mode="plan", plan_supply=layer_id, area="513400", lang="en")
    plan = plan_data(view, registry, shipped_norms(), sets)
    table = next(t for t in pages(liangshan_brief("en")) if "Plan shortfall" in t[:80]).splitlines()
    # Each column of the table is one block of lines: the codes, then required, existing, shortfall, surplus.
    start = table.index("513401")
    codes = table[start : start + len(plan.regions) + 1]
    assert codes[:-1] == list(plan.regions["adcode"]) and codes[-1] == "513400"
    n = len(codes)
    columns = [table[start + n * i : start + n * (i + 1)] for i in range(1, 5)]
    for i, code in enumerate(codes[:-1]):
        row = plan.counties.loc[code]
        shown = [int(c[i].replace(",", "")) for c in columns]
        assert shown == [int(row[k]) for k in ("required", "existing", "shortfall", "surplus")], code
    total = plan.totals.iloc[-1]
    assert [int(c[-1].replace(",", "")) for c in columns] == [
        int(total[k]) for k in ("required", "existing", "shortfall", "surplus")
    ]


def test_without_a_supply_the_brief_has_no_plan_pages():
    from layers import default_registry

    pdf = build_brief(
        BriefRequest("511000", lang="zh", theme="elderly_care"),
        default_registry(),
        shipped_norms(),
        {},
        boundaries("county"),
    )
    whole = "\n".join(pages(pdf))
    assert "内江市民政服务覆盖简报" in whole and "每个乡镇（街道）的60岁及以上人口" in whole
    assert "规划缺口" not in whole
    with pytest.raises(BriefError, match="not a prefecture"):
        build_brief(BriefRequest("510104"), default_registry(), shipped_norms(), {}, boundaries("county"))


def test_the_command_writes_the_brief_and_refuses_a_bad_area(tmp_path, supply):
    store, layer_id, _, _ = supply
    env = {"COVERAGE_ATLAS_STORE": store.url, "PYTHONPATH": str(ROOT)}
    out = tmp_path / "凉山.pdf"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "app",
            "brief",
            "--area",
            "凉山州",
            "--lang",
            "zh",
            "--out",
            str(out),
            "--supply",
            layer_id,
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**__import__("os").environ, **env},
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert "凉山彝族自治州民政服务覆盖简报" in pages(out.read_bytes())[0]
    bad = subprocess.run(
        [sys.executable, "-m", "app", "brief", "--area", "锦江区", "--out", str(tmp_path / "x.pdf")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**__import__("os").environ, **env},
        timeout=600,
    )
    assert bad.returncode == 2 and "not a prefecture" in bad.stderr and not (tmp_path / "x.pdf").exists()
