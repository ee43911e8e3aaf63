"""Read an analyst's workbook (.xlsx) or folder of CSV files into raw sheets.

Reading only finds the cells: headers are matched to the contract's names, every row keeps the
number the analyst sees in Excel, and nothing is judged yet (that is `validate`'s job).
"""

from __future__ import annotations

import bisect
import codecs
import csv
import errno
import functools
import itertools
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from pipelines import bounded
from pipelines.cells import NEEDS_CLEANING, ExcelError, UnsavedFormula, UntrustedFormula
from pipelines.contract import SHEETS
from pipelines.os_errors import io_failure_sentence
from pipelines.problems import InputRejected, Problem
from pipelines.sheet_layout import (  # noqa: F401 - read.X names kept for their readers
    CONTRACT_HEADERS,
    CSV_SUFFIXES,
    MAX_COLUMNS,
    MAX_ROWS,
    WORKBOOK_SUFFIXES,
    canonical_header,
    contract_matches,
    sniff_delimiter,
)
from sikkerby import formatting
from sikkerby.vocabulary import without_invisible

FILE_SHEET = "fil"
HEADER_SEARCH_ROWS = 10
EXCEL_COLUMNS = 16_384  # A to XFD: more cells than this in one row is a broken file
MAX_MERGED_RANGES = 10_000  # merged cells are refused in the table; this many anywhere is a flood, not a layout
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


@dataclass
class RawSheet:
    """The cells of one sheet as text or Excel values, indexed by Excel row number."""

    name: str
    frame: pd.DataFrame
    header_row: int = 1
    duplicate_headers: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # found while reading: bytes that are no text, broken cells


@dataclass
class RawInput:
    """Everything read from one workbook or CSV folder, with the files it came from."""

    sheets: dict[str, RawSheet]
    source_files: list[Path] = field(default_factory=list)
    is_csv_folder: bool = False

    def missing_sheet_message(self, name: str) -> str:
        """Say in Danish that a required sheet (or CSV file) is missing."""
        if self.is_csv_folder:
            return f"filen '{name}.csv' mangler i mappen."
        return f"arket '{name}' mangler i projektmappen."


def read_input(path: Path) -> RawInput:
    """Read a workbook or a folder of CSV files; raise InputRejected if it cannot be read."""
    path = Path(path)
    if path.is_dir():
        if path.suffix.lower() in WORKBOOK_SUFFIXES:  # named like a workbook: a folder here is a mistake
            folder = IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
            raise InputRejected([Problem(FILE_SHEET, None, None, io_failure_sentence(folder, f"projektmappen '{path}'", "læses"))])
        return read_csv_folder(path)
    if not path.exists():
        raise InputRejected([Problem(FILE_SHEET, None, None, f"'{path}' findes ikke.")])
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        return read_workbook(path)
    if path.suffix.lower() in CSV_SUFFIXES:
        return read_csv_folder(path.parent, only=path)
    raise InputRejected(
        [Problem(FILE_SHEET, None, None, f"'{path.name}' er hverken en Excel-projektmappe (.xlsx) eller en mappe med CSV-filer.")]
    )


