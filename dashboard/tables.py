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
    "do_less": "Foreslået gjort mindre af",
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
    "Foreslået gjort mindre af": 220,  # the analysts' reason is read here, so it is not cut to "Ja: Kan sam…"
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
    flagged = frame["do_less"].fillna(False).astype(bool)
    shown["do_less"] = ("Ja: " + reasons).where(reasons != "", "Ja").where(flagged, "").astype(object)
    codes = shown["administration_code"]
    shown["administration_code"] = codes.map({code: labels.administration_label(code) for code in codes.dropna().unique()})
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


def display_texts(frame: pd.DataFrame, formats: dict[str, Callable[[object], str]] | None = None) -> pd.DataFrame:
    """Return the text a reader sees in each number column: Danish numbers, kr. for money, years plain.

    Columns ending in (kr.) (or starting "Kr./") get kr., years none, other counts whole numbers;
    `formats` overrides per column. A missing number reads "–", a figure hidden by the disclosure rule
    its marker ("<5", "skjult"), yes/no "Ja"/"Nej". Text columns are shown as they are, and are left
    out unless a cell is missing (it reads "–"). Formatting is per distinct value, so a long column
    costs no more than its distinct figures.
    """
    formats = dict(formats or {})
    texts = {}
    for column in frame.columns:
        values = frame[column]
        hidden = fmt.numbers_with_hidden(values)
        if column not in formats and pd.api.types.is_bool_dtype(values):
            texts[column] = values.map({True: "Ja", False: "Nej"}).astype(object).where(values.notna(), fmt.MISSING)
            continue
        if column not in formats and not hidden and not pd.api.types.is_numeric_dtype(values):
            if values.isna().any():  # a missing text reads "–", as a missing number does
                texts[column] = values.astype(object).where(values.notna(), fmt.MISSING).map(str)
            continue
        money = str(column).endswith("(kr.)") or str(column).startswith(("Kr. pr.", "Kr./"))
        formatter = formats.get(column) or (fmt.year if column in YEAR_COLUMNS else fmt.kr if money else fmt.number)
        shown = fmt.column(values, formatter)
        texts[column] = shown if hidden else shown.mask(values.isna(), fmt.MISSING)
    return pd.DataFrame(texts, index=frame.index, columns=list(texts), dtype=object)


def readable(frame: pd.DataFrame, formats: dict[str, Callable[[object], str]] | None = None) -> pd.DataFrame:
    """Return the whole frame as the text a reader sees: numbers as `display_texts`, text columns as they are."""
    texts = display_texts(frame, formats)
    return frame.astype(object).assign(**{str(column): texts[column] for column in texts.columns})


def styled(frame: pd.DataFrame, formats: dict[str, Callable[[object], str]] | None = None) -> Styler:
    """Return the frame for `st.dataframe`, its number columns shown as `display_texts` and sorted on the values.

    Streamlit sends a Styler's display values beside the data. A Styler would build them cell by cell
    (with a limit of 262,144 cells); this one hands Streamlit the column-wise texts directly, which is
    what the two methods Streamlit calls (`_compute`, `_translate`) return here.
    """
    texts = display_texts(frame, formats)
    positions = [frame.columns.get_loc(column) for column in texts.columns]
    columns = [texts[column].tolist() for column in texts.columns]
    body = [
        [{"id": f"row{row}_col{position}", "display_value": column[row]} for position, column in zip(positions, columns, strict=True)]
        for row in range(len(frame))
    ]
    translated = {"body": body, "cellstyle": [], "table_styles": []}
    styler = frame.style
    styler._compute = lambda: styler  # noqa: SLF001 - Streamlit's marshalling calls these two
    styler._translate = lambda *args, **kwargs: translated  # noqa: SLF001
    return styler
