"""The After-Action Report / Improvement Plan as a PDF: HSEEP's sections, the handling marking on every
page, page numbers and a table of contents. Pure: report data in, bytes out."""

from datetime import datetime
from functools import cache
from io import BytesIO
from zoneinfo import ZoneInfo

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import LETTER, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepInFrame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from drillhub.afteraction import aggregate
from drillhub.afteraction.acronyms import acronyms_used
from drillhub.afteraction.evaluation import RATING_MEANINGS
from drillhub.afteraction.reportdata import (
    CapabilityResult,
    DecisionPoint,
    FeedbackSummary,
    PlanRow,
    ReportData,
    TimelineRow,
)
from drillhub.fonts import fonts
from drillhub.pdftext import clipped, markup, table

MARGIN = 0.75 * inch
CONTENTS_PAGE = 2
WIDTH = LETTER[0] - 2 * MARGIN
REPEATED_HEADER_MAX = 1.5 * inch  # a table header taller than this (long typed labels) is not repeated on each page
INK, RULE, WASH = colors.HexColor("#1b2430"), colors.HexColor("#8a94a3"), colors.HexColor("#e9edf3")
SERIES = [colors.HexColor(c) for c in ("#0b3d91", "#c0392b", "#1e8449", "#b9770e", "#6c3483", "#117a8b",
                                       "#5d6d7e", "#a04000", "#1a5276", "#7d6608")]
@cache
def styles() -> dict[str, ParagraphStyle]:
    regular, bold = fonts()
    base = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=base["Normal"], fontName=regular, fontSize=9.5, leading=13, textColor=INK)
    return {
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=8, leading=10),
        "cell": ParagraphStyle("cell", parent=body, fontSize=8, leading=10),
        "h1": ParagraphStyle("h1", parent=body, fontName=bold, fontSize=16, leading=20, spaceBefore=6, spaceAfter=8,
                             keepWithNext=1),
        "h2": ParagraphStyle("h2", parent=body, fontName=bold, fontSize=12, leading=15, spaceBefore=10, spaceAfter=4,
                             keepWithNext=1),
        "h3": ParagraphStyle("h3", parent=body, fontName=bold, fontSize=10, leading=13, spaceBefore=6, spaceAfter=2,
                             keepWithNext=1),
        "cover": ParagraphStyle("cover", parent=body, fontName=bold, fontSize=24, leading=30, alignment=TA_CENTER),
        "center": ParagraphStyle("center", parent=body, fontSize=12, leading=16, alignment=TA_CENTER),
    }


def para(value, style: str = "body") -> Paragraph:
    return Paragraph(markup(value), styles()[style])


class Document(BaseDocTemplate):
    """Notes the page of each chapter heading (and bookmarks it) for the contents page."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.chapters: list[tuple[str, int, str]] = []  # title, page, bookmark

    def afterFlowable(self, flowable) -> None:
        if isinstance(flowable, Paragraph) and flowable.style.name == "h1":
            key = f"chapter-{len(self.chapters)}"
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(flowable.getPlainText(), key, level=0)
            self.chapters.append((flowable.getPlainText(), self.page, key))


def numbered_canvas(handling: str, footer: str, draft: bool, chapters: list):
    """A canvas that keeps every page until the end, then prints on each the handling marking at top and
    bottom and "Page n of N", and on page 2 the contents, now that every chapter's page is known: the
    document is laid out once, not once more for the contents."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.pages = []

        def showPage(self):
            self.pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            for page in self.pages:
                self.__dict__.update(page)
                self.mark(len(self.pages))
                if self._pageNumber == CONTENTS_PAGE:
                    self.contents()
                super().showPage()
            super().save()

        def contents(self) -> None:
            regular, bold = fonts()
            top = LETTER[1] - 1.1 * inch
            self.setFont(bold, 16)
            self.setFillColor(INK)
            self.drawString(MARGIN, top, "Contents")
            self.setFont(regular, 10)
            for n, (title, page, key) in enumerate(chapters):
                y = top - 0.45 * inch - n * 0.3 * inch
                self.drawString(MARGIN, y, title)
                self.drawRightString(LETTER[0] - MARGIN, y, str(page))
                dots_from = MARGIN + pdfmetrics.stringWidth(title, regular, 10) + 6
                dots_to = LETTER[0] - MARGIN - pdfmetrics.stringWidth(str(page), regular, 10) - 6
                self.drawString(dots_from, y, " ." * int((dots_to - dots_from) / pdfmetrics.stringWidth(" .", regular, 10)))
                self.linkRect("", key, (MARGIN, y - 3, LETTER[0] - MARGIN, y + 10), relative=0, thickness=0)

        def mark(self, total: int) -> None:
            regular, bold = fonts()
            width, height = self._pagesize  # a landscape page (the Improvement Plan) has its marks placed to fit
            self.saveState()
            self.setFont(bold, 9)
            self.setFillColor(colors.HexColor("#8b0000"))
            marking = clipped(handling, bold, 9, width - 2 * MARGIN)
            self.drawCentredString(width / 2, height - 0.45 * inch, marking)
            self.drawCentredString(width / 2, 0.35 * inch, marking)
            self.setFont(regular, 8)
            self.setFillColor(INK)
            self.drawString(MARGIN, 0.55 * inch, footer)
            self.drawRightString(width - MARGIN, 0.55 * inch, f"Page {self._pageNumber} of {total}")
            if draft:
                self.setFont(bold, 60)
                self.setFillColor(colors.Color(0.75, 0.1, 0.1, alpha=0.12))
                self.translate(width / 2, height / 2)
                self.rotate(45)
                self.drawCentredString(0, 0, "DRAFT")
            self.restoreState()

    return NumberedCanvas


