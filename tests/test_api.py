"""The one study API (analysis.api): requests, resolution, the frozen outcome and its exports,
and the command line as a thin wrapper giving the same bytes."""

from __future__ import annotations

import dataclasses
import io
import json
import zipfile

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from analysis import cli
from analysis.api import (
    Diagnostic,
    Note,
    PriceFiles,
    StoreSource,
    StudyInputError,
    StudyRequest,
    resolve,
    run_study,
)
from analysis.event_study import EventStudyInputError
from data_sources.bootstrap import seed_demo_if_empty
from data_sources.store import Store

CHINEXT = "chinext-first-listings-2020"


@pytest.fixture
def demo_store(data_dir) -> Store:
    store = Store(data_dir / "store")
    seed_demo_if_empty(store)
    return store


def test_request_is_frozen_hashable_and_refuses_bad_choices_by_name():
    request = StudyRequest(measures=[CHINEXT], instruments=["399006.SZ"])
    assert request.measures == (CHINEXT,) and request.instruments == ("399006.SZ",)
    assert hash(request) == hash(StudyRequest(measures=(CHINEXT,), instruments=("399006.SZ",)))
    with pytest.raises(dataclasses.FrozenInstanceError):
        request.model = "constant-mean"
    for kwargs, message in [
        ({"overlap": "ignore"}, "overlap must be one of warn, merge, drop"),
        ({"calendar": "nyse"}, "calendar must be one of xshg, data"),
        ({"dates": ["2020-13-01"]}, "is not a real date"),
        ({"dates": ["24/08/2020"]}, "is not a YYYY-MM-DD date"),
        ({"event_window": (5, -5)}, "event window [5, -5] starts after it ends"),
        ({"conventions": "stata"}, "conventions must be one of"),
        ({"placebo_draws": -1}, "placebo draws must be 0"),
    ]:
        with pytest.raises(EventStudyInputError) as error:
            StudyRequest(measures=(CHINEXT,), **kwargs)
        assert message in str(error.value)
    with pytest.raises(StudyInputError, match="name at least one measure or event date"):
        StudyRequest()


def test_request_normalises_numpy_and_text_values_and_refuses_the_rest_by_name():
    # Regression: numpy ints were stored as such (parameters.json failed to serialise), 5.7
    # placebo draws and (-5.5, 5) windows were truncated silently, a negative seed or an
    # unknown statistic ended in a bare ValueError, and "no" switched a flag on.
    request = StudyRequest(
        dates=(pd.Timestamp("2020-08-24"),),
        instruments=" 399006.SZ ",
        event_window=(np.int64(-5), np.int64(5)),
        placebo_draws=np.int64(10),
        min_estimation="120",
        statistics="patell_z",
    )
    assert request.dates == ("2020-08-24",) and request.instruments == ("399006.SZ",)
    assert request.event_window == (-5, 5) and type(request.event_window[0]) is int
    assert type(request.placebo_draws) is int and request.min_estimation == 120
    assert request.statistics == ("patell_z",)
    json.dumps(request.to_dict())
    for kwargs, message in [
        ({"event_window": (-5.5, 5)}, "event_window must be two whole numbers"),
        ({"event_window": "-5,5"}, "event_window must be two whole numbers"),
        ({"placebo_draws": 5.7}, "placebo_draws must be a whole number"),
        ({"placebo_seed": -1}, "placebo seed must be 0 or more"),
        ({"placebo_seed": "x"}, "placebo_seed must be a whole number"),
        ({"statistics": ("nope",)}, "unknown statistic(s) nope"),
        ({"adjust_bh": "no"}, "adjust_bh must be True or False"),
        ({"instruments": ("",)}, "an instrument or measure name is empty"),
    ]:
        with pytest.raises(StudyInputError) as error:
            StudyRequest(measures=(CHINEXT,), **kwargs)
        assert message in str(error.value)


