"""An edited MSEL back into the scenario's injects: each row's problems by row number, the changes for
review, the YAML rewritten only where injects stand, and a new draft written only when confirmed."""

import datetime
import json
from io import BytesIO

import pytest
from openpyxl import load_workbook

from drillhub.audit.service import ANONYMOUS
from drillhub.scenarios.checker import check_text
from drillhub.scenarios.loader import read_scenario
from drillhub.scenarios.msel import COLUMNS, msel_rows, msel_xlsx
from drillhub.scenarios.msel_import import SheetUnreadable, next_label, planned, relabelled, rewritten, sheet_rows
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
    assert plan.changed == set() and rewritten(BRIDGE, DOCUMENT, SCENARIO, plan) == BRIDGE


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
    text = rewritten(BRIDGE + "# the author's last word\n", DOCUMENT, SCENARIO, plan)
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
    assert 'name="label" value="1.1"' in preview.text  # the label after 1.0, to keep or change
    rows = json.dumps(sheet_rows("msel.xlsx", edited.getvalue()))
    taken = await post_form(coordinator, f"{base}/confirm", {"rows": rows, "label": "1.0", "file_name": "msel.xlsx"})
    assert taken.status_code == 422 and "has a version 1.0 already: give the new draft its own label." in taken.text
    assert 'name="label" value="1.0"' in taken.text and "&#39;Two people in the water!&#39;." in taken.text
    assert 'aria-invalid="true" aria-describedby="f-label-error"' in taken.text
    confirmed = await post_form(coordinator, f"{base}/confirm", {"rows": rows, "label": "1.1-msel"})
    draft = await ScenarioVersion.objects().where(ScenarioVersion.id != published.id).first()
    assert confirmed.status_code == 303 and confirmed.headers["location"] == f"/scenarios/versions/{draft.id}"
    assert draft.published_at is None and "Two people in the water!" in draft.source_text
    assert draft.version == "1.1-msel" and 'version: "1.1-msel"\n' in draft.source_text
    assert (await get_current("bridge-collapse")).id == published.id  # until a coordinator publishes it
    again = await post_form(coordinator, f"{base}/confirm", {"rows": json.dumps(sheet()), "label": "1.2"})
    assert again.status_code == 422 and "The MSEL changes nothing" in again.text
    tampered = await post_form(coordinator, f"{base}/confirm", {"rows": "{not json"})
    assert tampered.status_code == 422 and "Send the MSEL file again." in tampered.text
    bad = await coordinator.post(base, data={"_csrf_token": await csrf_token(coordinator)},
                                 files={"file": ("msel.csv", b"Event,Time\n1,0:30\n", "text/csv")})
    assert bad.status_code == 422 and "Row 1: the columns must be" in bad.text


BLOCKY = BRIDGE.replace(
    '      - {id: first-call, at: "0:30", from: Caller, to: [dispatch], method: phone, message: People in the water!, '
    'expected_action: Dispatch fire and EMS, objective: rescue}\n',
    '      - id: first-call\n        at: "0:30"\n        from: Caller\n        to: [dispatch]\n        method: phone\n'
    '        message: |\n          People in the water!\n        expected_action: Dispatch fire and EMS\n'
    '        objective: rescue\n').replace("    decision:\n      prompt: First actions?",
                                         "    # decide now\n    decision:\n      prompt: First actions?")


def test_block_style_injects_and_a_comment_survive_and_an_unchanged_block_text_is_unchanged():
    scenario, document = read_scenario(BLOCKY)
    unchanged = planned(scenario, [COLUMNS, *msel_rows(scenario)])
    assert unchanged.changes == [] and rewritten(BLOCKY, document, scenario, unchanged) == BLOCKY
    rows = [COLUMNS, *msel_rows(scenario)]
    row_of(rows, "first-call")[7] = "Two people in the water!"
    written = rewritten(BLOCKY, document, scenario, planned(scenario, rows))
    assert "    # decide now\n    decision:" in written and check_text(written).ok
    assert "Two people in the water!" in written


