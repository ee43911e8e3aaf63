"""The reference tables: the real population by district, year and age group and the district boundaries,
and the contract's fixed lists (administrations, focus areas, goals), as Arrow tables.

Source: Københavns Kommune, Open Data København (see data/reference/README.md).
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa

from pipelines.arrow_tables import scratch, table_of
from sikkerby import vocabulary as vocab

AGE_GROUPS: dict[str, tuple[int, int]] = {
    "age_0_17": (0, 17),
    "age_18_25": (vocab.YOUNG_ADULT_AGE_MIN, vocab.YOUNG_ADULT_AGE_MAX),
    "age_26_64": (26, 64),
    "age_65_plus": (65, 200),
}


def population_by_age_group(csv_path: Path) -> pa.Table:
    """Return persons per year and district (99 = not assigned) in the four age groups and total, by year and district."""
    groups = ", ".join(
        f"coalesce(sum(PERSONER) FILTER (WHERE ALDER BETWEEN {low} AND {high}), 0)::BIGINT AS {name}"
        for name, (low, high) in AGE_GROUPS.items()
    )
    with scratch() as con:
        return con.sql(
            f"SELECT AAR::BIGINT AS year, BYDEL::BIGINT AS district_id, {groups}, ({' + '.join(AGE_GROUPS)})::BIGINT AS total "  # noqa: S608 - our own names
            "FROM read_csv(?, header = true, types = {'AAR': 'BIGINT', 'BYDEL': 'BIGINT', 'ALDER': 'BIGINT', 'PERSONER': 'BIGINT'}) "
            "GROUP BY year, district_id ORDER BY year, district_id",
            params=[str(csv_path)],
        ).to_arrow_table()


def districts_with_boundaries(geojson_path: Path) -> pa.Table:
    """Return the ten districts with our names, area and boundary as a GeoJSON Feature string."""
    collection = json.loads(geojson_path.read_text(encoding="utf-8"))
    features = {int(f["properties"]["bydel_nr"]): f for f in collection["features"]}
    boundaries = []
    for district in vocab.DISTRICTS:
        feature = features.get(district.number)
        boundaries.append(
            json.dumps(
                {
                    "type": "Feature",
                    "id": district.number,
                    "properties": {"bydel_nr": district.number, "navn": district.name},
                    "geometry": feature["geometry"],
                },
                ensure_ascii=False,
            )
            if feature
            else None
        )
    return table_of(
        {
            "district_id": ("BIGINT", [d.number for d in vocab.DISTRICTS]),
            "name": ("VARCHAR", [d.name for d in vocab.DISTRICTS]),
            "area_m2": (
                "DOUBLE",
                [float(features[d.number]["properties"]["areal_m2"]) if d.number in features else None for d in vocab.DISTRICTS],
            ),
            "boundary_geojson": ("VARCHAR", boundaries),
        }
    )


def administrations() -> pa.Table:
    """Return the seven administrations: code and full name."""
    return table_of({"code": ("VARCHAR", list(vocab.ADMINISTRATIONS)), "name": ("VARCHAR", list(vocab.ADMINISTRATIONS.values()))})


def focus_areas() -> pa.Table:
    """Return the six focus areas, numbered in the memo's order."""
    return table_of({"focus_area_id": ("BIGINT", list(range(1, len(vocab.FOCUS_AREAS) + 1))), "name": ("VARCHAR", list(vocab.FOCUS_AREAS))})


def goals() -> pa.Table:
    """Return the four strategic goals with the workbook column that marks each."""
    return table_of(
        {
            "goal_id": ("BIGINT", [g.number for g in vocab.GOALS]),
            "workbook_column": ("VARCHAR", [g.column for g in vocab.GOALS]),
            "name": ("VARCHAR", [g.name for g in vocab.GOALS]),
        }
    )
