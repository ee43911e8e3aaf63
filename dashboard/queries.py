"""Every SQL statement of the app. Results are cached by the data source, its version and filters.

Each function takes a `Source` (database path and data version) first, so a load that swaps in a
new database file gives new cache keys and the pages show the new data on their next run.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import pandas as pd
import streamlit as st

from dashboard.database import current_database, data_version, read_frame

CACHE = {"show_spinner": False, "max_entries": 512}


class Source(NamedTuple):
    """Which database to read, and which version of it (part of every cache key)."""

    db: str
    version: str


def current_source() -> Source:
    """Return the app's database and its current version; raises DatabaseMissing if absent."""
    db = current_database()
    return Source(str(db), data_version(db))


def _read(source: Source, sql: str, params: list | None = None) -> pd.DataFrame:
    return read_frame(Path(source.db), sql, params)


@st.cache_data(**CACHE)
def dataset_facts(source: Source) -> dict[str, str]:
    """Return the dataset's key facts: whether the portfolio is sample data, its source, version."""
    frame = _read(source, "SELECT key, value FROM dataset")
    return dict(zip(frame["key"], frame["value"], strict=True))


@st.cache_data(**CACHE)
def load_history(source: Source) -> pd.DataFrame:
    """Return every file loaded into this database, newest first."""
    return _read(
        source,
        """
        SELECT loaded_at, source_file, content, sha256
        FROM load_log
        ORDER BY loaded_at DESC, content
        """,
    )


@st.cache_data(**CACHE)
def table_row_counts(source: Source) -> pd.DataFrame:
    """Return the row count of each table as written by the latest load."""
    return _read(
        source,
        """
        SELECT table_name, row_count
        FROM load_table_rows
        WHERE load_id = (SELECT value FROM dataset WHERE key = 'data_version')
        """,
    )


@st.cache_data(**CACHE)
def budget_by_year(source: Source) -> pd.DataFrame:
    """Return the total budget, number of initiatives with budget, per year."""
    return _read(
        source,
        """
        SELECT year, SUM(budget_kr) AS budget_kr, COUNT(DISTINCT initiative_id) AS initiatives
        FROM budget
        GROUP BY year
        ORDER BY year
        """,
    )
