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
* t = CAR_i / SE(CAR_i), two-sided p from Student's t with :func:`dof_rule` degrees of
  freedom: L1 − k under the textbook conventions (k = 2 for the market model, 1 for the
  constant-mean and market-adjusted models, K = 1 + m regressors for the factors and
  two-index models, whose Var(CAR) is σ̂²(L2 + ι'X*(X'X)⁻¹X*'ι) in matrix form), L1 − 1
  under the estudy2 (σ̂ divisor L1 − 1) and eventstudy (σ̂ divisor L1; the package's
  t(L1 − 1)) conventions — at least 1.

:func:`run_event_study` returns an :class:`EventStudyResult` (immutable, statsmodels style:
tables, :meth:`~EventStudyResult.summary`, :meth:`~EventStudyResult.conf_int`); its aggregate
tests (:mod:`analysis.statistics`) are computed when first asked for. Conventions other packages
use (estudy2, the Python ``eventstudy`` package) are options of :class:`Conventions`, so their
published numbers can be reproduced exactly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import models
from analysis.panel import Conventions, EventStudyInputError, Panel
from analysis.records import DIAGNOSTIC_COLUMNS, Diagnostic, diagnostics_frame
from analysis.returns import RETURN_KINDS
from analysis.statistics import STATISTICS, tests_by_event
from data_sources.messages import Message

__all__ = [
    "AR_COLUMNS", "CAR_COLUMNS", "DEFAULT_CAR_WINDOWS", "DIAGNOSTIC_COLUMNS", "Conventions",
    "Diagnostic", "Event", "EventFit", "EventStudyInputError", "EventStudyResult",
    "EventStudySpec", "Panel", "run_event_study",
]  # fmt: skip

AR_COLUMNS = [
    "instrument", "event_date", "rel_day", "date", "return", "expected_return",
    "abnormal_return", "car", "event_id", "event_session", "model", "sar",
]  # fmt: skip
CAR_COLUMNS = [
    "instrument", "event_date", "event_session", "window_start", "window_end", "n_estimation",
    "alpha", "beta", "sigma", "car", "car_se", "t_stat", "p_value", "event_id", "model",
    "n_event_days", "dof", "scar",
]  # fmt: skip
DEFAULT_CAR_WINDOWS = ((0, 0), (0, 1), (-1, 1), (0, 5), (-5, 5))


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
        minimum_possible = 3 if self.model in ("market", *models.MULTI_MODELS) else 2
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
        model_text = models.get(self.model).label
        error = Message(
            "CAR variance with estimation-error correction (CLM 4.4.17-18)"
            if self.conventions.prediction_error
            else "CAR variance L·sigma^2"
        )
        return Message(
            "{model}; {returns} returns; estimation window [{e0}, {e1}] sessions; event window "
            "[{w0}, {w1}]; minimum {minimum} estimation returns; {error}; t-test two-sided, "
            "Student t with {dof}; {conventions}",
            model=model_text,
            returns=Message(self.returns),
            e0=self.estimation_window[0],
            e1=self.estimation_window[1],
            w0=self.event_window[0],
            w1=self.event_window[1],
            minimum=self.min_estimation,
            error=error,
            # the K-regressor models' own rule (L1 − K), the others' the generic text as before
            dof=dof_rule(
                self.conventions, self.model if self.model in models.MULTI_MODELS else None
            ),
            conventions=self.conventions.describe(),
        )


def dof_rule(conventions: Conventions, model: str | None = None) -> str:
    """The degrees of freedom of the single-pair CAR t-test under ``conventions``, as text (the
    rule :meth:`EventFit.dof` applies): L1 − k with the textbook σ̂ divisor, else L1 − 1; with
    a ``model`` every pair is known to use, its own k."""
    if conventions.sigma_divisor != "L1-k":
        return "L1-1 df"
    if model == "factors":
        return Message("L1-K df (K = 1 + the number of factors)")
    if model is not None:
        return f"L1-{models.get(model).k} df"
    return Message("L1-k df (k = 2 market model, 1 constant-mean or market-adjusted)")


@dataclass(frozen=True)
class Event:
    """One event: an id, the announcement date, and the session t0 the market could react on."""

    event_id: str
    event_date: pd.Timestamp
    event_session: pd.Timestamp


FIT_COLUMNS = [
    "instrument", "event_id", "model", "n_estimation", "alpha", "beta", "sigma", "k", "dof",
    "n_event_days", "estimated",
]  # fmt: skip


@dataclass(frozen=True, eq=False)
class EventFit:
    """The normal-return fit of every instrument around one event (one column per instrument).

    ``fitted``: the model estimates (:class:`analysis.models.FittedModel`); ``n`` = L1, ``k``
    the parameters of the mean, ``sigma2`` the residual variance with the chosen divisor;
    ``c1``, ``dev``/``sxx`` (own market terms) and ``dev_index``/``sxx_index`` (index-wide) the
    CAR variance terms; ``event_values``/``event_expected``/``event_ar`` (L × N) and
    ``est_values``/``est_ar`` (Le × N) the returns, normal returns and abnormal returns;
    ``event_positions``/``est_positions`` each row's session index (−1 outside the data);
    ``degenerate``/``benchmark_flat`` the fits with no residual or no market variance;
    ``keep`` the instruments that were estimated (the others are in the diagnostics);
    ``n_left_out`` the estimation sessions left out as other events' windows.
    """

    event: Event
    instruments: tuple[str, ...]
    position: int
    fitted: models.FittedModel
    k: np.ndarray
    n: np.ndarray
    sigma2: np.ndarray
    ssr: np.ndarray
    c1: np.ndarray
    dev: np.ndarray
    sxx: np.ndarray
    dev_index: np.ndarray
    sxx_index: np.ndarray
    event_values: np.ndarray
    event_expected: np.ndarray
    event_ar: np.ndarray
    est_values: np.ndarray
    est_ar: np.ndarray
    est_market: np.ndarray | None
    event_market: np.ndarray | None
    event_positions: np.ndarray
    est_positions: np.ndarray
    n_event: np.ndarray
    degenerate: np.ndarray
    benchmark_flat: np.ndarray
    keep: np.ndarray
    n_left_out: int = 0
    #: K-regressor models: K × L × N, R⁻ᵀ x*_τ per event day (x*_τ = [1, f_τ]), so
    #: x*_τ'(X'X)⁻¹x*_τ = Σ_j root²_jτ and ι'X*(X'X)⁻¹X*'ι = Σ_j (Σ_τ root_jτ)²; None otherwise
    root: np.ndarray | None = None

    @property
    def model_names(self) -> np.ndarray:
        return self.fitted.model

    def dof(self, conventions: Conventions) -> np.ndarray:
        """Degrees of freedom of each instrument's CAR t-test (:func:`dof_rule`): L1 − k with
        the textbook σ̂ divisor L1 − k, L1 − 1 with the estudy2 (L1 − 1) or eventstudy (L1)
        divisor; at least 1."""
        k = self.k if conventions.sigma_divisor == "L1-k" else 1
        return np.maximum(self.n - k, 1)

    def to_frame(self, conventions: Conventions | None = None) -> pd.DataFrame:
        """One row per instrument: model, L1, α̂, β̂, σ̂, k, the t-test's dof, the valid
        event-window days and whether it was estimated (``estimated`` False: see diagnostics)."""
        return pd.DataFrame(
            {
                "instrument": list(self.instruments),
                "event_id": self.event.event_id,
                "model": self.model_names.astype(str),
                "n_estimation": self.n,
                "alpha": self.fitted.alpha,
                "beta": self.fitted.beta,
                "sigma": np.sqrt(self.sigma2),
                "k": self.k,
                "dof": self.dof(conventions or Conventions()),
                "n_event_days": self.n_event,
                "estimated": self.keep,
            },
            columns=FIT_COLUMNS,
        )


@dataclass(frozen=True, eq=False)
class EventStudyResult:
    """Results of :func:`run_event_study`, immutable (statsmodels style: tables and a text
    summary, never prints).

    ``abnormal_returns``: one row per instrument × event × relative day (AR, CAR path, SAR).
    ``car_summary``: one row per instrument × event × CAR window, the event window first.
    ``tests``: aggregate statistics per event (and pooled), daily and per window — computed
    the first time it is read (``statistics``/``adjust_bh`` say which), with ``test_notes``
    saying why values are NaN. ``diagnostic_records`` (typed) / ``diagnostics`` (table): what
    was skipped or changed, and why. ``fits``: the per-event fits. ``notes``: about the study.
    """

    spec: EventStudySpec
    abnormal_returns: pd.DataFrame
    car_summary: pd.DataFrame
    diagnostic_records: tuple[Diagnostic, ...] = ()
    market: str | None = None
    notes: tuple[str, ...] = ()
    panel: Panel | None = None
    fits: tuple[EventFit, ...] = ()
    statistics: tuple[str, ...] = tuple(STATISTICS)
    adjust_bh: bool = False

    def __post_init__(self):
        object.__setattr__(self, "notes", tuple(self.notes))
        object.__setattr__(self, "diagnostic_records", tuple(self.diagnostic_records))
        object.__setattr__(self, "statistics", _statistic_names(self.statistics))

    @cached_property
    def diagnostics(self) -> pd.DataFrame:
        """The diagnostic records as a table (:data:`DIAGNOSTIC_COLUMNS`)."""
        return diagnostics_frame(self.diagnostic_records)

    @cached_property
    def _battery(self) -> tuple[pd.DataFrame, tuple[str, ...]]:
        notes: list[str] = []
        table = tests_by_event(
            self.panel, self.spec.windows, self.spec.conventions, self.statistics,
            self.adjust_bh, notes,
        )  # fmt: skip
        return table, tuple(dict.fromkeys(notes))

    @property
    def tests(self) -> pd.DataFrame:
        """The test battery (``statistics``, with ``adjust_bh``), computed once when first read."""
        return self._battery[0]

    @property
    def test_notes(self) -> tuple[str, ...]:
        """Why some test values are NaN, as "<statistic> (<event id>): <why>" (computes the
        battery if it has not run yet)."""
        return self._battery[1]

    def tests_table(
        self, statistics: Sequence[str] | None = None, adjust_bh: bool | None = None
    ) -> pd.DataFrame:
        """The tests table for other ``statistics``/``adjust_bh`` than the result's own (the
        same object as :attr:`tests` when they are the same)."""
        names = _statistic_names(statistics) if statistics else self.statistics
        adjust = self.adjust_bh if adjust_bh is None else adjust_bh
        if names == self.statistics and adjust == self.adjust_bh:
            return self.tests
        return tests_by_event(self.panel, self.spec.windows, self.spec.conventions, names, adjust)

    def frames(self, tests: bool = True) -> dict[str, pd.DataFrame]:
        """The tables by export name (``tests`` only when asked and not empty)."""
        frames = {
            "abnormal_returns": self.abnormal_returns,
            "car_summary": self.car_summary,
            "diagnostics": self.diagnostics,
        }
        if tests and len(self.tests):
            frames["tests"] = self.tests
        return frames

    def to_frame(self) -> pd.DataFrame:
        """The CAR summary (the headline table)."""
        return self.car_summary

    def fit_table(self) -> pd.DataFrame:
        """Every instrument's fit around every event (:meth:`EventFit.to_frame`)."""
        parts = [fit.to_frame(self.spec.conventions) for fit in self.fits]
        return _concat(parts, FIT_COLUMNS)

    def conf_int(self, alpha: float = 0.05) -> pd.DataFrame:
        """Two-sided (1 − ``alpha``) confidence intervals of every CAR: CAR ± t_{1−α/2, dof} ·
        SE(CAR), Student t with the pair's degrees of freedom (``dof``). One row per pair ×
        window: instrument, event_id, window_start, window_end, car, car_se, dof, lower, upper."""
        if not 0 < alpha < 1:
            raise ValueError(f"alpha must be between 0 and 1, got {alpha!r}")
        keys = ["instrument", "event_id", "window_start", "window_end", "car", "car_se", "dof"]
        frame = self.car_summary[keys].reset_index(drop=True)
        from scipy import special  # on first use, not at import (tests/test_startup.py)

        dof = frame["dof"].to_numpy(dtype=float)
        half = special.stdtrit(dof, 1.0 - alpha / 2.0) * frame["car_se"].to_numpy(dtype=float)
        car = frame["car"].to_numpy(dtype=float)
        return frame.assign(lower=car - half, upper=car + half)

    def summary(self, max_rows: int | None = 30) -> str:
        """A readable text table: the method, the counts, then per CAR window the CARs with
        their SE, t, p and the t-test's dof (at most ``max_rows`` pairs per window; None: all).
        Returned, never printed."""
        pairs = self.panel.size if self.panel is not None else 0
        skipped = sum(record.status == "skipped" for record in self.diagnostic_records)
        lines = [
            "Event study results",
            f"Method: {self.spec.describe()}",
            f"Benchmark: {self.market or 'none'}; events: "
            f"{self.car_summary['event_id'].nunique()}; instrument-event pairs estimated: "
            f"{pairs}; skipped: {skipped}",
        ]
        columns = ["instrument", "event_id", "car", "car_se", "t_stat", "p_value", "dof"]
        grouped = self.car_summary.groupby(["window_start", "window_end"], sort=False)
        for (start, end), group in grouped:
            lines += ["", f"CAR [{start}, {end}]"]
            shown = group[columns] if max_rows is None else group[columns].head(max_rows)
            lines.append(
                shown.rename(columns={"t_stat": "t", "p_value": "p"}).to_string(
                    index=False, float_format=lambda value: f"{value:.4g}"
                )
            )
            if len(shown) < len(group):
                lines.append(f"... {len(group) - len(shown)} more rows (to_frame() has them all)")
        if not len(self.car_summary):
            lines += ["", "No instrument-event pair could be estimated (see diagnostics)."]
        lines += [f"Note: {note}" for note in self.notes]
        return "\n".join(lines)

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

    def with_notes(self, notes: Sequence[str]) -> EventStudyResult:
        """The same result with ``notes`` appended (a new object; the tables are shared)."""
        return replace(self, notes=(*self.notes, *notes))

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
        frames = self.frames(tests="tests" in names)
        written = []
        for name in names:
            path = directory / f"{name}.csv"
            write_csv(path, frames[name], metadata)
            written.append(path)
        return written


def _statistic_names(names: Sequence[str] | None) -> tuple[str, ...]:
    names = tuple(names) if names else tuple(STATISTICS)
    unknown = [name for name in names if name not in STATISTICS]
    if unknown:
        raise ValueError(f"unknown statistic(s) {unknown}; choose from {list(STATISTICS)}")
    return names


def run_event_study(
    returns: pd.DataFrame,
    events: Sequence[Event],
    spec: EventStudySpec,
    market: pd.Series | None = None,
    market_symbol: str | None = None,
    constant_mean_for: Sequence[str] = (),
    statistics: Sequence[str] | None = None,
    adjust_bh: bool = False,
    estimation_exclusions: Mapping[str, Sequence[pd.Timestamp]] | None = None,
    pairs: Mapping[str, Sequence[str]] | None = None,
    regressors: pd.DataFrame | None = None,
    offset: pd.Series | None = None,
) -> EventStudyResult:
    """Run ``spec`` for every instrument (column of ``returns``) around every event.

    ``regressors`` (the K-regressor models ``factors`` and ``two-index`` only, and then
    required): the m regressor columns, indexed like ``returns`` (the user's factors; the
    market and the second index); ``offset``: subtracted from every return before the fit and
    added back to the normal return (the risk-free rate of a factor file; none: 0). The fit is
    OLS with a constant, K = 1 + m parameters, σ̂² on L1 − K degrees of freedom, and Var(CAR) =
    σ̂²(L2 + ι'X*(X'X)⁻¹X*'ι) in matrix form (CLM 4.4.17–18), X the estimation design and X* the
    event-window rows of the CAR window's valid days.

    ``pairs``: per event id, the only instruments studied around that event (a theme-wide
    study pairs each measure with its own segments' instruments); an event not named, or
    ``pairs`` None, is studied on every instrument. Unpaired instruments are not estimated,
    not reported and not counted in any test.

    ``estimation_exclusions``: per event id, sessions to leave out of that event's estimation
    sample (other events' windows, :func:`analysis.overlaps.estimation_exclusions`); the model
    is fitted on the remaining sessions, and L1 (so σ̂², the CAR variance and the dof) is their
    number. Other events' estimation samples are unaffected.

    ``statistics``: names from :data:`analysis.statistics.STATISTICS` for the ``tests`` table
    (default all); ``adjust_bh`` adds Benjamini–Hochberg p-values across events. The tests are
    computed when the result's ``tests`` is first read, not here.

    ``returns`` and ``market`` are indexed by the session calendar that defines relative days
    (every session, missing returns as NaN). With a market-based model, an instrument that *is*
    the market series (``market_symbol``) cannot be regressed on itself, and the instruments in
    ``constant_mean_for`` (market-wide indices, for which any broad benchmark is nearly the same
    series) would have the effect regressed away: both get the constant-mean model instead, and
    the diagnostics say so.
    """
    multi = spec.model in models.MULTI_MODELS
    if multi and (regressors is None or regressors.shape[1] == 0):
        raise EventStudyInputError(f"the {spec.model} model needs its regressor series")
    if not multi and spec.model != "constant-mean" and market is None:
        raise EventStudyInputError(f"the {spec.model} model needs a market (benchmark) series")
    if returns.shape[1] == 0:
        raise EventStudyInputError("no instruments to study")
    if not events:
        raise EventStudyInputError("no events to study")
    ids = [event.event_id for event in events]
    if len(set(ids)) != len(ids):
        raise EventStudyInputError("event ids must be unique")
    names = _statistic_names(statistics)
    index = returns.index
    values = returns.to_numpy(dtype=float)
    market_values = None if market is None else market.reindex(index).to_numpy(dtype=float)
    if multi:  # the design block: offset, then the regressors (analysis.models)
        shift = np.zeros(len(index)) if offset is None else offset.reindex(index).to_numpy(float)
        market_values = np.column_stack([shift, regressors.reindex(index).to_numpy(dtype=float)])
    instruments = returns.columns.astype(str).tolist()
    regressor_names = None if regressors is None else regressors.columns.astype(str).tolist()
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

    diagnostics: list[Diagnostic] = []
    fits: list[EventFit] = []
    for event in events:
        position = index.get_indexer([event.event_session])[0]
        if position < 0:
            span = (
                Message(
                    "{first} to {last}", first=f"{index[0]:%Y-%m-%d}", last=f"{index[-1]:%Y-%m-%d}"
                )
                if len(index)
                else Message("empty")
            )
            reason = Message(
                "event session {t0} is outside the data ({span})",
                t0=f"{event.event_session:%Y-%m-%d}",
                span=span,
            )
            diagnostics += [
                Diagnostic(event.event_id, event.event_date, instruments[column], "skipped", reason)
                for column in _paired_columns(instruments, pairs, event.event_id)
            ]
            continue
        left_out = None
        if estimation_exclusions and estimation_exclusions.get(event.event_id) is not None:
            left_out = index.get_indexer(pd.DatetimeIndex(estimation_exclusions[event.event_id]))
            left_out = left_out[left_out >= 0]
        columns = _paired_columns(instruments, pairs, event.event_id)
        if not len(columns):
            continue
        event_instruments = [instruments[c] for c in columns]
        event_fallback = fallback_mask[columns]
        fit = _estimate_event(
            values if len(columns) == len(instruments) else values[:, columns],
            market_values, position, rel_days, est_rel_days, spec, event_fallback,
            event, tuple(event_instruments), left_out,
        )  # fmt: skip
        keep = np.ones(len(event_instruments), dtype=bool)
        # the pairs that cannot be estimated (each has a reason from _skip_reason)
        unusable = (
            (fit.n < spec.min_estimation)
            | (fit.n_event == 0)
            | fit.degenerate
            | fit.benchmark_flat
            | ~(fit.sigma2 > 0)
        )
        # only instruments with something to report go through the (Python) loop below
        flagged = unusable | (fit.n_event < len(rel_days)) | event_fallback
        for column in np.flatnonzero(flagged):
            name = event_instruments[column]
            reason = (
                _skip_reason(fit, column, spec, event, name, market_symbol, regressor_names, index)
                if unusable[column]
                else None
            )
            if reason:
                keep[column] = False
                diagnostics.append(
                    Diagnostic(event.event_id, event.event_date, name, "skipped", reason)
                )
                continue
            if event_fallback[column]:
                why = Message(
                    "the instrument is the benchmark; a market-based model would regress it "
                    "on itself"
                    if name == market_symbol
                    else "market-wide instrument: a broad benchmark would regress the market on "
                    "itself and remove the effect"
                )
                diagnostics.append(
                    Diagnostic(
                        event.event_id,
                        event.event_date,
                        name,
                        "model changed",
                        Message("{why}, so the constant-mean model is used", why=why),
                    )
                )
            if fit.n_event[column] < len(rel_days):
                diagnostics.append(
                    Diagnostic(
                        event.event_id,
                        event.event_date,
                        name,
                        "partial window",
                        Message(
                            "{n} of {total} event-window returns available; CAR and its "
                            "variance use those days",
                            n=fit.n_event[column],
                            total=len(rel_days),
                        ),
                    )
                )
        fits.append(replace(fit, keep=keep))

    for window in spec.dropped_windows:
        diagnostics.append(
            Diagnostic(
                "",
                pd.NaT,
                "",
                "window left out",
                Message(
                    "CAR window [{a}, {b}] is not inside the event window [{c}, {d}]",
                    a=window[0],
                    b=window[1],
                    c=spec.event_window[0],
                    d=spec.event_window[1],
                ),
            )
        )
    estimated = [fit for fit in fits if fit.keep.any()]
    panel = _panel(estimated, rel_days, est_rel_days)
    abnormal_returns, car_summary = _frames(estimated, panel, index, spec)
    notes = (
        [Message("conventions: {conventions}", conventions=conventions.describe())]
        if conventions != Conventions()
        else []
    )
    sessions = pd.Series([e.event_session for e in events], index=ids)
    for session, group in sessions.groupby(sessions, sort=True):
        if len(group) > 1:  # the CLI and the dashboard merge these; the API says so
            notes.append(
                Message(
                    "events {ids} share the session {t0}: pooled statistics count that session "
                    "once per event",
                    ids=", ".join(group.index),
                    t0=f"{session:%Y-%m-%d}",
                )
            )
    return EventStudyResult(
        spec=spec,
        abnormal_returns=abnormal_returns,
        car_summary=car_summary,
        diagnostic_records=tuple(diagnostics),
        market=market_symbol,
        notes=tuple(notes),
        panel=panel if panel.size else None,
        fits=tuple(fits),
        statistics=names,
        adjust_bh=adjust_bh,
    )


def _paired_columns(instruments: list[str], pairs, event_id: str) -> np.ndarray:
    """Positions of the instruments studied around ``event_id`` (all without ``pairs``)."""
    if pairs is None or event_id not in pairs:
        return np.arange(len(instruments))
    paired = set(pairs[event_id])
    return np.array([c for c, name in enumerate(instruments) if name in paired], dtype=int)


def _estimate_event(
    values, market_values, position, rel_days, est_rel_days, spec, fallback_mask, event,
    instruments, left_out=None,
) -> EventFit:  # fmt: skip
    """Fit, ARs and variance terms for every instrument around one event session.
    ``left_out``: session positions to leave out of this event's estimation sample (other
    events' windows, :mod:`analysis.overlaps`): their returns count as missing there."""
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
    n_left_out = 0
    if left_out is not None and len(left_out):
        masked = est_inside & np.isin(est_positions, left_out)
        n_left_out = int(masked.sum())
        if n_left_out:  # copies: ``take`` may hand out views of the caller's returns
            est_values = est_values.copy()
            est_values[masked] = np.nan
            if est_market is not None:
                est_market = est_market.copy()
                est_market[masked] = np.nan

    model = models.get(spec.model)
    fitted = model.fit(est_values, est_market)
    k = np.full(n_cols, model.k) if fitted.k is None else fitted.k.copy()
    with_error = spec.conventions.prediction_error
    c1 = model.c_term(fitted.n, with_error)
    if fallback_mask.any():
        fallback = models.get("constant-mean")
        fitted = fitted.columns(fallback_mask, fallback.fit(est_values[:, fallback_mask], None))
        k[fallback_mask] = fallback.k
        c1[fallback_mask] = fallback.c_term(fitted.n[fallback_mask], with_error)

    event_expected = fitted.expected(event_values, event_market)
    event_ar = event_values - event_expected
    # the estimation-window ARs and each series' size, a cache-sized block of columns at a time
    est_ar = np.empty_like(est_values)
    scale = np.empty(n_cols)
    for start in range(0, n_cols, models.CHUNK):
        block = slice(start, start + models.CHUNK)
        est_block = est_values[:, block]
        est_ar[:, block] = est_block - fitted.expected(est_block, est_market, block)
        # a constant series leaves rounding residue (σ̂ ~ 1e-18), not exactly 0: judge σ̂
        # against the size of the returns themselves
        # (largest |return|: fmax/fmin skip NaN without a masked copy; all-NaN gives 0)
        high = np.fmax.reduce(est_block, axis=0, initial=0.0)
        scale[block] = np.maximum(high, -np.fmin.reduce(est_block, axis=0, initial=0.0))
    n = fitted.n.astype(int)
    # the fits' residual sums of squares (market-adjusted and constant-mean residuals are
    # centred, formula 3.3; OLS residuals have mean 0): σ̂² × its own divisor
    ssr = np.where(fitted.dof > 0, fitted.sigma2 * fitted.dof, np.nan)
    degenerate = ~(ssr > (1e-10 * scale) ** 2 * np.maximum(fitted.dof, 1))
    # the same judgement for the benchmark of the market model: a flat benchmark leaves β̂
    # undefined (0/0), and every AR NaN, which must not read as "no returns"
    slope = np.full(n_cols, model.market_slope)
    slope[fallback_mask] = models.get("constant-mean").market_slope
    benchmark_flat = np.zeros(n_cols, dtype=bool)
    if est_market is not None:
        with np.errstate(all="ignore"):
            market_scale = np.nanmax(np.abs(est_market), initial=0.0)
        benchmark_flat = (slope & (fitted.n > 0)) & ~(
            np.asarray(fitted.market_sxx) > (1e-10 * market_scale) ** 2 * np.maximum(fitted.n, 1)
        )
    divisor = {"L1-k": n - k, "L1-1": n - 1, "L1": n}[spec.conventions.sigma_divisor]
    with np.errstate(divide="ignore", invalid="ignore"):
        sigma2 = np.where(divisor > 0, ssr / divisor, np.nan)
    root = None
    if model.multi:
        # a singular design (a constant or collinear regressor) is the benchmark's fault
        benchmark_flat = np.asarray(fitted.singular, dtype=bool) & (fitted.n > 0)
        root = np.zeros((fitted.r_inv.shape[1], len(event_ar), n_cols))
        if with_error:  # R⁻ᵀ x*_τ (NaN on days without the regressors: those ARs are NaN)
            design = np.column_stack([np.ones(len(event_market)), event_market[:, 1:]])
            with np.errstate(invalid="ignore"):
                root = np.einsum("pkj,tk->jtp", np.nan_to_num(fitted.r_inv), design)
            root = np.nan_to_num(root, nan=0.0)
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
    return EventFit(
        event=event,
        instruments=instruments,
        position=int(position),
        fitted=fitted,
        k=k,
        n=n,
        sigma2=sigma2,
        ssr=ssr,
        c1=c1,
        dev=dev,
        sxx=sxx,
        dev_index=dev_index,
        sxx_index=sxx_index,
        event_values=event_values,
        event_expected=event_expected,
        event_ar=event_ar,
        est_values=est_values,  # views of the returns, for the skip reasons
        est_ar=est_ar,
        est_market=est_market,
        event_market=event_market,
        event_positions=np.where(event_inside, event_positions, -1),
        est_positions=np.where(est_inside, est_positions, -1),
        n_event=(~np.isnan(event_ar)).sum(axis=0),
        degenerate=degenerate,
        benchmark_flat=benchmark_flat,
        keep=np.ones(n_cols, dtype=bool),
        n_left_out=n_left_out,
        root=root,
    )


def _skip_reason(
    fit: EventFit, column: int, spec, event, name="", market_symbol=None, regressor_names=None,
    index=None,
) -> str | None:  # fmt: skip
    """Why the pair (``name`` around ``event``) cannot be estimated, naming the series at fault
    (the instrument, the benchmark, or the K-regressor models' regressor: ``regressor_names``,
    the design block's columns after the offset, with its first valid date from ``index``);
    None if it can."""
    named = Message("benchmark {symbol}", symbol=market_symbol) if market_symbol else None
    benchmark = named or Message("the benchmark")
    bare_benchmark = named or Message("benchmark")  # after "the"
    instrument = Message("instrument {name}", name=name) if name else Message("the instrument")
    est_window = f"[{spec.estimation_window[0]}, {spec.estimation_window[1]}]"
    around = Message("around {t0}", t0=f"{event.event_session:%Y-%m-%d}")
    uses_market = fit.fitted.uses_market[column] and fit.est_market is not None
    est_market, event_market = fit.est_market, fit.event_market
    design = fit.root is not None  # a K-regressor model: a day counts with every regressor
    if design and uses_market:
        benchmark = bare_benchmark = Message("the regressors (factors or indices)")
        est_market = np.where(np.isnan(est_market).any(axis=1), np.nan, 0.0)
        event_market = np.where(np.isnan(event_market).any(axis=1), np.nan, 0.0)
    if fit.n[column] < spec.min_estimation:
        own_count = int(np.sum(~np.isnan(fit.est_values[:, column])))
        market_count = int(np.sum(~np.isnan(est_market))) if uses_market else None
        if uses_market and own_count >= spec.min_estimation > (market_count or 0):
            if design:
                return _short_regressor(fit, spec, regressor_names, index, est_window, around)
            return Message(
                "{benchmark} has only {n} valid returns in the estimation window {window} "
                "{around} (minimum {minimum})",
                benchmark=benchmark,
                n=market_count,
                window=est_window,
                around=around,
                minimum=spec.min_estimation,
            )
        cleaned = (
            Message(
                ", after leaving out {n} session(s) of other events' windows; turn the "
                "estimation cleaning off to keep them",
                n=fit.n_left_out,
            )
            if fit.n_left_out
            else ""
        )
        return Message(
            "only {n} valid estimation returns in {window} {around} (minimum {minimum}{cleaned})",
            n=fit.n[column],
            window=est_window,
            around=around,
            minimum=spec.min_estimation,
            cleaned=cleaned,
        )
    if fit.benchmark_flat[column] and design:
        return Message(
            "a regressor is constant, or a combination of the others, over the estimation "
            "window {window} {around}: the {model} model cannot be estimated; choose other "
            "factors or another second index",
            window=est_window,
            around=around,
            model=fit.fitted.model[column],
        )
    if fit.benchmark_flat[column]:
        return Message(
            "{benchmark} has zero variance over the estimation window {window} {around} "
            "(a constant series?): the market model cannot be estimated; choose another "
            "benchmark or the constant-mean model",
            benchmark=benchmark,
            window=est_window,
            around=around,
        )
    if fit.n_event[column] == 0:
        instrument_count = int(np.sum(~np.isnan(fit.event_values[:, column])))
        if uses_market and instrument_count and np.isnan(event_market).all() and design:
            return Message(
                "the regressors ({names}) have no day with every one of them valid in the "
                "event window [{a}, {b}] {around}",
                names=", ".join(regressor_names or ()),
                a=spec.event_window[0],
                b=spec.event_window[1],
                around=around,
            )
        if uses_market and instrument_count and np.isnan(event_market).all():
            return Message(
                "{benchmark} has no returns in the event window [{a}, {b}] {around}",
                benchmark=benchmark,
                a=spec.event_window[0],
                b=spec.event_window[1],
                around=around,
            )
        return Message(
            "no returns in the event window [{a}, {b}] {around}",
            a=spec.event_window[0],
            b=spec.event_window[1],
            around=around,
        )
    if fit.degenerate[column] or not fit.sigma2[column] > 0:
        values = fit.est_values[:, column]
        with np.errstate(all="ignore"):
            scale = np.nanmax(np.abs(values), initial=0.0)
            if uses_market and not design:
                gap = np.nanmax(np.abs(values - fit.est_market), initial=0.0)
                if gap <= 1e-12 * scale:
                    return Message(
                        "{instrument} is identical to the {benchmark} over the estimation "
                        "window {window}: its abnormal returns are all zero",
                        instrument=instrument,
                        benchmark=bare_benchmark,
                        window=est_window,
                    )
            spread = np.nanmax(values, initial=-np.inf) - np.nanmin(values, initial=np.inf)
        if not spread > 1e-10 * scale:
            return Message(
                "{instrument} has constant returns over the estimation window {window} "
                "{around} (a constant price?): no variance to test against",
                instrument=instrument,
                window=est_window,
                around=around,
            )
        if uses_market and design:
            return Message(
                "{instrument}'s returns are an exact linear function of the regressors over "
                "the estimation window {window}: the residual variance is zero",
                instrument=instrument,
                window=est_window,
            )
        if uses_market:
            return Message(
                "{instrument}'s returns are an exact linear function of the {benchmark}'s over "
                "the estimation window {window}: the residual variance is zero",
                instrument=instrument,
                benchmark=bare_benchmark,
                window=est_window,
            )
        return Message(
            "estimation-window abnormal returns of {instrument} have no variance",
            instrument=instrument,
        )
    return None


def _short_regressor(fit: EventFit, spec, names, index, est_window, around) -> str:
    """The K-regressor models' "too few estimation days" reason, naming the regressor with the
    fewest valid returns in the window and its first valid date there (a series that starts
    late, e.g. a REIT index listed after the estimation window began)."""
    block = fit.est_market  # offset, then the regressors
    names = list(names or ()) or [f"regressor {j}" for j in range(1, block.shape[1])]
    labels = ["RF", *names] if len(names) == block.shape[1] - 1 else names
    counts = (~np.isnan(block)).sum(axis=0)
    if len(labels) != block.shape[1]:
        labels = [f"column {j}" for j in range(block.shape[1])]
    worst = int(np.argmin(counts))
    together = int((~np.isnan(block).any(axis=1)).sum())
    if counts[worst] >= spec.min_estimation:  # each has enough; their common days do not
        return Message(
            "the regressors ({names}) have only {n} days with every one of them valid in the "
            "estimation window {window} {around} (minimum {minimum})",
            names=", ".join(labels[1:]),
            n=together,
            window=est_window,
            around=around,
            minimum=spec.min_estimation,
        )
    valid = np.flatnonzero(~np.isnan(block[:, worst]))
    positions = fit.est_positions[valid] if len(valid) else []
    first = (
        f"{index[positions[0]]:%Y-%m-%d}"
        if index is not None and len(positions) and positions[0] >= 0
        else Message("none")
    )
    return Message(
        "the regressor {name} has only {n} valid returns in the estimation window {window} "
        "{around} (its first there: {first}; minimum {minimum})",
        name=labels[worst],
        n=int(counts[worst]),
        window=est_window,
        around=around,
        first=first,
        minimum=spec.min_estimation,
    )


def _panel(fits: list[EventFit], rel_days, est_rel_days) -> Panel:
    """The estimated pairs of every event, side by side (P columns)."""

    def stack(name):
        if len(fits) == 1 and fits[0].keep.all():  # one event, nothing skipped: no copy
            return getattr(fits[0], name)
        parts = [getattr(fit, name)[..., fit.keep] for fit in fits]
        if not parts:
            shape = {
                "event_ar": (len(rel_days), 0),
                "est_ar": (len(est_rel_days), 0),
                "dev": (len(rel_days), 0),
                "dev_index": (len(rel_days), 0),
            }.get(name, (0,))
            return np.zeros(shape)
        return np.concatenate(parts, axis=-1)

    columns = ["instrument", "event_id", "event_date", "event_session", "model"]
    per_event = [
        pd.DataFrame(
            {
                "instrument": np.array(fit.instruments, dtype=object)[fit.keep],
                "event_id": fit.event.event_id,
                "event_date": fit.event.event_date,
                "event_session": fit.event.event_session,
                "model": fit.model_names[fit.keep],
            },
            columns=columns,
        )
        for fit in fits
    ]
    pairs = pd.concat(per_event, ignore_index=True) if per_event else pd.DataFrame(columns=columns)
    positions = {}
    for name, rows in (("event_positions", len(rel_days)), ("est_positions", len(est_rel_days))):
        # every pair of one event shares its rows' sessions: read-only broadcast views
        parts = [
            np.broadcast_to(getattr(fit, name)[:, None], (rows, int(fit.keep.sum())))
            for fit in fits
        ]
        if len(parts) == 1:
            positions[name] = parts[0]
        else:
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
        root=stack("root") if fits and fits[0].root is not None else None,
    )


