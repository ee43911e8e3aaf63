"""Every SQL statement of the app. Results are cached by the data source, its version and filters.

Each function takes a `Source` (database path and data version) first, so a load that swaps in a
new database file gives new cache keys and the pages show the new data on their next run. Scoped
queries start from `_SCOPE`, which applies the sidebar filters once, the same way for every page:

- initiative filters (administration, focus area, goal, status) choose initiatives;
- a district filter keeps only budget and activity lines of those districts, so city-wide lines
  ('Hele byen') are left out while it is set;
- population is taken for the latest year available up to the chosen year.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import pandas as pd
import streamlit as st

from dashboard.database import current_database, data_version, read_frame
from dashboard.filters import Filters

# ttl bounds how long a result can outlive its data in the rare race where a session's query
# reuses DuckDB's open instance of the old file while another session already sees the new one.
CACHE = {"show_spinner": False, "max_entries": 512, "ttl": 600}


class Source(NamedTuple):
    """Which database to read, and which version of it (part of every cache key)."""

    db: str
    version: str


def current_source() -> Source:
    """Return the app's database and its current version; raises DatabaseMissing if absent."""
    db = current_database()
    return Source(str(db), data_version(db))


def _read(source: Source, sql: str, params: list | dict | None = None) -> pd.DataFrame:
    return read_frame(Path(source.db), sql, params)


def _scoped(source: Source, filters: Filters, body: str, **extra: object) -> pd.DataFrame:
    return _read(source, _SCOPE + body, filters.as_params() | extra)


_SCOPE = """
WITH f AS (
    SELECT
        $year::INTEGER AS year,
        $districts::INTEGER[] AS districts,
        $administrations::VARCHAR[] AS administrations,
        $focus_areas::INTEGER[] AS focus_areas,
        $goals::INTEGER[] AS goals,
        $statuses::VARCHAR[] AS statuses,
        COALESCE((SELECT MAX(year) FROM population WHERE year <= $year), (SELECT MIN(year) FROM population)) AS population_year
),
chosen AS (
    SELECT i.*, fa.name AS focus_area, a.name AS administration_name
    FROM initiative i
    JOIN focus_area fa USING (focus_area_id)
    JOIN administration a ON a.code = i.administration_code, f
    WHERE (len(f.administrations) = 0 OR list_contains(f.administrations, i.administration_code))
      AND (len(f.focus_areas) = 0 OR list_contains(f.focus_areas, i.focus_area_id))
      AND (len(f.statuses) = 0 OR list_contains(f.statuses, i.status))
      AND (len(f.goals) = 0 OR EXISTS (
            SELECT 1 FROM initiative_goal g
            WHERE g.initiative_id = i.initiative_id AND list_contains(f.goals, g.goal_id)))
),
budget_scope AS (
    SELECT b.* FROM budget b JOIN chosen USING (initiative_id), f
    WHERE len(f.districts) = 0 OR list_contains(f.districts, b.district_id)
),
activity_scope AS (
    SELECT a.* FROM activity a JOIN chosen USING (initiative_id), f
    WHERE len(f.districts) = 0 OR list_contains(f.districts, a.district_id)
),
population_scope AS (
    SELECT p.* FROM population p, f
    WHERE len(f.districts) = 0 OR list_contains(f.districts, p.district_id)
)
"""


# --- The dataset and its dimensions -----------------------------------------------------------


@st.cache_data(**CACHE)
def dataset_facts(source: Source) -> dict[str, str]:
    """Return the dataset's key facts: whether the portfolio is sample data, its source, version."""
    frame = _read(source, "SELECT key, value FROM dataset")
    return dict(zip(frame["key"], frame["value"], strict=True))


@st.cache_data(**CACHE)
def load_history(source: Source) -> pd.DataFrame:
    """Return every file loaded into this database, newest first."""
    return _read(
        source,
        """
        SELECT loaded_at, source_file, content, sha256
        FROM load_log
        ORDER BY loaded_at DESC, content
        """,
    )


@st.cache_data(**CACHE)
def table_row_counts(source: Source) -> pd.DataFrame:
    """Return the row count of each table as written by the latest load."""
    return _read(
        source,
        """
        SELECT table_name, row_count
        FROM load_table_rows
        WHERE load_id = (SELECT value FROM dataset WHERE key = 'data_version')
        """,
    )


@st.cache_data(**CACHE)
def budget_years(source: Source) -> list[int]:
    """Return the years that have budget lines, oldest first."""
    return _read(source, "SELECT DISTINCT year FROM budget ORDER BY year")["year"].tolist()


