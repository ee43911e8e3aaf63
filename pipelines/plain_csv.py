"""Read, cast, check and shape a CSV folder that needs no repair in DuckDB, without a Python step per row.

Most loads are the analysts' own CSV exports: UTF-8 or Windows-1252, the header on line 1 with the contract's names,
whole numbers, codes spelled as the contract spells them. For such a folder `portfolio_tables` returns
exactly the tables `read` → `validate` → `transform` would build, cast and checked in DuckDB.

It never refuses anything and writes no message. Whatever it is not sure of makes it answer None, and
`load_portfolio` reads the folder the full way, which names every problem by sheet, row and column:
bytes no encoding reads, a title or a blank line above or in the table, a column the contract does not
name, a row with fewer fields, a cell that needs trimming, a value that breaks a rule (a range, a
missing value, an unknown or repeated id, ...). Each distinct text that is not a plain number or
a plain text (a district, a status, a mark, a decimal) is read once by the same `parse_cell` the
full way uses, so both ways read every cell alike.
"""

from __future__ import annotations

import csv
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from pipelines import bounded
from pipelines.cells import NEEDS_CLEANING_OR_LOST, CellError, column_is_danish, may_be_ambiguous, parse_cell
from pipelines.contract import ACTIVITY, BUDGET, EFFECT_TARGETS, INITIATIVES, SHEETS, ColumnSpec, Kind, SheetSpec
from pipelines.sheet_layout import CSV_SUFFIXES, MAX_COLUMNS, MAX_ROWS, canonical_header, contract_matches, sniff_delimiter
from sikkerby import vocabulary as vocab

# Cells read as themselves, as `validate.typed_column` reads them without `parse_cell`.
# A whole number, or one with one or two decimals after a dot or a comma: the same number in either style
# (`parse_number` reads a separator as thousands only before exactly three digits).
_PLAIN_NUMBER = "^[0-9]{1,15}([.,][0-9]{1,2})?$"
_DOT_DECIMAL = "^[0-9]{1,15}[.][0-9]{1,2}$"  # shows the column writes plain numbers (`column_is_danish`)
_PLAIN_ID = "^[!-~]([ -~]*[!-~])?$"  # printable ASCII, no space at either end
# More distinct texts than this that need `parse_cell` in one column, and the full way reads the folder.
MAX_READ_ONE_BY_ONE = 20_000
_SQL_TYPE = {Kind.WHOLE: "DOUBLE", Kind.NUMBER: "DOUBLE", Kind.DISTRICT: "INTEGER", Kind.MARK: "BOOLEAN"}


class NotPlain(Exception):
    """The folder needs the full reader: something in it is not plain enough to read here."""


@dataclass(frozen=True)
class PlainLoad:
    """The portfolio tables of a plain CSV folder (as `transform.portfolio_tables` names them) and the files read."""

    tables: dict[str, pa.Table]
    source_files: list[Path]


def portfolio_tables(folder: Path) -> PlainLoad | None:
    """Return the folder's portfolio tables, or None when the full reader must read it (it may well be valid)."""
    try:
        files = _contract_files(Path(folder))
        with duckdb.connect() as con, tempfile.TemporaryDirectory(prefix="sikkerby-csv-") as scratch:
            for spec in SHEETS:
                if spec.name in files:
                    _typed_sheet(con, spec, files[spec.name], Path(scratch))
                else:
                    con.execute(f"CREATE TABLE {spec.name} ({_typed_columns_sql(spec)}, source_row BIGINT)")
            _check_between_sheets(con)
            return PlainLoad({name: con.sql(query).to_arrow_table() for name, query in _PORTFOLIO_QUERIES.items()}, list(files.values()))
    except (NotPlain, duckdb.Error, OSError, UnicodeDecodeError, csv.Error):
        return None


def _contract_files(folder: Path) -> dict[str, Path]:
    """Return the folder's file per contract sheet; the three required sheets must be there, each once."""
    if not folder.is_dir():
        raise NotPlain("not a folder")
    found = contract_matches(sorted(f for f in folder.iterdir() if f.suffix.lower() in CSV_SUFFIXES), lambda file: file.stem)
    if any(len(files) > 1 for files in found.values()) or not all(spec.name in found for spec in SHEETS if spec.required):
        raise NotPlain("missing or ambiguous files")
    return {name: file for name, (file,) in found.items()}


