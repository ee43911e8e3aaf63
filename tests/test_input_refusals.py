"""Values that used to load silently wrong (or load and crash later) are refused, and the database stays as it was."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from pipelines.load import load_portfolio
from pipelines.problems import InputRejected, Problem
from tests.conftest import small_portfolio, write_csv_folder, write_xlsx

MISSING_WORDS = ["nan", " NaN ", "None", "NULL", "null "]
GOAL_MARK_COLUMNS = ["maal_tryghed", "maal_tidlig_indsats", "maal_exit", "maal_koordinering", "goeres_mindre_af"]
UNDECODABLE = "der hverken kan læses som UTF-8 eller Windows-1252"
SAVE_AS_UTF8 = "Gem filen igen fra Excel som 'CSV UTF-8 (kommasepareret)'."
LOST = "indeholder tegnet '\ufffd', som betyder, at et tegn er gået tabt"
LOOKS_EMPTY = "det ligner en tom værdi fra et andet program"
MARK_HINT = "Skriv x (eller ja/1) eller lad feltet stå tomt."


def refused(source: Path, db: Path) -> list[Problem]:
    """Load `source` into `db`, expect a refusal, and check the database file kept its bytes."""
    before = db.read_bytes()
    with pytest.raises(InputRejected) as rejected:
        load_portfolio(source, db)
    assert db.read_bytes() == before
    return rejected.value.problems


def message_at(problems: list[Problem], sheet: str, row: int | None, column: str | None) -> str:
    """Return the message of the one problem at (sheet, row, column)."""
    found = [p.message for p in problems if (p.sheet, p.row, p.column) == (sheet, row, column)]
    assert len(found) == 1, [str(p) for p in problems]
    return found[0]


def patched_xlsx(path: Path, old: bytes, new: bytes) -> Path:
    """Rewrite one cell value inside the workbook's XML, as a non-Excel exporter might have written it."""
    patched = path.with_name("patched_" + path.name)
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(patched, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = data.replace(old, new)
            target.writestr(item, data)
    return patched


@pytest.mark.parametrize("sheet", ["budget", "aktivitet"])
@pytest.mark.parametrize("typed", MISSING_WORDS)
def test_nan_text_as_district_is_refused(tmp_path, small_db, sheet, typed):
    sheets = small_portfolio()
    sheets[sheet].loc[1, "bydel"] = typed
    problems = refused(write_csv_folder(sheets, tmp_path / "csv"), small_db)
    message = message_at(problems, sheet, 3, "bydel")
    assert message.startswith(f"'{typed.strip()}' er ikke en bydel; {LOOKS_EMPTY}.")
    assert "lad feltet stå tomt eller skriv 'Hele byen'" in message


@pytest.mark.parametrize("column", GOAL_MARK_COLUMNS)
@pytest.mark.parametrize("typed", MISSING_WORDS)
def test_nan_text_as_goal_mark_is_refused(tmp_path, small_db, column, typed):
    sheets = small_portfolio()
    sheets["indsatser"].loc[2, column] = typed
    problems = refused(write_csv_folder(sheets, tmp_path / "csv"), small_db)
    assert message_at(problems, "indsatser", 4, column) == (f"'{typed.strip()}' er ikke en gyldig markering; {LOOKS_EMPTY}. {MARK_HINT}")


@pytest.mark.parametrize("typed", ["j", "yes", "true", "sand", "nej", "n", "no", "false", "falsk", "0", "0.0"])
def test_goal_mark_other_than_x_ja_1_is_refused(tmp_path, small_db, typed):
    sheets = small_portfolio()
    sheets["indsatser"].loc[0, "maal_koordinering"] = typed
    sheets["indsatser"].loc[1, "goeres_mindre_af"] = typed
    problems = refused(write_csv_folder(sheets, tmp_path / "csv"), small_db)
    expected = f"'{typed}' er ikke en gyldig markering. {MARK_HINT}"
    assert message_at(problems, "indsatser", 2, "maal_koordinering") == expected
    assert message_at(problems, "indsatser", 3, "goeres_mindre_af") == expected


def test_number_zero_as_goal_mark_in_workbook_is_refused_while_number_one_counts(tmp_path, small_db):
    sheets = small_portfolio()
    initiatives = sheets["indsatser"].astype(object)
    initiatives["maal_exit"] = [1, 1.0, 0]  # Excel stores a typed 1 as a number; a typed 0 is no mark
    initiatives["maal_tryghed"] = [" X ", "JA", "1.0"]
    sheets["indsatser"] = initiatives
    problems = refused(write_xlsx(sheets, tmp_path / "tal.xlsx"), small_db)
    assert [str(p) for p in problems] == [f"indsatser, række 4, maal_exit: '0' er ikke en gyldig markering. {MARK_HINT}"]


def test_undecodable_windows_1252_bytes_in_csv_are_refused(tmp_path, small_db):
    folder = write_csv_folder(small_portfolio(), tmp_path / "csv", encoding="cp1252")
    budget = folder / "budget.csv"
    budget.write_bytes(budget.read_bytes().replace(b"Bispebjerg", b"Bispe\x81bjerg\x8d"))
    activity = folder / "aktivitet.csv"
    activity.write_bytes(activity.read_bytes().replace(b"deltagere", b"deltag\x8fere\x90\x9d"))
    problems = refused(folder, small_db)
    assert message_at(problems, "budget", 3, None) == (
        f"filen 'budget.csv' kan ikke læses: linje 3 har bytes 0x81 og 0x8D, {UNDECODABLE}. {SAVE_AS_UTF8}"
    )
    assert message_at(problems, "budget", 3, "bydel").startswith(f"'Bispe\ufffdbjerg\ufffd' {LOST}")
    assert message_at(problems, "aktivitet", 1, None) == (
        f"filen 'aktivitet.csv' kan ikke læses: linje 1 har bytes 0x8F, 0x90 og 0x9D, {UNDECODABLE}. {SAVE_AS_UTF8}"
    )


def test_undecodable_byte_is_reported_at_the_excel_row_of_its_line(tmp_path, small_db):
    sheets = small_portfolio()
    sheets["indsatser"].loc[0, "begrundelse"] = "Første linje\nAnden linje"  # a quoted cell spanning two lines
    folder = write_csv_folder(sheets, tmp_path / "csv", encoding="cp1252")
    initiatives = folder / "indsatser.csv"
    initiatives.write_bytes(initiatives.read_bytes().replace(b"Kort Snor", b"Kort\x81Snor"))
    problems = refused(folder, small_db)
    message = message_at(problems, "indsatser", 3, None)
    assert message.startswith("filen 'indsatser.csv' kan ikke læses: linje 4 har byte 0x81, ")


@pytest.mark.parametrize("source", ["xlsx", "csv"])
def test_replacement_character_in_a_cell_is_refused(tmp_path, small_db, source):
    sheets = small_portfolio()
    sheets["indsatser"].loc[1, "navn"] = "Kort Snor p\ufffd N\ufffdrrebro"
    sheets["budget"]["noter"] = ["", "", "Bl\ufffd", ""]  # a column outside the contract is checked as well
    path = write_xlsx(sheets, tmp_path / "tabt.xlsx") if source == "xlsx" else write_csv_folder(sheets, tmp_path / "csv")
    problems = refused(path, small_db)
    assert message_at(problems, "indsatser", 3, "navn") == (
        f"'Kort Snor p\ufffd N\ufffdrrebro' {LOST}, da filen blev gemt eller konverteret. Skriv værdien igen med de rigtige tegn."
    )
    assert message_at(problems, "budget", 4, "noter").startswith(f"'Bl\ufffd' {LOST}")


def test_budget_above_100_billion_kr_is_refused(tmp_path, small_db):
    sheets = small_portfolio()
    sheets["budget"].loc[0, "budget_kr"] = "100.000.000.001"
    sheets["budget"].loc[2, "forbrug_kr"] = "250000000000"
    problems = refused(write_csv_folder(sheets, tmp_path / "csv"), small_db)
    assert message_at(problems, "budget", 2, "budget_kr") == "'100.000.000.001' er urealistisk stort; højst 100.000.000.000."
    assert message_at(problems, "budget", 4, "forbrug_kr") == "'250000000000' er urealistisk stort; højst 100.000.000.000."


def test_counts_above_ten_million_are_refused(tmp_path, small_db):
    sheets = small_portfolio()
    sheets["aktivitet"].loc[0, ["deltagere", "heraf_18_25", "pladser"]] = ["20.000.000", "10000001", "10.000.001"]
    problems = refused(write_csv_folder(sheets, tmp_path / "csv"), small_db)
    assert message_at(problems, "aktivitet", 2, "deltagere") == "'20.000.000' er urealistisk stort; højst 10.000.000."
    assert message_at(problems, "aktivitet", 2, "heraf_18_25") == "'10000001' er urealistisk stort; højst 10.000.000."
    assert message_at(problems, "aktivitet", 2, "pladser") == "'10.000.001' er urealistisk stort; højst 10.000.000."


def test_effect_numbers_beyond_a_billion_either_way_are_refused(tmp_path, small_db):
    sheets = small_portfolio()
    sheets["effektmaal"].loc[0, ["baseline", "maal", "aktuel"]] = ["-1000000001", "2.000.000.000", "-1.500.000.000,5"]
    problems = refused(write_csv_folder(sheets, tmp_path / "csv"), small_db)
    bounds = "er urealistisk stort; skal ligge mellem -1.000.000.000 og 1.000.000.000."
    assert message_at(problems, "effektmaal", 2, "baseline") == f"'-1000000001' {bounds}"
    assert message_at(problems, "effektmaal", 2, "maal") == f"'2.000.000.000' {bounds}"
    assert message_at(problems, "effektmaal", 2, "aktuel") == f"'-1.500.000.000,5' {bounds}"


def test_effect_numbers_too_close_to_zero_are_refused(tmp_path, small_db):
    sheets = small_portfolio()
    effects = sheets["effektmaal"].astype(object)
    effects.loc[0, ["baseline", "maal", "aktuel"]] = [1e-300, -0.0000001, 0]  # 0 itself is fine
    sheets["effektmaal"] = effects
    problems = refused(write_xlsx(sheets, tmp_path / "smaa.xlsx"), small_db)
    near_zero = "er urealistisk tæt på 0; skriv 0 eller et tal, der numerisk er mindst 0,000001."
    assert message_at(problems, "effektmaal", 2, "baseline") == f"'1e-300' {near_zero}"
    assert message_at(problems, "effektmaal", 2, "maal") == f"'-1e-07' {near_zero}"
    assert [p.column for p in problems] == ["baseline", "maal"]


def test_infinite_numbers_are_refused(tmp_path, small_db):
    sheets = small_portfolio()
    sheets["effektmaal"].loc[0, "aktuel"] = "1" + "0" * 400  # too large for a float: read as infinity
    sheets["budget"] = sheets["budget"].astype(object)
    sheets["budget"].loc[1, "budget_kr"] = 123454321
    workbook = patched_xlsx(write_xlsx(sheets, tmp_path / "uendelig.xlsx"), b"<v>123454321</v>", b"<v>1E400</v>")
    problems = refused(workbook, small_db)
    assert message_at(problems, "budget", 3, "budget_kr") == "'inf' er urealistisk stort; højst 100.000.000.000."
    assert message_at(problems, "effektmaal", 2, "aktuel").endswith(
        "' er urealistisk stort; skal ligge mellem -1.000.000.000 og 1.000.000.000."
    )


def test_unreadable_number_cell_in_workbook_is_refused_not_a_crash(tmp_path, small_db):
    sheets = small_portfolio()
    sheets["budget"] = sheets["budget"].astype(object)
    sheets["budget"].loc[1, "budget_kr"] = 123454321
    workbook = patched_xlsx(write_xlsx(sheets, tmp_path / "nan.xlsx"), b"<v>123454321</v>", b"<v>NaN</v>")
    problems = refused(workbook, small_db)
    message = message_at(problems, "budget", 3, None)
    assert message.startswith("rækken har en celle, som ikke kan læses (ValueError: ")
    assert "så arket er kun læst til og med række 2." in message


def test_every_new_refusal_is_reported_in_one_load(tmp_path, small_db):
    sheets = small_portfolio()
    sheets["indsatser"].loc[0, "maal_exit"] = "nej"
    sheets["indsatser"].loc[1, "navn"] = "N\ufffdrrebro"
    sheets["budget"].loc[3, "bydel"] = "nan"
    sheets["budget"].loc[0, "budget_kr"] = "1.000.000.000.000"
    sheets["budget"].loc[1, "budget_kr"] = "500.000.000.000"
    sheets["aktivitet"].loc[1, "deltagere"] = "99.000.000"
    sheets["effektmaal"].loc[0, "maal"] = "0,00000001"
    problems = refused(write_csv_folder(sheets, tmp_path / "csv"), small_db)
    assert [(p.sheet, p.row, p.column) for p in problems] == [
        ("indsatser", 2, "maal_exit"),
        ("indsatser", 3, "navn"),
        ("budget", 2, "budget_kr"),
        ("budget", 3, "budget_kr"),
        ("budget", 5, "bydel"),
        ("aktivitet", 3, "deltagere"),
        ("effektmaal", 2, "maal"),
    ]
