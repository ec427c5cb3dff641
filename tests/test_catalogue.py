"""The catalogue against its sources, every validation rule, user measures, import and export."""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest
import yaml

from analysis.export import csv_bytes
from data_sources import catalogue as cat
from data_sources.instruments import market_wide_instruments, registry, segment_table
from tests.conftest import shared_path

MEASURES_FILE = cat.CATALOGUE_DIR / "measures.yaml"


def _reference_rows() -> dict[int, list[str]]:
    rows = {}
    for line in shared_path("reference", "policy-events.md").read_text("utf-8").splitlines():
        if re.match(r"^\| \d+ \|", line):
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            rows[int(cells[0])] = cells
    return rows


def test_every_measure_matches_the_verified_reference_table():
    reference_text = shared_path("reference", "policy-events.md").read_text("utf-8")
    rows = _reference_rows()
    for measure in yaml.safe_load(MEASURES_FILE.read_text("utf-8")):
        row = rows[measure["ref"]]
        assert str(measure["announcement_date"]) == row[1][:10], measure["id"]
        if measure.get("source_url"):
            assert measure["source_url"] in reference_text, measure["id"]
        else:
            assert measure["confidence"] == "unverified", measure["id"]
        if row[8].startswith("M") or row[8] == "—":
            assert measure["confidence"] == "unverified", measure["id"]


def test_key_phrases_quote_the_task_they_carry_out():
    text = shared_path("reference", "csrc-2020-midyear-communique.txt").read_text("utf-8")
    marks = "一二三四五六七八九"
    paragraphs = {}
    for number, mark in enumerate(marks, start=1):
        start = text.index(mark + "是")
        end = text.index(marks[number] + "是") if number < 9 else len(text)
        paragraphs[number] = text[start:end]
    for row in cat.load_catalogue().itertuples():
        if row.id == "csrc-midyear-meeting-2020":  # the meeting quotes its own preamble
            assert row.key_phrase in text
            continue
        assert row.key_phrase in paragraphs[row.task], (row.id, row.key_phrase)
    for theme in cat.themes().itertuples():
        assert theme.key_phrase in paragraphs[theme.task]


def test_uncertain_meeting_date_is_shown_but_not_studied():
    meeting = cat.load_catalogue().set_index("id").loc["csrc-midyear-meeting-2020"]
    assert meeting["confidence"] == "unverified"
    assert meeting["announcement_date"] == pd.Timestamp("2020-07-27")
    assert meeting["latest_date"] == pd.Timestamp("2020-08-20")


def test_segment_map_is_complete_and_consistent():
    table = segment_table()
    vocabulary = set(table["id"])
    assert {
        "ALL",
        "MAIN",
        "STAR",
        "CHN",
        "NEEQ",
        "SMALL",
        "BRK",
        "BNK",
        "INS",
        "AMC",
        "PROP",
        "INFRA",
        "REIT",
        "FUT",
        "HK",
        "ADR",
    } <= vocabulary
    symbols = set(registry())
    for segment in table.itertuples():
        assert set(segment.instruments) <= symbols, segment.id
        assert segment.benchmark is None or segment.benchmark in symbols
        if not segment.instruments:
            assert segment.note, f"{segment.id} has no instrument and no note saying why"
    assert all(instrument.segments for instrument in registry().values())
    assert {"000300.SH", "000001.SH"} <= market_wide_instruments()
    assert "399006.SZ" not in market_wide_instruments()
    used = {code for codes in cat.load_catalogue()["segments"] for code in codes}
    assert used <= vocabulary


