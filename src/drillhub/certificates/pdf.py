"""The certificate as a landscape PDF with its verification URL and a QR code of it. Pure: facts in,
bytes out."""

import re
import zipfile
from dataclasses import dataclass
from datetime import date
from io import BytesIO

from pypdf import PdfReader, PdfWriter
from reportlab.graphics.barcode import qrencoder
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import LETTER, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import KeepInFrame, Paragraph, SimpleDocTemplate, Spacer, TableStyle

from drillhub.fonts import fonts
from drillhub.pdftext import markup, table

NAVY, GOLD, INK = colors.HexColor("#0b2f6b"), colors.HexColor("#a67c1a"), colors.HexColor("#1b2430")
REVOKED_RED = colors.HexColor("#b3261e")
QR_SIZE = 1.25 * inch
USABLE = landscape(LETTER)[0] - 2.4 * inch  # the width of the centred lines
SIGNATURE = 3.2 * inch  # the signature line, and the coordinator's name and the issuer under it


@dataclass(frozen=True)
class CertificateFacts:
    serial: str
    holder: str
    agency: str
    course: str
    exercise_type: str
    core_capabilities: tuple[str, ...]
    starts_on: date
    ends_on: date
    hours: str
    category: str
    issuer: str
    coordinator: str
    issued_on: date
    expires_on: date | None
    verify_url: str
    revoked: str = ""  # for a revoked certificate: when, why and what replaced it, stamped across the page
    credential: str = ""  # its Open Badges credential (a JWT), kept in the PDF's document information


def dates_text(starts_on: date, ends_on: date) -> str:
    if starts_on == ends_on:
        return starts_on.strftime("%d %B %Y")
    return f"{starts_on:%d %B %Y} – {ends_on:%d %B %Y}"


def _boxed(canvas: Canvas, text: str, x: float, y: float, width: float, room: float, style: ParagraphStyle) -> None:
    """Typed text whose first line sits on the baseline `y`, within `width` and `room` points down from
    that line's top: wrapped if it is longer, and shrunk if it still does not fit."""
    box = KeepInFrame(width, room, [Paragraph(markup(text), style)], mode="shrink")
    _, height = box.wrapOn(canvas, width, room)
    box.drawOn(canvas, x, y + style.fontSize - height)


def _centred(canvas: Canvas, text: str, y: float, font: str, size: float, room: float, colour=INK) -> None:
    """Centred on the page, shrunk (down to 8 points) to fit on one line as long names and course titles do."""
    while size > 8 and stringWidth(text, font, size) > USABLE:
        size -= 0.5
    style = ParagraphStyle("centred", fontName=font, fontSize=size, leading=size * 1.2, alignment=TA_CENTER,
                           textColor=colour)
    _boxed(canvas, text, (landscape(LETTER)[0] - USABLE) / 2, y, USABLE, room, style)


def draw_qr(canvas: Canvas, text: str, x: float, y: float, size: float) -> None:
    """The QR code of `text`, its dark modules as one filled path inside the standard four-module quiet
    zone (a third of the time of reportlab's QR widget, which builds the code twice and a shape per module)."""
    qr = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    qr.addData(text)
    qr.make()
    box = size / (qr.getModuleCount() + 8)
    path = canvas.beginPath()
    for row, modules in enumerate(qr.modules):
        for column, dark in enumerate(modules):
            if dark:
                path.rect(x + (column + 4) * box, y + size - (row + 5) * box, box, box)
    canvas.setFillColor(colors.black)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.setFillColor(INK)


