"""A scenario as an Excel workbook: written for the committee's analysts, read back with Danish messages.

Sheets: `Scenarie` (name, year, budget frame), `Ændringer` (one row per changed initiative: its
id, name, the change and an amount), `Nye indsatser` (one row per proposed initiative, with focus
area, goals and districts by their Danish names). A workbook written here reads back to the same
scenario; a hand-edited one is checked cell by cell and refused with every problem named by sheet,
row and column. Result sheets that the export adds are ignored on import.
"""

from __future__ import annotations

import io
import math
import zipfile
from typing import NamedTuple

import pandas as pd
from openpyxl import load_workbook

from dashboard import export
from dashboard.scenarios import STEPS, Change, NewInitiative, Scenario
from sikkerby.numbers import (
    MAX_AMOUNT_KR,
    MAX_COUNT,
    NUMBER_HINT,
    WHOLE_HINT,
    NumberError,
    ambiguous_numbers,
    column_is_danish,
    may_be_ambiguous,
    parse_number,
    too_large_message,
)

SETTINGS, CHANGES, NEW = "Scenarie", "Ændringer", "Nye indsatser"
NAME, YEAR, FRAME = "Navn", "År", "Budgetramme (kr.)"
CHANGE_COLUMNS = ["Id", "Indsats", "Ændring", "Beløb (kr.)"]
NEW_COLUMNS = ["Navn", "Indsatsområde", "Forvaltning", "Strategiske mål", "Bydele", "Budget (kr.)", "18–25-årige nået"]
AMOUNT = "Beløb"
CITY_WIDE = "Hele byen"
LIST_SEPARATOR = ";"
MAX_FILE_BYTES = 2_000_000
MAX_UNPACKED_BYTES = 20_000_000
MAX_ROWS = 200_000


class ScenarioTerms(NamedTuple):
    """The words a scenario workbook may use, from the data it is read against."""

    districts: dict[int, str]
    focus_areas: dict[int, str]
    goals: dict[int, str]
    administrations: tuple[str, ...]


class ScenarioFileError(Exception):
    """The workbook is not a scenario this app can read; `problems` are Danish sentences naming sheet, row and column."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def to_xlsx(scenario: Scenario, terms: ScenarioTerms, results: dict[str, pd.DataFrame] | None = None) -> bytes:
    """Return the scenario as a workbook (plus result sheets, for reading only)."""
    settings = pd.DataFrame({"Felt": [NAME, YEAR, FRAME], "Værdi": [scenario.name, scenario.year, scenario.frame_kr]}).astype(object)
    changes = pd.DataFrame(
        [
            (initiative_id, scenario.names.get(initiative_id, ""), change.label(), change.amount_kr)
            for initiative_id, change in scenario.changes.items()
        ],
        columns=CHANGE_COLUMNS,
    )
    new = pd.DataFrame(
        [
            (
                n.name,
                terms.focus_areas.get(n.focus_area_id, "") if n.focus_area_id is not None else "",
                n.administration_code or "",
                f"{LIST_SEPARATOR} ".join(terms.goals[g] for g in n.goal_ids if g in terms.goals),
                f"{LIST_SEPARATOR} ".join(terms.districts[d] for d in n.districts if d in terms.districts) or CITY_WIDE,
                n.budget_kr,
                n.reached_18_25,
            )
            for n in scenario.new
        ],
        columns=NEW_COLUMNS,
    )
    return export.xlsx_book({SETTINGS: settings, CHANGES: changes, NEW: new} | (results or {}))


def from_xlsx(content: bytes, terms: ScenarioTerms) -> Scenario:
    """Return the scenario in the workbook, or raise `ScenarioFileError` with every problem found."""
    book = _open(content)
    problems: list[str] = []
    missing = [name for name in (SETTINGS, CHANGES) if name not in book.sheetnames]
    if missing:
        raise ScenarioFileError([f"Projektmappen mangler arket '{name}'." for name in missing])
    settings = {str(row[0]).strip(): row[1] for row in _rows(book[SETTINGS], 2, problems, SETTINGS) if row[0] is not None}
    name = " ".join(str(settings.get(NAME) or "").split())
    if not name:
        problems.append(f"Arket '{SETTINGS}': feltet '{NAME}' er tomt.")
    year = _year(settings.get(YEAR))
    if year is None:
        problems.append(f"Arket '{SETTINGS}': feltet '{YEAR}' skal være et årstal, ikke '{_shown(settings.get(YEAR))}'.")
    frame = settings.get(FRAME)
    frame_kr, frame_problem = (None, None) if frame in (None, "") else AMOUNT_COLUMN.read(frame, column_is_danish([frame]))
    if frame_problem:
        problems.append(f"Arket '{SETTINGS}': feltet '{FRAME}': {frame_problem}")
    changes, names = _changes(book[CHANGES], problems)
    new = _new_initiatives(book[NEW], terms, problems) if NEW in book.sheetnames else ()
    if problems:
        raise ScenarioFileError(problems)
    return Scenario(name=name, year=int(year), changes=changes, new=new, frame_kr=frame_kr, names=names)


def _open(content: bytes):
    if not content:
        raise ScenarioFileError(["Filen er tom."])
    if len(content) > MAX_FILE_BYTES:
        raise ScenarioFileError([f"Filen er for stor til et scenarie (over {MAX_FILE_BYTES // 1_000_000} MB)."])
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if sum(member.file_size for member in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise ScenarioFileError(["Projektmappen fylder for meget, når den pakkes ud, til at være et scenarie."])
        return load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except ScenarioFileError:
        raise
    except Exception as error:  # not a zip, not a workbook, encrypted: all the same to the analyst
        raise ScenarioFileError(["Filen er ikke en Excel-projektmappe (.xlsx), som dashboardet kan læse."]) from error


def _rows(sheet, width: int, problems: list[str], sheet_name: str) -> list[tuple]:
    """Return the sheet's data rows (header skipped), cut to `width` cells, without empty rows."""
    rows = []
    for number, row in enumerate(sheet.iter_rows(min_row=2, max_col=width, values_only=True), start=2):
        if number > MAX_ROWS:
            problems.append(f"Arket '{sheet_name}' har mere end {MAX_ROWS:,} rækker.".replace(",", "."))
            break
        cells = tuple(row) + (None,) * (width - len(row))
        if any(cell not in (None, "") for cell in cells):
            rows.append((number, *cells) if sheet_name != SETTINGS else cells)
    return rows


