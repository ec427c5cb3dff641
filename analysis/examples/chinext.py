"""ChiNext's first registration-based listings (2020-08-24), studied from Python.

Run it as a script (``python -m analysis.examples.chinext``) or cell by cell in Jupyter, VS Code
or Spyder (the ``# %%`` markers). It studies the series in *your* store (``POLICYLENS_DATA_DIR``,
filled from the Data page or ``python -m data_sources refresh``); a store with nothing in it is
first filled with the labelled SYNTHETIC demo, so the example also runs offline on a fresh
machine — and every table below then says SYNTHETIC in its data mode.
"""

# %% The request: which measure, which series, which model. Everything else has the dashboard's
# defaults (market model on CSI 300, estimation [-250, -11], event window [-5, 5], overlaps warned).
from analysis.api import StoreSource, StudyRequest, run_study

request = StudyRequest(
    measures=("chinext-first-listings-2020",),
    instruments=("399006.SZ", "399001.SZ"),
    benchmark="000300.SH",
    placebo_draws=200,
)


def main() -> None:
    # %% The store, with the demo in it when it is empty (offline; labelled SYNTHETIC).
    from data_sources.bootstrap import seed_demo_if_empty

    source = StoreSource()
    if seed_demo_if_empty(source.store):
        source = StoreSource()  # re-read what is stored now
        print("The store was empty: it now holds the SYNTHETIC demo.\n")

    # %% Run it: the same call the dashboard and `python -m analysis study` make.
    outcome = run_study(request, source)
    print(outcome.summary())

    # %% Tidy tables: the CARs (one row per instrument × event × window), the tests, the placebo.
    cars = outcome.to_frame()
    print()
    columns = ["instrument", "window_start", "window_end", "car", "car_se", "t_stat", "p_value"]
    print(cars[columns].to_string(index=False))
    tests = outcome.tests
    kolari_pynnonen = tests[tests["rel_day"].isna() & (tests["statistic"] == "kp_bmp_t")]
    print()
    print(kolari_pynnonen[["window_start", "window_end", "value", "p_value", "n"]].to_string())
    if outcome.placebo is not None:
        print()
        print(outcome.placebo.summary.to_string(index=False))

    # %% Where the numbers came from, as every exported file records it.
    print()
    print("data mode:", outcome.data_mode.label)
    print("synthetic:", outcome.data_mode.synthetic)
    # outcome.write("chinext_results/")  # every CSV and parameters.json, as the CLI writes them


if __name__ == "__main__":
    main()
