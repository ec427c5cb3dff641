"""Per instrument × event abnormal returns, CARs, their variances and standardised forms.

Timing: relative day 0 is the event session t0 (the first session at or after the moment the
market could react). Relative days count *sessions of the calendar the returns are indexed by*
(the Shanghai calendar in the app), so a suspension or a gap in one series never shifts them.
Missing returns are left out (never filled): L1 counts an instrument's valid estimation returns,
a CAR sums the valid days of its window, and its variance is the matrix form over those days.

For each instrument i and event (formula numbers from the project's formula sheet; CLM =
Campbell, Lo & MacKinlay 1997, ch. 4; MacKinlay 1997, JEL 35:13-39):

* the normal-return model is fitted on the estimation window (:mod:`analysis.models`);
* AR_iτ = R_iτ − E[R_iτ];  CAR_i(a, b) = Σ_{τ=a..b} AR_iτ over the valid days (3.3);
* Var(CAR_i) = σ̂²_i · [L + c_i L² + (Σ_τ (R_mτ − μ̂_m))² / Σ_t (R_mt − μ̂_m)²] — the sum of the
  prediction-error covariance V_i = σ̂²_i [I + X*(X'X)⁻¹X*'] (3.2, CLM 4.4.17-18), with
  c_i = 1/L1 for models with an estimated mean and 0 for the market-adjusted model;
* SAR_iτ = AR_iτ / sqrt(V_i,ττ), SCAR_i = CAR_i / sqrt(Var CAR_i) (3.3, 3.5);
* t = CAR_i / SE(CAR_i), two-sided p from Student's t with L1 − k degrees of freedom.

Conventions other packages use (estudy2, the Python ``eventstudy`` package) are options of
:class:`Conventions`, so their published numbers can be reproduced exactly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import models
from analysis.returns import RETURN_KINDS

AR_COLUMNS = [
    "instrument", "event_date", "rel_day", "date", "return", "expected_return",
    "abnormal_return", "car", "event_id", "event_session", "model", "sar",
]  # fmt: skip
CAR_COLUMNS = [
    "instrument", "event_date", "event_session", "window_start", "window_end", "n_estimation",
    "alpha", "beta", "sigma", "car", "car_se", "t_stat", "p_value", "event_id", "model",
    "n_event_days", "dof", "scar",
]  # fmt: skip
DIAGNOSTIC_COLUMNS = ["event_id", "event_date", "instrument", "status", "reason"]
DEFAULT_CAR_WINDOWS = ((0, 0), (0, 1), (-1, 1), (0, 5), (-5, 5))
_MEAN_PARAMETERS = {"market": 2, "constant-mean": 1, "market-adjusted": 1}


class EventStudyInputError(ValueError):
    """A study that cannot run as asked (bad window, no market series, ...); says why."""


@dataclass(frozen=True)
class Conventions:
    """How variances and some tests are computed; the default is the textbook (formula sheet).

    * ``sigma_divisor``: ``"L1-k"`` (textbook: k = 2 market model, 1 otherwise), ``"L1-1"``
      (estudy2: plain sample SD of the residuals) or ``"L1"`` (the ``eventstudy`` package).
    * ``prediction_error``: include the estimation-error terms in AR and CAR variances.
    * ``market_terms``: ``"own"`` (μ̂_m and Σ(R_m − μ̂_m)² over each instrument's own valid
      estimation days) or ``"index"`` (estudy2: over every index return in the window; used for
      the daily standardisation of Patell/BMP).
    * ``sign_p_hat``: generalised sign test p̂ as the ``"firm"`` average (Cowan 1992) or
      ``"pooled"`` over all firm-days (estudy2).
    * ``rank_missing``: rank-type tests on days with missing firms: ``"textbook"`` (average
      over the firms present) or ``"estudy2"`` (its mean × N quirk, see EXPECTED.md §6).
    """

    sigma_divisor: str = "L1-k"
    prediction_error: bool = True
    market_terms: str = "own"
    sign_p_hat: str = "firm"
    rank_missing: str = "textbook"

    PRESETS = ("textbook", "estudy2", "eventstudy")

    @classmethod
    def preset(cls, name: str) -> Conventions:
        if name == "textbook":
            return cls()
        if name == "estudy2":
            return cls("L1-1", True, "index", "pooled", "estudy2")
        if name == "eventstudy":
            return cls("L1", False, "own", "firm", "textbook")
        raise EventStudyInputError(f"conventions must be one of {cls.PRESETS}, got {name!r}")

    def __post_init__(self):
        checks = {
            "sigma_divisor": ("L1-k", "L1-1", "L1"),
            "market_terms": ("own", "index"),
            "sign_p_hat": ("firm", "pooled"),
            "rank_missing": ("textbook", "estudy2"),
        }
        for name, allowed in checks.items():
            if getattr(self, name) not in allowed:
                raise EventStudyInputError(f"{name} must be one of {allowed}")

    def describe(self) -> str:
        if self == Conventions():
            return "textbook conventions"
        for name in self.PRESETS:
            if self == Conventions.preset(name):
                return f"{name} conventions"
        return (
            f"sigma divisor {self.sigma_divisor}, prediction error "
            f"{'on' if self.prediction_error else 'off'}, market terms {self.market_terms}, "
            f"sign p-hat {self.sign_p_hat}, ranks {self.rank_missing}"
        )


@dataclass(frozen=True)
class EventStudySpec:
    """What to estimate: model, windows in relative sessions, return kind, minimum L1, the CAR
    windows to report and the variance conventions."""

    model: str = "market"
    estimation_window: tuple[int, int] = (-250, -11)
    event_window: tuple[int, int] = (-5, 5)
    returns: str = "simple"
    min_estimation: int = 120
    car_windows: tuple[tuple[int, int], ...] = DEFAULT_CAR_WINDOWS
    conventions: Conventions = field(default_factory=Conventions)

    @classmethod
    def with_gap(cls, estimation_length: int, gap: int, event_window=(-5, 5), **kwargs):
        """Spec from an estimation length and a gap (sessions between the estimation window and
        the event window): e.g. 240 and 5 with [-5, 5] → estimation [-250, -11]."""
        if estimation_length < 1 or gap < 0:
            raise EventStudyInputError("estimation length must be ≥ 1 and gap ≥ 0")
        end = event_window[0] - gap - 1
        return cls(
            estimation_window=(end - estimation_length + 1, end),
            event_window=tuple(event_window),
            **kwargs,
        )

    def __post_init__(self):
        if self.model not in models.MODELS:
            raise EventStudyInputError(
                f"model {self.model!r} is not one of {', '.join(models.MODELS)}"
            )
        if self.returns not in RETURN_KINDS:
            raise EventStudyInputError(f"returns must be simple or log, got {self.returns!r}")
        (est_start, est_end), (win_start, win_end) = self.estimation_window, self.event_window
        if est_start > est_end:
            raise EventStudyInputError(
                f"estimation window [{est_start}, {est_end}] starts after it ends"
            )
        if win_start > win_end:
            raise EventStudyInputError(
                f"event window [{win_start}, {win_end}] starts after it ends"
            )
        if est_end >= win_start:
            raise EventStudyInputError(
                f"estimation window [{est_start}, {est_end}] must end before the event window "
                f"[{win_start}, {win_end}] starts"
            )
        if max(abs(est_start), abs(win_end), abs(win_start)) > 5000:
            raise EventStudyInputError("windows longer than 5000 sessions are not supported")
        minimum_possible = 3 if self.model == "market" else 2
        if self.min_estimation < minimum_possible:
            raise EventStudyInputError(f"minimum estimation days must be ≥ {minimum_possible}")
        if est_end - est_start + 1 < self.min_estimation:
            raise EventStudyInputError(
                f"estimation window [{est_start}, {est_end}] has {est_end - est_start + 1} "
                f"sessions, fewer than the minimum of {self.min_estimation}"
            )
        windows = []
        for window in self.car_windows:
            a, b = (int(x) for x in window)
            if a > b:
                raise EventStudyInputError(f"CAR window [{a}, {b}] starts after it ends")
            windows.append((a, b))
        object.__setattr__(self, "car_windows", tuple(windows))

    @property
    def windows(self) -> tuple[tuple[int, int], ...]:
        """The event window first, then every CAR window inside it (others are left out)."""
        start, end = self.event_window
        inside = [w for w in self.car_windows if start <= w[0] and w[1] <= end]
        return tuple(dict.fromkeys([tuple(self.event_window), *inside]))

    @property
    def dropped_windows(self) -> tuple[tuple[int, int], ...]:
        start, end = self.event_window
        return tuple(w for w in self.car_windows if not (start <= w[0] and w[1] <= end))

    def describe(self) -> str:
        """One line naming the method, for CSV metadata and the UI."""
        model_text = {
            "market": "market model (OLS)",
            "constant-mean": "constant-mean model",
            "market-adjusted": "market-adjusted model",
        }[self.model]
        error = (
            "CAR variance with estimation-error correction (CLM 4.4.17-18)"
            if self.conventions.prediction_error
            else "CAR variance L·sigma^2"
        )
        return (
            f"{model_text}; {self.returns} returns; estimation window "
            f"[{self.estimation_window[0]}, {self.estimation_window[1]}] sessions; event window "
            f"[{self.event_window[0]}, {self.event_window[1]}]; minimum {self.min_estimation} "
            f"estimation returns; {error}; t-test two-sided, Student t with L1-k df; "
            f"{self.conventions.describe()}"
        )


@dataclass(frozen=True)
class Event:
    """One event: an id, the announcement date, and the session t0 the market could react on."""

    event_id: str
    event_date: pd.Timestamp
    event_session: pd.Timestamp


@dataclass
class Panel:
    """Everything the aggregate tests need, one column per instrument × event *pair* (P).

    Event-window arrays are L × P (rows = relative days ``rel_days``), estimation arrays
    Le × P (rows = ``est_rel_days``); NaN marks a missing return. ``est_positions`` /
    ``event_positions`` hold each row's session index on the calendar (−1 outside it), so
    estimation residuals can be aligned in calendar time (Kolari–Pynnönen r̄).
    """

    pairs: pd.DataFrame  # instrument, event_id, event_date, event_session, model
    rel_days: np.ndarray
    est_rel_days: np.ndarray
    ar: np.ndarray
    est_ar: np.ndarray
    event_positions: np.ndarray
    est_positions: np.ndarray
    n: np.ndarray  # L1: valid estimation returns
    k: np.ndarray  # parameters of the mean (2 market model, 1 otherwise)
    sigma2: np.ndarray  # residual variance with the chosen divisor
    c1: np.ndarray  # 1/L1 (0: market-adjusted or no prediction-error term)
    dev: np.ndarray  # L × P: R_mτ − μ̂_m (own terms; 0 where the model has no market slope)
    sxx: np.ndarray  # Σ (R_mt − μ̂_m)² (own terms; inf where unused)
    dev_index: np.ndarray  # L × P: the same with index-wide market terms
    sxx_index: np.ndarray
    cache: dict = field(default_factory=dict, init=False, repr=False, compare=False)  # ranks, r̄
    ssr: np.ndarray | None = None  # residual sum of squares of each pair's fit

    @property
    def size(self) -> int:
        return self.ar.shape[1]

    def subset(self, mask: np.ndarray) -> Panel:
        if np.all(mask):  # one event: the panel itself (and its cache)
            return self
        columns = np.flatnonzero(mask)
        values = {}
        for name, value in self.__dict__.items():
            if name == "cache":
                continue
            if name == "pairs":
                values[name] = value.iloc[columns].reset_index(drop=True)
            elif name in ("rel_days", "est_rel_days"):
                values[name] = value
            elif value.ndim == 2:
                values[name] = value[:, columns]
            else:
                values[name] = value[columns]
        return Panel(**values)

    def day_variance_factor(self, market_terms: str = "own") -> np.ndarray:
        """V_i,ττ / σ̂²_i: 1 + c_i + dev²/Sxx (L × P)."""
        dev, sxx = (
            (self.dev, self.sxx) if market_terms == "own" else (self.dev_index, self.sxx_index)
        )
        with np.errstate(divide="ignore", invalid="ignore"):
            return 1.0 + self.c1 + np.where(np.isfinite(sxx), dev**2 / sxx, 0.0)

    def sar(self, market_terms: str = "own") -> np.ndarray:
        """Standardised abnormal returns AR / sqrt(V_ττ) (L × P)."""
        return self.ar / np.sqrt(self.sigma2 * self.day_variance_factor(market_terms))

    def window_matrix(self, windows) -> np.ndarray:
        """W × L indicator of which relative days each window covers."""
        return np.array(
            [(self.rel_days >= a) & (self.rel_days <= b) for a, b in windows], dtype=float
        ).reshape(len(windows), len(self.rel_days))

    def car(self, windows) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """CAR, Var(CAR) and valid-day counts for each window (each W × P; cached)."""
        key = ("car", tuple(map(tuple, windows)))
        if key not in self.cache:
            self.cache[key] = self._car(windows)
        return self.cache[key]

    def _car(self, windows) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        indicator = self.window_matrix(windows)
        valid = ~np.isnan(self.ar)
        n_valid = indicator @ valid
        car = indicator @ np.where(valid, self.ar, 0.0)
        dev_sum = indicator @ np.where(valid, self.dev, 0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            slope_term = np.where(np.isfinite(self.sxx), dev_sum**2 / self.sxx, 0.0)
            variance = self.sigma2 * (n_valid + self.c1 * n_valid**2 + slope_term)
        car = np.where(n_valid > 0, car, np.nan)
        return car, variance, n_valid


@dataclass
class EventStudyResult:
    """Tidy results (statsmodels style: frames, never prints).

    ``abnormal_returns``: one row per instrument × event × relative day (AR, CAR path, SAR).
    ``car_summary``: one row per instrument × event × CAR window, the event window first.
    ``tests``: aggregate statistics per event (and pooled), daily and per window.
    ``diagnostics``: what was skipped or changed, and why. ``placebo``: pseudo-event CARs.
    """

    spec: EventStudySpec
    abnormal_returns: pd.DataFrame
    car_summary: pd.DataFrame
    diagnostics: pd.DataFrame
    market: str | None = None
    notes: list[str] = field(default_factory=list)
    panel: Panel | None = None
    tests: pd.DataFrame = field(default_factory=pd.DataFrame)
    placebo: pd.DataFrame = field(default_factory=pd.DataFrame)
    placebo_summary: pd.DataFrame = field(default_factory=pd.DataFrame)
    volume: EventStudyResult | None = None  # abnormal log volume, same windows and tests
    volatility: pd.DataFrame = field(default_factory=pd.DataFrame)
    volatility_tests: pd.DataFrame = field(default_factory=pd.DataFrame)

    def frames(self) -> dict[str, pd.DataFrame]:
        frames = {
            "abnormal_returns": self.abnormal_returns,
            "car_summary": self.car_summary,
            "diagnostics": self.diagnostics,
        }
        if len(self.tests):
            frames["tests"] = self.tests
        if len(self.placebo):
            frames["placebo"] = self.placebo
            frames["placebo_summary"] = self.placebo_summary
        if self.volume is not None:
            frames["abnormal_volume"] = self.volume.abnormal_returns
            frames["abnormal_volume_tests"] = self.volume.tests
        if len(self.volatility):
            frames["abnormal_volatility"] = self.volatility
            frames["abnormal_volatility_tests"] = self.volatility_tests
        return frames

    def to_frame(self) -> pd.DataFrame:
        """The CAR summary (the headline table)."""
        return self.car_summary

    def car_path(self) -> pd.DataFrame:
        """CAR from the start of the event window to each day, with its standard error.

        One row per pair × relative day τ: ``car`` = CAR(τ1, τ) and ``car_se`` from the same
        variance as every CAR here (CLM eq. 4.4.17–18 over the L = τ − τ1 + 1 days so far),
        for a confidence band around the CAR path.
        """
        columns = ["instrument", "event_id", "rel_day", "car", "car_se"]
        if self.panel is None or not self.panel.size:
            return pd.DataFrame(columns=columns)
        first = int(self.panel.rel_days[0])
        windows = [(first, int(day)) for day in self.panel.rel_days]
        car, variance, _ = self.panel.car(windows)
        pairs = self.panel.pairs
        days = len(windows)
        return pd.DataFrame(
            {
                "instrument": np.repeat(pairs["instrument"].to_numpy(), days),
                "event_id": np.repeat(pairs["event_id"].to_numpy(), days),
                "rel_day": np.tile(self.panel.rel_days, len(pairs)),
                "car": car.T.ravel(),
                "car_se": np.sqrt(variance).T.ravel(),
            }
        )[columns]

    def to_csv(
        self,
        directory: str | Path,
        metadata: Mapping[str, str],
        names: Sequence[str] = ("abnormal_returns", "car_summary"),
    ) -> list[Path]:
        """Write the named tables as ``DIR/<name>.csv`` in the project's CSV convention."""
        from analysis.export import write_csv

        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        frames = self.frames()
        written = []
        for name in names:
            path = directory / f"{name}.csv"
            write_csv(path, frames[name], metadata)
            written.append(path)
        return written


