import pytest

from drillhub.audit.service import Actor
from drillhub.errors import Conflict, Forbidden
from drillhub import db
from drillhub.exercises import service
from drillhub.exercises.debrief import debrief
from drillhub.exercises.service import RunRecord, continue_run, decide, load, my_runs, start_self_paced
from drillhub.exercises.tables import Run, RunEvent
from drillhub.scenarios.service import _COMPILED_VERSIONS, compiled_text


def actor(person) -> Actor:
    return Actor(person_id=person.id, label=person.email)


async def kinds(run_id: int) -> list[str]:
    return [row["kind"] for row in await RunEvent.select(RunEvent.kind).where(RunEvent.run == run_id).order_by(RunEvent.seq)]


async def test_playing_every_role_alone_to_an_ending(bridge, make_person):
    player = await make_person()
    run = await start_self_paced("bridge-collapse", player.id, "all", actor(player))
    played = await load(run.id)
    assert (played.state.node, played.step) == ("collapse", 0)
    for role, choice in [("patrol", "perimeter"), ("fire", "throw-lines"), ("dispatch", "tone-out")]:
        await decide(run.id, 0, role, choice, f"{role} reasoning", player.id, actor(player))
    played = await load(run.id)
    assert (played.state.node, played.step) == ("command-post", 1)
    await decide(run.id, 1, "fire", "boats-staged", "Too risky to launch at night", player.id, actor(player))
    played = await load(run.id)
    assert played.state.ended and played.state.node == "partial-ending" and played.run.status == "ended"
    assert await kinds(run.id) == ["start", "decision", "decision", "decision", "advance", "change", "change",
                                   "decision", "confirm", "advance", "change", "end"]
    decision = await RunEvent.select().where((RunEvent.kind == "decision") & (RunEvent.role == "patrol")).first()
    assert (decision["person"], decision["agency"], decision["choice"], decision["expected"]) == (
        player.id, player.agency, "perimeter", True)
    assert decision["rationale"] == "patrol reasoning" and decision["shown_at"] <= decision["at"]
    change = await RunEvent.select().where(RunEvent.kind == "change").output(load_json=True).first()
    assert change["data"] == {"variable": "crowd", "before": "panicked", "after": "dispersed", "wanted": "dispersed"}


async def test_one_role_alone_the_others_take_the_expected_action(bridge, make_person):
    player = await make_person()
    run = await start_self_paced("bridge-collapse", player.id, "dispatch", actor(player))
    assert await kinds(run.id) == ["start"]  # the first scene is the player's to read before anyone decides
    await decide(run.id, 0, "dispatch", "tone-out", "", player.id, actor(player))
    stand_ins = await RunEvent.select(RunEvent.role, RunEvent.choice, RunEvent.data).where(
        RunEvent.kind == "decision").output(load_json=True)
    assert {row["role"]: (row["choice"], row["data"].get("by")) for row in stand_ins} == {
        "dispatch": ("tone-out", None), "patrol": ("perimeter", "stand_in"), "fire": ("throw-lines", "stand_in")}
    assert (await load(run.id)).state.node == "command-post"
    with pytest.raises(Forbidden):
        await decide(run.id, 1, "fire", "boats-staged", "", player.id, actor(player))  # not this player's role
    await decide(run.id, 1, "dispatch", "boats-staged", "", player.id, actor(player))
    assert (await load(run.id)).state.ended


async def test_alone_every_scene_on_the_path_is_shown_even_where_the_role_does_not_decide(bridge, make_person):
    player = await make_person()
    run = await start_self_paced("bridge-collapse", player.id, "patrol", actor(player))
    await decide(run.id, 0, "patrol", "wait", "", player.id, actor(player))
    played = await load(run.id)
    assert (played.state.node, played.step) == ("chaos", 1)  # fire leads here: the patrol reads it, then goes on
    with pytest.raises(Conflict, match="moved on"):
        await continue_run(run.id, 0, player.id)  # a page from the scene before
    await continue_run(run.id, 1, player.id)
    played = await load(run.id)
    assert played.state.node == "command-post"
    lead = [e for e in played.events if e["kind"] == "decision" and e["role"] == "fire"][-1]
    assert (lead["node"], lead["choice"], lead["data"]) == ("chaos", "set-up-command", {"by": "stand_in"})
    with pytest.raises(Conflict, match="needs a decision"):
        await continue_run(run.id, 2, player.id)  # the patrol votes in the team decision


