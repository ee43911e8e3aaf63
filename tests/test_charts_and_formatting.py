"""Chart builders, Danish formatting and the small calculations, tested without Streamlit."""

from __future__ import annotations

import math

import duckdb
import pandas as pd
import pytest

from dashboard import analysis, charts, palette
from sikkerby import formatting as fmt

SOURCE = "Kilde: Indsatser: Eksempeldata (opdigtede tal) · Befolkning og bydele: Københavns Kommune, Open Data København"


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (lambda: fmt.kr(1234567), "1.234.567 kr."),
        (lambda: fmt.mio_kr(12_400_000), "12,4 mio. kr."),
        (lambda: fmt.percent(0.375), "37,5 %"),
        (lambda: fmt.number(1234.56, 1), "1.234,6"),
        (lambda: fmt.per_thousand(37.54), "37,5 pr. 1.000"),
        (lambda: fmt.signed_change(-2_500_000, fmt.mio_kr), "-2,5 mio. kr."),
        (lambda: fmt.signed_change(3), "+3"),
        (lambda: fmt.kr(None), "–"),
        (lambda: fmt.number(float("nan")), "–"),
        (lambda: fmt.number(1234567.0, 2), "1.234.567,00"),  # a whole number keeps the decimals asked for
        (lambda: fmt.number(-1234.0), "-1.234"),
        (lambda: fmt.number(-0.0), "0"),
        (lambda: fmt.number(2.0**53 + 2), "9.007.199.254.740.994"),  # past exact floats: still every digit
    ],
)
def test_danish_number_style(call, expected):
    assert call() == expected


def goal_budget() -> pd.DataFrame:
    return pd.DataFrame(
        {"goal_id": [1, 2, 3, 4], "goal": ["Tryghed", "Tidlig", "Exit", "Koordinering"], "budget_kr": [40e6, 30e6, 20e6, 10e6]}
    )


def test_bar_chart_has_title_units_source_and_danish_separators():
    data = goal_budget()
    fig = charts.budget_bars(data, "goal", [palette.GOAL_COLOURS[g] for g in data["goal_id"]], "Tryghed får 40 % af budgettet", SOURCE)
    assert "Tryghed får 40 %" in fig.layout.title.text
    assert fig.layout.xaxis.title.text == "Budget (mio. kr.)"
    assert fig.layout.separators == ",."
    (source,) = [a for a in fig.layout.annotations if a.name == "source"]
    assert source.text.startswith("Kilde: Indsatser: Eksempeldata")
    assert list(fig.data[0].x) == [40.0, 30.0, 20.0, 10.0]
    assert fig.data[0].text[0] == "40,0 mio. kr. (40 %)"
    assert list(fig.data[0].marker.color) == [palette.GOAL_COLOURS[g] for g in (1, 2, 3, 4)]
    # each name stands above its bar, not beside it, so a long name leaves the bars the whole width on a phone
    assert fig.layout.yaxis.showticklabels is False
    names = [a for a in fig.layout.annotations if a.name != "source"]
    assert [(a.text, a.y, a.x, a.xanchor, a.yanchor) for a in names] == [(g, g, 0, "left", "bottom") for g in data["goal"]]


def test_proposed_budget_stands_beside_the_decided_and_does_not_change_its_shares():
    data = goal_budget().assign(proposed_kr=[0, 0, 5e6, 2.5e6], budget_kr=[30e6, 10e6, 0, 10e6])
    fig = charts.budget_bars(data, "goal", ["#000"] * 4, "t", SOURCE)
    decided, proposed = fig.data
    assert (decided.name, proposed.name) == ("Besluttet", "Foreslået, ikke besluttet")
    # Shares of the decided 50 mio. kr.: 30/50 = 60 %, 10/50 = 20 %; Exit has only a proposed budget, so no decided label.
    assert list(decided.text) == ["30,0 mio. kr. (60 %)", "10,0 mio. kr. (20 %)", "", "10,0 mio. kr. (20 %)"]
    assert list(proposed.text) == ["", "", "5,0 mio. kr. foreslået", "2,5 mio. kr. foreslået"]
    assert proposed.marker.color == palette.PROPOSED
    assert fig.layout.showlegend and fig.layout.barmode == "group"
    alone = charts.budget_bars(goal_budget().assign(proposed_kr=0.0), "goal", ["#000"] * 4, "t", SOURCE)
    assert len(alone.data) == 1 and not alone.layout.showlegend  # nothing proposed: one bar per row, as before


