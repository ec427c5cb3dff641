"""Source tiers (policy-events.md §7): which addresses may be linked, kept as reposts, or never
shown. Tier E is stored only as SHA-256 digests; no test names a tier-E host (the hostile host
used here is made up and patched into the digest set)."""

from __future__ import annotations

import hashlib
import re
import subprocess

import pytest
import yaml

from analysis.export import csv_bytes
from data_sources import catalogue as cat
from tests.conftest import PROJECT, shared_path

MEASURES_FILE = cat.CATALOGUE_DIR / "measures.yaml"
MADE_UP_SPAM_HOST = "spam.example"
_URL = re.compile(r"(?i)https?://[^\s<>\"'()\[\]`|,;*]+")


def _digest(host: str) -> str:
    return hashlib.sha256(host.encode("utf-8")).hexdigest()


@pytest.fixture
def spam_host(monkeypatch):
    """A made-up host patched into tier E (the real ones are never written in the project)."""
    digests = cat.tier_e_digests() | {_digest(MADE_UP_SPAM_HOST)}
    monkeypatch.setattr(cat, "tier_e_digests", lambda: digests)
    return MADE_UP_SPAM_HOST


def _reference_tier_e_hosts() -> set[str]:
    """Tier E of policy-events.md §7 plus the hosts §9 adds, read from ../shared at test time."""
    text = shared_path("reference", "policy-events.md").read_text("utf-8")
    line = next(row for row in text.splitlines() if row.startswith("| E "))
    hosts = {host.strip() for host in line.split("|")[3].split(",")}
    extra = re.search(r"E \(unrelated or hijacked hosts[^)]*\): (.*?), plus the §7 E list", text)
    assert extra, "§9's tier-E additions not found in the reference"
    return hosts | {host.strip() for host in extra.group(1).split(",")}


def _reference_tier_domains(tier: str) -> set[str]:
    text = shared_path("reference", "policy-events.md").read_text("utf-8")
    line = next(row for row in text.splitlines() if row.startswith(f"| {tier} "))
    cell = re.sub(r"\s*\([^)]*\)", "", line.split("|")[3])  # "sse.com.cn (www., …)"
    return {domain.strip() for domain in cell.split(",")}


def test_tier_e_is_the_reference_list_as_digests_only():
    hosts = _reference_tier_e_hosts()
    assert len(hosts) >= 29
    assert {_digest(host) for host in hosts} == set(cat.tier_e_digests())
    for host in hosts:
        assert cat.source_tier(f"https://{host}/a.html") == "E", "a listed host"
        assert cat.source_tier(f"https://www.{host.upper()}/b") == "E", "a subdomain"
    text = (cat.CATALOGUE_DIR / "source_tiers.yaml").read_text("utf-8").lower()
    assert not [host for host in hosts if host in text]  # not even in the comment


def test_tiers_a_to_d_hold_every_domain_of_section_7():
    for tier in "ABCD":
        for domain in _reference_tier_domains(tier):
            if domain == "sse.com.cn":
                assert cat.source_tier("http://english.sse.com.cn/x") == "A"
            assert cat.source_tier(f"https://{domain}/page") == tier, domain


@pytest.mark.parametrize(
    ("url", "tier"),
    [
        ("http://www.csrc.gov.cn/csrc_en/c102030/content.shtml", "A"),  # parent domain listed
        ("http://star.sse.com.cn/star/en/", "A"),
        ("https://global.chinadaily.com.cn/a/x.html", "B"),
        ("https://news.futunn.com/en/post/1", "C"),
        ("https://futunn.com/en/post/1", None),  # only the news subdomain is listed
        ("https://m.desk33.com/p-1.html", "D"),
        ("https://example.org/x", None),
        ("https://notcsrc.gov.cn/x", None),  # a suffix is not a parent domain
        ("not a url", None),
    ],
)
def test_source_tier_matches_the_host_or_a_parent_domain(url, tier):
    assert cat.source_tier(url) == tier


def test_every_shipped_address_is_in_tiers_a_to_d_and_in_its_place():
    rows = yaml.safe_load(MEASURES_FILE.read_text("utf-8"))
    for row in rows:
        if row.get("source_url"):
            assert cat.source_tier(row["source_url"]) in ("A", "B", "C"), row["id"]
        if row.get("evidence_url"):
            assert cat.source_tier(row["evidence_url"]) == "D", row["id"]
        for url in _URL.findall(yaml.safe_dump(row, allow_unicode=True, width=10_000)):
            assert cat.source_tier(url) in ("A", "B", "C", "D"), (row["id"], url)
    catalogue = cat.shipped_catalogue()
    assert set(catalogue["source_tier"]) <= {"A", "B", "C", ""}
    assert set(catalogue["evidence_tier"]) <= {"D", ""}
    linked = catalogue[catalogue["source_url"] != ""]
    assert (linked["source_tier"] != "").all()


def _tracked_files():
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=PROJECT, capture_output=True, check=True
    ).stdout.decode("utf-8", errors="replace")
    return [PROJECT / name for name in listed.split("\0") if name]


