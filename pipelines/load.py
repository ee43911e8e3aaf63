"""The two things the pipeline does: build the database from data/, or load an analyst's workbook.

Both read the real reference data again and write a complete new database through `store`.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipelines import reference, transform
from pipelines.read import file_sha256, read_input
from pipelines.store import write_database
from pipelines.validate import validated_sheets
from sikkerby.paths import BOUNDARIES_GEOJSON, POPULATION_CSV, SAMPLE_WORKBOOK


@dataclass(frozen=True)
class LoadResult:
    """What a load wrote: rows per table, and the portfolio's totals for the summary."""

    db_path: Path
    row_counts: dict[str, int]
    is_sample: bool
    years: tuple[int, ...]
    budget_by_year: dict[int, float]


def reference_tables() -> dict[str, pd.DataFrame]:
    """Return the dimension tables and the real population and district data."""
    return {
        "district": reference.districts_with_boundaries(BOUNDARIES_GEOJSON),
        "administration": transform.administrations(),
        "focus_area": transform.focus_areas(),
        "goal": transform.goals(),
        "population": reference.population_by_age_group(POPULATION_CSV),
    }


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

    Raises InputRejected (and leaves the database untouched) when the input breaks the contract.
    The replaced file is kept as a version unless `keep_version` is False (a staged copy).
    """
    with cyclic_gc_paused():
        raw = read_input(source)
        portfolio = transform.portfolio_tables(validated_sheets(raw))
    is_sample = Path(source).resolve() == SAMPLE_WORKBOOK.resolve()
    sources = pd.DataFrame(
        [(path.name, file_sha256(path), "indsatser") for path in raw.source_files]
        + [
            (POPULATION_CSV.name, file_sha256(POPULATION_CSV), "befolkning"),
            (BOUNDARIES_GEOJSON.name, file_sha256(BOUNDARIES_GEOJSON), "bydelsgrænser"),
        ],
        columns=["source_file", "sha256", "content"],
    )
    dataset = {
        "portfolio_is_sample": "true" if is_sample else "false",
        "portfolio_source": ", ".join(path.name for path in raw.source_files),
    }
    counts = write_database(db_path, reference_tables() | portfolio, sources, dataset, keep=keep_version)
    budget_by_year = portfolio["budget"].groupby("year")["budget_kr"].sum().to_dict()
    return LoadResult(db_path, counts, is_sample, tuple(sorted(budget_by_year)), budget_by_year)


def build(db_path: Path) -> LoadResult:
    """Rebuild the database from the files in data/ (reference data and the sample portfolio)."""
    return load_portfolio(SAMPLE_WORKBOOK, db_path)
