"""The sharded Arrow store: round trip, merge rules, provenance, atomicity, concurrent writers,
writers killed mid-write, and migration from the old one-Parquet-file-per-symbol layout."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.ipc as ipc
import pyarrow.parquet as pq
import pytest

from data_sources.base import FetchResult
from data_sources.errors import DataSourceError
from data_sources.schema import to_canonical
from data_sources.store import SHARD_COUNT, Store, shard_of

PROJECT = Path(__file__).resolve().parents[1]


def _bars(symbol, dates, closes):
    return to_canonical(pd.DataFrame({"date": dates, "close": closes}), symbol)


def _same_shard_symbols(count: int) -> list[str]:
    """Symbols that all hash to one shard, so their writers contend for the same file."""
    target = shard_of("SAME0")
    found = [f"SAME{n}" for n in range(5000) if shard_of(f"SAME{n}") == target]
    return found[:count]


def test_round_trip_and_coverage(tmp_path):
    store = Store(tmp_path)
    bars = _bars("399006.SZ", ["2020-01-02", "2020-01-03"], [1800.5, 1810.25])
    assert store.write(FetchResult(bars, "akshare", "akshare test")) == 2
    read = store.read(["399006.SZ"])
    pd.testing.assert_frame_equal(read, bars)
    coverage = store.coverage().iloc[0]
    assert coverage["source"] == "akshare" and coverage["rows"] == 2
    assert coverage["first_date"] == pd.Timestamp("2020-01-02")
    assert coverage["last_date"] == pd.Timestamp("2020-01-03")
    assert coverage["fetched_at"].endswith("Z")
    provenance = store.provenance("399006.SZ")
    assert (provenance["source"], provenance["last_date"], provenance["rows"]) == (
        "akshare",
        "2020-01-03",
        2,
    )
    assert store.provenance("000300.SH") is None


def test_full_read_is_in_symbol_then_date_order_and_requested_order_is_kept(tmp_path):
    store = Store(tmp_path)
    symbols = ["Z9", "A1", "M5", "600030.SH", "508000.SH", "zz-brokers"]
    store.write_many(
        [
            FetchResult(_bars(s, ["2020-01-03", "2020-01-02"], [2.0, 1.0]), "import", "f")
            for s in symbols
        ]
    )
    everything = store.read()
    assert everything["symbol"].tolist() == [s for s in sorted(symbols) for _ in (1, 2)]
    assert everything.groupby("symbol")["date"].is_monotonic_increasing.all()
    assert store.symbols() == sorted(symbols)
    some = store.read(["M5", "A1", "not-stored", "M5"])
    assert some["symbol"].tolist() == ["M5", "M5", "A1", "A1"]
    window = store.read(["A1"], start="2020-01-03", end="2020-01-03")
    assert window["close"].tolist() == [2.0]


def test_same_source_merges_and_revises_other_source_replaces(tmp_path):
    store = Store(tmp_path)
    store.write(FetchResult(_bars("X", ["2020-01-02", "2020-01-03"], [1.0, 2.0]), "akshare", "a"))
    store.write(FetchResult(_bars("X", ["2020-01-03", "2020-01-06"], [2.5, 3.0]), "akshare", "a"))
    assert store.read(["X"])["close"].tolist() == [1.0, 2.5, 3.0]
    store.write(FetchResult(_bars("X", ["2021-01-04"], [9.0]), "demo", "d"))
    assert store.read(["X"])["close"].tolist() == [9.0]
    assert store.coverage().iloc[0]["source"] == "demo"


def test_writing_one_symbol_keeps_its_shard_neighbours(tmp_path):
    store = Store(tmp_path)
    first, second, third = _same_shard_symbols(3)
    for number, symbol in enumerate((first, second, third)):
        store.write(FetchResult(_bars(symbol, ["2020-01-02"], [number + 1.0]), "import", "f"))
    store.write(FetchResult(_bars(second, ["2020-01-03"], [7.0]), "import", "f"))
    store.delete(third)
    assert store.read()["close"].tolist() == [1.0, 2.0, 7.0]
    assert store.symbols() == [first, second]
    assert len(list((tmp_path / "shards").glob("*.arrow"))) == 1


def test_write_many_validates_everything_before_writing_anything(tmp_path):
    store = Store(tmp_path)
    good = FetchResult(_bars("A", ["2020-01-02"], [1.0]), "import", "f")
    duplicate = FetchResult(_bars("A", ["2020-01-03"], [2.0]), "import", "f")
    with pytest.raises(DataSourceError, match="twice"):
        store.write_many([good, duplicate])
    assert store.is_empty()


def test_deleting_the_last_symbol_of_a_shard_removes_the_file(tmp_path):
    store = Store(tmp_path)
    store.write(FetchResult(_bars("X", ["2020-01-02"], [1.0]), "import", "f"))
    store.delete("X")
    store.delete("never-stored")
    assert store.is_empty() and store.read().empty and store.coverage().empty


def test_errors_are_recorded_without_touching_data(tmp_path):
    store = Store(tmp_path)
    store.write(FetchResult(_bars("X", ["2020-01-02"], [1.0]), "akshare", "a"))
    store.record_error("X", "akshare failed: ConnectionError")
    assert store.read(["X"])["close"].tolist() == [1.0]
    assert store.coverage().iloc[0]["last_error"] == "akshare failed: ConnectionError"
    store.write(FetchResult(_bars("X", ["2020-01-03"], [2.0]), "akshare", "a"))
    assert store.coverage().iloc[0]["last_error"] == ""


def test_version_changes_on_every_write(tmp_path):
    store = Store(tmp_path)
    versions = {store.version()}
    for close in (1.0, 2.0, 3.0):
        store.write(FetchResult(_bars("X", ["2020-01-02"], [close]), "import", "f"))
        versions.add(store.version())
    store.record_error("X", "boom")
    versions.add(store.version())
    assert len(versions) == 5


def test_crash_mid_write_leaves_previous_version_readable(tmp_path, monkeypatch):
    store = Store(tmp_path)
    store.write(FetchResult(_bars("X", ["2020-01-02"], [1.0]), "akshare", "a"))

    def crash(sink, schema, *args, **kwargs):
        sink.write(b"ARROW1 half a file")
        raise OSError("disk full")

    monkeypatch.setattr(ipc, "new_file", crash)
    with pytest.raises(OSError):
        store.write(FetchResult(_bars("X", ["2020-01-03"], [2.0]), "akshare", "a"))
    monkeypatch.undo()
    assert store.read(["X"])["close"].tolist() == [1.0]
    assert not list(Path(tmp_path, "shards").glob(".*.tmp"))


# A writer that rewrites one big shard over and over: version ``n`` of symbol K has every close
# equal to n, so a reader can tell a whole version from a torn one.
_KILLED_WRITER = """
import sys
import numpy as np, pandas as pd
from data_sources.base import FetchResult
from data_sources.schema import to_canonical
from data_sources.store import Store
root, symbol = sys.argv[1], sys.argv[2]
store = Store(root)
dates = pd.bdate_range("2000-01-03", periods=6000)
version = float(store.read([symbol])["close"].iloc[0])  # continue from the last commit
print("ready", flush=True)
while True:
    version += 1
    closes = np.full(6000, version)
    bars = to_canonical(pd.DataFrame({"date": dates, "close": closes}), symbol)
    store.write(FetchResult(bars, "import", "kill test"))
