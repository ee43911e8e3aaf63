"""Arrow tables from Python lists, built by DuckDB.

pyarrow's own conversion of Python values (`pa.table`, `pa.array`) imports pandas to look for its
types: 0,3 s of a command-line load that otherwise never needs pandas. DuckDB's `unnest` of list
parameters makes the same table without it.
"""

from __future__ import annotations

import functools

import duckdb
import pyarrow as pa


@functools.cache
def _scratch() -> duckdb.DuckDBPyConnection:
    return duckdb.connect()


def scratch() -> duckdb.DuckDBPyConnection:
    """Return a cursor of one in-memory database per process, for a query over no file of ours (opening a database costs 10–20 ms)."""
    return _scratch().cursor()


def table_of(columns: dict[str, tuple[str, list]]) -> pa.Table:
    """Return a table with a column per name, from (DuckDB type, values); every list as long as the first."""
    select = ", ".join(f"unnest(${i}::{sql_type}[]) AS {name}" for i, (name, (sql_type, _)) in enumerate(columns.items(), start=1))
    with scratch() as con:
        return con.sql(f"SELECT {select}", params=[values for _, values in columns.values()]).to_arrow_table()  # noqa: S608 - our own names and types
