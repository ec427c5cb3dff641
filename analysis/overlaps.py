"""Events whose windows share sessions, and what a study does about them: one rule for the
command line, the Event study page and the Themes page.

**Overlap.** Two events overlap when their event windows [t0 + a, t0 + b] (relative sessions)
share at least one session, i.e. their t0s are at most w = b − a sessions apart.

**Clusters** (:func:`clusters`) are bounded by the event window, never chained. The events (the
study's own and, on the Shanghai calendar, every studyable catalogue measure) are taken in
session order (ties by id). A cluster starts at the first event not yet in one and takes every
later event whose t0 lies inside that FIRST event's event window, i.e. at most b sessions after
the cluster's first t0 (``max(b, 0)``); the next event starts a new cluster. So no cluster spans
more than b sessions, and an event merged at the cluster's first session has every member's t0
inside its window [a, b]: each member's day-0 reaction is in the merged CAR over the event
window. (A bound of b − a, the overlap distance, would let a merged event sit up to 10
sessions before a member with a [−5, +5] window, its CAR missing that member's reaction: the
catalogue's 2023-07-10 and 2023-07-25 measures.)

Example, window [−5, +5]: the old rule chained every measure from 2020-07-13 to 2020-08-24
(seven measures over 30 sessions) into one event at 2020-07-13; the bounded rule gives
{07-13, 07-20}, {07-27, 07-31}, {08-07} and {08-21, 08-24}; 2024-09-24 and 2024-09-26 (two
sessions apart) are one cluster. The partition is computed over the whole pool at once, so a
measure's cluster does not depend on which other measures a study chose. Events of
neighbouring clusters can still overlap (07-20 and 07-27 above): the notes name those pairs.

* ``warn`` (default): study every event as chosen; the notes name each cluster (and any
  overlap with a neighbouring cluster). Chosen events that share their session t0 are always
  merged (:func:`merge_same_session`): one session is one observation, and counting it twice
  would pool identical values (a zero cross-sectional SD).
* ``merge``: replace every cluster that holds a chosen event by one event at the cluster's first
  session, id ``a+b+…`` (its members in session order; the earliest member's announcement
  date); the note says how many sessions later the last member's t0 falls.
* ``drop``: leave out every chosen event whose window overlaps another known event's (two
  chosen events on one session are both dropped; when nothing is left the study is refused
  with the notes, see :class:`analysis.api.AllEventsDropped`).

The Themes page studies each segment with ``merge`` (one observation per cluster, see
:mod:`analysis.themes`).

**Contaminated estimation windows** (:func:`estimation_overlaps`): sessions of an event's
estimation window [t0 + e1, t0 + e2] that lie inside another known event's event window (any
studyable catalogue measure, or another event of the study; never a member of the event
itself). They are reported (one record per pair of events, naming both and the sessions) and,
by default (``StudyRequest.clean_estimation``), left out of that event's estimation sample: the
normal-return model is fitted on the remaining sessions and L1, σ̂², the CAR variance and the
t-test's degrees of freedom use that sample's size (:func:`estimation_exclusions`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.event_study import Event, EventStudyInputError
from data_sources.messages import Message, joined

OVERLAP_CHOICES = ("warn", "merge", "drop")
#: at most this many pairs of events are named in one note on overlaps across clusters
NOTE_PAIRS = 10


def _position(event: Event, sessions: pd.DatetimeIndex) -> int:
    position = sessions.get_indexer([event.event_session])[0]
    if position < 0:
        raise EventStudyInputError(
            f"event {event.event_id}: {event.event_session:%Y-%m-%d} is not a session"
        )
    return int(position)


def _neighbourhoods(
    events: Sequence[Event], sessions: pd.DatetimeIndex, window: tuple[int, int]
) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """Ids, their order by session, and for each id the slice ``order[lo:hi]`` of the events
    within ``b - a`` sessions of it (itself included). Sort-based: O(n log n) for n events, so
    50,000 user measures do not need 50,000² comparisons."""
    positions: dict[str, int] = {}
    if events:
        found = sessions.get_indexer(pd.DatetimeIndex([event.event_session for event in events]))
        for event, position in zip(events, found, strict=True):
            if position < 0:
                _position(event, sessions)  # raises, naming the event
            positions[event.event_id] = int(position)
    ids = list(positions)
    where = np.fromiter(positions.values(), dtype=np.int64, count=len(ids))
    order = np.argsort(where, kind="stable")  # by session, then as given
    ordered = where[order]
    width = window[1] - window[0]
    low = np.searchsorted(ordered, where - width, side="left")
    high = np.searchsorted(ordered, where + width, side="right")
    return ids, order, low, high


def overlapping_ids(
    events: Sequence[Event],
    sessions: pd.DatetimeIndex,
    window: tuple[int, int],
    limit: int | None = None,
) -> dict[str, list[str]]:
    """For each event, the ids of the events whose windows overlap its own (directly), in
    session order; at most ``limit`` of them per event when given (see :func:`overlap_counts`
    for how many there are)."""
    ids, order, low, high = _neighbourhoods(events, sessions, window)
    by_session = [ids[j] for j in order.tolist()]
    rank = np.empty(len(ids), dtype=np.int64)
    rank[order] = np.arange(len(ids))
    result = {}
    for event_id, start, own, stop in zip(
        ids, low.tolist(), rank.tolist(), high.tolist(), strict=True
    ):
        if limit is not None:
            stop = min(stop, start + limit + 1)
        near = by_session[start : min(own, stop)] + by_session[own + 1 : stop]
        result[event_id] = near if limit is None else near[:limit]
    return result


def overlap_counts(
    events: Sequence[Event], sessions: pd.DatetimeIndex, window: tuple[int, int]
) -> dict[str, int]:
    """For each event, how many other events' windows overlap its own."""
    ids, _, low, high = _neighbourhoods(events, sessions, window)
    return {event_id: int(high[i] - low[i] - 1) for i, event_id in enumerate(ids)}