def read_workbook(path: Path) -> RawInput:
    """Read the contract's sheets from an .xlsx workbook (sheet names matched loosely)."""
    try:
        book = bounded.open_workbook(path)  # openpyxl's read-only book, its shared strings read within limits
    except bounded.PaddedWorkbook as refused:
        raise InputRejected([refused.problem(FILE_SHEET)]) from None
    except OSError as error:
        if error.errno is None:  # openpyxl's own "File contains no valid workbook part": the file, not the disk
            raise InputRejected(
                [Problem(FILE_SHEET, None, None, f"'{path.name}' kan ikke læses som Excel-projektmappe: der er intet regneark i den.")]
            ) from error
        raise InputRejected([Problem(FILE_SHEET, None, None, io_failure_sentence(error, f"projektmappen '{path}'", "læses"))]) from error
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise InputRejected(
            [Problem(FILE_SHEET, None, None, f"'{path.name}' kan ikke læses som Excel-projektmappe ({type(error).__name__}).")]
        ) from error
    sheets: dict[str, RawSheet] = {}
    try:
        found = contract_matches(book.worksheets, lambda worksheet: worksheet.title)
        ambiguous = [
            Problem(name, None, None, ambiguous_sheets_message(name, [_sheet_label(w) for w in worksheets]))
            for name, worksheets in found.items()
            if len(worksheets) > 1
        ]
        if ambiguous:
            raise InputRejected(ambiguous)
        too_large: list[Problem] = []
        for name, (worksheet,) in found.items():
            if padded := bounded.worksheet_padding_problem(worksheet, name):
                too_large.append(padded)
                continue
            try:
                sheets[name] = read_worksheet(worksheet, name)
            except SheetTooLarge as refused:
                too_large.append(refused.problem)
        if too_large:
            raise InputRejected(too_large)
    finally:
        book.close()
    return RawInput(sheets, [path])


def ambiguous_sheets_message(name: str, labels: list[str], files: bool = False) -> str:
    """Say in Danish that several sheets (or CSV files) answer to one contract name, naming each (labels come quoted)."""
    listing = labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " og " + labels[-1]
    if files:
        return (
            f"mappen har flere filer, der passer til filen '{name}.csv': {listing}. "
            "Det er uklart, hvilken der skal indlæses; flyt eller omdøb dem, der ikke skal bruges."
        )
    return (
        f"projektmappen har flere ark, der passer til arket '{name}': {listing}. "
        "Det er uklart, hvilket der skal indlæses; slet eller omdøb dem, der ikke skal bruges (også skjulte ark)."
    )


def _sheet_label(worksheet) -> str:
    hidden = " (skjult)" if worksheet.sheet_state in ("hidden", "veryHidden") else ""
    return f"'{worksheet.title}'{hidden}"


class SheetTooLarge(Exception):
    """A sheet has content beyond `MAX_ROWS` or `MAX_COLUMNS`; carries the problem naming the first such cell."""

    def __init__(self, problem: Problem):
        self.problem = problem
        super().__init__(str(problem))


def read_worksheet(worksheet, name: str) -> RawSheet:
    """Read one worksheet; a cell openpyxl cannot read (`NaN` written as a number) ends it with a problem.

    Raises SheetTooLarge for content beyond the caps, before it costs memory.
    """
    rows: list[tuple] = []
    merged: list[tuple[int, int, int, int]] = []
    try:
        for row_number, row in worksheet_rows(worksheet, name, merged):
            rows.extend([()] * (row_number - len(rows) - 1))  # empty rows keep the Excel row numbers
            rows.append(row)
    except SheetTooLarge:
        raise
    except Exception as error:  # openpyxl raises ValueError, TypeError, ... for a malformed cell
        sheet = sheet_from_rows(name, rows)
        broken = error.row if isinstance(error, UnreadableCell) else len(rows) + 1
        cause = error.error if isinstance(error, UnreadableCell) else error
        sheet.problems.append(
            Problem(
                name,
                broken,
                None,
                f"rækken har en celle, som ikke kan læses ({type(cause).__name__}: {cause}), så arket er kun læst til og med "
                f"række {broken - 1}. Skriv cellens værdi igen i Excel, og gem projektmappen.",
            )
        )
        return sheet
    sheet = sheet_from_rows(name, rows)
    sheet.problems += merged_cell_problems(sheet, rows, merged)
    return sheet


