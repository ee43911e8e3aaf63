"""WCAG 2.1 AA in the real app, in Debian's Chromium: a real axe-core (the one `axe-playwright-python` ships)
on every page, and the filter, a download and a scenario change by keyboard alone.

axe's findings are saved to tests/artifacts/axe.json for the accessibility statement. The test fails on a
serious or critical finding the project causes; findings in Streamlit's own markup are listed in
`STREAMLIT_FINDINGS` (and on *Tilgængelighed*), with where they come from, not hidden.
"""

from __future__ import annotations

import contextlib
import json
import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from tests.conftest import CHROMIUM
from tests.test_browser import ARTIFACTS, PAGES, app_url, open_page, wait_until_settled  # noqa: F401 - app_url is a fixture

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium mangler: `apt-get install chromium` (.ci/run gør det).")

# Streamlit's sidebar menu with sections puts each section's <div> straight inside its <ul>, so the <li>s
# have no list parent (streamlit/frontend `SidebarNav`); the project cannot change that markup.
STREAMLIT_FINDINGS = {
    "list": '[data-testid="stSidebarNavItems"]',
    "listitem": '[data-testid="stSidebarNavItems"]',
}
BLOCKING = ("serious", "critical")


def streamlit_caused(page, rule: str, node: dict) -> bool:
    """Whether a finding's element lies in the Streamlit markup listed for its rule."""
    inside = STREAMLIT_FINDINGS.get(rule)
    if inside is None:
        return False
    selector = node["target"][0]
    return bool(page.evaluate("([s, i]) => { const e = document.querySelector(s); return !!(e && e.closest(i)); }", [selector, inside]))


def test_no_page_has_a_serious_axe_finding_the_project_causes(app_url, browser):  # noqa: F811 - the fixture
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    page = browser.new_page(viewport={"width": 1400, "height": 900}, locale="da-DK")
    page.goto(app_url)
    wait_until_settled(page)
    report, ours = {}, []
    for width in (1400, 390):
        page.set_viewport_size({"width": width, "height": 900})
        for title, _slug in PAGES:
            if width == 390:  # the menu is folded away on a phone: open it, choose, and it folds again
                page.goto(f"{app_url}/{_slug if _slug != 'overblik' else ''}")
                page.get_by_role("heading", level=1).first.wait_for()
                wait_until_settled(page)
            else:
                open_page(page, title)
            assert page.evaluate("document.documentElement.lang") == "da", title
            found = axe.run(page).response["violations"]
            report[f"{title} ({width} px)"] = [
                {"id": v["id"], "impact": v["impact"], "help": v["help"], "targets": [n["target"] for n in v["nodes"]]} for v in found
            ]
            ours += [
                f"{title} ({width} px): {v['id']} – {v['help']} – {node['target']}"
                for v in found
                if v["impact"] in BLOCKING
                for node in v["nodes"]
                if not streamlit_caused(page, v["id"], node)
            ]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "axe.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    page.close()
    assert not ours, "\n".join(ours)


def tab_to(page, test: str, presses: int = 120) -> None:
    """Press Tab until the focused element passes the JavaScript `test` (given `e`, the focused element)."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => {{ const e = document.activeElement; return !!e && ({test}); }}"):
            return
    pytest.fail(f"Tab nåede aldrig et element med {test}")


def focus_ring(page) -> str:
    """Return the focused element's outline ("solid 3px" is the app's ring), once it shows or after 10 s.

    Waits because on a busy machine (two pytest workers beside Chromium) the check once read the browser's
    default outline ("none 3px") right after the Tab, before the app's stylesheet applied.
    """
    ring = "() => { const s = getComputedStyle(document.activeElement); return `${s.outlineStyle} ${s.outlineWidth}`; }"
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function(f"() => ({ring})() === 'solid 3px'", timeout=10_000)
    return page.evaluate(ring)


def test_a_keyboard_user_filters_by_district_downloads_and_changes_a_scenario(app_url, browser):  # noqa: F811 - the fixture
    page = browser.new_page(viewport={"width": 1400, "height": 900}, locale="da-DK", accept_downloads=True)
    page.goto(f"{app_url}/oekonomi")
    page.get_by_role("heading", name="Økonomi", level=1).wait_for()
    wait_until_settled(page)
    page.locator("body").focus()

    tab_to(page, "e.closest('[data-testid=\"stSidebar\"] [data-testid=\"stMultiSelect\"]') && e.getAttribute('role') === 'combobox'")
    assert focus_ring(page) == "solid 3px"  # the focus can be seen
    page.keyboard.type("Nørrebro")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    page.get_by_text("Viser kun budget og aktivitet henført til Nørrebro").first.wait_for()
    wait_until_settled(page)

    tab_to(page, "e.tagName === 'BUTTON' && e.innerText.includes('Hent data (CSV)')")
    assert focus_ring(page) == "solid 3px"
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    assert download.value.suggested_filename.endswith("_Norrebro.csv")

    page.goto(f"{app_url}/scenarier")
    page.get_by_role("heading", name="Scenarier", level=1).wait_for()
    wait_until_settled(page)
    page.locator("body").focus()
    tab_to(page, "e.getAttribute('role') === 'combobox' && e.getAttribute('aria-label') === 'Indsats'")
    page.keyboard.type("Kort Snor")
    page.get_by_role("option", name=re.compile(r"^Kort Snor \(BUF-001\)")).wait_for()
    page.keyboard.press("Enter")
    wait_until_settled(page)
    tab_to(page, "e.tagName === 'BUTTON' && e.innerText.includes('Tilføj ændring')")
    page.keyboard.press("Enter")
    # Kort Snor's 14,7 mio. kr. less (the change's first choice is Stop): 384,4 → 369,7 mio. kr.
    expect(page.locator("[data-testid='stMetric']").nth(1)).to_contain_text("369,7 mio. kr.", timeout=30_000)
    page.close()
