"""Measure what users wait for, each figure against its floor in the same run, and write benchmarks/results.md.

Run: `make bench` (scales 1, 100 and 1000) or `python scripts/benchmark.py 1 100` (chosen scales).
Per scale, in a fresh process of its own (so memory is the scale's own):
- the load: `python -m pipelines load` of the scaled CSV folder, against DuckDB's own `read_csv`
  of the same files (the floor);
- every page's script run with Streamlit's AppTest, cold (first run) and warm (median of 5
  reruns), against the run of an empty page (the floor);
- the CSV export of the largest table (the Indsatser table);
- the peak memory (max RSS) of the process that ran the pages.
Nothing here is asserted by the tests; `make test` never runs it.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))
RESULTS = PROJECT_DIR / "benchmarks" / "results.md"
RUNS = 5
LOAD_RUNS = {1: 5, 100: 3, 1000: 1}  # a 1000× load takes minutes; one run is what fits in a working day
PAGES = {
    "Overblik": "overview",
    "Økonomi": "economy",
    "Unge 18–25": "young_adults",
    "Strategiske mål": "goals",
    "Indsatser": "initiatives",
    "Mangler finansiering": "financing",
    "Prioritering": "prioritisation",
    "Scenarier": "scenarios",
    "Indsatsområder": "focus_areas",
    "Om data": "about",
    "Indlæs data": "data",
}
EMPTY_PAGE = "import streamlit as st\nst.title('Tom side')\n"


def median_seconds(action, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure_load(folder: Path, db: Path, runs: int) -> dict[str, float]:
    """Time the pipeline's load of a CSV folder against DuckDB reading the same files."""
    import duckdb

    command = [sys.executable, "-m", "pipelines", "load", str(folder), "--db", str(db)]
    load = median_seconds(lambda: subprocess.run(command, cwd=PROJECT_DIR, check=True, capture_output=True), runs)

    def floor() -> None:
        with duckdb.connect() as con:
            for path in sorted(folder.glob("*.csv")):
                con.execute("SELECT COUNT(*) FROM read_csv(?, delim = ';', header = true, all_varchar = true)", [str(path)]).fetchone()

    copy_db = db.with_name("floor.duckdb")
    copy = (
        "import duckdb, sys, pathlib\n"
        "con = duckdb.connect(sys.argv[2])\n"
        "for i, path in enumerate(sorted(pathlib.Path(sys.argv[1]).glob('*.csv'))):\n"
        "    con.execute(f\"CREATE TABLE t{i} AS SELECT * FROM read_csv('{path}', delim = ';', header = true, all_varchar = true)\")\n"
        "con.close()\n"
    )

    def process_floor() -> None:  # what a load cannot beat: a Python process that has DuckDB copy the files into a new file
        copy_db.unlink(missing_ok=True)
        subprocess.run([sys.executable, "-c", copy, str(folder), str(copy_db)], check=True, capture_output=True)

    return {"load_s": load, "load_floor_s": median_seconds(floor, runs), "load_process_floor_s": median_seconds(process_floor, runs)}


def current_rss_mb() -> float:
    """The process's resident memory now (not its peak), in MB."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def measure_pages(db: Path) -> dict[str, object]:
    """Run every page with AppTest (cold, then warm) and an empty page; return seconds and the export's size and time."""
    import logging

    from streamlit.testing.v1 import AppTest

    logging.getLogger("streamlit").setLevel(logging.ERROR)
    os.environ["SIKKERBY_DB"] = str(db)
    os.environ["SIKKERBY_SCENARIOS"] = str(db.parent / "scenarios.sqlite")
    from tests.apptest_helpers import PAGES as PAGE_FILES
    from tests.apptest_helpers import failures, open_app

    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as empty:
        empty.write(EMPTY_PAGE)
    floor_app = AppTest.from_file(empty.name, default_timeout=600).run()
    floor = median_seconds(floor_app.run)
    out: dict[str, object] = {"empty_page_s": floor, "pages": {}}
    for title, key in PAGES.items():
        if key not in PAGE_FILES:
            continue
        start = time.perf_counter()
        try:
            at = open_app(key)
            cold = time.perf_counter() - start
            warm = median_seconds(at.run)
            problem = "; ".join(failures(at))[:200]
        except Exception as error:  # a page that crashes at this scale is a result, not the end of the benchmark
            cold, warm, problem = time.perf_counter() - start, float("nan"), f"{type(error).__name__}: {error}"[:200]
        out["pages"][title] = {"cold_s": cold, "warm_s": warm, "error": problem}
    out["export"] = measure_export(db)
    at = open_app("initiatives")  # memory over 20 reruns of the largest table: flat, or growing with every run?
    rss = [current_rss_mb()]
    for _ in range(20):
        at.run()
        rss.append(current_rss_mb())
    out["rerun_rss_mb"] = {"first": rss[1], "last": rss[-1]}
    return out


def measure_export(db: Path) -> dict[str, float]:
    from dashboard import database, export, queries, tables
    from dashboard.filters import Filters

    with database.reading(db) as version:
        source = queries.source_of(version)
        frame = queries.initiatives_table(source, Filters(year=max(queries.budget_years(source))))
        shown = tables.initiatives_for_display(frame.assign(on_track_share=float("nan")))
        start = time.perf_counter()
        data = export.csv_bytes(shown)
        return {"export_s": time.perf_counter() - start, "export_rows": len(shown), "export_mb": len(data) / 1e6}