def merged_cell_problems(sheet: RawSheet, rows: list[tuple], merged: list[tuple[int, int, int, int]]) -> list[Problem]:
    """One problem per merged range that reaches the table (its header row and the rows below, its columns).

    Excel shows a merged range's first value in every cell of it, but only the first cell holds it:
    the rows below would be read as empty (a district as city-wide). Titles merged above the header,
    and notes merged beside or below the table, are not read and do no harm.
    """
    header = rows[sheet.header_row - 1] if len(rows) >= sheet.header_row else ()
    problems = []
    for first_column, first_row, last_column, last_row in merged:
        if first_row > len(rows) or last_row < sheet.header_row or first_column > len(header):
            continue
        first = f"{column_letter(first_column)}{first_row}"
        cells = f"{first}:{column_letter(last_column)}{last_row}"
        label = header[first_column - 1]
        column = canonical_header(label) if _filled(label) else f"kolonne {column_letter(first_column)}"
        problems.append(
            Problem(
                sheet.name,
                first_row,
                column,
                f"cellerne {cells} er flettet sammen. Excel viser værdien fra {first} i dem alle, men den står kun i {first}; "
                f"de andre celler er tomme. Ophæv fletningen af cellerne {cells} i Excel, og skriv værdien i hver celle.",
            )
        )
    return problems


class UnreadableCell(Exception):
    """openpyxl could not read a cell of Excel row `row`; `error` says why."""

    def __init__(self, row: int, error: Exception):
        self.row, self.error = row, error
        super().__init__(f"row {row}: {error}")


def worksheet_rows(worksheet, name: str, merged: list | None = None) -> Iterator[tuple[int, tuple]]:
    """Yield (Excel row number, values up to the row's last filled cell) for each row with content, in order.

    The sheet's merged ranges (first column, first row, last column, last row) go to `merged` when given.

    Streams the sheet's XML one cell at a time and keeps only filled cells, so memory follows the
    content, never the used range the file claims (`<dimension>`) nor a lone cell in column XFD:
    a filled cell beyond `MAX_ROWS` or `MAX_COLUMNS` raises SheetTooLarge as soon as it is met.
    Rows that repeat or go back (never written by Excel) are skipped, as openpyxl does.
    """
    from openpyxl.worksheet._reader import CELL_TAG, DATA_TAG, ROW_TAG
    from openpyxl.xml.constants import SHEET_MAIN_NS
    from openpyxl.xml.functions import iterparse

    merge_tag = f"{{{SHEET_MAIN_NS}}}mergeCell"

    book = worksheet.parent
    with worksheet._get_source() as source:
        parser = _formula_aware_parser()(
            source,
            worksheet._shared_strings,
            data_only=True,
            epoch=book.epoch,
            date_formats=book._date_formats,
            timedelta_formats=book._timedelta_formats,
        )
        parser.recalculated_on_open = recalculated_on_open(book)
        sheet_data = None
        in_row = False
        row_number = last_yielded = cells = 0
        values: dict[int, object] = {}
        for event, element in iterparse(source, events=("start", "end")):
            if event == "start":
                if element.tag == DATA_TAG:
                    sheet_data = element
                elif element.tag == ROW_TAG:
                    in_row, row_number, cells, values = True, _row_number(element, row_number), 0, {}
                    parser.row_counter, parser.col_counter = row_number, 0
            elif element.tag == CELL_TAG and in_row:
                cells += 1
                try:
                    if cells > EXCEL_COLUMNS:
                        raise ValueError(f"more than {EXCEL_COLUMNS} cells in one row")
                    cell = parser.parse_cell(element)
                except Exception as error:  # openpyxl raises ValueError, TypeError, ... for a malformed cell
                    raise UnreadableCell(row_number, error) from error
                element.clear()
                value, column = cell["value"], cell["column"]
                if value is None or (isinstance(value, str) and not value.strip()):
                    continue  # a formatted but empty cell costs nothing and is never refused
                if row_number > MAX_ROWS:
                    raise SheetTooLarge(Problem(name, row_number, None, _too_long_message("projektmappen")))
                if column > MAX_COLUMNS:
                    raise SheetTooLarge(Problem(name, row_number, f"kolonne {column_letter(column)}", _too_wide_message("projektmappen")))
                values[column] = value
            elif element.tag == ROW_TAG:
                if values and row_number > last_yielded:
                    yield row_number, tuple(values.get(c) for c in range(1, max(values) + 1))
                    last_yielded = row_number
                in_row = False
                if sheet_data is not None:
                    sheet_data.clear()  # the finished row: nothing of it stays in memory
            elif element.tag == merge_tag and merged is not None:
                _add_merged_range(merged, element.get("ref"), name)
                element.clear()


