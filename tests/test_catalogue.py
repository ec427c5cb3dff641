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
from tests.markdown_render import shown

MEASURES_FILE = cat.CATALOGUE_DIR / "measures.yaml"


def _reference_rows() -> dict[int, list[str]]:
    rows = {}
    for line in shared_path("reference", "policy-events.md").read_text("utf-8").splitlines():
        if re.match(r"^\| \d+ \|", line):
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            rows[int(cells[0])] = cells
    return rows


def _citation_dates() -> dict[int, set[str]]:
    """Dates in the date cell of each §9 citation row (``| #49 | dated …; published …``)."""
    dates = {}
    for line in shared_path("reference", "policy-events.md").read_text("utf-8").splitlines():
        if re.match(r"^\| #\d+ \|", line):
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            dates[int(cells[0][1:])] = set(re.findall(r"\d{4}-\d{2}-\d{2}", cells[1]))
    return dates


#: Measures that are not rows of the reference, each dated and cited from the issuer's own page
#: (tier A): the issue's priority-B example, SAFE's QFII/RQFII quota removal of 2019-09-10.
OUTSIDE_REFERENCE = {
    "qfii-quota-removal-2019": "https://www.safe.gov.cn/en/2019/0910/1553.html",
}


def test_every_measure_matches_the_verified_reference_table():
    reference_text = shared_path("reference", "policy-events.md").read_text("utf-8")
    rows = _reference_rows()
    published = _citation_dates()
    date_confidence = {"V": "verified", "V~": "approximate"}
    for measure in yaml.safe_load(MEASURES_FILE.read_text("utf-8")):
        if "ref" not in measure:  # not in the reference: dated from its issuer's own page
            assert measure["source_url"] == OUTSIDE_REFERENCE[measure["id"]], measure["id"]
            assert cat.source_tier(measure["source_url"]) == "A", measure["id"]
            continue
        row = rows[measure["ref"]]
        # §3's date, or a publication date §9 found for the row (e.g. #49: dated 10-26,
        # published 11-04: the market-visible date)
        dates = {row[1][:10]} | published.get(measure["ref"], set())
        assert str(measure["announcement_date"]) in dates, measure["id"]
        addresses = [measure[f] for f in ("source_url", "evidence_url") if measure.get(f)]
        for address in addresses:
            assert address in reference_text, (measure["id"], address)
        if not addresses:
            assert measure["confidence"] == "unverified", measure["id"]
        if row[8].startswith("M") or row[8] == "—":
            assert measure["confidence"] == "unverified", measure["id"]
        # issue 13: date_confidence is §3's Conf (V, V~, M)
        expected = date_confidence.get(row[8].split()[0], "unverified")
        assert measure["date_confidence"] == expected, measure["id"]


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


@pytest.mark.parametrize("invisible", ["\u202e", "\u2066", "\u200f", "\u061c", "\x9b", "\x80"])
def test_bidirectional_overrides_and_c1_controls_are_refused_in_every_text_field(invisible):
    """A right-to-left override (Trojan Source) or a C1 control in an issuer or a title makes
    the shown citation differ from what it is: refused like the C0 controls."""
    document = {"issuer_zh": f"国{invisible}务院", "title_zh": "意见", "date": "2024-04-12"}
    with pytest.raises(cat.CatalogueError) as raised:
        cat.validate_measures(
            [_row(title_en=f"Title{invisible}x", documents=[document])], "user.yaml"
        )
    problems = raised.value.problems
    assert "row 1 (good-measure), field 'title_en': contains control characters" in problems
    assert (
        "row 1 (good-measure), field 'documents[1].issuer_zh': contains control characters"
        in problems
    )


def test_external_must_be_a_yes_or_no_and_a_bad_confidence_is_named_once():
    with pytest.raises(cat.CatalogueError) as raised:
        cat.validate_measures([_row(external="perhaps", timing_confidence="sure")], "user.csv")
    problems = raised.value.problems
    assert "row 1 (good-measure), field 'external': 'perhaps' must be true or false" in problems, (
        problems
    )
    assert [p for p in problems if "'timing_confidence'" in p] == [
        "row 1 (good-measure), field 'timing_confidence': 'sure' is not one of stated, "
        "inferred, unknown"
    ]
    for value, expected in (("yes", True), ("FALSE", False), ("", False), (0, False), (1, True)):
        (row,) = cat.validate_measures([_row(external=value)], "u.csv").itertuples()
        assert row.external is expected, value


def test_documents_whose_citation_a_csv_could_not_carry_are_refused():
    """The citation written from the documents travels in the CSV export, whose citation
    columns hold 2,000 characters: documents that make a longer one are refused at input, so
    every accepted measure re-imports from its CSV export."""
    document = {"issuer_zh": "国务院" * 50, "title_zh": "意" * 400, "date": "2024-04-12"}
    with pytest.raises(cat.CatalogueError) as raised:
        cat.validate_measures([_row(documents=[document] * 10)], "u.yaml")
    ((problem),) = raised.value.problems
    assert problem.startswith("row 1 (good-measure), field 'documents': their citation is ")
    assert "more than 2000" in problem
    (row,) = cat.validate_measures([_row(documents=[document] * 3)], "u.yaml").itertuples()
    assert len(row.citation) <= 2000


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


