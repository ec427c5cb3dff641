"""The Data page's "Traits file" section: import a table of firm traits (symbol, trait…) for
cross-sectional regressions, see what was recognised, keep it in the data directory.

Everything the file holds (symbols, trait names, cells) is shown as text: notes and errors
through ``escape_markdown``, the preview as a table (never markdown)."""

from __future__ import annotations

import streamlit as st

from data_sources.errors import DataSourceError
from data_sources.files import check_file_size
from data_sources.store import Store
from data_sources.traits import TraitTable, load_traits, parse_trait_file, save_traits
from pages import layout
from pages.i18n import t, tr
from pages.text import escape_markdown

#: Rows of an imported table shown before it is saved.
PREVIEW_ROWS = 200


def saved_traits(store: Store) -> TraitTable | None:
    """The trait table imported on the Data page (:func:`data_sources.traits.load_traits`),
    or None. A damaged one is moved aside by the reader: named here, never an error."""
    before = len(store.quarantined)
    try:
        table = load_traits(store)
    except (DataSourceError, OSError, ValueError) as error:
        st.warning(
            t(
                "The traits file imported on the Data page could not be read: {error}",
                error=escape_markdown(tr(error)),
            )
        )
        return None
    for damage, target in store.quarantined[before:]:
        st.warning(
            t(
                "The traits file imported on the Data page ({file}) was damaged ({problem}): "
                "it was moved aside to {target}. Import a traits file again on the Data page.",
                file=escape_markdown(damage.file),
                problem=escape_markdown(damage.problem),
                target=escape_markdown(str(target)),
            )
        )
    del store.quarantined[before:]
    return table


def render_traits_import(store: Store) -> None:
    """Upload, check and save a trait file; say which table the studies will use."""
    st.subheader(t("Traits file"))
    st.caption(
        t(
            "A CSV or Excel table with a symbol column (symbol, code, 代码, 证券代码: 600030, "
            "600030.SH or sh.600030) and one column per trait (an SOE flag, leverage, "
            "northbound holding, …): numbers, or yes/no (true/false, 1/0, 是/否) read as 1/0. "
            "The cross-sectional regression of CARs can use them as regressors."
        )
    )
    saved = saved_traits(store)
    if saved is not None:
        st.caption(
            t(
                "Traits kept for studies: {firms} firm(s), {n} trait(s), from {name}.",
                firms=len(saved.frame),
                n=len(saved.traits),
                name=escape_markdown(saved.source),
            )
        )
    round_number = st.session_state.get("import_traits_round", 0)
    upload = st.file_uploader(
        t("Traits file (CSV or Excel)"),
        type=["csv", "txt", "xlsx", "xls"],
        key=f"import_traits_file_{round_number}",
    )
    if upload is None:
        return
    try:
        check_file_size(upload.size, f"file {upload.name}")  # before reading it into memory
        table = parse_trait_file(upload.getvalue(), upload.name)
    except DataSourceError as error:
        st.error(escape_markdown(tr(error)))
        return
    for note in table.notes:
        st.caption(escape_markdown(tr(note)))
    st.dataframe(
        table.frame.head(PREVIEW_ROWS).reset_index(),
        hide_index=True,
        key=f"import_traits_preview_{upload.file_id}",
    )
    if st.button(t("Save the traits for studies"), key="import_traits_save"):
        save_traits(table, store)
        layout.flash(
            "success",
            t(
                "Traits saved: {firms} firm(s), {n} trait(s) from {name}.",
                firms=len(table.frame),
                n=len(table.traits),
                name=escape_markdown(upload.name),
            ),
        )
        if saved is not None:
            layout.flash(
                "info",
                t(
                    "The traits from {name} they replace were kept in the data directory "
                    "(store/traits/replaced).",
                    name=escape_markdown(saved.source),
                ),
            )
        st.session_state["import_traits_round"] = round_number + 1  # empties the uploader
        st.rerun()
