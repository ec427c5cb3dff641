"""The inputs of the K-regressor normal-return models on the Event study page.

``factors``: a factor file (:mod:`analysis.factors`) uploaded here, checked, and saved in the
data directory (``<data dir>/factors/``) so the study (and a shared link, by file name) can read
it again; a file of the same name with other content is saved under a new name, never over it.
``two-index``: the second stored series. Both are mirrored in the URL (``factors``, ``second``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from pathlib import Path

import streamlit as st

from analysis.factors import FactorFileError, read_factor_bytes
from pages import formatting, layout, url_state
from pages.i18n import t, tr
from pages.text import escape_markdown

FACTOR_SUFFIXES = ("csv", "txt", "xlsx", "xls")


def factors_dir() -> Path:
    from data_sources.config import data_dir

    return data_dir() / "factors"


def saved_factor_files() -> list[str]:
    """The factor files saved so far, by name."""
    folder = factors_dir()
    if not folder.is_dir():
        return []
    return sorted(
        p.name for p in folder.iterdir() if p.is_file() and p.suffix[1:].lower() in FACTOR_SUFFIXES
    )


def safe_name(name: str, content: bytes) -> str:
    """A file name to save an upload under: letters, digits, ``._-`` only (a name from a user
    never reaches a path as it is), and a new one when a different file has that name."""
    path = Path(name)
    suffix = path.suffix.lower() if path.suffix[1:].lower() in FACTOR_SUFFIXES else ".csv"
    stem = re.sub(r"[^\w.-]+", "_", path.stem).strip("._")[:80] or "factors"
    candidate = factors_dir() / f"{stem}{suffix}"
    if candidate.exists() and candidate.read_bytes() != content:
        candidate = candidate.with_name(f"{stem}-{hashlib.sha256(content).hexdigest()[:8]}{suffix}")
    return candidate.name


def _save_upload(upload) -> str | None:
    """Check an uploaded factor file and save it; its saved name, or None (the error shown)."""
    content = upload.getvalue()
    try:
        table = read_factor_bytes(content, upload.name)
    except FactorFileError as error:
        st.error(t("Factor file not used: {error}", error=escape_markdown(tr(error))))
        return None
    name = safe_name(upload.name, content)
    path = factors_dir() / name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(path.suffix + ".part")
        temporary.write_bytes(content)
        temporary.replace(path)  # a reader never sees half a file
    st.caption(
        t(
            "Saved as {name}: {n} dates, factors {factors}.",
            name=escape_markdown(name),
            n=len(table.frame),
            factors=escape_markdown(", ".join(table.factor_names)),
        )
    )
    return name


def render_model_inputs(model: str, options: list[str]) -> None:
    """The chosen model's own inputs, below the model choice (nothing for one-index models)."""
    if model == "two-index":
        benchmark = st.session_state.get("study_benchmark")
        others = [s for s in options if s != benchmark]
        url_state.seed_from_url("study_second_index", "second", options=others)
        url_state.keep_valid("study_second_index", others)
        second = st.selectbox(
            t("Second index"),
            others,
            index=None,
            format_func=formatting.label,
            key=layout.translated("study_second_index"),
            placeholder=t("Choose an option"),
            help=t(
                "The two-index model regresses each return on the benchmark and this series "
                "(e.g. C-REITs on an equity index and a bond ETF): K = 3 parameters."
            ),
        )
        url_state.write_to_url("second", second)
    else:
        url_state.write_to_url("second", None)
    if model != "factors":
        url_state.write_to_url("factors", None)
        return
    upload = st.file_uploader(
        t("Factor file (CSV or Excel: a date column and factor columns)"),
        type=list(FACTOR_SUFFIXES),
        key="factors_upload",
        help=t(
            "Daily factor returns from your data vendor: Fama–French (MKT-RF, SMB, HML, RMW, "
            "CMA, MOM) or the China CH-3/CH-4 factors (MKT, SMB, VMP, PMO), in percent or in "
            "decimals (detected and stated), with an optional RF column."
        ),
    )
    if upload is not None:
        saved_name = _save_upload(upload)
        if saved_name and st.session_state.get("_factors_saved") != saved_name:
            st.session_state["_factors_saved"] = saved_name
            st.session_state["study_factors"] = saved_name  # the new file is the one used
    saved = saved_factor_files()
    url_state.seed_from_url("study_factors", "factors", options=saved)
    url_state.keep_valid("study_factors", saved)
    choice = st.selectbox(
        t("Factor file"),
        saved,
        index=None,
        key="study_factors",
        placeholder=t("Upload a factor file"),
    )
    url_state.write_to_url("factors", choice)


def request_fields(state: Mapping) -> dict:
    """The StudyRequest fields of the chosen model's inputs (none for one-index models)."""
    model = state.get("study_model")
    if model == "factors" and state.get("study_factors"):
        return {"factors": str(factors_dir() / state["study_factors"])}
    if model == "two-index" and state.get("study_second_index"):
        return {"second_index": state["study_second_index"]}
    return {}