def _row(**overrides):
    row = {
        "id": "good-measure",
        "title_zh": "标题",
        "title_en": "Title",
        "announcement_date": "2020-07-31",
        "timing": "unknown",
        "theme": "T4",
        "segments": ["ALL"],
        "source_url": "https://example.org/x",
        "confidence": "verified",
    }
    row.update(overrides)
    return row


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"id": ""}, "row 1, field 'id': missing"),
        ({"id": "Bad Id!"}, "field 'id': 'Bad Id!' must be 3-80 lower-case"),
        ({"title_zh": ""}, "field 'title_zh': missing"),
        ({"title_en": "a\x07b"}, "field 'title_en': contains control characters"),
        ({"title_en": "x" * 501}, "field 'title_en': longer than 500 characters"),
        ({"announcement_date": ""}, "field 'announcement_date': missing"),
        ({"announcement_date": "31/07/2020"}, "'31/07/2020' is not a YYYY-MM-DD date"),
        ({"announcement_date": "2020-02-30"}, "'2020-02-30' is not a real date"),
        ({"announcement_date": "2040-01-02"}, "outside the Shanghai calendar"),
        ({"effective_date": "2020-01-01"}, "field 'effective_date': 2020-01-01 is before"),
        ({"latest_date": "2020-07-01"}, "field 'latest_date': 2020-07-01 is before"),
        ({"timing": "noon"}, "field 'timing': 'noon' is not one of"),
        ({"theme": "T10"}, "field 'theme': 'T10' is not one of T1..T9"),
        ({"theme": ""}, "field 'theme': missing"),
        ({"secondary_themes": "T2;T0"}, "field 'secondary_themes': unknown theme 'T0'"),
        ({"segments": ["ALL", "MOON"]}, "field 'segments': unknown segment 'MOON'"),
        ({"confidence": "probably"}, "field 'confidence': 'probably' must be verified"),
        ({"source_url": ""}, "field 'source_url': missing (a verified measure needs its source)"),
        ({"source_url": "javascript:alert(1)"}, "is not an http(s) URL"),
        ({"segment": "ALL"}, "field 'segment': not a known field"),
    ],
)
def test_each_validation_rule_names_row_and_field(overrides, expected):
    with pytest.raises(cat.CatalogueError) as raised:
        cat.validate_measures([_row(**overrides)], "user.yaml")
    assert any(expected in problem for problem in raised.value.problems), raised.value.problems


def test_duplicates_and_shapes_are_reported():
    with pytest.raises(cat.CatalogueError) as raised:
        cat.validate_measures(
            [_row(), _row(), "text"], "f.yaml", row_labels=["line 2", "line 3", "line 4"]
        )
    assert raised.value.problems[0] == "line 3, field 'id': 'good-measure' duplicates line 2"
    assert "line 4: not a mapping of fields" in raised.value.problems
    with pytest.raises(cat.CatalogueError, match="already in the catalogue"):
        cat.validate_measures(
            [_row(id="sept-2024-package")], "f.yaml", existing_ids=cat.shipped_catalogue()["id"]
        )
    with pytest.raises(cat.CatalogueError, match="must hold a list"):
        cat.validate_measures({"id": "x"}, "f.yaml")


def test_unverified_measure_may_lack_a_source_and_lists_accept_text():
    frame = cat.validate_measures(
        [
            _row(
                confidence="unverified",
                source_url="",
                segments="BRK; BNK",
                secondary_themes="T2,T3",
                timing="after_close",
                announcement_date="2021-07-06",
            )
        ],
        "f.yaml",
    )
    row = frame.iloc[0]
    assert row["segments"] == ("BRK", "BNK") and row["secondary_themes"] == ("T2", "T3")
    assert row["event_session"] == pd.Timestamp("2021-07-07") and row["task"] == 4


def test_user_measures_persist_in_the_data_directory_apart_from_the_shipped_file(data_dir):
    shipped_before = MEASURES_FILE.read_bytes()
    cat.add_user_measures([_row(id="my-first", announcement_date="2024-09-30")], "form")
    assert cat.user_measures_path() == data_dir / "catalogue" / "user_measures.yaml"
    assert MEASURES_FILE.read_bytes() == shipped_before
    catalogue = cat.load_catalogue().set_index("id")
    assert catalogue.at["my-first", "origin"] == "user"
    assert catalogue.at["sept-2024-package", "origin"] == "shipped"
    with pytest.raises(cat.CatalogueError, match="already in the catalogue"):
        cat.add_user_measures([_row(id="my-first")], "form")
    assert cat.remove_user_measure("my-first") is True
    assert cat.remove_user_measure("sept-2024-package") is False  # shipped: not removable
    assert "my-first" not in set(cat.load_catalogue()["id"])


