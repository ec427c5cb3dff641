"""Import of a user's price files: layouts, encodings, and errors that name file, row and column."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from data_sources.base import BarQuery
from data_sources.errors import DataSourceError
from data_sources.files import FileSource, import_notes, parse_price_file
from tests.conftest import shared_path
from tests.markdown_render import shown


def test_english_columns_any_case_and_extra_columns():
    content = (
        b"Date,Open,High,Low,Close,Volume,ticker\n2020-01-03,2,3,1,2.5,100,A\n"
        b"2020-01-02,1,2,1,1.5,90,A\n"
    )
    bars = parse_price_file(content, "ABC.csv")
    assert bars["symbol"].unique().tolist() == ["ABC"]
    assert bars["close"].tolist() == [1.5, 2.5]  # sorted by date
    assert bars["amount"].isna().all()


def test_chinese_columns_in_gbk_and_utf8_bom():
    text = "日期,开盘,收盘,最高,最低,成交量\n2020-01-02,1,1.5,2,1,10\n"
    for encoded in (text.encode("gbk"), text.encode("utf-8-sig")):
        bars = parse_price_file(encoded, "沪深300.csv", "000300.SH")
        assert bars["close"].tolist() == [1.5]
        assert bars["symbol"].iloc[0] == "000300.SH"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"date,close\n2020-01-02,1\n2020-13-45,2\n", "row 3, column 'date'"),
        (b"date,close\n2020-01-02,1\n2020-01-03,-2\n", "row 3, column 'close'"),
        (
            b"date,open,close\n2020-01-02,1,1\n2020-01-03,1,\n",
            "row 3, column 'close': nan is empty",
        ),
        (b"date,close\n2020-01-02,1\n2020-01-02,2\n", "row 3, column 'date': 2020-01-02 appears"),
        (b"date,price\n2020-01-02,1\n", "no 'close' column"),
        (b"close\n1\n", "no 'date' column"),
        (b"", "file is empty"),
        (b"date,close\n", "header but no rows"),
        (b"\x80garbage\x81", "cannot decode"),
    ],
)
def test_errors_name_file_row_and_column(content, expected):
    with pytest.raises(DataSourceError) as raised:
        parse_price_file(content, "prices.csv")
    message = str(raised.value)
    assert "file prices.csv" in message
    assert expected in message


def test_file_source_reads_from_disk_and_names_missing_files(tmp_path):
    path = tmp_path / "X.csv"
    path.write_text("date,close\n2020-01-02,1\n", encoding="utf-8")
    source = FileSource.from_path(path)
    result = source.fetch(source.symbol_query())
    assert result.bars["close"].tolist() == [1.0] and result.bars["symbol"].iloc[0] == "X"
    assert (result.source, result.detail) == ("import", "file X.csv")
    assert source.fetch(BarQuery("Y")).bars["symbol"].iloc[0] == "Y"
    with pytest.raises(DataSourceError, match="file not found"):
        FileSource.from_path(tmp_path / "missing.csv")


def test_file_source_is_the_import_provider_and_keeps_the_parsers_notes():
    from data_sources.providers import provider, provider_for

    content = b"date,close,open,high,low\n2024-01-02,10,10,11,9\n2024-01-03,,,,\n"
    assert provider("import").fetcher is FileSource
    assert not provider("import").serves("X")  # a refresh never asks it for a symbol
    assert provider_for("000300.SH").name == "akshare"
    source = FileSource(content, "prices.csv")
    result = source.fetch(source.symbol_query("MINE"))
    # every import says what it knows of the prices' adjustment (here: nothing)
    assert import_notes(result.bars) == [
        "skipped 1 dated rows with no values",
        "prices: unknown (no adjustment information in the file)",
    ]
    with pytest.raises(DataSourceError, match="file bad name.csv: .*Give the series a name"):
        FileSource(content, "bad name.csv").symbol_query()


def test_wind_export_in_gbk_with_unit_suffixes():
    content = (
        "代码,名称,日期,开盘价(元),最高价(元),最低价(元),收盘价(元),成交量(股),成交额(元)\n"
        "399006.SZ,创业板指,2020-08-21,2400.1,2420.5,2390.0,2410.2,1000,2000\n"
        "399006.SZ,创业板指,2020-08-24,2410.2,2450.0,2400.0,2440.8,1200,2500\n"
    ).encode("gbk")
    bars = parse_price_file(content, "wind.csv", "399006.SZ")
    assert bars["close"].tolist() == [2410.2, 2440.8]
    assert bars["volume"].tolist() == [1000, 1200] and bars["amount"].tolist() == [2000, 2500]


def test_tushare_compact_dates_in_descending_order():
    content = (
        b"ts_code,trade_date,open,high,low,close,vol,amount\n"
        b"000001.SZ,20240925,10.5,10.9,10.4,10.8,5000,5400\n"
        b"000001.SZ,20240924,10.0,10.6,9.9,10.5,6000,6200\n"
    )
    bars = parse_price_file(content, "000001.SZ.csv")
    assert bars["date"].dt.strftime("%Y-%m-%d").tolist() == ["2024-09-24", "2024-09-25"]
    assert bars["volume"].tolist() == [6000, 5000] and bars["symbol"].iloc[0] == "000001.SZ"


def test_ifind_time_column_and_utf16_text():
    content = "thscode\ttime\topen\thigh\tlow\tclose\n".replace("\t", ",")
    content += "508000.SH,2021-06-21,3.1,3.2,3.0,3.167\n"
    bars = parse_price_file(content.encode("utf-16"), "reit.csv", "508000.SH")
    assert bars["close"].tolist() == [3.167]


def test_excel_workbook_and_errors_name_the_sheet_row(tmp_path):
    frame = pd.DataFrame(
        {"交易日期": ["2024-09-23", "2024-09-24", "2024-09-25"], "收盘价": [1.0, 1.1, "abc"]}
    )
    path = tmp_path / "choice.xlsx"
    frame.iloc[:2].to_excel(path, index=False)
    bars = parse_price_file(path.read_bytes(), path.name)
    assert bars["close"].tolist() == [1.0, 1.1] and bars["symbol"].iloc[0] == "choice"
    frame.to_excel(path, index=False)
    with pytest.raises(DataSourceError, match=r"file choice.xlsx: row 4, column 'close'"):
        parse_price_file(path.read_bytes(), path.name)
    with pytest.raises(DataSourceError, match="not a readable Excel workbook"):
        parse_price_file(b"not a workbook", "broken.xlsx")


def test_import_cli_is_all_or_nothing(data_dir, tmp_path, capsys):
    from data_sources.cli import main
    from data_sources.store import Store

    good = tmp_path / "MINE.csv"
    good.write_text("date,close\n2024-09-23,1.0\n2024-09-24,1.1\n", encoding="utf-8")
    bad = tmp_path / "BAD.csv"
    bad.write_text("date,close\n2024-09-23,1.0\n2024-09-24,-3\n", encoding="utf-8")
    assert main(["import", str(good), str(bad)]) == 2
    err = capsys.readouterr().err
    assert "file BAD.csv: row 3, column 'close'" in err
    assert Store().symbols() == []  # the good file was not stored either
    assert main(["import", str(good), "--symbol", "my-series"]) == 0
    assert "my-series: 2 rows from MINE.csv (2024-09-23 to 2024-09-24)" in capsys.readouterr().out
    coverage = Store().coverage().set_index("symbol")
    assert coverage.at["my-series", "source"] == "import"
    assert main(["import", str(good), str(bad), "--symbol", "x"]) == 2
    assert "single FILE" in capsys.readouterr().err


def test_dated_rows_without_any_value_are_skipped_and_counted():
    # baostock writes suspended sessions as a date and empty fields (399001.SZ, February 1995)
    content = (
        b"date,open,high,low,close,volume\n"
        b"1995-02-03,1,1,1,1,10\n1995-02-06,,,,,\n1995-02-07, , ,,,\n1995-02-13,2,2,2,2,20\n"
        b"1995-02-14,a,2,2,2,20\n"
    )
    with pytest.raises(DataSourceError, match="row 6, column 'open'"):  # rows keep file numbers
        parse_price_file(content, "x.csv")
    bars = parse_price_file(content.rsplit(b"\n1995-02-14", 1)[0], "x.csv")
    assert bars["date"].dt.strftime("%m-%d").tolist() == ["02-03", "02-13"]
    assert bars.attrs["skipped_empty_rows"] == 2
    with pytest.raises(DataSourceError, match="no row has any values"):
        parse_price_file(b"date,close\n2020-01-02,\n", "empty.csv")


def test_every_shared_market_file_imports_with_the_manifest_row_counts(data_dir):
    """Optional (skipped without ../shared): the 201 real price files import through the CLI
    into one store, each with the row count of the data's manifest (less the rows that carry
    no values at all, which the manifest counts as NaN closes)."""
    from data_sources.cli import main
    from data_sources.store import Store

    market = shared_path("data", "market")
    manifest = pd.read_csv(market / "manifest.csv")
    for folder, rows in manifest.groupby(manifest["file"].str.split("/").str[0]):
        files = [str(market / name) for name in rows["file"]]
        if folder == "crosscheck":  # a second copy of 000300.SH from another source
            assert main(["import", files[0], "--symbol", "000300.SH.crosscheck"]) == 0
        else:
            assert main(["import", *files]) == 0, folder
    coverage = Store().coverage().set_index("symbol")

    # suspended sessions are missing sessions, not stored rows: baostock's tradestatus 0 rows,
    # and elsewhere rows without volume whose open, high, low and close equal the last close
    def traded_rows(frame: pd.DataFrame) -> pd.DataFrame:
        if "tradestatus" in frame:
            return frame[frame["tradestatus"] != 0]
        close = frame["close"]
        flat = frame[["open", "high", "low"]].eq(close, axis=0).all(axis=1)
        idle = frame["volume"].fillna(0).eq(0)
        return frame[~(flat & idle & close.eq(close.shift()))]

    everything = {name: pd.read_csv(market / name) for name in manifest["file"]}
    traded = {name: traded_rows(frame) for name, frame in everything.items()}

    def series_name(file: str) -> str:
        """The file name without extension; a stock's bare code gets its exchange (6xxxxx
        Shanghai, 00/30xxxx Shenzhen), 000001 too, which is also the SSE Composite's code: the
        stock files carry a tradestatus column, which only a single stock's file has."""
        stem = Path(file).stem
        if file.startswith("crosscheck"):
            return f"{stem}.crosscheck"
        if not file.startswith("stocks/"):
            return stem
        return f"{stem}.SH" if stem.startswith("6") else f"{stem}.SZ"

    expected = manifest.assign(
        symbol=[series_name(f) for f in manifest["file"]],
        stored=manifest["rows"]
        - manifest["nan_close_rows"]
        - [
            len(pd.read_csv(market / f, usecols=["date"])) - len(traded[f])
            for f in manifest["file"]
        ],
        start=[traded[f]["date"].iloc[0] for f in manifest["file"]],
        end=[traded[f]["date"].iloc[-1] for f in manifest["file"]],
    ).set_index("symbol")
    assert len(coverage) == len(manifest) == 201
    assert coverage["source"].eq("import").all()
    pd.testing.assert_series_equal(
        coverage.loc[expected.index, "rows"].astype(int),
        expected["stored"].astype(int),
        check_names=False,
    )
    assert (coverage.loc[expected.index, "first_date"] == pd.to_datetime(expected["start"])).all()
    assert (coverage.loc[expected.index, "last_date"] == pd.to_datetime(expected["end"])).all()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        # found by the reliability matrix (generated inputs); each once escaped as an exception
        (
            b"date,close\n2024-09-23,1\n5024-09-24,2\n",
            "row 3, column 'date': '5024-09-24' is outside",
        ),
        (b"date,close\n2024-09-23,1\n0001-09-24,2\n", "row 3, column 'date'"),
        # mixed time zones: refused by name (once a ValueError from pandas)
        (b"date,close\n2024-09-23+05:00,1\n2024-09-24-03:00,2\n2024-09-25,3\n", "column 'date'"),
    ],
)
def test_out_of_range_and_mixed_zone_dates(content, message):
    with pytest.raises(DataSourceError, match=message):
        parse_price_file(content, "p.csv")


