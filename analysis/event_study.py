"""Per instrument × event abnormal returns, CARs and their single-firm tests.

Timing: relative day 0 is the event session t0 (the first session at or after the moment the
market could react). Relative days count *sessions of the calendar the returns are indexed by*
(the Shanghai calendar in the app), so a suspension or a gap in one series never shifts them.
Defaults follow the Foundation spec: estimation window [−250, −11], event window [−5, +5].

For each instrument i and event: the normal-return model is fitted on the estimation window
(:mod:`analysis.models`); AR_iτ = R_iτ − E[R_iτ]; CAR_i = Σ_τ AR_iτ over the valid event days;
Var(CAR_i) carries the estimation-error correction (formula 3.3 of the project's formula sheet;
CLM eq. 4.4.17–18; MacKinlay 1997 eq. 13); t = CAR_i / SE(CAR_i) with a two-sided p-value from
Student's t with L1 − k degrees of freedom (L1 − 2 for the market model).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from analysis import models
from analysis.returns import RETURN_KINDS

AR_COLUMNS = [
    "instrument",
    "event_date",
    "rel_day",
    "date",
    "return",
    "expected_return",
    "abnormal_return",
    "car",
    "event_id",
    "event_session",
    "model",
]
CAR_COLUMNS = [
    "instrument",
    "event_date",
    "event_session",
    "window_start",
    "window_end",
    "n_estimation",
    "alpha",
    "beta",
    "sigma",
    "car",
    "car_se",
    "t_stat",
    "p_value",
    "event_id",
    "model",
    "n_event_days",
    "dof",
]
DIAGNOSTIC_COLUMNS = ["event_id", "event_date", "instrument", "status", "reason"]


class EventStudyInputError(ValueError):
    """A study that cannot run as asked (bad window, no market series, ...); says why."""


@dataclass(frozen=True)
class EventStudySpec:
    """What to estimate: model, windows in relative sessions, return kind, minimum L1."""

    model: str = "market"
    estimation_window: tuple[int, int] = (-250, -11)
    event_window: tuple[int, int] = (-5, 5)
    returns: str = "simple"
    min_estimation: int = 120

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

    def describe(self) -> str:
        """One line naming the method, for CSV metadata and the UI."""
        model_text = {
            "market": "market model (OLS)",
            "constant-mean": "constant-mean model",
            "market-adjusted": "market-adjusted model",
        }[self.model]
        return (
            f"{model_text}; {self.returns} returns; estimation window "
            f"[{self.estimation_window[0]}, {self.estimation_window[1]}] sessions; event window "
            f"[{self.event_window[0]}, {self.event_window[1]}]; minimum {self.min_estimation} "
            "estimation returns; CAR variance with estimation-error correction (CLM 4.4.17-18); "
            "t-test two-sided, Student t with L1-k df"
        )


@dataclass(frozen=True)
class Event:
    """One event: an id, the announcement date, and the session t0 the market could react on."""

    event_id: str
    event_date: pd.Timestamp
    event_session: pd.Timestamp


@dataclass
class EventStudyResult:
    """Tidy results: ``abnormal_returns`` (one row per instrument × event × relative day),
    ``car_summary`` (one row per instrument × event), ``diagnostics`` (what was skipped or
    changed, and why)."""

    spec: EventStudySpec
    abnormal_returns: pd.DataFrame
    car_summary: pd.DataFrame
    diagnostics: pd.DataFrame
    market: str | None = None
    notes: list[str] = field(default_factory=list)

    def frames(self) -> dict[str, pd.DataFrame]:
        return {
            "abnormal_returns": self.abnormal_returns,
            "car_summary": self.car_summary,
            "diagnostics": self.diagnostics,
        }

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
) -> EventStudyResult:
    """Run ``spec`` for every instrument (column of ``returns``) around every event.

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
    index = returns.index
    values = returns.to_numpy(dtype=float)
    market_values = None if market is None else market.reindex(index).to_numpy(dtype=float)
    instruments = [str(column) for column in returns.columns]
    market_wide = set(constant_mean_for)
    self_market = np.array(
        [
            spec.model != "constant-mean" and (name == market_symbol or name in market_wide)
            for name in instruments
        ]
    )

    ar_parts, car_parts, diagnostics = [], [], []
    rel_days = np.arange(spec.event_window[0], spec.event_window[1] + 1)
    for event in events:
        position = index.get_indexer([event.event_session])[0]
        if position < 0:
            span = f"{index[0]:%Y-%m-%d} to {index[-1]:%Y-%m-%d}" if len(index) else "empty"
            for name in instruments:
                diagnostics.append(
                    (
                        event.event_id,
                        event.event_date,
                        name,
                        "skipped",
                        f"event session {event.event_session:%Y-%m-%d} is outside "
                        f"the data ({span})",
                    )
                )
            continue
        est_rows = _rows(position, spec.estimation_window, len(index))
        event_rows = position + rel_days
        inside = (event_rows >= 0) & (event_rows < len(index))
        event_values = np.full((len(rel_days), len(instruments)), np.nan)
        event_values[inside] = values[event_rows[inside]]
        event_market = None
        if market_values is not None:
            event_market = np.full(len(rel_days), np.nan)
            event_market[inside] = market_values[event_rows[inside]]
        est_market = None if market_values is None else market_values[est_rows]

        fitted = models.fit(spec.model, values[est_rows], est_market)
        expected = fitted.expected(event_values, event_market)
        model_names = np.full(len(instruments), spec.model, dtype=object)
        if self_market.any():
            fallback = models.fit("constant-mean", values[est_rows][:, self_market], None)
            expected[:, self_market] = fallback.expected(event_values[:, self_market], None)
            fitted = _merge_fallback(fitted, fallback, self_market)
            model_names[self_market] = "constant-mean"
        abnormal = event_values - expected
        valid_event = ~np.isnan(abnormal)
        n_event = valid_event.sum(axis=0)
        if event_market is not None:
            deviation = np.where(valid_event, event_market[:, None] - fitted.market_mean, 0.0)
            market_sum_dev = deviation.sum(axis=0)
        else:
            market_sum_dev = np.zeros(len(instruments))
        variance = _car_variance(fitted, model_names, n_event, market_sum_dev)
        car = np.where(valid_event, abnormal, 0.0).sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            car_se = np.sqrt(variance)
            t_stat = car / car_se
        p_value = 2.0 * stats.t.sf(np.abs(t_stat), fitted.dof)

        keep = np.ones(len(instruments), dtype=bool)
        for column, name in enumerate(instruments):
            reason = None
            if fitted.n[column] < spec.min_estimation:
                reason = (
                    f"only {fitted.n[column]} valid estimation returns in "
                    f"[{spec.estimation_window[0]}, {spec.estimation_window[1]}] "
                    f"(minimum {spec.min_estimation})"
                )
            elif n_event[column] == 0:
                reason = (
                    f"no returns in the event window [{spec.event_window[0]}, "
                    f"{spec.event_window[1]}] around {event.event_session:%Y-%m-%d}"
                )
            elif not fitted.sigma2[column] > 0:
                reason = "estimation-window returns have no variance"
            if reason:
                keep[column] = False
                diagnostics.append((event.event_id, event.event_date, name, "skipped", reason))
                continue
            if self_market[column]:
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
            if n_event[column] < len(rel_days):
                diagnostics.append(
                    (
                        event.event_id,
                        event.event_date,
                        name,
                        "partial window",
                        f"{n_event[column]} of {len(rel_days)} event-window returns "
                        "available; CAR and its variance use those days",
                    )
                )
        if not keep.any():
            continue
        dates = pd.DatetimeIndex(
            [index[row] if ok else pd.NaT for row, ok in zip(event_rows, inside, strict=True)]
        )
        cumulative = np.cumsum(np.where(valid_event, abnormal, 0.0), axis=0)
        columns = np.flatnonzero(keep)
        n_days = len(rel_days)
        ar_parts.append(
            pd.DataFrame(
                {
                    "instrument": np.repeat(np.array(instruments, dtype=object)[columns], n_days),
                    "event_date": event.event_date,
                    "rel_day": np.tile(rel_days, len(columns)),
                    "date": np.tile(dates, len(columns)),
                    "return": event_values[:, columns].T.ravel(),
                    "expected_return": expected[:, columns].T.ravel(),
                    "abnormal_return": abnormal[:, columns].T.ravel(),
                    "car": cumulative[:, columns].T.ravel(),
                    "event_id": event.event_id,
                    "event_session": event.event_session,
                    "model": np.repeat(model_names[columns], n_days),
                }
            )
        )
        car_parts.append(
            pd.DataFrame(
                {
                    "instrument": np.array(instruments, dtype=object)[columns],
                    "event_date": event.event_date,
                    "event_session": event.event_session,
                    "window_start": spec.event_window[0],
                    "window_end": spec.event_window[1],
                    "n_estimation": fitted.n[columns],
                    "alpha": fitted.alpha[columns],
                    "beta": fitted.beta[columns],
                    "sigma": np.sqrt(fitted.sigma2[columns]),
                    "car": car[columns],
                    "car_se": car_se[columns],
                    "t_stat": t_stat[columns],
                    "p_value": p_value[columns],
                    "event_id": event.event_id,
                    "model": model_names[columns],
                    "n_event_days": n_event[columns],
                    "dof": fitted.dof[columns],
                }
            )
        )
    abnormal_returns = _concat(ar_parts, AR_COLUMNS)
    abnormal_returns = abnormal_returns[abnormal_returns["date"].notna()].reset_index(drop=True)
    return EventStudyResult(
        spec=spec,
        abnormal_returns=abnormal_returns,
        car_summary=_concat(car_parts, CAR_COLUMNS),
        diagnostics=pd.DataFrame(diagnostics, columns=DIAGNOSTIC_COLUMNS),
        market=market_symbol,
    )


def _rows(position: int, window: tuple[int, int], length: int) -> np.ndarray:
    rows = np.arange(position + window[0], position + window[1] + 1)
    return rows[(rows >= 0) & (rows < length)]


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


def _car_variance(
    fitted: models.FittedModel,
    model_names: np.ndarray,
    n_event: np.ndarray,
    market_sum_dev: np.ndarray,
) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        variance = fitted.car_variance(n_event, market_sum_dev)
        constant_mean = model_names == "constant-mean"
        if constant_mean.any() and fitted.model != "constant-mean":
            variance[constant_mean] = (fitted.sigma2 * (n_event + n_event**2 / fitted.n))[
                constant_mean
            ]
    return variance


def _concat(parts: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    if not parts:
        return pd.DataFrame(columns=columns)
    return pd.concat(parts, ignore_index=True)[columns]
