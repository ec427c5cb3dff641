"""Render a Streamlit markdown body the way a browser would show it, with an independent
CommonMark renderer (markdown-it-py, GFM tables/strikethrough, plus mdit-py-plugins' dollar
math, standing in for remark-math): tests assert on what a reader sees, not on escape syntax."""

from __future__ import annotations

import html
import re

from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin

_RENDERER = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(
    ["table", "strikethrough"]
)
dollarmath_plugin(_RENDERER, allow_space=True, allow_digits=True)
#: Streamlit's own inline syntax on top of markdown: colour/background directives, icons.
_DIRECTIVE = re.compile(
    r":(?:red|orange|yellow|green|blue|violet|gray|grey|rainbow|primary)"
    r"(?:-background)?\[|:material/\w+:"
)


def render(body: str) -> str:
    """The HTML a CommonMark + dollar-math renderer makes of ``body``."""
    return _RENDERER.render(body)


def shown(body: str) -> str:
    """The text a reader sees (tags dropped, entities decoded)."""
    return html.unescape(re.sub(r"<[^>]+>", "", render(body))).strip()


def injected(body: str, allowed_tags=("p", "strong", "em", "code", "h4", "h5", "br", "ul", "li")):
    """What in ``body`` is markup a user value could have brought: any tag outside
    ``allowed_tags`` (images, links, headings, math, raw HTML) or a Streamlit directive left in
    the shown text. Empty when the body shows user text as text."""
    found = [
        tag
        for tag in re.findall(r"<\s*([a-zA-Z0-9]+)", render(body))
        if tag.lower() not in allowed_tags
    ]
    # Code spans show their content literally, in Streamlit too: look only outside them.
    outside_code = re.sub(r"(`+).*?(?<!`)\1(?!`)", "", body)
    # GitHub's autolink literals (Streamlit renders them; this renderer has them off): a bare
    # http(s)://, www. or e-mail address becomes a live link
    found += re.findall(r"(?i)\bhttps?://|\bwww\.|[\w.+-]+@[\w-]+\.\w", shown(outside_code))
    # an unescaped directive survives CommonMark as text; Streamlit would render it
    found += [match.group(0) for match in _DIRECTIVE.finditer(outside_code)]
    return found


def markdown_bodies(at) -> list[str]:
    """Every markdown body and widget label of the last run (main area and sidebar)."""
    bodies = []
    for kind in ("markdown", "caption", "info", "warning", "error", "success", "title"):
        bodies += [element.value for element in getattr(at, kind)]
    for kind in ("text_input", "selectbox", "multiselect", "checkbox", "toggle", "slider"):
        bodies += [widget.label for widget in getattr(at, kind)]
    return bodies
