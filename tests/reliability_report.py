"""Run the whole reliability matrix and print one table.

    python -m tests.reliability_report [--kills 50] [--interactions 500] [--examples 60]

Columns: part, entry point, cases tried, failures (behaved other than specified), crashes
(uncaught exceptions), rows lost (stored rows changed or gone when they should not be). The run
ends with exit code 1 if any failure, crash or loss was found. No network is used.
"""

from __future__ import annotations

import argparse
import logging
import time

from tests import (
    reliability,
    reliability_calendar,
    reliability_catalogue,
    reliability_hostile_text,
    reliability_imports,
    reliability_store_damage,
    reliability_study_inputs,
)


def run_all(kills: int, interactions: int, examples: int, url_cases: int) -> list:
    outcomes = [
        reliability.network_faults_cli(),
        reliability.network_faults_listings(),
        reliability.network_faults_dashboard(),
        *reliability.bad_inputs(examples),
        reliability.url_parameters(url_cases),
        reliability.store_durability(kills),
        reliability.concurrent_writers(),
        reliability.export_round_trips(),
        reliability.long_run(interactions),
        # issue 11: damaged files, hostile content, odd dates (one module per family)
        *reliability_store_damage.store_damage_parts(),
        *reliability_catalogue.all_parts(),
        *reliability_imports.price_imports(),
        *reliability_study_inputs.study_inputs(),
        *reliability_calendar.calendar_end_outcomes(),
        *reliability_hostile_text.hostile_text(),
    ]
    return outcomes


def table(outcomes) -> str:
    header = ("part", "entry point", "cases", "failures", "crashes", "rows lost")
    rows = [(o.part, o.entry_point, o.cases, o.failures, o.crashes, o.rows_lost) for o in outcomes]
    totals = (
        "total",
        "",
        sum(o.cases for o in outcomes),
        sum(o.failures for o in outcomes),
        sum(o.crashes for o in outcomes),
        sum(o.rows_lost for o in outcomes),
    )
    widths = [max(len(str(row[i])) for row in [header, *rows, totals]) for i in range(6)]
    lines = []
    for row in [header, None, *rows, None, totals]:
        if row is None:
            lines.append("  ".join("-" * width for width in widths))
            continue
        cells = [
            str(value).ljust(width) if i < 2 else str(value).rjust(width)
            for i, (value, width) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells))
    notes = [f"  {o.entry_point}: {note}" for o in outcomes for note in o.notes]
    return "\n".join(lines + (["", "notes:", *notes] if notes else []))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=50)
    parser.add_argument("--interactions", type=int, default=500)
    parser.add_argument("--examples", type=int, default=60, help="generated cases per entry point")
    parser.add_argument("--url-cases", type=int, default=30)
    args = parser.parse_args(argv)
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    started = time.perf_counter()
    outcomes = run_all(args.kills, args.interactions, args.examples, args.url_cases)
    print(table(outcomes))
    print(f"\nran in {time.perf_counter() - started:.0f} s")
    bad = sum(o.failures + o.crashes + o.rows_lost for o in outcomes)
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
