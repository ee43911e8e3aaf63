"""Measure what users wait for, each figure against its floor in the same run, and write benchmarks/results.md.

Run: `make bench` (scales 1, 100 and 1000) or `python scripts/benchmark.py 1 100` (chosen scales).
Per scale, in a fresh process of its own (so memory is the scale's own):
- the load: `python -m pipelines load` of the scaled CSV folder, against DuckDB's own `read_csv`
  of the same files (the floor);
- every page's script run with Streamlit's AppTest, cold (first run) and warm (median of 5
  reruns), against the run of an empty page (the floor);
- the CSV export of the largest table (the Indsatser table);
- the peak memory (max RSS) of the process that ran the pages;
- the real server in Chromium: its memory over 20 reruns of Indsatser, and a new district filter's wait.
Then, once: the peak memory of an upload (unpacked and loaded as the Data page does, in a fresh process)
of the largest accepted zip, of the two flood files (a zip of blank lines, a workbook of unused shared
strings) and of the same padding just within the limits, against a plain load of the sample
(`python scripts/benchmark.py --flood` runs only this and puts it into benchmarks/results.md).
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
    return out


def measure_first_runs(db: Path, warmed: bool) -> dict[str, dict[str, float]]:
    """The first AppTest run of every page on a new data version, without and with a district: cold, or after
    the version was warmed as the server warms it (`Warmer.warm_everything`). Run in a fresh process each way."""
    import logging

    logging.getLogger("streamlit").setLevel(logging.ERROR)
    os.environ |= {"SIKKERBY_DB": str(db), "SIKKERBY_SCENARIOS": str(db.parent / "scenarios.sqlite"), "SIKKERBY_WARM": "0"}
    from dashboard import database, queries, warmup
    from tests.apptest_helpers import PAGES as PAGE_FILES
    from tests.apptest_helpers import open_app

    out: dict[str, dict[str, float]] = {"warming_s": {}}
    if warmed:
        start = time.perf_counter()
        warmup.Warmer().warm_everything(queries.source_of(database.POOL.checkout(db)))
        out["warming_s"] = {"s": time.perf_counter() - start, "mb": warmup.memory_mb()}
    for view, query in (("uden filter", None), ("Valby", {"bydel": "Valby"})):
        out[view] = {}
        for title, key in PAGES.items():
            if key in PAGE_FILES and key not in ("about", "data"):
                start = time.perf_counter()
                open_app(key, query)
                out[view][title] = time.perf_counter() - start
    return out


SERVER_ENV = {"MALLOC_ARENA_MAX": "2"}  # both servers, the peer too (see the Makefile)
DASHBOARD_ENV = {"MALLOC_MMAP_THRESHOLD_": "131072"}  # and the dashboard's own, as `make run` starts it


def measure_server(db: Path, reruns: int = 20) -> dict[str, float]:
    """Start the real server, as `make run` does, and drive it in Chromium: Indsatser rerun `reruns` times
    (the server's memory after the first and the last), and a district filter chosen on Overblik (seconds
    until the page last changed). Empty when Chromium is not installed.
    """
    import shutil
    import signal

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        return {}
    from playwright.sync_api import sync_playwright

    from tests.test_browser import wait_until_settled

    port = _free_port()
    server = _start_server("dashboard/app.py", db, port)

    def server_mb() -> float:
        return int(subprocess.run(["ps", "-o", "rss=", "-p", str(server.pid)], capture_output=True, text=True).stdout) / 1024

    out: dict[str, float] = {}
    try:
        _started(port)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": 1400, "height": 900}, locale="da-DK")
            page.add_init_script(LAST_CHANGE)
            _open(page, f"http://127.0.0.1:{port}/indsatser")

            def rerun() -> None:
                page.locator("h1").first.click()
                page.keyboard.press("r")  # Streamlit's shortcut: rerun the page in this session
                time.sleep(0.3)
                wait_until_settled(page)

            rerun()
            out["server_first_mb"] = server_mb()
            for _ in range(reruns - 1):
                rerun()
            out["server_last_mb"] = server_mb()
            _open(page, f"http://127.0.0.1:{port}/")
            out["filter_change_s"] = _choose_district(page, "Valby", "henført til Valby")
            browser.close()
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(30)
    return out


PEER_APP = "benchmarks/peer_app.py"
PEER_DISTRICTS = {  # the filters a visitor chooses, in this order, right after the first page
    "first_filter_s": ("Valby",),
    "new_district_s": ("Amager Øst", "Nørrebro", "Østerbro"),
    "repeated_filter_s": ("Valby", "Amager Øst", "Nørrebro"),
}
PEER_STEPS = {
    "first_page_s": "første side efter serverstart",
    "first_filter_s": "første bydelsfilter (Valby)",
    "new_district_s": "en bydel, ingen har valgt før (median af Amager Øst, Nørrebro, Østerbro)",
    "repeated_filter_s": "et gentaget filter (median af Valby, Amager Øst, Nørrebro igen)",
    "new_version_page_s": "første side efter en ny dataversion (CLI-indlæsning)",
}


def _peak_mb(pid: int) -> float:
    """Return a process's peak resident memory so far in MB (the kernel's high-water mark, VmHWM)."""
    status = Path(f"/proc/{pid}/status").read_text()
    return next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")) / 1024


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start_server(script: str, db: Path, port: int) -> subprocess.Popen:
    """Start a Streamlit server as `make run` does (the script health check is what `make run` calls once it listens).

    The dashboard runs in the project folder, so with its `.streamlit/config.toml`; the peer runs in its own
    folder, so with Streamlit's defaults, as a gallery app is run.
    """
    env = os.environ | SERVER_ENV | {"SIKKERBY_DB": str(db), "SIKKERBY_SCENARIOS": str(db.parent / "scenarios.sqlite")}
    env.pop("SIKKERBY_WARM", None)
    path = (PROJECT_DIR / script).resolve()
    is_dashboard = path.parent == PROJECT_DIR / "dashboard"
    if is_dashboard:
        env |= DASHBOARD_ENV
    command = [sys.executable, "-m", "streamlit", "run", str(path), "--server.port", str(port), "--server.headless", "true"]
    command += ["--server.address", "127.0.0.1", "--server.scriptHealthCheckEnabled", "true"]
    folder = PROJECT_DIR if is_dashboard else path.parent
    return subprocess.Popen(command, env=env, cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _started(port: int) -> None:
    """Wait until the server answers and run its script once, as `make run` does (scripts/start_warming.py)."""
    from start_warming import main as start_warming

    start_warming(port)


# Installed in every page before Streamlit's own scripts: the time (ms since the page was opened) of the last
# change to the page. A step's time is when the page last changed, not when a poll noticed that it had stopped
# changing (`wait_until_settled` polls every 250 ms and wants the same height twice, which would add 0,25–0,5 s
# to every step of both apps).
LAST_CHANGE = """
window.__lastChange = performance.now();
new MutationObserver(() => { window.__lastChange = performance.now(); })
    .observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
