"""Tables as the user sees and downloads them: Danish headers, Danish labels, numbers kept numeric.

A page shows `styled(frame, ...)` and exports the same `frame`, so the download is exactly what
is on the screen.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
from pandas.io.formats.style import Styler

from dashboard import labels
from sikkerby import formatting as fmt

# The name first (pinned), then the columns a decision needs, then the rest.
INITIATIVE_COLUMNS = {
    "name": "Indsats",
    "budget_kr": "Budget (kr.)",
    "kr_per_participant": "Kr./deltager",
    "kr_per_young_participant": "Kr./18–25-årig",
    "evidence": "Evidens",
    "on_track_share": "Mål på vej (%)",
    "financing": "Finansiering",
    "status": "Status",
    "do_less": "Mindre af",
    "initiative_id": "Id",
    "administration_code": "Forvaltning",
    "focus_area": "Indsatsområde",
    "goals": "Strategiske mål",
    "participants": "Deltagere (personer)",
    "participants_18_25": "Heraf 18–25 år (personer)",
}
PINNED_COLUMN = "Indsats"
# px per decision column: together about 930 px, the table's width at 1400 px with the sidebar open
DECISION_WIDTHS = {
    "Indsats": 190,
    "Budget (kr.)": 112,
    "Kr./deltager": 92,
    "Kr./18–25-årig": 92,
    "Evidens": 98,
    "Mål på vej (%)": 70,
    "Finansiering": 118,
    "Status": 82,
    "Mindre af": 76,
}

HISTORY_COLUMNS = {
    "year": "År",
    "district": "Bydel",
    "budget_kr": "Budget (kr.)",
    "spent_kr": "Forbrug (kr.)",
    "participants": "Deltagere (personer)",
    "participants_18_25": "Heraf 18–25 år (personer)",
}


YEAR_COLUMNS = frozenset({"År", "Målår", "Befolkningsår"})


def initiatives_for_display(frame: pd.DataFrame) -> pd.DataFrame:
    """Return the initiatives table with Danish headers and labels (`on_track_share` is added by the page)."""
    shown = frame.reindex(columns=list(INITIATIVE_COLUMNS)).copy()
    shown["status"] = shown["status"].map(labels.STATUS_LABELS)
    shown["financing"] = shown["financing"].map(labels.FINANCING_LABELS)
    shown["evidence"] = shown["evidence"].map(labels.EVIDENCE_LABELS)
    shown["on_track_share"] = shown["on_track_share"] * 100
    reasons = frame["rationale"].fillna("").astype(str).str.strip()
    shown["do_less"] = [
        ("Ja: " + reason if reason else "Ja") if flag else "" for flag, reason in zip(frame["do_less"], reasons, strict=True)
    ]
    shown["administration_code"] = shown["administration_code"].map(labels.administration_label)
    return shown.rename(columns=INITIATIVE_COLUMNS)


def search(frame: pd.DataFrame, text: str, columns: list[str]) -> pd.DataFrame:
    """Return the rows where any of `columns` contains `text` (case-insensitive)."""
    if not text.strip():
        return frame
    needle = text.strip().lower()
    hit = pd.Series(False, index=frame.index)
    for column in columns:
        hit |= frame[column].fillna("").astype(str).str.lower().str.contains(needle, regex=False)
    return frame[hit]


def styled(frame: pd.DataFrame, formats: dict[str, Callable[[object], str]] | None = None) -> Styler:
    """Return the frame with Danish number formatting; columns ending in (kr.) get kr., counts whole numbers.

    A column with figures hidden by the disclosure rule (object dtype) gets the format it would get
    as numbers, and its hidden cells read their marker ("<5", "skjult") rather than "–".
    """
    formats = dict(formats or {})
    hidden = [column for column in frame.columns if fmt.numbers_with_hidden(frame[column])]
    for column in frame.columns:
        if column in formats or not (pd.api.types.is_numeric_dtype(frame[column]) or column in hidden):
            continue
        money = str(column).endswith("(kr.)") or str(column).startswith(("Kr. pr.", "Kr./"))
        formats[column] = fmt.year if column in YEAR_COLUMNS else fmt.kr if money else fmt.number
    shown = frame.style.format({c: f for c, f in formats.items() if c not in hidden}, na_rep=fmt.MISSING)
    if hidden:  # na_rep would write "–" over a marker: a hidden figure is NaN to pandas
        shown = shown.format({c: formats[c] for c in hidden}, subset=hidden, na_rep=None)
    return shown
