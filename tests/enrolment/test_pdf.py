import pytest

from drillhub.enrolment.pdf import SheetRow, SignInSheet, render_sign_in_sheet
from tests.test_pdftext import LONG_WORD, MARKUP_PAYLOADS, assert_printed

SHEET_FIELDS = ("title", "when", "where", "credit", "staff", "name", "agency", "badge")


def typed_sheet(typed) -> bytes:
    """A sign-in sheet on which every text a person typed is typed(field) for a field of SHEET_FIELDS,
    with one person enrolled besides."""
    return render_sign_in_sheet(SignInSheet(
        title=typed("title"), when=typed("when"), where=typed("where"), credit=typed("credit"), staff=typed("staff"),
        rows=(SheetRow(typed("name"), typed("agency"), typed("badge")), SheetRow("Jane Doe", "RPD", "B-1")),
        printed="07 Dec 2026 12:00"))


@pytest.mark.parametrize("payload", MARKUP_PAYLOADS)
def test_markup_typed_in_every_field_prints_as_typed(payload):
    assert_printed(typed_sheet(lambda field: payload), payload, len(SHEET_FIELDS))


@pytest.mark.parametrize("field", SHEET_FIELDS)
def test_a_5000_letter_word_in_any_field_prints_whole(field):
    assert_printed(typed_sheet(lambda name: LONG_WORD if name == field else f"Typed {name}"), LONG_WORD, 1)


def test_names_in_any_latin_script_print_as_written():  # reportlab's standard fonts printed Ł as a black box
    assert_printed(typed_sheet(lambda field: "Łukasz Żółć-Ørsted"), "Łukasz Żółć-Ørsted", len(SHEET_FIELDS))
