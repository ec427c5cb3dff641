"""Typed records the study engine hands out, with no analysis imports (any module can use them).

:class:`Diagnostic`: one thing the study skipped or changed for an instrument × event pair (or
for the whole study: ``instrument`` and ``event_id`` empty), and why.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import astuple, dataclass

import pandas as pd

DIAGNOSTIC_COLUMNS = ["event_id", "event_date", "instrument", "status", "reason"]
#: The statuses the event-study engine gives (a front end may add its own, e.g. overlaps).
DIAGNOSTIC_STATUSES = ("skipped", "model changed", "partial window", "window left out")


@dataclass(frozen=True)
class Diagnostic:
    """What happened to one pair, and why. ``event_date`` is NaT for a study-wide record."""

    event_id: str
    event_date: pd.Timestamp
    instrument: str
    status: str
    reason: str


def diagnostics_frame(records: Iterable[Diagnostic]) -> pd.DataFrame:
    """The records as a table with :data:`DIAGNOSTIC_COLUMNS`, in their order. The reasons
    stay the very objects (an object column): a reason that is a
    :class:`~data_sources.messages.Message` can still be shown in the reader's language."""
    records = list(records)
    frame = pd.DataFrame([astuple(record) for record in records], columns=DIAGNOSTIC_COLUMNS)
    frame["reason"] = pd.Series([record.reason for record in records], dtype=object)
    return frame
