"""Small calculations on query results, kept out of pages and charts so they are tested alone."""

from __future__ import annotations

import html

import numpy as np
import pandas as pd

from dashboard import disclosure
from sikkerby import formatting as fmt

ON_TRACK_SHARE = 0.5  # at least half the way from baseline to target counts as 'på vej'


def effect_target_progress(targets: pd.DataFrame) -> pd.DataFrame:
    """Add progress (0 = baseline, 1 = target), status and a hover text to effect targets.

    Status: 'Nået' when the latest value has reached the target (in the direction from baseline to
    target), 'På vej' when it has come at least half the way, 'Bagud' otherwise, 'Ingen måling'
    without a latest value, and 'Uden udgangspunkt' without a baseline (the direction is unknown;
    the baseline is optional in the contract). When target equals baseline the target is to hold the
    level: 'Nået' when the latest value equals it, else 'Bagud'. Values are compared as they are
    shown (rounded to 3 decimals), so 'På vej' never stands next to a value equal to the target.
    """
    out = targets.copy()
    baseline, target, actual = (out[c].astype("Float64").astype(float) for c in ("baseline", "target", "actual"))
    span = target - baseline
    progress = ((actual - baseline) / span.where(span != 0)).clip(-PROGRESS_LIMIT, PROGRESS_LIMIT)
    shown_equal = actual.round(SHOWN_DECIMALS) == target.round(SHOWN_DECIMALS)  # what the reader sees side by side
    progress = progress.mask(shown_equal, progress.clip(lower=1)).mask((span == 0) & actual.notna(), shown_equal.astype(float))
    out["progress"] = progress
    out["status"] = np.select(
        [
            actual.isna(),
            baseline.isna(),
            shown_equal | ((span == 0) & (progress == 1)) | ((span != 0) & (progress >= 1)),
            (span != 0) & (progress >= ON_TRACK_SHARE),
        ],
        ["Ingen måling", "Uden udgangspunkt", "Nået", "På vej"],
        default="Bagud",
    )
    out = disclosure.effect_target_values(out)
    # the initiative and the indicator: two targets of one initiative must be told apart on the chart
    out["label"] = fmt.column(out["initiative"].astype(str), lambda name: plotly_text(_shorten(name, LABEL_WIDTH))) + (
        "<br>" + fmt.column(out["indicator"].astype(str), lambda name: plotly_text(_shorten(name, LABEL_WIDTH)))
    )
    unit = out["unit"].where(out["unit"].map(lambda u: isinstance(u, str) and bool(u)), None)
    shown = {c: _values(out[c], unit) for c in ("baseline", "target", "actual")}
    year = fmt.column(out["year"], fmt.year)
    out["detail"] = "Udgangspunkt " + shown["baseline"] + " → mål " + shown["target"] + " (" + year + ") · seneste " + shown["actual"]
    out["hover"] = fmt.column(out["indicator"], plotly_text) + "<br>" + out["detail"]
    return out


SHOWN_DECIMALS = 3
LABEL_WIDTH = 45  # characters of an initiative's name above its bar: the width of a phone (copies numbered (1), (2), … stay apart)


def plotly_text(text: object) -> str:
    """Escape analysts' text for plotly, which reads tags such as <a href> and <b> in labels and hover texts."""
    return html.escape(str(text), quote=False)


PROGRESS_LIMIT = 10.0  # progress is shown between -1.000 % and 1.000 %; beyond that the bar would only hide the others


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _values(values: pd.Series, unit: pd.Series) -> pd.Series:
    """Values as shown (up to three decimals, Danish style) with their unit; a missing value is "–" without a unit."""
    shown = fmt.column(values, lambda v: fmt.trimmed(v, SHOWN_DECIMALS))
    with_unit = shown + " " + unit.fillna("").astype(str)
    return shown.where(unit.isna() | (shown == fmt.MISSING), with_unit).astype(object)


ON_TRACK_STATUSES = ("Nået", "På vej")
FURTHEST_FIRST = {"Bagud": 0, "Ingen måling": 1, "Uden udgangspunkt": 2, "På vej": 3, "Nået": 4}


def furthest_behind(progress: pd.DataFrame, count: int) -> pd.DataFrame:
    """Return the `count` effect targets furthest from their target: behind first (least progress first), reached last."""
    order = progress["status"].map(FURTHEST_FIRST).fillna(len(FURTHEST_FIRST))
    ranked = progress.assign(_order=order).sort_values(["_order", "progress"], kind="stable", na_position="last")
    return ranked.head(count).drop(columns="_order")


def targets_on_track(progress: pd.DataFrame) -> pd.Series:
    """Return, per initiative_id, the share of its effect targets that are reached or on the way (0–1).

    Every target counts in the denominator, also those without a measurement or baseline.
    """
    if progress.empty:
        return pd.Series(dtype=float, name="on_track_share")
    on_track = progress["status"].isin(ON_TRACK_STATUSES)
    return on_track.groupby(progress["initiative_id"]).mean().rename("on_track_share")


def change(current: float | None, previous: float | None) -> float | None:
    """Return current minus previous, or None when the previous year has no value."""
    if previous is None or pd.isna(previous) or current is None or pd.isna(current):
        return None
    return float(current) - float(previous)


