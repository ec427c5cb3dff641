"""Many measures at once: the table behind the forest plot (issue 16 point 4).

:func:`forest_table` gives one row per measure of a study and, when a measure's instruments
span several segments, one row per (measure, segment) under it: the mean CAR of its pairs over
the chosen window (the CAAR; the pair's own CAR when there is one pair), a 95 % interval from
the chosen test, the measure's theme, date and expected sign.

How the interval is formed. Every test offered here has the form ``S = CAAR / SE*`` for some
standard error ``SE*`` (for the cross-sectional t it is s/√N; for the standardised tests —
Patell, BMP, Kolari–Pynnönen, J1 — it is the SE the statistic implies, ``|CAAR / S|``). The
interval is the set of mean CARs the test would not reject at 5 %, scaled the same way:

    CI = CAAR ± q · |CAAR / S|,  q = t(0.975, N − 1) for the t tests (their p-values use
    Student t with N − 1 degrees of freedom), q = 1.959964 for the z tests.

For the cross-sectional t this is exactly the textbook interval mean ± t·s/√N. For the
standardised tests it is the interval consistent with their p-value (it covers 0 exactly when
p ≥ 0.05), not an exact interval of the CAAR. A row with one pair has no cross-sectional test;
its interval is the pair's own t-test, CAR ± t(0.975, L1 − k) · SE(CAR) (CLM eq. 4.4.17–18;
:meth:`analysis.event_study.EventStudyResult.conf_int`), and ``test`` says so (``pair_t``).
A zero or missing statistic gives no interval (NaN), never ±inf.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from analysis import framing
from analysis.statistics import statistic_table

#: The tests a forest interval can come from, and the distribution of their p-values.
FOREST_TESTS: dict[str, str] = {
    "cross_sectional_t": "t",
    "kp_bmp_t": "t",
    "bmp_t": "t",
    "patell_z": "z",
    "kp_patell_z": "z",
    "j1_z": "z",
}
#: Kolari–Pynnönen's adjusted BMP t: robust to the cross-correlation of pairs that share an
#: event date (the rule for a market-wide measure); where it has no value for a row, the
#: cross-sectional t (:data:`FALLBACK_FOREST_TEST`, :func:`forest_with_fallback`).
DEFAULT_FOREST_TEST = "kp_bmp_t"
FALLBACK_FOREST_TEST = "cross_sectional_t"
#: The single pair's own t-test (used where a row has one pair).
PAIR_TEST = "pair_t"
#: How the rows can be ordered: by t0, by |CAR| (largest first), by |t| (largest first).
FOREST_ORDERS = ("date", "size", "t")
FOREST_COLUMNS = [
    "level",
    "event_id",
    "segment",
    "title",
    "theme",
    "event_session",
    "window_start",
    "window_end",
    "car",
    "ci_low",
    "ci_high",
    "se",
    "t_stat",
    "p_value",
    "n",
    "test",
    "quantile",
    "dof",
    "expected_sign",
]
_Z = 1.959963984540054


def _quantile(kind: str, dof: float) -> float:
    if kind == "z":
        return _Z
    if not np.isfinite(dof) or dof < 1:
        return np.nan
    from scipy import stats  # on first use (tests/test_startup.py keeps imports light)

    return float(stats.t.ppf(0.975, dof))


def _interval(car: float, statistic: float, q: float) -> tuple[float, float, float]:
    """(SE*, low, high) from CAAR = ``car`` and its test statistic; NaN when S is 0/NaN."""
    if not (np.isfinite(car) and np.isfinite(statistic) and np.isfinite(q)) or statistic == 0:
        return np.nan, np.nan, np.nan
    se = abs(car / statistic)
    return se, car - q * se, car + q * se


def _rows_by_id(catalogue: pd.DataFrame | None) -> dict[str, pd.Series]:
    if catalogue is None or not len(catalogue):
        return {}
    return {row["id"]: row for _, row in catalogue.iterrows()}


def _member_rows(event_id: str, by_id: Mapping[str, pd.Series]) -> list[pd.Series]:
    """The catalogue rows of an event (a merged event "a+b" has each member's)."""
    return [by_id[part] for part in str(event_id).split("+") if part in by_id]


def _segment_of(event_id: str, instrument: str, by_id) -> str:
    for row in _member_rows(event_id, by_id):
        segment = framing.instrument_segment(row, instrument)
        if segment:
            return segment
    return ""


def _common_sign(signs) -> str:
    stated = {s for s in signs if s}
    if not stated:
        return ""
    return stated.pop() if len(stated) == 1 else "ambiguous"


def forest_table(
    outcome,
    window: tuple[int, int] | None = None,
    test: str = DEFAULT_FOREST_TEST,
    catalogue: pd.DataFrame | None = None,
    titles: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """One row per measure of ``outcome`` (a :class:`~analysis.api.StudyOutcome`) and per
    (measure, segment) when its pairs span several segments (:data:`FOREST_COLUMNS`).

    ``window``: a CAR window of the study (default: its headline window); ``test``: one of
    :data:`FOREST_TESTS`; ``catalogue``: the measures' rows (theme, title, segments; default
    the catalogue the study API reads); ``titles``: a title per measure id (default the
    catalogue's English title). ``car`` is the mean CAR of the row's pairs (decimal, as in
    ``car_summary.csv``); ``ci_low``/``ci_high`` the 95 % interval (module docstring);
    ``quantile`` and ``dof`` the q and degrees of freedom it used."""
    if test not in FOREST_TESTS:
        raise ValueError(f"test must be one of {', '.join(FOREST_TESTS)}, got {test!r}")
    window = tuple(window or outcome.headline_window)
    if window not in [tuple(w) for w in outcome.spec.windows]:
        raise ValueError(f"[{window[0]}, {window[1]}] is not a CAR window of this study")
    if catalogue is None and outcome.request.measures:
        from data_sources.catalogue import load_catalogue

        catalogue = load_catalogue()
    by_id = _rows_by_id(catalogue)
    panel = outcome.result.panel
    summary = outcome.result.car_summary
    rows = summary[(summary["window_start"] == window[0]) & (summary["window_end"] == window[1])]
    if panel is None or rows.empty:
        return pd.DataFrame(columns=FOREST_COLUMNS)
    expected = {
        (event_id, instrument): sign
        for event_id, instrument, _segment, sign, _reason in outcome.resolved.expectations
    }
    keyed = rows.set_index(["event_id", "instrument"])
    pair_events = panel.pairs["event_id"].to_numpy()
    pair_instruments = panel.pairs["instrument"].to_numpy()
    segments = np.array(
        [_segment_of(e, s, by_id) for e, s in zip(pair_events, pair_instruments, strict=True)],
        dtype=object,
    )
    out = []

    def row_for(event_id, mask, level, segment):
        instruments = pair_instruments[mask]
        members = _member_rows(event_id, by_id)
        theme = str(members[0]["theme"]) if members else ""
        title = (titles or {}).get(event_id) or " + ".join(
            str(m.get("title_en", "") or m["id"]) for m in members
        )
        title = title or str(event_id)  # an ad-hoc date: its id
        if mask.sum() == 1:
            pair = keyed.loc[(event_id, instruments[0])]
            car, se_pair, dof = float(pair["car"]), float(pair["car_se"]), float(pair["dof"])
            statistic, p_value, used = float(pair["t_stat"]), float(pair["p_value"]), PAIR_TEST
            q = _quantile("t", dof)
            se, low, high = (
                (se_pair, car - q * se_pair, car + q * se_pair)
                if np.isfinite(se_pair) and np.isfinite(q)
                else (np.nan, np.nan, np.nan)
            )
            n = 1
        else:
            table = statistic_table(
                panel.subset(mask), [window], outcome.spec.conventions, ["mean", test]
            )
            table = table[table["rel_day"].isna()].set_index("statistic")
            car = float(table.at["mean", "value"])
            statistic = float(table.at[test, "value"])
            p_value = float(table.at[test, "p_value"])
            n = int(table.at[test, "n"])
            kind = FOREST_TESTS[test]
            dof = float(n - 1) if kind == "t" else np.nan
            q = _quantile(kind, dof)
            se, low, high = _interval(car, statistic, q)
            used = test
        sign = _common_sign(expected.get((event_id, s), "") for s in instruments)
        session = keyed.loc[(event_id, instruments[0]), "event_session"]
        out.append(
            {
                "level": level,
                "event_id": event_id,
                "segment": segment,
                "title": title,
                "theme": theme,
                "event_session": pd.Timestamp(session),
                "window_start": window[0],
                "window_end": window[1],
                "car": car,
                "ci_low": low,
                "ci_high": high,
                "se": se,
                "t_stat": statistic,
                "p_value": p_value,
                "n": n,
                "test": used,
                "quantile": q,
                "dof": dof,
                "expected_sign": sign,
            }
        )

    for event_id in dict.fromkeys(rows["event_id"]):
        of_event = (pair_events == event_id) & np.isin(
            pair_instruments, rows.loc[rows["event_id"] == event_id, "instrument"].to_numpy()
        )
        if not of_event.any():
            continue
        row_for(event_id, of_event, "measure", "")
        own = list(dict.fromkeys(segments[of_event]))
        if len(own) > 1:
            for segment in own:
                row_for(event_id, of_event & (segments == segment), "segment", segment)
    return pd.DataFrame(out, columns=FOREST_COLUMNS)


def forest_with_fallback(
    outcome,
    window: tuple[int, int] | None = None,
    test: str = DEFAULT_FOREST_TEST,
    catalogue: pd.DataFrame | None = None,
    titles: Mapping[str, str] | None = None,
    fallback: str = FALLBACK_FOREST_TEST,
) -> tuple[pd.DataFrame, bool]:
    """:func:`forest_table` with ``test``; a row of several pairs where ``test`` gives no
    interval (e.g. the adjusted BMP with too few pairs or no estimation-window variance)
    takes its interval from ``fallback`` instead, and its ``test`` column says so. Returns the
    table and whether any row fell back."""
    table = forest_table(outcome, window, test, catalogue, titles)
    if test == fallback or table.empty:
        return table, False
    missing = (table["test"] == test) & table["ci_low"].isna()
    if not missing.any():
        return table, False
    other = forest_table(outcome, window, fallback, catalogue, titles)
    table = table.copy()
    table.loc[missing] = other.loc[missing].to_numpy()
    return table.astype({c: other[c].dtype for c in other.columns}, errors="ignore"), True


def sort_forest(table: pd.DataFrame, order: str = "date") -> pd.DataFrame:
    """``table`` (:func:`forest_table`) in ``order``: ``date`` (t0, earliest first), ``size``
    (|CAR|, largest first) or ``t`` (|t|, largest first; missing last). A measure's segment
    rows stay right under it, in the same order among themselves."""
    if order not in FOREST_ORDERS:
        raise ValueError(f"order must be one of {', '.join(FOREST_ORDERS)}, got {order!r}")
    if table.empty:
        return table
    key = {
        "date": lambda f: f["event_session"],
        "size": lambda f: -f["car"].abs(),
        "t": lambda f: -f["t_stat"].abs(),
    }[order]
    ranked = table.assign(
        _key=key(table),
        _position=np.arange(len(table)),
        _segment=(table["level"] != "measure").astype(int),
    )
    measures = ranked[ranked["_segment"] == 0].sort_values(
        ["_key", "_position"], kind="stable", na_position="last"
    )
    ranked["_measure"] = ranked["event_id"].map(
        {event_id: i for i, event_id in enumerate(measures["event_id"])}
    )
    ordered = ranked.sort_values(
        ["_measure", "_segment", "_key", "_position"], kind="stable", na_position="last"
    )
    return ordered.drop(columns=["_key", "_position", "_segment", "_measure"]).reset_index(
        drop=True
    )


def forest_from_pairs(pairs: pd.DataFrame, titles: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The forest rows of the Themes page's pairs (:data:`analysis.themes.PAIR_COLUMNS`, e.g.
    one heat-map cell's): one row per measure, its mean CAR over the cell's instruments with
    the cross-sectional t interval, mean ± t(0.975, N − 1) · s/√N (the cell's own test,
    Brown–Warner 1985); a measure with one pair gets CAR ± 1.96 · SE (``pair_z``: the pairs
    table does not carry L1 − k; with L1 − k ≥ 100 the t quantile is at most 1.984, so this
    interval is at most 1.2 % narrower than the pair's t interval). Columns as
    :func:`forest_table` (``level`` always ``measure``)."""
    out = []
    if pairs.empty:
        return pd.DataFrame(columns=FOREST_COLUMNS)
    for event_id, group in pairs.groupby("event_id", sort=False):
        cars = group["car"].astype(float).dropna()
        n = len(cars)
        car = float(cars.mean()) if n else np.nan
        if n >= 2:
            sd = float(cars.std(ddof=1))
            dof = float(n - 1)
            q = _quantile("t", dof)
            se = sd / np.sqrt(n)
            statistic = car / se if se > 0 else np.nan
            from scipy import stats

            p_value = float(2 * stats.t.sf(abs(statistic), dof)) if se > 0 else np.nan
            used = "cross_sectional_t"
            if not se > 0:
                se = np.nan
        else:
            se = float(group["car_se"].iloc[0]) if n else np.nan
            q, dof, used = _Z, np.nan, "pair_z"
            statistic = float(group["t_stat"].iloc[0]) if n else np.nan
            p_value = float(group["p_value"].iloc[0]) if n else np.nan
        low, high = (car - q * se, car + q * se) if np.isfinite(se) else (np.nan, np.nan)
        window = str(group["car_window"].iloc[0]).strip("[]").split(",")
        out.append(
            {
                "level": "measure",
                "event_id": event_id,
                "segment": str(group["segment"].iloc[0]),
                "title": (titles or {}).get(event_id, event_id),
                "theme": str(group["theme"].iloc[0]),
                "event_session": pd.Timestamp(group["event_session"].iloc[0]),
                "window_start": int(window[0]),
                "window_end": int(window[1]),
                "car": car,
                "ci_low": low,
                "ci_high": high,
                "se": se,
                "t_stat": statistic,
                "p_value": p_value,
                "n": n,
                "test": used,
                "quantile": q,
                "dof": dof,
                "expected_sign": _common_sign(group["expected_sign"].fillna("")),
            }
        )
    return pd.DataFrame(out, columns=FOREST_COLUMNS)
