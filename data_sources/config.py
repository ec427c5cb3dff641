"""Where PolicyLens keeps its local data."""

from __future__ import annotations

import os
from pathlib import Path

DATA_DIR_ENV = "POLICYLENS_DATA_DIR"


def data_dir() -> Path:
    """The data directory: ``$POLICYLENS_DATA_DIR`` if set, else ``~/.policylens``.

    Created on first use so that callers can write into it straight away.
    """
    configured = os.environ.get(DATA_DIR_ENV, "").strip()
    path = Path(configured).expanduser() if configured else Path.home() / ".policylens"
    path.mkdir(parents=True, exist_ok=True)
    return path
