"""The price-import parts of the reliability report (tests/reliability_imports.py): every case
imported exactly right or refused by name, 0 failures, 0 crashes, 0 rows lost, and every bomb
within its memory bound."""

from __future__ import annotations

import pytest

from tests import reliability_imports


@pytest.fixture(scope="module")
def outcomes():
    return {outcome.part: outcome for outcome in reliability_imports.price_imports()}


@pytest.mark.parametrize(
    "part", ["price-file dates", "impossible prices", "import bombs", "look-alike symbols"]
)
def test_price_import_part_is_clean(outcomes, part):
    outcome = outcomes[part]
    assert outcome.cases > 0, outcome
    assert (outcome.failures, outcome.crashes, outcome.rows_lost) == (0, 0, 0), outcome.notes