#: What a CSV cannot carry: the documents (their one-line citations are exported instead), the
#: segment overrides and the reasons of the expected signs (the YAML export carries them).
_NOT_IN_CSV = ("documents", "segment_overrides", "expected_sign")


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
    pd.testing.assert_frame_equal(
        _comparable(again).drop(columns=list(_NOT_IN_CSV)),
        _comparable(catalogue).drop(columns=list(_NOT_IN_CSV)),
    )
    signs = {segment_sign[:2] for signs in catalogue["expected_sign"] for segment_sign in signs}
    assert {s[:2] for signs in again["expected_sign"] for s in signs} == signs


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
    early = unverified[unverified["announcement_date"] < "2022-04-01"]
    assert list(early["id"]) == [
        "csrc-midyear-meeting-2020",
        "ndrc-reits-project-notice-2020",
        "fraud-buyback-draft-2020",
        "kangmei-class-action-2021",
    ]  # the last three: seen only on pages the catalogue may not show (tier E)
    by_number = cat.filter_measures(catalogue, query="国发〔2020〕14号")  # the citation is searched
    assert list(by_number["id"]) == ["listed-company-quality-2020"]
    chinese = cat.filter_measures(catalogue, query="注册制")
    assert "chinext-first-listings-2020" in set(chinese["id"])
    english = cat.filter_measures(catalogue, query="DELISTING")
    assert "delisting-final-rules-2020" in set(english["id"])
    assert cat.filter_measures(catalogue, query="no such words").empty


# -- issue 11: the user's measures file (damaged, not a list, rows that no longer validate) --------
DAMAGED_USER_FILES = {
    "a mapping": (b"id: my-measure\ntitle_en: x\n", "holds a mapping, not a list"),
    "a scalar": (b"just some text\n", "holds a str, not a list"),
    "invalid YAML": (b"- id: [unclosed\n- x: 1\n", "not valid YAML"),
    "undecodable": (b"- id: \xff\xfe\x80\x81\n", "is not UTF-8 text"),
    "aliases": (b"- &m {id: a}\n- *m\n", "anchors and aliases"),
    "a list of text": (b"- one\n- two\n", "item 1 is a str, not a measure"),
}


@pytest.mark.parametrize("kind", DAMAGED_USER_FILES)
def test_a_damaged_user_file_is_named_left_out_and_never_overwritten(data_dir, kind):
    content, expected = DAMAGED_USER_FILES[kind]
    path = cat.user_measures_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    with pytest.raises(cat.UserFileError) as loading:
        cat.load_catalogue()
    assert loading.value.source == str(path) and expected in loading.value.problems[0]
    for write in (
        lambda: cat.add_user_measures([_row(id="my-new-one")], "form"),
        lambda: cat.remove_user_measure("my-measure"),
    ):
        with pytest.raises(cat.UserFileError) as writing:
            write()
        message = writing.value.problems[0]
        assert message.startswith(f"not changed: your measures file {path}")
        assert expected in message and "move it aside" in message
        assert path.read_bytes() == content
    assert not cat.user_backup_dir().exists()  # nothing was written at all


def test_the_app_keeps_the_shipped_catalogue_when_the_user_file_is_damaged(app, data_dir):
    from tests.apptest_helpers import goto

    path = cat.user_measures_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"- id: [unclosed\n")  # raised on every page before
    goto(app, "pages/policies.py")
    errors = [shown(e.value) for e in app.error]
    # named once per page, though the page reads the catalogue more than once
    assert sum(str(path) in error and "not valid YAML" in error for error in errors) == 1
    assert app.markdown[0].value.startswith(f"**{len(cat.shipped_catalogue())}** measures")
    assert any(str(path) in shown(w.value) and "blocked" in w.value for w in app.warning)  # tab
    submit = [b for b in app.button if getattr(b, "label", "") == "Add measure"][0]
    app.text_input(key="add_id").input("my-new-one")
    submit.click().run()
    assert not app.exception
    assert any("not changed: your measures file" in shown(e.value) for e in app.error)
    assert path.read_bytes() == b"- id: [unclosed\n"


def test_the_blocked_tab_shows_the_file_paths_as_text(tmp_path, monkeypatch):
    """The data directory is the user's (any folder name): its path is shown as text."""
    from tests.apptest_helpers import goto, make_app
    from tests.markdown_render import injected

    monkeypatch.setenv("POLICYLENS_DATA_DIR", str(tmp_path / "*my* data $5 and $6"))
    app = make_app(monkeypatch)
    path = cat.user_measures_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"- id: [unclosed\n")
    goto(app, "pages/policies.py")
    (blocked,) = [w.value for w in app.warning if "blocked" in w.value]
    assert injected(blocked) == [], blocked
    assert f"{path} is left out" in shown(blocked)
    assert f"kept in {cat.user_backup_dir()}." in shown(blocked)


