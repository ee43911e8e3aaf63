"""The only module that writes the DuckDB database.

A write never touches the live file: the new database is built beside it and swapped in with
`os.replace`, so a failed build leaves the old file byte-for-byte as it was, and a reader that
has the old file open keeps reading the old data until it reopens. Each file is thus one
immutable data version, named by its load id (`dataset.data_version`).

One load at a time per database: a load takes an exclusive lock on a lock file beside the
database for the whole read-history, build and swap, so a second load waits for the first and
carries its load history over (or gives up with a Danish message after `LOAD_WAIT_SECONDS`).
Under the lock it also removes the staging files a killed load left behind.

Only a database this project wrote (a DuckDB file with its `dataset` table) is ever replaced;
any other file at the database path is refused, and failures of the operating system are said
in Danish (`StoreFailure`).
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import json
import os
import re
import shutil
import time
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pyarrow as pa

if TYPE_CHECKING:  # the tables come as DataFrames from the full reader; the store itself needs no pandas
    import pandas as pd

from pipelines.arrow_tables import table_of
from pipelines.os_errors import io_failure_sentence, names_a_cause

SCHEMA = """
CREATE TABLE district (district_id INTEGER PRIMARY KEY, name VARCHAR NOT NULL, area_m2 DOUBLE, boundary_geojson VARCHAR);
CREATE TABLE administration (code VARCHAR PRIMARY KEY, name VARCHAR NOT NULL);
CREATE TABLE focus_area (focus_area_id INTEGER PRIMARY KEY, name VARCHAR NOT NULL);
CREATE TABLE goal (goal_id INTEGER PRIMARY KEY, workbook_column VARCHAR NOT NULL, name VARCHAR NOT NULL);
CREATE TABLE population (
    year INTEGER NOT NULL, district_id INTEGER NOT NULL,
    age_0_17 BIGINT NOT NULL, age_18_25 BIGINT NOT NULL, age_26_64 BIGINT NOT NULL, age_65_plus BIGINT NOT NULL,
    total BIGINT NOT NULL, PRIMARY KEY (year, district_id));
CREATE TABLE initiative (
    initiative_id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, administration_code VARCHAR NOT NULL,
    focus_area_id INTEGER NOT NULL, character VARCHAR, target_group VARCHAR NOT NULL,
    age_min INTEGER NOT NULL, age_max INTEGER NOT NULL, status VARCHAR NOT NULL, financing VARCHAR NOT NULL,
    do_less BOOLEAN NOT NULL, rationale VARCHAR, evidence VARCHAR NOT NULL,
    targets_18_25 BOOLEAN NOT NULL, goal_count INTEGER NOT NULL);
CREATE TABLE initiative_goal (initiative_id VARCHAR NOT NULL, goal_id INTEGER NOT NULL, PRIMARY KEY (initiative_id, goal_id));
CREATE TABLE budget (
    initiative_id VARCHAR NOT NULL, year INTEGER NOT NULL, district_id INTEGER,
    budget_kr DOUBLE NOT NULL, spent_kr DOUBLE, funding_source VARCHAR NOT NULL, source_row INTEGER);
CREATE TABLE activity (
    initiative_id VARCHAR NOT NULL, year INTEGER NOT NULL, district_id INTEGER,
    participants BIGINT NOT NULL, participants_18_25 BIGINT, places BIGINT, source_row INTEGER);
CREATE TABLE effect_target (
    initiative_id VARCHAR NOT NULL, year INTEGER NOT NULL, indicator VARCHAR NOT NULL, unit VARCHAR,
    baseline DOUBLE, target DOUBLE NOT NULL, actual DOUBLE);
CREATE TABLE load_log (
    load_id VARCHAR NOT NULL, loaded_at TIMESTAMP NOT NULL, source_file VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL, content VARCHAR NOT NULL);
