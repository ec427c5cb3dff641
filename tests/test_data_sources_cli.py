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
    assert rows[0]["id"] == "star-board-opens-2019"
    assert rows[0]["documents"][0]["title_zh"] == "科创板开板仪式"  # the citation travels too


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


def test_import_takes_a_date_format_for_an_ambiguous_column(data_dir, tmp_path, capsys):
    from data_sources.store import Store

    path = tmp_path / "dmy.csv"
    path.write_text("date,close\n10/01/2024,1\n11/01/2024,2\n12/01/2024,3\n", encoding="utf-8")
    assert main(["import", str(path)]) == 2
    err = capsys.readouterr().err
    assert "file dmy.csv: column 'date': every date fits more than one format" in err
    assert Store().symbols() == []
    assert main(["import", str(path), "--date-format", "%d/%m/%Y"]) == 0
    assert "dmy: 3 rows from dmy.csv (2024-01-10 to 2024-01-12)" in capsys.readouterr().out
    dates = Store().read(["dmy"])["date"].dt.strftime("%Y-%m-%d").tolist()
    assert dates == ["2024-01-10", "2024-01-11", "2024-01-12"]


def test_two_files_with_one_series_name_are_refused_naming_both_and_the_name(
    data_dir, tmp_path, capsys
):
    from data_sources.store import Store

    paths = []
    for folder, other in (("a", "X1"), ("b", "X2"), ("c", "X3")):
        (tmp_path / folder).mkdir()
        for stem in ("SAME", other):
            path = tmp_path / folder / f"{stem}.csv"
            path.write_text("date,close\n2024-01-10,1\n", encoding="utf-8")
            paths.append(str(path))
    assert main(["import", *paths[:3]]) == 2  # a/SAME, a/X1, b/SAME
    err = capsys.readouterr().err
    assert "files SAME.csv and SAME.csv both give the series name 'SAME'" in err
    assert "X1" not in err  # only the duplicated name, not every series name
    assert Store().symbols() == []


def test_a_file_over_the_limit_is_refused_before_it_is_read(data_dir, tmp_path, capsys):
    path = tmp_path / "huge.csv"
    with path.open("wb") as handle:
        handle.truncate(60 * 2**20)  # sparse
    assert main(["import", str(path)]) == 2
    assert "file huge.csv: file is 60.0 MB, larger than the limit of 50 MB" in (
        capsys.readouterr().err
    )


def test_dates_after_2262_and_impossible_prices_exit_2_naming_row_and_column(
    data_dir, tmp_path, capsys
):
    for content, expected in (
        (
            "date,close\n2024-01-10,1\n2263-01-01,2\n",
            "row 3, column 'date': '2263-01-01' is outside",
        ),
        ("date,close\n2024-01-10,1\n2024-01-11,1e400\n", "row 3, column 'close': '1e400' is not a"),
        ("date,close,volume\n2024-01-10,1,-3\n", "row 2, column 'volume': '-3' is not a number"),
    ):
        path = tmp_path / "bad.csv"
        path.write_text(content, encoding="utf-8")
        assert main(["import", str(path)]) == 2
        err = capsys.readouterr().err
        assert f"file bad.csv: {expected}" in err and "internal error" not in err


def test_a_non_ascii_file_name_asks_for_symbol(data_dir, tmp_path, capsys):
    path = tmp_path / "沪深300.csv"
    path.write_text("date,close\n2024-01-10,1\n", encoding="utf-8")
    assert main(["import", str(path)]) == 2
    err = capsys.readouterr().err
    assert "symbol '沪深300' is not valid" in err and "--symbol NAME" in err
    assert main(["import", str(path), "--symbol", "000300.SH"]) == 0
    assert "000300.SH: 1 rows from 沪深300.csv" in capsys.readouterr().out


def test_a_reimport_says_where_the_series_it_replaced_was_kept(data_dir, tmp_path, capsys):
    from data_sources.store import Store

    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text("date,close\n2024-01-10,1\n2024-01-11,2\n", encoding="utf-8")
    second.write_text("date,close\n2024-02-01,5\n", encoding="utf-8")
    assert main(["import", str(first), "--symbol", "MINE"]) == 0
    assert "kept in" not in capsys.readouterr().err
    assert main(["import", str(second), "--symbol", "MINE"]) == 0
    err = capsys.readouterr().err
    (kept,) = Store().replaced_dir.glob("MINE.*.csv")
    assert f"note: the 2 rows MINE held before were kept in {kept}" in err
    assert "--symbol MINE" in err
    assert main(["import", str(kept), "--symbol", "MINE"]) == 0  # restored
    assert Store().read(["MINE"])["close"].tolist() == [1.0, 2.0]
