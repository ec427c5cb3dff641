"""Windows, macOS and Linux: no POSIX-only call in the app, a portable lock, a portable atomic
replace, and the store/catalogue writers checked with both lock kinds (CI here is Linux)."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
import textwrap
import threading
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from data_sources import locking
from data_sources.base import FetchResult
from data_sources.schema import to_canonical
from data_sources.store import Store
from tests.test_catalogue import _row

PROJECT = Path(__file__).resolve().parents[1]
APP_TREE = [PROJECT / "app.py", *(PROJECT / d for d in ("pages", "data_sources", "analysis"))]

#: Modules that do not exist on Windows.
POSIX_MODULES = {"fcntl", "pwd", "grp", "resource", "termios", "tty", "pty", "posix", "syslog"}
#: Attributes of os / signal that do not exist (or fail) on Windows.
POSIX_ATTRIBUTES = {
    "os": {
        "fork",
        "forkpty",
        "O_DIRECTORY",
        "O_NOFOLLOW",
        "getuid",
        "geteuid",
        "getgid",
        "getegid",
        "setsid",
        "getpgid",
        "killpg",
        "chown",
        "lchown",
        "mkfifo",
        "uname",
        "sync",
        "getloadavg",
        "wait3",
        "wait4",
    },
    "signal": {"SIGKILL", "SIGHUP", "SIGUSR1", "SIGUSR2", "SIGALRM", "SIGCHLD", "SIGQUIT", "alarm"},
}


def _is_platform_guard(test: ast.expr) -> bool:
    """``if os.name ...``, ``if sys.platform ...`` or ``if hasattr(...)``: code under it is
    written knowingly for one platform."""
    text = ast.unparse(test)
    return any(marker in text for marker in ("os.name", "sys.platform", "hasattr("))


def posix_only_uses(source: str, name: str) -> list[str]:
    """Every POSIX-only import or attribute in ``source`` that no platform guard protects."""
    found: list[str] = []

    def visit(node: ast.AST, guarded: bool) -> None:
        if isinstance(node, ast.If) and _is_platform_guard(node.test):
            for child in node.body + node.orelse:
                visit(child, True)
            return
        if not guarded:
            if isinstance(node, ast.Import):
                found.extend(
                    f"{name}:{node.lineno}: import {alias.name}"
                    for alias in node.names
                    if alias.name.split(".")[0] in POSIX_MODULES
                )
            elif isinstance(node, ast.ImportFrom) and node.module:
                module = node.module.split(".")[0]
                if module in POSIX_MODULES:
                    found.append(f"{name}:{node.lineno}: from {node.module} import")
                for alias in node.names:
                    if alias.name in POSIX_ATTRIBUTES.get(module, ()):
                        found.append(f"{name}:{node.lineno}: from {module} import {alias.name}")
            elif (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.attr in POSIX_ATTRIBUTES.get(node.value.id, ())
            ):
                found.append(f"{name}:{node.lineno}: {node.value.id}.{node.attr}")
        for child in ast.iter_child_nodes(node):
            visit(child, guarded)

    visit(ast.parse(source), False)
    return found


def _app_files() -> list[Path]:
    files = []
    for entry in APP_TREE:
        files += [entry] if entry.is_file() else sorted(entry.rglob("*.py"))
    return files


def test_no_posix_only_call_in_the_app_tree():
    files = _app_files()
    assert len(files) > 20  # the tree was found
    found = [
        use
        for path in files
        for use in posix_only_uses(path.read_text("utf-8"), str(path.relative_to(PROJECT)))
    ]
    assert not found, "POSIX-only calls (the app would not start on Windows):\n" + "\n".join(found)


def test_the_scanner_finds_unguarded_posix_calls_and_spares_guarded_ones():
    source = textwrap.dedent(
        """
        import fcntl
        import os, signal
        from pwd import getpwuid
        from os import getuid
        os.fork()
        os.kill(1, signal.SIGKILL)
        if os.name != "nt":
            os.open(".", os.O_DIRECTORY)
        if hasattr(signal, "SIGHUP"):
            signal.signal(signal.SIGHUP, print)
        os.replace("a", "b")
        """
    )
    found = [use.split(": ", 1)[1] for use in posix_only_uses(source, "x.py")]
    assert found == [
        "import fcntl",
        "from pwd import",
        "from os import getuid",
        "os.fork",
        "signal.SIGKILL",
    ]


def locale_encoded_text_io(source: str, name: str) -> list[str]:
    """Text reads and writes that take the platform's default encoding: UTF-8 on Linux and
    macOS, but GBK (cp936) on a Chinese Windows, where Chinese text written as UTF-8 would be
    read back garbled or not at all."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        keywords = {keyword.arg for keyword in node.keywords}
        function = node.func
        if isinstance(function, ast.Attribute) and function.attr in ("read_text", "write_text"):
            positional_encoding = 1 if function.attr == "read_text" else 2
            if "encoding" not in keywords and len(node.args) < positional_encoding:
                found.append(f"{name}:{node.lineno}: .{function.attr}() without an encoding")
        elif isinstance(function, ast.Name) and function.id == "open":
            mode = node.args[1] if len(node.args) > 1 else None
            mode = next((k.value for k in node.keywords if k.arg == "mode"), mode)
            binary = isinstance(mode, ast.Constant) and "b" in str(mode.value)
            if not binary and "encoding" not in keywords and len(node.args) < 4:
                found.append(f"{name}:{node.lineno}: open() in text mode without an encoding")
    return found


