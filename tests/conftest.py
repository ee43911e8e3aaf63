"""Shared fixtures: a small valid portfolio written as CSV or xlsx, and databases under tmp_path."""

from __future__ import annotations

import functools
import hashlib
import io
import os
import shutil
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR / "scripts"))
# No background warming of caches in the suite (every test's own database would be warmed on two cores);
# tests/test_warmup.py warms where it tests warming. Servers the browser tests start inherit this.
os.environ.setdefault("SIKKERBY_WARM", "0")

from streamlit.components.v2 import manifest_scanner  # noqa: E402
from streamlit.runtime.media_file_manager import MediaFileManager  # noqa: E402
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage  # noqa: E402
from streamlit.runtime.scriptrunner.script_cache import ScriptCache  # noqa: E402
from streamlit.testing.v1 import app_test  # noqa: E402

from pipelines.load import build, load_portfolio  # noqa: E402
from tests.apptest_helpers import Downloads  # noqa: E402

# Every new AppTest scans all installed packages for Streamlit components (0,1–0,4 s each, more than most page
# runs here); the packages do not change during a run, so the suite scans once. A server scans once at start.
manifest_scanner.scan_component_manifests = functools.cache(manifest_scanner.scan_component_manifests)
# Each AppTest run also compiles the app and its page anew (a tenth of a page run here); a server compiles each
# script once until the file changes, and no test changes the app's files, so the suite shares one cache.
_SCRIPTS = ScriptCache()
app_test.ScriptCache = lambda: _SCRIPTS


# --- `make test` on two workers (pytest-xdist, `-n auto --dist loadscope`) ------------------------------------
# The browser tests run one after another on one worker, from the start, while the other worker takes the rest
# module by module; a module's tests stay together, so its module-wide fixture is built once. (xdist's own
# `xdist_group` mark does nothing under pytest 9.2, which no longer lets it rename tests.)
BROWSER_MODULES = ("tests/test_browser.py", "tests/test_browser_accessibility.py", "tests/test_browser_signin.py")


def pytest_collection_modifyitems(config, items) -> None:
    if os.environ.get("PYTEST_XDIST_WORKER"):  # the same order on every worker: the browser tests first
        items.sort(key=lambda item: item.nodeid.split("::", 1)[0] not in BROWSER_MODULES)


def pytest_xdist_make_scheduler(config, log):
    if config.getvalue("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class BrowserFirst(LoadScopeScheduling):
        """One unit of work per test module, and one for the three browser modules, given out in collection order."""

        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0]
            return "browser" if module in BROWSER_MODULES else module

    config.option.loadscopereorder = False  # keep the browser unit first
    return BrowserFirst(config, log)


def small_portfolio() -> dict[str, pd.DataFrame]:
    """Return three initiatives in the contract's format, typed in as an analyst would."""
    initiatives = pd.DataFrame(
        [
            [
                "SOF-001",
                "Væresteder for 18-25-årige",
                "SOF",
                "Socialt udsatte unge over 18 år",
                "værested",
                "Unge 18-25",
                "18",
                "25",
                "x",
                "",
                "x",
                "",
                "ny",
                "delvist",
                "",
                "",
                "lovende",
            ],
            [
                "BUF-001",
                "Kort Snor",
                "Børne- og Ungdomsforvaltningen",
                "Socialt udsatte unge under 18 år",
                "kontaktperson",
                "Unge under 18",
                "12",
                "17",
                "",
                "x",
                "",
                "",
                "eksisterende",
                "finansieret",
                "",
                "",
                "",
            ],
            [
                "TMF-001",
                "Tryghedsbelysning",
                "TMF",
                "Lokal indsats",
                "byrum",
                "Alle borgere",
                "0",
                "99",
                "x",
                "",
                "",
                "x",
                "eksisterende",
                "finansieret",
                "x",
                "Lav effekt",
                "ukendt",
            ],
        ],
        columns=[
            "indsats_id",
            "navn",
            "forvaltning",
            "indsatsomraade",
            "karakter",
            "maalgruppe",
            "alder_min",
            "alder_max",
            "maal_tryghed",
            "maal_tidlig_indsats",
            "maal_exit",
            "maal_koordinering",
            "status",
            "finansiering",
            "goeres_mindre_af",
            "begrundelse",
            "evidens",
        ],
    )
    budget = pd.DataFrame(
        [
            ["SOF-001", "2010", "Nørrebro", "1234567.5", "1000000", "kommune"],
            ["SOF-001", "2010", "Bispebjerg", "500000", "", "satspulje"],
            ["BUF-001", "2010", "Hele byen", "2000000", "1900000", ""],
            ["TMF-001", "2011", "", "750000.25", "", "andet"],
        ],
        columns=["indsats_id", "aar", "bydel", "budget_kr", "forbrug_kr", "kilde"],
    )
    activity = pd.DataFrame(
        [
            ["SOF-001", "2010", "Nørrebro", "120", "110", "40"],
            ["BUF-001", "2010", "", "85", "0", ""],
        ],
        columns=["indsats_id", "aar", "bydel", "deltagere", "heraf_18_25", "pladser"],
    )
    effects = pd.DataFrame(
        [["SOF-001", "2013", "Unge der kommer fast", "personer", "50", "120", "80.5"]],
        columns=["indsats_id", "aar", "indikator", "enhed", "baseline", "maal", "aktuel"],
    )
    return {"indsatser": initiatives, "budget": budget, "aktivitet": activity, "effektmaal": effects}


