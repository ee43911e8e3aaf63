"""Tilgængelighedserklæring: what of WCAG 2.1 AA the dashboard meets, what not and why, and how to report a problem.

In the form Danish public bodies publish under webtilgængelighedsloven (lov nr. 692 af 8. juni 2018):
commitment, status, what is not accessible, how the statement was made, feedback, and complaints.
"""

from __future__ import annotations

import streamlit as st

from dashboard import layout

ASSESSED = "3. december 2026"

layout.page_header("Tilgængelighedserklæring", notes=False)

st.markdown(
    "Københavns Kommune, Center for Sikker By, arbejder for at gøre Sikker By-dashboardet tilgængeligt i "
    "overensstemmelse med lov om tilgængelighed af offentlige organers websteder og mobilapplikationer "
    "(webtilgængelighedsloven). Erklæringen gælder dashboardet og det udvalgsnotat, det danner."
)

st.header("Overensstemmelsesstatus")
st.markdown(
    "Dashboardet er **delvist i overensstemmelse** med WCAG 2.1 niveau AA på grund af de punkter, der står nedenfor. Det er opfyldt:"
)
st.markdown(
    """
- Siden er angivet som dansk, så en skærmlæser læser den med dansk udtale.
- Al tekst har mindst kontrast 4,5:1 mod baggrunden, også hjælpetekster og kilder.
- Overskrifterne står i rækkefølge (sidetitel, afsnit, underafsnit) uden spring.
- Hver graf har et tilgængeligt navn, der siger dens konklusion, og tallene bag den kan åbnes som en tabel under grafen
  ("Tabel med tallene bag grafen") og hentes som CSV.
- Filtre, downloads og ændringer i et scenarie kan bruges med tastaturet alene, og fokus vises med en tydelig blå ramme.
- Udvalgsnotatet har et hovedindhold (`main`), en billedtekst på hver tabel og en tekst til grafen, og det virker uden
  netforbindelse.
"""
)

st.header("Indhold, der ikke er tilgængeligt")
st.markdown(
    """
- **Menuen i sidepanelet** (Streamlits egen opmærkning): menuens afsnit står som `div` direkte i en liste, så en skærmlæser
  ikke kan tælle menupunkterne som én liste (axe-core: *list*, *listitem*). Menupunkterne er almindelige links og kan
  bruges. Det kan ikke rettes i dashboardet. Vi har ikke fundet fejlen meldt hos Streamlit; en fejlrapport er skrevet
  (i projektets dokumentation) og meldes af kommunens it-afdeling; fejlen forsvinder, når en ny version af
  Streamlit retter den.
- **Store tabeller** vises i Streamlits tabelgitter, som en skærmlæser læser celle for celle. Hver tabel kan hentes som
  CSV, og tallene bag graferne findes også som almindelige tabeller.
- **Feltet til filer på *Indlæs data*** (kun for analytikere) har en rolle, der ikke passer til, at det kan få fokus
  (axe-core: *presentation-role-conflict*, mindre alvorligt). Knappen "Browse files" i feltet kan bruges med tastaturet.
- **Graferne** viser detaljer, når musen holdes over et punkt; de samme tal står i tabellen under grafen.
"""
)

st.header("Sådan er erklæringen udarbejdet")
st.markdown(
    f"""
Erklæringen er udarbejdet {ASSESSED} ved selvevaluering:

- en automatisk test med axe-core 4.12 af hver side ved 1.400 og 390 pixels bredde, og af udvalgsnotatet, som en del af
  projektets test (den fejler, hvis dashboardet selv giver et alvorligt eller kritisk fund);
- en test, der bruger tastaturet alene til at filtrere på en bydel, hente en CSV-fil og ændre et scenarie;
- gennemsyn af hver side ved 390, 768, 1.400 og 1.920 pixels bredde.
"""
)

st.header("Feedback og kontaktoplysninger")
st.markdown(
    "Oplever du en tilgængelighedsfejl, eller har du brug for indholdet i en anden form, så skriv til Center for Sikker "
    "By i Københavns Kommune. Skriv, hvilken side og hvilket indhold det gælder, og hvad der ikke virkede. "
    "Du får svar hurtigst muligt."
)

st.header("Håndhævelsesprocedure")
st.markdown("Er du ikke tilfreds med svaret, kan du klage til Digitaliseringsstyrelsen, som fører tilsyn med webtilgængelighedsloven.")