def catalogue_overlaps(
    catalogue: pd.DataFrame,
    sessions: pd.DatetimeIndex,
    window: tuple[int, int],
    limit: int | None = None,
) -> tuple[dict[str, list[str]], dict[str, int]]:
    """For every dated measure of a catalogue (rows with ``id``, ``announcement_date``,
    ``event_session``): the ids of the measures whose windows overlap its own (at most
    ``limit``) and how many there are in all."""
    dated = catalogue[catalogue["event_session"].notna()]
    events = [Event(r.id, r.announcement_date, r.event_session) for r in dated.itertuples()]
    return (
        overlapping_ids(events, sessions, window, limit=limit),
        overlap_counts(events, sessions, window),
    )


def merge_same_session(events: Sequence[Event]) -> tuple[list[Event], list[str]]:
    """Events that share their session t0 become one event: ids joined with ``+`` (in date
    order), the earliest announcement date, that session. Returns the events (in the order of
    first appearance) and one note per merged group."""
    groups: dict[pd.Timestamp, list[Event]] = {}
    for event in events:
        groups.setdefault(pd.Timestamp(event.event_session), []).append(event)
    result, notes = [], []
    for session, group in groups.items():
        if len(group) == 1:
            result.append(group[0])
            continue
        group = sorted(group, key=lambda e: (e.event_date, e.event_id))
        merged = Event("+".join(e.event_id for e in group), group[0].event_date, session)
        result.append(merged)
        listed = joined(
            ", ",
            (
                Message("{id} (announced {date})", id=e.event_id, date=f"{e.event_date:%Y-%m-%d}")
                for e in group
            ),
        )
        notes.append(
            Message(
                "{listed} share the event session t0 {t0}: studied as one event, {merged}",
                listed=listed,
                t0=f"{session:%Y-%m-%d}",
                merged=merged.event_id,
            )
        )
    return result, notes


def members(event_id: str) -> list[str]:
    """The ids an event stands for: a merged event ``a+b`` stands for ``a`` and ``b``."""
    return event_id.split("+")


def _positions(events: Sequence[Event], sessions: pd.DatetimeIndex) -> np.ndarray:
    if not events:
        return np.zeros(0, dtype=np.int64)
    found = sessions.get_indexer(pd.DatetimeIndex([event.event_session for event in events]))
    for event, position in zip(events, found, strict=True):
        if position < 0:
            _position(event, sessions)  # raises, naming the event
    return found.astype(np.int64)