def test_rows_that_no_longer_validate_block_adding_but_may_be_removed(data_dir):
    path = cat.user_measures_path()
    path.parent.mkdir(parents=True)
    stale = yaml.safe_dump([_row(id="sept-2024-package"), _row(id="mine-ok")]).encode()
    path.write_bytes(stale)
    with pytest.raises(cat.CatalogueError, match="already in the catalogue") as loading:
        cat.load_catalogue()
    assert loading.value.source == str(path)
    with pytest.raises(cat.UserFileError, match="not changed: your measures file"):
        cat.add_user_measures([_row(id="my-new-one")], "form")
    assert path.read_bytes() == stale
    assert cat.remove_user_measure("sept-2024-package") is True  # how a user fixes it
    assert list(cat.user_catalogue()["id"]) == ["mine-ok"]
    (backup,) = cat.user_backup_dir().iterdir()
    assert backup.read_bytes() == stale


def test_every_write_keeps_the_previous_file_and_backups_are_bounded(data_dir):
    versions = []
    for number in range(cat.MAX_BACKUPS + 3):
        if cat.user_measures_path().exists():
            versions.append(cat.user_measures_path().read_bytes())
        cat.add_user_measures([_row(id=f"mine-{number:02d}")], "form")
    backups = sorted(cat.user_backup_dir().iterdir())
    assert len(backups) == cat.MAX_BACKUPS
    assert [b.read_bytes() for b in backups] == versions[-cat.MAX_BACKUPS :]


# -- issue 11: measures whose only source was tier E (the tier tests: test_source_tiers.py) ----
def test_verified_measures_that_lost_their_tier_e_source_are_unverified_or_resourced():
    by_id = cat.load_catalogue().set_index("id")
    for measure_id in (
        "refinancing-rules-2020",
        "broker-takeovers-2020",
        "long-term-funds-plan-2025",
    ):
        assert by_id.at[measure_id, "confidence"] == "verified"  # a tier A-C address from §9
        assert by_id.at[measure_id, "source_url"].startswith("http")
    for measure_id in (
        "fraud-buyback-draft-2020",
        "kangmei-class-action-2021",
    ):  # §9 gives no tier A-D address: no link, and no longer counted as verified
        assert by_id.at[measure_id, "source_url"] == ""
        assert by_id.at[measure_id, "confidence"] == "unverified"


# -- issue 11: source URLs and one-line fields ---------------------------------------------------
@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.csrc.gov.cn/)![u](http://host/p.png)", "contains ')'"),
        ("https://www.csrc.gov.cn/a b", "contains ' '"),
        ("https://www.csrc.gov.cn/a\tb", "contains '\\t'"),
        ('https://www.csrc.gov.cn/"onmouseover="x', "contains '\"'"),
        ("https://www.csrc.gov.cn/'x", 'contains "\'"'),
        ("https://www.csrc.gov.cn/`x`", "contains '`'"),
        ("https://www.csrc.gov.cn/<b>", "contains '<'"),
        ("https://www.csrc.gov.cn/[x]", "contains '['"),
        ("https://www.csrc.gov.cn/a\\b", "contains '\\\\'"),
        ("https://www.csrc.gov.cn/证监会", "contains '证'"),
        ("https://www.csrc.gov.cn/%zz", "'%' that is not followed by two hex digits"),
        ("https://www.csrc.gov.cn@evil.example/", "user name or password"),
        ("https:///path", "no valid host name"),
        ("https://-bad-.example/", "no valid host name"),
        ("https://www.csrc.gov.cn:99999/", "cannot be read as a URL"),
        ("ftp://www.csrc.gov.cn/", "is not an http(s) URL"),
        ("javascript:alert(1)", "is not an http(s) URL"),
        ("//www.csrc.gov.cn/", "is not an http(s) URL"),
    ],
)
def test_source_urls_must_be_clean_http_urls(url, expected):
    with pytest.raises(cat.CatalogueError) as raised:
        cat.validate_measures([_row(source_url=url)], "user.yaml")
    (problem,) = raised.value.problems
    assert problem.startswith("row 1 (good-measure), field 'source_url'") and expected in problem


def test_clean_urls_with_escapes_queries_and_fragments_pass():
    for url in (
        "https://www.tellerreport.com/business/2020-12-15-%0A---8-key%E2%80%8B.html",
        "https://www.securitiesfinancetimes.com/r.php?article_id=226806&page=1#top",
        "HTTP://english.sse.com.cn:8080/news/",
    ):
        assert cat.source_url_problem(url) is None, url


@pytest.mark.parametrize("field", ["id", "title_zh", "title_en", "key_phrase"])
@pytest.mark.parametrize("line_break", ["\n", "\r\n", "\u2028"])
def test_one_line_fields_refuse_line_breaks(field, line_break):
    value = "good" + line_break + "# injected heading"
    with pytest.raises(cat.CatalogueError) as raised:
        cat.validate_measures([_row(**{field: value})], "user.yaml")
    assert any(
        f"field '{field}': contains a line break (one line only)" in p
        for p in raised.value.problems
    ), raised.value.problems


def test_a_note_may_span_lines():
    frame = cat.validate_measures(
        [_row(note="first line\nsecond line"), _row(id="windows-note", note="one\r\ntwo")], "u"
    )
    assert list(frame["note"]) == ["first line\nsecond line", "one\ntwo"]


# -- issue 11: resource bombs ------------------------------------------------------------------
BILLION_LAUGHS = (
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
    "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
    "h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\ni: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n"
)


