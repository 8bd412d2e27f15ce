"""The building blocks of drillhub's report PDFs (the AAR/IP, decision analytics): styles, the page
marks and contents, tables whose columns fit their words, and charts drawn with a few canvas calls."""

from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Paragraph, Table, TableStyle

from drillhub.afteraction.reportdata import DecisionPoint
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


def numbered_canvas(handling: str, footer: str, draft: bool, chapters: list | None):
    """A canvas that keeps every page until the end, then prints on each the handling marking at top and
    bottom and "Page n of N", and on page 2 the contents (unless `chapters` is None), now that every
    chapter's page is known: the document is laid out once, not once more for the contents."""

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
                if chapters is not None and self._pageNumber == CONTENTS_PAGE:
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


class Bars(Flowable):
    """Horizontal bars, one per row: the label at the left, the bar scaled to `most`, what it says after
    it; and, if given, a mark per row (the slowest time beside the median)."""

    LABEL_WIDTH, ROW, SIZE = 2.6 * inch, 14, 7.5

    def __init__(self, rows: list[tuple[str, float | None, str]], most: float, marks: list[float | None] | None = None):
        super().__init__()
        self.rows, self.most, self.marks = rows, most or 1, marks
        self.width, self.height = WIDTH, len(rows) * self.ROW + 4

    def wrap(self, available_width, available_height):
        return self.width, self.height

    def draw(self) -> None:
        regular = fonts()[0]
        canvas, span = self.canv, self.width - self.LABEL_WIDTH - 60
        canvas.setFont(regular, self.SIZE)
        for n, (label, value, said) in enumerate(self.rows):
            y = self.height - (n + 1) * self.ROW
            canvas.setFillColor(INK)
            canvas.drawRightString(self.LABEL_WIDTH - 6, y + 4, clipped(label, regular, self.SIZE, self.LABEL_WIDTH - 12))
            canvas.setFillColor(WASH)
            canvas.rect(self.LABEL_WIDTH, y + 1, span, self.ROW - 4, stroke=0, fill=1)
            if value is not None:
                canvas.setFillColor(SERIES[0])
                canvas.rect(self.LABEL_WIDTH, y + 1, span * min(value / self.most, 1), self.ROW - 4, stroke=0, fill=1)
            if self.marks and self.marks[n] is not None:
                canvas.setFillColor(SERIES[1])
                canvas.rect(self.LABEL_WIDTH + span * min(self.marks[n] / self.most, 1) - 1, y - 1, 2, self.ROW, stroke=0, fill=1)
            canvas.setFillColor(INK)
            canvas.drawString(self.LABEL_WIDTH + span + 4, y + 4, said)


def bars(rows: list[tuple[str, float | None, str]], most: float, marks: list[float | None] | None = None,
         per_flowable: int = 40) -> list[Bars]:
    """Bars in pieces a page can hold."""
    return [Bars(rows[n:n + per_flowable], most, marks[n:n + per_flowable] if marks else None)
            for n in range(0, len(rows), per_flowable)]
