"""Who is looking and what they may do: the sign-in settings, roles from the identity token, session expiry.

Plain functions of the settings and the identity token's claims, so every rule is tested without
Streamlit (`dashboard/signin.py` applies them on each run). The settings live in
`.streamlit/secrets.toml` (see `.streamlit/secrets.example.toml`):

- `[auth]` is Streamlit's own OpenID Connect section (`st.login`). Without it there is no sign-in.
- `[access]` is ours: which claim carries the roles (`role_claim`, `roles` or `groups`), which claim
  values give which role (`analyst`, `committee`), the longest session (`max_session_hours`, 8),
  whom a person without a role should ask (`contact`), and `local_mode = false` for deployments.

Two roles: `udvalg` (committee member) may use every decision page, export and brief and manage
their own scenarios; `analytiker` may also load data, go live, restore versions, and delete or
replace anyone's scenario. Local mode (no sign-in, every role) is only possible on a loopback address.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

ANALYST, COMMITTEE = "analytiker", "udvalg"
ROLE_LABELS = {ANALYST: "Analytiker", COMMITTEE: "Udvalgsmedlem"}
LOCAL_USER = "lokal bruger"
LOCAL_MODE_NOTE = "Lokal tilstand – ingen login"
DEFAULT_MAX_SESSION_HOURS = 8.0
DEFAULT_CONTACT = "Center for Sikker By"
# Streamlit's OpenID Connect settings that must be in [auth] (directly or in a provider sub-section).
MIN_COOKIE_SECRET = 32  # it signs the sign-in cookie: a short one can be guessed
EXAMPLE_COOKIE_SECRET = "erstat-med-en-lang-tilfaeldig-streng"  # the placeholder in .streamlit/secrets.example.toml
REQUIRED_AUTH_SETTINGS = ("redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url")


class SettingsError(ValueError):
    """The [access] settings cannot be used; the message is Danish and names the setting."""


@dataclass(frozen=True)
class Settings:
    """The sign-in settings, read once per run from the secrets."""

    auth_configured: bool
    missing_auth: tuple[str, ...] = ()
    role_claim: str = "roles"
    claim_values: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # role → claim values that give it
    max_session_hours: float = DEFAULT_MAX_SESSION_HOURS
    local_mode_allowed: bool = True
    contact: str = DEFAULT_CONTACT


@dataclass(frozen=True)
class Viewer:
    """The person looking: who (an e-mail, or 'lokal bruger'), their name and role, and whether this is local mode."""

    email: str
    name: str
    role: str | None
    local: bool = False

    @property
    def is_analyst(self) -> bool:
        return self.role == ANALYST


def _as_strings(value: object, setting: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list | tuple) and all(isinstance(item, str) for item in value):
        return tuple(value)
    raise SettingsError(f"Indstillingen [access] {setting} skal være en tekst eller en liste af tekster.")


def _auth_missing(auth: Mapping | None) -> tuple[str, ...]:
    """Return the [auth] settings that are missing; every one of them when there is no [auth] at all."""
    if not auth:
        return REQUIRED_AUTH_SETTINGS
    providers = [value for value in auth.values() if isinstance(value, Mapping)]
    provider_keys = set().union(*(provider.keys() for provider in providers)) if providers else set()
    return tuple(key for key in REQUIRED_AUTH_SETTINGS if key not in auth and key not in provider_keys)


def settings_from(secrets: Mapping) -> Settings:
    """Read the sign-in settings from the secrets (`st.secrets` or a plain dict in tests)."""
    auth = secrets.get("auth")
    access = secrets.get("access") or {}
    missing = _auth_missing(auth)
    secret = str((auth or {}).get("cookie_secret", ""))
    if secret and (len(secret) < MIN_COOKIE_SECRET or secret == EXAMPLE_COOKIE_SECRET):
        raise SettingsError(
            f"Indstillingen [auth] cookie_secret skal være en tilfældig streng på mindst {MIN_COOKIE_SECRET} tegn "
            '(ikke eksemplets); lav en med: python -c "import secrets; print(secrets.token_hex(32))"'
        )
    role_claim = access.get("role_claim", "roles")
    if role_claim not in ("roles", "groups"):
        raise SettingsError(f"Indstillingen [access] role_claim skal være 'roles' eller 'groups', ikke '{role_claim}'.")
    hours = access.get("max_session_hours", DEFAULT_MAX_SESSION_HOURS)
    if isinstance(hours, bool) or not isinstance(hours, int | float) or hours <= 0:
        raise SettingsError("Indstillingen [access] max_session_hours skal være et positivt antal timer, fx 8.")
    local = access.get("local_mode", True)
    if not isinstance(local, bool):
        raise SettingsError("Indstillingen [access] local_mode skal være true eller false.")
    return Settings(
        auth_configured=bool(auth) and not missing,
        missing_auth=missing if auth else (),
        role_claim=role_claim,
        claim_values={
            ANALYST: _as_strings(access.get("analyst", ()), "analyst"),
            COMMITTEE: _as_strings(access.get("committee", ()), "committee"),
        },
        max_session_hours=float(hours),
        local_mode_allowed=local,
        contact=str(access.get("contact", DEFAULT_CONTACT)),
    )


def is_loopback(address: str | None) -> bool:
    """True for an address only this machine can reach (127.0.0.0/8, ::1, localhost); False for none (= every interface)."""
    if not address:
        return False
    if address.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(address.strip().strip("[]")).is_loopback
    except ValueError:
        return False


def role_of(claims: Mapping, settings: Settings) -> str | None:
    """Return the role the token's role claim gives (analyst before committee), or None when it gives none."""
    value = claims.get(settings.role_claim)
    held = {value} if isinstance(value, str) else set(value) if isinstance(value, list | tuple) else set()
    held = {str(item) for item in held}
    for role in (ANALYST, COMMITTEE):
        if held & set(settings.claim_values.get(role, ())):
            return role
    return None


