"""Who is looking, per role, through the real app (AppTest): what each sees, what is refused, and the audit row each action leaves.

Expected audit rows are written out by hand: (who, role, action, subject, detail), newest first.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from streamlit import config
from streamlit.testing.v1 import AppTest

from dashboard import audit, scenario_store
from dashboard.scenarios import Change, Scenario
from tests.apptest_helpers import failures, open_app
from tests.conftest import small_portfolio, write_xlsx

AUTH = {
    "redirect_uri": "http://127.0.0.1:8599/oauth2callback",
    "cookie_secret": "c" * 32,
    "client_id": "sikkerby",
    "client_secret": "hemmelig",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}
ACCESS = {"role_claim": "roles", "analyst": ["SikkerBy.Analytiker"], "committee": ["SikkerBy.Udvalg"], "contact": "Center for Sikker By"}
SECRETS = {"auth": AUTH, "access": ACCESS}
ISSUED = int(time.time()) - 60


def person(email: str, roles: list[str], issued: int = ISSUED, expires: int | None = None) -> dict:
    name = email.split("@")[0].capitalize()
    return {"is_logged_in": True, "email": email, "name": name, "roles": roles, "iat": issued, "exp": expires or issued + 3600}


ANALYST = person("ane@kk.dk", ["SikkerBy.Analytiker"])
MEMBER = person("bo@kk.dk", ["SikkerBy.Udvalg"])
OTHER_MEMBER = person("cai@kk.dk", ["SikkerBy.Udvalg"])
NO_ROLE = person("dan@kk.dk", ["Andet.System"])


@pytest.fixture(autouse=True)
def live(small_db, monkeypatch):
    monkeypatch.setenv("SIKKERBY_DB", str(small_db))
    return small_db


@pytest.fixture
def network_address() -> Iterator[None]:
    """Start as a server would: listening on every interface, not only 127.0.0.1."""
    before = config.get_option("server.address")
    config.set_option("server.address", "0.0.0.0")
    try:
        yield
    finally:
        config.set_option("server.address", before)


def trail() -> list[tuple[str, str, str, str, str]]:
    frame = audit.listing()
    return list(frame[["who", "role", "action", "subject", "detail"]].itertuples(index=False, name=None))


def shown_text(at: AppTest) -> str:
    """Every text the run put on the page or in the sidebar, options of select boxes included."""
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "text", "error", "info", "warning", "success", "metric"):
        parts += [str(getattr(element, "value", "")) for element in getattr(at, kind)]
    parts += [str(option) for box in [*at.selectbox, *at.multiselect] for option in box.options]
    parts += [frame.value.to_csv() for frame in at.dataframe]
    return "\n".join(parts)


# --- Local mode and configuration --------------------------------------------------------------


def test_local_mode_is_marked_on_every_page_and_has_every_role():
    for page in ("overview", "young_adults", "data"):
        at = open_app(page, {"aar": "2010"})
        assert any("Lokal tilstand – ingen login" in w.value for w in at.sidebar.warning), page
        assert any("Lokal tilstand – ingen login" in c.value for c in at.caption), page
    assert at.file_uploader(key="data_upload") is not None  # the analyst's page, in local mode


def test_a_network_start_without_auth_shows_only_a_configuration_error(network_address):
    at = open_app("overview")
    assert [e.value for e in at.error] == [
        "**Dashboardet er ikke sat op korrekt.** Appen lytter på en netværksadresse, og login er ikke sat op. Lokal tilstand "
        "(uden login) er kun mulig på 127.0.0.1. Angiv under [auth] i .streamlit/secrets.toml: redirect_uri, cookie_secret, "
        "client_id, client_secret, server_metadata_url, eller start med `make run`. Se afsnittet 'Login og roller' i README."
    ]
    assert "Nørrebro" not in shown_text(at) and not at.metric and not at.sidebar.multiselect


def test_a_network_start_with_auth_configured_asks_for_sign_in(network_address):
    at = open_app("overview", user={"is_logged_in": False}, secrets=SECRETS)
    assert [b.label for b in at.button] == ["Log ind med kommunens konto"]
    assert "Nørrebro" not in shown_text(at)


def test_local_mode_can_be_switched_off_for_deployments():
    at = open_app("overview", secrets={"access": {"local_mode": False}})
    assert at.error[0].value.startswith("**Dashboardet er ikke sat op korrekt.** Lokal tilstand er slået fra ([access] local_mode = false)")
    assert "Nørrebro" not in shown_text(at)


def test_a_half_configured_auth_section_names_what_is_missing():
    partial = {k: v for k, v in AUTH.items() if k not in ("client_secret", "cookie_secret")}
    at = open_app("overview", secrets={"auth": partial, "access": ACCESS})
    assert "disse indstillinger mangler: cookie_secret, client_secret." in at.error[0].value
    assert "Nørrebro" not in shown_text(at)


def test_an_unusable_access_setting_is_named():
    at = open_app("overview", secrets={"auth": AUTH, "access": ACCESS | {"role_claim": "upn"}})
    assert "role_claim skal være 'roles' eller 'groups', ikke 'upn'" in at.error[0].value


# --- Signed in, per role ------------------------------------------------------------------------


def test_signed_out_people_see_the_sign_in_button_and_no_data():
    at = open_app("overview", user={"is_logged_in": False}, secrets=SECRETS)
    assert at.info[0].value == "Log ind med din kommunale konto for at se dashboardet."
    assert "Nørrebro" not in shown_text(at) and not at.sidebar.multiselect
    assert trail() == []


def test_a_committee_member_sees_the_pages_with_name_and_role_and_the_sign_in_is_recorded_once():
    at = open_app("overview", {"aar": "2010"}, user=MEMBER, secrets=SECRETS)
    assert at.sidebar.text[0].value == "Bo\nUdvalgsmedlem"
    assert "Log ud" in [b.label for b in at.sidebar.button]
    assert at.metric and not any("Lokal tilstand" in w.value for w in at.sidebar.warning)
    at.run()  # another click in the same session
    assert trail() == [("bo@kk.dk", "udvalg", "log_ind", "", f"iat={ISSUED}")]


def test_a_committee_member_typing_the_data_url_is_refused_and_it_is_recorded():
    at = open_app("data", user=MEMBER, secrets=SECRETS)
    assert [e.value for e in at.error] == [
        "Du har ikke adgang til at indlæse data, gøre data live eller gendanne versioner. Intet er ændret."
    ]
    assert not at.file_uploader
    assert trail() == [
        ("bo@kk.dk", "udvalg", "afvist", "Indlæs data", "indlæse data, gøre data live eller gendanne versioner: kræver rollen analytiker"),
        ("bo@kk.dk", "udvalg", "log_ind", "", f"iat={ISSUED}"),
    ]


def test_an_analyst_uploads_and_makes_data_live_and_both_are_recorded(tmp_path, live):
    sheets = small_portfolio()
    sheets["budget"].loc[2, "budget_kr"] = "2500000"  # BUF-001 2010, city-wide
    content = write_xlsx(sheets, tmp_path / "ny.xlsx").read_bytes()
    import hashlib

    checksum = hashlib.sha256(content).hexdigest()
    at = open_app("data", user=ANALYST, secrets=SECRETS)
    at.file_uploader(key="data_upload").set_value(("ny.xlsx", content, "application/octet-stream")).run()
    at.button(key="data_publish").click().run()
    assert not failures(at), failures(at)
    rows = trail()
    assert rows[0][:3] == ("ane@kk.dk", "analytiker", "gjort_live") and rows[0][3] == "ny.xlsx"
    assert rows[1] == ("ane@kk.dk", "analytiker", "upload", "ny.xlsx", f"SHA-256 {checksum}; 0 indsatser tilføjet, 0 fjernet, 1 ændret")
    assert rows[2] == ("ane@kk.dk", "analytiker", "log_ind", "", f"iat={ISSUED}")
    versions = next(d.value for d in at.dataframe if "Gjort live af" in d.value.columns)
    assert versions["Gjort live af"].iloc[0] == "ane@kk.dk"
    logbook = next(d.value for d in at.dataframe if "Handling" in d.value.columns)
    assert logbook["Handling"].tolist()[:3] == ["Gjort live", "Fil indlæst", "Log ind"]


def test_an_analyst_restoring_a_version_is_named_in_the_versions_list_and_the_trail(tmp_path):
    content = write_xlsx(small_portfolio(), tmp_path / "igen.xlsx").read_bytes()
    at = open_app("data", user=ANALYST, secrets=SECRETS)
    at.file_uploader(key="data_upload").set_value(("igen.xlsx", content, "application/octet-stream")).run()
    at.button(key="data_publish").click().run()
    at.button(key="data_restore").click().run()  # the one version to restore: the data built before the upload
    assert not failures(at), failures(at)
    who, role, action, _, detail = trail()[0]
    assert (who, role, action) == ("ane@kk.dk", "analytiker", "gendannet") and detail.startswith("version ")
    at.run()
    versions = next(d.value for d in at.dataframe if "Gjort live af" in d.value.columns)
    live_row = versions[versions["Live"] == "Ja"]
    assert live_row["Gjort live af"].tolist() == ["ane@kk.dk"]
    assert versions[versions["Live"] != "Ja"]["Gjort live af"].tolist() == ["ane@kk.dk"]  # igen.xlsx, made live by Ane


def test_a_refused_upload_is_recorded_with_its_checksum():
    import hashlib

    content = b"PK\x03\x04 not really a zip"
    at = open_app("data", user=ANALYST, secrets=SECRETS)
    at.file_uploader(key="data_upload").set_value(("rod.zip", content, "application/zip")).run()
    assert trail()[0] == (
        "ane@kk.dk",
        "analytiker",
        "upload_afvist",
        "rod.zip",
        f"SHA-256 {hashlib.sha256(content).hexdigest()}; 1 problem(er)",
    )


def test_a_person_without_a_mapped_role_sees_whom_to_ask_and_no_data():
    at = open_app("overview", user=NO_ROLE, secrets=SECRETS)
    assert at.error[0].value == (
        "Du er logget ind som dan@kk\\.dk, men har ikke adgang til dashboardet endnu. "
        "Bed Center for Sikker By om rollen 'udvalg' (udvalgsmedlem) eller 'analytiker'."
    )
    assert "Nørrebro" not in shown_text(at) and not at.sidebar.multiselect and not at.metric
    assert [b.label for b in at.button] == ["Log ud"]
    assert trail() == [
        ("dan@kk.dk", "", "afvist", "Ingen rolle", f"iat={ISSUED}"),
        ("dan@kk.dk", "", "log_ind", "", f"iat={ISSUED}"),
    ]


@pytest.mark.parametrize(
    ("issued", "expires", "message"),
    [
        (ISSUED - 7200, ISSUED - 1, "Dit login er udløbet. Log ind igen for at fortsætte."),
        (
            int(time.time()) - 8 * 3600 - 5,
            int(time.time()) + 3600,
            "Du har været logget ind i mere end 8 timer. Log ind igen for at fortsætte.",
        ),
    ],
    ids=["token expired", "signed in over 8 hours"],  # not the times: each pytest worker must name the tests alike
)
def test_an_expired_session_is_ended_with_a_danish_message(issued, expires, message):
    at = open_app("overview", user=person("bo@kk.dk", ["SikkerBy.Udvalg"], issued, expires), secrets=SECRETS)
    assert [e.value for e in at.error] == [message]
    assert "Nørrebro" not in shown_text(at) and not at.metric
    assert trail() == [("bo@kk.dk", "udvalg", "session_udloebet", "", f"iat={issued}")]
    at.button(key="signin_logout").click().run()
    assert at.info[0].value == "Log ind med din kommunale konto for at se dashboardet."  # signed out: back to sign-in


def test_signing_out_is_recorded():
    at = open_app("overview", user=MEMBER, secrets=SECRETS)
    at.sidebar.button(key="signin_sidebar_logout").click().run()
    assert trail()[0] == ("bo@kk.dk", "udvalg", "log_ud", "", "")
    assert at.info[0].value == "Log ind med din kommunale konto for at se dashboardet."


# --- Scenarios have owners ---------------------------------------------------------------------------


def saved_as(owner: str) -> Scenario:
    scenario = Scenario("Plan", 2010, {"SOF-001": Change(step=-1.0)})
    scenario_store.save(scenario, owner)
    return scenario


def test_a_member_cannot_delete_anothers_scenario_and_the_refusal_is_recorded():
    saved_as("cai@kk.dk")
    at = open_app("scenarios", {"aar": "2010"}, user=MEMBER, secrets=SECRETS)
    at.button(key="scenario_delete").click().run()
    assert "Du har ikke adgang til at slette 'Plan', som ejes af cai@kk\\.dk. Intet er ændret." in [e.value for e in at.error]
    assert scenario_store.listing()["name"].tolist() == ["Plan"]
    assert trail()[0] == (
        "bo@kk.dk",
        "udvalg",
        "afvist",
        "Plan",
        "slette 'Plan', som ejes af cai@kk.dk: kun ejeren eller en analytiker må slette et scenarie",
    )


def test_a_member_deletes_their_own_scenario():
    saved_as("bo@kk.dk")
    at = open_app("scenarios", {"aar": "2010"}, user=MEMBER, secrets=SECRETS)
    at.button(key="scenario_delete").click().run()
    assert scenario_store.listing().empty
    assert trail()[0] == ("bo@kk.dk", "udvalg", "scenarie_slettet", "Plan", "ejer bo@kk.dk")
    assert scenario_store.history("Plan")[["by", "action"]].values.tolist() == [["bo@kk.dk", "gemt"], ["bo@kk.dk", "slettet"]]


def save_plan_as(user: dict) -> AppTest:
    """Cai has saved 'Plan'; `user` now saves a scenario under the same name."""
    saved_as("cai@kk.dk")
    at = open_app("scenarios", {"aar": "2010"}, user=user, secrets=SECRETS)
    at.text_input(key="scenario_name").set_value("Plan").run()
    return at.button(key="scenario_save").click().run()


def test_saving_under_a_name_another_member_owns_is_refused_naming_the_owner():
    at = save_plan_as(MEMBER)
    assert any("ejes af cai@kk\\.dk" in e.value for e in at.error)
    assert not any(b.key == "scenario_replace" for b in at.button)  # a member is not offered to replace it
    assert scenario_store.history("Plan")[["by", "action"]].values.tolist() == [["cai@kk.dk", "gemt"]]  # nothing written
    assert scenario_store.owner_of("Plan") == "cai@kk.dk"
    assert trail()[0][:4] == ("bo@kk.dk", "udvalg", "afvist", "Plan")


def test_an_analyst_replaces_anothers_scenario_only_after_choosing_erstat():
    at = save_plan_as(ANALYST)
    assert any("ejes af cai@kk\\.dk" in w.value for w in at.warning)
    assert scenario_store.history("Plan")[["by", "action"]].values.tolist() == [["cai@kk.dk", "gemt"]]  # not yet
    at.button(key="scenario_replace").click().run()
    assert scenario_store.owner_of("Plan") == "ane@kk.dk"
    assert scenario_store.load("Plan").changes == {}  # the analyst's blank scenario, not Cai's stop of SOF-001
    assert trail()[0] == ("ane@kk.dk", "analytiker", "scenarie_erstattet", "Plan", "erstattet")
    assert scenario_store.history("Plan")[["by", "action"]].values.tolist() == [["cai@kk.dk", "gemt"], ["ane@kk.dk", "erstattet"]]


def test_saving_a_new_scenario_records_the_owner():
    at = open_app("scenarios", {"aar": "2010"}, user=MEMBER, secrets=SECRETS)
    at.text_input(key="scenario_name").set_value("Mit forslag").run()
    at.button(key="scenario_save").click().run()
    assert scenario_store.owner_of("Mit forslag") == "bo@kk.dk"
    assert trail()[0] == ("bo@kk.dk", "udvalg", "scenarie_gemt", "Mit forslag", "gemt")
    at.run()  # the list of saved scenarios stands above the save button: it shows the new one on the next click
    shown = next(d.value for d in at.dataframe if "Ejer" in d.value.columns)
    assert shown["Ejer"].tolist() == ["bo@kk.dk"]