def test_yaml_anchors_aliases_and_deep_nesting_are_refused_before_building_anything(data_dir):
    for content in (
        BILLION_LAUGHS,
        "- &row {id: a-b-c}\n",
        "- id: x\n  <<: *base\n",
        "[" * 100_000 + "]" * 100_000,
        "- title_en: " + "[" * 50 + "]" * 50 + "\n",
    ):
        with pytest.raises(cat.CatalogueError) as raised:
            cat.parse_measures_file(content.encode(), "bomb.yaml")
        (problem,) = raised.value.problems
        assert "anchors and aliases" in problem or "levels deep" in problem, problem
        path = cat.user_measures_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, "utf-8")
        with pytest.raises(cat.UserFileError):
            cat.load_catalogue()


class _NeverText(list):
    """A huge value: turning it into text would take gigabytes, so it must not happen."""

    def __str__(self):
        raise AssertionError("a non-text field was turned into text")

    __repr__ = __str__


def test_field_types_are_checked_before_anything_becomes_text():
    bomb = _NeverText([[0] * 10] * 10)
    rows = [
        _row(
            title_en=bomb,
            note={"a": bomb},
            announcement_date=bomb,
            segments=[bomb],
            secondary_themes={"x": 1},
            context=bomb,
            **{"x" * 100: 1},
        )
    ]
    with pytest.raises(cat.CatalogueError) as raised:
        cat.validate_measures(rows, "user.yaml")
    problems = raised.value.problems
    assert "row 1 (good-measure), field 'title_en': must be text, not a list" in problems
    assert "row 1 (good-measure), field 'note': must be text, not a mapping" in problems
    assert (
        "row 1 (good-measure), field 'announcement_date': must be a YYYY-MM-DD date, not a list"
        in problems
    )
    assert any("field 'segments': must be a list of codes (text)" in p for p in problems)
    assert any(
        "field 'secondary_themes': must be a list of codes, not a mapping" in p for p in problems
    )
    assert any(p.startswith(f"row 1, field {'x' * 40!r}: not a known field") for p in problems)
    huge = 10**5000  # str() of it raises ValueError (more than 4,300 digits)
    with pytest.raises(cat.CatalogueError) as raised:
        cat.validate_measures([_row(key_phrase=huge, effective_date=huge, segments=[huge])], "u")
    assert raised.value.problems == [
        "row 1 (good-measure), field 'effective_date': must be a YYYY-MM-DD date, not an int",
        "row 1 (good-measure), field 'segments': must be a list of codes (text), not a list "
        "holding lists or mappings",
        "row 1 (good-measure), field 'key_phrase': longer than 500 characters",
    ]
    with pytest.raises(cat.CatalogueError, match="a number with more than 4,300 digits"):
        cat.parse_measures_file(b"- id: x\n  title_en: " + b"1" * 5000, "digits.yaml")


def test_import_files_and_the_user_file_have_size_and_count_limits(data_dir, tmp_path):
    with pytest.raises(cat.CatalogueError, match=r"more than the limit of 4,000,000"):
        cat.parse_measures_file(b"#" * (cat.MAX_IMPORT_BYTES + 1), "big.yaml")
    many = "".join(f"- id: m-{n}\n" for n in range(cat.MAX_USER_MEASURES + 1))
    with pytest.raises(cat.CatalogueError, match=r"5,001 measures, more than the limit of 5,000"):
        cat.parse_measures_file(many.encode(), "many.yaml")
    header = "id,title_zh,title_en,announcement_date,theme,segments,confidence\n"
    body = "".join(f"m-{n},t,t,2022-01-04,T2,ALL,unverified\n" for n in range(5001))
    with pytest.raises(cat.CatalogueError, match=r"more than the limit of 5,000"):
        cat.parse_measures_file((header + body).encode(), "many.csv")
    path = cat.user_measures_path()
    path.parent.mkdir(parents=True)
    with open(path, "wb") as handle:  # sparse: 8 MB + 1 without writing them
        handle.truncate(cat.MAX_USER_FILE_BYTES + 1)
    with pytest.raises(cat.UserFileError, match="more than the limit of 8,000,000"):
        cat.load_catalogue()
    path.unlink()
    existing = [
        _row(id=f"mine-{n:04d}", confidence="unverified", source_url="")
        for n in range(cat.MAX_USER_MEASURES)
    ]
    path.write_text(yaml.safe_dump(cat._storable(existing)), "utf-8")
    before = path.read_bytes()
    with pytest.raises(cat.UserFileError, match="would hold 5,001 measures"):
        cat.add_user_measures([_row(id="one-too-many")], "form")
    assert path.read_bytes() == before


def test_cli_refuses_an_oversized_file_before_reading_it(data_dir, tmp_path, monkeypatch, capsys):
    from pathlib import Path

    from data_sources.cli import main

    big = tmp_path / "big.yaml"
    with open(big, "wb") as handle:
        handle.truncate(cat.MAX_IMPORT_BYTES + 1)

    def never(self):
        raise AssertionError(f"{self} was read")

    monkeypatch.setattr(Path, "read_bytes", never)
    assert main(["catalogue", "import", str(big)]) == 2
    assert "big.yaml: the file is 4,000,001 bytes, more than the limit" in capsys.readouterr().err


