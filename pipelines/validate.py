"""Check raw sheets against the input contract and return typed, validated frames.

Two passes, both collecting every problem: cells are read into typed values (`cells`), then
pandera schemas check the rules between cells, rows and sheets. Nothing is raised until all
sheets have been seen, so the analyst gets the whole list at once.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow
import pyarrow.compute as pc

from pipelines.cells import (
    NEEDS_CLEANING_OR_LOST,
    CellError,
    ambiguous_numbers,
    column_is_danish,
    has_lost_characters,
    lost_characters_message,
    may_be_ambiguous,
    parse_cell,
)
from pipelines.contract import ACTIVITY, BUDGET, EFFECT_TARGETS, INITIATIVES, SHEETS, ColumnSpec, Kind, SheetSpec
from pipelines.problems import InputRejected, Problem
from pipelines.read import RawInput, RawSheet
from sikkerby import vocabulary as vocab
from sikkerby.vocabulary import match_key

_DTYPES = {
    Kind.TEXT: object,
    Kind.ID: object,
    Kind.CHOICE: object,
    Kind.WHOLE: "Float64",  # checked to be whole by the schema, cast to integers by transform
    Kind.NUMBER: "Float64",
    Kind.DISTRICT: "Int64",
    Kind.MARK: "boolean",
}
GOAL_COLUMNS = [goal.column for goal in vocab.GOALS]
GOALS_LABEL = "maal_*"
GUARD = 1_000_000  # bounds from here up only protect the database, so they get their own message
NON_EMPTY_SHEETS = (INITIATIVES.name, BUDGET.name)


@dataclass
class TypedSheet:
    """A sheet read into typed columns, with what went wrong on the way."""

    frame: pd.DataFrame
    raw: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    missing_columns: set[str] = field(default_factory=set)


def validated_sheets(raw: RawInput) -> dict[str, pd.DataFrame]:
    """Return one typed frame per contract sheet, or raise InputRejected with every problem."""
    problems: list[Problem] = []
    typed: dict[str, TypedSheet] = {}
    for spec in SHEETS:
        sheet = raw.sheets.get(spec.name)
        if sheet is None:
            if spec.required:
                problems.append(Problem(spec.name, None, None, raw.missing_sheet_message(spec.name)))
            continue
        typed[spec.name] = typed_sheet(sheet, spec)
        problems += typed[spec.name].problems
    canonical_ids = _canonical_ids(typed.get(INITIATIVES.name))
    for spec in SHEETS:
        if spec.name in typed:
            problems += rule_problems(typed[spec.name], spec, canonical_ids)
            problems += repeated_key_problems(typed[spec.name], spec)
    if problems:
        raise InputRejected(problems)
    return {spec.name: typed[spec.name].frame if spec.name in typed else _empty_frame(spec) for spec in SHEETS}


def typed_sheet(sheet: RawSheet, spec: SheetSpec) -> TypedSheet:
    """Read every cell of a sheet into its kind; return the frame and the cells that failed."""
    frame = sheet.frame
    result = TypedSheet(pd.DataFrame(index=frame.index), frame, list(sheet.problems))
    if frame.empty and spec.name in NON_EMPTY_SHEETS:
        result.problems.append(Problem(spec.name, None, None, f"arket '{spec.name}' har ingen rækker med data under overskriften."))
    for header in sheet.duplicate_headers:
        result.problems.append(Problem(spec.name, sheet.header_row, header, "kolonnen står mere end én gang i overskriftsrækken."))
    unknown = [h for h in frame.columns if h not in spec.headers]
    for header in unknown:  # not loaded, but lost letters there mean the file itself is damaged
        for row, cell in frame[header].items():
            if has_lost_characters(cell):
                result.problems.append(Problem(spec.name, int(row), header, lost_characters_message(cell)))
    columns: dict[str, pd.Series] = {}
    for column in spec.columns:
        if column.header not in frame.columns:
            result.missing_columns.add(column.header)
            look_alike = _look_alike(column.header, unknown)
            if column.required:
                hint = f" Kolonnen '{look_alike}' ligner; omdøb den til '{column.header}'." if look_alike else ""
                result.problems.append(Problem(spec.name, sheet.header_row, column.header, "kolonnen mangler i overskriftsrækken." + hint))
            elif look_alike:
                result.problems.append(
                    Problem(
                        spec.name,
                        sheet.header_row,
                        look_alike,
                        f"kolonnen findes ikke i kontrakten, men ligner '{column.header}'. Omdøb den til '{column.header}', så dens tal kommer med.",
                    )
                )
            columns[column.header] = _typed_column([column.default] * len(frame), frame.index, column)
            continue
        typed, failed = typed_column(frame[column.header], column)
        result.problems += [Problem(spec.name, int(row), column.header, message) for row, message in failed.items()]
        columns[column.header] = typed
    result.frame = pd.DataFrame(columns, index=frame.index)
    return result


# A whole number as most cells hold it: digits only, few enough to be exact as a float.
_PLAIN_NUMBER = r"^[0-9]{1,15}$"


def typed_column(cells: pd.Series, column: ColumnSpec) -> tuple[pd.Series, dict[int, str]]:
    """Read a whole column into its kind; return the typed column and a Danish message per row that cannot be read.

    Plain whole numbers (`1711000`) are converted in Arrow at once. Every other distinct text is
    read once by `parse_cell` and its value or message given to each row that holds it; only cells
    that are not text (a workbook's numbers and dates) are read one by one. The values and messages
    are those of reading each cell with `parse_cell`, in the column's number style (`column_is_danish`).
    """
    values = cells.to_numpy(dtype=object)
    rows = cells.index.to_numpy()
    number = column.kind in (Kind.WHOLE, Kind.NUMBER)
    pending = np.ones(len(values), dtype=bool)
    floats = np.full(len(values), np.nan) if number else None
    text = _text_array(values)
    if number and text is not None:
        plain = pc.match_substring_regex(text, _PLAIN_NUMBER).fill_null(False).to_numpy(zero_copy_only=False)
        floats[plain] = text.filter(plain).cast(pyarrow.float64()).to_numpy(zero_copy_only=False)
        pending &= ~plain
    as_itself = {Kind.TEXT: NEEDS_CLEANING_OR_LOST, Kind.ID: NEEDS_CLEANING_OR_LOST + "|[^\\x{20}-\\x{7e}]"}.get(column.kind)
    if as_itself and text is not None and not pc.any(pc.match_substring_regex(text, as_itself)).as_py():
        pending[pc.is_valid(text).to_numpy(zero_copy_only=False)] = False  # trimmed (ASCII) text without lost letters reads as itself
    rest = np.flatnonzero(pending)
    # Plain numbers neither show a style nor are ambiguous, so the rest decides both.
    danish = column_is_danish(values[rest].tolist()) if number else True
    if text is not None:  # text or empty only: each distinct text is read once; -1 (empty) picks the last reading
        codes, distinct = pd.factorize(values[rest])
        readings = [_reading(value, column, danish) for value in distinct.tolist()] + [_reading(None, column, danish)]
        typed = _objects([value for value, _ in readings])[codes]
        messages = _objects([message for _, message in readings])[codes]
    else:
        readings = [_reading(value, column, danish) for value in values[rest].tolist()]
        typed, messages = _objects([value for value, _ in readings]), _objects([message for _, message in readings])
    bad = pd.notna(messages)
    failed: dict[int, str] = dict(zip(rows[rest[bad]].tolist(), messages[bad].tolist(), strict=True))
    if column.kind is Kind.NUMBER and may_be_ambiguous(values[rest].tolist()):
        for row, message in ambiguous_numbers(list(cells.items())).items():
            failed[int(row)] = message
    if number:
        floats[rest] = np.where(pd.isna(typed), np.nan, typed).astype(float)
        floats[np.isin(rows, list(failed))] = np.nan
        return pd.Series(pd.array(floats, dtype=_DTYPES[column.kind]), index=cells.index), failed
    everything = values.copy()
    everything[rest] = typed
    everything[np.isin(rows, list(failed))] = None
    return _typed_column(everything.tolist(), cells.index, column), failed


def _objects(items: list) -> np.ndarray:
    """Return a list as a one-dimensional object array (numpy would nest tuples)."""
    array = np.empty(len(items), dtype=object)
    array[:] = items
    return array


def _text_array(values: np.ndarray) -> pyarrow.Array | None:
    """Return the cells as an Arrow string array when each is text or empty (as in a CSV file), else None."""
    try:
        return pyarrow.array(values, type=pyarrow.string(), from_pandas=False)
    except (pyarrow.ArrowTypeError, pyarrow.ArrowInvalid):
        return None


def _reading(value: object, column: ColumnSpec, danish: bool) -> tuple[object, str | None]:
    """Return a cell's typed value and None, or None and the Danish message why it cannot be read."""
    try:
        return parse_cell(value, column, danish), None
    except CellError as error:
        return None, str(error)


def _look_alike(header: str, candidates: list[str]) -> str | None:
    """Return the unknown header that is most likely a misspelling of a contract header."""
    target = match_key(header)
    for candidate in candidates:
        key = match_key(candidate)
        if len(key) >= 4 and (key.startswith(target) or target.startswith(key)):
            return candidate
    keys = {match_key(c): c for c in candidates}
    found = difflib.get_close_matches(target, list(keys), n=1, cutoff=0.75)
    return keys[found[0]] if found else None


def _typed_column(values: list, index: pd.Index, column: ColumnSpec) -> pd.Series:
    if column.kind is Kind.MARK:
        values = [bool(v) for v in values]
    return pd.Series(values, index=index, dtype=_DTYPES[column.kind])


def _empty_frame(spec: SheetSpec) -> pd.DataFrame:
    empty = pd.Index([], name="row", dtype="int64")
    return pd.DataFrame({c.header: _typed_column([], empty, c) for c in spec.columns}, index=empty)


def _canonical_ids(initiatives: TypedSheet | None) -> dict[str, str] | None:
    """Map each initiative id, upper-cased, to its spelling in `indsatser` (None if ids are unknown)."""
    if initiatives is None or "indsats_id" in initiatives.missing_columns:
        return None
    return {str(i).upper(): str(i) for i in initiatives.frame["indsats_id"].dropna()}


def rule_problems(sheet: TypedSheet, spec: SheetSpec, canonical_ids: dict[str, str] | None) -> list[Problem]:
    """Check the contract's rules on a typed sheet with pandera; return every breach not already reported."""
    frame = sheet.frame
    if spec is not INITIATIVES and canonical_ids is not None and frame["indsats_id"].notna().any():
        ids = frame["indsats_id"]
        codes, distinct = pd.factorize(ids)  # each distinct id upper-cased once
        spelled = pd.Series(pd.Index(distinct).str.upper().map(canonical_ids).to_numpy(dtype=object), dtype=object)
        spelled = pd.Series(np.append(spelled.to_numpy(), None)[codes], index=ids.index, dtype=object)  # -1 (missing) picks None
        frame = frame.assign(
            indsats_id=pd.Series(spelled.where(spelled.notna(), ids).to_numpy(), index=ids.index)
        )  # dtype inferred as before
        sheet.frame = frame
    if spec is INITIATIVES:
        frame = frame.assign(_id_key=frame["indsats_id"].map(lambda i: str(i).upper() if pd.notna(i) else i))
    try:
        sheet_schema(spec, canonical_ids).validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        found = failure_problems(errors.failure_cases, spec, sheet.raw, canonical_ids)
    else:
        return []
    taken = {(p.row, p.column) for p in sheet.problems}
    rows_with_bad_marks = {p.row for p in sheet.problems if p.column in GOAL_COLUMNS}
    return [
        p
        for p in found
        if (p.row, p.column) not in taken
        and p.column not in sheet.missing_columns
        and not (p.column == GOALS_LABEL and p.row in rows_with_bad_marks)
    ]


# The columns that name one line of a sheet, and what to do about two lines with the same: a sum
# of two lines would be shown as one figure nobody typed, so neither is guessed.
LINE_KEYS: dict[str, tuple[tuple[str, ...], str]] = {
    BUDGET.name: (
        ("indsats_id", "aar", "bydel", "kilde"),
        "Hver kombination må kun stå i én række: læg beløbene sammen i én række, eller ret den forkerte.",
    ),
    ACTIVITY.name: (
        ("indsats_id", "aar", "bydel"),
        "Hver kombination må kun stå i én række: læg tallene sammen i én række, hvis begge er rigtige, eller ret den forkerte.",
    ),
    EFFECT_TARGETS.name: (
        ("indsats_id", "aar", "indikator"),
        "Hvert effektmål må kun stå én gang pr. år: slet den ene række, eller ret år eller indikator.",
    ),
}
_DISTRICT_NAMES = {district.number: district.name for district in vocab.DISTRICTS}


def repeated_key_problems(sheet: TypedSheet, spec: SheetSpec) -> list[Problem]:
    """One problem per row whose key (initiative, year, district, ...) an earlier row has, naming that row.

    Ids compare as they match (case ignored), and an empty district is `Hele byen`. Rows whose key
    cells could not be read are left out: their cells are reported already.
    """
    if spec.name not in LINE_KEYS:
        return []
    columns, advice = LINE_KEYS[spec.name]
    keys = sheet.frame.loc[:, list(columns)].astype(object)
    codes, distinct = pd.factorize(keys["indsats_id"])  # each distinct id upper-cased once; -1 (missing) picks None
    keys["indsats_id"] = np.append(np.array([str(i).upper() for i in distinct], dtype=object), None)[codes]
    keys = keys[keys.drop(columns=[c for c in columns if c == "bydel"]).notna().all(axis=1)]
    keys = keys.where(keys.notna(), None)  # one kind of empty (city-wide) for the comparison
    repeated = keys[keys.duplicated(keep=False)]
    if repeated.empty:
        return []
    group = repeated.groupby(list(columns), dropna=False, sort=False).ngroup()
    first_rows = pd.Series(repeated.index, index=repeated.index).groupby(group.to_numpy()).transform("min")
    names = ", ".join(columns[:-1]) + " og " + columns[-1]
    problems = []
    for row, first in first_rows.items():
        if row != first:
            shown = ", ".join(_key_shown(column, sheet.frame.at[first, column]) for column in columns)
            problems.append(Problem(spec.name, int(row), None, f"rækken har samme {names} som række {first} ({shown}). {advice}"))
    return problems


def _key_shown(column: str, value: object) -> str:
    """Return one key cell as the analyst reads it: a district by name, empty as `Hele byen`, a year without decimals."""
    if column == "bydel":
        return vocab.CITY_WIDE_LABEL if pd.isna(value) else _DISTRICT_NAMES[int(value)]
    return _shown(value)


def sheet_schema(spec: SheetSpec, canonical_ids: dict[str, str] | None) -> pa.DataFrameSchema:
    """Return the pandera schema of one sheet; ids in other sheets must be in `canonical_ids`."""
    columns = {}
    for column in spec.columns:
        checks = []
        if column.minimum is not None and column.maximum is not None and column.maximum < GUARD:
            checks.append(
                pa.Check.in_range(column.minimum, column.maximum, error=f"skal ligge mellem {column.minimum:g} og {column.maximum:g}")
            )
        elif column.minimum is not None and column.maximum is not None and column.minimum <= -GUARD:
            checks.append(
                pa.Check.in_range(
                    column.minimum,
                    column.maximum,
                    error=f"er urealistisk stort; skal ligge mellem {_whole(column.minimum)} og {_whole(column.maximum)}",
                )
            )
        else:
            if column.minimum is not None:
                checks.append(pa.Check.ge(column.minimum, error=f"må ikke være under {column.minimum:g}"))
            if column.maximum is not None:
                checks.append(pa.Check.le(column.maximum, error=f"er urealistisk stort; højst {_whole(column.maximum)}"))
        if column.smallest is not None:
            checks.append(
                pa.Check(
                    lambda s, smallest=column.smallest: (s == 0) | (s.abs() >= smallest),
                    error=f"er urealistisk tæt på 0; skriv 0 eller et tal, der numerisk er mindst {_decimal(column.smallest)}",
                )
            )
        if column.kind is Kind.WHOLE:
            checks.append(pa.Check(lambda s: s % 1 == 0, error="skal være et helt tal"))
        if column.header == "indsats_id" and spec is not INITIATIVES and canonical_ids is not None:
            known = pd.Index(sorted(set(canonical_ids.values())))  # in a closure: pandera deep-copies a list given to Check.isin
            checks.append(pa.Check(lambda s, known=known: s.isin(known), error=UNKNOWN_ID))
        columns[column.header] = pa.Column(_DTYPES[column.kind], checks=checks, nullable=not column.required, coerce=True)
    if spec is INITIATIVES:
        columns["_id_key"] = pa.Column(nullable=True, unique=True)
    return pa.DataFrameSchema(columns, checks=_row_checks(spec), strict=False)


def _whole(value: float) -> str:
    return f"{value:,.0f}".replace(",", ".")


def _decimal(value: float) -> str:
    return f"{value:f}".rstrip("0").replace(".", ",")


UNKNOWN_ID = "findes ikke i arket 'indsatser'"

_ROW_CHECKS: dict[str, list[tuple[str, str, object]]] = {
    INITIATIVES.name: [
        (
            "alder_max",
            "alder_min må ikke være større end alder_max",
            lambda d: d["alder_min"].isna() | d["alder_max"].isna() | (d["alder_min"] <= d["alder_max"]),
        ),
        (
            GOALS_LABEL,
            "markér mindst ét strategisk mål med x (" + ", ".join(GOAL_COLUMNS) + ")",
            lambda d: d[GOAL_COLUMNS].any(axis=1),
        ),
    ],
    ACTIVITY.name: [
        (
            "heraf_18_25",
            "heraf_18_25 må ikke være større end deltagere",
            lambda d: d["heraf_18_25"].isna() | d["deltagere"].isna() | (d["heraf_18_25"] <= d["deltagere"]),
        ),
    ],
    BUDGET.name: [],
    EFFECT_TARGETS.name: [],
}
_ROW_CHECK_COLUMN = {message: column for checks in _ROW_CHECKS.values() for column, message, _ in checks}


def _row_checks(spec: SheetSpec) -> list[pa.Check]:
    return [pa.Check(rule, error=message) for _, message, rule in _ROW_CHECKS[spec.name]]


def failure_problems(failures: pd.DataFrame, spec: SheetSpec, raw: pd.DataFrame, canonical_ids: dict[str, str] | None) -> list[Problem]:
    """Translate pandera's failure cases into Danish problems with sheet, row and column.

    Values are quoted as the analyst typed them (from `raw`), not as they were parsed.
    """
    problems: set[Problem] = set()
    for case in failures.itertuples(index=False):
        check = str(case.check)
        row = None if pd.isna(case.index) else int(case.index)
        if check in _ROW_CHECK_COLUMN:
            problems.add(Problem(spec.name, row, _ROW_CHECK_COLUMN[check], check + "."))
            continue
        column = None if pd.isna(case.column) else str(case.column)
        typed = raw.at[row, column] if row is not None and column in raw.columns and row in raw.index else case.failure_case
        shown = _shown(typed)
        if check == "not_nullable":
            message = "skal udfyldes."
        elif check == "field_uniqueness":
            column, shown = "indsats_id", _shown(raw.at[row, "indsats_id"]) if row in raw.index else shown
            message = f"'{shown}' står i mere end én række (store og små bogstaver tæller ikke); hvert indsats_id skal være unikt."
        elif check == UNKNOWN_ID:
            suggestion = vocab.closest(str(shown), sorted(set((canonical_ids or {}).values())))
            message = f"'{shown}' {UNKNOWN_ID}." + (f" Mente du '{suggestion}'?" if suggestion else "")
        elif check == "column_in_dataframe":
            continue  # missing columns are reported while reading, at the real header row
        elif check.startswith(("dtype(", "coerce_dtype(")):
            message = f"'{shown}' har en forkert type."
        else:
            message = f"'{shown}' {check}."
        problems.add(Problem(spec.name, row, column, message))
    return list(problems)


def _shown(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
