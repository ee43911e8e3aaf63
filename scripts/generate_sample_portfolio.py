"""Write the illustrative sample portfolio `data/sample/indsatser.xlsx` (Eksempeldata).

The real overview of the municipality's initiatives is internal, so the project ships an
invented but plausible portfolio in the input contract's format. It is deterministic: the same
script always writes the same rows. Only the city-level effect-target baselines and latest
values come from published figures (see data/README.md); every other number is invented.

Run: `python scripts/generate_sample_portfolio.py [OUTPUT.xlsx]`.
"""

from __future__ import annotations

import random
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

from sikkerby.paths import SAMPLE_WORKBOOK  # noqa: E402
from sikkerby.vocabulary import FOCUS_AREAS, GOALS  # noqa: E402

SEED = 20100413  # the date the Sikker By package went to Økonomiudvalget
YEARS = range(2008, 2014)
FIRST_YEAR = {"eksisterende": 2008, "ny": 2010, "foreslaaet": 2012}
MEMO_YEAR = 2010  # spending (forbrug) is known up to and including this year

# Relative weight of each district in local initiatives: more where the gang conflict was.
DISTRICT_WEIGHT = {
    "Nørrebro": 3.0,
    "Bispebjerg": 2.4,
    "Vesterbro/Kongens Enghave": 2.2,
    "Amager Vest": 2.0,
    "Brønshøj-Husum": 2.0,
    "Valby": 1.2,
    "Amager Øst": 1.0,
    "Østerbro": 0.8,
    "Indre By": 0.8,
    "Vanløse": 0.6,
}
BUDGET_SCALE = 1.25  # brings the portfolio to the memo's order of magnitude, a few hundred mio. kr. a year
LOCAL, LEISURE, JOBS, OVER18, UNDER18, STAFF = FOCUS_AREAS


@dataclass(frozen=True)
class Template:
    """A kind of initiative an administration runs, to be instantiated in one or more versions."""

    administration: str
    name: str
    focus_area: str
    character: str
    target_group: str
    ages: tuple[int, int]
    goals: tuple[str, ...]
    yearly_mio: float
    cost_per_person: int
    versions: int = 1


