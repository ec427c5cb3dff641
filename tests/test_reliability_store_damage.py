"""Reliability part "damaged store" (tests/reliability_store_damage.py): every entry point over
every damage, 0 failures, 0 crashes, 0 rows lost. The dashboard part is slow (AppTest of every
page per damage) and carries the ``reliability`` marker."""

from __future__ import annotations

import pytest

from tests import reliability_store_damage as part


def _clean(outcome):
    assert outcome.cases > 0, outcome
    assert (outcome.failures, outcome.crashes, outcome.rows_lost) == (0, 0, 0), outcome.notes


def test_store_reads_over_every_damage():
    outcome = part.store_reads()
    assert outcome.cases == len(part.shard_damages()) + len(part.BAD_STATUS) + len(part.BAD_LEGACY)
    _clean(outcome)


def test_check_cli_over_every_damage():
    _clean(part.check_cli())


def test_reimport_into_a_damaged_shard():
    _clean(part.reimport_cli())


def test_demo_seeding_racing_an_import():
    _clean(part.seeding_race())


@pytest.mark.reliability
def test_every_page_with_a_damaged_store():
    _clean(part.dashboard_pages())
