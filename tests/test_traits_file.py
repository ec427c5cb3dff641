"""A user's trait file (symbol, trait…): read into a frozen TraitTable indexed by canonical
symbol, validated like the price imports (named errors for damaged, empty, symbol-less or
duplicated files and for cells that are not numbers), yes/no read as 1/0, hostile text kept as
data, and the table kept in the data directory."""

from __future__ import annotations

import dataclasses
import io
import math

import pandas as pd
import pytest

from data_sources.errors import DataSourceError
from data_sources.messages import Message
from data_sources.store import Store
from data_sources.traits import (
    TraitTable,
    load_traits,
    parse_trait_file,
    read_trait_file,
    save_traits,
)


def _parse(text: str, name: str = "traits.csv") -> TraitTable:
    return parse_trait_file(text.encode("utf-8"), name)


def _error(content: bytes | str, name: str = "traits.csv") -> str:
    if isinstance(content, str):
        content = content.encode("utf-8")
    with pytest.raises(DataSourceError) as caught:
        parse_trait_file(content, name)
    text = str(caught.value)
    assert text.startswith(f"file {name}: ")  # every error names the file
    return text


def test_codes_in_every_vendor_spelling_become_canonical_symbols():
    table = _parse(
        "symbol,leverage\n"
        "600030,0.61\n"  # bare: one exchange fits
        "sh.601688,0.55\n"  # baostock
        "SZ300750,0.42\n"  # Xueqiu
        "000001.sz,0.91\n"  # tushare in lower case
        "2142,0.30\n"  # Excel dropped the leading zeros of 002142
        "688981.SH,0.20\n"
        "430047,0.10\n"  # BSE
    )
    assert table.symbols == [
        "600030.SH",
        "601688.SH",
        "300750.SZ",
        "000001.SZ",
        "002142.SZ",
        "688981.SH",
        "430047.BJ",
    ]
    assert table.frame.index.name == "symbol"
    assert table.frame["leverage"].dtype == "float64"
    assert table.frame.loc["300750.SZ", "leverage"] == 0.42
    assert table.source == "traits.csv"
    assert any("002142" in note for note in table.notes)


def test_a_bare_code_of_an_index_and_a_stock_is_read_as_the_stock():
    # 000001 is the SSE Composite and Ping An Bank: a trait file lists firms
    table = _parse("code,soe\n000001,0\n")
    assert table.symbols == ["000001.SZ"]
    assert any("000001.SH" in note for note in table.notes)


def test_yes_no_cells_are_read_as_one_and_zero_and_empty_cells_as_missing():
    table = _parse(
        "证券代码,soe,northbound,listed_abroad\n"
        "600030,true,1.5,是\n"
        "601688,FALSE,,否\n"
        "300750,1,2.25,yes\n"
        "000001,0,0.75,No\n"
    )
    frame = table.frame
    assert frame["soe"].tolist() == [1.0, 0.0, 1.0, 0.0]
    assert frame["listed_abroad"].tolist() == [1.0, 0.0, 1.0, 0.0]
    assert math.isnan(frame.loc["601688.SH", "northbound"])
    assert frame.loc["300750.SZ", "northbound"] == 2.25
    assert all(dtype == "float64" for dtype in frame.dtypes)
    assert any("'soe': yes/no read as 1/0" in note for note in table.notes)
    assert all(isinstance(note, Message) for note in table.notes)


def test_the_table_is_frozen():
    table = _parse("symbol,x\n600030,1\n")
    with pytest.raises(dataclasses.FrozenInstanceError):
        table.source = "other.csv"  # type: ignore[misc]


def test_excel_workbooks_are_read(tmp_path):
    path = tmp_path / "traits.xlsx"
    pd.DataFrame(
        {"股票代码": ["600030", "300750"], "杠杆": [0.6, 0.4], "国企": ["是", "否"]}
    ).to_excel(path, index=False)
    table = read_trait_file(path)
    assert table.symbols == ["600030.SH", "300750.SZ"]
    assert table.frame["国企"].tolist() == [1.0, 0.0]
    assert table.source == "traits.xlsx"


def test_gb18030_csv_is_read():
    content = "代码,杠杆\n600030,0.6\n".encode("gb18030")
    assert parse_trait_file(content, "t.csv").frame["杠杆"].tolist() == [0.6]


@pytest.mark.parametrize(
    ("content", "name", "expected"),
    [
        (b"", "t.csv", "file is empty"),
        (b"  \n\n", "t.csv", "file is empty"),
        (b"symbol,leverage\n", "t.csv", "file has a header but no rows"),
        (b"name,leverage\nCITIC,0.6\n", "t.csv", "no symbol column"),
        (b"symbol\n600030\n", "t.csv", "no trait column"),
        (b"PK\x03\x04 not really a zip", "t.xlsx", "not a readable Excel workbook"),
        (b"\x00\x01\x02garbage\xff\xfe", "t.xls", "not a readable Excel workbook"),
        (b'symbol,x\n"600030,1\n' + b"a" * 70000 + b"\n", "t.csv", "quoted field"),
        (b"symbol,x\n\xff\xfe\xfd\x80,1\n", "t.csv", "cannot decode"),
    ],
)
def test_a_damaged_or_empty_file_gets_a_named_error(content, name, expected):
    assert expected in _error(content, name)


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(DataSourceError, match="file not found"):
        read_trait_file(tmp_path / "nowhere.csv")