def share(part: float, whole: float) -> float | None:
    """Return part / whole, or None when the whole is 0 or missing (never inf)."""
    if whole is None or pd.isna(whole) or whole == 0 or part is None or pd.isna(part):
        return None
    return float(part) / float(whole)


def largest_share(data: pd.DataFrame, label: str, value: str = "budget_kr") -> tuple[str, float] | None:
    """Return the label with the largest value and its share of the total (None when all are zero)."""
    total = data[value].sum()
    if not total or pd.isna(total):
        return None
    top = data.loc[data[value].idxmax()]
    return str(top[label]), float(top[value] / total)


def lowest(data: pd.DataFrame, label: str, value: str, count: int = 3) -> list[str]:
    """Return the labels with the lowest values, lowest first: the `count` lowest, or every one tied at the minimum.

    Empty when all values are equal or missing: a finding such as "lowest: Vanløse" is only stated
    over a real comparison, so a filter can never turn a ranking of one into a "lowest". Figures
    hidden by the disclosure rule are not ranked; as no hidden figure is below 0, a shown 0 is still
    among the lowest of all, so with hidden figures only the shown zeros are returned, when there are any.
    """
    numbers = pd.to_numeric(data[value], errors="coerce").astype(float)
    values = numbers.dropna()
    hidden = data[value].map(fmt.is_hidden).astype(bool)
    if hidden.any() and (values == 0).any():
        return data.loc[values.index[values == 0], label].tolist()
    if len(values) < 2 or values.min() == values.max():
        return []
    ranked = data.loc[values.index].assign(**{value: values}).sort_values(value, kind="stable")
    tied = ranked[ranked[value] == values.min()]
    return (tied if len(tied) >= count else ranked.head(count))[label].tolist()


def lowest_sentence(names: list[str], prefix: str, fallback: str, tied: str, count: int = 3) -> str:
    """Return "prefix: A, B, C"; when more than `count` districts share the lowest value, `tied` with {n} filled in."""
    if not names:
        return fallback
    if len(names) > count:
        return tied.format(n=len(names))
    return f"{prefix}: {', '.join(names)}"


def lowest_finding(data: pd.DataFrame, value: str, people: str, prefix: str, fallback: str, tied: str, count: int = 3) -> str:
    """Return `lowest_sentence` over the districts, true also when the disclosure rule hides some of their figures.

    A hidden district is named apart, by what is shown of its people count `people`: "i X nås under 5"
    or "tallet for Y er skjult". The lowest among the shown figures are stated as such when a hidden
    one might lie below them. Shown zeros are the lowest of all, but a hidden figure may be 0 too, so
    they are stated as reaching no one rather than as the (exact) number of districts reaching fewest.
    """
    names = lowest(data, "district", value, count)
    markers = disclosure.hidden_cells(data[people])
    if markers.isna().all():
        return lowest_sentence(names, prefix, fallback, tied, count)
    few = data.loc[markers == disclosure.FEW, "district"].tolist()
    hidden = data.loc[markers == disclosure.HIDDEN, "district"].tolist()
    notes = ([f"i {_listed(few)} nås under 5"] if few else []) + (
        [f"{'tallet' if len(hidden) == 1 else 'tallene'} for {_listed(hidden)} er skjult"] if hidden else []
    )
    shown = pd.to_numeric(data.loc[data["district"].isin(names), value], errors="coerce")
    if not names:
        finding = f"{fallback} med viste tal"
    elif (shown == 0).all():
        finding = f"Ingen 18–25-årige nås i {f'{len(names)} af de ti bydele' if len(names) > count else _listed(names)}"
    else:
        finding = lowest_sentence(names, f"{prefix} (af bydelene med viste tal)", fallback, tied, count)
    return f"{finding}; {' og '.join(notes)}"


def _listed(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} og {names[-1]}"


def city_figure(data: pd.DataFrame, numerator: str, denominator: str, scale: float = 1.0) -> float | None:
    """Return the whole city's figure over all districts: sum(numerator) / sum(denominator) × scale (None when 0).

    The sums are the true ones (`disclosure.true_sum`), also where the disclosure rule hides some districts' figures.
    """
    result = share(disclosure.true_sum(data, numerator), disclosure.true_sum(data, denominator))
    return None if result is None else result * scale


def growth_sentence(coverage: pd.DataFrame) -> str:
    """Say where a focus area can grow: the districts with the lowest 18–25 coverage, over all ten."""
    if disclosure.true_sum(coverage, "reached_18_25") == 0:
        return "Områdets indsatser når ingen 18–25-årige, der er henført til en bydel."
    return lowest_finding(
        coverage,
        "reached_per_1000",
        "reached_18_25",
        "Lavest dækning af 18–25-årige",
        "Dækningen er ens i alle bydele",
        "{n} af de ti bydele når færrest unge",
    )


def budget_need(initiatives: pd.DataFrame, missing: str, partial: str, proposed: str) -> tuple[float, float, float]:
    """Return the budget of initiatives without financing, partly financed, and proposed (kr.)."""
    return (
        float(initiatives.loc[initiatives["financing"] == missing, "budget_kr"].sum()),
        float(initiatives.loc[initiatives["financing"] == partial, "budget_kr"].sum()),
        float(initiatives.loc[initiatives["status"] == proposed, "budget_kr"].sum()),
    )
