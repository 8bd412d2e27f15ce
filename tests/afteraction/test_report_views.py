import csv
import json
from io import StringIO

from drillhub.afteraction.feedback import FeedbackInput, submit_feedback
from drillhub.audit.tables import AuditEvent
from tests.support import post_form, sign_in


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
