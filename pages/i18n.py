"""中文 / English for every label, axis and message of the dashboard.

Texts are written in English in the page code and wrapped in :func:`t`; the Chinese for each is
in :data:`ZH` (``tests/test_i18n.py`` checks that every wrapped text has one). Placeholders use
``str.format`` names: ``t("Fetched {n} series", n=3)``. CSV column names stay English
snake_case in both languages (documented on the Method page).
"""

from __future__ import annotations

import streamlit as st

from data_sources.messages import Joined, Message

LANGUAGES = {"en": "English", "zh": "中文"}


def language() -> str:
    return st.session_state.get("language", "en")


def t(text: str, **values) -> str:
    """``text`` in the current language, with ``values`` filled in."""
    translated = ZH.get(text, text) if language() == "zh" else text
    return translated.format(**values) if values else translated


def tr(text) -> str:
    """A text from the engine in the current language: a :class:`~data_sources.messages.Message`
    (a note, an error, a diagnostics reason) from its template's translation, its values
    translated in turn; any other text as it is (English stays byte-identical)."""
    if isinstance(text, BaseException):
        return _error_text(text)
    if not isinstance(text, Message) or language() != "zh":
        return str(text)
    if isinstance(text, Joined):
        return t(text.separator).join(tr(part) for part in text.parts)
    values = {
        name: tr(value) if isinstance(value, Message) else value
        for name, value in text.params.items()
    }
    return t(text.template, **values)


def _error_text(error: BaseException) -> str:
    """An exception's message: a data-source error as "where: reason" with its reason
    translated; another error from its message argument."""
    from data_sources.errors import DataSourceError

    if isinstance(error, DataSourceError) and isinstance(error.reason, Message):
        where = " ".join(part for part in (error.source, error.symbol) if part)
        return f"{where}: {tr(error.reason)}" if where else tr(error.reason)
    if len(error.args) == 1 and isinstance(error.args[0], Message):
        return tr(error.args[0])
    return str(error)


ZH: dict[str, str] = {
    # navigation, sidebar, banner
    "Overview": "总览",
    "Policies": "政策措施",
    "Event study": "事件研究",
    "Themes": "主题",
    "Data": "数据",
    "Method": "方法",
    "Policy themes (communiqué tasks)": "政策主题（公报任务）",
    "All nine tasks": "全部九项任务",
    "all nine tasks": "全部九项任务",
    "Filters the measures on every page. Empty = all nine tasks of the CSRC 2020 mid-year "
    "communiqué.": "筛选每一页上的政策措施。留空即证监会2020年年中工作会议公报的全部九项任务。",
    "Include measures with unverified dates": "包含日期未经核实的措施",
    "The 2020 mid-year meeting itself has no verified date (between 2020-07-27 and "
    "2020-08-20). Studies leave such measures out unless this is on.": (
        "2020年年中工作会议本身没有核实的日期（介于2020-07-27与2020-08-20之间）。"
        "除非打开此项，事件研究不纳入这类措施。"
    ),
    "Data mode: **{mode}**": "数据模式：**{mode}**",
    "The local store was empty, so it was filled with {n} SYNTHETIC demo series (no network "
    "needed). Fetch real data from akshare or import your own files on the **Data** page.": (
        "本地存储为空，已填入 {n} 条合成演示（SYNTHETIC）序列（无需联网）。"
        "可在 **数据** 页从 akshare 获取真实数据或导入您自己的文件。"
    ),
    "**SYNTHETIC DEMO DATA** — data mode: {mode}. Demo prices are simulated, not market data; "
    "every chart, table and CSV from them is labelled synthetic.": (
        "**合成演示数据 SYNTHETIC DEMO DATA** — 数据模式：{mode}。演示价格为模拟值，并非市场数据；"
        "由其生成的每个图表、表格和CSV都标注为合成数据。"
    ),
    "{value} is not one of the choices": "{value} 不是可选项之一",
    "write two whole numbers separated by a comma, e.g. -5,5": "请写两个用逗号分隔的整数，如 -5,5",
    "both numbers must lie in {low}…{high}, the first ≤ the second": (
        "两个数都须在 {low}…{high} 之间，且第一个 ≤ 第二个"
    ),
    "use 1 or 0": "请用 1 或 0",
    "Your measures file could not be loaded and is left out: {error}": (
        "无法加载您的措施文件，已略去：{error}"
    ),
    # charts
    "Rebased to 100 at each series' first date shown": "以各序列显示区间首日为100重新定基",
    " — SYNTHETIC DEMO DATA": " — 合成演示数据 SYNTHETIC DEMO DATA",
    "Index (first date shown = 100)": "指数（显示区间首日 = 100）",
    "Relative session (0 = event session t0)": "相对交易日（0 = 事件交易日 t0）",
    "Abnormal return / CAR (%)": "异常收益 / 累计异常收益 CAR（%）",
    "Placebo distribution of the CAR — {name}": "CAR 的安慰剂分布 — {name}",
    "observed {car:.2f}% (p = {p:.3f})": "实际值 {car:.2f}%（p = {p:.3f}）",
    "CAR over the event window (%)": "事件窗口内的 CAR（%）",
    "Pseudo-event sessions": "伪事件交易日数",
    "placebo CARs": "安慰剂 CAR",
    "Shaded: 95% band of the CAR path (CAR ± 1.96 SE, the same variance as the table).": (
        "阴影：CAR 路径的 95% 置信带（CAR ± 1.96 SE，方差与表中相同）。"
    ),
    "day": "第",
    "segments": "板块",
    "announced": "发布",
    "All": "全部",
    # overview
    "Price paths of indices, sectors and C-REITs with the dated policy measures of the CSRC "
    "2020 mid-year communiqué's nine tasks. Hover a triangle for the measure.": (
        "指数、行业和公募REITs的价格走势，标注证监会2020年年中工作会议公报九项任务下有日期的政策措施。"
        "将鼠标移到三角形上可查看措施。"
    ),
    "No price series are stored yet. Open the **Data** page to fetch or import some.": (
        "尚未存储任何价格序列。请打开 **数据** 页获取或导入。"
    ),
    "Instruments": "标的",
    "Choose at least one instrument above.": "请在上方至少选择一个标的。",
    "Date range": "日期范围",
    "No prices in that date range; widen it.": "该日期范围内没有价格，请放宽范围。",
    "write two dates, e.g. 2020-01-01,2021-12-31": "请写两个日期，如 2020-01-01,2021-12-31",
    "dates must lie in {first}…{last}, the first before the second": (
        "日期须在 {first}…{last} 之间，且前一个早于后一个"
    ),
    "{n} measures in range after the theme filter · click a triangle to open the measure · "
    "camera icon: PNG · data mode: {mode}": (
        "主题筛选后区间内有 {n} 项措施 · 点击三角形打开该措施 · 相机图标：导出PNG · 数据模式：{mode}"
    ),
    "Announced {date} → t0 {t0} · {theme} · segments: {segments}": (
        "发布于 {date} → t0 {t0} · {theme} · 板块：{segments}"
    ),
    "Details": "详情",
    # policies
    "Policy measures": "政策措施",
    "Dated measures that carry out the nine tasks of the CSRC system's 2020 mid-year work "
    "meeting communiqué. t0 is the first Shanghai session that could react: weekend, holiday "
    "and after-close (15:00) releases move to the next session.": (
        "落实证监会系统2020年年中工作会议公报九项任务的有日期措施。t0 是市场能够作出反应的第一个上海交易日："
        "周末、节假日及收盘（15:00）后发布的顺延至下一交易日。"
    ),
    "before the open": "开盘前",
    "intraday (09:30-15:00)": "盘中（09:30-15:00）",
    "after the close": "收盘后",
    "weekend or holiday": "周末或节假日",
    "unknown": "未知",
    "Segments": "板块",
    "All segments": "全部板块",
    "Announced": "发布日期",
    "Date confidence": "日期可信度",
    "all": "全部",
    "verified": "已核实",
    "unverified": "未核实",
    "Search (中文 or English)": "搜索（中文或英文）",
    "e.g. 注册制, REIT, delisting": "如 注册制、REIT、退市",
    "**{n}** measures · themes: {themes}": "**{n}** 项措施 · 主题：{themes}",
    "No measure matches these filters. Clear the search or the filters above, or the theme "
    "filter in the sidebar.": "没有符合这些筛选条件的措施。请清除上方的搜索或筛选，或侧栏的主题筛选。",
    "t0 session": "t0 交易日",
    "Theme": "主题",
    "Primary communiqué task": "主要的公报任务",
    "Release timing": "发布时点",
    "Date": "日期",
    "Window overlaps": "窗口重叠",
    "Measures whose [-5, +5] session windows share sessions with this one; a study can warn, "
    "merge or drop them.": "[-5, +5] 交易日窗口与本措施重叠的措施；事件研究可提示、合并或剔除它们。",
    "Source": "来源",
    "From": "出处",
    "Measure": "措施",
    "Measure {id!r} is hidden by the filters above; showing another.": (
        "措施 {id!r} 被上方筛选隐藏，改为显示其他措施。"
    ),
    "**Communiqué task {n}**": "**公报任务 {n}**",
    "Key phrase": "关键表述",
    "Also carries out: ": "同时落实：",
    "Announced **{date}** ({weekday}), {timing}": "发布于 **{date}**（{weekday}），{timing}",
    "Monday": "星期一",
    "Tuesday": "星期二",
    "Wednesday": "星期三",
    "Thursday": "星期四",
    "Friday": "星期五",
    "Saturday": "星期六",
    "Sunday": "星期日",
    "Date uncertain: between {first} and {last}": "日期不确定：介于 {first} 与 {last} 之间",
    "Event session t0: **{date}**": "事件交易日 t0：**{date}**",
    "Effective {date}": "生效于 {date}",
    "Date confidence: **{confidence}** · from {origin}": "日期可信度：**{confidence}** · 来自{origin}",
    "the shipped catalogue": "内置目录",
    "your measures": "您的措施",
    "Event window [-5, +5] overlaps: ": "事件窗口 [-5, +5] 与以下措施重叠：",
    "Study this measure": "研究该措施",
    "**Segments and how they are measured**": "**所涉板块及其度量方式**",
    "no listed proxy": "无可用代理标的",
    "benchmark {name}": "基准 {name}",
    "market-wide: constant-mean model (no market model of the market on itself)": (
        "全市场：采用常数均值模型（不用市场对自身做市场模型回归）"
    ),
    "No segment (context record).": "无板块（背景记录）。",
    "Add a measure": "添加措施",
    "Import measures": "导入措施",
    "Export catalogue": "导出目录",
    "Your measures": "您的措施",
    "Your measures are kept in your data directory, apart from the shipped catalogue.": (
        "您的措施保存在您的数据目录中，与内置目录分开。"
    ),
    "id (lower-case letters, digits, '-')": "id（小写字母、数字、'-'）",
    "Title (中文)": "标题（中文）",
    "Title (English)": "标题（英文）",
    "Announcement date": "发布日期",
    "Effective date (optional)": "生效日期（可选）",
    "Theme (communiqué task)": "主题（公报任务）",
    "Secondary themes": "次要主题",
    "Key phrase of the communiqué (optional)": "公报关键表述（可选）",
    "Source URL": "来源网址",
    "Note (optional)": "备注（可选）",
    "Add measure": "添加措施",
    "Not added:": "未添加：",
    "Added measure {id}.": "已添加措施 {id}。",
    "A .yaml list of measures or a .csv with the export's columns (lists separated by ';'). "
    "Every error names its row and field; nothing is added unless every row is valid.": (
        "措施的 .yaml 列表，或与导出文件列相同的 .csv（列表用 ';' 分隔）。每个错误都指明行和字段；"
        "只有全部行有效才会添加。"
    ),
    "Measures file": "措施文件",
    "{name}: {n} problem(s); nothing imported.": "{name}：{n} 个问题；未导入任何内容。",
    "Add {n} measure(s)": "添加 {n} 项措施",
    "Added {n} measure(s) from {name}.": "已从 {name} 添加 {n} 项措施。",
    "The whole catalogue (shipped and your measures, ignoring the filters). The same "
    "headless: `python -m data_sources catalogue export [--format csv|yaml]`.": (
        "完整目录（内置和您的措施，不受筛选影响）。命令行：`python -m data_sources catalogue export "
        "[--format csv|yaml]`。"
    ),
    "Catalogue (CSV)": "目录（CSV）",
    "Catalogue (YAML)": "目录（YAML）",
    "These filtered measures (CSV)": "筛选后的措施（CSV）",
    "You have not added measures yet: use the form or import a file.": (
        "您尚未添加措施：请使用表单或导入文件。"
    ),
    "Remove": "删除",
    "Remove this measure": "删除该措施",
    # event study
    "Market model (OLS on the benchmark)": "市场模型（对基准做OLS）",
    "Constant mean": "常数均值",
    "Market-adjusted (R − R_benchmark)": "市场调整（R − R_基准）",
    "Warn (study each as chosen)": "提示（按所选分别研究）",
    "Merge into one event": "合并为一个事件",
    "Drop overlapping measures": "剔除重叠措施",
    "No studyable measure matches the theme filter. Clear the filter in the sidebar, or switch "
    "on 'Include measures with unverified dates'.": (
        "没有符合主题筛选的可研究措施。请清除侧栏筛选，或打开“包含日期未经核实的措施”。"
    ),
    "Choose at least one measure.": "请至少选择一项措施。",
    "All {n} measures of the chosen themes": "所选主题的全部 {n} 项措施",
    "All {n} studyable measures": "全部 {n} 项可研究措施",
    "Study every measure the sidebar's theme filter leaves, as one multi-event study.": (
        "把侧栏主题筛选后剩下的每项措施作为一个多事件研究。"
    ),
    "Add every stored instrument of a segment": "添加某板块全部已存储的标的",
    "Choose a segment": "选择板块",
    "Announced {date} ({timing}) → event session t0 **{t0}** · {theme} · segments: {segments} "
    "· date {confidence}": (
        "发布于 {date}（{timing}）→ 事件交易日 t0 **{t0}** · {theme} · 板块：{segments} · 日期{confidence}"
    ),
    "source": "来源",
    "Defaults to the stored instruments of the segments these measures touch.": (
        "默认为这些措施所涉板块中已存储的标的。"
    ),
    "Benchmark (market) series": "基准（市场）序列",
    "Measure market-wide indices with the constant-mean model": "全市场指数采用常数均值模型",
    "A measure that hits the whole market moves the benchmark too: regressing a broad index on "
    "CSI 300 would remove the very effect. With this on, the instruments of the market-wide "
    "segments (all A-shares, main boards, bonds) use the constant-mean model.": (
        "影响整个市场的措施同样会推动基准：把宽基指数对沪深300回归会把效应本身剔除。"
        "打开此项后，全市场板块（全部A股、主板、债券）的标的采用常数均值模型。"
    ),
    "Measures with overlapping event windows": "事件窗口重叠的措施",
    "Normal-return model": "正常收益模型",
    "Estimation window (sessions before t0)": "估计窗口（t0 之前的交易日）",
    "The normal-return model is fitted on these sessions; it must end before the event window "
    "starts.": "正常收益模型在这些交易日上拟合；它必须在事件窗口开始之前结束。",
    "Event window (sessions)": "事件窗口（交易日）",
    "Choose at least one instrument.": "请至少选择一个标的。",
    "Market-wide, measured with the constant-mean model: {names}.": "全市场标的，采用常数均值模型：{names}。",
    "Every chosen measure was dropped for overlapping another; choose 'Warn' or 'Merge', or "
    "other measures.": "所选措施均因与其他措施重叠而被剔除；请选择“提示”或“合并”，或选择其他措施。",
    "Estimating…": "正在估计…",
    "Cannot run this study: {error}": "无法进行该研究：{error}",
    "These results come from SYNTHETIC DEMO prices: they illustrate the method, not the market.": (
        "这些结果来自合成演示（SYNTHETIC DEMO）价格：仅用于演示方法，不代表市场。"
    ),
    "Nothing could be estimated for this choice; the diagnostics below say why.": (
        "该选择无法估计任何结果；原因见下方诊断。"
    ),
    "{n} events": "{n} 个事件",
    "CAR window": "CAR 窗口",
    "The first is the event window chosen above; the others are the usual windows.": (
        "第一个是上方所选的事件窗口；其余为常用窗口。"
    ),
    "Instrument": "标的",
    "Model": "模型",
    "p (two-sided)": "p（双侧）",
    "Sig.": "显著性",
    "valid estimation returns": "有效估计收益数",
    "event days": "事件日数",
    "SE includes the estimation-error correction (CLM eq. 4.4.17-18); t has L1 − 2 degrees of "
    "freedom under the market model (L1 − 1 otherwise). *** p<0.01, ** p<0.05, * p<0.10. ": (
        "标准误含估计误差修正（CLM 式4.4.17-18）；市场模型下 t 的自由度为 L1 − 2（其他模型为 L1 − 1）。"
        "*** p<0.01，** p<0.05，* p<0.10。"
    ),
    "Daily abnormal returns": "每日异常收益",
    "Trading response": "交易反应",
    "Abnormal volume": "异常成交量",
    "Abnormal volatility": "异常波动率",
    "No volume in these series (imported closes only?), so no abnormal volume.": (
        "这些序列没有成交量（仅导入了收盘价？），因此没有异常成交量。"
    ),
    "Abnormal log volume (constant-mean model)": "异常对数成交量（常数均值模型）",
    "log volume − estimation mean": "对数成交量 − 估计期均值",
    "0 = normal trading; 0.69 = twice the usual volume. Tests in `abnormal_volume_tests.csv`.": (
        "0 = 正常交易；0.69 = 成交量为平常的两倍。检验见 `abnormal_volume_tests.csv`。"
    ),
    "No abnormal volatility could be computed for this study.": "该研究无法计算异常波动率。",
    "Abnormal volatility: AR² / estimation residual variance": "异常波动率：AR² / 估计期残差方差",
    "variance ratio": "方差比",
    "Aggregate tests": "汇总检验",
    "Across the chosen instruments, per measure (and pooled when several). With one event date "
    "shared by all instruments, as for policy measures, read the Kolari–Pynnönen adjusted BMP "
    "(kp_bmp_t): it allows for cross-correlation.": (
        "跨所选标的，按措施（多项时另有合并）。像政策措施这样所有标的共享同一事件日时，"
        "请看 Kolari–Pynnönen 调整的 BMP（kp_bmp_t）：它考虑了截面相关。"
    ),
    "Cross-sectional tests (t, BMP, Kolari–Pynnönen) need at least two instruments; with one "
    "they are left empty.": "截面检验（t、BMP、Kolari–Pynnönen）至少需要两个标的；只有一个时留空。",
    "All statistics, daily and per window": "全部统计量（逐日及按窗口）",
    "Placebo test": "安慰剂检验",
    "The same CAR at up to {n} pseudo-event sessions (seeded) whose window overlaps no "
    "catalogue measure; p = share of placebo CARs at least as extreme as the observed one. "
    "Needs no assumption about cross-correlation.": (
        "在至多 {n} 个（固定随机种子的）伪事件交易日上计算同样的 CAR，其窗口不与任何目录措施重叠；"
        "p = 至少与实际值一样极端的安慰剂 CAR 的比例。无需对截面相关作任何假设。"
    ),
    "Series": "序列",
    "Diagnostics": "诊断",
    "Downloads": "下载",
    "UTF-8 with BOM (opens in Excel with Chinese intact); every file carries method, data_mode "
    "and data_vintage columns.": (
        "UTF-8 带 BOM（在 Excel 中打开中文不乱码）；每个文件都带有 method、data_mode 和 data_vintage 列。"
    ),
    "Everything as one ZIP (all CSVs + parameters.json)": "全部打包为一个ZIP（所有CSV + parameters.json）",
    # themes
    "Themes × segments": "主题 × 板块",
    "Cumulative average abnormal return (CAAR) of every dated measure, by communiqué task "
    "(rows) and the market segment it touches (columns). Each measure is studied on its "
    "segment's instruments against the segment benchmark (market model, estimation "
    "[−250, −11]); market-wide segments use the constant-mean model. Stars: * p<0.10, "
    "** p<0.05, *** p<0.01 (see *test* in the table for which test a cell uses).": (
        "每项有日期措施的累计平均异常收益（CAAR），按公报任务（行）和所涉市场板块（列）汇总。"
        "每项措施在其板块的标的上、相对板块基准研究（市场模型，估计窗口 [−250, −11]）；全市场板块采用常数均值模型。"
        "星号：* p<0.10，** p<0.05，*** p<0.01（各单元格所用检验见表中 *test*）。"
    ),
    "No studyable measure matches the theme filter. Clear the filter in the sidebar.": (
        "没有符合主题筛选的可研究措施。请清除侧栏中的筛选。"
    ),
    "CAR window (sessions around t0)": "CAR 窗口（t0 前后的交易日）",
    "Model for segments with a benchmark": "有基准板块所用的模型",
    "Market model": "市场模型",
    "Market-adjusted": "市场调整",
    "Studying every measure on every segment it touches…": "正在对每项措施所涉的每个板块进行研究…",
    "No measure could be studied on the stored data. Fetch or import prices on the **Data** "
    "page.": "已存储的数据无法研究任何措施。请在 **数据** 页获取或导入价格。",
    "{m} measure(s), {n} pair(s)": "{m} 项措施，{n} 个配对",
    "CAAR over [{a}, {b}] sessions, %": "[{a}, {b}] 交易日的 CAAR，%",
    "Segment": "板块",
    "Cell (or click one in the heat-map)": "单元格（或在热力图中点击）",
    "Open these measures in the Event study": "在事件研究中打开这些措施",
    "Heat-map cells as CSV": "热力图单元格（CSV）",
    "These pairs (CSV)": "这些配对（CSV）",
    "Stored series (CSV)": "已存储的序列（CSV）",
    "Not studied ({n})": "未研究（{n}）",
    # data
    "Stored series": "已存储的序列",
    "The store is empty. Fetch from akshare or import a file below.": (
        "存储为空。请在下方从 akshare 获取或导入文件。"
    ),
    "Provenance": "出处",
    "First session": "首个交易日",
    "Last session": "最后交易日",
    "Rows": "行数",
    "Fetched / generated (UTC)": "获取/生成时间（UTC）",
    "Last error": "最近错误",
    "live akshare": "实时 akshare",
    "SYNTHETIC DEMO": "合成演示 SYNTHETIC DEMO",
    "akshare": "akshare",
    "imported file": "导入的文件",
    "—": "—",
    "Cancel": "取消",
    "Starting…": "正在开始…",
    "{name}: {fetched:,} rows fetched from {start}, {stored:,} stored": (
        "{name}：自 {start} 起获取 {fetched:,} 行，存储 {stored:,} 行"
    ),
    "Cancelled {what}: {ok} of {total} series stored before the cancel; the rest keep their "
    "stored data.": "已取消{what}：取消前已存储 {total} 条中的 {ok} 条；其余保持原有存储数据。",
    "{n} of {total} failed ({symbols}); their stored data are unchanged.": (
        "{total} 条中有 {n} 条失败（{symbols}）；其存储数据未改变。"
    ),
    "Fetched {n} series ({what}).": "已获取 {n} 条序列（{what}）。",
    "Fetch all {n} from akshare": "从 akshare 获取全部 {n} 条",
    "Fetch from akshare": "从 akshare 获取",
    "Downloads daily bars from Eastmoney through akshare (indices unadjusted; C-REITs "
    "back-adjusted, 后复权, so distributions are not read as price drops). A fetched series "
    "replaces that instrument's demo series. Needs a network connection; on failure the stored "
    "data stay as they are.": (
        "通过 akshare 从东方财富下载日线（指数不复权；公募REITs后复权，以免分红被误读为价格下跌）。"
        "获取的序列会替换该标的的演示序列。需要联网；失败时存储数据保持不变。"
    ),
    "Instruments to fetch": "要获取的标的",
    "Preselected: the instruments of the segments touched by the measures of the themes chosen "
    "in the sidebar.": "已预选：侧栏所选主题的措施所涉板块的标的。",
    "Fetch now": "立即获取",
    "selected instruments": "所选标的",
    "Fetch every firm of an index": "获取指数的全部成分股",
    "Constituent lists are today's snapshot: firms that have since left the index are missing, "
    "so past events studied over them carry survivorship bias.": (
        "成分股名单是当前快照：已退出指数的公司不在其中，因此用它研究过去的事件存在幸存者偏差。"
    ),
    "CSI index code": "中证指数代码",
    "e.g. 399975 securities companies, 399986 banks": "如 399975 证券公司、399986 中证银行",
    "List constituents": "列出成分股",
    "constituents of {index}": "{index} 的成分股",
    "Fetch every listed C-REIT": "获取全部上市公募REITs",
    "The full list from Eastmoney, page by page (akshare's `reits_realtime_em` stops at 100 "
    "rows). Histories are back-adjusted (后复权), so distributions are not read as price drops. "
    "Headless: `python -m data_sources refresh --all-creits`.": (
        "从东方财富逐页获取完整名单（akshare 的 `reits_realtime_em` 只到100行为止）。"
        "历史价格为后复权，以免分红被误读为价格下跌。命令行：`python -m data_sources refresh --all-creits`。"
    ),
    "List C-REITs": "列出公募REITs",
    "every listed C-REIT": "全部上市公募REITs",
    "Import your own price files": "导入您自己的价格文件",
    "CSV or Excel with a date and a close column (date, close[, open, high, low, volume, "
    "amount]); exports of akshare, Wind, Choice, iFinD, baostock and tushare are recognised "
    "(日期/交易日期, 收盘/收盘价(元), trade_date, …); UTF-8, UTF-16 or GBK. The series name "
    "defaults to the file name without its extension. Headless: `python -m data_sources import "
    "FILE …`.": (
        "含日期列和收盘价列的 CSV 或 Excel（`date, close[, open, high, low, volume, amount]`）；"
        "可识别 akshare、Wind、Choice、iFinD、baostock 和 tushare 的导出（日期/交易日期、收盘/收盘价(元)、"
        "trade_date 等）；UTF-8、UTF-16 或 GBK 编码。序列名默认为不含扩展名的文件名。"
        "命令行：`python -m data_sources import FILE …`。"
    ),
    "Price files": "价格文件",
    "Series name for {name}": "{name} 的序列名",
    "{name}: {rows:,} rows, {first} to {last}": "{name}：{rows:,} 行，{first} 至 {last}",
    "; skipped {n} dated rows with no values (sessions without data)": (
        "；跳过了 {n} 行只有日期没有数值的记录（无数据的交易日）"
    ),
    "Save {n} file(s) to the store": "将 {n} 个文件存入存储",
    "{symbol}: {rows:,} rows stored from {name}": "{symbol}：已从 {name} 存储 {rows:,} 行",
    "Remove a series": "删除序列",
    "Remove from the store": "从存储中删除",
    "Yes, delete {name} and its stored rows": "确认删除 {name} 及其存储的数据",
    "Removed {name}.": "已删除 {name}。",
    # method
    "Current data mode: **{mode}**": "当前数据模式：**{mode}**",
    "**Timing.** Relative days count Shanghai (XSHG) sessions from `exchange_calendars`. t0 is "
    "the first session at or after the moment the market could react: weekend, holiday and "
    "after-15:00 releases move to the next session. A missing close (suspension) makes that "
    "return missing; it never books a multi-day return on one day.\n\n**Normal returns**, fitted "
    "by OLS over the estimation window [T0+1, T1] (default [−250, −11], at least 120 valid "
    "returns):": (
        "**时点。** 相对日按 `exchange_calendars` 的上海（XSHG）交易日计数。t0 是市场能够作出反应之时或之后的"
        "第一个交易日：周末、节假日及15:00后发布的顺延至下一交易日。缺失的收盘价（停牌）使该日收益缺失，"
        "绝不会把多日收益记在一天。\n\n**正常收益**，在估计窗口 [T0+1, T1]（默认 [−250, −11]，"
        "至少120个有效收益）上以OLS拟合："
    ),
    "(Campbell, Lo & MacKinlay 1997, eq. 4.4.17–18; MacKinlay 1997.) A benchmark is never "
    "regressed on itself, and market-wide indices (segments without a benchmark) use the "
    "constant-mean model, so a measure that moves the whole market is not removed with it."
    "\n\n**Aggregate tests** across events and instruments (the *tests* table): cross-sectional "
    "t; crude dependence adjustment (Brown & Warner 1980, 1985); Patell (1976) Z; Boehmer, "
    "Musumeci & Poulsen (1991) t; their Kolari & Pynnönen (2010) cross-correlation adjustments; "
    "J1/J2 (Campbell, Lo & MacKinlay 1997); Lamb; Corrado (1989) rank and the modified rank "
    "test; sign tests incl. Cowan's (1992) generalised sign; Wilcoxon signed rank. Optional "
    "Benjamini–Hochberg adjustment over many tests.\n\n**Placebo.** For one measure, 1,000 "
    "pseudo-event sessions drawn outside every catalogue event window give the CAR "
    "distribution under no event; p = share of |placebo CAR| ≥ |observed CAR|.\n\n**Abnormal "
    "volume** is the abnormal log volume under the constant-mean model; **abnormal volatility** "
    "the ratio of event-window squared ARs to the estimation residual variance.\n\n**Themes × "
    "segments.** Each measure is studied on the instruments of every segment it touches; a cell "
    "averages a measure's CARs over the segment's instruments first (they react to the same "
    "news on the same day), then tests the mean across measures with the cross-sectional t on "
    "N − 1 degrees of freedom. A single measure on a single instrument shows its own CAR "
    "t-test; a single measure on several instruments has no valid test without their "
    "covariance and shows none.": (
        "（Campbell、Lo 与 MacKinlay 1997，式4.4.17–18；MacKinlay 1997。）基准绝不对自身回归；"
        "全市场指数（无基准的板块）采用常数均值模型，因此影响整个市场的措施不会随基准一起被剔除。\n\n"
        "**汇总检验**（跨事件和标的，见 *tests* 表）：截面 t；粗略相依调整（Brown 与 Warner 1980、1985）；"
        "Patell（1976）Z；Boehmer、Musumeci 与 Poulsen（1991）t；及其 Kolari 与 Pynnönen（2010）截面相关调整；"
        "J1/J2（Campbell、Lo 与 MacKinlay 1997）；Lamb；Corrado（1989）秩检验及修正秩检验；"
        "符号检验，含 Cowan（1992）广义符号检验；Wilcoxon 符号秩检验。可选 Benjamini–Hochberg 多重检验调整。\n\n"
        "**安慰剂。** 对单项措施，在所有目录事件窗口之外抽取1,000个伪事件交易日，得到无事件时的 CAR 分布；"
        "p = |安慰剂 CAR| ≥ |实际 CAR| 的比例。\n\n**异常成交量**是常数均值模型下的异常对数成交量；"
        "**异常波动率**是事件窗口 AR 平方与估计期残差方差之比。\n\n**主题 × 板块。** 每项措施在其所涉每个板块的"
        "标的上研究；单元格先把一项措施在板块各标的上的 CAR 取平均（它们在同一天对同一消息作出反应），"
        "再以 N − 1 自由度的截面 t 检验各措施的均值。单项措施单个标的时显示其自身的 CAR t 检验；"
        "单项措施多个标的时，若无其协方差则没有有效检验，故不显示。"
    ),
    "**Validation** (`tests/test_validation.py`): estudy2 0.10.0's COVID-19 example to 6 "
    "significant digits; the textbook values of the same example; the Python `eventstudy` "
    "package's AAPL table; statsmodels OLS on real ChiNext/CSI 300 data.": (
        "**验证**（`tests/test_validation.py`）：estudy2 0.10.0 的 COVID-19 示例精确到6位有效数字；"
        "同一示例的教科书数值；Python `eventstudy` 包的 AAPL 表；基于真实创业板/沪深300数据的 statsmodels OLS。"
    ),
    "References": "参考文献",
    "Data provenance": "数据来源",
    "Prices come from akshare (Eastmoney, Shenwan Hongyuan and CSI endpoints; stocks, ETFs and "
    "C-REITs back-adjusted, 后复权; indices as published), from your imported files, or from "
    "the SYNTHETIC demo (GARCH(1,1) market factor with t(5) shocks on real Shanghai sessions; "
    "no policy effect planted). Every CSV carries `data_mode` and `data_vintage` columns.": (
        "价格来自 akshare（东方财富、申万宏源和中证指数接口；股票、ETF和公募REITs为后复权；指数为发布值）、"
        "您导入的文件，或合成演示数据（真实上海交易日上的 GARCH(1,1) 市场因子与 t(5) 冲击；未植入政策效应）。"
        "每个CSV都带有 `data_mode` 和 `data_vintage` 列。"
    ),
    "The store is empty: fetch or import prices on the **Data** page.": (
        "存储为空：请在 **数据** 页获取或导入价格。"
    ),
    "CSV columns": "CSV 列",
    "Column names are English snake_case in every language of the dashboard, so scripts can "
    "read any download. Files are UTF-8 with a byte-order mark; cells that a spreadsheet would "
    "run as a formula are prefixed with `'`.": (
        "无论界面语言如何，列名都是英文 snake_case，便于脚本读取任何下载文件。文件为带字节顺序标记（BOM）的"
        "UTF-8；电子表格会当作公式执行的单元格前加 `'`。"
    ),
    # damaged store (issue 11 items 1 and 3)
    "Damaged store file(s): {files}. Every other series is still served; the **Data** page "
    "can move them aside and lists what to re-fetch.": "存储中有损坏的文件：{files}。其他序列照常可用；"
    "可在 **数据** 页将其移到隔离区，并查看需要重新获取的序列。",
    "Damaged files": "损坏的文件",
    "{n} stored file(s) are damaged. Every other series is still served; the series they held "
    "are left out until they are fetched or imported again.": "有 {n} 个存储文件已损坏。其他序列照常可用；"
    "这些文件中的序列在重新获取或导入之前不会被使用。",
    "File": "文件",
    "What is wrong": "问题",
    "Series it held": "其中的序列",
    "Yes, move these files aside into the quarantine folder (nothing is deleted)": (
        "确认将这些文件移到隔离文件夹（不会删除任何文件）"
    ),
    "Move aside (quarantine)": "移到一旁（隔离）",
    "Moved {n} damaged file(s) aside into {folder}; nothing was deleted.": (
        "已将 {n} 个损坏的文件移到 {folder}；没有删除任何文件。"
    ),
    "Series to re-fetch or re-import": "需要重新获取或导入的序列",
    "Held by damaged files that were moved aside into the quarantine folder; each leaves this "
    "list once it is stored again.": "这些序列原在已移入隔离文件夹的损坏文件中；重新存储后即从此列表移除。",
    "How to get it back": "恢复方法",
    "Fetch these {n} from akshare": "从 akshare 获取这 {n} 个序列",
    "series to re-fetch": "需要重新获取的序列",
    "{file} was damaged: it was moved aside to {target} before writing.": (
        "{file} 已损坏：写入前已将其移到 {target}。"
    ),
    "Could not move the damaged files aside: {error}": "无法将损坏的文件移到一旁：{error}",
    # -- family "reach" (issue 14): a refresh stopped because the source throttles -------------
    "The source is throttling this connection (instruments in a row were disconnected, refused "
    "or timed out), so the refresh stopped; {n} not attempted ({symbols}). Try again in 30 "
    "minutes or more.": (
        "数据源正在限制本连接（连续多个品种的请求被断开、拒绝或超时），刷新已停止；"
        "{n} 个未尝试（{symbols}）。请 30 分钟或更久之后再试。"
    ),
    # -- issue 11, family "catalogue" (user measures file, source tiers, limits) --
    " … and {n} more": " …… 另有 {n} 项",
    "Your measures file {path} is left out until it is fixed or moved aside; adding, importing "
    "and removing measures are blocked so that nothing in it is overwritten. Earlier versions "
    "are kept in {backups}.": (
        "您的措施文件 {path} 在修复或移走之前不会载入；为避免覆盖其中内容，添加、导入和删除措施均已暂停。"
        "较早的版本保存在 {backups}。"
    ),
    # price imports (issue 11: dates, impossible prices, look-alike symbols, duplicate names)
    "Date format": "日期格式",
    "inferred from the column": "按整列推断",
    "day/month/year (31/12/2024)": "日/月/年（31/12/2024）",
    "month/day/year (12/31/2024)": "月/日/年（12/31/2024）",
    "day.month.year (31.12.2024)": "日.月.年（31.12.2024）",
    "day-month-year (31-12-2024)": "日-月-年（31-12-2024）",
    "month-day-year (12-31-2024)": "月-日-年（12-31-2024）",
    "Inferred from the whole column by default; a column such as 10/01/2024 … 12/01/2024 "
    "fits both day/month/year and month/day/year and is refused until you choose.": (
        "默认按整列推断；像 10/01/2024 … 12/01/2024 这样的列既符合日/月/年也符合月/日/年，"
        "在您选择之前将被拒绝。"
    ),
    "; emptied open/high/low of {n} rows where they contradict each other or the "
    "close (close kept; first: {first})": (
        "；{n} 行的开盘/最高/最低价相互矛盾或与收盘价矛盾，已置空（保留收盘价；首个：{first}）"
    ),
    # study inputs (issue 11 items 4 and 7): why nothing could be estimated
    "Nothing could be estimated for this choice: {reasons}. The diagnostics below list every "
    "instrument and measure.": "此选择无法估计任何结果：{reasons}。下方诊断表列出了每个标的与措施。",
    # issue 11 item 8, "calendar end": sessions past exchange_calendars' last session
    "the official akshare calendar fetched {date}": "经 akshare 获取的官方日历（{date} 获取）",
    "the stored series (days on which a stored akshare series has a bar)": (
        "已存序列（有已存 akshare 序列行情的日子）"
    ),
    "weekdays (no holidays known)": "工作日（节假日未知）",
    "Sessions after {end} are from {sources}.": "{end} 之后的交易日来自{sources}。",
    ", then ": "，其后为",
    "{source} (to {last})": "{source}（至 {last}）",
    "No inferred sessions.": "没有推断的交易日。",
    "Trading calendar": "交易日历",
    "exchange_calendars knows Shanghai sessions to {end}. Later sessions come from the "
    "official calendar fetched through akshare (kept with the data), else from the days "
    "your stored akshare series have bars, else from weekdays. `python -m data_sources "
    "refresh` fetches it too.": (
        "exchange_calendars 所知的上海交易日截至 {end}。其后的交易日依次取自：经 akshare 获取的官方日历"
        "（随数据保存）；否则为已存 akshare 序列有行情的日子；否则为工作日。"
        "`python -m data_sources refresh` 也会获取该日历。"
    ),
    "Fetch the official calendar": "获取官方日历",
    "The stored calendar {path} cannot be read and is ignored; fetch it again.": (
        "已存日历 {path} 无法读取，已忽略；请重新获取。"
    ),
    "The calendar was not fetched: {error}": "未能获取日历：{error}",
    "Calendar stored: {n} sessions to {last}.": "日历已保存：{n} 个交易日，截至 {last}。",
    "**After the calendar's end.** exchange_calendars lists Shanghai holidays only to "
    "{end}. Later sessions are inferred, in this order: the official SSE calendar fetched "
    "through akshare (`tool_trade_date_hist_sina`, Sina's copy; stored with the data by "
    "the Data page or `python -m data_sources refresh`); else the days on which your "
    "stored akshare series have bars (the synthetic demo adds nothing, it is generated on "
    "the library's sessions, and imported files may follow another market's holidays); "
    "else every weekday, holidays unknown. Each source covers the days after the previous "
    "one ends, to 31 December {horizon}. A study whose data reach inferred sessions says "
    "so in its notes, and t0 follows the same rule on the inferred sessions. Sina may list "
    "days not yet announced as holidays as sessions: fetch again once the State Council "
    "publishes the next year's holidays.": (
        "**日历终点之后。** exchange_calendars 仅列出至 {end} 的上海节假日。其后的交易日为推断，"
        "依次取自：经 akshare 获取的上交所官方日历（`tool_trade_date_hist_sina`，新浪的副本；由数据页或 "
        "`python -m data_sources refresh` 随数据保存）；否则为你已存的 akshare 序列有行情的日子"
        "（合成演示数据不计入，它按库内交易日生成；导入文件可能遵循其他市场的节假日）；否则为所有工作日，"
        "节假日未知。每个来源接续前一来源结束之后的日子，直至 {horizon} 年 12 月 31 日。数据涉及推断交易日的"
        "研究会在说明中注明，t0 在推断交易日上遵循同一规则。新浪可能把尚未公布的节假日列为交易日："
        "国务院公布下一年节假日后请重新获取。"
    ),
}