def run_event_study(
    returns: pd.DataFrame,
    events: Sequence[Event],
    spec: EventStudySpec,
    market: pd.Series | None = None,
    market_symbol: str | None = None,
    constant_mean_for: Sequence[str] = (),
    statistics: Sequence[str] | None = None,
    adjust_bh: bool = False,
) -> EventStudyResult:
    """Run ``spec`` for every instrument (column of ``returns``) around every event.

    ``statistics``: names from :data:`analysis.statistics.STATISTICS` for the ``tests`` table
    (default all); ``adjust_bh`` adds Benjamini–Hochberg p-values across events.

    ``returns`` and ``market`` are indexed by the session calendar that defines relative days
    (every session, missing returns as NaN). With a market-based model, an instrument that *is*
    the market series (``market_symbol``) cannot be regressed on itself, and the instruments in
    ``constant_mean_for`` (market-wide indices, for which any broad benchmark is nearly the same
    series) would have the effect regressed away: both get the constant-mean model instead, and
    the diagnostics say so.
    """
    if spec.model != "constant-mean" and market is None:
        raise EventStudyInputError(f"the {spec.model} model needs a market (benchmark) series")
    if returns.shape[1] == 0:
        raise EventStudyInputError("no instruments to study")
    if not events:
        raise EventStudyInputError("no events to study")
    ids = [event.event_id for event in events]
    if len(set(ids)) != len(ids):
        raise EventStudyInputError("event ids must be unique")
    index = returns.index
    values = returns.to_numpy(dtype=float)
    market_values = None if market is None else market.reindex(index).to_numpy(dtype=float)
    instruments = returns.columns.astype(str).tolist()
    market_wide = set(constant_mean_for)
    fallback_mask = np.array(
        [
            spec.model != "constant-mean" and (name == market_symbol or name in market_wide)
            for name in instruments
        ]
    )
    rel_days = np.arange(spec.event_window[0], spec.event_window[1] + 1)
    est_rel_days = np.arange(spec.estimation_window[0], spec.estimation_window[1] + 1)
    conventions = spec.conventions

    diagnostics: list[tuple] = []
    blocks: list[dict] = []
    for event in events:
        position = index.get_indexer([event.event_session])[0]
        if position < 0:
            span = f"{index[0]:%Y-%m-%d} to {index[-1]:%Y-%m-%d}" if len(index) else "empty"
            diagnostics += [
                (
                    event.event_id,
                    event.event_date,
                    name,
                    "skipped",
                    f"event session {event.event_session:%Y-%m-%d} is outside the data ({span})",
                )
                for name in instruments
            ]
            continue
        block = _estimate_event(
            values, market_values, position, rel_days, est_rel_days, spec, fallback_mask
        )
        keep = np.ones(len(instruments), dtype=bool)
        # only instruments with something to report go through the (Python) loop below
        flagged = (
            (block["n"] < spec.min_estimation)
            | (block["n_event"] < len(rel_days))
            | block["degenerate"]
            | block["benchmark_flat"]
            | ~(block["sigma2"] > 0)
            | fallback_mask
        )
        for column in np.flatnonzero(flagged):
            name = instruments[column]
            reason = _skip_reason(block, column, spec, event, name, market_symbol)
            if reason:
                keep[column] = False
                diagnostics.append((event.event_id, event.event_date, name, "skipped", reason))
                continue
            if fallback_mask[column]:
                why = (
                    "the instrument is the benchmark; a market-based model would regress it "
                    "on itself"
                    if name == market_symbol
                    else "market-wide instrument: a broad benchmark would regress the market on "
                    "itself and remove the effect"
                )
                diagnostics.append(
                    (
                        event.event_id,
                        event.event_date,
                        name,
                        "model changed",
                        f"{why}, so the constant-mean model is used",
                    )
                )
            if block["n_event"][column] < len(rel_days):
                diagnostics.append(
                    (
                        event.event_id,
                        event.event_date,
                        name,
                        "partial window",
                        f"{block['n_event'][column]} of {len(rel_days)} event-window "
                        "returns available; CAR and its variance use those days",
                    )
                )
        if keep.any():
            block.update(event=event, keep=keep, position=position)
            blocks.append(block)

    for window in spec.dropped_windows:
        diagnostics.append(
            (
                "",
                pd.NaT,
                "",
                "window left out",
                f"CAR window [{window[0]}, {window[1]}] is not inside the event "
                f"window [{spec.event_window[0]}, {spec.event_window[1]}]",
            )
        )
    panel = _panel(blocks, instruments, rel_days, est_rel_days, index, spec)
    abnormal_returns, car_summary = _frames(blocks, panel, instruments, index, spec)
    from analysis.statistics import STATISTICS, tests_by_event  # (imports this module)

    test_notes: list[str] = []
    sessions = pd.Series([e.event_session for e in events], index=ids)
    for session, group in sessions.groupby(sessions, sort=True):
        if len(group) > 1:  # the CLI and the dashboard merge these; the API says so
            test_notes.append(
                f"events {', '.join(group.index)} share the session {session:%Y-%m-%d}: "
                "pooled statistics count that session once per event"
            )
    tests = tests_by_event(
        panel,
        spec.windows,
        conventions,
        tuple(statistics) if statistics else tuple(STATISTICS),
        adjust_bh,
        test_notes,
    )
    return EventStudyResult(
        tests=tests,
        spec=spec,
        abnormal_returns=abnormal_returns,
        car_summary=car_summary,
        diagnostics=pd.DataFrame(diagnostics, columns=DIAGNOSTIC_COLUMNS),
        market=market_symbol,
        panel=panel if panel.size else None,
        notes=([f"conventions: {conventions.describe()}"] if conventions != Conventions() else [])
        + test_notes,
    )


