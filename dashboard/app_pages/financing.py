"""Mangler finansiering: the initiatives whose financing is missing or only partial, with budget and goals."""

from __future__ import annotations

import streamlit as st

from dashboard import labels, layout, queries, tables
from sikkerby import formatting as fmt
from sikkerby.vocabulary import MISSING_FINANCING, PARTIAL_FINANCING, PROPOSED_STATUS

context = layout.page_header(
    "Mangler finansiering",
    "Indsatser med budget i {year}, hvor finansieringen mangler helt eller kun er delvis – grundlaget for budgetbehovet",
)
source, filters = context.source, context.filters
UNFINANCED = (MISSING_FINANCING, PARTIAL_FINANCING)

scope = filters._replace(financing=tuple(f for f in (filters.financing or UNFINANCED) if f in UNFINANCED))
listed = queries.initiatives_table(source, scope)
listed = listed[listed["budget_kr"] > 0]
if not scope.financing or listed.empty:
    layout.empty_state("Ingen indsatser mangler finansiering", context)
    st.stop()

missing = listed.loc[listed["financing"] == MISSING_FINANCING, "budget_kr"].sum()
partial = listed.loc[listed["financing"] == PARTIAL_FINANCING, "budget_kr"].sum()
proposed = int((listed["status"] == PROPOSED_STATUS).sum())
st.markdown(
    f"**{fmt.number(len(listed))} {'indsats mangler' if len(listed) == 1 else 'indsatser mangler'} helt eller delvist "
    f"finansiering i {filters.year}:** {fmt.mio_kr(missing)} uden finansiering og {fmt.mio_kr(partial)} delvist finansieret. "
    + (
        f"Heraf {'er 1 foreslået' if proposed == 1 else f'er {fmt.number(proposed)} foreslåede'} (ikke besluttet); "
        "de står også under 'Foreslåede indsatser' på Overblik."
        if proposed
        else "Alle er besluttede (eksisterende eller nye)."
    )
)
with st.container(horizontal=True, wrap=True):
    st.metric("Mangler finansiering (mio. kr.)", fmt.mio(missing), border=True, width=310, help="Budget til indsatser uden finansiering.")
    st.metric(
        "Delvist finansieret (mio. kr.)",
        fmt.mio(partial),
        border=True,
        width=310,
        help="Hele budgettet til delvist finansierede indsatser; kontrakten siger ikke, hvor stor en del der mangler.",
    )
shown = listed.assign(
    financing=listed["financing"].map(labels.FINANCING_LABELS),
    status=listed["status"].map(labels.STATUS_LABELS),
    administration_code=listed["administration_code"].map(labels.administration_label),
).rename(columns=tables.INITIATIVE_COLUMNS)[["Indsats", "Budget (kr.)", "Finansiering", "Status", "Forvaltning", "Strategiske mål", "Id"]]
layout.table(shown, "mangler_finansiering", "unfinanced", pinned=tables.PINNED_COLUMN)
