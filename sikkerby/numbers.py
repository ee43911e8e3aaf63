"""Numbers as analysts type them (`1.234.567,50`, `1234567.50`, `1,234,567`), read the one way the input contract reads them.

Shared by the pipeline (`pipelines.cells`, every amount and count of a workbook) and the dashboard
(`dashboard.scenario_workbook`, a scenario's amounts), so a number typed in either file means the
same and is refused with the same Danish words. Also the contract's upper bounds for amounts and counts.
"""

from __future__ import annotations

import math
import re

# Upper bounds far above any real portfolio: they catch typing slips and overflow, not real values.
MAX_AMOUNT_KR = 100_000_000_000  # 100 mia. kr.
MAX_COUNT = 10_000_000  # people or places
NUMBER_HINT = "Skriv fx 1.234.567,50 eller 1234567.50."
WHOLE_HINT = "Skriv et helt tal, fx 25."


class NumberError(ValueError):
    """A text that is not a number the contract can read; the message is Danish."""


_THOUSANDS_DOT = re.compile(r"\d{1,3}(\.\d{3})+")
_THOUSANDS_COMMA = re.compile(r"\d{1,3}(,\d{3}){2,}")
_UNITS = re.compile(r"\s*(kr\.?|dkk|%)$", re.IGNORECASE)


def parse_number(value: object, danish: bool = True) -> float:
    """Read `1.234.567,50`, `1234567.50`, `1234567,5` or an Excel number as a float.

    A lone dot followed by exactly three digits (`1.234`) is read as a Danish thousands
    separator when `danish` is true (Danish Excel files), else as a decimal point.
    """
    if isinstance(value, bool):
        raise NumberError(f"'{value}' er ikke et tal.")
    if isinstance(value, (int, float)):
        try:
            return float(value)
        except OverflowError:  # a whole number too long for a float (hundreds of digits) is infinitely large
            return math.inf if value > 0 else -math.inf
    text = _UNITS.sub("", str(value).replace("\u00a0", "").replace(" ", "").strip())
    sign = -1.0 if text.startswith("-") else 1.0
    digits = text.lstrip("+-")
    if "." in digits and "," in digits:
        decimal = "," if digits.rfind(",") > digits.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        digits = digits.replace(thousands, "").replace(decimal, ".")
    elif "," in digits:
        digits = digits.replace(",", "") if _THOUSANDS_COMMA.fullmatch(digits) else digits.replace(",", ".")
    elif digits.count(".") > 1 or (danish and _THOUSANDS_DOT.fullmatch(digits)):
        if not _THOUSANDS_DOT.fullmatch(digits):
            raise NumberError(f"'{value}' er ikke et tal.")
        digits = digits.replace(".", "")
    if not re.fullmatch(r"\d+(\.\d+)?", digits):
        raise NumberError(f"'{value}' er ikke et tal.")
    return sign * float(digits)


def column_is_danish(values: list[object]) -> bool:
    """Decide from a whole column whether its numbers are Danish (`1.234,5`) or plain (`1234.5`).

    Plain only where a value shows it: a dot followed by other than three digits (`1234.50`), or
    commas grouping thousands (`1,234,567`). Otherwise Danish, so `250.000` is two hundred and
    fifty thousand: no amount or count in the contract has exactly three decimals.
    """
    texts = [str(v).replace(" ", "").replace("\u00a0", "") for v in values if isinstance(v, str)]
    return not any(re.search(r"\.(\d{1,2}|\d{4,})$", t) or _THOUSANDS_COMMA.fullmatch(t.lstrip("+-")) for t in texts)