# The CSV column glossary (analysis/glossary.py) shown on the Method page.
from analysis.glossary import COLUMN_GLOSSARY  # noqa: E402

_GLOSSARY_ZH = {
    "instrument": "序列的规范代码（000300.SH、399006.SZ、508000.SH、BK0473.EM 等）",
    "event_id": "政策措施的目录 id",
    "event_date": "措施的发布日期",
    "event_session": "t0：能对发布作出反应的第一个上海交易日",
    "rel_day": "相对 t0 的交易日（0 = t0，−1 = 前一交易日）",
    "date": "该交易日的日历日期",
    "return": "标的的简单（或对数）收盘到收盘收益",
    "expected_return": "在估计窗口上拟合的模型所预测的正常收益",
    "abnormal_return": "AR = return − expected_return",
    "car": "窗口内的累计异常收益（AR 之和）",
    "sar": "标准化 AR：AR 除以其预测误差标准差",
    "scar": "标准化 CAR：CAR / car_se",
    "model": "实际使用的正常收益模型（market、constant-mean、market-adjusted）",
    "window_start": "CAR 窗口的第一个相对交易日",
    "window_end": "CAR 窗口的最后一个相对交易日",
    "n_estimation": "估计窗口中的有效收益数（L1）",
    "alpha": "正常收益模型的截距（每交易日）",
    "beta": "对基准收益的斜率（市场模型）",
    "sigma": "估计窗口残差的标准差",
    "car_se": "CAR 的标准误（CLM 1997 式4.4.17–18，含估计误差）",
    "t_stat": "检验统计量（CAR / car_se；主题单元格为截面 t）",
    "p_value": "该统计量的双侧 p 值",
    "n_event_days": "窗口内有收益的交易日数",
    "dof": "所用 t 分布的自由度",
    "status": "ok，或某事件 × 标的配对被跳过或改变的原因",
    "reason": "状态背后的解释",
    "statistic": "汇总检验的名称（patell_z、bmp_t、corrado_rank_z 等）",
    "value": "该检验统计量的值",
    "n": "检验所用的观测数（crosssection.csv：回归中的配对数）",
    "draw": "安慰剂抽样编号",
    "observed_car": "真实事件前后的 CAR",
    "placebo_mean": "安慰剂伪事件 CAR 的均值",
    "placebo_sd": "安慰剂 CAR 的标准差",
    "n_draws": "安慰剂伪事件数",
    "volatility_ratio": "事件窗口 AR 平方与估计窗口残差方差之比",
    "mean_ratio": "各配对波动率比的均值",
    "theme": "措施的公报任务（T1–T9）",
    "segment": "措施所涉的市场板块（ALL、CHN、BRK、REIT 等）",
    "n_measures": "主题 × 板块单元格中的措施数",
    "n_pairs": "单元格中的措施 × 标的配对数",
    "caar": "单元格的累计平均异常收益",
    "test": "单元格 t_stat 与 p_value 所用的检验",
    "measure_ids": "单元格中措施的目录 id",
    "instruments": "单元格中研究的标的",
    "method": "元数据：模型、窗口、方差与检验约定",
    "data_mode": "元数据：`SYNTHETIC DEMO`、`stored akshare data (as of …)`、导入文件等",
    "data_vintage": "元数据：每条序列的来源及获取时间",
}
ZH.update({COLUMN_GLOSSARY[column]: text for column, text in _GLOSSARY_ZH.items()})
# -- issue 11, hostile content in the dashboard (user text shown as text, uploads, language) --
ZH.update(
    {
        "Data directory: {path}": "数据目录：{path}",
        "URL parameter {setting} was ignored: {error}.": "已忽略网址参数 {setting}：{error}。",
        "{rows:,} rows in {n} series · store: {root}": "{n} 条序列共 {rows:,} 行 · 存储：{root}",
        "Series name {series} is given to {files}: one would overwrite the other. Give each "
        "file its own series name; nothing is saved until they differ.": (
            "序列名 {series} 同时给了 {files}：一个会覆盖另一个。请为每个文件取不同的序列名；"
            "在它们不同之前不保存任何文件。"
        ),
    }
)
# -- engine (issue 12, item 2): the abnormal volume tables name their columns for log volume --
ZH.update(
    {
        COLUMN_GLOSSARY[column]: text
        for column, text in {
            "log_volume": "该交易日成交量的自然对数（成交量为零或缺失：视为缺失）",
            "expected_log_volume": "估计窗口内对数成交量的均值（常数均值模型）",
            "abnormal_log_volume": "log_volume − expected_log_volume（0.69 = 成交量为平常的两倍）",
            "cumulative_abnormal_log_volume": "截至当日（或窗口内）异常对数成交量之和",
            "standardised_abnormal_log_volume": "异常对数成交量除以其预测误差标准差",
            "mean_log_volume": "估计窗口内对数成交量的均值",
            "cumulative_abnormal_log_volume_se": "累计异常对数成交量的标准误",
            "standardised_cumulative_abnormal_log_volume": "累计异常对数成交量除以其标准误",
        }.items()
    }
)
# -- statistics (issue 13 point 7, H5): df per conventions, KP r̄ rule, exact Wilcoxon, placebo --
ZH.update(
    {
        "**Degrees of freedom.** The CAR t uses L1 − k: k = 2 for the market model, 1 for "
        "the constant-mean and market-adjusted models (textbook conventions). Under the "
        "estudy2 and eventstudy conventions (σ̂ with divisor L1 − 1 or L1) it uses L1 − 1. "
        "Cross-sectional and BMP tests use N − 1.\n\n"
        "**Cross-correlation (Kolari–Pynnönen).** r̄ averages the correlations of the "
        "estimation-window abnormal returns over the pairs of series that share at least 30 "
        "estimation sessions (calendar-aligned) and vary there; the other pairs, e.g. "
        "events far apart when several are pooled, count as uncorrelated, so the "
        "adjustment 1 + (N − 1)·r̄ counts exactly the pairs averaged. With a single series "
        "(N = 1) the factor is 1 and the adjusted test is the unadjusted one.\n\n"
        "**Wilcoxon signed rank.** Zeros are dropped. With fewer than 10 values the p-value "
        "is exact (all 2^N sign patterns; with tied values, of their average ranks); from "
        "10 on, the normal approximation with tie correction.\n\n"
        "**Placebo draws** count for a series only when every session of its event window "
        "has a return and its estimation window is full; the average CAR only when every "
        "series has one.": (
            "**自由度。** CAR 的 t 检验使用 L1 − k：市场模型 k = 2，常数均值模型和市场调整模型 "
            "k = 1（教科书约定）。在 estudy2 和 eventstudy 约定下（σ̂ 的除数为 L1 − 1 或 L1）"
            "使用 L1 − 1。截面检验和 BMP 检验使用 N − 1。\n\n"
            "**截面相关（Kolari–Pynnönen）。** r̄ 是估计窗口异常收益率的相关系数的平均值，"
            "只取在至少 30 个共同估计交易日（按日历对齐）上都有变动的序列对；其余序列对"
            "（例如合并多个事件时相隔很远的事件）视为不相关，因此调整项 1 + (N − 1)·r̄ "
            "计入的恰好是参与平均的序列对。只有一个序列（N = 1）时调整因子为 1，"
            "调整后的检验即未调整的检验。\n\n"
            "**Wilcoxon 符号秩检验。** 剔除零值。少于 10 个值时 p 值为精确值（枚举全部 2^N "
            "种符号组合；有并列值时按其平均秩）；10 个及以上用带并列校正的正态近似。\n\n"
            "**安慰剂抽样** 只有当某序列事件窗口内每个交易日都有收益率且估计窗口完整时才计入"
            "该序列；平均 CAR 只有当每个序列都有值时才计入。"
        ),
        COLUMN_GLOSSARY["dof"]: (
            "CAR t 检验的自由度：教科书约定下为 L1 − k（市场模型 k = 2，常数均值或市场调整"
            "模型 k = 1），estudy2 和 eventstudy 约定下为 L1 − 1"
        ),
        COLUMN_GLOSSARY["standardised_abnormal_log_volume"]: (
            "异常对数成交量除以其预测误差标准差 σ·sqrt(1 + 1/L1)（eventstudy 约定下仅为 σ）"
        ),
        COLUMN_GLOSSARY["method"]: (
            "元数据：模型、窗口、方差与检验约定（abnormal_volume 文件：对数成交量模型）"
        ),
    }
)
# -- H4 overlaps (issue 13, item 5): clusters, same-session merges, contaminated estimation ----
ZH.update(
    {
        "Leave other measures' event windows out of the estimation window": (
            "从估计窗口中剔除其他措施的事件窗口"
        ),
        "Sessions of the estimation window that fall in another catalogue measure's event "
        "window (or another chosen event's) would put that measure's reaction into the "
        "normal-return model. With this on they are left out of that event's estimation "
        "sample (its L1, the CAR variance and the t-test's degrees of freedom count the "
        "sessions that remain); either way a note names them.": (
            "估计窗口中落入其他目录措施（或其他所选事件）事件窗口的交易日，会把该措施的市场反应"
            "带入正常收益模型。开启后，这些交易日从该事件的估计样本中剔除（其 L1、CAR 方差和 t "
            "检验的自由度按剩余交易日计算）；无论开启与否，说明中都会列出这些交易日。"
        ),
        "Studied as (overlap cluster)": "研究时所属（重叠簇）",
        "{m} measure(s) in {c} overlap cluster(s), {n} pair(s)": (
            "{m} 项措施，分属 {c} 个重叠簇，{n} 个配对"
        ),
        "Overlapping events": "重叠事件",
        COLUMN_GLOSSARY["n_clusters"]: "单元格中的重叠簇数：其观测数（窗口重叠的措施只计一次）",
        COLUMN_GLOSSARY["cluster"]: "措施研究时所属的事件：其重叠簇（id 以 + 连接）",
    }
)
ZH.update(
    {
        "Two events overlap when their event windows [t0 + a, t0 + b] share a s"
        "ession, i.e. their t0 are at most b − a sessions apart. One module (`a"
        "nalysis.overlaps`) decides for the command line, the Event study and t"
        "he Themes page.\n\n**Clusters.** All events (the catalogue's studyable m"
        "easures and the study's own dates) are taken in session order. A clust"
        "er starts at the first event not yet in one and takes every later even"
        "t whose t0 lies inside that first event's window, i.e. at most b sessi"
        "ons after the cluster's first t0; the next event starts a new cluster."
        " Clusters never chain: with the window [−5, +5], the July–August 2020 "
        "measures (2020-07-13 … 2020-08-24, 30 sessions) form four clusters ins"
        "tead of one event, while 2024-09-24 and 2024-09-26 form one. A cluster"
        " does not depend on which measures a study chose. Events of neighbouri"
        "ng clusters can still overlap; the notes name them.\n\n**Overlap rule** "
        "of a study: *warn* studies each event and names its cluster; *merge* s"
        "tudies each cluster as one event at its first session (ids joined with"
        " “+”), so every member's t0 is inside the merged window; *drop* leaves"
        " out every chosen event whose window overlaps another's.\n\n**One sessio"
        "n, one event.** Dates that map to the same session (a weekend and the "
        "Monday, 2024-02-10 and 2024-02-18 → 2024-02-19) are one observation: u"
        "nder *warn* and *merge* they are studied as one event (ids joined with"
        " “+”) with a note; under *drop* both are dropped, and a study left wit"
        "h no event is refused with a message naming them. Counting one session"
        " twice would double N with identical values.\n\n**Themes.** Each segment"
        " is studied with *merge*: a cell averages and tests one observation pe"
        "r cluster (the mean over the segment's instruments of the cluster's CA"
        "R), and says how many clusters and measures it pools; 2024-09-24 and 2"
        "024-09-26 are one observation, not two.\n\n**Contaminated estimation win"
        "dows.** When another catalogue measure's event window (or another even"
        "t of the study) falls inside an event's estimation window, the normal-"
        "return model would learn that measure's reaction as normal. The study "
        "names both measures and the sessions (notes and diagnostics) and, by d"
        "efault, leaves those sessions out of that event's estimation sample on"
        "ly: the model is fitted on the remaining sessions, and L1 — hence σ̂²,"
        " the CAR variance and the t-test's degrees of freedom — counts them. T"
        "he placebo leaves those measures' event windows out of its pseudo-event"
        "s' estimation samples the same way, and abnormal volume uses the same "
        "cleaned samples. Switch it off with the Event study checkbox or `--kee"
        "p-contaminated-estimation`.": (
            "两个事件的事件窗口 [t0 + a, t0 + b] 有共同交易日时即为重叠，也就是它们的 t0 相距不超过 b − a 个交易日。命令行、"
            "事件研究和主题页面由同一个模块（`analysis.overlaps`）判定。\n\n**重叠簇。** 所有事件（目录中可研究的措施和研究自己的"
            "日期）按交易日排序。一个簇从尚未归簇的第一个事件开始，收入此后 t0 落在该首个事件窗口内（即距簇首 t0 不超过 b 个交易日）的所有事件"
            "；下一个事件开启新簇。簇不会链式延伸：窗口为 [−5, +5] 时，2020 年 7–8 月的措施（2020-07-13 至 2020-08"
            "-24，30 个交易日）分为四个簇而不是一个事件，而 2024-09-24 与 2024-09-26 同属一簇。簇不取决于研究选了哪些措施。"
            "相邻簇的事件仍可能重叠，说明中会列出。\n\n研究的**重叠规则**：*warn* 分别研究每个事件并说明其所属的簇；*merge* 把每个簇作"
            "为一个事件在其第一个交易日研究（id 以“+”连接），因此每个成员的 t0 都在合并后的窗口内；*drop* 剔除窗口与其他事件重叠的所选事"
            "件。\n\n**一个交易日，一个事件。** 映射到同一交易日的日期（周末与周一，2024-02-10 与 2024-02-18 → 2024-0"
            "2-19）是一个观测：在 *warn* 和 *merge* 下作为一个事件研究（id 以“+”连接）并附说明；在 *drop* 下两者都被剔"
            "除，若研究因此没有事件，则拒绝并列出它们。把同一交易日计两次会以相同数值使 N 翻倍。\n\n**主题。** 每个板块按 *merge* 研究："
            "单元格对每个簇取一个观测（该簇 CAR 在板块各标的上的均值）求平均并检验，并说明汇总了多少个簇和措施；2024-09-24 与 2024-"
            "09-26 是一个观测，而不是两个。\n\n**受污染的估计窗口。** 当其他目录措施（或研究中的其他事件）的事件窗口落在某事件的估计窗口内时，"
            "正常收益模型会把该措施的反应当作正常收益。研究会列出两项措施及相关交易日（说明与诊断），并默认只从该事件的估计样本中剔除这些交易日：模型用其"
            "余交易日拟合，L1——进而 σ̂²、CAR 方差与 t 检验的自由度——按其计数。安慰剂检验以同样方式从伪事件的估计样本中剔除这些措施的事件窗"
            "口，异常成交量使用同样剔除后的样本。可通过事件研究页面的复选框或 `--keep-contaminated-estimation` 关闭。"
        ),
    }
)
# -- issue 13, study framing (H2): citations and source tiers, release timing and an uncertain
# t0, expected signs, segment overrides and data starts --
ZH.update(
    {
        "Sources and timing": "来源与时点",
        "**Citations.** Each measure cites the document itself: issuing body, title (Chinese "
        "and English), document number where one is confirmed (e.g. 国发〔2024〕10号) and "
        "publication date. Addresses are sorted into five tiers (`policy-events.md` §7):\n\n"
        "- **A** official: the issuer or an exchange (csrc.gov.cn, gov.cn, sse.com.cn, "
        "szse.cn, …): linked.\n"
        "- **B** state or major media with editors: linked.\n"
        "- **C** professional: law firms, legal databases, trade press, exchange-news wires: "
        "linked.\n"
        "- **D** reposts on sites that copy news: kept as evidence, shown as plain text "
        "labelled *repost*, never linked.\n"
        "- **E** hijacked or spam domains: never shown, linked, exported or accepted; the "
        "project keeps only SHA-256 digests of their host names.\n\n"
        "An address you enter that is in no tier is kept but shown as plain text "
        "(*unclassified*), never as a link.": (
            "**引用。** 每项措施引用文件本身：发文机关、标题（中文与英文）、已确认的文号"
            "（如 国发〔2024〕10号）和发布日期。网址分为五级（`policy-events.md` §7）：\n\n"
            "- **A** 官方：发文机关或交易所（csrc.gov.cn、gov.cn、sse.com.cn、szse.cn 等）："
            "显示为链接。\n"
            "- **B** 有编辑把关的官方或主要媒体：显示为链接。\n"
            "- **C** 专业来源：律师事务所、法律数据库、行业媒体、交易所新闻通讯：显示为链接。\n"
            "- **D** 转载新闻的网站：作为佐证保留，以纯文本显示并标注 *转载*，从不显示为链接。\n"
            "- **E** 被劫持或垃圾网站：从不显示、链接、导出或接受；项目只保存其主机名的 "
            "SHA-256 摘要。\n\n"
            "您输入的不属于任何一级的网址会保留，但以纯文本显示（*未分级*），从不显示为链接。"
        ),
        "**Release timing and t0.** Each measure records when in the day it was released "
        "(before the open, intraday, after the 15:00 close, on a non-trading day, or unknown) "
        "and how we know it: *stated* (a source gives the hour or day-part, or the day is not "
        "a session), *inferred* (from the next session's reaction only) or *unknown*. t0 is "
        "the first session that could react: after-close and non-trading-day releases move to "
        "the next session; before-open, intraday and unknown releases keep the day itself when "
        "it is a session. The announcement date has its own confidence: verified, approximate "
        "or unverified.\n\n"
        "**Unknown timing.** A measure released on a session day at an unknown time has two "
        "candidate t0s: that day, or the next session after an evening release. The catalogue "
        "table flags it (*t0 uncertain: day or next session*); a study of it says so next to "
        "the result and leads with CAR [0, +1], which covers both days (a requested event "
        "window that does not reach +1 is widened, with a note); the Themes cells measure it "
        "over the chosen window widened to cover t0 and t0+1. Where no source states the "
        "time, the catalogue marks it unknown rather than guess.": (
            "**发布时点与 t0。** 每项措施记录其在一天中的发布时点（开盘前、盘中、15:00 收盘后、"
            "非交易日或未知）以及依据：*有来源说明*（来源给出钟点或时段，或当日不是交易日）、"
            "*推断*（仅根据下一交易日的反应）或*未知*。t0 是第一个可能作出反应的交易日："
            "收盘后和非交易日发布顺延至下一交易日；开盘前、盘中和时点未知的发布，若当日为交易日"
            "则取当日。公告日期另有其可信度：已核实、近似或未核实。\n\n"
            "**时点未知。** 在交易日发布但时点未知的措施有两个候选 t0：当日，或（若为晚间发布）"
            "下一交易日。措施表会标出（*t0 不确定：当日或下一交易日*）；对其的研究会在结果旁说明，"
            "并以覆盖这两天的 CAR [0, +1] 为主要结果（所选事件窗口不含 +1 时会加宽并附说明）；"
            "主题格子对其使用加宽至覆盖 t0 和 t0+1 的所选窗口。没有来源说明时点时，目录标为未知，"
            "不作猜测。"
        ),
        "**Expected signs.** Each shipped measure states, per segment, the sign its response "
        "was expected to have (+, − or ambiguous) with a one-line reason. The study's CAR "
        "table and summary, and each Themes cell, say whether the CAR had that sign (*as "
        "expected* or *opposite*; *ambiguous* when theory cuts both ways). A sign says nothing "
        "about significance: read it with the p-value.": (
            "**预期方向。** 每项随附措施按板块说明其反应的预期方向（+、− 或不确定）及一句理由。"
            "研究的 CAR 表和摘要以及每个主题格子都会说明 CAR 是否符合该方向（*符合预期*或*相反*；"
            "理论上两种方向都可能时为*不确定*）。方向不说明显著性：请结合 p 值阅读。"
        ),
        "**Instruments and benchmarks.** Each segment stands for its market through listed "
        "indices or funds (`segments.yaml`) and is measured against CSI 300 with the market "
        "model; market-wide segments (all A-shares, main boards, bonds) have no benchmark and "
        "use the constant-mean model, so the market is not regressed on itself.\n\n"
        "**Overrides.** A measure can replace its segment's instruments and benchmark: the CSI "
        "1000 futures launch studies CSI 1000 (000852.SH), not every futures underlying. "
        "Studies with no instruments named and the Themes cells use the override.\n\n"
        "**Sector benchmarks.** CSI 300 contains the banks, insurers, brokers and developers "
        "themselves, so a measure that moves a sector moves the benchmark a little too, and the "
        "market model removes that part (about β × the sector's weight in CSI 300) from the "
        "sector's abnormal return: sector CARs are, if anything, understated. No index of the "
        "whole market without the sector could be confirmed among the series akshare serves, "
        "and the market-adjusted model (R − R_CSI300) subtracts the same CSI 300 with β = 1, "
        "so it removes the same sector share and adds the sector's beta error; the sector "
        "segments therefore keep CSI 300 with the market model, and the bias is named here "
        "rather than hidden.\n\n"
        "**Data start.** Some series start after some measures: the first C-REITs traded on "
        "2021-06-21 and the BSE 50 starts on 2022-04-29. A measure whose t0 comes before a "
        "segment's data is flagged in the catalogue table (*no REIT data before 2021-06-21*), "
        "named with its segment and first date in a study's notes, and listed under *Not "
        "studied* on the Themes page, never left as an empty cell.": (
            "**标的与基准。** 每个板块由上市指数或基金代表（`segments.yaml`），以沪深300为基准、"
            "用市场模型度量；全市场板块（全部A股、主板、债券）没有基准，使用常数均值模型，"
            "以免用市场对自身回归。\n\n"
            "**措施自定。** 措施可替换其板块的标的和基准：中证1000股指期货上市研究的是中证1000"
            "（000852.SH），而不是所有期货标的指数。未指定标的的研究和主题格子都采用措施自定的设置。"
            "\n\n"
            "**行业基准。** 沪深300本身包含银行、保险、券商和地产公司，因此使某一行业变动的措施"
            "也会使基准略有变动，市场模型会从该行业的异常收益中去掉这一部分（约为 β × 该行业在"
            "沪深300中的权重）：行业 CAR 即便有偏，也是偏小。在 akshare 提供的序列中，未能确认"
            "剔除该行业的全市场指数；市场调整模型（R − R_沪深300）以 β = 1 减去同一个沪深300，"
            "去掉的是同样的行业份额，还引入行业 β 的误差；因此行业板块仍以沪深300和市场模型度量，"
            "并在此说明这一偏差，而不是隐藏它。\n\n"
            "**数据起点。** 有些序列晚于某些措施才开始：首批公募REITs于 2021-06-21 上市交易，"
            "北证50 始于 2022-04-29。t0 早于某板块数据的措施会在措施表中标出"
            "（*2021-06-21 之前没有 REIT 数据*），在研究的说明中注明其板块和首个日期，并在主题页"
            "列于*未研究*之下，绝不留下空格子。"
        ),
        "(this measure's own instruments or benchmark)": "（本措施自定的标的或基准）",
        "expected sign: {sign}": "预期方向：{sign}",
        "Timing confidence": "时点可信度",
        "Flags": "标记",
        "Citation": "引用",
        "Repost (not linked)": "转载（不链接）",
        "t0 uncertain: released on a session day at an unknown time, so the market could first "
        "react that day or the next session; studies lead with CAR [0, +1], which covers "
        "both.": (
            "t0 不确定：在交易日发布但时点未知，市场可能当日或下一交易日才首次反应；"
            "研究以覆盖这两天的 CAR [0, +1] 为主要结果。"
        ),
        "External shock: not issued by Chinese authorities.": "外部冲击：并非由中国当局发布。",
        "stated: a source gives the hour or day-part (or the day is not a session); inferred: "
        "from the next session's reaction only; unknown: no source says.": (
            "有来源说明：来源给出钟点或时段（或当日不是交易日）；推断：仅根据下一交易日的反应；"
            "未知：没有来源说明。"
        ),
        "t0 uncertain (release time unknown: the day or the next session), external shocks, and "
        "segments whose price data begin after the measure.": (
            "t0 不确定（发布时点未知：当日或下一交易日）、外部冲击，以及价格数据晚于该措施才开始"
            "的板块。"
        ),
        "Linked only for official, major-media or professional sources (tiers A-C).": (
            "仅对官方、主要媒体或专业来源（A–C 级）显示链接。"
        ),
        "A copy on a site that reposts news (tier D).": "转载新闻网站上的副本（D 级）。",
        "Release timing confidence: **{confidence}**": "发布时点可信度：**{confidence}**",
        "no {segment} data before {date}": "{date} 之前没有 {segment} 数据",
        "t0 uncertain: day or next session": "t0 不确定：当日或下一交易日",
        "external shock": "外部冲击",
        "Document or report (tier {tier})": "文件或报道（{tier} 级）",
        "Unclassified address (not linked)": "未分级网址（不链接）",
        "The first is the event window chosen above (CAR [0, +1] when a measure's t0 is "
        "uncertain); the others are the usual windows.": (
            "第一个是上面所选的事件窗口（若某措施的 t0 不确定，则为 CAR [0, +1]）；其余为常用窗口。"
        ),
        "Expected signs: ": "预期方向：",
        "t0 uncertain: released on a session day at an unknown time; the market could first "
        "react on t0 or t0+1.": "t0 不确定：在交易日发布但时点未知；市场可能在 t0 或 t0+1 首次反应。",
        "Expected": "预期",
        "Sign": "方向",
        "The sign the catalogue expects in this segment: +, - or ambiguous.": (
            "目录对该板块预期的方向：+、- 或不确定。"
        ),
        "Whether the CAR had the expected sign.": "CAR 是否符合预期方向。",
        "Expected sign: {hits} of {signed} measures as expected": (
            "预期方向：{signed} 项措施中 {hits} 项符合预期"
        ),
        " ({n} ambiguous: no sign expected)": "（{n} 项不确定：无预期方向）",
        "t0 uncertain (release time unknown) for {ids}: their CAR covers t0 and t0+1.": (
            "{ids} 的 t0 不确定（发布时点未知）：其 CAR 覆盖 t0 和 t0+1。"
        ),
        "Widened to [0, +1] for a measure whose t0 is uncertain.": "t0 不确定的措施加宽至覆盖 [0, +1]。",
        "stated": "有来源说明",
        "inferred": "推断",
        "approximate": "近似",
        "as expected": "符合预期",
        "opposite": "相反",
        "ambiguous": "不确定",
    }
)
ZH.update(
    {
        COLUMN_GLOSSARY[column]: text
        for column, text in {
            "car_window": "该配对的 CAR 窗口：所选窗口，t0 不确定时加宽至覆盖 [0, +1]",
            "t0_uncertain": "在交易日发布但时点未知：t0 或 t0+1，CAR 覆盖两者",
            "expected_sign": "措施对该板块的预期方向：+、- 或不确定",
            "sign_reason": "一句话：为何预期该方向",
            "response": "CAR 是否符合预期方向：符合预期、相反、不确定",
            "n_signed": "格子中有预期方向（+ 或 -）的措施数",
            "n_as_expected": "其中 CAR（各标的平均）符合该方向的措施数",
            "n_ambiguous": "格子中预期方向不确定的措施数",
            "n_t0_uncertain": "格子中 t0 不确定的措施数（CAR 覆盖 t0 和 t0+1）",
        }.items()
    }
)
# -- lead (issue 13): the estimation-contamination pool -----------------------------------------
ZH.update(
    {
        "Only measures that can move the same prices contaminate an estimation window: "
        "those that share a market segment with the event, and those that touch the whole "
        "market (all A-shares or the main boards). A REIT-only measure is not left out of a "
        "bank index's estimation window; a market-wide one is left out of every window. "
        "Counting every measure would push many measures of busy years (2020, 2024) below "
        "the minimum estimation sample. The placebo leaves out the "
        "windows of the same measures (those related to a studied event).": (
            "只有可能影响同一批价格的措施才会污染估计窗口：与该事件有共同市场板块的措施，以及"
            "涉及整个市场（全部A股或主板）的措施。只涉及REITs的措施不会从银行指数的估计窗口中剔除；"
            "全市场措施则从每个估计窗口中剔除。若计入所有措施，繁忙年份（2020、2024 年）的许多措施"
            "的估计样本会低于下限。安慰剂检验剔除的是同一批措施（与所研究事件相关的措施）的事件窗口。"
        ),
    }
)
# -- issue 13, item 4 (H3 prices): suspensions, adjustment, price limits --
ZH.update(
    {
        "Refuse files whose prices look unadjusted (strict)": "拒绝价格看似未复权的文件（严格）",
        "A day-return beyond the board's price limit (±10 % main board, ±20 % ChiNext and STAR, "
        "±30 % BSE, ±5 % ST) in a file without a return or adjustment-factor column means the "
        "prices are unadjusted. Off: such a file is imported flagged “unadjusted” with those "
        "days listed. On: it is refused, naming the days.": (
            "文件没有涨跌幅或复权因子列、且某日收益超出该板块的涨跌幅限制（主板 ±10 %、创业板和"
            "科创板 ±20 %、北交所 ±30 %、ST ±5 %），说明价格未复权。关闭：导入并标记为“未复权”，"
            "列出这些交易日。开启：拒绝导入，并列出这些交易日。"
        ),
        "Prices: {adjustment}": "价格：{adjustment}",
        "{n} suspended session(s) treated as missing (no return): {dates}": (
            "{n} 个停牌交易日按缺失处理（无收益）：{dates}"
        ),
        "{n} day-return(s) break the board's price limit, so the prices look unadjusted (an "
        "ex-rights day read as a price move): {days}. The series is stored flagged as such and "
        "studies list these days in their diagnostics; tick the strict option to refuse such "
        "files.": (
            "{n} 个交易日的收益超出该板块的涨跌幅限制，价格看似未复权（除权除息日被当作价格变动）："
            "{days}。该序列按此标记存储，研究会在诊断中列出这些交易日；勾选严格选项可拒绝此类文件。"
        ),
        "Prices": "价格",
        "Suspended sessions and days beyond the price limit ({n} series)": (
            "停牌交易日及超出涨跌幅限制的交易日（{n} 条序列）"
        ),
        "Suspended sessions": "停牌交易日",
        "Suspended sessions (missing, no return)": "停牌交易日（缺失，无收益）",
        "Day-returns beyond the price limit": "超出涨跌幅限制的日收益",
        "Book the return over a suspension on the resumption day": "将停牌期间的收益计入复牌日",
        "Suspended sessions are missing, never zero-return days. Off: the first session after "
        "a suspension has no return either. On: it carries the whole return from the last close "
        "before the suspension (python -m analysis study --attribute-suspensions).": (
            "停牌交易日按缺失处理，绝不当作零收益交易日。关闭：复牌后的第一个交易日同样没有收益。"
            "开启：该交易日承担自停牌前最后一个收盘价以来的全部收益（python -m analysis study "
            "--attribute-suspensions）。"
        ),
        "Prices: suspensions and adjustment": "价格：停牌与复权",
        "**Suspensions.** A row of an imported file is a suspended session (停牌) when its "
        "`tradestatus` / `交易状态` column says 0 or 停牌, or, in a file without that column, "
        "when its volume is zero or empty and open = high = low = close = the previous close "
        "(how baostock writes a suspended day). These sessions are left out of the stored "
        "prices and their dates are recorded per series, so they are missing sessions, never "
        "traded days with a zero return: the estimation window counts valid returns only (L1) "
        "and relative days keep counting sessions. By default the first session after a "
        "suspension has no return either (its close-to-close change spans the whole "
        "suspension). The option “Book the return over a suspension on the resumption day” "
        "(Event study page; `--attribute-suspensions`; "
        "`StudyRequest(attribute_suspensions=True)`) gives that session the whole return from "
        "the last close before the suspension. A study lists every suspended session inside an "
        "estimation or event window in its diagnostics (status `suspended`).": (
            "**停牌。** 导入文件中的一行在以下情况视为停牌交易日：其 `tradestatus` / `交易状态` "
            "列为 0 或 停牌；或文件没有该列时，成交量为零或为空，且开盘 = 最高 = 最低 = 收盘 = "
            "前一收盘价（baostock 记录停牌日的方式）。这些交易日不进入存储的价格，其日期按序列记录，"
            "因此它们是缺失的交易日，绝不是收益为零的交易日：估计窗口只计有效收益（L1），相对交易日"
            "仍按交易日计数。默认情况下，停牌后的第一个交易日同样没有收益（其收盘到收盘的变动跨越"
            "整个停牌期）。选项“将停牌期间的收益计入复牌日”（事件研究页面；"
            "`--attribute-suspensions`；`StudyRequest(attribute_suspensions=True)`）让该交易日"
            "承担自停牌前最后一个收盘价以来的全部收益。研究会在诊断中列出估计窗口或事件窗口内的"
            "每个停牌交易日（状态 `suspended`）。"
        ),
        "**Adjustment.** Unadjusted closes read a split, bonus issue or dividend as a price "
        "move (002714 on 2020-06-04: −40.4 % close to close, +1.7 % as traded). An imported "
        "file is adjusted from its own information, in this order: an adjustment-factor column "
        "(复权因子, `adj_factor`: price × factor); the vendor's adjustment (baostock "
        "`adjustflag` 1 = hfq, 2 = qfq: prices used as they are); a return column (`pct_chg`, "
        "`pctChg`, 涨跌幅; its unit, % or a fraction, is detected from the days it matches the "
        "closes, and stated). With a return column, a day whose file return differs from the "
        "close-to-close return by more than 0.01 pp is an ex-rights day: it gets the file's "
        "return, and every earlier price is scaled by (1 + close-to-close return) / (1 + file "
        "return). The last close of the file stays the traded price (forward adjustment to the "
        "file's end, so recent prices match published ones), and every reader of the closes "
        "(returns, charts) sees one adjusted series. Volumes are kept as traded.": (
            "**复权。** 未复权的收盘价会把拆股、送转或分红当作价格变动（002714 在 2020-06-04："
            "收盘到收盘 −40.4 %，实际涨跌 +1.7 %）。导入文件按其自身信息复权，顺序为：复权因子列"
            "（复权因子、`adj_factor`：价格 × 因子）；数据商自身的复权（baostock `adjustflag` "
            "1 = 后复权、2 = 前复权：价格原样使用）；收益列（`pct_chg`、`pctChg`、涨跌幅；其单位"
            "（% 或小数）根据与收盘价吻合的交易日判断并注明）。使用收益列时，文件收益与收盘到收盘"
            "收益相差超过 0.01 个百分点的交易日视为除权除息日：该日采用文件的收益，之前的所有价格"
            "乘以 (1 + 收盘到收盘收益) / (1 + 文件收益)。文件最后一个收盘价保持为实际成交价（前复权"
            "至文件末尾，使近期价格与公布值一致），所有读取收盘价的环节（收益、图表）看到同一条"
            "复权序列。成交量保持原样。"
        ),
        "**Price limits.** Where the board is known from the code (A-shares, C-REITs), a "
        "day-return beyond the board's daily limit plus 0.5 pp for rounding marks prices that "
        "are not adjusted: ±10 % main board (±5 % for ST names until 2025-07-07; ST from an "
        "`isST` or name column), ±20 % ChiNext since 2020-08-24 (±10 % before) and STAR, ±30 % "
        "BSE, ±10 % C-REITs; no limits before 1996-12-16; a file's first row has no return (a "
        "listing day has no limit), and where listings are registration-based (STAR; ChiNext "
        "since 2020-08-24; main board since 2023-04-10) its first five rows are not flagged (no "
        "limit in a listing's first five sessions; a break there is named). A file with such days and no return or factor column is imported flagged "
        "“unadjusted”, the days listed on the Data page and in the diagnostics of every study "
        "whose windows hold them (status `unadjusted price`), or refused by name and date with "
        "the strict option (Data page; `python -m data_sources import --strict-adjustment`).": (
            "**涨跌幅限制。** 能从代码判断板块时（A 股、公募 REITs），日收益超出该板块涨跌幅限制"
            "加 0.5 个百分点（舍入余量），即表明价格未复权：主板 ±10 %（ST 股票在 2025-07-07 之前"
            "为 ±5 %；ST 取自 `isST` 或名称列），创业板自 2020-08-24 起 ±20 %（此前 ±10 %），科创板 "
            "±20 %，北交所 ±30 %，公募 REITs ±10 %；1996-12-16 之前没有涨跌幅限制；文件第一行没有收益（上市首日"
            "不设涨跌幅限制）；在实行注册制上市的板块（科创板；创业板自 2020-08-24 起；主板自 "
            "2023-04-10 起），文件的前五行不标记（新股上市前五个交易日不设涨跌幅限制；其中超限的"
            "交易日会被列出）。有此类交易日且没有收益列"
            "或复权因子列的文件会被导入并标记为“未复权”，这些交易日在数据页面及窗口包含它们的每项"
            "研究的诊断中列出（状态 `unadjusted price`）；选择严格选项时则按文件名和日期拒绝导入"
            "（数据页面；`python -m data_sources import --strict-adjustment`）。"
        ),
        "**What is recorded.** The store keeps per series how its prices are adjusted "
        "(`adjustment`: adjusted (file returns), adjusted (factor), vendor-adjusted (hfq/qfq), "
        "unadjusted, unadjusted (index level), synthetic, unknown), its suspended sessions and "
        "its days beyond the limit. The Data page shows them; every CSV names the adjustment in "
        "`data_vintage` and `parameters.json` in `price_adjustment`. akshare fetches record what "
        "is asked of Eastmoney: hfq for stocks, ETFs and C-REITs, none for index levels. The "
        "demo is synthetic: nothing to adjust.": (
            "**记录的内容。** 存储按序列记录价格的复权方式（`adjustment`：adjusted (file returns) "
            "文件收益复权、adjusted (factor) 因子复权、vendor-adjusted (hfq/qfq) 数据商复权、"
            "unadjusted 未复权、unadjusted (index level) 指数点位、synthetic 合成、unknown 未知）、"
            "停牌交易日及超出涨跌幅限制的交易日。数据页面显示这些信息；每个 CSV 在 `data_vintage` "
            "中注明复权方式，`parameters.json` 在 `price_adjustment` 中注明。akshare 获取的数据记录"
            "向东方财富请求的方式：股票、ETF 和公募 REITs 为后复权，指数点位不复权。演示数据为合成"
            "数据：无需复权。"
        ),
    }
)
ZH.update(
    {
        COLUMN_GLOSSARY["adjustment"]: (
            "存储序列价格的复权方式：adjusted (file returns)、adjusted (factor)、vendor-adjusted "
            "(hfq/qfq)、unadjusted、unadjusted (index level)、synthetic 或 unknown"
        ),
        COLUMN_GLOSSARY["suspended_sessions"]: "存储序列的停牌交易日数，按缺失交易日处理（无收益）",
    }
)
# r1 review: the Policies table's "From" values; the Themes "Not studied" headers
ZH.update(
    {
        "shipped": "内置",
        "user": "用户",
        "Measure · instrument": "措施 · 标的",
        "Why not studied": "未研究的原因",
        "Choose options": "请选择",
        "release time unknown": "发布时点未知",
        "t0 uncertain for {id}: released {day} at an unknown time, so the market could first "
        "react on {t0} (t0) or, after an evening release, on {t1} (t0+1); the headline "
        "CAR [0, +1] covers both": (
            "{id} 的 t0 不确定：于 {day} 发布但时点未知，市场可能在 {t0}（t0）首次反应，"
            "若为晚间发布则在 {t1}（t0+1）；主要结果 CAR [0, +1] 覆盖这两天"
        ),
        "event window widened from [{a}, {b}] to [{c}, {d}] to cover both candidate sessions": (
            "事件窗口由 [{a}, {b}] 扩展为 [{c}, {d}]，以覆盖两个候选交易日"
        ),
        "cross-sectional t over {c} clusters of {m} measures": "横截面 t 检验（{c} 个聚类，共 {m} 项措施）",
        "cross-sectional t over {c} clusters": "横截面 t 检验（{c} 个聚类）",
        "CAR t-test (1 cluster of {m} measures, 1 instrument)": "CAR t 检验（1 个聚类含 {m} 项措施，1 个标的）",
        "none (1 cluster of {m} measures, {n} instruments)": "无检验（1 个聚类含 {m} 项措施，{n} 个标的）",
        "CAR t-test (1 measure, 1 instrument)": "CAR t 检验（1 项措施，1 个标的）",
        "none (1 measure, {n} instruments)": "无检验（1 项措施，{n} 个标的）",
        " (zero spread: no test)": "（离散度为零：无检验）",
    }
)
# R2 (issue 13 review): a re-import keeps the series it replaced
ZH.update(
    {
        "The {rows:,} rows {symbol} held before were kept in {path} (import that file under the "
        "same series name to restore them).": (
            "{symbol} 此前的 {rows:,} 行已保存在 {path}（以相同的序列名称导入该文件即可恢复）。"
        ),
    }
)
# colours branch (issue 15, point 10): colours for up and down
ZH.update(
    {
        "Colours for up/down": "涨跌颜色",
        "Which colour marks a rise in returns and heat-maps. Red up, green down is the "
        "convention of Chinese markets (the default in 中文); blue and orange can be told "
        "apart with the common forms of colour blindness.": (
            "收益与热力图中上涨用哪种颜色表示。红涨绿跌是中国市场的惯例（中文界面的默认设置）；"
            "蓝色与橙色在常见的色盲类型下也能区分。"
        ),
        "Green up, red down": "绿涨红跌（国际惯例）",
        "Red up, green down (China)": "红涨绿跌（中国惯例）",
        "Blue up, orange down (colour-blind safe)": "蓝涨橙跌（色盲友好）",
        "red": "红色",
        "green": "绿色",
        "blue": "蓝色",
        "orange": "橙色",
        "{up} up, {down} down": "{up}为涨，{down}为跌",
        "Bars: each session's abnormal return ({colours}), outlined in the colour of its "
        "instrument's CAR line.": "柱：各交易日的异常收益（{colours}），边框颜色与该标的的 CAR 线相同。",
    }
)
# -- issue 15, url branch: one unit for returns (% on pages, decimals in CSVs), the downloads
# list, file descriptions (analysis.glossary.FILE_GLOSSARY) --
from analysis.glossary import FILE_GLOSSARY  # noqa: E402

