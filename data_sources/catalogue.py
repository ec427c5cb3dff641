"""The policy catalogue: dated, sourced, segment-mapped measures, with schema validation.

The shipped catalogue lives in ``catalogue/measures.yaml`` (themes and segments beside it); a
user's own measures live apart from it in ``<data dir>/catalogue/user_measures.yaml``. Each
measure gets its event session t0 from :func:`data_sources.trading_calendar.event_session`.
Validation collects *every* problem, each naming the row and the field, and nothing is added if
any is found (an import is all or nothing).

Limits (hostile or damaged files): a measures file to import is at most 4 MB
(:data:`MAX_IMPORT_BYTES`, checked before it is read), the user file at most 8 MB and 5,000
measures (:data:`MAX_USER_FILE_BYTES`, :data:`MAX_USER_MEASURES`); YAML anchors and aliases
(the "billion laughs") and nesting deeper than :data:`MAX_YAML_DEPTH` are refused; a field must be
text, a date or a list of codes (checked before anything is turned into text). A user file that
cannot be read as measures is named and left out, and blocks every write to it: it is never
overwritten. Every write keeps the previous file in ``catalogue/backups/`` (the last
:data:`MAX_BACKUPS`).

A measure's citation is its document(s) (``documents``: issuer, title, number, date, written as
the one-line ``citation``/``citation_en``); addresses are sorted into the tiers of
``catalogue/source_tiers.yaml`` (policy-events.md §7): only tiers A-C are links, tier D is kept as
``evidence_url`` (shown as text, "repost"), tier E is never accepted (kept only as SHA-256
digests, so no tier-E name appears in the project). Shipped measures must also give timing and
date confidence and an expected sign, with its reason, for every segment; a user's file may leave
them out. Nested fields (documents, expected_sign, segment_overrides) are checked like the rest:
shapes and types first, every problem named by row and field.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import hashlib
import io
import os
import re
import urllib.parse
import uuid
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml

from data_sources.config import data_dir
from data_sources.instruments import segment_table
from data_sources.locking import exclusive_lock
from data_sources.trading_calendar import (
    TIMINGS,
    CalendarError,
    all_sessions,
    event_session,
    next_session,
)

CATALOGUE_DIR = Path(__file__).with_name("catalogue")
CONFIDENCE_LEVELS = ("verified", "unverified")
#: Fields a measure file may set. Everything else (event_session, task, origin and the CSV
#: metadata columns) is derived, and ignored on import.
INPUT_FIELDS = [
    "id", "title_zh", "title_en", "announcement_date", "effective_date", "latest_date",
    "timing", "theme", "secondary_themes", "segments", "key_phrase", "source_url",
    "confidence", "context", "note",
    # issue 13: the document citation, link tiers, timing and date confidence, signs, overrides
    "documents", "citation", "citation_en", "evidence_url", "timing_confidence",
    "timing_evidence", "date_confidence", "external", "expected_sign", "segment_overrides",
]  # fmt: skip
#: Derived per measure: the tier of source_url (A/B/C, or "" when it may not be linked) and of
#: evidence_url ("D" for a repost, "" otherwise).
CATALOGUE_COLUMNS = [
    *INPUT_FIELDS,
    "source_tier",
    "evidence_tier",
    "event_session",
    "task",
    "origin",
]
#: Also accepted in a file and ignored: derived columns of an export, its metadata columns, and
#: ``ref`` (the row of ../shared/reference/policy-events.md a shipped measure comes from).
_IGNORED_FIELDS = {
    "event_session", "task", "origin", "ref", "method", "data_mode", "data_vintage",
    "source_tier", "evidence_tier",
}  # fmt: skip
#: CSV export columns, lists joined with ";" (the contract of ``catalogue export``: the first
#: eighteen are the columns of earlier versions, in their order).
EXPORT_COLUMNS = [
    "id", "title_zh", "title_en", "announcement_date", "effective_date", "timing",
    "event_session", "theme", "secondary_themes", "segments", "source_url", "confidence",
    "task", "key_phrase", "latest_date", "context", "note", "origin",
    "citation", "citation_en", "evidence_url", "source_tier", "timing_confidence",
    "timing_evidence", "date_confidence", "external", "expected_sign",
]  # fmt: skip
TIMING_CONFIDENCE = ("stated", "inferred", "unknown")
DATE_CONFIDENCE = ("verified", "approximate", "unverified")
#: An expected response: up, down, or either (theory cuts both ways).
SIGNS = ("+", "-", "ambiguous")
_SIGN_SPELLINGS = {"+": "+", "-": "-", "\u2212": "-", "ambiguous": "ambiguous", "±": "ambiguous"}
#: A document's fields; ``kind: event`` marks a meeting, ceremony, listing, court step or
#: statement (no document: its title is a description, cited without 《》).
DOCUMENT_FIELDS = ("issuer_zh", "issuer_en", "title_zh", "title_en", "number", "date", "kind")
DOCUMENT_KINDS = ("document", "event")
MAX_DOCUMENTS = 10
#: A segment override that keeps the segment's own benchmark (see :func:`segment_override`).
#: Compare with ``==`` (a value, so it survives copying and pickling).
MISSING = "<segment default>"
LINK_TIERS = ("A", "B", "C")
USER_FILE_NAME = "user_measures.yaml"
BACKUP_DIR_NAME = "backups"
MAX_BACKUPS = 10
MAX_TEXT = 500
#: One-line citations join every document of a measure (up to MAX_DOCUMENTS), so they may be
#: longer than other fields (a CSV export carries them as text and must re-import).
_TEXT_LIMITS = {"citation": 2000, "citation_en": 2000}
MAX_IMPORT_BYTES = 4_000_000
MAX_USER_FILE_BYTES = 8_000_000
MAX_USER_MEASURES = 5_000
MAX_YAML_DEPTH = 10
#: pandas stores dates as nanoseconds, which end on 2262-04-11: later dates cannot be held.
FIRST_DATE, LAST_DATE = pd.Timestamp("1900-01-01"), pd.Timestamp("2261-12-31")
_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{2,79}$")
#: Control characters: C0 (but tab and line feed), DEL, C1 (but NEL, a line break) and the
#: bidirectional embeddings, overrides, isolates and marks, which make text shown differ from
#: what it is (a "Trojan Source" issuer or title).
_CONTROL = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f\x80-\x84\x86-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)
#: Line breaks: refused in one-line fields (everything but the note).
_LINE_BREAK = re.compile(r"[\n\r\x85\u2028\u2029]")
_MULTILINE_FIELDS = {"note"}
#: What a source URL may contain: RFC 3986 unreserved and reserved characters less ( ) [ ] '
#: which end a markdown link or image, plus %XX escapes. Anything else must be percent-encoded.
_URL_CHARACTERS = re.compile(r"^[A-Za-z0-9\-._~:/?#@!$&*+,;=%]+$")
_HOST_PATTERN = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*$")
_DATE_COLUMNS = ("announcement_date", "effective_date", "latest_date", "event_session")


class CatalogueError(ValueError):
    """Every validation problem of a catalogue file, one line each."""

    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = problems
        more = f" (and {len(problems) - 10} more)" if len(problems) > 10 else ""
        super().__init__(f"{source}: " + "; ".join(problems[:10]) + more)


class UserFileError(CatalogueError):
    """The user's measures file cannot be read as measures: it is left out, and nothing is
    written to it until it is fixed or moved aside (each problem names the file)."""


# -- source addresses ----------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _tier_file() -> tuple[dict[str, str], frozenset[str]]:
    """``source_tiers.yaml``: ``{listed domain: tier A-D}`` and the tier-E digests."""
    tiers = yaml.load((CATALOGUE_DIR / "source_tiers.yaml").read_text("utf-8"), Loader=_YAML_LOADER)
    domains = {
        str(domain).lower(): tier for tier in "ABCD" for domain in tiers[f"tier_{tier.lower()}"]
    }
    return domains, frozenset(str(digest).lower() for digest in tiers["tier_e_sha256"])


def tier_e_digests() -> frozenset[str]:
    """SHA-256 digests (hex) of the tier-E host names (policy-events.md §7): the names
    themselves are kept nowhere in the project."""
    return _tier_file()[1]


def _domains_of(host: str) -> list[str]:
    """``a.b.example.com`` → itself and every parent domain, longest first."""
    labels = host.lower().rstrip(".").split(".")
    return [".".join(labels[start:]) for start in range(len(labels))]


def is_tier_e_host(host: str) -> bool:
    """Whether ``host`` or a parent domain of it hashes into the tier-E set."""
    digests = tier_e_digests()
    return any(
        hashlib.sha256(domain.encode("utf-8")).hexdigest() in digests
        for domain in _domains_of(host)
    )


def host_tier(host: str) -> str | None:
    """The tier of a host name: "E", else the tier of its longest listed domain (A-D), else
    None (in no tier)."""
    if not host:
        return None
    if is_tier_e_host(host):
        return "E"
    domains = _tier_file()[0]
    return next((domains[d] for d in _domains_of(host) if d in domains), None)


def source_tier(url: str) -> str | None:
    """The tier ("A".."D", "E") of an address's host (policy-events.md §7), or None when the
    host is in no tier or the text is not an address."""
    try:
        host = urllib.parse.urlsplit(str(url).strip()).hostname or ""
    except ValueError:
        return None
    return host_tier(host)


#: Addresses inside free text (titles, notes, evidence): each is checked like a source URL.
_URL_IN_TEXT = re.compile(r"(?i)\bhttps?://[^\s<>\"'()\[\]（）【】，。；、]+")


def source_url_problem(url: str) -> str | None:
    """Why ``url`` is not a clean http(s) address that may be shown, or None if it is.

    Clean: scheme http or https, a host name, no user name or password, no spaces, control
    characters, quotes, brackets or parentheses (anything that could end a markdown link or an
    HTML attribute must be percent-encoded), and not on a tier-E domain.
    """
    if not re.match(r"^https?://", url, re.IGNORECASE):
        return "is not an http(s) URL (it must start with http:// or https://)"
    if not _URL_CHARACTERS.match(url):
        bad = next(c for c in url if not _URL_CHARACTERS.match(c))
        return (
            f"contains {bad!r} (U+{ord(bad):04X}), which is not allowed in a source URL: "
            "percent-encode it (e.g. a space as %20)"
        )
    if re.search(r"%(?![0-9A-Fa-f]{2})", url):
        return "has a '%' that is not followed by two hex digits"
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError for a port that is not a number in range)
    except ValueError as error:
        return f"cannot be read as a URL ({error})"
    if parts.scheme.lower() not in ("http", "https"):
        return "is not an http(s) URL"
    if "@" in parts.netloc:
        return "has a user name or password before the host (not allowed in a source URL)"
    host = (parts.hostname or "").rstrip(".")
    if not host or not _HOST_PATTERN.match(host):
        return "has no valid host name"
    if is_tier_e_host(host):  # the address itself is not repeated: it is never displayed
        return (
            "is on a domain whose pages may not be shown as sources (hijacked or spam, "
            "policy-events.md §7 tier E): cite an official or news page instead"
        )
    return None


# -- vocabularies --------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def themes() -> pd.DataFrame:
    """The nine communiqué tasks: id (T1..T9), short_en, task, name_zh, name_en, key_phrase."""
    return pd.DataFrame(
        yaml.load((CATALOGUE_DIR / "themes.yaml").read_text("utf-8"), Loader=_YAML_LOADER)
    )


def segments() -> pd.DataFrame:
    """The segment vocabulary: id, name_zh, name_en, instruments, benchmark, note."""
    return segment_table()


@lru_cache(maxsize=1)
def _theme_rows() -> dict[str, dict]:
    """``{theme id: its row}``: labels are asked for per option and per chart trace, and
    re-indexing the frame for each label was a fifth of drawing the Overview chart."""
    return themes().set_index("id").to_dict("index")


def theme_label(theme_id: str, language: str = "en") -> str:
    """``"T4 Zero tolerance — fraud enforcement, class actions"`` (or the Chinese name)."""
    row = _theme_rows()[theme_id]
    return f"{theme_id} {row['name_zh'] if language == 'zh' else row['name_en']}"


def theme_short(theme_id: str, language: str = "en") -> str:
    """``"T4 Zero tolerance"``: for narrow table columns (in Chinese the task's name, which
    has no shorter form)."""
    row = _theme_rows()[theme_id]
    return f"{theme_id} {row['name_zh'] if language == 'zh' else row['short_en']}"


# -- validation ----------------------------------------------------------------------------------
_SCALARS = (str, int, float, bool, dt.date)


def _kind(value) -> str:
    """What a value is, for messages (never its text: it may be huge)."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple | set):
        return "a list"
    name = type(value).__name__
    return f"{'an' if name[0] in 'aeiou' else 'a'} {name}"