CREATE TABLE load_table_rows (load_id VARCHAR NOT NULL, table_name VARCHAR NOT NULL, row_count BIGINT NOT NULL);
CREATE TABLE dataset (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL);
"""

LOG_TABLES = ("load_log", "load_table_rows")
METADATA_TABLE = "dataset"  # key/value facts every database this project writes carries (data_version, source, ...)
DUCKDB_MAGIC = b"DUCK"  # bytes 8 to 11 of every DuckDB database file, after the header's checksum
DUCKDB_MAGIC_OFFSET = 8
LOAD_WAIT_SECONDS = 120.0
KEEP = 5  # replaced versions kept for a restore


class LoadBusy(RuntimeError):
    """Another load of the same database did not finish in time; the message is Danish."""


class StoreFailure(RuntimeError):
    """The database could not be written; the message is Danish and says why. The live file is as it was."""


def ensure_replaceable(db_path: Path) -> None:
    """Refuse to replace anything but a missing file or a DuckDB database this project wrote.

    A mistyped `--db` (the input workbook, a document, another program's database) must not be
    overwritten. Raises StoreFailure saying what the file is instead, or the OSError / DuckDB
    IOException met while looking (a folder, no access, locked by another program).
    """
    if not os.path.lexists(db_path):
        return
    with open(db_path, "rb") as handle:
        header = handle.read(DUCKDB_MAGIC_OFFSET + len(DUCKDB_MAGIC))
    if header[DUCKDB_MAGIC_OFFSET:] != DUCKDB_MAGIC:
        raise StoreFailure(_not_ours_message(db_path, "den er ikke en DuckDB-database"))
    try:
        with duckdb.connect(str(db_path), read_only=True) as con:
            columns = con.execute("SELECT column_name FROM information_schema.columns WHERE table_name = ?", [METADATA_TABLE]).fetchall()
    except duckdb.Error as error:
        if isinstance(error, duckdb.IOException) and names_a_cause(error):
            raise  # locked, no access, ...: said by write_database
        raise StoreFailure(_not_ours_message(db_path, "den ligner en DuckDB-database, men kan ikke åbnes")) from error
    if not {"key", "value"} <= {name for (name,) in columns}:
        raise StoreFailure(_not_ours_message(db_path, f"den er en DuckDB-database, men uden dashboardets tabel '{METADATA_TABLE}'"))


def _not_ours_message(db_path: Path, why: str) -> str:
    return (
        f"Databasefilen '{db_path}' er ikke en database fra Sikker By-dashboardet ({why}), så den bliver ikke erstattet. "
        "Vælg en anden databasefil med --db (eller SIKKERBY_DB), eller flyt filen."
    )


def lock_path(db_path: Path) -> Path:
    """Return the lock file that serialises loads of `db_path`."""
    return db_path.with_name(f".{db_path.name}.lock")


@contextlib.contextmanager
def exclusive_load(db_path: Path, wait_seconds: float | None = None) -> Iterator[None]:
    """Hold the database's load lock; wait up to `wait_seconds` for another load to finish."""
    wait = LOAD_WAIT_SECONDS if wait_seconds is None else wait_seconds
    db_path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + wait
    with open(lock_path(db_path), "a+") as handle:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LoadBusy(
                        f"En anden indlæsning til {db_path.name} er i gang og blev ikke færdig inden for "
                        f"{wait:.0f} sekunder. Prøv igen, når den er færdig."
                    ) from None
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def staging_path(db_path: Path, load_id: str) -> Path:
    """Return the file a load builds its new database in, beside `db_path` (DuckDB adds `.wal` while writing)."""
    return db_path.with_name(f".{db_path.name}.{load_id}.tmp")


def remove_abandoned_staging(db_path: Path) -> list[Path]:
    """Delete the staging files (and their `.wal`) that killed loads of `db_path` left behind; return them.

    Call only while holding the load lock: then no other load of `db_path` is writing one. Only
    names `staging_path` makes are touched (`.NAME.<32 hex digits>.tmp` and `….tmp.wal`), never
    another database's staging files or anything else in the folder.
    """
    pattern = re.compile(rf"\.{re.escape(db_path.name)}\.[0-9a-f]{{32}}\.tmp(\.wal)?")
    removed = []
    for entry in os.scandir(db_path.parent):
        if pattern.fullmatch(entry.name) and entry.is_file(follow_symlinks=False):
            with contextlib.suppress(OSError):  # tidying up must not fail the load
                os.unlink(entry.path)
                removed.append(Path(entry.path))
    return removed


def loaded_portfolio_source(db_path: Path) -> str | None:
    """Return the source of an analyst-loaded portfolio in an existing database (None for sample data or no database)."""
    if not db_path.exists():
        return None
    try:
        with duckdb.connect(str(db_path), read_only=True) as con:
            facts = dict(con.execute("SELECT key, value FROM dataset").fetchall())
    except duckdb.Error:
        return None
    return None if facts.get("portfolio_is_sample") == "true" else facts.get("portfolio_source", "indlæst projektmappe")


def write_database(
    db_path: Path,
    tables: dict[str, pd.DataFrame | pa.Table],
    sources: list[tuple[str, str, str]],
    dataset: dict[str, str],
    keep: bool = True,
) -> dict[str, int]:
    """Build a complete database from `tables` and swap it in place of `db_path` in one step.

    `sources` lists the files read for this load as (source_file, sha256, content); the history of
    earlier loads is carried over. With `keep`, the file it replaces is kept as a version
    (`keep_version`), so the Data page can restore it. Returns the row count of every table written.
    Raises StoreFailure when `db_path` is a file this project did not write, or when the operating
    system or DuckDB refuses (read-only folder, full disk, ...).
    """
    try:
        ensure_replaceable(db_path)  # before a lock file is made beside a file that is not ours
        with exclusive_load(db_path):
            ensure_replaceable(db_path)  # again: it may have changed while this load waited
            remove_abandoned_staging(db_path)
            return _write_and_swap(db_path, tables, sources, dataset, keep)
    except (OSError, duckdb.IOException) as error:
        raise StoreFailure(io_failure_sentence(error, f"Databasefilen '{db_path}'", "skrives")) from error


def _write_and_swap(
    db_path: Path, tables: dict[str, pd.DataFrame | pa.Table], sources: list[tuple[str, str, str]], dataset: dict[str, str], keep: bool
) -> dict[str, int]:
    history, description = _history_and_description(db_path, describe=keep)
    load_id = uuid.uuid4().hex
    counts = {name: len(frame) for name, frame in tables.items()}
    loaded_at = datetime.now().replace(microsecond=0)
    log = table_of(
        {
            "source_file": ("VARCHAR", [name for name, _, _ in sources]),
            "sha256": ("VARCHAR", [sha for _, sha, _ in sources]),
            "content": ("VARCHAR", [content for _, _, content in sources]),
            "load_id": ("VARCHAR", [load_id] * len(sources)),
            "loaded_at": ("TIMESTAMP", [loaded_at] * len(sources)),
        }
    )
    rows = table_of(
        {
            "load_id": ("VARCHAR", [load_id] * len(counts)),
            "table_name": ("VARCHAR", list(counts)),
            "row_count": ("BIGINT", list(counts.values())),
        }
    )
    staging = staging_path(db_path, load_id)
    try:
        with duckdb.connect(str(staging)) as con:
            con.execute(SCHEMA)
            for name, frame in tables.items():
                _insert(con, name, frame)
            for name, frame in (
                ("load_log", history["load_log"]),
                ("load_log", log),
                ("load_table_rows", history["load_table_rows"]),
                ("load_table_rows", rows),
            ):
                _insert(con, name, frame)
            _insert(
                con,
                "dataset",
                table_of({"key": ("VARCHAR", [*dataset, "data_version"]), "value": ("VARCHAR", [*dataset.values(), load_id])}),
            )
            con.execute("CHECKPOINT")
        if keep:
            keep_version(db_path, description)
        os.replace(staging, db_path)
    finally:
        for leftover in (staging, staging.with_name(staging.name + ".wal")):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
    return counts


def versions_dir(db_path: Path) -> Path:
    """Return the folder where replaced versions of `db_path` are kept."""
    return db_path.with_name(db_path.name + ".versions")


def version_description(db_path: Path) -> dict:
    """Describe a database file's version from its own load log: id, when loaded, the workbook's name and SHA-256."""
    with duckdb.connect(str(db_path), read_only=True) as con:
        return _description(con)


def _history_and_description(db_path: Path, describe: bool) -> tuple[dict[str, pa.Table], dict | None]:
    """Return the live file's load history and, when it is to be kept, its version description, from one opening.

    An unreadable file has no history; its description is then asked for on its own, which says what is wrong.
    """
    no_history = {name: pa.table({}) for name in LOG_TABLES}
    if not db_path.exists():
        return no_history, None
    try:
        with duckdb.connect(str(db_path), read_only=True) as con:
            history = {name: con.table(name).to_arrow_table() for name in LOG_TABLES}
            return history, _description(con) if describe else None
    except duckdb.Error:
        return no_history, version_description(db_path) if describe else None


def _description(con: duckdb.DuckDBPyConnection) -> dict:
    version_id = con.execute("SELECT value FROM dataset WHERE key = 'data_version'").fetchall()[0][0]
    rows = con.execute(
        "SELECT loaded_at, source_file, sha256 FROM load_log WHERE load_id = ? AND content = 'indsatser' ORDER BY source_file LIMIT 1",
        [version_id],
    ).fetchall()
    loaded_at, name, sha = rows[0] if rows else (None, "", "")
    return {
        "version_id": version_id,
        "published_at": loaded_at.isoformat() if loaded_at else "",
        "file_name": name,
        "sha256": sha,
        "published_by": "kommandolinjen",
        "changes": "indlæst med kommandolinjen",
    }


def keep_version(db_path: Path, info: dict | None = None) -> None:
    """Keep the current file as a version (a hard link, else a copy), described by its own load log (`info`, when read already).

    The description records when the version stopped being live (`replaced_at`), and pruning never
    removes the version just kept: a restored old version stays restorable after the next load.
    """
    if not db_path.exists():
        return
    info = info or version_description(db_path)
    version_id = info["version_id"]
    folder = versions_dir(db_path)
    folder.mkdir(parents=True, exist_ok=True)
    kept = folder / f"{version_id}.duckdb"
    if not kept.exists():
        try:
            os.link(db_path, kept)
        except OSError:
            shutil.copyfile(db_path, kept)
    description = folder / f"{version_id}.json"
    known = read_description(description)
    if known is not None or not description.exists():  # a damaged description is left as it is, for whoever looks into it
        write_description(description, (known or info) | {"replaced_at": _now()})
    prune_versions(db_path, just_replaced=version_id)


DESCRIPTION_FIELDS = ("published_at", "file_name", "sha256", "changes")
MAX_DESCRIPTION_BYTES = 100_000  # a description is a few hundred bytes; anything far larger is not one


def read_description(path: Path) -> dict[str, str] | None:
    """Return a kept version's description, or None when it is missing or damaged (not JSON, not an object, wrong fields)."""
    try:
        if path.stat().st_size > MAX_DESCRIPTION_BYTES:
            return None
        info = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):  # ValueError covers JSONDecodeError and UnicodeDecodeError
        return None
    if not isinstance(info, dict) or not all(isinstance(info.get(name), str) for name in DESCRIPTION_FIELDS):
        return None
    if not all(_is_time(info.get(name, "")) for name in ("published_at", "replaced_at")):
        return None
    return info


