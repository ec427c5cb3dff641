"""Reliability parts for price-file imports (issue 11 items 5, 6, 11, 12, 14): dates in every
common shape, impossible prices, resource bombs and look-alike series names, each driven through
``python -m data_sources import`` into a real store.

Each case is either imported with exactly the right values or refused with a message naming
the file (and the row and column where there is one); the store's other series never change.
Bombs run in a child process each, whose peak memory (``ru_maxrss``) is reported and bounded.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import resource
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from tests.reliability import PROJECT, Outcome, data_directory

#: A bomb may cost this much more memory than importing a small good file (MB).
BOMB_MEMORY_MARGIN_MB = 150


def _run_cli(args: list[str]) -> tuple[int, str, str]:
    from data_sources.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(args)
    return code, out.getvalue(), err.getvalue()


class _Keeper:
    """A series stored before every case: any change to it counts as rows lost."""

    def __init__(self, directory: Path):
        from data_sources.base import FetchResult
        from data_sources.schema import to_canonical
        from data_sources.store import Store

        self.store = Store()
        dates = pd.bdate_range("2024-01-02", periods=50).strftime("%Y-%m-%d")
        bars = to_canonical(pd.DataFrame({"date": dates, "close": range(1, 51)}), "KEEP.SH")
        self.store.write(FetchResult(bars, "import", "file KEEP.csv"))
        self.before = self.store.read(["KEEP.SH"])

    def lost(self) -> int:
        after = self.store.read(["KEEP.SH"])
        merged = self.before.merge(after, how="left", on=["symbol", "date"], suffixes=("", "_a"))
        return int((merged["close"] != merged["close_a"]).sum())

    def forget(self, keep: set[str]) -> None:
        for symbol in set(self.store.symbols()) - keep - {"KEEP.SH"}:
            self.store.delete(symbol)


def _case(outcome: Outcome, keeper: _Keeper, label: str, check: Callable[[], str | None]) -> None:
    """One case: ``check`` returns None when it behaved as specified, else what went wrong."""
    outcome.cases += 1
    try:
        problem = check()
    except Exception as error:  # counting what escapes
        outcome.crash(f"{label}: {type(error).__name__}: {error}"[:220])
    else:
        if problem:
            outcome.fail(f"{label}: {problem}"[:220])
    outcome.rows_lost += keeper.lost()
    keeper.forget(set())


def _stored_dates(store, symbol: str) -> list[str]:
    return store.read([symbol])["date"].dt.strftime("%Y-%m-%d").tolist()


def _xlsx(path: Path, dates: list, closes: list) -> None:
    pd.DataFrame({"date": dates, "close": closes}).to_excel(path, index=False)


def price_file_dates(directory: Path, keeper: _Keeper) -> Outcome:
    outcome = Outcome("price-file dates", "python -m data_sources import FILE [--date-format]")
    folder = directory / "dates"
    folder.mkdir()
    right = ["2024-01-10", "2024-01-11", "2024-01-12", "2024-01-15"]
    shapes = {
        "dmy": ["10/01/2024", "11/01/2024", "12/01/2024", "15/01/2024"],
        "mdy": ["01/10/2024", "01/11/2024", "01/12/2024", "01/15/2024"],
        "ymd": right,
        "ymd_slash": ["2024/1/10", "2024/1/11", "2024/1/12", "2024/1/15"],
        "compact": ["20240110", "20240111", "20240112", "20240115"],
        "serial": ["45301", "45302", "45303", "45306"],
        "dotted": ["10.01.2024", "11.01.2024", "12.01.2024", "15.01.2024"],
        "chinese": ["2024年1月10日", "2024年1月11日", "2024年1月12日", "2024年1月15日"],
        "with_time": [f"{d} 15:00:00" for d in right],
    }

    def imported(path: Path, symbol: str, extra=()) -> str | None:
        code, out, err = _run_cli(["import", str(path), "--symbol", symbol, *extra])
        if code != 0:
            return f"exit {code}: {err.strip()[-160:]}"
        stored = _stored_dates(keeper.store, symbol)
        return None if stored == right else f"stored {stored}, expected {right}"

    for shape, cells in shapes.items():
        path = folder / f"{shape}.csv"
        path.write_text(
            "date,close\n" + "".join(f"{c},{i + 1}\n" for i, c in enumerate(cells)), "utf-8"
        )
        _case(outcome, keeper, shape, lambda p=path, s=shape: imported(p, s))
    # Excel: date cells, serial numbers, and text cells
    for shape, cells in {
        "xlsx_datetime": [dt.datetime.fromisoformat(d) for d in right],
        "xlsx_serial": [45301, 45302, 45303, 45306],
        "xlsx_text_dmy": shapes["dmy"],
    }.items():
        path = folder / f"{shape}.xlsx"
        _xlsx(path, cells, [1.0, 2.0, 3.0, 4.0])
        _case(outcome, keeper, shape, lambda p=path, s=shape: imported(p, s))

    def refused(path: Path, *needles: str, extra=()) -> Callable[[], str | None]:
        def check() -> str | None:
            code, _, err = _run_cli(["import", str(path), "--symbol", "probe", *extra])
            if code != 2:
                return f"exit {code} (expected a refusal): {err.strip()[-120:]}"
            if "internal error" in err:
                return err.strip()[-160:]
            missing = [n for n in needles if n not in err]
            if missing:
                return f"message lacks {missing}: {err.strip()[-160:]}"
            if "probe" in keeper.store.symbols():
                return "refused file stored anyway"
            return None

        return check

    ambiguous = folder / "ambiguous.csv"
    ambiguous.write_text("trade_date,close\n10/01/2024,1\n11/01/2024,2\n12/01/2024,3\n", "utf-8")
    _case(
        outcome,
        keeper,
        "ambiguous",
        refused(ambiguous, "file ambiguous.csv", "column 'trade_date'", "--date-format"),
    )
    ambiguous_xlsx = folder / "ambiguous.xlsx"
    _xlsx(ambiguous_xlsx, ["01/02/2024", "02/03/2024"], [1.0, 2.0])
    _case(outcome, keeper, "ambiguous xlsx", refused(ambiguous_xlsx, "file ambiguous.xlsx"))

    def resolved(fmt: str, expected: list[str]) -> Callable[[], str | None]:
        def check() -> str | None:
            code, _, err = _run_cli(
                ["import", str(ambiguous), "--symbol", "amb", "--date-format", fmt]
            )
            if code != 0:
                return f"exit {code}: {err.strip()[-160:]}"
            stored = _stored_dates(keeper.store, "amb")
            return None if stored == expected else f"stored {stored}, expected {expected}"

        return check

    _case(outcome, keeper, "--date-format dmy", resolved("%d/%m/%Y", right[:3]))
    _case(
        outcome,
        keeper,
        "--date-format mdy",
        resolved("%m/%d/%Y", ["2024-10-01", "2024-11-01", "2024-12-01"]),
    )
    for label, body, needles in (
        ("mixed shapes", "13/01/2024,1\n14/01/2024,2\n2024-01-15,3\n", ("row 4", "column 'date'")),
        ("after 2262", "2024-01-10,1\n2263-01-01,2\n", ("row 3", "is outside")),
        ("year 9999", "2024-01-10,1\n9999-12-31,2\n", ("row 3", "is outside")),
        ("serial out of range", "45301,1\n99999,2\n", ("row 3", "column 'date'")),
        ("not a date", "2024-01-10,1\nsoon,2\n", ("row 3", "'soon'")),
    ):
        path = folder / "bad.csv"
        path.write_text("date,close\n" + body, "utf-8")
        _case(outcome, keeper, label, refused(path, "file bad.csv", *needles))
    return outcome


def impossible_prices(directory: Path, keeper: _Keeper) -> Outcome:
    outcome = Outcome("impossible prices", "python -m data_sources import FILE; validate_bars")
    folder = directory / "prices"
    folder.mkdir()
    header = "date,open,high,low,close,volume,amount\n2024-01-10,10,11,9,10.5,100,1000\n"
    refused_rows = {
        "inf close": ("2024-01-11,10,11,9,inf,100,1000", "column 'close': 'inf'"),
        "-inf high": ("2024-01-11,10,-inf,9,10,100,1000", "column 'high': '-inf'"),
        "1e400 close": ("2024-01-11,10,11,9,1e400,100,1000", "column 'close': '1e400'"),
        "Infinity volume": ("2024-01-11,10,11,9,10,Infinity,1000", "column 'volume'"),
        "nan close": ("2024-01-11,10,11,9,nan,100,1000", "column 'close'"),
        "NaN string close": ("2024-01-11,10,11,9,NaN,100,1000", "column 'close'"),
        "negative volume": ("2024-01-11,10,11,9,10,-100,1000", "column 'volume': '-100'"),
        "negative amount": ("2024-01-11,10,11,9,10,100,-1", "column 'amount': '-1'"),
        "text volume": ("2024-01-11,10,11,9,10,lots,1000", "column 'volume': 'lots'"),
        "zero close": ("2024-01-11,10,11,9,0,100,1000", "column 'close': '0'"),
        "negative low": ("2024-01-11,10,11,-9,10,100,1000", "column 'low': '-9'"),
    }
    for label, (row, needle) in refused_rows.items():

        def check(row=row, needle=needle) -> str | None:
            path = folder / "bad.csv"
            path.write_text(header + row + "\n", "utf-8")
            code, _, err = _run_cli(["import", str(path), "--symbol", "probe"])
            if code != 2 or "internal error" in err:
                return f"exit {code}: {err.strip()[-160:]}"
            if f"file bad.csv: row 3, {needle}" not in err:
                return f"message lacks 'row 3, {needle}': {err.strip()[-160:]}"
            return "refused file stored anyway" if "probe" in keeper.store.symbols() else None

        _case(outcome, keeper, label, check)

    # open/high/low contradicting each other: the close is kept, they are emptied, and said so
    for label, row in (
        ("low > high", "2024-01-11,10,9,11,10,100,1000"),
        ("open above high", "2024-01-11,12,11,9,10,100,1000"),
        ("close below low", "2024-01-11,10,11,9,8,100,1000"),
    ):

        def check(row=row) -> str | None:
            path = folder / "ohlc.csv"
            path.write_text(header + row + "\n", "utf-8")
            code, out, err = _run_cli(["import", str(path), "--symbol", "ohlc"])
            if code != 0:
                return f"exit {code}: {err.strip()[-160:]}"
            if (
                "emptied open/high/low of 1 rows" not in out
                or "first: row 3, 2024-01-11" not in out
            ):
                return f"no note naming the row: {out.strip()[-160:]}"
            stored = keeper.store.read(["ohlc"]).set_index("date")
            close = float(row.split(",")[4])
            if stored.loc["2024-01-11", "close"] != close:
                return "close changed"
            if stored.loc["2024-01-11", ["open", "high", "low"]].notna().any():
                return "contradictory open/high/low stored"
            return None

        _case(outcome, keeper, label, check)

    # every source: validate_bars refuses what to_canonical or a source lets through
    from data_sources.base import BarQuery, FetchResult
    from data_sources.demo import DemoSource
    from data_sources.errors import DataSourceError
    from data_sources.schema import to_canonical, validate_bars

    good = to_canonical(
        pd.DataFrame({"date": ["2024-01-10", "2024-01-11"], "close": [1.0, 2.0]}), "SRC"
    )
    for label, column, value, needle in (
        ("source inf close", "close", float("inf"), "close inf on 2024-01-11 is not a finite"),
        ("source negative volume", "volume", -1.0, "volume -1.0 on 2024-01-11 is negative"),
        ("source low > high", "low", 5.0, "low 5.0 on 2024-01-11 is above high 3.0"),
    ):

        def check(column=column, value=value, needle=needle) -> str | None:
            bars = good.copy()
            bars.loc[1, ["high", column]] = [3.0, value] if column != "high" else [value, value]
            try:
                keeper.store.write(FetchResult(bars, "akshare", "probe"))
            except DataSourceError as error:
                return None if needle in str(error) else f"message: {error}"
            return "stored"

        _case(outcome, keeper, label, check)

    def demo_validates() -> str | None:
        for symbol in ("000300.SH", "399006.SZ", "508000.SH"):
            validate_bars(DemoSource().fetch(BarQuery(symbol)).bars)
        return None

    _case(outcome, keeper, "demo data validates", demo_validates)
    return outcome


# VmHWM, the peak resident size of this process's own memory: ru_maxrss would carry the
# parent's peak over fork and exec.
_CHILD = """
import re, sys
from data_sources.cli import main
code = main(["import", *sys.argv[1:]])
status = open("/proc/self/status").read()
print("PEAK", code, int(re.search(r"VmHWM:\\s+(\\d+)", status).group(1)) // 1024)
"""


def _peak(args: list[str], environment: dict) -> tuple[int, int, str]:
    """Exit code, peak resident memory in MB and stderr of one import in a child process."""
    completed = subprocess.run(
        [sys.executable, "-c", _CHILD, *args],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=300,
        env=environment,
    )
    for line in completed.stdout.splitlines():
        if line.startswith("PEAK "):
            _, code, peak = line.split()
            return int(code), int(peak), completed.stderr
    return completed.returncode, -1, completed.stderr


def _sheet_with(path: Path, edit: Callable[[bytes], bytes]) -> None:
    _xlsx(path, ["2024-01-10"], [1.0])
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    parts["xl/worksheets/sheet1.xml"] = edit(parts["xl/worksheets/sheet1.xml"])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)


def import_bombs(directory: Path, keeper: _Keeper) -> Outcome:
    import os

    outcome = Outcome("import bombs", "python -m data_sources import FILE (child process)")
    folder = directory / "bombs"
    folder.mkdir()
    figures = []
    environment = {**os.environ, "PYTHONPATH": str(PROJECT)}
    good = folder / "good.csv"
    good.write_text("date,close\n2024-01-10,1\n2024-01-11,2\n", "utf-8")
    code, baseline, err = _peak([str(good), "--symbol", "good"], environment)
    if code != 0:
        outcome.fail(f"the good file failed: {err.strip()[-160:]}")
    keeper.forget(set())

    def xlsx_bomb(path: Path) -> None:  # ~150 KB that expands to 150 MB of XML
        _sheet_with(
            path, lambda xml: xml.replace(b"<sheetData>", b" " * (150 * 2**20) + b"<sheetData>")
        )

    def xlsx_many_rows(path: Path) -> None:  # declares a million rows
        _sheet_with(path, lambda xml: xml.replace(b'ref="A1:B2"', b'ref="A1:B1048576"'))

    def xlsx_lying_wide_row(path: Path) -> None:  # one row of 300,000 cells, dimension A1:B2
        cells = b"".join(b'<c t="n"><v>1</v></c>' for _ in range(300_000))
        _sheet_with(
            path,
            lambda xml: xml.replace(
                b"</sheetData>", b'<row r="3">' + cells + b"</row></sheetData>"
            ),
        )

    def xlsx_deep_nesting(path: Path) -> None:  # elements nested 200,000 deep
        depth = 200_000
        nested = b"<x>" * depth + b"</x>" * depth
        _sheet_with(path, lambda xml: xml.replace(b"</sheetData>", nested + b"</sheetData>"))

    def wide_csv(path: Path) -> None:  # 2 million columns
        path.write_bytes(b"date,close," + b"c," * 2_000_000 + b"z\n2024-01-10,1\n")

    def long_row_csv(path: Path) -> None:  # a short header and one row of 2 million fields
        path.write_bytes(b"date,close\n2024-01-10,1\n2024-01-11," + b"1," * 2_000_000 + b"1\n")

    def big_file(path: Path) -> None:  # sparse: 60 MB declared, nothing written
        with path.open("wb") as handle:
            handle.truncate(60 * 2**20)

    def deep_quotes_csv(path: Path) -> None:  # one quoted field spanning 20 MB of lines
        path.write_bytes(b'date,close\n"' + b"x\n" * (10 * 2**20) + b'",1\n')

    cases = {
        "xlsx bomb (150 MB of XML)": ("bomb.xlsx", xlsx_bomb, "limit of 40 MB"),
        "xlsx declaring 1,048,576 rows": ("rows.xlsx", xlsx_many_rows, "limit of 200,000"),
        "xlsx row of 300,000 cells (dimension lies)": (
            "lying.xlsx",
            xlsx_lying_wide_row,
            "file lying.xlsx",
        ),
        # elements the sheet format does not know are skipped: the one real row imports
        "xlsx nested 200,000 deep": ("deep.xlsx", xlsx_deep_nesting, None),
        "CSV of 2,000,000 columns": ("wide.csv", wide_csv, "limit of 256"),
        "CSV row of 2,000,000 fields": ("long.csv", long_row_csv, "file long.csv"),
        "CSV of 60 MB": ("big.csv", big_file, "limit of 50 MB"),
        "CSV with a 20 MB quoted field": ("quoted.csv", deep_quotes_csv, "file quoted.csv"),
    }
    for label, (name, build, needle) in cases.items():
        outcome.cases += 1
        path = folder / name
        build(path)
        code, peak, err = _peak([str(path), "--symbol", "bomb"], environment)
        figures.append(f"{label}: peak {peak} MB (good file {baseline} MB)")
        if "internal error" in err or "Traceback" in err:
            outcome.crash(f"{label}: {err.strip()[-160:]}")
        elif needle is None and code == 0:
            stored = _stored_dates(keeper.store, "bomb")
            if stored != ["2024-01-10"]:
                outcome.fail(f"{label}: imported {stored}")
            keeper.forget(set())
        elif code != 2 or needle not in err:
            outcome.fail(f"{label}: exit {code}: {err.strip()[-160:]}")
        elif peak < 0 or peak > baseline + BOMB_MEMORY_MARGIN_MB:
            outcome.fail(f"{label}: peak {peak} MB over {baseline} + {BOMB_MEMORY_MARGIN_MB} MB")
        path.unlink()
        outcome.rows_lost += keeper.lost()
        if "bomb" in keeper.store.symbols():
            outcome.fail(f"{label}: stored")
            keeper.forget(set())
    outcome.notes += figures  # the report's figures (Outcome.fail keeps at most five notes)
    return outcome


def look_alike_symbols(directory: Path, keeper: _Keeper) -> Outcome:
    outcome = Outcome("look-alike symbols", "import --symbol, file names, check_symbol")
    folder = directory / "symbols"
    folder.mkdir()
    content = "date,close\n2024-01-10,1\n"
    refused = {
        "Cyrillic ЅН": "000300.ЅН",
        "Greek Α": "ΑBC.SH",
        "zero-width space": "000300.SH\u200b",
        "right-to-left override": "000300\u202e.SH",
        "Chinese name": "沪深三百",
        "fullwidth slash": "ａ／ｂ",
    }
    for label, symbol in refused.items():

        def check(symbol=symbol) -> str | None:
            path = folder / "x.csv"
            path.write_text(content, "utf-8")
            before = set(keeper.store.symbols())
            code, _, err = _run_cli(["import", str(path), "--symbol", symbol])
            if code != 2 or "is not valid" not in err or "internal error" in err:
                return f"exit {code}: {err.strip()[-160:]}"
            return None if set(keeper.store.symbols()) == before else "a new series was stored"

        _case(outcome, keeper, label, check)
    for label, stem in (("Chinese file name", "沪深300"), ("Cyrillic file name", "000300.ЅН")):

        def check(stem=stem) -> str | None:
            path = folder / f"{stem}.csv"
            path.write_text(content, "utf-8")
            code, _, err = _run_cli(["import", str(path)])
            if code != 2 or "--symbol NAME" not in err or "internal error" in err:
                return f"exit {code}: {err.strip()[-160:]}"
            code, _, err = _run_cli(["import", str(path), "--symbol", "CSI300"])
            return None if code == 0 else f"with --symbol: exit {code}: {err.strip()[-120:]}"

        _case(outcome, keeper, label, check)
    for label, symbol in (("mathematical digits", "𝟎𝟎𝟎𝟑𝟎𝟎.SH"), ("fullwidth", "０００３００.ＳＨ")):

        def check(symbol=symbol) -> str | None:
            path = folder / "x.csv"
            path.write_text(content, "utf-8")
            code, out, err = _run_cli(["import", str(path), "--symbol", symbol])
            if code != 0:
                return f"exit {code}: {err.strip()[-160:]}"
            stored = set(keeper.store.symbols()) - {"KEEP.SH"}
            return None if stored == {"000300.SH"} else f"stored as {stored}"

        _case(outcome, keeper, label, check)

    def every_stored_name_is_ascii() -> str | None:
        names = [s for s in keeper.store.symbols() if not s.isascii()]
        return f"non-ASCII series {names}" if names else None

    _case(outcome, keeper, "store holds ASCII names only", every_stored_name_is_ascii)
    return outcome


def price_imports() -> list[Outcome]:
    """Every price-import part, each in a fresh data directory with a series to keep."""
    outcomes = []
    for part in (price_file_dates, impossible_prices, import_bombs, look_alike_symbols):
        with data_directory() as directory:
            keeper = _Keeper(directory)
            outcomes.append(part(directory, keeper))
    return outcomes


if __name__ == "__main__":
    for result in price_imports():
        print(result.part, result.cases, result.failures, result.crashes, result.rows_lost)
        for note in result.notes:
            print("   ", note)
    print(f"this process peak: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB")