# The memo's named initiatives, written out in full.
NAMED = [
    dict(
        indsats_id="SOF-001",
        navn="Væresteder for 18-25-årige",
        forvaltning="SOF",
        indsatsomraade=OVER18,
        karakter="værested",
        maalgruppe="Utilpassede unge 18-25 år",
        ages=(18, 25),
        goals=("maal_tryghed", "maal_exit"),
        status="ny",
        finansiering="delvist",
        yearly_mio=9.5,
        cost_per_person=28000,
        districts=["Nørrebro", "Bispebjerg", "Amager Vest", "Brønshøj-Husum"],
        begrundelse="+18 Tryghedsindsatsen: fælles koncept for væresteder til målgruppen",
        evidens="erfaringsbaseret",
    ),
    dict(
        indsats_id="BUF-001",
        navn="Kort Snor",
        forvaltning="BUF",
        indsatsomraade=UNDER18,
        karakter="kontaktperson",
        maalgruppe="Kriminelle og kriminalitetstruede unge under 18 år",
        ages=(12, 17),
        goals=("maal_tidlig_indsats",),
        status="eksisterende",
        finansiering="finansieret",
        yearly_mio=14.0,
        cost_per_person=95000,
        districts=None,
        begrundelse="Intensive kontaktpersonforløb med dokumenteret succes",
        evidens="dokumenteret",
    ),
    dict(
        indsats_id="SOF-002",
        navn="Kort Snor+",
        forvaltning="SOF",
        indsatsomraade=OVER18,
        karakter="kontaktperson",
        maalgruppe="Kriminalitetstruede unge 18-25 år",
        ages=(18, 25),
        goals=("maal_exit", "maal_tryghed"),
        status="ny",
        finansiering="mangler",
        yearly_mio=11.0,
        cost_per_person=110000,
        districts=None,
        begrundelse="Intensive kontaktpersonforløb for +18 efter Kort Snor-modellen",
        evidens="lovende",
    ),
    dict(
        indsats_id="OKF-001",
        navn="Helhedsorienteret gadeplansindsats i problemramte boligområder",
        forvaltning="ØKF",
        indsatsomraade=LOCAL,
        karakter="gadeplan",
        maalgruppe="Unge og beboere i udsatte boligområder",
        ages=(14, 25),
        goals=("maal_tryghed", "maal_tidlig_indsats", "maal_koordinering"),
        status="foreslaaet",
        finansiering="satspulje",
        yearly_mio=18.0,
        cost_per_person=12000,
        districts=["Nørrebro", "Bispebjerg", "Brønshøj-Husum", "Amager Vest", "Vesterbro/Kongens Enghave"],
        begrundelse="Fælles satspuljeansøgning fremsendt 1. marts 2010",
        evidens="lovende",
    ),
    dict(
        indsats_id="OKF-002",
        navn="Exit-program for bandemedlemmer",
        forvaltning="ØKF",
        indsatsomraade=OVER18,
        karakter="exit-forløb",
        maalgruppe="Nuværende og interesserede bandemedlemmer",
        ages=(18, 35),
        goals=("maal_exit",),
        status="ny",
        finansiering="delvist",
        yearly_mio=12.0,
        cost_per_person=240000,
        districts=None,
        begrundelse="Prioriteret indsatsområde: exit-strategi",
        evidens="lovende",
    ),
    dict(
        indsats_id="SOF-003",
        navn="+18 Tryghedsindsats",
        forvaltning="SOF",
        indsatsomraade=OVER18,
        karakter="koordinering",
        maalgruppe="Utilpassede unge 18-25 år",
        ages=(18, 25),
        goals=("maal_tryghed", "maal_koordinering"),
        status="ny",
        finansiering="finansieret",
        yearly_mio=6.0,
        cost_per_person=40000,
        districts=None,
        begrundelse="Samlet plan for +18-indsatsen i Socialforvaltningen",
        evidens="erfaringsbaseret",
    ),
    dict(
        indsats_id="OKF-003",
        navn="Borgerdialog i udsatte bydele",
        forvaltning="ØKF",
        indsatsomraade=LOCAL,
        karakter="dialog",
        maalgruppe="Borgere i udsatte bydele",
        ages=(0, 99),
        goals=("maal_tryghed", "maal_koordinering"),
        status="ny",
        finansiering="finansieret",
        yearly_mio=3.0,
        cost_per_person=900,
        districts=["Nørrebro", "Bispebjerg", "Brønshøj-Husum", "Amager Vest"],
        begrundelse="Afdække borgernes utryghed og forslag til handling",
        evidens="ukendt",
    ),
    dict(
        indsats_id="OKF-004",
        navn="Tryghed og sikkerhed for kommunalt ansatte",
        forvaltning="ØKF",
        indsatsomraade=STAFF,
        karakter="kursus",
        maalgruppe="Medarbejdere med borgerkontakt",
        ages=(18, 70),
        goals=("maal_tryghed",),
        status="eksisterende",
        finansiering="finansieret",
        yearly_mio=4.5,
        cost_per_person=3500,
        districts=None,
        begrundelse="Voldsforebyggelse og sikkerhedsrutiner",
        evidens="erfaringsbaseret",
    ),
]