@st.cache_data(**CACHE)
def population_years(source: Source) -> tuple[int, int]:
    """Return the first and last year of the population data."""
    row = _read(source, "SELECT MIN(year) AS first, MAX(year) AS last FROM population").iloc[0]
    return int(row["first"]), int(row["last"])


@st.cache_data(**CACHE)
def districts(source: Source) -> pd.DataFrame:
    """Return the ten districts with their boundaries (GeoJSON Feature text)."""
    return _read(source, "SELECT district_id, name, area_m2, boundary_geojson FROM district ORDER BY district_id")


@st.cache_data(**CACHE)
def administrations(source: Source) -> pd.DataFrame:
    """Return the administrations: code and name."""
    return _read(source, "SELECT code, name FROM administration ORDER BY code")


@st.cache_data(**CACHE)
def focus_areas(source: Source) -> pd.DataFrame:
    """Return the focus areas in the memo's order."""
    return _read(source, "SELECT focus_area_id, name FROM focus_area ORDER BY focus_area_id")


@st.cache_data(**CACHE)
def goals(source: Source) -> pd.DataFrame:
    """Return the four strategic goals."""
    return _read(source, "SELECT goal_id, name FROM goal ORDER BY goal_id")


# --- Overblik ---------------------------------------------------------------------------------


@st.cache_data(**CACHE)
def key_figures(source: Source, filters: Filters) -> pd.DataFrame:
    """Return the key figures for the chosen year and the year before (one row per year)."""
    return _scoped(
        source,
        filters,
        """
        , years AS (
            SELECT y AS year,
                   COALESCE((SELECT MAX(p.year) FROM population p WHERE p.year <= y), (SELECT MIN(year) FROM population)) AS population_year
            FROM (SELECT unnest([f.year - 1, f.year]) AS y FROM f)
        )
        SELECT
            y.year,
            y.population_year,
            (SELECT COALESCE(SUM(budget_kr), 0) FROM budget_scope b WHERE b.year = y.year) AS budget_kr,
            (SELECT COUNT(DISTINCT initiative_id) FROM budget_scope b WHERE b.year = y.year AND b.budget_kr > 0) AS initiatives,
            (SELECT COALESCE(SUM(b.budget_kr), 0) FROM budget_scope b JOIN chosen c USING (initiative_id)
             WHERE b.year = y.year AND c.targets_18_25) AS budget_18_25_kr,
            (SELECT COALESCE(SUM(participants_18_25), 0) FROM activity_scope a WHERE a.year = y.year) AS reached_18_25,
            (SELECT SUM(age_18_25) FROM population_scope p WHERE p.year = y.population_year) AS residents_18_25,
            (SELECT COALESCE(SUM(b.budget_kr), 0) FROM budget_scope b JOIN chosen c USING (initiative_id)
             WHERE b.year = y.year AND c.financing IN ('mangler', 'delvist')) AS financing_gap_kr,
            (SELECT COUNT(DISTINCT b.initiative_id) FROM budget_scope b JOIN chosen c USING (initiative_id)
             WHERE b.year = y.year AND c.financing IN ('mangler', 'delvist')) AS financing_gap_initiatives
        FROM years y
        ORDER BY y.year
        """,
    ).assign(reached_per_1000=lambda d: d["reached_18_25"] / d["residents_18_25"] * 1000)


@st.cache_data(**CACHE)
def budget_by_goal(source: Source, filters: Filters) -> pd.DataFrame:
    """Return the year's budget per strategic goal; an initiative's budget is split evenly between its goals.

    With a goal filter, only the chosen goals (each with its share of the initiatives' budget).
    """
    return _scoped(
        source,
        filters,
        """
        SELECT g.goal_id, g.name AS goal,
               COALESCE(SUM(b.budget_kr / c.goal_count), 0) AS budget_kr,
               COUNT(DISTINCT b.initiative_id) AS initiatives
        FROM goal g
        LEFT JOIN initiative_goal ig USING (goal_id)
        LEFT JOIN chosen c ON c.initiative_id = ig.initiative_id
        LEFT JOIN budget_scope b ON b.initiative_id = c.initiative_id AND b.year = (SELECT year FROM f)
        WHERE len((SELECT goals FROM f)) = 0 OR list_contains((SELECT goals FROM f), g.goal_id)
        GROUP BY g.goal_id, g.name
        ORDER BY g.goal_id
        """,
    )


