"""The URL keeps every choice: every widget on every page, changed, survives a shared link.

The widgets are *found*, not listed: each page is opened with AppTest and every widget on it
(main area and sidebar) is enumerated. Each one not in :data:`NO_VIEW_STATE` is set to another
value; the URL must change, and a new session opened with that URL alone must show every
widget of the page with the same value. A widget added later without a URL parameter (or whose
parameter does not seed it back) fails here without anyone updating this file.
"""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
from streamlit.testing.v1.element_tree import Widget

from tests.apptest_helpers import PAGES, make_app, open_sections

#: Widgets that hold no view state, by key (or key prefix ending in "*"): actions and the
#: inputs of an action, which a link must never repeat. Everything else must be in the URL.
NO_VIEW_STATE = {
    "study_add_segment": "adds a segment's instruments to the picker, then clears itself",
    "add_*": "the Policies page's add-a-measure form",
    "FormSubmitter:*": "a form's submit button",
    "fetch_symbols*": "which series to fetch from akshare (an action's input)",
    "constituents_index": "which index's firms to fetch (an action's input)",
    "import_*": "the Data page's import options and files",
    "delete_*": "which series to remove, and its confirmation",
    "calendar_*": "the trading-calendar fetch",
    "study_bhar_*": "the Event study's long-horizon options: drawn only inside its expander, "
    "which a link does not open (like the other expanders' open state); a computation's inputs",
    "xsec_trait_file": "a trait file uploaded for this session (an action's input)",
    "study_forest_*": "the forest plot's window, test and order: view choices inside a section "
    "drawn only when opened (pages/forest.py), which a link does not open",
    "themes_forest_*": "the Themes forest plot's order, inside a section drawn only when opened",
}
#: Widget types that never hold view state.
ACTION_TYPES = {"button", "download_button", "file_uploader", "chat_input", "form_submit_button"}
#: A richer starting URL where a page's defaults leave a widget with a single choice (the
#: placebo series picker lists the chosen instruments).
BASE_PARAMS = {
    "pages/event_study.py": {
        "measures": "chinext-first-listings-2020",
        # enough pairs for the cross-sectional regression's widgets (its traits vary)
        "instruments": "399006.SZ,000688.SH,399393.SZ,399809.SZ,399975.SZ,801193.SI",
        "xsec": "beta,past_return",  # two regressors: the scatter offers a choice
    },
}
#: A search text that finds measures.
TEXT_VALUE = "ChiNext"


def _excluded(widget) -> bool:
    if widget.type in ACTION_TYPES:
        return True
    for pattern in NO_VIEW_STATE:
        if pattern.endswith("*") and str(widget.key).startswith(pattern[:-1]):
            return True
        if widget.key == pattern:
            return True
    return False


def _walk(node):
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            yield from _walk(child)
    else:
        yield node


def view_widgets(at) -> dict:
    """Every widget of the page that holds view state, by key, in page order (main area, then
    sidebar). A widget without a key cannot be found again in another session: it fails."""
    found = {}
    for node in _walk(at._tree):
        if not isinstance(node, Widget) or _excluded(node):
            continue
        assert node.key, f"a {node.type} ({getattr(node, 'label', '')!r}) has no key"
        found[node.key] = node
    return found


def _values(at) -> dict:
    return {key: widget.value for key, widget in view_widgets(at).items()}


def _raw_options(at, widget) -> list:
    """The options a select-like widget was given (AppTest keeps only their labels; the
    widget's deserializer, registered in the session, holds the values)."""
    metadata = at._session_state._state._new_widget_state.widget_metadata[widget.id]
    return list(metadata.deserializer.__self__.options)


def _step(value):
    if isinstance(value, dt.date):
        return dt.timedelta(days=1)
    return 1


def other_value(at, widget):
    """A value of ``widget`` other than its current one, that the page accepts."""
    value = widget.value
    if widget.type in ("checkbox", "toggle"):
        return not value
    if widget.type == "text_input":
        return TEXT_VALUE if value != TEXT_VALUE else TEXT_VALUE.lower()
    if widget.type == "slider":
        if isinstance(value, tuple | list):
            low, high = value
            return (low + _step(low), high) if low + _step(low) <= high else (low, high - 1)
        return value + _step(value)
    if widget.type in ("selectbox", "radio", "button_group"):
        others = [option for option in _raw_options(at, widget) if option != value]
        assert others, f"{widget.key} offers one choice: give its page a richer BASE_PARAMS"
        return others[0]
    if widget.type == "multiselect":
        options, current = _raw_options(at, widget), list(value)
        new = [option for option in options if option not in current]
        assert new, f"{widget.key}: every option is chosen"
        # replace the last choice (a widget that shows per-choice parts keeps their number)
        return [*current[:-1], new[0]] if current else new[:1]
    raise AssertionError(f"teach this test to change a {widget.type} ({widget.key})")


@contextlib.contextmanager
def open_link(page: str, params: dict):
    """A new session opening ``page`` with the URL parameters ``params`` (and nothing else)."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        if page == PAGES[0]:
            at = make_app(monkeypatch, record_downloads=False, query_params=params)
        else:
            # AppTest must run the app once before switching pages: run it on a bare URL
            at = make_app(monkeypatch, record_downloads=False)
            at.query_params.clear()
            at.query_params.update(params)
            open_sections(at)  # the widgets of the Event study's closed sections too
            at.switch_page(page)
            at.run()
        assert not at.exception, [e.value for e in at.exception]
        yield at


def test_every_widget_on_every_page_round_trips_through_the_url(data_dir):
    tested, round_tripped = set(), []
    for page in PAGES:
        with open_link(page, BASE_PARAMS.get(page, {})) as base:
            # downstream widgets first: changing an upstream one (the measures) may replace
            # the widgets after it (the instruments picker of those measures)
            keys = [key for key in reversed(view_widgets(base)) if key not in tested]
        for key in keys:
            with open_link(page, BASE_PARAMS.get(page, {})) as at:
                before = dict(at.query_params)
                widget = view_widgets(at)[key]
                wanted = other_value(at, widget)
                widget.set_value(wanted).run()
                assert not at.exception, (key, [e.value for e in at.exception])
                assert view_widgets(at)[key].value == wanted, f"{page}: {key} did not take {wanted}"
                link = dict(at.query_params)
                assert link != before, f"{page}: changing {key} left the URL as it was: {link}"
                expected = _values(at)
            with open_link(page, link) as shared:
                assert not [w.value for w in shared.warning if "URL parameter" in w.value]
                assert _values(shared) == expected, (page, key, link)
            tested.add(key)
            round_tripped.append(f"{page}:{key}")
    # the enumeration does find the pages' widgets (sidebar ones are tested once)
    for key in (
        "language",
        "theme_filter",
        "include_unverified",
        "overview_range",
        "policies_search",
        "study_car_window",
        "study_clean_estimation",
        "study_attribute_suspensions",
        "study_market_wide",
        "study_placebo_series",
        "themes_cell",
        "xsec_regressors",
        "xsec_dependent",
        "xsec_cov",
        "xsec_window",
        "xsec_scatter",
    ):
        assert key in tested, (key, round_tripped)
