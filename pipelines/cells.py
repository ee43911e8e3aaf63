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
from sikkerby.numbers import (  # noqa: F401 - read here, shared with the dashboard's scenario workbooks
    NUMBER_HINT,
    SAME_STYLE_HINT,
    WHOLE_HINT,
    NumberError,
    ambiguous_numbers,
    column_is_danish,
    may_be_ambiguous,
    parse_number,
)


class CellError(ValueError):
    """A cell that cannot be read as its column's kind; the message is Danish."""


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
        except NumberError as error:
            raise CellError(f"{error} {_number_hint(spec)}") from error
    if spec.kind is Kind.CHOICE:
        return parse_choice(value, spec)
    if spec.kind is Kind.ID:
        return parse_id(value)
    return parse_text(value)


def _number_hint(spec: ColumnSpec) -> str:
    return WHOLE_HINT if spec.kind is Kind.WHOLE else NUMBER_HINT


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
