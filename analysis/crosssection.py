"""Who responded: the cross-sectional regression of CARs on the instruments' traits.

A market-wide measure hits every stock on the same day, so its effect shows as *differential
exposure*: ``CAR_i = a + b·traits_i + e_i`` over the (event, instrument) pairs of a study, one
measure or several pooled (Campbell, Lo & MacKinlay 1997, §4.4.7 "cross-sectional models"; the
R EventStudy package's and Stata's eventstudy2 cross-sectional step). Estimated with
statsmodels OLS (WLS when weights are given) and its covariances:

* ``hc3`` (default for one measure): MacKinnon–White (1985) HC3, heteroskedasticity-robust;
* ``cluster`` (default when measures are pooled): cluster-robust by event session (t0), so
  pairs of measures announced on the same day share a cluster (their CARs share the day's
  market-wide shock); t and p use G − 1 degrees of freedom (G clusters), statsmodels'
  small-sample rule;
* ``nonrobust``: the classical OLS covariance σ̂²(X'X)⁻¹.

The dependent variable is the CAR (a decimal return) or the SCAR (CAR / its SE) over one CAR
window of the study (default its headline window). Traits come from :func:`trait_table`:
derived from the bars before each event (:mod:`analysis.characteristics`), listing traits
(board, ST, industry) and a user's trait file, merged on the instrument (and the event for the
derived ones). A text trait (board, industry) enters as dummies against its most common level.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from analysis import characteristics
from analysis.characteristics import DERIVED_TRAITS, TRAIT_UNITS, named
from analysis.export import csv_bytes as _csv_bytes
from analysis.panel import EventStudyInputError
from data_sources.messages import Message, joined

DEPENDENTS = ("car", "scar")
COV_TYPES = ("hc3", "cluster", "nonrobust")
#: The columns of :meth:`CrossSectionResults.to_frame` (and ``crosssection.csv``, before the
#: metadata columns).
COLUMNS = [
    "term", "coef", "se", "t", "p", "ci_low", "ci_high", "n", "r2", "adj_r2", "cov_type",
    "n_t0_clusters", "measure_effects", "dependent", "window",
]  # fmt: skip
KEYS = ("event_id", "instrument")
#: Names a trait cannot keep: the regression's own columns (statsmodels' intercept ``const``,
#: patsy's ``Intercept``, the CAR summary's columns, the scatter's). A trait named so is kept
#: as ``<name>_<table>`` (``const_file``), said in the notes.
RESERVED = (
    *KEYS, "symbol", "const", "Intercept", "car", "car_se", "scar", "event_session",
    "window_start", "window_end", "y", "fitted", "residual",
)  # fmt: skip
#: The prefix of a measure fixed effect's dummy (``measure[<event_id>]``).
MEASURE_TERM = "measure"
#: Below this many residual degrees of freedom (N − K) the estimates are noisy: said.
FEW_DOF = 10
#: Columns of the listing traits that are not traits (a firm's name).
LISTING_NOT_TRAITS = ("name",)
#: Below this many clusters cluster-robust SEs are unreliable (Cameron & Miller 2015): said.
FEW_CLUSTERS = 10


class CrossSectionInputError(EventStudyInputError):
    """A regression that cannot be run as asked (unknown trait, too few pairs …): the message
    names what is wrong."""


# -- the trait table --------------------------------------------------------------------------


@dataclass(frozen=True)
class TraitTable:
    """Traits per (event_id, instrument) pair: ``frame`` (the two keys, then one column per
    trait), ``notes`` (what could not be derived or read) and ``sources`` (trait → derived,
    listing or file)."""

    frame: pd.DataFrame
    notes: tuple[str, ...] = ()
    sources: dict[str, str] = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        return [c for c in self.frame.columns if c not in KEYS]


def _by_symbol(table, kind: str = "file") -> pd.DataFrame:
    """A trait table of one of the input shapes (``.frame`` indexed by symbol, a frame indexed
    by symbol, or one with a symbol/instrument column) → a frame with an ``instrument``
    column."""
    frame = getattr(table, "frame", table)
    frame = frame.copy()
    if frame.index.name == "symbol":  # data_sources.traits' shape: the index is the key
        # a trait a user named like a key or a reserved name (const, car …) stays a trait
        clashing = [c for c in frame.columns if c in RESERVED]
        frame = frame.rename(columns={c: f"{c}_{kind}" for c in clashing})
        frame = frame.rename_axis("instrument").reset_index()
    else:
        if "instrument" not in frame.columns:
            if "symbol" in frame.columns:
                frame = frame.rename(columns={"symbol": "instrument"})
            else:
                frame = frame.rename_axis("instrument").reset_index()
        clashing = [c for c in frame.columns if c in RESERVED and c not in KEYS]
        frame = frame.rename(columns={c: f"{c}_{kind}" for c in clashing})
    frame.attrs["reserved"] = {c: f"{c}_{kind}" for c in clashing}
    return frame.drop_duplicates("instrument", keep="last")


def trait_table(
    outcome,
    user=None,
    listing=None,
    turnover: pd.DataFrame | None = None,
    derived: characteristics.DerivedTraits | None = None,
) -> TraitTable:
    """Every trait of every pair of ``outcome``: derived before each event (from its bars and
    ``turnover``, or ``derived`` already computed), then ``listing`` and ``user`` traits
    (:func:`data_sources.traits.listing_traits` / ``read_trait_file`` shapes: indexed by
    symbol), merged on the instrument. A file trait named like an earlier one is kept as
    ``<name>_file``, said in the notes."""
    derived = derived or characteristics.outcome_traits(outcome, turnover)
    frame = derived.frame.copy()
    notes = list(derived.notes)
    sources = dict.fromkeys(DERIVED_TRAITS, "derived")
    for kind, table in (("listing", listing), ("file", user)):
        if table is None:
            continue
        extra = _by_symbol(table, kind)
        if extra.attrs.get("reserved"):
            reserved = extra.attrs["reserved"]
            notes.append(
                Message(
                    "{kind} trait(s) {names} carry a name the regression uses itself: kept as "
                    "{renamed}",
                    kind=kind,
                    names=", ".join(reserved),
                    renamed=", ".join(reserved.values()),
                )
            )
        if kind == "listing":  # a firm's name is not a trait (one dummy per firm)
            extra = extra.drop(columns=[c for c in LISTING_NOT_TRAITS if c in extra.columns])
        renames = {}
        for column in extra.columns:
            if column != "instrument" and column in frame.columns:
                renames[column] = f"{column}_{kind}"
        if renames:
            notes.append(
                Message(
                    "{kind} trait(s) {names} share a name with another trait: kept as {renamed}",
                    kind=kind,
                    names=", ".join(renames),
                    renamed=", ".join(renames.values()),
                )
            )
            extra = extra.rename(columns=renames)
        unmatched = sorted(set(frame["instrument"]) - set(extra["instrument"]))
        if unmatched and len(extra.columns) > 1:
            notes.append(
                Message(
                    "the {kind} traits have no row for {instruments}",
                    kind=kind,
                    instruments=named(unmatched),
                )
            )
        frame = frame.merge(extra, on="instrument", how="left")
        sources |= dict.fromkeys([c for c in extra.columns if c != "instrument"], kind)
        for note in getattr(table, "notes", ()) or ():
            notes.append(note)  # a Message stays one: the page shows it in its language
    return TraitTable(frame, tuple(dict.fromkeys(notes)), sources)


def varying_traits(table: TraitTable) -> tuple[list[str], list[str]]:
    """The traits worth offering as regressors: those with at least two distinct values over
    the pairs (missing values aside), and those with one value for every pair that has one
    (a board all pairs share, ST where no pair is ST: nothing to regress on). Traits with no
    value at all are in neither."""
    varying, constant = [], []
    for name in table.names:
        distinct = table.frame[name].dropna().astype(str).nunique()
        if distinct >= 2:
            varying.append(name)
        elif distinct == 1:
            constant.append(name)
    return varying, constant


def listing_table(symbols: Sequence[str]) -> pd.DataFrame:
    """What the listing says of ``symbols`` (:func:`data_sources.traits.listing_traits`,
    without touching the network): board (text, entered as dummies) and its 0/1 dummies, ST
    where a name is known, industry where known."""
    from data_sources.traits import listing_traits

    return listing_traits(list(symbols))


def turnover_for(source, symbols: Sequence[str]) -> tuple[pd.DataFrame | None, list[Message]]:
    """``symbol, date, turnover`` (%) of ``symbols`` from ``source`` (a
    :class:`~data_sources.store.Store`, or a study source with a ``turnover`` method: the
    store's side table, or the turnover of price files that carry 换手率 / turn), None when
    there is none; and a note naming each damaged turnover file left out."""
    table = source.turnover(list(symbols))
    notes = [
        Message(
            "turnover file {file} is damaged ({problem}): left out, so size and turnover are "
            "not derived for its series",
            file=damage.file,
            problem=damage.problem,
        )
        for damage in table.attrs.get("damaged", ())
    ]
    return (table if len(table) else None), notes


# -- the regression ---------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class CrossSectionResults:
    """The fitted cross-section (immutable, statsmodels style; nothing is printed).

    ``params``, ``bse``, ``tvalues``, ``pvalues``: by term (``const`` first); ``n``, ``r2``,
    ``adj_r2``; ``cov_type`` (hc3, cluster, nonrobust) and ``n_clusters``; ``dependent`` (car
    or scar) over ``window``; ``fitted``: one row per pair used (keys, event_session, ``y``,
    the design's columns, ``fitted``, ``residual``) for a scatter; ``notes``: pairs left out
    and why, regressors dropped, few clusters.
    """

    params: pd.Series
    bse: pd.Series
    tvalues: pd.Series
    pvalues: pd.Series
    n: int
    r2: float
    adj_r2: float
    cov_type: str
    n_clusters: int | None
    dependent: str
    window: tuple[int, int]
    regressors: tuple[str, ...]
    fitted: pd.DataFrame
    notes: tuple[str, ...]
    metadata: dict[str, str]
    weighted: bool
    _fit: Any = field(repr=False)
    #: one dummy per measure but one (the first in sort order) was in the design
    measure_effects: bool = False

    @property
    def trait_terms(self) -> list[str]:
        """The design's trait terms: neither the intercept nor a measure fixed effect."""
        return [t for t in self.params.index if t != "const" and not _is_measure_term(t)]

    @property
    def window_text(self) -> str:
        return f"[{self.window[0]}, {self.window[1]}]"

    def conf_int(self, alpha: float = 0.05) -> pd.DataFrame:
        """(1 − alpha) confidence intervals by term: columns ``ci_low``, ``ci_high``."""
        if not 0 < alpha < 1:
            raise CrossSectionInputError(
                Message("alpha must lie between 0 and 1, got {alpha}", alpha=alpha)
            )
        bounds = self._fit.conf_int(alpha)
        bounds.columns = ["ci_low", "ci_high"]
        return bounds

    def to_frame(self, alpha: float = 0.05) -> pd.DataFrame:
        """One row per term: coef, se, t, p, CI (1 − alpha), then the fit's n, R², adjusted
        R², covariance, clusters, dependent and window repeated on every row."""
        bounds = self.conf_int(alpha)
        frame = pd.DataFrame(
            {
                "term": self.params.index,
                "coef": self.params.to_numpy(),
                "se": self.bse.to_numpy(),
                "t": self.tvalues.to_numpy(),
                "p": self.pvalues.to_numpy(),
                "ci_low": bounds["ci_low"].to_numpy(),
                "ci_high": bounds["ci_high"].to_numpy(),
            }
        )
        frame["n"] = self.n
        frame["r2"] = self.r2
        frame["adj_r2"] = self.adj_r2
        frame["cov_type"] = self.cov_type
        frame["n_t0_clusters"] = self.n_clusters if self.n_clusters is not None else np.nan
        frame["measure_effects"] = "yes" if self.measure_effects else "no"
        frame["dependent"] = self.dependent
        frame["window"] = self.window_text
        return frame[COLUMNS]

    def fit_line(self, term: str, points: int = 50) -> pd.DataFrame:
        """The fitted value along one regressor (``x``, ``fitted``), the other regressors held
        at their sample means: the line of a scatter of the dependent against ``term``."""
        if term not in self.trait_terms:
            raise CrossSectionInputError(
                Message(
                    "{term} is not a regressor of this fit; choose from {terms}",
                    term=term,
                    terms=", ".join(self.trait_terms),
                )
            )
        design = self.fitted[[t for t in self.params.index if t != "const"]]
        x = np.linspace(design[term].min(), design[term].max(), points)
        others = design.mean()
        base = self.params["const"] + sum(
            self.params[t] * others[t] for t in design.columns if t != term
        )
        return pd.DataFrame({"x": x, "fitted": base + self.params[term] * x})

    def summary(self) -> str:
        """A readable text table (nothing is printed)."""
        label = "CAR" if self.dependent == "car" else "SCAR"
        cov = self.cov_type + (f", {self.n_clusters} clusters" if self.n_clusters else "")
        lines = [
            "PolicyLens cross-sectional regression",
            f"dependent: {label} {self.window_text}"
            + (" (decimal: 0.01 = 1 %)" if self.dependent == "car" else " (standardised)"),
            f"estimator: {'WLS' if self.weighted else 'OLS'}; covariance: {cov}; measure "
            f"fixed effects: {'yes' if self.measure_effects else 'no'}",
            f"N = {self.n}   R² = {self.r2:.4f}   adj. R² = {self.adj_r2:.4f}",
            "",
            f"{'term':<24}{'coef':>12}{'se':>12}{'t':>8}{'p':>8}{'ci_low':>12}{'ci_high':>12}",
        ]
        for row in self.to_frame().itertuples():
            lines.append(
                f"{str(row.term)[:23]:<24}{row.coef:>12.5f}{row.se:>12.5f}{row.t:>8.2f}"
                f"{row.p:>8.4f}{row.ci_low:>12.5f}{row.ci_high:>12.5f}"
            )
        if self.notes:
            lines += ["", "notes:"] + [f"- {note}" for note in self.notes]
        return "\n".join(lines)

    def csv_bytes(self) -> bytes:
        """``crosssection.csv``: :meth:`to_frame` with the metadata columns and units
        (:mod:`analysis.export`)."""
        return _csv_bytes(self.to_frame(), self.metadata)

    def __repr__(self) -> str:
        return (
            f"CrossSectionResults({self.dependent} {self.window_text} on "
            f"{', '.join(self.regressors)}; N={self.n}, {self.cov_type})"
        )


def _traits_frame(traits) -> pd.DataFrame:
    frame = getattr(traits, "frame", traits)
    if "event_id" in frame.columns:
        clashing = [c for c in frame.columns if c in RESERVED and c not in KEYS]
        return frame.rename(columns={c: f"{c}_file" for c in clashing})
    return _by_symbol(frame)


def _design_columns(frame: pd.DataFrame, regressors: Sequence[str], notes: list) -> dict:
    """Regressor → its design columns: a number or a flag as itself (flags as 0/1), a text
    trait as dummies against its most common level (ties: the first in sort order)."""
    columns = {}
    for name in regressors:
        values = frame[name]
        present = values.dropna()
        if (
            values.dtype == object
            and len(present)
            and present.map(lambda v: isinstance(v, (bool, np.bool_))).all()
        ):
            values = values.map(lambda v: np.nan if pd.isna(v) else float(v))  # a flag, merged
        if pd.api.types.is_bool_dtype(values) or pd.api.types.is_numeric_dtype(values):
            columns[name] = {name: pd.to_numeric(values, errors="coerce").astype(float)}
            continue
        levels = values.dropna().astype(str)
        counts = levels.value_counts()
        if not len(counts):
            columns[name] = {name: pd.Series(np.nan, index=frame.index)}
            continue
        reference = sorted(counts[counts == counts.max()].index)[0]
        dummies = {}
        for level in sorted(set(levels) - {reference}):
            column = pd.Series(np.where(values.astype(str) == level, 1.0, 0.0), index=frame.index)
            dummies[f"{name}[{level}]"] = column.where(values.notna())
        if dummies:
            notes.append(
                Message(
                    "{name}: dummies against its most common level '{level}'",
                    name=name,
                    level=reference,
                )
            )
        else:
            dummies[name] = pd.Series(0.0, index=frame.index).where(values.notna())
        columns[name] = dummies
    return columns


def cross_section(
    outcome,
    traits,
    regressors: Sequence[str],
    *,
    dependent: str = "car",
    window: tuple[int, int] | None = None,
    cov_type: str | None = None,
    weights: str | None = None,
    measure_effects: bool | None = None,
) -> CrossSectionResults:
    """``CAR_i = a + b·traits_i + e_i`` over the pairs of ``outcome`` (a
    :class:`~analysis.api.StudyOutcome`).

    ``traits``: a :class:`TraitTable` (or a frame with ``instrument`` (or ``symbol``) and,
    for per-event traits, ``event_id``); None derives them from the outcome's bars.
    ``regressors``: trait names (a text trait becomes dummies). ``dependent``: ``car`` or
    ``scar``. ``window``: a CAR window of the study (default its headline window).
    ``cov_type``: ``hc3``, ``cluster`` (by t0) or ``nonrobust``; default hc3 for one measure,
    cluster when several are pooled. ``weights``: ``inverse_variance`` (WLS with weights
    1 / car_se²) or the name of a trait column; None = OLS. ``measure_effects``: measure
    fixed effects, one dummy ``measure[<event_id>]`` per measure but the first (in sort
    order), so the trait slopes compare firms within a measure, not measures whose mean CARs
    differ; default (None) on when several measures are pooled, False turns them off.

    Pairs without a value of a regressor are left out and named in the notes; a regressor
    constant over the pairs is dropped (noted). Raises :class:`CrossSectionInputError` for an
    unknown trait, window, dependent or covariance, too few pairs, or collinear regressors.
    """
    import statsmodels.api as sm

    if dependent not in DEPENDENTS:
        raise CrossSectionInputError(
            Message(
                "dependent must be one of {choices}, got {value}",
                choices=", ".join(DEPENDENTS),
                value=repr(dependent),
            )
        )
    if cov_type is not None and cov_type not in COV_TYPES:
        raise CrossSectionInputError(
            Message(
                "covariance must be one of {choices}, got {value}",
                choices=", ".join(COV_TYPES),
                value=repr(cov_type),
            )
        )
    if traits is None:
        traits = trait_table(outcome)
    frame = _traits_frame(traits)
    regressors = list(dict.fromkeys(str(r) for r in regressors))
    if not regressors:
        raise CrossSectionInputError(Message("name at least one regressor (a trait)"))
    available = [c for c in frame.columns if c not in KEYS]
    unknown = [r for r in regressors if r not in available]
    if unknown:
        raise CrossSectionInputError(
            Message(
                "unknown trait(s) {names}; available: {available}",
                names=", ".join(unknown),
                available=", ".join(available) or "—",
            )
        )
    windows = [tuple(w) for w in outcome.spec.windows]
    window = tuple(int(x) for x in (window or outcome.headline_window))
    if window not in windows:
        raise CrossSectionInputError(
            Message(
                "CAR window [{a}, {b}] is not one of the study's: {windows}",
                a=window[0],
                b=window[1],
                windows=", ".join(f"[{a}, {b}]" for a, b in windows),
            )
        )
    summary = outcome.car_summary
    rows = summary[(summary["window_start"] == window[0]) & (summary["window_end"] == window[1])]
    rows = rows[["event_id", "instrument", "event_session", "car", "car_se", "scar"]]
    on = ["event_id", "instrument"] if "event_id" in frame.columns else ["instrument"]
    keep = [*on, *regressors]
    if isinstance(weights, str) and weights != "inverse_variance" and weights not in keep:
        if weights not in available:
            raise CrossSectionInputError(
                Message(
                    "weights {weights} is neither inverse_variance nor a trait; available: "
                    "{available}",
                    weights=repr(weights),
                    available=", ".join(available),
                )
            )
        keep.append(weights)
    data = rows.merge(frame[keep], on=on, how="left").reset_index(drop=True)
    notes: list[str] = []
    y = data[dependent].astype(float)
    missing_y = data.loc[~np.isfinite(y), "instrument"]
    design_parts = _design_columns(data, regressors, notes)
    design = pd.DataFrame(
        {column: values for part in design_parts.values() for column, values in part.items()}
    )
    if weights == "inverse_variance":
        w = 1.0 / data["car_se"].astype(float) ** 2
    elif weights is not None:
        w = pd.to_numeric(data[weights], errors="coerce").astype(float)
    else:
        w = pd.Series(1.0, index=data.index)
    usable = np.isfinite(y) & np.isfinite(w) & (w > 0)
    if len(missing_y):
        notes.append(
            Message(
                "no {dependent} for {pairs}",
                dependent=dependent.upper(),
                pairs=named(_pair_names(data[~np.isfinite(y)])),
            )
        )
    for name, part in design_parts.items():
        absent = ~np.isfinite(pd.DataFrame(part)).all(axis=1) & usable
        if absent.any():
            notes.append(
                Message(
                    "left out, no {name}: {pairs}",
                    name=name,
                    pairs=named(_pair_names(data[absent])),
                )
            )
        usable &= ~absent
    if weights is not None:
        bad_w = ~(np.isfinite(w) & (w > 0)) & np.isfinite(y)
        if bad_w.any():
            notes.append(
                Message(
                    "left out, no positive weight: {pairs}", pairs=named(_pair_names(data[bad_w]))
                )
            )
    data, design, y, w = data[usable], design[usable], y[usable], w[usable]
    values = design.to_numpy()
    constant = list(design.columns[values.min(axis=0) == values.max(axis=0)]) if len(values) else []
    if constant:
        notes.append(
            Message(
                "dropped, the same for every pair used: {names} (it would be collinear with the "
                "intercept)",
                names=", ".join(constant),
            )
        )
        design = design.drop(columns=constant)
    if design.shape[1] == 0:
        raise CrossSectionInputError(
            Message(
                "no regressor varies across the {n} pairs used ({names}): nothing to regress on",
                n=len(design),
                names=", ".join(regressors),
            )
        )
    measures = sorted(data["event_id"].astype(str).unique())
    effects = len(measures) > 1 and measure_effects is not False
    traits_only = list(design.columns)
    if effects:
        ids = data["event_id"].astype(str)
        for measure in measures[1:]:
            design[f"{MEASURE_TERM}[{measure}]"] = np.where(ids == measure, 1.0, 0.0)
        notes.append(
            Message(
                "measure fixed effects: a dummy per measure against {reference}, so the trait "
                "slopes compare firms within a measure (turn them off to pool the measures' "
                "levels)",
                reference=measures[0],
            )
        )
    _enough(design, dependent, notes)
    exog = sm.add_constant(design, has_constant="add")
    # the measures' dummies first: a trait that only varies between measures is named
    ordered = ["const", *[c for c in exog.columns if c not in traits_only and c != "const"]]
    collinear = _collinear(exog[[*ordered, *traits_only]].to_numpy())
    exog_names = [*ordered, *traits_only]
    if collinear:
        names = [exog_names[i] for i in collinear]
        raise CrossSectionInputError(
            Message(
                "regressor(s) {names} are a linear combination of the intercept, the measure "
                "effects and the regressors before them: leave one out",
                names=", ".join(names),
            )
        )
    events = data["event_id"].nunique()
    chosen = cov_type or ("cluster" if events > 1 else "hc3")
    groups = pd.factorize(data["event_session"])[0]
    n_clusters = int(groups.max() + 1) if len(groups) else 0
    if chosen == "cluster" and n_clusters < 2:
        notes.append(
            Message(
                "one event session: cluster-robust SEs need at least two clusters, HC3 used instead"
            )
        )
        chosen = "hc3"
    elif chosen == "cluster" and n_clusters < FEW_CLUSTERS:
        notes.append(
            Message(
                "only {n} event-session clusters: cluster-robust SEs are imprecise with fewer "
                "than {few} (t and p use {dof} degrees of freedom)",
                n=n_clusters,
                few=FEW_CLUSTERS,
                dof=n_clusters - 1,
            )
        )
    dof = len(exog) - exog.shape[1]
    if dof < FEW_DOF:
        notes.append(
            Message(
                "only {dof} residual degrees of freedom (N = {n} pairs, K = {k} coefficients): "
                "the estimates and SEs are imprecise with fewer than {few}",
                dof=dof,
                n=len(exog),
                k=exog.shape[1],
                few=FEW_DOF,
            )
        )
    model = sm.WLS(y, exog, weights=w) if weights is not None else sm.OLS(y, exog)
    if chosen == "nonrobust":
        fit = model.fit()
    elif chosen == "hc3":
        fit = model.fit(cov_type="HC3", use_t=True)
    else:
        fit = model.fit(cov_type="cluster", cov_kwds={"groups": groups}, use_t=True)
    fitted = data[["event_id", "instrument", "event_session"]].copy()
    fitted["y"] = y
    fitted = pd.concat([fitted, design], axis=1)
    fitted["fitted"] = fit.fittedvalues
    fitted["residual"] = y - fit.fittedvalues
    metadata = _metadata(
        outcome, dependent, window, chosen, weights, list(design.columns), traits, effects
    )
    return CrossSectionResults(
        params=fit.params,
        bse=fit.bse,
        tvalues=fit.tvalues,
        pvalues=fit.pvalues,
        n=int(fit.nobs),
        r2=float(fit.rsquared),
        adj_r2=float(fit.rsquared_adj),
        cov_type=chosen,
        n_clusters=n_clusters if chosen == "cluster" else None,
        dependent=dependent,
        window=window,
        regressors=tuple(regressors),
        fitted=fitted.reset_index(drop=True),
        notes=tuple(dict.fromkeys(notes)),
        metadata=metadata,
        weighted=weights is not None,
        _fit=fit,
        measure_effects=effects,
    )


def _is_measure_term(term: str) -> bool:
    return term.startswith(f"{MEASURE_TERM}[") and term.endswith("]")


def _enough(design: pd.DataFrame, dependent: str, notes: list) -> None:
    """Refuse a fit with no residual degree of freedom, naming the pairs left out."""
    k = design.shape[1] + 1
    if len(design) <= k:
        left_out = [n for n in notes if n.startswith(("left out", "no "))]
        raise CrossSectionInputError(
            Message(
                "too few observations: {n} pair(s) with a {dependent} and every regressor for "
                "{k} coefficients (need at least {need}){left_out}",
                n=len(design),
                dependent=dependent.upper(),
                k=k,
                need=k + 1,
                left_out=Message("; {notes}", notes=joined("; ", left_out)) if left_out else "",
            )
        )


def _pair_names(rows: pd.DataFrame) -> list[str]:
    if rows["event_id"].nunique() > 1:
        return [f"{r.instrument} ({r.event_id})" for r in rows.itertuples()]
    return list(rows["instrument"])


def _collinear(matrix: np.ndarray) -> list[int]:
    """Columns that add nothing to the rank of the ones before them."""
    if np.linalg.matrix_rank(matrix.T @ matrix) == matrix.shape[1]:  # the usual case: k × k
        return []
    out, rank = [], 0
    for i in range(1, matrix.shape[1] + 1):
        new = np.linalg.matrix_rank(matrix[:, :i])
        if new == rank:
            out.append(i - 1)
        rank = new
    return out


COV_TEXT = {
    "hc3": "HC3 heteroskedasticity-robust SEs",
    "cluster": "SEs clustered by event session (t0), t with G − 1 df",
    "nonrobust": "classical OLS SEs",
}


def term_units(terms: Sequence[str], sources: dict[str, str]) -> dict[str, str]:
    """The unit of each design term: a derived trait's (:data:`TRAIT_UNITS`), a dummy's, or
    the table it came from."""
    out = {}
    for term in terms:
        base_name = term.split("[")[0]
        if base_name in TRAIT_UNITS and sources.get(base_name, "derived") == "derived":
            out[term] = TRAIT_UNITS[base_name]
        elif _is_measure_term(term):
            out[term] = "1 for that measure, 0 otherwise (a measure fixed effect)"
        elif "[" in term:
            out[term] = "1 for that level, 0 otherwise"
        else:
            out[term] = f"as in the {sources.get(term, 'trait')} table"
    return out


def _metadata(
    outcome, dependent, window, cov_type, weights, terms, traits, effects=False
) -> dict[str, str]:
    base = dict(outcome.metadata)
    label = "CAR" if dependent == "car" else "SCAR"
    estimator = "OLS" if weights is None else f"WLS (weights {weights})"
    method = (
        f"cross-sectional {estimator} of {label} [{window[0]}, {window[1]}] on "
        f"{', '.join(t for t in terms if not _is_measure_term(t))}"
        + ("; measure fixed effects (a dummy per measure)" if effects else "")
        + f"; {COV_TEXT[cov_type]}; traits before t0 over the estimation "
        f"window; study: {base['method']}"
    )
    sources = getattr(traits, "sources", {}) or {}
    units = [
        "coef, se, ci: "
        + (
            "change in CAR (decimal: 0.01 = 1 %) per unit of the trait"
            if dependent == "car"
            else "change in SCAR (CAR / its SE) per unit of the trait"
        )
    ]
    units += [f"{term}: {text}" for term, text in term_units(terms, sources).items()]
    return {
        "method": method,
        "data_mode": base["data_mode"],
        "data_vintage": base["data_vintage"],
        "units": "; ".join(units),
    }
