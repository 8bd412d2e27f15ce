"""Every decision, scene reached and exercise completed is an xAPI statement, queued with what it records."""

import json
import uuid

import pytest

from drillhub import db
from drillhub.audit.service import ANONYMOUS, Actor
from drillhub.exercises.preview import rehearsed
from drillhub.exercises.service import decide, load, start_self_paced
from drillhub.scenarios.service import add_upload
from drillhub.settings import settings_in_use
from drillhub.xapi.tables import XapiStatement
from tests.conftest import SCENARIO_FILES

BRIDGE = (SCENARIO_FILES / "bridge.yaml").read_text()


async def statements(verb: str | None = None) -> list[dict]:
    query = XapiStatement.select(XapiStatement.statement).order_by(XapiStatement.id)
    if verb:
        query = query.where(XapiStatement.verb == verb)
    return [json.loads(row["statement"]) for row in await query]


async def play_alone(make_person, role: str = "all"):
    version = await add_upload("bridge.yaml", BRIDGE, ANONYMOUS)
    player = await make_person()
    me = Actor(person_id=player.id, label=player.email)
    run = await start_self_paced("bridge-collapse", player.id, role, me)
    return version, player, me, run


async def test_a_players_decision_is_an_answered_statement_with_its_why_and_how_long(app, make_person):
    version, player, me, run = await play_alone(make_person)
    await decide(run.id, 0, "patrol", "perimeter", "Keep the bank clear", player.id, me)
    [answered] = await statements("answered")
    public = settings_in_use().public_url
    assert answered["actor"] == {"objectType": "Agent", "account": {"homePage": public, "name": f"person-{player.id}"}}
    assert answered["verb"] == {"id": "http://adlnet.gov/expapi/verbs/answered", "display": {"en-US": "answered"}}
    activity = answered["object"]
    assert activity["id"] == f"{public}/xapi/activities/scenarios/bridge-collapse/scenes/collapse/decision"
    assert activity["definition"]["interactionType"] == "choice"
    assert activity["definition"]["name"] == {"en-US": "First actions?"}
    assert [choice["id"] for choice in activity["definition"]["choices"]] == ["wait", "perimeter", "throw-lines",
                                                                              "tone-out"]
    assert activity["definition"]["correctResponsesPattern"] == ["perimeter", "throw-lines", "tone-out"]
    result = answered["result"]
    assert result["response"] == "perimeter" and result["success"] is True
    assert result["duration"].startswith("PT") and result["duration"].endswith("S")
    assert result["extensions"] == {f"{public}/xapi/extensions/rationale": "Keep the bank clear"}
    context = answered["context"]
    assert context["registration"] == str(uuid.uuid5(uuid.NAMESPACE_URL, f"{public}/runs/{run.id}"))
    assert context["extensions"] == {f"{public}/xapi/extensions/scenario-version": version.sha256,
                                     f"{public}/xapi/extensions/role": "patrol",
                                     f"{public}/xapi/extensions/agency": f"{public}/agencies/{player.agency}",
                                     f"{public}/xapi/extensions/made-by": "player"}
    assert context["contextActivities"]["parent"][0]["id"] == f"{public}/xapi/activities/scenarios/bridge-collapse"
    assert uuid.UUID(answered["id"]) and answered["timestamp"].endswith("+00:00")


async def test_stand_ins_scenes_and_the_ending_are_statements_too(app, make_person):
    _, player, me, run = await play_alone(make_person, "dispatch")
    [first_scene] = await statements("experienced")  # the run began at its first scene
    assert first_scene["object"]["id"].endswith("/scenes/collapse")
    await decide(run.id, 0, "dispatch", "tone-out", "", player.id, me)  # patrol and fire are stand-ins
    answered = await statements("answered")
    made_by = {s["context"]["extensions"][next(k for k in s["context"]["extensions"] if k.endswith("/role"))]:
               (s["actor"]["account"]["name"], s["context"]["extensions"][
                   next(k for k in s["context"]["extensions"] if k.endswith("/made-by"))]) for s in answered}
    assert made_by == {"dispatch": (f"person-{player.id}", "player"), "patrol": ("drillhub", "stand-in"),
                       "fire": ("drillhub", "stand-in")}
    await decide(run.id, 1, "dispatch", "boats-staged", "", player.id, me)  # a team vote, alone: the team's choice
    answered = await statements("answered")
    assert [s["result"]["response"] for s in answered[3:]] == ["boats-staged"]  # one statement for one choice
    assert not any(k.endswith("/team") for s in answered for k in s["context"]["extensions"])
    scenes = [s["object"]["id"].rpartition("/")[2] for s in await statements("experienced")]
    assert scenes == ["collapse", "command-post", "partial-ending"]
    [completed] = await statements("completed")
    result = completed["result"]
    assert result["completion"] is True and result["success"] is False  # rescue only partially met
    extensions = result["extensions"]
    points = next(value for key, value in extensions.items() if key.endswith("/objective-points"))
    ending = next(value for key, value in extensions.items() if key.endswith("/ending"))
    assert points == (await load(run.id)).state.scores
    assert ending == {"id": "partial-ending", "objectives": {"command": "met", "rescue": "partially_met"}}


