"""Issue 15 point 5: imports name series right. A bare A-share, ETF or C-REIT code (the file name,
or the file's own code column) becomes its canonical symbol by the instrument registry's code
ranges; a file name and a code column that disagree are refused until the user names the series;
the Data page says what it inferred and shows the preview's dates as dates."""

from __future__ import annotations

import pytest

from data_sources.errors import DataSourceError
from data_sources.files import FileSource, infer_file_symbol, parse_price_file
from data_sources.store import Store
from tests.apptest_helpers import goto
from tests.markdown_render import shown

ROWS = "2024-01-02,10.0\n2024-01-03,10.2\n2024-01-04,10.1\n"
PLAIN = ("date,close\n" + ROWS).encode()


@pytest.mark.parametrize(
    ("file_name", "symbol"),
    [
        ("600030.csv", "600030.SH"),  # Shanghai main board
        ("688981.csv", "688981.SH"),  # STAR
        ("000333.csv", "000333.SZ"),  # Shenzhen main board
        ("300750.csv", "300750.SZ"),  # ChiNext
        ("830799.csv", "830799.BJ"),  # Beijing (8xxxxx)
        ("430047.csv", "430047.BJ"),  # Beijing (4xxxxx)
        ("920001.csv", "920001.BJ"),  # Beijing (92xxxx)
        ("510300.csv", "510300.SH"),  # Shanghai ETF (51)
        ("560010.csv", "560010.SH"),  # Shanghai ETF (56)
        ("588000.csv", "588000.SH"),  # Shanghai ETF (58)
        ("159915.csv", "159915.SZ"),  # Shenzhen ETF (15)
        ("161725.csv", "161725.SZ"),  # Shenzhen LOF (16)
        ("508000.csv", "508000.SH"),  # Shanghai C-REIT
        ("180101.csv", "180101.SZ"),  # Shenzhen C-REIT
        ("399006.csv", "399006.SZ"),  # an index the registry knows
        ("600030.SH.csv", "600030.SH"),  # already canonical
        ("my_fund.csv", "my_fund"),  # not a code: the file name as it is
        ("399437.csv", "399437"),  # an index the registry does not know is never guessed
    ],
)
def test_a_bare_code_in_the_file_name_gets_its_exchange(file_name, symbol):
    bars = parse_price_file(PLAIN, file_name)
    assert bars["symbol"].unique().tolist() == [symbol]
    inference = bars.attrs["symbol_inference"]
    assert inference.symbol == symbol and not inference.problem
    assert inference.origin == ("as named" if "." not in symbol else "file name")


@pytest.mark.parametrize(
    ("header", "value", "symbol"),
    [
        ("code", "sh.600030", "600030.SH"),  # baostock
        ("ts_code", "000001.SZ", "000001.SZ"),  # tushare
        ("代码", "600030", "600030.SH"),  # akshare, a bare code
        ("证券代码", "SZ300750", "300750.SZ"),  # Wind/Choice, exchange first
        ("symbol", "sz.159915", "159915.SZ"),
        ("thscode", "508000.SH", "508000.SH"),  # iFinD
    ],
)
def test_the_files_own_code_column_names_the_series(header, value, symbol):
    content = f"date,close,{header}\n" + "".join(
        f"{row},{value}\n" for row in ROWS.strip().split("\n")
    )
    bars = parse_price_file(content.encode(), "prices.csv")
    assert bars["symbol"].unique().tolist() == [symbol]
    inference = bars.attrs["symbol_inference"]
    assert (inference.origin, inference.column, inference.value) == ("column", header, value)


def test_a_code_column_settles_a_code_that_fits_two_exchanges():
    # 000001 is the SSE Composite (000001.SH) and Ping An Bank (000001.SZ)
    alone = infer_file_symbol(PLAIN, "000001.csv")
    assert alone.symbol == "000001" and "000001.SH and 000001.SZ" in alone.problem
    baostock = "date,code,close\n" + "".join(
        f"{row.split(',')[0]},sz.000001,{row.split(',')[1]}\n" for row in ROWS.strip().split("\n")
    )
    settled = infer_file_symbol(baostock.encode(), "000001.csv")
    assert settled.symbol == "000001.SZ" and not settled.problem


