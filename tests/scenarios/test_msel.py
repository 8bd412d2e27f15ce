"""The Master Scenario Events List: every inject and decision point of a scenario, in story order, as
CSV and as an Excel workbook."""

import csv
from io import BytesIO, StringIO

from openpyxl import load_workbook

from drillhub.audit.service import ANONYMOUS
from drillhub.scenarios.checker import check_text
from drillhub.scenarios.msel import COLUMNS, msel_csv, msel_rows, msel_xlsx
from drillhub.scenarios.service import add_upload
from tests.conftest import SCENARIO_FILES

BRIDGE = (SCENARIO_FILES / "bridge.yaml").read_text()


def scenario(text: str = BRIDGE):
    return check_text(text, play=False).scenario


def test_the_rows_are_the_injects_by_time_then_the_decision_of_each_scene():
    rows = [dict(zip(COLUMNS, row, strict=True)) for row in msel_rows(scenario())]
    first, radio, van, decision = rows[:4]
    assert [r["Event"] for r in rows] == [str(n) for n in range(1, len(rows) + 1)]
    assert (first["Scene"], first["Time"], first["Type"], first["From"], first["To"], first["Method"]) == (
        "The bridge gives way", "0:30", "Inject", "Caller", "911 shift supervisor", "phone")
    assert first["Expected action"] == "Dispatch fire and EMS" and first["Inject id"] == "first-call"
    assert (first["Objective"], first["Core capability"]) == ("Start water rescue safely.",
                                                              "Mass Search and Rescue Operations")
    assert radio["To"] == "Patrol sergeant\nFire battalion chief" and van["Type"] == "Contingency inject"
    assert van["To"] == "Everyone" and van["Method"] == "news report"
    assert (decision["Type"], decision["Time"], decision["From"]) == ("Decision point", "3:00", "Facilitator")
    assert decision["To"].splitlines() == ["Patrol sergeant", "Fire battalion chief", "911 shift supervisor"]
    assert decision["Expected action"].splitlines() == ["Push the crowd back from the bank",
                                                        "Throw lines to people near the bank",
                                                        "Tone out the water rescue team"]
    assert decision["Core capability"].splitlines() == ["Operational Coordination", "Mass Search and Rescue Operations"]
    assert decision["Inject id"] == ""
    assert sum(r["Type"] == "Decision point" for r in rows) == 3  # collapse, chaos, command-post


def test_csv_and_xlsx_hold_the_same_rows_as_text_even_when_it_looks_like_a_formula():
    text = BRIDGE.replace("message: People in the water!,", "message: '=HYPERLINK(\"http://x\")',")
    rows = msel_rows(scenario(text))
    read = list(csv.reader(StringIO(msel_csv(scenario(text)))))
    assert read[0] == COLUMNS and len(read) == len(rows) + 1
    assert read[1][7] == "'=HYPERLINK(\"http://x\")"  # quoted for spreadsheets (csvfile.safe_cell)
    sheet = load_workbook(BytesIO(msel_xlsx(scenario(text)))).active
    assert [cell.value for cell in sheet[1]] == COLUMNS
    message = sheet.cell(row=2, column=8)
    assert message.value == '=HYPERLINK("http://x")' and message.data_type == "s"  # text, not a formula
    assert [[cell.value or "" for cell in row] for row in sheet.iter_rows(min_row=2)] == rows


async def test_the_scenario_page_offers_both_downloads(signed_in_client):
    version = await add_upload("bridge.yaml", BRIDGE, ANONYMOUS)
    facilitator = await signed_in_client("facilitator")
    page = (await facilitator.get("/scenarios/bridge-collapse")).text
    assert "Master Scenario Events List" in page and f"/scenarios/versions/{version.id}/msel?format=csv" in page
    workbook = await facilitator.get(f"/scenarios/versions/{version.id}/msel?format=xlsx")
    assert workbook.status_code == 200 and workbook.headers["content-type"].startswith("application/vnd.openxml")
    assert 'filename="bridge-collapse-1.0-msel.xlsx"' in workbook.headers["content-disposition"]
    assert load_workbook(BytesIO(workbook.content)).active["H2"].value == "People in the water!"
    spreadsheet = await facilitator.get(f"/scenarios/versions/{version.id}/msel?format=csv")
    assert spreadsheet.text.splitlines()[0] == ",".join(COLUMNS)
    officer = await signed_in_client("officer")
    assert (await officer.get(f"/scenarios/versions/{version.id}/msel?format=csv")).status_code == 403
