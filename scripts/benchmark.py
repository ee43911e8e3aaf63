"""Measure what users wait for: the pipeline build, and the dashboard's queries cold and cached.

Run: `make bench`. Prints medians over several runs; nothing here is asserted by the tests.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
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


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.duckdb"
        print(f"python -m pipelines build (eksempeldata), median af {RUNS}: {bench_build(db):.2f} s")


if __name__ == "__main__":
    main()
