"""A study as ONE self-contained HTML file people can forward (issue 16 point 5).

:func:`study_report` turns a :class:`~analysis.api.StudyOutcome` into one HTML page: plotly.js
is inlined once (plotly's offline bundle, :func:`plotly.offline.get_plotlyjs`), so the file
opens in any browser with no network, and nothing in it loads from elsewhere (no ``src`` or
``href`` but the tier A–C source links a reader may click). It holds the measures with their
citations (links only to tiers A–C of ``../shared/reference/policy-events.md`` §7, as on the
dashboard: a tier-D repost or an unclassified address is plain text, tier E never shown), the
data mode (SYNTHETIC marked at the top) and vintage, the method and every parameter, every
table of the study's CSVs (the placebo draws as their histogram), the charts (event window and
CAR path, the forest plot with several measures, the placebo), the study's notes and the
caveats (overlapping windows, t0 uncertain, survivorship of constituent lists).

Pure Python (no Streamlit): the CLI (``python -m analysis study … --report report.html``) and
the dashboard (the Event study's "Report (HTML)" download) call the same function. Text is in
English or Chinese (``language``); the report's own strings are translated by
:data:`REPORT_ZH`; the engine's notes and method line by ``translate`` when the caller has a
translation (the dashboard passes :func:`pages.i18n.tr`), else they stay in English. Every
value that comes from a user, a file or the catalogue is HTML-escaped.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from analysis.forest import DEFAULT_FOREST_TEST, forest_with_fallback, sort_forest
from analysis.glossary import FILE_GLOSSARY
from data_sources.constituents import SURVIVORSHIP_CAVEAT

#: Source tiers whose addresses are links (as :data:`pages.sources.LINKED_TIERS`).
LINKED_TIERS = ("A", "B", "C")
#: Tables shown in the report, in order; the placebo draws are drawn, not listed.
LEFT_OUT_TABLES = ("placebo",)

#: When in the day a measure was released, by catalogue code (as the dashboard words it).
TIMING_LABELS = {
    "before_open": "before the open",
    "intraday": "intraday (09:30-15:00)",
    "after_close": "after the close",
    "non_trading_day": "weekend or holiday",
    "unknown": "release time unknown",
}
#: Rows shown per table: a study of hundreds of instruments has tens of thousands of daily
#: ARs (about 1 MB of HTML per 10,000 cells); the CSVs keep every row.
MAX_TABLE_ROWS = 5000
#: The report's own texts in Chinese (the pages reuse them for the forest plot's texts).
REPORT_ZH: dict[str, str] = {
    "PolicyLens event study report": "PolicyLens 事件研究报告",
    "Generated {when} UTC by PolicyLens.": "由 PolicyLens 于 {when}（UTC）生成。",
    "SYNTHETIC DEMO DATA: these results illustrate the method, not the market.": (
        "合成演示数据：这些结果只用于说明方法，不反映市场。"
    ),
    "Contents": "目录",
    "Measures": "政策措施",
    "Data": "数据",
    "Method and parameters": "方法与参数",
    "Charts": "图表",
    "Tables": "表格",
    "Notes and caveats": "说明与注意事项",
    "Announced {date} ({timing}) → event session t0 {t0}": (
        "公布于 {date}（{timing}）→ 事件交易日 t0 {t0}"
    ),
    "Theme": "主题",
    "Segments": "板块",
    "Source": "来源",
    "Document or report (tier {tier})": "文件或报道（{tier} 级）",
    "Repost (not linked)": "转载（不链接）",
    "Unclassified address (not linked)": "未分级网址（不链接）",
    "Event date given by the user (no catalogue entry)": "用户给出的事件日期（不在目录中）",
    "Data mode": "数据模式",
    "Data vintage": "数据版本",
    "Method": "方法",
    "Parameters": "参数",
    "Event window and CAR path": "事件窗口与 CAR 路径",
    "Shaded: 95% band of the CAR path (CAR ± 1.96 SE, the same variance as the table).": (
        "阴影：CAR 路径的 95% 置信带（CAR ± 1.96 SE，方差与表中相同）。"
    ),
    "Forest plot: every measure at once": "森林图：一次看所有措施",
    "Placebo test": "安慰剂检验",
    "Rows": "行数",
    "Returns are decimals (0.01 = 1 %), as in the CSV files; hover a number for its full "
    "precision.": "收益为小数（0.01 = 1 %），与 CSV 文件一致；鼠标悬停可看完整精度。",
    "Overlapping event windows": "重叠的事件窗口",
    "t0 uncertain (release time unknown)": "t0 不确定（发布时间未知）",
    "Survivorship of constituent lists": "成分股名单的幸存者偏差",
    SURVIVORSHIP_CAVEAT: (
        "成分股名单是当前快照：已退出指数的公司不在其中，因此用它研究过去的事件存在幸存者偏差。"
    ),
    "It applies to every instrument taken from a constituent list (akshare's index members, "
    "industry boards): firms delisted or removed since are not studied.": (
        "这适用于取自成分股名单（akshare 的指数成分、行业板块）的每个标的："
        "此后退市或被剔除的公司未被研究。"
    ),
    "No event windows overlap.": "没有重叠的事件窗口。",
    "Every t0 is certain (release time known or announced outside a session).": (
        "所有 t0 均确定（发布时间已知，或在非交易时段公布）。"
    ),
    "Other notes": "其他说明",
    "The study's notes are in English.": "研究的说明以英文给出。",
    "CAR [{a}, {b}] per measure with its 95% interval": "各措施 CAR [{a}, {b}] 及其 95% 区间",
    "CAR per measure with its 95% interval": "各措施 CAR 及其 95% 区间",
    " — SYNTHETIC DEMO DATA": " — 合成演示数据 SYNTHETIC DEMO DATA",
    "expected sign": "预期符号",
    "no theme": "无主题",
    "Relative session (0 = event session t0)": "相对交易日（0 = 事件交易日 t0）",
    "Abnormal return / CAR (%)": "异常收益 / 累计异常收益 CAR（%）",
    "placebo CARs": "安慰剂 CAR",
    "observed {car:.2f}% (p = {p:.3f})": "实际值 {car:.2f}%（p = {p:.3f}）",
    "Placebo distribution of the CAR — {name}": "CAR 的安慰剂分布 — {name}",
    "CAR over the event window (%)": "事件窗口内的 CAR（%）",
    "Pseudo-event sessions": "伪事件交易日数",
    "Interval: {how}": "区间：{how}",
    "95% interval from the {test} test: CAAR ± q·|CAAR / statistic|, q the t quantile with "
    "N − 1 degrees of freedom for a t test, 1.96 for a z test; a row with one pair uses its own "
    "t-test, CAR ± t(L1 − k)·SE. Marker: ▲ rise expected, ▼ fall expected, ◆ ambiguous, "
    "● none stated.": (
        "95% 区间来自 {test} 检验：CAAR ± q·|CAAR / 统计量|，t 检验的 q 为自由度 N − 1 的 "
        "t 分位数，z 检验为 1.96；只有一个配对的行用其自身的 t 检验，CAR ± t(L1 − k)·SE。"
        "标记：▲ 预期上涨，▼ 预期下跌，◆ 方向不明，● 未说明。"
    ),
    "before the open": "开盘前",
    "intraday (09:30-15:00)": "盘中（09:30-15:00）",
    "after the close": "收盘后",
    "weekend or holiday": "周末或节假日",
    "release time unknown": "发布时点未知",
    "Files": "文件",
    "{n} events": "{n} 个事件",
    "95% interval: {tests}": "95% 区间：{tests}",
    "Event window: CAR per measure": "事件窗口：各措施的 CAR",
    "One panel per measure: each instrument's CAR (%); its 95% band is in the tables "
    "(car_path.csv: car_se).": (
        "每项措施一个面板：各标的的 CAR（%）；其 95% 置信带见表格（car_path.csv：car_se）。"
    ),
    "The intervals come from the {used} test: {wanted} has no value for these rows.": (
        "区间来自 {used} 检验：{wanted} 对这些行没有数值。"
    ),
    "Further analyses": "其他分析",
    "Notes and the data vintage are in English where no translation exists.": (
        "没有译文的说明和数据版本信息保留英文。"
    ),
    "Showing the first {shown} of {n} rows; {file} has them all.": (
        "显示 {n} 行中的前 {shown} 行；{file} 含全部行。"
    ),
}


def _translator(language: str) -> Callable[..., str]:
    def text(template: str, **values) -> str:
        chosen = REPORT_ZH.get(template, template) if language == "zh" else template
        return chosen.format(**values) if values else chosen

    return text


def _e(value) -> str:
    """Any value as HTML text (quotes too: it may land in an attribute)."""
    return html.escape("" if value is None else str(value), quote=True)


def _is_missing(value) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _cell(value) -> str:
    """A table cell: numbers to 6 significant digits with the full value in ``data-value``
    (and a tooltip), dates as YYYY-MM-DD, everything else escaped text."""
    if isinstance(value, bool | np.bool_):
        return f"<td>{_e(value)}</td>"
    if isinstance(value, int | np.integer):
        return f'<td class="n" data-value="{int(value)}">{int(value)}</td>'
    if isinstance(value, float | np.floating):
        if not np.isfinite(value):
            return '<td class="n" data-value="">–</td>'
        full = repr(float(value))
        return f'<td class="n" data-value="{full}" title="{full}">{float(value):.6g}</td>'
    if _is_missing(value):
        return "<td></td>"
    if isinstance(value, pd.Timestamp | dt.date):
        return f"<td>{value:%Y-%m-%d}</td>"
    if isinstance(value, list | tuple):
        value = ", ".join(map(str, value))
    return f"<td>{_e(value)}</td>"


def html_table(frame: pd.DataFrame, name: str) -> str:
    """``frame`` as an HTML table (``data-table`` = ``name``; each cell's ``data-column``)."""
    head = "".join(f"<th>{_e(column)}</th>" for column in frame.columns)
    body = []
    columns = list(frame.columns)
    for values in frame.itertuples(index=False, name=None):
        cells = [
            _cell(value).replace("<td", f'<td data-column="{_e(column)}"', 1)
            for column, value in zip(columns, values, strict=True)
        ]
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (
        f'<div class="scroll"><table class="data" data-table="{_e(name)}">'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    )


def _value(row, name: str) -> str:
    value = row.get(name, "") if hasattr(row, "get") else ""
    return "" if value is None or _is_missing(value) else str(value)


def source_items(row, language: str, text) -> list[str]:
    """HTML list items for a measure's sources, by the dashboard's rule
    (:func:`pages.sources.source_lines`): the citation; its address as a link only for tiers
    A–C; a tier-D repost or an address in no tier as plain text; tier E never."""
    from data_sources.catalogue import source_tier

    items = []
    english = _value(row, "citation_en")
    citation = english if language != "zh" and english else _value(row, "citation")
    if citation:
        items.append(f"{_e(text('Source'))}: {_e(citation)}")
    for name in ("source_url", "evidence_url"):
        url = _value(row, name).strip()
        if not url:
            continue
        tier = source_tier(url)
        if tier in LINKED_TIERS:
            items.append(
                f"{_e(text('Document or report (tier {tier})', tier=tier))}: "
                f'<a href="{_e(url)}" rel="noopener noreferrer">{_e(url)}</a>'
            )
        elif tier == "D":
            items.append(f"{_e(text('Repost (not linked)'))}: {_e(url)}")
        elif tier is None:
            items.append(f"{_e(text('Unclassified address (not linked)'))}: {_e(url)}")
    return items


def _figure_html(figure, div_id: str) -> str:
    # plotly escapes <, > and / in the figure's JSON (no "</script>" can close the tag)
    return figure.to_html(
        full_html=False,
        include_plotlyjs=False,
        div_id=div_id,
        config={"displaylogo": False, "responsive": True},
    )


_STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI","Noto Sans CJK SC","Microsoft YaHei",
sans-serif;margin:2rem auto;max-width:1150px;padding:0 1rem;color:#222;line-height:1.45}
h1{font-size:1.6rem}h2{border-bottom:1px solid #ccc;padding-bottom:.2rem;margin-top:2rem}
.synthetic{background:#fff3cd;border:2px solid #d39e00;padding:.6rem 1rem;font-weight:bold}
.measure{border:1px solid #ddd;border-radius:6px;padding:.5rem 1rem;margin:.6rem 0}
.scroll{overflow-x:auto;max-height:32rem;overflow-y:auto;margin:.4rem 0 1rem}
table.data{border-collapse:collapse;font-size:.8rem}
table.data th,table.data td{border:1px solid #ddd;padding:2px 6px;white-space:nowrap}
table.data th{background:#f3f3f3;position:sticky;top:0}
td.n{text-align:right;font-variant-numeric:tabular-nums}
dl.params dt{font-weight:bold}dl.params dd{margin:0 0 .4rem 1rem;font-family:monospace;
white-space:pre-wrap}
.caption{color:#555;font-size:.9rem}
"""


def _theme(theme_id, language: str, short: bool = False) -> str:
    """A theme's name in ``language`` (its id when the catalogue has none)."""
    from data_sources.catalogue import theme_label, theme_short

    try:
        return (theme_short if short else theme_label)(str(theme_id), language)
    except (KeyError, ValueError):
        return str(theme_id)


def _headline_title(outcome, titles: Mapping[str, str], text=None) -> str:
    if len(outcome.events) == 1:
        event_id = outcome.events[0].event_id
        return " + ".join(titles.get(p, p) for p in event_id.split("+"))
    return (text or _translator("en"))("{n} events", n=len(outcome.events))


def _event_titles(outcome, titles: Mapping[str, str]) -> dict[str, str]:
    return {
        e.event_id: " + ".join(titles.get(p, p) for p in e.event_id.split("+"))
        for e in outcome.events
    }


#: Data-vintage wording (analysis/data_mode.data_vintage) in Chinese: regular expressions.
_VINTAGE_ZH = (
    (r": not stored$", "：未存储"),
    (r" (\d{4}-\d{2}-\d{2}) to (\d{4}-\d{2}-\d{2})", r" \1 至 \2"),
    (r", prices ", "，价格 "),
    (r" fetched ", " 获取于 "),
    (r" imported ", " 导入于 "),
    (r" generated ", " 生成于 "),
)


def vintage_zh(line: str) -> str:
    """One data-vintage line with its fixed words in Chinese (the provider's detail, the
    symbol and the time stay as stored)."""
    import re

    for pattern, replacement in _VINTAGE_ZH:
        line = re.sub(pattern, replacement, line)
    return line


def message_translator(table: Mapping[str, str]) -> Callable[[Any], str]:
    """A ``translate`` for :func:`study_report` from a table of Chinese texts (e.g.
    ``pages.i18n.ZH``): a :class:`~data_sources.messages.Message` (a note) from its template's
    translation, its values translated in turn; a plain text by the table; else as it is."""
    from data_sources.messages import Joined, Message

    def translate(value) -> str:
        if isinstance(value, Joined):
            return table.get(value.separator, value.separator).join(
                translate(part) for part in value.parts
            )
        if isinstance(value, Message):
            values = {
                name: translate(v) if isinstance(v, Message) else v
                for name, v in value.params.items()
            }
            template = table.get(value.template, value.template)
            try:
                return template.format(**values)
            except (KeyError, IndexError, ValueError):
                return str(value)
        return table.get(str(value), str(value))

    return translate


def study_report(
    outcome,
    *,
    language: str = "en",
    parameters: Mapping[str, Any] | None = None,
    catalogue: pd.DataFrame | None = None,
    translate: Callable[[Any], str] | None = None,
    scheme: str | None = None,
    forest_test: str = DEFAULT_FOREST_TEST,
    now: dt.datetime | None = None,
    max_rows: int | None = MAX_TABLE_ROWS,
    extra_tables: Mapping[str, Any] | None = None,
) -> str:
    """One self-contained HTML page of ``outcome`` (module docstring), in ``language``
    (``"en"`` or ``"zh"``). ``parameters``: extra entries for the parameters section (e.g.
    the dashboard's link); ``catalogue``: the measures' rows (default: the catalogue the
    study API reads); ``translate``: the engine's notes and method line in ``language``
    (default: as they are, English); ``scheme``: the up/down colours (default: red-up in 中文,
    green-up otherwise, as the dashboard); ``now``: the time stamped in the report;
    ``max_rows``: rows shown per table (None: all; a longer table says so and names its CSV,
    which has them all); ``extra_tables``: further analyses of the study, by file stem (e.g.
    ``crosssection``, ``bhar``, ``bhar_tests``): a DataFrame, or a (description, DataFrame)
    pair, listed after the study's tables (the description defaults to the CSV glossary's)."""
    from plotly.offline import get_plotlyjs

    from analysis.report_figures import (
        car_panels_figure,
        car_path_figure,
        forest_figure,
        placebo_figure,
    )

    if language not in ("en", "zh"):
        raise ValueError(f"language must be 'en' or 'zh', got {language!r}")
    text = _translator(language)
    translate = translate or str
    scheme = scheme or ("red-up" if language == "zh" else "green-up")
    if catalogue is None and outcome.request.measures:
        from data_sources.catalogue import load_catalogue

        catalogue = load_catalogue()
    by_id = {row["id"]: row for _, row in catalogue.iterrows()} if catalogue is not None else {}
    title_column = "title_zh" if language == "zh" else "title_en"
    titles = {i: str(row.get(title_column) or row.get("title_en") or i) for i, row in by_id.items()}
    synthetic = bool(outcome.data_mode.synthetic)
    when = (now or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%d %H:%M")
    parts: list[str] = []
    add = parts.append

    add(f"<h1>{_e(text('PolicyLens event study report'))}</h1>")
    add(f'<p class="caption">{_e(text("Generated {when} UTC by PolicyLens.", when=when))}</p>')
    if synthetic:
        add(
            '<p class="synthetic" id="synthetic">'
            + _e(text("SYNTHETIC DEMO DATA: these results illustrate the method, not the market."))
            + "</p>"
        )
    sections = [
        ("measures", text("Measures")),
        ("data", text("Data")),
        ("method", text("Method and parameters")),
        ("charts", text("Charts")),
        ("tables", text("Tables")),
        ("caveats", text("Notes and caveats")),
    ]
    add(
        f"<nav><b>{_e(text('Contents'))}</b>: "
        + " · ".join(f'<a href="#{key}">{_e(label)}</a>' for key, label in sections)
        + "</nav>"
    )

    # measures, with their citations
    add(f'<h2 id="measures">{_e(text("Measures"))}</h2>')
    for event in outcome.events:
        members = [by_id[p] for p in event.event_id.split("+") if p in by_id]
        if not members:
            add(
                f'<div class="measure"><b>{_e(event.event_id)}</b><br>'
                f"{_e(text('Event date given by the user (no catalogue entry)'))}: "
                f"{event.event_date:%Y-%m-%d} → t0 {event.event_session:%Y-%m-%d}</div>"
            )
            continue
        for row in members:
            timing = _value(row, "timing") or "unknown"
            items = source_items(row, language, text)
            add(
                '<div class="measure">'
                f"<b>{_e(titles.get(row['id'], row['id']))}</b> <code>{_e(row['id'])}</code><br>"
                + _e(
                    text(
                        "Announced {date} ({timing}) → event session t0 {t0}",
                        date=f"{pd.Timestamp(row['announcement_date']):%Y-%m-%d}",
                        timing=text(TIMING_LABELS.get(timing, timing)),
                        t0=f"{event.event_session:%Y-%m-%d}",
                    )
                )
                + f"<br>{_e(text('Theme'))}: {_e(_theme(row.get('theme', ''), language))} · "
                + f"{_e(text('Segments'))}: {_e(', '.join(map(str, row.get('segments', ()))))}"
                + ("<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>")
                + "</div>"
            )

    # data
    add(f'<h2 id="data">{_e(text("Data"))}</h2>')
    add(
        f'<p><b>{_e(text("Data mode"))}</b>: <span id="data-mode">'
        f"{_e(translate(outcome.data_mode.label))}</span></p>"
    )
    vintage = [v for v in str(outcome.data_vintage).split("; ") if v]
    if language == "zh":
        vintage = [vintage_zh(v) for v in vintage]
    add(
        f"<p><b>{_e(text('Data vintage'))}</b>:</p><ul>"
        + "".join(f"<li>{_e(v)}</li>" for v in vintage)
        + "</ul>"
    )

    # method and parameters
    add(f'<h2 id="method">{_e(text("Method and parameters"))}</h2>')
    add(f"<p><b>{_e(text('Method'))}</b>: {_e(translate(outcome.method))}</p>")
    everything = dict(outcome.parameters) | dict(parameters or {})
    add(
        f'<p><b>{_e(text("Parameters"))}</b>:</p><dl class="params">'
        + "".join(
            f"<dt>{_e(key)}</dt><dd>"
            + _e(json.dumps(value, ensure_ascii=False, default=str))
            + "</dd>"
            for key, value in everything.items()
        )
        + "</dl>"
    )

    # charts
    add(f'<h2 id="charts">{_e(text("Charts"))}</h2>')
    figures = 0
    abnormal = outcome.abnormal_returns
    several = abnormal["event_id"].nunique() > 1 if len(abnormal) else False
    if several:  # one panel per measure, CAR only (as the dashboard beyond 4 pairs)
        add(f"<h3>{_e(text('Event window: CAR per measure'))}</h3>")
        figure = car_panels_figure(
            abnormal,
            event_titles=_event_titles(outcome, titles),
            title=_headline_title(outcome, titles, text),
            synthetic=synthetic,
            text=text,
        )
        add(_figure_html(figure, "chart-event-window"))
        add(
            '<p class="caption">'
            + _e(
                text(
                    "One panel per measure: each instrument's CAR (%); its 95% band is in the "
                    "tables (car_path.csv: car_se)."
                )
            )
            + "</p>"
        )
        figures += 1
    elif len(abnormal):
        pairs = abnormal[["event_id", "instrument"]].drop_duplicates()
        add(f"<h3>{_e(text('Event window and CAR path'))}</h3>")
        figure = car_path_figure(
            abnormal,
            outcome.car_path(),
            title=_headline_title(outcome, titles, text),
            synthetic=synthetic,
            scheme=scheme,
            text=text,
            bars=len(pairs) <= 4,
        )
        add(_figure_html(figure, "chart-event-window"))
        add(
            '<p class="caption">'
            + _e(
                text(
                    "Shaded: 95% band of the CAR path (CAR ± 1.96 SE, the same variance as the "
                    "table)."
                )
            )
            + "</p>"
        )
        figures += 1
    if len(outcome.events) > 1 and len(abnormal):
        table, fell_back = forest_with_fallback(
            outcome, test=forest_test, catalogue=catalogue, titles=titles
        )
        table = sort_forest(table, "date")
        if len(table):
            add(f"<h3>{_e(text('Forest plot: every measure at once'))}</h3>")
            add(
                _figure_html(
                    forest_figure(
                        table,
                        synthetic=synthetic,
                        scheme=scheme,
                        text=text,
                        theme_names={
                            th: _theme(th, language, short=True) for th in set(table["theme"])
                        },
                    ),
                    "chart-forest",
                )
            )
            add(
                '<p class="caption">'
                + _e(
                    text(
                        "95% interval from the {test} test: CAAR ± q·|CAAR / statistic|, q the "
                        "t quantile with N − 1 degrees of freedom for a t test, 1.96 for a z "
                        "test; a row with one pair uses its own t-test, CAR ± t(L1 − k)·SE. "
                        "Marker: ▲ rise expected, ▼ fall expected, ◆ ambiguous, ● none stated.",
                        test=forest_test,
                    )
                )
                + "</p>"
            )
            if fell_back:
                used = ", ".join(s for s in dict.fromkeys(table["test"]) if s != forest_test)
                add(
                    '<p class="caption" id="forest-fallback">'
                    + _e(
                        text(
                            "The intervals come from the {used} test: {wanted} has no value "
                            "for these rows.",
                            used=used,
                            wanted=forest_test,
                        )
                    )
                    + "</p>"
                )
            add(html_table(table, "forest"))
            figures += 1
    if outcome.placebo is not None and len(outcome.placebo.summary):
        add(f"<h3>{_e(text('Placebo test'))}</h3>")
        draws = outcome.placebo.draws
        for position, row in enumerate(outcome.placebo.summary.itertuples()):
            figure = placebo_figure(
                draws[draws["instrument"] == row.instrument],
                float(row.observed_car),
                str(row.instrument),
                float(row.p_value),
                synthetic=synthetic,
                scheme=scheme,
                text=text,
            )
            add(_figure_html(figure, f"chart-placebo-{position}"))
            figures += 1

    # tables
    add(f'<h2 id="tables">{_e(text("Tables"))}</h2>')
    add(
        '<p class="caption">'
        + _e(
            text(
                "Returns are decimals (0.01 = 1 %), as in the CSV files; hover a number for its "
                "full precision."
            )
        )
        + "</p>"
    )
    tables = [(n, f, None) for n, f in outcome.frames().items() if n not in LEFT_OUT_TABLES]
    for name, value in (extra_tables or {}).items():
        described, frame = value if isinstance(value, tuple) else (None, value)
        tables.append((name, frame, described))
    for name, frame, described in tables:
        described = translate(described or FILE_GLOSSARY.get(f"{name}.csv", ""))
        add(
            f'<h3 id="table-{_e(name)}">{_e(name)}.csv</h3>'
            f'<p class="caption">{_e(described)} · {_e(text("Rows"))}: {len(frame)}</p>'
        )
        if max_rows is not None and len(frame) > max_rows:
            add(
                f'<p class="caption cut" data-table="{_e(name)}">'
                + _e(
                    text(
                        "Showing the first {shown} of {n} rows; {file} has them all.",
                        shown=max_rows,
                        n=len(frame),
                        file=f"{name}.csv",
                    )
                )
                + "</p>"
            )
            frame = frame.head(max_rows)
        add(html_table(frame, name))

    # notes and caveats
    add(f'<h2 id="caveats">{_e(text("Notes and caveats"))}</h2>')
    if language == "zh" and translate is not str:
        english = text("Notes and the data vintage are in English where no translation exists.")
        add(f'<p class="caption">{_e(english)}</p>')
    notes = list(outcome.notes)
    overlap = [n for n in notes if n.kind == "overlap"]
    timing = [n for n in notes if n.kind == "timing"]
    add(f"<h3>{_e(text('Overlapping event windows'))}</h3>")
    add(
        "<ul>" + "".join(f"<li>{_e(translate(n.text))}</li>" for n in overlap) + "</ul>"
        if overlap
        else f"<p>{_e(text('No event windows overlap.'))}</p>"
    )
    add(f"<h3>{_e(text('t0 uncertain (release time unknown)'))}</h3>")
    if timing or outcome.resolved.uncertain_t0:
        add("<ul>" + "".join(f"<li>{_e(translate(n.text))}</li>" for n in timing) + "</ul>")
    else:
        add(
            "<p>"
            + _e(text("Every t0 is certain (release time known or announced outside a session)."))
            + "</p>"
        )
    add(f"<h3>{_e(text('Survivorship of constituent lists'))}</h3>")
    add(
        "<p>"
        + _e(text(SURVIVORSHIP_CAVEAT))
        + " "
        + _e(
            text(
                "It applies to every instrument taken from a constituent list (akshare's index "
                "members, industry boards): firms delisted or removed since are not studied."
            )
        )
        + "</p>"
    )
    others = [n for n in notes if n.kind not in ("overlap", "timing")]
    if others:
        add(f"<h3>{_e(text('Other notes'))}</h3>")
        if language == "zh" and translate is str:
            english = text("The study's notes are in English.")
            add(f'<p class="caption">{_e(english)}</p>')
        add("<ul>" + "".join(f"<li>{_e(translate(n.text))}</li>" for n in others) + "</ul>")

    title = _e(text("PolicyLens event study report"))
    body = "\n".join(parts)
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{"zh-CN" if language == "zh" else "en"}">\n<head>\n'
        '<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n<style>{_STYLE}</style>\n"
        # plotly.js, inlined once: the file needs no network
        f'<script type="text/javascript">{get_plotlyjs()}</script>\n'
        f'</head>\n<body data-figures="{figures}">\n{body}\n</body>\n</html>\n'
    )