def draw_certificate(canvas: Canvas, facts: CertificateFacts) -> None:
    """One certificate on the current page."""
    regular, bold = fonts()
    width, height = landscape(LETTER)
    canvas.setStrokeColor(NAVY)
    canvas.setLineWidth(4)
    canvas.rect(0.4 * inch, 0.4 * inch, width - 0.8 * inch, height - 0.8 * inch)
    canvas.setStrokeColor(GOLD)
    canvas.setLineWidth(1.2)
    canvas.rect(0.55 * inch, 0.55 * inch, width - 1.1 * inch, height - 1.1 * inch)
    _centred(canvas, facts.issuer.upper() or "DRILLHUB", height - 1.2 * inch, bold, 13, 0.3 * inch, NAVY)
    canvas.setFillColor(NAVY)
    canvas.setFont(bold, 34)
    canvas.drawCentredString(width / 2, height - 1.85 * inch, "Certificate of Training")
    canvas.setFillColor(INK)
    canvas.setFont(regular, 13)
    canvas.drawCentredString(width / 2, height - 2.45 * inch, "This certifies that")
    _centred(canvas, facts.holder, height - 3.05 * inch, bold, 28, 0.55 * inch, NAVY)
    _centred(canvas, facts.agency, height - 3.4 * inch, regular, 13, 0.45 * inch)
    canvas.setFont(regular, 12)
    canvas.drawCentredString(width / 2, height - 3.85 * inch, "has completed")
    _centred(canvas, facts.course, height - 4.3 * inch, bold, 20, 0.5 * inch)
    credit = f"{facts.hours} credit hours" + (f", category {facts.category}" if facts.category else "")
    _centred(canvas, f"{facts.exercise_type} · {dates_text(facts.starts_on, facts.ends_on)} · {credit}",
             height - 4.7 * inch, regular, 12, 0.33 * inch)
    if facts.core_capabilities:
        _centred(canvas, "Core capabilities: " + ", ".join(facts.core_capabilities), height - 5.0 * inch, regular, 9,
                 1.2 * inch)
    # signature line, dates and serial on the left; the QR code and its URL on the right
    left = 1.2 * inch
    canvas.setLineWidth(0.8)
    canvas.setStrokeColor(INK)
    canvas.line(left, 1.75 * inch, left + SIGNATURE, 1.75 * inch)
    signed = ParagraphStyle("signed", fontName=regular, fontSize=10, leading=12, textColor=INK)
    _boxed(canvas, f"{facts.coordinator or 'Training coordinator'}, training coordinator", left, 1.55 * inch, SIGNATURE,
           0.2 * inch, signed)
    _boxed(canvas, facts.issuer, left, 1.35 * inch, SIGNATURE, 0.2 * inch, signed)
    canvas.setFont(regular, 10)
    canvas.drawString(left, 1.05 * inch, f"Issued {facts.issued_on:%d %B %Y}"
                      + (f" · valid until {facts.expires_on:%d %B %Y}" if facts.expires_on else ""))
    canvas.setFont(bold, 10)
    canvas.drawString(left, 0.85 * inch, f"Serial {facts.serial}")
    draw_qr(canvas, facts.verify_url, width - 1.2 * inch - QR_SIZE, 1.0 * inch, QR_SIZE)
    canvas.setFont(regular, 7)
    canvas.drawRightString(width - 1.2 * inch, 0.85 * inch, facts.verify_url)
    canvas.drawRightString(width - 1.2 * inch, 2.35 * inch, "Verify this certificate:")
    if facts.revoked:
        draw_revoked(canvas, facts.revoked)


def draw_revoked(canvas: Canvas, revoked: str) -> None:
    """A revoked certificate cannot pass for a standing one: REVOKED across the page, and why under the title."""
    bold = fonts()[1]
    width, height = landscape(LETTER)
    canvas.saveState()
    canvas.setFillColor(REVOKED_RED)
    canvas.setFillAlpha(0.25)
    canvas.setFont(bold, 110)
    canvas.translate(width / 2, height / 2)
    canvas.rotate(24)
    canvas.drawCentredString(0, -40, "REVOKED")
    canvas.restoreState()
    _centred(canvas, revoked, height - 2.15 * inch, bold, 11, 0.3 * inch, REVOKED_RED)


