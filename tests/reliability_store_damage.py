"""Reliability part "damaged store" (issue 11 items 1 and 3): damaged shards, status files and
old bars files at every entry point that reads or writes the store, and the demo seeding racing
an import. Each function returns :class:`tests.reliability.Outcome` rows.

A *failure*: damage not named, a damaged series returned with wrong values, a wrong exit code, a
damaged file thrown away instead of set aside. A *crash*: an exception out of the store, the
CLI's "internal error", or Streamlit's exception box. *Rows lost*: rows of undamaged series
(every series outside the damaged file) that changed or vanished.
"""

from __future__ import annotations

import contextlib
import io
import random
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from tests import store_damage
from tests.reliability import Outcome, _MonkeyPatch, data_directory

PART = "damaged store"
OTHERS = ["000300.SH", "399006.SZ", "508000.SH", "600030.SH", "zz-brokers"]


def _flip_random(seed: int) -> Callable[[Path], None]:
    def flip(path: Path) -> None:
        data = bytearray(path.read_bytes())
        at = random.Random(seed).randrange(0, max(len(data) - 16, 1))
        for offset in range(at, min(at + 16, len(data))):
            data[offset] ^= 0xFF
        path.write_bytes(bytes(data))

    return flip


def shard_damages() -> dict[str, Callable]:
    """Every way a shard is damaged here: ``damage(path, numbers, victims)``."""
    cases: dict[str, Callable] = {}
    for keep in (0.02, 0.1, 0.3, 0.5, 0.8, 0.95, 0.999):
        cases[f"truncated to {keep:.1%}"] = lambda p, n, v, keep=keep: store_damage.truncate(
            p, keep
        )
    cases["zero bytes"] = lambda p, n, v: store_damage.zero_bytes(p)
    for seed in range(3):
        cases[f"garbage #{seed}"] = lambda p, n, v, seed=seed: store_damage.garbage(p, seed)
    for which in range(3):
        cases[f"16 bytes flipped in the closes of series {which}"] = lambda p, n, v, which=which: (
            store_damage.flip_closes(p, n[v[which]])
        )
    for seed in range(12):
        cases[f"16 bytes flipped at random offset #{seed}"] = lambda p, n, v, seed=seed: (
            _flip_random(seed)(p)
        )
    return cases


def _expected(numbers: dict[str, int], symbol: str) -> np.ndarray:
    return store_damage.closes_of(numbers[symbol])


def _rows_lost(store, numbers: dict[str, int], symbols: list[str]) -> int:
    """Rows of ``symbols`` that are missing or changed in ``store``."""
    frame = store.read(symbols)
    lost = 0
    for symbol in symbols:
        closes = frame.loc[frame["symbol"] == symbol, "close"].to_numpy()
        expected = _expected(numbers, symbol)
        if len(closes) != len(expected):
            lost += len(expected)
        else:
            lost += int((closes != expected).sum())
    return lost


def _filled(root: str):
    from data_sources.store import Store, shard_of

    store = Store(root)
    victims = store_damage.same_shard_symbols(4)
    numbers = store_damage.fill(store, victims, OTHERS)
    return store, victims, numbers, store._shard_path(shard_of(victims[0]))


