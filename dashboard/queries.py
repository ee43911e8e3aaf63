"""Every SQL statement of the app. Results are cached by the data source, its version and filters.

Each function takes a `Source` (database path and data version id) first. The router reads the
version once at the top of a run and holds it (`database.reading`), so every query of the run reads
that one version, and a load that swaps in a new file gives new cache keys on the next run. Scoped
queries start from `_SCOPE`, which applies the sidebar filters once, the same way for every page:

- initiative filters (administration, focus area, goal, status) choose initiatives;
- a district filter keeps only budget and activity lines of those districts, so city-wide lines
  ('Hele byen') are left out while it is set;
- population is taken for the latest year available up to the chosen year.

Every people count leaves this module as a sum worked out from the one disclosure decision of the
data version (`disclosure_decision`, `_people`): counts of 1–4 read "<5", and what would give them away "skjult".
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import streamlit as st

from dashboard import analysis, disclosure, prioritisation, result_cache
from dashboard.database import DataVersion, current_database, read_frame
from dashboard.filters import Filters
from sikkerby import formatting as fmt
from sikkerby import vocabulary as vocab

# No time-to-live: a key names one immutable data version, so a cached result never goes stale.
CACHE = {"show_spinner": False, "max_entries": 512}


class Source(NamedTuple):
    """Which database to read, and which version of it (part of every cache key)."""

    db: str
    version: str


def source_of(version: DataVersion) -> Source:
    """Return the source that names a checked-out data version."""
    return Source(str(version.db_path), version.id)


def app_database() -> Path:
    """Return the database the app reads ($SIKKERBY_DB, else data/sikkerby.duckdb)."""
    return current_database()


def ratio(numerator: pd.Series, denominator: pd.Series | float) -> pd.Series:
    """Return numerator / denominator, missing (never inf) where the denominator is 0 or missing."""
    if isinstance(denominator, pd.Series):
        denominator = denominator.where(denominator != 0)
    elif not denominator:
        denominator = float("nan")
    return (numerator / denominator).astype(float)


def _read(source: Source, sql: str, params: list | dict | None = None) -> pd.DataFrame:
    return read_frame(Path(source.db), source.version, sql, params)


def _scoped(source: Source, filters: Filters, body: str, **extra: object) -> pd.DataFrame:
    return _read(source, scope_sql(filters) + body, filters.as_params() | VOCABULARY | extra)


# Each initiative filter's condition, added to `chosen` only when the filter is set: a condition that
# always holds still costs a join (the goal EXISTS, the district IN) on every query of every page.
_CONDITIONS = {
    "administrations": "list_contains(f.administrations, i.administration_code)",
    "focus_areas": "list_contains(f.focus_areas, i.focus_area_id)",
    "statuses": "list_contains(f.statuses, i.status)",
    "financing": "list_contains(f.financing, i.financing)",
    "evidence": "list_contains(f.evidence, i.evidence)",
    "only_do_less": "i.do_less",
    "goals": "i.initiative_id IN (SELECT g.initiative_id FROM initiative_goal g, f WHERE list_contains(f.goals, g.goal_id))",
    "districts": "(i.initiative_id IN (SELECT initiative_id FROM budget_scope_all) "
    "OR i.initiative_id IN (SELECT initiative_id FROM activity_scope_all))",
}


def scope_sql(filters: Filters) -> str:
    """Return `_SCOPE` with the conditions of the filters that are set (the others cost nothing)."""
    active = [condition for name, condition in _CONDITIONS.items() if getattr(filters, name)]
    return _SCOPE.replace("{initiative_conditions}", "".join(f"\n      AND {c}" for c in active))


# The domain's words go in as parameters, never as SQL literals; `_SCOPE` names them once in `f`.
VOCABULARY: dict[str, object] = {
    "all_statuses": list(vocab.STATUSES),
    "decided_statuses": list(vocab.DECIDED_STATUSES),
    "proposed_status": vocab.PROPOSED_STATUS,
    "missing_financing": vocab.MISSING_FINANCING,
    "partial_financing": vocab.PARTIAL_FINANCING,
    "funding_sources": list(vocab.FUNDING_SOURCES),
    "unassigned_district": vocab.UNASSIGNED_DISTRICT,
}

_SCOPE = """
WITH params AS (
    SELECT
        $year::INTEGER AS year,
        $districts::INTEGER[] AS districts,
        $administrations::VARCHAR[] AS administrations,
        $focus_areas::INTEGER[] AS focus_areas,
        $goals::INTEGER[] AS goals,
        $statuses::VARCHAR[] AS statuses,
        $financing::VARCHAR[] AS financing,
        $evidence::VARCHAR[] AS evidence,
        $only_do_less::BOOLEAN AS only_do_less,
        $all_statuses::VARCHAR[] AS all_statuses,
        $decided_statuses::VARCHAR[] AS decided_statuses,
        $proposed_status::VARCHAR AS proposed_status,
        $missing_financing::VARCHAR AS missing_financing,
        $partial_financing::VARCHAR AS partial_financing,
        $funding_sources::VARCHAR[] AS funding_sources,
        $unassigned_district::INTEGER AS unassigned_district
),
-- The population year used for a year: that year, else the latest year before it, else the first year there is.
population_year_of AS (
    SELECT y.year, COALESCE(MAX(p.year) FILTER (WHERE p.year <= y.year), MIN(p.year)) AS population_year
    FROM (SELECT DISTINCT year FROM budget UNION SELECT DISTINCT year FROM activity
          UNION SELECT year FROM params UNION SELECT year - 1 FROM params) y
    CROSS JOIN (SELECT DISTINCT year FROM population) p
    GROUP BY y.year
),
-- The district rule, once: which budget, activity and population lines count. Without a district
-- filter: all, including city-wide lines (keyed 0) and residents not assigned to a district.
f AS (
    SELECT params.*, pyo.population_year,
           CASE WHEN len(params.districts) = 0
                THEN list_concat([0, params.unassigned_district], (SELECT list(district_id) FROM district))
                ELSE params.districts END AS line_districts
    FROM params JOIN population_year_of pyo USING (year)
),
budget_scope_all AS (
    SELECT b.* FROM budget b, f WHERE list_contains(f.line_districts, COALESCE(b.district_id, 0))
),
activity_scope_all AS (
    SELECT a.* FROM activity a, f WHERE list_contains(f.line_districts, COALESCE(a.district_id, 0))
),
-- Initiatives chosen by the initiative filters; with a district filter, those with budget or activity there.
chosen AS (
    SELECT i.*, fa.name AS focus_area, a.name AS administration_name
    FROM initiative i
    JOIN focus_area fa USING (focus_area_id)
    JOIN administration a ON a.code = i.administration_code, f
    WHERE TRUE {initiative_conditions}
),
budget_scope AS (
    SELECT b.* FROM budget_scope_all b SEMI JOIN chosen USING (initiative_id)
),
-- The decided budget (existing and new initiatives): the one basis of every amount not marked as proposed.
decided_budget_scope AS (
    SELECT b.* FROM budget_scope b SEMI JOIN (SELECT c.initiative_id FROM chosen c, f WHERE c.status <> f.proposed_status) USING (initiative_id)
),
activity_scope AS (
    SELECT a.* FROM activity_scope_all a SEMI JOIN chosen USING (initiative_id)
),
population_scope AS (
    SELECT p.* FROM population p, f WHERE list_contains(f.line_districts, p.district_id)
)
"""


# --- The dataset and its dimensions -----------------------------------------------------------


def dataset_facts(source: Source) -> dict[str, str]:
    """Return the dataset's key facts: whether the portfolio is sample data, its source, version."""
    # "no mutate" on these one-line catalogue reads: mutmut's only surviving change to them is the SQL's letter case,
    # which DuckDB reads the same (keywords and names are case-insensitive); every query with logic is mutated.
    frame = _read(source, "SELECT key, value FROM dataset")  # pragma: no mutate
    return dict(zip(frame["key"], frame["value"], strict=True))


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


