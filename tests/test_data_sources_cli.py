"""``python -m data_sources catalogue export|import``."""

from __future__ import annotations

import io
import subprocess
import sys

import pandas as pd
import yaml

from data_sources.catalogue import EXPORT_COLUMNS, load_catalogue, user_measures_path
from data_sources.cli import main
from tests.conftest import PROJECT


def test_export_csv_has_the_contract_columns_and_joined_lists(data_dir, capsysbinary):
    assert main(["catalogue", "export"]) == 0
    raw = capsysbinary.readouterr().out
    assert raw.startswith(b"\xef\xbb\xbf")
    table = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(table.columns[: len(EXPORT_COLUMNS)]) == EXPORT_COLUMNS
    assert len(table) == len(load_catalogue())
    law = table.set_index("id").loc["securities-law-2019"]
    assert (law["announcement_date"], law["event_session"], law["effective_date"]) == (
        "2019-12-28",
        "2019-12-30",
        "2020-03-01",
    )
    assert table.set_index("id").loc["stamp-duty-cut-2023", "secondary_themes"] == "T3;T2"


def test_export_yaml(data_dir, capsysbinary):
    assert main(["catalogue", "export", "--format", "yaml"]) == 0
    rows = yaml.safe_load(capsysbinary.readouterr().out.decode("utf-8"))
    assert len(rows) == len(load_catalogue())
    assert rows[0]["id"] == "csi300-options-2019"


def test_import_adds_and_bad_rows_exit_2_naming_row_and_field(data_dir, tmp_path, capsys):
    good = tmp_path / "mine.yaml"
    good.write_text(
        yaml.safe_dump(
            [
                {
                    "id": "my-measure",
                    "title_zh": "我的",
                    "title_en": "Mine",
                    "announcement_date": "2024-10-08",
                    "timing": "after_close",
                    "theme": "T3",
                    "segments": ["ALL"],
                    "source_url": "https://example.org/m",
                    "confidence": "verified",
                }
            ],
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    assert main(["catalogue", "import", str(good)]) == 0
    assert "added 1 measure(s)" in capsys.readouterr().out
    catalogue = load_catalogue().set_index("id")
    assert catalogue.at["my-measure", "event_session"] == pd.Timestamp("2024-10-09")

    before = user_measures_path().read_bytes()
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "id,title_zh,title_en,announcement_date,theme,segments,source_url,confidence\n"
        "ok-one,好,Ok,2024-01-02,T1,ALL,https://example.org/o,verified\n"
        "my-measure,重复,Dup,2024-13-01,T0,MOON,,verified\n",
        encoding="utf-8",
    )
    assert main(["catalogue", "import", str(bad)]) == 2
    err = capsys.readouterr().err
    for expected in (
        "line 3, field 'id': 'my-measure' is already in the catalogue",
        "line 3 (my-measure), field 'announcement_date'",
        "line 3 (my-measure), field 'theme'",
        "line 3 (my-measure), field 'segments': unknown segment 'MOON'",
        "line 3 (my-measure), field 'source_url': missing",
    ):
        assert expected in err
    assert "Traceback" not in err
    assert user_measures_path().read_bytes() == before  # nothing half-imported
    assert "ok-one" not in set(load_catalogue()["id"])


def test_missing_file_and_bad_arguments_exit_2(data_dir, tmp_path, capsys):
    assert main(["catalogue", "import", str(tmp_path / "nope.yaml")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main(["catalogue", "export", "--format", "xml"]) == 2
    assert "invalid choice" in capsys.readouterr().err


def test_as_a_process(tmp_path):
    completed = subprocess.run(
        [sys.executable, "-m", "data_sources", "catalogue", "export"],
        cwd=PROJECT,
        capture_output=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "POLICYLENS_DATA_DIR": str(tmp_path), "HOME": str(tmp_path)},
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.decode("utf-8-sig").startswith("id,title_zh,title_en,")


def test_check_verifies_the_store_and_quarantine_lists_what_to_refetch(data_dir, capsys):
    from data_sources.store import Store, shard_of
    from tests import store_damage

    store = Store()
    victims = store_damage.same_shard_symbols(2)
    numbers = store_damage.fill(store, victims, ["000300.SH"])
    store.write(store_damage.series("399006.SZ", 7, source="akshare"))
    assert main(["check"]) == 0
    assert "no damaged files" in capsys.readouterr().out
    store_damage.flip_closes(store._shard_path(shard_of(victims[0])), numbers[victims[0]])
    store_damage.truncate(store._shard_path(shard_of("399006.SZ")), keep=0.3)
    (store.status_dir / "X.json").write_text("")
    assert main(["check"]) == 1
    out = capsys.readouterr().out
    shard_line = next(
        line for line in out.splitlines() if f"shard-{shard_of(victims[0]):02d}" in line
    )
    assert victims[0] in shard_line and "checksum" in shard_line
    assert f"shard-{shard_of('399006.SZ'):02d}.arrow" in out and "status/X.json" in out
    assert "check --quarantine" in out
    assert main(["check", "--quarantine"]) == 1
    out = capsys.readouterr().out
    assert out.count("moved aside:") == 3
    assert f"{victims[0]}: re-import the file: python -m data_sources import" in out
    assert "399006.SZ: python -m data_sources refresh --symbol 399006.SZ" in out
    assert main(["check"]) == 0
    assert victims[1] in Store().symbols() and "000300.SH" in Store().symbols()


def test_import_into_a_damaged_shard_quarantines_it_and_says_so(data_dir, tmp_path, capsys):
    from data_sources.store import Store, shard_of
    from tests import store_damage
    from tests.conftest import write_price_csv

    store = Store()
    victims = store_damage.same_shard_symbols(2)
    store_damage.fill(store, victims, [])
    store_damage.garbage(store._shard_path(shard_of(victims[0])))
    price_file = write_price_csv(tmp_path / f"{victims[0]}.csv", ["2020-01-02"], [5.0])
    assert main(["import", str(price_file)]) == 0
    captured = capsys.readouterr()
    assert "internal error" not in captured.err
    assert f"damaged shards/shard-{shard_of(victims[0]):02d}.arrow" in captured.err
    assert "moved aside" in captured.err
    assert Store().read([victims[0]])["close"].tolist() == [5.0]
    assert main(["check"]) == 0