def write_description(path: Path, info: dict) -> None:
    """Write a version's description in one step (a crash leaves the old file or the new one, never half of one)."""
    partial = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    partial.write_text(json.dumps(info, ensure_ascii=False), encoding="utf-8")
    os.replace(partial, path)


def _is_time(text: object) -> bool:
    """True for an empty text or an ISO date and time (`2026-11-27T14:03:00`)."""
    if not isinstance(text, str):
        return False
    try:
        return text == "" or bool(datetime.fromisoformat(text))
    except ValueError:
        return False


def _now() -> str:
    return datetime.now().isoformat(timespec="seconds")


def prune_versions(live: Path, just_replaced: str | None = None) -> None:
    """Keep the `KEEP` replaced versions that were live most recently; the live file is never among them.

    `just_replaced` (the version live until now) is always kept, whatever its dates say; the rest are
    ordered by when they stopped being live, else when they went live (unknown for a damaged description: oldest).
    """
    folder = versions_dir(live)

    def last_live(path: Path) -> str:
        info = read_description(path.with_suffix(".json")) or {}
        return info.get("replaced_at") or info.get("published_at", "")

    kept = sorted(folder.glob("*.duckdb"), key=lambda path: (path.stem == just_replaced, last_live(path)), reverse=True)
    for old in kept[KEEP:]:
        for leftover in (old, old.with_name(old.name + ".wal")):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()


def _insert(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame | pa.Table) -> None:
    """Append a DataFrame or an Arrow table (from `plain_csv`) to a table, its columns matched by name."""
    if len(frame) == 0:
        return
    columns = _schema_columns()[table]
    if isinstance(frame, pa.Table):
        for missing in (name for name in columns if name not in frame.column_names):  # as DataFrame.reindex does
            frame = frame.append_column(missing, pa.nulls(len(frame)))
        con.from_arrow(frame.select(columns)).insert_into(table)
    else:
        con.from_df(frame.reindex(columns=columns)).insert_into(table)


@functools.cache
def _schema_columns() -> dict[str, list[str]]:
    """Return each table's columns in `SCHEMA`'s order, read once per process from the schema built in memory."""
    with duckdb.connect() as con:
        con.execute(SCHEMA)
        rows = con.execute(
            "SELECT table_name, list(column_name ORDER BY ordinal_position) FROM information_schema.columns GROUP BY table_name"
        ).fetchall()
    return dict(rows)
