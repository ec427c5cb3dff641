"""Shipped catalogue content for reference rows 41-81 against ../shared/reference/policy-events.md.

Reads measures.yaml directly (not through the validator) so that the facts are checked on their
own: which reference rows are covered, release timing and the t0 it gives, document numbers only
where the reference confirms them, expected signs and segment overrides.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
import yaml

from data_sources.trading_calendar import event_session
from tests.conftest import PROJECT, shared_path

CATALOGUE_DIR = PROJECT / "data_sources" / "catalogue"
FIRST_REF = 41  # rows 1-40 are checked in tests/test_catalogue.py
# Priority-B rows with a verified date that are not shipped, and why.
LEFT_OUT = {
    56: "the only stored source is on a host the project never shows; no tier A-D page found",
}
# Rows whose market-visible publication date differs from the reference table's date (§9 findings).
PUBLICATION_DATES = {49: "2022-11-04"}


def _measures() -> list[dict]:
    rows = yaml.safe_load((CATALOGUE_DIR / "measures.yaml").read_text("utf-8"))
    return [row for row in rows if row.get("ref", 0) >= FIRST_REF]


def _reference() -> str:
    return shared_path("reference", "policy-events.md").read_text("utf-8")


def _event_table() -> dict[int, list[str]]:
    rows = {}
    for line in _reference().splitlines():
        if re.match(r"^\| \d+ \|", line):
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            rows[int(cells[0])] = cells
    return rows


def _citation_rows() -> dict[int, str]:
    return {
        int(match.group(1)): line
        for line in _reference().splitlines()
        if (match := re.match(r"^\| #(\d+) \|", line))
    }


def _by_id() -> dict[str, dict]:
    return {row["id"]: row for row in _measures()}


def test_every_priority_a_row_and_every_verified_priority_b_row_is_shipped():
    shipped = {row["ref"] for row in _measures()}
    for ref, cells in _event_table().items():
        if ref < FIRST_REF:
            continue
        priority, confidence = cells[9], cells[8]
        if priority == "A" or (confidence == "V" and ref not in LEFT_OUT):
            assert ref in shipped, (ref, cells[3])
    assert not shipped & set(LEFT_OUT)


def test_dates_follow_the_reference_or_its_publication_findings():
    table = _event_table()
    for row in _measures():
        expected = PUBLICATION_DATES.get(row["ref"], table[row["ref"]][1][:10])
        assert str(row["announcement_date"]) == expected, row["id"]
        confidence = table[row["ref"]][8]
        wanted = {"V": "verified", "V~": "approximate"}.get(confidence.split()[0], "unverified")
        assert row["date_confidence"] == wanted, row["id"]


@pytest.mark.parametrize(
    ("measure_id", "timing", "t0"),
    [
        ("new-nine-articles-2024", "after_close", "2024-04-15"),  # cls.cn 15:25
        ("politburo-invigorate-2023", "after_close", "2023-07-25"),  # readout late Monday
        ("commercial-reits-draft-2025", "after_close", "2025-12-01"),  # Friday evening
        ("hk-cooperation-measures-2024", "after_close", "2024-04-22"),
        ("restructuring-rules-2025", "after_close", "2025-05-19"),
        ("property-equity-financing-2022", "after_close", "2022-11-29"),
        ("pcaob-full-access-2022", "after_close", "2022-12-16"),  # US Thursday
        ("long-term-funds-plan-2025", "after_close", "2025-01-23"),  # inferred only
        ("full-registration-final-2023", "after_close", "2023-02-20"),  # inferred only
        ("politburo-lift-market-2024", "intraday", "2024-09-26"),  # just after 13:00
        ("sept-2024-package", "before_open", "2024-09-24"),  # SCIO at 09:00
        ("full-registration-drafts-2023", "unknown", "2023-02-01"),
    ],
)
def test_release_timing_gives_the_reaction_session(measure_id, timing, t0):
    row = _by_id()[measure_id]
    assert row["timing"] == timing
    assert event_session(row["announcement_date"], row["timing"]) == pd.Timestamp(t0)


def test_timing_confidence_matches_timing_and_carries_its_evidence():
    for row in _measures():
        assert row["timing_confidence"] in {"stated", "inferred", "unknown"}, row["id"]
        assert (row["timing"] == "unknown") == (row["timing_confidence"] == "unknown"), row["id"]
        if row["timing_confidence"] != "unknown":
            assert row.get("timing_evidence", "").strip(), row["id"]
    by_id = _by_id()
    assert by_id["long-term-funds-plan-2025"]["timing_confidence"] == "inferred"
    assert by_id["new-nine-articles-2024"]["timing_confidence"] == "stated"


def test_document_numbers_are_only_those_the_reference_confirms():
    reference = _reference()
    from_knowledge = reference.split("### Items taken from knowledge")[1]
    citations = _citation_rows()
    # numbers the reference lists as from knowledge or seen only on never-shown hosts
    unconfirmed = {"第206号", "第210号", "证监发〔2022〕41号", "公告〔2025〕21号", "〔2022〕46号"}
    for row in _measures():
        assert row["documents"], row["id"]
        for document in row["documents"]:
            assert document["issuer_zh"] and document["issuer_en"], row["id"]
            assert document.get("title_zh") or document.get("title_en"), row["id"]
            assert "《" not in document.get("title_zh", ""), row["id"]
            number = document.get("number")
            if number is None:
                continue
            assert number in citations[row["ref"]], (row["id"], number)
            assert number not in from_knowledge, (row["id"], number)
            assert not any(part in number for part in unconfirmed), (row["id"], number)


def test_every_segment_has_an_expected_sign_with_a_reason():
    for row in _measures():
        signs = row["expected_sign"]
        assert set(signs) == set(row["segments"]), row["id"]
        for segment, entry in signs.items():
            assert entry["sign"] in {"+", "-", "ambiguous"}, (row["id"], segment)
            assert entry["reason"].strip() and "\n" not in entry["reason"], (row["id"], segment)


def test_segment_overrides_name_known_instruments_of_the_measures_segments():
    known = {
        item["symbol"]
        for item in yaml.safe_load((PROJECT / "data_sources" / "instruments.yaml").read_text())
    }
    for row in _measures():
        for segment, override in (row.get("segment_overrides") or {}).items():
            assert segment in row["segments"], row["id"]
            assert set(override.get("instruments", [])) <= known, row["id"]
            assert override.get("benchmark") in known | {None}, row["id"]
    # the CSI 1000 launch studies CSI 1000, not the FUT segment's default CSI 300
    assert _by_id()["csi1000-derivatives-2022"]["segment_overrides"]["FUT"]["instruments"] == [
        "000852.SH"
    ]


def test_labels_fixed_by_issue_13():
    by_id = _by_id()
    # the 2023-08-27 package slowed IPOs: it must not quote "keep IPOs regular"
    assert by_id["stamp-duty-cut-2023"]["key_phrase"] != "保持IPO常态化"
    # US determinations are shocks from outside the Chinese authorities
    assert by_id["pcaob-full-access-2022"]["external"] is True
    assert not by_id["pcaob-protocol-2022"].get("external", False)  # co-signed by the CSRC and MOF


def test_rows_stay_sorted_by_date():
    rows = yaml.safe_load((CATALOGUE_DIR / "measures.yaml").read_text("utf-8"))
    dates = [str(row["announcement_date"]) for row in rows]
    assert dates == sorted(dates)


def test_a_measure_without_a_tier_a_to_c_address_is_studied_only_on_a_repost_of_its_date():
    rows = _by_id()
    for row in rows.values():
        if not row.get("source_url") and row["confidence"] == "verified":
            # a verified date seen on a repost (tier D), shown as plain text, never a link
            assert row["evidence_url"] and row["date_confidence"] == "verified", row["id"]
        if not row.get("source_url") and not row.get("evidence_url"):
            assert row["confidence"] == "unverified", row["id"]
    # the Politburo readout of 2023-07-24 (evening, t0 07-25) is studied, on a tier-B report
    assert rows["politburo-invigorate-2023"]["confidence"] == "verified"
    assert "cnbc.com" in rows["politburo-invigorate-2023"]["source_url"]
