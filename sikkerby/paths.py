"""Where the project's files are, and which database a command or the app uses."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_DIR / "data"
REFERENCE_DIR = DATA_DIR / "reference"
POPULATION_CSV = REFERENCE_DIR / "befkbhalderkoencivst.csv"
BOUNDARIES_GEOJSON = REFERENCE_DIR / "bydele.geojson"
SAMPLE_WORKBOOK = DATA_DIR / "sample" / "indsatser.xlsx"
DEFAULT_DB = DATA_DIR / "sikkerby.duckdb"
DB_ENV_VAR = "SIKKERBY_DB"


def database_path(explicit: str | os.PathLike | None = None) -> Path:
    """Return the database file: `explicit` if given, else $SIKKERBY_DB, else data/sikkerby.duckdb."""
    if explicit:
        return Path(explicit).expanduser().resolve()
    if os.environ.get(DB_ENV_VAR):
        return Path(os.environ[DB_ENV_VAR]).expanduser().resolve()
    return DEFAULT_DB
