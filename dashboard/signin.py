"""Sign-in on every run: local mode, Streamlit's OpenID Connect login, expiry, roles, and the checks at each action.

`viewer_or_stop()` runs before any data is read. It returns the person looking, or shows one Danish
page (sign in, session ended, no role, configuration error) and stops the run, so a person who may
not see data gets neither a page nor the sidebar's district names. `refuse_unless()` is the check
at an action: it runs on the server where the action happens, not only by hiding a button.
"""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from dashboard import access, audit, layout
from dashboard.access import Viewer

TITLE = "Sikker By – kriminalpræventive indsatser"


def _secrets() -> Mapping:
    """The secrets as plain dicts; none at all when there is no secrets.toml."""
    try:
        return st.secrets.to_dict()
    except (FileNotFoundError, st.errors.StreamlitSecretNotFoundError):
        return {}


def _stop_with(message: str, icon: str, *, signed_in: Viewer | None = None, sign_in: bool = False) -> None:
    """Show one message (and 'Log ind', or 'Log ud' for `signed_in`) and nothing else: no data, no sidebar."""
    st.title(TITLE)
    (st.info if sign_in else st.error)(message, icon=icon)
    if sign_in and st.button("Log ind med kommunens konto", type="primary", icon=":material/login:", key="signin_login"):
        st.login()
    if signed_in is not None:
        st.button("Log ud", icon=":material/logout:", on_click=_sign_out, args=(signed_in,), key="signin_logout")
    st.stop()


def _configuration_error(settings: access.Settings | None, problem: str | None = None) -> None:
    """Show only a Danish configuration error: what is missing and where, no data."""
    if problem is None and settings is not None:
        missing = ", ".join(settings.missing_auth or access.REQUIRED_AUTH_SETTINGS)
        if settings.missing_auth:
            problem = f"Login er sat op i .streamlit/secrets.toml under [auth], men disse indstillinger mangler: {missing}."
        elif not settings.local_mode_allowed:
            problem = f"Lokal tilstand er slået fra ([access] local_mode = false), og login er ikke sat op. Angiv under [auth]: {missing}."
        else:
            problem = (
                "Appen lytter på en netværksadresse, og login er ikke sat op. Lokal tilstand (uden login) er kun mulig på "
                f"127.0.0.1. Angiv under [auth] i .streamlit/secrets.toml: {missing}, eller start med `make run`."
            )
    _stop_with(f"**Dashboardet er ikke sat op korrekt.** {problem} Se afsnittet 'Login og roller' i README.", ":material/settings:")


def _record_once_per_session(viewer: Viewer, action: str, subject: str = "", detail: str = "") -> None:
    """Record in the trail once per person and token (`audit.record_once`), reading the trail only on a session's first run."""
    key = f"signin_recorded:{action}:{detail}"
    if not st.session_state.get(key):
        audit.record_once(viewer, action, subject, detail)
        st.session_state[key] = True


def viewer_or_stop() -> Viewer:
    """Return who is looking, or show the one page they may see and stop the run."""
    try:
        settings = access.settings_from(_secrets())
    except access.SettingsError as error:
        _configuration_error(None, str(error))
    if not settings.auth_configured:
        if settings.missing_auth or not settings.local_mode_allowed or not access.is_loopback(st.get_option("server.address")):
            _configuration_error(settings)
        return Viewer(email=access.LOCAL_USER, name="Lokal bruger", role=access.ANALYST, local=True)
    if not st.user.is_logged_in:
        _stop_with("Log ind med din kommunale konto for at se dashboardet.", ":material/lock:", sign_in=True)
    claims = st.user.to_dict()
    viewer = access.viewer_of(claims, settings)
    if reason := access.expiry_reason(claims, settings):
        _record_once_per_session(viewer, audit.SESSION_EXPIRED, detail=f"iat={claims.get('iat')}")
        _stop_with(reason, ":material/timer_off:", signed_in=viewer)
    # One row per sign-in: the token's issue time tells a new sign-in from a reload or another tab.
    _record_once_per_session(viewer, audit.SIGN_IN, detail=f"iat={claims.get('iat')}")
    if viewer.role is None:
        _record_once_per_session(viewer, audit.REFUSED, "Ingen rolle", f"iat={claims.get('iat')}")
        _stop_with(
            f"Du er logget ind som {layout.plain(viewer.email)}, men har ikke adgang til dashboardet endnu. "
            f"Bed {settings.contact} om rollen 'udvalg' (udvalgsmedlem) eller 'analytiker'.",
            ":material/person_off:",
            signed_in=viewer,
        )
    return viewer


def _sign_out(viewer: Viewer) -> None:
    audit.record(viewer, audit.SIGN_OUT)
    st.logout()


def show_viewer(viewer: Viewer) -> None:
    """The sidebar's last lines: who is signed in and as what, with 'Log ud'; or the local-mode note."""
    if viewer.local:
        st.sidebar.warning(f"**{access.LOCAL_MODE_NOTE}.** Alle roller; kun denne computer kan åbne appen.", icon=":material/computer:")
        return
    st.sidebar.divider()
    st.sidebar.text(f"{viewer.name}\n{access.ROLE_LABELS[viewer.role]}")
    st.sidebar.button("Log ud", icon=":material/logout:", on_click=_sign_out, args=(viewer,), key="signin_sidebar_logout")


def refuse_unless(allowed: bool, viewer: Viewer, what: str, subject: str = "", why: str = "kræver rollen analytiker") -> bool:
    """At an action: when it is not allowed, record the refusal, say so in Danish and return True (so nothing is done).

    `what` completes "Du har ikke adgang til at …" (e.g. "indlæse data"); `why` goes into the audit trail.
    """
    if allowed:
        return False
    audit.record(viewer, audit.REFUSED, subject or what, f"{what}: {why}")
    st.error(f"Du har ikke adgang til at {layout.plain(what)}. Intet er ændret.", icon=":material/block:")
    return True
