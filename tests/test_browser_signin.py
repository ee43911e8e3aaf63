"""A real sign-in in Debian's Chromium: the app against a real OpenID Connect server on 127.0.0.1 (PyPI `oidc-provider-mock`).

Three people are predefined in the provider: an analyst, a committee member and a person whose token carries no
mapped role. Each signs in through the provider's own page, sees what their role allows, and signs out. The app is
opened at exactly the host of `redirect_uri` (127.0.0.1), since the sign-in cookie is set for that host.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from dashboard import audit, scenario_store
from dashboard.scenarios import Change, Scenario
from tests.conftest import CHROMIUM
from tests.test_browser import ARTIFACTS, PROJECT_DIR, free_port, snapshot, streamlit_command, wait_until_settled

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium mangler: installér Debians pakker med `apt-get install chromium chromium-driver` (.ci/run gør det)."
)

PEOPLE = {
    "ane": {"sub": "ane", "email": "ane@kk.dk", "name": "Ane Analytiker", "roles": ["SikkerBy.Analytiker"]},
    "bo": {"sub": "bo", "email": "bo@kk.dk", "name": "Bo Udvalg", "roles": ["SikkerBy.Udvalg"]},
    "dan": {"sub": "dan", "email": "dan@kk.dk", "name": "Dan Uden Rolle", "roles": ["Andet.System"]},
}


def wait_for(url: str, what: str) -> None:
    for _ in range(120):
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"{what} svarede ikke på {url} inden for 60 sekunder")


@pytest.fixture(scope="module")
def provider() -> str:
    """The identity provider, on 127.0.0.1 only, with the three people predefined."""
    port = free_port()
    command = [sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1", "--port", str(port)]
    for claims in PEOPLE.values():
        command += ["--user-claims", json.dumps(claims)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{url}/.well-known/openid-configuration", "Identitetsudbyderen")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)


@pytest.fixture(scope="module")
def signed_app(provider, browser_db, tmp_path_factory):
    """The real app with [auth] pointing at the provider, its own stores, and a scenario the analyst saved."""
    folder = tmp_path_factory.mktemp("signin")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    secrets = folder / "secrets.toml"
    secrets.write_text(
        f"""
[auth]
redirect_uri = "{url}/oauth2callback"
cookie_secret = "{"k" * 40}"
client_id = "sikkerby"
client_secret = "hemmelig"
server_metadata_url = "{provider}/.well-known/openid-configuration"

[access]
role_claim = "roles"
analyst = ["SikkerBy.Analytiker"]
committee = ["SikkerBy.Udvalg"]
local_mode = false
""",
        encoding="utf-8",
    )
    stores = {"SIKKERBY_SCENARIOS": str(folder / "scenarios.sqlite"), "SIKKERBY_AUDIT": str(folder / "audit.sqlite")}
    scenario_store.save(Scenario("Anes plan", 2013, {"SOF-001": Change(step=-0.5)}), "ane@kk.dk", path=Path(stores["SIKKERBY_SCENARIOS"]))
    env = {**os.environ, "SIKKERBY_DB": str(browser_db), **stores}
    command = streamlit_command(port, "--server.address", "127.0.0.1", "--secrets.files", str(secrets))
    server = subprocess.Popen(command, cwd=PROJECT_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        wait_for(f"{url}/_stcore/health", "Streamlit")
        yield url, stores
    finally:
        server.terminate()
        server.wait(timeout=20)


def sign_in(browser, url: str, who: str):
    """Open the app, press 'Log ind', pick the person on the provider's page; return the page, back in the app."""
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="da-DK")
    page = context.new_page()
    page.goto(url)
    page.get_by_role("button", name="Log ind med kommunens konto").click()
    page.wait_for_url("**/oauth2/authorize**")
    page.get_by_role("button", name=who, exact=True).click()
    page.wait_for_url(f"{url}/**")
    wait_until_settled(page)
    return page