ZH.update(
    {
        "Returns in % in tables; CSV files keep decimals (0.01 = 1 %).": (
            "表格中的收益以 % 表示；CSV 文件保留小数（0.01 = 1 %）。"
        ),
        "The test statistic; the mean CAR (row 'mean (%)') in %.": (
            "检验统计量；均值 CAR（'mean (%)' 行）以 % 表示。"
        ),
        "Single files ({n})": "单个文件（{n}）",
        "R (%)": "收益 R (%)",
        "E[R] (%)": "预期收益 E[R] (%)",
        "AR (%)": "异常收益 AR (%)",
        "CAR (%)": "CAR (%)",
        "SE (%)": "标准误 SE (%)",
        "α (%)": "α (%)",
        "σ (%)": "σ (%)",
        "Placebo mean CAR (%)": "安慰剂 CAR 均值 (%)",
        "Placebo SD of CAR (%)": "安慰剂 CAR 标准差 (%)",
        FILE_GLOSSARY["abnormal_returns.csv"]: "每个配对的日收益、预期收益、AR 与累计 CAR",
        FILE_GLOSSARY["car_summary.csv"]: "每个配对与 CAR 窗口的 CAR、标准误、t 与 p",
        FILE_GLOSSARY[
            "tests.csv"
        ]: "按日与窗口的汇总检验（Patell、BMP、Kolari–Pynnönen、秩、符号等）",
        FILE_GLOSSARY["expected_signs.csv"]: "各主要 CAR 与其措施预期方向的对照",
        FILE_GLOSSARY["diagnostics.csv"]: "每个被跳过或改变的配对及其原因",
        FILE_GLOSSARY["placebo.csv"]: "每个安慰剂伪事件交易日的 CAR",
        FILE_GLOSSARY["placebo_summary.csv"]: "实际 CAR 与安慰剂分布的对照及其 p 值",
        FILE_GLOSSARY["abnormal_volume.csv"]: "日对数成交量、其正常水平与异常对数成交量",
        FILE_GLOSSARY["abnormal_volume_windows.csv"]: "每个配对与窗口的累计异常对数成交量、t 与 p",
        FILE_GLOSSARY["abnormal_volume_tests.csv"]: "异常对数成交量的汇总检验",
        FILE_GLOSSARY["abnormal_volatility.csv"]: "每个配对的日 AR² 与估计窗口残差方差之比",
        FILE_GLOSSARY["abnormal_volatility_tests.csv"]: "波动率比的截面检验",
        FILE_GLOSSARY["parameters.json"]: "研究参数、数据模式、数据版本、单位与链接",
        # the glossary's return columns now name their unit
        COLUMN_GLOSSARY["return"]: "标的的简单（或对数）收盘到收盘收益（小数：0.01 = 1 %）",
        COLUMN_GLOSSARY["expected_return"]: "在估计窗口上拟合的模型所预测的正常收益（小数）",
        COLUMN_GLOSSARY["abnormal_return"]: "AR = return − expected_return（小数：0.01 = 1 %）",
        COLUMN_GLOSSARY["car"]: "窗口内的累计异常收益（AR 之和；小数：0.01 = 1 %）",
        COLUMN_GLOSSARY["car_se"]: "CAR 的标准误（CLM 1997 式4.4.17–18，含估计误差；小数）",
        COLUMN_GLOSSARY["value"]: "该检验统计量的值（统计量 mean：平均 AR 或 CAR，小数收益）",
        COLUMN_GLOSSARY["observed_car"]: "真实事件前后的 CAR（小数）",
        COLUMN_GLOSSARY["caar"]: "单元格的累计平均异常收益（小数：0.01 = 1 %）",
    }
)
# issue 15, themes branch: heat-map clicks, theme-wide pairing, readable event-window charts
ZH.update(
    {
        "No measure studied in this cell": "此单元格没有研究任何措施",
        "Pair measures and instruments": "措施与标的的配对方式",
        "Each measure with its own segments' instruments": "每项措施只配其自身板块的标的",
        "Every instrument with every measure": "每个标的配每项措施",
        "Each measure with its own segments' instruments: a ChiNext listing is measured on "
        "ChiNext, not on CSI Banks (python -m analysis study --pairing segments). Every "
        "instrument with every measure: each chosen instrument around each measure.": (
            "每项措施只配其自身板块的标的：创业板上市措施以创业板指数衡量，而非中证银行"
            "（python -m analysis study --pairing segments）。每个标的配每项措施："
            "每个所选标的都围绕每项措施研究。"
        ),
        "One panel per measure: the CAR (%) of the instruments it was studied on; clicking "
        "a legend entry picks out that instrument in every panel (double-click: all again). "
        "Daily abnormal returns are in the table below.": (
            "每项措施一个面板：显示该措施所研究标的的 CAR（%）；点击图例可在所有面板中突出"
            "显示某一标的（双击恢复全部）。每日异常收益见下表。"
        ),
        "CAR (%) per instrument; daily abnormal returns are in the table below.": (
            "各标的的 CAR（%）；每日异常收益见下表。"
        ),
        "No placebo test: it compares one event's CAR with the same CAR at pseudo-event "
        "sessions, so it needs exactly one event, and this study has {n}. Study one measure "
        "to see it.": (
            "无安慰剂检验：它将一个事件的 CAR 与伪事件交易日上的同一 CAR 比较，因此只能针对"
            "恰好一个事件，而本研究有 {n} 个。请只研究一项措施以查看该检验。"
        ),
        "CAR (%)": "CAR（%）",
        "CAR (%) by measure": "按措施的 CAR（%）",
        "Relative session": "相对交易日",
    }
)
# data branch (issue 15 points 3 and 5): imports name series right; real data kept apart from
# the demo
ZH.update(
    {
        "Give {name} a series name.": "请为 {name} 填写序列名称。",
        " or ": " 或 ",
        " and ": " 和 ",
        "The file name says {name} but the file's code column {column} says {value} "
        "({symbols}): type the series name.": (
            "文件名表示 {name}，但文件的代码列 {column} 为 {value}（{symbols}）：请填写序列名称。"
        ),
        "The code {code} fits {symbols}: the series keeps the name {code} unless you type "
        "one.": "代码 {code} 可对应 {symbols}：除非您另行填写，序列名称保持为 {code}。",
        "Series name {symbol} inferred from the file's code column {column} ({value}).": (
            "序列名称 {symbol} 由文件的代码列 {column}（{value}）推断。"
        ),
        "Series name {symbol} inferred from the file name ({stem}).": (
            "序列名称 {symbol} 由文件名（{stem}）推断。"
        ),
        " · SYNTHETIC DEMO": " · 合成演示",
        "SYNTHETIC demo": "合成演示",
        "Simulated prices, not market data: studies leave them out by default once real "
        "series are stored.": "模拟价格，并非市场数据：一旦存储了真实序列，研究默认不再使用它们。",
        "Store: {real} real series ({mode}) + {demo} SYNTHETIC demo series — studies use "
        "the real series; a demo series you pick is marked “· SYNTHETIC DEMO”. The "
        "**Data** page removes the demo in one step.": (
            "存储：{real} 个真实序列（{mode}）+ {demo} 个合成演示序列——研究使用真实序列；"
            "您手动选择的演示序列标注为“· 合成演示”。在**数据**页面可一步移除全部演示序列。"
        ),
        "Data in this study: **{mode}**": "本研究的数据：**{mode}**",
        "Remove the SYNTHETIC demo": "移除合成演示数据",
        "The store holds only the {n} SYNTHETIC demo series. Fetch or import real data "
        "first: a fetched or imported series replaces its demo series, and the rest of "
        "the demo can then be removed here in one step (an empty store is filled with "
        "the demo again).": (
            "存储中只有 {n} 个合成演示序列。请先获取或导入真实数据：获取或导入的序列会替换对应的"
            "演示序列，其余演示序列随后可在此一步移除（空的存储会再次填入演示数据）。"
        ),
        "{n} SYNTHETIC demo series are stored beside {real} real series. Studies leave "
        "them out by default; removing them keeps the real series as they are.": (
            "存储中除 {real} 个真实序列外还有 {n} 个合成演示序列。研究默认不使用它们；"
            "移除它们不会改动真实序列。"
        ),
        "Remove all {n} demo series…": "移除全部 {n} 个演示序列…",
        "Remove these {n} SYNTHETIC demo series from the store? The {real} real series "
        "stay. {symbols}": "从存储中移除这 {n} 个合成演示序列？{real} 个真实序列保留。{symbols}",
        "Yes, remove the demo": "是，移除演示数据",
        "Removed {n} SYNTHETIC demo series.": "已移除 {n} 个合成演示序列。",
        "CSV or Excel with a date and a close column (date, close[, open, high, low, volume, "
        "amount]); exports of akshare, Wind, Choice, iFinD, baostock and tushare are "
        "recognised (日期/交易日期, 收盘/收盘价(元), trade_date, …); UTF-8, UTF-16 or GBK. The "
        "series name is the instrument's symbol when the file's code column (代码, code, "
        "ts_code, …) or its name gives a stock, ETF or C-REIT code (600030.csv → 600030.SH), "
        "else the file name without its extension. Headless: "
        "`python -m data_sources import FILE …`.": (
            "含日期列和收盘价列的 CSV 或 Excel（`date, close[, open, high, low, volume, amount]`）；"
            "可识别 akshare、Wind、Choice、iFinD、baostock 和 tushare 的导出（日期/交易日期、"
            "收盘/收盘价(元)、trade_date 等）；UTF-8、UTF-16 或 GBK 编码。若文件的代码列（代码、code、"
            "ts_code 等）或文件名给出股票、ETF 或 C-REIT 代码，序列名为该标的的代码"
            "（600030.csv → 600030.SH），否则为不含扩展名的文件名。"
            "命令行：`python -m data_sources import FILE …`。"
        ),
    }
)
# zh branch (issue 15 point 9): the engine's messages (data_sources.messages.Message templates
# in analysis/ and data_sources/, shown through tr()), model names, diagnostics statuses
ZH.update(
    {
        # the method line (StudyOutcome.method, EventStudySpec.describe)
        "{model}; {returns} returns; estimation window [{e0}, {e1}] sessions; event window "
        "[{w0}, {w1}]; minimum {minimum} estimation returns; {error}; t-test two-sided, "
        "Student t with {dof}; {conventions}": (
            "{model}；{returns}收益；估计窗口 [{e0}, {e1}] 个交易日；事件窗口 [{w0}, {w1}]；"
            "估计收益至少 {minimum} 个；{error}；双侧 t 检验，学生 t 分布，{dof}；{conventions}"
        ),
        "market model (OLS)": "市场模型（OLS）",
        "constant-mean model": "常数均值模型",
        "market-adjusted model": "市场调整模型",
        "simple": "简单",
        "log": "对数",
        "CAR variance with estimation-error correction (CLM 4.4.17-18)": (
            "CAR 方差含估计误差修正（CLM 4.4.17-18）"
        ),
        "CAR variance L·sigma^2": "CAR 方差 L·sigma^2",
        "L1-k df (k = 2 market model, 1 constant-mean or market-adjusted)": (
            "自由度 L1-k（市场模型 k = 2，常数均值或市场调整模型 k = 1）"
        ),
        "textbook conventions": "教科书惯例",
        "{name} conventions": "{name} 惯例",
        "conventions: {conventions}": "惯例：{conventions}",
        "benchmark {symbol}": "基准 {symbol}",
        "relative days count {calendar}{inferred}": "相对交易日按{calendar}计数{inferred}",
        " ({note})": "（{note}）",
        "Shanghai (XSHG) sessions": "上海证券交易所（XSHG）交易日",
        "the dates present in the price data": "价格数据中出现的日期",
        "constant-mean for market-wide {symbols}": "全市场标的 {symbols} 采用常数均值模型",
        "overlapping event windows: {rule}": "事件窗口重叠：{rule}",
        "warn": "提示",
        "merge": "合并",
        "drop": "剔除",
        "estimation samples leave out other events' windows": "估计样本剔除其他事件的窗口",
        "estimation samples keep other events' windows": "估计样本保留其他事件的窗口",
        "t0 uncertain (release time unknown) for {ids}: headline CAR [0, +1] covers t0 and t0+1": (
            "{ids} 的 t0 不确定（发布时点未知）：主要结果 CAR [0, +1] 覆盖 t0 与 t0+1"
        ),
        "the return over a suspension is booked on the resumption day": "停牌期间的收益计入复牌日",
        "sessions after {after} are from {sources}": "{after} 之后的交易日取自{sources}",
        "{source} (to {last})": "{source}（至 {last}）",
        # errors
        "no instrument named, and none stored for the segments of these measures": (
            "未指定标的，且这些措施所属板块没有已存储的标的"
        ),
        "the {model} model needs a benchmark series": "{model} 模型需要一条基准序列",
        "no price data for {symbols}": "没有 {symbols} 的价格数据",
        "event {date} is after the last date in the data": "事件 {date} 晚于数据的最后日期",
        # notes: instruments, overlaps, estimation windows, timing, data starts, placebo
        "no instruments named: the first {n} stored series of the measures' segments are "
        "studied; left out: {symbols}": (
            "未指定标的：研究这些措施所属板块的前 {n} 条已存储序列；未纳入：{symbols}"
        ),
        "benchmark {chosen}: the one these measures' segment overrides name (instead of the "
        "default {default})": "基准 {chosen}：这些措施的板块覆盖设置所指定的基准（而非默认的 {default}）",
        "{id} (announced {date})": "{id}（发布于 {date}）",
        "{listed} share the event session t0 {t0}: studied as one event, {merged}": (
            "{listed} 的事件交易日 t0 同为 {t0}：作为一个事件研究，即 {merged}"
        ),
        "dropped {named}: event windows [{a}, {b}] overlap {others}": (
            "已剔除 {named}：事件窗口 [{a}, {b}] 与 {others} 重叠"
        ),
        "dropped {ids}: event windows [{a}, {b}] overlap each other: {named}": (
            "已剔除 {ids}：事件窗口 [{a}, {b}] 彼此重叠：{named}"
        ),
        "event windows [{a}, {b}] overlap: {listed}; each CAR includes the others' reactions": (
            "事件窗口 [{a}, {b}] 重叠：{listed}；每个 CAR 都包含其他事件的市场反应"
        ),
        "merged into one event at t0 {t0}: {listed}; the last t0 is {span} session(s) later": (
            "合并为 t0 为 {t0} 的一个事件：{listed}；最后一个 t0 晚 {span} 个交易日"
        ),
        "{first} and {second}": "{first} 与 {second}",
        " … and {n} more": " … 另有 {n} 对",
        "event windows [{a}, {b}] also overlap across clusters (a cluster holds the events "
        "whose t0 lies in its first event's window): {pairs}{more}": (
            "事件窗口 [{a}, {b}] 在聚类之间也有重叠（一个聚类包含 t0 落在其首个事件窗口内的"
            "事件）：{pairs}{more}"
        ),
        "{first} to {last}": "{first} 至 {last}",
        "the estimation window of {event} contains the event window of {other} (t0 {t0}): "
        "{n} session(s), {span}": (
            "{event} 的估计窗口包含 {other}（t0 {t0}）的事件窗口：{n} 个交易日，{span}"
        ),
        "{id} (t0 {t0}, {n} session(s))": "{id}（t0 {t0}，{n} 个交易日）",
        "these {n} session(s) are left out of its estimation sample": (
            "这 {n} 个交易日已从其估计样本中剔除"
        ),
        "these {n} session(s) are kept in its estimation sample (cleaning is off)": (
            "这 {n} 个交易日仍保留在其估计样本中（未开启剔除）"
        ),
        "the estimation window of {event} contains the event window(s) of {named}: {action}": (
            "{event} 的估计窗口包含 {named} 的事件窗口：{action}"
        ),
        "{id} (t0 {t0}) comes before the data of {where}: {symbol} starts {first}, so it has "
        "no CAR there": "{id}（t0 {t0}）早于{where}的数据：{symbol} 始于 {first}，因此该处没有 CAR",
        "segment {segment}": "板块 {segment} ",
        "the chosen series": "所选序列",
        "placebo left out: it needs exactly one event, and this study has {n}": (
            "未做安慰剂检验：它只适用于恰好一个事件，而本研究有 {n} 个"
        ),
        "placebo left out: no instrument could be estimated": "未做安慰剂检验：没有可估计的标的",
        "placebo: {symbol} has {n} of {drawn} draws (no whole event window or full "
        "estimation window at the others' pseudo-event sessions)": (
            "安慰剂：{symbol} 只有 {drawn} 次抽样中的 {n} 次（在其他伪事件交易日上没有完整的"
            "事件窗口或估计窗口）"
        ),
        "placebo: only {drawn} sessions lie outside every event window with a full estimation "
        "window; {drawn} draws instead of {asked}": (
            "安慰剂：只有 {drawn} 个交易日位于所有事件窗口之外且有完整的估计窗口；"
            "抽样 {drawn} 次而非 {asked} 次"
        ),
        "no volume in the data: abnormal volume left out": "数据中没有成交量：未计算异常成交量",
        "events {ids} share the session {t0}: pooled statistics count that session once per "
        "event": "事件 {ids} 同在交易日 {t0}：合并统计量对每个事件各计一次该交易日",
        # diagnostics reasons
        "the benchmark": "基准",
        "benchmark": "基准",
        "instrument {name}": "标的 {name}",
        "the instrument": "该标的",
        "around {t0}": "（{t0} 前后）",
        "only {n} valid estimation returns in {window} {around} (minimum {minimum}{cleaned})": (
            "在 {window}{around} 只有 {n} 个有效估计收益（至少需要 {minimum} 个{cleaned}）"
        ),
        ", after leaving out {n} session(s) of other events' windows; turn the estimation "
        "cleaning off to keep them": (
            "，已剔除其他事件窗口中的 {n} 个交易日；关闭估计窗口剔除即可保留它们"
        ),
        "{benchmark} has only {n} valid returns in the estimation window {window} {around} "
        "(minimum {minimum})": "{benchmark} 在估计窗口 {window}{around} 只有 {n} 个有效收益（至少需要 {minimum} 个）",
        "{benchmark} has zero variance over the estimation window {window} {around} (a "
        "constant series?): the market model cannot be estimated; choose another benchmark or "
        "the constant-mean model": (
            "{benchmark} 在估计窗口 {window}{around} 方差为零（序列恒定？）：无法估计市场模型；"
            "请选择其他基准或常数均值模型"
        ),
        "{benchmark} has no returns in the event window [{a}, {b}] {around}": (
            "{benchmark} 在事件窗口 [{a}, {b}]{around} 没有收益"
        ),
        "no returns in the event window [{a}, {b}] {around}": "事件窗口 [{a}, {b}]{around} 没有收益",
        "{instrument} is identical to the {benchmark} over the estimation window {window}: its "
        "abnormal returns are all zero": "{instrument} 在估计窗口 {window} 与{benchmark}完全相同：其异常收益全为零",
        "{instrument} has constant returns over the estimation window {window} {around} (a "
        "constant price?): no variance to test against": (
            "{instrument} 在估计窗口 {window}{around} 收益恒定（价格不变？）：没有可供检验的方差"
        ),
        "{instrument}'s returns are an exact linear function of the {benchmark}'s over the "
        "estimation window {window}: the residual variance is zero": (
            "{instrument} 的收益在估计窗口 {window} 是{benchmark}收益的精确线性函数：残差方差为零"
        ),
        "estimation-window abnormal returns of {instrument} have no variance": (
            "{instrument} 的估计窗口异常收益没有方差"
        ),
        "event session {t0} is outside the data ({span})": "事件交易日 {t0} 不在数据范围内（{span}）",
        "empty": "无数据",
        "the instrument is the benchmark; a market-based model would regress it on itself": (
            "该标的即基准；基于市场的模型会将其对自身回归"
        ),
        "market-wide instrument: a broad benchmark would regress the market on itself and "
        "remove the effect": "全市场标的：宽基基准会把市场对自身回归，从而剔除效应本身",
        "{why}, so the constant-mean model is used": "{why}，因此采用常数均值模型",
        "{n} of {total} event-window returns available; CAR and its variance use those days": (
            "事件窗口的 {total} 个收益中有 {n} 个可用；CAR 及其方差基于这些交易日"
        ),
        "CAR window [{a}, {b}] is not inside the event window [{c}, {d}]": (
            "CAR 窗口 [{a}, {b}] 不在事件窗口 [{c}, {d}] 之内"
        ),
        "event window": "事件窗口",
        "estimation window": "估计窗口",
        "{n} in the {name}: {days}": "{name}中有 {n} 个：{days}",
        "suspended sessions (treated as missing, no return) {parts}; {booked}": (
            "停牌交易日（按缺失处理，无收益）{parts}；{booked}"
        ),
        "the return over each suspension is booked on the session after it, against the "
        "benchmark's return of that session alone (not compounded over the suspension: that "
        "day's abnormal return is approximate)": (
            "每次停牌期间的收益计入其后的交易日，并仅与基准在该交易日的收益相减（未在停牌期间"
            "复合：该日的异常收益为近似值）"
        ),
        "the session after each suspension has no return either": "每次停牌后的交易日同样没有收益",
        "t0 {t0} is itself a suspended session: a CAR starting at t0 {what}": (
            "t0 {t0} 本身是停牌交易日：从 t0 开始的 CAR {what}"
        ),
        "has the reaction only on the resumption day": "只在复牌日包含市场反应",
        "misses the reaction (the resumption day has no return either)": (
            "不含市场反应（复牌日同样没有收益）"
        ),
        "prices {adjustment}: day-returns beyond the board's price limit (likely an ex-rights "
        "day read as a price move) {parts}": (
            "价格 {adjustment}：日收益超出该板块涨跌幅限制（可能是被当作价格变动的除权除息日）"
            "{parts}"
        ),
        "{symbol}: {n} close(s) that are not finite positive numbers were treated as missing "
        "(first: {first})": "{symbol}：{n} 个不是有限正数的收盘价按缺失处理（首个：{first}）",
        "{n} price date(s) before the calendar's first session {first} were ignored (from "
        "{start})": "早于交易日历首个交易日 {first} 的 {n} 个价格日期已忽略（自 {start} 起）",
        "{n} price date(s) that are not sessions of the calendar were ignored (first: {first})": (
            "{n} 个不是交易日历上交易日的价格日期已忽略（首个：{first}）"
        ),
        # statistics notes
        "{label}: {reason}": "{label}：{reason}",
        "{name} ({event})": "{name}（{event}）",
        "pooled": "合并",
        "{what} is zero on {parts}, so the statistic is NaN there": (
            "{what} 在 {parts} 上为零，因此该处统计量为 NaN"
        ),
        "{what} is zero, so the statistic is NaN": "{what} 为零，因此统计量为 NaN",
        "{n} day(s)": "{n} 个交易日",
        "{n} window(s)": "{n} 个窗口",
        " and ": " 与 ",
        "; ": "；",
        "the cross-sectional SD of the {what}": "{what}的截面标准差",
        "abnormal returns": "异常收益",
        "standardised abnormal returns": "标准化异常收益",
        "the SD of the estimation-window portfolio AR": "估计窗口组合 AR 的标准差",
        "the estimation-window AR variance": "估计窗口 AR 方差",
        "with one pair (N = 1) the Kolari-Pynnönen factor is 1: the value is the unadjusted "
        "{adjusted} there": "只有一对（N = 1）时 Kolari-Pynnönen 因子为 1：该处的值即未调整的 {adjusted}",
        "undefined": "无定义",
        "r̄ = {mean} averages {used} of the {total} correlations between the instrument-event "
        "series; the other {rest} share fewer than {minimum} estimation sessions (or do not "
        "vary there) and count as uncorrelated, so the adjustment uses r̄ · {used}/{total} = "
        "{effective:.6g}": (
            "r̄ = {mean} 是标的-事件序列之间 {total} 个相关系数中 {used} 个的平均值；其余 {rest} "
            "个共同的估计交易日少于 {minimum} 个（或在其中没有波动），按不相关计，因此调整采用 "
            "r̄ · {used}/{total} = {effective:.6g}"
        ),
        "the mean cross-correlation r̄ is {effective:.6g} (the pairs are one series), so the "
        "Kolari-Pynnönen adjustment is undefined and the statistic is NaN": (
            "平均截面相关系数 r̄ 为 {effective:.6g}（各对实为同一序列），因此 Kolari-Pynnönen "
            "调整无定义，统计量为 NaN"
        ),
        "the scores' scale S is zero (no variation in any series), so it is NaN": (
            "得分的尺度 S 为零（所有序列均无变化），因此为 NaN"
        ),
        "every estimation-window AR has one sign (p̂ = {p_hat:g}), so the statistic is NaN": (
            "估计窗口的所有 AR 同号（p̂ = {p_hat:g}），因此统计量为 NaN"
        ),
        "tied |values| among fewer than 10: the exact p-value is the permutation distribution "
        "of their average ranks (scipy's PermutationMethod)": (
            "少于 10 个值中有 |值| 相同：精确 p 值取自其平均秩的置换分布（scipy 的 "
            "PermutationMethod）"
        ),
        "non-finite {part}s were set to NaN": "非有限的 {part} 已设为 NaN",
        # the page: model names in tables, diagnostics statuses
        "skipped": "已跳过",
        "model changed": "已换模型",
        "partial window": "窗口不完整",
        "window left out": "窗口未纳入",
        "estimation cleaned": "估计窗口已剔除",
        "estimation contaminated": "估计窗口受污染",
        "suspended": "停牌",
        "unadjusted price": "未复权价格",
        "overlap (warn)": "重叠（提示）",
        "overlap (merge)": "重叠（合并）",
        "overlap (drop)": "重叠（剔除）",
        "(in English) ": "（英文原文）",
        "Choose an option": "请选择一项",
        "No matching option": "无匹配选项",
        # data_sources errors shown on the Data page (DataSourceError with a Message reason)
        "file is empty": "文件为空",
        "file has a header but no rows": "文件只有表头，没有数据行",
        "no row has any values besides the date": "除日期外没有任何一行有数值",
        "no {column!r} column (also accepted: {alternatives}); columns found: {found}": (
            "没有 {column!r} 列（也接受：{alternatives}）；找到的列：{found}"
        ),
        "Upload": "上传",
        "At most {n} MB per file": "每个文件至多 {n} MB",
        "the nine tasks behind the policy catalogue (dates verified in `policy-events.md`).": (
            "政策目录所依据的九项任务（日期经 `policy-events.md` 核实）。"
        ),
        "no stored instrument for this segment": "该板块没有已存储的标的",
        "t0 {t0} comes before this segment's data: {symbol} starts {first}": (
            "t0 {t0} 早于该板块的数据：{symbol} 始于 {first}"
        ),
        # Method page: the models' names in the formulas
        "market model": "市场模型",
        "constant mean": "常数均值",
        "market-adjusted": "市场调整",
        "**Abnormal returns and their cumulation** over a window [τ1, τ2] of L sessions:": (
            "**异常收益及其累计**，窗口 [τ1, τ2] 共 L 个交易日："
        ),
    }
)