"""


@pytest.fixture(params=["os", "soft"])
def lock_kind(request, monkeypatch) -> str:
    """Both lock kinds of data_sources.locking: the OS lock, and filelock's marker-file lock
    (no OS lock call), so the writer checks also cover what Windows users' code paths do.
    An environment variable, so the writer processes these tests start inherit it."""
    monkeypatch.setenv("POLICYLENS_LOCK", request.param)
    return request.param


def test_writer_killed_mid_write_leaves_a_whole_version(tmp_path, lock_kind):
    """SIGKILL a real writer process at varied moments; after each kill the store still reads
    a complete version of every symbol, and the next writer cleans up the orphaned temp file."""
    target, *neighbours = _same_shard_symbols(12)
    store = Store(tmp_path)
    dates = pd.bdate_range("2000-01-03", periods=6000)
    closes = np.arange(1.0, 6001)
    store.write_many(
        [FetchResult(_bars(s, dates, closes), "import", "neighbour") for s in neighbours]
        + [FetchResult(_bars(target, dates, np.ones(6000)), "import", "version 1")]
    )
    environment = {**os.environ, "PYTHONPATH": str(PROJECT)}
    rng = np.random.default_rng(7)
    last_version = 1.0
    for _ in range(6):
        writer = subprocess.Popen(
            [sys.executable, "-c", _KILLED_WRITER, str(tmp_path), target],
            stdout=subprocess.PIPE,
            env=environment,
        )
        assert writer.stdout.readline().strip() == b"ready"
        time.sleep(float(rng.uniform(0.05, 0.6)))
        writer.send_signal(signal.SIGKILL)
        writer.wait(30)
        fresh = Store(tmp_path)
        series = fresh.read([target])
        assert len(series) == 6000
        assert series["close"].nunique() == 1, "a torn write is visible"
        assert series["close"].iloc[0] >= last_version
        last_version = series["close"].iloc[0]
        meta = fresh.coverage().set_index("symbol")
        assert meta.at[target, "rows"] == 6000
        for neighbour in neighbours:
            assert fresh.read([neighbour])["close"].sum() == pytest.approx(6000 * 6001 / 2)
    assert last_version > 1.0  # some writes did commit between kills
    Store(tmp_path).write(FetchResult(_bars("after", ["2020-01-02"], [1.0]), "import", "f"))
    assert not list((tmp_path / "shards").glob(".*.tmp"))


def _writer(root, symbol, dates):
    store = Store(root)
    for date in dates:
        store.write(FetchResult(_bars(symbol, [date], [1.0]), "akshare", "a"))


def test_two_writer_processes_lose_nothing(tmp_path, lock_kind):
    """Same symbol from two processes, and two symbols that share a shard file."""
    dates = [f"{d:%Y-%m-%d}" for d in pd.bdate_range("2020-01-01", periods=30)]
    first, second = _same_shard_symbols(2)
    context = multiprocessing.get_context("spawn")
    jobs = [
        ("X", dates[0::2]),
        ("X", dates[1::2]),
        (first, dates[0::2]),
        (second, dates[1::2]),
    ]
    workers = [context.Process(target=_writer, args=(str(tmp_path), s, d)) for s, d in jobs]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
        assert worker.exitcode == 0
    store = Store(tmp_path)
    assert store.read(["X"])["date"].dt.strftime("%Y-%m-%d").tolist() == dates
    assert store.read([first])["date"].dt.strftime("%Y-%m-%d").tolist() == dates[0::2]
    assert store.read([second])["date"].dt.strftime("%Y-%m-%d").tolist() == dates[1::2]


def test_old_per_symbol_parquet_store_is_migrated_without_loss(tmp_path):
    legacy = tmp_path / "bars"
    legacy.mkdir()
    bars = _bars("399006.SZ", ["2020-01-02", "2020-01-03"], [1800.5, 1810.25])
    table = pa.Table.from_pandas(bars, preserve_index=False)
    meta = {"source": "akshare", "detail": "akshare old", "fetched_at": "2026-01-02T03:04:05Z"}
    table = table.replace_schema_metadata({b"policylens": json.dumps(meta).encode()})
    pq.write_table(table, legacy / "399006.SZ.parquet")
    (legacy / ".399006.SZ.parquet.abc.tmp").write_bytes(b"half")
    store = Store(tmp_path)
    pd.testing.assert_frame_equal(store.read(["399006.SZ"]), bars)
    coverage = store.coverage().iloc[0]
    assert (coverage["source"], coverage["fetched_at"], coverage["rows"]) == (
        "akshare",
        "2026-01-02T03:04:05Z",
        2,
    )
    assert not legacy.exists()


def test_shard_assignment_is_stable():
    # CRC-32 of the UTF-8 bytes: the same on every machine and Python version.
    assert shard_of("000300.SH") == 3979393960 % SHARD_COUNT
    assert len({shard_of(f"{n:06d}.SZ") for n in range(2000)}) == SHARD_COUNT


@pytest.mark.parametrize("symbol", ["../../etc/passwd", "a/b", "..", "", "x" * 41, "a\x00b"])
def test_path_like_symbols_are_refused(tmp_path, symbol):
    with pytest.raises(DataSourceError):
        Store(tmp_path).read([symbol])
    assert not (tmp_path.parent / "etc").exists()


# -- damaged files (issue 11 item 1) ---------------------------------------------------------
from data_sources.store import Damage  # noqa: E402
from tests import store_damage  # noqa: E402


@pytest.mark.parametrize("damage", sorted(store_damage.SHARD_DAMAGE))
def test_a_damaged_shard_is_named_and_every_other_series_is_served(tmp_path, damage):
    store = Store(tmp_path)
    victims = store_damage.same_shard_symbols(3)
    others = ["000300.SH", "399006.SZ", "508000.SH"]
    store_damage.fill(store, victims, others)
    shard = store._shard_path(shard_of(victims[0]))
    store_damage.SHARD_DAMAGE[damage](shard)
    fresh = Store(tmp_path)  # constructing it must not fail either
    found = fresh.damaged()
    assert [d.file for d in found] == [f"shards/{shard.name}"]
    every = fresh.read()
    assert set(others) <= set(every["symbol"])
    for number, symbol in enumerate(victims + others):
        if symbol in others:
            closes = fresh.read([symbol])["close"].to_numpy()
            np.testing.assert_array_equal(closes, store_damage.closes_of(number))
    assert [d.file for d in every.attrs["damaged"]] == [f"shards/{shard.name}"]
    assert set(others) <= set(fresh.symbols()) and set(others) <= set(fresh.coverage()["symbol"])
    assert fresh.provenance(others[0])["rows"] == len(store_damage.SESSIONS)
    assert fresh.version() and not fresh.is_empty()
    # what is lost is named (a truncated file still says what it held), never returned wrong
    lost = set(found[0].symbols)
    recovered = set(every["symbol"]) & set(victims)
    if damage == "truncated":
        assert lost | recovered == set(victims) and not lost & recovered
    else:  # nothing in the file says what it held: its index does
        assert lost == set(victims) and recovered == set()


def test_a_truncated_shard_names_what_it_held_and_recovers_its_first_series(tmp_path):
    store = Store(tmp_path)
    victims = store_damage.same_shard_symbols(4)
    store_damage.fill(store, victims, [])
    store_damage.truncate(store._shard_path(shard_of(victims[0])), keep=0.5)
    damage = Store(tmp_path).damaged()[0]
    readable = set(Store(tmp_path).read()["symbol"])
    assert damage.whole_file and damage.symbols and readable
    assert set(damage.symbols) | readable == set(victims)
    assert damage.held[damage.symbols[0]]["source"] == "import"


@pytest.mark.parametrize("damage", ["head", "zero"])
def test_a_shard_too_damaged_to_say_what_it_held_is_named_from_its_index(tmp_path, damage):
    """Cut to its first 200 bytes (its schema and provenance gone) or emptied, a shard no
    longer names its series; the index beside it does, so they can be re-fetched."""
    store = Store(tmp_path)
    victims = store_damage.same_shard_symbols(3)
    store_damage.fill(store, victims, ["000300.SH"])
    path = store._shard_path(shard_of(victims[0]))
    path.write_bytes(path.read_bytes()[:200] if damage == "head" else b"")
    [found] = Store(tmp_path).damaged()
    assert found.symbols == sorted(victims)
    assert all(found.held[symbol]["source"] == "import" for symbol in victims)
    Store(tmp_path).quarantine()
    assert list(Store(tmp_path).to_refetch()["symbol"]) == sorted(victims)
    assert Store(tmp_path).damaged() == []
    assert list(Store(tmp_path).read()["symbol"].unique()) == ["000300.SH"]


def test_flipped_bytes_in_the_data_are_found_by_the_checksum(tmp_path):
    store = Store(tmp_path)
    victims = store_damage.same_shard_symbols(3)
    numbers = store_damage.fill(store, victims, ["000300.SH"])
    shard = store._shard_path(shard_of(victims[1]))
    store_damage.flip_closes(shard, numbers[victims[1]])
    read = Store(tmp_path).read([victims[1], victims[0], "000300.SH"])
    assert victims[1] not in set(read["symbol"]), "changed closes were returned"
    assert read["close"].between(999, 1100).all()
    [damage] = read.attrs["damaged"]
    assert (damage.symbols, damage.whole_file) == ([victims[1]], False)
    assert "checksum" in damage.problem
    assert Store(tmp_path).damaged() == [damage]
    # the neighbours in the same shard are intact and served
    np.testing.assert_array_equal(
        Store(tmp_path).read([victims[2]])["close"], store_damage.closes_of(numbers[victims[2]])
    )


def test_shards_written_before_checksums_still_read(tmp_path):
    store = Store(tmp_path)
    store.write(FetchResult(_bars("X", ["2020-01-02", "2020-01-03"], [1.0, 2.0]), "import", "f"))
    path = store._shard_path(shard_of("X"))
    reader = ipc.open_file(pa.py_buffer(path.read_bytes()))  # not mapped: rewritten below
    meta = json.loads(reader.schema.metadata[b"policylens"])
    assert "crc32" in meta["X"]
    del meta["X"]["crc32"]
    table = reader.read_all()
    old = table.schema.with_metadata({b"policylens": json.dumps(meta)})
    with pa.OSFile(str(path), "wb") as sink, ipc.new_file(sink, old) as writer:
        writer.write_table(table.replace_schema_metadata(old.metadata))
    again = Store(tmp_path)
    assert again.read(["X"])["close"].tolist() == [1.0, 2.0]
    assert again.damaged() == []


@pytest.mark.parametrize("content", [b"", b"{not json", b"[1, 2]", b"\xff\xfe\x00"])
def test_a_bad_status_file_is_named_and_never_fatal(tmp_path, content):
    store = Store(tmp_path)
    store.write(FetchResult(_bars("X", ["2020-01-02"], [1.0]), "akshare", "a"))
    store.record_error("Y", "network down")
    (tmp_path / "status" / "X.json").write_bytes(content)
    coverage = Store(tmp_path).coverage().set_index("symbol")
    assert coverage.loc["Y", "last_error"] == "network down" and coverage.loc["X", "rows"] == 1
    assert [d.file for d in store.damaged()] == ["status/X.json"]
    # writing X again clears its error; the damaged file goes to quarantine, not away
    store.write(FetchResult(_bars("X", ["2020-01-03"], [2.0]), "akshare", "a"))
    assert store.damaged() == []
    kept = [p for p in (tmp_path / "quarantine").iterdir() if not p.name.endswith(".about.json")]
    assert [p.read_bytes() for p in kept] == [content]


def test_an_unreadable_old_bars_file_is_named_and_the_others_migrate(tmp_path):
    legacy = tmp_path / "bars"
    legacy.mkdir()
    good = _bars("399006.SZ", ["2020-01-02", "2020-01-03"], [1800.5, 1810.25])
    pq.write_table(pa.Table.from_pandas(good, preserve_index=False), legacy / "399006.SZ.parquet")
    (legacy / "000300.SH.parquet").write_bytes(b"PAR1 not really parquet")
    store = Store(tmp_path)
    pd.testing.assert_frame_equal(store.read(["399006.SZ"]), good)
    [damage] = store.damaged()
    assert (damage.file, damage.symbols) == ("bars/000300.SH.parquet", ["000300.SH"])
    moved = store.quarantine()
    assert [item.file for item, _ in moved] == ["bars/000300.SH.parquet"]
    assert moved[0][1].read_bytes() == b"PAR1 not really parquet"
    assert not legacy.exists() and Store(tmp_path).damaged() == []
    assert list(store.to_refetch()["symbol"]) == ["000300.SH"]


@pytest.mark.parametrize("damage", [*sorted(store_damage.SHARD_DAMAGE), "flipped"])
def test_writing_into_a_damaged_shard_quarantines_it_first(tmp_path, damage):
    store = Store(tmp_path)
    victims = store_damage.same_shard_symbols(3)
    numbers = store_damage.fill(store, victims, ["000300.SH"])
    shard = store._shard_path(shard_of(victims[0]))
    if damage == "flipped":
        store_damage.flip_closes(shard, numbers[victims[1]])
    else:
        store_damage.SHARD_DAMAGE[damage](shard)
    damaged_bytes = shard.read_bytes()
    again = Store(tmp_path)
    again.write(store_damage.series(victims[0], 99), merge=False)
    copies = [p for p in (tmp_path / "quarantine").iterdir() if not p.name.endswith(".json")]
    assert [p.read_bytes() for p in copies] == [damaged_bytes]
    assert [d for d, _ in again.quarantined][0].file == f"shards/{shard.name}"
    fresh = Store(tmp_path)
    assert fresh.damaged() == []
    np.testing.assert_array_equal(fresh.read([victims[0]])["close"], store_damage.closes_of(99))
    np.testing.assert_array_equal(fresh.read(["000300.SH"])["close"], store_damage.closes_of(3))
    if damage == "flipped":  # the intact neighbour was kept, the damaged one is to re-import
        assert victims[2] in fresh.symbols()
        assert list(fresh.to_refetch()["symbol"]) == [victims[1]]
    lost = fresh.to_refetch()
    assert victims[0] not in set(lost["symbol"])  # stored again, no longer to re-fetch
    assert all(how.startswith("re-import the file") for how in lost["how"])


def test_quarantine_moves_damage_aside_and_keeps_intact_neighbours(tmp_path):
    store = Store(tmp_path)
    victims = store_damage.same_shard_symbols(3)
    numbers = store_damage.fill(store, victims, ["000300.SH"])
    store_damage.flip_closes(store._shard_path(shard_of(victims[0])), numbers[victims[0]])
    store_damage.zero_bytes(store._shard_path(shard_of("000300.SH")))
    (tmp_path / "status" / "Q.json").write_text("oops")
    moved = store.quarantine()
    assert len(moved) == 3 and store.damaged() == []
    assert store.symbols() == sorted(victims[1:])
    # the flipped series, and 000300.SH named by the zero-byte shard's index
    assert set(store.to_refetch()["symbol"]) == {victims[0], "000300.SH"}
    assert len(list((tmp_path / "quarantine").glob("*.about.json"))) == 3
    assert isinstance(moved[0][0], Damage)


def test_demo_seeding_never_replaces_an_import_that_won_the_race(tmp_path, monkeypatch):
    """An import commits between the seeding's emptiness check and its write (forced here):
    the import is kept and only the demo symbols still absent are seeded."""
    from data_sources.bootstrap import seed_demo_if_empty
    from data_sources.demo import demo_symbols

    store = Store(tmp_path)
    imported = demo_symbols()[0]
    real = _bars(imported, ["2020-01-02", "2020-01-03"], [11.0, 12.0])
    original_is_empty = Store.is_empty

    def empty_then_an_import_commits(self):
        answer = original_is_empty(self)
        Store(tmp_path).write(FetchResult(real, "import", "file real.csv"), merge=False)
        return answer

    monkeypatch.setattr(Store, "is_empty", empty_then_an_import_commits)
    seeded = seed_demo_if_empty(store)
    monkeypatch.undo()
    assert imported not in seeded and seeded == [s for s in demo_symbols() if s != imported]
    pd.testing.assert_frame_equal(Store(tmp_path).read([imported]), real)
    assert Store(tmp_path).provenance(imported)["source"] == "import"
    assert seed_demo_if_empty(store) == []


def test_a_flipped_byte_in_the_provenance_is_found_and_the_header_copy_serves(tmp_path):
    """The provenance sits twice in a shard (the stream header and the footer); a flipped byte
    in the footer's copy fails its checksum, and every series is recovered from the header."""
    store = Store(tmp_path)
    victims = store_damage.same_shard_symbols(3)
    numbers = store_damage.fill(store, victims, [])
    path = store._shard_path(shard_of(victims[0]))
    data = bytearray(path.read_bytes())
    at = data.rfind(b'"last_date": "2020-')
    data[at + 14] = ord("X")  # "2020-" becomes "X020-" in the footer's copy only
    path.write_bytes(bytes(data))
    fresh = Store(tmp_path)
    [damage] = fresh.damaged()
    assert "checksum" in damage.problem and damage.held == {}
    assert set(fresh.coverage()["last_date"].dt.year) == {2020}
    for symbol in victims:
        closes = fresh.read([symbol])["close"].to_numpy()
        np.testing.assert_array_equal(closes, store_damage.closes_of(numbers[symbol]))


