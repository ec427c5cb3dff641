"""The policy catalogue: dated, sourced, segment-mapped measures, with schema validation.

The shipped catalogue lives in ``catalogue/measures.yaml`` (themes and segments beside it); a
user's own measures live apart from it in ``<data dir>/catalogue/user_measures.yaml``. Each
measure gets its event session t0 from :func:`data_sources.trading_calendar.event_session`.
Validation collects *every* problem, each naming the row and the field, and nothing is added if
any is found (an import is all or nothing).
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import fcntl
import hashlib
import io
import os
import re
import uuid
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml

from data_sources.config import data_dir
from data_sources.instruments import segment_table
from data_sources.trading_calendar import TIMINGS, CalendarError, event_session

CATALOGUE_DIR = Path(__file__).with_name("catalogue")
CONFIDENCE_LEVELS = ("verified", "unverified")
#: Fields a measure file may set. Everything else (event_session, task, origin and the CSV
#: metadata columns) is derived, and ignored on import.
INPUT_FIELDS = [
    "id", "title_zh", "title_en", "announcement_date", "effective_date", "latest_date",
    "timing", "theme", "secondary_themes", "segments", "key_phrase", "source_url",
    "confidence", "context", "note",
]  # fmt: skip
CATALOGUE_COLUMNS = [*INPUT_FIELDS, "event_session", "task", "origin"]
#: Also accepted in a file and ignored: derived columns of an export, its metadata columns, and
#: ``ref`` (the row of ../shared/reference/policy-events.md a shipped measure comes from).
_IGNORED_FIELDS = {"event_session", "task", "origin", "ref", "method", "data_mode", "data_vintage"}
#: CSV export columns, lists joined with ";" (the contract of ``catalogue export``).
EXPORT_COLUMNS = [
    "id", "title_zh", "title_en", "announcement_date", "effective_date", "timing",
    "event_session", "theme", "secondary_themes", "segments", "source_url", "confidence",
    "task", "key_phrase", "latest_date", "context", "note", "origin",
]  # fmt: skip
USER_FILE_NAME = "user_measures.yaml"
MAX_TEXT = 500
_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{2,79}$")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_DATE_COLUMNS = ("announcement_date", "effective_date", "latest_date", "event_session")


class CatalogueError(ValueError):
    """Every validation problem of a catalogue file, one line each."""

    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = problems
        more = f" (and {len(problems) - 10} more)" if len(problems) > 10 else ""
        super().__init__(f"{source}: " + "; ".join(problems[:10]) + more)


# -- vocabularies --------------------------------------------------------------------------------
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


def theme_short(theme_id: str, language: str = "en") -> str:
    """``"T4 Zero tolerance"``: for narrow table columns (in Chinese the task's name, which
    has no shorter form)."""
    row = themes().set_index("id").loc[theme_id]
    return f"{theme_id} {row['name_zh'] if language == 'zh' else row['short_en']}"


# -- validation ----------------------------------------------------------------------------------
def _text(row: dict, field: str, where: str, problems: list[str], required: bool) -> str:
    value = row.get(field)
    text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
    text = text.strip()
    if required and not text:
        problems.append(f"{where}, field '{field}': missing")
    elif _CONTROL.search(text):
        problems.append(f"{where}, field '{field}': contains control characters")
    elif len(text) > MAX_TEXT:
        problems.append(f"{where}, field '{field}': longer than {MAX_TEXT} characters")
    return text


def _date(value, field: str, where: str, problems: list[str], required: bool):
    if value is None or value == "" or (isinstance(value, float) and pd.isna(value)):
        if required:
            problems.append(f"{where}, field '{field}': missing")
        return pd.NaT
    if isinstance(value, dt.date):
        return pd.Timestamp(value)
    text = str(value).strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        problems.append(f"{where}, field '{field}': {text[:40]!r} is not a YYYY-MM-DD date")
        return pd.NaT
    try:
        return pd.Timestamp(text)
    except ValueError:
        problems.append(f"{where}, field '{field}': {text!r} is not a real date")
        return pd.NaT


def _codes(value) -> list[str]:
    if value is None or value == "" or (isinstance(value, float) and pd.isna(value)):
        return []
    if isinstance(value, str):
        return [part.strip() for part in re.split(r"[;,|]", value) if part.strip()]
    if isinstance(value, list | tuple):
        return [str(part).strip() for part in value]
    return [str(value).strip()]


def _flag(value) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"true", "1", "yes", "y"}


def validate_measures(
    rows: list, source: str, *, existing_ids=(), row_labels=None, origin: str = "shipped"
) -> pd.DataFrame:
    """Validate raw measure records and return catalogue rows, or raise CatalogueError.

    ``existing_ids`` are ids already in the catalogue (a new row may not reuse one);
    ``row_labels`` names each row in messages (default ``row 1``, ``row 2``, …).
    """
    if not isinstance(rows, list):
        raise CatalogueError(source, ["the file must hold a list of measures"])
    theme_ids = set(themes()["id"])
    segment_ids = set(segments()["id"])
    existing = set(existing_ids)
    labels = row_labels or [f"row {n}" for n in range(1, len(rows) + 1)]
    problems: list[str] = []
    records = []
    seen: dict[str, str] = {}
    for label, row in zip(labels, rows, strict=True):
        if not isinstance(row, dict):
            problems.append(f"{label}: not a mapping of fields")
            continue
        unknown = sorted(
            str(key) for key in row if key not in INPUT_FIELDS and key not in _IGNORED_FIELDS
        )
        for key in unknown:
            problems.append(
                f"{label}, field {key[:40]!r}: not a known field (fields: "
                f"{', '.join(INPUT_FIELDS)})"
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
        secondary = _codes(row.get("secondary_themes"))
        for code in secondary:
            if code not in theme_ids:
                problems.append(f"{where}, field 'secondary_themes': unknown theme {code[:40]!r}")
        segment_codes = _codes(row.get("segments"))
        for code in segment_codes:
            if code not in segment_ids:
                problems.append(f"{where}, field 'segments': unknown segment {code[:40]!r}")
        confidence = _text(row, "confidence", where, problems, True)
        if confidence and confidence not in CONFIDENCE_LEVELS:
            problems.append(
                f"{where}, field 'confidence': {confidence[:40]!r} must be verified or unverified"
            )
        source_url = _text(row, "source_url", where, problems, False)
        if confidence == "verified" and not source_url:
            problems.append(
                f"{where}, field 'source_url': missing (a verified measure needs its source)"
            )
        elif source_url and not re.match(r"^https?://[^\s\"'<>]+$", source_url):
            problems.append(
                f"{where}, field 'source_url': {source_url[:60]!r} is not an http(s) URL"
            )
        session = pd.NaT
        if pd.notna(announced) and timing in TIMINGS:
            try:
                session = event_session(announced, timing)
            except CalendarError as error:
                problems.append(f"{where}, field 'announcement_date': {error}")
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
@lru_cache(maxsize=1)
def shipped_catalogue() -> pd.DataFrame:
    """The catalogue that ships with PolicyLens (validated once per process)."""
    path = CATALOGUE_DIR / "measures.yaml"
    return validate_measures(yaml.safe_load(path.read_text("utf-8")), path.name)


def user_measures_path() -> Path:
    return data_dir() / "catalogue" / USER_FILE_NAME


def _user_rows() -> list[dict]:
    path = user_measures_path()
    if not path.exists():
        return []
    rows = yaml.safe_load(path.read_text("utf-8")) or []
    return rows if isinstance(rows, list) else []


def user_catalogue() -> pd.DataFrame:
    """The user's own measures (validated against the shipped ids)."""
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
    with open(path.parent / ".lock", "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield path
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _write_user_rows(path: Path, rows: list[dict]) -> None:
    text = yaml.safe_dump(rows, allow_unicode=True, sort_keys=False)
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def _storable(rows: list[dict]) -> list[dict]:
    """Only the input fields, as plain YAML values (dates as text, lists as lists)."""
    out = []
    for row in rows:
        clean = {}
        for field in INPUT_FIELDS:
            value = row.get(field)
            if field in ("secondary_themes", "segments"):
                value = _codes(value)
            elif field == "context":
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
        existing = [*shipped_catalogue()["id"], *user_catalogue()["id"]]
        added = validate_measures(
            rows, source, existing_ids=existing, row_labels=row_labels, origin="user"
        )
        _write_user_rows(path, _user_rows() + _storable(rows))
    return added


def remove_user_measure(measure_id: str) -> bool:
    """Delete one user measure; shipped measures cannot be removed. True if it was there."""
    with _user_file_lock() as path:
        rows = _user_rows()
        kept = [row for row in rows if str(row.get("id")) != measure_id]
        if len(kept) == len(rows):
            return False
        _write_user_rows(path, kept)
    return True


def parse_measures_file(content: bytes, name: str) -> tuple[list[dict], list[str]]:
    """Rows and row labels from a YAML (list of mappings) or CSV file of measures.

    CSV labels are file lines (header = line 1) so a spreadsheet user can find the row; lists
    are separated by ``;``. Derived columns of an export (event_session, task, origin and the
    metadata columns) are ignored, so an exported catalogue re-imports cleanly.
    """
    suffix = Path(name).suffix.lower()
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = content.decode("gb18030")
        except UnicodeDecodeError:
            raise CatalogueError(name, ["cannot decode the file as UTF-8 or GB18030"]) from None
    if suffix in (".yaml", ".yml"):
        try:
            rows = yaml.safe_load(text)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            where = f"line {mark.line + 1}: " if mark else ""
            raise CatalogueError(name, [f"{where}not valid YAML"]) from None
        if rows is None:
            raise CatalogueError(name, ["the file is empty"])
        if not isinstance(rows, list):
            raise CatalogueError(name, ["the file must hold a list of measures"])
        return rows, [f"item {n}" for n in range(1, len(rows) + 1)]
    if suffix == ".csv":
        reader = csv.DictReader(io.StringIO(text))
        if not reader.fieldnames or "id" not in reader.fieldnames:
            raise CatalogueError(name, ["no 'id' column in the header"])
        rows = [{k: v for k, v in row.items() if k is not None} for row in reader]
        if not rows:
            raise CatalogueError(name, ["the file has a header but no rows"])
        return rows, [f"line {n}" for n in range(2, len(rows) + 2)]
    raise CatalogueError(name, [f"unsupported file type {suffix or '(none)'}: use .yaml or .csv"])


# -- export --------------------------------------------------------------------------------------
def export_table(catalogue: pd.DataFrame) -> pd.DataFrame:
    """The catalogue as a flat table: EXPORT_COLUMNS, lists joined with ';', dates as text."""
    out = catalogue.copy()
    for column in ("secondary_themes", "segments"):
        out[column] = out[column].map(";".join)
    for column in _DATE_COLUMNS:
        out[column] = out[column].dt.strftime("%Y-%m-%d").fillna("")
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
    contain ``query`` (case-insensitive). Empty arguments do not filter."""
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
        "(weekend/holiday and after-close releases move to the next session)" + inferred,
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