# -- issue 16, long horizons (branch long): BHAR section, GRANK, bhar.csv glossary, Method --
ZH.update(
    {
        # the Event study's Long horizon section (pages/long_horizon_view.py)
        "Long horizon: buy-and-hold abnormal returns": "长期：买入持有异常收益",
        "Horizons (sessions)": "持有期（交易日）",
        "Choose horizons": "选择持有期",
        "Matched per instrument": "为每个标的自动匹配",
        "Against": "参照",
        "the benchmark": "基准",
        "matched controls": "匹配对照组",
        "Controls (none chosen: matched per instrument)": "对照标的（不选：为每个标的自动匹配）",
        "With none chosen, each instrument gets the 5 stored series of its board that are not "
        "studied, nearest in return over the 250 sessions before t0.": (
            "不选时，每个标的取其所在板块中未被研究、且 t0 前 250 个交易日收益最接近的 5 条已存储序列。"
        ),
        "Choose at least one horizon.": "请至少选择一个持有期。",
        "Computing buy-and-hold returns…": "正在计算买入持有收益…",
        "**Tests per horizon**": "**各持有期的检验**",
        "BHAR per pair (CSV)": "各配对的 BHAR（CSV）",
        "Tests (CSV)": "检验（CSV）",
        "Buy-and-hold return (%)": "买入持有收益 (%)",
        "Reference return (%)": "参照收益 (%)",
        "BHAR (%)": "BHAR (%)",
        "Mean BHAR (%)": "BHAR 均值 (%)",
        "Median BHAR (%)": "BHAR 中位数 (%)",
        "SD of BHAR (%)": "BHAR 标准差 (%)",
        "95 % CI low (%)": "95 % 置信区间下限 (%)",
        "95 % CI high (%)": "95 % 置信区间上限 (%)",
        "Bought (close)": "买入（收盘）",
        "Sold (close)": "卖出（收盘）",
        "Horizon (sessions)": "持有期（交易日）",
        # engine messages (analysis/long_horizon.py, analysis/statistics.py grank_t)
        "GRANK needs at least two pairs with a SCAR (their SD re-scales them)": (
            "GRANK 至少需要两个有 SCAR 的配对（用它们的标准差重新标度）"
        ),
        "{event}: t0 {t0:%Y-%m-%d} is not a session": "{event}：t0 {t0:%Y-%m-%d} 不是交易日",
        "{n} pair-horizon(s): {status}": "{n} 个配对-持有期：{status}",
        "the benchmark {benchmark}": "基准 {benchmark}",
        "an equal-weighted buy-and-hold portfolio of matched controls": (
            "匹配对照标的的等权买入持有组合"
        ),
        "against must be one of {choices}, got {value}": "参照须为 {choices} 之一，得到 {value}",
        "horizons must be whole numbers of sessions, at least 1": "持有期须为至少 1 的整数个交易日",
        "first_day must be 0 (t0 included) or 1 (from t0 + 1)": (
            "first_day 须为 0（含 t0）或 1（自 t0 + 1 起）"
        ),
        "BHAR against the benchmark needs a benchmark series": "相对基准的 BHAR 需要一条基准序列",
        "the number of bootstrap resamples must be 0 or more": "自助重抽样次数须为 0 或以上",
        # the Method page
        "Long horizons": "长期",
        # bhar.csv / bhar_tests.csv (analysis/glossary.py)
        **{
            COLUMN_GLOSSARY[column]: text
            for column, text in {
                "horizon": "t0 之后的持有期（交易日；21 ≈ 一个月，250 ≈ 一年）",
                "start_date": "按其收盘价买入的交易日（t0）",
                "end_date": "按其收盘价卖出的交易日（t0 + 持有期）",
                "bh_return": (
                    "标的在持有期内的买入持有收益，由收盘价计算（小数）；数据提前终止的序列持有至"
                    "最后收盘价，之后转入基准"
                ),
                "reference_return": "基准的买入持有收益，或匹配对照标的买入持有收益的等权均值（小数）",
                "bhar": "买入持有异常收益：bh_return − reference_return（小数）",
                "reference": "基准代码，或 'matched:' 加所用的对照标的",
                "against": "BHAR 的参照：benchmark（基准）或 matched（对照组）",
                "mean_bhar": "各配对 BHAR 的均值（小数）",
                "median_bhar": "各配对 BHAR 的中位数（小数）",
                "sd_bhar": "BHAR 的截面标准差（除数 n − 1；小数）",
                "skewness": "BHAR 的偏度 γ̂ = Σ(x − x̄)³ / (n·sd³)",
                "t_skew_adjusted": (
                    "Lyon–Barber–Tsai（1999）偏度调整 t：√n (S + γ̂S²/3 + γ̂/(6n))，S = 均值/标准差"
                ),
                "p_skew_adjusted": "t_skew_adjusted 按 N(0, 1) 的双侧 p 值",
                "boot_lower": "自助法偏度调整 t 的 2.5 % 分位数（n/4 的重抽样）",
                "boot_upper": "自助法偏度调整 t 的 97.5 % 分位数",
                "p_bootstrap": "t_skew_adjusted 按其自助分布的双侧 p 值",
                "n_bootstrap": "所用的自助重抽样次数（无离散度的重抽样不计）",
            }.items()
        },
        FILE_GLOSSARY["bhar.csv"]: (
            "每个配对与持有期的买入持有异常收益（python -m analysis bhar；事件研究的“长期”部分）"
        ),
        FILE_GLOSSARY["bhar_tests.csv"]: "各持有期：BHAR 均值、t、偏度调整 t 及其自助法",
    }
)

