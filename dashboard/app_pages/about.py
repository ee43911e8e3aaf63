"""Om data: what is loaded, where it comes from, and what every figure means."""

from __future__ import annotations

import streamlit as st

from dashboard import disclosure, layout, queries
from dashboard.labels import CONTENT_LABELS, TABLE_LABELS
from sikkerby import formatting as fmt

context = layout.page_header("Om data", notes=False)
source = context.source

st.header("Kilder")
st.markdown(
    f"""
- **Indsatser, budget, aktivitet og effektmål:** {"**Eksempeldata** – en opdigtet, men realistisk portefølje skrevet af `scripts/generate_sample_portfolio.py`. Kun tre byniveau-tal er offentliggjorte (andel utrygge borgere 11 % i 2009 og 7,1 % i 2014; 12 områder med behov for markant tryghedsindsats i 2010 og 5 i 2014; 76 anmeldte forbrydelser mod borgere pr. 1.000 indbyggere i 2009); alle øvrige tal er opdigtede." if context.is_sample else f"Center for Sikker By, indlæst fra {context.facts.get('portfolio_source', 'projektmappe')}."}
- **Befolkning** pr. år, bydel og alder 1992–2015 (`befkbhalderkoencivst`): Københavns Kommune, Open Data København. Tal pr. 1. januar.
- **Bydelsgrænser** (`bydel`, hentet 1. august 2023): Københavns Kommune, Open Data København, licens CC BY 4.0. Det er nutidens grænser; grænserne i 2010 afveg en smule.
"""
)

st.header("Indlæste filer")
history = queries.load_history(source)
shown = history.assign(content=history["content"].map(CONTENT_LABELS)).rename(
    columns={
        "loaded_at": "Indlæst",
        "source_file": "Fil",
        "content": "Indhold",
        "sha256": "SHA-256",
        "portfolio_rows": "Rækker med indsatsdata",
    }
)
layout.table(shown, "indlaeste_filer", "load_log", formats={"Indlæst": lambda v: v.strftime("%d.%m.%Y %H:%M")})
counts = queries.table_row_counts(source)
st.caption(
    "I databasen nu: "
    + " · ".join(
        f"{fmt.number(n)} {TABLE_LABELS.get(name, name)}" for name, n in zip(counts["table_name"], counts["row_count"], strict=True)
    )
)

