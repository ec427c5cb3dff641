"""How things are named on screen, in the current language: instruments, themes, segments,
measures, release timing, significance, the data mode and where calendar sessions come from."""

from __future__ import annotations

import re
from functools import lru_cache

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from analysis import palette
from analysis.study import segments_reached
from data_sources import catalogue as catalogue_module
from data_sources.data_mode import DataMode, synthetic_symbols
from data_sources.instruments import display_name
from data_sources.messages import Message
from data_sources.trading_calendar import inferred_segments
from pages.i18n import language, t, tr

#: One colour per communiqué task (analysis/palette.py: the report draws the same).
THEME_COLOURS = palette.THEME_COLOURS


#: Session-state entry holding the stored demo symbols, refreshed at the top of every run by
#: :func:`refresh_demo_symbols` (from :func:`pages.layout.banner`).
_DEMO_SYMBOLS = "_demo_symbols"
#: The demo symbols the latest run in this process drew its labels with: what a widget's format
#: function gives outside a run (AppTest formats a widget's value between runs, and must find it
#: among the labels the page drew).
_DRAWN: list[frozenset[str]] = []


def refresh_demo_symbols(coverage=None) -> tuple[frozenset[str], frozenset[str] | None]:
    """Read which stored series are SYNTHETIC demo series (once per run: the store's version is
    checked by the cached coverage; ``coverage``: the store's, when the caller has it) and keep
    them for :func:`label` this run. Returns them and the set the session's previous run drew
    with (None on its first run): when they differ, labels of chosen options changed."""
    from pages import loaders

    demo = frozenset(loaders.demo_symbols() if coverage is None else synthetic_symbols(coverage))
    before = st.session_state.get(_DEMO_SYMBOLS)
    st.session_state[_DEMO_SYMBOLS] = demo
    _DRAWN[:] = [demo]
    return demo, before


def demo_symbols() -> frozenset[str]:
    """The stored SYNTHETIC demo symbols as read at the top of this run (every change to the
    store is followed by a rerun); read now when no run has read them yet."""
    if get_script_run_ctx() is None:
        if _DRAWN:
            return _DRAWN[0]
        from pages import loaders

        return frozenset(loaders.demo_symbols())
    demo = st.session_state.get(_DEMO_SYMBOLS)
    return demo if demo is not None else refresh_demo_symbols()[0]


def instrument_name(symbol: str) -> str:
    """``"399006.SZ ChiNext Index"``: an instrument's name, whatever series is stored for it
    (segment descriptions, not data)."""
    return display_name(symbol, language())


def label(symbol: str, demo: frozenset[str] | set[str] | None = None) -> str:
    """A stored series' name in pickers, legends and tables: the instrument's name, marked
    ``· SYNTHETIC DEMO`` when the stored series is the demo (``demo``: the demo symbols, by
    default those stored as of this run), so a demo series never passes for market data."""
    name = display_name(symbol, language())
    if symbol in (demo_symbols() if demo is None else demo):
        return name + t(" · SYNTHETIC DEMO")
    return name


# Names of the fixed vocabularies (themes, segments), looked up once per language: format
# functions call these for every option on every rerun.
@lru_cache(maxsize=4)
def _theme_names(lang: str) -> dict[str, tuple[str, str]]:
    ids = catalogue_module.themes()["id"]
    return {
        i: (catalogue_module.theme_label(i, lang), catalogue_module.theme_short(i, lang))
        for i in ids
    }


@lru_cache(maxsize=4)
def _segment_names(lang: str) -> dict[str, str]:
    from data_sources.instruments import segment_table

    return {
        row.id: f"{row.id} {row.name_zh if lang == 'zh' else row.name_en}"
        for row in segment_table().itertuples()
    }


def theme_name(theme_id: str) -> str:
    names = _theme_names(language())
    if theme_id in names:
        return names[theme_id][0]
    return catalogue_module.theme_label(theme_id, language())  # raises as before


