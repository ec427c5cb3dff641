"""Long-horizon buy-and-hold abnormal returns (BHAR) for structural reforms (registration,
delisting, the Beijing exchange): months, not days, after a measure.

For each (event, instrument) pair and each horizon of ``h`` sessions,

    BHAR_i(h) = Π_{t=1..h} (1 + R_it) − Π_{t=1..h} (1 + R_ref,t)

over the ``h`` sessions after t0 (t0 itself is left out: its reaction is the short-window CAR's;
``first_day=0`` includes it), computed from closes, buy at the close of session ``first_day − 1``,
sell at the close of session ``first_day − 1 + h``. The reference is (a) the benchmark or (b) a
matched portfolio: an equal-weighted buy-and-hold of control instruments (the portfolio's
return is the mean of the controls' buy-and-hold returns).

Prices, suspensions and delistings (see :func:`holding_returns`):

* a session without a close (suspended, or missing) carries the last close: the buy-and-hold
  investor still holds the share, and the move over the suspension counts when it trades again;
* a series whose data end before the horizon while the calendar's data go on is, by default,
  NOT taken for a delisting (a file or store that was not updated looks the same): the pair has
  no BHAR at that horizon, its status says why and a note names the measure, the instrument and
  the horizon. Only with ``fill_after_end=True`` (CLI ``--fill-after-end``, the page's checkbox)
  is it treated as delisted: held to its last close and the proceeds then invested in the
  benchmark (Lyon, Barber & Tsai 1999 fill delisted firms' returns with the benchmark's), so its
  BHAR against the benchmark stops accruing; with no benchmark the proceeds earn nothing. Each
  such pair is noted and the tests count them (``n_filled``). A matched control whose data end
  early is left out of the portfolio unless filled the same way;
* no close at or before the start (listed later) or a horizon that ends after the data: no
  BHAR, with a note.

Matched controls (:func:`match_controls`), when the user names none: stored series of the same
board (:func:`data_sources.prices.board_of`, from the code range) that are neither studied nor
the benchmark — the measure is taken not to touch them — with a close at the start, nearest to
the instrument in past return over the ``lookback`` sessions before t0 (size is not stored for
every series, so the match is on past return; ties by symbol). Caveat (noted on every such
result): a market-wide measure hits same-board controls too, which pulls the BHAR towards 0.
A studied instrument or the benchmark is never a control (named controls that are: refused).

Tests over the pairs of a horizon (Lyon, Barber & Tsai 1999, "Improved methods for tests of
long-run abnormal stock returns", Journal of Finance 54(1):165–201):

* the conventional t = √n · mean / sd (sd with divisor n − 1), Student t(n − 1);
* the skewness-adjusted t, t_sa = √n (S + γ̂ S² / 3 + γ̂ / (6n)), S = mean / sd,
  γ̂ = Σ (x − x̄)³ / (n · sd³) (Johnson 1978's modified t, LBT eq. 5). LBT (their samples hold
  hundreds of firms) compare t_sa with conventional critical values, where Student t and the
  normal coincide; here the two-sided p is taken from Student t(n − 1), as Johnson (1978) does:
  with small n the normal would overstate significance (n = 10 gave p = 8.5e-58);
* the bootstrapped skewness-adjusted t (LBT 1999, pp. 174–175, after Sutton 1993): B resamples
  of n_b = n / 4 BHARs drawn with replacement (seeded), each giving
  t_sa^b = √n_b (S^b + γ̂^b (S^b)² / 3 + γ̂^b / (6 n_b)) with S^b = (mean^b − mean) / sd^b
  (centred on the sample mean: the null holds in the resampled population); the critical values
  are the bootstrap quantiles. LBT draw n/4 from samples of 200 firms (resamples of 50). Here the
  bootstrap runs only from n = ``MIN_BOOTSTRAP_N`` = 20 BHARs (resamples of at least 5): below
  that a resample of 2–4 values has a meaningless skewness (two values always give γ̂ = 0) and
  the result is NaN with a note. A resample with no spread (all draws equal) has no t: it is
  counted, never dropped silently — the p-value and quantiles use the B' usable draws and a note
  gives B − B'. The two-sided p-value is min(1, 2 · min(#{t^b ≤ t_sa} + 1, #{t^b ≥ t_sa} + 1)
  / (B' + 1)), so it is never 0 (at least 2 / (B' + 1)). B is at most ``MAX_BOOTSTRAP``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.export import csv_bytes as _csv_bytes
from analysis.glossary import RETURN_UNITS
from analysis.panel import EventStudyInputError
from data_sources.messages import Message

DEFAULT_HORIZONS = (21, 63, 126, 250)
AGAINST = ("benchmark", "matched")
DEFAULT_BOOTSTRAP = 1000
#: The most bootstrap resamples a request may ask for (memory and time grow with B · n/4).
MAX_BOOTSTRAP = 100_000
#: The fewest BHARs the bootstrap runs on: resamples of n // 4 ≥ 5 values.
MIN_BOOTSTRAP_N = 20
DEFAULT_CONTROLS = 5
DEFAULT_LOOKBACK = 250

PAIR_COLUMNS = [
    "event_id",
    "event_session",
    "instrument",
    "horizon",
    "start_date",
    "end_date",
    "bh_return",
    "reference_return",
    "bhar",
    "reference",
    "status",
]
TEST_COLUMNS = [
    "event_id",
    "horizon",
    "against",
    "n",
    "mean_bhar",
    "median_bhar",
    "sd_bhar",
    "skewness",
    "t_stat",
    "p_value",
    "t_skew_adjusted",
    "p_skew_adjusted",
    "boot_lower",
    "boot_upper",
    "p_bootstrap",
    "n_bootstrap",
]


class LongHorizonInputError(EventStudyInputError):
    """A long-horizon request that cannot run as asked; says why."""


# -- tests ------------------------------------------------------------------------------------
def _skew_adjusted(values: np.ndarray, centre: float = 0.0) -> float:
    """√n (S + γ̂ S²/3 + γ̂/(6n)) with S = (mean − centre)/sd, γ̂ = Σ(x − x̄)³/(n sd³), sd with
    divisor n − 1; NaN with fewer than two values or no spread."""
    n = len(values)
    if n < 2:
        return np.nan
    mean = values.mean()
    sd = values.std(ddof=1)
    if not sd > 1e-12 * max(np.abs(values).max(), 1e-300):
        return np.nan
    s = (mean - centre) / sd
    gamma = np.sum((values - mean) ** 3) / (n * sd**3)
    return float(np.sqrt(n) * (s + gamma * s**2 / 3.0 + gamma / (6.0 * n)))


def skewness_adjusted_t(values) -> dict[str, float]:
    """Conventional and skewness-adjusted t of the mean of ``values`` (NaN dropped): n, mean,
    sd, γ̂, t, its p (t(n − 1)), t_sa and its p (also Student t(n − 1): see the module
    docstring). Lyon, Barber & Tsai (1999) eq. (5)."""
    from scipy import stats

    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    n = len(x)
    out = {"n": n, "mean": np.nan, "sd": np.nan, "skewness": np.nan}
    out.update(t=np.nan, p=np.nan, t_sa=np.nan, p_sa=np.nan)
    if n == 0:
        return out
    out["mean"] = float(x.mean())
    if n < 2:
        return out
    sd = float(x.std(ddof=1))
    out["sd"] = sd
    if not sd > 1e-12 * max(np.abs(x).max(), 1e-300):
        return out
    out["skewness"] = float(np.sum((x - x.mean()) ** 3) / (n * sd**3))
    out["t"] = float(np.sqrt(n) * x.mean() / sd)
    out["p"] = float(2 * stats.t.sf(abs(out["t"]), n - 1))
    out["t_sa"] = _skew_adjusted(x)
    out["p_sa"] = float(2 * stats.t.sf(abs(out["t_sa"]), n - 1))
    return out


def bootstrap_skewness_adjusted_t(
    values, draws: int = DEFAULT_BOOTSTRAP, seed: int = 0, alpha: float = 0.05
) -> dict[str, float]:
    """The bootstrapped skewness-adjusted t (Lyon, Barber & Tsai 1999, p. 174): ``draws``
    resamples of n/4 values with replacement (numpy ``default_rng(seed)``), each t_sa^b
    centred on the sample mean; returns t_sa, the α/2 and 1 − α/2 bootstrap quantiles
    (``lower``, ``upper``), the two-sided bootstrap p ((count + 1) / (B' + 1), module
    docstring), the draws used (``used`` = B') and the resamples with no spread
    (``degenerate``, counted, not used). NaN when n < ``MIN_BOOTSTRAP_N``; ``draws`` above
    ``MAX_BOOTSTRAP`` is refused."""
    if draws > MAX_BOOTSTRAP:
        raise LongHorizonInputError(
            Message("at most {limit} bootstrap resamples, got {draws}", limit=MAX_BOOTSTRAP,
                    draws=draws)
        )  # fmt: skip
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    n = len(x)
    size = n // 4
    out = {"t_sa": _skew_adjusted(x), "lower": np.nan, "upper": np.nan, "p": np.nan, "used": 0}
    out["degenerate"] = 0
    if n < MIN_BOOTSTRAP_N or draws < 1 or np.isnan(out["t_sa"]):
        return out
    rng = np.random.default_rng(seed)
    samples = x[rng.integers(0, n, size=(draws, size))]
    mean = samples.mean(axis=1)
    sd = samples.std(axis=1, ddof=1)
    usable = sd > 1e-12 * np.abs(samples).max(axis=1).clip(min=1e-300)
    out["degenerate"] = int(draws - usable.sum())
    mean, sd, samples = mean[usable], sd[usable], samples[usable]
    if len(samples) == 0:
        return out
    s = (mean - x.mean()) / sd
    gamma = np.sum((samples - mean[:, None]) ** 3, axis=1) / (size * sd**3)
    t_b = np.sqrt(size) * (s + gamma * s**2 / 3.0 + gamma / (6.0 * size))
    out["lower"] = float(np.quantile(t_b, alpha / 2))
    out["upper"] = float(np.quantile(t_b, 1 - alpha / 2))
    below = np.sum(t_b <= out["t_sa"]) + 1
    above = np.sum(t_b >= out["t_sa"]) + 1
    out["p"] = float(min(1.0, 2 * min(below, above) / (len(t_b) + 1)))
    out["used"] = int(len(t_b))
    return out


# -- buy-and-hold returns ----------------------------------------------------------------------
@dataclass(frozen=True)
class _Prices:
    """Closes on the calendar: forward-filled values, first and last session with a close."""

    symbols: tuple[str, ...]
    filled: np.ndarray  # sessions × symbols, last close carried forward
    first: np.ndarray  # first session position with a close (len(sessions) when none)
    last: np.ndarray  # last session position with a close (−1 when none)
    index: dict[str, int]  # symbol → column

    def column(self, symbol: str) -> int:
        return self.index[symbol]


def _prices(closes: pd.DataFrame, sessions: pd.DatetimeIndex) -> _Prices:
    frame = closes.reindex(sessions)
    frame = frame.where(frame > 0)  # a zero or negative close is no price
    values = frame.to_numpy(dtype=float)
    valid = ~np.isnan(values)
    count = len(sessions)
    has = valid.any(axis=0)
    first = np.where(has, valid.argmax(axis=0), count)
    last = np.where(has, count - 1 - valid[::-1].argmax(axis=0), -1)
    filled = frame.ffill().to_numpy(dtype=float)
    symbols = tuple(map(str, frame.columns))
    return _Prices(symbols, filled, first, last, {s: i for i, s in enumerate(symbols)})


def holding_returns(
    prices: _Prices,
    symbol: str,
    start: int,
    end: int,
    benchmark: str | None,
    fill_after_end: bool = False,
) -> tuple[float, str]:
    """Buy at the close of session ``start``, hold to the close of session ``end``: the
    return and a status (``complete``, or what was done / why there is none). Data that end
    before ``end``: no return unless ``fill_after_end`` (then filled with the benchmark, as
    for a delisting). See the module docstring for suspensions and delistings."""
    column = prices.column(symbol)
    first, last = prices.first[column], prices.last[column]
    if first > start:
        return np.nan, "no close at or before the start"
    if last <= start:
        return np.nan, "no close after the start (delisted or no data)"
    p0 = prices.filled[start, column]
    if last >= end:
        return prices.filled[end, column] / p0 - 1.0, "complete"
    growth = prices.filled[last, column] / p0
    when = f"data end at session {last - start} of the horizon"
    if not fill_after_end:
        return np.nan, when + "; no BHAR (not filled: not taken for a delisting)"
    if benchmark is not None and benchmark != symbol and benchmark in prices.index:
        b = prices.column(benchmark)
        fill = prices.filled[end, b] / prices.filled[last, b]
        if np.isnan(fill):
            return np.nan, when + "; no benchmark close to fill with"
        return growth * fill - 1.0, when + "; benchmark return after"
    return growth - 1.0, when + "; no return after"


def match_controls(
    closes: pd.DataFrame,
    sessions: pd.DatetimeIndex,
    instrument: str,
    event_session,
    candidates: Sequence[str],
    count: int = DEFAULT_CONTROLS,
    lookback: int = DEFAULT_LOOKBACK,
    first_day: int = 1,
) -> tuple[str, ...]:
    """The ``count`` candidates of the instrument's board (:func:`data_sources.prices.board_of`:
    same code range; series with no board match only each other) with a close at and after
    the start, whose past return over the ``lookback`` sessions before t0 is nearest to the
    instrument's (ties broken by symbol; candidates without a past return are left out).
    Without the instrument's past return: the first ``count`` candidates of its board by
    symbol."""
    sessions = pd.DatetimeIndex(sessions)
    t0 = sessions.get_loc(pd.Timestamp(event_session))
    return _match(_prices(closes, sessions), instrument, t0, candidates, count, lookback, first_day)


def _match(prices, instrument, t0, candidates, count, lookback, first_day) -> tuple[str, ...]:
    """:func:`match_controls` on closes already on the calendar (t0: a session position)."""
    from data_sources.prices import board_of

    board = board_of(instrument)
    pool = sorted(
        c
        for c in dict.fromkeys(candidates)
        if c != instrument and c in prices.index and board_of(c) == board
    )
    if not pool:
        return ()
    columns = np.array([prices.index[c] for c in pool])
    start, base = t0 + first_day - 1, t0 - 1 - lookback
    trading = (prices.first[columns] <= start) & (start < prices.last[columns])
    pool, columns = [c for c, ok in zip(pool, trading, strict=True) if ok], columns[trading]
    if not pool:
        return ()

    def past(column):
        if base < 0:
            return np.full(np.shape(column), np.nan)
        with np.errstate(invalid="ignore", divide="ignore"):
            value = prices.filled[t0 - 1, column] / prices.filled[base, column] - 1.0
        return np.where(prices.first[column] <= base, value, np.nan)

    own = past(prices.index[instrument]) if instrument in prices.index else np.nan
    if np.isnan(own):
        return tuple(pool[:count])
    distance = np.abs(past(columns) - own)
    ranked = sorted((d, c) for d, c in zip(distance, pool, strict=True) if not np.isnan(d))
    return tuple(c for _, c in ranked[:count])


# -- the results object ------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class LongHorizonResults:
    """BHAR per (event, instrument, horizon) (:meth:`to_frame`) and the tests per horizon
    (:meth:`summary`; per event and, with several events, pooled), with the notes that say
    what was done to missing prices and delistings and the metadata every CSV carries."""

    pairs: pd.DataFrame
    tests: pd.DataFrame
    against: str
    horizons: tuple[int, ...]
    bootstrap: int
    seed: int
    notes: tuple[str, ...] = ()
    metadata: Mapping[str, str] = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        return self.pairs.copy()

    def summary(self) -> pd.DataFrame:
        return self.tests.copy()

    def conf_int(self, alpha: float = 0.05) -> pd.DataFrame:
        """Conventional t interval of the mean BHAR per test row: mean ± t_{n−1, 1−α/2} sd/√n."""
        from scipy import stats

        frame = self.tests[["event_id", "horizon", "against", "n", "mean_bhar"]].copy()
        n = self.tests["n"].to_numpy(dtype=float)
        with np.errstate(invalid="ignore", divide="ignore"):
            half = stats.t.ppf(1 - alpha / 2, np.where(n > 1, n - 1, np.nan)) * (
                self.tests["sd_bhar"].to_numpy(dtype=float) / np.sqrt(n)
            )
        frame["lower"] = frame["mean_bhar"] - half
        frame["upper"] = frame["mean_bhar"] + half
        return frame

    def csv_bytes(self, name: str = "bhar") -> bytes:
        """``bhar`` (per pair) or ``bhar_tests`` (per horizon) in the project's CSV convention."""
        frames = {"bhar": self.pairs, "bhar_tests": self.tests}
        if name not in frames:
            raise KeyError(f"unknown table {name!r}; choose from {list(frames)}")
        return _csv_bytes(frames[name], self.metadata)


def describe(
    against: str,
    first_day: int,
    benchmark: str | None,
    bootstrap: int,
    seed: int,
    fill_after_end: bool = False,
):
    """The method text the CSVs carry."""
    reference = (
        Message("the benchmark {benchmark}", benchmark=benchmark or "—")
        if against == "benchmark"
        else Message("an equal-weighted buy-and-hold portfolio of matched controls")
    )
    text = Message(
        "buy-and-hold abnormal returns from the close of session t0{offset} against {reference}; "
        "Lyon-Barber-Tsai skewness-adjusted t (p from Student t(n-1)), bootstrap of {draws} "
        "resamples of n/4 (seed {seed}; from n = {minimum}; p = (count + 1)/(B + 1))",
        offset=f"{first_day - 1:+d}" if first_day != 1 else "",
        reference=reference,
        draws=bootstrap,
        seed=seed,
        minimum=MIN_BOOTSTRAP_N,
    )
    if fill_after_end:
        return Message(
            "{method}; series whose data end early filled with the benchmark", method=text
        )
    return text


def buy_and_hold_abnormal_returns(
    closes: pd.DataFrame,
    sessions: pd.DatetimeIndex,
    pairs: pd.DataFrame,
    horizons: Sequence[int] = DEFAULT_HORIZONS,
    benchmark: str | None = None,
    against: str = "benchmark",
    controls: Mapping[str, Sequence[str]] | Sequence[str] | None = None,
    candidates: Sequence[str] = (),
    n_controls: int = DEFAULT_CONTROLS,
    lookback: int = DEFAULT_LOOKBACK,
    bootstrap: int = DEFAULT_BOOTSTRAP,
    seed: int = 0,
    first_day: int = 1,
    metadata: Mapping[str, str] | None = None,
    fill_after_end: bool = False,
) -> LongHorizonResults:
    """BHARs and their tests (module docstring). ``closes``: wide closes (dates × symbols)
    holding the instruments, the benchmark and any controls; ``sessions``: the calendar;
    ``pairs``: ``event_id``, ``event_session``, ``instrument``. ``controls``: for
    ``against="matched"``, the control symbols (one list for every instrument, or per
    instrument); None: chosen per pair by :func:`match_controls` from ``candidates`` (a
    caveat note says same-board controls may be hit by the same measure). A named control that
    is a studied instrument or the benchmark is refused. ``fill_after_end``: a series whose data
    end before the horizon is taken for delisted and filled with the benchmark (Lyon, Barber &
    Tsai 1999); by default it has no BHAR there (module docstring)."""
    if against not in AGAINST:
        raise LongHorizonInputError(
            Message("against must be one of {choices}, got {value}", choices=AGAINST, value=against)
        )
    horizons = tuple(int(h) for h in horizons)
    if not horizons or any(h < 1 for h in horizons):
        raise LongHorizonInputError(
            Message("horizons must be whole numbers of sessions, at least 1")
        )
    if first_day not in (0, 1):
        raise LongHorizonInputError(Message("first_day must be 0 (t0 included) or 1 (from t0 + 1)"))
    if against == "benchmark" and (benchmark is None or benchmark not in closes.columns):
        raise LongHorizonInputError(Message("BHAR against the benchmark needs a benchmark series"))
    if bootstrap < 0:
        raise LongHorizonInputError(Message("the number of bootstrap resamples must be 0 or more"))
    if bootstrap > MAX_BOOTSTRAP:
        raise LongHorizonInputError(
            Message("at most {limit} bootstrap resamples, got {draws}", limit=MAX_BOOTSTRAP,
                    draws=bootstrap)
        )  # fmt: skip
    if against == "matched" and controls is not None:
        named = controls.values() if isinstance(controls, Mapping) else [controls]
        studied = {benchmark, *pairs["instrument"]} - {None}
        clash = sorted({c for group in named for c in group} & studied)
        if clash:
            raise LongHorizonInputError(
                Message(
                    "{symbols}: studied instrument or benchmark, cannot be a control",
                    symbols=", ".join(clash),
                )
            )
    sessions = pd.DatetimeIndex(sessions)
    data_end = closes.dropna(how="all").index.max() if len(closes) else None
    prices = _prices(closes, sessions)
    notes: list[str] = []
    if against == "matched" and controls is None:
        notes.append(
            Message(
                "matched controls are chosen automatically from the same board: a market-wide "
                "measure may hit them too, which pulls the BHAR towards 0"
            )
        )
    rows = []
    for pair in pairs.itertuples(index=False):
        t0_date = pd.Timestamp(pair.event_session)
        if t0_date not in sessions:
            notes.append(
                Message(
                    "{event}: t0 {t0:%Y-%m-%d} is not a session", event=pair.event_id, t0=t0_date
                )
            )
            continue
        t0 = sessions.get_loc(t0_date)
        start = t0 + first_day - 1
        if against == "matched":
            if controls is None:
                chosen = _match(
                    prices, pair.instrument, t0, candidates, n_controls, lookback, first_day
                )
            elif isinstance(controls, Mapping):
                chosen = tuple(controls.get(pair.instrument, ()))
            else:
                chosen = tuple(controls)
            chosen = tuple(c for c in chosen if c in prices.index and c != pair.instrument)
        for horizon in horizons:
            end = start + horizon
            row = {
                "event_id": pair.event_id,
                "event_session": t0_date,
                "instrument": pair.instrument,
                "horizon": horizon,
                "start_date": sessions[start] if 0 <= start < len(sessions) else pd.NaT,
                "end_date": sessions[end] if end < len(sessions) else pd.NaT,
                "bh_return": np.nan,
                "reference_return": np.nan,
                "bhar": np.nan,
                "reference": "",
                "status": "",
            }
            if start < 0 or end >= len(sessions) or data_end is None or sessions[end] > data_end:
                row["status"] = "horizon ends after the data"
                rows.append(row)
                continue
            if pair.instrument not in prices.index:
                row["status"] = "no prices for the instrument"
                rows.append(row)
                continue
            own, status = holding_returns(
                prices, pair.instrument, start, end, benchmark, fill_after_end
            )
            if status.startswith("data end"):
                last = sessions[prices.last[prices.column(pair.instrument)]]
                notes.append(
                    Message(
                        "{event}, {instrument}, h = {horizon}: data end on {last:%Y-%m-%d}, "
                        "before the horizon (the other series go on): {what}",
                        event=pair.event_id,
                        instrument=pair.instrument,
                        horizon=horizon,
                        last=last,
                        what=Message("filled with the benchmark, as for a delisting")
                        if fill_after_end
                        else Message(
                            "no BHAR (not taken for a delisting; --fill-after-end fills it)"
                        ),
                    )
                )
            if against == "benchmark":
                reference, ref_status = holding_returns(prices, benchmark, start, end, None)
                row["reference"] = benchmark
                if ref_status != "complete":
                    status = f"{status}; benchmark: {ref_status}"
            else:
                returns = [
                    holding_returns(prices, c, start, end, benchmark, fill_after_end)
                    for c in chosen
                ]
                used = [c for c, (r, _) in zip(chosen, returns, strict=True) if not np.isnan(r)]
                values = [r for r, _ in returns if not np.isnan(r)]
                reference = float(np.mean(values)) if values else np.nan
                row["reference"] = "matched: " + ", ".join(used) if used else "matched: none"
                filled = [
                    c for c, (_, s) in zip(chosen, returns, strict=True) if s.startswith("data end")
                ]
                if filled:
                    how = "filled with the benchmark" if fill_after_end else "left out"
                    status = f"{status}; controls {', '.join(filled)}: data end early ({how})"
                if not used:
                    status = f"{status}; no control with prices over the horizon"
            row["bh_return"] = own
            row["reference_return"] = reference
            row["bhar"] = own - reference
            row["status"] = status
            rows.append(row)
    table = pd.DataFrame(rows, columns=PAIR_COLUMNS)
    for column in ("bh_return", "reference_return", "bhar"):
        table[column] = table[column].astype(float)
    notes += _status_notes(table)
    tests, boot_notes = _tests(table, against, bootstrap, seed, fill_after_end)
    notes += boot_notes
    metadata = dict(metadata or {})
    method = describe(against, first_day, benchmark, bootstrap, seed, fill_after_end)
    metadata["method"] = f"{method}; {metadata['method']}" if metadata.get("method") else method
    metadata.setdefault("data_mode", "")
    metadata.setdefault("data_vintage", "")
    metadata["units"] = RETURN_UNITS
    return LongHorizonResults(
        table, tests, against, horizons, bootstrap, seed, tuple(dict.fromkeys(notes)), metadata
    )


def _status_notes(table: pd.DataFrame) -> list[str]:
    notes = []
    for status, group in table[table["status"] != "complete"].groupby("status", sort=False):
        notes.append(
            Message(
                "{n} pair-horizon(s): {status}",
                n=len(group),
                status=status,
            )
        )
    return notes


def _tests(
    table: pd.DataFrame, against: str, bootstrap: int, seed: int, fill_after_end: bool = False
) -> tuple[pd.DataFrame, list]:
    rows, notes = [], []
    events = list(pd.unique(table["event_id"]))
    groups = [(e, table["event_id"] == e) for e in events]
    if len(events) > 1:
        groups.append(("pooled", pd.Series(True, index=table.index)))
    for event_id, mask in groups:
        for horizon in sorted(table["horizon"].unique()):
            here = table[mask & (table["horizon"] == horizon)]
            values = here["bhar"].to_numpy(dtype=float)
            conventional = skewness_adjusted_t(values)
            boot = bootstrap_skewness_adjusted_t(values, bootstrap, seed)
            present = values[~np.isnan(values)]
            if bootstrap and 0 < len(present) < MIN_BOOTSTRAP_N:
                notes.append(
                    Message(
                        "{event}, h = {horizon}: no bootstrap with {n} BHARs (it needs at least "
                        "{minimum}: resamples of n/4 below 5 values have no meaningful skewness)",
                        event=event_id,
                        horizon=int(horizon),
                        n=len(present),
                        minimum=MIN_BOOTSTRAP_N,
                    )
                )
            if boot["degenerate"]:
                notes.append(
                    Message(
                        "{event}, h = {horizon}: {k} of {draws} bootstrap resamples had no spread "
                        "(no t): the quantiles and p use the other {used}",
                        event=event_id,
                        horizon=int(horizon),
                        k=boot["degenerate"],
                        draws=bootstrap,
                        used=boot["used"],
                    )
                )
            filled = here["status"].str.contains(
                "benchmark return after|no return after|filled with the benchmark"
            )
            rows.append(
                {
                    "event_id": event_id,
                    "horizon": int(horizon),
                    "against": against,
                    "n": conventional["n"],
                    "mean_bhar": conventional["mean"],
                    "median_bhar": float(np.median(present)) if len(present) else np.nan,
                    "sd_bhar": conventional["sd"],
                    "skewness": conventional["skewness"],
                    "t_stat": conventional["t"],
                    "p_value": conventional["p"],
                    "t_skew_adjusted": conventional["t_sa"],
                    "p_skew_adjusted": conventional["p_sa"],
                    "boot_lower": boot["lower"],
                    "boot_upper": boot["upper"],
                    "p_bootstrap": boot["p"],
                    "n_bootstrap": boot["used"],
                    "n_filled": int((filled & here["bhar"].notna()).sum()),
                }
            )
    columns = [*TEST_COLUMNS, "n_filled"] if fill_after_end else TEST_COLUMNS
    return pd.DataFrame(rows, columns=[*TEST_COLUMNS, "n_filled"])[columns], notes


def study_pairs(study) -> pd.DataFrame:
    """The (event, instrument) pairs of a study (a :class:`~analysis.api.StudyOutcome` or its
    :class:`~analysis.api.ResolvedStudy`), its pairing rule kept."""
    resolved = getattr(study, "resolved", study)
    rows = [
        (e.event_id, e.event_session, symbol)
        for e in resolved.events
        for symbol in resolved.instruments
        if resolved.paired(e.event_id, symbol)
    ]
    return pd.DataFrame(rows, columns=["event_id", "event_session", "instrument"])


def bhar_of_study(
    study,
    horizons: Sequence[int] = DEFAULT_HORIZONS,
    against: str = "benchmark",
    controls: Sequence[str] | None = None,
    control_bars: pd.DataFrame | None = None,
    **options,
) -> LongHorizonResults:
    """:func:`buy_and_hold_abnormal_returns` for a study (a :class:`~analysis.api.StudyOutcome`
    or the :class:`~analysis.api.ResolvedStudy` it ran: no model is fitted, so a study whose
    short-window estimation fails still has BHARs): its pairs, benchmark, calendar and bars.
    ``control_bars``: canonical bars of the control candidates (the ``controls`` named, or
    every series given, matched per pair by :func:`match_controls`)."""
    from analysis.study import closes_wide

    resolved = getattr(study, "resolved", study)
    bars = resolved.bars
    if control_bars is not None and len(control_bars):
        bars = pd.concat([bars, control_bars[~control_bars["symbol"].isin(bars["symbol"])]])
    closes = closes_wide(bars) if len(bars) else pd.DataFrame()
    studied = set(resolved.instruments) | {resolved.benchmark}
    candidates = sorted(set(control_bars["symbol"]) - studied) if control_bars is not None else []
    metadata = {
        "method": Message(
            "relative days count {calendar}{inferred}",
            calendar=resolved.calendar_text,
            inferred="",
        ),
        "data_mode": resolved.data_mode.label,
        "data_vintage": resolved.data_vintage,
    }
    return buy_and_hold_abnormal_returns(
        closes,
        resolved.sessions,
        study_pairs(resolved),
        horizons,
        benchmark=resolved.benchmark,
        against=against,
        controls=list(controls) if controls else None,
        candidates=candidates,
        metadata=metadata,
        **options,
    )