def test_a_csv_field_over_the_csv_limit_names_its_line():
    content = (
        "id,title_zh,title_en,announcement_date,theme,segments,confidence\n"
        "a-one,t,t,2022-01-04,T2,ALL,unverified\n"
        f"a-two,t,{'x' * 140_000},2022-01-04,T2,ALL,unverified\n"
    ).encode()
    with pytest.raises(cat.CatalogueError) as raised:
        cat.parse_measures_file(content, "huge.csv")
    assert raised.value.problems == [
        "line 3: a field is longer than 131,072 characters (text fields may hold 500)"
    ]


def test_csv_rows_are_labelled_with_the_line_they_start_on():
    content = (
        b"id,title_zh,title_en,announcement_date,theme,segments,confidence,note\n"
        b'a-one,t,t,2022-01-04,T2,ALL,unverified,"two\nlines"\n'
        b"a-two,t,t,2022-01-04,T2,ALL,probably,\n"
    )
    rows, labels = cat.parse_measures_file(content, "notes.csv")
    assert labels == ["line 2", "line 4"]
    with pytest.raises(cat.CatalogueError, match="line 4 \\(a-two\\), field 'confidence'"):
        cat.validate_measures(rows, "notes.csv", row_labels=labels)


@pytest.mark.parametrize(
    ("content", "name", "expected"),
    [
        (
            b"- id: far-future\n  title_zh: t\n  title_en: t\n  announcement_date: 2300-01-02\n"
            b"  theme: T2\n  confidence: unverified\n",
            "future.yaml",
            "item 1 (far-future), field 'announcement_date': 2300-01-02 is outside the dates",
        ),
        (
            b"id,title_zh,title_en,announcement_date,effective_date,theme,confidence\n"
            b"far-effect,t,t,2022-01-04,2262-05-01,T2,unverified\n",
            "future.csv",
            "line 2 (far-effect), field 'effective_date': 2262-05-01 is outside the dates",
        ),
        (
            b"- id: far-latest\n  title_zh: t\n  title_en: t\n  announcement_date: 2022-01-04\n"
            b"  latest_date: 9999-12-31\n  theme: T2\n  confidence: unverified\n",
            "future.yaml",
            "item 1 (far-latest), field 'latest_date': 9999-12-31 is outside the dates",
        ),
    ],
)
def test_dates_after_2262_are_named_not_an_internal_error(
    data_dir, tmp_path, capsys, content, name, expected
):
    from data_sources.cli import main

    rows, labels = cat.parse_measures_file(content, name)
    with pytest.raises(cat.CatalogueError) as raised:
        cat.validate_measures(rows, name, row_labels=labels)
    assert any(expected in problem for problem in raised.value.problems), raised.value.problems
    path = tmp_path / name
    path.write_bytes(content)
    assert main(["catalogue", "import", str(path)]) == 2
    assert expected in capsys.readouterr().err


# -- issue 13: documents, timing and date confidence, expected signs, segment overrides ---------
_DOCUMENT = {
    "issuer_zh": "国务院",
    "issuer_en": "State Council",
    "title_zh": "《关于某事的意见》",
    "title_en": "Opinions on Something",
    "number": "国发〔2024〕10号",
    "date": "2024-04-12",
}


def test_documents_become_the_citation():
    event = {"kind": "event", "issuer_zh": "金融委", "title_zh": "专题会议", "date": "2024-04-12"}
    frame = cat.validate_measures(
        [_row(announcement_date="2024-04-12", documents=[_DOCUMENT, event])], "u.yaml"
    )
    (row,) = frame.itertuples()
    assert row.citation == (
        "国务院《关于某事的意见》国发〔2024〕10号，2024-04-12；金融委：专题会议，2024-04-12"
    )  # the title's own 《》 were stripped, an event gets none
    assert row.citation_en == (
        "State Council, Opinions on Something (国发〔2024〕10号), 2024-04-12; "
        "金融委, 专题会议, 2024-04-12"
    )
    assert dict(row.documents[0])["title_zh"] == "关于某事的意见"
    hash(row.documents)  # cells stay hashable (Streamlit hashes the frame)
    plain = cat.validate_measures([_row(citation="某部门《某规定》，2020-07-31")], "u.csv")
    assert (
        plain.iloc[0]["citation"] == plain.iloc[0]["citation_en"] == "某部门《某规定》，2020-07-31"
    )