def clusters(
    events: Sequence[Event], sessions: pd.DatetimeIndex, window: tuple[int, int]
) -> list[list[Event]]:
    """Partition ``events`` into clusters bounded by the event window (singletons included), in
    session order: a cluster starts at the first event not yet in one and takes every later event
    whose t0 is at most ``max(b, 0)`` sessions after the cluster's first t0 (inside the first
    event's window; never a chain). See the module docstring."""
    bound = max(window[1], 0)
    where = _positions(events, sessions)
    order = sorted(range(len(events)), key=lambda i: (where[i], events[i].event_id))
    result: list[list[Event]] = []
    anchor = None
    for i in order:
        if anchor is None or where[i] - anchor > bound:
            result.append([])
            anchor = where[i]
        result[-1].append(events[i])
    return result


def overlap_clusters(
    events: Sequence[Event], sessions: pd.DatetimeIndex, window: tuple[int, int]
) -> list[list[Event]]:
    """The clusters of :func:`clusters` with two or more events."""
    return [cluster for cluster in clusters(events, sessions, window) if len(cluster) > 1]


def _t0(event: Event) -> str:
    return f"{event.event_id} (t0 {event.event_session:%Y-%m-%d})"


def resolve_overlaps(
    chosen: Sequence[Event],
    others: Sequence[Event],
    sessions: pd.DatetimeIndex,
    window: tuple[int, int],
    how: str = "warn",
) -> tuple[list[Event], list[str]]:
    """Apply ``how`` to the ``chosen`` events, checking them against each other and ``others``
    (e.g. the rest of the catalogue; see the module docstring for the cluster rule). Returns
    the events to study and one note per cluster (and per overlap across clusters)."""
    if how not in OVERLAP_CHOICES:
        raise EventStudyInputError(
            f"overlap handling must be one of {OVERLAP_CHOICES}, got {how!r}"
        )
    width = window[1] - window[0]
    notes: list[str] = []
    if how == "warn":  # merge and drop handle a shared session through their clusters
        chosen, notes = merge_same_session(chosen)
    chosen = list(chosen)
    chosen_ids = {event.event_id for event in chosen}
    pool = {event.event_id: event for event in chosen}
    for event in others:
        pool.setdefault(event.event_id, event)
    everything = list(pool.values())
    where = dict(zip(pool, _positions(everything, sessions).tolist(), strict=True))
    partition = clusters(everything, sessions, window)
    cluster_of = {e.event_id: n for n, cluster in enumerate(partition) for e in cluster}
    # direct overlaps of each chosen event, in session order (sort-based, as overlapping_ids)
    ordered = sorted(pool, key=lambda i: (where[i], i))
    ordered_positions = np.array([where[i] for i in ordered], dtype=np.int64)

    def neighbours(event_id: str) -> list[str]:
        low = np.searchsorted(ordered_positions, where[event_id] - width, side="left")
        high = np.searchsorted(ordered_positions, where[event_id] + width, side="right")
        return [i for i in ordered[low:high] if i != event_id]

    crossing = {i: [j for j in neighbours(i) if cluster_of[j] != cluster_of[i]] for i in chosen_ids}
    touched = sorted({cluster_of[i] for i in chosen_ids})
    result: list[Event] = []
    if how == "drop":
        gone = {i for i in chosen_ids if neighbours(i)}
        result = [event for event in chosen if event.event_id not in gone]
        for n in touched:
            cluster = partition[n]
            dropped = [e.event_id for e in cluster if e.event_id in gone]
            if not dropped:
                continue
            near = {j for i in dropped for j in neighbours(i)} - set(dropped)
            rest = [pool[j] for j in sorted(near, key=lambda j: (where[j], j))]
            if rest:
                notes.append(
                    Message(
                        "dropped {named}: event windows [{a}, {b}] overlap {others}",
                        named=", ".join(_t0(pool[i]) for i in dropped),
                        a=window[0],
                        b=window[1],
                        others=", ".join(_t0(e) for e in rest),
                    )
                )
            else:  # only dropped chosen events: they overlap each other
                notes.append(
                    Message(
                        "dropped {ids}: event windows [{a}, {b}] overlap each other: {named}",
                        ids=", ".join(dropped),
                        a=window[0],
                        b=window[1],
                        named=", ".join(_t0(pool[i]) for i in dropped),
                    )
                )
    else:
        replaced: set[str] = set()
        said: set[frozenset] = set()
        for n in touched:
            cluster = partition[n]
            if len(cluster) > 1:
                listed = ", ".join(_t0(e) for e in cluster)
                if how == "warn":
                    notes.append(
                        Message(
                            "event windows [{a}, {b}] overlap: {listed}; each CAR includes the "
                            "others' reactions",
                            a=window[0],
                            b=window[1],
                            listed=listed,
                        )
                    )
                else:
                    first, last = cluster[0], cluster[-1]
                    span = where[last.event_id] - where[first.event_id]
                    merged = Event(
                        "+".join(e.event_id for e in cluster),
                        first.event_date,
                        first.event_session,
                    )
                    result.append(merged)
                    replaced.update(e.event_id for e in cluster)
                    notes.append(
                        Message(
                            "merged into one event at t0 {t0}: {listed}; the last t0 is {span} "
                            "session(s) later",
                            t0=f"{first.event_session:%Y-%m-%d}",
                            listed=listed,
                            span=span,
                        )
                    )
            across = [
                (e.event_id, j)
                for e in cluster
                if e.event_id in chosen_ids
                for j in crossing[e.event_id]
                if frozenset((e.event_id, j)) not in said  # each pair once
            ]
            said.update(frozenset(pair) for pair in across)
            if across:
                pairs = joined(
                    "; ",
                    (
                        Message("{first} and {second}", first=_t0(pool[i]), second=_t0(pool[j]))
                        for i, j in across[:NOTE_PAIRS]
                    ),
                )
                more = (
                    Message(" … and {n} more", n=len(across) - NOTE_PAIRS)
                    if len(across) > NOTE_PAIRS
                    else ""
                )
                notes.append(
                    Message(
                        "event windows [{a}, {b}] also overlap across clusters (a cluster holds "
                        "the events whose t0 lies in its first event's window): {pairs}{more}",
                        a=window[0],
                        b=window[1],
                        pairs=pairs,
                        more=more,
                    )
                )
        result += [event for event in chosen if event.event_id not in replaced]
    return sorted(result, key=lambda e: (e.event_session, e.event_id)), notes


