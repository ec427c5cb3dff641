"""The Event study's "Report (HTML)" download: :func:`analysis.report.study_report` of the
outcome on the page, in the current language and colour scheme, made only when the button is
clicked (``st.download_button`` calls the function then) and kept with the cached outcome.

The Event study's further sections (the cross-sectional regression, the long-horizon BHARs)
record their last result here (:func:`remember`) when they are computed in the session; the
report made after that lists their tables too."""

from __future__ import annotations

from collections.abc import Callable

from analysis.api import StudyOutcome
from data_sources.messages import Message
from pages import colours, loaders
from pages.i18n import language, t, tr


def _remembered(outcome: StudyOutcome) -> dict:
    # one dict per cached outcome, living as long as it does
    return loaders.derived(outcome, ("report_tables",), dict)


def remember(outcome: StudyOutcome, name: str, frame, description: str = "") -> None:
    """Record ``frame`` (a section's result table, e.g. ``crosssection``) for the report of
    ``outcome``: its last computed value, described in the page's language."""
    _remembered(outcome)[name] = (description, frame)


def report_tables(outcome: StudyOutcome) -> dict:
    """The section tables recorded for ``outcome`` (name → (description, frame))."""
    return dict(_remembered(outcome))


def report_bytes(outcome: StudyOutcome, url: str) -> Callable[[], bytes]:
    """A callable making the report's UTF-8 bytes. The language, the scheme and the
    translations of the study's notes and method line are read now, on the page's run (the
    download runs on a thread of its own, outside it); ``url`` (the view's link) is recorded
    among the parameters."""
    lang, scheme = language(), colours.scheme()
    from analysis.glossary import FILE_GLOSSARY

    texts = [
        outcome.method,
        outcome.data_mode.label,
        *(note.text for note in outcome.notes),
        *FILE_GLOSSARY.values(),
    ]
    # a note is a Message (its template's translation); a plain text (the glossary's
    # descriptions, the data mode) is looked up in the ZH table
    translated = (
        {str(x): tr(x) if isinstance(x, Message) else t(str(x)) for x in texts}
        if lang == "zh"
        else {}
    )
    user_file = loaders._user_file_version()  # the catalogue the study was run on

    def make() -> bytes:
        from analysis.report import study_report

        extra = report_tables(outcome)  # the sections computed by the time of the click

        def build() -> bytes:
            return study_report(
                outcome,
                language=lang,
                parameters={"url": url},
                catalogue=loaders._catalogue(user_file)[0],
                translate=lambda text: translated.get(str(text), str(text)),
                scheme=scheme,
                extra_tables=extra,
            ).encode("utf-8")

        stamp = tuple((name, id(frame)) for name, (_, frame) in extra.items())
        return loaders.derived(outcome, ("report", lang, scheme, url, stamp), build)

    return make
