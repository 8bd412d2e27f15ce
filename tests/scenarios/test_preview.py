"""A coordinator plays a scenario version as a role before publishing it: the same self-paced play an
officer will meet, with nothing recorded."""

from drillhub.audit.service import ANONYMOUS
from drillhub.audit.tables import AuditEvent
from drillhub.exercises.preview import rehearsed
from drillhub.exercises.service import continue_run, decide, load, start_self_paced
from drillhub.exercises.tables import Run, RunEvent
from drillhub.scenarios.service import add_upload, publish
from tests.conftest import SCENARIO_FILES

BRIDGE = (SCENARIO_FILES / "bridge.yaml").read_text()


async def recorded() -> tuple[int, int, int]:
    return await Run.count(), await RunEvent.count(), await AuditEvent.count()


async def test_the_preview_plays_a_draft_as_one_role_and_records_nothing(signed_in_client):
    draft = await add_upload("bridge.yaml", BRIDGE, ANONYMOUS, published=False)
    coordinator = await signed_in_client("coordinator")
    before = await recorded()
    url = f"/scenarios/versions/{draft.id}/preview"
    first = (await coordinator.get(f"{url}?role=dispatch")).text
    for seen in ("The bridge gives way", "Twelve 911 calls in the first minute.", "People in the water!",
                 'name="move" value="dispatch:tone-out"', 'name="move" value="dispatch:wait"', "(a draft)"):
        assert seen in first, seen
    for unseen in ("Crowd surging to the bank.", 'value="dispatch:perimeter"', "Back one step"):
        assert unseen not in first, unseen  # another role's inject and choice
    moved = await coordinator.get(url, params={"role": "dispatch", "moves": "", "move": "dispatch:tone-out"})
    assert moved.status_code == 303 and moved.headers["location"] == f"{url}?role=dispatch&moves=dispatch%3Atone-out#play"
    team = (await coordinator.get(moved.headers["location"])).text
    # the roles nobody plays took their expected action: patrol and fire together lead to unified command
    assert "Unified command" in team and "Decided in “The bridge gives way”" in team
    assert "Patrol sergeant chose <strong>Push the crowd back from the bank</strong> <span class=\"muted\">(stand-in)" in team
    assert 'value="dispatch:boats-staged"' in team and "your vote for" in team
    assert 'value="dispatch:boats-now"' not in team  # only when more than 3 are in the water: 6 - 3 are
    assert "<td><code>victims_in_water</code></td><td>3</td>" in team  # 6 - 3 (throw lines)
    assert f'href="{url}?role=dispatch&amp;moves=#play">Back one step' in team
    ending = (await coordinator.get(url, params={"role": "dispatch", "moves": "dispatch:tone-out.dispatch:boats-staged"})).text
    assert "Most rescued" in ending and "Rescue worked but was slow." in ending and 'name="move"' not in ending
    assert await recorded() == before


async def test_a_move_play_refuses_stops_the_preview_and_says_why(signed_in_client):
    version = await add_upload("bridge.yaml", BRIDGE, ANONYMOUS)
    coordinator = await signed_in_client("coordinator")
    url = f"/scenarios/versions/{version.id}/preview"
    stale = await coordinator.get(url, params={"role": "dispatch", "moves": "dispatch:perimeter"})
    assert stale.status_code == 200 and "The preview stopped here" in stale.text
    assert "that choice is not offered to the dispatch role here." in stale.text and "The bridge gives way" in stale.text
    other = await coordinator.get(url, params={"role": "dispatch", "moves": "fire:throw-lines"})
    assert "you do not hold this role in the exercise." in other.text
    unknown = await coordinator.get(url, params={"role": "mayor"})
    assert unknown.status_code == 404 and "no role &#39;mayor&#39;" in unknown.text
    endless = await coordinator.get(url, params={"role": "dispatch", "moves": ".".join(["continue"] * 3000)})
    assert endless.status_code == 200 and "because this scene needs a decision before moving on." in endless.text


async def test_only_coordinators_preview(signed_in_client):
    version = await add_upload("bridge.yaml", BRIDGE, ANONYMOUS)
    for role in ("facilitator", "officer", "supervisor"):
        client = await signed_in_client(role)
        assert (await client.get(f"/scenarios/versions/{version.id}/preview?role=fire")).status_code == 403, role
    page = (await (await signed_in_client("coordinator")).get(f"/scenarios/versions/{version.id}")).text
    assert f'/scenarios/versions/{version.id}/preview?role=fire">Preview as Fire' in page


async def test_the_preview_goes_where_a_real_run_with_the_same_choices_goes(make_person):
    draft = await add_upload("bridge.yaml", BRIDGE, ANONYMOUS, published=False)
    await publish(draft.id, ANONYMOUS)
    player = await make_person()
    for moves in (["patrol:perimeter", "fire:throw-lines", "dispatch:tone-out", "fire:boats-staged"],
                  ["patrol:wait", "fire:wait", "dispatch:wait", "fire:keep-going", "continue"]):
        rehearsal = await rehearsed(draft, "all", moves, player.id)
        run = await start_self_paced("bridge-collapse", player.id, "all", ANONYMOUS)
        for step, move in enumerate(moves):
            played = await load(run.id)
            if move == "continue":
                await continue_run(run.id, played.step, player.id)
            else:
                role, choice = move.split(":")
                await decide(run.id, played.step, role, choice, "", player.id, ANONYMOUS)
        real = (await load(run.id)).state
        assert rehearsal.refused == "" and rehearsal.moves == moves
        assert rehearsal.played.state.ended and real.ended
        assert (rehearsal.played.state.path, rehearsal.played.state.variables, rehearsal.played.state.scores) == (
            real.path, real.variables, real.scores)


async def test_the_preview_lets_the_time_run_out_as_a_real_run_would(signed_in_client):
    version = await add_upload("bridge.yaml", BRIDGE, ANONYMOUS)
    coordinator = await signed_in_client("coordinator")
    url = f"/scenarios/versions/{version.id}/preview"
    first = (await coordinator.get(f"{url}?role=dispatch")).text
    assert "An officer has 3:00 to decide here; when it runs out, the default (“Wait for more information”)" in first
    assert 'name="move" value="time-out"' in first
    after = (await coordinator.get(url, params={"role": "dispatch", "moves": "time-out"})).text
    # the roles nobody plays took their expected action, dispatch the default: 6 + 2 (waiting) - 3 (lines)
    assert "the time ran out: defaults were recorded" in after and "Unified command" in after
    assert "911 shift supervisor chose <strong>Wait for more information</strong> <span class=\"muted\">" \
           "(default on time-out)" in after
    assert "<td><code>victims_in_water</code></td><td>5</td>" in after
    assert 'name="move" value="time-out"' not in after  # the team decision has no time limit
    refused = (await coordinator.get(url, params={"role": "dispatch", "moves": "time-out.time-out"})).text
    assert "because this scene has no time limit." in refused