@st.cache_data(**CACHE)
def budget_by_focus_area(source: Source, filters: Filters) -> pd.DataFrame:
    """Return the year's budget per focus area."""
    return _scoped(
        source,
        filters,
        """
        SELECT fa.focus_area_id, fa.name AS focus_area,
               COALESCE(SUM(b.budget_kr), 0) AS budget_kr, COUNT(DISTINCT b.initiative_id) AS initiatives
        FROM focus_area fa
        LEFT JOIN chosen c USING (focus_area_id)
        LEFT JOIN budget_scope b ON b.initiative_id = c.initiative_id AND b.year = (SELECT year FROM f)
        GROUP BY fa.focus_area_id, fa.name
        ORDER BY fa.focus_area_id
        """,
    )


@st.cache_data(**CACHE)
def budget_by_status(source: Source, filters: Filters) -> pd.DataFrame:
    """Return the year's budget for existing, new and proposed initiatives."""
    return _scoped(
        source,
        filters,
        """
        SELECT s.status, COALESCE(SUM(b.budget_kr), 0) AS budget_kr, COUNT(DISTINCT b.initiative_id) AS initiatives
        FROM (SELECT unnest(['eksisterende', 'ny', 'foreslaaet']) AS status, generate_subscripts(['eksisterende', 'ny', 'foreslaaet'], 1) AS position) s
        LEFT JOIN chosen c ON c.status = s.status
        LEFT JOIN budget_scope b ON b.initiative_id = c.initiative_id AND b.year = (SELECT year FROM f)
        GROUP BY s.status, s.position
        ORDER BY s.position
        """,
    )


# --- Økonomi ----------------------------------------------------------------------------------


@st.cache_data(**CACHE)
def budget_by_administration_and_focus_area(source: Source, filters: Filters) -> pd.DataFrame:
    """Return the year's budget per administration and focus area (only combinations with budget)."""
    return _scoped(
        source,
        filters,
        """
        SELECT c.administration_code, c.focus_area_id, c.focus_area, SUM(b.budget_kr) AS budget_kr
        FROM budget_scope b JOIN chosen c USING (initiative_id), f
        WHERE b.year = f.year
        GROUP BY ALL
        ORDER BY c.administration_code, c.focus_area_id
        """,
    )


@st.cache_data(**CACHE)
def budget_by_year_and_administration(source: Source, filters: Filters) -> pd.DataFrame:
    """Return the budget of every year per administration (the year filter does not apply)."""
    return _scoped(
        source,
        filters,
        """
        SELECT b.year, c.administration_code, SUM(b.budget_kr) AS budget_kr
        FROM budget_scope b JOIN chosen c USING (initiative_id)
        GROUP BY ALL
        ORDER BY b.year, c.administration_code
        """,
    )


@st.cache_data(**CACHE)
def budget_by_district(source: Source, filters: Filters) -> pd.DataFrame:
    """Return the year's budget per district, its residents and kr. per resident (all ten districts)."""
    return _scoped(
        source,
        filters,
        """
        SELECT d.district_id, d.name AS district,
               COALESCE(SUM(b.budget_kr), 0) AS budget_kr,
               ANY_VALUE(p.total) AS residents,
               COALESCE(SUM(b.budget_kr), 0) / ANY_VALUE(p.total) AS kr_per_resident
        FROM district d
        CROSS JOIN f
        LEFT JOIN population p ON p.district_id = d.district_id AND p.year = f.population_year
        LEFT JOIN budget_scope b ON b.district_id = d.district_id AND b.year = f.year
        WHERE len(f.districts) = 0 OR list_contains(f.districts, d.district_id)
        GROUP BY d.district_id, d.name
        ORDER BY d.district_id
        """,
    )


@st.cache_data(**CACHE)
def city_wide_budget(source: Source, filters: Filters) -> float:
    """Return the year's budget on city-wide lines ('Hele byen') of the chosen initiatives."""
    frame = _scoped(
        source,
        filters,
        """
        SELECT COALESCE(SUM(b.budget_kr), 0) AS budget_kr
        FROM budget b JOIN chosen c USING (initiative_id), f
        WHERE b.year = f.year AND b.district_id IS NULL
        """,
    )
    return float(frame["budget_kr"].iloc[0])


@st.cache_data(**CACHE)
def budget_and_spending_by_administration(source: Source, filters: Filters) -> pd.DataFrame:
    """Return the year's budget and spending (forbrug) per administration."""
    return _scoped(
        source,
        filters,
        """
        SELECT c.administration_code,
               SUM(b.budget_kr) AS budget_kr,
               SUM(b.spent_kr) AS spent_kr,
               SUM(b.budget_kr) FILTER (WHERE b.spent_kr IS NOT NULL) AS budget_with_spending_kr
        FROM budget_scope b JOIN chosen c USING (initiative_id), f
        WHERE b.year = f.year
        GROUP BY ALL
        ORDER BY c.administration_code
        """,
    )


