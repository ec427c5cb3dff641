"""The README's two set-up commands on a fresh machine: an empty HOME, no network, stdin closed.

* ``streamlit run app.py`` goes straight to the dashboard: no "Welcome … Email:" prompt (which
  made the command look hung, and ends the server when stdin is closed), and the browser is
  still opened where there is a display.
* ``pip install -r requirements.txt`` (and ``-r requirements-dev.txt``) resolves with no index
  at all from what is installed: the pins and constraints are consistent and complete.
* ``pip install -e .`` builds, and its console scripts run.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.streamlit_server import free_port

PROJECT = Path(__file__).resolve().parents[1]


def _wait_for(condition, timeout: float, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        if process.poll() is not None:
            pytest.fail(f"streamlit exited ({process.returncode}):\n{log.read_text()}")
        time.sleep(0.1)  # polling interval of a condition wait, not a fixed wait
    pytest.fail(f"condition not met within {timeout} s:\n{log.read_text()}")


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except OSError:
        return 0, ""


@pytest.mark.skipif(sys.platform == "win32", reason="the fake browser opener is a shell script")
def test_first_run_with_an_empty_home_goes_straight_to_the_dashboard(tmp_path):
    home, data, bin_dir = tmp_path / "home", tmp_path / "data", tmp_path / "bin"
    for folder in (home, bin_dir):
        folder.mkdir()
    opened = tmp_path / "opened.txt"
    # Streamlit opens the browser with xdg-open (Linux) or open (macOS): these record the URL.
    for opener in ("xdg-open", "open"):
        script = bin_dir / opener
        script.write_text(f'#!/bin/sh\necho "$@" >> "{opened}"\n')
        script.chmod(0o755)
    port = free_port()
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith("STREAMLIT_")
    }
    environment.update(
        HOME=str(home),
        USERPROFILE=str(home),
        POLICYLENS_DATA_DIR=str(data),
        PATH=f"{bin_dir}{os.pathsep}{environment.get('PATH', '')}",
        # A desktop session: without a display Streamlit turns headless itself, which hides
        # both the prompt and the browser.
        DISPLAY=":0",
    )
    log = tmp_path / "streamlit.log"
    with open(log, "wb") as output:
        # The README command; ``--server.port`` only so that parallel runs do not collide.
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port)],
            cwd=PROJECT,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        base = f"http://localhost:{port}"
        _wait_for(lambda: _get(f"{base}/_stcore/health") == (200, "ok"), 90, process, log)
        status, page = _get(base)
        assert status == 200 and '<div id="root">' in page
        _wait_for(lambda: opened.exists() and str(port) in opened.read_text(), 30, process, log)
        assert process.poll() is None
    finally:
        process.terminate()
        process.wait(30)
    text = log.read_text()
    assert "Email" not in text and "Welcome to Streamlit" not in text, text
    assert not (home / ".streamlit" / "credentials.toml").exists()


def _pip(*arguments: str) -> subprocess.CompletedProcess:
    """pip with no index and no other package location (no config files, no find-links)."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("PIP_")}
    environment.update(PIP_NO_INDEX="1", PIP_NO_INPUT="1", PIP_CONFIG_FILE=os.devnull)
    return subprocess.run(
        [sys.executable, "-m", "pip", *arguments],
        cwd=PROJECT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize("requirements", ["requirements.txt", "requirements-dev.txt"])
def test_readme_install_command_resolves_with_no_network(requirements):
    """``PIP_NO_INDEX=1 pip install -r …``: every pin and constraint is met by what is
    installed (pip would otherwise have to download and fails with no index)."""
    result = _pip("install", "-r", requirements)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Successfully installed" not in result.stdout  # nothing was missing or replaced


def test_constraints_pin_the_whole_dependency_closure():
    """constraints.txt is what ``python -m tests.pin_constraints`` writes now: every
    distribution requirements-dev.txt pulls in, pinned at the version installed."""
    from tests import pin_constraints

    pins = pin_constraints.closure(
        pin_constraints.requirement_lines(PROJECT / "requirements-dev.txt")
    )
    assert len(pins) > 50  # the closure, not just the direct requirements
    assert (PROJECT / "constraints.txt").read_text("utf-8") == pin_constraints.render(pins)
    assert (PROJECT / "requirements.txt").read_text("utf-8").startswith("-c constraints.txt\n")


def test_editable_install_provides_the_console_scripts(tmp_path):
    """``pip install -e .`` (offline: no build isolation, no index, dependencies already
    present) into a fresh virtual environment; both entry points answer ``--help``."""
    venv = tmp_path / "venv"
    subprocess.run(
        [sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True, timeout=120
    )
    scripts = venv / ("Scripts" if os.name == "nt" else "bin")
    python = scripts / "python"
    result = subprocess.run(
        [str(python), "-m", "pip", "install", "--no-build-isolation", "--no-index"]
        + ["--no-deps", "-e", str(PROJECT)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    for command, expected in (
        ("policylens-study", "event studies from the command line"),
        ("policylens-data", "catalogue,refresh,calendar,constituents"),
    ):
        answer = subprocess.run(
            [str(scripts / command), "--help"],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=tmp_path,
        )
        assert answer.returncode == 0, answer.stderr
        assert expected in answer.stdout
    # the packaged YAML files are found from outside the checkout
    found = subprocess.run(
        [
            str(python),
            "-c",
            "from data_sources import catalogue as c; print(len(c.load_catalogue()))",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env={**os.environ, "POLICYLENS_DATA_DIR": str(tmp_path / "data")},
    )
    assert found.returncode == 0, found.stderr
    assert int(found.stdout) > 40