def sign_out(page, url: str) -> None:
    page.get_by_role("button", name="Log ud").click()
    page.wait_for_url("**/oauth2/end_session**")  # the provider's own sign-out page
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(f"{url}/**")
    expect(page.get_by_role("button", name="Log ind med kommunens konto")).to_be_visible(timeout=30_000)


def trail(stores: dict) -> list[tuple[str, str, str]]:
    frame = audit.listing(Path(stores["SIKKERBY_AUDIT"]))
    return [(row.who, row.action, row.subject) for row in frame.itertuples()][::-1]  # oldest first


def test_signed_out_visitors_see_only_the_sign_in_page(browser, signed_app):
    url, _ = signed_app
    page = browser.new_page()
    page.goto(f"{url}/unge")
    expect(page.get_by_role("button", name="Log ind med kommunens konto")).to_be_visible(timeout=30_000)
    assert "Nørrebro" not in page.content()
    snapshot(page, ARTIFACTS / "login_log_ind.png")
    page.close()


def test_each_role_reaches_what_it_may_and_signs_out(browser, signed_app):
    url, stores = signed_app

    # The analyst: name and role in the sidebar, and the data page with the upload and the audit trail.
    page = sign_in(browser, url, "ane")
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text("Ane Analytiker")).to_be_visible()
    expect(sidebar.get_by_text("Analytiker", exact=False).first).to_be_visible()
    expect(sidebar.get_by_role("link", name="Indlæs data")).to_be_visible()
    page.goto(f"{url}/data")
    wait_until_settled(page)
    expect(page.get_by_text("Indlæs en ny projektmappe", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Logbog")).to_be_visible()
    snapshot(page, ARTIFACTS / "login_analytiker_data.png", full_page=True)
    sign_out(page, url)
    page.context.close()

    # The committee member: no data page in the menu, a refusal when typing /data, and another's scenario stays.
    page = sign_in(browser, url, "bo")
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text("Bo Udvalg")).to_be_visible()
    expect(sidebar.get_by_role("link", name="Indlæs data")).to_have_count(0)
    page.goto(f"{url}/data")
    wait_until_settled(page)
    expect(page.get_by_text("Du har ikke adgang til at indlæse data")).to_be_visible()
    expect(page.get_by_text("Indlæs en ny projektmappe", exact=True)).to_have_count(0)
    snapshot(page, ARTIFACTS / "login_udvalg_data_afvist.png")
    page.goto(f"{url}/scenarier")
    wait_until_settled(page)
    expect(page.get_by_text("Gemte scenarier (1)")).to_be_visible()  # open: there are saved scenarios and none is opened
    page.get_by_role("button", name="Slet").click()
    wait_until_settled(page)
    expect(page.get_by_text("Du har ikke adgang til at slette 'Anes plan', som ejes af ane@kk.dk")).to_be_visible()
    assert scenario_store.listing(Path(stores["SIKKERBY_SCENARIOS"]))["name"].tolist() == ["Anes plan"]
    sign_out(page, url)
    page.context.close()

    # A person with no mapped role: whom to ask, no data, no sidebar.
    page = sign_in(browser, url, "dan")
    expect(page.get_by_text("men har ikke adgang til dashboardet endnu")).to_be_visible()
    assert "Nørrebro" not in page.content()
    expect(page.get_by_test_id("stSidebar")).to_have_count(0)
    snapshot(page, ARTIFACTS / "login_uden_rolle.png")
    sign_out(page, url)
    page.context.close()

    assert trail(stores) == [
        ("ane@kk.dk", "log_ind", ""),
        ("ane@kk.dk", "log_ud", ""),
        ("bo@kk.dk", "log_ind", ""),
        ("bo@kk.dk", "afvist", "Indlæs data"),
        ("bo@kk.dk", "afvist", "Anes plan"),
        ("bo@kk.dk", "log_ud", ""),
        ("dan@kk.dk", "log_ind", ""),
        ("dan@kk.dk", "afvist", "Ingen rolle"),
        ("dan@kk.dk", "log_ud", ""),
    ]
