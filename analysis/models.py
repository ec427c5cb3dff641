"""Normal-return models: one registry entry per model, used by the event study and the placebo.

Each :class:`NormalReturnModel` defines, once:

* its fit on an estimation block ``R`` (L × N, NaN = missing) and, where needed, market returns
  ``M`` (L,): :meth:`NormalReturnModel.fit`. Each instrument uses its own valid days — those
  where its return (and, for market-based models, the market's) is observed; ``n`` (L1 in the
  formulas) counts them;
* its mean parameters from the centred estimation moments (:meth:`coefficients`), which the
  fit and the placebo's prefix-sum fits at many pseudo-dates both call;
* its expected return E[R_τ] = intercept + slope · R_mτ (:meth:`FittedModel.expected`; summed
  over a window, :meth:`NormalReturnModel.expected_sum`);
* its CAR variance terms (formula 3.2, CLM 4.4.17–18): ``estimated_mean`` gives the c_i = 1/L1
  term, ``market_slope`` the (Σ(R_mτ − μ̂_m))² / Σ(R_mt − μ̂_m)² term;
* its degrees of freedom: ``k`` parameters of the mean, so the textbook σ̂² divides by L1 − k.

The K-regressor models (:data:`MULTI_MODELS`: ``factors``, the user's factor file; ``two-index``,
the benchmark and a second stored series) are OLS on a design block instead of the closed forms:
K = 1 + m parameters, σ̂² = SSR / (L1 − K), and per instrument R⁻¹ of the QR decomposition of its
estimation design, from which :mod:`analysis.event_study` builds the CAR variance in matrix form
σ̂²(L2 + ι'X*(X'X)⁻¹X*'ι) (CLM 4.4.17–18). The placebo's prefix-sum fits (``coefficients``) are
one-regressor only: :mod:`analysis.api` leaves the placebo out for these models, with a note.

References: MacKinlay (1997), "Event studies in economics and finance", JEL 35:13–39, eqs. 8–15;
Campbell, Lo & MacKinlay (1997), *The Econometrics of Financial Markets*, §4.3–4.4 ("CLM").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from data_sources.messages import Message

MODELS = ("market", "constant-mean", "market-adjusted", "factors", "two-index")
#: The models whose regressors are a design block (:class:`NormalReturnModel` ``multi``):
#: column 0 an offset subtracted from the returns before the fit (the risk-free rate, or 0),
#: columns 1.. the regressors (the factors; the market and the second index).
MULTI_MODELS = ("factors", "two-index")
#: Instruments fitted at a time: each fit makes a dozen passes over its L × N block, and blocks
#: of a few hundred columns stay in the CPU cache (two to three times faster on 5,000 series).
CHUNK = 256


@dataclass(frozen=True)
class FittedModel:
    """Per-instrument estimates (arrays of length N).

    ``alpha``/``beta``: the reported coefficients — market model α̂, β̂; constant mean α̂ = μ̂_i,
    β̂ = NaN; market-adjusted α̂ = 0, β̂ = 1 by construction. ``intercept``/``slope``: the ones
    the expected return uses (β̂, 0 or 1), and ``uses_market`` whether it reads the market (a
    constant mean never does, so a missing market day leaves it defined). ``sigma2``: residual
    variance with the model's own divisor ``dof`` (n − 2, n − 1, n − 1; CLM §4.3).
    ``market_mean``/``market_sxx``: μ̂_m and Σ(R_mt − μ̂_m)² over each instrument's own valid
    days (market model only, else NaN). ``model``: each column's model name.
    """

    model: np.ndarray
    n: np.ndarray
    alpha: np.ndarray
    beta: np.ndarray
    intercept: np.ndarray
    slope: np.ndarray
    uses_market: np.ndarray
    sigma2: np.ndarray
    market_mean: np.ndarray
    market_sxx: np.ndarray
    dof: np.ndarray
    #: K-regressor models only (``factors``, ``two-index``; None for the others): ``coef`` the
    #: N × m slopes on the regressors (``beta`` is the first one's), ``r_inv`` N × K × K the
    #: inverse of R in the QR decomposition X = QR of each instrument's estimation design X
    #: (constant first), so (X'X)⁻¹ = R⁻¹R⁻ᵀ; ``singular`` the fits whose design has a
    #: constant or collinear regressor; ``k`` K = 1 + m per column.
    coef: np.ndarray | None = None
    r_inv: np.ndarray | None = None
    singular: np.ndarray | None = None
    k: np.ndarray | None = None

    @property
    def xtx_inv(self) -> np.ndarray | None:
        """(X'X)⁻¹ of each instrument's estimation design (N × K × K; K-regressor models)."""
        if self.r_inv is None:
            return None
        return self.r_inv @ np.swapaxes(self.r_inv, 1, 2)

    def expected(
        self, returns: np.ndarray, market: np.ndarray | None, columns: slice = slice(None)
    ) -> np.ndarray:
        """Normal (expected) returns for an L × N block of instrument returns (or for the
        block's ``columns`` of this fit). ``market``: the market returns (L,), or for the
        K-regressor models the design block (L × (1 + m): offset, then the regressors), whose
        normal return is offset + α̂ + Σ_j b̂_j f_j."""
        intercept, slope, uses = self.intercept[columns], self.slope[columns], self.uses_market
        uses = uses[columns]
        if market is None or not uses.any():
            return np.broadcast_to(intercept, returns.shape).copy()
        if self.coef is not None:
            design = np.asarray(market, dtype=float)
            with np.errstate(invalid="ignore"):
                with_design = design[:, :1] + intercept + design[:, 1:] @ self.coef[columns].T
            return np.where(uses, with_design, intercept)
        with_market = intercept + slope * np.asarray(market, dtype=float)[:, None]
        if uses.all():
            return with_market
        return np.where(uses, with_market, intercept)

    def columns(self, mask: np.ndarray, other: FittedModel) -> FittedModel:
        """This fit with the columns in ``mask`` taken from ``other`` (fitted on those only)."""
        merged = {}
        for name in self.__dataclass_fields__:
            if getattr(self, name) is None:
                merged[name] = None
                continue
            if getattr(other, name) is None:  # a one-regressor fit inside a K-regressor one:
                # no slopes (0), no design terms (0: its c_i term carries its variance)
                values = np.array(getattr(self, name), dtype=float)
                values[mask] = 1 if name == "k" else 0
                merged[name] = values
                continue
            values = np.array(getattr(self, name), dtype=object if name == "model" else None)
            if values.dtype.kind in "iub" and name != "uses_market":
                values = values.astype(float)
            values[mask] = getattr(other, name)
            merged[name] = values
        merged["n"] = merged["n"].astype(int)
        if merged["singular"] is not None:
            merged["singular"] = merged["singular"].astype(bool)
        if merged["k"] is not None:
            merged["k"] = merged["k"].astype(int)
        return FittedModel(**merged)


@dataclass(frozen=True)
class NormalReturnModel:
    """One normal-return model: its parameters of the mean ``k``, whether it reads the market,
    its CAR variance terms, and its fit. See the module docstring."""

    name: str
    label: str
    k: int
    uses_market: bool
    estimated_mean: bool  # c_i = 1/L1 in Var(CAR)
    market_slope: bool  # the (Σ dev)²/Sxx term in Var(CAR)
    #: a K-regressor model: fitted by least squares on a design block (:data:`MULTI_MODELS`),
    #: its Var(CAR) term ι'X*(X'X)⁻¹X*'ι in matrix form (``k`` 0: K = 1 + the file's factors)
    multi: bool = False

    def coefficients(self, n, mean_y, mean_x, sxx, sxy) -> tuple[np.ndarray, np.ndarray]:
        """(intercept, slope) of E[R] from the estimation moments: n valid days, the means of
        the instrument's and the market's returns, and the centred Σ(x − x̄)², Σ(x − x̄)(y − ȳ)."""
        if self.multi:
            raise ValueError(f"the {self.name} model has no one-regressor moments form")
        mean_y = np.asarray(mean_y, dtype=float)
        if self.name == "constant-mean":
            return mean_y, np.zeros_like(mean_y)
        if self.name == "market-adjusted":
            return np.zeros_like(mean_y), np.ones_like(mean_y)
        with np.errstate(invalid="ignore", divide="ignore"):
            beta = sxy / sxx
            return mean_y - beta * mean_x, beta

    def fit(self, returns: np.ndarray, market: np.ndarray | None) -> FittedModel:
        """Estimate the model on an L × N block; see :class:`FittedModel`."""
        returns = np.asarray(returns, dtype=float)
        if self.uses_market and market is None:
            raise ValueError(f"the {self.name} model needs market returns")
        if self.multi:
            return self._fit_design(returns, market)
        if returns.shape[1] <= CHUNK:
            return self._fit(returns, market)
        parts = [
            self._fit(returns[:, start : start + CHUNK], market)
            for start in range(0, returns.shape[1], CHUNK)
        ]
        return FittedModel(
            **{
                name: np.concatenate([getattr(part, name) for part in parts])
                for name in FittedModel.__dataclass_fields__
                if getattr(parts[0], name) is not None  # the K-regressor fields stay None
            }
        )

    def _fit(self, returns: np.ndarray, market: np.ndarray | None) -> FittedModel:
        columns = returns.shape[1]
        nan = np.full(columns, np.nan)
        names = np.full(columns, self.name, dtype=object)
        uses_market = np.full(columns, self.uses_market)
        if self.uses_market:
            market_column = np.asarray(market, dtype=float)[:, None]
            valid = ~np.isnan(returns) & ~np.isnan(market_column)
        else:
            valid = ~np.isnan(returns)
        n = valid.sum(axis=0)
        r = np.where(valid, returns, 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean_r = r.sum(axis=0) / n
            if self.name == "constant-mean":
                intercept, slope = self.coefficients(n, mean_r, None, None, None)
                resid = np.where(valid, returns - intercept, 0.0)
                sigma2 = (resid**2).sum(axis=0) / (n - 1)
                return FittedModel(
                    names, n, intercept, nan, intercept, slope, uses_market, sigma2, nan, nan, n - 1
                )
            if self.name == "market-adjusted":
                # residuals centred on their mean (formula 3.3): σ̂² of R − R_m, divisor n − 1
                excess = np.where(valid, r - market_column, 0.0)
                resid = np.where(valid, excess - excess.sum(axis=0) / n, 0.0)
                sigma2 = (resid**2).sum(axis=0) / (n - 1)
                intercept, slope = self.coefficients(n, mean_r, None, None, None)
                return FittedModel(
                    names, n, intercept, slope, intercept, slope, uses_market, sigma2, nan, nan,
                    n - 1,
                )  # fmt: skip
            # the market moments over each instrument's valid days as matrix-vector products,
            # on the market shifted by its window mean (so Σx² − n·x̄² does not cancel: a flat
            # benchmark gives Sxx = 0 to rounding, as it must for the flat-benchmark check)
            market_values = market_column[:, 0]
            present = ~np.isnan(market_values)
            shift = market_values[present].mean() if present.any() else 0.0
            shifted = np.where(present, market_values - shift, 0.0)
            weights = valid.astype(float)
            mean_shifted = (shifted @ weights) / n
            sxx = (shifted**2) @ weights - n * mean_shifted**2
            sxy = shifted @ r - n * mean_shifted * mean_r
            mean_m = shift + mean_shifted
            alpha, beta = self.coefficients(n, mean_r, mean_shifted, sxx, sxy)
            # residuals R − α̂' − β̂ (R_m − shift) on the valid days (α̂' the shifted intercept)
            resid = (r - alpha - beta * shifted[:, None]) * weights
            sigma2 = np.einsum("ij,ij->j", resid, resid) / (n - self.k)
            alpha = mean_r - beta * mean_m  # the intercept on the unshifted market
        return FittedModel(
            names, n, alpha, beta, alpha, beta, uses_market, sigma2, mean_m, sxx, n - self.k
        )

    def _fit_design(self, returns: np.ndarray, design: np.ndarray) -> FittedModel:
        """OLS of R − offset on [1, f_1 … f_m] over each instrument's valid days (its return,
        the offset and every regressor present), by QR (X = QR: b̂ = R⁻¹Q'y, as precise as
        statsmodels' pinv). Instruments with the same valid days share one decomposition."""
        design = np.asarray(design, dtype=float)
        if design.ndim != 2 or design.shape[1] < 2:
            raise ValueError(f"the {self.name} model needs a design block (offset, regressors)")
        length, columns = returns.shape
        m = design.shape[1] - 1
        k = m + 1
        offset, regressors = design[:, 0], design[:, 1:]
        rows_present = ~np.isnan(offset) & ~np.isnan(regressors).any(axis=1)
        y = returns - offset[:, None]
        valid = ~np.isnan(y) & rows_present[:, None]
        n = valid.sum(axis=0)
        nan = np.full(columns, np.nan)
        alpha, sigma2 = nan.copy(), nan.copy()
        coef = np.full((columns, m), np.nan)
        r_inv = np.full((columns, k, k), np.nan)
        singular = np.zeros(columns, dtype=bool)
        if columns:
            patterns, group_of = np.unique(
                np.packbits(valid, axis=0).T, axis=0, return_inverse=True
            )
            group_of = np.ravel(group_of)
            for group in range(len(patterns)):
                members = np.flatnonzero(group_of == group)
                rows = valid[:, members[0]]
                count = int(rows.sum())
                if count < k:
                    continue  # too few days: NaN, and the study's minimum L1 names it
                x = np.column_stack([np.ones(count), regressors[rows]])
                q, r = np.linalg.qr(x)
                # a regressor that is constant, or a combination of the others, over these
                # days leaves |R_jj| at rounding size against its own column's length
                size = np.sqrt((x**2).sum(axis=0))
                if not (np.abs(np.diag(r)) > 1e-9 * np.maximum(size, 1e-300)).all():
                    singular[members] = True
                    continue
                ys = y[rows][:, members]
                b = np.linalg.solve(r, q.T @ ys)  # K × members
                resid = ys - x @ b
                with np.errstate(invalid="ignore", divide="ignore"):
                    sigma2[members] = np.einsum("ij,ij->j", resid, resid) / (count - k)
                alpha[members] = b[0]
                coef[members] = b[1:].T
                r_inv[members] = np.linalg.solve(r, np.eye(k))
        return FittedModel(
            model=np.full(columns, self.name, dtype=object),
            n=n,
            alpha=alpha,
            beta=coef[:, 0].copy(),
            intercept=alpha,
            slope=coef[:, 0].copy(),
            uses_market=np.ones(columns, dtype=bool),
            sigma2=sigma2,
            market_mean=nan.copy(),
            market_sxx=nan.copy(),
            dof=n - k,
            coef=coef,
            r_inv=r_inv,
            singular=singular,
            k=np.full(columns, k),
        )

    def expected_sum(self, intercept, slope, days, market_sum) -> np.ndarray:
        """Σ of E[R] over a window of ``days`` valid days whose market returns sum to
        ``market_sum``: days · intercept + slope · Σ R_m (no market term without one)."""
        if not self.uses_market:
            return days * intercept
        return days * intercept + slope * market_sum

    def c_term(self, n: np.ndarray, prediction_error: bool = True) -> np.ndarray:
        """c_i of Var(CAR): 1/L1 for a model with an estimated mean (0 without the
        prediction-error term, or for the market-adjusted model)."""
        if not (self.estimated_mean and prediction_error):
            return np.zeros(np.shape(n))
        with np.errstate(divide="ignore", invalid="ignore"):
            return 1.0 / np.asarray(n, dtype=float)


#: name → model, in the order the dashboard lists them.
REGISTRY: dict[str, NormalReturnModel] = {
    "market": NormalReturnModel(
        "market", Message("market model (OLS)"), k=2, uses_market=True, estimated_mean=True,
        market_slope=True,
    ),
    "constant-mean": NormalReturnModel(
        "constant-mean", Message("constant-mean model"), k=1, uses_market=False,
        estimated_mean=True, market_slope=False,
    ),
    "market-adjusted": NormalReturnModel(
        "market-adjusted", Message("market-adjusted model"), k=1, uses_market=True,
        estimated_mean=False, market_slope=False,
    ),
    # K-regressor models: c_i is 0 because the design term ι'X*(X'X)⁻¹X*'ι (which holds the
    # L²/L1 of an estimated constant) is computed in matrix form (analysis.event_study)
    "factors": NormalReturnModel(
        "factors", Message("multi-factor model (user factors)"), k=0, uses_market=True,
        estimated_mean=False, market_slope=False, multi=True,
    ),
    "two-index": NormalReturnModel(
        "two-index", Message("two-index model"), k=3, uses_market=True,
        estimated_mean=False, market_slope=False, multi=True,
    ),
}  # fmt: skip
assert tuple(REGISTRY) == MODELS


def get(model: str) -> NormalReturnModel:
    """The registry entry for ``model`` (ValueError naming the choices otherwise)."""
    if model not in REGISTRY:
        raise ValueError(f"model must be one of {MODELS}, got {model!r}")
    return REGISTRY[model]


def fit(model: str, returns: np.ndarray, market: np.ndarray | None) -> FittedModel:
    """Estimate ``model`` on an L × N block; see :class:`FittedModel` for what comes back."""
    return get(model).fit(returns, market)