def _huge_int(value) -> bool:
    """An integer too long to be a field (and too long for ``str()``, which refuses 4,300+
    digits): checked by its size in bits, before any conversion."""
    return isinstance(value, int) and value.bit_length() > 4 * MAX_TEXT


def _text(
    row: dict, field: str, where: str, problems: list[str], required: bool, label: str = ""
) -> str:
    """A one-line (or, for the note, multi-line) text field of ``row``; ``label`` names a
    nested field in messages (``documents[1].title_zh``)."""
    value = row.get(field)
    limit = _TEXT_LIMITS.get(field, MAX_TEXT)
    field = label or field
    if value is not None and not isinstance(value, _SCALARS):
        problems.append(f"{where}, field '{field}': must be text, not {_kind(value)}")
        return ""
    if (isinstance(value, str) and len(value) > 4 * limit) or _huge_int(value):
        problems.append(f"{where}, field '{field}': longer than {limit} characters")
        return ""
    text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
    text = text.strip()
    if field in _MULTILINE_FIELDS:
        text = text.replace("\r\n", "\n")  # a Windows line end is a line break, not a control
    if required and not text:
        problems.append(f"{where}, field '{field}': missing")
    elif field not in _MULTILINE_FIELDS and _LINE_BREAK.search(text):
        problems.append(f"{where}, field '{field}': contains a line break (one line only)")
    elif _CONTROL.search(text):
        problems.append(f"{where}, field '{field}': contains control characters")
    elif len(text) > limit:
        problems.append(f"{where}, field '{field}': longer than {limit} characters")
    return text