@pytest.mark.parametrize(
    ("documents", "expected"),
    [
        ("国务院《意见》", "field 'documents': must be a list of documents"),
        ([["x"]], "field 'documents[1]': must be a mapping, not a list"),
        ([{**_DOCUMENT, "url": "x"}], "field 'documents[1]': 'url' is not a document field"),
        ([{**_DOCUMENT, "issuer_zh": ""}], "field 'documents[1].issuer_zh': missing"),
        ([{**_DOCUMENT, "title_zh": "", "title_en": ""}], "'documents[1]': needs a title_zh"),
        ([{**_DOCUMENT, "date": "2024/04/12"}], "'documents[1].date': '2024/04/12' is not a"),
        ([{**_DOCUMENT, "date": None}], "field 'documents[1].date': missing"),
        ([{**_DOCUMENT, "number": "a\nb"}], "'documents[1].number': contains a line break"),
        ([{**_DOCUMENT, "title_en": "x" * 501}], "'documents[1].title_en': longer than 500"),
        ([{**_DOCUMENT, "kind": "rumour"}], "'documents[1].kind': 'rumour' is not one of"),
        ([_DOCUMENT] * 11, "field 'documents': more than 10 documents"),
    ],
)
def test_each_document_rule_names_row_and_field(documents, expected):
    with pytest.raises(cat.CatalogueError) as raised:
        cat.validate_measures([_row(documents=documents)], "u.yaml")
    assert any(
        p.startswith("row 1 (good-measure), field") and expected in p for p in raised.value.problems
    ), raised.value.problems


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"citation": "x", "documents": [_DOCUMENT]}, "give documents or a citation, not both"),
        ({"timing": "unknown", "timing_confidence": "stated"}, "'stated' does not fit timing"),
        ({"timing": "intraday", "timing_confidence": "unknown"}, "'unknown' does not fit timing"),
        ({"timing_confidence": "sure"}, "field 'timing_confidence': 'sure' is not one of"),
        ({"date_confidence": "roughly"}, "field 'date_confidence': 'roughly' is not one of"),
        ({"date_confidence": "unverified"}, "but the measure's confidence is verified"),
        ({"external": {"a": 1}}, "field 'external': must be true or false, not a mapping"),
        ({"timing_evidence": ["x"]}, "field 'timing_evidence': must be text, not a list"),
        ({"evidence_url": "javascript:x"}, "field 'evidence_url': 'javascript:x' is not an http"),
        ({"expected_sign": {"SMALL": "+"}}, "'expected_sign': 'SMALL' is not one of the measure's"),
        ({"expected_sign": {"ALL": "up"}}, "field 'expected_sign.ALL.sign': 'up' is not one of"),
        ({"expected_sign": {"ALL": {"sign": "+", "why": 1}}}, "'why' is not sign or reason"),
        ({"expected_sign": {"ALL": {"reason": "r"}}}, "'expected_sign.ALL.sign': missing"),
        ({"expected_sign": "ALL+"}, "field 'expected_sign': 'ALL+' is not SEGMENT:SIGN"),
        ({"expected_sign": ["ALL", "+"]}, "'expected_sign': must map segments to a sign"),
        ({"segment_overrides": {"FUT": {"benchmark": None}}}, "'FUT' is not one of the measure"),
        ({"segment_overrides": {"ALL": "000300.SH"}}, "'segment_overrides.ALL': must be a mapping"),
        ({"segment_overrides": {"ALL": {}}}, "sets neither instruments nor benchmark"),
        ({"segment_overrides": {"ALL": {"instruments": ["NOPE.SH"]}}}, "unknown instrument"),
        ({"segment_overrides": {"ALL": {"benchmark": "NOPE.SH"}}}, "benchmark': unknown"),
        ({"segment_overrides": {"ALL": {"instruments": [["x"]]}}}, "must be a list of codes"),
        ({"segment_overrides": {"ALL": {"instruments": []}}}, "'segment_overrides.ALL.instr"),
        ({"segment_overrides": {"ALL": {"index": "x"}}}, "'index' is not instruments or bench"),
        ({"segment_overrides": "ALL=000300.SH"}, "'segment_overrides': must map segments"),
    ],
)
def test_each_issue_13_field_rule_names_row_and_field(overrides, expected):
    with pytest.raises(cat.CatalogueError) as raised:
        cat.validate_measures([_row(**overrides)], "user.yaml")
    assert any(
        p.startswith("row 1 (good-measure), field") and expected in p for p in raised.value.problems
    ), raised.value.problems


def test_signs_overrides_and_defaults_of_a_user_measure():
    frame = cat.validate_measures(
        [
            _row(
                segments=["ALL", "SMALL", "FUT"],
                expected_sign={"SMALL": {"sign": "\u2212", "reason": "delisting"}, "ALL": "+"},
                segment_overrides={
                    "FUT": {"instruments": ["000852.SH"], "benchmark": "000300.SH"},
                    "ALL": {"benchmark": None},
                },
                external="true",
            ),
            _row(id="text-signs", expected_sign="ALL:+; ALL:ambiguous", timing="after_close"),
        ],
        "u.yaml",
    )
    first, second = (row for _, row in frame.iterrows())
    assert first["expected_sign"] == (("ALL", "+", ""), ("SMALL", "-", "delisting"))
    assert cat.expected_signs(first) == {"ALL": ("+", ""), "SMALL": ("-", "delisting")}
    assert cat.segment_override(first, "FUT") == (("000852.SH",), "000300.SH")
    assert cat.segment_override(first, "ALL") == (None, None)  # market-wide rule, no benchmark
    assert cat.segment_override(first, "SMALL") == (None, cat.MISSING)  # the segment's own
    assert first["external"] is True and second["external"] is False
    # a user's row may leave the confidences out: they follow timing and the study gate
    assert (first["timing_confidence"], first["date_confidence"]) == ("unknown", "verified")
    assert second["timing_confidence"] == "inferred"
    assert second["expected_sign"] == (("ALL", "ambiguous", ""),)  # the last one counts
    hash(tuple(frame.itertuples(index=False)))  # every cell hashable


