"""Reliability parts for the policy catalogue (issue 11, family "catalogue").

* ``user measures file``: a damaged, non-list, invalid, undecodable, oversized or stale
  ``user_measures.yaml``: the catalogue still loads (shipped measures, the file named), every
  write to it (add, import, remove; library, CLI and dashboard) is refused with a message naming
  it, and its bytes never change (*rows lost* counts the rows of a file that changed).
* ``catalogue bombs``: hostile measure files (billion laughs, huge file, huge field, deep
  nesting, 50,000 measures, dates after 2262, tier-E and markdown-injecting URLs) are refused
  with a message, quickly, through the library and the CLI; and ``overlapping_ids`` stays fast
  and right at 50,000 measures.

Each part returns :class:`tests.reliability.Outcome` rows (``tests/test_reliability_catalogue.py``
asserts on them; the lead wires them into ``python -m tests.reliability_report``).
"""

from __future__ import annotations

import contextlib
import datetime
import io
import time
from collections.abc import Callable
from pathlib import Path

import yaml

from tests.reliability import Outcome, data_directory

#: A refusal that takes longer than this counts as a failure (the 485-byte YAML bomb took a
#: minute and 3.7 GB before the fix).
CASE_SECONDS = 10.0

_GOOD_ROW = {
    "id": "my-kept-measure",
    "title_zh": "我的措施",
    "title_en": "My measure",
    "announcement_date": "2024-09-30",
    "theme": "T3",
    "segments": ["ALL"],
    "source_url": "https://www.csrc.gov.cn/csrc/c100028/content.shtml",
    "confidence": "verified",
}


def _row_text(row: dict) -> str:
    return yaml.safe_dump([row], allow_unicode=True, sort_keys=False)