def viewer_of(claims: Mapping, settings: Settings) -> Viewer:
    """Return the signed-in person: e-mail (or the account name Entra ID gives), display name and role."""
    email = str(claims.get("email") or claims.get("preferred_username") or claims.get("sub") or "")
    return Viewer(email=email, name=str(claims.get("name") or email), role=role_of(claims, settings))


def _seconds(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def expiry_reason(claims: Mapping, settings: Settings, now: datetime | None = None) -> str | None:
    """Return why the session must end (Danish), or None while it is valid.

    The token must say when it was issued (`iat`) and when it expires (`exp`), as OpenID Connect
    requires; a token without them is treated as expired. A session ends at `exp`, or when it is
    older than `max_session_hours` since `iat`, whichever comes first.
    """
    moment = (now or datetime.now(UTC)).timestamp()
    issued, expires = _seconds(claims.get("iat")), _seconds(claims.get("exp"))
    if issued is None or expires is None:
        return "Dit login mangler oplysning om, hvornår det udløber. Log ind igen."
    if moment >= expires:
        return "Dit login er udløbet. Log ind igen for at fortsætte."
    hours = settings.max_session_hours
    if moment - issued >= hours * 3600:
        shown = f"{hours:g}".replace(".", ",")
        return f"Du har været logget ind i mere end {shown} timer. Log ind igen for at fortsætte."
    return None


def may_load_data(viewer: Viewer) -> bool:
    """Only analysts may upload, make data live and restore versions."""
    return viewer.role == ANALYST


def may_change_scenario(viewer: Viewer, owner: str | None) -> bool:
    """May this person delete or replace a saved scenario: their own always, anyone's if they are an analyst."""
    if viewer.role == ANALYST:
        return True
    return viewer.role == COMMITTEE and owner is not None and owner.casefold() == viewer.email.casefold()