def _date(value, field: str, where: str, problems: list[str], required: bool):
    if value is None or value == "" or (isinstance(value, float) and pd.isna(value)):
        if required:
            problems.append(f"{where}, field '{field}': missing")
        return pd.NaT
    if isinstance(value, dt.date):
        day = dt.date(value.year, value.month, value.day)
    elif isinstance(value, str | int) and not _huge_int(value):
        text = str(value).strip()
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            problems.append(f"{where}, field '{field}': {text[:40]!r} is not a YYYY-MM-DD date")
            return pd.NaT
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            problems.append(f"{where}, field '{field}': {text!r} is not a real date")
            return pd.NaT
    else:
        problems.append(f"{where}, field '{field}': must be a YYYY-MM-DD date, not {_kind(value)}")
        return pd.NaT
    if not FIRST_DATE.date() <= day <= LAST_DATE.date():
        problems.append(
            f"{where}, field '{field}': {day:%Y-%m-%d} is outside the dates the app can hold "
            f"({FIRST_DATE:%Y-%m-%d} to {LAST_DATE:%Y-%m-%d})"
        )
        return pd.NaT
    return pd.Timestamp(day)


def _codes(value) -> list[str]:
    """Codes from a list or from text separated by ``;``, ``,`` or ``|`` (callers check the
    shape first with :func:`_codes_problem`)."""
    if value is None or value == "" or (isinstance(value, float) and pd.isna(value)):
        return []
    if isinstance(value, str):
        return [part.strip() for part in re.split(r"[;,|]", value) if part.strip()]
    if isinstance(value, list | tuple):
        return [str(part).strip() for part in value]
    return [str(value).strip()]


def _codes_problem(value) -> str | None:
    if isinstance(value, list | tuple):
        if len(value) > 50:
            return f"more than 50 codes ({len(value)})"
        if any(not isinstance(part, str | int) or _huge_int(part) for part in value):
            return "must be a list of codes (text), not a list holding lists or mappings"
        return None
    if isinstance(value, str) and len(value) > MAX_TEXT:
        return f"longer than {MAX_TEXT} characters"
    if _huge_int(value) or (value is not None and not isinstance(value, str | int | float)):
        return f"must be a list of codes, not {_kind(value)}"
    return None


#: What a yes/no field may hold (as text, lower case): anything else is refused, not read as no.
_FLAG_WORDS = {"true", "1", "yes", "y", "false", "0", "no", "n"}


def _flag(value) -> bool:
    if isinstance(value, bool):
        return value
    if not isinstance(value, str | int | float) or _huge_int(value):
        return False
    return str(value).strip().lower() in {"true", "1", "yes", "y"}


def _key_name(key) -> str:
    """A mapping key for a message (never a huge or non-text key's text)."""
    if isinstance(key, str | int | float | bool) and not _huge_int(key):
        return repr(str(key)[:40])
    return _kind(key)


def _empty(value) -> bool:
    return (
        value is None
        or (isinstance(value, str | list | dict | tuple) and not value)
        or (isinstance(value, float) and pd.isna(value))
    )


def _strip_brackets(title: str) -> str:
    """A title is stored without its 《》 (the citation adds them)."""
    if title.startswith("《") and title.endswith("》"):
        return title[1:-1].strip()
    return title


def _documents(value, where: str, problems: list[str]) -> tuple:
    """``documents``: a list of mappings (issuer, title, number, date) → a tuple of tuples of
    (field, text) pairs (hashable: Streamlit caches hash the catalogue)."""
    if _empty(value):
        return ()
    if not isinstance(value, list):
        problems.append(
            f"{where}, field 'documents': must be a list of documents (issuer_zh, title_zh, "
            f"number, date), not {_kind(value)}"
        )
        return ()
    if len(value) > MAX_DOCUMENTS:
        problems.append(f"{where}, field 'documents': more than {MAX_DOCUMENTS} documents")
        return ()
    documents = []
    for number, document in enumerate(value, start=1):
        label = f"documents[{number}]"
        if not isinstance(document, dict):
            problems.append(f"{where}, field '{label}': must be a mapping, not {_kind(document)}")
            continue
        unknown = sorted(_key_name(key) for key in document if key not in DOCUMENT_FIELDS)
        for key in unknown[:5]:
            problems.append(
                f"{where}, field '{label}': {key} is not a document field "
                f"({', '.join(DOCUMENT_FIELDS)})"
            )
        texts = {
            key: _text(document, key, where, problems, key == "issuer_zh", f"{label}.{key}")
            for key in ("issuer_zh", "issuer_en", "title_zh", "title_en", "number")
        }
        texts["title_zh"] = _strip_brackets(texts["title_zh"])
        kind = _text(document, "kind", where, problems, False, f"{label}.kind")
        if kind and kind not in DOCUMENT_KINDS:
            problems.append(
                f"{where}, field '{label}.kind': {kind[:40]!r} is not one of "
                f"{', '.join(DOCUMENT_KINDS)}"
            )
        if kind == "event":
            texts["kind"] = "event"
        if not texts["title_zh"] and not texts["title_en"]:
            problems.append(f"{where}, field '{label}': needs a title_zh or a title_en")
        day = _date(document.get("date"), f"{label}.date", where, problems, True)
        pairs = [(key, text) for key, text in texts.items() if text]
        if pd.notna(day):
            pairs.append(("date", f"{day:%Y-%m-%d}"))
        documents.append(tuple(pairs))
    return tuple(documents)


def _citations(documents: tuple) -> tuple[str, str]:
    """The one-line citations (Chinese, English) of a measure's documents."""
    chinese, english = [], []
    for pairs in documents:
        document = dict(pairs)
        number, day = document.get("number", ""), document.get("date", "")
        event = document.get("kind") == "event"
        title_zh = document.get("title_zh", "")
        if title_zh and not event:
            title_zh = f"《{title_zh}》"
        zh_title = f"：{title_zh}" if event and title_zh else title_zh
        zh_title = zh_title or f" {document.get('title_en', '')}"
        issuer_zh = document.get("issuer_zh", "")  # (missing only in a row being refused)
        chinese.append(f"{issuer_zh}{zh_title}{number}" + (f"，{day}" if day else ""))
        en_title = document.get("title_en") or title_zh
        issuer = document.get("issuer_en") or issuer_zh
        english.append(
            f"{issuer}, {en_title}"
            + (f" ({number})" if number else "")
            + (f", {day}" if day else "")
        )
    return "；".join(chinese), "; ".join(english)


def _sign_specs(value, where: str, problems: list[str]) -> dict | None:
    """``expected_sign`` as ``{segment: spec}``: a mapping, or text ``"ALL:+; SMALL:-"``."""
    if isinstance(value, str):
        if len(value) > MAX_TEXT:
            problems.append(f"{where}, field 'expected_sign': longer than {MAX_TEXT} characters")
            return None
        specs = {}
        for part in (p.strip() for p in re.split(r"[;；]", value) if p.strip()):
            segment, colon, sign = part.partition(":")
            if not colon:
                problems.append(
                    f"{where}, field 'expected_sign': {part[:40]!r} is not SEGMENT:SIGN "
                    "(e.g. ALL:+; SMALL:-)"
                )
                continue
            specs[segment.strip()] = sign.strip()
        return specs
    if not isinstance(value, dict):
        problems.append(
            f"{where}, field 'expected_sign': must map segments to a sign and a reason, "
            f"not {_kind(value)}"
        )
        return None
    return value


def _is_segment_of(key, field: str, where: str, problems: list[str], segment_codes) -> bool:
    """Whether a per-segment field's key is one of the measure's segments (else a problem)."""
    if isinstance(key, str) and key in segment_codes:
        return True
    problems.append(
        f"{where}, field '{field}': {_key_name(key)} is not one of the measure's segments "
        f"({', '.join(segment_codes) or 'none'})"
    )
    return False


