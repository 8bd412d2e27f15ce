"""The After-Action Report / Improvement Plan as a PDF: HSEEP's sections, the handling marking on every
page, page numbers and a table of contents. Pure: report data in, bytes out."""

from io import BytesIO

from reportlab.lib.pagesizes import LETTER, landscape
from reportlab.lib.units import inch
from reportlab.platypus import (
    Frame,
    KeepInFrame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Spacer,
    Table,
)

from drillhub.afteraction import aggregate
from drillhub.afteraction.acronyms import acronyms_used
from drillhub.afteraction.analytics_pdf import trend_story, verification_story
from drillhub.afteraction.evaluation import RATING_MEANINGS
from drillhub.afteraction.pdfparts import (
    MARGIN,
    WIDTH,
    ChoiceBars,
    Document,
    choice_table,
    facts,
    fitted_widths,
    grid,
    local,
    numbered_canvas,
    para,
)
from drillhub.afteraction.reportdata import (
    CapabilityResult,
    FeedbackSummary,
    PlanRow,
    ReportData,
    TimelineRow,
)
from drillhub.fonts import fonts
from drillhub.pdftext import clipped


def scene_rows(timeline: list[TimelineRow], zone: str) -> list[list[str]]:
    """One row per scene of a run: when it began (on the exercise's clock), its title, and the injects and
    team decisions in it."""
    rows: list[list[str]] = []
    for row in timeline:
        if row.kind == "scene" or not rows:
            rows.append([local(row.at, zone, "%H:%M:%S"), row.text if row.kind == "scene" else "", ""])
        if row.kind != "scene":
            rows[-1][2] += ("\n" if rows[-1][2] else "") + f"{row.kind.capitalize()}: {row.text}"
    return rows


def answers(title: str, tallied: list) -> list:
    """Answers given in the feedback forms, each once with how many gave it."""
    rows = [[answer, str(count)] for answer, count in tallied]
    return [para(title, "h3"), grid([["Answer", "Forms"], *rows], [WIDTH - 0.8 * inch, 0.8 * inch]) if rows else para("None.")]


def capability_summary(capabilities: list[CapabilityResult]) -> Table:
    """HSEEP's summary of core capability performance: each capability with the objectives its targets
    serve and its rating (an unrated one says so)."""
    return grid([["Objective", "Core capability", "Rating"], *(
        ["\n".join(c.objectives) or "–", c.capability,
         f"{c.rating}: {RATING_MEANINGS[c.rating]}" if c.rating in RATING_MEANINGS else "Not rated"]
        for c in capabilities)],
        [WIDTH * 0.45, WIDTH * 0.3, WIDTH * 0.25])


def report_texts(data: ReportData, report: dict) -> list[str]:
    """Everything the report says in words, to find the acronyms it uses."""
    return [data.title, report["executive_summary"], report["points_of_contact"],
            *(s.summary for s in data.scenarios), *(o for s in data.scenarios for o in s.objectives),
            *(text for row in report["analysis"] for text in (row["strengths"], row["improvements"], row["analysis"])),
            *(c.capability for c in data.capabilities),
            *(text for c in data.capabilities for t in c.targets for text in (t.target, t.objective, *t.tasks)),
            *(o.note for c in data.capabilities for t in c.targets for o in t.observations),
            *(text for a in data.actions for text in (a.issue, a.action))]


def improvement_plan(actions: list[PlanRow], width: float) -> Table:
    """HSEEP's Improvement Plan matrix, one row per corrective action, on a landscape page `width` wide."""
    rows = [["Objective", "Core capability", "Issue / area for improvement", "Corrective action", "Capability element",
             "Primary responsible organisation", "Point of contact", "Start", "Completion", "Status"], *(
        [a.objective or "–", a.capability, a.issue, a.action, a.element, a.agency,
         a.contact or "–", a.start_on, a.due_on, a.status.replace("_", " ")] for a in actions)]
    return grid(rows, fitted_widths(rows, width))


def points_of_contact(report: dict, data: ReportData) -> str:
    """As the report says them; if it says none, the exercise's lead evaluator and coordinator."""
    if report["points_of_contact"]:
        return report["points_of_contact"]
    if data.contacts is None:  # a version made before the report kept them
        return "Not recorded in this version of the report."
    return aggregate.contacts_said(data.contacts) or "No lead evaluator or coordinator is recorded for this exercise."


def cover(data: ReportData, report: dict) -> KeepInFrame:
    """The cover page, shrunk to stay one page however long the title: the contents are page 2."""
    return KeepInFrame(0, 0, [
        Spacer(1, 1.6 * inch), para("After-Action Report / Improvement Plan", "cover"), Spacer(1, 0.3 * inch),
        para(data.title, "center"), para(f"{data.starts} – {data.ends} ({data.time_zone})", "center"),
        Spacer(1, 0.3 * inch), para(f"Version {report['version']} · {report['status']}", "center"),
        Spacer(1, 1.2 * inch), para(report["handling"], "center")], mode="shrink")


