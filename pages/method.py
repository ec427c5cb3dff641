"""Method: formulas, references, data provenance, the data mode and the CSV columns."""

import pandas as pd
import streamlit as st

from analysis.glossary import COLUMN_GLOSSARY
from data_sources.data_mode import synthetic_symbols
from data_sources.store import COVERAGE_COLUMNS
from data_sources.trading_calendar import extension_end, library_end
from pages import formatting, layout, loaders
from pages.i18n import t


def provenance_table(coverage: pd.DataFrame) -> pd.DataFrame:
    """The store's coverage as the provenance table shows it: instruments by name."""
    demo = synthetic_symbols(coverage)  # marked by the coverage shown, not another store
    return coverage[COVERAGE_COLUMNS].assign(
        symbol=[formatting.label(symbol, demo) for symbol in coverage["symbol"]]
    )


def glossary_table() -> pd.DataFrame:
    """Every CSV column with its meaning in the current language (names stay English)."""
    return pd.DataFrame(COLUMN_GLOSSARY.items(), columns=["column", "meaning"]).assign(
        meaning=lambda frame: frame["meaning"].map(t)
    )


def render() -> None:
    layout.run_through_app()
    st.title(t("Method"))
    mode = loaders.current_mode()
    st.markdown(t("Current data mode: **{mode}**", mode=formatting.mode_label(mode)))
    render_event_study_method()
    render_multi_factor_models()
    render_overlapping_events()
    render_sources_and_timing()
    render_segments()
    render_references()
    render_prices_method()
    render_cross_section_method()
    render_long_horizon_method()
    render_provenance()
    render_forest_and_report()
    render_csv_columns()


def render_event_study_method() -> None:
    """Timing, the normal-return models, the tests, the placebo and the validation."""
    st.header(t("Event study"))
    st.markdown(
        t(
            "**Timing.** Relative days count Shanghai (XSHG) sessions from `exchange_calendars`. "
            "t0 is the first session at or after the moment the market could react: weekend, "
            "holiday and after-15:00 releases move to the next session. A missing close "
            "(suspension) makes that return missing; it never books a multi-day return on one "
            "day.\n\n"
            "**Normal returns**, fitted by OLS over the estimation window [T0+1, T1] (default "
            "[−250, −11], at least 120 valid returns):"
        )
    )
    st.markdown(
        t(
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
            "publishes the next year's holidays.",
            end=f"{library_end():%Y-%m-%d}",
            horizon=f"{extension_end():%Y}",
        )
    )
    st.caption(formatting.calendar_note() or t("No inferred sessions."))
    # the models' names in the formulas are words, in the reader's language
    st.latex(
        r"R_{it} = \alpha_i + \beta_i R_{mt} + \varepsilon_{it}\quad\text{("
        + t("market model")
        + ")}"
    )
    st.latex(
        r"R_{it} = \mu_i + \varepsilon_{it}\ \text{("
        + t("constant mean")
        + r")},\qquad AR_{it} = R_{it} - R_{mt}\ \text{("
        + t("market-adjusted")
        + ")}"
    )
    st.markdown(
        t("**Abnormal returns and their cumulation** over a window [τ1, τ2] of L sessions:")
    )
    st.latex(
        r"AR_{i\tau} = R_{i\tau} - \hat\alpha_i - \hat\beta_i R_{m\tau},\qquad "
        r"CAR_i(\tau_1,\tau_2) = \sum_{\tau=\tau_1}^{\tau_2} AR_{i\tau}"
    )
    st.latex(
        r"\widehat{\mathrm{Var}}(CAR_i) = \hat\sigma_i^2\left[L + \frac{L^2}{L_1} + "
        r"\frac{\left(\sum_{\tau}(R_{m\tau}-\hat\mu_m)\right)^2}"
        r"{\sum_{t}(R_{mt}-\hat\mu_m)^2}\right],"
        r"\qquad t = \frac{CAR_i}{\widehat{SE}(CAR_i)} \sim t_{L_1-k}"
    )
    st.markdown(
        t(
            "(Campbell, Lo & MacKinlay 1997, eq. 4.4.17–18; MacKinlay 1997.) A benchmark is never "
            "regressed on itself, and market-wide indices (segments without a benchmark) use the "
            "constant-mean model, so a measure that moves the whole market is not removed with "
            "it.\n\n"
            "**Aggregate tests** across events and instruments (the *tests* table): "
            "cross-sectional t; crude dependence adjustment (Brown & Warner 1980, 1985); Patell "
            "(1976) Z; Boehmer, Musumeci & Poulsen (1991) t; their Kolari & Pynnönen (2010) "
            "cross-correlation adjustments; J1/J2 (Campbell, Lo & MacKinlay 1997); Lamb; Corrado "
            "(1989) rank and the modified rank test; sign tests incl. Cowan's (1992) generalised "
            "sign; Wilcoxon signed rank. Optional Benjamini–Hochberg adjustment over many tests.\n"
            "\n**Placebo.** For one measure, 1,000 pseudo-event sessions drawn outside every "
            "catalogue event window give the CAR distribution under no event; p = share of "
            "|placebo CAR| ≥ |observed CAR|.\n\n"
            "**Abnormal volume** is the abnormal log volume under the constant-mean model; "
            "**abnormal volatility** the ratio of event-window squared ARs to the estimation "
            "residual variance.\n\n"
            "**Themes × segments.** Each measure is studied on the instruments of every segment "
            "it touches; a cell averages a measure's CARs over the segment's instruments first "
            "(they react to the same news on the same day), then tests the mean across measures "
            "with the cross-sectional t on N − 1 degrees of freedom. A single measure on a single "
            "instrument shows its own CAR t-test; a single measure on several instruments has no "
            "valid test without their covariance and shows none."
        )
    )
    st.markdown(
        t(
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
            "series has one."
        )
    )
    st.markdown(
        t(
            "**Degrees of freedom of the multi-factor and two-index models.** Their CAR t uses "
            "L1 − K, K the parameters of the normal-return fit: 1 + the number of factors, or 3 "
            "for the two-index model (the dof column of the CAR table)."
        )
    )
    st.markdown(
        t(
            "**Validation** (`tests/test_validation.py`): estudy2 0.10.0's COVID-19 example to 6 "
            "significant digits; the textbook values of the same example; the Python `eventstudy` "
            "package's AAPL table; statsmodels OLS on real ChiNext/CSI 300 data."
        )
    )


