from datetime import UTC, datetime

import pytest

from drillhub.afteraction.events import events_of_runs
from drillhub.audit.service import ANONYMOUS, Actor
from drillhub.enrolment.service import enrol_people
from drillhub.errors import Conflict, Forbidden, NotFound
from drillhub.exercises import record
from drillhub.exercises.service import decide, load
from drillhub.exercises.clock import clock
from drillhub.exercises.ticker import tick
from drillhub.exercises.tables import RunEvent
from drillhub.facilitation.service import (
    JOIN_ALPHABET,
    assign,
    confirm_as_lead,
    facilitator_action,
    join,
    open_run,
    start,
    votes,
)
from drillhub.scenarios.service import add_upload
from tests.conftest import SCENARIO_FILES
from tests.facilitation.clock import backdate


def actor(person) -> Actor:
    return Actor(person_id=person.id, label=person.email)


@pytest.fixture
async def lobby(bridge, make_session, make_person, make_agency):
    return await opened(make_session, make_person, make_agency)


async def opened(make_session, make_person, make_agency):
    """A published session with three enrolled players from three agencies, and an open run."""
    session = await make_session()
    facilitator = await make_person(roles=("facilitator",))
    players = {role: await make_person(agency=await make_agency()) for role in ("patrol", "fire", "dispatch")}
    await enrol_people(session.id, [p.id for p in players.values()], ANONYMOUS)
    run = await open_run(session.id, "bridge-collapse", actor(facilitator))
    return run, facilitator, players


async def running(lobby):
    run, facilitator, players = lobby
    for role, person in players.items():
        await join(run.join_code.lower(), person.id)
        await assign(run.id, person.id, role, actor(facilitator))
    await start(run.id, actor(facilitator))
    return run, facilitator, players


async def test_join_codes_and_who_may_join(lobby, make_person):
    run, _, players = lobby
    assert len(run.join_code) == 6 and set(run.join_code) <= set(JOIN_ALPHABET)
    with pytest.raises(NotFound):
        await join("ZZZZZZ", players["patrol"].id)
    stranger = await make_person()
    with pytest.raises(Forbidden):
        await join(run.join_code, stranger.id)
    await join(run.join_code, players["patrol"].id)
    await join(run.join_code, players["patrol"].id)  # joining twice is harmless
    assert (await load(run.id)).run.status == "lobby"


async def test_start_needs_roles_and_then_players_decide_for_their_roles(lobby):
    run, facilitator, players = lobby
    with pytest.raises(Conflict, match="Give at least one participant a role"):
        await start(run.id, actor(facilitator))
    run, facilitator, players = await running(lobby)
    played = await load(run.id)
    assert played.run.status == "running" and played.state.node == "collapse"
    with pytest.raises(Forbidden):
        await decide(run.id, 0, "fire", "throw-lines", "", players["patrol"].id, actor(players["patrol"]))
    await decide(run.id, 0, "patrol", "perimeter", "Keep people back", players["patrol"].id, actor(players["patrol"]))
    with pytest.raises(Conflict, match="Cannot move on: Fire battalion chief and 911 shift supervisor have not decided"):
        await facilitator_action(run.id, "advance", actor(facilitator), step=0)
    await decide(run.id, 0, "fire", "throw-lines", "", players["fire"].id, actor(players["fire"]))
    await decide(run.id, 0, "dispatch", "tone-out", "", players["dispatch"].id, actor(players["dispatch"]))
    await facilitator_action(run.id, "advance", actor(facilitator), step=0)
    played = await load(run.id)
    assert played.state.node == "command-post"
    decision = await RunEvent.select().where((RunEvent.kind == "decision") & (RunEvent.role == "patrol")).first()
    assert decision["agency"] == players["patrol"].agency and decision["rationale"] == "Keep people back"


async def test_team_votes_are_shown_and_the_lead_confirms(lobby):
    run, facilitator, players = await running(lobby)
    for role, choice in [("patrol", "perimeter"), ("fire", "throw-lines"), ("dispatch", "tone-out")]:
        await decide(run.id, 0, role, choice, "", players[role].id, actor(players[role]))
    await facilitator_action(run.id, "advance", actor(facilitator), step=0)
    await decide(run.id, 1, "patrol", "boats-staged", "", players["patrol"].id, actor(players["patrol"]))
    await decide(run.id, 1, "dispatch", "boats-staged", "", players["dispatch"].id, actor(players["dispatch"]))
    assert votes(await load(run.id)) == {"boats-staged": ["patrol", "dispatch"]}
    with pytest.raises(Forbidden):
        await confirm_as_lead(run.id, 1, "boats-staged", players["patrol"].id, actor(players["patrol"]))
    await confirm_as_lead(run.id, 1, "boats-staged", players["fire"].id, actor(players["fire"]))  # fire leads
    await facilitator_action(run.id, "advance", actor(facilitator), step=1)
    played = await load(run.id)
    assert played.state.ended and played.run.status == "ended"


