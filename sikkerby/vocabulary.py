"""The fixed words of the domain: districts, administrations, focus areas, goals and codes.

Everything the analysts type is matched against these lists through `match_key`, which
ignores case, spacing, punctuation and the spelling of æ/ø/å (æ = ae, ø = oe = o, å = aa).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

CITY_WIDE_LABEL = "Hele byen"


def match_key(text: object) -> str:
    """Return the spelling-insensitive key used to compare a header, code or name (full-width letters are plain ones)."""
    value = unicodedata.normalize("NFKC", str(text)).strip().lower()
    for old, new in (("æ", "ae"), ("ø", "oe"), ("å", "aa"), ("ä", "ae"), ("ö", "oe")):
        value = value.replace(old, new)
    value = value.replace("aa", "a").replace("ae", "a").replace("oe", "o")
    return re.sub(r"[^0-9a-z+]", "", value)


@dataclass(frozen=True)
class District:
    """One of Copenhagen's ten administrative districts (bydele)."""

    number: int
    name: str


DISTRICTS: tuple[District, ...] = (
    District(1, "Indre By"),
    District(2, "Østerbro"),
    District(3, "Nørrebro"),
    District(4, "Vesterbro/Kongens Enghave"),
    District(5, "Valby"),
    District(6, "Vanløse"),
    District(7, "Brønshøj-Husum"),
    District(8, "Bispebjerg"),
    District(9, "Amager Øst"),
    District(10, "Amager Vest"),
)

ADMINISTRATIONS: dict[str, str] = {
    "SOF": "Socialforvaltningen",
    "BUF": "Børne- og Ungdomsforvaltningen",
    "BIF": "Beskæftigelses- og Integrationsforvaltningen",
    "KFF": "Kultur- og Fritidsforvaltningen",
    "TMF": "Teknik- og Miljøforvaltningen",
    "SUF": "Sundheds- og Omsorgsforvaltningen",
    "ØKF": "Økonomiforvaltningen",
}

FOCUS_AREAS: tuple[str, ...] = (
    "Lokal indsats",
    "Fritidsliv med indhold",
    "Beskæftigelse og uddannelse",
    "Socialt udsatte unge over 18 år",
    "Socialt udsatte unge under 18 år",
    "Tryghed for kommunalt ansatte",
)


@dataclass(frozen=True)
class Goal:
    """One of the four strategic goals and the workbook column that marks it."""

    number: int
    column: str
    name: str


GOALS: tuple[Goal, ...] = (
    Goal(1, "maal_tryghed", "Tryghed for københavnere og kommunens ansatte"),
    Goal(2, "maal_tidlig_indsats", "Tidlig indsats for udsatte unge under 18 år"),
    Goal(3, "maal_exit", "Kriminalitetsexit"),
    Goal(4, "maal_koordinering", "Koordinering og samarbejde"),
)

STATUSES: tuple[str, ...] = ("eksisterende", "ny", "foreslaaet")
FINANCING_STATES: tuple[str, ...] = ("finansieret", "delvist", "mangler", "satspulje")
EVIDENCE_LEVELS: tuple[str, ...] = ("dokumenteret", "lovende", "erfaringsbaseret", "ukendt")
FUNDING_SOURCES: tuple[str, ...] = ("kommune", "satspulje", "andet")
DECIDED_STATUSES: tuple[str, ...] = ("eksisterende", "ny")  # decided budget; "foreslaaet" is only proposed
NEW_STATUS = "ny"
PROPOSED_STATUS = "foreslaaet"
UNASSIGNED_DISTRICT = 99  # the population file's code for residents not assigned to a district
MISSING_FINANCING = "mangler"
PARTIAL_FINANCING = "delvist"
YES_MARKS: frozenset[str] = frozenset({"x", "ja", "1", "1.0", "1,0"})  # 1.0: a number 1 exported as text
# What other programs write for a missing value. Never read as empty: it may hide a lost value.
MISSING_VALUE_WORDS: frozenset[str] = frozenset({"nan", "none", "null"})

YOUNG_ADULT_AGE_MIN = 18
YOUNG_ADULT_AGE_MAX = 25


