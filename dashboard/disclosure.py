"""Disclosure control: a count of 1–4 people is never shown, and cannot be worked out from what is shown.

The rule, in one function (`suppress`), applied where query results leave the query layer to every
people count broken down by district, initiative or initiative × district (deltagere, heraf 18–25
and 18–25-årige nået), and stated in Danish on 'Om data' (`RULE`):

1. A count of 1–4 reads "<5"; 0 stays 0.
2. Where a part and its whole are both shown in a row (heraf 18–25 of deltagere) and they differ by
   1–4, the whole is hidden ("skjult"), so the 18–25 figure stays visible.
3. Where a column's total is shown or can be worked out (the city figure drawn as a line, an
   initiative's year total beside its history), per group of rows: while a hidden cell could be
   worked out from that total, the other cells and what the reader knows of each hidden cell ("<5"
   is 1–4, "skjult" at least 5, a part at most its whole), the next smallest non-zero shown cell of
   the column is hidden too ("skjult"); when there is none, the first 0.
4. A rate computed from a hidden count (per 1.000, kr. per person) is hidden with it ("skjult").

Every people figure is a sum of cells of one finest table: per year, initiative and district (and
city-wide), as an initiative's history shows it, with the year's totals beside it in Indsatser. The
rule is applied there first; a figure summed over some of its cells (a district on Unge 18–25, an
initiative under a district filter, a year under filters) must not give away what it hides:
`revealing` names the sums that hold only part of a group's hidden cells (or an unprotected one),
and `suppress(also=...)` hides them before the rule runs on the table of sums. The same is done
between a table of sums and sums of its cells (the districts of Unge 18–25 and a year's figure for
the chosen districts).

Under filters, the key figures and the yearly trend are the chosen part's figures, not the city's,
so rule 1 (and 4) applies to them too. Budgets are never hidden. City totals (key figures, the
yearly trend without filters) are not broken down and stay as they are; `true_sum` gives a page
the true total of a suppressed column.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from sikkerby.formatting import Hidden, is_hidden

THRESHOLD = 5
FEW = "<5"
HIDDEN = "skjult"
TRUE_SUM_SUFFIX = "_true_sum"
EXPOSED_SUFFIX = "_exposed"
RULE = (
    "Tal for personer (deltagere, heraf 18–25 år og 18–25-årige nået) fordelt på bydel, indsats eller indsats og bydel "
    'vises som "<5", når de er 1–4; 0 vises som 0. Kan et skjult tal regnes ud af andre viste tal, skjules et tal mere og '
    'vises som "skjult": er forskellen mellem deltagere og heraf 18–25 år 1–4, skjules deltagerne, så 18–25-tallet kan ses; '
    "kan et skjult tal regnes ud af en total (fx indsatsens tal for hele året eller hele byens tal), skjules også det "
    "næstmindste tal over 0 (er der intet, et 0). Et tal, der lægger nogle af en indsats' tal sammen – en bydel på Unge "
    "18–25, en indsats under et bydelsfilter, årets tal for de valgte bydele, hele byens linje eller de byfælles indsatser – "
    "skjules, når det ellers ville afsløre et af indsatsens skjulte tal. Rater beregnet af et skjult tal (pr. 1.000, "
    "kr. pr. deltager) skjules med det. Med filtre gælder reglen også nøgletal og udviklingen over årene. Budgetter "
    "skjules aldrig, og hele byens tal uden filtre (nøgletal og udviklingen) er ikke fordelt og vises, som de er."
)


def suppress(
    frame: pd.DataFrame,
    counts: Sequence[str],
    *,
    parts: Mapping[str, str] | None = None,
    rates: Mapping[str, str | tuple[str, ...]] | None = None,
    totals: Sequence[str] = (),
    groups: Sequence[str] = (),
    also: Mapping[str, pd.Series] | None = None,
    exposed: bool = False,
) -> pd.DataFrame:
    """Return `frame` with the rule applied: hidden cells hold `Hidden("<5")` or `Hidden("skjult")` in object columns.

    `counts`: the people-count columns. `parts`: part column → its whole (`participants_18_25` →
    `participants`). `rates`: rate column → the count column(s) it is computed from. `totals`: count
    columns whose total, per group of `groups`, is shown or can be worked out. `also`: count column →
    a boolean Series (aligned with `frame`) of cells to hide beforehand, for consistency with a finer table.
    Columns with nothing hidden keep their dtype. With `exposed`, each totals column gets a boolean
    `<column>_exposed`: True on the hidden cells of a group that no further cell could protect (a
    table of sums over them, `revealing`, must then hide every sum that holds them).
    """
    parts, rates, also = dict(parts or {}), dict(rates or {}), dict(also or {})
    values = {c: pd.to_numeric(frame[c], errors="coerce").astype(float).to_numpy() for c in counts}
    marks = {c: np.full(len(frame), None, dtype=object) for c in counts}
    known = {c: ~np.isnan(v) for c, v in values.items()}
    whole_numbers = {c: bool(np.all(v[known[c]] % 1 == 0)) for c, v in values.items()}  # a scenario scales counts

    for c, v in values.items():  # 1. a count of 1–4
        marks[c][known[c] & (v > 0) & (v < THRESHOLD)] = FEW
    for c, mask in also.items():  # cells a finer table hides
        chosen = mask.reindex(frame.index).fillna(False).to_numpy(dtype=bool) & known[c] & _shown(marks[c])
        marks[c][chosen] = HIDDEN
    for part, whole in parts.items():  # 2. a whole that differs from its part by 1–4
        both = _shown(marks[part]) & _shown(marks[whole]) & known[part] & known[whole]
        difference = values[whole] - values[part]
        marks[whole][both & (difference > 0) & (difference < THRESHOLD)] = HIDDEN

    group_ids = frame.groupby(list(groups), sort=False, dropna=False).ngroup().to_numpy() if groups else np.zeros(len(frame), int)
    group_rows = _groups_with_hidden_cells(group_ids, [marks[c] for c in counts])
    changed = True
    while changed:  # 3. complementary cells, until no hidden cell can be worked out from a total
        changed = False
        for c in totals:
            for rows in group_rows:
                while _determinable(c, rows, values, marks, parts, whole_numbers):
                    extra = _next_smallest(rows, values[c], marks[c])
                    if extra is None:
                        break
                    marks[c][extra] = HIDDEN
                    changed = True

    out = frame.copy()
    for c in totals if exposed else ():
        flags = np.zeros(len(frame), dtype=bool)
        for rows in group_rows:
            if _determinable(c, rows, values, marks, parts, whole_numbers):
                flags[rows] = ~_shown(marks[c][rows])
        out[c + EXPOSED_SUFFIX] = flags
    for c in counts:
        out[c] = _with_hidden(frame[c], marks[c])
    for rate, sources in rates.items():  # 4. rates of a hidden count
        sources = (sources,) if isinstance(sources, str) else sources
        hidden = np.zeros(len(frame), dtype=bool)
        for source in sources:
            hidden |= ~_shown(marks[source])
        out[rate] = _with_hidden(frame[rate], np.where(hidden, HIDDEN, None))
    return out


def revealing(pattern: pd.DataFrame, column: str, groups: Sequence[str], sums: Sequence[str], chosen: pd.Series) -> frozenset:
    """Return the keys of the sums that would give away a cell hidden in `pattern`, a table suppressed in `groups`.

    Each sum adds up the chosen rows of `pattern` alike in `sums` (one key per sum: the value, or a
    tuple for several columns). The hidden cells of a group are safe together: a sum that holds all of
    them or none tells no more than the group's total. A sum that holds some but not all gives those
    it holds away (minus the shown cells), and so does a sum holding a group the rule could not
    protect (`<column>_exposed`). Such sums must be hidden (`suppress(also=...)`).
    """
    values = pattern[column]
    hidden = np.zeros(len(pattern), dtype=bool)
    maybe = np.flatnonzero(pd.isna(values).to_numpy())  # a hidden figure is NaN to pandas: check only those
    hidden[maybe] = [is_hidden(v) for v in values.to_numpy()[maybe]]
    rows_hidden = np.flatnonzero(hidden)
    if not len(rows_hidden):
        return frozenset()
    flags = pattern[column + EXPOSED_SUFFIX].to_numpy(dtype=bool) if column + EXPOSED_SUFFIX in pattern else np.zeros(len(pattern), bool)
    picked = chosen.to_numpy(dtype=bool)
    # Only hidden cells decide: their groups and keys are all that is looked up (a long table has few).
    group_of = list(pattern[list(groups)].iloc[rows_hidden].itertuples(index=False, name=None))
    key_rows = list(pattern[list(sums)].iloc[rows_hidden].itertuples(index=False, name=None))
    key_of = {row: (key[0] if len(sums) == 1 else key) for row, key in zip(rows_hidden, key_rows, strict=True)}
    members: dict[tuple, list[int]] = {}
    for row, group in zip(rows_hidden, group_of, strict=True):
        members.setdefault(group, []).append(row)
    found = set()
    for rows in members.values():
        for key in {key_of[r] for r in rows if picked[r]}:
            held = [r for r in rows if picked[r] and key_of[r] == key]
            if len(held) < len(rows) or flags[rows].any():
                found.add(key)
    return frozenset(found)


def held_by(frame: pd.DataFrame, sums: Sequence[str], keys: frozenset) -> pd.Series:
    """Return, per row of `frame`, whether its key (the values in `sums`) is among `keys` (from `revealing`)."""
    rows = list(frame[list(sums)].itertuples(index=False, name=None))
    return pd.Series([(r[0] if len(sums) == 1 else r) in keys for r in rows], index=frame.index, dtype=bool)


def true_sum(frame: pd.DataFrame, column: str) -> float:
    """Return the true total of a column: from its `<column>_true_sum` when the query gave one, else the sum of the column."""
    kept = column + TRUE_SUM_SUFFIX
    if kept in frame:
        return float(frame[kept].iloc[0]) if len(frame) else 0.0
    return float(pd.to_numeric(frame[column], errors="coerce").sum())


def hidden_cells(values: pd.Series) -> pd.Series:
    """Return the markers of the hidden cells ("<5" or "skjult"), None where the cell is shown."""
    return values.map(lambda v: v.marker if is_hidden(v) else None)


def _groups_with_hidden_cells(group_ids: np.ndarray, marks: list[np.ndarray]) -> list[np.ndarray]:
    """Return the rows of each group that has a hidden cell: only those can have a cell worked out from a total.

    A group without one stays without one (a complementary cell is only chosen where a hidden one is at
    risk), so at scale the work is the hidden cells' groups, not every initiative-year.
    """
    if not len(group_ids):
        return []
    hidden = np.zeros(len(group_ids), dtype=bool)
    for column_marks in marks:
        hidden |= ~_shown(column_marks)
    wanted = np.unique(group_ids[hidden])
    order = np.argsort(group_ids, kind="stable")
    ordered = group_ids[order]
    starts, ends = np.searchsorted(ordered, wanted, "left"), np.searchsorted(ordered, wanted, "right")
    return [order[start:end] for start, end in zip(starts, ends, strict=True)]


def _shown(marks: np.ndarray) -> np.ndarray:
    return np.array([m is None for m in marks], dtype=bool)


def _determinable(column: str, rows: np.ndarray, values: dict, marks: dict, parts: dict[str, str], whole_numbers: dict) -> bool:
    """Whether a hidden cell of `column` in `rows` is pinned to less than one person by the rows' total."""
    hidden = [i for i in rows if marks[column][i] is not None]
    if not hidden:
        return False
    v = values[column]
    rest = float(np.nansum(v[rows])) - sum(v[i] for i in rows if marks[column][i] is None and not math.isnan(v[i]))
    bounds = [_bounds(column, i, values, marks, parts, whole_numbers) for i in hidden]
    for k, (low, high) in enumerate(bounds):
        others_low = sum(b[0] for j, b in enumerate(bounds) if j != k)
        others_high = sum(b[1] for j, b in enumerate(bounds) if j != k)
        if v[hidden[k]] != 0 and min(high, rest - others_low) - max(low, rest - others_high) < 1:
            return True  # a hidden 0 worked out is a 0: it tells no count of 1–4
    return False


