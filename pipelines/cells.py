"""Turn one cell as the analyst typed it into a typed value (number, code, district number).

Each function raises `CellError` with a Danish message when the cell cannot be read.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

from pipelines.contract import ColumnSpec, Kind
from sikkerby import vocabulary as vocab


class CellError(ValueError):
    """A cell that cannot be read as its column's kind; the message is Danish."""


_THOUSANDS_DOT = re.compile(r"\d{1,3}(\.\d{3})+")
_THOUSANDS_COMMA = re.compile(r"\d{1,3}(,\d{3}){2,}")
_UNITS = re.compile(r"\s*(kr\.?|dkk|%)$", re.IGNORECASE)


@dataclass(frozen=True)
class UnsavedFormula:
    """A workbook cell with a formula but no saved result: the program that wrote it never calculated it."""

    formula: str

    def __str__(self) -> str:
        return f"={self.formula}"

    def message(self) -> str:
        """Say in Danish that the cell's value is unknown until Excel calculates and saves it."""
        shown = f" ({self})" if self.formula else ""
        return f"cellen indeholder en formel{shown} uden gemt værdi – åbn og gem projektmappen i Excel, så formlens resultat bliver gemt."


@dataclass(frozen=True)
class UntrustedFormula:
    """A formula cell in a workbook that asks Excel to calculate every formula on opening (`fullCalcOnLoad`).

    Programs that write such files (XlsxWriter, many exports) save a placeholder, often 0, as the
    result: the saved value is not what Excel shows.
    """

    formula: str
    saved: object = None

    def __str__(self) -> str:
        return f"={self.formula}"

    def message(self) -> str:
        """Say in Danish that the saved result may be wrong until Excel calculates and saves the workbook."""
        saved = "den gemte tomme værdi" if is_empty(self.saved) else f"den gemte værdi '{parse_text(self.saved)}'"
        return (
            f"cellen indeholder en formel ({self}), men projektmappen er gemt af et program, der ikke har regnet formlerne ud "
            f"(den beder Excel regne dem om, når den åbnes), så {saved} kan være forkert. "
            "Åbn og gem projektmappen i Excel, så formlernes resultater bliver gemt."
        )


@dataclass(frozen=True)
class ExcelError:
    """A workbook cell that shows one of Excel's errors (#REF!, #DIV/0!, #N/A, ...) instead of a value."""

    error: str

    def __str__(self) -> str:
        return self.error

    def message(self) -> str:
        """Say in Danish that the cell holds an Excel error, not a value."""
        return (
            f"cellen viser Excel-fejlen {self.error} i stedet for en værdi. Ret formlen eller værdien i Excel, og gem projektmappen igen."
        )


def is_empty(value: object) -> bool:
    """True for None, NaN and blank text."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and vocab.without_invisible(value).strip() == ""


def parse_number(value: object, danish: bool = True) -> float:
    """Read `1.234.567,50`, `1234567.50`, `1234567,5` or an Excel number as a float.

    A lone dot followed by exactly three digits (`1.234`) is read as a Danish thousands
    separator when `danish` is true (Danish Excel files), else as a decimal point.
    """
    if isinstance(value, bool):
        raise CellError(f"'{value}' er ikke et tal.")
    if isinstance(value, (int, float)):
        return float(value)
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
            raise CellError(f"'{value}' er ikke et tal.")
        digits = digits.replace(".", "")
    if not re.fullmatch(r"\d+(\.\d+)?", digits):
        raise CellError(f"'{value}' er ikke et tal.")
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


def parse_text(value: object) -> str:
    """Return a cell as trimmed text without invisible characters; whole Excel numbers lose their `.0`."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return vocab.without_invisible(str(value)).strip()


_DASHES = re.compile("[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]")  # hyphens, dashes and the minus sign: all read as '-'
_ID_HINT = "Skriv id'et igen med latinske bogstaver, tal, mellemrum og almindelige tegn som - og /."


