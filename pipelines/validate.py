"""Check raw sheets against the input contract and return typed, validated frames.

Two passes, both collecting every problem: cells are read into typed values (`cells`), then
pandera schemas check the rules between cells, rows and sheets. Nothing is raised until all
sheets have been seen, so the analyst gets the whole list at once.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from pipelines import vocabulary as vocab
from pipelines.cells import CellError, column_is_danish, parse_cell
from pipelines.contract import ACTIVITY, BUDGET, EFFECT_TARGETS, INITIATIVES, SHEETS, ColumnSpec, Kind, SheetSpec
from pipelines.problems import InputRejected, Problem
from pipelines.read import RawInput, RawSheet

HEADER_ROW = 1
_DTYPES = {
    Kind.TEXT: object,
    Kind.CHOICE: object,
    Kind.WHOLE: "Float64",  # checked to be whole by the schema, cast to integers by transform
    Kind.NUMBER: "Float64",
    Kind.DISTRICT: "Int64",
    Kind.MARK: "boolean",
}


def validated_sheets(raw: RawInput) -> dict[str, pd.DataFrame]:
    """Return one typed frame per contract sheet, or raise InputRejected with every problem."""
    problems: list[Problem] = []
    typed: dict[str, pd.DataFrame] = {}
    for spec in SHEETS:
        sheet = raw.sheets.get(spec.name)
        if sheet is None:
            if spec.required:
                problems.append(Problem(spec.name, None, None, f"arket '{spec.name}' mangler i projektmappen."))
            typed[spec.name] = _empty_frame(spec)
            continue
        frame, cell_problems = typed_sheet(sheet, spec)
        problems += cell_problems
        typed[spec.name] = frame
    known_ids = set(typed[INITIATIVES.name]["indsats_id"].dropna()) if "indsats_id" in typed[INITIATIVES.name] else set()
    for spec in SHEETS:
        if spec.name in raw.sheets:
            taken = {(p.row, p.column) for p in problems if p.sheet == spec.name}
            problems += [p for p in rule_problems(typed[spec.name], spec, known_ids) if (p.row, p.column) not in taken]
    if problems:
        raise InputRejected(problems)
    return typed


def typed_sheet(sheet: RawSheet, spec: SheetSpec) -> tuple[pd.DataFrame, list[Problem]]:
    """Read every cell of a sheet into its kind; return the frame and the cells that failed."""
    problems: list[Problem] = []
    frame = sheet.frame
    columns: dict[str, pd.Series] = {}
    for column in spec.columns:
        if column.header not in frame.columns:
            if column.required:
                problems.append(Problem(spec.name, HEADER_ROW, column.header, "kolonnen mangler i overskriftsrækken."))
            columns[column.header] = _typed_column([column.default] * len(frame), frame.index, column)
            continue
        values = []
        danish = column_is_danish(frame[column.header].tolist(), sheet.danish_numbers)
        for row, cell in frame[column.header].items():
            try:
                values.append(parse_cell(cell, column, danish))
            except CellError as error:
                problems.append(Problem(spec.name, int(row), column.header, str(error)))
                values.append(None)
        columns[column.header] = _typed_column(values, frame.index, column)
    return pd.DataFrame(columns, index=frame.index), problems


def _typed_column(values: list, index: pd.Index, column: ColumnSpec) -> pd.Series:
    if column.kind is Kind.MARK:
        values = [bool(v) for v in values]
    return pd.Series(values, index=index, dtype=_DTYPES[column.kind])


def _empty_frame(spec: SheetSpec) -> pd.DataFrame:
    empty = pd.Index([], name="row", dtype="int64")
    return pd.DataFrame({c.header: _typed_column([], empty, c) for c in spec.columns}, index=empty)


def rule_problems(frame: pd.DataFrame, spec: SheetSpec, known_ids: set[str]) -> list[Problem]:
    """Check the contract's rules on a typed sheet with pandera; return every breach found."""
    try:
        sheet_schema(spec, known_ids).validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        return failure_problems(errors.failure_cases, spec)
    return []


def sheet_schema(spec: SheetSpec, known_ids: set[str]) -> pa.DataFrameSchema:
    """Return the pandera schema of one sheet; ids in other sheets must be in `known_ids`."""
    columns = {}
    for column in spec.columns:
        checks = []
        if column.minimum is not None and column.maximum is not None:
            checks.append(
                pa.Check.in_range(column.minimum, column.maximum, error=f"skal ligge mellem {column.minimum:g} og {column.maximum:g}")
            )
        elif column.minimum is not None:
            checks.append(pa.Check.ge(column.minimum, error=f"må ikke være under {column.minimum:g}"))
        if column.kind is Kind.WHOLE:
            checks.append(pa.Check(lambda s: s % 1 == 0, error="skal være et helt tal"))
        if column.header == "indsats_id" and spec is not INITIATIVES:
            checks.append(pa.Check.isin(sorted(known_ids), error="findes ikke i arket 'indsatser'"))
        columns[column.header] = pa.Column(
            _DTYPES[column.kind],
            checks=checks,
            nullable=not column.required,
            unique=spec is INITIATIVES and column.header == "indsats_id",
            coerce=True,
        )
    return pa.DataFrameSchema(columns, checks=_row_checks(spec), strict=False)


_ROW_CHECKS: dict[str, list[tuple[str, str, object]]] = {
    INITIATIVES.name: [
        (
            "alder_max",
            "alder_min må ikke være større end alder_max",
            lambda d: d["alder_min"].isna() | d["alder_max"].isna() | (d["alder_min"] <= d["alder_max"]),
        ),
        (
            "maal_*",
            "markér mindst ét strategisk mål med x (" + ", ".join(g.column for g in vocab.GOALS) + ")",
            lambda d: d[[g.column for g in vocab.GOALS]].any(axis=1),
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


def failure_problems(failures: pd.DataFrame, spec: SheetSpec) -> list[Problem]:
    """Translate pandera's failure cases into Danish problems with sheet, row and column."""
    problems: set[Problem] = set()
    for case in failures.itertuples(index=False):
        check, value = str(case.check), case.failure_case
        row = None if pd.isna(case.index) else int(case.index)
        if check in _ROW_CHECK_COLUMN:
            problems.add(Problem(spec.name, row, _ROW_CHECK_COLUMN[check], check + "."))
            continue
        column = None if pd.isna(case.column) else str(case.column)
        if check == "not_nullable":
            message = "skal udfyldes."
        elif check == "field_uniqueness":
            message = f"'{value}' står i mere end én række; hvert indsats_id skal være unikt."
        elif check == "column_in_dataframe":
            column, row, message = str(value), HEADER_ROW, "kolonnen mangler i overskriftsrækken."
        elif check.startswith(("dtype(", "coerce_dtype(")):
            message = f"'{value}' har en forkert type."
        else:
            shown = f"{value:g}" if isinstance(value, float) else value
            message = f"'{shown}' {check}."
        problems.add(Problem(spec.name, row, column, message))
    return list(problems)