def _bounds(column: str, i: int, values: dict, marks: dict, parts: dict[str, str], whole_numbers: dict) -> tuple[float, float]:
    """What a reader who knows the rule can tell of a hidden cell: "<5" is 1–4, "skjult" at least 5, a part at most its whole."""
    value = values[column][i]
    if marks[column][i] == FEW:
        low, high = _few(whole_numbers[column])
    else:
        low, high = min(float(THRESHOLD), value), math.inf  # a 0 hidden for want of another cell is known only to be ≥ 0
    whole = parts.get(column)
    if whole is not None and marks[whole][i] is None and not math.isnan(values[whole][i]):
        high = min(high, values[whole][i])
    elif whole is not None and marks[whole][i] == FEW:
        high = min(high, _few(whole_numbers[whole])[1])
    for part, of in parts.items():
        if of == column and marks[part][i] is None and not math.isnan(values[part][i]):
            low = max(low, values[part][i])
    return low, high


def _few(whole_numbers: bool) -> tuple[float, float]:
    """What "<5" tells: 1–4 people, or anything between 0 and 5 for a scaled (scenario) count."""
    return (1.0, THRESHOLD - 1.0) if whole_numbers else (0.0, float(THRESHOLD))


def _next_smallest(rows: np.ndarray, values: np.ndarray, marks: np.ndarray) -> int | None:
    """Return the row of the smallest non-zero shown cell (the first on a tie); else the first shown 0; else None."""
    shown = [i for i in rows if marks[i] is None and not math.isnan(values[i])]
    non_zero = [i for i in shown if values[i] != 0]
    if non_zero:
        return min(non_zero, key=lambda i: (values[i], i))  # rows are in order: a tie goes to the first
    return shown[0] if shown else None


def _with_hidden(column: pd.Series, marks: np.ndarray) -> pd.Series:
    """Return the column unchanged when nothing is hidden; else as objects with `Hidden` in the hidden cells."""
    if all(m is None for m in marks):
        return column
    numbers = pd.to_numeric(column, errors="coerce").astype(float)
    cells = [Hidden(m) if m is not None else n for n, m in zip(numbers.tolist(), marks, strict=True)]
    return pd.Series(cells, index=column.index, dtype=object, name=column.name)
