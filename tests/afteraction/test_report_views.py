import csv
import json
from io import StringIO

from drillhub.afteraction.feedback import FeedbackInput, submit_feedback
from drillhub.audit.tables import AuditEvent
from tests.support import post_form, sign_in
from tests.test_pdftext import STORABLE_PAYLOADS, assert_printed


async def test_the_lead_evaluator_drafts_edits_and_finalises(client, played):
    url = f"/sessions/{played.session.id}/report"
    await sign_in(client, played.lead_evaluator.email)
    page = await client.get(f"{url}/")
    assert page.status_code == 200 and "Write the first draft from the data" in page.text
    assert (await post_form(client, f"{url}/")).status_code == 303
    bad = await post_form(client, f"{url}/1", {"handling": "", "executive_summary": "Kept <summary>"})
    assert bad.status_code == 422 and "Give the handling instructions" in bad.text and "Kept &lt;summary&gt;" in bad.text
    saved = await post_form(client, f"{url}/1", {
        "handling": "LAW ENFORCEMENT SENSITIVE", "executive_summary": "All out of the water.",
        "capability": ["Mass Search and Rescue Operations"], "strengths": ["Lines thrown fast"], "improvements": [""],
        "analysis": [""]})
    assert saved.status_code == 303
    assert (await post_form(client, f"{url}/1/finalize")).status_code == 303
    final = await client.get(f"{url}/")
    assert "version 1: final" in final.text and "All out of the water." in final.text and "Lines thrown fast" in final.text
    assert "Open a new version" in final.text