def _estimate_event(
    values, market_values, position, rel_days, est_rel_days, spec, fallback_mask
) -> dict:
    """Fit, ARs and variance terms for every instrument around one event session."""
    length = len(values)
    est_positions = position + est_rel_days
    event_positions = position + rel_days
    est_inside = (est_positions >= 0) & (est_positions < length)
    event_inside = (event_positions >= 0) & (event_positions < length)
    n_cols = values.shape[1]

    def take(positions, inside, source):
        if inside.all():  # the usual case: a contiguous block, taken as a view
            return source[positions[0] : positions[-1] + 1]
        out = np.full((len(positions), *source.shape[1:]), np.nan)
        out[inside] = source[positions[inside]]
        return out

    est_values = take(est_positions, est_inside, values)
    event_values = take(event_positions, event_inside, values)
    est_market = event_market = None
    if market_values is not None:
        est_market = take(est_positions, est_inside, market_values)
        event_market = take(event_positions, event_inside, market_values)

    fitted = models.fit(spec.model, est_values, est_market)
    model_names = np.full(n_cols, spec.model, dtype=object)
    k = np.full(n_cols, _MEAN_PARAMETERS[spec.model])
    if fallback_mask.any():
        fallback = models.fit("constant-mean", est_values[:, fallback_mask], None)
        fitted = _merge_fallback(fitted, fallback, fallback_mask)
        model_names[fallback_mask] = "constant-mean"
        k[fallback_mask] = 1

    def expected(block_values, block_market):
        out = fitted.expected(block_values, block_market)
        out[:, fallback_mask] = fitted.alpha[fallback_mask]  # constant mean for these
        return out

    event_expected = expected(event_values, event_market)
    est_expected = expected(est_values, est_market)
    event_ar = event_values - event_expected
    est_ar = est_values - est_expected
    n = fitted.n.astype(int)
    # the fits' residual sums of squares (market-adjusted and constant-mean residuals are
    # centred, formula 3.3; OLS residuals have mean 0): σ̂² × its own divisor
    ssr = np.where(fitted.dof > 0, fitted.sigma2 * fitted.dof, np.nan)
    # a constant series leaves rounding residue (σ̂ ~ 1e-18), not exactly 0: judge σ̂ against
    # the size of the returns themselves
    with np.errstate(all="ignore"):  # an all-NaN column gives NaN: not degenerate-by-scale
        scale = np.nanmax(np.abs(est_values), axis=0, initial=0.0)
    degenerate = ~(ssr > (1e-10 * scale) ** 2 * np.maximum(fitted.dof, 1))
    # the same judgement for the benchmark of the market model: a flat benchmark leaves β̂
    # undefined (0/0), and every AR NaN, which must not read as "no returns"
    benchmark_flat = np.zeros(n_cols, dtype=bool)
    if est_market is not None:
        with np.errstate(all="ignore"):
            market_scale = np.nanmax(np.abs(est_market), initial=0.0)
        market_slope = (model_names == "market") & (fitted.n > 0)
        benchmark_flat = market_slope & ~(
            np.asarray(fitted.market_sxx) > (1e-10 * market_scale) ** 2 * np.maximum(fitted.n, 1)
        )
    divisor = {"L1-k": n - k, "L1-1": n - 1, "L1": n}[spec.conventions.sigma_divisor]
    with np.errstate(divide="ignore", invalid="ignore"):
        sigma2 = np.where(divisor > 0, ssr / divisor, np.nan)
    slope = np.array([m == "market" for m in model_names])
    with_error = spec.conventions.prediction_error
    with np.errstate(divide="ignore", invalid="ignore"):
        c1 = np.where(
            (np.array([m != "market-adjusted" for m in model_names])) & with_error, 1.0 / n, 0.0
        )
    dev = np.zeros_like(event_ar)
    sxx = np.full(n_cols, np.inf)
    dev_index = np.zeros_like(event_ar)
    sxx_index = np.full(n_cols, np.inf)
    if event_market is not None and with_error and slope.any():
        dev[:, slope] = event_market[:, None] - fitted.market_mean[slope]
        sxx[slope] = fitted.market_sxx[slope]
        index_valid = ~np.isnan(est_market)
        index_mean = est_market[index_valid].mean() if index_valid.any() else np.nan
        dev_index[:, slope] = (event_market - index_mean)[:, None]
        sxx_index[slope] = ((est_market[index_valid] - index_mean) ** 2).sum()
    valid_event = ~np.isnan(event_ar)
    return {
        "fitted": fitted,
        "model_names": model_names,
        "k": k,
        "n": n,
        "sigma2": sigma2,
        "c1": c1,
        "dev": dev,
        "sxx": sxx,
        "dev_index": dev_index,
        "sxx_index": sxx_index,
        "event_values": event_values,
        "event_expected": event_expected,
        "event_ar": event_ar,
        "est_ar": est_ar,
        "n_event": valid_event.sum(axis=0),
        "degenerate": degenerate,
        "benchmark_flat": benchmark_flat,
        "ssr": ssr,
        "est_values": est_values,  # views of the returns, for the skip reasons
        "est_market": est_market,
        "event_market": event_market,
        "event_positions": np.where(event_inside, event_positions, -1),
        "est_positions": np.where(est_inside, est_positions, -1),
    }


