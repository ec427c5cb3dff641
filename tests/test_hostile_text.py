"""User text shown as text (issue 11 items 9, 12, 13): the escaping helpers, every page with
hostile measures and URL values, the Data page's uploads and the language switch."""

from __future__ import annotations

import pytest
import yaml

from pages.text import WORD_JOINER, code, escape_markdown, escape_plotly, markdown_link, safe_url
from tests.apptest_helpers import goto, vega_charts
from tests.markdown_render import injected, markdown_bodies, render, shown

#: Markdown, LaTeX, HTML and Streamlit directives a user could type into one line of text.
HOSTILE = [
    "![x](http://127.0.0.1:9/p.png)",
    "Cut $5 to $3 and $x^2$",
    r"\color{red}{alarm} $\color{red}{alarm}$",
    '<img src="http://127.0.0.1:9/i.png"> <a href="http://127.0.0.1:9/a">click</a>',
    "# Heading\n## injected\n- list",
    "line\n===",
    "`code` ``two`` [link](http://127.0.0.1:9/l) <http://127.0.0.1:9/auto>",
    ":red[red] :material/home: **bold** _it_ ~~gone~~ | a | b |",
    "1. one\n> quote\n    indented",
    "&lt;b&gt; &amp; \\ \\\\ \\$",
    "中文标题 ＄全角 〈括号〉",
    "see http://127.0.0.1:9/x, HTTPS://a.b www.example.com or me@example.com",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_escaped_text_renders_as_exactly_that_text_and_nothing_else(value):
    escaped = escape_markdown(value)
    assert "\n" not in escaped
    assert injected(escaped) == [], render(escaped)
    # a reader sees the value itself (on one line), whatever it contains
    assert shown(escaped).replace(WORD_JOINER, "") == " ".join(value.split("\n")).strip()
    # also inside the pages' own markup
    assert injected(f"#### {escaped}\n##### {escaped}", ("h4", "h5")) == []
    assert shown(f"**{escaped}**") == shown(escaped)


def test_the_hostile_strings_do_render_as_markup_unescaped():
    # the checks above could fail: the same strings unescaped bring images, math, headings…
    caught = [value for value in HOSTILE if injected(value)]
    assert len(caught) >= 7, caught


def test_code_span_cannot_be_closed_by_its_own_backticks():
    value = "x`[Session expired, log in again](http://127.0.0.1:9/login)`y"
    assert "<a" in render(f"URL parameter `{value}`")  # the old way: a live link
    rendered = render(f"URL parameter {code(value)}")
    assert "<a" not in rendered and rendered.count("<code>") == 1
    assert shown(code(value)) == value
    assert code("plain") == "`plain`"


def test_plotly_text_is_html_escaped():
    assert escape_plotly('<a href="http://h/">x</a> & <b>') == (
        '&lt;a href="http://h/"&gt;x&lt;/a&gt; &amp; &lt;b&gt;'
    )
    assert escape_plotly("a\nb") == "a b"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.csrc.gov.cn/a.html", "https://www.csrc.gov.cn/a.html"),
        (
            "https://www.csrc.gov.cn/)![u](http://host/p.png)",
            "https://www.csrc.gov.cn/%29%21%5Bu%5D%28http://host/p.png%29",
        ),
        ("http://a.b/c?d=$5&e=<x>#f", "http://a.b/c?d=%245&e=%3Cx%3E#f"),
        ("https://中国.cn/路径", "https://xn--fiqs8s.cn/%E8%B7%AF%E5%BE%84"),
        ("javascript:alert(1)", None),
        ("data:text/html,<b>", None),
        ("https://www.csrc.gov.cn@evil.example/", None),
        ("//evil.example/x", None),
        ("https://a.b/ c", None),
        ("https://a.b/\nc", None),
        ("https://a.b:99999/", None),
        ("", None),
    ],
)
def test_safe_url_keeps_only_http_urls_percent_encoded(url, expected):
    assert safe_url(url) == expected


def test_markdown_link_escapes_its_text_and_refuses_other_schemes():
    link = markdown_link("![x](http://h/p.png)", "https://www.csrc.gov.cn/x_(1)")
    html = render(link)
    assert html.count("<a ") == 1 and "<img" not in html
    assert 'href="https://www.csrc.gov.cn/x_%281%29"' in html
    assert "<a" not in render(markdown_link("see", "javascript:alert(1)"))


# -- the pages ---------------------------------------------------------------------------------
TITLE = (
    'Cut $5 to $3 ![x](http://127.0.0.1:9/p.png) <img src="http://127.0.0.1:9/i.png"> '
    r'<a href="http://127.0.0.1:9/a">click</a> \color{red}{red} :red[alert] `tick'
)
KEY_PHRASE = "**bold** [link](http://127.0.0.1:9/k) $x^2$"
NOTE = "# Heading ![n](http://127.0.0.1:9/n.png) $a$ and $b$"
MEASURE_ID = "hostile-text-measure"


