"""Warm caches: every page's queries for a new data version are worked out in the background, before a visitor asks.

A data version goes live in four ways: a server start, a CLI load, an upload on *Indlæs data* and a
restore. All of them end with a new database file (pipelines/store.py), so one watcher per database
notices them all: it looks at the file once a second (`POLL_SECONDS`), and when the file is a new
version it runs the queries of every page for the default view and for each single-district view
(`views`) in a background thread: first every view's key figures, charts and maps (`warm_figures`),
then the tables of initiatives (`warm_tables`), the districts' only while memory allows. The results
land in the same caches the pages read (`queries`), so the first visitor meets warm pages; a page run that comes while the warming is still
going says so in Danish (`WAITING`) and waits for the figure being worked out, not for all of them.
Between its queries the warming gives way to page runs (`VISITORS`), and it stops as soon as its
version is no longer the file on disk (`next_query`): the new version's warming begins at once.

The disclosure decision is worked out first: every people figure of every view is read from it.
When a new version replaces the live one, every cached result is forgotten before the new ones are
made (`queries.clear_cached_results`): the server reads one database, and a replaced version's
results are never asked for again (at 1000× the sample they are about 400 MB). The caches are the
process's, not one database's: a process serving two databases would forget both (only tests do).
A version whose warming fails is tried again (`ATTEMPTS`), then served cold.
Warming is off where `SIKKERBY_WARM=0` (the test suite, which warms where it tests warming).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc
import logging
import math
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path

import pyarrow

from dashboard import decision_view, focus_area_annex, queries, scenario_view
from dashboard.database import POOL, DatabaseMissing, file_identity
from dashboard.filters import Filters
from dashboard.scenario_store import StoreError
from sikkerby.vocabulary import MISSING_FINANCING, PARTIAL_FINANCING

POLL_SECONDS = 1.0
GIVE_WAY_SECONDS = 5.0  # the longest the warming waits for page runs before its next query
QUIET_SECONDS = 1.0  # and how long after a page run, while its browser draws the page
ATTEMPTS, RETRY_SECONDS = 3, 10.0  # a version whose warming fails is tried again twice, ten seconds apart
MEMORY_BUDGET_MB = 550  # the ceiling is 600 MB for the server with warm caches
UNFINANCED = (MISSING_FINANCING, PARTIAL_FINANCING)  # what *Mangler finansiering* lists
WAITING = "Tallene for disse data regnes ud i baggrunden, så første visning tager lidt længere tid. Derefter er siderne hurtige."
LOG = logging.getLogger("sikkerby.warmup")

# Arrow's own allocator (mimalloc) keeps what pandas' text columns free for itself, beside glibc's heap that the
# rest of the server uses: with one allocator for both, freed memory is reused across them and `malloc_trim`
# hands it back. At 1000× the sample the warming's peak fell from 653–664 MB to 601–640 MB in one process.
pyarrow.set_memory_pool(pyarrow.system_memory_pool())


def enabled() -> bool:
    return os.environ.get("SIKKERBY_WARM", "1") != "0"


def memory_budget_mb() -> float:
    """Return the server memory up to which district views are warmed: $SIKKERBY_WARM_MB, else `MEMORY_BUDGET_MB`."""
    return float(os.environ.get("SIKKERBY_WARM_MB", MEMORY_BUDGET_MB))


@functools.cache
def _libc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name) if name else None
    except OSError:
        return None


def release_freed_memory() -> None:
    """Hand memory that freed results left in the allocators back to the operating system.

    glibc (`malloc_trim`) and Arrow's pool, which holds pandas' text columns, keep freed memory for
    reuse; without this a server that forgot a replaced version's results, or the intermediate
    frames of a warmed view, looks as large as before to `memory_mb` and to the machine.
    """
    gc.collect()
    pyarrow.default_memory_pool().release_unused()
    libc = _libc()
    if libc is not None and hasattr(libc, "malloc_trim"):
        libc.malloc_trim(0)


def memory_mb() -> float:
    """Return this process's resident memory in MB (0 where /proc is not there: then the budget never stops warming)."""
    try:
        resident_pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return 0.0
    return resident_pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def views(source: queries.Source) -> list[Filters]:
    """Return the views warmed: the default one (the latest year, no filter) and each district alone in that year."""
    years = queries.budget_years(source)
    if not years:
        return []
    year = int(years[-1])
    return [Filters(year=year)] + [Filters(year=year, districts=(d,)) for d in queries.districts(source)["district_id"]]


def unfinanced_scope(filters: Filters) -> Filters:
    """Return what *Mangler finansiering* lists under `filters`: the chosen financing among missing and partial, else both."""
    return filters._replace(financing=tuple(f for f in (filters.financing or UNFINANCED) if f in UNFINANCED))


def warm_source(source: queries.Source) -> None:
    """Run the queries every page reads whatever the filters: the sidebar's options, the page context, *Om data*, *Scenarier*."""
    queries.disclosure_decision(source)
    queries.dataset_facts(source)
    queries.population_years(source)
    for query in (queries.administrations, queries.focus_areas, queries.goals, queries.load_history, queries.table_row_counts):
        query(source)
    queries.initiative_goals(source)
    warm_decisions(source)