DANISH_NUMBER_COLUMNS = ("budget_kr", "forbrug_kr", "baseline", "maal", "aktuel")


def as_danish_numbers(sheets: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Rewrite plain numbers as Danish Excel shows them: `1234567.5` → `1.234.567,5`."""
    out = {}
    for name, frame in sheets.items():
        frame = frame.copy()
        for column in DANISH_NUMBER_COLUMNS:
            if column in frame:
                frame[column] = frame[column].map(_danish)
        out[name] = frame
    return out


def _danish(text: str) -> str:
    if not text:
        return text
    whole, _, decimals = text.partition(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    return grouped + ("," + decimals if decimals else "")


def write_csv_folder(sheets: dict[str, pd.DataFrame], folder: Path, sep: str = ";", encoding: str = "utf-8-sig") -> Path:
    """Write one CSV per sheet, as Excel's 'CSV (semikolonsepareret)' does."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in sheets.items():
        frame.to_csv(folder / f"{name}.csv", sep=sep, index=False, encoding=encoding)
    return folder


def zip_of(members: dict[str, bytes]) -> bytes:
    """A zip (deflated) with these members, as an analyst's upload."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def write_xlsx(sheets: dict[str, pd.DataFrame], path: Path) -> Path:
    """Write the sheets to a workbook."""
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name, index=False)
    return path


@pytest.fixture(autouse=True)
def scenario_store(tmp_path, monkeypatch) -> Path:
    """Every test gets its own empty scenario store; nothing is written to data/scenarios.sqlite."""
    store = tmp_path / "scenarios.sqlite"
    monkeypatch.setenv("SIKKERBY_SCENARIOS", str(store))
    return store


@pytest.fixture(autouse=True)
def audit_store(tmp_path, monkeypatch) -> Path:
    """Every test gets its own empty audit trail; nothing is written to data/audit.sqlite."""
    store = tmp_path / "audit.sqlite"
    monkeypatch.setenv("SIKKERBY_AUDIT", str(store))
    return store


@pytest.fixture
def portfolio() -> dict[str, pd.DataFrame]:
    return small_portfolio()


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory) -> Path:
    """The database `make run` builds: real reference data and the sample portfolio."""
    db = tmp_path_factory.mktemp("sample") / "sikkerby.duckdb"
    build(db)
    return db


class LoadedCopies:
    """Loads for fixtures: the first load of some CSV files is a real `load_portfolio`; a later load of the same
    files into a new database is a copy of that database file (a millisecond against a load's quarter second;
    337 tests start from the small portfolio). A load over an existing database is always real, so versions are
    kept as they would be. Tests of loading itself call `load_portfolio`, never this.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.made: dict[str, Path] = {}

    def load(self, sheets: dict[str, pd.DataFrame], csv_folder: Path, db: Path) -> Path:
        source = write_csv_folder(sheets, csv_folder)
        if db.exists():
            load_portfolio(source, db)
            return db
        files = sorted(source.iterdir())
        key = hashlib.sha256(b"\0".join(file.name.encode() + b"\0" + file.read_bytes() for file in files)).hexdigest()
        if key not in self.made:
            first = self.folder / f"{key}.duckdb"
            load_portfolio(source, first)
            self.made[key] = first
        shutil.copyfile(self.made[key], db)
        return db


@pytest.fixture(scope="session")
def loaded_copies(tmp_path_factory) -> LoadedCopies:
    return LoadedCopies(tmp_path_factory.mktemp("first_loads"))


@pytest.fixture
def small_db(tmp_path, loaded_copies) -> Path:
    """A database with the three-initiative portfolio loaded."""
    return loaded_copies.load(small_portfolio(), tmp_path / "csv", tmp_path / "small.duckdb")


@pytest.fixture
def app_on_portfolio(tmp_path, monkeypatch, loaded_copies):
    """Return a function that loads a variant of the small portfolio and points the app at it."""

    def load(sheets: dict[str, pd.DataFrame], name: str = "variant") -> Path:
        db = loaded_copies.load(sheets, tmp_path / name, tmp_path / f"{name}.duckdb")
        monkeypatch.setenv("SIKKERBY_DB", str(db))
        return db

    return load


@pytest.fixture
def downloads(monkeypatch) -> Downloads:
    """Record the bytes the app hands to Streamlit's media storage for each download."""
    captured = Downloads()
    original = MemoryMediaFileStorage.load_and_get_id

    def recording(self, path_or_data, mimetype, kind, filename=None):
        file_id = original(self, path_or_data, mimetype, kind, filename)
        captured.files[file_id] = (filename, path_or_data)
        return file_id

    original_deferred = MediaFileManager.add_deferred

    def recording_deferred(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        file_id = original_deferred(self, data_callable, mimetype, coordinates, file_name, **kwargs)
        captured.on_click[file_id] = (file_name, data_callable)
        return file_id

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", recording)
    monkeypatch.setattr(MediaFileManager, "add_deferred", recording_deferred)
    return captured


# --- The browser tests' Chromium and database (tests/test_browser*.py) ---------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def browser_db(tmp_path_factory) -> Path:
    """The database the browser tests' app reads: the sample, as `make run` builds it."""
    db = tmp_path_factory.mktemp("browser") / "sikkerby.duckdb"
    build(db)
    return db


@pytest.fixture(scope="session")
def browser():
    """One Chromium for every browser test of the run (each test opens its own pages or contexts)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield chromium
        chromium.close()
