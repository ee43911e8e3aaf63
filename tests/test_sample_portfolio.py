"""The shipped sample workbook is what the generator writes, loads cleanly, and looks like the memo."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest
from generate_sample_portfolio import sample_portfolio

from sikkerby.paths import SAMPLE_WORKBOOK
from sikkerby.vocabulary import ADMINISTRATIONS, FOCUS_AREAS


@pytest.fixture(scope="module")
def generated():
    return sample_portfolio()


def test_committed_workbook_equals_generator_output(generated):
    shipped = pd.read_excel(SAMPLE_WORKBOOK, sheet_name=None)
    assert list(shipped) == list(generated)
    for name, frame in generated.items():
        pd.testing.assert_frame_equal(shipped[name], frame, check_dtype=False, obj=name)


def test_generator_is_deterministic(generated):
    again = sample_portfolio()
    for name in generated:
        pd.testing.assert_frame_equal(again[name], generated[name])


def test_loaded_totals_match_what_the_generator_wrote(sample_db, generated):
    expected = generated["budget"].groupby("aar")["budget_kr"].sum()
    with duckdb.connect(str(sample_db), read_only=True) as con:
        loaded = dict(con.execute("SELECT year, SUM(budget_kr) FROM budget GROUP BY year").fetchall())
        participants = con.execute("SELECT SUM(participants) FROM activity").fetchone()[0]
        is_sample = con.execute("SELECT value FROM dataset WHERE key = 'portfolio_is_sample'").fetchone()[0]
    assert loaded == pytest.approx(expected.to_dict())
    assert participants == generated["aktivitet"]["deltagere"].sum()
    assert is_sample == "true"


def test_portfolio_shape_follows_the_brief(generated):
    initiatives, budget = generated["indsatser"], generated["budget"]
    assert 80 <= len(initiatives) <= 120
    assert set(initiatives["forvaltning"]) == set(ADMINISTRATIONS)
    assert set(initiatives["indsatsomraade"]) == set(FOCUS_AREAS)
    assert sorted(budget["aar"].unique()) == list(range(2008, 2014))
    yearly = budget.groupby("aar")["budget_kr"].sum()
    assert yearly.between(200e6, 400e6).all(), yearly
    assert {"eksisterende", "ny", "foreslaaet"} <= set(initiatives["status"])
    assert {"finansieret", "delvist", "mangler", "satspulje"} <= set(initiatives["finansiering"])
    assert initiatives["goeres_mindre_af"].eq("x").sum() >= 5


def test_memo_initiatives_are_in_the_sample(generated):
    names = set(generated["indsatser"]["navn"])
    for named in (
        "Væresteder for 18-25-årige",
        "Kort Snor",
        "Kort Snor+",
        "Helhedsorienteret gadeplansindsats i problemramte boligområder",
        "Exit-program for bandemedlemmer",
        "+18 Tryghedsindsats",
        "Borgerdialog i udsatte bydele",
        "Tryghed og sikkerhed for kommunalt ansatte",
    ):
        assert named in names


def test_published_city_figures_seed_effect_targets(generated):
    targets = generated["effektmaal"].set_index("indikator")
    unsafe = targets.loc["Andel borgere der føler sig utrygge i eget kvarter"]
    assert (unsafe["baseline"], unsafe["aktuel"]) == (11.0, 7.1)
    assert targets.loc["Områder med behov for markant tryghedsindsats", "baseline"] == 12
