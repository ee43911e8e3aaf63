"""The scenario store: named scenarios in a small SQLite file of their own, beside (never inside) the data.

The data database is read-only to the app and is replaced whole by every load; scenarios must
outlive both, so they live in `data/scenarios.sqlite` (or $SIKKERBY_SCENARIOS). Each scenario is
one row: its name, when it was saved, its year, its JSON (`Scenario.to_json`) and its owner (the
signed-in e-mail of whoever saved it first). `scenario_history` keeps every save, replace and delete
with who and when, append-only. SQLite handles concurrent sessions saving at once.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
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


_SCHEMA = """
CREATE TABLE IF NOT EXISTS scenario (name TEXT PRIMARY KEY, year INTEGER NOT NULL, saved_at TEXT NOT NULL, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS scenario_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    at TEXT NOT NULL,
    by TEXT NOT NULL,
    action TEXT NOT NULL,
    body TEXT
);
CREATE TRIGGER IF NOT EXISTS scenario_history_is_append_only_update BEFORE UPDATE ON scenario_history
BEGIN SELECT RAISE(ABORT, 'scenario_history is append-only'); END;
CREATE TRIGGER IF NOT EXISTS scenario_history_is_append_only_delete BEFORE DELETE ON scenario_history
BEGIN SELECT RAISE(ABORT, 'scenario_history is append-only'); END;
"""
SAVED, UPDATED, REPLACED, DELETED = "gemt", "opdateret", "erstattet", "slettet"
UNKNOWN_OWNER = "ukendt (gemt før login)"


class OwnedByOther(StoreError):
    """A scenario of that name belongs to someone else; the message names the owner."""

    def __init__(self, name: str, owner: str | None) -> None:
        shown = owner or UNKNOWN_OWNER
        super().__init__(
            f"Der findes allerede et scenarie med navnet '{name}', og det ejes af {shown}. "
            "Giv dit scenarie et andet navn; kun ejeren eller en analytiker kan erstatte det."
        )
        self.owner = owner


def connect(path: Path | None = None) -> sqlite3.Connection:
    """Open the store (created when missing) with its schema; the decisions (dashboard/decision_store.py) live in it too."""
    path = path or store_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(path, timeout=10, isolation_level=None)  # transactions are begun explicitly
        connection.executescript(_SCHEMA)
        columns = {row[1] for row in connection.execute("PRAGMA table_info(scenario)")}
        if "owner" not in columns:  # a store from before sign-in: its scenarios have no owner
            connection.execute("ALTER TABLE scenario ADD COLUMN owner TEXT")
    except (OSError, sqlite3.Error) as error:
        raise StoreError("Scenarierne kan ikke læses eller gemmes lige nu (scenariefilen er ikke tilgængelig).") from error
    return connection


@contextmanager
def reading(message: str) -> Iterator[None]:
    """Turn a failed read (SQLite, or a stored copy that no longer parses) into a Danish StoreError with `message`."""
    try:
        yield
    except (sqlite3.Error, ValueError, KeyError, TypeError) as error:
        raise StoreError(message) from error


@contextmanager
def immediate(connection: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction, taken at once (BEGIN IMMEDIATE): committed when the block ends, rolled back when it raises."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield connection
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def clean_name(name: str) -> str:
    """Return the name as it is stored: trimmed, one line, at most 80 characters."""
    return " ".join(str(name).split())[:NAME_LENGTH]


def _same(a: str | None, b: str) -> bool:
    return a is not None and a.casefold() == b.casefold()


def save(scenario: Scenario, by: str, replace_others: bool = False, path: Path | None = None) -> str:
    """Save the scenario under its name for `by` (an e-mail); return 'gemt', 'opdateret' or 'erstattet'.

    A new name is saved with `by` as its owner. The owner saving again updates it. A name someone
    else owns (or that has no owner) is refused with OwnedByOther, unless `replace_others` (an
    analyst who chose 'Erstat'), which makes `by` the owner. Every save, and what it replaced, is
    kept in the history: nothing is overwritten without a trace.
    """
    name = clean_name(scenario.name)
    if not name:
        raise StoreError("Giv scenariet et navn, før det gemmes.")
    try:
        # the owner check and the write as one step, against a save at the same time
        with closing(connect(path)) as connection, immediate(connection):
            row = connection.execute("SELECT owner FROM scenario WHERE name = ?", (name,)).fetchone()
            if row is None:
                outcome = SAVED
            elif _same(row[0], by):
                outcome = UPDATED
            elif replace_others:
                outcome = REPLACED
            else:
                raise OwnedByOther(name, row[0])
            now, body = _now(), scenario.to_json()
            connection.execute(
                "INSERT OR REPLACE INTO scenario (name, year, saved_at, body, owner) VALUES (?, ?, ?, ?, ?)",
                (name, scenario.year, now, body, by),
            )
            connection.execute(
                "INSERT INTO scenario_history (name, at, by, action, body) VALUES (?, ?, ?, ?, ?)", (name, now, by, outcome, body)
            )
    except sqlite3.Error as error:
        raise StoreError("Scenariet blev ikke gemt: scenariefilen kan ikke skrives.") from error
    return outcome


def listing(path: Path | None = None) -> pd.DataFrame:
    """Return the saved scenarios (name, year, saved_at as a UTC timestamp, owner), newest first."""
    with reading("De gemte scenarier kan ikke læses lige nu (scenariefilen kan ikke læses)."), closing(connect(path)) as connection:
        rows = connection.execute("SELECT name, year, saved_at, owner FROM scenario ORDER BY saved_at DESC, name").fetchall()
    frame = pd.DataFrame(rows, columns=["name", "year", "saved_at", "owner"])
    frame["saved_at"] = pd.to_datetime(frame["saved_at"], utc=True)
    return frame


def owner_of(name: str, path: Path | None = None) -> str | None:
    """Return the owner of the saved scenario of that name (None when it has none or does not exist)."""
    with closing(connect(path)) as connection:
        row = connection.execute("SELECT owner FROM scenario WHERE name = ?", (clean_name(name),)).fetchone()
    return row[0] if row else None


def load(name: str, path: Path | None = None) -> Scenario | None:
    """Return the saved scenario of that name, or None when there is none."""
    with reading("Scenariet kan ikke læses: den gemte kopi i scenariefilen er beskadiget eller utilgængelig."):
        with closing(connect(path)) as connection:
            row = connection.execute("SELECT body FROM scenario WHERE name = ?", (name,)).fetchone()
        return Scenario.from_json(row[0]) if row else None


def history(name: str | None = None, path: Path | None = None) -> pd.DataFrame:
    """Return every save, replace and delete (name, at, by, action), oldest first; of one scenario when named."""
    with closing(connect(path)) as connection:
        rows = connection.execute(
            "SELECT name, at, by, action FROM scenario_history WHERE ? IS NULL OR name = ? ORDER BY id", (name, name)
        ).fetchall()
    return pd.DataFrame(rows, columns=["name", "at", "by", "action"])


def delete(name: str, by: str, path: Path | None = None) -> bool:
    """Delete the saved scenario of that name, keeping its last version in the history; False if there was none.

    Who may delete is decided by the caller (`access.may_change_scenario`); this only records who did.
    """
    try:
        with closing(connect(path)) as connection, immediate(connection):
            row = connection.execute("SELECT body FROM scenario WHERE name = ?", (name,)).fetchone()
            if row is not None:
                connection.execute("DELETE FROM scenario WHERE name = ?", (name,))
                connection.execute(
                    "INSERT INTO scenario_history (name, at, by, action, body) VALUES (?, ?, ?, ?, ?)",
                    (name, _now(), by, DELETED, row[0]),
                )
    except sqlite3.Error as error:
        raise StoreError("Scenariet blev ikke slettet: scenariefilen kan ikke skrives.") from error
    return row is not None