def grid(rows: list[list], widths: list[float], header: bool = True) -> Table:
    """A table; text that fits its column stays a plain string (cheap), longer text wraps as a Paragraph."""
    regular, bold = fonts()
    size, padding = 8, 8

    def cell(value, width):
        if not isinstance(value, str):
            return value
        if "\n" in value or pdfmetrics.stringWidth(value, regular, size) > width - padding:
            return para(value, "cell")
        return value

    cells = [[cell(value, width) for value, width in zip(row, widths, strict=True)] for row in rows]
    repeated = header and wrapped_height(cells[0], widths, padding) <= REPEATED_HEADER_MAX
    grid_table = table(cells, widths, repeatRows=1 if repeated else 0)
    commands = [("GRID", (0, 0), (-1, -1), 0.4, RULE), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("FONT", (0, 0), (-1, -1), regular, size, 10), ("TEXTCOLOR", (0, 0), (-1, -1), INK),
                ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 4)]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), WASH))
    grid_table.setStyle(TableStyle(commands))
    return grid_table


def fitted_widths(rows: list[list[str]], total: float = WIDTH) -> list[float]:
    """Column widths within `total` for a table of text: each column at least as wide as its longest word
    (so no word, and no date, breaks across lines: never "Capabilit y" or "2026-12 -01"), and what is left
    shared out by how much more each column's longest cell would take."""
    regular = fonts()[0]
    padding = 8 + 1  # grid's padding, and a point to spare for rounding

    def width(text: str) -> float:
        return pdfmetrics.stringWidth(text, regular, 8) + padding

    columns = list(zip(*rows, strict=True))
    least = [max(width(word) for cell in column for word in (str(cell).split() or [""])) for column in columns]
    more = [max(width(str(cell)) for cell in column) - floor for column, floor in zip(columns, least, strict=True)]
    spare = total - sum(least)
    if spare <= 0:  # some word is too long for any page: the others keep their room, the widest share the rest
        used = 0.0
        for n, floor in enumerate(sorted(least)):
            if floor * (len(least) - n) > total - used:
                cap = (total - used) / (len(least) - n)
                return [min(other, cap) for other in least]
            used += floor
        return least
    return [floor + spare * extra / (sum(more) or 1) for floor, extra in zip(least, more, strict=True)]


def wrapped_height(row: list, widths: list[float], padding: float) -> float:
    """How tall the row's Paragraphs are, wrapped in their columns."""
    return max((value.wrap(width - padding, LETTER[1])[1] for value, width in zip(row, widths, strict=True)
                if isinstance(value, Paragraph)), default=0)


def facts(rows: list[tuple[str, str]]) -> Table:
    bold = fonts()[1]
    facts_table = grid([[label, value] for label, value in rows], [1.7 * inch, WIDTH - 1.7 * inch], header=False)
    facts_table.setStyle(TableStyle([("BACKGROUND", (0, 0), (0, -1), WASH), ("FONTNAME", (0, 0), (0, -1), bold)]))
    return facts_table


