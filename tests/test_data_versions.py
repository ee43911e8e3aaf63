"""One data version per page, fresh figures after every load, and loads that never lose each other."""

from __future__ import annotations

import threading
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import database, queries
from dashboard.filters import Filters
from pipelines import store
from pipelines.load import load_portfolio
from tests.apptest_helpers import APP, failures, metric
from tests.conftest import small_portfolio, write_csv_folder

# The small portfolio's 2010 budget: 1.234.567,5 + 500.000 + 2.000.000 = 3.734.567,5 kr.
SMALL_2010 = 3_734_567.5


def load_with_first_budget(tmp_path: Path, db: Path, amount: str, name: str) -> None:
    """Load the small portfolio with its first budget line (SOF-001, Nørrebro, 2010) set to `amount`."""
    sheets = small_portfolio()
    sheets["budget"].loc[0, "budget_kr"] = amount
    load_portfolio(write_csv_folder(sheets, tmp_path / name), db)


def total_2010(source: queries.Source) -> float:
    return float(queries.key_figures(source, Filters(year=2010)).set_index("year").loc[2010, "budget_kr"])


def test_reader_holding_the_old_version_keeps_reading_it_during_a_swap(tmp_path, small_db):
    with database.reading(small_db) as old:
        load_with_first_budget(tmp_path, small_db, "9000000", "new")
        held = old.cursor().execute("SELECT SUM(budget_kr) FROM budget WHERE year = 2010").fetchone()[0]
        with database.reading(small_db) as new:
            fresh = new.cursor().execute("SELECT SUM(budget_kr) FROM budget WHERE year = 2010").fetchone()[0]
    assert held == pytest.approx(SMALL_2010)
    assert fresh == pytest.approx(9_000_000 + 500_000 + 2_000_000)
    assert old.id != new.id


def test_queries_of_one_run_all_read_the_version_the_run_started_with(tmp_path, small_db):
    with database.reading(small_db) as version:
        source = queries.source_of(version)
        before_swap = total_2010(source)
        load_with_first_budget(tmp_path, small_db, "9000000", "new")
        table = queries.initiatives_table(source, Filters(year=2010))
    assert before_swap == pytest.approx(SMALL_2010)
    assert table["budget_kr"].sum() == pytest.approx(SMALL_2010)


def test_a_new_session_sees_the_new_figures_while_an_old_run_still_holds_the_old_file(tmp_path, small_db, monkeypatch):
    monkeypatch.setenv("SIKKERBY_DB", str(small_db))
    first = AppTest.from_file(APP, default_timeout=30)
    first.query_params["aar"] = "2010"
    first.run()
    assert metric(first, "Besluttet budget (mio. kr.)") == "3,7"
    with database.reading(small_db):  # a run of another session is still busy on the old file
        load_with_first_budget(tmp_path, small_db, "9000000", "new")
        second = AppTest.from_file(APP, default_timeout=30)
        second.query_params["aar"] = "2010"
        second.run()
        assert metric(second, "Besluttet budget (mio. kr.)") == "11,5"
    first.run()  # the open session's next click
    assert metric(first, "Besluttet budget (mio. kr.)") == "11,5"


def test_an_old_version_is_closed_once_no_run_uses_it(tmp_path, small_db):
    with database.reading(small_db) as old:
        load_with_first_budget(tmp_path, small_db, "9000000", "new")
        with database.reading(small_db) as new:
            assert set(database.POOL.open_versions(small_db)) == {old.id, new.id}
    assert database.POOL.open_versions(small_db) == [new.id]
    assert old.closed


def test_a_query_for_a_replaced_version_that_nobody_holds_is_refused(tmp_path, small_db):
    with database.reading(small_db) as old:
        stale = queries.source_of(old)
    load_with_first_budget(tmp_path, small_db, "9000000", "new")
    with database.reading(small_db), pytest.raises(database.VersionGone):
        database.read_frame(small_db, stale.version, "SELECT 1")


def test_two_loads_at_once_both_land_in_turn_and_keep_their_history(tmp_path, small_db):
    errors: list[BaseException] = []

    def load(amount: str, name: str) -> None:
        try:
            load_with_first_budget(tmp_path, small_db, amount, name)
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=load, args=(a, n)) for a, n in (("9000000", "a"), ("7000000", "b"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with duckdb.connect(str(small_db), read_only=True) as con:
        loads = con.execute("SELECT COUNT(DISTINCT load_id) FROM load_log").fetchone()[0]
        first_line = con.execute("SELECT budget_kr FROM budget WHERE source_row = 2").fetchone()[0]
    assert loads == 3  # the fixture's load and both concurrent ones
    assert first_line in (9_000_000, 7_000_000)


def test_a_load_that_cannot_get_the_lock_is_refused_in_danish_and_changes_nothing(tmp_path, small_db, monkeypatch):
    before = small_db.read_bytes()
    monkeypatch.setattr(store, "LOAD_WAIT_SECONDS", 0.2)
    with store.exclusive_load(small_db), pytest.raises(store.LoadBusy, match="En anden indlæsning"):
        load_with_first_budget(tmp_path, small_db, "9000000", "new")
    assert small_db.read_bytes() == before


def test_the_app_explains_a_missing_database_without_showing_its_path(tmp_path, monkeypatch):
    monkeypatch.setenv("SIKKERBY_DB", str(tmp_path / "findes_ikke.duckdb"))
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not failures(at), failures(at)
    assert "Databasen findes ikke" in at.error[0].value
    assert str(tmp_path) not in at.error[0].value


def test_a_query_result_has_the_same_columns_and_types_as_duckdbs_own_conversion():
    """Results come by way of Arrow (half the memory for text), typed as DuckDB's `.df()` types them."""
    sql = """
        SELECT * FROM (VALUES
            (1::INTEGER, NULL::INTEGER, 7::BIGINT, TRUE, NULL::BOOLEAN, 12.50::DECIMAL(10, 2), DATE '2010-04-13', 'Valby', NULL::VARCHAR),
            (2, 5, 8, FALSE, TRUE, 0.25, NULL, 'Nørrebro', 'x')
        ) t(whole, missing_one, big, yes, missing_yes, amount, day, name, note)
    """
    con = duckdb.connect()
    ours = database.frame_of(con.sql(sql).to_arrow_table())
    theirs = con.execute(sql).df()
    assert list(ours.columns) == list(theirs.columns)
    assert ours["whole"].dtype == "int32" and ours["big"].dtype == "int64" and ours["yes"].dtype == bool  # no missing: numpy
    assert str(ours["missing_one"].dtype) == "Int32" and ours["missing_one"].isna().tolist() == [True, False]
    assert str(ours["missing_yes"].dtype) == "boolean" and ours["missing_yes"].tolist()[1] is True
    assert ours["amount"].tolist() == [12.5, 0.25]  # a decimal (as an integer SUM gives) is a float, not a Decimal
    assert ours["day"].iloc[0] == pd.Timestamp("2010-04-13") and pd.isna(ours["day"].iloc[1])
    assert ours["name"].tolist() == ["Valby", "Nørrebro"]
    for column in ("whole", "missing_one", "big", "yes", "missing_yes", "amount", "day", "name"):
        assert ours[column].dtype == theirs[column].dtype, column
