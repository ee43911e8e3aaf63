"""Measure what users wait for: the pipeline build, and the dashboard's queries cold and cached.

Run: `make bench` (the sample) or `python scripts/benchmark.py 100` (the sample scaled 100×, loaded
with `python -m pipelines load`). Prints medians over several runs; nothing here is asserted by the tests.
"""

from __future__ import annotations

import logging
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))
RUNS = 5


def median_seconds(action, runs: int = RUNS) -> float:
    """Return the median wall time of `action` over `runs` runs."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench_build(db: Path) -> float:
    """Time `python -m pipelines build` as a user runs it (a fresh process each time)."""
    command = [sys.executable, "-m", "pipelines", "build", "--db", str(db)]
    return median_seconds(lambda: subprocess.run(command, cwd=PROJECT_DIR, check=True, capture_output=True))


def page_queries(db: Path):
    """Return, per page, a function that runs the queries the page runs for the default view."""
    from dashboard import database, queries
    from dashboard.filters import Filters

    logging.getLogger("streamlit").setLevel(logging.ERROR)
    version = database.POOL.checkout(db)  # held for the whole benchmark, as a script run holds it
    source = queries.source_of(version)
    filters = Filters(year=max(queries.budget_years(source)))
    per_page = {
        "Overblik": [queries.key_figures, queries.budget_by_goal, queries.budget_by_focus_area, queries.budget_by_status],
        "Økonomi": [
            queries.budget_by_administration_and_focus_area,
            queries.budget_by_year_and_administration,
            queries.budget_by_district,
            queries.city_wide_budget,
            queries.budget_and_spending_by_administration,
            queries.budget_by_funding_source,
        ],
        "Unge 18–25": [queries.young_adults_by_district, queries.city_wide_young_adults_reached, queries.young_adults_trend],
        "Strategiske mål": [queries.budget_by_goal, queries.initiatives_by_goal, queries.effect_targets_by_goal],
        "Indsatser": [queries.initiatives_table],
    }
    return {page: (lambda fs=functions: [f(source, filters) for f in fs]) for page, functions in per_page.items()}, queries


def bench_connection(db: Path) -> tuple[float, float]:
    """Return the time of a one-row query on a new read-only connection and on a cursor of a held one."""
    import duckdb

    from dashboard import database

    def fresh() -> None:
        with duckdb.connect(str(db), read_only=True) as con:
            con.execute("SELECT value FROM dataset WHERE key = 'data_version'").fetchone()

    with database.reading(db) as version:
        held = median_seconds(lambda: version.cursor().execute("SELECT value FROM dataset WHERE key = 'data_version'").fetchone(), 50)
    return median_seconds(fresh, 20), held


def main(argv: list[str]) -> None:
    scale = int(argv[0]) if argv else 1
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.duckdb"
        if scale == 1:
            print(f"python -m pipelines build (eksempeldata), median af {RUNS}: {bench_build(db):.2f} s")
        else:
            subprocess.run(
                [sys.executable, "scripts/scale_sample.py", str(scale), f"{tmp}/csv"], cwd=PROJECT_DIR, check=True, capture_output=True
            )
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "pipelines", "load", f"{tmp}/csv", "--db", str(db)], cwd=PROJECT_DIR, check=True, capture_output=True
            )
            print(f"python -m pipelines load (eksempeldata × {scale}), én kørsel: {time.perf_counter() - start:.1f} s")
        fresh, held = bench_connection(db)
        print(f"én forespørgsel: ny forbindelse {fresh * 1000:.1f} ms, markør på holdt forbindelse {held * 1000:.2f} ms")
        pages, queries = page_queries(db)
        for page, run in pages.items():

            def cold(run=run):
                queries.st.cache_data.clear()
                run()

            print(f"{page}: forespørgsler uden cache {median_seconds(cold) * 1000:.0f} ms, med cache {median_seconds(run) * 1000:.1f} ms")


if __name__ == "__main__":
    main(sys.argv[1:])
