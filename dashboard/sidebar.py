"""The sidebar filters: read from the URL once, shown as widgets, written back to the URL.

The URL holds every choice that differs from the default (`?aar=2010&bydel=3&bydel=8`), so a
copied link opens the same view; the reset button returns every filter to its default.
"""

from __future__ import annotations

import streamlit as st

from dashboard import labels, queries
from dashboard.filters import Filters

# URL parameter → session-state key of the widget
PARAMS = {
    "aar": "filter_year",
    "bydel": "filter_districts",
    "forvaltning": "filter_administrations",
    "omraade": "filter_focus_areas",
    "maal": "filter_goals",
    "status": "filter_statuses",
}
STATUSES = list(labels.STATUS_LABELS)


def _options(source: queries.Source) -> dict[str, dict]:
    """Return, per URL parameter, the allowed values mapped to their Danish labels."""
    districts = queries.districts(source).set_index("district_id")["name"]
    administrations = queries.administrations(source).set_index("code")["name"]
    return {
        "aar": {year: str(year) for year in queries.budget_years(source)},
        "bydel": districts.to_dict(),
        "forvaltning": {code: f"{name} ({code})" for code, name in administrations.items()},
        "omraade": queries.focus_areas(source).set_index("focus_area_id")["name"].to_dict(),
        "maal": queries.goals(source).set_index("goal_id")["name"].to_dict(),
        "status": dict(labels.STATUS_LABELS),
    }


def _default_year(options: dict[str, dict]) -> int | None:
    years = list(options["aar"])
    return years[-1] if years else None


def _from_url(param: str, allowed: dict) -> list:
    """Return the URL's values for a parameter that are among the allowed ones (others are ignored)."""
    by_text = {str(value): value for value in allowed}
    return [by_text[text] for text in st.query_params.get_all(param) if text in by_text]


def _initialise(options: dict[str, dict]) -> None:
    if st.session_state.get("filters_initialised"):
        return
    for param, key in PARAMS.items():
        values = _from_url(param, options[param])
        if param == "aar":
            st.session_state[key] = values[0] if values else _default_year(options)
        else:
            st.session_state[key] = values
    st.session_state["filters_initialised"] = True


def reset_filters(default_year: int | None) -> None:
    """Return every filter to its default (all districts, all initiatives, the latest year)."""
    for param, key in PARAMS.items():
        st.session_state[key] = default_year if param == "aar" else []


def _write_url(filters: Filters, default_year: int | None) -> None:
    values: dict[str, list[str] | str] = {}
    if filters.year != default_year:
        values["aar"] = str(filters.year)
    for param, chosen in (
        ("bydel", filters.districts),
        ("forvaltning", filters.administrations),
        ("omraade", filters.focus_areas),
        ("maal", filters.goals),
        ("status", filters.statuses),
    ):
        if chosen:
            values[param] = [str(v) for v in chosen]
    current = {key: st.query_params.get_all(key) for key in st.query_params}
    if current != {key: value if isinstance(value, list) else [value] for key, value in values.items()}:
        st.query_params.from_dict(values)


def render_filters(source: queries.Source) -> Filters | None:
    """Show the filters in the sidebar and return the choice (None when there is no budget year)."""
    options = _options(source)
    default_year = _default_year(options)
    if default_year is None:
        return None
    _initialise(options)
    sidebar = st.sidebar
    sidebar.header("Filtre")
    year = sidebar.selectbox(
        "År", list(options["aar"]), index=None, key=PARAMS["aar"], help="Budgetår. Tal for forrige år vises som ændring."
    )
    if year is None:
        year = default_year
    chosen = {}
    for param, label, help_text in (
        (
            "bydel",
            "Bydele",
            "Tomt = hele byen. Vælger du bydele, tæller kun budget og aktivitet i de bydele; linjer for 'Hele byen' tælles ikke med.",
        ),
        ("forvaltning", "Forvaltninger", "Tomt = alle forvaltninger."),
        ("omraade", "Indsatsområder", "Tomt = alle seks indsatsområder."),
        ("maal", "Strategiske mål", "Indsatser, der tjener mindst ét af de valgte mål. Tomt = alle."),
        ("status", "Status", "Eksisterende, nye eller foreslåede indsatser. Tomt = alle."),
    ):
        chosen[param] = sidebar.multiselect(
            label, list(options[param]), format_func=options[param].get, key=PARAMS[param], placeholder="Alle", help=help_text
        )
    sidebar.button("Nulstil filtre", on_click=reset_filters, args=(default_year,), icon=":material/restart_alt:", width="stretch")
    filters = Filters(
        year=int(year),
        districts=tuple(sorted(chosen["bydel"])),
        administrations=tuple(sorted(chosen["forvaltning"])),
        focus_areas=tuple(sorted(chosen["omraade"])),
        goals=tuple(sorted(chosen["maal"])),
        statuses=tuple(s for s in STATUSES if s in chosen["status"]),
    )
    _write_url(filters, default_year)
    return filters
