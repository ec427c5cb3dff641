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
import time
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
    kind = lock_kind()
    if kind == "soft":
        with _soft_lock(os.fspath(path)):
            yield
        return
    with LOCK_KINDS[kind](os.fspath(path)):
        yield


#: An empty soft-lock marker older than this was left by a holder that died between creating
#: the marker and writing its owner record into it (a window of microseconds).
EMPTY_MARKER_GRACE_S = 5.0


@contextlib.contextmanager
def _soft_lock(path: str) -> Iterator[None]:
    """``SoftFileLock``, reclaiming an empty marker: filelock reclaims a dead holder's marker by
    the PID recorded in it, but treats an empty one as a live holder of an older filelock and
    waits for it for ever. Every holder here writes its record at once (filelock is pinned), so
    an empty marker that stays empty for :data:`EMPTY_MARKER_GRACE_S` is a crashed creation."""
    from filelock import Timeout

    while True:
        lock = SoftFileLock(path)
        try:
            lock.acquire(timeout=1.0)
        except Timeout:
            with contextlib.suppress(OSError):
                marker = os.stat(path)
                if marker.st_size == 0 and time.time() - marker.st_mtime > EMPTY_MARKER_GRACE_S:
                    os.unlink(path)
            continue
        try:
            yield
        finally:
            lock.release()
        return