def write_hostile_measure(data_dir) -> None:
    path = data_dir / "catalogue" / "user_measures.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    measure = {
        "id": MEASURE_ID,
        "title_zh": TITLE,
        "title_en": TITLE,
        "announcement_date": "2021-03-01",
        "timing": "before_open",
        "theme": "T2",
        "segments": ["CHN"],
        "key_phrase": KEY_PHRASE,
        # the catalogue refuses parentheses in a source URL; safe_url's own handling of them is
        # tested above, here the link must keep the stored encoding (no double encoding)
        "source_url": "https://www.csrc.gov.cn/a_%28b%29",
        "confidence": "verified",
        "note": NOTE,
    }
    path.write_text(yaml.safe_dump([measure], allow_unicode=True), encoding="utf-8")


def assert_shown_as_text(at, *values) -> None:
    bodies = markdown_bodies(at)
    for body in bodies:
        assert (
            injected(body, ("p", "strong", "em", "code", "h4", "h5", "br", "ul", "li", "a")) == []
        ), body
        assert "<img" not in render(body), body
        for link in ("http://127.0.0.1:9/",):
            assert f'href="{link}' not in render(body), body
    seen = " ".join(shown(body) for body in bodies)
    for value in values:
        assert value in seen.replace(WORD_JOINER, ""), value


def test_policies_detail_shows_hostile_measure_text_as_text(app, data_dir):
    write_hostile_measure(data_dir)
    app.query_params["measure"] = MEASURE_ID
    goto(app, "pages/policies.py")
    assert app.selectbox(key="policy_detail").value == MEASURE_ID
    assert_shown_as_text(app, TITLE, KEY_PHRASE, NOTE)
    # the source link: one link, to the percent-encoded address
    (source,) = [m.value for m in app.markdown if "csrc.gov.cn" in m.value]
    assert 'href="https://www.csrc.gov.cn/a_%28b%29"' in render(source)


def test_event_study_and_overview_show_hostile_titles_as_text(app, data_dir):
    write_hostile_measure(data_dir)
    app.query_params["measures"] = MEASURE_ID
    goto(app, "pages/event_study.py")
    assert app.multiselect(key="study_measures").value == [MEASURE_ID]
    assert_shown_as_text(app, TITLE)
    # the chart is Vega-Lite, which draws text as text (SVG text nodes, no HTML): the title
    # is the measure's own, unchanged, and no mark is a link
    ((spec, _),) = vega_charts(app)
    assert spec["title"]["text"] == TITLE + " — SYNTHETIC DEMO DATA"
    assert all("href" not in layer.get("encoding", {}) for layer in spec["layer"])
    goto(app, "pages/overview.py")
    assert_shown_as_text(app)
    spec = app.get("plotly_chart")[0].proto.spec
    assert "&lt;a href=" in spec and "<a href" not in spec and "<img" not in spec
    goto(app, "pages/themes.py")
    assert_shown_as_text(app)


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("model", "x`\u00a0[Session expired, log in again](http://127.0.0.1:9/login)`"),
        ("window", "$5,$3 ![i](http://127.0.0.1:9/p.png)"),
        ("themes", "T1,<img src=http://127.0.0.1:9/q.png>"),
        ("measures", "a]b(c)`d`$e$"),
        ("lang", "# zh"),
    ],
)
def test_hostile_url_parameters_are_echoed_as_text(app, param, value):
    app.query_params[param] = value
    goto(app, "pages/event_study.py")
    warnings = [w.value for w in app.warning if "URL parameter" in shown(w.value)]
    assert warnings, [w.value for w in app.warning]
    for body in warnings:
        assert injected(body) == [], body
    assert f"{param}={value}" in " ".join(shown(body) for body in warnings)


# -- item 12: the Data page's uploads -----------------------------------------------------------
PRICES = b"date,close\n2024-09-23,1.10\n2024-09-24,1.15\n2024-09-25,1.21\n"
OTHER_PRICES = b"date,close\n2024-09-23,2.10\n2024-09-24,2.15\n"


def test_two_uploads_with_one_file_name_each_get_their_own_widgets(app):
    goto(app, "pages/data.py")
    app.file_uploader(key="import_files_0").set_value(
        [("fund.csv", PRICES, "text/csv"), ("fund.csv", OTHER_PRICES, "text/csv")]
    ).run()
    assert not app.exception, [e.value for e in app.exception]
    names = [w for w in app.text_input if "Series name" in w.label]
    assert [shown(w.label) for w in names] == [
        "Series name for fund.csv (#1)",
        "Series name for fund.csv (#2)",
    ]
    # both are called "fund": refused, naming both files; nothing offered for saving
    errors = [shown(e.value) for e in app.error]
    assert any("fund" in e and "fund.csv (#1) and fund.csv (#2)" in e for e in errors), errors
    assert not [b for b in app.button if b.key == "import_save"]
    names[1].input("fund_b").run()
    assert not app.error
    app.button(key="import_save").click().run()
    stored = {shown(s.value) for s in app.success}
    assert "fund: 3 rows stored from fund.csv (#1)" in stored
    assert "fund_b: 2 rows stored from fund.csv (#2)" in stored