def test_resolve_takes_t0_segments_and_the_market_wide_rule_from_the_catalogue(demo_store):
    resolved = resolve(StudyRequest(measures=(CHINEXT,)), StoreSource(demo_store))
    (event,) = resolved.events
    assert event.event_id == CHINEXT
    assert event.event_session == pd.Timestamp("2020-08-24")
    # no instruments named: the stored instruments of the measure's segments
    assert "399006.SZ" in resolved.instruments and len(resolved.instruments) <= 6
    assert resolved.benchmark == "000300.SH"
    assert resolved.data_mode.synthetic
    assert "399006.SZ: SYNTHETIC DEMO" in resolved.data_vintage
    market_wide = resolve(
        StudyRequest(measures=(CHINEXT,), instruments=("000001.SH", "399006.SZ")),
        StoreSource(demo_store),
    )
    assert market_wide.constant_mean_for == ("000001.SH",)
    off = resolve(
        StudyRequest(
            measures=(CHINEXT,),
            instruments=("000001.SH", "399006.SZ"),
            market_wide_constant_mean=False,
        ),
        StoreSource(demo_store),
    )
    assert off.constant_mean_for == ()


def test_default_instruments_left_out_by_the_cap_are_named(demo_store):
    # Regression: with no instruments named, a measure whose segments have more than six stored
    # series was studied on the first six and the rest were left out without a word.
    resolved = resolve(StudyRequest(measures=("refinancing-rules-2020",)), StoreSource(demo_store))
    assert len(resolved.instruments) == 6
    (note,) = [n.text for n in resolved.notes if n.kind == "instruments"]
    assert note.startswith("no instruments named: the first 6 stored series")
    assert "left out: 932000.CSI, 399975.SZ" in note


def test_resolve_names_what_is_wrong(demo_store):
    source = StoreSource(demo_store)
    with pytest.raises(StudyInputError, match="measure 'no-such-measure' is not in the catalogue"):
        resolve(StudyRequest(measures=("no-such-measure",)), source)
    with pytest.raises(StudyInputError, match="no price data for NOPE.SH"):
        resolve(StudyRequest(measures=(CHINEXT,), instruments=("NOPE.SH",)), source)
    with pytest.raises(StudyInputError, match="its date is unverified"):
        resolve(StudyRequest(measures=("csrc-midyear-meeting-2020",)), source)