def _typed_sheet(con: duckdb.DuckDBPyConnection, spec: SheetSpec, file: Path, scratch: Path) -> None:
    """Read one CSV file into the table `spec.name`: one typed column per contract header and the Excel row.

    A Windows-1252 file (Danish Excel's 'CSV (semikolonsepareret)') is read from a UTF-8 copy in `scratch`.
    """
    data, converted = _as_utf8(file.read_bytes())
    if converted:
        file = scratch / f"{spec.name}.csv"
        file.write_bytes(data)
    header, delimiter = _header(data, spec)
    width = len(header)
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width)) + "}"
    con.execute(
        f"CREATE TABLE raw_{spec.name} AS SELECT * FROM read_csv(?, delim = ?, quote = '\"', "
        f"escape = '\"', header = false, skip = 1, columns = {columns}, auto_detect = false, strict_mode = true, "
        f"null_padding = false, max_line_size = {bounded.MAX_LINE_CHARS}, encoding = 'utf-8')",
        [str(file), delimiter],
    )
    # The table keeps the file's order, so a row's rowid + 2 is its Excel row (the header is row 1). A row of empty
    # fields is no row, as in the full reader; its number is not given to the next.
    filled = " OR ".join(f"c{i} IS NOT NULL" for i in range(width))
    con.execute(f"DELETE FROM raw_{spec.name} WHERE NOT ({filled})")
    present = [column for column in spec.columns if column.header in header]
    rows, not_plain = _not_plain_texts(con, spec, [(f"r.c{header.index(c.header)}", c.kind) for c in present])
    if rows >= MAX_ROWS or (rows + 1) * width > bounded.MAX_FIELDS or (rows == 0 and spec.name in (INITIATIVES.name, BUDGET.name)):
        raise NotPlain("too many rows or fields, or no row")
    # Every distinct cell that is not plain is in its column's table of readings, so a filled cell that is not
    # there is plain: no pattern is matched a second time.
    typed, joins = [], []
    for number, column in enumerate(spec.columns):
        if column.header not in header:
            typed.append(f"{_literal(_reading(None, column, True), column)} AS {column.header}")
            continue
        cell = f"r.c{header.index(column.header)}"
        distinct, dot_decimals = not_plain[present.index(column)]
        unread = _read_one_by_one(distinct, column, dot_decimals)
        as_number = f"CAST(replace({cell}, ',', '.') AS DOUBLE)"
        value = {Kind.WHOLE: as_number, Kind.NUMBER: as_number, Kind.ID: cell, Kind.TEXT: cell}.get(column.kind, _literal(None, column))
        if unread:
            con.execute(
                f"CREATE TABLE read_{spec.name}_{number} AS SELECT unnest(?::VARCHAR[]) AS cell, unnest(?::{_sql_type(column)}[]) AS value",
                [list(unread), list(unread.values())],
            )
            joins.append(f"LEFT JOIN read_{spec.name}_{number} ON read_{spec.name}_{number}.cell = {cell}")
        read = f"WHEN read_{spec.name}_{number}.cell IS NOT NULL THEN read_{spec.name}_{number}.value " if unread else ""
        typed.append(
            f"CASE WHEN {cell} IS NULL THEN {_literal(_reading(None, column, True), column)} {read}ELSE {value} END AS {column.header}"
        )
    con.execute(
        f"CREATE TABLE {spec.name} AS SELECT {', '.join(typed)}, (r.rowid + 2)::BIGINT AS source_row FROM raw_{spec.name} r {' '.join(joins)}"
    )
    _check_sheet(con, spec)


