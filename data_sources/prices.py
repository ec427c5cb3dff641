"""Prices a referee would accept: suspended sessions and adjusted returns of imported files.

:func:`prepare_prices` runs on a parsed file's rows (dates read, numbers checked) before they
become canonical bars, and returns the rows to keep plus a JSON-ready *price record* that the
store keeps with the series (``provenance``) and the study reads:

* **Suspensions.** A row is a suspended session (停牌) when the file says so (a ``tradestatus``
  / ``交易状态`` column: ``0`` or ``停牌``), or, in a file without such a column, when its volume
  is zero or empty and open = high = low = close = the previous close (how baostock writes a
  suspended day). Such rows are removed, so the session is *missing* (no return), never a
  traded day with a zero return; their dates are kept in ``suspended``.
* **Adjustment.** Close-to-close changes of unadjusted prices read a split or bonus issue as a
  crash (002714 on 2020-06-04: −40.4 % close to close, +1.7 % as traded). In order of
  preference the returns come from: an adjustment factor column (复权因子, ``adj_factor``:
  adjusted price = price × factor); the vendor's own adjustment (baostock ``adjustflag`` 1 =
  后复权 hfq, 2 = 前复权 qfq: the prices are used as they are); a pre-computed return column
  (``pct_chg``/``pctChg``/涨跌幅; its unit, % or a fraction, is detected from the days it agrees
  with the closes). With file returns, a day whose file return differs from the close-to-close
  return by more than :data:`EX_RIGHTS_TOLERANCE` is an ex-rights day and the file's return is
  used; the prices *before* each such day are scaled by (1 + close-to-close return) / (1 + file
  return), so the last close of the file stays the traded price (forward adjustment, 前复权 to
  the file's end: the recent prices, which studies use, match published ones) and every
  downstream reader of closes gets the adjusted returns.
* **Price limits.** Where the board is known from the symbol or a code column (A-shares and
  C-REITs), any day-return beyond the board's daily limit (:func:`price_limit`, plus
  :data:`LIMIT_TOLERANCE` for rounding) is listed in ``limit_breaks``: with no adjustment
  information it means the prices are unadjusted (an ex-rights day read as a crash); the
  import is flagged ``unadjusted``, or refused naming the file and the dates when the caller
  asks for strict adjustment. A file's first row has no return (a listing day has no
  limit); on boards with registration-based listings (STAR; ChiNext from 2020-08-24; the main
  board from 2023-04-10) the first :data:`LISTING_SESSIONS` rows are not flagged either (no
  limit in a listing's first five sessions), and any break there is named in the detail.

``adjustment`` is one of :data:`ADJUSTMENTS`.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd

from data_sources.errors import DataSourceError

ADJUSTED_FILE_RETURNS = "adjusted (file returns)"
ADJUSTED_FACTOR = "adjusted (factor)"
VENDOR_HFQ = "vendor-adjusted (hfq)"
VENDOR_QFQ = "vendor-adjusted (qfq)"
UNADJUSTED = "unadjusted"
UNKNOWN = "unknown"
SYNTHETIC = "synthetic (no adjustment needed)"
INDEX_LEVEL = "unadjusted (index level)"
#: Every value of a series' ``adjustment`` record.
ADJUSTMENTS = (
    ADJUSTED_FILE_RETURNS,
    ADJUSTED_FACTOR,
    VENDOR_HFQ,
    VENDOR_QFQ,
    UNADJUSTED,
    UNKNOWN,
    SYNTHETIC,
    INDEX_LEVEL,
)

#: A file return further than this from the close-to-close return marks an ex-rights day
#: (0.01 pp: vendors round pct_chg to 4-6 decimals of a percent, far below this; a 0.1 %
#: cash dividend is above it).
EX_RIGHTS_TOLERANCE = 1e-4
#: Rounding allowance above a board's limit (a limit price is rounded to 0.01 CNY: 10 % of
#: 1.05 CNY is 1.155, traded at 1.16, +10.48 %).
LIMIT_TOLERANCE = 0.005
#: Fewer days than this that move enough (≥ 0.2 %) to tell % from a fraction: per cent is
#: assumed (every vendor listed in data_sources.files writes per cent) unless a fraction fits.
MIN_UNIT_DAYS = 5
#: Rows at the start of a file whose returns are not checked against the limit.
LISTING_SESSIONS = 5
#: Daily price limits started on the Shanghai and Shenzhen exchanges on 1996-12-16.
LIMITS_FROM = pd.Timestamp("1996-12-16")
CHINEXT_REFORM = pd.Timestamp("2020-08-24")
#: Registration-based listings on the main boards (no limit in the first five sessions).
MAIN_REGISTRATION = pd.Timestamp("2023-04-10")
#: Main-board risk-warning (ST) stocks: ±5 % until this day, ±10 % from it (SSE/SZSE notice of
#: June 2025).
MAIN_ST_REFORM = pd.Timestamp("2025-07-07")

#: Extra columns the importer reads (lower-case, unit suffix removed) → their role.
EXTRA_ALIASES = {
    "tradestatus": "tradestatus",
    "trade_status": "tradestatus",
    "交易状态": "tradestatus",
    "pct_chg": "pct_chg",
    "pctchg": "pct_chg",
    "pct_change": "pct_chg",
    "涨跌幅": "pct_chg",
    "adjustflag": "adjustflag",
    "adjust_flag": "adjustflag",
    "复权因子": "adj_factor",
    "adj_factor": "adj_factor",
    "adjfactor": "adj_factor",
    "adj factor": "adj_factor",
    "hfq_factor": "adj_factor",
    "isst": "is_st",
    "is_st": "is_st",
    "name": "name",
    "名称": "name",
    "简称": "name",
    "股票简称": "name",
    "证券简称": "name",
    "code": "code",
    "ts_code": "code",
    "代码": "code",
    "股票代码": "code",
    "证券代码": "code",
}
_SUSPENDED = {"0", "停牌", "suspended", "false"}
_TRADING = {"1", "正常交易", "交易", "trading", "true"}
_VENDOR = {"1": VENDOR_HFQ, "2": VENDOR_QFQ, "3": UNADJUSTED}
#: The risk-warning marker that starts an ST name (ST, *ST, SST, S*ST; full-width letters are
#: folded first): "ST" inside a word (CHINA STEEL) is not one.
_ST_MARKER = r"^[\s*S]*ST(?![A-Z])"


def board_of(symbol: str, code: str | None = None) -> str | None:
    """The board whose price limit applies (``main``, ``chinext``, ``star``, ``bse``,
    ``reit``), from a code column's value or the series name; ``None`` for indices, funds
    and anything not recognised (no limit check)."""
    for text in (code, symbol):
        if not text:
            continue
        found = re.search(r"(\d{6})", str(text))
        if not found:
            continue
        digits = found.group(1)
        letters = re.sub(r"[^a-z]", "", str(text).lower())
        exchange = next((x for x in ("sh", "ss", "sz", "bj", "bse") if x in letters), None)
        if exchange in ("bj", "bse") or (exchange is None and digits[:2] in ("43", "83", "87")):
            return "bse"
        if digits.startswith("92") and exchange in (None, "bj", "bse"):
            return "bse"
        if exchange in ("sh", "ss") or (exchange is None and digits[0] in "56"):
            if digits.startswith(("688", "689")):
                return "star"
            if digits.startswith("60"):
                return "main"
            if digits.startswith("508"):
                return "reit"
            return None  # SH 000xxx indices, ETFs
        if digits.startswith(("300", "301")):
            return "chinext"
        if digits.startswith(("000", "001", "002", "003")):
            return "main"
        if digits.startswith("180"):
            return "reit"
        return None  # SZ 399xxx indices, 15/16xxxx funds
    return None


def price_limit(board: str, dates: pd.Series, st: pd.Series) -> pd.Series:
    """The daily limit (a fraction) per day: ±10 % main board (±5 % ST until 2025-07-07),
    ChiNext ±10 % (±5 % ST) before 2020-08-24 and ±20 % since, STAR ±20 %, BSE ±30 %,
    C-REITs ±10 %; NaN before 1996-12-16 (no limits)."""
    if board == "main":
        limit = np.where(st & (dates < MAIN_ST_REFORM), 0.05, 0.10)
    elif board == "chinext":
        limit = np.where(dates >= CHINEXT_REFORM, 0.20, np.where(st, 0.05, 0.10))
    elif board == "star":
        limit = np.full(len(dates), 0.20)
    elif board == "bse":
        limit = np.full(len(dates), 0.30)
    else:  # reit
        limit = np.full(len(dates), 0.10)
    return pd.Series(limit, index=dates.index).where(dates >= LIMITS_FROM)


def _shown(name: str) -> str:
    """A column name as messages show it (a header may be long: it is the user's text)."""
    return repr(name if len(name) <= 40 else name[:40] + "…")


def _numbers(
    frame: pd.DataFrame, column: str, where: str, *, positive: bool, shown: str
) -> pd.Series:
    """A numeric extra column; an unreadable (or, ``positive``, non-positive) cell is named by
    row and column. Empty cells are NaN; a trailing % sign is allowed (``1.73%``)."""
    text = frame[column].astype("string").str.strip().str.removesuffix("%")
    values = pd.to_numeric(text, errors="coerce")
    given = text.notna() & (text != "")
    bad = (values.isna() & given) | values.isin([np.inf, -np.inf])
    if positive:
        bad |= values.notna() & (values <= 0)
    if bad.any():
        position = int(bad.to_numpy().argmax())
        wanted = "is not a positive number" if positive else "is not a number"
        raise DataSourceError(
            f"row {frame.index[position] + 2}, column {shown}: "
            f"{frame[column].iloc[position]!r} {wanted}",
            source=where,
        )
    return values.astype("float64")


def _status_text(frame: pd.DataFrame) -> pd.Series:
    text = frame["tradestatus"].astype("string").str.strip().str.lower()
    return text.str.replace(r"\.0+$", "", regex=True)


def marked_suspended(frame: pd.DataFrame) -> pd.Series:
    """Rows whose trading-status column says suspended (False without one): their prices may
    be empty, the row is a missing session either way."""
    if "tradestatus" not in frame.columns:
        return pd.Series(False, index=frame.index)
    return _status_text(frame).isin(_SUSPENDED).fillna(False).astype(bool)


def _suspended_rows(frame: pd.DataFrame, where: str, status_name: str | None) -> pd.Series:
    if "tradestatus" in frame.columns:
        text = _status_text(frame)
        known = text.isin(_SUSPENDED | _TRADING) | text.isna() | (text == "")
        if not known.all():
            position = int((~known).to_numpy().argmax())
            raise DataSourceError(
                f"row {frame.index[position] + 2}, column {status_name!r}: "
                f"{frame['tradestatus'].iloc[position]!r} is not a trading status "
                "(1 or 正常交易 = traded, 0 or 停牌 = suspended)",
                source=where,
            )
        return text.isin(_SUSPENDED).fillna(False).astype(bool)
    needed = {"open", "high", "low", "close", "volume"}
    if not needed <= set(frame.columns):
        return pd.Series(False, index=frame.index)
    values = {c: pd.to_numeric(frame[c], errors="coerce") for c in needed}
    close = values["close"]
    flat = (
        (values["open"] == close)
        & (values["high"] == close)
        & (values["low"] == close)
        & (close == close.shift(1))
    )
    idle = values["volume"].isna() | (values["volume"] == 0)
    return (flat & idle).fillna(False).astype(bool)


def _percent_unit(file_value: pd.Series, close_return: pd.Series) -> tuple[float | None, str]:
    """The divisor that turns the return column into a fraction (100: per cent; 1: already a
    fraction; None: neither fits) and a sentence saying how it was decided."""
    usable = file_value.notna() & close_return.notna() & (close_return.abs() >= 0.002)
    percent = ((file_value - 100 * close_return).abs() <= 0.05)[usable].mean()
    fraction = ((file_value - close_return).abs() <= 0.0005)[usable].mean()
    days = int(usable.sum())
    if days < MIN_UNIT_DAYS and not fraction > percent:
        return 100.0, f"assumed to be in % (the vendors' convention; {days} days to tell by)"
    if percent >= 0.5 and percent >= fraction:
        return (
            100.0,
            f"in % (equals 100 × the close-to-close return on {percent:.0%} of {days} days)",
        )
    if fraction >= 0.5:
        return (
            1.0,
            f"a fraction (equals the close-to-close return on {fraction:.0%} of {days} days)",
        )
    return None, (
        f"ignored: it matches neither 100 × nor 1 × the close-to-close return on most of {days} "
        "days"
    )


def _scale_prices(frame: pd.DataFrame, factor: pd.Series) -> pd.DataFrame:
    out = frame.copy()
    for column in ("open", "high", "low", "close"):
        if column in out.columns:
            out[column] = pd.to_numeric(out[column], errors="coerce") * factor
    return out


def prepare_prices(
    frame: pd.DataFrame,
    where: str,
    symbol: str,
    *,
    strict: bool = False,
    names: dict[str, str] | None = None,
) -> tuple[pd.DataFrame, dict]:
    """Remove suspended rows and adjust prices (see the module docstring).

    ``frame``: the file's rows with canonical and extra column names, ``date`` already parsed,
    numbers checked, index = file row − 2. ``names``: canonical → the file's column name (for
    messages). Returns the rows to keep (sorted by date) and the price record. ``strict``:
    refuse a file whose returns break the board's limit (naming it and the dates).
    """
    names = names or {}
    frame = frame.sort_values("date", kind="mergesort")
    suspended = _suspended_rows(frame, where, names.get("tradestatus", "tradestatus"))
    traded = frame[~suspended]
    if traded.empty:
        raise DataSourceError("every row is a suspended session (no traded day)", source=where)
    dates = traded["date"]
    close = pd.to_numeric(traded["close"], errors="coerce")
    close_return = close / close.shift(1) - 1
    adjustment, details = UNKNOWN, []
    adjusted_days: list[str] = []
    flag = None
    if "adjustflag" in traded.columns:
        flags = (
            traded["adjustflag"].astype("string").str.strip().str.replace(r"\.0+$", "", regex=True)
        )
        flag = flags.dropna().mode().iloc[0] if flags.notna().any() else None
    returns = close_return
    if "adj_factor" in traded.columns:
        factor = _numbers(
            traded, "adj_factor", where, positive=True, shown=_shown(names.get("adj_factor", ""))
        )
        if factor.isna().any():
            position = int(factor.isna().to_numpy().argmax())
            raise DataSourceError(
                f"row {traded.index[position] + 2}, column "
                f"{_shown(names.get('adj_factor', 'adj_factor'))}: the adjustment factor is empty",
                source=where,
            )
        # rescaled to the last row: the file's last close stays the traded price
        traded = _scale_prices(traded, factor / factor.iloc[-1])
        adjusted = pd.to_numeric(traded["close"])
        returns = adjusted / adjusted.shift(1) - 1
        changed = factor.ne(factor.shift(1)) & factor.shift(1).notna()
        adjusted_days = [f"{d:%Y-%m-%d}" for d in dates[changed]]
        adjustment = ADJUSTED_FACTOR
        details.append(
            f"prices × {_shown(names.get('adj_factor', 'adj_factor'))} (rescaled so the last "
            f"close is as traded); the factor changes on {len(adjusted_days)} day(s)"
        )
    elif flag in ("1", "2"):
        adjustment = _VENDOR[flag]
        details.append(f"adjustflag {flag}: prices adjusted by the vendor, used as they are")
    elif "pct_chg" in traded.columns:
        column = _shown(names.get("pct_chg", "pct_chg"))
        file_value = _numbers(traded, "pct_chg", where, positive=False, shown=column)
        divisor, unit_text = _percent_unit(file_value, close_return)
        if file_value.isna().all():  # a header with no values tells nothing
            details.append(f"return column {column} is empty: ignored")
        elif divisor is None:
            details.append(f"return column {column} {unit_text}")
        else:
            file_return = file_value / divisor
            if (file_return <= -1).any():
                position = int((file_return <= -1).to_numpy().argmax())
                raise DataSourceError(
                    f"row {traded.index[position] + 2}, column {column}: "
                    f"{traded['pct_chg'].iloc[position]!r} is a loss of 100 % or more",
                    source=where,
                )
            ex_rights = (file_return - close_return).abs() > EX_RIGHTS_TOLERANCE
            ex_rights &= file_return.notna() & close_return.notna()
            ratio = ((1 + close_return) / (1 + file_return)).where(ex_rights, 1.0)
            # prices before an ex-rights day t are scaled by ratio_t = (1 + r_close) /
            # (1 + r_file), so t's return becomes the file's; a price is scaled by the ratios
            # of every later ex-rights day, so the last close is unchanged
            later = ratio[::-1].cumprod()[::-1].shift(-1, fill_value=1.0)
            traded = _scale_prices(traded, later)
            adjusted = pd.to_numeric(traded["close"])
            returns = adjusted / adjusted.shift(1) - 1
            adjusted_days = [f"{d:%Y-%m-%d}" for d in dates[ex_rights]]
            adjustment = ADJUSTED_FILE_RETURNS
            text = f"returns from {column}, {unit_text}; {len(adjusted_days)} ex-rights day(s)"
            if adjusted_days:
                first = ex_rights.to_numpy().argmax()
                text += (
                    f" where it replaced the close-to-close return (first {adjusted_days[0]}: "
                    f"close to close {close_return.iloc[first]:+.1%}, file "
                    f"{file_return.iloc[first]:+.1%}); earlier prices scaled so the last close "
                    "is as traded"
                )
            details.append(text)
    if adjustment == UNKNOWN and flag == "3":
        adjustment = UNADJUSTED
        details.append("adjustflag 3: the vendor says the prices are unadjusted")
    breaks, early = _limit_breaks(traded, dates, returns, symbol)
    if early:
        details.append(
            f"{len(early)} day-return(s) beyond the limit in the file's first "
            f"{LISTING_SESSIONS} sessions, not flagged (a registration-based listing has no "
            "limit then): " + ", ".join(f"{d} ({r:+.1%})" for d, r in early)
        )
    if breaks:
        shown = ", ".join(f"{d} ({r:+.1%}, limit ±{limit:.0%})" for d, r, limit in breaks[:5])
        more = f" and {len(breaks) - 5} more" if len(breaks) > 5 else ""
        if strict:
            raise DataSourceError(
                f"refused (strict adjustment): {len(breaks)} day-return(s) break the board's "
                f"price limit, so the prices look unadjusted (a split, bonus issue or "
                f"dividend read as a price move): {shown}{more}. Import an adjusted export, "
                "or one with a return (pct_chg, 涨跌幅) or adjustment-factor (复权因子) column",
                source=where,
            )
        if adjustment == UNKNOWN:
            adjustment = UNADJUSTED
        details.append(f"{len(breaks)} day-return(s) beyond the price limit: {shown}{more}")
    elif adjustment == UNKNOWN:
        # a stock or REIT file said "unknown" alone: say what is missing and what was checked
        details.append(
            "no adjustment information in the file"
            if board_of(symbol, _code(traded)) is None
            else "no adjustment information in the file; no day-return beyond the price limit"
        )
    record = {
        "adjustment": adjustment,
        "adjustment_detail": "; ".join(details),
        "adjusted_days": adjusted_days,
        "limit_breaks": [[d, round(float(r), 6), float(limit)] for d, r, limit in breaks],
        "suspended": [f"{d:%Y-%m-%d}" for d in frame.loc[suspended, "date"]],
    }
    return traded, record


def _code(frame: pd.DataFrame) -> str | None:
    if "code" not in frame.columns:
        return None
    codes = frame["code"].dropna().astype(str)
    return codes.iloc[0] if len(codes) else None


def _listing_rows(board: str, first: pd.Timestamp) -> int:
    """Rows at the start of a file exempt from the limit check: a registration-based listing
    has no limit in its first LISTING_SESSIONS sessions (STAR; ChiNext from 2020-08-24; the
    main board from 2023-04-10); elsewhere only the listing day, whose return is unknown (the
    first row has none), so a file starting later is checked from its second row."""
    if (
        board == "star"
        or (board == "chinext" and first >= CHINEXT_REFORM)
        or (board == "main" and first >= MAIN_REGISTRATION)
    ):
        return LISTING_SESSIONS
    return 1


def _limit_breaks(
    frame, dates, returns, symbol
) -> tuple[list[tuple[str, float, float]], list[tuple[str, float]]]:
    """Day-returns beyond the board's limit, and those in the exempt first rows (named only)."""
    board = board_of(symbol, _code(frame))
    if board is None:
        return [], []
    st = pd.Series(False, index=frame.index)
    if "is_st" in frame.columns:
        st = frame["is_st"].astype("string").str.strip().isin(["1", "1.0", "True", "true"])
    elif "name" in frame.columns:
        names = (
            frame["name"]
            .astype("string")
            .map(lambda name: unicodedata.normalize("NFKC", name).upper(), na_action="ignore")
        )
        st = names.str.contains(_ST_MARKER)
    limit = price_limit(board, dates, st.fillna(False).astype(bool))
    beyond = returns.abs() > limit + LIMIT_TOLERANCE
    beyond &= returns.notna() & limit.notna()
    exempt = _listing_rows(board, dates.iloc[0])
    early = beyond.copy()
    early.iloc[exempt:] = False
    beyond.iloc[:exempt] = False
    return [
        (f"{d:%Y-%m-%d}", float(r), float(lim))
        for d, r, lim in zip(dates[beyond], returns[beyond], limit[beyond], strict=True)
    ], [(f"{d:%Y-%m-%d}", float(r)) for d, r in zip(dates[early], returns[early], strict=True)]


def record_lines(record: dict | None) -> list[str]:
    """A price record in sentences (for import notes, the Data page and the CLI)."""
    if not record:
        return []
    lines = [f"prices: {record.get('adjustment', UNKNOWN)}"]
    if record.get("adjustment_detail"):
        lines[0] += f" ({record['adjustment_detail']})"
    suspended = record.get("suspended") or []
    if suspended:
        shown = ", ".join(suspended[:6]) + (" …" if len(suspended) > 6 else "")
        lines.append(
            f"{len(suspended)} suspended session(s) treated as missing (no return): {shown}"
        )
    return lines