def test_rows_with_more_fields_than_the_header_give_a_clear_message():
    # pandas turns the first column into the index when rows are longer than the header
    content = "日期,收盘\n2024-09-23,3201.35,x\n2024-09-24,3351.91,y\n".encode()
    try:
        bars = parse_price_file(content, "long.csv")
    except DataSourceError as error:
        assert "long.csv" in str(error)
    else:
        assert len(bars) == 2


# -- issue 11: one date format per column, impossible prices, look-alike names, bombs ----------
def _dates_of(bars: pd.DataFrame) -> list[str]:
    return bars["date"].dt.strftime("%Y-%m-%d").tolist()


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        # day/month/year: 13/01 only fits it, so 10/01 is 10 January (was 1 October)
        (
            ["10/01/2024", "11/01/2024", "12/01/2024", "13/01/2024"],
            ["01-10", "01-11", "01-12", "01-13"],
        ),
        (
            ["01/10/2024", "01/11/2024", "01/12/2024", "01/13/2024"],
            ["01-10", "01-11", "01-12", "01-13"],
        ),
        (["2024-01-10", "2024-01-11", "2024-02-01"], ["01-10", "01-11", "02-01"]),
        (["2024/1/10", "2024/1/11", "2024/2/1"], ["01-10", "01-11", "02-01"]),
        (["20240110", "20240111", "20240201"], ["01-10", "01-11", "02-01"]),
        (["45301", "45302", "45323"], ["01-10", "01-11", "02-01"]),  # Excel serial day numbers
        (["10.01.2024", "11.01.2024", "13.01.2024"], ["01-10", "01-11", "01-13"]),
        (["2024-01-10 15:00:00", "2024-01-11 15:00:00"], ["01-10", "01-11"]),
    ],
)
def test_every_date_of_a_column_is_read_with_one_format(cells, expected):
    content = "date,close\n" + "".join(f"{c},{i + 1}\n" for i, c in enumerate(cells))
    bars = parse_price_file(content.encode(), "dates.csv")
    assert _dates_of(bars) == [f"2024-{e}" for e in expected]


