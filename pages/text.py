"""User text shown as text: escaping for Streamlit markdown and Plotly, and safe links.

Titles, notes, key phrases, ids, file names, series names and URL values are written by users
(or arrive in a link someone pasted). Streamlit renders every ``st.markdown``/``st.caption``/
``st.info``/… body and every widget label as GitHub-flavoured markdown with LaTeX (``$…$``),
colour directives (``:red[…]``) and images; Plotly renders hover texts, trace names and titles as
a small HTML subset (``<a href>``, ``<b>``, ``<br>``). So a title such as
``![x](http://host/p.png)`` would load an image from an outside host. Every user value passes
through one of these helpers before it reaches such an element.

No library covers this mix (CommonMark escapes plus remark-math's ``$`` plus Streamlit's
directives), so the rule is the simplest complete one: CommonMark lets a backslash escape *any*
ASCII punctuation character, and escaping all of them leaves no syntax at all.
"""

from __future__ import annotations

import html
import re
import string
import urllib.parse

#: Every ASCII punctuation character but quotes and the comma (which mean nothing outside a
#: link title or an HTML attribute, both already broken up): each may be backslash-escaped in
#: CommonMark, and the escaped character is always shown literally (``\$`` also stops
#: remark-math, ``\:`` Streamlit's ``:red[…]`` directives and emoji codes).
_PUNCTUATION = re.compile(
    "([" + re.escape("".join(sorted(set(string.punctuation) - set("'\",")))) + "])"
)
#: Line breaks (incl. Unicode ones) and other control characters: a newline could start a heading,
#: a list or a block quote, so user text is shown on one line.
_BREAKS = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]+")


def one_line(value) -> str:
    """``value`` as text on one line (line breaks and control characters become one space)."""
    return _BREAKS.sub(" ", "" if value is None else str(value)).strip()


#: Where GitHub's autolink-literal extension would turn text into a link: ``http://``,
#: ``https://``, ``www.`` and e-mail addresses. It runs on the parsed text, after backslash
#: escapes are resolved, so escaping cannot stop it; an invisible word joiner (U+2060) inside
#: the pattern does.
_AUTOLINK = re.compile(r"(?i)(?<=https)(?=:)|(?<=http)(?=:)|(?<=www)(?=\.)|(?<=@)")
WORD_JOINER = "\u2060"


def escape_markdown(value) -> str:
    """``value`` so that Streamlit markdown shows it literally: no markdown, no LaTeX, no HTML,
    no directives, no images or links (autolinks included), no headings or lists, on one
    line."""
    return _PUNCTUATION.sub(r"\\\1", _AUTOLINK.sub(WORD_JOINER, one_line(value)))


def code(value) -> str:
    """``value`` as an inline code span that its own backticks cannot close (CommonMark: a span
    opened by n backticks closes only at a run of exactly n)."""
    text = one_line(value)
    runs = [len(run) for run in re.findall(r"`+", text)]
    fence = "`" * (max(runs, default=0) + 1)
    padding = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{padding}{text}{padding}{fence}"


def escape_plotly(value) -> str:
    """``value`` for a Plotly title, trace name, hover text or annotation: its HTML subset is
    shown as text (``<a href>`` would otherwise become a live link)."""
    return html.escape(one_line(value), quote=False)


#: Characters kept as they are in a link; everything else is percent-encoded (so no ``(``, ``)``,
#: ``<``, ``>``, quotes, spaces, ``$`` or brackets can end or change a markdown link).
_URL_SAFE = "/:@?&=+,;%~-._#"


def safe_url(value) -> str | None:
    """A percent-encoded absolute http(s) URL, or None when ``value`` is not one."""
    text = "" if value is None else str(value).strip()
    if not text or _BREAKS.search(text) or any(c.isspace() for c in text):
        return None
    try:
        parts = urllib.parse.urlsplit(text)
        port = parts.port  # raises ValueError on a malformed port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    if parts.username is not None or parts.password is not None:
        return None  # "https://www.csrc.gov.cn@evil.example/" names a different host
    try:
        host = parts.hostname.encode("idna").decode("ascii")  # 中文 domains in punycode
    except UnicodeError:
        return None
    if not re.fullmatch(r"[A-Za-z0-9.-]+", host):
        return None  # an IPv6 literal or anything odd is not offered as a link
    netloc = host if port is None else f"{host}:{port}"

    def encode(part: str) -> str:
        return urllib.parse.quote(part, safe=_URL_SAFE)

    return urllib.parse.urlunsplit(
        (
            parts.scheme.lower(),
            netloc,
            encode(parts.path),
            encode(parts.query),
            encode(parts.fragment).replace("#", "%23"),
        )
    )


def markdown_link(text, url, limit: int = 70) -> str:
    """A markdown link whose text is escaped and whose target is a checked, percent-encoded
    http(s) URL; only the escaped text when the URL is not one."""
    shown = one_line(text)
    if len(shown) > limit:
        shown = shown[: limit - 1] + "…"
    target = safe_url(url)
    if target is None:
        return escape_markdown(shown)
    return f"[{escape_markdown(shown)}]({target})"
