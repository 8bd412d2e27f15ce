import html
import re
from types import SimpleNamespace

import pytest

from drillhub.audit.service import ANONYMOUS
from drillhub.enrolment.service import enrol_people
from drillhub.exercises.service import load
from drillhub.exercises.tables import Run
from drillhub.scheduling.tables import SessionStaff
from tests.facilitation.clock import backdate
from tests.support import post_form, post_htmx


async def test_a_facilitated_run_through_the_pages(bridge, signed_in_client, make_session, make_agency):
    session = await make_session()
    facilitator = await signed_in_client("facilitator")
    await SessionStaff.insert(SessionStaff(session=session.id, person=facilitator.person.id, role="facilitator"))
    patrol = await signed_in_client("officer", agency=await make_agency(code="RPDX"))
    fire = await signed_in_client("officer", agency=await make_agency(code="RFDX"))
    await enrol_people(session.id, [patrol.person.id, fire.person.id], ANONYMOUS)

    session_page = await facilitator.get(f"/sessions/{session.id}")
    assert "Run an exercise" in session_page.text
    opened = await post_form(facilitator, f"/sessions/{session.id}/runs", {"scenario": "bridge-collapse"})
    run = await Run.objects().first()
    assert opened.headers["location"].endswith(f"/runs/{run.id}/console")
    projector = await facilitator.get(f"/runs/{run.id}/projector")
    assert run.join_code in projector.text and "<svg" in projector.text and "Nothing has happened yet" in projector.text

    wrong = await post_form(patrol, "/join", {"code": "NOPE22"})
    assert wrong.status_code == 404 and "No open exercise has this code" in wrong.text
    for client in (patrol, fire):
        joined = await post_form(client, "/join", {"code": run.join_code.lower()})
        assert joined.headers["location"].endswith(f"/runs/{run.id}")
    waiting = await patrol.get(f"/runs/{run.id}")
    assert "Waiting to start" in waiting.text and "has not given you a role yet" in waiting.text

    assert "You supervise the festival detail" not in waiting.text  # no role, no briefing
    lobby = await patrol.get(f"/runs/{run.id}/pulse?step=0&status=lobby&roles=")
    assert "HX-Refresh" not in lobby.headers
    console = await facilitator.get(f"/runs/{run.id}/console")
    assert "view=console" in console.text and "people=2" in console.text  # the console watches who joins

    for client, role in ((patrol, "patrol"), (fire, "fire")):
        await post_form(facilitator, f"/runs/{run.id}/assign", {"person": str(client.person.id), "role": role})
    given = await patrol.get(f"/runs/{run.id}/pulse?step=0&status=lobby&roles=")
    assert given.headers.get("HX-Refresh") == "true"  # a role was given: the page learns it
    waiting = await patrol.get(f"/runs/{run.id}")
    assert "Your briefing" in waiting.text and "You supervise the festival detail" in waiting.text
    assert "You supervise the festival detail" not in (await fire.get(f"/runs/{run.id}")).text  # the patrol's only
    await post_form(facilitator, f"/runs/{run.id}/start")
    pulse = await patrol.get(f"/runs/{run.id}/pulse?step=0&status=lobby&roles=patrol")
    assert pulse.headers.get("HX-Refresh") == "true"  # the page was showing the lobby: reload it
    steady = await patrol.get(f"/runs/{run.id}/pulse?step=0&status=running&roles=patrol")
    assert "HX-Refresh" not in steady.headers and "left to decide" in steady.text and "Patrol sergeant" in steady.text

    page = await patrol.get(f"/runs/{run.id}")
    assert "deciding as Patrol sergeant" in page.text and "Twelve 911 calls" not in page.text
    assert "<summary>Your briefing</summary>" in page.text and "You supervise the festival detail" in page.text
    await post_form(patrol, f"/runs/{run.id}/decide", {"step": "0", "role": "patrol", "choice": "perimeter"})
    decided = await patrol.get(f"/runs/{run.id}")
    assert "You chose <strong>Push the crowd back from the bank</strong> as Patrol sergeant." in decided.text
    assert ("waiting: Fire battalion chief has not decided yet; nobody plays 911 shift supervisor: the stand-ins "
            "decide, or the time-out") in decided.text
    assert "before this decision closes" in decided.text and "left to decide" not in decided.text  # they have
    await post_form(fire, f"/runs/{run.id}/decide", {"step": "0", "role": "fire", "choice": "throw-lines"})
    console = await facilitator.get(f"/runs/{run.id}/console")
    assert "waiting: nobody plays 911 shift supervisor: the stand-ins decide, or the time-out" in console.text
    blocked = await post_form(facilitator, f"/runs/{run.id}/console/advance", {"step": "0"}, follow_redirects=True)
    assert "Cannot move on: nobody plays 911 shift supervisor: the stand-ins decide, or the time-out." in blocked.text
    await backdate(run.id, 4 * 60)  # the 3-minute limit passes
    await patrol.get(f"/runs/{run.id}/pulse?step=0&status=running")
    played = await load(run.id)
    assert played.state.node == "command-post" and played.state.variables["victims_in_water"] == 5  # dispatch waited

    team = await fire.get(f"/runs/{run.id}")
    assert "your vote for the team" in team.text and "As the lead, settle the team" in team.text  # fire leads
    assert "Decided in “The bridge gives way”" in team.text and "911 shift supervisor chose <strong>Wait" in team.text
    assert "(default on time-out)" in team.text
    await post_form(patrol, f"/runs/{run.id}/decide", {"step": "1", "role": "patrol", "choice": "boats-now"})
    status = (await fire.get(f"/runs/{run.id}/pulse?step=1&status=running&roles=fire")).text
    assert "<strong>Launch both boats now</strong> (Patrol sergeant)" in status  # a vote, by its label
    assert ("waiting: the team&#39;s choice is not confirmed yet (Fire battalion chief or the facilitator confirms "
            "it); no vote yet from Fire battalion chief") in status  # nobody plays dispatch: no vote to wait for
    voted = await patrol.get(f"/runs/{run.id}")
    assert "You voted for <strong>Launch both boats now</strong>" in voted.text and "Change my vote" in voted.text
    refused = await post_form(patrol, f"/runs/{run.id}/confirm", {"step": "1", "choice": "boats-now"})
    assert refused.status_code == 403  # only the lead confirms
    await post_form(fire, f"/runs/{run.id}/confirm", {"step": "1", "choice": "boats-now"})
    confirmed = await patrol.get(f"/runs/{run.id}/pulse?step=1&status=running&roles=patrol&team=")
    assert confirmed.headers.get("HX-Refresh") == "true"  # the vote form goes once the team's choice is settled
    assert "The team's choice is confirmed: <strong>Launch both boats now</strong>" in confirmed.text
    await post_form(facilitator, f"/runs/{run.id}/console/advance", {"step": "1"})
    ended = await patrol.get(f"/runs/{run.id}")
    assert "Everyone out of the water" in ended.text
    debrief = await facilitator.get(f"/runs/{run.id}/debrief")
    assert debrief.status_code == 200 and "Launch both boats now" in debrief.text
    debrief = await patrol.get(f"/runs/{run.id}/debrief")
    assert f"{patrol.person.name} (RPDX)" in debrief.text and f"{fire.person.name} (RFDX)" in debrief.text
    assert f"/runs/{run.id}/debrief" in (await patrol.get(f"/sessions/{session.id}")).text


