"""The committee brief: its sections and figures for the small fixture, escaped text, and no external resource."""

from __future__ import annotations

import re
from datetime import date

from plotly.offline import get_plotlyjs

from dashboard import brief, database, queries
from dashboard.filters import Filters
from tests.conftest import small_portfolio


def make_brief(db, filters: Filters) -> str:
    with database.reading(db) as version:
        source = queries.source_of(version)
        facts = queries.dataset_facts(source)
        names = dict(zip(queries.districts(source)["district_id"], queries.districts(source)["name"], strict=True))
        return brief.committee_brief(source, filters, facts, names, date(2026, 11, 27))


def test_brief_has_every_section_with_hand_computed_figures(small_db):
    page = make_brief(small_db, Filters(year=2010))
    assert "<h1>Udvalgsnotat: kriminalpræventive indsatser 2010</h1>" in page
    assert "27. november 2026" in page
    for section in ("Nøgletal", "De fire strategiske mål", "Mangler finansiering", "Forslag om at gøre mindre af"):
        assert f">{section}</h2>" in page
    assert page.count("<h2 class='annex'>") == 7  # six focus areas and the unfinanced list, each on a new page
    assert "<td>Besluttet budget</td><td>3,7 mio. kr.</td>" in page  # 1.234.567,5 + 500.000 + 2.000.000
    assert "<td>Delvist finansieret (hele budgettet)</td><td>1,7 mio. kr.</td>" in page  # SOF-001
    assert "<td class='number'>1.734.568 kr.</td>" in page  # SOF-001 in the unfinanced list
    assert "9 af de ti bydele når færrest unge" in page  # SOF-001 reaches Nørrebro only
    assert "page-break-before: always" in page


def test_brief_loads_nothing_from_outside(small_db):
    page = make_brief(small_db, Filters(year=2010))
    assert get_plotlyjs() in page  # the chart library is inlined, not fetched
    page = page.replace(get_plotlyjs(), "")  # its own code holds link texts (logo, map credits) that bar charts never load
    assert "<script src" not in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert not re.search(r"@import|url\(\s*['\"]?https?:", page)


def test_brief_shows_analysts_text_as_text(app_on_portfolio):
    sheets = small_portfolio()
    sheets["indsatser"].loc[2, "begrundelse"] = "<img src=x onerror=alert(1)> **fed**"
    db = app_on_portfolio(sheets, "hostile")
    page = make_brief(db, Filters(year=2011))
    assert "&lt;img src=x onerror=alert(1)&gt; **fed**" in page
    assert "<img src=x" not in page


def test_brief_says_when_it_is_sample_data(sample_db):
    assert "<b>Eksempeldata.</b>" in make_brief(sample_db, Filters(year=2013))
