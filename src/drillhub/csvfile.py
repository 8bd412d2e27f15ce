"""The CSV files drillhub exports, for spreadsheets. A cell that starts with = + - or @ is a formula to
Excel, LibreOffice and Google Sheets, and so is one that starts with a tab or carriage return before
them: every such text cell is written with a single quote in front, which shows it as the text it is
(OWASP's advice on CSV injection)."""

import csv
from collections.abc import Iterable
from io import StringIO

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Text a spreadsheet would read as a formula, quoted as text; anything else as it is."""
    return f"'{value}" if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


def csv_text(header: list[str], rows: Iterable[Iterable]) -> str:
    """A CSV file of a header row and `rows`, every cell safe to open in a spreadsheet."""
    out = StringIO()
    writer = csv.writer(out)
    writer.writerow([safe_cell(name) for name in header])
    writer.writerows([safe_cell(value) for value in row] for row in rows)
    return out.getvalue()
