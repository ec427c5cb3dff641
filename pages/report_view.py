"""The Event study's "Report (HTML)" download: :func:`analysis.report.study_report` of the
outcome on the page, in the current language and colour scheme, made only when the button is
clicked (``st.download_button`` calls the function then) and kept with the cached outcome."""

from __future__ import annotations

from collections.abc import Callable

from analysis.api import StudyOutcome
from pages import colours, loaders
from pages.i18n import language, tr


def report_bytes(outcome: StudyOutcome, url: str) -> Callable[[], bytes]:
    """A callable making the report's UTF-8 bytes. The language, the scheme and the
    translations of the study's notes and method line are read now, on the page's run (the
    download runs on a thread of its own, outside it); ``url`` (the view's link) is recorded
    among the parameters."""
    lang, scheme = language(), colours.scheme()
    texts = [outcome.method, *(note.text for note in outcome.notes)]
    translated = {str(text): tr(text) for text in texts} if lang == "zh" else {}
    user_file = loaders._user_file_version()  # the catalogue the study was run on

    def make() -> bytes:
        from analysis.report import study_report

        def build() -> bytes:
            return study_report(
                outcome,
                language=lang,
                parameters={"url": url},
                catalogue=loaders._catalogue(user_file)[0],
                translate=lambda text: translated.get(str(text), str(text)),
                scheme=scheme,
            ).encode("utf-8")

        return loaders.derived(outcome, ("report", lang, scheme, url), build)

    return make