async def test_scheduled_injects_are_delivered_once_and_contingencies_by_hand(lobby):
    run, facilitator, _ = await running(lobby)
    await tick(await load(run.id))
    assert await RunEvent.count().where(RunEvent.kind == "inject") == 0
    await backdate(run.id, 45)
    await tick(await load(run.id))
    await tick(await load(run.id))
    injects = await RunEvent.select(RunEvent.data).where(RunEvent.kind == "inject").output(load_json=True)
    assert [row["data"] for row in injects] == [{"inject": "first-call", "how": "scheduled"}]
    await facilitator_action(run.id, "release", actor(facilitator), inject_id="news-van")
    assert await RunEvent.count().where(RunEvent.kind == "inject") == 2


async def test_an_inject_is_released_again_only_on_purpose_and_once(lobby):
    run, facilitator, _ = await running(lobby)
    await facilitator_action(run.id, "release", actor(facilitator), inject_id="news-van", released=0)
    with pytest.raises(Conflict, match="released since the page was shown"):  # the same click again
        await facilitator_action(run.id, "release", actor(facilitator), inject_id="news-van", released=0)
    with pytest.raises(Conflict, match="already out"):
        await facilitator_action(run.id, "release", actor(facilitator), inject_id="news-van")
    await facilitator_action(run.id, "release", actor(facilitator), inject_id="news-van", released=1, repeat=True)
    with pytest.raises(Conflict, match="released since the page was shown"):  # the repeat's second click
        await facilitator_action(run.id, "release", actor(facilitator), inject_id="news-van", released=1, repeat=True)
    injects = await RunEvent.select(RunEvent.data).where(RunEvent.kind == "inject").output(load_json=True)
    assert [row["data"] for row in injects] == [{"inject": "news-van", "how": "by hand"},
                                                {"inject": "news-van", "how": "by hand", "repeat": True}]
    played = await load(run.id)
    assert [(m.what, m.repeat) for m in record.timeline(played.events) if m.kind == "inject"] == [
        ("news-van", False), ("news-van", True)]


async def test_the_clock_pauses_extends_and_times_out_to_the_defaults(lobby):
    run, facilitator, players = await running(lobby)
    await decide(run.id, 0, "fire", "throw-lines", "", players["fire"].id, actor(players["fire"]))
    await backdate(run.id, 100)
    played = await load(run.id)
    now = datetime.now(UTC)
    assert 99 <= clock(played, now).running_seconds <= 101 and clock(played, now).left in (79, 80, 81)
    await facilitator_action(run.id, "pause", actor(facilitator))
    await backdate(run.id, 500)  # a long pause...
    await facilitator_action(run.id, "resume", actor(facilitator))
    await facilitator_action(run.id, "extend", actor(facilitator), seconds=60)
    played = await load(run.id)
    assert clock(played, datetime.now(UTC)).limit_seconds == 240
    assert clock(played, datetime.now(UTC)).running_seconds < 110  # ...that did not count
    await tick(await load(run.id))
    assert (await load(run.id)).state.node == "collapse"
    await backdate(run.id, 200)
    await tick(await load(run.id))
    played = await load(run.id)
    assert played.state.node == "chaos"  # patrol and dispatch took the default ('wait')
    assert await RunEvent.count().where(RunEvent.kind == "timeout") == 1
    defaults = await RunEvent.select(RunEvent.role, RunEvent.choice, RunEvent.person, RunEvent.agency,
                                     RunEvent.expected, RunEvent.data).where(
        (RunEvent.kind == "decision") & (RunEvent.choice == "wait")).order_by(RunEvent.seq).output(load_json=True)
    assert [(d["role"], d["person"], d["agency"], d["expected"], d["data"]) for d in defaults] == [
        (role, players[role].id, players[role].agency, False, {"by": "timeout"}) for role in ("patrol", "dispatch")]
    decided = record.decisions(played.events)
    assert [(d.role, d.by, d.own) for d in decided] == [
        ("fire", "player", True), ("patrol", "timeout", False), ("dispatch", "timeout", False)]


async def test_facilitator_actions_are_checked(lobby):
    run, facilitator, _ = lobby
    with pytest.raises(Conflict, match="not running"):
        await facilitator_action(run.id, "pause", actor(facilitator))
    run, facilitator, _ = await running(lobby)
    with pytest.raises(Conflict, match="moved on"):
        await facilitator_action(run.id, "advance", actor(facilitator), step=4)
    from drillhub.errors import Invalid

    with pytest.raises(Invalid):
        await facilitator_action(run.id, "release", actor(facilitator), inject_id="no-such-inject")
    with pytest.raises(Invalid, match="Confirm that you want to end the exercise now"):
        await facilitator_action(run.id, "end", actor(facilitator))  # ending early is asked twice
    assert (await load(run.id)).run.status == "running"
    await facilitator_action(run.id, "end", actor(facilitator), confirmed=True)
    assert (await load(run.id)).run.status == "ended"
    with pytest.raises(NotFound):
        await join(run.join_code, facilitator.id)