def _keyed(names: dict[str, str]) -> dict[str, str]:
    return {match_key(alias): canonical for alias, canonical in names.items()}


_DISTRICT_BY_KEY: dict[str, int] = {match_key(d.name): d.number for d in DISTRICTS}
_DISTRICT_BY_KEY[match_key("Vesterbro-Kongens Enghave")] = 4
for alias in ("Vesterbro", "Kongens Enghave", "Vesterbro/Kgs. Enghave", "Kgs. Enghave", "Vesterbro-Kgs. Enghave"):
    _DISTRICT_BY_KEY[match_key(alias)] = 4
_CITY_WIDE_KEYS = {
    match_key(alias) for alias in (CITY_WIDE_LABEL, "Hele kommunen", "Hele København", "Alle bydele", "Københavns Kommune", "Tværgående")
}
# Neighbourhoods analysts write instead of a district: named in the message, never guessed silently.
NEIGHBOURHOODS: dict[str, str] = {
    "Nordvest": "Bispebjerg",
    "Tingbjerg": "Brønshøj-Husum",
    "Husum": "Brønshøj-Husum",
    "Brønshøj": "Brønshøj-Husum",
    "Sydhavnen": "Vesterbro/Kongens Enghave",
    "Christianshavn": "Indre By",
    "Ørestad": "Amager Vest",
    "Islands Brygge": "Amager Vest",
    "Sundbyvester": "Amager Vest",
    "Sundbyøster": "Amager Øst",
    "Nordhavn": "Østerbro",
}
_NEIGHBOURHOOD_BY_KEY = {match_key(name): (name, district) for name, district in NEIGHBOURHOODS.items()}

_ADMINISTRATION_BY_KEY = _keyed({code: code for code in ADMINISTRATIONS} | {name: code for code, name in ADMINISTRATIONS.items()})
_FOCUS_AREA_BY_KEY = _keyed({name: name for name in FOCUS_AREAS})
_FOCUS_AREA_BY_KEY[match_key("Socialt udsatte unge over 18 år (+18)")] = FOCUS_AREAS[3]


class UnknownValue(ValueError):
    """A value that is not in a fixed list; the message is Danish and names the closest match."""


def without_invisible(text: str) -> str:
    """Return text without the format characters nobody sees (zero-width spaces and joiners, BOM, soft hyphen, direction marks)."""
    if text.isascii():
        return text
    return "".join(c for c in text if unicodedata.category(c) != "Cf")


def closest(text: str, choices: list[str]) -> str | None:
    """Return the choice that looks most like `text`, if any looks close enough."""
    keys = {match_key(choice): choice for choice in choices}
    found = difflib.get_close_matches(match_key(text), list(keys), n=1, cutoff=0.5)
    return keys[found[0]] if found else None


def _unknown(kind: str, text: str, choices: list[str]) -> UnknownValue:
    suggestion = closest(text, choices)
    hint = f" Mente du '{suggestion}'?" if suggestion else f" Gyldige værdier: {', '.join(choices)}."
    foreign = foreign_letter(text)
    if foreign:  # `eksistеrende` with a Cyrillic е looks right: say why it is not
        hint += f" Teksten indeholder tegnet {foreign}."
    return UnknownValue(f"ukendt {kind} '{text}'.{hint}")


# Alphabets with letters that look like Latin ones (Т, А, О, Е, С, Р, Н, К, М, В, Х; Α, Β, Ε, Μ, Ο, Ρ, Τ, ...).
_LOOK_ALIKE_ALPHABETS = {"CYRILLIC": "kyrillisk", "GREEK": "græsk", "ARMENIAN": "armensk", "COPTIC": "koptisk", "CHEROKEE": "cherokee-"}


