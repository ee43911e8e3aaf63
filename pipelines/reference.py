"""The real reference data: population by district, year and age group; district boundaries.

Source: Københavns Kommune, Open Data København (see data/reference/README.md).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from sikkerby import vocabulary as vocab

AGE_GROUPS: dict[str, tuple[int, int]] = {
    "age_0_17": (0, 17),
    "age_18_25": (vocab.YOUNG_ADULT_AGE_MIN, vocab.YOUNG_ADULT_AGE_MAX),
    "age_26_64": (26, 64),
    "age_65_plus": (65, 200),
}


def population_by_age_group(csv_path: Path) -> pd.DataFrame:
    """Return persons per year and district (99 = not assigned) in the four age groups and total."""
    people = pd.read_csv(csv_path, usecols=["AAR", "BYDEL", "ALDER", "PERSONER"], dtype="int64")
    group = pd.Series(pd.NA, index=people.index, dtype="string")
    for name, (low, high) in AGE_GROUPS.items():
        group = group.mask(people["ALDER"].between(low, high), name)
    wide = (
        people.assign(age_group=group)
        .pivot_table(index=["AAR", "BYDEL"], columns="age_group", values="PERSONER", aggfunc="sum", fill_value=0)
        .reindex(columns=list(AGE_GROUPS), fill_value=0)
        .reset_index()
        .rename(columns={"AAR": "year", "BYDEL": "district_id"})
    )
    wide.columns.name = None
    wide["total"] = wide[list(AGE_GROUPS)].sum(axis=1)
    return wide.astype("int64")


def districts_with_boundaries(geojson_path: Path) -> pd.DataFrame:
    """Return the ten districts with our names, area and boundary as a GeoJSON Feature string."""
    collection = json.loads(geojson_path.read_text(encoding="utf-8"))
    features = {int(f["properties"]["bydel_nr"]): f for f in collection["features"]}
    rows = []
    for district in vocab.DISTRICTS:
        feature = features.get(district.number)
        rows.append(
            {
                "district_id": district.number,
                "name": district.name,
                "area_m2": float(feature["properties"]["areal_m2"]) if feature else None,
                "boundary_geojson": json.dumps(
                    {
                        "type": "Feature",
                        "id": district.number,
                        "properties": {"bydel_nr": district.number, "navn": district.name},
                        "geometry": feature["geometry"],
                    },
                    ensure_ascii=False,
                )
                if feature
                else None,
            }
        )
    return pd.DataFrame(rows)