def _frames(fits: list[EventFit], panel: Panel, index, spec):
    from scipy import special  # on first use, not at import: see analysis.statistics._t_p

    ar_parts, car_parts = [], []
    start = 0
    windows = spec.windows
    car, variance, n_valid = panel.car(windows)
    sar = panel.sar("own")
    for fit in fits:
        columns = np.flatnonzero(fit.keep)
        count = len(columns)
        span = slice(start, start + count)
        start += count
        event = fit.event
        n_days = len(panel.rel_days)
        positions = fit.event_positions
        dates = pd.DatetimeIndex([index[p] if p >= 0 else pd.NaT for p in positions])
        valid = ~np.isnan(fit.event_ar[:, columns])
        cumulative = np.cumsum(np.where(valid, fit.event_ar[:, columns], 0.0), axis=0)
        # strings converted to pandas' string type once, then gathered (no per-row work)
        names = pd.array(np.array(fit.instruments, dtype=object)[columns], dtype="str")
        model_names = pd.array(fit.model_names[columns].astype(str), dtype="str")
        per_day = np.repeat(np.arange(count), n_days)
        ar_parts.append(
            pd.DataFrame(
                {
                    "instrument": names.take(per_day),
                    "event_date": event.event_date,
                    "rel_day": np.tile(panel.rel_days, count),
                    "date": np.tile(dates, count),
                    "return": fit.event_values[:, columns].T.ravel(),
                    "expected_return": fit.event_expected[:, columns].T.ravel(),
                    "abnormal_return": fit.event_ar[:, columns].T.ravel(),
                    "car": cumulative.T.ravel(),
                    "event_id": event.event_id,
                    "event_session": event.event_session,
                    "model": model_names.take(per_day),
                    "sar": sar[:, span].T.ravel(),
                }
            )
        )
        dof = fit.dof(spec.conventions)[columns]
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
                    "n_estimation": np.repeat(fit.n[columns], n_windows),
                    "alpha": np.repeat(np.asarray(fit.fitted.alpha)[columns], n_windows),
                    "beta": np.repeat(np.asarray(fit.fitted.beta)[columns], n_windows),
                    "sigma": np.repeat(np.sqrt(fit.sigma2[columns]), n_windows),
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
    outside = abnormal_returns["date"].isna().to_numpy()
    if outside.any():  # relative days past the end (or start) of the data
        abnormal_returns = abnormal_returns[~outside].reset_index(drop=True)
    car_summary = _concat(car_parts, CAR_COLUMNS)
    return abnormal_returns, car_summary


def _concat(parts: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    if not parts:
        return pd.DataFrame(columns=columns)
    if len(parts) == 1 and list(parts[0].columns) == columns:  # one event: no copy
        return parts[0]
    return pd.concat(parts, ignore_index=True)[columns]
