"""Volume and volatility responses around events, with the same windows and tests as returns.

* Abnormal volume (Campbell & Wasley 1996 style): v_t = ln(volume_t); AV_iτ = v_iτ − mean of v
  over the estimation window — i.e. the constant-mean model applied to log volume, so the
  estimation-error-corrected variances, SAV (= AV standardised by its estimation SD) and every
  aggregate statistic of :mod:`analysis.statistics` apply unchanged. Zero or missing volume
  is a missing observation.
* Abnormal volatility: the ratio AR²_iτ / σ̂²_i of the squared abnormal return to the
  estimation-window residual variance; 1 on average under H0. Tested with the cross-sectional
  t of (ratio − 1) per day, and of (mean ratio over the window − 1) per window.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pandas as pd

from analysis.event_study import Event, EventStudyResult, EventStudySpec, run_event_study
from analysis.statistics import TEST_COLUMNS

VOLATILITY_COLUMNS = ["instrument", "event_id", "rel_day", "volatility_ratio"]


def abnormal_volume(
    volumes: pd.DataFrame,
    events: Sequence[Event],
    spec: EventStudySpec,
    statistics: Sequence[str] | None = None,
) -> EventStudyResult:
    """Abnormal log volume: the constant-mean model on ln(volume), same windows and tests.

    ``volumes`` is indexed by the session calendar (missing sessions NaN). In the result,
    ``abnormal_return`` is the abnormal log volume, ``sar`` its standardised form and ``car``
    the cumulative abnormal log volume.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        log_volume = np.log(volumes.where(volumes > 0))
    volume_spec = replace(spec, model="constant-mean")
    return run_event_study(log_volume, events, volume_spec, statistics=statistics)


def abnormal_volatility(result: EventStudyResult) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per pair and day the ratio AR² / σ̂², and its tests (statistic ``volatility_ratio_t``).

    Returns ``(ratios, tests)``; ``tests`` has the columns of the tests table.
    """
    panel = result.panel
    if panel is None:
        empty = pd.DataFrame(columns=VOLATILITY_COLUMNS)
        return empty, pd.DataFrame()
    ratio = panel.ar**2 / panel.sigma2
    frame = pd.DataFrame(
        {
            "instrument": np.tile(panel.pairs["instrument"].to_numpy(), len(panel.rel_days)),
            "event_id": np.tile(panel.pairs["event_id"].to_numpy(), len(panel.rel_days)),
            "rel_day": np.repeat(panel.rel_days, panel.size),
            "volatility_ratio": ratio.ravel(),
        }
    )[VOLATILITY_COLUMNS]
    rows = []
    windows = result.spec.windows
    indicator = panel.window_matrix(windows)
    valid = ~np.isnan(ratio)
    with np.errstate(invalid="ignore", divide="ignore"):
        window_ratio = (indicator @ np.where(valid, ratio, 0.0)) / (indicator @ valid)
    for event_id in dict.fromkeys(panel.pairs["event_id"]):
        columns = (panel.pairs["event_id"] == event_id).to_numpy()
        for i, rel_day in enumerate(panel.rel_days):
            rows.append(_ratio_row(ratio[i, columns], windows[0], int(rel_day), event_id))
        for w, window in enumerate(windows):
            rows.append(_ratio_row(window_ratio[w, columns], window, None, event_id))
    tests = pd.DataFrame(rows, columns=[*TEST_COLUMNS, "mean_ratio"])
    tests["rel_day"] = tests["rel_day"].astype("Int64")
    return frame, tests


def _ratio_row(values: np.ndarray, window, rel_day, event_id):
    from scipy import special  # on first use, not at import: see analysis.statistics._t_p

    values = values[~np.isnan(values)]
    n = len(values)
    mean = values.mean() if n else np.nan
    if n > 1 and values.std(ddof=1) > 0:
        t = (mean - 1.0) / (values.std(ddof=1) / np.sqrt(n))
        p = 2 * special.stdtr(n - 1, -abs(t))  # = stats.t.sf(|t|, n - 1)
    else:
        t = p = np.nan
    return ("volatility_ratio_t", window[0], window[1], rel_day, t, p, n, event_id, mean)