def test_text_files_are_read_and_written_as_utf8_on_every_platform():
    found = [
        use
        for path in _app_files()
        for use in locale_encoded_text_io(path.read_text("utf-8"), path.name)
    ]
    assert not found, "\n".join(found)
    sample = textwrap.dedent(
        """
        p.read_text()
        p.read_text("utf-8")
        p.write_text(text)
        p.write_text(text, encoding="utf-8")
        open(p, "w")
        open(p, "rb")
        open(p, mode="a+", encoding="utf-8")
        """
    )
    assert [use.split(": ")[1] for use in locale_encoded_text_io(sample, "x.py")] == [
        ".read_text() without an encoding",
        ".write_text() without an encoding",
        "open() in text mode without an encoding",
    ]


def test_the_data_layer_imports_and_writes_where_fcntl_does_not_exist(tmp_path):
    """What Windows does to ``import fcntl``, done here by blocking the module: the store, the
    catalogue and the refresh still import, write and lock (filelock's soft lock then)."""
    script = textwrap.dedent(
        """
        import sys
        sys.modules["fcntl"] = None  # import fcntl -> ImportError, as on Windows
        import pandas as pd
        from data_sources import catalogue, refresh, store, locking  # noqa: F401
        from data_sources.base import FetchResult
        from data_sources.schema import to_canonical
        bars = to_canonical(pd.DataFrame({"date": ["2020-01-02"], "close": [1.0]}), "X")
        s = store.Store(sys.argv[1])
        s.write(FetchResult(bars, "import", "portability"))
        with locking.exclusive_lock(sys.argv[1] + "/extra.lock"):
            pass
        print(len(s.read(["X"])))
        """
    )
    result = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", script, str(tmp_path)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(PROJECT), "POLICYLENS_DATA_DIR": str(tmp_path)},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "1"


def test_atomic_write_works_where_a_directory_cannot_be_opened(tmp_path, monkeypatch):
    """On Windows ``os.open(directory)`` raises PermissionError: the write must still commit
    (the directory fsync is POSIX only)."""
    import data_sources.store as store_module

    Store(tmp_path)

    def windows_open(path, flags, *args, **kwargs):
        if Path(path).is_dir():
            raise PermissionError(13, "Permission denied", str(path))
        return os.open(path, flags, *args, **kwargs)

    # Only the store module sees Windows' os (patching os.name itself would break pathlib).
    windows_os = SimpleNamespace(**{**vars(os), "name": "nt", "open": windows_open})
    monkeypatch.setattr(store_module, "os", windows_os)
    target = tmp_path / "status" / "probe.json"
    Store._atomic_write_bytes(target, lambda handle: handle.write(b"{}"))
    assert target.read_bytes() == b"{}"
    assert not list(target.parent.glob(".*.tmp"))


