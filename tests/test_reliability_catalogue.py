"""The catalogue family's reliability parts (tests/reliability_catalogue.py): 0 failures,
0 crashes, 0 rows lost."""

from __future__ import annotations

import pytest

from tests import reliability_catalogue


def _clean(outcome):
    assert outcome.cases > 0, outcome
    assert (outcome.failures, outcome.crashes, outcome.rows_lost) == (0, 0, 0), outcome.notes


@pytest.mark.reliability
def test_a_damaged_user_measures_file_is_named_never_written_and_never_loses_rows():
    outcomes = reliability_catalogue.user_measures_file()
    assert {o.entry_point for o in outcomes} == {
        "library: load, add, import, remove",
        "CLI: python -m data_sources catalogue import",
        "dashboard Policies page (AppTest)",
    }
    for outcome in outcomes:
        _clean(outcome)


@pytest.mark.reliability
def test_catalogue_bombs_are_refused_quickly_with_a_message():
    outcomes = reliability_catalogue.catalogue_bombs()
    assert sum(o.cases for o in outcomes) >= 100
    for outcome in outcomes:
        _clean(outcome)
