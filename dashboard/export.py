"""Downloads that open right in Danish Excel: CSV with `;`, decimal comma and BOM; and .xlsx.

Text cells that Excel would run as a formula (starting with =, +, -, @, tab or carriage return)
are written so that Excel shows them as text.
"""

from __future__ import annotations

import hashlib
import io

import pandas as pd
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from sikkerby import formatting as fmt

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_MIME = "text/csv"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise_formula(value: object) -> object:
    """Prefix a text cell that Excel would read as a formula with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


DECIMALS = 2


def _text_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Neutralise formula-like text; write whole numbers without decimals and round the rest to 2.

    A figure hidden by the disclosure rule is written as its marker ("<5", "skjult"); the other
    numbers of its column stay numbers (rounded the same way).
    """
    safe = frame.copy()
    for column in safe.columns:
        values = safe[column]
        if pd.api.types.is_bool_dtype(values):
            continue
        if fmt.numbers_with_hidden(values):
            safe[column] = _with_markers(values)
        elif pd.api.types.is_float_dtype(values):
            rounded = values.round(DECIMALS)
            whole = rounded.dropna()
            safe[column] = rounded.astype("Int64") if len(whole) and (whole % 1 == 0).all() else rounded
        elif pd.api.types.is_string_dtype(values) and values.dtype != object:
            formula_like = values.str.startswith(FORMULA_STARTS).fillna(False).astype(bool)
            if formula_like.any():
                safe[column] = values.mask(formula_like, "'" + values)
        elif not pd.api.types.is_numeric_dtype(values):
            safe[column] = values.map(neutralise_formula)
    return safe


def _with_markers(values: pd.Series) -> pd.Series:
    """Return a column with hidden figures as their marker, the rest rounded as in a numeric column, missing as None."""
    numbers = pd.to_numeric(values, errors="coerce").astype(float).round(DECIMALS)
    whole = numbers.dropna()
    as_int = len(whole) and (whole % 1 == 0).all()
    cells = [
        fmt.text(value) if fmt.is_hidden(value) else None if pd.isna(number) else int(number) if as_int else number
        for value, number in zip(values, numbers, strict=True)
    ]
    return pd.Series(cells, index=values.index, dtype=object)


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """Return the frame as CSV for Danish Excel: `;` between fields, decimal comma, UTF-8 with BOM."""
    safe = _text_safe(frame)
    for column in [c for c in frame.columns if fmt.numbers_with_hidden(frame[c])]:  # `decimal` reaches only float columns
        safe[column] = safe[column].map(lambda v: str(v).replace(".", ",") if isinstance(v, float) else v)
    text = safe.to_csv(sep=";", decimal=",", index=False, lineterminator="\r\n")
    return text.encode("utf-8-sig")


def fingerprint(frame: pd.DataFrame) -> str:
    """Return a digest of everything a download of the frame is made from: headers, types and every cell.

    Text in object columns (a hidden figure's marker among them) is hashed as written: pandas' own
    hash reads "<5", "skjult" and a missing value alike.
    """
    digest = hashlib.blake2b(digest_size=16)
    digest.update(repr((list(map(str, frame.columns)), list(map(str, frame.dtypes)), frame.shape)).encode())
    digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    for column in range(frame.shape[1]):
        values = frame.iloc[:, column]
        if values.dtype == object:
            digest.update("\x1f".join(map(str, values)).encode())
    return digest.hexdigest()


def xlsx_bytes(frame: pd.DataFrame, sheet_name: str) -> bytes:
    """Return the frame as a one-sheet workbook; every text cell is stored as text, never a formula."""
    return xlsx_book({sheet_name: frame})


def xlsx_book(sheets: dict[str, pd.DataFrame]) -> bytes:
    """Return a workbook with one sheet per frame (in order); every text cell is stored as text, never a formula."""
    book = Workbook()
    book.remove(book.active)
    for sheet_name, frame in sheets.items():
        _write_sheet(book.create_sheet(sheet_name[:31]), frame)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _write_sheet(sheet: Worksheet, frame: pd.DataFrame) -> None:
    sheet.append([str(c) for c in frame.columns])
    for row in _text_safe(frame).itertuples(index=False):
        sheet.append([None if pd.isna(v) else v for v in row])
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, str):
                if cell.value.startswith("'") and cell.value[1:].startswith(FORMULA_STARTS):
                    cell.value = cell.value[1:]  # xlsx marks text with the cell's quote prefix instead
                    cell.quotePrefix = True
                cell.data_type = "s"
    for index, column in enumerate(frame.columns, start=1):
        width = max([len(str(column))] + [len(str(v)) for v in frame[column].head(200)])
        sheet.column_dimensions[get_column_letter(index)].width = min(60, width + 2)
