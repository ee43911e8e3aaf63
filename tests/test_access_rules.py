"""The sign-in rules without Streamlit: settings, roles from the token, expiry at its boundaries, loopback, who may change a scenario."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from dashboard import access
from dashboard.access import ANALYST, COMMITTEE, Viewer

AUTH = {
    "redirect_uri": "https://sikkerby.kk.dk/oauth2callback",
    "cookie_secret": "s" * 32,
    "client_id": "id",
    "client_secret": "secret",
    "server_metadata_url": "https://login.microsoftonline.com/tenant/v2.0/.well-known/openid-configuration",
}
ROLES = {"analyst": ["SikkerBy.Analytiker"], "committee": ["SikkerBy.Udvalg", "Økonomiudvalget"]}
NOON = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
T = NOON.timestamp()


def settings(**access_settings) -> access.Settings:
    return access.settings_from({"auth": AUTH, "access": ROLES | access_settings})


# --- Settings -------------------------------------------------------------------------------------


def test_no_auth_section_means_no_sign_in_and_local_mode_allowed_by_default():
    read = access.settings_from({})
    assert (read.auth_configured, read.missing_auth, read.local_mode_allowed, read.max_session_hours) == (False, (), True, 8.0)


def test_an_auth_section_missing_settings_names_each_missing_one():
    read = access.settings_from({"auth": {"redirect_uri": AUTH["redirect_uri"], "client_id": "id"}})
    assert read.auth_configured is False
    assert read.missing_auth == ("cookie_secret", "client_secret", "server_metadata_url")


def test_provider_settings_may_stand_in_a_named_sub_section():
    provider = {k: AUTH[k] for k in ("client_id", "client_secret", "server_metadata_url")}
    read = access.settings_from({"auth": {"redirect_uri": AUTH["redirect_uri"], "cookie_secret": "s" * 32, "microsoft": provider}})
    assert read.auth_configured is True


@pytest.mark.parametrize(
    ("setting", "value", "named"),
    [
        ("role_claim", "upn", "role_claim"),
        ("max_session_hours", 0, "max_session_hours"),
        ("max_session_hours", -1, "max_session_hours"),
        ("max_session_hours", "8", "max_session_hours"),
        ("max_session_hours", True, "max_session_hours"),
        ("local_mode", "nej", "local_mode"),
        ("analyst", 7, "analyst"),
    ],
)
def test_an_unusable_access_setting_is_refused_naming_it(setting, value, named):
    with pytest.raises(access.SettingsError, match=named):
        settings(**{setting: value})


@pytest.mark.parametrize("secret", ["s" * 31, "erstat-med-en-lang-tilfaeldig-streng"])
def test_a_short_or_example_cookie_secret_is_refused(secret):
    with pytest.raises(access.SettingsError, match="cookie_secret skal være en tilfældig streng på mindst 32 tegn"):
        access.settings_from({"auth": AUTH | {"cookie_secret": secret}})


def test_a_cookie_secret_of_32_characters_is_enough():
    assert access.settings_from({"auth": AUTH | {"cookie_secret": "s" * 32}}).auth_configured


def test_a_fractional_maximum_is_kept():
    assert settings(max_session_hours=0.5).max_session_hours == 0.5


# --- Roles ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("claims", "role"),
    [
        ({"roles": ["SikkerBy.Analytiker"]}, ANALYST),
        ({"roles": ["SikkerBy.Udvalg"]}, COMMITTEE),
        ({"roles": ["Økonomiudvalget"]}, COMMITTEE),
        ({"roles": "SikkerBy.Udvalg"}, COMMITTEE),  # one role as a plain string
        ({"roles": ["SikkerBy.Udvalg", "SikkerBy.Analytiker"]}, ANALYST),  # both: the wider role
        ({"roles": ["sikkerby.analytiker"]}, None),  # claim values are matched exactly, as the IdP sends them
        ({"roles": []}, None),
        ({"roles": None}, None),
        ({}, None),
        ({"groups": ["SikkerBy.Analytiker"]}, None),  # the other claim is not read
    ],
)
def test_the_role_comes_from_the_configured_claim(claims, role):
    assert access.role_of(claims, settings()) == role


def test_groups_can_be_the_role_claim():
    read = settings(role_claim="groups", analyst=["0f5c-guid"])
    assert access.role_of({"groups": ["x", "0f5c-guid"], "roles": ["SikkerBy.Udvalg"]}, read) == ANALYST


def test_the_viewer_is_named_by_email_then_the_entra_account_name():
    assert access.viewer_of({"email": "ane@kk.dk", "name": "Ane", "roles": ["SikkerBy.Udvalg"]}, settings()) == Viewer(
        "ane@kk.dk", "Ane", COMMITTEE
    )
    assert access.viewer_of({"preferred_username": "bo@kk.dk", "sub": "x"}, settings()) == Viewer("bo@kk.dk", "bo@kk.dk", None)


# --- Expiry at its boundaries -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("issued", "expires", "ends"),
    [
        (T - 60, T + 60, None),
        (T - 60, T + 1, None),
        (T - 60, T, "udløbet"),  # exactly at exp: expired
        (T - 60, T - 1, "udløbet"),
        (T - 8 * 3600 + 1, T + 3600, None),  # one second short of 8 hours
        (T - 8 * 3600, T + 3600, "mere end 8 timer"),  # exactly 8 hours
        (None, T + 3600, "mangler"),
        (T - 60, None, "mangler"),
        ("ikke et tal", T + 3600, "mangler"),
        (str(T - 60), str(T + 60), None),  # numbers sent as text still count
    ],
)
def test_a_session_ends_at_exp_or_at_the_maximum_age(issued, expires, ends):
    claims = {k: v for k, v in (("iat", issued), ("exp", expires)) if v is not None}
    reason = access.expiry_reason(claims, settings(), NOON)
    assert (reason is None) if ends is None else (ends in reason)


def test_the_maximum_age_is_a_setting():
    claims = {"iat": T - 1800, "exp": T + 3600}
    assert access.expiry_reason(claims, settings(max_session_hours=0.5), NOON) == (
        "Du har været logget ind i mere end 0,5 timer. Log ind igen for at fortsætte."
    )
    assert access.expiry_reason(claims, settings(max_session_hours=1), NOON) is None


# --- Loopback -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.1.2.3", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("LOCALHOST", True),
        ("0.0.0.0", False),
        ("", False),
        (None, False),  # Streamlit's default: every interface
        ("10.0.0.5", False),
        ("sikkerby.kk.dk", False),
        ("::", False),
    ],
)
def test_local_mode_needs_a_loopback_address(address, loopback):
    assert access.is_loopback(address) is loopback


# --- Who may do what ---------------------------------------------------------------------------------


def test_only_analysts_may_load_data():
    assert access.may_load_data(Viewer("a@kk.dk", "A", ANALYST))
    assert not access.may_load_data(Viewer("u@kk.dk", "U", COMMITTEE))
    assert not access.may_load_data(Viewer("x@kk.dk", "X", None))


@pytest.mark.parametrize(
    ("viewer", "owner", "allowed"),
    [
        (Viewer("u@kk.dk", "U", COMMITTEE), "u@kk.dk", True),
        (Viewer("u@kk.dk", "U", COMMITTEE), "U@KK.dk", True),  # e-mail case does not matter
        (Viewer("u@kk.dk", "U", COMMITTEE), "v@kk.dk", False),
        (Viewer("u@kk.dk", "U", COMMITTEE), None, False),  # saved before sign-in: only analysts
        (Viewer("a@kk.dk", "A", ANALYST), "v@kk.dk", True),
        (Viewer("a@kk.dk", "A", ANALYST), None, True),
        (Viewer("x@kk.dk", "X", None), "x@kk.dk", False),
    ],
)
def test_a_scenario_is_changed_by_its_owner_or_an_analyst(viewer, owner, allowed):
    assert access.may_change_scenario(viewer, owner) is allowed


def test_the_shipped_example_secrets_are_complete_once_the_cookie_secret_is_replaced():
    import tomllib
    from pathlib import Path

    example = tomllib.loads((Path(__file__).resolve().parent.parent / ".streamlit" / "secrets.example.toml").read_text("utf-8"))
    with pytest.raises(access.SettingsError, match="cookie_secret"):
        access.settings_from(example)
    example["auth"]["cookie_secret"] = "x" * 64
    read = access.settings_from(example)
    assert (read.auth_configured, read.local_mode_allowed, read.role_claim, read.max_session_hours) == (True, False, "roles", 8.0)
    assert read.claim_values == {ANALYST: ("SikkerBy.Analytiker",), COMMITTEE: ("SikkerBy.Udvalg",)}