# -- estimation windows that contain another event's window ----------------------------------


@dataclass(frozen=True)
class EstimationOverlap:
    """Sessions of ``event_id``'s estimation window that lie in ``other_id``'s event window
    (``other_session`` its t0): the estimation sample would include that event's reaction."""

    event_id: str
    other_id: str
    other_session: pd.Timestamp
    sessions: tuple[pd.Timestamp, ...]

    @property
    def text(self) -> str:
        first, last = self.sessions[0], self.sessions[-1]
        span = (
            f"{first:%Y-%m-%d}"
            if first == last
            else Message("{first} to {last}", first=f"{first:%Y-%m-%d}", last=f"{last:%Y-%m-%d}")
        )
        return Message(
            "the estimation window of {event} contains the event window of {other} (t0 {t0}): "
            "{n} session(s), {span}",
            event=self.event_id,
            other=self.other_id,
            t0=f"{self.other_session:%Y-%m-%d}",
            n=len(self.sessions),
            span=span,
        )


#: Segments whose measures move the whole market, hence every instrument's normal returns.
MARKET_WIDE_SEGMENTS = frozenset({"ALL", "MAIN"})


def related(event_id: str, other_id: str, segments_of: Mapping[str, Collection[str]]) -> bool:
    """Whether ``other_id``'s reaction can be in ``event_id``'s prices: they share a market
    segment, or ``other_id`` touches the whole market. A merged id ``a+b`` has its members'
    segments; an id without segments (an ad-hoc date) is related to every event."""

    def segments(event: str) -> set[str]:
        found = [segments_of.get(member) for member in members(event)]
        if any(codes is None or not len(codes) for codes in found):
            return set()
        return set().union(*(set(codes) for codes in found))

    own, other = segments(event_id), segments(other_id)
    if not own or not other:
        return True
    return bool(own & other or other & MARKET_WIDE_SEGMENTS)


