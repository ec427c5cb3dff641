"""What a person reads on a rendered page, and which of it is English: shared by the 中文
tests (tests/test_zh_everywhere.py, tests/test_zh_browser.py).

:func:`page_texts` walks an AppTest's element tree and collects every text shown: titles,
headers, markdown, captions, alert bodies, widget labels, help, placeholders and option labels,
metric labels, tab and expander labels, dataframe column labels (column_config, else the column
name) and string cells, and the titles, axis titles and trace names of Plotly figures.
:func:`english_sentences` finds English in one text: two or more English words in a row, once
codes (symbols, ids, CSV column and file names, formulas, code spans, URLs) and the proper
names in :data:`WHITELIST` are taken out.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pandas as pd

from data_sources.prices import ADJUSTMENTS

#: Proper names and abbreviations that stay as they are in 中文 (shown beside Chinese text).
WHITELIST = (
    "SYNTHETIC DEMO DATA",
    "SYNTHETIC DEMO",
    "Kolari–Pynnönen",
    "Patell Z",
    "Language / 语言",  # the language switch names itself in both languages
    "English",
    "Public Law",  # a US law's number, as its citation writes it ("Public Law 116-222")
    "statsmodels",
)
#: Codes that look like English words: CSV column values written in the store and in the CSVs
#: (diagnostics ``status``, adjustment names), documented as such on the Method page.
CODE_VALUES = (
    *sorted(ADJUSTMENTS, key=len, reverse=True),
    "vendor-adjusted (hfq/qfq)",
    "unadjusted price",
)

_CODE = re.compile(
    r"`[^`]*`"  # code spans
    r"|https?\W{0,3}://\S+"  # URLs (a link shown as text has a word joiner after https)
    r"|\S+\.(?:csv|json|yaml|yml|py|zip|xlsx|txt|parquet)\b"  # file names
    r"|\b\w*_\w*\b"  # snake_case names (CSV columns, statistics like kp_bmp_t)
    r"|\b[\w.]*\d[\w.]*\b"  # anything with a digit (symbols, dates, t0, ids with a year)
    r"|\b[a-z]+(?:-[a-z]+)+\b"  # kebab-case ids and codes (constant-mean, market-adjusted)
    r"|\bpython -m [\w. -]+"  # commands
    r"|\b[A-Z][A-Z&]{1,5}s?\b"  # abbreviations and codes (CSI, CAR, BMP, OLS, STAR, BRK, M&A)
)
CJK = re.compile(r"[\u4e00-\u9fff]")
_WORD = re.compile(r"[A-Za-z]{2,}")
#: Two or more English words in a row (spaces, commas or an apostrophe between them), at least
#: two of them three letters or longer: a phrase, not an abbreviation (CAR, CSI, BMP).
_RUN = re.compile(r"[A-Za-z]{2,}(?:[ ,;:'’()/]{1,3}[A-Za-z]{2,})+")


def english_sentences(text: str) -> list[str]:
    """The English phrases left in ``text`` once codes and proper names are removed."""
    cleaned = str(text).replace("\\", "")  # markdown escapes
    for phrase in (*WHITELIST, *CODE_VALUES):
        cleaned = cleaned.replace(phrase, " ")
    cleaned = _CODE.sub(" ", cleaned)
    found = []
    for run in _RUN.finditer(cleaned):
        words = _WORD.findall(run.group())
        if sum(len(word) >= 3 for word in words) >= 2:
            found.append(run.group())
    return found


def _figure_texts(spec: str) -> Iterator[str]:
    figure = json.loads(spec)
    layout = figure.get("layout", {})

    def title(value) -> str:
        return value.get("text", "") if isinstance(value, dict) else str(value or "")

    yield title(layout.get("title"))
    for name, value in layout.items():
        if name.startswith(("xaxis", "yaxis")) and isinstance(value, dict):
            yield title(value.get("title"))
            yield from (str(v) for v in value.get("ticktext", []) or [])
        if name == "coloraxis" and isinstance(value, dict):
            yield title(value.get("colorbar", {}).get("title"))
    for annotation in layout.get("annotations", []) or []:
        yield str(annotation.get("text", ""))
    for trace in figure.get("data", []):
        if trace.get("showlegend", True) is not False:
            yield str(trace.get("name", "") or "")
        yield title((trace.get("colorbar") or {}).get("title"))
        for axis in ("x", "y"):
            values = trace.get(axis)
            if isinstance(values, list) and values and all(isinstance(v, str) for v in values):
                yield from values  # category labels (heat-map rows and columns)


def _vega_texts(spec: str) -> Iterator[str]:
    """The texts of a Vega-Lite spec a person reads: titles (chart, axes, legends, panels'
    headers) and tooltip labels; the data are checked where they come from (catalogue,
    labels)."""

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "title" and isinstance(value, str):
                    yield value
                elif key == "title" and isinstance(value, dict):
                    yield str(value.get("text", ""))
                else:
                    yield from walk(value)
        elif isinstance(node, list):
            for item in node:
                yield from walk(item)

    yield from walk(json.loads(spec))


def _dataframe_texts(element) -> Iterator[str]:
    proto = element.proto
    config = json.loads(proto.columns) if proto.columns else {}
    frame: pd.DataFrame = element.value
    for column in frame.columns:
        settings = config.get(str(column), {})
        if settings.get("hidden"):
            continue
        yield str(settings.get("label", column))
        if settings.get("help"):
            yield settings["help"]
        if not pd.api.types.is_numeric_dtype(frame[column]):
            yield from (v for v in frame[column].dropna().unique() if isinstance(v, str))


def page_texts(at) -> Iterator[tuple[str, str]]:
    """``(where, text)`` for every text a person reads on the page AppTest ``at`` rendered."""

    def walk(node):
        yield node
        for child in getattr(node, "children", {}).values():
            yield from walk(child)

    for node in walk(at._tree):
        proto = getattr(node, "proto", None)
        if proto is None:
            continue
        kind = type(node).__name__
        name = proto.DESCRIPTOR.name
        if name == "Dataframe":
            yield from ((f"{kind} {proto.id}", text) for text in _dataframe_texts(node))
            continue
        if name == "PlotlyChart":
            yield from ((f"chart {proto.id}", text) for text in _figure_texts(proto.spec))
            continue
        if name == "VegaLiteChart":
            yield from ((f"chart {proto.id}", text) for text in _vega_texts(proto.spec))
            continue
        if name in ("Code", "Html"):
            continue  # commands and code shown as code; style sheets
        where = f"{kind} {getattr(proto, 'id', '') or getattr(proto, 'label', '')}"[:80]
        for field, value in proto.ListFields():
            if field.name in ("label", "help", "placeholder", "body", "caption", "value"):
                if isinstance(value, str):
                    yield where, value
            elif field.name == "options":
                for option in value:
                    yield where, option if isinstance(option, str) else option.content
            elif field.name == "delta" and isinstance(value, str):
                yield where, value


# -- English that stays English on purpose ----------------------------------------------------

#: In 中文, catalogue text that exists only in English follows this lead-in (pages.formatting).
LEAD_IN = "（英文原文）"
#: The Method page's references (AppTest: the markdown block that starts with the first one;
#: the browser: the container with the key "references").
REFERENCES_START = "- Campbell, J. Y., Lo, A. W. & MacKinlay, A. C. (1997)"


def _catalogue_english() -> list[str]:
    """The shipped catalogue's English-only texts (expected-sign reasons, notes, timing
    evidence), longest first."""
    from analysis import framing
    from data_sources.catalogue import shipped_catalogue

    texts = set()
    for row in shipped_catalogue().to_dict("records"):
        texts.update(reason for _, reason in framing.expected_signs(row).values() if reason)
        for field in ("note", "timing_evidence"):
            if isinstance(row.get(field), str) and row[field]:
                texts.add(row[field])
    return sorted(texts, key=len, reverse=True)


def _english_source_titles() -> list[str]:
    """Titles of catalogue documents that have no Chinese title (published in English)."""
    from data_sources.catalogue import shipped_catalogue

    titles = set()
    for documents in shipped_catalogue()["documents"]:
        for document in documents or ():
            fields = dict(document)
            if fields.get("title_en") and not fields.get("title_zh"):
                titles.add(fields["title_en"])
    return sorted(titles, key=len, reverse=True)


CATALOGUE_ENGLISH = _catalogue_english()
ENGLISH_SOURCE_TITLES = _english_source_titles()


def unexplained_english(text: str) -> list[str]:
    """The English phrases of ``text`` outside the whitelist: catalogue English-only text right
    after the lead-in, titles of sources published in English, the references."""
    shown = str(text).replace("\\", "")  # markdown escapes
    if shown.startswith(REFERENCES_START):
        return []
    for original in CATALOGUE_ENGLISH:
        shown = shown.replace(LEAD_IN + original, LEAD_IN)
    for title in ENGLISH_SOURCE_TITLES:
        shown = shown.replace(title, " ")
    return english_sentences(shown)


def leaks(at) -> dict[str, list[str]]:
    """``{where: text → English phrases}`` for every text of the page AppTest ``at`` rendered
    with English outside the whitelist."""
    found = {}
    for where, text in page_texts(at):
        phrases = unexplained_english(text)
        if phrases:
            found[f"{where}: {str(text)[:200]}"] = phrases
    return found
