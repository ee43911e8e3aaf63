"""Indsatser: every initiative in a sortable, searchable table, and one initiative's history in detail."""

from __future__ import annotations

import streamlit as st

from dashboard import analysis, export, layout, queries, tables
from sikkerby import formatting as fmt
from sikkerby.vocabulary import PROPOSED_STATUS

DETAIL_CHOICES = 300  # initiatives offered for the detail view; a longer table is searched first

context = layout.page_header(
    "Indsatser", "Alle kriminalpræventive indsatser med budget og deltagere for {year}. Klik på en kolonne for at sortere."
)
source, filters = context.source, context.filters

everything = queries.initiatives_table(source, filters)
only_active = st.toggle(
    f"Kun indsatser med budget eller deltagere i {filters.year}",
    value=True,
    key="initiatives_only_active",
    help="Slå fra for at se alle indsatser, også dem uden budget eller aktivitet i året (fx foreslåede eller afsluttede).",
)
if only_active:
    everything = everything[everything["active_in_year"]]
query = st.text_input(
    "Søg",
    key="initiative_search",
    placeholder="Søg i navn, id, forvaltning, målgruppe eller karakter",
    help="Søgningen ser på navn, id, forvaltning, målgruppe og karakter.",
)
found = tables.search(everything, query, ["name", "initiative_id", "administration_code", "target_group", "character", "focus_area"])
if found.empty:
    if everything.empty:
        layout.empty_state("Ingen indsatser passer til filtrene", context)
    else:
        st.info(f"Ingen indsatser matcher søgningen '{layout.plain(query)}'. Ret eller ryd søgefeltet.", icon=":material/search_off:")
    st.stop()

on_track = analysis.targets_on_track(queries.effect_targets(source, filters))
shown = tables.initiatives_for_display(found.join(on_track, on="initiative_id"))
if found["budget_kr"].sum() == 0:
    st.info(
        f"**Ingen data** om budget: ingen af de viste indsatser har budget i {filters.year}. Vælg et andet år for at se beløb.",
        icon=":material/info:",
    )
proposed = found.loc[found["status"] == PROPOSED_STATUS, "budget_kr"].sum()
st.markdown(
    f"**{fmt.number(len(shown))} indsatser** · besluttet budget {filters.year}: **{fmt.mio_kr(found['budget_kr'].sum() - proposed)}**"
    + (f" · foreslået: **{fmt.mio_kr(proposed)}**" if proposed else "")
)
layout.table(
    shown,
    "indsatser",
    "initiatives",
    formats={"Mål på vej (%)": lambda v: fmt.percent(v / 100, 0)},
    height=480,
    label="Hent tabel (CSV)",
    pinned=tables.PINNED_COLUMN,
    widths=tables.DECISION_WIDTHS,
)
st.caption(
    f"Kr./deltager og kr./18–25-årig: indsatsens budget {filters.year} delt med dens deltagere i året (samme bydele). "
    "Mål på vej: andel af indsatsens effektmål, der er nået eller mindst halvvejs; mål uden måling tæller som ikke på vej. "
    "Foreslået gjort mindre af: analytikernes forslag, med deres begrundelse (ikke det samme som Prioriterings kvadranter). "
    "Deltagere på 1–4 vises som '<5', og tal, der ellers ville afsløre dem, som 'skjult' – også prisen pr. deltager (se Om data)."
)
st.download_button(
    "Hent tabel (Excel)",
    data=lambda: export.xlsx_bytes(shown, "indsatser"),
    file_name=context.file_name("indsatser", "xlsx"),
    mime=export.XLSX_MIME,
    key="xlsx_initiatives",
    icon=":material/table_view:",
    type="tertiary",
)

st.divider()
st.header("Detaljer for én indsats")
offered = found.head(DETAIL_CHOICES)  # the browser gets the first rows of the table, not every initiative
if len(found) > DETAIL_CHOICES:
    st.caption(
        f"Listen har de første {fmt.number(DETAIL_CHOICES)} af {fmt.number(len(found))} indsatser. "
        "Søg i feltet 'Søg' over tabellen for at finde en anden."
    )
names = dict(zip(offered["initiative_id"], offered["name"], strict=True))
chosen = st.selectbox("Vælg indsats", list(names), format_func=lambda i: f"{names[i]} ({i})", key="initiative_detail")
layout.initiative_detail(found.set_index("initiative_id").loc[chosen], chosen)
