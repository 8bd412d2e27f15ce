"""The After-Action Report / Improvement Plan as a PDF: HSEEP's sections, the handling marking on every
page, page numbers and a table of contents. Pure: report data in, bytes out."""

from functools import cache
from html import escape
from io import BytesIO
from pathlib import Path

import reportlab
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

from drillhub.afteraction.evaluation import RATING_MEANINGS

MARGIN = 0.75 * inch
WIDTH = LETTER[0] - 2 * MARGIN
INK, RULE, WASH = colors.HexColor("#1b2430"), colors.HexColor("#8a94a3"), colors.HexColor("#e9edf3")
SERIES = [colors.HexColor(c) for c in ("#0b3d91", "#c0392b", "#1e8449", "#b9770e", "#6c3483", "#117a8b",
                                       "#5d6d7e", "#a04000", "#1a5276", "#7d6608")]
# DejaVu (Debian's fonts-dejavu-core) covers far more scripts; reportlab's own Vera is the fallback.
FONT_FILES = [
    (Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"), Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")),
    (Path(reportlab.__file__).parent / "fonts" / "Vera.ttf", Path(reportlab.__file__).parent / "fonts" / "VeraBd.ttf"),
]


@cache
def fonts() -> tuple[str, str]:
    """Register the embedded fonts once per process: (regular, bold)."""
    regular, bold = next((r, b) for r, b in FONT_FILES if r.exists() and b.exists())
    pdfmetrics.registerFont(TTFont("AAR", str(regular)))
    pdfmetrics.registerFont(TTFont("AAR-Bold", str(bold)))
    pdfmetrics.registerFontFamily("AAR", normal="AAR", bold="AAR-Bold", italic="AAR", boldItalic="AAR-Bold")
    return "AAR", "AAR-Bold"


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
        "toc1": ParagraphStyle("toc1", parent=body, fontSize=10, leading=14),
        "toc2": ParagraphStyle("toc2", parent=body, fontSize=9, leading=12, leftIndent=14),
    }


def text(value) -> str:
    """Plain text for a Paragraph: escaped, line breaks kept."""
    return escape(str(value if value is not None else "")).replace("\n", "<br/>")


def para(value, style: str = "body") -> Paragraph:
    return Paragraph(text(value), styles()[style])


class Document(BaseDocTemplate):
    """Headings at levels 0 and 1 go into the table of contents."""

    def afterFlowable(self, flowable) -> None:
        if isinstance(flowable, Paragraph) and flowable.style.name in ("h1", "h2"):
            level = 0 if flowable.style.name == "h1" else 1
            key = f"toc-{id(flowable)}"
            self.canv.bookmarkPage(key)
            self.notify("TOCEntry", (level, flowable.getPlainText(), self.page, key))


def numbered_canvas(handling: str, footer: str, draft: bool):
    """A canvas that prints, on every page, the handling marking at top and bottom and "Page n of N"."""

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
                super().showPage()
            super().save()

        def mark(self, total: int) -> None:
            regular, bold = fonts()
            width, height = LETTER
            self.saveState()
            self.setFont(bold, 9)
            self.setFillColor(colors.HexColor("#8b0000"))
            self.drawCentredString(width / 2, height - 0.45 * inch, handling)
            self.drawCentredString(width / 2, 0.35 * inch, handling)
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
    cells = [[c if not isinstance(c, str) else para(c, "cell") for c in row] for row in rows]
    table = Table(cells, colWidths=widths, repeatRows=1 if header else 0)
    commands = [("GRID", (0, 0), (-1, -1), 0.4, RULE), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 4)]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), WASH))
    table.setStyle(TableStyle(commands))
    return table


def facts(rows: list[tuple[str, str]]) -> Table:
    bold = fonts()[1]
    table = grid([[label, value] for label, value in rows], [1.7 * inch, WIDTH - 1.7 * inch], header=False)
    table.setStyle(TableStyle([("BACKGROUND", (0, 0), (0, -1), WASH), ("FONTNAME", (0, 0), (0, -1), bold)]))
    return table