def budget_years(source: Source) -> list[int]:
    """Return the years that have budget lines, oldest first."""
    return _read(source, "SELECT DISTINCT year FROM budget ORDER BY year")["year"].tolist()  # pragma: no mutate


def population_years(source: Source) -> tuple[int, int]:
    """Return the first and last year of the population data."""
    row = _read(source, "SELECT MIN(year) AS first, MAX(year) AS last FROM population").iloc[0]  # pragma: no mutate
    return int(row["first"]), int(row["last"])


def districts(source: Source) -> pd.DataFrame:
    """Return the ten districts with their boundaries (GeoJSON Feature text)."""
    return _read(source, "SELECT district_id, name, area_m2, boundary_geojson FROM district ORDER BY district_id")  # pragma: no mutate


def administrations(source: Source) -> pd.DataFrame:
    """Return the administrations: code and name."""
    return _read(source, "SELECT code, name FROM administration ORDER BY code")  # pragma: no mutate


def focus_areas(source: Source) -> pd.DataFrame:
    """Return the focus areas in the memo's order."""
    return _read(source, "SELECT focus_area_id, name FROM focus_area ORDER BY focus_area_id")  # pragma: no mutate


def goals(source: Source) -> pd.DataFrame:
    """Return the four strategic goals."""
    return _read(source, "SELECT goal_id, name FROM goal ORDER BY goal_id")  # pragma: no mutate


# --- Overblik ---------------------------------------------------------------------------------


