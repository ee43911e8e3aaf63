"""Small calculations on query results, kept out of pages and charts so they are tested alone."""

from __future__ import annotations

import pandas as pd

from sikkerby import formatting as fmt

ON_TRACK_SHARE = 0.5  # at least half the way from baseline to target counts as 'på vej'


def effect_target_progress(targets: pd.DataFrame) -> pd.DataFrame:
    """Add progress (0 = baseline, 1 = target), status and a hover text to effect targets.

    Status: 'Nået' when the latest value has reached the target (in the target's direction),
    'På vej' when it has come at least half the way, 'Bagud' otherwise, 'Ingen måling' when
    there is no latest value, and 'Uden udgangspunkt' when there is no baseline to say which
    direction is progress (the baseline is optional in the contract).
    """
    out = targets.copy()
    span = out["target"] - out["baseline"]
    progress = (out["actual"] - out["baseline"]) / span.where(span != 0)
    out["progress"] = progress.astype("Float64").astype(float)
    out["status"] = [_status(p, b, a) for p, b, a in zip(out["progress"], out["baseline"], out["actual"], strict=True)]
    out["label"] = [_shorten(name, 42) for name in out["initiative"]]
    out["detail"] = [
        f"Udgangspunkt {_value(b, u)} → mål {_value(t, u)} ({int(y)}) · seneste {_value(a, u)}"
        for b, t, a, u, y in zip(out["baseline"], out["target"], out["actual"], out["unit"], out["year"], strict=True)
    ]
    out["hover"] = [f"{indicator}<br>{detail}" for indicator, detail in zip(out["indicator"], out["detail"], strict=True)]
    return out


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _status(progress: float, baseline: object, actual: object) -> str:
    if pd.isna(actual):
        return "Ingen måling"
    if pd.isna(baseline) or pd.isna(progress):
        return "Uden udgangspunkt"
    if progress >= 1:
        return "Nået"
    if progress >= ON_TRACK_SHARE:
        return "På vej"
    return "Bagud"


def _value(value: object, unit: object) -> str:
    if pd.isna(value):
        return fmt.MISSING
    text = fmt.number(value, 0 if float(value).is_integer() else 1)
    return f"{text} {unit}" if isinstance(unit, str) and unit else text


def change(current: float | None, previous: float | None) -> float | None:
    """Return current minus previous, or None when the previous year has no value."""
    if previous is None or pd.isna(previous) or current is None or pd.isna(current):
        return None
    return float(current) - float(previous)


def largest_share(data: pd.DataFrame, label: str, value: str = "budget_kr") -> tuple[str, float] | None:
    """Return the label with the largest value and its share of the total (None when all are zero)."""
    total = data[value].sum()
    if not total:
        return None
    top = data.loc[data[value].idxmax()]
    return str(top[label]), float(top[value] / total)


def lowest(data: pd.DataFrame, label: str, value: str, count: int = 3) -> list[str]:
    """Return the `count` labels with the lowest values, lowest first."""
    return data.sort_values(value, kind="stable").head(count)[label].tolist()