def render_overlapping_events() -> None:
    """Overlapping events: clusters, same-session merges, contaminated estimation windows
    (:mod:`analysis.overlaps`, one rule for the command line, the Event study and Themes)."""
    st.header(t("Overlapping events"))
    st.markdown(
        t(
            "Two events overlap when their event windows [t0 + a, t0 + b] share a session, i.e. "
            "their t0 are at most b − a sessions apart. One module (`analysis.overlaps`) decides "
            "for the command line, the Event study and the Themes page.\n\n"
            "**Clusters.** All events (the catalogue's studyable measures and the study's own "
            "dates) are taken in session order. A cluster starts at the first event not yet in "
            "one and takes every later event whose t0 lies inside that first event's window, "
            "i.e. at most b sessions after the cluster's first t0; the next event starts a new "
            "cluster. Clusters never chain: with the window [−5, +5], the July–August 2020 "
            "measures (2020-07-13 … 2020-08-24, 30 sessions) form four clusters instead of one "
            "event, while 2024-09-24 and 2024-09-26 form one. A cluster does not depend on which "
            "measures a study chose. Events of neighbouring clusters can still overlap; the "
            "notes name them.\n\n"
            "**Overlap rule** of a study: *warn* studies each event and names its cluster; "
            "*merge* studies each cluster as one event at its first session (ids joined with "
            "“+”), so every member's t0 is inside the merged window; *drop* leaves out every "
            "chosen event whose window overlaps another's.\n\n"
            "**One session, one event.** Dates that map to the same session (a weekend and the "
            "Monday, 2024-02-10 and 2024-02-18 → 2024-02-19) are one observation: under *warn* "
            "and *merge* they are studied as one event (ids joined with “+”) with a note; under "
            "*drop* both are dropped, and a study left with no event is refused with a message "
            "naming them. Counting one session twice would double N with identical values.\n\n"
            "**Themes.** Each segment is studied with *merge*: a cell averages and tests one "
            "observation per cluster (the mean over the segment's instruments of the cluster's "
            "CAR), and says how many clusters and measures it pools; 2024-09-24 and 2024-09-26 "
            "are one observation, not two.\n\n"
            "**Contaminated estimation windows.** When another catalogue measure's event window "
            "(or another event of the study) falls inside an event's estimation window, the "
            "normal-return model would learn that measure's reaction as normal. The study names "
            "both measures and the sessions (notes and diagnostics) and, by default, leaves those "
            "sessions out of that event's estimation sample only: the model is fitted on the "
            "remaining sessions, and L1 — hence σ̂², the CAR variance and the t-test's degrees of "
            "freedom — counts them. The placebo leaves those measures' event windows out of its "
            "pseudo-events' estimation samples the same way, and abnormal volume uses the same "
            "cleaned samples. Switch it off with the Event study checkbox or "
            "`--keep-contaminated-estimation`."
        )
    )
    st.markdown(
        t(
            "Only measures that can move the same prices contaminate an estimation window: "
            "those that share a market segment with the event, and those that touch the whole "
            "market (all A-shares or the main boards). A REIT-only measure is not left out of a "
            "bank index's estimation window; a market-wide one is left out of every window. "
            "Counting every measure would push many measures of busy years (2020, 2024) below "
            "the minimum estimation sample. The placebo leaves out the "
            "windows of the same measures (those related to a studied event)."
        )
    )