def test_outcome_is_complete_and_never_changes(demo_store):
    outcome = run_study(
        StudyRequest(
            measures=(CHINEXT,),
            instruments=("399006.SZ", "000001.SH"),
            placebo_draws=40,
            responses=True,
        ),
        StoreSource(demo_store),
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        outcome.placebo = None
    assert all(isinstance(n, Note) for n in outcome.notes)
    assert all(isinstance(d, Diagnostic) for d in outcome.diagnostics)
    changed = [d for d in outcome.diagnostics if d.status == "model changed"]
    assert [d.instrument for d in changed] == ["000001.SH"]
    assert outcome.placebo is not None and outcome.placebo.draws["draw"].nunique() == 40
    assert outcome.volume is not None and outcome.volatility is not None
    assert set(outcome.frames()) >= {
        "abnormal_returns", "car_summary", "tests", "diagnostics", "placebo",
        "placebo_summary", "abnormal_volume", "abnormal_volatility",
    }  # fmt: skip
    assert outcome.metadata["data_mode"].startswith("SYNTHETIC DEMO")
    assert "constant-mean for market-wide 000001.SH" in outcome.metadata["method"]
    assert "relative days count Shanghai (XSHG) sessions" in outcome.metadata["method"]
    text = outcome.summary()
    assert "399006.SZ" in text and CHINEXT in text and "SYNTHETIC" in text
    parameters = json.loads(outcome.parameters_json())
    assert parameters["parameters"]["events"][0]["event_session"] == "2020-08-24"
    assert parameters["parameters"]["data_mode"]["synthetic"] is True
    assert parameters["parameters"]["request"]["measures"] == [CHINEXT]


def test_outcome_numbers_match_statsmodels_ols(demo_store):
    """The outcome's CAR and SE against an independent statsmodels fit on the same returns."""
    outcome = run_study(
        StudyRequest(measures=(CHINEXT,), instruments=("399006.SZ",), clean_estimation=False),
        StoreSource(demo_store),
    )
    bars = demo_store.read(["399006.SZ", "000300.SH"])
    closes = bars.pivot(index="date", columns="symbol", values="close")
    returns = closes.pct_change()
    t0 = returns.index.get_loc(pd.Timestamp("2020-08-24"))
    est = returns.iloc[t0 - 250 : t0 - 10]
    win = returns.iloc[t0 - 5 : t0 + 6]
    x = sm.add_constant(est["000300.SH"])
    fit = sm.OLS(est["399006.SZ"], x).fit()
    x_event = sm.add_constant(win["000300.SH"])
    abnormal = win["399006.SZ"] - x_event @ fit.params
    covariance = fit.scale * np.eye(11) + x_event.to_numpy() @ fit.cov_params().to_numpy() @ (
        x_event.to_numpy().T
    )
    row = outcome.to_frame().query("window_start == -5 and window_end == 5").iloc[0]
    assert row["car"] == pytest.approx(abnormal.sum(), rel=1e-10)
    assert row["car_se"] == pytest.approx(np.sqrt(covariance.sum()), rel=1e-10)


def test_same_session_measures_and_overlaps_are_handled_once_for_every_front_end(demo_store):
    source = StoreSource(demo_store)
    merged = run_study(
        StudyRequest(dates=("2020-08-22", "2020-08-24"), instruments=("399006.SZ",)), source
    )
    assert [e.event_id for e in merged.events] == ["2020-08-22+2020-08-24"]
    assert merged.diagnostics[0].status == "overlap (warn)"
    assert "overlapping event windows: warn" in merged.method
    with pytest.raises(StudyInputError, match="every event was dropped"):
        run_study(
            StudyRequest(
                dates=("2020-08-22", "2020-08-24"), instruments=("399006.SZ",), overlap="drop"
            ),
            source,
        )


def test_placebo_with_several_events_is_left_out_with_a_note(demo_store):
    outcome = run_study(
        StudyRequest(
            dates=("2020-08-24", "2021-03-01"), instruments=("399006.SZ",), placebo_draws=30
        ),
        StoreSource(demo_store),
    )
    assert outcome.placebo is None
    assert any("it needs exactly one event" in text for text in outcome.notes_of("placebo"))


def test_files_and_store_give_the_same_numbers(demo_store, tmp_path):
    """The same series read from the store and from files: identical CARs (only the data mode
    and vintage differ)."""
    paths = []
    for symbol in ("399006.SZ", "000300.SH"):
        bars = demo_store.read([symbol])
        path = tmp_path / f"{symbol}.csv"
        bars[["date", "open", "high", "low", "close", "volume"]].to_csv(path, index=False)
        paths.append(path)
    request = StudyRequest(measures=(CHINEXT,), instruments=("399006.SZ",))
    from_store = run_study(request, StoreSource(demo_store))
    from_files = run_study(request, PriceFiles(paths))
    pd.testing.assert_frame_equal(from_store.to_frame(), from_files.to_frame())
    assert from_files.data_mode.label == "imported files" and not from_files.data_mode.synthetic
    assert "399006.SZ.csv sha256" in from_files.data_vintage


def test_cli_on_the_store_writes_the_api_bytes(demo_store, tmp_path, capsys):
    """The command line is a thin wrapper: the same request gives byte-identical files."""
    request = StudyRequest(
        measures=(CHINEXT,), instruments=("399006.SZ", "399001.SZ"), placebo_draws=50
    )
    api_dir, cli_dir = tmp_path / "api", tmp_path / "cli"
    run_study(request, StoreSource(demo_store)).write(api_dir)
    code = cli.main(
        [
            "study",
            "--measure",
            CHINEXT,
            "--instrument",
            "399006.SZ",
            "--instrument",
            "399001.SZ",
            "--placebo",
            "50",
            "--diagnostics",
            "--out",
            str(cli_dir),
        ]
    )
    assert code == 0, capsys.readouterr().err
    api_files = sorted(p.name for p in api_dir.iterdir())
    assert api_files == sorted(p.name for p in cli_dir.iterdir())
    for name in api_files:
        assert (api_dir / name).read_bytes() == (cli_dir / name).read_bytes(), name


def test_cli_names_what_is_wrong_with_measures_and_seeds(demo_store, tmp_path, capsys):
    # Regression: two --measure with --placebo were told "needs exactly one --event-date", and
    # --seed -1 ended in "internal error: ValueError: expected non-negative integer".
    base = ["study", "--instrument", "399006.SZ", "--out", str(tmp_path)]
    code = cli.main(
        [*base, "--measure", CHINEXT, "--measure", "csi300-options-2019"] + ["--placebo", "5"]
    )
    err = capsys.readouterr().err
    assert (
        code == 2 and "exactly one event (one --measure or --event-date); this study has 2" in err
    )
    code = cli.main([*base, "--measure", CHINEXT, "--placebo", "5", "--seed", "-1"])
    err = capsys.readouterr().err
    assert code == 2 and "placebo seed must be 0 or more, got -1" in err
    assert "internal error" not in err


def test_editing_a_table_handed_out_does_not_change_the_outcome(demo_store):
    # Regression: to_frame(), tests and placebo.summary were the outcome's own frames, so a
    # notebook that scaled a column changed the "frozen" outcome and every later export.
    outcome = run_study(
        StudyRequest(measures=(CHINEXT,), instruments=("399006.SZ",), placebo_draws=20),
        StoreSource(demo_store),
    )
    before = outcome.all_csv_bytes()
    handed_out = [
        (outcome.to_frame(), "car"),
        (outcome.car_summary, "car"),
        (outcome.tests, "value"),
        (outcome.abnormal_returns, "abnormal_return"),
        (outcome.placebo.summary, "p_value"),
        (outcome.placebo.draws, "car"),
        (outcome.frames()["diagnostics"], "reason"),
    ]
    for frame, column in handed_out:  # as a notebook would: a name, then an edit
        frame.loc[:, column] = "edited" if column == "reason" else 0
    assert outcome.all_csv_bytes() == before


def test_placebo_names_a_series_with_fewer_draws_than_the_others():
    # Regression: a series with a shorter history got 146 of 200 draws (its p-value rests on
    # them) and no note said so; only the n_draws column of placebo_summary showed it.
    from analysis.api import BarsSource
    from data_sources.trading_calendar import all_sessions

    sessions = all_sessions()
    dates = sessions[(sessions >= "2012-01-01") & (sessions <= "2020-12-31")]
    rng = np.random.default_rng(7)
    frames = []
    for symbol, start in [("AAA.SZ", "2012-01-01"), ("BBB.SZ", "2019-01-01"), ("MKT.SH", "2012")]:
        kept = dates[dates >= start]
        closes = 100 * np.exp(np.cumsum(rng.normal(0, 0.01, len(kept))))
        frames.append(pd.DataFrame({"symbol": symbol, "date": kept, "close": closes}))
    request = StudyRequest(
        dates=("2020-08-24",),
        instruments=("AAA.SZ", "BBB.SZ"),
        benchmark="MKT.SH",
        placebo_draws=40,
    )
    outcome = run_study(request, BarsSource(pd.concat(frames, ignore_index=True)))
    counts = outcome.placebo.summary.set_index("instrument")["n_draws"]
    assert counts["BBB.SZ"] < counts["AAA.SZ"] == 40
    assert any(
        f"BBB.SZ has {counts['BBB.SZ']} of 40 draws" in text for text in outcome.notes_of("placebo")
    )
    assert not any("AAA.SZ has" in text for text in outcome.notes_of("placebo"))


def test_dates_before_the_calendar_are_not_called_non_sessions():
    # Regression: SZSE Component from 1991 gave "3366 price date(s) that are not sessions of
    # the calendar were ignored (first: 1991-04-03)"; they precede the calendar (2005-01-04).
    from analysis.study import prepare_returns

    sessions = pd.DatetimeIndex(pd.bdate_range("2005-01-04", periods=30), name="date")
    dates = pd.DatetimeIndex(["2004-12-30", "2004-12-31", "2005-01-08"]).append(sessions[:20])
    bars = pd.DataFrame({"symbol": "A", "date": dates, "close": np.arange(len(dates)) + 10.0})
    notes = [text for _, text in prepare_returns(bars, ["A"], None, sessions).notes]
    assert "2 price date(s) before the calendar's first session 2005-01-04 were ignored" in (
        " ".join(notes)
    )
    assert any("1 price date(s) that are not sessions" in text for text in notes)


def test_zip_holds_every_table_and_parameters(demo_store):
    outcome = run_study(
        StudyRequest(measures=(CHINEXT,), instruments=("399006.SZ",)), StoreSource(demo_store)
    )
    archive = zipfile.ZipFile(io.BytesIO(outcome.to_zip("s", extra={"url": "?a=1"})))
    names = set(archive.namelist())
    assert {f"s/{name}.csv" for name in outcome.frames()} | {"s/parameters.json"} == names
    document = json.loads(archive.read("s/parameters.json"))
    assert document["parameters"]["url"] == "?a=1"
    assert document["data_mode"].startswith("SYNTHETIC DEMO")
    assert archive.read("s/car_summary.csv") == outcome.csv_bytes("car_summary")


def test_the_notebook_example_runs_on_a_fresh_store_and_says_synthetic(data_dir, capsys):
    from analysis.examples import chinext

    chinext.main()
    out = capsys.readouterr().out
    assert "The store was empty: it now holds the SYNTHETIC demo." in out
    assert "PolicyLens event study" in out and "chinext-first-listings-2020 (t0 2020-08-24)" in out
    assert "synthetic: True" in out
    assert "CAAR (equal-weighted)" in out  # the placebo summary


def test_the_readme_example_runs_as_written(demo_store, tmp_path, monkeypatch, capsys):
    """The README's Python block is executed verbatim (in a scratch directory)."""
    from pathlib import Path

    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("### From Python (notebooks)", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)  # the project's own README
    outcome = namespace["outcome"]
    assert outcome.data_mode.synthetic
    assert (tmp_path / "results" / "car_summary.csv").is_file()
    assert (tmp_path / "results" / "parameters.json").is_file()
    assert "PolicyLens event study" in capsys.readouterr().out


# -- estimation windows that contain another event's window (issue 13, item 5) --------------


def test_cleaned_estimation_matches_statsmodels_ols_on_the_cleaned_sample(demo_store):
    """2020-07-01's event window [-5, 5] lies inside the estimation window of 2020-08-24: those
    11 sessions are left out of 2020-08-24's fit. Checked against statsmodels OLS fitted on
    the estimation window without them (CAR, SE, t, p, L1 and dof)."""
    from scipy import stats

    outcome = run_study(
        StudyRequest(
            dates=("2020-07-01", "2020-08-24"), instruments=("399006.SZ",), responses=True
        ),
        StoreSource(demo_store),
    )
    bars = demo_store.read(["399006.SZ", "000300.SH"])
    returns = bars.pivot(index="date", columns="symbol", values="close").pct_change()
    t0 = returns.index.get_loc(pd.Timestamp("2020-08-24"))
    other = returns.index.get_loc(pd.Timestamp("2020-07-01"))
    est = returns.iloc[t0 - 250 : t0 - 10]
    est = est.drop(returns.index[other - 5 : other + 6])
    assert len(est) == 240 - 11
    fit = sm.OLS(est["399006.SZ"], sm.add_constant(est["000300.SH"])).fit()
    win = returns.iloc[t0 - 5 : t0 + 6]
    x_event = sm.add_constant(win["000300.SH"]).to_numpy()
    abnormal = win["399006.SZ"].to_numpy() - x_event @ fit.params.to_numpy()
    covariance = fit.scale * np.eye(11) + x_event @ fit.cov_params().to_numpy() @ x_event.T
    se = np.sqrt(covariance.sum())
    row = (
        outcome.to_frame()
        .query("event_id == '2020-08-24' and window_start == -5 and window_end == 5")
        .iloc[0]
    )
    assert row["n_estimation"] == fit.nobs == 229
    assert row["dof"] == fit.df_resid
    assert row["car"] == pytest.approx(abnormal.sum(), rel=1e-10)
    assert row["car_se"] == pytest.approx(se, rel=1e-10)
    assert row["t_stat"] == pytest.approx(abnormal.sum() / se, rel=1e-10)
    assert row["p_value"] == pytest.approx(
        2 * stats.t.sf(abs(abnormal.sum() / se), fit.df_resid), rel=1e-8
    )
    # 2020-07-01's own estimation window holds no other event: untouched
    first = outcome.to_frame().query("event_id == '2020-07-01'").iloc[0]
    assert first["n_estimation"] == 240
    # reported: a typed note and one diagnostic naming both events and the sessions
    (note,) = outcome.notes_of("estimation")
    assert "estimation window of 2020-08-24 contains the event window(s) of 2020-07-01" in note
    assert "left out of its estimation sample" in note
    (record,) = [d for d in outcome.diagnostics if d.status == "estimation cleaned"]
    assert record.event_id == "2020-08-24"
    assert "2020-07-01 (t0 2020-07-01): 11 session(s), 2020-06-22 to 2020-07-08" in record.reason
    assert "estimation samples leave out other events' windows" in outcome.method
    # abnormal volume uses the same cleaned estimation sample
    volume = outcome.volume.cumulative.query("event_id == '2020-08-24'")
    assert set(volume["n_estimation"]) <= {229}


def test_keeping_contaminated_estimation_is_an_option_and_still_reported(demo_store):
    request = StudyRequest(
        dates=("2020-07-01", "2020-08-24"), instruments=("399006.SZ",), clean_estimation=False
    )
    outcome = run_study(request, StoreSource(demo_store))
    row = outcome.to_frame().query("event_id == '2020-08-24'").iloc[0]
    assert row["n_estimation"] == 240
    (note,) = outcome.notes_of("estimation")
    assert "kept in its estimation sample (cleaning is off)" in note
    assert [d.status for d in outcome.diagnostics if "estimation" in d.status] == [
        "estimation contaminated"
    ]
    assert outcome.parameters["request"]["clean_estimation"] is False
    with pytest.raises(StudyInputError, match="clean_estimation must be True or False"):
        StudyRequest(dates=("2020-08-24",), clean_estimation="yes")


def test_placebo_observed_car_is_the_studys_cleaned_car(demo_store):
    """The placebo computes the observed CAR and every pseudo-event CAR with the same cleaned
    estimation samples as the study: its observed CAR is the study's."""
    outcome = run_study(
        StudyRequest(measures=(CHINEXT,), instruments=("399006.SZ",), placebo_draws=30),
        StoreSource(demo_store),
    )
    assert outcome.resolved.estimation_exclusions[CHINEXT]  # the catalogue has measures there
    car = outcome.to_frame().query("window_start == -5 and window_end == 5")["car"].iloc[0]
    observed = outcome.placebo.summary.query("instrument == '399006.SZ'")["observed_car"]
    assert observed.iloc[0] == pytest.approx(car, rel=1e-9)


def test_a_placebo_draw_is_fitted_without_known_event_windows(demo_store):
    """One pseudo-event's CAR against statsmodels OLS on its estimation window without the
    sessions of any known event's window (what the study does for the real event)."""
    outcome = run_study(
        StudyRequest(measures=(CHINEXT,), instruments=("399006.SZ",), placebo_draws=30),
        StoreSource(demo_store),
    )
    blocked = pd.DatetimeIndex(outcome.resolved.known_window_sessions)
    sessions = outcome.resolved.sessions
    bars = demo_store.read(["399006.SZ", "000300.SH"])
    returns = (
        bars.pivot(index="date", columns="symbol", values="close").reindex(sessions).pct_change()
    )
    draws = outcome.placebo.draws.query("instrument == '399006.SZ'")
    checked = 0
    for draw in draws.itertuples():
        t0 = sessions.get_loc(draw.event_session)
        est = returns.iloc[t0 - 250 : t0 - 10]
        est = est[~est.index.isin(blocked)].dropna()
        if est.index.isin(blocked).any() or len(est) == 240:
            continue  # look for draws whose estimation window did contain an event window
        fit = sm.OLS(est["399006.SZ"], sm.add_constant(est["000300.SH"])).fit()
        win = returns.iloc[t0 - 5 : t0 + 6].dropna()
        expected = (
            win["399006.SZ"] - fit.params["const"] - fit.params["000300.SH"] * win["000300.SH"]
        ).sum()
        assert draw.car == pytest.approx(expected, rel=1e-9, abs=1e-13)
        checked += 1
    assert checked >= 5


def test_a_pair_cleaned_below_the_minimum_is_skipped_saying_why(demo_store):
    request = StudyRequest(
        dates=("2020-07-01", "2020-08-24"), instruments=("399006.SZ",), min_estimation=230
    )
    outcome = run_study(request, StoreSource(demo_store))
    (skipped,) = [d for d in outcome.diagnostics if d.status == "skipped"]
    assert skipped.event_id == "2020-08-24"
    assert "only 229 valid estimation returns" in skipped.reason
    assert "after leaving out 11 session(s) of other events' windows" in skipped.reason
    kept = run_study(dataclasses.replace(request, clean_estimation=False), StoreSource(demo_store))
    assert not [d for d in kept.diagnostics if d.status == "skipped"]


#: A theme-wide (T5-like) study: four measures of different segments. Each measure's own
#: instruments, read off segments.yaml by hand (none of them overrides these segments):
#: STAR 000688.SH, BRK 399975.SZ, CHN 399006.SZ, BNK 399986.SZ, INS 399809.SZ, AMC none.
THEME_MEASURES = {
    CHINEXT: {"399006.SZ"},  # CHN
    "personal-pension-measures-2022": {"399986.SZ", "399809.SZ"},  # AMC, BNK, INS
    "star-eight-measures-2024": {"000688.SH"},  # STAR
    "public-fund-action-plan-2025": {"399975.SZ", "399986.SZ"},  # AMC, BRK, BNK
}
THEME_INSTRUMENTS = (
    "399006.SZ",
    "000688.SH",
    "399975.SZ",
    "399986.SZ",
    "399809.SZ",
    "000852.SH",  # CSI 1000: in none of these measures' segments
)


def _pairs_of(frame: pd.DataFrame) -> set[tuple[str, str]]:
    return set(zip(frame["event_id"], frame["instrument"], strict=True))


def test_segments_pairing_studies_each_measure_on_its_own_segments_instruments(demo_store):
    expected = {(m, s) for m, symbols in THEME_MEASURES.items() for s in symbols}
    segments = run_study(
        StudyRequest(
            measures=tuple(THEME_MEASURES),
            instruments=THEME_INSTRUMENTS,
            pairing="segments",
            responses=True,
        ),
        StoreSource(demo_store),
    )
    everything = run_study(
        StudyRequest(measures=tuple(THEME_MEASURES), instruments=THEME_INSTRUMENTS),
        StoreSource(demo_store),
    )
    assert StudyRequest(measures=(CHINEXT,)).pairing == "all"
    assert _pairs_of(segments.car_summary) == expected
    assert _pairs_of(segments.abnormal_returns) == expected
    assert _pairs_of(segments.volume.daily) == expected  # abnormal volume: the same pairs
    # today's behaviour, kept as "all": every instrument with data around every measure
    assert _pairs_of(everything.car_summary) > expected | {(CHINEXT, "399986.SZ")}
    assert ("chinext-first-listings-2020", "399986.SZ") not in _pairs_of(segments.car_summary)
    # the cross-sectional tests count only a measure's own instruments
    tests = segments.tests
    per_event = tests[tests["rel_day"].isna() & (tests["statistic"] == "patell_z")]
    counts = per_event.drop_duplicates("event_id").set_index("event_id")["n"]
    for measure, symbols in THEME_MEASURES.items():
        assert counts[measure] == len(symbols), measure
    # pairing changes which pairs are studied, never a pair's numbers
    key = ["event_id", "instrument", "window_start", "window_end"]
    merged = segments.car_summary.merge(everything.car_summary, on=key, suffixes=("", "_all"))
    assert len(merged) == len(segments.car_summary)
    np.testing.assert_allclose(merged["car"], merged["car_all"], rtol=1e-12)
    np.testing.assert_allclose(merged["car_se"], merged["car_se_all"], rtol=1e-12)
    # CSI 1000 is in none of the segments: not studied, and said so
    assert "000852.SH" not in segments.instruments
    texts = " ".join(note.text for note in segments.notes)
    assert "000852.SH belong(s) to no chosen measure's segments" in texts
    # parameters.json, the method line and the summary say which pairing
    parameters = json.loads(segments.parameters_json())["parameters"]
    assert parameters["request"]["pairing"] == "segments"
    assert {m: set(s) for m, s in parameters["pairs"].items()} == THEME_MEASURES
    assert "each measure paired with its own segments' instruments" in segments.method
    assert "pairing: segments" in segments.summary()
    assert "pairing: all" in everything.summary()


def test_segments_pairing_without_named_instruments_draws_each_measures_own_from_the_store(
    demo_store,
):
    outcome = run_study(
        StudyRequest(measures=tuple(THEME_MEASURES), pairing="segments"), StoreSource(demo_store)
    )
    expected = {(m, s) for m, symbols in THEME_MEASURES.items() for s in symbols}
    assert set(outcome.resolved.pairs) == set(THEME_MEASURES)
    assert {(m, s) for m, symbols in outcome.resolved.pairs.items() for s in symbols} == expected
    assert set(outcome.instruments) == {s for symbols in THEME_MEASURES.values() for s in symbols}
    with pytest.raises(StudyInputError, match="pairing must be one of all, segments"):
        StudyRequest(measures=(CHINEXT,), pairing="every")
    with pytest.raises(StudyInputError, match="no instrument named belongs to the segments"):
        resolve(
            StudyRequest(measures=(CHINEXT,), instruments=("000852.SH",), pairing="segments"),
            StoreSource(demo_store),
        )


def test_cli_pairing_flag_gives_the_api_bytes(demo_store, tmp_path, capsys):
    measures = [CHINEXT, "star-eight-measures-2024"]
    instruments = ["399006.SZ", "000688.SH"]
    request = StudyRequest(
        measures=tuple(measures), instruments=tuple(instruments), pairing="segments"
    )
    api_dir, cli_dir = tmp_path / "api", tmp_path / "cli"
    run_study(request, StoreSource(demo_store)).write(api_dir)
    argv = ["study", "--pairing", "segments", "--out", str(cli_dir)]
    argv += [x for m in measures for x in ("--measure", m)]
    argv += [x for s in instruments for x in ("--instrument", s)]
    assert cli.main(argv) == 0, capsys.readouterr().err
    for name in sorted(p.name for p in api_dir.iterdir()):
        assert (api_dir / name).read_bytes() == (cli_dir / name).read_bytes(), name
    car = pd.read_csv(cli_dir / "car_summary.csv", encoding="utf-8-sig")
    assert _pairs_of(car) == {(CHINEXT, "399006.SZ"), ("star-eight-measures-2024", "000688.SH")}
    assert (
        json.loads((cli_dir / "parameters.json").read_text("utf-8"))["parameters"]["request"][
            "pairing"
        ]
        == "segments"
    )
    assert cli.main([*argv, "--pairing", "theme"]) == 2
    assert "invalid choice: 'theme'" in capsys.readouterr().err


def test_segments_pairing_of_a_merged_event_takes_its_asked_members_instruments(demo_store):
    # the merge pulls in a catalogue measure the request did not name (futures law, FUT):
    # the cluster is studied on the instruments of the two pension measures asked for
    request = StudyRequest(
        measures=("personal-pension-opinions-2022", "public-fund-opinions-2022", CHINEXT),
        pairing="segments",
        overlap="merge",
    )
    outcome = run_study(request, StoreSource(demo_store))
    merged = next(e.event_id for e in outcome.events if "+" in e.event_id)
    # BRK, BNK, INS of the first; AMC (no instrument) and BRK of the second
    assert set(outcome.resolved.pairs[merged]) == {"399975.SZ", "399986.SZ", "399809.SZ"}
    assert _pairs_of(outcome.car_summary) == {(CHINEXT, "399006.SZ")} | {
        (merged, s) for s in ("399975.SZ", "399986.SZ", "399809.SZ")
    }
