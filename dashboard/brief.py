"""Udvalgsnotat: the committee brief as one self-contained HTML file (no Streamlit here).

Key figures, the four goals, the six focus-area annexes, what lacks financing and the proposals to
do less of, for the current filters. The chart is drawn as a small inline SVG (no chart library, so a
brief is tens of kB, not megabytes) with its numbers in a captioned table beside it; the file opens and
prints without a network; every annex starts on a new A4 page. All text from the data is escaped.
For screen readers: a `<main>` landmark, a caption on every table, the chart named by its finding.
"""

from __future__ import annotations

import html
from datetime import date

import pandas as pd

from dashboard import analysis, focus_area_annex, labels, palette, queries
from dashboard.decision_view import KR_COLUMNS, FollowUp
from dashboard.decisions import Decision
from dashboard.filters import Filters
from dashboard.scenario_outcome import BUDGET_COLUMNS, PER_1000_COLUMNS, Outcome, coverage_table, frame_sentence
from dashboard.scenarios import ASSUMPTION
from sikkerby import formatting as fmt
from sikkerby.vocabulary import MISSING_FINANCING, PARTIAL_FINANCING

MONTHS = ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober", "november", "december")
STYLE = """
@page { size: A4; margin: 16mm 14mm; }
body { font-family: 'Source Sans Pro', Arial, sans-serif; color: #1f2328; max-width: 190mm; margin: 0 auto; font-size: 11pt; }
h1 { font-size: 20pt; margin-bottom: 2mm; } h2 { font-size: 15pt; margin-top: 8mm; } h3 { font-size: 12pt; margin-bottom: 1mm; }
.notice { background: #fff8dc; border-left: 4px solid #c99a00; padding: 2mm 4mm; }
.meta { color: #555; }
table { border-collapse: collapse; width: 100%; margin: 2mm 0 4mm; font-size: 9.5pt; }
th, td { border-bottom: 1px solid #ddd; padding: 1.2mm 2mm; text-align: left; vertical-align: top; }
td.number { text-align: right; white-space: nowrap; }
.annex { page-break-before: always; break-before: page; }
.chart { page-break-inside: avoid; break-inside: avoid; margin: 2mm 0 4mm; }
.chart figcaption { font-weight: bold; margin-bottom: 1mm; }
caption { text-align: left; font-weight: bold; padding: 1mm 0; }
.sources { color: #555; font-size: 9pt; }
"""


def danish_date(day: date) -> str:
    """`2026-11-27` → `27. november 2026`."""
    return f"{day.day}. {MONTHS[day.month - 1]} {day.year}"


def _text(value: object) -> str:
    return html.escape(fmt.text(value))


def _table(frame: pd.DataFrame, caption: str, money: tuple[str, ...] = (), numbers: tuple[str, ...] = ()) -> str:
    """Return an HTML table with its caption: money columns as kr., number columns in Danish style, all text escaped."""
    if frame.empty:
        return "<p class='meta'>Ingen.</p>"
    shown = frame.copy()
    for column in (c for c in money if c in shown):
        shown[column] = fmt.column(shown[column], fmt.kr)
    for column in numbers:
        shown[column] = fmt.column(shown[column], fmt.number)
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in shown.columns)
    rows = "".join(
        "<tr>"
        + "".join(
            f"<td class='number'>{_text(v)}</td>" if c in money or c in numbers else f"<td>{_text(v)}</td>"
            for c, v in zip(shown.columns, row, strict=True)
        )
        + "</tr>"
        for row in shown.itertuples(index=False)
    )
    return f"<table><caption>{html.escape(caption)}</caption><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


BAR_ROW = 34  # px per bar: the label above, the bar under it, so a long goal name is never cut
BAR_WIDTH = 420  # px for the largest bar; its amount stands to the right of it


