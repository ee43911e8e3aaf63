"""Where a sheet's parts are, before any cell is read: which file or sheet is which contract sheet, the
header names in the contract's spelling, a CSV file's delimiter, and the caps on a sheet's size.

Shared by the full reader (`read`) and the DuckDB one (`plain_csv`); it needs neither pandas nor Arrow.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from pipelines import bounded
from pipelines.contract import SHEETS
from sikkerby.vocabulary import match_key

T = TypeVar("T")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
CSV_SUFFIXES = (".csv", ".txt")
# Caps on what a sheet may fill, checked while reading so a file cannot make the reader use gigabytes:
# the widest contract sheet has 17 columns; rows are many (other municipalities, many years) but not unbounded.
MAX_COLUMNS = 200
MAX_ROWS = 5_000_000  # a thousand times the sample has about 750.000 budget and as many activity rows


def contract_matches(items: list[T], name_of: Callable[[T], str]) -> dict[str, list[T]]:
    """Group sheets (or files) by the contract sheet their name matches, in contract order.

    Names match as headers do (case, surrounding spaces, æ/ø/å spellings ignored), so `Indsatser `,
    `indsætser` and `indsatser` all answer to `indsatser`: more than one is ambiguous.
    """
    wanted = {match_key(spec.name): spec.name for spec in SHEETS}
    found: dict[str, list[T]] = {spec.name: [] for spec in SHEETS}
    for item in items:
        name = wanted.get(match_key(name_of(item)))
        if name:
            found[name].append(item)
    return {name: matches for name, matches in found.items() if matches}


def sniff_delimiter(text: str) -> str:
    """Return `;`, `,` or tab: whichever splits the header line into the most fields."""
    header = bounded.first_filled_line(text)  # found at C speed, without a copy: the file may be long
    counts = {delimiter: header.count(delimiter) for delimiter in (";", "\t", ",")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


_HEADER_BY_KEY = {match_key(h): h for spec in SHEETS for h in spec.headers}
CONTRACT_HEADERS = frozenset(_HEADER_BY_KEY.values())


def canonical_header(cell: object) -> str:
    """Return the contract's spelling of a header, or the header trimmed if it is not in the contract."""
    text = str(cell).strip()
    return _HEADER_BY_KEY.get(match_key(text), text)