def test_a_block_added_after_the_last_line_of_a_file_without_a_final_newline():
    nodes_at, endings_at = BRIDGE.index("nodes:\n"), BRIDGE.index("endings:\n")
    text = (BRIDGE[:nodes_at] + BRIDGE[endings_at:] + BRIDGE[nodes_at:endings_at]).rstrip("\n").replace(
        "    narrative: The dive team arrives after twenty minutes.\n    next: poor-ending",
        "    next: poor-ending\n    narrative: The dive team arrives after twenty minutes.")  # the narrative ends the file
    scenario, document = read_scenario(text)
    rows = [COLUMNS, *msel_rows(scenario), ["", "Rescue comes late", "0:20", "Inject", "Dive team", "Everyone",
                                            "radio", "Divers in the water.", "", "", "", ""]]
    written = rewritten(text, document, scenario, planned(scenario, rows))
    assert written.endswith("    injects:\n      - {id: divers-in-the-water, at: \"0:20\", from: \"Dive team\", to: [all], "
                            "method: radio, message: \"Divers in the water.\"}\n") and check_text(written).ok


def test_injects_as_the_first_key_of_a_node_keep_their_dash():
    text = BRIDGE.replace("  - id: late-rescue\n", "  - injects:\n      - {id: divers, at: \"0:20\", from: Dive team, "
                          "to: [all], method: radio, message: Divers in.}\n    id: late-rescue\n")
    scenario, document = read_scenario(text)
    rows = [COLUMNS, *msel_rows(scenario)]
    row_of(rows, "divers")[7] = "Divers in the water."
    written = rewritten(text, document, scenario, planned(scenario, rows))
    assert "  - injects:\n      - {id: divers" in written and check_text(written).ok


def test_a_role_title_with_a_comma():
    text = BRIDGE.replace("    title: Fire battalion chief\n", "    title: Chief, fire battalion\n")
    scenario, _ = read_scenario(text)
    rows = [COLUMNS, *msel_rows(scenario), ["", "The bridge gives way", "1:00", "Inject", "X", "Chief, fire battalion",
                                            "radio", "Go.", "", "", "", ""]]
    plan = planned(scenario, rows)
    assert plan.errors == [] and plan.injects["collapse"][-1]["to"] == ["fire"]
    assert plan.changes == ["Row 8: a new inject go in 'The bridge gives way' at 1:00."]  # radio-check read back too


def test_two_scenes_of_one_title_are_named_as_such():
    text = BRIDGE.replace("    title: Rescue comes late\n", "    title: The bank is crowded\n")
    scenario, _ = read_scenario(text)
    rows = [COLUMNS, *msel_rows(scenario), ["", "The bank is crowded", "1:00", "Inject", "X", "Everyone", "radio",
                                            "Go.", "", "", "", ""]]
    assert planned(scenario, rows).errors == [
        f"Row {len(rows)}: several scenes are called 'The bank is crowded': give them different titles."]


def test_excel_times_and_oversized_csv_fields_are_refused_with_a_message():
    workbook = load_workbook(BytesIO(msel_xlsx(SCENARIO)))
    workbook.active["C3"] = datetime.time(1, 30)
    typed = BytesIO()
    workbook.save(typed)
    with pytest.raises(SheetUnreadable, match="Row 3: Excel holds a time of this row as a time of day"):
        sheet_rows("msel.xlsx", typed.getvalue())
    with pytest.raises(SheetUnreadable, match="cannot be read as CSV"):
        sheet_rows("msel.csv", b'Event,"' + b"x" * 200_000 + b'"\n')
    assert load_workbook(BytesIO(msel_xlsx(SCENARIO))).active["C2"].number_format == "@"


def test_the_next_label_and_a_relabelled_file():
    assert [next_label(label) for label in ("1.1", "2", "1.0-rc1", "draft", "1.9")] == [
        "1.2", "3", "1.0-rc2", "draft.1", "1.10"]
    scenario, document = read_scenario(BRIDGE)
    text = relabelled(BRIDGE, document, "2.0 «final»")
    assert read_scenario(text)[0].version == "2.0 «final»" and text.count("\n") == BRIDGE.count("\n")
    folded = BRIDGE.replace('version: "1.0"', "version: >-\n  1.0")
    with pytest.raises(ValueError, match="on one line"):
        relabelled(folded, read_scenario(folded)[1], "1.1")