def test_an_imported_series_replaced_by_a_new_import_is_kept_as_a_file(tmp_path):
    """A re-import replaces the series (merge=False): what the user imported before is kept as
    a CSV that imports again, never lost; an older import of another kind of source is not."""
    from data_sources.files import parse_price_file

    store = Store(tmp_path)
    first = _bars("600958.SH", ["2022-04-19", "2022-04-20", "2022-04-29"], [9.49, 9.22, 9.16])
    store.write(FetchResult(first, "import", "file a.csv"), merge=False)
    assert store.replaced == [] and not store.replaced_dir.exists()
    second = _bars("600958.SH", ["2022-05-05"], [8.74])
    store.write(FetchResult(second, "import", "file b.csv"), merge=False)
    assert store.read(["600958.SH"])["close"].tolist() == [8.74]
    ((symbol, kept, rows),) = store.replaced
    assert (symbol, rows) == ("600958.SH", 3) and kept.parent == store.replaced_dir
    again = parse_price_file(kept.read_bytes(), kept.name, "600958.SH")
    assert again["close"].tolist() == [9.49, 9.22, 9.16]
    assert "file a.csv" in kept.with_suffix(".json").read_text("utf-8")
    # at most MAX_REPLACED copies per series, the newest kept
    for number in range(Store.MAX_REPLACED + 2):
        bars = _bars("600958.SH", ["2022-05-05"], [float(number + 1)])
        Store(tmp_path).write(FetchResult(bars, "import", f"file {number}.csv"), merge=False)
    copies = sorted(store.replaced_dir.glob("600958.SH.*.csv"))
    assert len(copies) == Store.MAX_REPLACED
    newest = parse_price_file(copies[-1].read_bytes(), "x.csv", "600958.SH")
    assert newest["close"].tolist() == [float(Store.MAX_REPLACED + 1)]
    # a fetched series (re-fetchable) replaced by another source is not copied
    store = Store(tmp_path / "other")
    store.write(FetchResult(_bars("X", ["2020-01-02"], [1.0]), "akshare", "a"))
    store.write(FetchResult(_bars("X", ["2020-01-03"], [2.0]), "import", "f"), merge=False)
    assert store.replaced == []