def test_excel_date_cells_and_serial_numbers_read_as_the_same_dates(tmp_path):
    import datetime as dt

    path = tmp_path / "serial.xlsx"
    pd.DataFrame({"date": [45301, 45302, 45323], "close": [1.0, 2.0, 3.0]}).to_excel(
        path, index=False
    )
    assert _dates_of(parse_price_file(path.read_bytes(), path.name)) == [
        "2024-01-10",
        "2024-01-11",
        "2024-02-01",
    ]
    days = [dt.datetime(2024, 1, 10), dt.datetime(2024, 1, 11), dt.datetime(2024, 2, 1)]
    pd.DataFrame({"date": days, "close": [1.0, 2.0, 3.0]}).to_excel(path, index=False)
    assert _dates_of(parse_price_file(path.read_bytes(), path.name)) == [
        "2024-01-10",
        "2024-01-11",
        "2024-02-01",
    ]


def test_a_column_that_fits_day_month_and_month_day_is_refused_unless_a_format_is_given():
    content = b"trade_date,close\n10/01/2024,1\n11/01/2024,2\n12/01/2024,3\n"
    with pytest.raises(DataSourceError) as raised:
        parse_price_file(content, "ambiguous.csv")
    message = str(raised.value)
    assert message.startswith("file ambiguous.csv: column 'trade_date'")
    assert "10 January 2024" in message and "01 October 2024" in message
    assert "--date-format" in message
    day_first = parse_price_file(content, "ambiguous.csv", date_format="%d/%m/%Y")
    assert _dates_of(day_first) == ["2024-01-10", "2024-01-11", "2024-01-12"]
    month_first = parse_price_file(content, "ambiguous.csv", date_format="%m/%d/%Y")
    assert _dates_of(month_first) == ["2024-10-01", "2024-11-01", "2024-12-01"]
    # a given format is kept to: a cell that does not fit it is named
    with pytest.raises(DataSourceError, match=r"row 2, column 'trade_date'"):
        parse_price_file(content, "ambiguous.csv", date_format="%Y-%m-%d")


