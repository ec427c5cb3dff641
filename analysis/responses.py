"""Volume and volatility responses around events, with the same windows and tests as returns.

* Abnormal volume (Campbell & Wasley 1996 style): v_t = ln(volume_t); AV_iτ = v_iτ − v̄_i, v̄_i
  the mean of v over the L1_i valid estimation days — i.e. the constant-mean model applied to
  log volume, so the estimation-error-corrected variances and every aggregate statistic of
  :mod:`analysis.statistics` apply unchanged. The standardised abnormal volume is the
  constant-mean SAR (formulas 3.2 and 3.5 with no market term):
  SAV_iτ = AV_iτ / (σ̂_i · sqrt(1 + 1/L1_i)), σ̂²_i = Σ (v_it − v̄_i)² / (L1_i − 1) — the
  forecast-error SD, since v̄_i is itself estimated. Under the eventstudy conventions (no
  prediction-error term, σ̂ divisor L1_i) it is AV_iτ / σ̂_i. Zero or missing volume is a
  missing observation. :func:`abnormal_volume` returns an :class:`AbnormalVolumeResult` whose
  tables name their columns for what they are (log volume, not returns) and whose
  :attr:`~AbnormalVolumeResult.method` names the log-volume model (the ``method`` column of
  ``abnormal_volume*.csv``), not the returns model.
* Abnormal volatility: the ratio AR²_iτ / σ̂²_i of the squared abnormal return to the
  estimation-window residual variance; 1 on average under H0. Tested with the cross-sectional
  t of (ratio − 1) per day, and of (mean ratio over the window − 1) per window
  (:func:`analysis.statistics.cross_sectional_t_test`). :func:`abnormal_volatility` returns an
  :class:`AbnormalVolatilityResult`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np
import pandas as pd

from analysis.event_study import (
    Event,
    EventStudyResult,
    EventStudySpec,
    dof_rule,
    run_event_study,
)
from analysis.statistics import TEST_COLUMNS, cross_sectional_t_test

#: The engine's return-named columns → what they hold for log volume.
VOLUME_NAMES = {
    "return": "log_volume",
    "expected_return": "expected_log_volume",
    "abnormal_return": "abnormal_log_volume",
    "car": "cumulative_abnormal_log_volume",
    "sar": "standardised_abnormal_log_volume",
    "alpha": "mean_log_volume",
    "car_se": "cumulative_abnormal_log_volume_se",
    "scar": "standardised_cumulative_abnormal_log_volume",
}
VOLUME_COLUMNS = [
    "instrument", "event_date", "rel_day", "date", "log_volume", "expected_log_volume",
    "abnormal_log_volume", "cumulative_abnormal_log_volume", "event_id", "event_session",
    "model", "standardised_abnormal_log_volume",
]  # fmt: skip
VOLUME_WINDOW_COLUMNS = [
    "instrument", "event_date", "event_session", "window_start", "window_end", "n_estimation",
    "mean_log_volume", "sigma", "cumulative_abnormal_log_volume",
    "cumulative_abnormal_log_volume_se", "t_stat", "p_value", "event_id", "model",
    "n_event_days", "dof", "standardised_cumulative_abnormal_log_volume",
]  # fmt: skip
VOLATILITY_COLUMNS = ["instrument", "event_id", "rel_day", "volatility_ratio"]
VOLATILITY_TEST_COLUMNS = [*TEST_COLUMNS, "mean_ratio"]


@dataclass(frozen=True, eq=False)
class AbnormalVolumeResult:
    """Abnormal log volume. ``daily``: one row per instrument × event × relative day (log
    volume, its expected value, the abnormal log volume, its cumulative sum and standardised
    form); ``cumulative``: one row per instrument × event × window (the cumulative abnormal log
    volume, its SE, t and p); ``tests``: the aggregate statistics (computed when first read);
    ``study``: the underlying constant-mean event study on log volume (its columns are named
    for returns)."""

    study: EventStudyResult

    @cached_property
    def daily(self) -> pd.DataFrame:
        return self.study.abnormal_returns.rename(columns=VOLUME_NAMES)[VOLUME_COLUMNS]

    @cached_property
    def cumulative(self) -> pd.DataFrame:
        return self.study.car_summary.rename(columns=VOLUME_NAMES)[VOLUME_WINDOW_COLUMNS]

    @property
    def tests(self) -> pd.DataFrame:
        return self.study.tests

    @cached_property
    def method(self) -> str:
        """One line naming the abnormal-volume method actually used (the ``method`` metadata of
        the abnormal-volume CSVs): the constant-mean model on log volume, whatever model the
        returns study uses."""
        spec = self.study.spec
        conventions = spec.conventions
        error = (
            "variance with estimation-error correction (SAV = AV / (sigma sqrt(1 + 1/L1)))"
            if conventions.prediction_error
            else "variance L·sigma^2 (SAV = AV / sigma)"
        )
        return (
            "abnormal log volume: constant-mean model on ln(volume) (Campbell & Wasley 1996; "
            "zero or missing volume is missing), AV = ln(volume) - mean ln(volume) over the "
            f"estimation window [{spec.estimation_window[0]}, {spec.estimation_window[1]}] "
            f"sessions; event window [{spec.event_window[0]}, {spec.event_window[1]}]; minimum "
            f"{spec.min_estimation} estimation days; {error}; t-test two-sided, Student t with "
            f"{dof_rule(conventions, 'constant-mean')}; {conventions.describe()}"
        )

    @property
    def diagnostics(self) -> pd.DataFrame:
        return self.study.diagnostics

    def to_frame(self) -> pd.DataFrame:
        """The daily abnormal log volume (``abnormal_volume.csv``)."""
        return self.daily

    def frames(self) -> dict[str, pd.DataFrame]:
        """The tables by export name."""
        return {
            "abnormal_volume": self.daily,
            "abnormal_volume_cumulative": self.cumulative,
            "abnormal_volume_tests": self.tests,
        }


@dataclass(frozen=True, eq=False)
class AbnormalVolatilityResult:
    """``ratios``: AR² / σ̂² per pair and day; ``tests``: their cross-sectional t per event, day
    and window (statistic ``volatility_ratio_t``, with the ``mean_ratio``)."""

    ratios: pd.DataFrame
    tests: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        return self.ratios

    def frames(self) -> dict[str, pd.DataFrame]:
        if self.ratios.empty:
            return {}
        return {"abnormal_volatility": self.ratios, "abnormal_volatility_tests": self.tests}


def abnormal_volume(
    volumes: pd.DataFrame,
    events: Sequence[Event],
    spec: EventStudySpec,
    statistics: Sequence[str] | None = None,
    estimation_exclusions=None,
    pairs=None,
) -> AbnormalVolumeResult:
    """Abnormal log volume: the constant-mean model on ln(volume), same windows and tests.

    ``volumes`` is indexed by the session calendar (missing sessions NaN).
    ``estimation_exclusions``: as :func:`analysis.event_study.run_event_study` (the return
    study's contamination cleaning applies to the volume baseline too), and ``pairs``.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        log_volume = np.log(volumes.where(volumes > 0))
    volume_spec = replace(spec, model="constant-mean")
    return AbnormalVolumeResult(
        run_event_study(
            log_volume,
            events,
            volume_spec,
            statistics=statistics,
            estimation_exclusions=estimation_exclusions,
            pairs=pairs,
        )
    )


def abnormal_volatility(result: EventStudyResult) -> AbnormalVolatilityResult:
    """Per pair and day the ratio AR² / σ̂², and its tests (statistic ``volatility_ratio_t``)."""
    panel = result.panel
    if panel is None:
        return AbnormalVolatilityResult(
            pd.DataFrame(columns=VOLATILITY_COLUMNS), pd.DataFrame(columns=VOLATILITY_TEST_COLUMNS)
        )
    ratio = panel.ar**2 / panel.sigma2
    frame = pd.DataFrame(
        {
            "instrument": np.tile(panel.pairs["instrument"].to_numpy(), len(panel.rel_days)),
            "event_id": np.tile(panel.pairs["event_id"].to_numpy(), len(panel.rel_days)),
            "rel_day": np.repeat(panel.rel_days, panel.size),
            "volatility_ratio": ratio.ravel(),
        }
    )[VOLATILITY_COLUMNS]
    windows = result.spec.windows
    indicator = panel.window_matrix(windows)
    valid = ~np.isnan(ratio)
    with np.errstate(invalid="ignore", divide="ignore"):
        window_ratio = (indicator @ np.where(valid, ratio, 0.0)) / (indicator @ valid)
    parts = []
    for event_id in dict.fromkeys(panel.pairs["event_id"]):
        columns = (panel.pairs["event_id"] == event_id).to_numpy()
        t, p, n, mean, _ = cross_sectional_t_test(ratio[:, columns], 1.0)
        wt, wp, wn, wmean, _ = cross_sectional_t_test(window_ratio[:, columns], 1.0)
        days, count = len(panel.rel_days), len(windows)
        parts.append(
            pd.DataFrame(
                {
                    "statistic": "volatility_ratio_t",
                    "window_start": [windows[0][0]] * days + [w[0] for w in windows],
                    "window_end": [windows[0][1]] * days + [w[1] for w in windows],
                    "rel_day": pd.array([*map(int, panel.rel_days), *[None] * count], "Int64"),
                    "value": np.concatenate([t, wt]),
                    "p_value": np.concatenate([p, wp]),
                    "n": np.concatenate([n, wn]),
                    "event_id": event_id,
                    "mean_ratio": np.concatenate([mean, wmean]),
                },
                columns=VOLATILITY_TEST_COLUMNS,
            )
        )
    return AbnormalVolatilityResult(frame, pd.concat(parts, ignore_index=True))