def render_aar(data: ReportData, report: dict) -> bytes:
    """`data` as report.report_data gives it (or reportdata.read, a final version's); `report`
    the version's fields: version, status, handling, points_of_contact, executive_summary, analysis.
    Each chapter is drawn by its own function below, in the order HSEEP's AAR/IP template has them."""
    buffer = BytesIO()
    document = Document(buffer, pagesize=LETTER, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=0.8 * inch,
                        bottomMargin=0.9 * inch, title=f"After-Action Report: {data.title}", author="drillhub")
    wide, tall = landscape(LETTER)
    document.addPageTemplates([
        PageTemplate(id="page", frames=[Frame(MARGIN, 0.9 * inch, WIDTH, LETTER[1] - 1.7 * inch, id="body")]),
        PageTemplate(id="wide", pagesize=(wide, tall),  # the Improvement Plan's ten columns, as HSEEP lays it out
                     frames=[Frame(MARGIN, 0.9 * inch, wide - 2 * MARGIN, tall - 1.7 * inch, id="wide-body")]),
    ])
    story = [
        cover(data, report), PageBreak(),
        Spacer(1, 1), PageBreak(),  # the contents page: the canvas writes it once every chapter is placed
        *handling_chapter(data, report), *summary_chapter(data, report), *overview_chapter(data, report),
        *capabilities_chapter(data, report), *decisions_chapter(data), *across_exercises_chapter(data),
        *verified_actions_chapter(data), *timeline_chapter(data),
        *feedback_chapter(data.feedback),
        NextPageTemplate("wide"), PageBreak(), *improvement_plan_appendix(data, wide - 2 * MARGIN),
        NextPageTemplate("page"), PageBreak(), *participants_appendix(data), *acronyms_appendix(data, report),
    ]
    title = clipped(data.title, fonts()[0], 8, 4 * inch)
    footer = f"AAR/IP · {title} · version {report['version']} ({report['status']})"
    document.build(story, canvasmaker=numbered_canvas(report["handling"], footer, report["status"] != "final",
                                                      document.chapters))
    return buffer.getvalue()


def handling_chapter(data: ReportData, report: dict) -> list:
    return [para("Handling instructions", "h1"), para(report["handling"]),
            para("Points of contact", "h2"), para(points_of_contact(report, data))]


def summary_chapter(data: ReportData, report: dict) -> list:
    return [para("Executive summary", "h1"), para(report["executive_summary"]),
            para("Summary of core capability performance", "h2"), capability_summary(data.capabilities)]


def overview_chapter(data: ReportData, report: dict) -> list:
    return [
        para("Exercise overview", "h1"),
        facts([
            ("Exercise name", data.title), ("Dates", f"{data.starts} – {data.ends} ({data.time_zone})"),
            ("Scope", f"{data.exercise_type} at {data.venue}"),
            ("Mission areas", ", ".join(a.capitalize() for a in data.mission_areas) or "–"),
            ("Core capabilities", ", ".join(data.core_capabilities) or "–"),
            ("Objectives", "\n".join([*data.course_objectives, *(o for sc in data.scenarios for o in sc.objectives)]) or "–"),
            ("Threat or hazard", "; ".join(sc.threat_hazard for sc in data.scenarios) or "–"),
            ("Scenario", "; ".join(sc.title for sc in data.scenarios) or "–"),
            ("Sponsor", data.sponsor or "–"), ("Point of contact", points_of_contact(report, data)),
        ]),
        para("Participating organisations", "h2"),
        grid([["Organisation", "Players"], *([a.name, str(a.count)] for a in data.agencies)],
             [WIDTH - 1.2 * inch, 1.2 * inch]),
        para("Scenario summary", "h2"),
        *([para(f"{sc.title}: {sc.summary}") for sc in data.scenarios] or [para("No scenario was played.")]),
    ]


