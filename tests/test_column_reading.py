"""Whole columns are read at once (Arrow, one parse per distinct text); the problems are those of reading cell by cell."""

from __future__ import annotations

import pandas as pd
import pytest

from pipelines.cells import PYTHON_WHITESPACE, CellError, ambiguous_numbers, column_is_danish, parse_cell
from pipelines.contract import ACTIVITY, BUDGET, INITIATIVES, SHEETS
from pipelines.load import load_portfolio
from pipelines.problems import InputRejected
from pipelines.validate import _typed_column, typed_column
from tests.conftest import small_portfolio, write_csv_folder

NUMBER_HINT = "Skriv fx 1.234.567,50 eller 1234567.50."
WHOLE_HINT = "Skriv et helt tal, fx 25."


def cell_by_cell(cells: pd.Series, column) -> tuple[pd.Series, dict[int, str]]:
    """Read a column the way the pipeline did before columns were read at once: parse_cell on every cell."""
    danish = column_is_danish(cells.tolist())
    ambiguous = ambiguous_numbers(list(cells.items())) if column.kind.name == "NUMBER" else {}
    values, failed = [], {}
    for row, cell in cells.items():
        if row in ambiguous:
            failed[row] = ambiguous[row]
            values.append(None)
            continue
        try:
            values.append(parse_cell(cell, column, danish))
        except CellError as error:
            failed[row] = str(error)
            values.append(None)
    return _typed_column(values, cells.index, column), failed


TEXTS = [
    "1711000", "007", "1.711", "1,711", "1711.50", "1.234.567,50", "1234567.50", "12x", " 42 ", "4\u00a0200", "",
    None, "nan", "NULL", "-5", "+7", "25 kr.", "12 %", "9" * 16, "9" * 400, "\u0661\u0662", "x", "ja", "1", "Nørrebro",
    "NORREBRO ", "Nordvest", "Hele byen", "Vesterbro", "SOF", "Socialforvaltningen", "kommune", "kommunen", "SOF-0\ufffd1",
    "ukendt", "Lokal indsats", "a\u2003", "1711000",
]  # fmt: skip
WORKBOOK_VALUES = [1711000, 1711000.0, 2.5, True, float("nan"), None, "1.711", "1711.50", "x", 1, 0, "Valby"]


@pytest.mark.parametrize(
    "values", [TEXTS, WORKBOOK_VALUES, ["1711", "1.711"], ["1711000", "250000"]], ids=["csv", "xlsx", "ambig", "plain"]
)
@pytest.mark.parametrize("column", [c for spec in SHEETS for c in spec.columns], ids=lambda c: c.header)
def test_column_reading_gives_the_values_and_messages_of_reading_cell_by_cell(values, column):
    cells = pd.Series(values, index=range(2, len(values) + 2), dtype=object)
    expected_values, expected_failed = cell_by_cell(cells, column)
    typed, failed = typed_column(cells, column)
    assert failed == expected_failed
    pd.testing.assert_series_equal(typed, expected_values)


def test_python_whitespace_list_is_what_str_strip_removes():
    assert "".join(c for c in map(chr, range(0x110000)) if c.isspace()) == PYTHON_WHITESPACE


