"""Import of a user's price files: layouts, encodings, and errors that name file, row and column."""

from __future__ import annotations

import pytest

from data_sources.base import BarQuery
from data_sources.errors import DataSourceError
from data_sources.files import FileSource, parse_price_csv


def test_english_columns_any_case_and_extra_columns():
    content = (
        b"Date,Open,High,Low,Close,Volume,ticker\n2020-01-03,2,3,1,2.5,100,A\n"
        b"2020-01-02,1,2,1,1.5,90,A\n"
    )
    bars = parse_price_csv(content, "ABC.csv")
    assert bars["symbol"].unique().tolist() == ["ABC"]
    assert bars["close"].tolist() == [1.5, 2.5]  # sorted by date
    assert bars["amount"].isna().all()


def test_chinese_columns_in_gbk_and_utf8_bom():
    text = "日期,开盘,收盘,最高,最低,成交量\n2020-01-02,1,1.5,2,1,10\n"
    for encoded in (text.encode("gbk"), text.encode("utf-8-sig")):
        bars = parse_price_csv(encoded, "沪深300.csv", "000300.SH")
        assert bars["close"].tolist() == [1.5]
        assert bars["symbol"].iloc[0] == "000300.SH"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"date,close\n2020-01-02,1\n2020-13-45,2\n", "row 3, column 'date'"),
        (b"date,close\n2020-01-02,1\n2020-01-03,-2\n", "row 3, column 'close'"),
        (b"date,close\n2020-01-02,1\n2020-01-03,\n", "row 3, column 'close': nan is empty"),
        (b"date,close\n2020-01-02,1\n2020-01-02,2\n", "row 3, column 'date': 2020-01-02 appears"),
        (b"date,price\n2020-01-02,1\n", "no 'close' column"),
        (b"close\n1\n", "no 'date' column"),
        (b"", "file is empty"),
        (b"date,close\n", "header but no rows"),
        (b"\xff\xfe\x00\x00garbage\x81", "cannot decode"),
    ],
)
def test_errors_name_file_row_and_column(content, expected):
    with pytest.raises(DataSourceError) as raised:
        parse_price_csv(content, "prices.csv")
    message = str(raised.value)
    assert "file prices.csv" in message
    assert expected in message


def test_file_source_reads_from_disk_and_names_missing_files(tmp_path):
    path = tmp_path / "X.csv"
    path.write_text("date,close\n2020-01-02,1\n", encoding="utf-8")
    assert FileSource(path).fetch(BarQuery("X")).bars["close"].tolist() == [1.0]
    with pytest.raises(DataSourceError, match="file not found"):
        FileSource(tmp_path / "missing.csv").fetch(BarQuery("missing"))