def render_certificates(certificates: list[CertificateFacts]) -> bytes:
    """One page per certificate."""
    buffer = BytesIO()
    canvas = Canvas(buffer, pagesize=landscape(LETTER), pageCompression=1, initialFontName=fonts()[0])
    canvas.setTitle("Certificate of Training" if len(certificates) == 1 else "Certificates of Training")
    canvas.setAuthor("drillhub")
    for facts in certificates:
        draw_certificate(canvas, facts)
        canvas.showPage()
    canvas.save()
    if len(certificates) == 1 and certificates[0].credential:
        return with_credential(buffer.getvalue(), certificates[0].credential)
    return buffer.getvalue()


CREDENTIAL_KEY = "/OpenBadgeCredential"  # a document-information entry of its own (reportlab writes none)


def with_credential(pdf: bytes, credential: str) -> bytes:
    """The PDF with its signed credential in its document information: the certificate file carries the
    proof a verifier checks (too long for a QR code that scans from paper)."""
    writer = PdfWriter(clone_from=PdfReader(BytesIO(pdf)))
    writer.add_metadata({CREDENTIAL_KEY: credential})
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def credential_in(pdf: bytes) -> str:
    """The credential a certificate PDF carries, or '' (not a PDF, or none in it)."""
    try:
        return str((PdfReader(BytesIO(pdf)).metadata or {}).get(CREDENTIAL_KEY, ""))
    except Exception:  # noqa: BLE001 - anyone uploads anything here: pypdf has many ways of refusing a broken file
        return ""


def zip_of_certificates(certificates: list[CertificateFacts]) -> bytes:
    """One PDF per certificate, named by serial and holder, in one ZIP (stored: the PDFs are compressed already)."""
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for facts in certificates:
            name = re.sub(r"[^A-Za-z0-9]+", "-", facts.holder).strip("-") or "holder"
            archive.writestr(f"{facts.serial}-{name}.pdf", render_certificates([facts]))
    return buffer.getvalue()


def render_transcript(name: str, agency: str, rows: list[dict], totals: dict, total, printed_on: date) -> bytes:
    """An officer's training transcript: every completed training, then hours by year and category."""
    regular, bold = fonts()
    heading = ParagraphStyle("heading", fontName=bold, fontSize=16, leading=20, textColor=NAVY)
    body = ParagraphStyle("body", fontName=regular, fontSize=9.5, leading=12, textColor=INK)
    cell = ParagraphStyle("cell", fontName=regular, fontSize=8.5, leading=10.5, textColor=INK)
    buffer = BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=LETTER, leftMargin=0.75 * inch, rightMargin=0.75 * inch,
                                 topMargin=0.75 * inch, bottomMargin=0.75 * inch, title=f"Training transcript: {name}",
                                 author="drillhub")
    style = TableStyle([("FONT", (0, 0), (-1, -1), regular, 8.5), ("FONT", (0, 0), (-1, 0), bold, 8.5),
                        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e9edf3")), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#8a94a3"))])
    trainings = table([["Completed", "Course", "Hours", "Category", "Certificate", "Status"], *(
        [f"{r['ends_on']:%d %b %Y}", Paragraph(markup(r["course"]), body), f"{r['hours'].normalize():f}",
         Paragraph(markup(r["category"]), cell), r["serial"], r["status"]] for r in rows)],
        [0.9 * inch, 2.6 * inch, 0.5 * inch, 0.9 * inch, 1.2 * inch, 0.6 * inch], repeatRows=1)
    trainings.setStyle(style)
    by_year = [[str(year), Paragraph(markup(category), cell), f"{value.normalize():f}"]
               for (year, category), value in totals.items()]
    hours = table([["Year", "Category", "Hours"], *by_year, ["", "Total", f"{total.normalize():f}" if rows else "0"]],
                  [1 * inch, 2 * inch, 1 * inch])
    hours.setStyle(style)
    story = [Paragraph("Training transcript", heading), Spacer(1, 6),
             Paragraph(f"{markup(name)}, {markup(agency)}. Printed {printed_on:%d %B %Y}; each certificate can be "
                       f"checked at its verification address.", body), Spacer(1, 12), trainings, Spacer(1, 16),
             Paragraph("Hours by year and category", heading), Spacer(1, 6), hours]
    document.build(story)
    return buffer.getvalue()