class ChoiceBars(Flowable):
    """Each choice's count per agency as grouped horizontal bars, expected actions labelled so, and a
    legend of the agencies' colours. Drawn with a few canvas calls: a chart widget per decision point
    cost ten times as much in a report with forty of them."""

    LABEL_WIDTH, BAR, GAP, LEGEND_ROW = 2.3 * inch, 7, 6, 11

    def __init__(self, point: DecisionPoint):
        super().__init__()
        self.point = point
        self.agencies = point.agencies or ["No agency"]
        self.legend_rows = (len(self.agencies) + 1) // 2
        group = len(self.agencies) * self.BAR + self.GAP
        self.height = len(point.choices) * group + self.legend_rows * self.LEGEND_ROW + 14
        self.width = WIDTH

    def wrap(self, available_width, available_height):
        return self.width, self.height

    def draw(self) -> None:
        regular = fonts()[0]
        canvas, point = self.canv, self.point
        counts = [[point.distribution.get(c.id, {}).get(a, 0) for a in self.agencies] for c in point.choices]
        most = max([n for row in counts for n in row] + [1])
        scale = (self.width - self.LABEL_WIDTH - 30) / most
        y = self.height
        canvas.setFont(regular, 7)
        for choice, row in zip(point.choices, counts, strict=True):
            group = len(self.agencies) * self.BAR
            y -= group + self.GAP
            expected = " (expected)" if choice.expected else ""
            room = self.LABEL_WIDTH - 6 - pdfmetrics.stringWidth(expected, regular, 7)
            label = clipped(choice.label, regular, 7, room)
            canvas.setFillColor(INK)
            canvas.drawRightString(self.LABEL_WIDTH - 6, y + group / 2 - 2, label + expected)
            for k, count in enumerate(row):
                bar_y = y + group - (k + 1) * self.BAR
                canvas.setFillColor(SERIES[k % len(SERIES)])
                canvas.rect(self.LABEL_WIDTH, bar_y + 1, max(count * scale, 0.5), self.BAR - 2, stroke=0, fill=1)
                canvas.setFillColor(INK)
                canvas.drawString(self.LABEL_WIDTH + count * scale + 3, bar_y + 1.5, str(count))
        canvas.setStrokeColor(RULE)
        canvas.line(self.LABEL_WIDTH, y, self.LABEL_WIDTH, self.height)
        column = (self.width - self.LABEL_WIDTH) / 2
        for k, agency in enumerate(self.agencies):
            x = self.LABEL_WIDTH + (k % 2) * column
            legend_y = y - 10 - (k // 2) * self.LEGEND_ROW
            canvas.setFillColor(SERIES[k % len(SERIES)])
            canvas.rect(x, legend_y, 7, 7, stroke=0, fill=1)
            canvas.setFillColor(INK)
            canvas.drawString(x + 10, legend_y, clipped(agency, regular, 7, column - 12))


def choice_table(point: DecisionPoint) -> Table:
    """How many of each organisation chose what: an organisation per row, a choice per column."""
    choices = point.choices
    header = ["Organisation", *(c.label + (" (expected)" if c.expected else "") for c in choices), "Total"]
    rows = [[agency, *(str(point.distribution.get(c.id, {}).get(agency, 0)) for c in choices),
             str(sum(point.distribution.get(c.id, {}).get(agency, 0) for c in choices))]
            for agency in point.agencies]
    totals = ["Total", *(str(sum(point.distribution.get(c.id, {}).values())) for c in choices), str(point.count)]
    first = 2.0 * inch
    return grid([header, *rows, totals], [first, *[(WIDTH - first - 0.6 * inch) / len(choices)] * len(choices), 0.6 * inch])


def local(moment: str, zone: str, pattern: str) -> str:
    """A time the report keeps (ISO, UTC) on the exercise's clock."""
    return datetime.fromisoformat(moment).astimezone(ZoneInfo(zone)).strftime(pattern)


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
        ["\n".join(dict.fromkeys(t.objective for t in c.targets if t.objective)) or "–", c.capability,
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


def percent(rate) -> str:
    return "–" if rate is None else f"{rate:.0%}"


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
        *capabilities_chapter(data, report), *decisions_chapter(data), *timeline_chapter(data),
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
                           *([agency, percent(rate)] for agency, rate in data.expected_by_agency.items())],
                          [WIDTH - 1.5 * inch, 1.5 * inch]))
    for point in data.decision_points:
        header = [para(f"{point.scenario}: {point.title}", "h2"),
                  para(f"{point.prompt} – {aggregate.decisions_said(point.count, point.own_count, point.expected_rate)}. "
                       f"{aggregate.times_said(point.times)}", "small")]
        story += [KeepTogether([*header, ChoiceBars(point)]), choice_table(point)]
    return story


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
    return [para("Appendix A: Improvement Plan", "h1"), improvement_plan(data.actions, width)]


def participants_appendix(data: ReportData) -> list:
    return [para("Appendix B: Participants", "h1"),
            grid([["Name", "Title", "Organisation", "Exercise role"], *(
                [p.name, p.title, p.agency, p.role] for p in data.participants)],
                [WIDTH * 0.3, WIDTH * 0.2, WIDTH * 0.32, WIDTH * 0.18])]


def acronyms_appendix(data: ReportData, report: dict) -> list:
    return [para("Appendix C: Acronyms", "h1"),
            grid([["Acronym", "Meaning"], *(list(pair) for pair in acronyms_used(report_texts(data, report)))],
                 [WIDTH * 0.2, WIDTH * 0.8])]