def store_reads() -> Outcome:
    """Every read entry point of the store over every shard damage: nothing raises, the damage
    is named, no series comes back with wrong values, undamaged series are whole."""
    from data_sources.store import Store

    outcome = Outcome(PART, "store reads (Store, read, coverage, symbols, damaged, …)")
    for name, damage in shard_damages().items():
        outcome.cases += 1
        with tempfile.TemporaryDirectory() as root:
            _, victims, numbers, shard = _filled(root)
            before = shard.read_bytes()
            damage(shard, numbers, victims)
            changed = shard.read_bytes() != before
            try:
                store = Store(root)
                everything = store.read()
                some = store.read(victims + OTHERS[:2], start="2020-01-01")
                found = store.damaged()
                store.coverage(), store.symbols(), store.version(), store.is_empty()
                store.provenance(victims[0])
            except Exception as error:  # counting what escapes is the point
                outcome.crash(f"{name}: {type(error).__name__}: {error}")
                continue
            outcome.rows_lost += _rows_lost(store, numbers, OTHERS)
            for frame in (everything, some):
                for symbol, rows in frame.groupby("symbol"):
                    if not np.array_equal(rows["close"].to_numpy(), _expected(numbers, symbol)):
                        outcome.fail(f"{name}: {symbol} returned with wrong closes")
            readable = set(everything["symbol"])
            if not found and not (readable >= set(victims)):
                outcome.fail(f"{name}: series missing but no damage named")
            if found and not any(shard.name in item.file for item in found):
                outcome.fail(f"{name}: damage found elsewhere than {shard.name}: {found}")
            if "flipped in the closes" in name and not found:
                outcome.fail(f"{name}: flipped closes not found by the checksum")
            if not changed:
                outcome.notes.append(f"{name}: the damage changed nothing")
    outcome.cases += _status_and_legacy_reads(outcome)
    return outcome


BAD_STATUS = {
    "empty": b"",
    "not JSON": b"{half",
    "a JSON list": b"[1, 2]",
    "no last_error": b'{"at": "2026-01-01"}',
    "not UTF-8": b"\xff\xfe\x00\x00",
}
BAD_LEGACY = {
    "zero bytes": b"",
    "garbage": b"PAR1" + bytes(range(256)) * 4,
    "not Parquet": b"date,close\n2020-01-02,1\n",
}


def _status_and_legacy_reads(outcome: Outcome) -> int:
    from data_sources.store import Store

    cases = 0
    for label, content in BAD_STATUS.items():
        cases += 1
        with tempfile.TemporaryDirectory() as root:
            store, victims, numbers, _ = _filled(root)
            store.record_error(OTHERS[0], "network down")
            (store.status_dir / f"{victims[0]}.json").write_bytes(content)
            try:
                fresh = Store(root)
                coverage = fresh.coverage().set_index("symbol")
                found = fresh.damaged()
                fresh.write(store_damage.series(victims[0], 77))  # clears the status file
            except Exception as error:
                outcome.crash(f"status {label}: {type(error).__name__}: {error}")
                continue
            if coverage.loc[OTHERS[0], "last_error"] != "network down":
                outcome.fail(f"status {label}: another symbol's error was lost")
            if [d.file for d in found] != [f"status/{victims[0]}.json"]:
                outcome.fail(f"status {label}: not named: {found}")
            kept = [p.read_bytes() for p in fresh.quarantine_dir.glob(f"{victims[0]}.json.*Z")]
            if kept != [content]:
                outcome.fail(f"status {label}: the damaged file was not set aside")
            outcome.rows_lost += _rows_lost(fresh, numbers, OTHERS + victims[1:])
    for label, content in BAD_LEGACY.items():
        cases += 1
        with tempfile.TemporaryDirectory() as root:
            legacy = Path(root, "bars")
            legacy.mkdir()
            good = store_damage.series(OTHERS[0], 0).bars
            pq.write_table(pa.Table.from_pandas(good, preserve_index=False), legacy / "A.parquet")
            (legacy / "B.parquet").write_bytes(content)
            try:
                store = Store(root)
                found = store.damaged()
                moved = store.quarantine()
                closes = Store(root).read(["A"])["close"].to_numpy()
            except Exception as error:
                outcome.crash(f"legacy {label}: {type(error).__name__}: {error}")
                continue
            if [d.file for d in found] != ["bars/B.parquet"]:
                outcome.fail(f"legacy {label}: not named: {found}")
            if [target.read_bytes() for _, target in moved] != [content]:
                outcome.fail(f"legacy {label}: not set aside intact")
            expected = store_damage.closes_of(0)
            outcome.rows_lost += int(len(expected) - (closes == expected).sum())
    return cases


