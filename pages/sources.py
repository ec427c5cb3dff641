"""How a measure's sources are shown (issue 13): its citation (the document itself), a link only
for addresses of tiers A-C (``../shared/reference/policy-events.md`` §7), a tier-D repost as
plain text labelled "repost", an address in no tier as plain text ("unclassified"), and tier E
never; and the flags of the catalogue table (uncertain t0, external shock, event before a
segment's data)."""

from __future__ import annotations

import pandas as pd

from analysis import framing
from data_sources import catalogue as cat
from pages.i18n import language, t
from pages.text import escape_markdown, markdown_link

LINKED_TIERS = ("A", "B", "C")


def link_tier(url) -> str | None:
    """The tier (A-E) of an address, or None when it is in no tier (or not an address)."""
    if not isinstance(url, str) or not url.strip():
        return None
    return cat.source_tier(url)


def linkable(url) -> str | None:
    """``url`` when it may be shown as a link (tier A-C), else None."""
    return url if link_tier(url) in LINKED_TIERS else None


def _value(row, name: str) -> str:
    value = row.get(name, "") if hasattr(row, "get") else getattr(row, name, "")
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def citation(row) -> str:
    """The measure's citation in the current language (issuer《title》number, date); the
    Chinese one when no English one is given."""
    english = _value(row, "citation_en")
    return english if language() != "zh" and english else _value(row, "citation")


def source_lines(row) -> list[str]:
    """Markdown lines naming a measure's sources: its citation, its source address (a link
    only for tiers A-C; an address in no tier as plain text, "unclassified"), and a tier-D
    repost as plain text. Tier-E addresses are never shown."""
    lines = []
    if text := citation(row):
        lines.append(t("Source") + ": " + escape_markdown(text))
    url = _value(row, "source_url")
    tier = link_tier(url) if url else None
    if url and tier in LINKED_TIERS:
        lines.append(
            t("Document or report (tier {tier})", tier=tier) + ": " + markdown_link(url, url)
        )
    elif url and tier == "D":
        lines.append(t("Repost (not linked)") + ": " + escape_markdown(url))
    elif url and tier is None:
        lines.append(t("Unclassified address (not linked)") + ": " + escape_markdown(url))
    evidence = _value(row, "evidence_url")
    tier = link_tier(evidence) if evidence else "E"
    if tier == "D":
        lines.append(t("Repost (not linked)") + ": " + escape_markdown(evidence))
    elif tier is None:  # a user's address in no tier (e.g. a look-alike host): not a "repost"
        lines.append(t("Unclassified address (not linked)") + ": " + escape_markdown(evidence))
    elif tier in LINKED_TIERS:  # a user's official or news page given as evidence
        lines.append(
            t("Document or report (tier {tier})", tier=tier)
            + ": "
            + markdown_link(evidence, evidence)
        )
    return lines


# -- the catalogue table's flags -----------------------------------------------------------------


def first_known_dates(coverage: pd.DataFrame | None) -> dict[str, pd.Timestamp]:
    """The first date of each instrument's prices: the store's, else its listing date in
    ``instruments.yaml`` (C-REITs 2021-06-21, BSE 50 2022-04-29)."""
    from data_sources.instruments import registry

    dates = {s: i.listed for s, i in registry().items() if i.listed is not None}
    if coverage is not None and len(coverage):
        stored = coverage[coverage["first_date"].notna()]
        dates.update({r.symbol: pd.Timestamp(r.first_date) for r in stored.itertuples()})
    return dates


def data_starts(row, first_dates: dict[str, pd.Timestamp]) -> list[tuple[str, pd.Timestamp]]:
    """``(segment, first date)`` for each segment of a measure whose data (every instrument
    with a known first date, overrides applied) begin after the measure's t0."""
    t0 = row.get("event_session") if hasattr(row, "get") else None
    if t0 is None or pd.isna(t0):
        return []
    out = []
    for frame in framing.segment_frames(row):
        known = [first_dates[s] for s in frame.instruments if s in first_dates]
        if known and t0 < min(known):
            out.append((frame.segment, min(known)))
    return out


def flags(row, first_dates: dict[str, pd.Timestamp]) -> str:
    """The catalogue table's flags of a measure, as text."""
    parts = []
    if framing.t0_uncertain(row):
        parts.append(t("t0 uncertain: day or next session"))
    if bool(row.get("external", False) or False):
        parts.append(t("external shock"))
    parts += [
        t("no {segment} data before {date}", segment=segment, date=f"{first:%Y-%m-%d}")
        for segment, first in data_starts(row, first_dates)
    ]
    return "; ".join(parts)
