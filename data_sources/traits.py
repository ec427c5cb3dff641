"""Firm traits for cross-sectional regressions: a user's own file, and what the listing says.

* :func:`read_trait_file` / :func:`parse_trait_file`: a CSV or Excel table of ``symbol,
  trait…`` (an SOE flag, leverage, northbound holding, anything numeric) as a
  :class:`TraitTable`. Read like the price imports (:mod:`data_sources.files`: the same
  encodings, size and shape limits, every cell as text first) and refused with a named error
  for a damaged or empty file, no symbol column, a symbol that is not a code, the same firm
  twice, or a cell that is neither a number nor a yes/no. Codes become canonical symbols by the
  registry's rules (``600030``, ``sh.600030``, ``SZ300750``, ``600030.sh`` →
  ``600030.SH``; see :func:`data_sources.instruments.code_candidates`). Yes/no cells
  (true/false, yes/no, 是/否, 1/0) become 1/0. Text in the file (formula prefixes, HTML, very
  long cells) is only ever data: it is compared, never evaluated, and shown as text.
* :func:`listing_traits`: the listing board from the code range (main board, ChiNext, STAR,
  BSE: :func:`data_sources.prices.board_of`), the ST flag from the stock's name (a
  risk-warning name starts with ST or \\*ST) when a name is known, and the industry the
  exchanges' lists give (SZSE and BSE lists have 所属行业; the SSE list has none). No network
  unless the caller asks (``fetch=True``: akshare ``stock_info_a_code_name`` for names,
  ``stock_info_sz_name_code`` / ``stock_info_bj_name_code`` for industries,
  ``index_stock_cons_csindex`` through :func:`data_sources.constituents.constituents` for
  index membership).
* :func:`save_traits` / :func:`load_traits`: the imported table kept in the data directory
  (``<store>/traits/traits.csv``, itself a trait file), so a later study can use it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from data_sources.errors import DataSourceError
from data_sources.messages import Message

#: Headers of the symbol column (case and a unit suffix ignored): the price imports' code
#: columns and the usual English words.
SYMBOL_COLUMNS = (
    "symbol",
    "code",
    "ticker",
    "stock",
    "stkcd",
    "ts_code",
    "thscode",
    "wind_code",
    "secucode",
    "代码",
    "股票代码",
    "证券代码",
    "证券",
    "股票",
)
#: Headers of a name column (firm names are not traits: left out, with a note).
NAME_COLUMNS = ("name", "名称", "简称", "证券简称", "股票简称", "公司名称", "company", "firm")
#: Yes/no words (lower case) and the value each stands for.
BOOLEAN_WORDS = {
    "true": 1.0,
    "false": 0.0,
    "yes": 1.0,
    "no": 0.0,
    "y": 1.0,
    "n": 0.0,
    "t": 1.0,
    "f": 0.0,
    "是": 1.0,
    "否": 0.0,
    "真": 1.0,
    "假": 0.0,
}
#: Characters of a cell or header shown in a message (the rest is cut, never executed anyway).
SHOWN_CHARS = 40
#: A header longer than this is not a trait's name (a pasted paragraph, an attack string).
MAX_NAME_CHARS = 200

BOARD_COLUMNS = ["board_main", "board_chinext", "board_star", "board_bse"]
LISTING_COLUMNS = ["board", *BOARD_COLUMNS, "name", "st", "industry"]
#: Boards :func:`data_sources.prices.board_of` names, and their dummy columns.
_BOARD_DUMMY = {"main": "board_main", "chinext": "board_chinext", "star": "board_star"}
_BOARD_DUMMY["bse"] = "board_bse"
#: A risk-warning name: ST, *ST, SST, S*ST at its start (data_sources.prices uses the same rule
#: for price limits); "ST" inside a word is not one.
_ST_MARKER = re.compile(r"^[\s*S]*ST(?![A-Z])")


def _shown(text: object) -> str:
    value = str(text)
    return repr(value if len(value) <= SHOWN_CHARS else value[:SHOWN_CHARS] + "…")


@dataclass(frozen=True, eq=False)
class TraitTable:
    """A user's traits: ``frame`` indexed by canonical symbol (index name ``symbol``), one
    float column per trait (yes/no read as 1/0, empty cells NaN); ``notes`` say what was
    recognised or changed (as :class:`~data_sources.messages.Message`, so a page shows them in
    its language); ``source`` is the file's name."""

    frame: pd.DataFrame
    notes: tuple[Message, ...] = field(default=())
    source: str = ""

    @property
    def traits(self) -> list[str]:
        return [str(column) for column in self.frame.columns]

    @property
    def symbols(self) -> list[str]:
        return [str(symbol) for symbol in self.frame.index]

    def csv_bytes(self) -> bytes:
        """The table as a trait file (symbol, trait…), UTF-8: it reads back the same."""
        return self.frame.to_csv(index=True, index_label="symbol").encode("utf-8")