def render_sources_and_timing() -> None:
    """Source tiers, release timing and t0 (issue 13)."""
    st.header(t("Sources and timing"))
    st.markdown(
        t(
            "**Citations.** Each measure cites the document itself: issuing body, title (Chinese "
            "and English), document number where one is confirmed (e.g. 国发〔2024〕10号) and "
            "publication date. Addresses are sorted into five tiers "
            "(`policy-events.md` §7):\n\n"
            "- **A** official: the issuer or an exchange (csrc.gov.cn, gov.cn, sse.com.cn, "
            "szse.cn, …): linked.\n"
            "- **B** state or major media with editors: linked.\n"
            "- **C** professional: law firms, legal databases, trade press, exchange-news "
            "wires: linked.\n"
            "- **D** reposts on sites that copy news: kept as evidence, shown as plain text "
            "labelled *repost*, never linked.\n"
            "- **E** hijacked or spam domains: never shown, linked, exported or accepted; the "
            "project keeps only SHA-256 digests of their host names.\n\n"
            "An address you enter that is in no tier is kept but shown as plain text "
            "(*unclassified*), never as a link."
        )
    )
    st.markdown(
        t(
            "**Release timing and t0.** Each measure records when in the day it was released "
            "(before the open, intraday, after the 15:00 close, on a non-trading day, or "
            "unknown) and how we know it: *stated* (a source gives the hour or day-part, or the "
            "day is not a session), *inferred* (from the next session's reaction only) or "
            "*unknown*. t0 is the first session that could react: after-close and non-trading-"
            "day releases move to the next session; before-open, intraday and unknown releases "
            "keep the day itself when it is a session. The announcement date has its own "
            "confidence: verified, approximate or unverified.\n\n"
            "**Unknown timing.** A measure released on a session day at an unknown time has two "
            "candidate t0s: that day, or the next session after an evening release. The "
            "catalogue table flags it (*t0 uncertain: day or next session*); a study of it says "
            "so next to the result and leads with CAR [0, +1], which covers both days (a "
            "requested event window that does not reach +1 is widened, with a note); the Themes "
            "cells measure it over the chosen window widened to cover t0 and t0+1. Where no "
            "source states the time, the catalogue marks it unknown rather than guess."
        )
    )
    st.markdown(
        t(
            "**Expected signs.** Each shipped measure states, per segment, the sign its response "
            "was expected to have (+, − or ambiguous) with a one-line reason. The study's CAR "
            "table and summary, and each Themes cell, say whether the CAR had that sign "
            "(*as expected* or *opposite*; *ambiguous* when theory cuts both ways). A sign "
            "says nothing about significance: read it with the p-value."
        )
    )