# issue 16, xsec (cross-sectional regression): pages/crosssection_view.py, the engine's
# messages of analysis/crosssection.py and analysis/characteristics.py, crosssection.csv's columns
from analysis.characteristics import TRAIT_UNITS  # noqa: E402
from analysis.glossary import FILE_GLOSSARY  # noqa: E402

ZH.update(
    {
        "Who responded: cross-sectional regression": "谁有反应：截面回归",
        "CAR_i = a + b·traits_i + e_i over the study's measure × instrument pairs "
        "(statsmodels OLS). Traits are measured over each event's estimation window, before "
        "t0: size = ln of the float market value (成交额 / (换手率 / 100), averaged over the "
        "window), beta and idiosyncratic volatility from the study's fit, mean turnover (%), "
        "past return, ln of the last close of the estimation window (t0 − 11 by default, not "
        "the close just before t0). A text trait enters as dummies against its most common "
        "level.": (
            "CAR_i = a + b·特征_i + e_i，对本研究的措施 × 标的配对回归（statsmodels OLS）。特征均在"
            "各事件的估计窗口内、t0 之前度量：规模 = 流通市值的自然对数（成交额 / (换手率 / 100)，"
            "在窗口内取平均），beta 与特质波动率取自本研究的拟合，平均换手率（%），过去收益，"
            "估计窗口最后收盘价的自然对数（默认为 t0 − 11，而非 t0 前一日的收盘价）。文本特征以虚拟变量进入，以其最常见取值为基准。"
        ),
        "{name}: cannot read this trait file: {error}": "{name}：无法读取该特征文件：{error}",
        "Regressors (traits)": "回归变量（特征）",
        "Choose traits": "选择特征",
        "Dependent variable": "因变量",
        "Standard errors": "标准误",
        "Choose at least one trait.": "请至少选择一个特征。",
        "Cannot run this regression: {error}": "无法运行该回归：{error}",
        "Default (HC3 for one measure, clustered by t0 when pooled)": (
            "默认（单项措施用 HC3，合并多项措施时按 t0 聚类）"
        ),
        "HC3 (heteroskedasticity-robust)": "HC3（异方差稳健）",
        "Clustered by event session (t0)": "按事件交易日（t0）聚类",
        "Classical OLS": "经典 OLS",
        "CAR (%)": "CAR（%）",
        "SCAR (CAR / its SE)": "SCAR（CAR / 其标准误）",
        "Term": "项",
        "Coefficient": "系数",
        "Coefficient (%)": "系数（%）",
        "95 % CI low": "95 % 置信区间下限",
        "95 % CI low (%)": "95 % 置信区间下限（%）",
        "95 % CI high": "95 % 置信区间上限",
        "95 % CI high (%)": "95 % 置信区间上限（%）",
        "N = {n} pairs, R² = {r2:.3f} (adjusted {adj:.3f}); standard errors: {cov}. "
        "Coefficients: the change in the dependent per unit of the trait ({unit}).": (
            "N = {n} 个配对，R² = {r2:.3f}（调整后 {adj:.3f}）；标准误：{cov}。"
            "系数：特征每变动一个单位时因变量的变化（{unit}）。"
        ),
        ", {n} clusters": "，{n} 个聚类",
        "CAR in percentage points": "CAR，单位为百分点",
        "SCAR in standard errors": "SCAR，单位为标准误",
        "Trait units: ": "特征单位：",
        "Turnover could not be read: {error}": "无法读取换手率：{error}",
        "Listing traits could not be read: {error}": "无法读取上市特征：{error}",
        "coefficient": "系数",
        "CAR change per unit of the trait (%)": "特征每单位对应的 CAR 变化（%）",
        "Coefficients with 95 % intervals": "系数及其 95 % 区间",
        "pairs": "配对",
        "fitted": "拟合值",
        "{dependent} against {trait}": "{dependent} 对 {trait}",
        "Scatter against": "散点图横轴",
        "Download crosssection.csv": "下载 crosssection.csv",
        "A market-wide measure hits every stock on the same day, so its effect shows as "
        "differential exposure: CAR_i = a + b·traits_i + e_i over the study's measure × "
        "instrument pairs (or SCAR_i = CAR_i / SE_i), by statsmodels OLS. Standard errors: "
        "HC3 for one measure; clustered by event session (t0) when measures are pooled, so "
        "measures on one day share a cluster and t has G − 1 degrees of freedom; classical "
        "OLS on request. Traits are measured before t0, over each event's estimation "
        "window: size = ln of the mean daily float market value, 成交额 / (换手率 / 100) "
        "(amount over the share of the float traded: 1.2 billion yuan at 2.4 % is 50 "
        "billion yuan of float); beta and idiosyncratic volatility (σ) from the study's own "
        "fit; mean turnover (%); past return (last close of the window over the close "
        "before it, − 1); ln of the last close of the window (the session t0 − 11 with the "
        "default window (−250, −11), not the close just before t0). Listing traits (board, "
        "ST) and your own "
        "trait file join on the symbol. Pairs missing a trait are left out and named. "
        "Validated against statsmodels and a hand-worked two-regressor example. "
        "`python -m analysis crosssection` writes the same `crosssection.csv`.": (
            "市场范围的措施在同一天影响所有股票，因此其效应体现为差异化暴露：对本研究的措施 × 标的"
            "配对回归 CAR_i = a + b·特征_i + e_i（或 SCAR_i = CAR_i / SE_i），使用 statsmodels OLS。"
            "标准误：单项措施用 HC3；合并多项措施时按事件交易日（t0）聚类，同一天的措施属于同一聚类，"
            "t 的自由度为 G − 1；也可选经典 OLS。特征在 t0 之前、各事件的估计窗口内度量：规模 = "
            "日均流通市值的自然对数，成交额 / (换手率 / 100)（成交额除以流通股换手比例：成交 12 亿元、"
            "换手率 2.4 % 即流通市值 500 亿元）；beta 与特质波动率（σ）取自本研究的拟合；平均换手率"
            "（%）；过去收益（窗口最后收盘价除以窗口前收盘价，减 1）；窗口最后收盘价的自然对数（默认窗口 (−250, −11) 下为 t0 − 11 日，而非 t0 前一日的收盘价）。上市特征"
            "（板块、ST）与你的特征文件按代码合并。缺少特征的配对会被剔除并列出。已与 statsmodels 及"
            "手算的双回归变量示例核对。`python -m analysis crosssection` 输出同样的 `crosssection.csv`。"
        ),
        "1 for that level, 0 otherwise": "取该值为 1，否则为 0",
        # the engine's messages
        "size and turnover need amount (成交额) and turnover (换手率) in the estimation window "
        "before {event}: not derived for {instruments}": (
            "规模与换手率需要 {event} 之前估计窗口内的成交额与换手率：未能为 {instruments} 计算"
        ),
        "past_return and log_price need closes in the estimation window before {event}: not "
        "derived for {instruments}": (
            "past_return 与 log_price 需要 {event} 之前估计窗口内的收盘价：未能为 {instruments} 计算"
        ),
        "{shown} (and {n} more)": "{shown}（另有 {n} 个）",
        "log_price uses adjusted closes for {instruments}: an adjusted level, not the price "
        "traded then (back-adjusted series lie far above it)": (
            "{instruments} 的 log_price 使用复权收盘价：是复权后的价位，而非当时的成交价"
            "（后复权序列远高于成交价）"
        ),
        "beta is not defined for {instruments}: the constant-mean model (used for market-wide "
        "indices) has no slope on the benchmark": (
            "{instruments} 没有 beta：常数均值模型（用于全市场指数）不含对基准的斜率"
        ),
        "{kind} trait(s) {names} share a name with another trait: kept as {renamed}": (
            "{kind} 特征 {names} 与其他特征重名：保留为 {renamed}"
        ),
        "the {kind} traits have no row for {instruments}": "{kind} 特征中没有 {instruments} 的行",
        "alpha must lie between 0 and 1, got {alpha}": "alpha 须在 0 与 1 之间，收到 {alpha}",
        "{term} is not a regressor of this fit; choose from {terms}": (
            "{term} 不是该回归的回归变量；请从 {terms} 中选择"
        ),
        "{name}: dummies against its most common level '{level}'": (
            "{name}：以其最常见取值“{level}”为基准的虚拟变量"
        ),
        "dependent must be one of {choices}, got {value}": "因变量须为 {choices} 之一，收到 {value}",
        "covariance must be one of {choices}, got {value}": "协方差须为 {choices} 之一，收到 {value}",
        "name at least one regressor (a trait)": "请至少指定一个回归变量（特征）",
        "unknown trait(s) {names}; available: {available}": "未知特征 {names}；可用：{available}",
        "CAR window [{a}, {b}] is not one of the study's: {windows}": (
            "CAR 窗口 [{a}, {b}] 不是本研究的窗口之一：{windows}"
        ),
        "weights {weights} is neither inverse_variance nor a trait; available: {available}": (
            "权重 {weights} 既不是 inverse_variance 也不是特征；可用：{available}"
        ),
        "no {dependent} for {pairs}": "{pairs} 没有 {dependent}",
        "left out, no {name}: {pairs}": "已剔除，缺少 {name}：{pairs}",
        "left out, no positive weight: {pairs}": "已剔除，没有正权重：{pairs}",
        "dropped, the same for every pair used: {names} (it would be collinear with the "
        "intercept)": "已删除，所有配对取值相同：{names}（会与截距共线）",
        "no regressor varies across the {n} pairs used ({names}): nothing to regress on": (
            "在所用的 {n} 个配对中没有回归变量有变化（{names}）：无可回归"
        ),
        "too few observations: {n} pair(s) with a {dependent} and every regressor for {k} "
        "coefficients (need at least {need}){left_out}": (
            "观测过少：有 {dependent} 且各回归变量齐全的配对 {n} 个，需估计 {k} 个系数"
            "（至少需要 {need} 个）{left_out}"
        ),
        "; {notes}": "；{notes}",
        "regressor(s) {names} are a linear combination of the intercept, the measure effects "
        "and the regressors before them: leave one out": (
            "回归变量 {names} 是截距、措施固定效应与其前面回归变量的线性组合：请去掉一个"
        ),
        "one event session: cluster-robust SEs need at least two clusters, HC3 used instead": (
            "只有一个事件交易日：聚类稳健标准误至少需要两个聚类，改用 HC3"
        ),
        "only {n} event-session clusters: cluster-robust SEs are imprecise with fewer than "
        "{few} (t and p use {dof} degrees of freedom)": (
            "只有 {n} 个事件交易日聚类：少于 {few} 个时聚类稳健标准误不精确（t 与 p 使用 {dof} 个自由度）"
        ),
        TRAIT_UNITS["size"]: "流通市值的自然对数，单位元（ln(成交额 / (换手率 / 100))）",
        TRAIT_UNITS["beta"]: "对基准的斜率（无单位）",
        TRAIT_UNITS["idio_vol"]: "每个交易日的残差标准差（小数：0.01 = 1 %）",
        TRAIT_UNITS["turnover"]: "日均换手率，占流通股的 %",
        TRAIT_UNITS["past_return"]: "估计窗口内的累计收益（小数）",
        TRAIT_UNITS[
            "log_price"
        ]: "估计窗口最后收盘价的自然对数（默认为 t0 − 11），而非 t0 前一日的收盘价",
        FILE_GLOSSARY["crosssection.csv"]: (
            "配对 CAR 对其特征的截面回归：每项的系数、标准误、t、p 与置信区间，以及 n、R² 和协方差类型"
        ),
        COLUMN_GLOSSARY[
            "term"
        ]: "截面回归的项：const（截距）、某个特征，或 特征[取值]（相对最常见取值的虚拟变量）",
        COLUMN_GLOSSARY[
            "coef"
        ]: "OLS（或 WLS）系数：特征每单位对应的因变量变化（CAR：小数，0.01 = 1 %）",
        COLUMN_GLOSSARY["t"]: "coef / se",
        COLUMN_GLOSSARY["p"]: "t 的双侧 p 值（Student t：n − k 个自由度，聚类标准误时为 G − 1）",
        COLUMN_GLOSSARY["r2"]: "截面回归的 R²",
        COLUMN_GLOSSARY["adj_r2"]: "截面回归的调整 R²",
        COLUMN_GLOSSARY["cov_type"]: (
            "系数的协方差：hc3（异方差稳健）、cluster（按事件交易日 t0 聚类）或 nonrobust（经典 OLS）"
        ),
        COLUMN_GLOSSARY["n_t0_clusters"]: "聚类标准误的事件交易日（t0）聚类数（否则为空）",
        COLUMN_GLOSSARY["dependent"]: "被回归的变量：car（小数）或 scar（CAR / 其标准误）",
        COLUMN_GLOSSARY["window"]: "因变量的 CAR 窗口，以相对交易日计",
    }
)