def _unknown_keys(spec: dict, allowed: tuple[str, str], where, label, problems) -> None:
    """A problem for each of (at most five) keys of ``spec`` outside ``allowed``."""
    for extra in sorted(_key_name(k) for k in spec if k not in allowed)[:5]:
        problems.append(f"{where}, field '{label}': {extra} is not {allowed[0]} or {allowed[1]}")


def _expected_signs(value, where: str, problems: list[str], segment_codes: list[str]) -> tuple:
    """``expected_sign`` → a tuple of (segment, sign, reason) in the measure's segment order."""
    if _empty(value):
        return ()
    specs = _sign_specs(value, where, problems)
    if specs is None:
        return ()
    if len(specs) > 50:
        problems.append(f"{where}, field 'expected_sign': more than 50 segments ({len(specs)})")
        return ()
    found = {}
    for key, spec in specs.items():
        if not _is_segment_of(key, "expected_sign", where, problems, segment_codes):
            continue
        label = f"expected_sign.{key}"
        reason = ""
        if isinstance(spec, dict):
            _unknown_keys(spec, ("sign", "reason"), where, label, problems)
            sign = _text(spec, "sign", where, problems, True, f"{label}.sign")
            reason = _text(spec, "reason", where, problems, False, f"{label}.reason")
        else:
            sign = _text({"sign": spec}, "sign", where, problems, True, f"{label}.sign")
        if sign and _SIGN_SPELLINGS.get(sign.lower()) is None:
            problems.append(
                f"{where}, field '{label}.sign': {sign[:40]!r} is not one of {', '.join(SIGNS)}"
            )
            continue
        if sign:
            found[key] = (key, _SIGN_SPELLINGS[sign.lower()], reason)
    return tuple(found[code] for code in segment_codes if code in found)


def _segment_overrides(value, where: str, problems: list[str], segment_codes: list[str]) -> tuple:
    """``segment_overrides`` → a tuple of (segment, instruments tuple or None, benchmark symbol,
    None for a market-wide rule, or MISSING to keep the segment's)."""
    if _empty(value):
        return ()
    if not isinstance(value, dict):
        problems.append(
            f"{where}, field 'segment_overrides': must map segments to instruments and/or a "
            f"benchmark (a YAML mapping), not {_kind(value)}"
        )
        return ()
    if len(value) > 50:
        problems.append(f"{where}, field 'segment_overrides': more than 50 segments")
        return ()
    from data_sources.instruments import registry

    symbols = set(registry())
    overrides = {}
    for key, spec in value.items():
        if not _is_segment_of(key, "segment_overrides", where, problems, segment_codes):
            continue
        label = f"segment_overrides.{key}"
        if not isinstance(spec, dict):
            problems.append(
                f"{where}, field '{label}': must be a mapping (instruments, benchmark), "
                f"not {_kind(spec)}"
            )
            continue
        _unknown_keys(spec, ("instruments", "benchmark"), where, label, problems)
        if "instruments" not in spec and "benchmark" not in spec:
            problems.append(f"{where}, field '{label}': sets neither instruments nor benchmark")
            continue
        instruments = None
        if "instruments" in spec:
            shape = _codes_problem(spec["instruments"])
            if shape:
                problems.append(f"{where}, field '{label}.instruments': {shape}")
                continue
            instruments = tuple(_codes(spec["instruments"]))
            if not instruments:
                problems.append(f"{where}, field '{label}.instruments': empty")
            for code in instruments:
                if code not in symbols:
                    problems.append(
                        f"{where}, field '{label}.instruments': unknown instrument {code[:40]!r} "
                        "(not in data_sources/instruments.yaml)"
                    )
        benchmark = MISSING
        if "benchmark" in spec:
            raw = spec["benchmark"]
            if raw is None or (isinstance(raw, str) and raw.strip().lower() in ("", "null")):
                benchmark = None
            else:
                benchmark = _text(spec, "benchmark", where, problems, True, f"{label}.benchmark")
                if benchmark and benchmark not in symbols:
                    problems.append(
                        f"{where}, field '{label}.benchmark': unknown instrument "
                        f"{benchmark[:40]!r} (not in data_sources/instruments.yaml)"
                    )
        overrides[key] = (key, instruments, benchmark)
    return tuple(overrides[code] for code in segment_codes if code in overrides)


def _choice(row: dict, field: str, where: str, problems: list[str], allowed, default: str) -> str:
    text = _text(row, field, where, problems, False)
    if not text:
        return default
    if text not in allowed:
        problems.append(
            f"{where}, field '{field}': {text[:40]!r} is not one of {', '.join(allowed)}"
        )
    return text


def _address_problems(
    row: dict, where: str, problems: list[str], shipped: bool
) -> tuple[str, str, str, str]:
    """source_url and evidence_url, their tiers, and every address inside a text field.

    Shipped: source_url tier A-C (a link), evidence_url tier D (a repost, shown as text), and
    any address anywhere in tier A-D. A user's measure: tier E is refused (never repeating the
    address); an address in no tier is kept but never linked (its tier is "")."""
    urls = {}
    for field in ("source_url", "evidence_url"):
        url = _text(row, field, where, problems, False)
        if url and (reason := source_url_problem(url)):
            shown = "the address" if "tier E" in reason else repr(url[:60])
            problems.append(f"{where}, field '{field}': {shown} {reason}")
            url = ""
        urls[field] = url
    source_url, evidence_url = urls["source_url"], urls["evidence_url"]
    tiers = {field: (source_tier(url) if url else None) for field, url in urls.items()}
    if shipped and source_url and tiers["source_url"] not in LINK_TIERS:
        if tiers["source_url"] == "D":
            problems.append(
                f"{where}, field 'source_url': {source_url[:60]!r} is a tier-D repost "
                "(policy-events.md §7): keep it as evidence_url; a source_url must be tier "
                "A, B or C"
            )
        else:
            problems.append(
                f"{where}, field 'source_url': {source_url[:60]!r} is in no tier of "
                "source_tiers.yaml (policy-events.md §7): a source_url must be tier A, B or C"
            )
    if shipped and evidence_url and tiers["evidence_url"] != "D":
        problems.append(
            f"{where}, field 'evidence_url': {evidence_url[:60]!r} is "
            + (f"tier {tiers['evidence_url']}" if tiers["evidence_url"] else "in no tier")
            + ": an evidence_url is a tier-D repost (tier A-C addresses belong in source_url)"
        )
    for field, value in _texts_of(row):
        for match in _URL_IN_TEXT.finditer(value):
            tier = source_tier(match.group(0))
            if tier == "E":
                problems.append(
                    f"{where}, field '{field}': holds an address on a domain whose pages may not "
                    "be shown (hijacked or spam, policy-events.md §7 tier E): remove it"
                )
            elif shipped and tier is None:
                problems.append(
                    f"{where}, field '{field}': holds {match.group(0)[:60]!r}, which is in no "
                    "tier of source_tiers.yaml (policy-events.md §7)"
                )
    source = tiers["source_url"] if tiers["source_url"] in LINK_TIERS else ""
    evidence = "D" if tiers["evidence_url"] == "D" else ""
    return source_url, evidence_url, source or "", evidence