def run_scale(scale: int) -> dict[str, object]:
    """Generate, load and measure one scale (run in a fresh process by `main`)."""
    with tempfile.TemporaryDirectory() as tmp:
        folder, db = Path(tmp) / "csv", Path(tmp) / "bench.duckdb"
        subprocess.run(
            [sys.executable, "scripts/scale_sample.py", str(scale), str(folder)], cwd=PROJECT_DIR, check=True, capture_output=True
        )
        result: dict[str, object] = {"scale": scale, **measure_load(folder, db, LOAD_RUNS.get(scale, 1))}
        load_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        result.update(measure_pages(db))
        result["load_peak_mb"] = load_rss
        result["app_peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        return result


def machine() -> str:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1e9
    return f"{platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} CPU-kerner, {memory:.0f} GB RAM"


def _n(value: float, decimals: int) -> str:
    """A number in Danish style for the report: `1.234,56`."""
    from sikkerby.formatting import number

    return number(value, decimals)


def report(results: list[dict]) -> str:
    lines = [
        "# Benchmark",
        "",
        f"Kørt {date.today().isoformat()} med `make bench` på {machine()}.",
        "Eksempeldata skaleret med `scripts/scale_sample.py` (1× = 93 indsatser). Tider i sekunder; varm = median af 5 genkørsler.",
        "Mål ved 100×: hver side varm under 0,5 s og inden for 5 × tom side + 0,3 s; indlæsning inden for 3 × gulvet.",
        "Ved 1000×: hver side uden fejl og varm under 2 s; indlæsning inden for 5 × gulvet og 500 MB.",
        "",
        "## Indlæsning",
        "",
        "Gulv 1: DuckDB læser filerne i en kørende proces (som issuet måler). Gulv 2: en ny Python-proces, der lader DuckDB "
        "kopiere filerne til en ny databasefil – start af Python og DuckDB og skrivning af filen er med, som i `pipelines load`.",
        "",
        "| skala | `pipelines load` | gulv 1: `read_csv` | forhold | gulv 2: ny proces, ny fil | forhold | maks. hukommelse (MB) |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        process_floor = r.get("load_process_floor_s", float("nan"))
        lines.append(
            f"| {r['scale']}× | {_n(r['load_s'], 2)} | {_n(r['load_floor_s'], 3)} | {_n(r['load_s'] / r['load_floor_s'], 0)}× "
            f"| {_n(process_floor, 2)} | {_n(r['load_s'] / process_floor, 1)}× | {_n(r['load_peak_mb'], 0)} |"
        )
    lines += ["", "## Sider (AppTest)", ""]
    scales = [r["scale"] for r in results]
    lines.append("| side | " + " | ".join(f"{s}× kold | {s}× varm" for s in scales) + " |")
    lines.append("|---|" + "---|---|" * len(scales))
    lines.append("| *tom side (gulv)* | " + " | ".join(f"– | {_n(r['empty_page_s'], 3)}" for r in results) + " |")
    for title in PAGES:
        cells = []
        for r in results:
            page = r["pages"].get(title)
            if page is None:
                cells.append("– | –")
            elif page["error"]:
                cells.append(f"{_n(page['cold_s'], 2)} | **fejl**")
            else:
                cells.append(f"{_n(page['cold_s'], 2)} | {_n(page['warm_s'], 2)}")
        lines.append(f"| {title} | " + " | ".join(cells) + " |")
    errors = [(r["scale"], t, p["error"]) for r in results for t, p in r["pages"].items() if p["error"]]
    if errors:
        lines += ["", "Fejl:", ""] + [f"- {s}×, {t}: `{e}`" for s, t, e in errors]
    lines += [
        "",
        "## Eksport og hukommelse",
        "",
        "| skala | CSV af Indsatser (rækker) | tid (s) | størrelse (MB) | app-proces maks. (MB) | Indsatser 1. → 20. genkørsel (MB) |",
        "|---|---|---|---|---|---|",
    ]
    for r in results:
        e, rss = r["export"], r.get("rerun_rss_mb", {})
        lines.append(
            f"| {r['scale']}× | {_n(e['export_rows'], 0)} | {_n(e['export_s'], 2)} | {_n(e['export_mb'], 1)} | {_n(r['app_peak_mb'], 0)} "
            f"| {_n(rss.get('first', float('nan')), 0)} → {_n(rss.get('last', float('nan')), 0)} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> None:
    if argv and argv[0] == "--one":
        print(json.dumps(run_scale(int(argv[1]))))
        return
    scales = [int(a) for a in argv] or [1, 100, 1000]
    results = []
    for scale in scales:
        print(f"Skala {scale}× …", flush=True)
        done = subprocess.run([sys.executable, __file__, "--one", str(scale)], cwd=PROJECT_DIR, capture_output=True, text=True)
        if done.returncode != 0:
            print(done.stderr[-3000:], file=sys.stderr)
            raise SystemExit(f"Skala {scale}× mislykkedes")
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
        print(f"  indlæsning {results[-1]['load_s']:.1f} s; sider målt", flush=True)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(report(results), encoding="utf-8")
    RESULTS.with_suffix(".json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    print(f"Skrevet: {RESULTS.relative_to(PROJECT_DIR)}")


if __name__ == "__main__":
    main(sys.argv[1:])
