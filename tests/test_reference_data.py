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


def test_a_load_after_the_population_file_changed_reads_the_new_file(tmp_path, monkeypatch):
    """Loads in one process share the reference files as read once; a changed file is read again."""
    import hashlib
    import shutil

    from pipelines import load
    from tests.conftest import small_portfolio, write_csv_folder

    population = tmp_path / "befkbhalderkoencivst.csv"
    shutil.copyfile(load.POPULATION_CSV, population)
    monkeypatch.setattr(load, "POPULATION_CSV", population)
    folder = write_csv_folder(small_portfolio(), tmp_path / "csv")
    db = tmp_path / "db.duckdb"
    load.load_portfolio(folder, db)
    assert one(db, "SELECT SUM(total) FROM population WHERE year = 2010") == 528_208
    first_sha = hashlib.sha256(population.read_bytes()).hexdigest()

    with population.open("a", encoding="utf-8") as file:  # 1.000 more 20-year-olds in Indre By in 2010
        file.write("2010,1,20,U,1,1000\n")
    load.load_portfolio(folder, db)
    assert one(db, "SELECT SUM(total) FROM population WHERE year = 2010") == 529_208
    new_sha = hashlib.sha256(population.read_bytes()).hexdigest()
    shas = "SELECT list(sha256 ORDER BY loaded_at, load_id) FROM load_log WHERE content = 'befolkning'"
    assert set(one(db, shas)) == {first_sha, new_sha}  # each load logged the file it read


def test_age_groups_are_cut_at_17_18_25_26_64_65_and_an_empty_group_is_0(tmp_path):
    from pipelines import reference

    population = tmp_path / "befolkning.csv"
    lines = ["AAR,BYDEL,ALDER,CIVST,KOEN,PERSONER"]
    lines += [f"2010,3,{age},U,1,{persons}" for age, persons in ((17, 1), (18, 10), (25, 100), (26, 1000), (64, 10000), (65, 100000))]
    lines += ["2010,5,30,U,2,7"]  # Valby: only a 30-year-old, so three groups without anybody
    population.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert reference.population_by_age_group(population).to_pylist() == [
        {"year": 2010, "district_id": 3, "age_0_17": 1, "age_18_25": 110, "age_26_64": 11000, "age_65_plus": 100000, "total": 111111},
        {"year": 2010, "district_id": 5, "age_0_17": 0, "age_18_25": 0, "age_26_64": 7, "age_65_plus": 0, "total": 7},
    ]