def test_a_cell_in_another_format_than_its_column_is_named():
    content = b"date,close\n13/01/2024,1\n14/01/2024,2\n2024-01-15,2\n"
    with pytest.raises(
        DataSourceError,
        match=r"row 4, column 'date': '2024-01-15' is not a date in the column's format %d/%m/%Y",
    ):
        parse_price_file(content, "mixed.csv")


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("2024-01-11,1,1,1,inf,10,10", "row 3, column 'close': 'inf' is not a finite number"),
        ("2024-01-11,1,1,1,1e400,10,10", "row 3, column 'close': '1e400' is not a finite"),
        ("2024-01-11,1,-inf,1,1,10,10", "row 3, column 'high': '-inf' is not a finite"),
        ("2024-01-11,1,1,1,1,-5,10", "row 3, column 'volume': '-5' is not a number ≥ 0"),
        ("2024-01-11,1,1,1,1,5,-1", "row 3, column 'amount': '-1' is not a number ≥ 0"),
        ("2024-01-11,1,1,1,1,lots,1", "row 3, column 'volume': 'lots' is not a number"),
        ("2024-01-11,1,1,1,1,Infinity,1", "row 3, column 'volume': 'Infinity' is not a finite"),
        ("2024-01-11,0,1,1,1,1,1", "row 3, column 'open': '0' is not a positive number"),
    ],
)
def test_impossible_values_are_refused_by_row_and_column(row, expected):
    content = f"date,open,high,low,close,volume,amount\n2024-01-10,1,1,1,1,1,1\n{row}\n"
    with pytest.raises(DataSourceError) as raised:
        parse_price_file(content.encode(), "p.csv")
    assert f"file p.csv: {expected}" in str(raised.value)