def theme_short(theme_id: str) -> str:
    """``"T4 Zero tolerance"`` / ``"T4 零容忍…"`` for narrow places."""
    names = _theme_names(language())
    if theme_id in names:
        return names[theme_id][1]
    return catalogue_module.theme_short(theme_id, language())


def segment_name(code: str) -> str:
    """``"CHN ChiNext"`` / ``"CHN 创业板"``."""
    names = _segment_names(language())
    if code in names:
        return names[code]
    from data_sources.instruments import segment_table

    row = segment_table().set_index("id").loc[code]  # raises KeyError as before
    return f"{code} {row['name_zh'] if language() == 'zh' else row['name_en']}"


def measure_title(row) -> str:
    """A catalogue row's title in the current language."""
    return row["title_zh"] if language() == "zh" else row["title_en"]


def in_english(text) -> str:
    """Catalogue text that exists only in English (expected-sign reasons, notes, timing
    evidence): in 中文 led by a translated note saying it is the English original."""
    text = str(text)
    if not text or language() != "zh":
        return text
    return t("(in English) ") + text


def measure_heading(title_en: str, title_zh: str) -> str:
    """A measure's name as markdown: **English** · 中文 in English, the Chinese title alone
    in 中文 (the English title is the catalogue's English name, not a translation)."""
    from pages.text import escape_markdown

    if language() == "zh":
        return f"**{escape_markdown(title_zh)}**"
    return f"**{escape_markdown(title_en)}** · {escape_markdown(title_zh)}"


def timing_label(code: str) -> str:
    """When in the day a measure was released, in words."""
    labels = {
        "before_open": t("before the open"),
        "intraday": t("intraday (09:30-15:00)"),
        "after_close": t("after the close"),
        "non_trading_day": t("weekend or holiday"),
        # alone after a date, "unknown" read as if the date were unknown
        "unknown": t("release time unknown"),
    }
    return labels.get(code, code)


#: The test a Themes cell uses, as analysis.themes names it (English, also in the CSV), and
#: the same words as a template for t(): the page shows them in the current language.
_CELL_TESTS = (
    (
        re.compile(r"cross-sectional t over (?P<c>\d+) clusters of (?P<m>\d+) measures"),
        "cross-sectional t over {c} clusters of {m} measures",
    ),
    (
        re.compile(r"cross-sectional t over (?P<c>\d+) clusters"),
        "cross-sectional t over {c} clusters",
    ),
    (
        re.compile(r"CAR t-test \(1 cluster of (?P<m>\d+) measures, 1 instrument\)"),
        "CAR t-test (1 cluster of {m} measures, 1 instrument)",
    ),
    (
        re.compile(r"none \(1 cluster of (?P<m>\d+) measures, (?P<n>\d+) instruments\)"),
        "none (1 cluster of {m} measures, {n} instruments)",
    ),
    (re.compile(r"CAR t-test \(1 measure, 1 instrument\)"), "CAR t-test (1 measure, 1 instrument)"),
    (
        re.compile(r"none \(1 measure, (?P<n>\d+) instruments\)"),
        "none (1 measure, {n} instruments)",
    ),
)


def cell_test(text: str) -> str:
    """A Themes cell's test name in the current language; an unknown one as it is."""
    shown = str(text)
    suffix = ""
    if shown.endswith(" (zero spread: no test)"):
        shown, suffix = shown.removesuffix(" (zero spread: no test)"), t(" (zero spread: no test)")
    for pattern, template in _CELL_TESTS:
        if match := pattern.fullmatch(shown):
            return t(template, **match.groupdict()) + suffix
    return str(text)


