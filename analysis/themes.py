"""Theme × segment view: the CAAR of every catalogue measure, by communiqué task and segment.

For each segment, one event study runs over the segment's instruments and every measure that
touches it, through the study API (:func:`analysis.api.run_study`, :func:`segment_request`):
market model on the segment's benchmark; market-wide segments, which have none, use the
constant-mean model so the market is not regressed on itself. Each (measure, instrument)
pair gives a CAR over the chosen window; pairs are then grouped by the measure's theme and the
segment.

The cell statistic guards against the dependence that matters here. Instruments of one segment
react to the same announcement on the same day (CSI 300 and the SSE Composite are nearly the
same series), so pairs of one measure are *not* independent observations. Each measure's CARs
are therefore first averaged over the segment's instruments (one observation per overlap
cluster, see below), and

* with two or more clusters, the cell tests the mean of those cluster-level CARs with the
  cross-sectional t-test, t = mean / (s / √N) on N − 1 degrees of freedom (Brown & Warner 1985),
  which needs no variance estimate from the estimation window and is robust to event-induced
  variance;
* with a single measure measured on a single instrument, the cell reports that pair's own
  t-test (CAR / SE on L1 − k degrees of freedom, Campbell, Lo & MacKinlay 1997, eq. 4.4.17–18);
* a single measure over several instruments has no valid test without their covariance; the
  cell shows the CAAR with ``test = "none (1 measure, k instruments)"``.

Measures whose event windows overlap are one observation, not several (their CARs share the
same days: 2024-09-24 and 2024-09-26 are not two independent reactions). Each segment is
studied with the overlap rule ``merge`` (:mod:`analysis.overlaps`: clusters bounded by the event
window, each cluster one event at its first session), so every pair row carries its
``cluster`` (the merged event's id) and the cell averages and tests over clusters: one
observation per cluster (the mean over the segment's instruments of the cluster's CAR). The
cell says how many clusters (``n_clusters``) and measures (``n_measures``) it pools. A spread
that is zero, or zero up to rounding, gives no test rather than t = ±inf.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis import framing, overlaps
from analysis.api import PriceSource, StudyRequest, run_study
from analysis.event_study import DEFAULT_CAR_WINDOWS, EventStudyInputError, EventStudySpec
from analysis.glossary import RETURN_UNITS
from analysis.statistics import cross_sectional_t_test
from data_sources.catalogue import studyable
from data_sources.data_mode import DataMode
from data_sources.messages import Message

CELL_COLUMNS = [
    "theme",
    "segment",
    "n_measures",
    "n_clusters",
    "n_pairs",
    "caar",
    "t_stat",
    "p_value",
    "test",
    "measure_ids",
    "instruments",
    "n_signed",
    "n_as_expected",
    "n_ambiguous",
    "n_t0_uncertain",
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
    "cluster",
    "car_window",
    "t0_uncertain",
    "expected_sign",
    "sign_reason",
    "response",
]


@dataclass(eq=False)
class ThemeSegmentResult:
    """``cells``: one row per theme × segment; ``pairs``: the CARs behind them; ``skipped``:
    segments or pairs that could not be studied, and why; ``data_mode`` of the series used, and
    the ``metadata`` columns every exported file carries."""

    window: tuple[int, int]
    cells: pd.DataFrame
    pairs: pd.DataFrame
    skipped: pd.DataFrame
    data_mode: DataMode | None = None
    metadata: dict = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        return self.cells


def _observation(group: pd.DataFrame) -> pd.Series:
    """The observation each pair row belongs to: its ``cluster`` (the merged event it was
    studied in); without one, its session t0 (measures on one session have the same CARs);
    without that, its own measure."""
    key = group["event_id"].astype(object)
    if "event_session" in group:
        session = group["event_session"].astype(object)
        key = session.where(session.notna(), key)
    if "cluster" in group:
        key = group["cluster"].astype(object).where(group["cluster"].notna(), key)
    return key


def cell_statistics(pairs: pd.DataFrame) -> pd.DataFrame:
    """Aggregate pair CARs (columns of :data:`PAIR_COLUMNS`) into theme × segment cells: one
    observation per cluster (see the module docstring)."""
    rows = []
    for (theme, segment), group in pairs.groupby(["theme", "segment"], sort=True):
        observation = _observation(group)
        # each measure's CAR averaged over the segment's instruments (for its expected sign)
        per_measure = group.groupby("event_id", sort=False)["car"].mean()
        n_measures, n_pairs = group["event_id"].nunique(), len(group)
        # a cluster's rows repeat its CAR once per member measure: one value per instrument,
        # then the mean over the instruments
        per_cluster = (
            group.assign(_obs=observation.to_numpy())
            .groupby(["_obs", "instrument"], sort=False)["car"]
            .first()
            .groupby(level=0, sort=False)
            .mean()
        )
        n_clusters = len(per_cluster)
        caar = float(per_cluster.mean())
        pooled = f" of {n_measures} measures" if n_clusters < n_measures else ""
        if n_clusters >= 2:
            t_stat, p_value, _, _, _ = (float(x) for x in cross_sectional_t_test(per_cluster))
            test = f"cross-sectional t over {n_clusters} clusters{pooled}"
            if not np.isfinite(t_stat):
                test += " (zero spread: no test)"
        elif n_measures >= 2:  # every measure in one cluster
            single = group.drop_duplicates("instrument")
            if len(single) == 1:
                t_stat, p_value = float(single["t_stat"].iloc[0]), float(single["p_value"].iloc[0])
                test = f"CAR t-test (1 cluster of {n_measures} measures, 1 instrument)"
            else:
                t_stat = p_value = np.nan
                test = f"none (1 cluster of {n_measures} measures, {len(single)} instruments)"
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
                "n_clusters": n_clusters,
                "n_pairs": n_pairs,
                "caar": caar,
                "t_stat": t_stat,
                "p_value": p_value,
                "test": test,
                "measure_ids": ", ".join(dict.fromkeys(group["event_id"])),
                "instruments": ", ".join(dict.fromkeys(group["instrument"])),
                **_sign_counts(group, per_measure),
            }
        )
    return pd.DataFrame(rows, columns=CELL_COLUMNS)


def _sign_counts(group: pd.DataFrame, per_measure: pd.Series) -> dict[str, int]:
    """How many of a cell's measures expected a sign (+ or -), how many of those had it (their
    CAR averaged over the segment's instruments), how many expected none (ambiguous), and how
    many have an uncertain t0 (their CAR covers t0 and t0+1)."""
    first = group.groupby("event_id").first()
    signs = (
        first["expected_sign"].fillna("").reindex(per_measure.index)
        if "expected_sign" in first
        else pd.Series("", index=per_measure.index)
    )
    responses = [
        framing.sign_response(car, sign) for car, sign in zip(per_measure, signs, strict=True)
    ]
    uncertain = (
        first["t0_uncertain"].fillna(False).astype(bool).sum() if "t0_uncertain" in first else 0
    )
    return {
        "n_signed": int(signs.isin(["+", "-"]).sum()),
        "n_as_expected": responses.count(framing.AS_EXPECTED),
        "n_ambiguous": int((signs == "ambiguous").sum()),
        "n_t0_uncertain": int(uncertain),
    }


def segment_request(
    measure_ids: Sequence[str],
    instruments: Sequence[str],
    benchmark: str | None,
    model: str = "market",
    include_unverified: bool = False,
) -> StudyRequest:
    """The study of one segment: the measures touching it on its stored instruments, against
    its benchmark (the constant-mean model when it has none stored), overlapping measures
    merged into one event per cluster (``overlap="merge"``). Cells need CARs only, so one cheap
    statistic is asked for instead of the whole battery."""
    return StudyRequest(
        measures=tuple(measure_ids),
        instruments=tuple(instruments),
        benchmark=benchmark,
        model=model if benchmark else "constant-mean",
        statistics=("mean",),
        include_unverified=include_unverified,
        overlap="merge",
    )


def theme_segment_study(
    source: PriceSource,
    catalogue: pd.DataFrame,
    segments: pd.DataFrame,
    window: tuple[int, int],
    model: str = "market",
    include_unverified: bool = False,
) -> ThemeSegmentResult:
    """Study every studyable measure of ``catalogue`` on the instruments of every segment it
    touches, one :func:`analysis.api.run_study` per segment (:func:`segment_request`).

    A measure counts in the row of its theme and of each secondary theme (it carries out each
    of those tasks). ``segments``: the segment table (``id``, ``instruments``, ``benchmark``).
    Only instruments ``source`` has are used. ``window`` must be one of the study's CAR windows.

    A measure's ``segment_overrides`` replace its segment's instruments and benchmark: measures
    of one segment are studied in groups that share them. A measure whose t0 is uncertain
    (release time unknown) is measured over ``window`` widened to cover t0 and t0+1
    (``car_window``, ``t0_uncertain``). Each pair carries the sign the measure expected in the
    segment and whether its CAR had it. A measure whose t0 comes before the segment's data is
    listed in ``skipped`` with the first date, never left as a silently empty cell.

    The API merges the measures of each cluster (:mod:`analysis.overlaps`) into one event
    ``a+b`` at the cluster's first session. Each pair row is given back to every member
    measure that touches the segment (same CAR, ``cluster`` = the merged id): the cells count
    measures, and :func:`cell_statistics` averages and tests over clusters.
    """
    measures = studyable(catalogue, include_unverified)
    measures = measures.assign(
        themes=[  # each theme once (a secondary theme repeating the primary adds no row)
            tuple(dict.fromkeys((row.theme, *tuple(getattr(row, "secondary_themes", ()) or ()))))
            for row in measures.itertuples()
        ]
    )
    if tuple(window) not in DEFAULT_CAR_WINDOWS:
        raise EventStudyInputError(f"window {window} is not one of the study's CAR windows")
    stored = set(source.symbols())
    pair_parts, skipped, used = [], [], []
    for segment in segments.itertuples():
        touching = measures[measures["segments"].map(lambda codes, s=segment.id: s in codes)]
        if touching.empty:
            continue
        for (members, own_benchmark), group in _override_groups(touching, segment, segments):
            instruments = [s for s in members if s in stored]
            if not instruments:
                skipped.append((segment.id, "", Message("no stored instrument for this segment")))
                continue
            group, early = _after_data_start(group, source, instruments)
            skipped += [(segment.id, measure_id, reason) for measure_id, reason in early]
            if group.empty:
                continue
            benchmark = own_benchmark if own_benchmark in stored else None
            request = segment_request(
                group["id"], instruments, benchmark, model, include_unverified
            )
            try:
                outcome = run_study(request, source, catalogue)
            except EventStudyInputError as error:
                skipped.append((segment.id, "", _message(error)))
                continue
            used += list(outcome.instruments) + ([outcome.benchmark] if outcome.benchmark else [])
            pair_parts.append(_segment_pairs(outcome, group, segment.id, window))
            for row in outcome.diagnostics:
                # overlap and estimation-window records describe the catalogue, not a pair
                # left out
                if row.status != "ok" and not row.status.startswith(("overlap", "estimation")):
                    skipped.append((segment.id, f"{row.event_id} · {row.instrument}", row.reason))
    pairs = (
        pd.concat(pair_parts, ignore_index=True)[PAIR_COLUMNS]
        if pair_parts
        else pd.DataFrame(columns=PAIR_COLUMNS)
    )
    pairs = pairs.dropna(subset=["car"]).reset_index(drop=True)
    mode, vintage = source.describe(list(dict.fromkeys(used)))
    method = (
        f"{EventStudySpec(model=model).describe()} on each segment's benchmark (or a measure's "
        "segment override); constant-mean for segments without a stored benchmark and for "
        "market-wide instruments; relative days count Shanghai (XSHG) sessions; overlapping "
        "measures merged into one event per cluster (one observation per cluster); estimation "
        "samples leave out other measures' windows; measures with an uncertain t0 (release time "
        "unknown) over the window widened to cover t0 and t0+1"
    )
    return ThemeSegmentResult(
        tuple(window),
        cell_statistics(pairs),
        pairs,
        # object columns keep each reason a Message (the page shows it in its language)
        pd.DataFrame(skipped, columns=["segment", "pair", "reason"], dtype=object),
        mode,
        {"method": method, "data_mode": mode.label, "data_vintage": vintage, "units": RETURN_UNITS},
    )


def _override_groups(touching: pd.DataFrame, segment, segments: pd.DataFrame):
    """The measures touching ``segment`` grouped by the instruments and benchmark that measure
    them there (the segment's own unless a measure overrides them), segment defaults first."""
    keys = []
    for _, row in touching.iterrows():
        frame = next(f for f in framing.segment_frames(row, segments) if f.segment == segment.id)
        keys.append((frame.instruments, frame.benchmark))
    default = (tuple(segment.instruments), segment.benchmark or None)
    order = list(dict.fromkeys([default, *keys]))
    grouped = pd.Series(keys, index=touching.index)
    for key in order:
        group = touching[grouped.map(lambda k, key=key: k == key)]
        if not group.empty:
            yield key, group


def _message(error: Exception) -> str:
    """An error's message, kept a :class:`~data_sources.messages.Message` when it is one."""
    if len(error.args) == 1 and isinstance(error.args[0], Message):
        return error.args[0]
    return str(error)


def _after_data_start(group: pd.DataFrame, source: PriceSource, instruments: list[str]):
    """The measures of ``group`` whose t0 is on or after the first price of any of
    ``instruments``, and ``(measure, reason)`` for those before all of them."""
    firsts = framing.first_dates(source, instruments)
    if not firsts:
        return group, []
    symbol, first = min(firsts.items(), key=lambda item: item[1])
    early = group["event_session"] < first
    reasons = [
        (
            row.id,
            Message(
                "t0 {t0} comes before this segment's data: {symbol} starts {first}",
                t0=f"{row.event_session:%Y-%m-%d}",
                symbol=symbol,
                first=f"{first:%Y-%m-%d}",
            ),
        )
        for row in group[early].itertuples()
    ]
    return group[~early], reasons


def _segment_pairs(outcome, group: pd.DataFrame, segment: str, window) -> pd.DataFrame:
    """The pair rows of one segment study: each member measure's CAR over ``window`` (widened
    to t0 and t0+1 when its t0 is uncertain), with its themes and expected sign."""
    widened = framing.widened_window(window)
    summary = outcome.car_summary
    summary = summary[
        ((summary["window_start"] == window[0]) & (summary["window_end"] == window[1]))
        | ((summary["window_start"] == widened[0]) & (summary["window_end"] == widened[1]))
    ]
    # a merged event "a+b" (one overlap cluster) stands for each member that touches this
    # segment (a cluster may also hold measures of other segments)
    touching_ids = set(group["id"])
    summary = summary.assign(
        cluster=summary["event_id"],
        event_id=summary["event_id"].map(
            lambda event_id: [m for m in overlaps.members(event_id) if m in touching_ids]
        ),
    ).explode("event_id")
    summary = summary[summary["event_id"].notna()]
    by_id = group.set_index("id")
    uncertain = {row["id"]: framing.t0_uncertain(row) for _, row in group.iterrows()}
    wanted = summary["event_id"].map(lambda m: widened if uncertain.get(m) else tuple(window))
    spans = list(zip(summary["window_start"], summary["window_end"], strict=True))
    summary = summary[[span == want for span, want in zip(spans, wanted, strict=True)]]
    expected = [
        framing.expectation(by_id.loc[m], segment) if m in by_id.index else ("", "")
        for m in summary["event_id"]
    ]
    summary = summary.assign(
        segment=segment,
        theme=summary["event_id"].map(by_id["themes"]),
        car_window=[
            f"[{a}, {b}]"
            for a, b in zip(summary["window_start"], summary["window_end"], strict=True)
        ],
        t0_uncertain=summary["event_id"].map(uncertain).fillna(False).astype(bool),
        expected_sign=[sign for sign, _ in expected],
        sign_reason=[reason for _, reason in expected],
    )
    summary["response"] = [
        framing.sign_response(car, sign)
        for car, sign in zip(summary["car"], summary["expected_sign"], strict=True)
    ]
    return summary.explode("theme")