def test_two_files_given_one_series_name_are_refused_naming_both(app, data_dir):
    goto(app, "pages/data.py")
    app.file_uploader(key="import_files_0").set_value(
        [("a.csv", PRICES, "text/csv"), ("b.csv", OTHER_PRICES, "text/csv")]
    ).run()
    series = [w for w in app.text_input if "Series name" in w.label]
    series[1].input("a").run()
    assert not app.exception
    errors = [shown(e.value) for e in app.error]
    assert any("Series name a is given to a.csv and b.csv" in e for e in errors), errors
    assert not [b for b in app.button if b.key == "import_save"]
    assert "a" not in set(app.dataframe[0].value["name"])  # nothing stored


def test_hostile_upload_file_names_are_shown_as_text(app):
    goto(app, "pages/data.py")
    good = "![x](http://127.0.0.1:9/f.png) $5.csv"
    bad = "<img src=http://127.0.0.1:9/g.png> `x.csv"
    app.file_uploader(key="import_files_0").set_value(
        [(good, PRICES, "text/csv"), (bad, b"date,close\n2024-09-23,oops\n", "text/csv")]
    ).run()
    assert not app.exception
    assert_shown_as_text(app, good, bad)


# -- item 13: the language switch ------------------------------------------------------------------
def test_clicking_the_chosen_language_again_keeps_it_and_every_page_renders(app):
    # A click on the selected option of a single segmented control unselects it (value None).
    app.sidebar.button_group(key="language").set_value(None).run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.session_state["language"] == "en"
    app.sidebar.button_group(key="language").set_value("zh").run()
    app.sidebar.button_group(key="language").set_value(None).run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.session_state["language"] == "zh"
    assert app.title[0].value == "总览"


def test_nothing_estimated_names_a_hostile_series_as_text(app):
    """A user series name reaches the "Nothing could be estimated" message through its reason."""
    import numpy as np
    import pandas as pd

    from data_sources.base import FetchResult
    from data_sources.schema import to_canonical
    from data_sources.store import Store

    name = "F-_x_"  # a symbol allows only letters, digits, ".", "_", "-": enough for emphasis
    dates = pd.DatetimeIndex(Store().read(["000300.SH"])["date"])
    flat = to_canonical(pd.DataFrame({"date": dates, "close": np.full(len(dates), 100.0)}), name)
    Store().write(FetchResult(flat, "import", "file flat.csv"))
    goto(app, "pages/event_study.py")
    measure = "chinext-first-listings-2020"
    app.multiselect(key="study_measures").set_value([measure]).run()
    app.multiselect(key=f"study_instruments_{measure}").set_value([name])
    app.radio(key="study_model").set_value("market").run()
    assert not app.exception, [e.value for e in app.exception]
    (nothing,) = [e.value for e in app.error if "Nothing could be estimated" in e.value]
    assert injected(nothing) == [], nothing
    assert f"{name}: instrument {name} has constant returns" in shown(nothing)


def test_policies_detail_shows_hostile_issue_13_fields_as_text(app, data_dir):
    """Issue 13's fields (documents → citation, evidence_url, timing_evidence, the reason of an
    expected sign) are user text too: shown as text, and an address in no tier never linked."""
    path = data_dir / "catalogue" / "user_measures.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    measure = {
        "id": MEASURE_ID,
        "title_zh": "标题",
        "title_en": "Title",
        "announcement_date": "2021-03-01",
        "timing": "before_open",
        "timing_confidence": "stated",
        "timing_evidence": NOTE.replace("\n", " "),
        "theme": "T2",
        "segments": ["CHN"],
        "documents": [
            {
                "issuer_zh": KEY_PHRASE,
                "title_zh": TITLE,
                "number": "[n](http://127.0.0.1:9/n)",
                "date": "2021-03-01",
            }
        ],
        "evidence_url": "https://csrc.gov.cn.evil.example/x",
        "expected_sign": {"CHN": {"sign": "+", "reason": KEY_PHRASE}},
        "source_url": "https://www.csrc.gov.cn/a",
        "confidence": "verified",
    }
    path.write_text(yaml.safe_dump([measure], allow_unicode=True), encoding="utf-8")
    app.query_params["measure"] = MEASURE_ID
    goto(app, "pages/policies.py")
    assert not app.exception
    assert_shown_as_text(app, TITLE, KEY_PHRASE)
    rendered = " ".join(render(m.value) for m in app.markdown)
    assert "evil.example" in " ".join(shown(m.value) for m in app.markdown).replace(WORD_JOINER, "")
    assert 'href="https://csrc.gov.cn.evil.example' not in rendered
    # labelled for what it is: an address in no tier, not a known repost site
    lines = " ".join(shown(m.value) for m in app.markdown).replace(WORD_JOINER, "")
    assert "Unclassified address (not linked): https://csrc.gov.cn.evil.example/x" in lines
    assert "Repost (not linked): https://csrc.gov.cn.evil" not in lines