async def test_a_statement_is_written_with_what_it_records_or_not_at_all(app, make_person):
    _, player, me, run = await play_alone(make_person)
    before = await XapiStatement.count()
    with pytest.raises(RuntimeError):
        async with db.transaction():
            await decide(run.id, 0, "patrol", "perimeter", "", player.id, me)
            raise RuntimeError("the transaction fails after the decision")
    assert await XapiStatement.count() == before


async def test_a_preview_makes_no_statement(app, make_person):
    version = await add_upload("bridge.yaml", BRIDGE, ANONYMOUS, published=False)
    coordinator = await make_person(roles=("coordinator",))
    rehearsal = await rehearsed(version, "all", ["patrol:wait", "fire:wait", "dispatch:wait"], coordinator.id)
    assert rehearsal.played.state.node == "chaos" and await XapiStatement.count() == 0


def test_durations_are_iso_8601_however_long():
    from drillhub.xapi.statements import duration

    assert [duration(s) for s in (0, 12.5, 59.999, 3723.25, 999_999.99, 30 * 86_400)] == [
        "PT0S", "PT12.5S", "PT1M0S", "PT1H2M3.25S", "PT277H46M39.99S", "PT720H0S"]


async def test_what_a_player_typed_but_never_sent_stays_here_when_time_runs_out(app, make_person):
    from drillhub.exercises.service import RunRecord, save_draft, time_runs_out

    _, player, me, run = await play_alone(make_person, "patrol")
    await save_draft(run.id, 0, "patrol", "Half a thought about the crowd", player.id)
    async with db.transaction():
        played = await load(run.id)
        record = RunRecord(played)
        await time_runs_out(played, record)
        await record.close()
    [timed_out] = [s for s in await statements("answered") if s["result"]["response"] == "wait"]  # patrol's
    assert (await load(run.id)).state.node == "chaos"  # patrol's default sends the run to the crowded bank
    assert "extensions" not in timed_out["result"]
    assert any(value == "default on time-out" for value in timed_out["context"]["extensions"].values())


async def test_a_run_ended_in_the_lobby_makes_no_statement_and_one_ended_early_is_terminated(
        app, make_session, make_person, make_agency):
    from drillhub.enrolment.service import enrol_people
    from drillhub.facilitation.service import assign, facilitator_action, join, open_run, start

    await add_upload("bridge.yaml", BRIDGE, ANONYMOUS)
    session, facilitator = await make_session(), await make_person(roles=("facilitator",))
    player = await make_person(agency=await make_agency())
    await enrol_people(session.id, [player.id], ANONYMOUS)
    boss = Actor(person_id=facilitator.id, label=facilitator.email)
    unplayed = await open_run(session.id, "bridge-collapse", boss)
    await join(unplayed.join_code.lower(), player.id)
    await assign(unplayed.id, player.id, "patrol", boss)
    await facilitator_action(unplayed.id, "end", boss, confirmed=True)
    assert await statements() == []
    played = await open_run(session.id, "bridge-collapse", boss)
    await join(played.join_code.lower(), player.id)
    await assign(played.id, player.id, "patrol", boss)
    await start(played.id, boss)
    await facilitator_action(played.id, "end", boss, confirmed=True)
    [ended] = await statements("terminated")
    assert ended["verb"]["id"] == "http://adlnet.gov/expapi/verbs/terminated" and ended["result"]["completion"] is False
    assert await statements("completed") == []


async def test_a_player_given_a_role_mid_scene_reaches_that_scene(app, make_session, make_person, make_agency):
    from drillhub.enrolment.service import enrol_people
    from drillhub.facilitation.service import assign, join, open_run, start

    await add_upload("bridge.yaml", BRIDGE, ANONYMOUS)
    session, facilitator = await make_session(), await make_person(roles=("facilitator",))
    first, late = await make_person(agency=await make_agency()), await make_person(agency=await make_agency())
    await enrol_people(session.id, [first.id, late.id], ANONYMOUS)
    boss = Actor(person_id=facilitator.id, label=facilitator.email)
    run = await open_run(session.id, "bridge-collapse", boss)
    for person in (first, late):
        await join(run.join_code.lower(), person.id)
    await assign(run.id, first.id, "patrol", boss)
    await start(run.id, boss)
    assert [s["actor"]["account"]["name"] for s in await statements("experienced")] == [f"person-{first.id}"]
    await assign(run.id, late.id, "fire", boss)  # late: reaches the scene under way
    await assign(run.id, late.id, "dispatch", boss)  # a change of role is not a new arrival
    reached = [(s["actor"]["account"]["name"], s["object"]["id"].rpartition("/")[2]) for s in await statements(
        "experienced")]
    assert reached == [(f"person-{first.id}", "collapse"), (f"person-{late.id}", "collapse")]