def _texts_of(row: dict, prefix: str = "", depth: int = 0) -> Iterator[tuple[str, str]]:
    """Every text value in a row (nested ones too) but the two address fields, with its field
    name: addresses hidden in titles, notes or documents are checked as well."""
    if depth > MAX_YAML_DEPTH:
        return
    items = row.items() if isinstance(row, dict) else enumerate(row, start=1)
    for key, value in items:
        if isinstance(row, list):
            name = f"{prefix.removesuffix('.')}[{key}]"  # documents[1]
        else:
            name = f"{prefix}{key[:40]}" if isinstance(key, str) else f"{prefix}(a key)"
        if depth == 0 and key in ("source_url", "evidence_url"):
            continue
        if isinstance(value, str) and len(value) <= 4 * MAX_TEXT:
            yield name, value
        elif isinstance(value, dict | list) and (not isinstance(value, list) or len(value) <= 50):
            yield from _texts_of(value, name + ".", depth + 1)


def validate_measures(
    rows: list, source: str, *, existing_ids=(), row_labels=None, origin: str = "user"
) -> pd.DataFrame:
    """Validate raw measure records and return catalogue rows, or raise CatalogueError.

    ``origin="shipped"`` applies the shipped catalogue's stricter rules: source_url tier A-C,
    evidence_url tier D, every address in a tier, documents for a verified measure, an
    expected sign with its reason for every segment, timing and date confidence given, and
    ``non_trading_day`` exactly when the date is not a session.

    ``existing_ids`` are ids already in the catalogue (a new row may not reuse one);
    ``row_labels`` names each row in messages (default ``row 1``, ``row 2``, …).
    """
    if not isinstance(rows, list):
        raise CatalogueError(source, ["the file must hold a list of measures"])
    theme_ids = set(themes()["id"])
    segment_ids = set(segments()["id"])
    sessions = None  # the calendar, looked up once for every row (it checks the store)
    existing = set(existing_ids)
    shipped = origin == "shipped"
    labels = row_labels or [f"row {n}" for n in range(1, len(rows) + 1)]
    problems: list[str] = []
    records = []
    seen: dict[str, str] = {}
    for label, row in zip(labels, rows, strict=True):
        if not isinstance(row, dict):
            problems.append(f"{label}: not a mapping of fields")
            continue
        unknown = sorted(
            str(key)[:40]
            if isinstance(key, str | int | float | bool) and not _huge_int(key)
            else _kind(key)
            for key in row
            if key not in INPUT_FIELDS and key not in _IGNORED_FIELDS
        )
        for key in unknown[:5]:
            problems.append(
                f"{label}, field {key!r}: not a known field (fields: {', '.join(INPUT_FIELDS)})"
            )
        measure_id = _text(row, "id", label, problems, True)
        if measure_id and not _ID_PATTERN.match(measure_id):
            problems.append(
                f"{label}, field 'id': {measure_id[:40]!r} must be 3-80 lower-case "
                "letters, digits or '-'"
            )
        elif measure_id in seen:
            problems.append(f"{label}, field 'id': {measure_id!r} duplicates {seen[measure_id]}")
        elif measure_id in existing:
            problems.append(f"{label}, field 'id': {measure_id!r} is already in the catalogue")
        elif measure_id:
            seen[measure_id] = label
        where = f"{label} ({measure_id})" if measure_id else label
        title_zh = _text(row, "title_zh", where, problems, True)
        title_en = _text(row, "title_en", where, problems, True)
        announced = _date(row.get("announcement_date"), "announcement_date", where, problems, True)
        effective = _date(row.get("effective_date"), "effective_date", where, problems, False)
        latest = _date(row.get("latest_date"), "latest_date", where, problems, False)
        for name, value in (("effective_date", effective), ("latest_date", latest)):
            if pd.notna(value) and pd.notna(announced) and value < announced:
                problems.append(
                    f"{where}, field '{name}': {value:%Y-%m-%d} is before the "
                    f"announcement date {announced:%Y-%m-%d}"
                )
        timing = _text(row, "timing", where, problems, False) or "unknown"
        if timing not in TIMINGS:
            problems.append(
                f"{where}, field 'timing': {timing[:40]!r} is not one of {', '.join(TIMINGS)}"
            )
        theme = _text(row, "theme", where, problems, True)
        if theme and theme not in theme_ids:
            problems.append(f"{where}, field 'theme': {theme[:40]!r} is not one of T1..T9")
        for field in ("secondary_themes", "segments"):
            shape = _codes_problem(row.get(field))
            if shape:
                problems.append(f"{where}, field '{field}': {shape}")
        secondary = (
            []
            if _codes_problem(row.get("secondary_themes"))
            else _codes(row.get("secondary_themes"))
        )
        for code in secondary:
            if code not in theme_ids:
                problems.append(f"{where}, field 'secondary_themes': unknown theme {code[:40]!r}")
        segment_codes = [] if _codes_problem(row.get("segments")) else _codes(row.get("segments"))
        for code in segment_codes:
            if code not in segment_ids:
                problems.append(f"{where}, field 'segments': unknown segment {code[:40]!r}")
        confidence = _text(row, "confidence", where, problems, True)
        if confidence and confidence not in CONFIDENCE_LEVELS:
            problems.append(
                f"{where}, field 'confidence': {confidence[:40]!r} must be verified or unverified"
            )
        source_url, evidence_url, tier, evidence_tier = _address_problems(
            row, where, problems, shipped
        )
        given = not (_empty(row.get("source_url")) and _empty(row.get("evidence_url")))
        if confidence == "verified" and not given:  # (a refused address is named above)
            problems.append(
                f"{where}, field 'source_url': missing (a verified measure needs its source)"
            )
        documents = _documents(row.get("documents"), where, problems)
        citation = _text(row, "citation", where, problems, False)
        citation_en = _text(row, "citation_en", where, problems, False)
        if documents:
            if citation or citation_en:
                problems.append(
                    f"{where}, field 'citation': give documents or a citation, not both (the "
                    "citation is written from the documents)"
                )
            citation, citation_en = _citations(documents)
            longest = max(len(citation), len(citation_en))
            if longest > _TEXT_LIMITS["citation"]:  # the CSV export could not carry it back
                problems.append(
                    f"{where}, field 'documents': their citation is {longest:,} characters, "
                    f"more than {_TEXT_LIMITS['citation']} (shorten titles or issuers, or cite "
                    "fewer documents)"
                )
        elif citation and not citation_en:
            citation_en = citation
        if shipped and confidence == "verified" and not documents:
            problems.append(
                f"{where}, field 'documents': missing (a verified shipped measure cites its "
                "document(s) or the event: issuer, title, date)"
            )
        signs = _expected_signs(row.get("expected_sign"), where, problems, segment_codes)
        if shipped:
            given = {segment: reason for segment, _, reason in signs}
            for code in segment_codes:
                if code not in given:
                    problems.append(
                        f"{where}, field 'expected_sign': no sign for segment {code} (every "
                        "segment of a shipped measure needs one, with its reason)"
                    )
                elif not given[code]:
                    problems.append(
                        f"{where}, field 'expected_sign.{code}.reason': missing (say why)"
                    )
        overrides = _segment_overrides(row.get("segment_overrides"), where, problems, segment_codes)
        timing_confidence = _choice(
            row, "timing_confidence", where, problems, TIMING_CONFIDENCE, ""
        )
        if not timing_confidence:
            if shipped:
                problems.append(f"{where}, field 'timing_confidence': missing")
            timing_confidence = "unknown" if timing == "unknown" else "inferred"
        if (
            timing in TIMINGS
            and timing_confidence in TIMING_CONFIDENCE
            and (timing == "unknown") != (timing_confidence == "unknown")
        ):
            problems.append(
                f"{where}, field 'timing_confidence': {timing_confidence!r} does not fit timing "
                f"{timing!r} (timing unknown goes with timing_confidence unknown, and only then)"
            )
        date_confidence = _choice(row, "date_confidence", where, problems, DATE_CONFIDENCE, "")
        if not date_confidence:
            if shipped:
                problems.append(f"{where}, field 'date_confidence': missing")
            date_confidence = "verified" if confidence == "verified" else "unverified"
        if confidence == "verified" and date_confidence == "unverified":
            problems.append(
                f"{where}, field 'date_confidence': unverified, but the measure's confidence "
                "is verified (a study would use a date no source confirms)"
            )
        external = row.get("external")
        if external is not None and (not isinstance(external, _SCALARS) or _huge_int(external)):
            problems.append(
                f"{where}, field 'external': must be true or false, not {_kind(external)}"
            )
            external = False
        elif not _empty(external) and str(external).strip().lower() not in _FLAG_WORDS:
            problems.append(
                f"{where}, field 'external': {str(external)[:40]!r} must be true or false"
            )
            external = False
        session = pd.NaT
        if pd.notna(announced) and timing in TIMINGS:
            try:
                sessions = all_sessions() if sessions is None else sessions
                session = event_session(announced, timing, sessions)
            except CalendarError as error:
                problems.append(f"{where}, field 'announcement_date': {error}")
            else:
                on_session = next_session(announced, sessions) == announced
                if shipped and (timing == "non_trading_day") == on_session:
                    problems.append(
                        f"{where}, field 'timing': {timing!r} but {announced:%Y-%m-%d} "
                        + ("is" if on_session else "is not")
                        + " a Shanghai session (non_trading_day is for, and only for, a "
                        "weekend or holiday release)"
                    )
        records.append(
            {
                "id": measure_id,
                "title_zh": title_zh,
                "title_en": title_en,
                "announcement_date": announced,
                "effective_date": effective,
                "latest_date": latest,
                "timing": timing,
                "theme": theme,
                "secondary_themes": tuple(secondary),
                "segments": tuple(segment_codes),
                "key_phrase": _text(row, "key_phrase", where, problems, False),
                "source_url": source_url,
                "confidence": confidence,
                "context": _flag(row.get("context", False)),
                "note": _text(row, "note", where, problems, False),
                "documents": documents,
                "citation": citation,
                "citation_en": citation_en,
                "evidence_url": evidence_url,
                "timing_confidence": timing_confidence,
                "timing_evidence": _text(row, "timing_evidence", where, problems, False),
                "date_confidence": date_confidence,
                "external": _flag(external),
                "expected_sign": signs,
                "segment_overrides": overrides,
                "source_tier": tier,
                "evidence_tier": evidence_tier,
                "event_session": session,
                "task": int(theme[1:]) if theme in theme_ids else None,
                "origin": origin,
            }
        )
    if problems:
        raise CatalogueError(source, problems)
    return _frame(records)


