"""Replies of the HTTP endpoints behind akshare's bar and list functions, for ``responses``.

Every builder gives a payload in the exact shape the endpoint sends
(``../shared/reference/akshare-notes.md`` §1), so akshare's own request building and parsing
run in the tests; only the transport is replaced. Positional shapes matter: a kline string must
carry the endpoint's number of values and a Shenwan or clist record its keys in the site's
order, or akshare's parser fails with a length mismatch.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence

#: Eastmoney's kline endpoint (indices, funds, A-shares) and the hosts akshare uses for boards.
KLINE_URL = "https://push2his.eastmoney.com/api/qt/stock/kline/get"
INDUSTRY_URL = "http://7.push2his.eastmoney.com/api/qt/stock/kline/get"
CONCEPT_URL = "https://91.push2his.eastmoney.com/api/qt/stock/kline/get"
#: Shenwan Hongyuan's index history (index_hist_sw): the whole history, JSON records.
SHENWAN_URL = "https://www.swsresearch.com/institute-sw/api/index_publish/trend/"

#: Values per kline string: indices (stock_zh_index_daily_em asks for f51..f58) send 8;
#: funds, A-shares and boards 11 (date, open, close, high, low, volume, amount, amplitude %,
#: change %, change, turnover %).
INDEX_WIDTH = 8
FULL_WIDTH = 11

#: The reply for a code Eastmoney does not know.
UNKNOWN_CODE = {"rc": 0, "data": None}


def _text(value) -> str:
    return value if isinstance(value, str) else f"{value:.2f}"


def kline_line(
    date: str,
    open_,
    close,
    high,
    low,
    volume=1000,
    amount=100000.0,
    width: int = INDEX_WIDTH,
) -> str:
    """One kline string in the endpoint's order (date, open, close, high, low, volume, amount,
    then the remaining fields, which no test reads, as 0.5). Prices given as text are sent as
    they are (``"-"`` is what Eastmoney sends for a missing value)."""
    head = [date, _text(open_), _text(close), _text(high), _text(low), str(volume), _text(amount)]
    return ",".join(head + ["0.5"] * (width - len(head)))


def kline_lines(dates: Sequence[str], width: int = INDEX_WIDTH, start: float = 3000.0) -> list[str]:
    """Rising bars, one per date: open ``start + i``, close one above, high two above, low one
    below (so the first close is ``start + 1``)."""
    return [
        kline_line(d, start + i, start + i + 1, start + i + 2, start + i - 1, width=width)
        for i, d in enumerate(dates)
    ]


def kline_payload(lines: Sequence[str], code: str = "x", name: str = "x", market: int = 1) -> dict:
    """Eastmoney's kline reply (market 1 SSE, 0 SZSE and BSE, 90 Eastmoney boards)."""
    return {"rc": 0, "data": {"code": code, "market": market, "name": name, "klines": list(lines)}}


def board_payload(code: str, lines: Sequence[str]) -> dict:
    """An Eastmoney industry or concept board's kline reply."""
    return kline_payload(lines, code, "证券", market=90)


def shenwan_record(
    date: str,
    close,
    open_,
    high=None,
    low=None,
    volume: float = 1.0,
    amount: float = 2.0,
    code: str = "801193",
) -> dict:
    """One record of Shenwan's reply, keys in the site's order. By default its high and low
    bracket the open and the close by 20 (a row whose open lies outside its own day's range is
    impossible, and ``to_canonical`` empties its open, high and low); an open of None or text is
    sent as it is."""
    prices = [close]
    with contextlib.suppress(TypeError, ValueError):  # an empty or a text open is not a price
        prices.append(float(open_))
    return {
        "swindexcode": code,
        "bargaindate": date,
        "openindex": open_,
        "maxindex": max(prices) + 20 if high is None else high,
        "minindex": min(prices) - 20 if low is None else low,
        "closeindex": close,
        "hike": 1.0,
        "markup": 0.1,
        "bargainamount": volume,
        "bargainsum": amount,
    }


def shenwan_payload(records: Sequence[dict]) -> dict:
    return {"code": 200, "data": list(records)}


def clist_payload(rows: Sequence[dict], total: int | None = None) -> dict:
    """One page of an Eastmoney list (clist) reply; ``total`` counts every page's rows (one
    page, when it equals ``len(rows)``: akshare then sleeps before no further page)."""
    return {"rc": 0, "data": {"total": len(rows) if total is None else total, "diff": list(rows)}}


def creit_row(code: str, market: int, name: str, price: float, change: float = 0.5) -> dict:
    """A row of Eastmoney's C-REIT list: keys f2 (price), f3 (change %, always needed for the
    sort), f12 (code), f13 (market), f14 (name), in that order."""
    return {"f2": price, "f3": change, "f12": code, "f13": market, "f14": name}