def key_figures(source: Source, filters: Filters) -> pd.DataFrame:
    """Return the key figures for the chosen year and the year before (one row per year).

    Decided budget (existing and new initiatives) and proposed budget are apart; so are the budget
    of initiatives that lack financing and of those only partly financed. The 18–25-year-olds reached
    are the city's figure; under a filter they are the chosen part's, and the disclosure rule applies.
    """
    figures = _scoped(
        source,
        filters,
        """
        , years AS (
            SELECT pyo.year, pyo.population_year
            FROM population_year_of pyo, f WHERE pyo.year IN (f.year - 1, f.year)
        ),
        money AS (
            SELECT b.year,
                   SUM(b.budget_kr) AS budget_kr,
                   SUM(b.budget_kr) FILTER (WHERE list_contains(f.decided_statuses, c.status)) AS decided_budget_kr,
                   SUM(b.budget_kr) FILTER (WHERE c.status = f.proposed_status) AS proposed_budget_kr,
                   COUNT(DISTINCT b.initiative_id) FILTER (WHERE b.budget_kr > 0) AS initiatives,
                   SUM(b.budget_kr) FILTER (WHERE c.targets_18_25 AND c.status <> f.proposed_status) AS budget_18_25_kr,
                   SUM(b.budget_kr) FILTER (WHERE c.financing = f.missing_financing) AS missing_financing_kr,
                   COUNT(DISTINCT b.initiative_id) FILTER (WHERE c.financing = f.missing_financing AND b.budget_kr > 0) AS missing_financing_initiatives,
                   SUM(b.budget_kr) FILTER (WHERE c.financing = f.missing_financing AND c.status = f.proposed_status) AS missing_financing_proposed_kr,
                   SUM(b.budget_kr) FILTER (WHERE c.financing = f.partial_financing) AS partial_financing_kr,
                   COUNT(DISTINCT b.initiative_id) FILTER (WHERE c.financing = f.partial_financing AND b.budget_kr > 0) AS partial_financing_initiatives,
                   SUM(b.budget_kr) FILTER (WHERE c.financing = f.partial_financing AND c.status = f.proposed_status) AS partial_financing_proposed_kr
            FROM budget_scope b JOIN chosen c USING (initiative_id), f
            WHERE b.year IN (f.year - 1, f.year)
            GROUP BY b.year
        ),
        reach AS (
            SELECT a.year, SUM(a.participants_18_25) AS reached_18_25 FROM activity_scope a, f
            WHERE a.year IN (f.year - 1, f.year) GROUP BY a.year
        ),
        residents AS (
            SELECT year, SUM(age_18_25) AS residents_18_25 FROM population_scope GROUP BY year
        )
        SELECT y.year, y.population_year,
               COALESCE(m.budget_kr, 0) AS budget_kr,
               COALESCE(m.decided_budget_kr, 0) AS decided_budget_kr,
               COALESCE(m.proposed_budget_kr, 0) AS proposed_budget_kr,
               COALESCE(m.initiatives, 0) AS initiatives,
               COALESCE(m.budget_18_25_kr, 0) AS budget_18_25_kr,
               COALESCE(r.reached_18_25, 0) AS reached_18_25,
               p.residents_18_25,
               COALESCE(m.missing_financing_kr, 0) AS missing_financing_kr,
               COALESCE(m.missing_financing_initiatives, 0) AS missing_financing_initiatives,
               COALESCE(m.missing_financing_proposed_kr, 0) AS missing_financing_proposed_kr,
               COALESCE(m.partial_financing_kr, 0) AS partial_financing_kr,
               COALESCE(m.partial_financing_initiatives, 0) AS partial_financing_initiatives,
               COALESCE(m.partial_financing_proposed_kr, 0) AS partial_financing_proposed_kr
        FROM years y
        LEFT JOIN money m USING (year)
        LEFT JOIN reach r USING (year)
        LEFT JOIN residents p ON p.year = y.population_year
        ORDER BY y.year
        """,
    ).assign(reached_per_1000=lambda d: ratio(d["reached_18_25"] * 1000, d["residents_18_25"]))
    return _yearly_reach(source, filters, figures)


def budget_by_goal(source: Source, filters: Filters) -> pd.DataFrame:
    """Return the year's decided budget per strategic goal, and the proposed budget apart (`proposed_kr`).

    An initiative's budget is split evenly between its goals. With a goal filter, only the chosen goals
    (each with its share of the initiatives' budget). `initiatives` counts decided initiatives with a
    budget line that year, `proposed_initiatives` the proposed ones.
    """
    return _scoped(
        source,
        filters,
        """
        SELECT g.goal_id, g.name AS goal,
               COALESCE(SUM(b.budget_kr / c.goal_count) FILTER (WHERE c.status <> f.proposed_status), 0) AS budget_kr,
               COALESCE(SUM(b.budget_kr / c.goal_count) FILTER (WHERE c.status = f.proposed_status), 0) AS proposed_kr,
               COUNT(DISTINCT b.initiative_id) FILTER (WHERE c.status <> f.proposed_status) AS initiatives,
               COUNT(DISTINCT b.initiative_id) FILTER (WHERE c.status = f.proposed_status) AS proposed_initiatives
        FROM goal g CROSS JOIN f
        LEFT JOIN initiative_goal ig USING (goal_id)
        LEFT JOIN chosen c ON c.initiative_id = ig.initiative_id
        LEFT JOIN budget_scope b ON b.initiative_id = c.initiative_id AND b.year = f.year
        WHERE len(f.goals) = 0 OR list_contains(f.goals, g.goal_id)
        GROUP BY g.goal_id, g.name
        ORDER BY g.goal_id
        """,
    )


def budget_by_focus_area(source: Source, filters: Filters) -> pd.DataFrame:
    """Return the year's decided budget per focus area, and the proposed budget apart (as `budget_by_goal`)."""
    return _scoped(
        source,
        filters,
        """
        SELECT fa.focus_area_id, fa.name AS focus_area,
               COALESCE(SUM(b.budget_kr) FILTER (WHERE c.status <> f.proposed_status), 0) AS budget_kr,
               COALESCE(SUM(b.budget_kr) FILTER (WHERE c.status = f.proposed_status), 0) AS proposed_kr,
               COUNT(DISTINCT b.initiative_id) FILTER (WHERE c.status <> f.proposed_status) AS initiatives,
               COUNT(DISTINCT b.initiative_id) FILTER (WHERE c.status = f.proposed_status) AS proposed_initiatives
        FROM focus_area fa CROSS JOIN f
        LEFT JOIN chosen c USING (focus_area_id)
        LEFT JOIN budget_scope b ON b.initiative_id = c.initiative_id AND b.year = f.year
        GROUP BY fa.focus_area_id, fa.name
        ORDER BY fa.focus_area_id
        """,
    )