def warm_decisions(source: queries.Source) -> None:
    """Follow up the latest decision in force, as *Beslutninger* opens on it and the brief's section reads it (none: nothing).

    The match list on *Beslutninger* reads the same initiatives as the follow-up.
    """
    districts = queries.districts(source)
    try:
        decision_view.latest(source, dict(zip(districts["district_id"], districts["name"], strict=True)))
    except StoreError:  # the page says what is wrong with the store; warming has nothing to add
        return


class Visitors:
    """The page runs going on now: the warming gives way to them between its queries, so a visitor's figures come first.

    It also waits `QUIET_SECONDS` after a run ends: the visitor's browser is then drawing the page, and the
    next click (another filter, another page) tends to come soon.
    """

    def __init__(self) -> None:
        self._count = 0
        self._last_end = -math.inf
        self._idle = threading.Condition()

    @contextmanager
    def visiting(self) -> Iterator[None]:
        """Count one page run for as long as it lasts."""
        with self._idle:
            self._count += 1
        try:
            yield
        finally:
            with self._idle:
                self._count -= 1
                self._last_end = time.monotonic()
                self._idle.notify_all()

    def give_way(self, longest: float | None = None) -> None:
        """Wait while a page run goes on and `QUIET_SECONDS` after, at most `longest` seconds (`GIVE_WAY_SECONDS`) in all:
        the warming is never starved."""
        deadline = time.monotonic() + (GIVE_WAY_SECONDS if longest is None else longest)
        with self._idle:
            while (now := time.monotonic()) < deadline:
                until = deadline if self._count else min(deadline, self._last_end + QUIET_SECONDS)
                if until <= now:
                    return
                self._idle.wait(until - now)


VISITORS = Visitors()


class Superseded(Exception):
    """The version being warmed is no longer the file on disk: its warming stops, and the new version's begins."""


_warming_thread = threading.local()  # per watcher thread: whether the version it warms is still the file on disk


def next_query() -> None:
    """Before each query of the warming: give way to page runs, then stop if the version has been replaced meanwhile.

    Without this a load in the middle of the warming left the old version's tables being worked out for
    up to half a minute, beside the new version's first page runs: at 1000× the sample the server's
    peak memory (692 MB) came from the two versions at once.
    """
    VISITORS.give_way()
    still_live = getattr(_warming_thread, "still_live", None)
    if still_live is not None and not still_live():
        raise Superseded


def settle() -> None:
    """Between two steps of the warming: hand freed memory back (`release_freed_memory`), once page runs have had their turn.

    A full collection holds Python's lock for 40–60 ms at 1000× the sample: not in the middle of a visitor's run.
    """
    VISITORS.give_way()
    release_freed_memory()


def warm_start_page(source: queries.Source, filters: Filters) -> None:
    """Run the queries of one view of Overblik, the page a visitor opens first and most often filters first."""
    everyone = filters.without_districts()
    queries.city_wide_budget(source, everyone, decided=True)  # the district filter's note on every page
    queries.city_wide_budget(source, everyone)
    for query in (queries.key_figures, queries.budget_by_goal, queries.budget_by_focus_area, queries.budget_by_status):
        next_query()
        query(source, filters)


def warm_figures(source: queries.Source, filters: Filters) -> None:
    """Run the queries behind one view's other key figures, charts and maps (Økonomi, Unge 18–25): small results, some slow to make."""
    everyone = filters.without_districts()
    for query in (
        queries.budget_by_funding_source,
        queries.budget_by_administration_and_focus_area,
        queries.budget_and_spending_by_administration,
        queries.budget_by_year_and_administration,
        queries.young_adults_trend,
    ):
        next_query()
        query(source, filters)
    for query in (
        queries.budget_by_district,
        queries.young_adults_by_district,
        queries.city_wide_young_adults_reached,
        queries.key_figures,
    ):
        next_query()
        query(source, everyone)  # maps and rankings compare all ten districts


def warm_tables(source: queries.Source, filters: Filters) -> None:
    """Run the queries behind one view's tables of initiatives (one row each): large results, kept compressed in the cache."""
    for query in (  # Strategiske mål, Indsatser, Mangler finansiering, Prioritering
        queries.initiatives_by_goal,
        queries.effect_targets_by_goal,
        queries.initiatives_table,
        queries.effect_targets,
    ):
        next_query()
        query(source, filters)
    next_query()
    queries.initiatives_table(source, unfinanced_scope(filters))
    queries.initiative_placement(source, filters.year)  # Prioritering: the whole year's table, placed (Scenarier reads the table too)
    first = focus_area_annex.areas(source, filters).head(1)  # Indsatsområder opens on its first tab
    for area in first.itertuples(index=False):
        focus_area_annex.annex(source, filters, area.focus_area_id, area.name)
    scenario_view.worked_out(source, scenario_view.starting_point(filters.year).to_json())  # Scenarier's starting point, once per year


