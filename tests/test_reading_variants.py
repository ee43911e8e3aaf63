"""Encodings, delimiters, number formats and spellings that must all load to the same numbers."""

from __future__ import annotations

import duckdb
import pytest

from pipelines.cells import parse_number
from pipelines.load import load_portfolio
from tests.conftest import as_danish_numbers, small_portfolio, write_csv_folder, write_xlsx

EXPECTED_BUDGET = [
    ("BUF-001", 2010, None, 2_000_000.0, 1_900_000.0, "kommune"),
    ("SOF-001", 2010, 3, 1_234_567.5, 1_000_000.0, "kommune"),
    ("SOF-001", 2010, 8, 500_000.0, None, "satspulje"),
    ("TMF-001", 2011, None, 750_000.25, None, "andet"),
]
BUDGET_SQL = "SELECT initiative_id, year, district_id, budget_kr, spent_kr, funding_source FROM budget ORDER BY 1, 2, 3"


def loaded_budget(source, tmp_path):
    db = tmp_path / "variant.duckdb"
    load_portfolio(source, db)
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(BUDGET_SQL).fetchall()


@pytest.mark.parametrize(
    ("sep", "encoding", "danish"),
    [
        (";", "utf-8-sig", True),  # Danish Excel, "CSV UTF-8"
        (";", "cp1252", True),  # Danish Excel, plain "CSV (semikolonsepareret)"
        (";", "utf-8", False),
        (",", "utf-8", False),  # plain numbers, comma separated
        (",", "cp1252", False),
        (",", "utf-8-sig", True),  # Danish numbers, quoted, comma separated
    ],
)
def test_csv_variants_load_to_the_same_numbers(tmp_path, sep, encoding, danish):
    sheets = as_danish_numbers(small_portfolio()) if danish else small_portfolio()
    folder = write_csv_folder(sheets, tmp_path / "csv", sep=sep, encoding=encoding)
    assert loaded_budget(folder, tmp_path) == EXPECTED_BUDGET


def test_xlsx_loads_to_the_same_numbers_as_csv(tmp_path):
    assert loaded_budget(write_xlsx(small_portfolio(), tmp_path / "indsatser.xlsx"), tmp_path) == EXPECTED_BUDGET


def test_xlsx_with_real_numeric_cells_loads(tmp_path):
    sheets = small_portfolio()
    sheets["budget"]["budget_kr"] = sheets["budget"]["budget_kr"].astype(float)
    sheets["budget"]["aar"] = sheets["budget"]["aar"].astype(int)
    assert loaded_budget(write_xlsx(sheets, tmp_path / "tal.xlsx"), tmp_path) == EXPECTED_BUDGET


def test_headers_and_names_match_regardless_of_case_spaces_and_aeoeaa(tmp_path):
    sheets = small_portfolio()
    sheets["indsatser"] = sheets["indsatser"].rename(
        columns={"indsatsomraade": " Indsatsområde ", "maalgruppe": "MÅLGRUPPE", "goeres_mindre_af": "gøres_mindre_af"}
    )
    sheets["budget"] = sheets["budget"].rename(columns={"budget_kr": "Budget_KR"})
    sheets["budget"].loc[0, "bydel"] = "NØRREBRO "
    sheets["budget"].loc[1, "bydel"] = "bispebjerg"
    sheets["budget"].loc[2, "bydel"] = "hele byen"
    folder = write_csv_folder(sheets, tmp_path / "csv")
    (folder / "budget.csv").rename(folder / "Budget.CSV")
    assert loaded_budget(folder, tmp_path) == EXPECTED_BUDGET


@pytest.mark.parametrize("spelling", ["Norrebro", "Noerrebro", "nørrebro", " NØRREBRO"])
def test_district_spellings_match_norrebro(tmp_path, spelling):
    sheets = small_portfolio()
    sheets["budget"].loc[0, "bydel"] = spelling
    rows = loaded_budget(write_csv_folder(sheets, tmp_path / "csv"), tmp_path)
    assert rows[1][2] == 3


@pytest.mark.parametrize(
    ("text", "danish", "value"),
    [
        ("1.234.567,50", True, 1234567.5),
        ("1234567.50", False, 1234567.5),
        ("1234567,5", True, 1234567.5),
        ("1.234", True, 1234.0),
        ("7.1", True, 7.1),
        ("1,234,567.50", False, 1234567.5),
        ("12 500 kr.", True, 12500.0),
        ("-3,5", True, -3.5),
        ("37,5 %", True, 37.5),
    ],
)
def test_number_formats(text, danish, value):
    assert parse_number(text, danish) == pytest.approx(value)


def test_title_rows_above_the_header_are_skipped(tmp_path):
    import openpyxl

    path = write_xlsx(small_portfolio(), tmp_path / "med_titel.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book["budget"]
    sheet.insert_rows(1, amount=2)
    sheet["A1"] = "Budget for kriminalpræventive indsatser"
    book.save(path)
    assert loaded_budget(path, tmp_path) == EXPECTED_BUDGET


def test_errors_below_a_title_row_name_the_real_excel_row(tmp_path):
    import openpyxl

    from pipelines.problems import InputRejected

    sheets = small_portfolio()
    sheets["budget"].loc[0, "budget_kr"] = "-5"
    path = write_xlsx(sheets, tmp_path / "fejl.xlsx")
    book = openpyxl.load_workbook(path)
    book["budget"].insert_rows(1, amount=2)
    book["budget"]["A1"] = "Budget"
    book.save(path)
    with pytest.raises(InputRejected) as rejected:
        load_portfolio(path, tmp_path / "db.duckdb")
    assert "budget, række 4, budget_kr: '-5' må ikke være under 0." in [str(p) for p in rejected.value.problems]