def _as_utf8(data: bytes) -> tuple[bytes, bool]:
    """Return a file's bytes as UTF-8 and whether they were converted, reading them as the full reader does.

    UTF-8 with or without BOM is kept; anything else is Windows-1252. A byte neither can read raises
    UnicodeDecodeError (Windows-1252 leaves five undefined): the full reader names its line.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise NotPlain("UTF-16")
    if data.startswith(b"\xef\xbb\xbf"):
        data.decode("utf-8-sig")  # the full reader reports broken UTF-8 after a BOM
        return data, False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252").encode("utf-8"), True
    return data, False


def _header(data: bytes, spec: SheetSpec) -> tuple[list[str], str]:
    """Return the header on line 1 in the contract's spelling and the delimiter, if the file is plain enough to read here.

    Each look at the whole file is a byte search, without a copy of it: a file at a thousand times the sample is 40 MB.
    """
    if b"\x00" in data:
        raise NotPlain("NUL")
    start = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    if b"\r" in data and data.count(b"\r") != data.count(b"\r\n"):
        raise NotPlain("old Mac line endings")
    # A blank line, a title above the table or more lines than allowed: the full reader numbers and judges them.
    if data.startswith((b"\n", b"\r\n"), start) or b"\n\n" in data or b"\n\r\n" in data or data.count(b"\n") + 1 > bounded.MAX_LINES:
        raise NotPlain("blank lines")
    end = data.find(b"\n", start)
    first = data[start : end if end >= 0 else len(data)].decode("utf-8").removesuffix("\r")
    if first.count('"') % 2:
        raise NotPlain("quoted line break in the header")
    delimiter = sniff_delimiter(first)
    (cells,) = list(csv.reader([first], delimiter=delimiter))
    header = [canonical_header(cell) for cell in cells]
    required = {c.header for c in spec.columns if c.required}
    if len(header) > MAX_COLUMNS or not set(header) <= set(spec.headers) or len(set(header)) < len(header) or not required <= set(header):
        raise NotPlain("header")
    return header, delimiter


def _plain_sql(cell: str, kind: Kind) -> str:
    """SQL that is true for a cell that reads as itself (or as its number), with no `parse_cell` needed."""
    if kind in (Kind.WHOLE, Kind.NUMBER):
        return f"regexp_full_match({cell}, '{_PLAIN_NUMBER}')"
    if kind is Kind.ID:
        return f"regexp_full_match({cell}, '{_PLAIN_ID}')"
    if kind is Kind.TEXT:
        return f"NOT regexp_matches({cell}, '{_sql_text(NEEDS_CLEANING_OR_LOST)}')"
    return "false"


def _not_plain_texts(
    con: duckdb.DuckDBPyConnection, spec: SheetSpec, cells: list[tuple[str, Kind]]
) -> tuple[int, list[tuple[list[str], bool]]]:
    """Return the sheet's rows and, per column, the distinct filled cells that are not plain and whether a cell
    shows a decimal point, in one pass over the sheet.

    A text or an id that is not plain is never read here (it needs trimming, or names a lost or odd character),
    so for those a yes or no is enough: NotPlain when any is found.
    """
    found = []
    for cell, kind in cells:
        not_plain = f"{cell} IS NOT NULL AND NOT ({_plain_sql(cell, kind)})"
        found.append(
            f"coalesce(bool_or({not_plain}), false)"
            if kind in (Kind.TEXT, Kind.ID)
            else f"list(DISTINCT {cell}) FILTER (WHERE {not_plain})"
        )
        found.append(
            f"coalesce(bool_or(regexp_full_match({cell}, '{_DOT_DECIMAL}')), false)" if kind in (Kind.WHOLE, Kind.NUMBER) else "false"
        )
    rows, *columns = con.execute(f"SELECT count(*), {', '.join(found)} FROM raw_{spec.name} r").fetchall()[0]
    if any(texts is True for texts in columns[0::2]):
        raise NotPlain("a text or an id the full reader changes or refuses")
    return rows, [(texts or [], dot) for texts, dot in zip(columns[0::2], columns[1::2], strict=True)]


def _read_one_by_one(distinct: list[str], column: ColumnSpec, dot_decimals: bool) -> dict[str, object]:
    """Read each distinct cell that is not plain with `parse_cell`, as the full way does; NotPlain if any needs a message.

    The number style is the full way's: a column is Danish unless a cell shows otherwise, a decimal point among them.
    """
    if len(distinct) > MAX_READ_ONE_BY_ONE:
        raise NotPlain("too many texts to read one by one")
    if any(vocab.without_invisible(text.replace("\u00a0", " ")).strip() != text for text in distinct):
        raise NotPlain("a cell the full reader trims")
    number = column.kind in (Kind.WHOLE, Kind.NUMBER)
    if number and may_be_ambiguous(distinct):
        raise NotPlain("a number whose separator the column may make ambiguous")
    danish = column_is_danish(distinct) and not dot_decimals if number else True
    return {text: _reading(text, column, danish) for text in distinct}


def _reading(text: str | None, column: ColumnSpec, danish: bool) -> object:
    """Return the value `parse_cell` reads from a cell; NotPlain where it has a message for the analyst."""
    try:
        value = parse_cell(text, column, danish)
    except CellError:
        raise NotPlain("a cell with a message") from None
    return value


def _sql_type(column: ColumnSpec) -> str:
    """Return the DuckDB type a column's cells are read into (text, ids and choices stay text)."""
    return _SQL_TYPE.get(column.kind, "VARCHAR")


def _literal(value: object, column: ColumnSpec) -> str:
    """Return a constant cell value as SQL, typed as its column."""
    if value is None:
        return f"NULL::{_sql_type(column)}"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return f"{value!r}::{_sql_type(column)}"
    return "'" + str(value).replace("'", "''") + "'"


def _sql_text(text: str) -> str:
    return text.replace("'", "''")


def _typed_columns_sql(spec: SheetSpec) -> str:
    return ", ".join(f"{c.header} {_sql_type(c)}" for c in spec.columns)