class Warmer:
    """One watcher thread per database file, and which data versions are warm."""

    def __init__(self, warm: Callable[[queries.Source], None] | None = None) -> None:
        self._lock = threading.Lock()
        self._watched: set[Path] = set()
        self._warming: set[queries.Source] = set()
        self._warm: set[queries.Source] = set()
        self._live: dict[Path, queries.Source] = {}  # per database, the version warmed last
        self._warm_one = warm or self.warm_everything

    def watch(self, db_path: Path) -> None:
        """Start watching `db_path` (once per path): warm its version now, and each new one as it goes live."""
        with self._lock:
            if db_path in self._watched:
                return
            self._watched.add(db_path)
        threading.Thread(target=self._watch, args=(db_path,), name=f"sikkerby-warmup {db_path.name}", daemon=True).start()

    def is_warming(self, source: queries.Source) -> bool:
        with self._lock:
            return source in self._warming

    def is_warm(self, source: queries.Source) -> bool:
        with self._lock:
            return source in self._warm

    def waiting_note(self, source: queries.Source) -> AbstractContextManager:
        """Return a Danish spinner for a page run while its version is being warmed, else nothing."""
        if not self.is_warming(source):
            return nullcontext()
        import streamlit as st

        return st.spinner(WAITING)

    def warm_everything(self, source: queries.Source) -> None:
        """Warm the version's source-wide queries, then Overblik of every view, then the other key figures, charts
        and maps of every view, then the tables of initiatives of the default view, then of each district while
        memory allows.

        Overblik comes first: it is the page a visitor opens, and where the first district is chosen (at
        1000× the sample all eleven views in about 3 s). Then every view's other figures: what a visitor sees
        first on the other pages (about 6 s and 20–60 MB). The default view's tables are always warmed. A
        district's are warmed only while the server holds less than `memory_budget_mb()`: at 1000× all ten
        usually are (about 25 s in all), and a table left cold is still worked out when it is asked for.
        """
        warm_source(source)
        settle()  # the disclosure decision's intermediate frames, before the figures' queries
        default, *districts = views(source) or [None]
        if default is None:
            return
        for filters in (default, *districts):
            warm_start_page(source, filters)
        for filters in (default, *districts):
            settle()  # else each view's leftovers raise the floor under the next view's queries
            warm_figures(source, filters)
        settle()
        warm_tables(source, default)
        for done, filters in enumerate(districts):
            settle()  # what the last view's queries freed does not count against the budget
            if memory_mb() >= memory_budget_mb():
                LOG.warning(
                    "Opvarmning stoppet ved %.0f MB: tabellerne for %d af %d bydele er ikke varmet op",
                    memory_mb(),
                    len(districts) - done,
                    len(districts),
                )
                return
            warm_tables(source, filters)

    def _watch(self, db_path: Path) -> None:
        seen, failed = None, 0
        while True:
            try:
                identity = file_identity(db_path)
                if identity != seen:
                    seen = identity
                    self._warm_live(db_path, identity)
                    failed = 0
            except Superseded:  # a newer version is on disk: warm it at once
                LOG.info("Opvarmning af en erstattet dataversion af %s stoppet", db_path)
                continue
            except DatabaseMissing:
                seen = None
            except Exception:  # a version that fails to warm is still served: its pages work out their figures on demand
                failed += 1
                LOG.exception("Opvarmning af %s mislykkedes (forsøg %d af %d)", db_path, failed, ATTEMPTS)
                if failed < ATTEMPTS:  # a passing failure (a file being replaced, a full disk) gets another try
                    seen = None
                    time.sleep(RETRY_SECONDS)
            time.sleep(POLL_SECONDS)

    def _warm_live(self, db_path: Path, identity: tuple[int, int, int]) -> None:
        version = POOL.checkout(db_path)  # held while warming, so the warmed version stays open
        source = queries.source_of(version)
        try:
            with self._lock:
                if source in self._warm or source in self._warming:
                    return
                self._warming.add(source)
                replaced = self._live.get(db_path)
                self._live[db_path] = source
                self._warm.discard(replaced)
            start = time.perf_counter()
            _warming_thread.still_live = lambda: _identity_or_none(db_path) == identity
            try:  # whatever fails from here on, the version is no longer marked as being warmed
                if replaced not in (None, source):  # its results are no longer asked for: free them before the new ones are made
                    queries.clear_cached_results()
                    release_freed_memory()
                self._warm_one(source)
            finally:
                _warming_thread.still_live = None
                with self._lock:
                    self._warming.discard(source)
            with self._lock:
                self._warm.add(source)
            LOG.info("Dataversion %s er varmet op på %.1f s", source.version, time.perf_counter() - start)
        finally:
            POOL.release(version)


def _identity_or_none(db_path: Path) -> tuple[int, int, int] | None:
    try:
        return file_identity(db_path)
    except DatabaseMissing:
        return None


WARMER = Warmer()
