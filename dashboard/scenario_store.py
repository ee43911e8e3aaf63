"""The scenario store: named scenarios in a small SQLite file of their own, beside (never inside) the data.

The data database is read-only to the app and is replaced whole by every load; scenarios must
outlive both, so they live in `data/scenarios.sqlite` (or $SIKKERBY_SCENARIOS). Each scenario is
one row: its name, when it was saved, its year and its JSON (`Scenario.to_json`). SQLite handles
concurrent sessions saving at once.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from dashboard.scenarios import Scenario
from sikkerby.paths import DATA_DIR

STORE_ENV_VAR = "SIKKERBY_SCENARIOS"
DEFAULT_STORE = DATA_DIR / "scenarios.sqlite"
NAME_LENGTH = 80


class StoreError(Exception):
    """The store cannot be read or written; the message is Danish and names no server path."""


def store_path() -> Path:
    """Return the store file: $SIKKERBY_SCENARIOS, else data/scenarios.sqlite."""
    explicit = os.environ.get(STORE_ENV_VAR)
    return Path(explicit).expanduser().resolve() if explicit else DEFAULT_STORE


def _connect(path: Path | None = None) -> sqlite3.Connection:
    path = path or store_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(path, timeout=10)
        connection.execute(
            "CREATE TABLE IF NOT EXISTS scenario (name TEXT PRIMARY KEY, year INTEGER NOT NULL, saved_at TEXT NOT NULL, body TEXT NOT NULL)"
        )
    except (OSError, sqlite3.Error) as error:
        raise StoreError("Scenarierne kan ikke læses eller gemmes lige nu (scenariefilen er ikke tilgængelig).") from error
    return connection


def clean_name(name: str) -> str:
    """Return the name as it is stored: trimmed, one line, at most 80 characters."""
    return " ".join(str(name).split())[:NAME_LENGTH]


def save(scenario: Scenario, path: Path | None = None) -> bool:
    """Save (or replace) the scenario under its name; return True if it replaced one of the same name."""
    name = clean_name(scenario.name)
    if not name:
        raise StoreError("Giv scenariet et navn, før det gemmes.")
    try:
        with closing(_connect(path)) as connection, connection:
            existed = connection.execute("SELECT 1 FROM scenario WHERE name = ?", (name,)).fetchone() is not None
            connection.execute(
                "INSERT OR REPLACE INTO scenario (name, year, saved_at, body) VALUES (?, ?, ?, ?)",
                (name, scenario.year, datetime.now(UTC).isoformat(timespec="seconds"), scenario.to_json()),
            )
    except sqlite3.Error as error:
        raise StoreError("Scenariet blev ikke gemt: scenariefilen kan ikke skrives.") from error
    return existed


def listing(path: Path | None = None) -> pd.DataFrame:
    """Return the saved scenarios (name, year, saved_at as a local-time-free UTC timestamp), newest first."""
    with closing(_connect(path)) as connection:
        rows = connection.execute("SELECT name, year, saved_at FROM scenario ORDER BY saved_at DESC, name").fetchall()
    frame = pd.DataFrame(rows, columns=["name", "year", "saved_at"])
    frame["saved_at"] = pd.to_datetime(frame["saved_at"], utc=True)
    return frame


def load(name: str, path: Path | None = None) -> Scenario | None:
    """Return the saved scenario of that name, or None when there is none."""
    with closing(_connect(path)) as connection:
        row = connection.execute("SELECT body FROM scenario WHERE name = ?", (name,)).fetchone()
    return Scenario.from_json(row[0]) if row else None


def delete(name: str, path: Path | None = None) -> None:
    """Delete the saved scenario of that name (nothing happens if there is none)."""
    try:
        with closing(_connect(path)) as connection, connection:
            connection.execute("DELETE FROM scenario WHERE name = ?", (name,))
    except sqlite3.Error as error:
        raise StoreError("Scenariet blev ikke slettet: scenariefilen kan ikke skrives.") from error
