"""Normal-return models estimated over an estimation window, vectorised across instruments.

All three models work on a block of estimation-window returns ``R`` (L × N, NaN = missing) and,
where needed, market returns ``M`` (L,). Each instrument uses its own valid days: those where its
return (and, for market-based models, the market's) is observed; ``n`` (L1 in the formulas)
counts them.

References: MacKinlay (1997), "Event studies in economics and finance", JEL 35:13–39, eqs. 8–15;
Campbell, Lo & MacKinlay (1997), *The Econometrics of Financial Markets*, §4.3–4.4 ("CLM").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MODELS = ("market", "constant-mean", "market-adjusted")


@dataclass(frozen=True)
class FittedModel:
    """Per-instrument estimates (arrays of length N).

    ``alpha``/``beta``: market model α̂, β̂ (constant mean: α̂ = μ̂_i, β̂ = NaN; market-adjusted:
    α̂ = 0, β̂ = 1 by construction). ``sigma2``: residual variance σ̂² with divisor ``n − k``.
    ``market_mean``/``market_sxx``: μ̂_m and Σ(R_mt − μ̂_m)² over each instrument's own valid
    days (market model only, else NaN). ``k``: parameters estimated for the mean (2, 1 or 0; the
    market-adjusted residual variance still uses divisor n − 1, CLM §4.3).
    """

    model: str
    n: np.ndarray
    alpha: np.ndarray
    beta: np.ndarray
    sigma2: np.ndarray
    market_mean: np.ndarray
    market_sxx: np.ndarray
    dof: np.ndarray

    def expected(self, returns: np.ndarray, market: np.ndarray | None) -> np.ndarray:
        """Normal (expected) returns for an L × N block of instrument returns."""
        if self.model == "constant-mean":
            return np.broadcast_to(self.alpha, returns.shape).copy()
        market_column = market[:, None]
        if self.model == "market-adjusted":
            return np.broadcast_to(market_column, returns.shape).copy()
        return self.alpha + self.beta * market_column


def fit(model: str, returns: np.ndarray, market: np.ndarray | None) -> FittedModel:
    """Estimate ``model`` on an L × N block; see :class:`FittedModel` for what comes back."""
    if model not in MODELS:
        raise ValueError(f"model must be one of {MODELS}, got {model!r}")
    returns = np.asarray(returns, dtype=float)
    nan = np.full(returns.shape[1], np.nan)
    if model == "constant-mean":
        valid = ~np.isnan(returns)
        n = valid.sum(axis=0)
        r = np.where(valid, returns, 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = r.sum(axis=0) / n
            resid = np.where(valid, returns - mean, 0.0)
            sigma2 = (resid**2).sum(axis=0) / (n - 1)
        return FittedModel(model, n, mean, nan, sigma2, nan, nan, n - 1)
    if market is None:
        raise ValueError(f"the {model} model needs market returns")
    market_column = np.asarray(market, dtype=float)[:, None]
    valid = ~np.isnan(returns) & ~np.isnan(market_column)
    n = valid.sum(axis=0)
    r = np.where(valid, returns, 0.0)
    m = np.where(valid, market_column, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        if model == "market-adjusted":
            excess = np.where(valid, r - m, 0.0)
            mean_excess = excess.sum(axis=0) / n
            resid = np.where(valid, excess - mean_excess, 0.0)
            sigma2 = (resid**2).sum(axis=0) / (n - 1)
            ones = np.ones(returns.shape[1])
            return FittedModel(model, n, 0.0 * ones, ones, sigma2, nan, nan, n - 1)
        mean_m = m.sum(axis=0) / n
        mean_r = r.sum(axis=0) / n
        dev_m = np.where(valid, m - mean_m, 0.0)
        dev_r = np.where(valid, r - mean_r, 0.0)
        sxx = (dev_m**2).sum(axis=0)
        beta = (dev_m * dev_r).sum(axis=0) / sxx
        alpha = mean_r - beta * mean_m
        resid = np.where(valid, r - alpha - beta * m, 0.0)
        sigma2 = (resid**2).sum(axis=0) / (n - 2)
    return FittedModel(model, n, alpha, beta, sigma2, mean_m, sxx, n - 2)