"""


def _settled_since(page, started_ms: float) -> float:
    """Wait until the page has settled; return the seconds from `started_ms` (the page's clock) to its last change."""
    from tests.test_browser import wait_until_settled

    wait_until_settled(page)
    return (page.evaluate("window.__lastChange") - started_ms) / 1000


def _open(page, url: str) -> float:
    """Open `url`; return the seconds from the request until the page last changed."""
    page.goto(url, timeout=600_000)
    page.locator("h1").first.wait_for(timeout=600_000)
    return _settled_since(page, 0.0)  # the page's clock starts when it is asked for


def _choose_district(page, name: str, wait_for: str) -> float:
    """Pick one district in the sidebar's Bydele box (after emptying it); return seconds until the page last changed."""
    from tests.test_browser import wait_until_settled

    box = page.get_by_role("combobox", name="Bydele")
    chosen = page.locator("[data-testid='stSidebar'] [data-testid='stMultiSelect']").first.locator("button[aria-label^='Remove ']")
    while chosen.count():
        chosen.first.click(force=True)  # the tag's own remove button
        wait_until_settled(page)
    box.click()
    box.fill(name)
    started = page.evaluate("performance.now()")
    box.press("Enter")
    page.get_by_text(wait_for).first.wait_for(timeout=600_000)
    return _settled_since(page, started)


def measure_against_peer(db: Path, folder: Path) -> dict[str, dict[str, float]]:
    """Drive the dashboard and the pandas peer (`PEER_APP`) in Chromium, interleaved step by step, each on a fresh server.

    Per app: the first page right after a server start, the first district filter, three districts never
    chosen, three repeated filters (`PEER_DISTRICTS`; the median of each three), then (after a CLI load of
    the same folder, a new data version) the first page run. Each time runs to the page's last change
    (`LAST_CHANGE`). Empty when Chromium is not installed.
    """
    import shutil
    import signal

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        return {}
    from playwright.sync_api import sync_playwright

    apps = {"dashboard": ("dashboard/app.py", "henført til {}"), "peer": (PEER_APP, "Viser kun {}")}
    out: dict[str, dict[str, float]] = {name: {} for name in apps}
    servers, pages = {}, {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
            ports = {name: _free_port() for name in apps}
            for name, (script, _) in apps.items():
                servers[name] = _start_server(script, db, ports[name])
            for name in apps:
                _started(ports[name])
            for name in apps:  # the first visitor, at once
                pages[name] = browser.new_page(viewport={"width": 1400, "height": 900}, locale="da-DK")
                pages[name].add_init_script(LAST_CHANGE)
                out[name]["first_page_s"] = _open(pages[name], f"http://127.0.0.1:{ports[name]}/")
            for step, districts in PEER_DISTRICTS.items():
                times: dict[str, list[float]] = {name: [] for name in apps}
                for district in districts:
                    for name, (_, note) in apps.items():
                        times[name].append(_choose_district(pages[name], district, note.format(district)))
                for name in apps:
                    out[name][step] = statistics.median(times[name])
                    out[name][step + "_all"] = times[name]
            subprocess.run(
                [sys.executable, "-m", "pipelines", "load", str(folder), "--db", str(db)], cwd=PROJECT_DIR, check=True, capture_output=True
            )
            time.sleep(5)  # a visitor who comes a little after the load
            for name in apps:
                out[name]["new_version_page_s"] = _open(pages[name], f"http://127.0.0.1:{ports[name]}/")
            for name in apps:
                out[name]["server_mb"] = (
                    int(subprocess.run(["ps", "-o", "rss=", "-p", str(servers[name].pid)], capture_output=True, text=True).stdout) / 1024
                )
                out[name]["server_peak_mb"] = _peak_mb(servers[name].pid)
            browser.close()
    finally:
        for server in servers.values():
            server.send_signal(signal.SIGTERM)
            server.wait(30)
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
        result["server"] = measure_server(db)
        result["peer"] = measure_against_peer(db, folder)
        result["load_peak_mb"] = load_rss
        result["app_peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        return result


UPLOAD_IN_A_FRESH_PROCESS = """
import json, resource, sys, tempfile, time
from pathlib import Path
from pipelines import upload
from pipelines.load import load_portfolio
from pipelines.problems import InputRejected
source, tmp = Path(sys.argv[1]), Path(tempfile.mkdtemp())
start = time.perf_counter()
try:
    path = upload.unpack(source.name, source.read_bytes(), tmp / "upload")
    load_portfolio(path, tmp / "upload.duckdb")
    outcome = "indlæst"
except InputRejected as refused:
    outcome = "afvist: " + refused.problems[0].message
print(json.dumps({"s": time.perf_counter() - start, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "outcome": outcome}))
"""
SHARED_STRINGS_PART = (
    b'<Override PartName="/xl/sharedStrings.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml" />'
)


def _zip_folder(folder: Path, target: Path, padding: dict[str, bytes] | None = None) -> Path:
    """Zip a folder of CSV files as an analyst would, with `padding` appended to the named files."""
    import zipfile

    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.glob("*.csv")):
            archive.writestr(path.name, path.read_bytes() + (padding or {}).get(path.name, b""))
    return target


def _with_unused_shared_strings(workbook: Path, target: Path, count: int) -> Path:
    """Copy a workbook and add a shared-string table of `count` strings that no cell uses."""
    import zipfile

    table = (
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">' % (count, count)
        + b"<si><t>x</t></si>" * count
        + b"</sst>"
    )
    with zipfile.ZipFile(workbook) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", SHARED_STRINGS_PART + b"</Types>")
            copy.writestr(item.filename, data)
        copy.writestr("xl/sharedStrings.xml", table)
    return target


def largest_accepted_scale(tmp: Path) -> int:
    """The largest scale of the sample whose zip an upload accepts: within `maxUploadSize` zipped and the unpacked cap.

    Measured on 100× and extrapolated (sizes grow in proportion), with 5 % to spare.
    """
    from pipelines import upload

    subprocess.run([sys.executable, "scripts/scale_sample.py", "100", str(tmp / "probe")], cwd=PROJECT_DIR, check=True, capture_output=True)
    unpacked = sum(path.stat().st_size for path in (tmp / "probe").glob("*.csv"))
    zipped = _zip_folder(tmp / "probe", tmp / "probe.zip").stat().st_size
    import tomllib

    with open(PROJECT_DIR / ".streamlit" / "config.toml", "rb") as config:
        upload_cap = tomllib.load(config)["server"]["maxUploadSize"] * 1_000_000  # in MB
    return int(0.95 * 100 * min(upload_cap / zipped, upload.MAX_UNPACKED_BYTES / unpacked))


def measure_floods(largest_scale: int | None = None) -> list[dict[str, object]]:
    """Upload (unpack and load, each in a fresh process) the sample, the largest accepted zip, and flood files."""
    from pipelines import bounded

    out = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        sample = PROJECT_DIR / "data" / "sample" / "indsatser.xlsx"
        largest_scale = largest_scale or largest_accepted_scale(tmp)
        subprocess.run([sys.executable, "scripts/scale_sample.py", "1", str(tmp / "1")], cwd=PROJECT_DIR, check=True, capture_output=True)
        subprocess.run(
            [sys.executable, "scripts/scale_sample.py", str(largest_scale), str(tmp / "big")],
            cwd=PROJECT_DIR,
            check=True,
            capture_output=True,
        )
        cases = [
            ("eksemplet (indsatser.xlsx), gulvet", sample),
            ("eksemplet som zip med CSV-filer", _zip_folder(tmp / "1", tmp / "eksempel.zip")),
            (f"største accepterede: {_n(largest_scale, 0)}× eksemplet som zip", _zip_folder(tmp / "big", tmp / "stor.zip")),
            ("zip med 20 mio. tomme linjer i budget.csv", _zip_folder(tmp / "1", tmp / "tomme.zip", {"budget.csv": b"\n" * 20_000_000})),
            (
                f"zip med {_n(bounded.MAX_LINES - 1000, 0)} tomme linjer (lige under grænsen)",
                _zip_folder(tmp / "1", tmp / "tomme_under.zip", {"budget.csv": b"\n" * (bounded.MAX_LINES - 1000)}),
            ),
            ("projektmappe med 2 mio. ubrugte delte strenge", _with_unused_shared_strings(sample, tmp / "strenge.xlsx", 2_000_000)),
            (
                f"projektmappe med {_n(bounded.MAX_SHARED_STRINGS, 0)} ubrugte delte strenge (grænsen)",
                _with_unused_shared_strings(sample, tmp / "strenge_under.xlsx", bounded.MAX_SHARED_STRINGS),
            ),
        ]
        for label, path in cases:
            done = subprocess.run(
                [sys.executable, "-c", UPLOAD_IN_A_FRESH_PROCESS, str(path)], cwd=PROJECT_DIR, check=True, capture_output=True, text=True
            )
            result = json.loads(done.stdout.strip().splitlines()[-1])
            out.append({"label": label, "upload_kb": path.stat().st_size / 1024, **result})
            print(f"  {label}: {result['peak_mb']:.0f} MB, {result['s']:.1f} s", flush=True)
    return out


FLOOD_HEADING = "## Store og oppustede uploads"


def flood_report(floods: list[dict[str, object]]) -> str:
    """The section of benchmarks/results.md on uploads: peak memory of each against the sample's plain load."""
    floor = floods[0]["peak_mb"]
    lines = [
        FLOOD_HEADING,
        "",
        "Hver fil pakket ud og indlæst som på siden *Indlæs data* (`upload.unpack`, så `load_portfolio`) i sin egen nye "
        f"proces; maks. hukommelse (max RSS) mod gulvet: en almindelig indlæsning af eksemplet. Målt {date.today().isoformat()}.",
        "",
        "Den største accepterede er den største skalering af eksemplet, der holder sig under `server.maxUploadSize` "
        "som zip og 300 MB pakket ud (5 % til overs).",
        "",
        "| upload | størrelse (kB) | udfald | tid (s) | maks. hukommelse (MB) | mod gulvet |",
        "|---|---|---|---|---|---|",
    ]
    for f in floods:
        outcome = str(f["outcome"])
        outcome = outcome if len(outcome) <= 90 else outcome[:87] + " …"
        lines.append(
            f"| {f['label']} | {_n(f['upload_kb'], 0)} | {outcome} | {_n(f['s'], 1)} | {_n(f['peak_mb'], 0)} "
            f"| {_n(f['peak_mb'] / floor, 1)}× |"
        )
    return "\n".join(lines) + "\n"


def write_flood_section(section: str) -> None:
    """Put the uploads section into benchmarks/results.md, in place of an earlier one, keeping the other figures."""
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark\n"
    if FLOOD_HEADING in text:
        before, _, after = text.partition(FLOOD_HEADING)
        rest = after.split("\n## ", 1)
        text = before + section + ("\n## " + rest[1] if len(rest) > 1 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    RESULTS.write_text(text, encoding="utf-8")


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
        "AppTest-processen kører alle sider i én proces. Serveren er den rigtige app startet som med `make run` "
        "(`MALLOC_ARENA_MAX=2`), drevet i Chromium: *Indsatser* genkørt 20 gange i samme session, og et bydelsfilter, "
        "ingen har valgt før, sat på Overblik (sekunder fra klik til sidens sidste ændring).",
        "",
        "| skala | CSV af Indsatser (rækker) | tid (s) | størrelse (MB) | AppTest-proces maks. (MB) | server efter 1. → 20. genkørsel (MB) | nyt filter i Chromium (s) |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        e, server = r["export"], r.get("server", {})
        nan = float("nan")
        lines.append(
            f"| {r['scale']}× | {_n(e['export_rows'], 0)} | {_n(e['export_s'], 2)} | {_n(e['export_mb'], 1)} | {_n(r['app_peak_mb'], 0)} "
            f"| {_n(server.get('server_first_mb', nan), 0)} → {_n(server.get('server_last_mb', nan), 0)} "
            f"| {_n(server.get('filter_change_s', nan), 1)} |"
        )
    return "\n".join(lines) + "\n" + peer_report(results)


def peer_report(results: list[dict]) -> str:
    """The dashboard against the pandas peer, step by step, in seconds and as a ratio (dashboard ÷ peer)."""
    lines = [
        "",
        "## Første besøgende: dashboardet mod et pandas-peer",
        "",
        f"Peer: `{PEER_APP}`, en enkelt fil med Streamlit og pandas over samme database (år og bydel i sidepanelet, syv "
        "nøgletal, tre søjlediagrammer, én tabel), kørt med Streamlits standardindstillinger som en galleri-app. Begge "
        "startet som med `make run`, drevet skiftevis i samme Chromium lige efter serverstart. Sekunder fra klik til "
        "sidens sidste ændring; forhold = dashboard ÷ peer.",
        "",
        "| skala | trin | dashboard (s) | peer (s) | forhold |",
        "|---|---|---|---|---|",
    ]
    nan = float("nan")
    for r in results:
        peer = r.get("peer") or {}
        if not peer:
            continue
        for step, label in PEER_STEPS.items():
            ours, theirs = peer["dashboard"].get(step, nan), peer["peer"].get(step, nan)
            lines.append(f"| {r['scale']}× | {label} | {_n(ours, 2)} | {_n(theirs, 2)} | {_n(ours / theirs, 2)}× |")
        lines.append(
            f"| {r['scale']}× | serverens hukommelse til sidst (MB) | {_n(peer['dashboard']['server_mb'], 0)} "
            f"| {_n(peer['peer']['server_mb'], 0)} | – |"
        )
        lines.append(
            f"| {r['scale']}× | serverens maks. hukommelse (MB) | {_n(peer['dashboard'].get('server_peak_mb', nan), 0)} "
            f"| {_n(peer['peer'].get('server_peak_mb', nan), 0)} | – |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> None:
    if argv and argv[0] == "--one":
        print(json.dumps(run_scale(int(argv[1]))))
        return
    if argv and argv[0] == "--peer":  # only the comparison with the pandas peer, at one scale; printed, not written
        with tempfile.TemporaryDirectory() as tmp:
            folder, db = Path(tmp) / "csv", Path(tmp) / "bench.duckdb"
            subprocess.run(
                [sys.executable, "scripts/scale_sample.py", argv[1], str(folder)], cwd=PROJECT_DIR, check=True, capture_output=True
            )
            subprocess.run(
                [sys.executable, "-m", "pipelines", "load", str(folder), "--db", str(db)], cwd=PROJECT_DIR, check=True, capture_output=True
            )
            print(peer_report([{"scale": int(argv[1]), "peer": measure_against_peer(db, folder)}]))
        return
    if argv and argv[0] == "--load":  # only `pipelines load` against its floors, at the scales given; printed, not written
        for scale in [int(a) for a in argv[1:]] or [100, 1000]:
            with tempfile.TemporaryDirectory() as tmp:
                folder, db = Path(tmp) / "csv", Path(tmp) / "bench.duckdb"
                subprocess.run(
                    [sys.executable, "scripts/scale_sample.py", str(scale), str(folder)], cwd=PROJECT_DIR, check=True, capture_output=True
                )
                times = measure_load(folder, db, RUNS)
                print(
                    f"| {scale}× | {_n(times['load_s'], 2)} | {_n(times['load_floor_s'], 3)} | {_n(times['load_process_floor_s'], 2)} "
                    f"| {_n(times['load_s'] / times['load_process_floor_s'], 1)}× |",
                    flush=True,
                )
        return
    if argv and argv[0] == "--first-runs-one":  # in its own process: argv = DB cold|warm
        print(json.dumps(measure_first_runs(Path(argv[1]), argv[2] == "warm")))
        return
    if argv and argv[0] == "--first-runs":  # the first run of each page on a new version, cold and warmed; printed
        scale = int(argv[1]) if len(argv) > 1 else 1000
        with tempfile.TemporaryDirectory() as tmp:
            folder, db = Path(tmp) / "csv", Path(tmp) / "bench.duckdb"
            subprocess.run(
                [sys.executable, "scripts/scale_sample.py", str(scale), str(folder)], cwd=PROJECT_DIR, check=True, capture_output=True
            )
            subprocess.run(
                [sys.executable, "-m", "pipelines", "load", str(folder), "--db", str(db)], cwd=PROJECT_DIR, check=True, capture_output=True
            )
            runs = {}
            for way in ("cold", "warm"):
                done = subprocess.run(
                    [sys.executable, __file__, "--first-runs-one", str(db), way],
                    cwd=PROJECT_DIR,
                    capture_output=True,
                    text=True,
                    check=True,
                )
                runs[way] = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"Opvarmning ved {scale}×: {_n(runs['warm']['warming_s']['s'], 1)} s, {_n(runs['warm']['warming_s']['mb'], 0)} MB")
        print("| visning | side | kold (s) | efter opvarmning (s) |\n|---|---|---|---|")
        for view in ("uden filter", "Valby"):
            for title, cold in runs["cold"][view].items():
                print(f"| {view} | {title} | {_n(cold, 2)} | {_n(runs['warm'][view][title], 2)} |")
        return
    if argv and argv[0] == "--flood":  # only the uploads' peak memory, into the existing results
        print("Uploads …", flush=True)
        write_flood_section(flood_report(measure_floods(int(argv[1]) if len(argv) > 1 else None)))
        print(f"Skrevet: {RESULTS.relative_to(PROJECT_DIR)}")
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
    print("Uploads …", flush=True)
    floods = measure_floods()
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(report(results) + "\n" + flood_report(floods), encoding="utf-8")
    RESULTS.with_suffix(".json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    print(f"Skrevet: {RESULTS.relative_to(PROJECT_DIR)}")


if __name__ == "__main__":
    main(sys.argv[1:])