async def test_strangers_cannot_join_and_only_facilitators_drive(bridge, signed_in_client, make_session):
    session = await make_session()
    coordinator = await signed_in_client("coordinator")
    await post_form(coordinator, f"/sessions/{session.id}/runs", {"scenario": "bridge-collapse"})
    run = await Run.objects().first()
    stranger = await signed_in_client("officer")
    refused = await post_form(stranger, "/join", {"code": run.join_code})
    assert refused.status_code == 403 and "Only people enrolled" in refused.text
    facilitator_elsewhere = await signed_in_client("facilitator")
    assert (await facilitator_elsewhere.get(f"/runs/{run.id}/console")).status_code == 403
    assert (await post_form(facilitator_elsewhere, f"/sessions/{session.id}/runs", {"scenario": "bridge-collapse"})).status_code == 403


async def test_someone_elses_run_says_nothing_of_itself(bridge, signed_in_client):
    """A stranger's poll or confirmation of a run they did not join is refused before anything of the
    run is told or done (its mode, its clock)."""
    from drillhub.audit.service import Actor
    from drillhub.exercises.service import start_self_paced

    owner, stranger = await signed_in_client("officer"), await signed_in_client("officer")
    run = await start_self_paced("bridge-collapse", owner.person.id, "all", Actor(owner.person.id, owner.person.email))
    assert (await stranger.get(f"/runs/{run.id}/pulse?step=0&status=running")).status_code == 403
    assert (await post_form(stranger, f"/runs/{run.id}/confirm", {"step": "0", "choice": "x"})).status_code == 403


