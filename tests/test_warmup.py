"""Warm caches: after a data version goes live, the first visitor's pages read nothing more from the database.

The suite runs with warming off (conftest); these tests turn it on where they test it.
"""

from __future__ import annotations

import logging
import threading
import time
from contextlib import nullcontext
from datetime import date
from pathlib import Path

import pytest
import streamlit as st

from dashboard import decision_store, decision_view, prioritisation, queries, scenario_view, warmup
from dashboard.database import VersionGone, reading
from dashboard.filters import Filters
from dashboard.scenarios import Change, Scenario
from pipelines.load import load_portfolio
from tests.apptest_helpers import PAGES, failures, open_app
from tests.conftest import small_portfolio, write_csv_folder

NORREBRO = "Nørrebro"


def wait_until(condition, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "ventede forgæves"
        time.sleep(0.05)


def live_source(db: Path) -> queries.Source:
    with reading(db) as version:
        return queries.source_of(version)


@pytest.fixture
def counted_reads(monkeypatch) -> list[str]:
    """Record every query the app sends to the database from now on."""
    sent: list[str] = []
    original = queries.read_frame

    def counting(db_path, version_id, sql, params=None):
        sent.append(sql)
        return original(db_path, version_id, sql, params)

    monkeypatch.setattr(queries, "read_frame", counting)
    return sent


def visit_every_page(query: dict) -> None:
    """Open the start page with `query` in the address, then every other page in the same session."""
    at = open_app("overview", query)
    for page in PAGES.values():
        at.switch_page(page).run()
        assert not failures(at), (page, failures(at))


def test_the_first_visitor_after_a_server_start_meets_warm_pages_with_and_without_a_district(small_db, monkeypatch, request):
    monkeypatch.setenv("SIKKERBY_DB", str(small_db))
    monkeypatch.setenv("SIKKERBY_WARM", "1")
    monkeypatch.setenv("SIKKERBY_WARM_MB", "1000000")  # the suite's own process may hold more than a server's budget
    source = live_source(small_db)
    scenario = Scenario(name="Budget 2011", year=2011, changes={"SOF-001": Change(step=-0.5)})
    frozen = decision_view.freeze(source, scenario)  # a decision on record: Beslutninger opens on its follow-up
    decision_store.adopt(scenario, source.version, *frozen, date(2010, 4, 13), "Økonomiudvalget 13.04.2010, punkt 6", "", "a@kk.dk")
    queries.clear_cached_results()  # what freezing cached is not the warming's doing
    worked: list[int] = []  # each scenario worked out (0,5–3 s at 1000×), by year
    original = scenario_view.outcome
    monkeypatch.setattr(scenario_view, "outcome", lambda source, scenario: worked.append(scenario.year) or original(source, scenario))
    placings: list[int] = []  # each placement of a year's initiatives on Prioritering (0,4 s at 1000×)
    place = prioritisation.place_initiatives
    monkeypatch.setattr(prioritisation, "place_initiatives", lambda active: placings.append(len(active)) or place(active))
    assert not warmup.WARMER.is_warm(source)
    open_app("about")  # the first run starts the watcher, as a server's first run does
    wait_until(lambda: warmup.WARMER.is_warm(source))
    assert worked == [2011]  # Scenarier's starting point: the latest year, once, though eleven views were warmed
    assert len(placings) == 1  # and Prioritering's placement of that year
    sent = request.getfixturevalue("counted_reads")
    visit_every_page({})
    visit_every_page({"bydel": NORREBRO})
    visit_every_page({"bydel": "Valby"})
    # every page, default and each single district: nothing left to read but the one initiative the detail
    # shows (one initiative's lines: 20 ms at 100× the sample, and any of thousands may be chosen)
    assert [sql for sql in sent if "WHERE initiative_id = $id" not in sql] == []
    assert worked == [2011]  # and Scenarier opened on it without working anything out
    assert len(placings) == 1  # nor Prioritering
    visit_every_page({"aar": "2009", "bydel": NORREBRO})  # a view not warmed (another year) still reads, so the count can fail
    assert sent


def test_a_new_data_version_from_a_load_is_warmed_the_old_one_forgotten_and_neither_warmed_twice(tmp_path, monkeypatch):
    monkeypatch.setattr(warmup, "POLL_SECONDS", 0.05)
    db = tmp_path / "live.duckdb"
    load_portfolio(write_csv_folder(small_portfolio(), tmp_path / "first"), db)
    warmed: list[queries.Source] = []
    released: list[bool] = []  # each time freed memory is handed back to the system
    monkeypatch.setattr(warmup, "release_freed_memory", lambda: released.append(True))
    watcher = warmup.Warmer(warm=warmed.append)
    watcher.watch(db)
    watcher.watch(db)  # a second run asks again: still one watcher
    first = live_source(db)
    wait_until(lambda: watcher.is_warm(first))
    assert released == []  # nothing forgotten yet
    assert queries.budget_years(first) == [2010, 2011]  # cached for the first version
    second_sheets = small_portfolio()
    second_sheets["budget"].loc[0, "budget_kr"] = "1"
    load_portfolio(write_csv_folder(second_sheets, tmp_path / "second"), db)  # as `pipelines load` or an upload does
    second = live_source(db)
    assert second != first
    wait_until(lambda: watcher.is_warm(second))
    time.sleep(0.2)  # more polls of an unchanged file
    assert warmed == [first, second]
    assert released == [True]  # once, when the first version's results were forgotten
    assert not watcher.is_warm(first)
    with pytest.raises(VersionGone):  # its cached result was freed: asking again reaches for a file no longer there
        queries.budget_years(first)


def test_a_load_in_the_middle_of_the_warming_stops_the_old_versions_warming_and_warms_the_new_one(tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(warmup, "POLL_SECONDS", 0.05)
    db = tmp_path / "live.duckdb"
    load_portfolio(write_csv_folder(small_portfolio(), tmp_path / "first"), db)
    first = live_source(db)
    midway, loaded = threading.Event(), threading.Event()
    done: list[tuple[queries.Source, int]] = []  # (version, query) as the warming works through its three queries

    def three_queries(source: queries.Source) -> None:
        for query in range(3):
            warmup.next_query()
            done.append((source, query))
            if (source, query) == (first, 0):
                midway.set()
                loaded.wait(30)

    watcher = warmup.Warmer(warm=three_queries)
    watcher.watch(db)
    midway.wait(30)
    second_sheets = small_portfolio()
    second_sheets["budget"].loc[0, "budget_kr"] = "1"
    load_portfolio(write_csv_folder(second_sheets, tmp_path / "second"), db)  # while the first version's first query runs
    second = live_source(db)
    loaded.set()
    wait_until(lambda: watcher.is_warm(second))
    assert done == [(first, 0), (second, 0), (second, 1), (second, 2)]  # the old version's next queries never ran
    assert not watcher.is_warm(first)
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []  # stopped, not failed and retried


def test_a_failure_while_forgetting_the_old_versions_results_leaves_no_version_waiting_for_ever(tmp_path, monkeypatch):
    monkeypatch.setattr(warmup, "POLL_SECONDS", 0.02)
    monkeypatch.setattr(warmup, "RETRY_SECONDS", 0.02)
    db = tmp_path / "live.duckdb"
    load_portfolio(write_csv_folder(small_portfolio(), tmp_path / "first"), db)
    failures: list[bool] = []

    def fails_once() -> None:
        if not failures:
            failures.append(True)
            raise OSError("hukommelsen kunne ikke gives tilbage")

    monkeypatch.setattr(warmup, "release_freed_memory", fails_once)
    watcher = warmup.Warmer(warm=lambda source: None)
    watcher.watch(db)
    first = live_source(db)
    wait_until(lambda: watcher.is_warm(first))
    second_sheets = small_portfolio()
    second_sheets["budget"].loc[0, "budget_kr"] = "1"
    load_portfolio(write_csv_folder(second_sheets, tmp_path / "second"), db)
    second = live_source(db)
    wait_until(lambda: watcher.is_warm(second))  # tried again, not left marked as being warmed (a spinner on every page)
    assert failures == [True]
    assert not watcher.is_warming(second)


def test_a_page_run_while_its_version_is_being_warmed_says_so_in_danish(small_db, monkeypatch):
    release = threading.Event()
    watcher = warmup.Warmer(warm=lambda source: release.wait(30))
    watcher.watch(small_db)
    source = live_source(small_db)
    wait_until(lambda: watcher.is_warming(source))
    shown: list[str] = []
    monkeypatch.setattr(st, "spinner", lambda text, **_: shown.append(text) or nullcontext())
    try:
        with watcher.waiting_note(source):
            pass
        assert shown == [
            "Tallene for disse data regnes ud i baggrunden, så første visning tager lidt længere tid. Derefter er siderne hurtige."
        ]
    finally:
        release.set()
    wait_until(lambda: watcher.is_warm(source))
    with watcher.waiting_note(source):
        pass
    assert len(shown) == 1  # warm: no note


def test_the_warmed_views_are_the_latest_year_alone_and_with_each_district(small_db):
    source = live_source(small_db)
    years = queries.budget_years(source)
    chosen = warmup.views(source)
    assert chosen[0] == Filters(year=max(years))
    assert [f.districts for f in chosen[1:]] == [(d,) for d in range(1, 11)]  # the ten districts, one at a time
    assert all(type(f.districts[0]) is int for f in chosen[1:])  # as the sidebar gives them, so the cache keys meet


def test_mangler_finansiering_lists_missing_and_partial_unless_the_filter_narrows_it():
    assert warmup.unfinanced_scope(Filters(year=2010)).financing == ("mangler", "delvist")
    assert warmup.unfinanced_scope(Filters(year=2010, financing=("delvist", "finansieret"))).financing == ("delvist",)
    assert warmup.unfinanced_scope(Filters(year=2010, financing=("finansieret",))).financing == ()


def record_warming(monkeypatch) -> list[tuple[str, Filters]]:
    """Replace the warming of a view's figures and tables with a record of what was warmed, in order."""
    warmed: list[tuple[str, Filters]] = []
    monkeypatch.setattr(warmup, "warm_source", lambda source: None)
    monkeypatch.setattr(warmup, "warm_start_page", lambda source, filters: warmed.append(("start page", filters)))
    monkeypatch.setattr(warmup, "warm_figures", lambda source, filters: warmed.append(("figures", filters)))
    monkeypatch.setattr(warmup, "warm_tables", lambda source, filters: warmed.append(("tables", filters)))
    return warmed


@pytest.mark.parametrize(("resident_mb", "districts_with_tables"), [(549.9, 10), (550.0, 0), (0.0, 10)])
def test_every_views_start_page_then_figures_are_warmed_first_and_district_tables_only_below_the_memory_budget(
    small_db, monkeypatch, resident_mb, districts_with_tables
):
    monkeypatch.setattr(warmup, "memory_mb", lambda: resident_mb)
    monkeypatch.delenv("SIKKERBY_WARM_MB", raising=False)
    warmed = record_warming(monkeypatch)
    warmup.Warmer().warm_everything(live_source(small_db))
    everyone = Filters(year=2011)
    districts = [(d,) for d in range(1, 11)]
    every_view = [everyone] + [Filters(year=2011, districts=d) for d in districts]
    assert warmed[:11] == [("start page", f) for f in every_view]  # Overblik, where a visitor chooses the first district
    assert warmed[11:22] == [("figures", f) for f in every_view]
    assert warmed[22] == ("tables", everyone)  # the default view's tables, whatever the memory
    assert [f.districts for what, f in warmed[23:]] == districts[:districts_with_tables]
    assert all(what == "tables" for what, _ in warmed[23:])


def test_the_budget_stops_warming_tables_when_the_server_reaches_it_midway(small_db, monkeypatch):
    resident = iter([100.0, 200.0, 300.0, 700.0])  # after the default view's tables and three districts', the budget is reached
    monkeypatch.setattr(warmup, "memory_mb", lambda: next(resident, 700.0))
    monkeypatch.setenv("SIKKERBY_WARM_MB", "600")
    warmed = record_warming(monkeypatch)
    warmup.Warmer().warm_everything(live_source(small_db))
    assert [f.districts for what, f in warmed if what == "tables"] == [(), (1,), (2,), (3,)]
    assert len([what for what, _ in warmed if what == "figures"]) == 11


def test_the_servers_own_memory_is_read_in_megabytes():
    assert 10 < warmup.memory_mb() < 100_000  # this test process: tens to thousands of MB, never pages or bytes


def test_a_version_whose_warming_fails_is_tried_again_and_then_left_cold(small_db, monkeypatch):
    monkeypatch.setattr(warmup, "POLL_SECONDS", 0.02)
    monkeypatch.setattr(warmup, "RETRY_SECONDS", 0.02)
    tries: list[queries.Source] = []

    def fails_once(source):
        tries.append(source)
        if len(tries) == 1:
            raise OSError("disken er fuld")

    watcher = warmup.Warmer(warm=fails_once)
    watcher.watch(small_db)
    source = live_source(small_db)
    wait_until(lambda: watcher.is_warm(source))
    assert len(tries) == 2  # failed, then warmed on the second try

    always: list[queries.Source] = []
    broken = warmup.Warmer(warm=lambda source: always.append(source) or 1 / 0)
    broken.watch(small_db)
    wait_until(lambda: len(always) >= warmup.ATTEMPTS)
    time.sleep(0.3)  # many more polls of the same file
    assert len(always) == warmup.ATTEMPTS == 3  # three tries, then served cold
    assert not broken.is_warm(source)


def test_the_warming_gives_way_to_a_page_run_and_a_moment_after_it(monkeypatch):
    """Between its queries the warming waits while a visitor's page runs, and `QUIET_SECONDS` after (the browser draws)."""
    monkeypatch.setattr(warmup, "QUIET_SECONDS", 0.4)
    visitors = warmup.Visitors()
    page_done, page_started = threading.Event(), threading.Event()

    def page_run() -> None:
        with visitors.visiting():
            page_started.set()
            page_done.wait(30)

    page = threading.Thread(target=page_run)
    page.start()
    page_started.wait(30)
    warming = threading.Thread(target=visitors.give_way, args=(30,))
    warming.start()
    warming.join(0.3)
    assert warming.is_alive()  # still waiting: the page run goes on
    page_done.set()
    page.join(30)
    ended = time.monotonic()
    warming.join(30)
    assert not warming.is_alive()  # on its way once the quiet moment after the run has passed
    assert time.monotonic() - ended >= 0.4 - 0.05  # not before (a little slack for the clock's grain)


def test_freed_memory_is_handed_back_between_steps_only_once_the_page_run_has_ended(monkeypatch):
    """The full collection behind it holds Python's lock for 40–60 ms at 1000×: never in the middle of a visitor's run."""
    monkeypatch.setattr(warmup, "QUIET_SECONDS", 0.0)
    monkeypatch.setattr(warmup, "VISITORS", warmup.Visitors())
    released: list[bool] = []
    monkeypatch.setattr(warmup, "release_freed_memory", lambda: released.append(True))
    with warmup.VISITORS.visiting():
        between_steps = threading.Thread(target=warmup.settle)
        between_steps.start()
        between_steps.join(0.3)
        assert released == []  # the page run goes on
    between_steps.join(30)
    assert released == [True]


def test_the_warming_goes_on_at_once_when_nobody_has_visited_or_the_quiet_moment_has_passed(monkeypatch):
    monkeypatch.setattr(warmup, "QUIET_SECONDS", 0.0)
    visitors = warmup.Visitors()

    def goes_on() -> bool:
        warming = threading.Thread(target=visitors.give_way, args=(60,))
        warming.start()
        warming.join(10)
        return not warming.is_alive()

    assert goes_on()  # no visitor yet
    with visitors.visiting():
        pass
    assert goes_on()  # the run has ended and no quiet moment is asked for


def test_the_warming_waits_for_page_runs_only_so_long(monkeypatch):
    visitors = warmup.Visitors()
    with visitors.visiting():
        warming = threading.Thread(target=visitors.give_way, args=(0.1,))
        warming.start()
        warming.join(30)
        assert not warming.is_alive()  # on its way although the page run goes on: warming is never starved
    monkeypatch.setattr(warmup, "QUIET_SECONDS", 60.0)
    warming = threading.Thread(target=visitors.give_way, args=(0.1,))
    warming.start()
    warming.join(30)
    assert not warming.is_alive()  # nor by a long quiet moment after a run


def test_every_page_run_counts_as_a_visitor_the_warming_gives_way_to(small_db, monkeypatch):
    from contextlib import contextmanager

    entered = []

    @contextmanager
    def visiting():
        entered.append(True)
        yield

    monkeypatch.setattr(warmup.VISITORS, "visiting", visiting)
    monkeypatch.setenv("SIKKERBY_DB", str(small_db))
    open_app("about")
    assert entered == [True]


def test_the_server_does_not_collect_all_garbage_after_every_run():
    """Streamlit's full collection after each run cost 70–135 ms per click at 1000× (see .streamlit/config.toml)."""
    import tomllib

    config = tomllib.loads((Path(__file__).resolve().parent.parent / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["runner"]["postScriptGC"] is False


def test_make_run_and_the_benchmark_start_the_server_with_glibc_handing_large_blocks_back():
    """Without a fixed mmap threshold glibc kept freed result columns in its heap: the warming peaked ~100 MB higher at 1000×."""
    import re
    import sys

    project = Path(__file__).resolve().parent.parent
    recipe = re.search(r"^run:.*\n((?:\t.*\n)+)", (project / "Makefile").read_text(encoding="utf-8"), re.MULTILINE).group(1)
    started_with = dict(re.findall(r"\b(MALLOC_[A-Z_]+)=(\S+)", recipe))
    assert started_with == {"MALLOC_ARENA_MAX": "2", "MALLOC_MMAP_THRESHOLD_": "131072"}
    sys.path.insert(0, str(project / "scripts"))
    try:
        import benchmark
    finally:
        sys.path.remove(str(project / "scripts"))
    assert started_with == benchmark.SERVER_ENV | benchmark.DASHBOARD_ENV  # what make bench measures is what make run starts


def test_pandas_text_columns_are_allocated_by_the_same_allocator_as_everything_else():
    """One allocator for the server: memory Arrow frees is reused by the rest and handed back by `release_freed_memory`."""
    import pyarrow

    assert pyarrow.default_memory_pool().backend_name == "system"  # set when the server imports dashboard.warmup