def test_shipped_rows_need_documents_signs_with_reasons_and_both_confidences():
    shipped = yaml.safe_load(MEASURES_FILE.read_text("utf-8"))
    good = next(row for row in shipped if row["id"] == "refinancing-rules-2020")
    cat.validate_measures([good], "measures.yaml", origin="shipped")
    cases = [
        ("documents", None, "field 'documents': missing (a verified shipped measure"),
        ("expected_sign", None, "no sign for segment ALL"),
        ("expected_sign", {**good["expected_sign"], "BRK": {"sign": "+"}}, "BRK.reason': missing"),
        ("timing_confidence", None, "field 'timing_confidence': missing"),
        ("date_confidence", None, "field 'date_confidence': missing"),
        ("timing", "non_trading_day", "'non_trading_day' but 2020-02-14 is a Shanghai session"),
    ]
    for field, value, expected in cases:
        row = {**good, field: value}
        with pytest.raises(cat.CatalogueError) as raised:
            cat.validate_measures([row], "measures.yaml", origin="shipped")
        assert any(
            p.startswith("row 1 (refinancing-rules-2020), field") and expected in p
            for p in raised.value.problems
        ), (field, raised.value.problems)
        cat.validate_measures([{**row, "id": "as-a-user"}], "mine.yaml")  # optional for users
    saturday = {**good, "announcement_date": "2020-02-15", "timing": "after_close"}
    with pytest.raises(cat.CatalogueError, match="is not a Shanghai session"):
        cat.validate_measures([saturday], "measures.yaml", origin="shipped")


def test_nested_fields_are_type_checked_before_anything_becomes_text():
    bomb = _NeverText([[0] * 10] * 10)
    huge = 10**5000
    rows = [
        _row(
            documents=[{"issuer_zh": bomb, "title_zh": huge, "date": bomb, huge: 1}],
            expected_sign={"ALL": {"sign": bomb, "reason": huge}, huge: "+"},
            segment_overrides={"ALL": {"instruments": bomb, "benchmark": huge}, bomb[0][0]: {}},
            external=bomb,
            timing_evidence=huge,
        )
    ]
    with pytest.raises(cat.CatalogueError) as raised:
        cat.validate_measures(rows, "user.yaml")
    problems = raised.value.problems
    assert "row 1 (good-measure), field 'documents[1].issuer_zh': must be text, not a list" in (
        problems
    )
    assert any("'documents[1]': an int is not a document field" in p for p in problems)
    assert any(
        "'expected_sign': an int is not one of the measure's segments" in p for p in problems
    )
    assert any(
        "'segment_overrides.ALL.instruments': must be a list of codes (text)" in p for p in problems
    )
    assert "row 1 (good-measure), field 'external': must be true or false, not a list" in problems
    assert all(len(p) < 600 for p in problems)


def test_nested_yaml_bombs_are_refused():
    for content in (
        "- id: x\n  documents: &d [{issuer_zh: a}]\n  expected_sign: *d\n",
        "- id: x\n  segment_overrides: " + "{a: " * 20 + "1" + "}" * 20 + "\n",
    ):
        with pytest.raises(cat.CatalogueError) as raised:
            cat.parse_measures_file(content.encode(), "bomb.yaml")
        (problem,) = raised.value.problems
        assert "anchors and aliases" in problem or "levels deep" in problem


def test_user_measures_with_every_new_field_round_trip_through_both_exports(data_dir):
    mine = _row(
        id="mine-full",
        segments=["ALL", "FUT"],
        documents=[_DOCUMENT],
        evidence_url="https://www.tellerreport.com/x",
        timing="after_close",
        timing_confidence="stated",
        timing_evidence="a 15:25 flash",
        date_confidence="approximate",
        external=True,
        expected_sign={"ALL": {"sign": "+", "reason": "support"}, "FUT": "ambiguous"},
        segment_overrides={"FUT": {"instruments": ["000852.SH"], "benchmark": None}},
        announcement_date="2024-04-12",
    )
    cat.add_user_measures([mine], "form")
    catalogue = cat.load_catalogue()
    stored = catalogue.set_index("id").loc["mine-full"]
    assert stored["event_session"] == pd.Timestamp("2024-04-15")
    assert stored["evidence_tier"] == "D" and stored["external"]
    rows, labels = cat.parse_measures_file(cat.export_yaml(catalogue).encode(), "export.yaml")
    again = cat.validate_measures(rows, "export.yaml", row_labels=labels)
    pd.testing.assert_frame_equal(_comparable(again), _comparable(catalogue))
    table = cat.export_table(catalogue).set_index("id")
    row = table.loc["mine-full"]
    assert (row["expected_sign"], row["external"], row["source_tier"]) == (
        "ALL:+; FUT:ambiguous",
        "true",
        "",
    )  # example.org is in no tier: never a link
    assert row["citation"].startswith("国务院《关于某事的意见》国发〔2024〕10号")