#: plotly.js's own texts in 中文 (toolbar tooltips, date axes), passed as a plotly locale in
#: every chart's config (pages.charts.plot_config): Streamlit's plotly registers none.
PLOTLY_ZH_CN = {
    "dictionary": {
        "Autoscale": "自动缩放",
        "Box Select": "矩形框选",
        "Compare data on hover": "悬停时显示全部数据",
        "Double-click to zoom back out": "双击返回缩小显示",
        "Download plot as a PNG": "下载图表为 PNG",
        "Download plot": "下载图表",
        "Lasso Select": "套索选择",
        "Pan": "平移",
        "Produced with Plotly.js": "由 Plotly.js 生成",
        "Reset axes": "重置坐标轴",
        "Reset view": "重置视图",
        "Reset": "重置",
        "Show closest data on hover": "悬停时显示最近的数据",
        "Snapshot succeeded": "快照已生成",
        "Sorry, there was a problem downloading your snapshot!": "抱歉，下载快照时出现问题！",
        "Taking snapshot - this may take a few seconds": "正在生成快照，可能需要几秒钟",
        "Toggle Spike Lines": "切换辅助线",
        "Toggle show closest data on hover": "切换悬停时显示最近的数据",
        "Zoom": "缩放",
        "Zoom in": "放大",
        "Zoom out": "缩小",
    },
    "format": {
        "days": ["星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"],
        "shortDays": ["周日", "周一", "周二", "周三", "周四", "周五", "周六"],
        "months": [f"{n}月" for n in range(1, 13)],
        "shortMonths": [f"{n}月" for n in range(1, 13)],
        "date": "%Y-%m-%d",
    },
}
# lead (issue 15 merge): the pairing notes of analysis.api as engine messages
ZH.update(
    {
        "each measure paired with its own segments' instruments": "每项措施只配其自身板块的标的",
        "{measure}: the first {limit} stored series of its segments are studied; left out: "
        "{left_out}": "{measure}：只研究其板块中前 {limit} 个已存储序列；未纳入：{left_out}",
        "{measure}: no instrument of its segments ({segments}) is among the chosen "
        "instruments; not studied": "{measure}：所选标的中没有属于其板块（{segments}）的标的；未研究",
        "{measure}: no instrument of its segments ({segments}) is stored; not studied": (
            "{measure}：未存储属于其板块（{segments}）的标的；未研究"
        ),
        "pairing by segments: no instrument named belongs to the segments of these "
        "measures": "按板块配对：所选标的都不属于这些措施的板块",
        "pairing by segments: no instrument stored belongs to the segments of these "
        "measures": "按板块配对：已存储的标的都不属于这些措施的板块",
        "pairing by segments: {instruments} belong(s) to no chosen measure's segments; not "
        "studied": "按板块配对：{instruments} 不属于任何所选措施的板块；未研究",
        "pairing by segments: each measure is studied only on the instruments of its own "
        "segments ({pairs} measure-instrument pairs, not {measures} × {instruments})": (
            "按板块配对：每项措施只在其自身板块的标的上研究（{pairs} 个措施–标的配对，"
            "而非 {measures} × {instruments}）"
        ),
    }
)
# lead (issue 15 review fixes): counts in the multi-measure title, URL choices, CSV units
ZH.update(
    {
        "{k} of {n} events estimated": "{n} 个事件中 {k} 个有估计结果",
        "Measure id": "措施编号",
        "Left out of the defaults: {names}: SYNTHETIC demo series of these measures' segments "
        "(studies take real series only once any are stored). Import or fetch real data for "
        "them, or add them by hand.": (
            "默认标的未纳入：{names}：这些措施所属板块的合成演示序列（一旦存储了真实序列，研究只默认使用"
            "真实序列）。请为它们导入或获取真实数据，或手动添加。"
        ),
        "Data in this chart: **{mode}**": "本图数据：**{mode}**",
        "Some of these results come from SYNTHETIC DEMO prices ({names}); every row and "
        "cross-sectional test that uses them illustrates the method, not the market. Remove "
        "them from the instruments, or remove the demo on the Data page.": (
            "部分结果来自合成演示价格（{names}）；用到它们的每一行和截面检验只用于说明方法，"
            "不反映市场。请从标的中移除它们，或在“数据”页移除演示数据。"
        ),
        "row {row}, column {column}: {value} is outside {first}…{last}": (
            "第 {row} 行，列 {column}：{value} 超出 {first}…{last}"
        ),
        "row {row}, column {column}: {value} is not a date": "第 {row} 行，列 {column}：{value} 不是日期",
        "row {row}, column {column}: {value} is not a date in the column's format {format}": (
            "第 {row} 行，列 {column}：{value} 不是该列格式 {format} 的日期"
        ),
        "row {row}, column {column}: {day} appears twice": "第 {row} 行，列 {column}：{day} 出现两次",
        "Event date": "事件日期",
        "Statistic": "统计量",
        "Value": "数值",
        "Window start": "窗口起点",
        "Window end": "窗口终点",
        "Status": "状态",
        "Reason": "原因",
        "The measures are paired with their own segments' instruments only. To study the "
        "chosen instruments around every measure, choose 'Every instrument with every "
        "measure' above.": (
            "当前每项措施只配其自身板块的标的。若要在每项措施前后研究所选标的，请在上方选择"
            "“每个标的配每项措施”。"
        ),
        "{value} is not one of the choices ({choices})": "{value} 不是可选项之一（{choices}）",
        COLUMN_GLOSSARY["units"]: "元数据：文件中数值的单位（收益为小数：0.01 = 1 %）",
    }
)

