"""First-run set-up: an empty store is filled with the SYNTHETIC demo, without touching the network.

Start-up never waits on the network; fetching real data (akshare, through the provider registry)
is an explicit action (Data page, or ``python -m data_sources refresh``) that replaces a symbol's
demo series.
"""

from __future__ import annotations

from data_sources.base import BarQuery
from data_sources.demo import DemoSource, demo_symbols
from data_sources.store import Store


def seed_demo_if_empty(store: Store) -> list[str]:
    """Write the demo series when the store holds no bars; return the symbols written.

    The emptiness check outside the lock only saves taking it on every page run; under the
    lock the store is read again and only demo symbols still absent are written, so an import
    or a fetch that committed meanwhile (another session, the CLI) is never replaced.
    """
    if not store.is_empty():
        return []
    source = DemoSource()
    with store.write_lock():
        present = set(store.symbols())
        absent = [symbol for symbol in demo_symbols() if symbol not in present]
        if absent:
            store.write_many([source.fetch(BarQuery(symbol)) for symbol in absent])
    return absent
