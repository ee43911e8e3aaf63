"""Økonomi: who spends on what, over the years, where in the city, and how it is financed."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import analysis, charts, labels, layout, palette, queries
from dashboard.labels import FUNDING_LABELS
from sikkerby import formatting as fmt
from sikkerby.vocabulary import ADMINISTRATIONS, PROPOSED_STATUS

PROPOSED_NAME = charts.PROPOSED_NAME

context = layout.page_header(
    "Økonomi", "Besluttet budget {year} fordelt på forvaltninger, indsatsområder og bydele; foreslåede indsatser står for sig i gråt"
)
source, filters = context.source, context.filters

matrix = queries.budget_by_administration_and_focus_area(source, filters)
if matrix["budget_kr"].sum() == 0:
    layout.empty_state("Der er intet budget (eller kun linjer på 0 kr.)", context)
    st.stop()

matrix = matrix.sort_values("focus_area_id", na_position="last", kind="stable").reset_index(drop=True)
matrix = matrix.assign(  # a focus area's stack key is its id; the proposed budget stands apart under its own key
    stack=[PROPOSED_STATUS if pd.isna(a) else int(a) for a in matrix["focus_area_id"]],
    focus_area=matrix["focus_area"].fillna(PROPOSED_NAME),
)
by_admin = matrix[~matrix["focus_area_id"].isna()].groupby("administration_code", as_index=False)["budget_kr"].sum()
top = analysis.largest_share(by_admin, "administration_code")
layout.chart(
    charts.stacked_budget_bars(
        matrix,
        x="administration_code",
        stack="stack",
        stack_label="focus_area",
        colours=palette.FOCUS_AREA_COLOURS | {PROPOSED_STATUS: palette.PROPOSED},
        title=f"{ADMINISTRATIONS[top[0]]} ({top[0]}) har den største del af det besluttede budget {filters.year}: {fmt.percent(top[1], 0)}"
        if top
        else f"Budget {filters.year} pr. forvaltning og indsatsområde",
        source=context.source_line(),
        x_title="Forvaltning",
        x_names=ADMINISTRATIONS,
    ),
    matrix.assign(administration=matrix["administration_code"].map(labels.administration_label)).rename(
        columns={"administration": "Forvaltning", "focus_area": "Indsatsområde", "budget_kr": "Budget (kr.)"}
    )[["Forvaltning", "Indsatsområde", "Budget (kr.)"]],
    "budget_forvaltning_indsatsomraade",
    "matrix",
)

trend = queries.budget_by_year_and_administration(source, filters)
proposed_rows = trend["administration_code"].isna()
trend = trend.assign(
    stack=trend["administration_code"].fillna(PROPOSED_STATUS),
    label=trend["administration_code"].fillna(PROPOSED_NAME),
    administration=trend["administration_code"].map(labels.administration_label, na_action="ignore").fillna(PROPOSED_NAME),
)
decided = trend[~proposed_rows].groupby("year")["budget_kr"].sum()
proposed = trend[proposed_rows].groupby("year")["budget_kr"].sum()
if len(decided) > 1:
    growth = f"Det besluttede budget gik fra {fmt.mio_kr(decided.iloc[0])} i {decided.index[0]} til {fmt.mio_kr(decided.iloc[-1])} i {decided.index[-1]}"
elif len(decided) == 1:
    growth = f"Det besluttede budget i {decided.index[0]}: {fmt.mio_kr(decided.iloc[0])} (det eneste år med besluttet budget)"
else:
    growth = "Budget pr. år: kun foreslåede indsatser"
if proposed.sum():
    growth += f"; foreslået oveni i {proposed.index[-1]}: {fmt.mio_kr(proposed.iloc[-1])}"
layout.chart(
    charts.stacked_budget_bars(
        trend,
        x="year",
        stack="stack",
        stack_label="label",
        colours=palette.ADMINISTRATION_COLOURS | {PROPOSED_STATUS: palette.PROPOSED},
        title=growth,
        source=context.source_line(),
        x_title="År",
    ),
    trend.rename(columns={"year": "År", "administration": "Forvaltning", "budget_kr": "Budget (kr.)"})[
        ["År", "Forvaltning", "Budget (kr.)"]
    ],
    "budget_pr_aar",
    "trend",
)
st.caption(
    "Udviklingen viser alle budgetår; de øvrige filtre gælder. Foreslåede indsatser (grå) er endnu ikke besluttet "
    "og står for sig oven på forvaltningernes besluttede budget."
)

st.header(f"Budget pr. bydel {filters.year}")
measure = (
    st.segmented_control(
        "Mål", ["kr.", "kr. pr. indbygger"], default="kr. pr. indbygger", key="economy_measure", label_visibility="collapsed"
    )
    or "kr. pr. indbygger"
)
by_district = queries.budget_by_district(source, filters.without_districts())
per_resident = measure == "kr. pr. indbygger"
value = "kr_per_resident" if per_resident else "budget_kr"
text = [fmt.kr(v) if per_resident else fmt.mio_kr(v) for v in by_district[value]]
city = analysis.city_figure(by_district, "budget_kr", "residents") if per_resident else None
lowest = analysis.lowest(by_district, "district", value)
map_col, rank_col = st.columns(2)
district_export = by_district.assign(chosen=by_district["district_id"].isin(filters.districts).map({True: "Ja", False: ""})).rename(
    columns={
        "district": "Bydel",
        "budget_kr": "Budget (kr.)",
        "residents": "Indbyggere",
        "kr_per_resident": "Kr. pr. indbygger",
        "chosen": "Valgt i filteret",
    }
)[["Bydel", "Budget (kr.)", "Indbyggere", "Kr. pr. indbygger"] + (["Valgt i filteret"] if filters.districts else [])]
with map_col:
    layout.chart(
        charts.district_map(
            queries.districts(source),
            by_district,
            value,
            f"Hvor går det besluttede budget hen? {measure.capitalize()} pr. bydel",
            context.source_line(with_population=True),
            "kr. pr. indbygger" if per_resident else "kr.",
            text,
            chosen=filters.districts,
        ),
        district_export,
        "budget_pr_bydel",
        "district_map",
    )
with rank_col:
    layout.chart(
        charts.ranked_bars(
            by_district.assign(scaled=by_district[value] / (1 if per_resident else 1e6)),
            "district",
            "scaled",
            analysis.lowest_sentence(
                lowest,
                "Lavest af de ti bydele",
                f"Besluttet budget {filters.year} pr. bydel: ingen forskel mellem bydelene",
                "{n} af de ti bydele deler det laveste beløb",
            ),
            context.source_line(with_population=True),
            "kr. pr. indbygger" if per_resident else "Budget (mio. kr.)",
            text,
            chosen=filters.districts,
            reference=city,
            reference_label="Bydelene under ét",
        ),
        district_export,
        "budget_pr_bydel_rangeret",
        "district_rank",
    )
st.caption(
    "Kortet og rangeringen viser altid alle ti bydele"
    + (", de valgte i filteret er fremhævet" if filters.districts else "")
    + ". Bydelstal er besluttet budget (eksisterende og nye indsatser) på linjer henført til en bydel; foreslåede indsatser er ikke med. "
    "Byfælles linjer ('Hele byen') på "
    f"{fmt.mio_kr(queries.city_wide_budget(source, filters.without_districts(), decided=True))} kan ikke fordeles og er ikke med. "
    "Indbyggertal: Københavns Kommune, Open Data København."
)

left, right = st.columns(2)
with left:
    spending = queries.budget_and_spending_by_administration(source, filters)
    if spending["spent_kr"].isna().all():
        st.header("Budget og forbrug")
        st.info(
            f"Der er ikke registreret forbrug for {filters.year}. Forbrug findes kun for afsluttede år; vælg et tidligere år.",
            icon=":material/info:",
        )
    else:
        used = analysis.share(spending["spent_kr"].sum(), spending["budget_with_spending_kr"].sum())
        layout.chart(
            charts.budget_and_spending(
                spending,
                f"Forbruget var {fmt.percent(used, 0)} af det besluttede budget {filters.year}"
                if used is not None
                else f"Budget og forbrug {filters.year}",
                context.source_line(),
                ADMINISTRATIONS,
            ),
            spending.assign(administration=spending["administration_code"].map(labels.administration_label)).rename(
                columns={"administration": "Forvaltning", "budget_kr": "Budget (kr.)", "spent_kr": "Forbrug (kr.)"}
            )[["Forvaltning", "Budget (kr.)", "Forbrug (kr.)"]],
            "budget_og_forbrug",
            "spending",
        )
with right:
    funding = queries.budget_by_funding_source(source, filters).assign(label=lambda d: d["funding_source"].map(FUNDING_LABELS))
    satspulje = float(funding.loc[funding["funding_source"] == "satspulje", "share"].sum())
    layout.chart(
        charts.budget_bars(
            funding,
            "label",
            [palette.FUNDING_COLOURS[s] for s in funding["funding_source"]],
            f"Satspuljen finansierer {fmt.percent(satspulje)} af det besluttede budget {filters.year}"
            if funding["budget_kr"].sum()
            else f"Finansieringskilder {filters.year}",
            context.source_line(),
        ),
        pd.DataFrame({"Finansieringskilde": funding["label"], "Budget (kr.)": funding["budget_kr"], "Andel (%)": funding["share"] * 100}),
        "finansieringskilder",
        "funding",
    )
