"""A time limit on every HTTP request akshare makes for PolicyLens.

Most akshare functions call ``requests.get`` with no ``timeout``, and requests then waits
forever: one stalled connection blocked a refresh worker (Cancel could not stop it, the CLI
never ended). ``socket.setdefaulttimeout`` does not help, since requests passes an explicit
"no time-out" down to urllib3. So the limit is applied where every request of every session
ends up, ``requests.adapters.HTTPAdapter.send``: inside :func:`bounded_requests`, a request
without a time-out, or with a longer one than the bound (``fund_etf_hist_em`` asks for 15 s),
gets the bound. Outside it nothing changes. The bound is a context variable, so it applies to
the thread (refresh worker) that set it only.

The limit is ``POLICYLENS_HTTP_TIMEOUT`` seconds (default 20): the longest wait for a
connection and for each read, not for the whole download, so a large but flowing reply is not
cut off.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import os
import threading
from collections.abc import Iterator

from data_sources.errors import DataSourceError

HTTP_TIMEOUT_ENV = "POLICYLENS_HTTP_TIMEOUT"
DEFAULT_HTTP_TIMEOUT = 20.0

_bound: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "policylens_http_timeout", default=None
)
_install_lock = threading.Lock()
#: Marks the wrapped ``send``. Whether it is in place is checked on every entry, not once per
#: process: ``responses`` and ``unittest.mock.patch`` put back the ``send`` they found when they
#: stop, so a wrapper installed while one of them was active was silently gone afterwards (the
#: bound no longer applied to any later request of the process).
_MARK = "_policylens_bounded"


def http_timeout() -> float:
    """Seconds to wait for a connection or a read (``$POLICYLENS_HTTP_TIMEOUT``, default 20)."""
    text = os.environ.get(HTTP_TIMEOUT_ENV, "").strip()
    if not text:
        return DEFAULT_HTTP_TIMEOUT
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not value > 0:
        raise DataSourceError(f"{HTTP_TIMEOUT_ENV}={text!r}: expected a number of seconds above 0")
    return value


def _bounded(timeout, bound: float):
    if timeout is None:
        return bound
    if isinstance(timeout, int | float):
        return min(float(timeout), bound)
    if isinstance(timeout, tuple):
        return tuple(bound if part is None else min(part, bound) for part in timeout)
    return timeout  # a urllib3 Timeout object: the caller chose it deliberately


def _install() -> None:
    """Wrap ``HTTPAdapter.send`` unless the wrapper is in place (a no-op unless a bound is
    active)."""
    from requests.adapters import HTTPAdapter

    with _install_lock:
        current = HTTPAdapter.send
        if getattr(current, _MARK, False) is True:  # a MagicMock answers any name
            return

        @functools.wraps(current)
        def send(self, request, *args, **kwargs):
            bound = _bound.get()
            if bound is not None and not args:
                kwargs["timeout"] = _bounded(kwargs.get("timeout"), bound)
            return current(self, request, *args, **kwargs)

        setattr(send, _MARK, True)
        HTTPAdapter.send = send


@contextlib.contextmanager
def bounded_requests(timeout: float | None = None) -> Iterator[float]:
    """Within the block, no request of this thread waits longer than ``timeout`` seconds
    (default :func:`http_timeout`) for a connection or a read; yields the bound."""
    _install()
    bound = http_timeout() if timeout is None else timeout
    token = _bound.set(bound)
    try:
        yield bound
    finally:
        _bound.reset(token)


def describe_failure(error: Exception, bound: float) -> str:
    """``ExceptionType: text``, saying so plainly when the source did not answer in time."""
    import requests

    if isinstance(error, requests.Timeout):
        return (
            f"{type(error).__name__}: the source did not answer within {bound:g} s "
            f"(set {HTTP_TIMEOUT_ENV} to wait longer)"
        )
    return f"{type(error).__name__}: {error}"
