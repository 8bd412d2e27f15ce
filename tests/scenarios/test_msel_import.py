"""An edited MSEL back into the scenario's injects: each row's problems by row number, the changes for
review, the YAML rewritten only where injects stand, and a new draft written only when confirmed."""

import json
from io import BytesIO

import pytest
from openpyxl import load_workbook

from drillhub.audit.service import ANONYMOUS
from drillhub.scenarios.checker import check_text
from drillhub.scenarios.loader import read_scenario
from drillhub.scenarios.msel import COLUMNS, msel_rows, msel_xlsx
from drillhub.scenarios.msel_import import SheetUnreadable, planned, rewritten, sheet_rows
from drillhub.scenarios.service import add_upload, get_current
from drillhub.scenarios.tables import ScenarioVersion
from tests.conftest import SCENARIO_FILES
from tests.support import csrf_token, post_form

BRIDGE = (SCENARIO_FILES / "bridge.yaml").read_text()
SCENARIO, DOCUMENT = read_scenario(BRIDGE)


def sheet() -> list[list[str]]:
    return [COLUMNS, *msel_rows(SCENARIO)]


def row_of(rows, inject_id):
    return next(row for row in rows if row[-1] == inject_id)


def test_an_msel_as_exported_changes_nothing():
    plan = planned(SCENARIO, sheet())
    assert plan.errors == [] and plan.changes == []
    assert rewritten(BRIDGE, DOCUMENT, SCENARIO, plan.injects).count("first-call") == 1


def test_changes_are_listed_and_the_file_is_rewritten_only_where_injects_stand():
    rows = sheet()
    row_of(rows, "first-call")[7] = "Two people in the water!"
    row_of(rows, "news-van")[2] = "4:00"
    rows.remove(row_of(rows, "radio-check"))
    rows.append(["", "The bank is crowded", "1:00", "Inject", "Onlooker", "Fire battalion chief", "in person",
                 "A child is missing, last seen near the ramp.", "Search the bank", "", "", ""])
    plan = planned(SCENARIO, rows)
    assert plan.errors == []
    assert plan.changes == [
        "Row 2: first-call: message 'People in the water!' -> 'Two people in the water!'.",
        "Row 3: news-van: time '5:00' -> '4:00'.",
        "Row 7: a new inject a-child-is-missing in 'The bank is crowded' at 1:00.",
        "radio-check (The bridge gives way, 2:00) is removed: no row names it."]
    text = rewritten(BRIDGE + "# the author's last word\n", DOCUMENT, SCENARIO, plan.injects)
    result = check_text(text)
    assert result.ok, [f.format("x") for f in result.errors]
    injects = {i.id: i for node in result.scenario.nodes for i in node.injects}
    assert injects["first-call"].message == "Two people in the water!" and "radio-check" not in injects
    assert injects["news-van"].contingency and injects["news-van"].at == "4:00"
    chaos = next(node for node in result.scenario.nodes if node.id == "chaos")
    assert [(i.id, i.to, i.method, i.expected_action) for i in chaos.injects] == [
        ("a-child-is-missing", ["fire"], "in_person", "Search the bank")]
    untouched = [line for line in BRIDGE.splitlines() if "{id:" not in line or "type:" in line]
    assert all(line in text.splitlines() for line in untouched)  # every other line, as the author wrote it
    assert text.endswith("# the author's last word\n")


@pytest.mark.parametrize(("edit", "said"), [
    (lambda r: r.__setitem__(1, "The river"), "Row 2: no scene is called 'The river'."),
    (lambda r: r.__setitem__(2, "half past"), "Row 2: the time 'half past' is not m:ss or h:mm:ss."),
    (lambda r: r.__setitem__(5, "Mayor"), "Row 2: 'To' names no role of the scenario ('Mayor'); use role titles, or Everyone."),
    (lambda r: r.__setitem__(6, "pigeon"), "Row 2: the method 'pigeon' is not one of radio, phone"),
    (lambda r: r.__setitem__(7, ""), "Row 2: an inject needs a message and who it is from."),
    (lambda r: r.__setitem__(9, "Win"), "Row 2: no objective reads 'Win'."),
    (lambda r: r.__setitem__(11, "first-cal"), "Row 2: no inject has the id 'first-cal'; leave the id empty to add one."),
    (lambda r: r.__setitem__(11, "news-van"), "Row 4: the inject id 'news-van' is on two rows."),
])
def test_each_row_s_problem_is_named_with_its_row_number(edit, said):
    rows = sheet()
    edit(rows[1])
    plan = planned(SCENARIO, rows)
    assert any(error.startswith(said) for error in plan.errors), plan.errors


def test_a_sheet_that_is_not_an_msel():
    assert planned(SCENARIO, [["Name", "Time"]]).errors[0].startswith("Row 1: the columns must be Event, Scene")
    with pytest.raises(SheetUnreadable, match="cannot be read as an Excel workbook"):
        sheet_rows("msel.xlsx", b"not a zip file")
    with pytest.raises(SheetUnreadable, match="save it from the spreadsheet as CSV UTF-8"):
        sheet_rows("msel.csv", "Event,Scène\n".encode("latin-1"))


async def test_a_coordinator_brings_an_edited_workbook_back_as_a_new_draft(signed_in_client):
    published = await add_upload("bridge.yaml", BRIDGE, ANONYMOUS)
    coordinator = await signed_in_client("coordinator")
    workbook = load_workbook(BytesIO(msel_xlsx(SCENARIO)))
    workbook.active["H2"] = "Two people in the water!"
    edited = BytesIO()
    workbook.save(edited)
    base = f"/scenarios/versions/{published.id}/msel-import"
    assert "Bring an edited MSEL back" in (await coordinator.get(base)).text
    preview = await coordinator.post(base, data={"_csrf_token": await csrf_token(coordinator)},
                                     files={"file": ("msel.xlsx", edited.getvalue(), "application/octet-stream")})
    assert preview.status_code == 200
    assert "Row 2: first-call: message &#39;People in the water!&#39; -&gt; &#39;Two people in the water!&#39;." \
        in preview.text
    assert await ScenarioVersion.count() == 1  # nothing written yet
    rows = json.dumps(sheet_rows("msel.xlsx", edited.getvalue()))
    confirmed = await post_form(coordinator, f"{base}/confirm", {"rows": rows})
    draft = await ScenarioVersion.objects().where(ScenarioVersion.id != published.id).first()
    assert confirmed.status_code == 303 and confirmed.headers["location"] == f"/scenarios/versions/{draft.id}"
    assert draft.published_at is None and "Two people in the water!" in draft.source_text
    assert (await get_current("bridge-collapse")).id == published.id  # until a coordinator publishes it
    again = await post_form(coordinator, f"{base}/confirm", {"rows": json.dumps(sheet())})
    assert again.status_code == 422 and "The MSEL changes nothing" in again.text
    tampered = await post_form(coordinator, f"{base}/confirm", {"rows": "{not json"})
    assert tampered.status_code == 422 and "Send the MSEL file again." in tampered.text
    bad = await coordinator.post(base, data={"_csrf_token": await csrf_token(coordinator)},
                                 files={"file": ("msel.csv", b"Event,Time\n1,0:30\n", "text/csv")})
    assert bad.status_code == 422 and "Row 1: the columns must be" in bad.text
