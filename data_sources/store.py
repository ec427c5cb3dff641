"""The embedded local store: canonical bars in hash-sharded Arrow IPC files in the data directory.

Layout under ``<data dir>/store``::

    shards/shard-NN.arrow     bars of every symbol that hashes to NN (CRC-32 mod 64), as an
                              Arrow IPC file (Feather v2): one record batch per symbol,
                              date-sorted; per-symbol provenance (source, detail, fetch time,
                              dates, rows, batch, CRC-32 of the batch's values) in the
                              file's schema metadata
    status/<symbol>.json      last fetch error for the symbol (if any)
    turnover/<symbol>.arrow   the series' daily turnover in % (换手率), when its source had it
                              (:mod:`data_sources.turnover`): date, turnover, with the CRC-32
                              of its values in the schema metadata; written atomically with
                              the bars, removed with them
    quarantine/               damaged files moved aside (``<name>.<UTC timestamp>``), each
                              with ``….about.json`` naming the problem and the series it held
    .lock                     writers take an exclusive lock on it (:mod:`data_sources.locking`)

Why this layout: one Parquet file per symbol made a full read of 5,000 instruments cost 5,000
file opens and decodes (about 6 s). Arrow IPC files are memory-mapped, so reading needs no decode
at all: 64 shards read in well under a second (``python -m data_sources.bench``), a study's 20
series are 20 zero-copy record batches, and a one-symbol write still rewrites only one file.
Uncompressed Arrow is larger on disk than Parquet (about 56 bytes per bar): 700 MB for the full
A-share market over ten years, a few MB for a typical catalogue study.

Writes are atomic: a new shard is written beside the old one, flushed to disk and moved over it
with ``os.replace``, so a crash (or ``kill -9``) mid-write leaves the previous version readable and
readers never see a half-written file. Writers serialise on the lock file, so two Streamlit
sessions (or a session and the CLI) writing at once cannot lose each other's rows. Readers take
no lock: every shard they open is a complete committed version.

A damaged file is never fatal. A shard that no longer opens (truncated, zero bytes, garbage) is
read as a stream from its start, which recovers the series before the damage; a series whose
rows or checksum do not match its provenance is left out rather than returned wrong. Checksums
(CRC-32 of each batch's values, and of the provenance itself) are verified whenever values are
read: zlib's CRC-32 adds about half a second to a read of all 790 MB of a 5,000-instrument store
and nothing noticeable to a study's 20 series; shards written before checksums existed are
checked for shape only. ``damaged()`` names every damaged file and what it held; a writer that
meets a damaged shard copies it into ``quarantine/`` before rewriting it with its intact
series; ``quarantine()`` (the Data page and ``python -m data_sources check --quarantine``)
moves damaged files aside, and ``to_refetch()`` lists what they held that is not stored again.

A store written by earlier versions (``bars/<symbol>.parquet``, one file per symbol) is moved into
the shards the first time it is opened; each old file is removed only after its rows are
committed to a shard, so an interrupted migration simply resumes; an old file that cannot be
read stays where it is, named by ``damaged()``, until it is moved aside.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import shutil
import threading
import uuid
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.ipc as ipc
import pyarrow.parquet as pq

from data_sources.base import FetchResult
from data_sources.config import data_dir
from data_sources.errors import DataSourceError
from data_sources.locking import exclusive_lock
from data_sources.schema import (
    CANONICAL_COLUMNS,
    check_stored_symbol,
    check_symbol,
    empty_bars,
    validate_bars,
)
from data_sources.turnover import attached as attached_turnover
from data_sources.turnover import empty as empty_turnover

COVERAGE_COLUMNS = [
    "symbol",
    "source",
    "detail",
    "first_date",
    "last_date",
    "rows",
    "fetched_at",
    "last_error",
    "adjustment",
    "suspended_sessions",
]
#: What a series' price record holds (see :mod:`data_sources.prices`), kept in its provenance.
PRICE_RECORD_KEYS = (
    "adjustment",
    "adjustment_detail",
    "adjusted_days",
    "limit_breaks",
    "suspended",
)
SHARD_COUNT = 64
#: Memory-map shards when reading (not on Windows: see Store._open_shard).
_MAP_SHARDS = os.name != "nt"
_META_KEY = b"policylens"
#: CRC-32 of the provenance JSON, so a flipped byte in a date or a row count is found too.
_META_CRC_KEY = b"policylens-crc32"
_FORMAT = {"format": "policylens-store", "version": 2, "shards": SHARD_COUNT}
_SCHEMA = pa.schema(
    [
        ("symbol", pa.string()),
        ("date", pa.timestamp("ns")),
        *[(name, pa.float64()) for name in CANONICAL_COLUMNS[2:]],
    ]
)

_TURNOVER_SCHEMA = pa.schema([("date", pa.timestamp("ns")), ("turnover", pa.float64())])


#: What a damaged file may raise while it is opened or parsed (Arrow's own errors derive from
#: ValueError, OSError or ArrowException; broken JSON metadata raises ValueError too).
_DAMAGE_ERRORS = (pa.ArrowException, OSError, ValueError, KeyError, TypeError, IndexError)
_ARROW_MAGIC = b"ARROW1"
#: Writers holding the lock, per thread: a writer calling another writer (the demo seeding
#: calls ``write_many`` under the lock) must not wait on its own ``flock``.
_locks_held = threading.local()


def _shard_source(path: Path):
    """A shard's bytes for Arrow: memory-mapped (no copy), except on Windows, which refuses to
    replace a file that is open or mapped (the next write's os.replace would fail while any
    table read from it is alive): there it is read into memory and no handle is kept."""
    return pa.memory_map(str(path)) if _MAP_SHARDS else pa.py_buffer(path.read_bytes())


def _utc_now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def shard_of(symbol: str) -> int:
    """The shard a symbol lives in: stable across processes and Python versions."""
    return zlib.crc32(symbol.encode("utf-8")) % SHARD_COUNT


def _value_bytes(array: pa.Array) -> Iterator:
    """The bytes that hold ``array``'s values, independent of how its buffers are laid out (an
    array sliced in memory and the same array read back from a file give the same bytes)."""
    buffers = array.buffers()
    if array.null_count:
        yield np.asarray(array.is_valid()).tobytes()
    if pa.types.is_string(array.type):
        offsets = np.frombuffer(buffers[1], np.int32, len(array) + 1, array.offset * 4)
        if offsets[0]:
            yield (offsets - offsets[0]).tobytes()
        else:
            yield buffers[1].slice(array.offset * 4, (len(array) + 1) * 4)
        yield buffers[2].slice(int(offsets[0]), int(offsets[-1] - offsets[0]))
    else:
        width = array.type.bit_width // 8
        yield buffers[1].slice(array.offset * width, len(array) * width)


def batch_checksum(batch: pa.RecordBatch) -> int:
    """CRC-32 of every value of ``batch`` (zlib's, in the standard library)."""
    crc = 0
    for column in batch.columns:
        for part in _value_bytes(column):
            crc = zlib.crc32(part, crc)
    return crc


def _batch_problem(batch: pa.RecordBatch, provenance: dict) -> str | None:
    """What is wrong with a stored batch, or ``None``. Batches written before checksums existed
    are checked for shape only."""
    if not batch.schema.equals(_SCHEMA):
        return "its columns are not the store's"
    if batch.num_rows != provenance.get("rows"):
        return f"{batch.num_rows} rows where {provenance.get('rows')} were stored"
    try:
        if "crc32" in provenance and batch_checksum(batch) != provenance["crc32"]:
            return "its values do not match their checksum (changed on disk)"
    except _DAMAGE_ERRORS as error:  # buffers shorter than the batch says
        return f"unreadable ({error})"
    return None


def _parse_meta(schema: pa.Schema) -> dict[str, dict]:
    """``{symbol: provenance}`` from a shard's schema; ``ValueError`` when it is damaged."""
    metadata = schema.metadata or {}
    if _META_KEY not in metadata:
        return {}
    raw = metadata[_META_KEY]
    if _META_CRC_KEY in metadata and int(metadata[_META_CRC_KEY]) != zlib.crc32(raw):
        raise ValueError("the provenance metadata does not match its checksum")
    meta = json.loads(raw)
    if not isinstance(meta, dict) or not all(
        isinstance(m, dict) and isinstance(m.get("batch"), int) for m in meta.values()
    ):
        raise ValueError("the provenance metadata is not a table of series")
    return meta


def refetch_hint(symbol: str, provenance: dict) -> str:
    """How to get a lost series back, from its provenance."""
    from data_sources.providers import PROVIDERS  # the registry imports every provider module

    source = provenance.get("source")
    stored_by = PROVIDERS.get(source)
    if stored_by is not None and stored_by.serves(symbol):
        return f"python -m data_sources refresh --symbol {symbol}"
    if source == "import":
        detail = str(provenance.get("detail") or "")
        original = detail.removeprefix("file ") if detail.startswith("file ") else "FILE"
        return f"re-import the file: python -m data_sources import {original} --symbol {symbol}"
    return "source unknown: re-fetch or re-import it"


def price_record(bars: pd.DataFrame) -> dict:
    """The price record a source attached to its bars (``attrs["price_record"]``), limited to
    :data:`PRICE_RECORD_KEYS` and JSON-ready values; empty when it attached none."""
    record = bars.attrs.get("price_record") or {}
    if not isinstance(record, dict):
        return {}
    out = {key: record[key] for key in PRICE_RECORD_KEYS if key in record}
    json.dumps(out)  # a value that cannot be stored raises here, before anything is written
    return out


def _merged_record(old: dict, new: dict, table: pa.Table) -> dict:
    """A merge's price record: the new one, with the old suspended sessions that the merged
    rows do not cover again."""
    dates = {f"{d:%Y-%m-%d}" for d in table["date"].to_pandas()}
    suspended = sorted(
        {d for d in old.get("suspended") or () if d not in dates} | set(new.get("suspended", ()))
    )
    return {**new, "suspended": suspended} if suspended or "suspended" in new else new


@dataclass
class Damage:
    """One damaged file of the store: where, what is wrong, and the series it held (when the
    file still says so; ``held`` maps each lost symbol to its provenance)."""

    file: str  # relative to the store root, e.g. "shards/shard-07.arrow"
    problem: str
    held: dict[str, dict] = field(default_factory=dict)
    #: True: the file cannot be used at all; False: only the series in ``held`` are damaged and
    #: the file's other series are served.
    whole_file: bool = True

    @property
    def symbols(self) -> list[str]:
        return sorted(self.held)

    def describe(self) -> str:
        held = f" (held {', '.join(self.symbols)})" if self.held else ""
        return f"{self.file}: {self.problem}{held}"


@dataclass
class _Shard:
    """What one shard file yields: every series it claims, the intact batches read, damage."""

    claimed: dict[str, dict] = field(default_factory=dict)
    batches: dict[str, pa.RecordBatch] = field(default_factory=dict)
    damage: Damage | None = None


class Store:
    """Read, write and describe stored canonical bars."""

    #: Copies kept per series of an imported series that a later write replaced.
    MAX_REPLACED = 5

    def __init__(self, root: str | Path | None = None):
        self.root = Path(root) if root is not None else data_dir() / "store"
        self.shards_dir = self.root / "shards"
        self.status_dir = self.root / "status"
        self.turnover_dir = self.root / "turnover"
        self.quarantine_dir = self.root / "quarantine"
        #: Damaged files this instance moved (or copied) aside while writing, for the caller
        #: to report.
        self.quarantined: list[tuple[Damage, Path]] = []
        #: An imported series cannot be fetched again: when a write replaces one (a re-import,
        #: or another source), its rows are kept as a CSV that imports again, with its
        #: provenance beside it. ``(symbol, CSV path, rows)`` of each copy this instance made.
        self.replaced_dir = self.root / "replaced"
        self.replaced: list[tuple[str, Path, int]] = []
        self._last_read_damage: list[Damage] = []
        for folder in (self.shards_dir, self.status_dir):
            folder.mkdir(parents=True, exist_ok=True)
        format_path = self.root / "format.json"
        if not format_path.exists():
            self._atomic_write_bytes(format_path, lambda h: h.write(json.dumps(_FORMAT).encode()))
        if (self.root / "bars").is_dir():
            self._migrate_per_symbol_files()

    # -- paths and locking -------------------------------------------------------------------
    def _shard_path(self, shard: int) -> Path:
        return self.shards_dir / f"shard-{shard:02d}.arrow"

    def _index_path(self, shard: int) -> Path:
        """A small JSON copy of a shard's provenance, beside it: when the shard itself is too
        damaged to say what it held (its schema lost with its first bytes), this still names
        the series to re-fetch."""
        return self.shards_dir / f"shard-{shard:02d}.index.json"

    def _read_index(self, shard: int) -> dict[str, dict]:
        """``{symbol: provenance}`` from the shard's index (empty when missing or unreadable:
        it is only a fallback for naming what a damaged shard held)."""
        try:
            index = json.loads(self._index_path(shard).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(index, dict):
            return {}
        return {str(k): v for k, v in index.items() if isinstance(v, dict)}

    def _status_path(self, symbol: str) -> Path:
        return self.status_dir / f"{check_stored_symbol(symbol)}.json"

    def _relative(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    @contextlib.contextmanager
    def write_lock(self) -> Iterator[None]:
        """Exclusive inter-process lock held while any writer changes the store (re-entrant
        within one thread)."""
        held = _locks_held.__dict__.setdefault("roots", set())
        key = os.path.abspath(self.root)
        if key in held:
            yield
            return
        with exclusive_lock(self.root / ".lock"):
            held.add(key)
            try:
                self._remove_abandoned_temporaries()
                yield
            finally:
                held.discard(key)

    def _remove_abandoned_temporaries(self) -> None:
        """Delete temporary files left by a writer that was killed mid-write.

        Only called with the write lock held, when no other writer can be mid-write.
        """
        folders = (self.shards_dir, self.status_dir, self.quarantine_dir, self.turnover_dir)
        # the trait table (data_sources.traits) is written under the same lock
        for folder in (*folders, self.root / "traits"):
            for leftover in folder.glob(".*.tmp"):
                leftover.unlink(missing_ok=True)

    @staticmethod
    def _atomic_write_bytes(path: Path, write, *, durable: bool = True) -> None:
        """Write a small file through ``write(handle)`` atomically (see the module docstring)."""

        def write_path(temporary: Path) -> None:
            with open(temporary, "wb") as handle:
                write(handle)

        Store._atomic_write(path, write_path, durable=durable)

    @staticmethod
    def _atomic_write(path: Path, write_path, *, durable: bool = True) -> None:
        """Call ``write_path(temporary)``, make it durable, then move it over ``path``.

        ``durable=False`` skips the two disk flushes (readers still never see a half-written
        file): for files that are only a fallback, which a power cut may leave stale.
        """
        temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
        try:
            write_path(temporary)
            if not durable:
                os.replace(temporary, path)
                return
            # Read-write: Windows' FlushFileBuffers (behind os.fsync) refuses a read-only handle.
            descriptor = os.open(temporary, os.O_RDWR)
            try:
                os.fsync(descriptor)
            finally:
                os.close(descriptor)
            os.replace(temporary, path)
            # The rename itself must reach the disk too, or a power cut could undo it.
            Store._fsync_directory(path.parent)
        finally:
            temporary.unlink(missing_ok=True)

    @staticmethod
    def _fsync_directory(folder: Path) -> None:
        # Windows cannot open a directory with os.open (PermissionError) and has no directory
        # fsync; NTFS journals the rename's metadata, so there the step is skipped.
        if os.name == "nt":
            return
        directory = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)

    # -- shard files -------------------------------------------------------------------------
    def _load_shard(self, shard: int, symbols: Iterable[str] | None = None) -> _Shard:
        """The intact batches of ``symbols`` (every stored one when ``None``) in one shard.

        A shard that no longer opens as an Arrow file (truncated, zero bytes, garbage) is read
        as a stream from its start instead, which recovers every batch before the damage; a
        batch whose rows or checksum do not match its provenance is left out. Whatever is lost
        is named in ``damage``; nothing here raises on a damaged file.
        """
        path = self._shard_path(shard)
        try:
            source = _shard_source(path)
        except FileNotFoundError:
            return _Shard()
        except _DAMAGE_ERRORS as error:  # e.g. a zero-byte file cannot be mapped
            held = self._read_index(shard)
            return _Shard(damage=Damage(self._relative(path), f"unreadable ({error})", held))
        file_problem = None
        try:
            reader = ipc.open_file(source)
            claimed = _parse_meta(reader.schema)
            get_batch = reader.get_batch
        except _DAMAGE_ERRORS as error:
            file_problem = f"not a complete Arrow file ({error})"
            claimed, recovered = self._recover_stream(source)
            get_batch = recovered.__getitem__
        loaded = _Shard(claimed=claimed)
        lost: dict[str, dict] = {}
        problems = []
        read: dict[str, pa.RecordBatch] = {}
        for symbol in claimed if symbols is None else symbols:
            provenance = claimed.get(symbol)
            if provenance is None:
                continue
            try:
                read[symbol] = get_batch(provenance["batch"])
            except _DAMAGE_ERRORS as error:
                lost[symbol] = {k: v for k, v in provenance.items() if k != "batch"}
                problems.append(
                    f"{symbol}: " + (f"unreadable ({error})" if file_problem is None else "lost")
                )
        verdicts = [_batch_problem(batch, claimed[symbol]) for symbol, batch in read.items()]
        for (symbol, batch), problem in zip(read.items(), verdicts, strict=True):
            if problem is None:
                loaded.batches[symbol] = batch
            else:
                lost[symbol] = {k: v for k, v in claimed[symbol].items() if k != "batch"}
                problems.append(f"{symbol}: {problem}")
        if file_problem is not None:
            # what the damaged file no longer says it held, its index still does
            for symbol, provenance in self._read_index(shard).items():
                if symbol not in loaded.batches and symbol not in lost:
                    lost[symbol] = provenance
            recovered_count = len(loaded.batches)
            text = file_problem + (
                f"; {recovered_count} series recovered from it" if recovered_count else ""
            )
            loaded.damage = Damage(self._relative(path), text, lost, whole_file=True)
        elif lost:
            text = "damaged series: " + "; ".join(problems)
            loaded.damage = Damage(self._relative(path), text, lost, whole_file=False)
        return loaded

    @staticmethod
    def _recover_stream(source) -> tuple[dict, list[pa.RecordBatch]]:
        """Provenance and the record batches that a damaged shard still holds from its start.

        An Arrow file is the 8-byte magic, the same stream a stream writer would write (schema
        with our metadata, then one message per batch), then a footer; a truncated file loses
        the footer first, so the stream before the damage is still readable.
        """
        try:
            buffer = source.read_buffer()
            if buffer.size < 8 or buffer.slice(0, 6).to_pybytes() != _ARROW_MAGIC:
                return {}, []
            reader = ipc.open_stream(pa.BufferReader(buffer.slice(8)))
            claimed = _parse_meta(reader.schema)
        except _DAMAGE_ERRORS:
            return {}, []
        batches = []
        with contextlib.suppress(StopIteration, *_DAMAGE_ERRORS):
            while True:
                batches.append(reader.read_next_batch())
        return claimed, batches

    def _shard_meta(self, shard: int) -> dict[str, dict]:
        """``{symbol: provenance}`` of the readable series of one shard (metadata and shape
        only: checksums are verified when the values are read)."""
        loaded = self._load_shard_shapes(shard)
        return {symbol: loaded.claimed[symbol] for symbol in loaded.batches}

    def _load_shard_shapes(self, shard: int) -> _Shard:
        """Like :meth:`_load_shard` without checksums: only what the metadata and shapes say."""
        path = self._shard_path(shard)
        try:
            reader = ipc.open_file(_shard_source(path))
            claimed = _parse_meta(reader.schema)
            if reader.num_record_batches != len(claimed):
                raise ValueError("batches and provenance disagree")
        except FileNotFoundError:
            return _Shard()
        except _DAMAGE_ERRORS:
            return self._load_shard(shard)
        return _Shard(claimed=claimed, batches=dict.fromkeys(claimed))

    def _read_shard_symbols(self, shard: int, symbols: list[str]) -> dict[str, pa.Table]:
        """The stored rows of ``symbols`` (those present and intact) from one shard."""
        loaded = self._load_shard(shard, symbols)
        if loaded.damage is not None:
            self._last_read_damage.append(loaded.damage)
        return {s: pa.Table.from_batches([batch]) for s, batch in loaded.batches.items()}

    def _rewrite_shard(self, shard: int, changes: dict[str, tuple[pa.Table, dict] | None]) -> None:
        """Replace the listed symbols in one shard (``None`` removes one) and commit atomically.

        Caller holds the write lock. Unchanged intact symbols are copied over batch by batch; a
        damaged shard is first copied into the quarantine folder, so nothing it held is thrown
        away unseen.
        """
        path = self._shard_path(shard)
        loaded = self._load_shard(shard)
        if loaded.damage is not None:
            self._quarantine_one(loaded.damage, move=False)
        blocks: dict[str, pa.Table | pa.RecordBatch] = {
            symbol: batch for symbol, batch in loaded.batches.items() if symbol not in changes
        }
        meta = {symbol: loaded.claimed[symbol] for symbol in blocks}
        for symbol, change in changes.items():
            if change is not None:
                blocks[symbol], meta[symbol] = change
        order = sorted(blocks)
        if not order:
            path.unlink(missing_ok=True)
            self._index_path(shard).unlink(missing_ok=True)
            return
        batches = {}
        for symbol in order:
            block = blocks[symbol]
            if isinstance(block, pa.Table):
                # One record batch per symbol: any symbol is readable without the rest.
                block = block.cast(_SCHEMA).combine_chunks().to_batches()[0]
            batches[symbol] = block
        new_meta = {
            symbol: {**meta[symbol], "batch": number, "crc32": batch_checksum(batches[symbol])}
            for number, symbol in enumerate(order)
        }
        raw = json.dumps(new_meta, ensure_ascii=False).encode("utf-8")
        schema = _SCHEMA.with_metadata(
            {_META_KEY: raw, _META_CRC_KEY: str(zlib.crc32(raw)).encode()}
        )

        def write_path(temporary: Path) -> None:
            with pa.OSFile(str(temporary), "wb") as sink, ipc.new_file(sink, schema) as writer:
                for symbol in order:
                    writer.write_batch(batches[symbol])

        self._atomic_write(path, write_path)
        # Written after the shard: a crash between the two leaves an index that may miss the
        # newest series, which only matters if this shard is later damaged too. For the same
        # reason it is not flushed to disk (half the flushes of a write: the first run's demo
        # seeding writes 23 shards); the next shard's directory flush usually takes it along.
        index = json.dumps(
            {
                symbol: {k: v for k, v in new_meta[symbol].items() if k not in ("batch", "crc32")}
                for symbol in order
            },
            ensure_ascii=False,
        ).encode("utf-8")
        self._atomic_write_bytes(
            self._index_path(shard), lambda handle: handle.write(index), durable=False
        )

    # -- damage and quarantine ---------------------------------------------------------------
    def _status_problem(self, path: Path) -> str | None:
        try:
            payload = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as error:
            return f"not a status file ({type(error).__name__}: {error})"
        if not isinstance(payload, dict) or not isinstance(payload.get("last_error"), str):
            return "not a status file (no last_error text)"
        return None

    def _legacy_problem(self, path: Path) -> str | None:
        """Why an old per-symbol Parquet file cannot be migrated, or ``None``."""
        try:
            check_stored_symbol(path.stem)
            table = pq.read_table(path)
            table.select(CANONICAL_COLUMNS).cast(_SCHEMA.remove_metadata())
        except FileNotFoundError:
            return None
        except (*_DAMAGE_ERRORS, DataSourceError) as error:
            return f"not a readable bars file ({type(error).__name__}: {error})"
        return None

    def damaged(self) -> list[Damage]:
        """Every damaged file of the store: shards that do not open, series whose rows or
        checksum do not match, status files that are not JSON, old bars files that cannot be
        migrated. Reads every stored value once (``python -m data_sources check``)."""
        found = []
        for shard in range(SHARD_COUNT):
            loaded = self._load_shard(shard)
            if loaded.damage is not None:
                found.append(loaded.damage)
        for path in sorted(self.status_dir.glob("*.json")):
            problem = self._status_problem(path)
            if problem is not None:
                found.append(Damage(self._relative(path), problem))
        for path in sorted((self.root / "bars").glob("*.parquet")):
            problem = self._legacy_problem(path)
            if problem is not None:
                found.append(Damage(self._relative(path), problem, {path.stem: {}}))
        for path in sorted(self.turnover_dir.glob("*.arrow")):
            try:
                self._read_turnover_file(path)
            except _DAMAGE_ERRORS as error:
                found.append(Damage(self._relative(path), f"turnover unreadable ({error})"))
        return found

    def quarantine(self, damage: Iterable[Damage] | None = None) -> list[tuple[Damage, Path]]:
        """Move damaged files aside into ``<store>/quarantine`` (never deleted) and return
        each with where it went. A shard whose other series are intact is copied aside and
        rewritten with those series; anything else is moved."""
        moved = []
        with self.write_lock():
            for item in self.damaged() if damage is None else list(damage):
                path = self.root / item.file
                if not path.exists():
                    continue
                if item.file.startswith("shards/"):
                    shard = int(path.stem.removeprefix("shard-"))
                    before = len(self.quarantined)
                    self._rewrite_shard(shard, {})
                    moved += self.quarantined[before:]
                else:
                    moved.append((item, self._quarantine_one(item, move=True)))
            for leftover in (self.root / "bars").glob(".*.tmp"):
                leftover.unlink(missing_ok=True)
            with contextlib.suppress(OSError):
                (self.root / "bars").rmdir()
        return moved

    def _quarantine_one(self, damage: Damage, *, move: bool) -> Path:
        """Move (or copy) one damaged file to ``quarantine/<name>.<timestamp>`` with a note
        ``….about.json`` naming the problem and what it held. Caller holds the write lock."""
        source = self.root / damage.file
        self.quarantine_dir.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
        target = self.quarantine_dir / f"{source.name}.{stamp}"
        if move:
            os.replace(source, target)
        else:
            self._atomic_write(target, lambda temporary: shutil.copyfile(source, temporary))
        note = json.dumps(
            {
                "file": damage.file,
                "problem": damage.problem,
                "held": damage.held,
                "quarantined_at": _utc_now(),
            },
            ensure_ascii=False,
            indent=1,
        )
        self._atomic_write_bytes(
            target.with_name(target.name + ".about.json"), lambda h: h.write(note.encode())
        )
        self._fsync_directory(self.quarantine_dir)
        self.quarantined.append((damage, target))
        return target

    def to_refetch(self) -> pd.DataFrame:
        """Series held by quarantined files and not stored again since, with how to get each
        back: columns symbol, source, detail, quarantined_file, how."""
        stored = set(self._all_meta())
        rows = {}
        for note_path in sorted(self.quarantine_dir.glob("*.about.json")):
            try:
                note = json.loads(note_path.read_text(encoding="utf-8"))
                held = dict(note.get("held") or {})
            except (OSError, ValueError, TypeError):
                continue
            for symbol, provenance in held.items():
                if symbol in stored or not isinstance(provenance, dict):
                    continue
                rows[symbol] = {
                    "symbol": symbol,
                    "source": provenance.get("source"),
                    "detail": provenance.get("detail"),
                    "quarantined_file": note_path.name.removesuffix(".about.json"),
                    "how": refetch_hint(symbol, provenance),
                }
        columns = ["symbol", "source", "detail", "quarantined_file", "how"]
        return pd.DataFrame([rows[s] for s in sorted(rows)], columns=columns)

    # -- writing -----------------------------------------------------------------------------
    def write(self, result: FetchResult, *, merge: bool = True) -> int:
        """Store ``result.bars`` (one symbol) and return the number of rows now stored for it.

        With ``merge`` and the same source kind already stored, new rows are merged in (a new
        row replaces a stored row of the same date: sources revise recent bars). A different
        source kind replaces the series entirely, so a symbol never mixes synthetic and real rows.
        """
        return self.write_many([result], merge=merge)[0]

    def write_many(self, results: Iterable[FetchResult], *, merge: bool = True) -> list[int]:
        """Store several one-symbol results, rewriting each touched shard once.

        Everything is validated before anything is written; returns the rows stored per result.
        A damaged shard is quarantined (see :meth:`_rewrite_shard`) and its intact series kept.
        """
        prepared = [self._prepare(result) for result in results]
        symbols = [symbol for symbol, _, _ in prepared]
        if len(set(symbols)) != len(symbols):
            raise DataSourceError("a symbol appears twice in one write", source="store")
        by_shard: dict[int, list] = {}
        for item in prepared:
            by_shard.setdefault(shard_of(item[0]), []).append(item)
        stored_rows: dict[str, int] = {}
        with self.write_lock():
            for shard, items in sorted(by_shard.items()):
                meta = self._shard_meta(shard)
                merging = [
                    s for s, _, r in items if merge and meta.get(s, {}).get("source") == r.source
                ]
                stored = (
                    {
                        s: pa.Table.from_batches([b])
                        for s, b in self._load_shard(shard, merging).batches.items()
                    }
                    if merging
                    else {}
                )
                changes = {}
                turnover_changes = {}
                for symbol, bars, result in items:
                    turnover_changes[symbol] = (attached_turnover(bars), symbol in stored)
                    if symbol not in stored and meta.get(symbol, {}).get("source") == "import":
                        self._keep_replaced(shard, symbol, meta[symbol])
                    record = price_record(bars)
                    # One thread: one symbol's columns convert faster than a pool of
                    # threads starts (the pool was a tenth of the demo seeding).
                    table = pa.Table.from_pandas(
                        bars[CANONICAL_COLUMNS], schema=_SCHEMA, preserve_index=False, nthreads=1
                    )
                    if symbol in stored:
                        old = stored[symbol]
                        # a session now known to be suspended loses its old row too
                        replaced = pa.concat_arrays(
                            [
                                table["date"].combine_chunks(),
                                pa.array(
                                    pd.to_datetime(record.get("suspended", [])), pa.timestamp("ns")
                                ),
                            ]
                        )
                        keep = pc.invert(pc.is_in(old["date"], value_set=replaced))
                        table = pa.concat_tables([old.filter(keep), table.cast(old.schema)])
                        record = _merged_record(meta.get(symbol, {}), record, table)
                    table = table.take(pc.sort_indices(table, sort_keys=[("date", "ascending")]))
                    dates = table["date"]
                    changes[symbol] = (
                        table,
                        {
                            "source": result.source,
                            "detail": result.detail,
                            "fetched_at": _utc_now(),
                            "first_date": f"{pc.min(dates).as_py():%Y-%m-%d}",
                            "last_date": f"{pc.max(dates).as_py():%Y-%m-%d}",
                            "rows": table.num_rows,
                            **record,
                        },
                    )
                    stored_rows[symbol] = table.num_rows
                self._rewrite_shard(shard, changes)
                for symbol, (rows, merged) in turnover_changes.items():
                    dates = changes[symbol][0]["date"].to_numpy() if merged else None
                    self._write_turnover(symbol, rows, merged=merged, dates=dates)
                for symbol, _, _ in items:
                    self._clear_error(symbol)
        return [stored_rows[symbol] for symbol in symbols]

    def _keep_replaced(self, shard: int, symbol: str, provenance: dict) -> None:
        """Copy an imported series about to be replaced to ``replaced/<symbol>.<UTC time>.csv``
        (date, open, high, low, close, volume, amount: it imports again) and its provenance to
        the ``.json`` beside it; the oldest copies beyond MAX_REPLACED per series are removed.
        A series a damaged shard lost is not copied (the quarantine keeps the file)."""
        batch = self._load_shard(shard, [symbol]).batches.get(symbol)
        if batch is None:
            return
        frame = batch.to_pandas()[CANONICAL_COLUMNS].drop(columns="symbol")
        self.replaced_dir.mkdir(parents=True, exist_ok=True)
        safe = re.sub(r"[^A-Za-z0-9._-]", "_", symbol)
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
        target = self.replaced_dir / f"{safe}.{stamp}.csv"
        content = frame.to_csv(index=False, date_format="%Y-%m-%d").encode("utf-8")
        self._atomic_write_bytes(target, lambda handle: handle.write(content))
        details = json.dumps({"symbol": symbol, **provenance}, ensure_ascii=False, indent=1)
        self._atomic_write_bytes(
            target.with_suffix(".json"), lambda handle: handle.write(details.encode("utf-8"))
        )
        self.replaced.append((symbol, target, len(frame)))
        pattern = re.compile(rf"{re.escape(safe)}\.\d{{8}}T\d{{12}}Z\.csv")
        copies = sorted(p for p in self.replaced_dir.iterdir() if pattern.fullmatch(p.name))
        for old in copies[: -self.MAX_REPLACED]:
            old.unlink(missing_ok=True)
            old.with_suffix(".json").unlink(missing_ok=True)

    @staticmethod
    def _prepare(result: FetchResult) -> tuple[str, pd.DataFrame, FetchResult]:
        bars = result.bars
        validate_bars(bars, source=result.detail)
        symbols = bars["symbol"].unique()
        if len(symbols) != 1:
            raise DataSourceError(f"one symbol per write, got {len(symbols)}", source="store")
        symbol = check_symbol(str(symbols[0]))
        if bars.empty:
            raise DataSourceError("nothing to store", symbol=symbol, source="store")
        return symbol, bars, result

    def record_error(self, symbol: str, message: str) -> None:
        """Remember the last failure for ``symbol`` (shown on the Data page); data is untouched."""
        payload = json.dumps({"last_error": message, "at": _utc_now()}, ensure_ascii=False)
        path = self._status_path(symbol)
        with self.write_lock():
            self._set_damaged_status_aside(path)
            self._atomic_write_bytes(path, lambda h: h.write(payload.encode()))

    def _set_damaged_status_aside(self, path: Path) -> None:
        problem = self._status_problem(path)
        if problem is not None:
            self._quarantine_one(Damage(self._relative(path), problem), move=True)

    def _clear_error(self, symbol: str) -> None:
        path = self._status_path(symbol)
        self._set_damaged_status_aside(path)
        path.unlink(missing_ok=True)

    def delete(self, symbol: str) -> None:
        symbol = check_stored_symbol(symbol)
        with self.write_lock():
            if symbol in self._load_shard_shapes(shard_of(symbol)).claimed:
                self._rewrite_shard(shard_of(symbol), {symbol: None})
            self._turnover_path(symbol).unlink(missing_ok=True)
            self._clear_error(symbol)

    # -- turnover side table (see data_sources.turnover) --------------------------------------
    def _turnover_path(self, symbol: str) -> Path:
        return self.turnover_dir / f"{check_stored_symbol(symbol)}.arrow"

    @staticmethod
    def _read_turnover_file(path: Path) -> pa.Table:
        """One symbol's turnover rows; raises one of ``_DAMAGE_ERRORS`` when the file is
        damaged (not Arrow, other columns, values that do not match their checksum)."""
        table = ipc.open_file(pa.py_buffer(path.read_bytes())).read_all()
        if not table.schema.remove_metadata().equals(_TURNOVER_SCHEMA):
            raise ValueError("its columns are not date, turnover")
        metadata = table.schema.metadata or {}
        table = table.replace_schema_metadata(None).combine_chunks()
        batches = table.to_batches()
        crc = batch_checksum(batches[0]) if batches else 0
        if int(metadata.get(_META_CRC_KEY, b"-1")) != crc:
            raise ValueError("its values do not match their checksum (changed on disk)")
        return table

    def _write_turnover(
        self, symbol: str, rows: pd.DataFrame | None, *, merged: bool, dates=None
    ) -> None:
        """Store ``rows`` (date, turnover) as the symbol's turnover. Merged into the stored
        rows when the bars were merged (new dates replace old ones); ``None`` (the source had
        no turnover) keeps merged bars' turnover and removes a replaced series'. Caller holds
        the write lock; a damaged turnover file is moved aside before it is replaced.
        ``dates``: the merged bars' dates (old rows on a date the bars no longer have, a
        session now known to be suspended, are dropped)."""
        path = self._turnover_path(symbol)
        old = None
        if path.exists():
            try:
                old = self._read_turnover_file(path).to_pandas()
            except _DAMAGE_ERRORS as error:
                damage = Damage(self._relative(path), f"turnover unreadable ({error})")
                self._quarantine_one(damage, move=True)
        if rows is None:
            if not merged:
                path.unlink(missing_ok=True)
            return
        if merged and old is not None:
            rows = pd.concat([old[~old["date"].isin(rows["date"])], rows], ignore_index=True)
            if dates is not None:
                rows = rows[rows["date"].isin(pd.DatetimeIndex(dates))]
        if rows.empty:
            path.unlink(missing_ok=True)
            return
        rows = rows.sort_values("date", ignore_index=True)
        table = pa.Table.from_pandas(
            rows[["date", "turnover"]], schema=_TURNOVER_SCHEMA, preserve_index=False
        ).combine_chunks()
        crc = str(batch_checksum(table.to_batches()[0])).encode()
        table = table.replace_schema_metadata({_META_CRC_KEY: crc})
        self.turnover_dir.mkdir(parents=True, exist_ok=True)

        def write_path(temporary: Path) -> None:
            with pa.OSFile(str(temporary), "wb") as sink, ipc.new_file(sink, table.schema) as w:
                w.write_table(table)

        self._atomic_write(path, write_path)

    def turnover(self, symbols: Iterable[str] | None = None, start=None, end=None) -> pd.DataFrame:
        """Daily turnover in % of the float (换手率) of ``symbols`` (default: every symbol that
        has some) between ``start`` and ``end`` inclusive: columns symbol, date, turnover, by
        symbol (in the order given) then date. Only series whose source had turnover have
        rows. A damaged turnover file is left out and named in ``attrs["damaged"]`` (as
        :class:`Damage`), never returned wrong."""
        if symbols is None:
            wanted = sorted(path.stem for path in self.turnover_dir.glob("*.arrow"))
        else:
            wanted = list(dict.fromkeys(check_stored_symbol(symbol) for symbol in symbols))
        tables, damage = [], []
        for symbol in wanted:
            path = self._turnover_path(symbol)
            try:
                table = self._read_turnover_file(path)
            except FileNotFoundError:
                continue
            except _DAMAGE_ERRORS as error:
                damage.append(Damage(self._relative(path), f"turnover unreadable ({error})"))
                continue
            symbols = pa.DictionaryArray.from_arrays(
                pa.array(np.zeros(table.num_rows, dtype=np.int32)), pa.array([symbol])
            )
            tables.append(table.add_column(0, "symbol", symbols))
        if tables:
            table = pa.concat_tables(tables, promote_options="permissive")
            if start is not None:
                table = table.filter(pc.greater_equal(table["date"], pd.Timestamp(start)))
            if end is not None:
                table = table.filter(pc.less_equal(table["date"], pd.Timestamp(end)))
            # one conversion for every symbol (one per symbol cost 3 ms each)
            out = table.to_pandas()
            out["symbol"] = out["symbol"].astype(object)
        else:
            out = empty_turnover()
        out["date"] = out["date"].astype("datetime64[ns]")
        out.attrs["damaged"] = damage
        return out

    # -- reading -----------------------------------------------------------------------------
    def _all_meta(self) -> dict[str, dict]:
        meta: dict[str, dict] = {}
        for shard in range(SHARD_COUNT):
            meta.update(self._shard_meta(shard))
        return meta

    def provenance(self, symbol: str) -> dict | None:
        """Source, detail, fetch time, first/last date and rows of one stored symbol (``None``
        when it is not stored); reads only that symbol's shard."""
        symbol = check_stored_symbol(symbol)
        return self._shard_meta(shard_of(symbol)).get(symbol)

    def symbols(self) -> list[str]:
        return sorted(self._all_meta())

    def price_records(self, symbols: Iterable[str]) -> dict[str, dict]:
        """Each stored symbol's price record (adjustment, suspended sessions, days beyond the
        price limit; see :mod:`data_sources.prices`); a series stored before these were
        recorded has ``adjustment`` ``None``. Reads only the symbols' shards' metadata."""
        wanted = list(dict.fromkeys(check_stored_symbol(s) for s in symbols))
        metas = {shard: self._shard_meta(shard) for shard in {shard_of(s) for s in wanted}}
        out = {}
        for symbol in wanted:
            provenance = metas[shard_of(symbol)].get(symbol)
            if provenance is not None:
                out[symbol] = {key: provenance.get(key) for key in PRICE_RECORD_KEYS}
        return out

    def is_empty(self) -> bool:
        return not any(self.shards_dir.glob("shard-*.arrow"))

    def version(self) -> tuple:
        """Changes whenever any stored file changes: a cache key for everything read from it."""
        stamps = []
        for path in (
            sorted(self.shards_dir.glob("shard-*.arrow"))
            + sorted(self.status_dir.glob("*.json"))
            + sorted((self.root / "bars").glob("*.parquet"))
            + sorted(self.quarantine_dir.glob("*.about.json"))
            + sorted(self.turnover_dir.glob("*.arrow"))
        ):
            try:
                stat = path.stat()
                # The inode changes on every atomic replace, even within one mtime tick.
                stamps.append((path.name, stat.st_mtime_ns, stat.st_ino, stat.st_size))
            except FileNotFoundError:  # removed by another writer meanwhile
                continue
        return (str(self.root), tuple(stamps))

    def read(self, symbols: Iterable[str] | None = None, start=None, end=None) -> pd.DataFrame:
        """Canonical bars for ``symbols`` (default all, in symbol order) between ``start`` and
        ``end`` inclusive; requested symbols keep the order given.

        Series in damaged files are left out, never returned wrong: the frame's
        ``attrs["damaged"]`` lists the damage met (as :class:`Damage`), empty when none.
        """
        self._last_read_damage = []
        if symbols is None:
            # Symbol order without sorting 12 million strings: every symbol is one record
            # batch, so order the batches.
            batches = []
            for shard in range(SHARD_COUNT):
                loaded = self._load_shard(shard)
                if loaded.damage is not None:
                    self._last_read_damage.append(loaded.damage)
                batches += loaded.batches.items()
            if not batches:
                return self._with_damage(empty_bars())
            batches.sort(key=lambda item: item[0])
            table = pa.Table.from_batches([batch for _, batch in batches], schema=_SCHEMA)
        else:
            wanted = list(dict.fromkeys(check_stored_symbol(symbol) for symbol in symbols))
            by_shard: dict[int, list[str]] = {}
            for symbol in wanted:
                by_shard.setdefault(shard_of(symbol), []).append(symbol)
            found: dict[str, pa.Table] = {}
            for shard, members in by_shard.items():
                found.update(self._read_shard_symbols(shard, members))
            if not found:
                return self._with_damage(empty_bars())
            table = pa.concat_tables([found[symbol] for symbol in wanted if symbol in found])
        if start is not None:
            table = table.filter(pc.greater_equal(table["date"], pd.Timestamp(start)))
        if end is not None:
            table = table.filter(pc.less_equal(table["date"], pd.Timestamp(end)))
        frame = table.to_pandas(split_blocks=True)
        frame["date"] = frame["date"].astype("datetime64[ns]")
        return self._with_damage(frame.reset_index(drop=True))

    def _with_damage(self, frame: pd.DataFrame) -> pd.DataFrame:
        frame.attrs["damaged"] = list(self._last_read_damage)
        return frame

    def coverage(self) -> pd.DataFrame:
        """One row per stored symbol: source, date range, rows, fetch time and last error
        (a damaged status file is left out; :meth:`damaged` names it)."""
        meta = self._all_meta()
        errors = {}
        for status_path in sorted(self.status_dir.glob("*.json")):
            if self._status_problem(status_path) is None:
                with contextlib.suppress(FileNotFoundError, ValueError):
                    payload = json.loads(status_path.read_text(encoding="utf-8"))
                    errors[status_path.stem] = payload["last_error"]
        rows = [
            {
                "symbol": symbol,
                **{key: meta[symbol].get(key) for key in COVERAGE_COLUMNS[1:7]},
                "last_error": errors.get(symbol, ""),
                "adjustment": meta[symbol].get("adjustment"),
                "suspended_sessions": len(meta[symbol].get("suspended") or ()),
            }
            for symbol in sorted(meta)
        ]
        rows += [
            {"symbol": symbol, "source": None, "rows": 0, "last_error": error}
            for symbol, error in errors.items()
            if symbol not in meta
        ]
        frame = pd.DataFrame(rows, columns=COVERAGE_COLUMNS)
        for column in ("first_date", "last_date"):
            # coerce: shards written before the metadata checksum cannot prove their dates
            frame[column] = pd.to_datetime(frame[column], format="%Y-%m-%d", errors="coerce")
        return frame

    # -- migration from the one-file-per-symbol layout ---------------------------------------
    def _migrate_per_symbol_files(self) -> None:
        """Move old per-symbol files into the shards; a file that cannot be read stays where it
        is (named by :meth:`damaged`) and the rest are migrated."""
        legacy = self.root / "bars"
        with self.write_lock():
            if not legacy.is_dir():  # another process migrated meanwhile
                return
            for path in sorted(legacy.glob("*.parquet")):
                if self._legacy_problem(path) is not None:
                    continue
                table = pq.read_table(path)
                metadata = table.schema.metadata or {}
                try:
                    meta = json.loads(metadata[_META_KEY]) if _META_KEY in metadata else {}
                except ValueError:
                    meta = {}
                if not isinstance(meta, dict):
                    meta = {}
                symbol = check_stored_symbol(path.stem)
                table = table.replace_schema_metadata(None).select(CANONICAL_COLUMNS)
                table = table.cast(_SCHEMA)
                if table.num_rows:
                    provenance = {
                        "source": meta.get("source", "import"),
                        "detail": meta.get("detail", "migrated from the per-symbol store"),
                        "fetched_at": meta.get("fetched_at", _utc_now()),
                        "first_date": f"{pc.min(table['date']).as_py():%Y-%m-%d}",
                        "last_date": f"{pc.max(table['date']).as_py():%Y-%m-%d}",
                        "rows": table.num_rows,
                    }
                    self._rewrite_shard(shard_of(symbol), {symbol: (table, provenance)})
                path.unlink()
            for leftover in legacy.glob(".*.tmp"):
                leftover.unlink(missing_ok=True)
            with contextlib.suppress(OSError):
                legacy.rmdir()
