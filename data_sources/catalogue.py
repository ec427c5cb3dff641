"""The policy catalogue: dated, sourced, segment-mapped measures, with schema validation.

The shipped catalogue lives in ``catalogue/measures.yaml`` (themes and segments beside it). Each
measure gets its event session t0 from :func:`data_sources.trading_calendar.event_session`.
Validation collects *every* problem, each naming the row and the field, and loads nothing if any
is found.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml

from data_sources.instruments import segment_table
from data_sources.trading_calendar import TIMINGS, CalendarError, event_session

CATALOGUE_DIR = Path(__file__).with_name("catalogue")
CONFIDENCE_LEVELS = ("verified", "unverified")
CATALOGUE_COLUMNS = [
    "id",
    "title_zh",
    "title_en",
    "announcement_date",
    "effective_date",
    "latest_date",
    "timing",
    "event_session",
    "theme",
    "secondary_themes",
    "segments",
    "key_phrase",
    "source_url",
    "confidence",
    "context",
    "note",
]
_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{2,79}$")


class CatalogueError(ValueError):
    """Every validation problem of a catalogue file, one line each."""

    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = problems
        super().__init__(f"{source}: {len(problems)} problem(s): " + "; ".join(problems[:10]))


@lru_cache(maxsize=1)
def themes() -> pd.DataFrame:
    """The nine communiqué tasks: id (T1..T9), short_en, task, name_zh, name_en, key_phrase."""
    return pd.DataFrame(yaml.safe_load((CATALOGUE_DIR / "themes.yaml").read_text("utf-8")))


def segments() -> pd.DataFrame:
    """The segment vocabulary: id, name_zh, name_en, instruments, benchmark, note."""
    return segment_table()


def theme_label(theme_id: str, language: str = "en") -> str:
    """``"T4 Zero tolerance — fraud enforcement, class actions"`` (or the Chinese name)."""
    row = themes().set_index("id").loc[theme_id]
    return f"{theme_id} {row['name_zh'] if language == 'zh' else row['name_en']}"


def theme_short(theme_id: str) -> str:
    """``"T4 Zero tolerance"``: for narrow table columns."""
    return f"{theme_id} {themes().set_index('id').at[theme_id, 'short_en']}"


def _date(value, field: str, where: str, problems: list[str], required: bool):
    if value is None or value == "":
        if required:
            problems.append(f"{where}, field '{field}': missing")
        return pd.NaT
    if isinstance(value, dt.date):
        return pd.Timestamp(value)
    text = str(value).strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        problems.append(f"{where}, field '{field}': {text!r} is not a YYYY-MM-DD date")
        return pd.NaT
    try:
        return pd.Timestamp(text)
    except ValueError:
        problems.append(f"{where}, field '{field}': {text!r} is not a real date")
        return pd.NaT


def _codes(value) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [part.strip() for part in re.split(r"[;,|]", value) if part.strip()]
    return [str(part).strip() for part in value]


def validate_measures(rows: list[dict], source: str) -> pd.DataFrame:
    """Validate raw measure records and return the catalogue table, or raise CatalogueError."""
    theme_ids = set(themes()["id"])
    segment_ids = set(segments()["id"])
    problems: list[str] = []
    records = []
    seen: dict[str, int] = {}
    if not isinstance(rows, list):
        raise CatalogueError(source, ["the file must hold a list of measures"])
    for number, row in enumerate(rows, start=1):
        where = f"row {number}"
        if not isinstance(row, dict):
            problems.append(f"{where}: not a mapping of fields")
            continue
        measure_id = str(row.get("id") or "").strip()
        if not measure_id:
            problems.append(f"{where}, field 'id': missing")
        elif not _ID_PATTERN.match(measure_id):
            problems.append(
                f"{where}, field 'id': {measure_id!r} must be 3-80 lower-case "
                "letters, digits or '-'"
            )
        elif measure_id in seen:
            problems.append(
                f"{where}, field 'id': {measure_id!r} duplicates row {seen[measure_id]}"
            )
        else:
            seen[measure_id] = number
        where = f"row {number} ({measure_id})" if measure_id else where
        for field in ("title_zh", "title_en"):
            if not str(row.get(field) or "").strip():
                problems.append(f"{where}, field '{field}': missing")
        announced = _date(row.get("announcement_date"), "announcement_date", where, problems, True)
        effective = _date(row.get("effective_date"), "effective_date", where, problems, False)
        latest = _date(row.get("latest_date"), "latest_date", where, problems, False)
        timing = str(row.get("timing") or "unknown").strip()
        if timing not in TIMINGS:
            problems.append(
                f"{where}, field 'timing': {timing!r} is not one of {', '.join(TIMINGS)}"
            )
        theme = str(row.get("theme") or "").strip()
        if theme not in theme_ids:
            problems.append(f"{where}, field 'theme': {theme!r} is not one of T1..T9")
        secondary = _codes(row.get("secondary_themes"))
        for code in secondary:
            if code not in theme_ids:
                problems.append(f"{where}, field 'secondary_themes': unknown theme {code!r}")
        segment_codes = _codes(row.get("segments"))
        for code in segment_codes:
            if code not in segment_ids:
                problems.append(f"{where}, field 'segments': unknown segment {code!r}")
        confidence = str(row.get("confidence") or "").strip()
        if confidence not in CONFIDENCE_LEVELS:
            problems.append(
                f"{where}, field 'confidence': {confidence!r} must be verified or unverified"
            )
        source_url = str(row.get("source_url") or "").strip()
        if confidence == "verified" and not source_url:
            problems.append(
                f"{where}, field 'source_url': missing (a verified measure needs its source)"
            )
        elif source_url and not re.match(r"^https?://\S+$", source_url):
            problems.append(f"{where}, field 'source_url': {source_url!r} is not an http(s) URL")
        session = pd.NaT
        if pd.notna(announced) and timing in TIMINGS:
            try:
                session = event_session(announced, timing)
            except CalendarError as error:
                problems.append(f"{where}, field 'announcement_date': {error}")
        records.append(
            {
                "id": measure_id,
                "title_zh": str(row.get("title_zh") or "").strip(),
                "title_en": str(row.get("title_en") or "").strip(),
                "announcement_date": announced,
                "effective_date": effective,
                "latest_date": latest,
                "timing": timing,
                "event_session": session,
                "theme": theme,
                "secondary_themes": tuple(secondary),
                "segments": tuple(segment_codes),
                "key_phrase": str(row.get("key_phrase") or "").strip(),
                "source_url": source_url,
                "confidence": confidence,
                "context": bool(row.get("context", False)),
                "note": str(row.get("note") or "").strip(),
            }
        )
    if problems:
        raise CatalogueError(source, problems)
    frame = pd.DataFrame.from_records(records, columns=CATALOGUE_COLUMNS)
    for column in ("announcement_date", "effective_date", "latest_date", "event_session"):
        frame[column] = pd.to_datetime(frame[column])
    return frame.sort_values(["announcement_date", "id"]).reset_index(drop=True)


@lru_cache(maxsize=1)
def shipped_catalogue() -> pd.DataFrame:
    """The catalogue that ships with PolicyLens (validated once per process)."""
    path = CATALOGUE_DIR / "measures.yaml"
    return validate_measures(yaml.safe_load(path.read_text("utf-8")), path.name)


def load_catalogue() -> pd.DataFrame:
    """All measures (a copy, safe to modify)."""
    return shipped_catalogue().copy()


def filter_by_themes(catalogue: pd.DataFrame, theme_ids) -> pd.DataFrame:
    """Measures whose primary or a secondary theme is among ``theme_ids`` (all if empty)."""
    wanted = set(theme_ids or ())
    if not wanted:
        return catalogue
    mask = catalogue["theme"].isin(wanted) | catalogue["secondary_themes"].map(
        lambda codes: bool(wanted.intersection(codes))
    )
    return catalogue[mask]


def studyable(catalogue: pd.DataFrame, include_unverified: bool = False) -> pd.DataFrame:
    """Measures an event study can use: dated, not context-only, verified unless asked."""
    mask = catalogue["event_session"].notna() & ~catalogue["context"]
    if not include_unverified:
        mask &= catalogue["confidence"] == "verified"
    return catalogue[mask]
