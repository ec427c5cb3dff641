"""What every column of every CSV means, and what each exported file holds. CSV column names
stay English snake_case in both languages of the dashboard (scripts read them); the Method
page shows this glossary. Returns in the CSVs are decimals (0.01 = 1 %); the pages show them
in %."""

from __future__ import annotations

COLUMN_GLOSSARY: dict[str, str] = {
    "instrument": "canonical symbol of the series (000300.SH, 399006.SZ, 508000.SH, BK0473.EM …)",
    "event_id": "catalogue id of the policy measure",
    "event_date": "announcement date of the measure",
    "event_session": "t0: first Shanghai session that could react to the announcement",
    "rel_day": "session relative to t0 (0 = t0, −1 = the session before)",
    "date": "calendar date of that session",
    "return": "simple (or log) close-to-close return of the instrument (decimal: 0.01 = 1 %)",
    "expected_return": (
        "normal return predicted by the model fitted on the estimation window (decimal)"
    ),
    "abnormal_return": "AR = return − expected_return (decimal: 0.01 = 1 %)",
    "car": "cumulative abnormal return over the window (sum of ARs; decimal: 0.01 = 1 %)",
    "sar": "standardised AR: AR divided by its forecast-error standard deviation",
    "scar": "standardised CAR: CAR / car_se",
    "model": "normal-return model actually used (market, constant-mean, market-adjusted)",
    "window_start": "first relative session of the CAR window",
    "window_end": "last relative session of the CAR window",
    "n_estimation": "valid returns in the estimation window (L1)",
    "alpha": "intercept of the normal-return model (per session)",
    "beta": "slope on the benchmark return (market model)",
    "sigma": "standard deviation of estimation-window residuals",
    "car_se": (
        "standard error of the CAR (CLM 1997 eq. 4.4.17–18, with estimation error; decimal)"
    ),
    "t_stat": "test statistic (CAR / car_se; cross-sectional t for theme cells)",
    "p_value": "two-sided p-value of the statistic",
    "n_event_days": "sessions with a return inside the window",
    "dof": (
        "degrees of freedom of the CAR t-test: L1 − k under textbook conventions (k = 2 market "
        "model, 1 constant-mean or market-adjusted), L1 − 1 under estudy2 and eventstudy "
        "conventions"
    ),
    "status": "ok, or why an event × instrument pair was skipped or changed",
    "reason": "the explanation behind the status",
    "statistic": "name of an aggregate test (patell_z, bmp_t, corrado_rank_z, …)",
    "value": "value of that test statistic (statistic mean: the mean AR or CAR, a decimal return)",
    "n": "observations the test used",
    "draw": "placebo draw number",
    "observed_car": "CAR around the real event (decimal)",
    "placebo_mean": "mean CAR over the placebo pseudo-events",
    "placebo_sd": "standard deviation of the placebo CARs",
    "n_draws": "number of placebo pseudo-events",
    "log_volume": "ln(volume) of the session (zero or missing volume: missing)",
    "expected_log_volume": "mean log volume over the estimation window (constant-mean model)",
    "abnormal_log_volume": "log_volume − expected_log_volume (0.69 = twice the usual volume)",
    "cumulative_abnormal_log_volume": "sum of the abnormal log volumes so far (or over the window)",
    "standardised_abnormal_log_volume": (
        "abnormal log volume over its forecast-error SD, σ·sqrt(1 + 1/L1) (σ alone under "
        "eventstudy conventions)"
    ),
    "mean_log_volume": "mean log volume over the estimation window",
    "cumulative_abnormal_log_volume_se": "standard error of the cumulative abnormal log volume",
    "standardised_cumulative_abnormal_log_volume": "cumulative abnormal log volume over its SE",
    "volatility_ratio": "event-window squared AR over the estimation-window residual variance",
    "mean_ratio": "mean volatility ratio across pairs",
    "theme": "communiqué task of the measure (T1–T9)",
    "segment": "market segment the measure touches (ALL, CHN, BRK, REIT …)",
    "n_measures": "measures in the theme × segment cell",
    "n_clusters": "overlap clusters in the cell: its observations (measures whose windows "
    "overlap count once)",
    "cluster": "the event a measure was studied in: its overlap cluster (ids joined with +)",
    "n_pairs": "measure × instrument pairs in the cell",
    "caar": "cumulative average abnormal return of the cell (decimal: 0.01 = 1 %)",
    "test": "which test the cell's t_stat and p_value come from",
    "measure_ids": "catalogue ids of the measures in the cell",
    "instruments": "instruments studied in the cell",
    "method": (
        "metadata: model, windows, variance and test conventions (abnormal_volume files: the "
        "log-volume model)"
    ),
    # issue 13 (study framing): expected signs and uncertain t0 in the theme × segment cells
    "car_window": "CAR window of the pair: the chosen one, widened to [0, +1] when t0 is uncertain",
    "t0_uncertain": "release time unknown on a session day: t0 or t0+1, the CAR covers both",
    "expected_sign": "sign the measure was expected to move the segment: +, - or ambiguous",
    "sign_reason": "one line: why that sign was expected",
    "response": "whether the CAR had the expected sign: as expected, opposite, ambiguous",
    "n_signed": "measures of the cell with an expected sign (+ or -)",
    "n_as_expected": "of those, measures whose CAR (mean over instruments) had that sign",
    "n_ambiguous": "measures of the cell whose expected sign is ambiguous",
    "n_t0_uncertain": "measures of the cell whose t0 is uncertain (CAR covers t0 and t0+1)",
    "data_mode": "metadata: SYNTHETIC DEMO, stored akshare data (as of …), imported files …",
    "data_vintage": "metadata: where each series came from and when it was fetched",
    "units": "metadata: the unit of the file's numbers (returns are decimals: 0.01 = 1 %)",
    "adjustment": "how a stored series' prices are adjusted: adjusted (file returns), adjusted "
    "(factor), vendor-adjusted (hfq/qfq), unadjusted, unadjusted (index level), synthetic or "
    "unknown",
    "suspended_sessions": "suspended sessions (停牌) of a stored series, kept as missing "
    "sessions (no return)",
    # the forest plot's table (report.html): one row per measure, or per measure and segment
    "level": "forest row: measure (all its instruments) or segment (its instruments there)",
    "title": "the measure's title",
    "ci_low": "lower end of the 95 % interval of the row's mean CAR (decimal)",
    "ci_high": "upper end of the 95 % interval of the row's mean CAR (decimal)",
    "se": "standard error behind the interval: |CAAR / statistic| (decimal)",
    "quantile": "q of the interval CAAR ± q·SE: t(0.975, N − 1) for a t test, 1.96 for a z test",
}

