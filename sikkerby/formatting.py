"""Danish number style for everything a person reads: `1.234.567 kr.`, `12,4 mio. kr.`, `37,5 %`.

The one place where numbers become text, for pages, tables, hover texts and the CLI summary.
Any value is safe: missing, infinite or not-a-number values read "–", and finite numbers of any
size are written in full (Python's own formatting, with the separators swapped to Danish).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Context, Decimal

import pandas as pd

MISSING = "–"
# d3-format settings that make plotly's axis ticks and hover numbers Danish.
PLOTLY_SEPARATORS = ",."
_TO_DANISH = str.maketrans({",": ".", ".": ","})
_WIDE = Context(prec=400, rounding=ROUND_HALF_UP)  # room for every digit of any finite float (up to about 1.8e308)


def _as_float(value: object) -> float | None:
    """Return the value as a finite float, or None when it is missing, not a number or infinite."""
    if value is None or value is pd.NA or isinstance(value, bool):
        return None
    try:
        number_value = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number_value if math.isfinite(number_value) else None


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)) or str(value) in ("<NA>", "nan", "NaT")


def number(value: object, decimals: int = 0) -> str:
    """`1234567.8` → `1.234.568`; with decimals=1 → `1.234.567,8`."""
    amount = _as_float(value)
    if amount is None:
        return MISSING
    rounded = _WIDE.quantize(Decimal(repr(amount)), Decimal(1).scaleb(-decimals))
    text = f"{rounded:,.{decimals}f}".translate(_TO_DANISH)
    return text[1:] if text.startswith("-") and not any(digit in text for digit in "123456789") else text


def trimmed(value: object, max_decimals: int = 3) -> str:
    """Write a measured value with the decimals it has, up to `max_decimals`: 7.1 → `7,1`, 6.45 → `6,45`, 12.0 → `12`."""
    amount = _as_float(value)
    if amount is None:
        return MISSING
    text = number(amount, max_decimals)
    return text.rstrip("0").rstrip(",") if "," in text else text


def year(value: object) -> str:
    """`2013` → `2013` (a year never gets a thousands separator)."""
    amount = _as_float(value)
    return MISSING if amount is None else str(int(amount))


def text(value: object, missing: str = MISSING) -> str:
    """Return a text cell for reading, or `missing` when it is empty (never 'nan' or 'None')."""
    return missing if _missing(value) or str(value).strip() == "" else str(value)


def kr(value: object) -> str:
    """`1234567` → `1.234.567 kr.`"""
    shown = number(value)
    return shown if shown == MISSING else f"{shown} kr."


def mio_kr(value: object, decimals: int = 1) -> str:
    """`12400000` → `12,4 mio. kr.`"""
    shown = mio(value, decimals)
    return shown if shown == MISSING else f"{shown} mio. kr."


def mio(value: object, decimals: int = 1) -> str:
    """`12400000` → `12,4` (for places whose label already says mio. kr.)."""
    amount = _as_float(value)
    return MISSING if amount is None else number(amount / 1e6, decimals)


def percent(share: object, decimals: int = 1) -> str:
    """`0.375` → `37,5 %` (the argument is a share between 0 and 1)."""
    amount = _as_float(share)
    return MISSING if amount is None else f"{number(amount * 100, decimals)} %"


def per_thousand(value: object, decimals: int = 1) -> str:
    """`37.54` → `37,5 pr. 1.000`."""
    shown = number(value, decimals)
    return shown if shown == MISSING else f"{shown} pr. 1.000"


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
    """Format a whole column at once (one call per distinct value), keeping the index."""
    distinct = {value: formatter(value) for value in pd.unique(values)}
    return values.map(distinct).astype(object)
