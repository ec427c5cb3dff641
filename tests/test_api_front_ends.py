"""Issue 12's acceptance test: one study request through the API, the command line and the
dashboard gives the same files, byte for byte."""

from __future__ import annotations

import json
import zipfile
from io import BytesIO

from analysis import cli
from analysis.api import StudyRequest, run_study
from pages.study_view import instruments_key, request_from_widgets
from tests.apptest_helpers import download_bytes, goto

MEASURE = "chinext-first-listings-2020"
INSTRUMENTS = ["399006.SZ", "399001.SZ"]
#: The dashboard's defaults (trading responses on, 1000 placebo draws) as command-line flags.
CLI_ARGS = [
    "study",
    "--measure",
    MEASURE,
    *[part for symbol in INSTRUMENTS for part in ("--instrument", symbol)],
    "--benchmark",
    "000300.SH",
    "--model",
    "market",
    "--placebo",
    "1000",
    "--volume",
    "--diagnostics",  # write diagnostics.csv even when empty, as the dashboard offers it
]


def _widget_state(app) -> dict:
    keys = [
        "study_measures",
        instruments_key([MEASURE]),
        "study_benchmark",
        "study_model",
        "study_estimation",
        "study_window",
        "study_overlap",
        "study_market_wide",
        "study_clean_estimation",
    ]
    return {key: app.session_state[key] for key in keys}


def test_api_cli_and_dashboard_give_identical_csv_bytes(app, tmp_path):
    # (c) the dashboard, reached through app.py with a shared link's URL parameters
    app.query_params.update(
        {
            "measures": MEASURE,
            "instruments": ",".join(INSTRUMENTS),
            "benchmark": "000300.SH",
            "model": "market",
        }
    )
    goto(app, "pages/event_study.py")
    dashboard_request = request_from_widgets(_widget_state(app))
    # the request behind the CLI's flags is the dashboard's, field for field
    cli_request = cli.request_from_args(cli.build_parser().parse_args([*CLI_ARGS, "--out", "x"]))
    assert cli_request == dashboard_request
    assert dashboard_request.placebo_draws == 1000 and dashboard_request.responses
    assert dashboard_request.instruments == tuple(INSTRUMENTS)

    # (a) the API, as a notebook calls it (the store of POLICYLENS_DATA_DIR, the catalogue)
    outcome = run_study(
        StudyRequest(
            measures=(MEASURE,),
            instruments=tuple(INSTRUMENTS),
            benchmark="000300.SH",
            placebo_draws=1000,
            responses=True,
        )
    )
    api_files = outcome.all_csv_bytes()
    # every table the study has, placebo and responses included
    assert {"car_summary", "placebo", "placebo_summary", "abnormal_volume"} <= set(api_files)

    # (b) the command line on the same store
    out = tmp_path / "out"
    assert cli.main([*CLI_ARGS, "--out", str(out)]) == 0
    cli_files = {path.stem: path.read_bytes() for path in out.glob("*.csv")}

    dashboard_files = {name: download_bytes(app, f"download_{name}") for name in api_files}
    archive = zipfile.ZipFile(BytesIO(download_bytes(app, "download_zip")))
    stem = f"policylens_{MEASURE}"
    zipped = {
        name[len(stem) + 1 : -4]: archive.read(name)
        for name in archive.namelist()
        if name.endswith(".csv")
    }
    assert set(cli_files) == set(api_files) == set(zipped)
    for name, content in api_files.items():
        # no timestamp in any CSV: the files are equal as bytes, not just as tables
        assert cli_files[name] == content, name
        assert dashboard_files[name] == content, name
        assert zipped[name] == content, name

    # parameters.json: the same document, apart from the link the dashboard adds
    from_cli = json.loads((out / "parameters.json").read_text(encoding="utf-8"))
    from_zip = json.loads(archive.read(f"{stem}/parameters.json"))
    url = from_zip["parameters"].pop("url")
    assert f"measures={MEASURE}" in url
    assert from_zip == from_cli == json.loads(outcome.parameters_json())
