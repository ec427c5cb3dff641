"""Shared fixtures. Nothing here touches the network."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

PROJECT = Path(__file__).resolve().parents[1]
#: ../shared beside the project: real market data and published validation examples.
SHARED = PROJECT.parent / "shared"


def shared_path(*parts: str) -> Path:
    """A file under ../shared, or skip the test when ../shared is not beside the project."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} not available (../shared is not beside the project)")
    return path


@pytest.fixture
def data_dir(tmp_path, monkeypatch) -> Path:
    """An empty PolicyLens data directory for this test only."""
    directory = tmp_path / "policylens-data"
    monkeypatch.setenv("POLICYLENS_DATA_DIR", str(directory))
    return directory


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(12345)


def write_price_csv(path: Path, dates, closes, encoding: str = "utf-8", chinese: bool = False):
    """A minimal price file like a user would have: date,close (or 日期,收盘)."""
    frame = pd.DataFrame({"date": pd.DatetimeIndex(dates).strftime("%Y-%m-%d"), "close": closes})
    if chinese:
        frame = frame.rename(columns={"date": "日期", "close": "收盘"})
    path.write_bytes(frame.to_csv(index=False).encode(encoding))
    return path


@pytest.fixture
def app(data_dir, monkeypatch):
    """AppTest of app.py in a fresh data directory, after its first run (see apptest_helpers)."""
    from tests.apptest_helpers import make_app

    return make_app(monkeypatch)


#: Debian's Chromium: the browser tests' only browser (never a downloaded one).
CHROMIUM = "/usr/bin/chromium"


def served_app(tmp_path: Path):
    """``streamlit run app.py`` on a free local port with ``tmp_path / "data"`` as its data
    directory, yielding its URL (for the Chromium tests; skipped without Chromium or
    playwright; a server that does not start fails with its log)."""
    from tests import streamlit_server

    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed")
    pytest.importorskip("playwright.sync_api")
    with open(tmp_path / "streamlit.log", "w") as log:
        try:
            with streamlit_server.running(tmp_path / "data", log) as url:
                yield url
        except RuntimeError as error:
            pytest.fail(f"{error}: {(tmp_path / 'streamlit.log').read_text()}")


@pytest.fixture
def server(tmp_path):
    """The app served on the demo (seeded into an empty data directory)."""
    yield from served_app(tmp_path)
