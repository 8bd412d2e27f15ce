"""The printable sign-in sheet for a session: who is enrolled, with room to sign in and out."""

from dataclasses import dataclass
from io import BytesIO

from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, TableStyle

from drillhub.fonts import fonts
from drillhub.pdftext import clipped, markup, table

MARGIN = 0.5 * inch


@dataclass(frozen=True)
class SheetRow:
    name: str
    agency: str
    badge: str


@dataclass(frozen=True)
class SignInSheet:
    title: str
    when: str  # e.g. "Monday 07 December 2026, 13:00-19:00 (America/Chicago)"
    where: str
    credit: str  # e.g. "6 credit hours, category EM-MC"
    staff: str
    rows: tuple[SheetRow, ...]
    printed: str  # when the sheet was made, for the footer


def render_sign_in_sheet(sheet: SignInSheet) -> bytes:
    regular, bold = fonts()
    buffer = BytesIO()
    pagesize = landscape(LETTER)
    document = SimpleDocTemplate(buffer, pagesize=pagesize, leftMargin=MARGIN, rightMargin=MARGIN,
                                 topMargin=MARGIN, bottomMargin=0.7 * inch, title=f"Sign-in sheet: {sheet.title}",
                                 author="drillhub")
    styles = getSampleStyleSheet()
    title = ParagraphStyle("title", parent=styles["Title"], fontName=bold)
    normal = ParagraphStyle("normal", parent=styles["Normal"], fontName=regular)
    cell = ParagraphStyle("cell", parent=normal, fontSize=10, leading=12)
    story = [
        Paragraph(f"Sign-in sheet: {markup(sheet.title)}", title),
        Paragraph(markup(sheet.when), normal),
        Paragraph(markup(sheet.where), normal),
        Paragraph(markup(" · ".join(part for part in (sheet.credit, sheet.staff) if part)), normal),
        Spacer(1, 0.2 * inch),
    ]
    header = ["#", "Name", "Agency", "Badge / ID", "Signature", "In", "Out"]
    body = [[str(number), *(Paragraph(markup(text), cell) for text in (row.name, row.agency, row.badge)), "", "", ""]
            for number, row in enumerate(sheet.rows, start=1)]
    body += [[str(len(body) + n), "", "", "", "", "", ""] for n in range(1, 4)]  # walk-ins
    widths = [0.4 * inch, 2.6 * inch, 1.4 * inch, 1.2 * inch, 2.8 * inch, 0.8 * inch, 0.8 * inch]
    sheet_table = table([header, *body], widths, repeatRows=1,
                        minRowHeights=[0.3 * inch] + [0.36 * inch] * len(body))  # room to sign; long names grow
    sheet_table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, 0), bold, 10),
        ("FONT", (0, 1), (-1, -1), regular, 10),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e9edf3")),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#6b7480")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]))
    story.append(sheet_table)

    def footer(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(regular, 8)
        canvas.drawString(MARGIN, 0.4 * inch,
                          f"drillhub · {clipped(sheet.title, regular, 8, 6 * inch)} · printed {sheet.printed}")
        canvas.drawRightString(pagesize[0] - MARGIN, 0.4 * inch, f"Page {doc.page}")
        canvas.restoreState()

    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