def parse_id(value: object) -> str:
    """Return an initiative id as it reads: no invisible characters, full-width and other variant forms plain (NFKC), dashes as '-'.

    An id with a letter of another alphabet (a Cyrillic Т looks like a T) or a sign outside plain
    text is refused, so two ids nobody can tell apart never name two initiatives.
    """
    typed = parse_text(value)
    text = _DASHES.sub("-", unicodedata.normalize("NFKC", typed)).strip()
    if text.isascii() and text.isprintable():
        return text
    foreign = vocab.foreign_letter(text)
    if foreign:
        raise CellError(f"'{typed}' indeholder tegnet {foreign}. Skriv id'et igen med latinske bogstaver og almindelige tal.")
    odd = next((c for c in text if not (" " <= c <= "~" or c.isalpha())), None)
    if odd:
        raise CellError(f"'{typed}' indeholder tegnet '{odd}' (U+{ord(odd):04X}), som ikke hører hjemme i et id. {_ID_HINT}")
    return text


LOST_CHARACTER = "\ufffd"  # what a program puts where it could not read a character


# Python's whitespace (what `str.strip` removes; a test checks the list), as an RE2 class for Arrow.
PYTHON_WHITESPACE = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
_SPACE = "[" + "".join(f"\\x{{{ord(c):x}}}" for c in PYTHON_WHITESPACE) + "]"
# A text an Arrow regex finds that reading would change: surrounding spaces, U+00A0 (read as a space), invisible
# format characters (zero-width space, BOM, soft hyphen: removed), or nothing at all.
NEEDS_CLEANING = f"^{_SPACE}|{_SPACE}$|\\x{{a0}}|\\p{{Cf}}|^$"
NEEDS_CLEANING_OR_LOST = NEEDS_CLEANING + "|\\x{fffd}"


def has_lost_characters(value: object) -> bool:
    """True for text holding U+FFFD: letters lost when the file was read or converted somewhere."""
    return isinstance(value, str) and LOST_CHARACTER in value


def lost_characters_message(value: object) -> str:
    """Say in Danish that a cell holds U+FFFD and must be typed again."""
    return (
        f"'{value}' indeholder tegnet '{LOST_CHARACTER}', som betyder, at et tegn er gået tabt, "
        "da filen blev gemt eller konverteret. Skriv værdien igen med de rigtige tegn."
    )


def parse_cell(value: object, spec: ColumnSpec, danish: bool) -> object:
    """Return the typed value of one cell for its column spec (None when empty)."""
    if isinstance(value, (UnsavedFormula, UntrustedFormula, ExcelError)):
        raise CellError(value.message())
    if has_lost_characters(value):
        raise CellError(lost_characters_message(value))
    if spec.kind in (Kind.WHOLE, Kind.NUMBER) and isinstance(value, float) and math.isnan(value):
        raise CellError(f"'nan' er ikke et tal. {_number_hint(spec)}")  # a NaN number, not an empty cell
    if spec.kind is Kind.MARK:
        try:
            return vocab.is_marked(None if is_empty(value) else value)
        except vocab.UnknownValue as error:
            raise CellError(str(error)) from error
    if spec.kind is Kind.DISTRICT:
        try:
            return vocab.district_number(None if is_empty(value) else value)
        except vocab.UnknownValue as error:
            raise CellError(str(error)) from error
    if is_empty(value):
        return spec.default
    if spec.kind in (Kind.WHOLE, Kind.NUMBER):
        try:
            return parse_number(value, danish)
        except CellError as error:
            raise CellError(f"{error} {_number_hint(spec)}") from error
    if spec.kind is Kind.CHOICE:
        return parse_choice(value, spec)
    if spec.kind is Kind.ID:
        return parse_id(value)
    return parse_text(value)


def _number_hint(spec: ColumnSpec) -> str:
    return "Skriv et helt tal, fx 25." if spec.kind is Kind.WHOLE else "Skriv fx 1.234.567,50 eller 1234567.50."


def parse_choice(value: object, spec: ColumnSpec) -> str:
    """Return the canonical spelling of a choice (administration, focus area, status, ...)."""
    try:
        if spec.header == "forvaltning":
            return vocab.administration_code(value)
        if spec.header == "indsatsomraade":
            return vocab.focus_area(value)
        return vocab.one_of(spec.header, value, spec.choices)
    except vocab.UnknownValue as error:
        raise CellError(str(error)) from error
