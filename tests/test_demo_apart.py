"""Issue 15 point 3: real data kept apart from the demo. With real series imported beside the
SYNTHETIC demo, studies take real series by default (segment defaults, "add every stored
instrument of a segment", the Themes study, the Overview), demo series are marked wherever they
are named, one confirmed action removes the whole demo, and the banner speaks of the data in
view."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from data_sources.cli import main as data_main
from data_sources.data_mode import benchmark_candidates, synthetic_symbols
from data_sources.store import Store
from tests.apptest_helpers import download_bytes, goto
from tests.markdown_render import shown


def import_as_real(tmp_path: Path, symbols: list[str]) -> None:
    """Store ``symbols`` as imported files (real data, as far as the store knows), written from
    their demo bars so their sessions are real Shanghai sessions."""
    bars = Store().read(symbols)
    paths = []
    for symbol, frame in bars.groupby("symbol"):
        path = tmp_path / f"{symbol}.csv"
        frame.assign(date=frame["date"].dt.strftime("%Y-%m-%d"))[["date", "close"]].to_csv(
            path, index=False
        )
        paths.append(str(path))
    assert data_main(["import", *paths]) == 0


def stored_sources() -> dict[str, str]:
    coverage = Store().coverage()
    return dict(zip(coverage["symbol"], coverage["source"], strict=True))


def choose_measure(app, measure_id: str) -> None:
    app.multiselect(key="study_measures").set_value([measure_id]).run()
    assert not app.exception, [e.value for e in app.exception]


def test_event_study_defaults_to_the_real_series_and_its_outcome_is_not_synthetic(app, tmp_path):
    import_as_real(tmp_path, ["399006.SZ", "000300.SH"])
    goto(app, "pages/event_study.py")
    # ChiNext reform plan: CHN (399006.SZ, real) and BRK (399975.SZ, demo only)
    choose_measure(app, "chinext-reform-plan-2020")
    key = "study_instruments_chinext-reform-plan-2020"
    assert app.multiselect(key=key).value == ["399006.SZ"]
    assert app.selectbox(key="study_benchmark").value == "000300.SH"
    # the demo member of its BRK segment is named as left out, not dropped silently
    assert any("Left out of the defaults: 399975.SZ" in shown(c.value) for c in app.caption), [
        shown(c.value) for c in app.caption
    ]
    summary = pd.read_csv(
        io.BytesIO(download_bytes(app, "download_car_summary")), encoding="utf-8-sig"
    )
    assert set(summary["instrument"]) == {"399006.SZ"}
    assert set(summary["data_mode"]) == {"imported files"}
    assert not any("SYNTHETIC" in w.value for w in app.warning)
    # the banner speaks of this study's data
    assert any(shown(i.value) == "Data in this study: imported files" for i in app.info)
    # a demo series picked by hand is marked, and the banner then says the study is synthetic
    options = app.multiselect(key=key).options
    assert "399006.SZ ChiNext Index" in options
    assert "399975.SZ CSI All Share Securities Companies · SYNTHETIC DEMO" in options
    app.multiselect(key=key).select("399975.SZ").run()
    assert any(
        "SYNTHETIC DEMO DATA — data mode: SYNTHETIC DEMO + imported files" in shown(w.value)
        for w in app.warning
    )
    # ... and the study names the demo series among real ones, not the whole study
    said = [shown(w.value) for w in app.warning]
    mixed = "Some of these results come from SYNTHETIC DEMO prices (399975.SZ)"
    assert any(mixed in w for w in said)
    assert not any(w.startswith("These results come from SYNTHETIC DEMO prices") for w in said)


def test_without_a_real_csi300_the_benchmark_falls_back_on_a_real_broad_index(app, tmp_path):
    import_as_real(tmp_path, ["399006.SZ", "000001.SH"])
    goto(app, "pages/event_study.py")
    assert app.multiselect(key="study_measures").value == ["chinext-first-listings-2020"]
    assert app.selectbox(key="study_benchmark").value == "000001.SH"  # not the demo CSI 300
    assert app.radio(key="study_model").value == "market"
    summary = pd.read_csv(
        io.BytesIO(download_bytes(app, "download_car_summary")), encoding="utf-8-sig"
    )
    assert set(summary["data_mode"]) == {"imported files"}


def test_benchmark_candidates_are_broad_real_indices_other_than_the_instruments():
    pool = ["600030.SH", "399006.SZ", "399975.SZ", "000001.SH", "000300.SH"]
    assert benchmark_candidates(pool, ["399006.SZ"]) == ["000300.SH", "000001.SH"]
    assert benchmark_candidates(pool, ["000300.SH"]) == ["000001.SH", "399006.SZ"]
    assert benchmark_candidates(["600030.SH", "399975.SZ"], ["399975.SZ"]) == []


def test_defaults_taken_from_the_demo_give_way_once_real_series_are_imported(app, tmp_path):
    goto(app, "pages/event_study.py")
    choose_measure(app, "chinext-reform-plan-2020")
    key = "study_instruments_chinext-reform-plan-2020"
    assert app.multiselect(key=key).value == ["399006.SZ", "399975.SZ"]  # all demo
    import_as_real(tmp_path, ["399006.SZ", "000300.SH"])
    goto(app, "pages/event_study.py")
    assert app.multiselect(key=key).value == ["399006.SZ"]


def test_add_every_stored_instrument_of_a_segment_adds_only_real_ones(app, tmp_path):
    import_as_real(tmp_path, ["399006.SZ", "000300.SH", "000905.SH"])
    goto(app, "pages/event_study.py")
    key = "study_instruments_chinext-first-listings-2020"
    assert app.multiselect(key=key).value == ["399006.SZ"]
    # ALL: 000300.SH, 000001.SH, 399001.SZ, 000905.SH are stored; two of them only as demo
    app.selectbox(key="study_add_segment").set_value("ALL").run()
    assert not app.exception
    assert app.multiselect(key=key).value == ["399006.SZ", "000300.SH", "000905.SH"]
    # a segment whose members are all demo is not offered
    assert "BRK" not in app.selectbox(key="study_add_segment").options


def test_themes_study_uses_only_the_real_series(app, tmp_path):
    real = ["399006.SZ", "000300.SH", "000001.SH"]
    import_as_real(tmp_path, real)
    goto(app, "pages/themes.py")
    cells = pd.read_csv(
        io.BytesIO(download_bytes(app, "download_themes_cells")), encoding="utf-8-sig"
    )
    assert set(cells["data_mode"]) == {"imported files"}
    assert set(cells["segment"]) <= {"CHN", "ALL", "MAIN", "FUT"}  # segments of real series
    app.selectbox(key="themes_cell").set_value("T5|CHN").run()
    pairs = next(t.value for t in app.dataframe if "instrument" in t.value.columns)
    assert set(pairs["instrument"]) == {"399006.SZ ChiNext Index"}
    assert not any("SYNTHETIC" in w.value for w in app.warning)


def test_overview_defaults_to_the_real_series(app, tmp_path):
    import_as_real(tmp_path, ["399006.SZ"])
    goto(app, "pages/overview.py")
    assert app.multiselect(key="overview_instruments").value == ["399006.SZ"]
    # the banner speaks of the series drawn: real, then synthetic once a demo one is added
    assert any(shown(i.value) == "Data in this chart: imported files" for i in app.info)
    app.multiselect(key="overview_instruments").select("000300.SH").run()
    assert any("SYNTHETIC DEMO DATA" in shown(w.value) for w in app.warning)


def test_remove_every_demo_series_after_a_confirmation_and_cancel_removes_nothing(
    app, tmp_path, data_dir
):
    real = ["000300.SH", "399006.SZ"]
    import_as_real(tmp_path, real)
    import_as_real(tmp_path, ["399006.SZ"])  # a re-import keeps the replaced copy
    replaced = sorted(p.name for p in (data_dir / "store" / "replaced").iterdir())
    assert replaced
    demo = {s for s, source in stored_sources().items() if source == "demo"}
    assert len(demo) > 20

    goto(app, "pages/data.py")
    coverage = next(t.value for t in app.dataframe if "demo" in t.value.columns)
    marked = coverage.set_index("name")["demo"]
    assert not marked["399006.SZ ChiNext Index"]
    assert marked["000001.SH SSE Composite · SYNTHETIC DEMO"]
    assert marked.sum() == len(demo)
    banner = next(shown(i.value) for i in app.info if shown(i.value).startswith("Store:"))
    assert banner.startswith(
        f"Store: 2 real series (imported files) + {len(demo)} SYNTHETIC demo series — studies "
        "use the real series"
    )

    app.button(key="remove_demo_button").click().run()
    assert any(f"Remove these {len(demo)} SYNTHETIC" in shown(w.value) for w in app.warning)
    app.button(key="remove_demo_cancel").click().run()
    assert not app.exception
    assert {s for s, source in stored_sources().items() if source == "demo"} == demo
    assert not any(b.key == "remove_demo_confirm" for b in app.button)

    app.button(key="remove_demo_button").click().run()
    app.button(key="remove_demo_confirm").click().run()
    assert not app.exception
    assert sorted(stored_sources()) == sorted(real)  # exactly the demo went
    assert set(stored_sources().values()) == {"import"}
    assert sorted(p.name for p in (data_dir / "store" / "replaced").iterdir()) == replaced
    assert any(f"Removed {len(demo)} SYNTHETIC demo series." in s.value for s in app.success)
    # real data remain: the demo is not seeded again, and the banner is the real data's
    app.run()
    goto(app, "pages/overview.py")
    assert sorted(Store().symbols()) == sorted(real)
    # (the Overview's banner speaks of the series its chart draws: real ones)
    assert any(shown(i.value) == "Data in this chart: imported files" for i in app.info)


def test_a_store_of_demo_only_offers_no_removal(app):
    goto(app, "pages/data.py")
    assert not any(b.key == "remove_demo_button" for b in app.button)
    assert any("The store holds only the" in shown(c.value) for c in app.caption)
    assert synthetic_symbols(Store().coverage()) == set(Store().symbols())