async def test_refusals_record_nothing(bridge, make_person):
    player, stranger = await make_person(), await make_person()
    run = await start_self_paced("bridge-collapse", player.id, "all", actor(player))
    before = await kinds(run.id)
    with pytest.raises(Forbidden):
        await decide(run.id, 0, "patrol", "perimeter", "", stranger.id, actor(stranger))
    with pytest.raises(Conflict, match="not offered to the patrol role"):
        await decide(run.id, 0, "patrol", "throw-lines", "", player.id, actor(player))
    await decide(run.id, 0, "patrol", "perimeter", "", player.id, actor(player))
    with pytest.raises(Conflict, match="already decided"):  # a double click
        await decide(run.id, 0, "patrol", "perimeter", "", player.id, actor(player))
    with pytest.raises(Conflict, match="moved on"):  # a form from an earlier scene
        await decide(run.id, 3, "fire", "throw-lines", "", player.id, actor(player))
    assert await kinds(run.id) == [*before, "decision"]


async def test_the_record_alone_rebuilds_the_run_after_a_restart(bridge, make_person):
    player = await make_person()
    run = await start_self_paced("bridge-collapse", player.id, "all", actor(player))
    for role, choice in [("patrol", "wait"), ("fire", "wait"), ("dispatch", "wait")]:
        await decide(run.id, 0, role, choice, "", player.id, actor(player))
    compiled_text.cache_clear()  # as if the server had restarted: nothing kept in memory
    _COMPILED_VERSIONS.clear()
    service._REBUILT.clear()
    played = await load(run.id)
    assert played.state.node == "chaos" and played.state.variables["victims_in_water"] == 12
    with pytest.raises(Conflict, match="needs a decision"):
        await continue_run(run.id, 1, player.id)
    await decide(run.id, 1, "fire", "keep-going", "", player.id, actor(player))
    assert (await load(run.id)).state.node == "late-rescue"
    await continue_run(run.id, 2, player.id)
    assert (await load(run.id)).state.node == "poor-ending"
    seqs = [row["seq"] for row in await RunEvent.select(RunEvent.seq).where(RunEvent.run == run.id).order_by(RunEvent.seq)]
    assert seqs == list(range(1, len(seqs) + 1))


async def test_a_kept_run_catches_up_with_what_was_recorded_since(bridge, make_person):
    player = await make_person()
    run = await start_self_paced("bridge-collapse", player.id, "all", actor(player))
    await load(run.id)  # kept by this process, as a poll would
    for role, choice in [("patrol", "perimeter"), ("fire", "throw-lines"), ("dispatch", "tone-out")]:
        await decide(run.id, 0, role, choice, "why", player.id, actor(player))  # as if by another worker
    kept = await load(run.id)
    service._REBUILT.clear()
    rebuilt = await load(run.id)
    assert kept.state.node == "command-post" and kept.step == 1
    assert (kept.state, kept.step, kept.last_seq, kept.events) == (rebuilt.state, rebuilt.step, rebuilt.last_seq,
                                                                    rebuilt.events)


async def test_a_rolled_back_event_is_never_kept(bridge, make_person):
    player = await make_person()
    run = await start_self_paced("bridge-collapse", player.id, "all", actor(player))
    before = await load(run.id)
    with pytest.raises(RuntimeError):
        async with db.transaction():
            record = RunRecord(await load(run.id))
            await record.add(RunEvent.Kind.decision, role="patrol", choice="perimeter")
            await record.close()
            assert (await load(run.id)).state.choices == {"patrol": "perimeter"}  # seen inside the transaction
            raise RuntimeError("rolled back")
    after = await load(run.id)
    assert after.last_seq == before.last_seq and after.state == before.state
    await decide(run.id, 0, "patrol", "wait", "", player.id, actor(player))  # the same number, now for real
    assert (await load(run.id)).state.choices == {"patrol": "wait"}


