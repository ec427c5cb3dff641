"""The Event study's "Who responded" section: drawn only when opened, its table, plots and CSV
equal to the regression, text in 中文 too."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from analysis.api import study_from_bars
from analysis.bench_crosssection import synthetic_inputs
from analysis.crosssection import cross_section, trait_table
from analysis.event_study import EventStudySpec
from data_sources.errors import DataSourceError
from pages import crosssection_view
from tests.apptest_helpers import goto
from tests.test_zh_everywhere import zh_app  # noqa: F401  (the 中文 AppTest fixture)

MEASURES = "chinext-first-listings-2020"
#: demo series the market model measures (market-wide indices get the constant mean: no beta)
INSTRUMENTS = (
    "399006.SZ,000688.SH,399393.SZ,399809.SZ,399975.SZ,399986.SZ,801193.SI,801780.SI,"
    "801790.SI,BK0473.EM"
)


def _drawn(app, key) -> bool:
    try:
        app.get_by_key(key)
    except KeyError:
        return False
    return True


@pytest.fixture(scope="module")
def result():
    bars, turnover, events, sessions = synthetic_inputs(12, 3, seed=4, n_sessions=450)
    symbols = sorted(set(bars["symbol"]) - {"MKT"})
    outcome = study_from_bars(bars, symbols, events, EventStudySpec(), sessions, "MKT")
    traits = trait_table(outcome, turnover=turnover)
    return cross_section(outcome, traits, ["size", "beta"], cov_type="hc3")


def test_coefficient_table_and_plot_show_the_fit_in_percent(result):
    table = crosssection_view.coefficient_table(result)
    np.testing.assert_allclose(table["coef"], 100 * result.params.to_numpy())
    np.testing.assert_allclose(table["se"], 100 * result.bse.to_numpy())
    bounds = result.conf_int()
    np.testing.assert_allclose(table["ci_low"], 100 * bounds["ci_low"].to_numpy())
    figure = crosssection_view.coefficient_figure(result, synthetic=False)
    (points,) = figure.data
    assert result.measure_effects  # three measures pooled: measure[...] terms in the table
    assert sum(term.startswith("measure[") for term in table["term"]) == 2
    # the intercept and the measure effects left out, first on top
    assert list(points.y) == ["beta", "size"]
    size = 100 * result.params["size"]
    assert points.x[1] == pytest.approx(size)
    assert points.error_x.array[1] == pytest.approx(100 * bounds.loc["size", "ci_high"] - size)
    assert points.error_x.arrayminus[1] == pytest.approx(size - 100 * bounds.loc["size", "ci_low"])


def test_scatter_has_every_pair_and_the_fitted_line(result):
    figure = crosssection_view.scatter_figure(result, "size", synthetic=True)
    pairs, line = figure.data
    assert len(pairs.x) == result.n
    np.testing.assert_allclose(pairs.y, 100 * result.fitted["y"])
    expected = result.fit_line("size")
    np.testing.assert_allclose(line.y, 100 * expected["fitted"])
    # the line is the multivariate fit, not a bivariate one: its label says so
    assert line.name == "multivariate fit, other regressors at their means"
    assert "SYNTHETIC" in figure.layout.title.text


def test_the_section_is_drawn_only_when_opened_and_matches_the_csv(app):
    app.query_params.update({"measures": MEASURES, "instruments": INSTRUMENTS})
    goto(app, "pages/event_study.py")
    assert not _drawn(app, "xsec_regressors") and not _drawn(app, "xsec_table")
    app.session_state["xsec_open"] = True
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    chosen = app.multiselect(key="xsec_regressors")
    assert chosen.value == ["beta"] or chosen.value[:1] == ["size"]
    assert "idio_vol" in chosen.options and "past_return" in chosen.options
    chosen.set_value(["beta", "past_return"]).run()
    assert not app.exception
    (table,) = [f.value for f in app.dataframe if "term" in f.value.columns]
    assert list(table["term"]) == ["const", "beta", "past_return"]
    assert app.selectbox(key="xsec_cov").value == "auto"
    assert any("HC3" in c.value and "N = " in c.value for c in app.caption)
    assert any("past\\_return\\: cumulative return" in c.value for c in app.caption)
    assert _drawn(app, "xsec_coef_chart") and _drawn(app, "xsec_scatter_chart")
    assert _drawn(app, "xsec_download")
    # the demo has no turnover: size is not offered, and a caption would say why if chosen
    assert "size" not in chosen.options
    app.selectbox(key="xsec_cov").set_value("nonrobust").run()
    (table,) = [f.value for f in app.dataframe if "term" in f.value.columns]
    assert not app.exception and len(table) == 3


def test_the_section_in_chinese(zh_app):  # noqa: F811
    app = zh_app
    app.query_params.update({"measures": MEASURES, "instruments": INSTRUMENTS})
    goto(app, "pages/event_study.py")
    app.session_state["xsec_open"] = True
    app.run()
    assert not app.exception
    labels = [w.label for w in app.main.multiselect] + [w.label for w in app.main.selectbox]
    assert "回归变量（特征）" in labels and "标准误" in labels
    assert not [label for label in labels if label.isascii()]


def test_csv_bytes_of_the_download_are_the_results(result):
    data = pd.read_csv(io.BytesIO(result.csv_bytes()), encoding="utf-8-sig")
    np.testing.assert_allclose(data["coef"], result.params.to_numpy())


def test_an_uploaded_trait_file_is_read_through_the_trait_reader():
    from types import SimpleNamespace

    def upload(name, text):
        return SimpleNamespace(name=name, getvalue=lambda: text.encode(), file_id=name)

    table = crosssection_view._read(upload("mine.csv", "code,leverage,soe\n600030,0.4,是\n"))
    assert table.frame.index.name == "symbol" and table.source == "mine.csv"
    assert table.frame.loc["600030.SH", "leverage"] == 0.4
    assert table.frame.loc["600030.SH", "soe"] == 1.0
    error = crosssection_view._read(upload("../bad.csv", "symbol,leverage\n600030,abc\n"))
    assert isinstance(error, DataSourceError)
    assert "file bad.csv" in str(error) and "'abc' is not a number" in str(error)


def test_pooled_measures_offer_measure_effects_and_every_choice_is_in_the_url(app):
    """Two measures pooled: the measure-effects box (on by default, in the URL as xsec_fe), the
    section's choices in the URL, and the traits not offered named with the reason."""
    measures = "chinext-first-listings-2020,reits-pilot-notice-2020"
    app.query_params.update({"measures": measures, "instruments": INSTRUMENTS})
    goto(app, "pages/event_study.py")
    app.session_state["xsec_open"] = True
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    box = app.checkbox(key="xsec_measure_effects")
    assert box.value is True and app.query_params["xsec_fe"] == "1"
    # the demo has no turnover rate: size and turnover are named, and why
    assert any("Not offered, no value for any pair: size" in c.value for c in app.caption)
    assert any("size and turnover need the turnover rate" in c.value for c in app.caption)
    app.multiselect(key="xsec_regressors").set_value(["beta", "past_return"]).run()
    (table,) = [f.value for f in app.dataframe if "term" in f.value.columns]
    assert list(table["term"])[:3] == ["const", "beta", "past_return"]
    assert any(term.startswith("measure[") for term in table["term"])
    box = app.checkbox(key="xsec_measure_effects")
    box.uncheck().run()
    (table,) = [f.value for f in app.dataframe if "term" in f.value.columns]
    assert list(table["term"]) == ["const", "beta", "past_return"]
    assert app.query_params["xsec_fe"] == "0"
    assert app.query_params["xsec"] == "beta,past_return"
    assert app.query_params["xsec_dep"] == "car" and app.query_params["xsec_cov"] == "auto"
    assert app.query_params["xsec_scatter"] == "beta"