@pytest.fixture
async def live_run(bridge, signed_in_client, make_session, make_agency):
    """A started run of the bridge: a facilitator on the session's staff, and one officer as the patrol."""
    return await started_run(signed_in_client, make_session, make_agency)


async def started_run(signed_in_client, make_session, make_agency):
    """A run of the library's current bridge-collapse, opened, joined by a patrol officer and started."""
    session = await make_session()
    facilitator = await signed_in_client("facilitator")
    await SessionStaff.insert(SessionStaff(session=session.id, person=facilitator.person.id, role="facilitator"))
    patrol = await signed_in_client("officer", agency=await make_agency(code="RPDL"))
    await enrol_people(session.id, [patrol.person.id], ANONYMOUS)
    await post_form(facilitator, f"/sessions/{session.id}/runs", {"scenario": "bridge-collapse"})
    run = await Run.objects().first()
    await post_form(patrol, "/join", {"code": run.join_code})
    await post_form(facilitator, f"/runs/{run.id}/assign", {"person": str(patrol.person.id), "role": "patrol"})
    await post_form(facilitator, f"/runs/{run.id}/start")
    return SimpleNamespace(run=run, facilitator=facilitator, patrol=patrol)


async def test_the_console_shows_what_was_released_and_when(live_run):
    run, facilitator = live_run.run, live_run.facilitator
    console = await facilitator.get(f"/runs/{run.id}/console")
    assert console.text.count("not yet released") == 3
    assert "+0:30 phone to 911 shift supervisor: People in the water!" in console.text  # roles by title
    assert "+5:00 news report to everyone: Live shot of the river." in console.text
    assert "victims_in_water: <strong>6</strong>" in console.text and "command_post: <strong>no</strong>" in console.text
    release = {"inject": "news-van", "released": "0"}
    await post_form(facilitator, f"/runs/{run.id}/console/release", release)
    twice = await post_form(facilitator, f"/runs/{run.id}/console/release", release)  # a double click
    assert twice.status_code == 303
    console = await facilitator.get(f"/runs/{run.id}/console")
    assert "released at +0:0" in console.text and "Release again" in console.text
    assert "released since the page was shown" in console.text  # the flash of the refused second click
    played = await load(run.id)
    assert sum(1 for event in played.events if event["kind"] == "inject") == 1


async def test_what_a_player_typed_is_kept_when_the_time_runs_out(live_run):
    run, patrol = live_run.run, live_run.patrol
    draft = {"step": "0", "role": "patrol", "rationale": "Still counting people on the bank"}
    assert (await post_htmx(patrol, f"/runs/{run.id}/draft", draft)).status_code == 204
    assert (await post_htmx(patrol, f"/runs/{run.id}/draft", {**draft, "role": "fire"})).status_code == 204  # not theirs
    page = await patrol.get(f"/runs/{run.id}")
    assert "Still counting people on the bank</textarea>" in page.text  # a reload keeps what was typed
    await backdate(run.id, 200)
    await patrol.get(f"/runs/{run.id}/pulse?step=0&status=running")  # the poll notices the time ran out
    page = await patrol.get(f"/runs/{run.id}")
    assert ("Time ran out on “The bridge gives way”: the default, “Wait for more information”, was recorded as "
            "the decision of Patrol sergeant. What you had typed is kept with it: “Still counting people on the bank”"
            in page.text)
    played = await load(run.id)
    defaults = [e for e in played.events if e["kind"] == "decision"]
    assert {(e["role"], e["rationale"], e["data"]["by"]) for e in defaults} == {
        ("patrol", "Still counting people on the bank", "timeout"), ("fire", "", "timeout"),
        ("dispatch", "", "timeout")}
    console = await live_run.facilitator.get(f"/runs/{run.id}/console")
    assert "Decided in “The bridge gives way”</strong> · the time ran out: defaults were recorded" in console.text
    assert "Patrol sergeant chose <strong>Wait for more information</strong> <span class=\"muted\">(default on time-out)" in console.text
    assert "+1 minute" not in console.text  # the scene the run moved to (chaos) has no time limit


