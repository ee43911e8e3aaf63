"""Contract breaches as the analyst reads them: sheet, Excel row, column and a Danish message."""

from __future__ import annotations

from dataclasses import dataclass

from pipelines.contract import SHEET_ORDER


@dataclass(frozen=True, order=True)
class Problem:
    """One breach of the input contract, located where the analyst can find it in Excel."""

    sheet: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        place = [self.sheet]
        if self.row is not None:
            place.append(f"række {self.row}")
        if self.column:
            place.append(self.column)
        return f"{', '.join(place)}: {self.message}"


class InputRejected(Exception):
    """Raised when the input breaks the contract; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems), key=_reading_order)
        super().__init__("\n".join(str(p) for p in self.problems))


def _reading_order(problem: Problem) -> tuple:
    return (SHEET_ORDER.get(problem.sheet, -1), problem.row or 0, problem.column or "", problem.message)
