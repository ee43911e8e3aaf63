"""Cached query results, keyed by the query's arguments (data version and filters), the large ones kept compressed.

Streamlit's `st.cache_data` keeps each result pickled and hands every caller a fresh copy. A large result
is kept as its pickle compressed with zstd (`Packed`), and unpacked on each read: at 1000× the sample the
table of 93.000 initiatives takes 1,3 MB in the cache instead of 34 MB, and a read takes about 30 ms longer.
Small results (most of them: the figures of a chart) are kept as they are.
"""

from __future__ import annotations

import functools
import pickle
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import streamlit as st

PACK_ABOVE = 1_000_000  # bytes of pickle: a result larger than this is kept compressed
CODEC = "zstd"


@dataclass(frozen=True)
class Packed:
    """A result as its pickle compressed with `CODEC`, and the pickle's size."""

    data: bytes
    size: int


def pack(value: Any) -> Any:
    """Return `value` as a `Packed` when its pickle is larger than `PACK_ABOVE` bytes, else as it is."""
    raw = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    if len(raw) <= PACK_ABOVE:
        return value
    return Packed(pa.compress(raw, codec=CODEC, asbytes=True), len(raw))


def unpack(value: Any) -> Any:
    """Return the result a `Packed` holds (anything else as it is)."""
    if not isinstance(value, Packed):
        return value
    return pickle.loads(pa.decompress(value.data, decompressed_size=value.size, codec=CODEC))  # noqa: S301 - our own pickle, made in this process


_EVERY: list[Callable] = []  # every cached function made here, for `clear_all`


def cached(query: Callable, **options: Any) -> Callable:
    """Return `query` cached by `st.cache_data(**options)`, its large results kept compressed; `.clear()` forgets them all."""

    @functools.wraps(query)  # the cache tells queries apart by name and source, which it reads through the wrapper
    def packed_query(*args: Any, **kwargs: Any) -> Any:
        return pack(query(*args, **kwargs))

    stored = st.cache_data(**options)(packed_query)

    @functools.wraps(query)
    def read(*args: Any, **kwargs: Any) -> Any:
        return unpack(stored(*args, **kwargs))

    read.clear = stored.clear  # type: ignore[attr-defined]
    _EVERY.append(read)
    return read


def clear_all() -> None:
    """Forget the results of every cached function (the queries, and what pages and the warming share, such as a scenario worked out)."""
    for read in _EVERY:
        read.clear()