# One dot or comma followed by exactly three digits: `1.711` is 1711 the Danish way and 1,711 the
# English way (`1,711` the other way round). A leading 0 (`0.125`) is never a thousands group.
_EITHER_WAY = re.compile(r"[1-9]\d{0,2}([.,])\d{3}")
# What the rest of a column shows about its style, and the words for it, in the order they are named.
_DOT_DECIMAL = (re.compile(r"\d+\.(\d{1,2}|\d{4,})|\d{1,3}(,\d{3})+\.\d+"), "kolonnen bruger punktum som decimaltegn")
_COMMA_GROUPS = (re.compile(r"\d{1,3}(,\d{3}){2,}|\d{1,3}(,\d{3})+\.\d+"), "kolonnen bruger komma som tusindtalsseparator")
_UNGROUPED = (re.compile(r"\d{4,}([.,]\d+)?"), "kolonnen skriver andre tal uden tusindtalsseparator")
# A dot read as thousands separator needs a column that groups thousands with dots and has no decimal point;
# a comma read as decimal sign needs a column without decimal points or comma groups.
_AGAINST = {".": (_DOT_DECIMAL, _COMMA_GROUPS, _UNGROUPED), ",": (_DOT_DECIMAL, _COMMA_GROUPS)}
SAME_STYLE_HINT = "Skriv alle tal i kolonnen på samme måde, fx 1.711 og 1.711,50 eller 1711 og 1711,50."


def ambiguous_numbers(cells: list[tuple[int, object]]) -> dict[int, str]:
    """Return, by row, a Danish message for each number whose separator the rest of its column makes ambiguous.

    `cells` are a column's (Excel row, value) pairs. `1.711` is read as 1711 and `1,711` as 1,711
    (the Danish way) unless another cell of the column is written another way: a decimal point
    (`1711.50`), commas grouping thousands (`1,234,567`), or, against a thousands dot, an amount
    over 999 without separator (`1711,50`). Then nothing says which was meant, and the cell is refused.
    """
    texts = [(row, str(value).strip(), _bare_digits(value)) for row, value in cells if isinstance(value, str)]
    either_way = {row: shape.group(1) for row, _, digits in texts if (shape := _EITHER_WAY.fullmatch(digits))}
    first_shown: dict[str, tuple[int, str]] = {}  # per style: the first cell that shows it
    for row, typed, digits in texts:
        for pattern, words in (_DOT_DECIMAL, _COMMA_GROUPS, _UNGROUPED):
            if row not in either_way and words not in first_shown and pattern.fullmatch(digits):
                first_shown[words] = (row, typed)
    found: dict[int, str] = {}
    for row, typed, digits in texts:
        separator = either_way.get(row)
        against = [(words, first_shown[words]) for _, words in _AGAINST.get(separator, ()) if words in first_shown]
        if against:
            words, (example_row, example) = against[0]
            found[row] = _ambiguous_message(typed, digits, separator, f"{words} (fx '{example}' i række {example_row})")
    return found


def may_be_ambiguous(values: list[object]) -> bool:
    """True if a text among `values` has one separator followed by three digits (`1.711`), which `ambiguous_numbers` may refuse."""
    return any(isinstance(value, str) and _EITHER_WAY.fullmatch(_bare_digits(value)) for value in values)


def _bare_digits(value: object) -> str:
    """Return a number as typed without spaces, unit and sign: ` -1.711 kr.` → `1.711`."""
    return _UNITS.sub("", str(value).replace("\u00a0", "").replace(" ", "").strip()).lstrip("+-")


def _ambiguous_message(typed: str, digits: str, separator: str, evidence: str) -> str:
    whole, decimal = digits.replace(separator, ""), digits.replace(separator, ",")
    readings = (
        f"punktummet kan være tusindtalsseparator ({whole}) eller decimaltegn ({decimal})"
        if separator == "."
        else f"kommaet kan være decimaltegn ({decimal}) eller tusindtalsseparator ({whole})"
    )
    return f"'{typed}' er tvetydigt: {readings}, og {evidence}. {SAME_STYLE_HINT}"


def too_large_message(maximum: float) -> str:
    """Say in Danish that a value is past the contract's upper bound: `er urealistisk stort; højst 100.000.000.000`."""
    return f"er urealistisk stort; højst {maximum:,.0f}".replace(",", ".")
