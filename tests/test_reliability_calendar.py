"""The reliability part "calendar end" (tests/reliability_calendar.py): dates from 2026-12 to
2031 through the t0 rule, the catalogue import, studies, the analysis CLI and the dashboard on
each source of the sessions past the library's end; 0 failures, 0 crashes, 0 rows lost."""

from __future__ import annotations

import pytest

from tests import reliability_calendar


@pytest.mark.reliability
def test_calendar_end_part():
    outcomes = reliability_calendar.calendar_end_outcomes()
    assert len(outcomes) == 5
    for outcome in outcomes:
        assert outcome.part == "calendar end"
        assert outcome.cases > 0, outcome
        assert (outcome.failures, outcome.crashes, outcome.rows_lost) == (0, 0, 0), outcome.notes
