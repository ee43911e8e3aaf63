"""The audit trail's store: append-only, outside the data database, newest first."""

from __future__ import annotations

import sqlite3

import pytest

from dashboard import audit
from dashboard.access import ANALYST, Viewer
from pipelines.load import load_portfolio
from tests.conftest import small_portfolio, write_csv_folder

ANE = Viewer("ane@kk.dk", "Ane", ANALYST)


def test_rows_come_back_newest_first_with_who_role_and_what(audit_store):
    audit.record(ANE, audit.SIGN_IN, detail="iat=1")
    audit.record(ANE, audit.GO_LIVE, "ny.xlsx", "SHA-256 ab")
    frame = audit.listing()
    assert frame[["who", "role", "action", "subject", "detail"]].values.tolist() == [
        ["ane@kk.dk", "analytiker", "gjort_live", "ny.xlsx", "SHA-256 ab"],
        ["ane@kk.dk", "analytiker", "log_ind", "", "iat=1"],
    ]
    assert str(frame["at"].dt.tz) == "UTC"
    assert audit.listing(limit=1)["action"].tolist() == ["gjort_live"]


@pytest.mark.parametrize("statement", ["UPDATE audit_event SET who = 'x'", "DELETE FROM audit_event"])
def test_no_row_can_be_changed_or_deleted_even_with_sql(audit_store, statement):
    audit.record(ANE, audit.SIGN_IN, detail="iat=1")
    with sqlite3.connect(audit_store) as connection, pytest.raises(sqlite3.IntegrityError, match="append-only"):
        connection.execute(statement)
    assert len(audit.listing()) == 1


def test_an_unknown_action_is_a_programming_error_not_a_row(audit_store):
    with pytest.raises(ValueError, match="unknown audit action"):
        audit.record(ANE, "rename_everything")
    assert audit.listing().empty


def test_the_trail_survives_a_data_load(audit_store, tmp_path):
    audit.record(ANE, audit.SIGN_IN, detail="iat=1")
    db = tmp_path / "live.duckdb"
    load_portfolio(write_csv_folder(small_portfolio(), tmp_path / "csv"), db)
    load_portfolio(write_csv_folder(small_portfolio(), tmp_path / "csv2"), db)
    assert audit.listing()["action"].tolist() == ["log_ind"]
    assert audit_store.parent == tmp_path and audit_store != db


def test_an_unwritable_trail_says_so_in_danish_without_a_path(tmp_path, monkeypatch):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setenv(audit.STORE_ENV_VAR, str(blocked / "audit.sqlite"))
    with pytest.raises(audit.AuditError) as raised:
        audit.record(ANE, audit.SIGN_IN)
    assert str(raised.value) == "Logbogen kan ikke læses eller skrives lige nu, så handlingen er ikke udført."