async def test_the_projector_shows_only_what_is_addressed_to_everyone(live_run):
    run, facilitator, patrol = live_run.run, live_run.facilitator, live_run.patrol
    for inject in ("first-call", "news-van"):  # to dispatch alone; to all
        await post_form(facilitator, f"/runs/{run.id}/console/release", {"inject": inject, "released": "0"})
    projector = await facilitator.get(f"/runs/{run.id}/projector")
    assert "Live shot of the river." in projector.text and "news report from Channel 4" in projector.text
    assert "People in the water!" not in projector.text and "first-call" not in projector.text
    assert "Twelve 911 calls" not in projector.text  # dispatch's role information
    assert "You supervise the festival detail" not in projector.text  # a role's briefing
    shown = await facilitator.get(f"/runs/{run.id}/pulse?view=projector&step=0&status=running")
    assert "Live shot of the river." in shown.text and "People in the water!" not in shown.text
    console = await facilitator.get(f"/runs/{run.id}/pulse?view=console&step=0&status=running&people=1")
    assert "People in the water!" in console.text  # the facilitator sees every message
    asked = await patrol.get(f"/runs/{run.id}/pulse?view=console&step=0&status=running&roles=patrol")
    assert "People in the water!" not in asked.text and "Live shot" in asked.text  # a player asking for more


async def test_a_projector_opened_in_the_lobby_follows_the_start(bridge, signed_in_client, make_session):
    session = await make_session()
    coordinator = await signed_in_client("coordinator")
    await post_form(coordinator, f"/sessions/{session.id}/runs", {"scenario": "bridge-collapse"})
    run = await Run.objects().first()
    projector = await coordinator.get(f"/runs/{run.id}/projector")
    assert "view=projector" in projector.text and "status=lobby" in projector.text  # it polls while waiting
    waiting = await coordinator.get(f"/runs/{run.id}/pulse?view=projector&step=0&status=lobby")
    assert "HX-Refresh" not in waiting.headers
    officer = await signed_in_client("officer")
    await enrol_people(session.id, [officer.person.id], ANONYMOUS)
    await post_form(officer, "/join", {"code": run.join_code})
    joined = await coordinator.get(f"/runs/{run.id}/pulse?view=console&step=0&status=lobby&people=0")
    assert joined.headers.get("HX-Refresh") == "true"  # the console's lobby lists people as they join
    await post_form(coordinator, f"/runs/{run.id}/assign", {"person": str(officer.person.id), "role": "fire"})
    await post_form(coordinator, f"/runs/{run.id}/start")
    started = await coordinator.get(f"/runs/{run.id}/pulse?view=projector&step=0&status=lobby")
    assert started.headers.get("HX-Refresh") == "true"


async def test_ending_early_asks_for_confirmation(live_run):
    run, facilitator, patrol = live_run.run, live_run.facilitator, live_run.patrol
    console = await facilitator.get(f"/runs/{run.id}/console")
    assert "End the exercise now…" in console.text and "Yes, end the exercise now" in console.text
    unconfirmed = await post_form(facilitator, f"/runs/{run.id}/console/end", {}, follow_redirects=True)
    assert "Confirm that you want to end the exercise now" in unconfirmed.text
    assert (await load(run.id)).run.status == "running"
    await post_form(facilitator, f"/runs/{run.id}/console/end", {"confirm": "yes"})
    assert (await load(run.id)).run.status == "ended"
    assert "The exercise was ended early, at “The bridge gives way”." in (await facilitator.get(f"/runs/{run.id}/console")).text
    assert "The facilitator ended it at “The bridge gives way”" in (await patrol.get(f"/runs/{run.id}")).text
    debrief = await patrol.get(f"/runs/{run.id}/debrief")
    assert debrief.status_code == 200 and "Ended at “The bridge gives way”" in debrief.text


def server_sent(text: str) -> list[dict[str, str]]:
    """A stream's events as their fields (data lines joined), comments left out."""
    events = []
    for block in text.split("\n\n"):
        fields: dict[str, str] = {}
        for line in block.splitlines():
            name, _, value = line.partition(": ")
            if name in ("id", "event"):
                fields[name] = value
            elif name == "data":
                fields["data"] = f"{fields['data']}\n{value}" if "data" in fields else value
        if fields:
            events.append(fields)
    return events


