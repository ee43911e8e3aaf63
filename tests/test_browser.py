"""The real app in Debian's Chromium, driven by Playwright: every page, the district filter, a CSV download.

Screenshots of every page are saved under tests/artifacts/ (git-ignored) for people to look at.
Skipped with a reason where Chromium is not installed (`apt-get install chromium chromium-driver`).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from pipelines.load import build

PROJECT_DIR = Path(__file__).resolve().parent.parent
ARTIFACTS = PROJECT_DIR / "tests" / "artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PAGES = [
    ("Overblik", "overblik"),
    ("Økonomi", "oekonomi"),
    ("Unge 18–25", "unge"),
    ("Strategiske mål", "maal"),
    ("Indsatser", "indsatser"),
    ("Om data", "om-data"),
]
HEADINGS = {"Unge 18–25": "Unge 18–25 år"}

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium mangler: installér Debians pakker med `apt-get install chromium chromium-driver` (.ci/run gør det)."
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    """Start the real app with `streamlit run` on a free local port, on the sample database."""
    db = tmp_path_factory.mktemp("browser") / "sikkerby.duckdb"
    build(db)
    port = free_port()
    env = {**os.environ, "SIKKERBY_DB": str(db)}
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(PROJECT_DIR / "dashboard" / "app.py"),
        "--server.port",
        str(port),
        "--server.headless",
        "true",
    ]
    server = subprocess.Popen(command, cwd=PROJECT_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).read() == b"ok":
                    break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("Streamlit svarede ikke på /_stcore/health inden for 60 sekunder")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)


@pytest.fixture(scope="module")
def browser():
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


def wait_until_settled(page) -> None:
    """Wait until Streamlit has finished running the script and every chart is drawn."""
    page.wait_for_selector("[data-testid='stApp']")
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30_000)
    page.wait_for_timeout(800)
    page.wait_for_function(
        "() => [...document.querySelectorAll('.js-plotly-plot')].every(p => p.querySelector('.main-svg'))", timeout=30_000
    )


def screenshot(page, path: Path) -> None:
    """Save the whole page: Streamlit scrolls inside its main area, so grow the window to fit it first."""
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": 1440, "height": max(1000, min(int(height) + 40, 12000))})
    page.wait_for_timeout(500)
    page.screenshot(path=str(path))
    page.set_viewport_size({"width": 1440, "height": 1000})


def test_every_page_filter_and_csv_download(app_url, browser):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1440, "height": 1000}, accept_downloads=True, locale="da-DK")
    page.goto(app_url)
    wait_until_settled(page)

    for title, slug in PAGES:
        page.get_by_role("link", name=title).first.click()
        page.get_by_role("heading", name=HEADINGS.get(title, title), level=1).wait_for()
        wait_until_settled(page)
        assert page.locator("[data-testid='stException']").count() == 0, f"fejl på siden {title}"
        screenshot(page, ARTIFACTS / f"{slug}.png")

    page.get_by_role("link", name="Indsatser").first.click()
    page.get_by_role("heading", name="Indsatser", level=1).wait_for()
    wait_until_settled(page)
    page.locator("[data-testid='stSidebar'] [data-testid='stMultiSelect']").first.click()
    page.get_by_role("option", name="Nørrebro").click()
    page.keyboard.press("Escape")
    page.get_by_text("Viser kun budget og aktivitet henført til Nørrebro").wait_for()
    wait_until_settled(page)
    assert "bydel=3" in page.url
    screenshot(page, ARTIFACTS / "indsatser_norrebro.png")

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Hent tabel (CSV)").click()
    download = download_info.value
    assert download.suggested_filename == "indsatser_2013_Norrebro.csv"
    content = Path(download.path()).read_bytes()
    assert content.startswith(b"\xef\xbb\xbf")
    header = content.decode("utf-8-sig").splitlines()[0]
    assert header.split(";")[:3] == ["Id", "Indsats", "Forvaltning"]

    shared = browser.new_page(viewport={"width": 1440, "height": 1000})
    shared.goto(page.url)
    shared.get_by_text("Viser kun budget og aktivitet henført til Nørrebro").wait_for()
    shared.close()
    page.close()