def recalculated_on_open(book) -> bool:
    """True if the workbook asks Excel to calculate every formula when opened (`<calcPr fullCalcOnLoad="1"/>`).

    Read from the file's own XML: openpyxl reads a `<calcPr>` without the attribute as true.
    """
    from openpyxl.packaging.manifest import Manifest
    from openpyxl.reader.excel import _find_workbook_part
    from openpyxl.xml.constants import SHEET_MAIN_NS
    from openpyxl.xml.functions import fromstring, iterparse

    if book.calculation is None:
        return False
    try:
        archive = book._archive
        part = _find_workbook_part(Manifest.from_tree(fromstring(archive.read("[Content_Types].xml")))).PartName[1:]
        with archive.open(part) as source:
            for _, element in iterparse(source):
                if element.tag == f"{{{SHEET_MAIN_NS}}}calcPr":
                    return element.get("fullCalcOnLoad") in ("1", "true")
                element.clear()
    except (KeyError, OSError, ValueError, AttributeError):
        return True  # openpyxl read it as set; the file cannot say otherwise
    return False


def _add_merged_range(merged: list, ref: str | None, name: str) -> None:
    """Add a `<mergeCell ref="A3:A4">` range's bounds to `merged`; raise SheetTooLarge past `MAX_MERGED_RANGES`."""
    from openpyxl.utils.cell import range_boundaries

    try:
        first_column, first_row, last_column, last_row = range_boundaries(str(ref).upper())
    except (ValueError, TypeError):
        return  # no range Excel could have written: nothing shows merged
    if (first_column, first_row) == (last_column, last_row):
        return  # one cell "merged" with itself shows what it holds
    if len(merged) >= MAX_MERGED_RANGES:
        raise SheetTooLarge(
            Problem(
                name,
                None,
                None,
                f"arket har mere end {formatting.number(MAX_MERGED_RANGES)} flettede celleområder. Ophæv fletningen af cellerne i "
                "Excel (marker arket, og vælg Flet og centrer > Ophæv fletning af celler), og gem projektmappen igen.",
            )
        )
    merged.append((first_column or 1, first_row or 1, last_column or EXCEL_COLUMNS, last_row or MAX_ROWS))


@functools.cache
def _formula_aware_parser() -> type:
    """Return openpyxl's cell parser, subclassed to mark a formula without saved value (made on first use)."""
    from openpyxl.worksheet._reader import FORMULA_TAG, VALUE_TAG, WorkSheetParser

    class FormulaAwareParser(WorkSheetParser):
        """openpyxl's cell parser, reading saved values, that marks a formula without one as UnsavedFormula.

        openpyxl itself reads such a cell as empty, so a formula never calculated would be reported
        as "skal udfyldes", or in an optional column be loaded as empty without a word. In a workbook
        that asks Excel to calculate every formula on opening, a saved value is a placeholder: UntrustedFormula.
        A cell showing an Excel error (`#REF!`) is ExcelError, never read as text.
        """

        recalculated_on_open = False  # the workbook's `<calcPr fullCalcOnLoad="1"/>`

        def parse_cell(self, element):
            cell = super().parse_cell(element)
            formula = element.find(FORMULA_TAG)
            saved_empty_text = element.get("t") == "str" and element.find(VALUE_TAG) is not None  # `=""` and the like
            if formula is not None and self.recalculated_on_open and (cell["value"] is not None or saved_empty_text):
                cell["value"] = UntrustedFormula(formula.text or "", cell["value"])
            elif cell["value"] is None and formula is not None and not saved_empty_text:
                cell["value"] = UnsavedFormula(formula.text or "")
            elif cell["data_type"] == "e" and cell["value"] is not None:
                cell["value"] = ExcelError(str(cell["value"]))  # `#REF!` is no name, `#N/A` no district
            return cell

    return FormulaAwareParser


