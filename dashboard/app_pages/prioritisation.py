"""Prioritering: what to do more of and less of, by cost per person reached and evidence."""

from __future__ import annotations

import streamlit as st

from dashboard import charts, labels, layout, prioritisation, queries, tables
from dashboard.filters import Filters
from sikkerby import formatting as fmt

BUBBLES = 400  # bubbles drawn at most: more hide each other and slow every browser down
DETAIL_CHOICES = 300  # initiatives without a bubble offered for the detail view

context = layout.page_header(
    "Prioritering", "Hvad skal der gøres mere og mindre af? Indsatserne {year} efter budget pr. deltager og evidens"
)
source, filters = context.source, context.filters


everything = queries.initiatives_table(source, filters)
placement = queries.initiative_placement(source, filters.year)  # the year's whole portfolio: the same place under every filter
shown_ids = everything.loc[everything["active_in_year"], "initiative_id"]
placed = placement.placed[queries.among(placement.placed["initiative_id"], shown_ids)]
unplaced = placement.unplaced[queries.among(placement.unplaced["initiative_id"], shown_ids)]
if placed.empty and unplaced.empty:
    layout.empty_state("Ingen indsatser har budget eller deltagere", context)
    st.stop()

st.header("Hvad skal der gøres mindre af, og hvorfor?")
for sentence in prioritisation.do_less_summary(everything[everything["active_in_year"]], placed, filters.year):
    st.markdown(layout.plain(sentence))
proposals = everything[everything["active_in_year"] & everything["do_less"].fillna(False).astype(bool)]
if len(proposals):
    with layout.lazy_expander(f"Alle {fmt.number(len(proposals))} forslag med begrundelse", "do_less_reasons") as opened:
        if opened:
            quadrant = placed.set_index("initiative_id")["quadrant"]
            layout.table(
                proposals.sort_values("budget_kr", ascending=False, kind="stable")
                .assign(
                    rationale=proposals["rationale"].map(lambda r: fmt.text(r, "ikke angivet")),
                    quadrant=proposals["initiative_id"].map(quadrant).fillna("kan ikke placeres"),
                )
                .rename(
                    columns={
                        "name": "Indsats",
                        "initiative_id": "Id",
                        "budget_kr": "Budget (kr.)",
                        "rationale": "Begrundelse",
                        "quadrant": "Kvadrant",
                    }
                )[["Indsats", "Id", "Budget (kr.)", "Begrundelse", "Kvadrant"]],
                "foreslaaet_gjort_mindre_af",
                "do_less_reasons",
                pinned="Indsats",
                widths={"Begrundelse": 420},
            )
st.header("Pris og evidens")
st.caption(
    prioritisation.RULE
    + (f" Medianen er {fmt.kr(placement.median_kr_per_participant)} pr. deltager." if placement.median_kr_per_participant else "")
    + " Boblens størrelse er budgettet; en sort ruder er foreslået gjort mindre af. Klik på en boble for at se indsatsen."
    + (
        " Filtrene vælger, hvilke indsatser der vises; hver placeres på sit hele budget og alle sine deltagere i året."
        if filters != Filters(year=filters.year)
        else ""
    )
)
counts = placed["quadrant"].value_counts()
dear_weak, cheap_strong = int(counts.get(prioritisation.DO_LESS, 0)), int(counts.get(prioritisation.DO_MORE, 0))
title = (
    f"{fmt.number(dear_weak)} {'indsats er dyr' if dear_weak == 1 else 'indsatser er dyre'} med svag evidens, "
    f"{fmt.number(cheap_strong)} {'er billig' if cheap_strong == 1 else 'er billige'} med stærk evidens"
)
drawn = placed if len(placed) <= BUBBLES else placed.nlargest(BUBBLES, "budget_kr")
if len(drawn) < len(placed):
    title += f" (de {fmt.number(BUBBLES)} største efter budget er tegnet; alle står i CSV-filen)"
chart_column, side_column = st.columns([3, 1])
with chart_column:
    if placed.empty:
        st.info("Ingen indsats har både budget og deltagere, så ingen kan placeres. Se listen til højre.", icon=":material/info:")
        selected = []
    else:
        export = placed.assign(
            evidence=placed["evidence"].map(labels.EVIDENCE_LABELS),
            do_less=placed["do_less"].map({True: "Ja", False: ""}),
            administration_code=placed["administration_code"].map(
                {code: labels.administration_label(code) for code in placed["administration_code"].dropna().unique()}
            ),
        ).rename(columns=tables.INITIATIVE_COLUMNS | {"kr_per_participant": "Kr./deltager", "quadrant": "Kvadrant"})[
            [
                "Indsats",
                "Id",
                "Forvaltning",
                "Indsatsområde",
                "Budget (kr.)",
                "Deltagere (personer)",
                "Kr./deltager",
                "Evidens",
                "Kvadrant",
                "Foreslået gjort mindre af",
            ]
        ]
        selected = layout.chart(
            charts.priority_bubbles(drawn, placement.median_kr_per_participant, title, context.source_line()),
            export,
            "prioritering",
            "priority",
            select_points=True,
        )
with side_column:
    st.markdown("**Kan ikke placeres**")
    if unplaced.empty:
        st.caption("Alle indsatser med budget eller deltagere i året er med i diagrammet.")
    else:
        st.caption(
            "Uden budget eller uden deltagere i året er der ingen pris pr. deltager. Er antallet af deltagere skjult "
            "(færre end 5, eller skjult, så et lille tal ikke kan regnes ud), vises prisen heller ikke: den ville afsløre antallet."
        )
        layout.table(
            unplaced.rename(columns={"name": "Indsats", "reason": "Mangler"})[["Indsats", "Mangler"]],
            "prioritering_kan_ikke_placeres",
            "unplaced",
        )

st.divider()
st.header("Detaljer for én indsats")
offered = [drawn, unplaced.head(DETAIL_CHOICES)]  # the drawn bubbles and the first of the list, not every initiative
names = {i: name for part in offered for i, name in zip(part["initiative_id"], part["name"], strict=True)}
if len(placed) + len(unplaced) > sum(map(len, offered)):
    st.caption(
        f"Listen har de {fmt.number(len(drawn))} indsatser i diagrammet og de første {fmt.number(min(len(unplaced), DETAIL_CHOICES))} "
        "uden plads i det. Find de øvrige på siden Indsatser."
    )
clicked = [point["customdata"][0] for point in selected if point.get("customdata")]
if clicked and clicked[0] in names and clicked[0] != st.session_state.get("priority_last_click"):
    st.session_state["priority_detail"] = st.session_state["priority_last_click"] = clicked[0]  # a new click, not a kept selection
chosen = st.selectbox("Vælg indsats", list(names), format_func=lambda i: f"{names[i]} ({i})", key="priority_detail")
layout.initiative_detail(everything.set_index("initiative_id").loc[chosen], chosen)