def render_segments() -> None:
    """How segments are measured: overrides, benchmarks, data start (issue 13)."""
    st.header(t("Segments"))
    st.markdown(
        t(
            "**Instruments and benchmarks.** Each segment stands for its market through listed "
            "indices or funds (`segments.yaml`) and is measured against CSI 300 with the market "
            "model; market-wide segments (all A-shares, main boards, bonds) have no benchmark "
            "and use the constant-mean model, so the market is not regressed on itself.\n\n"
            "**Overrides.** A measure can replace its segment's instruments and benchmark: the "
            "CSI 1000 futures launch studies CSI 1000 (000852.SH), not every futures underlying. "
            "Studies with no instruments named and the Themes cells use the override.\n\n"
            "**Sector benchmarks.** CSI 300 contains the banks, insurers, brokers and developers "
            "themselves, so a measure that moves a sector moves the benchmark a little too, and "
            "the market model removes that part (about β × the sector's weight in CSI 300) from "
            "the sector's abnormal return: sector CARs are, if anything, understated. No index "
            "of the whole market without the sector could be confirmed among the series akshare "
            "serves, and the market-adjusted model (R − R_CSI300) subtracts the same CSI 300 "
            "with β = 1, so it removes the same sector share and adds the sector's beta error; "
            "the sector segments therefore keep CSI 300 with the market model, and the bias is "
            "named here rather than hidden.\n\n"
            "**Data start.** Some series start after some measures: the first C-REITs traded on "
            "2021-06-21 and the BSE 50 starts on 2022-04-29. A measure whose t0 comes before a "
            "segment's data is flagged in the catalogue table (*no REIT data before "
            "2021-06-21*), named with its segment and first date in a study's notes, and listed "
            "under *Not studied* on the Themes page, never left as an empty cell."
        )
    )


def render_references() -> None:
    st.header(t("References"))
    # publication titles stay in their language (the 中文 tests skip this block by its key)
    st.container(key="references").markdown(  # references stay in their original language
        "- Campbell, J. Y., Lo, A. W. & MacKinlay, A. C. (1997). *The Econometrics of Financial "
        "Markets*, ch. 4. Princeton University Press.\n"
        "- MacKinlay, A. C. (1997). Event studies in economics and finance. *Journal of Economic "
        "Literature* 35(1), 13–39.\n"
        "- Brown, S. J. & Warner, J. B. (1985). Using daily stock returns: the case of event "
        "studies. *Journal of Financial Economics* 14(1), 3–31.\n"
        "- Patell, J. M. (1976). Corporate forecasts of earnings per share and stock price "
        "behavior. *Journal of Accounting Research* 14(2), 246–276.\n"
        "- Boehmer, E., Musumeci, J. & Poulsen, A. B. (1991). Event-study methodology under "
        "conditions of event-induced variance. *Journal of Financial Economics* 30(2), 253–272.\n"
        "- Kolari, J. W. & Pynnönen, S. (2010). Event study testing with cross-sectional "
        "correlation of abnormal returns. *Review of Financial Studies* 23(11), 3996–4025.\n"
        "- Corrado, C. J. (1989). A nonparametric test for abnormal security-price performance "
        "in event studies. *Journal of Financial Economics* 23(2), 385–395.\n"
        "- Cowan, A. R. (1992). Nonparametric event study tests. *Review of Quantitative Finance "
        "and Accounting* 2, 343–358.\n"
        "- Lyon, J. D., Barber, B. M. & Tsai, C.-L. (1999). Improved methods for tests of "
        "long-run abnormal stock returns. *Journal of Finance* 54(1), 165–201.\n"
        "- Kolari, J. W. & Pynnönen, S. (2011). Nonparametric rank tests for event studies. "
        "*Journal of Empirical Finance* 18(5), 953–971.\n"
        "- CSRC (2020). 中国证监会系统2020年年中工作会议公报 — "
        + t("the nine tasks behind the policy catalogue (dates verified in `policy-events.md`).")
    )