async def test_supervisors_of_agencies_that_took_part_download_and_are_audited(client, played, make_person):
    await sign_in(client, played.lead_evaluator.email)
    await post_form(client, f"/sessions/{played.session.id}/report/")
    fire_agency = type("A", (), {"id": played.players["fire"].agency})
    supervisor = await make_person(roles=("supervisor",), supervised=[fire_agency])
    outsider = await make_person(roles=("supervisor",))
    await sign_in(client, supervisor.email)
    pdf = await client.get(f"/sessions/{played.session.id}/report/1/pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf" and pdf.content[:5] == b"%PDF-"
    assert await AuditEvent.exists().where((AuditEvent.action == "aar.download") & (AuditEvent.actor == supervisor.id))
    await sign_in(client, outsider.email)
    assert (await client.get(f"/sessions/{played.session.id}/report/1/pdf")).status_code == 403
    assert (await client.get(f"/sessions/{played.session.id}/report/")).status_code == 403
    assert (await client.get(f"/sessions/{played.session.id}/report/data/decisions.csv")).status_code == 403


async def test_exports_for_analysts(client, played):
    await submit_feedback(played.session.id, played.players["dispatch"].id, FeedbackInput(
        exercise_role="player", anonymous="yes", comments="=HYPERLINK(\"http://evil\")"))
    await sign_in(client, played.lead_evaluator.email)
    base = f"/sessions/{played.session.id}/report/data"
    decisions = list(csv.DictReader(StringIO((await client.get(f"{base}/decisions.csv")).text)))
    assert len(decisions) == 5 and decisions[0]["choice"] == "perimeter" and decisions[0]["rationale"] == "patrol reasons"
    injects = (await client.get(f"{base}/injects.json")).json()
    assert isinstance(injects, list)
    observations = json.loads((await client.get(f"{base}/observations.json")).text)
    assert observations[0]["task"] == "Dispatch fire and EMS"
    feedback = list(csv.DictReader(StringIO((await client.get(f"{base}/feedback.csv")).text)))
    anonymous = next(row for row in feedback if row["comments"].startswith("'="))
    assert anonymous["name"] == "" and anonymous["agency"]
    assert (await client.get(f"{base}/secrets.csv")).status_code == 404


async def test_every_export_names_its_columns_even_with_no_row_yet(client, exercise):
    from drillhub.afteraction.exports import COLUMNS

    await sign_in(client, exercise.lead_evaluator.email)
    base = f"/sessions/{exercise.session.id}/report/data"
    for kind, columns in COLUMNS.items():  # nothing played, observed or said yet
        assert (await client.get(f"{base}/{kind}.csv")).text.splitlines() == [",".join(columns)], kind


async def test_the_columns_named_are_the_columns_each_export_has(played):
    from drillhub.afteraction.exports import COLUMNS, export_rows

    for kind, columns in COLUMNS.items():
        rows = await export_rows(played.session.id, kind)
        assert all(list(row) == columns for row in rows), kind
        assert rows or kind == "injects", kind  # the bridge as played releases no inject


async def test_corrective_actions_from_the_report_to_the_supervisor(client, played, make_person):
    await sign_in(client, played.lead_evaluator.email)
    url = f"/sessions/{played.session.id}/report/actions"
    agency = played.players["dispatch"].agency
    bad = await post_form(client, url, {"capability": "Mass Search and Rescue Operations", "issue": "Kept issue",
                                        "action": "", "element": "training", "agency": str(agency),
                                        "start_on": "2026-01-05", "due_on": "2026-03-01"})
    assert bad.status_code == 422 and "Describe the corrective action" in bad.text and "Kept issue" in bad.text
    assert (await post_form(client, url, {"capability": "Mass Search and Rescue Operations", "issue": "Slow dispatch",
                                          "action": "Call-taker drill", "element": "training", "agency": str(agency),
                                          "start_on": "2026-01-05", "due_on": "2026-03-01"})).status_code == 303
    supervisor = await make_person(roles=("supervisor",), supervised=[type("A", (), {"id": agency})])
    await sign_in(client, supervisor.email)
    page = await client.get("/improvement/")
    assert page.status_code == 200 and "Call-taker drill" in page.text and "overdue" in page.text
    assert "Propose a follow-up session" not in page.text
    from drillhub.afteraction.tables import CorrectiveAction

    action = (await CorrectiveAction.select(CorrectiveAction.id).first())["id"]
    refused = await post_form(client, f"/improvement/{action}", {"status": "open", "notes": "x" * 4001})
    assert refused.status_code == 422 and "Use at most 4,000 characters" in refused.text and "x" * 4001 in refused.text
    for note in ("Radios ordered", "Radios delivered"):
        assert (await post_form(client, f"/improvement/{action}", {"status": "in_progress", "notes": note})
                ).status_code == 303
    page = (await client.get("/improvement/")).text
    assert "History (2)" in page and page.index("Radios delivered") < page.index("Radios ordered")  # newest first
    from datetime import UTC, datetime

    from drillhub.afteraction.tables import ActionNote

    await ActionNote.update({ActionNote.at: datetime(2026, 11, 30, 3, 30, tzinfo=UTC)}, force=True)
    assert "29 Nov 2026 21:30" in (await client.get("/improvement/")).text  # the supervisor's agency's clock (Chicago)


async def type_into_every_field(ex, payload: str) -> list[str]:
    """`payload` in every text of the exercise that people type through the app and the AAR prints;
    returns the fields."""
    from datetime import UTC, date, datetime

    from drillhub.accounts.tables import Person
    from drillhub.afteraction.report import ReportInput, save_report
    from drillhub.afteraction.tables import CapabilityTarget, CorrectiveAction, Feedback, Observation
    from drillhub.agencies.tables import Agency
    from drillhub.scheduling.tables import Course, Venue
    from tests.afteraction.conftest import RESCUE

    fire = ex.players["fire"]
    venue = await Venue.objects().get(Venue.id == ex.session.venue)
    await Course.update({Course.title: payload}).where(Course.id == ex.session.course)
    await Venue.update({Venue.name: payload}).where(Venue.id == venue.id)
    await Agency.update({Agency.name: payload}).where(Agency.id == fire.agency)
    await Agency.update({Agency.name: f"{payload} (host)"}).where(Agency.id == venue.agency)  # names are unique
    await Person.update({Person.name: payload, Person.title: payload}).where(Person.id.is_in([fire.id, ex.evaluator.id]))
    await CapabilityTarget.update({CapabilityTarget.target: payload, CapabilityTarget.critical_tasks: [payload]}).where(
        CapabilityTarget.session == ex.session.id)
    await Observation.update({Observation.note: payload}).where(Observation.session == ex.session.id)
    await Feedback.delete().where(Feedback.session == ex.session.id)
    await submit_feedback(ex.session.id, fire.id, FeedbackInput(
        exercise_role="player", strengths=(payload,), improvements=(payload,), comments=payload, action=(payload,),
        priority=("high",), owner=(payload,)))
    await save_report(ex.session.id, 1, ReportInput(
        handling=payload, points_of_contact=payload, executive_summary=payload, capability=(RESCUE,),
        strengths=(payload,), improvements=(payload,), analysis=(payload,)))
    await CorrectiveAction.delete().where(CorrectiveAction.session == ex.session.id)
    now = datetime.now(UTC)
    await CorrectiveAction(session=ex.session.id, capability=RESCUE, issue=payload, action=payload, element="training",
                           agency=fire.agency, contact=payload, start_on=date(2026, 3, 1), due_on=date(2026, 6, 1),
                           created_at=now, updated_at=now).save()
    return ["course title", "venue", "agency", "host agency", "player's name", "evaluator's name", "player's title",
            "evaluator's title", "target", "critical task", "observation", "strength", "improvement", "comment",
            "recommended action", "its owner", "handling", "points of contact", "executive summary",
            "strengths written", "improvements written", "analysis written", "issue", "corrective action", "contact"]


async def test_what_people_type_prints_as_typed_in_the_aar_pdf(client, played):
    await sign_in(client, played.lead_evaluator.email)
    await post_form(client, f"/sessions/{played.session.id}/report/")
    for payload in STORABLE_PAYLOADS:
        fields = await type_into_every_field(played, payload)
        response = await client.get(f"/sessions/{played.session.id}/report/1/pdf")
        assert response.status_code == 200, payload
        assert_printed(response.content, payload, len(fields))


async def test_the_exports_open_in_a_spreadsheet_as_text(client, played):
    from drillhub.accounts.tables import Person
    from drillhub.afteraction.tables import CapabilityTarget, Feedback, Observation
    from drillhub.agencies.tables import Agency
    from drillhub.exercises.tables import RunEvent
    from tests.test_csvfile import FORMULAS, assert_no_formula, cells

    fire = played.players["fire"]
    await sign_in(client, played.lead_evaluator.email)
    base = f"/sessions/{played.session.id}/report/data"
    for formula in FORMULAS:  # typed straight into the tables: the forms strip a leading tab
        await Person.update({Person.name: formula}).where(Person.id.is_in([fire.id, played.evaluator.id]))
        await Agency.update({Agency.name: formula}).where(Agency.id == fire.agency)
        await RunEvent.update({RunEvent.rationale: formula}).where(RunEvent.kind == "decision")
        await CapabilityTarget.update({CapabilityTarget.target: formula}).where(
            CapabilityTarget.session == played.session.id)
        await Observation.update({Observation.note: formula, Observation.task: formula}).where(
            Observation.session == played.session.id)
        await Feedback.update({
            Feedback.title: formula, Feedback.strengths: [formula], Feedback.improvements: [formula],
            Feedback.missed: formula, Feedback.corrective_actions: [{"action": formula, "priority": "high", "owner": ""}],
            Feedback.to_review: formula, Feedback.comments: formula,
        }).where((Feedback.session == played.session.id) & (Feedback.person == fire.id))
        typed = {"decisions": {"person", "agency", "rationale"}, "observations": {"evaluator", "target", "task", "note"},
                 "feedback": {"name", "agency", "title", "strengths", "improvements", "missed", "recommended_actions",
                              "to_review", "comments"}}
        for kind, columns in typed.items():
            text = (await client.get(f"{base}/{kind}.csv")).text
            assert_no_formula(text)
            header, *rows = cells(text)
            quoted = {name for row in rows for name, cell in zip(header, row, strict=True)
                      if cell.startswith(f"'{formula}")}
            assert quoted >= columns, (kind, formula)


async def test_anonymous_feedback_keeps_the_agency_only_in_the_exports_and_the_report(client, played):
    from datetime import datetime

    from drillhub.accounts.tables import Person
    from drillhub.afteraction.report import report_data
    from drillhub.afteraction.reportdata import stored
    from drillhub.agencies.tables import Agency
    from tests.test_pdftext import pdf_text

    fire, dispatch, colleague = played.players["fire"], played.players["dispatch"], played.attendee
    dispatch_agency = (await Agency.objects().get(Agency.id == dispatch.agency)).name
    await Person.update({Person.agency: dispatch.agency}).where(Person.id == colleague.id)  # two of one agency
    for person, comment in ((dispatch, "Zulu: the radio failed"), (colleague, "Alpha: the radio failed")):
        await submit_feedback(played.session.id, person.id, FeedbackInput(
            title="Dispatch supervisor", exercise_role="facilitator", anonymous="yes", comments=comment))
    await submit_feedback(played.session.id, fire.id, FeedbackInput(
        title="Lieutenant", exercise_role="player", comments="Named: the radio failed"))
    await sign_in(client, played.lead_evaluator.email)
    base = f"/sessions/{played.session.id}/report/data"
    csv_text = (await client.get(f"{base}/feedback.csv")).text
    json_text = (await client.get(f"{base}/feedback.json")).text
    for rows in (list(csv.DictReader(StringIO(csv_text))), json.loads(json_text)):
        anonymous = [row for row in rows if row["name"] == ""]
        assert [row["comments"] for row in anonymous] == ["Alpha: the radio failed", "Zulu: the radio failed"]
        assert all((row["agency"], row["title"], row["exercise_role"], row["submitted_at"]) == (dispatch_agency, "", "", "")
                   for row in anonymous)
        named = next(row for row in rows if row["name"] == fire.name)
        assert (named["title"], named["exercise_role"]) == ("Lieutenant", "player")
        assert datetime.fromisoformat(named["submitted_at"])
        assert [row["agency"] for row in rows] == sorted(row["agency"] for row in rows)
    for text in (csv_text, json_text):
        assert dispatch.name not in text and colleague.name not in text and "Dispatch supervisor" not in text
    feedback = json.dumps(stored(await report_data(played.session.id))["feedback"])
    assert "radio failed" in feedback
    assert not any(word in feedback for word in (dispatch.name, colleague.name, fire.name, "Dispatch supervisor",
                                                 "Lieutenant", str(played.session.starts_at.year) + "-"))
    await post_form(client, f"/sessions/{played.session.id}/report/")
    page = (await client.get(f"/sessions/{played.session.id}/report/")).text
    pdf = pdf_text((await client.get(f"/sessions/{played.session.id}/report/1/pdf")).content)
    hot_wash = pdf[pdf.rindex("Participant feedback (hot wash)"):pdf.rindex("Appendix A")]
    assert "radio failed" in hot_wash and "Dispatch supervisor" not in page and "Dispatch supervisor" not in pdf
    assert dispatch.name not in hot_wash and colleague.name not in hot_wash


async def test_a_final_report_keeps_its_exports_and_a_new_draft_reads_what_was_recorded_since(client, played):
    from drillhub.afteraction.report import finalize_report, open_report
    from drillhub.exercises.service import decide
    from drillhub.facilitation.service import assign, join, open_run, start
    from tests.afteraction.conftest import actor

    lead, dispatcher = played.lead_evaluator, played.players["dispatch"]
    report = await open_report(played.session.id, actor(lead))
    await finalize_report(played.session.id, report.version, actor(lead))
    await sign_in(client, lead.email)
    decisions_csv = f"/sessions/{played.session.id}/report/data/decisions.csv"
    kept = (await client.get(decisions_csv)).text
    assert len(kept.splitlines()) == 1 + 5
    again = await open_run(played.session.id, "bridge-collapse", actor(played.facilitator))  # played after the report
    await join(again.join_code, dispatcher.id)
    await assign(again.id, dispatcher.id, "dispatch", actor(played.facilitator))
    await start(again.id, actor(played.facilitator))
    await decide(again.id, 0, "dispatch", "tone-out", "", dispatcher.id, actor(dispatcher))
    assert (await client.get(decisions_csv)).text == kept  # the final version's own
    await open_report(played.session.id, actor(lead))  # a new draft reports what was recorded since
    assert len((await client.get(decisions_csv)).text.splitlines()) == 1 + 5 + 1
