"""The audit trail: who did what and when, in an append-only SQLite file beside the scenario store.

Every sign-in, upload (file name and SHA-256), refusal, go-live, restore, and scenario save,
replace and delete is one row: when (UTC), who (e-mail), their role, what, about what, and details.
The file is `data/audit.sqlite` (or $SIKKERBY_AUDIT), never inside the data database that each
load replaces, so it survives loads and restarts. This module can only add rows and read them; the
table's triggers refuse an UPDATE or DELETE from anywhere else too.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from dashboard.access import Viewer
from sikkerby.paths import DATA_DIR

STORE_ENV_VAR = "SIKKERBY_AUDIT"
DEFAULT_STORE = DATA_DIR / "audit.sqlite"

SIGN_IN, SIGN_OUT, SESSION_EXPIRED = "log_ind", "log_ud", "session_udloebet"
UPLOAD, UPLOAD_REFUSED, GO_LIVE, RESTORE = "upload", "upload_afvist", "gjort_live", "gendannet"
SCENARIO_SAVE, SCENARIO_REPLACE, SCENARIO_DELETE = "scenarie_gemt", "scenarie_erstattet", "scenarie_slettet"
DECISION_ADOPT, DECISION_MATCH = "beslutning_registreret", "beslutning_matchet"
REFUSED = "afvist"
ACTION_LABELS = {
    SIGN_IN: "Log ind",
    SIGN_OUT: "Log ud",
    SESSION_EXPIRED: "Session udløbet",
    UPLOAD: "Fil indlæst",
    UPLOAD_REFUSED: "Fil afvist",
    GO_LIVE: "Gjort live",
    RESTORE: "Version gendannet",
    SCENARIO_SAVE: "Scenarie gemt",
    SCENARIO_REPLACE: "Scenarie erstattet",
    SCENARIO_DELETE: "Scenarie slettet",
    DECISION_ADOPT: "Beslutning registreret",
    DECISION_MATCH: "Ny indsats matchet",
    REFUSED: "Handling afvist",
}
COLUMNS = ["at", "who", "role", "action", "subject", "detail"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS audit_event (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    who TEXT NOT NULL,
    role TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS audit_event_is_append_only_update BEFORE UPDATE ON audit_event
BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_event_is_append_only_delete BEFORE DELETE ON audit_event
BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END;
"""


class AuditError(Exception):
    """The audit trail cannot be written or read; the message is Danish and names no server path."""


def store_path() -> Path:
    """Return the audit file: $SIKKERBY_AUDIT, else data/audit.sqlite."""
    explicit = os.environ.get(STORE_ENV_VAR)
    return Path(explicit).expanduser().resolve() if explicit else DEFAULT_STORE


def _connect(path: Path | None) -> sqlite3.Connection:
    path = path or store_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(path, timeout=10)
        connection.executescript(_SCHEMA)
    except (OSError, sqlite3.Error) as error:
        raise AuditError("Logbogen kan ikke læses eller skrives lige nu, så handlingen er ikke udført.") from error
    return connection


def record(viewer: Viewer, action: str, subject: str = "", detail: str = "", path: Path | None = None) -> None:
    """Add one row to the trail; raise AuditError (Danish) when it cannot be written."""
    if action not in ACTION_LABELS:
        raise ValueError(f"unknown audit action {action!r}")
    row = (datetime.now(UTC).isoformat(timespec="seconds"), viewer.email, viewer.role or "", action, subject, detail)
    try:
        with closing(_connect(path)) as connection, connection:
            connection.execute("INSERT INTO audit_event (at, who, role, action, subject, detail) VALUES (?, ?, ?, ?, ?, ?)", row)
    except sqlite3.Error as error:
        raise AuditError("Logbogen kan ikke skrives, så handlingen er ikke registreret.") from error


def record_once(viewer: Viewer, action: str, subject: str = "", detail: str = "", path: Path | None = None) -> None:
    """Add the row unless the same person already has it (a sign-in is one row, however many tabs and reloads follow)."""
    with closing(_connect(path)) as connection:
        found = connection.execute(
            "SELECT 1 FROM audit_event WHERE who = ? AND action = ? AND subject = ? AND detail = ? LIMIT 1",
            (viewer.email, action, subject, detail),
        ).fetchone()
    if found is None:
        record(viewer, action, subject, detail, path)


def listing(path: Path | None = None, limit: int | None = None) -> pd.DataFrame:
    """Return the trail newest first (at as UTC timestamps), optionally only the newest `limit` rows."""
    try:
        with closing(_connect(path)) as connection:
            rows = connection.execute(
                "SELECT at, who, role, action, subject, detail FROM audit_event ORDER BY id DESC LIMIT ?", (limit or -1,)
            ).fetchall()
    except sqlite3.Error as error:
        raise AuditError("Logbogen kan ikke læses lige nu.") from error
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["at"] = pd.to_datetime(frame["at"], utc=True)
    return frame