# -- issue 16, models family: the multi-factor and two-index normal-return models --------------
ZH.update(
    {
        "the second index {symbol} is not stored: fetch or import it on the Data page": (
            "第二指数 {symbol} 未存储：请在“数据”页获取或导入"
        ),
        "the factors model needs a factor file (a date column and factor columns)": (
            "多因子模型需要因子文件（一列日期和若干因子列）"
        ),
        "the two-index model needs a second index series": "双指数模型需要第二个指数序列",
        "the second index {symbol} is the benchmark itself: choose another series": (
            "第二指数 {symbol} 就是基准本身：请选择其他序列"
        ),
        "placebo left out: its pseudo-event fits use the one-index models' moments (market, "
        "constant-mean, market-adjusted), not the {model} model": (
            "未做安慰剂检验：其伪事件拟合使用单指数模型（市场、常数均值、市场调整）的矩，"
            "不适用于 {model} 模型"
        ),
        "the factor file {name} covers {start} to {end}, but event {event} needs {first} to "
        "{last} (estimation and event windows): missing {spans}": (
            "因子文件 {name} 覆盖 {start} 至 {end}，但事件 {event} 需要 {first} 至 {last}"
            "（估计窗口和事件窗口）：缺少 {spans}"
        ),
        "L1-K df (K = 1 + the number of factors)": "自由度 L1-K（K = 1 + 因子个数）",
        "the regressors (factors or indices)": "回归变量（因子或指数）",
        "a regressor is constant, or a combination of the others, over the estimation window "
        "{window} {around}: the {model} model cannot be estimated; choose other factors or "
        "another second index": (
            "在估计窗口 {window}（{around}）内某个回归变量为常数或是其他变量的线性组合：无法估计 "
            "{model} 模型；请选择其他因子或其他第二指数"
        ),
        "{instrument}'s returns are an exact linear function of the regressors over the "
        "estimation window {window}: the residual variance is zero": (
            "{instrument} 的收益在估计窗口 {window} 内恰为回归变量的线性函数：残差方差为零"
        ),
        "median |value| {median:.4g}, largest {largest:.4g}; read as percent when the median "
        "is above {m} or any value above {x}": (
            "|值| 的中位数 {median:.4g}，最大 {largest:.4g}；中位数大于 {m} 或任一值大于 {x} "
            "时按百分数读取"
        ),
        "factor file {where}: values read as {units} ({why})": (
            "因子文件 {where}：数值按{units}读取（{why}）"
        ),
        "factor file {where}: values read as {units} (as asked)": (
            "因子文件 {where}：数值按{units}读取（按指定）"
        ),
        "no date column: name one 'date' (or 日期), or put the dates in the first column "
        "(columns: {columns})": (
            "没有日期列：请将一列命名为 'date'（或 日期），或把日期放在第一列（列：{columns}）"
        ),
        "the file has no rows": "文件没有数据行",
        "no factor columns besides the dates (columns: {columns})": (
            "除日期外没有因子列（列：{columns}）"
        ),
        "every factor cell is empty": "所有因子单元格都为空",
        "factor file {where}: has a risk-free column (RF): the study regresses each "
        "instrument's return in excess of RF on the factors (R − RF = α + b'f + ε); the "
        "normal return is RF + α̂ + b̂'f": (
            "因子文件 {where}：含无风险利率列（RF）：研究以各标的超过 RF 的收益对因子回归"
            "（R − RF = α + b'f + ε）；正常收益为 RF + α̂ + b̂'f"
        ),
        "factor file {where}: {n} date(s) with an empty cell count as missing days": (
            "因子文件 {where}：{n} 个日期有空单元格，按缺失日处理"
        ),
        "row {row}, column {column}: {value} is not a number": (
            "第 {row} 行，列 {column}：{value} 不是数字"
        ),
        "two columns are named {name}": "有两列都名为 {name}",
        "percent (divided by 100)": "百分数（除以 100）",
        "decimals": "小数",
        "multi-factor model (user factors)": "多因子模型（用户因子）",
        "two-index model": "双指数模型",
        "Lamb's Z standardises by one market index's terms: not defined for the factors or "
        "two-index models (use Patell Z or BMP t)": (
            "Lamb Z 以单一市场指数的项标准化：不适用于多因子或双指数模型（请用 Patell Z 或 BMP t）"
        ),
        "Multi-factor model (your factor file)": "多因子模型（您的因子文件）",
        "Two-index model (benchmark + a second series)": "双指数模型（基准 + 第二个序列）",
        "Saved as {name}: {n} dates, factors {factors}.": (
            "已保存为 {name}：{n} 个日期，因子 {factors}。"
        ),
        "Factor file (CSV or Excel: a date column and factor columns)": (
            "因子文件（CSV 或 Excel：一列日期和若干因子列）"
        ),
        "Factor file": "因子文件",
        "Second index": "第二指数",
        "Daily factor returns from your data vendor: Fama–French (MKT-RF, SMB, HML, RMW, CMA, "
        "MOM) or the China CH-3/CH-4 factors (MKT, SMB, VMP, PMO), in percent or in decimals "
        "(detected and stated), with an optional RF column.": (
            "来自数据商的日度因子收益：Fama–French（MKT-RF、SMB、HML、RMW、CMA、MOM）或中国 "
            "CH-3/CH-4 因子（MKT、SMB、VMP、PMO），百分数或小数均可（自动识别并说明），"
            "可含 RF 列。"
        ),
        "Upload a factor file": "请上传因子文件",
        "Factor file not used: {error}": "未使用因子文件：{error}",
        "The two-index model regresses each return on the benchmark and this series (e.g. "
        "C-REITs on an equity index and a bond ETF): K = 3 parameters.": (
            "双指数模型将各收益对基准和该序列回归（例如 C-REITs 对股票指数和债券 ETF）："
            "K = 3 个参数。"
        ),
        "Multi-factor model": "多因子模型",
        "Two-index model": "双指数模型",
        "Multi-factor and two-index models": "多因子模型与双指数模型",
        "the factors are used as the file gives them (usually simple returns) beside the "
        "instruments' log returns": "因子按文件原样使用（通常为简单收益），而标的使用对数收益",
        "**Multi-factor model.** Upload your factor file (a date column and one column per "
        "factor: Fama–French MKT-RF, SMB, HML, RMW, CMA, MOM, or the China CH-3/CH-4 factors "
        "MKT, SMB, VMP, PMO of Liu, Stambaugh & Yuan 2019). It is read as percent when the "
        "median |value| is above 0.05 or any value above 1, else as decimals; the study's "
        "notes state which and why. With an RF column, each return is taken in excess of RF "
        "and the normal return is RF + α̂ + b̂'f; without one, the raw return is regressed on "
        "the factors. K = 1 + the number of factors.\n\n"
        "**Two-index model.** The benchmark and a second stored series (e.g. C-REITs on an "
        "equity index and a bond ETF) as regressors: K = 3.\n\n"
        "Both are fitted by OLS on each instrument's valid estimation days (X: a constant and "
        "the regressors, L1 rows; X\\*: the CAR window's L2 valid days), with L1 − K degrees "
        "of freedom for σ̂² and the t-test, and the general matrix form of the CAR variance "
        "(Campbell, Lo & MacKinlay 1997, eq. 4.4.17–18); with one regressor it is the market "
        "model's formula above. Patell Z and BMP t standardise each AR by the per-day "
        "variance; the estudy2 index-wide market terms apply to the market model only. "
        "Lamb's Z (one market series) and the placebo (one-index fits at many pseudo-dates) "
        "are not computed for these models, and a note says so; abnormal volume keeps its "
        "constant-mean model of log volume.": (
            "**多因子模型。** 上传您的因子文件（一列日期，每个因子一列：Fama–French 的 "
            "MKT-RF、SMB、HML、RMW、CMA、MOM，或 Liu、Stambaugh 与 Yuan（2019）的中国 "
            "CH-3/CH-4 因子 MKT、SMB、VMP、PMO）。当 |值| 的中位数大于 0.05 或任一值大于 1 时"
            "按百分数读取，否则按小数读取；研究的说明会写明采用哪种及原因。若含 RF 列，"
            "各收益取超过 RF 的部分，正常收益为 RF + α̂ + b̂'f；若无，则以原始收益对因子回归。"
            "K = 1 + 因子个数。\n\n"
            "**双指数模型。** 以基准和另一个已存储序列（例如 C-REITs 对股票指数和债券 ETF）"
            "为回归变量：K = 3。\n\n"
            "两者都在各标的有效估计日上以 OLS 拟合（X：常数与回归变量，L1 行；X\\*：CAR 窗口"
            "的 L2 个有效日），σ̂² 和 t 检验的自由度为 L1 − K，CAR 方差采用一般矩阵形式"
            "（Campbell、Lo 与 MacKinlay 1997，式 4.4.17–18）；只有一个回归变量时即上文市场"
            "模型的公式。Patell Z 和 BMP t 以逐日方差标准化各 AR；estudy2 的全指数市场项只用于"
            "市场模型。Lamb Z（单一市场序列）和安慰剂检验（在多个伪日期上的单指数拟合）不对这些"
            "模型计算，并有说明；异常成交量仍用对数成交量的常数均值模型。"
        ),
    }
)
# the glossary's columns whose meaning the two models widen (their English is in analysis.glossary)
ZH.update(
    {
        COLUMN_GLOSSARY["model"]: (
            "实际使用的正常收益模型（market、constant-mean、market-adjusted、factors、two-index）"
        ),
        COLUMN_GLOSSARY["beta"]: (
            "对基准收益的斜率（市场模型）；多因子模型中为第一个因子的斜率，双指数模型中为基准的斜率"
        ),
        COLUMN_GLOSSARY["car_se"]: (
            "CAR 的标准误（CLM 1997 式4.4.17–18，含估计误差；多因子和双指数模型用矩阵形式 "
            "σ²(L2 + ι'X*(X'X)⁻¹X*'ι)）"
        ),
    }
)

# traits (issue 16 point 1): the trait file, listing traits, turnover beside the prices
ZH.update(
    {
        "Traits file": "特征文件",
        "A CSV or Excel table with a symbol column (symbol, code, 代码, 证券代码: 600030, "
        "600030.SH or sh.600030) and one column per trait (an SOE flag, leverage, "
        "northbound holding, …): numbers, or yes/no (true/false, 1/0, 是/否) read as 1/0. "
        "The cross-sectional regression of CARs can use them as regressors.": (
            "CSV 或 Excel 表格：一列代码（symbol、code、代码、证券代码：600030、600030.SH 或 "
            "sh.600030），每个特征一列（国企标志、杠杆、北向持股……）：数值，或是/否（`true`/`false`、"
            "1/0、是/否，读作 1/0）。CAR 的截面回归可将其用作解释变量。"
        ),
        "Traits kept for studies: {firms} firm(s), {n} trait(s), from {name}.": (
            "供研究使用的特征：{firms} 家公司，{n} 个特征，来自 {name}。"
        ),
        "Traits file (CSV or Excel)": "特征文件（CSV 或 Excel）",
        "Save the traits for studies": "保存特征供研究使用",
        "Traits saved: {firms} firm(s), {n} trait(s) from {name}.": (
            "特征已保存：{firms} 家公司，{n} 个特征，来自 {name}。"
        ),
        "The traits from {name} they replace were kept in the data directory "
        "(store/traits/replaced).": (
            "被替换的特征（来自 {name}）已保留在数据目录中（store/traits/replaced）。"
        ),
        "row {row}, column {column}: {value} is not a turnover in % (a number ≥ 0)": (
            "第 {row} 行，列 {column}：{value} 不是以 % 表示的换手率（≥ 0 的数）"
        ),
        "{value} read as {code} (leading zeros restored)": "{value} 读作 {code}（补回前导零）",
        "{firms} firm(s), {n} trait(s) from {name}: {traits}": (
            "{firms} 家公司，{n} 个特征，来自 {name}：{traits}"
        ),
        "column {column} appears twice": "列 {column} 出现两次",
        "no symbol column (a header such as symbol, code, 代码 or 证券代码); columns "
        "found: {found}": "没有代码列（列名如 symbol、code、代码或证券代码）；找到的列：{found}",
        "no trait column: the file has only its symbol column {column}": (
            "没有特征列：文件只有代码列 {column}"
        ),
        "the same firm appears more than once: {listed}": "同一家公司出现不止一次：{listed}",
        "file not found": "找不到文件",
        "cannot read: {problem}": "无法读取：{problem}",
        "{value} read as the stock {symbol} (it also fits {others})": (
            "{value} 读作股票 {symbol}（它也符合 {others}）"
        ),
        "a column header is {n:,} characters long (at most {limit}): {header}": (
            "某列名长 {n:,} 个字符（最多 {limit}）：{header}"
        ),
        "row {row}, column {column}: the symbol is empty": "第 {row} 行，列 {column}：代码为空",
        "row {row}, column {column}: {value} is not a stock code or a series name "
        "(e.g. 600030, 600030.SH, sh.600030)": (
            "第 {row} 行，列 {column}：{value} 不是股票代码或序列名称（例如 600030、600030.SH、"
            "sh.600030）"
        ),
        "row {row}, column {column}: {value} is not a number or a yes/no "
        "(true/false, 1/0, 是/否)": (
            "第 {row} 行，列 {column}：{value} 既不是数值也不是是/否值（如 1/0、是/否）"
        ),
        "{column}: yes/no read as 1/0": "{column}：是/否读作 1/0",
        "{column}: every cell is empty": "{column}：所有单元格均为空",
        "{column}: firm names, not a trait (left out)": "{column}：公司名称，不是特征（未纳入）",
    }
)

# report branch (issue 16 points 4 and 5): the forest plot and the HTML report. The report's
# own texts and their Chinese are in analysis/report.py (pure Python, no Streamlit); the
# forest figure shares them, so they are added here where the dashboard has none.
from analysis.report import REPORT_ZH  # noqa: E402

for _text, _zh in REPORT_ZH.items():
    ZH.setdefault(_text, _zh)
ZH.update(
    {
        "Forest plot of this cell's measures": "本单元格各措施的森林图",
        "Interval from the test": "区间所用检验",
        "Interval from": "区间来自",
        "Sort by": "排序方式",
        "Date (t0)": "日期（t0）",
        "Size (|CAR|)": "大小（|CAR|）",
        "Strength (|t|)": "强度（|t|）",
        "95% low (%)": "95% 下限（%）",
        "95% high (%)": "95% 上限（%）",
        "No CAR to show for this window.": "此窗口没有可显示的 CAR。",
        "Report (HTML)": "报告（HTML）",
        "Marker: ▲ rise expected, ▼ fall expected, ◆ ambiguous, ● none stated; colour: the "
        "measure's theme; shaded: {legend}.": (
            "标记：▲ 预期上涨，▼ 预期下跌，◆ 方向不明，● 未说明；颜色：措施的主题；底色：{legend}。"
        ),
        "CI = CAAR ± q·|CAAR / statistic|: q is the t quantile with N − 1 degrees of freedom "
        "for a t test, 1.96 for a z test (exactly mean ± t·s/√N for the cross-sectional t). A "
        "row with one pair uses its own t-test, CAR ± t(L1 − k)·SE.": (
            "置信区间 = CAAR ± q·|CAAR / 统计量|：t 检验的 q 为自由度 N − 1 的 t 分位数，z 检验为 "
            "1.96（截面 t 检验恰为 均值 ± t·s/√N）。只有一个配对的行用其自身的 t 检验，"
            "CAR ± t(L1 − k)·SE。"
        ),
        "Per measure: the mean CAR over the cell's instruments with the cross-sectional t "
        "interval (mean ± t(N − 1)·s/√N); a measure on one instrument: CAR ± 1.96·SE.": (
            "每项措施：单元格内各标的 CAR 的均值及截面 t 区间（均值 ± t(N − 1)·s/√N）；"
            "只在一个标的上的措施：CAR ± 1.96·SE。"
        ),
        "Forest plot and HTML report": "森林图与 HTML 报告",
        "**Forest plot.** With several measures, the Event study's forest plot shows one row "
        "per measure (and, when its instruments span several segments, one per segment): the "
        "mean CAR of its instruments over the chosen window with a 95 % interval from the "
        "chosen test, coloured by theme, its marker the expected sign (▲ rise, ▼ fall, "
        "◆ ambiguous, ● none stated). Every offered test has the form S = CAAR / SE*, so the "
        "interval is CAAR ± q·|CAAR / S|, with q the Student t quantile on N − 1 degrees of "
        "freedom for a t test and 1.96 for a z test: exactly mean ± t·s/√N for the "
        "cross-sectional t; for the standardised tests (Patell, BMP, Kolari–Pynnönen, J1) "
        "the interval consistent with their p-value (it excludes 0 exactly when p < 0.05). "
        "A row with one instrument uses the pair's own t-test, CAR ± t(L1 − k)·SE. The "
        "Themes page draws the measures of a chosen cell with the cross-sectional t "
        "interval (one instrument: CAR ± 1.96·SE).": (
            "**森林图。** 研究多项措施时，事件研究页的森林图每项措施一行（其标的跨多个板块时，"
            "每个板块再一行）：所选窗口内各标的 CAR 的均值，及由所选检验得出的 95% 区间，颜色表示主题，"
            "标记表示预期方向（▲ 上涨，▼ 下跌，◆ 方向不明，● 未说明）。可选的检验都形如 "
            "S = CAAR / SE*，因此区间为 CAAR ± q·|CAAR / S|，t 检验的 q 为自由度 N − 1 的 t 分位数，"
            "z 检验为 1.96：对截面 t 检验恰为 均值 ± t·s/√N；对标准化检验（Patell、BMP、"
            "Kolari–Pynnönen、J1）是与其 p 值一致的区间（恰在 p < 0.05 时不含 0）。"
            "只有一个标的的行用该配对自身的 t 检验，CAR ± t(L1 − k)·SE。主题页为所选单元格的措施"
            "绘制截面 t 区间（只有一个标的时：CAR ± 1.96·SE）。"
        ),
        "**HTML report.** The Event study's “Report (HTML)” download and `python -m "
        "analysis study … --report report.html` write one self-contained file (plotly.js "
        "inlined: it opens offline in any browser) in the page's language: the measures "
        "with their citations (links only to tier A–C sources), the data mode and vintage "
        "(SYNTHETIC marked at the top), the method and every parameter, every table of the "
        "CSVs (numbers to six significant digits, the full value on hover), the charts and "
        "the caveats (overlapping windows, uncertain t0, survivorship of constituent lists).": (
            "**HTML 报告。** 事件研究页的“报告（HTML）”下载与 `python -m analysis study … "
            "--report report.html` 以页面语言写出一个自包含文件（内嵌 plotly.js：离线也能在任何"
            "浏览器打开）：措施及其引文（只链接 A–C 级来源）、数据模式与版本（合成数据在顶部标明）、"
            "方法与全部参数、CSV 的每张表（数字保留六位有效数字，悬停显示完整值）、图表及注意事项"
            "（重叠窗口、t0 不确定、成分股名单的幸存者偏差）。"
        ),
        FILE_GLOSSARY["report.html"]: (
            "整个研究的一个 HTML 文件，便于转发：措施与引文、数据、方法、每张表和图、注意事项"
            "（离线也能在任何浏览器打开）"
        ),
        COLUMN_GLOSSARY[
            "level"
        ]: "森林图的行：measure（该措施的全部标的）或 segment（其在该板块的标的）",
        COLUMN_GLOSSARY["title"]: "措施的标题",
        # shared by crosssection.csv and the forest table (analysis/glossary.py)
        COLUMN_GLOSSARY["ci_low"]: (
            "95 % 区间的下限：coef 的（crosssection.csv），或该行 CAR 均值的（森林图表；小数）"
        ),
        COLUMN_GLOSSARY["ci_high"]: (
            "95 % 区间的上限：coef 的（crosssection.csv），或该行 CAR 均值的（森林图表；小数）"
        ),
        COLUMN_GLOSSARY["se"]: (
            "标准误：cov_type 下 coef 的（crosssection.csv），或森林图行区间所用的 "
            "|CAAR / 统计量|（小数）"
        ),
        COLUMN_GLOSSARY[
            "quantile"
        ]: "区间 CAAR ± q·SE 的 q：t 检验为 t(0.975, N − 1)，z 检验为 1.96",
    }
)