st.header("Definitioner")
st.markdown(
    """
| Tal | Definition |
|---|---|
| **Budget** | Budgetteret beløb i kr. for det valgte år (arket `budget`, kolonnen `budget_kr`). Vises i mio. kr. med én decimal. |
| **Besluttet budget** | Budget til indsatser med status *eksisterende* eller *ny*. |
| **Foreslåede indsatser** | Budget til indsatser med status *foreslået*: endnu ikke besluttet, og derfor vist for sig, hvor et samlet beløb står. |
| **Forbrug** | Brugt beløb i kr. (`forbrug_kr`). Findes kun for afsluttede år. *Forbruget var X % af budgettet* sammenligner kun linjer med registreret forbrug. |
| **Indsatser med budget** | Antal indsatser med budget over 0 kr. i året. |
| **Budget rettet mod 18–25-årige** | Budget til indsatser, hvor mindst en tredjedel af målgruppens aldersinterval (`alder_min`–`alder_max`) ligger i 18–25 år (fx 18–25, 16–30, 18–35; ikke 0–99 eller 18–70). |
| **18–25-årige nået pr. 1.000** (hele byen) | Byens tal, på Overblik, i udvalgsnotatet og i udviklingen over årene: alle deltagere på 18–25 år (`heraf_18_25`), også i byfælles indsatser ('Hele byen'), delt med alle byens indbyggere på 18–25 år, gange 1.000. En person kan tælle med i flere indsatser. Befolkningen er fra det valgte år eller det seneste år før (data slutter i 2015). Med bydelsfilter: kun de valgte bydeles linjer og unge. |
| **Bydelene under ét** | Den stiplede linje på kort og rangeringer: kun deltagere henført til en bydel, delt med de ti bydeles unge, gange 1.000. Den er lavere end byens tal, fordi byfælles deltagere ikke kan placeres i en bydel. På siden Økonomi er linjen det besluttede budget på bydelslinjer delt med de ti bydeles indbyggere. |
| **Kr. pr. indbygger / pr. ung** | Besluttet budget i bydelen delt med bydelens indbyggere (alle aldre) / indbyggere på 18–25 år. |
| **Mangler finansiering** | Budget til indsatser med finansiering `mangler`: hele beløbet er ufinansieret. |
| **Delvist finansieret** | Hele budgettet til indsatser med finansiering `delvist`. Kontrakten siger ikke, hvor stor en del der mangler, så tallet er en øvre grænse for det manglende, ikke det manglende beløb. |
| **Budget pr. strategisk mål** | Besluttet budget: en indsats, der tjener flere mål, fordeles ligeligt mellem dem, så målene summer til det samlede besluttede budget. Foreslåede indsatser står for sig (grå) og tæller ikke med i andelene. |
| **Ét grundlag** | Andele og rangeringer af budget (pr. mål, indsatsområde, forvaltning, status, bydel og finansieringskilde) er andele af det besluttede budget. Foreslåede indsatser vises for sig og navngives som foreslåede. *Mangler finansiering* og *Delvist finansieret* tæller også foreslåede indsatser, da et forslag ofte netop mangler penge; hvor meget af beløbet der er foreslået, står ved tallet. |
| **Satspuljeandel** | Andel af det besluttede budget med kilden `satspulje`. |
| **Fremdrift for effektmål** | (seneste − udgangspunkt) / (mål − udgangspunkt). *Nået* ved 100 % eller mere (eller når seneste værdi, som vist med op til tre decimaler, er lig målet), *På vej* ved mindst 50 %, *Bagud* under 50 %, *Ingen måling* uden seneste værdi, *Uden udgangspunkt* når udgangspunktet mangler, så retningen ikke kendes. Er målet lig udgangspunktet, er målet at holde niveauet: *Nået*, når seneste er lig målet, ellers *Bagud*. |
| **Dataversion** | Hver indlæsning skriver en ny, uforanderlig databasefil og skifter den ind på én gang. En side læser hele tiden én version; åbne sider viser den nye ved næste klik. |
| **Bydelsfilter** | Samme regel på alle sider: med valgte bydele vises kun indsatser, der har budget eller aktivitet i de bydele (i et hvilket som helst år), og kun budget- og aktivitetslinjer for de bydele tæller; byfælles linjer ('Hele byen') er ikke med. Kort og rangeringer af bydele viser altid alle ti bydele med de valgte fremhævet og bydelene under ét som stiplet linje, så en sætning som "lavest dækning" altid gælder alle ti bydele. |
| **Hele byen** | Budget og aktivitet, der ikke er henført til en bydel. Indgår i byens totaler, men ikke i bydelstal og kort. |
"""
)

st.header("Små tal skjules")
st.markdown(
    layout.plain(disclosure.RULE)
    + "\n\nReglen gælder overalt: i tabeller, diagrammer, kort, CSV- og Excel-filer og udvalgsnotatet. Et skjult tal "
    "tegnes ikke i diagrammer, og en bydel med skjult tal er grå på kortet. En indsats med skjult antal deltagere kan ikke "
    "placeres på siden Prioritering, fordi prisen pr. deltager ville afsløre antallet. Byens tal (fx den stiplede linje "
    "for bydelene under ét og nøgletallene) regnes af de rigtige tal; sætninger om laveste dækning nævner bydele med skjulte tal for sig."
)

st.header("Eksport")
st.markdown(
    "Alle diagrammer og tabeller kan hentes som CSV til dansk Excel: semikolon som skilletegn, decimalkomma og UTF-8 med BOM. "
    "Filnavnet siger, hvad der er hentet, og med hvilke filtre (fx `indsatser_2010_Norrebro.csv`). Tekst, der begynder med "
    "=, +, -, @ eller tabulator, skrives som tekst, så Excel aldrig udfører den som en formel."
)