async def test_a_page_stream_brings_the_status_and_the_next_scene(live_run, signed_in_client):
    run, patrol, facilitator = live_run.run, live_run.patrol, live_run.facilitator
    page = await patrol.get(f"/runs/{run.id}")
    drawn_at = (await load(run.id)).last_seq
    stream = html.unescape(re.search(r'<div id="play"[^>]* sse-connect="([^"]+)"', page.text).group(1))
    assert stream == f"/runs/{run.id}/stream?view=player&step=0&status=running&roles=patrol&team=&seen={drawn_at}"
    assert 'sse-swap="scene,reload"' in page.text and 'sse-swap="status"' in page.text
    assert 'hx-trigger="poll"' in page.text  # the status area asks only while no stream is open (drillhub.js)
    quiet = await patrol.get(stream)  # nothing since the page was drawn: nothing told (tests hold streams 0 s)
    assert quiet.headers["content-type"].startswith("text/event-stream") and server_sent(quiet.text) == []

    await post_form(patrol, f"/runs/{run.id}/decide", {"step": "0", "role": "patrol", "choice": "perimeter"})
    decided_at = (await load(run.id)).last_seq
    [told] = server_sent((await patrol.get(stream)).text)  # the page's stream as it reconnects
    asked = await patrol.get(f"/runs/{run.id}/pulse?view=player&step=0&status=running&roles=patrol&team=")
    assert told["event"] == "status" and told["data"] == asked.text  # the status itself: no request for it
    assert "waiting: nobody plays Fire battalion chief" in told["data"]
    shows = "step=0&status=running&roles=patrol&people=&team="
    assert told["id"] == f"seq={decided_at}&{shows}"  # the last seq, and what the page shows after it
    assert server_sent((await patrol.get(stream, headers={"Last-Event-ID": told["id"]})).text) == []

    await post_form(facilitator, f"/runs/{run.id}/console/stand_in", {"step": "0"})
    await post_form(facilitator, f"/runs/{run.id}/console/advance", {"step": "0"})
    [scene] = server_sent((await patrol.get(stream, headers={"Last-Event-ID": told["id"]})).text)
    now = (await load(run.id)).last_seq
    assert scene["event"] == "scene" and scene["id"] == f"seq={now}&step=1&status=running&roles=patrol&people=&team="
    drawn = (await patrol.get(f"/runs/{run.id}")).text
    content = drawn.split('sse-swap="scene,reload" hx-swap="innerHTML">', 1)[1].rsplit("</div>", 1)[0]
    csrf = re.search(r'<input type="hidden" name="_csrf_token" value="[^"]+" />', content).group(0)
    assert scene["data"].strip() == content.replace(csrf, "").strip()  # the page's content, but the token
    assert "<h1 id=\"scene-title\" tabindex=\"-1\">Unified command</h1>" in scene["data"] and 'name="step" value="1"' in scene["data"]
    assert server_sent((await patrol.get(stream, headers={"Last-Event-ID": scene["id"]})).text) == []

    await post_form(facilitator, f"/runs/{run.id}/console/end", {"confirm": "yes"})
    [ended] = server_sent((await patrol.get(stream, headers={"Last-Event-ID": scene["id"]})).text)
    assert ended["event"] == "reload" and "status=ended" in ended["data"]  # the whole page changes
    console = await facilitator.get(f"/runs/{run.id}/console")
    assert 'sse-swap="status,reload"' not in console.text  # an ended run's console holds no stream
    stranger = await signed_in_client("officer")
    assert (await stranger.get(f"/runs/{run.id}/stream")).status_code == 403


async def test_a_stream_given_nonsense_still_tells_the_page_what_it_missed(live_run):
    run, patrol = live_run.run, live_run.patrol
    await post_form(patrol, f"/runs/{run.id}/decide", {"step": "0", "role": "patrol", "choice": "perimeter"})
    shows = "step=0&status=running&roles=patrol&team="
    player = (await patrol.get(f"/runs/{run.id}/pulse?view=player&{shows}")).text
    told = []
    for headers, query in [({"Last-Event-ID": "seq=abc&step=%0Aevent: scene"}, f"seen=1&{shows}"),
                           ({"Last-Event-ID": "\u00e9t\u00e9".encode()}, f"seen=1&view=console&{shows}"),
                           ({}, f"seen=-5&view=<script>&{shows}"),
                           ({}, f"seen=99999999999999999999&{shows}")]:
        answer = await patrol.get(f"/runs/{run.id}/stream?{query}", headers=headers)
        assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/event-stream")
        told.append(server_sent(answer.text))
    # an unreadable last event id counts as none: the page's own seq says what it missed; the id written
    # back carries no line break of the header's
    [first] = told[0]
    assert first["event"] == "status" and first["data"] == player and first["id"].startswith("seq=")
    [second] = told[1]  # a player asking for the console's view gets their own
    assert second["event"] == "status" and second["data"] == player
    assert told[2] == told[3] == []  # no seq, or one beyond the run's: the page is taken to be up to date