def _frame(records: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(records, columns=CATALOGUE_COLUMNS)
    for column in _DATE_COLUMNS:  # one resolution whatever the input (YAML dates or text)
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ns]")
    frame["task"] = frame["task"].astype("Int64")
    return frame.sort_values(["announcement_date", "id"]).reset_index(drop=True)


# -- loading -------------------------------------------------------------------------------------
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_yaml(text: str):
    """``yaml.safe_load`` without its resource bombs: anchors and aliases (a 485-byte "billion
    laughs" expands to gigabytes) and nesting deeper than MAX_YAML_DEPTH are refused while the
    events are read, before anything is built. Raises ValueError saying which, with the line."""
    depth = 0
    for event in yaml.parse(text, Loader=_YAML_LOADER):
        line = f"line {event.start_mark.line + 1}: " if event.start_mark else ""
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise ValueError(f"{line}YAML anchors and aliases (& and *) are not accepted")
        if isinstance(event, yaml.SequenceStartEvent | yaml.MappingStartEvent):
            depth += 1
            if depth > MAX_YAML_DEPTH:
                raise ValueError(f"{line}nested more than {MAX_YAML_DEPTH} levels deep")
        elif isinstance(event, yaml.SequenceEndEvent | yaml.MappingEndEvent):
            depth -= 1
    return yaml.load(text, Loader=_YAML_LOADER)  # a safe loader (checked above)


def _value_problem(error: ValueError) -> str:
    if "integer string conversion" in str(error):
        return "holds a number with more than 4,300 digits"
    return str(error)


def _yaml_problem(error: yaml.YAMLError) -> str:
    mark = getattr(error, "problem_mark", None)
    where = f"line {mark.line + 1}: " if mark else ""
    return f"{where}not valid YAML ({getattr(error, 'problem', None) or 'unreadable'})"


@lru_cache(maxsize=1)
def shipped_catalogue() -> pd.DataFrame:
    """The catalogue that ships with PolicyLens (validated once per process)."""
    path = CATALOGUE_DIR / "measures.yaml"
    return validate_measures(safe_yaml(path.read_text("utf-8")), path.name, origin="shipped")


def user_measures_path() -> Path:
    return data_dir() / "catalogue" / USER_FILE_NAME


def user_backup_dir() -> Path:
    return user_measures_path().parent / BACKUP_DIR_NAME


def _read_user_file(path: Path) -> tuple[list, bytes]:
    """The user file's rows (a list of mappings) and its bytes; [] if there is none.

    Raises UserFileError, naming the file and what is wrong, for anything else: too large,
    not UTF-8, not valid YAML, anchors or deep nesting, not a list, rows that are not
    mappings, more than MAX_USER_MEASURES measures.
    """
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return [], b""
    except OSError as error:
        raise UserFileError(str(path), [f"cannot be read ({error.strerror or error})"]) from None
    if size > MAX_USER_FILE_BYTES:
        raise UserFileError(
            str(path), [f"is {size:,} bytes, more than the limit of {MAX_USER_FILE_BYTES:,}"]
        )
    try:
        content = path.read_bytes()
    except OSError as error:
        raise UserFileError(str(path), [f"cannot be read ({error.strerror or error})"]) from None
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UserFileError(
            str(path), [f"is not UTF-8 text (byte {error.start:,} cannot be decoded)"]
        ) from None
    try:
        rows = safe_yaml(text)
    except yaml.YAMLError as error:
        raise UserFileError(str(path), [_yaml_problem(error)]) from None
    except ValueError as error:  # refused by safe_yaml, or an integer too long for Python
        raise UserFileError(str(path), [_value_problem(error)]) from None
    if rows is None:
        return [], content
    if not isinstance(rows, list):
        raise UserFileError(
            str(path), [f"holds {_kind(rows)}, not a list of measures (one '- id: …' per measure)"]
        )
    if len(rows) > MAX_USER_MEASURES:
        raise UserFileError(
            str(path),
            [f"holds {len(rows):,} measures, more than the limit of {MAX_USER_MEASURES:,}"],
        )
    not_mappings = [n for n, row in enumerate(rows, start=1) if not isinstance(row, dict)]
    if not_mappings:
        raise UserFileError(
            str(path),
            [f"item {not_mappings[0]} is {_kind(rows[not_mappings[0] - 1])}, not a measure"],
        )
    return rows, content


def _user_rows() -> list[dict]:
    return _read_user_file(user_measures_path())[0]


