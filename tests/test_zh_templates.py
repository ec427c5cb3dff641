"""中文 for the engine's messages: every template the engine (analysis/, data_sources/) writes as
``Message("…", …)`` has a Chinese translation in pages/i18n.py with the same placeholders; the
pages show a message through ``tr`` in the reader's language while its English (the CLI, the CSVs)
stays byte-identical."""

from __future__ import annotations

import ast
import pickle
import string

import pandas as pd
import pytest

from analysis.returns import RETURN_KINDS
from data_sources.messages import Message, joined
from data_sources.trading_calendar import STORE_SOURCE, WEEKDAYS_SOURCE
from pages import i18n
from pages.i18n import ZH, tr
from tests.conftest import PROJECT

#: Templates passed to Message() through a variable: the returns kinds, the overlap rules, the
#: pooled row of the statistics and the calendar sources.
DYNAMIC_TEMPLATES = [
    *RETURN_KINDS,
    "warn",
    "merge",
    "drop",
    "pooled",
    STORE_SOURCE,
    WEEKDAYS_SOURCE,
]


def _literals(node) -> list[str]:
    """The string(s) a Message's first argument can be: a literal, or either branch of a
    conditional between literals."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _literals(node.body) + _literals(node.orelse)
    return []


def engine_templates() -> dict[str, str]:
    templates = {}
    for folder in ("analysis", "data_sources"):
        for path in sorted((PROJECT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not (isinstance(node, ast.Call) and node.args):
                    continue
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name != "Message":
                    continue
                for text in _literals(node.args[0]):
                    templates[text] = f"{path.relative_to(PROJECT)}:{node.lineno}"
    return templates


def _placeholders(text: str) -> set[str]:
    return {field[1] for field in string.Formatter().parse(text) if field[1]}


def test_every_engine_template_has_a_chinese_translation_with_the_same_placeholders():
    templates = engine_templates()
    assert len(templates) > 60  # the scan sees the engine's messages
    missing = {text: where for text, where in templates.items() if text not in ZH}
    assert not missing, missing
    for text in [*templates, *DYNAMIC_TEMPLATES]:
        assert text in ZH, text
        assert _placeholders(ZH[text]) == _placeholders(text), text


def test_a_message_is_its_english_text_and_shows_in_chinese_from_its_template(monkeypatch):
    inner = Message("{n} day(s)", n=3)
    message = Message(
        "{what} is zero on {parts}, so the statistic is NaN there",
        what="X",
        parts=joined(" and ", [inner, Message("{n} window(s)", n=1)]),
    )
    english = "X is zero on 3 day(s) and 1 window(s), so the statistic is NaN there"
    assert message == english and str(message) == english and hash(message) == hash(english)
    assert pickle.loads(pickle.dumps(message)) == english
    assert pickle.loads(pickle.dumps(message)).template == message.template
    assert tr(message) == english  # English: as it is
    monkeypatch.setattr(i18n, "language", lambda: "zh")
    shown = tr(message)
    assert shown == "X 在 3 个交易日 与 1 个窗口 上为零，因此该处统计量为 NaN"
    assert tr("plain text") == "plain text"


def test_engine_errors_and_diagnostics_show_in_chinese(monkeypatch):
    from analysis.api import StudyInputError, StudyRequest, run_study
    from data_sources.errors import DataSourceError

    monkeypatch.setattr(i18n, "language", lambda: "zh")
    error = StudyInputError(Message("no price data for {symbols}", symbols="X.SH"))
    assert str(error) == "no price data for X.SH"
    assert tr(error) == "没有 X.SH 的价格数据"
    failure = DataSourceError(
        Message("no price data for {symbols}", symbols="X.SH"), source="store"
    )
    assert str(failure) == "store: no price data for X.SH"
    assert tr(failure) == "store: 没有 X.SH 的价格数据"
    # a real study's skip reason, kept through the outcome's records
    from analysis.api import BarsSource

    dates = pd.bdate_range("2024-01-01", periods=40)
    bars = pd.DataFrame(
        {"symbol": "A.SH", "date": dates, "close": [10 + 0.1 * (i % 3) for i in range(40)]}
    )
    request = StudyRequest(
        dates=("2024-02-01",),
        instruments=("A.SH",),
        model="constant-mean",
        benchmark=None,
        calendar="data",
    )
    outcome = run_study(request, BarsSource(bars), catalogue=None)
    reasons = [d.reason for d in outcome.diagnostics if d.status == "skipped"]
    assert reasons and reasons[0].startswith("only ")  # English, as the CSV has it
    assert tr(reasons[0]).startswith("在 ")  # 中文 on the page
    assert "valid estimation returns" not in tr(reasons[0])


def test_an_import_error_reads_in_chinese_and_stays_english_for_the_cli(monkeypatch):
    from data_sources.errors import DataSourceError
    from data_sources.files import parse_price_file

    with pytest.raises(DataSourceError) as raised:
        parse_price_file(b"date,open\n2024-01-02,10\n", "prices.csv", "X")
    english = str(raised.value)
    assert english.startswith("file prices.csv: no 'close' column (also accepted: ")
    monkeypatch.setattr(i18n, "language", lambda: "zh")
    shown = tr(raised.value)
    assert shown.startswith("file prices.csv: 没有 'close' 列（也接受：")
    assert "columns found" not in shown


@pytest.mark.parametrize(
    ("content", "english", "chinese"),
    [
        (
            b"date,close\n2024-01-02,10\n2024-01-02,11\n",
            "row 3, column 'date': 2024-01-02 appears twice",
            "第 3 行，列 'date'：2024-01-02 出现两次",
        ),
        (
            b"date,close\n2024-01-02,10\n2031-01-02,11\n",
            "row 3, column 'date': '2031-01-02' is outside 1900-01-01…",
            "第 3 行，列 'date'：'2031-01-02' 超出 1900-01-01…",
        ),
        (
            b"date,close\n2024-01-02,10\nsoon,11\n",
            "row 3, column 'date': 'soon' is not a date in the column's format %Y-%m-%d",
            "第 3 行，列 'date'：'soon' 不是该列格式 %Y-%m-%d 的日期",
        ),
    ],
)
def test_the_date_errors_of_an_import_read_in_chinese(monkeypatch, content, english, chinese):
    from data_sources.errors import DataSourceError
    from data_sources.files import parse_price_file

    with pytest.raises(DataSourceError) as raised:
        parse_price_file(content, "prices.csv", "X")
    assert english in str(raised.value)
    monkeypatch.setattr(i18n, "language", lambda: "zh")
    assert chinese in tr(raised.value)