def test_contradictory_open_high_low_are_emptied_and_reported_keeping_the_close():
    from data_sources.files import import_notes

    # the SSE Composite's own history has 1992-06-16 with high 1135.61 below low 1164.24
    content = (
        b"date,open,high,low,close\n1992-06-15,1170,1180,1160,1171\n"
        b"1992-06-16,1171.75,1135.61,1164.24,1166.70\n1992-06-17,1166,1200,1150,1190\n"
        b"1992-06-18,1300,1250,1180,1200\n"
    )
    bars = parse_price_file(content, "sh.csv").set_index("date")
    assert bars["close"].tolist() == [1171, 1166.70, 1190, 1200]
    assert bars.loc["1992-06-16", ["open", "high", "low"]].isna().all()  # low > high
    assert bars.loc["1992-06-18", ["open", "high", "low"]].isna().all()  # open above high
    assert bars.loc["1992-06-17", ["open", "high", "low"]].tolist() == [1166, 1200, 1150]
    note = import_notes(bars)[0]
    assert "emptied open/high/low of 2 rows" in note
    assert "first: row 3, 1992-06-16 (open 1171.75, high 1135.61, low 1164.24" in note


@pytest.mark.parametrize(
    ("name", "symbol", "expected"),
    [
        ("沪深300.csv", None, "symbol '沪深300' is not valid: '沪' (U+6CAA)"),
        ("x.csv", "000300.ЅН", "'Ѕ' (U+0405) is not an ASCII character"),
        ("x.csv", "000300.SH\u200b", "(U+200B)"),
    ],
)
def test_non_ascii_series_names_are_refused_and_say_how_to_name_the_series(name, symbol, expected):
    with pytest.raises(DataSourceError) as raised:
        parse_price_file(b"date,close\n2024-01-10,1\n", name, symbol)
    message = str(raised.value)
    assert message.startswith(f"file {name}: ") and expected in message
    assert "--symbol NAME" in message and "series-name field" in message