def test_long_titles_wrap_instead_of_being_cut():
    fig = charts.budget_bars(
        goal_budget(), "goal", ["#000"] * 4, "Tidlig indsats for udsatte unge under 18 år får 39 % af budgettet 2013", SOURCE
    )
    assert "<br>" in fig.layout.title.text


def test_stacked_bars_colour_each_administration_the_same_everywhere():
    data = pd.DataFrame({"year": [2010, 2010, 2011], "administration_code": ["SOF", "BUF", "SOF"], "budget_kr": [5e6, 3e6, 6e6]})
    fig = charts.stacked_budget_bars(
        data.assign(label=data["administration_code"]), "year", "administration_code", "label", palette.ADMINISTRATION_COLOURS, "t", SOURCE
    )
    colours = {trace.name: trace.marker.color for trace in fig.data}
    assert colours == {"SOF": palette.ADMINISTRATION_COLOURS["SOF"], "BUF": palette.ADMINISTRATION_COLOURS["BUF"]}
    assert fig.layout.yaxis.title.text == "Budget (mio. kr.)"


def sample_map(db) -> tuple[pd.DataFrame, object]:
    """Return the districts and a map of them coloured 0–9."""
    with duckdb.connect(str(db), read_only=True) as con:
        districts = con.execute("SELECT district_id, name, boundary_geojson FROM district").df()
    values = pd.DataFrame({"district_id": range(1, 11), "value": [float(i) for i in range(10)]})
    return districts, charts.district_map(districts, values, "value", "Hvor går pengene hen?", SOURCE, "kr.", [str(i) for i in range(10)])


def test_district_map_draws_all_ten_districts_without_tiles(sample_db):
    districts, fig = sample_map(sample_db)
    labels = next(trace for trace in fig.data if trace.mode == "markers+text")
    assert sorted(labels.text) == sorted(charts.MAP_LABELS[d][2] for d in districts["district_id"])
    assert all(trace.type == "scatter" for trace in fig.data)  # no geo/mapbox trace: draws offline
    assert fig.layout.yaxis.scaleanchor == "x"


def test_ranked_bars_put_the_lowest_first_highlight_the_chosen_and_draw_the_city_line():
    data = pd.DataFrame({"district_id": [1, 2, 3, 4], "district": ["A", "B", "C", "D"], "v": [30.0, 10.0, 20.0, 40.0]})
    fig = charts.ranked_bars(data, "district", "v", "t", SOURCE, "pr. 1.000", ["30", "10", "20", "40"], chosen=(1,), reference=25.0)
    assert list(fig.data[0].y) == ["B", "C", "A", "D"]
    assert list(fig.data[0].marker.color) == [palette.NEUTRAL, palette.NEUTRAL, palette.HIGHLIGHT, palette.NEUTRAL]
    line = fig.layout.shapes[0]
    assert (line.x0, line.x1) == (25.0, 25.0)
    assert fig.layout.xaxis.title.text == "pr. 1.000 · stiplet linje: hele byen 25,0"


def test_map_labels_never_overlap_or_leave_the_map_at_phone_width(sample_db):
    """At 350 px of map width (a 390 px phone), each label's box (about 6,5 px per character at 11 px, 14 px per line) is clear of the others."""
    _, fig = sample_map(sample_db)
    outlines = [t for t in fig.data if t.fill == "toself"]
    lons = [x for t in outlines for x in t.x]
    lats = [y for t in outlines for y in t.y]
    scale = math.cos(math.radians(55.68))
    width_units = (max(lons) - min(lons)) * scale
    height_units = max(lats) - min(lats)
    px = 350 / max(width_units, height_units)  # px per unit: the map keeps its aspect, the larger side fills 350 px
    boxes = []
    for lon, lat, name in charts.MAP_LABELS.values():
        lines = name.split("<br>")
        w = max(len(line) for line in lines) * 6.5 * charts.MAP_LABEL_FONT / 11
        h = 14 * len(lines)
        x, y = (lon - min(lons)) * scale * px, (lat - min(lats)) * px
        boxes.append((name, x - w / 2, x + w / 2, y - h / 2, y + h / 2))
        assert x - w / 2 >= 0 and x + w / 2 <= width_units * px and y - h / 2 >= 0 and y + h / 2 <= height_units * px, name
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            apart = a[2] <= b[1] or b[2] <= a[1] or a[4] <= b[3] or b[4] <= a[3]
            assert apart, (a, b)


