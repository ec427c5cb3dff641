"""One error type for everything that can go wrong while getting or storing market data.

Every source maps its own failures (akshare raises TypeError, KeyError, ValueError, ...; a CSV file
can lack a column) to :class:`DataSourceError`, so callers catch one type and can always name the
instrument and the reason in a message.
"""

from __future__ import annotations


class DataSourceError(Exception):
    """A named, user-presentable data failure.

    Parameters
    ----------
    reason:
        One sentence a person can act on ("column 'close' is missing").
    symbol:
        The canonical instrument symbol concerned, when there is one.
    source:
        Where the data was coming from ("akshare", "file 399006.csv", "store").
    """

    def __init__(self, reason: str, *, symbol: str | None = None, source: str | None = None):
        self.reason = reason
        self.symbol = symbol
        self.source = source
        super().__init__(str(self))

    def __str__(self) -> str:
        where = " ".join(part for part in (self.source, self.symbol) if part)
        return f"{where}: {self.reason}" if where else self.reason
