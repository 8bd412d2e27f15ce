"""Text people typed, on its way into a PDF. reportlab reads a Paragraph's text as markup (`<font>`,
`<link>`, even `<img src>` from the server's disk), so every typed string goes through `markup`; a
table of typed text is made by `table`, whose rows may grow taller than a page. Text drawn straight
onto the canvas is not markup but never wraps: where it must stay on one line (a page footer, a
chart's label) it goes through `clipped`."""

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Table

ELLIPSIS = "…"


def markup(value) -> str:
    """Paragraph text that shows `value` exactly as typed: &, < and > escaped, line breaks kept. A word
    too long for its line is split there (the styles' splitLongWords), so it needs nothing here."""
    text = "" if value is None else str(value)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "<br/>".join(line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") for line in lines)


def table(rows: list[list], widths: list[float], **options) -> Table:
    """A Table whose rows break across pages, as in a word processor: by default reportlab fails the
    whole document on a row taller than a page (a long word wraps into hundreds of lines), and
    splitting between rows first would print a repeated header twice on one page."""
    return Table(rows, colWidths=widths, splitByRow=0, splitInRow=1, **options)


def clipped(value: str, font: str, size: float, width: float) -> str:
    """`value` on one line at most `width` points wide, cut short with an ellipsis if need be: only for
    text the document also prints in full."""
    text = " ".join(value.split())
    if stringWidth(text, font, size) <= width:
        return text
    shortest, longest = 0, len(text)  # the longest prefix that fits with the ellipsis, found by halving
    while shortest < longest:
        middle = (shortest + longest + 1) // 2
        if stringWidth(text[:middle] + ELLIPSIS, font, size) <= width:
            shortest = middle
        else:
            longest = middle - 1
    return text[:shortest] + ELLIPSIS
