"""One failing input per rule of the input contract; each message names sheet, Excel row and column."""

from __future__ import annotations

import pytest

from pipelines.problems import InputRejected
from pipelines.read import read_input
from pipelines.validate import validated_sheets
from tests.conftest import small_portfolio, write_csv_folder, write_xlsx

# (sheet, 0-based data row, column, new cell value, column named in the message, words in the message)
CELL_RULES = [
    ("indsatser", 0, "indsats_id", "", "indsats_id", "skal udfyldes"),
    ("indsatser", 1, "indsats_id", "SOF-001", "indsats_id", "mere end én række"),
    ("indsatser", 0, "navn", "", "navn", "skal udfyldes"),
    ("indsatser", 0, "forvaltning", "SOX", "forvaltning", "ukendt forvaltning 'SOX'. Mente du 'SOF'?"),
    ("indsatser", 0, "indsatsomraade", "Fritidsliv", "indsatsomraade", "Mente du 'Fritidsliv med indhold'?"),
    ("indsatser", 0, "maalgruppe", "", "maalgruppe", "skal udfyldes"),
    ("indsatser", 0, "alder_min", "atten", "alder_min", "'atten' er ikke et tal"),
    ("indsatser", 0, "alder_min", "17.5", "alder_min", "skal være et helt tal"),
    ("indsatser", 0, "alder_max", "120", "alder_max", "skal ligge mellem 0 og 99"),
    ("indsatser", 0, "alder_min", "30", "alder_max", "alder_min må ikke være større end alder_max"),
    ("indsatser", 0, "maal_exit", "måske", "maal_exit", "ikke en gyldig markering"),
    ("indsatser", 0, "status", "igang", "status", "ukendt status 'igang'"),
    ("indsatser", 0, "finansiering", "betalt", "finansiering", "ukendt finansiering 'betalt'"),
    ("indsatser", 0, "evidens", "stærk", "evidens", "ukendt evidens 'stærk'"),
    ("indsatser", 2, "goeres_mindre_af", "lidt", "goeres_mindre_af", "ikke en gyldig markering"),
    ("budget", 0, "indsats_id", "SOF-999", "indsats_id", "findes ikke i arket 'indsatser'"),
    ("budget", 0, "aar", "1999", "aar", "skal ligge mellem 2000 og 2100"),
    ("budget", 0, "bydel", "Nørebro", "bydel", "ukendt bydel 'Nørebro'. Mente du 'Nørrebro'?"),
    ("budget", 0, "budget_kr", "-5", "budget_kr", "må ikke være under 0"),
    ("budget", 0, "budget_kr", "", "budget_kr", "skal udfyldes"),
    ("budget", 0, "budget_kr", "mange", "budget_kr", "'mange' er ikke et tal"),
    ("budget", 0, "forbrug_kr", "-1", "forbrug_kr", "må ikke være under 0"),
    ("budget", 0, "kilde", "fond", "kilde", "ukendt kilde 'fond'"),
    ("aktivitet", 0, "indsats_id", "XXX-1", "indsats_id", "findes ikke i arket 'indsatser'"),
    ("aktivitet", 0, "aar", "", "aar", "skal udfyldes"),
    ("aktivitet", 0, "bydel", "Amagerbro", "bydel", "ukendt bydel 'Amagerbro'"),
    ("aktivitet", 0, "deltagere", "", "deltagere", "skal udfyldes"),
    ("aktivitet", 0, "deltagere", "10.5", "deltagere", "skal være et helt tal"),
    ("aktivitet", 0, "deltagere", "-3", "deltagere", "må ikke være under 0"),
    ("aktivitet", 0, "heraf_18_25", "121", "heraf_18_25", "heraf_18_25 må ikke være større end deltagere"),
    ("aktivitet", 0, "pladser", "-1", "pladser", "må ikke være under 0"),
    ("effektmaal", 0, "indsats_id", "SOF-404", "indsats_id", "findes ikke i arket 'indsatser'"),
    ("effektmaal", 0, "aar", "snart", "aar", "'snart' er ikke et tal"),
    ("effektmaal", 0, "indikator", "", "indikator", "skal udfyldes"),
    ("effektmaal", 0, "maal", "", "maal", "skal udfyldes"),
]