def test_import_is_all_or_nothing(data_dir):
    cat.add_user_measures([_row(id="kept-one")], "form")
    before = cat.user_measures_path().read_bytes()
    content = (
        "id,title_zh,title_en,announcement_date,theme,segments,source_url,confidence\n"
        "new-good,好,Good,2022-01-04,T2,ALL,https://example.org/g,verified\n"
        "new-bad,坏,Bad,2022-01-05,T2,ALL,,verified\n"
    ).encode()
    rows, labels = cat.parse_measures_file(content, "new.csv")
    with pytest.raises(cat.CatalogueError) as raised:
        cat.add_user_measures(rows, "new.csv", row_labels=labels)
    assert raised.value.problems == [
        "line 3 (new-bad), field 'source_url': missing (a verified measure needs its source)"
    ]
    assert cat.user_measures_path().read_bytes() == before
    assert "new-good" not in set(cat.load_catalogue()["id"])


@pytest.mark.parametrize(
    ("content", "name", "expected"),
    [
        (b"- id: [unclosed", "bad.yaml", "not valid YAML"),
        (b"", "empty.yaml", "the file is empty"),
        (b"id: x\n", "map.yaml", "must hold a list"),
        (b"title\nx\n", "noid.csv", "no 'id' column"),
        (b"id,title_en\n", "header.csv", "header but no rows"),
        (b"id\nx\n", "file.txt", "unsupported file type .txt"),
    ],
)
def test_unreadable_measure_files_are_named(content, name, expected):
    with pytest.raises(cat.CatalogueError) as raised:
        cat.parse_measures_file(content, name)
    assert raised.value.source == name and expected in raised.value.problems[0]


def _comparable(frame: pd.DataFrame) -> pd.DataFrame:
    columns = [c for c in cat.CATALOGUE_COLUMNS if c != "origin"]
    return frame[columns].sort_values("id").reset_index(drop=True)


def test_csv_export_round_trips(data_dir):
    catalogue = cat.load_catalogue()
    exported = csv_bytes(cat.export_table(catalogue), cat.export_metadata())
    header = pd.read_csv(io.BytesIO(exported), encoding="utf-8-sig", nrows=0).columns
    assert list(header[: len(cat.EXPORT_COLUMNS)]) == cat.EXPORT_COLUMNS
    table = pd.read_csv(io.BytesIO(exported), encoding="utf-8-sig", dtype=str)
    sept = table.set_index("id").loc["sept-2024-package"]
    assert sept["segments"] == "ALL;BRK;INS;AMC;BNK;PROP" and sept["task"] == "3"
    rows, labels = cat.parse_measures_file(exported, "export.csv")
    again = cat.validate_measures(rows, "export.csv", row_labels=labels)
    pd.testing.assert_frame_equal(_comparable(again), _comparable(catalogue))


def test_yaml_export_round_trips():
    catalogue = cat.load_catalogue()
    rows, labels = cat.parse_measures_file(cat.export_yaml(catalogue).encode(), "export.yaml")
    again = cat.validate_measures(rows, "export.yaml", row_labels=labels)
    pd.testing.assert_frame_equal(_comparable(again), _comparable(catalogue))


def test_filters_and_bilingual_search():
    catalogue = cat.load_catalogue()
    reits = cat.filter_measures(catalogue, segment_codes=["REIT"])
    assert {"first-creits-listing-2021", "commercial-reits-draft-2025"} <= set(reits["id"])
    assert all("REIT" in codes for codes in reits["segments"])
    in_2023 = cat.filter_measures(catalogue, years=(2023, 2023))
    assert set(in_2023["announcement_date"].dt.year) == {2023}
    unverified = cat.filter_measures(catalogue, confidence=["unverified"])
    assert list(unverified["id"]) == [
        "csrc-midyear-meeting-2020",
        "fraud-buyback-draft-2020",
        "kangmei-class-action-2021",
        "personal-pension-opinions-2022",
    ]  # the last three: their only sources were on tier-E (spam) domains
    chinese = cat.filter_measures(catalogue, query="注册制")
    assert "chinext-first-listings-2020" in set(chinese["id"])
    english = cat.filter_measures(catalogue, query="DELISTING")
    assert "delisting-final-rules-2020" in set(english["id"])
    assert cat.filter_measures(catalogue, query="no such words").empty