def test_bad_cells_among_many_clean_rows_are_named_with_sheet_row_and_column(tmp_path):
    sheets = small_portfolio()
    budget = pd.concat([sheets["budget"]] * 500, ignore_index=True)  # 2,000 lines, Excel rows 2 to 2001
    copy = budget.index // 4  # each copy in its own year and district: two lines with one key are refused
    budget["aar"] = (2000 + copy % 100).astype(str)
    budget["bydel"] = [("Nørrebro", "Valby", "Vanløse", "Østerbro", "Amager Øst")[c // 100] for c in copy]
    budget.loc[9, "budget_kr"] = "12x"  # Excel row 11
    budget.loc[99, "bydel"] = "Nordvest"  # row 101
    budget.loc[999, "aar"] = "20l0"  # row 1001
    budget.loc[1499, "kilde"] = "kommunen"  # row 1501
    budget.loc[1500, "kilde"] = "kommunen"  # row 1502: the same bad text twice, named twice
    budget.loc[1799, "budget_kr"] = "1.711"  # row 1801: the column also writes 1234567.5
    budget.loc[1899, "indsats_id"] = "SOF-0\ufffd1"  # row 1901
    sheets["budget"] = budget
    activity = pd.concat([sheets["aktivitet"]] * 500, ignore_index=True)
    copy = activity.index // 2
    activity["aar"] = (2000 + copy % 100).astype(str)
    activity["bydel"] = [("Nørrebro", "Valby", "Vanløse", "Østerbro", "Amager Øst")[c // 100] for c in copy]
    activity.loc[4, "deltagere"] = "mange"  # row 6
    activity.loc[5, "heraf_18_25"] = "-3"  # row 7
    sheets["aktivitet"] = activity
    sheets["indsatser"].loc[1, "alder_min"] = "12,5"  # row 3
    sheets["indsatser"].loc[2, "maal_exit"] = "nej"  # row 4
    with pytest.raises(InputRejected) as rejected:
        load_portfolio(write_csv_folder(sheets, tmp_path / "csv"), tmp_path / "afvist.duckdb")
    lost = "'SOF-0\ufffd1' indeholder tegnet '\ufffd', som betyder, at et tegn er gået tabt, da filen blev gemt eller konverteret."
    assert [str(p) for p in rejected.value.problems] == [
        "indsatser, række 3, alder_min: '12,5' skal være et helt tal.",
        "indsatser, række 4, maal_exit: 'nej' er ikke en gyldig markering. Skriv x (eller ja/1) eller lad feltet stå tomt.",
        f"budget, række 11, budget_kr: '12x' er ikke et tal. {NUMBER_HINT}",
        "budget, række 101, bydel: 'Nordvest' er ikke en bydel. Nordvest ligger i bydelen Bispebjerg; skriv 'Bispebjerg'.",
        f"budget, række 1001, aar: '20l0' er ikke et tal. {WHOLE_HINT}",
        "budget, række 1501, kilde: ukendt kilde 'kommunen'. Mente du 'kommune'?",
        "budget, række 1502, kilde: ukendt kilde 'kommunen'. Mente du 'kommune'?",
        "budget, række 1801, budget_kr: '1.711' er tvetydigt: punktummet kan være tusindtalsseparator (1711) eller decimaltegn "
        "(1,711), og kolonnen bruger punktum som decimaltegn (fx '1234567.5' i række 2). Skriv alle tal i kolonnen på samme "
        "måde, fx 1.711 og 1.711,50 eller 1711 og 1711,50.",
        f"budget, række 1901, indsats_id: {lost} Skriv værdien igen med de rigtige tegn.",
        f"aktivitet, række 6, deltagere: 'mange' er ikke et tal. {WHOLE_HINT}",
        "aktivitet, række 7, heraf_18_25: '-3' må ikke være under 0.",
    ]
    assert {INITIATIVES.name, BUDGET.name, ACTIVITY.name} == {p.sheet for p in rejected.value.problems}


def test_column_letters_are_excels():
    from openpyxl.utils import get_column_letter

    from pipelines.read import column_letter

    assert [column_letter(n) for n in range(1, 16_385)] == [get_column_letter(n) for n in range(1, 16_385)]


def test_a_csv_load_does_not_import_openpyxl():
    import subprocess
    import sys

    code = "import sys, pipelines.__main__; print('openpyxl' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"


PLAIN_CSV = (
    "indsats_id;navn;forvaltning;aar;budget_kr\n"
    'SOF-001;"Værested; Nørrebro";SOF;2010;1.234.567,50\n'
    'SOF-002;"To\nlinjer";\u00a0SOF\u00a0;2010; 42 \n'
    ";;;;\n"  # a row of empty fields: no row of the sheet, but it keeps its number
    'BUF-001;"=1+1";BUF;;\n'
)


@pytest.mark.parametrize(
    "text",
    [
        PLAIN_CSV,
        PLAIN_CSV.replace("budget_kr\n", "budget_kr;\n").replace("\n", ";\n").replace("budget_kr;;", "budget_kr;"),  # trailing ;
        "indsats_id,navn,navn,\nSOF-001,a,b,\nSOF-002,,,\n",  # a duplicate header and a blank one
        "indsats_id;navn\nSOF-001;a\n\nSOF-002;b\n",  # a blank line keeps its row number
    ],
)
def test_a_plain_csv_is_read_in_arrow_as_the_record_reader_reads_it(tmp_path, monkeypatch, text):
    from pipelines import read

    path = tmp_path / "indsatser.csv"
    path.write_text(text, encoding="utf-8")
    assert read.rectangular_sheet(text, read.sniff_delimiter(text), "indsatser") is not None  # the fast way is taken
    fast = read.read_csv_sheet(path, "indsatser")
    monkeypatch.setattr(read, "rectangular_sheet", lambda *args: None)
    slow = read.read_csv_sheet(path, "indsatser")
    pd.testing.assert_frame_equal(fast.frame, slow.frame)
    assert (fast.header_row, fast.duplicate_headers) == (slow.header_row, slow.duplicate_headers)


@pytest.mark.parametrize(
    "text",
    [
        "Budget 2026;\nindsats_id;navn\nSOF-001;a\n",  # a title above the header
        "indsats_id;navn\nSOF-001;a;ekstra\n",  # a ragged line
        "indsats_id,navn,\nSOF-001,a,b\n",  # a value under a blank header field: the record reader refuses its row
        "indsats_id;navn\nSOF-001;a\x00\n",  # a NUL character
    ],
)
def test_anything_but_a_plain_csv_is_left_to_the_record_reader(text):
    from pipelines import read

    assert read.rectangular_sheet(text, read.sniff_delimiter(text), "indsatser") is None
