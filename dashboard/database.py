"""Read-only access to the DuckDB file, one short-lived connection per query.

No connection is kept open between queries: within one process DuckDB reuses an open database
for its path, so a held handle would keep showing the old file after the pipeline swaps a new
one in. The data version (the file's identity and modification time) keys every cached result.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pandas as pd

from sikkerby.paths import database_path


class DatabaseMissing(RuntimeError):
    """The database file does not exist yet (the pipeline has not been run)."""


def current_database() -> Path:
    """Return the database the app reads: $SIKKERBY_DB, else data/sikkerby.duckdb."""
    return database_path()


def data_version(db_path: Path) -> str:
    """Return a token that changes whenever a load swaps in a new database file."""
    try:
        stat = os.stat(db_path)
    except FileNotFoundError as error:
        raise DatabaseMissing(str(db_path)) from error
    return f"{stat.st_ino}-{stat.st_mtime_ns}-{stat.st_size}"


def read_frame(db_path: Path, sql: str, params: list | dict | None = None) -> pd.DataFrame:
    """Run one read-only query and return its result; the connection is closed at once."""
    if not db_path.exists():
        raise DatabaseMissing(str(db_path))
    with duckdb.connect(str(db_path), read_only=True) as con:
        return con.execute(sql, params or []).df()
