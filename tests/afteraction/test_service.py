from datetime import date

from drillhub.afteraction.improvement import ActionInput, add_action
from drillhub.afteraction.report import finalize_report, open_report
from drillhub.afteraction.service import agency_overview
from tests.afteraction.conftest import RESCUE, actor
from tests.support import sign_in


async def test_a_supervisors_overview_of_their_agencies(played):
    fire, attendee = played.players["fire"], played.attendee
    await add_action(played.session.id, ActionInput(capability=RESCUE, issue="i", action="a", element="training",
                                                    agency=str(fire.agency), start_on="2026-01-01", due_on="2026-02-01"),
                     [RESCUE], actor(played.lead_evaluator))
    report = await open_report(played.session.id, actor(played.lead_evaluator))
    await finalize_report(played.session.id, report.version, actor(played.lead_evaluator))
    overview = await agency_overview([fire.agency, attendee.agency], date(2026, 11, 21))
    by_name = {a["name"]: a for a in overview["agencies"]}
    assert len(by_name) == 2
    assert [(a["exercises"], a["people"]) for a in overview["agencies"]] == [(1, 1), (1, 1)]
    assert sorted(a["hours"] for a in overview["agencies"]) == [0, 4]  # the attendee's 4 credit hours; fire not marked
    assert overview["exercises"][0]["final_version"] == 1
    assert (overview["open_actions"], overview["overdue_actions"]) == (1, 1)


async def test_the_dashboard_shows_the_overview(client, played, make_person):
    supervisor = await make_person(roles=("supervisor",), supervised=[type("A", (), {"id": played.attendee.agency})])
    await sign_in(client, supervisor.email)
    page = await client.get("/")
    assert "Exercises and After-Action Reports" in page.text and "no final AAR yet" in page.text
