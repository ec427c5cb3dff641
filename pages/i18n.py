"""中文 / English for every label, axis and message of the dashboard.

Texts are written in English in the page code and wrapped in :func:`t`; the Chinese for each is
in :data:`ZH` (``tests/test_i18n.py`` checks that every wrapped text has one). Placeholders use
``str.format`` names: ``t("Fetched {n} series", n=3)``. CSV column names stay English
snake_case in both languages (documented on the Method page).
"""

from __future__ import annotations

import streamlit as st

LANGUAGES = {"en": "English", "zh": "中文"}


def language() -> str:
    return st.session_state.get("language", "en")


def t(text: str, **values) -> str:
    """``text`` in the current language, with ``values`` filled in."""
    translated = ZH.get(text, text) if language() == "zh" else text
    return translated.format(**values) if values else translated


ZH: dict[str, str] = {}
