"""How a study is framed (issue 13, H2): an uncertain t0 (release time unknown) leads with a
window covering both candidate sessions; expected signs are checked against the CAR; segment
overrides choose the instruments; events before a segment's data say so."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import framing
from analysis.api import StoreSource, StudyRequest, default_instruments, resolve, run_study
from data_sources.bootstrap import seed_demo_if_empty
from data_sources.catalogue import load_catalogue
from data_sources.store import Store

CHINEXT = "chinext-first-listings-2020"  # announced Monday 2020-08-24, a session


@pytest.fixture
def store_source(data_dir) -> StoreSource:
    store = Store(data_dir / "store")
    seed_demo_if_empty(store)
    return StoreSource(store)


def _measure(measure_id: str, **changes) -> pd.DataFrame:
    """A one-row catalogue: the ChiNext listings measure under another id, with issue 13's
    columns as SPEC13 defines them (tuples, so the frame stays hashable)."""
    row = load_catalogue().query("id == @CHINEXT").copy()
    row["id"] = measure_id
    defaults = {
        "expected_sign": (),
        "segment_overrides": (),
        "timing_confidence": "stated",
        "date_confidence": "verified",
        "external": False,
    }
    for name, value in {**defaults, **changes}.items():
        row[name] = [value]
    return row.reset_index(drop=True)


def _catalogue(*rows: pd.DataFrame) -> pd.DataFrame:
    return pd.concat(rows, ignore_index=True)


def _unknown_and_after_close():
    day, next_day = pd.Timestamp("2020-08-24"), pd.Timestamp("2020-08-25")
    unknown = _measure("release-time-unknown", timing="unknown", event_session=day)
    after = _measure("release-after-close", timing="after_close", event_session=next_day)
    return unknown, after


def test_unknown_timing_leads_with_car_0_1_and_says_so_after_close_does_not(store_source):
    unknown, after = _unknown_and_after_close()
    catalogue = _catalogue(unknown, after)
    request = {"instruments": ("399006.SZ",), "benchmark": "000300.SH"}
    uncertain = run_study(
        StudyRequest(measures=("release-time-unknown",), **request), store_source, catalogue
    )
    known = run_study(
        StudyRequest(measures=("release-after-close",), **request), store_source, catalogue
    )
    assert uncertain.headline_window == (0, 1)
    assert known.headline_window == (-5, 5)
    (note,) = uncertain.notes_of("timing")
    assert "release-time-unknown" in note
    assert "2020-08-24 (t0)" in note and "2020-08-25 (t0+1)" in note
    assert known.notes_of("timing") == []
    # the headline CAR is the sum of the two candidate days' abnormal returns
    ars = uncertain.abnormal_returns.set_index("rel_day")["abnormal_return"]
    headline = uncertain.sign_table()
    assert headline["car"].iloc[0] == pytest.approx(ars.loc[0] + ars.loc[1], rel=1e-12)
    text = uncertain.summary()
    assert "CAR [0, 1] (t0 uncertain: covers t0 and t0+1)" in text
    assert f"{headline['car'].iloc[0]:>10.4f}" in text
    assert (
        "t0 uncertain (release time unknown) for release-time-unknown"
        in (uncertain.metadata["method"])
    )
    assert b"t0 uncertain" in uncertain.csv_bytes("car_summary")
    assert "t0 uncertain" not in known.summary() and "t0 uncertain" not in known.method


def test_a_requested_window_without_t0_plus_1_is_widened_for_an_unknown_timing(store_source):
    unknown, after = _unknown_and_after_close()
    catalogue = _catalogue(unknown, after)
    base = {"instruments": ("399006.SZ",), "event_window": (0, 0)}
    widened = resolve(
        StudyRequest(measures=("release-time-unknown",), **base), store_source, catalogue
    )
    assert widened.spec.event_window == (0, 1)
    assert any("widened from [0, 0] to [0, 1]" in n.text for n in widened.notes)
    kept = resolve(StudyRequest(measures=("release-after-close",), **base), store_source, catalogue)
    assert kept.spec.event_window == (0, 0) and kept.headline_window == (0, 0)


def test_t0_is_uncertain_only_when_the_announcement_day_is_a_session():
    saturday = {"timing": "unknown", "announcement_date": pd.Timestamp("2020-08-22")}
    assert not framing.t0_uncertain({**saturday, "event_session": pd.Timestamp("2020-08-24")})
    monday = {"timing": "unknown", "announcement_date": pd.Timestamp("2020-08-24")}
    assert framing.t0_uncertain({**monday, "event_session": pd.Timestamp("2020-08-24")})
    intraday = {**monday, "timing": "intraday", "event_session": pd.Timestamp("2020-08-24")}
    assert not framing.t0_uncertain(intraday)
    assert framing.widened_window((-1, 0)) == (-1, 1)
    assert framing.widened_window((2, 5)) == (0, 5)
    assert framing.widened_window((-5, 5)) == (-5, 5)


@pytest.mark.parametrize(
    ("sign", "when_up", "when_down"),
    [("+", "as expected", "opposite"), ("-", "opposite", "as expected")],
)
def test_sign_response_compares_the_car_sign_with_the_expected_one(sign, when_up, when_down):
    assert framing.sign_response(0.01, sign) == when_up
    assert framing.sign_response(-0.01, sign) == when_down
    assert framing.sign_response(0.01, "ambiguous") == "ambiguous"
    assert framing.sign_response(np.nan, sign) == ""
    assert framing.sign_response(0.01, "") == ""


def test_the_study_shows_whether_each_car_had_its_expected_sign(store_source):
    reason = "ChiNext registration widens the board's supply of new shares"
    rows = [
        _measure("expects-up", expected_sign=(("CHN", "+", reason),)),
        _measure("expects-down", expected_sign=(("CHN", "-", "supply pressure"),)),
        _measure("expects-either", expected_sign=(("CHN", "ambiguous", "cuts both ways"),)),
    ]
    catalogue = _catalogue(*rows)
    outcomes = {
        row["id"].iloc[0]: run_study(
            StudyRequest(measures=(row["id"].iloc[0],), instruments=("399006.SZ", "000300.SH")),
            store_source,
            catalogue,
        )
        for row in rows
    }
    up = outcomes["expects-up"].sign_table().set_index("instrument")
    car = up.at["399006.SZ", "car"]
    assert up.at["399006.SZ", "segment"] == "CHN"
    assert up.at["399006.SZ", "expected_sign"] == "+"
    assert up.at["399006.SZ", "response"] == ("as expected" if car > 0 else "opposite")
    # CSI 300 stands for no segment of this measure: no expectation, said as none
    assert up.at["000300.SH", "expected_sign"] == "" and up.at["000300.SH", "response"] == ""
    down = outcomes["expects-down"].sign_table().set_index("instrument")
    assert down.at["399006.SZ", "response"] == ("opposite" if car > 0 else "as expected")
    either = outcomes["expects-either"].sign_table().set_index("instrument")
    assert either.at["399006.SZ", "response"] == "ambiguous"
    text = outcomes["expects-up"].summary()
    assert f"expects-up in CHN: {reason}" in text
    line = next(line for line in text.splitlines() if line.startswith("399006.SZ"))
    assert line.endswith("+         " + ("as expected" if car > 0 else "opposite"))


def test_segment_overrides_choose_the_default_instruments(store_source):
    plain = _measure("futures-plain", segments=("FUT",))
    overridden = _measure(
        "futures-csi1000",
        segments=("FUT",),
        segment_overrides=(("FUT", ("000852.SH",), framing.MISSING),),
    )
    catalogue = _catalogue(plain, overridden)
    stored = store_source.symbols()
    assert default_instruments(["FUT"], stored, measures=plain) == ["000300.SH", "000852.SH"]
    assert default_instruments(["FUT"], stored, measures=overridden) == ["000852.SH"]
    resolved = resolve(StudyRequest(measures=("futures-csi1000",)), store_source, catalogue)
    assert resolved.instruments == ("000852.SH",) and resolved.benchmark == "000300.SH"


def test_an_override_to_the_market_wide_rule_uses_the_constant_mean(store_source):
    market_wide = _measure(
        "futures-market-wide",
        segments=("FUT",),
        segment_overrides=(("FUT", ("000852.SH",), None),),
    )
    resolved = resolve(StudyRequest(measures=("futures-market-wide",)), store_source, market_wide)
    assert resolved.constant_mean_for == ("000852.SH",)


def test_an_event_before_a_segments_data_says_so(store_source):
    early = _measure("reit-before-listing", segments=("REIT",))
    outcome = run_study(StudyRequest(measures=("reit-before-listing",)), store_source, early)
    notes = outcome.notes_of("data")
    first = store_source.coverage().set_index("symbol").at["508000.SH", "first_date"]
    assert pd.Timestamp(first) == pd.Timestamp("2021-06-21")
    assert any(
        "reit-before-listing (t0 2020-08-24) comes before the data of segment REIT" in n
        and "508000.SH starts 2021-06-21" in n
        for n in notes
    )


# -- the Themes cells ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def theme_bars():
    from data_sources.base import BarQuery
    from data_sources.demo import DemoSource

    symbols = ["000300.SH", "000852.SH", "399006.SZ", "508000.SH"]
    return pd.concat([DemoSource().fetch(BarQuery(s)).bars for s in symbols], ignore_index=True)


def test_themes_cells_apply_overrides_uncertain_t0_expected_signs_and_data_starts(theme_bars):
    from analysis.api import BarsSource
    from analysis.themes import theme_segment_study
    from data_sources.instruments import segment_table

    unknown, after = _unknown_and_after_close()
    unknown["expected_sign"] = [(("CHN", "+", "more listings draw money to the board"),)]
    after["expected_sign"] = [(("CHN", "-", "supply of new shares"),)]
    futures = _measure(
        "futures-csi1000",
        segments=("FUT",),
        segment_overrides=(("FUT", ("000852.SH",), framing.MISSING),),
        event_session=pd.Timestamp("2020-09-01"),
    )
    early_reit = _measure("reit-before-listing", segments=("REIT",))
    catalogue = _catalogue(unknown, after, futures, early_reit)
    result = theme_segment_study(BarsSource(theme_bars), catalogue, segment_table(), (0, 0))
    pairs = result.pairs.drop_duplicates(["segment", "event_id", "instrument"]).set_index(
        ["segment", "event_id", "instrument"]
    )
    # override: the CSI 1000 futures measure is studied on CSI 1000 only, not on CSI 300
    assert set(result.pairs.query("segment == 'FUT'")["instrument"]) == {"000852.SH"}
    # uncertain t0: its CAR covers t0 and t0+1, the other keeps the chosen window
    uncertain = pairs.loc[("CHN", "release-time-unknown", "399006.SZ")]
    known = pairs.loc[("CHN", "release-after-close", "399006.SZ")]
    assert uncertain["car_window"] == "[0, 1]" and bool(uncertain["t0_uncertain"])
    assert known["car_window"] == "[0, 0]" and not bool(known["t0_uncertain"])
    # expected signs, pair by pair and counted in the cell
    for pair, sign in ((uncertain, "+"), (known, "-")):
        assert pair["expected_sign"] == sign
        assert pair["response"] == framing.sign_response(pair["car"], sign)
    theme = unknown["theme"].iloc[0]
    cell = result.cells.set_index(["theme", "segment"]).loc[(theme, "CHN")]
    hits = sum(
        framing.sign_response(p["car"], p["expected_sign"]) == "as expected"
        for p in (uncertain, known)
    )
    assert (cell["n_signed"], cell["n_as_expected"], cell["n_ambiguous"]) == (2, hits, 0)
    assert cell["n_t0_uncertain"] == 1
    # an event before the REIT data is named with the first date, not left out silently
    reasons = result.skipped.set_index("pair")["reason"]
    assert "508000.SH starts 2021-06-21" in reasons["reit-before-listing"]
    assert "REIT" not in set(result.pairs["segment"])


# -- the pages' pure pieces ----------------------------------------------------------------------

TIERS = {
    "https://www.csrc.gov.cn/csrc/c100028/content.shtml": "A",
    "https://repost.example/copy.html": "D",
    "https://spam.example/page.html": "E",
}


@pytest.fixture
def tiers(monkeypatch):
    """Tiers by address, as policy-events.md §7 would give them (hosts here are made up, and
    the tier-E one is not a real tier-E host)."""
    from pages import sources

    monkeypatch.setattr(sources, "link_tier", lambda url: TIERS.get(url))


def _page_row(**values) -> pd.Series:
    row = {
        "id": "m1",
        "title_en": "A measure",
        "title_zh": "一项措施",
        "announcement_date": pd.Timestamp("2020-08-24"),
        "event_session": pd.Timestamp("2020-08-24"),
        "timing": "unknown",
        "theme": "T4",
        "secondary_themes": (),
        "segments": ("CHN",),
        "confidence": "verified",
        "origin": "shipped",
        "citation": "国务院《关于加强监管防范风险推动资本市场高质量发展的若干意见》"
        "国发〔2024〕10号，2024-04-12",
        "citation_en": "State Council, Several Opinions (Guo Fa [2024] No. 10), 2024-04-12",
        "source_url": "",
        "evidence_url": "",
        "timing_confidence": "unknown",
        "date_confidence": "verified",
        "external": False,
    }
    return pd.Series({**row, **values})


def test_source_lines_link_only_tiers_a_to_c_and_never_show_tier_e(tiers):
    from pages.sources import source_lines

    official = source_lines(
        _page_row(
            source_url="https://www.csrc.gov.cn/csrc/c100028/content.shtml",
            evidence_url="https://repost.example/copy.html",
        )
    )
    assert official[0].startswith("Source: State Council, Several Opinions")
    assert official[1].startswith("Document or report (tier A): [")
    assert "](https://www.csrc.gov.cn/csrc/c100028/content.shtml)" in official[1]
    assert official[2].startswith("Repost (not linked): ")
    assert "](" not in official[2] and "repost" in official[2]
    # an address in no tier (a user's) is plain text; a tier-E one is not shown at all
    unclassified = source_lines(_page_row(source_url="https://unknown.example/x"))
    assert unclassified[1].startswith("Unclassified address (not linked): ")
    assert "](" not in unclassified[1]
    hidden = source_lines(
        _page_row(
            source_url="https://spam.example/page.html",
            evidence_url="https://spam.example/page.html",
        )
    )
    assert len(hidden) == 1 and "spam" not in " ".join(hidden)


def test_source_tiers_come_from_the_tier_file_with_digests(monkeypatch):
    import hashlib

    from data_sources import catalogue as cat
    from pages import sources

    digest = hashlib.sha256(b"spam.example").hexdigest()
    monkeypatch.setattr(
        cat,
        "_tier_file",
        lambda: ({"csrc.gov.cn": "A", "repost.example": "D"}, frozenset({digest})),
    )
    assert sources.link_tier("https://www.csrc.gov.cn/a.html") == "A"
    assert sources.link_tier("https://m.repost.example/b") == "D"
    assert sources.link_tier("https://sub.spam.example/c") == "E"
    assert sources.link_tier("https://other.example/") is None


def test_policies_table_flags_uncertain_t0_external_and_data_start_and_links_only_a_to_c(tiers):
    from pages.policies import TABLE_COLUMNS, Overlaps, measure_table

    measures = pd.DataFrame(
        [
            _page_row(
                id="unknown-timing",
                source_url="https://www.csrc.gov.cn/csrc/c100028/content.shtml",
                evidence_url="https://repost.example/copy.html",
            ),
            _page_row(
                id="hfcaa",
                timing="after_close",
                event_session=pd.Timestamp("2020-08-25"),
                external=True,
                segments=("REIT",),
                source_url="https://repost.example/copy.html",
            ),
        ]
    )
    table = measure_table(
        measures, Overlaps({}, {}), {"508000.SH": pd.Timestamp("2021-06-21")}
    ).set_index("id", drop=False)
    assert list(table.columns) == TABLE_COLUMNS
    assert table.at["unknown-timing", "flags"] == "t0 uncertain: day or next session"
    assert table.at["hfcaa", "flags"].split("; ") == [
        "external shock",
        "no REIT data before 2021-06-21",
    ]
    assert table.at["unknown-timing", "source_url"] == (
        "https://www.csrc.gov.cn/csrc/c100028/content.shtml"
    )
    assert table.at["hfcaa", "source_url"] == ""  # a tier-D address is never a link
    assert table.at["unknown-timing", "evidence_url"] == "https://repost.example/copy.html"
    assert table.at["unknown-timing", "citation"].startswith("State Council")
    assert table.at["unknown-timing", "timing_confidence"] == "unknown"
    assert table.at["hfcaa", "timing"] == "after the close"


def test_policies_segment_lines_show_the_override_and_the_expected_sign():
    from data_sources import catalogue
    from pages.policies import segment_lines

    segments = catalogue.segments().set_index("id")
    row = _page_row(
        segments=("FUT",),
        segment_overrides=(("FUT", ("000852.SH",), framing.MISSING),),
        expected_sign=(("FUT", "+", "hedging tools draw money to small caps"),),
    )
    (line,) = segment_lines(row, segments)
    assert line.startswith("- **FUT ") and "**: 000852.SH CSI 1000; benchmark 000300.SH" in line
    assert "000300.SH CSI 300;" not in line
    assert "(this measure's own instruments or benchmark)" in line
    assert line.endswith("expected sign: \\+ (hedging tools draw money to small caps)")


def test_car_table_shows_the_expected_sign_and_the_headline_window_leads():
    from pages import study_view

    summary = pd.DataFrame(
        {
            "event_id": ["a", "a"],
            "instrument": ["X", "Y"],
            "event_session": pd.Timestamp("2020-08-24"),
            "model": "market",
            "window_start": 0,
            "window_end": 1,
            "car": [0.02, -0.01],
            "car_se": 0.01,
            "t_stat": [2.0, -1.0],
            "p_value": [0.05, 0.3],
            "n_estimation": 240,
            "alpha": 0.0,
            "beta": 1.0,
            "sigma": 0.01,
            "n_event_days": 2,
        }
    )
    signs = pd.DataFrame(
        {
            "event_id": ["a", "a"],
            "instrument": ["X", "Y"],
            "segment": ["CHN", "CHN"],
            "expected_sign": ["+", "+"],
            "sign_reason": ["more listings", "more listings"],
            "response": ["as expected", "opposite"],
        }
    )
    table = study_view.car_table(summary, (0, 1), {"a": "Measure A"}, signs=signs)
    assert table["expected_sign"].tolist() == ["+", "+"]
    assert table["response"].tolist() == ["as expected", "opposite"]
    assert study_view.sign_reasons(signs, {"a": "Measure A"}) == [
        "Measure A · CHN (+): more listings"
    ]

    class Outcome:  # what car_windows reads of a StudyOutcome
        headline_window = (0, 1)

        class spec:
            windows = ((-5, 5), (0, 0), (0, 1), (-1, 1))

    assert study_view.car_windows(Outcome()) == [(0, 1), (-5, 5), (0, 0), (-1, 1)]


def test_theme_cell_lines_count_expected_signs_and_name_uncertain_t0s():
    from pages.themes_view import cell_framing

    pairs = pd.DataFrame(
        {
            "event_id": ["a", "b", "c"],
            "expected_sign": ["+", "-", "ambiguous"],
            "sign_reason": ["why a", "why b", ""],
            "t0_uncertain": [True, False, False],
        }
    )
    cell = pd.Series({"n_signed": 2, "n_as_expected": 1, "n_ambiguous": 1, "n_t0_uncertain": 1})
    lines = cell_framing(cell, pairs)
    assert lines[0] == "Expected sign: 1 of 2 measures as expected (1 ambiguous: no sign expected)"
    assert lines[1:3] == ["a (\\+): why a", "b (\\-): why b"]
    assert lines[3] == "t0 uncertain (release time unknown) for a: their CAR covers t0 and t0+1."


def test_expected_sign_words_follow_the_language(monkeypatch):
    """In 中文 an ambiguous sign read "(ambiguous)" in the Themes cell, the study's reasons
    and its CAR table; "+" and "-" stay symbols."""
    import pages.i18n
    from pages import study_view
    from pages.themes_view import cell_framing

    monkeypatch.setattr(pages.i18n, "language", lambda: "zh")
    pairs = pd.DataFrame(
        {
            "event_id": ["a", "b"],
            "instrument": ["X", "Y"],
            "segment": ["ALL", "CHN"],
            "expected_sign": ["ambiguous", "+"],
            "sign_reason": ["both ways", "more listings"],
            "response": ["ambiguous", "as expected"],
            "t0_uncertain": [False, False],
        }
    )
    cell = pd.Series({"n_signed": 1, "n_as_expected": 1, "n_ambiguous": 1})
    assert cell_framing(cell, pairs)[1:] == ["a (不确定): both ways", "b (\\+): more listings"]
    assert study_view.sign_reasons(pairs, {"a": "A", "b": "B"}) == [
        "A · ALL (不确定): both ways",
        "B · CHN (+): more listings",
    ]
    summary = pd.DataFrame(
        {
            "event_id": ["a", "b"],
            "instrument": ["X", "Y"],
            "event_session": pd.Timestamp("2020-08-24"),
            "model": "market",
            "window_start": 0,
            "window_end": 1,
            "car": [0.01, 0.02],
            "car_se": 0.01,
            "t_stat": [1.0, 2.0],
            "p_value": [0.3, 0.05],
            "n_estimation": 240,
            "alpha": 0.0,
            "beta": 1.0,
            "sigma": 0.01,
            "n_event_days": 2,
        }
    )
    table = study_view.car_table(summary, (0, 1), {}, signs=pairs)
    assert table["expected_sign"].tolist() == ["不确定", "+"]


def test_expected_signs_are_exported_with_the_study_when_stated(store_source):
    import io

    stated = _measure("expects-up", expected_sign=(("CHN", "+", "more listings"),))
    catalogue = _catalogue(stated, _measure("states-none"))
    request = {"instruments": ("399006.SZ",)}
    outcome = run_study(StudyRequest(measures=("expects-up",), **request), store_source, catalogue)
    csv = pd.read_csv(io.BytesIO(outcome.csv_bytes("expected_signs")), encoding="utf-8-sig")
    row = csv.iloc[0]
    assert (row["window_start"], row["window_end"]) == outcome.headline_window
    # "+" would start a spreadsheet formula: the CSV convention writes it as text, "'+"
    assert (row["segment"], row["expected_sign"], row["sign_reason"]) == (
        "CHN",
        "'+",
        "more listings",
    )
    assert row["response"] == ("as expected" if row["car"] > 0 else "opposite")
    silent = run_study(StudyRequest(measures=("states-none",), **request), store_source, catalogue)
    assert "expected_signs" not in silent.frames()


def test_an_override_benchmark_is_used_when_the_request_keeps_the_default(store_source):
    own = _measure(
        "small-caps-own-benchmark",
        segments=("SMALL",),
        segment_overrides=(("SMALL", ("000852.SH",), "000905.SH"),),
    )
    resolved = resolve(StudyRequest(measures=("small-caps-own-benchmark",)), store_source, own)
    assert resolved.instruments == ("000852.SH",) and resolved.benchmark == "000905.SH"
    assert any("benchmark 000905.SH" in n.text for n in resolved.notes if n.kind == "instruments")
    # a benchmark or instruments named in the request are never replaced
    named = resolve(
        StudyRequest(measures=("small-caps-own-benchmark",), instruments=("000852.SH",)),
        store_source,
        own,
    )
    assert named.benchmark == "000300.SH"