def user_catalogue() -> pd.DataFrame:
    """The user's own measures (validated against the shipped ids). Raises UserFileError when
    the file cannot be read as measures and CatalogueError when a row no longer validates."""
    rows = _user_rows()
    if not rows:
        return _frame([])
    return validate_measures(
        rows, str(user_measures_path()), origin="user", existing_ids=shipped_catalogue()["id"]
    )


def load_catalogue() -> pd.DataFrame:
    """Shipped plus user measures, sorted by announcement date (a copy, safe to modify)."""
    user = user_catalogue()
    if user.empty:
        return shipped_catalogue().copy()
    combined = pd.concat([shipped_catalogue(), user], ignore_index=True)
    return combined.sort_values(["announcement_date", "id"]).reset_index(drop=True)


# -- user measures: add, import, remove ----------------------------------------------------------
@contextlib.contextmanager
def _user_file_lock() -> Iterator[Path]:
    path = user_measures_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with exclusive_lock(path.parent / ".lock"):
        yield path


def _write_durably(path: Path, content: bytes) -> None:
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        with open(temporary, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def _back_up(previous: bytes) -> None:
    """Keep the file about to be replaced as ``backups/user_measures-<UTC time>.yaml``, and
    only the newest MAX_BACKUPS of them."""
    if not previous:
        return
    backups = user_backup_dir()
    backups.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = backups / f"user_measures-{stamp}.yaml"
    number = 1
    while target.exists():
        number += 1
        target = backups / f"user_measures-{stamp}-{number}.yaml"
    _write_durably(target, previous)
    for old in sorted(backups.glob("user_measures-*.yaml"))[:-MAX_BACKUPS]:
        old.unlink(missing_ok=True)


def _write_user_rows(path: Path, rows: list[dict], previous: bytes) -> None:
    """Replace the user file by ``rows`` (atomically), keeping ``previous`` as a backup."""
    if len(rows) > MAX_USER_MEASURES:
        raise UserFileError(
            str(path),
            [
                f"not changed: it would hold {len(rows):,} measures, more than the limit of "
                f"{MAX_USER_MEASURES:,}"
            ],
        )
    content = yaml.safe_dump(rows, allow_unicode=True, sort_keys=False).encode("utf-8")
    if len(content) > MAX_USER_FILE_BYTES:
        raise UserFileError(
            str(path),
            [
                f"not changed: it would be {len(content):,} bytes, more than the limit of "
                f"{MAX_USER_FILE_BYTES:,}"
            ],
        )
    _back_up(previous)
    _write_durably(path, content)


def _blocked(path: Path, error: CatalogueError) -> UserFileError:
    problem = "; ".join(error.problems[:3]) + (" …" if len(error.problems) > 3 else "")
    return UserFileError(
        str(path),
        [
            f"not changed: your measures file {path} cannot be read as measures ({problem}). "
            "Fix it in a text editor, or move it aside (e.g. rename it to "
            f"{path.name}.broken) and add your measures again; backups of earlier versions "
            f"are in {user_backup_dir()}"
        ],
    )


def _plain(value):
    """A validated nested value as plain YAML (text, lists, mappings; dates as text)."""
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dt.date):
        return f"{value:%Y-%m-%d}"
    if isinstance(value, str):
        return value.strip()
    return value


def _nested_storable(field: str, value):
    """The YAML form of documents, expected_sign and segment_overrides, from a catalogue row
    (tuples) or from a validated input row (already mappings, lists or text)."""
    if _empty(value):
        return None
    if not isinstance(value, tuple):
        return _plain(value)
    if field == "documents":
        return [dict(pairs) for pairs in value]
    if field == "expected_sign":
        return {
            segment: {"sign": sign, **({"reason": reason} if reason else {})}
            for segment, sign, reason in value
        }
    overrides = {}
    for segment, instruments, benchmark in value:
        spec = {} if instruments is None else {"instruments": list(instruments)}
        if benchmark != MISSING:
            spec["benchmark"] = benchmark
        overrides[segment] = spec
    return overrides


_NESTED_FIELDS = ("documents", "expected_sign", "segment_overrides")


def _storable(rows: list[dict]) -> list[dict]:
    """Only the input fields, as plain YAML values (dates as text, lists as lists)."""
    out = []
    for row in rows:
        clean = {}
        derived_citation = isinstance(row.get("documents"), tuple) and bool(row["documents"])
        for field in INPUT_FIELDS:
            value = row.get(field)
            if field in _NESTED_FIELDS:
                value = _nested_storable(field, value)
                if value is not None:
                    clean[field] = value
                continue
            if field in ("citation", "citation_en") and derived_citation:
                continue  # written from the documents
            if field in ("secondary_themes", "segments"):
                value = _codes(value)
            elif field in ("context", "external"):
                value = _flag(value) if value not in (None, "") else False
            elif value is None or (not isinstance(value, str) and pd.isna(value)):
                value = ""  # None, NaN and NaT (which is a datetime subclass)
            elif isinstance(value, dt.date):
                value = f"{value:%Y-%m-%d}"
            else:
                value = str(value).strip()
            if value not in ("", [], False):
                clean[field] = value
        out.append(clean)
    return out


def add_user_measures(rows: list, source: str, row_labels=None) -> pd.DataFrame:
    """Validate ``rows`` against the whole catalogue and append them to the user file.

    All or nothing: any problem raises CatalogueError and the file stays as it was.
    Returns the added measures.
    """
    with _user_file_lock() as path:
        try:
            stored, previous = _read_user_file(path)
            mine = user_catalogue()
        except CatalogueError as error:  # never overwrite what cannot be read: say so
            raise _blocked(path, error) from None
        existing = [*shipped_catalogue()["id"], *mine["id"]]
        added = validate_measures(
            rows, source, existing_ids=existing, row_labels=row_labels, origin="user"
        )
        _write_user_rows(path, stored + _storable(rows), previous)
    return added


def remove_user_measure(measure_id: str) -> bool:
    """Delete one user measure; shipped measures cannot be removed. True if it was there."""
    with _user_file_lock() as path:
        try:  # rows that no longer validate may still be removed (that is how to fix them)
            rows, previous = _read_user_file(path)
        except UserFileError as error:
            raise _blocked(path, error) from None
        kept = [row for row in rows if row.get("id") != measure_id]
        if len(kept) == len(rows):
            return False
        _write_user_rows(path, kept, previous)
    return True


def parse_measures_file(content: bytes, name: str) -> tuple[list[dict], list[str]]:
    """Rows and row labels from a YAML (list of mappings) or CSV file of measures.

    CSV labels are file lines (header = line 1) so a spreadsheet user can find the row; lists
    are separated by ``;``. Derived columns of an export (event_session, task, origin and the
    metadata columns) are ignored, so an exported catalogue re-imports cleanly.
    """
    suffix = Path(name).suffix.lower()
    if len(content) > MAX_IMPORT_BYTES:
        raise CatalogueError(
            name,
            [f"the file is {len(content):,} bytes, more than the limit of {MAX_IMPORT_BYTES:,}"],
        )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = content.decode("gb18030")
        except UnicodeDecodeError:
            raise CatalogueError(name, ["cannot decode the file as UTF-8 or GB18030"]) from None
    if suffix in (".yaml", ".yml"):
        try:
            rows = safe_yaml(text)
        except yaml.YAMLError as error:
            raise CatalogueError(name, [_yaml_problem(error)]) from None
        except ValueError as error:
            raise CatalogueError(name, [_value_problem(error)]) from None
        if rows is None:
            raise CatalogueError(name, ["the file is empty"])
        if not isinstance(rows, list):
            raise CatalogueError(name, ["the file must hold a list of measures"])
        _check_count(name, len(rows))
        return rows, [f"item {n}" for n in range(1, len(rows) + 1)]
    if suffix == ".csv":
        return _csv_rows(text, name)
    raise CatalogueError(name, [f"unsupported file type {suffix or '(none)'}: use .yaml or .csv"])