def test_no_tracked_file_holds_a_tier_e_address_or_name():
    files = _tracked_files()
    assert len(files) > 50  # the repository really was listed
    names = _reference_tier_e_hosts()
    offenders = []
    for path in files:
        if not path.is_file():
            continue
        text = path.read_bytes().decode("utf-8", errors="replace")
        for url in _URL.findall(text):
            if cat.source_tier(url) == "E":
                offenders.append(f"{path.relative_to(PROJECT)}: a tier-E address")
        lowered = text.lower()
        offenders += [f"{path.relative_to(PROJECT)} names {n}" for n in names if n in lowered]
    assert not offenders


def test_the_scan_finds_a_tier_e_address(spam_host, tmp_path):
    """The scan's own check: a made-up tier-E host in a URL is found."""
    text = f"see http://www.{spam_host}/page.html and https://ok.example/"
    assert [u for u in _URL.findall(text) if cat.source_tier(u) == "E"]


def test_the_export_holds_no_tier_e_address(data_dir):
    catalogue = cat.load_catalogue()
    exported = csv_bytes(cat.export_table(catalogue), cat.export_metadata()).decode("utf-8-sig")
    assert not [u for u in _URL.findall(exported) if cat.source_tier(u) in ("E", None)]


def _csv(url: str, field: str = "source_url") -> bytes:
    return (
        f"id,title_zh,title_en,announcement_date,theme,segments,{field},confidence\n"
        f"spam-source,标题,Title,2022-01-04,T2,ALL,{url},verified\n"
    ).encode()


@pytest.mark.parametrize("field", ["source_url", "evidence_url"])
def test_a_tier_e_address_in_a_user_file_is_refused_without_repeating_it(
    data_dir, spam_host, field
):
    for url in (
        f"http://{spam_host}/a.html",
        f"https://www.{spam_host}/b",
        f"https://{spam_host.upper()}/",
    ):
        rows, labels = cat.parse_measures_file(_csv(url, field), "spam.csv")
        with pytest.raises(cat.CatalogueError) as raised:
            cat.add_user_measures(rows, "spam.csv", row_labels=labels)
        (problem,) = raised.value.problems
        assert problem.startswith(f"line 2 (spam-source), field '{field}': the address is on")
        assert "tier E" in problem and "example" not in problem  # the host is never repeated
    assert not cat.user_measures_path().exists()


def test_a_tier_e_address_hidden_in_a_text_field_is_refused(spam_host):
    row = {
        "id": "hidden-spam",
        "title_zh": "标题",
        "title_en": "Title",
        "announcement_date": "2022-01-04",
        "theme": "T2",
        "confidence": "unverified",
        "note": f"see https://{spam_host}/x",
        "documents": [
            {"issuer_zh": "x", "title_zh": f"http://www.{spam_host}/y", "date": "2022-01-04"}
        ],
    }
    with pytest.raises(cat.CatalogueError) as raised:
        cat.validate_measures([row], "u.yaml")
    fields = sorted(p.split("field '")[1].split("'")[0] for p in raised.value.problems)
    assert fields == ["documents[1].title_zh", "note"]
    assert all("tier E" in p for p in raised.value.problems)
    assert spam_host not in str(raised.value)


def test_an_unclassified_user_address_is_kept_but_never_a_link():
    frame = cat.validate_measures(
        [
            {
                "id": "my-own",
                "title_zh": "标",
                "title_en": "T",
                "announcement_date": "2022-01-04",
                "theme": "T2",
                "source_url": "https://example.org/x",
                "evidence_url": "https://www.tellerreport.com/y",
                "confidence": "verified",
            }
        ],
        "u.yaml",
    )
    (row,) = frame.itertuples()
    assert row.source_url == "https://example.org/x" and row.source_tier == ""  # shown as text
    assert row.evidence_tier == "D"


@pytest.mark.parametrize(
    ("field", "url", "expected"),
    [
        ("source_url", "https://www.tellerreport.com/x", "is a tier-D repost"),
        ("source_url", "https://example.org/x", "is in no tier of source_tiers.yaml"),
        ("evidence_url", "http://english.sse.com.cn/x", "is tier A: an evidence_url is a tier-D"),
        ("evidence_url", "https://example.org/x", "is in no tier: an evidence_url is a tier-D"),
        ("note", "see https://example.org/x", "which is in no tier of source_tiers.yaml"),
    ],
)
def test_shipped_rows_link_only_tiers_a_to_c_and_keep_d_as_evidence(field, url, expected):
    row = yaml.safe_load(MEASURES_FILE.read_text("utf-8"))[1]  # a valid shipped row
    row[field] = url
    with pytest.raises(cat.CatalogueError) as raised:
        cat.validate_measures([row], "measures.yaml", origin="shipped")
    assert any(f"field '{field}'" in p and expected in p for p in raised.value.problems), (
        raised.value.problems
    )
    cat.validate_measures([row], "user.yaml", origin="user")  # a user's measure: accepted
