"""The Data page's "Traits file" section (AppTest): a good file is previewed with what was
recognised and saved for studies; a bad one is named as text; hostile text stays text."""

from __future__ import annotations

from data_sources.store import Store
from data_sources.traits import load_traits
from pages.text import WORD_JOINER
from tests.apptest_helpers import goto
from tests.markdown_render import injected, shown


def _upload(app, name: str, content: bytes, round_number: int = 0):
    app.file_uploader(key=f"import_traits_file_{round_number}").set_value(
        [(name, content, "text/csv")]
    ).run()
    assert not app.exception, [e.value for e in app.exception]


def test_a_trait_file_is_previewed_and_saved_for_studies(app, data_dir):
    goto(app, "pages/data.py")
    content = "代码,soe,leverage\n600030,是,0.61\nsz300750,否,0.42\n".encode("gb18030")
    _upload(app, "mine.csv", content)
    captions = [shown(c.value) for c in app.caption]
    assert any("2 firm(s), 2 trait(s) from mine.csv" in c for c in captions)
    assert any("'soe': yes/no read as 1/0" in c for c in captions)
    preview = _preview(app)
    assert preview["symbol"].tolist() == ["600030.SH", "300750.SZ"]
    assert preview["soe"].tolist() == [1.0, 0.0]
    app.button(key="import_traits_save").click().run()
    saved_text = "Traits saved: 2 firm(s), 2 trait(s) from mine.csv"
    assert any(saved_text in shown(s.value) for s in app.success)
    saved = load_traits(Store(data_dir / "store"))
    assert saved is not None and saved.symbols == ["600030.SH", "300750.SZ"]
    assert any(
        "Traits kept for studies: 2 firm(s), 2 trait(s), from mine.csv" in shown(c.value)
        for c in app.caption
    )
    assert not app.get_by_key("import_traits_file_1").value  # the uploader was emptied


def _preview(app):
    """The preview table: the one with the file's symbol and trait columns."""
    (table,) = [
        node.value
        for node in app.dataframe
        if list(node.value.columns) == ["symbol", "soe", "leverage"]
    ]
    return table


def test_a_bad_trait_file_is_named_as_text_and_nothing_is_saved(app, data_dir):
    goto(app, "pages/data.py")
    hostile = "symbol,**lev**\n600030,0.5\n600030.SH,<img src=x onerror=alert(1)>\n"
    _upload(app, "[bad](http://e).csv", hostile.encode())
    (error,) = [e.value for e in app.error]
    assert "the same firm appears more than once: 600030.SH (rows 2, 3)" in shown(error)
    # the file's name is shown as text, never as a link
    assert shown(error).replace(WORD_JOINER, "").startswith("file [bad](http://e).csv: ")
    assert injected(error) == []
    assert not _has_key(app, "import_traits_save")
    assert load_traits(Store(data_dir / "store")) is None


def _has_key(app, key: str) -> bool:
    try:
        app.get_by_key(key)
    except KeyError:
        return False
    return True


def test_a_cell_that_is_not_a_number_is_named_with_row_and_column(app):
    goto(app, "pages/data.py")
    _upload(app, "t.csv", b"symbol,lev\n600030,0.5\n300750,=1+1\n")
    assert any(
        "row 3, column 'lev': '=1+1' is not a number or a yes/no" in shown(e.value)
        for e in app.error
    )
    assert not _has_key(app, "import_traits_save")
