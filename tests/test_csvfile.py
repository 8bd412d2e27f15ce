"""The one CSV writer of every export (drillhub.csvfile), and the payloads the export tests use."""

import csv
from io import StringIO

from drillhub.csvfile import FORMULA_STARTS, csv_text

# What a spreadsheet would run as a formula: one payload per character that starts one.
FORMULAS = ['=HYPERLINK("http://evil.example","Click")', "+1+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0",
            "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]


def cells(text: str) -> list[list[str]]:
    return list(csv.reader(StringIO(text, newline="")))


def assert_no_formula(text: str) -> None:
    """No cell of the CSV file would start a formula in a spreadsheet."""
    assert not [cell for row in cells(text) for cell in row if cell.startswith(FORMULA_STARTS)]


def test_every_cell_that_would_start_a_formula_is_quoted_as_text():
    text = csv_text(["name", "=header"], [[formula, formula] for formula in FORMULAS])
    assert cells(text) == [["name", "'=header"], *([f"'{formula}", f"'{formula}"] for formula in FORMULAS)]
    assert_no_formula(text)
    assert len(FORMULAS) == len(FORMULA_STARTS)  # a payload for each


def test_other_cells_are_written_as_they_are():
    text = csv_text(["text", "number", "empty"], [["a=b, \"quoted\"\nnext line", -3, None], ["", 4.5, ""]])
    assert cells(text) == [["text", "number", "empty"], ["a=b, \"quoted\"\nnext line", "-3", ""], ["", "4.5", ""]]


def test_a_header_alone_when_there_are_no_rows():
    assert csv_text(["badge", "name"], []) == "badge,name\r\n"