TEMPLATES = [
    Template(
        "SOF",
        "Gadeplansteam",
        LOCAL,
        "gadeplan",
        "Udsatte unge i gadebilledet",
        (15, 25),
        ("maal_tryghed", "maal_tidlig_indsats"),
        4.2,
        15000,
        3,
    ),
    Template(
        "SOF",
        "Mentorordning for unge over 18",
        OVER18,
        "kontaktperson",
        "Unge med kriminel adfærd",
        (18, 25),
        ("maal_exit",),
        3.1,
        60000,
        2,
    ),
    Template(
        "SOF",
        "Rusmiddelbehandling for unge",
        OVER18,
        "behandling",
        "Unge med misbrug",
        (16, 25),
        ("maal_exit", "maal_tidlig_indsats"),
        5.0,
        70000,
        2,
    ),
    Template("SOF", "Udslusning efter afsoning", OVER18, "exit-forløb", "Unge løsladte", (18, 30), ("maal_exit",), 3.6, 120000, 1),
    Template(
        "SOF",
        "Boligsocial helhedsplan",
        LOCAL,
        "boligsocial",
        "Beboere i almene boligområder",
        (0, 99),
        ("maal_tryghed", "maal_koordinering"),
        3.3,
        2500,
        3,
    ),
    Template(
        "SOF",
        "Familiebehandling ved kriminalitet",
        UNDER18,
        "familiebehandling",
        "Familier med kriminalitetstruede børn",
        (10, 17),
        ("maal_tidlig_indsats",),
        4.8,
        85000,
        2,
    ),
    Template(
        "BUF",
        "SSP-samarbejde",
        UNDER18,
        "koordinering",
        "Skoleelever i risiko",
        (10, 17),
        ("maal_tidlig_indsats", "maal_koordinering"),
        3.8,
        4000,
        3,
    ),
    Template(
        "BUF",
        "Opsøgende klubarbejde",
        LEISURE,
        "gadeplan",
        "Børn og unge uden for klubberne",
        (10, 18),
        ("maal_tidlig_indsats",),
        2.9,
        9000,
        3,
    ),
    Template(
        "BUF", "Forebyggende skoleforløb", UNDER18, "undervisning", "Udskolingselever", (13, 16), ("maal_tidlig_indsats",), 2.2, 1800, 2
    ),
    Template(
        "BUF", "Fritidsjob med mentor", JOBS, "job", "Unge 13-17 år i udsatte områder", (13, 17), ("maal_tidlig_indsats",), 2.6, 14000, 2
    ),
    Template(
        "BUF",
        "Særlige klubpladser",
        LEISURE,
        "fritidstilbud",
        "Unge med behov for tæt voksenkontakt",
        (12, 18),
        ("maal_tidlig_indsats",),
        3.4,
        45000,
        2,
    ),
    Template("BIF", "Jobmentor for unge ledige", JOBS, "mentor", "Ledige unge 18-25 år", (18, 25), ("maal_exit",), 3.9, 32000, 2),
    Template(
        "BIF",
        "Uddannelsesvejledning i boligområder",
        JOBS,
        "vejledning",
        "Unge uden uddannelse",
        (16, 25),
        ("maal_tidlig_indsats", "maal_exit"),
        2.4,
        7000,
        2,
    ),
    Template(
        "BIF",
        "Virksomhedspraktik for kriminalitetstruede",
        JOBS,
        "praktik",
        "Unge med plettet straffeattest",
        (18, 30),
        ("maal_exit",),
        2.8,
        45000,
        2,
    ),
    Template(
        "BIF",
        "Integrationsindsats for nyankomne unge",
        JOBS,
        "vejledning",
        "Nyankomne unge",
        (15, 25),
        ("maal_tidlig_indsats",),
        2.0,
        12000,
        1,
    ),
    Template(
        "KFF",
        "Åbne idrætshaller om aftenen",
        LEISURE,
        "fritidstilbud",
        "Unge i lokalområdet",
        (12, 25),
        ("maal_tryghed", "maal_tidlig_indsats"),
        1.6,
        2200,
        3,
    ),
    Template("KFF", "Kulturhus for unge", LEISURE, "fritidstilbud", "Unge 15-25 år", (15, 25), ("maal_tidlig_indsats",), 1.9, 3000, 2),
    Template(
        "KFF", "Foreningsbro", LEISURE, "brobygning", "Børn og unge uden foreningsliv", (8, 18), ("maal_tidlig_indsats",), 1.1, 2500, 2
    ),
    Template("TMF", "Tryghedsbelysning", LOCAL, "byrum", "Alle borgere", (0, 99), ("maal_tryghed",), 4.5, 400, 3),
    Template("TMF", "Graffiti- og hærværksindsats", LOCAL, "byrum", "Alle borgere", (0, 99), ("maal_tryghed",), 3.0, 300, 2),
    Template(
        "TMF",
        "Tryghedsvandringer",
        LOCAL,
        "dialog",
        "Beboere og lokale aktører",
        (0, 99),
        ("maal_tryghed", "maal_koordinering"),
        0.6,
        600,
        2,
    ),
    Template(
        "SUF",
        "Opsøgende psykiatri for unge",
        OVER18,
        "behandling",
        "Unge med psykiske vanskeligheder",
        (16, 30),
        ("maal_exit", "maal_tryghed"),
        2.7,
        55000,
        2,
    ),
    Template(
        "SUF",
        "Sundhedspleje i udsatte familier",
        UNDER18,
        "sundhed",
        "Familier med små børn",
        (0, 6),
        ("maal_tidlig_indsats",),
        2.1,
        6000,
        2,
    ),
    Template(
        "SUF", "Voldsforebyggelse på plejecentre", STAFF, "kursus", "Ansatte i ældreplejen", (18, 70), ("maal_tryghed",), 1.2, 2000, 1
    ),
    Template("OKF", "Lokalt kriminalpræventivt råd", LOCAL, "koordinering", "Lokale aktører", (0, 99), ("maal_koordinering",), 0.9, 800, 3),
    Template(
        "OKF", "Tryghedsmåling og analyse", LOCAL, "analyse", "Alle borgere", (0, 99), ("maal_koordinering", "maal_tryghed"), 1.5, 0, 1
    ),
    Template(
        "SOF",
        "Sikkerhed på væresteder og herberger",
        STAFF,
        "kursus",
        "Ansatte i Socialforvaltningen",
        (18, 70),
        ("maal_tryghed",),
        1.0,
        2500,
        1,
    ),
    Template(
        "BUF", "Konflikthåndtering for skolepersonale", STAFF, "kursus", "Lærere og pædagoger", (18, 70), ("maal_tryghed",), 0.8, 1500, 1
    ),
]
ADMIN_NAME = {"OKF": "ØKF"}