def _row_number(row_element, previous: int) -> int:
    """Return a `<row>` element's Excel row number (`r`, written as `5` or `5.0`), or the next one without it."""
    text = row_element.get("r")
    if text is None:
        return previous + 1
    try:
        return int(text)
    except ValueError:
        value = float(text)
        if not value.is_integer():
            raise UnreadableCell(previous + 1, ValueError(f"{text} is not a valid row number")) from None
        return int(value)


def column_letter(number: int) -> str:
    """Return Excel's letters for a column number (1 = A, 27 = AA, 16384 = XFD)."""
    letters = ""
    while number > 0:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def _too_wide_message(saved_as: str) -> str:
    return (
        f"cellen er udfyldt, men der læses højst {MAX_COLUMNS} kolonner (A til {column_letter(MAX_COLUMNS)}) pr. ark. "
        f"Slet indholdet af cellerne til højre for tabellen, og gem {saved_as} igen."
    )


def _too_long_message(saved_as: str) -> str:
    return (
        f"rækken er udfyldt, men der læses højst {formatting.number(MAX_ROWS)} rækker pr. ark. "
        f"Slet indholdet af rækkerne under tabellen, og gem {saved_as} igen."
    )


def read_csv_folder(folder: Path, only: Path | None = None) -> RawInput:
    """Read one CSV file per sheet (indsatser.csv, budget.csv, ...) from a folder."""
    try:
        candidates = [only] if only else sorted(file for file in folder.iterdir() if file.suffix.lower() in CSV_SUFFIXES)
    except OSError as error:
        raise InputRejected([Problem(FILE_SHEET, None, None, io_failure_sentence(error, f"mappen '{folder}'", "læses"))]) from error
    found = contract_matches(candidates, lambda file: file.stem)
    ambiguous = [
        Problem(name, None, None, ambiguous_sheets_message(name, [f"'{file.name}'" for file in files], files=True))
        for name, files in found.items()
        if len(files) > 1
    ]
    if ambiguous:
        raise InputRejected(ambiguous)
    sheets: dict[str, RawSheet] = {}
    unread: list[Problem] = []  # files too large, or that the operating system will not hand over
    for name, (file,) in found.items():
        try:
            sheets[name] = read_csv_sheet(file, name)
        except SheetTooLarge as refused:
            unread.append(refused.problem)
        except OSError as error:
            unread.append(Problem(name, None, None, io_failure_sentence(error, f"filen '{file.name}'", "læses")))
    if unread:
        raise InputRejected(unread)
    files = [file for (file,) in found.values()]
    if not sheets:
        expected = ", ".join(f"{spec.name}.csv" for spec in SHEETS)
        raise InputRejected([Problem(FILE_SHEET, None, None, f"ingen af filerne {expected} findes i '{folder}'.")])
    return RawInput(sheets, files, is_csv_folder=True)