def test_look_alike_digits_are_normalised_to_ascii():
    for look_alike in ("𝟎𝟎𝟎𝟑𝟎𝟎.SH", "０００３００.ＳＨ"):
        bars = parse_price_file(b"date,close\n2024-01-10,1\n", "x.csv", look_alike)
        assert bars["symbol"].iloc[0] == "000300.SH"


def _zip_bomb_workbook(path: Path, sheet_bytes: int) -> None:
    """A real workbook whose sheet is padded with a compressible run of spaces."""
    import zipfile

    pd.DataFrame({"date": ["2024-01-10"], "close": [1.0]}).to_excel(path, index=False)
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    sheet = parts["xl/worksheets/sheet1.xml"]
    parts["xl/worksheets/sheet1.xml"] = sheet.replace(
        b"<sheetData>", b" " * sheet_bytes + b"<sheetData>", 1
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)


def test_excel_bomb_is_refused_by_its_expanded_size_before_parsing(tmp_path, monkeypatch):
    import openpyxl

    path = tmp_path / "bomb.xlsx"
    _zip_bomb_workbook(path, 100 * 2**20)
    assert path.stat().st_size < 1_000_000
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: pytest.fail("parsed"))
    with pytest.raises(DataSourceError) as raised:
        parse_price_file(path.read_bytes(), path.name)
    assert "file bomb.xlsx: the workbook expands to 100 MB, more than the limit of 40 MB" in str(
        raised.value
    )


def test_a_sheet_declaring_too_many_rows_or_columns_is_refused_before_its_rows_are_read(
    tmp_path,
):
    import zipfile

    path = tmp_path / "tall.xlsx"
    pd.DataFrame({"date": ["2024-01-10"], "close": [1.0]}).to_excel(path, index=False)
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    sheet = parts["xl/worksheets/sheet1.xml"]
    for ref, expected in (("A1:B1048576", "1,048,576 rows"), ("A1:XFD2", "16,384 columns")):
        parts["xl/worksheets/sheet1.xml"] = sheet.replace(b'ref="A1:B2"', f'ref="{ref}"'.encode())
        with zipfile.ZipFile(path, "w") as target:
            for name, data in parts.items():
                target.writestr(name, data)
        with pytest.raises(DataSourceError, match=f"the table has {expected}, more than the limit"):
            parse_price_file(path.read_bytes(), path.name)


def test_a_csv_with_two_million_columns_is_refused_from_its_header():
    content = b"date,close," + b"x," * 2_000_000 + b"y\n2024-01-10,1\n"
    with pytest.raises(
        DataSourceError, match=r"has over [\d,]+ columns, more than the limit of 256"
    ):
        parse_price_file(content, "wide.csv")
    with pytest.raises(DataSourceError, match=r"first line is longer than 64 KB"):
        parse_price_file(b"date" * 100_000, "long.csv")


def test_a_file_over_the_size_limit_is_refused_without_being_read(tmp_path, monkeypatch):
    path = tmp_path / "huge.csv"
    with path.open("wb") as handle:
        handle.truncate(51 * 2**20)  # sparse: nothing is written
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail(f"read {self}"))
    with pytest.raises(DataSourceError, match="file huge.csv: file is 51.0 MB, larger than the"):
        FileSource.from_path(path)


def test_dates_after_2262_are_named_not_an_internal_error(tmp_path):
    content = b"date,close\n2024-01-10,1\n2300-01-02,2\n"
    with pytest.raises(DataSourceError, match=r"row 3, column 'date': '2300-01-02' is outside"):
        parse_price_file(content, "far.csv")
    path = tmp_path / "far.xlsx"
    pd.DataFrame({"date": ["2024-01-10", "9999-12-31"], "close": [1, 2]}).to_excel(
        path, index=False
    )
    with pytest.raises(DataSourceError, match=r"row 3, column 'date': '9999-12-31' is outside"):
        parse_price_file(path.read_bytes(), path.name)