#: An error names this many repeated firms (and this many of each one's rows), then "(and N
#: more)": a file of 100,000 repeated symbols gives one readable line, not megabytes.
NAMED = 5


def _rows_named(symbol: str, rows: list[str]) -> str:
    shown = ", ".join(rows[:NAMED])
    if len(rows) > NAMED:
        shown += f" (and {len(rows) - NAMED} more)"
    return f"{symbol} (rows {shown})"


def read_trait_file(path: str | Path) -> TraitTable:
    """:func:`parse_trait_file` for a file on disk (refused by its size before it is read)."""
    from data_sources.files import check_file_size

    path = Path(path)
    try:
        check_file_size(path.stat().st_size, f"file {path.name}")
        content = path.read_bytes()
    except FileNotFoundError:
        raise DataSourceError(Message("file not found"), source=f"file {path}") from None
    except OSError as error:
        raise DataSourceError(
            Message("cannot read: {problem}", problem=str(error.strerror or error)),
            source=f"file {path}",
        ) from None
    return parse_trait_file(content, path.name)


def _symbol_column(columns) -> str | None:
    from data_sources.files import _UNIT

    wanted = {name.lower() for name in SYMBOL_COLUMNS}
    for column in columns:
        if _UNIT.sub("", str(column).strip()).lower() in wanted:
            return column
    return None


def _canonical_symbol(text: str) -> tuple[str | None, Message | None]:
    """The canonical symbol a cell names, and a note when it was read with a guess."""
    from data_sources.files import _the_stock
    from data_sources.instruments import code_candidates
    from data_sources.schema import check_symbol

    text = unicodedata.normalize("NFKC", text).strip()  # full-width ６０００３０ too
    padded = text
    note = None
    if re.fullmatch(r"\d{1,5}", text):  # Excel drops leading zeros: 2142 is 002142
        padded = text.zfill(6)
        note = Message("{value} read as {code} (leading zeros restored)", value=text, code=padded)
    candidates = code_candidates(padded)
    if len(candidates) == 1:
        return candidates[0], note
    if len(candidates) > 1:
        stock = _the_stock(tuple(candidates))
        if stock is not None:
            return stock, Message(
                "{value} read as the stock {symbol} (it also fits {others})",
                value=text,
                symbol=stock,
                others=", ".join(c for c in candidates if c != stock),
            )
        return None, None
    try:
        return check_symbol(text), None  # a user's own series name, kept as written
    except DataSourceError:
        return None, None