def budget_by_status(source: Source, filters: Filters) -> pd.DataFrame:
    """Return the year's budget for existing, new and proposed initiatives."""
    return _scoped(
        source,
        filters,
        """
        SELECT s.status, COALESCE(SUM(b.budget_kr), 0) AS budget_kr, COUNT(DISTINCT b.initiative_id) AS initiatives
        FROM (SELECT unnest(f.all_statuses) AS status, generate_subscripts(f.all_statuses, 1) AS position FROM f) s
        LEFT JOIN chosen c ON c.status = s.status
        LEFT JOIN budget_scope b ON b.initiative_id = c.initiative_id AND b.year = (SELECT year FROM f)
        GROUP BY s.status, s.position
        ORDER BY s.position
        """,
    )


# --- Økonomi ----------------------------------------------------------------------------------


def budget_by_administration_and_focus_area(source: Source, filters: Filters) -> pd.DataFrame:
    """Return the year's decided budget per administration and focus area (only combinations with budget).

    Proposed initiatives are apart: one row per administration with focus area NULL.
    """
    return _scoped(
        source,
        filters,
        """
        SELECT c.administration_code,
               CASE WHEN c.status = f.proposed_status THEN NULL ELSE c.focus_area_id END AS focus_area_id,
               CASE WHEN c.status = f.proposed_status THEN NULL ELSE c.focus_area END AS focus_area,
               SUM(b.budget_kr) AS budget_kr
        FROM budget_scope b JOIN chosen c USING (initiative_id), f
        WHERE b.year = f.year
        GROUP BY ALL
        ORDER BY c.administration_code, focus_area_id NULLS LAST
        """,
    )


def budget_by_year_and_administration(source: Source, filters: Filters) -> pd.DataFrame:
    """Return the decided budget of every year per administration, and the proposed budget apart (code NULL).

    The year filter does not apply: this is the development over all years.
    """
    return _scoped(
        source,
        filters,
        """
        SELECT b.year,
               CASE WHEN c.status = f.proposed_status THEN NULL ELSE c.administration_code END AS administration_code,
               SUM(b.budget_kr) AS budget_kr
        FROM budget_scope b JOIN chosen c USING (initiative_id), f
        GROUP BY ALL
        ORDER BY b.year, administration_code NULLS LAST
        """,
    )


def budget_by_district(source: Source, filters: Filters) -> pd.DataFrame:
    """Return the year's decided budget per district, its residents and kr. per resident, for all ten districts.

    A ranking compares: pass filters without districts, and the page highlights the chosen ones.
    """
    return _scoped(
        source,
        filters,
        """
        , money AS (
            SELECT b.district_id, SUM(b.budget_kr) AS budget_kr FROM decided_budget_scope b, f
            WHERE b.year = f.year AND b.district_id IS NOT NULL GROUP BY b.district_id
        )
        SELECT d.district_id, d.name AS district,
               COALESCE(m.budget_kr, 0) AS budget_kr,
               p.total AS residents,
               COALESCE(m.budget_kr, 0) / NULLIF(p.total, 0) AS kr_per_resident
        FROM district d
        CROSS JOIN f
        LEFT JOIN population p ON p.district_id = d.district_id AND p.year = f.population_year
        LEFT JOIN money m ON m.district_id = d.district_id
        ORDER BY d.district_id
        """,
    )


def city_wide_budget(source: Source, filters: Filters, decided: bool = False) -> float:
    """Return the year's budget on city-wide lines ('Hele byen') of the chosen initiatives (only decided ones with `decided`)."""
    frame = _scoped(
        source,
        filters,
        """
        SELECT COALESCE(SUM(b.budget_kr), 0) AS budget_kr
        FROM budget_scope b JOIN chosen c USING (initiative_id), f
        WHERE b.year = f.year AND b.district_id IS NULL AND (NOT $decided_only OR c.status <> f.proposed_status)
        """,
        decided_only=decided,
    )
    return float(frame["budget_kr"].iloc[0])


def budget_and_spending_by_administration(source: Source, filters: Filters) -> pd.DataFrame:
    """Return the year's decided budget and spending (forbrug) per administration."""
    return _scoped(
        source,
        filters,
        """
        SELECT c.administration_code,
               SUM(b.budget_kr) AS budget_kr,
               SUM(b.spent_kr) AS spent_kr,
               SUM(b.budget_kr) FILTER (WHERE b.spent_kr IS NOT NULL) AS budget_with_spending_kr
        FROM decided_budget_scope b JOIN chosen c USING (initiative_id), f
        WHERE b.year = f.year
        GROUP BY ALL
        ORDER BY c.administration_code
        """,
    )


def budget_by_funding_source(source: Source, filters: Filters) -> pd.DataFrame:
    """Return the year's decided budget per funding source (kommune, satspulje, andet) and its share."""
    return _scoped(
        source,
        filters,
        """
        SELECT s.funding_source, COALESCE(SUM(b.budget_kr), 0) AS budget_kr
        FROM (SELECT unnest(f.funding_sources) AS funding_source, generate_subscripts(f.funding_sources, 1) AS position FROM f) s
        LEFT JOIN decided_budget_scope b ON b.funding_source = s.funding_source AND b.year = (SELECT year FROM f)
        GROUP BY s.funding_source, s.position
        ORDER BY s.position
        """,
    ).assign(share=lambda d: ratio(d["budget_kr"], d["budget_kr"].sum()))


# --- Unge 18–25 -------------------------------------------------------------------------------