@st.cache_data(**CACHE)
def budget_by_funding_source(source: Source, filters: Filters) -> pd.DataFrame:
    """Return the year's budget per funding source (kommune, satspulje, andet) and its share."""
    return _scoped(
        source,
        filters,
        """
        SELECT s.funding_source, COALESCE(SUM(b.budget_kr), 0) AS budget_kr
        FROM (SELECT unnest(['kommune', 'satspulje', 'andet']) AS funding_source, generate_subscripts(['kommune', 'satspulje', 'andet'], 1) AS position) s
        LEFT JOIN budget_scope b ON b.funding_source = s.funding_source AND b.year = (SELECT year FROM f)
        GROUP BY s.funding_source, s.position
        ORDER BY s.position
        """,
    ).assign(share=lambda d: d["budget_kr"] / d["budget_kr"].sum() if d["budget_kr"].sum() else 0.0)


# --- Unge 18–25 -------------------------------------------------------------------------------


@st.cache_data(**CACHE)
def young_adults_by_district(source: Source, filters: Filters) -> pd.DataFrame:
    """Return per district: residents 18–25, of them reached, reached per 1,000, and 18–25 budget per young resident."""
    return _scoped(
        source,
        filters,
        """
        , reached AS (
            SELECT district_id, SUM(COALESCE(participants_18_25, 0)) AS reached_18_25
            FROM activity_scope, f WHERE activity_scope.year = f.year AND district_id IS NOT NULL
            GROUP BY district_id
        ),
        money AS (
            SELECT b.district_id, SUM(b.budget_kr) AS budget_18_25_kr
            FROM budget_scope b JOIN chosen c USING (initiative_id), f
            WHERE b.year = f.year AND c.targets_18_25 AND b.district_id IS NOT NULL
            GROUP BY b.district_id
        )
        SELECT d.district_id, d.name AS district,
               p.age_18_25 AS residents_18_25,
               COALESCE(r.reached_18_25, 0) AS reached_18_25,
               COALESCE(r.reached_18_25, 0) * 1000.0 / p.age_18_25 AS reached_per_1000,
               COALESCE(m.budget_18_25_kr, 0) AS budget_18_25_kr,
               COALESCE(m.budget_18_25_kr, 0) / p.age_18_25 AS kr_per_young_resident
        FROM district d
        CROSS JOIN f
        JOIN population p ON p.district_id = d.district_id AND p.year = f.population_year
        LEFT JOIN reached r ON r.district_id = d.district_id
        LEFT JOIN money m ON m.district_id = d.district_id
        WHERE len(f.districts) = 0 OR list_contains(f.districts, d.district_id)
        ORDER BY d.district_id
        """,
    )


@st.cache_data(**CACHE)
def city_wide_young_adults_reached(source: Source, filters: Filters) -> int:
    """Return the year's 18–25-year-olds reached on city-wide activity lines (not placed in a district)."""
    frame = _scoped(
        source,
        filters,
        """
        SELECT COALESCE(SUM(a.participants_18_25), 0) AS reached
        FROM activity a JOIN chosen c USING (initiative_id), f
        WHERE a.year = f.year AND a.district_id IS NULL
        """,
    )
    return int(frame["reached"].iloc[0])


@st.cache_data(**CACHE)
def young_adults_trend(source: Source, filters: Filters) -> pd.DataFrame:
    """Return per year: 18–25-year-olds reached (in districts and city-wide) and per 1,000 residents 18–25."""
    return _scoped(
        source,
        filters,
        """
        , yearly AS (
            SELECT year, SUM(COALESCE(participants_18_25, 0)) AS reached_18_25
            FROM activity_scope GROUP BY year
        )
        SELECT y.year,
               pop.population_year,
               y.reached_18_25,
               pop.residents_18_25,
               y.reached_18_25 * 1000.0 / pop.residents_18_25 AS reached_per_1000
        FROM yearly y
        CROSS JOIN LATERAL (
            SELECT MAX(year) AS population_year, arg_max(residents, year) AS residents_18_25
            FROM (SELECT year, SUM(age_18_25) AS residents FROM population_scope GROUP BY year)
            WHERE year <= GREATEST(y.year, (SELECT MIN(year) FROM population))
        ) pop
        ORDER BY y.year
        """,
    )


# --- Strategiske mål --------------------------------------------------------------------------