def problems_for(sheets, tmp_path) -> list[str]:
    with pytest.raises(InputRejected) as rejected:
        validated_sheets(read_input(write_csv_folder(sheets, tmp_path / "input")))
    return [str(p) for p in rejected.value.problems]


@pytest.mark.parametrize(("sheet", "row", "column", "value", "named_column", "words"), CELL_RULES)
def test_breach_is_reported_at_its_excel_row_and_column(tmp_path, sheet, row, column, value, named_column, words):
    sheets = small_portfolio()
    sheets[sheet].loc[row, column] = value
    problems = problems_for(sheets, tmp_path)
    excel_row = row + 2  # header on row 1, first data row on row 2
    expected_start = f"{sheet}, række {excel_row}, {named_column}: "
    assert any(p.startswith(expected_start) and words in p for p in problems), problems


def test_initiative_without_any_goal_is_refused(tmp_path):
    sheets = small_portfolio()
    sheets["indsatser"].loc[1, ["maal_tryghed", "maal_tidlig_indsats", "maal_exit", "maal_koordinering"]] = ""
    problems = problems_for(sheets, tmp_path)
    assert any(p.startswith("indsatser, række 3, maal_*: markér mindst ét strategisk mål") for p in problems), problems


def test_missing_required_column_is_named_in_the_header_row(tmp_path):
    sheets = small_portfolio()
    sheets["budget"] = sheets["budget"].drop(columns="budget_kr")
    assert "budget, række 1, budget_kr: kolonnen mangler i overskriftsrækken." in problems_for(sheets, tmp_path)


def test_missing_required_csv_file_is_named(tmp_path):
    sheets = small_portfolio()
    del sheets["aktivitet"]
    assert "aktivitet: filen 'aktivitet.csv' mangler i mappen." in problems_for(sheets, tmp_path)


def test_missing_required_sheet_is_named(tmp_path):
    sheets = small_portfolio()
    del sheets["aktivitet"]
    with pytest.raises(InputRejected) as rejected:
        validated_sheets(read_input(write_xlsx(sheets, tmp_path / "uden_aktivitet.xlsx")))
    assert "aktivitet: arket 'aktivitet' mangler i projektmappen." in [str(p) for p in rejected.value.problems]


def test_effect_targets_sheet_is_optional(tmp_path):
    sheets = small_portfolio()
    del sheets["effektmaal"]
    typed = validated_sheets(read_input(write_csv_folder(sheets, tmp_path / "input")))
    assert typed["effektmaal"].empty
    assert len(typed["indsatser"]) == 3


def test_every_problem_is_reported_not_only_the_first(tmp_path):
    sheets = small_portfolio()
    sheets["indsatser"].loc[0, "status"] = "igang"
    sheets["budget"].loc[2, "budget_kr"] = "-1"
    sheets["aktivitet"].loc[1, "bydel"] = "Christiania"
    problems = problems_for(sheets, tmp_path)
    assert [p.split(":")[0] for p in problems] == [
        "indsatser, række 2, status",
        "budget, række 4, budget_kr",
        "aktivitet, række 3, bydel",
    ]


def test_extra_columns_and_sheets_are_accepted(tmp_path):
    sheets = small_portfolio()
    sheets["indsatser"]["kontaktperson"] = "Anne"
    sheets["noter"] = sheets["budget"].head(1)
    typed = validated_sheets(read_input(write_csv_folder(sheets, tmp_path / "input")))
    assert list(typed["indsatser"]["indsats_id"]) == ["SOF-001", "BUF-001", "TMF-001"]
