"""The two things the pipeline does: build the database from data/, or load an analyst's workbook.

Both read the real reference data again and write a complete new database through `store`.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa

from pipelines import plain_csv, reference
from pipelines.arrow_tables import scratch
from pipelines.store import write_database
from sikkerby.paths import BOUNDARIES_GEOJSON, POPULATION_CSV, SAMPLE_WORKBOOK

if TYPE_CHECKING:  # pandas is imported by the full reader only (`read_validate_and_shape`)
    import pandas as pd


@dataclass(frozen=True)
class LoadResult:
    """What a load wrote: rows per table, and the portfolio's totals for the summary."""

    db_path: Path
    row_counts: dict[str, int]
    is_sample: bool
    years: tuple[int, ...]
    budget_by_year: dict[int, float]


def reference_tables() -> dict[str, pa.Table]:
    """Return the dimension tables and the real population and district data."""
    districts, population = _reference()[0]
    return {
        "district": districts,
        "administration": reference.administrations(),
        "focus_area": reference.focus_areas(),
        "goal": reference.goals(),
        "population": population,
    }


def file_sha256(path: Path) -> str:
    """Return the hex sha256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _reference() -> tuple[tuple[pa.Table, pa.Table], list[tuple[str, str, str]]]:
    """Return the district and population frames and the reference files' load-log lines (name, SHA-256, content)."""
    return _reference_files(_file_identity(BOUNDARIES_GEOJSON), _file_identity(POPULATION_CSV))


def _file_identity(path: Path) -> tuple[str, int, int]:
    """What changes when a file is replaced or edited: its path, modification time and size."""
    stat = path.stat()
    return str(path), stat.st_mtime_ns, stat.st_size


@functools.lru_cache(maxsize=1)
def _reference_files(boundaries: tuple, population: tuple) -> tuple[tuple[pa.Table, pa.Table], list[tuple[str, str, str]]]:
    """Read the two reference files once per process while they are unchanged (the Data page loads many times).

    The frames are only read by `write_database`, never changed, so every load may share them.
    """
    boundaries_path, population_path = Path(boundaries[0]), Path(population[0])
    frames = (reference.districts_with_boundaries(boundaries_path), reference.population_by_age_group(population_path))
    sources = [
        (population_path.name, file_sha256(population_path), "befolkning"),
        (boundaries_path.name, file_sha256(boundaries_path), "bydelsgrænser"),
    ]
    return frames, sources


@contextlib.contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Pause Python's cycle collector while millions of cells become lists and frames, then restore it.

    Each collection would walk every list made so far, so a long file cost far more than its rows;
    memory is still freed as usual when the last reference to an object goes.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def load_portfolio(source: Path, db_path: Path, keep_version: bool = True) -> LoadResult:
    """Validate a workbook or CSV folder and replace the database's portfolio with it.

    A plain CSV folder is read, checked and shaped in DuckDB (`plain_csv`); anything else, or anything
    `plain_csv` is unsure of, the full way (`read_validate_and_shape`), which names every problem.

    Raises InputRejected (and leaves the database untouched) when the input breaks the contract.
    The replaced file is kept as a version unless `keep_version` is False (a staged copy).
    """
    plain = plain_csv.portfolio_tables(source) if Path(source).is_dir() else None
    if plain is not None:
        portfolio, source_files = plain.tables, plain.source_files
    else:
        portfolio, source_files = read_validate_and_shape(source)
    is_sample = Path(source).resolve() == SAMPLE_WORKBOOK.resolve()
    sources = [(path.name, file_sha256(path), "indsatser") for path in source_files] + _reference()[1]
    dataset = {
        "portfolio_is_sample": "true" if is_sample else "false",
        "portfolio_source": ", ".join(path.name for path in source_files),
    }
    counts = write_database(db_path, reference_tables() | portfolio, sources, dataset, keep=keep_version)
    budget_by_year = _budget_by_year(portfolio["budget"])
    return LoadResult(db_path, counts, is_sample, tuple(sorted(budget_by_year)), budget_by_year)


def read_validate_and_shape(source: Path) -> tuple[dict[str, pd.DataFrame], list[Path]]:
    """The full way: read every cell, check every rule (naming each problem) and shape the tables in pandas.

    Its modules (and pandera) are imported here, so a plain CSV folder that `plain_csv` reads is loaded without them.
    """
    from pipelines import transform
    from pipelines.read import read_input
    from pipelines.validate import validated_sheets

    with cyclic_gc_paused():
        raw = read_input(source)
        return transform.portfolio_tables(validated_sheets(raw)), raw.source_files


def _budget_by_year(budget: pd.DataFrame | pa.Table) -> dict[int, float]:
    """Return the budget per year in kr., by year, from the budget table as either way of loading made it."""
    with scratch() as con:
        con.register("budget", budget)
        return dict(con.execute("SELECT year, sum(budget_kr) FROM budget GROUP BY year ORDER BY year").fetchall())


def build(db_path: Path) -> LoadResult:
    """Rebuild the database from the files in data/ (reference data and the sample portfolio)."""
    return load_portfolio(SAMPLE_WORKBOOK, db_path)