def test_a_soft_lock_left_empty_by_a_writer_killed_while_creating_it_is_reclaimed(
    tmp_path, monkeypatch
):
    """filelock treats an empty marker as a live holder for ever; a writer killed between
    creating the marker and writing its record into it left the next writer waiting (a hang
    in test_writer_killed_mid_write_leaves_a_whole_version). An old empty marker is reclaimed;
    a fresh one is respected."""
    import threading

    from data_sources import locking

    monkeypatch.setenv(locking.LOCK_ENV, "soft")
    marker = tmp_path / "store.lock"
    marker.write_bytes(b"")
    old = time.time() - 2 * locking.EMPTY_MARKER_GRACE_S
    os.utime(marker, (old, old))
    acquired = threading.Event()

    def take() -> None:
        with locking.exclusive_lock(marker):
            acquired.set()

    worker = threading.Thread(target=take, daemon=True)
    worker.start()
    assert acquired.wait(timeout=60), "an empty marker from a dead writer blocked the lock"
    worker.join(timeout=60)
    # a marker that is empty only for a moment (being written) is not taken away
    marker.write_bytes(b"")
    blocked = threading.Event()

    def wait_on_fresh() -> None:
        with locking.exclusive_lock(marker):
            blocked.set()

    fresh = threading.Thread(target=wait_on_fresh, daemon=True)
    fresh.start()
    assert not blocked.wait(timeout=2.0)  # still held: younger than the grace period
    marker.unlink()  # its holder releases
    assert blocked.wait(timeout=60)