def _cli(argv: list[str]) -> tuple[int, str, str]:
    from data_sources.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def check_cli() -> Outcome:
    """``python -m data_sources check [--quarantine]`` over every shard damage and a bad status
    file: exit 1 naming the file, then 0 after the quarantine, which lists what to re-fetch."""
    from data_sources.store import Store

    outcome = Outcome(PART, "python -m data_sources check [--quarantine]")
    for name, damage in shard_damages().items():
        outcome.cases += 1
        with data_directory() as directory:
            root = str(directory / "store")
            _, victims, numbers, shard = _filled(root)
            damage(shard, numbers, victims)
            (Path(root) / "status" / "Z.json").write_bytes(b"")
            damaged_bytes = shard.read_bytes()
            try:
                first = _cli(["check"])
                second = _cli(["check", "--quarantine"])
                third = _cli(["check"])
            except Exception as error:
                outcome.crash(f"{name}: {type(error).__name__}: {error}")
                continue
            if any("internal error" in run[2] for run in (first, second, third)):
                outcome.crash(f"{name}: internal error: {first[2]}{second[2]}{third[2]}"[:300])
                continue
            if first[0] != 1 or "status/Z.json" not in first[1]:
                outcome.fail(f"{name}: check gave {first[0]} without naming the damage")
            if second[0] != 1 or "moved aside: status/Z.json" not in second[1]:
                outcome.fail(f"{name}: --quarantine did not move the damage aside")
            if third[0] != 0:
                outcome.fail(f"{name}: still damaged after the quarantine: {third[1][-200:]}")
            store = Store(root)
            if shard.name in first[1]:
                copies = [p.read_bytes() for p in store.quarantine_dir.glob(f"{shard.name}.*Z")]
                if damaged_bytes not in copies:
                    outcome.fail(f"{name}: the damaged shard was not kept in quarantine")
                for symbol in store.to_refetch()["symbol"]:
                    if f"{symbol}: re-import the file" not in second[1]:
                        outcome.fail(f"{name}: {symbol} not listed to re-import")
            outcome.rows_lost += _rows_lost(store, numbers, OTHERS)
    return outcome


def reimport_cli() -> Outcome:
    """``python -m data_sources import`` of a series whose shard is damaged: stored, the shard
    copied aside first, never an internal error."""
    from data_sources.store import Store

    outcome = Outcome(PART, "python -m data_sources import into a damaged shard")
    for name, damage in shard_damages().items():
        outcome.cases += 1
        with data_directory() as directory:
            root = str(directory / "store")
            _, victims, numbers, shard = _filled(root)
            damage(shard, numbers, victims)
            damaged_bytes = shard.read_bytes()
            was_damaged = bool(Store(root).damaged())
            price_file = directory / f"{victims[0]}.csv"
            price_file.write_text("date,close\n2020-01-02,5\n2020-01-03,6\n")
            try:
                code, _, err = _cli(["import", str(price_file)])
            except Exception as error:
                outcome.crash(f"{name}: {type(error).__name__}: {error}")
                continue
            if "internal error" in err:
                outcome.crash(f"{name}: {err[:200]}")
                continue
            store = Store(root)
            if code != 0 or store.read([victims[0]])["close"].tolist() != [5.0, 6.0]:
                outcome.fail(f"{name}: exit {code}, the import is not stored: {err[:160]}")
            copies = [p.read_bytes() for p in store.quarantine_dir.glob(f"{shard.name}.*Z")]
            if was_damaged and (damaged_bytes not in copies or "moved aside" not in err):
                outcome.fail(f"{name}: the damaged shard was not set aside and named")
            if store.damaged():
                outcome.fail(f"{name}: still damaged after the write: {store.damaged()}")
            outcome.rows_lost += _rows_lost(store, numbers, OTHERS)
    return outcome


DASHBOARD_DAMAGES = ("truncated to 30.0%", "zero bytes", "garbage #0")