def foreign_letter(text: str) -> str | None:
    """Describe in Danish the first letter of `text` that is not a Latin letter (æ, ø, å, é are Latin), or None.

    Returns e.g. `'Т' (tegn nr. 1), som er et kyrillisk bogstav og ikke et latinsk, selv om det kan ligne et`.
    """
    if text.isascii():
        return None
    for position, character in enumerate(text, start=1):
        if character.isalpha() and not character.isascii():
            name = unicodedata.name(character, "")
            if not name.startswith("LATIN "):
                alphabet = _LOOK_ALIKE_ALPHABETS.get(name.split(" ")[0])
                what = (
                    f"som er et {alphabet} bogstav og ikke et latinsk, selv om det kan ligne et"
                    if alphabet
                    else "som er et bogstav fra et andet alfabet end det latinske"
                )
                return f"'{character}' (tegn nr. {position}), {what}"
    return None


def district_number(text: object) -> int | None:
    """Return the district number for a name, or None for city-wide (empty or 'Hele byen').

    Only an empty cell (nothing visible in it) or a city-wide name is city-wide: a cell with only
    punctuation (`?`, `—`, `-`) is an unknown district, never read as the whole city.
    """
    if text is None or not without_invisible(str(text)).strip():
        return None
    if is_missing_value_word(text):
        raise UnknownValue(
            f"'{str(text).strip()}' er ikke en bydel; det ligner en tom værdi fra et andet program. "
            f"Skriv bydelens navn, eller lad feltet stå tomt eller skriv '{CITY_WIDE_LABEL}', hvis indsatsen dækker hele byen."
        )
    key = match_key(text)
    if key in _CITY_WIDE_KEYS:
        return None
    if key in _DISTRICT_BY_KEY:
        return _DISTRICT_BY_KEY[key]
    if key in _NEIGHBOURHOOD_BY_KEY:
        name, district = _NEIGHBOURHOOD_BY_KEY[key]
        raise UnknownValue(f"'{str(text).strip()}' er ikke en bydel. {name} ligger i bydelen {district}; skriv '{district}'.")
    raise _unknown("bydel", str(text).strip(), [d.name for d in DISTRICTS] + [CITY_WIDE_LABEL])


def administration_code(text: object) -> str:
    """Return the short code (SOF, BUF, ...) for a code or a full administration name."""
    key = match_key(text)
    if key in _ADMINISTRATION_BY_KEY:
        return _ADMINISTRATION_BY_KEY[key]
    raise _unknown("forvaltning", str(text).strip(), list(ADMINISTRATIONS))


def focus_area(text: object) -> str:
    """Return the canonical focus area name for any spelling of it."""
    key = match_key(text)
    if key in _FOCUS_AREA_BY_KEY:
        return _FOCUS_AREA_BY_KEY[key]
    raise _unknown("indsatsområde", str(text).strip(), list(FOCUS_AREAS))


def one_of(kind: str, text: object, choices: tuple[str, ...], default: str | None = None) -> str:
    """Return the canonical spelling of a code from a short list, or the default when empty."""
    key = match_key(text)
    if not key and default is not None:
        return default
    for choice in choices:
        if match_key(choice) == key:
            return choice
    raise _unknown(kind, str(text).strip(), list(choices))


def is_missing_value_word(value: object) -> bool:
    """True for the text `nan`, `None` or `NULL` (any case, surrounding spaces) that exports write for a gap."""
    return isinstance(value, str) and value.strip().lower() in MISSING_VALUE_WORDS


_MARK_HINT = "Skriv x (eller ja/1) eller lad feltet stå tomt."


def is_marked(value: object) -> bool:
    """Return True for a cell marked x, ja or 1, False for an empty cell (None or blank); else raise.

    Excel may store a typed 1 as the number 1 or 1.0; both count as marked. Nothing else does:
    not `nej` or `0` (leave the cell empty), nor `nan`/`None`/`NULL`, which may hide a lost value.
    """
    if value is None:
        return False
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if value == 1:
            return True
        shown = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
        raise UnknownValue(f"'{shown}' er ikke en gyldig markering. {_MARK_HINT}")
    text = str(value).strip()
    if not text:
        return False
    if text.lower() in YES_MARKS:
        return True
    if is_missing_value_word(text):
        raise UnknownValue(f"'{text}' er ikke en gyldig markering; det ligner en tom værdi fra et andet program. {_MARK_HINT}")
    raise UnknownValue(f"'{text}' er ikke en gyldig markering. {_MARK_HINT}")