def _budget_bars(data: pd.DataFrame, label: str, colours: list[str], title: str, table_caption: str, source: str) -> str:
    """Return horizontal budget bars as inline SVG (named by `title`), their source, and their numbers as a captioned table.

    The bars and shares are the decided budget (`budget_kr`); a proposed budget (`proposed_kr`) is named
    under the chart and stands in its own column of the table.
    """
    total, largest = data["budget_kr"].sum(), data["budget_kr"].max()
    shares = data["budget_kr"] / total if total else data["budget_kr"] * 0
    bars = []
    for row, (name, amount, share, colour) in enumerate(zip(data[label], data["budget_kr"], shares, colours, strict=True)):
        y, width = row * BAR_ROW, (amount / largest * BAR_WIDTH if largest > 0 else 0)
        bars.append(
            f"<text x='0' y='{y + 11}' font-size='11'>{html.escape(str(name))}</text>"
            f"<rect x='0' y='{y + 15}' width='{width:.1f}' height='14' fill='{colour}'/>"
            f"<text x='{width + 6:.1f}' y='{y + 26}' font-size='11'>{fmt.mio_kr(amount)} ({fmt.percent(share, 0)})</text>"
        )
    height = len(data) * BAR_ROW
    numbers = pd.DataFrame(
        {
            "Strategisk mål": data[label],
            "Besluttet budget (kr.)": data["budget_kr"],
            "Andel af det besluttede": fmt.column(shares, fmt.percent),
        }
    )
    proposed = float(data["proposed_kr"].sum()) if "proposed_kr" in data else 0.0
    note = ""
    if proposed:
        numbers["Foreslået, ikke besluttet (kr.)"] = data["proposed_kr"].to_numpy()
        note = (
            f"<p>Foreslåede indsatser, der endnu ikke er besluttet, har {html.escape(fmt.mio_kr(proposed))} "
            "De er ikke med i søjlerne og andelene, men står i tabellen.</p>"
        )
    return (
        f"<figure class='chart'><figcaption>{html.escape(title)}</figcaption>"
        f"<svg xmlns='http://www.w3.org/2000/svg' role='img' aria-label='{html.escape(title)}. Tallene står i tabellen under grafen.' "
        f"width='100%' viewBox='0 0 {BAR_WIDTH + 160} {height}' font-family='Arial, sans-serif' fill='#1f2328'>{''.join(bars)}</svg>"
        f"<p class='sources'>{html.escape(source)}</p>{note}"
        f"{_table(numbers, table_caption, money=('Besluttet budget (kr.)', 'Foreslået, ikke besluttet (kr.)'))}</figure>"
    )


def _filter_summary(filters: Filters, district_names: dict[int, str]) -> str:
    parts = [f"budgetår {filters.year}"]
    if filters.districts:
        parts.append("bydele: " + ", ".join(district_names[d] for d in filters.districts))
    if filters.administrations:
        parts.append("forvaltninger: " + ", ".join(filters.administrations))
    if filters.statuses:
        parts.append("status: " + ", ".join(labels.STATUS_LABELS[s] for s in filters.statuses))
    if filters.focus_areas or filters.goals or filters.financing or filters.evidence or filters.only_do_less:
        parts.append("med yderligere filtre (se dashboardets adresse)")
    return "; ".join(parts)


