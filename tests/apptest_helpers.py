"""Helpers to drive the real app with Streamlit's AppTest and read what a user would download."""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Callable
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")
PAGES = {
    "overview": "app_pages/overview.py",
    "economy": "app_pages/economy.py",
    "young_adults": "app_pages/young_adults.py",
    "goals": "app_pages/goals.py",
    "initiatives": "app_pages/initiatives.py",
    "financing": "app_pages/financing.py",
    "prioritisation": "app_pages/prioritisation.py",
    "scenarios": "app_pages/scenarios.py",
    "decisions": "app_pages/decisions.py",
    "focus_areas": "app_pages/focus_areas.py",
    "about": "app_pages/about.py",
    "accessibility": "app_pages/accessibility_statement.py",
    "data": "app_pages/data.py",
}


def open_app(page: str = "overview", query: dict | None = None, user: dict | None = None, secrets: dict | None = None) -> AppTest:
    """Run the app (SIKKERBY_DB must be set), optionally with URL query parameters, and open a page.

    Without `secrets` the app runs in local mode (the repository's config listens on 127.0.0.1); with
    them, `user` is what the identity token said (`st.user`).
    """
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    for key, value in (secrets or {}).items():
        at.secrets[key] = value
    if user is not None:
        at.user = user
    if page != "overview":
        # Straight to the page, as a link to its address opens it (not Overblik first, then a click: that ran
        # the start page's queries in every test). AppTest names a first page only by file name, which
        # `st.navigation`'s own addresses do not match, so its request is given the page's hash as Streamlit makes it.
        at._page_hash = calc_hash(URL_PATHS[page])
    at.run()
    if page != "overview":
        assert at._finished_page_script_hash == calc_hash(URL_PATHS[page]), f"AppTest åbnede ikke siden {page}"
    assert not failures(at), failures(at)
    return at


URL_PATHS = {  # each page's address, as dashboard/app.py registers it
    "economy": "oekonomi",
    "young_adults": "unge",
    "goals": "maal",
    "initiatives": "indsatser",
    "financing": "finansiering",
    "prioritisation": "prioritering",
    "scenarios": "scenarier",
    "decisions": "beslutninger",
    "focus_areas": "indsatsomraader",
    "about": "om-data",
    "accessibility": "tilgaengelighed",
    "data": "data",
}


def failures(at: AppTest) -> list[str]:
    """Return what went wrong in the run: exceptions, and the Danish error panel that stands in for one."""
    return [e.value for e in at.exception] + [e.value for e in at.error if e.value.startswith("Der skete en fejl")]


def metric(at: AppTest, label: str) -> str:
    """Return the shown value of the key figure with this label."""
    return next(m.value for m in at.metric if m.label == label)


def sql_value(db: Path, sql: str, params: list | None = None):
    """Compute a figure independently of the app, straight from the database."""
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params or []).fetchone()[0]


class Downloads:
    """Captures what every download button offers: file id → (file name, bytes), or the builder of a file built on click."""

    def __init__(self) -> None:
        self.files: dict[str, tuple[str | None, bytes]] = {}
        self.on_click: dict[str, tuple[str | None, Callable[[], bytes | str]]] = {}
        self.built = 0  # how many files built on click were built (by a test's click)

    def get(self, at: AppTest, key: str) -> tuple[str | None, bytes]:
        """Return the file name and bytes behind the download button with this key (built now if it is built on click)."""
        button = next(b for b in at.download_button if b.proto.id.endswith(key))
        if button.proto.deferred_file_id:  # what a click does: the app builds the file then
            name, build = self.on_click[button.proto.deferred_file_id]
            self.built += 1
            data = build()
            return name, data.encode("utf-8") if isinstance(data, str) else data
        return self.files[button.proto.url.rsplit("/", 1)[-1].split(".")[0]]


def read_danish_csv(data: bytes) -> pd.DataFrame:
    """Read a CSV as Danish Excel would: BOM, `;`, decimal comma."""
    return pd.read_csv(io.BytesIO(data), sep=";", decimal=",", encoding="utf-8-sig")


def chart_titles(at: AppTest) -> dict[str, str]:
    """Return each chart's finding (its title), by the chart's key without the `chart_` prefix."""
    return {chart.proto.id.rsplit("-chart_", 1)[-1]: figure(chart)["layout"]["meta"]["title"] for chart in at.get("plotly_chart")}


def chart_figure(at: AppTest, key: str) -> dict:
    """Return the plotly figure (as a dict) of the chart with this key."""
    return figure(next(c for c in at.get("plotly_chart") if c.proto.id.endswith("-chart_" + key)))


def figure(chart) -> dict:
    return json.loads(chart.proto.spec)


def numbers(values: list | dict) -> list[float]:
    """Return a figure's numeric array as a list, also where plotly sent it packed (`{"dtype", "bdata"}`)."""
    if isinstance(values, dict):
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return list(values)


def table(at: AppTest, column: str) -> pd.DataFrame:
    """Return the frame behind the first table that shows this column (the values the user sorts on)."""
    return next(d.value for d in at.dataframe if column in d.value.columns).reset_index(drop=True)


def displayed(element) -> pd.DataFrame:
    """Return a table as the user reads it: the text of every cell (Danish numbers, '<5', 'skjult', '–')."""
    from streamlit import dataframe_util

    text = element.proto.arrow_data.styler.display_values
    return dataframe_util.convert_arrow_bytes_to_pandas_df(text).reset_index(drop=True) if text else element.value.astype(str)


def shown_cells(styler) -> pd.DataFrame:
    """Return the texts Streamlit sends the browser for a styled table's cells (its display values)."""
    from streamlit import dataframe_util
    from streamlit.elements.lib.pandas_styler_utils import marshall_styler
    from streamlit.proto.ArrowData_pb2 import ArrowData

    proto = ArrowData()
    marshall_styler(proto, styler, "table")
    return dataframe_util.convert_arrow_bytes_to_pandas_df(proto.styler.display_values)