def _check_sheet(con: duckdb.DuckDBPyConnection, spec: SheetSpec) -> None:
    """NotPlain where a row breaks a rule of its own sheet: a missing value, a range, a whole number, a rule between its cells, a repeated line."""
    breaches = []
    for column in spec.columns:
        name = column.header
        if column.required:
            breaches.append(f"{name} IS NULL")
        if column.kind is Kind.WHOLE:
            breaches.append(f"{name} <> floor({name})")
        if column.minimum is not None:
            breaches.append(f"{name} < {column.minimum!r}")
        if column.maximum is not None:
            breaches.append(f"{name} > {column.maximum!r}")
        if column.smallest is not None:
            breaches.append(f"({name} <> 0 AND abs({name}) < {column.smallest!r})")
    breaches += _ROW_RULES.get(spec.name, [])
    keys = _LINE_KEYS.get(spec.name)
    repeated = f"(SELECT count(*) FROM (SELECT {keys} FROM {spec.name} GROUP BY ALL HAVING count(*) > 1))" if keys else "0"
    (broken, repeated) = con.execute(f"SELECT count(*), {repeated} FROM {spec.name} WHERE {' OR '.join(breaches)}").fetchall()[0]
    if broken or repeated:
        raise NotPlain("a row breaks a rule")


_GOALS = [goal.column for goal in vocab.GOALS]
_ROW_RULES = {
    INITIATIVES.name: ["alder_min > alder_max", "NOT (" + " OR ".join(_GOALS) + ")"],
    ACTIVITY.name: ["heraf_18_25 > deltagere"],
}
# The columns that name one line (validate.LINE_KEYS); ids are spelled exactly as in `indsatser` here.
_LINE_KEYS = {
    BUDGET.name: "indsats_id, aar, bydel, kilde",
    ACTIVITY.name: "indsats_id, aar, bydel",
    EFFECT_TARGETS.name: "indsats_id, aar, indikator",
}


def _check_between_sheets(con: duckdb.DuckDBPyConnection) -> None:
    """NotPlain where two initiatives share an id (case ignored) or a line names an id not spelled as in `indsatser`."""
    (same_id,) = con.execute("SELECT count(*) - count(DISTINCT upper(indsats_id)) FROM indsatser").fetchall()[0]
    unknown = sum(
        con.execute(f"SELECT count(*) FROM {name} WHERE indsats_id NOT IN (SELECT indsats_id FROM indsatser)").fetchall()[0][0]
        for name in (BUDGET.name, ACTIVITY.name, EFFECT_TARGETS.name)
    )
    if same_id or unknown:
        raise NotPlain("an id twice, or unknown")


def _initiative_query() -> str:
    focus = " ".join(f"WHEN '{_sql_text(name)}' THEN {i}" for i, name in enumerate(vocab.FOCUS_AREAS, start=1))
    low, high = vocab.YOUNG_ADULT_AGE_MIN, vocab.YOUNG_ADULT_AGE_MAX
    overlap = f"greatest(least(alder_max, {high}) - greatest(alder_min, {low}) + 1, 0)"
    return f"""
        SELECT indsats_id AS initiative_id, navn AS name, forvaltning AS administration_code,
               CASE indsatsomraade {focus} END::BIGINT AS focus_area_id, karakter AS character, maalgruppe AS target_group,
               alder_min::BIGINT AS age_min, alder_max::BIGINT AS age_max, status, finansiering AS financing,
               goeres_mindre_af AS do_less, begrundelse AS rationale, evidens AS evidence,
               {overlap} / (alder_max - alder_min + 1) >= 1 / 3 AS targets_18_25,
               ({" + ".join(f"{g}::BIGINT" for g in _GOALS)}) AS goal_count
        FROM indsatser ORDER BY source_row"""


_PORTFOLIO_QUERIES = {
    "initiative": _initiative_query(),
    "initiative_goal": "SELECT initiative_id, goal_id FROM ("
    + " UNION ALL ".join(
        f"SELECT indsats_id AS initiative_id, {goal.number}::BIGINT AS goal_id, source_row FROM indsatser WHERE {goal.column}"
        for goal in vocab.GOALS
    )
    + ") ORDER BY source_row, goal_id",  # row by row, each row's goals in order
    "budget": """
        SELECT indsats_id AS initiative_id, aar::BIGINT AS year, bydel::BIGINT AS district_id, budget_kr, forbrug_kr AS spent_kr,
               kilde AS funding_source, source_row
        FROM budget ORDER BY source_row""",
    "activity": """
        SELECT indsats_id AS initiative_id, aar::BIGINT AS year, bydel::BIGINT AS district_id, deltagere::BIGINT AS participants,
               heraf_18_25::BIGINT AS participants_18_25, pladser::BIGINT AS places, source_row
        FROM aktivitet ORDER BY source_row""",
    "effect_target": """
        SELECT indsats_id AS initiative_id, aar::BIGINT AS year, indikator AS indicator, enhed AS unit,
               baseline, maal AS target, aktuel AS actual
        FROM effektmaal ORDER BY source_row""",
}