@pytest.mark.parametrize("kind", ["os", "soft"])
def test_each_lock_kind_excludes_other_threads(tmp_path, monkeypatch, kind):
    monkeypatch.setenv(locking.LOCK_ENV, kind)
    assert locking.lock_kind() == kind
    holders, most, guard = [0], [0], threading.Lock()

    def hold() -> None:
        for _ in range(20):
            with locking.exclusive_lock(tmp_path / ".lock"):
                with guard:
                    holders[0] += 1
                    most[0] = max(most[0], holders[0])
                # a thread switch while held is what would let a second holder in
                threading.Event().wait(0.001)
                with guard:
                    holders[0] -= 1

    threads = [threading.Thread(target=hold) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert most[0] == 1


def test_soft_lock_is_a_marker_file_and_an_unknown_kind_is_named(tmp_path, monkeypatch):
    monkeypatch.setenv(locking.LOCK_ENV, "soft")
    with locking.exclusive_lock(tmp_path / ".lock"):
        assert (tmp_path / ".lock").exists()
    assert not (tmp_path / ".lock").exists()
    monkeypatch.setenv(locking.LOCK_ENV, "flock")
    with pytest.raises(ValueError, match="POLICYLENS_LOCK='flock'"):
        locking.lock_kind()


@pytest.mark.parametrize("kind", ["os", "soft"])
def test_concurrent_catalogue_and_store_writers_lose_nothing(data_dir, monkeypatch, kind):
    """Threads adding user measures and writing store series at once, with each lock kind:
    every measure and every row is there afterwards."""
    from data_sources import catalogue

    monkeypatch.setenv(locking.LOCK_ENV, kind)
    store = Store(data_dir / "store")
    dates = pd.bdate_range("2020-01-01", periods=8)

    def add_measures(worker: int) -> None:
        for number in range(3):
            catalogue.add_user_measures([_row(id=f"user-{worker}-{number}")], "form")

    def write_bars(worker: int) -> None:
        for date in dates[worker::2]:
            bars = to_canonical(pd.DataFrame({"date": [date], "close": [1.0]}), "SAME")
            store.write(FetchResult(bars, "akshare", "a"))

    threads = [threading.Thread(target=add_measures, args=(w,)) for w in range(3)]
    threads += [threading.Thread(target=write_bars, args=(w,)) for w in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    ids = set(catalogue.user_catalogue()["id"])
    assert ids == {f"user-{w}-{n}" for w in range(3) for n in range(3)}
    assert store.read(["SAME"])["date"].tolist() == list(dates)


# -- packaging and lint hygiene -------------------------------------------------------------------
def _pyproject() -> dict:
    import tomllib

    return tomllib.loads((PROJECT / "pyproject.toml").read_text("utf-8"))


def _enabled(code: str, selected: list[str]) -> bool:
    """Whether rule ``code`` (e.g. E402, BLE001) falls in a selected family (E, B, SIM, UP035):
    the letters must match exactly (B does not select BLE) and the digits start the same."""
    letters, digits = re.fullmatch(r"([A-Z]+)(\d*)", code).groups()
    for prefix in selected:
        prefix_letters, prefix_digits = re.fullmatch(r"([A-Z]+)(\d*)", prefix).groups()
        if letters == prefix_letters and digits.startswith(prefix_digits):
            return True
    return False


def test_every_noqa_names_an_enabled_rule():
    selected = _pyproject()["tool"]["ruff"]["lint"]["select"]
    assert _enabled("E402", selected) and not _enabled("BLE001", selected)
    assert not _enabled("PLC0415", selected) and _enabled("SIM105", selected)
    stale = []
    for path in sorted(PROJECT.rglob("*.py")):
        relative = path.relative_to(PROJECT).as_posix()
        if relative.startswith((".", "build/")):
            continue
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            match = re.search(r"#\s*noqa:\s*([A-Z]+\d*(?:\s*,\s*[A-Z]+\d*)*)", line)
            if match is None:
                continue
            for code in re.split(r"\s*,\s*", match.group(1)):
                if not _enabled(code, selected):
                    stale.append(f"{relative}:{number}: noqa {code}")
    assert not stale, "noqa for rules ruff does not run here:\n" + "\n".join(stale)


def _requirement_pins(name: str) -> list[str]:
    lines = (PROJECT / name).read_text("utf-8").splitlines()
    return sorted(line.strip() for line in lines if line.strip() and line[0] not in "#-")


def test_project_table_mirrors_the_requirement_files():
    project = _pyproject()["project"]
    assert project["name"] == "policylens"
    assert project["requires-python"] == ">=3.11"
    assert sorted(project["dependencies"]) == _requirement_pins("requirements.txt")
    assert sorted(project["optional-dependencies"]["dev"]) == _requirement_pins(
        "requirements-dev.txt"
    )
    assert project["scripts"] == {
        "policylens-study": "analysis.cli:main",
        "policylens-data": "data_sources.cli:main",
    }


@pytest.mark.parametrize(
    ("script", "module"), [("policylens-study", "analysis"), ("policylens-data", "data_sources")]
)
def test_entry_points_are_the_python_m_commands(script, module, capsys):
    """The console script's function is what ``python -m <module>`` runs."""
    import importlib

    target = _pyproject()["project"]["scripts"][script]
    module_name, function_name = target.split(":")
    main = getattr(importlib.import_module(module_name), function_name)
    main_source = (PROJECT / module / "__main__.py").read_text("utf-8")
    assert f"from {module_name} import {function_name}" in main_source
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    assert exited.value.code == 0
    assert "usage:" in capsys.readouterr().out


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="needs Linux's /proc")
@pytest.mark.parametrize("mapped", [True, False])
def test_read_tables_keep_the_shard_file_open_only_where_that_is_allowed(
    tmp_path, monkeypatch, mapped
):
    """Windows cannot replace a shard that is mapped or open, and the next write replaces it.
    The Windows way of reading (``_MAP_SHARDS`` false) must leave no mapping and no handle
    while the tables read are still in use; the POSIX way does map (so this check sees it)."""
    import data_sources.store as store_module

    monkeypatch.setattr(store_module, "_MAP_SHARDS", mapped)
    store = Store(tmp_path)
    bars = to_canonical(pd.DataFrame({"date": ["2020-01-02"], "close": [1.0]}), "X")
    store.write(FetchResult(bars, "import", "x"))
    shard = str(store._shard_path(store_module.shard_of("X")).resolve())
    table = store._read_shard_symbols(store_module.shard_of("X"), ["X"])["X"]

    def in_use() -> bool:
        mapped_files = Path("/proc/self/maps").read_text()
        handles = {os.path.realpath(f"/proc/self/fd/{fd}") for fd in os.listdir("/proc/self/fd")}
        return shard in mapped_files or shard in handles

    assert in_use() is mapped
    assert table.num_rows == 1  # the table is still alive and readable
    store.write(FetchResult(bars.assign(close=2.0), "import", "x"))  # replaces the shard
    assert table.column("close").to_pylist() == [1.0]
    assert store.read(["X"])["close"].tolist() == [2.0]