def choice_chart(point: dict) -> Drawing:
    """Each choice's count per agency as grouped horizontal bars; expected actions are labelled so."""
    regular = fonts()[0]
    choices = point["choices"]
    agencies = point["agencies"] or ["No agency"]
    bar_height = max(4, min(10, 60 // max(1, len(agencies))))
    chart_height = max(60, len(choices) * (len(agencies) * bar_height + 8))
    legend_height = 12 * ((len(agencies) + 2) // 3)
    drawing = Drawing(WIDTH, chart_height + legend_height + 16)
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 170, legend_height + 12, WIDTH - 190, chart_height
    chart.data = [[point["distribution"].get(c["id"], {}).get(agency, 0) for c in reversed(choices)] for agency in agencies]
    chart.categoryAxis.categoryNames = [
        (c["label"][:34] + ("…" if len(c["label"]) > 34 else "")) + (" (expected)" if c["expected"] else "")
        for c in reversed(choices)]
    chart.categoryAxis.labels.fontName = regular
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontName = regular
    chart.valueAxis.labels.fontSize = 7
    top = max([max(series) for series in chart.data] + [1])
    chart.valueAxis.valueMax = top
    chart.valueAxis.valueStep = max(1, round(top / 5))
    for n in range(len(agencies)):
        chart.bars[n].fillColor = SERIES[n % len(SERIES)]
        chart.bars[n].strokeColor = None
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y = 170, legend_height
    legend.fontName, legend.fontSize, legend.alignment = regular, 7, "right"  # swatch, then the name
    legend.columnMaximum = max(1, (len(agencies) + 2) // 3)
    legend.dx = legend.dy = 6
    legend.colorNamePairs = [(SERIES[n % len(SERIES)], agency[:30]) for n, agency in enumerate(agencies)]
    drawing.add(legend)
    return drawing


def percent(rate) -> str:
    return "–" if rate is None else f"{rate:.0%}"


def seconds(value) -> str:
    return "–" if value is None else f"{value // 60}:{value % 60:02d}"


def render_aar(data: dict, report: dict) -> bytes:
    """`data` as report.report_data gives it (or a final version's snapshot, with "actions"); `report`
    the version's fields: version, status, handling, points_of_contact, executive_summary, analysis."""
    s = styles()
    buffer = BytesIO()
    document = Document(buffer, pagesize=LETTER, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=0.8 * inch,
                        bottomMargin=0.9 * inch, title=f"After-Action Report: {data['title']}", author="drillhub")
    document.addPageTemplates([PageTemplate(id="page", frames=[
        Frame(MARGIN, 0.9 * inch, WIDTH, LETTER[1] - 1.7 * inch, id="body")])])
    toc = TableOfContents()
    toc.levelStyles = [s["toc1"], s["toc2"]]
    analysis = {row["capability"]: row for row in report["analysis"]}
    story = [
        Spacer(1, 1.6 * inch), para("After-Action Report / Improvement Plan", "cover"), Spacer(1, 0.3 * inch),
        para(data["title"], "center"), para(f"{data['starts']} – {data['ends']} ({data['time_zone']})", "center"),
        Spacer(1, 0.3 * inch), para(f"Version {report['version']} · {report['status']}", "center"),
        Spacer(1, 1.2 * inch), para(report["handling"], "center"), PageBreak(),
        para("Contents", "h3"), toc, PageBreak(),
        para("Handling instructions", "h1"), para(report["handling"]),
        para("Points of contact", "h2"), para(report["points_of_contact"] or "Not given."),
        para("Executive summary", "h1"), para(report["executive_summary"]),
        para("Exercise overview", "h1"),
        facts([
            ("Exercise name", data["title"]), ("Dates", f"{data['starts']} – {data['ends']} ({data['time_zone']})"),
            ("Scope", f"{data['exercise_type']} at {data['venue']}"),
            ("Mission areas", ", ".join(a.capitalize() for a in data["mission_areas"]) or "–"),
            ("Core capabilities", ", ".join(data["core_capabilities"]) or "–"),
            ("Objectives", "\n".join([*data["course_objectives"], *(o for sc in data["scenarios"] for o in sc["objectives"])]) or "–"),
            ("Threat or hazard", "; ".join(sc["threat_hazard"] for sc in data["scenarios"]) or "–"),
            ("Scenario", "; ".join(sc["title"] for sc in data["scenarios"]) or "–"),
            ("Sponsor", data["sponsor"] or "–"), ("Point of contact", report["points_of_contact"] or "–"),
        ]),
        para("Participating organisations", "h2"),
        grid([["Organisation", "Participants"], *([a["name"], str(a["count"])] for a in data["agencies"])],
             [WIDTH - 1.2 * inch, 1.2 * inch]),
        para("Scenario summary", "h2"),
        *([para(f"{sc['title']}: {sc['summary']}") for sc in data["scenarios"]] or [para("No scenario was played.")]),
        para("Analysis of core capabilities", "h1"),
        para("Ratings: " + "; ".join(f"{k} – {v.lower()}" for k, v in RATING_MEANINGS.items()) + ".", "small"),
    ]
    for capability in data["capabilities"]:
        written = analysis.get(capability["capability"], {})
        story.append(para(f"{capability['capability']} – rating: {capability['rating'] or 'not rated'}", "h2"))
        if capability["targets"]:
            story.append(grid([["Capability target", "Critical tasks", "Rating"], *(
                [t["target"], "\n".join(t["tasks"]) or "–", t["rating"] or "–"] for t in capability["targets"])],
                [WIDTH * 0.45, WIDTH * 0.43, WIDTH * 0.12]))
        for label, key in (("Strengths", "strengths"), ("Areas for improvement", "improvements"), ("Analysis", "analysis")):
            story += [para(label, "h3"), para(written.get(key) or "None recorded.")]
        notes = [o for t in capability["targets"] for o in t["observations"]]
        if notes:
            story.append(para("Evaluator observations", "h3"))
            story.append(grid([["When (UTC)", "Evaluator", "Observation"], *(
                [o["at"][:16].replace("T", " "), o["by"], (f"{o['task']}: " if o["task"] else "") + o["note"]] for o in notes)],
                [1.2 * inch, 1.3 * inch, WIDTH - 2.5 * inch]))
    story += [
        para("Decisions", "h1"),
        para(f"{data['decision_count']} decisions were recorded; {percent(data['expected_rate'])} were the expected "
             f"action. Median time to decide: {seconds(data['times']['median'])} (m:ss)."),
        grid([["Organisation", "Expected action"], *([agency, percent(rate)] for agency, rate in data["expected_by_agency"].items())],
             [WIDTH - 1.5 * inch, 1.5 * inch]),
    ]
    for point in data["decision_points"]:
        header = [para(f"{point['scenario']}: {point['title']}", "h2"),
                  para(f"{point['prompt']} – {point['count']} decisions, {percent(point['expected_rate'])} expected; "
                       f"median {seconds(point['times']['median'])}, slowest {seconds(point['times']['max'])}.", "small")]
        story.append(KeepTogether([*header, choice_chart(point)]))
        story.append(grid([["Choice", "Expected", *point["agencies"], "Total"], *(
            [c["label"], "yes" if c["expected"] else "", *(str(point["distribution"].get(c["id"], {}).get(a, 0))
                                                           for a in point["agencies"]),
             str(sum(point["distribution"].get(c["id"], {}).values()))] for c in point["choices"])],
            _choice_widths(len(point["agencies"]))))
    story.append(para("Decision timeline", "h1"))
    for run in dict.fromkeys(row["run"] for row in data["timeline"]):
        story += [para(f"Run {run}", "h3"), grid([["Time (UTC)", "What", "Detail"], *(
            [row["at"][11:19], row["kind"], row["text"]] for row in data["timeline"] if row["run"] == run)],
            [0.9 * inch, 1.1 * inch, WIDTH - 2 * inch])]
    if not data["timeline"]:
        story.append(para("No exercise was played in this session."))
    feedback = data["feedback"]
    story += [
        para("Participant feedback (hot wash)", "h1"),
        para(f"{feedback['count']} Participant Feedback Forms were returned. Agreement from 1 (strongly disagree) to 5 "
             f"(strongly agree)."),
        grid([["Statement", "Answers", "Average", "1", "2", "3", "4", "5"], *(
            [st["text"], str(st["answered"]), "–" if st["average"] is None else f"{st['average']:.1f}",
             *(str(n) for n in st["distribution"])] for st in feedback["statements"])],
            [WIDTH - 3.4 * inch, 0.6 * inch, 0.6 * inch, *[0.44 * inch] * 5]),
        para("Themes in the comments", "h3"),
        para(", ".join(f"{word} ({n})" for word, n in feedback["themes"]) or "No word came back in more than one comment."),
        para("Strengths named", "h3"), para("\n".join(feedback["strengths"]) or "None."),
        para("Areas for improvement named", "h3"), para("\n".join(feedback["improvements"]) or "None."),
        para("Recommended corrective actions", "h3"),
        para("\n".join(f"{a['action']} (priority {a['priority']}{', owner ' + a['owner'] if a['owner'] else ''})"
                       for a in feedback["recommended"]) or "None."),
        PageBreak(),
        para("Appendix A: Improvement Plan", "h1"),
        grid([["Core capability", "Issue / area for improvement", "Corrective action", "Capability element",
               "Primary responsible organisation", "Point of contact", "Start", "Completion", "Status"], *(
            [a["capability"], a["issue"], a["action"], a["element"], a["agency"], a["contact"], a["start_on"],
             a["due_on"], a["status"].replace("_", " ")] for a in data.get("actions", []))],
            [0.85 * inch, 1.05 * inch, 1.1 * inch, 0.62 * inch, 0.8 * inch, 0.7 * inch, 0.6 * inch, 0.6 * inch,
             0.48 * inch]),
        para("Appendix B: Participants", "h1"),
        grid([["Name", "Title", "Organisation", "Exercise role"], *(
            [p["name"], p["title"], p["agency"], p["role"]] for p in data["participants"])],
            [WIDTH * 0.3, WIDTH * 0.2, WIDTH * 0.32, WIDTH * 0.18]),
    ]
    footer = f"AAR/IP · {data['title']} · version {report['version']} ({report['status']})"
    document.multiBuild(story, canvasmaker=numbered_canvas(report["handling"], footer, report["status"] != "final"))
    return buffer.getvalue()


def _choice_widths(agencies: int) -> list[float]:
    count_width = min(0.8 * inch, (WIDTH - 3.2 * inch) / (agencies + 1))
    return [WIDTH - 0.7 * inch - count_width * (agencies + 1), 0.7 * inch, *[count_width] * (agencies + 1)]