async def test_stand_ins_decide_for_roles_nobody_holds(lobby):
    run, facilitator, players = lobby
    await join(run.join_code, players["patrol"].id)
    await assign(run.id, players["patrol"].id, "patrol", actor(facilitator))
    await start(run.id, actor(facilitator))
    await decide(run.id, 0, "patrol", "perimeter", "", players["patrol"].id, actor(players["patrol"]))
    await facilitator_action(run.id, "stand_in", actor(facilitator), step=0)
    stand_ins = await RunEvent.select(RunEvent.role, RunEvent.choice).where(
        (RunEvent.kind == "decision") & (RunEvent.role != "patrol"))
    assert {row["role"]: row["choice"] for row in stand_ins} == {"fire": "throw-lines", "dispatch": "tone-out"}
    await facilitator_action(run.id, "advance", actor(facilitator), step=0)
    assert (await load(run.id)).state.node == "command-post"


async def test_a_team_lead_nobody_holds_settles_on_the_leading_vote(lobby):
    run, facilitator, players = await running(lobby)
    for role, choice in [("patrol", "perimeter"), ("fire", "throw-lines"), ("dispatch", "tone-out")]:
        await decide(run.id, 0, role, choice, "", players[role].id, actor(players[role]))
    await facilitator_action(run.id, "advance", actor(facilitator), step=0)
    await assign(run.id, players["fire"].id, "", actor(facilitator))  # the lead (fire) leaves
    await decide(run.id, 1, "patrol", "boats-staged", "", players["patrol"].id, actor(players["patrol"]))
    await facilitator_action(run.id, "stand_in", actor(facilitator), step=1)
    assert (await load(run.id)).state.confirmed == "boats-staged"


async def test_a_run_ended_before_an_ending_has_a_debrief(lobby):
    from drillhub.exercises.debrief import ENDED_EARLY, debrief

    run, facilitator, players = await running(lobby)
    await decide(run.id, 0, "patrol", "perimeter", "", players["patrol"].id, actor(players["patrol"]))
    await facilitator_action(run.id, "end", actor(facilitator), confirmed=True)
    report = await debrief(run.id, players["patrol"].id)
    assert report.ending_title == "Ended at “The bridge gives way”" and report.ending_summary == ENDED_EARLY
    # scored from the one decision taken: the patrol's expected choice earned the command point it could
    assert [(o.outcome, o.points, o.possible) for o in report.objectives] == [("met", 1, 1), ("not scored", 0, 0)]


async def test_a_changed_vote_is_read_as_its_last_version(lobby):
    from drillhub.exercises.debrief import debrief

    run, facilitator, players = await running(lobby)
    for role, choice in [("patrol", "perimeter"), ("fire", "throw-lines"), ("dispatch", "wait")]:  # 5 in the water
        await decide(run.id, 0, role, choice, "", players[role].id, actor(players[role]))
    await facilitator_action(run.id, "advance", actor(facilitator), step=0)
    await decide(run.id, 1, "patrol", "boats-staged", "", players["patrol"].id, actor(players["patrol"]))
    await decide(run.id, 1, "patrol", "boats-now", "Changed my mind", players["patrol"].id, actor(players["patrol"]))
    await confirm_as_lead(run.id, 1, "boats-now", players["fire"].id, actor(players["fire"]))
    played = await load(run.id)
    assert [e["choice"] for e in played.events if e["kind"] == "decision" and e["step"] == 1] == [
        "boats-staged", "boats-now"]  # the record keeps both
    await facilitator_action(run.id, "advance", actor(facilitator), step=1)
    report = await debrief(run.id, players["patrol"].id)
    votes_read = [(line.choice_label, line.rationale) for line in report.lines if line.role_title.endswith("(vote)")]
    assert votes_read == [("Launch both boats now", "Changed my mind")]


async def test_an_inject_showing_a_value_is_kept_as_its_players_read_it(app, make_session, make_person, make_agency):
    text = (SCENARIO_FILES / "bridge.yaml").read_text().replace(
        "message: Live shot of the river.", "message: 'Live shot of the river, {victims_in_water} people in the water.'")
    await add_upload("bridge.yaml", text, ANONYMOUS)
    run, facilitator, _ = await running(await opened(make_session, make_person, make_agency))
    await facilitator_action(run.id, "release", actor(facilitator), inject_id="news-van")
    [event] = await RunEvent.select(RunEvent.data).where(RunEvent.kind == "inject").output(load_json=True)
    assert event["data"] == {"inject": "news-van", "how": "by hand",
                             "message": "Live shot of the river, 6 people in the water."}
    [moment] = [m for m in record.timeline((await load(run.id)).events) if m.kind == "inject"]
    assert moment.message == "Live shot of the river, 6 people in the water."
    _, _, moments = await events_of_runs([{"id": run.id, "scenario": run.scenario}])
    assert "news report from Channel 4: Live shot of the river, 6 people in the water." in [m["text"] for m in moments]