@pytest.mark.parametrize("column", ["tradestatus", "is_st", "isST", "turn", "换手率"])
def test_a_stocks_own_columns_settle_a_code_that_fits_an_index_and_a_stock(column):
    """000001.csv with a trading-status (or ST, turnover) column is Ping An Bank, not the SSE
    Composite index: only a single stock's file has such a column."""
    stock = f"date,close,{column}\n" + "".join(f"{row},1\n" for row in ROWS.strip().split("\n"))
    inference = infer_file_symbol(stock.encode(), "000001.csv")
    assert inference.symbol == "000001.SZ" and not inference.problem
    # an index's own columns (preclose, pct_chg: baostock gives them for indices too) do not
    index = "date,close,preclose,pct_chg\n" + "".join(
        f"{row},10,0\n" for row in ROWS.strip().split("\n")
    )
    assert infer_file_symbol(index.encode(), "000001.csv").symbol == "000001"


def test_a_file_name_and_a_code_column_that_disagree_are_refused_until_named():
    content = "date,code,close\n2024-01-02,sh.600030,10.0\n2024-01-03,sh.600030,10.2\n"
    inference = infer_file_symbol(content.encode(), "000333.csv")
    assert inference.symbol is None
    assert inference.problem == (
        "the file name says 000333.SZ but its code column 'code' says sh.600030 (600030.SH)"
    )
    with pytest.raises(DataSourceError) as error:
        parse_price_file(content.encode(), "000333.csv")
    assert "file 000333.csv" in str(error.value) and "600030.SH" in str(error.value)
    assert "Give the series a name" in str(error.value)
    # the user's own name settles it
    named = parse_price_file(content.encode(), "000333.csv", "600030.SH")
    assert named["symbol"].iloc[0] == "600030.SH"
    with pytest.raises(DataSourceError, match="000333.SZ"):
        FileSource(content.encode(), "000333.csv").symbol_query()


def test_the_cli_stores_a_bare_code_file_under_its_canonical_symbol(data_dir, tmp_path):
    from data_sources.cli import main

    path = tmp_path / "600030.csv"
    path.write_bytes(PLAIN)
    assert main(["import", str(path)]) == 0
    assert Store().symbols() == ["600030.SH"]


def test_the_data_page_says_what_it_inferred_and_shows_dates_as_dates(app):
    goto(app, "pages/data.py")
    conflict = b"date,code,close\n2024-01-02,sh.600030,10.0\n2024-01-03,sh.600030,10.2\n"
    app.file_uploader(key="import_files_0").set_value(
        [("600030.csv", PLAIN, "text/csv"), ("000333.csv", conflict, "text/csv")]
    ).run()
    assert not app.exception
    inferred, conflicting = (box for box in app.text_input if box.key.startswith("import_symbol"))
    assert inferred.value == "600030.SH" and conflicting.value == ""
    captions = [shown(c.value) for c in app.caption]
    assert "Series name 600030.SH inferred from the file name (600030)." in captions
    errors = [shown(e.value) for e in app.error]
    assert (
        "The file name says 000333.SZ but the file's code column code says sh.600030 "
        "(600030.SH): type the series name." in errors
    )
    preview = next(d.value for d in app.dataframe if {"symbol", "close"} <= set(d.value.columns))
    assert preview["date"].tolist() == ["2024-01-02", "2024-01-03", "2024-01-04"]
    assert preview["symbol"].unique().tolist() == ["600030.SH"]
    assert [b.label for b in app.button if b.key == "import_save"] == [
        "Save 1 file(s) to the store"
    ]
    conflicting.input("600030.SH.bis").run()
    app.button(key="import_save").click().run()
    assert not app.exception
    assert {"600030.SH", "600030.SH.bis"} <= set(Store().symbols())
