"""A QR code as inline SVG, drawn by reportlab (already a dependency): for the projector's join link."""

import re

from reportlab.graphics import renderSVG
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing


def qr_svg(text: str, size: int = 240) -> str:
    widget = QrCodeWidget(text, barLevel="M")
    left, bottom, right, top = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (right - left), 0, 0, size / (top - bottom), 0, 0])
    drawing.add(widget)
    svg = renderSVG.drawToString(drawing)
    svg = svg[svg.index("<svg"):]  # inline: without the XML declaration and doctype
    # reportlab colours shapes with style="" attributes, which the Content-Security-Policy blocks on
    # the page; SVG's own presentation attributes say the same and are allowed
    return re.sub(r'style="([^"]*)"', lambda found: " ".join(
        f'{name.strip()}="{value.strip()}"' for name, value in
        (part.split(":", 1) for part in found.group(1).split(";") if ":" in part)), svg)