def committee_brief(
    source: queries.Source,
    filters: Filters,
    facts: dict[str, str],
    district_names: dict[int, str],
    today: date,
    scenario: Outcome | None = None,
    decision: tuple[Decision, FollowUp] | None = None,
) -> str:
    """Return the brief for the filters as one HTML document (no script, no external resource).

    With the last `decision` and its follow-up (`decision_view.latest`), "Opfølgning på sidste beslutning"
    follows the key figures; with a worked-out `scenario`, a section on it follows that.
    """
    source_line = labels.source_line(facts, with_population=True)
    sample = facts.get("portfolio_is_sample") == "true"
    figures = queries.key_figures(source, filters).set_index("year")
    now = figures.loc[filters.year]
    parts = [
        f"<h1>Udvalgsnotat: kriminalpræventive indsatser {filters.year}</h1>",
        f"<p class='meta'>Økonomiudvalget · Center for Sikker By · {danish_date(today)} · {html.escape(_filter_summary(filters, district_names))}</p>",
    ]
    if sample:
        parts.append(
            "<p class='notice'><b>Eksempeldata.</b> Indsatser, budgetter og aktivitet er opdigtede til illustration. "
            "Befolkningstal og bydelsgrænser er rigtige data fra Københavns Kommune.</p>"
        )
    key = pd.DataFrame(
        [
            ("Besluttet budget", fmt.mio_kr(now["decided_budget_kr"])),
            ("Foreslåede indsatser", fmt.mio_kr(now["proposed_budget_kr"])),
            ("Indsatser med budget", fmt.number(now["initiatives"])),
            ("Budget til 18–25-årige", fmt.mio_kr(now["budget_18_25_kr"])),
            ("18–25-årige nået pr. 1.000", fmt.number(now["reached_per_1000"], 1)),
            ("Mangler finansiering", fmt.mio_kr(now["missing_financing_kr"])),
            ("Delvist finansieret (hele budgettet)", fmt.mio_kr(now["partial_financing_kr"])),
        ],
        columns=["Nøgletal", str(filters.year)],
    )
    parts += ["<h2>Nøgletal</h2>", _table(key, f"Nøgletal for {filters.year}")]
    if decision is not None:
        parts.append(_follow_up_section(*decision, source_line))
    if scenario is not None:
        parts.append(_scenario_section(scenario, source_line))

    by_goal = queries.budget_by_goal(source, filters)
    top = analysis.largest_share(by_goal, "goal")
    parts += [
        "<h2>De fire strategiske mål</h2>",
        _budget_bars(
            by_goal,
            "goal",
            [palette.GOAL_COLOURS[g] for g in by_goal["goal_id"]],
            f"{top[0]} får {fmt.percent(top[1], 0)} af det besluttede budget {filters.year}"
            if top
            else f"Besluttet budget {filters.year} pr. strategisk mål",
            f"Tallene bag grafen: besluttet og foreslået budget {filters.year} pr. strategisk mål",
            source_line,
        ),
    ]

    for area in focus_area_annex.areas(source, filters).itertuples(index=False):
        parts.append(_annex(focus_area_annex.annex(source, filters, area.focus_area_id, area.name), filters.year))

    initiatives = queries.initiatives_table(source, filters)
    active = initiatives[initiatives["active_in_year"]]
    unfinanced = active[active["financing"].isin((MISSING_FINANCING, PARTIAL_FINANCING))]
    do_less = initiatives[initiatives["do_less"]].sort_values("budget_kr", ascending=False, kind="stable")  # as in the annexes
    parts += [
        "<h2 class='annex'>Mangler finansiering</h2>",
        _table(
            unfinanced.assign(financing=unfinanced["financing"].map(labels.FINANCING_LABELS)).rename(
                columns={"name": "Indsats", "financing": "Finansiering", "budget_kr": "Budget (kr.)", "goals": "Strategiske mål"}
            )[["Indsats", "Finansiering", "Budget (kr.)", "Strategiske mål"]],
            f"Indsatser med budget i {filters.year}, der mangler hel eller delvis finansiering",
            money=("Budget (kr.)",),
        ),
        "<h2>Forslag om at gøre mindre af</h2>",
        _table(
            do_less.assign(rationale=do_less["rationale"].map(lambda r: fmt.text(r, "ikke angivet"))).rename(
                columns={"name": "Indsats", "rationale": "Begrundelse", "budget_kr": "Budget (kr.)"}
            )[["Indsats", "Begrundelse", "Budget (kr.)"]],
            "Indsatser foreslået gjort mindre af, største budget først",
            money=("Budget (kr.)",),
        ),
        f"<p class='sources'>{html.escape(source_line)}. Bydelsgrænser: Københavns Kommune, Open Data København, CC BY 4.0. "
        "Befolkning pr. 1. januar; efter 2015 bruges 2015. Dannet af Sikker By-dashboardet.</p>",
    ]
    body = "\n".join(parts)
    return (
        "<!DOCTYPE html><html lang='da'><head><meta charset='utf-8'>"
        f"<title>Udvalgsnotat {filters.year}</title><style>{STYLE}</style></head><body><main>{body}</main></body></html>"
    )


def _annex(annex: focus_area_annex.Annex, year: int) -> str:
    """Return one focus area's annex as the Indsatsområder page shows it: growth, effect targets, budget need, do less."""
    out = [f"<h2 class='annex'>{html.escape(annex.name)}</h2>"]
    if not annex.active:
        out.append(f"<p class='meta'>Ingen indsatser i området har budget eller deltagere i {year} med de valgte filtre.</p>")
        if not annex.do_less.empty:  # a proposal to do less of stands without budget in the year
            out.append(_do_less(annex))
        return "\n".join(out)
    out += ["<h3>Hvor kan indsatsen vokse?</h3>", f"<p>{html.escape(annex.growth)}</p>"]
    if not annex.coverage.empty:
        coverage = annex.coverage.assign(
            **{focus_area_annex.PER_1000: fmt.column(annex.coverage[focus_area_annex.PER_1000], lambda v: fmt.number(v, 1))}
        )
        out.append(
            _table(coverage, f"{annex.name}: 18–25-årige nået pr. bydel", numbers=(focus_area_annex.COVERAGE_COLUMNS["reached_18_25"],))
        )
    out.append("<h3>Effektmål</h3>")
    if annex.targets.empty:
        out.append("<p class='meta'>Området har ingen effektmål for de valgte indsatser.</p>")
    else:
        out += [f"<p>{html.escape(annex.target_counts)}</p>", _table(annex.targets, f"{annex.name}: effektmål")]
    missing, partial, proposed = annex.need
    out += [
        "<h3>Budgetbehov</h3>",
        f"<p>Mangler finansiering: <b>{fmt.mio_kr(missing)}</b> · delvist finansieret: <b>{fmt.mio_kr(partial)}</b> · "
        f"foreslåede indsatser: <b>{fmt.mio_kr(proposed)}</b> (budget {year})</p>",
    ]
    if not annex.needing.empty:
        out.append(_table(annex.needing, f"{annex.name}: indsatser med budgetbehov", money=(focus_area_annex.BUDGET,)))
    out.append(_do_less(annex))
    return "\n".join(out)


