"""Read an analyst's workbook (.xlsx) or folder of CSV files into raw sheets.

Reading only finds the cells: headers are matched to the contract's names, every row keeps the
number the analyst sees in Excel, and nothing is judged yet (that is `validate`'s job).
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import pandas as pd

from pipelines.contract import SHEETS
from pipelines.problems import InputRejected, Problem
from pipelines.vocabulary import match_key

FILE_SHEET = "fil"
CSV_ENCODINGS = ("utf-8-sig", "cp1252")


@dataclass
class RawSheet:
    """The cells of one sheet as text or Excel values, indexed by Excel row number."""

    name: str
    frame: pd.DataFrame
    danish_numbers: bool


@dataclass
class RawInput:
    """Everything read from one workbook or CSV folder, with the files it came from."""

    sheets: dict[str, RawSheet]
    source_files: list[Path] = field(default_factory=list)


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
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return read_workbook(path)
    if path.suffix.lower() == ".csv":
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
    wanted = {match_key(spec.name): spec.name for spec in SHEETS}
    sheets: dict[str, RawSheet] = {}
    try:
        for worksheet in book.worksheets:
            name = wanted.get(match_key(worksheet.title))
            if name and name not in sheets:
                rows = list(worksheet.iter_rows(values_only=True))
                sheets[name] = RawSheet(name, _frame_from_rows(rows, first_row_number=1), danish_numbers=True)
    finally:
        book.close()
    return RawInput(sheets, [path])


def read_csv_folder(folder: Path, only: Path | None = None) -> RawInput:
    """Read one CSV file per sheet (indsatser.csv, budget.csv, ...) from a folder."""
    wanted = {match_key(spec.name): spec.name for spec in SHEETS}
    sheets: dict[str, RawSheet] = {}
    files: list[Path] = []
    candidates = [only] if only else sorted(folder.iterdir())
    for file in candidates:
        name = wanted.get(match_key(file.stem))
        if file.suffix.lower() != ".csv" or not name or name in sheets:
            continue
        sheets[name] = read_csv_sheet(file, name)
        files.append(file)
    if not sheets:
        expected = ", ".join(f"{spec.name}.csv" for spec in SHEETS)
        raise InputRejected([Problem(FILE_SHEET, None, None, f"ingen af filerne {expected} findes i '{folder}'.")])
    return RawInput(sheets, files)


def read_csv_sheet(file: Path, name: str) -> RawSheet:
    """Read one CSV file in UTF-8 (with or without BOM) or Windows-1252, `;` or `,` separated."""
    text = decode_csv_bytes(file.read_bytes())
    delimiter = sniff_delimiter(text)
    rows = [tuple(row) for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    return RawSheet(name, _frame_from_rows(rows, first_row_number=1), danish_numbers=delimiter == ";")


def decode_csv_bytes(data: bytes) -> str:
    """Decode CSV bytes as UTF-8 (BOM or not), falling back to Windows-1252 as Danish Excel writes."""
    for encoding in CSV_ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def sniff_delimiter(text: str) -> str:
    """Return `;` or `,`: whichever splits the header line into more fields."""
    header = next((line for line in text.splitlines() if line.strip()), "")
    return ";" if header.count(";") >= header.count(",") and header.count(";") > 0 else ","


HEADER_SEARCH_ROWS = 10


def _frame_from_rows(rows: list[tuple], first_row_number: int) -> pd.DataFrame:
    """Turn raw rows into a frame indexed by Excel row number.

    The header is the first row (of the first ten non-empty ones) that names `indsats_id`, so a
    title or a note above the table does no harm; without one, the first non-empty row.
    """
    numbered = [(first_row_number + i, row) for i, row in enumerate(rows)]
    numbered = [(n, row) for n, row in numbered if any(_filled(cell) for cell in row)]
    if not numbered:
        return pd.DataFrame()
    start = next(
        (
            i
            for i, (_, row) in enumerate(numbered[:HEADER_SEARCH_ROWS])
            if any(_filled(c) and canonical_header(c) == "indsats_id" for c in row)
        ),
        0,
    )
    (_, header), body = numbered[start], numbered[start + 1 :]
    headers = [canonical_header(cell) if _filled(cell) else f"_kolonne_{i + 1}" for i, cell in enumerate(header)]
    width = len(headers)
    records = [tuple(_clean_cell(c) for c in (row + (None,) * width)[:width]) for _, row in body]
    frame = pd.DataFrame(records, columns=headers, index=pd.Index([n for n, _ in body], name="row"), dtype=object)
    frame = frame.loc[:, [not h.startswith("_kolonne_") or frame[h].notna().any() for h in headers]]
    return frame.loc[:, ~frame.columns.duplicated()]


_HEADER_BY_KEY = {match_key(h): h for spec in SHEETS for h in spec.headers}


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
