"""Reliability part "study inputs" (tests/reliability_study_inputs.py): events on one session
and degenerate series give NaN with a note or a named refusal, never ±inf, a misleading message
or a RuntimeWarning. The AppTest parts carry the ``reliability`` marker."""

from __future__ import annotations

import pytest

from tests import reliability_study_inputs as family


def _clean(outcome):
    assert outcome.cases > 0, outcome
    assert (outcome.failures, outcome.crashes, outcome.rows_lost) == (0, 0, 0), outcome.notes


@pytest.fixture(scope="module")
def price_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("study-inputs")
    return folder, family._price_files(folder)


def test_same_session_events_through_the_cli(price_files):
    _clean(family.same_session_cli(*price_files))


def test_same_session_events_through_the_api():
    _clean(family.same_session_api())


def test_degenerate_series_through_the_cli(price_files):
    outcome = family.degenerate_cli(*price_files)
    assert outcome.cases == len(family.DEGENERATE_CLI_CASES) + 1
    _clean(outcome)


@pytest.mark.reliability
def test_same_session_events_in_the_dashboard():
    _clean(family.same_session_dashboard())


@pytest.mark.reliability
def test_degenerate_series_in_the_dashboard():
    _clean(family.degenerate_dashboard())