def test_candidate_sessions_for_unknown_timing():
    from data_sources.trading_calendar import candidate_sessions

    ts = pd.Timestamp
    assert candidate_sessions("2024-04-12", "unknown") == (ts("2024-04-12"), ts("2024-04-15"))
    assert candidate_sessions("2024-04-12", "after_close") == (ts("2024-04-15"),)
    assert candidate_sessions("2024-04-12", "intraday") == (ts("2024-04-12"),)
    assert candidate_sessions("2020-04-30", "unknown") == (ts("2020-04-30"), ts("2020-05-06"))
    assert candidate_sessions("2024-04-13", "unknown") == (ts("2024-04-15"),)  # a Saturday
    from data_sources.trading_calendar import event_session

    assert event_session("2024-04-12", "unknown") == ts("2024-04-12")  # t0 stays the day


def test_the_t3_label_says_what_the_task_says_and_holds():
    t3 = cat.themes().set_index("id").loc["T3"]
    communique = shared_path("reference", "csrc-2020-midyear-communique.txt").read_text("utf-8")
    assert "构建资本市场良好的可预期机制" in communique
    assert "可预期" in t3["name_zh"] and "稳定市场" in t3["name_zh"]
    assert "market-support" in t3["name_en"] and "expectation management" in t3["name_en"]
    assert t3["short_en"] == "Predictable market"
    assert "No intervention" not in cat.theme_short("T3") + cat.theme_label("T3")


def test_shipped_timing_follows_the_reference_release_hours():
    by_id = cat.shipped_catalogue().set_index("id")
    ts = pd.Timestamp
    expected = {
        "refinancing-rules-2020": ("after_close", "stated", ts("2020-02-17")),  # Friday evening
        "chinext-final-rules-2020": ("after_close", "stated", ts("2020-06-15")),  # late night
        "securities-law-in-force-2020": ("non_trading_day", "stated", ts("2020-03-02")),
        "broker-takeovers-2020": ("unknown", "unknown", ts("2020-07-17")),  # hour: tier E only
        "delisting-final-rules-2020": ("unknown", "unknown", ts("2020-12-31")),  # §8.2
        "reits-pilot-notice-2020": ("unknown", "unknown", ts("2020-04-30")),
        "bse-announced-2021": ("after_close", "stated", ts("2021-09-03")),  # 20:42 Beijing
        "fsdc-market-friendly-2022": ("intraday", "stated", ts("2022-03-16")),
    }
    for measure_id, (timing, confidence, t0) in expected.items():
        row = by_id.loc[measure_id]
        assert (row["timing"], row["timing_confidence"], row["event_session"]) == (
            timing,
            confidence,
            t0,
        ), measure_id
    unknown = by_id["timing"] == "unknown"
    assert (unknown == (by_id["timing_confidence"] == "unknown")).all()


def test_shipped_content_of_issue_13():
    by_id = cat.shipped_catalogue().set_index("id")
    assert (
        by_id.at["hfcaa-signed-2020", "external"]
        and by_id.at["pcaob-determination-2021", "external"]
    )
    assert not by_id.at["securities-law-2019", "external"]
    assert by_id.at["securities-law-in-force-2020", "citation"] == (
        "国务院办公厅《国务院办公厅关于贯彻实施修订后的证券法有关工作的通知》国办发〔2020〕5号，"
        "2020-02-29"
    )
    assert by_id.at["first-reits-registered-2021", "event_session"] == pd.Timestamp("2021-05-17")
    options = by_id.loc["csi300-options-2019"]
    assert cat.segment_override(options, "FUT") == (("000300.SH",), None)
    assert cat.expected_signs(by_id.loc["delisting-final-rules-2020"])["SMALL"][0] == "-"
    assert cat.expected_signs(by_id.loc["reits-pilot-notice-2020"])["INFRA"][0] == "+"
    for row in by_id.itertuples():  # every shipped segment carries a sign with its reason
        signs = cat.expected_signs(row)
        assert set(signs) == set(row.segments), row.Index
        assert all(reason for _, reason in signs.values()), row.Index
        if row.confidence == "verified":
            assert row.citation, row.Index


def test_a_long_citation_survives_the_csv_round_trip(data_dir):
    """A package of several documents (e.g. the 2023-02-17 rules) gives a citation longer than
    an ordinary field's 500 characters: its CSV export must re-import."""
    long_title = "关于" + "全面实行股票发行注册制" * 5 + "的规定"
    documents = [{**_DOCUMENT, "title_zh": long_title, "title_en": "x" * 120}] * 6
    cat.add_user_measures([_row(id="a-package", documents=documents)], "form")
    catalogue = cat.load_catalogue()
    assert len(catalogue.set_index("id").at["a-package", "citation_en"]) > cat.MAX_TEXT
    exported = csv_bytes(cat.export_table(catalogue), cat.export_metadata())
    rows, labels = cat.parse_measures_file(exported, "export.csv")
    again = cat.validate_measures(rows, "export.csv", row_labels=labels).set_index("id")
    assert (
        again.at["a-package", "citation_en"]
        == catalogue.set_index("id").at["a-package", "citation_en"]
    )
    with pytest.raises(cat.CatalogueError, match="'citation': longer than 2000 characters"):
        cat.validate_measures([_row(citation="x" * 2001)], "u.csv")
