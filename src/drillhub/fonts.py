"""The fonts embedded in drillhub's PDFs, registered once per process."""

from functools import cache
from pathlib import Path

import reportlab
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

# DejaVu (Debian's fonts-dejavu-core) covers far more scripts; reportlab's own Vera is the fallback.
FONT_FILES = [
    (Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"), Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")),
    (Path(reportlab.__file__).parent / "fonts" / "Vera.ttf", Path(reportlab.__file__).parent / "fonts" / "VeraBd.ttf"),
]


@cache
def fonts() -> tuple[str, str]:
    """Register the embedded fonts once per process: (regular, bold)."""
    regular, bold = next((r, b) for r, b in FONT_FILES if r.exists() and b.exists())
    pdfmetrics.registerFont(TTFont("Drillhub", str(regular)))
    pdfmetrics.registerFont(TTFont("Drillhub-Bold", str(bold)))
    pdfmetrics.registerFontFamily("Drillhub", normal="Drillhub", bold="Drillhub-Bold", italic="Drillhub",
                                  boldItalic="Drillhub-Bold")
    return "Drillhub", "Drillhub-Bold"
