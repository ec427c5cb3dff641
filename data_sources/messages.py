"""Messages of the engine (analysis/, data_sources/) that a page shows in the reader's language.

The engine writes English for the CLI, the CSVs and the logs. A note or an error text that the
dashboard shows is built as a :class:`Message`: it *is* that English string (``str(message)``,
comparisons, ``in``, joining, CSV cells: all unchanged), and it also keeps the template and the
values it was made from, so ``pages.i18n.tr`` can show the same message from the template's
translation in ``pages/i18n.py`` (``tests/test_zh_templates.py`` checks that every template
written as ``Message("…", …)`` in analysis/ and data_sources/ has one, with the same
placeholders).
"""

from __future__ import annotations

from typing import Any


class Message(str):
    """``template.format(**params)``, remembering ``template`` and ``params``.

    ``params`` may hold other messages (translated in turn) and numbers with format specs in the
    template (``{p:.3f}``); anything else is shown as it is in every language (ids, dates,
    symbols).
    """

    template: str
    params: dict[str, Any]

    def __new__(cls, template: str, /, **params: Any) -> Message:
        message = super().__new__(cls, template.format(**params))
        message.template = template
        message.params = params
        return message

    def __reduce__(self):  # pickled as its template and values (st.cache_data, processes)
        return (_rebuild, (self.template, self.params))


def _rebuild(template: str, params: dict[str, Any]) -> Message:
    return Message(template, **params)


class Joined(Message):
    """``separator.join(parts)``, each part (a message or not) and the separator shown in the
    reader's language (``pages.i18n.tr`` translates each)."""

    separator: str
    parts: tuple

    def __new__(cls, separator: str, parts) -> Joined:
        parts = tuple(parts)
        template = (
            separator.replace("{", "{{")
            .replace("}", "}}")
            .join(f"{{p{i}}}" for i in range(len(parts)))
        )
        message = super().__new__(cls, template, **{f"p{i}": p for i, p in enumerate(parts)})
        message.separator = separator
        message.parts = parts
        return message

    def __reduce__(self):
        return (Joined, (self.separator, self.parts))


def joined(separator: str, parts) -> Joined:
    """``separator.join(parts)`` that keeps each part translatable (see :class:`Joined`)."""
    return Joined(separator, parts)