def _damaged_user_files() -> dict[str, tuple[bytes | None, int]]:
    """name → (bytes, or None for an 8 MB + 1 sparse file; the rows a user would lose)."""
    good = _row_text(_GOOD_ROW).encode()
    two = _row_text(_GOOD_ROW) + _row_text({**_GOOD_ROW, "id": "my-second-measure"})
    stale = _row_text({**_GOOD_ROW, "id": "sept-2024-package"}) + _row_text(_GOOD_ROW)
    many = "".join(f"- id: m-{n}\n" for n in range(5_001))
    return {
        "a mapping, not a list": (b"id: my-measure\ntitle_en: x\n", 1),
        "a scalar": (b"my measures\n", 1),
        "a list of text": (b"- first\n- second\n", 2),
        "a list of lists": (b"- [a, b]\n- [c]\n", 2),
        "invalid YAML: unclosed bracket": (b"- id: [unclosed\n", 1),
        "invalid YAML: bad indentation": (b"- id: a\n title_en: b\n  - x\n", 1),
        "invalid YAML: tab indentation": (b"- id: a\n\ttitle_en: b\n", 1),
        "truncated mid-row": (two.encode()[: len(two.encode()) // 2 + 7], 2),
        "undecodable: latin-1 bytes": (good.replace("我".encode(), b"\xe9\xe8"), 1),
        "undecodable: UTF-16": (_row_text(_GOOD_ROW).encode("utf-16"), 1),
        "undecodable: random bytes": (bytes(range(256)) * 4, 1),
        "YAML aliases": (b"- &m {id: a-b-c}\n- *m\n", 2),
        "billion laughs": (_billion_laughs().encode(), 1),
        "nested 100,000 deep": (b"[" * 100_000 + b"]" * 100_000, 1),
        "5,001 measures": (many.encode(), 5_001),
        "larger than 8 MB": (None, 1),
        "a row that no longer validates": (stale.encode(), 2),
    }


def _billion_laughs(levels: int = 9) -> str:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, levels):
        refs = ",".join([f"*a{level - 1}"] * 9)
        lines.append(f"a{level}: &a{level} [{refs}]")
    return "\n".join(lines) + "\n"


def _write(path: Path, content: bytes | None) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    if content is None:
        with open(path, "wb") as handle:
            handle.truncate(8_000_001)
        return b"sparse"
    path.write_bytes(content)
    return content


def _fingerprint(path: Path, content: bytes) -> object:
    if content == b"sparse":
        return path.stat().st_size, path.read_bytes()[:64]
    return path.read_bytes()


def _cli(argv: list[str]) -> tuple[int, str]:
    from data_sources.cli import main

    stderr, stdout = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(stdout):
        code = main(argv)
    return code, stderr.getvalue()


def _attempt(outcome: Outcome, where: str, call: Callable[[], object], expected: tuple):
    """Run ``call`` as one case: an ``expected`` error is the specified refusal (returned),
    anything else escaping is a crash; slower than CASE_SECONDS is a failure."""
    outcome.cases += 1
    started = time.perf_counter()
    try:
        call()
    except expected as error:
        result = error
    except Exception as error:  # counting what escapes
        outcome.crash(f"{where}: {type(error).__name__}: {error}"[:220])
        return None
    else:
        result = "accepted"
    if time.perf_counter() - started > CASE_SECONDS:
        outcome.fail(f"{where}: took {time.perf_counter() - started:.1f} s")
    return result


def user_measures_file() -> list[Outcome]:
    """A damaged user file: loads leave it out by name; writes are refused; bytes unchanged."""
    from data_sources import catalogue

    library = Outcome("user measures file", "library: load, add, import, remove")
    cli = Outcome("user measures file", "CLI: python -m data_sources catalogue import")
    for name, (content, rows) in _damaged_user_files().items():
        with data_directory() as directory:
            path = catalogue.user_measures_path()
            written = _write(path, content)
            before = _fingerprint(path, written)
            loaded = _attempt(
                library, f"{name}: load", catalogue.load_catalogue, (catalogue.CatalogueError,)
            )
            if loaded == "accepted":
                library.fail(f"{name}: loaded without a word")
            elif loaded is not None and loaded.source != str(path):
                library.fail(f"{name}: the message names {loaded.source!r}, not the file")
            writes = {
                "add": lambda: catalogue.add_user_measures([dict(_GOOD_ROW, id="new-one")], "f"),
                "import": lambda: catalogue.add_user_measures(
                    *_parsed(catalogue, _row_text(dict(_GOOD_ROW, id="new-two")))
                ),
            }
            if isinstance(loaded, catalogue.UserFileError):  # unreadable: removing is refused
                writes["remove"] = lambda: catalogue.remove_user_measure("my-kept-measure")
            # (a readable file whose rows no longer validate may have rows removed: that is how
            # a user fixes it, and it keeps a backup)
            for action, call in writes.items():
                refused = _attempt(library, f"{name}: {action}", call, (catalogue.UserFileError,))
                if refused == "accepted":
                    library.fail(f"{name}: {action} went ahead")
                elif refused is not None and (
                    str(path) not in str(refused) or "move it aside" not in str(refused)
                ):
                    library.fail(f"{name}: {action}: the message does not say what to do")
            measures = directory.parent / "new.yaml"
            measures.write_text(_row_text(dict(_GOOD_ROW, id="new-three")), "utf-8")
            cli.cases += 1
            code, err = _cli(["catalogue", "import", str(measures)])
            if "internal error" in err:
                cli.crash(f"{name}: {err.strip()[:200]}")
            elif code != 2 or str(path) not in err:
                cli.fail(f"{name}: exit {code}: {err.strip()[:200]}")
            if _fingerprint(path, written) != before:
                library.rows_lost += rows
                library.fail(f"{name}: the file changed")
            if catalogue.user_backup_dir().exists():
                library.fail(f"{name}: a backup was written although nothing should be")
    return [library, cli, _dashboard_with_damaged_file()]


def _parsed(catalogue, text: str) -> tuple:
    rows, labels = catalogue.parse_measures_file(text.encode(), "import.yaml")
    return rows, "import.yaml", labels


def _dashboard_with_damaged_file() -> Outcome:
    """The Policies page with a damaged user file: renders the shipped catalogue, names the
    file, and the add-a-measure form refuses to write (AppTest)."""
    import pytest

    from data_sources import catalogue
    from tests.apptest_helpers import goto, make_app
    from tests.markdown_render import shown

    outcome = Outcome("user measures file", "dashboard Policies page (AppTest)")
    damaged = _damaged_user_files()
    chosen = ["a mapping, not a list", "invalid YAML: unclosed bracket", "undecodable: UTF-16"]
    chosen.append("a row that no longer validates")
    for name in chosen:
        content, rows = damaged[name]
        with data_directory(), pytest.MonkeyPatch.context() as monkeypatch:
            path = catalogue.user_measures_path()
            written = _write(path, content)
            outcome.cases += 1
            try:
                app = make_app(monkeypatch, record_downloads=False)
                goto(app, "pages/policies.py")
                shipped = len(catalogue.shipped_catalogue())
                if not app.markdown[0].value.startswith(f"**{shipped}** measures"):
                    outcome.fail(f"{name}: {app.markdown[0].value[:80]}")
                if not any(str(path) in shown(error.value) for error in app.error):
                    outcome.fail(f"{name}: the page does not name the file")
                app.text_input(key="add_id").input("form-measure")
                app.text_input(key="add_title_zh").input("表单")
                app.text_input(key="add_title_en").input("Form")
                app.text_input(key="add_source").input("https://www.csrc.gov.cn/a.html")
                app.date_input(key="add_date").set_value(datetime.date(2024, 9, 30))
                submit = [b for b in app.button if getattr(b, "label", "") == "Add measure"][0]
                submit.click().run()
                if app.exception:
                    outcome.crash(f"{name}: {app.exception[0].value[:200]}")
                elif not any("not changed" in shown(error.value) for error in app.error):
                    outcome.fail(f"{name}: the form did not say it was refused")
            except Exception as error:  # counting what escapes
                outcome.crash(f"{name}: {type(error).__name__}: {error}"[:220])
            if path.read_bytes() != written:
                outcome.rows_lost += rows
                outcome.fail(f"{name}: the file changed")
    return outcome


def _hostile_files() -> dict[str, tuple[bytes | None, str, str]]:
    """name → (content, or None for a 4 MB + 1 sparse file; file name; expected words)."""

    header = "id,title_zh,title_en,announcement_date,effective_date,theme,segments,"
    header += "source_url,confidence\n"

    def csv_row(**fields) -> str:
        row = {
            "id": "hostile",
            "title_zh": "标题",
            "title_en": "Title",
            "announcement_date": "2022-01-04",
            "effective_date": "",
            "theme": "T2",
            "segments": "ALL",
            "source_url": "https://www.csrc.gov.cn/a.html",
            "confidence": "verified",
        }
        row.update(fields)
        return header + ",".join(row.values()) + "\n"

    def yaml_row(**fields) -> str:
        row = dict(_GOOD_ROW, id="hostile")
        row.update(fields)
        return yaml.safe_dump([row], allow_unicode=True, sort_keys=False)

    files: dict[str, tuple[bytes | None, str, str]] = {
        "billion laughs (9 levels, 485 bytes)": (_billion_laughs().encode(), "b.yaml", "alias"),
        "billion laughs (3 levels)": (_billion_laughs(3).encode(), "b.yaml", "alias"),
        "merge key from an anchor": (
            b"- &base {theme: T2}\n- id: x\n  <<: *base\n",
            "m.yaml",
            "alias",
        ),
        "an anchor alone": (b"- &only {id: a-b-c}\n", "a.yaml", "alias"),
        "file over 4 MB (YAML)": (b"#" * 4_000_001, "big.yaml", "limit of 4,000,000"),
        "file over 4 MB (sparse, CLI stats first)": (None, "big.csv", "limit of 4,000,000"),
        "CSV field of 200,000 characters": (
            csv_row(title_en="x" * 200_000).encode(),
            "f.csv",
            "line 2: a field is longer than 131,072",
        ),
        "YAML title of 1,000,000 characters": (
            yaml_row(title_en="x" * 1_000_000).encode(),
            "f.yaml",
            "field 'title_en': longer than 500",
        ),
        "nested 100,000 deep (flow)": (b"[" * 100_000 + b"]" * 100_000, "n.yaml", "levels"),
        "nested 1,000 deep (block mappings)": (
            "".join(f"{' ' * n}k{n}:\n" for n in range(1_000)).encode(),
            "n.yaml",
            "levels",
        ),
        "a nested list in a field": (
            yaml_row(title_en=[[1, 2], [3, [4, [5]]]]).encode(),
            "t.yaml",
            "must be text, not a list",
        ),
        "50,000 measures": (
            "".join(f"- id: m-{n}\n" for n in range(50_000)).encode(),
            "many.yaml",
            "more than the limit of 5,000",
        ),
        "announcement 2300-01-02 (YAML date)": (
            yaml_row(announcement_date="2300-01-02").replace("'2300-01-02'", "2300-01-02").encode(),
            "d.yaml",
            "field 'announcement_date': 2300-01-02 is outside",
        ),
        "effective 2262-04-12 (CSV)": (
            csv_row(effective_date="2262-04-12").encode(),
            "d.csv",
            "field 'effective_date': 2262-04-12 is outside",
        ),
        "latest 9999-12-31 (YAML)": (
            yaml_row(latest_date="9999-12-31").encode(),
            "d.yaml",
            "field 'latest_date': 9999-12-31 is outside",
        ),
    }
    for domain in _tier_e_hosts():
        for url in (f"http://{domain}/page.html", f"https://www.{domain.upper()}/x"):
            files[f"tier-E URL {url}"] = (
                csv_row(source_url=url).encode(),
                "e.csv",
                "may not be shown as sources",
            )
    markdown_urls = [
        "https://www.csrc.gov.cn/)![u](http://host/p.png)",
        'https://www.csrc.gov.cn/ "title"',
        "https://www.csrc.gov.cn/`code`",
        "https://www.csrc.gov.cn/<img src=x>",
        "https://www.csrc.gov.cn/[x](y)",
        "https://www.csrc.gov.cn/\\)",
        "https://www.csrc.gov.cn@host.example/",
        "https://www.csrc.gov.cn/\u202eevil",
        "javascript:alert(1)",
        "data:text/html,<script>1</script>",
    ]
    for url in markdown_urls:
        files[f"markdown-injecting URL {url!r}"] = (
            yaml_row(source_url=url).encode(),
            "u.yaml",
            "field 'source_url'",
        )
    files["a URL with a line break"] = (
        yaml_row(source_url="https://www.csrc.gov.cn/\n# heading").encode(),
        "u.yaml",
        "field 'source_url'",
    )
    files["a title with a line break"] = (
        yaml_row(title_en="Title\n\n# injected heading").encode(),
        "u.yaml",
        "field 'title_en': contains a line break",
    )
    return files


def catalogue_bombs() -> list[Outcome]:
    """Hostile measure files through the library and the CLI, and overlaps at 50,000."""
    from data_sources import catalogue

    library = Outcome("catalogue bombs", "library: parse_measures_file + add_user_measures")
    cli = Outcome("catalogue bombs", "CLI: python -m data_sources catalogue import")
    with data_directory() as directory:
        catalogue.add_user_measures([_GOOD_ROW], "setup")
        path = catalogue.user_measures_path()
        kept = path.read_bytes()
        for name, (content, file_name, expected) in _hostile_files().items():
            target = directory.parent / file_name
            if content is None:
                with open(target, "wb") as handle:
                    handle.truncate(4_000_001)
            else:
                target.write_bytes(content)
                refused = _attempt(
                    library,
                    name,
                    lambda c=content, f=file_name: catalogue.add_user_measures(
                        *_parsed_bytes(catalogue, c, f)
                    ),
                    (catalogue.CatalogueError,),
                )
                if refused == "accepted":
                    library.fail(f"{name}: accepted")
                elif refused is not None and expected not in str(refused):
                    library.fail(f"{name}: {str(refused)[:200]}")
                elif _names_tier_e(catalogue, str(refused)):
                    library.fail(f"{name}: the message displays a tier-E address")
            cli.cases += 1
            started = time.perf_counter()
            code, err = _cli(["catalogue", "import", str(target)])
            if "internal error" in err:
                cli.crash(f"{name}: {err.strip()[:200]}")
            elif code != 2 or expected not in err or _names_tier_e(catalogue, err):
                cli.fail(f"{name}: exit {code}: {err.strip()[:200]}")
            elif time.perf_counter() - started > CASE_SECONDS:
                cli.fail(f"{name}: took {time.perf_counter() - started:.1f} s")
            target.unlink()
            if path.read_bytes() != kept:
                library.rows_lost += 1
                library.fail(f"{name}: the user file changed")
                path.write_bytes(kept)
    return [library, cli, _overlaps_at_scale()]


def _tier_e_hosts() -> list[str]:
    """The tier-E hosts of policy-events.md §7, read from ../shared at run time: the project
    keeps only their SHA-256 digests (data_sources/catalogue/source_tiers.yaml)."""
    from tests.conftest import shared_path

    text = shared_path("reference", "policy-events.md").read_text("utf-8")
    line = next(row for row in text.splitlines() if row.startswith("| E "))
    return sorted(host.strip() for host in line.split("|")[3].split(","))


def _names_tier_e(catalogue, message: str) -> bool:
    return any(domain in message.lower() for domain in _tier_e_hosts())


def _parsed_bytes(catalogue, content: bytes, name: str) -> tuple:
    rows, labels = catalogue.parse_measures_file(content, name)
    return rows, name, labels


def _overlaps_at_scale() -> Outcome:
    """``overlapping_ids`` on 50,000 measures (spread, and all on one day with the page's
    limit) within CASE_SECONDS, and equal to the all-pairs definition on small random sets."""
    import numpy as np

    from analysis.event_study import Event
    from analysis.overlaps import overlap_counts, overlapping_ids
    from data_sources.trading_calendar import all_sessions

    outcome = Outcome("catalogue bombs", "Policies page overlaps (overlapping_ids, 50,000)")
    sessions = all_sessions()
    rng = np.random.default_rng(11)
    for seed in range(30):
        small = np.random.default_rng(seed)
        picks = small.integers(2000, 2000 + int(small.integers(1, 60)), size=30)
        events = [Event(f"e{n}", sessions[p], sessions[p]) for n, p in enumerate(picks)]
        outcome.cases += 1
        found = overlapping_ids(events, sessions, (-5, 5))
        for n, p in enumerate(picks):
            near = {f"e{m}" for m, q in enumerate(picks) if m != n and abs(p - q) <= 10}
            if set(found[f"e{n}"]) != near:
                outcome.fail(f"seed {seed}: e{n} differs from all pairs")
                break
    for name, picks, limit in (
        ("50,000 spread", rng.integers(0, len(sessions), size=50_000), None),
        ("50,000 on one day", np.full(50_000, 3000), 10),
    ):
        events = [Event(f"m{n}", sessions[p], sessions[p]) for n, p in enumerate(picks)]
        outcome.cases += 1
        started = time.perf_counter()
        found = overlapping_ids(events, sessions, (-5, 5), limit=limit)
        counts = overlap_counts(events, sessions, (-5, 5))
        elapsed = time.perf_counter() - started
        if elapsed > CASE_SECONDS:
            outcome.fail(f"{name}: took {elapsed:.1f} s")
        if len(found) != 50_000 or (limit and counts["m0"] != 49_999):
            outcome.fail(f"{name}: wrong result")
    return outcome


def all_parts() -> list[Outcome]:
    return [*user_measures_file(), *catalogue_bombs()]
