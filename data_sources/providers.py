"""The registry of data providers: which source serves a symbol, and how its data are labelled.

Modelled on OpenBB's provider registry. A provider is one module holding a :class:`BarSource`
(query → extract → canonical bars, :mod:`data_sources.base`) and a :class:`Provider` that says
which canonical symbols it serves, whether a refresh can fetch only the sessions after what is
stored, and how a view showing its data is labelled (the data mode). A new source is that one
module plus one ``register`` line at the end of this file; the store, the refresh, the data CLI
and the data mode find it here, by the provenance name stored with every series.
"""

from __future__ import annotations

from data_sources import akshare_source, demo, files
from data_sources.base import Provider, serves_nothing
from data_sources.errors import DataSourceError

#: Every provider by name, in registration order (the order ``provider_for`` tries them in).
PROVIDERS: dict[str, Provider] = {}


def register(provider: Provider) -> Provider:
    """Add ``provider`` (a second one under the same name replaces the first)."""
    if not provider.name:
        raise ValueError(f"{provider.fetcher.__name__} has no source_kind to register it under")
    PROVIDERS[provider.name] = provider
    return provider


def unregister(name: str) -> None:
    PROVIDERS.pop(name, None)


def provider(name: str) -> Provider:
    """The provider stored series name as their source; the error lists the ones there are."""
    try:
        return PROVIDERS[name]
    except KeyError:
        raise DataSourceError(
            f"no data provider {name!r}; providers: {', '.join(PROVIDERS)}"
        ) from None


def provider_for(symbol: str) -> Provider:
    """The first registered provider that serves ``symbol`` (akshare before the demo)."""
    for candidate in PROVIDERS.values():
        if candidate.serves(symbol):
            return candidate
    offers = "; ".join(
        f"{p.name} serves {p.serves_text}" if p.serves_text else p.name
        for p in PROVIDERS.values()
        if p.serves is not serves_nothing
    )
    raise DataSourceError(f"no data provider serves this symbol ({offers})", symbol=symbol)


# The registry: one line per provider module.
register(akshare_source.PROVIDER)
register(files.PROVIDER)
register(demo.PROVIDER)
