"""Overblik: what is loaded (placeholder until the dashboard pages arrive)."""

from __future__ import annotations

import streamlit as st

from dashboard import formatting as fmt
from dashboard import queries
from dashboard.database import DatabaseMissing

st.title("Sikker By – kriminalpræventive indsatser")

try:
    source = queries.current_source()
except DatabaseMissing as missing:
    st.error(f"Databasen findes ikke endnu ({missing}). Byg den med `make run` eller `python -m pipelines build`, og genindlæs siden.")
    st.stop()

facts = queries.dataset_facts(source)
if facts.get("portfolio_is_sample") == "true":
    st.warning("**Eksempeldata.** Indsatserne er opdigtede til illustration; befolkningstal og bydelsgrænser er rigtige.")

by_year = queries.budget_by_year(source)
latest = by_year.iloc[-1] if not by_year.empty else None
cols = st.columns(3)
cols[0].metric("Indsatser i alt", fmt.number(queries.table_row_counts(source).set_index("table_name")["row_count"].get("initiative", 0)))
if latest is not None:
    cols[1].metric(f"Budget {int(latest['year'])}", fmt.mio_kr(latest["budget_kr"]))
    cols[2].metric("Budgetår", f"{int(by_year['year'].min())}–{int(by_year['year'].max())}")

st.subheader("Indlæste filer")
history = queries.load_history(source)
st.dataframe(
    history.rename(columns={"loaded_at": "Indlæst", "source_file": "Fil", "content": "Indhold", "sha256": "SHA-256"}),
    hide_index=True,
)
st.caption(f"Indsatsdata: {facts.get('portfolio_source', '–')}. Kilde for befolkning og bydele: Københavns Kommune, Open Data København.")
