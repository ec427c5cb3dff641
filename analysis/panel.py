"""The containers the event-study engine and its statistics share: :class:`Conventions` (how
variances and some tests are computed), :class:`Panel` (the estimated instrument × event pairs,
as arrays) and :class:`EventStudyInputError`.

Kept apart from :mod:`analysis.event_study` so that :mod:`analysis.statistics` can import them
and :mod:`analysis.event_study` can import the statistics at module level (no import cycle).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from data_sources.messages import Message


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
            return Message("textbook conventions")
        for name in self.PRESETS:
            if self == Conventions.preset(name):
                return Message("{name} conventions", name=name)
        return (
            f"sigma divisor {self.sigma_divisor}, prediction error "
            f"{'on' if self.prediction_error else 'off'}, market terms {self.market_terms}, "
            f"sign p-hat {self.sign_p_hat}, ranks {self.rank_missing}"
        )


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
    #: K-regressor models (factors, two-index): K × L × P, R⁻ᵀ x*_τ per event day (X = QR the
    #: pair's estimation design, x*_τ = [1, f_τ]); the prediction-error terms in matrix form,
    #: x*_τ'(X'X)⁻¹x*_τ = Σ_j root²_jτ (c1, dev are 0 for them). None for the other models.
    root: np.ndarray | None = None

    @property
    def models(self) -> np.ndarray:
        """The distinct normal-return models of the pairs (cached)."""
        if "models" not in self.cache:
            self.cache["models"] = pd.unique(self.pairs["model"].to_numpy())
        return self.cache["models"]

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
            if value is None:
                values[name] = None
            elif name == "pairs":
                values[name] = value.iloc[columns].reset_index(drop=True)
            elif name in ("rel_days", "est_rel_days"):
                values[name] = value
            elif value.ndim >= 2:
                values[name] = value[..., columns]
            else:
                values[name] = value[columns]
        return Panel(**values)

    def day_variance_factor(self, market_terms: str = "own") -> np.ndarray:
        """V_i,ττ / σ̂²_i: 1 + c_i + dev²/Sxx (L × P); for the K-regressor models
        1 + x*_τ'(X'X)⁻¹x*_τ over the pair's own estimation design (``market_terms`` "index",
        estudy2's index-wide moments of the one market series, does not apply to them)."""
        dev, sxx = (
            (self.dev, self.sxx) if market_terms == "own" else (self.dev_index, self.sxx_index)
        )
        with np.errstate(divide="ignore", invalid="ignore"):
            factor = 1.0 + self.c1 + np.where(np.isfinite(sxx), dev**2 / sxx, 0.0)
        if self.root is not None:
            factor = factor + (self.root**2).sum(axis=0)
        return factor

    def sar(self, market_terms: str = "own") -> np.ndarray:
        """Standardised abnormal returns AR / sqrt(V_ττ) (L × P; cached)."""
        key = ("sar", market_terms)
        if key not in self.cache:
            factor = self.day_variance_factor(market_terms)
            self.cache[key] = self.ar / np.sqrt(self.sigma2 * factor)
        return self.cache[key]

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
            if self.root is None:
                variance = self.sigma2 * (n_valid + self.c1 * n_valid**2 + slope_term)
            else:  # ι'X*(X'X)⁻¹X*'ι = ‖R⁻ᵀ Σ_τ x*_τ‖² over the window's valid days
                root_sum = np.einsum("wl,klp->kwp", indicator, np.where(valid, self.root, 0.0))
                design_term = (root_sum**2).sum(axis=0)
                variance = self.sigma2 * (n_valid + self.c1 * n_valid**2 + slope_term + design_term)
        # a window with no valid day (e.g. every session suspended) has no CAR and no SE,
        # not an SE of 0 beside a missing CAR
        car = np.where(n_valid > 0, car, np.nan)
        variance = np.where(n_valid > 0, variance, np.nan)
        return car, variance, n_valid
