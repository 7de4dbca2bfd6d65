"""The plan view's and the brief's UI strings, Chinese and English side by side; merged into
:data:`app.core.i18n.TEXT` (one table at run time, kept apart in the source so the plan's strings travel
together)."""

from __future__ import annotations

PLAN_TEXT: dict[str, tuple[str, str]] = {
    "mode_plan": ("规划", "Plan"),
    "plan_norm": ("规范", "Norm"),
    "plan_supply": ("现有设施（供给）", "Existing sites (supply)"),
    "plan_no_supply": ("不选（只看应建数）", "None (required numbers only)"),
    "plan_year": ("乡镇名单", "Township list"),
    "plan_year_option": ("{year} 年（{date}）", "{year} (as of {date})"),
    "plan_show": ("地图显示", "Map shows"),
    "plan_show_shortfall": ("缺口", "Shortfall"),
    "plan_show_coverage": ("覆盖率", "Coverage"),
    "plan_show_existing": ("现有", "Existing"),
    "plan_show_required": ("应建", "Required"),
    "plan_show_surplus": ("富余", "Surplus"),
    "plan_without_site": ("无站点的乡镇", "Townships without a site"),
    "plan_townships": ("乡镇数", "Townships"),
    "plan_villages": ("村（社区）数", "Villages/communities"),
    "plan_total": ("合计", "Total"),
    "plan_counties": ("县数", "Counties"),
    "plan_with_figures": ("有供给数据的县", "Counties with supply figures"),
    "plan_not_computable": ("（无法计算）", " (cannot be computed)"),
    "plan_planner_norm": ("（规划人员添加）", " (added by a planner)"),
    "plan_heading": ("规划：{norm}", "Plan: {norm}"),
    "plan_rule": ("要求", "Requirement"),
    "plan_quote": ("原文", "Source text"),
    "plan_quote_translated": ("原文", "Source text (the atlas's translation from the Chinese)"),
    "plan_reading": ("读法", "How it is read"),
    "plan_cannot": ("此规范无法计算缺口：{reason}", "This norm gives no shortfall: {reason}"),
    "plan_supply_line": (
        "供给：{title} · 单位：{unit} · 年份：{year} · 来源：{source}",
        "Supply: {title} · unit: {unit} · year: {year} · source: {source}",
    ),
    "plan_facility_type": ("设施类型：{type}", "Facility type: {type}"),
    "plan_untyped": (
        "此图层不是机构名单，未注明设施类型；请确认它统计的是“{type}”。",
        "This layer is no facility list and names no facility type; make sure it counts “{type}”.",
    ),
    "plan_choose_supply": (
        "尚未选择现有设施：地图显示应建数。在下方“我的数据”上传机构名单（选择设施类型，可加乡镇列），"
        "或上传按县统计的数量表，再在侧栏选择它。",
        "No supply chosen: the map shows the numbers required. Upload a facility list under “My data” below "
        "(with its facility type, and a township column for the township list) or a table of counts per county, "
        "then choose it in the sidebar.",
    ),
    "plan_none_offered": (
        "还没有可作为供给的县级数量图层。",
        "There is no county count layer to serve as supply yet.",
    ),
    "plan_rules": (
        "每县：缺口 = max(应建 − 现有, 0)，富余另列；覆盖率 = (应建 − 缺口) / 应建。市州与合计为各县之和"
        "（一县的富余不能弥补另一县的缺口）。县无供给数据时显示“无数据”，不按 0 计。",
        "Per county: shortfall = max(required − existing, 0), surplus apart; coverage = (required − shortfall) / "
        "required. Prefectures and totals sum their counties (one county's surplus does not fill another's "
        "shortfall). A county without a supply figure shows “no data”, never 0.",
    ),
    "plan_totals": ("市州与合计", "Prefectures and total"),
    "plan_totals_note": (
        "合计只计有供给数据的县（见“有供给数据的县”）；应建数同样只计这些县。",
        "Totals count only the counties with supply figures (see “Counties with supply figures”); so do their "
        "required numbers.",
    ),
    "plan_regions": ("各地区", "By region"),
    "plan_download_regions": ("下载各地区缺口（CSV）", "Download the figures by region (CSV)"),
    "plan_township_list": ("无站点的乡镇（按县）", "Townships without a site, by county"),
    "plan_township_all": ("显示全部乡镇（含已有站点的）", "Show every township (those with a site too)"),
    "plan_download_townships": ("下载无站点乡镇清单（CSV）", "Download the townships without a site (CSV)"),
    "plan_download_all_townships": ("下载全部乡镇（CSV）", "Download every township (CSV)"),
    "plan_township_summary": (
        "{n} 个乡镇没有站点（共 {total} 个乡镇，{counties} 个县）。",
        "{n} townships without a site (of {total} townships in {counties} counties).",
    ),
    "plan_unplaced_note": (
        "本县另有 {n} 个机构未对应到乡镇：所列乡镇中可能有的已有站点。",
        "{n} sites of this county are in no township: some townships listed may have one.",
    ),
    "plan_unplaced_column": ("本县未对应到乡镇的机构", "Sites of the county in no township"),
    "plan_township_no_supply": (
        "选择机构名单作为供给后，列出无站点的乡镇。",
        "Choose a facility list as supply to list the townships without a site.",
    ),
    "plan_township_count_layer": (
        "所选供给是按县的数量，没有乡镇：无法列出无站点的乡镇。请上传带乡镇列的机构名单。",
        "The supply is a count per county, without townships: the townships without a site cannot be listed. "
        "Upload a facility list with a township column.",
    ),
    "plan_township_no_column": (
        "该机构名单上传时没有乡镇列：无法列出无站点的乡镇。",
        "This facility list was saved without a township column: the townships without a site cannot be listed.",
    ),
    "plan_township_stale": (
        "该图层在保存机构名单后已被新版本替换，乡镇对应属于旧版本，不再使用。",
        "The layer was replaced after the facility list was saved; its townships belong to the older version "
        "and are not used.",
    ),
    "plan_details_hint": ("点击地图上的地区查看其应建、现有与缺口。", "Click a region on the map for its figures."),
    "plan_township_code": ("乡镇代码", "Township code"),
    "plan_township_name": ("乡镇", "Township"),
    "plan_township_type": ("类型", "Type"),
    "plan_type_乡": ("乡", "Township"),
    "plan_type_镇": ("镇", "Town"),
    "plan_type_街道": ("街道", "Subdistrict"),
    "plan_county_code": ("县级区划代码", "County code"),
    "plan_county_name": ("县（市、区）", "County"),
    "plan_norms_heading": ("规范一览", "The norms"),
    "plan_norm_source": ("出处", "Source"),
    "plan_norm_unit": ("计算单位", "Counted per"),
    "plan_add_norm": ("添加我的规范（须注明出处）", "Add a norm of my own (with its source)"),
    "plan_add_norm_hint": (
        "例如本地“十四五”规划中的数字。每条规范须写明出处；图集不预设任何数字。",
        "E.g. a figure from your own 14th Five-Year Plan. Every norm states its source; the atlas fills in no number.",
    ),
    "plan_norm_title": ("规范名称", "Title"),
    "plan_norm_title_en": ("英文名称（可空）", "English title (optional)"),
    "plan_norm_per": ("计算单位", "Counted per"),
    "plan_norm_required": ("每单位应建数", "Required per unit"),
    "plan_norm_people": ("每多少人", "Per how many people"),
    "plan_norm_age": ("人口组", "Population group"),
    "plan_norm_type": ("设施类型", "Facility type"),
    "plan_norm_new_type": ("其他设施类型（填写名称）", "Another facility type (its name)"),
    "plan_norm_source_line": ("出处（文件名称、文号、日期）", "Source (document, number, date)"),
    "plan_norm_quote": ("原文（可空）", "Source text (optional)"),
    "plan_norm_save": ("保存规范", "Save the norm"),
    "plan_norm_saved": ("已保存规范：{title}", "Norm saved: {title}"),
    "plan_norm_file": ("或从文件导入规范（CSV/XLSX）", "Or import norms from a file (CSV/XLSX)"),
    "plan_norm_file_hint": (
        "列：标题、单位（县/乡镇/村/人口）、设施类型、每单位数量、来源；按人口时另加 人数、年龄组（60岁及以上等）。",
        "Columns: title, per (county/township/village/people), facility_type, required, source; per people also "
        "people and age_group (pop_60plus …).",
    ),
    "plan_norm_import": ("导入 {n} 条规范", "Import {n} norms"),
    "plan_norm_delete": ("删除规范", "Delete the norm"),
    "plan_norm_deleted": ("已删除规范", "Norm deleted"),
    "plan_norms_read_only": ("登录为编辑者后可添加规范。", "Sign in as an editor to add norms."),
    "plan_brief": ("简报（PDF）", "Brief (PDF)"),
    "plan_brief_area": ("市州", "Prefecture"),
    "plan_brief_prepare": ("生成简报", "Prepare the brief"),
    "plan_brief_download": ("下载简报 PDF", "Download the brief (PDF)"),
    "plan_brief_hint": (
        "A4 多页 PDF：封面与主要数字、各图层县级地图、排名、乡镇调整前后、规划缺口表；每页注明来源与地图使用说明。",
        "A multi-page A4 PDF: cover with key figures, the theme's county maps, rankings, the township merger "
        "before and after, the plan's shortfall table; sources and the map-use note on every page.",
    ),
    "plan_age_pop_total": ("常住人口", "Resident population"),
    "plan_age_pop_60plus": ("60岁及以上人口", "Population aged 60+"),
    "plan_age_pop_65plus": ("65岁及以上人口", "Population aged 65+"),
    "plan_age_pop_0_14": ("0–14岁人口", "Population aged 0–14"),
    "plan_unit_county": ("每个县（市、区）", "Per county"),
    "plan_unit_township": ("每个乡镇（街道）", "Per township"),
    "plan_unit_village": ("每个村（社区）", "Per village/community"),
    "plan_unit_people": ("按人口（每 N 人）", "Per N people"),
    "plan_unit_group": ("每个村民小组", "Per villager group"),
    "plan_unit_levels": ("县、乡、村三级", "County, township and village levels"),
    "plan_unit_distance": ("按步行时间", "By walking time"),
    # facility upload: township column, facility type, list year
    "upload_col_township": ("乡镇列（乡镇/街道名称，可空）", "Township column (乡镇/街道 name, optional)"),
    "upload_facility_type": ("设施类型（规划视图据此匹配规范）", "Facility type (the plan view matches norms by it)"),
    "upload_township_year": ("按哪一年的乡镇名单匹配", "Match against the township list of"),
    "upload_township_report": ("乡镇匹配", "Township matching"),
    "upload_township_summary": (
        "{n} 个已定位机构中：{placed} 个对应到乡镇（其中 {reform} 个按区划调整归并），{other} 个未对应。",
        "Of {n} located sites: {placed} placed in a township ({reform} through the township reform), {other} not.",
    ),
    "upload_township_reform_rows": (
        "按乡镇区划调整改革归并的行（旧乡镇名称 → 所并入的乡镇）：",
        "Rows followed through the township reform (old township → the township that absorbed it):",
    ),
    "upload_township_moved": (
        "第 {row} 行：{township} 已划归 {to}，机构计入 {to}（原填 {from_}）。",
        "Row {row}: {township} moved to {to} in the reform; the site counts there (the list says {from_}).",
    ),
    "upload_township_choose": ("第 {rows} 行“{q}”（{county}）：选择乡镇", "Rows {rows} “{q}” ({county}): choose"),
    "upload_township_leave": ("不对应到乡镇（只计入县）", "Leave in no township (county only)"),
    "upload_township_unplaced_note": (
        "未对应到乡镇的机构仍计入其所在县，但不计入任何乡镇。",
        "Sites in no township still count in their county, in no township.",
    ),
    "upload_cell": ("单元格", "Cell"),
    "upload_problem": ("问题", "Problem"),
    "upload_note": ("说明", "Note"),
    "upload_candidates": ("候选", "Candidates"),
    # the brief
    "brief_title": ("{area}民政服务覆盖简报", "Civil-affairs coverage brief: {area}"),
    "brief_theme_line": ("主题：{theme}", "Theme: {theme}"),
    "brief_made": ("生成日期：{date} · 四川民政服务覆盖图集", "Made {date} · Sichuan Coverage Atlas"),
    "brief_key_figures": ("主要数字", "Key figures"),
    "brief_article_figures": (
        "全省参考数字（《回望2021·四川》，中国社会报 2021-12-27）",
        "Province figures for reference (China Social News, 2021-12-27)",
    ),
    "brief_maps": ("县级地图", "County maps"),
    "brief_rankings": ("排名（本市州各县）", "Rankings (the prefecture's counties)"),
    "brief_rank_in_province": ("全省排名", "Rank in province"),
    "brief_rank_of_prefectures": ("21市州中排名", "Rank of 21"),
    "brief_without": ("无站点乡镇", "No site"),
    "brief_plan_summary": ("规划：{norm}", "Plan: {norm}"),
    "brief_merger": ("乡镇区划调整前后（各县）", "The township merger, before and after (per county)"),
    "brief_plan": ("规划缺口：{norm}", "Plan shortfall: {norm}"),
    "brief_plan_townships": ("无站点的乡镇：{county}", "Townships without a site: {county}"),
    "brief_sources": ("来源", "Sources"),
    "brief_page": ("第 {n} 页，共 {total} 页", "Page {n} of {total}"),
    "brief_no_plan": (
        "未选择现有设施，故无缺口表；在规划视图选择机构名单后再生成。",
        "No supply was chosen, so there is no shortfall table; choose a facility list in the plan view first.",
    ),
    "brief_continued": ("（续）", " (continued)"),
    "brief_not_drawn": ("未绘制：{reason}", "Not drawn: {reason}"),
}
