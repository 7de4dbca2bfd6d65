"""UI strings in Chinese (primary) and English. Data text (names, titles) comes from the layers."""

from __future__ import annotations

import re

from app.core.i18n_plan import PLAN_TEXT

TEXT: dict[str, tuple[str, str]] = {
    "app_title": ("四川民政服务覆盖图集", "Sichuan Coverage Atlas"),
    "mode": ("模式", "Mode"),
    "mode_single": ("单图", "Single"),
    "mode_compare": ("对比", "Compare"),
    "compare_view": ("对比视图", "Compare view"),
    "layer_a": ("图层 A", "Layer A"),
    "layer_b": ("图层 B", "Layer B"),
    "normalisation_b": ("图层 B 标准化", "Layer B normalisation"),
    "both_layers": ("两图层共用（配色与数值范围仅用于 A）", "Shared by both layers (palette and value range: A only)"),
    "bivariate_palette": ("双变量配色", "Bivariate palette"),
    "bivariate_breaks": (
        "{axis} 轴手动断点（两个数，留空为三分位）",
        "{axis} axis breaks (two numbers; empty: terciles)",
    ),
    "two_breaks_needed": (
        "双变量每轴需要正好两个断点，而不是 {n} 个；改用三分位",
        "each axis needs exactly two breaks, not {n}; using terciles",
    ),
    "bivariate_breaks_outside": (
        "链接参数 {param}={value}：断点不在 {axis} 的数值范围（{lo} – {hi}）内，已略去；"
        "{axis} 轴只有 {n} 级，而不是 3 级。",
        "{param}={value}: the breaks lie outside the values of {axis} ({lo} – {hi}) and were left out; the {axis} "
        "axis has {n} classes, not 3.",
    ),
    "threshold_outside": (
        "链接参数 {param}={value}：阈值{side} {axis} 的所有数值（{lo} – {hi}），没有区域能在{where}。",
        "{param}={value}: the threshold lies {side} every value of {axis} ({lo} – {hi}), so no region can be {where}.",
    ),
    "threshold_above": ("高于", "above"),
    "threshold_below": ("低于", "below"),
    "threshold_where_hi": ("阈值之上", "above it"),
    "threshold_where_lo": ("阈值之下", "below it"),
    "log_x": ("横轴（A）取对数", "Log x axis (A)"),
    "log_y": ("纵轴（B）取对数", "Log y axis (B)"),
    "quadrant": ("象限", "Quadrant"),
    "quad_hi_lo": ("A 高于阈值，B 低于阈值", "A above, B below the threshold"),
    "quad_hi_hi": ("A、B 都高于阈值", "A and B above the threshold"),
    "quad_lo_hi": ("A 低于阈值，B 高于阈值", "A below, B above the threshold"),
    "quad_lo_lo": ("A、B 都低于阈值", "A and B below the threshold"),
    "threshold": ("{axis} 阈值", "{axis} threshold"),
    "threshold_hint": (
        "阈值写作百分位（p50 = 中位数）或数值。",
        "Thresholds as a percentile (p50 = median) or a value.",
    ),
    "bad_threshold": (
        "阈值 {value} 无效：请写 p0–p100 或一个数；改用中位数",
        "threshold {value} is not valid: write p0–p100 or a number; using the median",
    ),
    "side_by_side_hint": (
        "左图为 A，右图为 B；两图同步平移缩放，点击区域在两图中同时标出。",
        "A on the left, B on the right; both maps pan and zoom together, a clicked region is outlined on both.",
    ),
    "bivariate_hint": (
        "每个区域按 A、B 各自的三分位（或手动断点）分为 3×3 组；图例方格中的数字为区域数。",
        "Each region falls into one of 3×3 cells by the terciles (or manual breaks) of A and B; "
        "the numbers in the legend's cells count regions.",
    ),
    "lacks": ("缺", "lacks"),
    "missing_regions": ("缺少数值的区域（{n} 个，未计入）：", "Regions missing a value ({n}, left out):"),
    "gap_heading": (
        "**{quadrant}**（A 阈值 {a}，B 阈值 {b}）：{n} / {total} 个区域",
        "**{quadrant}** (A threshold {a}, B threshold {b}): {n} of {total} regions",
    ),
    "gap_missing_note": ("{n} 个区域缺少 A 或 B，不在清单中", "{n} regions lack A or B and are not in the list"),
    "download_gaps": ("下载缺口清单（CSV）", "Download the gap list (CSV)"),
    "download_compare": ("下载对比数据（CSV）", "Download the compared figures (CSV)"),
    "regions": ("区域", "Regions"),
    "fitted_line": ("拟合直线", "Fitted line"),
    "selected_regions": ("图中选中的区域（{n} 个）", "Regions selected on the chart ({n})"),
    "log_nonpositive": (
        "对数轴无法显示零或负值，这些点不在图中（仍在表中）。",
        "Zero or negative values cannot be shown on a log axis; those points are off the chart (still in the table).",
    ),
    "correlation_caveat": (
        "相关不等于因果；r 与 ρ 描述所显示区域的数值关联，p 值假定区域相互独立，而相邻区域往往相似。",
        "Correlation is not causation: r and ρ describe how the shown regions' values go together; the p-values "
        "assume independent regions, while neighbouring regions tend to be alike.",
    ),
    "compare_export": ("导出", "Export"),
    "compare_export_format": ("格式", "Format"),
    "format_png": ("PNG 图片", "PNG image"),
    "format_pdf": ("PDF 文档", "PDF document"),
    "format_svg": ("SVG 矢量图", "SVG vector graphic"),
    "format_csv": ("CSV 表格", "CSV table"),
    "compare_export_prepare": ("生成文件", "Prepare file"),
    "compare_heading": ("对比：{a} 与 {b}", "Compare: {a} and {b}"),
    "compare_needs_numeric": (
        "此视图需要数值型图层 A；{layer} 是分类图层。请选择数值图层或“并排对照”。",
        "This view needs a numeric layer A; {layer} is categorical. Choose a numeric layer or “Side by side”.",
    ),
    "app_caption": (
        "养老服务、未成年人保护与乡镇区划调整改革：各市（州）、县（市、区）的需求与服务半径",
        "Elderly care, child protection and the township merger: need and catchment by prefecture and county",
    ),
    # The Chinese page names the switch in both languages, so that a reader of English finds it.
    "language": ("语言 / Language", "Language"),
    "hs_kind": ("热点分析", "Hot spots of"),
    "hs_kind_a": ("图层 A 的局部莫兰指数", "Layer A (Local Moran's I)"),
    "hs_kind_ab": ("A 与邻近地区的 B（双变量）", "A against neighbours' B (bivariate)"),
    "hs_threshold": ("显著性阈值", "Significance threshold"),
    "hs_HH": ("高-高（热点）", "High-High (hot spot)"),
    "hs_LL": ("低-低（冷点）", "Low-Low (cold spot)"),
    "hs_HL": ("高-低（异常值）", "High-Low (outlier)"),
    "hs_LH": ("低-高（异常值）", "Low-High (outlier)"),
    "hs_ns": ("不显著", "Not significant"),
    "hs_no_data": ("无数据，未参与计算", "No data, not tested"),
    "hs_island": ("无相邻地区（孤岛），未参与计算", "No neighbour (island), not tested"),
    "hs_title": ("热点与冷点（LISA）：{layer}", "Hot and cold spots (LISA): {layer}"),
    "hs_title_bv": (
        "双变量热点（LISA）：{a} 与邻近地区的 {b}",
        "Bivariate hot spots (LISA): {a} against neighbours' {b}",
    ),
    "hs_global": (
        "全局莫兰指数 I = {i}（随机期望 {e}，置换检验 p = {p}；{n} 个地区，{perm} 次置换，"
        "显著性阈值 p < {thr}，随机种子 {seed}）",
        "Global Moran's I = {i} (expected {e} without clustering; permutation p = {p}; {n} regions, "
        "{perm} permutations, threshold p < {thr}, seed {seed})",
    ),
    "hs_global_bv": (
        "全局双变量莫兰指数 I = {i}（置换检验 p = {p}；{n} 个地区，{perm} 次置换，"
        "显著性阈值 p < {thr}，随机种子 {seed}）",
        "Global bivariate Moran's I = {i} (permutation p = {p}; {n} regions, {perm} permutations, threshold p < {thr}, "
        "seed {seed})",
    ),
    "hs_caveat": (
        "说明：邻接为“后”式（共点或共边）、行标准化；显著性来自条件置换检验，未做多重比较校正，"
        "约有 {thr} 的地区会偶然显著。21 个市（州）的局部指标检验力很弱，请以县级结果为主；聚集不等于因果。",
        "Note: queen contiguity (a shared point or edge), row-standardised; significance from a conditional "
        "permutation test without correction for multiple comparisons, so about {thr} of regions come out "
        "significant by chance. "
        "LISA on 21 prefectures has little power: prefer the county level. Clustering is not causation.",
    ),
    "hs_too_few": (
        "参与计算的地区只有 {n} 个（至少需要 {min} 个），无法检验",
        "only {n} regions can be tested (at least {min} are needed)",
    ),
    "hs_no_variation": ("数值全部相同，无法计算莫兰指数", "all values are equal: Moran's I is undefined"),
    "hs_excluded": ("未参与计算：{items}", "Not tested: {items}"),
    "hs_local_i": ("局部 I", "Local I"),
    "hs_class": ("类别", "Class"),
    "year_from": ("起始年份", "From year"),
    "year_change_kind": ("变化", "Change"),
    "change_abs": ("绝对值", "absolute"),
    "change_pct": ("百分比", "per cent"),
    "year_change_needs_series": (
        "年度变化需要逐年图层作为图层 A（{layers}）",
        "The change between years needs a layer with several years as layer A ({layers})",
    ),
    "year_change_same": ("请选择两个不同的年份（现在都是 {year}）", "Choose two different years (both are {year})"),
    "year_change_heading": ("{title}：{a} 年 → {b} 年", "{title}: {a} → {b}"),
    "theme": ("主题", "Theme"),
    "layer": ("图层", "Layer"),
    "level": ("行政层级", "Level"),
    "prefecture": ("市（州）", "Prefectures"),
    "county": ("县（市、区）", "Counties"),
    "area": ("范围", "Area"),
    "whole_province": ("全省", "Whole province"),
    "value_filter": ("数值范围（范围外变灰）", "Value range (others greyed out)"),
    "normalisation": ("标准化", "Normalisation"),
    "absolute": ("绝对值", "Absolute"),
    "classification": ("分级方法", "Classification"),
    "classes": ("分级数", "Classes"),
    "manual_breaks": ("手动断点（逗号分隔）", "Manual breaks (comma-separated)"),
    "palette": ("配色", "Palette"),
    "cb_safe": ("色盲友好", "colour-blind safe"),
    "palette_sequential": ("顺序色带", "sequential"),
    "palette_diverging": ("发散色带", "diverging"),
    "palette_qualitative": ("分类色带", "qualitative"),
    "reverse": ("反转配色", "Reverse palette"),
    "reversed": ("（反转）", " (reversed)"),
    "basemap": ("底图", "Basemap"),
    "zoom_in": ("放大", "Zoom in"),
    "zoom_out": ("缩小", "Zoom out"),
    "no_data": ("无数据", "No data"),
    "filtered_out": ("不在所选范围", "Outside chosen range"),
    "rank": ("排名", "Rank"),
    "in_range": ("在所选数值范围内", "In chosen range"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "no_data_note": ("空白单元格表示无数据，不是零", "an empty cell means no data, not zero"),
    "of": ("共", "of"),
    "source": ("来源", "Source"),
    "year": ("年份", "Year"),
    "unit": ("单位", "Unit"),
    "value": ("数值", "Value"),
    "name": ("名称", "Name"),
    "code": ("区划代码", "Code"),
    "parent_code": ("上级区划代码", "Parent code"),
    "parent_name": ("上级区划", "Parent"),
    "details": ("详情", "Details"),
    "click_hint": ("点击地图上的区域查看详情。", "Click a region on the map for its details."),
    "drill_down": ("查看{name}下辖县（市、区）", "Show the counties of {name}"),
    "parent": ("上级", "Parent"),
    "children": ("下辖", "Contains"),
    "all_layers": ("所有图层的数值", "Figures on every layer"),
    "merged_away": (
        "2018年名单中已不在本地的乡镇（合并、拆分、移出、更名）",
        "Townships of 2018 no longer listed here (merged, split, moved out, renamed)",
    ),
    "new_units": (
        "2021年名单中新出现的乡镇（合并新设、拆分、移入、更名）",
        "Townships new here in 2021 (formed by merger, split, moved in, renamed)",
    ),
    "local_reports": ("地方报道中的数字（仅供参考，不可比较）", "Figures from local reports (cited, not comparable)"),
    "quotation": ("“{quote}”", "“{quote}” (quoted in Chinese)"),  # a figure's source sentence, as written
    "pilots": ("2021年文章点名", "Named in the 2021 article"),
    "ranking": ("排名", "Ranking"),
    "table": ("数据表", "Table"),
    "download_csv": ("下载当前显示的数据（CSV）", "Download what is shown (CSV)"),
    "summary": ("2021年全省概况", "Province in 2021"),
    "reconciliation": ("与公布总数对账", "Reconciliation with published totals"),
    "notices": ("链接中的部分参数未按原样使用：", "Some link parameters were not used as given:"),
    "zone_explained": (
        "{name}是统计用的经济开发区，没有自己的边界，因此不在地图上；它的数字计入{parent}（市州层级），"
        "在县级地图中单独列在“说明”里。",
        "{name} is a statistical development zone with no boundary of its own, so it is not on the map; "
        "its figures count towards {parent} at prefecture level and are listed separately under the notes "
        "on county maps.",
    ),
    "fewer_classes": ("地图显示 {n} 级，而不是所要求的 {k} 级：", "The map shows {n} classes, not the {k} asked for: "),
    "breaks_outside": (
        "断点 {breaks} 不在所显示数据的范围（{lo} – {hi}）内，已略去。",
        "the breaks {breaks} lie outside the values shown ({lo} – {hi}) and were left out.",
    ),
    "std_mean_fewer": (
        "标准差分级以均值加减若干个标准差为界，超出数据最小值或最大值的界限被略去。",
        "standard-deviation classes are bounded at the mean ± whole or half standard deviations; "
        "bounds beyond the smallest or largest value are left out.",
    ),
    "fewer_values": (
        "数据中不同的数值（或不同的分位点）少于所要求的级数。",
        "the values have fewer distinct values (or distinct quantiles) than classes asked for.",
    ),
    "more_notices": ("另有 {n} 条", "and {n} more"),
    "unmapped": (
        "无边界的统计开发区（已计入所在区的数值，不另计）：",
        "Statistical development zones without a boundary (already included in their district's value):",
    ),
    "note": ("备注", "Note"),
    "change_kind": ("变化类型", "Kind of change"),
    "change_linked": ("关联乡镇（共有村数）", "Linked townships (shared villages)"),
    "notes": ("说明", "Notes"),
    "share_link": ("复制浏览器地址即可分享当前视图。", "Copy the browser address to share this view."),
    "economic_region": ("经济区", "Economic region"),
    "selected": ("已选", "Selected"),
    "clear_selection": ("清除选择", "Clear selection"),
    "no_values": ("所选范围内没有数据。", "No data in the chosen area."),
    "category": ("类别", "Category"),
    "level_fixed_in_prefecture": (
        "在单个市（州）范围内按县（市、区）显示；要比较各市（州），请把范围改为全省或某个经济区。",
        "Within one prefecture the map shows its counties; to compare prefectures, set the area to the whole "
        "province or an economic region.",
    ),
    "area_reset_prefecture_only": (
        "该图层只有市（州）数据，无法在单个市（州）内显示，范围已改为全省。",
        "This layer has prefecture figures only and cannot be shown inside one prefecture; the area is now the "
        "whole province.",
    ),
    "manual_sets_classes": (
        "手动分级：分级数由断点决定（n个断点分为n+1级），不使用分级数滑块。",
        "Manual breaks set the classes (n breaks give n + 1 classes); the class count does not apply.",
    ),
    "breaks_outside_input": (
        "以下断点不在数据范围（{lo} – {hi}）内，未使用：{breaks}",
        "These breaks lie outside the data range ({lo} – {hi}) and are not used: {breaks}",
    ),
    "manual_hint": ("输入断点后按手动分级；在此之前按分位数分级。", "Until breaks are entered, quantiles are used."),
    "all_figures": ("文章中的全部{n}项全省数字（按主题）", "All {n} province-wide figures of the article, by theme"),
    "quote": ("原文", "Quote"),
    "regions_sum": ("各区域合计", "Sum of regions"),
    "gap": ("差额", "gap"),
    "licence": ("许可", "Licence"),
    "township_code": ("乡镇代码", "Township code"),
    "county_code": ("县级区划代码", "County code"),
    "township_type": ("类型", "Type"),
    "published": ("公布数", "Published"),
    "sum_of_counties": ("各县合计", "Sum of counties"),
    "development_zones": ("开发区", "Development zones"),
    "layer_source": ("图层来源", "Layer source"),
    "published_source": ("公布数来源", "Source of the published figure"),
    "published_label": ("公布数说明", "Published figure"),
    "gap_pct": ("差额（%）", "Gap (%)"),
    "figure": ("数字", "Figure"),
    "figures_below": ("各图层数值见地图下方。", "Its figures on every layer are below the map."),
    "rank_of": ("排名：第 {rank} 位（共 {n} 个{regions}）", "Rank {rank} of {n} {regions} shown"),
    "rank_short": ("第 {rank}/{n} 位", "rank {rank}/{n}"),
    "province_figure": ("全省", "Sichuan"),
    "no_figure_at_level": ("该图层没有{level}的数值。", "This layer has no figures for {level}."),
    "zone_short": ("其中开发区", "Of which zone"),
    "theme_profile": ("{theme}：其他图层", "Other layers: {theme}"),
    "nbs_codes": ("统计用区划代码", "NBS statistical division codes"),
    # exports (app/export)
    "atlas_title": ("四川民政服务覆盖图集", "Sichuan Coverage Atlas"),
    "atlas_contents": ("目录", "Contents"),
    "atlas_not_drawn": ("未绘制的图层", "Layers not drawn"),
    "atlas_empty": ("没有任何区域有数据", "no region has a figure"),
    "atlas_no_colours": ("分类图层没有可用的颜色", "a categorical layer without colours"),
    "export_class": ("分级", "Class"),
    "export_colour": ("颜色", "Colour"),
    "export_data_sheet": ("数据", "data"),
    "export_meta_sheet": ("说明", "metadata"),
    "export_field": ("项目", "field"),
    "export_title": ("标题", "Title"),
    "export_layer_id": ("图层", "Layer"),
    "export_breaks": ("分级断点", "Class breaks"),
    "export_value_filter": ("数值范围", "Value range"),
    "export_date": ("导出日期", "Export date"),
    "export_view": ("视图参数", "View parameters"),
    "export_unmapped": ("无边界的统计单位", "Units without a boundary"),
    "print_date": ("制图日期", "Exported"),
    "print_projection": (
        "Albers 等积圆锥投影（CGCS2000，中央经线 105°E）",
        "Albers equal-area conic (CGCS2000, central meridian 105°E)",
    ),
    "print_north": ("北", "N"),
    "print_sources_of": ("{which} 来源", "Sources of {which}"),
    "print_a_and_b": ("A、B", "A and B"),
    "export": ("导出", "Export"),
    "export_format": ("格式", "Format"),
    "export_subtitle": ("副标题", "Subtitle"),
    "export_note": ("用图说明", "Map-use note"),
    "export_paper": ("纸张", "Paper"),
    "export_dpi": ("分辨率（dpi）", "Resolution (dpi)"),
    "export_labels": ("显示地名", "Region names"),
    "export_datum": ("坐标系", "Datum"),
    "export_prepare": ("生成文件", "Prepare file"),
    "export_download": ("下载 {name}", "Download {name}"),
    "export_hint": (
        "导出的是当前视图：同样的数值、分级和颜色。按“生成文件”后下载。",
        "Exports are of the current view: the same figures, classes and colours. Prepare, then download.",
    ),
    # the upload section (app/upload.py) and sign-in (app/auth.py)
    "upload_header": ("我的数据：上传表格或机构名单", "My data: upload a table or a facility list"),
    "upload_saved": ("已保存的用户图层", "Saved user layers"),
    "upload_none_saved": ("还没有用户图层。", "No user layers yet."),
    "upload_user_mark": ("用户图层", "user layer"),
    "upload_mode": ("上传内容", "What to upload"),
    "upload_mode_table": ("按地区的统计表", "A table of figures per region"),
    "upload_mode_facilities": ("机构名单（每行一个机构）", "A facility list (one site per row)"),
    "upload_file": ("CSV 或 XLSX 文件", "CSV or XLSX file"),
    "upload_limit": ("上限 {mb} MB。", "Limit {mb} MB."),
    "upload_bad_limit": (
        "上传上限设置 {var}={value} 无效（应为大于 0、不超过 1024 的兆字节数，例如 20）：已使用默认的 {mb} MB。",
        "The upload limit setting {var}={value} is not usable (a number of megabytes above 0 and at most 1024, e.g. "
        "20): using the default {mb} MB.",
    ),
    "upload_encoding": ("编码", "Encoding"),
    "upload_auto": ("自动识别", "detect"),
    "upload_detected": ("识别的编码：{enc}", "Encoding detected: {enc}"),
    "upload_sheet": ("工作表", "Sheet"),
    "upload_preview": ("前 10 行预览", "First 10 rows"),
    "upload_blank_rows": ("空行（已跳过）：{rows}", "Blank rows (skipped): {rows}"),
    "upload_formulas": (
        "以下单元格的公式没有保存计算结果，按无数据处理（公式不会被执行）：{cells}",
        "These cells hold formulas without a saved result and are read as no data (formulas are never run): {cells}",
    ),
    "upload_level": ("行政层级", "Level"),
    "upload_prefecture": ("市（州）", "Prefectures"),
    "upload_county": ("县（市、区）", "Counties"),
    "upload_region_col": ("地区列（代码或名称）", "Region column (code or name)"),
    "upload_value_cols": ("数值列（每列一个图层）", "Value columns (one layer each)"),
    "upload_kind": ("数值类型", "Kind of figure"),
    "upload_kind_count": ("计数", "count"),
    "upload_kind_rate": ("比率", "rate"),
    "upload_kind_share": ("百分比", "share"),
    "upload_target": ("保存为", "Save as"),
    "upload_new_layer": ("新图层", "new layer"),
    "upload_replace_layer": ("替换：{title}（新版本）", "replace: {title} (new version)"),
    "upload_title": ("标题", "Title"),
    "upload_unit": ("单位", "Unit"),
    "upload_year": ("年份", "Year"),
    "upload_source": ("来源", "Source"),
    "upload_meta_for": ("图层信息：{col}", "Layer details: {col}"),
    "upload_report": ("匹配报告", "Match report"),
    "upload_summary": (
        "{n} 行：{matched} 行匹配，{unmatched} 行未匹配，{ambiguous} 行有歧义，{other} "
        "行为其他层级，{zone} 行为开发区，{empty} 行地区为空；{dups} 个地区重复；{values} 个数值问题。",
        "{n} rows: {matched} matched, {unmatched} unmatched, {ambiguous} ambiguous, {other} of another le"
        "vel, {zone} development zones, {empty} empty; {dups} duplicated regions; {values} value problems.",
    ),
    "upload_choose_for": ("“{q}”指的是：", "“{q}” means:"),
    "upload_leave_out": ("不计入（保留在报告中）", "leave out (stays in the report)"),
    "upload_answers": ("已选择：{answers}", "Your answers: {answers}"),
    "upload_clear_answers": ("清除选择", "Clear answers"),
    "upload_duplicates": (
        "以下地区出现多次，请在文件中保留一行后重新上传：",
        "These regions appear more than once; keep one row in the file and upload it again:",
    ),
    "upload_values": (
        "数值问题（空值和非数字按无数据处理，不计为零）",
        "Value problems (empty and non-numeric cells are no data, never zero)",
    ),
    "upload_accept": (
        "我已查看报告：只保存匹配成功的行，其余行不计入",
        "I have read the report: save the matched rows only, the others are left out",
    ),
    "upload_save": ("保存", "Save"),
    "upload_meta_required": (
        "请为每个新图层填写标题、单位、年份和来源：{cols}",
        "Give title, unit, year and source for every new layer: {cols}",
    ),
    "upload_bad_year": (
        "年份 {value} 不是年份：请填写如 2024 的年份或如 2018–2021 的年份范围（{cols}）",
        "year {value} is not a year: give one such as 2024 or a range such as 2018–2021 ({cols})",
    ),
    "upload_region_is_value": (
        "列 {col} 不能既是地区列又是数值列：一列要么是地区，要么是数值",
        "column {col} cannot be both the region column and a value column: a column holds regions or figures",
    ),
    "upload_saved_ok": ("已保存：{titles}", "Saved: {titles}"),
    "upload_datum": ("坐标系", "Coordinates"),
    "upload_gcj02": ("GCJ-02（高德、腾讯地图拾取）", "GCJ-02 (Amap/Gaode, Tencent)"),
    "upload_wgs84": ("WGS84（GPS）", "WGS84 (GPS)"),
    "upload_choose_datum": ("请选择坐标系。", "Choose the coordinate system."),
    "upload_col_name": ("名称列", "Name column"),
    "upload_col_type": ("类型列", "Type column"),
    "upload_col_capacity": ("容量列（如床位数）", "Capacity column (e.g. beds)"),
    "upload_col_lon": ("经度列", "Longitude column"),
    "upload_col_lat": ("纬度列", "Latitude column"),
    "upload_col_region": ("所在县列（无坐标时使用）", "County column (used where there are no coordinates)"),
    "upload_no_column": ("（无）", "(none)"),
    "upload_capacity_unit": ("容量单位", "Capacity unit"),
    "upload_covers_all": (
        "名单覆盖全省（没有机构的县计为 0；否则只有名单涉及的市州计数，其他为无数据）",
        "The list covers all of Sichuan (a county without a site counts 0; ot"
        "herwise only the prefectures in the list count, the rest is no data)",
    ),
    "upload_per_capita": ("人均指标", "Per-capita layers"),
    "upload_no_per_capita": ("不生成", "none"),
    "upload_located": (
        "{n} 个机构：{ok} 个已定位到县，{bad} 个问题（未定位的不计入）。"
        "下表列出每个机构所在的县，可核对靠近县界的点位。",
        "{n} facilities: {ok} located in a county, {bad} problems (sites not located are not counted). The table "
        "gives the county of every site, to check those near a border.",
    ),
    "upload_layers_to_save": ("将保存的图层", "Layers to be saved"),
    "upload_manage": ("管理", "Manage"),
    "upload_layer": ("图层", "Layer"),
    "upload_new_title": ("新标题", "New title"),
    "upload_rename": ("重命名", "Rename"),
    "upload_confirm_delete": ("确认删除此图层（所有版本）", "Confirm: delete this layer (all versions)"),
    "upload_delete": ("删除", "Delete"),
    "upload_deleted": ("已删除。", "Deleted."),
    "upload_renamed": ("已重命名。", "Renamed."),
    "upload_store_error": ("无法读取用户图层库：{e}", "The user-layer store cannot be read: {e}"),
    "upload_markers": ("在地图上显示机构点位", "Show the facilities on the map"),
    "upload_row": ("行", "Row"),
    "upload_rows": ("行号", "Rows"),
    "upload_code": ("区划代码", "Code"),
    "upload_region": ("地区", "Region"),
    "upload_layer_id": ("图层代码", "Layer id"),
    "upload_version": ("版本", "Version"),
    "upload_updated": ("更新时间（UTC）", "Updated (UTC)"),
    "upload_regions_with_figures": ("有数值的地区数", "Regions with a figure"),
    "upload_need_both_coordinates": (
        "请同时选择经度列和纬度列，或者都不选。",
        "Choose both a longitude and a latitude column, or neither.",
    ),
    "upload_need_location": (
        "请选择经度和纬度列，或者所在县列。",
        "Choose longitude and latitude columns, or a county column.",
    ),
    "upload_meta_missing": ("保存前请填写：{fields}", "Before saving, give the {fields}"),
    "upload_download_sites": ("下载各机构的定位结果（CSV）", "Download where each site was placed (CSV)"),
    "upload_sites_file": ("定位结果", "locations"),
    "upload_problems": ("有问题的行（{n} 个，未计入）", "Rows with a problem ({n}, not counted)"),
    "auth_open": (
        "未配置登录：本实例中任何人都可以上传、替换和删除用户图层。",
        "No sign-in is configured: anyone using this instance can upload, replace and delete user layers.",
    ),
    "auth_read_only": (
        "只读：登录后才能上传、替换或删除图层。",
        "Read-only: sign in to upload, replace or delete layers.",
    ),
    "auth_signed_in": ("已登录编辑者：", "Signed in as editor: "),
    "auth_name": ("您的姓名（记入操作日志）", "Your name (recorded in the audit log)"),
    "auth_password": ("编辑密码", "Editor password"),
    "auth_sign_in": ("登录", "Sign in"),
    "auth_sign_out": ("退出登录", "Sign out"),
    "auth_wrong": ("密码不正确。", "Wrong password."),
    "auth_blank_password": (
        "{var} 已设置但为空：任何人都无法以编辑者身份登录。请设置密码，或删除该设置以允许所有人编辑。",
        "{var} is set but empty: nobody can sign in as an editor. Set a password, or remove the setting to let "
        "everyone edit.",
    ),
    "auth_bad_editors": (
        'secrets.toml 中的 `editors` 应为电子邮件地址列表，例如 `editors = ["a@example.org"]`；目前没有人是编辑者。',
        '`editors` in secrets.toml must be a list of e-mail addresses, e.g. `editors = ["a@example.org"]`; '
        "nobody is an editor until it is.",
    ),
    "auth_editors_unused": (
        "secrets.toml 中设置了 `editors`，但没有 `[auth]` 登录配置：该名单未被使用。",
        "`editors` is set in secrets.toml but `[auth]` (sign-in) is not: the list is not used.",
    ),
    "auth_wait": ("请等待 {seconds} 秒后再试。", "Wait {seconds} s before the next attempt."),
    "auth_locked": (
        "密码错误次数过多，登录已暂停，请在 {minutes} 分钟后再试。",
        "Too many wrong passwords: signing in is paused; try again in {minutes} min.",
    ),
    "auth_need_name": ("请填写姓名。", "Please give your name."),
}
# The plan view's and the brief's strings (issue 27), kept in their own module; one table at run time.
assert not set(PLAN_TEXT) & set(TEXT), sorted(set(PLAN_TEXT) & set(TEXT))
TEXT.update(PLAN_TEXT)


def t(key: str, lang: str, **kwargs) -> str:
    zh, en = TEXT[key]
    text = en if lang == "en" else zh
    return text.format(**kwargs) if kwargs else text


# Units printed in the source article, for the English interface. "余" means "more than".
UNITS_EN: dict[str, str] = {
    "个": "",
    "家": "",
    "场": "events",
    "%": "%",
    "万个": "× 10,000",
    "万人": "× 10,000 persons",
    "万人次": "× 10,000 person-times",
    "万户": "× 10,000 households",
    "万张": "× 10,000 beds",
    "亿元": "× 100 million yuan",
    "个（余）": "(more than)",
    "万人（余）": "× 10,000 persons (more than)",
    "万名（余）": "× 10,000 persons (more than)",
    "万对（余）": "× 10,000 couples (more than)",
}


def unit_text(unit: str, lang: str) -> str:
    """A unit as printed (Chinese) or its English rendering; unknown units are shown as printed."""
    return UNITS_EN.get(unit, unit) if lang == "en" else unit


# English words for the article's base units (after 万/亿 are multiplied out); "" = a plain count.
_BASE_UNITS_EN = {
    "个": "",
    "家": "",
    "场": "events",
    "人": "persons",
    "名": "persons",
    "人次": "person-times",
    "户": "households",
    "张": "beds",
    "对": "couples",
    "元": "yuan",
}
_SCALES = {"万": 1e4, "亿": 1e8}


def figure_text(value: float, unit: str, lang: str) -> str:
    """A published figure with its unit, "余" (more than) kept inside the figure where it cannot be cut off.

    Chinese as printed (``1,000余个``, ``3.8万余人``); English with 万/亿 multiplied out
    (``more than 38,000 persons``, 1.23 亿元 → ``123 million yuan``).
    """
    more = unit.endswith("（余）")
    base = unit.removesuffix("（余）")
    if lang != "en":
        if base == "%":
            return f"{value:,.10g}%"
        if more:
            return f"{value:,.10g}{base[0]}余{base[1:]}" if base[:1] in _SCALES else f"{value:,.10g}余{base}"
        return f"{value:,.10g} {base}".strip()
    scale = _SCALES.get(base[:1], 1.0)
    rest = base[1:] if scale != 1.0 else base
    if rest == "%":
        return f"{value:,.10g}%"
    words = _BASE_UNITS_EN.get(rest if rest else "个")
    if words is None:  # a unit without an English rendering is shown as printed
        return f"{'more than ' if more else ''}{value:,.10g} {unit}"
    x = round(value * scale, 6)
    number = f"{x / 1e9:,.10g} billion" if x >= 1e9 else f"{x / 1e6:,.10g} million" if x >= 1e6 else f"{x:,.10g}"
    return f"{'more than ' if more else ''}{number} {words}".strip()


# Cited local figures (data/local_reports/): indicator ids as (zh label, zh unit, en label, en unit).
REPORT_INDICATORS: dict[str, tuple[str, str, str, str]] = {
    "elderly_beds": ("养老机构床位数", "张", "Beds in elderly-care institutions", "beds"),
    "elderly_institutions": ("养老机构数", "个", "Elderly-care institutions", "institutions"),
    "child_protection_centres": ("未成年人（救助）保护中心", "个", "Child-protection centres", "centres"),
    "child_protection_stations": (
        "基层未成年人保护示范站（乡镇、街道）",
        "个",
        "Model child-protection stations (township/sub-district)",
        "stations",
    ),
    "children_homes": ("儿童之家", "家", "Children's homes", "homes"),
    "village_child_protection_officers": (
        "乡村未成年人保护专员",
        "人",
        "Village child-protection officers",
        "persons",
    ),
    "orphans_tekun_and_de_facto_unsupported_children": (
        "孤儿、特困及事实无人抚养儿童",
        "人",
        "Orphans, children in extreme hardship and de facto unsupported children",
        "persons",
    ),
    "children_directors": ("设有儿童福利主任的村（社区）", "个", "Villages/communities with a child director", ""),
    "children_in_difficulty": ("困境儿童", "人", "Children in difficulty", "persons"),
}


_CHINESE_IN_BRACKETS = re.compile(r"\s*[（(][^）)]*[\u3400-\u9fff][^）)]*[）)]")


def english_only(text: str) -> str:
    """An English label from a source that adds the Chinese term in brackets ("“Children's home” (童之家) child
    service points" → "“Children's home” child service points"): the English page says it in English."""
    return _CHINESE_IN_BRACKETS.sub("", text)


def report_indicator(indicator: str, unit: str, lang: str) -> tuple[str, str]:
    """(label, unit) of a cited local figure in the UI language; an unknown id is shown as recorded."""
    hit = REPORT_INDICATORS.get(indicator)
    if hit is None:
        return indicator, unit
    return (hit[2], hit[3]) if lang == "en" else (hit[0], hit[1])
