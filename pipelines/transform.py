"""Shape validated sheets into the database's portfolio tables (all plain DataFrames); the fixed lists are in `reference`."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sikkerby import vocabulary as vocab

YOUNG_ADULT_TARGET_SHARE = 1 / 3


def young_adult_share(age_min: pd.Series, age_max: pd.Series) -> pd.Series:
    """Return the share of each target age range (whole years, both ends included) that lies in 18–25."""
    overlap = (age_max.clip(upper=vocab.YOUNG_ADULT_AGE_MAX) - age_min.clip(lower=vocab.YOUNG_ADULT_AGE_MIN) + 1).clip(lower=0)
    return overlap / (age_max - age_min + 1)


def initiatives(sheet: pd.DataFrame) -> pd.DataFrame:
    """Return one row per initiative with English column names and the 18–25 flag.

    An initiative is aimed at 18–25-year-olds when at least a third of its target age range lies
    within 18–25 (so 18–35 and 12–25 count, 0–99 and 18–70 do not).
    """
    focus_id = {name: i for i, name in enumerate(vocab.FOCUS_AREAS, start=1)}
    frame = pd.DataFrame(
        {
            "initiative_id": sheet["indsats_id"],
            "name": sheet["navn"],
            "administration_code": sheet["forvaltning"],
            "focus_area_id": sheet["indsatsomraade"].map(focus_id).astype("int64"),
            "character": sheet["karakter"],
            "target_group": sheet["maalgruppe"],
            "age_min": sheet["alder_min"].astype("int64"),
            "age_max": sheet["alder_max"].astype("int64"),
            "status": sheet["status"],
            "financing": sheet["finansiering"],
            "do_less": sheet["goeres_mindre_af"].astype(bool),
            "rationale": sheet["begrundelse"],
            "evidence": sheet["evidens"],
        }
    )
    frame["targets_18_25"] = young_adult_share(frame["age_min"], frame["age_max"]) >= YOUNG_ADULT_TARGET_SHARE
    frame["goal_count"] = sheet[[g.column for g in vocab.GOALS]].sum(axis=1).astype("int64")
    return frame.reset_index(drop=True)


def initiative_goals(sheet: pd.DataFrame) -> pd.DataFrame:
    """Return one row per (initiative, goal) that the initiative is marked as serving."""
    marked = sheet[[goal.column for goal in vocab.GOALS]].to_numpy(dtype=bool)
    rows, goals = np.nonzero(marked)  # row by row, each row's goals in order
    numbers = np.array([goal.number for goal in vocab.GOALS], dtype="int64")
    return pd.DataFrame({"initiative_id": sheet["indsats_id"].to_numpy(dtype=object)[rows], "goal_id": numbers[goals]})


def budget(sheet: pd.DataFrame) -> pd.DataFrame:
    """Return budget lines: initiative, year, district (NULL = city-wide), amounts and funding source."""
    return pd.DataFrame(
        {
            "initiative_id": sheet["indsats_id"],
            "year": sheet["aar"].astype("int64"),
            "district_id": sheet["bydel"].astype("Int64"),
            "budget_kr": sheet["budget_kr"].astype("float64"),
            "spent_kr": sheet["forbrug_kr"].astype("Float64"),
            "funding_source": sheet["kilde"],
            "source_row": sheet.index.astype("int64"),
        }
    ).reset_index(drop=True)


def activity(sheet: pd.DataFrame) -> pd.DataFrame:
    """Return activity lines: people reached (and of them aged 18–25) and places."""
    return pd.DataFrame(
        {
            "initiative_id": sheet["indsats_id"],
            "year": sheet["aar"].astype("int64"),
            "district_id": sheet["bydel"].astype("Int64"),
            "participants": sheet["deltagere"].astype("int64"),
            "participants_18_25": sheet["heraf_18_25"].astype("Int64"),
            "places": sheet["pladser"].astype("Int64"),
            "source_row": sheet.index.astype("int64"),
        }
    ).reset_index(drop=True)


def effect_targets(sheet: pd.DataFrame) -> pd.DataFrame:
    """Return effect targets: indicator, unit, baseline, target and latest value per year."""
    return pd.DataFrame(
        {
            "initiative_id": sheet["indsats_id"].astype(object),
            "year": sheet["aar"].astype("int64"),
            "indicator": sheet["indikator"].astype(object),
            "unit": sheet["enhed"].astype(object),
            "baseline": sheet["baseline"].astype("Float64"),
            "target": sheet["maal"].astype("Float64"),
            "actual": sheet["aktuel"].astype("Float64"),
        }
    ).reset_index(drop=True)


def portfolio_tables(sheets: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Return the initiative tables built from the four validated sheets."""
    return {
        "initiative": initiatives(sheets["indsatser"]),
        "initiative_goal": initiative_goals(sheets["indsatser"]),
        "budget": budget(sheets["budget"]),
        "activity": activity(sheets["aktivitet"]),
        "effect_target": effect_targets(sheets["effektmaal"]),
    }