def capabilities_chapter(data: ReportData, report: dict) -> list:
    analysis = {row["capability"]: row for row in report["analysis"]}
    story = [para("Analysis of core capabilities", "h1"),
             para("Ratings: " + "; ".join(f"{k} – {v.lower()}" for k, v in RATING_MEANINGS.items()) + ".", "small")]
    for capability in data.capabilities:
        written = analysis.get(capability.capability, {})
        story.append(para(f"{capability.capability} – rating: {capability.rating or 'not rated'}", "h2"))
        if capability.targets:
            story.append(grid([["Capability target", "Critical tasks", "Rating"], *(
                [t.target, "\n".join(t.tasks) or "–", t.rating or "not rated"] for t in capability.targets)],
                [WIDTH * 0.45, WIDTH * 0.43, WIDTH * 0.12]))
        for label, key in (("Strengths", "strengths"), ("Areas for improvement", "improvements"), ("Analysis", "analysis")):
            story += [para(label, "h3"), para(written.get(key) or "None recorded.")]
        notes = [o for t in capability.targets for o in t.observations]
        if notes:
            story.append(para("Evaluator observations", "h3"))
            story.append(grid([[f"When ({data.time_zone})", "Evaluator", "Observation"], *(
                [local(o.at, data.time_zone, "%Y-%m-%d %H:%M"), o.by,
                 (f"{o.task}: " if o.task else "") + o.note] for o in notes)],
                [1.2 * inch, 1.3 * inch, WIDTH - 2.5 * inch]))
    return story


def decisions_chapter(data: ReportData) -> list:
    story = [para("Decisions", "h1"),
             para(f"{aggregate.decisions_said(data.decision_count, data.own_count, data.expected_rate)}. "
                  f"{aggregate.times_said(data.times)}")]
    if data.expected_by_agency:  # no table of nothing when no decision was recorded
        story.append(grid([["Organisation", "Expected action"],
                           *([agency, aggregate.percent(rate)] for agency, rate in data.expected_by_agency.items())],
                          [WIDTH - 1.5 * inch, 1.5 * inch]))
    for point in data.decision_points:
        header = [para(f"{point.scenario}: {point.title}", "h2"),
                  para(f"{point.prompt} – {aggregate.decisions_said(point.count, point.own_count, point.expected_rate)}. "
                       f"{aggregate.times_said(point.times)}", "small")]
        story += [KeepTogether([*header, ChoiceBars(point)]), choice_table(point)]
    return story


def across_exercises_chapter(data: ReportData) -> list:
    """Each scenario played, across the exercises up to this one (analytics_pdf draws it)."""
    if not data.trends:
        return []
    story = [para("Decisions across exercises", "h1")]
    for trend in data.trends:
        story += trend_story(trend, trend.scenario, level=2)
    return story


def verified_actions_chapter(data: ReportData) -> list:
    return verification_story(data.verifications) if data.verifications else []


def timeline_chapter(data: ReportData) -> list:
    story = [para("Decision timeline", "h1"), para(f"Times are on the exercise's clock ({data.time_zone}).")]
    for run in dict.fromkeys(row.run for row in data.timeline):
        story += [para(f"Run {run}", "h3"), grid([["Time", "Scene", "Injects and team decisions"],
                                                  *scene_rows([r for r in data.timeline if r.run == run],
                                                              data.time_zone)],
                                                 [0.9 * inch, 2.2 * inch, WIDTH - 3.1 * inch])]
    if not data.timeline:
        story.append(para("No exercise was played in this session."))
    return story


def feedback_chapter(feedback: FeedbackSummary) -> list:
    return [
        para("Participant feedback (hot wash)", "h1"),
        para(f"{feedback.count} Participant Feedback Forms were returned. Agreement from 1 (strongly disagree) to 5 "
             f"(strongly agree)."),
        grid([["Statement", "Answers", "Average", "1", "2", "3", "4", "5"], *(
            [st.text, str(st.answered), "–" if st.average is None else f"{st.average:.1f}",
             *(str(n) for n in st.distribution)] for st in feedback.statements)],
            [WIDTH - 3.4 * inch, 0.6 * inch, 0.6 * inch, *[0.44 * inch] * 5]),
        para("Themes in the comments", "h3"),
        para(", ".join(f"{word} ({n})" for word, n in feedback.themes) or "No word came back in more than one comment."),
        *answers("Strengths named", feedback.strengths),
        *answers("Areas for improvement named", feedback.improvements),
        *answers("Recommended corrective actions", feedback.recommended),
        *answers("Comments", feedback.comments),
    ]


def improvement_plan_appendix(data: ReportData, width: float) -> list:
    return [para("Appendix A: Improvement Plan", "h1"),
            improvement_plan(data.actions, width) if data.actions else para("No corrective action was recorded.")]


def participants_appendix(data: ReportData) -> list:
    return [para("Appendix B: Participants", "h1"),
            grid([["Name", "Title", "Organisation", "Exercise role"], *(
                [p.name, p.title, p.agency, p.role] for p in data.participants)],
                [WIDTH * 0.3, WIDTH * 0.2, WIDTH * 0.32, WIDTH * 0.18])]


def acronyms_appendix(data: ReportData, report: dict) -> list:
    return [para("Appendix C: Acronyms", "h1"),
            grid([["Acronym", "Meaning"], *(list(pair) for pair in acronyms_used(report_texts(data, report)))],
                 [WIDTH * 0.2, WIDTH * 0.8])]