def weighted_districts(rng: random.Random, count: int) -> list[str]:
    """Pick `count` different districts, favouring those with the most gang-related unrest."""
    names, chosen = list(DISTRICT_WEIGHT), []
    while len(chosen) < count:
        pick = rng.choices(names, weights=[DISTRICT_WEIGHT[n] for n in names])[0]
        if pick not in chosen:
            chosen.append(pick)
    return chosen


def initiative_specs(rng: random.Random) -> list[dict]:
    """Return the named initiatives plus every template version, each with ids and attributes."""
    specs = [dict(spec) for spec in NAMED]
    counters = {"SOF": 3, "BUF": 1, "OKF": 4}
    statuses = ["eksisterende"] * 8 + ["ny"] * 3 + ["foreslaaet"] * 2
    used_names: set[str] = set()
    for template in TEMPLATES:
        for _ in range(template.versions + 1):
            for _attempt in range(20):  # a different district for each version, so names stay unique
                district_count = rng.choice([0, 1, 1, 2, 3])
                districts = weighted_districts(rng, district_count) if district_count else None
                suffix = f" - {districts[0]}" if districts else " - hele byen"
                if template.name + suffix not in used_names:
                    break
            used_names.add(template.name + suffix)
            status = rng.choice(statuses)
            financing = {
                "eksisterende": rng.choice(["finansieret"] * 5 + ["delvist"]),
                "ny": rng.choice(["finansieret", "delvist", "mangler", "satspulje"]),
                "foreslaaet": rng.choice(["mangler", "mangler", "satspulje", "delvist"]),
            }[status]
            counters[template.administration] = counters.get(template.administration, 0) + 1
            specs.append(
                dict(
                    indsats_id=f"{template.administration}-{counters[template.administration]:03d}",
                    navn=template.name + suffix,
                    forvaltning=ADMIN_NAME.get(template.administration, template.administration),
                    indsatsomraade=template.focus_area,
                    karakter=template.character,
                    maalgruppe=template.target_group,
                    ages=template.ages,
                    goals=template.goals,
                    status=status,
                    finansiering=financing,
                    yearly_mio=round(template.yearly_mio * BUDGET_SCALE * rng.uniform(0.6, 1.5), 2),
                    cost_per_person=template.cost_per_person,
                    districts=districts,
                    begrundelse=None,
                    evidens=rng.choice(["dokumenteret", "lovende", "erfaringsbaseret", "erfaringsbaseret", "ukendt"]),
                )
            )
    less_of = rng.sample([s for s in specs if s["status"] == "eksisterende" and s["indsats_id"] not in ("BUF-001", "OKF-004")], 9)
    for spec in less_of:
        spec["goeres_mindre_af"] = "x"
        spec["begrundelse"] = rng.choice(
            [
                "Overlapper med nye +18-tilbud",
                "Lav tilslutning de seneste to år",
                "Effekt ikke dokumenteret",
                "Kan samles med tilsvarende indsats i anden forvaltning",
                "Målgruppen nås bedre gennem gadeplansindsatsen",
            ]
        )
    return specs


