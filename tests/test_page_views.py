"""The pages as views: one page registry, translated widgets declared where they are made, and
the pure pieces that decide what a page shows, tested without AppTest."""

from __future__ import annotations

import ast
from datetime import date

import pandas as pd
import pytest

from data_sources.store import COVERAGE_COLUMNS
from pages import registry
from pages.i18n import ZH
from tests.conftest import PROJECT

PAGE_FILES = sorted((PROJECT / "pages").glob("*.py"))
#: Widgets whose options the browser identifies by their label.
OPTION_WIDGETS = {
    "selectbox",
    "radio",
    "multiselect",
    "segmented_control",
    "pills",
    "select_slider",
}
#: format_funcs whose labels are the same in every language: the language selector names each
#: language in itself ("English", "中文").
LANGUAGE_FREE_LABELS = {"LANGUAGES.get"}


def _calls(path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            yield node


def _is_translated_key(node) -> bool:
    return isinstance(node, ast.Call) and ast.unparse(node.func).split(".")[-1] == "translated"


def test_every_widget_with_language_dependent_labels_registers_its_key():
    """A select, radio, multiselect or segmented control with a format_func gets
    ``key=layout.translated(…)``, so a language switch keeps its choice (init_language).
    The Policies page's add-measure form and the Data page's date format were once left out
    of the hand-kept list of key prefixes."""
    checked, forgotten = [], []
    for path in PAGE_FILES:
        for call in _calls(path):
            if not (isinstance(call.func, ast.Attribute) and call.func.attr in OPTION_WIDGETS):
                continue
            keywords = {keyword.arg: keyword.value for keyword in call.keywords}
            if "format_func" not in keywords:
                continue
            if ast.unparse(keywords["format_func"]) in LANGUAGE_FREE_LABELS:
                continue
            checked.append(f"{path.name}:{call.lineno}")
            if not _is_translated_key(keywords.get("key")):
                forgotten.append(f"{path.name}:{call.lineno}")
    assert len(checked) >= 20, checked  # the scan does find the pages' widgets
    assert not forgotten, forgotten


def test_the_registry_lists_every_page_script_and_no_helper():
    """A page script is a file in pages/ that calls run_through_app(); the registry lists
    exactly those, so app.py's navigation and the tests visiting every page agree."""
    scripts = {
        f"pages/{path.name}"
        for path in PAGE_FILES
        if any(ast.unparse(call.func).endswith("run_through_app") for call in _calls(path))
    }
    listed = [page.file for page in registry.PAGES]
    assert len(listed) == len(set(listed))
    assert set(listed) == scripts
    assert all((PROJECT / file).is_file() for file in listed)
    assert [page.url_path for page in registry.PAGES] == [
        "overview",
        "policies",
        "event_study",
        "themes",
        "data",
        "method",
    ]


# -- pure pieces of the pages, without AppTest ----------------------------------------------------
@pytest.fixture
def chinese(monkeypatch):
    """The current language is 中文 (t() and the names in pages.formatting)."""
    import pages.formatting
    import pages.i18n

    monkeypatch.setattr(pages.i18n, "language", lambda: "zh")
    monkeypatch.setattr(pages.formatting, "language", lambda: "zh")


def _measure(**values) -> pd.Series:
    row = {
        "id": "m1",
        "title_en": "A measure",
        "title_zh": "一项措施",
        "announcement_date": pd.Timestamp("2020-07-31"),
        "latest_date": pd.NaT,
        "effective_date": pd.NaT,
        "event_session": pd.Timestamp("2020-08-03"),
        "timing": "after_close",
        "theme": "T4",
        "secondary_themes": (),
        "segments": ("CHN",),
    }
    return pd.Series({**row, **values})


def test_overview_offers_the_broad_indices_first_and_else_the_first_three_series():
    from pages.overview import default_instruments

    stored = ["A.SH", "399006.SZ", "B.SH", "000300.SH", "C.SH"]
    assert default_instruments(stored) == ["000300.SH", "399006.SZ"]
    assert default_instruments(["A.SH", "B.SH", "C.SH", "D.SH"]) == ["A.SH", "B.SH", "C.SH"]
    assert default_instruments([]) == []


def test_overview_date_range_parameter_is_two_ordered_dates_inside_the_data():
    from pages.overview import parse_date_pair, range_check

    assert parse_date_pair("2020-01-01,2021-12-31") == (date(2020, 1, 1), date(2021, 12, 31))
    for bad in ("2020-01-01", "2020-01-01,2020-02-01,2020-03-01", "2020-13-45,2021-01-01"):
        with pytest.raises(ValueError):
            parse_date_pair(bad)
    check = range_check(date(2019, 1, 2), date(2024, 12, 31))
    check((date(2019, 1, 2), date(2024, 12, 31)))  # the whole span fits
    for bad in [(date(2021, 1, 1), date(2020, 1, 1)), (date(2018, 1, 1), date(2020, 1, 1))]:
        with pytest.raises(ValueError, match="dates must lie in 2019-01-02…2024-12-31"):
            check(bad)


def test_overview_markers_are_the_measures_with_t0_in_the_shown_span():
    from pages.overview import measures_between

    measures = pd.DataFrame(
        {
            "id": ["before", "first", "inside", "last", "after", "undated"],
            "event_session": pd.to_datetime(
                ["2020-01-02", "2020-03-02", "2020-05-06", "2020-06-30", "2020-07-01", None]
            ),
        }
    )
    shown = measures_between(measures, pd.Timestamp("2020-03-02"), pd.Timestamp("2020-06-30"))
    assert list(shown["id"]) == ["first", "inside", "last"]


def test_overview_clicked_markers_give_each_measure_once_in_click_order():
    from pages.overview import picked_measures

    def marker(measure_id):
        return {"customdata": ["title", "标题", "T1", "2020-01-02", "note", "ALL", measure_id]}

    points = [
        marker("b"),
        {"x": 1, "y": 2},  # a price point: no customdata
        {"customdata": ["2020-01-02"]},  # an AR point: other customdata
        marker("a"),
        marker("b"),
    ]
    assert picked_measures(points) == ["b", "a"]
    assert picked_measures([]) == []


def test_policies_overlap_text_names_the_first_overlaps_as_text_and_counts_the_rest():
    from pages.policies import Overlaps, overlap_text

    overlaps = Overlaps(shown={"a": ["b", "c"]}, total={"a": 5})
    assert overlap_text(overlaps, "a") == "b, c … and 3 more"
    assert overlap_text(Overlaps({"a": ["b"]}, {"a": 1}), "a") == "b"
    assert overlap_text(overlaps, "z") == ""
    # plain text for the table cell (a backslash there is shown as a backslash); the details
    # warning, which is markdown, escapes it
    assert overlap_text(Overlaps({"a": ["**x**"]}, {"a": 1}), "a") == "**x**"


def test_policies_years_parameter_is_left_out_while_every_year_is_chosen():
    from pages.policies import years_parameter

    assert years_parameter((2019, 2024), 2019, 2024) is None
    assert years_parameter((2020, 2021), 2019, 2024) == "2020,2021"
    assert years_parameter((2019, 2019), 2019, 2024) == "2019,2019"


def test_policies_table_shows_theme_names_joined_lists_and_overlaps():
    from pages.policies import TABLE_COLUMNS, Overlaps, measure_table

    measures = pd.DataFrame(
        [
            {
                **_measure(id="m1", segments=("CHN", "STAR")),
                "confidence": "verified",
                "source_url": "",
                "origin": "shipped",
            },
            {
                **_measure(id="m2", theme="T1", segments=()),
                "confidence": "verified",
                "source_url": "",
                "origin": "user",
            },
        ]
    )
    table = measure_table(measures, Overlaps({"m1": ["m2"]}, {"m1": 1}))
    assert list(table.columns) == TABLE_COLUMNS
    assert list(table["theme_name"]) == ["T4 Zero tolerance", "T1 Financing & REITs"]
    assert list(table["segment_list"]) == ["CHN, STAR", ""]
    assert list(table["overlaps"]) == ["m2", ""]


def test_policies_table_cells_are_plain_text_in_the_current_language(chinese):
    """The table is not markdown: hyphenated ids read csrc-chair-change-2024, not
    csrc\\-chair\\-change\\-2024; the Date and From columns are translated like the others."""
    from pages.policies import Overlaps, measure_table

    measures = pd.DataFrame(
        [
            {
                **_measure(id="csrc-chair-change-2024"),
                "confidence": "verified",
                "source_url": "",
                "origin": "shipped",
            },
            {
                **_measure(id="restricted-lending-halt-2024"),
                "confidence": "unverified",
                "source_url": "",
                "origin": "user",
            },
        ]
    )
    overlaps = Overlaps(
        {"csrc-chair-change-2024": ["restricted-lending-halt-2024"]},
        {"csrc-chair-change-2024": 1},
    )
    table = measure_table(measures, overlaps)
    assert list(table["overlaps"]) == ["restricted-lending-halt-2024", ""]
    assert list(table["confidence"]) == ["已核实", "未核实"]
    assert list(table["origin"]) == ["内置", "用户"]
    assert list(table["source_url"]) == ["", ""]  # not None, which the table shows as "None"


def test_policies_measure_dates_name_each_date_of_a_measure():
    from pages.policies import measure_dates

    measure = _measure(latest_date=pd.Timestamp("2020-08-20"))
    assert measure_dates(measure) == [
        "Announced **2020-07-31** (Friday), after the close",
        "Date uncertain: between 2020-07-31 and 2020-08-20",
        "Event session t0: **2020-08-03**",
    ]
    effective = measure_dates(_measure(effective_date=pd.Timestamp("2020-08-24")))
    assert effective[-1] == "Effective 2020-08-24"


def test_policies_measure_dates_in_chinese(chinese):
    from pages.policies import measure_dates

    announced, t0 = measure_dates(_measure())
    assert "**2020-07-31**" in announced and "星期五" in announced and "收盘后" in announced
    assert "**2020-08-03**" in t0 and "Event session" not in t0


def test_policies_segment_lines_name_instruments_and_benchmark():
    from data_sources import catalogue
    from pages.policies import segment_lines

    segments = catalogue.segments().set_index("id")
    chinext, no_proxy, market_wide = segment_lines(
        _measure(segments=("CHN", "AMC", "CREDIT")), segments
    )
    assert chinext == "- **CHN ChiNext**: 399006.SZ ChiNext Index; benchmark 000300.SH CSI 300"
    assert no_proxy.startswith("- **AMC ") and no_proxy.endswith(
        "**: no listed proxy; benchmark 000300.SH CSI 300"
    )
    assert market_wide.startswith("- **CREDIT ") and "**: 511010.SH " in market_wide
    assert market_wide.endswith(
        "; market-wide: constant-mean model (no market model of the market on itself)"
    )
    assert segment_lines(_measure(segments=()), segments) == []


def test_data_coverage_table_names_each_series_and_its_source():
    from pages.data import coverage_table

    coverage = pd.DataFrame(
        {
            "symbol": ["399006.SZ", "000300.SH", "MY.CSV", "ODD"],
            "source": ["akshare", "demo", "import", "elsewhere"],
            "detail": ["d1", "d2", "d3", "d4"],
            "first_date": pd.to_datetime(["2020-01-02"] * 4),
            "last_date": pd.to_datetime(["2020-12-31"] * 4),
            "rows": [243, 243, 10, 1],
            "fetched_at": ["t"] * 4,
            "last_error": [None] * 4,
            "adjustment": ["unadjusted (index level)", "synthetic", "unadjusted", None],
            "suspended_sessions": [0, 0, 2, 0],
        }
    )
    table = coverage_table(coverage, live={"399006.SZ"})
    assert list(table.columns) == [
        "name",
        "demo",
        "mode",
        "detail",
        "first_date",
        "last_date",
        "rows",
        "fetched_at",
        "last_error",
        "adjustment",
        "suspended_sessions",
    ]
    assert list(table["name"]) == [
        "399006.SZ ChiNext Index",
        "000300.SH CSI 300 · SYNTHETIC DEMO",  # the demo series is marked
        "MY.CSV",
        "ODD",
    ]
    assert list(table["demo"]) == [False, True, False, False]
    assert list(table["mode"]) == ["live akshare", "SYNTHETIC DEMO", "imported file", "elsewhere"]


def test_data_coverage_table_in_chinese(chinese):
    from pages.data import coverage_table

    coverage = pd.DataFrame(
        {
            "symbol": ["399006.SZ", "000300.SH"],
            "source": ["akshare", "import"],
            **{column: [None, None] for column in ("detail", "first_date", "last_date")},
            **{column: [None, None] for column in ("rows", "fetched_at", "last_error")},
            **{column: [None, None] for column in ("adjustment", "suspended_sessions")},
        }
    )
    table = coverage_table(coverage, live={"399006.SZ"})
    assert list(table["name"]) == ["399006.SZ 创业板指", "000300.SH 沪深300"]
    assert list(table["mode"]) == [ZH["live akshare"], ZH["imported file"]]


def test_data_damage_table_lists_file_problem_and_series():
    from data_sources.store import Damage
    from pages.data import damage_table

    damage = [
        Damage("shards/shard-07.arrow", "checksum mismatch", {"B.SH": {}, "A.SH": {}}),
        Damage("status/Z.json", "not JSON"),
    ]
    assert damage_table(damage).to_dict("list") == {
        "file": ["shards/shard-07.arrow", "status/Z.json"],
        "problem": ["checksum mismatch", "not JSON"],
        "series": ["A.SH, B.SH", "—"],
    }


def test_data_fetch_suggests_the_instruments_of_the_themed_measures_segments():
    from pages.data import fetch_key, suggested_instruments

    measures = pd.DataFrame({"segments": [("CHN", "STAR"), ("CHN",), ()]})
    assert suggested_instruments(measures, themes=[]) == []  # no theme chosen: no preselection
    # the segments in code order (CHN before STAR), no repeats
    assert suggested_instruments(measures, themes=["T1"]) == ["399006.SZ", "000688.SH"]
    assert suggested_instruments(measures.iloc[:0], themes=["T1"]) == []
    assert fetch_key([]) == "fetch_symbols_all"
    assert fetch_key(["T1", "T5"]) == "fetch_symbols_T1_T5"


def test_data_uploads_sharing_a_name_are_told_apart_by_position():
    from pages.data import shown_names

    assert shown_names(["a.csv", "b.csv", "a.csv"]) == ["a.csv (#1)", "b.csv", "a.csv (#3)"]
    assert shown_names(["a.csv", "b.csv"]) == ["a.csv", "b.csv"]
    assert shown_names([]) == []


def test_data_two_files_under_one_series_name_are_a_clash():
    from pages.data import series_name_clashes

    def bars(symbol):
        return pd.DataFrame({"symbol": [symbol, symbol]})

    parsed = [("a.csv", bars("X")), ("b.csv", bars("Y")), ("c.xlsx", bars("X"))]
    assert series_name_clashes(parsed) == {"X": ["a.csv", "c.xlsx"]}
    assert series_name_clashes(parsed[:2]) == {}


def test_data_import_summary_says_rows_span_and_what_was_skipped_or_emptied():
    from pages.data import import_summary

    bars = pd.DataFrame({"date": pd.to_datetime(["2024-09-23", "2024-09-24", "2024-09-25"])})
    # the file name is text: its punctuation is escaped (pages.text.escape_markdown)
    assert import_summary("p.csv", bars) == "p\\.csv: 3 rows, 2024-09-23 to 2024-09-25"
    bars.attrs["skipped_empty_rows"] = 2
    bars.attrs["ohlc_blanked"] = {"rows": 1, "first": "2024-09-24"}
    assert import_summary("p_1.csv", bars) == (
        "p\\_1\\.csv: 3 rows, 2024-09-23 to 2024-09-25; skipped 2 dated rows with no values "
        "(sessions without data); emptied open/high/low of 1 rows where they contradict each "
        "other or the close (close kept; first: 2024-09-24)"
    )


def test_method_tables_keep_english_column_names_and_translate_meanings(chinese):
    from analysis.glossary import COLUMN_GLOSSARY
    from pages.method import glossary_table, provenance_table

    glossary = glossary_table()
    assert list(glossary.columns) == ["column", "meaning"]
    assert list(glossary["column"]) == list(COLUMN_GLOSSARY)
    assert list(glossary["meaning"]) == [ZH[meaning] for meaning in COLUMN_GLOSSARY.values()]
    coverage = pd.DataFrame(
        {"symbol": ["399006.SZ"], **{c: [None] for c in COVERAGE_COLUMNS if c != "symbol"}}
    )
    provenance = provenance_table(coverage)
    assert list(provenance.columns) == list(COVERAGE_COLUMNS)
    assert list(provenance["symbol"]) == ["399006.SZ 创业板指"]


def test_a_language_switch_hands_every_registered_widget_its_value(app):
    """The translated widgets register themselves as they are drawn (the add-measure form and
    the import date format included), and a switch to 中文 keeps what they hold."""
    from tests.apptest_helpers import goto

    goto(app, "pages/data.py")
    goto(app, "pages/policies.py")
    app.multiselect(key="policies_segments").set_value(["CHN"])
    app.selectbox(key="policies_confidence").set_value("verified").run()
    registered = app.session_state["_translated_widgets"]
    expected = {"theme_filter", "policies_segments", "policies_confidence", "policy_detail"}
    expected |= {"add_conf", "add_timing", "add_theme", "add_secondary", "add_segments"}
    expected |= {"import_date_format", "delete_symbol", "fetch_symbols_all"}
    assert expected <= registered, expected - registered
    app.sidebar.button_group(key="language").set_value("zh").run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.title[0].value == "政策措施"
    assert app.multiselect(key="policies_segments").value == ["CHN"]
    assert app.selectbox(key="policies_confidence").value == "verified"


CELL_TESTS = {
    "cross-sectional t over 5 clusters": "横截面 t 检验（5 个聚类）",
    "cross-sectional t over 2 clusters of 3 measures (zero spread: no test)": (
        "横截面 t 检验（2 个聚类，共 3 项措施）（离散度为零：无检验）"
    ),
    "CAR t-test (1 cluster of 2 measures, 1 instrument)": (
        "CAR t 检验（1 个聚类含 2 项措施，1 个标的）"
    ),
    "none (1 cluster of 2 measures, 4 instruments)": "无检验（1 个聚类含 2 项措施，4 个标的）",
    "CAR t-test (1 measure, 1 instrument)": "CAR t 检验（1 项措施，1 个标的）",
    "none (1 measure, 3 instruments)": "无检验（1 项措施，3 个标的）",
}


def test_themes_cell_test_names_read_in_chinese(chinese):
    """The cell headline read "cross-sectional t over 5 clusters" in 中文 mode."""
    from pages.formatting import cell_test

    assert {english: cell_test(english) for english in CELL_TESTS} == CELL_TESTS
    assert cell_test("a test we do not know") == "a test we do not know"


def test_themes_cell_test_names_stay_as_they_are_in_english():
    from pages.formatting import cell_test

    assert all(cell_test(english) == english for english in CELL_TESTS)


def test_themes_cell_test_the_analysis_writes_is_one_the_page_translates(chinese):
    from analysis.themes import cell_statistics
    from pages.formatting import cell_test

    pairs = pd.DataFrame(
        {
            "theme": "T1",
            "segment": "ALL",
            "event_id": ["a", "b", "c"],
            "instrument": "X",
            "car": [0.01, 0.02, -0.01],
            "t_stat": 1.0,
            "p_value": 0.3,
        }
    )
    (written,) = cell_statistics(pairs)["test"]
    assert cell_test(written) == "横截面 t 检验（3 个聚类）"


def test_an_unknown_release_time_says_what_is_unknown(chinese):
    """The line "Announced 2019-06-13 (Thursday), unknown" read as if the date were unknown."""
    from pages.policies import measure_dates

    announced = measure_dates(_measure(timing="unknown"))[0]
    assert announced.endswith("发布时点未知") and "未知" in announced


def test_an_unknown_release_time_in_english():
    from pages.policies import measure_dates

    announced = measure_dates(_measure(timing="unknown"))[0]
    assert announced == "Announced **2020-07-31** (Friday), release time unknown"


def test_a_study_note_on_an_uncertain_t0_reads_in_chinese(chinese):
    """The warning beside the CAR table stayed English in 中文 (analysis writes it)."""
    from analysis import framing
    from pages.formatting import timing_note

    note = framing.uncertain_t0_text(
        "delisting-final-rules-2020", "2020-12-31", "2020-12-31", "2021-01-04"
    )
    assert timing_note(note) == (
        "delisting-final-rules-2020 的 t0 不确定：于 2020-12-31 发布但时点未知，市场可能在 "
        "2020-12-31（t0）首次反应，若为晚间发布则在 2021-01-04（t0+1）；主要结果 CAR [0, +1] "
        "覆盖这两天"
    )
    widened = "event window widened from [-5, 0] to [-5, 1] to cover both candidate sessions"
    assert timing_note(widened) == "事件窗口由 [-5, 0] 扩展为 [-5, 1]，以覆盖两个候选交易日"
    assert timing_note("something else") == "something else"


def test_a_study_note_on_an_uncertain_t0_is_unchanged_in_english():
    from analysis import framing
    from pages.formatting import timing_note

    note = framing.uncertain_t0_text("m", "2020-12-31", "2020-12-31", "2021-01-04")
    assert timing_note(note) == note
