"""Decision analytics in a PDF: a scenario's decisions across exercises (a chapter of the AAR, or a
document of its own from the analytics page) and the corrective actions an exercise verifies, before
and after. Charts with the table of their figures, as on the page."""

from io import BytesIO

from reportlab.lib.pagesizes import LETTER
from reportlab.lib.units import inch
from reportlab.platypus import Frame, KeepTogether, PageTemplate

from drillhub.afteraction import aggregate
from drillhub.afteraction.report import HANDLING_DEFAULT
from drillhub.afteraction.pdfparts import MARGIN, WIDTH, Document, bars, fitted_widths, grid, numbered_canvas, para
from drillhub.afteraction.reportdata import ScenarioTrend, Verification
from drillhub.durations import clock
from drillhub.fonts import fonts
from drillhub.pdftext import clipped
from drillhub.wording import counted

def fitted(rows: list[list[str]]):
    """A table whose columns are as wide as their words need."""
    return grid(rows, fitted_widths(rows))


def rate_rows(rows: list[tuple[str, float | None]]) -> list[tuple[str, float | None, str]]:
    return [(label, rate, aggregate.percent(rate)) for label, rate in rows]


def trend_story(trend: ScenarioTrend, title: str, level: int = 1) -> list:
    """The scenario across the exercises that played it, under `title` (a heading of `level`): by
    exercise, decision point and organisation, and each decision point from one exercise to the next."""
    total = sum(e.decisions for e in trend.exercises)
    marked = " (the exercise this report is about is marked)" if any(e.current for e in trend.exercises) else ""
    section = f"h{level + 1}"
    story = [para(title, f"h{level}"),
             para(f"{counted(len(trend.exercises), 'exercise')}, {counted(total, 'decision')} "
                  "by players, oldest first"
                  f"{marked}."
                  " Defaults applied on time-out and stand-ins' choices are left out. A change is in percentage "
                  "points from the exercise before; – where there was no expected action to take.")]
    label = lambda e: f"{e.label}{' (this exercise)' if e.current else ''}"  # noqa: E731
    story += [para("Over the exercises", section),
              *bars(rate_rows([(label(e), e.expected_rate) for e in trend.exercises]), 1),
              fitted([["Exercise", "Decisions", "Expected action", "Change", "Median time", "Slowest"], *(
                  [label(e), str(e.decisions), aggregate.percent(e.expected_rate),
                   aggregate.change_said(e.change), clock(e.median_seconds), clock(e.slowest_seconds)]
                  for e in trend.exercises)])]
    slowest = max([p.slowest_seconds or 0 for p in trend.points] + [1])
    story += [para("By decision point", section),
              *bars(rate_rows([(p.title, p.expected_rate) for p in trend.points]), 1),
              KeepTogether([
                  para("Time to decide: the median as a bar, the slowest as a red mark (minutes:seconds).", "small"),
                  *bars([(p.title, p.median_seconds, clock(p.median_seconds)) for p in trend.points], slowest,
                        [p.slowest_seconds for p in trend.points])]),
              fitted([["Decision point", "Decisions", "Expected action", "Median time", "Slowest"], *(
                  [p.title, str(p.decisions), aggregate.percent(p.expected_rate), clock(p.median_seconds),
                   clock(p.slowest_seconds)] for p in trend.points)])]
    story += [para("By organisation", section),
              *bars(rate_rows(list(trend.agencies.items())), 1),
              fitted([["Organisation", "Decision point", "Expected action"], *(
                  [agency, p.title, aggregate.percent(p.by_agency[agency])]
                  for agency in trend.agencies for p in trend.points if agency in p.by_agency)])]
    moves = [[p.title, label(e), aggregate.percent(p.by_exercise[e.key]), aggregate.change_said(p.changes.get(e.key))]
             for p in trend.points for e in trend.exercises if e.key in p.by_exercise]
    story += [para("Each decision point over the exercises", section),
              fitted([["Decision point", "Exercise", "Expected action", "Change"], *moves])]
    return story


def verification_story(verifications: list[Verification]) -> list:
    """Each corrective action the exercise verifies: its decision points before and after."""
    story = [para("Corrective actions verified", "h1"),
             para("The decision points tied to each action (those scoring an objective of its core capability), "
                  "in the exercise that found the issue and in this one. Players' own decisions only.")]
    for v in verifications:
        story += [para(v.action, "h2"),
                  para(f"Issue: {v.issue} · {v.capability} · {v.agency} · found in {v.found_in} · "
                       f"status {v.status.replace('_', ' ')}", "small")]
        if v.said:
            story.append(para(v.said))
            continue
        story.append(fitted([["Decision point", "Decisions before", "Expected action before", "Median time before",
                              "Decisions after", "Expected action after", "Median time after", "Change"], *(
            [c.title, str(c.before.decisions), aggregate.percent(c.before.expected_rate),
             clock(c.before.median_seconds), str(c.after.decisions), aggregate.percent(c.after.expected_rate), clock(c.after.median_seconds),
             aggregate.change_said(c.after.change)] for c in v.points)]))
    return story


def render_analytics(trend: ScenarioTrend) -> bytes:
    """The analytics page as a PDF of its own."""
    buffer = BytesIO()
    document = Document(buffer, pagesize=LETTER, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=0.8 * inch,
                        bottomMargin=0.9 * inch, title=f"Decision analytics: {trend.scenario}", author="drillhub")
    document.addPageTemplates([PageTemplate(id="page", frames=[
        Frame(MARGIN, 0.9 * inch, WIDTH, LETTER[1] - 1.7 * inch, id="body")])])
    footer = f"Decision analytics · {clipped(trend.scenario, fonts()[0], 8, 4 * inch)}"
    document.build(trend_story(trend, f"Decision analytics: {trend.scenario}"),
                   canvasmaker=numbered_canvas(HANDLING_DEFAULT, footer, False, None))
    return buffer.getvalue()
