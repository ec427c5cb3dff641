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
    "model": (
        "normal-return model actually used (market, constant-mean, market-adjusted, factors, "
        "two-index)"
    ),
    "window_start": "first relative session of the CAR window",
    "window_end": "last relative session of the CAR window",
    "n_estimation": "valid returns in the estimation window (L1)",
    "alpha": "intercept of the normal-return model (per session)",
    "beta": (
        "slope on the benchmark return (market model); the first factor's (factors model) or "
        "the benchmark's (two-index model)"
    ),
    "sigma": "standard deviation of estimation-window residuals",
    "car_se": (
        "standard error of the CAR (CLM 1997 eq. 4.4.17–18, with estimation error; matrix form "
        "σ²(L2 + ι'X*(X'X)⁻¹X*'ι) for the factors and two-index models; decimal)"
    ),
    "t_stat": "test statistic (CAR / car_se; cross-sectional t for theme cells)",
    "p_value": "two-sided p-value of the statistic",
    "n_event_days": "sessions with a return inside the window",
    "dof": (
        "degrees of freedom of the CAR t-test: L1 − k under textbook conventions (k = 2 market "
        "model, 1 constant-mean or market-adjusted, K = 1 + the regressors for the factors and "
        "two-index models), L1 − 1 under estudy2 and eventstudy conventions"
    ),
    "status": "ok, or why an event × instrument pair was skipped or changed",
    "reason": "the explanation behind the status",
    "statistic": "name of an aggregate test (patell_z, bmp_t, corrado_rank_z, …)",
    "value": "value of that test statistic (statistic mean: the mean AR or CAR, a decimal return)",
    "n": "observations the test used (crosssection.csv: the pairs in the regression)",
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
    # issue 16 (cross-sectional regression, crosssection.csv): one row per term
    "term": "regressor of the cross-section: const (intercept), a trait, or trait[level] (a "
    "dummy against the trait's most common level)",
    "coef": "OLS (or WLS) coefficient: change in the dependent per unit of the trait (CAR: "
    "decimal, 0.01 = 1 %)",
    "t": "coef / se",
    "p": "two-sided p-value of t (Student t: n − k df, or G − 1 with clustered SEs)",
    "r2": "R² of the cross-sectional regression",
    "adj_r2": "adjusted R² of the cross-sectional regression",
    "cov_type": "covariance of the coefficients: hc3 (heteroskedasticity-robust), cluster (by "
    "event session t0) or nonrobust (classical OLS)",
    "n_t0_clusters": "event-session (t0) clusters of clustered SEs (empty otherwise)",
    "measure_effects": "yes: measure fixed effects, a dummy measure[<id>] per pooled measure but "
    "the first, so trait slopes compare firms within a measure (the default when measures are "
    "pooled); no: one intercept for all (--no-measure-effects, or one measure)",
    "dependent": "the regressed variable: car (decimal) or scar (CAR / its SE)",
    "window": "CAR window of the dependent variable, in relative sessions",
    # shared by crosssection.csv and the forest plot's table (report.html)
    "ci_low": "lower end of the 95 % interval: of coef (crosssection.csv), or of the row's mean "
    "CAR (the forest table; decimal)",
    "ci_high": "upper end of the 95 % interval: of coef (crosssection.csv), or of the row's mean "
    "CAR (the forest table; decimal)",
    "se": "standard error: of coef under cov_type (crosssection.csv), or behind the forest "
    "row's interval, |CAAR / statistic| (decimal)",
    # the forest plot's table (report.html): one row per measure, or per measure and segment
    "level": "forest row: measure (all its instruments) or segment (its instruments there)",
    "title": "the measure's title",
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
    "crosssection.csv": "cross-sectional regression of the pairs' CARs on their traits: coef, "
    "SE, t, p and CI per term, with n, R² and the covariance type",
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

# -- issue 16: long horizons (analysis/long_horizon.py: bhar.csv, bhar_tests.csv) -------------
COLUMN_GLOSSARY.update(
    {
        "horizon": "holding period in sessions after t0 (21 ≈ one month, 250 ≈ one year)",
        "start_date": "session at whose close the position is bought (t0)",
        "end_date": "session at whose close it is sold (t0 + horizon)",
        "bh_return": (
            "buy-and-hold return of the instrument over the horizon, from closes (decimal); a "
            "series whose data end early has none, unless filled (--fill-after-end): held to "
            "its last close, then in the benchmark"
        ),
        "reference_return": (
            "buy-and-hold return of the benchmark, or the equal-weighted mean of the matched "
            "controls' buy-and-hold returns (decimal)"
        ),
        "bhar": "buy-and-hold abnormal return: bh_return − reference_return (decimal)",
        "reference": "the benchmark's symbol, or 'matched:' and the controls used",
        "against": "reference of the BHAR: benchmark or matched (controls)",
        "mean_bhar": "mean BHAR over the pairs (decimal)",
        "median_bhar": "median BHAR over the pairs (decimal)",
        "sd_bhar": "cross-sectional SD of the BHARs (divisor n − 1; decimal)",
        "skewness": "skewness γ̂ = Σ(x − x̄)³ / (n·sd³) of the BHARs",
        "t_skew_adjusted": (
            "Lyon–Barber–Tsai (1999) skewness-adjusted t: √n (S + γ̂S²/3 + γ̂/(6n)), S = mean/sd"
        ),
        "p_skew_adjusted": "two-sided p-value of t_skew_adjusted from Student t(n − 1)",
        "boot_lower": "2.5 % quantile of the bootstrapped skewness-adjusted t (resamples of n/4)",
        "boot_upper": "97.5 % quantile of the bootstrapped skewness-adjusted t",
        "p_bootstrap": (
            "two-sided p-value of t_skew_adjusted from its bootstrap distribution, "
            "(count + 1)/(B + 1); empty below 20 pairs"
        ),
        "n_bootstrap": "bootstrap resamples used (those with no spread are counted in a note)",
        "n_filled": (
            "pairs whose series' data end before the horizon, filled with the benchmark as "
            "delisted (only with --fill-after-end)"
        ),
    }
)
FILE_GLOSSARY.update(
    {
        "bhar.csv": "buy-and-hold abnormal return of every pair and horizon (python -m analysis "
        "bhar; the Event study's Long horizon section)",
        "bhar_tests.csv": "per horizon: mean BHAR, t, the skewness-adjusted t and its bootstrap",
    }
)

# -- issue 16: every coefficient of the K-regressor models (model_coefficients.csv) -----------
COLUMN_GLOSSARY.update(
    {
        "regressor": (
            "term of the normal-return fit: const (the intercept α), a factor of the factor "
            "file, or a series of the two-index model (the benchmark, the second index)"
        ),
        "coefficient": "OLS estimate of that term over the estimation window (a slope or α)",
    }
)
FILE_GLOSSARY.update(
    {
        "model_coefficients.csv": "every coefficient of the normal-return fit of every pair "
        "(α and each factor loading or index slope; factors and two-index models)",
    }
)
