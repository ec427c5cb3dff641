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
