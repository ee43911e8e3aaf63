"""The sidebar filters, bound to the URL by Streamlit itself (`bind="query-params"`).

Each widget's key is its URL parameter, and the URL holds the Danish label of every choice that
differs from the default (`?aar=2010&bydel=Nørrebro&bydel=Bispebjerg`), so a copied link opens the
same view. Streamlit validates what comes in: values that are not among the options are dropped
from the widget and from the URL. The reset button sets every widget back to its default through
session state (a bound parameter cannot be changed through `st.query_params`).
"""

from __future__ import annotations

import streamlit as st

from dashboard import labels, queries
from dashboard.filters import Filters

YEAR, DISTRICTS, ADMINISTRATIONS, FOCUS_AREAS, GOALS, STATUSES = "aar", "bydel", "forvaltning", "omraade", "maal", "status"
FINANCING, EVIDENCE, DO_LESS = "finansiering", "evidens", "goeres_mindre"
MULTI_FILTERS = (
    (
        DISTRICTS,
        "Bydele",
        "Tomt = hele byen. Vælger du bydele, tæller kun budget og aktivitet i de bydele, og kun indsatser med budget eller "
        "aktivitet der; linjer for 'Hele byen' tælles ikke med. Kort og rangeringer viser stadig alle ti bydele.",
    ),
    (ADMINISTRATIONS, "Forvaltninger", "Tomt = alle forvaltninger."),
    (FOCUS_AREAS, "Indsatsområder", "Tomt = alle seks indsatsområder."),
    (GOALS, "Strategiske mål", "Indsatser, der tjener mindst ét af de valgte mål. Tomt = alle."),
    (STATUSES, "Status", "Eksisterende, nye eller foreslåede indsatser. Tomt = alle."),
    (FINANCING, "Finansiering", "Finansieret, delvist, mangler eller søgt i satspuljen. Tomt = alle."),
    (EVIDENCE, "Evidens", "Dokumenteret, lovende, erfaringsbaseret eller ukendt effekt. Tomt = alle."),
)


def _options(source: queries.Source) -> dict[str, dict]:
    """Return, per filter, the allowed values mapped to their Danish labels (the labels are what the URL shows)."""
    districts = queries.districts(source).set_index("district_id")["name"]
    return {
        YEAR: {year: str(year) for year in queries.budget_years(source)},
        DISTRICTS: districts.to_dict(),
        ADMINISTRATIONS: {code: labels.administration_label(code) for code in queries.administrations(source)["code"]},
        FOCUS_AREAS: queries.focus_areas(source).set_index("focus_area_id")["name"].to_dict(),
        GOALS: queries.goals(source).set_index("goal_id")["name"].to_dict(),
        STATUSES: dict(labels.STATUS_LABELS),
        FINANCING: dict(labels.FINANCING_LABELS),
        EVIDENCE: dict(labels.EVIDENCE_LABELS),
    }


def reset_filters(default_year: int) -> None:
    """Return every filter to its default (all districts, all initiatives, the latest year)."""
    st.session_state[YEAR] = default_year
    for key, _, _ in MULTI_FILTERS:
        st.session_state[key] = []
    st.session_state[DO_LESS] = False


def render_filters(source: queries.Source) -> Filters | None:
    """Show the filters in the sidebar and return the choice (None when there is no budget year)."""
    options = _options(source)
    years = list(options[YEAR])
    if not years:
        return None
    sidebar = st.sidebar
    sidebar.header("Filtre")
    year = sidebar.selectbox(
        "År",
        years,
        index=len(years) - 1,
        format_func=options[YEAR].get,
        key=YEAR,
        bind="query-params",
        help="Budgetår. Tal for forrige år vises som ændring.",
    )
    chosen = {
        key: sidebar.multiselect(
            label, list(options[key]), format_func=options[key].get, key=key, bind="query-params", placeholder="Alle", help=help_text
        )
        for key, label, help_text in MULTI_FILTERS
    }
    only_do_less = sidebar.checkbox(
        "Kun foreslået gjort mindre af",
        key=DO_LESS,
        bind="query-params",
        help="Vis kun indsatser, som analytikerne foreslår at gøre mindre af (kolonnen goeres_mindre_af).",
    )
    sidebar.button("Nulstil filtre", on_click=reset_filters, args=(years[-1],), icon=":material/restart_alt:", width="stretch")
    return Filters(
        year=int(year if year is not None else years[-1]),
        districts=tuple(sorted(chosen[DISTRICTS])),
        administrations=tuple(sorted(chosen[ADMINISTRATIONS])),
        focus_areas=tuple(sorted(chosen[FOCUS_AREAS])),
        goals=tuple(sorted(chosen[GOALS])),
        statuses=tuple(s for s in labels.STATUS_LABELS if s in chosen[STATUSES]),
        financing=tuple(s for s in labels.FINANCING_LABELS if s in chosen[FINANCING]),
        evidence=tuple(s for s in labels.EVIDENCE_LABELS if s in chosen[EVIDENCE]),
        only_do_less=bool(only_do_less),
    )
