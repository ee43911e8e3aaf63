"""The real Open Data København files give the published check figures."""

from __future__ import annotations

import duckdb


def one(db, sql, params=()):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, list(params)).fetchone()[0]


def test_population_total_2010_including_unassigned(sample_db):
    assert one(sample_db, "SELECT SUM(total) FROM population WHERE year = 2010") == 528_208


def test_young_adults_in_norrebro_and_vanloese_2010(sample_db):
    sql = "SELECT age_18_25 FROM population p JOIN district d USING (district_id) WHERE year = 2010 AND d.name = ?"
    assert one(sample_db, sql, ["Nørrebro"]) == 13_840
    assert one(sample_db, sql, ["Vanløse"]) == 4_488


def test_age_groups_add_up_to_total(sample_db):
    assert one(sample_db, "SELECT COUNT(*) FROM population WHERE age_0_17 + age_18_25 + age_26_64 + age_65_plus <> total") == 0


def test_population_covers_1992_to_2015(sample_db):
    assert one(sample_db, "SELECT MIN(year) || '-' || MAX(year) FROM population") == "1992-2015"


def test_every_district_has_a_boundary_joined_on_number(sample_db):
    assert one(sample_db, "SELECT COUNT(*) FROM district WHERE boundary_geojson LIKE '%MultiPolygon%'") == 10
    assert one(sample_db, "SELECT name FROM district WHERE district_id = 4") == "Vesterbro/Kongens Enghave"