@st.cache_data(**CACHE)
def initiatives_by_goal(source: Source, filters: Filters) -> pd.DataFrame:
    """Return the chosen initiatives per goal they serve, with the year's budget and its share for the goal."""
    return _scoped(
        source,
        filters,
        """
        , money AS (
            SELECT initiative_id, SUM(budget_kr) AS budget_kr FROM budget_scope, f WHERE budget_scope.year = f.year GROUP BY initiative_id
        )
        SELECT ig.goal_id, c.initiative_id, c.name, c.administration_code, c.status, c.financing,
               COALESCE(m.budget_kr, 0) AS budget_kr,
               COALESCE(m.budget_kr, 0) / c.goal_count AS budget_for_goal_kr,
               c.goal_count
        FROM chosen c
        JOIN initiative_goal ig USING (initiative_id)
        LEFT JOIN money m USING (initiative_id)
        ORDER BY ig.goal_id, budget_for_goal_kr DESC, c.name
        """,
    )


@st.cache_data(**CACHE)
def effect_targets_by_goal(source: Source, filters: Filters) -> pd.DataFrame:
    """Return the effect targets of the chosen initiatives, once per goal the initiative serves."""
    return _scoped(
        source,
        filters,
        """
        SELECT ig.goal_id, e.initiative_id, c.name AS initiative, e.year, e.indicator, e.unit,
               e.baseline, e.target, e.actual
        FROM effect_target e
        JOIN chosen c USING (initiative_id)
        JOIN initiative_goal ig USING (initiative_id)
        ORDER BY ig.goal_id, c.name, e.indicator
        """,
    )


# --- Indsatser --------------------------------------------------------------------------------


@st.cache_data(**CACHE)
def initiatives_table(source: Source, filters: Filters) -> pd.DataFrame:
    """Return one row per chosen initiative with the year's budget and people reached.

    `active_in_year` says whether it has budget or participants in the chosen year (and, with a
    district filter, in those districts). With a district filter, only initiatives that have a
    line in those districts in some year are listed.
    """
    return _scoped(
        source,
        filters,
        """
        , money AS (
            SELECT initiative_id, SUM(budget_kr) FILTER (WHERE year = (SELECT year FROM f)) AS budget_kr
            FROM budget_scope GROUP BY initiative_id
        ),
        reach AS (
            SELECT initiative_id,
                   SUM(participants) FILTER (WHERE year = (SELECT year FROM f)) AS participants,
                   SUM(participants_18_25) FILTER (WHERE year = (SELECT year FROM f)) AS participants_18_25
            FROM activity_scope GROUP BY initiative_id
        ),
        goal_names AS (
            SELECT ig.initiative_id, string_agg(g.name, '; ' ORDER BY g.goal_id) AS goals
            FROM initiative_goal ig JOIN goal g USING (goal_id) GROUP BY ig.initiative_id
        )
        SELECT c.initiative_id, c.name, c.administration_code, c.focus_area, gn.goals,
               c.status, c.financing, COALESCE(m.budget_kr, 0) AS budget_kr,
               r.participants, r.participants_18_25, c.evidence, c.do_less,
               c.character, c.target_group, c.age_min, c.age_max, c.rationale,
               COALESCE(m.budget_kr, 0) > 0 OR COALESCE(r.participants, 0) > 0 AS active_in_year
        FROM chosen c
        LEFT JOIN money m USING (initiative_id)
        LEFT JOIN reach r USING (initiative_id)
        LEFT JOIN goal_names gn USING (initiative_id), f
        WHERE len(f.districts) = 0 OR m.initiative_id IS NOT NULL OR r.initiative_id IS NOT NULL
        ORDER BY budget_kr DESC, c.name
        """,
    )


@st.cache_data(**CACHE)
def initiative_history(source: Source, initiative_id: str) -> pd.DataFrame:
    """Return one initiative's budget, spending and people reached per year and district (all years)."""
    return _read(
        source,
        """
        WITH money AS (
            SELECT year, district_id, SUM(budget_kr) AS budget_kr, SUM(spent_kr) AS spent_kr
            FROM budget WHERE initiative_id = $id GROUP BY ALL
        ),
        reach AS (
            SELECT year, district_id, SUM(participants) AS participants, SUM(participants_18_25) AS participants_18_25
            FROM activity WHERE initiative_id = $id GROUP BY ALL
        )
        SELECT year, COALESCE(d.name, 'Hele byen') AS district, budget_kr, spent_kr, participants, participants_18_25
        FROM money FULL OUTER JOIN reach USING (year, district_id)
        LEFT JOIN district d USING (district_id)
        ORDER BY year, d.district_id NULLS FIRST
        """,
        {"id": initiative_id},
    )
