"""Sikker By-dashboardet: the router. Run with `make run` (or `streamlit run dashboard/app.py`).

It sets up the page, shows the filters that apply to every page, prepares the page context
(data source, filters, dataset facts) and runs the chosen page.
"""

from __future__ import annotations

import logging
import runpy
import secrets
import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dashboard import access, accessibility, layout, queries, sidebar, signin, warmup  # noqa: E402
from dashboard.access import Viewer  # noqa: E402
from dashboard.database import DatabaseMissing, reading  # noqa: E402

PAGES_DIR = Path(__file__).resolve().parent / "app_pages"
LOG = logging.getLogger("sikkerby.dashboard")
ERROR_PANEL = (
    "Der skete en fejl, så siden ikke kunne vises færdig. Prøv igen, eller vælg andre filtre. "
    "Skriv referencen **{reference}** til Center for Sikker By, hvis fejlen bliver ved; detaljerne står i serverens log."
)

st.set_page_config(page_title="Sikker By – kriminalpræventive indsatser", page_icon="🛡️", layout="wide")
accessibility.apply()


def run_pages(source: queries.Source, viewer: Viewer) -> None:
    """Show who is looking and the filters, prepare the page context and run the chosen page, all on one data version."""
    filters = sidebar.render_filters(source)
    signin.show_viewer(viewer)  # under the filters, so the filters stay in view on a laptop screen
    if filters is None:
        st.title("Sikker By – kriminalpræventive indsatser")
        st.error("Databasen har ingen budgetlinjer. Indlæs en projektmappe med `python -m pipelines load STI`.", icon=":material/database:")
        st.stop()
    districts = queries.districts(source)
    st.session_state[layout.CONTEXT_KEY] = layout.PageContext(
        source=source,
        filters=filters,
        facts=queries.dataset_facts(source),
        district_names=dict(zip(districts["district_id"], districts["name"], strict=True)),
        viewer=viewer,
    )
    st.navigation(pages_for(viewer), expanded=True).run()  # every page in view: 13 would hide three behind an English "View 3 more"


FINANCING_PAGE = st.Page(PAGES_DIR / "financing.py", title="Mangler finansiering", icon=":material/money_off:", url_path="finansiering")
OVERVIEW_FILE = PAGES_DIR / "overview.py"
OVERVIEW = st.Page(OVERVIEW_FILE, title="Overblik", icon=":material/dashboard:", default=True, url_path="forside")


def open_overview() -> None:
    """Show the start page at `/overblik` too: Streamlit serves the default page only at `/`.

    A redirect with `st.switch_page` cannot be used: it clears the query parameters, which the
    filters bind to, so the page's own file is run here instead.
    """
    runpy.run_path(str(OVERVIEW_FILE), run_name="__main__")


def pages_for(viewer: Viewer) -> dict[str, list[st.Page]]:
    """The menu: *Indlæs data* is listed for analysts only; for others its URL still opens, and the page refuses."""
    data_page = st.Page(
        PAGES_DIR / "data.py",
        title="Indlæs data",
        icon=":material/upload_file:",
        url_path="data",
        visibility="visible" if access.may_load_data(viewer) else "hidden",
    )
    return {**PAGES, "Om dashboardet": [*PAGES["Om dashboardet"], data_page]}


PAGES = {
    "Beslutningsgrundlag": [
        OVERVIEW,
        st.Page(PAGES_DIR / "economy.py", title="Økonomi", icon=":material/payments:", url_path="oekonomi"),
        st.Page(PAGES_DIR / "young_adults.py", title="Unge 18–25", icon=":material/groups:", url_path="unge"),
        st.Page(PAGES_DIR / "goals.py", title="Strategiske mål", icon=":material/flag:", url_path="maal"),
        st.Page(PAGES_DIR / "initiatives.py", title="Indsatser", icon=":material/list_alt:", url_path="indsatser"),
        FINANCING_PAGE,
        st.Page(PAGES_DIR / "prioritisation.py", title="Prioritering", icon=":material/balance:", url_path="prioritering"),
        st.Page(PAGES_DIR / "scenarios.py", title="Scenarier", icon=":material/alt_route:", url_path="scenarier"),
        st.Page(PAGES_DIR / "decisions.py", title="Beslutninger", icon=":material/gavel:", url_path="beslutninger"),
        st.Page(PAGES_DIR / "focus_areas.py", title="Indsatsområder", icon=":material/category:", url_path="indsatsomraader"),
        st.Page(open_overview, title="Overblik", url_path="overblik", visibility="hidden"),
    ],
    "Om dashboardet": [
        st.Page(PAGES_DIR / "about.py", title="Om data", icon=":material/info:", url_path="om-data"),
        st.Page(
            PAGES_DIR / "accessibility_statement.py", title="Tilgængelighed", icon=":material/accessibility:", url_path="tilgaengelighed"
        ),
    ],
}

if warmup.enabled():  # from the first run on (a server start), each new data version is warmed before it is asked for
    warmup.WARMER.watch(queries.app_database())
try:
    viewer = signin.viewer_or_stop()  # before any data is read: a person who may not look sees no district name either
    with reading(queries.app_database()) as version, warmup.VISITORS.visiting(), warmup.WARMER.waiting_note(queries.source_of(version)):
        run_pages(queries.source_of(version), viewer)
except DatabaseMissing:
    st.title("Sikker By – kriminalpræventive indsatser")
    st.error(
        "Databasen findes ikke endnu. Byg den med `make run` eller `python -m pipelines build`, og genindlæs siden.",
        icon=":material/database:",
    )
except Exception:  # a viewer gets a Danish panel and a reference; the traceback (with server paths) goes to the log only
    reference = secrets.token_hex(4)
    LOG.exception("Fejl under visning af en side, reference %s", reference)
    st.error(ERROR_PANEL.format(reference=reference), icon=":material/error:")
