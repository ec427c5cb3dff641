"""One portable inter-process lock for everything that writes the data directory.

Built on the ``filelock`` package rather than ``fcntl`` (POSIX only, so the app could not start
on Windows): ``filelock.FileLock`` is the operating system's lock (``fcntl.flock`` on Linux
and macOS, ``msvcrt.locking`` on Windows), released by the OS when a holder dies.

``POLICYLENS_LOCK=soft`` selects ``filelock.SoftFileLock`` instead: a lock that is only an
exclusively created marker file (no OS lock call at all; a crashed holder's marker is reclaimed
by its PID). The tests run the concurrent-writer checks with both kinds, so the code paths a
Windows or network-drive user takes are exercised on Linux CI too. Being an environment
variable, the choice reaches writer processes the tests start.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from filelock import FileLock, SoftFileLock

LOCK_ENV = "POLICYLENS_LOCK"
LOCK_KINDS = {"os": FileLock, "soft": SoftFileLock}


def lock_kind() -> str:
    """The configured lock kind: ``os`` (default) or ``soft``."""
    kind = os.environ.get(LOCK_ENV, "").strip().lower() or "os"
    if kind not in LOCK_KINDS:
        raise ValueError(f"{LOCK_ENV}={kind!r}: expected one of {sorted(LOCK_KINDS)}")
    return kind


@contextlib.contextmanager
def exclusive_lock(path: str | Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (a lock file beside the data it guards) until exit.

    Waits as long as another process or thread holds it. A new lock object per call, so two
    threads of one process exclude each other as two processes do.
    """
    with LOCK_KINDS[lock_kind()](os.fspath(path)):
        yield