def _changes(sheet, problems: list[str]) -> tuple[dict[str, Change], dict[str, str]]:
    steps = {_step_key(label): step for label, step in STEPS.items()}
    changes: dict[str, Change] = {}
    names: dict[str, str] = {}
    seen: set[str] = set()
    rows = _rows(sheet, len(CHANGE_COLUMNS), problems, CHANGES)
    amounts = AMOUNT_COLUMN.reader([(row[0], row[-1]) for row in rows])
    for number, initiative_id, name, label, amount in rows:
        where = f"Arket '{CHANGES}', række {number}"
        initiative_id = str(initiative_id or "").strip()
        if not initiative_id:
            problems.append(f"{where}, kolonne 'Id': indsatsens id mangler.")
            continue
        if initiative_id in seen:
            problems.append(f"{where}, kolonne 'Id': indsatsen {initiative_id} står her for anden gang.")
            continue
        seen.add(initiative_id)
        key = _step_key(label)
        if key == _step_key(AMOUNT) or (key == "" and amount not in (None, "")):
            kroner, problem = amounts(number, amount)
            if problem:
                problems.append(f"{where}, kolonne 'Beløb (kr.)': {problem}")
                continue
            changes[initiative_id] = Change(amount_kr=kroner)
        elif key in steps:
            changes[initiative_id] = Change(step=steps[key])
        else:
            choices = ", ".join([*STEPS, AMOUNT])
            problems.append(f"{where}, kolonne 'Ændring': '{_shown(label)}' er ikke en af {choices}.")
            continue
        names[initiative_id] = str(name or "").strip()
    return changes, names