def _do_less(annex: focus_area_annex.Annex) -> str:
    """Return what the area proposes to do less of, largest budget first."""
    if annex.do_less.empty:
        return "<h3>Hvad skal der gøres mindre af?</h3><p class='meta'>Ingen af områdets indsatser er foreslået gjort mindre af.</p>"
    return "<h3>Hvad skal der gøres mindre af?</h3>" + _table(
        annex.do_less, f"{annex.name}: foreslået gjort mindre af", money=(focus_area_annex.BUDGET,)
    )


def _follow_up_section(decision: Decision, followed: FollowUp, source_line: str) -> str:
    """Return "Opfølgning på sidste beslutning": the sentences, the decided changes and the moves nobody decided."""
    meeting = date.fromisoformat(decision.meeting_date)
    changes = followed.changes.drop(columns=["Id", "Forbrug nu (kr.)"]).assign(
        **{"Gennemført (andel)": fmt.column(followed.changes["Gennemført (andel)"], lambda v: fmt.percent(v, 0))}
    )
    money = tuple(c for c in KR_COLUMNS if c in changes or c in followed.moves)
    return "\n".join(
        [
            "<h2>Opfølgning på sidste beslutning</h2>",
            f"<p class='meta'>{_text(decision.agenda_item)}, {danish_date(meeting)}: scenariet {_text(decision.scenario.name)} "
            f"for {decision.year}, holdt op mod de nuværende data.</p>",
            *(f"<p>{html.escape(sentence)}</p>" for sentence in followed.sentences),
            _table(changes, f"Besluttede ændringer for {decision.year} og budgettet i de nuværende data", money=money),
            _table(
                followed.moves.drop(columns=["Id"]),
                f"Budgetændringer for {decision.year}, som ingen har besluttet, største først",
                money=money,
            ),
            f"<p class='sources'>{html.escape(source_line)} · udvalgets beslutninger, som de er registreret i dashboardet</p>",
        ]
    )


def _scenario_section(result: Outcome, source_line: str) -> str:
    """Return the scenario's section: totals against the frame, budget per goal, 18–25 coverage per district."""
    totals = result.totals
    changed = ", ".join(
        f"{result.scenario.names.get(i) or i}: {change.label() if change.amount_kr is None else fmt.kr(change.amount_kr)}"
        for i, change in result.scenario.changes.items()
    )
    new = ", ".join(f"{n.name} ({fmt.kr(n.budget_kr)})" for n in result.scenario.new)
    figures = pd.DataFrame(
        [
            ("Budget i udgangspunktet", fmt.mio_kr(totals["baseline_kr"])),
            ("Budget i scenariet", fmt.mio_kr(totals["scenario_kr"])),
            ("Budgetramme", fmt.mio_kr(totals["frame_kr"]) if totals["frame_kr"] is not None else "Ingen"),
        ],
        columns=["Scenarie", str(result.scenario.year)],
    )
    by_goal = result.by_goal.rename(columns={"goal": "Strategisk mål"} | BUDGET_COLUMNS)[["Strategisk mål", *BUDGET_COLUMNS.values()]]
    coverage = coverage_table(result)
    for column in PER_1000_COLUMNS:
        coverage[column] = fmt.column(coverage[column], lambda v: fmt.number(v, 1))
    return "\n".join(
        [
            f"<h2 class='annex'>Scenarie: {_text(result.scenario.name)}</h2>",
            f"<p class='meta'>Hele porteføljen for {result.scenario.year}. {html.escape(ASSUMPTION)}</p>",
            f"<p><b>Ændrede indsatser:</b> {html.escape(changed or 'ingen')}. <b>Nye indsatser:</b> {html.escape(new or 'ingen')}.</p>",
            _table(figures, "Scenariets budget mod udgangspunktet og rammen"),
            f"<p>{html.escape(frame_sentence(totals))}</p>",
            "<h3>Budget pr. strategisk mål</h3>",
            _table(by_goal, "Budget pr. strategisk mål i udgangspunktet og i scenariet", money=tuple(BUDGET_COLUMNS.values())),
            "<h3>18–25-årige nået pr. 1.000 i hver bydel</h3>",
            _table(
                coverage,
                "18–25-årige nået pr. 1.000 i hver bydel, i udgangspunktet og i scenariet",
                numbers=tuple(c for c in coverage.columns[1:] if c not in PER_1000_COLUMNS),
            ),
            f"<p class='sources'>{html.escape(source_line)}</p>",
        ]
    )