def young_adults_by_district(source: Source, filters: Filters) -> pd.DataFrame:
    """Return per district: residents 18–25, of them reached, reached per 1,000, and 18–25 budget per young resident.

    All ten districts: pass filters without districts; the page highlights the chosen ones. Reached
    and per 1,000 follow the disclosure rule; `reached_18_25_true_sum` is their true total, for the city's
    figure (hidden when that total would give a hidden cell away).
    """
    frame = _scoped(
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
            FROM decided_budget_scope b JOIN chosen c USING (initiative_id), f
            WHERE b.year = f.year AND c.targets_18_25 AND b.district_id IS NOT NULL
            GROUP BY b.district_id
        )
        SELECT d.district_id, d.name AS district,
               p.age_18_25 AS residents_18_25,
               COALESCE(r.reached_18_25, 0) AS reached_18_25,
               COALESCE(r.reached_18_25, 0) * 1000.0 / NULLIF(p.age_18_25, 0) AS reached_per_1000,
               COALESCE(m.budget_18_25_kr, 0) AS budget_18_25_kr,
               COALESCE(m.budget_18_25_kr, 0) / NULLIF(p.age_18_25, 0) AS kr_per_young_resident
        FROM district d
        CROSS JOIN f
        JOIN population p ON p.district_id = d.district_id AND p.year = f.population_year
        LEFT JOIN reached r ON r.district_id = d.district_id
        LEFT JOIN money m ON m.district_id = d.district_id
        ORDER BY d.district_id
        """,
    )
    lines = "chosen" if filters.by_district else "districts"  # district lines only, as the SQL above
    people = _people(source, filters, ["district_id"], ["participants_18_25"], lines=lines)
    frame = _reached_from(frame, people, "district_id")
    city = _people(source, filters, [], ["participants_18_25"], lines=lines)["participants_18_25"].iloc[0]
    return frame.assign(**{"reached_18_25" + disclosure.TRUE_SUM_SUFFIX: city})  # the city line: all district lines


def _people(
    source: Source, filters: Filters, by: list[str], columns: list[str], lines: str = "chosen", years: tuple[int, ...] | None = ()
) -> pd.DataFrame:
    """Return people figures from the disclosure decision: one row per value of `by` (one row without), over the lines chosen.

    The lines: of the initiatives the filters choose, in the `years` (the chosen year when empty, every
    year when None) and on `lines` ("chosen": in the chosen districts, or every line without a district
    filter; "districts": every district's; "city": the city-wide ones). Each figure is the decision's
    sum (`Decision.sums`): hidden where it would hold part of a group of hidden cells.
    """
    decision = disclosure_decision(source)
    fine = decision.lines
    chosen = np.ones(len(fine), dtype=bool)
    if filters.without_districts() != Filters(year=filters.year):
        chosen &= among(fine["initiative_id"], chosen_initiatives(source, filters.without_districts())).to_numpy()
    if years is not None:
        chosen &= fine["year"].isin(years or (filters.year,)).to_numpy()
    if lines == "districts":
        chosen &= fine["district_id"].notna().to_numpy()
    elif lines == "city":  # a district filter leaves city-wide lines out
        chosen &= fine["district_id"].isna().to_numpy() & (not filters.by_district)
    elif filters.by_district:
        chosen &= fine["district_id"].isin(filters.districts).to_numpy()
    rows = np.flatnonzero(chosen)
    if by:
        grouped = fine[by].iloc[rows].groupby(by, sort=False, dropna=False)
        codes, out = grouped.ngroup().to_numpy(), grouped.size().index.to_frame(index=False)
    else:
        codes, out = np.zeros(len(rows), dtype=np.int64), pd.DataFrame(index=[0])
    for column in columns:
        out[column] = disclosure.column_of(decision.sums(rows, codes, len(out), column), out.index)
    return out


def among(ids: pd.Series, wanted: tuple[str, ...] | pd.Series) -> pd.Series:
    """Return, per row, whether its id is among `wanted`, in Arrow: pandas 3's `isin` on text turns each wanted id into an Arrow scalar one at a time (1 s for 93.000)."""
    found = pc.is_in(pa.array(ids, type=pa.string()), value_set=pa.array(wanted, type=pa.string()))
    return pd.Series(found.to_numpy(zero_copy_only=False), index=ids.index, dtype=bool)


def chosen_initiatives(source: Source, filters: Filters) -> tuple[str, ...]:
    """Return the ids of the initiatives the filters choose."""
    return tuple(_scoped(source, filters, "SELECT initiative_id FROM chosen ORDER BY initiative_id")["initiative_id"])  # pragma: no mutate


def _yearly_reach(source: Source, filters: Filters, frame: pd.DataFrame) -> pd.DataFrame:
    """Return yearly figures with the 18–25-year-olds reached (and per 1.000) from the disclosure decision, under the filters."""
    people = _people(source, filters, ["year"], ["participants_18_25"], years=tuple(frame["year"]) or None)
    return _reached_from(frame, people, "year")


def _reached_from(frame: pd.DataFrame, people: pd.DataFrame, key: str) -> pd.DataFrame:
    """Return `frame` with `reached_18_25` from `people` (0 where no line is held) and `reached_per_1000` hidden with it."""
    reached = frame[[key]].merge(people, on=key, how="left")["participants_18_25"].set_axis(frame.index)
    frame = frame.assign(reached_18_25=reached.where(reached.notna() | reached.map(fmt.is_hidden), 0.0))
    return frame.assign(reached_per_1000=disclosure.rate_of(frame["reached_per_1000"], frame["reached_18_25"]))


def city_wide_young_adults_reached(source: Source, filters: Filters) -> float | fmt.Hidden:
    """Return the year's 18–25-year-olds reached on city-wide activity lines (not placed in a district), or hidden."""
    return _people(source, filters, [], ["participants_18_25"], lines="city")["participants_18_25"].iloc[0]


def young_adults_trend(source: Source, filters: Filters) -> pd.DataFrame:
    """Return per year: 18–25-year-olds reached (in districts and city-wide) and per 1,000 residents 18–25.

    The city's figure; under a filter the chosen part's. Both from the disclosure decision.
    """
    frame = _scoped(
        source,
        filters,
        """
        , yearly AS (
            SELECT year, SUM(COALESCE(participants_18_25, 0)) AS reached_18_25
            FROM activity_scope GROUP BY year
        ),
        residents AS (
            SELECT year, SUM(age_18_25) AS residents_18_25 FROM population_scope GROUP BY year
        )
        SELECT y.year, pyo.population_year, y.reached_18_25, r.residents_18_25,
               y.reached_18_25 * 1000.0 / NULLIF(r.residents_18_25, 0) AS reached_per_1000
        FROM yearly y
        JOIN population_year_of pyo USING (year)
        JOIN residents r ON r.year = pyo.population_year
        ORDER BY y.year
        """,
    )
    return _yearly_reach(source, filters, frame)


# --- Strategiske mål --------------------------------------------------------------------------


def initiatives_by_goal(source: Source, filters: Filters) -> pd.DataFrame:
    """Return the chosen initiatives per goal they serve, with the year's budget and its share for the goal."""
    return _scoped(
        source,
        filters,
        """
        , money AS (
            SELECT initiative_id, SUM(budget_kr) AS budget_kr FROM budget_scope, f WHERE budget_scope.year = f.year GROUP BY initiative_id
        )
        SELECT ig.goal_id, c.initiative_id, c.name, c.administration_code, c.administration_name, c.status, c.financing,
               COALESCE(m.budget_kr, 0) AS budget_kr,
               COALESCE(m.budget_kr, 0) / c.goal_count AS budget_for_goal_kr,
               c.goal_count
        FROM chosen c
        JOIN initiative_goal ig USING (initiative_id)
        LEFT JOIN money m USING (initiative_id)
        ORDER BY ig.goal_id, budget_for_goal_kr DESC, c.name
        """,
    )


def effect_targets_by_goal(source: Source, filters: Filters) -> pd.DataFrame:
    """Return the effect targets of the chosen initiatives, once per goal the initiative serves, with their progress.

    An effect target has no district: it is the whole initiative's. So each row also says where the
    initiative's budget of the year lies (`districts`, the districts' names) and how much of it lies in
    the districts the filter keeps (`chosen_share`, 1 without a district filter; NULL without budget).
    Progress and status (`analysis.effect_target_progress`) are worked out here, once per data version and filters.
    """
    return analysis.effect_target_progress(
        _scoped(
            source,
            filters,
            """
        , spread AS (
            SELECT b.initiative_id,
                   SUM(b.budget_kr) FILTER (WHERE list_contains(f.line_districts, COALESCE(b.district_id, 0)))
                       / NULLIF(SUM(b.budget_kr), 0) AS chosen_share,
                   string_agg(DISTINCT d.name, ', ' ORDER BY d.name) AS districts
            FROM budget b JOIN chosen USING (initiative_id) LEFT JOIN district d USING (district_id), f
            WHERE b.year = f.year
            GROUP BY b.initiative_id
        )
        SELECT ig.goal_id, e.initiative_id, c.name AS initiative, e.year, e.indicator, e.unit,
               e.baseline, e.target, e.actual, s.districts, s.chosen_share
        FROM effect_target e
        JOIN chosen c USING (initiative_id)
        JOIN initiative_goal ig USING (initiative_id)
        LEFT JOIN spread s USING (initiative_id)
        ORDER BY ig.goal_id, c.name, e.indicator
        """,
        )
    )


def effect_targets(source: Source, filters: Filters) -> pd.DataFrame:
    """Return the effect targets of the chosen initiatives (once each), with their progress and status."""
    return analysis.effect_target_progress(
        _scoped(
            source,
            filters,
            """
        SELECT e.initiative_id, c.name AS initiative, e.year, e.indicator, e.unit, e.baseline, e.target, e.actual
        FROM effect_target e JOIN chosen c USING (initiative_id)
        ORDER BY c.name, e.indicator
        """,
        )
    )


# --- Indsatser --------------------------------------------------------------------------------


def initiative_facts(source: Source) -> pd.DataFrame:
    """Return what describes each initiative, whatever the filters: names, administration, focus area, goals, status and the analysts' texts.

    Once per data version (cached): `initiatives_table` adds it to each view's figures, so the text is
    not carried through every view's query (at 1000× the sample that halved the query's memory).
    """
    return _read(
        source,
        """
        WITH goal_names AS (
            SELECT ig.initiative_id, string_agg(g.name, '; ' ORDER BY g.goal_id) AS goals
            FROM initiative_goal ig JOIN goal g USING (goal_id) GROUP BY ig.initiative_id
        )
        SELECT i.initiative_id, i.name, i.administration_code, a.name AS administration_name, i.focus_area_id,
               fa.name AS focus_area, gn.goals, i.status, i.financing, i.evidence, i.do_less,
               i.character, i.target_group, i.age_min, i.age_max, i.rationale
        FROM initiative i
        JOIN focus_area fa USING (focus_area_id)
        JOIN administration a ON a.code = i.administration_code
        LEFT JOIN goal_names gn USING (initiative_id)
        ORDER BY i.initiative_id
        """,
    )


INITIATIVE_COLUMNS = [  # initiatives_table's columns, in order
    "initiative_id", "name", "administration_code", "administration_name", "focus_area_id", "focus_area", "goals",
    "status", "financing", "budget_kr", "participants", "participants_18_25", "evidence", "do_less",
    "character", "target_group", "age_min", "age_max", "rationale",
    "kr_per_participant", "kr_per_young_participant", "active_in_year",
]  # fmt: skip


def initiatives_table(source: Source, filters: Filters) -> pd.DataFrame:
    """Return one row per chosen initiative with the year's budget and people reached, the largest budget first.

    `active_in_year` says whether it has budget or participants in the chosen year (and, with a
    district filter, in those districts). People counts and kr. per person follow the disclosure
    rule; with a district filter, an initiative's sum over the chosen districts is hidden when it holds
    some but not all of the cells its history hides for the year. The initiatives' descriptions come
    from `initiative_facts`.
    """
    numbers = _scoped(
        source,
        filters,
        """
        , money AS (
            SELECT initiative_id, SUM(budget_kr) AS budget_kr FROM budget_scope, f WHERE budget_scope.year = f.year GROUP BY initiative_id
        ),
        reach AS (
            SELECT initiative_id, SUM(participants) AS participants, SUM(participants_18_25) AS participants_18_25
            FROM activity_scope, f WHERE activity_scope.year = f.year GROUP BY initiative_id
        )
        SELECT c.initiative_id, COALESCE(m.budget_kr, 0) AS budget_kr, r.participants, r.participants_18_25,
               COALESCE(m.budget_kr, 0) / NULLIF(r.participants, 0) AS kr_per_participant,
               COALESCE(m.budget_kr, 0) / NULLIF(r.participants_18_25, 0) AS kr_per_young_participant,
               COALESCE(m.budget_kr, 0) > 0 OR COALESCE(r.participants, 0) > 0 AS active_in_year
        FROM chosen c
        LEFT JOIN money m USING (initiative_id)
        LEFT JOIN reach r USING (initiative_id)
        """,
    )
    facts = initiative_facts(source).set_index("initiative_id")
    frame = facts.reindex(numbers["initiative_id"]).reset_index()
    for column in numbers.columns.drop("initiative_id"):
        frame[column] = numbers[column].array  # its own type, nullable ones too (the rows are in the same order)
    frame = frame.sort_values(["budget_kr", "name"], ascending=[False, True], kind="stable", ignore_index=True)[INITIATIVE_COLUMNS]
    people = _people(source, filters, ["initiative_id"], PEOPLE)
    disclosed = frame[["initiative_id"]].merge(people, on="initiative_id", how="left").set_index(frame.index)
    for column in PEOPLE:  # no activity in the year (and districts): missing, as the SQL has it
        frame[column] = disclosed[column].where(frame[column].notna(), frame[column])
    frame["kr_per_participant"] = disclosure.rate_of(frame["kr_per_participant"], frame["participants"])
    frame["kr_per_young_participant"] = disclosure.rate_of(frame["kr_per_young_participant"], frame["participants_18_25"])
    return frame


def initiative_placement(source: Source, year: int) -> prioritisation.Placement:
    """Return where each initiative active in `year` stands on cost per person and evidence (Prioritering).

    Placed against the year's whole portfolio, so an initiative has the same place under every filter;
    once per data version and year (the warming does it before the page is opened).
    """
    everything = initiatives_table(source, Filters(year=year))
    return prioritisation.place_initiatives(everything[everything["active_in_year"]])


PEOPLE = ["participants", "participants_18_25"]


def disclosure_decision(source: Source) -> disclosure.Decision:
    """Return the one disclosure decision of a data version, made on the finest people figures (`disclosure.decide`).

    Per year, initiative and district (city-wide lines included): what an initiative's history shows.
    Every people figure of every page is a sum of these cells worked out from this decision. Kept
    once per data version (not copied on every call, as cached data is): at 1000× the sample it has
    690.000 rows, and its callers only read it.
    """
    frame = _read(
        source,
        """
        SELECT year, initiative_id, district_id,
               SUM(participants) AS participants, SUM(participants_18_25) AS participants_18_25
        FROM activity
        GROUP BY ALL
        ORDER BY year, initiative_id, district_id NULLS FIRST
        """,
    )
    return disclosure.decide(frame)


def initiative_lines(source: Source) -> pd.DataFrame:
    """Return the finest people figures as published: per year, initiative and district, hidden cells as `Hidden`."""
    return disclosure_decision(source).finest


def initiative_history(source: Source, initiative_id: str) -> pd.DataFrame:
    """Return one initiative's budget, spending and people reached per year and district (all years).

    People are read from `initiative_lines`, with the disclosure rule applied there.
    """
    frame = _read(
        source,
        """
        WITH money AS (
            SELECT year, district_id, SUM(budget_kr) AS budget_kr, SUM(spent_kr) AS spent_kr
            FROM budget WHERE initiative_id = $id GROUP BY ALL
        ),
        reach AS (
            SELECT year, district_id, SUM(participants) AS participants, SUM(participants_18_25) AS participants_18_25
            FROM activity WHERE initiative_id = $id GROUP BY ALL
        ),
        lines AS (  -- city-wide lines have no district: NULL must meet NULL, which USING would not do
            SELECT COALESCE(m.year, r.year) AS year, COALESCE(m.district_id, r.district_id) AS district_id,
                   m.budget_kr, m.spent_kr, r.participants, r.participants_18_25
            FROM money m FULL OUTER JOIN reach r ON m.year = r.year AND m.district_id IS NOT DISTINCT FROM r.district_id
        )
        SELECT l.year, l.district_id, COALESCE(d.name, $city_wide) AS district, l.budget_kr, l.spent_kr,
               l.participants, l.participants_18_25
        FROM lines l LEFT JOIN district d USING (district_id)
        ORDER BY l.year, l.district_id NULLS FIRST
        """,
        {"id": initiative_id, "city_wide": vocab.CITY_WIDE_LABEL},
    )
    people = initiative_lines(source)
    people = people.loc[people["initiative_id"] == initiative_id, ["year", "district_id", *PEOPLE]]
    keys = ["year", "district_id"]
    disclosed = frame[keys].merge(people, on=keys, how="left", validate="one_to_one").set_index(frame.index)
    return frame.drop(columns="district_id").assign(**{column: disclosed[column] for column in PEOPLE})


# --- Scenarier --------------------------------------------------------------------------------


def scenario_lines(source: Source, year: int) -> pd.DataFrame:
    """Return the whole portfolio of a year per initiative and district: budget and 18–25-year-olds reached.

    A scenario starts from every line of the year, whatever the filters, so a saved scenario gives
    the same figures under any filter. City-wide lines have no district (NULL).
    """
    return _read(
        source,
        """
        WITH money AS (
            SELECT initiative_id, district_id, SUM(budget_kr) AS budget_kr FROM budget WHERE year = $year GROUP BY ALL
        ),
        reach AS (
            SELECT initiative_id, district_id, SUM(COALESCE(participants_18_25, 0)) AS reached_18_25
            FROM activity WHERE year = $year GROUP BY ALL
        )
        SELECT COALESCE(m.initiative_id, r.initiative_id) AS initiative_id,
               COALESCE(m.district_id, r.district_id) AS district_id,
               COALESCE(m.budget_kr, 0)::DOUBLE AS budget_kr,
               COALESCE(r.reached_18_25, 0)::DOUBLE AS reached_18_25
        FROM money m FULL OUTER JOIN reach r
          ON m.initiative_id = r.initiative_id AND m.district_id IS NOT DISTINCT FROM r.district_id
        ORDER BY initiative_id, district_id NULLS FIRST
        """,
        {"year": year},
    )


def initiative_goals(source: Source) -> pd.DataFrame:
    """Return which strategic goals each initiative serves (one row per initiative and goal)."""
    return _read(source, "SELECT initiative_id, goal_id FROM initiative_goal ORDER BY initiative_id, goal_id")  # pragma: no mutate


# --- Beslutninger -----------------------------------------------------------------------------------


def follow_up_initiatives(source: Source, year: int) -> pd.DataFrame:
    """Return every initiative the data has, with its budget and spending in the year (0 kr. without budget lines; spending missing when none is reported)."""
    return _read(
        source,
        """
        SELECT i.initiative_id, i.name, COALESCE(SUM(b.budget_kr), 0)::DOUBLE AS budget_kr, SUM(b.spent_kr)::DOUBLE AS spent_kr
        FROM initiative i LEFT JOIN budget b ON b.initiative_id = i.initiative_id AND b.year = $year
        GROUP BY ALL
        ORDER BY i.initiative_id
        """,
        {"year": year},
    )


def follow_up_lines(source: Source, year: int) -> pd.DataFrame:
    """Return the year's budget and spending (NULL where none is reported) per initiative and district (NULL: city-wide),
    every initiative, whatever the filters."""
    return _read(
        source,
        """
        SELECT initiative_id, district_id, SUM(budget_kr)::DOUBLE AS budget_kr, SUM(spent_kr)::DOUBLE AS spent_kr
        FROM budget WHERE year = $year
        GROUP BY ALL ORDER BY initiative_id, district_id NULLS FIRST
        """,
        {"year": year},
    )


# --- Caching -----------------------------------------------------------------------------------------
# The queries are wrapped here (`result_cache.cached`: Streamlit's cache, large results compressed), not with a
# decorator above each one, because mutation testing (`make mutants`) leaves decorated functions alone: wrapped
# this way, a wrong line in any query body must be caught by a test. Calls between queries look the name up at call time, so they meet the
# cached function too.
_CACHED_QUERIES = (
    dataset_facts,
    load_history,
    table_row_counts,
    budget_years,
    population_years,
    districts,
    administrations,
    focus_areas,
    goals,
    key_figures,
    budget_by_goal,
    budget_by_focus_area,
    budget_by_status,
    budget_by_administration_and_focus_area,
    budget_by_year_and_administration,
    budget_by_district,
    city_wide_budget,
    budget_and_spending_by_administration,
    budget_by_funding_source,
    young_adults_by_district,
    chosen_initiatives,
    city_wide_young_adults_reached,
    young_adults_trend,
    initiatives_by_goal,
    effect_targets_by_goal,
    effect_targets,
    initiative_facts,
    initiatives_table,
    initiative_placement,
    initiative_history,
    scenario_lines,
    initiative_goals,
    follow_up_initiatives,
    follow_up_lines,
)
for _query in _CACHED_QUERIES:
    globals()[_query.__name__] = result_cache.cached(_query, **CACHE)
# One decision per data version, shared by every session (it is a plain object, not copied per call).
disclosure_decision = st.cache_resource(max_entries=4, show_spinner=False)(disclosure_decision)


def clear_cached_results() -> None:
    """Forget every cached result and decision: called when a new data version replaces the live one.

    A key names one data version, so nothing cached for a replaced version is wrong, only no longer
    asked for; at 1000× the sample one warmed version holds about 400 MB of results.
    """
    result_cache.clear_all()  # the queries here, and what is cached with them elsewhere (a scenario worked out)
    disclosure_decision.clear()