def test_a_sheet_whose_dimension_lies_is_counted_before_openpyxl_builds_its_rows(
    tmp_path, monkeypatch
):
    import zipfile

    import openpyxl

    path = tmp_path / "lying.xlsx"
    pd.DataFrame({"date": ["2024-01-10"], "close": [1.0]}).to_excel(path, index=False)
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    cells = b'<c t="n"><v>1</v></c>' * 5000  # dimension still says A1:B2
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"].replace(
        b"</sheetData>", b'<row r="3">' + cells + b"</row></sheetData>"
    )
    with zipfile.ZipFile(path, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: pytest.fail("parsed"))
    with pytest.raises(DataSourceError, match="has over 256 columns, more than the limit"):
        parse_price_file(path.read_bytes(), path.name)


def test_rows_past_a_sheets_declared_dimension_are_read_not_dropped(tmp_path):
    import zipfile

    path = tmp_path / "short.xlsx"
    pd.DataFrame({"date": ["2024-01-10", "2024-01-11"], "close": [1.0, 2.0]}).to_excel(
        path, index=False
    )
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"].replace(
        b'ref="A1:B3"', b'ref="A1:B2"'
    )
    with zipfile.ZipFile(path, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)
    assert parse_price_file(path.read_bytes(), path.name)["close"].tolist() == [1.0, 2.0]


def test_an_unclosed_quote_over_64_kb_is_refused_before_pandas():
    content = b'date,close\n"' + b"2024-01-10,1\n" * 10_000 + b'",1\n'
    with pytest.raises(
        DataSourceError, match=r"a quoted field is \d+ KB long, more than the limit"
    ):
        parse_price_file(content, "quoted.csv")
    # quoted fields of ordinary length are fine
    bars = parse_price_file(b'"date","close"\n"2024-01-10","1"\n', "q.csv")
    assert bars["close"].tolist() == [1.0]


def test_data_page_date_format_choice_size_check_and_one_series_name_per_file(app, monkeypatch):
    from tests.apptest_helpers import goto

    goto(app, "pages/data.py")
    ambiguous = b"date,close\n10/01/2024,1\n11/01/2024,2\n"
    app.file_uploader(key="import_files_0").set_value([("dmy.csv", ambiguous, "text/csv")]).run()
    assert any("file dmy.csv: column 'date': every date fits" in shown(e.value) for e in app.error)
    app.selectbox(key="import_date_format").select("%d/%m/%Y").run()
    assert not app.error
    assert any("dmy.csv: 2 rows, 2024-01-10 to 2024-01-11" in shown(c.value) for c in app.caption)

    # two files named alike (folders differ): the second would overwrite the first
    twin = b"date,close\n10/01/2024,5\n"  # the chosen format applies to every file
    app.file_uploader(key="import_files_0").set_value(
        [("dmy.csv", ambiguous, "text/csv"), ("other.csv", twin, "text/csv")]
    ).run()
    # widgets are keyed by the upload (two uploads may share a name): found by their label
    other = [w for w in app.text_input if shown(w.label) == "Series name for other.csv"]
    other[0].input("dmy").run()
    clash = "Series name dmy is given to dmy.csv and other.csv: one would overwrite the other."
    assert any(clash in shown(e.value) for e in app.error)
    assert not [b for b in app.button if b.key == "import_save"]  # nothing to save

    monkeypatch.setattr("data_sources.files.MAX_FILE_BYTES", 10)
    app.file_uploader(key="import_files_0").set_value([("big.csv", twin, "text/csv")]).run()
    too_big = "file big.csv: file is 0.0 MB, larger than the limit"
    assert any(too_big in shown(e.value) for e in app.error)
    assert not app.exception


def test_the_analysis_cli_sizes_a_price_file_before_reading_it(tmp_path, capsys, monkeypatch):
    from analysis.cli import main

    path = tmp_path / "huge.csv"
    with path.open("wb") as handle:
        handle.truncate(51 * 2**20)  # sparse
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail(f"read {self}"))
    argv = ["study", "--prices", str(path), "--model", "constant-mean"]
    argv += ["--event-date", "2020-06-01", "--out", str(tmp_path / "o")]
    assert main(argv) == 2
    assert "file huge.csv: file is 51.0 MB, larger than the limit of 50 MB" in (
        capsys.readouterr().err
    )