def _new_initiatives(sheet, terms: ScenarioTerms, problems: list[str]) -> tuple[NewInitiative, ...]:
    by_name = {
        "area": {v.casefold(): k for k, v in terms.focus_areas.items()},
        "goal": {v.casefold(): k for k, v in terms.goals.items()},
        "district": {v.casefold(): k for k, v in terms.districts.items()},
    }
    new = []
    rows = _rows(sheet, len(NEW_COLUMNS), problems, NEW)
    budgets = AMOUNT_COLUMN.reader([(row[0], row[-2]) for row in rows])
    reaches = COUNT_COLUMN.reader([(row[0], row[-1]) for row in rows])
    for index, (number, name, area, administration, goals, districts, budget, reached) in enumerate(rows, start=1):
        where = f"Arket '{NEW}', række {number}"
        before = len(problems)
        area_id = by_name["area"].get(str(area or "").strip().casefold())
        if area_id is None:
            problems.append(f"{where}, kolonne 'Indsatsområde': '{_shown(area)}' er ikke et af de seks indsatsområder.")
        administration = str(administration or "").strip().upper() or None
        if administration and administration not in terms.administrations:
            problems.append(f"{where}, kolonne 'Forvaltning': '{_shown(administration)}' er ikke en af {', '.join(terms.administrations)}.")
        goal_ids = _named(goals, by_name["goal"], f"{where}, kolonne 'Strategiske mål'", "et af de fire strategiske mål", problems)
        district_text = "" if str(districts or "").strip().casefold() == CITY_WIDE.casefold() else districts
        district_ids = _named(district_text, by_name["district"], f"{where}, kolonne 'Bydele'", "en af de ti bydele", problems)
        (budget_kr, budget_problem), (reached_18_25, reach_problem) = budgets(number, budget), reaches(number, reached)
        if budget_problem:
            problems.append(f"{where}, kolonne 'Budget (kr.)': {budget_problem}")
        if reach_problem:
            problems.append(f"{where}, kolonne '18–25-årige nået': {reach_problem}")
        if len(problems) == before:
            new.append(
                NewInitiative(
                    initiative_id=f"NY-{index}",
                    name=" ".join(str(name or f"Ny indsats {index}").split()),
                    budget_kr=budget_kr,
                    reached_18_25=reached_18_25,
                    districts=district_ids,
                    goal_ids=goal_ids,
                    focus_area_id=area_id,
                    administration_code=administration,
                )
            )
    return tuple(new)


def _named(text: object, known: dict[str, int], where: str, what: str, problems: list[str]) -> tuple[int, ...]:
    ids = []
    for part in str(text or "").split(LIST_SEPARATOR):
        if part.strip():
            found = known.get(part.strip().casefold())
            if found is None:
                problems.append(f"{where}: '{_shown(part.strip())}' er ikke {what}.")
            else:
                ids.append(found)
    return tuple(dict.fromkeys(ids))


def _step_key(label: object) -> str:
    """`-50%`, `−50 %` and ` -50 % ` are one choice; so are `stop` and `Stop`."""
    return "".join(str(label or "").replace("-", "−").split()).casefold()


class NumberColumn(NamedTuple):
    """A column of amounts or counts, read as the input contract reads its own (`sikkerby.numbers`), with its bounds."""

    what: str  # "et beløb", "et antal"
    unit: str  # " kr." or ""
    maximum: float
    whole: bool

    def read(self, value: object, danish: bool) -> tuple[float | None, str | None]:
        """Return a cell's number and None, or None and the Danish reason it is refused (the pipeline's words)."""
        shown = _shown(value)
        if shown == "":
            return None, f"er tom; skriv {self.what} på 0{self.unit} eller mere."
        try:
            number = parse_number(value, danish)
        except NumberError as error:
            return None, f"{error} {WHOLE_HINT if self.whole else NUMBER_HINT}"
        if math.isnan(number):
            return None, f"'{shown}' er ikke et tal. {WHOLE_HINT if self.whole else NUMBER_HINT}"
        if number < 0:
            return None, f"skal være {self.what} på 0{self.unit} eller mere, ikke '{shown}'."
        if number > self.maximum:
            return None, f"'{shown}' {too_large_message(self.maximum)}{self.unit or '.'}"
        if self.whole and number != int(number):
            return None, f"'{shown}' skal være et helt tal."
        return number, None

    def reader(self, cells: list[tuple[int, object]]):
        """Return a function (row, value) → (number, problem) that reads the column's cells in the column's number style.

        As in the pipeline: the whole column decides whether a dot groups thousands (`column_is_danish`), and an
        amount whose separator the rest of the column contradicts is refused (`ambiguous_numbers`).
        """
        values = [value for _, value in cells if value not in (None, "")]
        danish = column_is_danish(values)
        ambiguous = ambiguous_numbers(cells) if not self.whole and may_be_ambiguous(values) else {}

        def read(row: int, value: object) -> tuple[float | None, str | None]:
            return (None, ambiguous[row]) if row in ambiguous else self.read(value, danish)

        return read


AMOUNT_COLUMN = NumberColumn("et beløb", " kr.", MAX_AMOUNT_KR, whole=False)
COUNT_COLUMN = NumberColumn("et antal", "", MAX_COUNT, whole=True)


def _year(value: object) -> int | None:
    """Return a year from 1900 to 2100 from a number cell or a number as text, else None."""
    try:
        number = parse_number(value)
    except NumberError:
        return None
    return int(number) if math.isfinite(number) and number == int(number) and 1900 <= number <= 2100 else None


def _shown(value: object) -> str:
    """Return a cell's value for a message: one line, at most 40 characters."""
    text = " ".join(str("" if value is None else value).split())
    return text if len(text) <= 40 else text[:39] + "…"
