"""Loads are all or nothing: a refused or failed load leaves the database file exactly as it was."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys

import duckdb

from pipelines.load import load_portfolio
from tests.conftest import PROJECT_DIR, small_portfolio, write_csv_folder


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_cli(*args, env_db=None):
    env = {**os.environ, "PYTHONPATH": str(PROJECT_DIR)}
    env.pop("SIKKERBY_DB", None)
    if env_db:
        env["SIKKERBY_DB"] = str(env_db)
    return subprocess.run([sys.executable, "-m", "pipelines", *map(str, args)], capture_output=True, text=True, env=env, cwd=PROJECT_DIR)


def test_failed_load_leaves_database_unchanged(tmp_path, small_db):
    before = digest(small_db)
    sheets = small_portfolio()
    sheets["budget"].loc[0, "budget_kr"] = "-5"
    result = run_cli("load", write_csv_folder(sheets, tmp_path / "bad"), "--db", small_db)
    assert result.returncode == 1
    assert digest(small_db) == before
    assert "budget, række 2, budget_kr: '-5' må ikke være under 0." in result.stderr
    assert "Databasen er uændret" in result.stderr
    assert "Traceback" not in result.stderr
    assert not [p for p in small_db.parent.iterdir() if p.name.endswith(".tmp")]


def test_unreadable_file_is_refused_without_traceback(tmp_path, small_db):
    before = digest(small_db)
    broken = tmp_path / "indsatser.xlsx"
    broken.write_bytes(b"not a workbook")
    result = run_cli("load", broken, "--db", small_db)
    assert result.returncode != 0
    assert "kan ikke læses som Excel-projektmappe" in result.stderr
    assert "Traceback" not in result.stderr
    assert digest(small_db) == before


def test_successful_load_prints_summary_and_replaces_portfolio(tmp_path, small_db):
    sheets = small_portfolio()
    sheets["budget"].loc[0, "budget_kr"] = "9000000"
    result = run_cli("load", write_csv_folder(sheets, tmp_path / "good"), "--db", small_db)
    assert result.returncode == 0, result.stderr
    assert "initiative: 3 rækker" in result.stdout
    assert "budget 2010: 11,5 mio. kr." in result.stdout
    with duckdb.connect(str(small_db), read_only=True) as con:
        assert con.execute("SELECT SUM(budget_kr) FROM budget WHERE year = 2010").fetchone()[0] == 11_500_000


def test_database_path_comes_from_environment_when_no_flag(tmp_path):
    target = tmp_path / "fra_miljoe.duckdb"
    result = run_cli("load", write_csv_folder(small_portfolio(), tmp_path / "csv"), env_db=target)
    assert result.returncode == 0, result.stderr
    assert target.exists()


def test_reader_with_old_file_open_keeps_working_during_swap(tmp_path, small_db):
    reader = duckdb.connect(str(small_db), read_only=True)
    try:
        sheets = small_portfolio()
        sheets["indsatser"] = sheets["indsatser"].head(2)
        sheets["budget"] = sheets["budget"].head(3)
        load_portfolio(write_csv_folder(sheets, tmp_path / "two"), small_db)
        assert reader.execute("SELECT COUNT(*) FROM initiative").fetchone()[0] == 3
    finally:
        reader.close()
    with duckdb.connect(str(small_db), read_only=True) as fresh:
        assert fresh.execute("SELECT COUNT(*) FROM initiative").fetchone()[0] == 2


def test_load_log_keeps_history_with_sha256_and_rows(tmp_path, small_db):
    load_portfolio(write_csv_folder(small_portfolio(), tmp_path / "again"), small_db)
    with duckdb.connect(str(small_db), read_only=True) as con:
        loads = con.execute("SELECT COUNT(DISTINCT load_id) FROM load_log").fetchone()[0]
        files = con.execute(
            "SELECT source_file, sha256 FROM load_log WHERE content = 'indsatser' ORDER BY loaded_at DESC LIMIT 1"
        ).fetchone()
        rows = dict(
            con.execute(
                "SELECT table_name, row_count FROM load_table_rows WHERE load_id = (SELECT value FROM dataset WHERE key = 'data_version')"
            ).fetchall()
        )
    assert loads == 2
    assert len(files[1]) == 64
    assert rows["initiative"] == 3 and rows["budget"] == 4 and rows["population"] == 264


def test_make_run_build_keeps_an_analysts_loaded_portfolio(small_db):
    before = digest(small_db)
    result = run_cli("build", "--keep-loaded", "--db", small_db)
    assert result.returncode == 0
    assert "eksempeldata bygges ikke ovenpå" in result.stdout
    assert digest(small_db) == before


def test_make_run_build_refreshes_sample_data(tmp_path):
    db = tmp_path / "sample.duckdb"
    assert run_cli("build", "--db", db).returncode == 0
    before = digest(db)
    assert run_cli("build", "--keep-loaded", "--db", db).returncode == 0
    assert digest(db) != before