def read_csv_sheet(file: Path, name: str) -> RawSheet:
    """Read one CSV file: UTF-8 (BOM or not), UTF-16 or Windows-1252; `;`, `,` or tab separated.

    Bytes that are no text in the file's encoding are reported per line (never loaded as U+FFFD).
    Raises SheetTooLarge for a filled field beyond `MAX_COLUMNS` or a filled row beyond `MAX_ROWS`.
    """
    decoded = decode_csv_bytes(file.read_bytes())
    text = decoded.text.replace("\r\n", "\n").replace("\r", "\n")  # Windows, Unix and old Mac line endings
    text, flooded = bounded.csv_within_limits(text, sniff_delimiter(text), name)  # blank tails cut, floods refused
    if flooded:
        raise SheetTooLarge(flooded)
    if decoded.failed_encoding is None:
        plain = rectangular_sheet(text, sniff_delimiter(text), name)
        if plain is not None:
            return plain
    rows: list[list[str]] = []
    last_lines: list[int] = []  # the physical line each row ends on (a quoted cell may span lines), for undecodable bytes
    lines_needed = decoded.failed_encoding is not None
    shared = {}.setdefault  # one string object per distinct text: ids, years and districts repeat down a long file
    try:
        reader = csv.reader(bounded.lines(text), delimiter=sniff_delimiter(text))
        for row in reader:
            if len(row) > MAX_COLUMNS:
                width = next((i for i in range(len(row), 0, -1) if row[i - 1].strip()), 0)
                if width > MAX_COLUMNS:
                    column = next(i for i in range(MAX_COLUMNS, width) if row[i].strip()) + 1
                    problem = Problem(name, len(rows) + 1, f"kolonne {column_letter(column)}", _too_wide_message("filen"))
                    raise SheetTooLarge(problem)
            while row and not row[-1].strip():  # blank trailing fields cost nothing
                row.pop()
            if row and len(rows) >= MAX_ROWS:
                raise SheetTooLarge(Problem(name, len(rows) + 1, None, _too_long_message("filen")))
            rows.append(list(map(shared, row, row)) if row else ())  # a blank line costs a pointer
            if lines_needed:
                last_lines.append(reader.line_num)
    except csv.Error as error:
        raise InputRejected([Problem(name, None, None, f"'{file.name}' kan ikke læses som CSV ({error}).")]) from error
    sheet = sheet_from_rows(name, rows)
    sheet.problems += overlong_row_problems(name, rows, sheet.header_row, sniff_delimiter(text))
    if decoded.failed_encoding:
        sheet.problems += undecodable_problems(file, name, text, decoded, last_lines)
    return sheet


def overlong_row_problems(name: str, rows: list[list[str]], header_row: int, delimiter: str) -> list[Problem]:
    """One problem per row below the header with a filled field beyond the header's last one.

    Such a field has no column: `1000000,50` unquoted in a comma file is two fields, and every
    value after it would land one column to the right. Blank trailing fields (`a;b;c;`) are no fields.
    """
    header = rows[header_row - 1] if len(rows) >= header_row else []
    width = next((i for i in range(len(header), 0, -1) if header[i - 1].strip()), 0)
    if delimiter == ",":
        hint = (
            'Et tal med decimalkomma (fx 1000000,50) i en kommasepareret fil skal stå i anførselstegn ("1000000,50"), '
            "eller filen skal gemmes med semikolon (;) som skilletegn."
        )
    else:
        shown = "tabulator" if delimiter == "\t" else delimiter
        hint = f"Står der et skilletegn ({shown}) i en tekst, skal teksten stå i anførselstegn."
    hint += " Står der noget til højre for tabellen, så slet det."
    return [
        Problem(name, number, None, f"rækken har {len(row)} felter, men overskriften har {width}. {hint}")
        for number, row in enumerate(rows[header_row:], start=header_row + 1)
        if len(row) > width
    ]


@dataclass(frozen=True)
class DecodedText:
    """A CSV file's text; `failed_encoding` says (in Danish) which encoding some bytes broke; they became U+FFFD."""

    text: str
    failed_encoding: str | None = None
    bad_bytes: tuple[int, ...] = ()  # in order, when each byte is one character (Windows-1252)


