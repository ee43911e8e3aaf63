"""Danish words for the codes and column names the database uses."""

from __future__ import annotations

from sikkerby.vocabulary import ADMINISTRATIONS

STATUS_LABELS = {"eksisterende": "Eksisterende", "ny": "Ny", "foreslaaet": "Foreslået"}
FINANCING_LABELS = {
    "finansieret": "Finansieret",
    "delvist": "Delvist finansieret",
    "mangler": "Mangler finansiering",
    "satspulje": "Søgt i satspuljen",
}
EVIDENCE_LABELS = {"dokumenteret": "Dokumenteret", "lovende": "Lovende", "erfaringsbaseret": "Erfaringsbaseret", "ukendt": "Ukendt"}
FUNDING_LABELS = {"kommune": "Kommunen", "satspulje": "Satspuljen", "andet": "Anden finansiering"}
GOAL_SHORT_NAMES = {1: "Tryghed", 2: "Tidlig indsats under 18 år", 3: "Kriminalitetsexit", 4: "Koordinering og samarbejde"}
CONTENT_LABELS = {"indsatser": "Indsatser", "befolkning": "Befolkning", "bydelsgrænser": "Bydelsgrænser"}

TABLE_LABELS = {
    "district": "bydele",
    "administration": "forvaltninger",
    "focus_area": "indsatsområder",
    "goal": "strategiske mål",
    "population": "befolkningstal (år × bydel)",
    "initiative": "indsatser",
    "initiative_goal": "koblinger indsats–mål",
    "budget": "budgetlinjer",
    "activity": "aktivitetslinjer",
    "effect_target": "effektmål",
}


def administration_label(code: str) -> str:
    """`SOF` → `Socialforvaltningen (SOF)`: the Danish name where there is room, the code beside it."""
    return f"{ADMINISTRATIONS[code]} ({code})" if code in ADMINISTRATIONS else str(code)


SAMPLE_SOURCE = "Indsatser: Eksempeldata (opdigtede tal)"
REAL_SOURCE_TEMPLATE = "Indsatser: {source}"
OPEN_DATA_SOURCE = "Befolkning og bydele: Københavns Kommune, Open Data København"


def portfolio_source(facts: dict[str, str]) -> str:
    """Return the source line's first half: sample data, or the loaded workbook's name."""
    if facts.get("portfolio_is_sample") == "true":
        return SAMPLE_SOURCE
    return REAL_SOURCE_TEMPLATE.format(source=facts.get("portfolio_source") or "indlæst projektmappe")


def source_line(facts: dict[str, str], with_population: bool = False) -> str:
    """Return the 'Kilde: …' line printed under a chart."""
    parts = [portfolio_source(facts)] + ([OPEN_DATA_SOURCE] if with_population else [])
    return "Kilde: " + " · ".join(parts)


GROUP_HEADINGS = {"goal": "Strategisk mål", "focus_area": "Indsatsområde", "administration": "Forvaltning"}
