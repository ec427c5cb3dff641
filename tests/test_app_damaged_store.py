"""The dashboard with a damaged store (issue 11 item 1): every page renders and names the
damaged file; the Data page moves it aside after a confirmation and lists what to re-fetch."""

from __future__ import annotations

from data_sources.demo import demo_symbols
from data_sources.store import Store, shard_of
from tests import store_damage
from tests.apptest_helpers import PAGES, dataframe_at, goto


def _damage_the_demo_store() -> tuple[str, str]:
    store = Store()
    victim = demo_symbols()[0]
    shard = store._shard_path(shard_of(victim))
    store_damage.truncate(shard, keep=0.3)
    (store.status_dir / "Z.json").write_text("{half")
    return victim, f"shards/{shard.name}"


def test_every_page_renders_with_a_damaged_shard_and_names_it(app):
    victim, shard_file = _damage_the_demo_store()
    intact = [s for s in demo_symbols() if shard_of(s) != shard_of(victim)]
    for page in PAGES:
        goto(app, page)
        warnings = " ".join(w.value for w in app.warning)
        assert shard_file in warnings and "status/Z.json" in warnings, page
    assert set(intact) <= set(Store().symbols())


def test_data_page_moves_damage_aside_after_a_confirmation_and_lists_what_to_refetch(app):
    victim, shard_file = _damage_the_demo_store()
    goto(app, "pages/data.py")
    damaged = dataframe_at(app, 0)  # AppTest does not expose a dataframe's key
    assert set(damaged["file"]) == {shard_file, "status/Z.json"}
    assert victim in damaged.set_index("file").loc[shard_file, "series"]
    assert app.button(key="quarantine_button").disabled
    app.checkbox(key="quarantine_confirm").check().run()
    app.button(key="quarantine_button").click().run()
    assert not app.exception
    assert any("Moved 2 damaged file(s) aside" in s.value for s in app.success)
    store = Store()
    assert store.damaged() == []
    assert len(list(store.quarantine_dir.glob("*.about.json"))) == 2
    lost = dataframe_at(app, 0)  # the damaged files' table is gone; what they held is listed
    assert victim in set(lost["symbol"])
    assert (lost["how"] == "python -m data_sources refresh --symbol " + lost["symbol"]).all()
    assert app.button(key="refetch_button")
    for page in PAGES:  # the warning is gone everywhere
        goto(app, page)
        assert not any("Damaged store file" in w.value for w in app.warning), page


def test_an_import_into_a_damaged_shard_is_saved_and_names_the_file_moved_aside(app):
    victim, shard_file = _damage_the_demo_store()
    goto(app, "pages/data.py")
    prices = b"date,close\n2024-09-23,1.10\n2024-09-24,1.15\n"
    app.file_uploader(key="import_files_0").set_value([(f"{victim}.csv", prices, "text/csv")])
    app.run()
    app.button(key="import_save").click().run()
    assert not app.exception
    assert any(shard_file in w.value and "moved aside" in w.value for w in app.warning)
    assert Store().read([victim])["close"].tolist() == [1.10, 1.15]
    assert not any(shard_file in w.value for w in goto(app, "pages/overview.py").warning)