#: What each file of a study's export holds (``python -m analysis study --out DIR``, the Event
#: study's downloads and its ZIP), by file name.
FILE_GLOSSARY: dict[str, str] = {
    "abnormal_returns.csv": "daily return, expected return, AR and running CAR of every pair",
    "car_summary.csv": "CAR, its standard error, t and p of every pair and CAR window",
    "tests.csv": "aggregate tests (Patell, BMP, Kolari–Pynnönen, rank, sign …) per day and window",
    "expected_signs.csv": "each headline CAR against the sign its measure was expected to have",
    "diagnostics.csv": "every pair that was skipped or changed, and why",
    "placebo.csv": "the CAR at every placebo pseudo-event session",
    "placebo_summary.csv": "observed CAR against the placebo distribution, with its p-value",
    "abnormal_volume.csv": "daily log volume, its normal level and the abnormal log volume",
    "abnormal_volume_windows.csv": "cumulative abnormal log volume per pair and window, t and p",
    "abnormal_volume_tests.csv": "aggregate tests of the abnormal log volume",
    "abnormal_volatility.csv": "daily AR² over the estimation residual variance of every pair",
    "abnormal_volatility_tests.csv": "cross-sectional tests of the volatility ratio",
    "parameters.json": "the study's parameters, data mode, data vintage, units and the link",
    "report.html": "the whole study in one HTML file to forward: measures and citations, data, "
    "method, every table and chart, caveats (opens offline in any browser)",
}
#: The unit of the log-volume numbers in the abnormal_volume files (their ``units`` column).
VOLUME_UNITS = (
    "natural logs of volume; abnormal_log_volume = log volume − its estimation mean "
    "(0.69 = twice the usual volume)"
)
#: The unit of the returns in every CSV (``parameters.json`` repeats it).
RETURN_UNITS = (
    "returns, ARs, CARs and their standard errors are decimals (0.01 = 1 %); the "
    "abnormal_volume files hold log volume"
)