#: A study's timing notes (analysis.framing.uncertain_t0_text, analysis.api), English, and
#: the same words as templates for t().
_TIMING_NOTES = (
    (
        re.compile(
            r"t0 uncertain for (?P<id>\S+): released (?P<day>[\d-]+) at an unknown time, so the "
            r"market could first react on (?P<t0>[\d-]+) \(t0\) or, after an evening release, "
            r"on (?P<t1>[\d-]+) \(t0\+1\); the headline CAR \[0, \+1\] covers both"
        ),
        "t0 uncertain for {id}: released {day} at an unknown time, so the market could first "
        "react on {t0} (t0) or, after an evening release, on {t1} (t0+1); the headline "
        "CAR [0, +1] covers both",
    ),
    (
        re.compile(
            r"event window widened from \[(?P<a>-?\d+), (?P<b>-?\d+)\] to \[(?P<c>-?\d+), "
            r"(?P<d>-?\d+)\] to cover both candidate sessions"
        ),
        "event window widened from [{a}, {b}] to [{c}, {d}] to cover both candidate sessions",
    ),
)


def timing_note(text: str) -> str:
    """A study's note on an uncertain t0 in the current language; another note as it is."""
    if isinstance(text, Message):
        return tr(text)
    for pattern, template in _TIMING_NOTES:
        if match := pattern.fullmatch(str(text)):
            return t(template, **match.groupdict())
    return str(text)


def model_name(code: str) -> str:
    """A normal-return model's name in 中文; in English its code, as the CLI and CSVs name it."""
    if language() != "zh":
        return code
    names = {
        "market": t("Market model"),
        "constant-mean": t("Constant mean"),
        "market-adjusted": t("Market-adjusted"),
        "factors": t("Multi-factor model"),
        "two-index": t("Two-index model"),
    }
    return names.get(code, code)


def diagnostic_status(status: str) -> str:
    """A diagnostics status in the current language (the CSV keeps the English code)."""
    names = {
        "skipped": t("skipped"),
        "model changed": t("model changed"),
        "partial window": t("partial window"),
        "window left out": t("window left out"),
        "estimation cleaned": t("estimation cleaned"),
        "estimation contaminated": t("estimation contaminated"),
        "suspended": t("suspended"),
        "unadjusted price": t("unadjusted price"),
        "overlap (warn)": t("overlap (warn)"),
        "overlap (merge)": t("overlap (merge)"),
        "overlap (drop)": t("overlap (drop)"),
    }
    return names.get(status, status)


def significance_stars(p_value: float) -> str:
    """*** p<0.01, ** p<0.05, * p<0.10, else blank."""
    for threshold, stars in ((0.01, "***"), (0.05, "**"), (0.10, "*")):
        if p_value < threshold:
            return stars
    return ""


def mode_label(mode: DataMode) -> str:
    """The data-mode label in the current language (CSV metadata keeps the English one)."""
    if language() != "zh":
        return mode.label
    return (
        mode.label.replace("SYNTHETIC DEMO", "合成演示数据 SYNTHETIC DEMO")
        .replace("stored akshare data (as of", "已存储的 akshare 数据（截至")
        .replace("live akshare", "实时 akshare")
        .replace("imported files", "导入的文件")
    )


def calendar_source(segment) -> str:
    """Where inferred sessions come from, in the current language."""
    if segment.kind == "official":
        return t("the official akshare calendar fetched {date}", date=segment.fetched)
    if segment.kind == "store":
        return t("the stored series (days on which a stored akshare series has a bar)")
    return t("weekdays (no holidays known)")


def calendar_note(first=None, last=None) -> str | None:
    """ "Sessions after 2026-12-31 are from …" for the inferred sessions between ``first`` and
    ``last`` (all of them when not given); None when there are none."""
    used = segments_reached(inferred_segments(), first, last)
    if not used:
        return None
    return t(
        "Sessions after {end} are from {sources}.",
        end=f"{used[0].after:%Y-%m-%d}",
        sources=t(", then ").join(
            t("{source} (to {last})", source=calendar_source(s), last=f"{s.last:%Y-%m-%d}")
            for s in used
        ),
    )