async def test_debrief_compares_choices_with_the_expected_actions(bridge, make_person):
    player = await make_person()
    run = await start_self_paced("bridge-collapse", player.id, "patrol", actor(player))
    with pytest.raises(Conflict, match="when the exercise ends"):
        await debrief(run.id, player.id)
    await decide(run.id, 0, "patrol", "wait", "Wanted more information", player.id, actor(player))
    await continue_run(run.id, 1, player.id)  # chaos: the fire stand-in takes the lead decision
    played = await load(run.id)
    assert played.state.node == "command-post"
    await decide(run.id, played.step, "patrol", "boats-now", "Six in the water", player.id, actor(player))
    report = await debrief(run.id, player.id)
    assert report.ending_title == "Everyone out of the water"
    own = [line for line in report.lines if line.made_by == "player"]
    assert [(line.role_title, line.choice_label) for line in own] == [  # alone, the vote is the team's choice
        ("Patrol sergeant", "Wait for more information"), ("Patrol sergeant (vote)", "Launch both boats now")]
    assert all(line.mine for line in own)
    assert not own[0].expected and own[0].rationale == "Wanted more information"
    assert own[0].debrief == ("Waiting costs lives.",  # why this falls short, then why the expected action is right
                              "A clear bank keeps more people from falling in and gives fire room to work.")
    assert own[0].expected_labels == ("Push the crowd back from the bank",)  # the patrol's, not the other roles'
    stand_ins = [line for line in report.lines if line.made_by == "stand-in"]
    assert {line.role_title for line in stand_ins} == {"Fire battalion chief", "911 shift supervisor"}
    assert not any(line.mine for line in stand_ins) and report.not_own == len(stand_ins)
    assert report.path == ("The bridge gives way", "The bank is crowded", "Unified command", "Everyone out of the water")
    assert report.expected_rate == 0.0
    # scored from the points, not the ending's word ('met' for both): the patrol's wait earned none of the
    # command point the perimeter would have, the fire stand-in's command post earned the other
    assert [(o.description, o.points, o.possible, o.outcome) for o in report.objectives] == [
        ("Establish unified command within 15 minutes.", 1, 2, "partially met"),
        ("Start water rescue safely.", 5, 5, "met")]  # stand-ins 2 + 1, the team's boats 2; a vote scores nothing
    assert [row["id"] for row in await my_runs(player.id)] == [run.id]
    assert (await Run.objects().get(Run.id == run.id)).status == "ended"


async def test_the_debrief_judges_each_decision_by_what_was_open_then(bridge, make_person):
    """All expected actions take the water down to 3, which closes 'Launch both boats now': staging them was
    all the team could do, so rescue is met; the vote in a scene with no expected action is not judged."""
    player = await make_person()
    run = await start_self_paced("bridge-collapse", player.id, "all", actor(player))
    for role, choice in [("patrol", "perimeter"), ("fire", "throw-lines"), ("dispatch", "tone-out")]:
        await decide(run.id, 0, role, choice, "", player.id, actor(player))
    await decide(run.id, 1, "fire", "boats-staged", "", player.id, actor(player))
    report = await debrief(run.id, player.id)
    assert [(o.points, o.possible, o.outcome) for o in report.objectives] == [(1, 1, "met"), (3, 3, "met")]
    assert report.expected_rate == 1.0  # three expected of three judged; the staging vote had none to take
    staged = [line for line in report.lines if line.choice_label.startswith("Stage")]
    assert [(line.role_title, line.expected) for line in staged] == [("Fire battalion chief (vote)", None)]


async def test_the_first_scenes_entry_effects_are_recorded_as_changes(make_person):
    from drillhub.audit.service import ANONYMOUS
    from drillhub.scenarios.service import add_upload
    from tests.conftest import SCENARIO_FILES

    text = (SCENARIO_FILES / "bridge.yaml").read_text().replace(
        "    narrative: At 19:40 the **footbridge** collapses into the river.\n",
        "    narrative: At 19:40 the **footbridge** collapses into the river.\n    effects: {crowd: calm}\n", 1)
    await add_upload("bridge.yaml", text, ANONYMOUS)
    player = await make_person()
    run = await start_self_paced("bridge-collapse", player.id, "all", actor(player))
    assert await kinds(run.id) == ["start", "change"]
    change = await RunEvent.select(RunEvent.step, RunEvent.node, RunEvent.data).where(
        RunEvent.kind == "change").output(load_json=True).first()
    assert change == {"step": 0, "node": "collapse", "data": {
        "variable": "crowd", "before": "panicked", "after": "calm", "wanted": "calm"}}
    assert (await load(run.id)).state.variables["crowd"] == "calm"