def estimation_overlaps(
    events: Sequence[Event],
    known: Iterable[Event],
    sessions: pd.DatetimeIndex,
    estimation_window: tuple[int, int],
    event_window: tuple[int, int],
    segments_of: Mapping[str, Collection[str]] | None = None,
) -> list[EstimationOverlap]:
    """For each of ``events``, every other event of ``events`` or ``known`` whose event window
    shares sessions with its estimation window (a member of a merged event ``a+b`` is not
    "another" event of it). Sessions are counted on ``sessions`` (relative days); windows that
    run past the calendar are cut at its ends.

    ``segments_of`` (measure id → its market segments) narrows "another event" to one that can
    move the same prices (:func:`related`): it shares a segment with the event, or it touches
    the whole market (:data:`MARKET_WIDE_SEGMENTS`). A REIT-only measure does not contaminate a
    bank index's estimation window, but a market-wide one contaminates every window. Events
    without segments (ad-hoc dates) are related to everything."""
    known = list(known)
    pool = {e.event_id: e for e in known}
    for event in events:
        pool.setdefault(event.event_id, event)
    candidates = [e for e in pool.values() if sessions.get_indexer([e.event_session])[0] >= 0]
    other_where = _positions(candidates, sessions)
    order = np.argsort(other_where, kind="stable")
    sorted_where = other_where[order]
    (e1, e2), (a, b) = estimation_window, event_window
    last = len(sessions) - 1
    found = []
    for event in events:
        own = set(members(event.event_id)) | {event.event_id}
        p = _position(event, sessions)
        start, end = p + e1, p + e2
        # another event's window [q + a, q + b] meets [start, end] when start − b ≤ q ≤ end − a
        low = np.searchsorted(sorted_where, start - b, side="left")
        high = np.searchsorted(sorted_where, end - a, side="right")
        for j in order[low:high].tolist():
            other = candidates[j]
            if own & (set(members(other.event_id)) | {other.event_id}):
                continue
            if segments_of is not None and not related(event.event_id, other.event_id, segments_of):
                continue
            q = int(other_where[j])
            first, final = max(start, q + a, 0), min(end, q + b, last)
            if first > final:
                continue
            found.append(
                EstimationOverlap(
                    event.event_id,
                    other.event_id,
                    other.event_session,
                    tuple(sessions[first : final + 1]),
                )
            )
    return found


def estimation_exclusions(
    overlaps: Iterable[EstimationOverlap],
) -> dict[str, tuple[pd.Timestamp, ...]]:
    """Per event id, the sessions to leave out of its estimation sample (sorted, each once)."""
    out: dict[str, set] = {}
    for item in overlaps:
        out.setdefault(item.event_id, set()).update(item.sessions)
    return {event_id: tuple(sorted(days)) for event_id, days in out.items()}


def estimation_notes(overlaps: Sequence[EstimationOverlap], cleaned: bool) -> list[str]:
    """One note per event whose estimation window contains other events' windows: which, and
    whether those sessions were left out of the estimation (``cleaned``)."""
    by_event: dict[str, list[EstimationOverlap]] = {}
    for item in overlaps:
        by_event.setdefault(item.event_id, []).append(item)
    notes = []
    exclusions = estimation_exclusions(overlaps)
    for event_id, items in by_event.items():
        named = joined(
            ", ",
            (
                Message(
                    "{id} (t0 {t0}, {n} session(s))",
                    id=i.other_id,
                    t0=f"{i.other_session:%Y-%m-%d}",
                    n=len(i.sessions),
                )
                for i in items
            ),
        )
        count = len(exclusions[event_id])
        action = (
            Message("these {n} session(s) are left out of its estimation sample", n=count)
            if cleaned
            else Message(
                "these {n} session(s) are kept in its estimation sample (cleaning is off)",
                n=count,
            )
        )
        notes.append(
            Message(
                "the estimation window of {event} contains the event window(s) of {named}: "
                "{action}",
                event=event_id,
                named=named,
                action=action,
            )
        )
    return notes


def exclusion_map(
    exclusions: Mapping[str, Sequence[pd.Timestamp]] | None,
) -> dict[str, pd.DatetimeIndex]:
    """``exclusions`` as a dict of DatetimeIndex (what the engine takes), empty when None."""
    return {k: pd.DatetimeIndex(v) for k, v in (exclusions or {}).items() if len(v)}


def window_sessions(
    events: Iterable[Event], sessions: pd.DatetimeIndex, window: tuple[int, int]
) -> pd.DatetimeIndex:
    """Every session inside the event window of any of ``events`` (those on ``sessions``)."""
    events = [e for e in events if sessions.get_indexer([e.event_session])[0] >= 0]
    if not events:
        return pd.DatetimeIndex([], name=sessions.name)
    where = _positions(events, sessions)
    offsets = np.arange(window[0], window[1] + 1)
    positions = np.unique((where[:, None] + offsets[None, :]).ravel())
    positions = positions[(positions >= 0) & (positions < len(sessions))]
    return sessions[positions]