def initiatives_sheet(specs: list[dict]) -> pd.DataFrame:
    """Return the `indsatser` sheet."""
    rows = []
    for spec in specs:
        row = {key: spec.get(key) for key in ("indsats_id", "navn", "forvaltning", "indsatsomraade", "karakter", "maalgruppe")}
        row["alder_min"], row["alder_max"] = spec["ages"]
        row |= {goal.column: "x" if goal.column in spec["goals"] else None for goal in GOALS}
        row |= {key: spec.get(key) for key in ("status", "finansiering", "goeres_mindre_af", "begrundelse", "evidens")}
        rows.append(row)
    return pd.DataFrame(rows)


def yearly_factor(spec: dict, year: int) -> float:
    """Return how much of the full yearly budget the initiative has in a year (0 before it starts)."""
    first = FIRST_YEAR[spec["status"]]
    if year < first:
        return 0.0
    factor = 0.6 if year == first and spec["status"] != "eksisterende" else 1.0
    if spec.get("goeres_mindre_af") and year >= 2012:
        factor *= 0.55
    return factor * (1 + 0.01 * (year - 2008))


def district_shares(rng: random.Random, spec: dict) -> list[tuple[str | None, float]]:
    """Return (district, share) pairs; a city-wide initiative has one share with district None."""
    if not spec["districts"]:
        return [(None, 1.0)]
    weights = [DISTRICT_WEIGHT[d] * rng.uniform(0.7, 1.3) for d in spec["districts"]]
    return [(d, w / sum(weights)) for d, w in zip(spec["districts"], weights, strict=True)]