def _skip_reason(block, column, spec, event, name="", market_symbol=None) -> str | None:
    """Why the pair (``name`` around ``event``) cannot be estimated, naming the series at fault
    (the instrument or the benchmark); None if it can."""
    benchmark = f"benchmark {market_symbol}" if market_symbol else "the benchmark"
    instrument = f"instrument {name}" if name else "the instrument"
    est_window = f"[{spec.estimation_window[0]}, {spec.estimation_window[1]}]"
    around = f"around {event.event_session:%Y-%m-%d}"
    uses_market = (
        block["model_names"][column] != "constant-mean" and block["est_market"] is not None
    )
    if block["n"][column] < spec.min_estimation:
        own_count = int(np.sum(~np.isnan(block["est_values"][:, column])))
        market_count = int(np.sum(~np.isnan(block["est_market"]))) if uses_market else None
        if uses_market and own_count >= spec.min_estimation > (market_count or 0):
            return (
                f"{benchmark} has only {market_count} valid returns in the estimation window "
                f"{est_window} {around} (minimum {spec.min_estimation})"
            )
        return (
            f"only {block['n'][column]} valid estimation returns in {est_window} {around} "
            f"(minimum {spec.min_estimation})"
        )
    if block["benchmark_flat"][column]:
        return (
            f"{benchmark} has zero variance over the estimation window {est_window} {around} "
            "(a constant series?): the market model cannot be estimated; choose another "
            "benchmark or the constant-mean model"
        )
    if block["n_event"][column] == 0:
        instrument_count = int(np.sum(~np.isnan(block["event_values"][:, column])))
        if uses_market and instrument_count and np.isnan(block["event_market"]).all():
            return (
                f"{benchmark} has no returns in the event window [{spec.event_window[0]}, "
                f"{spec.event_window[1]}] {around}"
            )
        return (
            f"no returns in the event window [{spec.event_window[0]}, "
            f"{spec.event_window[1]}] {around}"
        )
    if block["degenerate"][column] or not block["sigma2"][column] > 0:
        values = block["est_values"][:, column]
        with np.errstate(all="ignore"):
            scale = np.nanmax(np.abs(values), initial=0.0)
            if uses_market:
                gap = np.nanmax(np.abs(values - block["est_market"]), initial=0.0)
                if gap <= 1e-12 * scale:
                    return (
                        f"{instrument} is identical to the {benchmark.removeprefix('the ')} over "
                        f"the estimation window {est_window}: its abnormal returns are all zero"
                    )
            spread = np.nanmax(values, initial=-np.inf) - np.nanmin(values, initial=np.inf)
        if not spread > 1e-10 * scale:
            return (
                f"{instrument} has constant returns over the estimation window {est_window} "
                f"{around} (a constant price?): no variance to test against"
            )
        if uses_market:
            return (
                f"{instrument}'s returns are an exact linear function of the "
                f"{benchmark.removeprefix('the ')}'s over the estimation window {est_window}: "
                "the residual variance is zero"
            )
        return f"estimation-window abnormal returns of {instrument} have no variance"
    return None