def dashboard_pages() -> Outcome:
    """Every page through AppTest with a damaged shard (and a bad status file): no exception,
    a warning naming the file; then the Data page's confirmed quarantine."""
    from data_sources.demo import demo_symbols
    from data_sources.store import Store, shard_of
    from tests.apptest_helpers import PAGES, make_app

    outcome = Outcome(PART, "dashboard pages (AppTest, every page)")
    damages = shard_damages()
    for name in (*DASHBOARD_DAMAGES, "16 bytes flipped in the closes of the demo series"):
        patcher = _MonkeyPatch()
        with data_directory():
            app = make_app(patcher, record_downloads=False)
            store = Store()
            victim = demo_symbols()[0]
            shard = store._shard_path(shard_of(victim))
            if name in damages:
                damages[name](shard, {}, [])
            else:
                data = bytearray(shard.read_bytes())
                closes = store.read([victim])["close"].to_numpy()
                at = bytes(data).find(closes[:4].tobytes())
                data[at : at + 16] = bytes(b ^ 0xFF for b in data[at : at + 16])
                shard.write_bytes(bytes(data))
            (store.status_dir / "Z.json").write_bytes(b"{")
            intact = [s for s in demo_symbols() if shard_of(s) != shard_of(victim)]
            before = store.read(intact)
            for page in PAGES:
                outcome.cases += 1
                app.switch_page(page)
                app.run()
                if app.exception:
                    outcome.crash(f"{name} {page}: {app.exception[0].value[:200]}")
                    continue
                warnings = " ".join(w.value for w in app.warning)
                if shard.name not in warnings or "status/Z.json" not in warnings:
                    outcome.fail(f"{name} {page}: the damaged files are not named")
            outcome.cases += 1
            app.switch_page("pages/data.py")
            app.run()
            app.checkbox(key="quarantine_confirm").check().run()
            app.button(key="quarantine_button").click().run()
            if app.exception:
                outcome.crash(f"{name} quarantine: {app.exception[0].value[:200]}")
            elif Store().damaged():
                outcome.fail(f"{name}: damage left after the quarantine button")
            after = Store().read(intact)
            outcome.rows_lost += _frame_rows_lost(before, after)
        patcher.undo()
    return outcome


def _frame_rows_lost(before: pd.DataFrame, after: pd.DataFrame) -> int:
    merged = before.merge(after, on=["symbol", "date"], how="left", suffixes=("", "_after"))
    return int((merged["close"] != merged["close_after"]).sum())


def seeding_race() -> Outcome:
    """The demo seeding with an import committed between its emptiness check and its write
    (forced, for each demo symbol): the import survives, the absent demo symbols are seeded."""
    from data_sources.base import FetchResult
    from data_sources.bootstrap import seed_demo_if_empty
    from data_sources.demo import demo_symbols
    from data_sources.store import Store

    outcome = Outcome(PART, "demo seeding racing an import (forced timing)")
    for symbol in demo_symbols():
        outcome.cases += 1
        patcher = _MonkeyPatch()
        with tempfile.TemporaryDirectory() as root:
            real = store_damage.series(symbol, 5).bars
            original = Store.is_empty

            def empty_then_import(self, real=real, original=original, root=root):
                answer = original(self)
                Store(root).write(FetchResult(real, "import", "file real.csv"), merge=False)
                return answer

            patcher.setattr(Store, "is_empty", empty_then_import)
            try:
                seeded = seed_demo_if_empty(Store(root))
            except Exception as error:
                outcome.crash(f"{symbol}: {type(error).__name__}: {error}")
                continue
            finally:
                patcher.undo()
            stored = Store(root).read([symbol])
            closes = stored["close"].to_numpy()
            expected = real["close"].to_numpy()
            outcome.rows_lost += len(expected) - int(
                len(closes) == len(expected) and (closes == expected).sum()
            )
            if symbol in seeded or set(seeded) != set(demo_symbols()) - {symbol}:
                outcome.fail(f"{symbol}: seeded {seeded}")
    return outcome


def store_damage_parts() -> list[Outcome]:
    """Every outcome of the "damaged store" part, in report order."""
    return [
        store_reads(),
        check_cli(),
        reimport_cli(),
        dashboard_pages(),
        seeding_race(),
    ]


if __name__ == "__main__":
    for row in store_damage_parts():
        print(row)
