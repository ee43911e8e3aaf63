"""Data versions: stage a load beside the live database, see what it would change, make it live, restore an old one.

The Data page uses this; the steps are the command line's own (`load_portfolio`), only split in two:
1. `stage` copies the live database (so its load history carries over) and loads the upload into
   the copy with `load_portfolio` – the same code path and messages as `python -m pipelines load`.
   The live file is not touched; a refused or failed load leaves nothing behind.
2. `publish` swaps the staged file in with one `os.replace` under the load lock, after keeping the
   live file as a version (a hard link, so it costs no copy). `restore` does the same with a kept
   version. Open sessions keep reading the file they hold and see the new one on their next click.

Kept versions live in `<database>.versions/`, each with a small JSON file saying when it went live,
from which file (name and SHA-256) and what changed. The newest `KEEP` are kept.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from pipelines.load import LoadResult, file_sha256, load_portfolio
from pipelines.problems import InputRejected
from pipelines.store import (
    LoadBusy,
    StoreFailure,
    exclusive_load,
    keep_version,
    lock_path,
    read_description,
    version_description,
    versions_dir,
    write_description,
)


class VersionConflict(RuntimeError):
    """The live data changed after the upload was staged; the message is Danish."""


class VersionDamaged(RuntimeError):
    """A kept version's database file cannot be opened, so it is not restored; the message is Danish."""


@dataclass(frozen=True)
class Changes:
    """What a staged load would change against the live data."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    budget_by_year: list[tuple[int, float | None, float | None]] = field(default_factory=list)  # year, before, after

    def sentence(self) -> str:
        """`3 indsatser tilføjet, 1 fjernet, 12 ændret` (Danish, for the version list)."""
        return f"{len(self.added)} indsatser tilføjet, {len(self.removed)} fjernet, {len(self.changed)} ændret"


@dataclass(frozen=True)
class Staged:
    """A load waiting to go live."""

    path: Path
    live_version: str | None  # the live data version it was compared with
    file_name: str
    sha256: str
    result: LoadResult
    changes: Changes


def staging_dir(live: Path) -> Path:
    return live.with_name(f".{live.name}.staging")


def data_version(db: Path) -> str | None:
    """Return the data version id stored in a database file (None when there is no file)."""
    if not db.exists():
        return None
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT value FROM dataset WHERE key = 'data_version'").fetchone()[0]


def stage(upload: Path, file_name: str, live: Path) -> Staged:
    """Load `upload` into a copy of the live database; raise InputRejected (nothing kept) when it breaks the contract."""
    folder = staging_dir(live)
    folder.mkdir(parents=True, exist_ok=True)
    staged = folder / f"{uuid.uuid4().hex}.duckdb"
    live_version = data_version(live)
    try:
        if live.exists():
            shutil.copyfile(live, staged)
        result = load_portfolio(upload, staged, keep_version=False)
    except InputRejected as rejected:
        _remove(staged)
        paths = _server_paths(upload, file_name, staged, live)
        raise InputRejected([replace(p, message=without_server_paths(p.message, paths)) for p in rejected.problems]) from None
    except (LoadBusy, StoreFailure) as failure:
        _remove(staged)
        raise type(failure)(without_server_paths(str(failure), _server_paths(upload, file_name, staged, live))) from None
    except BaseException:
        _remove(staged)
        raise
    return Staged(
        staged, live_version, file_name, file_sha256(upload) if upload.is_file() else _folder_sha256(upload), result, compare(live, staged)
    )


def _server_paths(upload: Path, file_name: str, staged: Path, live: Path) -> dict[str, str]:
    """The server's paths a staged load's messages may hold, each with what the analyst calls it."""
    return {str(upload): file_name, str(staged): live.name, str(staging_dir(live)): file_name, str(live): live.name}


_ABSOLUTE_PATH = re.compile(r"(?<![\w.])/(?:[^\s'\"/]+/)+([^\s'\"/]*)")


def without_server_paths(message: str, paths: dict[str, str]) -> str:
    """Return a message for the browser: each known server path as the analyst's name for it, any other absolute path as its last part."""
    for path in sorted(paths, key=len, reverse=True):  # the longest first: the upload lies inside the staging folder
        message = message.replace(path, paths[path])
    return _ABSOLUTE_PATH.sub(lambda found: found.group(1), message)


def compare(live: Path, staged: Path) -> Changes:
    """Return the initiatives added, removed and changed, and the budget per year before and after."""
    if not live.exists():
        after = _portfolio(staged)
        return Changes(added=sorted(after["initiatives"].index), budget_by_year=[(y, None, v) for y, v in after["budget"].items()])
    before, after = _portfolio(live), _portfolio(staged)
    old, new = before["initiatives"], after["initiatives"]
    common = old.index.intersection(new.index)
    changed = [i for i in common if not old.loc[i].equals(new.loc[i])]
    years = sorted(set(before["budget"].index) | set(after["budget"].index))
    return Changes(
        added=sorted(new.index.difference(old.index)),
        removed=sorted(old.index.difference(new.index)),
        changed=sorted(changed),
        budget_by_year=[(y, before["budget"].get(y), after["budget"].get(y)) for y in years],
    )