async def test_a_console_stream_says_to_reload_when_the_scene_moves_on(live_run):
    run, facilitator = live_run.run, live_run.facilitator
    await post_form(live_run.patrol, f"/runs/{run.id}/decide", {"step": "0", "role": "patrol", "choice": "perimeter"})
    console = await facilitator.get(f"/runs/{run.id}/console")
    stream = html.unescape(re.search(r'sse-connect="([^"]+)"', console.text).group(1))
    assert stream.startswith(f"/runs/{run.id}/stream?view=console&step=0&status=running&people=1&seen=")
    assert 'sse-swap="status,reload"' in console.text
    await post_form(facilitator, f"/runs/{run.id}/console/stand_in", {"step": "0"})
    [told] = server_sent((await facilitator.get(stream)).text)
    assert told["event"] == "status"
    await post_form(facilitator, f"/runs/{run.id}/console/advance", {"step": "0"})
    [moved] = server_sent((await facilitator.get(stream, headers={"Last-Event-ID": told["id"]})).text)
    assert moved["event"] == "reload" and moved["data"] == "view=console&step=1&status=running&people=1"


async def test_the_status_is_rendered_once_per_change_for_each_role(live_run, monkeypatch):
    from drillhub.facilitation import status

    run, patrol = live_run.run, live_run.patrol
    rendered = []
    real = status.status_context

    async def counted(played, user, view="player"):
        rendered.append((played.last_seq, view))
        return await real(played, user, view)

    monkeypatch.setattr(status, "status_context", counted)
    status._RENDERED.clear()
    first = await patrol.get(f"/runs/{run.id}/pulse?step=0&status=running&roles=patrol")
    again = await patrol.get(f"/runs/{run.id}/pulse?step=0&status=running&roles=patrol")
    assert first.text == again.text and len(rendered) == 1  # the second poll was served as rendered
    assert 'data-ends="' in first.text  # the countdown runs in the browser, so the text does not age
    await post_form(patrol, f"/runs/{run.id}/decide", {"step": "0", "role": "patrol", "choice": "perimeter"})
    after = await patrol.get(f"/runs/{run.id}/pulse?step=0&status=running&roles=patrol")
    assert len(rendered) == 2 and "Patrol sergeant" not in after.text.split("waiting:")[1].split("</p>")[0]


async def test_the_console_projector_and_player_read_what_depends_on_state(bridge, signed_in_client, make_session,
                                                                           make_agency):
    from drillhub.scenarios.service import add_upload
    from tests.conftest import SCENARIO_FILES

    text = (SCENARIO_FILES / "bridge.yaml").read_text().replace('version: "1.0"', 'version: "1.1"').replace(
        "    narrative: At 19:40 the **footbridge** collapses into the river.\n",
        "    narrative: At 19:40 the **footbridge** collapses; {victims_in_water} people are in the river.\n"
        "    conditional_text:\n      - {when: crowd == 'panicked', text: People push toward the railing.}\n"
        "      - {when: crowd == 'calm', text: The bank is quiet.}\n"
        "      - {when: victims_in_water > 3, text: Two boats are on their trailers., to: [patrol]}\n").replace(
        "message: Crowd surging to the bank.}", "message: Crowd surging to the bank., when: crowd == 'calm'}")
    await add_upload("bridge.yaml", text, ANONYMOUS)  # published: the run plays 1.1
    live = await started_run(signed_in_client, make_session, make_agency)
    console = (await live.facilitator.get(f"/runs/{live.run.id}/console")).text
    assert "collapses; 6 people are in the river." in console
    assert "Shown to everyone (when crowd == &#39;panicked&#39;)" in console and "People push toward the railing." in console
    assert "Not shown to everyone (when crowd == &#39;calm&#39;)" in console
    assert "Shown to Patrol sergeant (when victims_in_water &gt; 3)" in console
    assert "(goes out only if crowd == &#39;calm&#39;)" in console  # the radio check will not go out by itself
    projector = (await live.facilitator.get(f"/runs/{live.run.id}/projector")).text
    assert "People push toward the railing." in projector and "The bank is quiet." not in projector
    assert "Two boats are on their trailers." not in projector  # the patrol's alone
    page = (await live.patrol.get(f"/runs/{live.run.id}")).text
    assert "Two boats are on their trailers." in page and "People push toward the railing." in page
