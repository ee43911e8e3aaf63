"""Danish number style for everything a person reads: `1.234.567 kr.`, `12,4 mio. kr.`, `37,5 %`.

The one place where numbers become text, for pages, tables, hover texts and the CLI summary.
Any value is safe: missing, infinite or not-a-number values read "–", a value hidden by the
disclosure rule (`Hidden`) reads its marker ("<5" or "skjult") in every formatter, and finite
numbers of any size are written in full (Python's own formatting, with the separators swapped to Danish).
"""

from __future__ import annotations

import functools
import math
import sys
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pandas is imported where a column is formatted, so the command line's summary starts without it
    import pandas as pd

MISSING = "–"
# d3-format settings that make plotly's axis ticks and hover numbers Danish.
PLOTLY_SEPARATORS = ",."
_TO_DANISH = str.maketrans({",": ".", ".": ","})
_EXACT_INTEGERS = 2**53  # every whole float below this is an exact integer
_WIDE = Context(prec=400, rounding=ROUND_HALF_UP)  # room for every digit of any finite float (up to about 1.8e308)


class Hidden(float):
    """A figure hidden by the disclosure rule: not a number to pandas, plotly and pyarrow (NaN → null), its marker as text.

    It sits in an object column beside the shown numbers, so sums and sorting skip it like a missing
    value, Streamlit's sorting stays numeric, and every formatter here writes the marker instead.
    """

    __slots__ = ("marker",)

    def __new__(cls, marker: str) -> Hidden:
        hidden = super().__new__(cls, float("nan"))
        hidden.marker = marker
        return hidden

    def __str__(self) -> str:
        return self.marker

    __repr__ = __str__

    def __reduce__(self) -> tuple:
        return (Hidden, (self.marker,))  # cached query results are pickled: keep the marker


def is_hidden(value: object) -> bool:
    """Return whether the value is a figure hidden by the disclosure rule."""
    return isinstance(value, Hidden)


def any_hidden(values: pd.Series) -> bool:
    """Return whether a column holds figures hidden by the disclosure rule (such a column has object dtype)."""
    return values.dtype == object and any(isinstance(value, Hidden) for value in values)


def numbers_with_hidden(values: pd.Series) -> bool:
    """Return whether an object column holds only numbers, figures hidden by the disclosure rule and missing values.

    Such a column (or the rows of it left by a search) is shown and exported as numbers, with markers.
    """
    if values.dtype != object:
        return False
    cells = [v for v in values if v is not None and not _is_pandas_na(v)]
    numbers = [v for v in cells if isinstance(v, (int, float)) and not isinstance(v, bool)]
    return len(numbers) == len(cells) and any(not math.isnan(v) or isinstance(v, Hidden) for v in numbers)


def _shows_hidden(formatter: Callable[..., str]) -> Callable[..., str]:
    """Make a formatter write a hidden figure's marker ("<5", "skjult") instead of a number or "–"."""

    @functools.wraps(formatter)
    def formatted(value: object, *args: object, **kwargs: object) -> str:
        return value.marker if isinstance(value, Hidden) else formatter(value, *args, **kwargs)

    return formatted


def _as_float(value: object) -> float | None:
    """Return the value as a finite float, or None when it is missing, not a number or infinite."""
    if value is None or _is_pandas_na(value) or isinstance(value, bool):
        return None
    try:
        number_value = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number_value if math.isfinite(number_value) else None


def _is_pandas_na(value: object) -> bool:
    """True for pandas' NA; a value can only be it once pandas is imported, so this never imports pandas."""
    pandas = sys.modules.get("pandas")
    return pandas is not None and value is pandas.NA


def _missing(value: object) -> bool:
    return value is None or _is_pandas_na(value) or (isinstance(value, float) and math.isnan(value)) or str(value) in ("<NA>", "nan", "NaT")


@_shows_hidden
def number(value: object, decimals: int = 0) -> str:
    """`1234567.8` → `1.234.568`; with decimals=1 → `1.234.567,8`."""
    amount = _as_float(value)
    if amount is None:
        return MISSING
    if amount.is_integer() and abs(amount) < _EXACT_INTEGERS:  # most figures (kroner, persons): no rounding to do
        whole = f"{int(amount):,}".translate(_TO_DANISH)
        return whole + ("," + "0" * decimals if decimals > 0 else "")
    rounded = _WIDE.quantize(Decimal(repr(amount)), Decimal(1).scaleb(-decimals))
    text = f"{rounded:,.{decimals}f}".translate(_TO_DANISH)
    return text[1:] if text.startswith("-") and not any(digit in text for digit in "123456789") else text


@_shows_hidden
def trimmed(value: object, max_decimals: int = 3) -> str:
    """Write a measured value with the decimals it has, up to `max_decimals`: 7.1 → `7,1`, 6.45 → `6,45`, 12.0 → `12`."""
    amount = _as_float(value)
    if amount is None:
        return MISSING
    text = number(amount, max_decimals)
    return text.rstrip("0").rstrip(",") if "," in text else text


@_shows_hidden
def year(value: object) -> str:
    """`2013` → `2013` (a year never gets a thousands separator)."""
    amount = _as_float(value)
    return MISSING if amount is None else str(int(amount))


@_shows_hidden
def text(value: object, missing: str = MISSING) -> str:
    """Return a text cell for reading, or `missing` when it is empty (never 'nan' or 'None')."""
    return missing if _missing(value) or str(value).strip() == "" else str(value)


@_shows_hidden
def kr(value: object) -> str:
    """`1234567` → `1.234.567 kr.`"""
    shown = number(value)
    return shown if shown == MISSING else f"{shown} kr."


@_shows_hidden
def mio_kr(value: object, decimals: int = 1) -> str:
    """`12400000` → `12,4 mio. kr.`"""
    shown = mio(value, decimals)
    return shown if shown == MISSING else f"{shown} mio. kr."


@_shows_hidden
def mio(value: object, decimals: int = 1) -> str:
    """`12400000` → `12,4` (for places whose label already says mio. kr.)."""
    amount = _as_float(value)
    return MISSING if amount is None else number(amount / 1e6, decimals)


@_shows_hidden
def percent(share: object, decimals: int = 1) -> str:
    """`0.375` → `37,5 %` (the argument is a share between 0 and 1)."""
    amount = _as_float(share)
    return MISSING if amount is None else f"{number(amount * 100, decimals)} %"


@_shows_hidden
def per_thousand(value: object, decimals: int = 1) -> str:
    """`37.54` → `37,5 pr. 1.000`."""
    shown = number(value, decimals)
    return shown if shown == MISSING else f"{shown} pr. 1.000"


@_shows_hidden
def signed_change(value: object, unit_formatter: Callable[[object], str] = number) -> str:
    """Return a change with an explicit sign, `+1,2 mio. kr.` or `-3`, for key-figure deltas."""
    amount = _as_float(value)
    if amount is None:
        return MISSING
    shown = unit_formatter(abs(amount))
    if not any(digit in shown for digit in "123456789"):
        return "±" + shown
    return ("+" if amount > 0 else "-") + shown


def column(values: pd.Series, formatter: Callable[[object], str]) -> pd.Series:
    """Format a whole column at once (one call per distinct value), keeping the index; hidden figures read their marker."""
    import pandas as pd

    if any_hidden(values):
        return pd.Series([formatter(value) for value in values], index=values.index, dtype=object)  # NaN-like keys would merge
    distinct = {value: formatter(value) for value in values.unique()}
    return values.map(distinct).astype(object)
