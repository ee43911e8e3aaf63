"""Unge 18–25: how many young adults each district has, how many the initiatives reach, and where too few are reached."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import analysis, charts, disclosure, layout, queries
from sikkerby import formatting as fmt

context = layout.page_header("Unge 18–25 år", "Dækning af de 18–25-årige pr. bydel, {year} – det prioriterede +18-område")
source, filters = context.source, context.filters

by_district = queries.young_adults_by_district(source, filters.without_districts())
if disclosure.true_sum(by_district, "reached_18_25") == 0 and by_district["budget_18_25_kr"].sum() == 0:
    layout.empty_state("Ingen indsatser når 18–25-årige i bydelene", context)
    st.stop()

city = analysis.city_figure(by_district, "reached_18_25", "residents_18_25", scale=1000)
DISTRICTS_TOGETHER = "Bydelene under ét"


def city_sentence() -> str:
    """Name the city's own figure (as on Overblik), which also counts the city-wide initiatives' participants."""
    whole = queries.key_figures(source, filters.without_districts()).set_index("year").loc[filters.year, "reached_per_1000"]
    if fmt.is_hidden(whole) or pd.isna(whole):
        return ""
    return (
        f"Hele byens tal, som på Overblik, er {fmt.number(whole, 1)} pr. 1.000: det tæller også deltagere i byfælles "
        "indsatser, der ikke kan henføres til en bydel (se Om data)."
    )


per_1000_text = fmt.column(by_district["reached_per_1000"], fmt.per_thousand).tolist()
bar_text = fmt.column(by_district["reached_per_1000"], lambda v: fmt.number(v, 1)).tolist()  # the bars' axis says pr. 1.000
chosen_column = (
    {"Valgt i filteret": by_district["district_id"].isin(filters.districts).map({True: "Ja", False: ""})} if filters.districts else {}
)
table = (
    by_district.assign(**chosen_column)
    .rename(
        columns={
            "district": "Bydel",
            "residents_18_25": "Indbyggere 18–25 år",
            "reached_18_25": "Nået 18–25 år (personer)",
            "reached_per_1000": "Nået pr. 1.000 unge",
            "budget_18_25_kr": "Besluttet budget til 18–25-indsatser (kr.)",
            "kr_per_young_resident": "Kr. pr. ung 18–25 år",
        }
    )
    .drop(columns=["district_id", "reached_18_25" + disclosure.TRUE_SUM_SUFFIX])
)

map_col, rank_col = st.columns(2)
with map_col:
    layout.chart(
        charts.district_map(
            queries.districts(source),
            by_district,
            "reached_per_1000",
            "Hvor mange 18–25-årige nås i hver bydel? Nået pr. 1.000 unge",
            context.source_line(with_population=True),
            "pr. 1.000",
            per_1000_text,
            chosen=filters.districts,
        ),
        table,
        "unge_18_25_pr_bydel",
        "young_map",
    )
with rank_col:
    layout.chart(
        charts.ranked_bars(
            by_district,
            "district",
            "reached_per_1000",
            analysis.lowest_finding(
                by_district,
                "reached_per_1000",
                "reached_18_25",
                "Lavest dækning af de ti bydele",
                "Dækningen er ens i alle bydele",
                "{n} af de ti bydele når færrest unge",
            ),
            context.source_line(with_population=True),
            "Nået pr. 1.000 indbyggere 18–25 år",
            bar_text,
            chosen=filters.districts,
            reference=city,
            reference_label=DISTRICTS_TOGETHER,
        ),
        table,
        "unge_18_25_rangeret",
        "young_rank",
    )
st.caption(
    "Kortet, rangeringen og tabellen viser altid alle ti bydele"
    + (", de valgte i filteret er fremhævet. " if filters.districts else ". ")
    + (
        f"Den stiplede linje, {DISTRICTS_TOGETHER.lower()}, er {fmt.number(city, 1)} pr. 1.000: deltagere henført til en bydel "
        "delt med de ti bydeles unge. "
        if city is not None
        else f"{DISTRICTS_TOGETHER} er ikke tegnet: tallet ville afsløre et lille tal. "
    )
    + city_sentence()
)

st.header("Tal pr. bydel")
layout.table(
    table,
    "unge_18_25_tabel",
    "young_table",
    formats={"Nået pr. 1.000 unge": lambda v: fmt.number(v, 1), "Kr. pr. ung 18–25 år": fmt.kr},
)

city_wide = queries.city_wide_young_adults_reached(source, filters.without_districts())
st.caption(
    "En person kan tælle med i flere indsatser, så 'nået' er deltagelser, ikke unikke personer. "
    "Tal på 1–4 personer vises som '<5', og tal, der ellers ville afsløre dem, som 'skjult' (se Om data). "
    f"{fmt.number(city_wide)} deltagere på 18–25 år i byfælles indsatser ('Hele byen') kan ikke henføres til en bydel og er ikke med i bydelstallene. "
    "Indbyggertal 1. januar: Københavns Kommune, Open Data København."
)

trend = queries.young_adults_trend(source, filters)
if not trend.empty:
    first, last = trend["reached_per_1000"].iloc[0], trend["reached_per_1000"].iloc[-1]
    change = last - first
    direction = "steget" if change > 0 else "faldet" if change < 0 else "uændret"
    years = f"({fmt.year(trend['year'].iloc[0])}–{fmt.year(trend['year'].iloc[-1])})"
    where = f" i {', '.join(context.district_names[d] for d in filters.districts)}" if filters.districts else ""
    finding = (
        f"Dækningen pr. 1.000 unge {years}{where}; år med skjulte tal er ikke tegnet, så små tal ikke kan regnes ud"
        if trend["reached_per_1000"].map(fmt.is_hidden).any()
        else f"Dækningen er {direction} fra {fmt.number(first, 1)} til {fmt.number(last, 1)} pr. 1.000 {years}{where}"
    )
    layout.chart(
        charts.trend_line(
            trend,
            "year",
            "reached_per_1000",
            finding,
            context.source_line(with_population=True),
            "Nået pr. 1.000 indbyggere 18–25 år",
            ",.1f",
        ),
        trend.rename(
            columns={
                "year": "År",
                "reached_18_25": "Nået 18–25 år (personer)",
                "residents_18_25": "Indbyggere 18–25 år",
                "reached_per_1000": "Nået pr. 1.000 unge",
                "population_year": "Befolkningsår",
            }
        ),
        "unge_18_25_udvikling",
        "young_trend",
    )
    st.caption("Udviklingen viser alle år. Uden bydelsfilter tæller byfælles aktivitet med; med bydelsfilter kun de valgte bydele.")