def _panel(blocks, instruments, rel_days, est_rel_days, index, spec) -> Panel:
    def stack(name):
        if len(blocks) == 1 and blocks[0]["keep"].all():  # one event, nothing skipped: no copy
            return blocks[0][name]
        parts = [block[name][..., block["keep"]] for block in blocks]
        if not parts:
            shape = {
                "event_ar": (len(rel_days), 0),
                "est_ar": (len(est_rel_days), 0),
                "dev": (len(rel_days), 0),
                "dev_index": (len(rel_days), 0),
            }.get(name, (0,))
            return np.zeros(shape)
        return np.concatenate(parts, axis=-1)

    names = np.array(instruments, dtype=object)
    columns = ["instrument", "event_id", "event_date", "event_session", "model"]
    per_event = [
        pd.DataFrame(
            {
                "instrument": names[b["keep"]],
                "event_id": b["event"].event_id,
                "event_date": b["event"].event_date,
                "event_session": b["event"].event_session,
                "model": b["model_names"][b["keep"]],
            },
            columns=columns,
        )
        for b in blocks
    ]
    pairs = pd.concat(per_event, ignore_index=True) if per_event else pd.DataFrame(columns=columns)
    positions = {}
    for name in ("event_positions", "est_positions"):
        parts = [np.repeat(b[name][:, None], int(b["keep"].sum()), axis=1) for b in blocks]
        rows = len(rel_days) if name == "event_positions" else len(est_rel_days)
        positions[name] = np.concatenate(parts, axis=1) if parts else np.zeros((rows, 0), int)
    return Panel(
        pairs=pairs,
        rel_days=rel_days,
        est_rel_days=est_rel_days,
        ar=stack("event_ar"),
        est_ar=stack("est_ar"),
        event_positions=positions["event_positions"],
        est_positions=positions["est_positions"],
        n=stack("n").astype(int),
        k=stack("k").astype(int),
        sigma2=stack("sigma2"),
        c1=stack("c1"),
        dev=stack("dev"),
        sxx=stack("sxx"),
        dev_index=stack("dev_index"),
        sxx_index=stack("sxx_index"),
        ssr=stack("ssr"),
    )


