"""Theme × segment view: the CAAR of every catalogue measure, by communiqué task and segment.

For each segment, one event study runs over the segment's instruments and every measure that
touches it (market model on the segment's benchmark; market-wide segments, which have none, use
the constant-mean model so the market is not regressed on itself). Each (measure, instrument)
pair gives a CAR over the chosen window; pairs are then grouped by the measure's theme and the
segment.

The cell statistic guards against the dependence that matters here. Instruments of one segment
react to the same announcement on the same day (CSI 300 and the SSE Composite are nearly the
same series), so pairs of one measure are *not* independent observations. Each measure's CARs
are therefore first averaged over the segment's instruments (one observation per measure), and

* with two or more measures, the cell tests the mean of those measure-level CARs with the
  cross-sectional t-test, t = mean / (s / √N) on N − 1 degrees of freedom (Brown & Warner 1985),
  which needs no variance estimate from the estimation window and is robust to event-induced
  variance;
* with a single measure measured on a single instrument, the cell reports that pair's own
  t-test (CAR / SE on L1 − k degrees of freedom, Campbell, Lo & MacKinlay 1997, eq. 4.4.17–18);
* a single measure over several instruments has no valid test without their covariance; the
  cell shows the CAAR with ``test = "none (1 measure, k instruments)"``.

Measures that share their session t0 are one observation for the test (their CARs are the same
numbers); a spread that is zero, or zero up to rounding, gives no test rather than t = ±inf.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.event_study import Event, EventStudyInputError, EventStudySpec
from analysis.statistics import RELATIVE_ZERO
from analysis.study import study_from_bars

CELL_COLUMNS = [
    "theme",
    "segment",
    "n_measures",
    "n_pairs",
    "caar",
    "t_stat",
    "p_value",
    "test",
    "measure_ids",
    "instruments",
]
PAIR_COLUMNS = [
    "theme",
    "segment",
    "event_id",
    "instrument",
    "event_session",
    "car",
    "car_se",
    "t_stat",
    "p_value",
    "model",
]


@dataclass
class ThemeSegmentResult:
    """``cells``: one row per theme × segment; ``pairs``: the CARs behind them; ``skipped``:
    segments or pairs that could not be studied, and why."""

    window: tuple[int, int]
    cells: pd.DataFrame
    pairs: pd.DataFrame
    skipped: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        return self.cells


def cell_statistics(pairs: pd.DataFrame) -> pd.DataFrame:
    """Aggregate pair CARs (columns of :data:`PAIR_COLUMNS`) into theme × segment cells."""
    from scipy import special  # on first use, not at import: see analysis.statistics._t_p

    rows = []
    for (theme, segment), group in pairs.groupby(["theme", "segment"], sort=True):
        per_measure = group.groupby("event_id")["car"].mean()
        n_measures, n_pairs = len(per_measure), len(group)
        caar = float(per_measure.mean())
        # measures on one session are one observation (their CARs are the same numbers): the
        # test runs over sessions, never over copies (a zero spread, t = ±inf)
        session = group.groupby("event_id")["event_session"].first()
        observation = session.astype(object).where(session.notna(), session.index.to_series())
        per_session = per_measure.groupby(observation.reindex(per_measure.index), sort=False).mean()
        n_sessions = len(per_session)
        shared = f" on {n_sessions} sessions" if n_sessions < n_measures else ""
        if n_sessions >= 2:
            spread = float(per_session.std(ddof=1))
            size = float(per_session.abs().max())
            t_stat = (
                float(per_session.mean()) / (spread / np.sqrt(n_sessions))
                if spread > RELATIVE_ZERO * size
                else np.nan
            )
            p_value = (  # = stats.t.sf(|t|, n - 1)
                2 * special.stdtr(n_sessions - 1, -abs(t_stat)) if np.isfinite(t_stat) else np.nan
            )
            test = f"cross-sectional t over {n_measures} measures{shared}"
            if not np.isfinite(t_stat):
                test += " (zero spread: no test)"
        elif n_measures >= 2:  # every measure on one session
            single = group.drop_duplicates("instrument")
            if len(single) == 1:
                t_stat, p_value = float(single["t_stat"].iloc[0]), float(single["p_value"].iloc[0])
                test = f"CAR t-test (1 session shared by {n_measures} measures, 1 instrument)"
            else:
                t_stat = p_value = np.nan
                test = (
                    f"none (1 session shared by {n_measures} measures, {len(single)} instruments)"
                )
        elif n_pairs == 1:
            t_stat, p_value = float(group["t_stat"].iloc[0]), float(group["p_value"].iloc[0])
            test = "CAR t-test (1 measure, 1 instrument)"
        else:
            t_stat = p_value = np.nan
            test = f"none (1 measure, {n_pairs} instruments)"
        rows.append(
            {
                "theme": theme,
                "segment": segment,
                "n_measures": n_measures,
                "n_pairs": n_pairs,
                "caar": caar,
                "t_stat": t_stat,
                "p_value": p_value,
                "test": test,
                "measure_ids": ", ".join(per_measure.index),
                "instruments": ", ".join(dict.fromkeys(group["instrument"])),
            }
        )
    return pd.DataFrame(rows, columns=CELL_COLUMNS)


def theme_segment_study(
    bars: pd.DataFrame,
    measures: pd.DataFrame,
    segments: pd.DataFrame,
    spec: EventStudySpec,
    sessions: pd.DatetimeIndex,
    window: tuple[int, int],
    market_wide: Sequence[str] = (),
) -> ThemeSegmentResult:
    """Study every measure on the instruments of every segment it touches.

    ``measures``: catalogue rows (``id``, ``theme``, ``segments``, ``announcement_date``,
    ``event_session``, optionally ``secondary_themes``) with a known t0. A measure counts in the
    row of its theme and of each secondary theme (it carries out each of those tasks).
    ``segments``: the segment table (``id``, ``instruments``, ``benchmark``). Only instruments
    present in ``bars`` are used. ``window`` must be one of ``spec.windows``.
    """
    measures = measures.assign(
        themes=[
            (row.theme, *tuple(getattr(row, "secondary_themes", ()) or ()))
            for row in measures.itertuples()
        ]
    )
    if tuple(window) not in spec.windows:
        raise EventStudyInputError(f"window {window} is not one of the study's CAR windows")
    stored = set(bars["symbol"])
    pair_parts, skipped = [], []
    for segment in segments.itertuples():
        touching = measures[measures["segments"].map(lambda codes, s=segment.id: s in codes)]
        if touching.empty:
            continue
        instruments = [s for s in segment.instruments if s in stored]
        if not instruments:
            skipped.append((segment.id, "", "no stored instrument for this segment"))
            continue
        market = segment.benchmark if segment.benchmark in stored else None
        segment_spec = spec if market else _constant_mean(spec)
        events = [
            Event(row.id, row.announcement_date, row.event_session) for row in touching.itertuples()
        ]
        try:
            result = study_from_bars(
                bars,
                instruments,
                events,
                segment_spec,
                sessions,
                market,
                constant_mean_for=[s for s in instruments if s in set(market_wide)],
                # cells need the CARs only: one cheap statistic instead of the whole battery
                statistics=("mean",),
            )
        except EventStudyInputError as error:
            skipped.append((segment.id, "", str(error)))
            continue
        summary = result.car_summary
        summary = summary[
            (summary["window_start"] == window[0]) & (summary["window_end"] == window[1])
        ]
        membership = touching.set_index("id")["themes"]
        pair_parts.append(
            summary.assign(segment=segment.id, theme=summary["event_id"].map(membership)).explode(
                "theme"
            )
        )
        for row in result.diagnostics.itertuples():
            if row.status != "ok":
                skipped.append((segment.id, f"{row.event_id} · {row.instrument}", row.reason))
    pairs = (
        pd.concat(pair_parts, ignore_index=True)[PAIR_COLUMNS]
        if pair_parts
        else pd.DataFrame(columns=PAIR_COLUMNS)
    )
    pairs = pairs.dropna(subset=["car"]).reset_index(drop=True)
    return ThemeSegmentResult(
        tuple(window),
        cell_statistics(pairs),
        pairs,
        pd.DataFrame(skipped, columns=["segment", "pair", "reason"]),
    )


def _constant_mean(spec: EventStudySpec) -> EventStudySpec:
    from dataclasses import replace

    return replace(spec, model="constant-mean")
