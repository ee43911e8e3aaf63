"""Danish number style for everything a person reads: `1.234.567 kr.`, `12,4 mio. kr.`, `37,5 %`.

The one place where numbers become text, for pages, tables, hover texts and the CLI summary.
"""

from __future__ import annotations

import math

from babel.numbers import format_decimal

LOCALE = "da_DK"
MISSING = "–"
# d3-format settings that make plotly's axis ticks and hover numbers Danish.
PLOTLY_SEPARATORS = ",."


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or str(value) in ("<NA>", "nan")


def number(value: float | int | None, decimals: int = 0) -> str:
    """`1234567.8` → `1.234.568`; with decimals=1 → `1.234.567,8`."""
    if _missing(value):
        return MISSING
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(round(float(value), decimals) if decimals else round(float(value)), format=pattern, locale=LOCALE)


def text(value: object, missing: str = MISSING) -> str:
    """Return a text cell for reading, or `missing` when it is empty (never 'nan' or 'None')."""
    return missing if _missing(value) or str(value).strip() == "" else str(value)


def kr(value: float | int | None) -> str:
    """`1234567` → `1.234.567 kr.`"""
    return MISSING if _missing(value) else f"{number(value)} kr."


def mio_kr(value: float | int | None, decimals: int = 1) -> str:
    """`12400000` → `12,4 mio. kr.`"""
    return MISSING if _missing(value) else f"{number(float(value) / 1e6, decimals)} mio. kr."


def mio(value: float | int | None, decimals: int = 1) -> str:
    """`12400000` → `12,4` (for places whose label already says mio. kr.)."""
    return MISSING if _missing(value) else number(float(value) / 1e6, decimals)


def percent(share: float | None, decimals: int = 1) -> str:
    """`0.375` → `37,5 %` (the argument is a share between 0 and 1)."""
    return MISSING if _missing(share) else f"{number(float(share) * 100, decimals)} %"


def per_thousand(value: float | None, decimals: int = 1) -> str:
    """`37.54` → `37,5 pr. 1.000`."""
    return MISSING if _missing(value) else f"{number(value, decimals)} pr. 1.000"


def signed_change(value: float | None, unit_formatter=number) -> str:
    """Return a change with an explicit sign, `+1,2 mio. kr.` or `-3`, for key-figure deltas."""
    if _missing(value):
        return MISSING
    text = unit_formatter(abs(value))
    return ("+" if value > 0 else "-" if value < 0 else "±") + text