def test_duplicate_symbols_are_named_with_their_rows():
    # the same firm written two ways counts twice
    text = _error("symbol,x\n600030,1\n300750,2\nsh.600030,3\n300750.SZ,4\n")
    assert "600030.SH (rows 2, 4)" in text
    assert "300750.SZ (rows 3, 5)" in text


def test_a_column_twice_is_named():
    assert "column 'x' appears twice" in _error("symbol,x,x\n600030,1,2\n")


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        ("high", "'high'"),
        ("=1+1", "'=1+1'"),
        ('=HYPERLINK("http://evil","x")', "'=HYPERLINK"),
        ("inf", "'inf'"),
        ("<b>3</b>", "'<b>3</b>'"),
    ],
)
def test_text_in_a_trait_column_is_named_with_row_and_column(cell, shown):
    content = pd.DataFrame({"symbol": ["600030", "300750"], "leverage": ["0.5", cell]})
    text = _error(content.to_csv(index=False))
    assert "row 3, column 'leverage':" in text
    assert shown in text
    assert "is not a number or a yes/no" in text


def test_a_symbol_that_is_not_a_code_is_named():
    text = _error("symbol,x\n600030,1\n=cmd|' /C calc'!A0,2\n")
    assert "row 3, column 'symbol':" in text
    assert "is not a stock code" in text


def test_hostile_headers_and_long_cells_are_kept_as_data():
    long_name = "<script>alert(1)</script>" + "x" * 150
    table = _parse(f"symbol,{long_name},=SUM(A1:A9),**bold** [x](http://e)\n600030,1,2,3\n")
    assert table.traits == [long_name, "=SUM(A1:A9)", "**bold** [x](http://e)"]
    assert table.frame.iloc[0].tolist() == [1.0, 2.0, 3.0]


def test_a_header_too_long_to_be_a_name_is_refused():
    text = _error("symbol," + "y" * 5000 + "\n600030,1\n")
    assert "5,000 characters long" in text
    assert len(text) < 300  # the message shows a cut of it, not all of it


def test_the_table_is_kept_in_the_data_directory_and_a_replaced_one_is_copied(tmp_path):
    store = Store(tmp_path / "store")
    assert load_traits(store) is None
    first = _parse("symbol,soe\n600030,1\n300750,0\n", "mine.csv")
    save_traits(first, store)
    loaded = load_traits(store)
    assert loaded is not None
    pd.testing.assert_frame_equal(loaded.frame, first.frame)
    assert loaded.source == "mine.csv"
    save_traits(_parse("symbol,lev\n600030,0.5\n", "second.csv"), store)
    assert load_traits(store).traits == ["lev"]
    copies = list((store.root / "traits" / "replaced").glob("traits.*.csv"))
    assert len(copies) == 1
    assert parse_trait_file(copies[0].read_bytes(), "copy.csv").traits == ["soe"]


def test_a_damaged_saved_table_is_set_aside_not_fatal(tmp_path):
    store = Store(tmp_path / "store")
    save_traits(_parse("symbol,soe\n600030,1\n"), store)
    (store.root / "traits" / "traits.csv").write_bytes(b"\x00garbage")
    assert load_traits(store) is None
    assert any(p.name.startswith("traits.csv.") for p in store.quarantine_dir.iterdir())
    assert not (store.root / "traits" / "traits.csv").exists()


def test_a_table_reads_back_from_its_own_csv():
    table = _parse("symbol,soe,lev\n600030,是,0.5\n300750,否,\n")
    again = parse_trait_file(table.csv_bytes(), "again.csv")
    pd.testing.assert_frame_equal(again.frame, table.frame)
    assert isinstance(io.BytesIO(table.csv_bytes()).read(), bytes)


def test_a_name_column_is_left_out_with_a_note():
    table = _parse("证券代码,证券简称,soe\n600030,中信证券,1\n300750,<b>宁德时代</b>,0\n")
    assert table.traits == ["soe"]
    assert any("'证券简称': firm names, not a trait (left out)" in n for n in table.notes)


@pytest.mark.parametrize("column", ["symbol", "x"])
def test_a_very_long_cell_is_named_in_a_short_message(column):
    cells = {"symbol": "600030", "x": "1"}
    cells[column] = "<script>" + "A" * 20000 + "</script>"
    text = _error(f"symbol,x\n{cells['symbol']},{cells['x']}\n")
    assert "row 2, column " + repr(column) in text
    assert "'<script>AAAA" in text and len(text) < 400


def test_many_repeated_firms_make_a_short_error_naming_the_first_few():
    # 30,000 rows, 10,000 codes each three times: the error names five, then how many more
    # (the review's file had 300,000 rows: a 4 MB message)
    codes = [f"{600000 + i % 10_000:06d}" if i % 10_000 < 4000 else f"{i % 10_000:06d}"
             for i in range(30_000)]  # fmt: skip
    text = "symbol,leverage\n" + "".join(f"{code},0.5\n" for code in codes)
    with pytest.raises(DataSourceError) as caught:
        parse_trait_file(text.encode("utf-8"), "big.csv")
    message = str(caught.value)
    assert len(message) < 600, len(message)
    assert "the same firm appears more than once: 600000.SH (rows 2, 10002, 20002)" in message
    assert "(and 9995 more)" in message
    # one firm on many rows: its first rows, then how many more
    text = "symbol,leverage\n" + "600030,0.5\n" * 12
    with pytest.raises(DataSourceError) as caught:
        parse_trait_file(text.encode("utf-8"), "rows.csv")
    assert "600030.SH (rows 2, 3, 4, 5, 6 (and 7 more))" in str(caught.value)
