"""The filters that apply to every page: what they hold, and how they read as text and file names."""

from __future__ import annotations

from typing import NamedTuple


class Filters(NamedTuple):
    """The sidebar's choices; an empty tuple means 'all'."""

    year: int
    districts: tuple[int, ...] = ()
    administrations: tuple[str, ...] = ()
    focus_areas: tuple[int, ...] = ()
    goals: tuple[int, ...] = ()
    statuses: tuple[str, ...] = ()
    financing: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ()
    only_do_less: bool = False

    def as_params(self) -> dict[str, object]:
        """Return the filters as DuckDB query parameters."""
        return {
            "year": self.year,
            "districts": list(self.districts),
            "administrations": list(self.administrations),
            "focus_areas": list(self.focus_areas),
            "goals": list(self.goals),
            "statuses": list(self.statuses),
            "financing": list(self.financing),
            "evidence": list(self.evidence),
            "only_do_less": self.only_do_less,
        }

    @property
    def by_district(self) -> bool:
        return bool(self.districts)

    def without_districts(self) -> Filters:
        """Return the same choice over the whole city: for rankings and maps, which always compare all districts."""
        return self._replace(districts=())


def export_file_name(what: str, filters: Filters, district_names: dict[int, str], extension: str = "csv") -> str:
    """Return a file name that says what and for which filters, e.g. `indsatser_2010_Norrebro.csv`."""
    parts = [what, str(filters.year)]
    if filters.districts:
        parts.append("-".join(ascii_name(district_names[d]) for d in sorted(filters.districts)))
    if filters.administrations:
        parts.append("-".join(ascii_name(a) for a in sorted(filters.administrations)))
    if filters.focus_areas:
        parts.append("omraade" + "-".join(str(f) for f in sorted(filters.focus_areas)))
    if filters.goals:
        parts.append("maal" + "-".join(str(g) for g in sorted(filters.goals)))
    if filters.statuses:
        parts.append("-".join(sorted(filters.statuses)))
    if filters.financing:
        parts.append("-".join(sorted(filters.financing)))
    if filters.evidence:
        parts.append("-".join(sorted(filters.evidence)))
    if filters.only_do_less:
        parts.append("goeresmindre")
    return "_".join(parts) + "." + extension


def ascii_name(text: str) -> str:
    """`Nørrebro` → `Norrebro`, `Vesterbro/Kongens Enghave` → `VesterbroKongensEnghave`, `ØKF` → `OKF`."""
    words = text.replace("/", " ").replace("-", " ").split()
    return "".join(_ascii_word(w) for w in words)


def _ascii_word(word: str) -> str:
    table = str.maketrans({"æ": "ae", "ø": "o", "å": "aa", "Æ": "Ae", "Ø": "O", "Å": "Aa"})
    cleaned = word.translate(table)
    return "".join(ch for ch in cleaned if ch.isalnum())