def _check_count(name: str, count: int) -> None:
    if count > MAX_USER_MEASURES:
        raise CatalogueError(
            name, [f"{count:,} measures, more than the limit of {MAX_USER_MEASURES:,} per file"]
        )


def _csv_rows(text: str, name: str) -> tuple[list[dict], list[str]]:
    """Rows of a CSV of measures, each labelled with the file line it starts on."""
    reader = csv.DictReader(io.StringIO(text))
    rows, labels = [], []
    start = 1  # the line the row being read starts on (the header's first)
    try:
        if not reader.fieldnames or "id" not in reader.fieldnames:
            raise CatalogueError(name, ["no 'id' column in the header"])
        start = reader.line_num + 1
        for row in reader:
            rows.append({k: v for k, v in row.items() if k is not None})
            labels.append(f"line {start}")
            start = reader.line_num + 1
            _check_count(name, len(rows))
    except csv.Error as error:
        line = start
        if "field larger than field limit" in str(error):
            problem = (
                f"a field is longer than {csv.field_size_limit():,} characters (text fields "
                f"may hold {MAX_TEXT})"
            )
        else:
            problem = f"not a readable CSV line ({error})"
        raise CatalogueError(name, [f"line {line}: {problem}"]) from None
    if not rows:
        raise CatalogueError(name, ["the file has a header but no rows"])
    return rows, labels


# -- export --------------------------------------------------------------------------------------
def export_table(catalogue: pd.DataFrame) -> pd.DataFrame:
    """The catalogue as a flat table: EXPORT_COLUMNS, lists joined with ';', dates as text,
    expected signs as ``ALL:+; SMALL:-`` (their reasons are in the YAML export)."""
    out = catalogue.copy()
    for column in ("secondary_themes", "segments"):
        out[column] = out[column].map(";".join)
    for column in _DATE_COLUMNS:
        out[column] = out[column].dt.strftime("%Y-%m-%d").fillna("")
    out["external"] = out["external"].map(lambda flag: "true" if flag else "false")
    out["expected_sign"] = out["expected_sign"].map(
        lambda signs: "; ".join(f"{segment}:{sign}" for segment, sign, _ in signs)
    )
    return out[EXPORT_COLUMNS]


def export_yaml(catalogue: pd.DataFrame) -> str:
    """The catalogue as YAML in the input format (re-importable), with t0 and origin added."""
    rows = _storable(catalogue.to_dict("records"))
    for row, record in zip(rows, catalogue.itertuples(), strict=True):
        if pd.notna(record.event_session):
            row["event_session"] = f"{record.event_session:%Y-%m-%d}"
        row["origin"] = record.origin
    return yaml.safe_dump(rows, allow_unicode=True, sort_keys=False)


# -- selection -----------------------------------------------------------------------------------
def filter_by_themes(catalogue: pd.DataFrame, theme_ids) -> pd.DataFrame:
    """Measures whose primary or a secondary theme is among ``theme_ids`` (all if empty)."""
    wanted = set(theme_ids or ())
    if not wanted:
        return catalogue
    mask = catalogue["theme"].isin(wanted) | catalogue["secondary_themes"].map(
        lambda codes: bool(wanted.intersection(codes))
    )
    return catalogue[mask]


def filter_measures(
    catalogue: pd.DataFrame, *, segment_codes=(), years=None, confidence=(), query: str = ""
) -> pd.DataFrame:
    """Measures touching any of ``segment_codes``, announced within ``years`` (first, last),
    of the given ``confidence`` levels, whose id, titles (中文/English), key phrase or note
    contain ``query`` (case-insensitive; the citation too, so a document number finds its
    measure). Empty arguments do not filter."""
    mask = pd.Series(True, index=catalogue.index)
    if segment_codes:
        wanted = set(segment_codes)
        mask &= catalogue["segments"].map(lambda codes: bool(wanted.intersection(codes)))
    if years:
        year = catalogue["announcement_date"].dt.year
        mask &= year.between(years[0], years[1])
    if confidence:
        mask &= catalogue["confidence"].isin(list(confidence))
    query = (query or "").strip().casefold()
    if query:
        haystack = (
            catalogue["id"]
            + " "
            + catalogue["title_zh"]
            + " "
            + catalogue["title_en"]
            + " "
            + catalogue["key_phrase"]
            + " "
            + catalogue["note"]
            + " "
            + catalogue["citation"]
            + " "
            + catalogue["citation_en"]
        ).str.casefold()
        mask &= haystack.str.contains(query, regex=False)
    return catalogue[mask]


def export_metadata() -> dict[str, str]:
    """The CSV metadata columns of a catalogue export (method, data_mode, data_vintage)."""
    shipped = (CATALOGUE_DIR / "measures.yaml").read_bytes()
    user_path = user_measures_path()
    user = f"; user measures {user_path}" if user_path.exists() else ""
    from data_sources.trading_calendar import inferred_segments

    inferred = "".join(
        f"; t0 after {s.after:%Y-%m-%d} (to {s.last:%Y-%m-%d}) from {s.source}"
        for s in inferred_segments()
    )
    return {
        "method": "policy catalogue; t0 = first Shanghai session at or after the release "
        "(weekend/holiday and after-close releases move to the next session; timing unknown: "
        "t0 is the day itself and the next session the other candidate); links only for "
        "source tiers A-C of policy-events.md §7" + inferred,
        "data_mode": "catalogue",
        "data_vintage": f"shipped measures.yaml sha256 {hashlib.sha256(shipped).hexdigest()[:12]}"
        + user,
    }


def studyable(catalogue: pd.DataFrame, include_unverified: bool = False) -> pd.DataFrame:
    """Measures an event study can use: dated, not context-only, verified unless asked."""
    mask = catalogue["event_session"].notna() & ~catalogue["context"]
    if not include_unverified:
        mask &= catalogue["confidence"] == "verified"
    return catalogue[mask]


# -- per-measure accessors -----------------------------------------------------------------------
def _cell(row, name: str):
    """A field of a catalogue row given as a Series, a mapping or a named tuple."""
    try:
        return row[name]
    except (KeyError, TypeError, IndexError):
        return getattr(row, name, ())


def expected_signs(row) -> dict[str, tuple[str, str]]:
    """``{segment: (sign, reason)}`` of one measure; sign is "+", "-" or "ambiguous"."""
    return {segment: (sign, reason) for segment, sign, reason in _cell(row, "expected_sign") or ()}


def segment_override(row, segment: str) -> tuple[tuple[str, ...] | None, str | None]:
    """``(instruments, benchmark)`` a measure sets for ``segment``: instruments None keeps the
    segment's; benchmark MISSING (compare with ``==``) keeps the segment's, None means the
    market-wide rule (no benchmark)."""
    for code, instruments, benchmark in _cell(row, "segment_overrides") or ():
        if code == segment:
            return instruments, benchmark
    return None, MISSING
