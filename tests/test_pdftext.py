"""The one way typed text reaches a PDF (drillhub.pdftext), and what the PDF tests of every domain use
to check it: the payloads people could type, and how to read a PDF back."""

import random
import re
import shutil
import subprocess
import tempfile
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table

from drillhub.pdftext import ELLIPSIS, clipped, markup
from tests.conftest import skip_unless_ci

# A real image on the server's disk: an <img> tag that reached reportlab's markup would embed it.
IMAGE_ON_DISK = Path(tempfile.gettempdir()) / "drillhub-test-image.png"
Image.new("RGB", (40, 40), "red").save(IMAGE_ON_DISK)

# 5,000 letters without a space, of capitals no other text here spells a word of.
LONG_WORD = "".join(random.Random(13).choices("QXZ", k=5_000))
# A piece of it as read back: a whole word of its letters, not one cut short with an ellipsis.
LONG_WORD_PIECE = re.compile(rf"(?<![\w{ELLIPSIS}])[QXZ]+(?![\w{ELLIPSIS}])")
MARKUP_PAYLOADS = ["<", "&", "Hazmat <Level 2 refresher", "<font size=22 color=red>FORGED: 99 HOURS</font>",
                   f'<img src="{IMAGE_ON_DISK}"/>', '<link href="http://evil.example">x</link>', "<para>", "</para>"]
PAYLOADS = [*MARKUP_PAYLOADS, LONG_WORD]
# What every column people type text into stores whole (a person's title holds 100 characters).
STORABLE_PAYLOADS = [*MARKUP_PAYLOADS, LONG_WORD[:100]]


def squashed(text: str) -> str:
    """Without whitespace: wrapping and table cells add line breaks of their own."""
    return "".join(text.split())


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)


def text_on_the_pages(pdf: bytes) -> str:
    """What poppler reads within the pages' edges, in the order it was drawn: unlike pypdf, it leaves
    out text drawn past the edge of the page."""
    if not shutil.which("pdftotext"):
        skip_unless_ci("pdftotext (Debian's poppler-utils) is needed to see what lies on the page")
    return subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode()


def long_word_copies(text: str) -> int:
    """How many whole copies of LONG_WORD the text holds, its pieces read in order (wrapping splits it,
    and page headers or a repeated table header may come between the pieces); fails on a lost or
    garbled piece."""
    read = "".join(LONG_WORD_PIECE.findall(text))
    copies = len(read) // len(LONG_WORD)
    assert read == LONG_WORD * copies, "the long word did not come back as typed"
    return copies


def assert_printed(pdf: bytes, payload: str, places: int) -> None:
    """`payload` reads back exactly as typed in at least `places` places, all of it on the page, and no
    markup took effect: no image embedded, no link out."""
    reader = PdfReader(BytesIO(pdf))
    for text in (pdf_text(pdf), text_on_the_pages(pdf)):
        if payload == LONG_WORD:
            assert long_word_copies(text) >= places
        else:
            assert squashed(text).count(squashed(payload)) >= places, payload
    assert not any(page.images for page in reader.pages)
    links = [annotation.get_object().get("/A", {}) for page in reader.pages for annotation in page.get("/Annots", [])]
    assert not any("/URI" in action for action in links)


# The helper itself ----------------------------------------------------------------------------------

def test_markup_escapes_what_reportlab_would_read_as_markup_and_keeps_line_breaks():
    assert markup("Hazmat <Level 2> & more") == "Hazmat &lt;Level 2&gt; &amp; more"
    assert markup("&amp;") == "&amp;amp;"
    assert markup("one\ntwo\r\nthree\rfour") == "one<br/>two<br/>three<br/>four"
    assert markup(None) == "" and markup(7) == "7"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_every_payload_prints_as_typed_in_a_paragraph_and_a_table_cell(payload):
    style = ParagraphStyle("body", fontName="Helvetica", fontSize=9, leading=11)
    buffer = BytesIO()
    SimpleDocTemplate(buffer).build([Paragraph(markup(payload), style), Table(
        [["Header"], [Paragraph(markup(payload), style)]], colWidths=[120], repeatRows=1, splitInRow=1)])
    assert_printed(buffer.getvalue(), payload, 2)


def test_a_line_break_typed_prints_as_one():
    buffer = BytesIO()
    SimpleDocTemplate(buffer).build([Paragraph(markup("first line\nsecond line"), ParagraphStyle("body"))])
    assert pdf_text(buffer.getvalue()).splitlines()[:2] == ["first line", "second line"]


def test_clipped_keeps_what_fits_and_cuts_the_rest_short_with_an_ellipsis():
    assert clipped("Riverton  Fire\nDepartment", "Helvetica", 10, 500) == "Riverton Fire Department"
    cut = clipped(LONG_WORD, "Helvetica", 10, 200)
    assert cut.endswith(ELLIPSIS) and LONG_WORD.startswith(cut[:-1])
    assert stringWidth(cut, "Helvetica", 10) <= 200 < stringWidth(LONG_WORD[:len(cut)] + ELLIPSIS, "Helvetica", 10)
    assert clipped("W", "Helvetica", 10, 1) == ELLIPSIS