def render_prices_method() -> None:
    """Suspended sessions, adjusted returns and the price-limit check of imported files."""
    st.header(t("Prices: suspensions and adjustment"))
    st.markdown(
        t(
            "**Suspensions.** A row of an imported file is a suspended session (停牌) when "
            "its `tradestatus` / `交易状态` column says 0 or 停牌, or, in a file without that "
            "column, when its volume is zero or empty and open = high = low = close = the "
            "previous close (how baostock writes a suspended day). These sessions are left "
            "out of the stored prices and their dates are recorded per series, so they are "
            "missing sessions, never traded days with a zero return: the estimation window "
            "counts valid returns only (L1) and relative days keep counting sessions. By "
            "default the first session after a suspension has no return either (its "
            "close-to-close change spans the whole suspension). The option “Book the return "
            "over a suspension on the resumption day” (Event study page; "
            "`--attribute-suspensions`; `StudyRequest(attribute_suspensions=True)`) gives "
            "that session the whole return from the last close before the suspension. A "
            "study lists every suspended session inside an estimation or event window in "
            "its diagnostics (status `suspended`)."
        )
    )
    st.markdown(
        t(
            "**Adjustment.** Unadjusted closes read a split, bonus issue or dividend as a "
            "price move (002714 on 2020-06-04: −40.4 % close to close, +1.7 % as traded). "
            "An imported file is adjusted from its own information, in this order: an "
            "adjustment-factor column (复权因子, `adj_factor`: price × factor); the vendor's "
            "adjustment (baostock `adjustflag` 1 = hfq, 2 = qfq: prices used as they are); "
            "a return column (`pct_chg`, `pctChg`, 涨跌幅; its unit, % or a fraction, is "
            "detected from the days it matches the closes, and stated). With a return "
            "column, a day whose file return differs from the close-to-close return by more "
            "than 0.01 pp is an ex-rights day: it gets the file's return, and every earlier "
            "price is scaled by (1 + close-to-close return) / (1 + file return). The last "
            "close of the file stays the traded price (forward adjustment to the file's "
            "end, so recent prices match published ones), and every reader of the closes "
            "(returns, charts) sees one adjusted series. Volumes are kept as traded."
        )
    )
    st.markdown(
        t(
            "**Price limits.** Where the board is known from the code (A-shares, C-REITs), "
            "a day-return beyond the board's daily limit plus 0.5 pp for rounding marks "
            "prices that are not adjusted: ±10 % main board (±5 % for ST names until "
            "2025-07-07; ST from an `isST` or name column), ±20 % ChiNext since 2020-08-24 "
            "(±10 % before) and STAR, ±30 % BSE, ±10 % C-REITs; no limits before "
            "1996-12-16; a file's first row has no return (a listing day has no limit), and "
            "where listings are registration-based (STAR; ChiNext since 2020-08-24; main "
            "board since 2023-04-10) its first five rows are not flagged (no limit in a "
            "listing's first five sessions; a break there is named). A file with "
            "such days and no return or factor column is imported flagged “unadjusted”, the "
            "days listed on the Data page and in the diagnostics of every study whose "
            "windows hold them (status `unadjusted price`), or refused by name and date "
            "with the strict option (Data page; `python -m data_sources import "
            "--strict-adjustment`)."
        )
    )
    st.markdown(
        t(
            "**What is recorded.** The store keeps per series how its prices are adjusted "
            "(`adjustment`: adjusted (file returns), adjusted (factor), vendor-adjusted "
            "(hfq/qfq), unadjusted, unadjusted (index level), synthetic, unknown), its "
            "suspended sessions and its days beyond the limit. The Data page shows them; "
            "every CSV names the adjustment in `data_vintage` and `parameters.json` in "
            "`price_adjustment`. akshare fetches record what is asked of Eastmoney: hfq for "
            "stocks, ETFs and C-REITs, none for index levels. The demo is synthetic: "
            "nothing to adjust."
        )
    )


def render_provenance() -> None:
    """Where prices come from, and what the store holds."""
    st.header(t("Data provenance"))
    st.markdown(
        t(
            "Prices come from akshare (Eastmoney, Shenwan Hongyuan and CSI endpoints; stocks, "
            "ETFs and C-REITs back-adjusted, 后复权; indices as published), from your imported "
            "files, or from the SYNTHETIC demo (GARCH(1,1) market factor with t(5) shocks on real "
            "Shanghai sessions; no policy effect planted). Every CSV carries `data_mode` and "
            "`data_vintage` columns."
        )
    )
    coverage = loaders.coverage()
    if coverage.empty:
        st.info(t("The store is empty: fetch or import prices on the **Data** page."))
    else:
        st.dataframe(
            provenance_table(coverage),
            hide_index=True,
            width="stretch",
            key="method_provenance",
            column_config={
                "first_date": st.column_config.DateColumn(format="YYYY-MM-DD"),
                "last_date": st.column_config.DateColumn(format="YYYY-MM-DD"),
            },
        )