def budget_and_activity(rng: random.Random, specs: list[dict]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the `budget` and `aktivitet` sheets, year by year and district by district."""
    budget, activity = [], []
    for spec in specs:
        shares = district_shares(rng, spec)
        low, high = spec["ages"]
        share_18_25 = max(0, min(high, 25) - max(low, 18) + 1) / (high - low + 1)
        for year in YEARS:
            factor = yearly_factor(spec, year)
            if factor == 0:
                continue
            for district, share in shares:
                amount = round(spec["yearly_mio"] * 1e6 * factor * share / 1000) * 1000
                source = "satspulje" if spec["finansiering"] == "satspulje" else rng.choice(["kommune"] * 12 + ["andet"])
                spent = round(amount * rng.uniform(0.82, 1.06) / 1000) * 1000 if year <= MEMO_YEAR else None
                budget.append(
                    {
                        "indsats_id": spec["indsats_id"],
                        "aar": year,
                        "bydel": district or "Hele byen",
                        "budget_kr": amount,
                        "forbrug_kr": spent,
                        "kilde": source,
                    }
                )
                if spec["cost_per_person"] and spec["status"] != "foreslaaet":
                    people = max(1, round(amount / spec["cost_per_person"] * rng.uniform(0.8, 1.2)))
                    young = round(people * share_18_25 * rng.uniform(0.85, 1.0))
                    places = round(people * 0.4) if spec["karakter"] in ("værested", "kontaktperson", "fritidstilbud") else None
                    activity.append(
                        {
                            "indsats_id": spec["indsats_id"],
                            "aar": year,
                            "bydel": district or "Hele byen",
                            "deltagere": people,
                            "heraf_18_25": young,
                            "pladser": places,
                        }
                    )
    return pd.DataFrame(budget), pd.DataFrame(activity)


def effect_targets_sheet(rng: random.Random, specs: list[dict]) -> pd.DataFrame:
    """Return the `effektmaal` sheet: published city-level figures plus invented initiative targets."""
    rows = [
        # Published (Københavns Kommune): 11 % felt unsafe in 2009; 7,1 % in 2014. The target value is illustrative.
        {
            "indsats_id": "OKF-003",
            "aar": 2014,
            "indikator": "Andel borgere der føler sig utrygge i eget kvarter",
            "enhed": "%",
            "baseline": 11.0,
            "maal": 7.0,
            "aktuel": 7.1,
        },
        # Published: 12 areas needed a marked safety effort in 2010, 5 in 2014; target a fall of at least 50 %.
        {
            "indsats_id": "OKF-001",
            "aar": 2014,
            "indikator": "Områder med behov for markant tryghedsindsats",
            "enhed": "områder",
            "baseline": 12,
            "maal": 6,
            "aktuel": 5,
        },
        # Published: 76 reported crimes against residents per 1,000 inhabitants in 2009. Target and latest are illustrative.
        {
            "indsats_id": "SOF-003",
            "aar": 2013,
            "indikator": "Anmeldte forbrydelser mod borgere pr. 1.000 indbyggere",
            "enhed": "pr. 1.000",
            "baseline": 76,
            "maal": 65,
            "aktuel": 71,
        },
    ]
    by_character = {
        "exit-forløb": ("Andel uden ny dom 12 mdr. efter forløbet", "%", 45, 65),
        "kontaktperson": ("Andel uden ny sigtelse efter 12 mdr.", "%", 50, 70),
        "job": ("Andel i job eller uddannelse efter 12 mdr.", "%", 30, 50),
        "mentor": ("Andel i job eller uddannelse efter 12 mdr.", "%", 28, 45),
        "værested": ("Unge 18-25 år der kommer fast", "personer", 120, 250),
        "gadeplan": ("Unge i kontakt med gadeplansteam", "personer", 300, 450),
        "fritidstilbud": ("Andel unge i målgruppen med fast fritidstilbud", "%", 35, 50),
        "byrum": ("Andel borgere der føler sig trygge i området efter mørkets frembrud", "%", 70, 80),
    }
    for spec in specs:
        target = by_character.get(spec["karakter"])
        if not target or spec["status"] == "foreslaaet":
            continue
        indicator, unit, baseline, goal = target
        baseline = round(baseline * rng.uniform(0.85, 1.15))
        goal = max(round(goal * rng.uniform(0.9, 1.1)), baseline + max(2, round(baseline * 0.1)))  # higher is better
        latest = round(baseline + (goal - baseline) * rng.uniform(-0.2, 1.1))
        rows.append(
            {
                "indsats_id": spec["indsats_id"],
                "aar": 2013,
                "indikator": indicator,
                "enhed": unit,
                "baseline": baseline,
                "maal": goal,
                "aktuel": latest,
            }
        )
    return pd.DataFrame(rows)


def sample_portfolio(seed: int = SEED) -> dict[str, pd.DataFrame]:
    """Return the four sheets of the sample workbook; the same seed gives the same rows."""
    rng = random.Random(seed)
    specs = initiative_specs(rng)
    budget, activity = budget_and_activity(rng, specs)
    return {
        "indsatser": initiatives_sheet(specs),
        "budget": budget,
        "aktivitet": activity,
        "effektmaal": effect_targets_sheet(rng, specs),
    }


def write_workbook(sheets: dict[str, pd.DataFrame], path: Path) -> None:
    """Write the sheets to an .xlsx workbook in the input contract's format."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name, index=False)


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else SAMPLE_WORKBOOK
    portfolio = sample_portfolio()
    write_workbook(portfolio, target)
    totals = portfolio["budget"].groupby("aar")["budget_kr"].sum() / 1e6
    print(
        f"Skrev {target}: {len(portfolio['indsatser'])} indsatser; budget pr. år (mio. kr.): "
        + ", ".join(f"{year}: {total:.1f}" for year, total in totals.items())
    )
