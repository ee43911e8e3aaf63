"""The input contract (shared/contract/README.md) as data: sheets, their headers and kinds."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from sikkerby import vocabulary as vocab
from sikkerby.numbers import MAX_AMOUNT_KR, MAX_COUNT


class Kind(Enum):
    """How a column's cells are read and checked."""

    TEXT = "tekst"
    ID = "id"
    WHOLE = "helt tal"
    NUMBER = "tal"
    CHOICE = "valg"
    DISTRICT = "bydel"
    MARK = "markering"


@dataclass(frozen=True)
class ColumnSpec:
    """One header of a sheet: its kind, whether it must be filled, and its allowed values."""

    header: str
    kind: Kind
    required: bool
    choices: tuple[str, ...] = ()
    default: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    smallest: float | None = None  # a value other than 0 must be at least this far from 0


@dataclass(frozen=True)
class SheetSpec:
    """One sheet of the workbook (or one CSV file of a folder)."""

    name: str
    required: bool
    columns: tuple[ColumnSpec, ...]

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]


_YEAR = {"minimum": 2000, "maximum": 2100}
# Upper bounds far above any real portfolio (in `sikkerby.numbers`, so scenario workbooks share them).
_AMOUNT = {"minimum": 0, "maximum": MAX_AMOUNT_KR}  # kr.; 100 mia. kr.
_COUNT = {"minimum": 0, "maximum": MAX_COUNT}  # people or places
_EFFECT = {"minimum": -1_000_000_000, "maximum": 1_000_000_000, "smallest": 0.000001}

INITIATIVES = SheetSpec(
    "indsatser",
    required=True,
    columns=(
        ColumnSpec("indsats_id", Kind.ID, True),
        ColumnSpec("navn", Kind.TEXT, True),
        ColumnSpec("forvaltning", Kind.CHOICE, True, choices=tuple(vocab.ADMINISTRATIONS)),
        ColumnSpec("indsatsomraade", Kind.CHOICE, True, choices=vocab.FOCUS_AREAS),
        ColumnSpec("karakter", Kind.TEXT, False),
        ColumnSpec("maalgruppe", Kind.TEXT, True),
        ColumnSpec("alder_min", Kind.WHOLE, True, minimum=0, maximum=99),
        ColumnSpec("alder_max", Kind.WHOLE, True, minimum=0, maximum=99),
        *(ColumnSpec(goal.column, Kind.MARK, False) for goal in vocab.GOALS),
        ColumnSpec("status", Kind.CHOICE, True, choices=vocab.STATUSES),
        ColumnSpec("finansiering", Kind.CHOICE, True, choices=vocab.FINANCING_STATES),
        ColumnSpec("goeres_mindre_af", Kind.MARK, False),
        ColumnSpec("begrundelse", Kind.TEXT, False),
        ColumnSpec("evidens", Kind.CHOICE, False, choices=vocab.EVIDENCE_LEVELS, default="ukendt"),
    ),
)

BUDGET = SheetSpec(
    "budget",
    required=True,
    columns=(
        ColumnSpec("indsats_id", Kind.ID, True),
        ColumnSpec("aar", Kind.WHOLE, True, **_YEAR),
        ColumnSpec("bydel", Kind.DISTRICT, False),
        ColumnSpec("budget_kr", Kind.NUMBER, True, **_AMOUNT),
        ColumnSpec("forbrug_kr", Kind.NUMBER, False, **_AMOUNT),
        ColumnSpec("kilde", Kind.CHOICE, False, choices=vocab.FUNDING_SOURCES, default="kommune"),
    ),
)

ACTIVITY = SheetSpec(
    "aktivitet",
    required=True,
    columns=(
        ColumnSpec("indsats_id", Kind.ID, True),
        ColumnSpec("aar", Kind.WHOLE, True, **_YEAR),
        ColumnSpec("bydel", Kind.DISTRICT, False),
        ColumnSpec("deltagere", Kind.WHOLE, True, **_COUNT),
        ColumnSpec("heraf_18_25", Kind.WHOLE, False, **_COUNT),
        ColumnSpec("pladser", Kind.WHOLE, False, **_COUNT),
    ),
)

EFFECT_TARGETS = SheetSpec(
    "effektmaal",
    required=False,
    columns=(
        ColumnSpec("indsats_id", Kind.ID, True),
        ColumnSpec("aar", Kind.WHOLE, True, **_YEAR),
        ColumnSpec("indikator", Kind.TEXT, True),
        ColumnSpec("enhed", Kind.TEXT, False),
        ColumnSpec("baseline", Kind.NUMBER, False, **_EFFECT),
        ColumnSpec("maal", Kind.NUMBER, True, **_EFFECT),
        ColumnSpec("aktuel", Kind.NUMBER, False, **_EFFECT),
    ),
)

SHEETS: tuple[SheetSpec, ...] = (INITIATIVES, BUDGET, ACTIVITY, EFFECT_TARGETS)
SHEET_ORDER: dict[str, int] = {spec.name: i for i, spec in enumerate(SHEETS)}