def render_csv_columns() -> None:
    st.header(t("CSV columns"))
    st.markdown(
        t(
            "Column names are English snake_case in every language of the dashboard, so scripts "
            "can read any download. Files are UTF-8 with a byte-order mark; cells that a "
            "spreadsheet would run as a formula are prefixed with `'`."
        )
    )
    st.dataframe(
        glossary_table(),
        hide_index=True,
        width="stretch",
        key="method_glossary",
    )


def render_multi_factor_models() -> None:
    """The K-regressor models (factors, two-index): the fit, the CAR variance in matrix form."""
    st.subheader(t("Multi-factor and two-index models"))
    st.latex(
        r"R_{it} - RF_t = \alpha_i + \sum_{j=1}^{m} b_{ij} f_{jt} + \varepsilon_{it},\qquad "
        r"R_{it} = \alpha_i + \beta_i R_{mt} + \gamma_i R_{2t} + \varepsilon_{it}"
    )
    st.latex(r"\hat\sigma_i^2 = \frac{\hat{e}_i^{\prime}\hat{e}_i}{L_1 - K}")
    st.latex(
        r"\widehat{\mathrm{Var}}(CAR_i) = \hat\sigma_i^2\left(L_2 + "
        r"\iota'X^*(X'X)^{-1}X^{*\prime}\iota\right)"
    )
    st.latex(
        r"\widehat{\mathrm{Var}}(AR_{i\tau}) = \hat\sigma_i^2\left(1 + "
        r"x_\tau^{*\prime}(X'X)^{-1}x^*_\tau\right)"
    )
    st.markdown(
        t(
            "**Multi-factor model.** Upload your factor file (a date column and one column per "
            "factor: Fama–French MKT-RF, SMB, HML, RMW, CMA, MOM, or the China CH-3/CH-4 "
            "factors MKT, SMB, VMP, PMO of Liu, Stambaugh & Yuan 2019). It is read as percent "
            "when the median |value| is above 0.05 or any value above 1, else as decimals; the "
            "study's notes state which and why. With an RF column, each return is taken in "
            "excess of RF and the normal return is RF + α̂ + b̂'f; without one, the raw return "
            "is regressed on the factors. K = 1 + the number of factors.\n\n"
            "**Two-index model.** The benchmark and a second stored series (e.g. C-REITs on an "
            "equity index and a bond ETF) as regressors: K = 3.\n\n"
            "Both are fitted by OLS on each instrument's valid estimation days (X: a constant "
            "and the regressors, L1 rows; X\\*: the CAR window's L2 valid days), with L1 − K "
            "degrees of freedom for σ̂² and the t-test, and the general matrix form of the CAR "
            "variance (Campbell, Lo & MacKinlay 1997, eq. 4.4.17–18); with one regressor it is "
            "the market model's formula above. Patell Z and BMP t standardise each AR by the "
            "per-day variance; the estudy2 index-wide market terms apply to the market model "
            "only. Lamb's Z (one market series) and the placebo (one-index fits at many "
            "pseudo-dates) are not computed for these models, and a note says so; abnormal "
            "volume keeps its constant-mean model of log volume."
        )
    )


