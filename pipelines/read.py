"""Read an analyst's workbook (.xlsx) or folder of CSV files into raw sheets.

Reading only finds the cells: headers are matched to the contract's names, every row keeps the
number the analyst sees in Excel, and nothing is judged yet (that is `validate`'s job).
"""

from __future__ import annotations

import bisect
import codecs
import csv
import hashlib
import io
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import openpyxl
import pandas as pd

from pipelines.contract import SHEETS
from pipelines.problems import InputRejected, Problem
from sikkerby.vocabulary import match_key

FILE_SHEET = "fil"
HEADER_SEARCH_ROWS = 10
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
CSV_SUFFIXES = (".csv", ".txt")
T = TypeVar("T")
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


def file_sha256(path: Path) -> str:
    """Return the hex sha256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_input(path: Path) -> RawInput:
    """Read a workbook or a folder of CSV files; raise InputRejected if it cannot be read."""
    path = Path(path)
    if path.is_dir():
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
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
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
        for name, (worksheet,) in found.items():
            worksheet.reset_dimensions()  # some exporters write a wrong used range; read every row
            sheets[name] = read_worksheet(worksheet, name)
    finally:
        book.close()
    return RawInput(sheets, [path])


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


def read_worksheet(worksheet, name: str) -> RawSheet:
    """Read one worksheet; a cell openpyxl cannot read (`NaN` written as a number) ends it with a problem."""
    rows: list[tuple] = []
    try:
        for row in worksheet.iter_rows(values_only=True):
            rows.append(row)
    except Exception as error:  # openpyxl raises ValueError, TypeError, ... for a malformed cell
        sheet = sheet_from_rows(name, rows)
        row = len(rows) + 1  # rows come in order, gaps filled, so the next one is the broken one
        sheet.problems.append(
            Problem(
                name,
                row,
                None,
                f"rækken har en celle, som ikke kan læses ({type(error).__name__}: {error}), så arket er kun læst til og med "
                f"række {row - 1}. Skriv cellens værdi igen i Excel, og gem projektmappen.",
            )
        )
        return sheet
    return sheet_from_rows(name, rows)


def read_csv_folder(folder: Path, only: Path | None = None) -> RawInput:
    """Read one CSV file per sheet (indsatser.csv, budget.csv, ...) from a folder."""
    candidates = [only] if only else sorted(file for file in folder.iterdir() if file.suffix.lower() in CSV_SUFFIXES)
    found = contract_matches(candidates, lambda file: file.stem)
    ambiguous = [
        Problem(name, None, None, ambiguous_sheets_message(name, [f"'{file.name}'" for file in files], files=True))
        for name, files in found.items()
        if len(files) > 1
    ]
    if ambiguous:
        raise InputRejected(ambiguous)
    sheets = {name: read_csv_sheet(file, name) for name, (file,) in found.items()}
    files = [file for (file,) in found.values()]
    if not sheets:
        expected = ", ".join(f"{spec.name}.csv" for spec in SHEETS)
        raise InputRejected([Problem(FILE_SHEET, None, None, f"ingen af filerne {expected} findes i '{folder}'.")])
    return RawInput(sheets, files, is_csv_folder=True)


def read_csv_sheet(file: Path, name: str) -> RawSheet:
    """Read one CSV file: UTF-8 (BOM or not), UTF-16 or Windows-1252; `;`, `,` or tab separated.

    Bytes that are no text in the file's encoding are reported per line (never loaded as U+FFFD).
    """
    decoded = decode_csv_bytes(file.read_bytes())
    text = decoded.text.replace("\r\n", "\n").replace("\r", "\n")  # Windows, Unix and old Mac line endings
    rows: list[tuple] = []
    last_lines: list[int] = []  # the physical line each row ends on (a quoted cell may span lines)
    try:
        reader = csv.reader(io.StringIO(text), delimiter=sniff_delimiter(text))
        for row in reader:
            rows.append(tuple(row))
            last_lines.append(reader.line_num)
    except csv.Error as error:
        raise InputRejected([Problem(name, None, None, f"'{file.name}' kan ikke læses som CSV ({error}).")]) from error
    sheet = sheet_from_rows(name, rows)
    if decoded.failed_encoding:
        sheet.problems += undecodable_problems(file, name, text, decoded, last_lines)
    return sheet


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


def sniff_delimiter(text: str) -> str:
    """Return `;`, `,` or tab: whichever splits the header line into the most fields."""
    header = next((line for line in text.splitlines() if line.strip()), "")
    counts = {delimiter: header.count(delimiter) for delimiter in (";", "\t", ",")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def sheet_from_rows(name: str, rows: list[tuple]) -> RawSheet:
    """Turn raw rows into a sheet indexed by Excel row number.

    The header is the row, among the first ten non-empty ones, that names the most contract
    headers, so a title or a note above the table does no harm.
    """
    numbered = [(number, row) for number, row in enumerate(rows, start=1) if any(_filled(cell) for cell in row)]
    if not numbered:
        return RawSheet(name, pd.DataFrame())
    scores = [sum(_filled(c) and canonical_header(c) in _CONTRACT_HEADERS for c in row) for _, row in numbered[:HEADER_SEARCH_ROWS]]
    start = scores.index(max(scores))
    (header_row, header), body = numbered[start], numbered[start + 1 :]
    headers = [canonical_header(cell) if _filled(cell) else f"_kolonne_{i + 1}" for i, cell in enumerate(header)]
    width = len(headers)
    records = [tuple(_clean_cell(c) for c in (tuple(row) + (None,) * width)[:width]) for _, row in body]
    frame = pd.DataFrame(records, columns=headers, index=pd.Index([n for n, _ in body], name="row"), dtype=object)
    frame = frame.loc[:, [not h.startswith("_kolonne_") or frame[h].notna().any() for h in headers]]
    duplicates = sorted({h for h in frame.columns[frame.columns.duplicated()] if not h.startswith("_kolonne_")})
    return RawSheet(name, frame.loc[:, ~frame.columns.duplicated()], header_row, duplicates)


_HEADER_BY_KEY = {match_key(h): h for spec in SHEETS for h in spec.headers}
_CONTRACT_HEADERS = frozenset(_HEADER_BY_KEY.values())


def canonical_header(cell: object) -> str:
    """Return the contract's spelling of a header, or the header trimmed if it is not in the contract."""
    text = str(cell).strip()
    return _HEADER_BY_KEY.get(match_key(text), text)


def _filled(cell: object) -> bool:
    return cell is not None and str(cell).strip() != ""


def _clean_cell(cell: object) -> object:
    if cell is None:
        return None
    if isinstance(cell, str):
        stripped = cell.replace("\u00a0", " ").strip()
        return stripped or None
    return cell
