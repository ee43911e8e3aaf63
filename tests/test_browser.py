"""The real app in Debian's Chromium, driven by Playwright: every page, the district filter, a CSV download.

`make screenshots` (SIKKERBY_SCREENSHOTS=1) also saves screenshots of every page at 1920, 1400, 768 and 390 px,
with and without a district filter, under tests/artifacts/ (git-ignored) for people to look at. `make test`
runs the same steps and assertions without them: they assert nothing, and drawing 100 full pages took most of
the browser tests' time.
Skipped with a reason where Chromium is not installed (`apt-get install chromium chromium-driver`).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from pipelines.load import build
from tests.conftest import CHROMIUM

PROJECT_DIR = Path(__file__).resolve().parent.parent
ARTIFACTS = PROJECT_DIR / "tests" / "artifacts"
PAGES = [
    ("Overblik", "overblik"),
    ("Økonomi", "oekonomi"),
    ("Unge 18–25", "unge"),
    ("Strategiske mål", "maal"),
    ("Indsatser", "indsatser"),
    ("Mangler finansiering", "finansiering"),
    ("Prioritering", "prioritering"),
    ("Scenarier", "scenarier"),
    ("Beslutninger", "beslutninger"),
    ("Indsatsområder", "indsatsomraader"),
    ("Om data", "om-data"),
    ("Tilgængelighed", "tilgaengelighed"),
    ("Indlæs data", "data"),
]
HEADINGS = {"Unge 18–25": "Unge 18–25 år", "Tilgængelighed": "Tilgængelighedserklæring"}
WIDTHS = (1920, 1400, 768, 390)
SCREENSHOTS = os.environ.get("SIKKERBY_SCREENSHOTS") == "1"  # `make screenshots`

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium mangler: installér Debians pakker med `apt-get install chromium chromium-driver` (.ci/run gør det)."
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def streamlit_command(port: int, *options: str) -> list[str]:
    """`streamlit run` of the app on 127.0.0.1 at `port`, headless, with any further command-line options."""
    app = str(PROJECT_DIR / "dashboard" / "app.py")
    return [sys.executable, "-m", "streamlit", "run", app, "--server.port", str(port), "--server.headless", "true", *options]


@pytest.fixture(scope="module")
def app_url(browser_db):
    """Start the real app with `streamlit run` on a free local port, on the sample database."""
    db = browser_db
    port = free_port()
    env = {
        **os.environ,
        "SIKKERBY_DB": str(db),
        "SIKKERBY_SCENARIOS": str(db.parent / "scenarios.sqlite"),
        "SIKKERBY_AUDIT": str(db.parent / "audit.sqlite"),
    }
    server = subprocess.Popen(streamlit_command(port), cwd=PROJECT_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
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


def wait_until_settled(page) -> None:
    """Wait until Streamlit has finished running the script and every chart is drawn (conditions, never sleeps)."""
    page.wait_for_selector("[data-testid='stApp']")
    page.wait_for_function(
        """() => {
            const app = document.querySelector('[data-testid="stApp"]');
            const running = document.querySelector('[data-testid="stStatusWidget"]');
            const stale = document.querySelector('[data-stale="true"]');
            const plots = [...document.querySelectorAll('.js-plotly-plot')];
            const block = document.querySelector('[data-testid="stMainBlockContainer"]');
            const height = block ? Math.round(block.getBoundingClientRect().height) : -1;
            const steady = window.__settledHeight === height;  // unchanged since the last poll: layout is done
            window.__settledHeight = height;
            return app && !running && !stale && steady && plots.every(p => p.querySelector('.main-svg'));
        }""",
        polling=250,
        timeout=60_000,
    )


def screenshot(page, path: Path, width: int) -> None:
    """Save the whole page at `width` px (only under `make screenshots`): Streamlit scrolls inside its main area, so
    grow the window to fit it first."""
    if not SCREENSHOTS:
        return
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": width, "height": 900})
    wait_until_settled(page)
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMainBlockContainer\"]').getBoundingClientRect().height + 160")
    page.set_viewport_size({"width": width, "height": max(900, min(int(height) + 40, 14000))})
    wait_until_settled(page)
    page.screenshot(path=str(path))
    page.set_viewport_size({"width": 1400, "height": 900})


def snapshot(page, path: Path, **options) -> None:
    """Save the page as it is now under tests/artifacts/ (only under `make screenshots`)."""
    if SCREENSHOTS:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(path), **options)


def open_page(page, title: str) -> None:
    click_page_link(page, title)
    wait_for_page(page, title)


def click_page_link(page, title: str) -> None:
    """Click the menu link to a page, without waiting for the page (so several sessions can click at once)."""
    page.get_by_role("link", name=title).first.click()


def wait_for_page(page, title: str) -> None:
    page.get_by_role("heading", name=HEADINGS.get(title, title), level=1).wait_for()
    wait_until_settled(page)


def ranking_districts(page) -> list[list[str]]:
    """Return the district names on each horizontal bar chart of the page (as plotly holds them)."""
    return page.evaluate(
        """() => [...document.querySelectorAll('.js-plotly-plot')]
            .map(p => p.data && p.data[0])
            .filter(t => t && t.type === 'bar' && t.orientation === 'h')
            .map(t => [...t.y])"""
    )


def test_every_page_with_and_without_a_district_filter_and_at_four_widths_under_make_screenshots(app_url, browser):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1400, "height": 900}, accept_downloads=True, locale="da-DK")
    page.goto(app_url)
    wait_until_settled(page)
    for title, slug in PAGES:
        open_page(page, title)
        assert page.locator("[data-testid='stException']").count() == 0, f"fejl på siden {title}"
        assert page.locator(".modebar").count() == 0, "plotly's engelske værktøjslinje vises"
        for width in WIDTHS:
            screenshot(page, ARTIFACTS / f"{slug}_{width}.png", width)
        if title == "Om data":  # the load log's four columns fit a laptop: its cue to scroll is for a tablet or phone
            cue = page.get_by_text("Tabellen har 4 kolonner: rul vandret").first
            assert not cue.is_visible()
            page.set_viewport_size({"width": 390, "height": 900})
            assert cue.is_visible()
            page.set_viewport_size({"width": 1400, "height": 900})

    open_page(page, "Overblik")
    page.locator("[data-testid='stSidebar'] [data-testid='stMultiSelect']").first.click()
    page.get_by_role("option", name="Nørrebro").wait_for()
    page.get_by_role("option", name="Nørrebro").click(force=True)  # the open list re-renders while it settles
    page.keyboard.press("Escape")
    page.get_by_text("Viser kun budget og aktivitet henført til Nørrebro").first.wait_for()
    wait_until_settled(page)
    assert "bydel=N%C3%B8rrebro" in page.url
    for title, slug in PAGES:
        open_page(page, title)
        assert page.locator("[data-testid='stException']").count() == 0, f"fejl på siden {title} med bydelsfilter"
        for width in WIDTHS:
            screenshot(page, ARTIFACTS / f"{slug}_norrebro_{width}.png", width)
        if title in ("Økonomi", "Unge 18–25"):
            rankings = [names for names in ranking_districts(page) if "Valby" in names]  # the district rankings
            assert rankings and all(len(names) == 10 for names in rankings), rankings
            text = page.locator("[data-testid='stMain']").inner_text()
            assert not re.search(r"(Lavest[^\n]*|Færrest unge nås i )Nørrebro", text), "Nørrebro kaldes den laveste"

    open_page(page, "Indsatser")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Hent tabel (CSV)").click()
    download = download_info.value
    assert download.suggested_filename == "indsatser_2013_Norrebro.csv"
    content = Path(download.path()).read_bytes()
    assert content.startswith(b"\xef\xbb\xbf")
    header = content.decode("utf-8-sig").splitlines()[0]
    assert header.split(";")[:3] == ["Indsats", "Budget (kr.)", "Kr./deltager"]

    shared = browser.new_page(viewport={"width": 1400, "height": 900})
    shared.goto(page.url)
    shared.get_by_text("Viser kun budget og aktivitet henført til Nørrebro").first.wait_for()
    shared.close()
    page.close()


def test_the_start_page_opens_at_its_own_address(app_url, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(f"{app_url}/overblik?bydel=Valby")
    page.get_by_role("heading", name="Overblik", level=1).wait_for()
    wait_until_settled(page)
    assert page.get_by_text("Page not found").count() == 0
    page.get_by_text("henført til Valby").first.wait_for()
    page.close()


def test_a_scenario_is_made_saved_and_listed_again_after_a_reload(app_url, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 900}, locale="da-DK")
    page.goto(f"{app_url}/scenarier")
    page.get_by_role("heading", name="Scenarier", level=1).wait_for()
    wait_until_settled(page)
    # the sample's whole 2013 budget (waited for: once a fresh page looked settled before its second figure was drawn)
    expect(page.locator("[data-testid='stMetric']").nth(1)).to_contain_text("384,4 mio. kr.", timeout=30_000)
    page.get_by_role("combobox", name="Indsats", exact=True).click()
    page.keyboard.type("Kort Snor")
    page.get_by_role("option", name=re.compile(r"^Kort Snor \(BUF-001\)")).click()
    page.get_by_role("button", name="Tilføj ændring").click()
    # Kort Snor's 14,7 mio. kr. less: the change's first choice is Stop
    expect(page.locator("[data-testid='stMetric']").nth(1)).to_contain_text("369,7 mio. kr.", timeout=30_000)
    wait_until_settled(page)
    page.get_by_label("Scenariets navn").fill("Uden Kort Snor")
    page.get_by_label("Scenariets navn").press("Enter")
    wait_until_settled(page)
    page.get_by_role("button", name="Gem scenarie").click()
    page.get_by_text("er gemt").first.wait_for()
    for width in WIDTHS:
        screenshot(page, ARTIFACTS / f"scenarier_aendret_{width}.png", width)
    page.reload()
    page.get_by_role("heading", name="Scenarier", level=1).wait_for()
    wait_until_settled(page)
    page.get_by_text("Gemte scenarier (1)").wait_for()
    page.close()


def test_the_committee_brief_opens_offline_and_prints_a_page_per_annex(browser, tmp_path):
    from datetime import date

    from dashboard import brief, database, queries
    from dashboard.filters import Filters

    db = tmp_path / "sikkerby.duckdb"
    build(db)
    with database.reading(db) as version:
        source = queries.source_of(version)
        districts = queries.districts(source)
        names = dict(zip(districts["district_id"], districts["name"], strict=True))
        html = brief.committee_brief(source, Filters(year=2013), queries.dataset_facts(source), names, date.today())
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / "udvalgsnotat.html"
    path.write_text(html, encoding="utf-8")
    context = browser.new_context(offline=True)  # nothing may come from the network
    page = context.new_page()
    page.goto(path.as_uri())
    assert page.locator("main figure.chart svg[role='img']").count() == 1  # the goal chart, drawn without a script
    from axe_playwright_python.sync_playwright import Axe

    findings = [v["id"] for v in Axe().run(page).response["violations"] if v["impact"] in ("serious", "critical")]
    assert not findings, findings  # the brief is the project's own markup: nothing is Streamlit's here
    snapshot(page, ARTIFACTS / "udvalgsnotat.png")
    pdf = page.pdf(path=str(ARTIFACTS / "udvalgsnotat.pdf"), format="A4", print_background=True)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages >= 8, pages  # front matter, six annexes and the unfinanced list each start a page
    context.close()


def upload(page, path: Path) -> None:
    page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(str(path))


def test_an_analyst_loads_refused_and_good_files_goes_live_and_restores(app_url, browser, browser_db, tmp_path):
    import hashlib

    from tests.conftest import small_portfolio, write_xlsx

    def sha() -> str:
        return hashlib.sha256(browser_db.read_bytes()).hexdigest()

    page = browser.new_page(viewport={"width": 1400, "height": 900}, locale="da-DK")
    page.goto(f"{app_url}/data")
    page.get_by_role("heading", name="Indlæs data", level=1).wait_for()
    wait_until_settled(page)
    before = sha()

    broken = small_portfolio()
    broken["budget"].loc[0, "budget_kr"] = "mange penge"
    broken["budget"].loc[1, "bydel"] = "Narnia"
    broken["indsatser"].loc[2, "status"] = "måske"
    upload(page, write_xlsx(broken, tmp_path / "tre_fejl.xlsx"))
    page.get_by_text("blev ikke indlæst: 3 problem(er)").wait_for()
    wait_until_settled(page)
    screenshot(page, ARTIFACTS / "data_afvist_1400.png", 1400)
    assert sha() == before

    hostile = tmp_path / "ond.zip"
    with zipfile.ZipFile(hostile, "w") as archive:
        archive.writestr("../../etc/evil.csv", "a;b\n")
    upload(page, hostile)
    page.get_by_text("ond.zip blev ikke indlæst").wait_for()
    assert sha() == before

    upload(page, PROJECT_DIR / "data" / "sample" / "indsatser.xlsx")
    page.get_by_text("overholder kontrakten").wait_for()
    wait_until_settled(page)
    screenshot(page, ARTIFACTS / "data_klar_1400.png", 1400)
    page.get_by_role("button", name="Gør data live").click()
    page.get_by_text(
        "er live. Alle sider viser de nye tal"
    ).first.wait_for()  # the toast of this go-live (earlier versions may be listed already)
    wait_until_settled(page)
    assert sha() != before  # a new version (same figures: the sample again) is live
    page.get_by_role("button", name="Gendan").click()
    page.get_by_text("Versionen er live igen").wait_for()
    wait_until_settled(page)
    assert sha() == before  # the first version is live again, byte for byte
    page.close()


LOAD_SESSIONS = int(os.environ.get("SIKKERBY_LOAD_SESSIONS", "5"))  # `make bench` runs 20


def test_sessions_clicking_while_the_data_is_swapped_never_mix_two_versions(app_url, browser, browser_db, tmp_path):
    """Issue 10: sessions click through pages while the data is swapped five times between two portfolios.

    After every swap, each open session's next clicks show the new version, never an error, and the start
    page's decided budget equals the decided rows of the Indsatser table's CSV in the same session.
    """
    import io

    import pandas as pd

    from pipelines.load import load_portfolio
    from tests.conftest import small_portfolio, write_csv_folder

    portfolios = [PROJECT_DIR / "data" / "sample" / "indsatser.xlsx", write_csv_folder(small_portfolio(), tmp_path / "small")]
    contexts = [
        browser.new_context(viewport={"width": 1400, "height": 900}, locale="da-DK", accept_downloads=True) for _ in range(LOAD_SESSIONS)
    ]
    pages = [context.new_page() for context in contexts]
    for page in pages:
        page.goto(app_url)
        page.get_by_role("heading", name="Overblik", level=1).wait_for()
    try:
        for swap in range(6):  # the first round reads the data as it is; then five swaps
            if swap:
                load_portfolio(portfolios[swap % 2], browser_db)
            decided = []
            for page in pages:  # every session clicks at once, so the server runs their pages side by side
                click_page_link(page, "Overblik")
            for page in pages:
                wait_for_page(page, "Overblik")
                assert page.locator("[data-testid='stException']").count() == 0
                assert page.get_by_text("Der skete en fejl").count() == 0
                decided.append(page.locator("[data-testid='stMetric']").filter(has_text="Besluttet budget").first.inner_text())
            for page in pages:
                click_page_link(page, "Indsatser")
            for page, decided_here in zip(pages, decided, strict=True):
                wait_for_page(page, "Indsatser")
                try:
                    with page.expect_download() as download_info:
                        page.get_by_role("button", name="Hent tabel (CSV)").click()
                except Exception:
                    ARTIFACTS.mkdir(parents=True, exist_ok=True)  # what went wrong, whether or not screenshots were asked for
                    page.screenshot(path=str(ARTIFACTS / f"belastning_fejl_{swap}.png"), full_page=True)
                    raise
                rows = pd.read_csv(io.BytesIO(Path(download_info.value.path()).read_bytes()), sep=";", decimal=",", encoding="utf-8-sig")
                total = rows.loc[rows["Status"] != "Foreslået", "Budget (kr.)"].sum()
                shown = f"{total / 1e6:,.1f}".replace(",", "X").replace(".", ",").replace("X", ".")
                assert shown in decided_here, (swap, shown, decided_here)
    finally:
        for context in contexts:
            context.close()
        load_portfolio(portfolios[0], browser_db)  # the sample again, for any test after this one


def test_a_decision_is_recorded_a_new_version_goes_live_and_the_follow_up_reads_it(app_url, browser, browser_db, tmp_path):
    """Issue 19: adopt a scenario, load a second version through Indlæs data, read the follow-up; then restore."""
    import openpyxl

    from dashboard import scenario_store
    from dashboard.scenarios import Change, Scenario

    scenario_store.save(
        Scenario(name="Stop Kort Snor 2013", year=2013, changes={"BUF-001": Change(step=-1.0)}),
        "analytiker@kk.dk",
        path=browser_db.parent / "scenarios.sqlite",
    )
    page = browser.new_page(viewport={"width": 1400, "height": 900}, locale="da-DK")
    page.goto(f"{app_url}/beslutninger")
    page.get_by_role("heading", name="Beslutninger", level=1).wait_for()
    wait_until_settled(page)
    form = page.locator("[data-testid='stForm']")
    if not form.is_visible():
        page.get_by_text("Registrér en beslutning").click()
    scenario = page.get_by_role("combobox", name="Scenarie, som udvalget vedtog")
    scenario.click()
    page.get_by_role("option", name="Stop Kort Snor 2013").click()
    page.get_by_role("spinbutton", name="day, Mødedato").click()  # the date field's segments: day, month, year
    page.keyboard.type("13042013")
    page.get_by_label("Møde og punkt").fill("Økonomiudvalget 13.04.2013, punkt 6")
    page.get_by_role("button", name="Registrér beslutningen").click()
    page.get_by_role("heading", name=re.compile(r"Opfølgning på nr\. \d+")).wait_for()
    wait_until_settled(page)
    main = page.locator("[data-testid='stMain']")
    expect(main).to_contain_text("0 af 1 besluttede ændringer er gennemført.")
    expect(main).to_contain_text("Kort Snor (BUF-001) har stadig fuldt budget i 2013")
    for width in WIDTHS:
        screenshot(page, ARTIFACTS / f"beslutninger_foer_{width}.png", width)

    carried_out = tmp_path / "uden_kort_snor_2013.xlsx"  # the sample, with Kort Snor's 2013 budget taken out as decided
    book = openpyxl.load_workbook(PROJECT_DIR / "data" / "sample" / "indsatser.xlsx")
    for row in book["budget"].iter_rows(min_row=2):
        if row[0].value == "BUF-001" and row[1].value == 2013:
            row[3].value = 0
    book.save(carried_out)
    page.goto(f"{app_url}/data")
    page.get_by_role("heading", name="Indlæs data", level=1).wait_for()
    wait_until_settled(page)
    upload(page, carried_out)
    page.get_by_text("overholder kontrakten").wait_for()
    wait_until_settled(page)
    page.get_by_role("button", name="Gør data live").click()
    page.get_by_text(
        "er live. Alle sider viser de nye tal"
    ).first.wait_for()  # the toast of this go-live (earlier versions may be listed already)
    wait_until_settled(page)

    page.goto(f"{app_url}/beslutninger")
    page.get_by_role("heading", name=re.compile(r"Opfølgning på nr\. \d+")).wait_for()
    wait_until_settled(page)
    expect(main).to_contain_text("1 af 1 besluttede ændringer er gennemført.")
    expect(main).to_contain_text("Ingen andre indsatsers budget for 2013 er ændret uden en beslutning.")
    for width in WIDTHS:
        screenshot(page, ARTIFACTS / f"beslutninger_efter_{width}.png", width)

    page.goto(f"{app_url}/data")  # leave the sample live for the tests after this one
    page.get_by_role("heading", name="Indlæs data", level=1).wait_for()
    wait_until_settled(page)
    page.get_by_role("button", name="Gendan").click()
    page.get_by_text("Versionen er live igen").wait_for()
    page.close()