def render_long_horizon_method() -> None:
    """Issue 16: buy-and-hold abnormal returns and the generalised rank test (GRANK)."""
    st.header(t("Long horizons"))
    st.markdown(
        t(
            "**Buy-and-hold abnormal returns (BHAR).** For structural reforms whose effect "
            "builds over months (registration, delisting, the Beijing exchange), each "
            "instrument is bought at the close of t0 and held for h sessions (21, 63, 126, "
            "250: about 1, 3, 6 and 12 months): BHAR = Π(1 + R_it) − Π(1 + R_ref,t), from "
            "closes. The reference is the benchmark, or a matched portfolio: the equal-weighted "
            "buy-and-hold of control series, named by you or, by default, the 5 stored series "
            "of the instrument's board (from its code) that the study does not include, "
            "nearest in return over the 250 sessions before t0; such controls may be hit by "
            "the same market-wide measure, which pulls the BHAR towards 0 (a note says so), "
            "and a studied instrument or the benchmark is never a control. A suspended session "
            "carries the last close (the holder still owns the share). A series whose data end "
            "before the horizon while the others go on has, by default, no BHAR at that "
            "horizon (its data may just not be updated) and a note names the measure, the "
            "instrument and the horizon; with `--fill-after-end` (the page's checkbox) it is "
            "taken for delisted: held to its last close and then in the benchmark, as Lyon, "
            "Barber & Tsai (1999) do, and `bhar_tests.csv` counts such pairs in `n_filled`. A "
            "horizon that ends after the data has no BHAR.\n\n"
            "**Tests of the mean BHAR.** Long-horizon BHARs are skewed to the right, which "
            "biases the t-test. Besides the t-test, the page and `bhar_tests.csv` give the "
            "skewness-adjusted t of Lyon, Barber & Tsai (1999), t_sa = √n (S + γ̂S²/3 + "
            "γ̂/(6n)) with S = mean/sd and γ̂ = Σ(x − x̄)³/(n·sd³), its p from Student "
            "t(n − 1) (LBT's samples hold hundreds of firms, where t and the normal agree; "
            "with few pairs the normal would overstate significance), and its bootstrap: 1000 "
            "resamples of n/4 drawn with replacement (seeded), whose 2.5 % and 97.5 % "
            "quantiles are the critical values, run only from 20 pairs (resamples of at least "
            "5; a resample of 2 always has zero skewness), with p = (count + 1)/(B + 1), never "
            "0; resamples with no spread are counted in a note, never dropped silently; at "
            "most 100,000 resamples. Run it with `python -m analysis bhar`.\n\n"
            "**GRANK.** When many instruments share one event date, as policy measures do, "
            "the generalised rank test of Kolari & Pynnönen (2011) (`grank_t` in the tests "
            "table) tests a CAR window: the standardised CARs, re-scaled by their "
            "cross-sectional SD, are ranked with each pair's standardised estimation-window "
            "ARs; t_grank = Z·√((T − 2)/(T − 1 − Z²)) with T − 2 degrees of freedom. It is "
            "robust to cross-correlation, event-induced volatility and skewness."
        )
    )


def render_cross_section_method() -> None:
    """Issue 16: who responded, the cross-sectional regression of CARs on traits."""
    st.header(t("Who responded: cross-sectional regression"))
    st.markdown(
        t(
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
            "`python -m analysis crosssection` writes the same `crosssection.csv`."
        )
    )
    st.markdown(
        t(
            "Where the traits come from: turnover (换手率) is kept beside the prices when a file "
            "carries it (baostock `turn`, 换手率) or akshare's stock history is fetched; the "
            "traits file imported on the Data page is used by default, and a file uploaded in "
            "the section replaces it for the session (`--traits FILE` on the command line). "
            "Only traits that vary across the pairs are offered: board dummies when the pairs "
            "sit on different boards, ST where a name is known."
        )
    )
    st.markdown(
        t(
            "Measure fixed effects: when measures are pooled, each measure but the first gets "
            "its own dummy (measure[id]) by default, so a trait's slope compares firms within a "
            "measure rather than measures whose mean CARs differ (the `measure_effects` column "
            "says yes; turn them off on the page or with `--no-measure-effects`). A trait named "
            "like a column the regression uses itself (const, Intercept, car, scar, event_id, "
            "instrument …) is kept as name_file. With fewer than 10 residual degrees of freedom "
            "(N − K) a note says the estimates are imprecise, as with fewer than 10 clusters."
        )
    )


def render_forest_and_report() -> None:
    """Issue 16, points 4 and 5: the forest plot and the HTML report."""
    st.header(t("Forest plot and HTML report"))
    st.markdown(
        t(
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
            "interval (one instrument: CAR ± 1.96·SE)."
        )
    )
    st.markdown(
        t(
            "**HTML report.** The Event study's “Report (HTML)” download and `python -m "
            "analysis study … --report report.html` write one self-contained file (plotly.js "
            "inlined: it opens offline in any browser) in the page's language: the measures "
            "with their citations (links only to tier A–C sources), the data mode and vintage "
            "(SYNTHETIC marked at the top), the method and every parameter, every table of the "
            "CSVs (numbers to six significant digits, the full value on hover), the charts and "
            "the caveats (overlapping windows, uncertain t0, survivorship of constituent lists)."
        )
    )


if __name__ == "__main__":  # Streamlit runs a page as __main__; tests import its pieces
    render()
