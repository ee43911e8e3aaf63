"""The record of decisions: adopted scenarios, append-only, in the scenario store's SQLite file (beside the data, never in it).

A decision is never edited or deleted (triggers refuse it): a correction is a new decision that
supersedes the old one, and both stay in the record. An analyst's match of a scenario's new
initiative to a real one is a row of its own, also append-only; the latest match counts. Like the
scenarios, decisions outlive data loads, restores and restarts.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd

from dashboard import decisions
from dashboard.scenario_store import StoreError, connect, immediate, reading
from dashboard.scenarios import Scenario

AGENDA_LENGTH, NOTE_LENGTH = 200, 4000
_SCHEMA = """
CREATE TABLE IF NOT EXISTS decision (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    adopted_at TEXT NOT NULL,
    adopted_by TEXT NOT NULL,
    meeting_date TEXT NOT NULL,
    agenda_item TEXT NOT NULL,
    note TEXT NOT NULL,
    scenario_name TEXT NOT NULL,
    year INTEGER NOT NULL,
    scenario TEXT NOT NULL,
    data_version TEXT NOT NULL,
    lines TEXT NOT NULL,
    coverage TEXT NOT NULL,
    goals TEXT NOT NULL,
    supersedes INTEGER REFERENCES decision (id)
);
CREATE TABLE IF NOT EXISTS decision_match (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    decision_id INTEGER NOT NULL REFERENCES decision (id),
    new_id TEXT NOT NULL,
    real_id TEXT,
    at TEXT NOT NULL,
    by TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS decision_is_append_only_update BEFORE UPDATE ON decision
BEGIN SELECT RAISE(ABORT, 'decision is append-only'); END;
CREATE TRIGGER IF NOT EXISTS decision_is_append_only_delete BEFORE DELETE ON decision
BEGIN SELECT RAISE(ABORT, 'decision is append-only'); END;
CREATE TRIGGER IF NOT EXISTS decision_match_is_append_only_update BEFORE UPDATE ON decision_match
BEGIN SELECT RAISE(ABORT, 'decision_match is append-only'); END;
CREATE TRIGGER IF NOT EXISTS decision_match_is_append_only_delete BEFORE DELETE ON decision_match
BEGIN SELECT RAISE(ABORT, 'decision_match is append-only'); END;
"""


def _connect(path: Path | None) -> sqlite3.Connection:
    connection = connect(path)
    try:
        connection.executescript(_SCHEMA)
    except sqlite3.Error as error:
        connection.close()
        raise StoreError("Beslutningerne kan ikke læses eller gemmes lige nu (scenariefilen er ikke tilgængelig).") from error
    return connection


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _one_line(text: str, length: int) -> str:
    return " ".join(str(text).split())[:length]


def adopt(
    scenario: Scenario,
    data_version: str,
    lines: pd.DataFrame,
    coverage: pd.DataFrame,
    goals: pd.DataFrame,
    meeting_date: date,
    agenda_item: str,
    note: str,
    by: str,
    supersedes: int | None = None,
    path: Path | None = None,
) -> int:
    """Record a scenario, as worked out on `data_version`, as the committee's decision; return its number.

    Refused with a Danish StoreError: no agenda item, a meeting date in the future, or a decision to
    supersede that does not exist or is already superseded.
    """
    agenda = _one_line(agenda_item, AGENDA_LENGTH)
    if not agenda:
        raise StoreError("Skriv mødet og punktet på dagsordenen (fx 'Økonomiudvalget 13.04.2010, punkt 6'), før beslutningen gemmes.")
    if meeting_date > datetime.now(UTC).date():
        raise StoreError(f"Mødedatoen {meeting_date:%d.%m.%Y} ligger i fremtiden. En beslutning registreres efter mødet.")
    try:
        with closing(_connect(path)) as connection, immediate(connection):
            if supersedes is not None:
                _check_supersedable(connection, supersedes)
            cursor = connection.execute(
                "INSERT INTO decision (adopted_at, adopted_by, meeting_date, agenda_item, note, scenario_name, year, scenario, "
                "data_version, lines, coverage, goals, supersedes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    _now(),
                    by,
                    meeting_date.isoformat(),
                    agenda,
                    str(note).strip()[:NOTE_LENGTH],
                    scenario.name,
                    scenario.year,
                    scenario.to_json(),
                    data_version,
                    decisions.lines_to_json(lines),
                    decisions.lines_to_json(coverage),
                    decisions.lines_to_json(goals),
                    supersedes,
                ),
            )
    except sqlite3.Error as error:
        raise StoreError("Beslutningen blev ikke gemt: scenariefilen kan ikke skrives.") from error
    return int(cursor.lastrowid)


def _check_supersedable(connection: sqlite3.Connection, decision_id: int) -> None:
    if connection.execute("SELECT 1 FROM decision WHERE id = ?", (decision_id,)).fetchone() is None:
        raise StoreError(f"Beslutning nr. {decision_id} findes ikke, så den kan ikke erstattes.")
    later = connection.execute("SELECT id FROM decision WHERE supersedes = ?", (decision_id,)).fetchone()
    if later is not None:
        raise StoreError(f"Beslutning nr. {decision_id} er allerede erstattet af nr. {later[0]}. Ret den nyeste i stedet.")


def listing(path: Path | None = None) -> pd.DataFrame:
    """Return every decision, oldest meeting first: id, meeting_date, agenda_item, scenario_name, year, adopted_at, adopted_by,
    supersedes and superseded_by (the later decision that replaced it, else missing)."""
    with reading("Beslutningerne kan ikke læses lige nu (scenariefilen kan ikke læses)."), closing(_connect(path)) as connection:
        rows = connection.execute(
            "SELECT d.id, d.meeting_date, d.agenda_item, d.scenario_name, d.year, d.adopted_at, d.adopted_by, d.supersedes, "
            "(SELECT MIN(l.id) FROM decision l WHERE l.supersedes = d.id) FROM decision d ORDER BY d.meeting_date, d.id"
        ).fetchall()
    columns = [
        "decision_id",
        "meeting_date",
        "agenda_item",
        "scenario_name",
        "year",
        "adopted_at",
        "adopted_by",
        "supersedes",
        "superseded_by",
    ]
    frame = pd.DataFrame(rows, columns=columns)
    for column in ("supersedes", "superseded_by"):
        frame[column] = frame[column].astype("Int64")
    return frame


def load(decision_id: int, path: Path | None = None) -> decisions.Decision | None:
    """Return the decision with that number, with its latest matches, or None when there is none.

    A row that cannot be read back (a damaged file) raises a Danish StoreError naming the decision.
    """
    unreadable = f"Beslutning nr. {decision_id} kan ikke læses: den gemte kopi i scenariefilen er beskadiget eller utilgængelig."
    with reading(unreadable), closing(_connect(path)) as connection:
        row = connection.execute(
            "SELECT id, meeting_date, agenda_item, note, adopted_at, adopted_by, scenario, data_version, lines, coverage, goals, supersedes "
            "FROM decision WHERE id = ?",
            (decision_id,),
        ).fetchone()
        matched = connection.execute(
            "SELECT new_id, real_id FROM decision_match WHERE decision_id = ? ORDER BY id", (decision_id,)
        ).fetchall()
    if row is None:
        return None
    with reading(unreadable):
        return _decision(row, matched)


def _decision(row: tuple, matched: list[tuple]) -> decisions.Decision:
    matches = {}
    for new_id, real_id in matched:  # the latest row per new initiative counts; a row without a real id undoes the match
        if real_id:
            matches[new_id] = real_id
        else:
            matches.pop(new_id, None)
    return decisions.Decision(
        decision_id=row[0],
        meeting_date=row[1],
        agenda_item=row[2],
        note=row[3],
        adopted_at=row[4],
        adopted_by=row[5],
        scenario=Scenario.from_json(row[6]),
        data_version=row[7],
        lines=decisions.lines_from_json(row[8]),
        coverage=decisions.lines_from_json(row[9]),
        goals=decisions.lines_from_json(row[10]),
        supersedes=row[11],
        matches=matches,
    )


def match(decision_id: int, new_id: str, real_id: str | None, by: str, path: Path | None = None) -> None:
    """Record that the scenario's new initiative `new_id` is the real initiative `real_id` (None: not matched after all)."""
    try:
        with closing(_connect(path)) as connection, connection:
            connection.execute(
                "INSERT INTO decision_match (decision_id, new_id, real_id, at, by) VALUES (?, ?, ?, ?, ?)",
                (decision_id, new_id, real_id, _now(), by),
            )
    except sqlite3.Error as error:
        raise StoreError("Matchet blev ikke gemt: scenariefilen kan ikke skrives.") from error
