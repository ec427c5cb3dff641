"""Colours for up and down: which colour marks a positive return and which a negative one.

Three schemes, chosen in the sidebar (``?colours=`` in the URL):

- ``"green-up"``: the international convention, up green and down red (the default in English).
- ``"red-up"``: the convention of Chinese markets, up red (红涨) and down green (绿跌); the
  default in 中文, where a green number reads as a loss.
- ``"colour-blind"``: up blue, down vermillion (Okabe & Ito, "Color Universal Design", 2008).
  Red against green is the pair people with deuteranopia or protanopia (about 1 man in 12)
  cannot tell apart, in either order; blue against vermillion differs in hue *and* lightness
  for them and for tritanopes alike, and survives printing in grey.

Until the user picks a scheme, the language decides (中文 → red-up, English → green-up); a
scheme the user picked (in the sidebar or through a link) is kept when the language changes.
Figures built from these colours are cached with :func:`scheme` in their key.
"""

from __future__ import annotations

import streamlit as st

from analysis import palette
from pages.i18n import language, t

#: Session-state key of the current scheme (the sidebar control's key).
KEY = "colours"
#: Set once the user has picked a scheme (the control, or a ``?colours=`` link).
_CHOSEN = "_colours_chosen"

#: (up, down) per scheme (analysis/palette.py: the report draws the same).
_UP_DOWN = palette.UP_DOWN
SCHEMES = tuple(_UP_DOWN)
#: The middle of every diverging scale: no change reads as (almost) no colour.
NEUTRAL = "#F7F7F7"


def default_scheme(lang: str | None = None) -> str:
    """The scheme a language starts with: red-up in 中文, green-up otherwise."""
    return "red-up" if (lang or language()) == "zh" else "green-up"


def scheme() -> str:
    """The current scheme: the session's (set by :func:`prepare` before any page draws), else
    the default of the current language."""
    value = st.session_state.get(KEY)
    return value if value in _UP_DOWN else default_scheme()


def _pick(name: str | None) -> str:
    return name if name in _UP_DOWN else scheme()


def up_colour(name: str | None = None) -> str:
    """The colour of a rise under scheme ``name`` (default: the current scheme)."""
    return _UP_DOWN[_pick(name)][0]


def down_colour(name: str | None = None) -> str:
    """The colour of a fall under scheme ``name`` (default: the current scheme)."""
    return _UP_DOWN[_pick(name)][1]


def sign_colours(values, name: str | None = None) -> list[str]:
    """One colour per value: the up colour for a value ≥ 0, the down colour below 0 (a missing
    value gets the neutral grey)."""
    up, down = up_colour(name), down_colour(name)
    return [up if value >= 0 else down if value < 0 else NEUTRAL for value in values]


def diverging_scale(name: str | None = None) -> list[list]:
    """A Plotly colorscale from the down colour (lowest) through light grey (middle) to the up
    colour (highest); centre it on zero with ``zmid=0``."""
    return [[0.0, down_colour(name)], [0.5, NEUTRAL], [1.0, up_colour(name)]]


def text_style(value, name: str | None = None) -> str:
    """CSS for a return in a table (pandas ``Styler.map``): its sign's colour, nothing when
    zero or missing."""
    try:
        if value > 0:
            return f"color: {up_colour(name)}"
        if value < 0:
            return f"color: {down_colour(name)}"
    except TypeError:
        pass
    return ""


#: Tables longer than this are shown without colours: Streamlit renders a Styler's display
#: value of every cell (about 40 ms per 100 rows of the CAR table, 0.25 s per 1,000).
STYLED_ROWS_LIMIT = 100


def style_returns(frame, columns):
    """``frame`` as a pandas Styler whose ``columns`` (returns) are coloured by sign; formats
    stay with ``st.column_config`` (it takes precedence over the Styler's). A frame longer
    than :data:`STYLED_ROWS_LIMIT` is returned as it is."""
    if len(frame) > STYLED_ROWS_LIMIT:
        return frame
    present = [column for column in columns if column in frame.columns]
    current = scheme()
    return frame.style.map(lambda value: text_style(value, current), subset=present)


def sign_legend(name: str | None = None) -> str:
    """The up and down colours of scheme ``name`` in words, e.g. "red up, green down" (plain
    words: the pages' markdown checks allow no colour directives)."""
    words = {
        "red": t("red"),
        "green": t("green"),
        "blue": t("blue"),
        "orange": t("orange"),
    }
    up, down = {
        "green-up": ("green", "red"),
        "red-up": ("red", "green"),
        "colour-blind": ("blue", "orange"),
    }[_pick(name)]
    return t("{up} up, {down} down", up=words[up], down=words[down])


def labels() -> dict[str, str]:
    """The control's label of each scheme, in the current language."""
    return {
        "green-up": t("Green up, red down"),
        "red-up": t("Red up, green down (China)"),
        "colour-blind": t("Blue up, orange down (colour-blind safe)"),
    }


def prepare() -> None:
    """Before the sidebar draws: take a scheme from ``?colours=`` (a user's choice), else keep
    the user's earlier choice, else follow the language. Call after the language is known."""
    from pages.url_state import seed_from_url

    seed_from_url(KEY, "colours", options=list(SCHEMES))
    if st.query_params.get("colours") in _UP_DOWN:
        # Only a user's choice is written to the URL (see :func:`write_back`), so a valid
        # value there is one: from this session, or from a shared link.
        st.session_state[_CHOSEN] = True
    if not st.session_state.get(_CHOSEN) or st.session_state.get(KEY) not in _UP_DOWN:
        st.session_state[KEY] = default_scheme()


def mark_chosen() -> None:
    """``on_change`` of the control: from now on the scheme no longer follows the language."""
    st.session_state[_CHOSEN] = True


def chosen() -> str | None:
    """The scheme the user picked, or ``None`` while the language decides (the URL value)."""
    return scheme() if st.session_state.get(_CHOSEN) else None