def targets() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "initiative": ["A", "B", "C", "D", "E", "F"],
            "indicator": ["utrygge", "i job", "i job", "steder", "ny dom", "faste brugere"],
            "unit": ["%", "%", "%", "områder", None, "personer"],
            "year": [2014] * 6,
            "baseline": [11.0, 30.0, 30.0, 12.0, 50.0, None],
            "target": [7.0, 50.0, 50.0, 6.0, 70.0, 120.0],
            "actual": [7.1, 42.0, 33.0, 5.0, None, 130.0],
        }
    )


def test_effect_targets_status_follows_the_direction_of_the_target():
    result = analysis.effect_target_progress(targets())
    assert result["status"].tolist() == ["På vej", "På vej", "Bagud", "Nået", "Ingen måling", "Uden udgangspunkt"]
    assert result["progress"].iloc[0] == pytest.approx((7.1 - 11) / (7 - 11))
    assert result["detail"].iloc[0] == "Udgangspunkt 11 % → mål 7 % (2014) · seneste 7,1 %"


def test_effect_progress_chart_marks_the_target_line():
    fig = charts.effect_progress(analysis.effect_target_progress(targets()), "1 af 6 effektmål er bagud", SOURCE)
    assert fig.layout.shapes[0].x0 == 100
    assert fig.data[0].marker.color[2] == palette.PROGRESS_COLOURS["Bagud"]


def test_largest_share_and_lowest():
    data = goal_budget()
    assert analysis.largest_share(data, "goal") == ("Tryghed", 0.4)
    assert analysis.lowest(data, "goal", "budget_kr", 2) == ["Koordinering", "Exit"]
    assert analysis.largest_share(data.assign(budget_kr=0.0), "goal") is None


def test_a_chart_on_a_page_leaves_title_and_source_to_the_page_and_keeps_its_other_notes():
    data = pd.DataFrame({"district_id": [1, 2], "district": ["A", "B"], "v": [30.0, 10.0]})
    fig = charts.ranked_bars(data, "district", "v", "Lavest: B", SOURCE, "pr. 1.000", ["30", "10"], reference=20.0)
    height = fig.layout.height
    page = charts.for_page(fig)
    assert page.layout.title.text is None
    assert [a.text for a in page.layout.annotations] == ["B", "A"]  # the source went to the page; the rows' names stay
    assert charts.title_of(page) == "Lavest: B" and charts.source_of(page) == SOURCE
    assert page.layout.height < height


def test_effect_progress_labels_carry_status_and_progress_rounded_down_and_escape_markup():
    data = targets().assign(initiative=["<a href='http://x'>A</a>", "B", "C", "D", "E", "F"])
    fig = charts.effect_progress(analysis.effect_target_progress(data), "t", SOURCE)
    assert list(fig.data[0].y) == [0, 1, 2, 3, 4, 5]  # a row each, whatever the names
    labels = list(fig.layout.yaxis.ticktext)
    assert labels[0].startswith("&lt;a href='http://x'&gt;A&lt;/a&gt;".replace("'", "'")[:10])
    assert "<a " not in labels[0]
    assert labels[1] == "B<br>i job<br><b>På vej</b> · 60 %"  # the indicator under the name; (42 − 30) / (50 − 30) = 60 %
    assert fig.data[0].text is None  # nothing beside the bars to be cut on a phone


def test_effect_targets_whose_names_shorten_alike_get_a_bar_each():
    long_name = "Væresteder for 18-25-årige i hele byen og på Amager"  # longer than a label: both shorten to the same text
    data = targets().head(2).assign(initiative=[long_name + " (1)", long_name + " (2)"])
    fig = charts.effect_progress(analysis.effect_target_progress(data), "t", SOURCE)
    labels = list(fig.layout.yaxis.ticktext)
    assert labels[0].split("<br>")[0] == labels[1].split("<br>")[0]
    assert len(set(fig.data[0].y)) == 2  # yet two bars, not one stacked on the other


@pytest.mark.parametrize(
    ("fill", "label"),
    [
        ("#FFFFFF", "#111111"),  # white: 18,9:1 with near-black, 1:1 with white
        ("rgb(8, 48, 107)", "white"),  # the scale's darkest blue: luminance 0,03 → white 13:1, black 1,5:1
        ("rgb(66, 146, 198)", "#111111"),  # a middle blue, luminance 0,25: near-black 5,4:1 beats white 3,5:1
        ("#777777", "white"),  # luminance 0,184: white 4,48:1 beats near-black 4,2:1
    ],
)
def test_a_map_label_takes_the_colour_that_contrasts_most_with_its_districts_fill(fill, label):
    assert charts.label_colour_on(fill) == label