def _frames(blocks, panel: Panel, instruments, index, spec):
    from scipy import special  # on first use, not at import: see analysis.statistics._t_p

    ar_parts, car_parts = [], []
    start = 0
    windows = spec.windows
    car, variance, n_valid = panel.car(windows)
    sar = panel.sar("own")
    for block in blocks:
        columns = np.flatnonzero(block["keep"])
        count = len(columns)
        span = slice(start, start + count)
        start += count
        event = block["event"]
        n_days = len(panel.rel_days)
        positions = block["event_positions"]
        dates = pd.DatetimeIndex([index[p] if p >= 0 else pd.NaT for p in positions])
        valid = ~np.isnan(block["event_ar"][:, columns])
        cumulative = np.cumsum(np.where(valid, block["event_ar"][:, columns], 0.0), axis=0)
        # strings converted to pandas' string type once, then gathered (no per-row work)
        names = pd.array(np.array(instruments, dtype=object)[columns], dtype="str")
        model_names = pd.array(block["model_names"][columns].astype(str), dtype="str")
        per_day = np.repeat(np.arange(count), n_days)
        ar_parts.append(
            pd.DataFrame(
                {
                    "instrument": names.take(per_day),
                    "event_date": event.event_date,
                    "rel_day": np.tile(panel.rel_days, count),
                    "date": np.tile(dates, count),
                    "return": block["event_values"][:, columns].T.ravel(),
                    "expected_return": block["event_expected"][:, columns].T.ravel(),
                    "abnormal_return": block["event_ar"][:, columns].T.ravel(),
                    "car": cumulative.T.ravel(),
                    "event_id": event.event_id,
                    "event_session": event.event_session,
                    "model": model_names.take(per_day),
                    "sar": sar[:, span].T.ravel(),
                }
            )
        )
        fitted = block["fitted"]
        dof = np.maximum(
            block["n"][columns]
            - np.where(spec.conventions.sigma_divisor == "L1-k", block["k"][columns], 1),
            1,
        )
        # one row per instrument × window, instrument-major, the event window first
        n_windows = len(windows)
        car_w = car[:, span].T.ravel()
        se_w = np.sqrt(variance[:, span]).T.ravel()
        with np.errstate(invalid="ignore", divide="ignore"):
            t_w = car_w / se_w
        dof_w = np.repeat(dof, n_windows)
        car_parts.append(
            pd.DataFrame(
                {
                    "instrument": names.take(np.repeat(np.arange(count), n_windows)),
                    "event_date": event.event_date,
                    "event_session": event.event_session,
                    "window_start": np.tile([w[0] for w in windows], count),
                    "window_end": np.tile([w[1] for w in windows], count),
                    "n_estimation": np.repeat(block["n"][columns], n_windows),
                    "alpha": np.repeat(np.asarray(fitted.alpha)[columns], n_windows),
                    "beta": np.repeat(np.asarray(fitted.beta)[columns], n_windows),
                    "sigma": np.repeat(np.sqrt(block["sigma2"][columns]), n_windows),
                    "car": car_w,
                    "car_se": se_w,
                    "t_stat": t_w,
                    "p_value": 2.0 * special.stdtr(dof_w, -np.abs(t_w)),
                    "event_id": event.event_id,
                    "model": model_names.take(np.repeat(np.arange(count), n_windows)),
                    "n_event_days": n_valid[:, span].T.ravel().astype(int),
                    "dof": dof_w,
                    "scar": t_w,
                }
            )
        )
    abnormal_returns = _concat(ar_parts, AR_COLUMNS)
    abnormal_returns = abnormal_returns[abnormal_returns["date"].notna()].reset_index(drop=True)
    car_summary = _concat(car_parts, CAR_COLUMNS)
    return abnormal_returns, car_summary


def _merge_fallback(
    fitted: models.FittedModel, fallback: models.FittedModel, mask: np.ndarray
) -> models.FittedModel:
    merged = {}
    for name in ("n", "alpha", "beta", "sigma2", "market_mean", "market_sxx", "dof"):
        values = np.array(getattr(fitted, name), dtype=float)
        values[mask] = getattr(fallback, name)
        merged[name] = values
    merged["n"] = merged["n"].astype(int)
    return models.FittedModel(fitted.model, **merged)


def _concat(parts: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    if not parts:
        return pd.DataFrame(columns=columns)
    return pd.concat(parts, ignore_index=True)[columns]