# issue 16, integ (the cross-section end to end): pages/crosssection_view.py's trait sources,
# analysis/crosssection.py's turnover note
ZH.update(
    {
        "No trait varies across these pairs.": "没有在这些配对之间变化的特征。",
        "Where the traits come from: turnover (换手率) is kept beside the prices when a file "
        "carries it (baostock `turn`, 换手率) or akshare's stock history is fetched; the "
        "traits file imported on the Data page is used by default, and a file uploaded in "
        "the section replaces it for the session (`--traits FILE` on the command line). "
        "Only traits that vary across the pairs are offered: board dummies when the pairs "
        "sit on different boards, ST where a name is known.": (
            "特征的来源：当文件含换手率（baostock `turn`、换手率）或从 akshare 获取股票历史行情时，"
            "换手率与价格一同保存；默认使用在数据页导入的特征文件，在本节上传的文件将在本次会话中"
            "取代它（命令行为 `--traits FILE`）。只提供在各配对之间有变化的特征：配对分属不同板块时"
            "提供板块虚拟变量，已知名称时提供 ST 标记。"
        ),
        "Not offered, the same for every pair: {names}": "未提供（所有配对取值相同）：{names}",
        "Another trait file for this session (optional): CSV or Excel of symbol, trait…": (
            "本次会话使用另一个特征文件（可选）：symbol、特征…的 CSV 或 Excel"
        ),
        "Traits from the uploaded file {name} ({firms} firm(s), {n} trait(s)), for this "
        "session.": "特征来自上传的文件 {name}（{firms} 家公司，{n} 个特征），仅用于本次会话。",
        "Traits file imported on the Data page: {name} ({firms} firm(s), {n} trait(s)). "
        "A file uploaded here replaces it for this session.": (
            "在数据页导入的特征文件：{name}（{firms} 家公司，{n} 个特征）。"
            "在此上传的文件将在本次会话中取代它。"
        ),
        "The traits file imported on the Data page could not be read: {error}": (
            "无法读取在数据页导入的特征文件：{error}"
        ),
        "The traits file imported on the Data page ({file}) was damaged ({problem}): "
        "it was moved aside to {target}. Import a traits file again on the Data page.": (
            "在数据页导入的特征文件（{file}）已损坏（{problem}）：已移至 {target}。"
            "请在数据页重新导入特征文件。"
        ),
        "turnover file {file} is damaged ({problem}): left out, so size and turnover are "
        "not derived for its series": (
            "换手率文件 {file} 已损坏（{problem}）：未使用，因此其序列未计算规模和换手率"
        ),
    }
)

# issue 15 (speed): the Event study's sections drawn only when opened
ZH.update(
    {
        "Trading response: abnormal volume and volatility": "交易反应：异常成交量与波动率",
        "Diagnostics: {n} records of what was skipped or changed": "诊断：{n} 条跳过或调整的记录",
    }
)

# issue 16, fixlong (review of the long-horizon code): the Long horizon section's labels, the
# engine's new notes and errors, the revised method text, bhar_tests.csv's n_filled
ZH.update(
    {
        "For structural reforms (registration, delisting, the Beijing exchange): the return of "
        "holding each instrument from the close of t0 for h sessions, minus the reference's "
        "buy-and-hold return. Tests: the t-test, the Lyon-Barber-Tsai skewness-adjusted t (p "
        "from Student t(n − 1)) and its bootstrap ({draws} resamples, seed {seed}; only from "
        "{minimum} pairs up). Returns in %; the CSV keeps decimals (0.01 = 1 %).": (
            "用于结构性改革（注册制、退市、北交所）：自 t0 收盘起持有每个标的 h 个交易日的收益，"
            "减去参照的买入持有收益。检验：t 检验、Lyon-Barber-Tsai 偏度调整 t（p 值按 Student "
            "t(n − 1)）及其自助法（{draws} 次重抽样，种子 {seed}；至少 {minimum} 个配对才运行）。"
            "收益以 % 表示；CSV 保留小数（0.01 = 1 %）。"
        ),
        "Fill series whose data end early with the benchmark (as delisted)": (
            "数据提前终止的序列以基准填补（视为退市）"
        ),
        "Off: a series whose data end before the horizon while the others go on has no BHAR "
        "there (its data may just not be updated). On: it is taken for delisted, held to its "
        "last close and then in the benchmark (Lyon-Barber-Tsai 1999).": (
            "关闭：数据在持有期结束前终止（而其他序列仍在继续）的序列在该持有期没有 BHAR"
            "（其数据可能只是未更新）。开启：视为退市，持有至最后收盘价，之后转入基准"
            "（Lyon-Barber-Tsai 1999）。"
        ),
        "Pairs (n)": "配对数 (n)",
        "Skewness": "偏度",
        "t": "t",
        "p (t)": "p（t）",
        "Skewness-adjusted t": "偏度调整 t",
        "p (skewness-adjusted t)": "p（偏度调整 t）",
        "Bootstrap 2.5 % quantile": "自助法 2.5 % 分位数",
        "Bootstrap 97.5 % quantile": "自助法 97.5 % 分位数",
        "p (bootstrap)": "p（自助法）",
        "Bootstrap resamples used": "所用自助重抽样次数",
        "Pairs filled with the benchmark": "以基准填补的配对数",
        "Reference": "参照",
        # engine messages (analysis/long_horizon.py)
        "buy-and-hold abnormal returns from the close of session t0{offset} against "
        "{reference}; Lyon-Barber-Tsai skewness-adjusted t (p from Student t(n-1)), bootstrap "
        "of {draws} resamples of n/4 (seed {seed}; from n = {minimum}; p = (count + 1)/(B + "
        "1))": (
            "自交易日 t0{offset} 收盘起相对{reference}的买入持有异常收益；Lyon-Barber-Tsai "
            "偏度调整 t（p 值按 Student t(n-1)），n/4 的 {draws} 次自助重抽样（种子 {seed}；"
            "n 至少 {minimum}；p = (count + 1)/(B + 1)）"
        ),
        "{method}; series whose data end early filled with the benchmark": (
            "{method}；数据提前终止的序列以基准填补"
        ),
        "at most {limit} bootstrap resamples, got {draws}": (
            "自助重抽样次数至多 {limit}，得到 {draws}"
        ),
        "{symbols}: studied instrument or benchmark, cannot be a control": (
            "{symbols}：为研究标的或基准，不能作为对照"
        ),
        "matched controls are chosen automatically from the same board: a market-wide measure "
        "may hit them too, which pulls the BHAR towards 0": (
            "匹配对照自动取自同一板块：全市场性的措施也可能影响它们，使 BHAR 偏向 0"
        ),
        "{event}, {instrument}, h = {horizon}: data end on {last:%Y-%m-%d}, before the horizon "
        "(the other series go on): {what}": (
            "{event}，{instrument}，h = {horizon}：数据止于 {last:%Y-%m-%d}，早于持有期结束"
            "（其他序列仍在继续）：{what}"
        ),
        "filled with the benchmark, as for a delisting": "按退市处理，以基准填补",
        "no BHAR (not taken for a delisting; --fill-after-end fills it)": (
            "无 BHAR（不视为退市；--fill-after-end 可填补）"
        ),
        "{event}, h = {horizon}: no bootstrap with {n} BHARs (it needs at least {minimum}: "
        "resamples of n/4 below 5 values have no meaningful skewness)": (
            "{event}，h = {horizon}：仅 {n} 个 BHAR，不做自助法（至少需要 {minimum} 个："
            "少于 5 个值的 n/4 重抽样，其偏度没有意义）"
        ),
        "{event}, h = {horizon}: {k} of {draws} bootstrap resamples had no spread (no t): the "
        "quantiles and p use the other {used}": (
            "{event}，h = {horizon}：{draws} 次自助重抽样中有 {k} 次无离散度（无 t）："
            "分位数和 p 值用其余 {used} 次"
        ),
        # the Method page (pages/method.py)
        "**Buy-and-hold abnormal returns (BHAR).** For structural reforms whose effect builds "
        "over months (registration, delisting, the Beijing exchange), each instrument is "
        "bought at the close of t0 and held for h sessions (21, 63, 126, 250: about 1, 3, 6 "
        "and 12 months): BHAR = Π(1 + R_it) − Π(1 + R_ref,t), from closes. The reference is "
        "the benchmark, or a matched portfolio: the equal-weighted buy-and-hold of control "
        "series, named by you or, by default, the 5 stored series of the instrument's board "
        "(from its code) that the study does not include, nearest in return over the 250 "
        "sessions before t0; such controls may be hit by the same market-wide measure, which "
        "pulls the BHAR towards 0 (a note says so), and a studied instrument or the benchmark "
        "is never a control. A suspended session carries the last close (the holder still "
        "owns the share). A series whose data end before the horizon while the others go on "
        "has, by default, no BHAR at that horizon (its data may just not be updated) and a "
        "note names the measure, the instrument and the horizon; with `--fill-after-end` (the "
        "page's checkbox) it is taken for delisted: held to its last close and then in the "
        "benchmark, as Lyon, Barber & Tsai (1999) do, and `bhar_tests.csv` counts such pairs "
        "in `n_filled`. A horizon that ends after the data has no BHAR.\n\n"
        "**Tests of the mean BHAR.** Long-horizon BHARs are skewed to the right, which biases "
        "the t-test. Besides the t-test, the page and `bhar_tests.csv` give the "
        "skewness-adjusted t of Lyon, Barber & Tsai (1999), t_sa = √n (S + γ̂S²/3 + γ̂/(6n)) "
        "with S = mean/sd and γ̂ = Σ(x − x̄)³/(n·sd³), its p from Student t(n − 1) (LBT's "
        "samples hold hundreds of firms, where t and the normal agree; with few pairs the "
        "normal would overstate significance), and its bootstrap: 1000 resamples of n/4 drawn "
        "with replacement (seeded), whose 2.5 % and 97.5 % quantiles are the critical values, "
        "run only from 20 pairs (resamples of at least 5; a resample of 2 always has zero "
        "skewness), with p = (count + 1)/(B + 1), never 0; resamples with no spread are "
        "counted in a note, never dropped silently; at most 100,000 resamples. Run it with "
        "`python -m analysis bhar`.\n\n"
        "**GRANK.** When many instruments share one event date, as policy measures do, the "
        "generalised rank test of Kolari & Pynnönen (2011) (`grank_t` in the tests table) "
        "tests a CAR window: the standardised CARs, re-scaled by their cross-sectional SD, are "
        "ranked with each pair's standardised estimation-window ARs; t_grank = Z·√((T − 2)/(T "
        "− 1 − Z²)) with T − 2 degrees of freedom. It is robust to cross-correlation, "
        "event-induced volatility and skewness.": (
            "**买入持有异常收益（BHAR）。** 对效果需数月才显现的结构性改革（注册制、退市、北交所），"
            "每个标的在 t0 收盘买入并持有 h 个交易日（21、63、126、250：约 1、3、6 和 12 个月）："
            "BHAR = Π(1 + R_it) − Π(1 + R_ref,t)，由收盘价计算。参照为基准，或匹配组合：对照序列的"
            "等权买入持有；对照由你指定，默认取该标的所在板块（按代码判断）中研究未包含、且 t0 前 "
            "250 个交易日收益最接近的 5 条已存储序列；这些对照可能受同一全市场措施影响，使 BHAR "
            "偏向 0（会有说明），研究标的或基准从不作为对照。停牌交易日沿用最近收盘价（持有人仍持有"
            "该股）。数据在持有期结束前终止而其他序列仍在继续的序列，默认在该持有期没有 BHAR（其数据"
            "可能只是未更新），并有说明列出措施、标的和持有期；使用 `--fill-after-end`（页面上的复选"
            "框）时视为退市：持有至最后收盘价，之后按 Lyon、Barber 与 Tsai（1999）的做法转入基准，"
            "`bhar_tests.csv` 在 `n_filled` 中计数这类配对。持有期结束于数据之后的，不计算 BHAR。\n\n"
            "**BHAR 均值的检验。** 长期 BHAR 右偏，会使 t 检验产生偏差。除 t 检验外，页面和 "
            "`bhar_tests.csv` 还给出 Lyon、Barber 与 Tsai（1999）的偏度调整 t：t_sa = √n (S + "
            "γ̂S²/3 + γ̂/(6n))，其中 S = 均值/标准差，γ̂ = Σ(x − x̄)³/(n·sd³)，其 p 值按 Student "
            "t(n − 1) 计算（LBT 的样本有数百家公司，此时 t 分布与正态分布一致；配对很少时正态分布会"
            "夸大显著性）；以及其自助法：有放回地抽取 n/4 个值、重抽样 1000 次（设定种子），以 2.5 % "
            "与 97.5 % 分位数作为临界值，至少 20 个配对才运行（重抽样至少 5 个值；2 个值的重抽样偏度"
            "总为 0），p = (count + 1)/(B + 1)，从不为 0；无离散度的重抽样在说明中计数，从不悄悄"
            "丢弃；重抽样至多 100,000 次。用 `python -m analysis bhar` 运行。\n\n"
            "**GRANK。** 当许多标的共享同一事件日（政策措施即如此）时，Kolari 与 Pynnönen（2011）"
            "的广义秩检验（检验表中的 `grank_t`）检验一个 CAR 窗口：标准化 CAR 按其截面标准差重新"
            "标度后，与每个配对估计窗口的标准化 AR 一起排秩；t_grank = Z·√((T − 2)/(T − 1 − Z²))，"
            "自由度 T − 2。它对截面相关、事件引起的波动和偏度都稳健。"
        ),
        # bhar.csv / bhar_tests.csv (analysis/glossary.py), revised and new
        COLUMN_GLOSSARY["bh_return"]: (
            "标的在持有期内的买入持有收益，由收盘价计算（小数）；数据提前终止的序列没有，除非填补"
            "（--fill-after-end）：持有至最后收盘价，之后转入基准"
        ),
        COLUMN_GLOSSARY["p_skew_adjusted"]: "t_skew_adjusted 按 Student t(n − 1) 的双侧 p 值",
        COLUMN_GLOSSARY["p_bootstrap"]: (
            "t_skew_adjusted 按其自助分布的双侧 p 值，(count + 1)/(B + 1)；少于 20 个配对时为空"
        ),
        COLUMN_GLOSSARY["n_bootstrap"]: "所用的自助重抽样次数（无离散度的重抽样在说明中计数）",
        COLUMN_GLOSSARY["n_filled"]: (
            "数据在持有期结束前终止、按退市以基准填补的配对数（仅在 --fill-after-end 时）"
        ),
    }
)

# issue 16 (fixmodels): factor-file gaps and units, the regressors named, every coefficient
ZH.update(
    {
        "column {column} appears twice": "列 {column} 出现两次",
        "columns in different units: {big} looks like percent (median |value| {mb:.4g}) and "
        "{small} like decimals ({ms:.4g}, {ratio:.0f}× smaller); save every factor column in "
        "the same units": (
            "各列单位不同：{big} 看起来是百分数（|值| 中位数 {mb:.4g}），{small} 看起来是小数"
            "（{ms:.4g}，小 {ratio:.0f} 倍）；请将所有因子列保存为同一单位"
        ),
        "factor file {where}: values read as {units} ({why}); every column the same way, "
        "each column's median |value| alone: {columns}": (
            "因子文件 {where}：数值按{units}读取（{why}）；所有列按同一方式读取，"
            "各列单独的 |值| 中位数：{columns}"
        ),
        "factor file {where}: judged alone, {p} look like percent and {d} like decimals; all "
        "are read as {units}: check the file's units": (
            "因子文件 {where}：单独判断时 {p} 看起来是百分数，{d} 看起来是小数；"
            "全部按{units}读取：请检查文件的单位"
        ),
        "{n} session(s) of its {window} [{a}, {b}] ({dates}{more})": (
            "其{window} [{a}, {b}] 中的 {n} 个交易日（{dates}{more}）"
        ),
        "the factor file {name} has no factor values on {parts} around event {event}: those "
        "days count as missing (fewer estimation days; a CAR window leaves them out)": (
            "因子文件 {name} 在事件 {event} 附近的{parts}没有因子值：这些日子视为缺失"
            "（估计日数减少；CAR 窗口不计入这些日子）"
        ),
        "the regressors ({names}) have only {n} days with every one of them valid in the "
        "estimation window {window} {around} (minimum {minimum})": (
            "回归变量（{names}）在估计窗口 {window}（{around}）中同时有效的日子只有 {n} 天"
            "（最少 {minimum}）"
        ),
        "the regressor {name} has only {n} valid returns in the estimation window {window} "
        "{around} (its first there: {first}; minimum {minimum})": (
            "回归变量 {name} 在估计窗口 {window}（{around}）中只有 {n} 个有效收益"
            "（窗口内首个：{first}；最少 {minimum}）"
        ),
        "the regressors ({names}) have no day with every one of them valid in the event "
        "window [{a}, {b}] {around}": (
            "回归变量（{names}）在事件窗口 [{a}, {b}]（{around}）中没有同时有效的日子"
        ),
        "none": "无",
        "SE includes the estimation-error correction in matrix form (CLM eq. 4.4.17-18); t "
        "has L1 − K degrees of freedom, K the parameters of the normal-return fit (3 for the "
        "two-index model, 1 + the number of factors for the multi-factor model: the dof "
        "column). *** p<0.01, ** p<0.05, * p<0.10. ": (
            "标准误含矩阵形式的估计误差修正（CLM 式4.4.17-18）；t 的自由度为 L1 − K，"
            "K 为正常收益拟合的参数个数（双指数模型为 3，多因子模型为 1 + 因子数：见 dof 列）。"
            "*** p<0.01，** p<0.05，* p<0.10。"
        ),
        "**Degrees of freedom of the multi-factor and two-index models.** Their CAR t uses "
        "L1 − K, K the parameters of the normal-return fit: 1 + the number of factors, or 3 "
        "for the two-index model (the dof column of the CAR table).": (
            "**多因子模型与双指数模型的自由度。** 其 CAR t 检验使用 L1 − K，K 为正常收益拟合的"
            "参数个数：1 + 因子数，双指数模型为 3（见 CAR 表的 dof 列）。"
        ),
        "Every coefficient of the normal-return fit of every pair (α and each factor loading "
        "or index slope; decimals per session):": (
            "每个配对的正常收益拟合的全部系数（α 及各因子载荷或指数斜率；每交易日，小数）："
        ),
        COLUMN_GLOSSARY["regressor"]: (
            "正常收益拟合的项：const（截距 α）、因子文件中的一个因子，或双指数模型的一个序列"
            "（基准、第二指数）"
        ),
        COLUMN_GLOSSARY["coefficient"]: "该项在估计窗口上的 OLS 估计（斜率或 α）",
        FILE_GLOSSARY["model_coefficients.csv"]: (
            "每个配对的正常收益拟合的全部系数（α 及各因子载荷或指数斜率；多因子与双指数模型）"
        ),
    }
)

# issue 16 fixes (report and forest plot, branch fixreport): the forest's interval test
ZH.update(
    {
        "95% interval: {tests}": "95% 区间：{tests}",
        "The intervals come from the {used} test: {wanted} has no value for these rows.": (
            "区间来自 {used} 检验：{wanted} 对这些行没有数值。"
        ),
    }
)

# issue 16 review (fixxsec): reserved trait names, measure fixed effects, few degrees of freedom,
# the traits the regression section does not offer, the fit line's label
ZH.update(
    {
        "multivariate fit, other regressors at their means": "多元拟合（其他回归变量取均值）",
        "Not offered, no value for any pair: {names}": "未提供（所有配对均无取值）：{names}",
        "size and turnover need the turnover rate (换手率) of each series over the estimation "
        "window: it is kept when a price file carries it (baostock `turn`, 换手率) or akshare's "
        "stock history is fetched.": (
            "规模与换手率需要各序列在估计窗口内的换手率：当价格文件含换手率（baostock `turn`、"
            "换手率）或从 akshare 获取股票历史行情时才会保存。"
        ),
        "Measure fixed effects (a dummy per measure)": "措施固定效应（每项措施一个虚拟变量）",
        "On: the trait slopes compare firms within a measure, whatever each measure's mean CAR. "
        "Off: one intercept for every measure, so the slopes also carry the differences between "
        "the measures.": (
            "开启：特征斜率比较同一措施内的公司，与各措施的平均 CAR 无关。关闭：所有措施共用一个"
            "截距，斜率也包含措施之间的差异。"
        ),
        "1 for that measure, 0 otherwise (a measure fixed effect)": (
            "属于该措施为 1，否则为 0（措施固定效应）"
        ),
        "{kind} trait(s) {names} carry a name the regression uses itself: kept as {renamed}": (
            "{kind} 特征 {names} 与回归自身使用的名称相同：保留为 {renamed}"
        ),
        "measure fixed effects: a dummy per measure against {reference}, so the trait slopes "
        "compare firms within a measure (turn them off to pool the measures' levels)": (
            "措施固定效应：每项措施一个虚拟变量（以 {reference} 为基准），特征斜率比较同一措施内的"
            "公司（关闭后将合并各措施的水平）"
        ),
        "only {dof} residual degrees of freedom (N = {n} pairs, K = {k} coefficients): the "
        "estimates and SEs are imprecise with fewer than {few}": (
            "残差自由度仅 {dof}（N = {n} 个配对，K = {k} 个系数）：少于 {few} 时估计值与标准误"
            "不够精确"
        ),
        COLUMN_GLOSSARY["measure_effects"]: (
            "yes：措施固定效应，每项合并的措施（第一项除外）一个虚拟变量 measure[<id>]，特征斜率"
            "比较同一措施内的公司（合并多项措施时的默认）；no：所有措施共用一个截距"
            "（--no-measure-effects，或只有一项措施）"
        ),
        "Measure fixed effects: when measures are pooled, each measure but the first gets its "
        "own dummy (measure[id]) by default, so a trait's slope compares firms within a measure "
        "rather than measures whose mean CARs differ (the `measure_effects` column says yes; "
        "turn them off on the page or with `--no-measure-effects`). A trait named like a column "
        "the regression uses itself (const, Intercept, car, scar, event_id, instrument …) is "
        "kept as name_file. With fewer than 10 residual degrees of freedom (N − K) a note says "
        "the estimates are imprecise, as with fewer than 10 clusters.": (
            "措施固定效应：合并多项措施时，默认每项措施（第一项除外）各有一个虚拟变量（measure[id]），"
            "因此特征斜率比较同一措施内的公司，而非平均 CAR 不同的措施之间（`measure_effects` 列为"
            " yes；可在页面上或用 `--no-measure-effects` 关闭）。与回归自身所用列同名的特征（const、"
            "Intercept、car、scar、event_id、instrument …）保留为 name_file。残差自由度（N − K）"
            "少于 10 时，会提示估计不够精确，与聚类少于 10 个时相同。"
        ),
    }
)
