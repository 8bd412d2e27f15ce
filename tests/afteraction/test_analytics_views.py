"""Decision analytics through the database and the pages: the played exercise, a follow-up that plays
the same scenario to verify a corrective action, who sees what, and the PDFs."""

from types import SimpleNamespace

import pytest

from drillhub.afteraction.improvement import ActionInput, add_action, propose_follow_up
from drillhub.afteraction.report import report_data
from drillhub.audit.service import ANONYMOUS
from drillhub.enrolment.service import enrol_people
from drillhub.exercises.service import decide
from drillhub.facilitation.service import assign, facilitator_action, join, open_run, start
from drillhub.scheduling.tables import Session
from tests.afteraction.conftest import RESCUE, actor
from tests.support import sign_in
from tests.test_pdftext import pdf_text


@pytest.fixture
async def followed_up(played, make_person):
    """The played exercise found that dispatch waited; a corrective action on search and rescue; its
    follow-up session a week later where every role takes the expected action at the bridge."""
    coordinator = await make_person(roles=("coordinator",))
    dispatch = played.players["dispatch"]
    action_id = await add_action(played.session.id, ActionInput(
        capability=RESCUE, issue="Dispatch held the call", action="Tone out the rescue task force at once",
        element="training", agency=str(dispatch.agency), contact="Dispatch training officer",
        start_on="2026-12-01", due_on="2027-01-15"), [RESCUE], actor(played.lead_evaluator))
    follow_up = await propose_follow_up(action_id, actor(coordinator))
    await Session.update({Session.status: Session.Status.published}).where(Session.id == follow_up)
    await enrol_people(follow_up, [p.id for p in played.players.values()], ANONYMOUS)
    run = await open_run(follow_up, "bridge-collapse", actor(played.facilitator))
    for role, person in played.players.items():
        await join(run.join_code, person.id)
        await assign(run.id, person.id, role, actor(played.facilitator))
    await start(run.id, actor(played.facilitator))
    for role, choice in [("patrol", "perimeter"), ("fire", "throw-lines"), ("dispatch", "tone-out")]:
        await decide(run.id, 0, role, choice, "", played.players[role].id, actor(played.players[role]))
    await facilitator_action(run.id, "advance", actor(played.facilitator), step=0)
    return SimpleNamespace(played=played, session=follow_up, coordinator=coordinator)


async def test_the_follow_up_report_compares_the_actions_decision_points_before_and_after(followed_up):
    data = await report_data(followed_up.session)
    [trend] = data.trends
    assert [(e.decisions, e.current) for e in trend.exercises] == [(5, False), (3, True)]
    assert [round(e.expected_rate, 2) for e in trend.exercises] == [0.67, 1.0]
    [verified] = data.verifications
    assert verified.action == "Tone out the rescue task force at once" and verified.said == ""
    bridge = next(c for c in verified.points if c.title == "The bridge gives way")
    assert (bridge.before.decisions, round(bridge.before.expected_rate, 2)) == (3, 0.67)
    assert (bridge.after.decisions, bridge.after.expected_rate) == (3, 1.0)
    earlier = await report_data(followed_up.played.session.id)  # its trend would stop at itself: none to show
    assert earlier.trends == [] and earlier.verifications == []


async def test_the_report_counts_its_own_organisations_up_to_its_own_start(followed_up, make_person, make_agency):
    """Self-paced play by someone of another agency is in the analytics, but neither in the reports (their
    organisation played in neither exercise) nor, played after it began, in the first exercise's."""
    from drillhub.afteraction.analytics import scenario_trend
    from drillhub.exercises.service import start_self_paced

    outsider = await make_person(agency=await make_agency())
    run = await start_self_paced("bridge-collapse", outsider.id, "dispatch", actor(outsider))
    await decide(run.id, 0, "dispatch", "wait", "", outsider.id, actor(outsider))
    everyone = await scenario_trend("bridge-collapse")
    assert [e.label.split(",")[0] for e in everyone.exercises] == ["Active threat TTX", "Self-paced play",
                                                                    "Active threat TTX"]  # oldest first
    [trend] = (await report_data(followed_up.session)).trends
    assert len(trend.exercises) == 2 and all("Self-paced" not in e.label for e in trend.exercises)
    assert (await report_data(followed_up.played.session.id)).trends == []


async def test_the_aar_prints_the_exercises_and_the_verified_action(client, followed_up):
    await sign_in(client, followed_up.coordinator.email)
    from tests.support import post_form

    await post_form(client, f"/sessions/{followed_up.session}/report/")
    page = (await client.get(f"/sessions/{followed_up.session}/report/")).text
    assert "Decisions across exercises" in page and "Corrective actions verified" in page and "+33 points" in page
    pdf = " ".join(pdf_text((await client.get(f"/sessions/{followed_up.session}/report/1/pdf")).content).split())
    across = pdf[pdf.rindex("Decisions across exercises"):pdf.rindex("Corrective actions verified")]  # past the contents
    assert "Over the exercises" in across and "(this exercise)" in across and "67%" in across
    verified = pdf[pdf.rindex("Corrective actions verified"):pdf.rindex("Decision timeline")]
    assert "Tone out the rescue task force at once" in verified and "The bridge gives way" in verified
    assert "+33 points" in verified


async def test_the_analytics_page_charts_each_figure_with_its_table(client, followed_up):
    await sign_in(client, followed_up.coordinator.email)
    index = (await client.get("/analytics/")).text
    assert "Footbridge collapse at the river festival" in index and "/analytics/bridge-collapse" in index
    page = await client.get("/analytics/bridge-collapse")
    assert page.status_code == 200
    text = page.text
    assert text.count('<svg class="chart" role="img"') == 4 and text.count("<table") >= 4
    assert "Expected action by exercise, oldest first" in text and "+33 points" in text
    assert "The bridge gives way" in text and "67%" in text and "100%" in text
    pdf = await client.get("/analytics/bridge-collapse/pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    printed = " ".join(pdf_text(pdf.content).split())
    for heading in ("Decision analytics: Footbridge collapse", "Over the exercises", "By decision point",
                    "By organisation", "Each decision point over the exercises"):
        assert heading in printed, heading


async def test_a_supervisor_sees_their_agencies_decisions_only_and_an_officer_nothing(client, followed_up, make_person):
    dispatch = followed_up.played.players["dispatch"]
    supervisor = await make_person(roles=("supervisor",), supervised=(SimpleNamespace(id=dispatch.agency),))
    await sign_in(client, supervisor.email)
    text = (await client.get("/analytics/bridge-collapse")).text
    assert "2 decisions by players of the agencies you supervise" in text  # dispatch decided once in each
    assert "<td>0%</td>" in text and "<td>100%</td>" in text and "+100 points" in text  # waited, then toned out
    stranger = await make_person(roles=("supervisor",))
    await sign_in(client, stranger.email)
    assert (await client.get("/analytics/bridge-collapse")).status_code == 404
    assert "No scenario has been played by people of the agencies you supervise" in (await client.get("/analytics/")).text
    officer = await make_person()
    await sign_in(client, officer.email)
    assert (await client.get("/analytics/")).status_code == 403
    assert (await client.get("/analytics/bridge-collapse/pdf")).status_code == 403


async def test_a_scenario_never_played_is_not_found(client, make_person):
    coordinator = await make_person(roles=("coordinator",))
    await sign_in(client, coordinator.email)
    response = await client.get("/analytics/never-played")
    assert response.status_code == 404 and "No exercise has recorded" in response.text
