"""Every page through Streamlit's AppTest, on the synthetic demo in a fresh data directory."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from data_sources.catalogue import filter_by_themes, load_catalogue, studyable
from data_sources.errors import DataSourceError
from tests.apptest_helpers import PAGES, dataframe_at, download_bytes, goto, open_sections
from tests.markdown_render import shown


def test_every_page_runs_with_the_synthetic_banner(app):
    assert not app.exception
    assert any("seeded" in i.value or "SYNTHETIC demo series" in i.value for i in app.info)
    for page in PAGES:
        goto(app, page)
        assert any("SYNTHETIC DEMO DATA" in w.value for w in app.warning), page
        assert any("SYNTHETIC DEMO" in c.value for c in app.sidebar.caption), page


def test_theme_filter_changes_the_listed_measures(app):
    # counts come from the catalogue (issue 13 added measures): the page must list all of them,
    # then the T4 ones, and the study must offer the studyable T4 ones only
    catalogue = load_catalogue()
    zero_tolerance = filter_by_themes(catalogue, ["T4"])
    assert 9 <= len(zero_tolerance) < len(catalogue)
    goto(app, "pages/policies.py")
    assert app.markdown[0].value.startswith(f"**{len(catalogue)}** measures")
    app.sidebar.multiselect(key="theme_filter").select("T4").run()
    assert app.markdown[0].value.startswith(f"**{len(zero_tolerance)}** measures")
    assert len(dataframe_at(app, 0)) == len(zero_tolerance)
    goto(app, "pages/event_study.py")  # the filter follows to other pages
    by_title = catalogue.set_index("title_en")
    titles = [
        option.split(" · ", 1)[1].rsplit(" (", 1)[0]
        for option in app.multiselect(key="study_measures").options
    ]
    # the listed less the unverified: the mid-year meeting itself, and e.g. the Kangmei class
    # action and the fraud buy-back draft (their only sources were on tier-E spam domains)
    assert len(titles) == len(studyable(zero_tolerance)) < len(zero_tolerance)
    left_out = set(zero_tolerance["id"]) - set(studyable(zero_tolerance)["id"])
    assert {"kangmei-class-action-2021", "fraud-buyback-draft-2020"} <= left_out
    for title in titles:
        assert "T4" in {by_title.at[title, "theme"], *by_title.at[title, "secondary_themes"]}


def test_event_study_results_change_with_the_model_and_download_as_csv(app):
    goto(app, "pages/event_study.py")
    assert app.multiselect(key="study_measures").value == ["chinext-first-listings-2020"]
    results = dataframe_at(app, 0)
    assert results["name"].tolist() == ["399006.SZ ChiNext Index · SYNTHETIC DEMO"]  # demo data
    market_car = results["car_pct"].iloc[0]
    app.radio(key="study_model").set_value("constant-mean").run()
    constant_car = dataframe_at(app, 0)["car_pct"].iloc[0]
    assert constant_car != pytest.approx(market_car)

    raw = download_bytes(app, "download_car_summary")
    assert raw.startswith(b"\xef\xbb\xbf")
    csv = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig")
    assert csv.loc[0, "instrument"] == "399006.SZ"
    assert csv.loc[0, "model"] == "constant-mean"
    assert csv.loc[0, "data_mode"] == "SYNTHETIC DEMO"
    assert "constant-mean model" in csv.loc[0, "method"]
    assert "SYNTHETIC DEMO (seed" in csv.loc[0, "data_vintage"]
    # the table leads with the headline window (CAR [0, +1] when the release time is unknown)
    start, end = app.selectbox(key="study_car_window").value
    shown = csv[(csv["window_start"] == start) & (csv["window_end"] == end)]
    assert 100 * shown["car"].iloc[0] == pytest.approx(constant_car)


def test_bad_window_gives_a_message_not_an_exception(app):
    goto(app, "pages/event_study.py")
    app.slider(key="study_estimation").set_value((-250, -3)).run()
    assert not app.exception
    assert any("must end before the event window" in e.value for e in app.error)


def test_failed_fetch_is_named_and_keeps_stored_data(app, monkeypatch):
    from data_sources.akshare_source import AkshareSource

    def refuse(self, query, params):
        raise DataSourceError("akshare failed: ConnectionError: refused", symbol=query.symbol)

    monkeypatch.setattr(AkshareSource, "extract", refuse)
    goto(app, "pages/data.py")
    before = dataframe_at(app, 0)
    app.multiselect(key="fetch_symbols_all").select("399006.SZ").run()
    app.button(key="fetch_button").click().run()
    assert not app.exception
    assert any("1 of 1 failed" in shown(e.value) for e in app.error)
    after = dataframe_at(app, 0)
    chinext = "399006.SZ ChiNext Index · SYNTHETIC DEMO"  # the demo series stays
    row = after[after["name"] == chinext].iloc[0]
    assert row["rows"] == before[before["name"] == chinext].iloc[0]["rows"]
    assert "ConnectionError" in row["last_error"]


def test_data_page_suggests_the_instruments_of_the_filtered_themes(app):
    app.sidebar.multiselect(key="theme_filter").select("T6").run()  # two-way opening
    goto(app, "pages/data.py")
    suggested = app.multiselect(key="fetch_symbols_T6").value
    # T6 measures touch ALL, MAIN, HK, ADR and (full registration, 2023-02-17) BRK, among
    # others: the broad indices, the H-share and China-internet ETFs, the brokerage index...
    from data_sources.instruments import segment_instruments

    touched = set().union(*filter_by_themes(load_catalogue(), ["T6"])["segments"])
    assert set(suggested) == set(segment_instruments(sorted(touched)))
    assert {"000300.SH", "510900.SH", "513050.SH", "399975.SZ"} <= set(suggested)
    assert "399006.SZ" not in suggested  # ChiNext: no T6 measure touches it


def test_import_saves_a_good_file_and_names_what_is_wrong_in_a_bad_one(app):
    goto(app, "pages/data.py")
    good = "日期,收盘\n2024-09-23,1.10\n2024-09-24,1.15\n2024-09-25,1.21\n".encode("gbk")
    bad = b"date,close\n2024-09-23,1.10\n2024-09-24,oops\n"
    app.file_uploader(key="import_files_0").set_value(
        [("my_fund.csv", good, "text/csv"), ("broken.csv", bad, "text/csv")]
    ).run()
    assert not app.exception
    assert any("file broken.csv: row 3, column 'close'" in shown(e.value) for e in app.error)
    app.button(key="import_save").click().run()
    assert any("my_fund: 3 rows stored from my_fund.csv" in shown(s.value) for s in app.success)
    table = dataframe_at(app, 0)
    row = table[table["name"] == "my_fund"].iloc[0]
    assert row["mode"] == "imported file" and row["rows"] == 3
    assert "broken" not in set(table["name"])  # nothing half-imported
    assert "imported files" in app.sidebar.caption[0].value
    assert not app.get_by_key("import_files_1").value  # the uploader was emptied


def test_a_reimport_on_the_data_page_says_where_the_replaced_series_was_kept(app):
    goto(app, "pages/data.py")
    for round_number, content in enumerate(
        (b"date,close\n2024-09-23,1.1\n2024-09-24,1.2\n", b"date,close\n2024-09-25,2.0\n")
    ):
        app.file_uploader(key=f"import_files_{round_number}").set_value(
            [("my_fund.csv", content, "text/csv")]
        ).run()
        app.button(key="import_save").click().run()
    assert not app.exception
    (kept,) = [shown(i.value) for i in app.info if "were kept in" in shown(i.value)]
    assert kept.startswith("The 2 rows my_fund held before were kept in")
    assert "replaced" in kept and "my_fund." in kept


def test_policies_filters_search_and_detail(app):
    goto(app, "pages/policies.py")
    app.multiselect(key="policies_segments").select("REIT").run()
    table = dataframe_at(app, 0)
    assert len(table) > 0 and all("REIT" in s for s in table["segment_list"])
    app.multiselect(key="policies_segments").unselect("REIT").run()
    app.text_input(key="policies_search").input("注册制").run()
    ids = set(dataframe_at(app, 0)["id"])
    assert "chinext-first-listings-2020" in ids and "sept-2024-package" not in ids
    app.selectbox(key="policy_detail").select("chinext-first-listings-2020").run()
    details = " ".join(m.value for m in app.markdown)
    assert "Communiqué task 5" in details
    assert "推进创业板改革并试点注册制平稳落地和稳定运行" in details
    assert "Event session t0: **2020-08-24**" in details
    assert "399006.SZ ChiNext Index; benchmark 000300.SH CSI 300" in details
    app.text_input(key="policies_search").input("").run()
    app.selectbox(key="policies_confidence").select("unverified").run()
    assert list(dataframe_at(app, 0)["id"])[:4] == [
        "csrc-midyear-meeting-2020",
        "ndrc-reits-project-notice-2020",  # issue 13: its text was seen only on tier-E pages
        "fraud-buyback-draft-2020",
        "kangmei-class-action-2021",
    ]


def test_add_a_measure_in_the_form_then_remove_it(app, data_dir):
    import datetime as dt

    goto(app, "pages/policies.py")
    app.text_input(key="add_id").input("my-test-measure")
    app.text_input(key="add_title_zh").input("测试措施")
    app.text_input(key="add_title_en").input("Test measure")
    app.date_input(key="add_date").set_value(dt.date(2024, 10, 12))  # a Saturday
    app.selectbox(key="add_theme").select("T3")
    app.multiselect(key="add_segments").select("BRK")
    app.text_input(key="add_source").input("https://example.org/test")
    submit = [b for b in app.button if getattr(b, "label", "") == "Add measure"][0]
    submit.click().run()
    assert not app.exception
    assert any("Added measure my-test-measure" in shown(s.value) for s in app.success)
    assert (data_dir / "catalogue" / "user_measures.yaml").exists()
    app.text_input(key="policies_search").input("测试").run()
    row = dataframe_at(app, 0).iloc[0]
    assert row["id"] == "my-test-measure" and row["origin"] == "user"
    assert row["event_session"] == pd.Timestamp("2024-10-14")  # Saturday → Monday
    app.selectbox(key="remove_measure").select("my-test-measure").run()
    app.button(key="remove_measure_button").click().run()
    assert any("Removed my-test-measure" in shown(s.value) for s in app.success)


def test_form_errors_name_the_field_and_add_nothing(app, data_dir):
    goto(app, "pages/policies.py")
    app.text_input(key="add_id").input("Bad Id")
    submit = [b for b in app.button if getattr(b, "label", "") == "Add measure"][0]
    submit.click().run()
    assert not app.exception
    message = " ".join(shown(e.value) for e in app.error)
    assert "field 'id'" in message and "field 'title_zh': missing" in message
    assert "field 'announcement_date': missing" in message
    assert not (data_dir / "catalogue" / "user_measures.yaml").exists()


def test_import_measures_validates_everything_first(app, data_dir):
    goto(app, "pages/policies.py")
    bad = (
        "id,title_zh,title_en,announcement_date,theme,segments,source_url,confidence\n"
        "fine-one,好,Fine,2024-01-02,T1,ALL,https://example.org/f,verified\n"
        "broken,坏,Broken,2024-01-03,T99,ALL,https://example.org/b,verified\n"
    ).encode()
    app.file_uploader(key="import_measures_0").set_value(("m.csv", bad, "text/csv")).run()
    assert not app.exception
    assert any("line 3 (broken), field 'theme'" in shown(e.value) for e in app.error)
    good = bad.decode().replace("T99", "T2").encode()
    app.file_uploader(key="import_measures_0").set_value(("m.csv", good, "text/csv")).run()
    app.button(key="import_measures_save").click().run()
    assert any("Added 2 measure(s) from m.csv" in shown(s.value) for s in app.success)
    exported = pd.read_csv(io.BytesIO(download_bytes(app, "export_csv")), encoding="utf-8-sig")
    assert {"fine-one", "broken"} <= set(exported["id"])
    assert exported.set_index("id").at["broken", "origin"] == "user"
    assert exported["data_mode"].iloc[0] == "catalogue"


def test_overlap_merge_and_market_wide_rule_in_the_study(app):
    goto(open_sections(app), "pages/event_study.py")
    app.multiselect(key="study_measures").set_value(["sept-2024-package"]).run()
    assert any("politburo-lift-market-2024" in shown(w.value) for w in app.warning)  # default: warn
    instruments_key = "study_instruments_sept-2024-package"
    app.multiselect(key=instruments_key).set_value(["000001.SH", "399975.SZ"]).run()
    results = dataframe_at(app, 0).set_index("name")
    demo = " · SYNTHETIC DEMO"
    assert results.at["000001.SH SSE Composite" + demo, "model"] == "constant-mean"
    assert results.at["399975.SZ CSI All Share Securities Companies" + demo, "model"] == "market"
    diagnostics = next(t.value for t in app.dataframe if "reason" in t.value.columns)
    assert "market-wide instrument" in " ".join(diagnostics["reason"])
    app.radio(key="study_overlap").set_value("merge").run()
    merged = dataframe_at(app, 0)
    assert set(merged["event_session"]) == {pd.Timestamp("2024-09-24")}
    summary = pd.read_csv(
        io.BytesIO(download_bytes(app, "download_car_summary")), encoding="utf-8-sig"
    )
    assert set(summary["event_id"]) == {"sept-2024-package+politburo-lift-market-2024"}
    assert "overlapping event windows: merge" in summary["method"].iloc[0]
    app.radio(key="study_overlap").set_value("drop").run()
    assert any("dropped" in shown(i.value) for i in app.info)


def test_single_measure_study_shows_tests_and_a_placebo(app):
    goto(open_sections(app), "pages/event_study.py")
    tests = next(
        t.value
        for t in app.dataframe
        if "statistic" in t.value.columns and "mean_ratio" not in t.value.columns
    )
    assert {"kp_bmp_t", "corrado_rank_z", "cross_sectional_t"} <= set(tests["statistic"])
    placebo = next(t.value for t in app.dataframe if "observed_car" in t.value.columns)
    row = placebo.iloc[0]
    assert row["instrument"] == "399006.SZ" and 0 < row["p_value"] <= 1
    assert row["n_draws"] > 500
    summary = pd.read_csv(
        io.BytesIO(download_bytes(app, "download_placebo_summary")), encoding="utf-8-sig"
    )
    assert summary.loc[0, "data_mode"] == "SYNTHETIC DEMO"


def test_constituents_listed_with_the_survivorship_caveat(app, monkeypatch):
    members = pd.DataFrame(
        {
            "symbol": ["600030.SH", "000776.SZ"],
            "name": ["中信证券", "广发证券"],
            "exchange": ["SH", "SZ"],
            "index_code": "399975",
            "as_of": pd.Timestamp("2024-11-22"),
        }
    )
    monkeypatch.setattr("data_sources.constituents.constituents", lambda index: members)
    goto(app, "pages/data.py")
    assert any("survivorship bias" in w.value for w in app.warning)
    app.button(key="constituents_button").click().run()
    assert not app.exception
    listed = next(t.value for t in app.dataframe if "exchange" in t.value.columns)
    assert listed["symbol"].tolist() == ["600030.SH", "000776.SZ"]


def test_every_listed_creit_is_listed_and_fetched_over_intercepted_http(app, monkeypatch):
    import responses
    from responses import matchers

    from data_sources.store import Store
    from tests.akshare_payloads import (
        FULL_WIDTH,
        KLINE_URL,
        clist_payload,
        creit_row,
        kline_lines,
        kline_payload,
    )

    monkeypatch.setattr("data_sources.refresh.time.sleep", lambda seconds: None)
    monkeypatch.setattr("akshare.utils.func.time.sleep", lambda seconds: None)
    lines = kline_lines(["2024-09-23", "2024-09-24"], width=FULL_WIDTH, start=3.0)
    with responses.RequestsMock() as http:
        http.get(
            "https://95.push2.eastmoney.com/api/qt/clist/get",
            json=clist_payload(
                [
                    creit_row("508000", 1, "华安张江", 3.2, 1.0),
                    creit_row("180999", 0, "新REIT", 2.1, -0.5),
                ]
            ),
        )
        for secid in ("1.508000", "0.180999"):
            http.get(
                KLINE_URL,
                json=kline_payload(lines, secid[2:]),
                match=[matchers.query_param_matcher({"secid": secid}, strict_match=False)],
            )
        goto(app, "pages/data.py")
        app.button(key="creits_button").click().run()
        listed = next(t.value for t in app.dataframe if "pct_change" in t.value.columns)
        assert listed["symbol"].tolist() == ["180999.SZ", "508000.SH"]
        app.button(key="creits_fetch").click().run()
    assert not app.exception
    assert any("Fetched 2 series (every listed C-REIT)" in shown(s.value) for s in app.success)
    coverage = Store().coverage().set_index("symbol")
    assert coverage.at["180999.SZ", "source"] == "akshare"
    assert coverage.at["180999.SZ", "rows"] == 2
    assert coverage.at["508000.SH", "source"] == "akshare"  # the demo series was replaced


def test_a_cancelled_refresh_says_what_was_stored(app):
    from data_sources.refresh import RefreshOutcome

    goto(app, "pages/data.py")
    # What the page leaves in the session when Cancel interrupts a run after two instruments.
    app.session_state["refresh_running"] = {
        "what": "selected instruments",
        "total": 5,
        "done": [
            RefreshOutcome("399006.SZ", "ok", 10, 10, 1, pd.Timestamp("2024-01-02")),
            RefreshOutcome("399975.SZ", "failed", attempts=4, message="ConnectionError"),
        ],
    }
    app.run()
    assert not app.exception
    assert any(
        "Cancelled selected instruments: 1 of 5 series stored" in shown(e.value) for e in app.error
    )
    assert "refresh_running" not in app.session_state


def test_the_url_reproduces_a_study_and_follows_every_change(app):
    app.query_params.update(
        {
            "themes": "T5",
            "measures": "chinext-first-listings-2020",
            "instruments": "399006.SZ,000688.SH",
            "benchmark": "000905.SH",
            "model": "constant-mean",
            "estimation": "-200,-20",
            "window": "-3,3",
        }
    )
    goto(app, "pages/event_study.py")
    assert app.session_state["theme_filter"] == ["T5"]
    assert app.multiselect(key="study_measures").value == ["chinext-first-listings-2020"]
    key = "study_instruments_chinext-first-listings-2020"
    assert app.multiselect(key=key).value == ["399006.SZ", "000688.SH"]
    assert app.selectbox(key="study_benchmark").value == "000905.SH"
    assert app.radio(key="study_model").value == "constant-mean"
    assert app.slider(key="study_estimation").value == (-200, -20)
    assert app.slider(key="study_window").value == (-3, 3)
    assert not app.warning or all("URL parameter" not in w.value for w in app.warning)
    app.radio(key="study_model").set_value("market").run()
    assert app.query_params["model"] == "market"
    app.slider(key="study_window").set_value((-1, 2)).run()
    assert app.query_params["window"] == "-1,2"


@pytest.mark.parametrize(
    ("param", "value", "message"),
    [
        ("themes", "T42", "'T42' is not one of the choices"),
        ("window", "-5", "two whole numbers"),
        ("window", "9,-9", "the first ≤ the second"),
        ("estimation", "-10,-300", "the first ≤ the second"),
        ("model", "garch", "'garch' is not one of the choices"),
        ("instruments", "000300.SH,NOPE", "'NOPE' is not one of the choices"),
        ("unverified", "maybe", "use 1 or 0"),
    ],
)
def test_a_bad_url_parameter_gives_a_clear_message(app, param, value, message):
    app.query_params[param] = value
    goto(app, "pages/event_study.py")
    assert not app.exception
    warnings = [shown(w.value) for w in app.warning if "URL parameter" in shown(w.value)]
    assert warnings and f"{param}={value}" in warnings[0] and message in warnings[0]
    assert app.get_by_key("study_window")  # the page still works, on its defaults


def test_themes_heatmap_cell_lists_its_measures_and_links_to_the_study(app):
    goto(app, "pages/themes.py")
    cells = app.selectbox(key="themes_cell")
    assert "T2 Institutions × CHN ChiNext" in cells.options  # shown labels
    cells.set_value("T2|CHN").run()
    assert not app.exception
    pairs = next(t.value for t in app.dataframe if "instrument" in t.value.columns)
    assert set(pairs["instrument"]) == {"399006.SZ ChiNext Index · SYNTHETIC DEMO"}
    assert app.query_params["cell"] == "T2|CHN"
    table = pd.read_csv(
        io.BytesIO(download_bytes(app, "download_themes_cells")), encoding="utf-8-sig"
    )
    assert {"theme", "segment", "caar", "t_stat", "p_value", "data_mode"} <= set(table.columns)
    assert (table["data_mode"] == "SYNTHETIC DEMO").all()
    row = table[(table["theme"] == "T2") & (table["segment"] == "CHN")].iloc[0]
    # the pairs table shows CARs in per cent, like the cell's headline
    assert row["caar"] == pytest.approx(pairs["car_pct"].mean() / 100, abs=1e-12)
    # the sidebar theme filter narrows the rows
    app.sidebar.multiselect(key="theme_filter").set_value(["T5"]).run()
    assert all(label.startswith("T5 ") for label in app.selectbox(key="themes_cell").options)
    app.selectbox(key="themes_window").set_value((0, 5)).run()
    assert not app.exception and app.query_params["window"] == "0,5"


def test_method_page_shows_the_formulas_mode_and_every_csv_column(app):
    from analysis.glossary import COLUMN_GLOSSARY

    goto(app, "pages/method.py")
    assert any("SYNTHETIC DEMO" in m.value for m in app.markdown)
    glossary = next(t.value for t in app.dataframe if "meaning" in t.value.columns)
    assert set(glossary["column"]) == set(COLUMN_GLOSSARY)
    assert app.get("latex")  # the formulas are typeset


def test_study_zip_holds_every_csv_and_the_parameters(app):
    import json
    import zipfile

    goto(open_sections(app), "pages/event_study.py")
    assert app.get_by_key("study_volume_chart") is not None  # the trading-response tabs
    archive = zipfile.ZipFile(io.BytesIO(download_bytes(app, "download_zip")))
    names = archive.namelist()
    stem = "policylens_chinext-first-listings-2020"
    assert f"{stem}/parameters.json" in names
    document = json.loads(archive.read(f"{stem}/parameters.json"))
    assert document["parameters"]["model"] == "market"
    assert document["parameters"]["event_window"] == [-5, 5]
    assert document["data_mode"] == "SYNTHETIC DEMO"
    assert "SYNTHETIC" in document["data_vintage"]
    for name in ("car_summary", "abnormal_returns", "abnormal_volume", "abnormal_volatility"):
        table = pd.read_csv(io.BytesIO(archive.read(f"{stem}/{name}.csv")), encoding="utf-8-sig")
        assert (table["data_mode"] == "SYNTHETIC DEMO").all() and len(table) > 0
    single = pd.read_csv(
        io.BytesIO(download_bytes(app, "download_car_summary")), encoding="utf-8-sig"
    )
    zipped = pd.read_csv(io.BytesIO(archive.read(f"{stem}/car_summary.csv")), encoding="utf-8-sig")
    pd.testing.assert_frame_equal(single, zipped)


def test_every_table_page_offers_its_csv(app):
    goto(app, "pages/data.py")
    stored = pd.read_csv(io.BytesIO(download_bytes(app, "download_coverage")), encoding="utf-8-sig")
    assert len(stored) == 28 and (stored["data_mode"] == "SYNTHETIC DEMO").all()
    goto(app, "pages/themes.py")
    pairs = pd.read_csv(
        io.BytesIO(download_bytes(app, "download_themes_pairs")), encoding="utf-8-sig"
    )
    assert {"event_id", "instrument", "car", "t_stat", "data_vintage"} <= set(pairs.columns)


def test_removing_a_series_needs_a_confirmation(app):
    from data_sources.store import Store

    goto(app, "pages/data.py")
    app.selectbox(key="delete_symbol").set_value("399006.SZ").run()
    assert app.button(key="delete_button").disabled
    app.checkbox(key="delete_confirm").check().run()
    app.button(key="delete_button").click().run()
    assert not app.exception
    assert "399006.SZ" not in Store().symbols()
    assert any("Removed 399006.SZ" in shown(s.value) for s in app.success)


def test_measures_by_theme_and_instruments_by_segment(app):
    app.sidebar.multiselect(key="theme_filter").set_value(["T5"]).run()
    goto(app, "pages/event_study.py")
    app.button(key="study_all_measures").click().run()
    chosen = app.multiselect(key="study_measures").value
    studyable = load_catalogue()
    t5 = studyable[
        studyable["theme"].eq("T5") | studyable["secondary_themes"].map(lambda s: "T5" in s)
    ]
    expected = set(t5[t5["event_session"].notna() & t5["confidence"].eq("verified")]["id"])
    assert set(chosen) == expected and len(chosen) > 3
    assert not app.exception
    key = f"study_instruments_{'_'.join(sorted(chosen))}"
    app.selectbox(key="study_add_segment").set_value("BRK").run()
    assert {"399975.SZ", "801193.SI", "BK0473.EM"} <= set(app.multiselect(key=key).value)
    assert app.selectbox(key="study_add_segment").value is None
    assert not app.exception


def test_car_window_and_placebo_series_rerun_their_parts_and_several_events_drop_the_placebo(app):
    goto(open_sections(app), "pages/event_study.py")
    key = "study_instruments_chinext-first-listings-2020"
    app.multiselect(key=key).set_value(["399006.SZ", "399001.SZ"]).run()
    event_window = dataframe_at(app, 0)
    app.selectbox(key="study_car_window").set_value((-1, 1)).run()
    assert not app.exception
    assert any(s.value == "CAR [-1, 1]" for s in app.subheader)
    assert dataframe_at(app, 0)["car_pct"].tolist() != event_window["car_pct"].tolist()
    app.selectbox(key="study_placebo_series").set_value("399006.SZ").run()
    assert not app.exception and app.get_by_key("study_placebo_chart") is not None
    # two measures: the API leaves the placebo out and says why
    app.multiselect(key="study_measures").set_value(
        ["chinext-first-listings-2020", "sept-2024-package"]
    ).run()
    assert not app.exception
    assert any("placebo left out" in shown(i.value) for i in app.info)
    assert not any(e.label == "Placebo test" for e in app.expander)