def _portfolio(db: Path) -> dict[str, pd.DataFrame | pd.Series]:
    """Each initiative's row with its budget and activity per year and district folded in, and budget per year."""
    with duckdb.connect(str(db), read_only=True) as con:
        initiatives = con.sql(
            """
            SELECT i.*, g.goals, b.lines AS budget_lines, a.lines AS activity_lines
            FROM initiative i
            LEFT JOIN (SELECT initiative_id, list(goal_id ORDER BY goal_id) AS goals FROM initiative_goal GROUP BY ALL) g USING (initiative_id)
            LEFT JOIN (SELECT initiative_id, list((year, district_id, budget_kr, spent_kr, funding_source)
                       ORDER BY year, district_id NULLS FIRST, budget_kr)::VARCHAR AS lines FROM budget GROUP BY ALL) b USING (initiative_id)
            LEFT JOIN (SELECT initiative_id, list((year, district_id, participants, participants_18_25, places)
                       ORDER BY year, district_id NULLS FIRST, participants)::VARCHAR AS lines FROM activity GROUP BY ALL) a USING (initiative_id)
            """
        ).df()
        budget = con.sql("SELECT year, SUM(budget_kr) AS budget_kr FROM budget GROUP BY year ORDER BY year").df()
    initiatives["goals"] = initiatives["goals"].map(lambda goals: tuple(goals) if goals is not None else ())
    return {"initiatives": initiatives.set_index("initiative_id").astype(str), "budget": budget.set_index("year")["budget_kr"]}


def publish(staged: Staged, live: Path, by: str = "") -> None:
    """Make the staged load live in one step, keeping the live file as a version; refuse if live changed meanwhile.

    `by` (the signed-in e-mail) is written into the version's description: the versions list names who made it live.
    """
    with exclusive_load(live):
        if data_version(live) != staged.live_version:
            _remove(staged.path)
            raise VersionConflict(
                "Data er blevet opdateret, siden filen blev indlæst. Indlæs filen igen, så ændringerne vises mod de nye data."
            )
        keep_version(live)
        _describe(live, staged.path, staged.file_name, staged.sha256, staged.changes.sentence(), by)
        os.replace(staged.path, live)
        _remove(staged.path)  # only its lock file is left


def discard(staged: Staged) -> None:
    """Throw a staged load away."""
    _remove(staged.path)


def restore(version_id: str, live: Path, by: str = "") -> None:
    """Make a kept version live again (the current one is kept too); refuse in Danish one whose file is damaged.

    Its description then says when it last went live and who restored it (`by`).
    """
    folder = versions_dir(live)
    source = folder / f"{version_id}.duckdb"
    if not source.exists():
        raise FileNotFoundError(f"Versionen {version_id} findes ikke længere.")
    with exclusive_load(live):
        copy = staging_dir(live) / f"{uuid.uuid4().hex}.duckdb"
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, copy)
        if not _is_database(copy):
            _remove(copy)
            raise VersionDamaged(
                f"Versionen {version_id} kan ikke gendannes: dens databasefil er beskadiget. De data, der er live, er uændrede."
            )
        keep_version(live)
        os.replace(copy, live)
        description = folder / f"{version_id}.json"
        info = read_description(description) or version_description(live)  # a version loaded on the command line has none
        write_description(description, info | {"published_at": _now(), "published_by": by, "restored": True})


UNREADABLE = "Beskrivelsen kan ikke læses"


def listing(live: Path) -> pd.DataFrame:
    """Return the live version and the kept ones, newest first: id, live, went live, file, SHA-256, what changed.

    A kept version whose description is missing or damaged is listed (and can be restored) with
    `readable` False and "Beskrivelsen kan ikke læses" for what changed.
    """
    rows = []
    live_id = data_version(live)
    folder = versions_dir(live)
    stems = {path.stem for pattern in ("*.json", "*.duckdb") for path in folder.glob(pattern)} if folder.exists() else set()
    for stem in sorted(stems):
        kept = (folder / f"{stem}.duckdb").exists()
        if kept or stem == live_id:
            info = read_description(folder / f"{stem}.json")
            shown = {"published_at": "", "file_name": "", "sha256": "", "changes": UNREADABLE} if info is None else info
            shown = {"published_by": ""} | shown
            rows.append({**shown, "version_id": stem, "live": stem == live_id, "kept": kept, "readable": info is not None})
    if live_id and not any(r["version_id"] == live_id for r in rows):
        rows.append(version_description(live) | {"live": True, "kept": False, "readable": True})
    columns = ["version_id", "live", "kept", "readable", "published_at", "published_by", "file_name", "sha256", "changes"]
    frame = pd.DataFrame(rows, columns=columns)
    # newest first; loads within the same second tie, and then the live one comes first
    return frame.sort_values(["published_at", "live"], ascending=False, kind="stable").reset_index(drop=True)


def _now() -> str:
    return datetime.now().isoformat(timespec="seconds")


def _describe(live: Path, db: Path, file_name: str, sha256: str, changes: str, by: str = "") -> None:
    """Write the description of the version in `db` (about to go live in place of `live`)."""
    version_id = data_version(db)
    folder = versions_dir(live)
    folder.mkdir(parents=True, exist_ok=True)
    info = {
        "version_id": version_id,
        "published_at": _now(),
        "published_by": by,
        "file_name": file_name,
        "sha256": sha256,
    }
    write_description(folder / f"{version_id}.json", info | {"changes": changes})


def _is_database(path: Path) -> bool:
    """True when `path` opens as a database of this project with a data version."""
    try:
        return data_version(path) is not None
    except (duckdb.Error, OSError, TypeError):  # not DuckDB, truncated, no `dataset` table, no data_version row
        return False


def _remove(path: Path) -> None:
    for leftover in (path, path.with_name(path.name + ".wal"), lock_path(path)):
        with contextlib.suppress(FileNotFoundError):
            leftover.unlink()


def _folder_sha256(folder: Path) -> str:
    """Return one SHA-256 over a folder's CSV files (name and bytes, in name order)."""
    digest = hashlib.sha256()
    for path in sorted(folder.glob("*.csv")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()