def decode_csv_bytes(data: bytes) -> DecodedText:
    """Decode CSV bytes as Excel writes them: UTF-8 (with or without BOM), UTF-16 with BOM, or Windows-1252.

    Windows-1252 leaves 0x81, 0x8D, 0x8F, 0x90 and 0x9D undefined; such bytes (like broken UTF-8
    after a UTF-8 BOM, or broken UTF-16) are decoded as U+FFFD and named in `failed_encoding`.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding, label = "utf-16", "der ikke kan læses som UTF-16"
    elif data.startswith(codecs.BOM_UTF8):
        encoding, label = "utf-8-sig", "der ikke kan læses som UTF-8"
    else:
        try:
            return DecodedText(data.decode("utf-8"))
        except UnicodeDecodeError:
            encoding, label = "cp1252", "der hverken kan læses som UTF-8 eller Windows-1252"
    try:
        return DecodedText(data.decode(encoding))
    except UnicodeDecodeError:
        text = data.decode(encoding, errors="replace")
    bad = tuple(data[i] for i, c in enumerate(text) if c == "\ufffd") if encoding == "cp1252" else ()
    return DecodedText(text, label, bad)


def undecodable_problems(file: Path, name: str, text: str, decoded: DecodedText, last_lines: list[int]) -> list[Problem]:
    """One problem per line with undecodable bytes, at the Excel row that line belongs to."""
    by_line: dict[int, list[int | None]] = {}
    start = 0
    for number, line in enumerate(text.split("\n"), start=1):
        count = line.count("\ufffd")
        if count:
            by_line[number] = list(decoded.bad_bytes[start : start + count]) or [None]
            start += count
    problems = []
    for line, values in by_line.items():
        found = [f"0x{v:02X}" for v in values if v is not None]
        what = (f"byte {found[0]}" if len(found) == 1 else f"bytes {', '.join(found[:-1])} og {found[-1]}") if found else "tegn"
        row = min(bisect.bisect_left(last_lines, line), len(last_lines) - 1) + 1 if last_lines else line
        problems.append(
            Problem(
                name,
                row,
                None,
                f"filen '{file.name}' kan ikke læses: linje {line} har {what}, {decoded.failed_encoding}. "
                "Gem filen igen fra Excel som 'CSV UTF-8 (kommasepareret)'.",
            )
        )
    return problems


def sheet_from_rows(name: str, rows: list[tuple]) -> RawSheet:
    """Turn raw rows into a sheet indexed by Excel row number.

    The header is the row, among the first ten non-empty ones, that names the most contract
    headers, so a title or a note above the table does no harm.
    """
    numbered = [
        (number, row)
        for number, row in enumerate(rows, start=1)
        if row and ((type(last := row[-1]) is str and last.strip()) or any(map(_filled, row)))
    ]
    if not numbered:
        return RawSheet(name, pd.DataFrame())
    scores = [sum(_filled(c) and canonical_header(c) in CONTRACT_HEADERS for c in row) for _, row in numbered[:HEADER_SEARCH_ROWS]]
    start = scores.index(max(scores))
    (header_row, header), body = numbered[start], numbered[start + 1 :]
    width = len(header)
    padding = [None] * width
    cells = np.empty((len(body), width), dtype=object)
    if body:
        cells[:] = [row if len(row) == width and isinstance(row, list) else (list(row) + padding)[:width] for _, row in body]
    return _sheet(name, header_row, header, [n for n, _ in body], [cells[:, i] for i in range(width)])


def _sheet(name: str, header_row: int, header: list, rows: list[int] | np.ndarray, columns: list[np.ndarray]) -> RawSheet:
    """Build a sheet from its header, the Excel row numbers of its filled rows and one array of raw cells per column."""
    headers = [canonical_header(cell) if _filled(cell) else f"_kolonne_{i + 1}" for i, cell in enumerate(header)]
    index = pd.Index(rows, name="row", dtype="int64")
    frame = pd.DataFrame({i: _clean_column(column) for i, column in enumerate(columns)}, index=index, dtype=object)
    frame.columns = headers
    frame = frame.loc[:, [not h.startswith("_kolonne_") or frame[h].notna().any() for h in headers]]
    duplicates = sorted({h for h in frame.columns[frame.columns.duplicated()] if not h.startswith("_kolonne_")})
    return RawSheet(name, frame.loc[:, ~frame.columns.duplicated()], header_row, duplicates)


def rectangular_sheet(text: str, delimiter: str, name: str) -> RawSheet | None:
    """Read a plain CSV text in Arrow: the header on line 1, every line with as many fields, no blank line.

    Returns None for anything else (a title above the table, blank or ragged lines, more columns or
    rows than the limits), which `read_csv_sheet` then reads record by record with its messages. Both
    ways give the same sheet; this one parses a long file in C, not a row at a time in Python.
    """
    if "\x00" in text:  # the record reader refuses NUL characters with its message
        return None
    records = csv.reader(bounded.lines(text), delimiter=delimiter)
    try:
        header = next(records, [])
        filled_rows = (row for row in records if "".join(row).strip())  # joined: one C call per row, not one per field
        first = [header, *itertools.islice(filled_rows, HEADER_SEARCH_ROWS - 1)]
    except csv.Error:
        return None
    if not any(map(_filled, header)):  # the header is not on line 1
        return None
    scores = [sum(_filled(c) and canonical_header(c) in CONTRACT_HEADERS for c in row) for row in first]
    if scores.index(max(scores)) != 0 or len(first[0]) > MAX_COLUMNS:
        return None
    fields = len(first[0])
    try:
        table = pacsv.read_csv(
            pyarrow.py_buffer(text.encode("utf-8")),
            read_options=pacsv.ReadOptions(skip_rows=1, column_names=[f"f{i}" for i in range(fields)]),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                column_types={f"f{i}": pyarrow.string() for i in range(fields)}, strings_can_be_null=False, quoted_strings_can_be_null=False
            ),
        )
    except pyarrow.ArrowInvalid:  # ragged or blank lines: the record reader says where
        return None
    if table.num_rows == 0 or table.num_rows >= MAX_ROWS:
        return None
    filled = np.zeros(table.num_rows, dtype=bool)
    for column in table.columns:
        filled |= pc.greater(pc.utf8_length(pc.utf8_trim_whitespace(column)), 0).to_numpy()
    keep = np.flatnonzero(filled)
    header = list(header)
    while header and not header[-1].strip():  # blank trailing header fields, as the record reader drops them
        header.pop()
    if any(pc.any(pc.greater(pc.utf8_length(pc.utf8_trim_whitespace(c)), 0)).as_py() for c in table.columns[len(header) :]):
        return None  # a filled field beyond the header: the record reader names its row
    columns = []
    for column in table.columns[: len(header)]:
        codes = pc.dictionary_encode(column.take(keep)).combine_chunks()  # one string object per distinct text
        columns.append(codes.dictionary.to_numpy(zero_copy_only=False)[codes.indices.to_numpy()])
    return _sheet(name, 1, header, keep + 2, columns)


def _filled(cell: object) -> bool:
    return cell is not None and bool(cell.strip() if type(cell) is str else str(cell).strip())


def _clean_cell(cell: object) -> object:
    if cell is None:
        return None
    if isinstance(cell, str):
        stripped = without_invisible(cell.replace("\u00a0", " ")).strip()
        return stripped or None
    return cell


def _clean_column(values: np.ndarray) -> np.ndarray:
    """Return a column's cells cleaned as `_clean_cell` does; text that needs no cleaning is checked in Arrow, not cell by cell."""
    try:
        texts = pyarrow.array(values, type=pyarrow.string(), from_pandas=False)
    except (pyarrow.ArrowTypeError, pyarrow.ArrowInvalid):  # a workbook's numbers and dates
        texts = None
    if texts is None:
        cleaned = np.empty(len(values), dtype=object)
        cleaned[:] = [_clean_cell(cell) for cell in values.tolist()]
        return cleaned
    dirty = pc.match_substring_regex(texts, NEEDS_CLEANING).fill_null(False)
    if pc.any(dirty).as_py():
        values = values.copy()
        values[pc.equal(texts, "").fill_null(False).to_numpy(zero_copy_only=False)] = None  # empty fields, as most gaps are
        dirty = np.flatnonzero(pc.and_(dirty, pc.not_equal(texts, "")).fill_null(False).to_numpy(zero_copy_only=False))
        values[dirty] = [_clean_cell(cell) for cell in values[dirty].tolist()]
    return values
