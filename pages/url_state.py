"""URL state: every selection is mirrored in the URL (``st.query_params``).

A view can be bookmarked and shared. A parameter seeds its widget when the URL brings a value
this session has not seen (a pasted link, a link from another page); afterwards the widget
writes its value back. A value that does not fit is ignored with a message naming the
parameter, never an exception. :func:`keep_valid` drops a remembered value a widget no longer
offers.
"""

from __future__ import annotations

import streamlit as st

from pages.i18n import t
from pages.text import code, escape_markdown


def _url_seen() -> dict:
    return st.session_state.setdefault("_url_seen", {})


def url_problems() -> list[str]:
    return st.session_state.setdefault("_url_problems", [])


def seed_from_url(key: str, param: str, *, options=None, multi=False, parse=str, check=None):
    """Set ``st.session_state[key]`` from ``?param=`` when the URL brings a new value.

    ``multi`` values are comma-separated; each is converted with ``parse`` and must be one of
    ``options`` (when given); ``check(value)`` may raise ``ValueError`` with a reason.
    """
    raw = st.query_params.get(param)
    if raw is None or _url_seen().get(param) == raw:
        return
    _url_seen()[param] = raw
    try:
        parts = [part.strip() for part in raw.split(",") if part.strip()] if multi else [raw]
        values = [parse(part) for part in parts]
        if options is not None:
            unknown = [value for value in values if value not in options]
            if unknown:
                raise ValueError(_not_a_choice(unknown[0], options))
        value = values if multi else values[0]
        if check is not None:
            check(value)
    except (ValueError, TypeError, IndexError) as error:
        # The value and the reason (which may quote it) are text, never markdown.
        url_problems().append(
            t(
                "URL parameter {setting} was ignored: {error}.",
                setting=code(f"{param}={raw}"),
                error=escape_markdown(error),
            )
        )
        return
    st.session_state[key] = value


def _as_url_value(value) -> str:
    """A value as a URL writes it: a pair as ``a,b``, not a Python tuple."""
    if isinstance(value, tuple | list):
        return ",".join(str(part) for part in value)
    return str(value)


#: Up to this many choices are listed in the message about a value that is not one of them.
LISTED_CHOICES = 12


def _not_a_choice(value, options) -> str:
    options = list(options)
    if len(options) <= LISTED_CHOICES:
        return t(
            "{value} is not one of the choices ({choices})",
            value=repr(_as_url_value(value)),
            choices=" | ".join(_as_url_value(option) for option in options),
        )
    return t("{value} is not one of the choices", value=repr(_as_url_value(value)))


def write_to_url(param: str, value) -> None:
    """Mirror a widget's value in the URL (see :func:`write_all_to_url`)."""
    write_all_to_url({param: value})


def write_all_to_url(values: dict) -> None:
    """Mirror several values in the URL at once: one message to the browser for all that
    changed (each change of the URL is a message, and the browser updates its address for
    each). A list or tuple is written as a comma-separated list; ``None`` removes the
    parameter."""
    changed = {}
    for param, value in values.items():
        if value is None:
            st.query_params.pop(param, None)
            _url_seen().pop(param, None)
            continue
        raw = _as_url_value(value)
        if st.query_params.get(param) != raw:
            changed[param] = raw
        _url_seen()[param] = raw
    if changed:
        st.query_params.update(changed)


def show_url_problems() -> None:
    for problem in st.session_state.pop("_url_problems", []):
        st.warning(problem, icon=":material/link_off:")


def parse_flag(text: str) -> bool:
    """``"1"``/``"true"``/``"yes"``/``"on"`` → True, the opposites → False."""
    if text.lower() in ("1", "true", "yes", "on"):
        return True
    if text.lower() in ("0", "false", "no", "off"):
        return False
    raise ValueError(t("use 1 or 0"))


def flag(value: bool) -> str:
    """How an on/off choice is written in the URL (read back by :func:`parse_flag`)."""
    return "1" if value else "0"


def parse_int_pair(text: str) -> tuple[int, int]:
    """``"-250,-11"`` → (-250, -11)."""
    parts = text.split(",")
    if len(parts) != 2:
        raise ValueError(t("write two whole numbers separated by a comma, e.g. -5,5"))
    try:
        return int(parts[0]), int(parts[1])
    except ValueError:
        raise ValueError(t("write two whole numbers separated by a comma, e.g. -5,5")) from None


def ordered_within(low: int, high: int):
    """A check for :func:`seed_from_url`: a pair inside [low, high], first ≤ second."""

    def check(pair) -> None:
        if not (low <= pair[0] <= pair[1] <= high):
            raise ValueError(
                t(
                    "both numbers must lie in {low}…{high}, the first ≤ the second",
                    low=low,
                    high=high,
                )
            )

    return check


def keep_valid(key: str, options, fallback=None, multi: bool = False) -> None:
    """Before drawing a widget whose options depend on other choices (or on what is stored),
    drop a remembered value that is no longer offered, so the widget falls back cleanly
    instead of failing."""
    if key not in st.session_state:
        return
    value = st.session_state[key]
    if multi:
        kept = [item for item in (value or []) if item in options]
        if kept != list(value or []):
            st.session_state[key] = kept or (fallback if fallback is not None else [])
    elif value not in options:
        if fallback is None:
            del st.session_state[key]
        else:
            st.session_state[key] = fallback