def _numbers(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Each cell as a number (yes/no words as 1/0) and where a cell is neither."""
    numbers = pd.to_numeric(text, errors="coerce")
    words = text.str.lower().map(BOOLEAN_WORDS)
    values = numbers.where(numbers.notna(), words).astype("float64")
    given = text.notna() & (text != "")
    bad = given & (values.isna() | ~np.isfinite(values.fillna(0.0)))
    return values.where(given), bad


def parse_trait_file(content: bytes, name: str) -> TraitTable:
    """A trait file's bytes (CSV or Excel) as a :class:`TraitTable`; raises
    :class:`~data_sources.errors.DataSourceError` naming the file, and where it can the row
    (the line in the file or sheet, header = 1) and the column of the first problem."""
    from data_sources.files import _read_table, check_file_size

    where = f"file {name}"
    check_file_size(len(content), where)
    if not content.strip():
        raise DataSourceError(Message("file is empty"), source=where)
    raw = _read_table(content, name, where)
    if raw.shape[1] == 0:
        raise DataSourceError(Message("file is empty"), source=where)
    headers = [str(column) for column in raw.columns]
    for header in headers:
        if len(header) > MAX_NAME_CHARS:
            raise DataSourceError(
                Message(
                    "a column header is {n:,} characters long (at most {limit}): {header}",
                    n=len(header),
                    limit=MAX_NAME_CHARS,
                    header=_shown(header),
                ),
                source=where,
            )
    twice = sorted(
        {h.strip() for h in headers if [x.strip() for x in headers].count(h.strip()) > 1}
    )
    mangled = [
        h for h in headers if re.fullmatch(r"(.+)\.\d+", h) and h.rsplit(".", 1)[0] in headers
    ]
    if twice or mangled:
        shown = twice or [h.rsplit(".", 1)[0] for h in mangled]
        raise DataSourceError(
            Message("column {column} appears twice", column=_shown(shown[0])), source=where
        )
    symbol_column = _symbol_column(raw.columns)
    if symbol_column is None:
        from data_sources.files import _listed

        raise DataSourceError(
            Message(
                "no symbol column (a header such as symbol, code, 代码 or 证券代码); columns "
                "found: {found}",
                found=_listed(raw.columns),
            ),
            source=where,
        )
    text = raw.astype("string").apply(lambda column: column.str.strip())
    blank = (text.isna() | (text == "")).all(axis=1)
    text = text[~blank]
    if text.empty:
        raise DataSourceError(Message("file has a header but no rows"), source=where)
    names = {name.lower() for name in NAME_COLUMNS}
    name_columns = [c for c in raw.columns if str(c).strip().lower() in names]
    trait_columns = [c for c in raw.columns if c != symbol_column and c not in name_columns]
    if not trait_columns:
        raise DataSourceError(
            Message(
                "no trait column: the file has only its symbol column {column}",
                column=_shown(symbol_column),
            ),
            source=where,
        )
    notes: list[Message] = [
        Message("{column}: firm names, not a trait (left out)", column=_shown(column))
        for column in name_columns
    ]
    symbols: list[str] = []
    for position, value in zip(text.index, text[symbol_column], strict=True):
        row = int(position) + 2
        if pd.isna(value) or value == "":
            raise DataSourceError(
                Message(
                    "row {row}, column {column}: the symbol is empty",
                    row=row,
                    column=_shown(symbol_column),
                ),
                source=where,
            )
        symbol, note = _canonical_symbol(str(value))
        if symbol is None:
            raise DataSourceError(
                Message(
                    "row {row}, column {column}: {value} is not a stock code or a series name "
                    "(e.g. 600030, 600030.SH, sh.600030)",
                    row=row,
                    column=_shown(symbol_column),
                    value=_shown(value),
                ),
                source=where,
            )
        if note is not None:
            notes.append(note)
        symbols.append(symbol)
    index = pd.Index(symbols, name="symbol")
    duplicated = index[index.duplicated(keep=False)]
    if len(duplicated):
        rows_of = {}
        for position, symbol in zip(text.index, symbols, strict=True):
            rows_of.setdefault(symbol, []).append(str(int(position) + 2))
        repeated = list(dict.fromkeys(duplicated))
        listed = "; ".join(_rows_named(symbol, rows_of[symbol]) for symbol in repeated[:NAMED])
        if len(repeated) > NAMED:
            listed += f" (and {len(repeated) - NAMED} more)"
        raise DataSourceError(
            Message("the same firm appears more than once: {listed}", listed=listed),
            source=where,
        )
    frame = pd.DataFrame(index=index)
    for column in trait_columns:
        values, bad = _numbers(text[column])
        if bad.any():
            position = int(bad.to_numpy().argmax())
            raise DataSourceError(
                Message(
                    "row {row}, column {column}: {value} is not a number or a yes/no "
                    "(true/false, 1/0, 是/否)",
                    row=int(text.index[position]) + 2,
                    column=_shown(column),
                    value=_shown(text[column].iloc[position]),
                ),
                source=where,
            )
        cells = text[column].str.lower()
        if cells.isin(list(BOOLEAN_WORDS)).any():
            notes.append(Message("{column}: yes/no read as 1/0", column=_shown(column)))
        if values.isna().all():
            notes.append(Message("{column}: every cell is empty", column=_shown(column)))
        frame[str(column).strip()] = values.to_numpy()
    notes.insert(
        0,
        Message(
            "{firms} firm(s), {n} trait(s) from {name}: {traits}",
            firms=len(frame),
            n=len(trait_columns),
            name=name,
            traits=", ".join(_shown(c) for c in frame.columns),
        ),
    )
    return TraitTable(frame=frame, notes=tuple(notes), source=name)


# -- listing traits -------------------------------------------------------------------------
def _st_flag(name: object) -> float:
    if name is None or (isinstance(name, float) and np.isnan(name)) or str(name).strip() == "":
        return np.nan
    folded = unicodedata.normalize("NFKC", str(name)).upper()
    return 1.0 if _ST_MARKER.search(folded) else 0.0


def _akshare():
    import akshare  # slow import, only when asked

    return akshare


def _code_of(symbol: str) -> str:
    return symbol.split(".", 1)[0]


def _fetched_names() -> dict[str, str]:
    """Every A-share's current name by canonical symbol (akshare ``stock_info_a_code_name``:
    the SSE main board and STAR lists, the SZSE list and the BSE list)."""
    from data_sources.instruments import code_candidates
    from data_sources.network import bounded_requests

    try:
        with bounded_requests():
            raw = _akshare().stock_info_a_code_name()
    except Exception as error:  # akshare raises anything from KeyError to ConnectionError
        raise DataSourceError(
            f"akshare stock_info_a_code_name failed: {type(error).__name__}: {error}",
            source="akshare",
        ) from error
    if raw is None or "code" not in raw.columns or "name" not in raw.columns:
        raise DataSourceError(
            "akshare stock_info_a_code_name changed its columns", source="akshare"
        )
    names = {}
    for code, name in zip(raw["code"].astype(str), raw["name"].astype(str), strict=True):
        candidates = code_candidates(code.strip().zfill(6))
        stocks = [s for s in candidates if _is_stock(s)]
        if len(stocks) == 1:
            names[stocks[0]] = name.strip()
    return names


def _is_stock(symbol: str) -> bool:
    from data_sources.instruments import get_instrument

    try:
        return get_instrument(symbol).kind == "stock"
    except DataSourceError:
        return False


def _fetched_industries() -> dict[str, str]:
    """Industry (所属行业) of SZSE and BSE stocks from the exchanges' lists (the SSE list has no
    industry column)."""
    from data_sources.network import bounded_requests

    industries: dict[str, str] = {}
    # called as stock_info_a_code_name calls them: akshare caches each list by its arguments,
    # so the names' fetch has already brought both
    for function, kwargs, code_column, suffix in (
        ("stock_info_sz_name_code", {"symbol": "A股列表"}, "A股代码", "SZ"),
        ("stock_info_bj_name_code", {}, "证券代码", "BJ"),
    ):
        try:
            with bounded_requests():
                raw = getattr(_akshare(), function)(**kwargs)
        except Exception as error:
            raise DataSourceError(
                f"akshare {function} failed: {type(error).__name__}: {error}", source="akshare"
            ) from error
        if "所属行业" not in raw.columns or code_column not in raw.columns:
            continue
        for code, industry in zip(raw[code_column], raw["所属行业"], strict=True):
            if pd.notna(industry) and str(industry).strip():
                key = f"{str(code).strip().split('.')[0].zfill(6)}.{suffix}"
                industries[key] = str(industry).strip()
    return industries


def listing_traits(
    symbols: Iterable[str],
    *,
    names: Mapping[str, str] | None = None,
    fetch: bool = False,
    indices: Iterable[str] = (),
) -> pd.DataFrame:
    """What the listing says of each symbol, indexed by symbol (in the order given):

    ``board`` (``main``, ``chinext``, ``star``, ``bse``, ``reit``, or None for indices and
    anything else) from the code range, with 0/1 dummies ``board_main`` … ``board_bse`` (NaN
    when the board is not a stock board); ``name`` and ``st`` (1 for a risk-warning name,
    0 otherwise, NaN when no name is known); ``industry`` (text, where an exchange's list gives
    it); and ``member_<index>`` (1/0) for each of ``indices`` (CSI codes such as 399975).

    Names come from ``names`` (symbol → name), then the instrument registry; with
    ``fetch=True`` the rest from akshare (names, industries, index constituents: today's
    lists, so a past event's ST flag is today's). Without ``fetch`` nothing touches the
    network, and industry and membership are left empty.
    """
    from data_sources.instruments import registry
    from data_sources.prices import board_of

    wanted = list(dict.fromkeys(str(s) for s in symbols))
    frame = pd.DataFrame(index=pd.Index(wanted, name="symbol"))
    boards = [board_of(symbol) for symbol in wanted]
    frame["board"] = pd.Series(boards, index=frame.index, dtype=object)
    stock_board = frame["board"].isin(list(_BOARD_DUMMY))
    for board, column in _BOARD_DUMMY.items():
        frame[column] = (frame["board"] == board).astype("float64").where(stock_board)
    known = dict(names or {})
    for symbol in wanted:
        instrument = registry().get(symbol)
        if symbol not in known and instrument is not None and instrument.kind == "stock":
            known[symbol] = instrument.name_zh
    industries: dict[str, str] = {}
    if fetch:
        fetched = _fetched_names()
        known = {**fetched, **known}
        industries = _fetched_industries()
    frame["name"] = pd.Series([known.get(s) for s in wanted], index=frame.index, dtype=object)
    frame["st"] = frame["name"].map(_st_flag).astype("float64")
    frame["industry"] = pd.Series(
        [industries.get(s) for s in wanted], index=frame.index, dtype=object
    )
    for index in indices:
        from data_sources.constituents import constituents, index_code

        code = index_code(index)
        column = f"member_{code}"
        if fetch:
            members = set(constituents(code)["symbol"])
            frame[column] = frame.index.isin(list(members)).astype("float64")
        else:
            frame[column] = np.nan
    return frame


# -- the imported table, kept in the data directory ----------------------------------------
def _traits_dir(store) -> Path:
    return Path(store.root) / "traits"


def save_traits(table: TraitTable, store) -> Path:
    """Keep ``table`` as the data directory's trait table (``<store>/traits/traits.csv``, a
    trait file itself, with ``traits.json`` naming its source). The table it replaces is
    copied to ``traits/replaced/`` first (a user's import is never lost unseen)."""
    folder = _traits_dir(store)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "traits.csv"
    content = table.csv_bytes()
    about = json.dumps(
        {"source": table.source, "saved_at": f"{dt.datetime.now(dt.UTC):%Y-%m-%dT%H:%M:%SZ}"},
        ensure_ascii=False,
    ).encode("utf-8")
    with store.write_lock():
        if target.exists():
            kept = folder / "replaced"
            kept.mkdir(exist_ok=True)
            stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
            previous = target.read_bytes()
            store._atomic_write_bytes(kept / f"traits.{stamp}.csv", lambda h: h.write(previous))
        store._atomic_write_bytes(target, lambda h: h.write(content))
        store._atomic_write_bytes(folder / "traits.json", lambda h: h.write(about))
    return target


def load_traits(store) -> TraitTable | None:
    """The data directory's trait table (see :func:`save_traits`), or ``None`` when none was
    saved. A damaged one is moved to the store's quarantine and ``None`` returned, with
    the store's ``quarantined`` list naming it."""
    folder = _traits_dir(store)
    target = folder / "traits.csv"
    if not target.exists():
        return None
    try:
        about = json.loads((folder / "traits.json").read_text(encoding="utf-8"))
        source = str(about.get("source", "")) if isinstance(about, dict) else ""
    except (OSError, ValueError):
        source = ""
    try:
        table = parse_trait_file(target.read_bytes(), "traits.csv")
    except DataSourceError as error:
        from data_sources.store import Damage

        with store.write_lock():
            if target.exists():
                store._quarantine_one(
                    Damage(f"traits/{target.name}", f"not a trait table ({error.reason})"),
                    move=True,
                )
        return None
    except OSError:
        return None
    return TraitTable(frame=table.frame, notes=table.notes, source=source or table.source)
