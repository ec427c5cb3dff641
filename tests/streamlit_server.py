"""Start ``streamlit run app.py`` on a free loopback port (for the browser test and the
start-up benchmark)."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(
    data_dir: str | Path, log=subprocess.DEVNULL, script: str | Path = "app.py"
) -> tuple[subprocess.Popen, str]:
    """Launch the app (or another ``script``) with its own data directory; return the process
    and its URL."""
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(script),
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=PROJECT,
        env={**os.environ, "POLICYLENS_DATA_DIR": str(data_dir)},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    return process, f"http://127.0.0.1:{port}"


def wait_until_healthy(url: str, timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return True
        except OSError:
            time.sleep(0.05)
    return False


@contextlib.contextmanager
def running(data_dir: str | Path, log=subprocess.DEVNULL) -> Iterator[str]:
    """The URL of a healthy app; the server stops on exit."""
    process, url = start(data_dir, log)
    try:
        if not wait_until_healthy(url):
            raise RuntimeError("streamlit did not come up within 60 s")
        yield url
    finally:
        process.terminate()
        process.wait(20)
